//! After the order: the supplier confirms, ships and invoices with the real
//! `procure-shop` binary on the shop's database; the buyer's company reads
//! the result over HTTP — promised dates, shipments and their documents,
//! invoices, its credit, what changed since a sync token — and sees nothing
//! of another company's.

use crate::helpers::*;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use procure_protocol::api::{
    Credit, Invoice, InvoiceKind, InvoicePage, Order, OrderList, OrderPage, OrderStatus, PaymentStatus, codes,
};
use procure_protocol::money;
use procure_protocol::terms::PaymentTerms;
use procure_shop::ShopOptions;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_procure-shop");

/// What a supplier's command did.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(self.code, 0, "stdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }

    fn json<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    /// Refused with exit 5; the message is returned.
    fn refused(self) -> String {
        assert_eq!(self.code, 5, "stdout: {}\nstderr: {}", self.stdout, self.stderr);
        assert!(self.stderr.starts_with("error: "), "{}", self.stderr);
        self.stderr
    }
}

/// The supplier at work: `procure-shop ARGS --db DB`, off the runtime.
async fn supplier(s: &TestShop, args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let db = s.db.clone();
    tokio::task::spawn_blocking(move || {
        let out = Command::new(BIN).args(&args).arg("--db").arg(&db).output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    })
    .await
    .unwrap()
}

fn on_working_day(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d += Duration::days(1);
    }
    d
}

/// An order of the token's company, with a requested delivery date in two weeks.
async fn place(s: &TestShop, token: &str, po: &str, lines: &[(&str, u32)]) -> Order {
    let requested = on_working_day(today() + Duration::days(14));
    let mut body = draft(po, lines);
    body["requested_delivery_date"] = json!(requested);
    let resp = s.create(token, Some(po), &body).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    resp.json().await.unwrap()
}

async fn order(s: &TestShop, token: &str, number: &str) -> Order {
    s.get_json(token, &format!("/orders/{number}")).await
}

/// Every page of a changes endpoint, with the sync token of the last.
async fn all_pages(s: &TestShop, token: &str, path: &str, since: Option<&str>, limit: u32) -> (Vec<Value>, String) {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let mut tokens = std::collections::HashSet::new();
    loop {
        let mut q = format!("{path}?limit={limit}");
        if let Some(t) = since {
            q.push_str(&format!("&since={t}"));
        }
        if let Some(c) = &cursor {
            q.push_str(&format!("&cursor={c}"));
        }
        let page: Value = s.get_json(token, &q).await;
        tokens.insert(page["sync_token"].as_str().unwrap().to_string());
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => {
                assert_eq!(tokens.len(), 1, "one sync token for all pages");
                return (items, tokens.into_iter().next().unwrap());
            }
        }
    }
}

/// The open balance as docs/shop-api.md defines it, from what the company
/// can read: open invoices less open credit notes, plus the gross of what
/// is not invoiced yet on its open orders.
async fn credit(s: &TestShop, token: &str) -> Credit {
    s.get_json(token, "/credit").await
}

async fn open_balance_by_definition(s: &TestShop, token: &str) -> Decimal {
    let (invoices, _) = all_pages(s, token, "/invoices", None, 50).await;
    let mut sum = Decimal::ZERO;
    for i in invoices {
        let i: Invoice = serde_json::from_value(i).unwrap();
        match i.kind {
            InvoiceKind::Invoice => sum += i.open,
            InvoiceKind::CreditNote => sum -= i.open,
        }
    }
    let (orders, _) = all_pages(s, token, "/orders/changes", None, 50).await;
    for o in orders {
        let o: Order = serde_json::from_value(o).unwrap();
        let open = matches!(
            o.status,
            OrderStatus::Placed
                | OrderStatus::PendingApproval
                | OrderStatus::Confirmed
                | OrderStatus::PartlyShipped
                | OrderStatus::Shipped
        );
        if !open {
            continue;
        }
        let lines = o
            .lines
            .iter()
            .filter(|l| l.quantity > l.invoiced)
            .map(|l| (money::line_total(l.unit_price, l.quantity - l.invoiced), l.vat_rate));
        let shipping = if o.lines.iter().all(|l| l.invoiced == 0) { o.totals.shipping } else { Decimal::ZERO };
        sum += money::totals("EUR", lines, shipping).gross;
    }
    sum
}

