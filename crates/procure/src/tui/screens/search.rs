//! The search screen: a query field and live results.

use super::super::app::{App, Areas, Focus};
use procure_client::core::money::format_amount;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

/// Text with the matched characters emphasised.
pub fn marked(text: &str, hits: &[usize], base: Style, mark: Style) -> Line<'static> {
    if hits.is_empty() {
        return Line::styled(text.to_string(), base);
    }
    let mut spans = Vec::new();
    let mut run = String::new();
    let mut run_hit = false;
    for (i, c) in text.chars().enumerate() {
        let hit = hits.contains(&i);
        if hit != run_hit && !run.is_empty() {
            spans.push(Span::styled(std::mem::take(&mut run), if run_hit { mark } else { base }));
        }
        run_hit = hit;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hit { mark } else { base }));
    }
    Line::from(spans)
}

pub fn draw(f: &mut Frame, app: &App, area: Rect, areas: &mut Areas) {
    let t = &app.theme;
    let s = &app.search;
    let [input, results] = Layout::vertical([Constraint::Length(3), Constraint::Min(1)]).areas(area);
    let focused = app.focus == Focus::Input && app.overlays.is_empty();
    let counter = if s.input.text().trim().is_empty() {
        String::new()
    } else {
        let pending = if s.shown_seq != s.seq { " …" } else { "" };
        format!(" {}/{}{} ", s.rows.len().min(s.total), s.total, pending)
    };
    let cursor = if focused { Span::styled("▏", t.key()) } else { Span::raw("") };
    f.render_widget(
        Paragraph::new(Line::from(vec![Span::styled("/ ", t.key()), Span::raw(s.input.text().to_string()), cursor]))
            .block(
                Block::bordered()
                    .title(" Type number, SKU, GTIN, maker or name ")
                    .title_bottom(Line::from(counter).right_aligned())
                    .border_style(if focused { t.focus_border() } else { t.dim() }),
            ),
        input,
    );
    if s.rows.is_empty() {
        let hint = if app.indexed.is_none() {
            "Loading the catalog…".to_string()
        } else if s.input.text().trim().is_empty() {
            "Start typing a type number: 6205-2rs, m8x25, 3rt2015 … (separators don't matter)".to_string()
        } else if s.shown_seq == s.seq && !s.suggestions.is_empty() {
            format!("No part matches {:?}. Did you mean {}?", s.input.text(), s.suggestions.join(", "))
        } else if s.shown_seq == s.seq {
            format!("No part matches {:?}.", s.input.text())
        } else {
            "Searching…".to_string()
        };
        f.render_widget(Paragraph::new(Line::styled(hint, t.dim())).block(Block::bordered()), results);
        areas.list = results;
        return;
    }
    let mark = t.matched();
    let rows: Vec<Row> = s
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let h = s.highlights.get(i);
            let empty = vec![];
            let (hs, hm, hn) = h.map(|h| (&h.sku, &h.mpn, &h.name)).unwrap_or((&empty, &empty, &empty));
            let mut name = marked(&r.name, hn, Style::default(), mark);
            if r.discontinued {
                name.spans.insert(0, Span::styled("[discontinued] ", t.warn()));
            }
            if r.ordered_before {
                name.spans.insert(0, Span::styled("★ ", t.key()));
            }
            let price = r.unit_price.map(format_amount).unwrap_or_else(|| "–".into());
            let stock = if r.stock > 0 { Span::raw(format!("{}", r.stock)) } else { Span::styled("0", t.warn()) };
            Row::new(vec![
                Cell::from(marked(&r.sku, hs, Style::default(), mark)),
                Cell::from(marked(&r.mpn, hm, Style::default(), mark)),
                Cell::from(r.manufacturer.clone()),
                Cell::from(name),
                Cell::from(Line::from(format!("{price} ×{}", r.quantity)).right_aligned()),
                Cell::from(Line::from(stock).right_aligned()),
                Cell::from(Line::from(format!("{}d", r.lead_time_days)).right_aligned()),
            ])
        })
        .collect();
    let mut state = TableState::default().with_selected(Some(s.selected));
    let list_focused = app.focus == Focus::List && app.overlays.is_empty();
    let table =
        Table::new(
            rows,
            [
                Constraint::Length(12),
                Constraint::Length(22),
                Constraint::Length(12),
                Constraint::Min(20),
                Constraint::Length(14),
                Constraint::Length(6),
                Constraint::Length(5),
            ],
        )
        .header(Row::new(vec!["SKU", "Type number", "Maker", "Name", "Your price", "Stock", "Lead"]).style(t.dim()))
        .row_highlight_style(t.selected())
        .highlight_symbol("▶ ")
        .block(
            Block::bordered()
                .title(" Results — Enter detail · a add (Tab to the list) ")
                .border_style(if list_focused { t.focus_border() } else { t.dim() }),
        );
    f.render_stateful_widget(table, results, &mut state);
    areas.list = results;
    areas.list_offset = 2;
}
