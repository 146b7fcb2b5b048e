//! Runs what the app asks for, off the UI thread, and reports back through a
//! channel. Local work (search, cache reads, basket files) runs on one worker
//! thread; a search superseded by a newer one is dropped unseen. Network work
//! runs as tokio tasks.

use procure_client::api::{AcceptQuote, Decision, Me, Order, OrderSummary, Quote, QuoteSummary};
use procure_client::core::basket::{Basket, PricedBasket};
use procure_client::core::order::{CheckoutOptions, PriceChange};
use procure_client::search::Highlights;
use procure_client::service::baskets::{ImportReport, LineChoices};
use procure_client::service::catalog::Catalog;
use procure_client::service::ordering::{self, Checkout, PriceGuard, ReorderReport, Submission, Submitted};
use procure_client::service::search::{PartDetail, SearchRow};
use procure_client::service::{self, Context, Error, ErrorKind};
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, Clone, PartialEq)]
pub enum BasketOp {
    New { name: String },
    Add { basket: String, sku: String, qty: u32 },
    Set { basket: String, sku: String, qty: u32 },
    Remove { basket: String, sku: String },
    Note { basket: String, sku: String, note: Option<String> },
    QuickEntry { basket: String, text: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Search {
        seq: u64,
        query: String,
        qty: Option<u32>,
    },
    Detail {
        sku: String,
    },
    /// The parts a quick-entry line's type number names (line `line` of the text).
    LineChoices {
        line: usize,
        text: String,
    },
    Baskets,
    Price {
        basket: String,
    },
    Basket(BasketOp),
    Reindex,
    Login {
        password: String,
    },
    Sync,
    Orders,
    Order {
        number: String,
    },
    Reorder {
        number: String,
        into: String,
        merge: service::baskets::Merge,
    },
    /// Send the submissions that wait for the shop (at start).
    ResumePending,
    Preview {
        basket: String,
        opts: CheckoutOptions,
    },
    Submit {
        basket: String,
        opts: CheckoutOptions,
        accepted: Vec<PriceChange>,
    },
    Quotes,
    Quote {
        number: String,
    },
    RequestQuote {
        basket: String,
        targets: std::collections::BTreeMap<String, rust_decimal::Decimal>,
        comment: Option<String>,
    },
    AcceptQuote {
        number: String,
        po: String,
    },
    DeclineQuote {
        number: String,
        reason: Option<String>,
    },
    Approvals,
    Decide {
        number: String,
        decision: Decision,
        reason: Option<String>,
    },
    /// Who the buyer is at the supplier, for the account screen.
    Account,
}

#[derive(Debug)]
pub enum Msg {
    Indexed {
        parts: usize,
    },
    Searched {
        seq: u64,
        rows: Vec<SearchRow>,
        highlights: Vec<Highlights>,
        total: usize,
        took: Duration,
        /// "Did you mean" SKUs when nothing matched.
        suggestions: Vec<String>,
    },
    Detail(Box<PartDetail>),
    LineChoices {
        line: usize,
        choices: LineChoices,
    },
    /// A part chosen for a quick-entry line: the line as it now reads.
    PartChosen {
        line: usize,
        text: String,
    },
    Baskets(Vec<(String, Result<Basket, String>)>),
    Priced(PricedBasket),
    BasketDone {
        basket: String,
        message: String,
    },
    QuickEntryDone {
        basket: String,
        report: ImportReport,
    },
    LoggedIn(Box<Me>),
    Synced {
        summary: String,
    },
    Online(bool),
    Orders {
        list: Vec<OrderSummary>,
        /// Set when the shop was unreachable: the list as last seen then.
        cached_at: Option<chrono::DateTime<chrono::Utc>>,
    },
    Order(Box<Order>),
    Reordered(ReorderReport),
    Previewed(Box<Checkout>),
    PricesChanged(Box<Checkout>),
    Submitted(Box<Submitted>),
    SubmitQueued {
        basket: String,
        reason: String,
    },
    /// The PO number is on another order of the company.
    DuplicatePo {
        message: String,
    },
    Quotes(Vec<QuoteSummary>),
    Quote(Box<Quote>),
    QuoteDone {
        message: String,
    },
    Approvals(Vec<OrderSummary>),
    Decided(Box<Order>),
    Account(Box<service::account::Account>),
    Failed {
        what: Failure,
        message: String,
        kind: ErrorKind,
    },
}

/// What failed, as the app tells the user ("sync: …") and reacts to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    Login,
    Sync,
    Catalog,
    Search,
    Detail,
    Baskets,
    Basket,
    Orders,
    Order,
    Reorder,
    Preview,
    Submit,
    Quotes,
    Quote,
    Approvals,
    Approval,
    Account,
}

