//! Logging in, tokens and the protocol's error shape.

use crate::helpers::*;
use procure_protocol::api::{LoginResponse, Me, codes};
use procure_shop::ShopOptions;
use reqwest::StatusCode;
use std::collections::HashSet;
use std::time::Duration;

#[tokio::test]
async fn login_works_and_failures_look_alike() {
    let s = start().await;
    let resp = s.login_raw("ACME", "buyer", "demo").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let login: LoginResponse = resp.json().await.unwrap();
    assert!(login.token.len() >= 64, "32 random bytes, hex");
    assert!(login.expires_at > chrono::Utc::now() + chrono::Duration::hours(11));

    let mut messages = HashSet::new();
    for (company, user, password) in [("ACME", "buyer", "wrong"), ("NOPE", "buyer", "demo"), ("ACME", "nobody", "demo")]
    {
        let (status, err) = error_of(s.login_raw(company, user, password).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{company}/{user}");
        assert_eq!(err["code"], codes::INVALID_CREDENTIALS);
        messages.insert(err["message"].as_str().unwrap().to_string());
    }
    assert_eq!(messages.len(), 1, "one message for every failure: {messages:?}");
    // Malformed JSON is a 400 with serde's message.
    let resp = s.http.post(s.url("/auth/login")).body("{\"company\": ").send().await.unwrap();
    let (status, err) = error_of(resp).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["code"], codes::INVALID_REQUEST);
    assert!(err["message"].as_str().unwrap().contains("EOF"), "{err}");
}

#[tokio::test]
async fn token_required_logout_revokes_and_tokens_expire() {
    let s =
        start_with(ShopOptions { token_ttl: Duration::from_secs(2), auto_offer: None, ..ShopOptions::default() }).await;
    for path in ["/me", "/catalog", "/price-list", "/ordered-skus", "/orders"] {
        let (status, err) = error_of(s.http.get(s.url(path)).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(err["code"], codes::UNAUTHORIZED);
        let resp = s.get("not-a-token", path).await;
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let token = s.login("ACME", "buyer").await;
    let me: Me = s.get_json(&token, "/me").await;
    assert_eq!(me.company.code, "ACME");
    assert_eq!(me.company.name, "Acme Maschinenbau GmbH");
    assert_eq!(me.company.currency, "EUR");
    assert_eq!(me.user.username, "buyer");
    assert_eq!(me.user.order_limit, Some(5000.into()));
    assert!(!me.company.ship_to.is_empty() && !me.company.shipping_methods.is_empty());

    let resp = s.http.post(s.url("/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.get(&token, "/me").await.status(), StatusCode::UNAUTHORIZED);

    let short = s.login("BOLT", "approver").await;
    assert_eq!(s.get(&short, "/me").await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(s.get(&short, "/me").await.status(), StatusCode::UNAUTHORIZED, "expired");
}

#[tokio::test]
async fn unknown_routes_are_404_in_the_error_shape() {
    let s = start().await;
    let token = s.login("ACME", "buyer").await;
    let (status, err) = error_of(s.get(&token, "/nope").await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(err["code"], codes::NOT_FOUND);
    let (status, err) = error_of(s.get(&token, "/catalog?cursor=garbage").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(err["code"], codes::INVALID_REQUEST);
    let (status, _) = error_of(s.get(&token, "/catalog?since=garbage").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
