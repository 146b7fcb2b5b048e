//! Peppol BIS Ordering 3 / Catalogue 3 / Billing 3 documents (UBL 2.1), read
//! and written by both sides: the buyer (procure) writes T01 Orders and T111
//! Invoice Responses and reads T19 Catalogues, T76 Order Responses, T16
//! Despatch Advices, T10 Invoices and T14 Credit Notes; the reference shop
//! does the opposite. Only the elements docs/peppol.md lists are mapped; a
//! reader ignores the rest, a writer emits no empty element.

mod catalogue;
mod despatch;
mod invoice;
mod order;
mod party;
mod response;
pub mod xml;

pub use catalogue::*;
pub use despatch::*;
pub use invoice::*;
pub use order::*;
pub use party::*;
pub use response::*;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use xml::Node;

pub const CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
pub const CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

/// The document types of the round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocType {
    Order,
    OrderResponse,
    DespatchAdvice,
    Catalogue,
    Invoice,
    CreditNote,
    InvoiceResponse,
}

impl DocType {
    const ALL: [DocType; 7] = [
        DocType::Order,
        DocType::OrderResponse,
        DocType::DespatchAdvice,
        DocType::Catalogue,
        DocType::Invoice,
        DocType::CreditNote,
        DocType::InvoiceResponse,
    ];
}

impl DocType {
    pub fn root(self) -> &'static str {
        match self {
            DocType::Order => "Order",
            DocType::OrderResponse => "OrderResponse",
            DocType::DespatchAdvice => "DespatchAdvice",
            DocType::Catalogue => "Catalogue",
            DocType::Invoice => "Invoice",
            DocType::CreditNote => "CreditNote",
            DocType::InvoiceResponse => "ApplicationResponse",
        }
    }
    pub fn namespace(self) -> String {
        format!("urn:oasis:names:specification:ubl:schema:xsd:{}-2", self.root())
    }
    /// The Peppol transaction number (T01 …).
    pub fn transaction(self) -> &'static str {
        match self {
            DocType::Order => "T01",
            DocType::OrderResponse => "T76",
            DocType::DespatchAdvice => "T16",
            DocType::Catalogue => "T19",
            DocType::Invoice => "T10",
            DocType::CreditNote => "T14",
            DocType::InvoiceResponse => "T111",
        }
    }
    pub fn customization_id(self) -> &'static str {
        match self {
            DocType::Order => "urn:fdc:peppol.eu:poacc:trns:order:3",
            DocType::OrderResponse => "urn:fdc:peppol.eu:poacc:trns:order_response:3",
            DocType::DespatchAdvice => "urn:fdc:peppol.eu:poacc:trns:despatch_advice:3",
            DocType::Catalogue => "urn:fdc:peppol.eu:poacc:trns:catalogue:3",
            DocType::Invoice | DocType::CreditNote => {
                "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
            }
            DocType::InvoiceResponse => "urn:fdc:peppol.eu:poacc:trns:invoice_response:3",
        }
    }
    /// The business process procure writes documents of this type under.
    pub fn profile_id(self) -> &'static str {
        match self {
            DocType::Order | DocType::OrderResponse => "urn:fdc:peppol.eu:poacc:bis:ordering:3",
            DocType::DespatchAdvice => "urn:fdc:peppol.eu:poacc:bis:despatch_advice:3",
            DocType::Catalogue => "urn:fdc:peppol.eu:poacc:bis:catalogue_only:3",
            DocType::Invoice | DocType::CreditNote => "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0",
            DocType::InvoiceResponse => "urn:fdc:peppol.eu:poacc:bis:invoice_response:3",
        }
    }
}

/// Any of the documents, as read from a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    Order(Order),
    OrderResponse(OrderResponse),
    DespatchAdvice(DespatchAdvice),
    Catalogue(Catalogue),
    /// An invoice (T10) or a credit note (T14: `credit_note` is set).
    Invoice(Box<Invoice>),
    InvoiceResponse(InvoiceResponse),
}

/// Reads a document of any of the types; an error says why it is none.
pub fn read(bytes: &[u8]) -> Result<Document, String> {
    from_root(&xml::parse(bytes)?)
}

/// Whether a parsed document's root is a T76 Order Response or T16 Despatch
/// Advice (the answers a buyer reads), whatever else it holds.
pub fn is_answer_root(root: &Node) -> bool {
    [DocType::OrderResponse, DocType::DespatchAdvice].iter().any(|t| t.root() == root.name && root.ns == t.namespace())
}

/// Whether `root` is a billing document's (an invoice or credit note).
pub fn is_billing_root(root: &Node) -> bool {
    [DocType::Invoice, DocType::CreditNote].iter().any(|t| t.root() == root.name && root.ns == t.namespace())
}

/// A parsed document as one of the types; an error says why it is none.
pub fn from_root(root: &Node) -> Result<Document, String> {
    let ty = DocType::ALL.into_iter().find(|t| t.root() == root.name && root.ns == t.namespace()).ok_or_else(|| {
        format!(
            "not a UBL Order, OrderResponse, DespatchAdvice, Catalogue, Invoice, CreditNote or ApplicationResponse \
             (root element <{}> in namespace {:?})",
            root.name, root.ns
        )
    })?;
    Ok(match ty {
        DocType::Order => Document::Order(order::from_node(root)?),
        DocType::OrderResponse => Document::OrderResponse(response::from_node(root)?),
        DocType::DespatchAdvice => Document::DespatchAdvice(despatch::from_node(root)?),
        DocType::Catalogue => Document::Catalogue(catalogue::from_node(root)?),
        DocType::Invoice | DocType::CreditNote => Document::Invoice(Box::new(invoice::from_node(root)?)),
        DocType::InvoiceResponse => Document::InvoiceResponse(invoice::response_from_node(root)?),
    })
}

/// Checks the root of a document of an expected type.
fn expect(root: &Node, ty: DocType) -> Result<(), String> {
    if root.name != ty.root() || root.ns != ty.namespace() {
        return Err(format!("not a UBL {} (root element <{}>)", ty.root(), root.name));
    }
    Ok(())
}

fn required(n: &Node, path: &str) -> Result<String, String> {
    n.text_at(path).ok_or_else(|| format!("{}/{path} is missing (in <{}> at line {})", n.name, n.name, n.line))
}

fn date_at(n: &Node, path: &str) -> Result<Option<NaiveDate>, String> {
    match n.text_at(path) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("{}/{path} (line {}): {t:?} is not a date (YYYY-MM-DD)", n.name, n.line_at(path))),
    }
}

fn dec_at(n: &Node, path: &str) -> Result<Option<Decimal>, String> {
    match n.text_at(path) {
        None => Ok(None),
        Some(t) => t
            .parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(&t))
            .map(Some)
            .map_err(|_| format!("{}/{path} (line {}): {t:?} is not a number", n.name, n.line_at(path))),
    }
}

/// A decimal as UBL writes it: no exponent, no trailing zeros beyond what it has.
pub fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

/// An amount with at least two decimals.
pub fn amount(d: Decimal) -> String {
    let mut d = d.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    d.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_plainly() {
        assert_eq!(num(Decimal::new(1500, 2)), "15");
        assert_eq!(amount(Decimal::new(15, 0)), "15.00");
        assert_eq!(amount(Decimal::new(12345, 4)), "1.2345");
    }

    #[test]
    fn an_unknown_root_is_named() {
        let e = read(b"<Quotation xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Quotation-2\"/>").unwrap_err();
        assert!(e.contains("<Quotation>"), "{e}");
    }
}
