//! Drawing: every frame is drawn from the app state alone.

mod baskets;
mod checkout;
mod detail;
mod orders;
mod quotes;
mod search;

use super::app::{App, Areas, Level, Overlay, Tab};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, Wrap};

pub fn draw(f: &mut Frame, app: &App) -> Areas {
    let [top, tabs, body, status] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)])
            .areas(f.area());
    let mut areas = Areas { tabs, ..Areas::default() };
    header(f, app, top);
    tab_bar(f, app, tabs);
    match app.tab {
        Tab::Search => search::draw(f, app, body, &mut areas),
        Tab::Baskets => baskets::draw(f, app, body, &mut areas),
        Tab::Orders => {
            orders::draw(f, app, &app.orders, " Orders — Enter detail · r reorder into a basket ", body, &mut areas)
        }
        Tab::Quotes => quotes::draw(f, app, body, &mut areas),
        Tab::Approvals => orders::draw(
            f,
            app,
            &app.approvals,
            " Waiting for your approval — Enter detail · y approve · n reject ",
            body,
            &mut areas,
        ),
    }
    for overlay in &app.overlays {
        match overlay {
            Overlay::Help => help(f, app, body),
            Overlay::Detail(d) => detail::draw(f, app, d, body),
            Overlay::Prompt(p) => prompt(f, app, p, body),
            Overlay::QuickEntry(q) => baskets::quick_entry(f, app, q, body),
            Overlay::Checkout(c) => checkout::draw(f, app, c, body),
            Overlay::Order(o) => orders::detail(f, app, o, body),
            Overlay::Quote(q) => quotes::detail(f, app, q, body),
        }
    }
    status_bar(f, app, status);
    areas
}

fn header(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let who = match &app.me {
        Some(me) => format!("{} · {} ({})", me.company.name, me.user.name, me.user.role.as_str()),
        None => format!("profile {}", app.profile),
    };
    let net = match (app.logged_in, app.online) {
        (false, _) => Span::styled(" [not logged in] ", t.warn()),
        (_, Some(false)) => Span::styled(" [OFFLINE — working from the cache] ", t.warn()),
        (_, Some(true)) => Span::styled(" [online] ", t.ok()),
        (_, None) => Span::styled(" [connecting…] ", t.dim()),
    };
    let parts = match app.indexed {
        Some(n) => format!(" {n} parts"),
        None => " indexing…".into(),
    };
    let sync = if app.syncing { " syncing…" } else { "" };
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

fn tab_bar(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let mut spans = vec![];
    for tab in app.tabs() {
        let style = if tab == app.tab { t.selected() } else { t.dim() };
        let marker = if tab == app.tab { "▶" } else { " " };
        spans.push(Span::styled(format!("{} ", tab.key()), t.key()));
        spans.push(Span::styled(format!("{marker}{} ", tab.title()), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(" F1 help", t.dim()));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status_bar(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    if let Some((level, text, _)) = &app.status {
        let style = match level {
            Level::Info => t.base(),
            Level::Ok => t.ok(),
            Level::Warn => t.warn(),
            Level::Error => t.error(),
        };
        f.render_widget(Paragraph::new(Span::styled(format!(" {text}"), style)), area);
        return;
    }
    let (scopes, text_focus) = app.scopes();
    let mut spans = vec![Span::raw(" ")];
    for (key, hint) in app.keymap.hints(&scopes, text_focus) {
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

fn help(f: &mut Frame, app: &App, area: Rect) {
    let t = &app.theme;
    let rows: Vec<Row> = app
        .keymap
        .help_rows()
        .into_iter()
        .map(|(scope, keys, name, help)| {
            Row::new(vec![
                Span::styled(scope, t.dim()),
                Span::styled(keys, t.key()),
                Span::raw(help),
                Span::styled(name, t.dim()),
            ])
        })
        .collect();
    let r = centered(area, 100, area.height);
    f.render_widget(Clear, r);
    f.render_widget(
        Table::new(rows, [Constraint::Length(15), Constraint::Length(16), Constraint::Min(30), Constraint::Length(12)])
            .header(
                Row::new(vec!["Where", "Keys", "Does", "[keys] name"])
                    .style(Style::default().add_modifier(Modifier::BOLD)),
            )
            .block(Block::bordered().title(" Help — any key closes · override keys in config.toml [keys] ")),
        r,
    );
}

fn prompt(f: &mut Frame, app: &App, p: &super::app::Prompt, area: Rect) {
    let t = &app.theme;
    let mut lines = vec![Line::from(vec![Span::raw("› "), Span::raw(p.input.display()), Span::styled("▏", t.key())])];
    if let super::app::PromptKind::AddQty { rules, tiers, currency, .. } = &p.kind {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("pack {} · minimum {} · step {}", rules.pack_size, rules.min_qty, rules.order_step),
            t.dim(),
        ));
        if let Ok(q) = procure_client::core::quantity::parse_quantity(p.input.text()) {
            let (now, next) = App::tier_hint(tiers, q);
            if let Some(now) = now {
                lines.push(Line::raw(format!("{now} {currency}")));
            }
            if let Some(next) = next {
                lines.push(Line::styled(format!("next tier {next}"), t.dim()));
            }
            if let Err(e) = rules.check(q) {
                lines.push(Line::styled(e.to_string(), t.warn()));
            }
        }
    }
    if let Some(e) = &p.error {
        lines.push(Line::styled(e.clone(), t.error()));
    }
    lines.push(Line::styled("Enter ok · Esc cancel", t.dim()));
    let r = centered(area, 64, lines.len() as u16 + 2);
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(format!(" {} ", p.title))),
        r,
    );
}
