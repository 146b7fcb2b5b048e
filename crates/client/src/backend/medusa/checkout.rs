//! Placing an order at a Medusa store: the draft's lines checked against
//! the current catalog, one cart per submission, the buyer's prices compared
//! with the cart's before anything is completed, and retries that complete
//! or read the cart on record instead of making a second order.

use super::map::{self, Part, keys};
use super::wire;
use super::{MedusaBackend, local, state};
use crate::api::{ApiError, LineError, OrderDraft, codes, po_number_taken};
use crate::backend::{BackendError, Created, Result};
use crate::core::money;
use crate::core::quantity::QuantityRules;
use chrono::Utc;
use serde_json::{Value, json};
use std::collections::HashMap;

/// How far back a lost submission is searched for by its key.
const KEY_SEARCH_ORDERS: usize = 50;

fn rejected(code: &str, message: String, details: Vec<LineError>) -> BackendError {
    BackendError::Rejected(ApiError { code: code.into(), message, details })
}

fn line_error(line: usize, sku: &str, code: &str, message: String) -> LineError {
    LineError {
        line,
        sku: sku.to_string(),
        code: code.into(),
        message,
        current_unit_price: None,
        suggested_quantity: None,
    }
}

/// A customer address as Medusa's cart takes it (empty fields left out).
fn address_body(a: &wire::CustomerAddress) -> Value {
    let mut m = serde_json::Map::new();
    for (k, v) in [
        ("company", &a.company),
        ("first_name", &a.first_name),
        ("last_name", &a.last_name),
        ("address_1", &a.address_1),
        ("address_2", &a.address_2),
        ("city", &a.city),
        ("postal_code", &a.postal_code),
        ("country_code", &a.country_code),
        ("province", &a.province),
        ("phone", &a.phone),
    ] {
        if let Some(v) = v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            m.insert(k.into(), Value::String(v.to_string()));
        }
    }
    Value::Object(m)
}

/// The shipping option a draft names, or the first one.
pub(super) fn pick_shipping<'a>(
    options: &'a [wire::ShippingOption],
    wanted: Option<&str>,
) -> Result<&'a wire::ShippingOption> {
    match wanted {
        Some(id) => options.iter().find(|o| o.id == id).ok_or_else(|| {
            rejected(
                codes::INVALID_ORDER,
                format!(
                    "unknown shipping method {id:?}; this store offers: {}",
                    options.iter().map(|o| format!("{} ({})", o.id, o.name)).collect::<Vec<_>>().join(", ")
                ),
                vec![],
            )
        }),
        None => options.first().ok_or_else(|| {
            rejected(codes::INVALID_ORDER, "the store offers no shipping method for your region".into(), vec![])
        }),
    }
}

/// The customer address a draft ships to: the one it names, else the
/// default shipping address, else the first. `None`: the customer has no
/// saved address (the cart keeps the region's country only).
pub(super) fn pick_address<'a>(
    c: &'a wire::Customer,
    wanted: Option<&str>,
) -> Result<Option<&'a wire::CustomerAddress>> {
    match wanted {
        Some(id) if c.addresses.is_empty() && id == map::REGION_ADDRESS_ID => Ok(None),
        Some(id) => c.addresses.iter().find(|a| a.id == id).map(Some).ok_or_else(|| {
            rejected(
                codes::INVALID_ORDER,
                format!(
                    "unknown ship-to {id:?}; your addresses at this store: {}",
                    if c.addresses.is_empty() {
                        "none".to_string()
                    } else {
                        c.addresses.iter().map(|a| a.id.clone()).collect::<Vec<_>>().join(", ")
                    }
                ),
                vec![],
            )
        }),
        None => Ok(c.addresses.iter().find(|a| a.is_default_shipping).or(c.addresses.first())),
    }
}

