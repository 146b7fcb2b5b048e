//! The reference shop: procure's own protocol (docs/shop-api.md) over HTTP,
//! served from SQLite. It is the demo backend and the counterparty of the
//! integration tests.
//!
//! - `db`: schema, change sequence, the shared connection
//! - `auth`: passwords, tokens, the caller of a request
//! - `company`, `catalog`, `sync`: what a company sees and how it re-syncs
//! - `orders`: pricing drafts, placing orders exactly once
//! - `routes`, `error`: the HTTP face and the one error shape
//! - `seed`, `generate`, `import`, `admin`: demo data, supplier catalogs and
//!   other supplier-side changes

pub mod admin;
mod auth;
mod catalog;
mod company;
mod db;
mod error;
pub mod generate;
pub mod import;
mod orders;
mod routes;
pub mod seed;
mod sync;

pub use import::{ImportReport, import};
pub use seed::{SeedOptions, SeedReport, seed_demo, seed_demo_with};

use anyhow::Context as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(12 * 60 * 60);

#[derive(Debug, Clone)]
pub struct ShopOptions {
    /// How long a login token stays valid.
    pub token_ttl: Duration,
}

impl Default for ShopOptions {
    fn default() -> Self {
        ShopOptions { token_ttl: DEFAULT_TOKEN_TTL }
    }
}

/// A shop serving in the background of the current tokio runtime. Dropping
/// it stops the server.
pub struct RunningShop {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningShop {
    /// Stops accepting connections, lets running requests finish, and waits.
    pub async fn shutdown(mut self) {
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
    let state = routes::AppState { db: db::Db::new(conn), token_ttl: opts.token_ttl };
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = routes::router(state);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    tracing::info!(%addr, "reference shop listening");
    Ok(RunningShop { addr, stop: Some(stop), task })
}
