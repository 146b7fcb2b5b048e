//! What a buyer does, independent of the face: log in, sync, search, change
//! baskets, preview and submit orders; after the order, chase late lines,
//! record goods receipts, check invoices and read the statement. The CLI and the TUI call these; they
//! never talk HTTP or touch files themselves.
//!
//! A face opens the [`Workspace`] (files, settings, the clock) and from it
//! one [`Supplier`] per profile it works with. Every service call takes the
//! supplier it is for (`&Supplier` first); only a login, which makes or
//! updates a supplier, takes the workspace and the supplier's name.

pub mod account;
pub mod approvals;
pub mod baskets;
pub mod catalog;
pub mod clock;
pub mod compare;
pub mod demo;
pub mod discontinued;
pub mod documents;
pub mod error;
pub mod expediting;
pub mod files;
pub mod history;
pub mod inbox;
pub mod invoices;
pub mod local;
pub mod ordering;
mod pricing;
pub mod quotes;
pub mod receiving;
pub mod search;
pub mod seen;
pub mod session;
pub mod statement;
pub mod supplier;
pub mod suppliers;
pub mod sync;
pub mod workspace;

pub use crate::backend::Capabilities;
/// Where procure keeps its files: resolved once at start-up and passed along.
pub use crate::store::Paths;
pub use clock::Clock;
pub use error::{Error, ErrorKind, Remedy, Result, exit_codes};
pub use supplier::Supplier;
pub use workspace::Workspace;
