//! Previewing and submitting orders without losing or doubling one.

use super::baskets::{Merge, prepare_merge};
use super::{Error, Result, Supplier};
use crate::api::{Order, OrderDraft, Preview, codes};
use crate::backend::{BackendError, Capabilities};
use crate::core::basket::{self, Basket, PendingSubmission, PlacedOrder, PricedBasket, Submission as LastSubmission};
use crate::core::order::{self, CheckoutOptions, PriceChange};
use crate::service::{ErrorKind, Remedy};
use chrono::Utc;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Checkout {
    pub basket: PricedBasket,
    pub draft: OrderDraft,
    pub preview: Preview,
    /// Lines whose price on the shop differs from what the basket showed.
    pub price_changes: Vec<PriceChange>,
    /// How much the order's gross total is above the available credit (the
    /// shop refuses such an order); `None` when it fits or there is no limit.
    pub credit_shortfall: Option<rust_decimal::Decimal>,
    /// The basket has an order waiting for the shop: `draft` is that order,
    /// which a submit sends as it was, not the basket as it is now.
    pub waiting: bool,
    /// The shop's refusal a submit would meet once the prices pass: the PO
    /// number is on another order (`duplicate_po`). The order is priced all
    /// the same, so the buyer sees what the prices are.
    #[serde(skip)]
    pub refusal: Option<crate::api::ApiError>,
}

/// Which price changes may pass at submit. Decreases always pass.
#[derive(Debug, Clone, Default)]
pub struct PriceGuard {
    /// Every change passes (`--yes`).
    pub accept_all: bool,
    /// Increases up to this many percent pass (`--max-increase`).
    pub max_increase: Option<rust_decimal::Decimal>,
    /// Changes the buyer was shown and accepted: these pass.
    pub seen: Vec<PriceChange>,
}

impl PriceGuard {
    pub fn passes(&self, c: &PriceChange) -> bool {
        self.accept_all
            || !c.is_increase()
            || self.seen.contains(c)
            || self.max_increase.is_some_and(|m| c.percent().is_some_and(|p| p <= m))
    }

    /// The changes that stop the order.
    pub fn blocked(&self, changes: &[PriceChange]) -> Vec<PriceChange> {
        changes.iter().filter(|c| !self.passes(c)).cloned().collect()
    }
}

/// What became of a submission.
#[derive(Debug)]
pub enum Submission {
    Placed(Box<Submitted>),
    /// Prices changed that the guard does not let pass: nothing was sent.
    /// The checkout shows them; submit again with them seen to accept.
    PricesChanged(Box<Checkout>),
}

/// The basket priced from the cache; an error naming every line that
/// cannot be ordered as it is.
fn price_basket(sup: &Supplier, b: &Basket) -> Result<PricedBasket> {
    let cache = sup.synced_cache()?;
    if b.lines.is_empty() {
        return Err(Error::Refused {
            code: super::error::codes::BASKET_EMPTY,
            message: format!("basket {:?} is empty", b.name),
        });
    }
    let (priced, details) = basket::checked(b, &cache);
    if !priced.orderable {
        // One entry per problem, with the basket line it is on: scripts read
        // `error.details`, people read one line each.
        let mut skus: Vec<&str> = details.iter().map(|d| d.sku.as_str()).collect();
        skus.dedup();
        let message = format!("basket {:?} cannot be ordered as it is: {}", b.name, skus.join(", "));
        return Err(Error::RejectedWith {
            message: message.clone(),
            details: crate::api::ApiError { code: codes::INVALID_ORDER.into(), message, details },
        });
    }
    Ok(priced)
}

