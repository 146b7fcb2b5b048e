//! One quote: offered beside target prices; accept or decline it.

use super::prompt::{Prompt, PromptKind};
use crate::tui::component::{Cmd, Component, Cx};
use crate::tui::engine::Msg;
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::scroll::{self, Scroll};
use crate::tui::widgets::text;
use procure_client::api::{Quote, QuoteStatus};
use procure_client::core::text::format_amount;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

/// Accept (asks the PO number) or decline (asks an optional reason).
pub(crate) fn answer(action: Action, number: String) -> Vec<Cmd> {
    let prompt = if action == Action::Accept {
        Prompt::new(PromptKind::AcceptQuote { number: number.clone() }, format!("Accept {number} — your PO number"), "")
    } else {
        Prompt::new(
            PromptKind::DeclineQuote { number: number.clone() },
            format!("Decline {number} — reason (optional)"),
            "",
        )
    };
    vec![Cmd::Open(Box::new(prompt))]
}

/// One quote: offered beside target prices; accept or decline it.
#[derive(Debug)]
pub struct QuoteDetail {
    pub(crate) quote: Box<Quote>,
    pub(crate) scroll: Scroll,
}

impl QuoteDetail {
    pub(crate) fn new(quote: Box<Quote>) -> QuoteDetail {
        QuoteDetail { quote, scroll: Scroll::default() }
    }
}

impl Component for QuoteDetail {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Quotes, Scope::Lists], false)
    }

    fn action(&mut self, _cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if self.scroll.apply(action) {
            return Some(vec![]);
        }
        Some(match action {
            Action::Open => vec![],
            Action::Accept | Action::Decline => answer(action, self.quote.number.clone()),
            _ => return None,
        })
    }

    fn on_msg(&mut self, _cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        if matches!(msg, Msg::QuoteDone { .. }) {
            out.push(Cmd::Close);
        }
        Some(msg)
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        detail(f, cx, &self.quote, area, &mut self.scroll)
    }
}

fn detail(f: &mut Frame, cx: &Cx, q: &Quote, area: Rect, scroll: &mut Scroll) {
    let t = &cx.theme;
    let mut lines = vec![Line::styled(format!("Quote {} — {}", q.number, q.status.as_str()), t.title())];
    lines.push(Line::raw(format!(
        "requested {} by {}{}",
        q.created_at.date_naive(),
        q.requested_by,
        q.requested_delivery_date.map(|d| format!(" · delivery wanted {d}")).unwrap_or_default()
    )));
    if let Some(d) = q.valid_until {
        let style = if q.status == QuoteStatus::Expired { t.warn() } else { t.ok() };
        lines.push(Line::styled(format!("offer valid until {d}"), style));
    }
    if let Some(o) = &q.order_number {
        lines.push(Line::styled(format!("became order {o}"), t.ok()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("{:<12} {:>7} {:>10} {:>10} {:>10}  {}", "SKU", "Qty", "List", "Target", "Offered", "Name"),
        t.dim(),
    ));
    let dash = || "–".to_string();
    let room = 110.min(area.width).saturating_sub(2 + 12 + 8 + 11 * 3 + 2) as usize;
    for l in &q.lines {
        let better = match (l.offered_unit_price, l.target_unit_price) {
            (Some(o), Some(tg)) if o <= tg => t.ok(),
            _ => t.base(),
        };
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{:<12} {:>7} {:>10} {:>10} ",
                l.sku,
                l.quantity,
                l.list_unit_price.map(format_amount).unwrap_or_else(dash),
                l.target_unit_price.map(format_amount).unwrap_or_else(dash)
            )),
            Span::styled(format!("{:>10}", l.offered_unit_price.map(format_amount).unwrap_or_else(dash)), better),
            Span::raw(format!("  {}", text::ellipsize(&l.name, room))),
        ]));
    }
    if let Some(tt) = &q.offer_totals {
        lines.push(Line::raw(format!(
            "offer: net {}  VAT {}  total {} {}",
            format_amount(tt.net),
            format_amount(tt.vat),
            format_amount(tt.gross),
            tt.currency
        )));
    }
    if !q.messages.is_empty() {
        lines.push(Line::raw(""));
        for m in &q.messages {
            lines.push(Line::from(vec![
                Span::styled(format!("{} {} ({}): ", m.at.format("%Y-%m-%d %H:%M"), m.author, m.side), t.dim()),
                Span::raw(m.text.clone()),
            ]));
        }
    }
    lines.push(Line::raw(""));
    let keys = if q.status == QuoteStatus::Offered { "a accept · x decline · Esc back" } else { "Esc back" };
    scroll::dialog(f, area, 110, Block::bordered(), lines, Line::styled(keys, t.dim()), scroll);
}
