//! The demo data the shop seeds.

use crate::helpers::*;
use procure_protocol::api::{Order, OrderList, OrderedSkus};
use procure_shop::{self as shop};
use std::path::Path;

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
