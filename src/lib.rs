//! procure: a terminal client for B2B repeat buyers.
//!
//! Data flows one way: shop → backend → store → core → faces (cli, tui).
#![forbid(unsafe_code)]
// Errors are values with context, not panics (tests may unwrap).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod backend;
pub mod cli;
pub mod core;
pub mod logging;
pub mod search;
pub mod service;
pub mod shop;
pub mod store;
pub mod tui;
