//! `procure-shop …` (also `procure shop …`): run the reference shop, import a supplier's catalog,
//! and play the supplier: answer quote requests, confirm and ship orders, invoice them and
//! record payments, on Peppol too.
//!
//! Exit codes: 0 done; 5 refused (rows of an import rejected; a quote, order or invoice that is
//! unknown or not in a state for this; more than is open; bad input such as a date in the past);
//! 2 usage (clap); 1 anything else.

use crate::{self as shop, ShopOptions};
use anyhow::Context as _;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Exit code when rows of an import were rejected or a supplier's command was refused.
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
  procure-shop serve --db shop.db --addr 127.0.0.1:0 --auto-offer-secs 5
  procure-shop serve --db shop.db --seed demo --auto-offer-secs 5 --auto-fulfil-secs 5   # the demo's supplier")]
    Serve {
        /// The shop database (SQLite; created when missing). Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// Address to listen on; port 0 picks a free port (printed on stdout). Example: --addr 127.0.0.1:0
        #[arg(long, default_value = "127.0.0.1:8450")]
        addr: SocketAddr,
        /// Fill an empty database with demo data first (companies ACME, BOLT, CRANE; password "demo"). Example: --seed demo
        #[arg(long, value_enum)]
        seed: Option<Seed>,
        /// How many parts the demo catalog has (with --seed demo). Example: --seed-products 5000
        #[arg(long, default_value_t = 50_000)]
        seed_products: usize,
        /// Lifetime of login tokens in seconds. Example: --token-ttl-secs 3600
        #[arg(long, default_value_t = shop::DEFAULT_TOKEN_TTL.as_secs())]
        token_ttl_secs: u64,
        /// Allow listening on a non-loopback address. The shop speaks plain
        /// HTTP: put a TLS-terminating proxy in front of it. Example: --public
        #[arg(long)]
        public: bool,
        /// Answer quote requests older than this many seconds with an offer
        /// 5 % under list, valid 14 days (the demo's supplier). Example: --auto-offer-secs 5
        #[arg(long)]
        auto_offer_secs: Option<u64>,
        /// Open connections one client address may hold; one more is closed
        /// at once. Behind a proxy every client has the proxy's address:
        /// raise it there.
        #[arg(long, default_value_t = shop::DEFAULT_CONNECTIONS_PER_ADDRESS, value_parser = clap::value_parser!(u32).range(1..))]
        connections_per_address: u32,
        /// Confirm, ship and invoice new orders by themselves, one step every
        /// this many seconds: one line promised late, one partial shipment,
        /// one backorder (the demo's supplier). Example: --auto-fulfil-secs 5
        #[arg(long)]
        auto_fulfil_secs: Option<u64>,
    },
    /// The supplier's side of quote requests.
    #[command(
        subcommand,
        after_help = "Examples:
  procure-shop quote list --db shop.db --status requested
  procure-shop quote offer --db shop.db Q-ACME-1001 --discount 5"
    )]
    Quote(QuoteCommand),
    /// The supplier's side of an order: confirm it with promised dates, ship it.
    #[command(
        subcommand,
        after_help = "Examples:
  procure-shop order confirm --db shop.db SO-ACME-1007 --promise T-CON-1=2026-12-18
  procure-shop order ship --db shop.db SO-ACME-1007 T-BRG-1=5 --carrier DHL --tracking JJD0001"
    )]
    Order(OrderCommand),
    /// Invoices and credit notes: issue them for what shipped, record payments, see disputes.
    #[command(
        subcommand,
        after_help = "Examples:
  procure-shop invoice issue --db shop.db SO-ACME-1007
  procure-shop invoice pay --db shop.db INV-ACME-1001 --amount 500.00
  procure-shop invoice list --db shop.db --open"
    )]
    Invoice(InvoiceCommand),
    /// The supplier on Peppol (BIS Ordering 3, Billing 3): catalogue out, orders in, answers and invoices out.
    #[command(
        subcommand,
        after_help = "Examples:
  procure-shop peppol catalogue --db shop.db --company ACME --out acme-catalogue.xml
  procure-shop peppol orders --db shop.db --company ACME --inbox in --outbox out
  procure-shop peppol ship --db shop.db --company ACME SO-ACME-1013 --outbox out
  procure-shop peppol invoice --db shop.db --company ACME INV-ACME-1004 --out out"
    )]
    Peppol(Box<PeppolCommand>),
    /// Import a catalog CSV (and contract prices) into a shop database.
    #[command(after_help = "Examples:
  procure-shop import --db shop.db catalog.csv
  procure-shop import --db shop.db catalog.csv --prices prices.csv --json")]
    Import {
        /// The shop database (SQLite; created when missing). Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// Catalog CSV: columns sku, name, and optionally mpn, manufacturer,
        /// gtin, description, category, unit, pack_size, min_qty, order_step,
        /// lead_time_days, stock, list_price, vat_rate, datasheet,
        /// discontinued, replaced_by; other columns become attributes. Example: catalog.csv
        catalog: PathBuf,
        /// Contract prices CSV: columns company, sku, min_qty, unit_price. Example: --prices prices.csv
        #[arg(long)]
        prices: Option<PathBuf>,
        /// Print the report as JSON on stdout (counts and each refused line). Example: --json
        #[arg(long)]
        json: bool,
    },
}

