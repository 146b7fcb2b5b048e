//! Who the buyer is at the supplier: company, user, terms, credit, and whom
//! to call.

use super::{Result, Supplier};
use crate::api::{Company, Credit, SupplierContact, User};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub profile: String,
    pub shop: String,
    pub user: User,
    pub company: Company,
    /// The supplier's contact for this company; `None`: the shop names none.
    pub supplier: Option<SupplierContact>,
    /// `None`: the shop keeps no credit account, or it was unreachable and
    /// its credit was never seen.
    pub credit: Option<Credit>,
    /// The shop was unreachable: this is the account as last seen (or as
    /// the last sync saw it), and the credit as last seen.
    pub offline: bool,
    /// When the account was seen: now, or when it was last seen; `None`
    /// when only the last sync's copy is there (its time is not known).
    pub as_of: Option<chrono::DateTime<chrono::Utc>>,
    /// When the credit was seen (`None` without credit).
    pub credit_as_of: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether the shop keeps credit accounts at all.
    pub credit_shown: bool,
}

/// The account as the shop sees it now; offline, as last seen.
pub async fn account(sup: &Supplier) -> Result<Account> {
    sup.require_login()?;
    let fetched = super::seen::fresh_or_seen(sup, "me", async { Ok(sup.backend.me().await?) }).await;
    let (me, offline, as_of) = match fetched {
        Ok(s) => (s.value, s.offline, Some(s.as_of)),
        Err(e) if e.kind() == super::ErrorKind::Unreachable => {
            match sup.cache().ok().and_then(|c| c.me().ok().flatten()) {
                Some(me) => (me, true, None),
                None => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    let credit_shown = sup.backend.capabilities().credit;
    let (credit, credit_as_of) = if !credit_shown {
        (None, None)
    } else if offline {
        match super::seen::recall::<Credit>(sup, "credit") {
            Some((at, c)) => (Some(c), Some(at)),
            None => (None, None),
        }
    } else {
        match super::approvals::credit_or_seen(sup).await {
            Ok(c) => (Some(c.value), Some(c.as_of)),
            Err(e) => {
                tracing::warn!(error = %e, "credit not available for the account view");
                (None, None)
            }
        }
    };
    Ok(Account {
        profile: sup.name.clone(),
        shop: shop_label(sup),
        user: me.user,
        company: me.company,
        supplier: me.supplier,
        credit,
        offline,
        as_of,
        credit_as_of,
        credit_shown,
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