#[tokio::test]
async fn an_order_is_confirmed_shipped_in_parts_with_a_certificate_and_invoiced() {
    let s = start_decisions(ShopOptions::default()).await;
    let buyer = s.login("ACME", "buyer").await;
    let placed = place(&s, &buyer, "AFTER-1", &[("T-HUN-1", 10), ("T-BOOK-1", 4)]).await;
    let requested = placed.requested_delivery_date.unwrap();
    assert!(placed.earliest_delivery.is_some_and(|e| e <= requested), "the preview's earliest delivery is kept");
    assert_eq!(order(&s, &buyer, &placed.number).await.earliest_delivery, placed.earliest_delivery);
    assert!(placed.confirmed_at.is_none() && placed.lines.iter().all(|l| l.promised_delivery.is_none()));

    // The supplier confirms: the manual a week later than asked, the motor from stock on the day wanted.
    let late = requested + Duration::days(7);
    let confirmed: Order =
        supplier(&s, &["order", "confirm", &placed.number, "--promise", &format!("T-BOOK-1={late}"), "--json"])
            .await
            .ok()
            .json();
    assert_eq!(confirmed.status, OrderStatus::Confirmed);
    assert!(confirmed.confirmed_at.is_some());
    let promised: Vec<Option<NaiveDate>> = confirmed.lines.iter().map(|l| l.promised_delivery).collect();
    assert_eq!(promised, [Some(requested), Some(late)]);
    let seen = order(&s, &buyer, &placed.number).await;
    assert_eq!(seen, confirmed, "the buyer reads what the supplier confirmed");
    let again = supplier(&s, &["order", "confirm", &placed.number]).await.refused();
    assert!(again.contains("confirmed on"), "{again}");

    // A partial shipment with its inspection certificate.
    let cert = s.dir.path().join("3.1 certificate.pdf");
    let pdf = b"%PDF-1.4 inspection certificate EN 10204 3.1, batch 4711".to_vec();
    std::fs::write(&cert, &pdf).unwrap();
    let shipped: Order = supplier(
        &s,
        &[
            "order",
            "ship",
            &placed.number,
            "T-HUN-1=4",
            "--carrier",
            "DHL Freight",
            "--tracking",
            "JJD000390007",
            "--certificate",
            &format!("T-HUN-1={}", cert.display()),
            "--json",
        ],
    )
    .await
    .ok()
    .json();
    assert_eq!(shipped.status, OrderStatus::PartlyShipped);
    let first = &shipped.shipments[0];
    let number_part = placed.number.strip_prefix("SO-").unwrap();
    assert_eq!(first.number, format!("DN-{number_part}-1"));
    assert_eq!((first.carrier.as_deref(), first.tracking.as_deref()), (Some("DHL Freight"), Some("JJD000390007")));
    assert_eq!(first.lines.len(), 1);
    assert_eq!((first.lines[0].line, first.lines[0].sku.as_str(), first.lines[0].quantity), (1, "T-HUN-1", 4));
    assert_eq!(shipped.lines.iter().map(|l| l.shipped).collect::<Vec<_>>(), [4, 0]);
    let doc = &first.documents[0];
    assert_eq!((doc.sku.as_str(), doc.document.title.as_str()), ("T-HUN-1", "3.1 certificate.pdf"));
    assert!(doc.document.url.starts_with("/api/v1/documents/"), "{}", doc.document.url);

    // The document is the company's, as it was shipped.
    let url = format!("{}{}", s.base.trim_end_matches("/api/v1"), doc.document.url);
    let resp = s.http.get(&url).bearer_auth(&buyer).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert!(resp.headers()["content-disposition"].to_str().unwrap().contains("3.1 certificate.pdf"));
    assert_eq!(resp.bytes().await.unwrap().to_vec(), pdf);

    // The first invoice: what shipped, and the shipping charge.
    let inv: Invoice = supplier(&s, &["invoice", "issue", &placed.number, "--json"]).await.ok().json();
    assert_eq!(inv.number, "INV-ACME-1006", "after the five of the demo's history");
    assert_eq!(inv.kind, InvoiceKind::Invoice);
    assert_eq!(inv.order_numbers, std::slice::from_ref(&placed.number));
    let l = &inv.lines[0];
    assert_eq!(
        (l.line, l.sku.as_str(), l.quantity, l.unit_price, l.line_total),
        (1, "T-HUN-1", 4, dec!(100.00), dec!(400.00))
    );
    assert_eq!((l.order_number.as_deref(), l.order_line), (Some(placed.number.as_str()), Some(1)));
    assert_eq!(inv.totals.shipping, placed.totals.shipping);
    assert_eq!(inv.totals.gross, money::totals("EUR", [(dec!(400.00), dec!(19))], placed.totals.shipping).gross);
    let terms = PaymentTerms::EndOfMonth { days: 30 };
    assert_eq!(inv.payment_terms, "invoice, 30 days end of month");
    assert_eq!((inv.issue_date, inv.due_date), (today(), terms.due_date(today())));
    assert!(inv.early_payment.is_none());
    assert_eq!((inv.paid, inv.open, inv.status), (dec!(0.00), inv.totals.gross, PaymentStatus::Open));
    let read: Invoice = s.get_json(&buyer, &format!("/invoices/{}", inv.number)).await;
    assert_eq!(read, inv);
    assert_eq!(order(&s, &buyer, &placed.number).await.lines.iter().map(|l| l.invoiced).collect::<Vec<_>>(), [4, 0]);
    let twice = supplier(&s, &["invoice", "issue", &placed.number]).await.refused();
    assert!(twice.contains("invoiced already"), "{twice}");

    // The rest ships; it is invoiced at another price the supplier gives, without shipping.
    let done: Order = supplier(&s, &["order", "ship", &placed.number, "--json"]).await.ok().json();
    assert_eq!(done.status, OrderStatus::Shipped);
    assert_eq!(done.shipments.len(), 2);
    assert_eq!(
        done.shipments[1].lines.iter().map(|l| (l.sku.as_str(), l.quantity)).collect::<Vec<_>>(),
        [("T-HUN-1", 6), ("T-BOOK-1", 4)]
    );
    let text = supplier(&s, &["invoice", "issue", &placed.number, "--price", "T-BOOK-1=9.50"]).await.ok();
    assert!(text.stdout.starts_with("Issued INV-ACME-1007 for "), "{}", text.stdout);
    let second: Invoice = s.get_json(&buyer, "/invoices/INV-ACME-1007").await;
    let lines: Vec<(&str, u32, Decimal)> =
        second.lines.iter().map(|l| (l.sku.as_str(), l.quantity, l.unit_price)).collect();
    assert_eq!(lines, [("T-HUN-1", 6, dec!(100.00)), ("T-BOOK-1", 4, dec!(9.50))]);
    assert_eq!(second.lines[1].order_line, Some(2));
    assert_eq!(second.totals.shipping, dec!(0.00), "the shipping charge went on the first invoice");
    let lines = order(&s, &buyer, &placed.number).await.lines;
    assert!(lines.iter().all(|l| l.invoiced == l.quantity && l.shipped == l.quantity), "{lines:?}");
}

