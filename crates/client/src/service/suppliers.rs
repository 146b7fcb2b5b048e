//! Every supplier at once: the buyer's suppliers (profiles) as a list with
//! how each stands, the default one, and a sync of all of them.

use super::catalog::{Catalog, CatalogState};
use super::sync::{SyncReport, SyncStep};
use super::{Error, ErrorKind, Result, Supplier, Workspace};
use crate::store::config::BackendKind;
use crate::store::credentials;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;

/// Whether procure holds a session for a supplier, as far as its files tell
/// (no network).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginState {
    /// A token for this shop that has not expired.
    Valid,
    /// A token that expired (or is for another shop address).
    Expired,
    /// No token: never logged in, or logged out.
    None,
    /// The supplier needs no login (Peppol: files).
    NotNeeded,
}

impl LoginState {
    pub fn as_str(self) -> &'static str {
        match self {
            LoginState::Valid => "valid",
            LoginState::Expired => "expired",
            LoginState::None => "none",
            LoginState::NotNeeded => "not_needed",
        }
    }
}

/// One supplier as `procure suppliers` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct SupplierInfo {
    /// The profile's name: what `--profile` takes.
    pub name: String,
    /// Whether it is the one used when none is named.
    pub default: bool,
    /// "procure", "medusa" or "peppol".
    pub backend: &'static str,
    /// The shop's address; for a Peppol supplier its catalogue file or folder.
    pub shop: String,
    /// The company's account code there (empty where the shop has none).
    pub company: String,
    pub user: String,
    /// The currency of the price list, once synced.
    pub currency: Option<String>,
    /// When a sync last brought the catalog up to date.
    pub last_sync: Option<DateTime<Utc>>,
    /// ready, stale, missing (never synced) or failed (the cache cannot be read).
    pub catalog: CatalogState,
    /// Parts in the catalog cache.
    pub parts: usize,
    pub login: LoginState,
    /// When the session ends, if there is one.
    pub login_expires_at: Option<DateTime<Utc>>,
    /// Why the catalog is stale, missing or unreadable.
    pub note: Option<String>,
}

/// Every supplier of the workspace, by name, with its backend, shop,
/// currency, last sync, parts and login, read from files only.
pub fn overview(ws: &Workspace) -> Result<Vec<SupplierInfo>> {
    let default = ws.default_supplier().ok();
    let now = ws.clock().now();
    let mut out = Vec::new();
    for (name, profile) in &ws.config().profiles {
        let (catalog, status) = Catalog::open_named(ws, name);
        let (mut currency, mut parts, mut note) = (None, 0, status.note.clone());
        if let Some(c) = &catalog {
            let cache = c.cache();
            currency = cache.price_header().ok().flatten().map(|h| h.currency);
            match cache.part_count() {
                Ok(n) => parts = n,
                Err(e) => note = Some(e.to_string()),
            }
        }
        let token = credentials::load(&ws.paths().token_file(name));
        let (login, login_expires_at) = match (crate::backend::login_not_needed(profile), token) {
            (Some(_), _) => (LoginState::NotNeeded, None),
            (None, Ok(Some(c))) if c.is_valid_for(&profile.shop, now) => (LoginState::Valid, Some(c.expires_at)),
            (None, Ok(Some(c))) => (LoginState::Expired, Some(c.expires_at)),
            (None, Ok(None)) => (LoginState::None, None),
            // A token file that cannot be read is no session.
            (None, Err(_)) => (LoginState::Expired, None),
        };
        let shop = match profile.backend {
            BackendKind::Peppol => profile.catalogue.clone().unwrap_or_default(),
            _ => profile.shop.clone(),
        };
        out.push(SupplierInfo {
            name: name.clone(),
            default: default.as_deref() == Some(name.as_str()),
            backend: profile.backend.as_str(),
            shop,
            company: profile.company.clone(),
            user: profile.user.clone(),
            currency,
            last_sync: status.synced_at,
            catalog: status.state,
            parts,
            login,
            login_expires_at,
            note,
        });
    }
    Ok(out)
}

