//! The terminal app: a thin face over the service layer. One select loop
//! waits on input, engine results and a tick; the screen is redrawn from the
//! app state after each batch of events, never while waiting.

pub mod app;
pub(crate) mod component;
pub mod dialogs;
pub mod engine;
mod frame;
pub mod keymap;
pub mod screens;
pub(crate) mod theme;
pub(crate) mod widgets;

#[cfg(test)]
mod tests;

/// A screen by its registered name (`screens::*::ID`).
pub use component::ScreenId;

use app::App;
use crossterm::event::{self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use engine::Engine;
use keymap::Keymap;
use procure_client::service::{Error, Supplier, Workspace};
use ratatui::Terminal;
use ratatui::backend::Backend;
use std::time::Duration;
use theme::Theme;
use tokio::sync::mpsc;

pub struct Options {
    pub color: Option<String>,
}

/// Builds the app for a supplier of the workspace (also used by headless
/// tests and the benchmark).
pub fn build(ws: &Workspace, sup: &Supplier, color: Option<&str>) -> Result<App, Error> {
    let config = ws.config();
    let keymap = Keymap::with_overrides(&config.keys).map_err(|e| Error::Usage(format!("config.toml {e}")))?;
    let theme = Theme::from_setting(color.unwrap_or(&config.ui.color));
    let me = procure_client::service::session::cached_me(sup);
    let mut app = App::new(keymap, theme, sup.name(), sup.shop_url(), me, sup.logged_in());
    app.cx.suppliers = ws.suppliers();
    app.cx.caps = Some(sup.capabilities());
    app.cx.clock = ws.clock().clone();
    Ok(app)
}

fn restore() {
    let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
}

/// Runs the app on a supplier of the workspace until the user quits. The
/// terminal is restored on every exit path, including a panic.
pub async fn run(ws: Workspace, sup: Supplier, opts: Options) -> Result<(), Error> {
    let mut app = build(&ws, &sup, opts.color.as_deref())?;
    let mouse = ws.config().ui.mouse;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let engine = Engine::start(ws, sup, tx, tokio::runtime::Handle::current());

    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        hook(info);
    }));
    let mut terminal = ratatui::init();
    let _ = crossterm::execute!(std::io::stdout(), EnableBracketedPaste);
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), EnableMouseCapture);
    }

    // Input is read on its own thread so the loop never blocks on it.
    let (in_tx, mut in_rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        while let Ok(e) = event::read() {
            if in_tx.send(e).is_err() {
                break;
            }
        }
    });

    let result = event_loop(&mut terminal, &mut app, &engine, &mut in_rx, &mut rx).await;
    restore();
    result
}

async fn event_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    engine: &Engine,
    input: &mut mpsc::UnboundedReceiver<crossterm::event::Event>,
    msgs: &mut mpsc::UnboundedReceiver<engine::Msg>,
) -> Result<(), Error> {
    for fx in app.start() {
        engine.run(fx);
    }
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    // The first frame with search results, timed from the start (for the
    // scale bench, in the log at `procure::timing=debug`).
    let (mut results_due, mut results_timed) = (false, false);
    loop {
        draw(terminal, app)?;
        if results_due && !results_timed {
            results_timed = true;
            let ms = crate::started().elapsed().as_secs_f64() * 1e3;
            tracing::debug!(target: "procure::timing", ms, "first search results drawn");
        }
        if app.quit {
            return Ok(());
        }
        let effects = tokio::select! {
            Some(e) = input.recv() => {
                let mut fx = app.handle(e);
                // Coalesce: take whatever else is already waiting before drawing.
                while let Ok(e) = input.try_recv() {
                    fx.extend(app.handle(e));
                }
                fx
            }
            Some(m) = msgs.recv() => {
                results_due |= matches!(m, engine::Msg::Searched { .. });
                let mut fx = app.on_msg(m);
                while let Ok(m) = msgs.try_recv() {
                    results_due |= matches!(m, engine::Msg::Searched { .. });
                    fx.extend(app.on_msg(m));
                }
                fx
            }
            _ = tick.tick() => app.tick(),
        };
        for fx in effects {
            engine.run(fx);
        }
    }
}

pub fn draw<B: Backend>(terminal: &mut Terminal<B>, app: &mut App) -> Result<(), Error> {
    if app.take_uncovered() {
        // Every cell is written twice, blank then as it is: a frame of
        // hidden blanks differs from any frame in every cell, so the next
        // one repaints them all. (`Terminal::clear` would ask the terminal
        // where its cursor is, racing the input thread for the answer.)
        terminal
            .draw(|f| {
                let area = f.area();
                f.buffer_mut()
                    .set_style(area, ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::HIDDEN));
            })
            .map_err(|e| Error::Internal(format!("cannot draw: {e}")))?;
    }
    terminal.draw(|f| app.draw(f)).map_err(|e| Error::Internal(format!("cannot draw: {e}")))?;
    Ok(())
}
