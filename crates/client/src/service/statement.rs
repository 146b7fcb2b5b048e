//! The statement of account of a supplier: what the buyer owes it, from
//! the local history brought up to date first (offline: as last seen).
//!
//! `open_total` is the sum of open invoices less open credit notes (the
//! sums and ageing are `core::statement`'s). `open_balance` adds what is
//! ordered and not yet invoiced on open orders (gross): the supplier's
//! definition of the open balance its credit limit is measured against, so
//! it equals `procure credit`'s `open_balance` when both are fresh.

use super::local::{self, Feeds, Freshness};
use super::{Result, Supplier};
use crate::api::{InvoiceKind, PaymentStatus};
use crate::core::matching::MatchStatus;
use crate::core::statement::{self, Ageing, Item};
use crate::store::history::History;
pub use crate::store::history::PaymentRow;
use chrono::{Duration, NaiveDate};
use procure_protocol::terms::EarlyPayment;
use rust_decimal::Decimal;
use serde::Serialize;

/// How far back the statement lists payments.
pub const PAYMENT_DAYS: i64 = 90;

/// One invoice or credit note with something open.
#[derive(Debug, Clone, Serialize)]
pub struct OpenItem {
    pub number: String,
    pub kind: InvoiceKind,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// Days past due (negative: due in so many days).
    pub days_overdue: i64,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub gross: Decimal,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub paid: Decimal,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub open: Decimal,
    pub status: PaymentStatus,
    #[serde(rename = "match")]
    pub match_status: MatchStatus,
    pub disputed: bool,
    /// The discount for paying it early, while it lasts.
    pub early_payment: Option<EarlyPayment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Statement {
    pub supplier: String,
    pub currency: String,
    #[serde(flatten)]
    pub freshness: Freshness,
    /// Open invoices less open credit notes.
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub open_total: Decimal,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub invoices_open: Decimal,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub credits_open: Decimal,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub overdue_total: Decimal,
    /// Open invoices the three-way match holds.
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub held_total: Decimal,
    /// Gross ordered and not yet invoiced on open orders.
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub ordered_not_invoiced: Decimal,
    /// `open_total` + `ordered_not_invoiced`: the supplier's open balance.
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub open_balance: Decimal,
    pub ageing: Ageing,
    pub open_items: Vec<OpenItem>,
    /// Payments of the last `PAYMENT_DAYS` days, newest first.
    pub payments: Vec<PaymentRow>,
}

fn from_local(sup: &Supplier, h: &History, freshness: Freshness) -> Result<Statement> {
    let today = sup.clock.today();
    let rows = h.invoice_rows(true)?;
    let sums = statement::sums(
        rows.iter().map(|r| Item {
            kind: r.kind,
            due_date: r.due_date,
            open: r.open,
            held: r.match_status == MatchStatus::Held,
        }),
        today,
    );
    let mut open_items = Vec::with_capacity(rows.len());
    for r in &rows {
        // The discount, while it lasts.
        let early = r.early_payment.clone().filter(|e| e.until >= today && r.paid.is_zero());
        open_items.push(OpenItem {
            number: r.number.clone(),
            kind: r.kind,
            issue_date: r.issue_date,
            due_date: r.due_date,
            days_overdue: statement::days_overdue(r.due_date, today),
            gross: r.gross,
            paid: r.paid,
            open: r.open,
            status: r.status,
            match_status: r.match_status,
            disputed: r.disputed,
            early_payment: early,
        });
    }
    // Most overdue first.
    open_items.sort_by(|a, b| a.due_date.cmp(&b.due_date).then_with(|| a.number.cmp(&b.number)));
    let currency = rows
        .first()
        .map(|r| r.currency.clone())
        .or_else(|| sup.cache().ok().and_then(|c| c.me().ok().flatten()).map(|m| m.company.currency))
        .unwrap_or_else(|| "EUR".into());
    let ordered_not_invoiced = h.uninvoiced_total()?;
    let round = crate::core::money::round_cents;
    Ok(Statement {
        supplier: sup.name.clone(),
        currency,
        freshness,
        open_total: round(sums.open_total),
        invoices_open: round(sums.invoices_open),
        credits_open: round(sums.credits_open),
        overdue_total: round(sums.overdue_total),
        held_total: round(sums.held_total),
        ordered_not_invoiced: round(ordered_not_invoiced),
        open_balance: round(sums.open_total + ordered_not_invoiced),
        ageing: sums.ageing,
        open_items,
        payments: h.payments_since(today - Duration::days(PAYMENT_DAYS))?,
    })
}

/// The supplier's statement of account.
pub async fn statement(sup: &Supplier) -> Result<Statement> {
    super::invoices::unsupported(sup)?;
    let (freshness, _) = local::refresh(sup, Feeds::All).await?;
    from_local(sup, &sup.history()?, freshness)
}

/// The statement from the local history alone (the app).
pub fn statement_local(sup: &Supplier) -> Result<Statement> {
    super::invoices::unsupported(sup)?;
    let h = sup.history()?;
    let freshness = local::freshness(sup, Feeds::All)?;
    from_local(sup, &h, freshness)
}

/// The statements of several suppliers.
#[derive(Debug, Clone, Serialize)]
pub struct Statements {
    #[serde(flatten)]
    pub freshness: Freshness,
    pub statements: Vec<Statement>,
    pub suppliers: Vec<local::Source>,
}

/// `statement` of each supplier named. A supplier that cannot be opened or
/// read is listed with its error; the first error is returned when none
/// could be read.
pub async fn across(ws: &super::Workspace, names: &[String]) -> Result<Statements> {
    let mut statements = Vec::new();
    let mut sources = Vec::new();
    let mut first: Option<super::Error> = None;
    for name in names {
        let r = match ws.supplier(Some(name)) {
            Ok(sup) => statement(&sup).await,
            Err(e) => Err(e),
        };
        match r {
            Ok(s) => {
                sources.push(local::Source::of(name, s.freshness));
                statements.push(s);
            }
            Err(e) => {
                sources.push(local::Source::failed(name, &e));
                first.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first
        && statements.is_empty()
    {
        return Err(e);
    }
    Ok(Statements { freshness: local::across(&sources), statements, suppliers: sources })
}
