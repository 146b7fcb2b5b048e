//! The local catalog of one supplier, which a face searches and fills that
//! supplier's baskets from: the cache and its type-number index, opened once
//! and kept (the terminal app keeps one per supplier for its whole run; a
//! command opens one per run). The index is read from
//! its file the first time something needs it: a part named by its SKU is
//! one row of the cache.

use super::search::{self, IndexSource, OpenedIndex, PartDetail, SearchRow};
use super::{Result, Supplier};
use crate::api::Product;
use crate::core::basket::BasketError;
use crate::search::{Highlights, Hit, SearchIndex, SearchResult};
use crate::store::cache::CatalogCache;

pub struct Catalog {
    /// The supplier whose catalog this is.
    supplier: String,
    cache: CatalogCache,
    index: std::cell::OnceCell<Option<OpenedIndex>>,
}

impl IndexSource for Catalog {
    fn index(&self) -> Option<&SearchIndex> {
        self.index
            .get_or_init(|| match search::open_index(&self.cache) {
                Ok(o) => Some(o),
                Err(e) => {
                    tracing::warn!(error = %e, "search index not available");
                    None
                }
            })
            .as_ref()
            .map(|o| &o.index)
    }
}

impl Catalog {
    /// The supplier's catalog as it is (empty before the first sync).
    pub fn open(sup: &Supplier) -> Result<Catalog> {
        Ok(Self::from_cache(sup, sup.cache()?))
    }

    /// The supplier's catalog, failing with a hint when nothing was synced yet.
    pub fn open_synced(sup: &Supplier) -> Result<Catalog> {
        Ok(Self::from_cache(sup, sup.synced_cache()?))
    }

    fn from_cache(sup: &Supplier, cache: CatalogCache) -> Catalog {
        Catalog { supplier: sup.name.clone(), cache, index: std::cell::OnceCell::new() }
    }

    /// The name of the supplier whose catalog this is.
    pub fn supplier(&self) -> &str {
        &self.supplier
    }

    /// This catalog, when it is `sup`'s: a basket is never priced or filled
    /// from another supplier's catalog.
    pub(crate) fn of(&self, sup: &Supplier) -> Result<&Catalog> {
        if self.supplier == sup.name {
            Ok(self)
        } else {
            Err(super::Error::Internal(format!(
                "the catalog of supplier {:?} was used for supplier {:?}",
                self.supplier, sup.name
            )))
        }
    }

    /// The index, opened now if it was not yet (an error is kept and told).
    fn opened(&self) -> Result<&SearchIndex> {
        self.index().ok_or_else(|| super::Error::Internal("the search index could not be opened (see the log)".into()))
    }

    /// Why the index file was not used as it was, if it was opened and had
    /// to be rebuilt: for the face to tell.
    pub fn index_note(&self) -> Option<&str> {
        self.index.get().and_then(|o| o.as_ref()).and_then(|o| o.note.as_deref())
    }

    /// Parts in the index.
    pub fn len(&self) -> usize {
        self.index().map_or(0, SearchIndex::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Searches and prices the hits for `qty` (default: each part's smallest valid quantity).
    pub fn search(&self, query: &str, limit: usize, qty: Option<u32>) -> Result<(Vec<SearchRow>, usize)> {
        search::search(&self.supplier, &self.cache, self.opened()?, query, limit, qty)
    }

    /// Reads the rest of the index now (see [`SearchIndex::preload`]).
    pub fn preload(&self) {
        if let Some(index) = self.index() {
            index.preload();
        }
    }

    /// The best `limit` hits for `query`, unpriced: with [`Catalog::rows`], a
    /// face can show the first screenful before the rest is read.
    pub fn search_hits(&self, query: &str, limit: usize) -> Result<SearchResult> {
        Ok(self.opened()?.search(query, limit))
    }

    /// The rows of hits from [`Catalog::search_hits`], priced for `qty`
    /// (default: each part's smallest valid quantity).
    pub fn rows(&self, hits: &[Hit], qty: Option<u32>) -> Result<Vec<SearchRow>> {
        search::rows_of(&self.supplier, &self.cache, self.opened()?, hits, qty)
    }

    /// The matched characters of each row, for the first `n` rows.
    pub fn highlights(&self, rows: &[SearchRow], query: &str, n: usize) -> Vec<Highlights> {
        let Some(index) = self.index() else {
            return vec![Highlights::default(); rows.len().min(n)];
        };
        rows.iter().take(n).map(|r| index.highlight_texts(&r.sku, &r.mpn, &r.name, query)).collect()
    }

    /// The matched characters of one part's fields.
    pub fn highlight(&self, sku: &str, query: &str) -> Option<Highlights> {
        let p = self.cache.get_product(sku).ok()??;
        Some(self.index()?.highlight_texts(&p.sku, &p.mpn, &p.name, query))
    }

    /// "Did you mean" SKUs for a query that found nothing.
    pub fn suggest(&self, query: &str, n: usize) -> Vec<String> {
        self.index().map(|i| i.suggest(query, n)).unwrap_or_default()
    }

    /// One part by SKU, or by a type number / GTIN naming exactly one part.
    pub fn resolve(&self, text: &str) -> std::result::Result<Product, BasketError> {
        search::resolve(&self.cache, self, text)
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

    /// The buyer's tiers of a part (empty without prices): with its quantity
    /// rules they say what can be ordered.
    pub fn tiers(&self, sku: &str) -> Result<Vec<crate::api::Tier>> {
        Ok(self.cache.get_prices(sku)?.map(|e| e.tiers).unwrap_or_default())
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
