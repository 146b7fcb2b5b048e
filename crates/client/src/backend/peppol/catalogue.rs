//! The supplier's T19 catalogue document(s) as procure's catalog and price list.

use super::super::{BackendError, Result};
use crate::api::{Address, Attribute, Company, Document, DocumentKind, PriceEntry, Product, Tier};
use chrono::NaiveDate;
use procure_protocol::peppol::{self, Catalogue, CatalogueLine, Party};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One orderable part of the catalogue, with what an order document needs.
#[derive(Debug, Clone)]
pub struct Part {
    pub product: Product,
    pub prices: PriceEntry,
    /// `cbc:ID` of the VAT category (S, Z, E, AE …).
    pub vat_category: String,
    pub gtin: Option<peppol::Id>,
}

/// What the catalogue documents say of the supplier and the price list,
/// the plan of which of their lines make the catalogue, and — for a
/// preview or an order — the parts asked for (never all of them: a
/// catalogue is read a line at a time, so a gigabyte of it costs no more
/// memory than a kilobyte).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The parts [`load_parts`] was asked for that the catalogue has.
    pub parts: BTreeMap<String, Part>,
    pub seller: Party,
    pub currency: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub contract_ref: Option<String>,
    pub trading_terms: Option<String>,
    pub(super) plan: Arc<Plan>,
}

/// The documents whose lines make the catalogue, in the order their lines
/// apply (later ones win), each with what later lines replace.
#[derive(Debug, Default)]
pub(super) struct Plan {
    segments: Vec<Segment>,
    today: NaiveDate,
}

/// The documents that make one provider's catalogue for one receiver: an
/// `Add`/`Replace` and the `Update`s after it.
#[derive(Debug)]
struct Segment {
    files: Vec<PathBuf>,
    /// The items the `Update`s name: a line of document `d` at position
    /// `p` is replaced when one of them names it at a later (document,
    /// position).
    replaced: Replaced,
}

/// The latest (document, position) naming each item, by the keys two lines
/// are compared by ([`same_item`]): the seller's item id when both lines
/// have one, else the standard item id (GTIN).
#[derive(Debug, Default)]
struct Replaced {
    sellers: HashMap<String, (usize, usize)>,
    /// GTINs of lines with a seller's id (they replace lines without one) …
    gtins: HashMap<String, (usize, usize)>,
    /// … and of lines without one (they replace any line with that GTIN).
    gtins_alone: HashMap<String, (usize, usize)>,
}

impl Replaced {
    fn add(&mut self, line: &CatalogueLine, at: (usize, usize)) {
        let item = &line.item;
        let keep = |map: &mut HashMap<String, (usize, usize)>, key: &str| {
            let e = map.entry(key.to_string()).or_insert(at);
            *e = (*e).max(at);
        };
        if !item.seller_id.is_empty() {
            keep(&mut self.sellers, &item.seller_id);
        }
        if let Some(g) = &item.standard_id {
            keep(if item.seller_id.is_empty() { &mut self.gtins_alone } else { &mut self.gtins }, &g.id);
        }
    }

    /// Whether a line later than `at` names the same item as `line`.
    fn replaces(&self, line: &CatalogueLine, at: (usize, usize)) -> bool {
        let item = &line.item;
        let later = |map: &HashMap<String, (usize, usize)>, key: &str| map.get(key).is_some_and(|&l| l > at);
        let gtin = item.standard_id.as_ref().map(|g| g.id.as_str());
        if item.seller_id.is_empty() {
            gtin.is_some_and(|g| later(&self.gtins, g) || later(&self.gtins_alone, g))
        } else {
            later(&self.sellers, &item.seller_id) || gtin.is_some_and(|g| later(&self.gtins_alone, g))
        }
    }
}

