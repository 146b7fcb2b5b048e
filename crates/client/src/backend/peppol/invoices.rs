//! Invoices on Peppol (BIS Billing 3): Invoices (T10) and Credit Notes
//! (T14) read from the inbox, linked to this profile's orders by the order
//! reference (BT-13, the T01's id) and the order line reference (BT-132);
//! a dispute goes out as an Invoice Response (T111) into the outbox.
//!
//! The inbox is read whole each time (files are never moved), so the
//! buyer's invoices are what the files say; what procure adds, the
//! disputes sent, is kept in `peppol-orders.json` with the orders. An
//! invoice for an order this profile does not have is read all the same
//! (the three-way match holds it); one that cannot be read as procure's
//! invoice (a fractional or negative quantity, text that cannot be
//! cleaned) is reported with its file and left in place.

use super::super::{BackendError, Result};
use super::Settings;
use super::orders::{StateFile, local, whole};
use crate::api::{ApiError, Dispute, Invoice, InvoiceKind, InvoiceLine, PaymentStatus, Totals, codes};
use crate::core::money;
use crate::store::atomic;
use chrono::{DateTime, Utc};
use procure_protocol::peppol::{
    self, Document, InvoiceResponse, NO_ORDER_REF, Party, ResponseStatus, invoice_response_code, status_reason,
    type_code,
};
use procure_protocol::terms::PaymentTerms;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A dispute sent: the T111 written, and the dispute as the invoice shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SentDispute {
    pub invoice: String,
    pub dispute: Dispute,
    /// The outbox file name.
    pub file: String,
}

/// The invoice a BIS Billing document is, for procure.
pub fn map(doc: &peppol::Invoice) -> std::result::Result<Invoice, String> {
    let kind = if doc.credit_note || doc.type_code == type_code::CREDIT_NOTE {
        InvoiceKind::CreditNote
    } else {
        InvoiceKind::Invoice
    };
    let order_ref = doc.order_ref.clone().filter(|r| !r.trim().is_empty() && r != NO_ORDER_REF);
    let mut lines = Vec::with_capacity(doc.lines.len());
    for (i, l) in doc.lines.iter().enumerate() {
        let quantity = whole(l.quantity, &format!("line {}: quantity", l.id))?;
        let each = l.unit_price();
        // Allowances on the line make its amount less than price × quantity:
        // the price paid is the amount's share of one unit.
        let unit_price = if quantity == 0 || money::line_total(each, quantity) == l.line_amount {
            each
        } else {
            (l.line_amount / Decimal::from(quantity)).round_dp(6).normalize()
        };
        let sku = if l.seller_id.trim().is_empty() {
            l.standard_id.as_ref().map(|s| s.id.clone()).unwrap_or_default()
        } else {
            l.seller_id.clone()
        };
        lines.push(InvoiceLine {
            line: l.id.trim().parse().unwrap_or(u32::try_from(i + 1).unwrap_or(u32::MAX)),
            order_number: order_ref.clone(),
            order_line: l.order_line_ref.as_deref().and_then(|r| r.trim().parse().ok()),
            sku,
            name: l.name.clone(),
            quantity,
            unit_price,
            line_total: l.line_amount,
            vat_rate: l.vat_percent.unwrap_or_default(),
        });
    }
    let t = &doc.totals;
    let paid = t.prepaid.unwrap_or_default();
    // Document-level charges less allowances (shipping), and any rounding.
    let shipping = t.tax_exclusive - t.line_extension + t.rounding.unwrap_or_default();
    let gross = t.payable + paid;
    let terms = doc.payment_terms.as_deref().and_then(PaymentTerms::parse);
    let due_date = doc.due_date.or_else(|| terms.map(|t| t.due_date(doc.issue_date))).unwrap_or(doc.issue_date);
    let early_payment = terms.and_then(|t| t.early_payment(doc.issue_date, gross));
    let invoice = Invoice {
        number: doc.id.clone(),
        kind,
        issue_date: doc.issue_date,
        due_date,
        payment_terms: doc.payment_terms.clone().unwrap_or_default().lines().next().unwrap_or("").to_string(),
        early_payment,
        order_numbers: order_ref.into_iter().collect(),
        credits_invoice: match kind {
            InvoiceKind::CreditNote => doc.preceding_invoices.first().cloned(),
            InvoiceKind::Invoice => None,
        },
        reason: match kind {
            InvoiceKind::CreditNote => doc.note.clone(),
            InvoiceKind::Invoice => None,
        },
        lines,
        totals: Totals { currency: doc.currency.clone(), net: t.line_extension, shipping, vat: doc.tax_total, gross },
        paid,
        open: t.payable,
        status: PaymentStatus::of(gross, paid),
        payments: vec![],
        disputes: vec![],
    };
    // What the supplier wrote is shown in terminals: cleaned like any shop's text.
    super::catalogue::untrusted(&invoice)
}

