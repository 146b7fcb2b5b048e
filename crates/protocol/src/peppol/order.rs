//! T01 Order (buyer → seller).

use super::xml::{Node, XmlOut};
use super::{DocType, Id, Party, PostalAddress, amount, date_at, dec_at, expect, num, required};
use chrono::NaiveDate;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Order {
    /// The document's id: procure's idempotency key of the submission.
    pub id: String,
    pub issue_date: NaiveDate,
    pub issue_time: Option<String>,
    /// The buyer's comment.
    pub note: Option<String>,
    pub currency: String,
    /// The buyer's PO number.
    pub customer_reference: String,
    pub buyer: Party,
    pub seller: Party,
    pub delivery: Option<Delivery>,
    pub tax_total: Decimal,
    pub line_total: Decimal,
    pub payable: Decimal,
    pub lines: Vec<OrderLine>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Delivery {
    pub name: String,
    pub address: Option<PostalAddress>,
    pub requested: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderLine {
    pub id: String,
    pub note: Option<String>,
    pub quantity: Decimal,
    pub unit: String,
    pub line_amount: Decimal,
    /// `false`: this line must be delivered complete.
    pub partial_delivery: Option<bool>,
    /// `cac:Price/cbc:PriceAmount`: the price of `base_qty` units.
    pub price: Option<Decimal>,
    /// `cac:Price/cbc:BaseQuantity`; 1 when absent.
    pub base_qty: Option<Decimal>,
    pub name: String,
    pub seller_id: String,
    pub standard_id: Option<Id>,
    pub vat_category: String,
    pub vat_percent: Option<Decimal>,
}

pub(crate) fn from_node(root: &Node) -> Result<Order, String> {
    expect(root, DocType::Order)?;
    let mut lines = Vec::new();
    for (i, ol) in root.all("OrderLine").enumerate() {
        let ctx = |e: String| format!("OrderLine {}: {e}", i + 1);
        let l = ol.child("LineItem").ok_or_else(|| ctx("cac:LineItem is missing".into()))?;
        let q = l.child("Quantity").ok_or_else(|| ctx("cbc:Quantity is missing".into()))?;
        lines.push(OrderLine {
            id: required(l, "ID").map_err(ctx)?,
            note: ol.text_at("Note").or_else(|| l.text_at("Note")),
            quantity: dec_at(l, "Quantity").map_err(ctx)?.unwrap_or_default(),
            unit: q.attr("unitCode").unwrap_or("").into(),
            line_amount: dec_at(l, "LineExtensionAmount").map_err(ctx)?.unwrap_or_default(),
            partial_delivery: l.text_at("PartialDeliveryIndicator").map(|t| t == "true"),
            price: dec_at(l, "Price/PriceAmount").map_err(ctx)?,
            base_qty: dec_at(l, "Price/BaseQuantity").map_err(ctx)?,
            name: l.str_at("Item/Name"),
            seller_id: l.str_at("Item/SellersItemIdentification/ID"),
            standard_id: Id::read(l.at("Item/StandardItemIdentification/ID")),
            vat_category: l.str_at("Item/ClassifiedTaxCategory/ID"),
            vat_percent: dec_at(l, "Item/ClassifiedTaxCategory/Percent").map_err(ctx)?,
        });
    }
    let delivery = root.child("Delivery").map(|d| -> Result<Delivery, String> {
        Ok(Delivery {
            name: d.str_at("DeliveryParty/PartyName/Name"),
            address: PostalAddress::read(d.at("DeliveryLocation/Address")),
            requested: match date_at(d, "RequestedDeliveryPeriod/EndDate")? {
                Some(e) => Some(e),
                None => date_at(d, "RequestedDeliveryPeriod/StartDate")?,
            },
        })
    });
    Ok(Order {
        id: required(root, "ID")?,
        issue_date: date_at(root, "IssueDate")?.ok_or("Order/IssueDate is missing")?,
        issue_time: root.text_at("IssueTime"),
        note: root.text_at("Note"),
        currency: root.str_at("DocumentCurrencyCode"),
        customer_reference: root.str_at("CustomerReference"),
        buyer: Party::read(root.child("BuyerCustomerParty")),
        seller: Party::read(root.child("SellerSupplierParty")),
        delivery: delivery.transpose()?,
        tax_total: dec_at(root, "TaxTotal/TaxAmount")?.unwrap_or_default(),
        line_total: dec_at(root, "AnticipatedMonetaryTotal/LineExtensionAmount")?.unwrap_or_default(),
        payable: dec_at(root, "AnticipatedMonetaryTotal/PayableAmount")?.unwrap_or_default(),
        lines,
    })
}

/// Writes a T01 order document.
pub fn write_order(o: &Order) -> Vec<u8> {
    let t = DocType::Order;
    let cur = [("currencyID", o.currency.as_str())];
    let mut w = XmlOut::new();
    let ns = t.namespace();
    w.start("Order", &[("xmlns", &ns), ("xmlns:cac", super::CAC), ("xmlns:cbc", super::CBC)]);
    w.leaf("cbc:CustomizationID", &[], t.customization_id()).leaf("cbc:ProfileID", &[], t.profile_id());
    w.leaf("cbc:ID", &[], &o.id).leaf("cbc:IssueDate", &[], &o.issue_date.to_string());
    w.opt("cbc:IssueTime", o.issue_time.as_deref());
    w.opt("cbc:Note", o.note.as_deref());
    w.leaf("cbc:DocumentCurrencyCode", &[], &o.currency);
    w.opt("cbc:CustomerReference", Some(&o.customer_reference));
    o.buyer.write_in(&mut w, "cac:BuyerCustomerParty", true, true);
    o.seller.write_in(&mut w, "cac:SellerSupplierParty", true, true);
    if let Some(d) = &o.delivery {
        w.start("cac:Delivery", &[]);
        if let Some(a) = &d.address {
            w.start("cac:DeliveryLocation", &[]);
            a.write(&mut w, "cac:Address");
            w.end();
        }
        if let Some(r) = d.requested {
            w.start("cac:RequestedDeliveryPeriod", &[]).leaf("cbc:EndDate", &[], &r.to_string()).end();
        }
        if !d.name.trim().is_empty() {
            w.start("cac:DeliveryParty", &[])
                .start("cac:PartyName", &[])
                .leaf("cbc:Name", &[], d.name.trim())
                .end()
                .end();
        }
        w.end();
    }
    w.start("cac:TaxTotal", &[]).leaf("cbc:TaxAmount", &cur, &amount(o.tax_total)).end();
    w.start("cac:AnticipatedMonetaryTotal", &[])
        .leaf("cbc:LineExtensionAmount", &cur, &amount(o.line_total))
        .leaf("cbc:TaxExclusiveAmount", &cur, &amount(o.line_total))
        .leaf("cbc:TaxInclusiveAmount", &cur, &amount(o.payable))
        .leaf("cbc:PayableAmount", &cur, &amount(o.payable))
        .end();
    for l in &o.lines {
        w.start("cac:OrderLine", &[]);
        w.opt("cbc:Note", l.note.as_deref());
        w.start("cac:LineItem", &[]);
        w.leaf("cbc:ID", &[], &l.id);
        w.leaf("cbc:Quantity", &[("unitCode", &l.unit), ("unitCodeListID", "UNECERec20")], &num(l.quantity));
        w.leaf("cbc:LineExtensionAmount", &cur, &amount(l.line_amount));
        if let Some(p) = l.partial_delivery {
            w.leaf("cbc:PartialDeliveryIndicator", &[], if p { "true" } else { "false" });
        }
        if let Some(p) = l.price {
            // The price as the catalogue gives it, for its base quantity: the line is quantity × price ÷ base.
            let base = l.base_qty.map_or_else(|| "1".to_string(), num);
            w.start("cac:Price", &[]).leaf("cbc:PriceAmount", &cur, &amount(p));
            w.leaf("cbc:BaseQuantity", &[("unitCode", &l.unit), ("unitCodeListID", "UNECERec20")], &base).end();
        }
        w.start("cac:Item", &[]).leaf("cbc:Name", &[], &l.name);
        w.start("cac:SellersItemIdentification", &[]).leaf("cbc:ID", &[], &l.seller_id).end();
        if let Some(s) = &l.standard_id {
            w.start("cac:StandardItemIdentification", &[]);
            s.write(&mut w, "cbc:ID");
            w.end();
        }
        if !l.vat_category.is_empty() {
            w.start("cac:ClassifiedTaxCategory", &[]).leaf("cbc:ID", &[], &l.vat_category);
            if let Some(p) = l.vat_percent {
                w.leaf("cbc:Percent", &[], &num(p));
            }
            w.start("cac:TaxScheme", &[]).leaf("cbc:ID", &[], "VAT").end().end();
        }
        w.end().end().end();
    }
    w.finish()
}