/// What `submit` would do, checked as `submit` checks it, without placing
/// anything: the basket priced locally, then priced and checked by the shop
/// with the key the order would carry (so a PO number another order holds
/// is refused, and a rerun of the order placed last names that order in
/// `preview.replay_of`). A basket with an order waiting for the shop
/// previews that order (`waiting`), as submit sends it. `price_changes`
/// compares the shop's prices with the agreed ones.
pub async fn preview(sup: &Supplier, basket_name: &str, opts: &CheckoutOptions) -> Result<Checkout> {
    sup.require_login()?;
    let b = sup.baskets().load_own(basket_name)?;
    if let Some(p) = waiting_draft(&b, basket_name, opts)? {
        return preview_waiting(sup, &b, p).await;
    }
    preview_basket(sup, &b, opts).await
}

/// The waiting submission of a basket that a submit with `opts` would send;
/// a submit naming another PO number is refused (`order_waiting`).
fn waiting_draft(b: &Basket, basket_name: &str, opts: &CheckoutOptions) -> Result<Option<PendingSubmission>> {
    let Some(p) = b.pending.as_ref().filter(|p| p.draft.is_some()) else { return Ok(None) };
    let po = opts.po_number.trim();
    if !po.is_empty() && po != p.po_number {
        return Err(Error::Refused {
            code: super::error::codes::ORDER_WAITING,
            message: format!(
                "basket {basket_name:?} has an order waiting to be sent (PO {}, since {}): send it with \
                 `procure order submit --basket {basket_name}` or drop it with `procure order discard-pending \
                 {basket_name}`",
                p.po_number,
                p.started_at.format("%Y-%m-%d %H:%M UTC")
            ),
        });
    }
    Ok(Some(p.clone()))
}

/// The preview of a waiting order: its draft as it was written, with its key.
async fn preview_waiting(sup: &Supplier, b: &Basket, p: PendingSubmission) -> Result<Checkout> {
    let cache = sup.synced_cache()?;
    let priced = basket::price(b, &cache);
    let Some(draft) = p.draft else { return Err(Error::Internal("a waiting order without its draft".into())) };
    let (preview, refusal) = shop_preview(sup, &draft, Some(&p.idempotency_key)).await?;
    checked(priced, draft, preview, true, refusal)
}

/// The shop's preview of `draft` as placing it with `key` would meet it. A
/// PO number another order holds is the refusal placing would answer with;
/// the draft is then priced as one allowed to have it, so the buyer sees
/// the prices (and a price change, which stops a submit first).
async fn shop_preview(
    sup: &Supplier,
    draft: &OrderDraft,
    key: Option<&str>,
) -> Result<(Preview, Option<crate::api::ApiError>)> {
    match sup.backend.preview(draft, key).await {
        Ok(p) => Ok((p, None)),
        Err(BackendError::Rejected(e)) if e.code == codes::DUPLICATE_PO => {
            let allowed = OrderDraft { allow_duplicate_po: true, ..draft.clone() };
            Ok((sup.backend.preview(&allowed, None).await?, Some(e)))
        }
        Err(e) => Err(e.into()),
    }
}

async fn preview_basket(sup: &Supplier, b: &Basket, opts: &CheckoutOptions) -> Result<Checkout> {
    sup.require_login()?;
    check_supported(sup.backend.capabilities(), opts)?;
    let priced = price_basket(sup, b)?;
    order::validate_options(opts, sup.clock.today())
        .map_err(|message| Error::Refused { code: codes::INVALID_ORDER, message })?;
    let draft = order::draft_from(&priced, opts);
    // The key submit would send: the last order's, when this is that order again.
    let last = b.last_submission.as_ref().filter(|l| !draft.allow_duplicate_po && l.draft == draft);
    let (mut preview, mut refusal) = shop_preview(sup, &draft, last.map(|l| l.idempotency_key.as_str())).await?;
    if let Some(l) = last
        && preview.replay_of.is_some()
        && order::accept_prices(&draft, &preview) != l.draft
    {
        // Prices moved since: submit would place a new order, and check its PO number.
        (preview, refusal) = shop_preview(sup, &draft, None).await?;
    }
    checked(priced, draft, preview, false, refusal)
}

