//! From Medusa's shapes to procure's: products per variant, the customer as a
//! company, orders with their B2B header from metadata. Pure; no IO.

use super::wire::{self, meta};
use crate::api::{self, OrderStatus};
use crate::core::money;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Payment on account: Medusa's system provider authorises without charging.
pub const PAYMENT_TERMS: &str = "on account (system payment provider)";

/// Keys of the cart and order metadata procure writes (and reads back).
pub mod keys {
    pub const IDEMPOTENCY_KEY: &str = "procure_idempotency_key";
    pub const PO_NUMBER: &str = "po_number";
    pub const REQUESTED_DELIVERY_DATE: &str = "requested_delivery_date";
    pub const SHIP_COMPLETE: &str = "ship_complete";
    pub const COMMENT: &str = "comment";
    pub const SHIP_TO: &str = "ship_to";
    /// On a line item: its position in the draft, and the buyer's line note.
    pub const LINE: &str = "procure_line";
    pub const NOTE: &str = "note";
}

/// Product and variant metadata keys with a meaning for procure; any other
/// text entry becomes an attribute of the part.
const PRODUCT_KEYS: &[&str] = &[
    "brand",
    "manufacturer",
    "category",
    "mpn",
    "gtin",
    "unit",
    "pack_size",
    "min_qty",
    "order_step",
    "lead_time_days",
    "replaced_by",
    "discontinued",
];

/// What procure needs of the profile's region.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionInfo {
    pub name: String,
    /// Upper case, e.g. "EUR".
    pub currency: String,
    /// The country whose taxes the catalog shows (the region's first).
    pub country: Option<String>,
    /// The store's contact, from the region's metadata (see [`supplier`]).
    pub supplier: Option<api::SupplierContact>,
}

impl RegionInfo {
    pub fn from_wire(r: &wire::Region) -> RegionInfo {
        RegionInfo {
            name: r.name.clone(),
            currency: r.currency_code.to_uppercase(),
            country: r.countries.first().map(|c| c.iso_2.to_lowercase()),
            supplier: supplier(&r.metadata),
        }
    }
}

/// Region metadata keys a store sets to show buyers whom to call.
pub mod supplier_key {
    pub const NAME: &str = "supplier_name";
    pub const SALES_CONTACT: &str = "sales_contact";
    pub const PHONE: &str = "support_phone";
    pub const EMAIL: &str = "support_email";
    pub const HOURS: &str = "support_hours";
}

/// Medusa's store API does not show the store's own details to customers;
/// what a store offers is its region's metadata. No key set: no contact.
pub fn supplier(m: &wire::Metadata) -> Option<api::SupplierContact> {
    use supplier_key::*;
    let get = |k: &str| meta(m, k).map(|v| v.into_owned());
    let contact = api::SupplierContact {
        name: get(NAME).unwrap_or_default(),
        sales_contact: get(SALES_CONTACT),
        phone: get(PHONE),
        email: get(EMAIL),
        support_hours: get(HOURS),
    };
    (contact != api::SupplierContact::default()).then_some(contact)
}

/// One orderable variant: the part, its price, and what ordering it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub variant_id: String,
    pub product: api::Product,
    /// `None`: the variant has no price in this region.
    pub price: Option<api::PriceEntry>,
    /// Whether Medusa refuses quantities above `product.stock`.
    pub stock_limited: bool,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MapError {
    #[error(
        "the region shows prices including tax; procure keeps net prices and supports only regions with net prices"
    )]
    TaxInclusive,
}

/// Every variant with a SKU becomes a part (a variant without one cannot be
/// ordered by SKU and is skipped). Prices are net: `calculated_amount`,
/// which for this customer already is the price of its group's price list.
pub fn parts(products: &[wire::Product]) -> Result<Vec<Part>, MapError> {
    let mut out = Vec::new();
    for p in products {
        let several = p.variants.len() > 1;
        for v in &p.variants {
            let Some(sku) = v.sku.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
                tracing::debug!(variant = %v.id, "variant without SKU skipped");
                continue;
            };
            let price = match &v.calculated_price {
                Some(cp) => net_price(cp)?.map(|unit_price| api::PriceEntry {
                    sku: sku.to_string(),
                    tiers: vec![api::Tier::new(1, unit_price)],
                    vat_rate: vat_rate(cp).unwrap_or_default(),
                }),
                None => None,
            };
            let stock_limited = v.manage_inventory.unwrap_or(true) && !v.allow_backorder.unwrap_or(false);
            out.push(Part { variant_id: v.id.clone(), product: product(p, v, sku, several), price, stock_limited });
        }
    }
    fill_missing_vat(&mut out);
    Ok(out)
}

