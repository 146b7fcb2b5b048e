//! The shop seam: one trait (`Backend`), one implementation per kind of
//! shop. Each backend declares what it supports so the faces can hide or
//! explain what a shop lacks instead of failing late. The HTTP backends
//! speak through the one client of `http`.

pub mod http;
pub mod medusa;
pub mod native;
pub mod peppol;

use crate::api::{
    AcceptQuote, AcceptedQuote, ApiError, CatalogPage, Credit, Decision, Invoice, InvoicePage, LoginResponse, Me,
    Order, OrderDraft, OrderList, OrderPage, OrderedSkus, Preview, PriceListPage, Quote, QuoteList, QuoteRequest,
    Reason,
};
use crate::store::config::{BackendKind, Profile};
use async_trait::async_trait;
use std::path::Path;
use std::time::Duration;

/// What a backend can do. The faces ask before offering a feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Capabilities {
    /// Users log in as members of a company account (`--company`).
    pub company_accounts: bool,
    pub po_number: bool,
    pub requested_delivery_date: bool,
    pub ship_complete: bool,
    pub tier_prices: bool,
    pub documents: bool,
    pub incremental_sync: bool,
    pub order_preview: bool,
    pub quote_requests: bool,
    pub approvals: bool,
    pub credit: bool,
    /// Whole orders changed since a token (`order_changes` with `since`):
    /// the local history syncs only what changed. Without it every refresh
    /// reads every order.
    pub order_changes: bool,
    /// The supplier reports what it shipped (quantities, shipments): a goods
    /// receipt may not exceed it. Without it, what was ordered is the limit.
    pub shipments: bool,
    /// Invoices and credit notes (with payments), for the three-way match
    /// and the statement.
    pub invoices: bool,
    /// An invoice can be disputed with the supplier.
    pub disputes: bool,
}

