//! The command-line face: parses arguments, calls the service layer, prints.
//! Data goes to stdout (text or `--json`), messages to stderr. No prompt is
//! shown when stdin is not a terminal.

mod account;
mod approvals;
mod basket;
mod compare;
#[cfg(feature = "demo")]
mod demo;
mod docs;
mod invoice;
mod meta;
mod order;
mod output;
mod parts;
mod progress;
mod quote;
mod session;
mod suppliers;

use clap::{Parser, Subcommand};
use output::Out;
use procure_client::service::{Error, ErrorKind, Paths, Workspace};
use std::process::ExitCode;

/// The exit codes for `--help`, made from the one definition ([`ErrorKind`]).
pub fn exit_codes_help() -> String {
    let mut text = String::from("Exit codes:");
    for (code, meaning) in procure_client::service::exit_codes() {
        text.push_str(&format!("\n  {code}  {meaning}"));
    }
    text
}

const GLOBAL: &str = "Global options";

#[derive(Debug, Parser)]
#[command(
    name = "procure",
    version,
    about = "Fast reordering from your suppliers' shops, from the terminal.",
    after_help = exit_codes_help(),
    after_long_help = format!("Examples:\n  procure demo\n  procure search 6205 2rs\n  procure --json order list --status shipped\n\n{}\n\nJSON output: docs/json.md.", exit_codes_help())
)]
pub struct Cli {
    /// The profile (supplier account) to use; default: `default_profile` in config.toml. Example: --profile parts
    #[arg(long, global = true, env = "PROCURE_PROFILE", help_heading = GLOBAL)]
    pub profile: Option<String>,
    /// Print machine-readable JSON on stdout (errors as JSON on stderr); see docs/json.md.
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub json: bool,
    /// Colours: the terminal app's, and matches marked in `search` results: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, global = true, value_parser = ["auto", "always", "never"], help_heading = GLOBAL)]
    pub color: Option<String>,
    /// Without a command: open the terminal app on the profile.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in to a shop as a company user and remember the profile.
    #[command(after_help = "Examples:
  procure login --shop https://shop.supplier.example --company ACME --user buyer
  echo \"$PASSWORD\" | procure login --profile parts --user einkauf@example.com --password-stdin")]
    Login(session::LoginArgs),
    /// End the session and forget the token.
    #[command(after_help = "Examples:\n  procure logout\n  procure --profile parts logout")]
    Logout,
    /// Pull the catalog and your price list into the local cache (--all: every supplier's).
    #[command(
        after_help = "With --all: exit 0 when every supplier synced, otherwise the exit code of the first supplier \
(by name) that failed; the summary and --json name each one.

Examples:
  procure sync
  procure --json sync
  procure sync --all"
    )]
    Sync(session::SyncArgs),
    /// Your suppliers (one profile each): list them, or choose the default one.
    #[command(
        after_help = "Examples:\n  procure suppliers\n  procure suppliers default bolt\n  procure --json suppliers list"
    )]
    Suppliers(suppliers::SuppliersArgs),
    /// Find parts by type number, SKU, GTIN, manufacturer or name (offline). Exits 1 when nothing matches.
    #[command(
        after_help = "Examples:\n  procure search 6205 2rs\n  procure search --qty 250 m8x25\n  procure --json search -n 5 3RT2015\n  procure search -A 6205-2RSH/C3"
    )]
    Search(parts::SearchArgs),
    /// Every supplier's offer for a part at your quantity, side by side, the best marked (offline). Exits 1 when no supplier has a matching part.
    #[command(after_help = "Each offer is priced at what you would have to order (your quantity raised to the part's \
minimum, pack and order step) with your own tiers there, converted with [compare] rates in config.toml. \
The best offer (--by cost): the cheapest that covers the quantity from stock; when none does, the earliest \
arrival, then the cheapest (a backorder). --by date: the earliest arrival, then the cheapest.