/// A part whose price is 0 shows no tax to derive a rate from; it gets the
/// most common rate of the others.
fn fill_missing_vat(parts: &mut [Part]) {
    let mut counts: BTreeMap<Decimal, usize> = BTreeMap::new();
    for e in parts.iter().filter_map(|p| p.price.as_ref()) {
        if !e.vat_rate.is_zero() {
            *counts.entry(e.vat_rate).or_default() += 1;
        }
    }
    let Some((common, _)) = counts.into_iter().max_by_key(|(_, n)| *n) else {
        return;
    };
    for e in parts.iter_mut().filter_map(|p| p.price.as_mut()) {
        if e.vat_rate.is_zero() && e.tiers.iter().all(|t| t.unit_price.is_zero()) {
            e.vat_rate = common;
        }
    }
}

fn net_price(cp: &wire::CalculatedPrice) -> Result<Option<Decimal>, MapError> {
    if cp.is_calculated_price_tax_inclusive == Some(true) {
        return Err(MapError::TaxInclusive);
    }
    let exact = cp.raw_calculated_amount.as_ref().map(|r| r.value.0);
    Ok(exact.or(cp.calculated_amount.map(|a| a.0)))
}

/// The VAT rate in percent, from the price with and without tax (present when
/// the request names a country). Two decimals are enough for any real rate.
fn vat_rate(cp: &wire::CalculatedPrice) -> Option<Decimal> {
    let with = cp.calculated_amount_with_tax?.0;
    let without = cp.calculated_amount_without_tax?.0;
    if without.is_zero() {
        return None;
    }
    let rate = ((with - without) * Decimal::ONE_HUNDRED / without).round_dp(2);
    Some(rate.normalize())
}

fn text(s: &Option<String>) -> &str {
    s.as_deref().map(str::trim).unwrap_or("")
}

fn count_meta(m: &wire::Metadata, key: &str) -> Option<u32> {
    meta(m, key)?.parse::<u32>().ok().filter(|n| *n > 0)
}

fn product(p: &wire::Product, v: &wire::Variant, sku: &str, several: bool) -> api::Product {
    // Variant metadata wins over product metadata.
    let get = |key: &str| meta(&v.metadata, key).or_else(|| meta(&p.metadata, key));
    let get_count = |key: &str| count_meta(&v.metadata, key).or_else(|| count_meta(&p.metadata, key));
    let variant_title = text(&v.title);
    let name = if several && !variant_title.is_empty() && variant_title != p.title.trim() {
        format!("{}, {variant_title}", p.title.trim())
    } else {
        p.title.trim().to_string()
    };
    let mut attributes = Vec::new();
    if several {
        for o in &v.options {
            // Medusa names the option on the product; the variant has its id.
            let title = o
                .option_id
                .as_deref()
                .and_then(|id| p.options.iter().find(|po| po.id == id))
                .map(|po| po.title.trim())
                .filter(|t| !t.is_empty())
                .unwrap_or("Option");
            attributes.push(api::Attribute { name: title.to_string(), value: o.value.clone() });
        }
    }
    for m in [&p.metadata, &v.metadata].into_iter().flatten() {
        for (k, val) in m {
            if let serde_json::Value::String(s) = val
                && !PRODUCT_KEYS.contains(&k.as_str())
                && !s.trim().is_empty()
            {
                attributes.retain(|a| a.name != *k);
                attributes.push(api::Attribute { name: k.clone(), value: s.trim().to_string() });
            }
        }
    }
    let gtin = [&v.ean, &v.upc, &v.barcode]
        .into_iter()
        .map(text)
        .find(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| get("gtin").map(|s| s.into_owned()))
        .unwrap_or_default();
    api::Product {
        sku: sku.to_string(),
        mpn: get("mpn").map(|s| s.into_owned()).unwrap_or_else(|| sku.to_string()),
        manufacturer: get("manufacturer")
            .or_else(|| get("brand"))
            .map(|s| s.into_owned())
            .unwrap_or_else(|| text(&p.subtitle).to_string()),
        gtin,
        name,
        description: text(&p.description).to_string(),
        category: get("category").map(|s| s.into_owned()).unwrap_or_default(),
        unit: get("unit").map(|s| s.into_owned()).unwrap_or_else(|| "pc".into()),
        pack_size: get_count("pack_size").unwrap_or(1),
        min_qty: get_count("min_qty").unwrap_or(1),
        order_step: get_count("order_step").unwrap_or(1),
        stock: v.inventory_quantity.map(|c| c.as_u32()).unwrap_or(0),
        lead_time_days: count_meta(&v.metadata, "lead_time_days")
            .or_else(|| count_meta(&p.metadata, "lead_time_days"))
            .unwrap_or(0),
        attributes,
        documents: vec![],
        replaced_by: get("replaced_by").map(|s| s.into_owned()),
        discontinued: get("discontinued").is_some_and(|s| s == "true"),
    }
}

