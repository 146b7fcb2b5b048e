//! `procure-shop …` (also `procure shop …`): run the reference shop, import a supplier's catalog,
//! answer quote requests as the supplier.
//!
//! Exit codes: 0 done; 5 refused (rows of an import rejected, a quote that is
//! unknown or not in a state for this answer); 2 usage (clap); 1 anything else.

use crate::{self as shop, ShopOptions};
use anyhow::Context as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Exit code when rows of an import were rejected or a quote answer was refused.
pub const EXIT_REJECTED: u8 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Seed {
    /// Three companies (ACME, BOLT, CRANE) with users buyer/approver, password "demo".
    Demo,
}

#[derive(Debug, clap::Subcommand)]
pub enum ShopCommand {
    /// Serve the reference shop (procure's protocol) from a SQLite database.
    #[command(after_help = "Examples:
  procure-shop serve --db shop.db --seed demo
  procure-shop serve --db shop.db --addr 127.0.0.1:0 --auto-offer-secs 5")]
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
        /// Answer quote requests older than this many seconds with an offer
        /// 5 % under list, valid 14 days (the demo's supplier).
        #[arg(long)]
        auto_offer_secs: Option<u64>,
        /// Open connections one client address may hold; one more is closed
        /// at once. Behind a proxy every client has the proxy's address:
        /// raise it there.
        #[arg(long, default_value_t = shop::DEFAULT_CONNECTIONS_PER_ADDRESS, value_parser = clap::value_parser!(u32).range(1..))]
        connections_per_address: u32,
    },
    /// The supplier's side of quote requests.
    #[command(
        subcommand,
        after_help = "Examples:
  procure-shop quote list --db shop.db --status requested
  procure-shop quote offer --db shop.db Q-100001 --discount 5"
    )]
    Quote(QuoteCommand),
    /// The supplier on Peppol (BIS Ordering 3): catalogue out, orders in, answers out.
    #[command(
        subcommand,
        after_help = "Examples:
  procure-shop peppol catalogue --db shop.db --company ACME --out acme-catalogue.xml
  procure-shop peppol orders --db shop.db --company ACME --inbox in --outbox out
  procure-shop peppol ship --db shop.db --company ACME SO-100013 --outbox out"
    )]
    Peppol(PeppolCommand),
    /// Import a catalog CSV (and contract prices) into a shop database.
    #[command(after_help = "Examples:
  procure-shop import --db shop.db catalog.csv
  procure-shop import --db shop.db catalog.csv --prices prices.csv --json")]
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
        /// Print the report as JSON on stdout (counts and each refused line).
        #[arg(long)]
        json: bool,
    },
}

/// The shop's Peppol party, common to its Peppol commands.
#[derive(Debug, clap::Args)]
pub struct PeppolParty {
    /// The shop database.
    #[arg(long)]
    pub db: PathBuf,
    /// The company (account code) the documents are exchanged with.
    #[arg(long)]
    pub company: String,
    /// The shop's own Peppol participant id (scheme:id).
    #[arg(long, default_value = "0088:5790000435975")]
    pub seller_endpoint: String,
    /// The shop's name in the documents.
    #[arg(long, default_value = "procure reference shop")]
    pub seller_name: String,
    /// The shop's street (Peppol orders must carry the seller's postal address).
    #[arg(long, default_value = "Lagerstraße 5")]
    pub seller_street: String,
    /// The shop's postal code.
    #[arg(long, default_value = "20095")]
    pub seller_postal_code: String,
    /// The shop's city.
    #[arg(long, default_value = "Hamburg")]
    pub seller_city: String,
    /// The shop's country (ISO 3166-1 alpha-2).
    #[arg(long, default_value = "DE")]
    pub seller_country: String,
}

