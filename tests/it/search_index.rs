//! The search index file next to the catalog cache: written by a sync,
//! trusted only while it carries the cache's sync token, rebuilt (with a
//! note) when stale or damaged, and updated by an incremental sync to the
//! very index a full rebuild gives.

use crate::common::*;
use std::path::PathBuf;

fn index_file(home: &Home) -> PathBuf {
    home.path().join("cache/default/catalog.idx")
}

fn skus(run: &Run) -> Vec<String> {
    run.json()["results"].as_array().unwrap().iter().map(|r| r["sku"].as_str().unwrap().to_string()).collect()
}

/// The 3 kW contactor exists only after this change.
fn rename_contactor(shop: &Shop) {
    let changed = CATALOG.replace("Contactor 3RT2015-1BB41 24V DC", "\"Contactor 3RT2015-1BB41 24 V DC, 3 kW\"")
        + "T-NEW-1,Grooved coupling 3 kW test part,GC-77-3KW,Victaulic,,Couplings,pc,1,1,4,8,19.90,,\n";
    assert!(shop.import(&changed, None).status.success());
}

#[test]
fn a_sync_writes_the_index_and_searches_use_it_as_it_is() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let file = index_file(&home);
    let written = std::fs::read(&file).expect("the sync wrote the index");
    let r = home.run(&["--json", "search", "62052rs"]).ok();
    assert_eq!(skus(&r).first().map(String::as_str), Some("T-BRG-1"));
    assert!(!r.stderr().contains("Note:"), "{}", r.stderr());
    assert_eq!(std::fs::read(&file).unwrap(), written, "a search only reads the index");
}

#[test]
fn a_stale_index_is_rebuilt_with_a_note() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let file = index_file(&home);
    let old = std::fs::read(&file).unwrap();
    rename_contactor(&shop);
    let delta = home.run(&["--json", "sync"]).ok().json();
    assert_eq!(delta["full"], false, "{delta}");
    // The index of the previous sync comes back (a copy restored, a crash
    // between cache and index): its token no longer matches the cache.
    std::fs::write(&file, &old).unwrap();
    let r = home.run(&["--json", "search", "3 kw"]).ok();
    assert!(r.stderr().contains("older than the catalog; rebuilt it"), "{}", r.stderr());
    assert!(skus(&r).contains(&"T-CON-1".to_string()), "the rebuilt index knows the new name: {:?}", skus(&r));
    let again = home.run(&["--json", "search", "3 kw"]).ok();
    assert!(!again.stderr().contains("Note:"), "rebuilt once, then used: {}", again.stderr());
    assert_eq!(skus(&again), skus(&r));
}

#[test]
fn a_damaged_index_is_rebuilt_with_a_note() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let file = index_file(&home);
    let good = std::fs::read(&file).unwrap();
    let expected = skus(&home.run(&["--json", "search", "din 933 m8"]).ok());
    assert!(expected.contains(&"T-SCR-1".to_string()), "{expected:?}");

    for damage in ["flipped", "cut"] {
        let mut bad = good.clone();
        if damage == "flipped" {
            let at = bad.len() / 2;
            bad[at] ^= 0x55;
        } else {
            bad.truncate(bad.len() / 3);
        }
        std::fs::write(&file, &bad).unwrap();
        // A part named by its SKU is one row of the cache: the index is not opened.
        let show = home.run(&["show", "T-SCR-1"]).ok();
        assert!(!show.stderr().contains("Note:"), "{}", show.stderr());
        assert_eq!(std::fs::read(&file).unwrap(), bad, "show left the index alone");

        let r = home.run(&["--json", "search", "din 933 m8"]).ok();
        assert!(r.stderr().contains("could not be used (damaged"), "{damage}: {}", r.stderr());
        assert!(r.stderr().contains("rebuilt it"), "{}", r.stderr());
        assert_eq!(skus(&r), expected, "{damage}");
        assert_eq!(std::fs::read(&file).unwrap(), good, "{damage}: the rebuilt index is the one the sync wrote");
    }
}