#[tokio::test]
async fn shipping_more_than_is_open_or_what_is_not_ordered_is_refused_and_changes_nothing() {
    let s = start_decisions(ShopOptions::default()).await;
    let buyer = s.login("ACME", "buyer").await;
    let placed = place(&s, &buyer, "BAD-1", &[("T-HUN-1", 10), ("T-PACK-1", 20)]).await;
    let (_, token) = all_pages(&s, &buyer, "/orders/changes", None, 100).await;
    let unchanged = |what: &'static str| {
        let s = &s;
        let buyer = buyer.clone();
        let token = token.clone();
        async move {
            let page: OrderPage = s.get_json(&buyer, &format!("/orders/changes?since={token}")).await;
            assert!(page.items.is_empty(), "{what} changed an order: {:?}", page.items);
            let page: InvoicePage = s.get_json(&buyer, &format!("/invoices?since={token}")).await;
            assert!(page.items.is_empty(), "{what} changed an invoice");
        }
    };
    let n = placed.number.as_str();
    let e = supplier(&s, &["order", "ship", n]).await.refused();
    assert!(e.contains("is not confirmed yet: confirm it first"), "{e}");
    let e = supplier(&s, &["invoice", "issue", n]).await.refused();
    assert!(e.contains("nothing has shipped on order") && e.contains("yet"), "{e}");
    let yesterday = today() - Duration::days(1);
    let e = supplier(&s, &["order", "confirm", n, "--promise", &format!("T-HUN-1={yesterday}")]).await.refused();
    assert!(e.contains(&format!("the promised date {yesterday} of T-HUN-1 is in the past")), "{e}");
    let far = today() + Duration::days(4000);
    let e = supplier(&s, &["order", "confirm", n, "--promise", &format!("T-HUN-1={far}")]).await.refused();
    assert!(e.contains("more than 3650 days ahead"), "{e}");
    let e = supplier(&s, &["order", "confirm", n, "--promise", "T-NOPE=2030-01-01"]).await.refused();
    assert!(e.contains("T-NOPE is not on order") && e.contains("T-HUN-1, T-PACK-1"), "{e}");
    let e = supplier(&s, &["order", "confirm", "SO-ACME-9999"]).await.refused();
    assert!(e.contains("no order \"SO-ACME-9999\""), "{e}");
    let usage = supplier(&s, &["order", "confirm", n, "--promise", "T-HUN-1=soon"]).await;
    assert_eq!(usage.code, 2, "{}", usage.stderr);
    assert!(usage.stderr.contains("is not a date like"), "{}", usage.stderr);
    unchanged("refused confirmations").await;

    supplier(&s, &["order", "confirm", n]).await.ok();
    let (_, token) = all_pages(&s, &buyer, "/orders/changes", None, 100).await;
    let before = order(&s, &buyer, n).await;
    let unchanged = |what: &'static str| {
        let s = &s;
        let buyer = buyer.clone();
        let token = token.clone();
        let before = before.clone();
        async move {
            let page: OrderPage = s.get_json(&buyer, &format!("/orders/changes?since={token}")).await;
            assert!(page.items.is_empty(), "{what} changed an order");
            assert_eq!(order(s, &buyer, &before.number).await, before);
        }
    };
    let e = supplier(&s, &["order", "ship", n, "T-HUN-1=11"]).await.refused();
    assert!(e.contains("cannot ship 11 of T-HUN-1") && e.contains("10 open (ordered 10, shipped 0)"), "{e}");
    let e = supplier(&s, &["order", "ship", n, "T-HUN-1=2", "T-NOPE=1"]).await.refused();
    assert!(e.contains("T-NOPE is not on order"), "{e}");
    let e = supplier(&s, &["order", "ship", n, "T-HUN-1=0"]).await.refused();
    assert!(e.contains("the quantity of T-HUN-1 is 0"), "{e}");
    let usage = supplier(&s, &["order", "ship", n, "T-HUN-1=-3"]).await;
    assert_eq!(usage.code, 2, "a negative quantity is not a quantity: {}", usage.stderr);
    let e = supplier(&s, &["order", "ship", n, "T-HUN-1=2", "--carrier", "DHL\u{1b}[2J"]).await.refused();
    assert!(e.contains("the carrier has a control character"), "{e}");
    let missing = s.dir.path().join("missing.pdf");
    let e =
        supplier(&s, &["order", "ship", n, "T-HUN-1=2", "--certificate", &format!("T-HUN-1={}", missing.display())])
            .await
            .refused();
    assert!(e.contains("cannot read") && e.contains("missing.pdf"), "{e}");
    let big = s.dir.path().join("big.pdf");
    std::fs::File::create(&big).unwrap().set_len(10 * 1024 * 1024 + 1).unwrap();
    let e = supplier(&s, &["order", "ship", n, "T-HUN-1=2", "--certificate", &format!("T-HUN-1={}", big.display())])
        .await
        .refused();
    assert!(e.contains("at most 10485760 (10 MiB)"), "{e}");
    let small = s.dir.path().join("cert.txt");
    std::fs::write(&small, "3.1").unwrap();
    let e = supplier(&s, &["order", "ship", n, "T-HUN-1=2", "--certificate", &format!("T-PACK-1={}", small.display())])
        .await
        .refused();
    assert!(e.contains("a document for T-PACK-1, which this shipment does not ship"), "{e}");
    let e = supplier(&s, &["invoice", "issue", n]).await.refused();
    assert!(e.contains("nothing has shipped"), "{e}");
    unchanged("refused shipments").await;

    supplier(&s, &["order", "ship", n, "T-HUN-1=10"]).await.ok();
    let e = supplier(&s, &["order", "ship", n, "T-HUN-1=1"]).await.refused();
    assert!(e.contains("0 open (ordered 10, shipped 10)"), "{e}");
    let e = supplier(&s, &["invoice", "issue", n, "--price", "T-PACK-1=0.40"]).await.refused();
    assert!(e.contains("a price for T-PACK-1, which this invoice does not bill"), "{e}");
    let e = supplier(&s, &["invoice", "issue", n, "--price", "T-HUN-1=-1"]).await.refused();
    assert!(e.contains("T-HUN-1: price -1 is negative"), "{e}");
    let e = supplier(&s, &["invoice", "issue", n, "--price", "T-HUN-1=1.23456"]).await.refused();
    assert!(e.contains("more than four decimals"), "{e}");
    let e = supplier(&s, &["invoice", "issue", n, "--price", "T-HUN-1=20000000"]).await.refused();
    assert!(e.contains("too large"), "{e}");
    let page: InvoicePage = s.get_json(&buyer, &format!("/invoices?since={token}")).await;
    assert!(page.items.is_empty(), "refused invoices were not issued");
}

