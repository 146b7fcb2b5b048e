//! The statement of account: what the buyer owes a supplier. Pure sums
//! over the open items (invoices and credit notes with something open),
//! aged by how long they are past due.
//!
//! - `open_total` = open invoices − open credit notes.
//! - `overdue_total`: the open amount of invoices past their due date.
//! - `held_total`: the open amount of invoices the three-way match holds.
//! - Ageing by days past due (today − due date): not due (0 or less), 1–30,
//!   31–60, 61–90, over 90. A credit note counts against its bucket, so the
//!   buckets add up to `open_total`.

use crate::api::{InvoiceKind, Order};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// An amount by how long it is past due.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ageing {
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub not_due: Decimal,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub days_1_30: Decimal,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub days_31_60: Decimal,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub days_61_90: Decimal,
    #[serde(serialize_with = "procure_protocol::money::amount::serialize")]
    pub over_90: Decimal,
}

impl Ageing {
    fn add(&mut self, days_overdue: i64, amount: Decimal) {
        let bucket = match days_overdue {
            ..=0 => &mut self.not_due,
            1..=30 => &mut self.days_1_30,
            31..=60 => &mut self.days_31_60,
            61..=90 => &mut self.days_61_90,
            _ => &mut self.over_90,
        };
        *bucket += amount;
    }

    pub fn total(&self) -> Decimal {
        self.not_due + self.days_1_30 + self.days_31_60 + self.days_61_90 + self.over_90
    }

    /// The buckets with their names, in order.
    pub fn buckets(&self) -> [(&'static str, Decimal); 5] {
        [
            ("not due", self.not_due),
            ("1–30 days", self.days_1_30),
            ("31–60 days", self.days_31_60),
            ("61–90 days", self.days_61_90),
            ("over 90 days", self.over_90),
        ]
    }
}

/// What the sums need of one open item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub kind: InvoiceKind,
    pub due_date: NaiveDate,
    pub open: Decimal,
    pub held: bool,
}

/// Days past due (negative: due in so many days).
pub fn days_overdue(due: NaiveDate, today: NaiveDate) -> i64 {
    (today - due).num_days()
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sums {
    pub open_total: Decimal,
    pub invoices_open: Decimal,
    pub credits_open: Decimal,
    pub overdue_total: Decimal,
    pub held_total: Decimal,
    pub ageing: Ageing,
}

pub fn sums(items: impl IntoIterator<Item = Item>, today: NaiveDate) -> Sums {
    let mut s = Sums::default();
    for i in items {
        let days = days_overdue(i.due_date, today);
        match i.kind {
            InvoiceKind::Invoice => {
                s.invoices_open += i.open;
                if days > 0 {
                    s.overdue_total += i.open;
                }
                if i.held {
                    s.held_total += i.open;
                }
                s.ageing.add(days, i.open);
            }
            InvoiceKind::CreditNote => {
                s.credits_open += i.open;
                s.ageing.add(days, -i.open);
            }
        }
    }
    s.open_total = s.invoices_open - s.credits_open;
    s
}

/// The gross amount ordered and not yet invoiced on an order that is still
/// open (not cancelled, rejected or delivered): each line's quantity not
/// yet invoiced at its unit price, VAT at its rate, and the shipping charge
/// while nothing of the order is invoiced (it goes on the first invoice).
pub fn uninvoiced(order: &Order) -> Decimal {
    if !crate::core::expediting::order_open(order.status) {
        return Decimal::ZERO;
    }
    let lines = order.lines.iter().map(|l| {
        let left = l.quantity.saturating_sub(l.invoiced);
        (crate::core::money::line_total_per(l.unit_price, l.base_quantity, left), l.vat_rate)
    });
    let shipping = if order.lines.iter().all(|l| l.invoiced == 0) { order.totals.shipping } else { Decimal::ZERO };
    crate::core::money::checked_totals(&order.totals.currency, lines, shipping).map(|t| t.gross).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn item(kind: InvoiceKind, due: &str, open: Decimal, held: bool) -> Item {
        Item { kind, due_date: d(due), open, held }
    }

    #[test]
    fn buckets_by_days_past_due_add_up_to_the_open_total() {
        let today = d("2027-01-05");
        let items = [
            item(InvoiceKind::Invoice, "2027-01-05", dec!(100.00), false), // due today: not due
            item(InvoiceKind::Invoice, "2027-01-04", dec!(10.00), true),   // 1 day, across nothing
            item(InvoiceKind::Invoice, "2026-12-06", dec!(20.00), false),  // 30 days, across the year end
            item(InvoiceKind::Invoice, "2026-12-05", dec!(30.00), false),  // 31
            item(InvoiceKind::Invoice, "2026-10-07", dec!(40.00), false),  // 90
            item(InvoiceKind::Invoice, "2026-10-06", dec!(50.00), false),  // 91
            item(InvoiceKind::CreditNote, "2027-02-01", dec!(5.00), false),
        ];
        let s = sums(items, today);
        assert_eq!(s.ageing.not_due, dec!(95.00));
        assert_eq!(s.ageing.days_1_30, dec!(30.00));
        assert_eq!(s.ageing.days_31_60, dec!(30.00));
        assert_eq!(s.ageing.days_61_90, dec!(40.00));
        assert_eq!(s.ageing.over_90, dec!(50.00));
        assert_eq!(s.open_total, dec!(245.00));
        assert_eq!(s.ageing.total(), s.open_total);
        assert_eq!(s.invoices_open - s.credits_open, s.open_total);
        assert_eq!(s.overdue_total, dec!(150.00));
        assert_eq!(s.held_total, dec!(10.00));
    }

    #[test]
    fn what_is_ordered_and_not_invoiced() {
        use crate::core::receipt::tests::order;
        let mut o = order("SO-1", &[("A", 10, 0, dec!(10.00)), ("B", 2, 0, dec!(5.00))]);
        o.totals.shipping = dec!(6.90);
        // (100 + 10 + 6.90) × 1.19 = 139.111 → 139.11
        assert_eq!(uninvoiced(&o), dec!(139.11));
        o.lines[0].invoiced = 4;
        // (60 + 10) × 1.19: the shipping went on the first invoice.
        assert_eq!(uninvoiced(&o), dec!(83.30));
        o.status = crate::api::OrderStatus::Cancelled;
        assert_eq!(uninvoiced(&o), dec!(0));
    }
}
