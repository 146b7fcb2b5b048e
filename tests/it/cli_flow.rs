//! End to end through the real binary against the real reference shop.

use crate::common::faults;
use crate::common::*;

#[test]
fn login_sync_search_basket_preview_submit_list() {
    let shop = shop_with_catalog();
    let home = Home::new();
    let login = home.login(&shop.url, "ACME", "buyer");
    assert!(login.stderr().contains("Logged in"), "{}", login.stderr());

    let sync = home.run(&["--json", "sync"]).ok().json();
    assert_eq!(sync["full"], true);
    assert!(sync["products_total"].as_u64().unwrap() >= 3, "{sync}");

    // Type-number search, separators and case ignored.
    let found = home.run(&["--json", "search", "62052rsh"]).ok().json();
    assert_eq!(found["results"][0]["sku"], "T-BRG-1", "{found}");
    assert_eq!(found["results"][0]["unit_price"], "6.90", "ACME's contract price");
    let found = home.run(&["--json", "search", "m8x25"]).ok().json();
    assert!(found["results"].as_array().unwrap().iter().any(|r| r["sku"] == "T-SCR-1"), "{found}");

    let show = home.run(&["--json", "show", "T-BRG-1"]).ok().json();
    assert_eq!(show["prices"]["tiers"][1]["unit_price"], "6.10");
    assert_eq!(show["product"]["documents"][0]["url"], "https://docs.example/t-brg-1.pdf");

    home.run(&["basket", "new", "weekly"]).ok();
    home.run(&["basket", "add", "weekly", "T-BRG-1", "12"]).ok();
    home.run(&["basket", "add", "weekly", "4011209780106", "2"]).ok(); // by GTIN
    // A type number that several parts share is not guessed.
    let r = home.run(&["basket", "add", "weekly", "3RT2015-1BB41", "2"]).fails_with(5);
    assert!(r.stderr().contains("several parts") && r.stderr().contains("T-CON-1"), "{}", r.stderr());
    home.run(&["basket", "note", "weekly", "T-BRG-1", "CC-4711"]).ok();
    let basket = home.run(&["--json", "basket", "show", "weekly"]).ok().json();
    // 12 × 6.10 + 2 × 31.00 = 135.20 net
    assert_eq!(basket["totals"]["net"], "135.20", "{basket}");
    assert_eq!(basket["totals"]["vat"], "25.69");

    let preview = home.run(&["--json", "order", "preview", "--basket", "weekly", "--po", "PO-1001"]).ok().json();
    assert_eq!(preview["preview"]["totals"]["net"], "135.20", "{preview}");
    assert!(preview["price_changes"].as_array().unwrap().is_empty());

    let done = home
        .run(&["--json", "order", "submit", "--basket", "weekly", "--po", "PO-1001", "--comment", "gate 3"])
        .ok()
        .json();
    let number = done["order"]["number"].as_str().unwrap().to_string();
    assert_eq!(done["replayed"], false);
    assert_eq!(done["order"]["lines"][0]["note"], "CC-4711");

    // The basket stays as a template and remembers the order.
    let text = std::fs::read_to_string(home.basket_file("default", "weekly")).unwrap();
    assert!(text.contains(&number), "{text}");
    assert!(!text.contains("[pending"), "pending submission cleared: {text}");

    let list = home.run(&["--json", "order", "list"]).ok().json();
    assert_eq!(list[0]["number"], number.as_str());
    assert_eq!(list[0]["po_number"], "PO-1001");
    let shown = home.run(&["--json", "order", "show", &number]).ok().json();
    assert_eq!(shown["comment"], "gate 3");
    assert_eq!(shown["totals"]["net"], "135.20");

    // Human output works too.
    let human = home.run(&["order", "list"]).ok();
    assert!(human.stdout().contains(&number));
}

#[test]
fn companies_cannot_see_each_others_prices_or_orders() {
    let shop = shop_with_catalog();
    let acme = Home::synced(&shop.url, "ACME", "buyer");
    acme.run(&["basket", "new", "b"]).ok();
    acme.run(&["basket", "add", "b", "T-CON-1", "1"]).ok();
    let done = acme.run(&["--json", "order", "submit", "--basket", "b", "--po", "A-1"]).ok().json();
    let number = done["order"]["number"].as_str().unwrap().to_string();

    let bolt = Home::synced(&shop.url, "BOLT", "buyer");
    let show = bolt.run(&["--json", "show", "T-CON-1"]).ok().json();
    assert_eq!(show["prices"]["tiers"][0]["unit_price"], "38.50", "BOLT pays list price, not ACME's contract");
    bolt.run(&["order", "show", &number]).fails_with(5);
    let list = bolt.run(&["--json", "order", "list"]).ok().json();
    assert!(list.as_array().unwrap().iter().all(|o| o["number"] != number.as_str()));
}

