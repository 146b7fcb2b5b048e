//! Baskets: the list, the lines of the selected one, quick entry.

use super::super::app::{App, Areas, Focus, QuickEntry};
use super::centered;
use procure_client::core::money::format_amount;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, List, ListItem, ListState, Paragraph, Row, Table, TableState, Wrap};

pub fn draw(f: &mut Frame, app: &App, area: Rect, areas: &mut Areas) {
    let t = &app.theme;
    let b = &app.baskets;
    let [left, right] = Layout::horizontal([Constraint::Length(30), Constraint::Min(40)]).areas(area);
    let items: Vec<ListItem> = b
        .list
        .iter()
        .map(|(name, basket)| match basket {
            Ok(bk) => {
                let current = if Some(name) == app.baskets.current.as_ref() { "● " } else { "  " };
                let pending = if bk.pending.is_some() { " ⧗" } else { "" };
                ListItem::new(Line::from(vec![
                    Span::raw(format!("{current}{name}")),
                    Span::styled(format!("  {} lines{pending}", bk.lines.len()), t.dim()),
                ]))
            }
            Err(_) => ListItem::new(Line::styled(format!("  {name}  (unreadable)"), t.error())),
        })
        .collect();
    let list_focused = app.focus == Focus::List && app.overlays.is_empty();
    let mut state = ListState::default().with_selected(Some(b.selected));
    let empty = b.list.is_empty();
    f.render_stateful_widget(
        List::new(items).highlight_style(t.selected()).highlight_symbol("▶").block(
            Block::bordered()
                .title(if empty { " Baskets — n new " } else { " Baskets " })
                .border_style(if list_focused { t.focus_border() } else { t.dim() }),
        ),
        left,
        &mut state,
    );
    areas.list = left;
    areas.list_offset = 1;
    areas.lines = right;

    let lines_focused = app.focus == Focus::Lines && app.overlays.is_empty();
    let block = |title: String| {
        Block::bordered().title(title).border_style(if lines_focused { t.focus_border() } else { t.dim() })
    };
    if let Some((_, Err(e))) = b.list.get(b.selected) {
        f.render_widget(
            Paragraph::new(vec![
                Line::styled("This basket file cannot be read; it is left untouched:", t.error()),
                Line::raw(e.clone()),
            ])
            .wrap(Wrap { trim: false })
            .block(block(" Basket ".into())),
            right,
        );
        return;
    }
    let Some(p) = &b.priced else {
        let hint = if empty { "No baskets yet: press n to create one." } else { "Select a basket." };
        f.render_widget(Paragraph::new(Line::styled(hint, t.dim())).block(block(" Basket ".into())), right);
        return;
    };
    let [table_area, totals] = Layout::vertical([Constraint::Min(3), Constraint::Length(4)]).areas(right);
    let rows: Vec<Row> = p
        .lines
        .iter()
        .map(|l| {
            let mut name = vec![Span::raw(l.name.clone())];
            if let Some(n) = &l.note {
                name.push(Span::styled(format!("  [{n}]"), t.key()));
            }
            let mut height = 1;
            let mut cells = vec![
                Cell::from(l.sku.clone()),
                Cell::from(Line::from(l.qty.to_string()).right_aligned()),
                Cell::from(Line::from(l.unit_price.map(format_amount).unwrap_or_else(|| "–".into())).right_aligned()),
                Cell::from(Line::from(l.line_total.map(format_amount).unwrap_or_else(|| "–".into())).right_aligned()),
            ];
            let mut name_lines = vec![Line::from(name)];
            for w in &l.warnings {
                name_lines.push(Line::styled(format!("! {w}"), t.warn()));
                height += 1;
            }
            cells.push(Cell::from(name_lines));
            Row::new(cells).height(height)
        })
        .collect();
    let mut state = TableState::default().with_selected(if p.lines.is_empty() { None } else { Some(b.line) });
    let title = format!(" {} — {} lines ", p.name, p.lines.len());
    if p.lines.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled("Empty: add parts from Search (a) or paste lines with i.", t.dim()))
                .block(block(title)),
            table_area,
        );
    } else {
        f.render_stateful_widget(
            Table::new(
                rows,
                [
                    Constraint::Length(12),
                    Constraint::Length(7),
                    Constraint::Length(10),
                    Constraint::Length(11),
                    Constraint::Min(20),
                ],
            )
            .header(Row::new(vec!["SKU", "Qty", "Unit", "Total", "Name"]).style(t.dim()))
            .row_highlight_style(t.selected())
            .highlight_symbol("▶ ")
            .block(block(title)),
            table_area,
            &mut state,
        );
    }
    let tt = &p.totals;
    let orderable = if p.orderable || p.lines.is_empty() {
        Span::raw("")
    } else {
        Span::styled("  fix the marked lines before checkout", t.warn())
    };
    f.render_widget(
        Paragraph::new(vec![
            Line::from(vec![
                Span::raw(format!(
                    "net {} {}   VAT {}   total {} {}",
                    format_amount(tt.net),
                    tt.currency,
                    format_amount(tt.vat),
                    format_amount(tt.gross),
                    tt.currency
                )),
                orderable,
            ]),
            Line::styled("shipping is added at checkout · c checkout", t.dim()),
        ])
        .block(Block::bordered()),
        totals,
    );
}

pub fn quick_entry(f: &mut Frame, app: &App, q: &QuickEntry, area: Rect) {
    let t = &app.theme;
    let mut lines: Vec<Line> = Vec::new();
    lines.push(Line::styled("One part per line: SKU or type number, then the quantity (paste works).", t.dim()));
    lines.push(Line::raw(""));
    for (i, l) in q.text.split('\n').enumerate() {
        let problem = q.problems.iter().find(|p| p.line == i + 1);
        let style = if problem.is_some() { t.warn() } else { t.base() };
        lines.push(Line::styled(format!("{:>3} {l}", i + 1), style));
    }
    if let Some(last) = lines.last_mut() {
        last.spans.push(Span::styled("▏", t.key()));
    }
    if !q.problems.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!("{} added; these lines were not:", q.added), t.warn()));
        for p in &q.problems {
            lines.push(Line::styled(format!("  line {}: {}: {}", p.line, p.sku, p.reason), t.warn()));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(if q.busy { "adding…" } else { "^S add the lines · Esc close" }, t.dim()));
    let r = centered(area, 90, (lines.len() as u16 + 2).max(12));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(format!(" Quick entry into {} ", q.basket))),
        r,
    );
}
