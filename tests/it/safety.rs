//! Nothing ordered twice, nothing lost, nothing at a price nobody agreed to:
//! waiting orders, PO numbers, the price guard across `sync`, adding versus
//! replacing, concurrent processes, copied basket files, retried quote
//! acceptances and price-on-request parts. The real binary against the real
//! reference shop; faults come from a real TCP relay in between
//! (`common::faults`).

use crate::common::faults::{Fault, relay};
use crate::common::*;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// Waits for every child, failing (and killing the rest) past `limit`.
fn wait_all(children: Vec<Child>, limit: Duration) -> Vec<std::process::Output> {
    let deadline = Instant::now() + limit;
    let mut children: Vec<Option<Child>> = children.into_iter().map(Some).collect();
    loop {
        let mut running = 0;
        for c in children.iter_mut().flatten() {
            if matches!(c.try_wait(), Ok(None)) {
                running += 1;
            }
        }
        if running == 0 {
            break;
        }
        if Instant::now() > deadline {
            for c in children.iter_mut().flatten() {
                let _ = c.kill();
            }
            panic!("{running} processes still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    children.iter_mut().map(|c| c.take().unwrap().wait_with_output().unwrap()).collect()
}

fn spawn(home: &Home, args: &[&str]) -> Child {
    home.cmd(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

#[test]
fn a_waiting_order_is_kept_listed_resumed_or_discarded() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url, |_| false, |_| false);
    let home = Home::synced(&relay.url, "ACME", "buyer");
    home.run(&["basket", "new", "w"]).ok();
    home.run(&["basket", "add", "w", "T-BRG-1", "10"]).ok();

    // The shop goes away between preview and submit.
    home.run(&["order", "preview", "--basket", "w", "--po", "W-1"]).ok();
    relay.set(Fault::Down);
    let r = home.run(&["order", "submit", "--basket", "w", "--po", "W-1"]).fails_with(4);
    assert!(r.stderr().contains("waits with basket"), "{}", r.stderr());
    let text = std::fs::read_to_string(home.basket_file("default", "w")).unwrap();
    assert!(text.contains("[pending.draft]") && text.contains("idempotency_key"), "draft and key on disk: {text}");

    let waiting = home.run(&["--json", "order", "pending"]).ok().json();
    assert_eq!(waiting.as_array().unwrap().len(), 1, "{waiting}");
    assert_eq!(waiting[0]["basket"], "w");
    assert_eq!(waiting[0]["po_number"], "W-1");
    // A submission with another PO number does not silently replace it.
    relay.set(Fault::Pass);
    let r = home.run(&["order", "submit", "--basket", "w", "--po", "W-2"]).fails_with(5);
    assert!(r.stderr().contains("waiting to be sent") && r.stderr().contains("W-1"), "{}", r.stderr());
    // Any command that talks about orders says it waits.
    let r = home.run(&["order", "list"]).ok();
    assert!(r.stderr().contains("Basket w has an order waiting"), "{}", r.stderr());

    // Resumed with the same key, without --po.
    let done = home.run(&["--json", "order", "submit", "--basket", "w"]).ok().json();
    assert_eq!(done["resumed"], true, "{done}");
    assert_eq!(done["order"]["po_number"], "W-1");
    assert_eq!(orders_with_po(&home, "W-1").len(), 1);
    assert!(home.run(&["--json", "order", "pending"]).ok().json().as_array().unwrap().is_empty());

    // Discarding a waiting submission: nothing is sent.
    relay.set(Fault::Down);
    home.run(&["order", "submit", "--basket", "w", "--po", "W-3", "--yes"]).fails_with(4);
    relay.set(Fault::Pass);
    home.run(&["order", "discard-pending", "w"]).ok();
    home.run(&["order", "discard-pending", "w"]).fails_with(5);
    assert!(orders_with_po(&home, "W-3").is_empty());
}

const CRON: &str = r#"#!/bin/sh
# sync, then order the weekly basket with today's PO number
"$PROCURE" sync >/dev/null || exit $?
exec "$PROCURE" order submit --basket weekly --po "CRON-$(date +%Y-%m-%d)"
"#;

fn run_cron(home: &Home, script: &std::path::Path) -> Run {
    Run(std::process::Command::new("sh")
        .arg(script)
        .env("PROCURE", BIN)
        .env("PROCURE_HOME", home.path())
        .env_remove("PROCURE_PROFILE")
        .stdin(Stdio::null())
        .output()
        .unwrap())
}

#[test]
fn a_cron_script_rerun_three_times_places_one_order_and_stops_on_a_6x_price() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "10"]).ok();
    home.run(&["basket", "add", "weekly", "T-SCR-1", "200"]).ok();
    let script = home.path().join("reorder.sh");
    std::fs::write(&script, CRON).unwrap();
    let po = format!("CRON-{}", chrono::Local::now().format("%Y-%m-%d"));

    let first = run_cron(&home, &script).ok();
    assert!(first.stdout().contains(" placed"), "{}", first.stdout());
    for _ in 0..2 {
        let again = run_cron(&home, &script).ok();
        assert!(again.stdout().contains("was already placed"), "{}", again.stdout());
    }
    assert_eq!(orders_with_po(&home, &po).len(), 1, "three runs, one order");

    // The supplier sets six times the price; the script's sync refreshes the cache.
    let six = "company,sku,min_qty,unit_price\nACME,T-BRG-1,1,41.40\nACME,T-BRG-1,10,36.60\nACME,T-CON-1,1,31.00\n";
    assert!(shop.import(CATALOG, Some(six)).status.success());
    let stopped = run_cron(&home, &script).fails_with(6);
    assert!(stopped.stderr().contains("T-BRG-1 6.10 → 36.60 (+500.0 %)"), "{}", stopped.stderr());
    assert_eq!(orders_with_po(&home, &po).len(), 1, "nothing ordered at six times the price");
    // Scripts get the changed lines as JSON.
    let r = home.run(&["--json", "order", "submit", "--basket", "weekly", "--po", "CRON-X"]).fails_with(6);
    let err: serde_json::Value = serde_json::from_slice(&r.0.stderr).unwrap();
    assert_eq!(err["error"]["price_changes"][0]["sku"], "T-BRG-1", "{err}");
    assert_eq!(err["error"]["price_changes"][0]["seen"], "6.10");
    assert_eq!(err["error"]["price_changes"][0]["now"], "36.60");
    let pct: rust_decimal::Decimal = err["error"]["price_changes"][0]["percent"].as_str().unwrap().parse().unwrap();
    assert_eq!(pct, rust_decimal::Decimal::from(500));
    assert!(orders_with_po(&home, "CRON-X").is_empty());
}

