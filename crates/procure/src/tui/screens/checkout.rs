//! Checkout: order header, the shop's preview with price changes, confirm.

use super::super::app::{App, CheckoutForm, Field};
use super::centered;
use procure_client::core::money::format_amount;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn draw(f: &mut Frame, app: &App, c: &CheckoutForm, area: Rect) {
    let t = &app.theme;
    let company = app.me.as_ref().map(|m| &m.company);
    let field = Field::ALL[c.field];
    let row = |label: &str, value: String, this: Field| {
        let selected = this == field;
        let marker = if selected { "▶ " } else { "  " };
        let style = if selected { t.selected() } else { t.base() };
        Line::from(vec![Span::raw(marker), Span::styled(format!("{label:<20}"), t.dim()), Span::styled(value, style)])
    };
    let ship_to = company
        .and_then(|co| co.ship_to.get(c.ship_to))
        .map(|a| format!("◀ {} — {}, {}, {} {} ▶", a.label, a.name, a.street, a.postal_code, a.city))
        .unwrap_or_else(|| "(the company's default)".into());
    let shipping = company
        .and_then(|co| co.shipping_methods.get(c.shipping))
        .map(|m| format!("◀ {} ({}) ▶", m.name, format_amount(m.price)))
        .unwrap_or_else(|| "(default)".into());
    let cursor = |s: &str, this: Field| {
        if this == field { format!("{s}▏") } else { s.to_string() }
    };
    let mut lines = vec![
        row("PO number", cursor(c.po.text(), Field::Po), Field::Po),
        if app.supports(Field::Date) {
            row(
                "Deliver on",
                cursor(c.date.text(), Field::Date) + "  (YYYY-MM-DD, empty: as soon as possible)",
                Field::Date,
            )
        } else {
            row("Deliver on", "not supported by this shop".into(), Field::Date)
        },
        row("Ship to", ship_to, Field::ShipTo),
        row(
            "Delivery",
            if !app.supports(Field::Complete) {
                "partial deliveries (this shop cannot promise complete-only)"
            } else if c.complete {
                "[x] complete only (Space toggles)"
            } else {
                "[ ] partial deliveries allowed (Space toggles)"
            }
            .into(),
            Field::Complete,
        ),
        row("Shipping", shipping, Field::Shipping),
        row("Comment", cursor(c.comment.text(), Field::Comment), Field::Comment),
        Line::from(vec![
            Span::raw("  "),
            Span::styled(format!("{:<20}", "Payment"), t.dim()),
            Span::raw(company.map(|co| co.payment_terms.clone()).unwrap_or_default()),
        ]),
        Line::raw(""),
    ];
    if let Some(p) = &c.placed {
        lines.push(Line::styled(
            format!(
                "Order {} {} — {} {} gross{}",
                p.order.number,
                if p.replayed { "was already placed" } else { "placed" },
                format_amount(p.order.totals.gross),
                p.order.totals.currency,
                if p.order.status == procure_client::api::OrderStatus::PendingApproval {
                    " — waiting for approval (above your order limit)"
                } else {
                    ""
                }
            ),
            t.ok(),
        ));
        lines.push(Line::styled("The basket stays as a reorder template. Enter or Esc closes.", t.dim()));
    } else if let Some(pv) = &c.preview {
        let changes = &pv.price_changes;
        for l in &pv.preview.lines {
            let change = changes.iter().find(|ch| ch.sku == l.sku);
            let style = if change.is_some() { t.warn() } else { t.base() };
            let was = change
                .map(|ch| format!("  (was {})", ch.seen.map(format_amount).unwrap_or_else(|| "–".into())))
                .unwrap_or_default();
            lines.push(Line::styled(
                format!(
                    "  {:<12} {:>7} × {:>10} = {:>11}  {}{was}",
                    l.sku,
                    l.quantity,
                    format_amount(l.unit_price),
                    format_amount(l.line_total),
                    l.name
                ),
                style,
            ));
        }
        let tt = &pv.preview.totals;
        lines.push(Line::raw(format!(
            "  net {}  shipping {}  VAT {}  total {} {}",
            format_amount(tt.net),
            format_amount(tt.shipping),
            format_amount(tt.vat),
            format_amount(tt.gross),
            tt.currency
        )));
        lines.push(Line::styled(format!("  earliest delivery {}", pv.preview.earliest_delivery), t.dim()));
        if let Some(cr) = &pv.preview.credit {
            let text = match (cr.available, cr.limit) {
                (Some(a), Some(l)) => format!(
                    "  credit available {} {} (limit {}, open balance {})",
                    format_amount(a),
                    cr.currency,
                    format_amount(l),
                    format_amount(cr.open_balance)
                ),
                _ => format!("  no credit limit (open balance {} {})", format_amount(cr.open_balance), cr.currency),
            };
            let short = cr.available.is_some_and(|a| a < tt.gross);
            lines.push(Line::styled(text, if short { t.error() } else { t.dim() }));
            if let Some(a) = cr.available.filter(|a| *a < tt.gross) {
                lines.push(Line::styled(
                    format!(
                        "  this order exceeds your available credit by {} {}",
                        format_amount(tt.gross - a),
                        cr.currency
                    ),
                    t.error(),
                ));
            }
        }
        if pv.preview.needs_approval {
            lines.push(Line::styled("  above your order limit: an approver must sign off", t.warn()));
        }
        if !changes.is_empty() {
            lines.push(Line::styled(
                format!("  {} price(s) changed since the basket was priced (marked) — ^S accepts them", changes.len()),
                t.warn(),
            ));
        }
        lines.push(Line::styled("^S place the order · editing a field previews again", t.key()));
    } else {
        lines.push(Line::styled("^S preview on the shop (prices, delivery date, checks)", t.key()));
    }
    if c.busy {
        lines.push(Line::styled("talking to the shop…", t.dim()));
    }
    if let Some(q) = &c.queued {
        lines.push(Line::styled(format!("waiting for the shop, retrying: {q}"), t.warn()));
    }
    if let Some(e) = &c.error {
        lines.push(Line::styled(e.clone(), t.error()));
    }
    lines.push(Line::styled("↑/↓ field · ←/→ choose · Esc cancel", t.dim()));
    let r = centered(area, 110, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(format!(" Checkout — basket {} ", c.basket))),
        r,
    );
}
