//! The dialogs of the terminal app: what opens over a screen (with
//! `Cmd::Open`) and has the keys until it closes, one module each.

pub mod checkout;
pub mod choose_part;
pub mod choose_supplier;
pub mod compare;
pub mod confirm;
pub(crate) mod help;
pub(crate) mod invoice_detail;
pub(crate) mod order_detail;
pub(crate) mod part_detail;
pub mod prompt;
pub mod quick_entry;
pub mod quote_detail;
pub(crate) mod quote_request;
