//! Comparing suppliers (offline): every supplier's offers for a part at the
//! buyer's quantity (`compare`), and a list split over suppliers into one
//! basket each (`split`). The rules are `core::compare`'s; this finds the
//! listings in each supplier's catalog and writes the baskets.
//!
//! A part is found in each catalog by its keys (SKU, type number, GTIN) in
//! the catalog's index file, by binary search, without reading the index
//! (`procure_search::IndexFile::find_keys`): comparing one part across five
//! catalogs of a million parts reads a few kilobytes of each. A query that
//! is no key of any part (words of a name) or the start of too many is
//! searched in each index as `procure search` does.

use super::catalog::{Catalog, CatalogState, CatalogStatus};
use super::search::{IndexSource, par_map};
use super::{Error, Result, Workspace};
use crate::core::basket::{Basket, BasketLine, PartLookup};
use crate::core::compare::{self, By, ComparedPart, Listing, Makers, Offer, Rates};
use crate::core::import::{ImportProblem, decode, parse_list};
use crate::search::{IndexDelta, IndexFile, KeyHit, KeyLookup, MatchKind, SearchDoc, normalize};
use crate::service::{ErrorKind, Remedy};
use crate::store::cache::CatalogCache;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// Parts whose key starts with a query, at most, before a search ranks
/// them instead.
const PREFIX_LIMIT: usize = 200;
/// Parts whose key is exactly a query, at most: every SKU of one type
/// number (a catalog may list one part many times).
const EXACT_LIMIT: usize = 20_000;
/// Hits a search of one catalog gives a comparison at most.
const SEARCH_LIMIT: usize = 50;

/// A supplier's index file, current for its cache: lookups by key
/// without reading the index.
struct Keys {
    file: IndexFile,
    delta: Option<IndexDelta>,
}

impl Keys {
    /// The index file of `cache` with its delta, if they describe the
    /// cache as it is (else a search rebuilds the index first).
    fn open(cache: &CatalogCache) -> Option<Keys> {
        let tag = cache.index_tag().ok()??;
        let file = crate::store::index::open_file(cache).ok()?;
        match crate::store::index::read_delta(cache) {
            Ok(Some(d)) if d.base == file.id() && d.tag == tag => Some(Keys { file, delta: Some(d) }),
            _ if file.tag() == tag => Some(Keys { file, delta: None }),
            _ => None,
        }
    }

    /// The exact (and, with `prefixes`, prefix) matches of `query` (SKU
    /// and kind); `None` when more than the limit match, or when the file
    /// cannot be read as it should (a search then rebuilds the index).
    fn find(&self, query: &str, prefixes: bool) -> Option<Vec<(String, MatchKind)>> {
        let found =
            if prefixes { self.file.find_keys(query, PREFIX_LIMIT) } else { self.file.find_exact(query, EXACT_LIMIT) };
        let hits = match found {
            Ok(KeyLookup::Found(hits)) => hits,
            Ok(KeyLookup::TooMany(_)) => return None,
            Err(e) => {
                tracing::warn!(error = %e, "search index file: looked up by a search instead");
                return None;
            }
        };
        let Some(delta) = &self.delta else {
            return Some(hits.into_iter().map(|h| (h.sku, h.kind)).collect());
        };
        // The delta's parts replace the file's.
        let changed: std::collections::HashSet<&str> =
            delta.removed.iter().map(String::as_str).chain(delta.upserts.iter().map(|d| d.sku.as_str())).collect();
        let mut found: Vec<(String, MatchKind)> =
            hits.into_iter().filter(|h| !changed.contains(h.sku.as_str())).map(|h| (h.sku, h.kind)).collect();
        let removed: std::collections::HashSet<&str> = delta.removed.iter().map(String::as_str).collect();
        found.extend(
            delta
                .upserts
                .iter()
                .filter(|d| !removed.contains(d.sku.as_str()))
                .filter_map(|d: &SearchDoc| KeyHit::of(d, query))
                .filter(|h| prefixes || h.kind == MatchKind::Exact)
                .map(|h| (h.sku, h.kind)),
        );
        Some(found)
    }
}

