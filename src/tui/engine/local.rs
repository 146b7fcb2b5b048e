//! The local worker: one thread for everything that reads the catalog caches
//! and the basket files (search, part detail, baskets). It keeps each
//! supplier's catalog open once opened; only the newest search runs, and
//! with nothing to do it reads the rest of the search index.

use super::Suppliers;
use super::msg::{BasketOp, Failure, Msg, fail};
use procure_client::service::baskets::{self, Change};
use procure_client::service::catalog::Catalog;
use procure_client::service::invoices;
use procure_client::service::{Error, ErrorKind, Supplier};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// The newest search; an older one waiting is replaced.
#[derive(Debug)]
pub(super) struct SearchJob {
    pub(crate) supplier: String,
    pub(crate) seq: u64,
    pub(crate) query: String,
    pub(crate) qty: Option<u32>,
}

/// Work for the local worker thread (cache, index, basket files).
#[derive(Debug)]
pub(super) enum Job {
    Detail {
        supplier: String,
        sku: String,
    },
    LineChoices {
        supplier: String,
        line: usize,
        text: String,
    },
    Baskets {
        supplier: String,
    },
    Price {
        supplier: String,
        basket: String,
    },
    Basket {
        supplier: String,
        op: BasketOp,
    },
    Reindex {
        supplier: String,
    },
    /// The open invoices as the local history has them.
    Invoices {
        supplier: String,
    },
    Invoice {
        supplier: String,
        number: String,
    },
    Search(SearchJob),
    /// Nothing else to do: read the rest of the index.
    Preload,
}

#[derive(Default)]
pub(super) struct Queue {
    pub(crate) search: Option<SearchJob>,
    pub(crate) jobs: VecDeque<Job>,
    pub(crate) stop: bool,
}

pub(super) fn push(queue: &(Mutex<Queue>, Condvar), f: impl FnOnce(&mut Queue)) {
    let (lock, cv) = queue;
    if let Ok(mut q) = lock.lock() {
        f(&mut q);
        cv.notify_one();
    }
}

/// Rows a search asks for, and how many of them come first.
const SEARCH_ROWS: usize = 200;
const FIRST_ROWS: usize = 60;
/// Idle this long, the worker reads the rest of the index.
const PRELOAD_AFTER: Duration = Duration::from_millis(150);

/// The catalogs of the suppliers this worker has opened.
struct Catalogs<'a> {
    suppliers: &'a Suppliers,
    tx: &'a UnboundedSender<Msg>,
    open: HashMap<String, Catalog>,
}

impl Catalogs<'_> {
    /// Opens (again) a supplier's catalog and tells the app how many parts it has.
    fn reopen(&mut self, supplier: &str) {
        let opened = self.suppliers.get(supplier).and_then(|s| Catalog::open(&s));
        match opened {
            Ok(c) => {
                let _ = self.tx.send(Msg::Indexed { supplier: supplier.to_string(), parts: c.len() });
                self.open.insert(supplier.to_string(), c);
            }
            Err(e) => {
                self.open.remove(supplier);
                let _ = self.tx.send(fail(Failure::Catalog, &e));
            }
        }
    }

    /// The supplier's catalog, opened now if it was not yet.
    fn get(&mut self, supplier: &str) -> Option<&Catalog> {
        if !self.open.contains_key(supplier) {
            self.reopen(supplier);
        }
        self.open.get(supplier)
    }
}

