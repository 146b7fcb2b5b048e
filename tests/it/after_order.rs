//! After the order, against the real binary and the real reference shop:
//! the supplier confirms with one line promised late, ships in part with
//! tracking and a certificate, invoices one line 3 % above the order price
//! and one within a 1 % tolerance, credits and is paid; the buyer chases
//! the late line, receives the goods, checks and disputes the invoice and
//! reads the statement. The local history is shown offline with its date,
//! and bad documents are refused without changing what is kept.

use crate::common::faults::{Answer, Fault, Hostile, Rule, relay};
use crate::common::*;
use rust_decimal::Decimal;
use serde_json::Value;
use std::str::FromStr;

fn in_days(n: i64) -> String {
    (chrono::Local::now().date_naive() + chrono::Duration::days(n)).to_string()
}

fn dec(v: &Value) -> Decimal {
    Decimal::from_str(v.as_str().unwrap_or_else(|| panic!("not a decimal string: {v}"))).unwrap()
}

/// A buyer of ACME with the contract prices, a 1 % price tolerance, and a
/// basket of 10 bearings and 2 contactors.
fn buyer(url: &str) -> Home {
    let home = Home::synced(url, "ACME", "buyer");
    home.write_config("\n[matching]\nprice_tolerance_pct = 1\n");
    home.run(&["basket", "new", "b"]).ok();
    home.run(&["basket", "add", "b", "T-BRG-1", "10"]).ok();
    home.run(&["basket", "add", "b", "T-CON-1", "2"]).ok();
    home
}

/// Places the basket as an order wanted in 10 days; its number.
fn order(home: &Home, po: &str) -> String {
    let deliver = in_days(10);
    let done = home.run(&["--json", "order", "submit", "--basket", "b", "--po", po, "--deliver-on", &deliver]).ok();
    done.json()["order"]["number"].as_str().unwrap().to_string()
}

/// The statement adds up: open items to the totals and the ageing, and the
/// open balance is the shop's (`procure credit`).
fn statement_adds_up(home: &Home) -> Value {
    let all = home.run(&["--json", "statement"]).ok().json();
    let s = &all["statements"][0];
    let mut signed = Decimal::ZERO;
    for i in s["open_items"].as_array().unwrap() {
        let open = dec(&i["open"]);
        signed += if i["kind"] == "credit_note" { -open } else { open };
    }
    assert_eq!(dec(&s["open_total"]), signed, "open items vs open_total: {s:#}");
    assert_eq!(dec(&s["open_total"]), dec(&s["invoices_open"]) - dec(&s["credits_open"]), "{s:#}");
    let ageing: Decimal =
        ["not_due", "days_1_30", "days_31_60", "days_61_90", "over_90"].iter().map(|k| dec(&s["ageing"][k])).sum();
    assert_eq!(ageing, dec(&s["open_total"]), "the ageing adds up to the open total: {s:#}");
    assert_eq!(dec(&s["open_balance"]), dec(&s["open_total"]) + dec(&s["ordered_not_invoiced"]), "{s:#}");
    let credit = home.run(&["--json", "credit"]).ok().json();
    assert_eq!(dec(&s["open_balance"]), dec(&credit["open_balance"]), "statement vs credit: {s:#}\n{credit:#}");
    s.clone()
}

