//! What a buyer is shown about a part's prices and quantities before adding
//! it: the price of a typed quantity and of the next tier, the tier table
//! with an orderable example quantity for each tier, and the check of a
//! typed quantity. The faces format the amounts; the figures come from here.

use crate::api::{Product, Tier};
use crate::core::money;
use crate::core::quantity::parse_quantity;
pub use crate::core::quantity::{QuantityError, QuantityRules};
use rust_decimal::Decimal;

/// A quantity at a unit price, and what that line costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinePrice {
    pub qty: u32,
    /// The price of `base_quantity` units (1 but for a Peppol catalogue's
    /// price of several); `core::text::format_price` writes both.
    pub unit_price: Decimal,
    pub base_quantity: Decimal,
    pub total: Decimal,
}

impl LinePrice {
    /// `qty` at the price its tier gives; `None` without tiers.
    pub fn for_qty(tiers: &[Tier], qty: u32) -> Option<LinePrice> {
        money::tier_for(tiers, qty).map(|t| LinePrice::at(t, qty))
    }

    fn at(tier: &Tier, qty: u32) -> LinePrice {
        LinePrice {
            qty,
            unit_price: tier.unit_price,
            base_quantity: tier.base_quantity,
            total: money::line_total_per(tier.unit_price, tier.base_quantity, qty),
        }
    }
}

/// The next cheaper tier: from how many, at what unit price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextTier {
    pub min_qty: u32,
    pub unit_price: Decimal,
    pub base_quantity: Decimal,
}

/// What a quantity costs now, and what buying more would cost per unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PriceHint {
    pub now: Option<LinePrice>,
    pub next: Option<NextTier>,
}

pub fn price_hint(tiers: &[Tier], qty: u32) -> PriceHint {
    PriceHint {
        now: LinePrice::for_qty(tiers, qty),
        next: money::next_tier(tiers, qty).map(|t| NextTier {
            min_qty: t.min_qty,
            unit_price: t.unit_price,
            base_quantity: t.base_quantity,
        }),
    }
}

/// One row of a part's tier table, with the smallest orderable quantity from
/// the tier's start as an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierRow {
    pub min_qty: u32,
    pub unit_price: Decimal,
    pub base_quantity: Decimal,
    pub example: LinePrice,
}

/// A part's quantity rules and prices, as the detail views show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartPricing {
    pub rules: QuantityRules,
    /// The smallest quantity that can be ordered.
    pub smallest: u32,
    /// The tiers by their starting quantity; empty without prices.
    pub tiers: Vec<TierRow>,
    /// The smallest order and what it costs; `None` without prices.
    pub smallest_order: Option<LinePrice>,
}

pub fn part_pricing(product: &Product, tiers: &[Tier]) -> PartPricing {
    let rules = QuantityRules::of(product, tiers);
    let smallest = rules.smallest();
    let mut sorted = tiers.to_vec();
    sorted.sort_by_key(|t| t.min_qty);
    let rows = sorted
        .iter()
        .map(|t| TierRow {
            min_qty: t.min_qty,
            unit_price: t.unit_price,
            base_quantity: t.base_quantity,
            example: LinePrice::at(t, rules.next_valid(t.min_qty)),
        })
        .collect();
    PartPricing { rules, smallest, tiers: rows, smallest_order: LinePrice::for_qty(tiers, smallest) }
}

/// Entering a quantity of one part: its rules and its tiers.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantityEntry {
    pub rules: QuantityRules,
    pub tiers: Vec<Tier>,
}

/// A typed quantity read as a number: what it costs and, when it cannot be
/// ordered as typed, why (with the next valid quantity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityCheck {
    pub qty: u32,
    pub hint: PriceHint,
    pub problem: Option<QuantityError>,
}

impl QuantityCheck {
    /// The quantity, if it can be ordered as typed.
    pub fn orderable(&self) -> Result<u32, &QuantityError> {
        match &self.problem {
            Some(e) => Err(e),
            None => Ok(self.qty),
        }
    }
}

impl QuantityEntry {
    pub fn new(rules: QuantityRules, tiers: Vec<Tier>) -> QuantityEntry {
        QuantityEntry { rules, tiers }
    }

    pub fn of(product: &Product, tiers: &[Tier]) -> QuantityEntry {
        QuantityEntry::new(QuantityRules::of(product, tiers), tiers.to_vec())
    }

    /// The quantity to suggest: the smallest valid one.
    pub fn suggested(&self) -> u32 {
        self.rules.smallest()
    }

