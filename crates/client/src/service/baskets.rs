//! Changing baskets by SKU or type number, importing and exporting lists.
//! Every change reads the basket file, changes it and writes it back in one
//! step, so a face never writes a basket it read earlier.

use super::catalog::Catalog;
use super::catalog::SamePart;
use super::{Error, Result, Supplier, Workspace};
use crate::core::basket::{self, Basket, BasketError, PricedBasket};
use crate::core::import::{ImportLine, ImportProblem, parse_lines, parse_list};
use crate::core::order::PriceChange;
use crate::core::quantity::QuantityRules;
use crate::service::{ErrorKind, Remedy};
use crate::store::baskets::Listed;
use serde::Serialize;

/// Whether `name` can name a basket (it becomes a file name).
pub use crate::core::basket::validate_name;

pub fn create(sup: &Supplier, name: &str) -> Result<Basket> {
    basket::validate_name(name).map_err(Error::Rejected)?;
    let mut b = Basket::new(name, sup.clock.now());
    b.supplier = Some(sup.name.clone());
    sup.baskets().create(&b)?;
    used(sup, name);
    Ok(b)
}

/// Records that the buyer used the basket (made, changed, imported into,
/// shown), from either face: it lists first and the app adds to it. A
/// convenience: what was done does not fail for it.
fn used(sup: &Supplier, name: &str) {
    if let Err(e) = sup.baskets().mark_used(name) {
        tracing::warn!(basket = name, error = %e, "the basket's use was not recorded");
    }
}

/// Every basket file, each loaded or with the reason it cannot be.
pub fn list(sup: &Supplier) -> Result<Vec<Listed>> {
    Ok(sup.baskets().list()?)
}

/// As `list`, the most recently used basket first.
pub fn list_by_use(sup: &Supplier) -> Result<Vec<Listed>> {
    Ok(sup.baskets().list_by_use()?)
}

pub fn load(sup: &Supplier, name: &str) -> Result<Basket> {
    Ok(sup.baskets().load(name)?)
}

/// The supplier a basket of `sup`'s folder belongs to when that is another
/// one (its file says so: a file copied over), for a face to tell. Such a
/// basket is shown and copied, never changed or ordered from `sup`.
pub fn belongs_elsewhere(sup: &Supplier, b: &Basket) -> Option<String> {
    sup.baskets().misplaced(b)
}

pub fn rename(sup: &Supplier, old: &str, new: &str) -> Result<()> {
    Ok(sup.baskets().rename(old, new)?)
}

pub fn delete(sup: &Supplier, name: &str) -> Result<()> {
    Ok(sup.baskets().delete(name)?)
}

/// The basket priced from the cache.
pub fn priced(sup: &Supplier, name: &str) -> Result<PricedBasket> {
    let b = sup.baskets().load(name)?;
    let cache = sup.cache()?;
    Ok(basket::price(&b, &cache))
}

/// A basket as a face shows it to the buyer, and the prices to ask about.
#[derive(Debug, Clone)]
pub struct Shown {
    /// Priced from the catalog, after the agreed prices were recorded.
    pub basket: PricedBasket,
    /// Lines whose price list price is not the one agreed: the face asks
    /// the buyer, and a yes is `shown` again with these accepted.
    pub changed: Vec<PriceChange>,
}