#[test]
fn the_whole_cycle_against_the_reference_shop() {
    let shop = shop_with_catalog();
    let home = buyer(&shop.url);
    let number = order(&home, "PO-AFTER-1");

    // Nothing is late before the supplier answers: the requested day is ahead.
    let late = home.run(&["--json", "order", "late"]).ok().json();
    assert!(late["lines"].as_array().unwrap().iter().all(|l| l["order"] != number.as_str()), "{late:#}");

    // The supplier confirms, the contactor five days after the day asked for.
    shop.supplier(&["order", "confirm", &number, "--promise", &format!("T-CON-1={}", in_days(15))]).ok();
    let late = home.run(&["--json", "order", "late"]).ok().json();
    let mine: Vec<&Value> =
        late["lines"].as_array().unwrap().iter().filter(|l| l["order"] == number.as_str()).collect();
    assert_eq!(mine.len(), 1, "exactly the line promised late: {late:#}");
    assert_eq!(mine[0]["sku"], "T-CON-1");
    assert_eq!(mine[0]["reason"], "promised_late");
    assert_eq!(mine[0]["days_late"], 5);
    assert_eq!(mine[0]["promised"], in_days(15));
    assert_eq!(late["offline"], false);
    let text = home.run(&["order", "late"]).ok().stdout();
    assert!(text.contains(&number) && text.contains("5 days after the requested"), "{text}");

    // A partial shipment with tracking and a certificate.
    let cert = home.path().join("3.1-batch-4711.txt");
    std::fs::write(&cert, "EN 10204 3.1 inspection certificate, batch 4711\n").unwrap();
    shop.supplier(&[
        "order",
        "ship",
        &number,
        "T-BRG-1=6",
        "T-CON-1=2",
        "--carrier",
        "DHL",
        "--tracking",
        "JJD0099887766",
        "--certificate",
        &format!("T-BRG-1={}", cert.display()),
    ])
    .ok();
    let shown = home.run(&["--json", "order", "show", &number]).ok().json();
    let s = &shown["shipments"][0];
    assert_eq!((s["carrier"].as_str(), s["tracking"].as_str()), (Some("DHL"), Some("JJD0099887766")), "{shown:#}");
    assert_eq!(s["documents"][0]["sku"], "T-BRG-1", "{shown:#}");
    let p = &shown["progress"];
    assert_eq!((p[0]["ordered"].as_u64(), p[0]["shipped"].as_u64()), (Some(10), Some(6)), "{shown:#}");
    assert_eq!(p[1]["promised"], in_days(15));
    let text = home.run(&["order", "show", &number]).ok().stdout();
    assert!(text.contains("tracking JJD0099887766") && text.contains("3.1-batch-4711"), "{text}");
    // Shipped in full, the contactor is no longer chased.
    let late = home.run(&["--json", "order", "late"]).ok().json();
    assert!(late["lines"].as_array().unwrap().iter().all(|l| l["order"] != number.as_str()), "{late:#}");

    // Goods receipt: more than shipped is refused with the numbers, and nothing is kept.
    let r = home.run(&["order", "receive", &number, "T-BRG-1=7"]).fails_with(5);
    assert!(r.stderr().contains("7 more would make 7 received of 6 shipped"), "{}", r.stderr());
    let r = home.run(&["--json", "order", "receive", &number, "T-BRG-1=6", "T-CON-1=2", "--id", "DN-1"]).ok().json();
    assert_eq!(r["replayed"], false);
    assert_eq!(r["receipt"]["id"], "DN-1");
    // The same receipt again is the same receipt; typed twice without an id it is more than shipped.
    let again = home.run(&["--json", "order", "receive", &number, "T-BRG-1=6", "T-CON-1=2", "--id", "DN-1"]).ok();
    assert_eq!(again.json()["replayed"], true);
    let twice = home.run(&["order", "receive", &number, "T-BRG-1=6"]).fails_with(5);
    assert!(twice.stderr().contains("12 received of 6 shipped"), "{}", twice.stderr());
    let other = home.run(&["order", "receive", &number, "T-BRG-1=1", "--id", "DN-1"]).fails_with(5);
    assert!(other.stderr().contains("with other goods"), "{}", other.stderr());
    let none = home.run(&["--json", "order", "receive", &number, "--all"]).ok().json();
    assert_eq!(none["receipt"], Value::Null, "--all receives only what is open: {none:#}");
    let shown = home.run(&["--json", "order", "show", &number]).ok().json();
    assert_eq!(shown["receipts"].as_array().unwrap().len(), 1, "{shown:#}");
    assert_eq!(shown["progress"][0]["received"], 6);

    // An invoice: the bearing 3 % above the order price, the contactor 0.97 % above.
    let inv =
        shop.supplier(&["invoice", "issue", &number, "--price", "T-BRG-1=6.283", "--price", "T-CON-1=31.30", "--json"]);
    let inv = inv.ok().json()["number"].as_str().unwrap().to_string();
    let check = home.run(&["--json", "invoice", "check", &inv]).fails_with(8);
    let c = check.json();
    assert_eq!(c["status"], "held", "{c:#}");
    let held: Vec<&Value> = c["lines"].as_array().unwrap().iter().filter(|l| l["status"] == "held").collect();
    assert_eq!(held.len(), 1, "exactly the line 3 % over: {c:#}");
    assert_eq!(held[0]["sku"], "T-BRG-1");
    assert_eq!(held[0]["problems"][0]["code"], "price_above_order");
    assert_eq!(held[0]["problems"][0]["percent"], "3.0");
    assert_eq!(held[0]["problems"][0]["amount"], "1.10", "0.183 × 6");
    let text = home.run(&["invoice", "check", &inv]).fails_with(8).stdout();
    assert!(text.contains("above the order's 6.10 by 3.0 %"), "{text}");
    let list = home.run(&["--json", "invoice", "list", "--open"]).ok().json();
    let row = list["invoices"].as_array().unwrap().iter().find(|i| i["number"] == inv.as_str()).cloned().unwrap();
    assert_eq!(row["match"], "held", "the match ran as the invoice arrived: {row:#}");
    statement_adds_up(&home);

    // The buyer disputes; the supplier sees it and credits the line.
    let d = home.run(&["--json", "invoice", "dispute", &inv, "--reason", "T-BRG-1 is 3 % above PO-AFTER-1"]).ok();
    assert_eq!(d.json()["disputes"][0]["reason"], "T-BRG-1 is 3 % above PO-AFTER-1");
    let seen = shop.supplier(&["invoice", "show", &inv]).ok().stdout();
    assert!(seen.contains("3 % above PO-AFTER-1"), "the supplier sees the dispute: {seen}");
    let cn = shop.supplier(&["invoice", "credit", &inv, "T-BRG-1=6", "--reason", "price as ordered", "--json"]);
    let cn = cn.ok().json()["number"].as_str().unwrap().to_string();
    let check = home.run(&["--json", "invoice", "check", &inv]).ok().json();
    assert_eq!(check["status"], "credited", "the credit note settles the line: {check:#}");
    assert_eq!(home.run(&["--json", "invoice", "check", &cn]).ok().json()["status"], "matched");
    statement_adds_up(&home);

    // Paid: the invoice, and the credit note offset.
    shop.supplier(&["invoice", "pay", &inv, "--reference", "bank 4711"]).ok();
    shop.supplier(&["invoice", "pay", &cn]).ok();
    let s = statement_adds_up(&home);
    assert!(
        s["open_items"].as_array().unwrap().iter().all(|i| i["number"] != inv.as_str() && i["number"] != cn.as_str())
    );
    assert!(s["payments"].as_array().unwrap().iter().any(|p| p["invoice"] == inv.as_str()), "{s:#}");
    let text = home.run(&["statement"]).ok().stdout();
    assert!(text.contains("Ageing: not due") && text.contains("open balance"), "{text}");
}