/// The shop's Peppol party, common to its Peppol commands.
#[derive(Debug, clap::Args)]
pub struct PeppolParty {
    /// The shop database. Example: --db shop.db
    #[arg(long)]
    pub db: PathBuf,
    /// The company (account code) the documents are exchanged with. Example: --company ACME
    #[arg(long)]
    pub company: String,
    /// The shop's own Peppol participant id (scheme:id). Example: --seller-endpoint 0088:5790000435975
    #[arg(long, default_value = "0088:5790000435975")]
    pub seller_endpoint: String,
    /// The shop's name in the documents. Example: --seller-name "Nordwerk Industriebedarf GmbH"
    #[arg(long, default_value = "procure reference shop")]
    pub seller_name: String,
    /// The shop's street (Peppol documents carry the seller's postal address). Example: --seller-street "Lagerstraße 5"
    #[arg(long, default_value = "Lagerstraße 5")]
    pub seller_street: String,
    /// The shop's postal code. Example: --seller-postal-code 20095
    #[arg(long, default_value = "20095")]
    pub seller_postal_code: String,
    /// The shop's city. Example: --seller-city Hamburg
    #[arg(long, default_value = "Hamburg")]
    pub seller_city: String,
    /// The shop's country (ISO 3166-1 alpha-2). Example: --seller-country DE
    #[arg(long, default_value = "DE")]
    pub seller_country: String,
}