fn xml_files(path: &Path) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        BackendError::Misconfigured(format!(
            "the catalogue {} cannot be read: {e} (`catalogue` in config.toml)",
            path.display()
        ))
    })?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| BackendError::LocalState(format!("{}: {e}", path.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    Ok(files)
}

/// What the catalogue was read from: each file with its size and change
/// time, and the day (prices depend on it).
pub type Fingerprint = (Vec<(PathBuf, u64, Option<std::time::SystemTime>)>, NaiveDate);

pub fn fingerprint(path: &Path, today: NaiveDate) -> Result<Fingerprint> {
    let files = xml_files(path)?
        .into_iter()
        .map(|f| {
            let m = std::fs::metadata(&f).ok();
            let len = m.as_ref().map(|m| m.len()).unwrap_or(0);
            let modified = m.and_then(|m| m.modified().ok());
            (f, len, modified)
        })
        .collect();
    Ok((files, today))
}

/// How much of a catalogue file is read at a time.
const READ_BUFFER: usize = 256 * 1024;

fn open(file: &Path) -> Result<peppol::CatalogueReader<BufReader<File>>> {
    let f = File::open(file).map_err(|e| BackendError::LocalState(format!("{}: {e}", file.display())))?;
    peppol::CatalogueReader::open(BufReader::with_capacity(READ_BUFFER, f))
        .map_err(|e| BackendError::LocalState(format!("{}: {e}", file.display())))
}

fn read_error(file: &Path) -> impl Fn(String) -> BackendError + '_ {
    move |e| BackendError::LocalState(format!("{}: {e}", file.display()))
}

/// Reads the catalogue file, or every `*.xml` of the folder. Documents apply
/// in the order of their issue date: `Add`/`Replace` set the catalogue of a
/// provider for a receiver, `Update` changes its lines (line action `Delete` removes one),
/// `Delete` drops it. A file that is not a readable T19 fails the whole read.
///
/// This reads the heads of the documents, every line of the `Update`s (what
/// they replace) and of documents a later one replaced (to read them all),
/// and the lines up to the first price (its currency); the parts come from
/// [`PartStream`] and [`load_parts`].
pub fn load(path: &Path, today: NaiveDate) -> Result<Loaded> {
    let mut docs = Vec::new();
    for file in xml_files(path)? {
        let head = open(&file)?.head().clone();
        docs.push((file, head));
    }
    docs.sort_by(|(fa, a), (fb, b)| (a.issue_date, &a.version, fa).cmp(&(b.issue_date, &b.version, fb)));
    // The documents that make each catalogue, by its key.
    let mut chains: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (_, doc)) in docs.iter().enumerate() {
        let key = catalogue_key(doc);
        match doc.action.to_ascii_lowercase().as_str() {
            "delete" => {
                chains.remove(&key);
            }
            "update" if chains.contains_key(&key) => {
                if let Some(chain) = chains.get_mut(&key) {
                    chain.push(i);
                }
            }
            _ => {
                chains.insert(key, vec![i]);
            }
        }
    }
    // Every document is read whole once; the lines the updates name are kept.
    let mut in_chain = vec![false; docs.len()];
    let mut segments = Vec::new();
    for chain in chains.values() {
        let mut replaced = Replaced::default();
        for (d, &i) in chain.iter().enumerate() {
            in_chain[i] = true;
            if d > 0 {
                let file = &docs[i].0;
                let mut reader = open(file)?;
                let mut p = 0;
                while let Some(line) = reader.next_line().map_err(read_error(file))? {
                    replaced.add(&line, (d, p));
                    p += 1;
                }
            }
        }
        segments.push(Segment { files: chain.iter().map(|&i| docs[i].0.clone()).collect(), replaced });
    }
    for (i, (file, _)) in docs.iter().enumerate() {
        if !in_chain[i] {
            let mut reader = open(file)?;
            while reader.next_line().map_err(read_error(file))?.is_some() {}
        }
    }
    // A catalogue's head is its latest document's; the first catalogue
    // with a seller names the supplier (as it always has).
    let mut out = Loaded::default();
    for chain in chains.values() {
        let Some(cat) = chain.last().map(|&i| &docs[i].1) else { continue };
        let seller = if cat.seller.endpoint.is_some() || cat.seller.display_name() != "" {
            let mut s = cat.seller.clone();
            if s.endpoint.is_none() {
                s.endpoint = cat.provider.endpoint.clone();
            }
            if s.address.is_none() {
                s.address = cat.provider.address.clone();
            }
            s
        } else {
            cat.provider.clone()
        };
        if out.seller == Party::default() {
            out.seller = seller;
            out.valid_from = cat.valid_from.or(cat.issue_date);
            out.valid_to = cat.valid_to;
            out.contract_ref = cat.contract_ref.clone();
            out.trading_terms = cat.trading_terms.clone();
        }
    }
    out.plan = Arc::new(Plan { segments, today });
    // The currency of the first line that names one.
    let mut lines = LineStream::new(out.plan.clone());
    while let Some(line) = lines.next_line()? {
        if let Some(c) = line.prices.iter().map(|p| p.currency.as_str()).find(|c| !c.is_empty()) {
            out.currency = c.to_string();
            break;
        }
    }
    if out.currency.is_empty() {
        out.currency = "EUR".into();
    }
    cleaned(out)
}

