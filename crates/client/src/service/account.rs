//! Who the buyer is at the supplier: company, user, terms, credit, and whom
//! to call.

use super::{Result, Supplier};
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
pub async fn account(sup: &Supplier) -> Result<Account> {
    sup.require_login()?;
    let (me, offline) = match sup.backend.me().await {
        Ok(me) => (me, false),
        Err(e @ (BackendError::Unreachable { .. } | BackendError::Timeout { .. })) => {
            match sup.cache().ok().and_then(|c| c.me().ok().flatten()) {
                Some(me) => (me, true),
                None => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    let credit = if sup.backend.capabilities().credit && !offline {
        match sup.backend.credit().await {
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
        profile: sup.name.clone(),
        shop: shop_label(sup),
        user: me.user,
        company: me.company,
        supplier: me.supplier,
        credit,
        offline,
    })
}

/// Where the profile orders: the shop's address, or for a document backend
/// without one (Peppol) the folder its orders go to.
fn shop_label(sup: &Supplier) -> String {
    match (sup.backend.kind(), &sup.profile.outbox) {
        (crate::store::config::BackendKind::Peppol, Some(outbox)) => format!("Peppol, orders to {outbox}"),
        _ => sup.profile.shop.clone(),
    }
}
