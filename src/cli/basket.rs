//! basket new|list|show|add|set|remove|note|rename|delete|import|export

use super::output::{Out, fit};
use super::{CmdResult, exit};
use clap::{Subcommand, ValueEnum};
use procure_client::core::text::parse_quantity;
use procure_client::core::text::{format_amount, format_price};
use procure_client::service::baskets::{self, Change};
use procure_client::service::catalog::Catalog;
use procure_client::service::{self, Error, ErrorKind, Supplier, Workspace};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum BasketCommand {
    /// Create an empty basket.
    #[command(after_help = "Examples:\n  procure basket new weekly")]
    New {
        /// The basket's name: letters, digits, -, _ and . (not first), at most 64 characters; it is the file's name. Example: weekly
        name: String,
    },
    /// List baskets with their line count and last order.
    #[command(
        after_help = "Examples:\n  procure basket list\n  procure --json basket list\n  procure basket list --names"
    )]
    List {
        /// Only the names, one a line, the most recently used first (for scripts and shell completion). Example: --names
        #[arg(long)]
        names: bool,
    },
    /// Show a basket priced with your current prices.
    #[command(after_help = "Examples:\n  procure basket show weekly\n  procure --json basket show weekly")]
    Show {
        /// The basket. Example: weekly
        name: String,
    },
    /// Add a quantity of a part (SKU or a type number naming one part).
    #[command(
        after_help = "Examples:\n  procure basket add weekly 6205-2RSH/C3 10\n  procure basket add weekly P-100233 200"
    )]
    Add {
        /// The basket. Example: weekly
        name: String,
        /// SKU, GTIN or a type number naming exactly one part. Example: 6205-2RSH/C3
        sku: String,
        /// How many to add (a whole number; the part's pack size and minimum apply). Example: 10
        #[arg(allow_hyphen_values = true)]
        qty: String,
    },
    /// Set the quantity of a part.
    #[command(after_help = "Examples:\n  procure basket set weekly P-100233 400")]
    Set {
        /// The basket. Example: weekly
        name: String,
        /// SKU, GTIN or a type number naming exactly one part. Example: P-100233
        sku: String,
        /// The new quantity (a whole number). Example: 400
        #[arg(allow_hyphen_values = true)]
        qty: String,
    },
    /// Remove a part.
    #[command(after_help = "Examples:\n  procure basket remove weekly P-100233")]
    Remove {
        /// The basket. Example: weekly
        name: String,
        /// The SKU of the line. Example: P-100233
        sku: String,
    },
    /// Set or clear a line note (cost centre, …); no text clears it.
    #[command(
        after_help = "Examples:\n  procure basket note weekly P-100233 CC-4711\n  procure basket note weekly P-100233"
    )]
    Note {
        /// The basket. Example: weekly
        name: String,
        /// The SKU of the line. Example: P-100233
        sku: String,
        /// The note; leave it out to clear the note. Example: CC-4711
        text: Option<String>,
    },
    /// Rename a basket.
    #[command(after_help = "Examples:\n  procure basket rename weekly weekly-hall3")]
    Rename {
        /// The basket's current name. Example: weekly
        old: String,
        /// Its new name. Example: weekly-hall3
        new: String,
    },
    /// Delete a basket.
    #[command(after_help = "Examples:\n  procure basket delete weekly")]
    Delete {
        /// The basket. Example: weekly
        name: String,
    },
    /// Add lines from a spreadsheet's CSV ("-" for stdin): columns by header name (sku/artikel/part number, qty/quantity/menge/aantal, note) or else SKU, quantity, note; `,` `;` or tab; UTF-8 (with or without BOM), UTF-16 or Windows-1252.
    #[command(after_help = "Examples:
  procure basket import weekly list.csv
  procure --json basket import weekly Bestellung.csv
  printf 'P-100233 200\\n6205-2RSH/C3 10\\n' | procure basket import weekly -")]
    Import {
        /// The basket to add to. Example: weekly
        name: String,
        /// The file, or - for stdin. Example: list.csv
        file: PathBuf,
        /// Into a basket with lines: --add sums the quantities, --replace makes the basket the file.
        #[command(flatten)]
        merge: super::order::MergeArgs,
    },
    /// Make the same list at another supplier: each line found there by maker and type number (then GTIN); lines not found are reported with their line number, never guessed.
    #[command(after_help = "Examples:
  procure basket copy weekly --to bolt
  procure --profile acme basket copy weekly --to bolt --as weekly-bolt
  procure --json basket copy weekly --to crane")]
    Copy {
        /// The basket (of --profile's supplier, or the default). Example: weekly
        name: String,
        /// The supplier (profile) to make it at. Example: --to bolt
        #[arg(long)]
        to: String,
        /// The new basket's name there (default: the same name). Example: --as weekly-bolt
        #[arg(long = "as")]
        into: Option<String>,
    },
    /// Split a list over your suppliers: one basket per supplier (PREFIX-SUPPLIER), each line at its best offer; the report gives each line's choice and runner-up, each basket's total, the total against the best single supplier, and the lines nobody carries. Exit 5 when a line could not be placed.
    #[command(
        after_help = "The list is read as `basket import` reads it. A line's part is found at every supplier by \
its SKU there, its type number or its GTIN, and then as the same part (maker and type number, or GTIN) at the \
others; a line that names several parts is reported with its choices. The baskets are made once: when one of \
them exists, nothing is made unless --replace. Order each with `procure --profile SUPPLIER order submit --basket \
PREFIX-SUPPLIER`.

