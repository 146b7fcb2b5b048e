//! The shop's SQLite database: schema, the change sequence, and the shared
//! connection. Every query that reads company data takes the company id.
//!
//! Change tracking: `meta.seq` is a counter bumped once per write
//! transaction that changes what buyers see; changed rows carry that value in
//! their `seq` column. A sync token is the counter's value when a sync began,
//! so "changed since" is `seq > token`. Orders and invoices carry the seq of
//! their last change too, so a client pages through what changed
//! (`history`).
//!
//! Schema versions: 1 had no shipments or invoices; 2 adds `orders.seq`,
//! `orders.status` and `orders.uninvoiced` (kept beside the order's JSON
//! for the queries that select by them: history, credit), `invoices` and
//! `documents`. A version 1 database is brought up to 2 when it is opened.

use super::error::ShopError;
use anyhow::Context as _;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::path::Path;
use std::sync::{Arc, Mutex};

pub const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS companies (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name             TEXT NOT NULL,
    currency         TEXT NOT NULL,
    payment_terms    TEXT NOT NULL,
    billing_address  TEXT NOT NULL,   -- JSON api::Address
    ship_to          TEXT NOT NULL,   -- JSON [api::Address]
    shipping_methods TEXT NOT NULL,   -- JSON [api::ShippingMethod]
    contract_ref     TEXT,
    valid_from       TEXT NOT NULL,
    valid_to         TEXT,
    -- seq of the last change of what the company may see: older sync tokens get a full answer
    visibility_seq   INTEGER NOT NULL DEFAULT 0,
    -- seq of the last change of discounts or the price-list header: full price list
    pricing_seq      INTEGER NOT NULL DEFAULT 0,
    -- seq of the company's last order (ordered-skus changed)
    orders_seq       INTEGER NOT NULL DEFAULT 0
);
-- Families every company sees.
CREATE TABLE IF NOT EXISTS families (
    name   TEXT PRIMARY KEY,
    public INTEGER NOT NULL DEFAULT 0
);
-- Further families a company sees.
CREATE TABLE IF NOT EXISTS company_families (
    company_id INTEGER NOT NULL REFERENCES companies(id),
    family     TEXT NOT NULL,
    PRIMARY KEY (company_id, family)
);
-- Discount in percent on list prices, per company and family.
CREATE TABLE IF NOT EXISTS discounts (
    company_id INTEGER NOT NULL REFERENCES companies(id),
    family     TEXT NOT NULL,
    percent    TEXT NOT NULL,
    PRIMARY KEY (company_id, family)
);
CREATE TABLE IF NOT EXISTS users (
    id            INTEGER PRIMARY KEY,
    company_id    INTEGER NOT NULL REFERENCES companies(id),
    username      TEXT NOT NULL COLLATE NOCASE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    order_limit   TEXT,
    password_hash TEXT NOT NULL,
    UNIQUE (company_id, username)
);
CREATE TABLE IF NOT EXISTS tokens (
    hash       TEXT PRIMARY KEY,      -- SHA-256 of the bearer token
    user_id    INTEGER NOT NULL REFERENCES users(id),
    expires_at INTEGER NOT NULL       -- unix seconds
);
CREATE TABLE IF NOT EXISTS products (
    id         INTEGER PRIMARY KEY,
    sku        TEXT NOT NULL UNIQUE,
    family     TEXT NOT NULL,
    data       TEXT NOT NULL,         -- JSON api::Product
    list_tiers TEXT NOT NULL,         -- JSON [api::Tier]
    vat_rate   TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0   -- a tombstone for `removed`
);
CREATE INDEX IF NOT EXISTS products_family_seq ON products(family, seq);
-- What changed since a sync token, in any family.
CREATE INDEX IF NOT EXISTS products_seq ON products(seq);
-- Counting a company's visible parts without reading them.
CREATE INDEX IF NOT EXISTS products_family_deleted ON products(family, deleted);
CREATE TABLE IF NOT EXISTS contract_prices (
    company_id INTEGER NOT NULL REFERENCES companies(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    tiers      TEXT NOT NULL,         -- JSON [api::Tier]
    seq        INTEGER NOT NULL,
    PRIMARY KEY (company_id, product_id)
);
CREATE INDEX IF NOT EXISTS contract_prices_seq ON contract_prices(company_id, seq);
CREATE TABLE IF NOT EXISTS orders (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    number     TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    data       TEXT NOT NULL,         -- JSON api::Order
    seq        INTEGER NOT NULL DEFAULT 0,   -- of its last change
    status     TEXT NOT NULL DEFAULT '',     -- data's status
    uninvoiced TEXT                          -- gross not invoiced yet of an open order; NULL: none (credit)
);
CREATE INDEX IF NOT EXISTS orders_company ON orders(company_id, id);
CREATE TABLE IF NOT EXISTS order_lines (
    order_id   INTEGER NOT NULL REFERENCES orders(id),
    company_id INTEGER NOT NULL REFERENCES companies(id),
    sku        TEXT NOT NULL,
    quantity   INTEGER NOT NULL,
    ordered_on TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS order_lines_company ON order_lines(company_id, sku);
-- A company's credit limit; no row or NULL: no limit.
CREATE TABLE IF NOT EXISTS company_credit (
    company_id   INTEGER PRIMARY KEY REFERENCES companies(id),
    credit_limit TEXT
);
-- The supplier's contact for a company (sales contact, support line); none: `me` has no `supplier`.
CREATE TABLE IF NOT EXISTS supplier_contacts (
    company_id INTEGER PRIMARY KEY REFERENCES companies(id),
    data       TEXT NOT NULL          -- JSON api::SupplierContact
);
CREATE TABLE IF NOT EXISTS quotes (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    number     TEXT NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    data       TEXT NOT NULL,         -- JSON api::Quote
    created_at INTEGER NOT NULL       -- unix seconds
);
CREATE INDEX IF NOT EXISTS quotes_company ON quotes(company_id, id);
CREATE TABLE IF NOT EXISTS quote_keys (
    company_id INTEGER NOT NULL REFERENCES companies(id),
    key        TEXT NOT NULL,
    request    TEXT NOT NULL,         -- JSON api::QuoteRequest as first received
    quote_id   INTEGER NOT NULL REFERENCES quotes(id),
    PRIMARY KEY (company_id, key)
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
    company_id INTEGER NOT NULL REFERENCES companies(id),
    key        TEXT NOT NULL,
    draft      TEXT NOT NULL,         -- JSON api::OrderDraft as first received
    order_id   INTEGER NOT NULL REFERENCES orders(id),
    PRIMARY KEY (company_id, key)
);
-- Invoices and credit notes, each with its payments and disputes.
CREATE TABLE IF NOT EXISTS invoices (
    id         INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    number     TEXT NOT NULL UNIQUE,  -- INV-<COMPANY>-<serial>, CN-<COMPANY>-<serial>
    kind       TEXT NOT NULL,         -- api::InvoiceKind
    serial     INTEGER NOT NULL,
    credits    TEXT,                  -- a credit note: the number of the invoice it credits
    status     TEXT NOT NULL,         -- api::PaymentStatus
    open       TEXT NOT NULL,         -- data's open amount (credit)
    seq        INTEGER NOT NULL,      -- of its last change
    data       TEXT NOT NULL          -- JSON api::Invoice
);
-- Documents shipped with the goods (certificates), served to the order's company.
CREATE TABLE IF NOT EXISTS documents (
    id           TEXT PRIMARY KEY,    -- random, in the URL
    company_id   INTEGER NOT NULL REFERENCES companies(id),
    order_id     INTEGER NOT NULL REFERENCES orders(id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content      BLOB NOT NULL
);
"#;

/// Version 1 → 2: orders carry their change's seq, their status and what
/// of them is not invoiced yet (nothing was invoiced before version 2: the
/// gross of the open ones).
const MIGRATE_1_TO_2: &str = "
ALTER TABLE orders ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN uninvoiced TEXT;
UPDATE orders SET status = COALESCE(json_extract(data, '$.status'), '');
UPDATE orders SET uninvoiced = json_extract(data, '$.totals.gross')
 WHERE status IN ('placed', 'pending_approval', 'confirmed', 'partly_shipped', 'shipped');
";

/// Indexes on the columns of version 2 (after a migration has added them).
const INDEXES: &str = "
-- What changed since a sync token, oldest change first (`history`).
CREATE INDEX IF NOT EXISTS orders_company_seq ON orders(company_id, seq, id);
CREATE INDEX IF NOT EXISTS orders_company_status ON orders(company_id, status);
-- The open orders a company's credit counts.
CREATE INDEX IF NOT EXISTS orders_uninvoiced ON orders(company_id) WHERE uninvoiced IS NOT NULL;
CREATE INDEX IF NOT EXISTS invoices_company_seq ON invoices(company_id, seq, id);
CREATE INDEX IF NOT EXISTS invoices_company_status ON invoices(company_id, status);
CREATE INDEX IF NOT EXISTS invoices_serial ON invoices(company_id, kind, serial);
CREATE INDEX IF NOT EXISTS invoices_credits ON invoices(credits);
";

/// Opens (creating when missing) a shop database and brings its schema up.
pub fn open(path: &Path) -> anyhow::Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating the directory {}", dir.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    // Password hashes and contract prices: the file (and SQLite's -wal and
    // -shm files, which take its mode) readable by the shop's user alone.
    {
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
            opts.mode(0o600);
            opts.open(path).with_context(|| format!("opening the shop database {}", path.display()))?;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        }
        #[cfg(not(unix))]
        opts.open(path).with_context(|| format!("opening the shop database {}", path.display()))?;
    }
    let mut conn = Connection::open(path).with_context(|| format!("opening the shop database {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute_batch(SCHEMA).context("creating the shop schema")?;
    let version: Option<String> =
        tx.query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0)).optional()?;
    match version.as_deref().map(str::parse::<i64>) {
        None => {
            let instance = hex::encode(super::auth::random_bytes::<8>()?);
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?1), ('seq', '0'), ('instance', ?2)",
                params![SCHEMA_VERSION.to_string(), instance],
            )?;
        }
        Some(Ok(1)) => {
            tx.execute_batch(MIGRATE_1_TO_2).context("bringing the shop schema from version 1 to 2")?;
            tx.execute("UPDATE meta SET value = ?1 WHERE key = 'schema_version'", [SCHEMA_VERSION.to_string()])?;
            tracing::info!(db = %path.display(), "shop schema brought from version 1 to 2");
        }
        Some(Ok(SCHEMA_VERSION)) => {}
        Some(other) => anyhow::bail!(
            "{} has shop schema version {other:?}; this procure understands version {SCHEMA_VERSION}",
            path.display()
        ),
    }
    tx.execute_batch(INDEXES).context("creating the shop's indexes")?;
    tx.commit()?;
    Ok(conn)
}