#[test]
fn an_incremental_sync_gives_the_index_a_full_rebuild_gives() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    rename_contactor(&shop);
    let delta = home.run(&["--json", "sync"]).ok().json();
    assert_eq!(delta["full"], false, "{delta}");
    assert_eq!(delta["products_changed"], 2, "{delta}");
    let file = index_file(&home);
    let updated = std::fs::read(&file).unwrap();
    let queries = ["3 kw", "coupling", "62052rs", "contactor", "gc77"];
    let before: Vec<Vec<String>> = queries.iter().map(|q| skus(&home.run(&["--json", "search", q]).ok())).collect();
    assert!(before[1].contains(&"T-NEW-1".to_string()), "{before:?}");

    std::fs::remove_file(&file).unwrap();
    let r = home.run(&["--json", "search", "3 kw"]).ok();
    assert!(r.stderr().contains("missing; built it"), "{}", r.stderr());
    assert_eq!(std::fs::read(&file).unwrap(), updated, "the updated index is byte for byte a full rebuild");
    let after: Vec<Vec<String>> = queries.iter().map(|q| skus(&home.run(&["--json", "search", q]).ok())).collect();
    assert_eq!(after, before);
}

fn delta_file(home: &Home) -> PathBuf {
    home.path().join("cache/default/catalog.idx-delta")
}

/// Renames the contactor only: no part comes or goes.
fn rename_only(shop: &Shop, name: &str) {
    let changed = CATALOG.replace("Contactor 3RT2015-1BB41 24V DC", name);
    assert!(shop.import(&changed, None).status.success());
}

/// Changes the stock of the bearing only: nothing the index sees.
fn change_stock(shop: &Shop, stock: u32) {
    let changed = CATALOG.replace(",3,120,7.80,", &format!(",3,{stock},7.80,"));
    assert_ne!(changed, CATALOG);
    assert!(shop.import(&changed, None).status.success());
}

#[test]
fn a_resync_that_renames_a_part_after_a_delta_writes_the_index_whole() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let file = index_file(&home);
    let written = std::fs::read(&file).unwrap();
    change_stock(&shop, 97);
    home.run(&["--json", "sync"]).ok();
    assert!(delta_file(&home).exists());
    assert_eq!(std::fs::read(&file).unwrap(), written);

    rename_only(&shop, "\"Contactor 3RT2015-1BB41 24 V DC, 3 kW\"");
    let r = home.run(&["--json", "sync"]).ok().json();
    assert_eq!(r["full"], false, "{r}");
    assert!(!delta_file(&home).exists(), "the index file written whole has no delta");
    let updated = std::fs::read(&file).unwrap();
    assert_ne!(updated, written);
    let queries = ["3 kw", "62052rs", "contactor", "m8x25"];
    // No match is a result too (with its own exit code).
    let before: Vec<Vec<String>> = queries.iter().map(|q| skus(&home.run(&["--json", "search", q]))).collect();
    assert!(before[0].contains(&"T-CON-1".to_string()), "{before:?}");

    std::fs::remove_file(&file).unwrap();
    let r = home.run(&["--json", "search", "62052rs"]).ok();
    assert!(r.stderr().contains("missing; built it"), "{}", r.stderr());
    assert_eq!(std::fs::read(&file).unwrap(), updated, "the updated index is byte for byte a full rebuild");
    let after: Vec<Vec<String>> = queries.iter().map(|q| skus(&home.run(&["--json", "search", q]))).collect();
    assert_eq!(after, before);
}

#[test]
fn a_damaged_delta_is_rebuilt_with_a_note() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    change_stock(&shop, 97);
    home.run(&["--json", "sync"]).ok();
    let delta = delta_file(&home);
    let mut bad = std::fs::read(&delta).unwrap();
    let at = bad.len() / 2;
    bad[at] ^= 0x55;
    std::fs::write(&delta, &bad).unwrap();
    let r = home.run(&["--json", "search", "62052rs"]).ok();
    assert!(r.stderr().contains("could not be used (damaged"), "{}", r.stderr());
    assert_eq!(skus(&r).first().map(String::as_str), Some("T-BRG-1"));
    assert!(!delta.exists(), "the rebuilt index replaced the delta");
    let again = home.run(&["--json", "search", "62052rs"]).ok();
    assert!(!again.stderr().contains("Note:"), "{}", again.stderr());
}

