//! Part detail: tiers, quantity rules, stock, attributes, documents, successor.

use super::prompt::Prompt;
use crate::tui::component::{Cmd, Component, Cx, Level, run};
use crate::tui::engine::{Effect, Failure, Msg};
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
    /// The supplier whose part it is (not always the one on show: a search
    /// of all suppliers).
    pub(crate) supplier: String,
    pub(crate) part: Box<PartDetail>,
    pub(crate) scroll: Scroll,
    /// The document `o` opens.
    pub(crate) document: usize,
}

impl Detail {
    pub(crate) fn new(supplier: &str, part: Box<PartDetail>) -> Detail {
        Detail { supplier: supplier.to_string(), part, scroll: Scroll::default(), document: 0 }
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
            // Another supplier's part goes into a basket of that supplier:
            // the search asks for its baskets and then the quantity.
            Action::Add if self.supplier != cx.supplier => Some(vec![
                Cmd::Close,
                Cmd::Pass(Msg::AddPart { supplier: self.supplier.clone(), sku: self.part.product.sku.clone() }),
            ]),
            Action::Add => {
                if cx.current_basket().is_none() {
                    cx.say(Level::Warn, "no basket yet: create one in Baskets with n");
                    return Some(vec![]);
                }
                Some(vec![Cmd::Open(Box::new(Prompt::add_qty(cx, &self.part)))])
            }
            Action::Open => Some(match self.part.product.replaced_by.clone() {
                Some(sku) if self.has_successor() => run(Effect::Detail { supplier: self.supplier.clone(), sku }),
                _ => vec![],
            }),
            Action::Left | Action::Right => {
                let n = self.part.product.documents.len().max(1);
                self.document = (self.document + if action == Action::Right { 1 } else { n - 1 }) % n;
                Some(vec![])
            }
            Action::OpenDocument => Some(match self.part.product.documents.get(self.document) {
                Some(d) if cx.caps.is_none_or(|c| c.documents) => {
                    cx.say(Level::Info, format!("opening {}…", d.title));
                    run(Effect::OpenDocument { supplier: cx.supplier.clone(), document: d.clone() })
                }
                Some(_) => {
                    cx.say(Level::Warn, "this shop serves no documents");
                    vec![]
                }
                None => {
                    cx.say(Level::Warn, "this part has no documents");
                    vec![]
                }
            }),
            _ => None,
        }
    }

    fn on_msg(&mut self, cx: &mut Cx, msg: Msg, _out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::DocumentOpened(k) => {
                let from = if k.from_cache {
                    format!("the copy kept {} (the shop did not answer)", k.fetched_at.format("%Y-%m-%d"))
                } else {
                    "kept for offline use".to_string()
                };
                cx.say(Level::Ok, format!("opened {} — {from}", k.title));
                None
            }
            other => Some(other),
        }
    }

    fn failed(&mut self, cx: &mut Cx, what: Failure, message: &str) {
        if what == Failure::Document {
            cx.say(Level::Error, format!("document: {message}"));
        }
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        draw(f, cx, &self.supplier, &self.part, self.document, area, &mut self.scroll)
    }
}

fn draw(f: &mut Frame, cx: &Cx, supplier: &str, d: &PartDetail, chosen: usize, area: Rect, scroll: &mut Scroll) {
    let t = &cx.theme;
    let p = &d.product;
    let pricing = d.pricing();
    let mut lines = vec![Line::styled(p.name.clone(), t.title())];
    // Another supplier's part (a search of all): whose it is.
    if supplier != cx.supplier {
        lines.push(Line::from(vec![
            Span::styled("Supplier     ", t.dim()),
            Span::styled(supplier.to_string(), t.key()),
        ]));
    }
    lines.extend([
        Line::from(vec![Span::styled("Type number  ", t.dim()), Span::raw(format!("{}  ({})", p.mpn, p.manufacturer))]),
        Line::from(vec![Span::styled("SKU / GTIN   ", t.dim()), Span::raw(format!("{}  {}", p.sku, p.gtin))]),
        Line::from(vec![Span::styled("Category     ", t.dim()), Span::raw(p.category.clone())]),
    ]);
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
        Span::raw(format!(" · lead time {} day{}", p.lead_time_days, if p.lead_time_days == 1 { "" } else { "s" })),
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
                    "  from {:>6}  {:>10}    e.g. {} × {} = {}",
                    tier.min_qty,
                    format_price(tier.unit_price, tier.base_quantity),
                    tier.example.qty,
                    format_price(tier.example.unit_price, tier.example.base_quantity),
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
        for (i, doc) in p.documents.iter().enumerate() {
            let mark = if i == chosen { "▶ " } else { "  " };
            lines.push(Line::from(vec![
                Span::styled(format!("{mark}{:<12}", doc.kind.as_str()), if i == chosen { t.key() } else { t.dim() }),
                Span::raw(format!("{}  ", doc.title)),
                Span::styled(doc.url.clone(), t.dim()),
            ]));
        }
    }
    if !p.description.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::raw(p.description.clone()));
    }
    let docs = match p.documents.len() {
        0 => "",
        1 => " · o open document",
        _ => " · ←→ document · o open it",
    };
    let keys = if p.discontinued && d.successor.is_some() {
        format!("a add to basket · Enter successor{docs} · Esc back")
    } else {
        format!("a add to basket{docs} · Esc back")
    };
    let block = Block::bordered().title(format!(" {} ", p.sku));
    scroll::dialog(f, area, 110, block, lines, Line::styled(keys, t.dim()), scroll);
}
