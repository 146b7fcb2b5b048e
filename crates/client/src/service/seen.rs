//! The answers a supplier's shop gave last (credit, quotes, approvals, the
//! account), kept in the supplier's folder as they arrive, so that without
//! the shop a command shows them — marked with the time they were seen —
//! instead of failing. Written privately (0600): they hold the company's
//! credit and orders.

use super::{ErrorKind, Result, Supplier};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// An answer of the shop, now or as last seen.
#[derive(Debug, Clone, Serialize)]
pub struct Seen<T> {
    #[serde(flatten)]
    pub value: T,
    /// When the shop gave it: now, or when it was last seen.
    pub as_of: DateTime<Utc>,
    /// The shop did not answer: this is the answer last seen.
    pub offline: bool,
}

impl<T> Seen<T> {
    /// "as of 2026-12-06 14:02 UTC" for an answer last seen, else nothing.
    pub fn note(&self) -> Option<String> {
        self.offline.then(|| format!("as last seen {}", self.as_of.format("%Y-%m-%d %H:%M UTC")))
    }
}

#[derive(Serialize, serde::Deserialize)]
struct Kept<T> {
    at: DateTime<Utc>,
    value: T,
}

fn file(sup: &Supplier, what: &str) -> std::path::PathBuf {
    sup.paths.profile_dir(&sup.name).join("seen").join(format!("{what}.json"))
}

/// Keeps an answer; a failure to keep it only loses the offline copy.
pub(crate) fn remember<T: Serialize>(sup: &Supplier, what: &str, value: &T) {
    let kept = Kept { at: sup.clock.now(), value };
    let path = file(sup, what);
    let written = serde_json::to_vec(&kept)
        .map_err(|e| e.to_string())
        .and_then(|bytes| crate::store::atomic::write_private(&path, &bytes).map_err(|e| e.to_string()));
    if let Err(e) = written {
        tracing::warn!(what, error = %e, "the answer is not kept for offline use");
    }
}

/// The answer last kept, with when it was seen.
pub(crate) fn recall<T: DeserializeOwned>(sup: &Supplier, what: &str) -> Option<(DateTime<Utc>, T)> {
    let bytes = std::fs::read(file(sup, what)).ok()?;
    let kept: Kept<T> = serde_json::from_slice(&bytes).ok()?;
    Some((kept.at, kept.value))
}

/// The shop's answer, kept for later; when the shop cannot be reached, the
/// one last kept (an error still when none was).
pub(crate) async fn fresh_or_seen<T: Serialize + DeserializeOwned>(
    sup: &Supplier,
    what: &str,
    fetch: impl std::future::Future<Output = Result<T>>,
) -> Result<Seen<T>> {
    match fetch.await {
        Ok(value) => {
            remember(sup, what, &value);
            Ok(Seen { value, as_of: sup.clock.now(), offline: false })
        }
        Err(e) if e.kind() == ErrorKind::Unreachable => match recall(sup, what) {
            Some((as_of, value)) => Ok(Seen { value, as_of, offline: true }),
            None => Err(e),
        },
        Err(e) => Err(e),
    }
}
