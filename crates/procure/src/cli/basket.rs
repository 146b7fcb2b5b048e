//! basket new|list|show|add|set|remove|note|rename|delete|import|export

use super::output::{Out, fit};
use super::{CmdResult, exit};
use clap::{Subcommand, ValueEnum};
use procure_client::core::money::format_amount;
use procure_client::core::quantity::parse_quantity;
use procure_client::service::baskets::{self, Change};
use procure_client::service::{Context, Error, ErrorKind};
use procure_client::store::Paths;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum BasketCommand {
    /// Create an empty basket.
    New { name: String },
    /// List baskets with their line count and last order.
    List,
    /// Show a basket priced with your current prices.
    Show { name: String },
    /// Add a quantity of a part (SKU or a type number naming one part).
    Add {
        name: String,
        sku: String,
        #[arg(allow_hyphen_values = true)]
        qty: String,
    },
    /// Set the quantity of a part.
    Set {
        name: String,
        sku: String,
        #[arg(allow_hyphen_values = true)]
        qty: String,
    },
    /// Remove a part.
    Remove { name: String, sku: String },
    /// Set or clear a line note (cost centre, …); no text clears it.
    Note { name: String, sku: String, text: Option<String> },
    /// Rename a basket.
    Rename { old: String, new: String },
    /// Delete a basket.
    Delete { name: String },
    /// Add `sku,qty` lines from a CSV file ("-" for stdin); header optional; , ; or tab.
    Import { name: String, file: PathBuf },
    /// Write a basket as CSV (sku,qty,note) or JSON.
    Export {
        name: String,
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Write to this file instead of stdout.
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

fn qty(text: &str) -> Result<u32, Error> {
    parse_quantity(text).map_err(Error::Rejected)
}

pub fn run(out: &Out, paths: Paths, asked: Option<&str>, cmd: BasketCommand) -> CmdResult {
    let ctx = Context::open(paths, asked)?;
    match cmd {
        BasketCommand::New { name } => {
            let b = baskets::create(&ctx, &name)?;
            if out.json {
                out.data(&b);
            } else {
                out.note(format!("Created basket {name:?}. Add parts: procure basket add {name} SKU QTY"));
            }
        }
        BasketCommand::List => {
            let all = ctx.baskets().list()?;
            if out.json {
                let items: Vec<_> = all
                    .iter()
                    .map(|(name, b)| match b {
                        Ok(b) => serde_json::json!({ "name": name, "lines": b.lines.len(), "orders": b.orders, "pending": b.pending.is_some() }),
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
                            out.line(format!(
                                "{} {:>3} lines  {}{}",
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
        BasketCommand::Show { name } => {
            let priced = baskets::priced(&ctx, &name)?;
            if out.json {
                out.data(&priced);
            } else {
                print_basket(out, &priced);
            }
        }
        BasketCommand::Add { name, sku, qty: q } => {
            let (sku, total) = baskets::change(&ctx, &name, &sku, Change::Add(qty(&q)?))?;
            if out.json {
                out.data(&serde_json::json!({ "basket": name, "sku": sku, "qty": total }));
            } else {
                out.note(format!("{sku}: {total} in basket {name:?}."));
            }
        }
        BasketCommand::Set { name, sku, qty: q } => {
            let (sku, total) = baskets::change(&ctx, &name, &sku, Change::Set(qty(&q)?))?;
            if out.json {
                out.data(&serde_json::json!({ "basket": name, "sku": sku, "qty": total }));
            } else {
                out.note(format!("{sku}: {total} in basket {name:?}."));
            }
        }
        BasketCommand::Remove { name, sku } => {
            baskets::remove(&ctx, &name, &sku)?;
            if out.json {
                out.data(&serde_json::json!({ "basket": name, "removed": sku }));
            } else {
                out.note(format!("Removed {sku} from {name:?}."));
            }
        }
        BasketCommand::Note { name, sku, text } => {
            baskets::note(&ctx, &name, &sku, text.clone())?;
            if out.json {
                out.data(&serde_json::json!({ "basket": name, "sku": sku, "note": text }));
            }
        }
        BasketCommand::Rename { old, new } => {
            ctx.baskets().rename(&old, &new)?;
            if out.json {
                out.data(&serde_json::json!({ "renamed": old, "to": new }));
            } else {
                out.note(format!("Renamed {old:?} to {new:?}."));
            }
        }
        BasketCommand::Delete { name } => {
            ctx.baskets().delete(&name)?;
            if out.json {
                out.data(&serde_json::json!({ "deleted": name }));
            } else {
                out.note(format!("Deleted basket {name:?}."));
            }
        }
        BasketCommand::Import { name, file } => {
            let text = read_input(&file)?;
            let report = baskets::import_text(&ctx, &name, &text)?;
            if out.json {
                out.data(&report);
            } else {
                out.note(format!("Added {} lines to {name:?}.", report.added.len()));
                for p in &report.problems {
                    out.note(format!("  {}:{}: {}: {}", file.display(), p.line, p.sku, p.reason));
                }
            }
            if !report.problems.is_empty() {
                if !out.json {
                    out.note(format!("{} lines were not added (see above).", report.problems.len()));
                }
                return Ok(exit(ErrorKind::Rejected));
            }
        }
        BasketCommand::Export { name, format, output } => {
            let text = match format {
                Format::Csv => baskets::export_csv(&ctx.baskets().load(&name)?)?,
                Format::Json => {
                    serde_json::to_string_pretty(&baskets::priced(&ctx, &name)?)
                        .map_err(|e| Error::Internal(e.to_string()))?
                        + "\n"
                }
            };
            match output {
                Some(path) => {
                    procure_client::store::atomic::write(&path, text.as_bytes())?;
                    out.note(format!("Wrote {}.", path.display()));
                }
                None => print!("{text}"),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_input(file: &PathBuf) -> Result<String, Error> {
    let mut text = String::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map_err(|e| Error::Rejected(format!("cannot read stdin: {e}")))?;
    } else {
        text = std::fs::read_to_string(file).map_err(|e| Error::Rejected(format!("{}: {e}", file.display())))?;
    }
    Ok(text)
}

pub fn print_basket(out: &Out, b: &procure_client::core::basket::PricedBasket) {
    out.line(format!("Basket {}", b.name));
    if b.lines.is_empty() {
        out.line("  (empty)");
        return;
    }
    out.line(format!("  {} {:>7} {:>10} {:>11}  {}", fit("SKU", 12), "QTY", "UNIT", "TOTAL", "NAME"));
    for l in &b.lines {
        out.line(format!(
            "  {} {:>7} {:>10} {:>11}  {}{}",
            fit(&l.sku, 12),
            l.qty,
            l.unit_price.map(format_amount).unwrap_or_else(|| "-".into()),
            l.line_total.map(format_amount).unwrap_or_else(|| "-".into()),
            fit(&l.name, 50).trim_end(),
            l.note.as_ref().map(|n| format!("  [{n}]")).unwrap_or_default()
        ));
        for w in &l.warnings {
            out.line(format!("  {:>12} ! {w}", ""));
        }
    }
    let t = &b.totals;
    out.line(format!("  {:>42}  net {} {}", "", format_amount(t.net), t.currency));
    out.line(format!("  {:>42}  VAT {} {}", "", format_amount(t.vat), t.currency));
    out.line(format!("  {:>42}  total {} {} (shipping added at checkout)", "", format_amount(t.gross), t.currency));
}
