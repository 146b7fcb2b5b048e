//! Peppol BIS Billing 3 (EN 16931, UBL 2.1): T10 Invoice and T14 Credit
//! Note (seller → buyer), and T111 Invoice Response (buyer → seller:
//! under query, rejected, paid …). The business terms (`BT-…`) are
//! EN 16931's; docs/peppol.md maps them.

use super::xml::{Node, XmlOut};
use super::{DocType, Id, Party, PostalAddress, amount, date_at, dec_at, expect, num, required};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// `cbc:InvoiceTypeCode` / `cbc:CreditNoteTypeCode` (UNCL 1001 subset).
pub mod type_code {
    /// A commercial invoice.
    pub const INVOICE: &str = "380";
    /// A credit note.
    pub const CREDIT_NOTE: &str = "381";
    /// A corrected invoice.
    pub const CORRECTED: &str = "384";
}

/// An invoice or a credit note, as BIS Billing 3 carries it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Invoice {
    /// A Credit Note (T14, `<CreditNote>`, lines `cac:CreditNoteLine`); else an Invoice (T10).
    pub credit_note: bool,
    /// BT-1.
    pub id: String,
    /// BT-2.
    pub issue_date: NaiveDate,
    /// BT-9: `cbc:DueDate` of an invoice, `cac:PaymentMeans/cbc:PaymentDueDate` of a credit note.
    pub due_date: Option<NaiveDate>,
    /// BT-3 (`type_code`).
    pub type_code: String,
    /// BT-22, the notes joined by a space.
    pub note: Option<String>,
    /// BT-5.
    pub currency: String,
    /// BT-19, the buyer's accounting reference.
    pub accounting_cost: Option<String>,
    /// BT-10.
    pub buyer_reference: Option<String>,
    /// BT-13: the buyer's purchase order (`cac:OrderReference/cbc:ID`).
    pub order_ref: Option<String>,
    /// BT-14: the seller's sales order (`cac:OrderReference/cbc:SalesOrderID`).
    pub sales_order_ref: Option<String>,
    /// BT-25: the invoices this document corrects or credits (`cac:BillingReference`).
    pub preceding_invoices: Vec<String>,
    /// BT-12.
    pub contract_ref: Option<String>,
    /// BG-4.
    pub seller: InvoiceParty,
    /// BG-7.
    pub buyer: InvoiceParty,
    /// BG-13.
    pub delivery: Option<InvoiceDelivery>,
    /// BG-16.
    pub payment_means: Vec<PaymentMeans>,
    /// BT-20: the payment terms as text.
    pub payment_terms: Option<String>,
    /// BG-20 and BG-21: allowances and charges on the document as a whole (shipping …).
    pub allowances_charges: Vec<AllowanceCharge>,
    /// BT-110: the VAT total in the document's currency.
    pub tax_total: Decimal,
    /// BG-23: the VAT breakdown, one per category and rate.
    pub vat_breakdown: Vec<VatBreakdown>,
    /// BG-22.
    pub totals: MonetaryTotal,
    /// BG-25.
    pub lines: Vec<InvoiceLine>,
}

/// A seller or buyer of an invoice: the party, with its tax and legal identifiers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvoiceParty {
    /// Endpoint (BT-34/BT-49), identifier (BT-29/BT-46), trading name
    /// (BT-28/BT-45), postal address (BG-5/BG-8), legal name
    /// (BT-27/BT-44), contact (BG-6/BG-9).
    pub party: Party,
    /// BT-31/BT-48: `cac:PartyTaxScheme/cbc:CompanyID` under the VAT scheme.
    pub vat_id: Option<String>,
    /// BT-30/BT-47: `cac:PartyLegalEntity/cbc:CompanyID`.
    pub legal_id: Option<Id>,
}

/// BG-13: where and when the goods were delivered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvoiceDelivery {
    /// BT-72.
    pub date: Option<NaiveDate>,
    /// BT-71.
    pub location_id: Option<Id>,
    /// BG-15.
    pub address: Option<PostalAddress>,
    /// BT-70.
    pub party_name: Option<String>,
}

/// BG-16: how to pay.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaymentMeans {
    /// BT-81 (UNCL 4461: `30` credit transfer, `58` SEPA credit transfer, `49` direct debit …).
    pub code: String,
    /// BT-83: the remittance information the payer should quote.
    pub payment_id: Option<String>,
    /// BT-84: the payee's account (IBAN).
    pub account: Option<String>,
    /// BT-85.
    pub account_name: Option<String>,
    /// BT-86: the payee's bank (BIC).
    pub bank: Option<String>,
}

