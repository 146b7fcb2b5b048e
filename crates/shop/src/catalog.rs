//! Catalog, price list and ordered parts of a company, paged for sync.

use super::company::{self, company_tiers, decimal};
use super::db;
use super::error::ShopError;
use super::sync::{self, PageParams, Plan, Resolved};
use chrono::NaiveDate;
use procure_protocol::api::{OrderedSku, OrderedSkus, PriceEntry, PriceListPage};
use rusqlite::{Connection, named_params};
use serde::Serialize;
use serde_json::value::RawValue;

/// A page, or "not modified" with the current ETag.
pub enum Answer<T> {
    NotModified(String),
    Page { body: T, etag: String },
}

/// `api::CatalogPage` as the shop writes it: each item is the product's
/// stored JSON (an `api::Product`, written by the import or the seed),
/// passed through as it lies rather than parsed and written again.
#[derive(Debug, Serialize)]
pub struct CatalogPageOut {
    pub items: Vec<Box<RawValue>>,
    pub removed: Vec<String>,
    pub next_cursor: Option<String>,
    pub sync_token: String,
    pub full: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

/// Skus deleted since `since` among the families the company sees.
fn removed_since(conn: &Connection, company_id: i64, since: i64) -> Result<Vec<String>, ShopError> {
    let sql = format!(
        "SELECT p.sku FROM products p WHERE p.deleted = 1 AND p.seq > :since AND {} ORDER BY p.id",
        db::VISIBLE
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":company": company_id, ":since": since}, |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn removed(conn: &Connection, company_id: i64, plan: &Plan) -> Result<Vec<String>, ShopError> {
    match (plan.first_page, plan.since) {
        (true, Some(since)) => removed_since(conn, company_id, since),
        _ => Ok(vec![]),
    }
}

pub fn catalog_page(
    conn: &mut Connection,
    company_id: i64,
    params: &PageParams,
    if_none_match: Option<&str>,
) -> Result<Answer<CatalogPageOut>, ShopError> {
    // One read transaction: the ETag, the snapshot and the rows agree.
    let tx = conn.transaction()?;
    let record = company::load(&tx, company_id)?;
    let plan = match sync::resolve(&tx, company_id, "c", params, if_none_match, record.visibility_seq)? {
        Resolved::NotModified(etag) => return Ok(Answer::NotModified(etag)),
        Resolved::Page(plan) => plan,
    };
    // Walks the products by id from the cursor (a full answer), or only the
    // rows changed since the token (found through the seq index), so a page
    // costs the same wherever it is in the catalog.
    let sql = match plan.since {
        None => format!(
            "SELECT p.id, p.data FROM products p
             WHERE p.deleted = 0 AND p.id > :after AND :since IS NULL AND {}
             ORDER BY p.id LIMIT :limit",
            db::VISIBLE_BY_ID
        ),
        Some(_) => format!(
            "SELECT p.id, p.data FROM products p
             WHERE p.id IN (SELECT id FROM products WHERE seq > :since AND id > :after)
               AND p.deleted = 0 AND p.id > :after AND {}
             ORDER BY p.id LIMIT :limit",
            db::VISIBLE_BY_ID
        ),
    };
    // Checked to be one JSON value (a scan, no allocation per field).
    let (items, next_cursor) =
        page_rows(&tx, &sql, company_id, &plan, |row| Ok(RawValue::from_string(row.get::<_, String>(1)?)?))?;
    let body = CatalogPageOut {
        removed: removed(&tx, company_id, &plan)?,
        items,
        next_cursor,
        sync_token: plan.sync_token(),
        full: plan.full,
        total: if plan.first_page { Some(answer_size(&tx, company_id, plan.since)?) } else { None },
    };
    Ok(Answer::Page { body, etag: plan.etag })
}

/// How many parts a catalog answer holds over all its pages: the visible
/// ones (counted in the family index), or those changed since the token.
fn answer_size(conn: &Connection, company_id: i64, since: Option<i64>) -> Result<u64, ShopError> {
    let sql = match since {
        None => format!("SELECT count(*) FROM products p WHERE p.deleted = 0 AND {}", db::VISIBLE),
        Some(_) => {
            format!("SELECT count(*) FROM products p WHERE p.seq > :since AND p.deleted = 0 AND {}", db::VISIBLE_BY_ID)
        }
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let n: i64 = match since {
        None => stmt.query_row(named_params! {":company": company_id}, |r| r.get(0))?,
        Some(s) => stmt.query_row(named_params! {":company": company_id, ":since": s}, |r| r.get(0))?,
    };
    Ok(n.max(0) as u64)
}

pub fn price_list_page(
    conn: &mut Connection,
    company_id: i64,
    params: &PageParams,
    if_none_match: Option<&str>,
) -> Result<Answer<PriceListPage>, ShopError> {
    let tx = conn.transaction()?;
    let record = company::load(&tx, company_id)?;
    let plan = match sync::resolve(
        &tx,
        company_id,
        "p",
        params,
        if_none_match,
        record.visibility_seq.max(record.pricing_seq),
    )? {
        Resolved::NotModified(etag) => return Ok(Answer::NotModified(etag)),
        Resolved::Page(plan) => plan,
    };
    let discounts = company::discounts(&tx, company_id)?;
    // As for the catalog: by id from the cursor, or only the parts whose
    // product row or contract tiers changed since the token.
    let sql = match plan.since {
        None => format!(
            "SELECT p.id, p.sku, p.list_tiers, p.family, p.vat_rate, cp.tiers FROM products p
             LEFT JOIN contract_prices cp ON cp.company_id = :company AND cp.product_id = p.id
             WHERE p.deleted = 0 AND p.id > :after AND :since IS NULL AND {}
             ORDER BY p.id LIMIT :limit",
            db::VISIBLE_BY_ID
        ),
        // The changed ids drive the join (CROSS JOIN keeps that order), so
        // a page reads the changed rows only, never the whole catalog.
        Some(_) => format!(
            "WITH changed(id) AS (SELECT id FROM products WHERE seq > :since AND id > :after
                                  UNION SELECT product_id FROM contract_prices
                                  WHERE company_id = :company AND seq > :since AND product_id > :after)
             SELECT p.id, p.sku, p.list_tiers, p.family, p.vat_rate, cp.tiers FROM changed c
             CROSS JOIN products p ON p.id = c.id
             LEFT JOIN contract_prices cp ON cp.company_id = :company AND cp.product_id = p.id
             WHERE p.deleted = 0 AND {}
             ORDER BY c.id LIMIT :limit",
            db::VISIBLE_BY_ID
        ),
    };
    let (items, next_cursor) = page_rows(&tx, &sql, company_id, &plan, |row| {
        let list: String = row.get(2)?;
        let family: String = row.get(3)?;
        let vat: String = row.get(4)?;
        let contract: Option<String> = row.get(5)?;
        Ok(PriceEntry {
            sku: row.get(1)?,
            tiers: company_tiers(contract.as_deref(), &list, &family, &discounts)?,
            vat_rate: decimal(&vat)?,
        })
    })?;
    let body = PriceListPage {
        header: record.header,
        removed: removed(&tx, company_id, &plan)?,
        items,
        next_cursor,
        sync_token: plan.sync_token(),
        full: plan.full,
    };
    Ok(Answer::Page { body, etag: plan.etag })
}

/// Runs a page query (`:company`, `:after`, `:since`, `:limit`; the first
/// column the product id) and maps each row. One row beyond the page tells
/// whether another page follows, and so the cursor.
fn page_rows<T>(
    conn: &Connection,
    sql: &str,
    company_id: i64,
    plan: &Plan,
    mut item: impl FnMut(&rusqlite::Row<'_>) -> Result<T, ShopError>,
) -> Result<(Vec<T>, Option<String>), ShopError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(named_params! {
        ":company": company_id,
        ":after": plan.after,
        ":since": plan.since,
        ":limit": plan.limit + 1,
    })?;
    let mut items = Vec::new();
    let mut last_id = None;
    while let Some(row) = rows.next()? {
        if items.len() == plan.limit as usize {
            return Ok((items, last_id.map(|id| plan.next_cursor(id))));
        }
        last_id = Some(row.get::<_, i64>(0)?);
        items.push(item(row)?);
    }
    Ok((items, None))
}

pub fn ordered_skus(
    conn: &mut Connection,
    company_id: i64,
    if_none_match: Option<&str>,
) -> Result<Answer<OrderedSkus>, ShopError> {
    let tx = conn.transaction()?;
    let etag = sync::etag(&tx, company_id, "o")?;
    if if_none_match.is_some_and(|inm| sync::etag_matches(inm, &etag)) {
        return Ok(Answer::NotModified(etag));
    }
    let mut items = Vec::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT sku, COUNT(DISTINCT order_id), MAX(ordered_on) FROM order_lines
             WHERE company_id = ?1 GROUP BY sku ORDER BY MAX(ordered_on) DESC, sku",
        )?;
        let mut rows = stmt.query([company_id])?;
        while let Some(row) = rows.next()? {
            let day: String = row.get(2)?;
            items.push(OrderedSku {
                sku: row.get(0)?,
                times: row.get(1)?,
                last_ordered: NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                    .map_err(|e| ShopError::Internal(anyhow::anyhow!("stored date {day:?}: {e}")))?,
            });
        }
    }
    Ok(Answer::Page { body: OrderedSkus { items }, etag })
}

