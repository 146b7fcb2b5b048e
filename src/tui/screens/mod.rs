//! The screens and dialogs of the terminal app, one module each, and the
//! frame around them (header, tab bar, status line).
//!
//! A new screen is a module with a `Screen` and its `REGISTRATION`, plus one
//! line in `SCREENS`.

pub mod account;
pub mod approvals;
pub mod baskets;
pub mod checkout;
pub mod choose_part;
pub mod confirm;
pub mod detail;
pub mod help;
pub mod orders;
pub mod prompt;
pub mod quick_entry;
pub mod quote_request;
pub mod quotes;
pub mod search;

use super::component::{Cx, Level, Registration, ScreenId};
use super::keymap::{Key, Scope};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Every top-level screen, in tab order.
#[rustfmt::skip]
pub const SCREENS: &[Registration] = &[
    search::REGISTRATION,
    baskets::REGISTRATION,
    orders::REGISTRATION,
    quotes::REGISTRATION,
    approvals::REGISTRATION,
    account::REGISTRATION,
];

pub fn registration(id: ScreenId) -> Option<&'static Registration> {
    SCREENS.iter().find(|r| r.id == id)
}

/// The label of the key that shows a screen, as the keymap has it.
pub fn key_label(cx: &Cx, id: ScreenId) -> String {
    cx.keymap
        .bindings
        .iter()
        .find(|b| b.action == super::keymap::Action::Screen(id))
        .and_then(|b| b.keys.first())
        .map(Key::to_string)
        .unwrap_or_default()
}

pub fn header(f: &mut Frame, cx: &Cx, area: Rect) {
    let t = &cx.theme;
    let who = match &cx.me {
        Some(me) => format!("{} · {} ({})", me.company.name, me.user.name, me.user.role.as_str()),
        None => format!("profile {}", cx.profile),
    };
    let net = match (cx.logged_in, cx.online) {
        (false, _) => Span::styled(" [not logged in] ", t.warn()),
        (_, Some(false)) => Span::styled(" [OFFLINE — working from the cache] ", t.warn()),
        (_, Some(true)) => Span::styled(" [online] ", t.ok()),
        (_, None) => Span::styled(" [connecting…] ", t.dim()),
    };
    let parts = match cx.indexed {
        Some(n) => format!(" {n} parts"),
        None => " indexing…".into(),
    };
    let sync = if cx.syncing { " syncing…" } else { "" };
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" procure ", t.title()),
            Span::raw(who),
            net,
            Span::styled(parts, t.dim()),
            Span::styled(sync, t.dim()),
        ])),
        area,
    );
}

/// Draws the tabs and returns where each one is, for mouse hits.
pub fn tab_bar(f: &mut Frame, cx: &Cx, tabs: &[ScreenId], current: ScreenId, area: Rect) -> Vec<(ScreenId, Rect)> {
    let t = &cx.theme;
    let mut spans = vec![];
    let mut hits = vec![];
    let mut x = area.x;
    let help = " F1 help";
    // Narrow terminals get the tabs without the spacing.
    let wide: usize = tabs
        .iter()
        .map(|&tab| key_label(cx, tab).chars().count() + registration(tab).map_or(0, |r| r.title.len()) + 4)
        .sum::<usize>()
        + help.len();
    let compact = wide > area.width as usize;
    for &tab in tabs {
        let title = registration(tab).map(|r| r.title).unwrap_or(tab.0);
        let style = if tab == current { t.selected() } else { t.dim() };
        let marker = if tab == current { "▶" } else { " " };
        let key = if compact { key_label(cx, tab) } else { format!("{} ", key_label(cx, tab)) };
        let label = format!("{marker}{title}{}", if compact { "" } else { " " });
        let width = (Span::raw(key.as_str()).width() + Span::raw(label.as_str()).width() + 1) as u16;
        let end = (x + width).min(area.x + area.width);
        if end > x {
            hits.push((tab, Rect { x, y: area.y, width: end - x, height: 1 }));
        }
        x = end;
        spans.push(Span::styled(key, t.key()));
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(help, t.dim()));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
    hits
}

pub fn status_bar(f: &mut Frame, cx: &Cx, scopes: &[Scope], text_focus: bool, area: Rect) {
    let t = &cx.theme;
    if let Some((level, text, _)) = &cx.status {
        let style = match level {
            Level::Info => t.base(),
            Level::Ok => t.ok(),
            Level::Warn => t.warn(),
            Level::Error => t.error(),
        };
        f.render_widget(
            Paragraph::new(Span::styled(format!(" {text}"), style)).wrap(ratatui::widgets::Wrap { trim: false }),
            area,
        );
        return;
    }
    let mut spans = vec![Span::raw(" ")];
    for (key, hint) in cx.keymap.hints(scopes, text_focus) {
        spans.push(Span::styled(key, t.key()));
        spans.push(Span::raw(format!(" {hint}  ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Rows the lines take when wrapped at a width.
pub fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let w = width.max(1) as usize;
    lines.iter().map(|l| l.width().max(1).div_ceil(w) as u16).sum()
}

/// A text cut to a width, ending in `…` when it was longer.
pub fn ellipsize(text: &str, width: usize) -> String {
    if Span::raw(text).width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = Span::raw(c.to_string()).width();
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// A styled line cut to a width, ending in `…` when it was longer.
pub fn ellipsize_line(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for span in line.spans {
        let room = width.saturating_sub(used + 1);
        let w = span.width();
        if w <= room {
            used += w;
            spans.push(span);
            continue;
        }
        let cut = ellipsize(&span.content, room + 1);
        spans.push(Span::styled(cut.trim_end_matches('…').to_string(), span.style));
        break;
    }
    spans.push(Span::raw("…"));
    Line::from(spans)
}

/// Only the cells of the columns that are shown.
pub fn shown<T>(cells: Vec<T>, widths: &[Option<u16>]) -> Vec<T> {
    cells.into_iter().zip(widths).filter(|(_, w)| w.is_some()).map(|(c, _)| c).collect()
}

/// The constraints of the shown columns.
pub fn constraints(widths: &[Option<u16>]) -> Vec<ratatui::layout::Constraint> {
    widths.iter().flatten().map(|w| ratatui::layout::Constraint::Length(*w)).collect()
}

pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