/// BG-20/BG-21 (document) or BG-27/BG-28 (line): an allowance or a charge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AllowanceCharge {
    /// `true`: a charge (added), `false`: an allowance (deducted).
    pub charge: bool,
    /// BT-98/BT-105 (UNCL 5189 for allowances, 7161 for charges: `FC` freight).
    pub reason_code: Option<String>,
    /// BT-97/BT-104.
    pub reason: Option<String>,
    /// BT-94/BT-101: percent of `base_amount`.
    pub percent: Option<Decimal>,
    /// BT-92/BT-99.
    pub amount: Decimal,
    /// BT-93/BT-100.
    pub base_amount: Option<Decimal>,
    /// BT-95/BT-102 (document level only).
    pub vat_category: Option<String>,
    /// BT-96/BT-103 (document level only).
    pub vat_percent: Option<Decimal>,
}

/// BG-23: the VAT of one category and rate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VatBreakdown {
    /// BT-116.
    pub taxable: Decimal,
    /// BT-117.
    pub tax: Decimal,
    /// BT-118 (`S` standard, `Z` zero rated, `E` exempt, `O` outside the scope …).
    pub category: String,
    /// BT-119 (absent for `O`).
    pub percent: Option<Decimal>,
    /// BT-121.
    pub exemption_reason_code: Option<String>,
    /// BT-120.
    pub exemption_reason: Option<String>,
}

/// BG-22: the document's totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonetaryTotal {
    /// BT-106: the lines' net amounts.
    pub line_extension: Decimal,
    /// BT-109: without VAT, after document allowances and charges.
    pub tax_exclusive: Decimal,
    /// BT-112: with VAT.
    pub tax_inclusive: Decimal,
    /// BT-107.
    pub allowance_total: Option<Decimal>,
    /// BT-108.
    pub charge_total: Option<Decimal>,
    /// BT-113: paid in advance.
    pub prepaid: Option<Decimal>,
    /// BT-114.
    pub rounding: Option<Decimal>,
    /// BT-115: what is due.
    pub payable: Decimal,
}

/// BG-25: one line of an invoice or credit note.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvoiceLine {
    /// BT-126.
    pub id: String,
    /// BT-127.
    pub note: Option<String>,
    /// BT-129 (`cbc:InvoicedQuantity` / `cbc:CreditedQuantity`); may be negative.
    pub quantity: Decimal,
    /// BT-130 (UN/ECE Rec 20).
    pub unit: String,
    /// BT-131: the line's net amount.
    pub line_amount: Decimal,
    /// BT-132: the line of the buyer's order it bills (`cac:OrderLineReference/cbc:LineID`).
    pub order_line_ref: Option<String>,
    /// BG-27/BG-28.
    pub allowances_charges: Vec<AllowanceCharge>,
    /// BT-153.
    pub name: String,
    /// BT-154.
    pub description: Option<String>,
    /// BT-155: the seller's item id (procure's SKU).
    pub seller_id: String,
    /// BT-157 (a GTIN has scheme `0160`).
    pub standard_id: Option<Id>,
    /// BT-151.
    pub vat_category: String,
    /// BT-152.
    pub vat_percent: Option<Decimal>,
    /// BT-146: the net price of `base_qty` units.
    pub price: Decimal,
    /// BT-149 (1 when absent).
    pub base_qty: Option<Decimal>,
}

impl InvoiceLine {
    /// The net price of one unit (`price ÷ base_qty`), kept to at most four decimals.
    pub fn unit_price(&self) -> Decimal {
        match self.base_qty {
            Some(b) if !b.is_zero() && b != Decimal::ONE => (self.price / b).round_dp(4).normalize(),
            _ => self.price,
        }
    }
}

/// BT-13's value when the buyer sent no purchase order: BIS Billing 3 asks
/// for `NA` beside a sales order reference.
pub const NO_ORDER_REF: &str = "NA";

fn dec_req(n: &Node, path: &str) -> Result<Decimal, String> {
    dec_at(n, path)?.ok_or_else(|| format!("{}/{path} is missing", n.name))
}

/// The `cbc:Note`s of an element, joined by a space.
fn notes(n: &Node) -> Option<String> {
    let notes: Vec<String> = n.all("Note").map(|n| n.text.trim().to_string()).filter(|t| !t.is_empty()).collect();
    (!notes.is_empty()).then(|| notes.join(" "))
}

fn read_party(n: Option<&Node>) -> InvoiceParty {
    let p = n.map(|n| if n.name == "Party" { n } else { n.child("Party").unwrap_or(n) });
    InvoiceParty {
        party: Party::read(p),
        vat_id: p.and_then(|p| {
            p.all("PartyTaxScheme")
                .find(|t| t.str_at("TaxScheme/ID").eq_ignore_ascii_case("VAT"))
                .and_then(|t| t.text_at("CompanyID"))
        }),
        legal_id: p.and_then(|p| Id::read(p.at("PartyLegalEntity/CompanyID"))),
    }
}

