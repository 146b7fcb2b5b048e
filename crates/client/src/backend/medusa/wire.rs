//! Medusa's store API JSON, as much of it as procure reads.
//!
//! Medusa writes amounts as JSON numbers in major units, unrounded
//! (`"total": 141.967`). Read as `f64` they could lose digits, so every
//! number literal of an answer is first turned into a string
//! ([`exact_numbers`]) and then read as a `Decimal` from its own text.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Deserializer};
use std::str::FromStr;

/// Wraps every JSON number literal outside strings in quotes, leaving the
/// text of the number untouched: `{"a":7.1,"b":[1,-2e3]}` becomes
/// `{"a":"7.1","b":["1","-2e3"]}`. Invalid JSON stays invalid.
pub fn exact_numbers(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + json.len() / 16);
    let mut in_string = false;
    let mut i = 0;
    while i < json.len() {
        let b = json[i];
        if in_string {
            out.push(b);
            match b {
                b'\\' if i + 1 < json.len() => {
                    out.push(json[i + 1]);
                    i += 2;
                    continue;
                }
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
        } else if b == b'"' {
            in_string = true;
            out.push(b);
            i += 1;
        } else if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < json.len() && matches!(json[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                i += 1;
            }
            out.push(b'"');
            out.extend_from_slice(&json[start..i]);
            out.push(b'"');
        } else {
            out.push(b);
            i += 1;
        }
    }
    out
}

/// A decimal amount read from its text (see [`exact_numbers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Amount(pub Decimal);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .map(Amount)
            .map_err(|_| serde::de::Error::custom(format!("{text:?} is not a decimal amount")))
    }
}

/// An integer read from its text; Medusa's quantities are whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Count(pub i64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        if let Ok(n) = text.parse::<i64>() {
            return Ok(Count(n));
        }
        // "2.0" or "2e0": accept whole values only.
        Decimal::from_str(&text)
            .or_else(|_| Decimal::from_scientific(&text))
            .ok()
            .filter(|a| a.fract().is_zero())
            .and_then(|a| a.to_i64())
            .map(Count)
            .ok_or_else(|| serde::de::Error::custom(format!("{text:?} is not a whole number")))
    }
}

impl Count {
    /// As a quantity or stock figure: negative values count as 0.
    pub fn as_u32(self) -> u32 {
        u32::try_from(self.0.max(0)).unwrap_or(u32::MAX)
    }
}

/// The exact twin Medusa sends next to some amounts: `{"value":"7.1","precision":20}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Raw {
    pub value: Amount,
}

pub type Metadata = Option<serde_json::Map<String, serde_json::Value>>;

/// A metadata entry as text (strings as they are, booleans as "true"/"false").
pub fn meta<'a>(m: &'a Metadata, key: &str) -> Option<std::borrow::Cow<'a, str>> {
    match m.as_ref()?.get(key)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().into()),
        serde_json::Value::Bool(b) => Some(b.to_string().into()),
        serde_json::Value::Number(n) => Some(n.to_string().into()),
        _ => None,
    }
}

