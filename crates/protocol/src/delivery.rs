//! When goods can arrive: the working-day rule the shop computes an order's
//! earliest delivery with, and the client its comparison of offers with (the
//! same date on both sides).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The next working day (Monday to Friday) after `day`.
pub fn next_working_day(day: NaiveDate) -> NaiveDate {
    let mut d = day + Duration::days(1);
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d += Duration::days(1);
    }
    d
}

/// A Saturday or Sunday moves to the Monday after.
pub fn on_working_day(day: NaiveDate) -> NaiveDate {
    match day.weekday() {
        Weekday::Sat => day + Duration::days(2),
        Weekday::Sun => day + Duration::days(1),
        _ => day,
    }
}

/// The earliest delivery of lines `(stock, quantity, lead time in days)`
/// ordered `today`: the next working day when every line is in stock,
/// otherwise today plus the longest lead time (in calendar days) of the
/// lines not in stock, never before the next working day and never on a
/// weekend.
pub fn earliest_delivery(today: NaiveDate, lines: &[(u32, u32, u32)]) -> NaiveDate {
    let next = next_working_day(today);
    let lead = lines.iter().filter(|(stock, qty, _)| stock < qty).map(|(_, _, lead)| *lead).max();
    match lead {
        None => next,
        // Saturates: a lead time past the calendar's end is its last day.
        Some(days) => on_working_day(
            today.checked_add_signed(Duration::days(i64::from(days))).unwrap_or(NaiveDate::MAX - Duration::days(7)),
        )
        .max(next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn earliest_delivery_in_stock_is_next_working_day() {
        // 2026-11-27 is a Friday.
        assert_eq!(earliest_delivery(day("2026-11-27"), &[(10, 5, 20)]), day("2026-11-30"));
        assert_eq!(earliest_delivery(day("2026-11-24"), &[(10, 5, 20)]), day("2026-11-25"));
    }

    #[test]
    fn earliest_delivery_waits_for_the_longest_lead_time() {
        // Tuesday + 4 days = Saturday → Monday.
        assert_eq!(earliest_delivery(day("2026-11-24"), &[(0, 5, 4), (100, 5, 30), (1, 2, 2)]), day("2026-11-30"));
        // A zero lead time still means the next working day.
        assert_eq!(earliest_delivery(day("2026-11-24"), &[(0, 5, 0)]), day("2026-11-25"));
    }

    #[test]
    fn a_lead_time_past_the_calendar_saturates() {
        let d = earliest_delivery(day("2026-11-24"), &[(0, 5, u32::MAX)]);
        assert!(d > day("2026-11-25"));
        assert!(!matches!(d.weekday(), Weekday::Sat | Weekday::Sun));
    }
}
