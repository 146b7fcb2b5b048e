//! `procure shop …`: run the reference shop, import a supplier's catalog.

use crate::shop::{self, ShopOptions};
use anyhow::Context as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Exit code when rows of an import were rejected.
pub const EXIT_REJECTED: u8 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Seed {
    /// Three companies (ACME, BOLT, CRANE) with users buyer/approver, password "demo".
    Demo,
}

#[derive(Debug, clap::Subcommand)]
pub enum ShopCommand {
    /// Serve the reference shop (procure's protocol) from a SQLite database.
    Serve {
        /// The shop database (created when missing).
        #[arg(long)]
        db: PathBuf,
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = "127.0.0.1:8450")]
        addr: SocketAddr,
        /// Fill an empty database with demo data first.
        #[arg(long, value_enum)]
        seed: Option<Seed>,
        /// How many parts the demo catalog has.
        #[arg(long, default_value_t = 50_000)]
        seed_products: usize,
        /// Lifetime of login tokens in seconds.
        #[arg(long, default_value_t = shop::DEFAULT_TOKEN_TTL.as_secs())]
        token_ttl_secs: u64,
        /// Allow listening on a non-loopback address. The shop speaks plain
        /// HTTP: put a TLS-terminating proxy in front of it.
        #[arg(long)]
        public: bool,
    },
    /// Import a catalog CSV (and contract prices) into a shop database.
    Import {
        /// The shop database (created when missing).
        #[arg(long)]
        db: PathBuf,
        /// Catalog CSV: columns sku, name, and optionally mpn, manufacturer,
        /// gtin, description, category, unit, pack_size, min_qty, order_step,
        /// lead_time_days, stock, list_price, vat_rate, datasheet,
        /// discontinued, replaced_by; other columns become attributes.
        catalog: PathBuf,
        /// Contract prices CSV: columns company, sku, min_qty, unit_price.
        #[arg(long)]
        prices: Option<PathBuf>,
    },
}

pub fn run(cmd: ShopCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ShopCommand::Serve { db, addr, seed, seed_products, token_ttl_secs, public } => {
            if !addr.ip().is_loopback() && !public {
                anyhow::bail!(
                    "refusing to listen on {addr}: not a loopback address. The reference shop speaks plain HTTP; \
                     pass --public to listen there anyway (behind a TLS proxy)"
                );
            }
            if seed == Some(Seed::Demo) {
                let report = shop::seed_demo(&db, seed_products)?;
                if report.seeded {
                    eprintln!(
                        "Seeded the demo shop: {} companies, {} users, {} parts, {} contract prices, {} orders in {:.1} s",
                        report.companies,
                        report.users,
                        report.products,
                        report.contract_prices,
                        report.orders,
                        report.elapsed_ms as f64 / 1000.0
                    );
                }
            }
            let opts = ShopOptions { token_ttl: Duration::from_secs(token_ttl_secs.max(1)) };
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("starting the async runtime")?;
            runtime.block_on(async move {
                let running = shop::spawn(db, addr, opts).await?;
                let mut out = std::io::stdout().lock();
                writeln!(out, "procure shop listening on http://{}", running.addr)?;
                out.flush()?;
                drop(out);
                running
                    .run_until(async {
                        if let Err(e) = tokio::signal::ctrl_c().await {
                            tracing::warn!("cannot wait for Ctrl-C: {e}");
                            std::future::pending::<()>().await;
                        }
                        eprintln!("Stopping the shop…");
                    })
                    .await?;
                Ok(ExitCode::SUCCESS)
            })
        }
        ShopCommand::Import { db, catalog, prices } => {
            let report = shop::import(&db, &catalog, prices.as_deref())?;
            let mut out = std::io::stdout().lock();
            for e in &report.errors {
                writeln!(out, "rejected: {e}")?;
            }
            writeln!(out, "{}", report.summary())?;
            Ok(if report.rejected > 0 { ExitCode::from(EXIT_REJECTED) } else { ExitCode::SUCCESS })
        }
    }
}
