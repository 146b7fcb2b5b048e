//! The business rules of procure: money and tier pricing, quantity rules,
//! baskets and order drafts; after the order, expediting, goods receipt,
//! invoices, the three-way match and the statement of account. Pure: no
//! IO, no printing.

pub mod basket;
pub mod compare;
pub mod events;
pub mod expediting;
pub mod import;
pub mod invoices;
pub mod matching;
pub mod order;
pub mod pricing;
pub mod receipt;
pub mod sanitize;
pub mod statement;

// The money and quantity rules, for the client's own use: a face gets prices
// and checks through `pricing` and the services, and `text` to read and print.
pub(crate) use procure_protocol::{money, quantity};

/// Reading and printing amounts and quantities: all a face needs of the money
/// and quantity rules.
pub mod text {
    pub use procure_protocol::money::{format_amount, format_price, parse_sku_price};
    pub use procure_protocol::quantity::parse_quantity;

    /// A preview's, order's or invoice's totals on one line:
    /// "net 10.00  shipping 5.00  VAT 2.85  total 17.85 EUR".
    pub fn format_totals(t: &crate::api::Totals) -> String {
        format!(
            "net {}  shipping {}  VAT {}  total {} {}",
            format_amount(t.net),
            format_amount(t.shipping),
            format_amount(t.vat),
            format_amount(t.gross),
            t.currency
        )
    }
}