Examples:
  procure basket split bom.csv
  procure basket split bom.csv --max-suppliers 2 --prefix bom-q1
  procure --json basket split bom.csv --by date"
    )]
    Split(super::compare::SplitArgs),
    /// Swap each discontinued part of a basket for its successor: shows old and new part and price, the quantity made valid for the successor (asks first at a terminal).
    #[command(after_help = "Examples:
  procure basket replace-discontinued weekly
  procure basket replace-discontinued weekly --yes
  procure --json basket replace-discontinued weekly")]
    ReplaceDiscontinued {
        /// The basket. Example: weekly
        name: String,
        /// Do not ask. Example: --yes
        #[arg(long)]
        yes: bool,
    },
    /// Write a basket as CSV (sku, type number, manufacturer, GTIN, name, qty, unit price, line total, note) or JSON.
    #[command(after_help = "Examples:
  procure basket export weekly -o weekly.csv
  procure basket export weekly --excel -o weekly.csv      # ; decimal comma, BOM: opens in Excel
  procure basket export weekly --delimiter ';' --decimal-comma
  procure --json basket export weekly")]
    Export {
        /// The basket. Example: weekly
        name: String,
        /// csv or json (`--json` means json). Example: --format json
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Write to this file instead of stdout. Example: -o weekly.csv
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
        /// CSV field delimiter: ',', ';' or 'tab'. Example: --delimiter ';'
        #[arg(long, value_parser = parse_delimiter)]
        delimiter: Option<u8>,
        /// Write amounts with a decimal comma (12,50), as Excel reads them in German or Dutch. Example: --decimal-comma
        #[arg(long)]
        decimal_comma: bool,
        /// Start the file with a UTF-8 byte order mark, so Excel reads umlauts right. Example: --bom
        #[arg(long)]
        bom: bool,
        /// Excel in Germany or the Netherlands: the same as --delimiter ';' --decimal-comma --bom. Example: --excel
        #[arg(long)]
        excel: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "," => Ok(b','),
        ";" => Ok(b';'),
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        other => Err(format!("{other:?} is not a delimiter: use ',', ';' or tab")),
    }
}

fn qty(text: &str) -> Result<u32, Error> {
    parse_quantity(text).map_err(Error::Rejected)
}

