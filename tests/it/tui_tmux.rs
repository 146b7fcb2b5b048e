//! End to end in a real terminal: tmux runs `procure`, keys are sent with
//! send-keys and the screen is read with capture-pane. A clerk reorders a
//! saved basket; the order is then found on the shop.

use crate::common::faults::{self, Fault};
use crate::common::tmux::Tmux;
use crate::common::*;
use std::time::{Duration, Instant};

#[test]
fn reorder_a_saved_basket_in_a_real_terminal() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "10"]).ok();
    home.run(&["basket", "add", "weekly", "T-SCR-1", "200"]).ok();

    let t = Tmux::start(&home, 120, 36);
    t.wait_for("Type number, SKU");
    t.keys(&["F3"]);
    t.wait_for("weekly — 2 lines");
    t.keys(&["c"]);
    t.wait_for("Checkout — basket weekly");
    t.literal("TMUX-7");
    t.keys(&["C-s"]);
    t.wait_for("earliest delivery");
    t.keys(&["C-s"]);
    let screen = t.wait_for(" placed");
    let number = screen
        .find("Order ")
        .and_then(|at| screen[at + 6..].split_whitespace().next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("order number on screen:\n{screen}"));
    t.keys(&["Escape", "q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while t.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.alive(), "q quits the app");

    let list = home.run(&["--json", "order", "list"]).ok().json();
    let found = list.as_array().unwrap().iter().find(|o| o["number"] == number.as_str()).cloned();
    let found = found.unwrap_or_else(|| panic!("order {number} not on the shop: {list}"));
    assert_eq!(found["po_number"], "TMUX-7");
    assert_eq!(found["line_count"], 2);
}

/// The same clerk on an 80×24 terminal: adds a known part by type number
/// (type it, ^A, 10, Enter), pastes two more lines as tmux pastes them,
/// then checks out with F3 c PO ^S ^S.
#[test]
fn add_paste_and_order_at_80x24() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();

    let t = Tmux::start(&home, 80, 24);
    t.wait_for("Type number, SKU");
    t.wait_for("catalog up to date");
    t.literal("62052rsh");
    t.wait_for("6205-2RSH/C3");
    t.keys(&["C-a"]);
    t.wait_for("Add T-BRG-1 to basket weekly");
    t.literal("10");
    t.keys(&["Enter"]);
    t.wait_for("10 × T-BRG-1 added to weekly");

    t.paste("T-SCR-1 200\n4011209780106 1\n");
    t.wait_for("Quick entry into weekly");
    t.keys(&["C-s"]);
    t.wait_for("2 lines added to weekly");

    t.keys(&["F3"]);
    t.wait_for("weekly — 3 lines");
    t.keys(&["c"]);
    t.wait_for("Checkout — basket weekly");
    t.literal("TMUX-80");
    t.keys(&["C-s"]);
    let preview = t.wait_for("earliest delivery");
    assert!(preview.contains("^S place the order"), "the form says what ^S does next:\n{preview}");
    t.keys(&["C-s"]);
    let screen = t.wait_for(" placed");
    let number = screen
        .find("Order ")
        .and_then(|at| screen[at + 6..].split_whitespace().next())
        .map(str::to_string)
        .unwrap_or_else(|| panic!("order number on screen:\n{screen}"));
    t.keys(&["Escape", "q"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while t.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.alive(), "q quits the app");

    let list = home.run(&["--json", "order", "list"]).ok().json();
    let found = list.as_array().unwrap().iter().find(|o| o["number"] == number.as_str()).cloned();
    let found = found.unwrap_or_else(|| panic!("order {number} not on the shop: {list}"));
    assert_eq!(found["po_number"], "TMUX-80");
    assert_eq!(found["line_count"], 3);
}

fn wait_gone(t: &Tmux) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while t.alive() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!t.alive(), "the app quit; screen:\n{}", t.screen());
}

