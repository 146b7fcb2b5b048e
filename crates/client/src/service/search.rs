//! Finding parts in the local cache: works offline.

use super::catalog::{Catalog, CatalogState, CatalogStatus};
use super::{Result, Workspace};
use crate::api::{PriceEntry, Product};
use crate::core::basket::BasketError;
use crate::core::money;
use crate::core::quantity::QuantityRules;
use crate::search::{Hit, IndexFileError, MatchKind, SearchIndex, SearchResult, normalize};
use crate::store::cache::CatalogCache;
use crate::store::index;
use rust_decimal::Decimal;
use serde::Serialize;

/// The search index of the cache, opened from its file, with a note for
/// the buyer when it had to be rebuilt.
pub struct OpenedIndex {
    pub index: SearchIndex,
    /// Why the index file was not used as it was (rebuilt from the cache).
    pub note: Option<String>,
    /// The sync of the cache it describes (`CatalogCache::index_tag`).
    pub tag: Option<String>,
}

impl std::ops::Deref for OpenedIndex {
    type Target = SearchIndex;
    fn deref(&self) -> &SearchIndex {
        &self.index
    }
}

/// An opened index, shared by whoever searches with it.
pub type IndexRef = std::sync::Arc<OpenedIndex>;

/// The search index over the cache, with this company's order history as
/// boost. Read from the index file next to the cache (with the delta file
/// of the re-syncs since it was written) when it carries the cache's sync
/// tag; otherwise (missing, stale, damaged) rebuilt from the cache and
/// written again, with a note saying why.
pub fn open_index(cache: &CatalogCache) -> Result<OpenedIndex> {
    let tag = cache.index_tag()?;
    let path = cache.index_path();
    let note = match index::read_current(cache, tag.as_deref()) {
        Ok(Some(mut index)) => {
            index.set_boosts(cache.ordered()?);
            return Ok(OpenedIndex { index, note: None, tag });
        }
        Ok(None) => "the search index was older than the catalog; rebuilt it".to_string(),
        Err(IndexFileError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            "the search index was missing; built it".to_string()
        }
        Err(e) => format!("the search index {} could not be used ({e}); rebuilt it", path.display()),
    };
    tracing::warn!(path = %path.display(), note, "search index rebuilt");
    let mut index = cache.build_search_index()?;
    let note = match (&tag, index::write_index(cache, &index, tag.as_deref().unwrap_or(""))) {
        (None, _) => None,
        (Some(_), Ok(())) => Some(note),
        (Some(_), Err(e)) => Some(format!("{note}, but could not save it: {e}")),
    };
    index.set_boosts(cache.ordered()?);
    Ok(OpenedIndex { index, note, tag })
}

/// Whether the index files describe a later sync than `tag` (the cache as
/// a reader's snapshot sees it): another process committed a sync and wrote
/// its index after the snapshot began. The reader takes a new snapshot
/// rather than rebuild an index of the old one over the newer file.
pub fn index_is_newer(cache: &CatalogCache, tag: Option<&str>) -> bool {
    let Ok(file) = index::open_file(cache) else { return false };
    let file_tag = match index::read_delta(cache) {
        Ok(Some(d)) if d.base == file.id() => d.tag,
        _ => file.tag().to_string(),
    };
    match (tag_time(&file_tag), tag.and_then(tag_time)) {
        (Some(file), Some(snapshot)) => file > snapshot,
        (Some(_), None) => true,
        _ => false,
    }
}

/// When the sync a tag names was stored (its last word, RFC 3339).
fn tag_time(tag: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(tag.rsplit(' ').next()?).ok()
}

/// Where `resolve` gets the index from when the SKU alone does not name a
/// part: opened only when needed.
pub trait IndexSource {
    fn index(&self) -> Option<IndexRef>;
}