#[test]
fn wrong_password_and_missing_login() {
    let shop = shop_with_catalog();
    let home = Home::new();
    let r = home
        .run_stdin(
            &["login", "--shop", &shop.url, "--company", "ACME", "--user", "buyer", "--password-stdin"],
            "nope\n",
        )
        .fails_with(3);
    assert!(r.stderr().contains("wrong company, user or password"), "{}", r.stderr());
    // No token was written, and no password is stored anywhere.
    assert!(!home.path().join("data/profiles/default/token.json").exists());
    // Without a login, sync asks for one.
    home.write_config(&format!("[profiles.x]\nshop = \"{}\"\ncompany = \"ACME\"\nuser = \"buyer\"\n", shop.url));
    home.run(&["--profile", "x", "sync"]).fails_with(3);
}

#[cfg(unix)]
#[test]
fn token_is_private_and_password_not_stored() {
    use std::os::unix::fs::PermissionsExt;
    let shop = shop_with_catalog();
    let home = Home::new();
    home.login(&shop.url, "ACME", "buyer");
    let token = home.path().join("data/profiles/default/token.json");
    assert_eq!(std::fs::metadata(&token).unwrap().permissions().mode() & 0o777, 0o600);
    // Even at the most verbose log level, the token never reaches the log.
    let secret: serde_json::Value = serde_json::from_slice(&std::fs::read(&token).unwrap()).unwrap();
    let secret = secret["token"].as_str().unwrap().to_string();
    let out = home.cmd(&["sync"]).env("PROCURE_LOG", "trace").output().unwrap();
    assert!(out.status.success());
    let log = std::fs::read_to_string(home.path().join("logs/procure.log")).unwrap();
    assert!(log.contains("sync done"), "the log is written: {log}");
    assert!(!log.contains(&secret), "token in the log");
    for entry in walk(home.path()) {
        let bytes = std::fs::read(&entry).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&bytes).contains("\"demo\""), "password found in {}", entry.display());
    }
    home.run(&["logout"]).ok();
    assert!(!token.exists());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn changed_price_stops_the_order_without_yes() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "b"]).ok();
    home.run(&["basket", "add", "b", "T-BRG-1", "1"]).ok();
    // The supplier raises ACME's contract price after the buyer synced.
    let out = shop.import(CATALOG, Some("company,sku,min_qty,unit_price\nACME,T-BRG-1,1,7.25\nACME,T-BRG-1,10,6.10\n"));
    assert!(out.status.success());

    let r = home.run(&["order", "submit", "--basket", "b", "--po", "P-9"]).fails_with(6);
    assert!(r.stderr().contains("6.90") && r.stderr().contains("7.25"), "{}", r.stderr());
    // The message names the problem (the app shows it too); the command line adds its flags.
    assert!(r.stderr().contains("\nhint: --yes accepts every change, --max-increase PCT"), "{}", r.stderr());
    let e = home.run(&["--json", "order", "submit", "--basket", "b", "--po", "P-9"]).fails_with(6);
    let message: serde_json::Value = serde_json::from_str(&e.stderr()).unwrap();
    let message = message["error"]["message"].as_str().unwrap();
    assert!(message.ends_with("nothing was ordered") && !message.contains("--"), "{message}");
    let list = home.run(&["--json", "order", "list"]).ok().json();
    assert!(list.as_array().unwrap().iter().all(|o| o["po_number"] != "P-9"), "no order was placed: {list}");

    let done = home.run(&["--json", "order", "submit", "--basket", "b", "--po", "P-9", "--yes"]).ok().json();
    assert_eq!(done["order"]["lines"][0]["unit_price"], "7.25");
    assert_eq!(done["accepted_price_changes"][0]["now"], "7.25");
}

