//! The supplier's side of an order once it is placed: confirming it with a
//! promised date per line, shipping it (in parts, with the documents that
//! travel with the goods), and the demo supplier that plays it all out by
//! itself (`auto_fulfil`). Every change bumps the order's change seq, so a
//! client syncing its order history gets the whole order again.

use super::db;
use super::error::ShopError;
use super::orders;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use procure_protocol::api::{
    API_PREFIX, Document, DocumentKind, Order, OrderStatus, Product, Shipment, ShipmentDocument, ShipmentLine, codes,
};
use procure_protocol::limits;
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use std::collections::BTreeMap;

/// The largest document a shipment may carry.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;
/// The longest carrier name, tracking code or file name, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// An order as the supplier finds it by number, of whichever company.
pub(crate) struct Stored {
    pub id: i64,
    pub company_id: i64,
    pub order: Order,
}

pub(crate) fn load(conn: &Connection, number: &str) -> Result<Stored, ShopError> {
    let row: Option<(i64, i64, String)> = conn
        .query_row("SELECT id, company_id, data FROM orders WHERE number = ?1", [number.trim()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    match row {
        Some((id, company_id, data)) => Ok(Stored { id, company_id, order: serde_json::from_str(&data)? }),
        None => Err(ShopError::NotFound(format!("no order {:?}", number.trim()))),
    }
}

/// A short text the supplier gives (a carrier, a tracking code, a reason):
/// trimmed, `None` when empty, refused with control characters (other
/// than line breaks where `lines`) or beyond `max` characters.
pub(crate) fn text(what: &str, value: Option<&str>, max: usize, lines: bool) -> Result<Option<String>, ShopError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    if v.chars().any(|c| c.is_control() && !(lines && c == '\n')) {
        return Err(ShopError::InvalidRequest(format!("the {what} has a control character")));
    }
    let n = v.chars().count();
    if n > max {
        return Err(ShopError::InvalidRequest(format!("the {what} has {n} characters; the most is {max}")));
    }
    Ok(Some(v.to_string()))
}

fn not_open(order: &Order, doing: &str) -> ShopError {
    let n = &order.number;
    let message = match order.status {
        OrderStatus::PendingApproval => {
            format!("order {n} waits for an approver; it can be {doing} once it is approved")
        }
        OrderStatus::Placed => format!("order {n} is not confirmed yet: confirm it first (order confirm {n})"),
        OrderStatus::Cancelled | OrderStatus::Rejected => format!("order {n} was cancelled"),
        OrderStatus::Confirmed | OrderStatus::PartlyShipped => match order.confirmed_at {
            Some(at) => format!("order {n} was confirmed on {} already", at.date_naive()),
            None => format!("order {n} is {} already", order.status.as_str()),
        },
        other => format!("order {n} is {}", other.as_str()),
    };
    ShopError::Conflict { code: codes::ORDER_NOT_OPEN, message }
}

fn not_on_order(sku: &str, order: &Order) -> ShopError {
    let skus: Vec<&str> = order.lines.iter().map(|l| l.sku.as_str()).collect();
    ShopError::Refused {
        code: codes::UNKNOWN_SKU,
        message: format!("{sku} is not on order {} (its lines: {})", order.number, skus.join(", ")),
    }
}

/// A part as the shop lists it, also one removed since (for its stock and lead time).
fn product(conn: &Connection, sku: &str) -> Result<Option<Product>, ShopError> {
    let data: Option<String> =
        conn.prepare_cached("SELECT data FROM products WHERE sku = ?1")?.query_row([sku], |r| r.get(0)).optional()?;
    Ok(data.as_deref().map(serde_json::from_str).transpose()?)
}

/// The date a line is promised for without a date of the supplier's own:
/// the earliest delivery of that line alone (stock, lead time, working
/// days: `orders::earliest_delivery`), or the requested date when that is
/// later — the supplier delivers on time, not early.
pub fn default_promise(
    today: NaiveDate,
    requested: Option<NaiveDate>,
    stock: u32,
    quantity: u32,
    lead: u32,
) -> NaiveDate {
    let earliest = orders::earliest_delivery(today, &[(stock, quantity, lead)]);
    match requested {
        Some(r) if r > earliest => r,
        _ => earliest,
    }
}

/// Confirms a placed order: every line gets its promised date, from
/// `promises` (SKU → date) or else `default_promise`.
pub fn confirm(
    conn: &mut Connection,
    number: &str,
    promises: &[(String, NaiveDate)],
    now: DateTime<Utc>,
) -> Result<Order, ShopError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let order = confirm_in(&tx, number, promises, now)?;
    tx.commit()?;
    tracing::info!(order = %order.number, "order confirmed");
    Ok(order)
}

