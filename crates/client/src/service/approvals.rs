//! Orders above a buyer's limit wait for an approver of the same company.

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
        return Err(Error::Refused {
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