#[tokio::test]
async fn credit_notes_and_payments_never_exceed_what_is_open() {
    let s = start_decisions(ShopOptions::default()).await;
    let buyer = s.login("BOLT", "buyer").await; // invoice, 14 days net
    let placed = place(&s, &buyer, "CN-1", &[("T-HUN-1", 4), ("T-BOOK-1", 2)]).await;
    let n = placed.number.as_str();
    supplier(&s, &["order", "confirm", n]).await.ok();
    supplier(&s, &["order", "ship", n]).await.ok();
    let inv: Invoice = supplier(&s, &["invoice", "issue", n, "--json"]).await.ok().json();
    assert_eq!(inv.due_date, today() + Duration::days(14));
    let number = inv.number.as_str();

    let e = supplier(&s, &["invoice", "credit", number, "T-HUN-1=5"]).await.refused();
    assert!(e.contains("cannot credit 5 of T-HUN-1") && e.contains("billed 4") && e.contains("4 left"), "{e}");
    let e = supplier(&s, &["invoice", "credit", number, "T-NOPE=1"]).await.refused();
    assert!(e.contains("T-NOPE is not on invoice"), "{e}");
    let cn: Invoice =
        supplier(&s, &["invoice", "credit", number, "T-HUN-1=3", "--reason", "3 arrived damaged", "--json"])
            .await
            .ok()
            .json();
    assert_eq!(cn.kind, InvoiceKind::CreditNote);
    assert_eq!(cn.number, "CN-BOLT-1002", "after the demo history's one");
    assert_eq!((cn.credits_invoice.as_deref(), cn.reason.as_deref()), (Some(number), Some("3 arrived damaged")));
    assert_eq!((cn.lines.len(), cn.lines[0].quantity, cn.lines[0].unit_price), (1, 3, dec!(100.00)));
    assert_eq!(cn.lines[0].order_line, Some(1));
    assert_eq!(cn.totals.gross, dec!(357.00), "300.00 and 19 % VAT, no shipping");
    let e = supplier(&s, &["invoice", "credit", number, "T-HUN-1=2"]).await.refused();
    assert!(e.contains("earlier credit notes credited 3, 1 left"), "{e}");
    let rest: Invoice = supplier(&s, &["invoice", "credit", number, "--json"]).await.ok().json();
    let lines: Vec<(&str, u32)> = rest.lines.iter().map(|l| (l.sku.as_str(), l.quantity)).collect();
    assert_eq!(lines, [("T-HUN-1", 1), ("T-BOOK-1", 2)]);
    assert_eq!(rest.totals.shipping, inv.totals.shipping, "crediting the rest credits the shipping charge too");
    assert_eq!(cn.totals.net + rest.totals.net, inv.totals.net);
    let e = supplier(&s, &["invoice", "credit", number]).await.refused();
    assert!(e.contains("credited in full already"), "{e}");
    let e = supplier(&s, &["invoice", "credit", &cn.number]).await.refused();
    assert!(e.contains("is a credit note"), "{e}");

    // Payments: never more than is open, never a fraction of a cent.
    let open = inv.totals.gross;
    let e = supplier(&s, &["invoice", "pay", number, "--amount", &(open + dec!(0.01)).to_string()]).await.refused();
    assert!(e.contains(&format!("is more than the {open} EUR open on {number}")), "{e}");
    let e = supplier(&s, &["invoice", "pay", number, "--amount", "10.005"]).await.refused();
    assert!(e.contains("at most two decimals"), "{e}");
    let e = supplier(&s, &["invoice", "pay", number, "--amount", "0"]).await.refused();
    assert!(e.contains("above zero"), "{e}");
    let part: Invoice = supplier(&s, &["invoice", "pay", number, "--amount", "100", "--reference", "bank 1", "--json"])
        .await
        .ok()
        .json();
    assert_eq!((part.paid, part.open, part.status), (dec!(100.00), open - dec!(100), PaymentStatus::PartlyPaid));
    assert_eq!(part.payments[0].reference.as_deref(), Some("bank 1"));
    let paid: Invoice = supplier(&s, &["invoice", "pay", number, "--json"]).await.ok().json();
    assert_eq!((paid.paid, paid.open, paid.status), (open, dec!(0.00), PaymentStatus::Paid));
    let e = supplier(&s, &["invoice", "pay", number]).await.refused();
    assert!(e.contains("paid in full already"), "{e}");
    // A credit note is settled the same way (refunded or offset).
    let settled: Invoice = supplier(&s, &["invoice", "pay", &cn.number, "--json"]).await.ok().json();
    assert_eq!(settled.status, PaymentStatus::Paid);
    let e = supplier(&s, &["invoice", "pay", "INV-BOLT-9999"]).await.refused();
    assert!(e.contains("no invoice \"INV-BOLT-9999\""), "{e}");
}

#[tokio::test]
async fn paying_the_discounted_amount_in_time_settles_an_invoice() {
    let s = start_decisions(ShopOptions::default()).await;
    let buyer = s.login("CRANE", "buyer").await; // 60 days net, 2 % within 10 days
    let placed = place(&s, &buyer, "SK-1", &[("T-HUN-1", 10)]).await;
    let n = placed.number.as_str();
    supplier(&s, &["order", "confirm", n]).await.ok();
    supplier(&s, &["order", "ship", n]).await.ok();
    let inv: Invoice = supplier(&s, &["invoice", "issue", n, "--json"]).await.ok().json();
    assert_eq!(inv.due_date, today() + Duration::days(60));
    let early = inv.early_payment.clone().expect("CRANE's terms give 2 % within 10 days");
    assert_eq!((early.until, early.percent), (today() + Duration::days(10), dec!(2)));
    assert_eq!(early.discount, money::round_cents(inv.totals.gross * dec!(0.02)));
    let paid: Invoice = supplier(&s, &["invoice", "pay", &inv.number, "--json"]).await.ok().json();
    assert_eq!(paid.status, PaymentStatus::Paid);
    let amounts: Vec<Decimal> = paid.payments.iter().map(|p| p.amount).collect();
    assert_eq!(amounts, [early.amount, early.discount]);
    assert_eq!(paid.payments[1].reference.as_deref(), Some("early payment discount 2 %"));
}

#[tokio::test]
async fn the_open_balance_is_open_invoices_less_open_credit_notes_plus_what_is_not_invoiced() {
    let s = start_decisions(ShopOptions::default()).await;
    let buyer = s.login("CRANE", "buyer").await;
    // The demo's history: an overdue invoice, a recent one, an open credit note.
    let history = credit(&s, &buyer).await;
    assert!(history.open_balance > Decimal::ZERO);
    assert_eq!(history.open_balance, open_balance_by_definition(&s, &buyer).await);
    assert_eq!(history.available, Some(dec!(10000.00) - history.open_balance));

    let placed = place(&s, &buyer, "OB-1", &[("T-HUN-1", 10), ("T-BOOK-1", 10)]).await;
    let c = credit(&s, &buyer).await;
    assert_eq!(c.open_balance, history.open_balance + placed.totals.gross, "an order counts with its gross");
    let n = placed.number.as_str();
    supplier(&s, &["order", "confirm", n]).await.ok();
    supplier(&s, &["order", "ship", n, "T-HUN-1=5"]).await.ok();
    assert_eq!(credit(&s, &buyer).await.open_balance, c.open_balance, "shipping changes nothing owed");
    // Invoiced below the order's price: the balance follows the invoice.
    let inv: Invoice = supplier(&s, &["invoice", "issue", n, "--price", "T-HUN-1=90", "--json"]).await.ok().json();
    let c = credit(&s, &buyer).await;
    assert_eq!(c.open_balance, open_balance_by_definition(&s, &buyer).await);
    let not_invoiced = money::totals("EUR", [(dec!(500.00), dec!(19)), (dec!(100.00), dec!(7))], Decimal::ZERO).gross;
    assert_eq!(c.open_balance, history.open_balance + inv.totals.gross + not_invoiced);
    supplier(&s, &["invoice", "pay", &inv.number, "--amount", "200.00"]).await.ok();
    assert_eq!(credit(&s, &buyer).await.open_balance, c.open_balance - dec!(200.00));
    let cn: Invoice = supplier(&s, &["invoice", "credit", &inv.number, "T-HUN-1=1", "--json"]).await.ok().json();
    let after = credit(&s, &buyer).await;
    assert_eq!(after.open_balance, c.open_balance - dec!(200.00) - cn.totals.gross);
    assert_eq!(after.open_balance, open_balance_by_definition(&s, &buyer).await);
    // Shipped and invoiced in full: only the invoices count.
    supplier(&s, &["order", "ship", n]).await.ok();
    supplier(&s, &["invoice", "issue", n]).await.ok();
    assert_eq!(credit(&s, &buyer).await.open_balance, open_balance_by_definition(&s, &buyer).await);
}

