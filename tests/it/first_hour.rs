//! The app's first hour, in a real terminal at 80×24: the keys that work
//! are always on the bottom line (a message goes above them), `?` opens the
//! help from the search field, nothing is cut without `…` (the help wraps),
//! and the quantity prompt starts at the basket used last, by either face,
//! and goes both ways or by name.

use crate::common::faults::{Fault, relay};
use crate::common::tmux::Tmux;
use crate::common::*;

fn last_lines(screen: &str, n: usize) -> Vec<&str> {
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len().saturating_sub(n)..].to_vec()
}

#[test]
fn keys_and_messages_both_show_the_help_wraps_and_the_header_is_never_cut_silently() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url, |_| false, |_| false);
    let home = Home::synced(&relay.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();

    let t = Tmux::start(&home, 80, 24);
    let screen = t.wait_for("catalog up to date");
    let bottom = last_lines(&screen, 2);
    assert!(bottom[0].contains("catalog up to date"), "the message above the keys:\n{screen}");
    assert!(bottom[1].contains("? help") && bottom[1].contains("^a add"), "the keys of the search field:\n{screen}");

    // `?` in the (empty) search field: the help, not a `?` typed.
    t.keys(&["?"]);
    let help = t.wait_for("Help —");
    assert!(help.contains("Account screen: company, limits, credit,"), "{help}");
    assert!(help.contains("addresses, supplier contact"), "the rest of the line wraps:\n{help}");
    assert!(!help.contains("credit, ad│"), "{help}");
    t.keys(&["Escape"]);
    drop(t);

    // Without the shop the header says so in full; the names give way, with `…`.
    relay.set(Fault::Down);
    let t = Tmux::start(&home, 80, 24);
    let screen = t.wait_for("[OFFLINE — working from the cache]");
    let header = screen.lines().next().unwrap();
    assert!(header.contains('…') && header.contains("parts"), "{header}");
}

#[test]
fn the_quantity_prompt_starts_at_the_basket_used_last_and_goes_both_ways_or_by_name() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    for name in ["alpha", "beta", "gamma", "zeta"] {
        home.run(&["basket", "new", name]).ok();
    }
    // Used last from the command line: gamma.
    home.run(&["basket", "add", "gamma", "T-SCR-1", "100"]).ok();

    let t = Tmux::start(&home, 80, 24);
    t.wait_for("catalog up to date");
    t.literal("62052rsh");
    t.wait_for("6205-2RSH/C3");
    t.keys(&["C-a"]);
    let prompt = t.wait_for("Add T-BRG-1 to basket gamma");
    assert!(prompt.contains("gamma (1 of 4)"), "{prompt}");
    t.keys(&["BTab"]);
    t.wait_for("Add T-BRG-1 to basket alpha");
    t.keys(&["Tab", "Tab"]);
    t.wait_for("Add T-BRG-1 to basket zeta");
    t.literal("b");
    t.wait_for("Add T-BRG-1 to basket beta");
    t.literal("5");
    t.keys(&["Enter"]);
    t.wait_for("5 × T-BRG-1 added to beta");
    let beta = home.run(&["--json", "basket", "show", "beta"]).ok().json();
    assert_eq!((beta["lines"][0]["sku"].as_str(), beta["lines"][0]["quantity"].as_u64()), (Some("T-BRG-1"), Some(5)));
}