    /// Reads `text` as a quantity and checks it against the rules. `Err`:
    /// the text is not a quantity at all.
    pub fn check(&self, text: &str) -> Result<QuantityCheck, String> {
        let qty = parse_quantity(text)?;
        Ok(QuantityCheck { qty, hint: price_hint(&self.tiers, qty), problem: self.rules.check(qty).err() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn tiers() -> Vec<Tier> {
        vec![Tier::new(100, dec!(5.50)), Tier::new(1, dec!(6.90)), Tier::new(10, dec!(6.10))]
    }

    fn product(pack: u32, min: u32, step: u32) -> Product {
        crate::core::basket::tests::product("P-1", pack, min, step)
    }

    #[test]
    fn hint_prices_the_quantity_and_names_the_next_tier() {
        let h = price_hint(&tiers(), 8);
        assert_eq!(
            h.now,
            Some(LinePrice { qty: 8, unit_price: dec!(6.90), base_quantity: dec!(1), total: dec!(55.20) })
        );
        assert_eq!(h.next, Some(NextTier { min_qty: 10, unit_price: dec!(6.10), base_quantity: dec!(1) }));
        let top = price_hint(&tiers(), 250);
        assert_eq!(top.now.map(|l| l.total), Some(dec!(1375.00)));
        assert_eq!(top.next, None);
    }

    #[test]
    fn hint_without_prices_is_empty() {
        assert_eq!(price_hint(&[], 5), PriceHint::default());
    }

    #[test]
    fn tier_rows_are_sorted_and_give_orderable_examples() {
        // Packs of 25: the tier from 10 is first orderable at 25, the one from 100 at 100.
        let p = part_pricing(&product(25, 1, 1), &tiers());
        assert_eq!(p.smallest, 25);
        let rows: Vec<_> = p.tiers.iter().map(|r| (r.min_qty, r.example.qty, r.example.total)).collect();
        assert_eq!(rows, vec![(1, 25, dec!(172.50)), (10, 25, dec!(152.50)), (100, 100, dec!(550.00))]);
        assert_eq!(
            p.smallest_order,
            Some(LinePrice { qty: 25, unit_price: dec!(6.10), base_quantity: dec!(1), total: dec!(152.50) })
        );
    }

    /// A Peppol catalogue's 1.00 per 3 from 1 and 0.90 per 3 from 300: the
    /// figures keep the base quantity, and the totals are exact.
    #[test]
    fn a_price_per_base_quantity_is_shown_and_totalled_with_it() {
        let tiers = vec![Tier::per(1, dec!(1.00), dec!(3)), Tier::per(300, dec!(0.90), dec!(3))];
        let h = price_hint(&tiers, 299);
        assert_eq!(h.now.map(|l| (l.unit_price, l.base_quantity, l.total)), Some((dec!(1.00), dec!(3), dec!(99.67))));
        assert_eq!(h.next.map(|t| (t.min_qty, t.base_quantity)), Some((300, dec!(3))));
        let top = price_hint(&tiers, 999_999_999).now.unwrap();
        assert_eq!(top.total, dec!(299999999.70));
        let p = part_pricing(&product(1, 1, 1), &tiers);
        assert_eq!(p.tiers[1].example.total, dec!(90.00));
        assert_eq!(p.tiers[0].base_quantity, dec!(3));
    }

    #[test]
    fn pricing_without_prices_still_has_the_rules() {
        let p = part_pricing(&product(1, 5, 5), &[]);
        assert_eq!(p.smallest, 5);
        assert!(p.tiers.is_empty());
        assert_eq!(p.smallest_order, None);
    }

    #[test]
    fn entry_checks_a_typed_quantity() {
        let e = QuantityEntry::of(&product(10, 20, 10), &tiers());
        assert_eq!(e.suggested(), 20);
        let ok = e.check(" 30 ").expect("a number");
        assert_eq!(ok.orderable(), Ok(30));
        assert_eq!(ok.hint.now.map(|l| l.total), Some(dec!(183.00)));
        let off = e.check("25").expect("a number");
        let err = off.orderable().expect_err("not a multiple of the pack");
        assert_eq!(err.suggested, 30);
        // Still priced, so the buyer sees what 25 would cost.
        assert_eq!(off.hint.now.map(|l| l.unit_price), Some(dec!(6.10)));
        assert!(e.check("abc").is_err());
        assert!(e.check("0").is_err());
    }
}
