//! Money rules. All amounts are `rust_decimal::Decimal`, never floats.
//!
//! - Unit prices are kept exactly as the price list gives them, up to six
//!   decimals (`limits::MAX_PRICE_DECIMALS`): screws are priced at 0.0834,
//!   a resistor off a reel at 0.00868. They are never rounded, not even for
//!   display.
//! - A line total is `unit_price × quantity`, rounded to cents half away from
//!   zero (0.005 → 0.01, −0.005 → −0.01), once, after multiplying. A price
//!   for several units (a Peppol catalogue's `cbc:BaseQuantity`: 1.00 per 3)
//!   is kept as it is, with its base quantity, and a line is
//!   `unit_price × quantity ÷ base_quantity`, rounded once: 999,999,999 at
//!   1.00 per 3 is 333,333,333.00. Every line total is computed by
//!   `checked_line_total_per`.
//! - A discount (`less_percent`) rounds the price to six decimals, half away
//!   from zero.
//! - VAT is computed per VAT rate on the sum of the line totals of that rate
//!   (plus shipping at the standard rate), rounded to cents half away from zero.
//! - Gross = net + shipping + VAT.

use crate::api::{Tier, Totals};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// Round to cents, half away from zero; always written with two decimals
/// (71 → 71.00), whatever the scale of the prices it came from.
pub fn round_cents(amount: Decimal) -> Decimal {
    let mut cents = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    cents.rescale(2);
    cents
}

/// What `quantity` units cost at `unit_price` for `base_quantity` units:
/// `unit_price × quantity ÷ base_quantity`, rounded once to cents, half away
/// from zero. The one computation of every line total. `None` when it does
/// not fit a `Decimal` (values within `crate::limits` always fit) or the
/// base quantity is not above zero.
pub fn checked_line_total_per(unit_price: Decimal, base_quantity: Decimal, quantity: u32) -> Option<Decimal> {
    if base_quantity <= Decimal::ZERO {
        return None;
    }
    let total = unit_price.checked_mul(Decimal::from(quantity))?;
    // Multiplied first, divided once: 1.00 × 999,999,999 ÷ 3 is exact.
    let total = if base_quantity == Decimal::ONE { total } else { total.checked_div(base_quantity)? };
    Some(round_cents(total))
}

/// `unit_price × quantity` rounded to cents: a price per one unit.
pub fn checked_line_total(unit_price: Decimal, quantity: u32) -> Option<Decimal> {
    checked_line_total_per(unit_price, Decimal::ONE, quantity)
}

/// For display: a line total that does not fit shows as `Decimal::MAX`
/// instead of panicking. Rules that price an order use `checked_line_total_per`.
pub fn line_total_per(unit_price: Decimal, base_quantity: Decimal, quantity: u32) -> Decimal {
    checked_line_total_per(unit_price, base_quantity, quantity).unwrap_or(Decimal::MAX)
}

/// `line_total_per` of a price per one unit.
pub fn line_total(unit_price: Decimal, quantity: u32) -> Decimal {
    line_total_per(unit_price, Decimal::ONE, quantity)
}

/// The price of one unit of a price for `base_quantity` units, to compare
/// prices (an agreed price with the shop's): exact when the division is
/// (12.50 per 100 → 0.125), else to the 28 digits a `Decimal` holds (1.00
/// per 3 → 0.333…). Never used for a total: see `checked_line_total_per`.
pub fn per_unit(unit_price: Decimal, base_quantity: Decimal) -> Decimal {
    if base_quantity == Decimal::ONE || base_quantity <= Decimal::ZERO {
        return unit_price;
    }
    unit_price.checked_div(base_quantity).map(|d| d.normalize()).unwrap_or(unit_price)
}

/// The tier that applies to `quantity`: the one with the largest `min_qty`
/// not above it. Tiers need not be sorted.
pub fn tier_for(tiers: &[Tier], quantity: u32) -> Option<&Tier> {
    tiers
        .iter()
        .filter(|t| t.min_qty <= quantity)
        .max_by_key(|t| t.min_qty)
        .or_else(|| tiers.iter().min_by_key(|t| t.min_qty))
}