/// Per-line problems of a draft against the current catalog, before any cart exists.
pub(super) fn check_lines(draft: &OrderDraft, parts: &HashMap<String, Part>, region: &str) -> Vec<LineError> {
    let mut errors = Vec::new();
    for (i, l) in draft.lines.iter().enumerate() {
        let Some(part) = parts.get(&l.sku) else {
            errors.push(line_error(
                i,
                &l.sku,
                codes::UNKNOWN_SKU,
                format!("{} is not (or no longer) sold to you by this store", l.sku),
            ));
            continue;
        };
        if part.price.is_none() {
            errors.push(line_error(
                i,
                &l.sku,
                codes::PRICE_ON_REQUEST,
                format!("{} has no price in region {region}", l.sku),
            ));
            continue;
        }
        let tiers = part.price.as_ref().map_or(&[][..], |e| &e.tiers);
        if let Err(e) = QuantityRules::of(&part.product, tiers).check(l.quantity) {
            let mut err = line_error(i, &l.sku, codes::INVALID_QUANTITY, e.to_string());
            err.suggested_quantity = Some(e.suggested);
            errors.push(err);
            continue;
        }
        if part.stock_limited && l.quantity > part.product.stock {
            let mut err = line_error(
                i,
                &l.sku,
                codes::INSUFFICIENT_STOCK,
                format!("only {} of {} in stock, and this store takes no backorders for it", part.product.stock, l.sku),
            );
            err.suggested_quantity = Some(part.product.stock).filter(|s| *s > 0);
            errors.push(err);
        }
    }
    errors
}

fn refuse_lines(errors: Vec<LineError>) -> BackendError {
    let message = errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ");
    rejected(codes::INVALID_ORDER, message, errors)
}

/// Lines whose price in the cart differs from the price the buyer saw.
fn price_changes(draft: &OrderDraft, items: &[wire::LineItem]) -> Result<Vec<LineError>> {
    let mut changes = Vec::new();
    for (i, l) in draft.lines.iter().enumerate() {
        let item =
            items.iter().find(|it| wire::meta(&it.metadata, keys::LINE).is_some_and(|p| p == i.to_string().as_str()));
        let Some(item) = item else {
            return Err(BackendError::Protocol(format!("the store's cart lacks line {} ({})", i + 1, l.sku)));
        };
        if item.is_tax_inclusive == Some(true) {
            return Err(BackendError::Misconfigured(map::MapError::TaxInclusive.to_string()));
        }
        let now = item.unit_price();
        if let Some(seen) = l.expected_unit_price
            && seen != now
        {
            changes.push(LineError {
                line: i,
                sku: l.sku.clone(),
                code: codes::PRICE_CHANGED.into(),
                message: format!("{}: {} → {}", l.sku, money::format_amount(seen), money::format_amount(now)),
                current_unit_price: Some(now),
                suggested_quantity: None,
            });
        }
    }
    Ok(changes)
}

impl MedusaBackend {
    async fn get_cart(&self, id: &str) -> Result<wire::Cart> {
        let body: wire::CartBody = self.get(&format!("/store/carts/{id}"), &[("fields", "id,completed_at")]).await?;
        Ok(body.cart)
    }

    /// Completes a cart; completing a completed cart returns the same order.
    async fn complete(&self, cart_id: &str) -> Result<String> {
        let done: wire::Completed =
            self.post(&format!("/store/carts/{cart_id}/complete"), &[("fields", "id")], &json!({})).await?;
        match (done.kind.as_str(), done.order) {
            ("order", Some(o)) => Ok(o.id),
            _ => Err(rejected(
                codes::INVALID_ORDER,
                format!(
                    "the store did not place the order: {}",
                    done.error.and_then(|e| e.message).unwrap_or_else(|| "no reason given".into())
                ),
                vec![],
            )),
        }
    }

    /// A recent order carrying this idempotency key, if any.
    pub(super) async fn order_with_key(&self, key: &str) -> Result<Option<wire::Order>> {
        let page = self.orders_page(0, KEY_SEARCH_ORDERS, "id,created_at,metadata").await?;
        let found = page.orders.iter().find(|o| wire::meta(&o.metadata, keys::IDEMPOTENCY_KEY).as_deref() == Some(key));
        match found {
            Some(o) => Ok(Some(self.order_by_id(&o.id).await?)),
            None => Ok(None),
        }
    }

    fn remember_order(&self, key: &str, order_id: &str) -> Result<()> {
        self.state
            .update(|s| {
                if let Some(sub) = s.submissions.get_mut(key) {
                    sub.order_id = Some(order_id.to_string());
                }
            })
            .map_err(local)
    }

