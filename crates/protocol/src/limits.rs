//! Sane ranges for what a part and an order line may say. The shop refuses
//! values outside them on import and on every write; the client refuses
//! them when it syncs. Within them money arithmetic cannot overflow: the
//! largest line (price × quantity) is 10^16, the largest order of
//! `MAX_LINES` such lines 10^19, far below `Decimal::MAX` (about 7.9 × 10^28).

use crate::api::{Product, Tier};
use rust_decimal::Decimal;

/// The highest unit price (excluding VAT) of a part: ten million.
pub const MAX_UNIT_PRICE: Decimal = Decimal::from_parts(10_000_000, 0, 0, false, 0);
/// The most decimals of a unit price a price list holds: distributors price
/// passives with five (0.00868 a resistor off a reel).
pub const MAX_PRICE_DECIMALS: u32 = 6;
/// The largest quantity of one line.
pub const MAX_QUANTITY: u32 = 1_000_000_000;
/// The largest pack size, minimum order quantity and order step.
pub const MAX_PACK_SIZE: u32 = 1_000_000;
/// The longest lead time: ten years.
pub const MAX_LEAD_TIME_DAYS: u32 = 3650;
/// The highest VAT rate in percent.
pub const MAX_VAT_RATE: Decimal = Decimal::ONE_HUNDRED;
/// The most tiers of one price.
pub const MAX_TIERS: usize = 100;
/// The longest PO number, in characters (not bytes: "Ä" is one).
pub const MAX_PO_NUMBER_CHARS: usize = 64;

/// A PO number as an order carries it (trimmed): required, and at most
/// `MAX_PO_NUMBER_CHARS` characters. The client checks it before it sends
/// an order, the reference shop when it prices or places one.
pub fn check_po_number(po: &str) -> Result<(), String> {
    let po = po.trim();
    if po.is_empty() {
        return Err("a PO number is required".into());
    }
    let chars = po.chars().count();
    if chars > MAX_PO_NUMBER_CHARS {
        return Err(format!("the PO number has {chars} characters; the most is {MAX_PO_NUMBER_CHARS}"));
    }
    Ok(())
}

/// A unit price: not negative, at most `MAX_UNIT_PRICE`.
pub fn check_unit_price(price: Decimal) -> Result<(), String> {
    if price.is_sign_negative() && !price.is_zero() {
        return Err(format!("price {price} is negative"));
    }
    if price > MAX_UNIT_PRICE {
        return Err(format!("price {price} is too large (the most is {MAX_UNIT_PRICE})"));
    }
    Ok(())
}

/// A price a price list holds: in range (`check_unit_price`) and with at
/// most `MAX_PRICE_DECIMALS` decimals (trailing zeros do not count: 0.0834000
/// is 0.0834). The reference shop holds what it stores to this; a client
/// takes a shop's prices with any decimals and computes with them exactly.
pub fn check_list_price(price: Decimal) -> Result<(), String> {
    check_unit_price(price)?;
    if price.normalize().scale() > MAX_PRICE_DECIMALS {
        return Err(format!("price {price} has more than {MAX_PRICE_DECIMALS} decimals"));
    }
    Ok(())
}

pub fn check_vat_rate(rate: Decimal) -> Result<(), String> {
    if rate.is_sign_negative() && !rate.is_zero() || rate > MAX_VAT_RATE {
        return Err(format!("VAT rate {rate} is not between 0 and {MAX_VAT_RATE}"));
    }
    Ok(())
}

/// Tier prices as a price list carries them.
pub fn check_tiers(tiers: &[Tier]) -> Result<(), String> {
    if tiers.len() > MAX_TIERS {
        return Err(format!("{} tiers (the most is {MAX_TIERS})", tiers.len()));
    }
    for t in tiers {
        check_unit_price(t.unit_price)?;
        if t.min_qty > MAX_QUANTITY {
            return Err(format!("tier from {} is too large (the most is {MAX_QUANTITY})", t.min_qty));
        }
        // A price for several units: for more than none, and not more than an order line holds.
        if t.base_quantity <= Decimal::ZERO || t.base_quantity > Decimal::from(MAX_QUANTITY) {
            return Err(format!(
                "tier from {}: a price for {} units (above 0 and at most {MAX_QUANTITY})",
                t.min_qty,
                t.base_quantity.normalize()
            ));
        }
    }
    Ok(())
}

/// The numbers of a part: pack size, minimum, step and lead time.
pub fn check_product(p: &Product) -> Result<(), String> {
    for (what, n) in [("pack size", p.pack_size), ("minimum order quantity", p.min_qty), ("order step", p.order_step)] {
        if n > MAX_PACK_SIZE {
            return Err(format!("{what} {n} is too large (the most is {MAX_PACK_SIZE})"));
        }
    }
    if p.lead_time_days > MAX_LEAD_TIME_DAYS {
        return Err(format!("lead time of {} days is too long (the most is {MAX_LEAD_TIME_DAYS})", p.lead_time_days));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn the_largest_order_cannot_overflow() {
        let line = MAX_UNIT_PRICE.checked_mul(Decimal::from(MAX_QUANTITY)).unwrap();
        assert!(line.checked_mul(Decimal::from(1000)).unwrap().checked_mul(MAX_VAT_RATE).is_some());
    }

    /// Characters, not bytes: 64 umlauts (128 bytes) are a valid PO number, 65 are not.
    #[test]
    fn po_numbers_are_counted_in_characters() {
        let at_limit = "Ä".repeat(MAX_PO_NUMBER_CHARS);
        assert_eq!(at_limit.len(), 2 * MAX_PO_NUMBER_CHARS);
        assert!(check_po_number(&at_limit).is_ok());
        assert!(check_po_number(&format!("  {at_limit}  ")).is_ok(), "trimmed");
        let over = check_po_number(&format!("{at_limit}Ö")).unwrap_err();
        assert_eq!(over, "the PO number has 65 characters; the most is 64");
        assert_eq!(check_po_number("  ").unwrap_err(), "a PO number is required");
    }

    #[test]
    fn prices_in_range() {
        assert!(check_unit_price(dec!(0)).is_ok());
        assert!(check_unit_price(dec!(10000000)).is_ok());
        assert!(check_unit_price(dec!(-0.01)).unwrap_err().contains("negative"));
        assert!(check_unit_price(Decimal::MAX).unwrap_err().contains("too large"));
        assert!(check_list_price(dec!(0.000001)).is_ok());
        assert!(check_list_price(dec!(0.00868000)).is_ok(), "trailing zeros do not count");
        assert_eq!(check_list_price(dec!(0.0000001)).unwrap_err(), "price 0.0000001 has more than 6 decimals");
        assert!(check_list_price(dec!(-0.000001)).unwrap_err().contains("negative"));
        assert!(check_tiers(&[Tier::per(1, dec!(1), dec!(3))]).is_ok());
        let zero = check_tiers(&[Tier::per(10, dec!(1), dec!(0))]).unwrap_err();
        assert_eq!(zero, "tier from 10: a price for 0 units (above 0 and at most 1000000000)");
    }
}
