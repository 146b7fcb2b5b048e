//! Order history and order detail.

use super::super::app::{App, Areas, OrdersState};
use super::centered;
use procure_client::api::{Order, OrderStatus};
use procure_client::core::money::format_amount;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, TableState, Wrap};

/// An order list: the history, or the approval queue.
pub fn draw(f: &mut Frame, app: &App, o: &OrdersState, title: &str, area: Rect, areas: &mut Areas) {
    let t = &app.theme;
    areas.list = area;
    areas.list_offset = 2;
    if o.list.is_empty() {
        let text = if o.loaded { "Nothing here." } else { "Loading…" };
        f.render_widget(
            Paragraph::new(Line::styled(text, t.dim())).block(Block::bordered().title(title.to_string())),
            area,
        );
        return;
    }
    let rows: Vec<Row> = o
        .list
        .iter()
        .map(|s| {
            let status = match s.status {
                OrderStatus::PendingApproval => ratatui::text::Span::styled(s.status.as_str(), t.warn()),
                OrderStatus::Cancelled => ratatui::text::Span::styled(s.status.as_str(), t.error()),
                _ => ratatui::text::Span::raw(s.status.as_str()),
            };
            Row::new(vec![
                ratatui::widgets::Cell::from(s.number.clone()),
                ratatui::widgets::Cell::from(s.created_at.date_naive().to_string()),
                ratatui::widgets::Cell::from(status),
                ratatui::widgets::Cell::from(s.po_number.clone()),
                ratatui::widgets::Cell::from(s.line_count.to_string()),
                ratatui::widgets::Cell::from(
                    Line::from(format!("{} {}", format_amount(s.totals.net), s.totals.currency)).right_aligned(),
                ),
                ratatui::widgets::Cell::from(s.placed_by.clone()),
            ])
        })
        .collect();
    let mut state = TableState::default().with_selected(Some(o.selected));
    f.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(14),
                Constraint::Length(11),
                Constraint::Length(17),
                Constraint::Length(16),
                Constraint::Length(6),
                Constraint::Length(16),
                Constraint::Min(8),
            ],
        )
        .header(Row::new(vec!["Order", "Date", "Status", "PO", "Lines", "Net", "By"]).style(t.dim()))
        .row_highlight_style(t.selected())
        .highlight_symbol("▶ ")
        .block(
            Block::bordered().title(" Orders — Enter detail · r reorder into a basket ").border_style(t.focus_border()),
        ),
        area,
        &mut state,
    );
}

pub fn detail(f: &mut Frame, app: &App, o: &Order, area: Rect) {
    let t = &app.theme;
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
    for l in &o.lines {
        lines.push(Line::raw(format!(
            "{:<12} {:>7} × {:>10} = {:>11}  {}{}",
            l.sku,
            l.quantity,
            format_amount(l.unit_price),
            format_amount(l.line_total),
            l.name,
            l.note.as_ref().map(|n| format!("  [{n}]")).unwrap_or_default()
        )));
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
    let keys = if app.tab == super::super::app::Tab::Approvals {
        "y approve · n reject · Esc back"
    } else {
        "r reorder into a basket · Esc back"
    };
    lines.push(Line::styled(keys, t.dim()));
    let r = centered(area, 110, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered()), r);
}
