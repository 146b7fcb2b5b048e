//! Runs what the app asks for, off the UI thread, and reports back through a
//! channel. Local work (search, cache reads, basket files) runs on one worker
//! thread; a search superseded by a newer one is dropped unseen. Network work
//! runs as tokio tasks.

use procure_client::api::{AcceptQuote, Decision, Me, Order, OrderSummary, Quote, QuoteSummary};
use procure_client::core::basket::{self, Basket, PricedBasket};
use procure_client::core::order::{CheckoutOptions, PriceChange};
use procure_client::search::{Highlights, SearchIndex};
use procure_client::service::baskets::ImportReport;
use procure_client::service::ordering::{self, Checkout, ReorderReport, Submitted};
use procure_client::service::search::{PartDetail, SearchRow};
use procure_client::service::{self, Context, Error, ErrorKind};
use procure_client::store::cache::CatalogCache;
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
    },
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
    Orders(Vec<OrderSummary>),
    Order(Box<Order>),
    Reordered(ReorderReport),
    Previewed(Box<Checkout>),
    PricesChanged(Box<Checkout>),
    Submitted(Box<Submitted>),
    SubmitQueued {
        basket: String,
        reason: String,
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
    Detail { sku: String },
    Baskets,
    Price { basket: String },
    Basket(BasketOp),
    Reindex,
    Search { seq: u64, query: String, qty: Option<u32> },
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

fn fail(what: Failure, e: &Error) -> Msg {
    Msg::Failed { what, message: e.to_string(), kind: e.kind() }
}

impl Engine {
    pub fn start(ctx: Context, tx: UnboundedSender<Msg>, rt: tokio::runtime::Handle) -> Engine {
        let queue: Arc<(Mutex<Queue>, Condvar)> = Arc::default();
        let cache_path = ctx.paths.cache_db(&ctx.profile_name);
        let baskets = ctx.baskets();
        let ctx = Arc::new(RwLock::new(Arc::new(ctx)));
        let (q, wtx) = (queue.clone(), tx.clone());
        let worker = std::thread::Builder::new()
            .name("procure-local".into())
            .spawn(move || local_worker(q, wtx, cache_path, baskets))
            .ok();
        Engine { queue, ctx, tx, rt, worker }
    }

    pub fn context(&self) -> Arc<Context> {
        self.ctx.read().map(|c| c.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Every effect is named here: a new one does not compile until it is
    /// given to the local worker or to the network.
    pub fn run(&self, effect: Effect) {
        match effect {
            Effect::Search { seq, query, qty } => self.local(|q| q.search = Some((seq, query, qty))),
            Effect::Detail { sku } => self.local(|q| q.jobs.push_back(Job::Detail { sku })),
            Effect::Baskets => self.local(|q| q.jobs.push_back(Job::Baskets)),
            Effect::Price { basket } => self.local(|q| q.jobs.push_back(Job::Price { basket })),
            Effect::Basket(op) => self.local(|q| q.jobs.push_back(Job::Basket(op))),
            Effect::Reindex => self.local(|q| q.jobs.push_back(Job::Reindex)),
            net @ (Effect::Login { .. }
            | Effect::Sync
            | Effect::Orders
            | Effect::Order { .. }
            | Effect::Reorder { .. }
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
                Effect::Login { password } => {
                    let profile = ctx.profile.clone();
                    match service::context::login(&ctx.paths, &ctx.profile_name, profile, &password).await {
                        Ok(new_ctx) => {
                            let me = new_ctx.shop.me().await;
                            if let Ok(mut s) = slot.write() {
                                *s = Arc::new(new_ctx);
                            }
                            online(&tx, None);
                            match me {
                                Ok(me) => Msg::LoggedIn(Box::new(me)),
                                Err(e) => fail(Failure::Login, &e.into()),
                            }
                        }
                        Err(e) => {
                            online(&tx, Some(&e));
                            fail(Failure::Login, &e)
                        }
                    }
                }
                Effect::Sync => {
                    let result = async {
                        let mut cache = ctx.cache()?;
                        let mut progress = |_: &str, _: usize| {};
                        service::sync::sync(ctx.shop.as_ref(), &mut cache, &mut progress).await
                    }
                    .await;
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
                    let r = ordering::list(&ctx, 200).await;
                    online(&tx, r.as_ref().err());
                    match r {
                        Ok(list) => Msg::Orders(list),
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
                Effect::Reorder { number, into } => {
                    let r = ordering::reorder(&ctx, &number, &into).await;
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
                    let r = async {
                        let checkout = ordering::preview(&ctx, &basket, &opts).await?;
                        // Only the changes the buyer saw and accepted may pass.
                        if checkout.price_changes.iter().any(|c| !accepted.contains(c)) {
                            return Ok(Err(checkout));
                        }
                        ordering::submit(&ctx, &basket, &checkout, true).await.map(Ok)
                    }
                    .await;
                    online(&tx, r.as_ref().err());
                    match r {
                        Ok(Ok(s)) => Msg::Submitted(Box::new(s)),
                        Ok(Err(checkout)) => Msg::PricesChanged(Box::new(checkout)),
                        Err(e) if e.kind() == ErrorKind::Unreachable => {
                            Msg::SubmitQueued { basket, reason: e.to_string() }
                        }
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
                            "quote {number} accepted: order {} ({})",
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

struct Local {
    cache: Option<CatalogCache>,
    index: Option<SearchIndex>,
}

fn local_worker(
    queue: Arc<(Mutex<Queue>, Condvar)>,
    tx: UnboundedSender<Msg>,
    cache_path: std::path::PathBuf,
    store: procure_client::store::baskets::BasketStore,
) {
    let mut local = Local { cache: None, index: None };
    let reindex = |local: &mut Local| match CatalogCache::open(&cache_path).map_err(Error::from).and_then(|c| {
        let idx = service::search::load_index(&c)?;
        Ok((c, idx))
    }) {
        Ok((c, idx)) => {
            let _ = tx.send(Msg::Indexed { parts: idx.len() });
            local.cache = Some(c);
            local.index = Some(idx);
        }
        Err(e) => {
            let _ = tx.send(fail(Failure::Catalog, &e));
        }
    };
    reindex(&mut local);
    loop {
        let job = {
            let (lock, cv) = &*queue;
            let Ok(mut q) = lock.lock() else { return };
            loop {
                if q.stop {
                    return;
                }
                if let Some(j) = q.jobs.pop_front() {
                    break j;
                }
                if let Some((seq, query, qty)) = q.search.take() {
                    break Job::Search { seq, query, qty };
                }
                q = match cv.wait(q) {
                    Ok(q) => q,
                    Err(_) => return,
                };
            }
        };
        let msg = match job {
            Job::Reindex => {
                reindex(&mut local);
                continue;
            }
            Job::Search { seq, query, qty } => {
                let (Some(cache), Some(index)) = (&local.cache, &local.index) else {
                    continue;
                };
                let started = Instant::now();
                match service::search::search(cache, index, &query, 200, qty) {
                    Ok((rows, total)) => {
                        // Highlights only for the rows a screen can show.
                        let highlights = rows
                            .iter()
                            .take(60)
                            .map(|r| index.find_sku(&r.sku).map(|id| index.highlight(id, &query)).unwrap_or_default())
                            .collect();
                        let suggestions = if rows.is_empty() { index.suggest(&query, 3) } else { vec![] };
                        Msg::Searched { seq, rows, highlights, total, took: started.elapsed(), suggestions }
                    }
                    Err(e) => fail(Failure::Search, &e),
                }
            }
            Job::Detail { sku } => {
                let Some(cache) = &local.cache else { continue };
                match cache.get_product(&sku).map_err(Error::from) {
                    Ok(Some(p)) => match service::search::detail(cache, p) {
                        Ok(d) => Msg::Detail(Box::new(d)),
                        Err(e) => fail(Failure::Detail, &e),
                    },
                    Ok(None) => Msg::Failed {
                        what: Failure::Detail,
                        message: format!("{sku} is not in the catalog"),
                        kind: ErrorKind::Rejected,
                    },
                    Err(e) => fail(Failure::Detail, &e),
                }
            }
            // The most recently used basket first: the one adds go to next time.
            Job::Baskets => match store.list_by_use() {
                Ok(list) => Msg::Baskets(list.into_iter().map(|(n, b)| (n, b.map_err(|e| e.to_string()))).collect()),
                Err(e) => fail(Failure::Baskets, &e.into()),
            },
            Job::Price { basket: name } => match (store.load(&name), &local.cache) {
                (Ok(b), Some(cache)) => {
                    // A basket shown is a basket used.
                    let _ = store.mark_used(&name);
                    Msg::Priced(basket::price(&b, cache))
                }
                (Err(e), _) => fail(Failure::Basket, &e.into()),
                (Ok(_), None) => continue,
            },
            Job::Basket(op) => basket_op(&store, &local, op),
        };
        let _ = tx.send(msg);
    }
}

fn basket_op(store: &procure_client::store::baskets::BasketStore, local: &Local, op: BasketOp) -> Msg {
    let loaded = || match (&local.cache, &local.index) {
        (Some(c), Some(i)) => Ok((c, i)),
        _ => Err(Error::Rejected("the catalog is not loaded yet".into())),
    };
    let lookup = |sku: &str| -> Result<procure_client::api::Product, Error> {
        let (cache, index) = loaded()?;
        Ok(service::search::resolve(cache, index, sku)?)
    };
    let result: Result<Msg, Error> = (|| {
        let done = |basket: &str, message: String| Msg::BasketDone { basket: basket.to_string(), message };
        match op {
            BasketOp::New { name } => {
                basket::validate_name(&name).map_err(Error::Rejected)?;
                store.create(&Basket::new(&name, chrono::Utc::now()))?;
                Ok(done(&name, format!("created basket {name}")))
            }
            BasketOp::Add { basket, sku, qty } => {
                let mut b = store.load(&basket)?;
                let p = lookup(&sku)?;
                let total = b.add(&p, qty)?;
                store.save(&b)?;
                Ok(done(&basket, format!("{qty} × {} added to {basket} (now {total})", p.sku)))
            }
            BasketOp::Set { basket, sku, qty } => {
                let mut b = store.load(&basket)?;
                let p = lookup(&sku)?;
                b.set(&p, qty)?;
                store.save(&b)?;
                Ok(done(&basket, format!("{}: quantity {qty}", p.sku)))
            }
            BasketOp::Remove { basket, sku } => {
                let mut b = store.load(&basket)?;
                b.remove(&sku)?;
                store.save(&b)?;
                Ok(done(&basket, format!("removed {sku}")))
            }
            BasketOp::Note { basket, sku, note } => {
                let mut b = store.load(&basket)?;
                b.set_note(&sku, note)?;
                store.save(&b)?;
                Ok(done(&basket, format!("note saved for {sku}")))
            }
            BasketOp::QuickEntry { basket, text } => {
                let (cache, index) = loaded()?;
                let mut b = store.load(&basket)?;
                let report = service::baskets::apply_lines(&mut b, cache, index, &text);
                if !report.added.is_empty() {
                    store.save(&b)?;
                }
                Ok(Msg::QuickEntryDone { basket, report })
            }
        }
    })();
    result.unwrap_or_else(|e| fail(Failure::Basket, &e))
}
