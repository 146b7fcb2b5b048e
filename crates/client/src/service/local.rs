//! The local history of a supplier's orders and invoices (`store::history`),
//! kept in step with the shop: `procure sync` and the order and invoice
//! commands bring it up to date (only what changed since the last time,
//! where the shop has change feeds: one request when nothing did), and when
//! the shop does not answer the commands show it as it is, marked with its
//! date (`Freshness`).
//!
//! Every invoice and credit note is checked as it arrives: one that cannot
//! be used (`core::invoices::check`), a different document under a number
//! already kept, or a credit note larger than what is left of its invoice
//! is refused, recorded with why, and changes nothing; the others are
//! matched (`core::matching`) and stored with their match. A change to an
//! order, an invoice or a goods receipt matches again the documents it
//! touches.

use super::{Error, ErrorKind, Result, Supplier};
use crate::api::{Invoice, InvoiceKind, Order, OrderPage};
use crate::backend::BackendError;
use crate::core::matching::{self, LineFacts, Match, OrderFacts, Tolerances};
use crate::core::{expediting, invoices as checks, receipt, statement};
use crate::store::history::{History, OpenLine, OrderFigures};
use crate::store::receipts::ReceiptStore;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Whether what a command shows is the shop's state now, or the local copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Freshness {
    /// When the local copy was last brought up to date with the shop
    /// (`None`: never).
    pub as_of: Option<DateTime<Utc>>,
    /// The shop did not answer (or the session expired): this is the local
    /// copy as of `as_of`.
    pub offline: bool,
}

impl Freshness {
    /// "" when fresh, else "offline: as of 2026-12-06 14:02 UTC".
    pub fn note(&self) -> Option<String> {
        self.offline.then(|| match self.as_of {
            Some(at) => format!("offline: shown as of {}", at.format("%Y-%m-%d %H:%M UTC")),
            None => "offline: nothing synced yet".to_string(),
        })
    }
}

/// One supplier's part in a list across suppliers: how fresh what it gave
/// is, or why it gave nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub supplier: String,
    pub as_of: Option<DateTime<Utc>>,
    pub offline: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Source {
    pub fn of(supplier: &str, f: Freshness) -> Source {
        Source { supplier: supplier.to_string(), as_of: f.as_of, offline: f.offline, error: None }
    }

    pub fn failed(supplier: &str, e: &Error) -> Source {
        Source { supplier: supplier.to_string(), as_of: None, offline: false, error: Some(e.to_string()) }
    }
}

/// The freshness of a list across suppliers: the oldest copy shown, and
/// whether any was shown offline.
pub fn across(sources: &[Source]) -> Freshness {
    let shown = sources.iter().filter(|s| s.error.is_none());
    Freshness { as_of: shown.clone().filter_map(|s| s.as_of).min(), offline: shown.clone().any(|s| s.offline) }
}

/// Which of the history's feeds a command needs fresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feeds {
    Orders,
    /// Orders and invoices (the orders they are matched against).
    All,
}

/// A document refused on arrival, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedDoc {
    pub number: String,
    pub reason: String,
}

/// What a refresh brought.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Refreshed {
    pub orders_changed: usize,
    pub invoices_changed: usize,
    pub refused: Vec<RefusedDoc>,
    pub requests: usize,
}

const ORDERS_SINCE: &str = "orders_since";
const ORDERS_AT: &str = "orders_at";
const INVOICES_SINCE: &str = "invoices_since";
const INVOICES_AT: &str = "invoices_at";

/// The most pages one refresh follows per feed.
const MAX_PAGES: usize = 10_000;

fn time(v: Option<String>) -> Option<DateTime<Utc>> {
    v.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()).map(|t| t.with_timezone(&Utc))
}

