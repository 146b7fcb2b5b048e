//! The screens and dialogs of the terminal app, one module each, and the
//! frame around them (header, tab bar, status line).
//!
//! A new screen is a module with a `Screen` and its `REGISTRATION`, plus one
//! line in `SCREENS`.

pub mod approvals;
pub mod baskets;
pub mod checkout;
pub mod detail;
pub mod help;
pub mod orders;
pub mod prompt;
pub mod quick_entry;
pub mod quotes;
pub mod search;

use super::component::{Cx, Level, Registration, ScreenId};
use super::keymap::{Key, Scope};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Every top-level screen, in tab order.
pub const SCREENS: &[Registration] =
    &[search::REGISTRATION, baskets::REGISTRATION, orders::REGISTRATION, quotes::REGISTRATION, approvals::REGISTRATION];

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
    for &tab in tabs {
        let title = registration(tab).map(|r| r.title).unwrap_or(tab.0);
        let style = if tab == current { t.selected() } else { t.dim() };
        let marker = if tab == current { "▶" } else { " " };
        let key = format!("{} ", key_label(cx, tab));
        let label = format!("{marker}{title} ");
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
    spans.push(Span::styled(" F1 help", t.dim()));
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
        f.render_widget(Paragraph::new(Span::styled(format!(" {text}"), style)), area);
        return;
    }
    let mut spans = vec![Span::raw(" ")];
    for (key, hint) in cx.keymap.hints(scopes, text_focus) {
        spans.push(Span::styled(key, t.key()));
        spans.push(Span::raw(format!(" {hint}  ")));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}
