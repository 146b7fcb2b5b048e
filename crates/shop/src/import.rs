//! `procure shop import`: a supplier's catalog (and contract prices) from
//! CSV into the shop. Good rows load, bad rows are reported by line; a row
//! that changes nothing bumps nothing, so clients re-sync only real changes.

use super::db;
use anyhow::Context as _;
use procure_protocol::api::{Attribute, Document, DocumentKind, Product, Tier};
use procure_protocol::limits;
use rusqlite::{OptionalExtension, Transaction, params};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;
use std::str::FromStr;

/// Family of imported parts; every company sees it.
pub const IMPORTED_FAMILY: &str = "imported";
/// VAT rate of a part whose file gives none.
pub const DEFAULT_VAT_RATE: u32 = 19;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RowError {
    /// The file's name as given.
    pub file: String,
    /// 1-based line of the file; the header is line 1.
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, line {}: {}", self.file, self.line, self.reason)
    }
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    /// New parts.
    pub loaded: usize,
    /// Parts that existed and changed.
    pub updated: usize,
    /// Parts that existed and were identical.
    pub unchanged: usize,
    /// Rows refused, in both files.
    pub rejected: usize,
    /// (company, part) pairs whose contract tiers were set or changed.
    pub contract_prices: usize,
    pub errors: Vec<RowError>,
}

impl ImportReport {
    pub fn summary(&self) -> String {
        let mut s = format!("loaded {}, updated {}, rejected {}", self.loaded, self.updated, self.rejected);
        if self.unchanged > 0 {
            s.push_str(&format!(" ({} unchanged)", self.unchanged));
        }
        if self.contract_prices > 0 {
            s.push_str(&format!("; contract prices set for {} parts", self.contract_prices));
        }
        s
    }

    fn reject(&mut self, file: &str, line: u64, reason: impl Into<String>) {
        self.rejected += 1;
        self.errors.push(RowError { file: file.to_string(), line, reason: reason.into() });
    }
}

/// A record with its line, or the line and why it is unreadable.
type Record = Result<(u64, Vec<String>), (u64, String)>;

/// A CSV file's header row; its records are read one at a time
/// (`Records`), so a file of any size is never held in memory.
struct Table {
    name: String,
    headers: Vec<String>,
    /// Each header, ASCII-lowercased, to its first column.
    columns: HashMap<String, usize>,
    /// Columns that are not a known field: the part's attributes.
    attributes: Vec<usize>,
}

impl Table {
    fn open(path: &Path) -> anyhow::Result<(Table, Records)> {
        let reading = || format!("reading {}", path.display());
        let mut file = std::io::BufReader::with_capacity(1 << 16, File::open(path).with_context(reading)?);
        let mut first_line = Vec::new();
        file.read_until(b'\n', &mut first_line).with_context(reading)?;
        let bom = first_line.starts_with(b"\xEF\xBB\xBF");
        let first_line = if bom { &first_line[3..] } else { &first_line[..] };
        // Spreadsheet exports in many locales separate with `;`.
        let delimiter = if !first_line.contains(&b',') && first_line.contains(&b';') { b';' } else { b',' };
        file.seek(SeekFrom::Start(if bom { 3 } else { 0 })).with_context(reading)?;
        let window = Rc::new(RefCell::new(Window::default()));
        let tap = Tap { inner: file, window: Rc::clone(&window) };
        let mut reader =
            csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).trim(csv::Trim::All).from_reader(tap);
        let headers: Vec<String> = reader
            .headers()
            .with_context(|| format!("{}: reading the header row", path.display()))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut columns = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            columns.entry(h.to_ascii_lowercase()).or_insert(i);
        }
        let attributes = (0..headers.len())
            .filter(|i| {
                let h = &headers[*i];
                !KNOWN.iter().any(|k| h.eq_ignore_ascii_case(k)) && !h.is_empty()
            })
            .collect();
        let name =
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
        let records = Records {
            reader,
            lines: LineCounter { window, line: 1 },
            record: csv::StringRecord::new(),
            columns: headers.len(),
            path: path.display().to_string(),
        };
        Ok((Table { name, headers, columns, attributes }, records))
    }

    fn column(&self, name: &str) -> Option<usize> {
        match self.columns.get(name) {
            Some(i) => Some(*i),
            None if name.bytes().any(|b| b.is_ascii_uppercase()) => {
                self.columns.get(&name.to_ascii_lowercase()).copied()
            }
            None => None,
        }
    }
}