#[test]
fn a_waiting_order_survives_quit_and_is_sent_on_the_next_start() {
    let shop = shop_with_catalog();
    let relay = faults::relay(&shop.url, |_| false, |_| false);
    let home = Home::synced(&relay.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "10"]).ok();

    // Online: the order history is seen once, the order previewed; then the shop goes away.
    let t = Tmux::start(&home, 120, 36);
    t.wait_for("Type number, SKU");
    t.keys(&["F4"]);
    t.wait_for("SO-");
    t.keys(&["F3"]);
    t.wait_for("T-BRG-1");
    t.keys(&["c"]);
    t.wait_for("Checkout — basket weekly");
    t.literal("TMUX-W1");
    t.keys(&["C-s"]);
    t.wait_for("earliest delivery");
    relay.set(Fault::Down);
    t.keys(&["C-s"]);
    t.wait_for("the order waits");
    let text = std::fs::read_to_string(home.basket_file("default", "weekly")).unwrap();
    assert!(text.contains("[pending.draft]") && text.contains("TMUX-W1"), "written before it says so: {text}");
    // Quitting asks first.
    t.keys(&["Escape", "q"]);
    let screen = t.wait_for("y yes");
    assert!(screen.contains("waits for the"), "{screen}");
    t.keys(&["Enter"]);
    wait_gone(&t);

    // Still offline: the history is the one last seen, marked; quitting asks again.
    let t = Tmux::start(&home, 120, 36);
    t.wait_for("Type number, SKU");
    t.keys(&["F4"]);
    t.wait_for("OFFLINE: as last seen");
    t.keys(&["q"]);
    let screen = t.wait_for("y yes");
    assert!(screen.contains("waits for the"), "{screen}");
    t.keys(&["Enter"]);
    wait_gone(&t);

    // The shop is back: the next start sends it, with the same key.
    relay.set(Fault::Pass);
    let t = Tmux::start(&home, 120, 36);
    t.wait_for("Type number, SKU");
    t.keys(&["F4"]);
    // The order history shows it (the status line says so too, for a few seconds).
    t.wait_for("TMUX-W1");
    t.keys(&["q"]);
    wait_gone(&t);
    let orders = orders_with_po(&home, "TMUX-W1");
    assert_eq!(orders.len(), 1, "exactly one order on the shop: {orders:?}");
    assert_eq!(orders[0]["line_count"], 1);
    let text = std::fs::read_to_string(home.basket_file("default", "weekly")).unwrap();
    assert!(!text.contains("[pending"), "nothing waits any more: {text}");
}

/// `basket show` at a terminal shows the basket to a person: it is the
/// basket used last from then on, and a price changed since it was agreed
/// is asked about (a yes makes it the agreed one).
#[test]
fn basket_show_at_a_terminal_marks_it_used_and_asks_about_changed_prices() {
    let shop = shop_with_catalog();
    let home = Home::new();
    home.login(&shop.url, "ACME", "buyer");
    home.run(&["sync"]).ok();
    home.run(&["basket", "new", "alpha"]).ok();
    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "2"]).ok();
    // ACME's price of the part goes up after it was agreed.
    let out = shop.import(CATALOG, Some("company,sku,min_qty,unit_price\nACME,T-BRG-1,1,7.20\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    home.run(&["sync"]).ok();

    let t = Tmux::run(&home, 120, 36, "basket show weekly");
    let screen = t.wait_for("Accept the new prices? [y/N]");
    assert!(screen.contains("T-BRG-1 × 2: 6.90 → 7.20"), "{screen}");
    t.literal("y");
    t.keys(&["Enter"]);
    wait_gone(&t);

    let b = home.run(&["--json", "basket", "show", "weekly"]).ok().json();
    assert_eq!(b["lines"][0]["agreed_price"], "7.20", "{b}");
    let used = std::fs::read_to_string(home.path().join("data/profiles/default/baskets/.last-used"))
        .expect("the basket is marked used");
    assert_eq!(used.lines().next(), Some("weekly"));
}

/// Hostile text in a real 80×24 terminal: a name with lone regional
/// indicators, flags, emoji, CJK and a long SKU, stock in the millions.
/// Opening a part's detail and closing it with Esc leaves the screen as it
/// was (no cell of the detail stays behind), and no number is cut.
#[test]
fn a_detail_closed_leaves_no_trace_and_numbers_stay_whole_at_80x24() {
    let shop = shop_with_catalog();
    let catalog = "sku,name,mpn,manufacturer,gtin,category,unit,pack_size,min_qty,lead_time_days,stock,list_price\n\
        T-FLAG-1,Flag kit \u{1F1E9} lone \u{1F1EA}\u{1F1FA}\u{1F1E9} 🔩 深沟球轴承 👍🏽,FLAG-6205,Acme,,Kits,pc,1,1,3,1234567,9.90\n\
        T-FLAG-2-WITH-A-VERY-LONG-SKU-OF-FORTY-NINE-CHARS,Flag kit plain \u{1F1E9}\u{1F1EA},FLAG-6206,Acme,,Kits,pc,1,1,3,987654321,1.00\n";
    let out = shop.import(catalog, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let home = Home::synced(&shop.url, "ACME", "buyer");

    let t = Tmux::start(&home, 80, 24);
    t.wait_for("Type number, SKU");
    t.wait_for("catalog up to date");
    t.literal("flag kit");
    t.wait_for("FLAG-6206");
    std::thread::sleep(Duration::from_millis(300));
    let before = t.screen();
    for whole in ["1.2M", "987M", "9.90", "Flag kit"] {
        assert!(before.contains(whole), "{whole} at 80×24:\n{before}");
    }
    for cut in ["234567", "654321"] {
        assert!(!before.contains(cut), "a number cut from the left:\n{before}");
    }
    t.keys(&["Enter"]);
    t.wait_for("in stock");
    t.keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(500));
    let after = t.screen();
    assert_eq!(after, before, "the screen after Esc is the screen before the detail");
    t.keys(&["C-c"]);
}
