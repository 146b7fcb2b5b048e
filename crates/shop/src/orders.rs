//! Pricing a draft, placing orders exactly once, and reading them back.

use super::company::{self, VisibleProduct};
use super::error::ShopError;
use chrono::{DateTime, NaiveDate, Utc};
use procure_protocol::api::{
    Address, ApiError, Approval, Credit, Decision, DraftLine, LineError, Order, OrderDraft, OrderList, OrderStatus,
    OrderSummary, Preview, PricedLine, Role, ShippingMethod, codes, po_number_taken,
};
use procure_protocol::quantity::QuantityRules;
use procure_protocol::{limits, money};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

pub const MAX_LINES: usize = 1000;
pub const MAX_KEY_LEN: usize = 200;
pub const DEFAULT_ORDERS_LIMIT: u32 = 50;
pub const MAX_ORDERS_LIMIT: u32 = 200;

/// The earliest delivery: the protocol's working-day rule, which the
/// client compares offers with too.
pub use procure_protocol::delivery::earliest_delivery;

/// A draft priced for one company and user.
pub struct Priced {
    pub preview: Preview,
    pub ship_to: Address,
    pub shipping_method: ShippingMethod,
    pub payment_terms: String,
}

fn line_error(i: usize, line: &DraftLine, code: &str, message: String) -> LineError {
    LineError {
        line: i,
        sku: line.sku.clone(),
        code: code.to_string(),
        message,
        current_unit_price: None,
        suggested_quantity: None,
    }
}

/// Prices a draft with the company's tiers. Problems with single lines are
/// listed in `preview.errors`; problems with the order as a whole (PO
/// number, ship-to, shipping method, delivery date) are an `InvalidOrder`.
pub fn price_draft(
    conn: &Connection,
    company_id: i64,
    user_id: i64,
    draft: &OrderDraft,
    today: NaiveDate,
) -> Result<Priced, ShopError> {
    price_draft_with(conn, company_id, user_id, draft, today, None)
}

/// The company's entry `wanted` names (its first when none is named), or an
/// error naming the unknown one and the ids there are.
fn chosen<T: Clone>(
    items: &[T],
    id: impl Fn(&T) -> &String,
    wanted: Option<&str>,
    what: &str,
    known_are: &str,
) -> Result<T, ShopError> {
    match wanted {
        None => items.first(),
        Some(w) => items.iter().find(|i| id(i) == w),
    }
    .cloned()
    .ok_or_else(|| {
        let known: Vec<&str> = items.iter().map(|i| id(i).as_str()).collect();
        ShopError::invalid_order(format!(
            "unknown {what} {:?}; {known_are}: {}",
            wanted.unwrap_or(""),
            known.join(", ")
        ))
    })
}

/// Unit prices agreed in a quote, by SKU; they replace the price list.
pub type Agreed = HashMap<String, Decimal>;

