//! The business rules of procure: money and tier pricing, quantity rules,
//! baskets and order drafts. Pure: no IO, no printing.

pub mod basket;
pub mod import;
pub mod money;
pub mod order;
pub mod quantity;
pub mod sanitize;