#[test]
fn offline_the_local_history_is_shown_with_its_date() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url, |_| false, |_| false);
    let home = buyer(&relay.url);
    let number = order(&home, "PO-OFF-1");
    shop.supplier(&["order", "confirm", &number, "--promise", &format!("T-CON-1={}", in_days(12))]).ok();
    home.run(&["sync"]).ok();
    relay.set(Fault::Down);
    let late = home.run(&["--json", "order", "late"]).ok().json();
    assert_eq!(late["offline"], true, "{late:#}");
    assert!(late["as_of"].is_string(), "{late:#}");
    assert!(late["lines"].as_array().unwrap().iter().any(|l| l["order"] == number.as_str()), "{late:#}");
    let text = home.run(&["order", "late"]).ok();
    assert!(text.stderr().contains("offline"), "{}", text.stderr());
    let shown = home.run(&["--json", "order", "show", &number]).ok().json();
    assert_eq!((shown["offline"].as_bool(), shown["status"].as_str()), (Some(true), Some("confirmed")));
    let list = home.run(&["--json", "invoice", "list", "--open"]).ok().json();
    assert_eq!(list["offline"], true);
    let s = home.run(&["--json", "statement"]).ok().json();
    assert_eq!(s["offline"], true);
    // Receiving works on the shop floor: against what the local copy says.
    let r = home.run(&["order", "receive", &number, "T-BRG-1=1"]).fails_with(5);
    assert!(r.stderr().contains("0 shipped"), "{}", r.stderr());
    // What needs the supplier says it is away.
    home.run(&["invoice", "dispute", "INV-ACME-1", "--reason", "x"]).fails_with(4);
}

