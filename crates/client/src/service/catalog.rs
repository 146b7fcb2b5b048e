//! The local catalog of one supplier, which a face searches and fills that
//! supplier's baskets from: the cache and its type-number index, opened once
//! and kept (the terminal app keeps one per supplier for its whole run; a
//! command opens one per run). The index is read from
//! its file the first time something needs it: a part named by its SKU is
//! one row of the cache.

use super::search::{self, IndexRef, IndexSource, PartDetail, SearchRow};
use super::{Result, Supplier};
use crate::api::Product;
use crate::core::basket::BasketError;
use crate::search::{Highlights, Hit, SearchResult};
use crate::store::cache::{CatalogCache, ReadSnapshot};
use std::sync::Arc;

pub struct Catalog {
    /// The supplier whose catalog this is.
    supplier: String,
    cache: CatalogCache,
    /// The index last opened, of the sync its tag names; a search whose
    /// snapshot of the cache is of another sync opens that one's.
    index: std::cell::RefCell<Option<IndexRef>>,
}

impl IndexSource for Catalog {
    fn index(&self) -> Option<IndexRef> {
        if let Some(kept) = self.index.borrow().as_ref() {
            return Some(kept.clone());
        }
        match search::open_index(&self.cache) {
            Ok(o) => {
                let o = Arc::new(o);
                *self.index.borrow_mut() = Some(o.clone());
                Some(o)
            }
            Err(e) => {
                tracing::warn!(error = %e, "search index not available");
                None
            }
        }
    }
}

/// Hits found in one snapshot of the cache, with the index they came from:
/// their rows are read in the same snapshot (`Catalog::rows_found`).
pub struct Found<'a> {
    pub result: SearchResult,
    index: IndexRef,
    _read: ReadSnapshot<'a>,
}

/// How often a search takes a new snapshot when another process's sync
/// wrote its index after the snapshot began.
const SNAPSHOT_TRIES: usize = 20;

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
        Catalog { supplier: sup.name.clone(), cache, index: std::cell::RefCell::new(None) }
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

    /// The index, opened now if it was not yet.
    fn opened(&self) -> Result<IndexRef> {
        self.index().ok_or_else(|| super::Error::Internal("the search index could not be opened (see the log)".into()))
    }

    /// One snapshot of the cache and the index of that same sync: a search
    /// never reads one sync's index with another's rows. The kept index
    /// serves while it is of the snapshot's sync; else the snapshot's own is
    /// opened (read from its file, or rebuilt from the snapshot's rows) and
    /// kept. When another process's sync wrote its index after the snapshot
    /// began, a new snapshot is taken (that sync's).
    fn snapshot(&self) -> Result<(ReadSnapshot<'_>, IndexRef)> {
        for _ in 0..SNAPSHOT_TRIES {
            let read = self.cache.read_snapshot()?;
            let tag = self.cache.index_tag()?;
            if let Some(kept) = self.index.borrow().as_ref().filter(|k| k.tag == tag) {
                return Ok((read, kept.clone()));
            }
            if search::index_is_newer(&self.cache, tag.as_deref()) {
                drop(read);
                std::thread::sleep(std::time::Duration::from_millis(5));
                continue;
            }
            let opened = Arc::new(search::open_index(&self.cache)?);
            *self.index.borrow_mut() = Some(opened.clone());
            return Ok((read, opened));
        }
        // Syncs without end: this snapshot, with an index rebuilt from its rows.
        let read = self.cache.read_snapshot()?;
        let opened = Arc::new(search::open_index(&self.cache)?);
        *self.index.borrow_mut() = Some(opened.clone());
        Ok((read, opened))
    }

    /// Why the index file was not used as it was, if it was opened and had
    /// to be rebuilt: for the face to tell.
    pub fn index_note(&self) -> Option<String> {
        self.index.borrow().as_ref().and_then(|o| o.note.clone())
    }

    /// Parts in the index.
    pub fn len(&self) -> usize {
        self.index().map_or(0, |i| i.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Searches and prices the hits for `qty` (default: each part's smallest valid quantity).
    pub fn search(&self, query: &str, limit: usize, qty: Option<u32>) -> Result<(Vec<SearchRow>, usize)> {
        let (_read, index) = self.snapshot()?;
        search::search(&self.supplier, &self.cache, &index, query, limit, qty)
    }

    /// The best `limit` hits for `query`, unpriced, in one snapshot of the
    /// cache that lasts while the answer is kept: with [`Catalog::rows_found`]
    /// a face can show the first screenful before the rest is read, all of
    /// one sync.
    pub fn found(&self, query: &str, limit: usize) -> Result<Found<'_>> {
        let (read, index) = self.snapshot()?;
        Ok(Found { result: index.search(query, limit), index, _read: read })
    }

    /// The rows of some of the hits of `found`, priced for `qty` (default:
    /// each part's smallest valid quantity), from its snapshot.
    pub fn rows_found(&self, found: &Found<'_>, hits: &[Hit], qty: Option<u32>) -> Result<Vec<SearchRow>> {
        search::rows_of(&self.supplier, &self.cache, &found.index, hits, qty)
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
        let (_read, index) = self.snapshot()?;
        Ok(index.search(query, limit))
    }

    /// The rows of hits from [`Catalog::search_hits`], priced for `qty`
    /// (default: each part's smallest valid quantity).
    pub fn rows(&self, hits: &[Hit], qty: Option<u32>) -> Result<Vec<SearchRow>> {
        let index = self.opened()?;
        search::rows_of(&self.supplier, &self.cache, &index, hits, qty)
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
