//! Invoices and credit notes: issued for what has shipped, due by the
//! company's payment terms (`terms::PaymentTerms`), paid in one or several
//! payments, credited in part or in full, disputed by the buyer. Every
//! change bumps the document's change seq (`history`); issuing one also
//! changes its order (the invoiced quantities).

use super::company;
use super::db;
use super::error::ShopError;
use super::fulfil::{self, text};
use super::orders;
use chrono::{DateTime, NaiveDate, Utc};
use procure_protocol::api::{Dispute, Invoice, InvoiceKind, InvoiceLine, Payment, PaymentStatus, Totals, codes};
use procure_protocol::terms::PaymentTerms;
use procure_protocol::{limits, money};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The longest reason of a dispute or a credit note, in characters.
pub const MAX_REASON_CHARS: usize = 2000;

/// An invoice as stored: its row, company and content.
struct Stored {
    id: i64,
    company_id: i64,
    company: String,
    invoice: Invoice,
}

fn load(conn: &Connection, company_id: Option<i64>, number: &str) -> Result<Stored, ShopError> {
    let row: Option<(i64, i64, String, String)> = conn
        .prepare_cached(
            "SELECT i.id, i.company_id, c.code, i.data FROM invoices i JOIN companies c ON c.id = i.company_id
             WHERE i.number = ?1",
        )?
        .query_row([number.trim()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    match row {
        // Another company's invoice is answered exactly like a missing one.
        Some((id, c, company, data)) if company_id.is_none_or(|want| want == c) => {
            Ok(Stored { id, company_id: c, company, invoice: serde_json::from_str(&data)? })
        }
        _ => Err(ShopError::NotFound(format!("no invoice {:?}", number.trim()))),
    }
}

fn save(tx: &Transaction<'_>, id: i64, invoice: &Invoice, seq: i64) -> Result<(), ShopError> {
    tx.execute(
        "UPDATE invoices SET data = ?1, status = ?2, open = ?3, seq = ?4 WHERE id = ?5",
        params![serde_json::to_string(invoice)?, invoice.status.as_str(), invoice.open.to_string(), seq, id],
    )?;
    Ok(())
}

/// Numbers a new invoice or credit note of the company (`INV-ACME-1001`,
/// `CN-ACME-1001`: counted per company and kind, as orders are) and stores it.
fn insert(tx: &Transaction<'_>, company_id: i64, invoice: &mut Invoice, seq: i64) -> Result<(), ShopError> {
    let kind = invoice.kind.as_str();
    let (code, last): (String, Option<i64>) = tx.query_row(
        "SELECT c.code, (SELECT MAX(serial) FROM invoices WHERE company_id = c.id AND kind = ?2)
         FROM companies c WHERE c.id = ?1",
        params![company_id, kind],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let serial = last.unwrap_or(1000) + 1;
    let prefix = match invoice.kind {
        InvoiceKind::Invoice => "INV",
        InvoiceKind::CreditNote => "CN",
    };
    invoice.number = format!("{prefix}-{}-{serial}", code.to_uppercase());
    tx.execute(
        "INSERT INTO invoices (company_id, number, kind, serial, credits, status, open, seq, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            company_id,
            invoice.number,
            kind,
            serial,
            invoice.credits_invoice,
            invoice.status.as_str(),
            invoice.open.to_string(),
            seq,
            serde_json::to_string(invoice)?
        ],
    )?;
    Ok(())
}

/// A unit price the supplier gives: within the protocol's range, at most four decimals.
fn check_price(sku: &str, price: Decimal) -> Result<(), ShopError> {
    limits::check_unit_price(price).map_err(|why| ShopError::InvalidRequest(format!("{sku}: {why}")))?;
    if price.normalize().scale() > 4 {
        return Err(ShopError::InvalidRequest(format!("{sku}: price {price} has more than four decimals")));
    }
    Ok(())
}

/// Invoices what has shipped on an order and is not invoiced yet, each
/// line at the order's unit price unless `prices` (SKU → unit price) says
/// otherwise; the order's shipping charge goes on its first invoice. Due
/// date and early-payment discount follow the company's payment terms
/// (terms procure cannot read make the invoice due on its date).
pub fn issue(
    conn: &mut Connection,
    number: &str,
    prices: &BTreeMap<String, Decimal>,
    now: DateTime<Utc>,
) -> Result<Invoice, ShopError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let invoice = issue_in(&tx, number, prices, now)?;
    tx.commit()?;
    tracing::info!(invoice = %invoice.number, order = number, "invoice issued");
    Ok(invoice)
}

pub(crate) fn issue_in(
    tx: &Transaction<'_>,
    number: &str,
    prices: &BTreeMap<String, Decimal>,
    now: DateTime<Utc>,
) -> Result<Invoice, ShopError> {
    let fulfil::Stored { id, company_id, mut order } = fulfil::load(tx, number)?;
    for (sku, price) in prices {
        if !order.lines.iter().any(|l| &l.sku == sku) {
            return Err(ShopError::Refused {
                code: codes::UNKNOWN_SKU,
                message: format!("{sku} is not on order {}", order.number),
            });
        }
        check_price(sku, *price)?;
    }
    let mut lines = Vec::new();
    for (i, l) in order.lines.iter().enumerate() {
        let qty = l.shipped.saturating_sub(l.invoiced);
        if qty == 0 {
            continue;
        }
        let unit_price = prices.get(&l.sku).copied().unwrap_or(l.unit_price);
        let line_total = money::checked_line_total(unit_price, qty)
            .ok_or_else(|| ShopError::InvalidRequest(format!("{qty} × {} is more than this shop can price", l.sku)))?;
        lines.push(InvoiceLine {
            line: u32::try_from(lines.len() + 1).unwrap_or(u32::MAX),
            order_number: Some(order.number.clone()),
            order_line: Some(u32::try_from(i + 1).unwrap_or(u32::MAX)),
            sku: l.sku.clone(),
            name: l.name.clone(),
            quantity: qty,
            unit_price,
            line_total,
            vat_rate: l.vat_rate,
        });
    }
    if lines.is_empty() {
        let message = if order.lines.iter().all(|l| l.shipped == 0) {
            format!("nothing has shipped on order {} yet: nothing to invoice", order.number)
        } else {
            format!("everything shipped on order {} is invoiced already", order.number)
        };
        return Err(ShopError::Conflict { code: codes::NOTHING_OPEN, message });
    }
    if let Some(sku) = prices.keys().find(|s| !lines.iter().any(|l| &&l.sku == s)) {
        return Err(ShopError::InvalidRequest(format!(
            "a price for {sku}, which this invoice does not bill (nothing of it is shipped and not invoiced)"
        )));
    }
    let first = order.lines.iter().all(|l| l.invoiced == 0);
    let shipping = if first { order.totals.shipping } else { Decimal::ZERO };
    let totals =
        money::checked_totals(&order.totals.currency, lines.iter().map(|l| (l.line_total, l.vat_rate)), shipping)
            .ok_or_else(|| ShopError::InvalidRequest("the invoice's total is more than this shop can price".into()))?;
    let record = company::load(tx, company_id)?;
    let issued = now.date_naive();
    let terms = record.company.terms.or_else(|| PaymentTerms::parse(&order.payment_terms));
    let mut invoice = Invoice {
        number: String::new(),
        kind: InvoiceKind::Invoice,
        issue_date: issued,
        due_date: terms.map_or(issued, |t| t.due_date(issued)),
        payment_terms: record.company.payment_terms.clone(),
        early_payment: terms.and_then(|t| t.early_payment(issued, totals.gross)),
        order_numbers: vec![order.number.clone()],
        credits_invoice: None,
        reason: None,
        lines,
        paid: Decimal::ZERO,
        open: totals.gross,
        status: PaymentStatus::Open,
        totals,
        payments: vec![],
        disputes: vec![],
    };
    for l in &mut order.lines {
        l.invoiced = l.shipped.max(l.invoiced);
    }
    let seq = db::next_seq(tx)?;
    orders::save(tx, id, &order, seq)?;
    insert(tx, company_id, &mut invoice, seq)?;
    Ok(invoice)
}

/// What earlier credit notes of an invoice credited: per (order, order
/// line, SKU) the quantity, and the shipping.
fn credited_before(conn: &Connection, invoice: &str) -> Result<(BTreeMap<LineKey, u32>, Decimal), ShopError> {
    let mut stmt = conn.prepare_cached("SELECT data FROM invoices WHERE credits = ?1")?;
    let mut rows = stmt.query([invoice])?;
    let mut lines: BTreeMap<LineKey, u32> = BTreeMap::new();
    let mut shipping = Decimal::ZERO;
    while let Some(row) = rows.next()? {
        let cn: Invoice = serde_json::from_str(&row.get::<_, String>(0)?)?;
        for l in &cn.lines {
            *lines.entry(key(l)).or_default() += l.quantity;
        }
        shipping += cn.totals.shipping;
    }
    Ok((lines, shipping))
}

type LineKey = (Option<String>, Option<u32>, String);

fn key(l: &InvoiceLine) -> LineKey {
    (l.order_number.clone(), l.order_line, l.sku.clone())
}

/// A credit note for an invoice: the given quantities per SKU at the
/// invoice's unit prices, or everything not credited yet (the shipping
/// charge too). More than the invoice billed less what earlier credit
/// notes credited is refused.
pub fn credit(
    conn: &mut Connection,
    number: &str,
    lines: &[(String, u32)],
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Invoice, ShopError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let note = credit_in(&tx, number, lines, reason, now)?;
    tx.commit()?;
    tracing::info!(credit_note = %note.number, invoice = number, "credit note issued");
    Ok(note)
}

pub(crate) fn credit_in(
    tx: &Transaction<'_>,
    number: &str,
    lines: &[(String, u32)],
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Invoice, ShopError> {
    let Stored { company_id, invoice, .. } = load(tx, None, number)?;
    if invoice.kind != InvoiceKind::Invoice {
        return Err(ShopError::InvalidRequest(format!(
            "{} is a credit note; a credit note credits an invoice",
            invoice.number
        )));
    }
    let reason = text("reason", reason, MAX_REASON_CHARS, true)?;
    let (before, shipping_before) = credited_before(tx, &invoice.number)?;
    let left = |l: &InvoiceLine| l.quantity.saturating_sub(before.get(&key(l)).copied().unwrap_or(0));
    let mut credit_qty = vec![0u32; invoice.lines.len()];
    let mut shipping = Decimal::ZERO;
    if lines.is_empty() {
        for (q, l) in credit_qty.iter_mut().zip(&invoice.lines) {
            *q = left(l);
        }
        shipping = (invoice.totals.shipping - shipping_before).max(Decimal::ZERO);
    } else {
        let mut asked: BTreeMap<&str, u32> = BTreeMap::new();
        for (sku, qty) in lines {
            let sku = sku.trim();
            if !invoice.lines.iter().any(|l| l.sku == sku) {
                let skus: Vec<&str> = invoice.lines.iter().map(|l| l.sku.as_str()).collect();
                return Err(ShopError::Refused {
                    code: codes::UNKNOWN_SKU,
                    message: format!("{sku} is not on invoice {} (its lines: {})", invoice.number, skus.join(", ")),
                });
            }
            if *qty == 0 || *qty > limits::MAX_QUANTITY {
                return Err(ShopError::InvalidRequest(format!(
                    "the quantity of {sku} is {qty}; credit 1 to {} units",
                    limits::MAX_QUANTITY
                )));
            }
            if asked.insert(sku, *qty).is_some() {
                return Err(ShopError::InvalidRequest(format!("{sku} is named twice")));
            }
        }
        for (sku, qty) in asked {
            let billed: u64 = invoice.lines.iter().filter(|l| l.sku == sku).map(|l| u64::from(l.quantity)).sum();
            let open: u64 = invoice.lines.iter().filter(|l| l.sku == sku).map(|l| u64::from(left(l))).sum();
            if u64::from(qty) > open {
                return Err(ShopError::Refused {
                    code: codes::EXCEEDS_OPEN,
                    message: format!(
                        "cannot credit {qty} of {sku}: invoice {} billed {billed}, earlier credit notes credited {}, \
                         {open} left",
                        invoice.number,
                        billed - open
                    ),
                });
            }
            let mut rest = qty;
            for (q, l) in credit_qty.iter_mut().zip(&invoice.lines).filter(|(_, l)| l.sku == sku) {
                let take = rest.min(left(l));
                *q = take;
                rest -= take;
            }
        }
    }
    let mut note_lines = Vec::new();
    for (l, q) in invoice.lines.iter().zip(&credit_qty).filter(|(_, q)| **q > 0) {
        note_lines.push(InvoiceLine {
            line: u32::try_from(note_lines.len() + 1).unwrap_or(u32::MAX),
            quantity: *q,
            line_total: money::line_total(l.unit_price, *q),
            ..l.clone()
        });
    }
    if note_lines.is_empty() && shipping.is_zero() {
        return Err(ShopError::Conflict {
            code: codes::NOTHING_OPEN,
            message: format!("invoice {} is credited in full already", invoice.number),
        });
    }
    let mut rates: Vec<(Decimal, Decimal)> = note_lines.iter().map(|l| (l.line_total, l.vat_rate)).collect();
    if note_lines.is_empty() {
        // Only the shipping charge is left: at the invoice's highest rate, as billed.
        let top = invoice.lines.iter().map(|l| l.vat_rate).max().unwrap_or_default();
        rates.push((Decimal::ZERO, top));
    }
    let totals = money::checked_totals(&invoice.totals.currency, rates, shipping)
        .ok_or_else(|| ShopError::InvalidRequest("the credit note's total is more than this shop can price".into()))?;
    let mut orders: Vec<String> = Vec::new();
    for o in note_lines.iter().filter_map(|l| l.order_number.clone()).chain(invoice.order_numbers.iter().cloned()) {
        if !orders.contains(&o) {
            orders.push(o);
        }
    }
    let issued = now.date_naive();
    let mut note = Invoice {
        number: String::new(),
        kind: InvoiceKind::CreditNote,
        issue_date: issued,
        due_date: issued,
        payment_terms: invoice.payment_terms.clone(),
        early_payment: None,
        order_numbers: orders,
        credits_invoice: Some(invoice.number.clone()),
        reason,
        lines: note_lines,
        paid: Decimal::ZERO,
        open: totals.gross,
        status: PaymentStatus::Open,
        totals,
        payments: vec![],
        disputes: vec![],
    };
    insert(tx, company_id, &mut note, db::next_seq(tx)?)?;
    Ok(note)
}

/// Records a payment of an invoice (or, for a credit note, the refund or
/// offset that settles it). Without an amount it pays what is open — or,
/// within the early-payment period of an invoice nothing is paid of yet,
/// the discounted amount. A payment of exactly the discounted amount
/// within that period settles the invoice: the discount is recorded as a
/// second payment ("early payment discount"). More than is open, nothing,
/// or a fraction of a cent is refused.
pub fn pay(
    conn: &mut Connection,
    number: &str,
    amount: Option<Decimal>,
    reference: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Invoice, ShopError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let invoice = pay_in(&tx, number, amount, reference, now.date_naive())?;
    tx.commit()?;
    tracing::info!(invoice = %invoice.number, status = invoice.status.as_str(), "payment recorded");
    Ok(invoice)
}

pub(crate) fn pay_in(
    tx: &Transaction<'_>,
    number: &str,
    amount: Option<Decimal>,
    reference: Option<&str>,
    date: NaiveDate,
) -> Result<Invoice, ShopError> {
    let Stored { id, mut invoice, .. } = load(tx, None, number)?;
    let reference = text("payment reference", reference, fulfil::MAX_TEXT_CHARS, false)?;
    if invoice.open <= Decimal::ZERO {
        return Err(ShopError::Conflict {
            code: codes::NOTHING_OPEN,
            message: format!("{} is paid in full already", invoice.number),
        });
    }
    if date < invoice.issue_date {
        return Err(ShopError::InvalidRequest(format!(
            "a payment on {date} is before {} was issued ({})",
            invoice.number, invoice.issue_date
        )));
    }
    let early = invoice
        .early_payment
        .clone()
        .filter(|e| invoice.kind == InvoiceKind::Invoice && invoice.paid.is_zero() && date <= e.until);
    let amount = amount.unwrap_or_else(|| early.as_ref().map_or(invoice.open, |e| e.amount));
    if amount <= Decimal::ZERO {
        return Err(ShopError::InvalidRequest(format!("a payment is above zero, not {amount}")));
    }
    if amount.normalize().scale() > 2 {
        return Err(ShopError::InvalidRequest(format!("a payment has at most two decimals, not {amount}")));
    }
    let cur = &invoice.totals.currency;
    if amount > invoice.open {
        return Err(ShopError::Refused {
            code: codes::EXCEEDS_OPEN,
            message: format!(
                "a payment of {} {cur} is more than the {} {cur} open on {}",
                money::format_amount(amount),
                money::format_amount(invoice.open),
                invoice.number
            ),
        });
    }
    invoice.payments.push(Payment { date, amount: money::round_cents(amount), reference });
    if let Some(e) = early.filter(|e| e.amount == amount) {
        invoice.payments.push(Payment {
            date,
            amount: e.discount,
            reference: Some(format!("early payment discount {} %", e.percent.normalize())),
        });
    }
    invoice.paid = money::round_cents(invoice.payments.iter().map(|p| p.amount).sum());
    invoice.open = money::round_cents(invoice.totals.gross - invoice.paid);
    invoice.status = PaymentStatus::of(invoice.totals.gross, invoice.paid);
    save(tx, id, &invoice, db::next_seq(tx)?)?;
    Ok(invoice)
}

/// The buyer disputes an invoice of their company: the reason is kept on
/// it, for the supplier to see.
pub fn dispute(
    conn: &mut Connection,
    company_id: i64,
    user_id: i64,
    number: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Invoice, ShopError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Stored { id, mut invoice, .. } = load(&tx, Some(company_id), number)?;
    let reason = text("reason", Some(reason), MAX_REASON_CHARS, true)?.ok_or_else(|| ShopError::Refused {
        code: codes::INVALID_REQUEST,
        message: "a dispute needs a reason for the supplier".into(),
    })?;
    let by = company::user(&tx, user_id)?.username;
    invoice.disputes.push(Dispute { at: now, by, reason });
    save(&tx, id, &invoice, db::next_seq(&tx)?)?;
    tx.commit()?;
    tracing::info!(invoice = %invoice.number, company_id, "invoice disputed");
    Ok(invoice)
}

/// One invoice, with its company's code; with `company_id`, only of that company.
pub fn get(conn: &Connection, company_id: Option<i64>, number: &str) -> Result<(String, Invoice), ShopError> {
    let s = load(conn, company_id, number)?;
    Ok((s.company, s.invoice))
}

/// Invoices and credit notes, newest first, with their company's code: of
/// one company or of all; `open_only`: those not paid in full.
pub fn list(conn: &Connection, company: Option<&str>, open_only: bool) -> Result<Vec<(String, Invoice)>, ShopError> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.code, i.data FROM invoices i JOIN companies c ON c.id = i.company_id
         WHERE (?1 IS NULL OR c.code = ?1 COLLATE NOCASE) AND (?2 = 0 OR i.status <> 'paid')
         ORDER BY i.id DESC",
    )?;
    let rows: Vec<(String, String)> =
        stmt.query_map(params![company, open_only], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
    rows.into_iter().map(|(c, d)| Ok((c, serde_json::from_str(&d)?))).collect()
}

/// What the company owes on its invoices: the open amounts of its open
/// invoices less those of its open credit notes.
pub fn open_items(conn: &Connection, company_id: i64) -> Result<Decimal, ShopError> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, open FROM invoices WHERE company_id = ?1 AND status IN ('open', 'partly_paid')",
    )?;
    let mut rows = stmt.query([company_id])?;
    let mut sum = Decimal::ZERO;
    while let Some(row) = rows.next()? {
        let open = company::decimal(&row.get::<_, String>(1)?)?;
        if row.get::<_, String>(0)? == InvoiceKind::CreditNote.as_str() {
            sum -= open;
        } else {
            sum += open;
        }
    }
    Ok(sum)
}

/// An invoice's totals and state as one line, for the supplier's command line.
pub fn summary(i: &Invoice) -> String {
    let cur = &i.totals.currency;
    let Totals { gross, .. } = &i.totals;
    format!(
        "gross {} {cur}, paid {}, open {} ({})",
        money::format_amount(*gross),
        money::format_amount(i.paid),
        money::format_amount(i.open),
        i.status.as_str().replace('_', " ")
    )
}
