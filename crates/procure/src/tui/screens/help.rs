//! The help overlay: every binding of the keymap, by where it works.

use super::centered;
use crate::tui::component::{Cmd, Component, Cx};
use crate::tui::keymap::{Action, Scope};
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear, Row, Table};

#[derive(Debug, Default)]
pub struct Help;

impl Component for Help {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![], false)
    }

    /// Any key closes the help.
    fn action(&mut self, _cx: &mut Cx, _action: Action) -> Option<Vec<Cmd>> {
        Some(vec![Cmd::Close])
    }

    fn key(&mut self, _cx: &mut Cx, _key: &KeyEvent) -> Vec<Cmd> {
        vec![Cmd::Close]
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        let t = &cx.theme;
        let rows: Vec<Row> = cx
            .keymap
            .help_rows()
            .into_iter()
            .map(|(scope, keys, name, help)| {
                Row::new(vec![
                    Span::styled(scope, t.dim()),
                    Span::styled(keys, t.key()),
                    Span::raw(help),
                    Span::styled(name, t.dim()),
                ])
            })
            .collect();
        let r = centered(area, 100, area.height);
        f.render_widget(Clear, r);
        f.render_widget(
            Table::new(
                rows,
                [Constraint::Length(15), Constraint::Length(16), Constraint::Min(30), Constraint::Length(12)],
            )
            .header(
                Row::new(vec!["Where", "Keys", "Does", "[keys] name"])
                    .style(Style::default().add_modifier(Modifier::BOLD)),
            )
            .block(Block::bordered().title(" Help — any key closes · override keys in config.toml [keys] ")),
            r,
        );
    }
}