/// "A basket shown is a basket agreed to", for both faces: the basket
/// priced from the supplier's catalog and marked used (it lists first);
/// lines without an agreed price get the one shown, and the changes in
/// `accept` (shown to the buyer and accepted) become the agreed prices when
/// the price is still the one shown. Lines whose price changed since it was
/// agreed are returned for the face to ask about; nothing is written when
/// nothing is new.
pub fn shown(sup: &Supplier, catalog: &Catalog, name: &str, accept: &[PriceChange]) -> Result<Shown> {
    let cache = catalog.of(sup)?.cache();
    let store = sup.baskets();
    let loaded = store.load(name)?;
    let mut priced = basket::price(&loaded, cache);
    // Another supplier's basket (a copied file) is shown, never agreed to here.
    if store.misplaced(&loaded).is_some() {
        let changed = changed_since_agreed(&priced);
        return Ok(Shown { basket: priced, changed });
    }
    let agree: Vec<(String, rust_decimal::Decimal)> = priced
        .lines
        .iter()
        .filter_map(|l| {
            let now = l.unit_price_each()?;
            let accepted =
                l.agreed_price != Some(now) && accept.contains(&PriceChange::new(&l.sku, l.qty, l.agreed_price, now));
            (l.agreed_price.is_none() || accepted).then(|| (l.sku.clone(), now))
        })
        .collect();
    // Written only when something is new (a showing does not wait for the
    // basket's lock otherwise): under the lock, on the file as it is then.
    if !agree.is_empty() {
        let b = edit(sup, name, |b| {
            for (sku, p) in &agree {
                b.agree(sku, Some(*p));
            }
            Ok(b.clone())
        })?;
        priced = basket::price(&b, cache);
    }
    used(sup, name);
    let changed = changed_since_agreed(&priced);
    Ok(Shown { basket: priced, changed })
}

pub enum Change {
    Add(u32),
    Set(u32),
}

/// Adds to or sets a line; returns the part's SKU and the line's quantity
/// afterwards. The price for that quantity, which the buyer is shown, is the
/// line's agreed price from then on.
pub fn change(sup: &Supplier, catalog: &Catalog, name: &str, part: &str, change: Change) -> Result<(String, u32)> {
    let product = catalog.of(sup)?.resolve(part)?;
    let tiers = catalog.tiers(&product.sku)?;
    let sku = product.sku.clone();
    let qty = edit(sup, name, |b| {
        let qty = match change {
            Change::Add(q) => b.add(&product, &tiers, q)?,
            Change::Set(q) => {
                b.set(&product, &tiers, q)?;
                q
            }
        };
        b.agree(&product.sku, catalog.unit_price(&product.sku, qty));
        Ok(qty)
    })?;
    Ok((sku, qty))
}

/// Records prices the buyer was shown and accepted as the agreed ones
/// (`(sku, unit price)`), e.g. the shop's prices of an order preview; lines
/// not named keep theirs.
pub fn agree(sup: &Supplier, name: &str, prices: &[(String, rust_decimal::Decimal)]) -> Result<()> {
    edit(sup, name, |b| {
        for (sku, p) in prices {
            b.agree(sku, Some(*p));
        }
        Ok(())
    })
}

/// Lines whose price list price differs from the agreed price.
fn changed_since_agreed(priced: &PricedBasket) -> Vec<PriceChange> {
    priced
        .lines
        .iter()
        .filter_map(|l| {
            let (agreed, now) = (l.agreed_price?, l.unit_price_each()?);
            (agreed != now).then(|| PriceChange::new(&l.sku, l.qty, Some(agreed), now))
        })
        .collect()
}

/// How lines go into a basket that has lines already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Merge {
    /// Refuse: the buyer must say which (a new or empty basket needs neither).
    #[default]
    Ask,
    /// Sum the quantities with what is there.
    Add,
    /// The basket becomes the file or order.
    Replace,
}

/// Applies `merge` to a basket about to receive lines.
pub(crate) fn prepare_merge(b: &mut Basket, merge: Merge, what: &str) -> Result<()> {
    match merge {
        _ if b.lines.is_empty() => Ok(()),
        Merge::Ask => Err(Error::NeedsChoice {
            kind: ErrorKind::Rejected,
            message: format!(
                "basket {:?} already has {} lines: the quantities of {what} can be added to them, or the basket \
                 made {what}",
                b.name,
                b.lines.len()
            ),
            remedy: Remedy::AddOrReplace,
        }),
        Merge::Add => Ok(()),
        Merge::Replace => {
            b.lines.clear();
            Ok(())
        }
    }
}

pub fn remove(sup: &Supplier, name: &str, sku: &str) -> Result<()> {
    edit(sup, name, |b| Ok(b.remove(sku)?))
}

pub fn note(sup: &Supplier, name: &str, sku: &str, note: Option<String>) -> Result<()> {
    edit(sup, name, |b| Ok(b.set_note(sku, note)?))
}

