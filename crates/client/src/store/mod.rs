//! Local state: paths, config and profiles, credentials, the catalog cache
//! and its search index files, the local history of orders and invoices,
//! basket and receipt files. Every file write is atomic.

pub mod atomic;
pub mod baskets;
pub mod cache;
pub mod compare_settings;
pub mod config;
pub mod credentials;
pub mod history;
pub mod index;
pub mod lock;
pub mod paths;
pub mod receipts;

pub use paths::Paths;

/// A local file that cannot be used as it is. The file is never overwritten.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {message}")]
    Corrupt { path: std::path::PathBuf, message: String },
    #[error("{path}: {source}")]
    Io { path: std::path::PathBuf, source: std::io::Error },
    #[error("{0}")]
    NotFound(String),
    /// No profile to work on: a login makes one.
    #[error("{0}")]
    NoProfile(String),
    #[error("{0}")]
    Invalid(String),
    /// No profile named and none the default: these are the choices.
    #[error("several profiles ({}): name the one to use, or set default_profile in config.toml", .0.join(", "))]
    SeveralProfiles(Vec<String>),
    #[error("catalog cache {path}: {source}")]
    Cache { path: std::path::PathBuf, source: rusqlite::Error },
}

pub(crate) fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io { path: path.to_path_buf(), source }
}
