//! What the Medusa backend must remember between runs, in one small JSON file
//! in the profile's folder (written atomically):
//!
//! - for each idempotency key, the cart that carries the submission — saved
//!   before the cart is completed, so a retry completes or looks up that same
//!   cart (completing a completed cart returns its order) instead of making
//!   a second order;
//! - the cart procure asks for shipping options (Medusa lists them per cart).

use crate::api::OrderDraft;
use crate::store::{StoreError, atomic};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Submissions older than this are forgotten: the buyer's basket gave up
/// its key long ago.
const KEEP_DAYS: i64 = 60;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct State {
    #[serde(default)]
    pub submissions: BTreeMap<String, Submission>,
    /// A cart without lines, used only to list shipping options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_probe_cart: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Submission {
    pub cart_id: String,
    /// What was submitted (see [`fingerprint`]): a retry must be the same order.
    pub fingerprint: String,
    pub started_at: DateTime<Utc>,
    /// Set once Medusa confirmed the order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
}

/// The submission's content without the prices the buyer saw: accepting a
/// price change between two tries is still the same order.
pub fn fingerprint(draft: &OrderDraft) -> String {
    let mut d = draft.clone();
    for l in &mut d.lines {
        l.expected_unit_price = None;
    }
    serde_json::to_string(&d).unwrap_or_default()
}

pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    pub fn new(dir: &Path) -> StateFile {
        StateFile { path: dir.join("medusa-state.json") }
    }

    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A missing file is an empty state; a broken one is an error (and left
    /// untouched): forgetting a submission could double an order.
    pub fn load(&self) -> Result<State, StoreError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| StoreError::Corrupt { path: self.path.clone(), message: e.to_string() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(StoreError::Io { path: self.path.clone(), source: e }),
        }
    }

    /// Loads, changes and saves the state in one step.
    pub fn update<T>(&self, change: impl FnOnce(&mut State) -> T) -> Result<T, StoreError> {
        let mut state = self.load()?;
        let out = change(&mut state);
        let cutoff = Utc::now() - Duration::days(KEEP_DAYS);
        state.submissions.retain(|_, s| s.started_at > cutoff);
        let json = serde_json::to_vec_pretty(&state).map_err(|e| StoreError::Invalid(e.to_string()))?;
        atomic::write_private(&self.path, &json)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::DraftLine;
    use rust_decimal_macros::dec;

    fn draft(price: rust_decimal::Decimal) -> OrderDraft {
        OrderDraft {
            po_number: "PO-1".into(),
            lines: vec![DraftLine { sku: "A".into(), quantity: 2, expected_unit_price: Some(price), note: None }],
            ..Default::default()
        }
    }

    #[test]
    fn fingerprint_ignores_seen_prices_only() {
        assert_eq!(fingerprint(&draft(dec!(1))), fingerprint(&draft(dec!(2))));
        let mut other = draft(dec!(1));
        other.lines[0].quantity = 3;
        assert_ne!(fingerprint(&draft(dec!(1))), fingerprint(&other));
    }

    #[test]
    fn survives_a_reload_and_forgets_old_submissions() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(dir.path());
        assert_eq!(file.load().unwrap(), State::default());
        file.update(|s| {
            s.submissions.insert(
                "new".into(),
                Submission {
                    cart_id: "cart_1".into(),
                    fingerprint: "f".into(),
                    started_at: Utc::now(),
                    order_id: None,
                },
            );
            s.submissions.insert(
                "old".into(),
                Submission {
                    cart_id: "cart_0".into(),
                    fingerprint: "f".into(),
                    started_at: Utc::now() - Duration::days(KEEP_DAYS + 1),
                    order_id: Some("order_0".into()),
                },
            );
        })
        .unwrap();
        let s = file.load().unwrap();
        assert_eq!(s.submissions.len(), 1);
        assert_eq!(s.submissions["new"].cart_id, "cart_1");
    }

    #[test]
    fn a_broken_file_is_an_error_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = StateFile::new(dir.path());
        std::fs::write(file.path(), "{not json").unwrap();
        assert!(file.load().is_err());
        assert!(file.update(|_| ()).is_err());
        assert_eq!(std::fs::read_to_string(file.path()).unwrap(), "{not json");
    }
}