/// Reads, changes and writes one basket under its lock; nothing is written
/// when `f` fails.
fn edit<T>(sup: &Supplier, name: &str, f: impl FnOnce(&mut Basket) -> Result<T>) -> Result<T> {
    let done = sup.baskets().update(name, f)?;
    used(sup, name);
    Ok(done)
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub added: Vec<AddedLine>,
    /// Each line not added, with its line number in the file and why.
    pub problems: Vec<ImportProblem>,
    /// The line number of the list's header row, if it has one.
    #[serde(skip)]
    pub header: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AddedLine {
    /// 1-based line number in the file.
    pub line: usize,
    /// The part's SKU (a type number in the file is resolved to it).
    pub sku: String,
    /// The quantity the line added.
    pub quantity: u32,
}

/// [`import_text`] for a file's bytes in whatever encoding a spreadsheet
/// saved them (see [`crate::core::import::decode`]).
pub fn import_bytes(sup: &Supplier, catalog: &Catalog, name: &str, bytes: &[u8], merge: Merge) -> Result<ImportReport> {
    // A workbook itself, not its CSV: say so instead of reporting every line.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xd0\xcf\x11\xe0") {
        return Err(Error::Rejected(
            "this is a spreadsheet workbook (.xlsx/.xls), not CSV: save it as CSV (\"CSV UTF-8\" or \"CSV (semicolon separated)\") and import that".into(),
        ));
    }
    import_text(sup, catalog, name, &crate::core::import::decode(bytes), merge)
}

/// Adds every good line of a `sku,qty` list; each bad line is reported with
/// its number and reason. One write at the end, none when nothing was added.
/// Into a basket with lines, `merge` says whether to add or replace.
pub fn import_text(sup: &Supplier, catalog: &Catalog, name: &str, text: &str, merge: Merge) -> Result<ImportReport> {
    let catalog = catalog.of(sup)?;
    let store = sup.baskets();
    let _lock = store.lock(name)?;
    let mut b = store.load_own(name)?;
    prepare_merge(&mut b, merge, "the file")?;
    let report = apply_lines(&mut b, catalog, text);
    if !report.added.is_empty() || merge == Merge::Replace {
        store.save(&b)?;
        used(sup, name);
    }
    Ok(report)
}

fn apply_lines(b: &mut Basket, catalog: &Catalog, text: &str) -> ImportReport {
    let (lines, mut problems, header) = parse_list(text);
    let mut added = Vec::new();
    for l in lines {
        let outcome = resolve_line(catalog, &l).and_then(|p| {
            let tiers = catalog.tiers(&p.sku).unwrap_or_default();
            let q = b.add(&p, &tiers, l.qty)?;
            b.agree(&p.sku, catalog.unit_price(&p.sku, q));
            if l.note.is_some() {
                b.set_note(&p.sku, l.note.clone())?;
            }
            Ok((p.sku, q))
        });
        match outcome {
            Ok((sku, _)) => added.push(AddedLine { line: l.line, sku, quantity: l.qty }),
            Err(e) => problems.push(ImportProblem {
                line: l.line,
                sku: l.sku.clone(),
                reason: reason(&e),
                choices: match e {
                    BasketError::Ambiguous { skus, .. } => skus,
                    BasketError::NotTheSame { choices, .. } => choices,
                    _ => vec![],
                },
            }),
        }
    }
    problems.sort_by_key(|p| p.line);
    ImportReport { added, problems, header }
}