#[test]
fn a_po_number_already_used_is_refused_with_exit_5_unless_allowed() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    for b in ["a", "b"] {
        home.run(&["basket", "new", b]).ok();
    }
    home.run(&["basket", "add", "a", "T-BRG-1", "1"]).ok();
    home.run(&["basket", "add", "b", "T-CON-1", "1"]).ok();
    let first = home.run(&["--json", "order", "submit", "--basket", "a", "--po", "PO-77"]).ok().json();
    let number = first["order"]["number"].as_str().unwrap().to_string();
    let r = home.run(&["order", "submit", "--basket", "b", "--po", "PO-77"]).fails_with(5);
    assert!(r.stderr().contains("PO-77") && r.stderr().contains(&number), "{}", r.stderr());
    assert!(
        !home.basket_file("default", "b").exists() || {
            let t = std::fs::read_to_string(home.basket_file("default", "b")).unwrap();
            !t.contains("[pending")
        }
    );
    let second =
        home.run(&["--json", "order", "submit", "--basket", "b", "--po", "PO-77", "--allow-duplicate-po"]).ok().json();
    assert_ne!(second["order"]["number"], first["order"]["number"]);
    assert_eq!(orders_with_po(&home, "PO-77").len(), 2);
}

#[test]
fn the_price_guard_takes_yes_max_increase_and_dry_runs() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "g"]).ok();
    home.run(&["basket", "add", "g", "T-BRG-1", "1"]).ok(); // agreed 6.90
    home.run(&["basket", "add", "g", "T-CON-1", "1"]).ok(); // agreed 31.00
    // +5 % on the bearing, −10 % on the contactor; the buyer syncs.
    let p = "company,sku,min_qty,unit_price\nACME,T-BRG-1,1,7.245\nACME,T-BRG-1,10,6.10\nACME,T-CON-1,1,27.90\n";
    assert!(shop.import(CATALOG, Some(p)).status.success());
    home.run(&["sync"]).ok();

    // preview and submit --dry-run answer as submit would, and place nothing.
    let r = home.run(&["order", "preview", "--basket", "g", "--po", "G-1"]).fails_with(6);
    assert!(r.stderr().contains("+5.0 %"), "{}", r.stderr());
    home.run(&["order", "submit", "--dry-run", "--basket", "g", "--po", "G-1"]).fails_with(6);
    home.run(&["order", "preview", "--basket", "g", "--po", "G-1", "--max-increase", "5"]).ok();
    assert!(orders_with_po(&home, "G-1").is_empty());

    let r = home.run(&["order", "submit", "--basket", "g", "--po", "G-1", "--max-increase", "2"]).fails_with(6);
    assert!(r.stderr().contains("T-BRG-1 6.90 → 7.245 (+5.0 %)"), "{}", r.stderr());
    let error = r.stderr().lines().find(|l| l.starts_with("error:")).unwrap_or_default().to_string();
    assert!(!error.contains("T-CON-1"), "a decrease never stops an order: {}", r.stderr());
    let done =
        home.run(&["--json", "order", "submit", "--basket", "g", "--po", "G-1", "--max-increase", "10"]).ok().json();
    let accepted = done["accepted_price_changes"].as_array().unwrap();
    assert_eq!(accepted.len(), 2, "both changes are listed: {done}");
    // The prices paid are the agreed ones now: the next order passes as it is.
    let text = std::fs::read_to_string(home.basket_file("default", "g")).unwrap();
    assert!(text.contains("agreed_price = \"7.245\""), "{text}");
    home.run(&["order", "submit", "--dry-run", "--basket", "g", "--po", "G-2"]).ok();
}

