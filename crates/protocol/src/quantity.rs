//! Quantity rules of a part: pack size, minimum order quantity and order step.
//!
//! A valid quantity is a positive whole number that is at least the minimum,
//! a multiple of the pack size, and reaches from the part's `min_qty` in
//! whole steps. The minimum is the larger of the part's `min_qty` and where
//! its price list's first tier starts: a distributor's price breaks start
//! at the reel or the cut-tape minimum, and a quantity below the first break
//! has no price, so it is below the minimum like any other.

use crate::api::{Product, Tier};
use crate::limits::MAX_QUANTITY;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuantityRules {
    pub pack_size: u32,
    /// The part's own minimum order quantity; steps count from it.
    pub min_qty: u32,
    pub order_step: u32,
    /// Where the first price tier starts (1 without tiers).
    pub first_tier: u32,
}

impl QuantityRules {
    pub fn new(pack_size: u32, min_qty: u32, order_step: u32) -> Self {
        QuantityRules {
            pack_size: pack_size.max(1),
            min_qty: min_qty.max(1),
            order_step: order_step.max(1),
            first_tier: 1,
        }
    }

    /// The rules of a part priced with `tiers` (the buyer's price list; empty
    /// for a part without prices).
    pub fn of(product: &Product, tiers: &[Tier]) -> Self {
        Self::new(product.pack_size, product.min_qty, product.order_step).with_first_tier(tiers)
    }

    /// These rules with the minimum raised to where the first of `tiers` starts.
    pub fn with_first_tier(mut self, tiers: &[Tier]) -> Self {
        self.first_tier = tiers.iter().map(|t| t.min_qty).min().unwrap_or(1).max(1);
        self
    }

    /// The minimum order quantity: the part's, or the first tier's when that is higher.
    pub fn minimum(&self) -> u32 {
        self.min_qty.max(self.first_tier)
    }

    /// The smallest valid quantity.
    pub fn smallest(&self) -> u32 {
        self.next_valid(1)
    }

    pub fn is_valid(&self, qty: u32) -> bool {
        qty >= 1
            && qty >= self.minimum()
            && qty.is_multiple_of(self.pack_size)
            && (qty - self.min_qty).is_multiple_of(self.order_step)
    }

    /// The smallest valid quantity that is not below `qty`.
    pub fn next_valid(&self, qty: u32) -> u32 {
        let mut q = qty.max(self.minimum()).max(1);
        // Bounded: the pattern of valid quantities repeats every lcm(pack, step).
        // Also bounded in work: rules far outside `crate::limits` fall back below.
        let period = self.pack_size.saturating_mul(self.order_step).max(1).saturating_mul(2).min(1 << 20);
        let limit = q.saturating_add(period);
        while q < limit {
            if self.is_valid(q) {
                return q;
            }
            q += 1;
        }
        // Rules without a common valid quantity near here; fall back to packs.
        qty.div_ceil(self.pack_size).max(1).saturating_mul(self.pack_size)
    }