/// When the feeds a command needs were last brought up to date.
fn as_of(h: &History, feeds: Feeds) -> Result<Option<DateTime<Utc>>> {
    let orders = time(h.meta(ORDERS_AT)?);
    Ok(match feeds {
        Feeds::Orders => orders,
        Feeds::All => match (orders, time(h.meta(INVOICES_AT)?)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
    })
}

/// The local copy as it is, without asking the shop (the app shows it at
/// once, then refreshes).
pub fn freshness(sup: &Supplier, feeds: Feeds) -> Result<Freshness> {
    Ok(Freshness { as_of: as_of(&sup.history()?, feeds)?, offline: true })
}

/// Whether an error means the shop could not be asked (the local copy is shown).
fn away(e: &Error) -> bool {
    e.kind() == ErrorKind::Unreachable
}

struct Fetched {
    orders: Option<(Vec<Order>, String)>,
    invoices: Option<(Vec<Invoice>, String)>,
    requests: usize,
}

/// Follows a feed's pages: each cursor new, at most `MAX_PAGES`.
struct Pages {
    what: &'static str,
    seen: HashSet<String>,
}

impl Pages {
    /// The cursor of the page to read next (`None`: this was the last),
    /// refused when the feed comes back to a page it gave or goes on too long.
    fn next(&mut self, next_cursor: Option<String>) -> Result<Option<String>> {
        let Some(cursor) = next_cursor else { return Ok(None) };
        if !self.seen.insert(cursor.clone()) || self.seen.len() >= MAX_PAGES {
            return Err(BackendError::Protocol(format!(
                "the shop's {} feed repeats a cursor or never ends; nothing of it was kept",
                self.what
            ))
            .into());
        }
        Ok(Some(cursor))
    }
}

async fn fetch_orders(sup: &Supplier, since: Option<&str>, requests: &mut usize) -> Result<(Vec<Order>, String)> {
    let incremental = sup.capabilities().order_changes;
    let since = if incremental { since.filter(|s| !s.is_empty()) } else { None };
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = Pages { what: "order", seen: HashSet::new() };
    let mut fallback = false;
    loop {
        *requests += 1;
        let page: OrderPage = if fallback {
            crate::backend::every_order(&*sup.backend, cursor.as_deref()).await?
        } else {
            match sup.backend.order_changes(since, cursor.as_deref()).await {
                // A shop without the change feed: its order list, each order read.
                Err(BackendError::NotFound(_)) if cursor.is_none() && incremental => {
                    fallback = true;
                    continue;
                }
                other => other?,
            }
        };
        items.extend(page.items);
        cursor = pages.next(page.next_cursor)?;
        if cursor.is_none() {
            return Ok((items, page.sync_token));
        }
    }
}

async fn fetch_invoices(
    sup: &Supplier,
    since: Option<&str>,
    requests: &mut usize,
) -> Result<Option<(Vec<Invoice>, String)>> {
    let since = if sup.capabilities().order_changes { since.filter(|s| !s.is_empty()) } else { None };
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = Pages { what: "invoice", seen: HashSet::new() };
    loop {
        *requests += 1;
        let page = match sup.backend.invoices(since, cursor.as_deref()).await {
            // A shop without invoices.
            Err(BackendError::NotFound(_) | BackendError::Unsupported(_)) if cursor.is_none() => return Ok(None),
            other => other?,
        };
        items.extend(page.items);
        cursor = pages.next(page.next_cursor)?;
        if cursor.is_none() {
            return Ok(Some((items, page.sync_token)));
        }
    }
}

/// Brings the local history up to date with the shop where it answers;
/// where it does not (or the session expired), says the local copy is what
/// is shown. Fails only when there is no local copy to show.
pub async fn refresh(sup: &Supplier, feeds: Feeds) -> Result<(Freshness, Refreshed)> {
    let h = sup.history()?;
    let had = as_of(&h, feeds)?;
    let offline = |e: Error| match had {
        Some(at) => {
            tracing::info!(error = %e, "the shop did not answer: the local history is shown");
            Ok((Freshness { as_of: Some(at), offline: true }, Refreshed::default()))
        }
        None => Err(e),
    };
    if let Err(e) = sup.require_login() {
        return offline(e);
    }
    let (orders_since, invoices_since) = (h.meta(ORDERS_SINCE)?, h.meta(INVOICES_SINCE)?);
    let want_invoices = feeds == Feeds::All && sup.capabilities().invoices;
    // Both feeds at once: one round trip's wait, not two.
    let fetched = async {
        let (mut orders_requests, mut invoice_requests) = (0, 0);
        let orders = fetch_orders(sup, orders_since.as_deref(), &mut orders_requests);
        let invoices = async {
            if want_invoices {
                fetch_invoices(sup, invoices_since.as_deref(), &mut invoice_requests).await
            } else {
                Ok(None)
            }
        };
        let (orders, invoices) = tokio::join!(orders, invoices);
        let (orders, invoices) = (orders?, invoices?);
        Ok::<_, Error>(Fetched { orders: Some(orders), invoices, requests: orders_requests + invoice_requests })
    }
    .await;
    let fetched = match fetched {
        Ok(f) => f,
        Err(e) if away(&e) => return offline(e),
        Err(e) => return Err(e),
    };
    let now = sup.clock.now();
    let report = apply(sup, &h, fetched, (orders_since, invoices_since), now)?;
    Ok((Freshness { as_of: Some(now), offline: false }, report))
}

/// Brings both feeds up to date, for `procure sync`: what changed.
pub async fn sync(sup: &Supplier) -> Result<Refreshed> {
    Ok(refresh(sup, Feeds::All).await?.1)
}

/// Stores what was fetched, in one transaction.
fn apply(
    sup: &Supplier,
    h: &History,
    f: Fetched,
    tokens: (Option<String>, Option<String>),
    now: DateTime<Utc>,
) -> Result<Refreshed> {
    let mut report = Refreshed { requests: f.requests, ..Default::default() };
    h.begin()?;
    let done = (|| -> Result<()> {
        // Another process refreshed meanwhile: what it stored is at least as new.
        if (h.meta(ORDERS_SINCE)?, h.meta(INVOICES_SINCE)?) != tokens {
            return Ok(());
        }
        let today = sup.clock.today();
        let mut touched_orders: BTreeSet<String> = BTreeSet::new();
        let mut touched: BTreeSet<String> = BTreeSet::new();
        if let Some((orders, token)) = &f.orders {
            for o in orders {
                h.put_order(o, &figures(o))?;
                touched_orders.insert(o.number.clone());
            }
            report.orders_changed = orders.len();
            h.set_meta(ORDERS_SINCE, Some(token))?;
            h.set_meta(ORDERS_AT, Some(&now.to_rfc3339()))?;
        }
        if let Some((invoices, token)) = &f.invoices {
            for inv in invoices {
                match admit(h, inv, today)? {
                    Ok(()) => {
                        h.put_invoice(inv, &provisional())?;
                        touched.insert(inv.number.clone());
                        touched_orders.extend(inv.order_numbers.iter().cloned());
                        touched_orders.extend(inv.lines.iter().filter_map(|l| l.order_number.clone()));
                        if let Some(c) = &inv.credits_invoice {
                            touched.insert(c.clone());
                        }
                        report.invoices_changed += 1;
                    }
                    Err(reason) => {
                        tracing::warn!(invoice = %inv.number, %reason, "invoice refused");
                        h.put_refused(&inv.number, &reason, &now.to_rfc3339())?;
                        report.refused.push(RefusedDoc { number: inv.number.clone(), reason });
                    }
                }
            }
            h.set_meta(INVOICES_SINCE, Some(token))?;
            h.set_meta(INVOICES_AT, Some(&now.to_rfc3339()))?;
        }
        for o in &touched_orders {
            touched.extend(h.invoice_numbers_of_order(o)?);
        }
        let credit_notes: Vec<String> = touched
            .iter()
            .map(|n| h.credit_notes_of(n).map(|v| v.into_iter().map(|c| c.number).collect::<Vec<_>>()))
            .collect::<std::result::Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect();
        touched.extend(credit_notes);
        rematch(h, &sup.receipts(), &sup.tolerances(), &touched)
    })();
    match done {
        Ok(()) => {
            h.commit()?;
            Ok(report)
        }
        Err(e) => {
            h.rollback();
            Err(e)
        }
    }
}

/// Whether an arriving document may be stored: `Err(why)` when refused.
fn admit(h: &History, inv: &Invoice, today: chrono::NaiveDate) -> Result<std::result::Result<(), String>> {
    let doc = match inv.kind {
        InvoiceKind::Invoice => "invoice",
        InvoiceKind::CreditNote => "credit note",
    };
    if let Err(why) = checks::check(inv, today) {
        return Ok(Err(format!("{doc} {}: {why}; it was not kept", inv.number)));
    }
    if let Some(old) = h.invoice(&inv.number)?
        && !checks::same_document(&old, inv)
    {
        return Ok(Err(format!(
            "{doc} {} arrived again with other {}; the one of {} is kept",
            inv.number,
            checks::differences(&old, inv),
            old.issue_date
        )));
    }
    if inv.kind == InvoiceKind::CreditNote
        && let Some(of) = inv.credits_invoice.as_deref()
        && let Some(credited) = h.invoice(of)?
    {
        let others: rust_decimal::Decimal =
            h.credit_notes_of(of)?.iter().filter(|c| c.number != inv.number).map(|c| c.totals.gross).sum();
        if others + inv.totals.gross > credited.totals.gross {
            return Ok(Err(format!(
                "credit note {} credits {} {} of invoice {of}, of which {} {} is left to credit; it was not kept",
                inv.number,
                crate::core::money::format_amount(inv.totals.gross),
                inv.totals.currency,
                crate::core::money::format_amount(credited.totals.gross - others),
                inv.totals.currency
            )));
        }
    }
    Ok(Ok(()))
}

fn provisional() -> Match {
    Match { status: matching::MatchStatus::Held, lines: vec![], problems: vec![] }
}

/// What the lists need of an order, by the core's rules.
pub(crate) fn figures(o: &Order) -> OrderFigures {
    let open = expediting::order_open(o.status);
    let open_lines = if open {
        o.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.quantity > 0 && l.shipped < l.quantity)
            .map(|(i, l)| OpenLine {
                number: o.number.clone(),
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                po_number: o.po_number.clone(),
                sku: l.sku.clone(),
                name: l.name.clone(),
                quantity: l.quantity,
                shipped: l.shipped,
                requested: o.requested_delivery_date,
                promised: l.promised_delivery,
            })
            .collect()
    } else {
        vec![]
    };
    OrderFigures { uninvoiced: statement::uninvoiced(o), open_lines }
}