/// A CSV file's records, in order, with their lines; blank rows skipped.
struct Records {
    reader: csv::Reader<Tap>,
    lines: LineCounter,
    record: csv::StringRecord,
    columns: usize,
    path: String,
}

impl Records {
    /// The next record; an error only when the file itself cannot be read.
    fn next_record(&mut self) -> anyhow::Result<Option<Record>> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return Ok(None),
                Ok(true) => {
                    let r = &self.record;
                    let line = r.position().map(|p| self.lines.line_at(p.byte())).unwrap_or_default();
                    if r.iter().all(str::is_empty) {
                        continue;
                    }
                    if r.len() > self.columns {
                        return Ok(Some(Err((
                            line,
                            format!("{} cells, but the header has {} columns", r.len(), self.columns),
                        ))));
                    }
                    return Ok(Some(Ok((line, r.iter().map(str::to_string).collect()))));
                }
                Err(e) => {
                    if let csv::ErrorKind::Io(_) = e.kind() {
                        return Err(anyhow::Error::new(e).context(format!("reading {}", self.path)));
                    }
                    let line = e.position().map(|p| self.lines.line_at(p.byte())).unwrap_or_default();
                    return Ok(Some(Err((line, format!("unreadable row: {e}")))));
                }
            }
        }
    }
}

/// The bytes read from the file that the line count has not passed yet:
/// from `offset` (bytes since the start, after a BOM) on.
#[derive(Default)]
struct Window {
    bytes: VecDeque<u8>,
    offset: u64,
}

/// The file as the CSV reader reads it, keeping what it reads in the
/// window until the line count has passed it (the reader reads ahead by
/// its buffer only, so the window stays small).
struct Tap {
    inner: std::io::BufReader<File>,
    window: Rc<RefCell<Window>>,
}

impl Read for Tap {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.window.borrow_mut().bytes.extend(&buf[..n]);
        Ok(n)
    }
}

/// The file's own line numbers from byte offsets: a record starts on the
/// line after the newlines before it (LF or CRLF), blank lines skipped, and
/// a quoted field's newlines count. Offsets only grow, so this is linear.
struct LineCounter {
    window: Rc<RefCell<Window>>,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut w = self.window.borrow_mut();
        if byte > w.offset {
            let n = usize::try_from(byte - w.offset).unwrap_or(usize::MAX).min(w.bytes.len());
            self.line += w.bytes.drain(..n).filter(|b| *b == b'\n').count() as u64;
            w.offset += n as u64;
        }
        // The reader may place a record's start before the blank lines it skipped.
        while let Some(b @ (b'\r' | b'\n')) = w.bytes.front().copied() {
            self.line += u64::from(b == b'\n');
            w.bytes.pop_front();
            w.offset += 1;
        }
        self.line
    }
}

const KNOWN: [&str; 18] = [
    "sku",
    "name",
    "mpn",
    "manufacturer",
    "gtin",
    "description",
    "category",
    "unit",
    "pack_size",
    "min_qty",
    "order_step",
    "lead_time_days",
    "stock",
    "list_price",
    "vat_rate",
    "datasheet",
    "discontinued",
    "replaced_by",
];

/// One row's cells by column name.
struct Row<'a> {
    table: &'a Table,
    cells: &'a [String],
}

impl Row<'_> {
    /// The cell of a column, or None when the file has no such column.
    fn get(&self, column: &str) -> Option<&str> {
        self.table.column(column).map(|i| self.cells.get(i).map(String::as_str).unwrap_or(""))
    }

    fn number(&self, column: &str, default: u32) -> Result<Option<u32>, String> {
        match self.get(column) {
            None => Ok(None),
            Some("") => Ok(Some(default)),
            Some(v) => v.parse::<u32>().map(Some).map_err(|_| format!("bad number in column {column}: {v:?}")),
        }
    }

    fn amount(&self, column: &str) -> Result<Option<Decimal>, String> {
        match self.get(column) {
            None | Some("") => Ok(None),
            Some(v) => parse_amount(v).map(Some).map_err(|why| format!("bad number in column {column}: {v:?} ({why})")),
        }
    }
}

