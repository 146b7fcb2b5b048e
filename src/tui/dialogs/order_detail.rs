//! One order with its lines and the supplier's answers, over the history or
//! the approval queue: reorder it, or approve or reject it.

use super::prompt::{Prompt, PromptKind};
use crate::tui::component::{Cmd, Component, Cx, Level, run};
use crate::tui::engine::{Effect, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::scroll::{self, Scroll};
use crate::tui::widgets::text;
use procure_client::api::Order;
use procure_client::core::events;
use procure_client::core::text::{format_amount, format_price};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Block;

/// The prompt that reorders an order into a new basket.
pub(crate) fn reorder_prompt(number: &str) -> Cmd {
    Cmd::Open(Box::new(Prompt::new(
        PromptKind::ReorderInto { number: number.to_string() },
        format!("Reorder {number} into basket"),
        &format!("reorder-{}", number.to_lowercase().replace(['#', ' '], "")),
    )))
}

/// One order, over the history or the approval queue.
#[derive(Debug)]
pub(crate) struct OrderDetail {
    pub(crate) order: Box<Order>,
    /// Opened from the approval queue: approve or reject it.
    pub(crate) approval: bool,
    pub(crate) scroll: Scroll,
}

impl OrderDetail {
    pub(crate) fn new(order: Box<Order>, approval: bool) -> OrderDetail {
        OrderDetail { order, approval, scroll: Scroll::default() }
    }
}

impl Component for OrderDetail {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![if self.approval { Scope::Approvals } else { Scope::Orders }, Scope::Lists], false)
    }

    fn action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if self.scroll.apply(action) {
            return Some(vec![]);
        }
        let number = self.order.number.clone();
        Some(match action {
            Action::Open => vec![],
            Action::Reorder if !self.approval => vec![reorder_prompt(&number)],
            Action::Approve | Action::Reject if self.approval => decide(cx, action, number),
            _ => return None,
        })
    }

    fn on_msg(&mut self, _cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        if matches!(msg, Msg::Decided(_)) {
            out.push(Cmd::Close);
        }
        Some(msg)
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        detail(f, cx, &self.order, self.approval, area, &mut self.scroll)
    }
}

/// Approve at once, or ask the reason for a rejection.
pub(crate) fn decide(cx: &mut Cx, action: Action, number: String) -> Vec<Cmd> {
    if action == Action::Approve {
        cx.say(Level::Info, format!("approving {number}…"));
        let supplier = cx.supplier.clone();
        run(Effect::Decide { supplier, number, decision: procure_client::api::Decision::Approved, reason: None })
    } else {
        vec![Cmd::Open(Box::new(Prompt::new(
            PromptKind::RejectOrder { number: number.clone() },
            format!("Reject {number} — reason for the buyer"),
            "",
        )))]
    }
}

fn detail(f: &mut Frame, cx: &Cx, o: &Order, approval: bool, area: Rect, scroll: &mut Scroll) {
    let t = &cx.theme;
    let mut lines = vec![
        Line::styled(format!("Order {} — {}", o.number, o.status.as_str()), t.title()),
        Line::raw(format!("PO {} · placed {} by {}", o.po_number, o.created_at.date_naive(), o.placed_by)),
        Line::raw(format!(
            "Ship to {}: {}, {}, {} {}, {}",
            o.ship_to.label, o.ship_to.name, o.ship_to.street, o.ship_to.postal_code, o.ship_to.city, o.ship_to.country
        )),
        Line::raw(format!(
            "Requested delivery {}{} · {} · {}",
            o.requested_delivery_date.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            if o.ship_complete { ", complete" } else { ", partial allowed" },
            o.shipping_method.name,
            o.payment_terms
        )),
    ];
    if let Some(c) = &o.comment {
        lines.push(Line::raw(format!("Comment: {c}")));
    }
    if let Some(a) = &o.approval {
        let verb = if a.decision == procure_client::api::Decision::Approved { "Approved" } else { "Rejected" };
        lines.push(Line::styled(
            format!(
                "{verb} by {} on {}{}",
                a.decided_by,
                a.decided_at.date_naive(),
                a.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
            ),
            if a.decision == procure_client::api::Decision::Approved { t.ok() } else { t.warn() },
        ));
    }
    lines.push(Line::raw(""));
    let sku_w = o.lines.iter().map(|l| l.sku.chars().count()).max().unwrap_or(3);
    let room = 110.min(area.width).saturating_sub(2) as usize;
    for (i, l) in o.lines.iter().enumerate() {
        // A line the supplier changed (Peppol order response) is marked and highlighted.
        let changed = events::line_changed(&o.events, i + 1);
        let figures = format!(
            "{:<sku_w$} {:>6} × {:>9} = {:>10}  {}",
            l.sku,
            l.quantity,
            format_price(l.unit_price, l.base_quantity),
            format_amount(l.line_total),
            if changed { "CHANGED " } else { "" }
        );
        let text = format!("{}{}", l.name, l.note.as_ref().map(|n| format!("  [{n}]")).unwrap_or_default());
        let name = text::ellipsize(&text, room.saturating_sub(figures.chars().count()));
        let row = format!("{figures}{name}");
        lines.push(if changed { Line::styled(row, t.warn()) } else { Line::raw(row) });
    }
    // The supplier's answers: order responses and despatch advices.
    for e in &o.events {
        lines.push(Line::styled(text::ellipsize(&events::describe_event(e), room), t.title()));
        for c in &e.changes {
            lines.push(Line::raw(text::ellipsize(&format!("  {}", events::describe_change(c)), room)));
        }
    }
    let tt = &o.totals;
    lines.push(Line::raw(""));
    lines.push(Line::raw(format!(
        "net {}  shipping {}  VAT {}  total {} {}",
        format_amount(tt.net),
        format_amount(tt.shipping),
        format_amount(tt.vat),
        format_amount(tt.gross),
        tt.currency
    )));
    let keys = if approval { "y approve · n reject · Esc back" } else { "r reorder into a basket · Esc back" };
    scroll::dialog(f, area, 110, Block::bordered(), lines, Line::styled(keys, t.dim()), scroll);
}