/// The facts of orders and the documents of each, read once per rematch.
struct Facts<'a> {
    h: &'a History,
    receipts: &'a ReceiptStore,
    orders: HashMap<String, Option<OrderFacts>>,
    documents: HashMap<String, Vec<Invoice>>,
}

impl Facts<'_> {
    fn load(&mut self, number: &str) -> Result<()> {
        if self.orders.contains_key(number) {
            return Ok(());
        }
        let facts = match self.h.order(number)? {
            Some(o) => {
                let got = match self.receipts.read(number) {
                    Ok(r) => receipt::received(&o, &r),
                    Err(e) => {
                        tracing::warn!(order = number, error = %e, "goods receipts not readable; matched as none");
                        vec![0; o.lines.len()]
                    }
                };
                Some(order_facts(&o, &got))
            }
            None => None,
        };
        self.orders.insert(number.to_string(), facts);
        self.documents.insert(number.to_string(), self.h.invoices_of_order(number)?);
        Ok(())
    }
}

pub(crate) fn order_facts(o: &Order, received: &[u32]) -> OrderFacts {
    OrderFacts {
        number: o.number.clone(),
        lines: o
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| LineFacts {
                sku: l.sku.clone(),
                quantity: l.quantity,
                // Invoices bill a price per unit: the order's, per unit.
                unit_price: l.unit_price_each(),
                received: received.get(i).copied().unwrap_or(0),
            })
            .collect(),
    }
}

