//! Real distributors' price lists, end to end: five and six decimals, price
//! breaks that start at the reel's or the cut tape's minimum, order
//! multiples. The list is a CSV as Excel writes it (fixtures/: a BOM, `;`,
//! CRLF, decimal commas, quoted cells); the real reference shop imports it,
//! and the real `procure` binary searches, prices, previews and orders
//! from it, over HTTP and as Peppol documents.

use crate::common::*;

/// Ten parts of five distributors (Digi-Key, Mouser, Farnell, TME, Arrow):
/// cut tape and reels of the same resistor and capacitor, order multiples.
const CATALOG: &str = include_str!("fixtures/distributor-catalog.csv");
/// ACME's price breaks for all ten and BOLT's for one reel, from the
/// reel's 4,000 or 5,000, from 10 for cut tape, five and six decimals.
const PRICES: &str = include_str!("fixtures/distributor-prices.csv");

/// The reel: breaks from 5,000 (0.00912), 10,000 at 0.00868.
const REEL: &str = "311-10.0KHRTR-ND";
/// The same resistor on cut tape: listed from 1, ACME's breaks from 10.
const CUT_TAPE: &str = "311-10.0KHRCT-ND";

fn distributor_shop() -> Shop {
    let shop = Shop::start(300);
    let out = Run(shop.import(CATALOG, Some(PRICES)));
    assert_eq!(out.code(), 0, "the list loads whole:\n{}\n{}", out.stdout(), out.stderr());
    shop
}

fn acme(shop: &Shop) -> Home {
    let home = Home::new();
    home.login(&shop.url, "ACME", "buyer");
    home.run(&["sync"]).ok();
    home
}

#[test]
fn a_distributors_list_as_excel_writes_it_loads_with_no_row_refused() {
    let shop = Shop::start(300);
    let dir = tempfile::tempdir().unwrap();
    let (cat, prices) = (dir.path().join("distributor-catalog.csv"), dir.path().join("distributor-prices.csv"));
    std::fs::write(&cat, CATALOG).unwrap();
    std::fs::write(&prices, PRICES).unwrap();
    assert!(CATALOG.starts_with('\u{feff}') && CATALOG.contains(";0,00588;") && CATALOG.contains("\r\n"));
    let import = |cat: &std::path::Path, prices: &std::path::Path| {
        let mut c = std::process::Command::new(BIN);
        c.args(["--json", "shop", "import", "--db"]).arg(&shop.db).arg(cat).arg("--prices").arg(prices);
        Run(c.env("PROCURE_HOME", dir.path()).output().unwrap())
    };
    let report = import(&cat, &prices).ok().json();
    assert_eq!(report["rejected"], 0, "{report}");
    assert_eq!(report["errors"], serde_json::json!([]), "{report}");
    assert_eq!(report["loaded"], 10, "{report}");
    // ACME's tiers of ten parts and BOLT's of one.
    assert_eq!(report["contract_prices"], 11, "{report}");

    // Six decimals are a price; seven are refused with file, line and reason.
    std::fs::write(&cat, "\u{feff}sku;name;list_price\r\nSIX;Six decimals;0,000998\r\nSEVEN;Seven;0,0009985\r\n")
        .unwrap();
    std::fs::write(
        &prices,
        "company;sku;min_qty;unit_price\r\nACME;SIX;100000;0,000985\r\nACME;SIX;500000;0,0009125\r\n",
    )
    .unwrap();
    let r = import(&cat, &prices).fails_with(5);
    let report = r.json();
    assert_eq!((report["loaded"].as_u64(), report["rejected"].as_u64()), (Some(1), Some(2)), "{report}");
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors[0]["file"], "distributor-catalog.csv");
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(
        errors[0]["reason"], "SEVEN: bad number in column list_price: \"0,0009985\" (more than 6 decimals)",
        "{report}"
    );
    assert_eq!(errors[1]["file"], "distributor-prices.csv");
    assert_eq!(errors[1]["line"], 3);
    assert_eq!(errors[1]["reason"], "bad number in column unit_price: \"0,0009125\" (more than 6 decimals)");
    let home = acme(&shop);
    let six = home.run(&["--json", "show", "SIX"]).ok().json();
    assert_eq!(six["prices"]["tiers"], serde_json::json!([{"min_qty": 100000, "unit_price": "0.000985"}]), "{six}");
}

