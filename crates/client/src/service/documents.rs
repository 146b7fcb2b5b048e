//! A part's documents (datasheets, certificates, manuals): listed from the
//! catalog, downloaded through the shop's client (TLS, bounded, no
//! redirects, the content type checked), kept in the supplier's cache so
//! they open without the shop, saved where the buyer wants them, and
//! opened with the system's opener — a program given the file's path as
//! its argument, never a shell.

use super::catalog::Catalog;
use super::{Error, ErrorKind, Result, Supplier};
use crate::api::{Document, DocumentKind};
use crate::backend::http::DOCUMENT_TYPES;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::path::{Path, PathBuf};

/// One document of a part, and whether a copy is kept for offline use.
#[derive(Debug, Clone, Serialize)]
pub struct PartDocument {
    pub kind: DocumentKind,
    pub title: String,
    pub url: String,
    /// When the copy in the cache was downloaded (`None`: none kept).
    pub cached_at: Option<DateTime<Utc>>,
}

/// A part's documents.
#[derive(Debug, Clone, Serialize)]
pub struct PartDocuments {
    pub sku: String,
    pub name: String,
    pub documents: Vec<PartDocument>,
}

/// A document that came with a shipment of an order.
#[derive(Debug, Clone, Serialize)]
pub struct ShippedDocument {
    /// The delivery note of the shipment it came with.
    pub shipment: String,
    pub sku: String,
    #[serde(flatten)]
    pub document: PartDocument,
}

/// The documents the shipments of an order carry (certificates per batch).
#[derive(Debug, Clone, Serialize)]
pub struct OrderDocuments {
    pub order: String,
    pub documents: Vec<ShippedDocument>,
    /// The order was shown as last seen (the shop did not answer).
    pub offline: bool,
}

/// The documents of order `number`'s shipments, those of `kind` only when
/// given; from the local history of orders, brought up to date first
/// (without the shop: as last synced).
pub async fn of_order(sup: &Supplier, number: &str, kind: Option<DocumentKind>) -> Result<OrderDocuments> {
    let (freshness, _) = super::local::refresh(sup, super::local::Feeds::Orders).await?;
    let o = super::expediting::find_order(sup, number, freshness).await?;
    let documents = o
        .shipments
        .iter()
        .flat_map(|s| s.documents.iter().map(move |d| (s, d)))
        .filter(|(_, d)| kind.is_none_or(|k| d.document.kind == k))
        .map(|(s, d)| ShippedDocument {
            shipment: s.number.clone(),
            sku: d.sku.clone(),
            document: PartDocument {
                kind: d.document.kind,
                title: d.document.title.clone(),
                url: d.document.url.clone(),
                cached_at: meta(sup, &d.document.url).map(|m| m.fetched_at),
            },
        })
        .collect();
    Ok(OrderDocuments { order: o.number, documents, offline: freshness.offline })
}

/// A document downloaded now or taken from the cache.
#[derive(Debug, Clone, Serialize)]
pub struct Kept {
    pub kind: DocumentKind,
    pub title: String,
    pub url: String,
    /// Where it is: in the cache, or where it was saved.
    pub path: PathBuf,
    pub content_type: String,
    pub bytes: u64,
    /// When it was downloaded.
    pub fetched_at: DateTime<Utc>,
    /// The shop could not be reached: this is the copy kept earlier.
    pub from_cache: bool,
}

#[derive(Serialize, Deserialize)]
struct Meta {
    url: String,
    file: String,
    content_type: String,
    fetched_at: DateTime<Utc>,
}

fn cache_dir(sup: &Supplier) -> PathBuf {
    sup.paths.cache_dir.join(&sup.name).join("documents")
}

fn key(url: &str) -> String {
    hex::encode(&sha2::Sha256::digest(url.trim().as_bytes())[..12])
}

fn meta(sup: &Supplier, url: &str) -> Option<Meta> {
    let bytes = std::fs::read(cache_dir(sup).join(format!("{}.json", key(url)))).ok()?;
    serde_json::from_slice::<Meta>(&bytes).ok().filter(|m| cache_dir(sup).join(&m.file).exists())
}

/// The documents of the part `part` names (a SKU, a type number or a GTIN
/// naming one part), those of `kind` only when given.
pub fn of_part(sup: &Supplier, catalog: &Catalog, part: &str, kind: Option<DocumentKind>) -> Result<PartDocuments> {
    let product = catalog.of(sup)?.resolve(part)?;
    Ok(PartDocuments {
        documents: product
            .documents
            .iter()
            .filter(|d| kind.is_none_or(|k| d.kind == k))
            .map(|d| PartDocument {
                kind: d.kind,
                title: d.title.clone(),
                url: d.url.clone(),
                cached_at: meta(sup, &d.url).map(|m| m.fetched_at),
            })
            .collect(),
        sku: product.sku,
        name: product.name,
    })
}

/// A file name that is safe in any folder: letters, digits, `.`, `-`, `_`.
fn safe_name(name: &str, ext: &str) -> String {
    let mut s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' }).collect();
    s = s.trim_matches(['.', '-']).chars().take(100).collect();
    if s.is_empty() {
        s = "document".into();
    }
    if !s.to_ascii_lowercase().ends_with(&format!(".{ext}")) {
        s = format!("{s}.{ext}");
    }
    s
}