pub(super) fn worker(
    queue: Arc<(Mutex<Queue>, Condvar)>,
    tx: UnboundedSender<Msg>,
    suppliers: Arc<Suppliers>,
    first: String,
) {
    let mut catalogs = Catalogs { suppliers: &suppliers, tx: &tx, open: HashMap::new() };
    catalogs.reopen(&first);
    let mut preloaded = false;
    loop {
        let job = {
            let (lock, cv) = &*queue;
            let Ok(mut q) = lock.lock() else { return };
            loop {
                if q.stop {
                    return;
                }
                // A query waits only for work it depends on: the basket
                // list and prices for the status line come after it.
                let display_only = matches!(q.jobs.front(), Some(Job::Baskets { .. } | Job::Price { .. }));
                if !(display_only && q.search.is_some())
                    && let Some(j) = q.jobs.pop_front()
                {
                    break j;
                }
                if let Some(search) = q.search.take() {
                    break Job::Search(search);
                }
                if !preloaded {
                    // After a moment without work: a query typed at once
                    // runs first.
                    let (next, waited) = match cv.wait_timeout(q, PRELOAD_AFTER) {
                        Ok(r) => r,
                        Err(_) => return,
                    };
                    q = next;
                    if waited.timed_out() && q.jobs.is_empty() && q.search.is_none() && !q.stop {
                        break Job::Preload;
                    }
                    continue;
                }
                q = match cv.wait(q) {
                    Ok(q) => q,
                    Err(_) => return,
                };
            }
        };
        let msg = match job {
            Job::Reindex { supplier } => {
                catalogs.reopen(&supplier);
                preloaded = false;
                continue;
            }
            Job::Preload => {
                for cat in catalogs.open.values() {
                    cat.preload();
                }
                preloaded = true;
                continue;
            }
            Job::Search(job) => {
                let Some(cat) = catalogs.get(&job.supplier) else { continue };
                match search(cat, &job, &tx, &queue) {
                    Some(msg) => msg,
                    None => continue,
                }
            }
            Job::Detail { supplier, sku } => {
                let Some(cat) = catalogs.get(&supplier) else { continue };
                match cat.detail_of(&sku) {
                    Ok(Some(d)) => Msg::Detail(Box::new(d)),
                    Ok(None) => Msg::Failed {
                        what: Failure::Detail,
                        message: format!("{sku} is not in the catalog"),
                        kind: ErrorKind::Rejected,
                    },
                    Err(e) => fail(Failure::Detail, &e),
                }
            }
            Job::LineChoices { supplier, line, text } => {
                let Some(cat) = catalogs.get(&supplier) else { continue };
                let choices = suppliers.get(&supplier).and_then(|s| baskets::line_choices(&s, cat, &text));
                match choices {
                    Ok(choices) => Msg::LineChoices { line, choices },
                    Err(e) => fail(Failure::Basket, &e),
                }
            }
            // The most recently used basket first: the one adds go to next time.
            Job::Baskets { supplier } => match suppliers.get(&supplier).and_then(|s| baskets::list_by_use(&s)) {
                Ok(list) => Msg::Baskets(list.into_iter().map(|(n, b)| (n, b.map_err(|e| e.to_string()))).collect()),
                Err(e) => fail(Failure::Baskets, &e),
            },
            Job::Price { supplier, basket } => {
                let Some(cat) = catalogs.get(&supplier) else { continue };
                // A basket shown is a basket agreed to (the service's rule).
                match suppliers.get(&supplier).and_then(|s| baskets::shown(&s, cat, &basket, &[])) {
                    Ok(shown) => Msg::Priced(Box::new(shown)),
                    Err(e) => fail(Failure::Basket, &e),
                }
            }
            Job::Invoices { supplier } => {
                let r = suppliers.get(&supplier).and_then(|s| invoices::list_local(&s, invoices::Which::Open));
                match r {
                    Ok(list) => Msg::Invoices(Box::new(list)),
                    Err(e) => fail(Failure::Invoices, &e),
                }
            }
            Job::Invoice { supplier, number } => {
                match suppliers.get(&supplier).and_then(|s| invoices::show_local(&s, &number)) {
                    Ok(v) => Msg::Invoice(Box::new(v)),
                    Err(e) => fail(Failure::Invoice, &e),
                }
            }
            Job::Basket { supplier, op } => {
                let catalog = catalogs.get(&supplier);
                match suppliers.get(&supplier) {
                    Ok(sup) => basket_op(&sup, catalog, op),
                    Err(e) => fail(Failure::Basket, &e),
                }
            }
        };
        let _ = tx.send(msg);
    }
}

