//! Quote requests: requested → offered (the supplier's unit prices, valid
//! until a date) → accepted (an order at the offered prices) or declined;
//! an offer past its date is expired and cannot be accepted.

use super::company::{self, VisibleProduct};
use super::error::ShopError;
use super::orders::{self, Agreed};
use chrono::{DateTime, NaiveDate, Utc};
use procure_protocol::api::{
    AcceptQuote, AcceptedQuote, DraftLine, LineError, OrderDraft, Quote, QuoteLine, QuoteList, QuoteMessage,
    QuoteRequest, QuoteStatus, QuoteSummary, Totals, codes,
};
use procure_protocol::quantity::QuantityRules;
use procure_protocol::{limits, money};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;

pub enum Created {
    New(Quote),
    Replayed(Quote),
}

/// An offered quote past its validity is expired (persisted on read).
fn expire(conn: &Connection, id: i64, mut q: Quote, today: NaiveDate) -> Result<Quote, ShopError> {
    if q.status == QuoteStatus::Offered && q.valid_until.is_some_and(|d| d < today) {
        q.status = QuoteStatus::Expired;
        conn.execute("UPDATE quotes SET data = ?1 WHERE id = ?2", params![serde_json::to_string(&q)?, id])?;
    }
    Ok(q)
}

/// A stored quote: its row id, company id and content.
struct Stored {
    id: i64,
    company_id: i64,
    quote: Quote,
}

