//! After the order at scale: a company with 10,000 orders and about 20,000
//! invoices and credit notes (`procure_shop::seed::fill_history`), synced
//! into the buyer's local history; then whole processes of `procure order
//! late`, `procure invoice list --open` and `procure statement`, with the
//! shop answering (nothing changed: a request per feed) and with it away
//! (the local copy alone), and the terminal app's Invoices screen from the
//! key to the frame that shows the list.
//!
//! Beside each time, a reference measured in the same run and the ratio:
//! for a whole process, the `sqlite3` shell (where installed) reading the
//! same rows of the same file and printing them (`-json` beside `--json`):
//! a process start and the query, the floor for a command that reads the
//! local state; for the app's screen, the service call that reads the same
//! list in process (`invoices::list_local`), without the app and drawing.
//!
//! cargo bench -p procure --features demo --bench after
//! (`PROCURE_HISTORY_ORDERS=2000` for a smaller history;
//! `PROCURE_AFTER_DIR=dir` keeps the shop and the buyer's home there.)

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use procure::tui::engine::{Engine, Msg};
use procure_client::service::{Paths, Workspace, invoices};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::io::Write;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_procure");
const RUNS: usize = 7;

fn procure(home: &std::path::Path, args: &[&str]) -> (f64, std::process::Output) {
    let started = Instant::now();
    let out = Command::new(BIN).args(args).env("PROCURE_HOME", home).output().expect("run procure");
    let secs = started.elapsed().as_secs_f64();
    assert!(out.status.success() || args.contains(&"check"), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    (secs, out)
}

/// The median of `RUNS` runs, in milliseconds, and the last run's stdout.
fn median(home: &std::path::Path, args: &[&str]) -> (f64, String) {
    let mut times = Vec::new();
    let mut last = String::new();
    for _ in 0..RUNS {
        let (t, out) = procure(home, args);
        times.push(t * 1000.0);
        last = String::from_utf8_lossy(&out.stdout).into_owned();
    }
    times.sort_by(f64::total_cmp);
    (times[RUNS / 2], last)
}

/// What the reference reads for each command: the same rows of the
/// history, as the command's list needs them.
fn reference_sql(args: &[&str]) -> &'static str {
    match args.strip_prefix(&["--json"][..]).unwrap_or(args) {
        ["order", "late"] => {
            "SELECT number, line, po_number, sku, name, quantity, shipped, requested, promised FROM open_lines
             WHERE promised > requested OR (promised < date('now') AND shipped < quantity)
             ORDER BY promised, number, line;"
        }
        ["invoice", "list", "--open"] => {
            "SELECT number, kind, issue_date, due_date, orders, credits, currency, gross, paid, open, status, match,
               disputed FROM invoices WHERE is_open = 1 ORDER BY issue_date DESC, number DESC;"
        }
        _ => {
            "SELECT number, kind, issue_date, due_date, gross, paid, open, status, match, disputed, early_payment
               FROM invoices WHERE is_open = 1 ORDER BY due_date, number;
             SELECT kind, total(open) FROM invoices WHERE is_open = 1 GROUP BY kind;
             SELECT total(uninvoiced) FROM orders WHERE uninvoiced != '0';
             SELECT invoice, date, amount, reference FROM payments WHERE date >= date('now', '-90 days')
               ORDER BY date DESC, invoice;"
        }
    }
}

