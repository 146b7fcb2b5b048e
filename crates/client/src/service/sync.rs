//! Catalog and price-list sync into the local cache. A re-sync with nothing
//! changed costs one request (ETag); otherwise only changes move (`since`).
//! The whole sync lands in one transaction: a failure keeps the old cache.

use super::Result;
use crate::backend::{Backend, BackendError, Fetched};
use crate::search::IndexDelta;
use crate::search::SearchDoc;
use crate::store::cache::{CatalogCache, SyncMarks};
use crate::store::index;
use chrono::Utc;
use procure_protocol::limits;
use serde::Serialize;
use std::collections::HashSet;
use std::sync::Arc;

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SyncReport {
    pub not_modified: bool,
    /// The shop sent the whole catalog (first sync, or it asked for a full one).
    pub full: bool,
    pub products_changed: usize,
    pub products_removed: usize,
    pub prices_changed: usize,
    pub products_total: usize,
    pub requests: usize,
    /// The search index could not be brought up to date (it is rebuilt
    /// when next opened); why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_problem: Option<String>,
}

/// The most pages one sync follows per feed (catalog, price list): far more
/// than any real catalog needs (a million parts at 500 a page is 2,000).
pub const MAX_SYNC_PAGES: usize = 10_000;

/// A feed's cursors: each must be new, or the shop would keep a sync
/// going forever; past `MAX_SYNC_PAGES` it stops too. Either way the sync
/// fails and the old cache stays.
struct Paging {
    what: &'static str,
    seen: HashSet<String>,
}

impl Paging {
    fn new(what: &'static str) -> Self {
        Paging { what, seen: HashSet::new() }
    }

    fn next(&mut self, cursor: &str) -> Result<()> {
        if !self.seen.insert(cursor.to_string()) {
            return Err(BackendError::Protocol(format!(
                "the shop's {} paging repeats a cursor, so it would never end; the sync stopped and the old cache is kept",
                self.what
            ))
            .into());
        }
        if self.seen.len() >= MAX_SYNC_PAGES {
            return Err(BackendError::Protocol(format!(
                "the shop's {} has more than {MAX_SYNC_PAGES} pages; the sync stopped and the old cache is kept",
                self.what
            ))
            .into());
        }
        Ok(())
    }
}

/// Numbers outside the protocol's limits are refused, so no later sum can
/// overflow and no negative price is ever offered.
fn check_products(items: &[crate::api::Product]) -> Result<()> {
    for p in items {
        limits::check_product(p).map_err(|why| refused(&p.sku, &why))?;
    }
    Ok(())
}

fn check_prices(items: &[crate::api::PriceEntry]) -> Result<()> {
    for e in items {
        limits::check_tiers(&e.tiers).map_err(|why| refused(&e.sku, &why))?;
        limits::check_vat_rate(e.vat_rate).map_err(|why| refused(&e.sku, &why))?;
    }
    Ok(())
}

fn refused(sku: &str, why: &str) -> super::Error {
    BackendError::Protocol(format!("{sku}: {why}; the sync stopped and the old cache is kept")).into()
}

/// Where a sync is, for a face to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncStep<'a> {
    /// "catalog", "prices" or "index".
    pub what: &'a str,
    pub done: usize,
    /// How many there are in all, when the shop said.
    pub total: Option<usize>,
}

pub type Progress<'a> = dyn FnMut(SyncStep<'_>) + Send + 'a;

/// Above this share of the catalog changed, the index is rebuilt rather
/// than updated (an update holds the changed parts in memory).
const UPDATE_MAX_SHARE: usize = 4;

/// Syncs the supplier's catalog and prices into its cache.
pub async fn sync_supplier(sup: &super::Supplier, progress: &mut Progress<'_>) -> Result<SyncReport> {
    sup.require_login()?;
    let mut cache = sup.cache()?;
    sync_cache(&sup.backend, &mut cache, progress).await
}

