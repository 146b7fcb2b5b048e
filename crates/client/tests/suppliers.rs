//! One workspace, two suppliers: two reference shops on loopback, a profile
//! for each, both open at once as a face would hold them. Each has its own
//! catalog, search results and baskets; neither sees the other's.

use procure_client::service::baskets::{self, Change};
use procure_client::service::catalog::Catalog;
use procure_client::service::session::{self, LoginFields};
use procure_client::service::{ErrorKind, Paths, Supplier, Workspace, sync};
use std::path::Path;

/// A part only one supplier sells, with ACME's price there.
fn only_at(prefix: &str, price: &str) -> (String, String) {
    let catalog = format!(
        "sku,name,mpn,manufacturer,gtin,category,unit,pack_size,min_qty,lead_time_days,stock,list_price\n\
         {prefix}-ONLY-1,Gear motor GM-7 only at {prefix},GM-7-{prefix},Acme Drives,,Drives,pc,1,1,5,40,120.00\n"
    );
    let prices = format!("company,sku,min_qty,unit_price\nACME,{prefix}-ONLY-1,1,{price}\n");
    (catalog, prices)
}

/// A demo-seeded reference shop, with a part of its own imported.
async fn shop(dir: &Path, name: &str, (catalog, prices): (String, String)) -> procure_shop::RunningShop {
    let db = dir.join(format!("{name}.db"));
    procure_shop::seed_demo(&db, 60).unwrap();
    let (c, p) = (dir.join(format!("{name}-catalog.csv")), dir.join(format!("{name}-prices.csv")));
    std::fs::write(&c, catalog).unwrap();
    std::fs::write(&p, prices).unwrap();
    procure_shop::import(&db, &c, Some(&p)).unwrap();
    procure_shop::spawn(db, ([127, 0, 0, 1], 0).into(), procure_shop::ShopOptions::default()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_suppliers_from_one_workspace_keep_their_catalogs_and_baskets_apart() {
    let dir = tempfile::tempdir().unwrap();
    let alpha_shop = shop(dir.path(), "alpha", only_at("A", "101.00")).await;
    let beta_shop = shop(dir.path(), "beta", only_at("B", "99.50")).await;

    let mut ws = Workspace::open(Paths::under(dir.path().join("home"))).unwrap();
    for (name, shop) in [("alpha", &alpha_shop), ("beta", &beta_shop)] {
        log_in(&mut ws, name, shop).await;
    }
    assert_eq!(ws.suppliers(), ["alpha", "beta"]);
    assert_eq!(ws.default_supplier().unwrap(), "alpha", "the first login is the default");

    // Both open at once, each synced into its own cache.
    let alpha = ws.supplier(None).unwrap();
    let beta = ws.supplier(Some("beta")).unwrap();
    assert_eq!((alpha.name(), beta.name()), ("alpha", "beta"));
    for sup in [&alpha, &beta] {
        sync::sync_supplier(sup, &mut |_| {}).await.unwrap();
    }
    let (at_alpha, at_beta) = (Catalog::open_synced(&alpha).unwrap(), Catalog::open_synced(&beta).unwrap());
    assert_eq!((at_alpha.supplier(), at_beta.supplier()), ("alpha", "beta"));

    // A search names the supplier and the currency of each row.
    let (rows, _) = at_beta.search("GM-7-B", 5, None).unwrap();
    let row = rows.iter().find(|r| r.sku == "B-ONLY-1").expect("beta sells it");
    assert_eq!((row.supplier.as_str(), row.currency.as_str()), ("beta", "EUR"));
    assert_eq!(row.unit_price, Some(rust_decimal::Decimal::new(9950, 2)), "ACME's price at beta");
    let (rows, _) = at_alpha.search("GM-7-B", 5, None).unwrap();
    assert!(rows.iter().all(|r| r.sku != "B-ONLY-1" && r.supplier == "alpha"), "alpha does not sell it: {rows:?}");
    let (rows, _) = at_alpha.search("GM-7-A", 5, None).unwrap();
    let row = rows.iter().find(|r| r.sku == "A-ONLY-1").expect("alpha sells its own");
    assert_eq!((row.supplier.as_str(), row.unit_price), ("alpha", Some(rust_decimal::Decimal::new(10100, 2))));

    // A basket of the same name at each supplier; each holds its own lines.
    let alpha_part = "A-ONLY-1".to_string();
    for sup in [&alpha, &beta] {
        baskets::create(sup, "weekly").unwrap();
    }
    baskets::change(&beta, &at_beta, "weekly", "B-ONLY-1", Change::Add(3)).unwrap();
    let (sku, _) = baskets::change(&alpha, &at_alpha, "weekly", &alpha_part, Change::Set(4)).unwrap();
    assert_eq!(sku, alpha_part);
    let lines = |sup| -> Vec<(String, u32)> {
        baskets::load(sup, "weekly").unwrap().lines.iter().map(|l| (l.sku.clone(), l.qty)).collect()
    };
    assert_eq!(lines(&alpha), [(alpha_part.clone(), 4)]);
    assert_eq!(lines(&beta), [("B-ONLY-1".to_string(), 3)]);
    let priced = baskets::priced(&beta, "weekly").unwrap();
    assert_eq!(priced.lines[0].unit_price, Some(rust_decimal::Decimal::new(9950, 2)));

    // A part one supplier does not sell does not go into its basket, and a
    // basket is never filled from the other supplier's catalog.
    let e = baskets::change(&alpha, &at_alpha, "weekly", "B-ONLY-1", Change::Add(1)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Rejected, "{e}");
    let e = baskets::change(&alpha, &at_beta, "weekly", "B-ONLY-1", Change::Add(1)).unwrap_err();
    assert!(e.to_string().contains("catalog of supplier \"beta\""), "{e}");
    assert_eq!(lines(&alpha), [(alpha_part, 4)], "nothing was added to alpha's basket");

    // Deleting one supplier's basket leaves the other's.
    baskets::delete(&alpha, "weekly").unwrap();
    assert!(baskets::list(&alpha).unwrap().is_empty());
    assert_eq!(baskets::list(&beta).unwrap().len(), 1);

    alpha_shop.shutdown().await;
    beta_shop.shutdown().await;
}

/// The service owns "today": every date check reads the workspace's clock,
/// and today is the buyer's local date. Early in the morning in Kiribati
/// (UTC+14) it is already tomorrow there while UTC is still on today: a
/// delivery wanted on UTC's today is in the past for this buyer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dates_are_checked_against_the_buyers_local_date_from_the_service_clock() {
    use procure_client::core::order::CheckoutOptions;
    use procure_client::service::{Clock, ordering, quotes};
    let dir = tempfile::tempdir().unwrap();
    let shop = shop(dir.path(), "alpha", only_at("A", "101.00")).await;
    let paths = Paths::under(dir.path().join("home"));
    let mut ws = Workspace::open(paths.clone()).unwrap();
    let given = LoginFields {
        shop: Some(format!("http://{}", shop.addr)),
        company: Some("ACME".into()),
        user: Some("buyer".into()),
        allow_insecure_http: false,
    };
    let (name, profile) = session::login_profile(&ws, None, &given).unwrap();
    let sup = session::login(&mut ws, &name, profile, "demo").await.unwrap();
    sync::sync_supplier(&sup, &mut |_| {}).await.unwrap();
    let catalog = Catalog::open_synced(&sup).unwrap();
    baskets::create(&sup, "weekly").unwrap();
    baskets::change(&sup, &catalog, "weekly", "A-ONLY-1", Change::Add(1)).unwrap();

    // Half past midnight tomorrow in UTC+14: half past ten today in UTC
    // (the session stays valid).
    let utc_today = chrono::Utc::now().date_naive();
    let day = |n: i64| utc_today + chrono::Duration::days(n);
    let at = chrono::DateTime::parse_from_rfc3339(&format!("{}T00:30:00+14:00", day(1))).unwrap();
    let ws = Workspace::open(paths).unwrap().with_clock(Clock::fixed(at));
    let sup = ws.supplier(None).unwrap();
    assert!(sup.logged_in());
    assert_eq!(sup.clock().now().date_naive(), day(0));
    assert_eq!(sup.clock().today(), day(1), "the buyer's local date, not UTC's");
    let opts = |d: chrono::NaiveDate| CheckoutOptions {
        po_number: "PO-DATE".into(),
        requested_delivery_date: Some(d),
        ..Default::default()
    };
    let e = ordering::preview(&sup, "weekly", &opts(day(0))).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Rejected);
    assert!(e.to_string().contains(&format!("{} is in the past", day(0))), "{e}");
    let e = quotes::request(&sup, "weekly", &Default::default(), Some(day(0)), None).await.unwrap_err();
    assert!(e.to_string().contains(&format!("{} is in the past", day(0))), "{e}");
    let preview = ordering::preview(&sup, "weekly", &opts(day(30))).await.unwrap();
    assert_eq!(preview.draft.requested_delivery_date, Some(day(30)));
    shop.shutdown().await;
}