/// One supplier's catalog as a comparison reads it.
struct Source {
    catalog: Catalog,
    status: CatalogStatus,
    currency: String,
    keys: Option<Keys>,
}

impl Source {
    fn name(&self) -> &str {
        self.catalog.supplier()
    }

    /// The parts `query` names here by key (`None`: the keys cannot tell:
    /// no current index file, or more parts start with it than a key order
    /// ranks well), or as a search finds them. By key: the parts whose key
    /// is the query, with those whose key starts with it when they are
    /// few; a catalog may list one part under many SKUs, which all count.
    fn find(&mut self, query: &str, by_keys: bool) -> Result<Option<Vec<(String, MatchKind)>>> {
        if by_keys {
            let Some(keys) = &self.keys else { return Ok(None) };
            let Some(mut exact) = keys.find(query, false) else { return Ok(None) };
            match keys.find(query, true) {
                Some(all) => exact.extend(all.into_iter().filter(|(_, k)| *k != MatchKind::Exact)),
                // Too many start with it: the exact ones are what was meant.
                None if !exact.is_empty() => {}
                None => return Ok(None),
            }
            return Ok(Some(exact));
        }
        let found = self.search(query, SEARCH_LIMIT)?;
        if let Some(note) = self.catalog.index_note() {
            self.status.note = Some(note.to_string());
        }
        self.status.parts = self.catalog.len();
        // The search wrote the index file if it was not current: the next
        // lookups read that, and the index read whole can go.
        if self.keys.is_none() {
            self.keys = Keys::open(self.catalog.cache());
        }
        if self.keys.is_some() {
            self.catalog.release_index();
        }
        Ok(Some(found))
    }

    /// A search of the whole index (read now if it was not).
    fn search(&self, query: &str, limit: usize) -> Result<Vec<(String, MatchKind)>> {
        let result = self.catalog.search_hits(query, limit)?;
        Ok(match self.catalog.index() {
            Some(index) => result.hits.iter().map(|h| (index.sku(h.id).to_string(), h.kind)).collect(),
            None => vec![],
        })
    }

    /// The parts whose SKU, type number or GTIN is exactly `key`.
    fn exactly(&mut self, key: &str) -> Result<Vec<String>> {
        if normalize(key).is_empty() {
            return Ok(vec![]);
        }
        let found = match self.keys.as_ref().and_then(|k| k.find(key, false)) {
            Some(f) => f,
            // Without a current index file: the index read whole.
            None => self.search(key, PREFIX_LIMIT)?,
        };
        Ok(found.into_iter().filter(|(_, k)| *k == MatchKind::Exact).map(|(s, _)| s).collect())
    }

    /// The listing of a part of this catalog, with the buyer's tiers.
    fn listing(&self, sku: &str, matched: Option<MatchKind>) -> Result<Option<Listing>> {
        let cache = self.catalog.cache();
        let Some(product) = cache.get_product(sku)? else { return Ok(None) };
        let tiers = cache.get_prices(sku)?.map(|e| e.tiers).unwrap_or_default();
        Ok(Some(Listing {
            supplier: self.name().to_string(),
            currency: self.currency.clone(),
            product,
            tiers,
            matched,
        }))
    }
}

/// Every supplier's catalog that can answer, and how each stands.
fn open_sources(ws: &Workspace) -> Result<(Vec<Source>, Vec<CatalogStatus>)> {
    let names = ws.suppliers();
    if names.is_empty() {
        // The same words as a command without a profile.
        ws.default_supplier()?;
    }
    let opened = par_map(names, |name| {
        let (catalog, status) = Catalog::open_named(ws, &name);
        catalog
            .map(|catalog| {
                let currency = PartLookup::currency(catalog.cache());
                let keys = Keys::open(catalog.cache());
                let mut status = status.clone();
                status.parts = keys.as_ref().map_or(0, |k| k.file.len());
                Source { catalog, status, currency, keys }
            })
            .ok_or(status)
    });
    let (mut sources, mut closed) = (Vec::new(), Vec::new());
    for s in opened {
        match s {
            Ok(s) => sources.push(s),
            Err(status) => closed.push(status),
        }
    }
    Ok((sources, closed))
}