/// Every invoice and credit note in the inbox that reads as one (by file
/// name), with its document: regular files only (a link is never
/// followed), and only from the supplier of the order each names. One that
/// does not qualify is left out here and reported by `orders::receive`,
/// which every command reads the inbox with.
fn read_inbox(state: &StateFile, inbox: &Path) -> Result<Vec<(Invoice, peppol::Invoice)>> {
    let st = state.read()?;
    let mut found = Vec::new();
    for f in super::orders::inbox_files(inbox)? {
        let Ok(bytes) = super::orders::read_inbox_file(&f) else { continue };
        // Only billing documents; the order answers are `orders::receive`'s.
        if let Ok(Document::Invoice(doc)) = peppol::read(&bytes)
            && super::orders::check_billing_sender(&st, &doc, label(&doc)).is_ok()
            && let Ok(i) = map(&doc)
        {
            found.push((i, *doc));
        }
    }
    Ok(found)
}

/// What a billing document is, for a report.
pub fn label(doc: &peppol::Invoice) -> &'static str {
    if doc.credit_note { "credit note (T14)" } else { "invoice (T10)" }
}

/// The invoices of the inbox with the disputes sent of each.
pub fn invoices(state: &StateFile, inbox: &Path) -> Result<Vec<Invoice>> {
    let disputes = state.read()?.disputes;
    let found = read_inbox(state, inbox)?;
    Ok(found
        .into_iter()
        .map(|(mut i, _)| {
            i.disputes = disputes.iter().filter(|d| d.invoice == i.number).map(|d| d.dispute.clone()).collect();
            i
        })
        .collect())
}

fn not_found(number: &str) -> BackendError {
    BackendError::NotFound(ApiError {
        code: codes::NOT_FOUND.into(),
        message: format!("no invoice or credit note {number:?} in this profile's inbox"),
        details: vec![],
    })
}

pub fn invoice(state: &StateFile, inbox: &Path, number: &str) -> Result<Invoice> {
    invoices(state, inbox)?.into_iter().find(|i| i.number == number.trim()).ok_or_else(|| not_found(number))
}

/// Disputes an invoice: a T111 Invoice Response "under query" with the
/// reason, written into the outbox (recorded first, then written, as orders
/// are), and the invoice with the dispute.
pub fn dispute(
    state: &StateFile,
    settings: &Settings,
    number: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Invoice> {
    let number = number.trim();
    let found = read_inbox(state, &settings.inbox)?;
    let Some((_, doc)) = found.into_iter().find(|(i, _)| i.number == number) else {
        return Err(not_found(number));
    };
    let id = format!("IR-{}", uuid::Uuid::new_v4());
    let file = format!("{id}.xml");
    let response = InvoiceResponse {
        id: id.clone(),
        issue_date: now.date_naive(),
        issue_time: Some(now.format("%H:%M:%S").to_string()),
        note: None,
        // An invoice response's parties carry ids and legal names (and the
        // sender's contact), no addresses.
        sender: Party { address: None, ..settings.buyer.clone() },
        receiver: Party { address: None, contact: None, ..doc.seller.party.clone() },
        code: invoice_response_code::UNDER_QUERY.into(),
        effective_date: None,
        statuses: vec![ResponseStatus {
            list: status_reason::REASON_LIST.into(),
            code: Some(status_reason::OTHER.into()),
            reason: Some(reason.to_string()),
            conditions: vec![],
        }],
        invoice_ref: doc.id.clone(),
        invoice_issue_date: Some(doc.issue_date),
        invoice_type_code: doc.type_code.clone(),
    };
    let bytes = peppol::write_invoice_response(&response);
    let target: PathBuf = settings.outbox.join(&file);
    let by = settings.buyer.display_name().to_string();
    state.locked(|st| {
        st.disputes.push(SentDispute {
            invoice: number.to_string(),
            dispute: Dispute { at: now, by, reason: reason.to_string() },
            file: file.clone(),
        });
        state.write(st)?;
        atomic::write_readable(&target, &bytes).map_err(|e| local(&target, e))?;
        Ok(())
    })?;
    tracing::info!(invoice = number, file = %target.display(), "Peppol invoice response written");
    invoice(state, &settings.inbox, number)
}
