//! The order history of a supplier: its orders as the shop lists them
//! (found by status, PO number and date), one order with its lines, and the
//! list last seen for when the shop cannot be reached.

use super::seen::{self, Seen};
use super::{Result, Supplier};
use crate::api::{Order, OrderStatus, OrderSummary};
use chrono::{NaiveDate, Utc};
use serde::Serialize;

/// Which orders to list; every field narrows, `Default` lists all.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    /// Part of the PO number, case ignored.
    pub po: Option<String>,
    /// Placed on or after this day (UTC, as the shop dates orders).
    pub since: Option<NaiveDate>,
}

impl OrderFilter {
    pub fn matches(&self, o: &OrderSummary) -> bool {
        self.status.is_none_or(|s| o.status == s)
            && self.po.as_deref().is_none_or(|p| o.po_number.to_lowercase().contains(&p.to_lowercase()))
            && self.since.is_none_or(|d| o.created_at.date_naive() >= d)
    }
}

/// Order states by their names on the wire (`placed`, `pending_approval`, …).
pub const STATUSES: [OrderStatus; 11] = [
    OrderStatus::Placed,
    OrderStatus::PendingApproval,
    OrderStatus::Confirmed,
    OrderStatus::Shipped,
    OrderStatus::Delivered,
    OrderStatus::Cancelled,
    // From a Peppol supplier's documents.
    OrderStatus::Sent,
    OrderStatus::Accepted,
    OrderStatus::AcceptedWithChanges,
    OrderStatus::Rejected,
    OrderStatus::PartlyShipped,
];

pub fn parse_status(text: &str) -> std::result::Result<OrderStatus, String> {
    let t = text.trim().to_lowercase().replace('-', "_");
    STATUSES.into_iter().find(|s| s.as_str() == t).ok_or_else(|| {
        let names: Vec<&str> = STATUSES.iter().map(|s| s.as_str()).collect();
        format!("{text:?} is not an order status; one of {}", names.join(", "))
    })
}

/// The company's orders that match, newest first, at most `limit`. Pages
/// only as far as needed: the shop lists newest first, so paging stops at
/// the first order older than `since`.
pub async fn orders(sup: &Supplier, limit: usize, filter: &OrderFilter) -> Result<Vec<OrderSummary>> {
    sup.require_login()?;
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = sup.backend.orders(cursor.as_deref()).await?;
        let mut older = false;
        for o in page.items {
            if filter.since.is_some_and(|d| o.created_at.date_naive() < d) {
                older = true;
                continue;
            }
            if filter.matches(&o) {
                out.push(o);
            }
        }
        match page.next_cursor {
            Some(c) if out.len() < limit && !older => cursor = Some(c),
            _ => break,
        }
    }
    out.truncate(limit);
    Ok(out)
}

/// The newest orders, from the shop or, when it cannot be reached, as last seen.
#[derive(Debug, Clone, Serialize)]
pub struct History {
    /// The supplier whose orders these are.
    pub supplier: String,
    pub orders: Vec<OrderSummary>,
    /// Set when the shop was unreachable: the list is the one seen then.
    pub cached_at: Option<chrono::DateTime<Utc>>,
}

/// The newest `limit` orders; each answer of the shop is kept, and shown
/// (marked as such) while the shop cannot be reached (as `orders_or_seen`).
pub async fn latest(sup: &Supplier, limit: usize) -> Result<History> {
    let seen = orders_or_seen(sup, limit, &OrderFilter::default()).await?;
    Ok(History { supplier: sup.name().to_string(), orders: seen.value, cached_at: seen.offline.then_some(seen.as_of) })
}

/// One order with its lines and the supplier's answers.
pub async fn order(sup: &Supplier, number: &str) -> Result<Order> {
    sup.require_login()?;
    Ok(sup.backend.order(number).await?)
}

/// How many orders are kept for offline use.
const KEEP_ORDERS: usize = 1000;

/// The orders that match, as `orders` lists them; without the shop, from
/// every order seen so far (`Seen::offline`), newest first.
pub async fn orders_or_seen(sup: &Supplier, limit: usize, filter: &OrderFilter) -> Result<Seen<Vec<OrderSummary>>> {
    match orders(sup, limit, filter).await {
        Ok(list) => {
            // Merged into what was seen before, by number.
            let mut all = seen::recall::<Vec<OrderSummary>>(sup, "orders").map(|(_, v)| v).unwrap_or_default();
            all.retain(|o| !list.iter().any(|n| n.number == o.number));
            all.extend(list.iter().cloned());
            all.sort_by_key(|o| std::cmp::Reverse(o.created_at));
            all.truncate(KEEP_ORDERS);
            seen::remember(sup, "orders", &all);
            Ok(Seen { value: list, as_of: sup.clock.now(), offline: false })
        }
        Err(e) if e.kind() == super::ErrorKind::Unreachable => {
            let Some((as_of, mut all)) = seen::recall::<Vec<OrderSummary>>(sup, "orders") else { return Err(e) };
            all.retain(|o| filter.matches(o));
            all.truncate(limit);
            Ok(Seen { value: all, as_of, offline: true })
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Totals;
    use chrono::{TimeZone, Utc};
    use rust_decimal::Decimal;

    fn order(status: OrderStatus, po: &str, day: u32) -> OrderSummary {
        OrderSummary {
            number: format!("SO-{day}"),
            status,
            created_at: Utc.with_ymd_and_hms(2026, 11, day, 23, 30, 0).unwrap(),
            po_number: po.into(),
            placed_by: "buyer".into(),
            line_count: 1,
            totals: Totals {
                currency: "EUR".into(),
                net: Decimal::ONE,
                shipping: Decimal::ZERO,
                vat: Decimal::ZERO,
                gross: Decimal::ONE,
            },
        }
    }

    #[test]
    fn each_field_narrows() {
        let o = order(OrderStatus::Shipped, "PO-2026-4711", 10);
        assert!(OrderFilter::default().matches(&o));
        assert!(OrderFilter { status: Some(OrderStatus::Shipped), ..Default::default() }.matches(&o));
        assert!(!OrderFilter { status: Some(OrderStatus::Placed), ..Default::default() }.matches(&o));
        assert!(OrderFilter { po: Some("po-2026".into()), ..Default::default() }.matches(&o), "case ignored");
        assert!(!OrderFilter { po: Some("4712".into()), ..Default::default() }.matches(&o));
        let since = |d| OrderFilter { since: NaiveDate::from_ymd_opt(2026, 11, d), ..Default::default() };
        assert!(since(10).matches(&o), "the same day counts");
        assert!(!since(11).matches(&o));
    }

    #[test]
    fn statuses_by_their_wire_names() {
        assert_eq!(parse_status("pending_approval"), Ok(OrderStatus::PendingApproval));
        assert_eq!(parse_status("Pending-Approval"), Ok(OrderStatus::PendingApproval));
        let e = parse_status("lost").unwrap_err();
        assert!(e.contains("placed, pending_approval"), "{e}");
    }
}