    pub fn check(&self, qty: u32) -> Result<(), QuantityError> {
        if qty > MAX_QUANTITY {
            let suggested = MAX_QUANTITY / self.pack_size * self.pack_size;
            return Err(QuantityError { qty, suggested, rules: *self });
        }
        if qty == 0 {
            return Err(QuantityError { qty, suggested: self.smallest(), rules: *self });
        }
        if self.is_valid(qty) {
            Ok(())
        } else {
            Err(QuantityError { qty, suggested: self.next_valid(qty), rules: *self })
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantityError {
    pub qty: u32,
    pub suggested: u32,
    pub rules: QuantityRules,
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.rules;
        if self.qty > MAX_QUANTITY {
            return write!(f, "quantity {} is too large: the most is {MAX_QUANTITY}", self.qty);
        }
        let mut why = Vec::new();
        if self.qty < r.minimum() {
            if r.first_tier > r.min_qty {
                why.push(format!("minimum order quantity is {}, where your price tiers start", r.first_tier));
            } else {
                why.push(format!("minimum order quantity is {}", r.min_qty));
            }
        }
        if r.pack_size > 1 && !self.qty.is_multiple_of(r.pack_size) {
            why.push(format!("sold in packs of {}", r.pack_size));
        }
        if r.order_step > 1 && self.qty >= r.min_qty && !(self.qty - r.min_qty).is_multiple_of(r.order_step) {
            why.push(format!("ordered in steps of {} from {}", r.order_step, r.min_qty));
        }
        if self.qty == 0 {
            why = vec!["quantity must be at least 1".to_string()];
        }
        write!(f, "quantity {} is not valid ({}); next valid quantity is {}", self.qty, why.join(", "), self.suggested)
    }
}

/// Parses a quantity typed by a person: a positive whole number.
pub fn parse_quantity(text: &str) -> Result<u32, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("quantity is missing".into());
    }
    let digits = t.strip_prefix('+').unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        // Any length of digits: a number too big for u64 is still "too large".
        return match digits.parse::<u64>() {
            Ok(0) => Err(format!("quantity must be a positive whole number, got {t}")),
            Ok(n) if n <= u64::from(MAX_QUANTITY) => Ok(n as u32),
            _ => Err(format!("quantity {t} is too large: the most is {MAX_QUANTITY}")),
        };
    }
    match t.parse::<i64>() {
        Ok(_) => Err(format!("quantity must be a positive whole number, got {t}")),
        Err(_) if t.starts_with('-') && t[1..].bytes().all(|b| b.is_ascii_digit()) => {
            Err(format!("quantity must be a positive whole number, got {t}"))
        }
        Err(_) => Err(format!("quantity must be a positive whole number, got {t:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_part_takes_any_positive_quantity() {
        let r = QuantityRules::new(1, 1, 1);
        assert!(r.check(1).is_ok());
        assert!(r.check(17).is_ok());
        assert_eq!(r.check(0).unwrap_err().suggested, 1);
    }

    #[test]
    fn pack_size_is_enforced() {
        let r = QuantityRules::new(100, 100, 100);
        assert!(r.check(200).is_ok());
        let e = r.check(150).unwrap_err();
        assert_eq!(e.suggested, 200);
        assert!(e.to_string().contains("packs of 100"), "{e}");
        assert_eq!(r.check(1).unwrap_err().suggested, 100);
    }

    #[test]
    fn minimum_and_step() {
        let r = QuantityRules::new(1, 10, 5);
        assert!(r.check(10).is_ok());
        assert!(r.check(15).is_ok());
        assert_eq!(r.check(12).unwrap_err().suggested, 15);
        let e = r.check(3).unwrap_err();
        assert_eq!(e.suggested, 10);
        assert!(e.to_string().contains("minimum order quantity is 10"), "{e}");
    }

    fn tiers(from: &[u32]) -> Vec<Tier> {
        from.iter().map(|&min_qty| Tier::new(min_qty, rust_decimal::Decimal::ONE)).collect()
    }

    /// Price breaks that start above the part's minimum raise it: the same
    /// error and suggestion as below the minimum.
    #[test]
    fn the_first_price_tier_raises_the_minimum() {
        // A reel: breaks from 4,000, sold in reels of 4,000.
        let reel = QuantityRules::new(4000, 1, 1).with_first_tier(&tiers(&[8000, 4000]));
        assert_eq!(reel.minimum(), 4000);
        assert_eq!(reel.smallest(), 4000);
        let e = reel.check(1000).unwrap_err();
        assert_eq!(e.suggested, 4000);
        assert!(e.to_string().contains("minimum order quantity is 4000, where your price tiers start"), "{e}");
        assert!(reel.check(8000).is_ok());
        // Cut tape: breaks from 10, any quantity above.
        let tape = QuantityRules::new(1, 1, 1).with_first_tier(&tiers(&[10, 100, 1000]));
        assert_eq!(tape.check(9).unwrap_err().suggested, 10);
        assert!(tape.check(11).is_ok());
        // Steps still count from the part's own minimum: 5, 10, 15 … from 12 on.
        let stepped = QuantityRules::new(1, 5, 5).with_first_tier(&tiers(&[12]));
        assert_eq!(stepped.smallest(), 15);
        assert_eq!(stepped.check(10).unwrap_err().suggested, 15);
        // A part's own higher minimum wins; without tiers nothing changes.
        let own = QuantityRules::new(1, 50, 1).with_first_tier(&tiers(&[10]));
        assert_eq!(own.minimum(), 50);
        assert!(own.check(20).unwrap_err().to_string().contains("minimum order quantity is 50)"));
        assert_eq!(QuantityRules::new(1, 3, 1).with_first_tier(&[]), QuantityRules::new(1, 3, 1));
    }

    #[test]
    fn parses_quantities() {
        assert_eq!(parse_quantity(" 12 "), Ok(12));
        assert!(parse_quantity("0").is_err());
        assert!(parse_quantity("-3").is_err());
        assert!(parse_quantity("2.5").is_err());
        assert!(parse_quantity("abc").is_err());
        assert!(parse_quantity("").is_err());
        let e = parse_quantity("99999999999999999999999").unwrap_err();
        assert!(e.contains("too large") && e.contains("1000000000"), "{e}");
        assert!(parse_quantity("1000000001").unwrap_err().contains("too large"));
        assert_eq!(parse_quantity("1000000000"), Ok(MAX_QUANTITY));
    }

    #[test]
    fn too_large_says_the_maximum() {
        let e = QuantityRules::new(1, 1, 1).check(u32::MAX).unwrap_err();
        assert!(e.to_string().contains("too large: the most is 1000000000"), "{e}");
        // Rules at the edge of u32 finish and do not overflow.
        let r = QuantityRules::new(u32::MAX, u32::MAX, u32::MAX);
        let _ = r.next_valid(u32::MAX - 1);
    }
}
