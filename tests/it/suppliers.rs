//! Every supplier in one procure: three real reference shops and a Peppol
//! supplier, each a profile of one home. Their catalogs overlap with other
//! SKUs, tiers, minimums, order steps and currencies; their order numbers
//! are the same. The buyer lists them, changes the default, syncs all at
//! once with one shop down, searches all of them, copies a basket from one
//! to another, and is stopped from ordering one supplier's basket at another.

use crate::common::faults::{Fault, relay};
use crate::common::*;
use serde_json::Value;

/// A relay only ACME sells (and its Peppol catalogue), by a type number
/// no demo part has.
const ACME_RELAY: &str = "\
sku,name,mpn,manufacturer,gtin,category,unit,pack_size,min_qty,lead_time_days,stock,list_price
T-REL-1,Relay XR-4471 24V DC,XR-4471-24VDC,Finder,,Relays,pc,1,1,5,30,12.40
";

/// BOLT's catalog: the bearing and the screw of `CATALOG` under its own
/// SKUs, minimums and steps (the screw twice: the GTIN tells which is the
/// one), and many sockets whose type numbers start like ACME's relay's.
fn bolt_catalog() -> String {
    let mut csv = String::from(
        "sku,name,mpn,manufacturer,gtin,category,unit,pack_size,min_qty,order_step,lead_time_days,stock,list_price\n\
         B-6205,Rillenkugellager 6205-2RSH/C3,6205-2RSH/C3,SKF,,Bearings,pc,1,10,10,4,500,6.80\n\
         B-M8,Sechskantschraube DIN 933 M8x25,DIN 933 M8x25 A2-70,Würth,4011231123458,Fasteners,pc,100,200,100,2,9000,0.0790\n\
         B-M8-BULK,Sechskantschraube DIN 933 M8x25 lose,DIN 933 M8x25 A2-70,Würth,,Fasteners,pc,1000,1000,1000,9,0,0.0610\n",
    );
    for i in 0..250 {
        csv.push_str(&format!(
            "B-K{i:03},Relaissockel für XR-4471 Variante {i},XR-4471-24VDC-V{i:03},Kontaktix,,Relays,pc,1,1,1,7,3,4.10\n"
        ));
    }
    csv
}

const BOLT_PRICES: &str = "company,sku,min_qty,unit_price\nACME,B-6205,1,6.40\nACME,B-6205,50,5.90\n";

/// CRANE sells the relay twice under one type number (no GTIN tells).
const CRANE_CATALOG: &str = "\
sku,name,mpn,manufacturer,gtin,category,unit,pack_size,min_qty,lead_time_days,stock,list_price
C-REL-A,Relais XR-4471 24V DC,XR-4471-24VDC,Finder,,Relays,pc,1,1,3,8,13.00
C-REL-B,Relais XR-4471 24V DC (Restposten),XR-4471-24VDC,Finder,,Relays,pc,1,1,9,2,9.90
";

fn shop_with(catalog: &str, prices: Option<&str>) -> Shop {
    let shop = Shop::start(300);
    let out = shop.import(catalog, prices);
    assert!(out.status.success(), "import: {}", String::from_utf8_lossy(&out.stdout));
    shop
}

/// ACME's Peppol supplier (the ACME shop's own catalogue, priced in CHF).
fn add_peppol_supplier(home: &Home, shop: &Shop) {
    let p = home.path().join("peppol");
    let (catalogue, outbox, inbox) = (p.join("catalogue.xml"), p.join("out"), p.join("in"));
    std::fs::create_dir_all(&outbox).unwrap();
    std::fs::create_dir_all(&inbox).unwrap();
    shop.supplier(&[
        "peppol",
        "catalogue",
        "--company",
        "ACME",
        "--buyer-endpoint",
        "0106:12345678",
        "--out",
        catalogue.to_str().unwrap(),
    ])
    .ok();
    let xml = std::fs::read_to_string(&catalogue).unwrap();
    assert!(xml.contains("currencyID=\"EUR\""), "the catalogue has prices");
    std::fs::write(&catalogue, xml.replace("currencyID=\"EUR\"", "currencyID=\"CHF\"")).unwrap();
    home.write_config(&format!(
        "\n[profiles.swiss]\nbackend = \"peppol\"\ncatalogue = {:?}\noutbox = {:?}\ninbox = {:?}\n\
         buyer_endpoint = \"0106:12345678\"\nbuyer_name = \"Acme\"\nbuyer_country = \"DE\"\n",
        catalogue.to_str().unwrap(),
        outbox.to_str().unwrap(),
        inbox.to_str().unwrap()
    ));
}

