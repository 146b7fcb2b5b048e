//! The business rules of procure: money and tier pricing, quantity rules,
//! baskets and order drafts. Pure: no IO, no printing.

pub mod basket;
pub mod events;
pub mod import;
pub mod order;
pub mod pricing;
pub mod sanitize;

pub use procure_protocol::{money, quantity};