Examples:
  procure compare SN74LS00N --qty 100
  procure compare 6205-2RSH/C3 --qty 40 --by date
  procure --json compare 4011231123458 --qty 500")]
    Compare(compare::CompareArgs),
    /// Everything about one part, with its tier prices (offline).
    #[command(
        after_help = "Examples:\n  procure show P-100233\n  procure show 6205-2RSH/C3\n  procure --json show 7316572352042"
    )]
    Show(parts::ShowArgs),
    /// A part's documents (datasheets, certificates, manuals): list them, save them into a folder, open them; downloaded ones are kept for offline use.
    #[command(after_help = "Examples:
  procure docs 6205-2RSH/C3
  procure docs P-100233 --kind certificate --download ~/certificates
  procure docs P-100233 --kind datasheet --open
  procure docs --order SO-ACME-1003 --kind certificate --download ~/certificates
  procure --json docs P-100233")]
    Docs(docs::DocsArgs),
    /// Saved baskets: reorder templates kept across sessions.
    #[command(
        subcommand,
        after_help = "Examples:\n  procure basket new weekly\n  procure basket add weekly 6205-2RSH/C3 10\n  procure basket show weekly"
    )]
    Basket(basket::BasketCommand),
    /// Preview, submit and look up orders.
    #[command(
        subcommand,
        after_help = "Examples:\n  procure order preview --basket weekly --po PO-4711\n  procure order list --status shipped"
    )]
    Order(order::OrderCommand),
    /// Invoices and credit notes: list, show, the three-way match against order and goods receipt, dispute.
    #[command(
        subcommand,
        after_help = "Examples:\n  procure invoice list --open\n  procure invoice check INV-ACME-1001\n  procure invoice dispute INV-ACME-1001 --reason \"price\""
    )]
    Invoice(invoice::InvoiceCommand),
    /// What you owe: open invoices and credit notes with due dates, overdue, ageing, held invoices, payments, and the open balance. Every supplier unless --profile names one.
    #[command(
        after_help = "Examples:\n  procure statement\n  procure --json statement\n  procure --profile acme statement"
    )]
    Statement,
    /// Quote requests: ask for an offer, accept or decline it.
    #[command(
        subcommand,
        after_help = "Examples:\n  procure quote request --basket yearly --target P-100233=5.50\n  procure quote list"
    )]
    Quote(quote::QuoteCommand),
    /// Orders waiting for an approver (approvers only).
    #[command(subcommand, after_help = "Examples:\n  procure approvals list\n  procure approvals approve SO-ACME-1007")]
    Approvals(approvals::ApprovalsCommand),
    /// Your company's credit limit, open balance and what is available.
    #[command(after_help = "Examples:\n  procure credit\n  procure --json credit")]
    Credit,
    /// Your account at the supplier: company, user, role and order limit, payment terms, credit, ship-to addresses and the supplier's contact.
    #[command(after_help = "Examples:\n  procure account\n  procure --json account")]
    Account,
    /// Shell completions, generated from procure's own definition.
    Completions(meta::CompletionsArgs),
    /// The manual page (roff), generated from procure's own definition.
    Man(meta::ManArgs),
    /// Start the demo shop on loopback, log in as the demo buyer and open the app.
    #[cfg(feature = "demo")]
    #[command(after_help = "Examples:\n  procure demo\n  procure demo --serve")]
    Demo(demo::DemoArgs),
    /// The reference shop (same as `procure-shop`): serve it, import a supplier's catalog, answer quotes, confirm, ship and invoice orders.
    #[cfg(feature = "demo")]
    #[command(
        subcommand,
        after_help = "Examples:\n  procure shop serve --db shop.db --seed demo\n  procure shop import --db shop.db catalog.csv --prices prices.csv\n  procure shop order confirm --db shop.db SO-ACME-1007\n  procure shop invoice issue --db shop.db SO-ACME-1007"
    )]
    Shop(procure_shop::cli::ShopCommand),
}

