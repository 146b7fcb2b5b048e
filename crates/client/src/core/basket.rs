//! Baskets: quick-reorder templates kept across sessions.
//!
//! A basket is plain data (serialised as TOML by the store). Everything that
//! changes or prices a basket lives here, free of IO.

use crate::api::{LineError, PriceEntry, Product, Tier, Totals, codes};
use crate::core::money;
use crate::core::quantity::{QuantityError, QuantityRules};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Basket {
    pub name: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub lines: Vec<BasketLine>,
    /// A submission that was started but not confirmed by the shop. Its
    /// idempotency key is reused on every retry so an order is never doubled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<PendingSubmission>,
    /// Orders placed from this basket, newest last.
    #[serde(default)]
    pub orders: Vec<PlacedOrder>,
    /// A quote request sent but not confirmed; its key is reused on retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_quote: Option<PendingSubmission>,
    /// Quote requests made from this basket (number and date), newest last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<PlacedOrder>,
    /// The last order placed from this basket with its key and draft: the
    /// same submission again (a rerun, a second process) is a replay of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_submission: Option<Submission>,
    /// The `name` written inside the file when it differs from the file's
    /// name (a copied file): the file's name wins, this is only reported.
    #[serde(skip)]
    pub name_in_file: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BasketLine {
    pub sku: String,
    pub qty: u32,
    /// A line note such as a cost centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The unit price the buyer agreed to: seen and accepted (adding the
    /// part, a priced basket shown at a terminal) or paid on the last order.
    /// A submission at another price stops unless that change is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreed_price: Option<Decimal>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PendingSubmission {
    pub idempotency_key: String,
    pub po_number: String,
    pub started_at: DateTime<Utc>,
    /// The order as it is sent, with the prices the buyer accepted: a
    /// waiting submission is resumed with exactly this and the same key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<crate::api::OrderDraft>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Submission {
    pub idempotency_key: String,
    pub order: String,
    pub draft: crate::api::OrderDraft,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlacedOrder {
    pub number: String,
    pub date: NaiveDate,
    pub po_number: String,
}

/// What went wrong changing a basket.
#[derive(Debug, Clone, PartialEq)]
pub enum BasketError {
    UnknownSku {
        sku: String,
        suggestions: Vec<String>,
    },
    /// A type number that names several parts: the buyer must choose.
    Ambiguous {
        text: String,
        skus: Vec<String>,
    },
    Quantity {
        sku: String,
        error: QuantityError,
    },
    BadQuantity {
        sku: String,
        reason: String,
    },
    NotInBasket {
        sku: String,
    },
}

impl fmt::Display for BasketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BasketError::UnknownSku { sku, suggestions } => {
                write!(f, "unknown SKU {sku:?}")?;
                if !suggestions.is_empty() {
                    write!(f, " (did you mean {}?)", suggestions.join(", "))?;
                }
                Ok(())
            }
            BasketError::Ambiguous { text, skus } => {
                write!(f, "type number {text:?} matches several parts: {}; use the SKU", skus.join(", "))
            }
            BasketError::Quantity { sku, error } => write!(f, "{sku}: {error}"),
            BasketError::BadQuantity { sku, reason } => write!(f, "{sku}: {reason}"),
            BasketError::NotInBasket { sku } => write!(f, "{sku} is not in the basket"),
        }
    }
}

impl std::error::Error for BasketError {}

/// Valid basket names: letters, digits, '-', '_' and '.', not starting with '.'.
pub fn validate_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 64 {
        return Err("a basket name has 1 to 64 characters".into());
    }
    if name.starts_with('.') || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        return Err(format!(
            "basket name {name:?} may only use letters, digits, '-', '_' and '.', and not start with '.'"
        ));
    }
    Ok(())
}

impl Basket {
    pub fn new(name: &str, now: DateTime<Utc>) -> Self {
        Basket {
            name: name.to_string(),
            created_at: now,
            lines: vec![],
            pending: None,
            orders: vec![],
            pending_quote: None,
            quotes: vec![],
            last_submission: None,
            name_in_file: None,
        }
    }

    /// Records the unit price the buyer agreed to for a line.
    pub fn agree(&mut self, sku: &str, price: Option<Decimal>) {
        if let Some(l) = self.lines.iter_mut().find(|l| l.sku == sku) {
            l.agreed_price = price;
        }
    }

    pub fn line(&self, sku: &str) -> Option<&BasketLine> {
        self.lines.iter().find(|l| l.sku == sku)
    }

