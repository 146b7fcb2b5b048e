//! A yes/no question: before something is thrown away, or before something
//! is done that the buyer must agree to.

use crate::tui::component::{Cmd, Component, Cx};
use crate::tui::engine::Effect;
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::centered;
use crate::tui::widgets::text;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// What a yes does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Then {
    /// Close the dialog under the question.
    Discard,
    Quit,
    /// Ask the engine for this.
    Run(Effect),
}

#[derive(Debug)]
pub struct Confirm {
    pub(crate) question: String,
    pub(crate) then: Then,
}

impl Confirm {
    pub(crate) fn new(question: impl Into<String>, then: Then) -> Confirm {
        Confirm { question: question.into(), then }
    }
}

impl Component for Confirm {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Confirm], false)
    }

    fn action(&mut self, _cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        Some(match action {
            Action::Apply => match &self.then {
                Then::Discard => vec![Cmd::Close, Cmd::Close],
                Then::Quit => vec![Cmd::Quit],
                Then::Run(effect) => vec![Cmd::Close, Cmd::Run(effect.clone())],
            },
            Action::Back => vec![Cmd::Close],
            // Nothing else while the question is open.
            _ => vec![],
        })
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        let t = &cx.theme;
        let keys = "y yes · n / Esc no";
        let width = 60.min(area.width);
        // Rows as the words wrap: the keys line is never pushed out.
        let inner = width.saturating_sub(2);
        let height = text::word_wrapped_height(&self.question, inner) + text::word_wrapped_height(keys, inner);
        let mut lines: Vec<Line> = self.question.split('\n').map(|l| Line::styled(l.to_string(), t.warn())).collect();
        lines.push(Line::styled(keys, t.dim()));
        let r = centered(area, width, height + 2);
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered()), r);
    }
}