impl Failure {
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::Login => "login",
            Failure::Sync => "sync",
            Failure::Catalog => "catalog",
            Failure::Search => "search",
            Failure::Detail => "detail",
            Failure::Baskets => "baskets",
            Failure::Basket => "basket",
            Failure::Orders => "orders",
            Failure::Order => "order",
            Failure::Reorder => "reorder",
            Failure::Preview => "preview",
            Failure::Submit => "order",
            Failure::Quotes => "quotes",
            Failure::Quote => "quote",
            Failure::Approvals => "approvals",
            Failure::Approval => "approval",
            Failure::Account => "account",
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Work for the local worker thread (cache, index, basket files).
#[derive(Debug)]
enum Job {
    Detail {
        sku: String,
    },
    LineChoices {
        line: usize,
        text: String,
    },
    Baskets,
    Price {
        basket: String,
    },
    Basket(BasketOp),
    Reindex,
    Search {
        seq: u64,
        query: String,
        qty: Option<u32>,
    },
    /// Nothing else to do: read the rest of the index.
    Preload,
}

#[derive(Default)]
struct Queue {
    search: Option<(u64, String, Option<u32>)>,
    jobs: VecDeque<Job>,
    stop: bool,
}

pub struct Engine {
    queue: Arc<(Mutex<Queue>, Condvar)>,
    ctx: Arc<RwLock<Arc<Context>>>,
    tx: UnboundedSender<Msg>,
    rt: tokio::runtime::Handle,
    worker: Option<std::thread::JoinHandle<()>>,
}

fn current(slot: &RwLock<Arc<Context>>) -> Arc<Context> {
    slot.read().map(|c| c.clone()).unwrap_or_else(|p| p.into_inner().clone())
}

fn fail(what: Failure, e: &Error) -> Msg {
    Msg::Failed { what, message: e.to_string(), kind: e.kind() }
}

impl Engine {
    pub fn start(ctx: Context, tx: UnboundedSender<Msg>, rt: tokio::runtime::Handle) -> Engine {
        let queue: Arc<(Mutex<Queue>, Condvar)> = Arc::default();
        let ctx = Arc::new(RwLock::new(Arc::new(ctx)));
        let (q, wtx, wctx) = (queue.clone(), tx.clone(), ctx.clone());
        let worker =
            std::thread::Builder::new().name("procure-local".into()).spawn(move || local_worker(q, wtx, wctx)).ok();
        Engine { queue, ctx, tx, rt, worker }
    }

    pub fn context(&self) -> Arc<Context> {
        current(&self.ctx)
    }

