//! A Medusa v2 store as a procure shop, through Medusa's store API as a
//! logged-in customer (tests/medusa/API.md records the behaviour relied on).
//!
//! - Catalog: one part per product variant; the price is the variant's
//!   `calculated_amount` for this customer, so a customer group's price list
//!   applies. One price per part (no quantity tiers), net, with the VAT rate
//!   of the region's country. Every sync is a full one (no change feed).
//! - Orders: a cart per submission (lines, addresses, shipping method,
//!   payment session on the system provider = on account, then complete).
//!   PO number, requested delivery date, ship-complete, comment and line
//!   notes travel in cart and line metadata, which Medusa copies to the order.
//! - Idempotency: the cart of a submission is recorded under its key before
//!   it is completed; a retry completes or reads that same cart, and
//!   completing a completed cart returns its order (see `state`).
//! - Order numbers are Medusa's display ids ("12"), what the store's staff see.

mod checkout;
mod map;
mod state;
mod wire;

use super::http::{Dialect, HttpClient};
use super::{Backend, BackendError, Capabilities, Created, Fetched, Result, Timeouts};
use crate::api::{
    self, ApiError, CatalogPage, LoginResponse, Me, Order, OrderDraft, OrderList, OrderedSku, OrderedSkus, Preview,
    PriceEntry, PriceListHeader, PriceListPage, codes,
};
use crate::core::money;
use crate::store::config::{BackendKind, Profile};
use async_trait::async_trait;
use checkout::{check_lines, pick_address, pick_shipping};
use chrono::{DateTime, Duration, TimeZone, Utc};
use map::{Part, RegionInfo};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Mutex;

/// Products per catalog page (a product has one or more variants).
const CATALOG_PAGE: usize = 100;
/// SKUs per product lookup when pricing a draft (keeps the URL short).
const SKU_CHUNK: usize = 50;
const ORDERS_PAGE: usize = 20;
/// Used when the token's expiry cannot be read (Medusa's default is 24 h).
const ASSUMED_TOKEN_HOURS: i64 = 1;
const DEFAULT_PAYMENT_PROVIDER: &str = "pp_system_default";

const PRODUCT_FIELDS: &str = "id,title,subtitle,description,metadata,options.id,options.title,\
    variants.id,variants.title,variants.sku,variants.ean,variants.upc,variants.barcode,\
    variants.manage_inventory,variants.allow_backorder,variants.metadata,*variants.options,\
    *variants.calculated_price,+variants.inventory_quantity";
const ORDER_FIELDS: &str = "id,display_id,status,fulfillment_status,created_at,email,currency_code,\
    metadata,item_subtotal,shipping_subtotal,tax_total,*items,*items.tax_lines,\
    shipping_address.*,*shipping_methods,*fulfillments";
const CUSTOMER_FIELDS: &str = "id,email,first_name,last_name,company_name,*addresses";

/// The profile settings a Medusa store needs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub publishable_key: String,
    pub region_id: String,
    pub payment_provider: String,
}

impl Settings {
    pub fn from_profile(p: &Profile) -> Result<Settings> {
        let need = |v: &Option<String>, key: &str, hint: &str| {
            v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).ok_or_else(|| {
                BackendError::Misconfigured(format!("this Medusa profile has no `{key}` in config.toml ({hint})"))
            })
        };
        Ok(Settings {
            publishable_key: need(
                &p.publishable_key,
                "publishable_key",
                "the store's publishable API key, pk_…, from the Medusa admin under Settings → Publishable API Keys",
            )?,
            region_id: need(
                &p.region_id,
                "region_id",
                "the id of your region, reg_…, from the Medusa admin under Settings → Regions",
            )?,
            payment_provider: p
                .payment_provider
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or(DEFAULT_PAYMENT_PROVIDER)
                .to_string(),
        })
    }
}

pub struct MedusaBackend {
    http: HttpClient<Medusa>,
    settings: Settings,
    state: state::StateFile,
    region: Mutex<Option<RegionInfo>>,
    /// The prices of each catalog page fetched in this run, by cursor: a
    /// sync's price list is the same answer as its catalog.
    page_prices: Mutex<HashMap<String, PricePage>>,
}

/// A page of prices and the cursor of the next.
type PricePage = (Vec<PriceEntry>, Option<String>);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn local(e: crate::store::StoreError) -> BackendError {
    BackendError::LocalState(format!(
        "{e} (procure keeps the Medusa submissions of this profile there; the file was left as it is)"
    ))
}

