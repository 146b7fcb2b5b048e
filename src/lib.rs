//! procure: a terminal client for B2B repeat buyers.
//!
//! Data flows one way: shop → backend → store → core → faces (cli, tui).
#![forbid(unsafe_code)]

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
