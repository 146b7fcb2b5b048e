//! The catalog and price list: paging, delta syncs, ETags.

use crate::helpers::*;
use procure_protocol::api::{CatalogPage, Preview, PriceListPage, codes};
use procure_shop::{self as shop};
use reqwest::StatusCode;
use std::collections::HashSet;

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
