//! One error type for the faces, with the kind that decides the exit code.

use crate::api::ApiError;
use crate::backend::BackendError;
use crate::core::basket::BasketError;
use crate::core::order::PriceChange;
use crate::store::StoreError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Internal,
    Usage,
    AuthNeeded,
    Unreachable,
    Rejected,
    PriceChanged,
    LocalData,
    Held,
}

impl ErrorKind {
    /// Every kind, in the order of its exit code.
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::Internal,
        ErrorKind::Usage,
        ErrorKind::AuthNeeded,
        ErrorKind::Unreachable,
        ErrorKind::Rejected,
        ErrorKind::PriceChanged,
        ErrorKind::LocalData,
        ErrorKind::Held,
    ];

    /// The documented exit codes: `procure --help` and the README table are
    /// made from these and [`ErrorKind::meaning`].
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Internal => 1,
            ErrorKind::Usage => 2,
            ErrorKind::AuthNeeded => 3,
            ErrorKind::Unreachable => 4,
            ErrorKind::Rejected => 5,
            ErrorKind::PriceChanged => 6,
            ErrorKind::LocalData => 7,
            ErrorKind::Held => 8,
        }
    }

    /// What the exit code means, in a user's words.
    pub fn meaning(self) -> &'static str {
        match self {
            // As grep's 1: a search without a match is not an error, but says so.
            ErrorKind::Internal => "internal error; for `search`: nothing matched",
            ErrorKind::Usage => "usage error (bad arguments, insecure shop address)",
            ErrorKind::AuthNeeded => "login needed (no profile yet, not logged in, session expired, wrong password)",
            ErrorKind::Unreachable => "shop unreachable (down, timed out, or sent an unreadable answer)",
            ErrorKind::Rejected => "rejected input (unknown SKU, bad quantity, bad file lines, refused by the shop)",
            ErrorKind::PriceChanged => "price changed (nothing ordered; review, then --yes)",
            ErrorKind::LocalData => {
                "local data problem (a config, basket or cache file cannot be read; it is left untouched)"
            }
            ErrorKind::Held => {
                "invoice held by the three-way match (a line differs from the order or the goods receipt)"
            }
        }
    }
}

/// Every exit code with its meaning, 0 first, as `procure --help` and the
/// README list them.
pub fn exit_codes() -> Vec<(u8, &'static str)> {
    let mut all = vec![(0, "success")];
    all.extend(ErrorKind::ALL.iter().map(|k| (k.exit_code(), k.meaning())));
    all
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Backend(#[from] BackendError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Basket(#[from] BasketError),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Rejected(String),
    #[error("{message}")]
    RejectedWith { message: String, details: ApiError },
    #[error("{0}")]
    AuthNeeded(String),
    #[error("{0}")]
    Internal(String),
    #[error(
        "prices changed since you agreed to them: {}; nothing was ordered (review, then --yes or --max-increase PCT)",
        describe_changes(.0)
    )]
    PricesChanged(Vec<PriceChange>),
    /// The PO number is on another order (`duplicate_po`); the message names
    /// it. A face says how to place one more anyway (a draft's
    /// `allow_duplicate_po`): the CLI its flag, the app its key.
    #[error("{}", .0.message)]
    DuplicatePo(ApiError),
}

fn describe_changes(changes: &[PriceChange]) -> String {
    changes.iter().map(|c| format!("{} {}", c.sku, c.describe())).collect::<Vec<_>>().join(", ")
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Backend(b) => match b {
                BackendError::Unreachable { .. }
                | BackendError::Timeout { .. }
                | BackendError::Protocol(_)
                | BackendError::Server(_) => ErrorKind::Unreachable,
                BackendError::Auth(_) => ErrorKind::AuthNeeded,
                BackendError::Rejected(_) | BackendError::NotFound(_) | BackendError::Unsupported(_) => {
                    ErrorKind::Rejected
                }
                BackendError::PriceChanged(_) => ErrorKind::PriceChanged,
                BackendError::Insecure(_) | BackendError::Misconfigured(_) => ErrorKind::Usage,
                BackendError::LocalState(_) => ErrorKind::LocalData,
            },
            Error::Store(s) => match s {
                StoreError::Corrupt { .. } | StoreError::Cache { .. } => ErrorKind::LocalData,
                StoreError::Io { .. } => ErrorKind::Internal,
                StoreError::NotFound(_) | StoreError::Invalid(_) => ErrorKind::Rejected,
                StoreError::NoProfile(_) => ErrorKind::AuthNeeded,
            },
            Error::Basket(_) | Error::Rejected(_) | Error::RejectedWith { .. } | Error::DuplicatePo(_) => {
                ErrorKind::Rejected
            }
            Error::Usage(_) => ErrorKind::Usage,
            Error::AuthNeeded(_) => ErrorKind::AuthNeeded,
            Error::Internal(_) => ErrorKind::Internal,
            Error::PricesChanged(_) => ErrorKind::PriceChanged,
        }
    }

    /// Per-line details from the shop, if any.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Backend(b) => b.api_error(),
            Error::RejectedWith { details, .. } | Error::DuplicatePo(details) => Some(details),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
