//! The reference shop over HTTP: a demo-seeded database, the server on an
//! ephemeral loopback port, a plain HTTP client.

use chrono::NaiveDate;
use procure_protocol::api::{
    AcceptedQuote, CatalogPage, Credit, Decision, LoginResponse, Me, Order, OrderList, OrderStatus, OrderedSkus,
    Preview, PriceListPage, Product, Quote, QuoteList, QuoteStatus, codes,
};
use procure_protocol::quantity::QuantityRules;
use procure_shop::{self as shop, RunningShop, ShopOptions, quotes};
use reqwest::StatusCode;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

const PRODUCTS: usize = 400;

struct TestShop {
    dir: tempfile::TempDir,
    db: PathBuf,
    base: String,
    http: reqwest::Client,
    _shop: RunningShop,
}

async fn start() -> TestShop {
    start_with(ShopOptions::default()).await
}

async fn start_with(opts: ShopOptions) -> TestShop {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let seed_db = db.clone();
    let report = tokio::task::spawn_blocking(move || shop::seed_demo(&seed_db, PRODUCTS)).await.unwrap().unwrap();
    assert!(report.seeded);
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let running = shop::spawn(db.clone(), addr, opts).await.unwrap();
    assert_ne!(running.addr.port(), 0);
    TestShop { base: format!("http://{}/api/v1", running.addr), dir, db, http: reqwest::Client::new(), _shop: running }
}

impl TestShop {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn login_raw(&self, company: &str, user: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/auth/login"))
            .json(&json!({"company": company, "user": user, "password": password}))
            .send()
            .await
            .unwrap()
    }

    async fn login(&self, company: &str, user: &str) -> String {
        let resp = self.login_raw(company, user, "demo").await;
        assert_eq!(resp.status(), StatusCode::OK);
        resp.json::<LoginResponse>().await.unwrap().token
    }

    async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, token: &str, path: &str) -> T {
        let resp = self.get(token, path).await;
        assert_eq!(resp.status(), StatusCode::OK, "GET {path}");
        resp.json().await.unwrap()
    }

    async fn preview(&self, token: &str, draft: &Value) -> reqwest::Response {
        self.http.post(self.url("/orders/preview")).bearer_auth(token).json(draft).send().await.unwrap()
    }

    async fn create(&self, token: &str, key: Option<&str>, draft: &Value) -> reqwest::Response {
        let mut rb = self.http.post(self.url("/orders")).bearer_auth(token).json(draft);
        if let Some(k) = key {
            rb = rb.header("Idempotency-Key", k);
        }
        rb.send().await.unwrap()
    }

    /// The whole catalog of the token's company, paged.
    async fn catalog(&self, token: &str, since: Option<&str>, limit: u32) -> (Vec<Product>, CatalogPage) {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let mut tokens = HashSet::new();
        loop {
            let mut path = format!("/catalog?limit={limit}");
            if let Some(s) = since {
                path.push_str(&format!("&since={s}"));
            }
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page: CatalogPage = self.get_json(token, &path).await;
            tokens.insert(page.sync_token.clone());
            items.extend(page.items.iter().cloned());
            match &page.next_cursor {
                Some(c) => cursor = Some(c.clone()),
                None => {
                    assert_eq!(tokens.len(), 1, "one sync token for all pages");
                    return (items, page);
                }
            }
        }
    }

    async fn prices(&self, token: &str) -> HashMap<String, procure_protocol::api::PriceEntry> {
        let page: PriceListPage = self.get_json(token, "/price-list?limit=5000").await;
        assert!(page.next_cursor.is_none());
        page.items.into_iter().map(|e| (e.sku.clone(), e)).collect()
    }

    fn import(&self, catalog: &str, prices: Option<&str>) -> shop::ImportReport {
        let cat = self.dir.path().join("catalog.csv");
        std::fs::write(&cat, catalog).unwrap();
        let pp = prices.map(|p| {
            let path = self.dir.path().join("prices.csv");
            std::fs::write(&path, p).unwrap();
            path
        });
        shop::import(&self.db, &cat, pp.as_deref()).unwrap()
    }
}

