//! Who the buyer is at the supplier: company, user, terms, credit, and whom
//! to call.

use super::{Context, Result};
use crate::api::{Company, Credit, SupplierContact, User};
use crate::backend::BackendError;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub profile: String,
    pub shop: String,
    pub user: User,
    pub company: Company,
    /// The supplier's contact for this company; `None`: the shop names none.
    pub supplier: Option<SupplierContact>,
    /// `None`: the shop keeps no credit account (or was unreachable).
    pub credit: Option<Credit>,
    /// The shop was unreachable: this is what the last sync saw.
    pub offline: bool,
}

/// The account as the shop sees it now; offline, as the last sync saw it.
pub async fn account(ctx: &Context) -> Result<Account> {
    ctx.require_login()?;
    let (me, offline) = match ctx.shop.me().await {
        Ok(me) => (me, false),
        Err(e @ (BackendError::Unreachable { .. } | BackendError::Timeout { .. })) => {
            match ctx.cache().ok().and_then(|c| c.me().ok().flatten()) {
                Some(me) => (me, true),
                None => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    let credit = if ctx.shop.capabilities().credit && !offline {
        match ctx.shop.credit().await {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!(error = %e, "credit not available for the account view");
                None
            }
        }
    } else {
        None
    };
    Ok(Account {
        profile: ctx.profile_name.clone(),
        shop: shop_label(&ctx.profile),
        user: me.user,
        company: me.company,
        supplier: me.supplier,
        credit,
        offline,
    })
}

/// Where the profile orders: the shop's address, or for a document backend
/// without one (Peppol) the folder its orders go to.
fn shop_label(profile: &crate::store::config::Profile) -> String {
    match (&profile.backend, profile.shop.is_empty(), &profile.outbox) {
        (crate::store::config::BackendKind::Peppol, _, Some(outbox)) => format!("Peppol, orders to {outbox}"),
        _ => profile.shop.clone(),
    }
}