/// The checkout of a previewed draft; a preview with line problems is an error.
fn checked(
    priced: PricedBasket,
    draft: OrderDraft,
    preview: Preview,
    waiting: bool,
    refusal: Option<crate::api::ApiError>,
) -> Result<Checkout> {
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
    let credit_shortfall = credit_shortfall(&preview);
    Ok(Checkout { basket: priced, draft, preview, price_changes, credit_shortfall, waiting, refusal })
}

/// What the shop would refuse a submit of this checkout with once its
/// prices pass (a submit stops on a price change first): a PO number
/// another order holds, or an order above the available credit (a replay
/// places nothing: no refusal).
pub fn refusal(c: &Checkout) -> Option<Error> {
    if let Some(e) = &c.refusal {
        return Some(Error::DuplicatePo(e.clone()));
    }
    let short = c.credit_shortfall.filter(|_| c.preview.replay_of.is_none())?;
    let cur = &c.preview.credit.as_ref()?.currency;
    let amount = crate::core::money::format_amount;
    Some(Error::Refused {
        code: codes::CREDIT_LIMIT_EXCEEDED,
        message: format!(
            "this order ({} {cur}) exceeds your available credit by {} {cur}: the shop refuses it",
            amount(c.preview.totals.gross),
            amount(short)
        ),
    })
}

fn credit_shortfall(preview: &Preview) -> Option<rust_decimal::Decimal> {
    let available = preview.credit.as_ref()?.available?;
    let gross = preview.totals.gross;
    (gross > available).then(|| gross - available)
}