/// A part found in one supplier's catalog, priced from its price list.
#[derive(Debug, Clone, Serialize)]
pub struct SearchRow {
    /// The supplier (profile) whose catalog holds the part.
    pub supplier: String,
    /// The currency of `unit_price` (the supplier's price list).
    pub currency: String,
    pub sku: String,
    pub mpn: String,
    pub manufacturer: String,
    pub name: String,
    #[serde(rename = "match")]
    pub kind: &'static str,
    pub quantity: u32,
    /// The price of `base_quantity` units at `quantity`; `None` without a price.
    pub unit_price: Option<Decimal>,
    /// How many units `unit_price` is for: 1 unless a Peppol catalogue
    /// prices per several; left out of the JSON when 1.
    #[serde(skip_serializing_if = "is_one")]
    pub base_quantity: Decimal,
    pub unit: String,
    pub stock: u32,
    pub lead_time_days: u32,
    pub discontinued: bool,
    pub replaced_by: Option<String>,
    pub ordered_before: bool,
}

fn is_one(d: &Decimal) -> bool {
    *d == Decimal::ONE
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
    supplier: &str,
    cache: &CatalogCache,
    index: &SearchIndex,
    query: &str,
    limit: usize,
    qty: Option<u32>,
) -> Result<(Vec<SearchRow>, usize)> {
    let result = index.search(query, limit);
    Ok((rows_of(supplier, cache, index, &result.hits, qty)?, result.total))
}

/// The rows of `hits`, priced for `qty` (default: each part's smallest
/// valid quantity); a hit whose part left the cache is left out.
pub fn rows_of(
    supplier: &str,
    cache: &CatalogCache,
    index: &SearchIndex,
    hits: &[Hit],
    qty: Option<u32>,
) -> Result<Vec<SearchRow>> {
    let parts: Vec<(&str, MatchKind)> = hits.iter().map(|h| (index.sku(h.id), h.kind)).collect();
    let context = RowContext::of(cache)?;
    Ok(priced_parts(supplier, cache, &context, &parts, qty)?.into_iter().flatten().collect())
}

/// What every row of a catalog shares: the parts the company ordered before
/// and the price list's currency (the same until the next sync).
#[derive(Debug, Clone, Default)]
pub(crate) struct RowContext {
    ordered: std::collections::HashSet<String>,
    currency: String,
}

impl RowContext {
    pub(crate) fn of(cache: &CatalogCache) -> Result<RowContext> {
        Ok(RowContext {
            ordered: cache.ordered()?.into_iter().map(|(s, _)| s).collect(),
            currency: crate::core::basket::PartLookup::currency(cache),
        })
    }
}

/// Each part (by SKU, with how it matched) priced for `qty`, in order;
/// `None` for a part no longer in the cache.
pub(crate) fn priced_parts(
    supplier: &str,
    cache: &CatalogCache,
    context: &RowContext,
    parts: &[(&str, MatchKind)],
    qty: Option<u32>,
) -> Result<Vec<Option<SearchRow>>> {
    let RowContext { ordered, currency } = context;
    let mut rows = Vec::with_capacity(parts.len());
    for &(sku, kind) in parts {
        let Some(p) = cache.get_product(sku)? else {
            rows.push(None);
            continue;
        };
        let prices = cache.get_prices(sku)?;
        let tiers = prices.as_ref().map_or(&[][..], |e| &e.tiers);
        let quantity = qty.unwrap_or_else(|| QuantityRules::of(&p, tiers).smallest());
        rows.push(Some(SearchRow {
            supplier: supplier.to_string(),
            currency: currency.clone(),
            unit_price: money::tier_for(tiers, quantity).map(|t| t.unit_price),
            base_quantity: money::tier_for(tiers, quantity).map_or(Decimal::ONE, |t| t.base_quantity),
            kind: kind_str(kind),
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
        }));
    }
    Ok(rows)
}

/// A part one supplier's catalog found for a query, not yet priced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPart {
    pub sku: String,
    pub kind: MatchKind,
    /// Higher is better within `kind` (see [`Hit::score`]): the order
    /// count at this supplier, then how closely the part matched.
    pub score: i64,
}

/// One supplier's catalog's answer to a query, best first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub supplier: String,
    pub parts: Vec<FoundPart>,
    /// How many parts matched in this catalog.
    pub total: usize,
    /// The sync of the index the parts were found in: their rows are read
    /// from that sync's cache ([`rows_merged_checked`]).
    pub tag: Option<String>,
}

