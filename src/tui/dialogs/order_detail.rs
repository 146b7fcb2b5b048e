//! One order with its lines and the supplier's answers, over the history or
//! the approval queue: per line ordered, requested, promised, shipped,
//! received and invoiced, the shipments with their documents, the goods
//! receipts; reorder it or receive goods, or approve or reject it.

use super::prompt::{Prompt, PromptKind};
use crate::tui::component::{Cmd, Component, Cx, Level, run};
use crate::tui::engine::{Effect, Msg};
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::scroll::{self, Scroll};
use crate::tui::widgets::text;
use procure_client::core::events;
use procure_client::core::expediting::LateReason;
use procure_client::core::text::{format_amount, format_price, format_totals};
use procure_client::service::expediting::OrderView;
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

/// The prompt that records goods received, filled with what is still open.
pub(crate) fn receive_prompt(v: &OrderView) -> Cmd {
    let open = v.open_to_receive();
    let text = open.iter().map(|(s, q)| format!("{s}={q}")).collect::<Vec<_>>().join(" ");
    Cmd::Open(Box::new(Prompt::new(
        PromptKind::Receive { order: v.order.number.clone() },
        format!("Received of {} — SKU=QTY …", v.order.number),
        &text,
    )))
}

/// One order, over the history or the approval queue.
#[derive(Debug)]
pub(crate) struct OrderDetail {
    pub(crate) view: Box<OrderView>,
    /// Opened from the approval queue: approve or reject it.
    pub(crate) approval: bool,
    pub(crate) scroll: Scroll,
}

impl OrderDetail {
    pub(crate) fn new(view: Box<OrderView>, approval: bool) -> OrderDetail {
        OrderDetail { view, approval, scroll: Scroll::default() }
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
        let number = self.view.order.number.clone();
        Some(match action {
            Action::Open => vec![],
            Action::Reorder if !self.approval => vec![reorder_prompt(&number)],
            Action::Receive if !self.approval => {
                if self.view.open_to_receive().is_empty() {
                    cx.say(Level::Info, format!("nothing of {number} is {} and not received", self.view.receive_limit));
                    vec![]
                } else {
                    vec![receive_prompt(&self.view)]
                }
            }
            Action::Approve | Action::Reject if self.approval => decide(cx, action, number),
            _ => return None,
        })
    }

    fn on_msg(&mut self, cx: &mut Cx, msg: Msg, out: &mut Vec<Cmd>) -> Option<Msg> {
        match msg {
            Msg::Decided(_) => {
                out.push(Cmd::Close);
                Some(msg)
            }
            Msg::Received(r) if r.order.order.number == self.view.order.number => {
                match &r.receipt {
                    Some(rc) => cx.say(
                        Level::Ok,
                        format!(
                            "received {} of {}: {}",
                            rc.id,
                            rc.order,
                            rc.lines
                                .iter()
                                .map(|l| format!("{} × {}", l.sku, l.quantity))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ),
                    None => cx.say(Level::Info, "nothing left to receive"),
                }
                *self.view = r.order;
                // What is late may have changed with the shipments the refresh saw.
                out.push(Cmd::Run(Effect::Late { supplier: cx.supplier.clone() }));
                None
            }
            other => Some(other),
        }
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        detail(f, cx, &self.view, self.approval, area, &mut self.scroll)
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

fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
}

fn detail(f: &mut Frame, cx: &Cx, v: &OrderView, approval: bool, area: Rect, scroll: &mut Scroll) {
    let t = &cx.theme;
    let o = &v.order;
    let room = 110.min(area.width).saturating_sub(2) as usize;
    let fit = |s: String| text::ellipsize(&s, room);
    let mut lines = vec![
        Line::styled(format!("Order {} — {}", o.number, o.status.as_str()), t.title()),
        Line::raw(fit(format!(
            "PO {} · placed {} by {}{}",
            o.po_number,
            o.created_at.date_naive(),
            o.placed_by,
            o.confirmed_at.map(|c| format!(" · confirmed {}", c.date_naive())).unwrap_or_default()
        ))),
        Line::raw(format!(
            "Ship to {}: {}, {}, {} {}, {}",
            o.ship_to.label, o.ship_to.name, o.ship_to.street, o.ship_to.postal_code, o.ship_to.city, o.ship_to.country
        )),
        Line::raw(format!(
            "Requested delivery {}{} · {} · {}",
            day(o.requested_delivery_date),
            if o.ship_complete { ", complete" } else { ", partial allowed" },
            o.shipping_method.name,
            o.payment_terms
        )),
    ];
    if let Some(n) = v.freshness.note() {
        lines.push(Line::styled(n, t.warn()));
    }
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
    let sku_w = o.lines.iter().map(|l| l.sku.chars().count()).max().unwrap_or(3).max(3);
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
    // Per line: the dates and how far it got.
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        fit(format!(
            "{:>3} {:<sku_w$} {:>6} {:>10} {:>10} {:>7} {:>6} {:>6}",
            "#", "SKU", "Ordrd", "Requested", "Promised", "Shipped", "Recvd", "Invcd"
        )),
        t.dim(),
    ));
    for p in &v.progress {
        let late = match (p.late, p.days_late) {
            (Some(LateReason::PromisedLate), Some(d)) => format!("  LATE +{d} d"),
            (Some(LateReason::PastPromise), Some(d)) => format!("  OVERDUE {d} d"),
            (Some(LateReason::NoPromise), Some(d)) => format!("  NO PROMISE {d} d"),
            _ => String::new(),
        };
        let row = fit(format!(
            "{:>3} {:<sku_w$} {:>6} {:>10} {:>10} {:>7} {:>6} {:>6}{late}",
            p.line,
            p.sku,
            p.ordered,
            day(p.requested),
            day(p.promised),
            p.shipped,
            p.received,
            p.invoiced
        ));
        lines.push(if p.late.is_some() { Line::styled(row, t.warn()) } else { Line::raw(row) });
    }
    for s in &o.shipments {
        let how = [s.carrier.clone(), s.tracking.as_ref().map(|t| format!("tracking {t}"))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        lines.push(Line::styled(
            fit(format!(
                "Shipment {} of {}{}",
                s.number,
                s.date,
                if how.is_empty() { how } else { format!(" · {how}") }
            )),
            t.title(),
        ));
        let items = s.lines.iter().map(|l| format!("{} × {}", l.sku, l.quantity)).collect::<Vec<_>>().join(", ");
        lines.push(Line::raw(fit(format!("  {items}"))));
        for d in &s.documents {
            lines.push(Line::raw(fit(format!("  {} {}: {}", d.sku, d.document.title, d.document.url))));
        }
    }
    for r in &v.receipts {
        let items = r.lines.iter().map(|l| format!("{} × {}", l.sku, l.quantity)).collect::<Vec<_>>().join(", ");
        lines.push(Line::styled(
            fit(format!(
                "Received {} ({}): {items}{}",
                r.at.date_naive(),
                r.id,
                r.note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default()
            )),
            t.ok(),
        ));
    }
    if !v.invoices.is_empty() {
        lines.push(Line::raw(fit(format!("Invoices {}", v.invoices.join(", ")))));
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
    lines.push(Line::raw(format_totals(tt)));
    let keys = if approval {
        "y approve · n reject · Esc back"
    } else {
        "R receive goods · r reorder into a basket · Esc back"
    };
    scroll::dialog(f, area, 110, Block::bordered(), lines, Line::styled(keys, t.dim()), scroll);
}
