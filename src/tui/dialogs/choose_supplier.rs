//! Choosing the supplier the app works on: every supplier of the workspace,
//! the one on show marked; Enter works on the selected one (its baskets,
//! orders, quotes, approvals and account), Esc keeps the one on show.

use crate::tui::component::{Cmd, Component, Cx, movement, step};
use crate::tui::engine::Effect;
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::centered;
use crate::tui::widgets::text::ellipsize;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, List, ListItem, ListState};

#[derive(Debug, Clone)]
pub struct ChooseSupplier {
    pub(crate) names: Vec<String>,
    pub(crate) selected: usize,
}

impl ChooseSupplier {
    /// The suppliers to choose from, the one on show selected.
    pub(crate) fn new(cx: &Cx) -> ChooseSupplier {
        let selected = cx.suppliers.iter().position(|s| *s == cx.supplier).unwrap_or(0);
        ChooseSupplier { names: cx.suppliers.clone(), selected }
    }

    /// The suppliers listed.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

impl Component for ChooseSupplier {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::SupplierPicker, Scope::Lists], false)
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if let Some((delta, to_end)) = movement(action) {
            self.selected = step(self.selected, self.names.len(), delta, to_end);
            return Some(vec![]);
        }
        Some(match action {
            Action::Apply => match self.names.get(self.selected) {
                Some(name) if *name != cx.supplier => {
                    vec![Cmd::Close, Cmd::Run(Effect::Switch { supplier: name.clone() })]
                }
                _ => vec![Cmd::Close],
            },
            Action::Back | Action::Supplier => vec![Cmd::Close],
            Action::Quit | Action::Help => return None,
            _ => vec![],
        })
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        let t = &cx.theme;
        let width = 40.min(area.width);
        let height = (self.names.len() as u16 + 2).min(area.height);
        let r = centered(area, width, height);
        let items: Vec<ListItem> = self
            .names
            .iter()
            .map(|n| {
                let here = if *n == cx.supplier { Span::styled(" (on show)", t.dim()) } else { Span::raw("") };
                ListItem::new(Line::from(vec![Span::raw(ellipsize(n, width.saturating_sub(16) as usize)), here]))
            })
            .collect();
        let mut state = ListState::default().with_selected(Some(self.selected));
        f.render_widget(Clear, r);
        f.render_stateful_widget(
            List::new(items).highlight_style(t.selected()).highlight_symbol("▶ ").block(
                Block::bordered().title(" Work on supplier ").title_bottom(Line::styled(" Enter · Esc ", t.dim())),
            ),
            r,
            &mut state,
        );
    }
}