/// The document, downloaded now and kept in the cache; when the shop
/// cannot be reached, the copy kept earlier (`from_cache`), else the error.
pub async fn fetch(sup: &Supplier, doc: &Document) -> Result<Kept> {
    sup.require_login()?;
    let kept = |m: Meta, from_cache: bool| -> Kept {
        let path = cache_dir(sup).join(&m.file);
        Kept {
            kind: doc.kind,
            title: doc.title.clone(),
            url: doc.url.clone(),
            bytes: std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            path,
            content_type: m.content_type,
            fetched_at: m.fetched_at,
            from_cache,
        }
    };
    let got = match sup.backend.document(&doc.url).await {
        Ok(d) => d,
        Err(e) => {
            let e = Error::from(e);
            return match meta(sup, &doc.url) {
                Some(m) if e.kind() == ErrorKind::Unreachable => Ok(kept(m, true)),
                _ => Err(e),
            };
        }
    };
    let ext = DOCUMENT_TYPES.iter().find(|(t, _)| *t == got.content_type).map_or("bin", |(_, e)| e);
    // Named after its title ("Datasheet 6205-2RSH/C3"): one family's datasheet
    // saved for two parts is two files.
    let title = if doc.title.trim().is_empty() { got.file_name.as_deref().unwrap_or("document") } else { &doc.title };
    let name = safe_name(title, ext);
    let file = format!("{}-{name}", key(&doc.url));
    let dir = cache_dir(sup);
    crate::store::atomic::private_dir(&dir)?;
    crate::store::atomic::write_private(&dir.join(&file), &got.bytes)?;
    // A copy kept under another name before (another part's title) goes.
    if let Some(old) = meta(sup, &doc.url).filter(|old| old.file != file) {
        let _ = std::fs::remove_file(dir.join(old.file));
    }
    let m = Meta { url: doc.url.clone(), file, content_type: got.content_type, fetched_at: sup.clock.now() };
    let json = serde_json::to_vec(&m).map_err(|e| Error::Internal(e.to_string()))?;
    crate::store::atomic::write_private(&dir.join(format!("{}.json", key(&doc.url))), &json)?;
    Ok(kept(m, false))
}

/// A copy of a kept document in `dir` (created when missing), under the
/// name it was kept with (without the cache's prefix); returns where.
pub fn save_to(kept: &Kept, dir: &Path) -> Result<Kept> {
    let name = kept
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split_once('-').map(|(_, rest)| rest.to_string()))
        .unwrap_or_else(|| "document".into());
    let io = |e: std::io::Error| Error::Rejected(format!("cannot save into {}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let target = dir.join(name);
    // Written anew, with the folder's usual permissions (the cache's copy is private).
    let bytes = std::fs::read(&kept.path).map_err(|e| Error::Internal(format!("{}: {e}", kept.path.display())))?;
    std::fs::write(&target, bytes).map_err(io)?;
    Ok(Kept { path: target, ..kept.clone() })
}

/// The program that opens a file: `PROCURE_OPENER` when set, else the
/// system's (`open` on macOS, `xdg-open` elsewhere on Unix, `explorer` on
/// Windows).
fn opener() -> String {
    match std::env::var("PROCURE_OPENER") {
        Ok(p) if !p.trim().is_empty() => p,
        _ if cfg!(target_os = "macos") => "open".into(),
        _ if cfg!(windows) => "explorer".into(),
        _ => "xdg-open".into(),
    }
}

/// The document downloaded (or kept) and opened with the system's opener.
pub async fn fetch_and_open(sup: &Supplier, doc: &Document) -> Result<Kept> {
    let kept = fetch(sup, doc).await?;
    let path = kept.path.clone();
    tokio::task::spawn_blocking(move || open(&path))
        .await
        .map_err(|e| Error::Internal(format!("opening the document: {e}")))??;
    Ok(kept)
}

/// Opens a file with the system's opener: the program is run with the
/// path as its one argument (no shell reads it), and waited for.
pub fn open(path: &Path) -> Result<()> {
    let program = opener();
    // Its output would land in the terminal (the app's screen): the exit status says it all.
    let status = std::process::Command::new(&program)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| Error::Internal(format!("cannot run {program} to open {}: {e}", path.display())))?;
    if !status.success() {
        return Err(Error::Internal(format!("{program} could not open {} ({status})", path.display())));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_names_cannot_leave_the_folder() {
        assert_eq!(safe_name("../../etc/passwd", "pdf"), "etc-passwd.pdf");
        assert_eq!(safe_name("Datasheet 6205-2RSH/C3", "pdf"), "Datasheet-6205-2RSH-C3.pdf");
        assert_eq!(safe_name("datasheet-bearings.pdf", "pdf"), "datasheet-bearings.pdf");
        assert_eq!(safe_name("...", "pdf"), "document.pdf");
        assert_eq!(safe_name(".hidden", "txt"), "hidden.txt");
    }
}
