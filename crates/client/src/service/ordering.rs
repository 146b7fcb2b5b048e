//! Previewing and submitting orders without losing or doubling one.

use super::{Context, Error, Result};
use crate::api::{Order, OrderDraft, Preview, codes};
use crate::backend::{BackendError, Capabilities};
use crate::core::basket::{self, PendingSubmission, PlacedOrder, PricedBasket};
use crate::core::order::{self, CheckoutOptions, PriceChange};
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

/// The basket priced from the cache; an error naming every line that
/// cannot be ordered as it is.
fn price_basket(ctx: &Context, basket_name: &str) -> Result<PricedBasket> {
    let cache = ctx.synced_cache()?;
    let b = ctx.baskets().load(basket_name)?;
    if b.lines.is_empty() {
        return Err(Error::Rejected(format!("basket {basket_name:?} is empty")));
    }
    let priced = basket::price(&b, &cache);
    if !priced.orderable {
        // One entry per problem, with the basket line it is on: scripts read
        // `error.details`, people read one line each.
        let details: Vec<crate::api::LineError> = priced
            .lines
            .iter()
            .enumerate()
            .flat_map(|(i, l)| {
                l.warnings.iter().map(move |w| crate::api::LineError {
                    line: i,
                    sku: l.sku.clone(),
                    code: codes::INVALID_ORDER.into(),
                    message: w.clone(),
                    current_unit_price: None,
                    suggested_quantity: None,
                })
            })
            .collect();
        let mut skus: Vec<&str> = details.iter().map(|d| d.sku.as_str()).collect();
        skus.dedup();
        let message = format!("basket {basket_name:?} cannot be ordered as it is: {}", skus.join(", "));
        return Err(Error::RejectedWith {
            message: message.clone(),
            details: crate::api::ApiError { code: codes::INVALID_ORDER.into(), message, details },
        });
    }
    Ok(priced)
}