/// What an invoice document says beyond the shop's party.
#[derive(Debug, clap::Args)]
pub struct PeppolBilling {
    /// The invoice or credit note number. Example: INV-ACME-1004
    pub number: String,
    /// The company's Peppol participant id (scheme:id); default: the one its Peppol order came with. Example: --buyer-endpoint 0106:12345678
    #[arg(long)]
    pub buyer_endpoint: Option<String>,
    /// The shop's VAT identifier, with its country prefix. Example: --seller-vat DE123456789
    #[arg(long, default_value = "DE123456789")]
    pub seller_vat: String,
    /// The account to pay to (an IBAN). Example: --iban DE02120300000000202051
    #[arg(long, default_value = "DE02120300000000202051")]
    pub iban: String,
    /// Whom the buyer asks about the invoice. Example: --seller-contact "Accounts receivable"
    #[arg(long, default_value = "Accounts receivable")]
    pub seller_contact: String,
    /// The seller contact's telephone number. Example: --seller-phone "+49 40 555 0100"
    #[arg(long, default_value = "+49 40 555 0100")]
    pub seller_phone: String,
    /// The seller contact's e-mail address. Example: --seller-email invoices@shop.example
    #[arg(long, default_value = "invoices@shop.example")]
    pub seller_email: String,
    /// The folder to write `<NUMBER>.xml` into (atomically). Example: --out /srv/peppol/out
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, clap::Subcommand)]
pub enum PeppolCommand {
    /// Write the company's catalogue with its contract prices as a T19 document.
    #[command(after_help = "Examples:
  procure-shop peppol catalogue --db shop.db --company ACME --buyer-endpoint 0106:12345678 --out acme.xml")]
    Catalogue {
        #[command(flatten)]
        party: PeppolParty,
        /// The company's Peppol participant id (scheme:id), as the catalogue's receiver. Example: --buyer-endpoint 0106:12345678
        #[arg(long)]
        buyer_endpoint: Option<String>,
        /// The file to write (atomically). Example: --out acme-catalogue.xml
        #[arg(long)]
        out: PathBuf,
    },
    /// Answer every T01 order in an inbox not answered yet with a T76 response.
    #[command(after_help = "Examples:
  procure-shop peppol orders --db shop.db --company ACME --inbox /srv/peppol/in --outbox /srv/peppol/out")]
    Orders {
        #[command(flatten)]
        party: PeppolParty,
        /// The folder the company's orders arrive in (files are left there). Example: --inbox /srv/peppol/in
        #[arg(long)]
        inbox: PathBuf,
        /// The folder the responses go to. Example: --outbox /srv/peppol/out
        #[arg(long)]
        outbox: PathBuf,
        /// Print what was answered as JSON. Example: --json
        #[arg(long)]
        json: bool,
    },
    /// Ship an answered order and write a T16 despatch advice.
    #[command(after_help = "Examples:
  procure-shop peppol ship --db shop.db --company ACME SO-ACME-1013 --outbox out
  procure-shop peppol ship --db shop.db --company ACME SO-ACME-1013 --line T-BRG-1=5 --outbox out")]
    Ship {
        #[command(flatten)]
        party: PeppolParty,
        /// The buyer's order document id or the shop's order number. Example: SO-ACME-1013
        order: String,
        /// Ship only this much of a part: SKU=QTY (repeatable; default: everything left). Example: --line T-BRG-1=5
        #[arg(long = "line", value_parser = parse_sku_qty)]
        lines: Vec<(String, u32)>,
        /// The folder the despatch advice goes to. Example: --outbox /srv/peppol/out
        #[arg(long)]
        outbox: PathBuf,
    },
    /// Write an issued invoice as a T10 document (BIS Billing 3).
    #[command(after_help = "Examples:
  procure-shop peppol invoice --db shop.db --company ACME INV-ACME-1004 --out out
  procure-shop peppol invoice --db shop.db --company ACME INV-ACME-1004 --buyer-endpoint 0106:12345678 --iban DE02120300000000202051 --out out")]
    Invoice {
        #[command(flatten)]
        party: PeppolParty,
        #[command(flatten)]
        billing: PeppolBilling,
    },
    /// Write an issued credit note as a T14 document (BIS Billing 3).
    #[command(after_help = "Examples:
  procure-shop peppol credit-note --db shop.db --company ACME CN-ACME-1001 --out out")]
    CreditNote {
        #[command(flatten)]
        party: PeppolParty,
        #[command(flatten)]
        billing: PeppolBilling,
    },
}

fn parse_sku_qty(s: &str) -> Result<(String, u32), String> {
    let (sku, qty) = s.rsplit_once('=').ok_or_else(|| format!("{s:?} is not SKU=QTY, e.g. T-BRG-1=5"))?;
    let qty: u32 = qty.trim().parse().map_err(|_| format!("{qty:?} is not a whole quantity"))?;
    Ok((sku.trim().to_string(), qty))
}

enum PeppolKind {
    CreditNote,
    Other,
}

/// A refusal of the supplier's command: the message on stderr, exit 5, nothing changed.
pub(crate) fn refused(message: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("error: {message}");
    Ok(ExitCode::from(EXIT_REJECTED))
}