/// Logs in to `shop` as ACME's buyer under profile `name`.
async fn log_in(ws: &mut Workspace, name: &str, shop: &procure_shop::RunningShop) -> Supplier {
    let given = LoginFields {
        shop: Some(format!("http://{}", shop.addr)),
        company: Some("ACME".into()),
        user: Some("buyer".into()),
        allow_insecure_http: false,
    };
    let (name, profile) = session::login_profile(ws, Some(name), &given).unwrap();
    session::login(ws, &name, profile, "demo").await.unwrap()
}

/// Logs in to `shop` as ACME's buyer under profile `name` and syncs.
async fn login_and_sync(ws: &mut Workspace, name: &str, shop: &procure_shop::RunningShop) {
    let sup = log_in(ws, name, shop).await;
    sync::sync_supplier(&sup, &mut |_| {}).await.unwrap();
}

/// One search across every supplier: one supplier's many near matches
/// (three hundred type numbers that start with the query) do not push
/// another's exact type number down, every row names its supplier and
/// currency, and a supplier never synced is named while the others answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_across_suppliers_ranks_the_exact_type_number_first_and_names_who_cannot_answer() {
    use procure_client::service::catalog::{CatalogState, Catalogs};
    use procure_client::service::search;
    let dir = tempfile::tempdir().unwrap();
    let head = "sku,name,mpn,manufacturer,gtin,category,unit,pack_size,min_qty,lead_time_days,stock,list_price\n";
    let mut many = head.to_string();
    for i in 0..300 {
        many.push_str(&format!(
            "M-{i:03},Ball screw RB-7725 variant {i},RB-7725-{i:03},Rollex,,Drives,pc,1,1,5,3,9.00\n"
        ));
    }
    let many_prices = "company,sku,min_qty,unit_price\nACME,M-001,1,8.00\n".to_string();
    let exact = format!("{head}E-1,Ball screw,RB-7725,Rollex,,Drives,pc,1,1,5,3,12.00\n");
    let exact_prices = "company,sku,min_qty,unit_price\nACME,E-1,1,11.50\n".to_string();
    let crowded = shop(dir.path(), "crowded", (many, many_prices)).await;
    let precise = shop(dir.path(), "precise", (exact, exact_prices)).await;

    let mut ws = Workspace::open(Paths::under(dir.path().join("home"))).unwrap();
    login_and_sync(&mut ws, "crowded", &crowded).await;
    login_and_sync(&mut ws, "precise", &precise).await;
    // A third supplier, written in config.toml but never synced.
    let config = dir.path().join("home/config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{text}\n[profiles.never]\nshop = \"http://127.0.0.1:9\"\ncompany = \"ACME\"\nuser = \"buyer\"\n"),
    )
    .unwrap();
    let ws = Workspace::open(Paths::under(dir.path().join("home"))).unwrap();

    let all = search::search_all(&ws, "rb7725", 20, None).unwrap();
    let first = &all.rows[0];
    assert_eq!(
        (first.supplier.as_str(), first.sku.as_str(), first.kind),
        ("precise", "E-1", "exact"),
        "{:?}",
        all.rows
    );
    assert_eq!(first.unit_price, Some(rust_decimal::Decimal::new(1150, 2)));
    assert_eq!(first.currency, "EUR");
    assert_eq!(all.rows.len(), 20);
    assert!(all.rows[1..].iter().all(|r| r.supplier == "crowded" && r.kind == "prefix"), "{:?}", all.rows);
    assert_eq!(all.total, 301);
    let states: Vec<(&str, CatalogState)> = all.suppliers.iter().map(|s| (s.supplier.as_str(), s.state)).collect();
    assert_eq!(
        states,
        [("crowded", CatalogState::Ready), ("never", CatalogState::Missing), ("precise", CatalogState::Ready)]
    );
    assert!(all.suppliers[1].note.as_deref().unwrap_or("").contains("never synced"), "{:?}", all.suppliers);
    assert!(!dir.path().join("home/cache/never").exists(), "a search creates nothing for a supplier never synced");
    assert_eq!(all.suppliers[0].parts - 300, all.suppliers[2].parts - 1, "both have the demo parts and their own");

    // The same from catalogs kept open (as the app keeps them).
    let open = Catalogs::open(&ws);
    assert_eq!(open.catalogs().len(), 2);
    let (rows, total) = open.search("rb7725", 20, Some(10)).unwrap();
    assert_eq!((rows[0].supplier.as_str(), rows[0].sku.as_str(), rows[0].quantity), ("precise", "E-1", 10));
    assert_eq!(total, 301);
    assert_eq!(rows.iter().map(|r| &r.sku).collect::<Vec<_>>(), all.rows.iter().map(|r| &r.sku).collect::<Vec<_>>());

    // Long unsynced: named stale, and still answers.
    let later = chrono::Utc::now() + chrono::Duration::days(30);
    let ws = Workspace::open(Paths::under(dir.path().join("home")))
        .unwrap()
        .with_clock(procure_client::service::Clock::fixed(later.fixed_offset()));
    let all = search::search_all(&ws, "rb7725", 5, None).unwrap();
    assert_eq!(all.rows[0].sku, "E-1");
    assert_eq!(all.suppliers[0].state, CatalogState::Stale);
    assert!(all.suppliers[0].note.as_deref().unwrap_or("").contains("30 days ago"), "{:?}", all.suppliers);
    crowded.shutdown().await;
    precise.shutdown().await;
}

