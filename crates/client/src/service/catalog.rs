//! The local catalog of one supplier, which a face searches and fills that
//! supplier's baskets from: the cache and its type-number index, opened once
//! and kept (the terminal app keeps one per supplier for its whole run; a
//! command opens one per run). The index is read from
//! its file the first time something needs it: a part named by its SKU is
//! one row of the cache.

use super::search::{self, IndexRef, IndexSource, PartDetail, SearchRow};
use super::{Result, Supplier, Workspace};
use crate::api::Product;
use crate::core::basket::BasketError;
use crate::search::{Highlights, Hit, SearchResult};
use crate::store::cache::{CatalogCache, ReadSnapshot};
use serde::Serialize;
use std::sync::Arc;

pub struct Catalog {
    /// The supplier whose catalog this is.
    supplier: String,
    cache: CatalogCache,
    /// The index last opened, of the sync its tag names; a search whose
    /// snapshot of the cache is of another sync opens that one's.
    index: std::cell::RefCell<Option<IndexRef>>,
    /// What every row shares, read once (a keystroke prices a screenful).
    rows: std::cell::OnceCell<search::RowContext>,
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
        Self::named(&sup.name, cache)
    }

    fn named(supplier: &str, cache: CatalogCache) -> Catalog {
        Catalog {
            supplier: supplier.to_string(),
            cache,
            index: std::cell::RefCell::new(None),
            rows: std::cell::OnceCell::new(),
        }
    }

    /// The catalog of supplier `name` of the workspace, without opening the
    /// supplier (no token is read, no shop client made: a search across
    /// suppliers reads files only), with how it stands. `None` when it was
    /// never synced: nothing is created for it.
    pub fn open_named(ws: &Workspace, name: &str) -> (Option<Catalog>, CatalogStatus) {
        let mut status = CatalogStatus {
            supplier: name.to_string(),
            state: CatalogState::Missing,
            synced_at: None,
            parts: 0,
            note: Some(format!("never synced: run `procure --profile {name} sync` (or `procure sync --all`)")),
        };
        if let Err(e) = crate::store::config::validate_profile_name(name) {
            status.state = CatalogState::Failed;
            status.note = Some(e.to_string());
            return (None, status);
        }
        let path = ws.paths().cache_db(name);
        if !path.exists() {
            return (None, status);
        }
        let opened = CatalogCache::open(&path).and_then(|cache| Ok((cache.checked_at()?, cache)));
        let (synced_at, cache) = match opened {
            Ok(found) => found,
            Err(e) => {
                status.state = CatalogState::Failed;
                status.note = Some(e.to_string());
                return (None, status);
            }
        };
        let Some(synced_at) = synced_at else { return (None, status) };
        let synced_at = chrono::DateTime::parse_from_rfc3339(&synced_at).ok().map(|at| at.to_utc());
        let days = ws.config().search.stale_after_days;
        let age = synced_at.map(|at| ws.clock().now() - at);
        (status.state, status.note) = match age {
            Some(age) if age > chrono::Duration::days(i64::from(days)) => (
                CatalogState::Stale,
                Some(format!(
                    "last synced {} days ago: run `procure --profile {name} sync` (or `procure sync --all`)",
                    age.num_days()
                )),
            ),
            _ => (CatalogState::Ready, None),
        };
        status.synced_at = synced_at;
        (Some(Self::named(name, cache)), status)
    }

    /// Frees the search index (a search across many suppliers keeps one at
    /// a time); it is read again when next needed.
    pub fn release_index(&mut self) {
        self.index = std::cell::RefCell::new(None);
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
    pub(crate) fn snapshot(&self) -> Result<(ReadSnapshot<'_>, IndexRef)> {
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
        let parts: Vec<(&str, crate::search::MatchKind)> =
            hits.iter().map(|h| (found.index.sku(h.id), h.kind)).collect();
        Ok(self.priced(&parts, qty)?.into_iter().flatten().collect())
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
        let parts: Vec<(&str, crate::search::MatchKind)> = hits.iter().map(|h| (index.sku(h.id), h.kind)).collect();
        Ok(self.priced(&parts, qty)?.into_iter().flatten().collect())
    }

    /// Parts by SKU, with how they matched, priced for `qty`; `None` for one
    /// no longer in the cache.
    pub(crate) fn priced(
        &self,
        parts: &[(&str, crate::search::MatchKind)],
        qty: Option<u32>,
    ) -> Result<Vec<Option<SearchRow>>> {
        let context = match self.rows.get() {
            Some(c) => c,
            None => {
                let c = search::RowContext::of(&self.cache)?;
                self.rows.get_or_init(|| c)
            }
        };
        search::priced_parts(&self.supplier, &self.cache, context, parts, qty)
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

    /// The parts whose type number (or GTIN, `gtin` true) is `text`, as
    /// normalised type numbers compare (separators and case do not matter).
    fn exactly(&self, text: &str, gtin: bool) -> Vec<Product> {
        let n = crate::search::normalize(text);
        let Some(index) = self.index().filter(|_| !n.is_empty()) else { return vec![] };
        index
            .search(text, 64)
            .hits
            .into_iter()
            .filter(|h| h.kind == crate::search::MatchKind::Exact)
            .filter_map(|h| self.cache.get_product(index.sku(h.id)).ok().flatten())
            .filter(|p| crate::search::normalize(if gtin { &p.gtin } else { &p.mpn }) == n)
            .collect()
    }

    /// Another supplier's part, found here: by its maker and type number,
    /// then by its GTIN. Never a guess: several candidates, or the type
    /// number only from other makers, are returned for the buyer to choose.
    pub fn same_part(&self, mpn: &str, manufacturer: Option<&str>, gtin: &str) -> SamePart {
        let maker = manufacturer.map(crate::search::normalize).filter(|m| !m.is_empty());
        let by_mpn = if mpn.trim().is_empty() { vec![] } else { self.exactly(mpn, false) };
        let (mut same, other): (Vec<Product>, Vec<Product>) = by_mpn
            .into_iter()
            .partition(|p| maker.as_ref().is_none_or(|m| crate::search::normalize(&p.manufacturer) == *m));
        let g = crate::search::normalize(gtin);
        match same.len() {
            1 => return SamePart::Found { product: Box::new(same.remove(0)), by: "mpn" },
            // Several of the maker's type number: the GTIN tells, if only one has it.
            n if n > 1 => {
                let with_gtin: Vec<usize> =
                    (0..n).filter(|&i| !g.is_empty() && crate::search::normalize(&same[i].gtin) == g).collect();
                return match with_gtin[..] {
                    [i] => SamePart::Found { product: Box::new(same.remove(i)), by: "gtin" },
                    _ => SamePart::Several(same),
                };
            }
            _ => {}
        }
        if !gtin.trim().is_empty() {
            let mut by_gtin = self.exactly(gtin, true);
            match by_gtin.len() {
                1 => return SamePart::Found { product: Box::new(by_gtin.remove(0)), by: "gtin" },
                n if n > 1 => return SamePart::Several(by_gtin),
                _ => {}
            }
        }
        if other.is_empty() { SamePart::NotFound } else { SamePart::OtherMakers(other) }
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

/// Another supplier's part as this catalog has it (see [`Catalog::same_part`]).
#[derive(Debug, Clone, PartialEq)]
pub enum SamePart {
    /// One part: found by `by`, "mpn" (maker and type number) or "gtin".
    Found {
        product: Box<Product>,
        by: &'static str,
    },
    /// Several parts of the same maker and type number, or with the GTIN.
    Several(Vec<Product>),
    /// The type number, but only from other makers: perhaps not the same part.
    OtherMakers(Vec<Product>),
    NotFound,
}

/// How a supplier's catalog stands where every supplier is searched or listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogState {
    /// Synced, and recently (within `search.stale_after_days`).
    Ready,
    /// Synced, but longer ago than `search.stale_after_days`: it answers,
    /// from what it had then.
    Stale,
    /// Never synced: it cannot answer.
    Missing,
    /// Its cache or index cannot be read (it is left as it is).
    Failed,
}

impl CatalogState {
    pub fn as_str(self) -> &'static str {
        match self {
            CatalogState::Ready => "ready",
            CatalogState::Stale => "stale",
            CatalogState::Missing => "missing",
            CatalogState::Failed => "failed",
        }
    }
}

/// One supplier's catalog as a search across suppliers found it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogStatus {
    pub supplier: String,
    pub state: CatalogState,
    /// When a sync last brought the catalog up to date, if ever.
    pub synced_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Parts in its search index (0 when it was not searched).
    pub parts: usize,
    /// What the buyer should know (why it is stale, missing or failed, or
    /// that its index was rebuilt).
    pub note: Option<String>,
}

