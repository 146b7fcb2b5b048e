//! Catalog and price-list sync into the local cache. A re-sync with nothing
//! changed costs one request (ETag); otherwise only changes move (`since`).
//! The whole sync lands in one transaction: a failure keeps the old cache.

use super::Result;
use crate::backend::{Fetched, Shop};
use crate::core::sanitize::Clean;
use crate::store::cache::{CatalogCache, SyncMarks};
use chrono::Utc;
use serde::Serialize;

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

/// Progress for a face to show: (what, items so far).
pub type Progress<'a> = dyn FnMut(&str, usize) + Send + 'a;

pub async fn sync(shop: &dyn Shop, cache: &mut CatalogCache, progress: &mut Progress<'_>) -> Result<SyncReport> {
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

    cache.begin_sync()?;
    let result = apply(shop, cache, page, new_etag, &marks, incremental, since, &mut report, progress).await;
    match result {
        Ok(()) => {
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
        loop {
            page.items.iter_mut().for_each(Clean::clean);
            cache.put_products(&page.items)?;
            cache.remove_products(&page.removed)?;
            report.products_changed += page.items.len();
            report.products_removed += page.removed.len();
            progress("catalog", report.products_changed);
            match page.next_cursor.take() {
                Some(cursor) => {
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
        let mut me = shop.me().await?;
        me.clean();
        cache.set_me(&me)?;

        let prices_since = if report.full { None } else { marks.prices_since.clone() };
        let mut cursor: Option<String> = None;
        let mut first_price_page = true;
        let prices_token = loop {
            report.requests += 1;
            let mut p = shop.price_list_page(prices_since.as_deref(), cursor.as_deref()).await?;
            if first_price_page {
                if p.full || prices_since.is_none() {
                    cache.clear_prices()?;
                }
                p.header.clean();
                cache.set_price_header(&p.header)?;
                first_price_page = false;
            }
            cache.put_prices(&p.items)?;
            cache.remove_prices(&p.removed)?;
            report.prices_changed += p.items.len();
            progress("prices", report.prices_changed);
            match p.next_cursor {
                Some(c) => cursor = Some(c),
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
