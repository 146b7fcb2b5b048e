//! Hostile input gets a clear error, never a crash, a hang, a leak or an
//! outage: the real `procure` binary and the real reference shop, with a
//! hostile proxy (tests/it/common/faults.rs) in front of the shop where the
//! shop itself is honest.

use crate::common::faults::{Answer, Body, Hostile, Request, Rule, Sink};
use crate::common::*;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Text a hostile shop (or another user) writes: an OSC title change, a
/// bell, a C1 CSI and a right-to-left override.
const EVIL: &str = "Eve\u{1b}]0;owned\u{7}\u{9b}31m\u{202e}gpj.exe";

fn has_unsafe(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

fn write_file(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

// ---- 1. One bad value must not take the shop down, nor the client ----

#[test]
fn shop_import_refuses_values_outside_the_documented_ranges_by_line() {
    let shop = shop_with_catalog();
    let csv = "\
sku,name,pack_size,lead_time_days,list_price
X-PRICE,Too dear,1,1,100000000000000000000
X-LEAD,Too late,1,4000000000,1.00
X-NEG,Negative,1,1,-1.00
X-PACK,Huge pack,2000000,1,1.00
X-OK,Fine,10,3650,10000000
";
    let out = Run(shop.import(csv, None));
    let text = out.stdout();
    assert_eq!(out.code(), 5, "{text}");
    for (line, why) in [(2, "too large"), (3, "too long"), (4, "negative"), (5, "too large")] {
        assert!(
            text.lines().any(|l| l.contains(&format!("line {line}:")) && l.contains(why)),
            "line {line} refused as {why}:\n{text}"
        );
    }
    assert!(text.contains("loaded 1,"), "the good row loads: {text}");
    let prices = "company,sku,min_qty,unit_price\nACME,T-BRG-1,1,-0.50\nACME,T-CON-1,1,99999999999\n";
    let out = Run(shop.import(CATALOG, Some(prices)));
    assert!(
        out.stdout().contains("prices.csv, line 2: bad number in column unit_price: \"-0.50\" (negative)"),
        "{}",
        out.stdout()
    );
    assert!(out.stdout().contains("prices.csv, line 3: unit_price 99999999999 is too large"), "{}", out.stdout());
}

#[test]
fn shop_import_line_numbers_are_the_files_own() {
    let shop = shop_with_catalog();
    // CRLF: the bad row is line 3, not 2.
    let crlf = "sku,name,list_price\r\nC-1,Good,1.00\r\nC-2,Bad,abc\r\n";
    let out = Run(shop.import(crlf, None));
    assert!(out.stdout().contains("catalog.csv, line 3: C-2: bad number"), "{}", out.stdout());
    // Blank lines before a bad row count.
    let blank = "sku,name,list_price\n\nB-1,Good,1.00\n\n\nB-2,Bad,abc\n";
    let out = Run(shop.import(blank, None));
    assert!(out.stdout().contains("catalog.csv, line 6: B-2"), "{}", out.stdout());
    // A quoted field with newlines is kept whole, and the rows after it keep their lines.
    let quoted = "sku,name,description,list_price\nQ-1,Multi,\"first\nsecond\nthird\",1.00\nQ-2,Bad,x,abc\n";
    let out = Run(shop.import(quoted, None));
    assert!(out.stdout().contains("catalog.csv, line 5: Q-2"), "{}", out.stdout());
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let shown = home.run(&["--json", "show", "Q-1"]).ok().json();
    let description = shown["product"]["description"].as_str().or(shown["description"].as_str()).unwrap_or_default();
    assert!(description.contains("first") && description.contains("third"), "whole field: {shown}");
}

/// The shop's price list with one unit price replaced.
struct PriceIs(&'static str);

impl Rule for PriceIs {
    fn rewrite(&self, req: &Request, mut answer: Answer) -> Answer {
        if req.path() == "/api/v1/price-list"
            && let Some(mut v) = answer.value()
        {
            // An incremental answer may not list the part: the shop "changes" it.
            if let Some(items) = v["items"].as_array_mut() {
                items.retain(|i| i["sku"] != "T-BRG-1");
                items
                    .push(json!({"sku": "T-BRG-1", "tiers": [{"min_qty": 1, "unit_price": self.0}], "vat_rate": "19"}));
            }
            answer = Answer::json(answer.status, &v);
        }
        answer
    }
}

#[test]
fn the_client_refuses_an_absurd_or_negative_price_and_keeps_its_cache() {
    let shop = shop_with_catalog();
    let proxy = Hostile::start(&shop.url);
    let home = Home::synced(&proxy.url, "ACME", "buyer");
    home.run(&["basket", "new", "b"]).ok();
    home.run(&["basket", "add", "b", "T-BRG-1", "1000000000"]).ok();

    for (price, why) in [("79228162514264337593543950335", "too large"), ("-1.00", "negative")] {
        proxy.set(PriceIs(price));
        let r = home.run(&["sync"]).fails_with(4);
        assert!(r.stderr().contains("T-BRG-1") && r.stderr().contains(why), "{}", r.stderr());
        assert!(r.stderr().contains("old cache is kept"), "{}", r.stderr());
        // The basket still prices from the old cache; nothing panics.
        let shown = home.run(&["--json", "basket", "show", "b"]).ok().json();
        assert_eq!(shown["lines"][0]["unit_price"], "6.10", "{shown}");
    }
}

// ---- 2. Logins cannot be brute-forced or used to exhaust memory ----

fn runtime() -> tokio::runtime::Runtime {
    let _ = rustls::crypto::ring::default_provider().install_default();
    tokio::runtime::Runtime::new().unwrap()
}

/// One request with reqwest: (status, Retry-After, JSON body).
fn post(url: &str, body: reqwest::Body) -> (u16, Option<String>, Value) {
    post_as(None, url, body)
}

fn post_as(token: Option<&str>, url: &str, body: reqwest::Body) -> (u16, Option<String>, Value) {
    runtime().block_on(async {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(300)).build().unwrap();
        let mut rb = client.post(url).header("content-type", "application/json").body(body);
        if let Some(t) = token {
            rb = rb.bearer_auth(t);
        }
        let resp = rb.send().await.unwrap();
        let status = resp.status().as_u16();
        let retry = resp.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
        (status, retry, resp.json().await.unwrap_or(Value::Null))
    })
}

#[test]
fn an_account_is_locked_after_ten_attempts_and_then_refuses_the_right_password() {
    let shop = shop_with_catalog();
    let home = Home::new();
    let login = |password: &str| {
        home.run_stdin(
            &["login", "--shop", &shop.url, "--company", "ACME", "--user", "buyer", "--password-stdin"],
            &format!("{password}\n"),
        )
    };
    let mut refused = 0;
    while refused < 50 {
        let r = login("wrong");
        if r.code() != 3 {
            assert_eq!(r.code(), 5, "locked out, not a crash: {}", r.stderr());
            assert!(r.stderr().contains("locked"), "{}", r.stderr());
            break;
        }
        refused += 1;
    }
    assert_eq!(refused, 10, "ten wrong passwords are answered as such, then the account locks");
    let r = login("demo").fails_with(5);
    assert!(r.stderr().contains("too many login attempts for this account"), "{}", r.stderr());
    // Another account of the same company is not affected.
    home.run_stdin(
        &["login", "--shop", &shop.url, "--company", "ACME", "--user", "approver", "--password-stdin"],
        "demo\n",
    )
    .ok();
    // The protocol's shape, with Retry-After.
    let body = json!({"company": "ACME", "user": "buyer", "password": "demo"}).to_string();
    let (status, retry, body) = post(&format!("{}/api/v1/auth/login", shop.url), body.into());
    assert_eq!(status, 429);
    let secs: u64 = retry.unwrap().parse().unwrap();
    assert!((1..=61).contains(&secs), "{secs}");
    assert_eq!(body["error"]["code"], "too_many_requests", "{body}");
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// The shop's peak memory under 500 concurrent logins stays under this.
const LOGIN_MEMORY_BOUND_MIB: u64 = 256;

#[test]
fn five_hundred_concurrent_logins_keep_the_shop_within_its_memory_bound() {
    let shop = shop_with_catalog();
    let before = peak_rss_kib(shop.pid());
    // From 25 loopback addresses, 20 each, each for another (unknown)
    // user: no limiter stops them, so every one is a password check.
    let started = Instant::now();
    let url = format!("{}/api/v1/auth/login", shop.url);
    let statuses: Vec<u16> = runtime().block_on(async move {
        let mut all = tokio::task::JoinSet::new();
        for a in 0..25u8 {
            let client = reqwest::Client::builder()
                .local_address(std::net::IpAddr::from([127, 0, 1, 10 + a]))
                .timeout(Duration::from_secs(600))
                .build()
                .unwrap();
            for i in 0..20 {
                let (client, url) = (client.clone(), url.clone());
                all.spawn(async move {
                    let body = json!({"company": "ACME", "user": format!("nobody-{a}-{i}"), "password": "x"});
                    client.post(&url).json(&body).send().await.map(|r| r.status().as_u16()).unwrap_or(0)
                });
            }
        }
        all.join_all().await
    });
    let took = started.elapsed();
    assert_eq!(statuses.len(), 500);
    assert!(statuses.iter().all(|s| *s == 401), "every login refused as a wrong password: {statuses:?}");
    let peak = peak_rss_kib(shop.pid());
    eprintln!(
        "500 concurrent logins: shop peak memory {} MiB (before {} MiB), {:.1} s",
        peak / 1024,
        before / 1024,
        took.as_secs_f64()
    );
    assert!(peak / 1024 < LOGIN_MEMORY_BOUND_MIB, "peak {} MiB", peak / 1024);
    // The shop still serves a real login afterwards.
    let home = Home::new();
    home.login(&shop.url, "ACME", "buyer");
}

#[test]
fn a_connection_that_never_finishes_its_headers_is_closed() {
    let shop = shop_with_catalog();
    let mut s = TcpStream::connect(shop.url.trim_start_matches("http://")).unwrap();
    s.write_all(b"GET /api/v1/me HTTP/1.1\r\nHost: shop\r\nX-Slow: ").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    let mut buf = Vec::new();
    // The shop closes it (after its 10 s header timeout); a shop without one
    // would leave this read to hit the 120 s guard and fail.
    let r = s.read_to_end(&mut buf);
    assert!(r.is_ok(), "closed by the shop, not by our guard: {r:?}");
}

/// Posts `len` bytes to the preview on a raw connection, reading the answer
/// while the body is still being written: the shop answers as soon as the
/// declared length is too large and closes the connection, so the rest of
/// the upload may be refused by the peer. A connection reset before any
/// answer arrived (the kernel may drop the answer when the shop closes with
/// unread data) is tried again, a few times.
fn post_big(url: &str, token: &str, len: usize) -> (u16, Value) {
    let addr = url.trim_start_matches("http://").to_string();
    let mut last = String::new();
    for _ in 0..5 {
        let mut stream = TcpStream::connect(&addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let head = format!(
            "POST /api/v1/orders/preview HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).unwrap();
        let mut writer = stream.try_clone().unwrap();
        let upload = std::thread::spawn(move || {
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < len {
                let n = chunk.len().min(len - sent);
                if writer.write_all(&chunk[..n]).is_err() {
                    break;
                }
                sent += n;
            }
        });
        let mut answer = Vec::new();
        let read = stream.read_to_end(&mut answer);
        let _ = upload.join();
        let text = String::from_utf8_lossy(&answer).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
            if let Ok(json) = serde_json::from_str(body.trim()) {
                return (status, json);
            }
        }
        last = format!("{read:?}: {text:?}");
    }
    panic!("no answer to a {len}-byte body after 5 tries; last: {last}");
}

#[test]
fn a_ten_megabyte_body_gets_the_protocols_error_shape() {
    let shop = shop_with_catalog();
    let login = json!({"company": "ACME", "user": "buyer", "password": "demo"}).to_string();
    let (_, _, session) = post(&format!("{}/api/v1/auth/login", shop.url), login.into());
    let token = session["token"].as_str().unwrap();
    let (status, body) = post_big(&shop.url, token, 10 * 1024 * 1024);
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "payload_too_large", "{body}");
    // The login's own, smaller limit.
    let (status, _, body) = post(&format!("{}/api/v1/auth/login", shop.url), vec![b' '; 100 * 1024].into());
    assert_eq!(status, 413);
    assert_eq!(body["error"]["code"], "payload_too_large", "{body}");
}

// ---- 3. The client never hands secrets or data to another host ----

/// Redirects the matching requests to another host.
struct RedirectTo {
    to: String,
    when: fn(&Request) -> bool,
}

impl Rule for RedirectTo {
    fn answer(&self, req: &Request) -> Option<Answer> {
        (self.when)(req).then(|| Answer::redirect(307, &format!("{}{}", self.to, req.target)))
    }
}

#[test]
fn a_redirect_to_another_host_receives_nothing() {
    let shop = shop_with_catalog();
    let proxy = Hostile::start(&shop.url);
    let sink = Sink::start("127.0.0.2");
    let to = format!("http://{}", sink.addr);

    proxy.set(RedirectTo { to: to.clone(), when: |r| r.path() == "/api/v1/auth/login" });
    let home = Home::new();
    let r = home
        .run_stdin(
            &["login", "--shop", &proxy.url, "--company", "ACME", "--user", "buyer", "--password-stdin"],
            "demo\n",
        )
        .fails_with(4);
    assert!(r.stderr().contains("follows no redirects"), "{}", r.stderr());
    assert!(r.stderr().contains("127.0.0.2"), "says where it pointed: {}", r.stderr());
    assert!(!home.path().join("data/profiles/default/token.json").exists());

    proxy.set(crate::common::faults::PassThrough);
    home.login_and_sync(&proxy.url, "ACME", "buyer");
    home.run(&["basket", "new", "r"]).ok();
    home.run(&["basket", "add", "r", "T-BRG-1", "3"]).ok();
    proxy.set(RedirectTo { to, when: |r| r.method == "POST" || r.path() == "/api/v1/me" });
    let r = home.run(&["order", "submit", "--basket", "r", "--po", "REDIR-1"]);
    assert_eq!(r.code(), 4, "{}", r.stderr());
    assert!(r.stderr().contains("follows no redirects"), "{}", r.stderr());
    home.run(&["order", "preview", "--basket", "r", "--po", "REDIR-1"]).fails_with(4);
    assert_eq!(sink.received(), (0, 0), "the other host received no connection and no byte");
}

// ---- 4. Bounded answers, bounded paging ----

struct EndlessCatalog;

impl Rule for EndlessCatalog {
    fn answer(&self, req: &Request) -> Option<Answer> {
        (req.path() == "/api/v1/catalog").then(|| Answer {
            status: 200,
            headers: vec![],
            body: Body::Endless(40 * 1024 * 1024),
        })
    }
}

/// Catalog pages whose cursor never changes.
struct RepeatingCursor(Mutex<Option<Answer>>);

impl Rule for RepeatingCursor {
    fn answer(&self, req: &Request) -> Option<Answer> {
        if req.path() == "/api/v1/catalog" && req.target.contains("cursor=again") {
            return self.0.lock().unwrap().clone();
        }
        None
    }
    fn rewrite(&self, req: &Request, answer: Answer) -> Answer {
        if req.path() != "/api/v1/catalog" {
            return answer;
        }
        let mut v = answer.value().unwrap();
        v["next_cursor"] = json!("again");
        let a = Answer::json(answer.status, &v);
        *self.0.lock().unwrap() = Some(a.clone());
        a
    }
}

#[test]
fn an_oversized_answer_or_an_endless_cursor_stops_sync_and_keeps_the_cache() {
    let shop = shop_with_catalog();
    let proxy = Hostile::start(&shop.url);
    let home = Home::synced(&proxy.url, "ACME", "buyer");
    let parts = |home: &Home| home.run(&["--json", "search", "bearing"]).ok().json();
    let before = parts(&home);
    assert!(before.to_string().contains("T-BRG-1"), "{before}");

    proxy.set(EndlessCatalog);
    let r = home.run(&["sync"]).fails_with(4);
    assert!(r.stderr().contains("larger than 32 MiB"), "{}", r.stderr());
    assert_eq!(parts(&home), before, "the old cache is kept");

    proxy.set(RepeatingCursor(Mutex::new(None)));
    let started = proxy.requests().len();
    let r = home.run(&["sync"]).fails_with(4);
    assert!(r.stderr().contains("repeats a cursor"), "{}", r.stderr());
    let catalog_requests = proxy.requests()[started..].iter().filter(|q| q.path() == "/api/v1/catalog").count();
    assert_eq!(catalog_requests, 2, "stopped at the first repeat");
    assert_eq!(parts(&home), before, "the old cache is kept");
}

/// A catalog whose every page names a new next page.
struct EndlessPages;

impl Rule for EndlessPages {
    fn answer(&self, req: &Request) -> Option<Answer> {
        if req.path() != "/api/v1/catalog" {
            return None;
        }
        let n: u64 = req.target.split("cursor=p").nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let page =
            json!({"items": [], "removed": [], "next_cursor": format!("p{}", n + 1), "sync_token": "t", "full": false});
        Some(Answer::json(200, &page))
    }
}

#[test]
fn a_sync_past_the_page_ceiling_stops_and_keeps_the_cache() {
    let shop = shop_with_catalog();
    let proxy = Hostile::start(&shop.url);
    let home = Home::synced(&proxy.url, "ACME", "buyer");
    let before = home.run(&["--json", "search", "bearing"]).ok().json();
    proxy.set(EndlessPages);
    let started = proxy.requests().len();
    let r = home.run(&["sync"]).fails_with(4);
    assert!(r.stderr().contains("more than 10000 pages"), "{}", r.stderr());
    let pages = proxy.requests()[started..].iter().filter(|q| q.path() == "/api/v1/catalog").count();
    assert_eq!(pages, 10_000, "the ceiling, then no further request");
    assert_eq!(home.run(&["--json", "search", "bearing"]).ok().json(), before, "the old cache is kept");
}

// ---- 5. Text from anyone is cleaned before a terminal sees it ----

/// Hostile text in the user record, the company and the credit's currency.
struct EvilText;

impl Rule for EvilText {
    fn rewrite(&self, req: &Request, answer: Answer) -> Answer {
        let Some(mut v) = answer.value() else { return answer };
        match req.path() {
            "/api/v1/me" => {
                v["user"]["name"] = json!(EVIL);
                v["company"]["name"] = json!(EVIL);
            }
            "/api/v1/credit" => v["currency"] = json!(EVIL),
            _ => return answer,
        }
        Answer::json(answer.status, &v)
    }
}

#[test]
fn text_from_a_shop_or_another_user_is_cleaned_everywhere_also_in_json() {
    let shop = shop_with_catalog();
    let proxy = Hostile::start(&shop.url);
    proxy.set(EvilText);
    let home = Home::new();
    let login = ["login", "--shop", &proxy.url, "--company", "ACME", "--user", "buyer", "--password-stdin"];
    let r = home.run_stdin(&login, "demo\n").ok();
    assert!(r.stderr().contains("Eve"), "{}", r.stderr());
    assert!(!has_unsafe(&r.stderr()), "{:?}", r.stderr());
    let mut json_login = vec!["--json"];
    json_login.extend(login);
    let r = home.run_stdin(&json_login, "demo\n").ok();
    assert!(!has_unsafe(&r.stdout()) && !r.stdout().contains("\\u009b"), "{:?}", r.stdout());
    assert!(r.json()["me"]["user"]["name"].as_str().unwrap().starts_with("Eve"));
    for args in [&["credit"][..], &["--json", "credit"]] {
        let r = home.run(args);
        assert!(!has_unsafe(&r.stdout()) && !has_unsafe(&r.stderr()), "{args:?}: {:?}", r.stdout());
    }

    // Another user of the same company writes the rejection reason.
    let approver = Home::synced(&shop.url, "ACME", "approver");
    approver.run(&["basket", "new", "big"]).ok();
    approver.run(&["basket", "add", "big", "T-CON-1", "1000"]).ok();
    let own = approver.run(&["--json", "order", "submit", "--basket", "big", "--po", "EVIL-1"]).ok().json();
    let number = own["order"]["number"].as_str().unwrap().to_string();
    let admin = Home::new();
    admin.login(&shop.url, "ACME", "admin");
    admin.run(&["approvals", "reject", &number, "--reason", EVIL]).ok();
    for args in [&["order", "show", &number][..], &["--json", "order", "show", &number]] {
        let r = approver.run(args).ok();
        assert!(r.stdout().contains("Eve"), "{args:?}: {}", r.stdout());
        assert!(!has_unsafe(&r.stdout()), "{args:?}: {:?}", r.stdout());
    }
}

// ---- 6. Files and names ----

#[cfg(unix)]
#[test]
fn the_cache_the_log_and_the_shop_database_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let cache = home.path().join("cache/default/catalog.db");
    let log = home.path().join("logs/procure.log");
    for file in [&cache, &log, &shop.db] {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    for dir in [cache.parent().unwrap(), log.parent().unwrap()] {
        assert_eq!(mode(dir), 0o700, "{}", dir.display());
    }
}

#[test]
fn profile_names_cannot_point_outside_the_data_folder() {
    let shop = shop_with_catalog();
    let home = Home::new();
    let outside = tempfile::tempdir().unwrap();
    let absolute = outside.path().join("abs");
    for name in ["../../../escaped", absolute.to_str().unwrap(), "a/b", "line\nbreak"] {
        let r = home
            .run_stdin(
                &[
                    "login",
                    "--profile",
                    name,
                    "--shop",
                    &shop.url,
                    "--company",
                    "ACME",
                    "--user",
                    "buyer",
                    "--password-stdin",
                ],
                "demo\n",
            )
            .fails_with(5);
        assert!(r.stderr().contains("profile name"), "{name}: {}", r.stderr());
        let r = home.run(&["--profile", name, "sync"]);
        assert_ne!(r.code(), 0, "{name}");
    }
    let escaped = home.path().parent().unwrap().parent().unwrap().join("escaped");
    assert!(!escaped.exists() && !absolute.exists());
}

fn import_many(shop: &Shop, n: usize) {
    let mut csv = String::from("sku,name,list_price\n");
    for i in 0..n {
        csv.push_str(&format!("M-{i},Part {i},1.00\n"));
    }
    assert!(shop.import(&csv, None).status.success());
}

#[test]
fn a_second_sync_while_one_runs_waits_for_it() {
    let shop = shop_with_catalog();
    import_many(&shop, 3000);
    let home = Home::new();
    home.login(&shop.url, "ACME", "buyer");
    let spawn = || home.cmd(&["sync"]).stdin(std::process::Stdio::null()).output().unwrap();
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (Run(a.join().unwrap()), Run(b.join().unwrap()))
    });
    for r in [&a, &b] {
        assert_eq!(r.code(), 0, "{}", r.stderr());
        assert!(!r.stderr().contains("locked"), "{}", r.stderr());
    }
}

// ---- 7. Input that is only big, not bad ----

#[test]
fn an_overlong_basket_import_line_is_refused_at_once_with_its_number() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "big"]).ok();
    let long = format!("{},1", "A".repeat(200_000));
    let huge = format!("{},1", "B".repeat(50 * 1024 * 1024));
    let longest_ok = format!("T-CON-1,2,{}", "n".repeat(1024 - "T-CON-1,2,".len()));
    let file = write_file(home.path(), "list.csv", &format!("T-BRG-1,3\n{long}\n{huge}\n{longest_ok}\n"));
    let started = Instant::now();
    let r = home.run(&["basket", "import", "big", file.to_str().unwrap()]).fails_with(5);
    let took = started.elapsed();
    for line in [2, 3] {
        assert!(r.stderr().contains(&format!(":{line}: : the line has")), "{}", r.stderr());
    }
    assert!(r.stderr().contains("the most is 1024"), "{}", r.stderr());
    assert!(r.stderr().contains("Added 2 lines"), "{}", r.stderr());
    let shown = home.run(&["--json", "basket", "show", "big"]).ok().json();
    assert_eq!(shown["lines"].as_array().unwrap().len(), 2, "{shown}");

    let one = write_file(home.path(), "one.csv", &format!("{longest_ok}\n"));
    let started_one = Instant::now();
    home.run(&["basket", "import", "big", one.to_str().unwrap(), "--add"]).ok();
    eprintln!(
        "basket import: a 50 MB file with overlong lines in {:.2} s; the longest accepted line (1024 characters) in {:.3} s",
        took.as_secs_f64(),
        started_one.elapsed().as_secs_f64()
    );
}