pub(crate) fn confirm_in(
    tx: &Transaction<'_>,
    number: &str,
    promises: &[(String, NaiveDate)],
    now: DateTime<Utc>,
) -> Result<Order, ShopError> {
    let Stored { id, mut order, .. } = load(tx, number)?;
    if order.status != OrderStatus::Placed {
        return Err(not_open(&order, "confirmed"));
    }
    let today = now.date_naive();
    let latest = today + Duration::days(i64::from(limits::MAX_LEAD_TIME_DAYS));
    let mut given: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for (sku, date) in promises {
        let sku = sku.trim();
        if !order.lines.iter().any(|l| l.sku == sku) {
            return Err(not_on_order(sku, &order));
        }
        if *date < today {
            return Err(ShopError::InvalidRequest(format!("the promised date {date} of {sku} is in the past")));
        }
        if *date > latest {
            return Err(ShopError::InvalidRequest(format!(
                "the promised date {date} of {sku} is more than {} days ahead",
                limits::MAX_LEAD_TIME_DAYS
            )));
        }
        if given.insert(sku, *date).is_some() {
            return Err(ShopError::InvalidRequest(format!("{sku} is promised twice")));
        }
    }
    for line in &mut order.lines {
        let date = match given.get(line.sku.as_str()) {
            Some(d) => *d,
            None => {
                let (stock, lead) = product(tx, &line.sku)?.map_or((0, 0), |p| (p.stock, p.lead_time_days));
                default_promise(today, order.requested_delivery_date, stock, line.quantity, lead)
            }
        };
        line.promised_delivery = Some(date);
    }
    order.status = OrderStatus::Confirmed;
    order.confirmed_at = Some(now);
    orders::save(tx, id, &order, db::next_seq(tx)?)?;
    Ok(order)
}

/// A document to ship with one line's goods: a file's name and content.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub sku: String,
    pub file_name: String,
    pub content: Vec<u8>,
}

/// What one shipment holds: quantities per SKU (none: everything open),
/// the carrier and tracking code, documents.
#[derive(Debug, Clone, Default)]
pub struct Shipping {
    pub lines: Vec<(String, u32)>,
    pub carrier: Option<String>,
    pub tracking: Option<String>,
    pub documents: Vec<NewDocument>,
}

/// The content type of a document by its file name's extension.
pub fn content_type(file_name: &str) -> &'static str {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "json" => "application/json",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "zip" => "application/zip",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "application/octet-stream",
    }
}

/// The URL path a document is served at.
pub fn document_path(id: &str) -> String {
    format!("{API_PREFIX}/documents/{id}")
}

/// Ships part or all of a confirmed order: the given quantities per SKU,
/// or everything still open. More than is open of a line, a SKU not on the
/// order, a document for a line this shipment does not ship: refused, and
/// nothing changes.
pub fn ship(conn: &mut Connection, number: &str, shipping: Shipping, now: DateTime<Utc>) -> Result<Order, ShopError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let order = ship_in(&tx, number, shipping, now)?;
    tx.commit()?;
    tracing::info!(order = %order.number, status = order.status.as_str(), "order shipped");
    Ok(order)
}

