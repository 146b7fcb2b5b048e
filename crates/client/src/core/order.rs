//! Order drafts from baskets, and the comparison of what the buyer saw with
//! what the shop priced.

use crate::api::{DraftLine, OrderDraft, Preview};
use crate::core::basket::PricedBasket;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// What the buyer chose at checkout.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckoutOptions {
    pub po_number: String,
    pub ship_to: Option<String>,
    pub requested_delivery_date: Option<NaiveDate>,
    pub ship_complete: bool,
    pub shipping_method: Option<String>,
    pub comment: Option<String>,
    /// Place the order even if the PO number is on another open order.
    pub allow_duplicate_po: bool,
}

/// A date as buyers type it: YYYY-MM-DD.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| format!("{t:?} is not a date like 2026-12-24"))
}

/// An optional date field: empty means none.
pub fn parse_optional_date(text: &str) -> Result<Option<NaiveDate>, String> {
    if text.trim().is_empty() { Ok(None) } else { parse_date(text).map(Some) }
}

/// A requested delivery date as a buyer gives it: a day, or a number of
/// days or weeks from today (`+30d`, `+4w`; `+30` is days), so a script or
/// a note in a README stays right whatever the date it runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryDate {
    On(NaiveDate),
    InDays(u32),
}

impl DeliveryDate {
    /// The day it names, counted from `today` (the service's clock).
    pub fn resolve(self, today: NaiveDate) -> NaiveDate {
        match self {
            DeliveryDate::On(d) => d,
            DeliveryDate::InDays(n) => {
                today.checked_add_days(chrono::Days::new(u64::from(n))).unwrap_or(NaiveDate::MAX)
            }
        }
    }
}

/// `2026-12-15`, `+30d`, `+4w` or `+30`.
pub fn parse_delivery_date(text: &str) -> Result<DeliveryDate, String> {
    let t = text.trim();
    let Some(rel) = t.strip_prefix('+') else { return parse_date(t).map(DeliveryDate::On) };
    let (number, per) = match rel.char_indices().last() {
        Some((i, 'd' | 'D')) => (&rel[..i], 1),
        Some((i, 'w' | 'W')) => (&rel[..i], 7),
        _ => (rel, 1),
    };
    let bad = || format!("{t:?} is not a date like 2026-12-24 or a time from today like +30d or +4w");
    let n: u32 = number.trim().parse().map_err(|_| bad())?;
    n.checked_mul(per)
        .filter(|d| *d <= 3660)
        .map(DeliveryDate::InDays)
        .ok_or_else(|| format!("{t:?} is more than ten years from today"))
}

/// Validates the order header a buyer typed. `today` is the buyer's local
/// date as the service's clock gives it (`service::Clock::today`): the one
/// date both faces and every check use.
pub fn validate_options(opts: &CheckoutOptions, today: NaiveDate) -> Result<(), String> {
    procure_protocol::limits::check_po_number(&opts.po_number)?;
    if let Some(d) = opts.requested_delivery_date
        && d < today
    {
        return Err(format!("the requested delivery date {d} is in the past"));
    }
    Ok(())
}