async fn error_of(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    (status, body["error"].clone())
}

/// A simple orderable part of the company's catalog (in stock, plain quantities).
fn plain_part(items: &[Product]) -> &Product {
    items
        .iter()
        .find(|p| !p.discontinued && QuantityRules::of(p, &[]).smallest() == 1 && p.stock >= 10)
        .expect("a plain part in the catalog")
}

fn draft(po: &str, lines: &[(&str, u32)]) -> Value {
    json!({
        "po_number": po,
        "lines": lines.iter().map(|(s, q)| json!({"sku": s, "quantity": q})).collect::<Vec<_>>(),
    })
}

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

#[tokio::test]
async fn catalog_paging_covers_every_visible_part_once() {
    let s = start().await;
    let token = s.login("ACME", "buyer").await;
    let (all, last) = s.catalog(&token, None, 5000).await;
    assert!(last.full);
    assert!(all.len() > 100, "{} parts", all.len());
    let (paged, _) = s.catalog(&token, None, 37).await;
    let skus: Vec<&str> = paged.iter().map(|p| p.sku.as_str()).collect();
    let unique: HashSet<&str> = skus.iter().copied().collect();
    assert_eq!(skus.len(), unique.len(), "no part twice");
    assert_eq!(unique, all.iter().map(|p| p.sku.as_str()).collect::<HashSet<_>>());
    // The price list covers the same parts.
    let prices = s.prices(&token).await;
    assert_eq!(prices.len(), all.len());
    assert!(prices.values().all(|e| e.tiers[0].min_qty == 1));
}

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
async fn resync_since_moves_only_what_an_import_changed() {
    let s = start().await;
    let token = s.login("ACME", "buyer").await;
    let (items, first) = s.catalog(&token, None, 5000).await;
    let since = first.sync_token.clone();

    // Nothing changed: an empty delta.
    let (delta, page) = s.catalog(&token, Some(&since), 100).await;
    assert!(delta.is_empty() && !page.full && page.removed.is_empty());

    let target = &items[items.len() / 2];
    let csv = format!("sku,name\n{},{} (new edition)\n", target.sku, target.name.replace(',', " "));
    let report = s.import(&csv, None);
    assert_eq!((report.updated, report.rejected), (1, 0), "{report:?}");
    let (delta, page) = s.catalog(&token, Some(&since), 100).await;
    assert!(!page.full);
    assert_eq!(delta.len(), 1, "{delta:?}");
    assert_eq!(delta[0].sku, target.sku);
    assert!(delta[0].name.ends_with("(new edition)"));
    assert_eq!(delta[0].attributes, target.attributes, "other columns kept");

    // Importing the same file again changes nothing.
    let again = s.import(&csv, None);
    assert_eq!((again.updated, again.unchanged), (0, 1));
    let (delta, _) = s.catalog(&token, Some(&page.sync_token), 100).await;
    assert!(delta.is_empty(), "{delta:?}");

    // A token of another database asks for a full answer.
    let (_, page) = s.catalog(&token, Some("0000-1"), 5000).await;
    assert!(page.full);
}

