//! Type-number search latency, keystroke by keystroke.
//!
//! Builds the index over generated catalogs of 50,000 and 1,000,000 parts,
//! then types each query of a realistic set one character at a time; every
//! prefix is one measured search (limit 50, as a result list shows), right
//! after the prefix before it as in the terminal app (where a keystroke
//! that extends the query refines the one before). "cold" times the same
//! keystrokes each after an unrelated query, as a script's single search.
//! Run with `cargo bench --bench search`; `-- --quick` runs the 50k catalog
//! only; `-- --profile QUERY…` times each prefix of the given queries on
//! the 1M catalog, each right after the prefix before it, repeatedly (for
//! a profiler).

use procure_generate as generate;
use procure_search::{SearchDoc, SearchIndex};
use std::time::{Duration, Instant};

const LIMIT: usize = 50;
const PASSES: usize = 3;
/// A query no keystroke extends.
const UNRELATED: &str = "zzqqzz";

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--profile") {
        profile(&args[at + 1..]);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    println!("procure type-number search, limit {LIMIT}, every prefix of every query typed, {PASSES} passes");
    println!("load average before: {}\n", load());
    let mut rows = Vec::new();
    rows.push(run(50_000, 42));
    if !quick {
        rows.push(run(1_000_000, 7));
    }
    println!("\nload average after: {}", load());
    println!(
        "{:>10} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>8}  {:>8} {:>8}  slowest query",
        "parts", "generate", "build", "searches", "p50", "p90", "p99", "max", "cold p50", "cold p99"
    );
    for r in &rows {
        println!(
            "{:>10} {:>8.2}s {:>8.0}ms {:>9} {:>6.2}ms {:>6.2}ms {:>6.2}ms {:>6.2}ms  {:>6.2}ms {:>6.2}ms  {:?}",
            r.parts,
            r.generate.as_secs_f64(),
            ms(r.build),
            r.samples,
            ms(r.p50),
            ms(r.p90),
            ms(r.p99),
            ms(r.max),
            ms(r.cold_p50),
            ms(r.cold_p99),
            r.slowest
        );
    }
}

