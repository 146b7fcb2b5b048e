//! The local catalog a face searches and fills baskets from: the cache and
//! its type-number index, opened once and kept (the terminal app keeps one
//! for its whole run; a command opens one per run).

use super::search::{self, PartDetail, SearchRow};
use super::{Context, Result};
use crate::api::Product;
use crate::core::basket::BasketError;
use crate::search::{Highlights, SearchIndex};
use crate::store::cache::CatalogCache;

pub struct Catalog {
    cache: CatalogCache,
    index: SearchIndex,
}

impl Catalog {
    /// The profile's catalog as it is (empty before the first sync).
    pub fn open(ctx: &Context) -> Result<Catalog> {
        Self::from_cache(ctx.cache()?)
    }

    /// The profile's catalog, failing with a hint when nothing was synced yet.
    pub fn open_synced(ctx: &Context) -> Result<Catalog> {
        Self::from_cache(ctx.synced_cache()?)
    }

    fn from_cache(cache: CatalogCache) -> Result<Catalog> {
        let index = search::load_index(&cache)?;
        Ok(Catalog { cache, index })
    }

    /// Parts in the index.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.len() == 0
    }

    /// Searches and prices the hits for `qty` (default: each part's smallest valid quantity).
    pub fn search(&self, query: &str, limit: usize, qty: Option<u32>) -> Result<(Vec<SearchRow>, usize)> {
        search::search(&self.cache, &self.index, query, limit, qty)
    }

    /// The matched characters of each row, for the first `n` rows.
    pub fn highlights(&self, rows: &[SearchRow], query: &str, n: usize) -> Vec<Highlights> {
        rows.iter()
            .take(n)
            .map(|r| self.index.find_sku(&r.sku).map(|id| self.index.highlight(id, query)).unwrap_or_default())
            .collect()
    }

    /// The matched characters of one part's fields.
    pub fn highlight(&self, sku: &str, query: &str) -> Option<Highlights> {
        self.index.find_sku(sku).map(|id| self.index.highlight(id, query))
    }

    /// "Did you mean" SKUs for a query that found nothing.
    pub fn suggest(&self, query: &str, n: usize) -> Vec<String> {
        self.index.suggest(query, n)
    }

    /// One part by SKU, or by a type number / GTIN naming exactly one part.
    pub fn resolve(&self, text: &str) -> std::result::Result<Product, BasketError> {
        search::resolve(&self.cache, &self.index, text)
    }

    /// Everything about one part, found as `resolve` finds it.
    pub fn detail(&self, text: &str) -> Result<PartDetail> {
        let product = self.resolve(text)?;
        search::detail(&self.cache, product)
    }

    /// Everything about the part with exactly this SKU, if it is in the catalog.
    pub fn detail_of(&self, sku: &str) -> Result<Option<PartDetail>> {
        match self.cache.get_product(sku)? {
            Some(p) => Ok(Some(search::detail(&self.cache, p)?)),
            None => Ok(None),
        }
    }

    /// The buyer's unit price of a part for a quantity, from the price list.
    pub fn unit_price(&self, sku: &str, qty: u32) -> Option<rust_decimal::Decimal> {
        let entry = self.cache.get_prices(sku).ok()??;
        crate::core::money::unit_price_for(&entry.tiers, qty)
    }

    pub(crate) fn cache(&self) -> &CatalogCache {
        &self.cache
    }
}
