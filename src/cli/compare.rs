//! compare and basket split: every supplier at once, offline.

use super::output::{Out, fit};
use super::{CmdResult, exit};
use clap::{Args, ValueEnum};
use procure_client::core::compare::{By, ComparedPart, Offer};
use procure_client::core::text::{format_amount, format_price};
use procure_client::service::catalog::{CatalogState, CatalogStatus};
use procure_client::service::compare::{self, SplitOptions};
use procure_client::service::{ErrorKind, Workspace};
use std::path::PathBuf;
use std::process::ExitCode;

/// What the best offer is chosen by.
#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub enum ByArg {
    /// The cheapest that covers the quantity from stock (none does: the earliest arrival, then the cheapest).
    #[default]
    Cost,
    /// The earliest arrival, then the cheapest.
    Date,
}

impl From<ByArg> for By {
    fn from(b: ByArg) -> By {
        match b {
            ByArg::Cost => By::Cost,
            ByArg::Date => By::Date,
        }
    }
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Type number, SKU or GTIN (or the start of one); else words, as `search` takes them. Example: SN74LS00N
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// The quantity you need: each offer is priced at what you would have to order for it (raised to the part's minimum, pack and step). Example: --qty 100
    #[arg(long, short = 'q')]
    pub qty: u32,
    /// cost: the cheapest that covers the quantity from stock; date: the earliest arrival, then the cheapest. Example: --by date
    #[arg(long, value_enum, default_value_t = ByArg::Cost)]
    pub by: ByArg,
    /// How many parts at most (the best-matching first). Example: -n 3
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct SplitArgs {
    /// The list, as `basket import` reads it (type numbers, SKUs or GTINs and quantities; "-" for stdin). Example: bom.csv
    pub list: PathBuf,
    /// cost: each line at the cheapest offer that covers it from stock; date: at the earliest arrival. Example: --by date
    #[arg(long, value_enum, default_value_t = ByArg::Cost)]
    pub by: ByArg,
    /// Order from at most this many suppliers: the set of them with the least total, found exactly. Example: --max-suppliers 2
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_suppliers: Option<u32>,
    /// The baskets are named PREFIX-SUPPLIER (default: the list's file name). Example: --prefix bom-2027
    #[arg(long)]
    pub prefix: Option<String>,
    /// Baskets of these names that exist (an earlier split) are made this split's; without it a split never changes a basket. Example: --replace
    #[arg(long)]
    pub replace: bool,
}

/// An amount, or "–".
fn amount(a: Option<rust_decimal::Decimal>) -> String {
    a.map(format_amount).unwrap_or_else(|| "–".into())
}

/// A catalog that did not answer as it should: said on stderr.
fn note_suppliers(out: &Out, suppliers: &[CatalogStatus]) {
    for s in suppliers {
        match (s.state, &s.note) {
            (CatalogState::Ready, None) => {}
            (CatalogState::Ready, Some(n)) => out.note(format!("Note: {}: {n}.", s.supplier)),
            (state, note) => out.note(format!(
                "Note: {} ({}): {}.",
                s.supplier,
                state.as_str(),
                note.as_deref().unwrap_or("its catalog cannot be read")
            )),
        }
    }
}

pub fn compare(out: &Out, ws: &Workspace, args: CompareArgs) -> CmdResult {
    let query = args.query.join(" ");
    let c = compare::compare(ws, &query, args.qty, args.by.into(), args.limit.max(1))?;
    // As `search`: nothing found is exit 1.
    let code = if c.parts.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS };
    if out.json {
        out.data(&c);
        return Ok(code);
    }
    note_suppliers(out, &c.suppliers);
    if c.parts.is_empty() {
        out.note(format!("No supplier has a part that matches {query:?}."));
        return Ok(code);
    }
    for (i, p) in c.parts.iter().enumerate() {
        if i > 0 {
            out.line("");
        }
        print_part(out, p, c.quantity, &c.currency);
    }
    for n in &c.notes {
        out.note(format!("Note: {n}."));
    }
    if c.total > c.parts.len() {
        out.note(format!("{} of {} matching parts shown (-n for more).", c.parts.len(), c.total));
    }
    Ok(code)
}