/// What `compare` found: each part with every supplier's offer.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub query: String,
    /// The quantity asked for.
    pub quantity: u32,
    pub by: By,
    /// The currency offers are compared in.
    pub currency: String,
    /// The day the arrival dates count from (the buyer's local date).
    pub today: NaiveDate,
    /// The best-matching parts, at most the limit.
    pub parts: Vec<ComparedPart>,
    /// How many parts matched in all.
    pub total: usize,
    /// What the buyer should know: currencies without a rate.
    pub notes: Vec<String>,
    /// How each supplier's catalog stood.
    pub suppliers: Vec<CatalogStatus>,
}

/// The settings a comparison applies.
struct Rules {
    rates: Rates,
    makers: Makers,
    today: NaiveDate,
}

impl Rules {
    fn of(ws: &Workspace) -> Rules {
        let c = &ws.config().compare;
        Rules { rates: c.rates(), makers: c.makers(), today: ws.clock().today() }
    }
}

/// Every supplier's offers for the parts `query` names (a type number, SKU
/// or GTIN, or the start of one; else words, as `procure search` finds
/// them), at `qty`, the best `limit` parts. Offline. A supplier whose
/// catalog is missing or cannot be read is named in `suppliers` and the
/// others answer; a stale one answers and is named.
pub fn compare(ws: &Workspace, query: &str, qty: u32, by: By, limit: usize) -> Result<Comparison> {
    if qty == 0 || qty > procure_protocol::limits::MAX_QUANTITY {
        return Err(Error::Usage(format!(
            "the quantity must be a whole number from 1 to {}",
            procure_protocol::limits::MAX_QUANTITY
        )));
    }
    let rules = Rules::of(ws);
    let (sources, closed) = open_sources(ws)?;
    // By key where every catalog can say; by search where one cannot, or
    // nothing is a key.
    let find = |by_keys: bool| {
        move |mut s: Source| {
            let found = s.find(query, by_keys);
            (s, found)
        }
    };
    let mut found = par_map(sources, find(true));
    let by_keys = found.iter().all(|(_, f)| matches!(f, Ok(Some(_))))
        && found.iter().any(|(_, f)| matches!(f, Ok(Some(h)) if !h.is_empty()));
    if !by_keys {
        found = par_map(found.into_iter().map(|(s, _)| s).collect(), find(false));
    }
    let mut sources = Vec::with_capacity(found.len());
    let mut listings = Vec::new();
    for (mut s, f) in found {
        match f {
            Ok(hits) => {
                for (sku, kind) in hits.unwrap_or_default() {
                    listings.extend(s.listing(&sku, Some(kind))?);
                }
            }
            Err(e) => {
                s.status.state = CatalogState::Failed;
                s.status.note = Some(e.to_string());
            }
        }
        sources.push(s);
    }
    let mut parts = compare::group(listings, &rules.makers);
    parts.sort_by_cached_key(|p| part_rank(p));
    let total = parts.len();
    parts.truncate(limit.max(1));
    // Each part as every supplier lists it: by its type number and GTIN.
    let (sources, mut parts) = complete(sources, parts, &rules.makers)?;
    // Two parts found apart may be one (the same GTIN): once.
    let mut seen = std::collections::HashSet::new();
    parts.retain(|p| seen.insert(part_key(p)));
    let compared: Vec<ComparedPart> =
        parts.iter().map(|p| compare::compare_part(p, qty, by, rules.today, &rules.rates, &rules.makers)).collect();
    let notes = unrated(compared.iter().flat_map(|p| &p.offers), &rules.rates);
    Ok(Comparison {
        query: query.to_string(),
        quantity: qty,
        by,
        currency: rules.rates.currency.clone(),
        today: rules.today,
        parts: compared,
        total,
        notes,
        suppliers: statuses(sources, closed),
    })
}

