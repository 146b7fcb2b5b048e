//! Comparing five suppliers of a million parts each, whole processes:
//! `procure compare Q --qty N` over a set of queries (type numbers, a SKU,
//! a GTIN, the start of a type number; words are timed apart, as they take
//! the search of every index), beside the same run's `fzf --filter Q` over
//! all 5,000,000 parts' lines and one supplier's `procure search Q`.
//!
//! The five catalogs overlap as suppliers' catalogs do: each has four
//! fifths of one generated catalog (its own SKUs, prices a few percent
//! apart, other stock) and a fifth of its own parts; two price in dollars
//! and pounds. They are generated, imported into five reference shops and
//! synced into one home once, and the home is kept under
//! target/tmp/compare-5xPARTS/ for the next run (about 4 GB at a million
//! parts each; the shops' databases are removed once synced).
//!
//! cargo bench -p procure --bench compare
//! PROCURE_COMPARE_PARTS=50000 cargo bench -p procure --bench compare   # smaller

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_procure");
const SEED: u64 = 42;
const SUPPLIERS: [&str; 5] = ["acme", "bolt", "crane", "delta", "ember"];
/// Each supplier's price list currency (set by one price row).
const CURRENCIES: [&str; 5] = ["EUR", "USD", "GBP", "EUR", "EUR"];
const RUNS: usize = 5;

struct Bench {
    home: PathBuf,
}

struct Timed {
    secs: f64,
    stdout: String,
}