    /// Every effect is named here: a new one does not compile until it is
    /// given to the local worker or to the network.
    pub fn run(&self, effect: Effect) {
        match effect {
            Effect::Search { seq, query, qty } => self.local(|q| q.search = Some((seq, query, qty))),
            Effect::Detail { sku } => self.local(|q| q.jobs.push_back(Job::Detail { sku })),
            Effect::LineChoices { line, text } => self.local(|q| q.jobs.push_back(Job::LineChoices { line, text })),
            Effect::Baskets => self.local(|q| q.jobs.push_back(Job::Baskets)),
            Effect::Price { basket } => self.local(|q| q.jobs.push_back(Job::Price { basket })),
            Effect::Basket(op) => self.local(|q| q.jobs.push_back(Job::Basket(op))),
            Effect::Reindex => self.local(|q| q.jobs.push_back(Job::Reindex)),
            net @ (Effect::Login { .. }
            | Effect::Sync
            | Effect::Orders
            | Effect::Order { .. }
            | Effect::Reorder { .. }
            | Effect::ResumePending
            | Effect::Preview { .. }
            | Effect::Submit { .. }
            | Effect::Quotes
            | Effect::Quote { .. }
            | Effect::RequestQuote { .. }
            | Effect::AcceptQuote { .. }
            | Effect::DeclineQuote { .. }
            | Effect::Approvals
            | Effect::Decide { .. }
            | Effect::Account) => self.net(net),
        }
    }

    fn local(&self, f: impl FnOnce(&mut Queue)) {
        let (lock, cv) = &*self.queue;
        if let Ok(mut q) = lock.lock() {
            f(&mut q);
            cv.notify_one();
        }
    }

