//! Changing baskets by SKU or type number, importing and exporting lists.

use super::{Context, Error, Result};
use crate::core::basket::{self, Basket, BasketError, PricedBasket};
use crate::core::import::{ImportProblem, parse_lines};
use crate::search::SearchIndex;
use crate::service::search::{load_index, resolve};
use crate::store::cache::CatalogCache;
use chrono::Utc;
use serde::Serialize;

pub fn create(ctx: &Context, name: &str) -> Result<Basket> {
    basket::validate_name(name).map_err(Error::Rejected)?;
    let b = Basket::new(name, Utc::now());
    ctx.baskets().create(&b)?;
    Ok(b)
}

pub fn priced(ctx: &Context, name: &str) -> Result<PricedBasket> {
    let b = ctx.baskets().load(name)?;
    let cache = ctx.cache()?;
    Ok(basket::price(&b, &cache))
}

pub enum Change {
    Add(u32),
    Set(u32),
}

/// Adds to or sets a line; returns the line's quantity afterwards.
pub fn change(ctx: &Context, name: &str, part: &str, change: Change) -> Result<(String, u32)> {
    let store = ctx.baskets();
    let mut b = store.load(name)?;
    let cache = ctx.synced_cache()?;
    let index = load_index(&cache)?;
    let product = resolve(&cache, &index, part)?;
    let qty = match change {
        Change::Add(q) => b.add(&product, q)?,
        Change::Set(q) => {
            b.set(&product, q)?;
            q
        }
    };
    store.save(&b)?;
    Ok((product.sku, qty))
}

pub fn remove(ctx: &Context, name: &str, sku: &str) -> Result<()> {
    let store = ctx.baskets();
    let mut b = store.load(name)?;
    b.remove(sku)?;
    store.save(&b)?;
    Ok(())
}

pub fn note(ctx: &Context, name: &str, sku: &str, note: Option<String>) -> Result<()> {
    let store = ctx.baskets();
    let mut b = store.load(name)?;
    b.set_note(sku, note)?;
    store.save(&b)?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub added: Vec<AddedLine>,
    /// Each line not added, with its line number in the file and why.
    pub problems: Vec<ImportProblem>,
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
pub fn import_bytes(ctx: &Context, name: &str, bytes: &[u8]) -> Result<ImportReport> {
    // A workbook itself, not its CSV: say so instead of reporting every line.
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xd0\xcf\x11\xe0") {
        return Err(Error::Rejected(
            "this is a spreadsheet workbook (.xlsx/.xls), not CSV: save it as CSV (\"CSV UTF-8\" or \"CSV (semicolon separated)\") and import that".into(),
        ));
    }
    import_text(ctx, name, &crate::core::import::decode(bytes))
}

/// Adds every good line of a `sku,qty` list; each bad line is reported with
/// its number and reason. Nothing is saved twice: one write at the end.
pub fn import_text(ctx: &Context, name: &str, text: &str) -> Result<ImportReport> {
    let store = ctx.baskets();
    let mut b = store.load(name)?;
    let cache = ctx.synced_cache()?;
    let index = load_index(&cache)?;
    let report = apply_lines(&mut b, &cache, &index, text);
    if !report.added.is_empty() {
        store.save(&b)?;
    }
    Ok(report)
}

pub fn apply_lines(b: &mut Basket, cache: &CatalogCache, index: &SearchIndex, text: &str) -> ImportReport {
    let (lines, mut problems) = parse_lines(text);
    let mut added = Vec::new();
    for l in lines {
        let outcome = resolve(cache, index, &l.sku).and_then(|p| {
            let q = b.add(&p, l.qty)?;
            if l.note.is_some() {
                b.set_note(&p.sku, l.note.clone())?;
            }
            Ok((p.sku, q))
        });
        match outcome {
            Ok((sku, _)) => added.push(AddedLine { line: l.line, sku, quantity: l.qty }),
            Err(e) => problems.push(ImportProblem { line: l.line, sku: l.sku.clone(), reason: reason(&e) }),
        }
    }
    problems.sort_by_key(|p| p.line);
    ImportReport { added, problems }
}

fn reason(e: &BasketError) -> String {
    match e {
        BasketError::Quantity { error, .. } => error.to_string(),
        other => other.to_string(),
    }
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

/// The columns of a CSV export; `basket import` reads them back by name.
pub const CSV_COLUMNS: [&str; 6] = ["sku", "name", "qty", "unit_price", "line_total", "note"];

/// The basket priced as CSV: sku, name, qty, unit price, line total, note.
/// A part without a price has empty price cells.
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
    for l in &b.lines {
        w.write_record([
            l.sku.as_str(),
            &l.name,
            &l.qty.to_string(),
            &amount(l.unit_price),
            &amount(l.line_total),
            l.note.as_deref().unwrap_or(""),
        ])
        .map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Internal(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(if style.bom { format!("\u{feff}{text}") } else { text })
}
