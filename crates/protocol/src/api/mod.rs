//! Wire types of the procure shop protocol (`/api/v1`), shared by the
//! native client and the reference shop. docs/shop-api.md describes them.

mod after;
mod quotes;
pub use after::*;
pub use quotes::*;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub const API_PREFIX: &str = "/api/v1";
/// Header carrying the idempotency key of an order creation.
pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";
/// Set on a response that replays an order created earlier with the same key.
pub const REPLAYED_HEADER: &str = "Idempotent-Replayed";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    pub company: String,
    pub user: String,
    pub password: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Buyer,
    Approver,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Buyer => "buyer",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct User {
    pub username: String,
    pub name: String,
    pub role: Role,
    /// Orders above this net total need an approver. `None`: no limit.
    #[serde(serialize_with = "crate::money::amount::serialize_option")]
    pub order_limit: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Address {
    pub id: String,
    pub label: String,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShippingMethod {
    pub id: String,
    pub name: String,
    /// Net price of the shipping method.
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub price: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Company {
    pub code: String,
    pub name: String,
    pub currency: String,
    /// Human-readable payment terms, e.g. "invoice, 30 days end of month".
    pub payment_terms: String,
    pub billing_address: Address,
    pub ship_to: Vec<Address>,
    pub shipping_methods: Vec<ShippingMethod>,
    /// `payment_terms` as procure computes with them (due dates, early
    /// payment); `None` when the shop does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<crate::terms::PaymentTerms>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Me {
    pub user: User,
    pub company: Company,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<SupplierContact>,
}

/// The supplier's contact for this company, as `me` gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierContact {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_hours: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Datasheet,
    Certificate,
    Manual,
    Other,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Datasheet => "datasheet",
            DocumentKind::Certificate => "certificate",
            DocumentKind::Manual => "manual",
            DocumentKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Document {
    pub kind: DocumentKind,
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Product {
    pub sku: String,
    #[serde(default)]
    pub mpn: String,
    #[serde(default)]
    pub manufacturer: String,
    #[serde(default)]
    pub gtin: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub category: String,
    #[serde(default = "default_unit")]
    pub unit: String,
    /// Sold in packs of this many units; quantities are multiples of it.
    #[serde(default = "one")]
    pub pack_size: u32,
    #[serde(default = "one")]
    pub min_qty: u32,
    /// Above the minimum, quantities grow in steps of this many units.
    #[serde(default = "one")]
    pub order_step: u32,
    #[serde(default)]
    pub stock: u32,
    #[serde(default)]
    pub lead_time_days: u32,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    #[serde(default)]
    pub documents: Vec<Document>,
    /// Set on a discontinued part: the sku of its successor.
    #[serde(default)]
    pub replaced_by: Option<String>,
    #[serde(default)]
    pub discontinued: bool,
}

fn default_unit() -> String {
    "pc".to_string()
}
fn one() -> u32 {
    1
}

/// One page of the catalog. `removed` lists skus the company can no longer see.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CatalogPage {
    pub items: Vec<Product>,
    #[serde(default)]
    pub removed: Vec<String>,
    /// Pass as `cursor` to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
    /// Pass as `since` on the next sync to get only what changed after this page set.
    pub sync_token: String,
    /// True when the answer is the whole catalog and the client must drop
    /// what it had (e.g. the company's visibility changed).
    #[serde(default)]
    pub full: bool,
    /// How many items the whole answer (all its pages) holds, on its first
    /// page, for a progress display; shops may leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Tier {
    pub min_qty: u32,
    /// Price excluding VAT of `base_quantity` units (of one unit, unless a
    /// price list prices per several: a Peppol catalogue's 1.00 per 3).
    pub unit_price: Decimal,
    /// How many units `unit_price` is for; 1 when left out (and never
    /// written when it is 1).
    #[serde(default = "one_unit", skip_serializing_if = "is_one_unit")]
    pub base_quantity: Decimal,
}

fn one_unit() -> Decimal {
    Decimal::ONE
}

fn is_one_unit(d: &Decimal) -> bool {
    *d == Decimal::ONE
}

impl Tier {
    /// A tier from `min_qty` at `unit_price` per unit.
    pub fn new(min_qty: u32, unit_price: Decimal) -> Tier {
        Tier { min_qty, unit_price, base_quantity: Decimal::ONE }
    }

    /// A tier from `min_qty` at `unit_price` for `base_quantity` units.
    pub fn per(min_qty: u32, unit_price: Decimal, base_quantity: Decimal) -> Tier {
        Tier { min_qty, unit_price, base_quantity }
    }

    /// What `quantity` units cost at this tier (`money::checked_line_total_per`).
    pub fn checked_line_total(&self, quantity: u32) -> Option<Decimal> {
        crate::money::checked_line_total_per(self.unit_price, self.base_quantity, quantity)
    }

    /// The price of one unit, for comparing prices (`money::per_unit`).
    pub fn per_unit(&self) -> Decimal {
        crate::money::per_unit(self.unit_price, self.base_quantity)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PriceEntry {
    pub sku: String,
    /// Tiers sorted by ascending `min_qty`; the first starts at 1 or where
    /// the price breaks start (below it the part cannot be ordered).
    pub tiers: Vec<Tier>,
    /// VAT rate in percent, e.g. 19.
    pub vat_rate: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PriceListHeader {
    pub currency: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub contract_ref: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PriceListPage {
    pub header: PriceListHeader,
    pub items: Vec<PriceEntry>,
    #[serde(default)]
    pub removed: Vec<String>,
    pub next_cursor: Option<String>,
    pub sync_token: String,
    #[serde(default)]
    pub full: bool,
}

/// Parts this company ordered before, for search ranking.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderedSkus {
    pub items: Vec<OrderedSku>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderedSku {
    pub sku: String,
    pub times: u32,
    pub last_ordered: NaiveDate,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DraftLine {
    pub sku: String,
    pub quantity: u32,
    /// The unit price the buyer saw; the shop refuses the order if it differs.
    #[serde(default)]
    pub expected_unit_price: Option<Decimal>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct OrderDraft {
    pub po_number: String,
    pub lines: Vec<DraftLine>,
    #[serde(default)]
    pub ship_to: Option<String>,
    #[serde(default)]
    pub requested_delivery_date: Option<NaiveDate>,
    #[serde(default)]
    pub ship_complete: bool,
    #[serde(default)]
    pub shipping_method: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
    /// Place the order even if another open order of the company has this PO number.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_duplicate_po: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PricedLine {
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    /// The price of `base_quantity` units (of one unless a Peppol catalogue
    /// prices per several).
    pub unit_price: Decimal,
    /// How many units `unit_price` is for; 1 when left out.
    #[serde(default = "one_unit", skip_serializing_if = "is_one_unit")]
    pub base_quantity: Decimal,
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub line_total: Decimal,
    pub vat_rate: Decimal,
    #[serde(default)]
    pub note: Option<String>,
    /// On an order: the date the supplier promised for this line (it may
    /// differ from the requested one); `None` until it is confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promised_delivery: Option<NaiveDate>,
    /// On an order: how many the supplier has shipped so far.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub shipped: u32,
    /// On an order: how many the supplier has invoiced so far.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub invoiced: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl PricedLine {
    /// The price of one unit (`money::per_unit`): what an agreed price is compared with.
    pub fn unit_price_each(&self) -> Decimal {
        crate::money::per_unit(self.unit_price, self.base_quantity)
    }
}

/// Amounts, written with two decimals (`money::amount`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Totals {
    pub currency: String,
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub net: Decimal,
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub shipping: Decimal,
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub vat: Decimal,
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub gross: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Preview {
    pub lines: Vec<PricedLine>,
    pub totals: Totals,
    /// Per-line problems; an order with any is refused.
    pub errors: Vec<LineError>,
    /// Whether the order would need an approver.
    pub needs_approval: bool,
    pub earliest_delivery: NaiveDate,
    /// The company's credit at preview time; an order beyond `available` is refused.
    #[serde(default)]
    pub credit: Option<Credit>,
    /// Previewed with the idempotency key of an order placed from this same
    /// draft: that order's number (placing answers with it, a replay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay_of: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Placed,
    PendingApproval,
    Confirmed,
    Shipped,
    Delivered,
    Cancelled,
    /// Peppol: the Order document is in the outbox; no response yet.
    Sent,
    /// Peppol: the supplier accepted the order as sent.
    Accepted,
    /// Peppol: the supplier accepted with changes to lines (quantity, price, date).
    AcceptedWithChanges,
    /// Peppol: the supplier rejected the order.
    Rejected,
    /// Peppol: a despatch advice covers part of the order.
    PartlyShipped,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Placed => "placed",
            OrderStatus::PendingApproval => "pending_approval",
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Sent => "sent",
            OrderStatus::Accepted => "accepted",
            OrderStatus::AcceptedWithChanges => "accepted_with_changes",
            OrderStatus::Rejected => "rejected",
            OrderStatus::PartlyShipped => "partly_shipped",
        }
    }

    /// Whether an order in this status keeps its PO number from another
    /// order of the company. A cancelled order (by the buyer, the supplier
    /// or an approver) and one the supplier rejected (Peppol) free it; every
    /// other status holds it. The reference shop and every backend decide
    /// "one PO number, one order" by this, through [`po_number_taken`].
    pub fn holds_po_number(self) -> bool {
        !matches!(self, OrderStatus::Cancelled | OrderStatus::Rejected)
    }
}

/// One PO number, one order: whether an order that carries `held` and is
/// in `status` keeps a new order from using `po` (compared trimmed, as
/// orders carry them).
pub fn po_number_taken(po: &str, held: &str, status: OrderStatus) -> bool {
    status.holds_po_number() && held.trim() == po.trim()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Order {
    pub number: String,
    pub status: OrderStatus,
    pub created_at: DateTime<Utc>,
    pub placed_by: String,
    pub po_number: String,
    pub lines: Vec<PricedLine>,
    pub totals: Totals,
    pub ship_to: Address,
    pub requested_delivery_date: Option<NaiveDate>,
    pub ship_complete: bool,
    pub payment_terms: String,
    pub shipping_method: ShippingMethod,
    pub comment: Option<String>,
    /// The approver's decision, for an order that needed one.
    #[serde(default)]
    pub approval: Option<Approval>,
    /// The quote this order was accepted from.
    #[serde(default)]
    pub quote_number: Option<String>,
    /// What the supplier answered since the order was placed (Peppol order
    /// responses and despatch advices), oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<OrderEvent>,
    /// The earliest delivery the shop computed when the order was placed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest_delivery: Option<NaiveDate>,
    /// When the supplier confirmed the order (and promised its dates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<DateTime<Utc>>,
    /// What the supplier shipped so far, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shipments: Vec<Shipment>,
}

/// A supplier's answer to an order: accepted, rejected, changed, shipped.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrderEvent {
    pub date: NaiveDate,
    pub kind: OrderEventKind,
    /// The document it came from, e.g. `T76 OR-1`.
    pub document: String,
    /// The supplier's note; for a rejection its reason.
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub promised_delivery: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<LineChange>,
}

/// What a supplier's answer says of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderEventKind {
    /// Received; nothing decided yet (the status stays).
    Acknowledged,
    Accepted,
    /// Accepted with changes to lines (quantity, price, date, substitute).
    AcceptedWithChanges,
    Rejected,
    /// The last of the order is shipped.
    Shipped,
    /// Part of the order is shipped.
    PartlyShipped,
}

impl OrderEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderEventKind::Acknowledged => "acknowledged",
            OrderEventKind::Accepted => "accepted",
            OrderEventKind::AcceptedWithChanges => "accepted_with_changes",
            OrderEventKind::Rejected => "rejected",
            OrderEventKind::Shipped => "shipped",
            OrderEventKind::PartlyShipped => "partly_shipped",
        }
    }
}

/// One line's change in an `OrderEvent`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LineChange {
    /// One-based line number on the order.
    pub line: usize,
    pub sku: String,
    pub what: LineChangeKind,
    pub from: String,
    pub to: String,
}

/// What changed on a line: `from` and `to` say how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineChangeKind {
    Quantity,
    UnitPrice,
    DeliveryDate,
    /// Refused: the quantity becomes 0.
    NotAccepted,
    /// Replaced by another part (`to` is its SKU).
    Substituted,
    /// Shipped so far (`to`: "5 of 12, 7 to follow").
    Shipped,
}

impl LineChangeKind {
    /// Whether the change alters what the line costs or holds.
    pub fn alters_line(self) -> bool {
        matches!(
            self,
            LineChangeKind::Quantity
                | LineChangeKind::UnitPrice
                | LineChangeKind::NotAccepted
                | LineChangeKind::Substituted
        )
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderSummary {
    pub number: String,
    pub status: OrderStatus,
    pub created_at: DateTime<Utc>,
    pub po_number: String,
    pub placed_by: String,
    pub line_count: u32,
    pub totals: Totals,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderList {
    pub items: Vec<OrderSummary>,
    pub next_cursor: Option<String>,
}

/// A problem with one line of a draft or import.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LineError {
    /// Zero-based index of the line in the draft.
    pub line: usize,
    pub sku: String,
    pub code: String,
    pub message: String,
    /// For a price change: the current unit price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_unit_price: Option<Decimal>,
    /// For a quantity problem: the next valid quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_quantity: Option<u32>,
}

/// The one error shape of the protocol.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<LineError>,
}

impl ApiError {
    /// `duplicate_po`: `po` is taken by `order`, placed on `placed`. The
    /// message names the problem, not how a face overrides it (a draft's
    /// `allow_duplicate_po`): each face says that in its own words.
    pub fn duplicate_po(po: &str, order: &str, placed: NaiveDate) -> ApiError {
        ApiError {
            code: codes::DUPLICATE_PO.into(),
            message: format!(
                "PO number {} is already used by order {order} of {placed}; a new order needs another PO number",
                po.trim()
            ),
            details: vec![],
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ApiError,
}

/// Machine codes of `ApiError`.
pub mod codes {
    pub const UNAUTHORIZED: &str = "unauthorized";
    pub const INVALID_CREDENTIALS: &str = "invalid_credentials";
    pub const FORBIDDEN: &str = "forbidden";
    pub const NOT_FOUND: &str = "not_found";
    pub const INVALID_REQUEST: &str = "invalid_request";
    pub const INVALID_ORDER: &str = "invalid_order";
    pub const PRICE_CHANGED: &str = "price_changed";
    pub const IDEMPOTENCY_MISMATCH: &str = "idempotency_mismatch";
    pub const DUPLICATE_PO: &str = "duplicate_po";
    pub const CREDIT_LIMIT_EXCEEDED: &str = "credit_limit_exceeded";
    pub const QUOTE_EXPIRED: &str = "quote_expired";
    pub const QUOTE_NOT_OPEN: &str = "quote_not_open";
    pub const OWN_ORDER: &str = "own_order";
    pub const NOT_PENDING: &str = "not_pending";
    /// Too many requests or failed logins: wait for `Retry-After` seconds.
    pub const TOO_MANY_REQUESTS: &str = "too_many_requests";
    /// The request body is larger than the shop accepts.
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    /// The request body did not arrive within the shop's time limits.
    pub const REQUEST_TIMEOUT: &str = "request_timeout";
    /// The supplier's side: the order is in no state for this (confirming
    /// one that waits for approval or is confirmed already, shipping one
    /// not confirmed yet).
    pub const ORDER_NOT_OPEN: &str = "order_not_open";
    /// The supplier's side: more than is open — a shipment above the open
    /// quantity, a credit note above what the invoice billed less earlier
    /// credit notes, a payment above the open amount. The message has the numbers.
    pub const EXCEEDS_OPEN: &str = "exceeds_open";
    /// The supplier's side: nothing left to ship, invoice, credit or pay.
    pub const NOTHING_OPEN: &str = "nothing_open";
    // Codes of a `LineError`.
    pub const UNKNOWN_SKU: &str = "unknown_sku";
    pub const INVALID_QUANTITY: &str = "invalid_quantity";
    pub const DISCONTINUED: &str = "discontinued";
    /// A line's amount is outside the protocol's limits (`limits`).
    pub const AMOUNT_TOO_LARGE: &str = "amount_too_large";
    /// A part without a price for the company: ask for a quote.
    pub const PRICE_ON_REQUEST: &str = "price_on_request";
    /// More than the supplier has in stock, and it takes no backorders for
    /// the part (a Medusa store; the reference shop takes backorders).
    pub const INSUFFICIENT_STOCK: &str = "insufficient_stock";
    pub const INTERNAL: &str = "internal";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one rule of which orders keep a PO number, for every status.
    #[test]
    fn cancelled_and_rejected_orders_free_their_po_number() {
        use OrderStatus::*;
        let all = [
            Placed,
            PendingApproval,
            Confirmed,
            Shipped,
            Delivered,
            Cancelled,
            Sent,
            Accepted,
            AcceptedWithChanges,
            Rejected,
            PartlyShipped,
        ];
        let free: Vec<OrderStatus> = all.into_iter().filter(|s| !s.holds_po_number()).collect();
        assert_eq!(free, [Cancelled, Rejected]);
        assert!(po_number_taken("PO-1", " PO-1 ", Delivered), "compared trimmed");
        assert!(!po_number_taken("PO-1", "PO-1", Rejected));
        assert!(!po_number_taken("PO-1", "po-1", Placed), "case counts");
    }

    /// The wire strings of an event's kind and a line change's `what`, as
    /// docs/json.md and docs/peppol.md name them.
    #[test]
    fn event_kinds_keep_their_wire_strings() {
        use OrderEventKind::*;
        for k in [Acknowledged, Accepted, AcceptedWithChanges, Rejected, Shipped, PartlyShipped] {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        let change: LineChange =
            serde_json::from_str(r#"{"line":1,"sku":"A","what":"unit_price","from":"6.90","to":"7.25"}"#).unwrap();
        assert_eq!(change.what, LineChangeKind::UnitPrice);
        let whats = ["quantity", "unit_price", "delivery_date", "not_accepted", "substituted", "shipped"];
        for w in whats {
            let k: LineChangeKind = serde_json::from_value(serde_json::Value::from(w)).unwrap();
            assert_eq!(serde_json::to_value(k).unwrap(), w);
        }
        assert!(serde_json::from_str::<OrderEventKind>(r#""lost""#).is_err());
    }

    #[test]
    fn a_duplicate_po_names_the_order_and_no_override() {
        let e = ApiError::duplicate_po(" PO-7 ", "SO-ACME-1001", NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        assert_eq!(e.code, codes::DUPLICATE_PO);
        assert_eq!(
            e.message,
            "PO number PO-7 is already used by order SO-ACME-1001 of 2026-11-28; a new order needs another PO number"
        );
    }
}