    /// A retry of a submission whose cart is on record: the order that cart
    /// became, or `None` when it never became one (then start afresh).
    pub(super) async fn resume(
        &self,
        key: &str,
        sub: &state::Submission,
        fingerprint: &str,
    ) -> Result<Option<Created>> {
        let cart = match self.get_cart(&sub.cart_id).await {
            Ok(c) => Some(c),
            Err(BackendError::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let completed = sub.order_id.is_some() || cart.as_ref().is_some_and(|c| c.completed_at.is_some());
        if completed {
            let order_id = match &sub.order_id {
                Some(id) => id.clone(),
                None => self.complete(&sub.cart_id).await?,
            };
            self.remember_order(key, &order_id)?;
            let order = map::order(&self.order_by_id(&order_id).await?);
            if sub.fingerprint != fingerprint {
                return Err(rejected(
                    codes::IDEMPOTENCY_MISMATCH,
                    format!("order {} came from it", order.number),
                    vec![],
                ));
            }
            return Ok(Some(Created { order, replayed: true }));
        }
        if cart.is_none() || sub.fingerprint != fingerprint {
            // That cart never became an order; the basket changed since, or the cart is gone.
            return Ok(None);
        }
        // The earlier try may have stopped right before completing.
        match self.complete(&sub.cart_id).await {
            Ok(order_id) => {
                self.remember_order(key, &order_id)?;
                let order = map::order(&self.order_by_id(&order_id).await?);
                Ok(Some(Created { order, replayed: false }))
            }
            // Not ready to complete (no payment session yet, …): no order from it.
            Err(BackendError::Rejected(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The customer's order that holds this PO number (in its metadata), if
    /// any: Medusa has no such rule, procure keeps the protocol's
    /// (`api::po_number_taken`).
    pub(super) async fn order_with_po(&self, po: &str) -> Result<Option<wire::Order>> {
        let mut offset = 0;
        loop {
            let page =
                self.orders_page(offset, 100, "id,display_id,status,fulfillment_status,created_at,metadata").await?;
            if let Some(o) = page.orders.iter().find(|o| {
                wire::meta(&o.metadata, keys::PO_NUMBER).is_some_and(|held| po_number_taken(po, &held, map::status(o)))
            }) {
                return Ok(Some(o.clone()));
            }
            offset += page.orders.len();
            if page.orders.is_empty() || offset >= page.count.as_u32() as usize {
                return Ok(None);
            }
        }
    }

    /// Refuses a PO number another order holds, unless the draft allows it.
    pub(super) async fn check_po_unused(&self, draft: &OrderDraft) -> Result<()> {
        if !draft.allow_duplicate_po
            && let Some(o) = self.order_with_po(&draft.po_number).await?
        {
            let number = o.display_id.map(|d| d.0.to_string()).unwrap_or_else(|| o.id.clone());
            return Err(BackendError::Rejected(ApiError::duplicate_po(
                &draft.po_number,
                &number,
                o.created_at.date_naive(),
            )));
        }
        Ok(())
    }

    /// The order a submission with this key became, for a preview: placing
    /// the same draft with it answers with that order; another draft is
    /// refused. `None`: the key made no order (yet).
    pub(super) async fn replay_of(&self, key: &str, draft: &OrderDraft) -> Result<Option<String>> {
        let known = self.state.load().map_err(local)?.submissions.get(key).cloned();
        let order = match known.as_ref().and_then(|s| s.order_id.clone()) {
            Some(id) => Some(self.order_by_id(&id).await?),
            None if known.is_none() => self.order_with_key(key).await?,
            None => None,
        };
        let Some(order) = order else { return Ok(None) };
        let order = map::order(&order);
        if known.is_some_and(|s| s.fingerprint != state::fingerprint(draft)) {
            return Err(rejected(codes::IDEMPOTENCY_MISMATCH, format!("order {} came from it", order.number), vec![]));
        }
        Ok(Some(order.number))
    }

    /// A new cart for the draft, completed into an order.
    pub(super) async fn place(&self, draft: &OrderDraft, key: &str, fingerprint: &str) -> Result<Created> {
        self.check_po_unused(draft).await?;
        let skus: Vec<&str> = draft.lines.iter().map(|l| l.sku.as_str()).collect();
        let parts = self.parts_by_sku(&skus).await?;
        let errors = check_lines(draft, &parts, &self.settings.region_id);
        if !errors.is_empty() {
            return Err(refuse_lines(errors));
        }
        let customer = self.customer().await?;
        let ship = pick_address(&customer, draft.ship_to.as_deref())?;
        let bill = customer.addresses.iter().find(|a| a.is_default_billing).or(ship);

        let mut metadata = serde_json::Map::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
                metadata.insert(k.into(), Value::String(v));
            }
        };
        put(keys::IDEMPOTENCY_KEY, Some(key.to_string()));
        put(keys::PO_NUMBER, Some(draft.po_number.clone()));
        put(keys::REQUESTED_DELIVERY_DATE, draft.requested_delivery_date.map(|d| d.to_string()));
        put(keys::SHIP_COMPLETE, Some(draft.ship_complete.to_string()));
        put(keys::COMMENT, draft.comment.clone());
        put(keys::SHIP_TO, ship.map(|a| a.id.clone()));

        let items: Vec<Value> = draft
            .lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| {
                let part = parts.get(&l.sku)?;
                let mut meta = json!({ keys::LINE: i.to_string() });
                if let Some(n) = l.note.as_deref().filter(|n| !n.trim().is_empty()) {
                    meta[keys::NOTE] = Value::String(n.to_string());
                }
                Some(json!({ "variant_id": part.variant_id, "quantity": l.quantity, "metadata": meta }))
            })
            .collect();
        let mut body = json!({
            "region_id": self.settings.region_id,
            "metadata": metadata,
            "items": items,
        });
        if let Some(a) = ship {
            body["shipping_address"] = address_body(a);
        }
        if let Some(a) = bill {
            body["billing_address"] = address_body(a);
        }
        let cart: wire::CartBody = self.post("/store/carts", &[("fields", "id,*items")], &body).await?;
        let cart = cart.cart;
        // On record before anything can become an order.
        self.state
            .update(|s| {
                s.submissions.insert(
                    key.to_string(),
                    state::Submission {
                        cart_id: cart.id.clone(),
                        fingerprint: fingerprint.to_string(),
                        started_at: Utc::now(),
                        order_id: None,
                    },
                );
            })
            .map_err(local)?;

        let changes = price_changes(draft, &cart.items)?;
        if !changes.is_empty() {
            return Err(BackendError::PriceChanged(ApiError {
                code: codes::PRICE_CHANGED.into(),
                message: format!(
                    "prices changed at the store: {}",
                    changes.iter().map(|c| c.message.clone()).collect::<Vec<_>>().join(", ")
                ),
                details: changes,
            }));
        }

        let options = self.shipping_options(&cart.id).await?;
        let option = pick_shipping(&options, draft.shipping_method.as_deref())?;
        let _: wire::CartBody = self
            .post(
                &format!("/store/carts/{}/shipping-methods", cart.id),
                &[("fields", "id")],
                &json!({ "option_id": option.id }),
            )
            .await?;
        // The payment session last: any later change to the cart would drop it.
        let pc: wire::PaymentCollectionBody =
            self.post("/store/payment-collections", &[("fields", "id")], &json!({ "cart_id": cart.id })).await?;
        let session_path = format!("/store/payment-collections/{}/payment-sessions", pc.payment_collection.id);
        let session = json!({ "provider_id": self.settings.payment_provider });
        let created: Result<wire::PaymentCollectionBody> =
            self.post(&session_path, &[("fields", "id")], &session).await;
        if let Err(e) = created {
            // Medusa creates the customer's payment account holder on their
            // first payment session; two first checkouts of one customer at
            // once make one of them fail with "… already exists". The holder
            // is there now, so the same request, once more, succeeds.
            if !is_account_holder_race(&e) {
                return Err(e);
            }
            tracing::info!("payment account holder created concurrently; asking for the payment session again");
            let _: wire::PaymentCollectionBody = self.post(&session_path, &[("fields", "id")], &session).await?;
        }
        let order_id = self.complete(&cart.id).await?;
        self.remember_order(key, &order_id)?;
        let order = map::order(&self.order_by_id(&order_id).await?);
        Ok(Created { order, replayed: false })
    }
}

/// Medusa's answer when another request created the customer's payment
/// account holder a moment earlier.
fn is_account_holder_race(e: &BackendError) -> bool {
    e.api_error().is_some_and(|a| a.message.contains("Account holder") && a.message.contains("already exists"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api;
    use crate::api::PriceEntry;

    #[test]
    fn only_the_account_holder_race_is_asked_again() {
        let rejected = |message: &str| {
            BackendError::Rejected(ApiError { code: "invalid_data".into(), message: message.into(), details: vec![] })
        };
        assert!(is_account_holder_race(&rejected(
            "Account holder with provider_id: pp_system_default, external_id: cus_01, already exists."
        )));
        assert!(!is_account_holder_race(&rejected("Cart is already completed")));
        assert!(!is_account_holder_race(&BackendError::Unreachable { url: "u".into(), reason: "r".into() }));
    }

    fn part(sku: &str, stock: u32, limited: bool) -> Part {
        Part {
            variant_id: format!("v-{sku}"),
            product: api::Product {
                sku: sku.into(),
                mpn: sku.into(),
                manufacturer: String::new(),
                gtin: String::new(),
                name: sku.into(),
                description: String::new(),
                category: String::new(),
                unit: "pc".into(),
                pack_size: 1,
                min_qty: 1,
                order_step: 1,
                stock,
                lead_time_days: 0,
                attributes: vec![],
                documents: vec![],
                replaced_by: None,
                discontinued: false,
            },
            price: Some(PriceEntry {
                sku: sku.into(),
                tiers: vec![api::Tier::new(1, rust_decimal::Decimal::ONE)],
                vat_rate: rust_decimal::Decimal::from(19),
            }),
            stock_limited: limited,
        }
    }

    fn draft(lines: &[(&str, u32)]) -> OrderDraft {
        OrderDraft {
            po_number: "PO".into(),
            lines: lines
                .iter()
                .map(|(s, q)| api::DraftLine {
                    sku: s.to_string(),
                    quantity: *q,
                    expected_unit_price: Some(rust_decimal::Decimal::ONE),
                    note: None,
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn lines_are_checked_before_any_cart_exists() {
        let parts: HashMap<String, Part> =
            [part("A", 3, true), part("B", 0, false)].into_iter().map(|p| (p.product.sku.clone(), p)).collect();
        let errors = check_lines(&draft(&[("A", 2), ("A", 4), ("B", 100), ("X", 1), ("A", 0)]), &parts, "DE");
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.code.as_str())).collect();
        assert_eq!(found, vec![(1, "insufficient_stock"), (3, "unknown_sku"), (4, "invalid_quantity")]);
        assert_eq!(errors[0].suggested_quantity, Some(3));
        // A part without a price is what the reference shop calls it.
        let mut unpriced = part("C", 10, false);
        unpriced.price = None;
        let parts: HashMap<String, Part> = [("C".to_string(), unpriced)].into();
        let errors = check_lines(&draft(&[("C", 1)]), &parts, "DE");
        assert_eq!(errors[0].code, codes::PRICE_ON_REQUEST);
    }

    #[test]
    fn cart_prices_are_compared_with_what_the_buyer_saw() {
        let items: Vec<wire::LineItem> = serde_json::from_slice(&wire::exact_numbers(
            br#"[{"variant_sku":"B","quantity":1,"unit_price":1.1,"metadata":{"procure_line":"1"}},
                 {"variant_sku":"A","quantity":1,"unit_price":1,"metadata":{"procure_line":"0"}}]"#,
        ))
        .unwrap();
        let changes = price_changes(&draft(&[("A", 1), ("B", 1)]), &items).unwrap();
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].sku, "B");
        assert_eq!(changes[0].current_unit_price, Some(rust_decimal::Decimal::new(11, 1)));
        assert!(price_changes(&draft(&[("A", 1), ("B", 1), ("C", 1)]), &items).is_err());
    }
}
