//! The company's account: who the user is, the supplier's contact, the credit.

use crate::helpers::*;
use procure_protocol::api::{Credit, Me, Order, OrderList, Preview, Quote, QuoteStatus, codes};
use procure_shop::{self as shop, ShopOptions, quotes};
use reqwest::StatusCode;
use rust_decimal_macros::dec;
use serde_json::json;

#[tokio::test]
async fn me_names_the_suppliers_contact_of_each_company() {
    let s = start().await;
    let acme: Me = s.get_json(&s.login("ACME", "buyer").await, "/me").await;
    let contact = acme.supplier.expect("the demo seed gives every company a contact");
    assert_eq!(contact.name, shop::seed::DEMO_SUPPLIER);
    assert_eq!(contact.sales_contact.as_deref(), Some("Jana Hoffmann"));
    assert_eq!(contact.email.as_deref(), Some("j.hoffmann@nordwerk.example"));
    assert!(contact.phone.is_some() && contact.support_hours.is_some());
    let bolt_token = s.login("BOLT", "buyer").await;
    let bolt: Me = s.get_json(&bolt_token, "/me").await;
    assert_eq!(bolt.supplier.unwrap().sales_contact.as_deref(), Some("Pieter de Vries"), "each company its own");

    // Without a contact on file, `me` has no `supplier` key at all.
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    conn.execute("DELETE FROM supplier_contacts WHERE company_id = (SELECT id FROM companies WHERE code = 'BOLT')", [])
        .unwrap();
    let raw: serde_json::Value = s.get_json(&bolt_token, "/me").await;
    assert!(raw.get("supplier").is_none(), "{raw}");
    assert_eq!(raw["company"]["code"], "BOLT");
}

#[tokio::test]
async fn credit_counts_open_orders_and_refuses_an_order_beyond_it_by_how_much() {
    let s = start_decisions(ShopOptions::default()).await;
    let buyer = s.login("CRANE", "buyer").await;
    let credit: Credit = s.get_json(&buyer, "/credit").await;
    assert_eq!(credit.limit, Some(dec!(10000.00)));
    // The demo's history: what is open of its invoices (docs/shop-api.md, Credit).
    let history = credit.open_balance;
    assert!(history > dec!(0) && history < dec!(1000), "{history}");
    assert_eq!(credit.available, Some(dec!(10000.00) - history));

    let small: Order = s.create(&buyer, Some("c-1"), &draft("C-1", &[("T-HUN-1", 20)])).await.json().await.unwrap();
    let credit: Credit = s.get_json(&buyer, "/credit").await;
    assert_eq!(credit.open_balance, history + small.totals.gross);
    let available = dec!(10000) - history - small.totals.gross;
    assert_eq!(credit.available, Some(available));

    let body = draft("C-2", &[("T-HUN-1", 70)]);
    let preview: Preview = s.preview(&buyer, &body).await.json().await.unwrap();
    assert_eq!(preview.credit.as_ref(), Some(&credit));
    let gross = preview.totals.gross;
    assert!(gross > available);
    let (status, err) = error_of(s.create(&buyer, Some("c-2"), &body).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], codes::CREDIT_LIMIT_EXCEEDED);
    assert_eq!(
        err["message"],
        format!(
            "this order ({gross} EUR) exceeds your available credit of {available} EUR by {} EUR",
            gross - available
        )
    );
    let list: OrderList = s.get_json(&buyer, "/orders").await;
    assert!(list.items.iter().all(|o| o.po_number != "C-2"));

    // An accepted offer is checked the same way.
    let number = s.new_quote(&buyer, "c-q", &[("T-HUN-1", 70)]).await;
    s.offer(&number, quotes::Pricing::Discount(dec!(1)), today()).await;
    let (status, err) =
        error_of(s.post(&buyer, &format!("/quotes/{number}/accept"), &json!({"po_number": "C-3"})).await).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(codes::CREDIT_LIMIT_EXCEEDED)));
    let q: Quote = s.get_json(&buyer, &format!("/quotes/{number}")).await;
    assert_eq!(q.status, QuoteStatus::Offered, "still open after the refusal");

    // A rejected (cancelled) order no longer counts.
    let approver = s.login("CRANE", "approver").await;
    let pending = s.pending_order(&buyer, "C-4").await;
    let with_pending: Credit = s.get_json(&buyer, "/credit").await;
    assert_eq!(with_pending.open_balance, history + small.totals.gross + pending.totals.gross);
    s.post(&approver, &format!("/orders/{}/reject", pending.number), &json!({"reason": "too much"})).await;
    let after: Credit = s.get_json(&buyer, "/credit").await;
    assert_eq!(after.open_balance, history + small.totals.gross);
}
