//! Wire types for the group decisions of B2B buying: quote requests,
//! approvals of orders above a buyer's limit, and the company's credit.

use super::{Order, Totals};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    Requested,
    Offered,
    Accepted,
    Declined,
    /// An offer past its validity date; it can no longer be accepted.
    Expired,
}

impl QuoteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            QuoteStatus::Requested => "requested",
            QuoteStatus::Offered => "offered",
            QuoteStatus::Accepted => "accepted",
            QuoteStatus::Declined => "declined",
            QuoteStatus::Expired => "expired",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuoteRequestLine {
    pub sku: String,
    pub quantity: u32,
    /// The unit price the buyer hopes for (excl. VAT).
    #[serde(default)]
    pub target_unit_price: Option<Decimal>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/quotes` (with an Idempotency-Key header).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuoteRequest {
    pub lines: Vec<QuoteRequestLine>,
    #[serde(default)]
    pub requested_delivery_date: Option<NaiveDate>,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuoteLine {
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    pub target_unit_price: Option<Decimal>,
    /// The supplier's unit price once offered.
    pub offered_unit_price: Option<Decimal>,
    /// The buyer's price-list price for the quantity at request time.
    pub list_unit_price: Option<Decimal>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuoteMessage {
    pub at: DateTime<Utc>,
    /// "buyer" or "supplier".
    pub side: String,
    pub author: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Quote {
    pub number: String,
    pub status: QuoteStatus,
    pub created_at: DateTime<Utc>,
    pub requested_by: String,
    pub lines: Vec<QuoteLine>,
    pub requested_delivery_date: Option<NaiveDate>,
    pub comment: Option<String>,
    /// Last day the offer can be accepted.
    pub valid_until: Option<NaiveDate>,
    /// Totals at the offered prices, once offered.
    pub offer_totals: Option<Totals>,
    /// The order an accepted quote became.
    pub order_number: Option<String>,
    pub messages: Vec<QuoteMessage>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct QuoteSummary {
    pub number: String,
    pub status: QuoteStatus,
    pub created_at: DateTime<Utc>,
    pub requested_by: String,
    pub line_count: u32,
    pub valid_until: Option<NaiveDate>,
    pub order_number: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QuoteList {
    pub items: Vec<QuoteSummary>,
    pub next_cursor: Option<String>,
}

/// `POST /api/v1/quotes/{number}/accept`: the order header; lines and prices
/// come from the offer.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AcceptQuote {
    pub po_number: String,
    #[serde(default)]
    pub ship_to: Option<String>,
    #[serde(default)]
    pub shipping_method: Option<String>,
    #[serde(default)]
    pub ship_complete: bool,
    #[serde(default)]
    pub requested_delivery_date: Option<NaiveDate>,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AcceptedQuote {
    pub quote: Quote,
    pub order: Order,
}

/// `POST /api/v1/quotes/{number}/decline`, `POST /api/v1/orders/{number}/reject`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Reason {
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /api/v1/quotes/{number}/messages`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NewMessage {
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approved,
    Rejected,
}

/// The approver's decision on an order above a buyer's limit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Approval {
    pub decision: Decision,
    pub decided_by: String,
    pub decided_at: DateTime<Utc>,
    pub reason: Option<String>,
}

/// The company's account with the supplier: `GET /api/v1/credit`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Credit {
    pub currency: String,
    /// `None`: no credit limit.
    #[serde(serialize_with = "crate::money::amount::serialize_option")]
    pub limit: Option<Decimal>,
    /// Gross value of orders placed and not yet paid (including those waiting for approval).
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub open_balance: Decimal,
    /// `limit − open_balance`, `None` without a limit.
    #[serde(serialize_with = "crate::money::amount::serialize_option")]
    pub available: Option<Decimal>,
}
