//! search and show: offline, from the cache.

use super::CmdResult;
use super::output::{Out, fit};
use clap::Args;
use procure_client::core::text::{format_amount, format_price};
use procure_client::service::catalog::Catalog;
use procure_client::service::{Error, Supplier, Workspace};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Type number, SKU, GTIN, manufacturer or words of the name; several words must all match. Example: 6205 2rs
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// How many results (default: `search.limit` in config.toml). Example: -n 5
    #[arg(long, short = 'n')]
    pub limit: Option<usize>,
    /// Show the unit price for this quantity (default: each part's smallest valid quantity). Example: --qty 250
    #[arg(long, short = 'q')]
    pub qty: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// SKU, or a type number / GTIN that names exactly one part. Example: 6205-2RSH/C3
    pub sku: String,
}

pub fn search(out: &Out, ws: &Workspace, sup: &Supplier, args: SearchArgs) -> CmdResult {
    let catalog = Catalog::open_synced(sup)?;
    let query = args.query.join(" ");
    let limit = args.limit.unwrap_or(ws.config().search.limit).max(1);
    if args.qty == Some(0) {
        return Err(Error::Usage("--qty must be a positive whole number".into()));
    }
    let (rows, total) = catalog.search(&query, limit, args.qty)?;
    if let Some(note) = catalog.index_note() {
        out.note(format!("Note: {note}."));
    }
    // As grep and ripgrep: no match is exit 1, so scripts can test for it.
    let code = if rows.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS };
    if out.json {
        out.data(&serde_json::json!({ "query": query, "total": total, "results": rows }));
        return Ok(code);
    }
    if rows.is_empty() {
        out.note(format!("No part matches {query:?}."));
        return Ok(code);
    }
    // A SKU is never cut (distributors' run to 20 characters and more): it is what `basket add` takes.
    let sku_w = rows.iter().map(|r| r.sku.chars().count()).max().unwrap_or(0).max(12);
    out.line(format!(
        "{} {} {} {:>10} {:>6} {:>7}  {}",
        fit("SKU", sku_w),
        fit("TYPE NUMBER", 24),
        fit("MANUFACTURER", 12),
        "PRICE",
        "QTY",
        "STOCK",
        "NAME"
    ));
    for r in &rows {
        let marks = out.color.then(|| catalog.highlights(std::slice::from_ref(r), &query, 1).remove(0));
        let mark = |text: String, m: fn(&procure_search::Highlights) -> &Vec<usize>| match &marks {
            Some(h) => super::output::marked(&text, m(h)),
            None => text,
        };
        let price = r.unit_price.map(|p| format_price(p, r.base_quantity)).unwrap_or_else(|| "-".into());
        let stock = if r.stock > 0 { r.stock.to_string() } else { format!("{}d", r.lead_time_days) };
        let mut prefix = String::new();
        if r.ordered_before {
            prefix.push_str("★ ");
        }
        if r.discontinued {
            prefix = format!("{prefix}[discontinued → {}] ", r.replaced_by.as_deref().unwrap_or("?"));
        }
        // The name's marks count from its own start, after the prefix.
        let name = fit(&r.name, 60usize.saturating_sub(prefix.chars().count()).max(1)).trim_end().to_string();
        out.line(format!(
            "{} {} {} {:>10} {:>6} {:>7}  {prefix}{}",
            mark(fit(&r.sku, sku_w), |h| &h.sku),
            mark(fit(&r.mpn, 24), |h| &h.mpn),
            fit(&r.manufacturer, 12),
            price,
            r.quantity,
            stock,
            mark(name, |h| &h.name)
        ));
    }
    if total > rows.len() {
        out.note(format!(
            "{} more: {} of {total} matches shown (--limit {total} lists all).",
            total - rows.len(),
            rows.len()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn show(out: &Out, sup: &Supplier, args: ShowArgs) -> CmdResult {
    let catalog = Catalog::open_synced(sup)?;
    let d = catalog.detail(&args.sku);
    if let Some(note) = catalog.index_note() {
        out.note(format!("Note: {note}."));
    }
    let d = d?;
    if out.json {
        out.data(&d);
        return Ok(ExitCode::SUCCESS);
    }
    let p = &d.product;
    out.line(format!("{}  {}", p.sku, p.name));
    if p.discontinued {
        match &d.successor {
            Some(s) => out.line(format!("  DISCONTINUED — replaced by {} ({})", s.sku, s.name)),
            None => out.line("  DISCONTINUED"),
        }
    }
    out.line(format!("  Type number   {}", p.mpn));
    out.line(format!("  Manufacturer  {}", p.manufacturer));
    if !p.gtin.is_empty() {
        out.line(format!("  GTIN          {}", p.gtin));
    }
    out.line(format!("  Category      {}", p.category));
    let pricing = d.pricing();
    out.line(format!(
        "  Quantities    unit {}, pack of {}, minimum {}, step {} (smallest order: {})",
        p.unit,
        p.pack_size,
        pricing.rules.minimum(),
        p.order_step,
        pricing.smallest
    ));
    let availability = if p.stock > 0 { format!("{} in stock", p.stock) } else { "not in stock".to_string() };
    out.line(format!("  Availability  {availability}; lead time {} days", p.lead_time_days));
    match &d.prices {
        Some(e) => {
            out.line(format!("  Your prices   ({} per {}, excl. {}% VAT)", d.currency, p.unit, e.vat_rate.normalize()));
            for t in &pricing.tiers {
                out.line(format!("    from {:>6}  {:>10}", t.min_qty, format_price(t.unit_price, t.base_quantity)));
            }
            if let Some(l) = pricing.smallest_order {
                out.line(format!(
                    "    {} × {} = {}",
                    l.qty,
                    format_price(l.unit_price, l.base_quantity),
                    format_amount(l.total)
                ));
            }
        }
        None => out.line("  Your prices   none in your price list"),
    }
    if !p.description.is_empty() {
        out.line(format!("  Description   {}", p.description));
    }
    if !p.attributes.is_empty() {
        out.line("  Attributes");
        for a in &p.attributes {
            out.line(format!("    {:<20} {}", a.name, a.value));
        }
    }
    if !p.documents.is_empty() {
        out.line("  Documents");
        for doc in &p.documents {
            out.line(format!("    {:<12} {}  {}", doc.kind.as_str(), doc.title, doc.url));
        }
    }
    Ok(ExitCode::SUCCESS)
}
