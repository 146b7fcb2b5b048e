//! Invoices and credit notes of a supplier: the list (open, overdue), one
//! with its three-way match (`invoice show`, `invoice check`), and a
//! dispute sent to the supplier. Read from the local history, brought up
//! to date first (`service::local`; offline: as last seen).

use super::local::{self, Feeds, Freshness};
use super::{Error, Result, Supplier};
use crate::api::{Invoice, InvoiceKind};
use crate::core::matching::{Match, MatchStatus};
use crate::core::statement;
use crate::store::history::History;
pub use crate::store::history::{InvoiceRow, Refused};
use serde::Serialize;

/// Which invoices to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Which {
    #[default]
    All,
    /// With something open (credit notes too).
    Open,
    /// Open invoices past their due date.
    Overdue,
}

#[derive(Debug, Clone, Serialize)]
pub struct InvoiceItem {
    #[serde(flatten)]
    pub row: InvoiceRow,
    /// Days past the due date of an open invoice (0 when not overdue, settled, or a credit note).
    pub days_overdue: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct InvoiceList {
    pub supplier: String,
    #[serde(flatten)]
    pub freshness: Freshness,
    pub invoices: Vec<InvoiceItem>,
    /// Documents the supplier sent that were refused on arrival, and why.
    pub refused: Vec<Refused>,
}

pub(crate) fn unsupported(sup: &Supplier) -> Result<()> {
    if sup.capabilities().invoices {
        Ok(())
    } else {
        Err(Error::Rejected(format!(
            "profile {:?} ({} shop) gives no invoices: procure cannot match or list them",
            sup.name,
            sup.backend.kind().as_str()
        )))
    }
}

fn list_from(sup: &Supplier, h: &History, which: Which, freshness: Freshness) -> Result<InvoiceList> {
    let today = sup.clock.today();
    let invoices = h
        .invoice_rows(which != Which::All)?
        .into_iter()
        .map(|row| {
            // A credit note is never overdue: it is the supplier's to settle.
            let settled = row.open.is_zero() || row.kind == InvoiceKind::CreditNote;
            let days = if settled { 0 } else { statement::days_overdue(row.due_date, today).max(0) };
            InvoiceItem { row, days_overdue: days }
        })
        .filter(|i| which != Which::Overdue || (i.row.kind == InvoiceKind::Invoice && i.days_overdue > 0))
        .collect();
    Ok(InvoiceList { supplier: sup.name.clone(), freshness, invoices, refused: h.refused()? })
}

/// The supplier's invoices and credit notes, newest first.
pub async fn list(sup: &Supplier, which: Which) -> Result<InvoiceList> {
    unsupported(sup)?;
    let (freshness, _) = local::refresh(sup, Feeds::All).await?;
    list_from(sup, &sup.history()?, which, freshness)
}

/// The list as the local history has it, without asking the shop.
pub fn list_local(sup: &Supplier, which: Which) -> Result<InvoiceList> {
    unsupported(sup)?;
    let h = sup.history()?;
    let freshness = local::freshness(sup, Feeds::All)?;
    list_from(sup, &h, which, freshness)
}

/// One invoice or credit note with its match.
#[derive(Debug, Clone, Serialize)]
pub struct InvoiceView {
    #[serde(flatten)]
    pub invoice: Invoice,
    /// The three-way match (a credit note: against its invoice).
    #[serde(rename = "match")]
    pub matched: Match,
    /// The credit notes that credit it.
    pub credit_notes: Vec<String>,
    pub days_overdue: i64,
    #[serde(flatten)]
    pub freshness: Freshness,
}

impl InvoiceView {
    pub fn held(&self) -> bool {
        self.matched.status == MatchStatus::Held
    }
}

fn view(sup: &Supplier, h: &History, invoice: Invoice, freshness: Freshness) -> Result<InvoiceView> {
    let matched = local::match_now(sup, h, &invoice)?;
    let mut credit_notes: Vec<String> = h.credit_notes_of(&invoice.number)?.into_iter().map(|c| c.number).collect();
    credit_notes.sort();
    // A credit note is never overdue: it is the supplier's to settle.
    let settled = invoice.open.is_zero() || invoice.kind == InvoiceKind::CreditNote;
    let days_overdue = if settled { 0 } else { statement::days_overdue(invoice.due_date, sup.clock.today()).max(0) };
    Ok(InvoiceView { invoice, matched, credit_notes, days_overdue, freshness })
}

/// One invoice or credit note and its three-way match as things stand.
pub async fn show(sup: &Supplier, number: &str) -> Result<InvoiceView> {
    unsupported(sup)?;
    let (freshness, _) = local::refresh(sup, Feeds::All).await?;
    let number = number.trim();
    let kept = sup.history()?.invoice(number)?;
    let invoice = match kept {
        Some(i) => i,
        None if freshness.offline => {
            return Err(Error::Rejected(format!(
                "invoice {number} is not in the local history{}; it is shown when the shop answers",
                freshness.as_of.map(|at| format!(" (as of {})", at.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default()
            )));
        }
        None => {
            let i = sup.backend.invoice(number).await?;
            local::keep_invoice(sup, &sup.history()?, &i)?;
            i
        }
    };
    view(sup, &sup.history()?, invoice, freshness)
}

/// The same as `show`, from the local history alone (the app).
pub fn show_local(sup: &Supplier, number: &str) -> Result<InvoiceView> {
    unsupported(sup)?;
    let h = sup.history()?;
    let freshness = local::freshness(sup, Feeds::All)?;
    let invoice =
        h.invoice(number)?.ok_or_else(|| Error::Rejected(format!("invoice {number} is not in the local history")))?;
    view(sup, &h, invoice, freshness)
}

/// The longest reason a dispute may give.
pub const MAX_REASON_CHARS: usize = 1000;

/// Tells the supplier the buyer objects to an invoice, with why.
pub async fn dispute(sup: &Supplier, number: &str, reason: &str) -> Result<InvoiceView> {
    unsupported(sup)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::Usage("a dispute needs a reason (--reason TEXT)".into()));
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(Error::Usage(format!("a dispute's reason is at most {MAX_REASON_CHARS} characters")));
    }
    if !sup.capabilities().disputes {
        return Err(Error::Rejected(format!("profile {:?} cannot dispute invoices", sup.name)));
    }
    sup.require_login()?;
    let (_, _) = local::refresh(sup, Feeds::All).await?;
    let invoice = sup.backend.dispute(number.trim(), reason).await?;
    let h = sup.history()?;
    local::keep_invoice(sup, &h, &invoice)?;
    let now = Freshness { as_of: Some(sup.clock.now()), offline: false };
    view(sup, &h, invoice, now)
}