/// The reference: the `sqlite3` shell reading the same rows of the same
/// file, median of `RUNS` runs in milliseconds; `None` without sqlite3.
fn reference(db: &std::path::Path, args: &[&str]) -> Option<f64> {
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut cmd = Command::new("sqlite3");
        cmd.arg("-readonly");
        if args.first() == Some(&"--json") {
            cmd.arg("-json");
        }
        let out = cmd.arg(db).arg(reference_sql(args)).output().ok()?;
        let secs = started.elapsed().as_secs_f64();
        if !out.status.success() {
            eprintln!("sqlite3: {}", String::from_utf8_lossy(&out.stderr));
            return None;
        }
        times.push(secs * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Some(times[RUNS / 2])
}

/// A row: the command, its time, the reference's and the ratio.
fn row(args: &[&str], ms: f64, reference: Option<f64>, out: &str) {
    println!(
        "  procure {:<29} {:>7.1} ms  {:>9}  {:>7}  ({} lines)",
        args.join(" "),
        ms,
        reference.map_or_else(|| "-".into(), |r| format!("{r:.1} ms")),
        reference.map_or_else(|| "-".into(), |r| format!("{:.2}×", ms / r)),
        lines(out)
    );
}

fn lines(text: &str) -> usize {
    text.lines().count()
}

fn main() -> anyhow::Result<()> {
    let orders: usize = std::env::var("PROCURE_HISTORY_ORDERS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    // PROCURE_AFTER_DIR keeps the shop and the buyer's home there (emptied first).
    let (_temp, root) = match std::env::var_os("PROCURE_AFTER_DIR") {
        Some(d) => {
            let root = std::path::PathBuf::from(d);
            if root.exists() {
                std::fs::remove_dir_all(&root)?;
            }
            std::fs::create_dir_all(&root)?;
            (None, root)
        }
        None => {
            let t = tempfile::tempdir()?;
            let root = t.path().to_path_buf();
            (Some(t), root)
        }
    };
    let home = root.join("home");
    let db = root.join("shop.db");
    let t = Instant::now();
    procure_shop::seed_demo_with(&db, &procure_shop::SeedOptions { products: 2_000, order_history: true })?;
    let filled = procure_shop::seed::fill_history(&db, "ACME", orders)?;
    println!(
        "the shop: ACME with {} orders, {} invoices and credit notes ({:.1} s)",
        filled.orders + 4,
        filled.invoices,
        t.elapsed().as_secs_f64()
    );
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    let shop =
        rt.block_on(procure_shop::spawn(db, ([127, 0, 0, 1], 0).into(), procure_shop::ShopOptions::default()))?;
    let url = format!("http://{}", shop.addr);

    let mut login = Command::new(BIN)
        .args(["login", "--shop", &url, "--company", "ACME", "--user", "buyer", "--password-stdin"])
        .env("PROCURE_HOME", &home)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    login.stdin.take().expect("stdin").write_all(b"demo\n")?;
    assert!(login.wait()?.success(), "login");
    let (first, out) = procure(&home, &["--json", "sync"]);
    let sync: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    println!(
        "first sync, catalog and history: {:.1} s ({} orders, {} invoices matched as they arrived, {} requests)",
        first, sync["history"]["orders_changed"], sync["history"]["invoices_changed"], sync["history"]["requests"]
    );
    let (again, out) = procure(&home, &["--json", "sync"]);
    let sync: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    println!("re-sync, nothing changed: {:.0} ms ({} history requests)", again * 1000.0, sync["history"]["requests"]);
    let history = home.join("cache/default/history.db");
    println!("local history: {:.1} MiB", std::fs::metadata(&history)?.len() as f64 / (1024.0 * 1024.0));

    let commands: [&[&str]; 6] = [
        &["order", "late"],
        &["invoice", "list", "--open"],
        &["statement"],
        &["--json", "order", "late"],
        &["--json", "invoice", "list", "--open"],
        &["--json", "statement"],
    ];
    let references: Vec<Option<f64>> = commands.iter().map(|args| reference(&history, args)).collect();
    let header = || println!("  {:<37} {:>10}  {:>9}  {:>7}", "", "procure", "sqlite3", "ratio");
    println!("whole process, median of {RUNS} (the shop answering, nothing changed):");
    header();
    for (args, r) in commands.iter().zip(&references) {
        let (ms, out) = median(&home, args);
        row(args, ms, *r, &out);
    }

    // The app's Invoices screen: the key to the frame with the list, from the
    // local history (the shop's answer follows; it is not waited for).
    let ws = Workspace::open(Paths::under(home.clone()))?;
    let sup = ws.supplier(None)?;
    // The reference: the same list read in process, without the app.
    let mut read = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let list = invoices::list_local(&sup, invoices::Which::Open)?;
        read.push(start.elapsed().as_secs_f64() * 1000.0);
        assert!(!list.invoices.is_empty(), "open items");
    }
    read.sort_by(f64::total_cmp);
    let read = read[RUNS / 2];
    let mut app = procure::tui::build(&ws, &sup, Some("never"))?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = Engine::start(ws, sup, tx, rt.handle().clone());
    let mut term = Terminal::new(TestBackend::new(140, 40))?;
    let mut opened = Vec::new();
    for round in 0..8 {
        let start = Instant::now();
        for fx in app.handle(Event::Key(KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE))) {
            engine.run(fx);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let msg = rt.block_on(async { tokio::time::timeout(Duration::from_secs(10), rx.recv()).await });
            let Ok(Some(m)) = msg else { break };
            let listed = matches!(m, Msg::Invoices(_));
            let _ = app.on_msg(m);
            if listed || Instant::now() > deadline {
                break;
            }
        }
        procure::tui::draw(&mut term, &mut app)?;
        let took = start.elapsed();
        let shown = app.invoices().and_then(|i| i.list()).map_or(0, |l| l.invoices.len());
        if round > 0 {
            opened.push(took.as_secs_f64() * 1000.0);
        }
        if round == 0 {
            println!("the app's Invoices screen lists {shown} open items");
        }
        // Away and back: each time the screen is entered it reads again.
        for fx in app.handle(Event::Key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE))) {
            engine.run(fx);
        }
        // Let the refresh the screen asked for finish before the next round.
        std::thread::sleep(Duration::from_millis(300));
        while let Ok(m) = rx.try_recv() {
            let _ = app.on_msg(m);
        }
    }
    opened.sort_by(f64::total_cmp);
    let median_open = opened[opened.len() / 2];
    println!(
        "  the app: F5 → Invoices screen drawn with the list: median {:.1} ms, slowest {:.1} ms; \
         the list read in process (invoices::list_local) {:.1} ms: {:.2}×",
        median_open,
        opened[opened.len() - 1],
        read,
        median_open / read
    );
    drop(engine);

    rt.block_on(shop.shutdown());
    println!("whole process, median of {RUNS} (the shop away: the local copy):");
    header();
    for (args, r) in commands.iter().zip(&references) {
        let (ms, out) = median(&home, args);
        row(args, ms, *r, &out);
    }
    Ok(())
}
