//! Orders above a user's limit and the approvers who decide them.

use crate::helpers::*;
use procure_protocol::api::{Decision, Order, OrderList, OrderStatus, Preview, codes};
use procure_shop::ShopOptions;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn above_the_order_limit_an_order_waits_for_approval() {
    let s = start().await;
    let buyer = s.login("ACME", "buyer").await;
    let admin = s.login("ACME", "admin").await;
    let (items, _) = s.catalog(&buyer, None, 5000).await;
    let prices = s.prices(&buyer).await;
    let p = plain_part(&items);
    let unit = prices[&p.sku].tiers.last().unwrap().unit_price;
    // Enough units to pass 5000 net at the cheapest tier.
    let qty = (rust_decimal::Decimal::from(5001) / unit)
        .ceil()
        .to_string()
        .parse::<u32>()
        .unwrap()
        .max(prices[&p.sku].tiers.last().unwrap().min_qty);
    let body = draft("PO-BIG", &[(&p.sku, qty)]);
    let preview: Preview = s.preview(&buyer, &body).await.json().await.unwrap();
    assert!(preview.totals.net > 5000.into());
    assert!(preview.needs_approval);
    let resp = s.create(&buyer, Some("big-1"), &body).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let order: Order = resp.json().await.unwrap();
    assert_eq!(order.status, procure_protocol::api::OrderStatus::PendingApproval);
    assert_eq!(order.placed_by, "buyer");

    // Another order needs its own PO number.
    let body = draft("PO-BIG-2", &[(&p.sku, qty)]);
    let resp = s.create(&admin, Some("big-2"), &body).await;
    let order: Order = resp.json().await.unwrap();
    assert_eq!(order.status, procure_protocol::api::OrderStatus::Placed, "the admin has no limit");
}

#[tokio::test]
async fn approvals_by_role_never_ones_own_and_only_once() {
    let s = start_decisions(ShopOptions::default()).await;
    let buyer = s.login("ACME", "buyer").await;
    let approver = s.login("ACME", "approver").await;
    let admin = s.login("ACME", "admin").await;
    let order = s.pending_order(&buyer, "WAIT-1").await;

    let (status, err) = error_of(s.get(&buyer, "/approvals").await).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::FORBIDDEN, Some(codes::FORBIDDEN)));
    let (status, err) = error_of(s.post(&buyer, &format!("/orders/{}/approve", order.number), &json!({})).await).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::FORBIDDEN, Some(codes::FORBIDDEN)));

    let queue: OrderList = s.get_json(&approver, "/approvals").await;
    assert!(queue.items.iter().any(|o| o.number == order.number));
    let (status, err) =
        error_of(s.post(&approver, &format!("/orders/{}/reject", order.number), &json!({"reason": " "})).await).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(codes::INVALID_REQUEST)));

    let resp = s.post(&approver, &format!("/orders/{}/approve", order.number), &json!({})).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let approved: Order = resp.json().await.unwrap();
    assert_eq!(approved.status, OrderStatus::Placed);
    let a = approved.approval.clone().unwrap();
    assert_eq!((a.decision, a.decided_by.as_str()), (Decision::Approved, "approver"));
    let seen: Order = s.get_json(&buyer, &format!("/orders/{}", order.number)).await;
    assert_eq!(seen.approval, approved.approval, "kept on every read");

    // Deciding twice.
    for (who, path) in [(&admin, "approve"), (&approver, "reject")] {
        let (status, err) =
            error_of(s.post(who, &format!("/orders/{}/{path}", order.number), &json!({"reason": "late"})).await).await;
        assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some(codes::NOT_PENDING)));
    }

    // The approver's own order above their 25,000 limit: not theirs to decide.
    let resp = s.create(&approver, Some("own"), &draft("OWN-1", &[("T-HUN-1", 251)])).await;
    let own: Order = resp.json().await.unwrap();
    assert_eq!(own.status, OrderStatus::PendingApproval);
    let (status, err) = error_of(s.post(&approver, &format!("/orders/{}/approve", own.number), &json!({})).await).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::FORBIDDEN, Some(codes::OWN_ORDER)));
    assert!(err["message"].as_str().unwrap().contains("you cannot approve your own order"), "{err}");
    let resp = s.post(&admin, &format!("/orders/{}/reject", own.number), &json!({"reason": "split it"})).await;
    let rejected: Order = resp.json().await.unwrap();
    assert_eq!(rejected.status, OrderStatus::Cancelled);
    assert_eq!(rejected.approval.unwrap().reason.as_deref(), Some("split it"));
}