fn read_allowance_charge(n: &Node) -> Result<AllowanceCharge, String> {
    Ok(AllowanceCharge {
        charge: n.str_at("ChargeIndicator").eq_ignore_ascii_case("true"),
        reason_code: n.text_at("AllowanceChargeReasonCode"),
        reason: n.text_at("AllowanceChargeReason"),
        percent: dec_at(n, "MultiplierFactorNumeric")?,
        amount: dec_req(n, "Amount")?,
        base_amount: dec_at(n, "BaseAmount")?,
        vat_category: n.text_at("TaxCategory/ID"),
        vat_percent: dec_at(n, "TaxCategory/Percent")?,
    })
}

pub(crate) fn from_node(root: &Node) -> Result<Invoice, String> {
    let credit_note = root.name == "CreditNote";
    expect(root, if credit_note { DocType::CreditNote } else { DocType::Invoice })?;
    let (line_tag, qty_tag, code_tag) = if credit_note {
        ("CreditNoteLine", "CreditedQuantity", "CreditNoteTypeCode")
    } else {
        ("InvoiceLine", "InvoicedQuantity", "InvoiceTypeCode")
    };
    let currency = root.str_at("DocumentCurrencyCode");
    let mut lines = Vec::new();
    for (i, l) in root.all(line_tag).enumerate() {
        let ctx = |e: String| format!("{line_tag} {}: {e}", i + 1);
        let q = l.child(qty_tag).ok_or_else(|| ctx(format!("cbc:{qty_tag} is missing")))?;
        lines.push(InvoiceLine {
            id: required(l, "ID").map_err(ctx)?,
            note: notes(l),
            quantity: dec_req(l, qty_tag).map_err(ctx)?,
            unit: q.attr("unitCode").unwrap_or("").into(),
            line_amount: dec_req(l, "LineExtensionAmount").map_err(ctx)?,
            order_line_ref: l.text_at("OrderLineReference/LineID"),
            allowances_charges: l
                .all("AllowanceCharge")
                .map(read_allowance_charge)
                .collect::<Result<_, _>>()
                .map_err(ctx)?,
            name: l.str_at("Item/Name"),
            description: l.text_at("Item/Description"),
            seller_id: l.str_at("Item/SellersItemIdentification/ID"),
            standard_id: Id::read(l.at("Item/StandardItemIdentification/ID")),
            vat_category: l.str_at("Item/ClassifiedTaxCategory/ID"),
            vat_percent: dec_at(l, "Item/ClassifiedTaxCategory/Percent").map_err(ctx)?,
            price: dec_req(l, "Price/PriceAmount").map_err(ctx)?,
            base_qty: dec_at(l, "Price/BaseQuantity").map_err(ctx)?,
        });
    }
    // BT-110 is the VAT total in the document's currency; a second
    // `cac:TaxTotal` in the tax currency (BT-111) has no breakdown.
    let tax_totals: Vec<&Node> = root.all("TaxTotal").collect();
    let tax_total = tax_totals
        .iter()
        .find(|t| t.at("TaxAmount").and_then(|a| a.attr("currencyID")).is_none_or(|c| c == currency))
        .or(tax_totals.first())
        .copied();
    let mut vat_breakdown = Vec::new();
    if let Some(t) = tax_total {
        for s in t.all("TaxSubtotal") {
            vat_breakdown.push(VatBreakdown {
                taxable: dec_req(s, "TaxableAmount")?,
                tax: dec_req(s, "TaxAmount")?,
                category: s.str_at("TaxCategory/ID"),
                percent: dec_at(s, "TaxCategory/Percent")?,
                exemption_reason_code: s.text_at("TaxCategory/TaxExemptionReasonCode"),
                exemption_reason: s.text_at("TaxCategory/TaxExemptionReason"),
            });
        }
    }
    let m = root.child("LegalMonetaryTotal").ok_or_else(|| format!("{}/LegalMonetaryTotal is missing", root.name))?;
    let delivery = root.child("Delivery").map(|d| -> Result<InvoiceDelivery, String> {
        Ok(InvoiceDelivery {
            date: date_at(d, "ActualDeliveryDate")?,
            location_id: Id::read(d.at("DeliveryLocation/ID")),
            address: PostalAddress::read(d.at("DeliveryLocation/Address")),
            party_name: d.text_at("DeliveryParty/PartyName/Name"),
        })
    });
    let payment_means: Vec<PaymentMeans> = root
        .all("PaymentMeans")
        .map(|p| PaymentMeans {
            code: p.str_at("PaymentMeansCode"),
            payment_id: p.text_at("PaymentID"),
            account: p.text_at("PayeeFinancialAccount/ID"),
            account_name: p.text_at("PayeeFinancialAccount/Name"),
            bank: p.text_at("PayeeFinancialAccount/FinancialInstitutionBranch/ID"),
        })
        .collect();
    let due_date = match date_at(root, "DueDate")? {
        Some(d) => Some(d),
        None => root.all("PaymentMeans").find_map(|p| date_at(p, "PaymentDueDate").transpose()).transpose()?,
    };
    let terms: Vec<String> =
        root.all("PaymentTerms").filter_map(|t| t.text_at("Note")).filter(|t| !t.is_empty()).collect();
    Ok(Invoice {
        credit_note,
        id: required(root, "ID")?,
        issue_date: date_at(root, "IssueDate")?.ok_or_else(|| format!("{}/IssueDate is missing", root.name))?,
        due_date,
        type_code: required(root, code_tag)?,
        note: notes(root),
        currency,
        accounting_cost: root.text_at("AccountingCost"),
        buyer_reference: root.text_at("BuyerReference"),
        order_ref: root.text_at("OrderReference/ID"),
        sales_order_ref: root.text_at("OrderReference/SalesOrderID"),
        preceding_invoices: root
            .all("BillingReference")
            .filter_map(|b| b.text_at("InvoiceDocumentReference/ID"))
            .collect(),
        contract_ref: root.text_at("ContractDocumentReference/ID"),
        seller: read_party(root.child("AccountingSupplierParty")),
        buyer: read_party(root.child("AccountingCustomerParty")),
        delivery: delivery.transpose()?,
        payment_means,
        payment_terms: (!terms.is_empty()).then(|| terms.join(" ")),
        allowances_charges: root.all("AllowanceCharge").map(read_allowance_charge).collect::<Result<_, _>>()?,
        tax_total: match tax_total {
            Some(t) => dec_req(t, "TaxAmount")?,
            None => Decimal::ZERO,
        },
        vat_breakdown,
        totals: MonetaryTotal {
            line_extension: dec_req(m, "LineExtensionAmount")?,
            tax_exclusive: dec_req(m, "TaxExclusiveAmount")?,
            tax_inclusive: dec_req(m, "TaxInclusiveAmount")?,
            allowance_total: dec_at(m, "AllowanceTotalAmount")?,
            charge_total: dec_at(m, "ChargeTotalAmount")?,
            prepaid: dec_at(m, "PrepaidAmount")?,
            rounding: dec_at(m, "PayableRoundingAmount")?,
            payable: dec_req(m, "PayableAmount")?,
        },
        lines,
    })
}

