//! A million parts, end to end, whole processes: generates a catalog CSV,
//! imports it into a reference shop, serves it on loopback, logs in, syncs,
//! re-syncs (nothing changed, then 1 % changed), and times `procure search`,
//! `show`, `basket add` and the terminal app's start to its first results.
//! Where `fzf` is installed it times `fzf --filter` over the same parts
//! (one line per part: sku, type number, manufacturer, name) and prints the
//! ratio; where GNU time is installed (`/usr/bin/time`) it reports peak
//! memory; where tmux is installed it times the terminal app.
//!
//! Then five suppliers of as many parts each in one home: `procure search
//! Q --all-suppliers --limit 20` against `fzf --filter Q` over all their
//! lines, and its peak memory per million parts. Those five shops and the
//! home synced from them are generated once and kept under
//! target/tmp/scale-suppliers-5xPARTS/ for the next run.
//!
//! Setup: fzf and tmux, where missing: `apt-get install -y fzf tmux`
//! (without fzf the ratios are left out, without tmux the app's start).
//!
//! cargo bench -p procure --bench scale
//! PROCURE_SCALE_PARTS=50000 cargo bench -p procure --bench scale   # smaller
//! PROCURE_SCALE_ONLY=sync cargo bench -p procure --bench scale      # stop after the syncs
//! PROCURE_SCALE_ONLY=suppliers cargo bench -p procure --bench scale # only the five suppliers
//! PROCURE_SCALE_DIR=/tmp/scale cargo bench -p procure --bench scale # keep the files there

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_procure");
const SEED: u64 = 42; // the demo shop's catalog seed: its first parts are the seeded ones
const QUERIES: &[&str] = &[
    "62052rs",
    "6205-2RSH/C3",
    "skf 6205",
    "m8x25",
    "din 933 m8",
    "3rt2026",
    "LC1D09BD",
    "contactor 24v",
    "bearing c3",
    "iso 4762 m6",
];
const RUNS: usize = 3;

struct Run {
    secs: f64,
    peak_mib: Option<f64>,
    stdout: String,
}

fn has(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

struct Bench {
    dir: PathBuf,
    home: PathBuf,
    gnu_time: bool,
}

impl Bench {
    /// Runs `procure args` to the end: wall time, peak memory, stdout.
    fn procure(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mem = self.dir.join("mem.txt");
        let mut cmd = if self.gnu_time {
            let mut c = Command::new("/usr/bin/time");
            c.args(["-f", "%M", "-o"]).arg(&mem).arg(BIN);
            c
        } else {
            Command::new(BIN)
        };
        cmd.args(args).env("PROCURE_HOME", &self.home).env("NO_COLOR", "1");
        cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = cmd.spawn().expect("procure runs");
        if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
            let _ = input.write_all(text.as_bytes());
        }
        let out = child.wait_with_output().expect("procure finishes");
        let secs = started.elapsed().as_secs_f64();
        if !out.status.success() {
            panic!("procure {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let peak_mib = if self.gnu_time {
            std::fs::read_to_string(&mem)
                .ok()
                .and_then(|t| t.trim().lines().last()?.parse::<f64>().ok())
                .map(|k| k / 1024.0)
        } else {
            None
        };
        Run { secs, peak_mib, stdout: String::from_utf8_lossy(&out.stdout).into_owned() }
    }

    /// The median of `RUNS` runs (and the largest peak memory).
    fn median(&self, args: &[&str]) -> Run {
        let mut runs: Vec<Run> = (0..RUNS).map(|_| self.procure(args, None)).collect();
        let peak = runs.iter().fold(None, |m, r| max_of(m, r.peak_mib));
        runs.sort_by(|a, b| a.secs.total_cmp(&b.secs));
        let mid = runs.swap_remove(RUNS / 2);
        Run { peak_mib: peak, ..mid }
    }
}

fn max_of(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ms(s: f64) -> String {
    format!("{:.0} ms", s * 1000.0)
}

fn mib(m: Option<f64>) -> String {
    m.map_or_else(|| "?".into(), |m| format!("{m:.0} MiB"))
}

/// A CSV field, quoted.
fn field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The generated catalog as the shop imports it; `changed` marks every
/// 100th part with other stock (the 1 % re-sync).
fn write_catalog(path: &Path, items: &[procure_generate::GeneratedProduct], step: usize, changed: bool) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).expect("catalog file"));
    let _ = writeln!(
        w,
        "sku,name,mpn,manufacturer,gtin,description,category,unit,pack_size,min_qty,order_step,lead_time_days,stock,list_price,vat_rate,discontinued,replaced_by"
    );
    for g in items.iter().step_by(step) {
        let p = &g.product;
        let stock = if changed { p.stock + 7 } else { p.stock };
        let _ = writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            field(&p.sku),
            field(&p.name),
            field(&p.mpn),
            field(&p.manufacturer),
            field(&p.gtin),
            field(&p.description),
            field(&p.category),
            field(&p.unit),
            p.pack_size,
            p.min_qty,
            p.order_step,
            p.lead_time_days,
            stock,
            g.list_tiers.first().map(|t| t.unit_price.to_string()).unwrap_or_else(|| "1".into()),
            g.vat_rate,
            if p.discontinued { "yes" } else { "no" },
            field(p.replaced_by.as_deref().unwrap_or("")),
        );
    }
}

