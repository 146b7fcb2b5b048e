//! What a buyer does, independent of the face: log in, sync, search, change
//! baskets, preview and submit orders. The CLI and the TUI call these; they
//! never talk HTTP or touch files themselves.

pub mod account;
pub mod approvals;
pub mod baskets;
pub mod catalog;
pub mod context;
pub mod demo;
pub mod error;
pub mod files;
pub mod history;
pub mod inbox;
pub mod ordering;
mod pricing;
pub mod quotes;
pub mod search;
pub mod sync;

pub use crate::backend::Capabilities;
/// Where procure keeps its files: resolved once at start-up and passed along.
pub use crate::store::Paths;
pub use context::Context;
pub use error::{Error, ErrorKind, Result, exit_codes};
