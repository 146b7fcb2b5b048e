//! The session token of a profile, in a file only its owner can read (0600).
//! Passwords are never stored.

use super::{StoreError, atomic, io_err};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Credentials {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    /// The shop the token belongs to; a token is never sent anywhere else.
    pub shop: String,
}

impl Credentials {
    pub fn is_valid_for(&self, shop: &str, now: DateTime<Utc>) -> bool {
        self.shop == shop && self.expires_at > now
    }
}

pub fn load(path: &Path) -> Result<Option<Credentials>, StoreError> {
    match std::fs::read_to_string(path) {
        Ok(t) => serde_json::from_str(&t)
            .map(Some)
            .map_err(|e| StoreError::Corrupt { path: path.to_path_buf(), message: e.to_string() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(path)(e)),
    }
}

pub fn save(path: &Path, creds: &Credentials) -> Result<(), StoreError> {
    let json = serde_json::to_vec_pretty(creds).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let _lock = super::lock::FileLock::exclusive(path)?;
    atomic::write_private(path, &json)
}

pub fn remove(path: &Path) -> Result<bool, StoreError> {
    let _lock = super::lock::FileLock::exclusive(path)?;
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_err(path)(e)),
    }
}
