//! What the app asks the engine for (`Effect`) and what the engine answers
//! (`Msg`, or a `Failure` naming what went wrong). Every effect names the
//! supplier it is for.

use procure_client::api::{Decision, Me, Order, Quote, QuoteSummary};
use procure_client::core::basket::Basket;
use procure_client::core::order::{CheckoutOptions, PriceChange};
use procure_client::search::Highlights;
use procure_client::service::baskets::{ImportReport, LineChoices, Merge, Shown};
use procure_client::service::expediting::{Late, OrderView};
use procure_client::service::history::History;
use procure_client::service::invoices::{InvoiceList, InvoiceView};
use procure_client::service::ordering::{Checkout, ReorderReport, Submitted};
use procure_client::service::receiving::Received;
use procure_client::service::search::{PartDetail, SearchRow};
use procure_client::service::statement::Statement;
use procure_client::service::{self, ErrorKind};
use std::time::Duration;

/// A change to one of a supplier's baskets.
#[derive(Debug, Clone, PartialEq)]
pub enum BasketOp {
    New {
        name: String,
    },
    Add {
        basket: String,
        sku: String,
        qty: u32,
    },
    Set {
        basket: String,
        sku: String,
        qty: u32,
    },
    Remove {
        basket: String,
        sku: String,
    },
    Note {
        basket: String,
        sku: String,
        note: Option<String>,
    },
    QuickEntry {
        basket: String,
        text: String,
    },
    /// The buyer was shown these changed prices and accepted them.
    AcceptPrices {
        basket: String,
        changes: Vec<PriceChange>,
    },
}

/// Work for the engine, for the supplier it names.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Search {
        supplier: String,
        seq: u64,
        query: String,
        qty: Option<u32>,
    },
    Detail {
        supplier: String,
        sku: String,
    },
    /// The parts a quick-entry line's type number names (line `line` of the text).
    LineChoices {
        supplier: String,
        line: usize,
        text: String,
    },
    Baskets {
        supplier: String,
    },
    /// A basket shown: priced, marked used, its agreed prices recorded.
    Price {
        supplier: String,
        basket: String,
    },
    Basket {
        supplier: String,
        op: BasketOp,
    },
    Reindex {
        supplier: String,
    },
    Login {
        supplier: String,
        password: String,
    },
    Sync {
        supplier: String,
    },
    Orders {
        supplier: String,
    },
    Order {
        supplier: String,
        number: String,
    },
    Reorder {
        supplier: String,
        number: String,
        into: String,
        merge: Merge,
    },
    /// Send the submissions that wait for the shop (at start).
    ResumePending {
        supplier: String,
    },
    Preview {
        supplier: String,
        basket: String,
        opts: CheckoutOptions,
    },
    Submit {
        supplier: String,
        basket: String,
        opts: CheckoutOptions,
        accepted: Vec<PriceChange>,
    },
    Quotes {
        supplier: String,
    },
    Quote {
        supplier: String,
        number: String,
    },
    RequestQuote {
        supplier: String,
        basket: String,
        targets: std::collections::BTreeMap<String, rust_decimal::Decimal>,
        comment: Option<String>,
    },
    AcceptQuote {
        supplier: String,
        number: String,
        po: String,
    },
    DeclineQuote {
        supplier: String,
        number: String,
        reason: Option<String>,
    },
    Approvals {
        supplier: String,
    },
    Decide {
        supplier: String,
        number: String,
        decision: Decision,
        reason: Option<String>,
    },
    /// Who the buyer is at the supplier, for the account screen.
    Account {
        supplier: String,
    },
    /// The expediting list (late lines), after refreshing the order history.
    Late {
        supplier: String,
    },
    /// Goods received of an order, as `SKU=QTY` pairs.
    Receive {
        supplier: String,
        order: String,
        lines: Vec<(String, u32)>,
    },
    /// The open invoices: from the local history at once, then refreshed.
    Invoices {
        supplier: String,
    },
    /// One invoice with its match, from the local history.
    Invoice {
        supplier: String,
        number: String,
    },
    Dispute {
        supplier: String,
        number: String,
        reason: String,
    },
    /// The statement of account, for the account screen.
    Statement {
        supplier: String,
    },
}