/// The statement offers an invoice's discount for paying early while it
/// lasts: CRANE's terms give 2 % within 10 days; once part is paid, none.
#[test]
fn the_statement_offers_the_early_payment_discount_while_it_lasts() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url, |_| false, |_| false);
    let home = Home::synced(&relay.url, "CRANE", "buyer");
    home.run(&["basket", "new", "b"]).ok();
    home.run(&["basket", "add", "b", "T-BRG-1", "10"]).ok();
    let number = order(&home, "PO-EARLY-1");
    shop.supplier(&["order", "confirm", &number]).ok();
    shop.supplier(&["order", "ship", &number]).ok();
    let inv = shop.supplier(&["invoice", "issue", &number, "--json"]).ok().json();
    let offered = inv["early_payment"].clone();
    assert_eq!(offered["percent"], "2", "{inv:#}");
    assert_eq!(offered["until"], in_days(10), "{inv:#}");
    let inv = inv["number"].as_str().unwrap().to_string();
    let item = |s: &Value| {
        let items = s["statements"][0]["open_items"].as_array().unwrap();
        items.iter().find(|i| i["number"] == inv.as_str()).cloned().unwrap_or_else(|| panic!("{inv}: {s:#}"))
    };
    let s = home.run(&["--json", "statement"]).ok().json();
    assert_eq!(item(&s)["early_payment"], offered, "{s:#}");
    // Offline, from the local copy alone, the same.
    relay.set(Fault::Down);
    let s = home.run(&["--json", "statement"]).ok().json();
    assert_eq!((s["offline"].as_bool(), &item(&s)["early_payment"]), (Some(true), &offered), "{s:#}");
    relay.set(Fault::Pass);
    // Partly paid, the discount is gone.
    shop.supplier(&["invoice", "pay", &inv, "--amount", "10"]).ok();
    let s = home.run(&["--json", "statement"]).ok().json();
    assert_eq!(item(&s)["early_payment"], Value::Null, "{s:#}");
}

