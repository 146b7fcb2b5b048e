//! Discontinued parts in a saved basket: adding one warns and names its
//! successor, and the basket takes the successors in one step, on the
//! command line and in the app, showing old and new part and price first.

use crate::common::tmux::Tmux;
use crate::common::*;

/// An old bearing replaced by T-BRG-1, and loose screws replaced by the
/// screws sold in packs of 100.
const OLD_PARTS: &str = "\
sku,name,mpn,manufacturer,category,unit,pack_size,min_qty,lead_time_days,stock,list_price,discontinued,replaced_by
T-BRG-0,Deep groove ball bearing 6205-2RS,6205-2RS,SKF,Bearings,pc,1,1,3,4,7.20,yes,T-BRG-1
T-SCR-0,Hex head screw DIN 933 M8x25 A2-70 loose,DIN 933 M8x25 A2-70 L,Würth,Fasteners,pc,1,1,2,50,0.09,yes,T-SCR-1
";

fn shop() -> Shop {
    let shop = shop_with_catalog();
    assert!(shop.import(OLD_PARTS, None).status.success());
    shop
}

#[test]
fn adding_a_discontinued_part_warns_and_the_basket_takes_the_successors() {
    let shop = shop();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "old"]).ok();
    let add = home.run(&["basket", "add", "old", "T-BRG-0", "2"]).ok();
    assert!(add.stderr().contains("warning: T-BRG-0: discontinued, replaced by T-BRG-1"), "{}", add.stderr());
    assert!(add.stderr().contains("procure basket replace-discontinued old"), "{}", add.stderr());
    let json = home.run(&["--json", "basket", "add", "old", "T-SCR-0", "150"]).ok().json();
    assert_eq!(json["warnings"][0], "discontinued, replaced by T-SCR-1", "{json}");
    home.run(&["basket", "note", "old", "T-SCR-0", "CC-7"]).ok();
    let shown = home.run(&["--json", "basket", "show", "old"]).ok().json();
    assert_eq!(shown["orderable"], false, "a discontinued line: not orderable, as docs/json.md says: {shown}");
    home.run(&["order", "preview", "--basket", "old", "--po", "R-1"]).fails_with(5);

    let done = home.run(&["basket", "replace-discontinued", "old"]).ok();
    let out = done.stdout();
    assert!(out.contains("T-BRG-0 × 2") && out.contains("→ T-BRG-1 × 2") && out.contains("at 6.90 EUR"), "{out}");
    assert!(out.contains("→ T-SCR-1 × 200") && out.contains("quantity made valid"), "packs of 100: {out}");
    assert!(done.stderr().contains("Replaced 2 lines in \"old\"."), "{}", done.stderr());
    let b = home.run(&["--json", "basket", "show", "old"]).ok().json();
    let lines: Vec<(&str, u64)> = b["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["sku"].as_str().unwrap(), l["quantity"].as_u64().unwrap()))
        .collect();
    assert_eq!(lines, [("T-BRG-1", 2), ("T-SCR-1", 200)], "in place: {b}");
    assert_eq!(b["lines"][1]["note"], "CC-7", "the note stays with the line");
    assert_eq!(b["lines"][0]["agreed_price"], "6.90", "the price shown is the agreed one");
    assert_eq!(b["orderable"], true);
    home.run(&["order", "preview", "--basket", "old", "--po", "R-1"]).ok();
    let again = home.run(&["basket", "replace-discontinued", "old"]).ok();
    assert!(again.stderr().contains("no discontinued part"), "{}", again.stderr());
}

/// At a terminal the command asks first; `n` changes nothing.
#[test]
fn replace_discontinued_asks_at_a_terminal() {
    let shop = shop();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "old"]).ok();
    home.run(&["basket", "add", "old", "T-BRG-0", "2"]).ok();
    let t = Tmux::run(&home, 100, 30, "basket replace-discontinued old");
    t.wait_for("Replace them? [y/N]");
    t.literal("n");
    t.keys(&["Enter"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while t.alive() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let b = home.run(&["--json", "basket", "show", "old"]).ok().json();
    assert_eq!(b["lines"][0]["sku"], "T-BRG-0");
}

/// In the app at 80×24: the basket view says what to do, R shows old and
/// new part and price, y swaps them.
#[test]
fn the_app_replaces_discontinued_parts_at_80x24() {
    let shop = shop();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "old"]).ok();
    home.run(&["basket", "add", "old", "T-BRG-0", "2"]).ok();
    let t = Tmux::start(&home, 80, 24);
    t.wait_for("Type number, SKU");
    t.keys(&["F3"]);
    t.wait_for("R takes the successors");
    t.keys(&["R"]);
    let q = t.wait_for("Replace them?");
    assert!(q.contains("T-BRG-0 × 2 at 7.20 → T-BRG-1 × 2 at 6.90 EUR"), "{q}");
    t.keys(&["y"]);
    t.wait_for("replaced in old: T-BRG-0 → T-BRG-1");
    t.keys(&["q"]);
    let b = home.run(&["--json", "basket", "show", "old"]).ok().json();
    assert_eq!(b["lines"][0]["sku"], "T-BRG-1", "{b}");
}