/// The expiry of a JWT, read from its payload without checking the signature
/// (the store checks it; procure only wants to know when to log in again).
fn jwt_expiry(token: &str) -> Option<DateTime<Utc>> {
    use base64::Engine;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_i64()?;
    Utc.timestamp_opt(exp, 0).single()
}

/// Medusa's store API: amounts as JSON numbers, its own error body, and
/// Medusa's error types and codes in place of procure's.
pub struct Medusa;

impl Dialect for Medusa {
    type ErrorBody = wire::ErrorBody;
    const ANSWERS: &'static str = "the answer of a Medusa store";

    fn prepare(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
        wire::exact_numbers(body).into()
    }

    fn error(status: StatusCode, body: Option<wire::ErrorBody>) -> BackendError {
        let message = body.as_ref().and_then(|b| b.message.clone()).unwrap_or_else(|| format!("HTTP {status}"));
        let api = |code: &str| ApiError { code: code.to_string(), message: message.clone(), details: vec![] };
        match status {
            StatusCode::UNAUTHORIZED => BackendError::Auth(
                "not logged in to the Medusa store, or the session expired: run `procure login`".into(),
            ),
            StatusCode::NOT_FOUND if body.is_some() => BackendError::NotFound(api(codes::NOT_FOUND)),
            StatusCode::NOT_FOUND => BackendError::Protocol(format!(
                "HTTP {status} without a Medusa error (an HTML page?): is the profile's `shop` the address of the Medusa server?"
            )),
            // A completion of this cart is still running: the outcome is not known yet.
            StatusCode::CONFLICT => BackendError::Server(format!("HTTP {status}: {message}")),
            s if s.is_client_error() && message.contains("ublishable") => BackendError::Misconfigured(format!(
                "the store refuses this profile's publishable key ({message}); check `publishable_key` in config.toml"
            )),
            s if s.is_client_error() => match body {
                Some(b) => BackendError::Rejected(api(code_of(&b))),
                None => BackendError::Protocol(format!("HTTP {s} without an error body")),
            },
            s => BackendError::Server(format!("HTTP {s}: {message}")),
        }
    }
}

/// The protocol's code for a refusal of the store: Medusa's own codes and
/// types (`invalid_data`, `not_allowed`, …) are its words, not procure's.
fn code_of(body: &wire::ErrorBody) -> &'static str {
    match body.code.as_deref() {
        Some("insufficient_inventory") => codes::INSUFFICIENT_STOCK,
        _ => codes::INVALID_REQUEST,
    }
}

impl MedusaBackend {
    pub fn new(base: Url, settings: Settings, timeouts: &Timeouts, state_dir: &Path) -> Result<Self> {
        let mut headers = HeaderMap::new();
        let key = HeaderValue::from_str(&settings.publishable_key).map_err(|_| {
            BackendError::Misconfigured("`publishable_key` in config.toml is not a valid header value".into())
        })?;
        headers.insert("x-publishable-api-key", key);
        Ok(MedusaBackend {
            http: HttpClient::new(base, timeouts, headers)?,
            settings,
            state: state::StateFile::new(state_dir),
            region: Mutex::new(None),
            page_prices: Mutex::new(HashMap::new()),
        })
    }

    /// A `/store` request: the publishable key always, the token when logged in.
    async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T> {
        self.http.get(path, query).await
    }