pub fn run(cli: Cli) -> ExitCode {
    crate::started();
    let out = Out::new(cli.json).with_color(cli.color.as_deref());
    // Generated text needs no profile, log or runtime.
    match cli.command {
        Some(Command::Completions(args)) => return meta::completions(args).unwrap_or_else(|e| out.fail(&e)),
        Some(Command::Man(args)) => return meta::man(args).unwrap_or_else(|e| out.fail(&e)),
        _ => {}
    }
    #[cfg(feature = "demo")]
    if let Some(Command::Shop(cmd)) = cli.command {
        // The shop is its own program: it logs and answers on its own terms.
        return procure_shop::cli::run_main(cmd.with_json(cli.json));
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
    let result = rt.block_on(dispatch(&out, paths, cli.profile.as_deref(), cli.color, cli.command));
    match result {
        Ok(code) => code,
        Err(e) => out.fail(&e),
    }
}

/// Opens the workspace, and for every command that works on a supplier the
/// one `--profile` names (or the default), then runs the command.
async fn dispatch(
    out: &Out,
    paths: Paths,
    profile: Option<&str>,
    color: Option<String>,
    command: Option<Command>,
) -> CmdResult {
    let mut ws = Workspace::open(paths)?;
    // What works on the workspace alone, or on no supplier yet.
    let command = match command {
        Some(Command::Login(args)) => return session::login(out, &mut ws, profile, args).await,
        #[cfg(feature = "demo")]
        Some(Command::Demo(args)) => return demo::demo(out, ws, args, color).await,
        #[cfg(feature = "demo")]
        Some(Command::Shop(_)) => return Ok(ExitCode::SUCCESS),
        Some(Command::Completions(_) | Command::Man(_)) => return Ok(ExitCode::SUCCESS),
        // What works on every supplier at once.
        Some(Command::Suppliers(args)) => return suppliers::run(out, &mut ws, args.command),
        Some(Command::Sync(args)) if args.all => return suppliers::sync_all(out, &ws).await,
        Some(Command::Search(args)) if args.all_suppliers => return parts::search_all(out, &ws, args),
        Some(Command::Order(order::OrderCommand::List(args))) if args.all_suppliers => {
            return order::list_all(out, &ws, args).await;
        }
        Some(Command::Quote(quote::QuoteCommand::List { all_suppliers: true })) => {
            return quote::list_all(out, &ws).await;
        }
        Some(Command::Compare(args)) => return compare::compare(out, &ws, args),
        Some(Command::Basket(basket::BasketCommand::Split(args))) => return compare::split(out, &ws, args),
        None => {
            needs_terminal()?;
            None
        }
        Some(command) => Some(command),
    };
    // The lists across suppliers: every supplier, unless one is named.
    let across = || match profile {
        Some(p) => vec![p.to_string()],
        None => ws.distinct_suppliers(),
    };
    match &command {
        Some(Command::Order(order::OrderCommand::Late)) => {
            let names = across();
            if names.is_empty() {
                ws.supplier(None)?;
            }
            return order::late(out, &ws, &names).await;
        }
        Some(Command::Statement) => {
            let names = across();
            if names.is_empty() {
                ws.supplier(None)?;
            }
            return invoice::statements(out, &ws, &names).await;
        }
        _ => {}
    }
    // Every other command, and the app, work on one supplier.
    let sup = ws.supplier(profile)?;
    let Some(command) = command else {
        crate::tui::run(ws, sup, crate::tui::Options { color }).await?;
        return Ok(ExitCode::SUCCESS);
    };
    let sup = &sup;
    match command {
        Command::Logout => session::logout(out, sup).await,
        Command::Sync(_) => session::sync(out, sup).await,
        Command::Search(args) => parts::search(out, &ws, sup, args),
        Command::Show(args) => parts::show(out, sup, args),
        Command::Docs(args) => docs::docs(out, sup, args).await,
        Command::Basket(cmd) => basket::run(out, &ws, sup, cmd),
        Command::Order(cmd) => order::run(out, sup, cmd).await,
        Command::Invoice(cmd) => invoice::run(out, sup, cmd).await,
        Command::Quote(cmd) => quote::run(out, sup, cmd).await,
        Command::Approvals(cmd) => approvals::run(out, sup, cmd).await,
        Command::Credit => approvals::credit(out, sup).await,
        Command::Account => account::account(out, sup).await,
        // Handled above.
        Command::Login(_)
        | Command::Completions(_)
        | Command::Man(_)
        | Command::Suppliers(_)
        | Command::Compare(_)
        | Command::Statement => Ok(ExitCode::SUCCESS),
        #[cfg(feature = "demo")]
        Command::Demo(_) | Command::Shop(_) => Ok(ExitCode::SUCCESS),
    }
}

/// The terminal app needs a terminal.
fn needs_terminal() -> Result<(), Error> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "the terminal app needs a terminal; for scripts use the commands (procure --help)".into(),
        ));
    }
    Ok(())
}

