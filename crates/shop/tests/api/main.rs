//! The reference shop over HTTP, one test binary: a demo-seeded database,
//! the server on an ephemeral loopback port, a plain HTTP client
//! (`helpers`). Each module is one area of the protocol.

mod helpers;

mod account;
mod after;
mod approvals;
mod auth;
mod catalog;
mod demo;
mod import;
mod isolation;
mod orders;
mod quotes;