#[test]
fn a_quantity_beyond_the_maximum_says_too_large_with_the_maximum() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "q"]).ok();
    for qty in ["4294967295", "99999999999999999999999"] {
        let r = home.run(&["basket", "add", "q", "T-BRG-1", qty]).fails_with_any();
        assert!(r.stderr().contains("too large") && r.stderr().contains("1000000000"), "{qty}: {}", r.stderr());
    }
    home.run(&["basket", "add", "q", "T-BRG-1", "999999999"]).ok();
    let r = home.run(&["basket", "add", "q", "T-BRG-1", "2"]).fails_with_any();
    assert!(r.stderr().contains("too large: the most is 1000000000"), "{}", r.stderr());
    let shown = home.run(&["--json", "basket", "show", "q"]).ok().json();
    assert_eq!(shown["lines"][0]["quantity"], 999999999, "unchanged, not capped: {shown}");
}

// ---- 8. Less to learn about other companies ----

#[test]
fn order_and_quote_numbers_count_per_company() {
    let shop = shop_with_catalog();
    // Each order its own PO number: a PO number names one order of a company.
    let place = |company: &str, po: &str| {
        let home = Home::synced(&shop.url, company, "buyer");
        home.run(&["basket", "new", "n"]).ok();
        home.run(&["basket", "add", "n", "T-BRG-1", "1"]).ok();
        let o = home.run(&["--json", "order", "submit", "--basket", "n", "--po", po]).ok().json();
        (home, o["order"]["number"].as_str().unwrap().to_string())
    };
    let count = |number: &str, company: &str| -> u32 {
        let rest = number.strip_prefix(&format!("SO-{company}-")).unwrap_or_else(|| panic!("{number}"));
        rest.parse().unwrap()
    };
    let (_, a1) = place("ACME", "N-1");
    let (bolt, b1) = place("BOLT", "N-2");
    let (_, a2) = place("ACME", "N-3");
    assert_eq!(count(&a2, "ACME"), count(&a1, "ACME") + 1, "BOLT's order leaves no gap in ACME's: {a1} {b1} {a2}");
    assert!(count(&b1, "BOLT") >= 1001 && a1.len() <= 14, "short and readable: {a1} {b1}");
    let q1 = bolt.run(&["--json", "quote", "request", "--basket", "n"]).ok().json();
    let q2 = bolt.run(&["--json", "quote", "request", "--basket", "n"]).ok().json();
    assert_eq!(q1["number"], "Q-BOLT-1001", "{q1}");
    assert_eq!(q2["number"], "Q-BOLT-1002", "{q2}");
}
