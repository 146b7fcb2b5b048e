//! The local history of a supplier: its orders (whole: lines, promised
//! dates, shipments) and its invoices and credit notes, with the three-way
//! match of each, in one SQLite file beside the catalog cache
//! (`history.db`). It is a copy of what the supplier says, synced
//! incrementally, so expediting, invoices and the statement work instantly
//! and offline; a full sync rebuilds it. What only the buyer knows (goods
//! receipts) is kept apart, in the profile's data folder
//! (`store::receipts`).
//!
//! Besides each document as it came (JSON), the tables keep the few
//! columns the lists need, so `order late`, `invoice list --open` and the
//! statement read only open lines and open items, never every document:
//! `open_lines` holds the lines of open orders not fully shipped, and an
//! invoice row its amounts, status and match.

use super::StoreError;
use crate::api::{Invoice, InvoiceKind, Order, PaymentStatus};
use crate::core::matching::{Match, MatchStatus};
use chrono::NaiveDate;
use procure_protocol::terms::EarlyPayment;
use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::str::FromStr;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS orders (
    number TEXT PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL,
    uninvoiced TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS orders_uninvoiced ON orders (uninvoiced) WHERE uninvoiced != '0';
CREATE TABLE IF NOT EXISTS open_lines (
    number TEXT NOT NULL, line INTEGER NOT NULL, po_number TEXT NOT NULL, sku TEXT NOT NULL,
    name TEXT NOT NULL, quantity INTEGER NOT NULL, shipped INTEGER NOT NULL,
    requested TEXT, promised TEXT, PRIMARY KEY (number, line));
CREATE TABLE IF NOT EXISTS invoices (
    number TEXT PRIMARY KEY, kind TEXT NOT NULL, issue_date TEXT NOT NULL, due_date TEXT NOT NULL,
    orders TEXT NOT NULL, credits TEXT, currency TEXT NOT NULL, gross TEXT NOT NULL,
    paid TEXT NOT NULL, open TEXT NOT NULL, status TEXT NOT NULL, is_open INTEGER NOT NULL,
    disputed INTEGER NOT NULL, match TEXT NOT NULL, match_data TEXT NOT NULL, early_payment TEXT,
    data TEXT NOT NULL);
-- The open items as lists read them, in their order, from the index alone
-- (the rows themselves hold whole documents: a page or more each).
CREATE INDEX IF NOT EXISTS invoices_open ON invoices (is_open, issue_date, number, kind, due_date, orders,
    credits, currency, gross, paid, open, status, match, disputed, early_payment);
CREATE INDEX IF NOT EXISTS invoices_credits ON invoices (credits);
CREATE TABLE IF NOT EXISTS invoice_orders (
    order_number TEXT NOT NULL, invoice TEXT NOT NULL, PRIMARY KEY (order_number, invoice));
CREATE TABLE IF NOT EXISTS payments (
    invoice TEXT NOT NULL, date TEXT NOT NULL, amount TEXT NOT NULL, reference TEXT);
CREATE INDEX IF NOT EXISTS payments_date ON payments (date);
CREATE INDEX IF NOT EXISTS payments_invoice ON payments (invoice);
CREATE TABLE IF NOT EXISTS refused (
    number TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (number, reason));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

/// The layout of the tables, kept in the file's `user_version` (0: the
/// first layout, before it was kept). A history of another layout, older or
/// a newer procure's, is not read as if it were this one: being a copy of
/// what the supplier says, it is emptied, and the next refresh fetches
/// every document again (goods receipts are not in it; a Peppol profile's
/// disputes sent are kept with its orders). Bump it with every change of
/// `SCHEMA`.
const VERSION: i64 = 1;
/// Every table of `SCHEMA`.
const TABLES: [&str; 7] = ["orders", "open_lines", "invoices", "invoice_orders", "payments", "refused", "meta"];

/// One line of an open order that is not fully shipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenLine {
    pub number: String,
    pub line: u32,
    pub po_number: String,
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    pub shipped: u32,
    pub requested: Option<NaiveDate>,
    pub promised: Option<NaiveDate>,
}