/// The connection shared by the request handlers. SQLite writes one at a
/// time anyway; blocking work runs on tokio's blocking pool.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    pub fn new(conn: Connection) -> Self {
        Db { conn: Arc::new(Mutex::new(conn)) }
    }

    pub async fn run<T, F>(&self, f: F) -> Result<T, ShopError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, ShopError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            // A request that panicked (a 500 for that request alone) left the
            // lock poisoned; its transaction rolled back when it unwound, so
            // the connection is sound: take it back rather than failing
            // every later request of every company.
            let mut guard = conn.lock().unwrap_or_else(|poisoned| {
                conn.clear_poison();
                poisoned.into_inner()
            });
            if !guard.is_autocommit() {
                tracing::warn!("a failed request left a transaction open; rolling it back");
                guard.execute_batch("ROLLBACK")?;
            }
            f(&mut guard)
        })
        .await
        .map_err(|e| anyhow::anyhow!("database task failed: {e}"))?
    }
}

/// The value of the change counter as committed.
pub fn current_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'", [], |r| r.get(0))
}

/// Bumps the change counter inside a write transaction; every row changed
/// by this transaction takes the returned value.
pub fn next_seq(tx: &Transaction<'_>) -> rusqlite::Result<i64> {
    tx.query_row(
        "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'seq' RETURNING CAST(value AS INTEGER)",
        [],
        |r| r.get(0),
    )
}

