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
    pub added: Vec<(usize, String, u32)>,
    pub problems: Vec<ImportProblem>,
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
            Ok((sku, _)) => added.push((l.line, sku, l.qty)),
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

/// `sku,qty,note` as CSV.
pub fn export_csv(b: &Basket) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| Error::Internal(e.to_string());
    w.write_record(["sku", "qty", "note"]).map_err(io)?;
    for l in &b.lines {
        w.write_record([l.sku.as_str(), &l.qty.to_string(), l.note.as_deref().unwrap_or("")]).map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))
}