/// The price of one unit at `quantity` (`per_unit` of its tier's price):
/// what a buyer agrees to and a price change is measured by. Totals come
/// from the tier itself (`Tier::checked_line_total`).
pub fn unit_price_for(tiers: &[Tier], quantity: u32) -> Option<Decimal> {
    tier_for(tiers, quantity).map(Tier::per_unit)
}

/// The next cheaper tier above `quantity`, if any: what buying more would cost.
pub fn next_tier(tiers: &[Tier], quantity: u32) -> Option<&Tier> {
    tiers.iter().filter(|t| t.min_qty > quantity).min_by_key(|t| t.min_qty)
}

/// Sums lines `(line_total, vat_rate)` into totals. Shipping is taxed at the
/// highest rate among the lines (the standard rate in practice).
/// Panics never: totals that do not fit a `Decimal` are `None`.
pub fn checked_totals(
    currency: &str,
    lines: impl IntoIterator<Item = (Decimal, Decimal)>,
    shipping: Decimal,
) -> Option<Totals> {
    let mut by_rate: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for (amount, rate) in lines {
        let sum = by_rate.entry(rate.normalize()).or_default();
        *sum = sum.checked_add(amount)?;
    }
    let mut net = Decimal::ZERO;
    for v in by_rate.values() {
        net = net.checked_add(*v)?;
    }
    let shipping = round_cents(shipping);
    if shipping > Decimal::ZERO {
        let top = by_rate.keys().next_back().copied().unwrap_or_default();
        let sum = by_rate.entry(top).or_default();
        *sum = sum.checked_add(shipping)?;
    }
    let mut vat = Decimal::ZERO;
    for (rate, amount) in &by_rate {
        vat = vat.checked_add(round_cents(amount.checked_mul(*rate)? / Decimal::ONE_HUNDRED))?;
    }
    let gross = net.checked_add(shipping)?.checked_add(vat)?;
    Some(Totals { currency: currency.to_string(), net, shipping, vat, gross })
}

/// Totals for display; amounts that do not fit show as zero totals instead
/// of panicking (pricing rules use `checked_totals`).
pub fn totals(currency: &str, lines: impl IntoIterator<Item = (Decimal, Decimal)>, shipping: Decimal) -> Totals {
    checked_totals(currency, lines, shipping).unwrap_or_else(|| Totals {
        currency: currency.to_string(),
        net: Decimal::ZERO,
        shipping: Decimal::ZERO,
        vat: Decimal::ZERO,
        gross: Decimal::ZERO,
    })
}

/// A unit price less a discount in percent, rounded to six decimals half
/// away from zero, the most a price list carries (100.00 less 5 % →
/// 95.000000; 0.0834 less 12 % → 0.073392, exact: a whole percent of a price
/// with four decimals never needs rounding).
pub fn less_percent(unit_price: Decimal, percent: Decimal) -> Decimal {
    // Within the limits (price ≤ 10^7, percent 0..100) this cannot overflow;
    // outside them the price stays as it is rather than panicking.
    (Decimal::ONE_HUNDRED - percent)
        .checked_mul(unit_price)
        .map(|d| d / Decimal::ONE_HUNDRED)
        .unwrap_or(unit_price)
        .round_dp_with_strategy(crate::limits::MAX_PRICE_DECIMALS, RoundingStrategy::MidpointAwayFromZero)
}

/// A computed unit price as a price list would write it: no trailing zeros
/// beyond the cents (95.000000 → 95.00, 0.08340 → 0.0834).
pub fn tidy_price(amount: Decimal) -> Decimal {
    let mut n = amount.normalize();
    if n.scale() < 2 {
        n.rescale(2);
    }
    n
}

/// Formats an amount with at least two decimals and every decimal it has,
/// never rounded: 12.5 → "12.50", 0.0834 → "0.0834", 0.00868 → "0.00868".
pub fn format_amount(amount: Decimal) -> String {
    let n = amount.normalize();
    if n.scale() < 2 { format!("{:.2}", n) } else { n.to_string() }
}