/// Medusa's error answer (its `type`, e.g. `invalid_data`, is not read:
/// procure says what a refusal is in its own codes).
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TokenBody {
    pub token: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RegionBody {
    pub region: Region,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    #[serde(default)]
    pub name: String,
    pub currency_code: String,
    #[serde(default)]
    pub countries: Vec<Country>,
    #[serde(default)]
    pub metadata: Metadata,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Country {
    pub iso_2: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CustomerBody {
    pub customer: Customer,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Customer {
    pub id: String,
    pub email: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub addresses: Vec<CustomerAddress>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct CustomerAddress {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub address_name: Option<String>,
    #[serde(default)]
    pub is_default_shipping: bool,
    #[serde(default)]
    pub is_default_billing: bool,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub address_1: Option<String>,
    #[serde(default)]
    pub address_2: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    #[serde(default)]
    pub country_code: Option<String>,
    #[serde(default)]
    pub province: Option<String>,
    #[serde(default)]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProductsPage {
    #[serde(default)]
    pub products: Vec<Product>,
    pub count: Count,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Product {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub options: Vec<ProductOption>,
    #[serde(default)]
    pub variants: Vec<Variant>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Variant {
    pub id: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub ean: Option<String>,
    #[serde(default)]
    pub upc: Option<String>,
    #[serde(default)]
    pub barcode: Option<String>,
    #[serde(default)]
    pub manage_inventory: Option<bool>,
    #[serde(default)]
    pub allow_backorder: Option<bool>,
    #[serde(default)]
    pub inventory_quantity: Option<Count>,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub options: Vec<VariantOption>,
    #[serde(default)]
    pub calculated_price: Option<CalculatedPrice>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct VariantOption {
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub option_id: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProductOption {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub title: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct CalculatedPrice {
    #[serde(default)]
    pub calculated_amount: Option<Amount>,
    #[serde(default)]
    pub raw_calculated_amount: Option<Raw>,
    #[serde(default)]
    pub is_calculated_price_tax_inclusive: Option<bool>,
    #[serde(default)]
    pub calculated_amount_with_tax: Option<Amount>,
    #[serde(default)]
    pub calculated_amount_without_tax: Option<Amount>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CartBody {
    pub cart: Cart,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Cart {
    pub id: String,
    #[serde(default)]
    pub completed_at: Option<String>,
    #[serde(default)]
    pub items: Vec<LineItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LineItem {
    #[serde(default)]
    pub variant_id: Option<String>,
    #[serde(default)]
    pub variant_sku: Option<String>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub product_title: Option<String>,
    #[serde(default)]
    pub variant_title: Option<String>,
    pub quantity: Count,
    pub unit_price: Amount,
    #[serde(default)]
    pub raw_unit_price: Option<Raw>,
    #[serde(default)]
    pub is_tax_inclusive: Option<bool>,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub tax_lines: Vec<TaxLine>,
    /// How much of the line was fulfilled and shipped (an order's items).
    #[serde(default)]
    pub detail: Option<ItemDetail>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ItemDetail {
    #[serde(default)]
    pub shipped_quantity: Option<Count>,
}

/// A fulfilment as the store API shows it to a customer: when it shipped
/// (its items and tracking labels are not shown to customers).
#[derive(Debug, Clone, Deserialize)]
pub struct Fulfillment {
    pub id: String,
    #[serde(default)]
    pub shipped_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub canceled_at: Option<DateTime<Utc>>,
}

impl LineItem {
    /// The exact unit price: the `raw_` twin when there is one.
    pub fn unit_price(&self) -> Decimal {
        self.raw_unit_price.as_ref().map(|r| r.value.0).unwrap_or(self.unit_price.0)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct TaxLine {
    pub rate: Amount,
    #[serde(default)]
    pub raw_rate: Option<Raw>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShippingOptions {
    #[serde(default)]
    pub shipping_options: Vec<ShippingOption>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShippingOption {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub amount: Option<Amount>,
    #[serde(default)]
    pub calculated_price: Option<CalculatedPrice>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentCollectionBody {
    pub payment_collection: PaymentCollection,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentCollection {
    pub id: String,
}

/// `POST /store/carts/{id}/complete`: an order, or the cart with an error.
#[derive(Debug, Clone, Deserialize)]
pub struct Completed {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub order: Option<OrderRef>,
    #[serde(default)]
    pub error: Option<ErrorBody>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OrderRef {
    pub id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OrdersPage {
    #[serde(default)]
    pub orders: Vec<Order>,
    pub count: Count,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Order {
    pub id: String,
    #[serde(default)]
    pub display_id: Option<Count>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub fulfillment_status: Option<String>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub currency_code: String,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub item_subtotal: Option<Amount>,
    #[serde(default)]
    pub shipping_subtotal: Option<Amount>,
    #[serde(default)]
    pub tax_total: Option<Amount>,
    #[serde(default)]
    pub items: Vec<LineItem>,
    #[serde(default)]
    pub shipping_address: Option<CustomerAddress>,
    #[serde(default)]
    pub shipping_methods: Vec<ShippingMethod>,
    #[serde(default)]
    pub fulfillments: Vec<Fulfillment>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShippingMethod {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub shipping_option_id: Option<String>,
    #[serde(default)]
    pub amount: Option<Amount>,
    #[serde(default)]
    pub raw_amount: Option<Raw>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn numbers_become_their_own_text() {
        let s = br#"{"a":7.1,"b":[1,-2e3,0.1],"c":"x 1.5 \"9\"","d":true,"e":null,"f":1e-7}"#;
        let out = String::from_utf8(exact_numbers(s)).unwrap();
        assert_eq!(out, r#"{"a":"7.1","b":["1","-2e3","0.1"],"c":"x 1.5 \"9\"","d":true,"e":null,"f":"1e-7"}"#);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["c"], "x 1.5 \"9\"");
    }

    #[test]
    fn amounts_keep_every_digit() {
        // 17 significant digits: an f64 would round this.
        let body = br#"{"a": 8.4033613445378151, "b": 141.967, "c": 2.5e-3}"#;
        #[derive(Deserialize)]
        struct T {
            a: Amount,
            b: Amount,
            c: Amount,
        }
        let t: T = serde_json::from_slice(&exact_numbers(body)).unwrap();
        assert_eq!(t.a.0, dec!(8.4033613445378151));
        assert_eq!(t.b.0, dec!(141.967));
        assert_eq!(t.c.0, dec!(0.0025));
    }

    #[test]
    fn counts_are_whole() {
        #[derive(Deserialize)]
        struct T {
            a: Count,
            b: Count,
        }
        let t: T = serde_json::from_slice(&exact_numbers(br#"{"a": 3, "b": 2.0}"#)).unwrap();
        assert_eq!((t.a.0, t.b.0), (3, 2));
        assert!(serde_json::from_slice::<T>(&exact_numbers(br#"{"a": 1.5, "b": 1}"#)).is_err());
        assert_eq!(Count(-4).as_u32(), 0);
    }

    #[test]
    fn metadata_entries_as_text() {
        let m: Metadata =
            serde_json::from_slice(&exact_numbers(br#"{"po_number":"PO-1","ship_complete":true,"n":5,"empty":" "}"#))
                .unwrap();
        assert_eq!(meta(&m, "po_number").as_deref(), Some("PO-1"));
        assert_eq!(meta(&m, "ship_complete").as_deref(), Some("true"));
        assert_eq!(meta(&m, "n").as_deref(), Some("5"));
        assert_eq!(meta(&m, "empty"), None);
        assert_eq!(meta(&None, "x"), None);
    }
}