#[test]
fn a_resync_of_stock_changes_leaves_the_index_as_it_is() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let file = index_file(&home);
    let written = std::fs::read(&file).unwrap();
    let before = skus(&home.run(&["--json", "search", "62052rs"]).ok());
    change_stock(&shop, 97);
    let r = home.run(&["--json", "sync"]).ok().json();
    assert_eq!(r["full"], false, "{r}");
    assert!(r["products_changed"].as_u64().unwrap() >= 1, "{r}");
    assert_eq!(std::fs::read(&file).unwrap(), written, "the index file stays as it was");
    let found = home.run(&["--json", "search", "62052rs"]).ok();
    assert!(!found.stderr().contains("Note:"), "the new sync token is in the delta: {}", found.stderr());
    assert_eq!(skus(&found), before);
    assert_eq!(found.json()["results"][0]["stock"], 97, "the stock comes from the cache");

    // Again: the delta follows the sync token.
    change_stock(&shop, 96);
    home.run(&["--json", "sync"]).ok();
    assert_eq!(std::fs::read(&file).unwrap(), written);
    let found = home.run(&["--json", "search", "62052rs"]).ok();
    assert!(!found.stderr().contains("Note:"), "{}", found.stderr());
    assert_eq!(found.json()["results"][0]["stock"], 96);
}

/// One snapshot per search: while syncs in another process change a part's
/// type number back and forth, every search finds the part only under the
/// type number its rows have. (A search that read the index of one sync
/// and the rows of the next found it under its old number, or missed a
/// part that sync had just added.) Bounded: 8 s of syncs, then the searches stop.
#[test]
fn a_search_during_syncs_reads_one_sync_index_and_rows() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let shop = Shop::start(20_000);
    let part = |mpn: &str| format!("{CATALOG}T-SNAP-1,Snapshot test part {mpn},{mpn},Acme,,Tests,pc,1,1,3,10,5.00,,\n");
    assert!(shop.import(&part("SNAPA-111"), None).status.success());
    let home = Arc::new(Home::synced(&shop.url, "ACME", "buyer"));
    let stop = Arc::new(AtomicBool::new(false));
    // Plain searches, and searches of every supplier (-A: their own path).
    let searcher = |query: &'static str, all: bool| {
        let (home, stop) = (home.clone(), stop.clone());
        std::thread::spawn(move || {
            let (mut searches, mut mismatches) = (0, vec![]);
            while !stop.load(Ordering::SeqCst) {
                let r = if all {
                    home.run(&["--json", "search", "-A", query, "--limit", "5"])
                } else {
                    home.run(&["--json", "search", query, "--limit", "5"])
                };
                if r.code() != 0 {
                    continue;
                }
                searches += 1;
                for row in r.json()["results"].as_array().unwrap() {
                    if row["sku"] == "T-SNAP-1" && row["match"] == "exact" && row["mpn"] != query {
                        mismatches.push(row.clone());
                    }
                }
            }
            (searches, mismatches)
        })
    };
    let searchers = [
        searcher("SNAPA-111", false),
        searcher("SNAPB-222", false),
        searcher("SNAPA-111", true),
        searcher("SNAPB-222", true),
    ];
    let started = std::time::Instant::now();
    let mut syncs = 0;
    while started.elapsed() < std::time::Duration::from_secs(8) {
        let mpn = if syncs % 2 == 0 { "SNAPB-222" } else { "SNAPA-111" };
        assert!(shop.import(&part(mpn), None).status.success());
        home.run(&["sync"]).ok();
        syncs += 1;
    }
    stop.store(true, Ordering::SeqCst);
    let mut searches = 0;
    for s in searchers {
        let (n, mismatches) = s.join().unwrap();
        searches += n;
        assert!(
            mismatches.is_empty(),
            "{} of {n} searches found T-SNAP-1 by a type number its row no longer has, e.g. {}",
            mismatches.len(),
            mismatches[0]
        );
    }
    eprintln!("{syncs} syncs, {searches} searches, no mismatch");
    assert!(syncs >= 4 && searches >= 20, "{syncs} syncs, {searches} searches");
}
