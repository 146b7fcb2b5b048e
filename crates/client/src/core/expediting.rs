//! Expediting, the buyer's view of dates: which order lines the supplier
//! promises later than the buyer asked for, and which are past their
//! promised date and not fully shipped. Pure: the service gives it the
//! lines and today (the buyer's local date).
//!
//! A line is **late** when it is still open (its order is not cancelled,
//! rejected or delivered, and less than its quantity has shipped) and
//!
//! - `past_promise`: its promised date is before today; days late: today −
//!   promised;
//! - `promised_late`: its promised date is after the requested date (and
//!   not past yet); days late: promised − requested;
//! - `no_promise`: nothing is promised yet and the requested date is before
//!   today; days late: today − requested.
//!
//! Most urgent first: past promise, then no promise, then promised late;
//! within each, the earliest need (the requested date, else the promised
//! one) first, then the most days late.

use crate::api::{Order, OrderStatus};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LateReason {
    PastPromise,
    NoPromise,
    PromisedLate,
}

impl LateReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LateReason::PastPromise => "past_promise",
            LateReason::NoPromise => "no_promise",
            LateReason::PromisedLate => "promised_late",
        }
    }
}

/// Whether an order in this status is still expected to deliver.
pub fn order_open(status: OrderStatus) -> bool {
    !matches!(status, OrderStatus::Cancelled | OrderStatus::Rejected | OrderStatus::Delivered)
}

/// The dates and quantities of one order line that decide whether it is late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineDates {
    pub quantity: u32,
    pub shipped: u32,
    pub requested: Option<NaiveDate>,
    pub promised: Option<NaiveDate>,
}

/// Why the line is late and by how many days, if it is (its order open).
pub fn late(d: &LineDates, today: NaiveDate) -> Option<(LateReason, i64)> {
    if d.quantity == 0 || d.shipped >= d.quantity {
        return None;
    }
    match (d.promised, d.requested) {
        (Some(p), _) if p < today => Some((LateReason::PastPromise, (today - p).num_days())),
        (Some(p), Some(r)) if p > r => Some((LateReason::PromisedLate, (p - r).num_days())),
        (None, Some(r)) if r < today => Some((LateReason::NoPromise, (today - r).num_days())),
        _ => None,
    }
}

/// One line of the expediting list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LateLine {
    /// The supplier whose order it is (the profile's name).
    pub supplier: String,
    pub order: String,
    pub po_number: String,
    /// One-based line number on the order.
    pub line: u32,
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    pub shipped: u32,
    pub requested: Option<NaiveDate>,
    pub promised: Option<NaiveDate>,
    pub days_late: i64,
    pub reason: LateReason,
}

impl LateLine {
    /// The reason in a buyer's words.
    pub fn describe(&self) -> String {
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
        let days = |n: i64| if n == 1 { "1 day".to_string() } else { format!("{n} days") };
        match self.reason {
            LateReason::PastPromise => format!(
                "{} past the promised {}, {} of {} shipped",
                days(self.days_late),
                day(self.promised),
                self.shipped,
                self.quantity
            ),
            LateReason::NoPromise => {
                format!("requested for {}, {} ago, and nothing promised yet", day(self.requested), days(self.days_late))
            }
            LateReason::PromisedLate => format!(
                "promised for {}, {} after the requested {}",
                day(self.promised),
                days(self.days_late),
                day(self.requested)
            ),
        }
    }

    fn urgency(&self) -> (LateReason, Option<NaiveDate>, i64) {
        (self.reason, self.requested.or(self.promised), -self.days_late)
    }
}

/// The late lines of an order (none when the order is closed).
pub fn late_lines(supplier: &str, order: &Order, today: NaiveDate) -> Vec<LateLine> {
    if !order_open(order.status) {
        return vec![];
    }
    order
        .lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let d = LineDates {
                quantity: l.quantity,
                shipped: l.shipped,
                requested: order.requested_delivery_date,
                promised: l.promised_delivery,
            };
            let (reason, days_late) = late(&d, today)?;
            Some(LateLine {
                supplier: supplier.to_string(),
                order: order.number.clone(),
                po_number: order.po_number.clone(),
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                sku: l.sku.clone(),
                name: l.name.clone(),
                quantity: l.quantity,
                shipped: l.shipped,
                requested: d.requested,
                promised: d.promised,
                days_late,
                reason,
            })
        })
        .collect()
}

