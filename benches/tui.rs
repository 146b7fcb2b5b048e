//! Keystroke-to-frame latency of the terminal app, driven headlessly on the
//! 50,000-part demo catalog: each character of realistic queries is one key
//! event; we time (a) from the key to the next drawn frame and (b) from the
//! key to the frame that shows that query's results.
//!
//! With `PROCURE_BENCH_SUPPLIERS=5` (and e.g. `PROCURE_BENCH_PARTS=200000`)
//! the same keystrokes run on the supplier on show, then (^T) on all five
//! suppliers' catalogs at once, with the memory the app holds after each.
//!
//! cargo bench --bench tui
//! PROCURE_BENCH_SUPPLIERS=5 PROCURE_BENCH_PARTS=200000 cargo bench --bench tui

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use procure::tui::engine::{Engine, Msg};
use procure_client::service::{self, Paths, Workspace};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::{Duration, Instant};

const QUERIES: &[&str] = &[
    "6205-2rsh/c3",
    "62052rs",
    "3rt2015-1bb41",
    "m8x25",
    "din 933 m8",
    "qs-8",
    "skf 6205",
    "contactor 24v",
    "olflex 3g1,5",
    "iso 4762 m6",
    "lc1d09",
    "bearing c3",
    "kq2h06",
    "6305 2z",
    "screw a2-70",
];

fn search(app: &procure::tui::app::App) -> &procure::tui::screens::search::Search {
    app.search().expect("the search screen")
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

/// Types every query of `QUERIES` a character at a time, three times (the
/// first round warms up and is not counted): key → next frame, and key →
/// the frame with that query's results.
fn type_queries(
    app: &mut procure::tui::app::App,
    engine: &Engine,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
    rt: &tokio::runtime::Runtime,
    term: &mut Terminal<TestBackend>,
) -> (Vec<Duration>, Vec<Duration>, Vec<Duration>) {
    let mut to_frame = Vec::new();
    let mut to_results = Vec::new();
    let mut worker = Vec::new();
    for round in 0..3 {
        for q in QUERIES {
            for c in q.chars() {
                let start = Instant::now();
                for fx in app.handle(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))) {
                    engine.run(fx);
                }
                procure::tui::draw(term, app).expect("draw");
                if round > 0 {
                    to_frame.push(start.elapsed());
                }
                let want = search(app).seq();
                while search(app).shown_seq() != want {
                    match rt.block_on(rx.recv()) {
                        Some(Msg::Searched { seq, .. }) if seq != want => {}
                        Some(m) => {
                            if let Msg::Searched { took, .. } = &m
                                && round > 0
                            {
                                worker.push(*took);
                            }
                            let _ = app.on_msg(m);
                        }
                        None => break,
                    }
                }
                procure::tui::draw(term, app).expect("draw");
                if round > 0 {
                    to_results.push(start.elapsed());
                }
            }
            // Esc clears the field for the next query.
            for fx in app.handle(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))) {
                engine.run(fx);
            }
        }
    }
    (to_frame, to_results, worker)
}

fn report(label: &str, to_frame: &mut [Duration], to_results: &mut [Duration], worker: &mut [Duration]) {
    println!("{label}: keystrokes measured: {}", to_frame.len());
    println!(
        "  key → frame:          p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        pct(to_frame, 0.5),
        pct(to_frame, 0.99),
        pct(to_frame, 1.0)
    );
    println!(
        "  key → results frame:  p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        pct(to_results, 0.5),
        pct(to_results, 0.99),
        pct(to_results, 1.0)
    );
    println!("  the worker's search and first rows: p50 {:.2} ms  p99 {:.2} ms", pct(worker, 0.5), pct(worker, 0.99));
}

/// This process's resident memory now, from /proc (MiB).
fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |k| k / 1024.0)
}

/// The demo's way in: the reference shop with n parts on loopback, the
/// demo buyer logged in and synced. The shop stops before the keys are
/// timed, so the app works offline from its cache, as on a train.
fn demo_home(rt: &tokio::runtime::Runtime, dir: &std::path::Path, n: usize) -> (Workspace, service::Supplier) {
    let started = Instant::now();
    let db = dir.join("shop.db");
    procure_shop::seed_demo(&db, n).expect("seed the shop");
    let shop = rt
        .block_on(procure_shop::spawn(db, ([127, 0, 0, 1], 0).into(), procure_shop::ShopOptions::default()))
        .expect("shop");
    let url = format!("http://{}", shop.addr);
    let mut ws = Workspace::open(Paths::under(dir.to_path_buf())).expect("workspace");
    let (sup, report) = rt.block_on(service::demo::prepare(&mut ws, &url, &mut |_| {})).expect("demo profile");
    rt.block_on(shop.shutdown());
    println!(
        "catalog: {} parts synced into the cache in {:.1} s",
        report.products_total,
        started.elapsed().as_secs_f64()
    );
    (ws, sup)
}