pub(crate) fn ship_in(
    tx: &Transaction<'_>,
    number: &str,
    shipping: Shipping,
    now: DateTime<Utc>,
) -> Result<Order, ShopError> {
    let Stored { id, company_id, mut order } = load(tx, number)?;
    match order.status {
        OrderStatus::Confirmed | OrderStatus::PartlyShipped => {}
        OrderStatus::Shipped => {
            return Err(ShopError::Conflict {
                code: codes::NOTHING_OPEN,
                message: format!("order {} is shipped in full; nothing is left to ship", order.number),
            });
        }
        _ => return Err(not_open(&order, "shipped")),
    }
    let carrier = text("carrier", shipping.carrier.as_deref(), MAX_TEXT_CHARS, false)?;
    let tracking = text("tracking code", shipping.tracking.as_deref(), MAX_TEXT_CHARS, false)?;
    // Quantities per line: what was asked for per SKU, spread over the
    // lines of that SKU in order; or all that is open.
    let mut now_qty = vec![0u32; order.lines.len()];
    if shipping.lines.is_empty() {
        for (q, l) in now_qty.iter_mut().zip(&order.lines) {
            *q = l.quantity.saturating_sub(l.shipped);
        }
    } else {
        let mut asked: BTreeMap<&str, u32> = BTreeMap::new();
        for (sku, qty) in &shipping.lines {
            let sku = sku.trim();
            if !order.lines.iter().any(|l| l.sku == sku) {
                return Err(not_on_order(sku, &order));
            }
            if *qty == 0 || *qty > limits::MAX_QUANTITY {
                return Err(ShopError::InvalidRequest(format!(
                    "the quantity of {sku} is {qty}; ship 1 to {} units",
                    limits::MAX_QUANTITY
                )));
            }
            if asked.insert(sku, *qty).is_some() {
                return Err(ShopError::InvalidRequest(format!("{sku} is named twice")));
            }
        }
        for (sku, qty) in asked {
            let (ordered, shipped) = order
                .lines
                .iter()
                .filter(|l| l.sku == sku)
                .fold((0u64, 0u64), |(o, s), l| (o + u64::from(l.quantity), s + u64::from(l.shipped)));
            let open = ordered.saturating_sub(shipped);
            if u64::from(qty) > open {
                return Err(ShopError::Refused {
                    code: codes::EXCEEDS_OPEN,
                    message: format!(
                        "cannot ship {qty} of {sku} on order {}: {open} open (ordered {ordered}, shipped {shipped})",
                        order.number
                    ),
                });
            }
            let mut left = qty;
            for (q, l) in now_qty.iter_mut().zip(&order.lines).filter(|(_, l)| l.sku == sku) {
                let take = left.min(l.quantity.saturating_sub(l.shipped));
                *q = take;
                left -= take;
            }
        }
    }
    if now_qty.iter().all(|q| *q == 0) {
        return Err(ShopError::Conflict {
            code: codes::NOTHING_OPEN,
            message: format!("nothing is left to ship on order {}", order.number),
        });
    }
    let shipped_skus: Vec<&str> =
        order.lines.iter().zip(&now_qty).filter(|(_, q)| **q > 0).map(|(l, _)| l.sku.as_str()).collect();
    let mut documents = Vec::new();
    let mut stored_docs = Vec::new();
    for d in &shipping.documents {
        let sku = d.sku.trim();
        if !order.lines.iter().any(|l| l.sku == sku) {
            return Err(not_on_order(sku, &order));
        }
        if !shipped_skus.contains(&sku) {
            return Err(ShopError::InvalidRequest(format!(
                "a document for {sku}, which this shipment does not ship (it ships {})",
                shipped_skus.join(", ")
            )));
        }
        let name = std::path::Path::new(d.file_name.trim())
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let name = text("document's file name", Some(&name), MAX_TEXT_CHARS, false)?
            .ok_or_else(|| ShopError::InvalidRequest(format!("the document for {sku} has no file name")))?;
        if d.content.is_empty() {
            return Err(ShopError::InvalidRequest(format!("the document {name} for {sku} is empty")));
        }
        if d.content.len() > MAX_DOCUMENT_BYTES {
            return Err(ShopError::InvalidRequest(format!(
                "the document {name} for {sku} has {} bytes; the most is {MAX_DOCUMENT_BYTES} (10 MiB)",
                d.content.len()
            )));
        }
        let doc_id = hex::encode(super::auth::random_bytes::<16>()?);
        documents.push(ShipmentDocument {
            sku: sku.to_string(),
            document: Document { kind: DocumentKind::Certificate, title: name.clone(), url: document_path(&doc_id) },
        });
        stored_docs.push((doc_id, name, &d.content));
    }
    let n = order.shipments.len() + 1;
    let shipment_number = match order.number.strip_prefix("SO-") {
        Some(rest) => format!("DN-{rest}-{n}"),
        None => format!("DN-{}-{n}", order.number),
    };
    let mut lines = Vec::new();
    for (i, (l, q)) in order.lines.iter_mut().zip(&now_qty).enumerate() {
        if *q > 0 {
            l.shipped += q;
            lines.push(ShipmentLine {
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                sku: l.sku.clone(),
                quantity: *q,
            });
        }
    }
    order.shipments.push(Shipment {
        number: shipment_number,
        date: now.date_naive(),
        carrier,
        tracking,
        lines,
        documents,
    });
    order.status = if order.lines.iter().all(|l| l.shipped >= l.quantity) {
        OrderStatus::Shipped
    } else {
        OrderStatus::PartlyShipped
    };
    for (doc_id, name, content) in stored_docs {
        tx.execute(
            "INSERT INTO documents (id, company_id, order_id, file_name, content_type, content)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![doc_id, company_id, id, name, content_type(&name), content],
        )?;
    }
    orders::save(tx, id, &order, db::next_seq(tx)?)?;
    Ok(order)
}