/// A date argument: YYYY-MM-DD.
pub(crate) fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    procure_client::core::order::parse_date(s)
}

/// A requested delivery date: YYYY-MM-DD, or +N days / +Nw weeks from today.
pub(crate) fn parse_delivery(s: &str) -> Result<procure_client::core::order::DeliveryDate, String> {
    procure_client::core::order::parse_delivery_date(s)
}

/// Result of a command: an exit code on success paths that still signal
/// something (e.g. an import with rejected lines), or an error.
pub type CmdResult = Result<ExitCode, Error>;

/// An argument error: clap's own text, or with `--json` the error as JSON on
/// stderr; `--help` and `--version` print as usual. Exit code 2 either way.
pub fn argument_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind as K;
    let json = std::env::args_os().skip(1).take_while(|a| a != "--").any(|a| a == "--json");
    if !json || matches!(e.kind(), K::DisplayHelp | K::DisplayVersion | K::DisplayHelpOnMissingArgumentOrSubcommand) {
        e.exit();
    }
    let text = e.render().to_string();
    let message = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("bad arguments")
        .trim_start_matches("error: ")
        .to_string();
    let usage = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: "))
        .map(str::to_string)
        .or_else(|| usage_line(&std::env::args().collect::<Vec<_>>()));
    output::Out::new(true).fail_usage(&message, usage.as_deref())
}

/// The usage line of the command `args` name (`procure order list
/// [OPTIONS]`): clap's error text has it for some errors only.
fn usage_line(args: &[String]) -> Option<String> {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    cmd.build();
    // Down the subcommands the words name; any other word is an argument
    // or an option's value.
    let mut at: &clap::Command = &cmd;
    for a in args.iter().skip(1).take_while(|a| *a != "--") {
        if let Some(sub) = at.find_subcommand(a) {
            at = sub;
        }
    }
    let text = at.clone().render_usage().to_string();
    text.lines().next()?.trim().strip_prefix("Usage: ").map(str::to_string)
}