pub(crate) async fn sync_cache(
    shop: &Arc<dyn Backend>,
    cache: &mut CatalogCache,
    progress: &mut Progress<'_>,
) -> Result<SyncReport> {
    // One sync of a profile at a time: a second one waits here for the
    // first, then reads the marks it left (and usually gets a 304).
    cache.begin_sync()?;
    let old_tag = match cache.index_tag() {
        Ok(tag) => tag,
        Err(e) => {
            cache.rollback_sync();
            return Err(e.into());
        }
    };
    let mut changes = Changes::default();
    let started = std::time::Instant::now();
    let result = sync_locked(shop, cache, progress, &mut changes).await;
    match result {
        Ok(mut report) => {
            let fetched = started.elapsed();
            let checked = cache
                .set_checked_at(&Utc::now().to_rfc3339())
                .and_then(|()| cache.set_meta("parts", Some(&report.products_total.to_string())));
            if let Err(e) = checked {
                cache.rollback_sync();
                return Err(e.into());
            }
            if let Err(e) = cache.commit_sync() {
                // A commit that fails (a full disk) leaves the old cache; its pages go.
                cache.rollback_sync();
                return Err(e.into());
            }
            let committed = started.elapsed();
            if !report.not_modified {
                progress(SyncStep { what: "index", done: 0, total: Some(report.products_total) });
                let started = std::time::Instant::now();
                let updated = update_index(cache, old_tag.as_deref(), report.full, changes);
                tracing::debug!(took_ms = started.elapsed().as_millis() as u64, "search index brought up to date");
                if let Err(e) = updated {
                    tracing::warn!(error = %e, "search index not updated");
                    report.index_problem = Some(e.to_string());
                }
            }
            // Where the time went, for whoever tunes a large sync.
            tracing::info!(
                ?report,
                fetch_and_store_ms = fetched.as_millis() as u64,
                commit_ms = (committed - fetched).as_millis() as u64,
                index_ms = (started.elapsed() - committed).as_millis() as u64,
                "sync done"
            );
            Ok(report)
        }
        Err(e) => {
            cache.rollback_sync();
            Err(e)
        }
    }
}

async fn sync_locked(
    shop: &Arc<dyn Backend>,
    cache: &mut CatalogCache,
    progress: &mut Progress<'_>,
    changes: &mut Changes,
) -> Result<SyncReport> {
    let marks = cache.marks()?;
    // A shop without change feeds sends everything every time.
    let incremental =
        shop.capabilities().incremental_sync && marks.synced_at.is_some() && marks.catalog_since.is_some();
    let (since, etag) =
        if incremental { (marks.catalog_since.as_deref(), marks.etag.as_deref()) } else { (None, None) };
    let mut report = SyncReport::default();

    // First catalog page: 304 means nothing the company sees has changed.
    report.requests += 1;
    let first = shop.catalog_page(since, None, etag).await?;
    let (page, new_etag) = match first {
        Fetched::NotModified => {
            report.not_modified = true;
            report.products_total = cache.product_count()?;
            return Ok(report);
        }
        Fetched::Page { page, etag } => (page, etag),
    };
    apply(shop, cache, page, new_etag, &marks, incremental, since, &mut report, changes, progress).await?;
    Ok(report)
}