/// The part a list line names here. Its SKU, when this supplier has it
/// and, where the list gives a type number, the part has that type number;
/// else the part of the list's maker and type number (a list exported at
/// another supplier: its SKUs are that supplier's). Never a guess: several
/// candidates, or a type number only other makers have here, are problems.
fn resolve_line(catalog: &Catalog, l: &ImportLine) -> std::result::Result<crate::api::Product, BasketError> {
    let by_sku = catalog.resolve(&l.sku);
    let gtin = l.gtin.as_deref().unwrap_or("");
    let Some(mpn) = l.mpn.as_deref().filter(|m| !m.trim().is_empty()) else {
        // A GTIN alone finds the part where the SKU is unknown.
        return match (by_sku, catalog.same_part("", None, gtin)) {
            (Err(BasketError::UnknownSku { .. }), SamePart::Found { product, .. }) => Ok(*product),
            (by_sku, _) => by_sku,
        };
    };
    let differs = match &by_sku {
        Ok(p) if crate::search::normalize(&p.mpn) == crate::search::normalize(mpn) => return by_sku,
        Ok(p) => Some(p.mpn.clone()),
        Err(_) => None,
    };
    let maker = l.manufacturer.as_deref();
    let of_maker = maker.map(|m| format!(" of {m}")).unwrap_or_default();
    match catalog.same_part(mpn, maker, gtin) {
        SamePart::Found { product, .. } => Ok(*product),
        SamePart::Several(parts) => {
            Err(BasketError::Ambiguous { text: mpn.to_string(), skus: parts.into_iter().map(|p| p.sku).collect() })
        }
        SamePart::OtherMakers(parts) => Err(BasketError::NotTheSame {
            text: l.sku.clone(),
            reason: format!(
                "no part with type number {mpn:?}{of_maker} here; {} has it from another maker: choose one if it is the same part",
                catalog.supplier()
            ),
            choices: parts.into_iter().map(|p| p.sku).collect(),
        }),
        SamePart::NotFound => Err(match differs {
            Some(here) => BasketError::NotTheSame {
                text: l.sku.clone(),
                reason: format!(
                    "SKU {:?} is type number {here:?} at {}, the list says {mpn:?}: not the same part, and no part has \
                     that type number{of_maker} here",
                    l.sku,
                    catalog.supplier()
                ),
                choices: vec![],
            },
            None => BasketError::NotTheSame {
                text: l.sku.clone(),
                reason: format!("{} has no part {:?} (type number {mpn:?}{of_maker})", catalog.supplier(), l.sku),
                choices: vec![],
            },
        }),
    }
}

/// A part that a line's type number may mean, priced for the line's quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub sku: String,
    pub mpn: String,
    pub manufacturer: String,
    pub name: String,
    /// The buyer's unit price at the line's quantity; `None` without a price.
    pub unit_price: Option<rust_decimal::Decimal>,
    /// The line as it reads with this part: the SKU in place of the type
    /// number, the quantity and note as typed.
    pub line: String,
}

/// The parts a list line's type number names, when it names several.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LineChoices {
    /// The type number as typed.
    pub typed: String,
    /// The quantity as typed.
    pub qty: u32,
    pub currency: String,
    /// Empty when the line names one part or none: nothing to choose.
    pub parts: Vec<Candidate>,
}

/// The candidates for one line of a quick entry or list (read as
/// [`import_text`] reads it): every part its type number names, by SKU.
pub fn line_choices(sup: &Supplier, catalog: &Catalog, line: &str) -> Result<LineChoices> {
    let catalog = catalog.of(sup)?;
    let (lines, problems) = parse_lines(line);
    let Some(l) = lines.into_iter().next() else {
        let why = problems.into_iter().next().map(|p| p.reason).unwrap_or_else(|| "the line is empty".into());
        return Err(Error::Rejected(why));
    };
    let skus = match catalog.resolve(&l.sku) {
        Err(BasketError::Ambiguous { skus, .. }) => skus,
        _ => vec![],
    };
    let mut parts = Vec::new();
    for sku in skus {
        let Some(p) = catalog.cache().get_product(&sku)? else { continue };
        parts.push(Candidate {
            unit_price: catalog.unit_price(&p.sku, l.qty),
            line: with_part(line, &l.sku, &p.sku, l.qty),
            sku: p.sku,
            mpn: p.mpn,
            manufacturer: p.manufacturer,
            name: p.name,
        });
    }
    let currency = crate::core::basket::PartLookup::currency(catalog.cache());
    Ok(LineChoices { typed: l.sku, qty: l.qty, currency, parts })
}