#[derive(Debug, clap::Subcommand)]
pub enum PeppolCommand {
    /// Write the company's catalogue with its contract prices as a T19 document.
    #[command(after_help = "Examples:
  procure-shop peppol catalogue --db shop.db --company ACME --buyer-endpoint 0106:12345678 --out acme.xml")]
    Catalogue {
        #[command(flatten)]
        party: PeppolParty,
        /// The company's Peppol participant id (scheme:id), as the catalogue's receiver.
        #[arg(long)]
        buyer_endpoint: Option<String>,
        /// The file to write (atomically).
        #[arg(long)]
        out: PathBuf,
    },
    /// Answer every T01 order in an inbox not answered yet with a T76 response.
    #[command(after_help = "Examples:
  procure-shop peppol orders --db shop.db --company ACME --inbox /srv/peppol/in --outbox /srv/peppol/out")]
    Orders {
        #[command(flatten)]
        party: PeppolParty,
        /// The folder the company's orders arrive in (files are left there).
        #[arg(long)]
        inbox: PathBuf,
        /// The folder the responses go to.
        #[arg(long)]
        outbox: PathBuf,
        /// Print what was answered as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Ship an answered order and write a T16 despatch advice.
    #[command(after_help = "Examples:
  procure-shop peppol ship --db shop.db --company ACME SO-100013 --outbox out
  procure-shop peppol ship --db shop.db --company ACME SO-100013 --line T-BRG-1=5 --outbox out")]
    Ship {
        #[command(flatten)]
        party: PeppolParty,
        /// The buyer's order document id or the shop's order number (SO-…).
        order: String,
        /// Ship only this much of a part: SKU=QTY (repeatable; default: everything left).
        #[arg(long = "line", value_parser = parse_sku_qty)]
        lines: Vec<(String, u32)>,
        /// The folder the despatch advice goes to.
        #[arg(long)]
        outbox: PathBuf,
    },
}

fn parse_sku_qty(s: &str) -> Result<(String, u32), String> {
    let (sku, qty) = s.split_once('=').ok_or_else(|| format!("{s:?} is not SKU=QTY"))?;
    let qty: u32 = qty.trim().parse().map_err(|_| format!("{qty:?} is not a whole quantity"))?;
    Ok((sku.trim().to_string(), qty))
}

fn peppol_command(cmd: PeppolCommand) -> anyhow::Result<ExitCode> {
    use crate::peppol::{self as pp, Supplier};
    let supplier = |p: &PeppolParty| -> anyhow::Result<Supplier> {
        Ok(Supplier {
            endpoint: procure_protocol::peppol::Id::parse(&p.seller_endpoint).map_err(|e| anyhow::anyhow!(e))?,
            name: p.seller_name.clone(),
            address: procure_protocol::peppol::PostalAddress {
                street: p.seller_street.clone(),
                postal_code: p.seller_postal_code.clone(),
                city: p.seller_city.clone(),
                country: p.seller_country.clone(),
                ..Default::default()
            },
        })
    };
    let now = chrono::Utc::now();
    match cmd {
        PeppolCommand::Catalogue { party, buyer_endpoint, out } => {
            let conn = shop::open_db(&party.db)?;
            let buyer = buyer_endpoint
                .as_deref()
                .map(procure_protocol::peppol::Id::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!(e))?;
            let (bytes, n) = pp::export_catalogue(&conn, &party.company, &supplier(&party)?, buyer, now)?;
            let tmp = out.with_extension("xml.tmp");
            std::fs::write(&tmp, &bytes).with_context(|| format!("writing {}", tmp.display()))?;
            std::fs::rename(&tmp, &out).with_context(|| format!("writing {}", out.display()))?;
            println!("Wrote the catalogue of {} ({n} parts) to {}.", party.company, out.display());
            Ok(ExitCode::SUCCESS)
        }
        PeppolCommand::Orders { party, inbox, outbox, json } => {
            let mut conn = shop::open_db(&party.db)?;
            let run = pp::process_orders(&mut conn, &party.company, &inbox, &outbox, &supplier(&party)?, now)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&versioned(&run))?);
            } else {
                for a in &run.answered {
                    println!(
                        "{} {}: {}{}",
                        a.file,
                        a.order_id,
                        a.outcome,
                        a.sales_order.as_ref().map(|s| format!(" as {s}")).unwrap_or_default()
                    );
                }
            }
            for p in &run.problems {
                eprintln!("not answered: {}: {}", p.file, p.reason);
            }
            Ok(if run.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(EXIT_REJECTED) })
        }
        PeppolCommand::Ship { party, order, lines, outbox } => {
            let mut conn = shop::open_db(&party.db)?;
            match pp::ship(&mut conn, &party.company, &order, &lines, &outbox, &supplier(&party)?, now) {
                Ok(path) => {
                    println!("Wrote the despatch advice {}.", path.display());
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    Ok(ExitCode::from(EXIT_REJECTED))
                }
            }
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum QuoteCommand {
    /// Quote requests of all companies, newest first.
    #[command(after_help = "Examples:\n  procure-shop quote list --db shop.db --status requested --json")]
    List {
        /// The shop database.
        #[arg(long)]
        db: PathBuf,
        /// Only quotes in this state.
        #[arg(long, value_enum)]
        status: Option<QuoteState>,
        /// Print the quotes as JSON (each with its `company`).
        #[arg(long)]
        json: bool,
    },
    /// Offer prices on a requested quote.
    #[command(group(clap::ArgGroup::new("pricing").required(true).args(["prices", "discount"])))]
    #[command(after_help = "Examples:
  procure-shop quote offer --db shop.db Q-100001 --price P-100233=5.80 --valid-days 30
  procure-shop quote offer --db shop.db Q-100001 --discount 5 --message \"5 % for the yearly volume\"")]
    Offer {
        /// The shop database.
        #[arg(long)]
        db: PathBuf,
        /// The quote number.
        number: String,
        /// Unit price for a line: SKU=PRICE (repeatable; every line needs one).
        #[arg(long = "price", value_parser = procure_protocol::money::parse_sku_price)]
        prices: Vec<(String, rust_decimal::Decimal)>,
        /// Instead of prices: this many percent under each line's list price.
        #[arg(long, value_parser = parse_percent)]
        discount: Option<rust_decimal::Decimal>,
        /// Days the offer stays valid (default 14).
        #[arg(long, conflicts_with = "valid_until")]
        valid_days: Option<u32>,
        /// Last day the offer can be accepted (YYYY-MM-DD).
        #[arg(long)]
        valid_until: Option<chrono::NaiveDate>,
        /// A message for the buyer.
        #[arg(long)]
        message: Option<String>,
        /// Print the offered quote as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Decline a quote request.
    #[command(
        after_help = "Examples:\n  procure-shop quote decline --db shop.db Q-100001 --message \"not in our range\""
    )]
    Decline {
        /// The shop database.
        #[arg(long)]
        db: PathBuf,
        /// The quote number.
        number: String,
        /// Why, for the buyer.
        #[arg(long)]
        message: Option<String>,
    },
}

