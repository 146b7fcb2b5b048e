//! Every supplier's offer for one part at a quantity, the best marked, as
//! `procure compare` gives it: opened from a search result (at the part's
//! smallest quantity) or from the quantity prompt (at the quantity typed).
//! An offer is added, at its order quantity, to a basket of its supplier.

use crate::tui::component::{Cmd, Component, Cx, Level, movement, run, step};
use crate::tui::engine::{Effect, Failure, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::centered;
use crate::tui::widgets::columns::{self, Col};
use crate::tui::widgets::text;
use procure_client::core::compare::{By, ComparedPart, Offer};
use procure_client::core::text::{format_amount, format_price};
use procure_client::service::catalog::CatalogState;
use procure_client::service::compare::Comparison;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

/// How many comparisons were asked for: an answer to an older one is dropped.
static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[derive(Debug)]
pub struct CompareView {
    /// The part asked about: its SKU at `supplier`.
    pub(crate) sku: String,
    pub(crate) supplier: String,
    pub(crate) qty: u32,
    pub(crate) by: By,
    pub(crate) seq: u64,
    /// The comparison, once it is there.
    pub(crate) comparison: Option<Comparison>,
    pub(crate) error: Option<String>,
    pub(crate) selected: usize,
}

impl CompareView {
    /// The comparison shown (`None` while it is worked out).
    pub fn comparison(&self) -> Option<&Comparison> {
        self.comparison.as_ref()
    }

    /// The part shown: the one asked about.
    pub fn part(&self) -> Option<&ComparedPart> {
        let c = self.comparison.as_ref()?;
        c.parts
            .iter()
            .find(|p| p.offers.iter().any(|o| o.supplier == self.supplier && o.sku == self.sku))
            .or(c.parts.first())
    }

    /// The view of `sku` of `supplier` at `qty`, and the work that fills it.
    pub(crate) fn open(supplier: &str, sku: &str, qty: u32) -> Vec<Cmd> {
        let mut v = CompareView {
            sku: sku.to_string(),
            supplier: supplier.to_string(),
            qty,
            by: By::Cost,
            seq: 0,
            comparison: None,
            error: None,
            selected: 0,
        };
        let effect = v.ask();
        vec![Cmd::Replace(Box::new(v)), Cmd::Run(effect)]
    }

    /// A view with its comparison, as the engine answers (for the snapshots).
    #[cfg(test)]
    pub(crate) fn with(supplier: &str, sku: &str, comparison: Comparison) -> CompareView {
        CompareView {
            sku: sku.to_string(),
            supplier: supplier.to_string(),
            qty: comparison.quantity,
            by: comparison.by,
            seq: 0,
            comparison: Some(comparison),
            error: None,
            selected: 0,
        }
    }

    fn ask(&mut self) -> Effect {
        self.seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        Effect::Compare {
            supplier: self.supplier.clone(),
            seq: self.seq,
            query: self.sku.clone(),
            qty: self.qty,
            by: self.by,
        }
    }

    fn add(&self, cx: &mut Cx) -> Vec<Cmd> {
        let Some(o) = self.part().and_then(|p| p.offers.get(self.selected)) else { return vec![] };
        let Some(qty) = o.order_quantity.filter(|_| !o.discontinued) else {
            cx.say(Level::Warn, format!("{} {} cannot be ordered", o.supplier, o.sku));
            return vec![];
        };
        // The basket adds go to, at the supplier on show; another supplier's
        // part goes into that one's basket used last (or a new one of the
        // same name).
        let current = cx.current_basket();
        let basket = if o.supplier == cx.supplier { current.clone() } else { None };
        cx.say(Level::Info, format!("adding {qty} × {} to a basket of {}…", o.sku, o.supplier));
        run(Effect::AddOffer {
            supplier: o.supplier.clone(),
            sku: o.sku.clone(),
            qty,
            basket,
            otherwise: current.unwrap_or_else(|| "compare".into()),
        })
    }
}

impl Component for CompareView {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Compare, Scope::Lists], false)
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if let Some((delta, to_end)) = movement(action) {
            let n = self.part().map_or(0, |p| p.offers.len());
            self.selected = step(self.selected, n, delta, to_end);
            return Some(vec![]);
        }
        match action {
            Action::Add => Some(self.add(cx)),
            Action::Toggle => {
                self.by = match self.by {
                    By::Cost => By::Date,
                    By::Date => By::Cost,
                };
                self.selected = 0;
                Some(vec![Cmd::Run(self.ask())])
            }
            Action::Back => Some(vec![Cmd::Close]),
            _ => None,
        }
    }

    fn on_msg(&mut self, _cx: &mut Cx, msg: Msg, _out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::Compared { seq, comparison } if seq == self.seq => {
                self.comparison = Some(*comparison);
                self.error = None;
                self.selected = 0;
                None
            }
            // An older comparison's answer.
            Msg::Compared { .. } => None,
            other => Some(other),
        }
    }

    fn failed(&mut self, _cx: &mut Cx, what: Failure, message: &str) {
        if what == Failure::Compare {
            self.error = Some(message.to_string());
        }
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        draw(f, cx, self, area)
    }
}