/// A unit price for `base_quantity` units as a buyer reads it: "0.00868",
/// or "1.00 per 3" for a price of several units.
pub fn format_price(unit_price: Decimal, base_quantity: Decimal) -> String {
    if base_quantity == Decimal::ONE {
        format_amount(unit_price)
    } else {
        format!("{} per {}", format_amount(unit_price), base_quantity.normalize())
    }
}

/// Serde for an amount (a total, a shipping price, a limit): written with
/// exactly two decimals, whatever its scale (`5000` → `"5000.00"`), so
/// every JSON a client or a script reads has one form for money. Read as
/// any decimal. `#[serde(serialize_with = "money::amount::serialize")]`.
pub mod amount {
    use rust_decimal::Decimal;

    pub fn serialize<S: serde::Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::round_cents(*value).to_string())
    }

    /// For an `Option<Decimal>`: `None` stays `null`.
    pub fn serialize_option<S: serde::Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => serialize(v, s),
            None => s.serialize_none(),
        }
    }
}

/// A `SKU=PRICE` argument, e.g. `P-100233=5.90`.
pub fn parse_sku_price(s: &str) -> Result<(String, rust_decimal::Decimal), String> {
    let (sku, price) = s.rsplit_once('=').ok_or_else(|| format!("{s:?}: use SKU=PRICE, e.g. P-100233=5.90"))?;
    let price = price.trim().parse().map_err(|_| format!("{s:?}: {price:?} is not a price like 5.90"))?;
    Ok((sku.trim().to_string(), price))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn tiers() -> Vec<Tier> {
        vec![Tier::new(1, dec!(4.20)), Tier::new(10, dec!(3.90)), Tier::new(100, dec!(3.50))]
    }

    #[test]
    fn a_discount_rounds_to_six_decimals() {
        assert_eq!(tidy_price(less_percent(dec!(100.00), dec!(5))).to_string(), "95.00");
        // 0.0834 less 12 % = 0.073392, kept whole
        assert_eq!(less_percent(dec!(0.0834), dec!(12)).normalize(), dec!(0.073392));
        // 0.00868 less 12 % = 0.0076384 → 0.007638; 0.34146 less 7.5 % = 0.3158505 → 0.315851 (half away from zero)
        assert_eq!(less_percent(dec!(0.00868), dec!(12)), dec!(0.007638));
        assert_eq!(less_percent(dec!(0.34146), dec!(7.5)), dec!(0.315851));
        // 0.0000005 rounds away from zero
        assert_eq!(less_percent(dec!(0.000001), dec!(50)), dec!(0.000001));
        assert_eq!(tidy_price(less_percent(dec!(0.000001), dec!(50))).to_string(), "0.000001");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round_cents(dec!(0.005)), dec!(0.01));
        assert_eq!(round_cents(dec!(0.0049)), dec!(0.00));
        assert_eq!(round_cents(dec!(-0.005)), dec!(-0.01));
        assert_eq!(round_cents(dec!(2.675)), dec!(2.68));
        assert_eq!(round_cents(dec!(71.0)).to_string(), "71.00");
        assert_eq!(line_total(dec!(7.1), 10).to_string(), "71.00");
    }

    #[test]
    fn line_total_rounds_once_after_multiplying() {
        // 0.0834 × 7 = 0.5838 → 0.58 (rounding the unit price first would give 0.56)
        assert_eq!(line_total(dec!(0.0834), 7), dec!(0.58));
        assert_eq!(line_total(dec!(0.0125), 2), dec!(0.03));
    }

    /// Five and six decimals, as distributors price passives: the product is
    /// exact, then rounded once to cents, half away from zero.
    #[test]
    fn six_decimal_prices_times_quantities() {
        // A resistor at 0.00868 off a reel of 10,000.
        assert_eq!(line_total(dec!(0.00868), 10_000).to_string(), "86.80");
        // 0.34146 × 3 = 1.02438 → 1.02; × 25 = 8.5365 → 8.54
        assert_eq!(line_total(dec!(0.34146), 3), dec!(1.02));
        assert_eq!(line_total(dec!(0.34146), 25), dec!(8.54));
        // 0.000005 × 1,000 = 0.005: the half rounds away from zero, up to a cent.
        assert_eq!(line_total(dec!(0.000005), 1000), dec!(0.01));
        assert_eq!(line_total(dec!(0.000005), 999), dec!(0.00));
        assert_eq!(round_cents(dec!(-0.005000)), dec!(-0.01));
        // 0.123456 × 1,000,000,000 (the largest quantity) is exact: 123,456,000.00.
        assert_eq!(line_total(dec!(0.123456), 1_000_000_000).to_string(), "123456000.00");
        // 0.000999 × 5 = 0.004995 → 0.00, never rounding the price to 0.001 first (0.01).
        assert_eq!(line_total(dec!(0.000999), 5), dec!(0.00));
        // Totals of such lines: 86.80 + 8.54 at 19 % = 18.1146 → 18.11.
        let t = totals("USD", [(dec!(86.80), dec!(19)), (dec!(8.54), dec!(19))], dec!(0));
        assert_eq!((t.net, t.vat, t.gross), (dec!(95.34), dec!(18.11), dec!(113.45)));
    }

    /// A Peppol catalogue's 1.00 per 3: kept with its base quantity, the line
    /// is exact. Kept to four decimals as 0.3333 per unit, 999,999,999 pieces
    /// came to 333,299,999.67, not the supplier's 333,333,333.00.
    #[test]
    fn a_price_per_base_quantity_prices_a_line_exactly() {
        assert_eq!(line_total_per(dec!(1), dec!(3), 999_999_999).to_string(), "333333333.00");
        assert_eq!(line_total(dec!(0.3333), 999_999_999), dec!(333299999.67), "what rounding the price did");
        // Not a multiple of the base: 1.00 × 1,000,000,000 ÷ 3 = 333,333,333.33…
        assert_eq!(line_total_per(dec!(1), dec!(3), 1_000_000_000), dec!(333333333.33));
        // One unit at 0.01 per 2 is 0.005: half a cent, away from zero after dividing.
        assert_eq!(line_total_per(dec!(0.01), dec!(2), 1), dec!(0.01));
        // 12.50 per 100, 0.9 per 10 (OpenPEPPOL's order response example).
        assert_eq!(line_total_per(dec!(12.50), dec!(100), 250), dec!(31.25));
        assert_eq!(line_total_per(dec!(0.9), dec!(10), 500), dec!(45.00));
        let t = Tier::per(1, dec!(1.00), dec!(3));
        assert_eq!(t.checked_line_total(999_999_999), Some(dec!(333333333.00)));
        assert_eq!(checked_line_total_per(dec!(1), dec!(0), 3), None, "a base quantity of zero prices nothing");
        assert_eq!(checked_line_total_per(dec!(1), dec!(-3), 3), None);
        // One unit's price, to compare prices: exact when the division is.
        assert_eq!(per_unit(dec!(12.50), dec!(100)), dec!(0.125));
        assert_eq!(per_unit(dec!(1), dec!(3)), dec!(1) / dec!(3));
        assert_eq!(unit_price_for(&[Tier::per(1, dec!(0.9), dec!(10))], 500), Some(dec!(0.09)));
        assert_eq!(format_price(dec!(1), dec!(3)), "1.00 per 3");
        assert_eq!(format_price(dec!(0.00868), dec!(1.000)), "0.00868");
        // The base quantity is left out of the JSON when it is 1, and read as 1 when absent.
        assert_eq!(serde_json::to_string(&Tier::new(10, dec!(6.10))).unwrap(), r#"{"min_qty":10,"unit_price":"6.10"}"#);
        let read: Tier = serde_json::from_str(r#"{"min_qty":10,"unit_price":"6.10"}"#).unwrap();
        assert_eq!(read, Tier::new(10, dec!(6.10)));
        let per_three = serde_json::to_string(&t).unwrap();
        assert_eq!(per_three, r#"{"min_qty":1,"unit_price":"1.00","base_quantity":"3"}"#);
        assert_eq!(serde_json::from_str::<Tier>(&per_three).unwrap(), t);
    }

    #[test]
    fn picks_tier_by_quantity() {
        let t = tiers();
        assert_eq!(unit_price_for(&t, 1), Some(dec!(4.20)));
        assert_eq!(unit_price_for(&t, 9), Some(dec!(4.20)));
        assert_eq!(unit_price_for(&t, 10), Some(dec!(3.90)));
        assert_eq!(unit_price_for(&t, 1000), Some(dec!(3.50)));
        assert_eq!(next_tier(&t, 9).map(|t| t.min_qty), Some(10));
        assert_eq!(next_tier(&t, 100), None);
        assert_eq!(unit_price_for(&[], 5), None);
    }

    #[test]
    fn totals_per_vat_rate() {
        let t = totals("EUR", [(dec!(10.00), dec!(19)), (dec!(0.05), dec!(19)), (dec!(3.33), dec!(7))], dec!(5.95));
        assert_eq!(t.net, dec!(13.38));
        assert_eq!(t.shipping, dec!(5.95));
        // 19% of (10.05 + 5.95) = 3.04; 7% of 3.33 = 0.2331 → 0.23
        assert_eq!(t.vat, dec!(3.27));
        assert_eq!(t.gross, dec!(22.60));
    }

    #[test]
    fn overflow_is_none_not_a_panic() {
        assert_eq!(checked_line_total(Decimal::MAX, 2), None);
        assert_eq!(checked_line_total(dec!(100000000000000000000), 1_000_000_000), None);
        assert!(checked_totals("EUR", [(Decimal::MAX, dec!(19)), (Decimal::MAX, dec!(19))], dec!(0)).is_none());
        assert!(checked_totals("EUR", [(Decimal::MAX, dec!(19))], dec!(0)).is_none(), "VAT overflows");
        assert_eq!(totals("EUR", [(Decimal::MAX, dec!(19))], dec!(0)).gross, dec!(0));
        assert_eq!(round_cents(Decimal::MAX), Decimal::MAX, "no panic at the edge");
        assert_eq!(line_total(Decimal::MAX, 3), Decimal::MAX);
    }

    #[test]
    fn tidies_prices() {
        assert_eq!(tidy_price(dec!(95.0000)).to_string(), "95.00");
        assert_eq!(tidy_price(dec!(0.08340)).to_string(), "0.0834");
        assert_eq!(tidy_price(dec!(10000)).to_string(), "10000.00");
    }

    #[test]
    fn amounts_are_written_with_two_decimals() {
        #[derive(serde::Serialize)]
        struct T {
            #[serde(serialize_with = "amount::serialize")]
            a: Decimal,
            #[serde(serialize_with = "amount::serialize_option")]
            b: Option<Decimal>,
            #[serde(serialize_with = "amount::serialize_option")]
            c: Option<Decimal>,
        }
        let t = T { a: dec!(5000), b: Some(dec!(0)), c: None };
        assert_eq!(serde_json::to_string(&t).unwrap(), r#"{"a":"5000.00","b":"0.00","c":null}"#);
    }

    #[test]
    fn formats_amounts() {
        assert_eq!(format_amount(dec!(12.5)), "12.50");
        assert_eq!(format_amount(dec!(0.0834)), "0.0834");
        assert_eq!(format_amount(dec!(3)), "3.00");
        // Every decimal a price has, none added or taken away.
        assert_eq!(format_amount(dec!(0.00868)), "0.00868");
        assert_eq!(format_amount(dec!(0.341460)), "0.34146");
        assert_eq!(format_amount(dec!(0.000001)), "0.000001");
        assert_eq!(format_amount(dec!(10000000.123456)), "10000000.123456");
    }
}
