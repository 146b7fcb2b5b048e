//! The buyer's "now" and "today". The service owns the date: every check of
//! a date (a delivery date in the past, a quote's wanted date) and both faces
//! read it here, so the command line and the app never disagree about which
//! day it is.
//!
//! "Today" is the buyer's local date (the computer's time zone), not UTC: a
//! delivery wanted today is still allowed at 00:30 in Berlin although UTC is
//! on the day before. A system clock reads the time each time it is asked,
//! so an app left open past midnight has the new date.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, Utc};
use std::sync::{Arc, RwLock};

/// Where the service reads the time. [`Clock::system`] is the computer's
/// clock; a test fixes the time with [`Clock::fixed`] and moves it with
/// [`Clock::set`] (every clone of a clock reads the same time).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    fixed: Arc<RwLock<Option<DateTime<FixedOffset>>>>,
}

impl Clock {
    /// The computer's clock and time zone.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock that stands at `at` (its offset is the buyer's time zone).
    pub fn fixed(at: DateTime<FixedOffset>) -> Clock {
        Clock { fixed: Arc::new(RwLock::new(Some(at))) }
    }

    /// Moves the clock to `at`, for every clone of it.
    pub fn set(&self, at: DateTime<FixedOffset>) {
        match self.fixed.write() {
            Ok(mut t) => *t = Some(at),
            Err(poisoned) => *poisoned.into_inner() = Some(at),
        }
    }

    fn fixed_at(&self) -> Option<DateTime<FixedOffset>> {
        match self.fixed.read() {
            Ok(t) => *t,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    /// Now, for timestamps (kept in UTC).
    pub fn now(&self) -> DateTime<Utc> {
        self.fixed_at().map_or_else(Utc::now, |t| t.with_timezone(&Utc))
    }

    /// The buyer's local date: the day every date check compares with.
    pub fn today(&self) -> NaiveDate {
        self.fixed_at().map_or_else(|| Local::now().date_naive(), |t| t.date_naive())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_buyers_local_date_and_moves_for_every_clone() {
        // 00:30 in Berlin is still the day before in UTC.
        let at = DateTime::parse_from_rfc3339("2026-11-29T00:30:00+01:00").unwrap();
        let clock = Clock::fixed(at);
        let held = clock.clone();
        assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        assert_eq!(clock.now().date_naive(), NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
        clock.set(DateTime::parse_from_rfc3339("2026-11-30T00:01:00+01:00").unwrap());
        assert_eq!(held.today(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), "a clone reads the same clock");
    }

    #[test]
    fn the_system_clock_reads_the_computer() {
        let c = Clock::system();
        let before = Local::now().date_naive();
        let today = c.today();
        assert!(before <= today && today <= Local::now().date_naive());
        assert!((c.now() - Utc::now()).num_seconds().abs() < 5);
    }
}
