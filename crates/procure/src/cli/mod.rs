//! The command-line face: parses arguments, calls the service layer, prints.
//! Data goes to stdout (text or `--json`), messages to stderr. No prompt is
//! shown when stdin is not a terminal.

mod approvals;
mod basket;
#[cfg(feature = "demo")]
mod demo;
mod order;
mod output;
mod parts;
mod quote;
mod session;

use clap::{Parser, Subcommand};
use output::Out;
use procure_client::service::{Error, ErrorKind};
use procure_client::store::Paths;
use std::process::ExitCode;

pub const EXIT_CODES: &str = "Exit codes:
  0  success
  1  internal error
  2  usage error (bad arguments, insecure shop address)
  3  login needed (not logged in, session expired, wrong password)
  4  shop unreachable (down, timed out, or sent an unreadable answer)
  5  rejected input (unknown SKU, bad quantity, bad file lines, refused by the shop)
  6  price changed (the order was not placed; review and use --yes)
  7  local data problem (a config, basket or cache file cannot be read; it is left untouched)";

#[derive(Debug, Parser)]
#[command(name = "procure", version, about = "Fast reordering from your suppliers' shops, from the terminal.", after_help = EXIT_CODES)]
pub struct Cli {
    /// The profile (supplier account) to use; default: `default_profile` in config.toml.
    #[arg(long, global = true, env = "PROCURE_PROFILE")]
    pub profile: Option<String>,
    /// Print machine-readable JSON on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Colours in the terminal app: auto (honours NO_COLOR), always or never.
    #[arg(long, global = true, value_parser = ["auto", "always", "never"])]
    pub color: Option<String>,
    /// Without a command: open the terminal app on the profile.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in to a shop as a company user and remember the profile.
    Login(session::LoginArgs),
    /// End the session and forget the token.
    Logout,
    /// Pull the catalog and your price list into the local cache.
    Sync,
    /// Find parts by type number, SKU, GTIN, manufacturer or name (offline).
    Search(parts::SearchArgs),
    /// Everything about one part, with its tier prices (offline).
    Show(parts::ShowArgs),
    /// Saved baskets: reorder templates kept across sessions.
    #[command(subcommand)]
    Basket(basket::BasketCommand),
    /// Preview, submit and look up orders.
    #[command(subcommand)]
    Order(order::OrderCommand),
    /// Quote requests: ask for an offer, accept or decline it.
    #[command(subcommand)]
    Quote(quote::QuoteCommand),
    /// Orders waiting for an approver (approvers only).
    #[command(subcommand)]
    Approvals(approvals::ApprovalsCommand),
    /// Your company's credit limit, open balance and what is available.
    Credit,
    /// Start the demo shop on loopback, log in as the demo buyer and open the app.
    #[cfg(feature = "demo")]
    Demo(demo::DemoArgs),
    /// The reference shop (same as `procure-shop`): serve it, import a supplier's catalog, answer quotes.
    #[cfg(feature = "demo")]
    #[command(subcommand)]
    Shop(procure_shop::cli::ShopCommand),
}

pub fn run(cli: Cli) -> ExitCode {
    let out = Out::new(cli.json);
    #[cfg(feature = "demo")]
    if let Some(Command::Shop(cmd)) = cli.command {
        // The shop is its own program: it logs and answers on its own terms.
        return procure_shop::cli::run_main(cmd);
    }
    let paths = match Paths::resolve() {
        Ok(p) => p,
        Err(e) => return out.fail(&Error::Usage(e)),
    };
    let _log = crate::logging::init(&paths.log_dir);
    let rt = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return out.fail(&Error::Internal(e.to_string())),
    };
    let profile = cli.profile.as_deref();
    let result = rt.block_on(async {
        match cli.command {
            None => open_app(paths, profile, cli.color).await,
            Some(Command::Login(args)) => session::login(&out, paths, profile, args).await,
            Some(Command::Logout) => session::logout(&out, paths, profile).await,
            Some(Command::Sync) => session::sync(&out, paths, profile).await,
            Some(Command::Search(args)) => parts::search(&out, paths, profile, args),
            Some(Command::Show(args)) => parts::show(&out, paths, profile, args),
            Some(Command::Basket(cmd)) => basket::run(&out, paths, profile, cmd),
            Some(Command::Order(cmd)) => order::run(&out, paths, profile, cmd).await,
            Some(Command::Quote(cmd)) => quote::run(&out, paths, profile, cmd).await,
            Some(Command::Approvals(cmd)) => approvals::run(&out, paths, profile, cmd).await,
            Some(Command::Credit) => approvals::credit(&out, paths, profile).await,
            #[cfg(feature = "demo")]
            Some(Command::Demo(args)) => demo::demo(&out, paths, args, cli.color).await,
            #[cfg(feature = "demo")]
            Some(Command::Shop(_)) => Ok(ExitCode::SUCCESS),
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

/// The terminal app on a profile; it needs a terminal.
pub async fn open_app(paths: Paths, profile: Option<&str>, color: Option<String>) -> CmdResult {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "the terminal app needs a terminal; for scripts use the commands (procure --help)".into(),
        ));
    }
    let ctx = procure_client::service::Context::open(paths, profile)?;
    crate::tui::run(ctx, crate::tui::Options { color }).await?;
    Ok(ExitCode::SUCCESS)
}

/// A date argument: YYYY-MM-DD.
pub(crate) fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("{s:?} is not a date like 2026-12-24"))
}

/// Result of a command: an exit code on success paths that still signal
/// something (e.g. an import with rejected lines), or an error.
pub type CmdResult = Result<ExitCode, Error>;

pub fn exit(kind: ErrorKind) -> ExitCode {
    ExitCode::from(kind.exit_code())
}