/// Makes `name` the default supplier (`default_profile` in config.toml,
/// written with the user's comments kept).
pub fn set_default(ws: &mut Workspace, name: &str) -> Result<()> {
    if !ws.config().profiles.contains_key(name) {
        let known = ws.suppliers().join(", ");
        return Err(Error::Rejected(format!(
            "no supplier named {name:?} (the suppliers are: {})",
            if known.is_empty() { "none yet" } else { &known }
        )));
    }
    crate::store::config::save_default_profile(&ws.paths().config_file, name)?;
    ws.reload()
}

/// How many suppliers `sync_all` syncs at once.
pub const SYNC_AT_ONCE: usize = 3;

/// Where one supplier's sync is, for a face to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEvent<'a> {
    /// Waiting for a free slot (at most [`SYNC_AT_ONCE`] run at once).
    Waiting,
    Step(SyncStep<'a>),
    /// Done, well or not: the result follows in the list `sync_all` returns.
    Done {
        ok: bool,
        summary: String,
    },
}

/// Where `sync_all` tells each supplier's progress, with its name.
pub type SyncProgress = Arc<dyn Fn(&str, SyncEvent<'_>) + Send + Sync>;

/// One supplier's sync: its report, or why it failed.
#[derive(Debug, Clone, Serialize)]
pub struct SupplierSync {
    pub supplier: String,
    pub ok: bool,
    /// What the sync did, when it worked.
    pub report: Option<SyncReport>,
    /// Why it did not, with the exit code it would have on its own.
    pub error: Option<SyncFailure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SyncFailure {
    pub message: String,
    pub kind: ErrorKind,
    pub exit_code: u8,
}

impl SupplierSync {
    /// The sync in a line for a person.
    pub fn summary(&self) -> String {
        match (&self.report, &self.error) {
            (_, Some(e)) => format!("failed: {}", e.message),
            (Some(r), None) if r.not_modified => format!("up to date ({} parts)", r.products_total),
            (Some(r), None) => format!(
                "synced {}: {} parts changed, {} removed, {} prices; {} parts",
                if r.full { "in full" } else { "changes" },
                r.products_changed,
                r.products_removed,
                r.prices_changed,
                r.products_total
            ),
            (None, None) => "not synced".into(),
        }
    }
}

/// Syncs every supplier of the workspace, at most [`SYNC_AT_ONCE`] at a
/// time, each on a task of its own: one supplier down, logged out or
/// refusing does not stop the others. Each one's progress goes to
/// `progress` with its name; the results come back in supplier order.
/// A supplier's inbox (Peppol answers) is read after its sync.
pub async fn sync_all(ws: &Workspace, progress: SyncProgress) -> Result<Vec<SupplierSync>> {
    let names = ws.suppliers();
    if names.is_empty() {
        ws.default_supplier()?;
    }
    let slots = Arc::new(tokio::sync::Semaphore::new(SYNC_AT_ONCE));
    let mut tasks = Vec::new();
    for name in &names {
        progress(name, SyncEvent::Waiting);
        let opened = ws.supplier(Some(name));
        let (slots, progress, name) = (slots.clone(), progress.clone(), name.clone());
        tasks.push(tokio::spawn(async move {
            let result = match opened {
                Ok(sup) => {
                    let _slot = slots.acquire_owned().await;
                    sync_one(Arc::new(sup), &name, &progress).await
                }
                Err(e) => Err(e),
            };
            let done = match result {
                Ok(report) => SupplierSync { supplier: name.clone(), ok: true, report: Some(report), error: None },
                Err(e) => SupplierSync {
                    supplier: name.clone(),
                    ok: false,
                    report: None,
                    error: Some(SyncFailure {
                        message: e.to_string(),
                        kind: e.kind(),
                        exit_code: e.kind().exit_code(),
                    }),
                },
            };
            progress(&name, SyncEvent::Done { ok: done.ok, summary: done.summary() });
            done
        }));
    }
    let mut out = Vec::with_capacity(tasks.len());
    for (task, name) in tasks.into_iter().zip(names) {
        out.push(task.await.unwrap_or_else(|e| SupplierSync {
            supplier: name,
            ok: false,
            report: None,
            error: Some(SyncFailure {
                message: format!("the sync stopped unexpectedly: {e}"),
                kind: ErrorKind::Internal,
                exit_code: ErrorKind::Internal.exit_code(),
            }),
        }));
    }
    Ok(out)
}

async fn sync_one(sup: Arc<Supplier>, name: &str, progress: &SyncProgress) -> Result<SyncReport> {
    let mut step = |s: SyncStep<'_>| progress(name, SyncEvent::Step(s));
    let report = super::sync::sync_supplier(&sup, &mut step).await?;
    if let Err(e) = super::inbox::receive(&sup).await {
        tracing::warn!(supplier = name, error = %e, "inbox not read after the sync");
    }
    Ok(report)
}

/// The exit code of `sync --all`: 0 when every supplier synced, else the
/// code of the first supplier (by name) that failed.
pub fn sync_all_exit_code(results: &[SupplierSync]) -> u8 {
    results.iter().find_map(|r| r.error.as_ref().map(|e| e.exit_code)).unwrap_or(0)
}

/// An item of a list from several suppliers, with the supplier it is from
/// (two suppliers' order and quote numbers can be the same).
#[derive(Debug, Clone, Serialize)]
pub struct Theirs<T> {
    pub supplier: String,
    #[serde(flatten)]
    pub item: T,
}

/// A list from every supplier, and the suppliers that could not answer.
#[derive(Debug)]
pub struct FromAll<T> {
    pub items: Vec<Theirs<T>>,
    pub failed: Vec<(String, Error)>,
}

impl<T> FromAll<T> {
    /// The suppliers that failed as one error (the first one's kind), if any.
    pub fn failure(&self) -> Option<Error> {
        let (_, first) = self.failed.first()?;
        let message = self.failed.iter().map(|(s, e)| format!("{s}: {e}")).collect::<Vec<_>>().join("; ");
        Some(Error::Suppliers { kind: first.kind(), message })
    }
}

/// Runs `f` for every supplier of the workspace that `wanted` keeps, all at
/// once, each on a task of its own; answers in supplier order.
async fn each_supplier<T, F, Fut>(ws: &Workspace, wanted: fn(&Supplier) -> bool, f: F) -> Result<FromAll<T>>
where
    T: Send + 'static,
    F: Fn(Arc<Supplier>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<T>>> + Send + 'static,
{
    let names = ws.suppliers();
    if names.is_empty() {
        ws.default_supplier()?;
    }
    let mut tasks = Vec::new();
    for name in names {
        match ws.supplier(Some(&name)) {
            Ok(sup) if !wanted(&sup) => {}
            Ok(sup) => tasks.push((name, Ok(tokio::spawn(f(Arc::new(sup)))))),
            Err(e) => tasks.push((name, Err(e))),
        }
    }
    let mut out = FromAll { items: Vec::new(), failed: Vec::new() };
    for (name, task) in tasks {
        let answer = match task {
            Ok(t) => t.await.unwrap_or_else(|e| Err(Error::Internal(format!("stopped unexpectedly: {e}")))),
            Err(e) => Err(e),
        };
        match answer {
            Ok(items) => out.items.extend(items.into_iter().map(|item| Theirs { supplier: name.clone(), item })),
            Err(e) => out.failed.push((name, e)),
        }
    }
    Ok(out)
}

/// Every supplier's orders that match, newest first, at most `limit` in all.
pub async fn orders(
    ws: &Workspace,
    limit: usize,
    filter: &super::history::OrderFilter,
) -> Result<FromAll<crate::api::OrderSummary>> {
    let filter = filter.clone();
    let mut all = each_supplier(
        ws,
        |_| true,
        move |sup| {
            let filter = filter.clone();
            async move { super::history::orders(&sup, limit, &filter).await }
        },
    )
    .await?;
    all.items.sort_by_key(|t| std::cmp::Reverse(t.item.created_at));
    all.items.truncate(limit);
    Ok(all)
}

/// Every supplier's quote requests, newest first (suppliers that take no
/// quote requests are left out).
pub async fn quotes(ws: &Workspace) -> Result<FromAll<crate::api::QuoteSummary>> {
    let mut all =
        each_supplier(ws, |s| s.capabilities().quote_requests, |sup| async move { super::quotes::list(&sup).await })
            .await?;
    all.items.sort_by_key(|t| std::cmp::Reverse(t.item.created_at));
    Ok(all)
}
