//! A company's orders and invoices changed since a sync token, whole and
//! oldest change first, paged (`GET /api/v1/orders/changes`, `GET
//! /api/v1/invoices`): a client keeps its local order history and invoices
//! with them. Each row carries the change seq of its last change; a page
//! walks the index on (company, seq, id) from its cursor, so every page
//! costs the same however long the history is.

use super::db;
use super::error::ShopError;
use super::sync::SyncToken;
use rusqlite::{Connection, named_params};
use serde::Serialize;
use serde_json::value::RawValue;

pub const DEFAULT_LIMIT: u32 = 200;
pub const MAX_LIMIT: u32 = 1000;

/// `?since=&cursor=&limit=`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ChangesParams {
    pub since: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// `api::OrderPage` / `api::InvoicePage` as the shop writes them: each item
/// is the stored JSON, passed through as it lies.
#[derive(Debug, Serialize)]
pub struct PageOut {
    pub items: Vec<Box<RawValue>>,
    pub next_cursor: Option<String>,
    pub sync_token: String,
}

/// Where the next page starts: the snapshot (the seq every page of this
/// sync is cut at), the seq and id of the last row sent, and the `since` of
/// the first page (`None`: everything).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cursor {
    snapshot: i64,
    seq: i64,
    id: i64,
    since: Option<i64>,
}

impl Cursor {
    fn encode(&self) -> String {
        match self.since {
            Some(s) => format!("{}.{}.{}.{s}", self.snapshot, self.seq, self.id),
            None => format!("{}.{}.{}.all", self.snapshot, self.seq, self.id),
        }
    }

    fn parse(text: &str) -> Result<Cursor, ShopError> {
        let bad = || ShopError::InvalidRequest(format!("malformed cursor {text:?}"));
        let parts: Vec<&str> = text.trim().split('.').collect();
        let [snapshot, seq, id, since] = parts.as_slice() else { return Err(bad()) };
        let number = |s: &str| s.parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(bad);
        Ok(Cursor {
            snapshot: number(snapshot)?,
            seq: number(seq)?,
            id: number(id)?,
            since: match *since {
                "all" => None,
                s => Some(number(s)?),
            },
        })
    }
}

/// Which table a page reads.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Orders,
    Invoices,
}

/// One page of the company's orders or invoices changed after `since`
/// (all of them without it, or with a token this database cannot answer:
/// another database's, or one from the future).
pub fn page(conn: &mut Connection, company_id: i64, kind: Kind, params: &ChangesParams) -> Result<PageOut, ShopError> {
    let limit = match params.limit {
        None => DEFAULT_LIMIT,
        Some(0) => return Err(ShopError::InvalidRequest("limit must be at least 1".into())),
        Some(n) => n.min(MAX_LIMIT),
    };
    // One read transaction: the snapshot and the rows agree.
    let tx = conn.transaction()?;
    let instance = db::instance(&tx)?;
    let cursor = match params.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Cursor::parse(c)?,
        None => {
            let current = db::current_seq(&tx)?;
            let since =
                params.since.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(SyncToken::parse).transpose()?;
            let since = since.filter(|s| s.instance == instance && s.seq <= current).map(|s| s.seq);
            Cursor { snapshot: current, seq: since.unwrap_or(-1), id: i64::MAX, since }
        }
    };
    let table = match kind {
        Kind::Orders => "orders",
        Kind::Invoices => "invoices",
    };
    // Rows after the cursor's (seq, id), up to the snapshot; a row changed
    // after the snapshot has a newer seq and comes with the next sync.
    let sql = format!(
        "SELECT id, seq, data FROM {table}
         WHERE company_id = :company AND seq >= :from AND seq <= :snapshot
           AND (seq > :seq OR id > :id)
         ORDER BY seq, id LIMIT :limit"
    );
    let from = cursor.seq.max(cursor.since.unwrap_or(-1) + 1);
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut rows = stmt.query(named_params! {
        ":company": company_id,
        ":from": from,
        ":snapshot": cursor.snapshot,
        ":seq": cursor.seq,
        ":id": cursor.id,
        ":limit": i64::from(limit) + 1,
    })?;
    let mut items = Vec::new();
    let mut last = None;
    let mut more = false;
    while let Some(row) = rows.next()? {
        if items.len() == limit as usize {
            more = true;
            break;
        }
        last = Some((row.get::<_, i64>(1)?, row.get::<_, i64>(0)?));
        items.push(RawValue::from_string(row.get::<_, String>(2)?)?);
    }
    let next_cursor = match (more, last) {
        (true, Some((seq, id))) => Some(Cursor { seq, id, ..cursor }.encode()),
        _ => None,
    };
    Ok(PageOut { items, next_cursor, sync_token: SyncToken { instance, seq: cursor.snapshot }.encode() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page is found through the index on (company, seq, id) from its
    /// cursor, in index order: no scan of the company's other rows, no sort.
    #[test]
    fn a_page_walks_the_change_index_from_its_cursor() {
        let dir = tempfile::tempdir().unwrap();
        let conn = db::open(&dir.path().join("shop.db")).unwrap();
        for (table, index) in [("orders", "orders_company_seq"), ("invoices", "invoices_company_seq")] {
            let plan: Vec<String> = conn
                .prepare(&format!(
                    "EXPLAIN QUERY PLAN SELECT id, seq, data FROM {table}
                     WHERE company_id = 1 AND seq >= 5 AND seq <= 9 AND (seq > 5 OR id > 3) ORDER BY seq, id LIMIT 10"
                ))
                .unwrap()
                .query_map([], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let plan = plan.join("; ");
            assert!(plan.contains(&format!("USING INDEX {index} (company_id=? AND seq>? AND seq<?)")), "{plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        }
    }

    #[test]
    fn cursors_round_trip_and_malformed_ones_are_refused() {
        for since in [None, Some(4)] {
            let c = Cursor { snapshot: 90, seq: 12, id: 7, since };
            assert_eq!(Cursor::parse(&c.encode()).unwrap(), c);
        }
        for bad in ["", "1.2.3", "1.2.3.x", "1.2.3.4.5", "a.2.3.all", "1.-2.3.all"] {
            assert!(Cursor::parse(bad).is_err(), "{bad}");
        }
    }
}
