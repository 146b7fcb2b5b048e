//! Previews and orders: pricing, per-line problems, idempotency keys, PO numbers, price changes.

use crate::helpers::*;
use procure_protocol::api::{Me, Order, OrderList, Preview, codes};
use procure_protocol::quantity::QuantityRules;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

#[tokio::test]
async fn preview_prices_lines_and_reports_problems_per_line() {
    let s = start().await;
    let token = s.login("ACME", "buyer").await;
    let (items, _) = s.catalog(&token, None, 5000).await;
    let prices = s.prices(&token).await;
    let plain = plain_part(&items);
    let packed = items
        .iter()
        .find(|p| !p.discontinued && QuantityRules::of(p, &[]).smallest() > 1)
        .expect("a part with a pack size or minimum");
    let rules = QuantityRules::of(packed, prices.get(&packed.sku).map_or(&[][..], |e| &e.tiers));
    let bad_qty = rules.smallest() + 1;
    let old =
        items.iter().find(|p| p.discontinued && p.replaced_by.is_some()).expect("a discontinued part with a successor");
    let successor = old.replaced_by.clone().unwrap();

    let body = draft(
        "PO-7",
        &[
            (&plain.sku, 3),
            ("NO-SUCH-PART", 1),
            (&packed.sku, bad_qty),
            (&old.sku, QuantityRules::of(old, &[]).smallest()),
        ],
    );
    let resp = s.preview(&token, &body).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let p: Preview = resp.json().await.unwrap();
    let by_code: HashMap<&str, &procure_protocol::api::LineError> =
        p.errors.iter().map(|e| (e.code.as_str(), e)).collect();
    assert_eq!(by_code[codes::UNKNOWN_SKU].line, 1);
    let q = by_code[codes::INVALID_QUANTITY];
    assert_eq!(q.line, 2);
    assert_eq!(q.suggested_quantity, Some(rules.next_valid(bad_qty)));
    let d = by_code[codes::DISCONTINUED];
    assert_eq!(d.line, 3);
    assert!(d.message.contains(&successor), "{}", d.message);

    // The plain line is priced with ACME's tiers.
    let line = &p.lines[0];
    assert_eq!(line.sku, plain.sku);
    let unit = procure_protocol::money::unit_price_for(&prices[&plain.sku].tiers, 3).unwrap();
    assert_eq!(line.unit_price, unit);
    assert_eq!(line.line_total, procure_protocol::money::line_total(unit, 3));
    assert!(p.earliest_delivery > chrono::Utc::now().date_naive());

    // Problems with the whole order are a 422.
    let mut bad = draft("PO-8", &[(&plain.sku, 1)]);
    bad["ship_to"] = json!("nowhere");
    let (status, err) = error_of(s.preview(&token, &bad).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], codes::INVALID_ORDER);
    let mut early = draft("PO-9", &[(&plain.sku, 1)]);
    early["requested_delivery_date"] = json!(chrono::Utc::now().date_naive().to_string());
    let (status, err) = error_of(s.preview(&token, &early).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(err["message"].as_str().unwrap().contains("earliest"), "{err}");

    // Creating the same draft is refused with the line problems as details.
    let (status, err) = error_of(s.create(&token, Some("bad-1"), &body).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], codes::INVALID_ORDER);
    assert_eq!(err["details"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn an_idempotency_key_places_one_order() {
    let s = start().await;
    let token = s.login("ACME", "buyer").await;
    let (items, _) = s.catalog(&token, None, 5000).await;
    let p = plain_part(&items);
    let body = draft("PO-100", &[(&p.sku, 2)]);

    let (status, err) = error_of(s.create(&token, None, &body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().contains("Idempotency-Key"));

    let first = s.create(&token, Some("key-1"), &body).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Order = first.json().await.unwrap();
    assert_eq!(first.status, procure_protocol::api::OrderStatus::Placed);

    let again = s.create(&token, Some("key-1"), &body).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Order = again.json().await.unwrap();
    assert_eq!(again, first);

    let other = draft("PO-100", &[(&p.sku, 3)]);
    let (status, err) = error_of(s.create(&token, Some("key-1"), &other).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], codes::IDEMPOTENCY_MISMATCH);
    assert!(err["message"].as_str().unwrap().contains(&first.number), "{err}");

    let list: OrderList = s.get_json(&token, "/orders").await;
    assert_eq!(list.items.iter().filter(|o| o.po_number == "PO-100").count(), 1);
    assert_eq!(list.items[0].number, first.number, "newest first");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_with_one_key_place_one_order() {
    let s = start().await;
    let token = s.login("CRANE", "buyer").await;
    let (items, _) = s.catalog(&token, None, 5000).await;
    let p = plain_part(&items);
    let body = draft("PO-RACE", &[(&p.sku, 1)]);
    let sends = (0..8).map(|_| {
        let rb = s.http.post(s.url("/orders")).bearer_auth(&token).header("Idempotency-Key", "race-key").json(&body);
        async move { rb.send().await.unwrap() }
    });
    let results = futures_join(sends).await;
    let mut created = 0;
    let mut numbers = HashSet::new();
    for resp in results {
        match resp.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => assert_eq!(resp.headers()["idempotent-replayed"], "true"),
            other => panic!("unexpected {other}"),
        }
        numbers.insert(resp.json::<Order>().await.unwrap().number);
    }
    assert_eq!(created, 1);
    assert_eq!(numbers.len(), 1);
    let list: OrderList = s.get_json(&token, "/orders?limit=200").await;
    assert_eq!(list.items.iter().filter(|o| o.po_number == "PO-RACE").count(), 1);
}

#[tokio::test]
async fn a_changed_price_is_a_409_with_the_current_price() {
    let s = start().await;
    let token = s.login("ACME", "buyer").await;
    let (items, _) = s.catalog(&token, None, 5000).await;
    let p = plain_part(&items);
    let preview: Preview = s.preview(&token, &draft("PO-P", &[(&p.sku, 1)])).await.json().await.unwrap();
    let current = preview.lines[0].unit_price;
    let mut body = draft("PO-P", &[(&p.sku, 1)]);
    body["lines"][0]["expected_unit_price"] = json!((current + rust_decimal::Decimal::ONE).to_string());
    let (status, err) = error_of(s.create(&token, Some("p-1"), &body).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["code"], codes::PRICE_CHANGED);
    assert_eq!(err["details"][0]["current_unit_price"], json!(current.to_string()));
    let list: OrderList = s.get_json(&token, "/orders").await;
    assert!(list.items.iter().all(|o| o.po_number != "PO-P"), "no order placed");

    // With the price the shop quotes, it goes through.
    body["lines"][0]["expected_unit_price"] = json!(current.to_string());
    let resp = s.create(&token, Some("p-2"), &body).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_po_number_names_one_order_unless_a_duplicate_is_allowed() {
    let s = start().await;
    let buyer = s.login("ACME", "buyer").await;
    let (items, _) = s.catalog(&buyer, None, 5000).await;
    let p = plain_part(&items);
    let body = draft("PO-ONCE", &[(&p.sku, 1)]);
    let first: Order = s.create(&buyer, Some("once-1"), &body).await.json().await.unwrap();
    // The same key and draft again is a replay, not a duplicate.
    let again = s.create(&buyer, Some("once-1"), &body).await;
    assert_eq!(again.status(), StatusCode::OK);
    // Another key with the same PO number is refused, naming the order.
    let dup = s.create(&buyer, Some("once-2"), &body).await;
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    let err: serde_json::Value = dup.json().await.unwrap();
    assert_eq!(err["error"]["code"], "duplicate_po");
    assert!(err["error"]["message"].as_str().unwrap().contains(&first.number), "{err}");
    // Unless the draft allows it.
    let mut allowed = body.clone();
    allowed["allow_duplicate_po"] = json!(true);
    let second = s.create(&buyer, Some("once-3"), &allowed).await;
    assert_eq!(second.status(), StatusCode::CREATED);
    // Another company may use the same PO number.
    let bolt = s.login("BOLT", "buyer").await;
    let (bolt_items, _) = s.catalog(&bolt, None, 5000).await;
    let bp = plain_part(&bolt_items);
    let resp = s.create(&bolt, Some("once-1"), &draft("PO-ONCE", &[(&bp.sku, 1)])).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
}

/// A database written before the limits (or by hand) holds a price and a
/// lead time beyond them: the preview names the line, the order is refused
/// for it, and the shop keeps serving every company.
#[tokio::test]
async fn an_out_of_range_stored_value_is_a_line_error_not_an_outage() {
    let s = start().await;
    let report =
        s.import("sku,name,lead_time_days,stock,list_price\nX-HUGE,Huge,3,0,1.00\nX-LATE,Late,3,0,1.00\n", None);
    assert_eq!(report.loaded, 2);
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    conn.execute(
        "UPDATE products SET list_tiers = '[{\"min_qty\":1,\"unit_price\":\"100000000000000000000\"}]' WHERE sku = 'X-HUGE'",
        [],
    )
    .unwrap();
    let data: String = conn.query_row("SELECT data FROM products WHERE sku = 'X-LATE'", [], |r| r.get(0)).unwrap();
    let mut late: Value = serde_json::from_str(&data).unwrap();
    late["lead_time_days"] = json!(4_000_000_000u32);
    conn.execute("UPDATE products SET data = ?1 WHERE sku = 'X-LATE'", [late.to_string()]).unwrap();
    drop(conn);

    let token = s.login("ACME", "buyer").await;
    let resp = s.preview(&token, &draft("PO-BIG", &[("X-HUGE", 1_000_000_000), ("X-LATE", 1)])).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let p: Preview = resp.json().await.unwrap();
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert_eq!((p.errors[0].line, p.errors[0].code.as_str()), (0, codes::AMOUNT_TOO_LARGE));
    assert!(p.earliest_delivery > chrono::Utc::now().date_naive(), "a far delivery, not a panic");
    let resp = s.create(&token, Some("k-big"), &draft("PO-BIG", &[("X-HUGE", 1_000_000_000)])).await;
    let (status, err) = error_of(resp).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["details"][0]["code"], codes::AMOUNT_TOO_LARGE, "{err}");
    // Everyone else is still served.
    let other = s.login("BOLT", "buyer").await;
    let me: Me = s.get_json(&other, "/me").await;
    assert_eq!(me.company.code, "BOLT");
    let resp = s.preview(&token, &draft("PO-OK", &[("X-LATE", 1)])).await;
    assert_eq!(resp.status(), StatusCode::OK);
}