/// Prices a draft; `agreed` prices (from an accepted quote) win over tiers.
pub fn price_draft_with(
    conn: &Connection,
    company_id: i64,
    user_id: i64,
    draft: &OrderDraft,
    today: NaiveDate,
    agreed: Option<&Agreed>,
) -> Result<Priced, ShopError> {
    limits::check_po_number(&draft.po_number).map_err(ShopError::invalid_order)?;
    if draft.lines.is_empty() {
        return Err(ShopError::invalid_order("an order needs at least one line"));
    }
    if draft.lines.len() > MAX_LINES {
        return Err(ShopError::invalid_order(format!("an order has at most {MAX_LINES} lines")));
    }
    let record = company::load(conn, company_id)?;
    let user = company::user(conn, user_id)?;
    let c = &record.company;
    let ship_to = chosen(&c.ship_to, |a| &a.id, draft.ship_to.as_deref(), "ship-to address", "this company ships to")?;
    let shipping_method =
        chosen(&c.shipping_methods, |m| &m.id, draft.shipping_method.as_deref(), "shipping method", "available")?;

    let discounts = company::discounts(conn, company_id)?;
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let mut availability = Vec::new();
    for (i, line) in draft.lines.iter().enumerate() {
        let Some(VisibleProduct { product, tiers, vat_rate }) =
            company::visible_product(conn, company_id, &line.sku, &discounts)?
        else {
            errors.push(line_error(i, line, codes::UNKNOWN_SKU, format!("unknown part number {:?}", line.sku)));
            continue;
        };
        if product.discontinued {
            let successor = product
                .replaced_by
                .as_deref()
                .map(|s| company::visible_product(conn, company_id, s, &discounts))
                .transpose()?
                .flatten();
            let message = match successor {
                Some(s) => format!(
                    "{} is discontinued; order its successor {} ({})",
                    product.sku, s.product.sku, s.product.name
                ),
                None => format!("{} is discontinued", product.sku),
            };
            errors.push(line_error(i, line, codes::DISCONTINUED, message));
        }
        if let Err(e) = QuantityRules::of(&product, &tiers).check(line.quantity) {
            let mut err = line_error(i, line, codes::INVALID_QUANTITY, e.to_string());
            err.suggested_quantity = Some(e.suggested);
            errors.push(err);
        }
        let agreed_price = agreed.and_then(|a| a.get(&product.sku)).copied();
        let Some(unit_price) = agreed_price.or_else(|| money::unit_price_for(&tiers, line.quantity)) else {
            errors.push(line_error(
                i,
                line,
                codes::PRICE_ON_REQUEST,
                format!("{} is price on request — request a quote", product.sku),
            ));
            continue;
        };
        let line_total = match money::checked_line_total(unit_price, line.quantity) {
            Some(t) if line.quantity <= limits::MAX_QUANTITY => t,
            _ => {
                errors.push(line_error(
                    i,
                    line,
                    codes::AMOUNT_TOO_LARGE,
                    format!(
                        "{} × {} is more than this shop can price (at most {} per unit and {} units)",
                        line.quantity,
                        money::format_amount(unit_price),
                        limits::MAX_UNIT_PRICE,
                        limits::MAX_QUANTITY
                    ),
                ));
                continue;
            }
        };
        availability.push((product.stock, line.quantity, product.lead_time_days));
        lines.push(PricedLine {
            sku: product.sku,
            name: product.name,
            quantity: line.quantity,
            unit_price,
            base_quantity: Decimal::ONE,
            line_total,
            vat_rate,
            note: line.note.as_ref().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
            promised_delivery: None,
            shipped: 0,
            invoiced: 0,
        });
    }
    let totals =
        money::checked_totals(&c.currency, lines.iter().map(|l| (l.line_total, l.vat_rate)), shipping_method.price)
            .ok_or_else(|| ShopError::invalid_order("the order's total is more than this shop can price"))?;
    let earliest = earliest_delivery(today, &availability);
    if let Some(requested) = draft.requested_delivery_date
        && requested < earliest
    {
        // The line that sets the date: the longest lead time of those not in stock.
        let why = lines
            .iter()
            .zip(&availability)
            .filter(|(_, (stock, qty, _))| stock < qty)
            .max_by_key(|(_, (_, _, lead))| *lead)
            .map(|(l, (stock, qty, lead))| {
                format!(
                    " ({}: {qty} ordered, {stock} in stock, lead time {lead} day{})",
                    l.sku,
                    if *lead == 1 { "" } else { "s" }
                )
            })
            .unwrap_or_default();
        return Err(ShopError::invalid_order(format!(
            "the requested delivery date {requested} is before the earliest possible delivery {earliest}{why}"
        )));
    }
    let needs_approval = user.order_limit.is_some_and(|limit| totals.net > limit);
    let credit = Some(credit(conn, company_id)?);
    Ok(Priced {
        preview: Preview {
            lines,
            totals,
            errors,
            needs_approval,
            earliest_delivery: earliest,
            credit,
            replay_of: None,
        },
        ship_to,
        shipping_method,
        payment_terms: c.payment_terms.clone(),
    })
}

pub enum Created {
    New(Order),
    Replayed(Order),
}

fn order_by_id(conn: &Connection, order_id: i64) -> Result<Order, ShopError> {
    let data: String = conn.query_row("SELECT data FROM orders WHERE id = ?1", [order_id], |r| r.get(0))?;
    Ok(serde_json::from_str(&data)?)
}

/// Stores an order of a company and records its parts for ordered-skus.
pub fn insert_order(tx: &Transaction<'_>, company_id: i64, user_id: i64, order: &mut Order) -> Result<i64, ShopError> {
    let id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM orders", [], |r| r.get(0))?;
    order.number = company_number(tx, "SO", "orders", company_id)?;
    let seq = super::db::next_seq(tx)?;
    tx.execute(
        "INSERT INTO orders (id, company_id, number, user_id, data, seq, status, uninvoiced)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            company_id,
            order.number,
            user_id,
            serde_json::to_string(&order)?,
            seq,
            order.status.as_str(),
            uninvoiced(order)
        ],
    )?;
    let day = order.created_at.date_naive().format("%Y-%m-%d").to_string();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO order_lines (order_id, company_id, sku, quantity, ordered_on) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for l in &order.lines {
        stmt.execute(params![id, company_id, l.sku, l.quantity, day])?;
    }
    tx.execute("UPDATE companies SET orders_seq = ?1 WHERE id = ?2", params![seq, company_id])?;
    Ok(id)
}