fn login_as(home: &Home, profile: &str, url: &str) {
    home.run_stdin(
        &["--profile", profile, "login", "--shop", url, "--company", "ACME", "--user", "buyer", "--password-stdin"],
        "demo\n",
    )
    .ok();
}

fn by_name<'a>(list: &'a Value, field: &str, name: &str) -> &'a Value {
    list.as_array().unwrap().iter().find(|s| s[field] == name).unwrap_or_else(|| panic!("no {name} in {list:#}"))
}

#[test]
fn four_suppliers_listed_synced_with_one_down_searched_at_once_and_a_basket_copied() {
    let acme = shop_with(CATALOG, Some(ACME_PRICES));
    assert!(acme.import(ACME_RELAY, None).status.success());
    let bolt = shop_with(&bolt_catalog(), Some(BOLT_PRICES));
    let crane = shop_with(CRANE_CATALOG, None);
    let crane_line = relay(&crane.url, |_| false, |_| false);
    let home = Home::new();
    home.write_config("# my suppliers\n");
    login_as(&home, "acme", &acme.url);
    login_as(&home, "bolt", &bolt.url);
    login_as(&home, "crane", &crane_line.url);
    add_peppol_supplier(&home, &acme);

    // Every supplier, without the network: nothing synced yet.
    let list = home.run(&["--json", "suppliers"]).ok().json();
    let names: Vec<&str> = list.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["acme", "bolt", "crane", "swiss"]);
    let a = by_name(&list, "name", "acme");
    assert_eq!(
        (a["default"].as_bool(), a["backend"].as_str(), a["login"].as_str()),
        (Some(true), Some("procure"), Some("valid"))
    );
    assert_eq!((a["catalog"].as_str(), a["parts"].as_u64()), (Some("missing"), Some(0)));
    let s = by_name(&list, "name", "swiss");
    assert_eq!((s["backend"].as_str(), s["login"].as_str()), (Some("peppol"), Some("not_needed")));

    // The default changes, and config.toml keeps the buyer's comment.
    home.run(&["suppliers", "default", "bolt"]).ok();
    let config = std::fs::read_to_string(home.path().join("config.toml")).unwrap();
    assert!(config.contains("# my suppliers") && config.contains("default_profile = \"bolt\""), "{config}");
    let e = home.run(&["suppliers", "default", "nobody"]).fails_with(5);
    assert!(e.stderr().contains("acme, bolt, crane, swiss"), "{}", e.stderr());

    // One shop down: the others sync; the exit code and summary name it.
    crane_line.set(Fault::Down);
    let run = home.run(&["sync", "--all"]).fails_with(4);
    let text = run.stderr();
    assert!(text.contains("failed: crane"), "{text}");
    for name in ["acme", "bolt", "swiss"] {
        assert!(text.lines().any(|l| l.starts_with(name) && l.contains("synced in full")), "{name}: {text}");
    }
    let json = home.run(&["--json", "sync", "--all"]).fails_with(4).json();
    assert_eq!(json["failed"], serde_json::json!(["crane"]));
    let c = by_name(&json["suppliers"], "supplier", "crane");
    assert_eq!((c["ok"].as_bool(), c["error"]["kind"].as_str()), (Some(false), Some("unreachable")));
    assert_eq!(by_name(&json["suppliers"], "supplier", "bolt")["report"]["not_modified"], true);

    // One search across all: ACME's exact type number ranks above BOLT's
    // 250 near matches; the Peppol supplier's rows are in CHF; CRANE, never
    // synced, is named and the others answer.
    let found = home.run(&["--json", "search", "-A", "xr4471 24vdc", "-n", "6"]).ok();
    assert!(found.stderr().contains("crane (not searched): never synced"), "{}", found.stderr());
    let found = found.json();
    let rows = found["results"].as_array().unwrap();
    let first: Vec<(&str, &str, &str)> = rows[..2]
        .iter()
        .map(|r| (r["supplier"].as_str().unwrap(), r["sku"].as_str().unwrap(), r["match"].as_str().unwrap()))
        .collect();
    assert_eq!(first, [("acme", "T-REL-1", "exact"), ("swiss", "T-REL-1", "exact")], "{found:#}");
    assert_eq!((rows[0]["currency"].as_str(), rows[1]["currency"].as_str()), (Some("EUR"), Some("CHF")));
    assert!(rows[2..].iter().all(|r| r["supplier"] == "bolt" && r["match"] == "prefix"), "{found:#}");
    assert_eq!(found["total"], 252);
    let crane_status = by_name(&found["suppliers"], "supplier", "crane");
    assert_eq!(crane_status["state"], "missing");
    let text = home.run(&["search", "--all-suppliers", "6205-2RSH/C3"]).ok().stdout();
    assert!(text.starts_with("SUPPLIER"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("bolt") && l.contains("B-6205") && l.contains("EUR")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("swiss") && l.contains("T-BRG-1") && l.contains("CHF")), "{text}");

    // CRANE back: a basket of ACME made again at BOLT and at CRANE.
    crane_line.set(Fault::Pass);
    home.run(&["sync", "--all"]).ok();
    let acme_run = |args: &[&str]| home.run(&[&["--profile", "acme"][..], args].concat());
    acme_run(&["basket", "new", "weekly"]).ok();
    acme_run(&["basket", "add", "weekly", "T-BRG-1", "12"]).ok();
    acme_run(&["basket", "add", "weekly", "T-SCR-1", "200"]).ok();
    acme_run(&["basket", "add", "weekly", "T-REL-1", "2"]).ok();
    let copy = acme_run(&["--json", "basket", "copy", "weekly", "--to", "bolt"]).fails_with(5).json();
    let copied: Vec<(u64, &str, &str, &str)> = copy["copied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["line"].as_u64().unwrap(),
                c["from_sku"].as_str().unwrap(),
                c["sku"].as_str().unwrap(),
                c["by"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(copied, [(1, "T-BRG-1", "B-6205", "mpn"), (2, "T-SCR-1", "B-M8", "gtin")], "{copy:#}");
    // BOLT sells the bearing in tens: the line keeps 12 and says so.
    assert!(copy["copied"][0]["problem"].as_str().unwrap_or("").contains("20"), "{copy:#}");
    assert_eq!(copy["copied"][0]["unit_price"], "6.40");
    let missing = &copy["unresolved"][0];
    assert_eq!((missing["line"].as_u64(), missing["sku"].as_str()), (Some(3), Some("T-REL-1")), "{copy:#}");
    assert!(missing["reason"].as_str().unwrap().contains("no part with type number \"XR-4471-24VDC\""), "{copy:#}");
    let at_bolt = home.run(&["--json", "--profile", "bolt", "basket", "show", "weekly"]).ok().json();
    let lines: Vec<(&str, u64)> = at_bolt["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["sku"].as_str().unwrap(), l["quantity"].as_u64().unwrap()))
        .collect();
    assert_eq!(lines, [("B-6205", 12), ("B-M8", 200)]);
    // At CRANE the relay is two parts of one type number: a choice, not a
    // guess; its screw of that type number is another maker's.
    let copy = acme_run(&["basket", "copy", "weekly", "--to", "crane", "--as", "weekly-crane"]).fails_with(5);
    let said = copy.stderr();
    assert!(said.contains("line   3: T-REL-1 × 2: not copied: crane has several parts"), "{said}");
    assert!(said.contains("choices: C-REL-A, C-REL-B"), "{said}");
    assert!(said.contains("line   2: T-SCR-1 × 200: not copied: crane has type number \"DIN 933 M8x25 A2-70\" only from another maker than Würth"), "{said}");
    assert!(said.contains("line   1: T-BRG-1 × 12: not copied"), "{said}");
    let unknown = acme_run(&["basket", "copy", "weekly", "--to", "nobody"]).fails_with(5);
    assert!(unknown.stderr().contains("no supplier named \"nobody\""), "{}", unknown.stderr());
    let none = home.run(&["--profile", "crane", "basket", "list"]).ok();
    assert!(none.stderr().contains("No baskets yet"), "nothing was found, so nothing was made: {}", none.stdout());

    // A spreadsheet made at ACME reads back at BOLT by type number and maker.
    let csv = home.path().join("weekly.csv");
    acme_run(&["basket", "export", "weekly", "-o", csv.to_str().unwrap()]).ok();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("sku,mpn,manufacturer,gtin,name,qty"), "{text}");
    let bolt_run = |args: &[&str]| home.run(&[&["--profile", "bolt"][..], args].concat());
    bolt_run(&["basket", "new", "from-acme"]).ok();
    let import = bolt_run(&["--json", "basket", "import", "from-acme", csv.to_str().unwrap()]).fails_with(5).json();
    let added: Vec<&str> = import["added"].as_array().unwrap().iter().map(|a| a["sku"].as_str().unwrap()).collect();
    assert_eq!(added, ["B-M8"], "{import:#}");
    let problems = import["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "{import:#}");
    assert!(problems[0]["reason"].as_str().unwrap().contains("next valid quantity is 20"), "{import:#}");
    assert!(!problems[1]["reason"].as_str().unwrap().contains("did you mean"), "no unrelated parts: {import:#}");
}

#[test]
fn a_basket_is_ordered_from_its_own_supplier_and_order_numbers_show_theirs() {
    let acme = shop_with(CATALOG, Some(ACME_PRICES));
    let bolt = shop_with(&bolt_catalog(), Some(BOLT_PRICES));
    let home = Home::new();
    login_as(&home, "acme", &acme.url);
    login_as(&home, "bolt", &bolt.url);
    home.run(&["sync", "--all"]).ok();
    let at = |profile: &str, args: &[&str]| home.run(&[&["--profile", profile][..], args].concat());
    at("acme", &["basket", "new", "weekly"]).ok();
    at("acme", &["basket", "add", "weekly", "T-BRG-1", "4"]).ok();
    let file = home.basket_file("acme", "weekly");
    assert!(std::fs::read_to_string(&file).unwrap().contains("supplier = \"acme\""));

    // The file copied into BOLT's folder is ACME's still: shown, never ordered or changed at BOLT.
    let copied = home.basket_file("bolt", "weekly");
    std::fs::create_dir_all(copied.parent().unwrap()).unwrap();
    std::fs::copy(&file, &copied).unwrap();
    let list = at("bolt", &["basket", "list"]).ok();
    assert!(list.stdout().contains("[acme's basket: not ordered from bolt]"), "{}", list.stdout());
    let refused = at("bolt", &["order", "submit", "--basket", "weekly", "--po", "PO-X"]).fails_with(5);
    assert!(refused.stderr().contains("belongs to supplier \"acme\""), "{}", refused.stderr());
    assert!(refused.stderr().contains("basket copy weekly --to bolt"), "{}", refused.stderr());
    at("bolt", &["basket", "add", "weekly", "B-6205", "10"]).fails_with(5);
    at("bolt", &["quote", "request", "--basket", "weekly"]).fails_with(5);
    assert_eq!(std::fs::read(&file).unwrap(), std::fs::read(&copied).unwrap(), "nothing was written");
    // Made again from BOLT's catalog, it is BOLT's.
    let made = at("bolt", &["basket", "copy", "weekly", "--to", "bolt", "--as", "weekly-bolt"]).ok();
    assert!(made.stdout().contains("T-BRG-1 → B-6205"), "{}", made.stdout());
    let made = std::fs::read_to_string(home.basket_file("bolt", "weekly-bolt")).unwrap();
    assert!(made.contains("supplier = \"bolt\"") && made.contains("B-6205"), "{made}");

    // A basket from before baskets named their supplier is the folder's.
    let old = home.basket_file("acme", "old");
    std::fs::write(
        &old,
        "name = \"old\"\ncreated_at = \"2026-01-05T08:00:00Z\"\n\n[[lines]]\nsku = \"T-CON-1\"\nqty = 1\n",
    )
    .unwrap();
    at("acme", &["basket", "add", "old", "T-BRG-1", "1"]).ok();
    assert!(std::fs::read_to_string(&old).unwrap().contains("supplier = \"acme\""));

    // The same order number at both suppliers, told apart by supplier.
    at("bolt", &["basket", "set", "weekly-bolt", "B-6205", "10"]).ok();
    let a = at("acme", &["--json", "order", "submit", "--basket", "weekly", "--po", "MULTI-A"]).ok().json();
    let b = at("bolt", &["--json", "order", "submit", "--basket", "weekly-bolt", "--po", "MULTI-B"]).ok().json();
    let number = a["order"]["number"].as_str().unwrap();
    assert_eq!(b["order"]["number"].as_str(), Some(number), "two shops, one numbering");
    let all = home.run(&["--json", "order", "list", "--all-suppliers", "--po", "MULTI-"]).ok().json();
    let theirs: Vec<(&str, &str)> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["supplier"].as_str().unwrap(), o["number"].as_str().unwrap()))
        .collect();
    let mut sorted = theirs.clone();
    sorted.sort();
    assert_eq!(sorted, [("acme", number), ("bolt", number)]);
    let text = home.run(&["order", "list", "-A", "--po", "MULTI-"]).ok().stdout();
    assert!(text.starts_with("SUPPLIER"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("acme") && l.contains(number)), "{text}");
    assert!(text.lines().any(|l| l.starts_with("bolt") && l.contains(number)), "{text}");

    // A supplier that cannot answer is named; the others' orders are shown.
    home.run(&["--profile", "bolt", "logout"]).ok();
    let partly = home.run(&["order", "list", "-A", "--po", "MULTI-"]).fails_with(3);
    assert!(partly.stdout().contains(number) && partly.stderr().contains("bolt: not logged in"), "{}", partly.stderr());
}

/// The app with two suppliers, in a real 80×24 terminal: ^T searches both
/// (a supplier column, every SKU and price whole), a part of the other
/// supplier goes into that supplier's basket, and F9 switches the app to it.
#[test]
fn the_app_searches_all_suppliers_and_works_on_another_at_80x24() {
    use crate::common::tmux::Tmux;
    let acme = shop_with(CATALOG, Some(ACME_PRICES));
    let bolt = shop_with(&bolt_catalog(), Some(BOLT_PRICES));
    let home = Home::new();
    login_as(&home, "acme", &acme.url);
    login_as(&home, "bolt", &bolt.url);
    home.run(&["sync", "--all"]).ok();
    home.run(&["--profile", "acme", "basket", "new", "weekly"]).ok();
    home.run(&["--profile", "bolt", "basket", "new", "bolt-spares"]).ok();

    let t = Tmux::start(&home, 80, 24);
    t.wait_for("Type number, SKU");
    t.literal("6205-2RSH/C3");
    let one = t.wait_for("T-BRG-1");
    assert!(!one.contains("B-6205") && !one.contains("Supplier"), "only the supplier on show:\n{one}");
    t.keys(&["C-t"]);
    let all = t.wait_for("B-6205");
    assert!(all.contains("all suppliers") && all.contains("From SKU"), "{all}");
    for whole in ["T-BRG-1", "6.90 ×1", "B-6205", "6.40 ×10"] {
        assert!(all.contains(whole), "{whole} is cut at 80×24:\n{all}");
    }
    assert!(all.lines().any(|l| l.contains("acme T-BRG-1")), "{all}");
    assert!(all.lines().any(|l| l.contains("bolt B-6205")), "{all}");

    // BOLT's part, added from ACME's screen: into BOLT's basket.
    t.keys(&["Tab", "Down", "a"]);
    t.wait_for("Add B-6205 of bolt to its basket bolt-spares");
    t.literal("20");
    t.keys(&["Enter"]);
    t.wait_for("bolt: 20 × B-6205 added to bolt-spares");
    let lines = home.run(&["--json", "--profile", "bolt", "basket", "show", "bolt-spares"]).ok().json();
    assert_eq!(lines["lines"][0]["sku"], "B-6205");
    assert_eq!(lines["lines"][0]["quantity"], 20);
    let weekly = home.run(&["--json", "--profile", "acme", "basket", "show", "weekly"]).ok().json();
    assert_eq!(weekly["lines"].as_array().map(Vec::len), Some(0), "ACME's basket is untouched");

    // F9: the app works on BOLT; its baskets are on the Baskets screen.
    t.keys(&["F9"]);
    t.wait_for("Work on supplier");
    t.keys(&["Down", "Enter"]);
    t.wait_for("working on supplier bolt");
    t.keys(&["F3"]);
    let baskets = t.wait_for("bolt-spares");
    assert!(baskets.contains("procure bolt ·") && !baskets.contains("weekly"), "{baskets}");
}
