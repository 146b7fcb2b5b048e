//! Previewing and submitting orders without losing or doubling one.

use super::{Context, Error, Result};
use crate::api::{Order, OrderDraft, Preview, codes};
use crate::backend::BackendError;
use crate::core::basket::{self, PendingSubmission, PlacedOrder, PricedBasket};
use crate::core::order::{self, CheckoutOptions, PriceChange};
use crate::core::sanitize::Clean;
use chrono::Utc;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Checkout {
    pub basket: PricedBasket,
    pub draft: OrderDraft,
    pub preview: Preview,
    /// Lines whose price on the shop differs from what the basket showed.
    pub price_changes: Vec<PriceChange>,
}

/// Prices the basket locally, then asks the shop to price and check the order.
pub async fn preview(ctx: &Context, basket_name: &str, opts: &CheckoutOptions) -> Result<Checkout> {
    ctx.require_login()?;
    let cache = ctx.synced_cache()?;
    let b = ctx.baskets().load(basket_name)?;
    if b.lines.is_empty() {
        return Err(Error::Rejected(format!("basket {basket_name:?} is empty")));
    }
    let priced = basket::price(&b, &cache);
    if !priced.orderable {
        let problems: Vec<String> = priced
            .lines
            .iter()
            .filter(|l| !l.warnings.is_empty())
            .map(|l| format!("{}: {}", l.sku, l.warnings.join("; ")))
            .collect();
        return Err(Error::Rejected(format!(
            "basket {basket_name:?} cannot be ordered as it is: {}",
            problems.join(" | ")
        )));
    }
    order::validate_options(opts, Utc::now().date_naive()).map_err(Error::Rejected)?;
    let draft = order::draft_from(&priced, opts);
    let mut preview = ctx.shop.preview(&draft).await?;
    preview.clean();
    if !preview.errors.is_empty() {
        let message = preview
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.sku, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        return Err(Error::RejectedWith {
            message: format!("the shop refuses this order: {message}"),
            details: crate::api::ApiError {
                code: codes::INVALID_ORDER.into(),
                message,
                details: preview.errors.clone(),
            },
        });
    }
    let price_changes = order::price_changes(&draft, &preview);
    Ok(Checkout {
        basket: priced,
        draft,
        preview,
        price_changes,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Submitted {
    pub order: Order,
    /// The shop had this submission already (a retry): no second order was made.
    pub replayed: bool,
    pub accepted_price_changes: Vec<PriceChange>,
}

/// Places the order previewed in `checkout`. Price changes stop it unless
/// `accept_changes`. The idempotency key is saved with the basket before the
/// first send and reused on every retry until the shop confirms.
pub async fn submit(
    ctx: &Context,
    basket_name: &str,
    checkout: &Checkout,
    accept_changes: bool,
) -> Result<Submitted> {
    if !checkout.price_changes.is_empty() && !accept_changes {
        return Err(Error::PricesChanged(checkout.price_changes.clone()));
    }
    let draft = order::accept_prices(&checkout.draft, &checkout.preview);
    let store = ctx.baskets();
    let mut b = store.load(basket_name)?;
    let key = match &b.pending {
        Some(p) => p.idempotency_key.clone(),
        None => {
            let key = uuid::Uuid::new_v4().to_string();
            b.pending = Some(PendingSubmission {
                idempotency_key: key.clone(),
                po_number: draft.po_number.clone(),
                started_at: Utc::now(),
            });
            store.save(&b)?;
            key
        }
    };
    tracing::info!(basket = basket_name, po = %draft.po_number, "submitting order");
    match ctx.shop.create_order(&draft, &key).await {
        Ok(created) => {
            let mut order = created.order;
            order.clean();
            let mut b = store.load(basket_name)?;
            b.pending = None;
            if !b.orders.iter().any(|o| o.number == order.number) {
                b.orders.push(PlacedOrder {
                    number: order.number.clone(),
                    date: order.created_at.date_naive(),
                    po_number: order.po_number.clone(),
                });
            }
            store.save(&b)?;
            tracing::info!(order = %order.number, replayed = created.replayed, "order placed");
            Ok(Submitted {
                order,
                replayed: created.replayed,
                accepted_price_changes: checkout.price_changes.clone(),
            })
        }
        Err(BackendError::Rejected(e)) if e.code == codes::IDEMPOTENCY_MISMATCH => {
            // The earlier submission did reach the shop, with other content.
            let mut b = store.load(basket_name)?;
            b.pending = None;
            store.save(&b)?;
            Err(Error::Rejected(format!(
                "an earlier submission of this basket was already placed ({}); the basket changed since. \
                 Check `procure order list`; submitting again now places a new order",
                e.message
            )))
        }
        Err(
            e @ (BackendError::Unreachable { .. }
            | BackendError::Timeout { .. }
            | BackendError::Server(_)),
        ) => Err(Error::Backend(BackendError::Unreachable {
            url: ctx.profile.shop.clone(),
            reason: format!(
                "{e}. The order may or may not have reached the shop: run the same command again — \
                     it reuses this submission's key, so the order cannot be placed twice"
            ),
        })),
        Err(e) => Err(e.into()),
    }
}

pub async fn list(ctx: &Context, limit: usize) -> Result<Vec<crate::api::OrderSummary>> {
    ctx.require_login()?;
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = ctx.shop.orders(cursor.as_deref()).await?;
        out.extend(page.items.into_iter().map(|mut o| {
            o.clean();
            o
        }));
        match page.next_cursor {
            Some(c) if out.len() < limit => cursor = Some(c),
            _ => break,
        }
    }
    out.truncate(limit);
    Ok(out)
}

pub async fn show(ctx: &Context, number: &str) -> Result<Order> {
    ctx.require_login()?;
    let mut o = ctx.shop.order(number).await?;
    o.clean();
    Ok(o)
}