#[test]
fn reorder_and_import_into_a_basket_with_lines_ask_add_or_replace() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "src"]).ok();
    home.run(&["basket", "add", "src", "T-BRG-1", "3"]).ok();
    let done = home.run(&["--json", "order", "submit", "--basket", "src", "--po", "RO-1"]).ok().json();
    let number = done["order"]["number"].as_str().unwrap().to_string();
    let qty = |name: &str| -> Vec<u64> {
        let b = home.run(&["--json", "basket", "show", name]).ok().json();
        b["lines"].as_array().unwrap().iter().map(|l| l["quantity"].as_u64().unwrap()).collect()
    };

    home.run(&["order", "reorder", &number, "--into", "again"]).ok(); // a new basket needs no flag
    let r = home.run(&["order", "reorder", &number, "--into", "again"]).fails_with(5);
    assert!(r.stderr().contains("--add") && r.stderr().contains("--replace"), "{}", r.stderr());
    assert_eq!(qty("again"), vec![3], "refused: nothing changed");
    home.run(&["order", "reorder", &number, "--into", "again", "--replace"]).ok();
    assert_eq!(qty("again"), vec![3]);
    home.run(&["order", "reorder", &number, "--into", "again", "--add"]).ok();
    assert_eq!(qty("again"), vec![6]);

    let file = home.path().join("export.csv");
    home.run(&["basket", "export", "src", "-o", file.to_str().unwrap()]).ok();
    let f = file.to_str().unwrap();
    home.run(&["basket", "import", "src", f]).fails_with(5);
    assert_eq!(qty("src"), vec![3]);
    home.run(&["basket", "import", "src", f, "--replace"]).ok();
    assert_eq!(qty("src"), vec![3]);
    home.run(&["basket", "import", "src", f, "--add"]).ok();
    assert_eq!(qty("src"), vec![6]);
    home.run(&["basket", "new", "empty"]).ok();
    home.run(&["basket", "import", "empty", f]).ok();
    assert_eq!(qty("empty"), vec![3]);
}