/// 0.00868 a resistor at 10,000: search, show, basket, preview and order
/// all say 0.00868 and 86.80; below the first break is below the minimum.
#[test]
fn five_decimal_prices_flow_from_search_to_the_order() {
    let shop = distributor_shop();
    let home = acme(&shop);

    // A search for the type number finds cut tape and reel; priced for 10,000.
    let found = home.run(&["--json", "search", "--qty", "10000", "RC0603FR-0710KL"]).ok().json();
    let reel = found["results"].as_array().unwrap().iter().find(|r| r["sku"] == REEL).expect("the reel is found");
    assert_eq!(reel["unit_price"], "0.00868", "{found}");
    let text = home.run(&["search", "--qty", "10000", "RC0603FR-0710KL"]).ok().stdout();
    let row = text.lines().find(|l| l.starts_with(REEL)).unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains(" 0.00868 "), "{row}");
    // Without a quantity the row is priced at the smallest order: the reel's 5,000.
    let found = home.run(&["--json", "search", "RC0603FR-0710KL"]).ok().json();
    let reel = found["results"].as_array().unwrap().iter().find(|r| r["sku"] == REEL).unwrap();
    assert_eq!((reel["quantity"].as_u64(), reel["unit_price"].as_str()), (Some(5000), Some("0.00912")));
    let shown = home.run(&["show", REEL]).ok().stdout();
    for needle in ["minimum 5000", "from  10000     0.00868", "5000 × 0.00912 = 45.60"] {
        assert!(shown.contains(needle), "show lacks {needle:?}:\n{shown}");
    }
    // Cut tape is listed from 1, but ACME's breaks start at 10: that is its minimum.
    let shown = home.run(&["show", CUT_TAPE]).ok().stdout();
    assert!(shown.contains("minimum 10,") && shown.contains("smallest order: 10"), "{shown}");

    home.run(&["basket", "new", "reels"]).ok();
    let r = home.run(&["basket", "add", "reels", CUT_TAPE, "5"]).fails_with(5);
    assert!(
        r.stderr().contains("quantity 5 is not valid (minimum order quantity is 10, where your price tiers start)")
            && r.stderr().contains("next valid quantity is 10"),
        "{}",
        r.stderr()
    );
    home.run(&["basket", "add", "reels", REEL, "10000"]).ok();
    let basket = home.run(&["--json", "basket", "show", "reels"]).ok().json();
    assert_eq!(basket["lines"][0]["unit_price"], "0.00868", "{basket}");
    assert_eq!(basket["lines"][0]["agreed_price"], "0.00868", "{basket}");
    assert_eq!(basket["lines"][0]["line_total"], "86.80", "{basket}");
    assert_eq!(basket["totals"]["net"], "86.80", "{basket}");
    let text = home.run(&["basket", "show", "reels"]).ok().stdout();
    assert!(text.contains("0.00868") && text.contains("86.80"), "{text}");

    let checkout = home.run(&["--json", "order", "preview", "--basket", "reels", "--po", "PO-REEL-1"]).ok().json();
    let line = &checkout["preview"]["lines"][0];
    assert_eq!((line["unit_price"].as_str(), line["line_total"].as_str()), (Some("0.00868"), Some("86.80")));
    assert_eq!(checkout["preview"]["totals"]["net"], "86.80", "{checkout}");
    assert_eq!(checkout["price_changes"], serde_json::json!([]), "{checkout}");
    let placed = home.run(&["--json", "order", "submit", "--basket", "reels", "--po", "PO-REEL-1"]).ok().json();
    let line = &placed["order"]["lines"][0];
    assert_eq!((line["unit_price"].as_str(), line["line_total"].as_str()), (Some("0.00868"), Some("86.80")));
    assert_eq!(placed["order"]["totals"]["net"], "86.80", "{placed}");
    let number = placed["order"]["number"].as_str().unwrap();
    let shown = home.run(&["order", "show", number]).ok().stdout();
    assert!(shown.contains("0.00868") && shown.contains("86.80"), "{shown}");
}

