//! Quote requests, the supplier's offers (by command line and by itself), acceptance.

use crate::helpers::*;
use procure_protocol::api::{AcceptedQuote, Order, OrderList, OrderStatus, Quote, QuoteList, QuoteStatus, codes};
use procure_shop::{self as shop, ShopOptions, quotes};
use reqwest::StatusCode;
use rust_decimal_macros::dec;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_quote_request_is_idempotent_and_checks_its_lines() {
    let s = start_decisions(ShopOptions::default()).await;
    let token = s.login("ACME", "buyer").await;
    let body = json!({
        "lines": [{"sku": "T-HUN-1", "quantity": 40, "target_unit_price": "90.00"}],
        "comment": "yearly volume",
    });
    let (status, err) = error_of(s.request_quote(&token, None, &body).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(err["message"].as_str().unwrap().contains("Idempotency-Key"), "{err}");

    let first = s.request_quote(&token, Some("q-1"), &body).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Quote = first.json().await.unwrap();
    assert_eq!(first.status, QuoteStatus::Requested);
    assert_eq!(first.requested_by, "buyer");
    assert_eq!(first.lines[0].list_unit_price, Some(dec!(100.00)));
    assert_eq!(first.messages[0].text, "yearly volume");

    let again = s.request_quote(&token, Some("q-1"), &body).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Quote>().await.unwrap(), first);

    let other = json!({"lines": [{"sku": "T-HUN-1", "quantity": 41}]});
    let (status, err) = error_of(s.request_quote(&token, Some("q-1"), &other).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], codes::IDEMPOTENCY_MISMATCH);
    assert!(err["message"].as_str().unwrap().contains(&first.number), "{err}");

    let bad = json!({"lines": [
        {"sku": "NOPE-1", "quantity": 1},
        {"sku": "T-PACK-1", "quantity": 15},
        {"sku": "T-OLD-1", "quantity": 1},
    ]});
    let (status, err) = error_of(s.request_quote(&token, Some("q-2"), &bad).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], codes::INVALID_ORDER);
    let details = err["details"].as_array().unwrap();
    assert_eq!(details[0]["code"], codes::UNKNOWN_SKU);
    assert_eq!(details[1]["code"], codes::INVALID_QUANTITY);
    assert_eq!(details[1]["suggested_quantity"], 20);
    assert_eq!(details[2]["code"], codes::DISCONTINUED);
    assert!(details[2]["message"].as_str().unwrap().contains("T-HUN-1"), "names the successor: {err}");

    let list: QuoteList = s.get_json(&token, "/quotes").await;
    assert_eq!(list.items.len(), 1, "nothing stored for the refused request");
}