/// An invoice or credit note as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct InvoiceRow {
    pub number: String,
    pub kind: InvoiceKind,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub order_numbers: Vec<String>,
    pub credits_invoice: Option<String>,
    pub currency: String,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub gross: Decimal,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub paid: Decimal,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub open: Decimal,
    pub status: PaymentStatus,
    #[serde(rename = "match")]
    pub match_status: MatchStatus,
    pub disputed: bool,
    /// The discount for paying early, as the document offers it (whether
    /// it still applies is the reader's to say).
    #[serde(skip)]
    pub early_payment: Option<EarlyPayment>,
}

/// A payment on an invoice, as the statement lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PaymentRow {
    pub invoice: String,
    pub date: NaiveDate,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub amount: Decimal,
    pub reference: Option<String>,
}

/// A document that arrived and was refused, with why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Refused {
    pub number: String,
    pub reason: String,
    pub at: String,
}

/// What an order adds up to for the statement and the lists, computed by
/// the caller's rules (`core`) when the order is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFigures {
    /// Gross ordered and not yet invoiced, while the order is open.
    pub uninvoiced: Decimal,
    /// Its lines still expected (order open, not fully shipped).
    pub open_lines: Vec<OpenLine>,
}

pub struct History {
    conn: Connection,
    path: PathBuf,
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn kind_str(k: InvoiceKind) -> &'static str {
    k.as_str()
}

fn kind_of(s: &str) -> InvoiceKind {
    if s == InvoiceKind::CreditNote.as_str() { InvoiceKind::CreditNote } else { InvoiceKind::Invoice }
}

fn status_of(s: &str) -> PaymentStatus {
    match s {
        "paid" => PaymentStatus::Paid,
        "partly_paid" => PaymentStatus::PartlyPaid,
        _ => PaymentStatus::Open,
    }
}

