//! Finding parts in the local cache: works offline.

use super::Result;
use crate::api::{PriceEntry, Product};
use crate::core::basket::BasketError;
use crate::core::money;
use crate::core::quantity::QuantityRules;
use crate::search::{MatchKind, SearchIndex, normalize};
use crate::store::cache::CatalogCache;
use rust_decimal::Decimal;
use serde::Serialize;

/// The search index over the cache, with this company's order history as boost.
pub fn load_index(cache: &CatalogCache) -> Result<SearchIndex> {
    let mut index = SearchIndex::new(cache.search_docs()?);
    index.set_boosts(cache.ordered()?);
    Ok(index)
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchRow {
    pub sku: String,
    pub mpn: String,
    pub manufacturer: String,
    pub name: String,
    #[serde(rename = "match")]
    pub kind: &'static str,
    pub quantity: u32,
    pub unit_price: Option<Decimal>,
    pub unit: String,
    pub stock: u32,
    pub lead_time_days: u32,
    pub discontinued: bool,
    pub replaced_by: Option<String>,
    pub ordered_before: bool,
}

fn kind_str(k: MatchKind) -> &'static str {
    match k {
        MatchKind::Exact => "exact",
        MatchKind::Prefix => "prefix",
        MatchKind::Contains => "contains",
        MatchKind::Fuzzy => "fuzzy",
    }
}

/// Searches and prices the hits for `qty` (default: each part's smallest valid quantity).
pub fn search(
    cache: &CatalogCache,
    index: &SearchIndex,
    query: &str,
    limit: usize,
    qty: Option<u32>,
) -> Result<(Vec<SearchRow>, usize)> {
    let result = index.search(query, limit);
    let ordered: std::collections::HashSet<String> = cache.ordered()?.into_iter().map(|(s, _)| s).collect();
    let mut rows = Vec::with_capacity(result.hits.len());
    for hit in result.hits {
        let sku = &index.doc(hit.id).sku;
        let Some(p) = cache.get_product(sku)? else {
            continue;
        };
        let prices = cache.get_prices(sku)?;
        let quantity = qty.unwrap_or_else(|| QuantityRules::of(&p).smallest());
        rows.push(SearchRow {
            unit_price: prices.as_ref().and_then(|e| money::unit_price_for(&e.tiers, quantity)),
            kind: kind_str(hit.kind),
            ordered_before: ordered.contains(&p.sku),
            quantity,
            sku: p.sku,
            mpn: p.mpn,
            manufacturer: p.manufacturer,
            name: p.name,
            unit: p.unit,
            stock: p.stock,
            lead_time_days: p.lead_time_days,
            discontinued: p.discontinued,
            replaced_by: p.replaced_by,
        });
    }
    Ok((rows, result.total))
}

#[derive(Debug, Clone, Serialize)]
pub struct PartDetail {
    pub product: Product,
    pub prices: Option<PriceEntry>,
    pub currency: String,
    pub successor: Option<Product>,
}

/// Finds one part by SKU, or by a type number (mpn / gtin) that names exactly
/// one part. Unknown: an error with "did you mean" suggestions.
pub fn resolve(cache: &CatalogCache, index: &SearchIndex, text: &str) -> std::result::Result<Product, BasketError> {
    let text = text.trim();
    if let Ok(Some(p)) = cache.get_product(text) {
        return Ok(p);
    }
    if let Some(id) = index.find_sku(text)
        && let Ok(Some(p)) = cache.get_product(&index.doc(id).sku)
    {
        return Ok(p);
    }
    let n = normalize(text);
    let exact: Vec<_> = index
        .search(text, 5)
        .hits
        .into_iter()
        .filter(|h| h.kind == MatchKind::Exact)
        .filter(|h| {
            let d = index.doc(h.id);
            normalize(&d.mpn) == n || normalize(&d.gtin) == n
        })
        .collect();
    if exact.len() == 1
        && let Ok(Some(p)) = cache.get_product(&index.doc(exact[0].id).sku)
    {
        return Ok(p);
    }
    if exact.len() > 1 {
        let mut skus: Vec<String> = exact.iter().map(|h| index.doc(h.id).sku.clone()).collect();
        skus.sort();
        return Err(BasketError::Ambiguous { text: text.to_string(), skus });
    }
    Err(BasketError::UnknownSku { sku: text.to_string(), suggestions: index.suggest(text, 3) })
}

pub fn detail(cache: &CatalogCache, product: Product) -> Result<PartDetail> {
    let prices = cache.get_prices(&product.sku)?;
    let successor = match &product.replaced_by {
        Some(s) => cache.get_product(s)?,
        None => None,
    };
    Ok(PartDetail { currency: crate::core::basket::PartLookup::currency(cache), product, prices, successor })
}