#[test]
fn import_into_a_basket_with_lines_asks_and_the_command_line_names_its_flags() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "full"]).ok();
    home.run(&["basket", "add", "full", "T-BRG-1", "1"]).ok();
    let file = home.path().join("more.csv");
    std::fs::write(&file, "sku;qty\nT-SCR-1;100\n").unwrap();
    let r = home.run(&["basket", "import", "full", file.to_str().unwrap()]).fails_with(5);
    assert!(r.stderr().contains("already has 1 lines"), "{}", r.stderr());
    assert!(r.stderr().contains("\nhint: --add adds to the basket's lines, --replace replaces them"), "{}", r.stderr());
    let e = home.run(&["--json", "basket", "import", "full", file.to_str().unwrap()]).fails_with(5);
    let e: serde_json::Value = serde_json::from_str(&e.stderr()).unwrap();
    let message = e["error"]["message"].as_str().unwrap();
    assert!(!message.contains("--"), "the message names no flag: {message}");
    home.run(&["basket", "import", "full", file.to_str().unwrap(), "--add"]).ok();
}

#[test]
fn csv_import_adds_good_lines_and_reports_bad_ones() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "imp"]).ok();
    let file = home.path().join("list.csv");
    std::fs::write(&file, "sku;qty\nT-BRG-1;4\nT-BRG-X;2\nT-SCR-1;150\nT-CON-1;zero\n\nT-SCR-1;200\n").unwrap();
    let r = home.run(&["basket", "import", "imp", file.to_str().unwrap()]).fails_with(5);
    let err = r.stderr();
    assert!(err.contains(":3: T-BRG-X: unknown SKU") && err.contains("did you mean T-BRG-1"), "{err}");
    assert!(err.contains(":4: T-SCR-1") && err.contains("next valid quantity is 200"), "{err}");
    assert!(err.contains(":5: T-CON-1"), "{err}");
    let b = home.run(&["--json", "basket", "show", "imp"]).ok().json();
    let lines = b["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2, "{b}");
    assert_eq!(lines[0]["sku"], "T-BRG-1");
    assert_eq!(lines[1]["quantity"], 200);

    // JSON report for scripts.
    let r = home.run(&["--json", "basket", "import", "imp", file.to_str().unwrap(), "--add"]).fails_with(5);
    assert_eq!(r.json()["problems"].as_array().unwrap().len(), 3);
}

#[test]
fn bad_quantities_are_rejected_with_a_suggestion() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "q"]).ok();
    let r = home.run(&["basket", "add", "q", "T-SCR-1", "150"]).fails_with(5);
    assert!(r.stderr().contains("packs of 100") && r.stderr().contains("200"), "{}", r.stderr());
    home.run(&["basket", "add", "q", "T-SCR-1", "-1"]).fails_with(5);
    home.run(&["basket", "add", "q", "T-SCR-1", "1.5"]).fails_with(5);
    let r = home.run(&["basket", "add", "q", "NOPE-1", "1"]).fails_with(5);
    assert!(r.stderr().contains("unknown SKU"), "{}", r.stderr());
    let b = home.run(&["--json", "basket", "show", "q"]).ok().json();
    assert!(b["lines"].as_array().unwrap().is_empty(), "nothing was added: {b}");
}

/// A basket file edited to a quantity that is not a whole pack: ordering it
/// names the line once, with its suggestion once.
#[test]
fn a_basket_line_that_cannot_be_ordered_is_named_once_with_its_suggestion() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "q"]).ok();
    home.run(&["basket", "add", "q", "T-SCR-1", "100"]).ok();
    let path = home.basket_file("default", "q");
    std::fs::write(&path, std::fs::read_to_string(&path).unwrap().replace("qty = 100", "qty = 150")).unwrap();
    let r = home.run(&["order", "preview", "--basket", "q", "--po", "Q-1"]).fails_with(5);
    let err = r.stderr();
    assert!(err.contains("line 1: T-SCR-1: quantity 150 is not valid (sold in packs of 100)"), "{err}");
    assert_eq!(err.matches("200").count(), 1, "the next valid quantity once: {err}");
}

#[test]
fn corrupt_basket_is_reported_and_kept() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "c"]).ok();
    let path = home.basket_file("default", "c");
    let broken = "name = \"c\"\ncreated_at = \"2026-01-01T00:00:00Z\"\n[[lines]]\nsku = \"T-BRG-1\"\nqty = \"many\"\n";
    std::fs::write(&path, broken).unwrap();
    let r = home.run(&["basket", "show", "c"]).fails_with(7);
    assert!(r.stderr().contains("c.toml") && r.stderr().contains("line 5"), "{}", r.stderr());
    home.run(&["basket", "add", "c", "T-BRG-1", "1"]).fails_with(7);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken, "the file is never overwritten");
    let list = home.run(&["basket", "list"]).ok();
    assert!(list.stdout().contains("UNREADABLE"), "{}", list.stdout());
}