pub fn exit(kind: ErrorKind) -> ExitCode {
    ExitCode::from(kind.exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// The rows of the table under a document's "### Exit codes".
    fn exit_table(doc: &str) -> Vec<(u8, String)> {
        let section = doc.split("### Exit codes").nth(1).expect("an exit-code section");
        section
            .lines()
            .skip_while(|l| !l.starts_with("| code"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
                (cells[0].parse().expect("a code"), cells[1].to_string())
            })
            .collect()
    }

    /// The README's and docs/json.md's exit-code tables and `--help` are
    /// the one definition, row by row.
    #[test]
    fn documented_exit_codes_are_the_definition() {
        let want: Vec<(u8, String)> =
            procure_client::service::exit_codes().into_iter().map(|(c, m)| (c, m.to_string())).collect();
        assert_eq!(exit_table(include_str!("../../README.md")), want, "README vs ErrorKind");
        assert_eq!(exit_table(include_str!("../../docs/json.md")), want, "docs/json.md vs ErrorKind");
        let help = Cli::command().render_help().to_string();
        for (code, meaning) in &want {
            assert!(help.contains(&format!("  {code}  {meaning}")), "--help lacks {code}: {help}");
        }
    }

    /// The example at the top of the tree is the one the client compiles in
    /// as its defaults (the client crate keeps its own copy so that it
    /// packages on its own).
    #[test]
    fn the_config_example_is_the_one_compiled_in() {
        assert_eq!(
            include_str!("../../config.example.toml"),
            include_str!("../../crates/client/config.example.toml"),
            "config.example.toml and crates/client/config.example.toml differ: copy the first over the second"
        );
    }

    fn walk(cmd: &clap::Command, path: &str, found: &mut Vec<String>) {
        for sub in cmd.get_subcommands() {
            let name = format!("{path} {}", sub.get_name());
            if sub.get_name() == "help" {
                continue;
            }
            let examples = sub.get_after_help().map(|h| h.to_string()).unwrap_or_default();
            if !examples.contains("Examples:\n  procure") {
                found.push(format!("{name}: no examples"));
            }
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                if arg.is_global_set() || matches!(id, "help" | "version" | "profile" | "json" | "color") {
                    continue;
                }
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                if help.trim().is_empty() {
                    found.push(format!("{name}: {id} undescribed"));
                } else if !help.contains("Example: ") && arg.get_possible_values().is_empty() {
                    found.push(format!("{name}: {id} has no example"));
                }
            }
            walk(sub, &name, found);
        }
    }

    #[test]
    fn every_command_has_examples_and_describes_its_arguments() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        walk(&cmd, "procure", &mut missing);
        assert!(missing.is_empty(), "{missing:#?}");
    }

    /// Help that says what the code does: the numbers in examples are the
    /// shop's (`SO-ACME-1001`, `Q-ACME-1001`), a basket name's rules are
    /// the ones `basket new` applies, and the encodings `basket import`
    /// names are the ones it reads.
    #[test]
    fn help_texts_say_what_the_code_does() {
        fn all(cmd: &clap::Command, out: &mut String) {
            out.push_str(&cmd.clone().render_long_help().to_string());
            for sub in cmd.get_subcommands() {
                all(sub, out);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        let mut help = String::new();
        all(&cmd, &mut help);
        for prefix in ["SO-", "Q-"] {
            for (at, _) in help.match_indices(prefix) {
                let rest = &help[at + prefix.len()..];
                assert!(
                    !rest.starts_with(|c: char| c.is_ascii_digit()),
                    "an example number the shop never gives: {prefix}{}",
                    rest.chars().take(8).collect::<String>()
                );
            }
        }
        let new = cmd.find_subcommand_mut("basket").unwrap().find_subcommand_mut("new").unwrap();
        let text = new.render_help().to_string();
        assert!(text.contains("letters, digits, -, _ and ."), "{text}");
        for name in ["a.b", "weekly-2_b"] {
            assert!(procure_client::service::baskets::validate_name(name).is_ok(), "{name}");
        }
        assert!(procure_client::service::baskets::validate_name(".a").is_err());
        let mut cmd = Cli::command();
        let import = cmd.find_subcommand_mut("basket").unwrap().find_subcommand_mut("import").unwrap();
        let text = import.render_help().to_string();
        assert!(text.contains("UTF-16"), "{text}");
    }

    /// A usage error names the usage line of the command it is about.
    #[test]
    fn the_usage_line_is_the_commands() {
        let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            usage_line(&args("procure --json order list --since soon")).as_deref(),
            Some("procure order list [OPTIONS]")
        );
        let add = usage_line(&args("procure basket add --profile basket weekly P-1 x")).unwrap_or_default();
        assert!(add.starts_with("procure basket add"), "{add}");
        assert!(usage_line(&args("procure --json")).is_some_and(|u| u.starts_with("procure ")));
    }

    /// Global options are listed once, under their own heading, not among
    /// a command's own options.
    #[test]
    fn global_options_have_their_own_heading() {
        let mut cmd = Cli::command();
        cmd.build();
        let add = cmd.find_subcommand_mut("basket").unwrap().find_subcommand_mut("add").unwrap();
        let help = add.render_help().to_string();
        let (own, global) = help.split_once("Global options:").expect("a global heading");
        for flag in ["--profile", "--json", "--color"] {
            assert!(!own.contains(flag) && global.contains(flag), "{flag}:\n{help}");
        }
    }
}