#[tokio::test]
async fn etag_answers_304_until_the_companys_view_changes() {
    let s = start().await;
    let acme = s.login("ACME", "buyer").await;
    let bolt = s.login("BOLT", "buyer").await;
    let etag_of = |resp: &reqwest::Response| resp.headers().get("etag").expect("an ETag").to_str().unwrap().to_string();
    let resp = s.get(&acme, "/catalog").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let acme_tag = etag_of(&resp);
    let resp = s.get(&bolt, "/catalog").await;
    let bolt_tag = etag_of(&resp);
    let items = resp.json::<CatalogPage>().await.unwrap().items;

    let conditional = |token: &str, path: &str, tag: &str| {
        s.http.get(s.url(path)).bearer_auth(token).header("If-None-Match", tag).send()
    };
    let resp = conditional(&acme, "/catalog", &acme_tag).await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(etag_of(&resp), acme_tag);
    let price_tag = etag_of(&s.get(&acme, "/price-list").await);
    let resp = conditional(&acme, "/price-list", &price_tag).await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    // Another company's tag does not match.
    let resp = conditional(&acme, "/catalog", &bolt_tag).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    // A BOLT order changes BOLT's view (its ordered parts), not ACME's.
    let p = plain_part(&items);
    let resp = s.create(&bolt, Some("e-1"), &draft("E-1", &[(&p.sku, 1)])).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = conditional(&bolt, "/catalog", &bolt_tag).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = conditional(&acme, "/catalog", &acme_tag).await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);

    // A contract price for ACME changes ACME's view.
    let report = s.import(
        "sku,name,list_price\nX-NEW-1,Test part,10.00\n",
        Some("company,sku,min_qty,unit_price\nACME,X-NEW-1,1,8.50\n"),
    );
    assert_eq!(report.loaded, 1, "{report:?}");
    let resp = conditional(&acme, "/catalog", &acme_tag).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}

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

