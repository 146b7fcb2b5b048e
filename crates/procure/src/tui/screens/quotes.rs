//! Quote requests: status, offered prices beside target prices, accept/decline.

use super::super::app::{App, Areas};
use super::centered;
use procure_client::api::{Quote, QuoteStatus};
use procure_client::core::money::format_amount;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

pub fn draw(f: &mut Frame, app: &App, area: Rect, areas: &mut Areas) {
    let t = &app.theme;
    let q = &app.quotes;
    areas.list = area;
    areas.list_offset = 2;
    if q.list.is_empty() {
        let text = if q.loaded {
            "No quote requests yet: in Baskets, Q asks the supplier for a quote on a basket."
        } else {
            "Loading quotes…"
        };
        f.render_widget(Paragraph::new(Line::styled(text, t.dim())).block(Block::bordered().title(" Quotes ")), area);
        return;
    }
    let rows: Vec<Row> = q
        .list
        .iter()
        .map(|s| {
            let status = match s.status {
                QuoteStatus::Offered => Span::styled(s.status.as_str(), t.ok()),
                QuoteStatus::Expired | QuoteStatus::Declined => Span::styled(s.status.as_str(), t.dim()),
                _ => Span::raw(s.status.as_str()),
            };
            let tail = match (&s.order_number, s.valid_until) {
                (Some(o), _) => format!("order {o}"),
                (None, Some(d)) => format!("valid until {d}"),
                _ => String::new(),
            };
            Row::new(vec![
                Cell::from(s.number.clone()),
                Cell::from(s.created_at.date_naive().to_string()),
                Cell::from(status),
                Cell::from(s.line_count.to_string()),
                Cell::from(s.requested_by.clone()),
                Cell::from(tail),
            ])
        })
        .collect();
    let mut state = TableState::default().with_selected(Some(q.selected));
    f.render_stateful_widget(
        Table::new(
            rows,
            [
                Constraint::Length(12),
                Constraint::Length(11),
                Constraint::Length(10),
                Constraint::Length(6),
                Constraint::Length(12),
                Constraint::Min(20),
            ],
        )
        .header(Row::new(vec!["Quote", "Date", "Status", "Lines", "By", ""]).style(t.dim()))
        .row_highlight_style(t.selected())
        .highlight_symbol("▶ ")
        .block(
            Block::bordered().title(" Quotes — Enter detail · a accept · x decline ").border_style(t.focus_border()),
        ),
        area,
        &mut state,
    );
}

pub fn detail(f: &mut Frame, app: &App, q: &Quote, area: Rect) {
    let t = &app.theme;
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
            Span::raw(format!("  {}", l.name)),
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
    lines.push(Line::styled(keys, t.dim()));
    let r = centered(area, 110, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered()), r);
}
