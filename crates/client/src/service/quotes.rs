//! Quote requests: from a basket to the supplier's offer to an order.

use super::{Error, Result, Supplier};
use crate::api::{AcceptQuote, AcceptedQuote, Quote, QuoteRequest, QuoteRequestLine, QuoteSummary, Reason};
use crate::backend::BackendError;
use crate::core::basket::{PendingSubmission, PlacedOrder};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Sends a basket as a quote request. `targets`: target unit prices per SKU.
/// The idempotency key is kept with the basket until the shop confirms.
pub async fn request(
    sup: &Supplier,
    basket_name: &str,
    targets: &BTreeMap<String, Decimal>,
    requested_delivery_date: Option<NaiveDate>,
    comment: Option<String>,
) -> Result<Quote> {
    sup.require_login()?;
    if !sup.backend.capabilities().quote_requests {
        return Err(BackendError::Unsupported("quote requests").into());
    }
    // Locked like a submission: concurrent requests of one basket share one key.
    let _lock = super::ordering::lock_basket(sup, basket_name).await?;
    let store = sup.baskets();
    let mut b = store.load_own(basket_name)?;
    if b.lines.is_empty() {
        return Err(Error::Rejected(format!("basket {basket_name:?} is empty")));
    }
    if let Some(unknown) = targets.keys().find(|s| b.line(s).is_none()) {
        return Err(Error::Rejected(format!("target price for {unknown}: that SKU is not in basket {basket_name:?}")));
    }
    if let Some((sku, p)) = targets.iter().find(|(_, p)| **p <= Decimal::ZERO) {
        return Err(Error::Rejected(format!("target price for {sku}: it must be above zero, got {p}")));
    }
    // Today is the buyer's local date, as for an order (see `service::clock`).
    if let Some(d) = requested_delivery_date
        && d < sup.clock.today()
    {
        return Err(Error::Rejected(format!("the requested delivery date {d} is in the past")));
    }
    let request = QuoteRequest {
        lines: b
            .lines
            .iter()
            .map(|l| QuoteRequestLine {
                sku: l.sku.clone(),
                quantity: l.qty,
                target_unit_price: targets.get(&l.sku).copied(),
                note: l.note.clone(),
            })
            .collect(),
        requested_delivery_date,
        comment: comment.filter(|c| !c.trim().is_empty()),
    };
    let key = match &b.pending_quote {
        Some(p) => p.idempotency_key.clone(),
        None => {
            let key = uuid::Uuid::new_v4().to_string();
            b.pending_quote = Some(PendingSubmission {
                idempotency_key: key.clone(),
                po_number: String::new(),
                started_at: sup.clock.now(),
                draft: None,
            });
            store.save(&b)?;
            key
        }
    };
    let quote = sup.backend.request_quote(&request, &key).await?;
    let mut b = store.load(basket_name)?;
    b.pending_quote = None;
    if !b.quotes.iter().any(|q| q.number == quote.number) {
        b.quotes.push(PlacedOrder {
            number: quote.number.clone(),
            date: quote.created_at.date_naive(),
            po_number: String::new(),
        });
    }
    store.save(&b)?;
    Ok(quote)
}

pub async fn list(sup: &Supplier) -> Result<Vec<QuoteSummary>> {
    sup.require_login()?;
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = sup.backend.quotes(cursor.as_deref()).await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) if out.len() < 1000 => cursor = Some(c),
            _ => break,
        }
    }
    Ok(out)
}

/// The company's quote requests; without the shop, as last seen.
pub async fn list_or_seen(sup: &Supplier) -> Result<super::seen::Seen<Vec<QuoteSummary>>> {
    super::seen::fresh_or_seen(sup, "quotes", list(sup)).await
}

pub async fn show(sup: &Supplier, number: &str) -> Result<Quote> {
    sup.require_login()?;
    Ok(sup.backend.quote(number).await?)
}

/// An accepted offer and its order.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Accepted {
    pub quote: Quote,
    pub order: crate::api::Order,
    /// The acceptance had gone through already (a retry after a lost
    /// answer): this is the order it made, no second one.
    pub replayed: bool,
}

/// Accepts an offer. A retry after a lost answer is a replay: when the
/// quote is already accepted with an order of this PO number, that order is
/// the answer.
pub async fn accept(sup: &Supplier, number: &str, accept: &AcceptQuote) -> Result<Accepted> {
    sup.require_login()?;
    procure_protocol::limits::check_po_number(&accept.po_number)
        .map_err(|why| Error::Rejected(format!("cannot accept the offer: {why}")))?;
    match sup.backend.accept_quote(number, accept).await {
        Ok(AcceptedQuote { quote, order }) => Ok(Accepted { quote, order, replayed: false }),
        Err(BackendError::Rejected(e)) if e.code == crate::api::codes::QUOTE_NOT_OPEN => {
            let quote = sup.backend.quote(number).await?;
            if quote.status == crate::api::QuoteStatus::Accepted
                && let Some(order_number) = quote.order_number.clone()
            {
                let order = sup.backend.order(&order_number).await?;
                if order.po_number.trim() == accept.po_number.trim() {
                    return Ok(Accepted { quote, order, replayed: true });
                }
            }
            Err(BackendError::Rejected(e).into())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn decline(sup: &Supplier, number: &str, reason: Option<String>) -> Result<Quote> {
    sup.require_login()?;
    Ok(sup.backend.decline_quote(number, &Reason { reason }).await?)
}

pub async fn message(sup: &Supplier, number: &str, text: &str) -> Result<Quote> {
    sup.require_login()?;
    if text.trim().is_empty() {
        return Err(Error::Rejected("the message is empty".into()));
    }
    Ok(sup.backend.quote_message(number, text).await?)
}