/// A shop rule's error: refused (exit 5), or a failure (exit 1) when it is the shop's own.
pub(crate) fn shop_error(e: shop::ShopError) -> anyhow::Result<ExitCode> {
    match e {
        shop::ShopError::Internal(e) => Err(e),
        other => refused(other),
    }
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
    let cmd_kind = match &cmd {
        PeppolCommand::CreditNote { .. } => PeppolKind::CreditNote,
        _ => PeppolKind::Other,
    };
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
        PeppolCommand::Invoice { party, billing } | PeppolCommand::CreditNote { party, billing } => {
            let want_credit_note = matches!(cmd_kind, PeppolKind::CreditNote);
            let conn = shop::open_db(&party.db)?;
            let buyer = match billing.buyer_endpoint.as_deref().map(procure_protocol::peppol::Id::parse).transpose() {
                Ok(b) => b,
                Err(e) => return refused(e),
            };
            let seller = supplier(&party)?;
            let details = pp::Billing {
                vat_id: billing.seller_vat.trim().to_string(),
                iban: Some(billing.iban.trim().to_string()).filter(|i| !i.is_empty()),
                contact: procure_protocol::peppol::Contact {
                    name: billing.seller_contact.clone(),
                    phone: billing.seller_phone.clone(),
                    email: billing.seller_email.clone(),
                },
            };
            let (bytes, inv) =
                match pp::export_invoice(&conn, &party.company, &billing.number, &seller, &details, buyer) {
                    Ok(done) => done,
                    Err(e) => return refused(format!("{e:#}")),
                };
            let is_credit_note = inv.kind == procure_protocol::api::InvoiceKind::CreditNote;
            if is_credit_note != want_credit_note {
                return refused(if is_credit_note {
                    format!("{} is a credit note: write it with `peppol credit-note`", inv.number)
                } else {
                    format!("{} is an invoice: write it with `peppol invoice`", inv.number)
                });
            }
            let path = pp::write_invoice_file(&billing.out, &inv.number, &bytes)?;
            println!(
                "Wrote {} {} ({}) to {}.",
                if is_credit_note { "the credit note" } else { "the invoice" },
                inv.number,
                if is_credit_note { "T14" } else { "T10" },
                path.display()
            );
            Ok(ExitCode::SUCCESS)
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
        /// The shop database. Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// Only quotes in this state. Example: --status requested
        #[arg(long, value_enum)]
        status: Option<QuoteState>,
        /// Print the quotes as JSON (each with its `company`). Example: --json
        #[arg(long)]
        json: bool,
    },
    /// Offer prices on a requested quote.
    #[command(group(clap::ArgGroup::new("pricing").required(true).args(["prices", "discount"])))]
    #[command(after_help = "Examples:
  procure-shop quote offer --db shop.db Q-ACME-1001 --price P-100233=5.80 --valid-days 30
  procure-shop quote offer --db shop.db Q-ACME-1001 --discount 5 --message \"5 % for the yearly volume\"")]
    Offer {
        /// The shop database. Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// The quote number. Example: Q-ACME-1001
        number: String,
        /// Unit price for a line: SKU=PRICE (repeatable; every line needs one). Example: --price P-100233=5.80
        #[arg(long = "price", value_parser = procure_protocol::money::parse_sku_price)]
        prices: Vec<(String, rust_decimal::Decimal)>,
        /// Instead of prices: this many percent under each line's list price. Example: --discount 5
        #[arg(long, value_parser = parse_percent)]
        discount: Option<rust_decimal::Decimal>,
        /// Days the offer stays valid (default 14). Example: --valid-days 30
        #[arg(long, conflicts_with = "valid_until")]
        valid_days: Option<u32>,
        /// Last day the offer can be accepted (YYYY-MM-DD). Example: --valid-until 2027-01-31
        #[arg(long)]
        valid_until: Option<chrono::NaiveDate>,
        /// A message for the buyer. Example: --message "5 % for the yearly volume"
        #[arg(long)]
        message: Option<String>,
        /// Print the offered quote as JSON. Example: --json
        #[arg(long)]
        json: bool,
    },
    /// Decline a quote request.
    #[command(
        after_help = "Examples:\n  procure-shop quote decline --db shop.db Q-ACME-1001 --message \"not in our range\""
    )]
    Decline {
        /// The shop database. Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// The quote number. Example: Q-ACME-1001
        number: String,
        /// Why, for the buyer. Example: --message "not in our range"
        #[arg(long)]
        message: Option<String>,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum OrderCommand {
    /// Confirm a placed order: every line gets a promised delivery date.
    #[command(after_help = "Lines without --promise are promised from stock and lead time (the next working day
when in stock, else the lead time, never on a weekend), or on the requested date when
that is later.

Examples:
  procure-shop order confirm --db shop.db SO-ACME-1007
  procure-shop order confirm --db shop.db SO-ACME-1007 --promise T-CON-1=2026-12-18 --json")]
    Confirm {
        /// The shop database. Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// The order number. Example: SO-ACME-1007
        number: String,
        /// The date promised for a line: SKU=YYYY-MM-DD (repeatable). Example: --promise T-CON-1=2026-12-18
        #[arg(long = "promise", value_parser = parse_sku_date)]
        promises: Vec<(String, chrono::NaiveDate)>,
        /// Print the confirmed order as JSON. Example: --json
        #[arg(long)]
        json: bool,
    },
    /// Ship part or all of a confirmed order, with the documents that go with the goods.
    #[command(after_help = "Without SKU=QTY everything still open ships. More than is open of a line, or a part
not on the order, is refused and nothing ships. A certificate is stored in the shop and
served to the order's company at /api/v1/documents/{id} (at most 10 MiB; its content
type from the file name: pdf, txt, png, jpg …).

