//! Wire types of what happens after an order is placed: the supplier's
//! promised dates and shipments (with the documents that travel with the
//! goods), invoices and credit notes, payments and disputes, and the pages a
//! client syncs them with. docs/shop-api.md describes them.

use super::{Document, Order, Totals};
use crate::terms::EarlyPayment;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One shipment of an order: partial shipments and backorders are normal,
/// so an order has as many as the supplier sends.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Shipment {
    /// The supplier's delivery note number, e.g. `DN-ACME-1001-1`.
    pub number: String,
    pub date: NaiveDate,
    #[serde(default)]
    pub carrier: Option<String>,
    #[serde(default)]
    pub tracking: Option<String>,
    pub lines: Vec<ShipmentLine>,
    /// Documents that travel with the goods: an inspection certificate per
    /// batch (EN 10204 3.1), a certificate of conformity, …
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<ShipmentDocument>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShipmentLine {
    /// One-based line number on the order.
    pub line: u32,
    pub sku: String,
    pub quantity: u32,
}

/// A document shipped with one line's goods.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShipmentDocument {
    pub sku: String,
    #[serde(flatten)]
    pub document: Document,
}

/// `GET /api/v1/orders/changes?since=…`: whole orders (lines, promised
/// dates, shipments) changed after a sync token, for the client's local
/// order history.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrderPage {
    pub items: Vec<Order>,
    pub next_cursor: Option<String>,
    pub sync_token: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
}

impl InvoiceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "invoice",
            InvoiceKind::CreditNote => "credit_note",
        }
    }
}

/// Where an invoice stands with payments; a dispute is kept beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Open,
    PartlyPaid,
    Paid,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Open => "open",
            PaymentStatus::PartlyPaid => "partly_paid",
            PaymentStatus::Paid => "paid",
        }
    }

    /// The status of a document of `gross` of which `paid` was paid.
    pub fn of(gross: Decimal, paid: Decimal) -> PaymentStatus {
        if paid.is_zero() {
            PaymentStatus::Open
        } else if paid < gross {
            PaymentStatus::PartlyPaid
        } else {
            PaymentStatus::Paid
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct InvoiceLine {
    /// One-based line number on the invoice.
    pub line: u32,
    /// The order and its one-based line this line bills (Peppol BT-13 and
    /// BT-132); `None` when the supplier did not say.
    #[serde(default)]
    pub order_number: Option<String>,
    #[serde(default)]
    pub order_line: Option<u32>,
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Decimal,
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub line_total: Decimal,
    pub vat_rate: Decimal,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Payment {
    pub date: NaiveDate,
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub amount: Decimal,
    #[serde(default)]
    pub reference: Option<String>,
}

/// The buyer's objection to an invoice: visible to the supplier.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Dispute {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

/// An invoice or a credit note. Amounts are positive in both; a credit
/// note reduces what the buyer owes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Invoice {
    pub number: String,
    pub kind: InvoiceKind,
    pub issue_date: NaiveDate,
    /// From the company's payment terms (`terms::PaymentTerms`).
    pub due_date: NaiveDate,
    pub payment_terms: String,
    /// Absent when the terms give no discount for paying early.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_payment: Option<EarlyPayment>,
    /// The orders it bills, in the order of its lines.
    pub order_numbers: Vec<String>,
    /// A credit note: the invoice it credits (absent on an invoice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_invoice: Option<String>,
    /// A credit note's reason (absent when none was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub lines: Vec<InvoiceLine>,
    /// Net is the lines' sum; `shipping` the charge billed with it.
    pub totals: Totals,
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub paid: Decimal,
    /// `totals.gross − paid`.
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub open: Decimal,
    pub status: PaymentStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<Payment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disputes: Vec<Dispute>,
}

/// `GET /api/v1/invoices?since=…`: whole invoices and credit notes changed
/// after a sync token (new, paid, disputed), for the client's local copy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvoicePage {
    pub items: Vec<Invoice>,
    pub next_cursor: Option<String>,
    pub sync_token: String,
}

/// `POST /api/v1/invoices/{number}/dispute`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct NewDispute {
    pub reason: String,
}