    /// Adds `qty` of a part priced with `tiers`; an existing line grows. The
    /// resulting quantity must satisfy the part's rules.
    pub fn add(&mut self, product: &Product, tiers: &[Tier], qty: u32) -> Result<u32, BasketError> {
        let current = self.line(&product.sku).map(|l| l.qty).unwrap_or(0);
        let total = current.saturating_add(qty);
        check_qty(product, tiers, total)?;
        match self.lines.iter_mut().find(|l| l.sku == product.sku) {
            Some(l) => l.qty = total,
            None => {
                self.lines.push(BasketLine { sku: product.sku.clone(), qty: total, note: None, agreed_price: None })
            }
        }
        Ok(total)
    }

    /// Sets the quantity of a part priced with `tiers`, adding the line if needed.
    pub fn set(&mut self, product: &Product, tiers: &[Tier], qty: u32) -> Result<(), BasketError> {
        check_qty(product, tiers, qty)?;
        match self.lines.iter_mut().find(|l| l.sku == product.sku) {
            Some(l) => l.qty = qty,
            None => self.lines.push(BasketLine { sku: product.sku.clone(), qty, note: None, agreed_price: None }),
        }
        Ok(())
    }

    pub fn set_note(&mut self, sku: &str, note: Option<String>) -> Result<(), BasketError> {
        let line = self
            .lines
            .iter_mut()
            .find(|l| l.sku == sku)
            .ok_or_else(|| BasketError::NotInBasket { sku: sku.to_string() })?;
        line.note = note.filter(|n| !n.trim().is_empty());
        Ok(())
    }

    pub fn remove(&mut self, sku: &str) -> Result<(), BasketError> {
        let before = self.lines.len();
        self.lines.retain(|l| l.sku != sku);
        if self.lines.len() == before {
            return Err(BasketError::NotInBasket { sku: sku.to_string() });
        }
        Ok(())
    }
}

/// `qty` against the rules of a part priced with `tiers` (below the first
/// tier is below the minimum).
pub fn check_qty(product: &Product, tiers: &[Tier], qty: u32) -> Result<(), BasketError> {
    QuantityRules::of(product, tiers)
        .check(qty)
        .map_err(|error| BasketError::Quantity { sku: product.sku.clone(), error })
}

/// The warning of a part without a price in the buyer's price list.
pub const PRICE_ON_REQUEST: &str = "price on request — request a quote";