pub fn run(out: &Out, ws: &Workspace, sup: &Supplier, cmd: BasketCommand) -> CmdResult {
    match cmd {
        BasketCommand::New { name } => {
            baskets::create(sup, &name)?;
            if out.json {
                // The same shape as `basket show`.
                out.data(&baskets::priced(sup, &name)?);
            } else {
                out.note(format!("Created basket {name:?}. Add parts: procure basket add {name} SKU QTY"));
            }
        }
        BasketCommand::List { names: true } => {
            let names: Vec<String> = baskets::list_by_use(sup)?.into_iter().map(|(name, _)| name).collect();
            if out.json {
                out.data(&names);
            } else {
                names.iter().for_each(|n| out.line(n));
            }
        }
        BasketCommand::List { names: false } => {
            let all = baskets::list(sup)?;
            if out.json {
                let items: Vec<_> = all
                    .iter()
                    .map(|(name, b)| match b {
                        Ok(b) => serde_json::json!({ "name": name, "supplier": b.supplier, "line_count": b.lines.len(), "orders": b.orders, "pending": b.pending.is_some() }),
                        Err(e) => serde_json::json!({ "name": name, "error": e.to_string() }),
                    })
                    .collect();
                out.data(&items);
            } else if all.is_empty() {
                out.note("No baskets yet: procure basket new NAME");
            } else {
                for (name, b) in &all {
                    match b {
                        Ok(b) => {
                            let last = b.orders.last().map(|o| format!("last ordered {} ({})", o.date, o.number));
                            let elsewhere = baskets::belongs_elsewhere(sup, b)
                                .map(|s| format!("  [{s}'s basket: not ordered from {}]", sup.name()))
                                .unwrap_or_default();
                            out.line(format!(
                                "{} {:>3} lines  {}{}{elsewhere}",
                                fit(name, 24),
                                b.lines.len(),
                                last.unwrap_or_else(|| "never ordered".into()),
                                if b.pending.is_some() { "  [submission pending]" } else { "" }
                            ));
                        }
                        Err(e) => out.line(format!("{} UNREADABLE: {e}", fit(name, 24))),
                    }
                }
            }
        }
        BasketCommand::Show { name } if out.interactive() => {
            // At a terminal the buyer sees the basket: it is used, its prices
            // are the agreed ones, a changed one when the buyer says so.
            let catalog = Catalog::open(sup)?;
            let shown = baskets::shown(sup, &catalog, &name, &[])?;
            print_basket(out, &shown.basket);
            note_name_in_file(out, sup, &name);
            if !shown.changed.is_empty() {
                out.note("Prices changed since you agreed to them:");
                for c in &shown.changed {
                    out.note(format!("  {} × {}: {}", c.sku, c.quantity, c.describe()));
                }
                if super::order::ask("Accept the new prices? [y/N] ") {
                    baskets::shown(sup, &catalog, &name, &shown.changed)?;
                }
            }
        }
        BasketCommand::Show { name } => {
            // Read by a script: shown to nobody, so nothing is agreed.
            let priced = baskets::priced(sup, &name)?;
            if out.json {
                out.data(&priced);
            } else {
                print_basket(out, &priced);
            }
            note_name_in_file(out, sup, &name);
        }
        BasketCommand::Add { name, sku, qty: q } => {
            let (sku, total) = baskets::change(sup, &Catalog::open_synced(sup)?, &name, &sku, Change::Add(qty(&q)?))?;
            note_waiting_edit(out, sup, &name);
            changed(out, sup, &name, &sku, total);
        }
        BasketCommand::Set { name, sku, qty: q } => {
            let (sku, total) = baskets::change(sup, &Catalog::open_synced(sup)?, &name, &sku, Change::Set(qty(&q)?))?;
            note_waiting_edit(out, sup, &name);
            changed(out, sup, &name, &sku, total);
        }
        BasketCommand::ReplaceDiscontinued { name, yes } => return replace_discontinued(out, sup, &name, yes),
        BasketCommand::Remove { name, sku } => {
            note_name_in_file(out, sup, &name);
            baskets::remove(sup, &name, &sku)?;
            note_waiting_edit(out, sup, &name);
            if out.json {
                out.data(&serde_json::json!({ "basket": name, "removed": sku }));
            } else {
                out.note(format!("Removed {sku} from {name:?}."));
            }
        }
        BasketCommand::Note { name, sku, text } => {
            baskets::note(sup, &name, &sku, text.clone())?;
            note_waiting_edit(out, sup, &name);
            if out.json {
                out.data(&serde_json::json!({ "basket": name, "sku": sku, "note": text }));
            } else {
                match &text {
                    Some(t) => out.note(format!("{sku} in {name:?}: note {t:?}.")),
                    None => out.note(format!("{sku} in {name:?}: note cleared.")),
                }
            }
        }
        BasketCommand::Rename { old, new } => {
            baskets::rename(sup, &old, &new)?;
            if out.json {
                out.data(&serde_json::json!({ "renamed": old, "to": new }));
            } else {
                out.note(format!("Renamed {old:?} to {new:?}."));
            }
        }
        BasketCommand::Delete { name } => {
            baskets::delete(sup, &name)?;
            if out.json {
                out.data(&serde_json::json!({ "deleted": name }));
            } else {
                out.note(format!("Deleted basket {name:?}."));
            }
        }
        BasketCommand::Import { name, file, merge } => {
            let bytes = procure_client::service::files::read_input(&file)?;
            let report = baskets::import_bytes(sup, &Catalog::open_synced(sup)?, &name, &bytes, merge.merge())?;
            if !report.added.is_empty() {
                note_waiting_edit(out, sup, &name);
            }
            if out.json {
                out.data(&report);
            } else {
                out.note(format!("Added {} to {name:?}.", lines(report.added.len())));
                for p in &report.problems {
                    out.note(format!("  {}:{}: {}: {}", file.display(), p.line, p.sku, p.reason));
                }
            }
            if !report.problems.is_empty() {
                if !out.json {
                    let n = report.problems.len();
                    out.note(format!("{} {} not added (see above).", lines(n), if n == 1 { "was" } else { "were" }));
                }
                return Ok(exit(ErrorKind::Rejected));
            }
        }
        BasketCommand::Copy { name, to, into } => {
            let report = baskets::copy(ws, sup, &name, &to, into.as_deref())?;
            if out.json {
                out.data(&report);
            } else {
                let lines = report.copied.len() + report.unresolved.len();
                if report.made {
                    out.note(format!(
                        "Made basket {:?} at {} from {}'s {:?}: {} of {lines} lines found.",
                        report.into,
                        report.to,
                        report.from,
                        report.basket,
                        report.copied.len(),
                    ));
                } else {
                    out.note(format!(
                        "No line of {}'s basket {:?} was found at {}, so no basket was made there.",
                        report.from, report.basket, report.to
                    ));
                }
                for c in &report.copied {
                    let price = |p: Option<rust_decimal::Decimal>, cur: &str| {
                        p.map(|p| format!("{} {cur}", format_amount(p))).unwrap_or_else(|| "no price".into())
                    };
                    out.line(format!(
                        "  line {:>3}: {} → {} ({} {}, by {}) × {}: {} → {}",
                        c.line,
                        c.from_sku,
                        c.sku,
                        c.manufacturer,
                        c.mpn,
                        c.by,
                        c.quantity,
                        price(c.from_unit_price, &report.from_currency),
                        price(c.unit_price, &report.currency)
                    ));
                    if let Some(p) = &c.problem {
                        out.line(format!("            ! {p}"));
                    }
                }
                for u in &report.unresolved {
                    let choices = if u.choices.is_empty() {
                        String::new()
                    } else {
                        format!(" (choices: {})", u.choices.join(", "))
                    };
                    out.note(format!(
                        "  line {:>3}: {} × {}: not copied: {}{choices}",
                        u.line, u.sku, u.quantity, u.reason
                    ));
                }
            }
            if !report.unresolved.is_empty() {
                if !out.json && report.made {
                    out.note(format!(
                        "{} lines were not copied (see above): add them by hand with procure --profile {} basket add {} …",
                        report.unresolved.len(),
                        report.to,
                        report.into
                    ));
                }
                return Ok(exit(ErrorKind::Rejected));
            }
        }
        // Works on every supplier: run from `dispatch` before one is opened.
        BasketCommand::Split(_) => {}
        BasketCommand::Export { name, format, output, delimiter, decimal_comma, bom, excel } => {
            let priced = baskets::priced(sup, &name)?;
            let text = match format {
                Format::Csv if !out.json => {
                    let style = baskets::CsvStyle {
                        delimiter: delimiter.unwrap_or(if excel { b';' } else { b',' }),
                        decimal_comma: decimal_comma || excel,
                        bom: bom || excel,
                    };
                    baskets::export_csv(&priced, style)?
                }
                _ => {
                    let value = serde_json::to_value(&priced).map_err(|e| Error::Internal(e.to_string()))?;
                    serde_json::to_string_pretty(&super::output::versioned(value))
                        .map_err(|e| Error::Internal(e.to_string()))?
                        + "\n"
                }
            };
            match output {
                Some(path) => {
                    service::files::write_export(&path, &text)?;
                    out.note(format!("Wrote {}.", path.display()));
                }
                None => print!("{text}"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A line added or set: its quantity, and what keeps it from being ordered
/// as it is (a discontinued part names its successor and how to take it).
fn changed(out: &Out, sup: &Supplier, name: &str, sku: &str, total: u32) {
    let warnings = baskets::priced(sup, name)
        .ok()
        .and_then(|b| b.lines.into_iter().find(|l| l.sku == sku))
        .map(|l| l.warnings)
        .unwrap_or_default();
    if out.json {
        out.data(&serde_json::json!({ "basket": name, "sku": sku, "quantity": total, "warnings": warnings }));
        return;
    }
    out.note(format!("{sku}: {total} in basket {name:?}."));
    for w in &warnings {
        out.note(format!("warning: {sku}: {w}"));
    }
    if warnings.iter().any(|w| w.starts_with("discontinued, replaced by")) {
        out.note(format!("  `procure basket replace-discontinued {name}` takes the successor."));
    }
}

fn replace_discontinued(out: &Out, sup: &Supplier, name: &str, yes: bool) -> CmdResult {
    use procure_client::service::discontinued;
    let catalog = Catalog::open_synced(sup)?;
    let plan = discontinued::replace(sup, &catalog, name, false)?;
    if plan.replaced.is_empty() && plan.kept.is_empty() {
        if out.json {
            out.data(&plan);
        } else {
            out.note(format!("Basket {name:?} has no discontinued part: nothing to replace."));
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !out.json {
        print_swaps(out, &plan, "would replace");
    }
    let done = if plan.replaced.is_empty() {
        plan
    } else if !yes && out.interactive() && !super::order::ask("Replace them? [y/N] ") {
        out.note("Nothing replaced.");
        return Ok(ExitCode::SUCCESS);
    } else {
        discontinued::replace(sup, &catalog, name, true)?
    };
    note_waiting_edit(out, sup, name);
    if out.json {
        out.data(&done);
    } else if done.applied {
        out.note(format!("Replaced {} in {name:?}.", lines(done.replaced.len())));
    }
    if !done.kept.is_empty() {
        return Ok(exit(ErrorKind::Rejected));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_swaps(out: &Out, r: &procure_client::service::discontinued::Replacement, verb: &str) {
    let price = |p: Option<rust_decimal::Decimal>| p.map(format_amount).unwrap_or_else(|| "no price".into());
    out.line(format!("Basket {}: discontinued parts and their successors ({verb})", r.basket));
    for s in &r.replaced {
        out.line(format!(
            "  {} × {}  {}  at {} {}",
            s.old_sku,
            s.old_quantity,
            s.old_name,
            price(s.old_unit_price),
            r.currency
        ));
        out.line(format!(
            "  → {} × {}  {}  at {} {}{}",
            s.sku,
            s.quantity,
            s.name,
            price(s.new_unit_price),
            r.currency,
            if s.quantity != s.old_quantity { " (quantity made valid for the successor)" } else { "" }
        ));
    }
    for (sku, why) in &r.kept {
        out.line(format!("  {sku} stays: {why}"));
    }
}

/// A change to a basket with an order waiting for the shop is not in that
/// order: say so, with what to do.
fn note_waiting_edit(out: &Out, sup: &Supplier, name: &str) {
    if let Some(w) = procure_client::service::ordering::waiting_in(sup, name) {
        out.note(format!(
            "note: {}. Send it with `procure order submit --basket {name}`, or drop it with `procure order \
             discard-pending {name}` to order the basket as it is now.",
            w.describe_edit()
        ));
    }
}

/// A copied basket file names another basket inside: the file's name wins; say so.
/// One that names another supplier is that supplier's: say so too.
fn note_name_in_file(out: &Out, sup: &Supplier, name: &str) {
    let Ok(b) = baskets::load(sup, name) else { return };
    if let Some(inside) = &b.name_in_file {
        out.note(format!(
            "note: the file {name}.toml says name = {inside:?}; it is basket {name:?} (the file's name), and the next \
             change writes that name into it"
        ));
    }
    if let Some(other) = baskets::belongs_elsewhere(sup, &b) {
        let here = sup.name();
        out.note(format!(
            "note: basket {name:?} belongs to supplier {other:?} (its file says so), not to {here:?}, whose folder it \
             is in: its SKUs and prices are {other}'s, so it is not changed or ordered here; \
             `procure --profile {here} basket copy {name} --to {here} --as NEW-NAME` makes the same list from {here}'s catalog"
        ));
    }
}

/// "1 line", "3 lines".
fn lines(n: usize) -> String {
    format!("{n} line{}", if n == 1 { "" } else { "s" })
}

pub fn print_basket(out: &Out, b: &procure_client::core::basket::PricedBasket) {
    out.line(format!("Basket {}", b.name));
    if b.lines.is_empty() {
        out.line("  (empty)");
        return;
    }
    // A SKU is never cut: distributors' run to 20 characters and more.
    let sku_w = b.lines.iter().map(|l| l.sku.chars().count()).max().unwrap_or(0).max(12);
    out.line(format!(
        "  {} {:>7} {:>10} {:>11} {:>7} {:>5}  {}",
        fit("SKU", sku_w),
        "QTY",
        "UNIT",
        "TOTAL",
        "STOCK",
        "LEAD",
        "NAME"
    ));
    for l in &b.lines {
        out.line(format!(
            "  {} {:>7} {:>10} {:>11} {:>7} {:>5}  {}{}",
            fit(&l.sku, sku_w),
            l.qty,
            l.unit_price.map(|p| format_price(p, l.base_quantity)).unwrap_or_else(|| "-".into()),
            l.line_total.map(format_amount).unwrap_or_else(|| "-".into()),
            l.stock.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
            l.lead_time_days.map(|d| format!("{d} d")).unwrap_or_else(|| "-".into()),
            fit(&l.name, 50).trim_end(),
            l.note.as_ref().map(|n| format!("  [{n}]")).unwrap_or_default()
        ));
        for w in &l.warnings {
            out.line(format!("  {:>12} ! {w}", ""));
        }
    }
    let t = &b.totals;
    out.line(format!("  {:>56}  net {} {}", "", format_amount(t.net), t.currency));
    out.line(format!("  {:>56}  VAT {} {}", "", format_amount(t.vat), t.currency));
    out.line(format!("  {:>56}  total {} {} (shipping added at checkout)", "", format_amount(t.gross), t.currency));
    // Stock and lead time decide the earliest delivery: a line short of stock comes with its lead time.
    if let Some(l) =
        b.lines.iter().filter(|l| l.stock.zip(Some(l.qty)).is_some_and(|(s, q)| s < q)).max_by_key(|l| l.lead_time_days)
        && let Some(d) = l.lead_time_days
    {
        out.line(format!(
            "  {} of {} in stock: delivery takes its lead time, {}",
            l.stock.unwrap_or(0),
            l.sku,
            super::parts::days(d)
        ));
    }
}