/// The line with `sku` where it names `typed`; the rest of it as it was.
fn with_part(line: &str, typed: &str, sku: &str, qty: u32) -> String {
    match line.find(typed) {
        Some(at) => format!("{}{sku}{}", &line[..at], &line[at + typed.len()..]),
        None => format!("{sku} {qty}"),
    }
}

fn reason(e: &BasketError) -> String {
    match e {
        BasketError::Quantity { error, .. } => error.to_string(),
        other => other.to_string(),
    }
}

/// Creates basket `name` from the first hit of each query, a few of each
/// part (a valid quantity), unless it exists. Returns whether it was created.
pub fn create_sample(sup: &Supplier, catalog: &Catalog, name: &str, queries: &[&str]) -> Result<bool> {
    let catalog = catalog.of(sup)?;
    let store = sup.baskets();
    if store.exists(name) {
        return Ok(false);
    }
    basket::validate_name(name).map_err(Error::Rejected)?;
    let mut b = Basket::new(name, sup.clock.now());
    for q in queries {
        let (rows, _) = catalog.search(q, 1, None)?;
        if let Some(r) = rows.first()
            && let Some(p) = catalog.cache().get_product(&r.sku)?
        {
            let tiers = catalog.tiers(&p.sku)?;
            let rules = QuantityRules::of(&p, &tiers);
            let qty = rules.smallest() * if p.pack_size > 1 { 1 } else { 4 };
            if let Ok(q) = b.add(&p, &tiers, rules.next_valid(qty)) {
                b.agree(&p.sku, catalog.unit_price(&p.sku, q));
            }
        }
    }
    store.create(&b)?;
    Ok(true)
}