#[tokio::test]
async fn orders_and_invoices_changed_since_a_token_come_whole_and_oldest_first() {
    let s = start_decisions(ShopOptions::default()).await;
    let buyer = s.login("ACME", "buyer").await;
    let a = place(&s, &buyer, "CH-1", &[("T-HUN-1", 2)]).await;
    let b = place(&s, &buyer, "CH-2", &[("T-BOOK-1", 2)]).await;
    // Everything of the company, over pages of two, each order once.
    let (all, token) = all_pages(&s, &buyer, "/orders/changes", None, 2).await;
    let numbers: Vec<&str> = all.iter().map(|o| o["number"].as_str().unwrap()).collect();
    let list: OrderList = s.get_json(&buyer, "/orders?limit=200").await;
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), numbers.len(), "each order once: {numbers:?}");
    assert_eq!(numbers.len(), list.items.len());
    assert_eq!(&numbers[numbers.len() - 2..], [a.number.as_str(), b.number.as_str()], "oldest change first");
    let history: Order = serde_json::from_value(all[0].clone()).unwrap();
    assert!(!history.shipments.is_empty() && history.lines.iter().all(|l| l.invoiced == l.quantity));

    // Nothing changed: an empty page, the same token.
    let page: OrderPage = s.get_json(&buyer, &format!("/orders/changes?since={token}")).await;
    assert!(page.items.is_empty() && page.next_cursor.is_none());
    assert_eq!(page.sync_token, token);

    // The supplier confirms the older one: it comes again, whole, after the other.
    supplier(&s, &["order", "confirm", &a.number]).await.ok();
    supplier(&s, &["order", "confirm", &b.number]).await.ok();
    supplier(&s, &["order", "ship", &a.number]).await.ok();
    let page: OrderPage = s.get_json(&buyer, &format!("/orders/changes?since={token}")).await;
    let changed: Vec<(&str, OrderStatus)> = page.items.iter().map(|o| (o.number.as_str(), o.status)).collect();
    assert_eq!(changed, [(b.number.as_str(), OrderStatus::Confirmed), (a.number.as_str(), OrderStatus::Shipped)]);
    assert_eq!(page.items[1].shipments.len(), 1);
    let token = page.sync_token;

    // Invoices: new, paid and disputed ones come again.
    let (invoices, itoken) = all_pages(&s, &buyer, "/invoices", None, 2).await;
    assert_eq!(invoices.len(), 6, "the demo history: five invoices and a credit note");
    let inv: Invoice = supplier(&s, &["invoice", "issue", &a.number, "--json"]).await.ok().json();
    let page: InvoicePage = s.get_json(&buyer, &format!("/invoices?since={itoken}")).await;
    assert_eq!(page.items, std::slice::from_ref(&inv));
    s.post(
        &buyer,
        &format!("/invoices/{}/dispute", invoices[0]["number"].as_str().unwrap()),
        &json!({"reason": "why?"}),
    )
    .await;
    supplier(&s, &["invoice", "pay", &inv.number]).await.ok();
    let page: InvoicePage = s.get_json(&buyer, &format!("/invoices?since={}", page.sync_token)).await;
    let numbers: Vec<&str> = page.items.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(numbers, [invoices[0]["number"].as_str().unwrap(), inv.number.as_str()]);
    assert_eq!(page.items[1].status, PaymentStatus::Paid);
    // The invoice changed the order's invoiced quantities: the order comes again too.
    let page: OrderPage = s.get_json(&buyer, &format!("/orders/changes?since={token}")).await;
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].lines[0].invoiced, 2);

    // A token of another database is answered with everything; a bad cursor is a 400.
    let (other, _) = all_pages(&s, &buyer, "/orders/changes", Some("0123456789abcdef-3"), 100).await;
    assert_eq!(other.len(), list.items.len());
    for bad in [
        "/orders/changes?cursor=1.2",
        "/invoices?cursor=x.y.z.all",
        "/orders/changes?since=nonsense",
        "/invoices?limit=0",
    ] {
        let (status, err) = error_of(s.get(&buyer, bad).await).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some(codes::INVALID_REQUEST)), "{bad}");
    }
}

