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
    /// What the choice is for: the supplier to work on, or (a basket's
    /// name) the one to make that basket at.
    pub(crate) copy: Option<String>,
}

impl ChooseSupplier {
    /// The suppliers to choose from, the one on show selected.
    pub(crate) fn new(cx: &Cx) -> ChooseSupplier {
        let selected = cx.suppliers.iter().position(|s| *s == cx.supplier).unwrap_or(0);
        ChooseSupplier { names: cx.suppliers.clone(), selected, copy: None }
    }

    /// The other suppliers, to make `basket` at one of them.
    pub(crate) fn to_copy(cx: &Cx, basket: &str) -> ChooseSupplier {
        let names = cx.suppliers.iter().filter(|s| **s != cx.supplier).cloned().collect();
        ChooseSupplier { names, selected: 0, copy: Some(basket.to_string()) }
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
            Action::Apply => match (self.names.get(self.selected), &self.copy) {
                (Some(to), Some(basket)) => vec![
                    Cmd::Close,
                    Cmd::Run(Effect::CopyBasket {
                        supplier: cx.supplier.clone(),
                        basket: basket.clone(),
                        to: to.clone(),
                    }),
                ],
                (Some(name), None) if *name != cx.supplier => {
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
        let title = match &self.copy {
            Some(basket) => format!(" Make basket {} at ", ellipsize(basket, 16)),
            None => " Work on supplier ".to_string(),
        };
        f.render_widget(Clear, r);
        f.render_stateful_widget(
            List::new(items)
                .highlight_style(t.selected())
                .highlight_symbol("▶ ")
                .block(Block::bordered().title(title).title_bottom(Line::styled(" Enter · Esc ", t.dim()))),
            r,
            &mut state,
        );
    }
}