impl ShopCommand {
    /// The command with JSON output switched on where it has any (for
    /// `procure --json shop …`, where the flag comes before the command).
    pub fn with_json(mut self, on: bool) -> Self {
        match &mut self {
            ShopCommand::Import { json, .. }
            | ShopCommand::Quote(QuoteCommand::List { json, .. } | QuoteCommand::Offer { json, .. })
            | ShopCommand::Peppol(PeppolCommand::Orders { json, .. }) => *json |= on,
            ShopCommand::Serve { .. }
            | ShopCommand::Quote(QuoteCommand::Decline { .. })
            | ShopCommand::Peppol(PeppolCommand::Catalogue { .. } | PeppolCommand::Ship { .. }) => {}
        }
        self
    }
}

/// A quote's state, as `--status` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum QuoteState {
    Requested,
    Offered,
    Accepted,
    Declined,
    Expired,
}

impl From<QuoteState> for procure_protocol::api::QuoteStatus {
    fn from(s: QuoteState) -> Self {
        use procure_protocol::api::QuoteStatus;
        match s {
            QuoteState::Requested => QuoteStatus::Requested,
            QuoteState::Offered => QuoteStatus::Offered,
            QuoteState::Accepted => QuoteStatus::Accepted,
            QuoteState::Declined => QuoteStatus::Declined,
            QuoteState::Expired => QuoteStatus::Expired,
        }
    }
}

fn parse_percent(s: &str) -> Result<rust_decimal::Decimal, String> {
    let d: rust_decimal::Decimal = s.trim().parse().map_err(|_| format!("{s:?} is not a percentage like 5 or 7.5"))?;
    if d < rust_decimal::Decimal::ZERO || d >= rust_decimal::Decimal::ONE_HUNDRED {
        return Err(format!("a discount is at least 0 and below 100 percent, not {s}"));
    }
    Ok(d)
}