/// A document as stored, for `GET /api/v1/documents/{id}`.
pub struct StoredDocument {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

/// A document of the company's shipments; another company's is answered
/// exactly like a missing one.
pub fn document(conn: &Connection, company_id: i64, id: &str) -> Result<StoredDocument, ShopError> {
    conn.query_row(
        "SELECT file_name, content_type, content FROM documents WHERE id = ?1 AND company_id = ?2",
        params![id, company_id],
        |r| Ok(StoredDocument { file_name: r.get(0)?, content_type: r.get(1)?, content: r.get(2)? }),
    )
    .optional()?
    .ok_or_else(|| ShopError::NotFound(format!("no document {id:?}")))
}

/// `n` working days (Monday to Friday) after `day`.
fn working_days_after(day: NaiveDate, n: u32) -> NaiveDate {
    let mut d = day;
    for _ in 0..n {
        d += Duration::days(1);
        while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            d += Duration::days(1);
        }
    }
    d
}

/// How much later than its usual date the demo supplier promises the last
/// line of an order (its backorder).
pub const DEMO_BACKORDER_WORKING_DAYS: u32 = 5;

/// The demo supplier's backorder of an order: its last line, when it has two or more.
fn backorder_line(order: &Order) -> Option<usize> {
    (order.lines.len() >= 2).then(|| order.lines.len() - 1)
}

/// The demo supplier at work (`ShopOptions::auto_fulfil`), so the demo
/// shows every state of an order after it is placed. Every `period`:
///
/// - a placed order older than `period` is confirmed; each line is promised
///   its usual date (`default_promise`), except the last line of an order
///   of two or more, which is promised `DEMO_BACKORDER_WORKING_DAYS`
///   working days later — later than requested;
/// - `period` after the confirmation the first shipment leaves: every line
///   but that last one, and of the first line of two units or more only
///   half (a partial shipment);
/// - `period` later again, the rest of that line;
/// - the last line (the backorder) ships on its promised date;
/// - each shipment is invoiced as it leaves.
///
/// Returns how many orders it changed.
pub fn auto_fulfil(conn: &mut Connection, period: chrono::Duration, now: DateTime<Utc>) -> Result<usize, ShopError> {
    let candidates: Vec<(String, String)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT number, data FROM orders WHERE status IN ('placed', 'confirmed', 'partly_shipped') ORDER BY id",
        )?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?
    };
    let mut changed = 0;
    for (number, data) in candidates {
        let order: Order = serde_json::from_str(&data)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        match play(&tx, &order, period, now) {
            Ok(true) => {
                tx.commit()?;
                changed += 1;
                tracing::info!(order = %number, "the demo supplier moved an order on");
            }
            Ok(false) => {}
            // One order that cannot move on does not hold up the others.
            Err(e) => tracing::warn!(order = %number, "the demo supplier cannot move the order on: {e}"),
        }
    }
    Ok(changed)
}