/// `cac:TaxScheme` VAT, as every tax category carries it.
fn vat_scheme(w: &mut XmlOut) {
    w.start("cac:TaxScheme", &[]).leaf("cbc:ID", &[], "VAT").end();
}

fn write_party(w: &mut XmlOut, wrapper: &str, p: &InvoiceParty) {
    w.start(wrapper, &[]).start("cac:Party", &[]);
    let party = &p.party;
    if let Some(e) = &party.endpoint {
        e.write(w, "cbc:EndpointID");
    }
    if let Some(id) = &party.id {
        w.start("cac:PartyIdentification", &[]);
        id.write(w, "cbc:ID");
        w.end();
    }
    if !party.name.trim().is_empty() {
        w.start("cac:PartyName", &[]).leaf("cbc:Name", &[], party.name.trim()).end();
    }
    if let Some(a) = &party.address {
        a.write(w, "cac:PostalAddress");
    }
    if let Some(vat) = p.vat_id.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        w.start("cac:PartyTaxScheme", &[]).leaf("cbc:CompanyID", &[], vat);
        vat_scheme(w);
        w.end();
    }
    let legal = if party.legal_name.trim().is_empty() { party.name.trim() } else { party.legal_name.trim() };
    w.start("cac:PartyLegalEntity", &[]).leaf("cbc:RegistrationName", &[], legal);
    if let Some(id) = &p.legal_id {
        id.write(w, "cbc:CompanyID");
    }
    w.end();
    if let Some(c) = &party.contact {
        c.write(w, "cac:Contact");
    }
    w.end().end();
}

fn write_allowance_charge(w: &mut XmlOut, a: &AllowanceCharge, cur: &[(&str, &str)]) {
    w.start("cac:AllowanceCharge", &[]);
    w.leaf("cbc:ChargeIndicator", &[], if a.charge { "true" } else { "false" });
    w.opt("cbc:AllowanceChargeReasonCode", a.reason_code.as_deref());
    w.opt("cbc:AllowanceChargeReason", a.reason.as_deref());
    if let Some(p) = a.percent {
        w.leaf("cbc:MultiplierFactorNumeric", &[], &num(p));
    }
    w.leaf("cbc:Amount", cur, &amount(a.amount));
    if let Some(b) = a.base_amount {
        w.leaf("cbc:BaseAmount", cur, &amount(b));
    }
    if let Some(c) = &a.vat_category {
        w.start("cac:TaxCategory", &[]).leaf("cbc:ID", &[], c);
        if let Some(p) = a.vat_percent {
            w.leaf("cbc:Percent", &[], &num(p));
        }
        vat_scheme(w);
        w.end();
    }
    w.end();
}

