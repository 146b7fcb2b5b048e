//! Catalog and price-list sync into the local cache. A re-sync with nothing
//! changed costs one request (ETag); otherwise only changes move (`since`).
//! The whole sync lands in one transaction: a failure keeps the old cache.

use super::Result;
use crate::backend::{BackendError, Fetched, Shop};
use crate::store::cache::{CatalogCache, SyncMarks};
use chrono::Utc;
use procure_protocol::limits;
use serde::Serialize;
use std::collections::HashSet;

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

/// Progress for a face to show: (what, items so far).
pub type Progress<'a> = dyn FnMut(&str, usize) + Send + 'a;

/// Syncs the profile's catalog and prices into its cache.
pub async fn sync_profile(ctx: &super::Context, progress: &mut Progress<'_>) -> Result<SyncReport> {
    ctx.require_login()?;
    let mut cache = ctx.cache()?;
    sync(ctx.shop.as_ref(), &mut cache, progress).await
}

pub async fn sync(shop: &dyn Shop, cache: &mut CatalogCache, progress: &mut Progress<'_>) -> Result<SyncReport> {
    // One sync of a profile at a time: a second one waits here for the
    // first, then reads the marks it left (and usually gets a 304).
    cache.begin_sync()?;
    let result = sync_locked(shop, cache, progress).await;
    match result {
        Ok(report) => {
            cache.commit_sync()?;
            tracing::info!(?report, "sync done");
            Ok(report)
        }
        Err(e) => {
            cache.rollback_sync();
            Err(e)
        }
    }
}

async fn sync_locked(shop: &dyn Shop, cache: &mut CatalogCache, progress: &mut Progress<'_>) -> Result<SyncReport> {
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
    apply(shop, cache, page, new_etag, &marks, incremental, since, &mut report, progress).await?;
    Ok(report)
}

/// Everything after the first page, inside the sync transaction.
#[allow(clippy::too_many_arguments)]
async fn apply(
    shop: &dyn Shop,
    cache: &mut CatalogCache,
    mut page: crate::api::CatalogPage,
    new_etag: Option<String>,
    marks: &SyncMarks,
    incremental: bool,
    since: Option<&str>,
    report: &mut SyncReport,
    progress: &mut Progress<'_>,
) -> Result<()> {
    {
        report.full = page.full || !incremental;
        if report.full {
            cache.clear_products()?;
        }
        let catalog_token;
        let mut catalog_pages = Paging::new("catalog");
        loop {
            check_products(&page.items)?;
            cache.put_products(&page.items)?;
            cache.remove_products(&page.removed)?;
            report.products_changed += page.items.len();
            report.products_removed += page.removed.len();
            progress("catalog", report.products_changed);
            match page.next_cursor.take() {
                Some(cursor) => {
                    catalog_pages.next(&cursor)?;
                    report.requests += 1;
                    page = match shop.catalog_page(since, Some(&cursor), None).await? {
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

        report.requests += 1;
        let me = shop.me().await?;
        cache.set_me(&me)?;

        let prices_since = if report.full { None } else { marks.prices_since.clone() };
        let mut cursor: Option<String> = None;
        let mut first_price_page = true;
        let mut price_pages = Paging::new("price list");
        let prices_token = loop {
            report.requests += 1;
            let p = shop.price_list_page(prices_since.as_deref(), cursor.as_deref()).await?;
            check_prices(&p.items)?;
            if first_price_page {
                if p.full || prices_since.is_none() {
                    cache.clear_prices()?;
                }
                cache.set_price_header(&p.header)?;
                first_price_page = false;
            }
            cache.put_prices(&p.items)?;
            cache.remove_prices(&p.removed)?;
            report.prices_changed += p.items.len();
            progress("prices", report.prices_changed);
            match p.next_cursor {
                Some(c) => {
                    price_pages.next(&c)?;
                    cursor = Some(c);
                }
                None => break p.sync_token,
            }
        };

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
