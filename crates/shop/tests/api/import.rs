//! A supplier's catalog and contract prices imported from CSV.

use crate::helpers::*;

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
async fn semicolon_files_from_spreadsheets_import() {
    let s = start().await;
    let report = s.import("sku;name;list_price\nS-1;Semicolon part;\"12,50\"\n", None);
    assert_eq!((report.loaded, report.rejected), (1, 0), "{report:?}");
    let token = s.login("CRANE", "buyer").await;
    assert_eq!(s.prices(&token).await["S-1"].tiers[0].unit_price.to_string(), "12.50");
}

/// A price file may say a company's currency: its price list and orders
/// are in it from then on, and a client re-syncs its prices whole.
#[tokio::test]
async fn a_price_file_sets_a_companys_currency() {
    let s = start().await;
    let catalog = "sku,name,list_price\nC-1,Part one,2.00\nC-2,Part two,3.00\n";
    let prices = "\
company,sku,min_qty,unit_price,currency
BOLT,C-1,1,1.50,gbp
BOLT,C-2,1,2.50,USD
ACME,C-1,1,1.60,
CRANE,C-2,1,2.40,Swiss francs
";
    let report = s.import(catalog, Some(prices));
    let errors: Vec<(u64, &str)> = report.errors.iter().map(|e| (e.line, e.reason.as_str())).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, 3);
    assert!(errors[0].1.contains("currency USD, but GBP on line 2"), "{}", errors[0].1);
    assert_eq!(errors[1].0, 5);
    assert!(errors[1].1.contains("not a three-letter code"), "{}", errors[1].1);
    let bolt = s.login("BOLT", "buyer").await;
    let page: procure_protocol::api::PriceListPage = s.get_json(&bolt, "/price-list?limit=10").await;
    assert_eq!(page.header.currency, "GBP");
    let me: procure_protocol::api::Me = s.get_json(&bolt, "/me").await;
    assert_eq!(me.company.currency, "GBP");
    // A company the file gives no currency keeps its own.
    let acme = s.login("ACME", "buyer").await;
    let page: procure_protocol::api::PriceListPage = s.get_json(&acme, "/price-list?limit=10").await;
    assert_eq!(page.header.currency, "EUR");
}