/// A search: a screenful of rows first, then (unless a newer search waits)
/// all of them. `None` when there is nothing more to send.
fn search(cat: &Catalog, job: &SearchJob, tx: &UnboundedSender<Msg>, queue: &(Mutex<Queue>, Condvar)) -> Option<Msg> {
    let started = Instant::now();
    let result = match cat.search_hits(&job.query, SEARCH_ROWS) {
        Ok(result) => result,
        Err(e) => return Some(fail(Failure::Search, &e)),
    };
    // A screenful first: reading and pricing the rest of the rows takes
    // longer than the search itself.
    let first = result.hits.len().min(FIRST_ROWS);
    let rows = match cat.rows(&result.hits[..first], job.qty) {
        Ok(rows) => rows,
        Err(e) => return Some(fail(Failure::Search, &e)),
    };
    // Highlights only for the rows a screen can show.
    let highlights = cat.highlights(&rows, &job.query, FIRST_ROWS);
    let suggestions = if result.hits.is_empty() { cat.suggest(&job.query, 3) } else { vec![] };
    let more = first < result.hits.len();
    let searched = |rows| Msg::Searched {
        seq: job.seq,
        rows,
        highlights: highlights.clone(),
        total: result.total,
        took: started.elapsed(),
        suggestions: suggestions.clone(),
    };
    if !more {
        return Some(searched(rows));
    }
    let _ = tx.send(searched(rows.clone()));
    // The rest, unless a newer search already waits.
    let superseded = queue.0.lock().map_or(true, |q| q.search.is_some() || q.stop);
    if superseded {
        return None;
    }
    Some(match cat.rows(&result.hits[first..], job.qty) {
        Ok(rest) => searched(rows.into_iter().chain(rest).collect()),
        Err(e) => fail(Failure::Search, &e),
    })
}

fn basket_op(sup: &Supplier, catalog: Option<&Catalog>, op: BasketOp) -> Msg {
    let loaded = || catalog.ok_or_else(|| Error::Rejected("the catalog is not loaded yet".into()));
    let result: Result<Msg, Error> = (|| {
        let done = |basket: &str, message: String| Msg::BasketDone { basket: basket.to_string(), message };
        match op {
            BasketOp::New { name } => {
                baskets::create(sup, &name)?;
                Ok(done(&name, format!("created basket {name}")))
            }
            BasketOp::Add { basket, sku, qty } => {
                let (sku, total) = baskets::change(sup, loaded()?, &basket, &sku, Change::Add(qty))?;
                Ok(done(&basket, format!("{qty} × {sku} added to {basket} (now {total})")))
            }
            BasketOp::Set { basket, sku, qty } => {
                let (sku, _) = baskets::change(sup, loaded()?, &basket, &sku, Change::Set(qty))?;
                Ok(done(&basket, format!("{sku}: quantity {qty}")))
            }
            BasketOp::Remove { basket, sku } => {
                baskets::remove(sup, &basket, &sku)?;
                Ok(done(&basket, format!("removed {sku}")))
            }
            BasketOp::Note { basket, sku, note } => {
                baskets::note(sup, &basket, &sku, note)?;
                Ok(done(&basket, format!("note saved for {sku}")))
            }
            BasketOp::QuickEntry { basket, text } => {
                // Quick entry adds what is typed to the basket.
                let report = baskets::import_text(sup, loaded()?, &basket, &text, baskets::Merge::Add)?;
                Ok(Msg::QuickEntryDone { basket, report })
            }
            BasketOp::AcceptPrices { basket, changes } => {
                let shown = baskets::shown(sup, loaded()?, &basket, &changes)?;
                let left = shown.changed.len();
                let message = if left == 0 {
                    format!("new prices accepted for {basket}")
                } else {
                    format!("new prices accepted for {basket}; {left} changed again since shown")
                };
                Ok(done(&basket, message))
            }
        }
    })();
    result.unwrap_or_else(|e| fail(Failure::Basket, &e))
}