#[test]
fn resync_moves_only_changes() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let again = home.run(&["--json", "sync"]).ok().json();
    assert_eq!(again["not_modified"], true, "{again}");
    assert_eq!(again["requests"], 1);

    let changed = CATALOG.replace("Contactor 3RT2015-1BB41 24V DC", "\"Contactor 3RT2015-1BB41 24 V DC, 3 kW\"");
    assert!(shop.import(&changed, None).status.success());
    let delta = home.run(&["--json", "sync"]).ok().json();
    assert_eq!(delta["full"], false, "{delta}");
    assert_eq!(delta["products_changed"], 1, "{delta}");
    let show = home.run(&["--json", "show", "T-CON-1"]).ok().json();
    assert_eq!(show["product"]["name"], "Contactor 3RT2015-1BB41 24 V DC, 3 kW");
}

#[test]
fn shop_down_slow_or_garbage_is_a_clear_error() {
    let home = Home::new();
    // Down: nothing listens there.
    let down = faults::Refusing::start();
    let r = home
        .run_stdin(&["login", "--shop", &down.url, "--company", "A", "--user", "u", "--password-stdin"], "x\n")
        .fails_with(4);
    assert!(r.stderr().contains("cannot reach the shop"), "{}", r.stderr());

    // Slow: accepts and never answers.
    let slow = faults::Sink::start("127.0.0.1");
    home.write_config("[network]\ntimeout_secs = 1\n");
    let r = home
        .run_stdin(&["login", "--shop", &slow.url(), "--company", "A", "--user", "u", "--password-stdin"], "x\n")
        .fails_with(4);
    assert!(r.stderr().contains("did not answer within 1 s"), "{}", r.stderr());

    // Garbage: answers 200 with something that is not the protocol.
    let junk = faults::Canned::start(b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n<html>\x1b[31m</html>");
    let r = home
        .run_stdin(&["login", "--shop", &junk.url, "--company", "A", "--user", "u", "--password-stdin"], "x\n")
        .fails_with(4);
    assert!(r.stderr().contains("cannot read"), "{}", r.stderr());
    assert!(!r.stderr().contains('\x1b'), "no escape sequence from the shop reaches the terminal");
    // Nothing was saved for a failed login.
    assert!(!home.path().join("data/profiles/default/token.json").exists());
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let home = Home::new();
    let r = home
        .run_stdin(
            &["login", "--shop", "http://shop.example.com", "--company", "A", "--user", "u", "--password-stdin"],
            "x\n",
        )
        .fails_with(2);
    assert!(r.stderr().contains("allow_insecure_http"), "{}", r.stderr());
}

#[test]
fn preview_shows_by_how_much_an_order_exceeds_the_credit() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "CRANE", "buyer"); // credit limit 10,000
    home.run(&["basket", "new", "big"]).ok();
    home.run(&["basket", "add", "big", "T-CON-1", "300"]).ok();
    // The shop would refuse it: exit 5 as submit, the preview on stdout all the same.
    let json = home.run(&["--json", "order", "preview", "--basket", "big", "--po", "C-1"]).fails_with(5).json();
    let gross: rust_decimal::Decimal = json["preview"]["totals"]["gross"].as_str().unwrap().parse().unwrap();
    let available: rust_decimal::Decimal = json["preview"]["credit"]["available"].as_str().unwrap().parse().unwrap();
    let short: rust_decimal::Decimal = json["credit_shortfall"].as_str().unwrap().parse().unwrap();
    assert_eq!(short, gross - available, "{json}");
    let text = home.run(&["order", "preview", "--basket", "big", "--po", "C-1"]).fails_with(5);
    assert!(text.stdout().contains(&format!("exceeds your available credit by {short} EUR")), "{}", text.stdout());
    // Within the credit, nothing is said.
    home.run(&["basket", "set", "big", "T-CON-1", "1"]).ok();
    let json = home.run(&["--json", "order", "preview", "--basket", "big", "--po", "C-1"]).ok().json();
    assert!(json["credit_shortfall"].is_null(), "{json}");
}