impl Effect {
    /// The supplier the effect is for.
    pub fn supplier(&self) -> &str {
        match self {
            Effect::Search { supplier, .. }
            | Effect::Detail { supplier, .. }
            | Effect::LineChoices { supplier, .. }
            | Effect::Baskets { supplier }
            | Effect::Price { supplier, .. }
            | Effect::Basket { supplier, .. }
            | Effect::Reindex { supplier }
            | Effect::Login { supplier, .. }
            | Effect::Sync { supplier }
            | Effect::Orders { supplier }
            | Effect::Order { supplier, .. }
            | Effect::Reorder { supplier, .. }
            | Effect::ResumePending { supplier }
            | Effect::Preview { supplier, .. }
            | Effect::Submit { supplier, .. }
            | Effect::Quotes { supplier }
            | Effect::Quote { supplier, .. }
            | Effect::RequestQuote { supplier, .. }
            | Effect::AcceptQuote { supplier, .. }
            | Effect::DeclineQuote { supplier, .. }
            | Effect::Approvals { supplier }
            | Effect::Decide { supplier, .. }
            | Effect::Account { supplier }
            | Effect::Late { supplier }
            | Effect::Receive { supplier, .. }
            | Effect::Invoices { supplier }
            | Effect::Invoice { supplier, .. }
            | Effect::Dispute { supplier, .. }
            | Effect::Statement { supplier } => supplier,
        }
    }
}

/// What the engine reports back.
#[derive(Debug)]
pub enum Msg {
    /// A supplier's catalog is open (again) with this many parts.
    Indexed {
        supplier: String,
        parts: usize,
    },
    Searched {
        seq: u64,
        rows: Vec<SearchRow>,
        highlights: Vec<Highlights>,
        total: usize,
        took: Duration,
        /// "Did you mean" SKUs when nothing matched.
        suggestions: Vec<String>,
    },
    Detail(Box<PartDetail>),
    LineChoices {
        line: usize,
        choices: LineChoices,
    },
    /// A part chosen for a quick-entry line: the line as it now reads.
    PartChosen {
        line: usize,
        text: String,
    },
    Baskets(Vec<(String, Result<Basket, String>)>),
    /// A basket as shown, with the prices that changed since agreed.
    Priced(Box<Shown>),
    BasketDone {
        basket: String,
        message: String,
    },
    QuickEntryDone {
        basket: String,
        report: ImportReport,
    },
    LoggedIn {
        supplier: String,
        me: Box<Me>,
    },
    Synced {
        supplier: String,
        summary: String,
    },
    /// Whether the supplier's shop answered the last call.
    Online {
        supplier: String,
        up: bool,
    },
    Orders(Box<History>),
    Order(Box<OrderView>),
    Late(Box<Late>),
    Received(Box<Received>),
    Invoices(Box<InvoiceList>),
    Invoice(Box<InvoiceView>),
    Disputed(Box<InvoiceView>),
    Statement(Box<Statement>),
    Reordered(ReorderReport),
    Previewed(Box<Checkout>),
    PricesChanged(Box<Checkout>),
    Submitted(Box<Submitted>),
    SubmitQueued {
        basket: String,
        reason: String,
    },
    /// The PO number is on another order of the company.
    DuplicatePo {
        message: String,
    },
    Quotes(Vec<QuoteSummary>),
    Quote(Box<Quote>),
    QuoteDone {
        message: String,
    },
    Approvals(Vec<procure_client::api::OrderSummary>),
    Decided(Box<Order>),
    Account(Box<service::account::Account>),
    Failed {
        what: Failure,
        message: String,
        kind: ErrorKind,
    },
}

/// What failed, as the app tells the user ("sync: …") and reacts to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// A supplier named by an effect could not be opened.
    Supplier,
    Login,
    Sync,
    Catalog,
    Search,
    Detail,
    Baskets,
    Basket,
    Orders,
    Order,
    Reorder,
    Preview,
    Submit,
    Quotes,
    Quote,
    Approvals,
    Approval,
    Account,
    Late,
    Receive,
    Invoices,
    Invoice,
    Dispute,
    Statement,
}

impl Failure {
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::Supplier => "supplier",
            Failure::Login => "login",
            Failure::Sync => "sync",
            Failure::Catalog => "catalog",
            Failure::Search => "search",
            Failure::Detail => "detail",
            Failure::Baskets => "baskets",
            Failure::Basket => "basket",
            Failure::Orders => "orders",
            Failure::Order => "order",
            Failure::Reorder => "reorder",
            Failure::Preview => "preview",
            Failure::Submit => "order",
            Failure::Quotes => "quotes",
            Failure::Quote => "quote",
            Failure::Approvals => "approvals",
            Failure::Approval => "approval",
            Failure::Account => "account",
            Failure::Late => "late lines",
            Failure::Receive => "goods receipt",
            Failure::Invoices => "invoices",
            Failure::Invoice => "invoice",
            Failure::Dispute => "dispute",
            Failure::Statement => "statement",
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The failure message for an error.
pub(crate) fn fail(what: Failure, e: &service::Error) -> Msg {
    Msg::Failed { what, message: e.to_string(), kind: e.kind() }
}
