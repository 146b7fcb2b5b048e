//! Orders above a buyer's limit wait for an approver of the same company.

use super::{Context, Error, Result};
use crate::api::{Credit, Decision, Order, OrderSummary, Reason};

pub async fn queue(ctx: &Context) -> Result<Vec<OrderSummary>> {
    ctx.require_login()?;
    let list = ctx.shop.approvals().await?;
    Ok(list.items)
}

pub async fn decide(ctx: &Context, number: &str, decision: Decision, reason: Option<String>) -> Result<Order> {
    ctx.require_login()?;
    let reason = reason.filter(|r| !r.trim().is_empty());
    if decision == Decision::Rejected && reason.is_none() {
        return Err(Error::Rejected("a rejection needs a reason (--reason) for the buyer".into()));
    }
    Ok(ctx.shop.decide(number, decision, &Reason { reason }).await?)
}

pub async fn credit(ctx: &Context) -> Result<Credit> {
    ctx.require_login()?;
    Ok(ctx.shop.credit().await?)
}
