//! Discontinued parts in a saved basket: each line's successor, shown
//! before anything changes (old and new part, price, quantity adjusted to
//! the successor's rules), and swapped in when the buyer says so.

use super::catalog::Catalog;
use super::{Result, Supplier};
use crate::api::Product;
use crate::core::quantity::QuantityRules;
use crate::store::cache::CatalogCache;
use rust_decimal::Decimal;
use serde::Serialize;

/// The available part that replaces `product`, following the chain of
/// successors (bounded, in case of a cycle); `None`: discontinued without
/// one the catalog has. A part still sold is its own.
pub(crate) fn successor(cache: &CatalogCache, product: Product) -> Result<Option<Product>> {
    let mut p = product;
    for _ in 0..8 {
        if !p.discontinued {
            return Ok(Some(p));
        }
        match p.replaced_by.as_deref().map(|s| cache.get_product(s)).transpose()?.flatten() {
            Some(next) => p = next,
            None => return Ok(None),
        }
    }
    Ok((!p.discontinued).then_some(p))
}

/// One discontinued line and what takes its place.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Swap {
    pub old_sku: String,
    pub old_name: String,
    pub old_quantity: u32,
    /// One unit's price of the old part at its quantity (`None`: none in the price list).
    pub old_unit_price: Option<Decimal>,
    pub sku: String,
    pub name: String,
    /// The old quantity, made valid for the successor's pack, minimum and step.
    pub quantity: u32,
    /// One unit's price of the successor at that quantity (`None`: price on request).
    pub new_unit_price: Option<Decimal>,
}

/// The swaps of a basket and its discontinued lines without a successor.
type Plan = (Vec<Swap>, Vec<(String, String)>);

/// What `replace` found (and, when applied, did) in a basket.
#[derive(Debug, Clone, Serialize)]
pub struct Replacement {
    pub basket: String,
    pub currency: String,
    pub replaced: Vec<Swap>,
    /// Discontinued lines without a successor: left as they are.
    #[serde(serialize_with = "sku_reasons")]
    pub kept: Vec<(String, String)>,
    /// Whether the basket was changed (false: only shown).
    pub applied: bool,
}

fn sku_reasons<S: serde::Serializer>(items: &[(String, String)], s: S) -> std::result::Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Kept<'a> {
        sku: &'a str,
        reason: &'a str,
    }
    s.collect_seq(items.iter().map(|(sku, reason)| Kept { sku, reason }))
}

/// Each discontinued line of basket `name` with its successor; with
/// `apply`, swapped in under the basket's lock: the line keeps its place
/// and note, takes the successor's valid quantity and its price as the
/// agreed one (a successor already in the basket gets the quantity added).
/// The plan is made again under the lock, so what is applied is what the
/// file holds then.
pub fn replace(sup: &Supplier, catalog: &Catalog, name: &str, apply: bool) -> Result<Replacement> {
    let catalog = catalog.of(sup)?;
    let cache = catalog.cache();
    let currency = crate::core::basket::PartLookup::currency(cache);
    let plan = |b: &crate::core::basket::Basket| -> Result<Plan> {
        let mut swaps = Vec::new();
        let mut kept = Vec::new();
        for l in &b.lines {
            let Some(old) = cache.get_product(&l.sku)? else { continue };
            if !old.discontinued {
                continue;
            }
            let Some(new) = successor(cache, old.clone())? else {
                kept.push((l.sku.clone(), "discontinued without a successor in the catalog".to_string()));
                continue;
            };
            let tiers = catalog.tiers(&new.sku)?;
            let quantity = QuantityRules::of(&new, &tiers).next_valid(l.qty);
            swaps.push(Swap {
                old_sku: old.sku.clone(),
                old_name: old.name.clone(),
                old_quantity: l.qty,
                old_unit_price: catalog.unit_price(&old.sku, l.qty),
                new_unit_price: catalog.unit_price(&new.sku, quantity),
                sku: new.sku,
                name: new.name,
                quantity,
            });
        }
        Ok((swaps, kept))
    };
    if !apply {
        let (replaced, kept) = plan(&sup.baskets().load(name)?)?;
        return Ok(Replacement { basket: name.to_string(), currency, replaced, kept, applied: false });
    }
    let (replaced, kept) = sup.baskets().update(name, |b| -> Result<_> {
        let (swaps, kept) = plan(b)?;
        for s in &swaps {
            let Some(at) = b.lines.iter().position(|l| l.sku == s.old_sku) else { continue };
            match b.lines.iter().position(|l| l.sku == s.sku) {
                Some(there) => {
                    let add = b.lines[at].qty;
                    let line = &mut b.lines[there];
                    line.qty = line.qty.saturating_add(add);
                    b.lines.remove(at);
                    let total = b.line(&s.sku).map(|l| l.qty).unwrap_or(s.quantity);
                    b.agree(&s.sku, catalog.unit_price(&s.sku, total));
                }
                None => {
                    let line = &mut b.lines[at];
                    line.sku = s.sku.clone();
                    line.qty = s.quantity;
                    line.agreed_price = s.new_unit_price;
                }
            }
        }
        Ok((swaps, kept))
    })?;
    Ok(Replacement { basket: name.to_string(), currency, replaced, kept, applied: true })
}