/// [`load`], with the parts of `skus` the catalogue has in `parts` (one
/// more read of the catalogue).
pub fn load_parts(loaded: &Loaded, skus: &HashSet<String>) -> Result<Loaded> {
    let mut out = Loaded { parts: BTreeMap::new(), ..loaded.clone() };
    let mut parts = loaded.parts(Clean::Whole);
    while let Some(part) = parts.next_part()? {
        if skus.contains(&part.product.sku) {
            out.parts.insert(part.product.sku.clone(), part);
        }
    }
    Ok(out)
}

impl Loaded {
    /// This, with `parts` as the parts asked for.
    pub fn with_parts(&self, parts: BTreeMap<String, Part>) -> Loaded {
        Loaded { parts, ..self.clone() }
    }

    /// The catalogue's parts, read a line at a time from the start, with
    /// what `clean` says cleaned.
    pub fn parts(&self, clean: Clean) -> PartStream {
        PartStream { lines: LineStream::new(self.plan.clone()), today: self.plan.today, clean }
    }
}

/// The lines that make the catalogue, in the order they apply.
struct LineStream {
    plan: Arc<Plan>,
    /// The segment and document being read, and its reader with the
    /// position of the next line.
    at: (usize, usize),
    reader: Option<(peppol::CatalogueReader<BufReader<File>>, usize)>,
}

impl LineStream {
    fn new(plan: Arc<Plan>) -> LineStream {
        LineStream { plan, at: (0, 0), reader: None }
    }

    fn next_line(&mut self) -> Result<Option<CatalogueLine>> {
        loop {
            let (s, d) = self.at;
            let Some(segment) = self.plan.segments.get(s) else { return Ok(None) };
            let Some(file) = segment.files.get(d) else {
                self.at = (s + 1, 0);
                continue;
            };
            let (reader, p) = match &mut self.reader {
                Some(r) => r,
                None => self.reader.insert((open(file)?, 0)),
            };
            let Some(line) = reader.next_line().map_err(read_error(file))? else {
                self.reader = None;
                self.at = (s, d + 1);
                continue;
            };
            let at = (d, *p);
            *p += 1;
            // A line deleting an item, or one a later line replaces or deletes, is no part.
            if line.action.eq_ignore_ascii_case("delete") || segment.replaced.replaces(&line, at) {
                continue;
            }
            return Ok(Some(line));
        }
    }
}

/// What of each part a [`PartStream`] cleans: only that may be used (a
/// page of the catalog needs the products, one of the price list the prices,
/// and cleaning is half of the work of reading a catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clean {
    Whole,
    Products,
    Prices,
}

/// The catalogue's parts, in the order their lines apply: a part whose sku
/// comes again is replaced by the later one.
pub struct PartStream {
    lines: LineStream,
    today: NaiveDate,
    clean: Clean,
}

impl PartStream {
    pub fn next_part(&mut self) -> Result<Option<Part>> {
        let Some(line) = self.lines.next_line()? else { return Ok(None) };
        let p = part(&line, self.today);
        let sku = crate::core::sanitize::clean(&p.product.sku);
        let refused = |why: String| BackendError::LocalState(format!("the catalogue's part {sku:?}: {why}"));
        Ok(Some(match self.clean {
            Clean::Whole => cleaned_part(p)?,
            Clean::Products => Part { product: untrusted(&p.product).map_err(refused)?, ..p },
            Clean::Prices => Part { prices: untrusted(&p.prices).map_err(refused)?, ..p },
        }))
    }
}

/// A value from a supplier's document with every string cleaned, as the
/// JSON backends' answers are at decoding (`core::sanitize`); a text that
/// cannot be cleaned is an error, never kept as it came.
pub fn untrusted<T: serde::Serialize + serde::de::DeserializeOwned>(v: &T) -> std::result::Result<T, String> {
    crate::core::sanitize::clean_all(v).map_err(|e| format!("it holds text procure cannot clean ({e})"))
}

/// A part as the catalogue says it, before it reaches the cache or a
/// document; a part whose text cannot be cleaned is refused, named.
fn cleaned_part(p: Part) -> Result<Part> {
    let sku = crate::core::sanitize::clean(&p.product.sku);
    let refused = |why: String| BackendError::LocalState(format!("the catalogue's part {sku:?}: {why}"));
    Ok(Part {
        product: untrusted(&p.product).map_err(refused)?,
        prices: untrusted(&p.prices).map_err(refused)?,
        vat_category: crate::core::sanitize::clean(&p.vat_category),
        gtin: p.gtin.as_ref().map(untrusted).transpose().map_err(refused)?,
    })
}