/// Writes a T10 invoice, or a T14 credit note when `inv.credit_note`.
pub fn write_invoice(inv: &Invoice) -> Vec<u8> {
    let t = if inv.credit_note { DocType::CreditNote } else { DocType::Invoice };
    let cur = [("currencyID", inv.currency.as_str())];
    let mut w = XmlOut::new();
    let ns = t.namespace();
    w.start(t.root(), &[("xmlns", &ns), ("xmlns:cac", super::CAC), ("xmlns:cbc", super::CBC)]);
    w.leaf("cbc:CustomizationID", &[], t.customization_id()).leaf("cbc:ProfileID", &[], t.profile_id());
    w.leaf("cbc:ID", &[], &inv.id).leaf("cbc:IssueDate", &[], &inv.issue_date.to_string());
    if inv.credit_note {
        w.leaf("cbc:CreditNoteTypeCode", &[], &inv.type_code);
    } else {
        if let Some(d) = inv.due_date {
            w.leaf("cbc:DueDate", &[], &d.to_string());
        }
        w.leaf("cbc:InvoiceTypeCode", &[], &inv.type_code);
    }
    w.opt("cbc:Note", inv.note.as_deref());
    w.leaf("cbc:DocumentCurrencyCode", &[], &inv.currency);
    w.opt("cbc:AccountingCost", inv.accounting_cost.as_deref());
    w.opt("cbc:BuyerReference", inv.buyer_reference.as_deref());
    if inv.order_ref.is_some() || inv.sales_order_ref.is_some() {
        w.start("cac:OrderReference", &[]).leaf("cbc:ID", &[], inv.order_ref.as_deref().unwrap_or(NO_ORDER_REF));
        w.opt("cbc:SalesOrderID", inv.sales_order_ref.as_deref());
        w.end();
    }
    for p in &inv.preceding_invoices {
        w.start("cac:BillingReference", &[]).start("cac:InvoiceDocumentReference", &[]);
        w.leaf("cbc:ID", &[], p).end().end();
    }
    if let Some(c) = &inv.contract_ref {
        w.start("cac:ContractDocumentReference", &[]).leaf("cbc:ID", &[], c).end();
    }
    write_party(&mut w, "cac:AccountingSupplierParty", &inv.seller);
    write_party(&mut w, "cac:AccountingCustomerParty", &inv.buyer);
    if let Some(d) = &inv.delivery {
        w.start("cac:Delivery", &[]);
        if let Some(date) = d.date {
            w.leaf("cbc:ActualDeliveryDate", &[], &date.to_string());
        }
        if d.location_id.is_some() || d.address.is_some() {
            w.start("cac:DeliveryLocation", &[]);
            if let Some(id) = &d.location_id {
                id.write(&mut w, "cbc:ID");
            }
            if let Some(a) = &d.address {
                a.write(&mut w, "cac:Address");
            }
            w.end();
        }
        if let Some(n) = d.party_name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            w.start("cac:DeliveryParty", &[]).start("cac:PartyName", &[]).leaf("cbc:Name", &[], n).end().end();
        }
        w.end();
    }
    // A credit note's due date travels in its (first) payment means.
    for (i, p) in inv.payment_means.iter().enumerate() {
        w.start("cac:PaymentMeans", &[]).leaf("cbc:PaymentMeansCode", &[], &p.code);
        if inv.credit_note
            && i == 0
            && let Some(d) = inv.due_date
        {
            w.leaf("cbc:PaymentDueDate", &[], &d.to_string());
        }
        w.opt("cbc:PaymentID", p.payment_id.as_deref());
        if let Some(acc) = p.account.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            w.start("cac:PayeeFinancialAccount", &[]).leaf("cbc:ID", &[], acc);
            w.opt("cbc:Name", p.account_name.as_deref());
            if let Some(b) = p.bank.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
                w.start("cac:FinancialInstitutionBranch", &[]).leaf("cbc:ID", &[], b).end();
            }
            w.end();
        }
        w.end();
    }
    // Written as it is: Germany's rules (DE-R-018) want a discount's line to end with a line break.
    if let Some(terms) = inv.payment_terms.as_deref().filter(|t| !t.trim().is_empty()) {
        w.start("cac:PaymentTerms", &[]).leaf("cbc:Note", &[], terms).end();
    }
    for a in &inv.allowances_charges {
        write_allowance_charge(&mut w, a, &cur);
    }
    w.start("cac:TaxTotal", &[]).leaf("cbc:TaxAmount", &cur, &amount(inv.tax_total));
    for s in &inv.vat_breakdown {
        w.start("cac:TaxSubtotal", &[]);
        w.leaf("cbc:TaxableAmount", &cur, &amount(s.taxable)).leaf("cbc:TaxAmount", &cur, &amount(s.tax));
        w.start("cac:TaxCategory", &[]).leaf("cbc:ID", &[], &s.category);
        if let Some(p) = s.percent {
            w.leaf("cbc:Percent", &[], &num(p));
        }
        w.opt("cbc:TaxExemptionReasonCode", s.exemption_reason_code.as_deref());
        w.opt("cbc:TaxExemptionReason", s.exemption_reason.as_deref());
        vat_scheme(&mut w);
        w.end().end();
    }
    w.end();
    let m = &inv.totals;
    w.start("cac:LegalMonetaryTotal", &[]);
    w.leaf("cbc:LineExtensionAmount", &cur, &amount(m.line_extension));
    w.leaf("cbc:TaxExclusiveAmount", &cur, &amount(m.tax_exclusive));
    w.leaf("cbc:TaxInclusiveAmount", &cur, &amount(m.tax_inclusive));
    for (name, value) in [
        ("cbc:AllowanceTotalAmount", m.allowance_total),
        ("cbc:ChargeTotalAmount", m.charge_total),
        ("cbc:PrepaidAmount", m.prepaid),
        ("cbc:PayableRoundingAmount", m.rounding),
    ] {
        if let Some(v) = value {
            w.leaf(name, &cur, &amount(v));
        }
    }
    w.leaf("cbc:PayableAmount", &cur, &amount(m.payable));
    w.end();
    let (line_tag, qty_tag) = if inv.credit_note {
        ("cac:CreditNoteLine", "cbc:CreditedQuantity")
    } else {
        ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    };
    for l in &inv.lines {
        w.start(line_tag, &[]).leaf("cbc:ID", &[], &l.id);
        w.opt("cbc:Note", l.note.as_deref());
        w.leaf(qty_tag, &[("unitCode", &l.unit)], &num(l.quantity));
        w.leaf("cbc:LineExtensionAmount", &cur, &amount(l.line_amount));
        if let Some(r) = &l.order_line_ref {
            w.start("cac:OrderLineReference", &[]).leaf("cbc:LineID", &[], r).end();
        }
        for a in &l.allowances_charges {
            write_allowance_charge(&mut w, a, &cur);
        }
        w.start("cac:Item", &[]);
        w.opt("cbc:Description", l.description.as_deref());
        w.leaf("cbc:Name", &[], &l.name);
        if !l.seller_id.trim().is_empty() {
            w.start("cac:SellersItemIdentification", &[]).leaf("cbc:ID", &[], l.seller_id.trim()).end();
        }
        if let Some(s) = &l.standard_id {
            w.start("cac:StandardItemIdentification", &[]);
            s.write(&mut w, "cbc:ID");
            w.end();
        }
        w.start("cac:ClassifiedTaxCategory", &[]).leaf("cbc:ID", &[], &l.vat_category);
        if let Some(p) = l.vat_percent {
            w.leaf("cbc:Percent", &[], &num(p));
        }
        vat_scheme(&mut w);
        w.end().end();
        w.start("cac:Price", &[]).leaf("cbc:PriceAmount", &cur, &amount(l.price));
        if let Some(b) = l.base_qty {
            w.leaf("cbc:BaseQuantity", &[("unitCode", &l.unit)], &num(b));
        }
        w.end().end();
    }
    w.finish()
}