/// Random id of this database, so a sync token of another (e.g. re-seeded)
/// database is recognised and answered with a full sync.
pub fn instance(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row("SELECT value FROM meta WHERE key = 'instance'", [], |r| r.get(0))
}

/// SQL condition: product `p` is visible to company `?company`.
pub const VISIBLE: &str = "p.family IN (SELECT family FROM company_families WHERE company_id = :company \
     UNION SELECT name FROM families WHERE public = 1)";

/// `VISIBLE` for queries that walk the products by id: the unary `+` keeps
/// SQLite from answering through the family index, which would read and
/// sort every visible product for each page.
pub const VISIBLE_BY_ID: &str = "+p.family IN (SELECT family FROM company_families WHERE company_id = :company \
     UNION SELECT name FROM families WHERE public = 1)";

/// The families a company sees.
pub fn visible_families(conn: &Connection, company_id: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT family FROM company_families WHERE company_id = ?1 UNION SELECT name FROM families WHERE public = 1",
    )?;
    let rows = stmt.query_map([company_id], |r| r.get(0))?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database of version 1 (orders without `seq` and `status`, no
    /// invoices or documents) is brought up to version 2 when opened; its
    /// orders keep their data and get their status.
    #[test]
    fn a_version_1_database_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.db");
        {
            let conn = open(&path).unwrap();
            conn.execute_batch(
                "INSERT INTO companies (id, code, name, currency, payment_terms, billing_address, ship_to,
                    shipping_methods, valid_from) VALUES (1, 'ACME', 'Acme', 'EUR', '30 days net', '{}', '[]', '[]', '2026-01-01');
                 INSERT INTO users (id, company_id, username, name, role, password_hash) VALUES (1, 1, 'b', 'B', 'buyer', 'x');
                 INSERT INTO orders (id, company_id, number, user_id, data) VALUES (1, 1, 'SO-ACME-1001', 1, '{\"status\":\"delivered\"}');
                 INSERT INTO orders (id, company_id, number, user_id, data)
                   VALUES (2, 1, 'SO-ACME-1002', 1, '{\"status\":\"placed\",\"totals\":{\"gross\":\"95.32\"}}');
                 DROP INDEX orders_company_seq; DROP INDEX orders_company_status; DROP INDEX orders_uninvoiced;
                 ALTER TABLE orders DROP COLUMN seq; ALTER TABLE orders DROP COLUMN status;
                 ALTER TABLE orders DROP COLUMN uninvoiced;
                 DROP TABLE invoices; DROP TABLE documents;
                 UPDATE meta SET value = '1' WHERE key = 'schema_version';",
            )
            .unwrap();
        }
        let conn = open(&path).unwrap();
        let version: String =
            conn.query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0)).unwrap();
        assert_eq!(version, "2");
        let (seq, status, uninvoiced): (i64, String, Option<String>) = conn
            .query_row("SELECT seq, status, uninvoiced FROM orders WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((seq, status.as_str(), uninvoiced), (0, "delivered", None), "delivered: settled");
        let placed: Option<String> =
            conn.query_row("SELECT uninvoiced FROM orders WHERE id = 2", [], |r| r.get(0)).unwrap();
        assert_eq!(placed.as_deref(), Some("95.32"), "an open order counts with its gross");
        let n: i64 = conn
            .query_row("SELECT (SELECT COUNT(*) FROM invoices) + (SELECT COUNT(*) FROM documents)", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "the new tables are there");
        drop(conn);
        // A newer version than this procure knows is refused, not guessed at.
        let conn = Connection::open(&path).unwrap();
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'", []).unwrap();
        drop(conn);
        let e = open(&path).unwrap_err().to_string();
        assert!(e.contains("understands version 2"), "{e}");
    }

    /// A request that panics (inside a transaction, even) fails alone: the
    /// next request of anyone gets a working connection.
    #[tokio::test]
    async fn a_panic_in_one_request_does_not_poison_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::new(open(&dir.path().join("shop.db")).unwrap());
        let failed = db
            .run(|conn| -> Result<(), ShopError> {
                let tx = conn.transaction()?;
                tx.execute("INSERT INTO meta (key, value) VALUES ('half', 'done')", [])?;
                panic!("a bug in one handler");
            })
            .await;
        assert!(matches!(failed, Err(ShopError::Internal(_))));
        let half: Option<String> = db
            .run(|conn| Ok(conn.query_row("SELECT value FROM meta WHERE key = 'half'", [], |r| r.get(0)).optional()?))
            .await
            .unwrap();
        assert_eq!(half, None, "the panicking request's writes were rolled back");
        assert!(db.run(|conn| Ok(current_seq(conn)?)).await.is_ok());
    }
}