/// A quantity below the first break is refused with the next valid
/// quantity: by procure from the basket, and by the shop when its breaks
/// moved up since the last sync.
#[test]
fn below_the_first_break_preview_names_the_quantity_to_order() {
    let shop = distributor_shop();
    let home = acme(&shop);
    home.run(&["basket", "new", "tape"]).ok();
    home.run(&["basket", "add", "tape", CUT_TAPE, "10"]).ok();

    // A basket file edited below the break: procure refuses it before the shop sees it.
    let path = home.basket_file("default", "tape");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("qty = 10", "qty = 5")).unwrap();
    let r = home.run(&["order", "preview", "--basket", "tape", "--po", "PO-T-1"]).fails_with(5);
    assert!(r.stderr().contains("minimum order quantity is 10, where your price tiers start"), "{}", r.stderr());
    assert!(r.stderr().contains("next valid quantity is 10"), "{}", r.stderr());
    std::fs::write(&path, text).unwrap();

    // The distributor's breaks now start at 100; procure has not synced since.
    let moved =
        "company;sku;min_qty;unit_price\nACME;311-10.0KHRCT-ND;100;0,0092\nACME;311-10.0KHRCT-ND;1000;0,00868\n";
    assert!(shop.import(CATALOG, Some(moved)).status.success());
    let r = home.run(&["--json", "order", "preview", "--basket", "tape", "--po", "PO-T-1"]).fails_with(5);
    let err: serde_json::Value = serde_json::from_str(&r.stderr()).unwrap();
    let line = &err["error"]["details"]["details"][0];
    assert_eq!(line["code"], "invalid_quantity", "{err}");
    assert_eq!(line["suggested_quantity"], 100, "{err}");
    assert!(
        line["message"].as_str().unwrap().contains("minimum order quantity is 100, where your price tiers start"),
        "{err}"
    );
    // After a sync procure says the same itself.
    home.run(&["sync"]).ok();
    let r = home.run(&["basket", "add", "tape", CUT_TAPE, "50"]).fails_with(5);
    assert!(r.stderr().contains("next valid quantity is 100"), "{}", r.stderr());
}

/// The same reel ordered on Peppol: the shop's catalogue (T19) carries the
/// breaks from 5,000 at five decimals, procure's order (T01) prices the
/// line at 0.00868 and 86.80, both pass OpenPEPPOL's rules, and the shop
/// accepts the order as priced.
#[test]
fn a_five_decimal_order_on_peppol_passes_the_rules_and_is_accepted() {
    let pp = crate::peppol::Peppol::new("Acme Maschinenbau GmbH");
    assert!(pp.shop.import(CATALOG, Some(PRICES)).status.success());
    pp.export();
    pp.home.run(&["sync"]).ok();
    pp.basket("reels", &[(REEL, "10000")]);
    let r = pp.home.run(&["basket", "add", "reels", "187-CL21B104KBCNNNCR", "1000"]).fails_with(5);
    assert!(r.stderr().contains("next valid quantity is 4000"), "{}", r.stderr());
    let basket = pp.home.run(&["--json", "basket", "show", "reels"]).ok().json();
    assert_eq!(basket["lines"][0]["unit_price"], "0.00868", "{basket}");
    assert_eq!(basket["totals"]["net"], "86.80", "{basket}");
    let done = pp.home.run(&["--json", "order", "submit", "--basket", "reels", "--po", "PO-P-1"]).ok().json();
    assert_eq!(done["order"]["lines"][0]["line_total"], "86.80", "{done}");
    let written = crate::peppol::xml_files(&pp.orders);
    crate::peppol::validate("T01", &written);
    let t01 = std::fs::read_to_string(&written[0]).unwrap();
    for needle in [
        "<cbc:PriceAmount currencyID=\"EUR\">0.00868</cbc:PriceAmount>",
        "<cbc:Quantity unitCode=\"C62\" unitCodeListID=\"UNECERec20\">10000</cbc:Quantity>",
        "<cbc:LineExtensionAmount currencyID=\"EUR\">86.80</cbc:LineExtensionAmount>",
    ] {
        assert!(t01.contains(needle), "T01 lacks {needle}:\n{t01}");
    }
    pp.answer();
    let number = done["order"]["number"].as_str().unwrap();
    let order = pp.home.run(&["--json", "order", "show", number]).ok().json();
    assert_eq!(order["status"], "accepted", "the shop accepts its own price: {order}");
    assert_eq!(order["lines"][0]["unit_price"], "0.00868", "{order}");
}