#[tokio::test]
async fn a_dispute_is_kept_on_the_invoice_for_the_supplier_to_see() {
    let s = start_decisions(ShopOptions::default()).await;
    let buyer = s.login("ACME", "buyer").await;
    let (invoices, _) = all_pages(&s, &buyer, "/invoices", None, 50).await;
    let number = invoices.iter().find(|i| i["kind"] == "invoice").unwrap()["number"].as_str().unwrap().to_string();
    let path = format!("/invoices/{number}/dispute");
    let resp = s.post(&buyer, &path, &json!({"reason": "  T-HUN-1 billed at 7.25, ordered at 6.90\nsee PO  "})).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let inv: Invoice = resp.json().await.unwrap();
    assert_eq!(inv.disputes.len(), 1);
    let d = &inv.disputes[0];
    assert_eq!((d.by.as_str(), d.reason.as_str()), ("buyer", "T-HUN-1 billed at 7.25, ordered at 6.90\nsee PO"));
    let read: Invoice = s.get_json(&buyer, &format!("/invoices/{number}")).await;
    assert_eq!(read, inv);

    let (status, err) = error_of(s.post(&buyer, &path, &json!({"reason": "   "})).await).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(codes::INVALID_REQUEST)));
    let (status, _) = error_of(s.post(&buyer, &path, &json!({"reason": "x".repeat(2001)})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = error_of(s.post(&buyer, &path, &json!({"reason": "bell \u{7}"})).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, err) = error_of(s.post(&buyer, &path, &json!({"why": "no"})).await).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::BAD_REQUEST, Some(codes::INVALID_REQUEST)));
    let (status, _) = error_of(s.post(&buyer, "/invoices/INV-ACME-9999/dispute", &json!({"reason": "x"})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The supplier sees it.
    let shown = supplier(&s, &["invoice", "show", &number]).await.ok().stdout;
    assert!(shown.contains("DISPUTED on") && shown.contains("by buyer: T-HUN-1 billed at 7.25"), "{shown}");
    let listed = supplier(&s, &["invoice", "list", "--company", "acme"]).await.ok().stdout;
    assert!(listed.contains(&number) && listed.contains("DISPUTED"), "{listed}");
    assert!(!listed.contains("INV-BOLT-"), "{listed}");
    let json: Vec<Value> = supplier(&s, &["invoice", "list", "--json"]).await.ok().json();
    let mine = json.iter().find(|i| i["number"] == number.as_str()).unwrap();
    assert_eq!((mine["company"].as_str(), mine["disputes"][0]["by"].as_str()), (Some("ACME"), Some("buyer")));
    let open: Vec<Value> = supplier(&s, &["invoice", "list", "--open", "--json"]).await.ok().json();
    assert!(open.iter().all(|i| i["status"] != "paid") && !open.is_empty());
    let e = supplier(&s, &["invoice", "show", "INV-ACME-9999"]).await.refused();
    assert!(e.contains("no invoice"), "{e}");
}

#[tokio::test]
async fn a_company_sees_only_its_own_shipments_documents_and_invoices() {
    let s = start_decisions(ShopOptions::default()).await;
    let acme = s.login("ACME", "buyer").await;
    let bolt = s.login("BOLT", "buyer").await;
    let placed = place(&s, &acme, "ISO-1", &[("T-HUN-1", 2)]).await;
    let cert = s.dir.path().join("cert.txt");
    std::fs::write(&cert, "EN 10204 3.1").unwrap();
    supplier(&s, &["order", "confirm", &placed.number]).await.ok();
    let shipped: Order = supplier(
        &s,
        &["order", "ship", &placed.number, "--certificate", &format!("T-HUN-1={}", cert.display()), "--json"],
    )
    .await
    .ok()
    .json();
    let inv: Invoice = supplier(&s, &["invoice", "issue", &placed.number, "--json"]).await.ok().json();
    let doc = shipped.shipments[0].documents[0].document.url.clone();
    let url = format!("{}{doc}", s.base.trim_end_matches("/api/v1"));
    let resp = s.http.get(&url).bearer_auth(&acme).send().await.unwrap();
    assert_eq!(
        (resp.status(), resp.headers()["content-type"].to_str().unwrap()),
        (StatusCode::OK, "text/plain; charset=utf-8")
    );

    // BOLT: not found, exactly like something that does not exist.
    let (_, unknown) = error_of(s.get(&bolt, "/invoices/INV-ACME-9999").await).await;
    for resp in [
        s.get(&bolt, &format!("/invoices/{}", inv.number)).await,
        s.post(&bolt, &format!("/invoices/{}/dispute", inv.number), &json!({"reason": "mine now"})).await,
        s.http.get(&url).bearer_auth(&bolt).send().await.unwrap(),
        s.get(&bolt, &format!("/orders/{}", placed.number)).await,
    ] {
        let (status, err) = error_of(resp).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(err["code"], codes::NOT_FOUND);
        assert_eq!(
            err["message"].as_str().unwrap().starts_with("no "),
            unknown["message"].as_str().unwrap().starts_with("no ")
        );
    }
    let (orders, _) = all_pages(&s, &bolt, "/orders/changes", None, 100).await;
    assert!(orders.iter().all(|o| o["number"].as_str().unwrap().starts_with("SO-BOLT-")), "{orders:?}");
    let (invoices, _) = all_pages(&s, &bolt, "/invoices", None, 100).await;
    assert!(!invoices.is_empty());
    assert!(
        invoices.iter().all(|i| {
            let n = i["number"].as_str().unwrap();
            n.starts_with("INV-BOLT-") || n.starts_with("CN-BOLT-")
        }),
        "{invoices:?}"
    );
    // Nor does a token to another company: no token at all.
    let resp = s.http.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let read: Invoice = s.get_json(&acme, &format!("/invoices/{}", inv.number)).await;
    assert!(read.disputes.is_empty(), "BOLT's dispute did not reach ACME's invoice");
}

#[tokio::test]
async fn the_seeded_history_has_shipments_paid_and_overdue_invoices_and_a_credit_note() {
    let s = start().await;
    for company in ["ACME", "BOLT", "CRANE"] {
        let token = s.login(company, "buyer").await;
        let (invoices, _) = all_pages(&s, &token, "/invoices", None, 100).await;
        let invoices: Vec<Invoice> = invoices.into_iter().map(|i| serde_json::from_value(i).unwrap()).collect();
        let paid = invoices.iter().filter(|i| i.status == PaymentStatus::Paid).count();
        let overdue: Vec<&Invoice> = invoices
            .iter()
            .filter(|i| i.open > Decimal::ZERO && i.due_date < today() && i.kind == InvoiceKind::Invoice)
            .collect();
        let credit_notes: Vec<&Invoice> = invoices.iter().filter(|i| i.kind == InvoiceKind::CreditNote).collect();
        assert!(paid >= 2, "{company}: {paid} paid");
        assert_eq!(overdue.len(), 1, "{company}: one overdue invoice");
        assert_eq!(credit_notes.len(), 1, "{company}: one credit note");
        assert_eq!(credit_notes[0].reason.as_deref(), Some("1 damaged in transit"));
        let (orders, _) = all_pages(&s, &token, "/orders/changes", None, 100).await;
        assert_eq!(orders.len(), 4);
        for o in orders {
            let o: Order = serde_json::from_value(o).unwrap();
            assert_eq!(o.status, OrderStatus::Delivered);
            assert!(o.confirmed_at.is_some() && !o.shipments.is_empty(), "{o:?}");
            assert!(
                o.lines
                    .iter()
                    .all(|l| l.shipped == l.quantity && l.invoiced == l.quantity && l.promised_delivery.is_some())
            );
            let invoiced: u32 = invoices
                .iter()
                .filter(|i| i.kind == InvoiceKind::Invoice)
                .flat_map(|i| i.lines.iter())
                .filter(|l| l.order_number.as_deref() == Some(o.number.as_str()))
                .map(|l| l.quantity)
                .sum();
            assert_eq!(invoiced, o.lines.iter().map(|l| l.quantity).sum::<u32>(), "{}: invoiced as shipped", o.number);
        }
        let credit: Credit = s.get_json(&token, "/credit").await;
        assert_eq!(credit.open_balance, open_balance_by_definition(&s, &token).await, "{company}");
    }
    // One of the history's shipments carries an inspection certificate.
    let acme = s.login("ACME", "buyer").await;
    let (orders, _) = all_pages(&s, &acme, "/orders/changes", None, 100).await;
    let doc = orders
        .iter()
        .flat_map(|o| o["shipments"].as_array().unwrap().iter())
        .flat_map(|sh| sh["documents"].as_array().cloned().unwrap_or_default())
        .next()
        .expect("a certificate in the history");
    let url = format!("{}{}", s.base.trim_end_matches("/api/v1"), doc["url"].as_str().unwrap());
    let text = s.http.get(&url).bearer_auth(&acme).send().await.unwrap().text().await.unwrap();
    assert!(text.starts_with("Inspection certificate EN 10204 3.1"), "{text}");
}

#[tokio::test]
async fn the_demo_supplier_confirms_ships_in_parts_and_invoices_by_itself() {
    let s =
        start_decisions(ShopOptions { auto_fulfil: Some(std::time::Duration::ZERO), ..ShopOptions::default() }).await;
    let buyer = s.login("ACME", "buyer").await;
    let placed = place(&s, &buyer, "DEMO-1", &[("T-HUN-1", 10), ("T-PACK-1", 20), ("T-BOOK-1", 3)]).await;
    let requested = placed.requested_delivery_date.unwrap();
    // Confirmed, then the first shipment, then the rest of the partial line: one step a second.
    let mut o = placed.clone();
    for _ in 0..100 {
        o = order(&s, &buyer, &placed.number).await;
        if o.shipments.len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(o.shipments.len(), 2, "{o:?}");
    assert_eq!(o.status, OrderStatus::PartlyShipped, "the backorder is still open");
    // One line promised later than requested: the last, and it is the backorder.
    let late: Vec<&str> =
        o.lines.iter().filter(|l| l.promised_delivery > Some(requested)).map(|l| l.sku.as_str()).collect();
    assert_eq!(late, ["T-BOOK-1"]);
    assert_eq!(o.lines[2].shipped, 0);
    // The first shipment was partial: half the motors, all the screws.
    let first: Vec<(&str, u32)> = o.shipments[0].lines.iter().map(|l| (l.sku.as_str(), l.quantity)).collect();
    assert_eq!(first, [("T-HUN-1", 5), ("T-PACK-1", 20)]);
    let second: Vec<(&str, u32)> = o.shipments[1].lines.iter().map(|l| (l.sku.as_str(), l.quantity)).collect();
    assert_eq!(second, [("T-HUN-1", 5)]);
    // Each shipment was invoiced as it left.
    assert!(o.lines.iter().all(|l| l.invoiced == l.shipped), "{:?}", o.lines);
    let (invoices, _) = all_pages(&s, &buyer, "/invoices", None, 100).await;
    let mine: Vec<Invoice> = invoices
        .into_iter()
        .map(|i| serde_json::from_value::<Invoice>(i).unwrap())
        .filter(|i| i.order_numbers.contains(&placed.number))
        .collect();
    assert_eq!(mine.len(), 2, "{mine:?}");
}

/// The validator's Python (`PROCURE_PEPPOL_PYTHON`); missing, the test
/// fails unless `PROCURE_PEPPOL_SKIP_VALIDATION=1`.
fn validate(tx: &str, files: &[PathBuf]) {
    let dir = std::env::var_os("PROCURE_PEPPOL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/peppol"));
    let python = std::env::var_os("PROCURE_PEPPOL_PYTHON").map(PathBuf::from).filter(|p| p.is_file());
    let Some(python) = python else {
        if std::env::var("PROCURE_PEPPOL_SKIP_VALIDATION").as_deref() == Ok("1") {
            return;
        }
        panic!(
            "set PROCURE_PEPPOL_PYTHON to the Peppol validator's python (PROCURE_PEPPOL_SKIP_VALIDATION=1 skips it)"
        );
    };
    let out = Command::new(python).arg(dir.join("validate.py")).arg(tx).args(files).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains(&format!("{} passed, 0 failed", files.len())), "{text}");
}