fn person(first: &Option<String>, last: &Option<String>) -> String {
    [text(first), text(last)].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

pub fn address(a: &wire::CustomerAddress) -> api::Address {
    let who = person(&a.first_name, &a.last_name);
    let name = match (text(&a.company), who.as_str()) {
        ("", w) => w.to_string(),
        (c, "") => c.to_string(),
        (c, w) => format!("{c}, {w}"),
    };
    let street =
        [text(&a.address_1), text(&a.address_2)].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(", ");
    api::Address {
        id: a.id.clone(),
        label: text(&a.address_name).to_string(),
        name,
        street,
        postal_code: text(&a.postal_code).to_string(),
        city: text(&a.city).to_string(),
        country: text(&a.country_code).to_uppercase(),
    }
}

/// Id of the stand-in ship-to of a customer without saved addresses.
pub const REGION_ADDRESS_ID: &str = "region";

pub fn me(c: &wire::Customer, region: &RegionInfo, shipping: &[wire::ShippingOption]) -> api::Me {
    let who = person(&c.first_name, &c.last_name);
    let company = Some(text(&c.company_name))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| if who.is_empty() { c.email.clone() } else { who.clone() });
    // Default shipping address first: it is what an order uses unless told otherwise.
    let mut addresses: Vec<&wire::CustomerAddress> = c.addresses.iter().collect();
    addresses.sort_by_key(|a| !a.is_default_shipping);
    let mut ship_to: Vec<api::Address> = addresses.iter().map(|a| address(a)).collect();
    if ship_to.is_empty() {
        ship_to.push(api::Address {
            id: REGION_ADDRESS_ID.into(),
            label: region.name.clone(),
            name: company.clone(),
            street: String::new(),
            postal_code: String::new(),
            city: String::new(),
            country: region.country.clone().unwrap_or_default().to_uppercase(),
        });
    }
    let billing_address =
        c.addresses.iter().find(|a| a.is_default_billing).map(address).unwrap_or_else(|| ship_to[0].clone());
    api::Me {
        user: api::User {
            username: c.email.clone(),
            name: if who.is_empty() { c.email.clone() } else { who },
            role: api::Role::Buyer,
            order_limit: None,
        },
        company: api::Company {
            code: c.id.clone(),
            name: company,
            currency: region.currency.clone(),
            payment_terms: PAYMENT_TERMS.into(),
            billing_address,
            ship_to,
            shipping_methods: shipping.iter().map(shipping_method).collect(),
            terms: None,
        },
        supplier: region.supplier.clone(),
    }
}

pub fn shipping_price(o: &wire::ShippingOption) -> Decimal {
    o.calculated_price
        .as_ref()
        .and_then(|cp| cp.raw_calculated_amount.as_ref().map(|r| r.value.0).or(cp.calculated_amount.map(|a| a.0)))
        .or(o.amount.map(|a| a.0))
        .unwrap_or_default()
}