fn quote_command(cmd: QuoteCommand) -> anyhow::Result<ExitCode> {
    use crate::quotes;
    let refused = |e: crate::ShopErrorText| {
        eprintln!("error: {}", e.0);
        Ok(ExitCode::from(EXIT_REJECTED))
    };
    let now = chrono::Utc::now();
    match cmd {
        QuoteCommand::List { db, status, json } => {
            let conn = shop::open_db(&db)?;
            let all = quotes::list(&conn, None, now.date_naive()).map_err(|e| anyhow::anyhow!("{e}"))?;
            let status = status.map(procure_protocol::api::QuoteStatus::from);
            let all: Vec<_> = all.into_iter().filter(|(_, q)| status.is_none_or(|s| q.status == s)).collect();
            let mut out = std::io::stdout().lock();
            if json {
                let items: Vec<serde_json::Value> = all
                    .iter()
                    .map(|(company, q)| {
                        let mut v = serde_json::to_value(q).unwrap_or_default();
                        v["company"] = serde_json::Value::String(company.clone());
                        v
                    })
                    .collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
            } else {
                for (company, q) in &all {
                    let state = match (&q.order_number, q.valid_until) {
                        (Some(order), _) => format!(", order {order}"),
                        (None, Some(until)) => format!(", valid until {until}"),
                        (None, None) => String::new(),
                    };
                    writeln!(
                        out,
                        "{:<10} {:<8} {:<10} {} lines, requested {} by {}{state}",
                        q.number,
                        company,
                        q.status.as_str(),
                        q.lines.len(),
                        q.created_at.date_naive(),
                        q.requested_by
                    )?;
                }
                if all.is_empty() {
                    eprintln!("No quotes.");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        QuoteCommand::Offer { db, number, prices, discount, valid_days, valid_until, message, json } => {
            // clap requires one of --price and --discount.
            let pricing = match discount {
                Some(d) => quotes::Pricing::Discount(d),
                None => quotes::Pricing::Prices(prices.into_iter().collect()),
            };
            let until = valid_until
                .unwrap_or_else(|| now.date_naive() + chrono::Duration::days(i64::from(valid_days.unwrap_or(14))));
            if until < now.date_naive() {
                eprintln!(
                    "warning: the offer's validity ({until}) is already over: it is expired as soon as it is read"
                );
            }
            let mut conn = shop::open_db(&db)?;
            match quotes::offer(&mut conn, &number, &pricing, until, message, now) {
                Ok(q) => {
                    let mut out = std::io::stdout().lock();
                    if json {
                        writeln!(out, "{}", serde_json::to_string_pretty(&versioned(&q))?)?;
                    } else {
                        writeln!(out, "Offered {} ({} lines), valid until {until}.", q.number, q.lines.len())?;
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(crate::ShopErrorText(e.to_string())),
            }
        }
        QuoteCommand::Decline { db, number, message } => {
            let mut conn = shop::open_db(&db)?;
            match quotes::decline(&mut conn, None, ("supplier", "Sales"), &number, message, now) {
                Ok(q) => {
                    println!("Declined {}.", q.number);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => refused(crate::ShopErrorText(e.to_string())),
            }
        }
    }
}

pub fn run(cmd: ShopCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ShopCommand::Quote(q) => quote_command(q),
        ShopCommand::Peppol(p) => peppol_command(p),
        ShopCommand::Serve {
            db,
            addr,
            seed,
            seed_products,
            token_ttl_secs,
            public,
            auto_offer_secs,
            connections_per_address,
        } => {
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
            let opts = ShopOptions {
                token_ttl: Duration::from_secs(token_ttl_secs.max(1)),
                auto_offer: auto_offer_secs.map(Duration::from_secs),
                connections_per_address: connections_per_address as usize,
                ..ShopOptions::default()
            };
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
        ShopCommand::Import { db, catalog, prices, json } => {
            let report = shop::import(&db, &catalog, prices.as_deref())?;
            let mut out = std::io::stdout().lock();
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(&versioned(&report))?)?;
            } else {
                for e in &report.errors {
                    writeln!(out, "rejected: {e}")?;
                }
                writeln!(out, "{}", report.summary())?;
            }
            Ok(if report.rejected > 0 { ExitCode::from(EXIT_REJECTED) } else { ExitCode::SUCCESS })
        }
    }
}

/// A JSON object the shop's commands print, with the version of its shape
/// (docs/json.md: every object printed at the top level carries it).
#[derive(serde::Serialize)]
struct Versioned<'a, T> {
    schema_version: u32,
    #[serde(flatten)]
    value: &'a T,
}

fn versioned<T>(value: &T) -> Versioned<'_, T> {
    Versioned { schema_version: 1, value }
}

/// `procure-shop`: the reference shop's own command line.
#[derive(Debug, clap::Parser)]
#[command(
    name = "procure-shop",
    version,
    about = "The reference shop: serve procure's protocol, import a supplier's catalog, answer quote requests."
)]
pub struct ShopCli {
    #[command(subcommand)]
    pub command: ShopCommand,
}

/// Runs a shop command and turns its failure into exit code 1 with the error
/// on stderr.
pub fn run_main(cmd: ShopCommand) -> ExitCode {
    match run(cmd) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}
