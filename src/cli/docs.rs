//! docs: a part's documents, or those an order's shipments carry — listed,
//! downloaded (and kept for offline use), opened with the system's opener.

use super::CmdResult;
use super::output::{Out, fit};
use clap::Args;
use procure_client::api::{Document, DocumentKind};
use procure_client::service::catalog::Catalog;
use procure_client::service::documents::{self, Kept, PartDocument};
use procure_client::service::{Error, Supplier};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct DocsArgs {
    /// The part: its SKU, GTIN or a type number naming one part. Example: 6205-2RSH/C3
    #[arg(required_unless_present = "order", conflicts_with = "order")]
    pub part: Option<String>,
    /// The documents an order's shipments carry (an inspection certificate per batch) instead of a part's. Example: --order SO-ACME-1001
    #[arg(long)]
    pub order: Option<String>,
    /// Only documents of this kind: certificate, datasheet or manual. Example: --kind certificate
    #[arg(long, value_parser = parse_kind)]
    pub kind: Option<DocumentKind>,
    /// Save the documents into this folder (created when missing); a copy stays in the cache for offline use. Example: --download ~/certificates
    #[arg(long, value_name = "DIR")]
    pub download: Option<PathBuf>,
    /// Open the documents with the system's opener (xdg-open, open; PROCURE_OPENER names another program). Example: --open
    #[arg(long)]
    pub open: bool,
}

fn parse_kind(s: &str) -> Result<DocumentKind, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "certificate" => Ok(DocumentKind::Certificate),
        "datasheet" => Ok(DocumentKind::Datasheet),
        "manual" => Ok(DocumentKind::Manual),
        other => Err(format!("{other:?} is not a kind of document: certificate, datasheet or manual")),
    }
}

/// What the documents belong to, for the JSON and the messages.
struct Owner {
    json: serde_json::Map<String, serde_json::Value>,
    label: String,
    again: String,
}

pub async fn docs(out: &Out, sup: &Supplier, args: DocsArgs) -> CmdResult {
    let (owner, listed, shipped): (Owner, Vec<PartDocument>, Vec<(String, String)>) = match &args.order {
        Some(number) => {
            let o = documents::of_order(sup, number, args.kind).await?;
            if o.offline {
                out.note(format!("Offline: the shop did not answer; order {} as last seen.", o.order));
            }
            let mut json = serde_json::Map::new();
            json.insert("order".into(), o.order.clone().into());
            let shipped = o.documents.iter().map(|d| (d.shipment.clone(), d.sku.clone())).collect();
            let owner = Owner { json, label: format!("order {}", o.order), again: format!("--order {}", o.order) };
            (owner, o.documents.into_iter().map(|d| d.document).collect(), shipped)
        }
        None => {
            let part = args.part.as_deref().unwrap_or_default();
            let p = documents::of_part(sup, &Catalog::open_synced(sup)?, part, args.kind)?;
            let mut json = serde_json::Map::new();
            json.insert("sku".into(), p.sku.clone().into());
            json.insert("name".into(), p.name.clone().into());
            let owner = Owner { json, label: format!("{} ({})", p.sku, p.name), again: p.sku.clone() };
            (owner, p.documents, vec![])
        }
    };
    if listed.is_empty() {
        let what = args.kind.map(|k| format!("no {} for", k.as_str())).unwrap_or_else(|| "no documents for".into());
        return Err(Error::Refused {
            code: procure_client::service::error::codes::NOT_FOUND,
            message: format!("{what} {}", owner.label),
        });
    }
    let with_shipment = |i: usize, mut v: serde_json::Value| {
        if let (Some((shipment, sku)), serde_json::Value::Object(m)) = (shipped.get(i), &mut v) {
            m.insert("shipment".into(), shipment.clone().into());
            m.insert("sku".into(), sku.clone().into());
        }
        v
    };
    if args.download.is_none() && !args.open {
        if out.json {
            let docs: Vec<serde_json::Value> = listed
                .iter()
                .enumerate()
                .map(|(i, d)| with_shipment(i, serde_json::to_value(d).unwrap_or_default()))
                .collect();
            let mut body = owner.json;
            body.insert("documents".into(), docs.into());
            out.data(&body);
        } else {
            out.line(owner.label.clone());
            for (i, d) in listed.iter().enumerate() {
                let kept = d.cached_at.map(|at| format!("  (kept {})", at.format("%Y-%m-%d"))).unwrap_or_default();
                let from = shipped.get(i).map(|(s, sku)| format!("{sku}, shipment {s}: ")).unwrap_or_default();
                out.line(format!("  {} {from}{}  {}{kept}", fit(d.kind.as_str(), 12), d.title, d.url));
            }
            out.note(format!("`procure docs {} --open` opens them, `--download DIR` saves them.", owner.again));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut done = Vec::new();
    for (i, d) in listed.iter().enumerate() {
        let doc = Document { kind: d.kind, title: d.title.clone(), url: d.url.clone() };
        let mut kept: Kept = documents::fetch(sup, &doc).await?;
        if kept.from_cache && !out.json {
            out.note(format!(
                "Offline: {} is the copy kept on {}.",
                kept.title,
                kept.fetched_at.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        if let Some(dir) = &args.download {
            kept = documents::save_to(&kept, dir)?;
            if !out.json {
                out.line(format!("{} {}  → {}", fit(kept.kind.as_str(), 12), kept.title, kept.path.display()));
            }
        }
        if args.open {
            documents::open(&kept.path)?;
            if !out.json && args.download.is_none() {
                out.note(format!("Opened {} ({}).", kept.title, kept.path.display()));
            }
        }
        done.push(with_shipment(i, serde_json::to_value(&kept).unwrap_or_default()));
    }
    if out.json {
        let mut body = owner.json;
        body.insert("documents".into(), done.into());
        out.data(&body);
    }
    Ok(ExitCode::SUCCESS)
}