/// The draft sent to the shop: each line carries the unit price the buyer
/// agreed to (or, for a line without one, the price the basket shows now).
pub fn draft_from(priced: &PricedBasket, opts: &CheckoutOptions) -> OrderDraft {
    OrderDraft {
        po_number: opts.po_number.trim().to_string(),
        lines: priced
            .lines
            .iter()
            .map(|l| DraftLine {
                sku: l.sku.clone(),
                quantity: l.qty,
                expected_unit_price: l.agreed_price.or(l.unit_price_each()),
                note: l.note.clone(),
            })
            .collect(),
        ship_to: opts.ship_to.clone(),
        requested_delivery_date: opts.requested_delivery_date,
        ship_complete: opts.ship_complete,
        shipping_method: opts.shipping_method.clone(),
        comment: opts.comment.clone().filter(|c| !c.trim().is_empty()),
        allow_duplicate_po: opts.allow_duplicate_po,
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PriceChange {
    pub sku: String,
    pub quantity: u32,
    /// The agreed (or shown) unit price; `None` when the buyer never saw one.
    pub seen: Option<Decimal>,
    pub now: Decimal,
    /// The change in percent of `seen`, one decimal (+500.0 for 6×).
    pub percent: Option<Decimal>,
}

impl PriceChange {
    pub fn new(sku: &str, quantity: u32, seen: Option<Decimal>, now: Decimal) -> PriceChange {
        let percent = seen.filter(|s| !s.is_zero()).map(|s| {
            ((now - s) * Decimal::ONE_HUNDRED / s)
                .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        });
        PriceChange { sku: sku.to_string(), quantity, seen, now, percent }
    }

    pub fn percent(&self) -> Option<Decimal> {
        self.percent
    }

    /// A price that went up, or one nobody saw before.
    pub fn is_increase(&self) -> bool {
        self.seen.is_none_or(|s| self.now > s)
    }

    /// "6.90 → 41.40 (+500.0 %)"
    pub fn describe(&self) -> String {
        let seen = self.seen.map(crate::core::money::format_amount).unwrap_or_else(|| "no price".into());
        let pct = self
            .percent()
            .map(|p| format!(" ({}{p:.1} %)", if p > Decimal::ZERO { "+" } else { "" }))
            .unwrap_or_default();
        format!("{seen} → {}{pct}", crate::core::money::format_amount(self.now))
    }
}

/// The shop's priced line for each draft line, matched by SKU and quantity
/// (a shop may leave out lines it cannot price).
fn matched<'a>(draft: &'a OrderDraft, preview: &'a Preview) -> Vec<(usize, &'a crate::api::PricedLine)> {
    let mut used = vec![false; preview.lines.len()];
    let mut out = Vec::new();
    for (i, d) in draft.lines.iter().enumerate() {
        if let Some(j) = (0..preview.lines.len())
            .find(|&j| !used[j] && preview.lines[j].sku == d.sku && preview.lines[j].quantity == d.quantity)
        {
            used[j] = true;
            out.push((i, &preview.lines[j]));
        }
    }
    out
}

/// Lines whose unit price on the shop differs from the one in the draft.
pub fn price_changes(draft: &OrderDraft, preview: &Preview) -> Vec<PriceChange> {
    matched(draft, preview)
        .into_iter()
        .filter(|(i, p)| draft.lines[*i].expected_unit_price != Some(p.unit_price_each()))
        .map(|(i, p)| {
            PriceChange::new(
                &draft.lines[i].sku,
                draft.lines[i].quantity,
                draft.lines[i].expected_unit_price,
                p.unit_price_each(),
            )
        })
        .collect()
}

/// The draft with the shop's current prices, after the buyer accepted them.
pub fn accept_prices(draft: &OrderDraft, preview: &Preview) -> OrderDraft {
    let mut d = draft.clone();
    for (i, priced) in matched(draft, preview) {
        d.lines[i].expected_unit_price = Some(priced.unit_price_each());
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_date_is_a_day_or_a_time_from_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let day = |s: &str| parse_delivery_date(s).map(|d| d.resolve(today).to_string());
        assert_eq!(day("2027-01-15").as_deref(), Ok("2027-01-15"));
        assert_eq!(day("+30d").as_deref(), Ok("2027-01-05"));
        assert_eq!(day(" +30 ").as_deref(), Ok("2027-01-05"));
        assert_eq!(day("+4w").as_deref(), Ok("2027-01-03"));
        assert_eq!(day("+0d").as_deref(), Ok("2026-12-06"));
        for bad in ["+", "+d", "+-3d", "+3x", "soon", "30d", "+99999w"] {
            assert!(parse_delivery_date(bad).is_err(), "{bad}");
        }
    }
    use crate::api::{PricedLine, Totals};
    use rust_decimal_macros::dec;

    fn preview(prices: &[(&str, Decimal)]) -> Preview {
        Preview {
            lines: prices
                .iter()
                .map(|(sku, p)| PricedLine {
                    sku: sku.to_string(),
                    name: "a".into(),
                    quantity: 1,
                    unit_price: *p,
                    base_quantity: dec!(1),
                    line_total: *p,
                    vat_rate: dec!(19),
                    note: None,
                    promised_delivery: None,
                    shipped: 0,
                    invoiced: 0,
                })
                .collect(),
            totals: Totals { currency: "EUR".into(), net: dec!(0), shipping: dec!(0), vat: dec!(0), gross: dec!(0) },
            errors: vec![],
            needs_approval: false,
            earliest_delivery: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            credit: None,
            replay_of: None,
        }
    }

    #[test]
    fn detects_and_accepts_price_changes() {
        let draft = OrderDraft {
            po_number: "PO1".into(),
            lines: vec![
                DraftLine { sku: "A".into(), quantity: 1, expected_unit_price: Some(dec!(1.00)), note: None },
                DraftLine { sku: "B".into(), quantity: 1, expected_unit_price: Some(dec!(2.00)), note: None },
            ],
            ..Default::default()
        };
        let pv = preview(&[("A", dec!(1.00)), ("B", dec!(2.10))]);
        let changes = price_changes(&draft, &pv);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].sku, "B");
        assert_eq!(changes[0].now, dec!(2.10));
        assert_eq!(changes[0].percent, Some(dec!(5.0)));
        assert_eq!(changes[0].describe(), "2.00 → 2.10 (+5.0 %)");
        assert_eq!(PriceChange::new("S", 1, Some(dec!(6.90)), dec!(41.40)).percent, Some(dec!(500.0)));
        assert!(!PriceChange::new("S", 1, Some(dec!(2)), dec!(1.5)).is_increase());
        let accepted = accept_prices(&draft, &pv);
        assert!(price_changes(&accepted, &pv).is_empty());
        // A shop that leaves out a line it cannot price does not shift the others.
        let pv = preview(&[("B", dec!(2.10))]);
        let changes = price_changes(&draft, &pv);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].sku, "B");
    }

    #[test]
    fn dates_as_typed() {
        assert_eq!(parse_date(" 2026-12-24 ").unwrap(), NaiveDate::from_ymd_opt(2026, 12, 24).unwrap());
        assert!(parse_date("24.12.2026").unwrap_err().contains("not a date like"));
        assert_eq!(parse_optional_date("  ").unwrap(), None);
        assert!(parse_optional_date("2026-13-01").is_err());
    }

    #[test]
    fn validates_header() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let mut o = CheckoutOptions { po_number: " ".into(), ..Default::default() };
        assert!(validate_options(&o, today).is_err());
        o.po_number = "PO-1".into();
        assert!(validate_options(&o, today).is_ok());
        o.requested_delivery_date = NaiveDate::from_ymd_opt(2026, 11, 27);
        assert!(validate_options(&o, today).unwrap_err().contains("past"));
    }

    /// The shop's limit, in characters: 64 umlauts pass, 65 do not.
    #[test]
    fn po_number_length_is_counted_in_characters() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let mut o = CheckoutOptions { po_number: "Ä".repeat(64), ..Default::default() };
        assert_eq!(validate_options(&o, today), Ok(()));
        o.po_number.push('Ü');
        assert!(validate_options(&o, today).unwrap_err().contains("65 characters"));
    }
}