/// An offer's unit price as its supplier gives it.
fn unit(o: &Offer) -> String {
    match o.unit_price {
        _ if o.price_on_request => "on request".into(),
        Some(u) => format_price(u, o.base_quantity),
        None => "–".into(),
    }
}

fn extended(o: &Offer) -> String {
    o.extended.map_or_else(|| "–".into(), |e| format!("{} {}", format_amount(e), o.currency))
}

fn converted(o: &Offer) -> String {
    o.converted.map_or_else(|| "–".into(), format_amount)
}

/// What to know about an offer beside its figures.
fn note(o: &Offer, asked: u32) -> String {
    let mut n = Vec::new();
    if let Some(why) = &o.not_ranked {
        n.push(format!("not ranked: {why}"));
    }
    if let Some(r) = &o.raised {
        n.push(format!("{asked} wanted, {r}"));
    }
    if !o.covers {
        n.push(format!("stock short, {} days", o.lead_time_days));
    }
    n.join("; ")
}

fn draw(f: &mut Frame, cx: &Cx, v: &CompareView, area: Rect) {
    let t = &cx.theme;
    let width = area.width.min(124);
    let inner_w = width.saturating_sub(2);
    let (title, mut head, part) = match (&v.comparison, v.part()) {
        (Some(c), Some(p)) => {
            let by = match c.by {
                By::Cost => "cheapest covered from stock",
                By::Date => "earliest arrival",
            };
            (
                format!(" Compare {} {} ", p.manufacturer, p.type_number),
                vec![
                    Line::styled(text::ellipsize(&p.name, inner_w as usize), t.base()),
                    Line::styled(format!("{} wanted · best: {by} · in {}", c.quantity, c.currency), t.dim()),
                ],
                Some(p),
            )
        }
        (Some(_), None) => (" Compare ".into(), vec![Line::styled("No supplier has this part.", t.dim())], None),
        (None, _) => match &v.error {
            Some(e) => (" Compare ".into(), vec![Line::styled(e.clone(), t.error())], None),
            None => (
                " Compare ".into(),
                vec![Line::styled(format!("Comparing every supplier's offer for {} at {}…", v.sku, v.qty), t.dim())],
                None,
            ),
        },
    };
    // Below the table: the best offer and why, a larger quantity that costs
    // less, currencies without a rate, suppliers that cannot answer.
    let mut foot: Vec<Line> = Vec::new();
    if let (Some(c), Some(p)) = (&v.comparison, part) {
        match &p.best {
            Some(b) => foot.push(Line::from(vec![
                Span::styled("▶ best: ", t.ok()),
                Span::raw(format!("{} {} — {}", b.supplier, b.sku, b.reason)),
            ])),
            None => foot.push(Line::styled("No offer can be compared (see below).", t.warn())),
        }
        if let Some(b) = &p.buy_up {
            foot.push(Line::from(vec![
                Span::styled("buy more: ", t.key()),
                Span::raw(format!(
                    "{} {}: {} for {} {cur} instead of {} for {} {cur}",
                    b.supplier,
                    b.sku,
                    b.quantity,
                    format_amount(b.converted),
                    b.instead_of_quantity,
                    format_amount(b.instead_of),
                    cur = c.currency
                )),
            ]));
        }
        for n in &c.notes {
            foot.push(Line::styled(n.clone(), t.dim()));
        }
        for s in c.suppliers.iter().filter(|s| s.state != CatalogState::Ready) {
            foot.push(Line::styled(
                format!("{} ({}): {}", s.supplier, s.state.as_str(), s.note.as_deref().unwrap_or("")),
                t.warn(),
            ));
        }
    }
    let offers = part.map_or(&[][..], |p| &p.offers[..]);
    let foot_h = text::wrapped_height(&foot, inner_w);
    let table_h = if offers.is_empty() { 0 } else { offers.len() as u16 + 1 };
    let want = head.len() as u16 + 1 + table_h + u16::from(table_h > 0) + foot_h + 2;
    let r = centered(area, width, want.min(area.height));
    f.render_widget(Clear, r);
    let block = Block::bordered().title(title);
    let inner = block.inner(r);
    f.render_widget(block, r);
    let [head_area, table_area, foot_area] = Layout::vertical([
        Constraint::Length(head.len() as u16 + 1),
        Constraint::Min(table_h.min(2)),
        Constraint::Length(foot_h),
    ])
    .areas(inner);
    head.push(Line::raw(""));
    f.render_widget(Paragraph::new(head), head_area);
    f.render_widget(Paragraph::new(foot).wrap(Wrap { trim: false }), foot_area);
    if offers.is_empty() {
        return;
    }
    let asked = v.comparison.as_ref().map_or(v.qty, |c| c.quantity);
    let currency = v.comparison.as_ref().map_or("", |c| c.currency.as_str());
    let len = |s: &str| s.chars().count();
    let conv_title = format!("In {currency}");
    let titles = ["From", "SKU", "Order", "Unit", "Extended", conv_title.as_str(), "Stock", "Arrives", "Note"];
    let cols = [
        Col::keep(titles[0], offers.iter().map(|o| len(&o.supplier))),
        Col::keep(titles[1], offers.iter().map(|o| len(&o.sku))),
        Col::keep(titles[2], offers.iter().map(|o| o.order_quantity.map_or(1, |q| q.to_string().len()))),
        Col::optional(titles[3], offers.iter().map(|o| len(&unit(o))), 14, 3),
        Col::keep(titles[4], offers.iter().map(|o| len(&extended(o)))),
        Col::keep(titles[5], offers.iter().map(|o| len(&converted(o)))),
        Col::optional(titles[6], offers.iter().map(|o| o.stock.to_string().len()), 8, 2),
        Col::optional(titles[7], std::iter::once(10), 10, 4),
        Col::flex(8),
    ];
    // The selection marker.
    let widths = columns::fit(&cols, table_area.width.saturating_sub(2));
    let note_w = widths[8].unwrap_or(0) as usize;
    let rows: Vec<Row> = offers
        .iter()
        .map(|o| {
            let style = if o.best {
                t.ok()
            } else if o.not_ranked.is_some() {
                t.dim()
            } else {
                Style::default()
            };
            let stock =
                if o.covers { Span::raw(o.stock.to_string()) } else { Span::styled(o.stock.to_string(), t.warn()) };
            let cells = vec![
                Cell::from(Span::styled(o.supplier.clone(), style)),
                Cell::from(Span::styled(o.sku.clone(), style)),
                Cell::from(Line::from(o.order_quantity.map_or_else(|| "–".into(), |q| q.to_string())).right_aligned()),
                Cell::from(Line::from(unit(o)).right_aligned()),
                Cell::from(Line::from(extended(o)).right_aligned()),
                Cell::from(Line::styled(converted(o), style).right_aligned()),
                Cell::from(Line::from(stock).right_aligned()),
                Cell::from(o.arrives.to_string()),
                Cell::from(text::ellipsize(&note(o, asked), note_w)),
            ];
            Row::new(columns::shown(cells, &widths))
        })
        .collect();
    let mut state = TableState::default().with_selected(Some(v.selected.min(offers.len() - 1)));
    let table = Table::new(rows, columns::constraints(&widths))
        .header(Row::new(columns::shown(titles.to_vec(), &widths)).style(t.dim()))
        .row_highlight_style(t.selected())
        .highlight_symbol("▶ ")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    f.render_stateful_widget(table, table_area, &mut state);
}
