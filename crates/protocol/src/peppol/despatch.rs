//! T16 Despatch Advice (seller → buyer): what was shipped, how much, when.

use super::xml::{Node, XmlOut};
use super::{DocType, Party, date_at, dec_at, expect, num, required};
use chrono::NaiveDate;
use rust_decimal::Decimal;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DespatchAdvice {
    pub id: String,
    pub issue_date: NaiveDate,
    pub note: Option<String>,
    /// The order despatched (`cac:OrderReference/cbc:ID`); lines may name it too.
    pub order_ref: Option<String>,
    pub supplier: Party,
    pub customer: Party,
    pub shipment_id: Option<String>,
    /// The carrier (`cac:Shipment/cac:Consignment/cac:CarrierParty/cac:PartyName/cbc:Name`).
    pub carrier: Option<String>,
    /// The carrier's tracking code (`cac:Shipment/cac:Delivery/cbc:TrackingID`).
    pub tracking: Option<String>,
    pub despatch_date: Option<NaiveDate>,
    pub estimated_delivery: Option<NaiveDate>,
    pub lines: Vec<DespatchLine>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DespatchLine {
    pub id: String,
    pub note: Option<String>,
    pub delivered: Decimal,
    pub unit: String,
    /// Still to come in a later despatch; `Some(0)` means the rest will not come.
    pub outstanding: Option<Decimal>,
    pub outstanding_reason: Option<String>,
    pub line_ref: String,
    pub order_ref: Option<String>,
    pub seller_id: String,
    pub name: String,
}

pub(crate) fn from_node(root: &Node) -> Result<DespatchAdvice, String> {
    expect(root, DocType::DespatchAdvice)?;
    let mut lines = Vec::new();
    for (i, l) in root.all("DespatchLine").enumerate() {
        let ctx = |e: String| format!("DespatchLine {}: {e}", i + 1);
        lines.push(DespatchLine {
            id: required(l, "ID").map_err(ctx)?,
            note: l.text_at("Note"),
            delivered: dec_at(l, "DeliveredQuantity")
                .map_err(ctx)?
                .ok_or_else(|| ctx("DeliveredQuantity is missing".into()))?,
            unit: l.at("DeliveredQuantity").and_then(|q| q.attr("unitCode")).unwrap_or("").into(),
            outstanding: dec_at(l, "OutstandingQuantity").map_err(ctx)?,
            outstanding_reason: l.text_at("OutstandingReason"),
            line_ref: required(l, "OrderLineReference/LineID").map_err(ctx)?,
            order_ref: l.text_at("OrderLineReference/OrderReference/ID"),
            seller_id: l.str_at("Item/SellersItemIdentification/ID"),
            name: l.str_at("Item/Name"),
        });
    }
    Ok(DespatchAdvice {
        id: required(root, "ID")?,
        issue_date: date_at(root, "IssueDate")?.ok_or("DespatchAdvice/IssueDate is missing")?,
        note: root.text_at("Note"),
        order_ref: root.text_at("OrderReference/ID"),
        supplier: Party::read(root.child("DespatchSupplierParty")),
        customer: Party::read(root.child("DeliveryCustomerParty")),
        shipment_id: root.text_at("Shipment/ID"),
        carrier: root.text_at("Shipment/Consignment/CarrierParty/PartyName/Name"),
        tracking: root.text_at("Shipment/Delivery/TrackingID"),
        despatch_date: date_at(root, "Shipment/Delivery/Despatch/ActualDespatchDate")?,
        estimated_delivery: match date_at(root, "Shipment/Delivery/EstimatedDeliveryPeriod/EndDate")? {
            Some(d) => Some(d),
            None => date_at(root, "Shipment/Delivery/EstimatedDeliveryPeriod/StartDate")?,
        },
        lines,
    })
}

/// Writes a T16 despatch advice document.
pub fn write_despatch_advice(d: &DespatchAdvice) -> Vec<u8> {
    let t = DocType::DespatchAdvice;
    let mut w = XmlOut::new();
    let ns = t.namespace();
    w.start("DespatchAdvice", &[("xmlns", &ns), ("xmlns:cac", super::CAC), ("xmlns:cbc", super::CBC)]);
    w.leaf("cbc:CustomizationID", &[], t.customization_id()).leaf("cbc:ProfileID", &[], t.profile_id());
    w.leaf("cbc:ID", &[], &d.id).leaf("cbc:IssueDate", &[], &d.issue_date.to_string());
    w.opt("cbc:Note", d.note.as_deref());
    if let Some(o) = &d.order_ref {
        w.start("cac:OrderReference", &[]).leaf("cbc:ID", &[], o).end();
    }
    d.supplier.write_in(&mut w, "cac:DespatchSupplierParty", false, true);
    d.customer.write_in(&mut w, "cac:DeliveryCustomerParty", false, true);
    let shipment = d.shipment_id.as_deref().unwrap_or("NA");
    w.start("cac:Shipment", &[]).leaf("cbc:ID", &[], shipment);
    if let Some(c) = &d.carrier {
        w.start("cac:Consignment", &[]).leaf("cbc:ID", &[], shipment);
        w.start("cac:CarrierParty", &[]).start("cac:PartyName", &[]).leaf("cbc:Name", &[], c).end().end();
        w.end();
    }
    if d.despatch_date.is_some() || d.estimated_delivery.is_some() || d.tracking.is_some() {
        w.start("cac:Delivery", &[]);
        w.opt("cbc:TrackingID", d.tracking.as_deref());
        if let Some(e) = d.estimated_delivery {
            w.start("cac:EstimatedDeliveryPeriod", &[]).leaf("cbc:EndDate", &[], &e.to_string()).end();
        }
        if let Some(s) = d.despatch_date {
            w.start("cac:Despatch", &[]).leaf("cbc:ActualDespatchDate", &[], &s.to_string()).end();
        }
        w.end();
    }
    w.end();
    for l in &d.lines {
        w.start("cac:DespatchLine", &[]).leaf("cbc:ID", &[], &l.id);
        w.opt("cbc:Note", l.note.as_deref());
        w.leaf("cbc:DeliveredQuantity", &[("unitCode", &l.unit)], &num(l.delivered));
        if let Some(o) = l.outstanding {
            w.leaf("cbc:OutstandingQuantity", &[("unitCode", &l.unit)], &num(o));
        }
        w.opt("cbc:OutstandingReason", l.outstanding_reason.as_deref());
        w.start("cac:OrderLineReference", &[]).leaf("cbc:LineID", &[], &l.line_ref);
        if let Some(o) = &l.order_ref {
            w.start("cac:OrderReference", &[]).leaf("cbc:ID", &[], o).end();
        }
        w.end();
        w.start("cac:Item", &[]).leaf("cbc:Name", &[], &l.name);
        w.start("cac:SellersItemIdentification", &[]).leaf("cbc:ID", &[], &l.seller_id).end();
        w.end().end();
    }
    w.finish()
}