/// The orders an invoice names, on the document and on its lines.
fn orders_of(inv: &Invoice) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = inv.order_numbers.iter().cloned().collect();
    out.extend(inv.lines.iter().filter_map(|l| l.order_number.clone()));
    out
}

/// Matches a document against what the history and the receipts say now.
fn match_one(facts: &mut Facts<'_>, inv: &Invoice, tol: &Tolerances) -> Result<Match> {
    match inv.kind {
        InvoiceKind::Invoice => {
            let orders = orders_of(inv);
            for n in &orders {
                facts.load(n)?;
            }
            let mut docs: Vec<Invoice> = facts.h.credit_notes_of(&inv.number)?;
            for n in &orders {
                for d in facts.documents.get(n).into_iter().flatten() {
                    if !docs.iter().any(|x| x.number == d.number) {
                        docs.push(d.clone());
                    }
                }
            }
            let refs: Vec<&Invoice> = docs.iter().collect();
            let find = |n: &str| facts.orders.get(n).and_then(|o| o.as_ref());
            let billed = matching::billed(inv, &refs, &find);
            Ok(matching::match_invoice(inv, &find, &billed, tol))
        }
        InvoiceKind::CreditNote => {
            let Some(of) = inv.credits_invoice.as_deref().map(|n| facts.h.invoice(n)).transpose()?.flatten() else {
                return Ok(matching::match_credit_note(inv, None));
            };
            let earlier = facts.h.credit_notes_of(&of.number)?;
            let earlier: Vec<&Invoice> =
                earlier.iter().filter(|c| c.number != inv.number && matching::issued_before(c, inv)).collect();
            let before = matching::credits_per_line(&of, &earlier).into_iter().map(|b| b.credited_quantity).collect();
            Ok(matching::match_credit_note(inv, Some(&matching::Credited { invoice: &of, credited_before: before })))
        }
    }
}

