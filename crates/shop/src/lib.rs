//! The reference shop: procure's own protocol (docs/shop-api.md) over HTTP,
//! served from SQLite. It is the demo backend and the counterparty of the
//! integration tests.
//!
//! - `db`: schema, change sequence, the shared connection
//! - `auth`: passwords, tokens, the caller of a request
//! - `company`, `catalog`, `sync`: what a company sees and how it re-syncs
//! - `orders`: pricing drafts, placing orders exactly once, approvals, credit
//! - `quotes`: quote requests, the supplier's offers, acceptance into orders
//! - `fulfil`: after the order: confirming with promised dates, shipping
//!   with documents, the demo supplier that plays it out
//! - `invoices`: invoices and credit notes, payments, disputes
//! - `history`: orders and invoices changed since a sync token, paged
//! - `routes`, `error`: the HTTP face and the one error shape
//! - `seed`, `generate`, `import`, `admin`: demo data, supplier catalogs and
//!   other supplier-side changes
//! - `peppol`: the supplier on Peppol: T19 catalogue out, T01 orders in,
//!   T76/T16 out, T10 invoices and T14 credit notes out

pub mod admin;
mod auth;
mod catalog;
mod company;
mod db;
mod error;
pub mod fulfil;
mod guard;
pub use procure_generate as generate;
pub mod cli;
mod cli_orders;
mod history;
pub mod import;
pub mod invoices;
mod orders;
pub mod peppol;
pub mod quotes;
mod routes;
pub mod seed;
mod sync;

pub use guard::LoginLimits;
pub use import::{ImportReport, import};
pub use seed::{SeedOptions, SeedReport, seed_demo, seed_demo_with};

use anyhow::Context as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(12 * 60 * 60);
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_REQUEST_DEADLINE: Duration = Duration::from_secs(30);
pub const DEFAULT_CONNECTIONS_PER_ADDRESS: u32 = 32;
/// The demo supplier's automatic offer: this many percent under list.
pub const AUTO_OFFER_PERCENT: rust_decimal::Decimal = rust_decimal::Decimal::from_parts(5, 0, 0, false, 0);

#[derive(Debug, Clone)]
pub struct ShopOptions {
    /// How long a login token stays valid.
    pub token_ttl: Duration,
    /// Answer quote requests older than this with an offer 5 % under list
    /// (the demo's supplier); `None`: the supplier answers by hand.
    pub auto_offer: Option<Duration>,
    /// Confirm, ship and invoice new orders step by step, one step per
    /// this much time (the demo's supplier: `fulfil::auto_fulfil`); `None`:
    /// the supplier does it by hand.
    pub auto_fulfil: Option<Duration>,
    /// Login attempts per client address and per company+user.
    pub login_limits: LoginLimits,
    /// A connection that has not sent a request's headers within this is closed.
    pub header_timeout: Duration,
    /// A request body that pauses longer than this is refused (408) …
    pub body_read_timeout: Duration,
    /// … and so is one that has not arrived whole within this of its headers.
    pub request_deadline: Duration,
    /// Open connections from one client address; one more is closed at once.
    pub connections_per_address: usize,
}

/// An error of the shop's rules, as the shop's own command line reports it.
pub use error::ShopError;

/// Opens a shop database for the supplier's command line.
pub fn open_db(path: &std::path::Path) -> anyhow::Result<rusqlite::Connection> {
    db::open(path)
}

impl Default for ShopOptions {
    fn default() -> Self {
        ShopOptions {
            token_ttl: DEFAULT_TOKEN_TTL,
            auto_offer: None,
            auto_fulfil: None,
            login_limits: LoginLimits::default(),
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            request_deadline: DEFAULT_REQUEST_DEADLINE,
            connections_per_address: DEFAULT_CONNECTIONS_PER_ADDRESS as usize,
        }
    }
}

/// A shop serving in the background of the current tokio runtime. Dropping
/// it stops the server.
pub struct RunningShop {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    /// The demo supplier's automatic offers and fulfilment; they stop with the shop.
    background: Vec<JoinHandle<()>>,
}

impl Drop for RunningShop {
    fn drop(&mut self) {
        for t in &self.background {
            t.abort();
        }
    }
}

impl RunningShop {
    /// Stops accepting connections, lets running requests finish, and waits.
    pub async fn shutdown(mut self) {
        for t in self.background.drain(..) {
            t.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Err(e) = (&mut self.task).await {
            tracing::warn!("the shop task ended abnormally: {e}");
        }
    }

    /// Serves until `stop` completes (then shuts down gracefully) or the
    /// server fails.
    pub async fn run_until(mut self, stop: impl Future<Output = ()>) -> anyhow::Result<()> {
        tokio::select! {
            () = stop => {
                self.shutdown().await;
                Ok(())
            }
            r = &mut self.task => r
                .context("the shop task ended abnormally")?
                .context("serving HTTP"),
        }
    }
}

/// Opens (creating when missing) the database and serves the protocol on
/// `addr` (port 0: any free port; `RunningShop::addr` tells which).
pub async fn spawn(db: PathBuf, addr: SocketAddr, opts: ShopOptions) -> anyhow::Result<RunningShop> {
    let conn = tokio::task::spawn_blocking(move || db::open(&db)).await.context("opening the shop database")??;
    let db = db::Db::new(conn);
    let mut background = Vec::new();
    if let Some(age) = opts.auto_offer {
        let db = db.clone();
        let age = chrono::Duration::from_std(age).unwrap_or_else(|_| chrono::Duration::seconds(5));
        background.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            let mut skipped = std::collections::HashSet::new();
            loop {
                tick.tick().await;
                let r = db
                    .run(move |conn| {
                        let n = quotes::auto_offer(conn, age, AUTO_OFFER_PERCENT, &mut skipped)?;
                        Ok((n, skipped))
                    })
                    .await;
                match r {
                    Ok((_, s)) => skipped = s,
                    Err(e) => {
                        tracing::warn!("auto-offer failed: {e}");
                        skipped = std::collections::HashSet::new();
                    }
                }
            }
        }));
    }
    if let Some(period) = opts.auto_fulfil {
        let db = db.clone();
        let period = chrono::Duration::from_std(period).unwrap_or_else(|_| chrono::Duration::seconds(5));
        background.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                if let Err(e) = db.run(move |conn| fulfil::auto_fulfil(conn, period, chrono::Utc::now())).await {
                    tracing::warn!("auto-fulfil failed: {e}");
                }
            }
        }));
    }
    let guard = std::sync::Arc::new(guard::LoginGuard::new(opts.login_limits));
    let body_times = guard::BodyTimes { read_timeout: opts.body_read_timeout, deadline: opts.request_deadline };
    let state = routes::AppState { db, token_ttl: opts.token_ttl, guard: guard.clone(), body_times };
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = routes::router(state);
    let (header_timeout, per_address) = (opts.header_timeout, opts.connections_per_address);
    let task = tokio::spawn(async move {
        // The limiters forget addresses and accounts that are back to full.
        let tidy = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                guard.tidy();
            }
        });
        let served = guard::serve(
            listener,
            app,
            async move {
                let _ = stopped.await;
            },
            header_timeout,
            per_address,
        )
        .await;
        tidy.abort();
        served
    });
    tracing::info!(%addr, "reference shop listening");
    Ok(RunningShop { addr, stop: Some(stop), task, background })
}