fn load(conn: &Connection, company_id: Option<i64>, number: &str) -> Result<Stored, ShopError> {
    let row: Option<(i64, i64, i64, String)> = conn
        .query_row("SELECT id, company_id, user_id, data FROM quotes WHERE number = ?1", [number], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    match row {
        // Another company's quote is answered exactly like a missing one.
        Some((id, c, _, data)) if company_id.is_none_or(|want| want == c) => {
            Ok(Stored { id, company_id: c, quote: serde_json::from_str(&data)? })
        }
        _ => Err(ShopError::NotFound(format!("no quote {number:?}"))),
    }
}

fn save(conn: &Connection, id: i64, q: &Quote) -> Result<(), ShopError> {
    conn.execute("UPDATE quotes SET data = ?1 WHERE id = ?2", params![serde_json::to_string(q)?, id])?;
    Ok(())
}

/// Records a request once per idempotency key, like orders.
pub fn create(
    conn: &mut Connection,
    company_id: i64,
    user_id: i64,
    key: &str,
    request: &QuoteRequest,
    now: DateTime<Utc>,
) -> Result<Created, ShopError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let earlier: Option<(String, i64)> = tx
        .query_row(
            "SELECT request, quote_id FROM quote_keys WHERE company_id = ?1 AND key = ?2",
            params![company_id, key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((first, quote_id)) = earlier {
        let first: QuoteRequest = serde_json::from_str(&first)?;
        let data: String = tx.query_row("SELECT data FROM quotes WHERE id = ?1", [quote_id], |r| r.get(0))?;
        let quote: Quote = serde_json::from_str(&data)?;
        if &first == request {
            return Ok(Created::Replayed(quote));
        }
        return Err(ShopError::IdempotencyMismatch(format!(
            "this Idempotency-Key was already used for quote {} with different content",
            quote.number
        )));
    }
    if request.lines.is_empty() {
        return Err(ShopError::invalid_order("a quote request needs at least one line"));
    }
    if request.lines.len() > orders::MAX_LINES {
        return Err(ShopError::invalid_order(format!("a quote request has at most {} lines", orders::MAX_LINES)));
    }
    let discounts = company::discounts(&tx, company_id)?;
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (i, l) in request.lines.iter().enumerate() {
        let err = |code: &str, message: String, suggested: Option<u32>| LineError {
            line: i,
            sku: l.sku.clone(),
            code: code.into(),
            message,
            current_unit_price: None,
            suggested_quantity: suggested,
        };
        let Some(VisibleProduct { product, tiers, .. }) =
            company::visible_product(&tx, company_id, &l.sku, &discounts)?
        else {
            errors.push(err(codes::UNKNOWN_SKU, format!("unknown part number {:?}", l.sku), None));
            continue;
        };
        if product.discontinued {
            let successor = match product.replaced_by.as_deref() {
                Some(s) => company::visible_product(&tx, company_id, s, &discounts)?.map(|v| v.product),
                None => None,
            };
            let message = match successor {
                Some(s) => format!("{} is discontinued; ask for its successor {} ({})", product.sku, s.sku, s.name),
                None => format!("{} is discontinued", product.sku),
            };
            errors.push(err(codes::DISCONTINUED, message, None));
            continue;
        }
        if let Err(e) = QuantityRules::of(&product, &tiers).check(l.quantity) {
            errors.push(err(codes::INVALID_QUANTITY, e.to_string(), Some(e.suggested)));
            continue;
        }
        if l.target_unit_price.is_some_and(|p| p <= Decimal::ZERO) {
            errors.push(err(codes::INVALID_REQUEST, "a target price must be above zero".into(), None));
            continue;
        }
        if let Some(Err(why)) = l.target_unit_price.map(limits::check_unit_price) {
            errors.push(err(codes::AMOUNT_TOO_LARGE, format!("target {why}"), None));
            continue;
        }
        if let Some(Err(why)) = l.target_unit_price.map(limits::check_list_price) {
            errors.push(err(codes::INVALID_REQUEST, format!("target {why}"), None));
            continue;
        }
        lines.push(QuoteLine {
            sku: product.sku.clone(),
            name: product.name.clone(),
            quantity: l.quantity,
            target_unit_price: l.target_unit_price,
            offered_unit_price: None,
            list_unit_price: money::unit_price_for(&tiers, l.quantity),
            note: l.note.as_ref().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
        });
    }
    if !errors.is_empty() {
        let message =
            errors.iter().map(|e| format!("line {} ({}): {}", e.line + 1, e.sku, e.message)).collect::<Vec<_>>();
        return Err(ShopError::InvalidOrder { message: message.join("; "), details: errors });
    }
    let user = company::user(&tx, user_id)?;
    let id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM quotes", [], |r| r.get(0))?;
    let comment = request.comment.as_ref().map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    let mut messages = Vec::new();
    if let Some(c) = &comment {
        messages.push(QuoteMessage { at: now, side: "buyer".into(), author: user.username.clone(), text: c.clone() });
    }
    let quote = Quote {
        number: orders::company_number(&tx, "Q", "quotes", company_id)?,
        status: QuoteStatus::Requested,
        created_at: now,
        requested_by: user.username,
        lines,
        requested_delivery_date: request.requested_delivery_date,
        comment,
        valid_until: None,
        offer_totals: None,
        order_number: None,
        messages,
    };
    tx.execute(
        "INSERT INTO quotes (id, company_id, number, user_id, data, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, company_id, quote.number, user_id, serde_json::to_string(&quote)?, now.timestamp()],
    )?;
    tx.execute(
        "INSERT INTO quote_keys (company_id, key, request, quote_id) VALUES (?1, ?2, ?3, ?4)",
        params![company_id, key, serde_json::to_string(request)?, id],
    )?;
    tx.commit()?;
    tracing::info!(quote = %quote.number, company_id, "quote requested");
    Ok(Created::New(quote))
}

pub fn get(conn: &Connection, company_id: i64, number: &str, today: NaiveDate) -> Result<Quote, ShopError> {
    let s = load(conn, Some(company_id), number)?;
    expire(conn, s.id, s.quote, today)
}

fn summary(q: &Quote) -> QuoteSummary {
    QuoteSummary {
        number: q.number.clone(),
        status: q.status,
        created_at: q.created_at,
        requested_by: q.requested_by.clone(),
        line_count: u32::try_from(q.lines.len()).unwrap_or(u32::MAX),
        valid_until: q.valid_until,
        order_number: q.order_number.clone(),
    }
}

/// Quotes of one company (or of all, for the supplier), newest first.
pub fn list(conn: &Connection, company_id: Option<i64>, today: NaiveDate) -> Result<Vec<(String, Quote)>, ShopError> {
    let mut stmt = conn.prepare_cached(
        "SELECT q.id, c.code, q.data FROM quotes q JOIN companies c ON c.id = q.company_id \
         WHERE ?1 IS NULL OR q.company_id = ?1 ORDER BY q.id DESC",
    )?;
    let rows: Vec<(i64, String, String)> =
        stmt.query_map([company_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(id, code, data)| Ok((code, expire(conn, id, serde_json::from_str(&data)?, today)?)))
        .collect()
}

/// One page of a company's quotes, newest first. The cursor is the id of
/// the last quote of the previous page, as for orders.
pub fn list_page(
    conn: &Connection,
    company_id: i64,
    cursor: Option<&str>,
    limit: Option<u32>,
    today: NaiveDate,
) -> Result<QuoteList, ShopError> {
    let before = match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        None => i64::MAX,
        Some(c) => c.parse::<i64>().map_err(|_| ShopError::InvalidRequest(format!("malformed cursor {c:?}")))?,
    };
    let limit = match limit {
        None => orders::DEFAULT_ORDERS_LIMIT,
        Some(0) => return Err(ShopError::InvalidRequest("limit must be at least 1".into())),
        Some(n) => n.min(orders::MAX_ORDERS_LIMIT),
    };
    let mut stmt =
        conn.prepare_cached("SELECT id, data FROM quotes WHERE company_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3")?;
    let rows: Vec<(i64, String)> = stmt
        .query_map(params![company_id, before, limit + 1], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let more = rows.len() > limit as usize;
    let mut items = Vec::new();
    let mut last_id = None;
    for (id, data) in rows.into_iter().take(limit as usize) {
        items.push(summary(&expire(conn, id, serde_json::from_str(&data)?, today)?));
        last_id = Some(id);
    }
    Ok(QuoteList { items, next_cursor: if more { last_id.map(|id| id.to_string()) } else { None } })
}

fn not_open(q: &Quote) -> ShopError {
    let state = match (&q.status, &q.order_number) {
        (QuoteStatus::Accepted, Some(o)) => format!("was already accepted (order {o})"),
        (QuoteStatus::Requested, _) => "has no offer yet".to_string(),
        (QuoteStatus::Declined, _) => "was declined".to_string(),
        (s, _) => format!("is {}", s.as_str()),
    };
    ShopError::Conflict { code: codes::QUOTE_NOT_OPEN, message: format!("quote {} {state}", q.number) }
}

/// Accepting an offer places an order at the offered prices, once.
pub fn accept(
    conn: &mut Connection,
    company_id: i64,
    user_id: i64,
    number: &str,
    accept: &AcceptQuote,
    now: DateTime<Utc>,
) -> Result<AcceptedQuote, ShopError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Stored { id, quote, .. } = load(&tx, Some(company_id), number)?;
    let mut q = expire(&tx, id, quote, now.date_naive())?;
    if q.status == QuoteStatus::Expired {
        let until = q.valid_until.map(|d| d.to_string()).unwrap_or_default();
        tx.commit()?;
        return Err(ShopError::Refused {
            code: codes::QUOTE_EXPIRED,
            message: format!("the offer of quote {number} expired on {until}; ask for a new quote"),
        });
    }
    if q.status != QuoteStatus::Offered {
        return Err(not_open(&q));
    }
    let agreed: Agreed = q.lines.iter().filter_map(|l| Some((l.sku.clone(), l.offered_unit_price?))).collect();
    let draft = OrderDraft {
        po_number: accept.po_number.clone(),
        lines: q
            .lines
            .iter()
            .map(|l| DraftLine {
                sku: l.sku.clone(),
                quantity: l.quantity,
                expected_unit_price: l.offered_unit_price,
                note: l.note.clone(),
            })
            .collect(),
        ship_to: accept.ship_to.clone(),
        requested_delivery_date: accept.requested_delivery_date.or(q.requested_delivery_date),
        ship_complete: accept.ship_complete,
        shipping_method: accept.shipping_method.clone(),
        comment: accept.comment.clone(),
        allow_duplicate_po: false,
    };
    let priced = orders::price_draft_with(&tx, company_id, user_id, &draft, now.date_naive(), Some(&agreed))?;
    let (_, order) = orders::place(&tx, company_id, user_id, &draft, priced, now, Some(q.number.clone()))?;
    q.status = QuoteStatus::Accepted;
    q.order_number = Some(order.number.clone());
    save(&tx, id, &q)?;
    tx.commit()?;
    tracing::info!(quote = %q.number, order = %order.number, "quote accepted");
    Ok(AcceptedQuote { quote: q, order })
}

pub fn decline(
    conn: &mut Connection,
    company_id: Option<i64>,
    author: (&str, &str),
    number: &str,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<Quote, ShopError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Stored { id, quote, .. } = load(&tx, company_id, number)?;
    let mut q = expire(&tx, id, quote, now.date_naive())?;
    if !matches!(q.status, QuoteStatus::Requested | QuoteStatus::Offered) {
        return Err(not_open(&q));
    }
    q.status = QuoteStatus::Declined;
    if let Some(r) = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty()) {
        q.messages.push(QuoteMessage { at: now, side: author.0.into(), author: author.1.into(), text: r });
    }
    save(&tx, id, &q)?;
    tx.commit()?;
    Ok(q)
}

pub fn message(
    conn: &mut Connection,
    company_id: i64,
    user_id: i64,
    number: &str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Quote, ShopError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(ShopError::InvalidRequest("a message has 1 to 2000 characters".into()));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Stored { id, quote: mut q, .. } = load(&tx, Some(company_id), number)?;
    let user = company::user(&tx, user_id)?;
    q.messages.push(QuoteMessage { at: now, side: "buyer".into(), author: user.username, text: text.into() });
    save(&tx, id, &q)?;
    tx.commit()?;
    Ok(q)
}

/// How the supplier prices an offer.
pub enum Pricing {
    /// Unit price per SKU; every line needs one.
    Prices(BTreeMap<String, Decimal>),
    /// Percent under each line's list price, rounded to 6 decimals.
    Discount(Decimal),
}

/// The supplier's offer on a requested quote.
pub fn offer(
    conn: &mut Connection,
    number: &str,
    pricing: &Pricing,
    valid_until: NaiveDate,
    message: Option<String>,
    now: DateTime<Utc>,
) -> Result<Quote, ShopError> {
    if let Pricing::Discount(pct) = pricing
        && !(Decimal::ZERO..Decimal::ONE_HUNDRED).contains(pct)
    {
        return Err(ShopError::InvalidRequest(format!("a discount is at least 0 and below 100 percent, not {pct}")));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Stored { id, company_id, quote: mut q } = load(&tx, None, number)?;
    if q.status != QuoteStatus::Requested {
        return Err(not_open(&q));
    }
    for l in &mut q.lines {
        let price = match pricing {
            Pricing::Prices(p) => p.get(&l.sku).copied().ok_or_else(|| {
                ShopError::InvalidRequest(format!(
                    "no price for {} (line of quote {number}); use --price SKU=PRICE",
                    l.sku
                ))
            })?,
            Pricing::Discount(pct) => {
                let list = l.list_unit_price.ok_or_else(|| {
                    ShopError::InvalidRequest(format!("{} has no list price; give --price {}=…", l.sku, l.sku))
                })?;
                money::tidy_price(money::less_percent(list, *pct))
            }
        };
        if price <= Decimal::ZERO {
            return Err(ShopError::InvalidRequest(format!("the price for {} must be above zero", l.sku)));
        }
        limits::check_list_price(price).map_err(|why| ShopError::InvalidRequest(format!("{}: {why}", l.sku)))?;
        l.offered_unit_price = Some(price);
    }
    if let Pricing::Prices(p) = pricing
        && let Some(extra) = p.keys().find(|s| !q.lines.iter().any(|l| &l.sku == *s))
    {
        return Err(ShopError::InvalidRequest(format!("{extra} is not a line of quote {number}")));
    }
    q.offer_totals = Some(offer_totals(&tx, company_id, &q)?);
    q.status = QuoteStatus::Offered;
    q.valid_until = Some(valid_until);
    if let Some(m) = message.map(|m| m.trim().to_string()).filter(|m| !m.is_empty()) {
        q.messages.push(QuoteMessage { at: now, side: "supplier".into(), author: "Sales".into(), text: m });
    }
    save(&tx, id, &q)?;
    tx.commit()?;
    tracing::info!(quote = %q.number, "quote offered");
    Ok(q)
}

/// Totals at the offered prices, each line at its part's VAT rate, with the
/// company's default shipping method (the one an acceptance gets unless it
/// names another).
fn offer_totals(conn: &Connection, company_id: i64, q: &Quote) -> Result<Totals, ShopError> {
    let company = company::load(conn, company_id)?.company;
    let shipping = company.shipping_methods.first().map_or(Decimal::ZERO, |m| m.price);
    let mut stmt = conn.prepare_cached("SELECT vat_rate FROM products WHERE sku = ?1")?;
    let mut lines = Vec::new();
    for l in &q.lines {
        let Some(price) = l.offered_unit_price else { continue };
        let rate: String = stmt.query_row([&l.sku], |r| r.get(0))?;
        let rate = Decimal::from_str(&rate)
            .map_err(|e| ShopError::Internal(anyhow::anyhow!("stored VAT rate of {}: {e}", l.sku)))?;
        let total = money::checked_line_total(price, l.quantity).ok_or_else(|| {
            ShopError::InvalidRequest(format!("{} × {} is more than this shop can price", l.quantity, l.sku))
        })?;
        lines.push((total, rate));
    }
    money::checked_totals(&company.currency, lines, shipping)
        .ok_or_else(|| ShopError::InvalidRequest("the offer's total is more than this shop can price".into()))
}

/// Offers every request older than `age` at `percent` under list (the demo's
/// supplier). A request that cannot be offered this way (a line without a
/// list price) is logged once, kept in `skipped`, and left to the supplier.
pub fn auto_offer(
    conn: &mut Connection,
    age: chrono::Duration,
    percent: Decimal,
    skipped: &mut HashSet<String>,
) -> Result<usize, ShopError> {
    let now = Utc::now();
    let due: Vec<String> = {
        let mut stmt = conn.prepare(
            "SELECT number FROM quotes WHERE json_extract(data, '$.status') = 'requested' AND created_at <= ?1",
        )?;
        stmt.query_map([(now - age).timestamp()], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    let mut n = 0;
    let due: Vec<String> = due.into_iter().filter(|n| !skipped.contains(n)).collect();
    for number in due {
        let msg = format!("Thank you for your request — {percent} % off list for this volume.");
        let valid = now.date_naive() + chrono::Duration::days(14);
        match offer(conn, &number, &Pricing::Discount(percent), valid, Some(msg), now) {
            Ok(_) => n += 1,
            // Another answer came first (the supplier's command line).
            Err(ShopError::Conflict { .. }) => {}
            Err(e) => {
                tracing::warn!(quote = %number, "no automatic offer: {e}");
                skipped.insert(number);
            }
        }
    }
    Ok(n)
}