Examples:
  procure-shop order ship --db shop.db SO-ACME-1007
  procure-shop order ship --db shop.db SO-ACME-1007 T-BRG-1=5 --carrier \"DHL Freight\" --tracking JJD000390007
  procure-shop order ship --db shop.db SO-ACME-1007 T-BRG-1=5 --certificate T-BRG-1=3.1-batch-4711.pdf")]
    Ship {
        /// The shop database. Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// The order number. Example: SO-ACME-1007
        number: String,
        /// How much of a part ships: SKU=QTY (default: everything open). Example: T-BRG-1=5
        #[arg(value_parser = parse_sku_qty)]
        lines: Vec<(String, u32)>,
        /// The carrier. Example: --carrier "DHL Freight"
        #[arg(long)]
        carrier: Option<String>,
        /// The carrier's tracking code. Example: --tracking JJD000390007
        #[arg(long)]
        tracking: Option<String>,
        /// A certificate (or other document) for a line's goods: SKU=FILE (repeatable). Example: --certificate T-BRG-1=3.1-batch-4711.pdf
        #[arg(long = "certificate", value_parser = parse_sku_file)]
        certificates: Vec<(String, PathBuf)>,
        /// Print the order with its new shipment as JSON. Example: --json
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum InvoiceCommand {
    /// Invoice what has shipped on an order and is not invoiced yet.
    #[command(after_help = "Lines are billed at the order's unit prices unless --price says otherwise; the order's
shipping charge goes on its first invoice. The due date and the early-payment discount
follow the company's payment terms.

Examples:
  procure-shop invoice issue --db shop.db SO-ACME-1007
  procure-shop invoice issue --db shop.db SO-ACME-1007 --price T-BRG-1=6.50 --json")]
    Issue {
        /// The shop database. Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// The order number. Example: SO-ACME-1007
        order: String,
        /// Bill a line at another unit price: SKU=PRICE (repeatable). Example: --price T-BRG-1=6.50
        #[arg(long = "price", value_parser = procure_protocol::money::parse_sku_price)]
        prices: Vec<(String, rust_decimal::Decimal)>,
        /// Print the invoice as JSON. Example: --json
        #[arg(long)]
        json: bool,
    },
    /// A credit note for part or all of an invoice.
    #[command(after_help = "Without SKU=QTY everything not credited yet is credited, the shipping charge too. More
than the invoice billed less what earlier credit notes credited is refused.

Examples:
  procure-shop invoice credit --db shop.db INV-ACME-1004 T-BRG-1=2 --reason \"2 damaged in transit\"
  procure-shop invoice credit --db shop.db INV-ACME-1004")]
    Credit {
        /// The shop database. Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// The invoice number. Example: INV-ACME-1004
        invoice: String,
        /// How much of a line to credit: SKU=QTY (default: all not credited yet). Example: T-BRG-1=2
        #[arg(value_parser = parse_sku_qty)]
        lines: Vec<(String, u32)>,
        /// Why, for the buyer. Example: --reason "2 damaged in transit"
        #[arg(long)]
        reason: Option<String>,
        /// Print the credit note as JSON. Example: --json
        #[arg(long)]
        json: bool,
    },
    /// Record a payment of an invoice, or the refund or offset of a credit note.
    #[command(after_help = "Without --amount: what is open, or within the early-payment period of an invoice
nothing is paid of yet, the discounted amount (the discount is recorded with it). More
than is open is refused.

Examples:
  procure-shop invoice pay --db shop.db INV-ACME-1004
  procure-shop invoice pay --db shop.db INV-ACME-1004 --amount 500.00 --reference \"bank 2026-12-06\"")]
    Pay {
        /// The shop database. Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// The invoice or credit note number. Example: INV-ACME-1004
        invoice: String,
        /// How much was paid (two decimals at most). Example: --amount 500.00
        #[arg(long, value_parser = parse_amount)]
        amount: Option<rust_decimal::Decimal>,
        /// The payment's reference, e.g. from the bank statement. Example: --reference "bank 2026-12-06"
        #[arg(long)]
        reference: Option<String>,
        /// Print the invoice as JSON. Example: --json
        #[arg(long)]
        json: bool,
    },
    /// Invoices and credit notes, newest first, with payments and the buyers' disputes.
    #[command(after_help = "Examples:
  procure-shop invoice list --db shop.db
  procure-shop invoice list --db shop.db --company ACME --open --json")]
    List {
        /// The shop database. Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// Only this company's. Example: --company ACME
        #[arg(long)]
        company: Option<String>,
        /// Only those not paid in full. Example: --open
        #[arg(long)]
        open: bool,
        /// Print them as JSON (each with its `company`). Example: --json
        #[arg(long)]
        json: bool,
    },
    /// One invoice or credit note: lines, totals, due date, payments, disputes.
    #[command(after_help = "Examples:
  procure-shop invoice show --db shop.db INV-ACME-1004
  procure-shop invoice show --db shop.db INV-ACME-1004 --json")]
    Show {
        /// The shop database. Example: --db shop.db
        #[arg(long)]
        db: PathBuf,
        /// The invoice or credit note number. Example: INV-ACME-1004
        number: String,
        /// Print it as JSON (with its `company`). Example: --json
        #[arg(long)]
        json: bool,
    },
}

