//! T76 Order Response (seller → buyer): accepted, rejected, or accepted with changes.

use super::xml::{Node, XmlOut};
use super::{DocType, Party, amount, date_at, dec_at, expect, num, required};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// `cbc:OrderResponseCode` (UNCL 4343 subset of BIS Ordering 3).
pub mod response_code {
    pub const ACKNOWLEDGED: &str = "AB";
    pub const ACCEPTED: &str = "AP";
    pub const REJECTED: &str = "RE";
    pub const ACCEPTED_WITH_CHANGES: &str = "CA";
}

/// `cbc:LineStatusCode` (UNCL 1229 subset of BIS Ordering 3).
pub mod line_status {
    pub const CHANGED: &str = "3";
    pub const ACCEPTED: &str = "5";
    pub const NOT_ACCEPTED: &str = "7";
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderResponse {
    pub id: String,
    pub issue_date: NaiveDate,
    pub issue_time: Option<String>,
    pub code: String,
    /// Free text; for a rejection its reason.
    pub note: Option<String>,
    pub currency: String,
    pub customer_reference: Option<String>,
    /// The id of the order answered.
    pub order_ref: String,
    /// The seller's own order number.
    pub sales_order_id: Option<String>,
    pub seller: Party,
    pub buyer: Party,
    pub promised_delivery: Option<NaiveDate>,
    pub lines: Vec<ResponseLine>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseLine {
    pub id: String,
    /// The order line answered (`cac:OrderLineReference/cbc:LineID`).
    pub line_ref: String,
    pub status: String,
    pub note: Option<String>,
    pub quantity: Option<Decimal>,
    pub unit: String,
    pub price: Option<Decimal>,
    pub base_qty: Option<Decimal>,
    pub promised_delivery: Option<NaiveDate>,
    pub seller_id: String,
    pub name: String,
    /// The seller's item id of a substitute (`cac:SellerSubstitutedLineItem`).
    pub substitute_id: Option<String>,
}

pub(crate) fn from_node(root: &Node) -> Result<OrderResponse, String> {
    expect(root, DocType::OrderResponse)?;
    let mut lines = Vec::new();
    for (i, ol) in root.all("OrderLine").enumerate() {
        let ctx = |e: String| format!("OrderLine {}: {e}", i + 1);
        let l = ol.child("LineItem").ok_or_else(|| ctx("cac:LineItem is missing".into()))?;
        lines.push(ResponseLine {
            id: required(l, "ID").map_err(ctx)?,
            line_ref: ol.text_at("OrderLineReference/LineID").unwrap_or_else(|| l.str_at("ID")),
            status: l.str_at("LineStatusCode"),
            note: l.text_at("Note"),
            quantity: dec_at(l, "Quantity").map_err(ctx)?,
            unit: l.at("Quantity").and_then(|q| q.attr("unitCode")).unwrap_or("").into(),
            price: dec_at(l, "Price/PriceAmount").map_err(ctx)?,
            base_qty: dec_at(l, "Price/BaseQuantity").map_err(ctx)?,
            promised_delivery: match date_at(l, "Delivery/PromisedDeliveryPeriod/EndDate").map_err(ctx)? {
                Some(d) => Some(d),
                None => date_at(l, "Delivery/PromisedDeliveryPeriod/StartDate").map_err(ctx)?,
            },
            seller_id: l.str_at("Item/SellersItemIdentification/ID"),
            name: l.str_at("Item/Name"),
            substitute_id: ol.text_at("SellerSubstitutedLineItem/Item/SellersItemIdentification/ID"),
        });
    }
    let notes: Vec<String> = root.all("Note").map(|n| n.text.trim().to_string()).filter(|t| !t.is_empty()).collect();
    Ok(OrderResponse {
        id: required(root, "ID")?,
        issue_date: date_at(root, "IssueDate")?.ok_or("OrderResponse/IssueDate is missing")?,
        issue_time: root.text_at("IssueTime"),
        code: required(root, "OrderResponseCode")?,
        note: (!notes.is_empty()).then(|| notes.join(" ")),
        currency: root.str_at("DocumentCurrencyCode"),
        customer_reference: root.text_at("CustomerReference"),
        order_ref: required(root, "OrderReference/ID")?,
        sales_order_id: root.text_at("SalesOrderID"),
        seller: Party::read(root.child("SellerSupplierParty")),
        buyer: Party::read(root.child("BuyerCustomerParty")),
        promised_delivery: match date_at(root, "Delivery/PromisedDeliveryPeriod/EndDate")? {
            Some(d) => Some(d),
            None => date_at(root, "Delivery/PromisedDeliveryPeriod/StartDate")?,
        },
        lines,
    })
}

/// Writes a T76 order response document.
pub fn write_order_response(r: &OrderResponse) -> Vec<u8> {
    let t = DocType::OrderResponse;
    let cur = [("currencyID", r.currency.as_str())];
    let mut w = XmlOut::new();
    let ns = t.namespace();
    w.start("OrderResponse", &[("xmlns", &ns), ("xmlns:cac", super::CAC), ("xmlns:cbc", super::CBC)]);
    w.leaf("cbc:CustomizationID", &[], t.customization_id()).leaf("cbc:ProfileID", &[], t.profile_id());
    w.leaf("cbc:ID", &[], &r.id);
    w.opt("cbc:SalesOrderID", r.sales_order_id.as_deref());
    w.leaf("cbc:IssueDate", &[], &r.issue_date.to_string());
    w.opt("cbc:IssueTime", r.issue_time.as_deref());
    w.leaf("cbc:OrderResponseCode", &[], &r.code);
    w.opt("cbc:Note", r.note.as_deref());
    w.opt("cbc:DocumentCurrencyCode", Some(&r.currency));
    w.opt("cbc:CustomerReference", r.customer_reference.as_deref());
    w.start("cac:OrderReference", &[]).leaf("cbc:ID", &[], &r.order_ref).end();
    r.seller.write_in(&mut w, "cac:SellerSupplierParty", false, true);
    r.buyer.write_in(&mut w, "cac:BuyerCustomerParty", false, true);
    if let Some(d) = r.promised_delivery {
        w.start("cac:Delivery", &[]).start("cac:PromisedDeliveryPeriod", &[]);
        w.leaf("cbc:EndDate", &[], &d.to_string()).end().end();
    }
    for l in &r.lines {
        w.start("cac:OrderLine", &[]).start("cac:LineItem", &[]);
        w.leaf("cbc:ID", &[], &l.id);
        w.opt("cbc:Note", l.note.as_deref());
        w.leaf("cbc:LineStatusCode", &[], &l.status);
        if let Some(q) = l.quantity {
            w.leaf("cbc:Quantity", &[("unitCode", &l.unit)], &num(q));
        }
        if let Some(d) = l.promised_delivery {
            w.start("cac:Delivery", &[]).start("cac:PromisedDeliveryPeriod", &[]);
            w.leaf("cbc:EndDate", &[], &d.to_string()).end().end();
        }
        if let Some(p) = l.price {
            w.start("cac:Price", &[]).leaf("cbc:PriceAmount", &cur, &amount(p));
            if let Some(b) = l.base_qty {
                w.leaf("cbc:BaseQuantity", &[("unitCode", &l.unit)], &num(b));
            }
            w.end();
        }
        w.start("cac:Item", &[]).opt("cbc:Name", Some(&l.name));
        if !l.seller_id.is_empty() {
            w.start("cac:SellersItemIdentification", &[]).leaf("cbc:ID", &[], &l.seller_id).end();
        }
        w.end().end();
        w.start("cac:OrderLineReference", &[]).leaf("cbc:LineID", &[], &l.line_ref).end();
        w.end();
    }
    w.finish()
}
