//! Sync tokens, page cursors and ETags: how a client re-syncs only what
//! changed, and nothing at all when nothing changed.

use super::db;
use super::error::ShopError;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

pub const DEFAULT_LIMIT: u32 = 1000;
pub const MAX_LIMIT: u32 = 5000;

/// `since`: the change counter when a sync began, tagged with the database.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncToken {
    pub instance: String,
    pub seq: i64,
}

impl SyncToken {
    pub fn encode(&self) -> String {
        format!("{}-{}", self.instance, self.seq)
    }

    pub fn parse(text: &str) -> Result<Self, ShopError> {
        let bad = || ShopError::InvalidRequest(format!("malformed sync token {text:?}"));
        let (instance, seq) = text.trim().rsplit_once('-').ok_or_else(bad)?;
        let seq = seq.parse::<i64>().map_err(|_| bad())?;
        if instance.is_empty() || seq < 0 {
            return Err(bad());
        }
        Ok(SyncToken { instance: instance.to_string(), seq })
    }
}

/// Where the next page starts: the snapshot of the sync (its token), the last
/// product id sent, and the `since` of the first page (`None`: a full answer).
/// The cursor carries all of it, so later pages ignore `since`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cursor {
    pub snapshot: i64,
    pub after: i64,
    pub since: Option<i64>,
}

impl Cursor {
    pub fn encode(&self) -> String {
        match self.since {
            Some(s) => format!("{}.{}.{s}", self.snapshot, self.after),
            None => format!("{}.{}.full", self.snapshot, self.after),
        }
    }

    pub fn parse(text: &str) -> Result<Self, ShopError> {
        let bad = || ShopError::InvalidRequest(format!("malformed cursor {text:?}"));
        let mut parts = text.trim().split('.');
        let snapshot = parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        let after = parts.next().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
        let since = match parts.next() {
            Some("full") => None,
            Some(s) => Some(s.parse::<i64>().map_err(|_| bad())?),
            None => return Err(bad()),
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Cursor { snapshot, after, since })
    }
}

/// Query parameters of the paged sync resources.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PageParams {
    pub since: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// What one page request asks for, resolved against the database.
#[derive(Debug, Clone)]
pub struct Plan {
    pub etag: String,
    pub instance: String,
    /// The sync token of every page of this sync.
    pub snapshot: i64,
    pub after: i64,
    /// Everything visible, the client drops its copy.
    pub full: bool,
    /// Only rows changed after this (None: all rows).
    pub since: Option<i64>,
    pub limit: u32,
    pub first_page: bool,
}

impl Plan {
    pub fn sync_token(&self) -> String {
        SyncToken { instance: self.instance.clone(), seq: self.snapshot }.encode()
    }

    pub fn next_cursor(&self, last_id: i64) -> String {
        Cursor { snapshot: self.snapshot, after: last_id, since: self.since }.encode()
    }
}

pub enum Resolved {
    NotModified(String),
    Page(Plan),
}

/// Resolves `since`/`cursor`/`limit` and `If-None-Match`. `full_after` is
/// the seq of the company's last change that forces a full answer (its
/// visibility; for prices also its discounts).
pub fn resolve(
    conn: &Connection,
    company_id: i64,
    resource: &str,
    params: &PageParams,
    if_none_match: Option<&str>,
    full_after: i64,
) -> Result<Resolved, ShopError> {
    let limit = match params.limit {
        None => DEFAULT_LIMIT,
        Some(0) => {
            return Err(ShopError::InvalidRequest("limit must be at least 1".into()));
        }
        Some(n) => n.min(MAX_LIMIT),
    };
    let etag = etag(conn, company_id, resource)?;
    let instance = db::instance(conn)?;
    match params.cursor.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(cursor) => {
            let c = Cursor::parse(cursor)?;
            Ok(Resolved::Page(Plan {
                etag,
                instance,
                snapshot: c.snapshot,
                after: c.after,
                full: c.since.is_none(),
                since: c.since,
                limit,
                first_page: false,
            }))
        }
        None => {
            if if_none_match.is_some_and(|inm| etag_matches(inm, &etag)) {
                return Ok(Resolved::NotModified(etag));
            }
            let since = params.since.as_deref().filter(|s| !s.trim().is_empty()).map(SyncToken::parse).transpose()?;
            let current = db::current_seq(conn)?;
            // A token of another database, from the future, or older than a
            // visibility change cannot be answered with a delta.
            let since =
                since.filter(|s| s.instance == instance && s.seq <= current && s.seq >= full_after).map(|s| s.seq);
            Ok(Resolved::Page(Plan {
                etag,
                instance,
                snapshot: current,
                after: 0,
                full: since.is_none(),
                since,
                limit,
                first_page: true,
            }))
        }
    }
}

/// Whether an `If-None-Match` value names `etag` (weak comparison).
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let want = strip(etag);
    if_none_match.split(',').map(strip).any(|t| t == "*" || t == want)
}

/// A version of everything a company sees: its visible products (with
/// tombstones), its contract prices, discounts and visibility, its orders.
/// Computed per request from indexed maxima, so it changes exactly when the
/// company's view changes.
pub fn etag(conn: &Connection, company_id: i64, resource: &str) -> Result<String, ShopError> {
    let mut catalog = 0i64;
    let mut stmt = conn.prepare_cached("SELECT MAX(seq) FROM products WHERE family = ?1")?;
    for family in db::visible_families(conn, company_id)? {
        let m: Option<i64> = stmt.query_row([&family], |r| r.get(0))?;
        catalog = catalog.max(m.unwrap_or(0));
    }
    let contracts: Option<i64> = conn
        .prepare_cached("SELECT MAX(seq) FROM contract_prices WHERE company_id = ?1")?
        .query_row([company_id], |r| r.get(0))?;
    let (visibility, pricing, orders): (i64, i64, i64) = conn
        .prepare_cached("SELECT visibility_seq, pricing_seq, orders_seq FROM companies WHERE id = ?1")?
        .query_row([company_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let instance = db::instance(conn)?;
    let state = format!("{instance}|{company_id}|{catalog}|{}|{visibility}|{pricing}|{orders}", contracts.unwrap_or(0));
    let digest = hex::encode(Sha256::digest(state.as_bytes()));
    Ok(format!("\"{resource}-{}\"", &digest[..24]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_cursors_round_trip() {
        let t = SyncToken { instance: "ab12".into(), seq: 42 };
        assert_eq!(SyncToken::parse(&t.encode()).unwrap(), t);
        assert!(SyncToken::parse("nonsense").is_err());
        assert!(SyncToken::parse("ab-x").is_err());
        for since in [None, Some(3)] {
            let c = Cursor { snapshot: 7, after: 1000, since };
            assert_eq!(Cursor::parse(&c.encode()).unwrap(), c);
        }
        assert!(Cursor::parse("1.2").is_err());
        assert!(Cursor::parse("1.2.x").is_err());
        assert!(Cursor::parse("1.2.d.4").is_err());
    }

    #[test]
    fn if_none_match_lists_and_weak_tags() {
        assert!(etag_matches("\"c-1\"", "\"c-1\""));
        assert!(etag_matches("W/\"c-1\"", "\"c-1\""));
        assert!(etag_matches("\"x\", \"c-1\"", "\"c-1\""));
        assert!(etag_matches("*", "\"c-1\""));
        assert!(!etag_matches("\"c-2\"", "\"c-1\""));
    }
}
