//! The changes endpoints at scale: a company with 10,000 orders and 20,000
//! invoices (`seed::fill_history`), paged through over HTTP on loopback
//! from the first page to the last, as a client's first sync does, then
//! once more with nothing changed and after one change.
//!
//! `cargo bench -p procure-shop --bench history`
//! (`PROCURE_HISTORY_ORDERS=2000` for a smaller history).

use procure_protocol::api::{InvoicePage, LoginResponse, OrderPage};
use procure_shop::{self as shop, ShopOptions};
use std::time::{Duration, Instant};

struct Walk {
    items: usize,
    pages: usize,
    total: Duration,
    slowest: Duration,
    token: String,
}

async fn walk<P: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    path: &str,
    since: Option<&str>,
    limit: u32,
    parts: fn(&P) -> (usize, Option<String>, String),
) -> Walk {
    let started = Instant::now();
    let mut w = Walk { items: 0, pages: 0, total: Duration::ZERO, slowest: Duration::ZERO, token: String::new() };
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}{path}?limit={limit}");
        if let Some(s) = since {
            url.push_str(&format!("&since={s}"));
        }
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let t = Instant::now();
        let resp = http.get(&url).bearer_auth(token).send().await.expect("GET");
        assert!(resp.status().is_success(), "{url}: {}", resp.status());
        let page: P = resp.json().await.expect("a page");
        w.slowest = w.slowest.max(t.elapsed());
        let (n, next, sync) = parts(&page);
        w.items += n;
        w.pages += 1;
        w.token = sync;
        match next {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    w.total = started.elapsed();
    w
}

fn report(what: &str, w: &Walk) {
    println!(
        "{what:<44} {:>6} items {:>4} pages  {:>8.1} ms in all  {:>6.1} ms the slowest page  {:>6.2} ms a page",
        w.items,
        w.pages,
        w.total.as_secs_f64() * 1000.0,
        w.slowest.as_secs_f64() * 1000.0,
        w.total.as_secs_f64() * 1000.0 / w.pages.max(1) as f64
    );
}

fn main() -> anyhow::Result<()> {
    let orders: usize = std::env::var("PROCURE_HISTORY_ORDERS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("shop.db");
    let t = Instant::now();
    shop::seed_demo_with(&db, &shop::SeedOptions { products: 2_000, order_history: true })?;
    let filled = shop::seed::fill_history(&db, "ACME", orders)?;
    println!(
        "filled ACME's history: {} orders, {} invoices and credit notes in {:.1} s (with the seed: {:.1} s)",
        filled.orders,
        filled.invoices,
        filled.elapsed_ms as f64 / 1000.0,
        t.elapsed().as_secs_f64()
    );
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let running = shop::spawn(db.clone(), "127.0.0.1:0".parse()?, ShopOptions::default()).await?;
        let base = format!("http://{}/api/v1", running.addr);
        let http = reqwest::Client::new();
        let login: LoginResponse = http
            .post(format!("{base}/auth/login"))
            .json(&serde_json::json!({"company": "ACME", "user": "buyer", "password": "demo"}))
            .send()
            .await?
            .json()
            .await?;
        let token = login.token;
        let orders_of = |p: &OrderPage| (p.items.len(), p.next_cursor.clone(), p.sync_token.clone());
        let invoices_of = |p: &InvoicePage| (p.items.len(), p.next_cursor.clone(), p.sync_token.clone());
        let mut order_token = String::new();
        let mut invoice_token = String::new();
        for limit in [200, 1000] {
            let w = walk(&http, &base, &token, "/orders/changes", None, limit, orders_of).await;
            report(&format!("GET /orders/changes, all, limit {limit}"), &w);
            order_token = w.token;
            let w = walk(&http, &base, &token, "/invoices", None, limit, invoices_of).await;
            report(&format!("GET /invoices, all, limit {limit}"), &w);
            invoice_token = w.token;
        }
        let w = walk(&http, &base, &token, "/orders/changes", Some(&order_token), 200, orders_of).await;
        report("GET /orders/changes?since=, nothing changed", &w);
        let w = walk(&http, &base, &token, "/invoices", Some(&invoice_token), 200, invoices_of).await;
        report("GET /invoices?since=, nothing changed", &w);
        // One change: the oldest open invoice is paid.
        let db2 = db.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = shop::open_db(&db2)?;
            let open = shop::invoices::list(&conn, Some("ACME"), true).map_err(|e| anyhow::anyhow!("{e}"))?;
            let (_, oldest) = open.last().ok_or_else(|| anyhow::anyhow!("no open invoice"))?;
            let kind_number = oldest.number.clone();
            shop::invoices::pay(&mut conn, &kind_number, None, None, chrono::Utc::now())
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            Ok(())
        })
        .await??;
        let w = walk(&http, &base, &token, "/invoices", Some(&invoice_token), 200, invoices_of).await;
        assert_eq!(w.items, 1, "the one paid invoice");
        report("GET /invoices?since=, one paid", &w);
        let t = Instant::now();
        let credit: serde_json::Value =
            http.get(format!("{base}/credit")).bearer_auth(&token).send().await?.json().await?;
        println!(
            "{:<44} open balance {} in {:.1} ms",
            "GET /credit",
            credit["open_balance"],
            t.elapsed().as_secs_f64() * 1000.0
        );
        running.shutdown().await;
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(())
}