/// Runs the futures concurrently on the runtime and collects their results.
async fn futures_join<F>(futs: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
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
async fn import_reports_bad_lines_and_loads_the_good_ones() {
    let s = start().await;
    let catalog = "\
sku,name,mpn,pack_size,list_price,stock,Material
T-1,Good part one,MPN-1,1,7.80,10,Steel
,No sku,MPN-2,1,1.00,1,
T-3,Bad pack size,MPN-3,many,1.00,1,
T-4,,MPN-4,1,1.00,1,
T-5,Good part two,MPN-5,10,\"0,0834\",500,
T-6,Price on request,MPN-6,1,,1,
";
    let prices = "\
company,sku,min_qty,unit_price
ACME,T-1,1,6.90
ACME,T-1,10,6.10
NOPE,T-1,1,5.00
ACME,T-99,1,5.00
BOLT,T-5,1,abc
";
    let report = s.import(catalog, Some(prices));
    assert_eq!(report.loaded, 3, "{report:?}");
    assert_eq!(report.rejected, 6, "{report:?}");
    let lines: Vec<(String, u64)> = report.errors.iter().map(|e| (e.file.clone(), e.line)).collect();
    assert_eq!(
        lines,
        vec![
            ("catalog.csv".to_string(), 3),
            ("catalog.csv".to_string(), 4),
            ("catalog.csv".to_string(), 5),
            ("prices.csv".to_string(), 4),
            ("prices.csv".to_string(), 5),
            ("prices.csv".to_string(), 6),
        ]
    );
    let reasons: Vec<&str> = report.errors.iter().map(|e| e.reason.as_str()).collect();
    assert!(reasons[0].contains("missing sku"));
    assert!(reasons[1].contains("pack_size"), "{}", reasons[1]);
    assert!(reasons[2].contains("missing name"));
    assert!(reasons[3].contains("unknown company"));
    assert!(reasons[4].contains("unknown sku"));
    assert!(reasons[5].contains("unit_price"));
    assert!(report.summary().starts_with("loaded 3, updated 0, rejected 6"));

    // Every company sees the good parts: ACME at its contract, BOLT at list.
    let acme = s.login("ACME", "buyer").await;
    let bolt = s.login("BOLT", "buyer").await;
    let acme_prices = s.prices(&acme).await;
    let bolt_prices = s.prices(&bolt).await;
    assert_eq!(acme_prices["T-1"].tiers.len(), 2);
    assert_eq!(acme_prices["T-1"].tiers[0].unit_price.to_string(), "6.90");
    assert_eq!(bolt_prices["T-1"].tiers[0].unit_price.to_string(), "7.80");
    assert_eq!(bolt_prices["T-5"].tiers[0].unit_price.to_string(), "0.0834");
    let (items, _) = s.catalog(&bolt, None, 5000).await;
    let t1 = items.iter().find(|p| p.sku == "T-1").unwrap();
    assert_eq!(t1.attributes.len(), 1);
    assert_eq!(t1.attributes[0].name, "Material");
    let t5 = items.iter().find(|p| p.sku == "T-5").unwrap();
    assert_eq!((t5.pack_size, t5.stock), (10, 500));
    // A part without a list price is listed, price on request: no tiers.
    assert!(items.iter().any(|p| p.sku == "T-6"));
    assert!(bolt_prices.get("T-6").is_none_or(|e| e.tiers.is_empty()), "{:?}", bolt_prices.get("T-6"));
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

#[tokio::test]
async fn semicolon_files_from_spreadsheets_import() {
    let s = start().await;
    let report = s.import("sku;name;list_price\nS-1;Semicolon part;\"12,50\"\n", None);
    assert_eq!((report.loaded, report.rejected), (1, 0), "{report:?}");
    let token = s.login("CRANE", "buyer").await;
    assert_eq!(s.prices(&token).await["S-1"].tiers[0].unit_price.to_string(), "12.50");
}

#[test]
fn seeding_refuses_a_database_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let first = shop::seed_demo(&db, 50).unwrap();
    assert!(first.seeded);
    assert_eq!((first.companies, first.users), (3, 9), "buyer, approver and admin per company");
    assert!(first.products > 0);
    assert_eq!(first.orders, 12, "four past orders per company");
    let second = shop::seed_demo(&db, 50).unwrap();
    assert!(!second.seeded);
    assert!(Path::new(&db).exists());
}

#[tokio::test]
async fn removed_parts_are_listed_once_and_visibility_changes_resync_fully() {
    let s = start().await;
    let acme = s.login("ACME", "buyer").await;
    let (items, first) = s.catalog(&acme, None, 5000).await;
    let prices_first: PriceListPage = s.get_json(&acme, "/price-list?limit=5000").await;
    let tag = s.get(&acme, "/catalog").await.headers()["etag"].clone();

    let gone = items[3].sku.clone();
    let n = shop::admin::remove_products(&s.db, &[&gone, "NO-SUCH-PART"]).unwrap();
    assert_eq!(n, 1);
    let resp = s.http.get(s.url("/catalog")).bearer_auth(&acme).header("If-None-Match", tag).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "a removal changes the ETag");
    let (delta, page) = s.catalog(&acme, Some(&first.sync_token), 100).await;
    assert!(delta.is_empty() && !page.full);
    assert_eq!(page.removed, vec![gone.clone()]);
    let price_delta: PriceListPage = s.get_json(&acme, &format!("/price-list?since={}", prices_first.sync_token)).await;
    assert_eq!(price_delta.removed, vec![gone.clone()]);
    assert!(price_delta.items.is_empty());
    let (after, _) = s.catalog(&acme, None, 5000).await;
    assert_eq!(after.len(), items.len() - 1);
    assert!(after.iter().all(|p| p.sku != gone));
    // Ordering it is now an unknown part.
    let p: Preview = s.preview(&acme, &draft("R", &[(&gone, 1)])).await.json().await.unwrap();
    assert_eq!(p.errors[0].code, codes::UNKNOWN_SKU);

    // ACME may now see everything BOLT sees: its next sync is a full one.
    let mut families = shop::admin::company_families(&s.db, "ACME").unwrap();
    families.extend(shop::admin::company_families(&s.db, "BOLT").unwrap());
    let families: Vec<&str> = families.iter().map(String::as_str).collect();
    shop::admin::set_company_families(&s.db, "ACME", &families).unwrap();
    let (all, page) = s.catalog(&acme, Some(&first.sync_token), 5000).await;
    assert!(page.full);
    assert!(all.len() > after.len(), "{} > {}", all.len(), after.len());

    // A discount change: the price list answers in full, the catalog does not.
    let (_, synced) = s.catalog(&acme, None, 5000).await;
    let prices_now: PriceListPage = s.get_json(&acme, "/price-list?limit=5000").await;
    shop::admin::set_discount(&s.db, "ACME", families[0], 30.into()).unwrap();
    let price_delta: PriceListPage =
        s.get_json(&acme, &format!("/price-list?since={}&limit=5000", prices_now.sync_token)).await;
    assert!(price_delta.full);
    let (delta, page) = s.catalog(&acme, Some(&synced.sync_token), 100).await;
    assert!(delta.is_empty() && !page.full);
}

