//! procure's protocol: the wire types both sides of the shop API speak
//! (`api`), and the rules both sides must agree on so a price computed by the
//! client is the price the shop charges: money and rounding (`money`), tier
//! prices and quantity rules (`quantity`), payment terms and due dates
//! (`terms`), the working days an earliest delivery counts (`delivery`),
//! and the sane ranges of every number (`limits`). Pure: no IO.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod api;
pub mod delivery;
pub mod limits;
pub mod money;
pub mod peppol;
pub mod quantity;
pub mod terms;
