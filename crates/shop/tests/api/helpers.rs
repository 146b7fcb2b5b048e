//! The harness: a demo-seeded shop on an ephemeral loopback port (`spawn`
//! binds port 0 and reports the address), a plain HTTP client, and helpers
//! shared by the areas.

use chrono::NaiveDate;
use procure_protocol::api::{CatalogPage, LoginResponse, Order, OrderStatus, PriceListPage, Product, Quote};
use procure_protocol::quantity::QuantityRules;
use procure_shop::{self as shop, RunningShop, ShopOptions, quotes};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;

pub const PRODUCTS: usize = 400;

pub struct TestShop {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub base: String,
    pub http: reqwest::Client,
    _shop: RunningShop,
}

pub async fn start() -> TestShop {
    start_with(ShopOptions::default()).await
}

pub async fn start_with(opts: ShopOptions) -> TestShop {
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
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn login_raw(&self, company: &str, user: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/auth/login"))
            .json(&json!({"company": company, "user": user, "password": password}))
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, company: &str, user: &str) -> String {
        let resp = self.login_raw(company, user, "demo").await;
        assert_eq!(resp.status(), StatusCode::OK);
        resp.json::<LoginResponse>().await.unwrap().token
    }

    pub async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, token: &str, path: &str) -> T {
        let resp = self.get(token, path).await;
        assert_eq!(resp.status(), StatusCode::OK, "GET {path}");
        resp.json().await.unwrap()
    }

    pub async fn preview(&self, token: &str, draft: &Value) -> reqwest::Response {
        self.http.post(self.url("/orders/preview")).bearer_auth(token).json(draft).send().await.unwrap()
    }

    pub async fn create(&self, token: &str, key: Option<&str>, draft: &Value) -> reqwest::Response {
        let mut rb = self.http.post(self.url("/orders")).bearer_auth(token).json(draft);
        if let Some(k) = key {
            rb = rb.header("Idempotency-Key", k);
        }
        rb.send().await.unwrap()
    }

    /// The whole catalog of the token's company, paged.
    pub async fn catalog(&self, token: &str, since: Option<&str>, limit: u32) -> (Vec<Product>, CatalogPage) {
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

    pub async fn prices(&self, token: &str) -> HashMap<String, procure_protocol::api::PriceEntry> {
        let page: PriceListPage = self.get_json(token, "/price-list?limit=5000").await;
        assert!(page.next_cursor.is_none());
        page.items.into_iter().map(|e| (e.sku.clone(), e)).collect()
    }

    pub fn import(&self, catalog: &str, prices: Option<&str>) -> shop::ImportReport {
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

pub async fn error_of(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    (status, body["error"].clone())
}

/// A simple orderable part of the company's catalog (in stock, plain quantities).
pub fn plain_part(items: &[Product]) -> &Product {
    items
        .iter()
        .find(|p| !p.discontinued && QuantityRules::of(p, &[]).smallest() == 1 && p.stock >= 10)
        .expect("a plain part in the catalog")
}

pub fn draft(po: &str, lines: &[(&str, u32)]) -> Value {
    json!({
        "po_number": po,
        "lines": lines.iter().map(|(s, q)| json!({"sku": s, "quantity": q})).collect::<Vec<_>>(),
    })
}

/// Runs the futures concurrently on the runtime and collects their results.
pub async fn futures_join<F>(futs: impl Iterator<Item = F>) -> Vec<F::Output>
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

/// Parts with known prices for the group decisions (the imported family is
/// visible to every company, without discounts).
pub const DECISION_PARTS: &str = "\
sku,name,mpn,manufacturer,unit,pack_size,min_qty,lead_time_days,stock,list_price,vat_rate
T-HUN-1,Gear motor 100,GM-100,Acme Drives,pc,1,1,5,500,100.00,19
T-BOOK-1,Service manual,SM-1,Acme Drives,pc,1,1,1,500,10.00,7
T-PACK-1,Screw pack,SP-10,Acme Drives,pc,10,10,1,5000,0.50,19
T-OLD-1,Sensor old,SN-OLD,Acme Drives,pc,1,1,1,50,20.00,19
";

pub async fn start_decisions(opts: ShopOptions) -> TestShop {
    let s = start_with(opts).await;
    let report = s.import(DECISION_PARTS, None);
    assert_eq!(report.rejected, 0, "{:?}", report.errors);
    let retire = "sku,name,list_price,discontinued,replaced_by\nT-OLD-1,Sensor old,20.00,true,T-HUN-1\n";
    assert_eq!(s.import(retire, None).rejected, 0);
    s
}

impl TestShop {
    pub async fn post(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.http.post(self.url(path)).bearer_auth(token).json(body).send().await.unwrap()
    }

    pub async fn request_quote(&self, token: &str, key: Option<&str>, body: &Value) -> reqwest::Response {
        let mut rb = self.http.post(self.url("/quotes")).bearer_auth(token).json(body);
        if let Some(k) = key {
            rb = rb.header("Idempotency-Key", k);
        }
        rb.send().await.unwrap()
    }

    /// A requested quote's number.
    pub async fn new_quote(&self, token: &str, key: &str, lines: &[(&str, u32)]) -> String {
        let resp = self.request_quote(token, Some(key), &json!({"lines": draft("-", lines)["lines"]})).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        resp.json::<Quote>().await.unwrap().number
    }

    /// The supplier's offer, as `procure shop quote offer` makes it.
    pub async fn offer(&self, number: &str, pricing: quotes::Pricing, valid_until: NaiveDate) -> Quote {
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
    pub async fn pending_order(&self, token: &str, po: &str) -> Order {
        let resp = self.create(token, Some(po), &draft(po, &[("T-HUN-1", 60)])).await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        let order: Order = resp.json().await.unwrap();
        assert_eq!(order.status, OrderStatus::PendingApproval);
        order
    }
}

pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}