/// Better parts first: how well they matched, then the more suppliers, then
/// by type number.
fn part_rank(p: &[Listing]) -> (Option<MatchKind>, std::cmp::Reverse<usize>, String, String) {
    let mut suppliers: Vec<&str> = p.iter().map(|l| l.supplier.as_str()).collect();
    suppliers.sort_unstable();
    suppliers.dedup();
    let first = &p[0].product;
    (
        p.iter().filter_map(|l| l.matched).min(),
        std::cmp::Reverse(suppliers.len()),
        normalize(&first.mpn),
        first.sku.clone(),
    )
}

/// The parts with every listing of each at every supplier: those with the
/// same type number (and maker) or GTIN as a listing found.
fn complete(
    sources: Vec<Source>,
    parts: Vec<Vec<Listing>>,
    makers: &Makers,
) -> Result<(Vec<Source>, Vec<Vec<Listing>>)> {
    let mut keys: Vec<String> = parts
        .iter()
        .flatten()
        .flat_map(|l| [l.product.mpn.clone(), l.product.gtin.clone()])
        .filter(|k| !normalize(k).is_empty())
        .collect();
    keys.sort_by_key(|k| normalize(k));
    keys.dedup_by_key(|k| normalize(k));
    // What is read already is not read again.
    let known: std::collections::HashSet<(&str, &str)> =
        parts.iter().flatten().map(|l| (l.supplier.as_str(), l.product.sku.as_str())).collect();
    let more: Vec<(Source, Result<Vec<Listing>>)> = par_map(sources, |mut s| {
        let found = (|| {
            let mut out: Vec<Listing> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for k in &keys {
                for sku in s.exactly(k)? {
                    if !known.contains(&(s.name(), sku.as_str())) && seen.insert(sku.clone()) {
                        out.extend(s.listing(&sku, None)?);
                    }
                }
            }
            Ok(out)
        })();
        (s, found)
    });
    let mut sources = Vec::new();
    let mut extra = Vec::new();
    for (mut s, found) in more {
        match found {
            Ok(l) => extra.extend(l),
            Err(e) => {
                s.status.state = CatalogState::Failed;
                s.status.note = Some(e.to_string());
            }
        }
        sources.push(s);
    }
    // Everything found, grouped once: each part is the group that holds
    // its own listings.
    let pool: Vec<Listing> = parts.iter().flatten().cloned().chain(extra).collect();
    let groups = compare::group(pool, makers);
    let at: std::collections::HashMap<(&str, &str), usize> = groups
        .iter()
        .enumerate()
        .flat_map(|(i, g)| g.iter().map(move |l| ((l.supplier.as_str(), l.product.sku.as_str()), i)))
        .collect();
    let parts = parts
        .into_iter()
        .map(|part| {
            let first = part.first().and_then(|l| at.get(&(l.supplier.as_str(), l.product.sku.as_str())));
            match first {
                Some(&i) => groups[i].clone(),
                None => part,
            }
        })
        .collect();
    Ok((sources, parts))
}

/// A note for each currency offered without a rate.
fn unrated<'a>(offers: impl Iterator<Item = &'a Offer>, rates: &Rates) -> Vec<String> {
    let mut currencies: Vec<&str> = offers.filter(|o| o.rate.is_none()).map(|o| o.currency.as_str()).collect();
    currencies.sort_unstable();
    currencies.dedup();
    currencies
        .into_iter()
        .map(|c| {
            format!(
                "offers in {c} are listed but not ranked: config.toml has no rate for {c} ([compare] rates = {{ {c} = \"…\" }}, one {c} in {})",
                rates.currency
            )
        })
        .collect()
}

/// Every supplier's status, by name.
fn statuses(sources: Vec<Source>, closed: Vec<CatalogStatus>) -> Vec<CatalogStatus> {
    let mut all: Vec<CatalogStatus> = sources.into_iter().map(|s| s.status).chain(closed).collect();
    all.sort_by(|a, b| a.supplier.cmp(&b.supplier));
    all
}

/// How `basket split` goes about it.
#[derive(Debug, Clone)]
pub struct SplitOptions {
    pub by: By,
    /// At most this many suppliers (the set of them with the least total).
    pub max_suppliers: Option<usize>,
    /// The baskets are named PREFIX-SUPPLIER.
    pub prefix: String,
    /// Baskets of these names that exist are made the split's again.
    pub replace: bool,
}