    async fn post<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)], body: &Value) -> Result<T> {
        self.http.post(path, query, body).await
    }

    async fn region(&self) -> Result<RegionInfo> {
        if let Some(r) = lock(&self.region).clone() {
            return Ok(r);
        }
        let path = format!("/store/regions/{}", self.settings.region_id);
        let body: wire::RegionBody =
            match self.get(&path, &[("fields", "id,name,currency_code,metadata,*countries")]).await {
                Ok(b) => b,
                Err(BackendError::NotFound(_)) => {
                    return Err(BackendError::Misconfigured(format!(
                        "the store has no region {:?}; check `region_id` in config.toml",
                        self.settings.region_id
                    )));
                }
                Err(e) => return Err(e),
            };
        let info = RegionInfo::from_wire(&body.region);
        *lock(&self.region) = Some(info.clone());
        Ok(info)
    }

    async fn customer(&self) -> Result<wire::Customer> {
        let body: wire::CustomerBody = self.get("/store/customers/me", &[("fields", CUSTOMER_FIELDS)]).await?;
        Ok(body.customer)
    }

    /// Products with this customer's prices; `extra` filters or pages.
    async fn products(&self, extra: &[(&str, &str)]) -> Result<(Vec<Part>, usize)> {
        let region = self.region().await?;
        let mut q: Vec<(&str, &str)> = vec![("region_id", &self.settings.region_id), ("fields", PRODUCT_FIELDS)];
        // With a country Medusa adds the amounts with and without tax: the VAT rate.
        if let Some(c) = region.country.as_deref() {
            q.push(("country_code", c));
        }
        q.extend_from_slice(extra);
        let page: wire::ProductsPage = self.get("/store/products", &q).await?;
        let parts =
            map::parts(&page.products).map_err(|e| BackendError::Misconfigured(format!("{e}: check `region_id`")))?;
        Ok((parts, page.count.as_u32() as usize))
    }

    /// The current parts behind these SKUs, by SKU (unknown ones are absent).
    async fn parts_by_sku(&self, skus: &[&str]) -> Result<HashMap<String, Part>> {
        let mut out = HashMap::new();
        for chunk in skus.chunks(SKU_CHUNK) {
            let limit = chunk.len().to_string();
            let mut q: Vec<(&str, &str)> = vec![("limit", &limit)];
            q.extend(chunk.iter().map(|s| ("variants[sku][]", *s)));
            let (parts, _) = self.products(&q).await?;
            out.extend(parts.into_iter().map(|p| (p.product.sku.clone(), p)));
        }
        Ok(out)
    }

    /// One catalog page: its parts, and the cursor of the next.
    async fn catalog(&self, cursor: Option<&str>) -> Result<(Vec<Part>, Option<String>)> {
        let offset: usize = match cursor {
            Some(c) => c.parse().map_err(|_| BackendError::Protocol(format!("bad catalog cursor {c:?}")))?,
            None => 0,
        };
        let (limit, off) = (CATALOG_PAGE.to_string(), offset.to_string());
        let (parts, count) = self.products(&[("limit", &limit), ("offset", &off), ("order", "id")]).await?;
        let next = offset + CATALOG_PAGE;
        Ok((parts, (next < count).then(|| next.to_string())))
    }

    async fn shipping_options(&self, cart_id: &str) -> Result<Vec<wire::ShippingOption>> {
        let body: wire::ShippingOptions = self.get("/store/shipping-options", &[("cart_id", cart_id)]).await?;
        Ok(body.shipping_options)
    }

    /// Shipping options for the buyer's region. Medusa lists them per cart,
    /// so procure keeps one empty cart per profile for asking.
    async fn region_shipping_options(&self) -> Result<Vec<wire::ShippingOption>> {
        let probe = self.state.load().map_err(local)?.shipping_probe_cart;
        if let Some(cart) = probe {
            match self.shipping_options(&cart).await {
                Ok(options) => return Ok(options),
                Err(BackendError::NotFound(_) | BackendError::Rejected(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let body: wire::CartBody = self
            .post(
                "/store/carts",
                &[("fields", "id")],
                &json!({
                    "region_id": self.settings.region_id,
                    "metadata": { "procure": "asks for shipping options only" },
                }),
            )
            .await?;
        let id = body.cart.id;
        self.state.update(|s| s.shipping_probe_cart = Some(id.clone())).map_err(local)?;
        self.shipping_options(&id).await
    }

    /// The customer's orders, newest first, with `fields` (Medusa adds the
    /// items whatever the fields say).
    async fn orders_page(&self, offset: usize, limit: usize, fields: &str) -> Result<wire::OrdersPage> {
        let (limit, offset) = (limit.to_string(), offset.to_string());
        self.get(
            "/store/orders",
            &[("fields", fields), ("limit", &limit), ("offset", &offset), ("order", "-created_at")],
        )
        .await
    }

    /// One of this customer's orders by id, with its metadata (the list route
    /// has it; `GET /store/orders/{id}` does not).
    async fn order_by_id(&self, id: &str) -> Result<wire::Order> {
        let page: wire::OrdersPage = self.get("/store/orders", &[("id", id), ("fields", ORDER_FIELDS)]).await?;
        page.orders.into_iter().next().ok_or_else(|| {
            BackendError::NotFound(ApiError {
                code: codes::NOT_FOUND.into(),
                message: format!("no order {id} among your orders at this store"),
                details: vec![],
            })
        })
    }
}

#[async_trait]
impl Backend for MedusaBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Medusa
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            company_accounts: false,
            // Carried in cart and order metadata.
            po_number: true,
            requested_delivery_date: true,
            ship_complete: true,
            // One calculated price per part; Medusa's quantity-based prices are not read.
            tier_prices: false,
            documents: false,
            incremental_sync: false,
            // procure prices the draft itself from the store's current prices.
            order_preview: false,
            quote_requests: false,
            approvals: false,
            credit: false,
            order_changes: false,
            // Each line's shipped quantity; fulfilments with the day they shipped.
            shipments: true,
            invoices: false,
            disputes: false,
        }
    }

    fn set_token(&mut self, token: Option<String>) {
        self.http.set_token(token);
    }

    async fn login(&self, _company: &str, user: &str, password: &str) -> Result<LoginResponse> {
        let rb = self
            .http
            .anonymous(Method::POST, self.http.url("/auth/customer/emailpass"))
            .json(&json!({ "email": user, "password": password }));
        let resp = self.http.send(rb).await?;
        if resp.status() == StatusCode::UNAUTHORIZED {
            return Err(BackendError::Auth(
                "login failed: wrong e-mail or password (a Medusa store logs customers in with their e-mail address)"
                    .into(),
            ));
        }
        let body: wire::TokenBody = self.http.read(resp).await?;
        // Check the profile's store settings now, not at the first sync.
        self.region().await?;
        let expires_at = jwt_expiry(&body.token).unwrap_or_else(|| Utc::now() + Duration::hours(ASSUMED_TOKEN_HOURS));
        Ok(LoginResponse { token: body.token, expires_at })
    }

    /// Medusa's customer tokens cannot be revoked; forgetting it is all there is.
    async fn logout(&self) -> Result<()> {
        Ok(())
    }

    async fn me(&self) -> Result<Me> {
        let customer = self.customer().await?;
        let region = self.region().await?;
        let shipping = self.region_shipping_options().await?;
        Ok(map::me(&customer, &region, &shipping))
    }

    async fn catalog_page(
        &self,
        _since: Option<&str>,
        cursor: Option<&str>,
        _etag: Option<&str>,
    ) -> Result<Fetched<CatalogPage>> {
        let (parts, next_cursor) = self.catalog(cursor).await?;
        let prices = parts.iter().filter_map(|p| p.price.clone()).collect();
        lock(&self.page_prices).insert(cursor.unwrap_or("0").to_string(), (prices, next_cursor.clone()));
        Ok(Fetched::whole(parts.into_iter().map(|p| p.product).collect(), next_cursor))
    }

    async fn price_list_page(&self, _since: Option<&str>, cursor: Option<&str>) -> Result<PriceListPage> {
        let key = cursor.unwrap_or("0").to_string();
        let cached = lock(&self.page_prices).remove(&key);
        let (items, next_cursor) = match cached {
            Some(c) => c,
            None => {
                let (parts, next) = self.catalog(cursor).await?;
                (parts.into_iter().filter_map(|p| p.price).collect(), next)
            }
        };
        let region = self.region().await?;
        Ok(PriceListPage {
            header: PriceListHeader {
                currency: region.currency,
                valid_from: Utc::now().date_naive(),
                valid_to: None,
                contract_ref: None,
            },
            items,
            removed: vec![],
            next_cursor,
            sync_token: String::new(),
            full: true,
        })
    }

    async fn ordered_skus(&self) -> Result<OrderedSkus> {
        let mut by_sku: BTreeMap<String, OrderedSku> = BTreeMap::new();
        let mut offset = 0;
        loop {
            let page = self.orders_page(offset, 100, "id,created_at,items.variant_sku").await?;
            let n = page.orders.len();
            for o in &page.orders {
                let date = o.created_at.date_naive();
                let mut seen = std::collections::HashSet::new();
                for sku in o.items.iter().filter_map(|i| i.variant_sku.clone()) {
                    if !seen.insert(sku.clone()) {
                        continue;
                    }
                    let e = by_sku.entry(sku.clone()).or_insert(OrderedSku { sku, times: 0, last_ordered: date });
                    e.times += 1;
                    e.last_ordered = e.last_ordered.max(date);
                }
            }
            offset += n;
            if n == 0 || offset >= page.count.as_u32() as usize {
                break;
            }
        }
        Ok(OrderedSkus { items: by_sku.into_values().collect() })
    }

    async fn preview(&self, draft: &OrderDraft, idempotency_key: Option<&str>) -> Result<Preview> {
        // What placing checks first: the key's earlier order, the PO number.
        let replay_of = match idempotency_key {
            Some(key) => self.replay_of(key, draft).await?,
            None => None,
        };
        if replay_of.is_none() {
            self.check_po_unused(draft).await?;
        }
        let skus: Vec<&str> = draft.lines.iter().map(|l| l.sku.as_str()).collect();
        let parts = self.parts_by_sku(&skus).await?;
        let region = self.region().await?;
        let customer = self.customer().await?;
        pick_address(&customer, draft.ship_to.as_deref())?;
        let options = self.region_shipping_options().await?;
        let shipping = map::shipping_price(pick_shipping(&options, draft.shipping_method.as_deref())?);
        let errors = check_lines(draft, &parts, &region.name);
        let lines: Vec<api::PricedLine> = draft
            .lines
            .iter()
            .filter_map(|l| {
                let part = parts.get(&l.sku)?;
                let price = part.price.as_ref()?;
                let tier = money::tier_for(&price.tiers, l.quantity)?;
                Some(super::priced_line(l, &part.product.name, tier, price.vat_rate))
            })
            .collect();
        let totals = money::totals(&region.currency, lines.iter().map(|l| (l.line_total, l.vat_rate)), shipping);
        Ok(Preview {
            lines,
            totals,
            errors,
            needs_approval: false,
            earliest_delivery: Utc::now().date_naive() + chrono::Days::new(1),
            credit: None,
            replay_of,
        })
    }

    async fn create_order(&self, draft: &OrderDraft, idempotency_key: &str) -> Result<Created> {
        let fingerprint = state::fingerprint(draft);
        let known = self.state.load().map_err(local)?.submissions.get(idempotency_key).cloned();
        match known {
            Some(sub) => {
                if let Some(done) = self.resume(idempotency_key, &sub, &fingerprint).await? {
                    return Ok(done);
                }
            }
            None => {
                // No record here (e.g. the state file was lost): ask the store.
                if let Some(o) = self.order_with_key(idempotency_key).await? {
                    return Ok(Created { order: map::order(&o), replayed: true });
                }
            }
        }
        self.place(draft, idempotency_key, &fingerprint).await
    }

    async fn orders(&self, cursor: Option<&str>) -> Result<OrderList> {
        let offset: usize = match cursor {
            Some(c) => c.parse().map_err(|_| BackendError::Protocol(format!("bad order cursor {c:?}")))?,
            None => 0,
        };
        let page = self.orders_page(offset, ORDERS_PAGE, ORDER_FIELDS).await?;
        let next = offset + page.orders.len();
        Ok(OrderList {
            items: page.orders.iter().map(map::summary).collect(),
            next_cursor: (!page.orders.is_empty() && next < page.count.as_u32() as usize).then(|| next.to_string()),
        })
    }

    /// By display id ("12", also "#12") or Medusa order id ("order_…").
    async fn order(&self, number: &str) -> Result<Order> {
        let wanted = number.trim().trim_start_matches('#');
        if wanted.starts_with("order_") {
            return Ok(map::order(&self.order_by_id(wanted).await?));
        }
        let not_found = || {
            BackendError::NotFound(ApiError {
                code: codes::NOT_FOUND.into(),
                message: format!("no order {number} among your orders at this store"),
                details: vec![],
            })
        };
        let display_id: i64 = wanted.parse().map_err(|_| not_found())?;
        // The store API cannot filter by display id: look through the customer's orders.
        let mut offset = 0;
        loop {
            let page = self.orders_page(offset, 100, ORDER_FIELDS).await?;
            if let Some(o) = page.orders.iter().find(|o| o.display_id.map(|d| d.0) == Some(display_id)) {
                return Ok(map::order(o));
            }
            offset += page.orders.len();
            if page.orders.is_empty() || offset >= page.count.as_u32() as usize {
                return Err(not_found());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    #[test]
    fn token_expiry_from_the_jwt_payload() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"actor_id":"cus_1","iat":1795868744,"exp":1795955144}"#);
        let token = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.sig");
        assert_eq!(jwt_expiry(&token).map(|t| t.timestamp()), Some(1_795_955_144));
        assert_eq!(jwt_expiry("not-a-jwt"), None);
        assert_eq!(jwt_expiry("a.!!!.c"), None);
    }

    #[test]
    fn error_answers_become_backend_errors() {
        let error_from = crate::backend::http::error_answer::<Medusa>;
        let e = error_from(StatusCode::UNAUTHORIZED, br#"{"message":"Unauthorized"}"#);
        assert!(matches!(e, BackendError::Auth(_)), "{e:?}");
        let e =
            error_from(StatusCode::NOT_FOUND, br#"{"type":"not_found","message":"Order id not found: order_nope"}"#);
        assert!(matches!(e, BackendError::NotFound(_)), "{e:?}");
        let e = error_from(StatusCode::NOT_FOUND, b"<!DOCTYPE html><pre>Cannot GET /x</pre>");
        assert!(matches!(e, BackendError::Protocol(_)), "{e:?}");
        let e = error_from(
            StatusCode::BAD_REQUEST,
            br#"{"code":"insufficient_inventory","type":"not_allowed","message":"Some variant does not have the required inventory"}"#,
        );
        match e {
            BackendError::Rejected(a) => assert_eq!(a.code, codes::INSUFFICIENT_STOCK),
            other => panic!("{other:?}"),
        }
        let e = error_from(
            StatusCode::BAD_REQUEST,
            br#"{"type":"not_allowed","message":"A valid publishable key is required to proceed with the request"}"#,
        );
        assert!(matches!(e, BackendError::Misconfigured(_)), "{e:?}");
        let e = error_from(StatusCode::CONFLICT, br#"{"type":"conflict","message":"busy"}"#);
        assert!(matches!(e, BackendError::Server(_)), "{e:?}");
        let e = error_from(StatusCode::INTERNAL_SERVER_ERROR, b"{}");
        assert!(matches!(e, BackendError::Server(_)), "{e:?}");
    }

    /// A store's error answer is shop text like any other answer: decoded
    /// through the cleaning decode, so nothing in the error it becomes can
    /// steer a terminal, and its code is procure's, not the store's.
    #[tokio::test]
    async fn an_error_body_with_escape_sequences_arrives_cleaned() {
        use crate::backend::http::tests::{answer_once, timeouts};
        use crate::core::sanitize::is_unsafe;
        let body = r#"{"type":"not_allowed\u001b[2J","code":"x\u009b31m\u001b]0;owned\u0007",
            "message":"Cart \u001b]0;owned\u0007is \u001b[31mbroken\u001b[0m\u202e!\u0085"}"#;
        let (base, server) = answer_once("400 Bad Request", body);
        let settings = Settings {
            publishable_key: "pk_1".into(),
            region_id: "reg_1".into(),
            payment_provider: DEFAULT_PAYMENT_PROVIDER.into(),
        };
        let dir = tempfile::tempdir().unwrap();
        let mut medusa = MedusaBackend::new(base, settings, &timeouts(), dir.path()).unwrap();
        medusa.set_token(Some("t".into()));
        let e = medusa.order("order_1").await.unwrap_err();
        let head = server.join().unwrap();
        assert!(head.contains("x-publishable-api-key: pk_1") && head.contains("authorization: bearer t"), "{head}");
        match &e {
            BackendError::Rejected(a) => {
                assert_eq!(a.code, codes::INVALID_REQUEST);
                assert_eq!(a.message, "Cart is broken!");
            }
            other => panic!("{other:?}"),
        }
        assert!(!e.to_string().chars().any(is_unsafe), "{e:?}");
    }

    #[test]
    fn settings_name_what_is_missing() {
        let p = Profile {
            backend: BackendKind::Medusa,
            shop: "http://127.0.0.1:9000".into(),
            user: "a@b.test".into(),
            publishable_key: Some("pk_1".into()),
            ..Default::default()
        };
        let e = Settings::from_profile(&p).unwrap_err().to_string();
        assert!(e.contains("region_id"), "{e}");
        let p = Profile { region_id: Some("reg_1".into()), ..p };
        let s = Settings::from_profile(&p).unwrap();
        assert_eq!(s.payment_provider, DEFAULT_PAYMENT_PROVIDER);
    }
}