pub fn shipping_method(o: &wire::ShippingOption) -> api::ShippingMethod {
    api::ShippingMethod { id: o.id.clone(), name: o.name.clone(), price: shipping_price(o) }
}

/// The order number procure shows: Medusa's display id ("12"), which is what
/// the shop's staff see; the order id where there is none.
pub fn order_number(o: &wire::Order) -> String {
    o.display_id.map(|d| d.0.to_string()).unwrap_or_else(|| o.id.clone())
}

pub fn status(o: &wire::Order) -> OrderStatus {
    match (o.status.as_str(), o.fulfillment_status.as_deref().unwrap_or("")) {
        ("canceled", _) => OrderStatus::Cancelled,
        ("completed", _) | (_, "delivered") => OrderStatus::Delivered,
        (_, "shipped" | "partially_shipped" | "partially_delivered") => OrderStatus::Shipped,
        (_, "fulfilled" | "partially_fulfilled") => OrderStatus::Confirmed,
        _ => OrderStatus::Placed,
    }
}

pub fn item_name(i: &wire::LineItem) -> String {
    let product = text(&i.product_title);
    let variant = text(&i.variant_title);
    match (product, variant) {
        ("", _) => i.title.trim().to_string(),
        (p, v) if v.is_empty() || v == p => p.to_string(),
        (p, v) => format!("{p}, {v}"),
    }
}

fn line_position(i: &wire::LineItem) -> usize {
    meta(&i.metadata, keys::LINE).and_then(|s| s.parse().ok()).unwrap_or(usize::MAX)
}

fn priced_lines(o: &wire::Order) -> Vec<api::PricedLine> {
    // Medusa returns items in its own order; the draft's order is in metadata.
    let mut items: Vec<&wire::LineItem> = o.items.iter().collect();
    items.sort_by_key(|i| (line_position(i), i.variant_sku.clone()));
    items
        .into_iter()
        .map(|i| {
            let quantity = i.quantity.as_u32();
            let unit_price = i.unit_price();
            api::PricedLine {
                sku: i.variant_sku.clone().or_else(|| i.variant_id.clone()).unwrap_or_default(),
                name: item_name(i),
                quantity,
                unit_price,
                base_quantity: Decimal::ONE,
                line_total: money::line_total(unit_price, quantity),
                vat_rate: i
                    .tax_lines
                    .iter()
                    .map(|t| t.raw_rate.as_ref().map(|r| r.value.0).unwrap_or(t.rate.0))
                    .try_fold(Decimal::ZERO, |a, r| a.checked_add(r))
                    .unwrap_or(Decimal::MAX)
                    .normalize(),
                note: meta(&i.metadata, keys::NOTE).map(|s| s.into_owned()),
                promised_delivery: None,
                shipped: i.detail.as_ref().and_then(|d| d.shipped_quantity).map(|q| q.as_u32()).unwrap_or(0),
                invoiced: 0,
            }
        })
        .collect()
}

/// Medusa's totals, each rounded to cents (half away from zero); gross is
/// their sum, as in procure's own totals.
fn totals(o: &wire::Order, lines: &[api::PricedLine]) -> api::Totals {
    // Sums that do not fit show as the largest amount rather than panicking
    // (a store's numbers are not trusted to be sane).
    let net = o.item_subtotal.map(|a| a.0).unwrap_or_else(|| {
        lines.iter().try_fold(Decimal::ZERO, |a, l| a.checked_add(l.line_total)).unwrap_or(Decimal::MAX)
    });
    let net = money::round_cents(net);
    let shipping = money::round_cents(o.shipping_subtotal.map(|a| a.0).unwrap_or_default());
    let vat = money::round_cents(o.tax_total.map(|a| a.0).unwrap_or_default());
    let gross = net.checked_add(shipping).and_then(|g| g.checked_add(vat)).unwrap_or(Decimal::MAX);
    api::Totals { currency: o.currency_code.to_uppercase(), net, shipping, vat, gross }
}

