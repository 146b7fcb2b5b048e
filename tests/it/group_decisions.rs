//! Quote requests, approvals, credit and reorder, through the real binary
//! against the real reference shop. The supplier answers with the shop's
//! own CLI (`procure shop quote …`).

use crate::common::*;
use chrono::{Duration, Utc};

const LIMITS: &str = "\
sku,name,mpn,manufacturer,unit,pack_size,min_qty,lead_time_days,stock,list_price
T-HUN-1,Gear motor 100,GM-100,Acme Drives,pc,1,1,5,500,100.00
T-ONE-1,Cable tie 1,CT-1,Acme Drives,pc,1,1,1,9000,1.00
T-CENT-1,Washer 1 cent,W-1,Acme Drives,pc,1,1,1,9000,0.01
T-OLD-1,Sensor old,SN-OLD,Acme Drives,pc,1,1,1,50,20.00
T-NEW-1,Sensor new,SN-NEW,Acme Drives,pc,1,1,1,50,22.00
";

fn shop() -> Shop {
    let shop = shop_with_catalog();
    let out = shop.import(LIMITS, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    shop
}

fn basket(home: &Home, name: &str, lines: &[(&str, &str)]) {
    home.run(&["basket", "new", name]).ok();
    for (sku, qty) in lines {
        home.run(&["basket", "add", name, sku, qty]).ok();
    }
}

fn quote_number(run: &Run) -> String {
    run.json()["number"].as_str().unwrap().to_string()
}

#[test]
fn request_offer_accept_becomes_an_order_at_the_offered_prices() {
    let shop = shop();
    let buyer = Home::synced(&shop.url, "ACME", "buyer");
    basket(&buyer, "rfq", &[("T-BRG-1", "40"), ("T-HUN-1", "3")]);
    let date = (Utc::now().date_naive() + Duration::days(20)).to_string();
    let q = buyer
        .run(&[
            "--json",
            "quote",
            "request",
            "--basket",
            "rfq",
            "--target",
            "T-BRG-1=5.50",
            "--deliver-on",
            &date,
            "--comment",
            "yearly volume",
        ])
        .ok();
    let number = quote_number(&q);
    assert_eq!(q.json()["status"], "requested");

    let listed = shop.supplier(&["quote", "list", "--json"]).ok().json();
    assert!(listed.as_array().unwrap().iter().any(|x| x["number"] == number.as_str()), "{listed}");
    shop.supplier(&[
        "quote",
        "offer",
        &number,
        "--price",
        "T-BRG-1=5.80",
        "--price",
        "T-HUN-1=95.00",
        "--valid-days",
        "14",
        "--message",
        "best we can do",
    ])
    .ok();

    let shown = buyer.run(&["--json", "quote", "show", &number]).ok().json();
    assert_eq!(shown["status"], "offered");
    let line = shown["lines"].as_array().unwrap().iter().find(|l| l["sku"] == "T-BRG-1").unwrap().clone();
    assert_eq!(line["target_unit_price"], "5.50");
    assert_eq!(line["offered_unit_price"], "5.80");
    assert!(shown["messages"].as_array().unwrap().iter().any(|m| m["text"] == "best we can do"));
    let human = buyer.run(&["quote", "show", &number]).ok();
    assert!(human.stdout().contains("5.50") && human.stdout().contains("5.80"), "{}", human.stdout());

    let accepted = buyer.run(&["--json", "quote", "accept", &number, "--po", "Q-PO-1"]).ok().json();
    assert_eq!(accepted["quote"]["status"], "accepted");
    let order = &accepted["order"];
    assert_eq!(order["po_number"], "Q-PO-1");
    let l = order["lines"].as_array().unwrap().iter().find(|l| l["sku"] == "T-BRG-1").unwrap().clone();
    assert_eq!(l["unit_price"], "5.80");
    assert_eq!(l["line_total"], "232.00");
    // 40 × 5.80 + 3 × 95.00 = 517.00 net
    assert_eq!(order["totals"]["net"], "517.00");
    assert_eq!(order["quote_number"], number.as_str());

    // Accepting twice is refused.
    let again = buyer.run(&["quote", "accept", &number, "--po", "Q-PO-2"]).fails_with(5);
    assert!(again.stderr().contains("accepted"), "{}", again.stderr());
    let orders = buyer.run(&["--json", "order", "list"]).ok().json();
    assert_eq!(
        orders.as_array().unwrap().iter().filter(|o| o["po_number"].as_str().unwrap_or("").starts_with("Q-PO")).count(),
        1
    );
}

#[test]
fn an_expired_offer_cannot_be_accepted() {
    let shop = shop();
    let buyer = Home::synced(&shop.url, "ACME", "buyer");
    basket(&buyer, "rfq", &[("T-HUN-1", "2")]);
    let number = quote_number(&buyer.run(&["--json", "quote", "request", "--basket", "rfq"]).ok());
    let yesterday = (Utc::now().date_naive() - Duration::days(1)).to_string();
    shop.supplier(&["quote", "offer", &number, "--price", "T-HUN-1=90.00", "--valid-until", &yesterday]).ok();
    let r = buyer.run(&["quote", "accept", &number, "--po", "LATE-1"]).fails_with(5);
    assert!(r.stderr().contains("expired"), "{}", r.stderr());
    let shown = buyer.run(&["--json", "quote", "show", &number]).ok().json();
    assert_eq!(shown["status"], "expired");
}

#[test]
fn another_companys_quote_cannot_be_accepted_and_declined_stays_declined() {
    let shop = shop();
    let acme = Home::synced(&shop.url, "ACME", "buyer");
    basket(&acme, "rfq", &[("T-HUN-1", "2")]);
    let number = quote_number(&acme.run(&["--json", "quote", "request", "--basket", "rfq"]).ok());
    shop.supplier(&["quote", "offer", &number, "--discount", "5", "--valid-days", "3"]).ok();
    let shown = acme.run(&["--json", "quote", "show", &number]).ok().json();
    assert_eq!(shown["lines"][0]["offered_unit_price"], "95.00", "5% under 100.00: {shown}");

    let bolt = Home::synced(&shop.url, "BOLT", "buyer");
    bolt.run(&["quote", "accept", &number, "--po", "STEAL-1"]).fails_with(5);
    bolt.run(&["quote", "show", &number]).fails_with(5);

    acme.run(&["quote", "decline", &number, "--reason", "too slow"]).ok();
    let r = acme.run(&["quote", "accept", &number, "--po", "X-1"]).fails_with(5);
    assert!(r.stderr().contains("declined"), "{}", r.stderr());
}

fn place(home: &Home, name: &str, lines: &[(&str, &str)], po: &str) -> serde_json::Value {
    basket(home, name, lines);
    home.run(&["--json", "order", "submit", "--basket", name, "--po", po]).ok().json()
}

#[test]
fn orders_at_under_and_over_the_buyers_limit() {
    let shop = shop();
    let buyer = Home::synced(&shop.url, "ACME", "buyer"); // limit 5,000.00 net
    let at = place(&buyer, "at", &[("T-HUN-1", "50")], "AT");
    assert_eq!(at["order"]["totals"]["net"], "5000.00");
    assert_eq!(at["order"]["status"], "placed", "exactly at the limit needs no approval");
    let under = place(&buyer, "under", &[("T-HUN-1", "49"), ("T-ONE-1", "99"), ("T-CENT-1", "99")], "UNDER");
    assert_eq!(under["order"]["totals"]["net"], "4999.99");
    assert_eq!(under["order"]["status"], "placed");
    let over = place(&buyer, "over", &[("T-HUN-1", "50"), ("T-CENT-1", "1")], "OVER");
    assert_eq!(over["order"]["totals"]["net"], "5000.01");
    assert_eq!(over["order"]["status"], "pending_approval");
    let number = over["order"]["number"].as_str().unwrap().to_string();

    // Buyers cannot see the approval queue or approve.
    buyer.run(&["approvals", "list"]).fails_with(5);
    buyer.run(&["approvals", "approve", &number]).fails_with(5);

    // An approver of another company cannot see or decide it.
    let other = Home::synced(&shop.url, "BOLT", "approver");
    let q = other.run(&["--json", "approvals", "list"]).ok().json();
    assert!(q.as_array().unwrap().iter().all(|o| o["number"] != number.as_str()));
    other.run(&["approvals", "approve", &number]).fails_with(5);

    // The approver of the same company approves; the buyer sees it.
    let approver = Home::synced(&shop.url, "ACME", "approver");
    let q = approver.run(&["--json", "approvals", "list"]).ok().json();
    assert!(q.as_array().unwrap().iter().any(|o| o["number"] == number.as_str()), "{q}");
    let done = approver.run(&["--json", "approvals", "approve", &number]).ok().json();
    assert_eq!(done["status"], "placed");
    let seen = buyer.run(&["--json", "order", "show", &number]).ok().json();
    assert_eq!(seen["approval"]["decision"], "approved");
    assert_eq!(seen["approval"]["decided_by"], "approver");
    // Deciding twice is refused.
    approver.run(&["approvals", "reject", &number, "--reason", "late"]).fails_with(5);
}

#[test]
fn nobody_approves_their_own_order_and_a_rejection_carries_its_reason() {
    let shop = shop();
    let approver = Home::synced(&shop.url, "ACME", "approver"); // limit 25,000.00 net
    let own = place(&approver, "big", &[("T-HUN-1", "251")], "OWN");
    assert_eq!(own["order"]["status"], "pending_approval");
    let number = own["order"]["number"].as_str().unwrap().to_string();
    let r = approver.run(&["approvals", "approve", &number]).fails_with(5);
    assert!(r.stderr().contains("own"), "{}", r.stderr());
    approver.run(&["approvals", "reject", &number]).fails_with(2); // --reason is required

    let admin = Home::synced(&shop.url, "ACME", "admin");
    let rejected =
        admin.run(&["--json", "approvals", "reject", &number, "--reason", "split it per quarter"]).ok().json();
    assert_eq!(rejected["status"], "cancelled");
    let seen = approver.run(&["--json", "order", "show", &number]).ok().json();
    assert_eq!(seen["approval"]["reason"], "split it per quarter");
}

#[test]
fn an_order_beyond_the_available_credit_is_refused_by_how_much() {
    let shop = shop();
    let buyer = Home::synced(&shop.url, "CRANE", "buyer"); // CRANE: credit limit 10,000.00
    let credit = buyer.run(&["--json", "credit"]).ok().json();
    assert_eq!(credit["limit"], "10000.00");
    basket(&buyer, "huge", &[("T-HUN-1", "90")]); // 9,000 net, 10,719.90 gross with VAT and shipping
    let preview = buyer.run(&["--json", "order", "preview", "--basket", "huge", "--po", "C-1"]);
    let r = buyer.run(&["order", "submit", "--basket", "huge", "--po", "C-1"]).fails_with(5);
    assert!(
        r.stderr().contains("credit") && r.stderr().contains(" by "),
        "{}\npreview: {}",
        r.stderr(),
        preview.stdout()
    );
    let orders = buyer.run(&["--json", "order", "list"]).ok().json();
    assert!(orders.as_array().unwrap().iter().all(|o| o["po_number"] != "C-1"), "nothing was ordered: {orders}");
}

#[test]
fn reorder_replaces_a_discontinued_part_with_its_successor_and_says_so() {
    let shop = shop();
    let buyer = Home::synced(&shop.url, "ACME", "buyer");
    let placed = place(&buyer, "sensors", &[("T-OLD-1", "3"), ("T-ONE-1", "10")], "R-1");
    let number = placed["order"]["number"].as_str().unwrap().to_string();
    // The supplier discontinues T-OLD-1 in favour of T-NEW-1 and changes a price.
    let update = "sku,name,list_price,discontinued,replaced_by\nT-OLD-1,Sensor old,20.00,true,T-NEW-1\nT-ONE-1,Cable tie 1,1.10,,\n";
    assert!(shop.import(update, None).status.success());
    buyer.run(&["sync"]).ok();
    let r = buyer.run(&["--json", "order", "reorder", &number, "--into", "again"]).ok().json();
    let lines = r["lines"].as_array().unwrap();
    let new = lines.iter().find(|l| l["ordered_sku"] == "T-OLD-1").unwrap();
    assert_eq!(new["sku"], "T-NEW-1");
    assert_eq!(new["replaced"], true);
    let tie = lines.iter().find(|l| l["sku"] == "T-ONE-1").unwrap();
    assert_eq!(tie["old_unit_price"], "1.00");
    assert_eq!(tie["new_unit_price"], "1.10");
    let human = buyer.run(&["order", "reorder", &number, "--into", "again2"]).ok();
    assert!(human.stdout().contains("REPLACED") && human.stdout().contains("1.00 → 1.10"), "{}", human.stdout());
    let b = buyer.run(&["--json", "basket", "show", "again"]).ok().json();
    let skus: Vec<_> = b["lines"].as_array().unwrap().iter().map(|l| l["sku"].as_str().unwrap().to_string()).collect();
    assert_eq!(skus, vec!["T-NEW-1", "T-ONE-1"]);
}