/// One part of the list and where it goes.
#[derive(Debug, Clone, Serialize)]
pub struct SplitLine {
    /// The list's line numbers that name the part (several when it is named
    /// more than once: their quantities are added).
    pub lines: Vec<usize>,
    /// The part as the list names it.
    pub text: String,
    pub quantity: u32,
    pub manufacturer: String,
    pub type_number: String,
    /// The offer it goes to (`None`: no supplier in the split can supply it).
    pub choice: Option<Offer>,
    /// The next best offer, at any supplier.
    pub runner_up: Option<Offer>,
    /// Why there is no choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// Every offer (for the faces; in JSON as choice and runner-up).
    #[serde(skip)]
    pub offers: Vec<Offer>,
}

/// One basket the split made.
#[derive(Debug, Clone, Serialize)]
pub struct SplitBasket {
    pub supplier: String,
    pub basket: String,
    pub lines: usize,
    /// In the supplier's currency.
    #[serde(serialize_with = "crate::core::money::amount::serialize")]
    pub total: Decimal,
    pub currency: String,
    /// In the comparison currency.
    #[serde(serialize_with = "crate::core::money::amount::serialize")]
    pub converted: Decimal,
    /// An existing basket of this name was replaced.
    pub replaced: bool,
}

/// The cheapest single supplier, for what the split saves.
#[derive(Debug, Clone, Serialize)]
pub struct SingleSupplier {
    pub supplier: String,
    /// The lines it can supply (of the lines anybody can).
    pub lines: usize,
    #[serde(serialize_with = "crate::core::money::amount::serialize")]
    pub total: Decimal,
}

/// A line several parts could be meant by: the buyer chooses.
#[derive(Debug, Clone, Serialize)]
pub struct Ambiguous {
    pub line: usize,
    pub text: String,
    pub choices: Vec<Choice>,
}

/// One of the parts an ambiguous line may mean.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub manufacturer: String,
    pub type_number: String,
    pub name: String,
    /// Where it is sold: `supplier:SKU`.
    pub offers: Vec<String>,
}

/// What `split` did.
#[derive(Debug, Clone, Serialize)]
pub struct SplitReport {
    /// The lines of the list that name a part (its header and blank lines
    /// not counted).
    pub list_lines: usize,
    pub by: By,
    pub currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_suppliers: Option<usize>,
    /// How the suppliers were chosen.
    pub method: String,
    pub baskets: Vec<SplitBasket>,
    pub lines: Vec<SplitLine>,
    /// The split's total in the comparison currency.
    #[serde(serialize_with = "crate::core::money::amount::serialize")]
    pub total: Decimal,
    /// The best single supplier (the most lines, then the least total).
    pub best_single: Option<SingleSupplier>,
    /// Lines nobody carries (or nobody can be compared for), with why.
    pub not_carried: Vec<ImportProblem>,
    pub ambiguous: Vec<Ambiguous>,
    /// Lines that could not be read.
    pub problems: Vec<ImportProblem>,
    pub notes: Vec<String>,
    pub suppliers: Vec<CatalogStatus>,
}

impl SplitReport {
    /// Whether every line of the list went into a basket.
    pub fn complete(&self) -> bool {
        self.not_carried.is_empty() && self.ambiguous.is_empty() && self.problems.is_empty()
    }
}

/// The parts at one source the text names exactly: by its SKU there when
/// it is one, else by type number or GTIN.
fn named_at(s: &mut Source, text: &str) -> Result<Vec<Listing>> {
    let skus = s.exactly(text)?;
    let mut out = Vec::new();
    for sku in &skus {
        out.extend(s.listing(sku, Some(MatchKind::Exact))?);
    }
    // A SKU of this supplier names that part here, whatever else has the
    // text as its type number.
    let n = normalize(text);
    if out.iter().any(|l| normalize(&l.product.sku) == n) {
        out.retain(|l| normalize(&l.product.sku) == n);
    }
    Ok(out)
}

