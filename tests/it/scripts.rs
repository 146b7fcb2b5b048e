//! One contract for scripts: `order preview` runs every check `order
//! submit` runs and gives its exit code, the same outcome is written in the
//! same shape by both, and every refusal a script may act on carries a
//! documented `code`.

use crate::common::faults::{Fault, relay};
use crate::common::*;
use serde_json::Value;

fn stderr_json(run: &Run) -> Value {
    serde_json::from_str(&run.stderr()).unwrap_or_else(|e| panic!("stderr is not JSON ({e}):\n{}", run.stderr()))
}

/// A PO number another order holds: preview exits 5 as submit does, with
/// the code `duplicate_po` and the flag that overrides it; a rerun of the
/// order placed is no duplicate (submit replays it), and preview says so.
#[test]
fn preview_refuses_a_duplicate_po_as_submit_does() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "a"]).ok();
    home.run(&["basket", "add", "a", "T-BRG-1", "10"]).ok();
    home.run(&["basket", "new", "b"]).ok();
    home.run(&["basket", "add", "b", "T-CON-1", "1"]).ok();
    let placed = home.run(&["--json", "order", "submit", "--basket", "a", "--po", "PO-D1"]).ok().json();
    let number = placed["order"]["number"].as_str().unwrap().to_string();

    let preview = home.run(&["--json", "order", "preview", "--basket", "b", "--po", "PO-D1"]).fails_with(5);
    let e = stderr_json(&preview);
    assert_eq!(e["error"]["code"], "duplicate_po", "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains(&number), "names the order: {e}");
    assert!(e["error"]["hint"].as_str().unwrap().contains("--allow-duplicate-po"), "{e}");
    assert!(!preview.stderr().contains("allow_duplicate_po"), "the flag, not the protocol's field: {e}");
    let text = home.run(&["order", "preview", "--basket", "b", "--po", "PO-D1"]).fails_with(5);
    assert!(text.stderr().contains("hint: --allow-duplicate-po"), "{}", text.stderr());
    let submit = home.run(&["--json", "order", "submit", "--basket", "b", "--po", "PO-D1"]).fails_with(5);
    assert_eq!(stderr_json(&submit)["error"]["code"], "duplicate_po");
    home.run(&["order", "preview", "--basket", "b", "--po", "PO-D1", "--allow-duplicate-po"]).ok();

    // The same order again from the same basket: a replay, not a duplicate.
    let again = home.run(&["--json", "order", "preview", "--basket", "a", "--po", "PO-D1"]).ok().json();
    assert_eq!(again["preview"]["replay_of"], number.as_str(), "{again}");
    let text = home.run(&["order", "preview", "--basket", "a", "--po", "PO-D1"]).ok();
    assert!(text.stdout().contains(&format!("already placed as order {number}")), "{}", text.stdout());
    let replay = home.run(&["--json", "order", "submit", "--basket", "a", "--po", "PO-D1"]).ok().json();
    assert_eq!((replay["order"]["number"].as_str(), replay["replayed"].as_bool()), (Some(number.as_str()), Some(true)));
    assert_eq!(orders_with_po(&home, "PO-D1").len(), 1);
}

/// Exit 6 is written the same way by preview and submit: the error object
/// on stderr (kind, code, price_changes); preview's data stays on stdout.
#[test]
fn at_exit_6_preview_and_submit_write_one_error_shape() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "10"]).ok();
    let raised = "company,sku,min_qty,unit_price\nACME,T-BRG-1,1,6.90\nACME,T-BRG-1,10,6.30\n";
    assert!(shop.import(CATALOG, Some(raised)).status.success());

    let preview = home.run(&["--json", "order", "preview", "--basket", "weekly", "--po", "PO-6"]).fails_with(6);
    let data = preview.json();
    assert_eq!(data["price_changes"][0]["now"], "6.30", "the preview on stdout: {data}");
    let from_preview = stderr_json(&preview);
    let submit = home.run(&["--json", "order", "submit", "--basket", "weekly", "--po", "PO-6"]).fails_with(6);
    assert!(submit.stdout().is_empty(), "{}", submit.stdout());
    let from_submit = stderr_json(&submit);
    assert_eq!(from_preview["error"]["kind"], "price_changed");
    assert_eq!(from_preview["error"]["code"], "price_changed");
    assert_eq!(from_preview["error"]["price_changes"][0]["seen"], "6.10");
    assert_eq!(from_preview, from_submit, "one shape for one outcome");
    // The same check `jq -r .error.code` a script makes on either.
    assert!(from_preview["error"]["code"].is_string() && from_submit["error"]["code"].is_string());
}