impl Capabilities {
    /// Everything a shop can do (the reference shop).
    pub const ALL: Capabilities = Capabilities {
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
        order_changes: true,
        shipments: true,
        invoices: true,
        disputes: true,
    };
}

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("cannot reach the shop at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the shop at {url} did not answer within {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error("{0}")]
    Auth(String),
    #[error("{}", .0.message)]
    Rejected(ApiError),
    #[error("{}", .0.message)]
    PriceChanged(ApiError),
    #[error("{}", .0.message)]
    NotFound(ApiError),
    #[error("the shop sent an answer procure cannot read ({0})")]
    Protocol(String),
    #[error("the shop failed: {0}")]
    Server(String),
    #[error("{0}")]
    Insecure(String),
    #[error("this shop does not support {0}")]
    Unsupported(&'static str),
    /// The profile lacks a setting this backend needs.
    #[error("{0}")]
    Misconfigured(String),
    /// A file the backend keeps for the profile cannot be used (it is left untouched).
    #[error("{0}")]
    LocalState(String),
}

impl BackendError {
    /// What went wrong without the shop's address, for a message that names
    /// the shop already ("cannot reach the shop at X: connection refused").
    pub fn reason(&self) -> String {
        match self {
            BackendError::Unreachable { reason, .. } => reason.clone(),
            BackendError::Timeout { secs, .. } => format!("no answer within {secs} s"),
            other => other.to_string(),
        }
    }

    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            BackendError::Rejected(e) | BackendError::PriceChanged(e) | BackendError::NotFound(e) => Some(e),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, BackendError>;

/// A catalog or price-list request answered with 304: nothing changed.
#[derive(Debug)]
pub enum Fetched<T> {
    NotModified,
    Page { page: T, etag: Option<String> },
}

impl Fetched<CatalogPage> {
    /// A page of a catalogue a backend reads whole every time: no removals,
    /// no sync token, no etag.
    fn whole(items: Vec<crate::api::Product>, next_cursor: Option<String>) -> Self {
        Fetched::Page {
            page: CatalogPage {
                items,
                removed: vec![],
                next_cursor,
                sync_token: String::new(),
                full: true,
                total: None,
            },
            etag: None,
        }
    }
}

/// A draft line at a catalogue tier's price, as a preview or an order made
/// from files shows it: not yet promised, shipped or invoiced.
fn priced_line(
    line: &crate::api::DraftLine,
    name: &str,
    tier: &crate::api::Tier,
    vat_rate: rust_decimal::Decimal,
) -> crate::api::PricedLine {
    crate::api::PricedLine {
        sku: line.sku.clone(),
        name: name.to_string(),
        quantity: line.quantity,
        unit_price: tier.unit_price,
        base_quantity: tier.base_quantity,
        line_total: crate::core::money::line_total_per(tier.unit_price, tier.base_quantity, line.quantity),
        vat_rate,
        note: line.note.clone(),
        promised_delivery: None,
        shipped: 0,
        invoiced: 0,
    }
}

#[derive(Debug)]
pub struct Created {
    pub order: Order,
    /// The shop had seen the idempotency key: this is the order made earlier.
    pub replayed: bool,
}

/// What reading the inbox of a document-based backend (Peppol) did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct InboxReport {
    pub applied: Vec<InboxEntry>,
    /// Documents read before: they changed nothing.
    pub unchanged: usize,
    /// Files that could not be applied; they are left where they are.
    pub problems: Vec<InboxProblem>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct InboxEntry {
    pub file: String,
    /// E.g. `T76 OR-7`.
    pub document: String,
    pub order: String,
    pub status: crate::api::OrderStatus,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct InboxProblem {
    pub file: String,
    pub reason: String,
}

/// Why a profile needs no `procure login`, for the backends that have no
/// sessions; `None`: its calls need one. The one answer to "does this
/// backend need a login", asked before a backend is made (a profile that
/// lacks a setting still says it needs no login).
pub fn login_not_needed(profile: &Profile) -> Option<String> {
    (profile.backend == BackendKind::Peppol).then(|| {
        "a Peppol profile needs no login: procure reads the supplier's catalogue and answers from files \
         (`catalogue`, `inbox`) and writes orders to `outbox`, as set in config.toml. Next: procure sync"
            .to_string()
    })
}

/// A kind of shop as procure orders from it.
#[async_trait]
pub trait Backend: Send + Sync {
    fn kind(&self) -> BackendKind;
    fn capabilities(&self) -> Capabilities;
    /// Reads supplier documents that arrived (order responses, despatch
    /// advices) into the orders; a backend without an inbox has nothing.
    async fn receive(&self) -> Result<InboxReport> {
        Ok(InboxReport::default())
    }
    /// Replaces the session token used for the calls that need one (see
    /// [`login_not_needed`] for the backends without sessions).
    fn set_token(&mut self, token: Option<String>);

    async fn login(&self, company: &str, user: &str, password: &str) -> Result<LoginResponse>;
    async fn logout(&self) -> Result<()>;
    async fn me(&self) -> Result<Me>;
    async fn catalog_page(
        &self,
        since: Option<&str>,
        cursor: Option<&str>,
        etag: Option<&str>,
    ) -> Result<Fetched<CatalogPage>>;
    async fn price_list_page(&self, since: Option<&str>, cursor: Option<&str>) -> Result<PriceListPage>;
    async fn ordered_skus(&self) -> Result<OrderedSkus>;
    /// Prices and checks `draft` as placing it would. With the key it would
    /// be placed with, also what placing checks first: a key that placed
    /// this same draft names that order (`replay_of`), one used with another
    /// draft and a PO number another order holds are refused.
    async fn preview(&self, draft: &OrderDraft, idempotency_key: Option<&str>) -> Result<Preview>;
    async fn create_order(&self, draft: &OrderDraft, idempotency_key: &str) -> Result<Created>;
    async fn orders(&self, cursor: Option<&str>) -> Result<OrderList>;
    async fn order(&self, number: &str) -> Result<Order>;

    // Group decisions. A backend without them keeps these defaults and says
    // so in its capabilities.
    async fn request_quote(&self, _request: &QuoteRequest, _idempotency_key: &str) -> Result<Quote> {
        Err(BackendError::Unsupported("quote requests"))
    }
    async fn quotes(&self, _cursor: Option<&str>) -> Result<QuoteList> {
        Err(BackendError::Unsupported("quote requests"))
    }
    async fn quote(&self, _number: &str) -> Result<Quote> {
        Err(BackendError::Unsupported("quote requests"))
    }
    async fn accept_quote(&self, _number: &str, _accept: &AcceptQuote) -> Result<AcceptedQuote> {
        Err(BackendError::Unsupported("quote requests"))
    }
    async fn decline_quote(&self, _number: &str, _reason: &Reason) -> Result<Quote> {
        Err(BackendError::Unsupported("quote requests"))
    }
    async fn quote_message(&self, _number: &str, _text: &str) -> Result<Quote> {
        Err(BackendError::Unsupported("quote requests"))
    }
    async fn approvals(&self) -> Result<OrderList> {
        Err(BackendError::Unsupported("order approvals"))
    }
    async fn decide(&self, _number: &str, _decision: Decision, _reason: &Reason) -> Result<Order> {
        Err(BackendError::Unsupported("order approvals"))
    }
    async fn credit(&self) -> Result<Credit> {
        Err(BackendError::Unsupported("credit information"))
    }
    /// A document a part or a shipment names by `url` (see
    /// [`http::HttpClient::download`]).
    async fn document(&self, _url: &str) -> Result<http::Downloaded> {
        Err(BackendError::Unsupported("documents"))
    }

    // After the order: the local history's feeds.

    /// Whole orders (lines, promised dates, shipments) changed after
    /// `since`, every order without it, a page at a time. A backend without
    /// a change feed (`Capabilities::order_changes` false) keeps this
    /// default: its order list, each order read whole, every time.
    async fn order_changes(&self, _since: Option<&str>, cursor: Option<&str>) -> Result<OrderPage> {
        every_order(self, cursor).await
    }
    /// Invoices and credit notes changed after `since` (all without it).
    async fn invoices(&self, _since: Option<&str>, _cursor: Option<&str>) -> Result<InvoicePage> {
        Err(BackendError::Unsupported("invoices"))
    }
    async fn invoice(&self, _number: &str) -> Result<Invoice> {
        Err(BackendError::Unsupported("invoices"))
    }
    /// Tells the supplier the buyer objects to an invoice; the invoice with the dispute.
    async fn dispute(&self, _number: &str, _reason: &str) -> Result<Invoice> {
        Err(BackendError::Unsupported("invoice disputes"))
    }
}

/// A page of whole orders read from the order list, each order on its own:
/// the history of a backend without a change feed.
pub async fn every_order<B: Backend + ?Sized>(backend: &B, cursor: Option<&str>) -> Result<OrderPage> {
    let list = backend.orders(cursor).await?;
    let mut items = Vec::with_capacity(list.items.len());
    for o in &list.items {
        items.push(backend.order(&o.number).await?);
    }
    Ok(OrderPage { items, next_cursor: list.next_cursor, sync_token: String::new() })
}

#[derive(Debug, Clone)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

/// The backend a profile names. `state_dir` is the profile's own folder,
/// where a backend may keep what it must remember between runs.
pub fn for_profile(
    profile: &Profile,
    timeouts: &Timeouts,
    token: Option<String>,
    state_dir: &Path,
) -> Result<Box<dyn Backend>> {
    let base = || http::checked_base_url(&profile.shop, profile.allow_insecure_http);
    let mut backend: Box<dyn Backend> = match profile.backend {
        BackendKind::Procure => Box::new(native::NativeBackend::new(base()?, timeouts)?),
        BackendKind::Medusa => Box::new(medusa::MedusaBackend::new(
            base()?,
            medusa::Settings::from_profile(profile)?,
            timeouts,
            state_dir,
        )?),
        BackendKind::Peppol => {
            Box::new(peppol::PeppolBackend::new(peppol::Settings::from_profile(profile)?, state_dir))
        }
    };
    backend.set_token(token);
    Ok(backend)
}
