//! suppliers [list] | suppliers default NAME, and sync --all: every supplier at once.

use super::CmdResult;
use super::output::{Out, fit};
use clap::{Args, Subcommand};
use procure_client::service::Workspace;
use procure_client::service::suppliers::{self, SyncEvent};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct SuppliersArgs {
    /// Without one: list.
    #[command(subcommand)]
    pub command: Option<SuppliersCommand>,
}

#[derive(Debug, Subcommand)]
pub enum SuppliersCommand {
    /// Every supplier (profile): backend, shop, currency, last sync, parts in the cache, login (the default without a command).
    #[command(after_help = "Examples:\n  procure suppliers\n  procure suppliers list\n  procure --json suppliers list")]
    List,
    /// Make a supplier the default (`default_profile` in config.toml; your comments stay).
    #[command(after_help = "Examples:\n  procure suppliers default bolt\n  procure --json suppliers default acme")]
    Default {
        /// The supplier (profile) to use when no --profile is given. Example: bolt
        name: String,
    },
}

pub fn run(out: &Out, ws: &mut Workspace, cmd: Option<SuppliersCommand>) -> CmdResult {
    match cmd.unwrap_or(SuppliersCommand::List) {
        SuppliersCommand::List => list(out, ws),
        SuppliersCommand::Default { name } => {
            suppliers::set_default(ws, &name)?;
            if out.json {
                out.data(&serde_json::json!({ "default": name }));
            } else {
                out.note(format!("{name:?} is now the default supplier."));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn list(out: &Out, ws: &Workspace) -> CmdResult {
    let all = suppliers::overview(ws)?;
    if out.json {
        out.data(&all);
        return Ok(ExitCode::SUCCESS);
    }
    if all.is_empty() {
        out.note("No suppliers yet: procure login --profile NAME --shop URL --company C --user U");
        return Ok(ExitCode::SUCCESS);
    }
    out.line(format!(
        "  {} {} {} {} {} {:>9} {} {}",
        fit("SUPPLIER", 14),
        fit("BACKEND", 7),
        fit("SHOP", 32),
        fit("CUR", 3),
        fit("LAST SYNC", 16),
        "PARTS",
        fit("CATALOG", 7),
        "LOGIN"
    ));
    for s in &all {
        let synced = s.last_sync.map(local_time).unwrap_or_else(|| "never".into());
        out.line(format!(
            "{} {} {} {} {} {} {:>9} {} {}",
            if s.default { "*" } else { " " },
            fit(&s.name, 14),
            fit(s.backend, 7),
            fit(&s.shop, 32),
            fit(s.currency.as_deref().unwrap_or("-"), 3),
            fit(&synced, 16),
            grouped(s.parts),
            fit(s.catalog.as_str(), 7),
            s.login.as_str().replace('_', " ")
        ));
    }
    if all.iter().any(|s| s.default) {
        out.note("* the default supplier (procure suppliers default NAME changes it)");
    }
    for s in all.iter().filter(|s| s.note.is_some()) {
        out.note(format!("{}: {}", s.name, s.note.as_deref().unwrap_or_default()));
    }
    Ok(ExitCode::SUCCESS)
}

/// A time as the buyer's local `YYYY-MM-DD HH:MM`.
fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string()
}

fn grouped(n: usize) -> String {
    super::progress::grouped(n)
}

/// `sync --all`: every supplier, a few at once; a line each.
pub async fn sync_all(out: &Out, ws: &Workspace) -> CmdResult {
    let names = ws.suppliers();
    let board = Arc::new(Board::new(&names, !out.json && std::io::stderr().is_terminal(), out.json));
    let shown = board.clone();
    let results = suppliers::sync_all(ws, Arc::new(move |name: &str, e: SyncEvent<'_>| shown.event(name, e))).await?;
    board.finish();
    let failed: Vec<&str> = results.iter().filter(|r| !r.ok).map(|r| r.supplier.as_str()).collect();
    let code = suppliers::sync_all_exit_code(&results);
    if out.json {
        out.data(&serde_json::json!({ "suppliers": results, "failed": failed, "exit_code": code }));
    } else if failed.is_empty() {
        out.note(format!("All {} suppliers synced.", results.len()));
    } else {
        // The board's lines are cut to the terminal: each failure in full.
        if board.live {
            for r in results.iter().filter(|r| !r.ok) {
                out.note(format!("{}: {}", r.supplier, r.summary()));
            }
        }
        out.note(format!(
            "{} of {} suppliers synced; failed: {} (exit {code}: the first that failed, by name).",
            results.len() - failed.len(),
            results.len(),
            failed.join(", ")
        ));
    }
    Ok(if code == 0 { ExitCode::SUCCESS } else { ExitCode::from(code) })
}

/// The lines of a `sync --all`: on a terminal one line per supplier,
/// redrawn in place; otherwise a plain line when each one ends.
struct Board {
    names: Vec<String>,
    live: bool,
    quiet: bool,
    state: Mutex<BoardState>,
}

struct BoardState {
    lines: Vec<String>,
    phase: Vec<(String, Instant)>,
    drawn: bool,
    last: Instant,
}

impl Board {
    fn new(names: &[String], live: bool, quiet: bool) -> Board {
        let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let names: Vec<String> = names.iter().map(|n| format!("{n:width$}")).collect();
        let lines = names.iter().map(|n| format!("{n}  waiting")).collect();
        let phase = names.iter().map(|_| (String::new(), Instant::now())).collect();
        let state = BoardState { lines, phase, drawn: false, last: Instant::now() - Duration::from_secs(1) };
        Board { names, live, quiet, state: Mutex::new(state) }
    }

    fn event(&self, name: &str, e: SyncEvent<'_>) {
        let Some(i) = self.names.iter().position(|n| n.trim_end() == name) else { return };
        let Ok(mut s) = self.state.lock() else { return };
        let label = &self.names[i];
        let (text, urgent) = match e {
            SyncEvent::Waiting => (format!("{label}  waiting"), false),
            SyncEvent::Step(step) => {
                if s.phase[i].0 != step.what {
                    s.phase[i] = (step.what.to_string(), Instant::now());
                }
                let elapsed = s.phase[i].1.elapsed();
                (format!("{label}  {}", super::progress::describe(step, elapsed)), false)
            }
            SyncEvent::Done { ok, summary } => {
                let text = format!("{label}  {}{summary}", if ok { "" } else { "✗ " });
                if !self.live && !self.quiet {
                    let _ = writeln!(std::io::stderr().lock(), "{}", text.trim_end());
                }
                (text, true)
            }
        };
        s.lines[i] = text;
        // A redraw at most every 50 ms, and at each end.
        if self.live && (urgent || s.last.elapsed() >= Duration::from_millis(50)) {
            s.last = Instant::now();
            draw(&mut s);
        }
    }

    fn finish(&self) {
        if self.live
            && let Ok(mut s) = self.state.lock()
        {
            draw(&mut s);
        }
    }
}

fn draw(s: &mut BoardState) {
    let mut e = std::io::stderr().lock();
    let width = crossterm::terminal::size().map(|(w, _)| usize::from(w.max(20)) - 1).unwrap_or(100);
    if s.drawn {
        let _ = write!(e, "\x1b[{}A", s.lines.len());
    }
    for l in &s.lines {
        let text: String = procure_client::core::sanitize::clean(l).chars().take(width).collect();
        let _ = writeln!(e, "\r\x1b[2K{text}");
    }
    let _ = e.flush();
    s.drawn = true;
}
