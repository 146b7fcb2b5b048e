//! The local worker: one thread for everything that reads the catalog caches
//! and the basket files (search, part detail, baskets). It keeps each
//! supplier's catalog open once opened; only the newest search runs, and
//! with nothing to do it reads the rest of the search index.

use super::Suppliers;
use super::msg::{BasketOp, Failure, Msg, fail};
use procure_client::service::baskets::{self, Change};
use procure_client::service::catalog::{Catalog, CatalogState, CatalogStatus};
use procure_client::service::invoices;
use procure_client::service::{Error, ErrorKind, Supplier};
use procure_client::service::{compare, search};
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
    /// Every supplier's catalog, not only `supplier`'s.
    pub(crate) all: bool,
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
    /// The app works on this supplier now.
    Switch {
        supplier: String,
    },
    CopyBasket {
        supplier: String,
        basket: String,
        to: String,
    },
    /// Every supplier's offers (the workspace's: no one catalog).
    Compare {
        seq: u64,
        query: String,
        qty: u32,
        by: procure_client::core::compare::By,
    },
    AddOffer {
        supplier: String,
        sku: String,
        qty: u32,
        basket: Option<String>,
        otherwise: String,
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
/// Parts a comparison in the app shows at most.
const COMPARE_PARTS: usize = 5;
/// Idle this long, the worker reads the rest of the index.
const PRELOAD_AFTER: Duration = Duration::from_millis(150);

/// The catalogs of the suppliers this worker has opened: the one on show,
/// and every supplier's once the app searched all of them (not before: the
/// app holds one index until "all suppliers" is asked for).
struct Catalogs<'a> {
    suppliers: &'a Suppliers,
    tx: &'a UnboundedSender<Msg>,
    open: HashMap<String, Catalog>,
    /// How each supplier's catalog stands, by name, once every supplier's
    /// was opened (`None` before).
    every: Option<Vec<CatalogStatus>>,
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
        // A sync changes how it stands.
        if let Some(every) = &mut self.every
            && let Some(s) = every.iter_mut().find(|s| s.supplier == supplier)
        {
            *s = Catalog::open_named(self.suppliers.workspace(), supplier).1;
        }
    }

    /// Opens every supplier's catalog that is not open yet (the first time
    /// "all suppliers" is searched); a supplier never synced is only named.
    fn open_every(&mut self) -> &[CatalogStatus] {
        if self.every.is_none() {
            let ws = self.suppliers.workspace();
            let mut every = Vec::new();
            for name in ws.suppliers() {
                let (catalog, status) = Catalog::open_named(ws, &name);
                if let Some(c) = catalog
                    && !self.open.contains_key(&name)
                {
                    self.open.insert(name, c);
                }
                every.push(status);
            }
            self.every = Some(every);
        }
        self.every.as_deref().unwrap_or_default()
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
    let mut catalogs = Catalogs { suppliers: &suppliers, tx: &tx, open: HashMap::new(), every: None };
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
            // After a sync: a catalog the app has open is read again.
            Job::Reindex { supplier } => {
                if catalogs.open.contains_key(&supplier) || catalogs.every.is_some() {
                    catalogs.reopen(&supplier);
                    preloaded = false;
                }
                continue;
            }
            Job::CopyBasket { supplier, basket, to } => {
                let copied =
                    suppliers.get(&supplier).and_then(|s| baskets::copy(suppliers.workspace(), &s, &basket, &to, None));
                match copied {
                    Ok(report) => Msg::BasketCopied(Box::new(report)),
                    Err(e) => fail(Failure::Basket, &e),
                }
            }
            Job::Preload => {
                for cat in catalogs.open.values() {
                    cat.preload();
                }
                preloaded = true;
                continue;
            }
            Job::Switch { supplier } => match suppliers.get(&supplier) {
                Ok(sup) => {
                    let me = procure_client::service::session::cached_me(&sup).map(Box::new);
                    let _ = tx.send(Msg::Switched {
                        supplier: supplier.clone(),
                        shop: sup.shop_url().to_string(),
                        logged_in: sup.logged_in(),
                        caps: sup.capabilities(),
                        me,
                    });
                    // One index in memory while only one supplier is searched.
                    if catalogs.every.is_none() {
                        catalogs.open.retain(|name, _| *name == supplier);
                    }
                    match catalogs.open.get(&supplier) {
                        Some(c) => Msg::Indexed { supplier, parts: c.len() },
                        None => {
                            catalogs.reopen(&supplier);
                            continue;
                        }
                    }
                }
                Err(e) => fail(Failure::Supplier, &e),
            },
            Job::Search(job) if job.all => {
                catalogs.open_every();
                match search_every(&catalogs, &job, &tx, &queue) {
                    Some(msg) => msg,
                    None => continue,
                }
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
                Ok(list) => Msg::Baskets {
                    supplier,
                    list: list.into_iter().map(|(n, b)| (n, b.map_err(|e| e.to_string()))).collect(),
                },
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
            Job::Compare { seq, query, qty, by } => {
                match compare::compare(suppliers.workspace(), &query, qty, by, COMPARE_PARTS) {
                    Ok(c) => Msg::Compared { seq, comparison: Box::new(c) },
                    Err(e) => fail(Failure::Compare, &e),
                }
            }
            Job::AddOffer { supplier, sku, qty, basket, otherwise } => {
                let Some(cat) = catalogs.get(&supplier) else { continue };
                let added = suppliers
                    .get(&supplier)
                    .and_then(|s| compare::add_offer(&s, cat, &sku, qty, basket.as_deref(), &otherwise));
                match added {
                    Ok((basket, total)) => Msg::OfferAdded {
                        message: format!("{qty} × {sku} added to {supplier}'s basket {basket} (now {total})"),
                        supplier,
                        basket,
                    },
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
    // One snapshot of the cache for the hits and all their rows.
    let found = match cat.found(&job.query, SEARCH_ROWS) {
        Ok(found) => found,
        Err(e) => return Some(fail(Failure::Search, &e)),
    };
    let result = &found.result;
    // A screenful first: reading and pricing the rest of the rows takes
    // longer than the search itself.
    let first = result.hits.len().min(FIRST_ROWS);
    let rows = match cat.rows_found(&found, &result.hits[..first], job.qty) {
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
        suppliers: vec![],
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
    Some(match cat.rows_found(&found, &result.hits[first..], job.qty) {
        Ok(rest) => searched(rows.into_iter().chain(rest).collect()),
        Err(e) => fail(Failure::Search, &e),
    })
}

/// A search of every supplier's catalog: each one's best hits (the indexes
/// searched at once, `service::search::find_all`), merged by match class
/// (`service::search::merge`), a screenful priced first.
fn search_every(
    cats: &Catalogs<'_>,
    job: &SearchJob,
    tx: &UnboundedSender<Msg>,
    queue: &(Mutex<Queue>, Condvar),
) -> Option<Msg> {
    let started = Instant::now();
    let mut statuses = cats.every.clone().unwrap_or_default();
    let open: Vec<&Catalog> = statuses.iter().filter_map(|s| cats.open.get(&s.supplier)).collect();
    let mut found = Vec::new();
    let mut searched: Vec<&Catalog> = Vec::new();
    for (cat, answer) in open.iter().zip(search::find_all(&open, &job.query, SEARCH_ROWS)) {
        let Some(s) = statuses.iter_mut().find(|s| s.supplier == cat.supplier()) else { continue };
        match answer {
            Ok(f) => {
                found.push(f);
                searched.push(cat);
                s.parts = cat.len();
            }
            Err(e) => {
                s.state = CatalogState::Failed;
                s.note = Some(e.to_string());
            }
        }
    }
    let total = found.iter().map(|f| f.total).sum();
    let picks = search::merge(&found, SEARCH_ROWS);
    let first = picks.len().min(FIRST_ROWS);
    let rows = match search::rows_merged(&searched, &found, &picks[..first], job.qty) {
        Ok(rows) => rows,
        Err(e) => return Some(fail(Failure::Search, &e)),
    };
    let highlights: Vec<_> = rows.iter().map(|r| search::highlight(r, &job.query)).collect();
    let suggestions = match cats.open.get(&job.supplier) {
        Some(cat) if picks.is_empty() => cat.suggest(&job.query, 3),
        _ => vec![],
    };
    let searched_msg = |rows| Msg::Searched {
        seq: job.seq,
        rows,
        highlights: highlights.clone(),
        total,
        took: started.elapsed(),
        suggestions: suggestions.clone(),
        suppliers: statuses.clone(),
    };
    if first == picks.len() {
        return Some(searched_msg(rows));
    }
    let _ = tx.send(searched_msg(rows.clone()));
    let superseded = queue.0.lock().map_or(true, |q| q.search.is_some() || q.stop);
    if superseded {
        return None;
    }
    Some(match search::rows_merged(&searched, &found, &picks[first..], job.qty) {
        Ok(rest) => searched_msg(rows.into_iter().chain(rest).collect()),
        Err(e) => fail(Failure::Search, &e),
    })
}

fn basket_op(sup: &Supplier, catalog: Option<&Catalog>, op: BasketOp) -> Msg {
    let loaded = || catalog.ok_or_else(|| Error::Rejected("the catalog is not loaded yet".into()));
    let result: Result<Msg, Error> = (|| {
        // A change to a basket whose order waits for the shop is not in that order: say so.
        let done = |basket: &str, message: String| Msg::BasketDone {
            supplier: sup.name().to_string(),
            basket: basket.to_string(),
            message,
            warning: procure_client::service::ordering::waiting_in(sup, basket).map(|w| w.describe_edit()),
        };
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
            BasketOp::ReplacePlan { basket } => {
                let plan = procure_client::service::discontinued::replace(sup, loaded()?, &basket, false)?;
                Ok(Msg::ReplacePlan(Box::new(plan)))
            }
            BasketOp::ReplaceDiscontinued { basket } => {
                let r = procure_client::service::discontinued::replace(sup, loaded()?, &basket, true)?;
                let swaps: Vec<String> = r.replaced.iter().map(|s| format!("{} → {}", s.old_sku, s.sku)).collect();
                let mut message = format!("replaced in {basket}: {}", swaps.join(", "));
                if !r.kept.is_empty() {
                    let kept: Vec<&str> = r.kept.iter().map(|k| k.0.as_str()).collect();
                    message += &format!("; no successor for {}", kept.join(", "));
                }
                Ok(done(&basket, message))
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
