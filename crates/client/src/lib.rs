//! procure's core, shared by both faces: baskets and order drafts (`core`),
//! the local store (`store`: profiles, token, catalog cache, baskets), the
//! shop backends (`backend`: one trait, each backend declares what it
//! supports) and the services (`service`: what a buyer does). The faces call
//! the service layer; they never talk HTTP or touch files themselves (the
//! compiler holds the shop and the store out of their reach: `backend` and
//! `store` are private to this crate; a face passes the service a path).
//!
//! Data flows one way: shop → backend → store → service → faces.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub use procure_protocol::api;
pub use procure_search as search;

pub mod core;
pub mod service;

// The shop seam and the local files are the client's own: a face cannot name
// them. The model types a face needs are re-exported by `service`.
pub(crate) mod backend;
pub(crate) mod store;
