//! The demo's profiles on a running demo shop: the buyer of ACME ("demo",
//! the default profile) and its approver ("demo-approver"), logged in, the
//! catalog synced and a sample reorder basket to try; after the order, the
//! buyer's goods receipts of the supplier's past deliveries and, on a first
//! run, one order the demo supplier plays out.

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
/// The PO number of the order a first demo run places.
pub const DEMO_PO: &str = "PO-DEMO-1";

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
    after_the_order(&sup).await?;
    Ok((sup, report))
}

/// Every state after the order, without setup. The goods of the supplier's
/// past deliveries are received at the dock (all but the newest delivery,
/// whose invoice the three-way match holds until its goods are received);
/// and a first run places one order of the sample basket, wanted as early
/// as the shop can deliver, which the demo supplier confirms within seconds with its last line
/// promised later than asked for (`order late`), ships in part and
/// invoices.
async fn after_the_order(sup: &Supplier) -> Result<()> {
    use super::history::{self, OrderFilter};
    use crate::api::OrderStatus;
    super::local::sync(sup).await?;
    let delivered =
        history::orders(sup, 100, &OrderFilter { status: Some(OrderStatus::Delivered), ..Default::default() }).await?;
    // Newest first: the newest waits for its goods receipt.
    for o in delivered.iter().skip(1) {
        if sup.receipts().read(&o.number)?.is_empty() {
            let goods = super::receiving::Goods::All;
            let note = Some("received at the dock".to_string());
            super::receiving::receive(sup, &o.number, &goods, note, None).await?;
        }
    }
    let placed = history::orders(sup, 1, &OrderFilter { po: Some(DEMO_PO.into()), ..Default::default() }).await?;
    if placed.is_empty() {
        let mut opts = crate::core::order::CheckoutOptions {
            po_number: DEMO_PO.into(),
            ship_to: None,
            requested_delivery_date: None,
            ship_complete: false,
            shipping_method: None,
            comment: Some("the demo's order: watch it in Orders (F4) and Invoices (F5)".into()),
            allow_duplicate_po: false,
        };
        // Wanted as early as the shop can deliver: the line promised later is late.
        let earliest = super::ordering::preview(sup, BASKET, &opts).await?.preview.earliest_delivery;
        opts.requested_delivery_date = Some(earliest);
        let guard = super::ordering::PriceGuard { accept_all: true, ..Default::default() };
        super::ordering::submit(sup, BASKET, &opts, &guard).await?;
    }
    Ok(())
}