fn read_billing(path: &Path) -> procure_protocol::peppol::Invoice {
    match procure_protocol::peppol::read(&std::fs::read(path).unwrap()).unwrap() {
        procure_protocol::peppol::Document::Invoice(i) => *i,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_invoice_and_a_credit_note_are_written_as_peppol_documents_that_pass_the_rules() {
    let s = start_decisions(ShopOptions::default()).await;
    let buyer = s.login("ACME", "buyer").await;
    let placed = place(&s, &buyer, "PP-INV-1", &[("T-HUN-1", 3), ("T-BOOK-1", 2)]).await;
    let n = placed.number.as_str();
    supplier(&s, &["order", "confirm", n]).await.ok();
    supplier(&s, &["order", "ship", n]).await.ok();
    let inv: Invoice = supplier(&s, &["invoice", "issue", n, "--json"]).await.ok().json();
    let cn: Invoice =
        supplier(&s, &["invoice", "credit", &inv.number, "T-BOOK-1=1", "--reason", "wrong edition", "--json"])
            .await
            .ok()
            .json();
    let shipping_only: Invoice = {
        supplier(&s, &["invoice", "credit", &inv.number, "T-HUN-1=3", "T-BOOK-1=1"]).await.ok();
        supplier(&s, &["invoice", "credit", &inv.number, "--json"]).await.ok().json()
    };
    assert!(shipping_only.lines.is_empty() && shipping_only.totals.shipping > Decimal::ZERO);
    let out = s.dir.path().join("peppol-out");
    let out_s = out.display().to_string();

    // Ordered by HTTP: the shop does not know the buyer's Peppol id.
    let e = supplier(&s, &["peppol", "invoice", "--company", "ACME", &inv.number, "--out", &out_s]).await.refused();
    assert!(e.contains("give --buyer-endpoint"), "{e}");
    let e = supplier(
        &s,
        &["peppol", "invoice", "--company", "BOLT", &inv.number, "--out", &out_s, "--buyer-endpoint", "0106:1"],
    )
    .await
    .refused();
    assert!(e.contains("no invoice"), "another company's invoice: {e}");
    let e = supplier(
        &s,
        &["peppol", "credit-note", "--company", "ACME", &inv.number, "--out", &out_s, "--buyer-endpoint", "0106:1"],
    )
    .await
    .refused();
    assert!(e.contains("is an invoice: write it with `peppol invoice`"), "{e}");
    let party =
        ["--company", "ACME", "--buyer-endpoint", "0106:12345678", "--iban", "DE02120300000000202051", "--out", &out_s];
    let wrote = supplier(&s, &[&["peppol", "invoice", &inv.number][..], &party[..]].concat()).await.ok().stdout;
    assert!(wrote.contains("(T10)"), "{wrote}");
    for note in [&cn, &shipping_only] {
        supplier(&s, &[&["peppol", "credit-note", &note.number][..], &party[..]].concat()).await.ok();
    }
    let t10 = out.join(format!("{}.xml", inv.number));
    validate("T10", std::slice::from_ref(&t10));
    validate("T14", &[out.join(format!("{}.xml", cn.number)), out.join(format!("{}.xml", shipping_only.number))]);

    // What the buyer reads of it: the order as the buyer knows it (PO number), lines, totals, due date.
    let doc = read_billing(&t10);
    assert!(!doc.credit_note);
    assert_eq!(
        (doc.id.as_str(), doc.issue_date, doc.due_date),
        (inv.number.as_str(), inv.issue_date, Some(inv.due_date))
    );
    assert_eq!((doc.order_ref.as_deref(), doc.buyer_reference.as_deref()), (Some("PP-INV-1"), Some("PP-INV-1")));
    assert_eq!(doc.sales_order_ref.as_deref(), Some(n));
    assert_eq!(doc.buyer.party.endpoint.as_ref().unwrap().to_string(), "0106:12345678");
    assert_eq!(doc.payment_means[0].account.as_deref(), Some("DE02120300000000202051"));
    assert_eq!(doc.payment_terms.as_deref(), Some("invoice, 30 days end of month"));
    let lines: Vec<(&str, Decimal, Decimal, Option<&str>)> =
        doc.lines.iter().map(|l| (l.seller_id.as_str(), l.quantity, l.price, l.order_line_ref.as_deref())).collect();
    assert_eq!(lines, [("T-HUN-1", dec!(3), dec!(100.00), Some("1")), ("T-BOOK-1", dec!(2), dec!(10.00), Some("2"))]);
    assert_eq!(doc.allowances_charges[0].amount, inv.totals.shipping);
    assert_eq!((doc.tax_total, doc.totals.payable), (inv.totals.vat, inv.totals.gross));
    let note = read_billing(&out.join(format!("{}.xml", cn.number)));
    assert!(note.credit_note);
    assert_eq!(note.preceding_invoices, std::slice::from_ref(&inv.number));
    assert_eq!(note.note.as_deref(), Some("wrong edition"));
    assert_eq!(note.totals.payable, cn.totals.gross);

    // Terms with an early-payment discount, seller and buyer in Germany: the
    // discount also in the words of Germany's rules (#SKONTO#…).
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    conn.execute("UPDATE companies SET payment_terms = '14 Tage 2 % Skonto, 30 Tage netto' WHERE code = 'ACME'", [])
        .unwrap();
    let skonto = place(&s, &buyer, "PP-INV-2", &[("T-HUN-1", 1)]).await;
    supplier(&s, &["order", "confirm", &skonto.number]).await.ok();
    supplier(&s, &["order", "ship", &skonto.number]).await.ok();
    let inv: Invoice = supplier(&s, &["invoice", "issue", &skonto.number, "--json"]).await.ok().json();
    assert!(inv.early_payment.is_some());
    supplier(&s, &[&["peppol", "invoice", &inv.number][..], &party[..]].concat()).await.ok();
    let t10 = out.join(format!("{}.xml", inv.number));
    validate("T10", std::slice::from_ref(&t10));
    let terms = read_billing(&t10).payment_terms.unwrap();
    assert!(terms.contains("#SKONTO#TAGE=14#PROZENT=2.00#"), "{terms}");
}

/// Every command of `procure-shop` says what it does with an example, and
/// every argument has a real help text with an example.
#[test]
fn every_shop_command_and_option_has_help_with_an_example() {
    use clap::CommandFactory;
    fn walk(c: &clap::Command, path: &str, problems: &mut Vec<String>) {
        let subs: Vec<&clap::Command> = c.get_subcommands().filter(|s| s.get_name() != "help").collect();
        if subs.is_empty() {
            let after = c.get_after_help().map(|h| h.to_string()).unwrap_or_default();
            if !after.contains("Examples:") {
                problems.push(format!("{path}: no examples"));
            }
            for a in c.get_arguments().filter(|a| !["help", "version"].contains(&a.get_id().as_str())) {
                let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                if !help.contains("Example:") {
                    problems.push(format!("{path} {}: {help:?} has no example", a.get_id()));
                }
            }
        }
        for s in subs {
            walk(s, &format!("{path} {}", s.get_name()), problems);
        }
    }
    let mut problems = Vec::new();
    walk(&procure_shop::cli::ShopCli::command(), "procure-shop", &mut problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A long history (`seed::fill_history`, as the benchmark fills it) pages
/// through with every order and invoice once, and the open balance holds.
#[tokio::test]
async fn a_long_history_pages_through_each_order_and_invoice_once() {
    let s = start().await;
    let db = s.db.clone();
    let filled =
        tokio::task::spawn_blocking(move || procure_shop::seed::fill_history(&db, "BOLT", 120)).await.unwrap().unwrap();
    assert_eq!((filled.orders, filled.invoices), (120, 240));
    let bolt = s.login("BOLT", "buyer").await;
    let (orders, _) = all_pages(&s, &bolt, "/orders/changes", None, 25).await;
    let (invoices, _) = all_pages(&s, &bolt, "/invoices", None, 25).await;
    let mut numbers: Vec<&str> = orders.iter().map(|o| o["number"].as_str().unwrap()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 124, "the demo's four and the 120");
    let mut numbers: Vec<&str> = invoices.iter().map(|o| o["number"].as_str().unwrap()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 246, "the demo's six and the 240");
    let late = orders
        .iter()
        .map(|o| serde_json::from_value::<Order>(o.clone()).unwrap())
        .filter(|o| o.status == OrderStatus::PartlyShipped && o.lines[1].promised_delivery > o.requested_delivery_date)
        .count();
    assert_eq!(late, 12, "one in ten promised late and backordered");
    assert_eq!(credit(&s, &bolt).await.open_balance, open_balance_by_definition(&s, &bolt).await);
}