/// An amount as a supplier's file writes it: "12.50", or "12,50" from a
/// spreadsheet with a decimal comma. At most six decimals
/// (`limits::MAX_PRICE_DECIMALS`; trailing zeros do not count), not negative.
pub fn parse_amount(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    let t = if !t.contains('.') && t.matches(',').count() == 1 { t.replace(',', ".") } else { t.to_string() };
    let d = Decimal::from_str(&t).map_err(|_| "not a number".to_string())?;
    if d.is_sign_negative() {
        return Err("negative".into());
    }
    if d.normalize().scale() > limits::MAX_PRICE_DECIMALS {
        return Err(format!("more than {} decimals", limits::MAX_PRICE_DECIMALS));
    }
    Ok(d)
}

fn flag(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "" | "0" | "no" | "n" | "false" => Ok(false),
        "1" | "yes" | "y" | "true" | "x" => Ok(true),
        other => Err(format!("bad value in column discontinued: {other:?} (use yes or no)")),
    }
}

struct Existing {
    id: i64,
    data: String,
    list_tiers: String,
    vat_rate: String,
    deleted: bool,
}

/// The part a row describes: the existing part with the row's columns
/// applied (columns the file lacks keep their values), or a new part.
fn product_from_row(row: &Row<'_>, existing: Option<&Existing>) -> Result<(Product, String, String), String> {
    let sku = row.get("sku").unwrap_or("");
    if sku.is_empty() {
        return Err("missing sku".into());
    }
    if sku.chars().any(char::is_control) || sku.len() > 100 {
        return Err(format!("unusable sku {sku:?}"));
    }
    let name = row.get("name").unwrap_or("");
    if name.is_empty() {
        return Err("missing name".into());
    }
    let (mut p, mut tiers, mut vat) = match existing {
        Some(e) => (
            serde_json::from_str::<Product>(&e.data).map_err(|e| format!("stored part: {e}"))?,
            e.list_tiers.clone(),
            e.vat_rate.clone(),
        ),
        None => (
            Product {
                sku: sku.to_string(),
                mpn: String::new(),
                manufacturer: String::new(),
                gtin: String::new(),
                name: String::new(),
                description: String::new(),
                category: String::new(),
                unit: "pc".into(),
                pack_size: 1,
                min_qty: 1,
                order_step: 1,
                stock: 0,
                lead_time_days: 0,
                attributes: vec![],
                documents: vec![],
                replaced_by: None,
                discontinued: false,
            },
            String::new(),
            DEFAULT_VAT_RATE.to_string(),
        ),
    };
    p.name = name.to_string();
    let text = |col: &str, field: &mut String| {
        if let Some(v) = row.get(col) {
            *field = v.to_string();
        }
    };
    text("mpn", &mut p.mpn);
    text("manufacturer", &mut p.manufacturer);
    text("gtin", &mut p.gtin);
    text("description", &mut p.description);
    text("category", &mut p.category);
    if let Some(u) = row.get("unit") {
        p.unit = if u.is_empty() { "pc".into() } else { u.into() };
    }
    if let Some(n) = row.number("pack_size", 1)? {
        if n == 0 {
            return Err("pack_size must be at least 1".into());
        }
        p.pack_size = n;
    }
    if let Some(n) = row.number("min_qty", p.pack_size)? {
        p.min_qty = n.max(1);
    }
    if let Some(n) = row.number("order_step", 1)? {
        p.order_step = n.max(1);
    }
    if let Some(n) = row.number("lead_time_days", 0)? {
        p.lead_time_days = n;
    }
    if let Some(n) = row.number("stock", 0)? {
        p.stock = n;
    }
    if let Some(v) = row.get("discontinued") {
        p.discontinued = flag(v)?;
    }
    if let Some(v) = row.get("replaced_by") {
        p.replaced_by = (!v.is_empty()).then(|| v.to_string());
        if p.replaced_by.is_some() {
            p.discontinued = true;
        }
    }
    if let Some(url) = row.get("datasheet") {
        p.documents.retain(|d| d.kind != DocumentKind::Datasheet);
        if !url.is_empty() {
            p.documents
                .insert(0, Document { kind: DocumentKind::Datasheet, title: "Datasheet".into(), url: url.to_string() });
        }
    }
    if !row.table.attributes.is_empty() {
        p.attributes = row
            .table
            .attributes
            .iter()
            .filter_map(|i| {
                let v = row.cells.get(*i).map(String::as_str).unwrap_or("");
                (!v.is_empty()).then(|| Attribute { name: row.table.headers[*i].clone(), value: v.to_string() })
            })
            .collect();
    }
    limits::check_product(&p)?;
    match row.amount("list_price")? {
        Some(price) => {
            limits::check_list_price(price).map_err(|why| format!("list_{why}"))?;
            tiers = serde_json::to_string(&[Tier::new(1, price)]).map_err(|e| e.to_string())?;
        }
        // A new part without a price is price on request: listed, quotable, not orderable.
        None if existing.is_none() => tiers = "[]".to_string(),
        None => {}
    }
    if let Some(v) = row.amount("vat_rate")? {
        limits::check_vat_rate(v)?;
        vat = v.normalize().to_string();
    }
    Ok((p, tiers, vat))
}

