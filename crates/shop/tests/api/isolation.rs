//! Every query is scoped to the token's company: no part, price, order or quote of another.

use crate::helpers::*;
use procure_protocol::api::{Order, OrderList, OrderedSkus, Preview, Product, Quote, QuoteList, QuoteStatus, codes};
use procure_protocol::quantity::QuantityRules;
use procure_shop::{ShopOptions, quotes};
use reqwest::StatusCode;
use rust_decimal_macros::dec;
use serde_json::json;
use std::collections::HashSet;

#[tokio::test]
async fn companies_never_see_each_others_parts_prices_or_orders() {
    let s = start().await;
    let acme = s.login("ACME", "buyer").await;
    let bolt = s.login("BOLT", "buyer").await;
    let (acme_items, _) = s.catalog(&acme, None, 5000).await;
    let (bolt_items, _) = s.catalog(&bolt, None, 5000).await;
    let acme_skus: HashSet<&str> = acme_items.iter().map(|p| p.sku.as_str()).collect();
    let bolt_only: Vec<&Product> =
        bolt_items.iter().filter(|p| !acme_skus.contains(p.sku.as_str()) && !p.discontinued).collect();
    assert!(!bolt_only.is_empty(), "the demo has parts only BOLT sees");
    let hidden = bolt_only[0];

    // Not in ACME's price list, and unknown to ACME's orders.
    let acme_prices = s.prices(&acme).await;
    assert!(!acme_prices.contains_key(&hidden.sku));
    let qty = QuantityRules::of(hidden, &[]).smallest();
    let resp = s.preview(&acme, &draft("X", &[(&hidden.sku, qty)])).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let preview: Preview = resp.json().await.unwrap();
    assert_eq!(preview.errors.len(), 1);
    assert_eq!(preview.errors[0].code, codes::UNKNOWN_SKU);
    assert!(preview.lines.is_empty());

    // Shared parts: each company its own prices.
    let bolt_prices = s.prices(&bolt).await;
    let shared = acme_items.iter().find(|p| bolt_prices.contains_key(&p.sku)).expect("a part both see");
    assert_ne!(acme_prices[&shared.sku].tiers, bolt_prices[&shared.sku].tiers, "12% and 5% discounts");

    // BOLT's order is invisible to ACME.
    let qty = QuantityRules::of(hidden, &[]).smallest();
    let resp = s.create(&bolt, Some("k-1"), &draft("B-1", &[(&hidden.sku, qty)])).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let order: Order = resp.json().await.unwrap();
    let (status, err) = error_of(s.get(&acme, &format!("/orders/{}", order.number)).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["code"], codes::NOT_FOUND);
    let list: OrderList = s.get_json(&acme, "/orders").await;
    assert!(list.items.iter().all(|o| o.number != order.number));
    let mine: Order = s.get_json(&bolt, &format!("/orders/{}", order.number)).await;
    assert_eq!(mine.po_number, "B-1");
    // The same idempotency key is free for another company.
    let p = plain_part(&acme_items);
    let resp = s.create(&acme, Some("k-1"), &draft("A-1", &[(&p.sku, 1)])).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let ordered: OrderedSkus = s.get_json(&acme, "/ordered-skus").await;
    assert!(ordered.items.iter().any(|o| o.sku == p.sku));
    assert!(ordered.items.iter().all(|o| o.sku != hidden.sku));
}

#[tokio::test]
async fn another_companys_quotes_and_orders_are_not_found() {
    let s = start_decisions(ShopOptions::default()).await;
    let acme = s.login("ACME", "buyer").await;
    let bolt = s.login("BOLT", "buyer").await;
    let bolt_approver = s.login("BOLT", "approver").await;
    let number = s.new_quote(&acme, "mine", &[("T-HUN-1", 2)]).await;
    s.offer(&number, quotes::Pricing::Discount(dec!(5)), today()).await;
    let order = s.pending_order(&acme, "ACME-BIG").await;

    let (_, unknown) = error_of(s.get(&bolt, "/quotes/Q-999999").await).await;
    let attempts = [
        s.get(&bolt, &format!("/quotes/{number}")).await,
        s.post(&bolt, &format!("/quotes/{number}/accept"), &json!({"po_number": "STEAL"})).await,
        s.post(&bolt, &format!("/quotes/{number}/decline"), &json!({})).await,
        s.post(&bolt, &format!("/quotes/{number}/messages"), &json!({"text": "hi"})).await,
        s.post(&bolt_approver, &format!("/orders/{}/approve", order.number), &json!({})).await,
        s.post(&bolt_approver, &format!("/orders/{}/reject", order.number), &json!({"reason": "no"})).await,
    ];
    for resp in attempts {
        let (status, err) = error_of(resp).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(err["code"], unknown["code"]);
    }
    let queue: OrderList = s.get_json(&bolt_approver, "/approvals").await;
    assert!(queue.items.iter().all(|o| o.number != order.number));
    let list: QuoteList = s.get_json(&bolt, "/quotes").await;
    assert!(list.items.is_empty());
    let q: Quote = s.get_json(&acme, &format!("/quotes/{number}")).await;
    assert_eq!(q.status, QuoteStatus::Offered, "untouched");
}
