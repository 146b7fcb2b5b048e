//! procure's core, shared by both faces: baskets and order drafts (`core`),
//! the local store (`store`: profiles, token, catalog cache, baskets), the
//! shop backends (`backend`: one trait, each backend declares what it
//! supports) and the services (`service`: what a buyer does). The faces call
//! the service layer; they never talk HTTP or touch files themselves.
//!
//! Data flows one way: shop → backend → store → service → faces.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub use procure_protocol::api;
pub use procure_search as search;

pub mod backend;
pub mod core;
pub mod service;
pub mod store;
