//! T19 Catalogue (seller → buyer): items, their prices and rules.

use super::xml::{Elements, Node, XmlOut};
use super::{DocType, Id, Party, amount, date_at, dec_at, expect, num, required};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::io::BufRead;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalogue {
    pub id: String,
    /// `Add`, `Replace`, `Update` or `Delete` (the whole catalogue); `Add` when absent.
    pub action: String,
    pub name: String,
    pub issue_date: Option<NaiveDate>,
    pub version: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub contract_ref: Option<String>,
    pub provider: Party,
    pub receiver: Party,
    pub seller: Party,
    pub trading_terms: Option<String>,
    pub lines: Vec<CatalogueLine>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogueLine {
    pub id: String,
    /// `Add`, `Update` or `Delete` (this line); empty when absent.
    pub action: String,
    pub orderable: bool,
    /// The UN/ECE Rec 20 code of the unit an order counts in (`C62` one, `XBX` box …).
    pub unit: String,
    pub step: Option<Decimal>,
    pub min_qty: Option<Decimal>,
    pub max_qty: Option<Decimal>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub prices: Vec<CataloguePrice>,
    pub item: Item,
}

/// One `cac:RequiredItemLocationQuantity` with its price.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CataloguePrice {
    pub amount: Decimal,
    pub currency: String,
    /// The price is for this many units (default 1). procure keeps both and
    /// prices a line as amount × quantity ÷ base quantity, never one unit's
    /// price rounded (`money::checked_line_total_per`).
    pub base_qty: Decimal,
    /// The price applies from this ordered quantity (`cbc:MinimumQuantity`).
    pub min_qty: Option<Decimal>,
    pub lead_time_days: Option<u32>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl CataloguePrice {
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Classification {
    pub list: String,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpecDocument {
    pub id: String,
    pub description: String,
    pub uri: String,
    pub filename: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Item {
    pub name: String,
    pub description: String,
    pub brand: String,
    pub seller_id: String,
    pub manufacturer_id: String,
    /// `cac:StandardItemIdentification/cbc:ID` (scheme 0160 is a GTIN).
    pub standard_id: Option<Id>,
    pub manufacturer: String,
    pub pack_size: Option<Decimal>,
    pub classifications: Vec<Classification>,
    pub vat_category: String,
    pub vat_percent: Option<Decimal>,
    pub documents: Vec<SpecDocument>,
    pub properties: Vec<(String, String)>,
}

impl Item {
    pub(crate) fn read(n: &Node) -> Result<Item, String> {
        Ok(Item {
            name: n.str_at("Name"),
            description: n.all("Description").map(|d| d.text.trim().to_string()).collect::<Vec<_>>().join(" "),
            brand: n.str_at("BrandName"),
            seller_id: n.str_at("SellersItemIdentification/ID"),
            manufacturer_id: n.str_at("ManufacturersItemIdentification/ID"),
            standard_id: Id::read(n.at("StandardItemIdentification/ID")),
            manufacturer: n.str_at("ManufacturerParty/PartyName/Name"),
            pack_size: dec_at(n, "PackSizeNumeric")?,
            classifications: n
                .all("CommodityClassification")
                .filter_map(|c| c.child("ItemClassificationCode"))
                .map(|c| Classification {
                    list: c.attr("listID").unwrap_or("").into(),
                    code: c.text.trim().into(),
                    name: c.attr("name").unwrap_or("").into(),
                })
                .collect(),
            vat_category: n.str_at("ClassifiedTaxCategory/ID"),
            vat_percent: dec_at(n, "ClassifiedTaxCategory/Percent")?,
            documents: n
                .all("ItemSpecificationDocumentReference")
                .map(|d| SpecDocument {
                    id: d.str_at("ID"),
                    description: d.str_at("DocumentDescription"),
                    uri: d.str_at("Attachment/ExternalReference/URI"),
                    filename: d
                        .at("Attachment/EmbeddedDocumentBinaryObject")
                        .and_then(|b| b.attr("filename"))
                        .unwrap_or("")
                        .into(),
                })
                .collect(),
            properties: n
                .all("AdditionalItemProperty")
                .map(|p| (p.str_at("Name"), p.str_at("Value")))
                .filter(|(k, _)| !k.is_empty())
                .collect(),
        })
    }
}

/// Lead time in days from a `cbc:LeadTimeMeasure` (days, weeks, months, hours).
fn lead_time_days(n: &Node) -> Result<Option<u32>, String> {
    let Some(m) = n.child("LeadTimeMeasure") else { return Ok(None) };
    let v: Decimal =
        m.text.trim().parse().map_err(|_| format!("LeadTimeMeasure (line {}) {:?} is not a number", m.line, m.text))?;
    let per = match m.attr("unitCode").unwrap_or("DAY") {
        "WEE" => Decimal::from(7),
        "MON" => Decimal::from(30),
        "HUR" => Decimal::ONE / Decimal::from(24),
        _ => Decimal::ONE,
    };
    use rust_decimal::prelude::ToPrimitive;
    Ok((v * per).ceil().to_u32())
}

pub(crate) fn from_node(root: &Node) -> Result<Catalogue, String> {
    expect(root, DocType::Catalogue)?;
    let lines =
        root.all("CatalogueLine").enumerate().map(|(i, l)| line_from_node(i + 1, l)).collect::<Result<_, _>>()?;
    Ok(Catalogue { lines, ..head_from_node(root)? })
}

/// The catalogue line `l`, the `n`th of its document.
fn line_from_node(n: usize, l: &Node) -> Result<CatalogueLine, String> {
    let ctx = |e: String| format!("CatalogueLine {n} (ID {}, line {}): {e}", l.str_at("ID"), l.line);
    let item = l.child("Item").ok_or_else(|| ctx("cac:Item is missing".into()))?;
    let mut prices = Vec::new();
    for q in l.all("RequiredItemLocationQuantity") {
        let lead = lead_time_days(q).map_err(ctx)?;
        match q.child("Price") {
            Some(p) => prices.push(CataloguePrice {
                amount: dec_at(p, "PriceAmount")
                    .map_err(ctx)?
                    .ok_or_else(|| ctx("Price without PriceAmount".into()))?,
                currency: p.at("PriceAmount").and_then(|a| a.attr("currencyID")).unwrap_or("").into(),
                base_qty: dec_at(p, "BaseQuantity").map_err(ctx)?.unwrap_or(Decimal::ONE),
                min_qty: dec_at(q, "MinimumQuantity").map_err(ctx)?,
                lead_time_days: lead,
                valid_from: date_at(p, "ValidityPeriod/StartDate").map_err(ctx)?,
                valid_to: date_at(p, "ValidityPeriod/EndDate").map_err(ctx)?,
            }),
            None if lead.is_some() => prices.push(CataloguePrice {
                amount: Decimal::ZERO,
                base_qty: Decimal::ZERO,
                lead_time_days: lead,
                ..Default::default()
            }),
            None => {}
        }
    }
    Ok(CatalogueLine {
        id: required(l, "ID").map_err(ctx)?,
        action: l.str_at("ActionCode"),
        orderable: l.text_at("OrderableIndicator").is_none_or(|t| t != "false"),
        unit: l.str_at("OrderableUnit"),
        step: dec_at(l, "OrderQuantityIncrementNumeric").map_err(ctx)?,
        min_qty: dec_at(l, "MinimumOrderQuantity").map_err(ctx)?,
        max_qty: dec_at(l, "MaximumOrderQuantity").map_err(ctx)?,
        valid_from: date_at(l, "LineValidityPeriod/StartDate").map_err(ctx)?,
        valid_to: date_at(l, "LineValidityPeriod/EndDate").map_err(ctx)?,
        // A quantity entry without a price only carries a lead time.
        prices,
        item: Item::read(item).map_err(ctx)?,
    })
}

/// Everything of a catalogue but its lines.
fn head_from_node(root: &Node) -> Result<Catalogue, String> {
    Ok(Catalogue {
        id: required(root, "ID")?,
        action: root.text_at("ActionCode").unwrap_or_else(|| "Add".into()),
        name: root.str_at("Name"),
        issue_date: date_at(root, "IssueDate")?,
        version: root.str_at("VersionID"),
        valid_from: date_at(root, "ValidityPeriod/StartDate")?,
        valid_to: date_at(root, "ValidityPeriod/EndDate")?,
        contract_ref: root.text_at("ReferencedContract/ID"),
        provider: Party::read(root.child("ProviderParty")),
        receiver: Party::read(root.child("ReceiverParty")),
        seller: Party::read(root.child("SellerSupplierParty")),
        trading_terms: root.text_at("TradingTerms/Information"),
        lines: Vec::new(),
    })
}

/// The elements of a catalogue's head that procure reads.
const HEAD_ELEMENTS: [&str; 11] = [
    "ID",
    "ActionCode",
    "Name",
    "IssueDate",
    "VersionID",
    "ValidityPeriod",
    "ReferencedContract",
    "ProviderParty",
    "ReceiverParty",
    "SellerSupplierParty",
    "TradingTerms",
];

/// A T19 catalogue read a line at a time, for documents too large to hold:
/// its memory grows with its largest line, not with the document. It reads
/// what [`super::read`] reads, in the same order; the head must come before
/// the lines (as UBL orders it).
pub struct CatalogueReader<R> {
    elements: Elements<R>,
    head: Catalogue,
    /// The first line, read while looking for the end of the head.
    first: Option<Node>,
    /// Lines read so far.
    read: usize,
}

impl<R: BufRead> CatalogueReader<R> {
    /// Opens a catalogue and reads its head (everything before its first
    /// `cac:CatalogueLine`); an error if it is not a T19 catalogue.
    pub fn open(src: R) -> Result<Self, String> {
        let mut elements = Elements::open(src)?;
        let mut root = elements.root().clone();
        expect(&root, DocType::Catalogue)?;
        let mut first = None;
        while let Some(child) = elements.next_child()? {
            if child.name == "CatalogueLine" {
                first = Some(child);
                break;
            }
            root.children.push(child);
        }
        let head = head_from_node(&root)?;
        Ok(CatalogueReader { elements, head, first, read: 0 })
    }

    /// The catalogue without its lines.
    pub fn head(&self) -> &Catalogue {
        &self.head
    }

    /// The next line; `None` after the last (the document was read to its end).
    pub fn next_line(&mut self) -> Result<Option<CatalogueLine>, String> {
        loop {
            let node = match self.first.take() {
                Some(n) => n,
                None => match self.elements.next_child()? {
                    Some(n) => n,
                    None => return Ok(None),
                },
            };
            if node.name != "CatalogueLine" {
                if HEAD_ELEMENTS.contains(&node.name.as_str()) {
                    return Err(format!(
                        "<{}> at line {} comes after the catalogue lines: a catalogue's head comes first",
                        node.name, node.line
                    ));
                }
                continue;
            }
            self.read += 1;
            return line_from_node(self.read, &node).map(Some);
        }
    }
}

/// Writes a T19 catalogue document.
pub fn write_catalogue(c: &Catalogue) -> Vec<u8> {
    let t = DocType::Catalogue;
    let mut w = XmlOut::new();
    let ns = t.namespace();
    w.start("Catalogue", &[("xmlns", &ns), ("xmlns:cac", super::CAC), ("xmlns:cbc", super::CBC)]);
    w.leaf("cbc:CustomizationID", &[], t.customization_id()).leaf("cbc:ProfileID", &[], t.profile_id());
    w.leaf("cbc:ID", &[], &c.id);
    w.opt("cbc:ActionCode", Some(&c.action)).opt("cbc:Name", Some(&c.name));
    if let Some(d) = c.issue_date {
        w.leaf("cbc:IssueDate", &[], &d.to_string());
    }
    w.opt("cbc:VersionID", Some(&c.version));
    if c.valid_from.is_some() || c.valid_to.is_some() {
        w.start("cac:ValidityPeriod", &[]);
        w.opt("cbc:StartDate", c.valid_from.map(|d| d.to_string()).as_deref());
        w.opt("cbc:EndDate", c.valid_to.map(|d| d.to_string()).as_deref());
        w.end();
    }
    if let Some(r) = &c.contract_ref {
        w.start("cac:ReferencedContract", &[]).leaf("cbc:ID", &[], r).end();
    }
    c.provider.write(&mut w, "cac:ProviderParty", false, true);
    c.receiver.write(&mut w, "cac:ReceiverParty", false, true);
    c.seller.write_in(&mut w, "cac:SellerSupplierParty", true, false);
    if let Some(terms) = &c.trading_terms {
        w.start("cac:TradingTerms", &[]).leaf("cbc:Information", &[], terms).end();
    }
    for l in &c.lines {
        w.start("cac:CatalogueLine", &[]);
        w.leaf("cbc:ID", &[], &l.id);
        w.opt("cbc:ActionCode", Some(&l.action));
        w.leaf("cbc:OrderableIndicator", &[], if l.orderable { "true" } else { "false" });
        w.opt("cbc:OrderableUnit", Some(&l.unit));
        if let Some(s) = l.step {
            w.leaf("cbc:OrderQuantityIncrementNumeric", &[], &num(s));
        }
        if let Some(m) = l.min_qty {
            w.leaf("cbc:MinimumOrderQuantity", &[("unitCode", &l.unit)], &num(m));
        }
        if let Some(m) = l.max_qty {
            w.leaf("cbc:MaximumOrderQuantity", &[("unitCode", &l.unit)], &num(m));
        }
        if l.valid_from.is_some() || l.valid_to.is_some() {
            w.start("cac:LineValidityPeriod", &[]);
            w.opt("cbc:StartDate", l.valid_from.map(|d| d.to_string()).as_deref());
            w.opt("cbc:EndDate", l.valid_to.map(|d| d.to_string()).as_deref());
            w.end();
        }
        for p in &l.prices {
            w.start("cac:RequiredItemLocationQuantity", &[]);
            if let Some(d) = p.lead_time_days {
                w.leaf("cbc:LeadTimeMeasure", &[("unitCode", "DAY")], &d.to_string());
            }
            if let Some(m) = p.min_qty {
                w.leaf("cbc:MinimumQuantity", &[("unitCode", &l.unit)], &num(m));
            }
            w.start("cac:Price", &[]);
            w.leaf("cbc:PriceAmount", &[("currencyID", &p.currency)], &amount(p.amount));
            w.leaf("cbc:BaseQuantity", &[("unitCode", &l.unit)], &num(p.base_qty));
            if p.valid_from.is_some() || p.valid_to.is_some() {
                w.start("cac:ValidityPeriod", &[]);
                w.opt("cbc:StartDate", p.valid_from.map(|d| d.to_string()).as_deref());
                w.opt("cbc:EndDate", p.valid_to.map(|d| d.to_string()).as_deref());
                w.end();
            }
            w.end().end();
        }
        write_item(&mut w, &l.item);
        w.end();
    }
    w.finish()
}

fn write_item(w: &mut XmlOut, i: &Item) {
    w.start("cac:Item", &[]);
    w.opt("cbc:Description", Some(&i.description));
    if let Some(p) = i.pack_size {
        w.leaf("cbc:PackSizeNumeric", &[], &num(p));
    }
    w.leaf("cbc:Name", &[], &i.name);
    w.opt("cbc:BrandName", Some(&i.brand));
    w.start("cac:SellersItemIdentification", &[]).leaf("cbc:ID", &[], &i.seller_id).end();
    if !i.manufacturer_id.is_empty() {
        w.start("cac:ManufacturersItemIdentification", &[]).leaf("cbc:ID", &[], &i.manufacturer_id).end();
    }
    if let Some(s) = &i.standard_id {
        w.start("cac:StandardItemIdentification", &[]);
        s.write(w, "cbc:ID");
        w.end();
    }
    for d in &i.documents {
        w.start("cac:ItemSpecificationDocumentReference", &[]).leaf("cbc:ID", &[], &d.id);
        w.opt("cbc:DocumentDescription", Some(&d.description));
        if !d.uri.is_empty() {
            w.start("cac:Attachment", &[]).start("cac:ExternalReference", &[]).leaf("cbc:URI", &[], &d.uri).end().end();
        }
        w.end();
    }
    for c in &i.classifications {
        w.start("cac:CommodityClassification", &[]);
        let mut attrs = vec![("listID", c.list.as_str())];
        if !c.name.is_empty() {
            attrs.push(("name", c.name.as_str()));
        }
        w.leaf("cbc:ItemClassificationCode", &attrs, &c.code).end();
    }
    if !i.vat_category.is_empty() {
        w.start("cac:ClassifiedTaxCategory", &[]).leaf("cbc:ID", &[], &i.vat_category);
        if let Some(p) = i.vat_percent {
            w.leaf("cbc:Percent", &[], &num(p));
        }
        w.start("cac:TaxScheme", &[]).leaf("cbc:ID", &[], "VAT").end().end();
    }
    for (k, v) in &i.properties {
        w.start("cac:AdditionalItemProperty", &[]).leaf("cbc:Name", &[], k).leaf("cbc:Value", &[], v).end();
    }
    if !i.manufacturer.is_empty() {
        w.start("cac:ManufacturerParty", &[])
            .start("cac:PartyName", &[])
            .leaf("cbc:Name", &[], &i.manufacturer)
            .end()
            .end();
    }
    w.end();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(lines: &[&str]) -> String {
        let mut d = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <Catalogue xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2\" \
             xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" \
             xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n\
             <cbc:ID>C-1</cbc:ID>\n<cbc:IssueDate>2026-01-05</cbc:IssueDate>\n",
        );
        for l in lines {
            d.push_str(l);
        }
        d.push_str("</Catalogue>\n");
        d
    }

    /// A line of six text lines; `price` is its amount's text.
    fn line(id: &str, price: &str) -> String {
        format!(
            "<cac:CatalogueLine>\n<cbc:ID>{id}</cbc:ID>\n<cac:RequiredItemLocationQuantity><cac:Price>\n\
             <cbc:PriceAmount currencyID=\"EUR\">{price}</cbc:PriceAmount>\n</cac:Price></cac:RequiredItemLocationQuantity>\n\
             <cac:Item><cbc:Name>{id}</cbc:Name></cac:Item></cac:CatalogueLine>\n"
        )
    }

    #[test]
    fn a_bad_value_names_its_line_read_whole_or_a_line_at_a_time() {
        let mut lines: Vec<String> = (0..1000).map(|i| line(&format!("L{i}"), "1.50")).collect();
        lines[700] = line("L700", "1,5O");
        let text = doc(&lines.iter().map(String::as_str).collect::<Vec<_>>());
        let line_of = |needle: &str| text[..text.find(needle).unwrap()].matches('\n').count() + 1;
        let (starts, price) = (line_of("<cbc:ID>L700<") - 1, line_of("1,5O"));
        assert_eq!((starts, price), (4205, 4208));
        let want = format!(
            "CatalogueLine 701 (ID L700, line {starts}): Price/PriceAmount (line {price}): \"1,5O\" is not a number"
        );
        let e = super::super::read(text.as_bytes()).unwrap_err();
        assert_eq!(e, want);
        let mut reader = CatalogueReader::open(text.as_bytes()).unwrap();
        assert_eq!(reader.head().id, "C-1");
        let mut n = 0;
        let e = loop {
            match reader.next_line() {
                Ok(Some(_)) => n += 1,
                Ok(None) => panic!("no error"),
                Err(e) => break e,
            }
        };
        assert_eq!((n, e), (700, want));
    }

    #[test]
    fn a_head_after_the_lines_is_refused_when_read_a_line_at_a_time() {
        let text = doc(&[&line("A", "1"), "<cbc:Name>late</cbc:Name>\n"]);
        let mut reader = CatalogueReader::open(text.as_bytes()).unwrap();
        assert!(reader.next_line().unwrap().is_some());
        let e = reader.next_line().unwrap_err();
        assert!(e.contains("<Name> at line 11 comes after the catalogue lines"), "{e}");
    }

    #[test]
    fn not_a_catalogue_is_said_at_once() {
        let e = CatalogueReader::open(&b"<Order xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Order-2\"/>"[..])
            .err()
            .unwrap();
        assert!(e.contains("not a UBL Catalogue"), "{e}");
    }
}
