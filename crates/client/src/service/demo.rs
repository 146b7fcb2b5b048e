//! The demo's profiles on a running demo shop: the buyer of ACME ("demo",
//! the default profile) and its approver ("demo-approver"), logged in, the
//! catalog synced and a sample reorder basket to try.

use super::sync::{Progress, SyncReport};
use super::{Context, Result, baskets, catalog, context, sync};
use crate::store::Paths;
use crate::store::config::{BackendKind, Profile};

pub const PROFILE: &str = "demo";
pub const APPROVER_PROFILE: &str = "demo-approver";
pub const COMPANY: &str = "ACME";
pub const USER: &str = "buyer";
pub const PASSWORD: &str = "demo";
/// The sample basket and the parts it is made of (found as a buyer would type them).
pub const BASKET: &str = "weekly";
const BASKET_PARTS: &[&str] = &["6205-2RSH/C3", "din 933 m8x25", "3RT2015"];

/// Logs the demo profiles in on the shop at `shop_url`, syncs the buyer's
/// catalog and makes sure the sample basket exists. Returns the buyer's context.
pub async fn prepare(paths: &Paths, shop_url: &str, progress: &mut Progress<'_>) -> Result<(Context, SyncReport)> {
    let buyer = Profile {
        backend: BackendKind::Procure,
        shop: shop_url.to_string(),
        company: COMPANY.into(),
        user: USER.into(),
        ..Default::default()
    };
    let approver = Profile { user: "approver".into(), ..buyer.clone() };
    // The buyer logs in first so "demo" becomes the default profile.
    let ctx = context::login(paths, PROFILE, buyer, PASSWORD).await?;
    context::login(paths, APPROVER_PROFILE, approver, PASSWORD).await?;
    let report = sync::sync_profile(&ctx, progress).await?;
    let catalog = catalog::Catalog::open(&ctx)?;
    baskets::create_sample(&ctx, &catalog, BASKET, BASKET_PARTS)?;
    Ok((ctx, report))
}