/// `cbc:ResponseCode` of a T111 Invoice Response (UNCL 4343 subset).
pub mod invoice_response_code {
    /// Received by the buyer's system.
    pub const ACKNOWLEDGED: &str = "AB";
    /// Being processed.
    pub const IN_PROCESS: &str = "IP";
    /// Held: information is wrong or missing (the statuses say what).
    pub const UNDER_QUERY: &str = "UQ";
    /// Accepted on conditions.
    pub const CONDITIONALLY_ACCEPTED: &str = "CA";
    /// Rejected: it will not be paid (a new invoice or credit note is needed).
    pub const REJECTED: &str = "RE";
    /// Approved for payment.
    pub const ACCEPTED: &str = "AP";
    /// Paid.
    pub const PAID: &str = "PD";
}

/// `cbc:StatusReasonCode` lists of a T111 status: why (`OPStatusReason`) and
/// what the seller should do (`OPStatusAction`).
pub mod status_reason {
    pub const REASON_LIST: &str = "OPStatusReason";
    pub const ACTION_LIST: &str = "OPStatusAction";
    // Reasons.
    pub const NO_ISSUE: &str = "NON";
    pub const REFERENCES_INCORRECT: &str = "REF";
    pub const LEGAL_INFORMATION_INCORRECT: &str = "LEG";
    pub const RECEIVER_UNKNOWN: &str = "REC";
    pub const QUALITY_INSUFFICIENT: &str = "QUA";
    pub const DELIVERY_ISSUES: &str = "DEL";
    pub const PRICES_INCORRECT: &str = "PRI";
    pub const QUANTITY_INCORRECT: &str = "QTY";
    pub const ITEMS_INCORRECT: &str = "ITM";
    pub const PAYMENT_TERMS_INCORRECT: &str = "PAY";
    pub const NOT_RECOGNIZED: &str = "UNR";
    pub const FINANCE_TERMS_INCORRECT: &str = "FIN";
    pub const PARTIALLY_PAID: &str = "PPD";
    pub const OTHER: &str = "OTH";
    // Actions.
    pub const NO_ACTION: &str = "NOA";
    pub const PROVIDE_INFORMATION: &str = "PIN";
    pub const ISSUE_NEW_INVOICE: &str = "NIN";
    pub const CREDIT_FULLY: &str = "CNF";
    pub const CREDIT_PARTIALLY: &str = "CNP";
    pub const CREDIT_AMOUNT: &str = "CNA";
    pub const OTHER_ACTION: &str = "OTH";

