//! Supplier-side changes beyond the CSV import: removing parts, changing
//! what a company may see and its discounts. Each change bumps the change
//! counter so buyers' next sync picks it up (removed parts as `removed`,
//! visibility and discount changes as a full answer).

use super::db;
use anyhow::Context as _;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use rust_decimal::Decimal;
use std::path::Path;

fn company_id(tx: &Transaction<'_>, code: &str) -> anyhow::Result<i64> {
    tx.query_row("SELECT id FROM companies WHERE code = ?1", [code], |r| r.get(0))
        .optional()?
        .with_context(|| format!("no company {code:?}"))
}

/// Removes parts; they stay as tombstones so syncing clients learn of it.
/// Returns how many were removed (unknown or removed skus are skipped).
pub fn remove_products(db_path: &Path, skus: &[&str]) -> anyhow::Result<usize> {
    let mut conn = db::open(db_path)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let seq = db::next_seq(&tx)?;
    let mut removed = 0;
    for sku in skus {
        removed +=
            tx.execute("UPDATE products SET deleted = 1, seq = ?1 WHERE sku = ?2 AND deleted = 0", params![seq, sku])?;
    }
    tx.commit()?;
    Ok(removed)
}

/// The families a company sees (its own and the public ones).
pub fn company_families(db_path: &Path, company: &str) -> anyhow::Result<Vec<String>> {
    let mut conn = db::open(db_path)?;
    let tx = conn.transaction()?;
    let id = company_id(&tx, company)?;
    let mut families = db::visible_families(&tx, id)?;
    families.sort();
    Ok(families)
}

/// Sets the families a company sees besides the public ones.
pub fn set_company_families(db_path: &Path, company: &str, families: &[&str]) -> anyhow::Result<()> {
    let mut conn = db::open(db_path)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = company_id(&tx, company)?;
    tx.execute("DELETE FROM company_families WHERE company_id = ?1", [id])?;
    for f in families {
        tx.execute("INSERT OR IGNORE INTO company_families (company_id, family) VALUES (?1, ?2)", params![id, f])?;
    }
    let seq = db::next_seq(&tx)?;
    tx.execute("UPDATE companies SET visibility_seq = ?1 WHERE id = ?2", params![seq, id])?;
    tx.commit()?;
    Ok(())
}

/// Sets a company's discount in percent on the list prices of a family.
pub fn set_discount(db_path: &Path, company: &str, family: &str, percent: Decimal) -> anyhow::Result<()> {
    anyhow::ensure!(
        (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&percent),
        "a discount is between 0 and 100 percent, not {percent}"
    );
    let mut conn = db::open(db_path)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let id = company_id(&tx, company)?;
    tx.execute(
        "INSERT INTO discounts (company_id, family, percent) VALUES (?1, ?2, ?3)
         ON CONFLICT (company_id, family) DO UPDATE SET percent = excluded.percent",
        params![id, family, percent.to_string()],
    )?;
    let seq = db::next_seq(&tx)?;
    tx.execute("UPDATE companies SET pricing_seq = ?1 WHERE id = ?2", params![seq, id])?;
    tx.commit()?;
    Ok(())
}