/// Everything after the first page, inside the sync transaction.
#[allow(clippy::too_many_arguments)]
async fn apply(
    shop: &Arc<dyn Backend>,
    cache: &mut CatalogCache,
    mut page: crate::api::CatalogPage,
    new_etag: Option<String>,
    marks: &SyncMarks,
    incremental: bool,
    since: Option<&str>,
    report: &mut SyncReport,
    changes: &mut Changes,
    progress: &mut Progress<'_>,
) -> Result<()> {
    {
        report.full = page.full || !incremental;
        if report.full {
            cache.clear_products()?;
        }
        let total = page.total.and_then(|t| usize::try_from(t).ok());
        let catalog_token;
        let mut catalog_pages = Paging::new("catalog");
        let started = std::time::Instant::now();
        loop {
            check_products(&page.items)?;
            let next_cursor = page.next_cursor.take();
            if let Some(cursor) = &next_cursor {
                catalog_pages.next(cursor)?;
            }
            let next = match next_cursor {
                Some(cursor) => {
                    let (shop, since) = (Arc::clone(shop), since.map(str::to_string));
                    Some(
                        Prefetch::start(async move { shop.catalog_page(since.as_deref(), Some(&cursor), None).await })
                            .await,
                    )
                }
                None => None,
            };
            if !report.full && !changes.overflow {
                // What the search index sees of the changes, told by the
                // rows they replace.
                changes.keep(&cache.search_changes(&page.items)?, &page.removed);
            }
            cache.put_products(&page.items)?;
            cache.remove_products(&page.removed)?;
            report.products_changed += page.items.len();
            report.products_removed += page.removed.len();
            progress(SyncStep { what: "catalog", done: report.products_changed, total });
            match next {
                Some(fetch) => {
                    report.requests += 1;
                    page = match fetch.finish().await? {
                        Fetched::Page { page, .. } => page,
                        Fetched::NotModified => {
                            return Err(crate::backend::BackendError::Protocol(
                                "304 for a catalog page in the middle of a sync".into(),
                            )
                            .into());
                        }
                    };
                }
                None => {
                    catalog_token = page.sync_token.clone();
                    break;
                }
            }
        }

        tracing::info!(parts = report.products_changed, ms = started.elapsed().as_millis() as u64, "catalog stored");
        let started = std::time::Instant::now();
        report.requests += 1;
        let me = shop.me().await?;
        cache.set_me(&me)?;

        let prices_since = if report.full { None } else { marks.prices_since.clone() };
        let mut price_pages = Paging::new("price list");
        report.requests += 1;
        let mut p = shop.price_list_page(prices_since.as_deref(), None).await?;
        if p.full || prices_since.is_none() {
            cache.clear_prices()?;
        }
        cache.set_price_header(&p.header)?;
        let prices_token = loop {
            check_prices(&p.items)?;
            let next_cursor = p.next_cursor.take();
            if let Some(cursor) = &next_cursor {
                price_pages.next(cursor)?;
            }
            let next = match next_cursor {
                Some(cursor) => {
                    let (shop, since) = (Arc::clone(shop), prices_since.clone());
                    Some(
                        Prefetch::start(async move { shop.price_list_page(since.as_deref(), Some(&cursor)).await })
                            .await,
                    )
                }
                None => None,
            };
            cache.put_prices(&p.items)?;
            cache.remove_prices(&p.removed)?;
            report.prices_changed += p.items.len();
            // A full price list has a line per visible part.
            let total = if report.full { total } else { None };
            progress(SyncStep { what: "prices", done: report.prices_changed, total });
            match next {
                Some(fetch) => {
                    report.requests += 1;
                    p = fetch.finish().await?;
                }
                None => break p.sync_token,
            }
        };

        tracing::info!(prices = report.prices_changed, ms = started.elapsed().as_millis() as u64, "price list stored");
        report.requests += 1;
        let ordered = shop.ordered_skus().await?;
        cache.set_ordered(&ordered.items)?;

        cache.set_marks(&SyncMarks {
            etag: new_etag,
            catalog_since: Some(catalog_token),
            prices_since: Some(prices_token),
            synced_at: Some(Utc::now().to_rfc3339()),
        })?;
        report.products_total = cache.product_count()?;
        Ok(())
    }
}

/// The next page, fetched and decoded on a task of its own while this
/// one is written to the cache: with a multi-threaded runtime the two run
/// on two cores. Dropped unfinished (the sync failed), the fetch stops.
struct Prefetch<T>(tokio::task::JoinHandle<crate::backend::Result<T>>);

impl<T: Send + 'static> Prefetch<T> {
    /// Starts the fetch, and lets it send its request before the caller
    /// goes on (a task just spawned waits in its worker's own slot, which
    /// another worker cannot take while this one writes).
    async fn start(fetch: impl Future<Output = crate::backend::Result<T>> + Send + 'static) -> Self {
        let task = Prefetch(tokio::spawn(fetch));
        tokio::task::yield_now().await;
        task
    }

    async fn finish(mut self) -> Result<T> {
        match (&mut self.0).await {
            Ok(page) => Ok(page?),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => Err(BackendError::Protocol(format!("fetching a page stopped: {e}")).into()),
        }
    }
}

impl<T> Drop for Prefetch<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The catalog changes of an incremental sync, for the search index.
#[derive(Default)]
struct Changes {
    upserts: Vec<SearchDoc>,
    removed: Vec<String>,
    /// Too many to hold: rebuild the index instead.
    overflow: bool,
}

impl Changes {
    const MAX: usize = 250_000;