/// The demo supplier's next step on one order, if it is due (`auto_fulfil`).
fn play(tx: &Transaction<'_>, order: &Order, period: chrono::Duration, now: DateTime<Utc>) -> Result<bool, ShopError> {
    let today = now.date_naive();
    let number = order.number.as_str();
    match order.status {
        OrderStatus::Placed if order.created_at + period <= now => {
            let mut promises = Vec::new();
            if let Some(last) = backorder_line(order) {
                let l = &order.lines[last];
                let (stock, lead) = product(tx, &l.sku)?.map_or((0, 0), |p| (p.stock, p.lead_time_days));
                let usual = default_promise(today, order.requested_delivery_date, stock, l.quantity, lead);
                promises.push((l.sku.clone(), working_days_after(usual, DEMO_BACKORDER_WORKING_DAYS)));
            }
            confirm_in(tx, number, &promises, now)?;
            Ok(true)
        }
        OrderStatus::Confirmed | OrderStatus::PartlyShipped => {
            let stage = order.shipments.len();
            let due = order.confirmed_at.map(|at| at + period * i32::try_from(stage + 1).unwrap_or(i32::MAX));
            let backorder = backorder_line(order);
            let mut lines = Vec::new();
            if stage < 2 && due.is_some_and(|d| d <= now) {
                let mut halved = stage > 0;
                for (i, l) in order.lines.iter().enumerate() {
                    let open = l.quantity.saturating_sub(l.shipped);
                    if open == 0 || Some(i) == backorder {
                        continue;
                    }
                    let qty = if !halved && open >= 2 {
                        halved = true;
                        open / 2
                    } else {
                        open
                    };
                    lines.push((l.sku.clone(), qty));
                }
            }
            if let Some(b) = backorder {
                let l = &order.lines[b];
                let open = l.quantity.saturating_sub(l.shipped);
                // Only once the first shipment is out: a backorder follows.
                if open > 0 && stage > 0 && l.promised_delivery.is_some_and(|p| p <= today) {
                    lines.push((l.sku.clone(), open));
                }
            }
            // A SKU on several lines is shipped once with their sum.
            let mut merged: BTreeMap<String, u32> = BTreeMap::new();
            for (sku, q) in lines {
                *merged.entry(sku).or_default() += q;
            }
            if merged.is_empty() {
                return Ok(false);
            }
            let shipping = Shipping {
                lines: merged.into_iter().collect(),
                carrier: Some("DHL Freight".into()),
                tracking: Some(format!("JJD{:010}", now.timestamp() % 10_000_000_000)),
                documents: vec![],
            };
            ship_in(tx, number, shipping, now)?;
            super::invoices::issue_in(tx, number, &BTreeMap::new(), now)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_line_is_promised_when_it_can_come_but_not_before_it_is_wanted() {
        // Friday; in stock: Monday.
        assert_eq!(default_promise(day("2026-11-27"), None, 10, 5, 20), day("2026-11-30"));
        // Wanted later: then.
        assert_eq!(default_promise(day("2026-11-27"), Some(day("2026-12-10")), 10, 5, 20), day("2026-12-10"));
        // Not in stock: the lead time, however early it is wanted.
        assert_eq!(default_promise(day("2026-11-24"), Some(day("2026-11-25")), 0, 5, 8), day("2026-12-02"));
    }

    #[test]
    fn working_days_skip_weekends() {
        assert_eq!(working_days_after(day("2026-11-27"), 1), day("2026-11-30"));
        assert_eq!(working_days_after(day("2026-11-24"), 5), day("2026-12-01"));
    }

    #[test]
    fn content_types_follow_the_file_name() {
        assert_eq!(content_type("3.1 certificate.PDF"), "application/pdf");
        assert_eq!(content_type("notes.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("scan.jpeg"), "image/jpeg");
        assert_eq!(content_type("no-extension"), "application/octet-stream");
    }
}