/// What the catalogue says of the supplier, before it reaches the cache.
fn cleaned(mut l: Loaded) -> Result<Loaded> {
    use crate::core::sanitize::clean;
    l.seller =
        untrusted(&l.seller).map_err(|why| BackendError::LocalState(format!("the catalogue's seller: {why}")))?;
    l.currency = clean(&l.currency);
    l.contract_ref = l.contract_ref.map(|c| clean(&c));
    l.trading_terms = l.trading_terms.map(|t| clean(&t));
    Ok(l)
}

/// A catalogue is the provider's for one receiver: its versions (each a
/// document with its own id) update, replace or delete it.
fn catalogue_key(c: &Catalogue) -> String {
    let who = |p: &Party| p.endpoint.as_ref().map(|e| e.to_string()).unwrap_or_else(|| p.display_name().to_string());
    format!("{} → {}", who(&c.provider), who(&c.receiver))
}

/// Two lines name the same item: by the seller's item id, else (as a
/// deletion may) by the standard item id (GTIN). [`Replaced`] keeps this rule.
#[cfg(test)]
fn same_item(a: &CatalogueLine, b: &CatalogueLine) -> bool {
    let (x, y) = (&a.item, &b.item);
    if !x.seller_id.is_empty() && !y.seller_id.is_empty() {
        return x.seller_id == y.seller_id;
    }
    match (&x.standard_id, &y.standard_id) {
        (Some(g), Some(h)) => g.id == h.id,
        _ => false,
    }
}

fn whole(d: Option<Decimal>) -> Option<u32> {
    d.and_then(|d| d.ceil().to_u32()).filter(|&n| n > 0)
}

fn part(line: &CatalogueLine, today: NaiveDate) -> Part {
    let item = &line.item;
    let sku = if item.seller_id.is_empty() { line.id.clone() } else { item.seller_id.clone() };
    let line_valid = line.valid_from.is_none_or(|f| f <= today) && line.valid_to.is_none_or(|t| today <= t);
    // Each price as the catalogue gives it, for its base quantity (1.00 per
    // 3 stays that: a line is exact). A first tier from above 1 stays where
    // it starts: below it the part cannot be ordered (`QuantityRules`).
    let mut tiers: Vec<Tier> = line
        .prices
        .iter()
        .filter(|p| p.base_qty > Decimal::ZERO && p.valid_on(today) && line_valid)
        .map(|p| Tier::per(whole(p.min_qty).unwrap_or(1), p.amount, p.base_qty))
        .collect();
    tiers.sort_by_key(|t| t.min_qty);
    tiers.dedup_by_key(|t| t.min_qty);
    let min_qty = whole(line.min_qty).unwrap_or(1);
    let mut attributes = Vec::new();
    let mut attr = |name: &str, value: String| {
        if !value.is_empty() {
            attributes.push(Attribute { name: name.into(), value });
        }
    };
    if let Some(p) = item.pack_size {
        attr("pack size", peppol::num(p));
    }
    if let Some(m) = line.max_qty {
        attr("maximum order quantity", peppol::num(m));
    }
    if !item.vat_category.is_empty() {
        attr("VAT category", item.vat_category.clone());
    }
    if let Some(t) = line.valid_to {
        attr("line valid until", t.to_string());
    }
    if !item.brand.is_empty() {
        attr("brand", item.brand.clone());
    }
    for c in &item.classifications {
        attr(format!("classification {}", c.list).trim(), c.code.clone());
    }
    for (k, v) in &item.properties {
        attr(k, v.clone());
    }
    let documents = item
        .documents
        .iter()
        .map(|d| Document {
            kind: DocumentKind::Datasheet,
            title: [&d.description, &d.filename, &d.id]
                .into_iter()
                .find(|s| !s.is_empty())
                .cloned()
                .unwrap_or_default(),
            url: d.uri.clone(),
        })
        .collect();
    let category = item
        .classifications
        .first()
        .map(|c| if c.name.is_empty() { c.code.clone() } else { format!("{} ({})", c.name, c.code) })
        .unwrap_or_default();
    let product = Product {
        sku: sku.clone(),
        mpn: item.manufacturer_id.clone(),
        manufacturer: if item.manufacturer.is_empty() { item.brand.clone() } else { item.manufacturer.clone() },
        gtin: item.standard_id.as_ref().map(|g| g.id.clone()).unwrap_or_default(),
        name: if item.name.is_empty() { sku.clone() } else { item.name.clone() },
        description: item.description.clone(),
        category,
        unit: if line.unit.is_empty() { "C62".into() } else { line.unit.clone() },
        pack_size: 1,
        min_qty,
        order_step: whole(line.step).unwrap_or(1),
        stock: 0,
        lead_time_days: line.prices.iter().find_map(|p| p.lead_time_days).unwrap_or(0),
        attributes,
        documents,
        replaced_by: None,
        discontinued: !line.orderable,
    };
    Part {
        prices: PriceEntry { sku, tiers, vat_rate: item.vat_percent.unwrap_or_default() },
        product,
        vat_category: if item.vat_category.is_empty() { "S".into() } else { item.vat_category.clone() },
        gtin: item.standard_id.clone(),
    }
}