impl Found {
    /// The hits of `catalog`'s search, by SKU (so the index can go).
    pub fn of(catalog: &Catalog, result: SearchResult) -> Found {
        let index = catalog.index();
        let parts = match &index {
            Some(index) => result
                .hits
                .iter()
                .map(|h| FoundPart { sku: index.sku(h.id).to_string(), kind: h.kind, score: h.score })
                .collect(),
            None => vec![],
        };
        let tag = index.and_then(|i| i.tag.clone());
        Found { supplier: catalog.supplier().to_string(), parts, total: result.total, tag }
    }
}

/// Each catalog's best `limit` hits for `query`, in the order of
/// `catalogs`. The indexes are searched a round at a time, one per core at
/// once (the largest first), and an index left over at the end (five on two
/// cores) is scanned in halves on every core, so the cores finish together.
/// Each index keeps what its query left possible for the next keystroke.
/// An index that cannot be opened is an error in its place.
pub fn find_all(catalogs: &[&Catalog], query: &str, limit: usize) -> Vec<Result<Found>> {
    // Opened here: a catalog is one thread's; its index may be searched from
    // any. Each is the index of its cache's sync now: one another process's
    // sync made since the last search replaces the one kept.
    let opened: Vec<Option<IndexRef>> = catalogs
        .iter()
        .map(|c| match c.snapshot() {
            Ok((_read, index)) => Some(index),
            Err(e) => {
                tracing::warn!(supplier = c.supplier(), error = %e, "search index not available");
                None
            }
        })
        .collect();
    let indexes: Vec<Option<&SearchIndex>> = opened.iter().map(|o| o.as_ref().map(|o| &o.index)).collect();
    let mut order: Vec<usize> = (0..indexes.len()).filter(|&i| indexes[i].is_some()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(indexes[i].map_or(0, SearchIndex::len)));
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let mut results: Vec<Option<SearchResult>> = vec![None; indexes.len()];
    let search_one = |i: usize, split: bool| indexes[i].map(|index| index.search_split(query, limit, split));
    let whole_rounds = if order.len() > 1 { order.len() / cores * cores } else { 0 };
    for round in order[..whole_rounds].chunks(cores) {
        let answers: Vec<(usize, Option<SearchResult>)> = std::thread::scope(|s| {
            let others: Vec<_> = round[1..].iter().map(|&i| s.spawn(move || (i, search_one(i, false)))).collect();
            let mut all = vec![(round[0], search_one(round[0], false))];
            for o in others {
                match o.join() {
                    Ok(a) => all.push(a),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            all
        });
        for (i, r) in answers {
            results[i] = r;
        }
    }
    for &i in &order[whole_rounds..] {
        results[i] = match indexes[i] {
            // One index alone: as it searches itself.
            Some(index) if order.len() == 1 => Some(index.search(query, limit)),
            Some(index) => Some(index.search_split(query, limit, cores > 1 && index.len() >= SPLIT_WORTH)),
            None => None,
        };
    }
    results
        .into_iter()
        .enumerate()
        .map(|(i, r)| match r {
            Some(r) => Ok(Found::of(catalogs[i], r)),
            None => Err(super::Error::Internal(format!(
                "the search index of {} could not be opened (see the log)",
                catalogs[i].supplier()
            ))),
        })
        .collect()
}

/// Below this many parts, scanning a left-over index in halves on two
/// threads saves too little to be worth a thread.
const SPLIT_WORTH: usize = 100_000;

/// The best `limit` of several suppliers' answers, as (answer, part)
/// positions, best first. Every answer is ranked the same way (match class,
/// then score), so they are merged by class first: one supplier's many
/// near matches never push another's exact type number down. Within a class
/// and score each answer keeps its own order and the answers take turns
/// (a supplier's third hit after every supplier's second), so a large
/// catalog does not crowd out a small one.
pub fn merge(found: &[Found], limit: usize) -> Vec<(usize, usize)> {
    let mut all: Vec<(MatchKind, std::cmp::Reverse<i64>, usize, usize)> = found
        .iter()
        .enumerate()
        .flat_map(|(a, f)| f.parts.iter().enumerate().map(move |(i, p)| (p.kind, std::cmp::Reverse(p.score), i, a)))
        .collect();
    all.sort_unstable();
    all.truncate(limit);
    all.into_iter().map(|(_, _, i, a)| (a, i)).collect()
}

/// The parts `picks` names (positions into `found`, as [`merge`] gives
/// them), priced for `qty` from the catalog of each one's supplier, in the
/// order of `picks`. A part that left its cache since is left out.
pub fn rows_merged(
    catalogs: &[&Catalog],
    found: &[Found],
    picks: &[(usize, usize)],
    qty: Option<u32>,
) -> Result<Vec<SearchRow>> {
    Ok(rows_read(catalogs, found, picks, qty, false)?.unwrap_or_default())
}

/// As [`rows_merged`], each catalog's rows read in one snapshot of its
/// cache of the sync its parts were found in; `None` when a catalog's
/// cache has moved on to another sync since (another process synced): the
/// search is to be made again.
pub fn rows_merged_checked(
    catalogs: &[&Catalog],
    found: &[Found],
    picks: &[(usize, usize)],
    qty: Option<u32>,
) -> Result<Option<Vec<SearchRow>>> {
    rows_read(catalogs, found, picks, qty, true)
}

fn rows_read(
    catalogs: &[&Catalog],
    found: &[Found],
    picks: &[(usize, usize)],
    qty: Option<u32>,
    checked: bool,
) -> Result<Option<Vec<SearchRow>>> {
    let mut rows: Vec<Option<SearchRow>> = vec![None; picks.len()];
    for (a, f) in found.iter().enumerate() {
        let Some(catalog) = catalogs.iter().find(|c| c.supplier() == f.supplier) else { continue };
        let mine: Vec<(usize, (&str, MatchKind))> = picks
            .iter()
            .enumerate()
            .filter(|(_, (pa, _))| *pa == a)
            .map(|(at, &(_, i))| (at, (f.parts[i].sku.as_str(), f.parts[i].kind)))
            .collect();
        let parts: Vec<(&str, MatchKind)> = mine.iter().map(|(_, p)| *p).collect();
        if parts.is_empty() {
            continue;
        }
        let _read = if checked { Some(catalog.cache().read_snapshot()?) } else { None };
        if checked && catalog.cache().index_tag()? != f.tag {
            return Ok(None);
        }
        let priced = catalog.priced(&parts, qty)?;
        for ((at, _), row) in mine.iter().zip(priced) {
            rows[*at] = row;
        }
    }
    Ok(Some(rows.into_iter().flatten().collect()))
}

/// Every supplier searched at once: the best rows of all, how many parts
/// matched in all, and how each supplier's catalog stood.
#[derive(Debug, Clone, Serialize)]
pub struct AllSuppliers {
    pub rows: Vec<SearchRow>,
    pub total: usize,
    pub suppliers: Vec<CatalogStatus>,
}

/// `f` over `items` on a few threads (at most four), in order: a search
/// across suppliers holds that many indexes at once.
pub(super) fn par_map<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let n = items.len();
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    let threads = n.min(cores.clamp(1, 4));
    if threads <= 1 {
        return items.into_iter().map(f).collect();
    }
    let queue = std::sync::Mutex::new(items.into_iter().enumerate());
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let next = match queue.lock() {
                            Ok(mut q) => q.next(),
                            Err(poisoned) => poisoned.into_inner().next(),
                        };
                        let Some((i, item)) = next else { return mine };
                        mine.push((i, f(item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(mine) => mine,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Searches every supplier's catalog (offline) and merges the answers (see
/// [`merge`]), priced for `qty`. A supplier whose catalog was never synced
/// or cannot be read is named in `suppliers` and the others still answer;
/// a stale one answers and is named. The catalogs are searched on a few
/// threads, each index read, searched and let go in turn, so memory holds
/// a few indexes at a time, not every one.
pub fn search_all(ws: &Workspace, query: &str, limit: usize, qty: Option<u32>) -> Result<AllSuppliers> {
    let names = ws.suppliers();
    if names.is_empty() {
        // The same words as a command without a profile.
        ws.default_supplier()?;
    }
    /// A supplier's catalog as searched: how it stood, and its answer.
    type Searched = (CatalogStatus, Option<(Catalog, Found)>);
    let one = |i: usize| -> Searched {
        let (catalog, mut status) = Catalog::open_named(ws, &names[i]);
        let Some(mut catalog) = catalog else { return (status, None) };
        let result = catalog.search_hits(query, limit);
        status.parts = catalog.len();
        if let Some(note) = catalog.index_note() {
            status.note = Some(note.to_string());
        }
        let found = match result {
            Ok(r) => Found::of(&catalog, r),
            Err(e) => {
                status.state = CatalogState::Failed;
                status.note = Some(e.to_string());
                return (status, None);
            }
        };
        catalog.release_index();
        (status, Some((catalog, found)))
    };
    // Each catalog's rows are read from the sync its index was of; when a
    // sync in another process moved one on meanwhile, the search is made
    // again (a few times; then the rows as they are now).
    let mut tries = 0;
    loop {
        tries += 1;
        let done = par_map((0..names.len()).collect(), one);
        let (mut catalogs, mut found, mut suppliers) = (Vec::new(), Vec::new(), Vec::new());
        for (status, answer) in done {
            suppliers.push(status);
            if let Some((c, f)) = answer {
                catalogs.push(c);
                found.push(f);
            }
        }
        let total = found.iter().map(|f| f.total).sum();
        let picks = merge(&found, limit);
        let catalogs: Vec<&Catalog> = catalogs.iter().collect();
        let rows = match rows_merged_checked(&catalogs, &found, &picks, qty)? {
            Some(rows) => rows,
            None if tries < SEARCH_TRIES => continue,
            None => rows_merged(&catalogs, &found, &picks, qty)?,
        };
        return Ok(AllSuppliers { rows, total, suppliers });
    }
}

/// How often a search of all suppliers is made when syncs in other
/// processes keep moving a catalog on between its index and its rows.
pub(super) const SEARCH_TRIES: usize = 5;

/// The matched characters of a row's sku, type number and name (any
/// supplier's: this needs no index).
pub fn highlight(row: &SearchRow, query: &str) -> crate::search::Highlights {
    thread_local! {
        static EMPTY: SearchIndex = SearchIndex::new(Vec::new());
    }
    EMPTY.with(|i| i.highlight_texts(&row.sku, &row.mpn, &row.name, query))
}

#[derive(Debug, Clone, Serialize)]
pub struct PartDetail {
    pub product: Product,
    pub prices: Option<PriceEntry>,
    pub currency: String,
    pub successor: Option<Product>,
}

/// Finds one part by SKU, or by a type number (mpn / gtin) that names exactly
/// one part. Unknown: an error with "did you mean" suggestions. The index is
/// only consulted when the text is not a SKU as the cache has it.
pub fn resolve(cache: &CatalogCache, index: &dyn IndexSource, text: &str) -> std::result::Result<Product, BasketError> {
    let text = text.trim();
    if let Ok(Some(p)) = cache.get_product(text) {
        return Ok(p);
    }
    let Some(index) = index.index() else {
        return Err(BasketError::UnknownSku { sku: text.to_string(), suggestions: vec![] });
    };
    if let Some(id) = index.find_sku(text)
        && let Ok(Some(p)) = cache.get_product(index.sku(id))
    {
        return Ok(p);
    }
    let n = normalize(text);
    let mut exact: Vec<Product> = index
        .search(text, 5)
        .hits
        .into_iter()
        .filter(|h| h.kind == MatchKind::Exact)
        .filter_map(|h| cache.get_product(index.sku(h.id)).ok().flatten())
        .filter(|p| normalize(&p.mpn) == n || normalize(&p.gtin) == n)
        .collect();
    if exact.len() == 1 {
        return Ok(exact.remove(0));
    }
    if exact.len() > 1 {
        let mut skus: Vec<String> = exact.into_iter().map(|p| p.sku).collect();
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