impl History {
    pub fn open(path: &Path) -> Result<History, StoreError> {
        if let Some(dir) = path.parent() {
            super::atomic::private_dir(dir)?;
        }
        super::atomic::private_file(path)?;
        let err = |source| StoreError::Cache { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(err)?;
        conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(err)?;
        let started = std::time::Instant::now();
        loop {
            let setup = conn
                .pragma_update(None, "journal_mode", "WAL")
                .and_then(|()| conn.pragma_update(None, "synchronous", "NORMAL"))
                .and_then(|()| Self::layout(&conn));
            match setup {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && started.elapsed() < std::time::Duration::from_secs(30) =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => break other.map_err(err)?,
            }
        }
        Ok(History { conn, path: path.to_path_buf() })
    }

    /// Creates the tables, or empties a history of another layout.
    fn layout(conn: &Connection) -> rusqlite::Result<()> {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version == VERSION {
            return Ok(());
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let done = (|| {
            // Read again: another process may have just done it.
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if version != VERSION {
                for t in TABLES {
                    conn.execute_batch(&format!("DROP TABLE IF EXISTS {t}"))?;
                }
                conn.execute_batch(SCHEMA)?;
                conn.pragma_update(None, "user_version", VERSION)?;
            }
            Ok(())
        })();
        match done {
            Ok(()) => conn.execute_batch("COMMIT"),
            Err(e) => {
                let _ = conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn err(&self) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Cache { path: self.path.clone(), source }
    }

    fn invalid(e: impl std::fmt::Display) -> StoreError {
        StoreError::Invalid(e.to_string())
    }

    /// Starts a write: the changes until `commit` land together or not at all.
    /// Another process writing the same history is waited for.
    pub fn begin(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(self.err())
    }

    pub fn commit(&self) -> Result<(), StoreError> {
        self.conn.execute_batch("COMMIT").map_err(self.err())
    }

    pub fn rollback(&self) {
        let _ = self.conn.execute_batch("ROLLBACK");
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")
            .and_then(|mut s| s.query_row([key], |r| r.get(0)).optional())
            .map_err(self.err())
    }

    pub fn set_meta(&self, key: &str, value: Option<&str>) -> Result<(), StoreError> {
        match value {
            Some(v) => self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", params![key, v]),
            None => self.conn.execute("DELETE FROM meta WHERE key = ?1", [key]),
        }
        .map(|_| ())
        .map_err(self.err())
    }

    // Orders.

    pub fn put_order(&self, o: &Order, figures: &OrderFigures) -> Result<(), StoreError> {
        let data = serde_json::to_string(o).map_err(Self::invalid)?;
        self.conn
            .prepare_cached(
                "INSERT INTO orders (number, created_at, status, uninvoiced, data) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (number) DO UPDATE SET created_at = excluded.created_at, status = excluded.status,
                   uninvoiced = excluded.uninvoiced, data = excluded.data",
            )
            .and_then(|mut s| {
                s.execute(params![
                    o.number,
                    o.created_at.to_rfc3339(),
                    o.status.as_str(),
                    // Normalised: nothing left is "0", which the index leaves out.
                    figures.uninvoiced.normalize().to_string(),
                    data
                ])
            })
            .map_err(self.err())?;
        self.conn
            .prepare_cached("DELETE FROM open_lines WHERE number = ?1")
            .and_then(|mut s| s.execute([&o.number]))
            .map_err(self.err())?;
        let mut ins = self
            .conn
            .prepare_cached(
                "INSERT OR REPLACE INTO open_lines (number, line, po_number, sku, name, quantity, shipped, requested, promised)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )
            .map_err(self.err())?;
        for l in &figures.open_lines {
            ins.execute(params![
                l.number,
                l.line,
                l.po_number,
                l.sku,
                l.name,
                l.quantity,
                l.shipped,
                l.requested.map(|d| d.to_string()),
                l.promised.map(|d| d.to_string())
            ])
            .map_err(self.err())?;
        }
        Ok(())
    }

    pub fn order(&self, number: &str) -> Result<Option<Order>, StoreError> {
        let data: Option<String> = self
            .conn
            .prepare_cached("SELECT data FROM orders WHERE number = ?1")
            .and_then(|mut s| s.query_row([number], |r| r.get(0)).optional())
            .map_err(self.err())?;
        data.map(|d| serde_json::from_str(&d).map_err(|e| self.corrupt(&format!("order {number}"), e))).transpose()
    }

    /// The one order whose number starts with `prefix` (8 characters or more).
    pub fn order_by_prefix(&self, prefix: &str) -> Result<Option<Order>, StoreError> {
        if prefix.chars().count() < 8 {
            return Ok(None);
        }
        let numbers: Vec<String> = self
            .conn
            .prepare_cached("SELECT number FROM orders WHERE substr(number, 1, length(?1)) = ?1 LIMIT 2")
            .and_then(|mut s| s.query_map([prefix], |r| r.get(0))?.collect())
            .map_err(self.err())?;
        match numbers.as_slice() {
            [one] => self.order(one),
            _ => Ok(None),
        }
    }

    fn corrupt(&self, what: &str, e: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            message: format!("{what} cannot be read ({e}); `procure sync` fetches it again"),
        }
    }

    /// Every line of an open order that is not fully shipped.
    pub fn open_lines(&self) -> Result<Vec<OpenLine>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT number, line, po_number, sku, name, quantity, shipped, requested, promised FROM open_lines",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(OpenLine {
                    number: r.get(0)?,
                    line: r.get(1)?,
                    po_number: r.get(2)?,
                    sku: r.get(3)?,
                    name: r.get(4)?,
                    quantity: r.get(5)?,
                    shipped: r.get(6)?,
                    requested: r.get::<_, Option<String>>(7)?.map(|s| day(&s)),
                    promised: r.get::<_, Option<String>>(8)?.map(|s| day(&s)),
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err())
    }

    /// Gross ordered and not yet invoiced, over the open orders.
    pub fn uninvoiced_total(&self) -> Result<Decimal, StoreError> {
        let mut stmt =
            self.conn.prepare_cached("SELECT uninvoiced FROM orders WHERE uninvoiced != '0'").map_err(self.err())?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(self.err())?;
        let mut sum = Decimal::ZERO;
        for r in rows {
            sum += dec(&r.map_err(self.err())?);
        }
        Ok(sum)
    }

    // Invoices.

    pub fn put_invoice(&self, inv: &Invoice, m: &Match) -> Result<(), StoreError> {
        let data = serde_json::to_string(inv).map_err(Self::invalid)?;
        let match_data = serde_json::to_string(m).map_err(Self::invalid)?;
        let early = inv.early_payment.as_ref().map(serde_json::to_string).transpose().map_err(Self::invalid)?;
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO invoices (number, kind, issue_date, due_date, orders, credits, currency, gross,
                   paid, open, status, is_open, disputed, match, match_data, early_payment, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    inv.number,
                    kind_str(inv.kind),
                    inv.issue_date.to_string(),
                    inv.due_date.to_string(),
                    inv.order_numbers.join("\n"),
                    inv.credits_invoice,
                    inv.totals.currency,
                    inv.totals.gross.to_string(),
                    inv.paid.to_string(),
                    inv.open.to_string(),
                    inv.status.as_str(),
                    !inv.open.is_zero(),
                    !inv.disputes.is_empty(),
                    m.status.as_str(),
                    match_data,
                    early,
                    data
                ])
            })
            .map_err(self.err())?;
        self.conn
            .prepare_cached("DELETE FROM invoice_orders WHERE invoice = ?1")
            .and_then(|mut s| s.execute([&inv.number]))
            .map_err(self.err())?;
        let mut orders: Vec<&str> = inv.order_numbers.iter().map(String::as_str).collect();
        orders.extend(inv.lines.iter().filter_map(|l| l.order_number.as_deref()));
        orders.sort_unstable();
        orders.dedup();
        for o in orders {
            self.conn
                .prepare_cached("INSERT OR IGNORE INTO invoice_orders (order_number, invoice) VALUES (?1, ?2)")
                .and_then(|mut s| s.execute([o, &inv.number]))
                .map_err(self.err())?;
        }
        self.conn
            .prepare_cached("DELETE FROM payments WHERE invoice = ?1")
            .and_then(|mut s| s.execute([&inv.number]))
            .map_err(self.err())?;
        for p in &inv.payments {
            self.conn
                .prepare_cached("INSERT INTO payments (invoice, date, amount, reference) VALUES (?1, ?2, ?3, ?4)")
                .and_then(|mut s| s.execute(params![inv.number, p.date.to_string(), p.amount.to_string(), p.reference]))
                .map_err(self.err())?;
        }
        self.conn
            .prepare_cached("DELETE FROM refused WHERE number = ?1")
            .and_then(|mut s| s.execute([&inv.number]))
            .map_err(self.err())?;
        Ok(())
    }

    pub fn set_match(&self, number: &str, m: &Match) -> Result<(), StoreError> {
        let match_data = serde_json::to_string(m).map_err(Self::invalid)?;
        self.conn
            .prepare_cached("UPDATE invoices SET match = ?2, match_data = ?3 WHERE number = ?1")
            .and_then(|mut s| s.execute(params![number, m.status.as_str(), match_data]))
            .map(|_| ())
            .map_err(self.err())
    }

    pub fn invoice(&self, number: &str) -> Result<Option<Invoice>, StoreError> {
        let data: Option<String> = self
            .conn
            .prepare_cached("SELECT data FROM invoices WHERE number = ?1")
            .and_then(|mut s| s.query_row([number], |r| r.get(0)).optional())
            .map_err(self.err())?;
        data.map(|d| serde_json::from_str(&d).map_err(|e| self.corrupt(&format!("invoice {number}"), e))).transpose()
    }

    fn documents(&self, sql: &str, key: &str) -> Result<Vec<Invoice>, StoreError> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(self.err())?;
        let rows = stmt.query_map([key], |r| r.get::<_, String>(0)).map_err(self.err())?;
        let mut out = Vec::new();
        for r in rows {
            let d = r.map_err(self.err())?;
            out.push(serde_json::from_str(&d).map_err(|e| self.corrupt("an invoice", e))?);
        }
        Ok(out)
    }

    /// The invoices and credit notes that bill an order.
    pub fn invoices_of_order(&self, order: &str) -> Result<Vec<Invoice>, StoreError> {
        self.documents(
            "SELECT i.data FROM invoice_orders o JOIN invoices i ON i.number = o.invoice WHERE o.order_number = ?1",
            order,
        )
    }

    /// The numbers of the invoices and credit notes that bill an order.
    pub fn invoice_numbers_of_order(&self, order: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT invoice FROM invoice_orders WHERE order_number = ?1 ORDER BY invoice")
            .map_err(self.err())?;
        let rows = stmt.query_map([order], |r| r.get(0)).map_err(self.err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err())
    }

    /// The credit notes that credit an invoice.
    pub fn credit_notes_of(&self, invoice: &str) -> Result<Vec<Invoice>, StoreError> {
        self.documents("SELECT data FROM invoices WHERE credits = ?1", invoice)
    }

    /// Invoices and credit notes as lists show them, newest first; only
    /// those with something open when `open_only`.
    pub fn invoice_rows(&self, open_only: bool) -> Result<Vec<InvoiceRow>, StoreError> {
        let sql = format!(
            "SELECT number, kind, issue_date, due_date, orders, credits, currency, gross, paid, open, status, match,
               disputed, early_payment FROM invoices {} ORDER BY issue_date DESC, number DESC",
            if open_only { "WHERE is_open = 1" } else { "" }
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| {
                let orders: String = r.get(4)?;
                Ok(InvoiceRow {
                    number: r.get(0)?,
                    kind: kind_of(&r.get::<_, String>(1)?),
                    issue_date: day(&r.get::<_, String>(2)?),
                    due_date: day(&r.get::<_, String>(3)?),
                    order_numbers: orders.split('\n').filter(|s| !s.is_empty()).map(str::to_string).collect(),
                    credits_invoice: r.get(5)?,
                    currency: r.get(6)?,
                    gross: dec(&r.get::<_, String>(7)?),
                    paid: dec(&r.get::<_, String>(8)?),
                    open: dec(&r.get::<_, String>(9)?),
                    status: status_of(&r.get::<_, String>(10)?),
                    match_status: MatchStatus::parse(&r.get::<_, String>(11)?).unwrap_or(MatchStatus::Held),
                    disputed: r.get(12)?,
                    early_payment: r
                        .get::<_, Option<String>>(13)?
                        .map(|e| serde_json::from_str(&e))
                        .transpose()
                        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(13, Type::Text, Box::new(e)))?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err())
    }

    /// Payments made on or after `since`, newest first.
    pub fn payments_since(&self, since: NaiveDate) -> Result<Vec<PaymentRow>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT invoice, date, amount, reference FROM payments WHERE date >= ?1 ORDER BY date DESC, invoice",
            )
            .map_err(self.err())?;
        let rows = stmt
            .query_map([since.to_string()], |r| {
                Ok(PaymentRow {
                    invoice: r.get(0)?,
                    date: day(&r.get::<_, String>(1)?),
                    amount: dec(&r.get::<_, String>(2)?),
                    reference: r.get(3)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err())
    }

    // Documents refused on arrival.

    pub fn put_refused(&self, number: &str, reason: &str, at: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO refused (number, reason, at) VALUES (?1, ?2, ?3)",
                params![number, reason, at],
            )
            .map(|_| ())
            .map_err(self.err())
    }

    pub fn refused(&self) -> Result<Vec<Refused>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT number, reason, at FROM refused ORDER BY at, number")
            .map_err(self.err())?;
        let rows = stmt
            .query_map([], |r| Ok(Refused { number: r.get(0)?, reason: r.get(1)?, at: r.get(2)? }))
            .map_err(self.err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::matching::tests::invoice;
    use crate::core::receipt::tests::order;
    use rust_decimal_macros::dec;

    fn matched() -> Match {
        Match { status: MatchStatus::Matched, lines: vec![], problems: vec![] }
    }

    #[test]
    fn orders_invoices_and_their_rows_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let h = History::open(&dir.path().join("history.db")).unwrap();
        let o = order("SO-1", &[("A", 10, 4, dec!(1.50))]);
        let line = OpenLine {
            number: "SO-1".into(),
            line: 1,
            po_number: "PO-1".into(),
            sku: "A".into(),
            name: "A".into(),
            quantity: 10,
            shipped: 4,
            requested: NaiveDate::from_ymd_opt(2026, 12, 1),
            promised: None,
        };
        h.begin().unwrap();
        h.put_order(&o, &OrderFigures { uninvoiced: dec!(17.85), open_lines: vec![line.clone()] }).unwrap();
        h.put_order(&o, &OrderFigures { uninvoiced: dec!(17.85), open_lines: vec![line.clone()] }).unwrap();
        let mut inv = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 4, dec!(1.50))]);
        inv.payments.push(crate::api::Payment {
            date: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            amount: dec!(1.00),
            reference: None,
        });
        inv.paid = dec!(1.00);
        inv.open = inv.totals.gross - inv.paid;
        h.put_invoice(&inv, &matched()).unwrap();
        let cn = invoice("CN-1", InvoiceKind::CreditNote, &[("A", Some(1), 1, dec!(1.50))]);
        h.put_invoice(&cn, &Match { status: MatchStatus::Held, ..matched() }).unwrap();
        h.set_meta("orders_since", Some("7")).unwrap();
        h.commit().unwrap();

        assert_eq!(h.order("SO-1").unwrap(), Some(o));
        assert_eq!(h.open_lines().unwrap(), vec![line]);
        assert_eq!(h.uninvoiced_total().unwrap(), dec!(17.85));
        assert_eq!(h.invoice("INV-1").unwrap(), Some(inv));
        assert_eq!(h.invoice_numbers_of_order("SO-1").unwrap(), ["CN-1", "INV-1"]);
        assert_eq!(h.credit_notes_of("INV-1").unwrap().len(), 1);
        let open: Vec<(String, MatchStatus)> =
            h.invoice_rows(true).unwrap().into_iter().map(|r| (r.number, r.match_status)).collect();
        assert_eq!(open, [("INV-1".to_string(), MatchStatus::Matched), ("CN-1".to_string(), MatchStatus::Held)]);
        assert_eq!(h.payments_since(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap().len(), 1);
        assert_eq!(h.meta("orders_since").unwrap().as_deref(), Some("7"));
        assert_eq!(h.order_by_prefix("SO-1").unwrap(), None, "a prefix is 8 characters or more");
    }

    #[test]
    fn a_history_of_another_layout_is_emptied_for_the_next_sync() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.db");
        {
            // The first layout (no version): the discount was only in the
            // document, so the statement read every open invoice whole.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE orders (
                     number TEXT PRIMARY KEY, created_at TEXT NOT NULL, status TEXT NOT NULL,
                     uninvoiced TEXT NOT NULL, data TEXT NOT NULL);
                 INSERT INTO orders VALUES ('SO-OLD-1', '2026-01-01T00:00:00Z', 'confirmed', '10', '{}');
                 CREATE TABLE invoices (
                     number TEXT PRIMARY KEY, kind TEXT NOT NULL, issue_date TEXT NOT NULL, due_date TEXT NOT NULL,
                     orders TEXT NOT NULL, credits TEXT, currency TEXT NOT NULL, gross TEXT NOT NULL,
                     paid TEXT NOT NULL, open TEXT NOT NULL, status TEXT NOT NULL, is_open INTEGER NOT NULL,
                     disputed INTEGER NOT NULL, match TEXT NOT NULL, match_data TEXT NOT NULL, data TEXT NOT NULL);
                 INSERT INTO invoices VALUES ('INV-OLD', 'invoice', '2026-01-01', '2026-01-31', 'SO-OLD-1', NULL,
                     'EUR', '10', '0', '10', 'open', 1, 0, 'matched', '{}', '{}');
                 CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 INSERT INTO meta VALUES ('invoices_since', '42');",
            )
            .unwrap();
        }
        let h = History::open(&path).unwrap();
        assert_eq!(h.meta("invoices_since").unwrap(), None, "the next sync starts over");
        assert!(h.invoice_rows(false).unwrap().is_empty());
        assert_eq!(h.uninvoiced_total().unwrap(), Decimal::ZERO);
        let mut inv = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 4, dec!(1.50))]);
        inv.early_payment = Some(EarlyPayment {
            until: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            percent: dec!(2),
            discount: dec!(0.14),
            amount: dec!(7.00),
        });
        h.put_invoice(&inv, &matched()).unwrap();
        drop(h);
        // Opened again, the layout is kept.
        let h = History::open(&path).unwrap();
        assert_eq!(h.invoice_rows(true).unwrap()[0].early_payment, inv.early_payment);
    }
}