/// Splits a list (as `basket import` reads it) over the suppliers: each
/// part at its best offer, one basket per supplier (PREFIX-SUPPLIER),
/// created once (an existing one only with `replace`).
pub fn split(ws: &Workspace, bytes: &[u8], opts: &SplitOptions) -> Result<SplitReport> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xd0\xcf\x11\xe0") {
        return Err(Error::Rejected(
            "this is a spreadsheet workbook (.xlsx/.xls), not CSV: save it as CSV and split that".into(),
        ));
    }
    let rules = Rules::of(ws);
    let (lines, problems, _) = parse_list(&decode(bytes));
    let list_lines = lines.len() + problems.len();
    let (mut sources, closed) = open_sources(ws)?;
    // Each line's listings: named at every supplier, then the same parts.
    let texts: Vec<String> = lines.iter().map(|l| l.sku.clone()).collect();
    let named: Vec<(Source, Result<Vec<Vec<Listing>>>)> = par_map(std::mem::take(&mut sources), |mut s| {
        let found = texts.iter().map(|t| named_at(&mut s, t)).collect::<Result<Vec<_>>>();
        (s, found)
    });
    let mut per_line: Vec<Vec<Listing>> = vec![Vec::new(); lines.len()];
    for (mut s, found) in named {
        match found {
            Ok(found) => {
                for (i, l) in found.into_iter().enumerate() {
                    per_line[i].extend(l);
                }
            }
            Err(e) => {
                s.status.state = CatalogState::Failed;
                s.status.note = Some(e.to_string());
            }
        }
        sources.push(s);
    }
    // The parts each line names, completed across suppliers.
    let grouped: Vec<Vec<Vec<Listing>>> = per_line.into_iter().map(|l| compare::group(l, &rules.makers)).collect();
    let all_parts: Vec<Vec<Listing>> = grouped.iter().flatten().cloned().collect();
    let (sources, completed) = complete(sources, all_parts, &rules.makers)?;
    let mut completed = completed.into_iter();
    let mut ambiguous = Vec::new();
    let mut not_carried = Vec::new();
    // The lines that name one part, merged.
    let mut merged: Vec<Wanted> = Vec::new();
    for (l, parts) in lines.iter().zip(grouped) {
        let mut parts: Vec<Vec<Listing>> = parts.iter().map(|_| completed.next().unwrap_or_default()).collect();
        let mut seen = std::collections::HashSet::new();
        parts.retain(|p| seen.insert(part_key(p)));
        match parts.len() {
            0 => not_carried.push(ImportProblem {
                line: l.line,
                sku: l.sku.clone(),
                reason: "no supplier carries it (no SKU, type number or GTIN of any catalog)".into(),
                choices: vec![],
            }),
            1 => {
                let part = parts.into_iter().next().unwrap_or_default();
                let key = part_key(&part);
                match merged.iter_mut().find(|m| part_key(&m.part) == key) {
                    Some(m) => {
                        m.lines.push(l.line);
                        m.qty = m.qty.saturating_add(l.qty);
                    }
                    None => merged.push(Wanted {
                        part,
                        lines: vec![l.line],
                        text: l.sku.clone(),
                        qty: l.qty,
                        note: l.note.clone(),
                    }),
                }
            }
            _ => ambiguous.push(Ambiguous {
                line: l.line,
                text: l.sku.clone(),
                choices: parts
                    .iter()
                    .map(|p| Choice {
                        manufacturer: p[0].product.manufacturer.clone(),
                        type_number: p[0].product.mpn.clone(),
                        name: p[0].product.name.clone(),
                        offers: p.iter().map(|l| format!("{}:{}", l.supplier, l.product.sku)).collect(),
                    })
                    .collect(),
            }),
        }
    }
    // Every offer of each part at its quantity.
    let mut split_lines: Vec<SplitLine> = merged
        .iter()
        .map(|w| {
            let c = compare::compare_part(&w.part, w.qty, opts.by, rules.today, &rules.rates, &rules.makers);
            SplitLine {
                lines: w.lines.clone(),
                text: w.text.clone(),
                quantity: w.qty,
                manufacturer: c.manufacturer,
                type_number: c.type_number,
                choice: None,
                runner_up: None,
                problem: None,
                offers: c.offers,
            }
        })
        .collect();
    let offers: Vec<Vec<Offer>> = split_lines.iter().map(|l| l.offers.clone()).collect();
    let (allowed, method) = match opts.max_suppliers {
        Some(k) => {
            let (set, _, tried) = compare::best_suppliers(&offers, opts.by, k).map_err(Error::Rejected)?;
            let rule = match opts.by {
                By::Cost => "the most lines, then the least total",
                By::Date => "the most lines, then the earliest last arrival, then the least total",
            };
            (
                Some(set),
                format!(
                    "exact: every set of at most {k} of the suppliers that offer parts of the list was tried ({tried} \
                     sets); the one with {rule}, then the fewest suppliers, was taken; each line at its best offer there"
                ),
            )
        }
        None => (None, "each line at its best offer of all suppliers".to_string()),
    };
    let allowed_refs: Option<Vec<&str>> = allowed.as_ref().map(|a| a.iter().map(String::as_str).collect());
    let served = compare::serve(&offers, opts.by, allowed_refs.as_deref());
    for (line, choice) in split_lines.iter_mut().zip(&served.choices) {
        for o in &mut line.offers {
            o.best = false;
        }
        // The offers are in the rule's order: the runner-up is the first
        // other ranked one.
        line.runner_up = choice
            .and_then(|c| (0..line.offers.len()).find(|&i| i != c && line.offers[i].ranked()))
            .map(|i| line.offers[i].clone());
        line.choice = choice.map(|i| Offer { best: true, ..line.offers[i].clone() });
        if choice.is_none() {
            line.problem = Some(match line.offers.iter().find_map(|o| o.not_ranked.clone()) {
                Some(why) if line.offers.iter().all(|o| !o.ranked()) => format!("no offer can be compared: {why}"),
                _ => "none of the suppliers chosen carries it".to_string(),
            });
        }
    }
    for l in &split_lines {
        if let Some(why) = &l.problem {
            for &line in &l.lines {
                not_carried.push(ImportProblem { line, sku: l.text.clone(), reason: why.clone(), choices: vec![] });
            }
        }
    }
    not_carried.sort_by_key(|p| p.line);
    // The best single supplier: the most lines, then the least.
    let names: Vec<String> = {
        let mut n: Vec<String> = offers.iter().flatten().filter(|o| o.ranked()).map(|o| o.supplier.clone()).collect();
        n.sort();
        n.dedup();
        n
    };
    let best_single = names
        .iter()
        .map(|n| (n, compare::serve(&offers, opts.by, Some(&[n.as_str()]))))
        .min_by_key(|(n, s)| (std::cmp::Reverse(s.placed), s.total, (*n).clone()))
        .map(|(n, s)| SingleSupplier { supplier: n.clone(), lines: s.placed, total: s.total });
    let notes = unrated(split_lines.iter().flat_map(|l| &l.offers), &rules.rates);
    let baskets = write_baskets(ws, &split_lines, &merged, opts)?;
    Ok(SplitReport {
        list_lines,
        by: opts.by,
        currency: rules.rates.currency.clone(),
        max_suppliers: opts.max_suppliers,
        method,
        baskets,
        total: served.total,
        lines: split_lines,
        best_single,
        not_carried,
        ambiguous,
        problems,
        notes,
        suppliers: statuses(sources, closed),
    })
}

