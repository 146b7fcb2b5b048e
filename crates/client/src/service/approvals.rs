//! Orders above a buyer's limit wait for an approver of the same company.

use super::seen::Seen;
use super::{Error, Result, Supplier};
use crate::api::{Credit, Decision, Order, OrderSummary, Reason};
use crate::service::{ErrorKind, Remedy};

pub async fn queue(sup: &Supplier) -> Result<Vec<OrderSummary>> {
    sup.require_login()?;
    let list = sup.backend.approvals().await?;
    Ok(list.items)
}

pub async fn decide(sup: &Supplier, number: &str, decision: Decision, reason: Option<String>) -> Result<Order> {
    sup.require_login()?;
    let reason = reason.filter(|r| !r.trim().is_empty());
    if decision == Decision::Rejected && reason.is_none() {
        return Err(Error::NeedsChoice {
            kind: ErrorKind::Rejected,
            message: "a rejection needs a reason for the buyer".into(),
            remedy: Remedy::GiveReason,
        });
    }
    Ok(sup.backend.decide(number, decision, &Reason { reason }).await?)
}

pub async fn credit(sup: &Supplier) -> Result<Credit> {
    sup.require_login()?;
    Ok(sup.backend.credit().await?)
}

/// The company's credit; without the shop, as last seen (`Seen::offline`).
pub async fn credit_or_seen(sup: &Supplier) -> Result<Seen<Credit>> {
    super::seen::fresh_or_seen(sup, "credit", credit(sup)).await
}

/// The orders waiting for approval; without the shop, as last seen.
pub async fn queue_or_seen(sup: &Supplier) -> Result<Seen<Vec<OrderSummary>>> {
    super::seen::fresh_or_seen(sup, "approvals", queue(sup)).await
}