/// Read access to the parts and prices a basket is priced against.
pub trait PartLookup {
    fn product(&self, sku: &str) -> Option<Product>;
    fn prices(&self, sku: &str) -> Option<PriceEntry>;
    fn currency(&self) -> String;
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PricedBasketLine {
    pub sku: String,
    pub name: String,
    /// `quantity` in JSON, as on the wire.
    #[serde(rename = "quantity")]
    pub qty: u32,
    pub note: Option<String>,
    /// The price of `base_quantity` units; `None` without a price.
    pub unit_price: Option<Decimal>,
    /// How many units `unit_price` is for: 1 unless a Peppol catalogue
    /// prices per several (1.00 per 3); left out of the JSON when 1.
    #[serde(skip_serializing_if = "is_one")]
    pub base_quantity: Decimal,
    /// The price of one unit the buyer agreed to, when known; it differs
    /// from the price now (`unit_price_each`) when the price list changed since.
    pub agreed_price: Option<Decimal>,
    pub line_total: Option<Decimal>,
    pub vat_rate: Option<Decimal>,
    pub stock: Option<u32>,
    pub lead_time_days: Option<u32>,
    pub warnings: Vec<String>,
}

fn is_one(d: &Decimal) -> bool {
    *d == Decimal::ONE
}

impl PricedBasketLine {
    /// The price of one unit now, as an agreed price is kept (`money::per_unit`).
    pub fn unit_price_each(&self) -> Option<Decimal> {
        self.unit_price.map(|p| money::per_unit(p, self.base_quantity))
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PricedBasket {
    pub name: String,
    pub lines: Vec<PricedBasketLine>,
    pub totals: Totals,
    /// True when the basket has lines and none has a warning (a rule it
    /// breaks, a part discontinued, gone or without a price).
    pub orderable: bool,
}

/// Prices a basket from the cache: tier price per quantity, totals with VAT
/// (shipping is not known until the shop previews an order), warnings for
/// rule breaks and parts no longer in the catalog.
pub fn price(basket: &Basket, lookup: &impl PartLookup) -> PricedBasket {
    checked(basket, lookup).0
}

/// The basket priced as `price` does, and what keeps each line from being
/// ordered as it is: one entry per warning, with the basket line it is on,
/// the protocol's code for it (the code the shop would answer with) and, for
/// a quantity, the next valid one. A basket is orderable when it has lines
/// and none of them has a problem.
pub fn checked(basket: &Basket, lookup: &impl PartLookup) -> (PricedBasket, Vec<LineError>) {
    let mut lines = Vec::with_capacity(basket.lines.len());
    let mut problems = Vec::new();
    for (i, l) in basket.lines.iter().enumerate() {
        let mut found: Vec<(&str, String, Option<u32>)> = Vec::new();
        let product = lookup.product(&l.sku);
        let prices = lookup.prices(&l.sku);
        let tiers = prices.as_ref().map_or(&[][..], |e| &e.tiers);
        match &product {
            None => found.push((codes::UNKNOWN_SKU, "no longer in the catalog".to_string(), None)),
            Some(p) => {
                if let Err(e) = QuantityRules::of(p, tiers).check(l.qty) {
                    found.push((codes::INVALID_QUANTITY, e.to_string(), Some(e.suggested)));
                }
                if p.discontinued {
                    let why = match &p.replaced_by {
                        Some(s) => format!("discontinued, replaced by {s}"),
                        None => "discontinued".to_string(),
                    };
                    found.push((codes::DISCONTINUED, why, None));
                }
            }
        }
        let tier = money::tier_for(tiers, l.qty);
        if product.is_some() && tier.is_none() {
            found.push((codes::PRICE_ON_REQUEST, PRICE_ON_REQUEST.to_string(), None));
        }
        let line_total = tier.and_then(|t| t.checked_line_total(l.qty));
        if tier.is_some() && line_total.is_none() {
            found.push((codes::AMOUNT_TOO_LARGE, "price × quantity is too large to total".to_string(), None));
        }
        let warnings = found.iter().map(|(_, message, _)| message.clone()).collect();
        problems.extend(found.into_iter().map(|(code, message, suggested_quantity)| LineError {
            line: i,
            sku: l.sku.clone(),
            code: code.to_string(),
            message,
            current_unit_price: None,
            suggested_quantity,
        }));
        lines.push(PricedBasketLine {
            sku: l.sku.clone(),
            name: product.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
            qty: l.qty,
            note: l.note.clone(),
            unit_price: tier.map(|t| t.unit_price),
            base_quantity: tier.map_or(Decimal::ONE, |t| t.base_quantity),
            agreed_price: l.agreed_price,
            line_total,
            vat_rate: prices.as_ref().map(|e| e.vat_rate),
            stock: product.as_ref().map(|p| p.stock),
            lead_time_days: product.as_ref().map(|p| p.lead_time_days),
            warnings,
        });
    }
    let mut orderable = !basket.lines.is_empty() && problems.is_empty();
    let currency = lookup.currency();
    let totals = money::checked_totals(
        &currency,
        lines.iter().filter_map(|l| Some((l.line_total?, l.vat_rate?))),
        Decimal::ZERO,
    )
    .unwrap_or_else(|| {
        orderable = false;
        money::totals(&currency, [], Decimal::ZERO)
    });
    (PricedBasket { name: basket.name.clone(), lines, totals, orderable }, problems)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::api::Tier;
    use rust_decimal_macros::dec;
    use std::collections::HashMap;

    pub fn product(sku: &str, pack: u32, min: u32, step: u32) -> Product {
        Product {
            sku: sku.into(),
            mpn: String::new(),
            manufacturer: String::new(),
            gtin: String::new(),
            name: format!("Part {sku}"),
            description: String::new(),
            category: String::new(),
            unit: "pc".into(),
            pack_size: pack,
            min_qty: min,
            order_step: step,
            stock: 10,
            lead_time_days: 2,
            attributes: vec![],
            documents: vec![],
            replaced_by: None,
            discontinued: false,
        }
    }

    struct Lookup(HashMap<String, (Product, PriceEntry)>);
    impl PartLookup for Lookup {
        fn product(&self, sku: &str) -> Option<Product> {
            self.0.get(sku).map(|x| x.0.clone())
        }
        fn prices(&self, sku: &str) -> Option<PriceEntry> {
            self.0.get(sku).map(|x| x.1.clone())
        }
        fn currency(&self) -> String {
            "EUR".into()
        }
    }

    #[test]
    fn add_merges_and_checks_rules() {
        let p = product("A", 10, 10, 10);
        let mut b = Basket::new("x", Utc::now());
        assert_eq!(b.add(&p, &[], 10).unwrap(), 10);
        assert_eq!(b.add(&p, &[], 20).unwrap(), 30);
        assert_eq!(b.lines.len(), 1);
        let err = b.add(&p, &[], 5).unwrap_err();
        assert!(err.to_string().contains("next valid quantity is 40"), "{err}");
        assert_eq!(b.line("A").unwrap().qty, 30, "a rejected add changes nothing");
        b.remove("A").unwrap();
        assert!(b.remove("A").is_err());
    }

    #[test]
    fn prices_with_tiers_and_flags_missing_parts() {
        let p = product("A", 1, 1, 1);
        let entry = PriceEntry {
            sku: "A".into(),
            tiers: vec![Tier::new(1, dec!(2.00)), Tier::new(10, dec!(1.50))],
            vat_rate: dec!(19),
        };
        let lookup = Lookup(HashMap::from([("A".to_string(), (p.clone(), entry))]));
        let mut b = Basket::new("x", Utc::now());
        b.set(&p, &[], 12).unwrap();
        b.lines.push(BasketLine { sku: "GONE".into(), qty: 1, note: None, agreed_price: None });
        let priced = price(&b, &lookup);
        assert_eq!(priced.lines[0].unit_price, Some(dec!(1.50)));
        assert_eq!(priced.lines[0].line_total, Some(dec!(18.00)));
        assert_eq!(priced.totals.net, dec!(18.00));
        assert_eq!(priced.totals.vat, dec!(3.42));
        assert!(priced.lines[1].warnings.iter().any(|w| w.contains("no longer in the catalog")));
        assert!(!priced.orderable);
    }

    /// A resistor reel: price breaks from 4,000 at five decimals.
    #[test]
    fn a_reel_is_priced_exactly_and_not_below_its_first_tier() {
        let p = product("R", 1, 1, 1);
        let tiers = vec![Tier::new(4000, dec!(0.00868)), Tier::new(20000, dec!(0.00791))];
        let entry = PriceEntry { sku: "R".into(), tiers: tiers.clone(), vat_rate: dec!(19) };
        let lookup = Lookup(HashMap::from([("R".to_string(), (p.clone(), entry))]));
        let mut b = Basket::new("x", Utc::now());
        let err = b.add(&p, &tiers, 1000).unwrap_err();
        assert!(err.to_string().contains("minimum order quantity is 4000"), "{err}");
        assert!(err.to_string().contains("next valid quantity is 4000"), "{err}");
        assert_eq!(b.add(&p, &tiers, 10_000).unwrap(), 10_000);
        let priced = price(&b, &lookup);
        assert_eq!(priced.lines[0].unit_price, Some(dec!(0.00868)));
        assert_eq!(priced.lines[0].line_total.map(|t| t.to_string()), Some("86.80".into()));
        assert!(priced.orderable);
        // A line below the first tier (written by hand, or the tiers moved) is flagged.
        b.lines[0].qty = 1000;
        let priced = price(&b, &lookup);
        assert!(priced.lines[0].warnings.iter().any(|w| w.contains("minimum order quantity is 4000")));
        assert!(!priced.orderable);
    }

    /// Any warning makes a basket not orderable, a discontinued part too, and
    /// each is a problem with the shop's code for it.
    #[test]
    fn a_warned_line_is_a_coded_problem_and_the_basket_not_orderable() {
        let entry =
            |sku: &str| PriceEntry { sku: sku.into(), tiers: vec![Tier::new(1, dec!(2.00))], vat_rate: dec!(19) };
        let old = Product { discontinued: true, replaced_by: Some("NEW".into()), ..product("OLD", 1, 1, 1) };
        let packs = product("PACK", 100, 100, 1);
        let lookup = Lookup(HashMap::from([
            ("OLD".to_string(), (old, entry("OLD"))),
            ("PACK".to_string(), (packs, entry("PACK"))),
        ]));
        let mut b = Basket::new("x", Utc::now());
        b.lines.push(BasketLine { sku: "OLD".into(), qty: 2, note: None, agreed_price: None });
        let (priced, problems) = checked(&b, &lookup);
        assert_eq!(priced.lines[0].warnings, vec!["discontinued, replaced by NEW"]);
        assert!(!priced.orderable, "a discontinued part cannot be ordered");
        assert_eq!((problems[0].line, problems[0].code.as_str()), (0, codes::DISCONTINUED));

        b.lines.push(BasketLine { sku: "PACK".into(), qty: 150, note: None, agreed_price: None });
        let (_, problems) = checked(&b, &lookup);
        assert_eq!(problems.len(), 2);
        assert_eq!((problems[1].line, problems[1].code.as_str()), (1, codes::INVALID_QUANTITY));
        assert_eq!(problems[1].suggested_quantity, Some(200));
        assert!(checked(&Basket::new("empty", Utc::now()), &lookup).1.is_empty());
        assert!(!price(&Basket::new("empty", Utc::now()), &lookup).orderable, "an empty basket is not orderable");
    }

    #[test]
    fn basket_names() {
        assert!(validate_name("weekly-bearings_2").is_ok());
        assert!(validate_name("../etc").is_err());
        assert!(validate_name("").is_err());
        assert!(validate_name("a b").is_err());
    }
}