/// Sorts late lines most urgent first (see the module's documentation).
pub fn most_urgent_first(lines: &mut [LateLine]) {
    lines.sort_by(|a, b| {
        a.urgency()
            .cmp(&b.urgency())
            .then_with(|| a.supplier.cmp(&b.supplier))
            .then_with(|| a.order.cmp(&b.order))
            .then_with(|| a.line.cmp(&b.line))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn dates(quantity: u32, shipped: u32, requested: Option<&str>, promised: Option<&str>) -> LineDates {
        LineDates { quantity, shipped, requested: requested.map(d), promised: promised.map(d) }
    }

    #[test]
    fn a_promise_after_the_request_is_late_by_the_difference() {
        let today = d("2026-12-01");
        let l = dates(10, 0, Some("2026-12-10"), Some("2026-12-15"));
        assert_eq!(late(&l, today), Some((LateReason::PromisedLate, 5)));
        // Promised on the day asked for, or before: not late.
        assert_eq!(late(&dates(10, 0, Some("2026-12-10"), Some("2026-12-10")), today), None);
        assert_eq!(late(&dates(10, 0, Some("2026-12-10"), Some("2026-12-05")), today), None);
        // Without a requested date nothing is promised late.
        assert_eq!(late(&dates(10, 0, None, Some("2026-12-15")), today), None);
    }

    #[test]
    fn past_the_promise_and_not_fully_shipped_is_overdue() {
        let today = d("2027-01-03");
        // Across the year end: 2026-12-30 to 2027-01-03 is 4 days.
        let l = dates(10, 4, Some("2026-12-20"), Some("2026-12-30"));
        assert_eq!(late(&l, today), Some((LateReason::PastPromise, 4)));
        // Promised for today: not late yet.
        assert_eq!(late(&dates(10, 4, None, Some("2027-01-03")), today), None);
        // Fully shipped: nothing to chase.
        assert_eq!(late(&dates(10, 10, Some("2026-12-20"), Some("2026-12-30")), today), None);
        // A line the supplier did not accept (quantity 0) is not chased either.
        assert_eq!(late(&dates(0, 0, Some("2026-12-20"), Some("2026-12-30")), today), None);
    }

    #[test]
    fn nothing_promised_and_the_requested_day_passed() {
        let today = d("2026-03-01");
        // 2026 is not a leap year: 2026-02-27 → 2026-03-01 is 2 days.
        assert_eq!(late(&dates(1, 0, Some("2026-02-27"), None), today), Some((LateReason::NoPromise, 2)));
        assert_eq!(late(&dates(1, 0, Some("2026-03-01"), None), today), None);
        assert_eq!(late(&dates(1, 0, None, None), today), None);
    }

    fn line(order: &str, reason: LateReason, requested: &str, days: i64) -> LateLine {
        LateLine {
            supplier: "s".into(),
            order: order.into(),
            po_number: String::new(),
            line: 1,
            sku: "A".into(),
            name: String::new(),
            quantity: 1,
            shipped: 0,
            requested: Some(d(requested)),
            promised: None,
            days_late: days,
            reason,
        }
    }

    #[test]
    fn most_urgent_first_overdue_then_unconfirmed_then_promised_late() {
        let mut v = vec![
            line("A", LateReason::PromisedLate, "2026-12-01", 9),
            line("B", LateReason::PastPromise, "2026-12-20", 1),
            line("C", LateReason::PromisedLate, "2026-11-20", 2),
            line("D", LateReason::NoPromise, "2026-11-01", 3),
            line("E", LateReason::PastPromise, "2026-12-20", 6),
        ];
        most_urgent_first(&mut v);
        let order: Vec<&str> = v.iter().map(|l| l.order.as_str()).collect();
        assert_eq!(order, ["E", "B", "D", "C", "A"]);
    }

    #[test]
    fn reasons_read_as_such() {
        let mut l = line("A", LateReason::PromisedLate, "2026-12-10", 5);
        l.promised = Some(d("2026-12-15"));
        assert_eq!(l.describe(), "promised for 2026-12-15, 5 days after the requested 2026-12-10");
        l.reason = LateReason::PastPromise;
        l.days_late = 1;
        assert_eq!(l.describe(), "1 day past the promised 2026-12-15, 0 of 1 shipped");
    }
}
