//! Finding parts in the local cache: works offline.

use super::Result;
use crate::api::{PriceEntry, Product};
use crate::core::basket::BasketError;
use crate::core::money;
use crate::core::quantity::QuantityRules;
use crate::search::{Hit, IndexDelta, IndexFile, IndexFileError, MatchKind, SearchIndex, normalize};
use crate::store::cache::CatalogCache;
use rust_decimal::Decimal;
use serde::Serialize;

/// The search index of the cache, opened from its file, with a note for
/// the buyer when it had to be rebuilt.
pub struct OpenedIndex {
    pub index: SearchIndex,
    /// Why the index file was not used as it was (rebuilt from the cache).
    pub note: Option<String>,
}

/// The search index over the cache, with this company's order history as
/// boost. Read from the index file next to the cache (with the delta file
/// of the re-syncs since it was written) when it carries the cache's sync
/// tag; otherwise (missing, stale, damaged) rebuilt from the cache and
/// written again, with a note saying why.
pub fn open_index(cache: &CatalogCache) -> Result<OpenedIndex> {
    let tag = cache.index_tag()?;
    let path = cache.index_path();
    let note = match read_current(&path, &cache.index_delta_path(), tag.as_deref()) {
        Ok(Some(mut index)) => {
            index.set_boosts(cache.ordered()?);
            return Ok(OpenedIndex { index, note: None });
        }
        Ok(None) => "the search index was older than the catalog; rebuilt it".to_string(),
        Err(IndexFileError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            "the search index was missing; built it".to_string()
        }
        Err(e) => format!("the search index {} could not be used ({e}); rebuilt it", path.display()),
    };
    tracing::warn!(path = %path.display(), note, "search index rebuilt");
    let mut index = cache.build_search_index()?;
    let note = match (&tag, write_index(cache, &index, tag.as_deref().unwrap_or(""))) {
        (None, _) => None,
        (Some(_), Ok(())) => Some(note),
        (Some(_), Err(e)) => Some(format!("{note}, but could not save it: {e}")),
    };
    index.set_boosts(cache.ordered()?);
    Ok(OpenedIndex { index, note })
}

/// The index the files at `path` and `delta` give for `tag`: the index file
/// with its delta when the delta is for that file and carries `tag`, the
/// index file alone when it carries `tag`; `None` when they are older.
/// The fuzzy masks are read when a search first needs them.
pub fn read_current(
    path: &std::path::Path,
    delta: &std::path::Path,
    tag: Option<&str>,
) -> std::result::Result<Option<SearchIndex>, IndexFileError> {
    let file = IndexFile::open(path)?;
    match read_delta(delta) {
        Ok(Some(d)) if d.base == file.id() && Some(d.tag.as_str()) == tag => {
            return Ok(Some(file.index()?.apply_changes(d.upserts, &d.removed)));
        }
        // A damaged delta matters only when the index file alone is stale.
        Err(e) if Some(file.tag()) != tag => return Err(e),
        _ => {}
    }
    if Some(file.tag()) == tag { Ok(Some(file.index()?)) } else { Ok(None) }
}

/// The delta file, if there is one.
pub fn read_delta(path: &std::path::Path) -> std::result::Result<Option<IndexDelta>, IndexFileError> {
    match std::fs::read(path) {
        Ok(bytes) => IndexDelta::from_bytes(&bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(IndexFileError::Io(e)),
    }
}

/// Writes the cache's index file; the old one stays until the new one is
/// whole. The delta file of the old one goes.
pub fn write_index(cache: &CatalogCache, index: &SearchIndex, tag: &str) -> Result<()> {
    crate::store::atomic::write_streamed(&cache.index_path(), |w| index.write_to(w, tag))?;
    match std::fs::remove_file(cache.index_delta_path()) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            // Harmless: a delta names the file it is for, and this is another.
            tracing::warn!(error = %e, "old search index delta not removed");
        }
        _ => {}
    }
    Ok(())
}

/// Writes the delta file (small: written whole and flushed, then renamed).
pub fn write_delta(cache: &CatalogCache, delta: &IndexDelta) -> Result<()> {
    let mut bytes = Vec::new();
    delta.write_to(&mut bytes).map_err(|e| crate::store::StoreError::Invalid(e.to_string()))?;
    Ok(crate::store::atomic::write_private(&cache.index_delta_path(), &bytes)?)
}

/// Where `resolve` gets the index from when the SKU alone does not name a
/// part: an index at hand, or one opened only when needed.
pub trait IndexSource {
    fn index(&self) -> Option<&SearchIndex>;
}

impl IndexSource for SearchIndex {
    fn index(&self) -> Option<&SearchIndex> {
        Some(self)
    }
}

/// The cache's index, opened the first time it is asked for: a command that
/// names parts by their SKU reads those rows and never the index.
pub struct LazyIndex<'a> {
    cache: &'a CatalogCache,
    cell: std::cell::OnceCell<Option<OpenedIndex>>,
}

impl<'a> LazyIndex<'a> {
    pub fn new(cache: &'a CatalogCache) -> Self {
        LazyIndex { cache, cell: std::cell::OnceCell::new() }
    }

    /// The note of the index, if it was opened and had to be rebuilt.
    pub fn note(&self) -> Option<&str> {
        self.cell.get().and_then(|o| o.as_ref()).and_then(|o| o.note.as_deref())
    }
}

impl IndexSource for LazyIndex<'_> {
    fn index(&self) -> Option<&SearchIndex> {
        self.cell
            .get_or_init(|| match open_index(self.cache) {
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
    let ordered: std::collections::HashSet<String> = cache.ordered()?.into_iter().map(|(s, _)| s).collect();
    let currency = crate::core::basket::PartLookup::currency(cache);
    let mut rows = Vec::with_capacity(hits.len());
    for hit in hits {
        let sku = index.sku(hit.id);
        let Some(p) = cache.get_product(sku)? else {
            continue;
        };
        let prices = cache.get_prices(sku)?;
        let tiers = prices.as_ref().map_or(&[][..], |e| &e.tiers);
        let quantity = qty.unwrap_or_else(|| QuantityRules::of(&p, tiers).smallest());
        rows.push(SearchRow {
            supplier: supplier.to_string(),
            currency: currency.clone(),
            unit_price: money::tier_for(tiers, quantity).map(|t| t.unit_price),
            base_quantity: money::tier_for(tiers, quantity).map_or(Decimal::ONE, |t| t.base_quantity),
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
    Ok(rows)
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
