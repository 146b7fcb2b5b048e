//! Payment terms: when an invoice is due, and what paying early saves.
//! Shop and client compute due dates with the same rules, so the date a
//! buyer sees is the date the supplier's dunning uses.
//!
//! - **`N days net`** (`Net`): due N calendar days after the invoice date.
//! - **`N days end of month`** (`EndOfMonth`): due N calendar days after the
//!   last day of the invoice's month. An invoice of 15 January under "30
//!   days end of month" is due on 2 March (1 March in a leap year); one of
//!   31 December on 30 January.
//! - **`D days P %, N days net`** (`Discount`): P percent off the gross
//!   amount when paid within D days of the invoice date (the last day to
//!   pay with discount is the invoice date + D); due net N days after the
//!   invoice date. The discount is `gross × P / 100`, rounded to cents half
//!   away from zero like every amount (`money::round_cents`).
//!
//! Dates saturate at the calendar's end rather than fail: terms within
//! `MAX_TERM_DAYS` never reach it for a real invoice date.

use crate::money::round_cents;
use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The longest term a supplier may give: one year.
pub const MAX_TERM_DAYS: u32 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PaymentTerms {
    /// Due `days` after the invoice date.
    Net { days: u32 },
    /// Due `days` after the end of the invoice's month.
    EndOfMonth { days: u32 },
    /// `percent` off when paid within `discount_days`; due after `net_days`.
    Discount { discount_days: u32, percent: Decimal, net_days: u32 },
}

/// What paying early saves: the last day it applies and the amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlyPayment {
    pub until: NaiveDate,
    pub percent: Decimal,
    /// The discount in money, on the gross amount.
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub discount: Decimal,
    /// What to pay until then: gross − discount.
    #[serde(serialize_with = "crate::money::amount::serialize")]
    pub amount: Decimal,
}

fn plus_days(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_signed(Duration::days(i64::from(days))).unwrap_or(NaiveDate::MAX)
}