pub fn address(id: &str, label: &str, name: &str, a: &peppol::PostalAddress) -> Address {
    let street = if a.additional_street.is_empty() {
        a.street.clone()
    } else {
        format!("{}, {}", a.street, a.additional_street)
    };
    Address {
        id: id.into(),
        label: label.into(),
        name: name.into(),
        street,
        postal_code: a.postal_code.clone(),
        city: a.city.clone(),
        country: a.country.clone(),
    }
}

/// The seller from the catalogue, for the account screen: name, Peppol
/// endpoint, postal address and contact.
pub fn supplier(loaded: &Loaded) -> crate::api::SupplierContact {
    let s = &loaded.seller;
    let c = s.contact.clone().unwrap_or_default();
    let some = |v: String| Some(v).filter(|v| !v.is_empty());
    let mut name = s.display_name().to_string();
    if let Some(e) = &s.endpoint {
        name.push_str(&format!(" (Peppol {e})"));
    }
    if let Some(a) = &s.address {
        let a = address("", "", "", a);
        let parts: Vec<String> = [a.street, format!("{} {}", a.postal_code, a.city).trim().to_string(), a.country]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        if !parts.is_empty() {
            name.push_str(&format!(", {}", parts.join(", ")));
        }
    }
    crate::api::SupplierContact {
        name,
        sales_contact: some(c.name),
        phone: some(c.phone),
        email: some(c.email),
        support_hours: None,
    }
}