/// A basket made again at another supplier (`copy`).
#[derive(Debug, Clone, Serialize)]
pub struct CopyReport {
    /// The supplier whose basket was copied, and the basket.
    pub from: String,
    pub basket: String,
    /// The supplier it was made at, and the new basket's name there.
    pub to: String,
    pub into: String,
    /// The currencies of the two price lists.
    pub from_currency: String,
    pub currency: String,
    /// Each line found at `to`, in the basket's order.
    pub copied: Vec<CopiedLine>,
    /// Each line not found there for sure: not copied, never replaced by a guess.
    pub unresolved: Vec<UnresolvedLine>,
    /// Whether the basket was made (not when no line was found).
    pub made: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CopiedLine {
    /// The line's number in the basket (1 = first).
    pub line: usize,
    pub from_sku: String,
    /// The part at the other supplier.
    pub sku: String,
    pub mpn: String,
    pub manufacturer: String,
    pub quantity: u32,
    /// How it was found: "mpn" (maker and type number), "gtin", or "sku"
    /// (the same basket's supplier).
    pub by: &'static str,
    pub from_unit_price: Option<rust_decimal::Decimal>,
    /// The buyer's price there for the quantity (the agreed price of the new line).
    pub unit_price: Option<rust_decimal::Decimal>,
    /// What keeps the line from being ordered there as it is (a quantity
    /// the supplier's packs or steps do not allow: the line keeps the
    /// quantity, and `basket show` names the next valid one).
    pub problem: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnresolvedLine {
    pub line: usize,
    pub sku: String,
    pub mpn: String,
    pub manufacturer: String,
    pub quantity: u32,
    pub reason: String,
    /// SKUs at the other supplier it may be (several of the maker and type
    /// number, or the type number from other makers): the buyer chooses.
    pub choices: Vec<String>,
}

/// Makes basket `name` of `from` at supplier `to` as basket `into` (default:
/// the same name), which must not exist there yet. Each line's part is
/// found in `to`'s catalog by its maker and type number, then by its GTIN
/// (both taken from the catalog of the supplier the basket belongs to);
/// quantities and notes are kept, and the agreed price of each line is
/// `to`'s price for it. Lines not found for sure are reported with their
/// line number and left out; nothing is created when no line is found.
pub fn copy(ws: &Workspace, from: &Supplier, name: &str, to: &str, into: Option<&str>) -> Result<CopyReport> {
    let into = into.unwrap_or(name);
    basket::validate_name(into).map_err(Error::Rejected)?;
    let source = from.baskets().load(name)?;
    // A basket copied into this folder from another supplier's is read
    // with that supplier's catalog: its SKUs are that supplier's.
    let owner =
        source.supplier.clone().filter(|s| ws.config().profiles.contains_key(s)).unwrap_or_else(|| from.name.clone());
    if !ws.config().profiles.contains_key(to) {
        return Err(Error::Rejected(format!(
            "no supplier named {to:?} (the suppliers are: {})",
            ws.suppliers().join(", ")
        )));
    }
    let target = ws.supplier(Some(to))?;
    if target.baskets().exists(into) {
        return Err(Error::NeedsChoice {
            kind: ErrorKind::Rejected,
            message: format!("{to} has a basket named {into:?} already: the copy needs another name"),
            remedy: Remedy::OtherName,
        });
    }
    let catalog_of = |name: &str| match Catalog::open_named(ws, name) {
        (Some(c), _) => Ok(c),
        (None, status) => Err(Error::Rejected(format!(
            "supplier {name:?} has no catalog to copy with: {}",
            status.note.unwrap_or_else(|| status.state.as_str().to_string())
        ))),
    };
    let (here, there) = (catalog_of(&owner)?, catalog_of(to)?);
    let mut b = Basket::new(into, target.clock.now());
    b.supplier = Some(target.name.clone());
    let mut report = CopyReport {
        from: owner.clone(),
        basket: name.to_string(),
        to: to.to_string(),
        into: into.to_string(),
        from_currency: crate::core::basket::PartLookup::currency(here.cache()),
        currency: crate::core::basket::PartLookup::currency(there.cache()),
        copied: vec![],
        unresolved: vec![],
        made: false,
    };
    for (i, l) in source.lines.iter().enumerate() {
        let src = here.cache().get_product(&l.sku)?;
        let (mpn, maker, gtin) =
            src.as_ref().map(|p| (p.mpn.clone(), p.manufacturer.clone(), p.gtin.clone())).unwrap_or_default();
        let unresolved = |reason: String, choices: Vec<String>| UnresolvedLine {
            line: i + 1,
            sku: l.sku.clone(),
            mpn: mpn.clone(),
            manufacturer: maker.clone(),
            quantity: l.qty,
            reason,
            choices,
        };
        let found = match &src {
            None => Err(unresolved(
                format!("{} is no longer in {owner}'s catalog: its type number is not known", l.sku),
                vec![],
            )),
            // The same supplier: the same part.
            Some(p) if owner == to => Ok((p.clone(), "sku")),
            Some(_) => match there.same_part(&mpn, Some(&maker), &gtin) {
                SamePart::Found { product, by } => Ok((*product, by)),
                SamePart::Several(ps) => Err(unresolved(
                    format!("{to} has several parts with type number {mpn:?} of {maker}: choose one"),
                    ps.into_iter().map(|p| p.sku).collect(),
                )),
                SamePart::OtherMakers(ps) => Err(unresolved(
                    format!(
                        "{to} has type number {mpn:?} only from another maker than {maker}: choose one if it is the same part"
                    ),
                    ps.into_iter().map(|p| p.sku).collect(),
                )),
                SamePart::NotFound => Err(unresolved(
                    if gtin.is_empty() {
                        format!("{to} has no part with type number {mpn:?} of {maker}")
                    } else {
                        format!("{to} has no part with type number {mpn:?} of {maker}, nor with GTIN {gtin}")
                    },
                    vec![],
                )),
            },
        };
        let (p, by) = match found {
            Ok(f) => f,
            Err(u) => {
                report.unresolved.push(u);
                continue;
            }
        };
        let qty = match b.lines.iter_mut().find(|x| x.sku == p.sku) {
            Some(existing) => {
                existing.qty = existing.qty.saturating_add(l.qty);
                existing.qty
            }
            None => {
                b.lines.push(crate::core::basket::BasketLine {
                    sku: p.sku.clone(),
                    qty: l.qty,
                    note: l.note.clone(),
                    agreed_price: None,
                });
                l.qty
            }
        };
        let unit_price = there.unit_price(&p.sku, qty);
        b.agree(&p.sku, unit_price);
        report.copied.push(CopiedLine {
            line: i + 1,
            from_sku: l.sku.clone(),
            problem: QuantityRules::of(&p, &there.tiers(&p.sku).unwrap_or_default())
                .check(qty)
                .err()
                .map(|e| e.to_string()),
            sku: p.sku,
            mpn: p.mpn,
            manufacturer: p.manufacturer,
            quantity: l.qty,
            by,
            from_unit_price: here.unit_price(&l.sku, l.qty),
            unit_price,
        });
    }
    if source.lines.is_empty() {
        return Err(Error::Rejected(format!("basket {name:?} is empty: there is nothing to copy")));
    }
    if !report.copied.is_empty() {
        target.baskets().create(&b)?;
        report.made = true;
    }
    Ok(report)
}

/// How a CSV export is written. `Default` is plain CSV (`,`, decimal
/// point, no BOM); [`CsvStyle::excel_de`] is what Excel opens directly
/// where the decimal mark is a comma.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    pub delimiter: u8,
    pub decimal_comma: bool,
    /// Starts with a UTF-8 byte order mark, so Excel reads the file as UTF-8.
    pub bom: bool,
}

impl Default for CsvStyle {
    fn default() -> Self {
        CsvStyle { delimiter: b',', decimal_comma: false, bom: false }
    }
}

/// The columns of a CSV export; `basket import` reads them back by name
/// (at another supplier by type number and maker, where the SKU is not its).
pub const CSV_COLUMNS: [&str; 9] =
    ["sku", "mpn", "manufacturer", "gtin", "name", "qty", "unit_price", "line_total", "note"];

/// The basket priced as CSV: sku, type number, maker, GTIN, name, qty, unit
/// price, line total, note. A part without a price has empty price cells; a
/// text cell a spreadsheet would take for a formula starts with `'`
/// ([`crate::core::import::text_cell`]).
pub fn export_csv(b: &PricedBasket, style: CsvStyle) -> Result<String> {
    if style.decimal_comma && style.delimiter == b',' {
        return Err(Error::Usage("a decimal comma needs another delimiter than ',' (e.g. ';')".into()));
    }
    let mut w = csv::WriterBuilder::new().delimiter(style.delimiter).from_writer(Vec::new());
    let io = |e: csv::Error| Error::Internal(e.to_string());
    let amount = |d: Option<rust_decimal::Decimal>| {
        let text = d.map(crate::core::money::format_amount).unwrap_or_default();
        if style.decimal_comma { text.replace('.', ",") } else { text }
    };
    w.write_record(CSV_COLUMNS).map_err(io)?;
    // Text cells (a supplier's SKU and name, the buyer's note) never become
    // formulas in the buyer's spreadsheet; `basket import` reads them back.
    let text = crate::core::import::text_cell;
    for l in &b.lines {
        w.write_record([
            &text(&l.sku),
            &text(&l.mpn),
            &text(&l.manufacturer),
            &text(&l.gtin),
            &text(&l.name),
            l.qty.to_string().as_str(),
            // One unit's price, so a spreadsheet's quantity × price is the line.
            &amount(l.unit_price_each()),
            &amount(l.line_total),
            &text(l.note.as_deref().unwrap_or("")),
        ])
        .map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Internal(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(if style.bom { format!("\u{feff}{text}") } else { text })
}

#[cfg(test)]
mod tests {
    use super::with_part;

    #[test]
    fn a_chosen_part_keeps_the_quantity_and_note_as_typed() {
        assert_eq!(with_part("3RT2015-1BB41 2", "3RT2015-1BB41", "T-CON-1", 2), "T-CON-1 2");
        assert_eq!(with_part("3RT2015-1BB41;1.000;Halle 3", "3RT2015-1BB41", "T-CON-1", 1000), "T-CON-1;1.000;Halle 3");
        assert_eq!(with_part(" \"3RT2015-1BB41\"\t2", "3RT2015-1BB41", "T-CON-1", 2), " \"T-CON-1\"\t2");
    }
}