pub fn order(o: &wire::Order) -> api::Order {
    let lines = priced_lines(o);
    let totals = totals(o, &lines);
    let mut ship_to =
        o.shipping_address.as_ref().map(address).unwrap_or_else(|| address(&wire::CustomerAddress::default()));
    if let Some(id) = meta(&o.metadata, keys::SHIP_TO) {
        ship_to.id = id.into_owned();
    }
    let shipping_method = o
        .shipping_methods
        .first()
        .map(|m| api::ShippingMethod {
            id: m.shipping_option_id.clone().unwrap_or_default(),
            name: m.name.clone(),
            price: m.raw_amount.as_ref().map(|r| r.value.0).or(m.amount.map(|a| a.0)).unwrap_or_default(),
        })
        .unwrap_or(api::ShippingMethod { id: String::new(), name: String::new(), price: Decimal::ZERO });
    api::Order {
        number: order_number(o),
        status: status(o),
        created_at: o.created_at,
        placed_by: o.email.clone().unwrap_or_default(),
        po_number: meta(&o.metadata, keys::PO_NUMBER).map(|s| s.into_owned()).unwrap_or_default(),
        lines,
        totals,
        ship_to,
        requested_delivery_date: meta(&o.metadata, keys::REQUESTED_DELIVERY_DATE)
            .and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
        ship_complete: meta(&o.metadata, keys::SHIP_COMPLETE).is_some_and(|s| s == "true"),
        payment_terms: PAYMENT_TERMS.into(),
        shipping_method,
        comment: meta(&o.metadata, keys::COMMENT).map(|s| s.into_owned()),
        approval: None,
        quote_number: None,
        events: vec![],
        earliest_delivery: None,
        confirmed_at: None,
        // The store API shows a customer when each fulfilment shipped, not
        // what it held or its tracking labels.
        shipments: o
            .fulfillments
            .iter()
            .filter(|f| f.canceled_at.is_none())
            .filter_map(|f| {
                Some(api::Shipment {
                    number: f.id.clone(),
                    date: f.shipped_at?.date_naive(),
                    carrier: None,
                    tracking: None,
                    lines: vec![],
                    documents: vec![],
                })
            })
            .collect(),
    }
}

