//! A submission whose answer is lost on the way back is retried without
//! making a second order. The fault is a real one: a TCP relay between the
//! client and the real shop that drops the answer to the order creation.

use crate::common::faults::{Fault, relay};
use crate::common::*;

/// The order creation: its answer is the one to lose.
fn is_order_creation(request: &[u8]) -> bool {
    request.starts_with(b"POST /api/v1/orders HTTP/1.1")
}

#[test]
fn a_retried_submission_makes_one_order() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url, is_order_creation, |_| false);
    let home = Home::synced(&relay.url, "ACME", "buyer");
    home.run(&["basket", "new", "r"]).ok();
    home.run(&["basket", "add", "r", "T-BRG-1", "3"]).ok();

    relay.set(Fault::LoseAnswer);
    let first = home.run(&["order", "submit", "--basket", "r", "--po", "R-1"]).fails_with(4);
    assert!(first.stderr().contains("run the same command again"), "{}", first.stderr());
    let text = std::fs::read_to_string(home.basket_file("default", "r")).unwrap();
    assert!(text.contains("idempotency_key"), "the key is kept for the retry: {text}");

    relay.set(Fault::Pass);
    let second = home.run(&["--json", "order", "submit", "--basket", "r", "--po", "R-1"]).ok().json();
    assert_eq!(second["replayed"], true, "the shop returned the order made by the first try: {second}");

    let list = home.run(&["--json", "order", "list"]).ok().json();
    let orders: Vec<_> = list.as_array().unwrap().iter().filter(|o| o["po_number"] == "R-1").collect();
    assert_eq!(orders.len(), 1, "exactly one order: {list}");
    assert_eq!(orders[0]["number"], second["order"]["number"]);

    // A further submission after the confirmed one is a new order (the basket is a template).
    let third = home.run(&["--json", "order", "submit", "--basket", "r", "--po", "R-2"]).ok().json();
    assert_eq!(third["replayed"], false);
    assert_ne!(third["order"]["number"], second["order"]["number"]);
}