/// Refuses, before anything is sent, an option the shop cannot carry: the
/// buyer hears it up front instead of finding it missing on the order.
fn check_supported(caps: Capabilities, opts: &CheckoutOptions) -> Result<()> {
    let unsupported = |what: &str, remedy| Error::NeedsChoice {
        kind: ErrorKind::Rejected,
        message: BackendError::Unsupported("").to_string() + what,
        remedy,
    };
    if opts.requested_delivery_date.is_some() && !caps.requested_delivery_date {
        return Err(unsupported("a requested delivery date", Remedy::NoDeliveryDate));
    }
    if opts.ship_complete && !caps.ship_complete {
        return Err(unsupported("complete-only delivery", Remedy::NoShipComplete));
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct Submitted {
    pub order: Order,
    /// The shop had this submission already (a retry, a rerun, another
    /// process submitting the same basket): no second order was made.
    pub replayed: bool,
    /// Price changes that passed: accepted, within `--max-increase`, or decreases.
    pub accepted_price_changes: Vec<PriceChange>,
    /// This was an order that waited (shop unreachable) and was now sent.
    pub resumed: bool,
}

/// Waits for a basket's lock without blocking the async runtime.
pub(crate) async fn lock_basket(sup: &Supplier, name: &str) -> Result<crate::store::lock::FileLock> {
    let store = sup.baskets();
    let name = name.to_string();
    tokio::task::spawn_blocking(move || store.lock(&name))
        .await
        .map_err(|e| Error::Internal(format!("waiting for the basket lock: {e}")))?
        .map_err(Error::from)
}

/// Previews the basket on the shop and places it when no price change stops
/// it. The basket stays locked for the whole submission, so concurrent
/// submissions of one basket make one order and edits wait for it.
///
/// - A waiting submission (written before an earlier send that got no
///   answer) is resumed first: the same draft with the same key.
/// - The same order as the last one placed from this basket (a rerun of a
///   script, a second process) reuses its key: the shop replays that order.
/// - The draft and its key are written to the basket before the first send.
pub async fn submit(
    sup: &Supplier,
    basket_name: &str,
    opts: &CheckoutOptions,
    guard: &PriceGuard,
) -> Result<Submission> {
    sup.require_login()?;
    let _lock = lock_basket(sup, basket_name).await?;
    let store = sup.baskets();
    let mut b = store.load_own(basket_name)?;
    if let Some(p) = waiting_draft(&b, basket_name, opts)?
        && let Some(draft) = p.draft
    {
        let key = p.idempotency_key;
        tracing::info!(basket = basket_name, po = %draft.po_number, "resuming a waiting submission");
        return send(sup, basket_name, draft, &key, vec![], true).await.map(|s| Submission::Placed(Box::new(s)));
    }
    let checkout = match preview_basket(sup, &b, opts).await {
        Ok(c) => c,
        Err(e) if e.kind() == super::ErrorKind::Unreachable => {
            // The shop cannot be asked now: the order waits, at the prices the
            // buyer agreed to (or accepted on the screen); the shop refuses it
            // later if a price is not that any more.
            let priced = price_basket(sup, &b)?;
            let mut draft = order::draft_from(&priced, opts);
            for l in &mut draft.lines {
                if let Some(c) = guard.seen.iter().find(|c| c.sku == l.sku && c.quantity == l.quantity) {
                    l.expected_unit_price = Some(c.now);
                }
            }
            let key = b.pending.as_ref().map(|p| p.idempotency_key.clone()).unwrap_or_else(new_key);
            b.pending = Some(PendingSubmission {
                idempotency_key: key,
                po_number: draft.po_number.clone(),
                started_at: sup.clock.now(),
                draft: Some(draft),
            });
            store.save(&b)?;
            return Err(waits(sup, basket_name, &e));
        }
        Err(e) => return Err(e),
    };
    if !guard.blocked(&checkout.price_changes).is_empty() {
        return Ok(Submission::PricesChanged(Box::new(checkout)));
    }
    if let Some(e) = checkout.refusal {
        return Err(Error::DuplicatePo(e));
    }
    let draft = order::accept_prices(&checkout.draft, &checkout.preview);
    let key = match (&b.pending, &b.last_submission) {
        (Some(p), _) => p.idempotency_key.clone(),
        (None, Some(last)) if last.draft == draft && !draft.allow_duplicate_po => last.idempotency_key.clone(),
        _ => new_key(),
    };
    b.pending = Some(PendingSubmission {
        idempotency_key: key.clone(),
        po_number: draft.po_number.clone(),
        started_at: sup.clock.now(),
        draft: Some(draft.clone()),
    });
    store.save(&b)?;
    send(sup, basket_name, draft, &key, checkout.price_changes.clone(), false)
        .await
        .map(|s| Submission::Placed(Box::new(s)))
}

/// Sends a draft whose submission is written to the basket; the caller holds
/// the basket's lock. What is kept afterwards depends on whether the order
/// may have reached the shop: only then does the submission keep waiting.
async fn send(
    sup: &Supplier,
    basket_name: &str,
    draft: OrderDraft,
    key: &str,
    accepted: Vec<PriceChange>,
    resumed: bool,
) -> Result<Submitted> {
    let store = sup.baskets();
    tracing::info!(basket = basket_name, po = %draft.po_number, "submitting order");
    let result = sup.backend.create_order(&draft, key).await;
    let mut b = store.load(basket_name)?;
    let waiting = matches!(
        &result,
        Err(BackendError::Unreachable { .. }
            | BackendError::Timeout { .. }
            | BackendError::Server(_)
            | BackendError::Protocol(_)
            | BackendError::Auth(_)
            | BackendError::LocalState(_))
    );
    if !waiting {
        b.pending = None;
    }
    match result {
        Ok(created) => {
            let order = created.order;
            if !b.orders.iter().any(|o| o.number == order.number) {
                b.orders.push(PlacedOrder {
                    number: order.number.clone(),
                    date: order.created_at.date_naive(),
                    po_number: order.po_number.clone(),
                });
            }
            // What was paid is what was agreed, until the buyer accepts another price.
            for l in &order.lines {
                b.agree(&l.sku, Some(l.unit_price_each()));
            }
            b.last_submission =
                Some(LastSubmission { idempotency_key: key.to_string(), order: order.number.clone(), draft });
            store.save(&b)?;
            tracing::info!(order = %order.number, replayed = created.replayed, "order placed");
            Ok(Submitted { order, replayed: created.replayed, accepted_price_changes: accepted, resumed })
        }
        Err(BackendError::Rejected(e)) if e.code == codes::IDEMPOTENCY_MISMATCH => {
            // The earlier submission did reach the shop, with other content.
            store.save(&b)?;
            Err(Error::Refused {
                code: codes::IDEMPOTENCY_MISMATCH,
                message: format!(
                    "an earlier submission of this basket was already placed ({}); the basket changed since. \
                     Check `procure order list`; submitting again now places a new order",
                    e.message
                ),
            })
        }
        Err(BackendError::Rejected(e)) if e.code == codes::DUPLICATE_PO => {
            store.save(&b)?;
            Err(Error::DuplicatePo(e))
        }
        Err(BackendError::LocalState(what)) => {
            // A file on this computer stopped it (a Peppol outbox that cannot
            // be written): the message says where and why; nothing was sent.
            store.save(&b)?;
            Err(Error::Backend(BackendError::LocalState(format!(
                "{what}. The order waits with basket {basket_name:?}: once that is fixed, run the same command \
                 again (or `procure order submit --basket {basket_name}`) — it is sent with the same key, so it \
                 cannot be placed twice"
            ))))
        }
        Err(e) if waiting => {
            store.save(&b)?;
            Err(waits(sup, basket_name, &e.into()))
        }
        Err(e) => {
            store.save(&b)?;
            Err(e.into())
        }
    }
}

fn new_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The error of a submission that was written to the basket and waits.
fn waits(sup: &Supplier, basket_name: &str, e: &Error) -> Error {
    // The error names the shop already: its reason alone, once.
    let e = match e {
        Error::Backend(b) => b.reason(),
        other => other.to_string(),
    };
    Error::Backend(BackendError::Unreachable {
        url: sup.profile.shop.clone(),
        reason: format!(
            "{e}. The order may or may not have reached the shop; it waits with basket {basket_name:?}: run the \
             same command again (or `procure order submit --basket {basket_name}`, or start the terminal app) — it \
             is sent with the same key, so it cannot be placed twice"
        ),
    })
}

/// A submission that waits to be sent.
#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    pub basket: String,
    pub po_number: String,
    pub started_at: chrono::DateTime<Utc>,
    /// `line_count` in JSON, as in the other lists.
    #[serde(rename = "line_count")]
    pub lines: usize,
    /// The draft was written with it, so it can be sent as it was.
    pub resumable: bool,
    /// The basket was changed after the order was written: the change is
    /// not in the order that waits (it is sent as it was).
    pub basket_changed: bool,
}

impl Waiting {
    fn of(name: &str, b: &Basket) -> Option<Waiting> {
        let p = b.pending.as_ref()?;
        Some(Waiting {
            basket: name.to_string(),
            po_number: p.po_number.clone(),
            started_at: p.started_at,
            lines: p.draft.as_ref().map(|d| d.lines.len()).unwrap_or(0),
            resumable: p.draft.is_some(),
            basket_changed: p.draft.as_ref().is_some_and(|d| {
                let sent = d.lines.iter().map(|l| (&l.sku, l.quantity, l.note.as_deref()));
                !sent.eq(b.lines.iter().map(|l| (&l.sku, l.qty, l.note.as_deref())))
            }),
        })
    }

    /// What a face says when a basket with a waiting order is changed.
    pub fn describe_edit(&self) -> String {
        format!(
            "basket {} has an order waiting for the shop (PO {}, {} line{}, since {}): this change is not in it — \
             it is sent as it was written",
            self.basket,
            self.po_number,
            self.lines,
            if self.lines == 1 { "" } else { "s" },
            self.started_at.format("%Y-%m-%d %H:%M UTC")
        )
    }
}

/// Every basket with a submission that waits for the shop.
pub fn pending(sup: &Supplier) -> Result<Vec<Waiting>> {
    Ok(sup.baskets().list()?.into_iter().filter_map(|(name, b)| Waiting::of(&name, &b.ok()?)).collect())
}

/// The order that waits in basket `name`, if one does.
pub fn waiting_in(sup: &Supplier, name: &str) -> Option<Waiting> {
    Waiting::of(name, &sup.baskets().load(name).ok()?)
}

/// Sends every waiting submission (the terminal app does this at start).
pub async fn resume_all(sup: &Supplier) -> Result<Vec<(String, Result<Submitted>)>> {
    let mut out = Vec::new();
    for w in pending(sup)?.into_iter().filter(|w| w.resumable) {
        let r =
            submit(sup, &w.basket, &CheckoutOptions::default(), &PriceGuard::default()).await.and_then(|s| match s {
                Submission::Placed(s) => Ok(*s),
                Submission::PricesChanged(c) => {
                    Err(Error::PricesChanged(PriceGuard::default().blocked(&c.price_changes)))
                }
            });
        out.push((w.basket, r));
    }
    Ok(out)
}

/// Drops a waiting submission. If it did reach the shop, the order stays
/// there (see `procure order list`); nothing is cancelled.
pub async fn discard_pending(sup: &Supplier, basket_name: &str) -> Result<Waiting> {
    let _lock = lock_basket(sup, basket_name).await?;
    let store = sup.baskets();
    let mut b = store.load(basket_name)?;
    let Some(w) = Waiting::of(basket_name, &b) else {
        return Err(Error::Rejected(format!("basket {basket_name:?} has no order waiting to be sent")));
    };
    b.pending = None;
    store.save(&b)?;
    Ok(w)
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
    /// One unit's price on the old order and now (`money::per_unit`).
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
/// Into a basket with lines, `merge` says whether to add or replace.
pub async fn reorder(sup: &Supplier, number: &str, into: &str, merge: Merge) -> Result<ReorderReport> {
    sup.require_login()?;
    basket::validate_name(into).map_err(Error::Rejected)?;
    let order = super::history::order(sup, number).await?;
    let _lock = lock_basket(sup, into).await?;
    reorder_into(sup, order, into, merge)
}

fn reorder_into(sup: &Supplier, order: Order, into: &str, merge: Merge) -> Result<ReorderReport> {
    let cache = sup.synced_cache()?;
    let store = sup.baskets();
    let mut b = if store.exists(into) { store.load_own(into)? } else { basket::Basket::new(into, sup.clock.now()) };
    prepare_merge(&mut b, merge, &format!("order {}", order.number))?;
    let mut lines = Vec::new();
    let mut skipped = Vec::new();
    for l in &order.lines {
        let Some(ordered) = cache.get_product(&l.sku)? else {
            skipped.push((l.sku.clone(), "no longer in the catalog".to_string()));
            continue;
        };
        let Some(product) = super::discontinued::successor(&cache, ordered)? else {
            skipped.push((l.sku.clone(), "discontinued without a successor".to_string()));
            continue;
        };
        let replaced = product.sku != l.sku;
        let tiers = cache.get_prices(&product.sku)?.map(|e| e.tiers).unwrap_or_default();
        let rules = crate::core::quantity::QuantityRules::of(&product, &tiers);
        let qty = rules.next_valid(l.quantity);
        if let Err(e) = b.add(&product, &tiers, qty) {
            skipped.push((l.sku.clone(), e.to_string()));
            continue;
        }
        if l.note.is_some() {
            let _ = b.set_note(&product.sku, l.note.clone());
        }
        let new_unit_price = crate::core::money::unit_price_for(&tiers, qty);
        // The report shows this price: it is the agreed one.
        b.agree(&product.sku, new_unit_price);
        lines.push(ReorderLine {
            ordered_sku: l.sku.clone(),
            sku: product.sku.clone(),
            qty,
            replaced,
            old_unit_price: l.unit_price_each(),
            new_unit_price,
        });
    }
    // The basket's lock is held: a plain save, also for a new basket.
    store.save(&b)?;
    Ok(ReorderReport { order: order.number, basket: into.to_string(), lines, skipped })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn change(sku: &str, seen: rust_decimal::Decimal, now: rust_decimal::Decimal) -> PriceChange {
        PriceChange::new(sku, 1, Some(seen), now)
    }

    #[test]
    fn decreases_pass_and_increases_within_the_limit() {
        let up5 = change("A", dec!(100), dec!(105));
        let up20 = change("B", dec!(100), dec!(120));
        let down = change("C", dec!(100), dec!(90));
        let none = PriceGuard::default();
        assert_eq!(none.blocked(&[up5.clone(), up20.clone(), down.clone()]), vec![up5.clone(), up20.clone()]);
        let ten = PriceGuard { max_increase: Some(dec!(10)), ..Default::default() };
        assert_eq!(ten.blocked(&[up5.clone(), up20.clone(), down]), vec![up20]);
        let exact = PriceGuard { max_increase: Some(dec!(5)), ..Default::default() };
        assert!(exact.blocked(&[up5]).is_empty(), "an increase of exactly the limit passes");
        let unseen = PriceChange::new("D", 1, None, dec!(1));
        assert_eq!(ten.blocked(std::slice::from_ref(&unseen)).len(), 1, "a price nobody saw never passes by percent");
    }

    #[test]
    fn only_changes_the_buyer_saw_pass() {
        let a = change("A", dec!(1.00), dec!(1.10));
        let b = change("B", dec!(2.00), dec!(2.50));
        let guard = PriceGuard { seen: vec![a.clone()], ..Default::default() };
        assert_eq!(guard.blocked(&[a.clone(), b.clone()]), vec![b.clone()]);
        assert!(guard.blocked(std::slice::from_ref(&a)).is_empty());
        // The same line at yet another price was not seen.
        let a2 = change("A", dec!(1.00), dec!(1.20));
        assert_eq!(guard.blocked(std::slice::from_ref(&a2)).len(), 1);
        let yes = PriceGuard { accept_all: true, ..Default::default() };
        assert!(yes.blocked(&[a, b]).is_empty());
    }

    #[test]
    fn credit_shortfall_is_gross_above_available() {
        let mut p = Preview {
            lines: vec![],
            totals: crate::api::Totals {
                currency: "EUR".into(),
                net: dec!(9000),
                shipping: dec!(0),
                vat: dec!(1710),
                gross: dec!(10710),
            },
            errors: vec![],
            needs_approval: false,
            earliest_delivery: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            credit: Some(crate::api::Credit {
                currency: "EUR".into(),
                limit: Some(dec!(10000)),
                open_balance: dec!(0),
                available: Some(dec!(10000)),
            }),
            replay_of: None,
        };
        assert_eq!(credit_shortfall(&p), Some(dec!(710)));
        p.totals.gross = dec!(10000);
        assert_eq!(credit_shortfall(&p), None, "exactly the available credit fits");
        p.credit.as_mut().unwrap().available = None;
        assert_eq!(credit_shortfall(&p), None, "no limit");
    }

    #[test]
    fn options_a_shop_cannot_carry_are_refused_up_front() {
        let all = Capabilities::ALL;
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
        assert_eq!(e.to_string(), "this shop does not support a requested delivery date");
        assert_eq!(e.remedy(), Some(crate::service::error::Remedy::NoDeliveryDate));
        let no_complete = Capabilities { ship_complete: false, ..all };
        let e = check_supported(no_complete, &opts).unwrap_err();
        assert_eq!(e.to_string(), "this shop does not support complete-only delivery");
        assert_eq!(e.remedy(), Some(crate::service::error::Remedy::NoShipComplete));
    }
}
