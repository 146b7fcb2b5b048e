//! One invoice or credit note over the invoices screen: due date and early
//! payment, its lines as the three-way match sees them (the lines it holds
//! marked, with why), totals, payments, disputes; `d` disputes it.

use super::prompt::{Prompt, PromptKind};
use crate::tui::component::{Cmd, Component, Cx};
use crate::tui::engine::Msg;
use crate::tui::keymap::{Action, Scope};
use crate::tui::widgets::scroll::{self, Scroll};
use crate::tui::widgets::text;
use procure_client::api::InvoiceKind;
use procure_client::core::matching::MatchStatus;
use procure_client::core::text::{format_amount, format_totals};
use procure_client::service::invoices::InvoiceView;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Block;

/// The prompt that asks why an invoice is disputed.
pub(crate) fn dispute_prompt(number: &str) -> Cmd {
    Cmd::Open(Box::new(Prompt::new(
        PromptKind::Dispute { number: number.to_string() },
        format!("Dispute {number} — why, for the supplier"),
        "",
    )))
}

#[derive(Debug)]
pub(crate) struct InvoiceDetail {
    pub(crate) view: Box<InvoiceView>,
    pub(crate) scroll: Scroll,
}

impl InvoiceDetail {
    pub(crate) fn new(view: Box<InvoiceView>) -> InvoiceDetail {
        InvoiceDetail { view, scroll: Scroll::default() }
    }
}

impl Component for InvoiceDetail {
    fn scopes(&self, _cx: &Cx) -> (Vec<Scope>, bool) {
        (vec![Scope::Invoices, Scope::Lists], false)
    }

    fn action(&mut self, _cx: &mut Cx, action: Action) -> Option<Vec<Cmd>> {
        if self.scroll.apply(action) {
            return Some(vec![]);
        }
        Some(match action {
            Action::Open => vec![],
            Action::Dispute => vec![dispute_prompt(&self.view.invoice.number)],
            _ => return None,
        })
    }

    fn on_msg(&mut self, _cx: &mut Cx, msg: Msg, _out: &mut Vec<Cmd>) -> Option<Msg> {
        if let Msg::Disputed(v) = &msg
            && v.invoice.number == self.view.invoice.number
        {
            self.view = v.clone();
        }
        Some(msg)
    }

    fn draw(&mut self, f: &mut Frame, cx: &Cx, area: Rect) {
        let t = &cx.theme;
        let v = &self.view;
        let i = &v.invoice;
        let room = 110.min(area.width).saturating_sub(2) as usize;
        let fit = |s: String| text::ellipsize(&s, room);
        let kind = if i.kind == InvoiceKind::CreditNote { "Credit note" } else { "Invoice" };
        let mut lines = vec![Line::styled(
            format!("{kind} {} of {} — {}", i.number, i.issue_date, i.status.as_str().replace('_', " ")),
            t.title(),
        )];
        let mut head = Vec::new();
        if !i.order_numbers.is_empty() {
            head.push(format!("orders {}", i.order_numbers.join(", ")));
        }
        if let Some(c) = &i.credits_invoice {
            head.push(format!("credits {c}"));
        }
        head.push(format!("due {} ({})", i.due_date, i.payment_terms));
        lines.push(Line::raw(fit(head.join(" · "))));
        if v.days_overdue > 0 {
            lines.push(Line::styled(format!("{} days overdue", v.days_overdue), t.warn()));
        }
        if let Some(e) = &i.early_payment {
            lines.push(Line::raw(fit(format!(
                "Pay {} {} until {} ({} % off)",
                format_amount(e.amount),
                i.totals.currency,
                e.until,
                e.percent.normalize()
            ))));
        }
        if let Some(r) = &i.reason {
            lines.push(Line::raw(fit(format!("Reason: {r}"))));
        }
        if let Some(n) = v.freshness.note() {
            lines.push(Line::styled(n, t.warn()));
        }
        let m = &v.matched;
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("Three-way match: {}", m.status.as_str().to_uppercase()),
            if m.status == MatchStatus::Held { t.error() } else { t.ok() },
        ));
        for p in &m.problems {
            lines.push(Line::styled(fit(format!("  {}", p.message)), t.warn()));
        }
        let sku_w = m.lines.iter().map(|l| l.sku.chars().count()).max().unwrap_or(3).max(3);
        lines.push(Line::styled(
            fit(format!(
                "{:>3} {:<sku_w$} {:>6} {:>9} {:>9} {:>6} {:>6}  {}",
                "#", "SKU", "Qty", "Price", "Ordered@", "Ordrd", "Recvd", "Match"
            )),
            t.dim(),
        ));
        let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_else(|| "-".into());
        for l in &m.lines {
            let row = fit(format!(
                "{:>3} {:<sku_w$} {:>6} {:>9} {:>9} {:>6} {:>6}  {}",
                l.line,
                l.sku,
                l.invoiced,
                format_amount(l.unit_price),
                l.order_unit_price.map(format_amount).unwrap_or_else(|| "-".into()),
                num(l.ordered),
                num(l.received),
                l.status.as_str()
            ));
            lines.push(match l.status {
                MatchStatus::Held => Line::styled(row, t.error()),
                _ => Line::raw(row),
            });
            for p in &l.problems {
                lines.push(Line::styled(fit(format!("      {}", p.message)), t.warn()));
            }
        }
        let tt = &i.totals;
        lines.push(Line::raw(""));
        lines.push(Line::raw(fit(format_totals(tt))));
        lines.push(Line::raw(format!("paid {}  open {}", format_amount(i.paid), format_amount(i.open))));
        for p in &i.payments {
            lines.push(Line::raw(fit(format!(
                "Paid {} on {}{}",
                format_amount(p.amount),
                p.date,
                p.reference.as_ref().map(|r| format!(" ({r})")).unwrap_or_default()
            ))));
        }
        for d in &i.disputes {
            lines
                .push(Line::styled(fit(format!("Disputed {} by {}: {}", d.at.date_naive(), d.by, d.reason)), t.warn()));
        }
        if !v.credit_notes.is_empty() {
            lines.push(Line::raw(fit(format!("Credit notes {}", v.credit_notes.join(", ")))));
        }
        let keys = Line::styled("d dispute · Esc back", t.dim());
        scroll::dialog(f, area, 110, Block::bordered(), lines, keys, &mut self.scroll);
    }
}