/// Serves the shop on a port it picks itself (`--addr 127.0.0.1:0`: no port
/// is chosen here and bound later, which another process could take in
/// between) and returns it with the address it says it listens on.
fn serve(db: &Path, seed: bool) -> (Child, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(["shop", "serve", "--db"]).arg(db).args(["--addr", "127.0.0.1:0"]);
    if seed {
        cmd.args(["--seed", "demo", "--seed-products", "1000"]);
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("the shop starts");
    let mut out = BufReader::new(child.stdout.take().expect("the shop's stdout"));
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut line = String::new();
    let url = loop {
        line.clear();
        assert!(out.read_line(&mut line).expect("the shop's stdout") > 0, "the shop exited before listening");
        if let Some(url) = line.trim().strip_prefix("procure shop listening on ") {
            break url.to_string();
        }
        assert!(Instant::now() < deadline, "the shop did not start");
    };
    // Keep reading, so the shop never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (child, url)
}

/// Peak resident memory of a running process, from /proc.
fn peak_of(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<f64>().ok().map(|k| k / 1024.0)
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

/// The terminal app in tmux, started in a terminal already open: the query
/// is typed as soon as the first frame is there; the time from start to the
/// frame with its first result.
/// The app's own time from its start to the first frame with search
/// results, from the newest line of its log that tells it: the tmux
/// measure above also counts tmux and its polling, which on 2 cores takes
/// time from the app.
fn app_timing(home: &Path) -> Option<f64> {
    let log = std::fs::read_to_string(home.join("logs").join("procure.log")).ok()?;
    let line = log.lines().rev().find(|l| l.contains("first search results drawn"))?;
    let ms = line.split("ms=").nth(1)?.split_whitespace().next()?;
    ms.parse::<f64>().ok().map(|m| m / 1e3)
}

fn tui_start(b: &Bench, query: &str, expect: &str) -> Option<(f64, f64, Option<f64>)> {
    let session = format!("procure-scale-{}", std::process::id());
    let cmd = format!(
        "env PROCURE_HOME={} PROCURE_LOG=info,procure::timing=debug TERM=xterm-256color NO_COLOR=1 {BIN}",
        b.home.display()
    );
    let screen = || {
        Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &session])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    // A terminal that is already open (its server running, a shell in it),
    // as a buyer's is: the clock starts when procure is started in it.
    let ok = Command::new("tmux")
        .args(["new-session", "-d", "-s", &session, "-x", "140", "-y", "40", "sleep 60"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return None;
    }
    let started = Instant::now();
    let ok =
        Command::new("tmux").args(["respawn-pane", "-k", "-t", &session, &cmd]).status().is_ok_and(|s| s.success());
    if !ok {
        return None;
    }
    let deadline = started + Duration::from_secs(60);
    let wait = |what: &str| loop {
        if screen().contains(what) {
            return Some(started.elapsed().as_secs_f64());
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let frame = wait("Type number, SKU");
    let _ = Command::new("tmux").args(["send-keys", "-t", &session, "-l", query]).status();
    let results = wait(expect);
    let _ = Command::new("tmux").args(["kill-session", "-t", &session]).stderr(Stdio::null()).status();
    Some((frame?, results?, app_timing(&b.home)))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let parts: usize = std::env::var("PROCURE_SCALE_PARTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let keep = std::env::var_os("PROCURE_SCALE_DIR").map(PathBuf::from);
    let tmp = tempfile::tempdir().expect("a temp dir");
    let dir = keep.unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).expect("the work dir");
    let b = Bench { home: dir.join("home"), dir: dir.clone(), gnu_time: Path::new("/usr/bin/time").exists() };
    let _ = std::fs::remove_dir_all(&b.home);
    let fzf = has("fzf");
    let tmux = has("tmux");
    println!("procure at scale: {parts} parts, whole processes, release build");
    println!("machine: {} cores, {}; load {}", cores(), cpu(), load());
    if !fzf {
        println!("fzf is not installed (apt-get install -y fzf): no ratios to fzf");
    }
    if std::env::var("PROCURE_SCALE_ONLY").is_ok_and(|v| v == "suppliers") {
        five_suppliers(parts, fzf, b.gnu_time);
        return;
    }

    let started = Instant::now();
    let items = procure_generate::products(parts, SEED);
    let catalog = dir.join("catalog.csv");
    write_catalog(&catalog, &items, 1, false);
    write_catalog(&dir.join("changed.csv"), &items, 100, true);
    let lines = dir.join("lines.txt");
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&lines).expect("lines file"));
        for g in &items {
            let p = &g.product;
            let _ = writeln!(w, "{} {} {} {}", p.sku, p.mpn, p.manufacturer, p.name);
        }
    }
    let sku = items[parts / 3].product.sku.clone();
    drop(items);
    println!("generated the catalog CSV in {:.1} s", started.elapsed().as_secs_f64());

    // A shop with the demo's companies and users, then the catalog imported.
    let db = dir.join("shop.db");
    let _ = std::fs::remove_file(&db);
    let (mut seeded, _) = serve(&db, true);
    let _ = seeded.kill();
    let _ = seeded.wait();
    let import = b.procure(&["shop", "import", "--db", &db.to_string_lossy(), &catalog.to_string_lossy()], None);
    println!("imported in {:.1} s", import.secs);
    let (mut shop, url) = serve(&db, false);
    b.procure(&["login", "--shop", &url, "--company", "ACME", "--user", "buyer", "--password-stdin"], Some("demo\n"));

    let sync = b.procure(&["sync", "--json"], None);
    println!("synced in {:.1} s", sync.secs);
    let full = json(&sync.stdout);
    let again = b.procure(&["sync", "--json"], None);
    let again_json = json(&again.stdout);
    b.procure(&["shop", "import", "--db", &db.to_string_lossy(), &dir.join("changed.csv").to_string_lossy()], None);
    let delta = b.procure(&["sync", "--json"], None);
    let delta_json = json(&delta.stdout);
    let shop_peak = peak_of(shop.id());
    if std::env::var("PROCURE_SCALE_ONLY").is_ok_and(|v| v == "sync") {
        let _ = shop.kill();
        let _ = shop.wait();
        println!("\n{:<52} measured", "what");
        sync_rows(&import, &sync, &full, &again, &again_json, &delta, &delta_json);
        println!("{:<52} {}", "shop peak memory (import excluded)", mib(shop_peak));
        return;
    }

    println!("\nquery                      procure   fzf --filter   ratio   found");
    let mut ratios = Vec::new();
    let mut search_peak: Option<f64> = None;
    let mut first_hit = String::new();
    for q in QUERIES {
        let r = b.median(&["search", q, "--limit", "20", "--json"]);
        search_peak = max_of(search_peak, r.peak_mib);
        let found = json(&r.stdout);
        if q == &QUERIES[0] {
            first_hit = found["results"][0]["sku"].as_str().unwrap_or("").to_string();
        }
        let f = if fzf {
            let times: Vec<f64> = (0..RUNS)
                .map(|_| {
                    let input = std::fs::File::open(&lines).expect("lines");
                    let t = Instant::now();
                    let _ = Command::new("fzf").args(["--filter", q]).stdin(input).stdout(Stdio::null()).status();
                    t.elapsed().as_secs_f64()
                })
                .collect();
            Some(median(times))
        } else {
            None
        };
        let ratio = f.map(|f| r.secs / f);
        if let Some(x) = ratio {
            ratios.push(x);
        }
        println!(
            "{:<24} {:>9} {:>14} {:>7} {:>7}",
            q,
            ms(r.secs),
            f.map_or_else(|| "-".into(), ms),
            ratio.map_or_else(|| "-".into(), |x| format!("{x:.2}×")),
            found["total"]
        );
    }

    let show = b.median(&["show", &sku]);
    b.procure(&["basket", "new", "bench"], None);
    let add = b.median(&["basket", "add", "bench", &sku, "1"]);
    let tui = if tmux {
        let runs: Vec<(f64, f64, Option<f64>)> =
            (0..RUNS).filter_map(|_| tui_start(&b, QUERIES[0], &first_hit)).collect();
        let own: Vec<f64> = runs.iter().filter_map(|r| r.2).collect();
        (!runs.is_empty()).then(|| {
            (
                median(runs.iter().map(|r| r.0).collect()),
                median(runs.iter().map(|r| r.1).collect()),
                (!own.is_empty()).then(|| median(own)),
            )
        })
    } else {
        None
    };
    let _ = shop.kill();
    let _ = shop.wait();

    println!("\n{:<52} measured", "what");
    let row = |what: &str, value: String| println!("{what:<52} {value}");
    sync_rows(&import, &sync, &full, &again, &again_json, &delta, &delta_json);
    if ratios.is_empty() {
        row("procure search --limit 20 vs fzf --filter", "fzf not installed".into());
    } else {
        row("procure search --limit 20 / fzf --filter, median", format!("{:.2}×", median(ratios)));
    }
    row("procure search, peak memory", mib(search_peak));
    row(&format!("procure show {sku}"), format!("{}, peak {}", ms(show.secs), mib(show.peak_mib)));
    row(&format!("procure basket add bench {sku} 1"), format!("{}, peak {}", ms(add.secs), mib(add.peak_mib)));
    match tui {
        Some((frame, results, own)) => {
            row(
                &format!("terminal app: start → first frame / → results of {:?}", QUERIES[0]),
                format!("{} / {}", ms(frame), ms(results)),
            );
            row("  the app's own: start → first results drawn", own.map_or_else(|| "not in the log".into(), ms));
        }
        None => row("terminal app start", "tmux not installed (or no frame)".into()),
    }
    row("shop peak memory (import excluded)", mib(shop_peak));

    five_suppliers(parts, fzf, b.gnu_time);
}

/// The suppliers of `five_suppliers`, by profile name.
const SUPPLIERS: [&str; 5] = ["acme", "bolt", "crane", "delta", "ember"];

/// Five suppliers of `parts` parts each, each its own generated catalog
/// (another seed: other parts of the same kinds), its own shop and its
/// profile in one home: `procure search Q --all-suppliers --limit 20`
/// beside `fzf --filter Q` over all their lines (one per part), and the
/// search's peak memory per million parts. The shops and the synced home
/// are kept under target/tmp between runs (made again when missing).
fn five_suppliers(parts: usize, fzf: bool, gnu_time: bool) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("scale-suppliers-{}x{parts}", SUPPLIERS.len()));
    let ready = dir.join("ready");
    let b = Bench { home: dir.join("home"), dir: dir.clone(), gnu_time };
    let lines = dir.join("lines.txt");
    println!("\nfive suppliers of {parts} parts each, one home ({})", dir.display());
    if ready.exists() {
        println!("reusing the shops and the synced home made by an earlier run");
    } else {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the suppliers' dir");
        let mut all_lines = std::io::BufWriter::new(std::fs::File::create(&lines).expect("lines file"));
        for (i, name) in SUPPLIERS.iter().enumerate() {
            let started = Instant::now();
            let items = procure_generate::products(parts, SEED + 1 + i as u64);
            let csv = dir.join(format!("{name}.csv"));
            write_catalog(&csv, &items, 1, false);
            for g in &items {
                let p = &g.product;
                let _ = writeln!(all_lines, "{} {} {} {}", p.sku, p.mpn, p.manufacturer, p.name);
            }
            drop(items);
            let db = dir.join(format!("{name}.db"));
            let (mut seeded, _) = serve(&db, true);
            let _ = seeded.kill();
            let _ = seeded.wait();
            b.procure(&["shop", "import", "--db", &db.to_string_lossy(), &csv.to_string_lossy()], None);
            let _ = std::fs::remove_file(&csv);
            let (mut shop, url) = serve(&db, false);
            b.procure(
                &[
                    "--profile",
                    name,
                    "login",
                    "--shop",
                    &url,
                    "--company",
                    "ACME",
                    "--user",
                    "buyer",
                    "--password-stdin",
                ],
                Some("demo\n"),
            );
            b.procure(&["--profile", name, "sync"], None);
            let _ = shop.kill();
            let _ = shop.wait();
            println!("{name}: generated, imported and synced in {:.0} s", started.elapsed().as_secs_f64());
        }
        drop(all_lines);
        std::fs::write(&ready, "made\n").expect("the ready mark");
    }
    let total_parts = parts * SUPPLIERS.len();

    println!("\nquery                    search -A   fzf --filter   ratio   found");
    let mut ratios = Vec::new();
    let mut peak: Option<f64> = None;
    for q in QUERIES {
        let r = b.median(&["search", q, "--all-suppliers", "--limit", "20", "--json"]);
        peak = max_of(peak, r.peak_mib);
        let found = json(&r.stdout);
        let f = fzf.then(|| {
            median(
                (0..RUNS)
                    .map(|_| {
                        let input = std::fs::File::open(&lines).expect("lines");
                        let t = Instant::now();
                        let _ = Command::new("fzf").args(["--filter", q]).stdin(input).stdout(Stdio::null()).status();
                        t.elapsed().as_secs_f64()
                    })
                    .collect(),
            )
        });
        let ratio = f.map(|f| r.secs / f);
        ratios.extend(ratio);
        let suppliers: std::collections::BTreeSet<&str> =
            found["results"].as_array().into_iter().flatten().filter_map(|r| r["supplier"].as_str()).collect();
        println!(
            "{:<24} {:>9} {:>14} {:>7} {:>7} (rows from {})",
            q,
            ms(r.secs),
            f.map_or_else(|| "-".into(), ms),
            ratio.map_or_else(|| "-".into(), |x| format!("{x:.2}×")),
            found["total"],
            suppliers.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
    println!("\n{:<52} measured", "what");
    let row = |what: &str, value: String| println!("{what:<52} {value}");
    if ratios.is_empty() {
        row("search --all-suppliers --limit 20 vs fzf --filter", "fzf not installed".into());
    } else {
        row(
            &format!("search --all-suppliers / fzf --filter, {} parts", total_parts),
            format!("{:.2}× (median of the queries)", median(ratios)),
        );
    }
    let per_million = peak.map(|p| p / (total_parts as f64 / 1e6));
    row("search --all-suppliers, peak memory", format!("{}, {} per million parts", mib(peak), mib(per_million)));
}

/// The rows of the import and the three syncs.
fn sync_rows(
    import: &Run,
    sync: &Run,
    full: &serde_json::Value,
    again: &Run,
    again_json: &serde_json::Value,
    delta: &Run,
    delta_json: &serde_json::Value,
) {
    let row = |what: &str, value: String| println!("{what:<52} {value}");
    row("shop import of the catalog", format!("{:.1} s, peak {}", import.secs, mib(import.peak_mib)));
    row(
        "first full sync (whole process)",
        format!(
            "{:.1} s, {} parts, {} requests, peak {}",
            sync.secs,
            full["products_total"],
            full["requests"],
            mib(sync.peak_mib)
        ),
    );
    row("re-sync, nothing changed", format!("{}, {} request(s)", ms(again.secs), again_json["requests"]));
    row(
        "re-sync after 1 % changed",
        format!(
            "{}, {} parts changed, {} requests, peak {}",
            ms(delta.secs),
            delta_json["products_changed"],
            delta_json["requests"],
            mib(delta.peak_mib)
        ),
    );
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn cpu() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