#[test]
fn demo_sets_up_buyer_and_approver_a_synced_catalog_and_the_sample_basket() {
    let home = Home::new();
    let demo = home.run(&["demo", "--no-wait", "--products", "300", "--port", "0"]).ok();
    let synced = demo
        .stderr()
        .lines()
        .find_map(|l| l.strip_prefix("Synced: ")?.strip_suffix(" parts in the local catalog."))
        .map(|n| n.parse::<usize>().unwrap());
    assert!(synced.is_some_and(|n| n > 0), "{}", demo.stderr());
    let config = std::fs::read_to_string(home.path().join("config.toml")).unwrap();
    assert!(config.contains("default_profile = \"demo\""), "{config}");
    assert!(config.contains("[profiles.demo-approver]") && config.contains("user = \"approver\""), "{config}");
    for profile in ["demo", "demo-approver"] {
        assert!(home.path().join("data/profiles").join(profile).join("token.json").exists(), "{profile} logged in");
    }
    // The sample basket holds the parts of the demo catalog it names, priced offline.
    let basket = home.run(&["--json", "basket", "show", "weekly"]).ok().json();
    let skus: Vec<&str> = basket["lines"].as_array().unwrap().iter().map(|l| l["sku"].as_str().unwrap()).collect();
    assert!(skus.len() >= 2, "{basket}");
    assert!(basket["lines"].as_array().unwrap().iter().all(|l| l["unit_price"].is_string()), "{basket}");
    // The log the run wrote is the owner's only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let log = std::fs::metadata(home.path().join("logs/procure.log")).unwrap();
        assert_eq!(log.permissions().mode() & 0o777, 0o600);
    }
}

/// A catalog of several pages, each fetched while the one before is
/// stored: every part and every price arrives once, and a re-sync with
/// nothing changed is one request.
#[test]
fn a_catalog_of_several_pages_arrives_whole_and_once() {
    let shop = Shop::start(12_000);
    let home = Home::new();
    home.login(&shop.url, "ACME", "buyer");
    let sync = home.run(&["--json", "sync"]).ok().json();
    let parts = sync["products_total"].as_u64().unwrap();
    assert!(parts > 10_000, "{sync}");
    assert_eq!(sync["products_changed"], parts, "no part twice: {sync}");
    assert_eq!(sync["prices_changed"], parts, "a price for every part: {sync}");
    // Pages of 5,000 for the catalog and the price list, /me and /ordered-skus.
    assert_eq!(sync["requests"], 2 * parts.div_ceil(5_000) + 2, "{sync}");
    let again = home.run(&["--json", "sync"]).ok().json();
    assert_eq!(again["not_modified"], true, "{again}");
    assert_eq!(again["requests"], 1, "{again}");
    assert_eq!(again["products_total"], parts, "{again}");
}

/// `total` counts every match whatever `--limit`, and the text output says
/// how many more there are when the list is cut.
#[test]
fn search_counts_every_match_whatever_the_limit_and_says_how_many_more() {
    let shop = Shop::start(12_000);
    let home = Home::synced(&shop.url, "ACME", "buyer");
    // Fewer than 50 plain matches (fuzzy ones count too), and many.
    for q in ["6205", "din 933", "contactor 24v"] {
        let all = home.run(&["--json", "search", q, "--limit", "20000"]).ok().json();
        let total = all["total"].as_u64().unwrap();
        assert_eq!(all["results"].as_array().unwrap().len() as u64, total, "{q}: {all}");
        for limit in [5u64, 20, 50, 200] {
            let r = home.run(&["--json", "search", q, "--limit", &limit.to_string()]).ok().json();
            assert_eq!(r["total"], total, "{q} --limit {limit}");
            let results = r["results"].as_array().unwrap();
            assert_eq!(results.len() as u64, limit.min(total), "{q} --limit {limit}");
            assert_eq!(results[..], all["results"].as_array().unwrap()[..results.len()], "{q} --limit {limit}");
        }
        // The default limit is 20: the rest is named.
        let text = home.run(&["search", q]).ok();
        let note = format!("{} more: 20 of {total} matches shown (--limit {total} lists all).", total - 20);
        assert!(text.stderr().contains(&note), "{q}: {}", text.stderr());
        let all = home.run(&["search", q, "--limit", &total.to_string()]).ok();
        assert!(!all.stderr().contains("more"), "{q}: {}", all.stderr());
    }
}