pub fn summary(o: &wire::Order) -> api::OrderSummary {
    let full = order(o);
    api::OrderSummary {
        number: full.number,
        status: full.status,
        created_at: full.created_at,
        po_number: full.po_number,
        placed_by: full.placed_by,
        line_count: u32::try_from(full.lines.len()).unwrap_or(u32::MAX),
        totals: full.totals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::medusa::wire::exact_numbers;
    use rust_decimal_macros::dec;

    fn parse<T: serde::de::DeserializeOwned>(json: &str) -> T {
        serde_json::from_slice(&exact_numbers(json.as_bytes())).unwrap()
    }

    const PRODUCTS: &str = r#"{"count":2,"products":[
      {"id":"prod_1","title":"Rillenkugellager 6205-2RSH/C3","subtitle":"SKF","description":"SKF bearing",
       "metadata":{"brand":"SKF","category":"Wälzlager","material":"Stahl"},"options":[{"id":"opt_1","title":"Ausführung"}],
       "variants":[{"id":"variant_1","title":"Rillenkugellager 6205-2RSH/C3","sku":"6205-2RSH/C3","ean":null,
         "manage_inventory":true,"allow_backorder":false,"inventory_quantity":480,"metadata":null,
         "options":[{"value":"Standard","option_id":"opt_1"}],
         "calculated_price":{"calculated_amount":7.1,"raw_calculated_amount":{"value":"7.1","precision":20},
           "is_calculated_price_tax_inclusive":false,"calculated_amount_with_tax":8.449,"calculated_amount_without_tax":7.1}}]},
      {"id":"prod_2","title":"Sechskantschraube DIN 933 A2-70 (VPE 100)","subtitle":"Würth","metadata":{"brand":"Würth"},"options":[{"id":"opt_2","title":"Abmessung"}],
       "variants":[
         {"id":"variant_2","title":"M8x25","sku":"DIN 933 M8x25 A2-70","inventory_quantity":2500,
          "metadata":{"pack_size":"1","min_qty":"2","lead_time_days":3},
          "options":[{"value":"M8x25","option_id":"opt_2"}],
          "calculated_price":{"calculated_amount":0.0834,"is_calculated_price_tax_inclusive":false,
            "calculated_amount_with_tax":0.099246,"calculated_amount_without_tax":0.0834}},
         {"id":"variant_3","title":"M0","sku":"FREE-1","manage_inventory":false,
          "calculated_price":{"calculated_amount":0,"calculated_amount_with_tax":0,"calculated_amount_without_tax":0}},
         {"id":"variant_4","title":"no sku","sku":null}]}]}"#;

    #[test]
    fn one_part_per_variant_with_net_price_and_vat() {
        let page: wire::ProductsPage = parse(PRODUCTS);
        let parts = parts(&page.products).unwrap();
        assert_eq!(parts.len(), 3, "the variant without SKU is skipped");
        let bearing = &parts[0];
        assert_eq!(bearing.variant_id, "variant_1");
        assert_eq!(bearing.product.name, "Rillenkugellager 6205-2RSH/C3");
        assert_eq!(bearing.product.mpn, "6205-2RSH/C3");
        assert_eq!(bearing.product.manufacturer, "SKF");
        assert_eq!(bearing.product.category, "Wälzlager");
        assert_eq!(bearing.product.stock, 480);
        assert!(bearing.stock_limited);
        assert_eq!(
            bearing.product.attributes,
            vec![api::Attribute { name: "material".into(), value: "Stahl".into() }],
            "single-variant products show no option"
        );
        let price = bearing.price.as_ref().unwrap();
        assert_eq!(price.tiers[0].unit_price, dec!(7.1));
        assert_eq!(price.tiers[0].min_qty, 1);
        assert_eq!(price.vat_rate, dec!(19));

        let screw = &parts[1];
        assert_eq!(screw.product.name, "Sechskantschraube DIN 933 A2-70 (VPE 100), M8x25");
        assert_eq!(screw.product.min_qty, 2);
        assert_eq!(screw.product.lead_time_days, 3);
        assert_eq!(screw.product.attributes[0].name, "Abmessung");
        assert_eq!(screw.product.attributes[0].value, "M8x25");
        assert_eq!(screw.price.as_ref().unwrap().tiers[0].unit_price, dec!(0.0834));
        assert_eq!(screw.price.as_ref().unwrap().vat_rate, dec!(19));

        let free = &parts[2];
        assert!(!free.stock_limited);
        assert_eq!(free.price.as_ref().unwrap().vat_rate, dec!(19), "a zero price takes the common rate");
    }

    #[test]
    fn tax_inclusive_regions_are_refused() {
        let page: wire::ProductsPage = parse(
            r#"{"count":1,"products":[{"id":"p","title":"t","variants":[{"id":"v","sku":"S",
              "calculated_price":{"calculated_amount":10,"is_calculated_price_tax_inclusive":true}}]}]}"#,
        );
        assert_eq!(parts(&page.products).unwrap_err(), MapError::TaxInclusive);
    }

    const ORDER: &str = r#"{"id":"order_1","display_id":12,"status":"pending","fulfillment_status":"not_fulfilled",
      "created_at":"2026-11-28T12:41:54.360Z","email":"einkauf@example.test","currency_code":"eur",
      "metadata":{"po_number":"PO-7","requested_delivery_date":"2026-12-15","ship_complete":"true","comment":"Tor 3",
        "ship_to":"cuaddr_1","procure_idempotency_key":"k"},
      "item_subtotal":109.4,"shipping_subtotal":9.9,"tax_total":22.667,"total":141.967,
      "items":[
        {"title":"Rillenkugellager 6305-2RS1","product_title":"Rillenkugellager 6305-2RS1","variant_title":"Rillenkugellager 6305-2RS1",
         "variant_sku":"6305-2RS1","variant_id":"v2","quantity":3,"unit_price":12.8,"raw_unit_price":{"value":"12.8"},
         "metadata":{"procure_line":"1"},"tax_lines":[{"rate":19,"raw_rate":{"value":"19"}}]},
        {"title":"Rillenkugellager 6205-2RSH/C3","product_title":"Rillenkugellager 6205-2RSH/C3","variant_title":"Rillenkugellager 6205-2RSH/C3",
         "variant_sku":"6205-2RSH/C3","variant_id":"v1","quantity":10,"unit_price":7.1,
         "metadata":{"procure_line":"0","note":"KST-4711"},"tax_lines":[{"rate":19}]}],
      "shipping_address":{"id":"ordaddr_1","company":"Müller Maschinenbau GmbH","first_name":"Anna","last_name":"Müller",
        "address_1":"Industriestraße 12","address_2":"Tor 3","city":"Hamburg","postal_code":"20097","country_code":"de"},
      "shipping_methods":[{"name":"Standardversand (DHL)","shipping_option_id":"so_1","amount":9.9,"raw_amount":{"value":"9.9"}}]}"#;

    /// What Medusa 2.21's store API gives a customer after a partial
    /// shipment: each item's shipped quantity, and the fulfilment with the
    /// time it shipped (its items and labels are left empty for customers).
    #[test]
    fn shipped_quantities_and_fulfilments_come_from_the_store() {
        let with = ORDER.replace(
            r#""metadata":{"procure_line":"0","note":"KST-4711"},"#,
            r#""metadata":{"procure_line":"0","note":"KST-4711"},"detail":{"quantity":10,"fulfilled_quantity":6,"shipped_quantity":6},"#,
        );
        let with = with.trim_end_matches('}').to_string()
            + r#","fulfillments":[{"id":"ful_1","shipped_at":"2026-12-06T15:29:49.076Z","canceled_at":null,"items":[],"labels":[]},
                 {"id":"ful_2","shipped_at":null,"canceled_at":null},{"id":"ful_3","shipped_at":"2026-12-01T08:00:00Z","canceled_at":"2026-12-02T08:00:00Z"}]}"#;
        let o = order(&parse::<wire::Order>(&with));
        assert_eq!((o.lines[0].shipped, o.lines[1].shipped), (6, 0));
        assert_eq!(o.shipments.len(), 1, "only what shipped, not cancelled");
        assert_eq!((o.shipments[0].number.as_str(), o.shipments[0].date.to_string()), ("ful_1", "2026-12-06".into()));
    }

    #[test]
    fn orders_carry_their_b2b_header_from_metadata() {
        let o: wire::Order = parse(ORDER);
        let order = order(&o);
        assert_eq!(order.number, "12");
        assert_eq!(order.status, OrderStatus::Placed);
        assert_eq!(order.po_number, "PO-7");
        assert_eq!(order.requested_delivery_date, chrono::NaiveDate::from_ymd_opt(2026, 12, 15));
        assert!(order.ship_complete);
        assert_eq!(order.comment.as_deref(), Some("Tor 3"));
        assert_eq!(order.ship_to.id, "cuaddr_1");
        assert_eq!(order.ship_to.name, "Müller Maschinenbau GmbH, Anna Müller");
        assert_eq!(order.ship_to.street, "Industriestraße 12, Tor 3");
        assert_eq!(order.ship_to.country, "DE");
        assert_eq!(order.shipping_method.id, "so_1");
        assert_eq!(order.shipping_method.price, dec!(9.9));
        // The draft's line order, not Medusa's.
        assert_eq!(order.lines[0].sku, "6205-2RSH/C3");
        assert_eq!(order.lines[0].note.as_deref(), Some("KST-4711"));
        assert_eq!(order.lines[0].line_total, dec!(71.00));
        assert_eq!(order.lines[1].unit_price, dec!(12.8));
        assert_eq!(order.lines[1].vat_rate, dec!(19));
        // 109.4 net + 9.9 shipping + 22.667 → 22.67 VAT = 141.97
        assert_eq!(order.totals.currency, "EUR");
        assert_eq!(order.totals.net, dec!(109.40));
        assert_eq!(order.totals.vat, dec!(22.67));
        assert_eq!(order.totals.gross, dec!(141.97));
        let s = summary(&o);
        assert_eq!((s.number.as_str(), s.line_count), ("12", 2));
    }

    #[test]
    fn statuses() {
        let mut o: wire::Order = parse(ORDER);
        for (st, ful, want) in [
            ("pending", "not_fulfilled", OrderStatus::Placed),
            ("pending", "fulfilled", OrderStatus::Confirmed),
            ("pending", "partially_shipped", OrderStatus::Shipped),
            ("pending", "delivered", OrderStatus::Delivered),
            ("completed", "fulfilled", OrderStatus::Delivered),
            ("canceled", "not_fulfilled", OrderStatus::Cancelled),
        ] {
            o.status = st.into();
            o.fulfillment_status = Some(ful.into());
            assert_eq!(status(&o), want, "{st}/{ful}");
        }
        o.display_id = None;
        assert_eq!(order_number(&o), "order_1");
    }

    #[test]
    fn the_customer_as_a_company() {
        let c: wire::Customer = parse(
            r#"{"id":"cus_1","email":"a@b.test","first_name":"Anna","last_name":"Müller","company_name":"Müller GmbH",
              "addresses":[
                {"id":"cuaddr_2","address_name":"Lager","is_default_shipping":false,"is_default_billing":true,
                 "address_1":"Postfach 1","city":"Hamburg","postal_code":"20001","country_code":"de"},
                {"id":"cuaddr_1","address_name":"Werk 1","is_default_shipping":true,"company":"Müller GmbH",
                 "address_1":"Industriestraße 12","city":"Hamburg","postal_code":"20097","country_code":"de"}]}"#,
        );
        let region = RegionInfo {
            name: "Deutschland".into(),
            currency: "EUR".into(),
            country: Some("de".into()),
            supplier: None,
        };
        let opts: Vec<wire::ShippingOption> = parse(
            r#"[{"id":"so_1","name":"Standard","amount":9.9,"calculated_price":{"calculated_amount":9.9,"raw_calculated_amount":{"value":"9.90"}}}]"#,
        );
        let me = me(&c, &region, &opts);
        assert_eq!(me.user.username, "a@b.test");
        assert_eq!(me.user.name, "Anna Müller");
        assert_eq!(me.company.name, "Müller GmbH");
        assert_eq!(me.company.currency, "EUR");
        assert_eq!(me.company.ship_to[0].id, "cuaddr_1", "default shipping first");
        assert_eq!(me.company.billing_address.id, "cuaddr_2");
        assert_eq!(me.company.shipping_methods[0].price, dec!(9.90));

        let bare: wire::Customer = parse(r#"{"id":"cus_2","email":"x@y.test"}"#);
        let me = super::me(&bare, &region, &[]);
        assert_eq!(me.company.name, "x@y.test");
        assert_eq!(me.company.ship_to[0].id, REGION_ADDRESS_ID);
        assert_eq!(me.company.ship_to[0].country, "DE");
    }

    #[test]
    fn the_stores_contact_comes_from_the_region_metadata() {
        let r: wire::Region = parse(
            r#"{"name":"Deutschland","currency_code":"eur","countries":[{"iso_2":"de"}],
              "metadata":{"supplier_name":"Müller Technik","sales_contact":"Eva Klein","support_phone":"+49 40 123",
                          "support_email":"vertrieb@mueller.test","support_hours":"Mo–Fr 8–17","other":"x"}}"#,
        );
        let info = RegionInfo::from_wire(&r);
        let want = api::SupplierContact {
            name: "Müller Technik".into(),
            sales_contact: Some("Eva Klein".into()),
            phone: Some("+49 40 123".into()),
            email: Some("vertrieb@mueller.test".into()),
            support_hours: Some("Mo–Fr 8–17".into()),
        };
        assert_eq!(info.supplier.as_ref(), Some(&want));
        let c: wire::Customer = parse(r#"{"id":"cus_1","email":"x@y.test","addresses":[]}"#);
        assert_eq!(me(&c, &info, &[]).supplier, Some(want));
        // A region without those keys: no contact rather than an empty one.
        let bare: wire::Region = parse(r#"{"name":"EU","currency_code":"eur","metadata":{"other":"x"}}"#);
        assert_eq!(RegionInfo::from_wire(&bare).supplier, None);
        let none: wire::Region = parse(r#"{"name":"EU","currency_code":"eur"}"#);
        assert_eq!(RegionInfo::from_wire(&none).supplier, None);
    }
}