#[tokio::test]
async fn the_demo_has_an_order_history_unless_asked_not_to() {
    let s = start().await;
    let token = s.login("ACME", "buyer").await;
    let list: OrderList = s.get_json(&token, "/orders").await;
    assert_eq!(list.items.len(), 4);
    assert!(list.items.windows(2).all(|w| w[0].created_at > w[1].created_at), "newest first");
    let ordered: OrderedSkus = s.get_json(&token, "/ordered-skus").await;
    assert!(ordered.items.iter().any(|o| o.times > 1), "regular parts are reordered");
    let order: Order = s.get_json(&token, &format!("/orders/{}", list.items[0].number)).await;
    assert_eq!(order.lines.len() as u32, list.items[0].line_count);
    assert_eq!(order.totals, list.items[0].totals);
    let page: OrderList = s.get_json(&token, "/orders?limit=3").await;
    let rest: OrderList =
        s.get_json(&token, &format!("/orders?limit=3&cursor={}", page.next_cursor.clone().unwrap())).await;
    assert_eq!((page.items.len(), rest.items.len()), (3, 1));
    assert!(rest.next_cursor.is_none());

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let report = shop::seed_demo_with(&db, &shop::SeedOptions { products: 50, order_history: false }).unwrap();
    assert_eq!(report.orders, 0);
}

// ---- Group decisions: quotes, approvals, credit ----

/// Parts with known prices for the group decisions (the imported family is
/// visible to every company, without discounts).
const DECISION_PARTS: &str = "\
sku,name,mpn,manufacturer,unit,pack_size,min_qty,lead_time_days,stock,list_price,vat_rate
T-HUN-1,Gear motor 100,GM-100,Acme Drives,pc,1,1,5,500,100.00,19
T-BOOK-1,Service manual,SM-1,Acme Drives,pc,1,1,1,500,10.00,7
T-PACK-1,Screw pack,SP-10,Acme Drives,pc,10,10,1,5000,0.50,19
T-OLD-1,Sensor old,SN-OLD,Acme Drives,pc,1,1,1,50,20.00,19
";

async fn start_decisions(opts: ShopOptions) -> TestShop {
    let s = start_with(opts).await;
    let report = s.import(DECISION_PARTS, None);
    assert_eq!(report.rejected, 0, "{:?}", report.errors);
    let retire = "sku,name,list_price,discontinued,replaced_by\nT-OLD-1,Sensor old,20.00,true,T-HUN-1\n";
    assert_eq!(s.import(retire, None).rejected, 0);
    s
}

impl TestShop {
    async fn post(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.http.post(self.url(path)).bearer_auth(token).json(body).send().await.unwrap()
    }

    async fn request_quote(&self, token: &str, key: Option<&str>, body: &Value) -> reqwest::Response {
        let mut rb = self.http.post(self.url("/quotes")).bearer_auth(token).json(body);
        if let Some(k) = key {
            rb = rb.header("Idempotency-Key", k);
        }
        rb.send().await.unwrap()
    }

    /// A requested quote's number.
    async fn new_quote(&self, token: &str, key: &str, lines: &[(&str, u32)]) -> String {
        let resp = self.request_quote(token, Some(key), &json!({"lines": draft("-", lines)["lines"]})).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        resp.json::<Quote>().await.unwrap().number
    }