#[cfg(test)]
mod tests {
    use super::*;
    use procure_protocol::api::{CatalogPage, Product};

    /// A page of stored JSON passed through reads on the wire exactly as
    /// the same page of parsed products written again.
    #[test]
    fn passed_through_page_is_the_parsed_page() {
        let products: Vec<Product> = procure_generate::products(5, 7).into_iter().map(|g| g.product).collect();
        assert_eq!(products.len(), 5);
        let stored: Vec<String> = products.iter().map(|p| serde_json::to_string(p).unwrap()).collect();
        let out = CatalogPageOut {
            items: stored.iter().map(|s| RawValue::from_string(s.clone()).unwrap()).collect(),
            removed: vec!["GONE-1".into()],
            next_cursor: Some("c1".into()),
            sync_token: "t1".into(),
            full: true,
            total: Some(5),
        };
        let parsed = CatalogPage {
            items: stored.iter().map(|s| serde_json::from_str(s).unwrap()).collect(),
            removed: vec!["GONE-1".into()],
            next_cursor: Some("c1".into()),
            sync_token: "t1".into(),
            full: true,
            total: Some(5),
        };
        assert_eq!(serde_json::to_string(&out).unwrap(), serde_json::to_string(&parsed).unwrap());
        let later = CatalogPageOut { total: None, next_cursor: None, ..out };
        let later_parsed = CatalogPage { total: None, next_cursor: None, ..parsed };
        assert_eq!(serde_json::to_string(&later).unwrap(), serde_json::to_string(&later_parsed).unwrap());
    }
}
