//! Choosing the part a quick-entry line meant when its type number names
//! several: the candidates as the client lists them, arrows and Enter to
//! take one, Esc to leave the line as it is.

use crate::tui::component::{Cmd, Component, Cx, movement, step};
use crate::tui::engine::Msg;
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::centered;
use crate::tui::widgets::text::ellipsize;
use procure_client::core::text::format_amount;
use procure_client::service::baskets::LineChoices;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, TableState};

#[derive(Debug, Clone)]
pub struct ChoosePart {
    /// The quick-entry line (1-based) the choice is for.
    pub(crate) line: usize,
    pub(crate) choices: LineChoices,
    pub(crate) selected: usize,
}

impl ChoosePart {
    /// The quick-entry line the parts are for.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The parts the line's type number names.
    pub fn choices(&self) -> &LineChoices {
        &self.choices
    }

    pub(crate) fn new(line: usize, choices: LineChoices) -> ChoosePart {
        ChoosePart { line, choices, selected: 0 }
    }
}

impl Component for ChoosePart {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::PartChooser, Scope::Lists], false)
    }

    fn action(&mut self, _cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if let Some((delta, to_end)) = movement(action) {
            self.selected = step(self.selected, self.choices.parts.len(), delta, to_end);
            return Some(vec![]);
        }
        Some(match action {
            Action::Apply => match self.choices.parts.get(self.selected) {
                Some(p) => vec![Cmd::Close, Cmd::Pass(Msg::PartChosen { line: self.line, text: p.line.clone() })],
                None => vec![Cmd::Close],
            },
            Action::Back => vec![Cmd::Close],
            // Quitting and help stay the app's; nothing else while choosing.
            Action::Quit | Action::Help => return None,
            _ => vec![],
        })
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        let t = &cx.theme;
        let c = &self.choices;
        let price = |p: Option<rust_decimal::Decimal>| p.map(format_amount).unwrap_or_else(|| "–".into());
        let width = 110.min(area.width);
        let inner_w = width.saturating_sub(2) as usize;
        let width_of = crate::tui::widgets::columns::width;
        // SKU, type number and price are kept whole; maker and name share the rest.
        let longest = |f: &dyn Fn(&procure_client::service::baskets::Candidate) -> usize, min: usize| {
            c.parts.iter().map(f).max().unwrap_or(0).max(min)
        };
        let sku_w = longest(&|p| width_of(&p.sku), 3);
        let mpn_w = longest(&|p| width_of(&p.mpn), 11);
        let price_title = format!("{} ×{}", c.currency, c.qty);
        let price_w = longest(&|p| width_of(&price(p.unit_price)), width_of(&price_title));
        // Two for the selection mark, one between columns.
        let rest = inner_w.saturating_sub(2 + sku_w + mpn_w + price_w + 4);
        let maker_w = (rest / 3).min(longest(&|p| width_of(&p.manufacturer), 5));
        let name_w = rest.saturating_sub(maker_w);
        let rows: Vec<Row> = c
            .parts
            .iter()
            .map(|p| {
                Row::new(vec![
                    p.sku.clone(),
                    p.mpn.clone(),
                    ellipsize(&p.manufacturer, maker_w),
                    ellipsize(&p.name, name_w),
                    format!("{:>price_w$}", price(p.unit_price)),
                ])
            })
            .collect();
        let widths = [sku_w, mpn_w, maker_w, name_w, price_w].map(|w| Constraint::Length(w as u16));
        let head = Line::styled(
            format!("Line {}: {:?} names {} parts. Which one?", self.line, c.typed, c.parts.len()),
            t.base(),
        );
        let foot = Line::styled(format!("Quantity as typed: {}", c.qty), t.dim());
        let want = c.parts.len() as u16 + 1 + 2 + 2 + 1;
        let r = centered(area, width, want.min(area.height));
        f.render_widget(Clear, r);
        let block = Block::bordered().title(" Choose the part ");
        let inner = block.inner(r);
        f.render_widget(block, r);
        let [head_area, table_area, foot_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1), Constraint::Length(1)]).areas(inner);
        f.render_widget(Paragraph::new(ellipsize(&head.to_string(), inner_w)).style(t.base()), head_area);
        let titles = ["SKU", "Type number", "Maker", "Name", &format!("{price_title:>price_w$}")].map(str::to_string);
        let table = Table::new(rows, widths)
            .header(Row::new(titles).style(t.dim()))
            .column_spacing(1)
            .row_highlight_style(t.selected())
            .highlight_symbol("▶ ")
            .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
        let mut state = TableState::default().with_selected(Some(self.selected));
        f.render_stateful_widget(table, table_area, &mut state);
        f.render_widget(Paragraph::new(foot), foot_area);
    }
}