#[tokio::test]
async fn quotes_list_newest_first_in_pages() {
    let s = start_decisions(ShopOptions::default()).await;
    let token = s.login("ACME", "buyer").await;
    let mut numbers = Vec::new();
    for i in 0..3 {
        numbers.push(s.new_quote(&token, &format!("page-{i}"), &[("T-HUN-1", 1 + i)]).await);
    }
    let page: QuoteList = s.get_json(&token, "/quotes?limit=2").await;
    let got: Vec<_> = page.items.iter().map(|q| q.number.clone()).collect();
    assert_eq!(got, vec![numbers[2].clone(), numbers[1].clone()]);
    let rest: QuoteList =
        s.get_json(&token, &format!("/quotes?limit=2&cursor={}", page.next_cursor.clone().unwrap())).await;
    assert_eq!(rest.items.len(), 1);
    assert_eq!(rest.items[0].number, numbers[0]);
    assert!(rest.next_cursor.is_none());
    let (status, _) = error_of(s.get(&token, "/quotes?cursor=x").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_accepted_offer_is_an_order_at_the_offered_prices_with_the_offered_totals() {
    let s = start_decisions(ShopOptions::default()).await;
    let token = s.login("ACME", "buyer").await;
    let number = s.new_quote(&token, "acc-1", &[("T-HUN-1", 10), ("T-BOOK-1", 3)]).await;
    let offered = s.offer(&number, quotes::Pricing::Discount(dec!(5)), today()).await;
    assert_eq!(offered.lines[0].offered_unit_price, Some(dec!(95.00)));
    assert_eq!(offered.lines[1].offered_unit_price, Some(dec!(9.50)));
    assert_eq!(offered.messages.last().unwrap().side, "supplier");
    assert_eq!(offered.messages.last().unwrap().author, "Sales");

    // The buyer writes back; then accepts on the offer's last valid day.
    let q: Quote =
        s.post(&token, &format!("/quotes/{number}/messages"), &json!({"text": "thanks"})).await.json().await.unwrap();
    let m = q.messages.last().unwrap();
    assert_eq!((m.side.as_str(), m.author.as_str(), m.text.as_str()), ("buyer", "buyer", "thanks"));

    let resp = s.post(&token, &format!("/quotes/{number}/accept"), &json!({"po_number": "PO-Q1"})).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let done: AcceptedQuote = resp.json().await.unwrap();
    assert_eq!(done.quote.status, QuoteStatus::Accepted);
    assert_eq!(done.quote.order_number.as_deref(), Some(done.order.number.as_str()));
    assert_eq!(done.order.quote_number.as_deref(), Some(number.as_str()));
    assert_eq!(done.order.lines[0].unit_price, dec!(95.00));
    assert_eq!(done.order.status, OrderStatus::Placed);
    // 950.00 at 19 % and 28.50 at 7 %: the offer's totals are what the order costs.
    assert_eq!(Some(&done.order.totals), offered.offer_totals.as_ref());
    let order: Order = s.get_json(&token, &format!("/orders/{}", done.order.number)).await;
    assert_eq!(order, done.order);

    let (status, err) =
        error_of(s.post(&token, &format!("/quotes/{number}/accept"), &json!({"po_number": "PO-Q2"})).await).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["code"], codes::QUOTE_NOT_OPEN);
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains("already accepted") && msg.contains(&done.order.number), "{msg}");
    let (status, err) = error_of(s.post(&token, &format!("/quotes/{number}/decline"), &json!({})).await).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some(codes::QUOTE_NOT_OPEN)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn accepting_twice_at_once_makes_one_order() {
    let s = start_decisions(ShopOptions::default()).await;
    let token = s.login("ACME", "buyer").await;
    let number = s.new_quote(&token, "race-q", &[("T-HUN-1", 2)]).await;
    s.offer(&number, quotes::Pricing::Prices([("T-HUN-1".to_string(), dec!(90))].into()), today()).await;
    let sends = (0..8).map(|i| {
        let rb = s
            .http
            .post(s.url(&format!("/quotes/{number}/accept")))
            .bearer_auth(&token)
            .json(&json!({"po_number": format!("RACE-{i}")}));
        async move { rb.send().await.unwrap() }
    });
    let mut created = Vec::new();
    for resp in futures_join(sends).await {
        match resp.status() {
            StatusCode::CREATED => created.push(resp.json::<AcceptedQuote>().await.unwrap().order.number),
            StatusCode::CONFLICT => {
                let (_, err) = error_of(resp).await;
                assert_eq!(err["code"], codes::QUOTE_NOT_OPEN);
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created.len(), 1, "{created:?}");
    let list: OrderList = s.get_json(&token, "/orders?limit=200").await;
    assert_eq!(list.items.iter().filter(|o| o.po_number.starts_with("RACE-")).count(), 1);
}

#[tokio::test]
async fn an_offer_past_its_day_reads_as_expired_and_stays_so() {
    let s = start_decisions(ShopOptions::default()).await;
    let token = s.login("ACME", "buyer").await;
    let yesterday = today() - chrono::Duration::days(1);
    let number = s.new_quote(&token, "exp-1", &[("T-HUN-1", 2)]).await;
    let offered = s.offer(&number, quotes::Pricing::Discount(dec!(10)), yesterday).await;
    assert_eq!(offered.status, QuoteStatus::Offered, "stored as offered");

    let q: Quote = s.get_json(&token, &format!("/quotes/{number}")).await;
    assert_eq!(q.status, QuoteStatus::Expired);
    let list: QuoteList = s.get_json(&token, "/quotes").await;
    assert_eq!(list.items[0].status, QuoteStatus::Expired);
    let (status, err) =
        error_of(s.post(&token, &format!("/quotes/{number}/accept"), &json!({"po_number": "LATE"})).await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["code"], codes::QUOTE_EXPIRED);
    assert!(err["message"].as_str().unwrap().contains(&format!("expired on {yesterday}")), "{err}");
    let (status, err) = error_of(s.post(&token, &format!("/quotes/{number}/decline"), &json!({})).await).await;
    assert_eq!((status, err["code"].as_str()), (StatusCode::CONFLICT, Some(codes::QUOTE_NOT_OPEN)));

    // Persisted: read as of a day long before, it is still expired.
    let db = s.db.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let conn = shop::open_db(&db).unwrap();
        quotes::list(&conn, None, yesterday - chrono::Duration::days(30)).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(stored.iter().find(|(_, q)| q.number == number).unwrap().1.status, QuoteStatus::Expired);
}

#[tokio::test]
async fn the_demo_supplier_offers_five_percent_under_list_by_itself() {
    let s = start_decisions(ShopOptions { auto_offer: Some(Duration::ZERO), ..ShopOptions::default() }).await;
    let token = s.login("BOLT", "buyer").await;
    let number = s.new_quote(&token, "auto", &[("T-HUN-1", 3)]).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let q = loop {
        let q: Quote = s.get_json(&token, &format!("/quotes/{number}")).await;
        if q.status != QuoteStatus::Requested {
            break q;
        }
        assert!(std::time::Instant::now() < deadline, "no automatic offer within 10 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(q.status, QuoteStatus::Offered);
    assert_eq!(q.lines[0].list_unit_price, Some(dec!(100.00)));
    assert_eq!(q.lines[0].offered_unit_price, Some(dec!(95.00)));
    assert_eq!(q.valid_until, Some(today() + chrono::Duration::days(14)));
    let m = q.messages.last().unwrap();
    assert_eq!(m.side, "supplier");
    assert_eq!(m.text, "Thank you for your request — 5 % off list for this volume.");
}

#[tokio::test]
async fn the_supplier_command_line_refuses_with_5_and_misuse_is_2() {
    let s = start_decisions(ShopOptions::default()).await;
    let token = s.login("ACME", "buyer").await;
    let number = s.new_quote(&token, "cli", &[("T-HUN-1", 2), ("T-BOOK-1", 1)]).await;
    // The supplier's commands open the database themselves; the server
    // (on this test's thread) is idle meanwhile.
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_procure-shop"))
            .args(["quote"])
            .args(args)
            .arg("--db")
            .arg(&s.db)
            .output()
            .unwrap();
        (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
    };

    assert_eq!(run(&["offer", &number]).0, 2, "a price or a discount is required");
    assert_eq!(run(&["offer", &number, "--discount", "100"]).0, 2);
    assert_eq!(run(&["list", "--status", "pending"]).0, 2);
    assert_eq!(run(&["offer", "Q-999999", "--discount", "5"]).0, 5);
    let (code, err) = run(&["offer", &number, "--price", "T-HUN-1=90"]);
    assert_eq!(code, 5);
    assert!(err.contains("no price for T-BOOK-1"), "{err}");

    let yesterday = (today() - chrono::Duration::days(1)).to_string();
    let (code, err) = run(&["offer", &number, "--discount", "5", "--valid-until", &yesterday]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning"), "a past validity is allowed with a warning: {err}");
    let (code, err) = run(&["decline", &number]);
    assert_eq!(code, 5, "an expired offer is not open");
    assert!(err.contains("expired"), "{err}");
}
