//! What the app asks the engine for (`Effect`) and what the engine answers
//! (`Msg`, or a `Failure` naming what went wrong). Every effect names the
//! supplier it is for.

use procure_client::api::{Decision, Me, Order, Quote, QuoteSummary};
use procure_client::core::basket::Basket;
use procure_client::core::compare::By;
use procure_client::core::order::{CheckoutOptions, PriceChange};
use procure_client::search::Highlights;
use procure_client::service::baskets::{ImportReport, LineChoices, Merge, Shown};
use procure_client::service::catalog::CatalogStatus;
use procure_client::service::compare::Comparison;
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
    /// What replacing the basket's discontinued parts would do (nothing changes).
    ReplacePlan {
        basket: String,
    },
    /// Replace the basket's discontinued parts with their successors.
    ReplaceDiscontinued {
        basket: String,
    },
}

/// Work for the engine, for the supplier it names.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A search of the supplier's catalog, or (`all`) of every supplier's;
    /// `supplier` is the one on show either way.
    Search {
        supplier: String,
        seq: u64,
        query: String,
        qty: Option<u32>,
        all: bool,
    },
    /// The app works on this supplier from now on: open it (and its catalog).
    Switch {
        supplier: String,
    },
    /// Sync every supplier (`supplier`: the one on show).
    SyncAll {
        supplier: String,
    },
    /// Make `supplier`'s basket at supplier `to` (same name).
    CopyBasket {
        supplier: String,
        basket: String,
        to: String,
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
    /// Every supplier's offer for the part `query` names (the SKU of a
    /// part of `supplier`) at `qty`.
    Compare {
        supplier: String,
        seq: u64,
        query: String,
        qty: u32,
        by: By,
    },
    /// `qty` of an offer's part into a basket of its supplier: `basket`,
    /// else the one used last, else a new one named `otherwise`.
    AddOffer {
        supplier: String,
        sku: String,
        qty: u32,
        basket: Option<String>,
        otherwise: String,
    },
    /// Download (or take the kept copy of) a part's document and open it.
    OpenDocument {
        supplier: String,
        document: procure_client::api::Document,
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
            | Effect::Switch { supplier }
            | Effect::SyncAll { supplier }
            | Effect::CopyBasket { supplier, .. }
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
            | Effect::Compare { supplier, .. }
            | Effect::AddOffer { supplier, .. }
            | Effect::OpenDocument { supplier, .. }
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
        /// How each supplier's catalog stood, when every supplier was searched.
        suppliers: Vec<CatalogStatus>,
    },
    /// The supplier the app works on now, as it is opened.
    Switched {
        supplier: String,
        shop: String,
        logged_in: bool,
        caps: procure_client::service::Capabilities,
        me: Option<Box<Me>>,
    },
    Detail(Box<PartDetail>),
    LineChoices {
        line: usize,
        choices: LineChoices,
    },
    /// Add this part (asked from its detail): the search asks for the
    /// quantity, into a basket of the part's supplier. Not from the engine.
    AddPart {
        supplier: String,
        sku: String,
    },
    /// A part chosen for a quick-entry line: the line as it now reads.
    PartChosen {
        line: usize,
        text: String,
    },
    /// A supplier's baskets, the most recently used first.
    Baskets {
        supplier: String,
        list: Vec<(String, Result<Basket, String>)>,
    },
    /// A basket as shown, with the prices that changed since agreed.
    Priced(Box<Shown>),
    BasketDone {
        supplier: String,
        basket: String,
        message: String,
        /// What the buyer must know beside it (the basket's order waits
        /// for the shop, and the change is not in it).
        warning: Option<String>,
    },
    /// The discontinued parts of a basket and their successors, to show
    /// before anything changes.
    ReplacePlan(Box<procure_client::service::discontinued::Replacement>),
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
    /// Every supplier synced (or tried): a line for the status.
    SyncedAll {
        summary: String,
        failed: Vec<String>,
    },
    /// A basket made at another supplier.
    BasketCopied(Box<procure_client::service::baskets::CopyReport>),
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
    /// Every supplier's offers, for the `Effect::Compare` of this `seq`.
    Compared {
        seq: u64,
        comparison: Box<Comparison>,
    },
    /// An offer's part went into a basket of its supplier.
    OfferAdded {
        supplier: String,
        basket: String,
        message: String,
    },
    /// A document was opened (downloaded now, or the copy kept).
    DocumentOpened(Box<service::documents::Kept>),
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
    Compare,
    Document,
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
            Failure::Compare => "compare",
            Failure::Document => "document",
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
    let mut message = e.to_string();
    if let Some(hint) = e.remedy().and_then(hint) {
        message = format!("{message} — {hint}");
    }
    Msg::Failed { what, message, kind: e.kind() }
}

/// What the app adds to an error the buyer can get past: how to, here (the
/// message names the problem only; the command line adds its flags). The
/// others are asked before they can fail (price changes, a PO number in use
/// and a rejection's reason have their dialogs; options a shop lacks are
/// not offered).
fn hint(remedy: service::Remedy) -> Option<&'static str> {
    match remedy {
        service::Remedy::AddOrReplace => Some("reorder again and answer add or replace"),
        _ => None,
    }
}
