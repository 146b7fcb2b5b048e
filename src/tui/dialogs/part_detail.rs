//! Part detail: tiers, quantity rules, stock, attributes, documents, successor.

use super::prompt::Prompt;
use crate::tui::component::{Cmd, Component, Cx, Level, run};
use crate::tui::engine::Effect;
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::scroll::{self, Scroll};
use procure_client::core::text::{format_amount, format_price};
use procure_client::service::search::PartDetail;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

/// A part's detail, over the screen that opened it.
#[derive(Debug)]
pub(crate) struct Detail {
    pub(crate) part: Box<PartDetail>,
    pub(crate) scroll: Scroll,
}

impl Detail {
    pub(crate) fn new(part: Box<PartDetail>) -> Detail {
        Detail { part, scroll: Scroll::default() }
    }

    /// Enter opens a successor: only a discontinued part has one.
    fn has_successor(&self) -> bool {
        self.part.product.discontinued && self.part.product.replaced_by.is_some()
    }
}

impl Component for Detail {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        if self.has_successor() {
            (vec![Scope::Successor, Scope::Detail, Scope::Lists], false)
        } else {
            (vec![Scope::Detail, Scope::Lists], false)
        }
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if self.scroll.apply(action) {
            return Some(vec![]);
        }
        match action {
            Action::Add => {
                if cx.current_basket().is_none() {
                    cx.say(Level::Warn, "no basket yet: create one in Baskets with n");
                    return Some(vec![]);
                }
                Some(vec![Cmd::Open(Box::new(Prompt::add_qty(cx, &self.part)))])
            }
            Action::Open => Some(match self.part.product.replaced_by.clone() {
                Some(sku) if self.has_successor() => run(Effect::Detail { supplier: cx.supplier.clone(), sku }),
                _ => vec![],
            }),
            _ => None,
        }
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        draw(f, cx, &self.part, area, &mut self.scroll)
    }
}

fn draw(f: &mut Frame, cx: &Cx, d: &PartDetail, area: Rect, scroll: &mut Scroll) {
    let t = &cx.theme;
    let p = &d.product;
    let pricing = d.pricing();
    let mut lines = vec![
        Line::styled(p.name.clone(), t.title()),
        Line::from(vec![Span::styled("Type number  ", t.dim()), Span::raw(format!("{}  ({})", p.mpn, p.manufacturer))]),
        Line::from(vec![Span::styled("SKU / GTIN   ", t.dim()), Span::raw(format!("{}  {}", p.sku, p.gtin))]),
        Line::from(vec![Span::styled("Category     ", t.dim()), Span::raw(p.category.clone())]),
    ];
    if p.discontinued {
        let succ = match &d.successor {
            Some(s) => format!("DISCONTINUED — replaced by {} {} (Enter opens it)", s.sku, s.name),
            None => "DISCONTINUED".to_string(),
        };
        lines.push(Line::styled(succ, t.warn()));
    }
    lines.push(Line::from(vec![
        Span::styled("Quantities   ", t.dim()),
        Span::raw(format!(
            "unit {} · pack {} · minimum {} · step {} · smallest order {}",
            p.unit,
            p.pack_size,
            pricing.rules.minimum(),
            p.order_step,
            pricing.smallest
        )),
    ]));
    let stock = if p.stock > 0 {
        Span::styled(format!("{} in stock", p.stock), t.ok())
    } else {
        Span::styled("not in stock".to_string(), t.warn())
    };
    lines.push(Line::from(vec![
        Span::styled("Availability ", t.dim()),
        stock,
        Span::raw(format!(" · lead time {} days", p.lead_time_days)),
    ]));
    lines.push(Line::raw(""));
    match &d.prices {
        Some(e) => {
            lines.push(Line::styled(
                format!("Your prices ({} per {}, excl. {}% VAT)", d.currency, p.unit, e.vat_rate.normalize()),
                t.title(),
            ));
            for tier in &pricing.tiers {
                lines.push(Line::raw(format!(
                    "  from {:>6}  {:>10}    e.g. {} × = {}",
                    tier.min_qty,
                    format_price(tier.unit_price, tier.base_quantity),
                    tier.example.qty,
                    format_amount(tier.example.total)
                )));
            }
        }
        None => lines.push(Line::styled("No price in your price list", t.warn())),
    }
    if !p.attributes.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Attributes", t.title()));
        for a in &p.attributes {
            lines.push(Line::raw(format!("  {:<22} {}", a.name, a.value)));
        }
    }
    if !p.documents.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled("Documents", t.title()));
        for doc in &p.documents {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<12}", doc.kind.as_str()), t.dim()),
                Span::raw(format!("{}  ", doc.title)),
                Span::styled(doc.url.clone(), t.key()),
            ]));
        }
    }
    if !p.description.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::raw(p.description.clone()));
    }
    let keys = if p.discontinued && d.successor.is_some() {
        "a add to basket · Enter successor · Esc back"
    } else {
        "a add to basket · Esc back"
    };
    let block = Block::bordered().title(format!(" {} ", p.sku));
    scroll::dialog(f, area, 110, block, lines, Line::styled(keys, t.dim()), scroll);
}