/// Stores a changed order (its status, promised dates, shipments,
/// invoiced quantities …) under the change `seq` of the write transaction,
/// so clients syncing their order history get it (`history`).
pub fn save(tx: &Transaction<'_>, order_id: i64, order: &Order, seq: i64) -> Result<(), ShopError> {
    tx.execute(
        "UPDATE orders SET data = ?1, status = ?2, seq = ?3, uninvoiced = ?4 WHERE id = ?5",
        params![serde_json::to_string(order)?, order.status.as_str(), seq, uninvoiced(order), order_id],
    )?;
    Ok(())
}

/// What of an order counts against the company's credit before it is
/// invoiced (`credit`), as stored beside it: `None` when nothing does.
fn uninvoiced(order: &Order) -> Option<String> {
    if !OPEN_STATUSES.contains(&order.status) {
        return None;
    }
    let gross = not_invoiced(order).gross;
    (!gross.is_zero()).then(|| gross.to_string())
}

/// The next number of a company's orders or quotes, e.g. `SO-ACME-1001`:
/// counted per company, so one company learns nothing of another's volume
/// from the gaps, and short enough to read out on the phone.
pub fn company_number(tx: &Transaction<'_>, prefix: &str, table: &str, company_id: i64) -> Result<String, ShopError> {
    let (code, count): (String, i64) = tx.query_row(
        &format!(
            "SELECT c.code, (SELECT COUNT(*) FROM {table} WHERE company_id = c.id) FROM companies c WHERE c.id = ?1"
        ),
        [company_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(format!("{prefix}-{}-{}", code.to_uppercase(), 1001 + count))
}

/// Places an order once per idempotency key: a repeat of the same draft gets
/// the original order back; the same key with another draft is refused.
pub fn create(
    conn: &mut Connection,
    company_id: i64,
    user_id: i64,
    key: &str,
    draft: &OrderDraft,
    now: DateTime<Utc>,
) -> Result<Created, ShopError> {
    // IMMEDIATE: the key check and the insert hold the write lock together.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let earlier: Option<(String, i64)> = tx
        .query_row(
            "SELECT draft, order_id FROM idempotency_keys WHERE company_id = ?1 AND key = ?2",
            params![company_id, key],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((first_draft, order_id)) = earlier {
        let first: OrderDraft = serde_json::from_str(&first_draft)?;
        let order = order_by_id(&tx, order_id)?;
        if &first == draft {
            return Ok(Created::Replayed(order));
        }
        return Err(ShopError::IdempotencyMismatch(format!(
            "this Idempotency-Key was already used for order {} with different content; use a new key for a new order",
            order.number
        )));
    }

    if !draft.allow_duplicate_po {
        check_po_unused(&tx, company_id, draft.po_number.trim())?;
    }
    let priced = price_draft(&tx, company_id, user_id, draft, now.date_naive())?;
    if !priced.preview.errors.is_empty() {
        return Err(lines_refused(priced.preview.errors));
    }
    let changed: Vec<LineError> = draft
        .lines
        .iter()
        .zip(&priced.preview.lines)
        .enumerate()
        .filter_map(|(i, (d, p))| {
            let seen = d.expected_unit_price?;
            (seen != p.unit_price).then(|| {
                let mut e = line_error(
                    i,
                    d,
                    codes::PRICE_CHANGED,
                    format!(
                        "the unit price of {} is now {} (you saw {})",
                        p.sku,
                        money::format_amount(p.unit_price),
                        money::format_amount(seen)
                    ),
                );
                e.current_unit_price = Some(p.unit_price);
                e
            })
        })
        .collect();
    if !changed.is_empty() {
        return Err(ShopError::PriceChanged {
            message: format!("{} price(s) changed since you saw them; preview again and confirm", changed.len()),
            details: changed,
        });
    }

    let (order_id, order) = place(&tx, company_id, user_id, draft, priced, now, None)?;
    tx.execute(
        "INSERT INTO idempotency_keys (company_id, key, draft, order_id) VALUES (?1, ?2, ?3, ?4)",
        params![company_id, key, serde_json::to_string(draft)?, order_id],
    )?;
    tx.commit()?;
    tracing::info!(order = %order.number, company_id, status = order.status.as_str(), "order placed");
    Ok(Created::New(order))
}

/// A preview as placing the draft would meet it: the key it would be placed
/// with (if given) and the PO number are checked first, as `create` checks
/// them. A key that placed this same draft already names that order
/// (`replay_of`: placing answers with it, so its PO number is no
/// duplicate); one used with another draft is refused, and so is a PO
/// number another order holds.
pub fn preview(
    conn: &Connection,
    company_id: i64,
    user_id: i64,
    key: Option<&str>,
    draft: &OrderDraft,
    today: NaiveDate,
) -> Result<Preview, ShopError> {
    let earlier: Option<(String, i64)> = match key {
        Some(key) => conn
            .query_row(
                "SELECT draft, order_id FROM idempotency_keys WHERE company_id = ?1 AND key = ?2",
                params![company_id, key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?,
        None => None,
    };
    let mut replay_of = None;
    if let Some((first_draft, order_id)) = earlier {
        let first: OrderDraft = serde_json::from_str(&first_draft)?;
        let order = order_by_id(conn, order_id)?;
        if &first != draft {
            return Err(ShopError::IdempotencyMismatch(format!(
                "this Idempotency-Key was already used for order {} with different content; use a new key for a new order",
                order.number
            )));
        }
        replay_of = Some(order.number);
    } else if !draft.allow_duplicate_po {
        check_po_unused(conn, company_id, draft.po_number.trim())?;
    }
    let mut preview = price_draft(conn, company_id, user_id, draft, today)?.preview;
    preview.replay_of = replay_of;
    Ok(preview)
}

/// A company's PO number names one order: refused when another order of the
/// company holds it (`api::po_number_taken`, the rule every backend applies).
/// Orders are stored with their PO number trimmed.
fn check_po_unused(conn: &Connection, company_id: i64, po: &str) -> Result<(), ShopError> {
    let mut stmt = conn.prepare_cached(
        "SELECT data FROM orders WHERE company_id = ?1 AND json_extract(data, '$.po_number') = ?2 ORDER BY id",
    )?;
    let mut rows = stmt.query(params![company_id, po])?;
    while let Some(row) = rows.next()? {
        let o: Order = serde_json::from_str(&row.get::<_, String>(0)?)?;
        if po_number_taken(po, &o.po_number, o.status) {
            let e = ApiError::duplicate_po(po, &o.number, o.created_at.date_naive());
            return Err(ShopError::Conflict { code: codes::DUPLICATE_PO, message: e.message });
        }
    }
    Ok(())
}

/// A draft refused for the problems of its lines, each named (line, SKU).
fn lines_refused(errors: Vec<LineError>) -> ShopError {
    let message =
        errors.iter().map(|e| format!("line {} ({}): {}", e.line + 1, e.sku, e.message)).collect::<Vec<_>>().join("; ");
    ShopError::InvalidOrder { message, details: errors }
}

/// Stores a priced order after the last checks: no line problems and enough
/// credit. The caller holds a write transaction.
pub fn place(
    tx: &Transaction<'_>,
    company_id: i64,
    user_id: i64,
    draft: &OrderDraft,
    priced: Priced,
    now: DateTime<Utc>,
    quote_number: Option<String>,
) -> Result<(i64, Order), ShopError> {
    if !priced.preview.errors.is_empty() {
        return Err(lines_refused(priced.preview.errors));
    }
    let preview = priced.preview;
    let credit = credit(tx, company_id)?;
    if let Some(available) = credit.available
        && preview.totals.gross > available
    {
        let cur = &credit.currency;
        return Err(ShopError::Refused {
            code: codes::CREDIT_LIMIT_EXCEEDED,
            message: format!(
                "this order ({} {cur}) exceeds your available credit of {} {cur} by {} {cur}",
                money::format_amount(preview.totals.gross),
                money::format_amount(available.max(Decimal::ZERO)),
                money::format_amount(preview.totals.gross - available.max(Decimal::ZERO)),
            ),
        });
    }
    let user = company::user(tx, user_id)?;
    let mut order = Order {
        number: String::new(),
        status: if preview.needs_approval { OrderStatus::PendingApproval } else { OrderStatus::Placed },
        created_at: now,
        placed_by: user.username,
        po_number: draft.po_number.trim().to_string(),
        lines: preview.lines,
        totals: preview.totals,
        ship_to: priced.ship_to,
        requested_delivery_date: draft.requested_delivery_date,
        ship_complete: draft.ship_complete,
        payment_terms: priced.payment_terms,
        shipping_method: priced.shipping_method,
        approval: None,
        quote_number,
        events: vec![],
        earliest_delivery: Some(preview.earliest_delivery),
        confirmed_at: None,
        shipments: vec![],
        comment: draft.comment.as_ref().map(|c| c.trim().to_string()).filter(|c| !c.is_empty()),
    };
    let order_id = insert_order(tx, company_id, user_id, &mut order)?;
    Ok((order_id, order))
}

/// Orders whose part not invoiced yet counts against the credit limit:
/// placed and not cancelled. Delivered orders (the seeded history of a
/// shop without invoices) count as settled.
const OPEN_STATUSES: [OrderStatus; 5] = [
    OrderStatus::Placed,
    OrderStatus::PendingApproval,
    OrderStatus::Confirmed,
    OrderStatus::PartlyShipped,
    OrderStatus::Shipped,
];

/// What of an order is not invoiced yet, priced as the order was: each
/// line's quantity less its invoiced quantity at the order's unit price,
/// and the shipping charge until the first invoice (it goes on that one).
pub fn not_invoiced(order: &Order) -> procure_protocol::api::Totals {
    let lines = order.lines.iter().filter_map(|l| {
        let open = l.quantity.saturating_sub(l.invoiced);
        (open > 0).then(|| (money::line_total(l.unit_price, open), l.vat_rate))
    });
    let shipping = if order.lines.iter().all(|l| l.invoiced == 0) { order.totals.shipping } else { Decimal::ZERO };
    money::totals(&order.totals.currency, lines, shipping)
}

/// The company's credit: limit, open balance and what is available. The
/// open balance is what the company owes and will owe: its open invoices
/// less its open credit notes (`open` of each), plus the gross of what is
/// ordered and not invoiced yet on its open orders (`not_invoiced`).
pub fn credit(conn: &Connection, company_id: i64) -> Result<Credit, ShopError> {
    let currency: String =
        conn.query_row("SELECT currency FROM companies WHERE id = ?1", [company_id], |r| r.get(0))?;
    let limit: Option<String> = conn
        .query_row("SELECT credit_limit FROM company_credit WHERE company_id = ?1", [company_id], |r| r.get(0))
        .optional()?
        .flatten();
    let limit = limit
        .map(|l| Decimal::from_str(&l))
        .transpose()
        .map_err(|e| ShopError::Internal(anyhow::anyhow!("stored credit limit: {e}")))?;
    let mut open = super::invoices::open_items(conn, company_id)?;
    // Each open order's `not_invoiced` gross, kept beside it when it is saved.
    let mut stmt =
        conn.prepare_cached("SELECT uninvoiced FROM orders WHERE company_id = ?1 AND uninvoiced IS NOT NULL")?;
    let mut rows = stmt.query([company_id])?;
    while let Some(row) = rows.next()? {
        open += company::decimal(&row.get::<_, String>(0)?)?;
    }
    let limit = limit.map(money::tidy_price);
    Ok(Credit {
        currency,
        limit,
        open_balance: money::tidy_price(open),
        available: limit.map(|l| money::tidy_price(l - open)),
    })
}

/// The company's orders waiting for an approver; only approvers and admins see them.
pub fn approvals(conn: &Connection, company_id: i64, user_id: i64) -> Result<OrderList, ShopError> {
    if company::user(conn, user_id)?.role == Role::Buyer {
        return Err(ShopError::Forbidden {
            code: codes::FORBIDDEN,
            message: "only approvers and admins see the approval queue".into(),
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT data FROM orders WHERE company_id = ?1 AND json_extract(data, '$.status') = 'pending_approval' \
         ORDER BY id DESC",
    )?;
    let mut rows = stmt.query([company_id])?;
    let mut items = Vec::new();
    while let Some(row) = rows.next()? {
        let o: Order = serde_json::from_str(&row.get::<_, String>(0)?)?;
        items.push(summary(o));
    }
    Ok(OrderList { items, next_cursor: None })
}

/// An approver's decision on a pending order of their company: never their own.
pub fn decide(
    conn: &mut Connection,
    company_id: i64,
    user_id: i64,
    number: &str,
    decision: Decision,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<Order, ShopError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let me = company::user(&tx, user_id)?;
    if me.role == Role::Buyer {
        return Err(ShopError::Forbidden {
            code: codes::FORBIDDEN,
            message: "only approvers and admins decide on orders".into(),
        });
    }
    let row: Option<(i64, i64, String)> = tx
        .query_row(
            "SELECT id, user_id, data FROM orders WHERE company_id = ?1 AND number = ?2",
            params![company_id, number],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((id, owner, data)) = row else {
        return Err(ShopError::NotFound(format!("no order {number:?}")));
    };
    if owner == user_id {
        return Err(ShopError::Forbidden {
            code: codes::OWN_ORDER,
            message: format!(
                "you cannot {} your own order {number}; another approver or an admin decides it",
                match decision {
                    Decision::Approved => "approve",
                    Decision::Rejected => "reject",
                }
            ),
        });
    }
    let mut order: Order = serde_json::from_str(&data)?;
    if order.status != OrderStatus::PendingApproval {
        return Err(ShopError::Conflict {
            code: codes::NOT_PENDING,
            message: format!("order {number} is {}, not waiting for approval", order.status.as_str()),
        });
    }
    let reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    if decision == Decision::Rejected && reason.is_none() {
        return Err(ShopError::Refused {
            code: codes::INVALID_REQUEST,
            message: "a rejection needs a reason for the buyer".into(),
        });
    }
    order.status = match decision {
        Decision::Approved => OrderStatus::Placed,
        Decision::Rejected => OrderStatus::Cancelled,
    };
    order.approval = Some(Approval { decision, decided_by: me.username, decided_at: now, reason });
    let seq = super::db::next_seq(&tx)?;
    save(&tx, id, &order, seq)?;
    tx.execute("UPDATE companies SET orders_seq = ?1 WHERE id = ?2", params![seq, company_id])?;
    tx.commit()?;
    tracing::info!(order = %order.number, company_id, decision = ?decision, "approval decided");
    Ok(order)
}

fn summary(o: Order) -> OrderSummary {
    OrderSummary {
        line_count: u32::try_from(o.lines.len()).unwrap_or(u32::MAX),
        number: o.number,
        status: o.status,
        created_at: o.created_at,
        po_number: o.po_number,
        placed_by: o.placed_by,
        totals: o.totals,
    }
}

pub fn get(conn: &Connection, company_id: i64, number: &str) -> Result<Order, ShopError> {
    let data: Option<String> = conn
        .query_row("SELECT data FROM orders WHERE company_id = ?1 AND number = ?2", params![company_id, number], |r| {
            r.get(0)
        })
        .optional()?;
    match data {
        Some(d) => Ok(serde_json::from_str(&d)?),
        None => Err(ShopError::NotFound(format!("no order {number:?}"))),
    }
}

/// The company's orders, newest first. The cursor is the id of the last
/// order of the previous page.
pub fn list(
    conn: &Connection,
    company_id: i64,
    cursor: Option<&str>,
    limit: Option<u32>,
) -> Result<OrderList, ShopError> {
    let before = match cursor.filter(|c| !c.trim().is_empty()) {
        None => i64::MAX,
        Some(c) => c.trim().parse::<i64>().map_err(|_| ShopError::InvalidRequest(format!("malformed cursor {c:?}")))?,
    };
    let limit = match limit {
        None => DEFAULT_ORDERS_LIMIT,
        Some(0) => return Err(ShopError::InvalidRequest("limit must be at least 1".into())),
        Some(n) => n.min(MAX_ORDERS_LIMIT),
    };
    let mut stmt =
        conn.prepare_cached("SELECT id, data FROM orders WHERE company_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3")?;
    let mut rows = stmt.query(params![company_id, before, limit + 1])?;
    let mut items = Vec::new();
    let mut last_id = None;
    let mut more = false;
    while let Some(row) = rows.next()? {
        if items.len() == limit as usize {
            more = true;
            break;
        }
        last_id = Some(row.get::<_, i64>(0)?);
        let o: Order = serde_json::from_str(&row.get::<_, String>(1)?)?;
        items.push(OrderSummary {
            line_count: u32::try_from(o.lines.len()).unwrap_or(u32::MAX),
            number: o.number,
            status: o.status,
            created_at: o.created_at,
            po_number: o.po_number,
            placed_by: o.placed_by,
            totals: o.totals,
        });
    }
    Ok(OrderList { items, next_cursor: if more { last_id.map(|id| id.to_string()) } else { None } })
}