/// Replaces `from` by `to` once in the `cac:CatalogueLine` (or `cac:OrderLine`) of `sku` in `doc`.
fn in_line_of(doc: &str, sku: &str, tag: &str, edits: &[(&str, &str)]) -> String {
    let open = format!("<cac:{tag}>");
    let mut parts: Vec<String> = doc.split(&open).map(str::to_string).collect();
    let i = parts.iter().position(|p| p.contains(&format!("<cbc:ID>{sku}</cbc:ID>"))).expect("the part's line");
    for (from, to) in edits {
        assert_eq!(parts[i].matches(from).count(), 1, "{from} once in the line of {sku}:\n{}", parts[i]);
        parts[i] = parts[i].replace(from, to);
    }
    parts.join(&open)
}

/// A supplier's catalogue prices per base quantity: 1.00 for 3 units
/// (`cbc:BaseQuantity`). procure keeps the price with its base quantity,
/// and 999,999,999 units are 333,333,333.00 in the basket, the preview,
/// the order and its T01 — one unit's price rounded to 0.3333 made it
/// 333,299,999.67.
#[test]
fn a_price_per_base_quantity_flows_exactly_to_the_basket_the_preview_and_the_order() {
    let pp = crate::peppol::Peppol::new("Acme Maschinenbau GmbH");
    let doc = std::fs::read_to_string(&pp.catalogue).unwrap();
    let doc = in_line_of(
        &doc,
        "T-CON-1",
        "CatalogueLine",
        &[(">31.00</cbc:PriceAmount>", ">1.00</cbc:PriceAmount>"), (">1</cbc:BaseQuantity>", ">3</cbc:BaseQuantity>")],
    );
    std::fs::write(&pp.catalogue, doc).unwrap();
    crate::peppol::validate("T19", std::slice::from_ref(&pp.catalogue));
    pp.home.run(&["sync"]).ok();

    let shown = pp.home.run(&["--json", "show", "T-CON-1"]).ok().json();
    assert_eq!(
        shown["prices"]["tiers"],
        serde_json::json!([{"min_qty": 1, "unit_price": "1.00", "base_quantity": "3"}]),
        "{shown}"
    );
    let text = pp.home.run(&["show", "T-CON-1"]).ok().stdout();
    assert!(text.contains("from      1  1.00 per 3") && text.contains("1 × 1.00 per 3 = 0.33"), "{text}");
    let found = pp.home.run(&["--json", "search", "--qty", "999999999", "3RT2015"]).ok().json();
    let row = found["results"].as_array().unwrap().iter().find(|r| r["sku"] == "T-CON-1").expect("T-CON-1 is found");
    assert_eq!((row["unit_price"].as_str(), row["base_quantity"].as_str()), (Some("1.00"), Some("3")), "{found}");

    pp.basket("bq", &[("T-CON-1", "999999999")]);
    let basket = pp.home.run(&["--json", "basket", "show", "bq"]).ok().json();
    let line = &basket["lines"][0];
    assert_eq!((line["unit_price"].as_str(), line["base_quantity"].as_str()), (Some("1.00"), Some("3")), "{basket}");
    assert_eq!(line["line_total"], "333333333.00", "{basket}");
    assert_eq!(basket["totals"]["net"], "333333333.00", "{basket}");
    let text = pp.home.run(&["basket", "show", "bq"]).ok().stdout();
    assert!(text.contains("1.00 per 3") && text.contains("333333333.00"), "{text}");

    let checkout = pp.home.run(&["--json", "order", "preview", "--basket", "bq", "--po", "PO-BQ-1"]).ok().json();
    let line = &checkout["preview"]["lines"][0];
    assert_eq!((line["unit_price"].as_str(), line["base_quantity"].as_str()), (Some("1.00"), Some("3")));
    assert_eq!(line["line_total"], "333333333.00", "{checkout}");
    assert_eq!(checkout["preview"]["totals"]["net"], "333333333.00", "{checkout}");
    assert_eq!(checkout["price_changes"], serde_json::json!([]), "the price agreed to is the price: {checkout}");

    let placed = pp.home.run(&["--json", "order", "submit", "--basket", "bq", "--po", "PO-BQ-1"]).ok().json();
    assert_eq!(placed["order"]["lines"][0]["line_total"], "333333333.00", "{placed}");
    assert_eq!(placed["order"]["totals"]["net"], "333333333.00", "{placed}");
    let written = crate::peppol::xml_files(&pp.orders);
    crate::peppol::validate("T01", &written);
    let t01 = std::fs::read_to_string(&written[0]).unwrap();
    for needle in [
        "<cbc:PriceAmount currencyID=\"EUR\">1.00</cbc:PriceAmount>",
        "<cbc:BaseQuantity unitCode=\"C62\" unitCodeListID=\"UNECERec20\">3</cbc:BaseQuantity>",
        "<cbc:LineExtensionAmount currencyID=\"EUR\">333333333.00</cbc:LineExtensionAmount>",
    ] {
        assert!(t01.contains(needle), "T01 lacks {needle}:\n{t01}");
    }
    let number = placed["order"]["number"].as_str().unwrap();
    let text = pp.home.run(&["order", "show", number]).ok().stdout();
    assert!(text.contains("1.00 per 3") && text.contains("333333333.00"), "{text}");
}