/// The buyer's own company as the account: its endpoint and name, its
/// postal address for billing, the delivery address as the one ship-to, the
/// supplier's trading terms as payment terms.
pub fn company(loaded: &Loaded, buyer: &Party, ship_to: Address) -> Company {
    Company {
        code: buyer.endpoint.as_ref().map(|e| e.to_string()).unwrap_or_default(),
        name: buyer.display_name().to_string(),
        currency: loaded.currency.clone(),
        payment_terms: loaded.trading_terms.clone().unwrap_or_default(),
        billing_address: address(
            "billing",
            "postal address",
            buyer.display_name(),
            &buyer.address.clone().unwrap_or_default(),
        ),
        ship_to: vec![ship_to],
        shipping_methods: vec![crate::api::ShippingMethod {
            id: super::SHIPPING_ID.into(),
            name: "as agreed with the supplier".into(),
            price: Decimal::ZERO,
        }],
        terms: loaded.trading_terms.as_deref().and_then(procure_protocol::terms::PaymentTerms::parse),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use procure_protocol::peppol::{CataloguePrice, Id, Item};

    /// The catalogue as whole documents merged it (procure before it read a
    /// line at a time): the reference the streaming read must agree with.
    fn merged_whole(path: &Path, today: NaiveDate) -> (BTreeMap<String, Part>, String) {
        let mut docs = Vec::new();
        for file in xml_files(path).unwrap() {
            let Ok(peppol::Document::Catalogue(c)) = peppol::read(&std::fs::read(&file).unwrap()) else { panic!() };
            docs.push((file, c));
        }
        docs.sort_by(|(fa, a), (fb, b)| (a.issue_date, &a.version, fa).cmp(&(b.issue_date, &b.version, fb)));
        let mut catalogues: BTreeMap<String, Catalogue> = BTreeMap::new();
        for (_, doc) in docs {
            let key = catalogue_key(&doc);
            match doc.action.to_ascii_lowercase().as_str() {
                "delete" => {
                    catalogues.remove(&key);
                }
                "update" if catalogues.contains_key(&key) => {
                    let cat = catalogues.get_mut(&key).unwrap();
                    for line in doc.lines.iter() {
                        cat.lines.retain(|l| !same_item(l, line));
                        if !line.action.eq_ignore_ascii_case("delete") {
                            cat.lines.push(line.clone());
                        }
                    }
                    let lines = std::mem::take(&mut cat.lines);
                    *cat = Catalogue { lines, ..doc };
                }
                _ => {
                    let mut doc = doc;
                    doc.lines.retain(|l| !l.action.eq_ignore_ascii_case("delete"));
                    catalogues.insert(key, doc);
                }
            }
        }
        let (mut parts, mut currency) = (BTreeMap::new(), String::new());
        for cat in catalogues.values() {
            for line in &cat.lines {
                if currency.is_empty() {
                    currency =
                        line.prices.iter().map(|p| p.currency.clone()).find(|c| !c.is_empty()).unwrap_or_default();
                }
                let p = cleaned_part(part(line, today)).unwrap();
                parts.insert(p.product.sku.clone(), p);
            }
        }
        (parts, if currency.is_empty() { "EUR".into() } else { currency })
    }

    /// A small random number source (the tests need no more).
    struct Dice(u64);

    impl Dice {
        fn roll(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

    fn random_document(dice: &mut Dice, n: usize) -> Catalogue {
        let actions = ["Add", "Replace", "Update", "Update", "Delete", ""];
        let mut c = Catalogue {
            id: format!("C{n}"),
            action: actions[dice.roll(actions.len())].to_string(),
            issue_date: NaiveDate::from_ymd_opt(2026, 1, 1 + dice.roll(3) as u32),
            version: dice.roll(2).to_string(),
            provider: Party {
                endpoint: Some(Id { scheme: "0088".into(), id: format!("P{}", dice.roll(2)) }),
                name: format!("Provider {n}"),
                ..Default::default()
            },
            receiver: Party { endpoint: Some(Id { scheme: "0088".into(), id: "R".into() }), ..Default::default() },
            ..Default::default()
        };
        for l in 0..dice.roll(7) {
            let seller = ["", "S1", "S2", "S3", "S4"][dice.roll(5)];
            let gtin = [None, Some("G1"), Some("G2"), Some("G3")][dice.roll(4)];
            c.lines.push(CatalogueLine {
                id: format!("L{n}-{l}"),
                action: ["", "Add", "Update", "Delete"][dice.roll(4)].to_string(),
                orderable: true,
                unit: "C62".into(),
                prices: vec![CataloguePrice {
                    amount: Decimal::new(100 + dice.roll(900) as i64, 2),
                    currency: ["", "EUR", "NOK"][dice.roll(3)].to_string(),
                    base_qty: Decimal::ONE,
                    ..Default::default()
                }],
                item: Item {
                    name: format!("Item {n}-{l}"),
                    seller_id: seller.to_string(),
                    standard_id: gtin.map(|g| Id { scheme: "0160".into(), id: g.into() }),
                    ..Default::default()
                },
                ..Default::default()
            });
        }
        c
    }

    #[test]
    fn read_a_line_at_a_time_the_documents_merge_as_whole_ones_did() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let mut dice = Dice(7);
        for round in 0..300 {
            let dir = tempfile::tempdir().unwrap();
            for n in 0..1 + dice.roll(5) {
                let doc = random_document(&mut dice, n);
                std::fs::write(dir.path().join(format!("{n}.xml")), peppol::write_catalogue(&doc)).unwrap();
            }
            let (want, currency) = merged_whole(dir.path(), today);
            let loaded = load(dir.path(), today).unwrap();
            let mut got = BTreeMap::new();
            let mut parts = loaded.parts(Clean::Whole);
            while let Some(p) = parts.next_part().unwrap() {
                got.insert(p.product.sku.clone(), p);
            }
            let show = |m: &BTreeMap<String, Part>| -> Vec<String> {
                m.values().map(|p| format!("{} {} {:?}", p.product.sku, p.product.name, p.prices.tiers)).collect()
            };
            assert_eq!(show(&got), show(&want), "round {round}");
            assert_eq!(loaded.currency, currency, "round {round}");
            let skus: HashSet<String> = want.keys().take(2).cloned().chain(["nope".to_string()]).collect();
            let asked = load_parts(&loaded, &skus).unwrap();
            assert_eq!(show(&asked.parts), show(&want.into_iter().filter(|(k, _)| skus.contains(k)).collect()));
        }
    }
}