    /// A reason or action code as words, for people.
    pub fn describe(list: &str, code: &str) -> Option<&'static str> {
        Some(match (list, code) {
            (REASON_LIST, NO_ISSUE) => "no issue",
            (REASON_LIST, REFERENCES_INCORRECT) => "references incorrect",
            (REASON_LIST, LEGAL_INFORMATION_INCORRECT) => "legal information incorrect",
            (REASON_LIST, RECEIVER_UNKNOWN) => "receiver unknown",
            (REASON_LIST, QUALITY_INSUFFICIENT) => "item quality insufficient",
            (REASON_LIST, DELIVERY_ISSUES) => "delivery issues",
            (REASON_LIST, PRICES_INCORRECT) => "prices incorrect",
            (REASON_LIST, QUANTITY_INCORRECT) => "quantity incorrect",
            (REASON_LIST, ITEMS_INCORRECT) => "items incorrect",
            (REASON_LIST, PAYMENT_TERMS_INCORRECT) => "payment terms incorrect",
            (REASON_LIST, NOT_RECOGNIZED) => "not recognized",
            (REASON_LIST, FINANCE_TERMS_INCORRECT) => "finance terms incorrect",
            (REASON_LIST, PARTIALLY_PAID) => "partially paid",
            (REASON_LIST, OTHER) => "other",
            (ACTION_LIST, NO_ACTION) => "no action required",
            (ACTION_LIST, PROVIDE_INFORMATION) => "provide information",
            (ACTION_LIST, ISSUE_NEW_INVOICE) => "issue a new invoice",
            (ACTION_LIST, CREDIT_FULLY) => "credit fully",
            (ACTION_LIST, CREDIT_PARTIALLY) => "credit partially",
            (ACTION_LIST, CREDIT_AMOUNT) => "credit the amount",
            (ACTION_LIST, OTHER_ACTION) => "other",
            _ => return None,
        })
    }
}

/// A T111 Invoice Response: the buyer's answer to an invoice or credit note.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvoiceResponse {
    pub id: String,
    pub issue_date: NaiveDate,
    pub issue_time: Option<String>,
    pub note: Option<String>,
    /// The buyer, who answers.
    pub sender: Party,
    /// The seller, who issued the invoice.
    pub receiver: Party,
    /// `invoice_response_code`.
    pub code: String,
    /// From when the status holds.
    pub effective_date: Option<NaiveDate>,
    /// Why, and what the seller should do.
    pub statuses: Vec<ResponseStatus>,
    /// The invoice or credit note answered (its BT-1).
    pub invoice_ref: String,
    pub invoice_issue_date: Option<NaiveDate>,
    /// `380` for an invoice, `381` for a credit note.
    pub invoice_type_code: String,
}

/// One `cac:Status` of a T111: a reason or an action with its words and the
/// fields concerned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResponseStatus {
    /// `status_reason::REASON_LIST` or `ACTION_LIST`.
    pub list: String,
    pub code: Option<String>,
    /// The reason in words.
    pub reason: Option<String>,
    /// The fields concerned: (business term, e.g. `BT-13`, what it should be).
    pub conditions: Vec<(String, Option<String>)>,
}

