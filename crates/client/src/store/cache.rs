//! The catalog cache of a profile: products, the company's price list and the
//! parts it ordered before, in one SQLite file. A sync is applied in one
//! transaction, so an interrupted sync leaves the previous cache intact.

use super::StoreError;
use crate::api::{Me, OrderedSku, PriceEntry, PriceListHeader, Product};
use crate::core::basket::PartLookup;
use crate::search::{DocList, DocRef, SearchIndex};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};

pub struct CatalogCache {
    conn: Connection,
    path: PathBuf,
    /// The checkpoint after a sync's commit, still copying the WAL into
    /// the database (see `commit_sync`); waited for when the cache closes.
    checkpoint: Option<std::thread::JoinHandle<()>>,
}

/// A read transaction of the cache (see `CatalogCache::read_snapshot`),
/// ended when dropped.
pub struct ReadSnapshot<'a> {
    conn: Option<&'a Connection>,
}

impl Drop for ReadSnapshot<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn {
            // A read transaction has nothing to keep: ending it cannot lose anything.
            let _ = conn.execute_batch("COMMIT");
        }
    }
}

/// Sync bookkeeping kept with the data it describes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SyncMarks {
    pub etag: Option<String>,
    pub catalog_since: Option<String>,
    pub prices_since: Option<String>,
    pub synced_at: Option<String>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS products (
    sku TEXT PRIMARY KEY, mpn TEXT NOT NULL, gtin TEXT NOT NULL,
    manufacturer TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS prices (sku TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ordered (sku TEXT PRIMARY KEY, times INTEGER NOT NULL, last TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

/// Page size of a new cache (an existing one keeps its own). 16 KiB
/// pages made a full sync of a million parts about 1 s faster, but a
/// re-sync of 1 % of them (changed parts all over the file) writes and
/// checkpoints four times the bytes: 4 KiB pages keep it at 0.6 s.
const PAGE_SIZE: i64 = 4096;

/// How long a sync waits for another sync of the same profile to finish.
pub const SYNC_WAIT: std::time::Duration = std::time::Duration::from_secs(600);

impl CatalogCache {
    pub fn open(path: &Path) -> Result<CatalogCache, StoreError> {
        // Contract prices: readable by the user alone.
        if let Some(dir) = path.parent() {
            super::atomic::private_dir(dir)?;
        }
        super::atomic::private_file(path)?;
        let err = |source| StoreError::Cache { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(err)?;
        // Two processes opening a new cache at once can meet in SQLite's
        // lock upgrade, which answers "busy" at once rather than waiting:
        // try again for a while.
        let started = std::time::Instant::now();
        loop {
            // The tables are made before the WAL is turned on, so they are in
            // the database file itself: a WAL then holds nothing but syncs,
            // and the pages of a failed one can always be let go (see
            // `rollback_sync`), even on a disk too full to copy anything.
            let setup = conn
                .pragma_update(None, "page_size", PAGE_SIZE)
                .and_then(|()| conn.execute_batch(SCHEMA))
                .and_then(|()| conn.pragma_update(None, "journal_mode", "WAL"))
                .and_then(|()| conn.pragma_update(None, "synchronous", "NORMAL"));
            match setup {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && started.elapsed() < SYNC_WAIT =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => break other.map_err(err)?,
            }
        }
        Ok(CatalogCache { conn, path: path.to_path_buf(), checkpoint: None })
    }

    fn err(&self) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Cache { path: self.path.clone(), source }
    }

    fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional().map_err(self.err())
    }

    pub fn marks(&self) -> Result<SyncMarks, StoreError> {
        Ok(SyncMarks {
            etag: self.meta("etag")?,
            catalog_since: self.meta("catalog_since")?,
            prices_since: self.meta("prices_since")?,
            synced_at: self.meta("synced_at")?,
        })
    }

    /// When a sync last brought the cache up to date: the last sync that
    /// answered, also one that found nothing changed (which keeps
    /// `synced_at`, the index's tag, as it was). `None` before the first.
    pub fn checked_at(&self) -> Result<Option<String>, StoreError> {
        Ok(self.meta("checked_at")?.or(self.meta("synced_at")?))
    }

    /// Parts in the cache as the last sync counted them (no scan of the
    /// table); counted now for a cache synced by an older procure.
    pub fn part_count(&self) -> Result<usize, StoreError> {
        match self.meta("parts")?.and_then(|n| n.parse().ok()) {
            Some(n) => Ok(n),
            None => self.product_count(),
        }
    }

    /// Records that a sync brought the cache up to date now.
    pub fn set_checked_at(&self, at: &str) -> Result<(), StoreError> {
        self.set_meta("checked_at", Some(at))
    }

    /// Cleaned on reading as well: a cache written by an older procure may
    /// hold a shop's text as it came.
    pub fn me(&self) -> Result<Option<Me>, StoreError> {
        Ok(self.meta("me")?.and_then(|t| crate::backend::http::decode(t.as_bytes()).ok()))
    }

    pub fn price_header(&self) -> Result<Option<PriceListHeader>, StoreError> {
        Ok(self.meta("price_header")?.and_then(|t| crate::backend::http::decode(t.as_bytes()).ok()))
    }

    pub fn product_count(&self) -> Result<usize, StoreError> {
        self.conn
            .query_row("SELECT count(*) FROM products", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(self.err())
    }

    pub fn get_product(&self, sku: &str) -> Result<Option<Product>, StoreError> {
        let data: Option<String> = self
            .conn
            .prepare_cached("SELECT data FROM products WHERE sku = ?1")
            .and_then(|mut s| s.query_row([sku], |r| r.get(0)).optional())
            .map_err(self.err())?;
        Ok(data.and_then(|d| serde_json::from_str(&d).ok()))
    }

    pub fn get_prices(&self, sku: &str) -> Result<Option<PriceEntry>, StoreError> {
        let data: Option<String> = self
            .conn
            .prepare_cached("SELECT data FROM prices WHERE sku = ?1")
            .and_then(|mut s| s.query_row([sku], |r| r.get(0)).optional())
            .map_err(self.err())?;
        Ok(data.and_then(|d| serde_json::from_str(&d).ok()))
    }

    /// The search index file of this cache: next to it, `catalog.idx`.
    pub fn index_path(&self) -> PathBuf {
        self.path.with_extension("idx")
    }

    /// The delta file of the index (the parts re-syncs changed since the
    /// index file was written): `catalog.idx-delta`.
    pub fn index_delta_path(&self) -> PathBuf {
        self.path.with_extension("idx-delta")
    }

    /// What an index file must be tagged with to describe this cache as it
    /// is: the catalog's sync token and the time of the sync that stored
    /// it (a shop without change tokens still gets a new tag every sync).
    /// `None` before the first sync.
    pub fn index_tag(&self) -> Result<Option<String>, StoreError> {
        let marks = self.marks()?;
        Ok(marks.synced_at.map(|at| format!("{} {at}", marks.catalog_since.unwrap_or_default())))
    }

    /// The search index over every part, in sku order. Parts are read and
    /// normalised in batches, so the catalog's texts are never all in memory.
    pub fn build_search_index(&self) -> Result<SearchIndex, StoreError> {
        const BATCH: usize = 65_536;
        let mut stmt = self
            .conn
            .prepare("SELECT sku, mpn, gtin, manufacturer, name FROM products ORDER BY sku")
            .map_err(self.err())?;
        let mut rows = stmt.query([]).map_err(self.err())?;
        let mut failed = None;
        let batches = std::iter::from_fn(|| {
            let mut list = DocList::with_capacity(BATCH, BATCH * 96);
            loop {
                match rows.next() {
                    Ok(Some(r)) => {
                        let get = |i| r.get_ref(i).ok().and_then(|v| v.as_str().ok()).unwrap_or("");
                        list.push(DocRef {
                            sku: get(0),
                            mpn: get(1),
                            gtin: get(2),
                            manufacturer: get(3),
                            name: get(4),
                        });
                        if list.len() == BATCH {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            (!list.is_empty()).then_some(list)
        });
        let index = SearchIndex::from_batches(batches);
        match failed {
            Some(e) => Err(StoreError::Cache { path: self.path.clone(), source: e }),
            None => Ok(index),
        }
    }

    /// Starts a read transaction: every read until the guard is dropped
    /// sees one committed state of the cache (one sync), whatever other
    /// processes commit meanwhile. Inside a transaction already, nothing
    /// more is begun (that one holds).
    pub fn read_snapshot(&self) -> Result<ReadSnapshot<'_>, StoreError> {
        if !self.conn.is_autocommit() {
            return Ok(ReadSnapshot { conn: None });
        }
        self.conn.execute_batch("BEGIN DEFERRED").map_err(self.err())?;
        Ok(ReadSnapshot { conn: Some(&self.conn) })
    }

    pub fn ordered(&self) -> Result<Vec<(String, u32)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT sku, times FROM ordered").map_err(self.err())?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(self.err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err())
    }

    /// Starts a sync: everything written until `commit_sync` lands together,
    /// or not at all (`rollback_sync`, or the process dying).
    /// Starts a sync's write transaction. Another sync of the same profile
    /// holds it: wait for that one (up to `SYNC_WAIT`) instead of failing.
    pub fn begin_sync(&mut self) -> Result<(), StoreError> {
        let _ = self.conn.busy_timeout(SYNC_WAIT);
        let begun = self.conn.execute_batch("BEGIN IMMEDIATE");
        let _ = self.conn.busy_timeout(std::time::Duration::from_secs(5));
        match begun {
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::DatabaseBusy => {
                Err(StoreError::Invalid(format!(
                    "another `procure sync` of this profile has been running for over {} minutes; try again when it ends",
                    SYNC_WAIT.as_secs() / 60
                )))
            }
            other => other.map_err(self.err()),
        }
    }

    /// Commits a sync. The checkpoint that copies its WAL into the database
    /// (a full sync of a million parts: 700 MB, over a second) runs on a
    /// thread of its own, on a connection of its own, while the sync goes on
    /// to build the search index from this one; readers never wait for it.
    pub fn commit_sync(&mut self) -> Result<(), StoreError> {
        self.finish_checkpoint();
        let _ = self.conn.pragma_update(None, "wal_autocheckpoint", 0);
        let committed = self.conn.execute_batch("COMMIT").map_err(self.err());
        let _ = self.conn.pragma_update(None, "wal_autocheckpoint", 1000);
        committed?;
        let path = self.path.clone();
        let checkpoint = move || -> rusqlite::Result<()> {
            let conn = Connection::open(&path)?;
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        };
        self.checkpoint = std::thread::Builder::new()
            .name("procure-checkpoint".into())
            .spawn(move || {
                // Not done now, it is done by the next commit or close.
                if let Err(e) = checkpoint() {
                    tracing::warn!(error = %e, "catalog cache checkpoint after a sync");
                }
            })
            .ok();
        Ok(())
    }

    /// Waits for the checkpoint of the last sync, if one is running.
    fn finish_checkpoint(&mut self) {
        if let Some(running) = self.checkpoint.take() {
            let _ = running.join();
        }
    }

    /// Undoes a sync, and gives back the room its pages took: pages a sync
    /// spilled stay in the WAL after a rollback, and a first sync that
    /// filled the disk would otherwise leave it full (a 2 MB
    /// `catalog.db-wal` on a 2 MB disk). The WAL is emptied when no other
    /// connection reads it; otherwise the next checkpoint does.
    pub fn rollback_sync(&mut self) {
        // SQLite may have rolled back already (a full disk does): nothing to undo then.
        let _ = self.conn.execute_batch("ROLLBACK");
        if let Err(e) = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "catalog cache WAL not emptied after a failed sync");
        }
    }

    pub fn clear_products(&self) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM products", []).map(|_| ()).map_err(self.err())
    }

    pub fn clear_prices(&self) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM prices", []).map(|_| ()).map_err(self.err())
    }

    pub fn put_products(&self, items: &[Product]) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                // A changed part is updated where it stands: its row and
                // the sku index stay put, so a re-sync touches one page per
                // part, not three.
                "INSERT INTO products (sku, mpn, gtin, manufacturer, name, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (sku) DO UPDATE SET mpn = excluded.mpn, gtin = excluded.gtin,
                   manufacturer = excluded.manufacturer, name = excluded.name, data = excluded.data",
            )
            .map_err(self.err())?;
        for p in items {
            let data = serde_json::to_string(p).map_err(|e| StoreError::Invalid(e.to_string()))?;
            stmt.execute(params![p.sku, p.mpn, p.gtin, p.manufacturer, p.name, data]).map_err(self.err())?;
        }
        Ok(())
    }

    /// Of `items`, those the search index would see change: new parts, and
    /// parts whose sku, type number, gtin, maker or name differ from the
    /// stored row (a change of stock or price alone is not one). Ask before
    /// storing them.
    pub fn search_changes<'a>(&self, items: &'a [Product]) -> Result<Vec<&'a Product>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT mpn, gtin, manufacturer, name FROM products WHERE sku = ?1")
            .map_err(self.err())?;
        let mut changed = Vec::new();
        for p in items {
            let stored = stmt
                .query_row([&p.sku], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .optional()
                .map_err(self.err())?;
            let same = stored.is_some_and(|(mpn, gtin, manufacturer, name): (String, String, String, String)| {
                mpn == p.mpn && gtin == p.gtin && manufacturer == p.manufacturer && name == p.name
            });
            if !same {
                changed.push(p);
            }
        }
        Ok(changed)
    }

    pub fn remove_products(&self, skus: &[String]) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached("DELETE FROM products WHERE sku = ?1").map_err(self.err())?;
        for s in skus {
            stmt.execute([s]).map_err(self.err())?;
        }
        Ok(())
    }

    pub fn put_prices(&self, items: &[PriceEntry]) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO prices (sku, data) VALUES (?1, ?2) ON CONFLICT (sku) DO UPDATE SET data = excluded.data",
            )
            .map_err(self.err())?;
        for e in items {
            let data = serde_json::to_string(e).map_err(|e| StoreError::Invalid(e.to_string()))?;
            stmt.execute(params![e.sku, data]).map_err(self.err())?;
        }
        Ok(())
    }

    pub fn remove_prices(&self, skus: &[String]) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached("DELETE FROM prices WHERE sku = ?1").map_err(self.err())?;
        for s in skus {
            stmt.execute([s]).map_err(self.err())?;
        }
        Ok(())
    }

    pub fn set_ordered(&self, items: &[OrderedSku]) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM ordered", []).map_err(self.err())?;
        let mut stmt = self
            .conn
            .prepare_cached("INSERT OR REPLACE INTO ordered (sku, times, last) VALUES (?1, ?2, ?3)")
            .map_err(self.err())?;
        for o in items {
            stmt.execute(params![o.sku, o.times, o.last_ordered.to_string()]).map_err(self.err())?;
        }
        Ok(())
    }

    pub fn set_meta(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        match value {
            Some(v) => self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", params![key, v]),
            None => self.conn.execute("DELETE FROM meta WHERE key = ?1", params![key]),
        }
        .map(|_| ())
        .map_err(self.err())
    }

    pub fn set_marks(&self, marks: &SyncMarks) -> Result<(), StoreError> {
        self.set_meta("etag", marks.etag.as_deref())?;
        self.set_meta("catalog_since", marks.catalog_since.as_deref())?;
        self.set_meta("prices_since", marks.prices_since.as_deref())?;
        self.set_meta("synced_at", marks.synced_at.as_deref())
    }

    pub fn set_me(&self, me: &Me) -> Result<(), StoreError> {
        let text = serde_json::to_string(me).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.set_meta("me", Some(&text))
    }

    pub fn set_price_header(&self, h: &PriceListHeader) -> Result<(), StoreError> {
        let text = serde_json::to_string(h).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.set_meta("price_header", Some(&text))
    }
}

impl Drop for CatalogCache {
    fn drop(&mut self) {
        self.finish_checkpoint();
    }
}

impl PartLookup for CatalogCache {
    fn product(&self, sku: &str) -> Option<Product> {
        self.get_product(sku).ok().flatten()
    }
    fn prices(&self, sku: &str) -> Option<PriceEntry> {
        self.get_prices(sku).ok().flatten()
    }
    fn currency(&self) -> String {
        self.price_header().ok().flatten().map(|h| h.currency).unwrap_or_else(|| "EUR".into())
    }
}
