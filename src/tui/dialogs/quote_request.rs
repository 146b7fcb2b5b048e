//! A quote request: a target price per line (optional) and a comment, as
//! `procure quote request --target SKU=PRICE` takes them.

use crate::tui::component::{Cmd, Component, Cx, Level, movement, step};
use crate::tui::engine::Effect;
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::centered;
use crate::tui::widgets::input::Input;
use crossterm::event::KeyEvent;
use procure_client::core::basket::PricedBasket;
use procure_client::core::text::format_amount;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use std::collections::BTreeMap;

#[derive(Debug)]
pub(crate) struct QuoteLine {
    pub(crate) sku: String,
    pub(crate) qty: u32,
    pub(crate) price: Option<rust_decimal::Decimal>,
    pub(crate) target: Input,
}

#[derive(Debug)]
pub(crate) struct QuoteRequest {
    pub(crate) basket: String,
    pub(crate) lines: Vec<QuoteLine>,
    pub(crate) comment: Input,
    /// The field with the cursor: a line's target, or the comment after the last line.
    pub(crate) field: usize,
    pub(crate) error: Option<String>,
}

impl QuoteRequest {
    pub(crate) fn new(b: &PricedBasket) -> QuoteRequest {
        QuoteRequest {
            basket: b.name.clone(),
            lines: b
                .lines
                .iter()
                .map(|l| QuoteLine {
                    sku: l.sku.clone(),
                    qty: l.qty,
                    price: l.unit_price_each(),
                    target: Input::default(),
                })
                .collect(),
            comment: Input::default(),
            field: 0,
            error: None,
        }
    }

    fn input(&mut self) -> &mut Input {
        match self.lines.get_mut(self.field) {
            Some(l) => &mut l.target,
            None => &mut self.comment,
        }
    }

    fn send(&mut self, cx: &mut Cx) -> Vec<Cmd> {
        let mut targets = BTreeMap::new();
        for l in &self.lines {
            let text = l.target.text().trim();
            if text.is_empty() {
                continue;
            }
            match procure_client::core::text::parse_sku_price(&format!("{}={text}", l.sku)) {
                Ok((sku, price)) => {
                    targets.insert(sku, price);
                }
                Err(e) => {
                    self.error = Some(e);
                    return vec![];
                }
            }
        }
        let comment = Some(self.comment.text().trim().to_string()).filter(|c| !c.is_empty());
        cx.say(Level::Info, format!("requesting a quote for {}…", self.basket));
        vec![
            Cmd::Close,
            Cmd::Run(Effect::RequestQuote {
                supplier: cx.supplier.clone(),
                basket: self.basket.clone(),
                targets,
                comment,
            }),
        ]
    }
}

impl Component for QuoteRequest {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::QuoteRequest], true)
    }

    fn unsaved(&self) -> Option<&'static str> {
        let typed = self.lines.iter().any(|l| !l.target.text().is_empty()) || !self.comment.text().is_empty();
        typed.then_some("the quote request")
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        let fields = self.lines.len() + 1;
        if let Some((delta, to_end)) = movement(action) {
            self.field = step(self.field, fields, delta, to_end);
            return Some(vec![]);
        }
        Some(match action {
            Action::FocusNext => {
                self.field = (self.field + 1) % fields;
                vec![]
            }
            Action::Apply => self.send(cx),
            _ => return None,
        })
    }

    fn key(&mut self, _cx: &mut Cx, key: &KeyEvent) -> Vec<Cmd> {
        self.input().handle(key);
        self.error = None;
        vec![]
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        let t = &cx.theme;
        let width = 80.min(area.width);
        let sku_w = self.lines.iter().map(|l| l.sku.chars().count()).max().unwrap_or(3).max(3);
        let mut lines = vec![
            Line::styled("Target unit prices are optional; empty lines ask for the best offer.", t.dim()),
            Line::styled(format!("  {:<sku_w$} {:>7} {:>10}  Target", "SKU", "Qty", "Now"), t.dim()),
        ];
        // Only the lines around the cursor when there are many.
        let room = area.height.saturating_sub(9) as usize;
        let first = self.field.min(self.lines.len()).saturating_sub(room.saturating_sub(1));
        for (i, l) in self.lines.iter().enumerate().skip(first).take(room.max(1)) {
            let here = i == self.field;
            let cursor = if here { "▏" } else { "" };
            lines.push(Line::from(vec![
                Span::raw(if here { "▶ " } else { "  " }),
                Span::raw(format!(
                    "{:<sku_w$} {:>7} {:>10}  ",
                    l.sku,
                    l.qty,
                    l.price.map(format_amount).unwrap_or_else(|| "–".into())
                )),
                Span::styled(format!("{}{cursor}", l.target.text()), if here { t.selected() } else { t.base() }),
            ]));
        }
        let here = self.field == self.lines.len();
        lines.push(Line::from(vec![
            Span::raw(if here { "▶ " } else { "  " }),
            Span::styled("Comment  ", t.dim()),
            Span::styled(format!("{}{}", self.comment.text(), if here { "▏" } else { "" }), t.base()),
        ]));
        if let Some(e) = &self.error {
            lines.push(Line::styled(e.clone(), t.error()));
        }
        lines.push(Line::styled("↑/↓ line · ^S send the request · Esc cancel", t.key()));
        let r = centered(area, width, lines.len() as u16 + 2);
        f.render_widget(Clear, r);
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(format!(" Request a quote for {} ", self.basket))),
            r,
        );
    }
}
