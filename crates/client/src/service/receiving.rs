//! Goods receipt: the technician at the dock records what arrived of an
//! order (`order receive`). A receipt may not exceed what the supplier
//! shipped (where the backend reports shipments, else what was ordered),
//! less what was received before; it is kept in the profile's data folder
//! under the order's lock (`store::receipts`), and the order's invoices are
//! matched again.
//!
//! Doubling is avoided two ways: `--all` receives only what is still open
//! (a rerun receives nothing), and a receipt given an id (`--id`, e.g. the
//! delivery note's number) is recorded once: the same id again with the
//! same goods is reported as recorded before, with other goods refused.

use super::expediting::{self, OrderView};
use super::local::{self, Feeds};
use super::{Error, Result, Supplier};
use crate::core::receipt::{self, Receipt};

/// What to receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goods {
    /// Everything shipped (or ordered) and not received yet.
    All,
    /// `SKU=QTY` as typed.
    Lines(Vec<(String, u32)>),
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Received {
    /// The receipt recorded now, or the one of the same id recorded before
    /// (`replayed`); `None` when `--all` found nothing open.
    pub receipt: Option<Receipt>,
    pub replayed: bool,
    /// The order after the receipt, as `order show` prints it.
    pub order: OrderView,
}

fn check_id(id: &str) -> Result<()> {
    let ok = !id.trim().is_empty() && id.chars().count() <= 64 && !id.chars().any(crate::core::sanitize::is_unsafe);
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!("receipt id {id:?} is not a text of 1 to 64 printable characters")))
    }
}

/// Records what arrived of order `number`.
pub async fn receive(
    sup: &Supplier,
    number: &str,
    goods: &Goods,
    note: Option<String>,
    id: Option<String>,
) -> Result<Received> {
    if let Some(id) = &id {
        check_id(id)?;
    }
    if let Some(n) = &note
        && n.chars().count() > 500
    {
        return Err(Error::Usage("a receipt's note is at most 500 characters".into()));
    }
    // The invoices too: they are matched again against what arrived.
    let (freshness, _) = local::refresh(sup, Feeds::All).await?;
    let order = expediting::find_order(sup, number, freshness).await?;
    let limit = expediting::limit(sup);
    let now = sup.clock.now();
    let (receipt, replayed) = sup.receipts().update(&order.number, |receipts: &mut Vec<Receipt>| {
        if let Some(id) = &id
            && let Some(old) = receipts.iter().find(|r| r.id == *id)
        {
            // A rerun of the same receipt: the goods must be the same.
            let again = match goods {
                Goods::All => true,
                Goods::Lines(w) => {
                    let others: Vec<Receipt> = receipts.iter().filter(|r| r.id != *id).cloned().collect();
                    let before = receipt::received(&order, &others);
                    receipt::allocate(&order, &before, limit, w).is_ok_and(|l| receipt::same_goods(&l, &old.lines))
                }
            };
            if !again {
                return Err(Error::Rejected(format!(
                    "receipt {id} of order {} was recorded on {} with other goods; nothing was received \
                     (give the new goods another --id)",
                    order.number,
                    old.at.format("%Y-%m-%d %H:%M UTC")
                )));
            }
            return Ok(((Some(old.clone()), true), false));
        }
        let got = receipt::received(&order, receipts);
        let lines = match goods {
            Goods::All => receipt::all_open(&order, &got, limit),
            Goods::Lines(w) => receipt::allocate(&order, &got, limit, w).map_err(Error::Rejected)?,
        };
        if lines.is_empty() {
            return Ok(((None, false), false));
        }
        let id = id.clone().unwrap_or_else(|| format!("GR-{}-{}", order.number, receipts.len() + 1));
        let r = Receipt { id, order: order.number.clone(), at: now, note: note.clone(), lines };
        receipts.push(r.clone());
        Ok(((Some(r), false), true))
    })?;
    if receipt.is_some() && !replayed {
        // The invoices of the order are matched against what arrived.
        if let Err(e) = local::rematch_order(sup, &order.number) {
            tracing::warn!(order = %order.number, error = %e, "invoices not matched again after the receipt");
        }
    }
    let view = expediting::view(sup, &sup.history()?, order, freshness)?;
    Ok(Received { receipt, replayed, order: view })
}