    fn keep(&mut self, items: &[&crate::api::Product], removed: &[String]) {
        if self.overflow {
            return;
        }
        self.upserts.extend(items.iter().map(|p| SearchDoc {
            sku: p.sku.clone(),
            mpn: p.mpn.clone(),
            gtin: p.gtin.clone(),
            manufacturer: p.manufacturer.clone(),
            name: p.name.clone(),
        }));
        self.removed.extend(removed.iter().cloned());
        if self.upserts.len() + self.removed.len() > Self::MAX {
            self.overflow = true;
            self.upserts = Vec::new();
            self.removed = Vec::new();
        }
    }
}

/// Brings the index up to the cache just committed. Changes the index does
/// not see (stock, prices): a delta file beside the index file with the new
/// tag (the index file stays as it is). Else
/// the previous index with this sync's changes (and its delta) when it
/// described the cache before the sync and the changes are few, else a
/// full build from the cache, written whole.
fn update_index(cache: &CatalogCache, old_tag: Option<&str>, full: bool, changes: Changes) -> Result<()> {
    let Some(tag) = cache.index_tag()? else {
        return Ok(());
    };
    if !full && let Some(delta) = delta_for(cache, old_tag, &tag, &changes) {
        return Ok(index::write_delta(cache, &delta)?);
    }
    let total = cache.product_count()?;
    let small = !changes.overflow && (changes.upserts.len() + changes.removed.len()) * UPDATE_MAX_SHARE <= total;
    let updated = if full || !small {
        None
    } else {
        match index::read_current(cache, old_tag) {
            Ok(Some(old)) => {
                let index = old.apply_changes(changes.upserts, &changes.removed);
                // The cache decides: an update that disagrees with it is not kept.
                (index.len() == total).then_some(index)
            }
            _ => None,
        }
    };
    let index = match updated {
        Some(index) => index,
        None => cache.build_search_index()?,
    };
    Ok(index::write_index(cache, &index, &tag)?)
}

/// Above this share of the parts in the delta file, the index file is
/// written whole (every open applies the delta).
const DELTA_MAX_SHARE: usize = 32;

/// The delta that brings the index files from `old_tag` to `tag`: the delta
/// so far with these changes, when they only replace parts the index file
/// has and the index sees none of them. `None`: write the index whole.
fn delta_for(cache: &CatalogCache, old_tag: Option<&str>, tag: &str, changes: &Changes) -> Option<IndexDelta> {
    if changes.overflow || !changes.removed.is_empty() {
        return None;
    }
    let file = index::open_file(cache).ok()?;
    let earlier = match index::read_delta(cache) {
        Ok(Some(d)) if d.base == file.id() && Some(d.tag.as_str()) == old_tag && d.removed.is_empty() => d.upserts,
        _ if Some(file.tag()) == old_tag => Vec::new(),
        _ => return None,
    };
    if (earlier.len() + changes.upserts.len()) * DELTA_MAX_SHARE > file.len() {
        return None;
    }
    let mut upserts: std::collections::BTreeMap<String, SearchDoc> =
        earlier.into_iter().map(|d| (d.sku.clone(), d)).collect();
    // The changes kept are already those the cache's rows tell the index
    // would see; with none, the index file need not be read at all.
    if changes.upserts.is_empty() {
        return upserts.is_empty().then(|| IndexDelta {
            base: file.id(),
            tag: tag.to_string(),
            upserts: Vec::new(),
            removed: Vec::new(),
        });
    }
    // The index file without its fuzzy masks: enough to tell whether a
    // change is one the index sees.
    let index = file.index().ok()?;
    for d in &changes.upserts {
        // A new part changes every id after it: the index is written whole.
        index.docs().position(&d.sku)?;
        // The last change of a sku is the one kept; none if the part is
        // again as the index file has it (only its stock changed, say).
        upserts.remove(&d.sku);
        if !index.sees_no_change(d) {
            upserts.insert(d.sku.clone(), d.clone());
        }
    }
    // A part the index sees changed makes every open copy the index to
    // patch it (at a million parts: 0.27 s and 290 MiB a search instead of
    // 0.11 s and 150 MiB): written whole once instead.
    if !upserts.is_empty() {
        return None;
    }
    let upserts = upserts.into_values().collect();
    Some(IndexDelta { base: file.id(), tag: tag.to_string(), upserts, removed: Vec::new() })
}