fn existing(tx: &Transaction<'_>, sku: &str) -> rusqlite::Result<Option<Existing>> {
    tx.prepare_cached("SELECT id, data, list_tiers, vat_rate, deleted FROM products WHERE sku = ?1")?
        .query_row([sku], |r| {
            Ok(Existing {
                id: r.get(0)?,
                data: r.get(1)?,
                list_tiers: r.get(2)?,
                vat_rate: r.get(3)?,
                deleted: r.get(4)?,
            })
        })
        .optional()
}

/// The change counter value of this import, taken at its first change.
struct LazySeq(Option<i64>);

impl LazySeq {
    fn get(&mut self, tx: &Transaction<'_>) -> rusqlite::Result<i64> {
        match self.0 {
            Some(s) => Ok(s),
            None => {
                let s = db::next_seq(tx)?;
                self.0 = Some(s);
                Ok(s)
            }
        }
    }
}

/// Imports a catalog (and optionally contract prices) into the shop
/// database, creating it when missing. One transaction: a running shop sees
/// all of the import or none of it.
pub fn import(db_path: &Path, catalog: &Path, prices: Option<&Path>) -> anyhow::Result<ImportReport> {
    let (catalog_table, mut catalog_rows) = Table::open(catalog)?;
    for required in ["sku", "name"] {
        if catalog_table.column(required).is_none() {
            anyhow::bail!(
                "{}: the header row has no column {required:?} (found: {})",
                catalog.display(),
                catalog_table.headers.join(", ")
            );
        }
    }
    let mut price_table = prices.map(Table::open).transpose()?;
    if let (Some((t, _)), Some(path)) = (&price_table, prices) {
        for required in ["company", "sku", "min_qty", "unit_price"] {
            if t.column(required).is_none() {
                anyhow::bail!(
                    "{}: the header row has no column {required:?} (found: {})",
                    path.display(),
                    t.headers.join(", ")
                );
            }
        }
    }

    let mut conn = db::open(db_path)?;
    // A large import touches every page of the product table and its
    // indices: keep them in memory (64 MiB) until the one commit.
    conn.pragma_update(None, "cache_size", -65_536)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut seq = LazySeq(None);
    let mut report = ImportReport::default();
    tx.execute("INSERT INTO families (name, public) VALUES (?1, 1) ON CONFLICT (name) DO NOTHING", [IMPORTED_FAMILY])?;

    let mut seen: HashMap<String, u64> = HashMap::new();
    while let Some(row) = catalog_rows.next_record()? {
        let (line, cells) = match row {
            Ok((line, cells)) => (line, cells),
            Err((line, why)) => {
                report.reject(&catalog_table.name, line, why);
                continue;
            }
        };
        let row = Row { table: &catalog_table, cells: &cells };
        let sku = row.get("sku").unwrap_or("").to_string();
        if let Some(first) = seen.get(&sku) {
            report.reject(&catalog_table.name, line, format!("sku {sku:?} already appeared on line {first}"));
            continue;
        }
        let before = if sku.is_empty() { None } else { existing(&tx, &sku)? };
        let (product, tiers, vat) = match product_from_row(&row, before.as_ref()) {
            Ok(p) => p,
            Err(why) => {
                let why = if sku.is_empty() { why } else { format!("{sku}: {why}") };
                report.reject(&catalog_table.name, line, why);
                continue;
            }
        };
        seen.insert(sku.clone(), line);
        let data = serde_json::to_string(&product)?;
        match before {
            Some(b) if !b.deleted && b.data == data && b.list_tiers == tiers && b.vat_rate == vat => {
                report.unchanged += 1;
            }
            Some(b) => {
                let s = seq.get(&tx)?;
                tx.prepare_cached(
                    "UPDATE products SET data = ?1, list_tiers = ?2, vat_rate = ?3, seq = ?4, deleted = 0 WHERE id = ?5",
                )?
                .execute(params![data, tiers, vat, s, b.id])?;
                report.updated += 1;
            }
            None => {
                let s = seq.get(&tx)?;
                tx.prepare_cached(
                    "INSERT INTO products (sku, family, data, list_tiers, vat_rate, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![sku, IMPORTED_FAMILY, data, tiers, vat, s])?;
                report.loaded += 1;
            }
        }
    }

    if let Some((table, rows)) = &mut price_table {
        import_prices(&tx, table, rows, &mut seq, &mut report)?;
    }
    tx.commit()?;
    tracing::info!(summary = %report.summary(), "import done");
    Ok(report)
}

/// A (company id, product id) and a tier, or why the row is refused.
type PriceRow = Result<((i64, i64), Tier), String>;

fn price_row(tx: &Transaction<'_>, row: &Row<'_>, code: &str, sku: &str) -> anyhow::Result<PriceRow> {
    if code.is_empty() {
        return Ok(Err("missing company".into()));
    }
    if sku.is_empty() {
        return Ok(Err("missing sku".into()));
    }
    let company: Option<i64> =
        tx.prepare_cached("SELECT id FROM companies WHERE code = ?1")?.query_row([code], |r| r.get(0)).optional()?;
    let Some(company) = company else {
        return Ok(Err(format!("unknown company {code:?}")));
    };
    let product: Option<i64> = tx
        .prepare_cached("SELECT id FROM products WHERE sku = ?1 AND deleted = 0")?
        .query_row([sku], |r| r.get(0))
        .optional()?;
    let Some(product) = product else {
        return Ok(Err(format!("unknown sku {sku:?}")));
    };
    let min_qty = match row.number("min_qty", 0) {
        Ok(Some(n)) if n > limits::MAX_QUANTITY => {
            return Ok(Err(format!("min_qty {n} is too large (the most is {})", limits::MAX_QUANTITY)));
        }
        Ok(Some(n)) if n >= 1 => n,
        Ok(_) => return Ok(Err("min_qty must be at least 1".into())),
        Err(e) => return Ok(Err(e)),
    };
    let unit_price = match row.amount("unit_price") {
        Ok(Some(p)) => match limits::check_list_price(p) {
            Ok(()) => p,
            Err(why) => return Ok(Err(format!("unit_{why}"))),
        },
        Ok(None) => return Ok(Err("missing unit_price".into())),
        Err(e) => return Ok(Err(e)),
    };
    Ok(Ok(((company, product), Tier::new(min_qty, unit_price))))
}

/// Contract tiers from a price file: rows (company, sku, min_qty,
/// unit_price). The tiers given for a company and part replace its earlier
/// contract tiers for that part. They start where the supplier's price
/// breaks start (a reel at 4,000): below the first, the part cannot be
/// ordered (`QuantityRules` raises its minimum there).
fn import_prices(
    tx: &Transaction<'_>,
    table: &Table,
    rows: &mut Records,
    seq: &mut LazySeq,
    report: &mut ImportReport,
) -> anyhow::Result<()> {
    // (company id, product id) → its tiers with their lines
    let mut groups: BTreeMap<(i64, i64), Vec<(u64, Tier)>> = BTreeMap::new();
    while let Some(row) = rows.next_record()? {
        let (line, cells) = match row {
            Ok((line, cells)) => (line, cells),
            Err((line, why)) => {
                report.reject(&table.name, line, why);
                continue;
            }
        };
        let row = Row { table, cells: &cells };
        let code = row.get("company").unwrap_or("");
        let sku = row.get("sku").unwrap_or("");
        let parsed = price_row(tx, &row, code, sku)?;
        match parsed {
            Err(why) => report.reject(&table.name, line, why),
            Ok((key, tier)) => {
                let group = groups.entry(key).or_default();
                if let Some((first, _)) = group.iter().find(|(_, t)| t.min_qty == tier.min_qty) {
                    report.reject(
                        &table.name,
                        line,
                        format!("{code} {sku}: min_qty {} already given on line {first}", tier.min_qty),
                    );
                } else {
                    group.push((line, tier));
                }
            }
        }
    }
    for ((company, product), lines) in groups {
        let mut tiers: Vec<Tier> = lines.into_iter().map(|(_, t)| t).collect();
        tiers.sort_by_key(|t| t.min_qty);
        let json = serde_json::to_string(&tiers)?;
        let before: Option<String> = tx
            .prepare_cached("SELECT tiers FROM contract_prices WHERE company_id = ?1 AND product_id = ?2")?
            .query_row(params![company, product], |r| r.get(0))
            .optional()?;
        if before.as_deref() == Some(json.as_str()) {
            continue;
        }
        let s = seq.get(tx)?;
        tx.prepare_cached(
            "INSERT INTO contract_prices (company_id, product_id, tiers, seq) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (company_id, product_id) DO UPDATE SET tiers = excluded.tiers, seq = excluded.seq",
        )?
        .execute(params![company, product, json, s])?;
        report.contract_prices += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    /// Far beyond the reader's buffers, with blank lines, CRLF, a BOM and
    /// quoted newlines spread over it, every record keeps its own line.
    #[test]
    fn streamed_records_keep_their_lines_across_buffers() {
        let mut text = String::from("\u{feff}sku,name,description\r\n");
        let mut line = 2u64;
        let mut expected = Vec::new();
        for i in 0..40_000u64 {
            match i % 7 {
                0 => {
                    text.push_str("\n\r\n");
                    line += 2;
                }
                3 => {
                    expected.push((line, format!("S-{i}")));
                    text.push_str(&format!("S-{i},Part {i},\"one\ntwo\r\nthree\"\r\n"));
                    line += 3;
                    continue;
                }
                _ => {}
            }
            expected.push((line, format!("S-{i}")));
            text.push_str(&format!("S-{i},Part {i},plain\n"));
            line += 1;
        }
        assert!(text.len() > 1 << 20);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.csv");
        std::fs::write(&path, &text).unwrap();
        let (table, mut records) = Table::open(&path).unwrap();
        assert_eq!(table.headers, ["sku", "name", "description"]);
        let mut got = Vec::new();
        while let Some(r) = records.next_record().unwrap() {
            let (line, cells) = r.unwrap();
            got.push((line, cells[0].clone()));
        }
        assert_eq!(got.len(), expected.len());
        assert_eq!(got, expected);
    }

    #[test]
    fn amounts_from_spreadsheets() {
        assert_eq!(parse_amount("12.50"), Ok(dec!(12.50)));
        assert_eq!(parse_amount("12,50"), Ok(dec!(12.50)));
        assert_eq!(parse_amount("0.0834"), Ok(dec!(0.0834)));
        assert_eq!(parse_amount("0,00868"), Ok(dec!(0.00868)));
        assert_eq!(parse_amount("0.341460"), Ok(dec!(0.34146)));
        assert_eq!(parse_amount("0.0000010"), Ok(dec!(0.000001)), "trailing zeros do not count");
        assert_eq!(parse_amount("0.0000001"), Err("more than 6 decimals".to_string()));
        assert!(parse_amount("-1").is_err());
        assert!(parse_amount("abc").is_err());
    }
}