/// Every supplier's catalog, opened from the workspace: the catalogs that
/// can answer and how each supplier's stands. A face that searches all
/// suppliers again and again (the app, a comparison) keeps this and calls
/// [`Catalogs::search`]; each catalog keeps its index (and what its last
/// query left possible) for the next keystroke.
pub struct Catalogs {
    open: Vec<Catalog>,
    status: Vec<CatalogStatus>,
}

impl Catalogs {
    /// Every supplier of the workspace (sorted by name). A supplier that was
    /// never synced or cannot be read is in [`Catalogs::status`] only.
    pub fn open(ws: &Workspace) -> Catalogs {
        Self::open_only(ws, &ws.suppliers())
    }

    /// The suppliers named, in that order.
    pub fn open_only(ws: &Workspace, names: &[String]) -> Catalogs {
        let (mut open, mut status) = (Vec::new(), Vec::new());
        for name in names {
            let (catalog, s) = Catalog::open_named(ws, name);
            open.extend(catalog);
            status.push(s);
        }
        Catalogs { open, status }
    }

    /// The catalogs that can answer, in supplier order.
    pub fn catalogs(&self) -> &[Catalog] {
        &self.open
    }

    /// The catalog of one supplier, if it can answer.
    pub fn get(&self, supplier: &str) -> Option<&Catalog> {
        self.open.iter().find(|c| c.supplier == supplier)
    }