/// An order above the available credit: the shop refuses it at submit
/// (exit 5, `credit_limit_exceeded`); preview gives that exit code too.
#[test]
fn preview_refuses_an_order_above_the_credit_as_submit_does() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "huge"]).ok();
    home.run(&["basket", "add", "huge", "T-CON-1", "4000"]).ok();
    let preview = home.run(&["--json", "order", "preview", "--basket", "huge", "--po", "PO-C1"]).fails_with(5);
    assert!(preview.json()["credit_shortfall"].is_string(), "the preview is on stdout: {}", preview.stdout());
    assert_eq!(stderr_json(&preview)["error"]["code"], "credit_limit_exceeded");
    let submit = home.run(&["--json", "order", "submit", "--basket", "huge", "--po", "PO-C1"]).fails_with(5);
    assert_eq!(stderr_json(&submit)["error"]["code"], "credit_limit_exceeded");
    assert!(orders_with_po(&home, "PO-C1").is_empty());
}

/// A basket with an order waiting for the shop: an edit says it is not in
/// that order, `order pending` says the basket changed, another PO number
/// is refused with a code by preview and submit alike, and the preview is
/// of the order that waits, which is what submit sends.
#[test]
fn a_waiting_order_is_what_is_sent_and_edits_say_so() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url, |_| false, |_| false);
    let home = Home::synced(&relay.url, "ACME", "buyer");
    home.run(&["basket", "new", "spares"]).ok();
    home.run(&["basket", "add", "spares", "T-BRG-1", "10"]).ok();
    relay.set(Fault::Down);
    home.run(&["order", "submit", "--basket", "spares", "--po", "W-1"]).fails_with(4);

    let add = home.run(&["basket", "add", "spares", "T-CON-1", "1"]).ok();
    assert!(add.stderr().contains("has an order waiting for the shop (PO W-1, 1 line"), "{}", add.stderr());
    assert!(add.stderr().contains("this change is not in it"), "{}", add.stderr());
    let pending = home.run(&["--json", "order", "pending"]).ok().json();
    assert_eq!(pending[0]["basket_changed"], true, "{pending}");
    let text = home.run(&["order", "pending"]).ok();
    assert!(text.stdout().contains("the basket changed since"), "{}", text.stdout());

    for cmd in ["preview", "submit"] {
        let other = home.run(&["--json", "order", cmd, "--basket", "spares", "--po", "W-2"]).fails_with(5);
        assert_eq!(stderr_json(&other)["error"]["code"], "order_waiting", "{cmd}: {}", other.stderr());
    }

    relay.set(Fault::Pass);
    let preview = home.run(&["--json", "order", "preview", "--basket", "spares"]).ok().json();
    assert_eq!(preview["waiting"], true, "{preview}");
    assert_eq!(preview["draft"]["lines"].as_array().unwrap().len(), 1, "the order as it waits: {preview}");
    let done = home.run(&["--json", "order", "submit", "--basket", "spares"]).ok().json();
    assert_eq!(done["order"]["lines"].as_array().unwrap().len(), 1, "{done}");
    assert_eq!(done["resumed"], true);
}

/// The app, too, says that a change to a basket whose order waits is not in
/// that order, and the basket shows that its order waits (80×24).
#[test]
fn the_app_says_a_change_is_not_in_the_waiting_order() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url, |_| false, |_| false);
    let home = Home::synced(&relay.url, "ACME", "buyer");
    home.run(&["basket", "new", "w"]).ok();
    home.run(&["basket", "add", "w", "T-BRG-1", "10"]).ok();
    relay.set(Fault::Down);
    home.run(&["order", "submit", "--basket", "w", "--po", "W-APP"]).fails_with(4);

    let t = crate::common::tmux::Tmux::start(&home, 80, 24);
    t.wait_for("Type number, SKU");
    t.literal("T-CON-1");
    t.wait_for("3RT2015");
    t.keys(&["C-a"]);
    t.wait_for("Add T-CON-1 to basket w");
    t.keys(&["Enter"]);
    let screen = t.wait_for("this change is not in it");
    assert!(screen.contains("W-APP"), "names the waiting order: {screen}");
    t.keys(&["F3"]);
    let screen = t.wait_for("an order waits for the shop");
    assert!(screen.contains("changes here are"), "{screen}");
}