pub(crate) fn response_from_node(root: &Node) -> Result<InvoiceResponse, String> {
    expect(root, DocType::InvoiceResponse)?;
    let dr = root.child("DocumentResponse").ok_or("ApplicationResponse/DocumentResponse is missing")?;
    let r = dr.child("Response").ok_or("ApplicationResponse/DocumentResponse/Response is missing")?;
    Ok(InvoiceResponse {
        id: required(root, "ID")?,
        issue_date: date_at(root, "IssueDate")?.ok_or("ApplicationResponse/IssueDate is missing")?,
        issue_time: root.text_at("IssueTime"),
        note: notes(root),
        sender: Party::read(root.child("SenderParty")),
        receiver: Party::read(root.child("ReceiverParty")),
        code: required(r, "ResponseCode")?,
        effective_date: date_at(r, "EffectiveDate")?,
        statuses: r
            .all("Status")
            .map(|s| ResponseStatus {
                list: s.at("StatusReasonCode").and_then(|c| c.attr("listID")).unwrap_or("").to_string(),
                code: s.text_at("StatusReasonCode"),
                reason: s.text_at("StatusReason"),
                conditions: s.all("Condition").map(|c| (c.str_at("AttributeID"), c.text_at("Description"))).collect(),
            })
            .collect(),
        invoice_ref: required(dr, "DocumentReference/ID")?,
        invoice_issue_date: date_at(dr, "DocumentReference/IssueDate")?,
        invoice_type_code: dr.str_at("DocumentReference/DocumentTypeCode"),
    })
}

/// Writes a T111 invoice response.
pub fn write_invoice_response(r: &InvoiceResponse) -> Vec<u8> {
    let t = DocType::InvoiceResponse;
    let mut w = XmlOut::new();
    let ns = t.namespace();
    w.start(t.root(), &[("xmlns", &ns), ("xmlns:cac", super::CAC), ("xmlns:cbc", super::CBC)]);
    w.leaf("cbc:CustomizationID", &[], t.customization_id()).leaf("cbc:ProfileID", &[], t.profile_id());
    w.leaf("cbc:ID", &[], &r.id).leaf("cbc:IssueDate", &[], &r.issue_date.to_string());
    w.opt("cbc:IssueTime", r.issue_time.as_deref());
    w.opt("cbc:Note", r.note.as_deref());
    r.sender.write(&mut w, "cac:SenderParty", false, true);
    r.receiver.write(&mut w, "cac:ReceiverParty", false, true);
    w.start("cac:DocumentResponse", &[]).start("cac:Response", &[]);
    w.leaf("cbc:ResponseCode", &[], &r.code);
    if let Some(d) = r.effective_date {
        w.leaf("cbc:EffectiveDate", &[], &d.to_string());
    }
    for s in &r.statuses {
        w.start("cac:Status", &[]);
        if let Some(c) = &s.code {
            w.leaf("cbc:StatusReasonCode", &[("listID", &s.list)], c);
        }
        w.opt("cbc:StatusReason", s.reason.as_deref());
        for (attribute, description) in &s.conditions {
            w.start("cac:Condition", &[]).leaf("cbc:AttributeID", &[], attribute);
            w.opt("cbc:Description", description.as_deref());
            w.end();
        }
        w.end();
    }
    w.end();
    w.start("cac:DocumentReference", &[]).leaf("cbc:ID", &[], &r.invoice_ref);
    if let Some(d) = r.invoice_issue_date {
        w.leaf("cbc:IssueDate", &[], &d.to_string());
    }
    w.opt("cbc:DocumentTypeCode", Some(&r.invoice_type_code));
    w.end().end();
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::super::read;

    #[test]
    fn a_broken_billing_document_names_what_is_missing() {
        let ns = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
        let e = read(format!("<Invoice xmlns=\"{ns}\"/>").as_bytes()).unwrap_err();
        assert_eq!(e, "Invoice/LegalMonetaryTotal is missing");
        let cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
        let cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
        let line = format!(
            "<Invoice xmlns=\"{ns}\" xmlns:cbc=\"{cbc}\" xmlns:cac=\"{cac}\"><cac:InvoiceLine><cbc:ID>1</cbc:ID>\
             <cbc:InvoicedQuantity unitCode=\"C62\">two</cbc:InvoicedQuantity></cac:InvoiceLine></Invoice>"
        );
        let e = read(line.as_bytes()).unwrap_err();
        assert!(e.starts_with("InvoiceLine 1: InvoiceLine/InvoicedQuantity: \"two\" is not a number"), "{e}");
        let ar = "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2";
        let e = read(format!("<ApplicationResponse xmlns=\"{ar}\"/>").as_bytes()).unwrap_err();
        assert_eq!(e, "ApplicationResponse/DocumentResponse is missing");
        assert!(read(b"<x/>").is_err());
    }
}