    /// The supplier's offer, as `procure shop quote offer` makes it.
    async fn offer(&self, number: &str, pricing: quotes::Pricing, valid_until: NaiveDate) -> Quote {
        let db = self.db.clone();
        let number = number.to_string();
        tokio::task::spawn_blocking(move || {
            let mut conn = shop::open_db(&db).unwrap();
            quotes::offer(&mut conn, &number, &pricing, valid_until, Some("our offer".into()), chrono::Utc::now())
        })
        .await
        .unwrap()
        .unwrap()
    }

    /// An order of `buyer` above their 5,000 limit: pending approval.
    async fn pending_order(&self, token: &str, po: &str) -> Order {
        let resp = self.create(token, Some(po), &draft(po, &[("T-HUN-1", 60)])).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        let order: Order = resp.json().await.unwrap();
        assert_eq!(order.status, OrderStatus::PendingApproval);
        order
    }
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

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

#[tokio::test]
async fn credit_counts_open_orders_and_refuses_an_order_beyond_it_by_how_much() {
    let s = start_decisions(ShopOptions::default()).await;
    let buyer = s.login("CRANE", "buyer").await;
    let credit: Credit = s.get_json(&buyer, "/credit").await;
    assert_eq!(credit.limit, Some(dec!(10000.00)));
    assert_eq!(credit.open_balance, dec!(0.00), "the demo's history is delivered and settled");
    assert_eq!(credit.available, Some(dec!(10000.00)));

    let small: Order = s.create(&buyer, Some("c-1"), &draft("C-1", &[("T-HUN-1", 20)])).await.json().await.unwrap();
    let credit: Credit = s.get_json(&buyer, "/credit").await;
    assert_eq!(credit.open_balance, small.totals.gross);
    let available = dec!(10000) - small.totals.gross;
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
    assert_eq!(with_pending.open_balance, small.totals.gross + pending.totals.gross);
    s.post(&approver, &format!("/orders/{}/reject", pending.number), &json!({"reason": "too much"})).await;
    let after: Credit = s.get_json(&buyer, "/credit").await;
    assert_eq!(after.open_balance, small.totals.gross);
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

#[tokio::test]
async fn a_price_delta_pages_changed_parts_and_changed_contracts_once_each_in_order() {
    let s = start().await;
    let acme = s.login("ACME", "buyer").await;
    let (items, _) = s.catalog(&acme, None, 5000).await;
    let first: PriceListPage = s.get_json(&acme, "/price-list?limit=5000").await;
    assert!(first.next_cursor.is_none());
    // Three new parts, and contract prices for two parts ACME already has:
    // the one changes product rows, the other only contract rows.
    let (a, b) = (items[5].sku.clone(), items[40].sku.clone());
    let report = s.import(
        "sku,name,list_price\nX-D-1,Delta part,10.00\nX-D-2,Delta part,11.00\nX-D-3,Delta part,12.00\n",
        Some(&format!("company,sku,min_qty,unit_price\nACME,{a},1,0.50\nACME,{b},1,0.75\n")),
    );
    assert_eq!(report.loaded, 3, "{report:?}");
    let (now, _) = s.catalog(&acme, None, 5000).await;
    let mut want = vec![a.clone(), b.clone()];
    want.extend(now.iter().map(|p| p.sku.clone()).filter(|sku| sku.starts_with("X-D-")));
    assert!(want.len() > 2, "the new parts are visible to ACME");

    let mut got = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/price-list?since={}&limit=2", first.sync_token);
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: PriceListPage = s.get_json(&acme, &path).await;
        assert!(!page.full);
        got.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let skus: Vec<&str> = got.iter().map(|e| e.sku.as_str()).collect();
    assert_eq!(skus, want.iter().map(String::as_str).collect::<Vec<_>>(), "each once, in catalog order");
    assert_eq!(got[0].tiers.len(), 1);
    assert_eq!(got[0].tiers[0].unit_price, "0.50".parse().unwrap());
}