/// Prices the basket locally, then asks the shop to price and check the order.
pub async fn preview(ctx: &Context, basket_name: &str, opts: &CheckoutOptions) -> Result<Checkout> {
    ctx.require_login()?;
    check_supported(ctx.shop.capabilities(), opts)?;
    let priced = price_basket(ctx, basket_name)?;
    order::validate_options(opts, Utc::now().date_naive()).map_err(Error::Rejected)?;
    let draft = order::draft_from(&priced, opts);
    let preview = ctx.shop.preview(&draft).await?;
    if !preview.errors.is_empty() {
        let message = preview.errors.iter().map(|e| format!("{}: {}", e.sku, e.message)).collect::<Vec<_>>().join("; ");
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
    Ok(Checkout { basket: priced, draft, preview, price_changes })
}

/// Refuses, before anything is sent, an option the shop cannot carry: the
/// buyer hears it up front instead of finding it missing on the order.
fn check_supported(caps: Capabilities, opts: &CheckoutOptions) -> Result<()> {
    if opts.requested_delivery_date.is_some() && !caps.requested_delivery_date {
        return Err(BackendError::Unsupported("a requested delivery date (--deliver-on)").into());
    }
    if opts.ship_complete && !caps.ship_complete {
        return Err(BackendError::Unsupported("complete-only delivery (--ship-complete)").into());
    }
    Ok(())
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
pub async fn submit(ctx: &Context, basket_name: &str, checkout: &Checkout, accept_changes: bool) -> Result<Submitted> {
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
            let order = created.order;
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
            Ok(Submitted { order, replayed: created.replayed, accepted_price_changes: checkout.price_changes.clone() })
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
        Err(e @ (BackendError::Unreachable { .. } | BackendError::Timeout { .. } | BackendError::Server(_))) => {
            Err(Error::Backend(BackendError::Unreachable {
                url: ctx.profile.shop.clone(),
                reason: format!(
                    "{e}. The order may or may not have reached the shop: run the same command again — \
                     it reuses this submission's key, so the order cannot be placed twice"
                ),
            }))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn list(ctx: &Context, limit: usize) -> Result<Vec<crate::api::OrderSummary>> {
    ctx.require_login()?;
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = ctx.shop.orders(cursor.as_deref()).await?;
        out.extend(page.items);
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
    Ok(ctx.shop.order(number).await?)
}

#[derive(Debug, Clone, Serialize)]
pub struct ReorderLine {
    /// The part on the old order.
    pub ordered_sku: String,
    /// The part now in the basket: the same, or the successor of a discontinued part.
    pub sku: String,
    #[serde(rename = "quantity")]
    pub qty: u32,
    pub replaced: bool,
    pub old_unit_price: rust_decimal::Decimal,
    pub new_unit_price: Option<rust_decimal::Decimal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReorderReport {
    pub order: String,
    pub basket: String,
    pub lines: Vec<ReorderLine>,
    /// Lines that could not be carried over, with the reason; in JSON
    /// `{"sku", "reason"}` objects.
    #[serde(serialize_with = "sku_reasons")]
    pub skipped: Vec<(String, String)>,
}

fn sku_reasons<S: serde::Serializer>(items: &[(String, String)], s: S) -> std::result::Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Skipped<'a> {
        sku: &'a str,
        reason: &'a str,
    }
    s.collect_seq(items.iter().map(|(sku, reason)| Skipped { sku, reason }))
}

/// Copies a past order into a basket (created when missing, otherwise added
/// to). Discontinued parts are replaced by their successor — reported, never
/// silently — and price changes since that order are shown.
pub async fn reorder(ctx: &Context, number: &str, into: &str) -> Result<ReorderReport> {
    let order = show(ctx, number).await?;
    reorder_into(ctx, order, into)
}

fn reorder_into(ctx: &Context, order: Order, into: &str) -> Result<ReorderReport> {
    let cache = ctx.synced_cache()?;
    let store = ctx.baskets();
    basket::validate_name(into).map_err(Error::Rejected)?;
    let mut b = if store.exists(into) { store.load(into)? } else { basket::Basket::new(into, Utc::now()) };
    let mut lines = Vec::new();
    let mut skipped = Vec::new();
    for l in &order.lines {
        let Some(mut product) = cache.get_product(&l.sku)? else {
            skipped.push((l.sku.clone(), "no longer in the catalog".to_string()));
            continue;
        };
        let mut replaced = false;
        // Follow the chain of successors (bounded, in case of a cycle).
        for _ in 0..8 {
            if !product.discontinued {
                break;
            }
            match product.replaced_by.as_deref().map(|s| cache.get_product(s)).transpose()?.flatten() {
                Some(next) => {
                    product = next;
                    replaced = true;
                }
                None => break,
            }
        }
        if product.discontinued {
            skipped.push((l.sku.clone(), "discontinued without a successor".to_string()));
            continue;
        }
        let rules = crate::core::quantity::QuantityRules::of(&product);
        let qty = rules.next_valid(l.quantity);
        if let Err(e) = b.add(&product, qty) {
            skipped.push((l.sku.clone(), e.to_string()));
            continue;
        }
        if l.note.is_some() {
            let _ = b.set_note(&product.sku, l.note.clone());
        }
        let new_unit_price =
            cache.get_prices(&product.sku)?.and_then(|e| crate::core::money::unit_price_for(&e.tiers, qty));
        lines.push(ReorderLine {
            ordered_sku: l.sku.clone(),
            sku: product.sku.clone(),
            qty,
            replaced,
            old_unit_price: l.unit_price,
            new_unit_price,
        });
    }
    if store.exists(into) {
        store.save(&b)?;
    } else {
        store.create(&b)?;
    }
    Ok(ReorderReport { order: order.number, basket: into.to_string(), lines, skipped })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_a_shop_cannot_carry_are_refused_up_front() {
        let all = Capabilities {
            company_accounts: true,
            po_number: true,
            requested_delivery_date: true,
            ship_complete: true,
            tier_prices: true,
            documents: true,
            incremental_sync: true,
            order_preview: true,
            quote_requests: true,
            approvals: true,
            credit: true,
        };
        let opts = CheckoutOptions {
            po_number: "PO-1".into(),
            requested_delivery_date: chrono::NaiveDate::from_ymd_opt(2030, 1, 2),
            ship_complete: true,
            ..Default::default()
        };
        assert!(check_supported(all, &opts).is_ok());
        let no_dates = Capabilities { requested_delivery_date: false, ..all };
        let e = check_supported(no_dates, &opts).unwrap_err();
        assert_eq!(e.kind(), crate::service::ErrorKind::Rejected);
        assert!(e.to_string().contains("--deliver-on"), "{e}");
        let no_complete = Capabilities { ship_complete: false, ..all };
        assert!(check_supported(no_complete, &opts).unwrap_err().to_string().contains("--ship-complete"));
    }
}