/// Matches the documents `numbers` again and stores their matches.
fn rematch(h: &History, receipts: &ReceiptStore, tol: &Tolerances, numbers: &BTreeSet<String>) -> Result<()> {
    let mut facts = Facts { h, receipts, orders: HashMap::new(), documents: HashMap::new() };
    for n in numbers {
        let Some(inv) = h.invoice(n)? else { continue };
        let m = match_one(&mut facts, &inv, tol)?;
        h.set_match(n, &m)?;
    }
    Ok(())
}

/// Matches again the invoices of an order (its goods receipts changed).
pub(crate) fn rematch_order(sup: &Supplier, order: &str) -> Result<()> {
    let h = sup.history()?;
    h.begin()?;
    let r = (|| {
        let mut numbers: BTreeSet<String> = h.invoice_numbers_of_order(order)?.into_iter().collect();
        let cns: Vec<String> = numbers
            .iter()
            .map(|n| h.credit_notes_of(n))
            .collect::<std::result::Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .map(|c| c.number)
            .collect();
        numbers.extend(cns);
        rematch(&h, &sup.receipts(), &sup.tolerances(), &numbers)
    })();
    match r {
        Ok(()) => Ok(h.commit()?),
        Err(e) => {
            h.rollback();
            Err(e)
        }
    }
}

/// The match of one document as things stand now (not stored).
pub(crate) fn match_now(sup: &Supplier, h: &History, inv: &Invoice) -> Result<Match> {
    let receipts = sup.receipts();
    let mut facts = Facts { h, receipts: &receipts, orders: HashMap::new(), documents: HashMap::new() };
    match_one(&mut facts, inv, &sup.tolerances())
}

/// Stores an order the shop gave outside the feeds (an order read by its
/// number, a dispute's answer).
pub(crate) fn keep_order(h: &History, o: &Order) -> Result<()> {
    h.begin()?;
    match h.put_order(o, &figures(o)) {
        Ok(()) => Ok(h.commit()?),
        Err(e) => {
            h.rollback();
            Err(e.into())
        }
    }
}

/// Stores an invoice the shop gave outside the feeds (a dispute's answer),
/// matched.
pub(crate) fn keep_invoice(sup: &Supplier, h: &History, inv: &Invoice) -> Result<Match> {
    h.begin()?;
    let r = (|| {
        if let Err(why) = admit(h, inv, sup.clock.today())? {
            return Err(Error::Rejected(why));
        }
        h.put_invoice(inv, &provisional())?;
        let m = match_now(sup, h, inv)?;
        h.set_match(&inv.number, &m)?;
        Ok(m)
    })();
    match r {
        Ok(m) => {
            h.commit()?;
            Ok(m)
        }
        Err(e) => {
            h.rollback();
            Err(e)
        }
    }
}