/// A buyer's T01 may price a line per base quantity (61.00 for 10): the
/// shop compares one unit's price with its contract price (6.10) and
/// accepts the order as it is, rather than "changing" the price.
#[test]
fn the_shop_reads_an_orders_price_per_base_quantity() {
    let pp = crate::peppol::Peppol::new("Acme Maschinenbau GmbH");
    pp.basket("b", &[("T-BRG-1", "12")]);
    pp.home.run(&["order", "submit", "--basket", "b", "--po", "PO-B-1"]).ok();
    let written = crate::peppol::xml_files(&pp.orders);
    let doc = std::fs::read_to_string(&written[0]).unwrap();
    let doc = in_line_of(
        &doc,
        "T-BRG-1",
        "OrderLine",
        &[(">6.10</cbc:PriceAmount>", ">61.00</cbc:PriceAmount>"), (">1</cbc:BaseQuantity>", ">10</cbc:BaseQuantity>")],
    );
    std::fs::write(&written[0], doc).unwrap();
    crate::peppol::validate("T01", &written);
    pp.answer();
    let answers = crate::peppol::xml_files(&pp.answers);
    let t76 = std::fs::read_to_string(&answers[0]).unwrap();
    assert!(t76.contains("<cbc:OrderResponseCode>AP</cbc:OrderResponseCode>"), "accepted as priced:\n{t76}");
}