fn print_part(out: &Out, p: &ComparedPart, asked: u32, currency: &str) {
    let suppliers = {
        let mut s: Vec<&str> = p.offers.iter().map(|o| o.supplier.as_str()).collect();
        s.dedup();
        s.len()
    };
    out.line(format!(
        "{} {} — {} · {asked} wanted · {} offer{} at {suppliers} supplier{}",
        p.manufacturer,
        p.type_number,
        fit(&p.name, 40).trim_end(),
        p.offers.len(),
        if p.offers.len() == 1 { "" } else { "s" },
        if suppliers == 1 { "" } else { "s" },
    ));
    let w =
        |f: &dyn Fn(&Offer) -> usize, title: &str| p.offers.iter().map(f).max().unwrap_or(0).max(title.chars().count());
    let sup_w = w(&|o| o.supplier.chars().count(), "SUPPLIER");
    let sku_w = w(&|o| o.sku.chars().count(), "SKU");
    let qty = |o: &Offer| o.order_quantity.map_or_else(|| "–".into(), |q| q.to_string());
    let qty_w = w(&|o| qty(o).len(), "ORDER");
    let unit = |o: &Offer| match o.unit_price {
        _ if o.price_on_request => "on request".to_string(),
        Some(u) => format_price(u, o.base_quantity),
        None => "–".into(),
    };
    let unit_w = w(&|o| unit(o).chars().count(), "UNIT");
    let ext = |o: &Offer| o.extended.map_or_else(|| "–".into(), |e| format!("{} {}", format_amount(e), o.currency));
    let ext_w = w(&|o| ext(o).chars().count(), "EXTENDED");
    let conv_title = format!("IN {currency}");
    let conv_w = w(&|o| amount(o.converted).len(), &conv_title);
    let stock_w = w(&|o| o.stock.to_string().len() + 1, "STOCK");
    out.line(format!(
        "  {}  {}  {:>qty_w$}  {:>unit_w$}  {:>ext_w$}  {:>conv_w$}  {:>stock_w$}  {:<10}  NOTE",
        fit("SUPPLIER", sup_w),
        fit("SKU", sku_w),
        "ORDER",
        "UNIT",
        "EXTENDED",
        conv_title,
        "STOCK",
        "ARRIVES",
    ));
    for o in &p.offers {
        let mut note = Vec::new();
        if let Some(r) = &o.raised {
            note.push(format!("{} wanted, {r}", asked));
        }
        if !o.covers {
            note.push(format!("stock short: {} days", o.lead_time_days));
        }
        if let Some(why) = &o.not_ranked {
            note.push(format!("not ranked: {why}"));
        }
        // The stock column marks what does not cover the order.
        let stock = format!("{}{}", o.stock, if o.covers { " " } else { "!" });
        let row = format!(
            "{} {}  {}  {:>qty_w$}  {:>unit_w$}  {:>ext_w$}  {:>conv_w$}  {:>stock_w$}  {}  {}",
            if o.best { "▶" } else { " " },
            fit(&o.supplier, sup_w),
            fit(&o.sku, sku_w),
            qty(o),
            unit(o),
            ext(o),
            amount(o.converted),
            stock,
            o.arrives,
            note.join("; "),
        );
        out.line(row.trim_end());
    }
    match &p.best {
        Some(b) => out.line(format!("  ▶ best: {} {}: {}", b.supplier, b.sku, b.reason)),
        None => out.line("  no offer can be compared (see the notes)"),
    }
    if let Some(b) = &p.buy_up {
        out.line(format!(
            "  buy more: {} {}: {} for {} {currency} instead of {} for {} {currency} ({} {} there)",
            b.supplier,
            b.sku,
            b.quantity,
            format_amount(b.converted),
            b.instead_of_quantity,
            format_amount(b.instead_of),
            format_amount(b.extended),
            b.currency,
        ));
    }
}