/// The lines of a list that name one part.
struct Wanted {
    part: Vec<Listing>,
    lines: Vec<usize>,
    /// As the first of them names it.
    text: String,
    qty: u32,
    note: Option<String>,
}

/// What tells two lines' parts apart: their listings.
fn part_key(part: &[Listing]) -> Vec<(String, String)> {
    let mut k: Vec<(String, String)> = part.iter().map(|l| (l.supplier.clone(), l.product.sku.clone())).collect();
    k.sort();
    k
}

/// The basket a split makes at a supplier.
pub fn basket_name(prefix: &str, supplier: &str) -> String {
    format!("{prefix}-{supplier}")
}

/// Writes one basket per supplier with its lines: each at its order
/// quantity and the unit price shown (the agreed price), with the list's
/// note. Every basket is checked before any is written: one that exists
/// stops the split unless `replace`, and one with an order waiting for its
/// shop is never replaced.
fn write_baskets(
    ws: &Workspace,
    lines: &[SplitLine],
    merged: &[Wanted],
    opts: &SplitOptions,
) -> Result<Vec<SplitBasket>> {
    let mut by_supplier: std::collections::BTreeMap<&str, Vec<(&Offer, Option<&String>)>> = Default::default();
    for (l, m) in lines.iter().zip(merged) {
        if let Some(c) = &l.choice {
            by_supplier.entry(c.supplier.as_str()).or_default().push((c, m.note.as_ref()));
        }
    }
    let mut plans = Vec::new();
    for (supplier, picked) in &by_supplier {
        let name = basket_name(&opts.prefix, supplier);
        crate::core::basket::validate_name(&name)
            .map_err(|why| Error::Usage(format!("basket name {name:?}: {why}")))?;
        let sup = ws.supplier(Some(supplier))?;
        let store = sup.baskets();
        let exists = store.exists(&name);
        if exists && !opts.replace {
            return Err(Error::NeedsChoice {
                kind: ErrorKind::Rejected,
                message: format!(
                    "basket {name:?} exists at {supplier} already (an earlier split?): nothing was made; it and the \
                     others can be replaced by this split's, or the baskets given other names"
                ),
                remedy: Remedy::ReplaceOrOtherPrefix,
            });
        }
        if exists
            && let Ok(b) = store.load(&name)
            && b.pending.is_some()
        {
            return Err(Error::Rejected(format!(
                "basket {name:?} at {supplier} has an order waiting for the shop: it is not replaced (send it with \
                 `procure --profile {supplier} order submit --basket {name}`, or drop it with `order discard-pending`)"
            )));
        }
        plans.push((sup, name, exists, picked));
    }
    let mut made = Vec::new();
    for (sup, name, exists, picked) in plans {
        let store = sup.baskets();
        let _lock = store.lock(&name)?;
        let mut b = if exists { store.load(&name)? } else { Basket::new(&name, ws.clock().now()) };
        if b.pending.is_some() {
            return Err(Error::Rejected(format!(
                "basket {name:?} at {} has an order waiting for the shop",
                sup.name()
            )));
        }
        b.lines = picked
            .iter()
            .filter_map(|(o, note)| {
                Some(BasketLine {
                    sku: o.sku.clone(),
                    qty: o.order_quantity?,
                    note: note.cloned(),
                    // The price of one unit, as every basket line agrees to it.
                    agreed_price: o.unit_price.map(|u| crate::core::money::per_unit(u, o.base_quantity)),
                })
            })
            .collect();
        store.save(&b)?;
        let sum = |f: fn(&Offer) -> Option<Decimal>| {
            picked.iter().filter_map(|(o, _)| f(o)).fold(Decimal::ZERO, |a, x| a.checked_add(x).unwrap_or(Decimal::MAX))
        };
        made.push(SplitBasket {
            supplier: sup.name().to_string(),
            basket: name,
            lines: b.lines.len(),
            total: sum(|o| o.extended),
            currency: picked.first().map(|(o, _)| o.currency.clone()).unwrap_or_default(),
            converted: sum(|o| o.converted),
            replaced: exists,
        });
    }
    Ok(made)
}

/// Adds `qty` of an offer's part to a basket of its supplier (`sup`, whose
/// catalog `catalog` is): `basket` when given, else the supplier's basket
/// used last, else a new one named `otherwise`. The basket's name and the
/// line's quantity afterwards.
pub fn add_offer(
    sup: &super::Supplier,
    catalog: &Catalog,
    sku: &str,
    qty: u32,
    basket: Option<&str>,
    otherwise: &str,
) -> Result<(String, u32)> {
    let name = match basket {
        Some(b) => b.to_string(),
        None => match super::baskets::list_by_use(sup)?.into_iter().find(|(_, b)| b.is_ok()) {
            Some((name, _)) => name,
            None => {
                super::baskets::create(sup, otherwise)?;
                otherwise.to_string()
            }
        },
    };
    let (_, total) = super::baskets::change(sup, catalog, &name, sku, super::baskets::Change::Add(qty))?;
    Ok((name, total))
}
