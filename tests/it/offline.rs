//! Offline means offline: the technician on the shop floor without the shop
//! gets the orders, credit, quotes and approvals last seen, marked with
//! when they were seen (`"offline": true`, `"as_of"` in JSON), and the
//! messages name what is wrong once.

use crate::common::faults::{Fault, relay};
use crate::common::*;
use serde_json::Value;

fn json(run: Run) -> Value {
    run.ok().json()
}

#[test]
fn without_the_shop_the_commands_show_what_was_seen_last() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url, |_| false, |_| false);
    let home = Home::synced(&relay.url, "ACME", "buyer");
    let approver = Home::synced(&relay.url, "ACME", "approver");
    home.run(&["basket", "new", "big"]).ok();
    home.run(&["basket", "add", "big", "T-CON-1", "200"]).ok();
    home.run(&["order", "submit", "--basket", "big", "--po", "OFF-BIG"]).ok();
    home.run(&["basket", "new", "w"]).ok();
    home.run(&["basket", "add", "w", "T-BRG-1", "10"]).ok();
    home.run(&["--json", "quote", "request", "--basket", "w"]).ok();

    // Seen online once.
    let orders = json(home.run(&["--json", "order", "list"]));
    let number = orders[0]["number"].as_str().unwrap().to_string();
    let order = json(home.run(&["--json", "order", "show", &number]));
    let credit = json(home.run(&["--json", "credit"]));
    let quotes = json(home.run(&["--json", "quote", "list"]));
    let approvals = json(approver.run(&["--json", "approvals", "list"]));
    assert!(!approvals.as_array().unwrap().is_empty());
    assert_eq!(credit["offline"], false);

    relay.set(Fault::Down);
    let off = json(home.run(&["--json", "credit"]));
    assert_eq!((off["offline"].as_bool(), &off["available"]), (Some(true), &credit["available"]), "{off}");
    assert!(off["as_of"].is_string());
    let text = home.run(&["credit"]).ok();
    assert!(text.stderr().contains("as last seen"), "{}", text.stderr());
    assert!(text.stdout().contains("Credit limit"), "{}", text.stdout());

    let off = json(home.run(&["--json", "quote", "list"]));
    assert_eq!(off.as_array().unwrap().len(), quotes.as_array().unwrap().len());
    assert_eq!((off[0]["offline"].as_bool(), off[0]["number"].as_str()), (Some(true), quotes[0]["number"].as_str()));
    assert!(off[0]["as_of"].is_string(), "{off}");
    let text = home.run(&["quote", "list"]).ok();
    assert!(text.stderr().contains("the quotes as last seen"), "{}", text.stderr());

    let off = json(approver.run(&["--json", "approvals", "list"]));
    assert_eq!(off[0]["number"], approvals[0]["number"]);
    assert_eq!(off[0]["offline"], true);
    let text = approver.run(&["approvals", "list"]).ok();
    assert!(text.stderr().contains("the approvals as last seen"), "{}", text.stderr());

    let off = json(home.run(&["--json", "order", "list"]));
    assert_eq!(off.as_array().unwrap().len(), orders.as_array().unwrap().len(), "{off}");
    assert_eq!(off[0]["number"], number.as_str());
    let text = home.run(&["order", "list"]).ok();
    assert!(text.stdout().contains(&number), "{}", text.stdout());
    let off = json(home.run(&["--json", "order", "show", &number]));
    assert_eq!(off["offline"], true, "{off}");
    assert_eq!(off["lines"], order["lines"]);

    // The account: the credit as last seen, not "not shown by this shop".
    let text = home.run(&["account"]).ok();
    assert!(text.stderr().contains("Offline"), "{}", text.stderr());
    assert!(!text.stdout().contains("not shown by this shop"), "{}", text.stdout());
    assert!(text.stdout().contains("as last seen"), "{}", text.stdout());
    let off = json(home.run(&["--json", "account"]));
    assert_eq!((off["offline"].as_bool(), &off["credit"]["available"]), (Some(true), &credit["available"]));

    // A submission without the shop: the reason once.
    let sent = home.run(&["order", "submit", "--basket", "w", "--po", "OFF-1"]).fails_with(4);
    let err = sent.stderr();
    assert_eq!(err.matches("cannot reach the shop at").count(), 1, "one clause, once: {err}");
    assert!(err.contains("it waits with basket \"w\""), "{err}");
}

/// Never seen online: an honest error, not an empty list.
#[test]
fn without_the_shop_and_nothing_seen_it_says_so() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url, |_| false, |_| false);
    let home = Home::synced(&relay.url, "ACME", "buyer");
    relay.set(Fault::Down);
    for args in [&["credit"][..], &["quote", "list"]] {
        let r = home.run(args).fails_with(4);
        assert!(r.stderr().contains("cannot reach the shop"), "{args:?}: {}", r.stderr());
    }
}