/// Several suppliers of n parts each: one profile each, each with a cache
/// and an index of its own (one shop behind them: the same work each). The
/// synced home is kept under target/tmp for the next run.
fn suppliers_home(rt: &tokio::runtime::Runtime, several: usize, n: usize) -> (Workspace, service::Supplier) {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("tui-suppliers-{several}x{n}"));
    let paths = Paths::under(dir.join("home"));
    if dir.join("ready").exists() {
        println!("reusing the {several} suppliers synced by an earlier run ({})", dir.display());
    } else {
        let started = Instant::now();
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the suppliers' dir");
        let db = dir.join("shop.db");
        procure_shop::seed_demo(&db, n).expect("seed the shop");
        let shop = rt
            .block_on(procure_shop::spawn(db, ([127, 0, 0, 1], 0).into(), procure_shop::ShopOptions::default()))
            .expect("shop");
        let url = format!("http://{}", shop.addr);
        let mut ws = Workspace::open(paths.clone()).expect("workspace");
        for name in &SUPPLIERS[..several] {
            let given = service::session::LoginFields {
                shop: Some(url.clone()),
                company: Some("ACME".into()),
                user: Some("buyer".into()),
                allow_insecure_http: false,
            };
            let (name, profile) = service::session::login_profile(&ws, Some(name), &given).expect("profile");
            let sup = rt.block_on(service::session::login(&mut ws, &name, profile, "demo")).expect("login");
            let report = rt.block_on(service::sync::sync_supplier(&sup, &mut |_| {})).expect("sync");
            println!("{name}: {} parts synced", report.products_total);
        }
        rt.block_on(shop.shutdown());
        std::fs::write(dir.join("ready"), "made\n").expect("the ready mark");
        println!("{several} suppliers synced in {:.1} s", started.elapsed().as_secs_f64());
    }
    let ws = Workspace::open(paths).expect("workspace");
    let sup = ws.supplier(Some(SUPPLIERS[0])).expect("the first supplier");
    (ws, sup)
}

/// The suppliers of a run with several (`PROCURE_BENCH_SUPPLIERS`).
const SUPPLIERS: [&str; 5] = ["acme", "bolt", "crane", "delta", "ember"];

fn main() {
    let n = std::env::var("PROCURE_BENCH_PARTS").ok().and_then(|s| s.parse().ok()).unwrap_or(50_000);
    let several: usize = std::env::var("PROCURE_BENCH_SUPPLIERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1)
        .clamp(1, SUPPLIERS.len());
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("rt");
    let dir = tempfile::tempdir().expect("tempdir");
    let (ws, sup) = if several == 1 { demo_home(&rt, dir.path(), n) } else { suppliers_home(&rt, several, n) };
    let mut app = procure::tui::build(&ws, &sup, Some("never")).expect("app");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = Engine::start(ws, sup, tx, rt.handle().clone());
    let mut term = Terminal::new(TestBackend::new(140, 40)).expect("terminal");
    let t0 = Instant::now();
    while app.indexed().is_none() {
        if let Some(m) = rt.block_on(rx.recv()) {
            let _ = app.on_msg(m);
        }
    }
    println!("index ready after {:.0} ms", t0.elapsed().as_secs_f64() * 1000.0);

    let (mut to_frame, mut to_results, mut worker) = type_queries(&mut app, &engine, &mut rx, &rt, &mut term);
    let one = rss_mib();
    let label =
        if several == 1 { "one supplier".to_string() } else { format!("the supplier on show (1 of {several})") };
    report(&label, &mut to_frame, &mut to_results, &mut worker);
    if several == 1 {
        return;
    }
    println!("  memory: {one:.0} MiB resident (one index open)");
    // ^T: every supplier's catalog, opened at the first search of all.
    for fx in app.handle(Event::Key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL))) {
        engine.run(fx);
    }
    assert!(search(&app).all_suppliers(), "^T searches all suppliers");
    let (mut to_frame, mut to_results, mut worker) = type_queries(&mut app, &engine, &mut rx, &rt, &mut term);
    report(&format!("all {several} suppliers ({} parts)", several * n), &mut to_frame, &mut to_results, &mut worker);
    println!("  memory: {:.0} MiB resident ({several} indexes open; one: {one:.0} MiB)", rss_mib());
}