/// 20 parts P-01 … P-20 for the parallel tests.
fn twenty_parts(shop: &Shop) {
    let mut csv = String::from("sku,name,list_price,stock\n");
    for i in 1..=20 {
        csv += &format!("P-{i:02},Parallel part {i},1.00,100\n");
    }
    let out = shop.import(&csv, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

#[test]
fn twenty_parallel_adds_keep_twenty_lines() {
    let shop = shop_with_catalog();
    twenty_parts(&shop);
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "par"]).ok();
    let children: Vec<Child> =
        (1..=20).map(|i| spawn(&home, &["basket", "add", "par", &format!("P-{i:02}"), "1"])).collect();
    let outputs = wait_all(children, Duration::from_secs(120));
    for o in &outputs {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let b = home.run(&["--json", "basket", "show", "par"]).ok().json();
    let mut skus: Vec<String> =
        b["lines"].as_array().unwrap().iter().map(|l| l["sku"].as_str().unwrap().to_string()).collect();
    skus.sort();
    assert_eq!(skus.len(), 20, "every parallel edit is kept: {skus:?}");
    skus.dedup();
    assert_eq!(skus.len(), 20);
}

#[test]
fn five_parallel_submits_make_one_order() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "s"]).ok();
    home.run(&["basket", "add", "s", "T-BRG-1", "3"]).ok();
    let children: Vec<Child> = (0..5)
        .map(|_| spawn(&home, &["--json", "order", "submit", "--basket", "s", "--po", "PAR-1", "--yes"]))
        .collect();
    let outputs = wait_all(children, Duration::from_secs(120));
    let mut numbers = Vec::new();
    let mut new = 0;
    for o in &outputs {
        assert!(o.status.success(), "every process reports the order: {}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        numbers.push(v["order"]["number"].as_str().unwrap().to_string());
        if v["replayed"] == false {
            new += 1;
        }
    }
    numbers.dedup();
    assert_eq!(numbers.len(), 1, "one order number in all five answers: {numbers:?}");
    assert_eq!(new, 1, "one placed it, four were told of it");
    assert_eq!(orders_with_po(&home, "PAR-1").len(), 1, "one order on the shop");

    // An edit made while a submission runs is kept.
    let submit = spawn(&home, &["order", "submit", "--basket", "s", "--po", "PAR-2", "--yes"]);
    let add = spawn(&home, &["basket", "add", "s", "T-CON-1", "1"]);
    for o in wait_all(vec![submit, add], Duration::from_secs(120)) {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let b = home.run(&["--json", "basket", "show", "s"]).ok().json();
    assert!(b["lines"].as_array().unwrap().iter().any(|l| l["sku"] == "T-CON-1"), "the edit is kept: {b}");
    assert_eq!(orders_with_po(&home, "PAR-2").len(), 1);
}

#[test]
fn a_copied_basket_file_is_its_own_basket() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "2"]).ok();
    home.run(&["basket", "add", "weekly", "T-CON-1", "1"]).ok();
    let original = std::fs::read_to_string(home.basket_file("default", "weekly")).unwrap();
    std::fs::copy(home.basket_file("default", "weekly"), home.basket_file("default", "weekly2")).unwrap();
    let r = home.run(&["basket", "remove", "weekly2", "T-CON-1"]).ok();
    assert!(
        r.stderr().contains("name = \"weekly\"") && r.stderr().contains("Removed T-CON-1 from \"weekly2\""),
        "{}",
        r.stderr()
    );
    assert_eq!(std::fs::read_to_string(home.basket_file("default", "weekly")).unwrap(), original, "weekly untouched");
    let copy = home.run(&["--json", "basket", "show", "weekly2"]).ok().json();
    assert_eq!(copy["name"], "weekly2");
    assert_eq!(copy["lines"].as_array().unwrap().len(), 1);
    let text = std::fs::read_to_string(home.basket_file("default", "weekly2")).unwrap();
    assert!(text.contains("name = \"weekly2\""), "{text}");
}