/// Runs `procure args` until `done` holds for its JSON (at most a minute).
fn until(home: &Home, args: &[&str], what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let v = home.run(args).ok().json();
        if done(&v) {
            return v;
        }
        assert!(std::time::Instant::now() < deadline, "{what}: {v:#}");
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// `procure demo` shows every state after the order without setup: the
/// order it places is confirmed with a line promised late, shipped in part
/// and invoiced by the demo supplier; the seeded history has paid, overdue
/// and credited invoices, goods received and one invoice the match holds.
#[test]
fn the_demo_shows_every_state_after_the_order() {
    use std::io::BufRead;
    let home = Home::new();
    let mut demo = home
        .cmd(&["demo", "--serve", "--products", "300", "--port", "0"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    struct Stop(std::process::Child);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stderr = demo.stderr.take().unwrap();
    let _demo = Stop(demo);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("The demo shop runs at") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(std::time::Duration::from_secs(120)).expect("the demo shop runs");

    // The order the demo placed: confirmed with its last line promised late …
    let late = until(&home, &["--json", "order", "late"], "the demo order's late line", |v| {
        v["lines"].as_array().unwrap().iter().any(|l| l["po_number"] == "PO-DEMO-1" && l["reason"] == "promised_late")
    });
    let number = late["lines"].as_array().unwrap().iter().find(|l| l["po_number"] == "PO-DEMO-1").unwrap()["order"]
        .as_str()
        .unwrap()
        .to_string();
    // … shipped in part, with the shipment invoiced.
    let shown = until(&home, &["--json", "order", "show", &number], "the demo order shipped and invoiced", |v| {
        let shipped = v["shipments"].as_array().is_some_and(|s| !s.is_empty());
        shipped && v["progress"].as_array().unwrap().iter().any(|p| p["invoiced"].as_u64() > Some(0))
    });
    let partly = shown["progress"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["shipped"].as_u64() > Some(0) && p["shipped"].as_u64() < p["ordered"].as_u64());
    assert!(partly, "a line shipped in part: {shown:#}");

    // The seeded history: paid, overdue, credited, held, received.
    let all = home.run(&["--json", "invoice", "list"]).ok().json();
    let invoices = all["invoices"].as_array().unwrap();
    assert!(invoices.iter().any(|i| i["status"] == "paid"), "a paid invoice: {all:#}");
    assert!(invoices.iter().any(|i| i["kind"] == "credit_note"), "a credit note: {all:#}");
    assert!(invoices.iter().any(|i| i["days_overdue"].as_i64() > Some(0)), "an overdue invoice: {all:#}");
    assert!(invoices.iter().any(|i| i["match"] == "held"), "an invoice the match holds: {all:#}");
    let s = home.run(&["--json", "statement"]).ok().json();
    let s = &s["statements"][0];
    assert!(dec(&s["overdue_total"]) > Decimal::ZERO && dec(&s["held_total"]) > Decimal::ZERO, "{s:#}");
    // A credit note past its date is owed to the buyer: never "overdue".
    let text = home.run(&["statement"]).ok().stdout();
    let credit = text.lines().find(|l| l.contains("CN-")).unwrap_or_else(|| panic!("a credit note: {text}"));
    assert!(credit.contains("credit to you") && !credit.contains("overdue"), "{credit}");
    let cn = invoices.iter().find(|i| i["kind"] == "credit_note").unwrap()["number"].as_str().unwrap();
    let shown = home.run(&["--json", "invoice", "show", cn]).ok().json();
    assert_eq!(shown["days_overdue"], 0, "{shown:#}");
    let delivered = home.run(&["--json", "order", "list", "--status", "delivered"]).ok().json();
    let received =
        delivered.as_array().into_iter().flatten().chain(delivered["orders"].as_array().into_iter().flatten());
    let received = received
        .filter_map(|o| o["number"].as_str())
        .filter(|n| {
            let shown = home.run(&["--json", "order", "show", n]).ok().json();
            shown["receipts"].as_array().is_some_and(|r| !r.is_empty())
        })
        .count();
    assert!(received > 0, "goods received at the dock: {delivered:#}");
}

/// Rewrites the invoice feed: the page the shop sent, changed by `f`.
struct Invoices(fn(&mut Vec<Value>));

impl Rule for Invoices {
    fn rewrite(&self, req: &crate::common::faults::Request, answer: Answer) -> Answer {
        if req.path() != "/api/v1/invoices" {
            return answer;
        }
        let Some(mut page) = answer.value() else { return answer };
        if let Some(items) = page["items"].as_array_mut() {
            (self.0)(items);
        }
        Answer::json(answer.status, &page)
    }
}

#[test]
fn bad_invoices_are_refused_with_where_and_nothing_kept_changes() {
    let shop = shop_with_catalog();
    let proxy = Hostile::start(&shop.url);
    let home = buyer(&proxy.url);
    let number = order(&home, "PO-BAD-1");
    shop.supplier(&["order", "confirm", &number]).ok();
    shop.supplier(&["order", "ship", &number]).ok();
    let inv = shop.supplier(&["invoice", "issue", &number, "--json"]).ok().json();
    let inv = inv["number"].as_str().unwrap().to_string();
    home.run(&["sync"]).ok();
    let before = home.run(&["--json", "invoice", "list"]).ok().json()["invoices"].clone();
    // A payment: the invoice comes again with the next refresh, and the proxy
    // makes four bad documents of it.
    shop.supplier(&["invoice", "pay", &inv, "--amount", "1.00"]).ok();

    // The same number with another line, totals that do not add up, a negative
    // price, a credit note larger than its invoice: each refused, naming where.
    proxy.set(Invoices(|items| {
        assert_eq!(items.len(), 1, "only the invoice paid: {items:?}");
        let mut changed = items[0].clone();
        changed["lines"][0]["name"] = "Another part".into();
        let mut sums = items[0].clone();
        sums["number"] = "INV-ACME-9901".into();
        sums["totals"]["gross"] = "1.00".into();
        let mut negative = items[0].clone();
        negative["number"] = "INV-ACME-9902".into();
        negative["lines"][0]["unit_price"] = "-6.10".into();
        let mut credit = items[0].clone();
        credit["number"] = "CN-ACME-9903".into();
        credit["kind"] = "credit_note".into();
        credit["credits_invoice"] = items[0]["number"].clone();
        let mut line = items[0]["lines"][0].clone();
        line["quantity"] = 1000.into();
        line["unit_price"] = "6.10".into();
        line["line_total"] = "6100.00".into();
        credit["lines"] = serde_json::json!([line]);
        credit["totals"]["net"] = "6100.00".into();
        credit["totals"]["vat"] = "1159.00".into();
        credit["totals"]["shipping"] = "0.00".into();
        credit["totals"]["gross"] = "7259.00".into();
        credit["open"] = "7259.00".into();
        credit["paid"] = "0.00".into();
        credit["status"] = "open".into();
        credit["payments"] = serde_json::json!([]);
        *items = vec![changed, sums, negative, credit];
    }));
    // The next refresh brings them.
    let sync = home.run(&["--json", "sync"]).ok();
    let refused = sync.json()["history"]["refused"].clone();
    let reasons: Vec<String> =
        refused.as_array().unwrap().iter().map(|r| r["reason"].as_str().unwrap().to_string()).collect();
    assert_eq!(reasons.len(), 4, "{reasons:#?}");
    assert!(reasons[0].contains(&format!("invoice {inv} arrived again with other lines; the one of")), "{reasons:#?}");
    assert!(reasons[1].contains("INV-ACME-9901") && reasons[1].contains("is not its lines plus shipping plus VAT"));
    assert!(
        reasons[2].contains("INV-ACME-9902") && reasons[2].contains("line 1 (T-BRG-1): unit price -6.10 is negative")
    );
    assert!(reasons[3].contains("CN-ACME-9903") && reasons[3].contains("left to credit"), "{reasons:#?}");
    assert!(sync.stderr().contains("Refused"), "{}", sync.stderr());
    proxy.set(crate::common::faults::PassThrough);
    let after = home.run(&["--json", "invoice", "list"]).ok().json();
    assert_eq!(after["invoices"], before, "nothing kept changed");
    assert_eq!(after["refused"].as_array().unwrap().len(), 4, "and the refusals are listed: {after:#}");
}

/// In a real terminal at 80×24: the Orders screen marks the order with the
/// line promised late and `L` shows that line; the Invoices screen holds
/// the invoice 3 % over and its detail says why; `R` receives goods.
#[test]
fn the_late_line_and_the_held_invoice_at_80x24() {
    use crate::common::tmux::Tmux;
    let shop = shop_with_catalog();
    let home = buyer(&shop.url);
    let number = order(&home, "PO-TMUX-9");
    shop.supplier(&["order", "confirm", &number, "--promise", &format!("T-CON-1={}", in_days(15))]).ok();
    shop.supplier(&["order", "ship", &number, "T-BRG-1=6", "T-CON-1=2", "--tracking", "JJD42"]).ok();
    home.run(&["order", "receive", &number, "--all"]).ok();
    shop.supplier(&["invoice", "issue", &number, "--price", "T-BRG-1=6.283"]).ok();
    // Shipped and received: not late any more. A second order is.
    let late = order(&home, "PO-TMUX-10");
    shop.supplier(&["order", "confirm", &late, "--promise", &format!("T-CON-1={}", in_days(15))]).ok();
    home.run(&["sync"]).ok();

    let t = Tmux::start(&home, 80, 24);
    t.wait_for("Type number, SKU");
    t.keys(&["F4"]);
    let screen = t.wait_for("with late lines");
    assert!(screen.contains(&format!("{late} ")) && screen.contains("LATE"), "{screen}");
    t.keys(&["L"]);
    let screen = t.wait_for("Late lines");
    assert!(screen.contains("T-CON-1") && screen.contains("promised late"), "{screen}");
    assert!(!screen.contains(&number), "the shipped order is not chased:\n{screen}");
    t.keys(&["Enter"]);
    let screen = t.wait_for("LATE +5 d");
    assert!(screen.contains(&format!("Order {late}")), "{screen}");
    // Goods received of it: nothing shipped yet, so nothing to receive.
    t.keys(&["R"]);
    t.wait_for("is shipped and not received");
    t.keys(&["Escape", "F5"]);
    let screen = t.wait_for("HELD");
    assert!(screen.contains("held ") && screen.contains("open "), "{screen}");
    // The held invoice is the newest: first in the list.
    t.keys(&["Enter"]);
    let screen = t.wait_for("Three-way match: HELD");
    assert!(screen.contains("above the order's 6.10 by 3.0 %"), "{screen}");
    t.keys(&["d"]);
    t.wait_for("why, for the supplier");
    t.literal("3 % over PO-TMUX-9");
    t.keys(&["Enter"]);
    t.wait_for("disputed: the supplier is told");
    t.keys(&["Escape", "Escape", "q"]);
}

/// The same cycle with a supplier on Peppol: its order response promises a
/// line late (T76), a despatch advice ships part of the order with a
/// tracking code (T16), its invoice (T10) bills a line 3 % over, the buyer's
/// dispute goes out as an invoice response (T111), and the credit note
/// (T14) settles the line. Every document passes OpenPEPPOL's rules.
#[test]
fn the_whole_cycle_with_a_supplier_on_peppol() {
    use crate::peppol::{Peppol, validate, xml_files};
    let pp = Peppol::new("Acme GmbH");
    pp.home.write_config("\n[matching]\nprice_tolerance_pct = 1\n");
    pp.basket("b", &[("T-BRG-1", "12"), ("T-CON-1", "20")]);
    let submit = ["--json", "order", "submit", "--basket", "b", "--po", "PO-P-AFTER", "--deliver-on", &in_days(4)];
    let number = pp.home.run(&submit).ok().json()["order"]["number"].as_str().unwrap().to_string();
    // The contactor's lead time is longer than asked for: promised later.
    let (i, o) = (pp.orders.display().to_string(), pp.answers.display().to_string());
    let answered = pp.shop(&["orders", "--inbox", &i, "--outbox", &o, "--json"]).ok().json();
    let so_number = answered["answered"][0]["sales_order"].as_str().unwrap().to_string();
    let responses: Vec<_> = xml_files(&pp.answers)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("R-"))
        .collect();
    validate("T76", &responses);
    let late = pp.home.run(&["--json", "order", "late"]).ok().json();
    let mine: Vec<&Value> =
        late["lines"].as_array().unwrap().iter().filter(|l| l["order"] == number.as_str()).collect();
    assert_eq!(mine.len(), 1, "{late:#}");
    assert_eq!((mine[0]["sku"].as_str(), mine[0]["reason"].as_str()), (Some("T-CON-1"), Some("promised_late")));

    // A partial shipment; the supplier's access point adds the carrier and tracking code.
    pp.ship(&number, &["T-BRG-1=5"]);
    let t16 = xml_files(&pp.answers)
        .into_iter()
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("D-"))
        .unwrap();
    let xml = std::fs::read_to_string(&t16).unwrap();
    let at = xml.find("<cac:Shipment>").expect("a shipment");
    let id_end = at + xml[at..].find("</cbc:ID>").expect("its id") + "</cbc:ID>".len();
    let consignment = "<cac:Consignment><cbc:ID>1</cbc:ID><cac:CarrierParty><cac:PartyName><cbc:Name>DHL</cbc:Name>\
                       </cac:PartyName></cac:CarrierParty></cac:Consignment>";
    let mut with = format!("{}{consignment}{}", &xml[..id_end], &xml[id_end..]);
    let delivery = with[at..].find("<cac:Delivery>").map(|d| at + d + "<cac:Delivery>".len()).expect("a delivery");
    with.insert_str(delivery, "<cbc:TrackingID>JJD777</cbc:TrackingID>");
    std::fs::write(&t16, with).unwrap();
    validate("T16", std::slice::from_ref(&t16));
    let shown = pp.home.run(&["--json", "order", "show", &number]).ok().json();
    assert_eq!(shown["shipments"][0]["tracking"], "JJD777", "{shown:#}");
    assert_eq!(shown["progress"][0]["shipped"], 5);
    pp.home.run(&["order", "receive", &number, "T-BRG-1=5"]).ok();

    // The shop invoices its order, 3 % over on the bearing, and writes the T10 into procure's inbox.
    let inv = pp.shop.supplier(&["invoice", "issue", &so_number, "--price", "T-BRG-1=6.283", "--json"]).ok().json();
    let inv = inv["number"].as_str().unwrap().to_string();
    let inbox = pp.answers.display().to_string();
    pp.shop(&["invoice", &inv, "--buyer-endpoint", "0106:12345678", "--out", &inbox]).ok();
    validate("T10", &[pp.answers.join(format!("{inv}.xml"))]);
    let check = pp.home.run(&["--json", "invoice", "check", &inv]).fails_with(8).json();
    let held: Vec<&Value> = check["lines"].as_array().unwrap().iter().filter(|l| l["status"] == "held").collect();
    assert_eq!(held.len(), 1, "{check:#}");
    assert_eq!(held[0]["sku"], "T-BRG-1");
    assert_eq!(held[0]["problems"][0]["code"], "price_above_order");

    // The dispute: a T111 into the outbox, valid.
    let d = pp.home.run(&["--json", "invoice", "dispute", &inv, "--reason", "3 % above PO-P-AFTER"]).ok().json();
    assert_eq!(d["disputes"][0]["reason"], "3 % above PO-P-AFTER");
    let responses: Vec<_> = xml_files(&pp.orders)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("IR-"))
        .collect();
    assert_eq!(responses.len(), 1, "one invoice response");
    validate("T111", &responses);
    assert!(std::fs::read_to_string(&responses[0]).unwrap().contains(&inv));

    // The credit note settles the line.
    let cn = pp.shop.supplier(&["invoice", "credit", &inv, "T-BRG-1=5", "--json"]).ok().json();
    let cn = cn["number"].as_str().unwrap().to_string();
    pp.shop(&["credit-note", &cn, "--buyer-endpoint", "0106:12345678", "--out", &inbox]).ok();
    validate("T14", &[pp.answers.join(format!("{cn}.xml"))]);
    assert_eq!(pp.home.run(&["--json", "invoice", "check", &inv]).ok().json()["status"], "credited");
    assert_eq!(pp.home.run(&["--json", "invoice", "check", &cn]).ok().json()["status"], "matched");
    let all = pp.home.run(&["--json", "statement"]).ok().json();
    let s = &all["statements"][0];
    assert_eq!(dec(&s["open_total"]), dec(&s["invoices_open"]) - dec(&s["credits_open"]), "{s:#}");
    let ageing: Decimal =
        ["not_due", "days_1_30", "days_31_60", "days_61_90", "over_90"].iter().map(|k| dec(&s["ageing"][k])).sum();
    assert_eq!(ageing, dec(&s["open_total"]));
    assert!(s["open_items"].as_array().unwrap().iter().any(|i| i["number"] == inv.as_str()), "{s:#}");

    // An invoice for an order this profile does not have is listed held, not dropped.
    let stranger = std::fs::read_to_string(pp.answers.join(format!("{inv}.xml")))
        .unwrap()
        .replace(&format!("<cbc:ID>{inv}</cbc:ID>"), "<cbc:ID>INV-STRANGER-1</cbc:ID>")
        .replace(&number, "no-such-order");
    std::fs::write(pp.answers.join("stranger.xml"), stranger).unwrap();
    let list = pp.home.run(&["--json", "invoice", "list"]).ok().json();
    let row = list["invoices"].as_array().unwrap().iter().find(|i| i["number"] == "INV-STRANGER-1").cloned();
    assert_eq!(row.map(|r| r["match"].clone()), Some(Value::from("held")), "{list:#}");
}