fn parse_sku_date(s: &str) -> Result<(String, chrono::NaiveDate), String> {
    let (sku, date) =
        s.rsplit_once('=').ok_or_else(|| format!("{s:?}: use SKU=YYYY-MM-DD, e.g. T-CON-1=2026-12-18"))?;
    let date = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?}: {date:?} is not a date like 2026-12-18"))?;
    Ok((sku.trim().to_string(), date))
}

fn parse_sku_file(s: &str) -> Result<(String, PathBuf), String> {
    let (sku, file) =
        s.split_once('=').ok_or_else(|| format!("{s:?}: use SKU=FILE, e.g. T-BRG-1=3.1-batch-4711.pdf"))?;
    if file.trim().is_empty() {
        return Err(format!("{s:?}: the file is missing"));
    }
    Ok((sku.trim().to_string(), PathBuf::from(file)))
}

fn parse_amount(s: &str) -> Result<rust_decimal::Decimal, String> {
    s.trim().parse().map_err(|_| format!("{s:?} is not an amount like 500.00"))
}

impl ShopCommand {
    /// The command with JSON output switched on where it has any (for
    /// `procure --json shop …`, where the flag comes before the command).
    pub fn with_json(mut self, on: bool) -> Self {
        match &mut self {
            ShopCommand::Import { json, .. }
            | ShopCommand::Quote(QuoteCommand::List { json, .. } | QuoteCommand::Offer { json, .. })
            | ShopCommand::Order(OrderCommand::Confirm { json, .. } | OrderCommand::Ship { json, .. })
            | ShopCommand::Invoice(
                InvoiceCommand::Issue { json, .. }
                | InvoiceCommand::Credit { json, .. }
                | InvoiceCommand::Pay { json, .. }
                | InvoiceCommand::List { json, .. }
                | InvoiceCommand::Show { json, .. },
            ) => *json |= on,
            ShopCommand::Peppol(p) => match p.as_mut() {
                PeppolCommand::Orders { json, .. } => *json |= on,
                PeppolCommand::Catalogue { .. }
                | PeppolCommand::Ship { .. }
                | PeppolCommand::Invoice { .. }
                | PeppolCommand::CreditNote { .. } => {}
            },
            ShopCommand::Serve { .. } | ShopCommand::Quote(QuoteCommand::Decline { .. }) => {}
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
                Err(e) => shop_error(e),
            }
        }
        QuoteCommand::Decline { db, number, message } => {
            let mut conn = shop::open_db(&db)?;
            match quotes::decline(&mut conn, None, ("supplier", "Sales"), &number, message, now) {
                Ok(q) => {
                    println!("Declined {}.", q.number);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => shop_error(e),
            }
        }
    }
}

pub fn run(cmd: ShopCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        ShopCommand::Quote(q) => quote_command(q),
        ShopCommand::Order(o) => crate::cli_orders::order_command(o),
        ShopCommand::Invoice(i) => crate::cli_orders::invoice_command(i),
        ShopCommand::Peppol(p) => peppol_command(*p),
        ShopCommand::Serve {
            db,
            addr,
            seed,
            seed_products,
            token_ttl_secs,
            public,
            auto_offer_secs,
            connections_per_address,
            auto_fulfil_secs,
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
                auto_fulfil: auto_fulfil_secs.map(Duration::from_secs),
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
pub(crate) struct Versioned<'a, T> {
    schema_version: u32,
    #[serde(flatten)]
    value: &'a T,
}

pub(crate) fn versioned<T>(value: &T) -> Versioned<'_, T> {
    Versioned { schema_version: 1, value }
}

/// `procure-shop`: the reference shop's own command line.
#[derive(Debug, clap::Parser)]
#[command(
    name = "procure-shop",
    version,
    about = "The reference shop: serve procure's protocol, import a supplier's catalog, and play the supplier: answer quote requests, confirm, ship and invoice orders, record payments."
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