/// The last day of a date's month.
pub fn end_of_month(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 { (date.year() + 1, 1) } else { (date.year(), date.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt()).unwrap_or(NaiveDate::MAX)
}

impl PaymentTerms {
    /// The day an invoice of `issued` is due, net.
    pub fn due_date(&self, issued: NaiveDate) -> NaiveDate {
        match *self {
            PaymentTerms::Net { days } => plus_days(issued, days),
            PaymentTerms::EndOfMonth { days } => plus_days(end_of_month(issued), days),
            PaymentTerms::Discount { net_days, .. } => plus_days(issued, net_days),
        }
    }

    /// The discount for paying an invoice of `gross` early, if the terms give one.
    pub fn early_payment(&self, issued: NaiveDate, gross: Decimal) -> Option<EarlyPayment> {
        match *self {
            PaymentTerms::Discount { discount_days, percent, .. } => {
                let discount = round_cents(gross.checked_mul(percent)? / Decimal::ONE_HUNDRED);
                Some(EarlyPayment {
                    until: plus_days(issued, discount_days),
                    percent,
                    discount,
                    amount: round_cents(gross - discount),
                })
            }
            _ => None,
        }
    }

    /// Terms as a buyer reads them: "30 days net", "30 days end of month",
    /// "14 days 2 %, 30 days net".
    pub fn describe(&self) -> String {
        match *self {
            PaymentTerms::Net { days } => format!("{days} days net"),
            PaymentTerms::EndOfMonth { days } => format!("{days} days end of month"),
            PaymentTerms::Discount { discount_days, percent, net_days } => {
                format!("{discount_days} days {} %, {net_days} days net", percent.normalize())
            }
        }
    }

    /// Reads terms from the text suppliers write ("invoice, 30 days end of
    /// month", "14 Tage 2 %, 30 Tage netto", "net 30"); `None` when the text
    /// names no terms procure can compute.
    pub fn parse(text: &str) -> Option<PaymentTerms> {
        let lower = text.to_lowercase();
        // Number words with what follows them, in order: "14 days 2 %, 30 days net".
        let mut numbers: Vec<(Decimal, String)> = Vec::new();
        let mut rest = lower.as_str();
        while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
            let tail = &rest[start..];
            let end = tail.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',')).unwrap_or(tail.len());
            let number = tail[..end].trim_end_matches(['.', ',']).replace(',', ".");
            let after = tail[end..].trim_start();
            let word: String = after.chars().take_while(|c| c.is_alphabetic() || *c == '%').collect();
            numbers.push((number.parse().ok()?, word));
            rest = &tail[end..];
        }
        let is_days = |w: &str| matches!(w, "days" | "day" | "tage" | "tagen" | "dagen" | "jours" | "d");
        let days_of = |n: Decimal| u32::try_from(n.trunc().mantissa()).ok().filter(|d| *d <= MAX_TERM_DAYS);
        let percent = numbers.iter().find(|(_, w)| w == "%" || w.starts_with('%')).map(|(n, _)| *n);
        let day_counts: Vec<u32> = numbers
            .iter()
            .filter(|(n, w)| is_days(w) && n.fract().is_zero())
            .filter_map(|(n, _)| days_of(*n))
            .collect();
        let eom = lower.contains("end of month")
            || lower.contains("monatsende")
            || lower.contains("eom")
            || lower.contains("fin de mois");
        match (percent, day_counts.as_slice()) {
            // The discount period is the shorter one, whichever is written
            // first: "14 days 2 %, 30 days net", "60 days net, 2 % within 10 days".
            (Some(p), [a, b, ..]) if p > Decimal::ZERO && p < Decimal::ONE_HUNDRED && a != b => {
                Some(PaymentTerms::Discount { discount_days: *a.min(b), percent: p, net_days: *a.max(b) })
            }
            (None, [days]) if eom => Some(PaymentTerms::EndOfMonth { days: *days }),
            (None, [days]) => Some(PaymentTerms::Net { days: *days }),
            (None, []) => {
                // "net 30"
                let n = numbers.first().filter(|(n, _)| n.fract().is_zero()).and_then(|(n, _)| days_of(*n))?;
                (lower.contains("net") && numbers.len() == 1).then_some(if eom {
                    PaymentTerms::EndOfMonth { days: n }
                } else {
                    PaymentTerms::Net { days: n }
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn net_days_cross_month_and_year_ends() {
        let t = PaymentTerms::Net { days: 30 };
        assert_eq!(t.due_date(d("2026-01-15")), d("2026-02-14"));
        assert_eq!(t.due_date(d("2026-12-15")), d("2027-01-14"));
        assert_eq!(t.due_date(d("2028-02-01")), d("2028-03-02")); // leap year
        assert_eq!(PaymentTerms::Net { days: 0 }.due_date(d("2026-03-31")), d("2026-03-31"));
    }

    #[test]
    fn end_of_month_counts_from_the_last_day_of_the_invoice_month() {
        let t = PaymentTerms::EndOfMonth { days: 30 };
        assert_eq!(t.due_date(d("2026-01-15")), d("2026-03-02"));
        assert_eq!(t.due_date(d("2026-01-31")), d("2026-03-02"));
        assert_eq!(t.due_date(d("2028-01-15")), d("2028-03-01")); // 2028 is a leap year
        assert_eq!(t.due_date(d("2026-12-01")), d("2027-01-30"));
        assert_eq!(t.due_date(d("2026-12-31")), d("2027-01-30"));
        assert_eq!(t.due_date(d("2026-11-30")), d("2026-12-30"));
        assert_eq!(PaymentTerms::EndOfMonth { days: 0 }.due_date(d("2026-02-10")), d("2026-02-28"));
        assert_eq!(end_of_month(d("2024-02-03")), d("2024-02-29"));
    }

    #[test]
    fn a_discount_for_early_payment_and_net_after() {
        let t = PaymentTerms::Discount { discount_days: 14, percent: dec!(2), net_days: 30 };
        assert_eq!(t.due_date(d("2026-12-20")), d("2027-01-19"));
        let early = t.early_payment(d("2026-12-20"), dec!(1190.00)).unwrap();
        assert_eq!(early.until, d("2027-01-03"));
        assert_eq!(early.discount, dec!(23.80));
        assert_eq!(early.amount, dec!(1166.20));
        // 2 % of 0.25 = 0.005 → 0.01, half away from zero.
        assert_eq!(t.early_payment(d("2026-01-01"), dec!(0.25)).unwrap().discount.to_string(), "0.01");
        assert!(PaymentTerms::Net { days: 30 }.early_payment(d("2026-01-01"), dec!(10)).is_none());
    }

    #[test]
    fn terms_read_from_what_suppliers_write() {
        assert_eq!(PaymentTerms::parse("invoice, 30 days end of month"), Some(PaymentTerms::EndOfMonth { days: 30 }));
        assert_eq!(PaymentTerms::parse("30 days net"), Some(PaymentTerms::Net { days: 30 }));
        assert_eq!(PaymentTerms::parse("Net 30"), Some(PaymentTerms::Net { days: 30 }));
        assert_eq!(
            PaymentTerms::parse("14 days 2 %, 30 days net"),
            Some(PaymentTerms::Discount { discount_days: 14, percent: dec!(2), net_days: 30 })
        );
        assert_eq!(
            PaymentTerms::parse("14 Tage 2,5 % Skonto, 30 Tage netto"),
            Some(PaymentTerms::Discount { discount_days: 14, percent: dec!(2.5), net_days: 30 })
        );
        assert_eq!(
            PaymentTerms::parse("invoice, 60 days net, 2% discount within 10 days"),
            Some(PaymentTerms::Discount { discount_days: 10, percent: dec!(2), net_days: 60 })
        );
        assert_eq!(PaymentTerms::parse("invoice, 45 days"), Some(PaymentTerms::Net { days: 45 }));
        assert_eq!(PaymentTerms::parse("prepayment"), None);
        assert_eq!(PaymentTerms::parse("9999 days net"), None);
        for t in [
            PaymentTerms::Net { days: 10 },
            PaymentTerms::EndOfMonth { days: 60 },
            PaymentTerms::Discount { discount_days: 8, percent: dec!(3), net_days: 45 },
        ] {
            assert_eq!(PaymentTerms::parse(&t.describe()), Some(t), "{}", t.describe());
        }
    }
}