    /// Keeps `catalog` in place of the one of its supplier (after a sync).
    pub fn replace(&mut self, catalog: Catalog) {
        match self.open.iter_mut().find(|c| c.supplier == catalog.supplier) {
            Some(c) => *c = catalog,
            None => self.open.push(catalog),
        }
    }

    /// How each supplier's catalog stands; `parts` is filled in once a
    /// search has opened its index.
    pub fn status(&self) -> Vec<CatalogStatus> {
        let mut out = self.status.clone();
        for s in &mut out {
            if let Some(c) = self.get(&s.supplier)
                && let Some(opened) = c.index.borrow().as_ref()
            {
                s.parts = opened.index.len();
                if s.note.is_none() {
                    s.note = opened.note.clone();
                }
            }
        }
        out
    }

    /// The best `limit` parts for `query` across every catalog, priced for
    /// `qty` (default: each part's smallest valid quantity), with the number
    /// of parts that matched in all. See [`search::search_all`] for the order.
    pub fn search(&self, query: &str, limit: usize, qty: Option<u32>) -> Result<(Vec<SearchRow>, usize)> {
        let open: Vec<&Catalog> = self.open.iter().collect();
        let mut tries = 0;
        loop {
            tries += 1;
            let found: Vec<search::Found> = search::find_all(&open, query, limit).into_iter().collect::<Result<_>>()?;
            let total = found.iter().map(|f| f.total).sum();
            let best = search::merge(&found, limit);
            // Rows of the sync each index was of (see `search::search_all`).
            match search::rows_merged_checked(&open, &found, &best, qty)? {
                Some(rows) => return Ok((rows, total)),
                None if tries < search::SEARCH_TRIES => continue,
                None => return Ok((search::rows_merged(&open, &found, &best, qty)?, total)),
            }
        }
    }
}
