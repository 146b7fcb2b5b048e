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
            ErrorKind::PriceChanged => "price changed (nothing ordered until the changes are accepted)",
            ErrorKind::LocalData => {
                "local data problem (a config, basket or cache file cannot be read or written, or the disk is full; it is left untouched)"
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
    /// A refusal of procure's own with its code (`codes`), for scripts.
    #[error("{message}")]
    Refused { code: &'static str, message: String },
    #[error("{0}")]
    AuthNeeded(String),
    #[error("{0}")]
    Internal(String),
    #[error("prices changed since you agreed to them: {}; nothing was ordered", describe_changes(.0))]
    PricesChanged(Vec<PriceChange>),
    /// The PO number is on another order (`duplicate_po`); the message names
    /// it. A face says how to place one more anyway (a draft's
    /// `allow_duplicate_po`): the CLI its flag, the app its key.
    #[error("{}", .0.message)]
    DuplicatePo(ApiError),
    /// Refused until the buyer chooses otherwise: the message names the
    /// problem, `remedy` what to choose (a face says how, see [`Remedy`]).
    #[error("{message}")]
    NeedsChoice { kind: ErrorKind, message: String, remedy: Remedy },
    /// Some of several suppliers failed (the others answered): each one
    /// named in the message; the kind is the first one's.
    #[error("{message}")]
    Suppliers { kind: ErrorKind, message: String },
}

/// What the buyer can choose to get past an error, named without a face's
/// words: messages say the problem, the same in both faces, and each face
/// says how to choose (the command line its flag, the app its key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// Accept the changed prices (every one, or increases up to a percentage).
    AcceptPrices,
    /// Place another order with a PO number another order holds.
    AllowDuplicatePo,
    /// Order without a requested delivery date (the shop takes none).
    NoDeliveryDate,
    /// Order without complete-only delivery (the shop cannot hold one back).
    NoShipComplete,
    /// Say whether lines are added to a basket's own or replace them.
    AddOrReplace,
    /// Give the copy of a basket another name.
    OtherName,
    /// Replace the baskets an earlier split made, or choose other names.
    ReplaceOrOtherPrefix,
    /// Give a reason.
    GiveReason,
    /// Name the company the user logs in as a member of.
    NameCompany,
    /// Name the profile (supplier) to work with.
    NameProfile,
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
                // A full disk (or quota) is the buyer's computer, not procure: exit 7.
                StoreError::Io { source, .. } if disk_full(source) => ErrorKind::LocalData,
                StoreError::Io { .. } => ErrorKind::Internal,
                StoreError::NotFound(_) | StoreError::Invalid(_) | StoreError::SeveralProfiles(_) => {
                    ErrorKind::Rejected
                }
                StoreError::NoProfile(_) => ErrorKind::AuthNeeded,
            },
            Error::Basket(_)
            | Error::Rejected(_)
            | Error::RejectedWith { .. }
            | Error::Refused { .. }
            | Error::DuplicatePo(_) => ErrorKind::Rejected,
            Error::Usage(_) => ErrorKind::Usage,
            Error::AuthNeeded(_) => ErrorKind::AuthNeeded,
            Error::Internal(_) => ErrorKind::Internal,
            Error::PricesChanged(_) => ErrorKind::PriceChanged,
            Error::Suppliers { kind, .. } | Error::NeedsChoice { kind, .. } => *kind,
        }
    }

    /// What the buyer can choose to get past this error, if anything.
    pub fn remedy(&self) -> Option<Remedy> {
        match self {
            Error::NeedsChoice { remedy, .. } => Some(*remedy),
            Error::PricesChanged(_) | Error::Backend(BackendError::PriceChanged(_)) => Some(Remedy::AcceptPrices),
            Error::Store(StoreError::SeveralProfiles(_)) => Some(Remedy::NameProfile),
            e if e.api_error().is_some_and(|a| a.code == crate::api::codes::DUPLICATE_PO) => {
                Some(Remedy::AllowDuplicatePo)
            }
            _ => None,
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

    /// What was refused, as a code a script can act on (`error.code` in
    /// JSON, docs/json.md): the protocol's code of a shop's refusal
    /// (`duplicate_po`, `credit_limit_exceeded`, `invalid_order`, …) or one
    /// of procure's own ([`codes`]). `None`: an error with no code of its
    /// own (its kind says it all: unreachable, login needed, …).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Refused { code, .. } => Some(code),
            Error::NeedsChoice { remedy: Remedy::NoDeliveryDate | Remedy::NoShipComplete, .. } => {
                Some(codes::UNSUPPORTED)
            }
            Error::PricesChanged(_) => Some(crate::api::codes::PRICE_CHANGED),
            Error::Backend(BackendError::Unsupported(_)) => Some(codes::UNSUPPORTED),
            Error::Store(StoreError::NotFound(_)) => Some(codes::NOT_FOUND),
            _ => self.api_error().map(|a| a.code.as_str()).filter(|c| !c.is_empty()),
        }
    }
}

/// procure's own codes of refusals (`Error::code`), beside the protocol's
/// (`api::codes`), which a shop's refusal carries.
pub mod codes {
    /// The basket has an order waiting for the shop with another PO number.
    pub const ORDER_WAITING: &str = "order_waiting";
    /// The basket has no lines.
    pub const BASKET_EMPTY: &str = "basket_empty";
    /// No such basket, order, quote or part.
    pub const NOT_FOUND: &str = crate::api::codes::NOT_FOUND;
    /// This shop does not support what was asked (quotes, approvals, …).
    pub const UNSUPPORTED: &str = "unsupported";
    /// A document that is not downloaded (a redirect, plain http to another
    /// host, not a document's content type, too large, a "PDF" that is none).
    pub const DOCUMENT_REFUSED: &str = crate::backend::http::DOCUMENT_REFUSED;
}

pub type Result<T> = std::result::Result<T, Error>;

/// Whether a file could not be written because the disk (or the user's
/// quota) is full.
pub fn disk_full(e: &std::io::Error) -> bool {
    // ENOSPC is 28 and EDQUOT 122 on Linux; StorageFull and QuotaExceeded are std's names for them.
    matches!(e.kind(), std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded)
}