struct Row {
    parts: usize,
    generate: Duration,
    build: Duration,
    samples: usize,
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
    slowest: String,
    cold_p50: Duration,
    cold_p99: Duration,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn run(parts: usize, seed: u64) -> Row {
    let started = Instant::now();
    let items = generate::products(parts, seed);
    let generate = started.elapsed();

    // Parts to look up by sku and gtin, and an order history for boosts.
    let sku = items[parts / 3].product.sku.clone();
    let gtin = items[parts / 5].product.gtin.clone();
    let boosts: Vec<(String, u32)> = items
        .iter()
        .step_by(parts / 300)
        .enumerate()
        .map(|(i, g)| (g.product.sku.clone(), 1 + (i % 20) as u32))
        .collect();
    let docs: Vec<SearchDoc> = items
        .into_iter()
        .map(|g| SearchDoc {
            sku: g.product.sku,
            mpn: g.product.mpn,
            gtin: g.product.gtin,
            manufacturer: g.product.manufacturer,
            name: g.product.name,
        })
        .collect();

    let started = Instant::now();
    let mut index = SearchIndex::new(docs);
    index.set_boosts(boosts);
    let build = started.elapsed();
    println!("{parts:>9} parts: generated in {:.2} s, index built in {:.0} ms", generate.as_secs_f64(), ms(build));

    // The sku with two neighbouring digits swapped.
    let mut sku_typo: Vec<char> = sku.chars().collect();
    if let Some(at) = (2..sku_typo.len() - 1).rev().find(|&i| sku_typo[i] != sku_typo[i + 1]) {
        sku_typo.swap(at, at + 1);
    }
    let sku_typo: String = sku_typo.into_iter().collect();
    let queries: Vec<String> = [
        "6205-2RSH/C3",
        "62052rs",
        "6205 2rs",
        "skf 6205",
        "fag 6308-2z",
        "22210 e",
        "3RT2015-1BB41",
        "3rt2026",
        "LC1D09BD",
        "DILM12-10(24VDC)",
        "contactor 24v",
        "m8x25",
        "din 933 m8",
        "DIN 933 M8x25 A2-70",
        "iso 4762 m6x20 12.9",
        "din 125 a 8,4",
        "qs-8",
        "QSL-1/4-8",
        "kq2h06-01as",
        "ölflex classic 110 3g1,5",
        "inductive sensor m12 pnp",
        "nh00 gg 63",
        "o-ring 25x2 nbr",
        "40.52.9.024",
        &sku,
        &gtin,
        // Typos and left-out characters.
        "62052rhs",
        "contacter 24v",
        "3RT2051-1BB41",
        &sku_typo,
        "deep grove bearing 6205",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();

    // Every prefix of every query, as typed.
    let typed: Vec<String> = queries
        .iter()
        .flat_map(|q| {
            let chars: Vec<char> = q.chars().collect();
            (1..=chars.len()).map(|k| chars[..k].iter().collect::<String>()).collect::<Vec<_>>()
        })
        .collect();

    // Warm up once, then measure.
    for q in &typed {
        std::hint::black_box(index.search(q, LIMIT));
    }
    let mut times: Vec<(Duration, &str)> = Vec::with_capacity(typed.len() * PASSES);
    for _ in 0..PASSES {
        for q in &typed {
            let t = Instant::now();
            let r = index.search(q, LIMIT);
            times.push((t.elapsed(), q));
            std::hint::black_box(r);
        }
    }

    // The same keystrokes, each as if it came first: after an unrelated
    // query, so none refines the one before it (what a script's single
    // search costs).
    let mut cold: Vec<Duration> = Vec::with_capacity(typed.len());
    for q in &typed {
        std::hint::black_box(index.search(UNRELATED, LIMIT));
        let t = Instant::now();
        let r = index.search(q, LIMIT);
        cold.push(t.elapsed());
        std::hint::black_box(r);
    }
    cold.sort();
    let cold_pick = |p: f64| cold[((cold.len() - 1) as f64 * p).round() as usize];

    // Per-query summary for the full queries.
    for q in &queries {
        let t = Instant::now();
        let r = index.search(q, LIMIT);
        let took = t.elapsed();
        let first = r
            .hits
            .first()
            .map(|h| {
                let d = index.doc(h.id);
                format!("{:?} {} {}", h.kind, d.sku, d.mpn)
            })
            .unwrap_or_default();
        println!("  {:<28} {:>7.2} ms  {:>8} found  first: {first}", q, ms(took), r.total);
    }
    let t = Instant::now();
    let suggestions = index.suggest(&sku_typo, 3);
    println!("  suggest({sku_typo}) → {suggestions:?} in {:.1} ms (wanted {sku})", ms(t.elapsed()));

    times.sort();
    let slow: Vec<String> = times.iter().rev().take(16).map(|(d, q)| format!("{q:?} {:.1}", ms(*d))).collect();
    println!("  slowest keystrokes (ms): {}", slow.join(", "));
    let pick = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize].0;
    let (max, slowest) = times[times.len() - 1];
    Row {
        parts,
        generate,
        build,
        samples: times.len(),
        p50: pick(0.5),
        p90: pick(0.9),
        p99: pick(0.99),
        max,
        slowest: slowest.to_string(),
        cold_p50: cold_pick(0.5),
        cold_p99: cold_pick(0.99),
    }
}

/// Each prefix of `queries`, 20 times, on the 1M catalog.
fn profile(queries: &[String]) {
    let started = Instant::now();
    let docs: Vec<SearchDoc> = generate::products(1_000_000, 7)
        .into_iter()
        .map(|g| SearchDoc {
            sku: g.product.sku,
            mpn: g.product.mpn,
            gtin: g.product.gtin,
            manufacturer: g.product.manufacturer,
            name: g.product.name,
        })
        .collect();
    println!("generated in {:.0} ms", ms(started.elapsed()));
    let started = Instant::now();
    let index = SearchIndex::new(docs);
    println!("built in {:.0} ms (load {})", ms(started.elapsed()), load());
    for q in queries {
        let chars: Vec<char> = q.chars().collect();
        for k in 1..=chars.len() {
            // Each prefix as typed: right after the one before it, which
            // came after an unrelated query.
            let before: String = chars[..k - 1].iter().collect();
            let p: String = chars[..k].iter().collect();
            let mut took = Duration::ZERO;
            let mut total = 0;
            for _ in 0..20 {
                std::hint::black_box(index.search(UNRELATED, LIMIT));
                std::hint::black_box(index.search(&before, LIMIT));
                let t = Instant::now();
                total = std::hint::black_box(index.search(&p, LIMIT)).total;
                took += t.elapsed();
            }
            println!("{p:<28} {:>7.2} ms {total:>8} found", ms(took) / 20.0);
        }
    }
}

/// The machine's load average (other builds skew the timings).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