/// The default prefix: the list's file name without its extension, as a
/// basket name can have it.
fn default_prefix(path: &std::path::Path) -> String {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let clean: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    let clean = clean.trim_matches('-').chars().take(40).collect::<String>();
    if clean.is_empty() || path.as_os_str() == "-" { "split".into() } else { clean }
}

pub fn split(out: &Out, ws: &Workspace, args: SplitArgs) -> CmdResult {
    let bytes = procure_client::service::files::read_input(&args.list)?;
    let opts = SplitOptions {
        by: args.by.into(),
        max_suppliers: args.max_suppliers.map(|k| k as usize),
        prefix: args.prefix.clone().unwrap_or_else(|| default_prefix(&args.list)),
        replace: args.replace,
    };
    let r = compare::split(ws, &bytes, &opts)?;
    let code = if r.complete() { ExitCode::SUCCESS } else { exit(ErrorKind::Rejected) };
    if out.json {
        out.data(&r);
        return Ok(code);
    }
    note_suppliers(out, &r.suppliers);
    let placed: usize = r.lines.iter().filter(|l| l.choice.is_some()).map(|l| l.lines.len()).sum();
    out.line(format!(
        "{} of {} lines into {} basket{} (by {}, compared in {}; {}).",
        placed,
        r.list_lines,
        r.baskets.len(),
        if r.baskets.len() == 1 { "" } else { "s" },
        r.by.as_str(),
        r.currency,
        r.method
    ));
    for b in &r.baskets {
        let conv = if b.currency == r.currency {
            String::new()
        } else {
            format!(" ({} {})", format_amount(b.converted), r.currency)
        };
        out.line(format!(
            "  {} at {}: {} line{}, {} {}{conv}{}",
            b.basket,
            b.supplier,
            b.lines,
            if b.lines == 1 { "" } else { "s" },
            format_amount(b.total),
            b.currency,
            if b.replaced { " (replaced)" } else { "" }
        ));
    }
    let mut total = format!("Total {} {}", format_amount(r.total), r.currency);
    if let Some(s) = &r.best_single {
        total.push_str(&format!(
            "; from {} alone: {} of these lines for {} {}",
            s.supplier,
            s.lines,
            format_amount(s.total),
            r.currency
        ));
    }
    out.line(format!("{total}."));
    out.line("");
    for l in &r.lines {
        let at = l.lines.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ");
        let offer = |o: &Offer| {
            format!(
                "{} {} {} × {} = {} {}{}{}",
                o.supplier,
                o.sku,
                o.order_quantity.unwrap_or(0),
                o.unit_price.map_or_else(|| "–".into(), |u| format_price(u, o.base_quantity)),
                amount(o.extended),
                o.currency,
                if o.currency == r.currency {
                    String::new()
                } else {
                    format!(" ({} {})", amount(o.converted), r.currency)
                },
                if o.covers { "" } else { ", stock short" }
            )
        };
        let choice = match (&l.choice, &l.problem) {
            (Some(c), _) => offer(c),
            (None, Some(p)) => p.clone(),
            (None, None) => "–".into(),
        };
        let runner = l.runner_up.as_ref().map(|o| format!("; runner-up {}", offer(o))).unwrap_or_default();
        out.line(format!(
            "  line {at}: {} × {} ({} {}) → {choice}{runner}",
            l.text, l.quantity, l.manufacturer, l.type_number
        ));
    }
    for a in &r.ambiguous {
        let choices: Vec<String> = a
            .choices
            .iter()
            .map(|c| format!("{} {} ({})", c.manufacturer, c.type_number, c.offers.join(", ")))
            .collect();
        out.note(format!(
            "line {}: {:?} names {} parts, none was taken: {} — write the SKU of the one you mean",
            a.line,
            a.text,
            a.choices.len(),
            choices.join("; ")
        ));
    }
    for p in r.not_carried.iter().chain(&r.problems) {
        out.note(format!("line {}: {}: {}", p.line, p.sku, p.reason));
    }
    for n in &r.notes {
        out.note(format!("Note: {n}."));
    }
    for b in &r.baskets {
        out.note(format!("Order it: procure --profile {} order submit --basket {} --po PO-…", b.supplier, b.basket));
    }
    Ok(code)
}