    fn net(&self, effect: Effect) {
        let tx = self.tx.clone();
        let ctx = self.context();
        let slot = self.ctx.clone();
        let queue = self.queue.clone();
        self.rt.spawn(async move {
            let online = |tx: &UnboundedSender<Msg>, e: Option<&Error>| {
                let up = !matches!(e.map(|e| e.kind()), Some(ErrorKind::Unreachable));
                let _ = tx.send(Msg::Online(up));
            };
            let msg = match effect {
                Effect::Login { password } => match service::context::relogin(&ctx, &password).await {
                    Ok(new_ctx) => {
                        let me = service::context::me(&new_ctx).await;
                        if let Ok(mut s) = slot.write() {
                            *s = Arc::new(new_ctx);
                        }
                        online(&tx, None);
                        match me {
                            Ok(me) => Msg::LoggedIn(Box::new(me)),
                            Err(e) => fail(Failure::Login, &e),
                        }
                    }
                    Err(e) => {
                        online(&tx, Some(&e));
                        fail(Failure::Login, &e)
                    }
                },
                Effect::Sync => {
                    let mut progress = |_: service::sync::SyncStep<'_>| {};
                    let result = service::sync::sync_profile(&ctx, &mut progress).await;
                    online(&tx, result.as_ref().err());
                    match result {
                        Ok(r) => {
                            if !r.not_modified {
                                let (lock, cv) = &*queue;
                                if let Ok(mut q) = lock.lock() {
                                    q.jobs.push_back(Job::Reindex);
                                    cv.notify_one();
                                }
                            }
                            let summary = if r.not_modified {
                                format!("catalog up to date ({} parts)", r.products_total)
                            } else {
                                format!("synced: {} parts changed, {} prices", r.products_changed, r.prices_changed)
                            };
                            Msg::Synced { summary }
                        }
                        Err(e) => fail(Failure::Sync, &e),
                    }
                }
                Effect::Orders => {
                    let r = ordering::history(&ctx, 200).await;
                    online(&tx, r.as_ref().err());
                    match r {
                        Ok(h) => {
                            if h.cached_at.is_some() {
                                let _ = tx.send(Msg::Online(false));
                            }
                            Msg::Orders { list: h.orders, cached_at: h.cached_at }
                        }
                        Err(e) => fail(Failure::Orders, &e),
                    }
                }
                Effect::Order { number } => {
                    let r = ordering::show(&ctx, &number).await;
                    online(&tx, r.as_ref().err());
                    match r {
                        Ok(o) => Msg::Order(Box::new(o)),
                        Err(e) => fail(Failure::Order, &e),
                    }
                }
                Effect::ResumePending => match ordering::resume_all(&ctx).await {
                    Ok(results) => {
                        for (basket, r) in results {
                            online(&tx, r.as_ref().err());
                            let msg = match r {
                                Ok(s) => Msg::Submitted(Box::new(s)),
                                Err(e) if e.kind() == ErrorKind::Unreachable => {
                                    Msg::SubmitQueued { basket, reason: e.to_string() }
                                }
                                Err(e) => fail(Failure::Submit, &e),
                            };
                            let _ = tx.send(msg);
                        }
                        return;
                    }
                    Err(e) => fail(Failure::Submit, &e),
                },
                Effect::Reorder { number, into, merge } => {
                    let r = ordering::reorder(&ctx, &number, &into, merge).await;
                    online(&tx, r.as_ref().err());
                    match r {
                        Ok(rep) => Msg::Reordered(rep),
                        Err(e) => fail(Failure::Reorder, &e),
                    }
                }
                Effect::Preview { basket, opts } => {
                    let r = ordering::preview(&ctx, &basket, &opts).await;
                    online(&tx, r.as_ref().err());
                    match r {
                        Ok(c) => Msg::Previewed(Box::new(c)),
                        Err(e) => fail(Failure::Preview, &e),
                    }
                }
                Effect::Submit { basket, opts, accepted } => {
                    // Only the changes the buyer saw and accepted may pass.
                    let guard = PriceGuard { seen: accepted, ..Default::default() };
                    let r = ordering::submit(&ctx, &basket, &opts, &guard).await;
                    online(&tx, r.as_ref().err());
                    match r {
                        Ok(Submission::Placed(s)) => Msg::Submitted(s),
                        Ok(Submission::PricesChanged(checkout)) => Msg::PricesChanged(checkout),
                        Err(e) if e.kind() == ErrorKind::Unreachable => {
                            Msg::SubmitQueued { basket, reason: e.to_string() }
                        }
                        Err(Error::DuplicatePo(e)) => Msg::DuplicatePo { message: e.message },
                        Err(e) => fail(Failure::Submit, &e),
                    }
                }
                Effect::Quotes => {
                    let r = service::quotes::list(&ctx).await;
                    online(&tx, r.as_ref().err());
                    r.map(Msg::Quotes).unwrap_or_else(|e| fail(Failure::Quotes, &e))
                }
                Effect::Quote { number } => {
                    let r = service::quotes::show(&ctx, &number).await;
                    online(&tx, r.as_ref().err());
                    r.map(|q| Msg::Quote(Box::new(q))).unwrap_or_else(|e| fail(Failure::Quote, &e))
                }
                Effect::RequestQuote { basket, targets, comment } => {
                    let r = service::quotes::request(&ctx, &basket, &targets, None, comment).await;
                    online(&tx, r.as_ref().err());
                    r.map(|q| Msg::QuoteDone { message: format!("quote request {} sent for {basket}", q.number) })
                        .unwrap_or_else(|e| fail(Failure::Quote, &e))
                }
                Effect::AcceptQuote { number, po } => {
                    let accept = AcceptQuote {
                        po_number: po,
                        ship_to: None,
                        shipping_method: None,
                        ship_complete: false,
                        requested_delivery_date: None,
                        comment: None,
                    };
                    let r = service::quotes::accept(&ctx, &number, &accept).await;
                    online(&tx, r.as_ref().err());
                    r.map(|a| Msg::QuoteDone {
                        message: format!(
                            "quote {number} {}: order {} ({})",
                            if a.replayed { "was already accepted" } else { "accepted" },
                            a.order.number,
                            a.order.status.as_str()
                        ),
                    })
                    .unwrap_or_else(|e| fail(Failure::Quote, &e))
                }
                Effect::DeclineQuote { number, reason } => {
                    let r = service::quotes::decline(&ctx, &number, reason).await;
                    online(&tx, r.as_ref().err());
                    r.map(|_| Msg::QuoteDone { message: format!("quote {number} declined") })
                        .unwrap_or_else(|e| fail(Failure::Quote, &e))
                }
                Effect::Approvals => {
                    let r = service::approvals::queue(&ctx).await;
                    online(&tx, r.as_ref().err());
                    r.map(Msg::Approvals).unwrap_or_else(|e| fail(Failure::Approvals, &e))
                }
                Effect::Decide { number, decision, reason } => {
                    let r = service::approvals::decide(&ctx, &number, decision, reason).await;
                    online(&tx, r.as_ref().err());
                    r.map(|o| Msg::Decided(Box::new(o))).unwrap_or_else(|e| fail(Failure::Approval, &e))
                }
                Effect::Account => {
                    let r = service::account::account(&ctx).await;
                    online(&tx, r.as_ref().err());
                    r.map(|a| Msg::Account(Box::new(a))).unwrap_or_else(|e| fail(Failure::Account, &e))
                }
                // `run` gives these to the local worker; they never come here.
                Effect::Search { .. }
                | Effect::Detail { .. }
                | Effect::LineChoices { .. }
                | Effect::Baskets
                | Effect::Price { .. }
                | Effect::Basket(_)
                | Effect::Reindex => return,
            };
            let _ = tx.send(msg);
        });
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.local(|q| q.stop = true);
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

/// Rows a search asks for, and how many of them come first.
const SEARCH_ROWS: usize = 200;
const FIRST_ROWS: usize = 60;
/// Idle this long, the worker reads the rest of the index.
const PRELOAD_AFTER: Duration = Duration::from_millis(150);

fn local_worker(queue: Arc<(Mutex<Queue>, Condvar)>, tx: UnboundedSender<Msg>, slot: Arc<RwLock<Arc<Context>>>) {
    let mut catalog: Option<Catalog> = None;
    let reindex = |catalog: &mut Option<Catalog>| match Catalog::open(&current(&slot)) {
        Ok(c) => {
            let _ = tx.send(Msg::Indexed { parts: c.len() });
            *catalog = Some(c);
        }
        Err(e) => {
            let _ = tx.send(fail(Failure::Catalog, &e));
        }
    };
    reindex(&mut catalog);
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
                let display_only = matches!(q.jobs.front(), Some(Job::Baskets | Job::Price { .. }));
                if !(display_only && q.search.is_some())
                    && let Some(j) = q.jobs.pop_front()
                {
                    break j;
                }
                if let Some((seq, query, qty)) = q.search.take() {
                    break Job::Search { seq, query, qty };
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
        let ctx = current(&slot);
        let msg = match job {
            Job::Reindex => {
                reindex(&mut catalog);
                preloaded = false;
                continue;
            }
            Job::Preload => {
                if let Some(cat) = &catalog {
                    cat.preload();
                }
                preloaded = true;
                continue;
            }
            Job::Search { seq, query, qty } => {
                let Some(cat) = &catalog else { continue };
                let started = Instant::now();
                let result = match cat.search_hits(&query, SEARCH_ROWS) {
                    Ok(result) => result,
                    Err(e) => {
                        let _ = tx.send(fail(Failure::Search, &e));
                        continue;
                    }
                };
                // A screenful first: reading and pricing the rest of the
                // rows takes longer than the search itself.
                let first = result.hits.len().min(FIRST_ROWS);
                let rows = match cat.rows(&result.hits[..first], qty) {
                    Ok(rows) => rows,
                    Err(e) => {
                        let _ = tx.send(fail(Failure::Search, &e));
                        continue;
                    }
                };
                // Highlights only for the rows a screen can show.
                let highlights = cat.highlights(&rows, &query, FIRST_ROWS);
                let suggestions = if result.hits.is_empty() { cat.suggest(&query, 3) } else { vec![] };
                let more = first < result.hits.len();
                let searched = |rows| Msg::Searched {
                    seq,
                    rows,
                    highlights: highlights.clone(),
                    total: result.total,
                    took: started.elapsed(),
                    suggestions: suggestions.clone(),
                };
                if !more {
                    let _ = tx.send(searched(rows));
                    continue;
                }
                let _ = tx.send(searched(rows.clone()));
                // The rest, unless a newer search already waits.
                let superseded = queue.0.lock().map_or(true, |q| q.search.is_some() || q.stop);
                if superseded {
                    continue;
                }
                match cat.rows(&result.hits[first..], qty) {
                    Ok(rest) => searched(rows.into_iter().chain(rest).collect()),
                    Err(e) => fail(Failure::Search, &e),
                }
            }
            Job::Detail { sku } => {
                let Some(cat) = &catalog else { continue };
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
            Job::LineChoices { line, text } => {
                let Some(cat) = &catalog else { continue };
                match service::baskets::line_choices(cat, &text) {
                    Ok(choices) => Msg::LineChoices { line, choices },
                    Err(e) => fail(Failure::Basket, &e),
                }
            }
            // The most recently used basket first: the one adds go to next time.
            Job::Baskets => match service::baskets::list_by_use(&ctx) {
                Ok(list) => Msg::Baskets(list.into_iter().map(|(n, b)| (n, b.map_err(|e| e.to_string()))).collect()),
                Err(e) => fail(Failure::Baskets, &e),
            },
            Job::Price { basket: name } => match &catalog {
                Some(cat) => match service::baskets::priced_in(&ctx, cat, &name) {
                    Ok(p) => {
                        // A basket shown is a basket used; lines without an agreed price get the one shown.
                        let _ = service::baskets::mark_used(&ctx, &name);
                        if let Err(e) = service::baskets::agree_missing(&ctx, &p) {
                            let _ = tx.send(fail(Failure::Basket, &e));
                        }
                        Msg::Priced(p)
                    }
                    Err(e) => fail(Failure::Basket, &e),
                },
                None => continue,
            },
            Job::Basket(op) => basket_op(&ctx, catalog.as_ref(), op),
        };
        let _ = tx.send(msg);
    }
}

fn basket_op(ctx: &Context, catalog: Option<&Catalog>, op: BasketOp) -> Msg {
    use service::baskets::{self, Change};
    let loaded = || catalog.ok_or_else(|| Error::Rejected("the catalog is not loaded yet".into()));
    let result: Result<Msg, Error> = (|| {
        let done = |basket: &str, message: String| Msg::BasketDone { basket: basket.to_string(), message };
        match op {
            BasketOp::New { name } => {
                baskets::create(ctx, &name)?;
                Ok(done(&name, format!("created basket {name}")))
            }
            BasketOp::Add { basket, sku, qty } => {
                let (sku, total) = baskets::change(ctx, loaded()?, &basket, &sku, Change::Add(qty))?;
                Ok(done(&basket, format!("{qty} × {sku} added to {basket} (now {total})")))
            }
            BasketOp::Set { basket, sku, qty } => {
                let (sku, _) = baskets::change(ctx, loaded()?, &basket, &sku, Change::Set(qty))?;
                Ok(done(&basket, format!("{sku}: quantity {qty}")))
            }
            BasketOp::Remove { basket, sku } => {
                baskets::remove(ctx, &basket, &sku)?;
                Ok(done(&basket, format!("removed {sku}")))
            }
            BasketOp::Note { basket, sku, note } => {
                baskets::note(ctx, &basket, &sku, note)?;
                Ok(done(&basket, format!("note saved for {sku}")))
            }
            BasketOp::QuickEntry { basket, text } => {
                // Quick entry adds what is typed to the basket.
                let report = baskets::import_text(ctx, loaded()?, &basket, &text, baskets::Merge::Add)?;
                Ok(Msg::QuickEntryDone { basket, report })
            }
        }
    })();
    result.unwrap_or_else(|e| fail(Failure::Basket, &e))
}