impl Bench {
    fn procure(&self, args: &[&str], stdin: Option<&str>) -> Timed {
        let mut cmd = Command::new(BIN);
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
        // compare and search exit 1 when nothing matches; split 5 with a
        // line it cannot place; the setup must succeed.
        let fine: &[i32] = if args.contains(&"compare") || args.contains(&"search") || args.contains(&"split") {
            &[0, 1, 5]
        } else {
            &[0]
        };
        if !out.status.code().is_some_and(|c| fine.contains(&c)) {
            panic!(
                "procure {args:?} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Timed { secs, stdout: String::from_utf8_lossy(&out.stdout).into_owned() }
    }

    /// The median of `RUNS` runs.
    fn median(&self, args: &[&str]) -> Timed {
        let mut runs: Vec<Timed> = (0..RUNS).map(|_| self.procure(args, None)).collect();
        runs.sort_by(|a, b| a.secs.total_cmp(&b.secs));
        runs.swap_remove(RUNS / 2)
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn ms(s: f64) -> String {
    format!("{:.0} ms", s * 1000.0)
}

fn field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Supplier `k`'s catalog: the shared parts but every fifth (its own SKUs,
/// its own prices and stock), and as many of its own in their place; and
/// one line per part for fzf (sku, type number, maker, name).
fn catalog(
    k: usize,
    shared: &[procure_generate::GeneratedProduct],
    own: &[procure_generate::GeneratedProduct],
) -> (String, String) {
    let letter = (b'A' + k as u8) as char;
    let mut out = String::with_capacity(shared.len() * 200);
    let mut lines = String::with_capacity(shared.len() * 80);
    out.push_str(
        "sku,name,mpn,manufacturer,gtin,category,unit,pack_size,min_qty,order_step,lead_time_days,stock,list_price,vat_rate\n",
    );
    for (i, g) in shared.iter().enumerate() {
        let g = if i % 5 == k { &own[i] } else { g };
        let p = &g.product;
        let list = g.list_tiers.first().map(|t| t.unit_price).unwrap_or(rust_decimal::Decimal::ONE);
        // A few percent apart, exactly: 97 %, 100 %, 103 %, …
        let price =
            (list * rust_decimal::Decimal::new(97 + 3 * k as i64, 2)).round_dp(4).max(rust_decimal::Decimal::new(1, 4));
        let stock = if (i + k).is_multiple_of(7) { 0 } else { p.stock + 10 * k as u32 };
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            field(&format!("{letter}{}", p.sku)),
            field(&p.name),
            field(&p.mpn),
            field(&p.manufacturer),
            field(&p.gtin),
            field(&p.category),
            field(&p.unit),
            p.pack_size,
            p.min_qty,
            p.order_step,
            p.lead_time_days + k as u32,
            stock,
            price,
            g.vat_rate,
        ));
        lines.push_str(&format!("{letter}{} {} {} {}\n", p.sku, p.mpn, p.manufacturer, p.name));
    }
    (out, lines)
}

/// The type numbers and GTINs given so far. The generated catalog repeats a
/// type number under many SKUs (up to a few hundred in a million parts, where
/// a real catalog has a part once or in a few packagings) and some GTINs: a
/// comparison prices every SKU of a part at every supplier, so those would be
/// thousands of offers of one part. Each repeat gets a type number of its
/// own (a suffix) and no GTIN, in every catalog alike, so the suppliers still
/// share their parts.
#[derive(Default)]
struct Distinct {
    mpns: std::collections::HashMap<(String, String), usize>,
    gtins: std::collections::HashSet<String>,
}

impl Distinct {
    fn make_distinct(&mut self, items: &mut [procure_generate::GeneratedProduct]) {
        for g in items {
            let p = &mut g.product;
            let key = (p.manufacturer.clone(), p.mpn.clone());
            let n = self.mpns.entry(key).or_insert(0);
            *n += 1;
            if *n > 1 {
                p.mpn = format!("{}-V{n}", p.mpn);
            }
            if !p.gtin.is_empty() && !self.gtins.insert(p.gtin.clone()) {
                p.gtin.clear();
            }
        }
    }
}

fn serve(db: &Path, seed: bool) -> (Child, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(["shop", "serve", "--db"]).arg(db).args(["--addr", "127.0.0.1:0"]);
    if seed {
        cmd.args(["--seed", "demo", "--seed-products", "0"]);
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
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    (child, url)
}

fn has(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let parts: usize = std::env::var("PROCURE_COMPARE_PARTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("compare-{}x{parts}", SUPPLIERS.len()));
    let b = Bench { home: dir.join("home") };
    let lines = dir.join("lines.txt");
    let queries_file = dir.join("queries.txt");
    println!("procure compare: {} suppliers of {parts} parts each, whole processes, release build", SUPPLIERS.len());
    println!("machine: {} cores; load {}", cores(), load());
    if !dir.join("ready").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("the bench dir");
        let started = Instant::now();
        let mut seen = Distinct::default();
        let mut shared = procure_generate::products(parts, SEED);
        seen.make_distinct(&mut shared);
        // The queries: type numbers of shared parts, a SKU, a GTIN, the start of a type number.
        let pick = |f: f64| &shared[((parts as f64 * f) as usize).min(parts - 1)].product;
        let mut queries: Vec<String> =
            [0.013, 0.171, 0.333, 0.502, 0.666, 0.871].iter().map(|&f| pick(f).mpn.clone()).collect();
        // A SKU of bolt's: each supplier leaves out every fifth shared part from its own offset, bolt from the second.
        queries.push(format!("B{}", pick(0.25).sku));
        queries.push(
            shared.iter().map(|g| &g.product).find(|p| !p.gtin.is_empty()).map(|p| p.gtin.clone()).unwrap_or_default(),
        );
        // The start of a type number: all but its last two characters.
        let mpn: Vec<char> = pick(0.4).mpn.chars().collect();
        queries.push(mpn[..mpn.len().saturating_sub(2).max(1)].iter().collect());
        std::fs::write(&queries_file, queries.join("\n")).expect("queries");
        let mut all = std::io::BufWriter::new(std::fs::File::create(&lines).expect("lines file"));
        for (k, name) in SUPPLIERS.iter().enumerate() {
            let t = Instant::now();
            let mut own = procure_generate::products(parts, SEED + 100 + k as u64);
            seen.make_distinct(&mut own);
            let (text, fzf_lines) = catalog(k, &shared, &own);
            drop(own);
            let _ = all.write_all(fzf_lines.as_bytes());
            let csv = dir.join(format!("{name}.csv"));
            std::fs::write(&csv, &text).expect("catalog");
            drop(text);
            let prices = dir.join(format!("{name}-prices.csv"));
            let first = format!("{}{}", (b'A' + k as u8) as char, shared[if k == 0 { 1 } else { 0 }].product.sku);
            std::fs::write(
                &prices,
                format!("company,sku,min_qty,unit_price,currency\nACME,{first},1,1.00,{}\n", CURRENCIES[k]),
            )
            .expect("prices");
            let db = dir.join(format!("{name}.db"));
            let (mut seeded, _) = serve(&db, true);
            let _ = seeded.kill();
            let _ = seeded.wait();
            b.procure(
                &[
                    "shop",
                    "import",
                    "--db",
                    &db.to_string_lossy(),
                    &csv.to_string_lossy(),
                    "--prices",
                    &prices.to_string_lossy(),
                ],
                None,
            );
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
            // Comparing is offline: the shop's database is not needed again.
            for ext in ["db", "db-wal", "db-shm"] {
                let _ = std::fs::remove_file(dir.join(format!("{name}.{ext}")));
            }
            println!("{name}: generated, imported and synced in {:.0} s", t.elapsed().as_secs_f64());
        }
        drop(all);
        let config = b.home.join("config.toml");
        let text = std::fs::read_to_string(&config).unwrap_or_default();
        std::fs::write(
            &config,
            format!("{text}\n[compare]\ncurrency = \"EUR\"\nrates = {{ USD = \"0.86\", GBP = \"1.17\" }}\n"),
        )
        .expect("config");
        std::fs::write(dir.join("ready"), "made\n").expect("the ready mark");
        println!("set up in {:.0} s ({})", started.elapsed().as_secs_f64(), dir.display());
    } else {
        println!("reusing the shops and the synced home of an earlier run ({})", dir.display());
    }
    let queries: Vec<String> =
        std::fs::read_to_string(&queries_file).expect("queries").lines().map(str::to_string).collect();
    let fzf = has("fzf");
    let fzf_time = |q: &str| {
        fzf.then(|| {
            median(
                (0..3)
                    .map(|_| {
                        let input = std::fs::File::open(&lines).expect("lines");
                        let t = Instant::now();
                        let _ = Command::new("fzf").args(["--filter", q]).stdin(input).stdout(Stdio::null()).status();
                        t.elapsed().as_secs_f64()
                    })
                    .collect(),
            )
        })
    };
    // Warm the page cache: the first run reads the files from disk.
    for q in &queries {
        b.procure(&["compare", q, "--qty", "50", "--json"], None);
    }
    println!("\nquery                        compare   search (acme)  fzf --filter   parts  offers");
    let (mut times, mut fzf_ratios, mut search_ratios) = (Vec::new(), Vec::new(), Vec::new());
    for q in &queries {
        let c = b.median(&["compare", q, "--qty", "50", "--json"]);
        let s = b.median(&["--profile", "acme", "search", q, "--limit", "20", "--json"]);
        let f = fzf_time(q);
        let found: serde_json::Value = serde_json::from_str(&c.stdout).unwrap_or_default();
        let offers: usize =
            found["parts"].as_array().into_iter().flatten().map(|p| p["offers"].as_array().map_or(0, Vec::len)).sum();
        times.push(c.secs);
        search_ratios.push(c.secs / s.secs);
        if let Some(f) = f {
            fzf_ratios.push(c.secs / f);
        }
        println!(
            "{:<26} {:>9} {:>14} {:>13} {:>7} {:>7}",
            q,
            ms(c.secs),
            ms(s.secs),
            f.map_or_else(|| "-".into(), ms),
            found["parts"].as_array().map_or(0, Vec::len),
            offers
        );
    }
    println!("\nwords (every supplier's index searched):");
    let mut word_times = Vec::new();
    for q in ["bearing c3", "contactor 24v"] {
        let c = b.median(&["compare", q, "--qty", "50", "--json"]);
        let f = fzf_time(q);
        word_times.push(c.secs);
        println!("{:<26} {:>9} {:>14} {:>13}", q, ms(c.secs), "", f.map_or_else(|| "-".into(), ms));
    }
    // A 200-line list split over the five.
    let list = dir.join("list.csv");
    let mut text = String::from("part,qty\n");
    for (i, q) in queries.iter().take(6).cycle().take(200).enumerate() {
        text.push_str(&format!("{q},{}\n", 10 + i % 40));
    }
    std::fs::write(&list, text).expect("list");
    let split = b.median(&["basket", "split", &list.to_string_lossy(), "--replace", "--json"]);

    println!("\n{:<56} measured", "what");
    let row = |what: &str, value: String| println!("{what:<56} {value}");
    row(&format!("procure compare Q --qty 50, median of {} queries", queries.len()), ms(median(times.clone())));
    row("  slowest of them", ms(times.iter().copied().fold(0.0, f64::max)));
    row("  / one supplier's procure search Q, median", format!("{:.2}×", median(search_ratios)));
    if fzf_ratios.is_empty() {
        row("  / fzf --filter Q", "fzf not installed".into());
    } else {
        row(
            &format!("  / fzf --filter Q over {} lines, median", parts * SUPPLIERS.len()),
            format!("{:.3}×", median(fzf_ratios)),
        );
    }
    row("procure compare WORDS (every index searched), median", ms(median(word_times)));
    row("procure basket split of a 200-line list", ms(split.secs));
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
