//! The demo's profiles on a running demo shop: the buyer of ACME ("demo",
//! the default profile) and its approver ("demo-approver"), logged in, the
//! catalog synced and a sample reorder basket to try.

use super::sync::{Progress, SyncReport};
use super::{Paths, Result, Supplier, Workspace, baskets, catalog, session, sync};
use crate::store::config::{BackendKind, Profile};

pub const PROFILE: &str = "demo";
pub const APPROVER_PROFILE: &str = "demo-approver";
pub const COMPANY: &str = "ACME";
pub const USER: &str = "buyer";
pub const PASSWORD: &str = "demo";
/// The sample basket and the parts it is made of (found as a buyer would type them).
pub const BASKET: &str = "weekly";
const BASKET_PARTS: &[&str] = &["6205-2RSH/C3", "din 933 m8x25", "3RT2015"];

/// The demo shop's database (the face hands it to the reference shop it
/// embeds) and whether it was made already.
pub struct ShopDb {
    pub path: std::path::PathBuf,
    pub made: bool,
}

pub fn shop_db(paths: &Paths) -> ShopDb {
    let path = paths.demo_shop_db();
    ShopDb { made: path.exists(), path }
}

/// Removes a demo shop database that could not be made whole, so the next
/// `procure demo` makes it again instead of serving half a shop.
pub fn discard_shop_db(paths: &Paths) {
    let path = paths.demo_shop_db();
    if let Err(e) = std::fs::remove_file(&path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(path = %path.display(), error = %e, "the half-made demo shop database was not removed");
    }
}

/// Logs the demo profiles in on the shop at `shop_url`, syncs the buyer's
/// catalog and makes sure the sample basket exists. Returns the buyer's supplier.
pub async fn prepare(
    ws: &mut Workspace,
    shop_url: &str,
    progress: &mut Progress<'_>,
) -> Result<(Supplier, SyncReport)> {
    let buyer = Profile {
        backend: BackendKind::Procure,
        shop: shop_url.to_string(),
        company: COMPANY.into(),
        user: USER.into(),
        ..Default::default()
    };
    let approver = Profile { user: "approver".into(), ..buyer.clone() };
    // The buyer logs in first so "demo" becomes the default profile.
    let sup = session::login(ws, PROFILE, buyer, PASSWORD).await?;
    session::login(ws, APPROVER_PROFILE, approver, PASSWORD).await?;
    let report = sync::sync_supplier(&sup, progress).await?;
    let catalog = catalog::Catalog::open(&sup)?;
    baskets::create_sample(&sup, &catalog, BASKET, BASKET_PARTS)?;
    Ok((sup, report))
}