/// The catalogs of every supplier, held open as the app holds them, answer
/// from each cache's sync now: a part another process's sync just added is
/// found by the next search of all suppliers (the index kept from the
/// search before is of the sync before).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_of_all_suppliers_reads_the_index_of_the_newest_sync() {
    use procure_client::service::catalog::Catalogs;
    let dir = tempfile::tempdir().unwrap();
    let alpha_shop = shop(dir.path(), "alpha", only_at("A", "101.00")).await;
    let beta_shop = shop(dir.path(), "beta", only_at("B", "99.50")).await;
    let mut ws = Workspace::open(Paths::under(dir.path().join("home"))).unwrap();
    for (name, shop) in [("alpha", &alpha_shop), ("beta", &beta_shop)] {
        login_and_sync(&mut ws, name, shop).await;
    }
    let all = Catalogs::open(&ws);
    let (rows, _) = all.search("GM-9-NEW", 5, None).unwrap();
    assert!(rows.iter().all(|r| r.sku != "B-NEW-9"), "not sold yet: {rows:?}");

    // Beta adds a part; a sync of its own (as another process's) takes it in.
    let (catalog, prices) = only_at("B", "99.50");
    let catalog = format!("{catalog}B-NEW-9,Gear motor GM-9-NEW,GM-9-NEW,Acme Drives,,Drives,pc,1,1,5,40,80.00\n");
    let (c, p) = (dir.path().join("beta-new.csv"), dir.path().join("beta-new-prices.csv"));
    std::fs::write(&c, catalog).unwrap();
    std::fs::write(&p, format!("{prices}ACME,B-NEW-9,1,77.00\n")).unwrap();
    procure_shop::import(&dir.path().join("beta.db"), &c, Some(&p)).unwrap();
    sync::sync_supplier(&ws.supplier(Some("beta")).unwrap(), &mut |_| {}).await.unwrap();

    let (rows, _) = all.search("GM-9-NEW", 5, None).unwrap();
    let row = rows.iter().find(|r| r.sku == "B-NEW-9").unwrap_or_else(|| panic!("found after the sync: {rows:?}"));
    assert_eq!((row.supplier.as_str(), row.unit_price), ("beta", Some(rust_decimal::Decimal::new(7700, 2))));
}
