//! Invoices and credit notes as they arrive: what makes one unusable (it is
//! refused, reported with what is wrong and where, and nothing stored
//! changes), and when two documents under one number are the same one.
//!
//! Refused: no lines; a quantity of 0 or above the protocol's limit; a
//! negative or too large unit price; a line total that is not unit price ×
//! quantity; totals that do not add up (net is not the lines' sum, gross is
//! not net + shipping + VAT, open is not gross − paid); a negative amount;
//! paid above gross; dates out of range (issued before 2000, more than a
//! year ahead, or due before issued or more than `MAX_TERM_DAYS` after); a
//! credit note that names no invoice, or an invoice that names one.
//!
//! The same number from one supplier: the document (kind, dates, lines,
//! totals, orders, terms) must be the same; payments, disputes and what is
//! open may change (a payment, a dispute). A replay changes nothing; a
//! different document under the same number is refused and reported.

use crate::api::{Invoice, InvoiceKind};
use crate::core::money::{line_total, round_cents};
use chrono::{Duration, NaiveDate};
use procure_protocol::limits;
use procure_protocol::terms::MAX_TERM_DAYS;
use rust_decimal::Decimal;

/// The first day an invoice may be dated.
pub fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Why the document cannot be used, naming where (`line 2: …`).
pub fn check(inv: &Invoice, today: NaiveDate) -> Result<(), String> {
    let what = match inv.kind {
        InvoiceKind::Invoice => "invoice",
        InvoiceKind::CreditNote => "credit note",
    };
    let mut problems: Vec<String> = Vec::new();
    if inv.number.trim().is_empty() {
        problems.push("it has no number".into());
    }
    match (inv.kind, &inv.credits_invoice) {
        (InvoiceKind::CreditNote, None) => problems.push("the credit note names no invoice it credits".into()),
        (InvoiceKind::Invoice, Some(n)) => problems.push(format!("an invoice cannot credit invoice {n}")),
        _ => {}
    }
    if inv.lines.is_empty() {
        problems.push(format!("the {what} has no lines"));
    }
    let mut sum = Decimal::ZERO;
    for l in &inv.lines {
        let at = format!("line {}", l.line);
        if l.quantity == 0 || l.quantity > limits::MAX_QUANTITY {
            problems.push(format!(
                "{at} ({}): quantity {} is not between 1 and {}",
                l.sku,
                l.quantity,
                limits::MAX_QUANTITY
            ));
        }
        if let Err(e) = limits::check_unit_price(l.unit_price) {
            problems.push(format!("{at} ({}): unit {e}", l.sku));
        }
        if let Err(e) = limits::check_vat_rate(l.vat_rate) {
            problems.push(format!("{at} ({}): {e}", l.sku));
        }
        let expected = line_total(l.unit_price, l.quantity);
        if l.line_total != expected {
            problems.push(format!(
                "{at} ({}): line total {} is not {} × {} = {}",
                l.sku, l.line_total, l.quantity, l.unit_price, expected
            ));
        }
        sum = sum.checked_add(l.line_total).unwrap_or(Decimal::MAX);
    }
    let t = &inv.totals;
    for (name, v) in [("net", t.net), ("shipping", t.shipping), ("VAT", t.vat), ("gross", t.gross), ("paid", inv.paid)]
    {
        if v.is_sign_negative() && !v.is_zero() {
            problems.push(format!("{name} {v} is negative"));
        }
    }
    if t.net != sum {
        problems.push(format!("net {} is not the sum of its lines, {}", t.net, round_cents(sum)));
    }
    let payable = t.net + t.shipping + t.vat;
    if t.gross != payable {
        problems.push(format!(
            "the amount due {} is not its lines plus shipping plus VAT ({} + {} + {} = {})",
            t.gross, t.net, t.shipping, t.vat, payable
        ));
    }
    if inv.paid > t.gross {
        problems.push(format!("paid {} is more than the gross {}", inv.paid, t.gross));
    }
    if inv.open != t.gross - inv.paid {
        problems.push(format!("open {} is not gross {} less paid {}", inv.open, t.gross, inv.paid));
    }
    let latest = today + Duration::days(366);
    if inv.issue_date < earliest_date() || inv.issue_date > latest {
        problems.push(format!("issue date {} is out of range", inv.issue_date));
    }
    if inv.due_date < inv.issue_date || inv.due_date > inv.issue_date + Duration::days(i64::from(MAX_TERM_DAYS)) {
        problems.push(format!(
            "due date {} is not between the issue date {} and {MAX_TERM_DAYS} days after it",
            inv.due_date, inv.issue_date
        ));
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

/// The document part of an invoice: what cannot change under its number.
fn document(inv: &Invoice) -> Invoice {
    let mut d = inv.clone();
    d.paid = Decimal::ZERO;
    d.open = Decimal::ZERO;
    d.status = crate::api::PaymentStatus::Open;
    d.payments.clear();
    d.disputes.clear();
    d.early_payment = None;
    // Amounts compared by value, not by how many decimals they were written with.
    for l in &mut d.lines {
        l.unit_price = l.unit_price.normalize();
        l.line_total = l.line_total.normalize();
        l.vat_rate = l.vat_rate.normalize();
    }
    for v in [&mut d.totals.net, &mut d.totals.shipping, &mut d.totals.vat, &mut d.totals.gross] {
        *v = v.normalize();
    }
    d
}

/// Whether `new` is the document `old` is (payments and disputes aside).
pub fn same_document(old: &Invoice, new: &Invoice) -> bool {
    document(old) == document(new)
}

/// What differs between two documents under one number, for the report.
pub fn differences(old: &Invoice, new: &Invoice) -> String {
    let (a, b) = (document(old), document(new));
    let mut out = Vec::new();
    if a.kind != b.kind {
        out.push("kind");
    }
    if a.issue_date != b.issue_date || a.due_date != b.due_date {
        out.push("dates");
    }
    if a.lines != b.lines {
        out.push("lines");
    }
    if a.totals != b.totals {
        out.push("totals");
    }
    if a.order_numbers != b.order_numbers || a.credits_invoice != b.credits_invoice {
        out.push("references");
    }
    if out.is_empty() {
        out.push("terms");
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::matching::tests::invoice;
    use rust_decimal_macros::dec;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    #[test]
    fn a_sound_invoice_passes() {
        let inv = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 3, dec!(1.10))]);
        assert_eq!(check(&inv, today()), Ok(()));
    }

    #[test]
    fn totals_that_do_not_add_up_are_named() {
        let mut inv = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 3, dec!(1.10))]);
        inv.totals.gross += dec!(1);
        inv.open = inv.totals.gross;
        let e = check(&inv, today()).unwrap_err();
        assert_eq!(e, "the amount due 4.93 is not its lines plus shipping plus VAT (3.30 + 0.00 + 0.63 = 3.93)");
        let mut inv = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 3, dec!(1.10))]);
        inv.lines[0].line_total = dec!(3.31);
        let e = check(&inv, today()).unwrap_err();
        assert!(e.starts_with("line 1 (A): line total 3.31 is not 3 × 1.10 = 3.30"), "{e}");
        assert!(e.contains("net 3.30 is not the sum of its lines, 3.31"), "{e}");
    }

    #[test]
    fn absurd_values_and_dates_are_refused() {
        let mut inv = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 1, dec!(1))]);
        inv.lines[0].unit_price = dec!(-1);
        inv.lines[0].line_total = dec!(-1);
        let e = check(&inv, today()).unwrap_err();
        assert!(e.contains("line 1 (A): unit price -1 is negative"), "{e}");
        let mut inv = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 1, dec!(1))]);
        inv.lines[0].quantity = 0;
        inv.issue_date = NaiveDate::from_ymd_opt(1999, 12, 31).unwrap();
        let e = check(&inv, today()).unwrap_err();
        assert!(e.contains("quantity 0 is not between 1 and 1000000000"), "{e}");
        assert!(e.contains("issue date 1999-12-31 is out of range"), "{e}");
        let mut inv = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 1, dec!(1))]);
        inv.due_date = inv.issue_date - Duration::days(1);
        assert!(check(&inv, today()).unwrap_err().contains("due date 2026-11-30 is not between"));
        let mut cn = invoice("CN-1", InvoiceKind::CreditNote, &[("A", Some(1), 1, dec!(1))]);
        cn.credits_invoice = None;
        assert_eq!(check(&cn, today()).unwrap_err(), "the credit note names no invoice it credits");
    }

    #[test]
    fn a_payment_is_the_same_document_a_new_line_is_not() {
        let old = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 1, dec!(1))]);
        let mut paid = old.clone();
        paid.paid = paid.totals.gross;
        paid.open = dec!(0);
        paid.status = crate::api::PaymentStatus::Paid;
        assert!(same_document(&old, &paid));
        let mut written = old.clone();
        written.lines[0].unit_price = dec!(1.0000);
        assert!(same_document(&old, &written), "1.0000 is 1");
        let mut other = old.clone();
        other.lines[0].quantity = 2;
        assert!(!same_document(&old, &other));
        assert_eq!(differences(&old, &other), "lines");
    }
}
