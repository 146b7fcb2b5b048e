//! The frame around the screens: the header (who, online, parts), the tab
//! bar and the status line with the keys that apply.

use super::component::{Cx, Level, ScreenId};
use super::keymap::{Action, Scope};
use super::screens::{key_label, registration};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(crate) fn header(f: &mut Frame, cx: &Cx, area: Rect) {
    let t = &cx.theme;
    let who = match &cx.me {
        Some(me) => format!("{} · {} ({})", me.company.name, me.user.name, me.user.role.as_str()),
        None => format!("profile {}", cx.supplier),
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
    // With several suppliers, whose screens these are.
    let supplier = if cx.suppliers.len() > 1 { format!("{} · ", cx.supplier) } else { String::new() };
    // Whether the shop answers matters more than the names: those give way, visibly.
    let rest = Span::raw(" procure ").width()
        + Span::raw(supplier.as_str()).width()
        + net.width()
        + Span::raw(parts.as_str()).width()
        + Span::raw(sync).width();
    let who = super::widgets::text::ellipsize(&who, (area.width as usize).saturating_sub(rest));
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" procure ", t.title()),
            Span::styled(supplier, t.key()),
            Span::raw(who),
            net,
            Span::styled(parts, t.dim()),
            Span::styled(sync, t.dim()),
        ])),
        area,
    );
}

/// Draws the tabs and returns where each one is, for mouse hits.
pub(crate) fn tab_bar(
    f: &mut Frame,
    cx: &Cx,
    tabs: &[ScreenId],
    current: ScreenId,
    area: Rect,
) -> Vec<(ScreenId, Rect)> {
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

/// The message of the moment (when there is one) above the keys that
/// work where the buyer is: a message never hides the keys.
pub(crate) fn status_bar(f: &mut Frame, cx: &Cx, scopes: &[Scope], text_focus: bool, area: Rect) {
    let t = &cx.theme;
    let keys = Rect { y: area.y + area.height.saturating_sub(1), height: area.height.min(1), ..area };
    if let Some((level, text, _)) = &cx.status {
        let style = match level {
            Level::Info => t.base(),
            Level::Ok => t.ok(),
            Level::Warn => t.warn(),
            Level::Error => t.error(),
        };
        let message = Rect { height: area.height.saturating_sub(1), ..area };
        f.render_widget(
            Paragraph::new(Span::styled(format!(" {text}"), style)).wrap(ratatui::widgets::Wrap { trim: false }),
            message,
        );
    }
    // All when they fit; else as many as fit whole, and the line says the
    // rest is in the help.
    // With one supplier there is no other to search or work on.
    let hide: &[Action] = if cx.suppliers.len() > 1 { &[] } else { &[Action::AllSuppliers, Action::Supplier] };
    let hints: Vec<(String, String)> =
        cx.keymap.hints_but(scopes, text_focus, hide).into_iter().map(|(k, h)| (k, format!(" {h}  "))).collect();
    let width = |k: &str, h: &str| Span::raw(k).width() + Span::raw(h).width();
    let all: usize = 1 + hints.iter().map(|(k, h)| width(k, h)).sum::<usize>();
    let more = "… F1 all keys";
    let room = if all.saturating_sub(2) <= area.width as usize {
        usize::MAX
    } else {
        (area.width as usize).saturating_sub(Span::raw(more).width())
    };
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for (key, hint) in hints {
        let w = width(&key, &hint);
        if used + w > room {
            spans.push(Span::styled(more, t.dim()));
            break;
        }
        used += w;
        spans.push(Span::styled(key, t.key()));
        spans.push(Span::raw(hint));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), keys);
}