/// A quote's acceptance: its answer is the one to lose.
fn is_quote_acceptance(request: &[u8]) -> bool {
    let line = request.split(|b| *b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(line).contains("/accept ")
}

#[test]
fn a_retried_quote_acceptance_is_a_replay() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url, is_quote_acceptance, |_| false);
    let home = Home::synced(&relay.url, "ACME", "buyer");
    home.run(&["basket", "new", "q"]).ok();
    home.run(&["basket", "add", "q", "T-BRG-1", "20"]).ok();
    let q = home.run(&["--json", "quote", "request", "--basket", "q"]).ok().json();
    let number = q["number"].as_str().unwrap().to_string();
    shop.supplier(&["quote", "offer", &number, "--discount", "5"]).ok();

    relay.set(Fault::LoseAnswer);
    home.run(&["quote", "accept", &number, "--po", "QA-1"]).fails_with(4);
    relay.set(Fault::Pass);
    let again = home.run(&["--json", "quote", "accept", &number, "--po", "QA-1"]).ok().json();
    assert_eq!(again["replayed"], true, "{again}");
    let orders = orders_with_po(&home, "QA-1");
    assert_eq!(orders.len(), 1, "one acceptance, one order");
    assert_eq!(orders[0]["number"], again["order"]["number"]);
    // Accepting with another PO number is not a replay: the quote was accepted.
    home.run(&["quote", "accept", &number, "--po", "QA-2"]).fails_with(5);
}

#[test]
fn price_on_request_parts_are_listed_and_quoted_but_not_ordered() {
    let shop = shop_with_catalog();
    let out = shop.import("sku,name,mpn,stock\nT-POR-1,Special gearbox GX-9,GX-9,1\n", None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let found = home.run(&["--json", "search", "gx9"]).ok().json();
    assert_eq!(found["results"][0]["sku"], "T-POR-1", "{found}");
    assert!(found["results"][0]["unit_price"].is_null());
    home.run(&["basket", "new", "por"]).ok();
    home.run(&["basket", "add", "por", "T-POR-1", "2"]).ok();
    let r = home.run(&["order", "submit", "--basket", "por", "--po", "POR-1"]).fails_with(5);
    assert!(r.stderr().contains("price on request — request a quote"), "{}", r.stderr());
    let q = home.run(&["--json", "quote", "request", "--basket", "por"]).ok().json();
    let number = q["number"].as_str().unwrap().to_string();
    shop.supplier(&["quote", "offer", &number, "--price", "T-POR-1=480.00"]).ok();
    let a = home.run(&["--json", "quote", "accept", &number, "--po", "POR-1"]).ok().json();
    assert_eq!(a["order"]["lines"][0]["unit_price"], "480.00", "{a}");
}

/// Bytes of every file under a folder.
fn bytes_under(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let m = e.metadata().unwrap();
        total += if m.is_dir() { bytes_under(&e.path()) } else { m.len() };
    }
    total
}

/// A first sync that fills the disk fails with a clear error (exit 7) and
/// leaves no half-written cache taking the room; a full disk is exit 7 for
/// every command that writes, not an internal error.
#[cfg(unix)]
#[test]
fn a_failed_first_sync_on_a_full_disk_leaves_no_wal_and_a_full_disk_is_exit_7() {
    if !disk::can_mount() {
        return;
    }
    let shop = Shop::start(6_000);
    let home = Home::new();
    let disk = disk::Tmpfs::mount(home.path(), "2m");
    home.login(&shop.url, "ACME", "buyer");
    let r = home.run(&["sync"]).fails_with(7);
    assert!(r.stderr().contains("full"), "{}", r.stderr());
    let cache = home.path().join("cache");
    let left = bytes_under(&cache);
    eprintln!("{left} bytes of cache left after the failed first sync");
    assert!(
        left < 256 * 1024,
        "{left} bytes of cache left behind: {:?}",
        std::fs::read_dir(cache.join("default"))
            .map(|d| d.flatten().map(|e| (e.file_name(), e.metadata().unwrap().len())).collect::<Vec<_>>())
    );
    // The room is back: a basket can be made.
    home.run(&["basket", "new", "first"]).ok();
    // On a disk that is full, a write is a local data problem (exit 7) that says so.
    let _filler = disk.fill();
    let r = home.run(&["basket", "new", "second"]).fails_with(7);
    assert!(r.stderr().contains("No space left on device"), "{}", r.stderr());
    assert!(!home.basket_file("default", "second").exists());
}
