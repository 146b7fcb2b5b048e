//! The three-way match: each invoice line against the order line it bills
//! (quantity and unit price) and the goods receipt (what arrived), as
//! purchasing systems check an invoice before it is paid. Pure: the
//! service gathers the facts (`OrderFacts`, `BilledLine`) from the local
//! history and the receipts, and stores the result.
//!
//! An invoice line is **matched** unless
//!
//! - `not_on_order`: it names no order line the buyer knows (an unknown
//!   order, a line the order lacks, or another part than the order line);
//! - `price_above_order`: its unit price is above the order's by more than
//!   `price_tolerance_pct` percent (by how much: percent of the order
//!   price, one decimal, and money, `(invoiced − ordered) × quantity`);
//! - `not_received`: nothing of the order line was received, and more than
//!   `quantity_tolerance` is invoiced;
//! - `more_invoiced_than_received`: the order line's invoiced quantity so
//!   far (this invoice's lines and the invoices issued before it, less what
//!   credit notes credited) is above what was received plus
//!   `quantity_tolerance`.
//!
//! A line a credit note credits is **credited** when what is left of it
//! (its amount less the credited amounts) is no more than it may bill: the
//! order's unit price plus the tolerance, times the quantity that was
//! received and not yet invoiced before. A price above the order is below
//! the tolerance, or the line's difference was credited, or the line was
//! credited in full: the buyer pays what is left.
//!
//! A credit note is matched against the invoice it credits: each of its
//! lines must be a line of that invoice (`not_on_invoice`; a line crediting
//! no more than the invoice's shipping charge credits that), credit no more
//! than was invoiced less earlier credits (`more_than_invoiced`) and at no
//! higher unit price (`price_above_invoice`); a credit note of an invoice
//! the buyer does not have is `invoice_unknown`.
//!
//! An invoice (or credit note) is **held** when any line is held.

use crate::api::{Invoice, InvoiceKind, InvoiceLine};
use crate::core::money::round_cents;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The tolerances of `[matching]` in config.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tolerances {
    /// A unit price up to this many percent above the order's still matches.
    pub price_pct: Decimal,
    /// Up to this many units invoiced beyond what was received still match.
    pub quantity: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    Matched,
    /// A credit note settled what was wrong with the line.
    Credited,
    Held,
}

impl MatchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchStatus::Matched => "matched",
            MatchStatus::Credited => "credited",
            MatchStatus::Held => "held",
        }
    }

    pub fn parse(s: &str) -> Option<MatchStatus> {
        [MatchStatus::Matched, MatchStatus::Credited, MatchStatus::Held].into_iter().find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    NotOnOrder,
    PriceAboveOrder,
    NotReceived,
    MoreInvoicedThanReceived,
    InvoiceUnknown,
    NotOnInvoice,
    MoreThanInvoiced,
    PriceAboveInvoice,
}

/// Why a line is held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub code: ProblemCode,
    pub message: String,
    /// `price_above_order`, `price_above_invoice`: the difference in
    /// percent of the order's (invoice's) price, one decimal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<Decimal>,
    /// The same difference in money, for the line's quantity.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "procure_protocol::money::amount::serialize_option"
    )]
    pub amount: Option<Decimal>,
}

/// What the buyer knows of one order: per line (index = line − 1).
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFacts {
    pub number: String,
    pub lines: Vec<LineFacts>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LineFacts {
    pub sku: String,
    pub quantity: u32,
    pub unit_price: Decimal,
    pub received: u32,
}

/// What other documents say of one invoice line: what invoices issued
/// before this one billed of its order line (less what was credited of
/// them), and what credit notes credited of this line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Billed {
    pub invoiced_before: u32,
    pub credited_quantity: u32,
    pub credited_amount: Decimal,
    pub credit_notes: Vec<String>,
}

/// One invoice line, matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineMatch {
    /// One-based line number on the invoice.
    pub line: u32,
    pub sku: String,
    pub order_number: Option<String>,
    pub order_line: Option<u32>,
    /// On the order line; `None` when the line is on no order known.
    pub ordered: Option<u32>,
    pub received: Option<u32>,
    /// On this line.
    pub invoiced: u32,
    /// On the order line so far: this invoice and those issued before it,
    /// less what credit notes credited of them.
    pub invoiced_to_date: Option<u32>,
    pub order_unit_price: Option<Decimal>,
    pub unit_price: Decimal,
    pub status: MatchStatus,
    pub problems: Vec<Problem>,
    /// The credit notes that credit this line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credit_notes: Vec<String>,
}

impl LineMatch {
    /// A document line on order line `order_line` of `order_number`, before
    /// anything is checked: matched until a check finds a problem.
    fn unchecked(
        l: &InvoiceLine,
        order_number: Option<String>,
        order_line: Option<u32>,
        credit_notes: Vec<String>,
    ) -> LineMatch {
        LineMatch {
            line: l.line,
            sku: l.sku.clone(),
            order_number,
            order_line,
            ordered: None,
            received: None,
            invoiced: l.quantity,
            invoiced_to_date: None,
            order_unit_price: None,
            unit_price: l.unit_price,
            status: MatchStatus::Matched,
            problems: vec![],
            credit_notes,
        }
    }
}

/// An invoice or credit note, matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    pub status: MatchStatus,
    pub lines: Vec<LineMatch>,
    /// Problems of the document as a whole (a credit note's invoice unknown).
    pub problems: Vec<Problem>,
}

impl Match {
    /// The lines that hold the invoice.
    pub fn held_lines(&self) -> impl Iterator<Item = &LineMatch> {
        self.lines.iter().filter(|l| l.status == MatchStatus::Held)
    }
}

/// `diff` in percent of `of`, with one decimal (3.0, not 3).
fn pct(diff: Decimal, of: Decimal) -> Option<Decimal> {
    (!of.is_zero()).then(|| {
        let mut p =
            (diff * Decimal::ONE_HUNDRED / of).round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
        p.rescale(1);
        p
    })
}

fn fmt(d: Decimal) -> String {
    crate::core::money::format_amount(d)
}

/// The order and line an invoice line bills: its own references, else the
/// invoice's one order and the first line of it with the part.
fn resolve<'a>(
    inv: &Invoice,
    l: &InvoiceLine,
    order: &dyn Fn(&str) -> Option<&'a OrderFacts>,
) -> (Option<String>, Option<u32>, Option<(&'a OrderFacts, usize)>) {
    let number = l.order_number.clone().or_else(|| match inv.order_numbers.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    });
    let Some(o) = number.as_deref().and_then(order) else {
        return (number, l.order_line, None);
    };
    let index = match l.order_line {
        Some(n) => usize::try_from(n).ok().and_then(|n| n.checked_sub(1)).filter(|&i| i < o.lines.len()),
        None => o.lines.iter().position(|x| x.sku == l.sku),
    };
    match index {
        Some(i) if o.lines[i].sku == l.sku => (number, Some(u32::try_from(i + 1).unwrap_or(u32::MAX)), Some((o, i))),
        _ => (number, l.order_line, None),
    }
}

/// The order line (order number, index) an invoice line bills, when the
/// buyer knows it.
pub fn order_line_of<'a>(
    inv: &Invoice,
    l: &InvoiceLine,
    order: &dyn Fn(&str) -> Option<&'a OrderFacts>,
) -> Option<(String, usize)> {
    resolve(inv, l, order).2.map(|(o, i)| (o.number.clone(), i))
}

/// What `credit_notes` credit of each line of `inv` (index = line − 1):
/// each credit note line goes to the first line of the invoice with its
/// part (and its order references, where it has them) that still has
/// quantity left to credit, else to the first such line.
pub fn credits_per_line(inv: &Invoice, credit_notes: &[&Invoice]) -> Vec<Billed> {
    let mut out = vec![Billed::default(); inv.lines.len()];
    for cn in credit_notes.iter().filter(|c| c.credits_invoice.as_deref() == Some(inv.number.as_str())) {
        for l in &cn.lines {
            let fits = |il: &InvoiceLine| {
                il.sku == l.sku
                    && (l.order_number.is_none() || il.order_number == l.order_number)
                    && (l.order_line.is_none() || il.order_line == l.order_line)
            };
            let at = (0..inv.lines.len())
                .find(|&i| fits(&inv.lines[i]) && out[i].credited_quantity < inv.lines[i].quantity)
                .or_else(|| (0..inv.lines.len()).find(|&i| fits(&inv.lines[i])));
            if let Some(i) = at {
                let b = &mut out[i];
                b.credited_quantity = b.credited_quantity.saturating_add(l.quantity);
                b.credited_amount += l.line_total;
                if !b.credit_notes.contains(&cn.number) {
                    b.credit_notes.push(cn.number.clone());
                }
            }
        }
    }
    out
}

/// Whether `a` was issued before `b` (by date, then number).
pub fn issued_before(a: &Invoice, b: &Invoice) -> bool {
    (a.issue_date, &a.number) < (b.issue_date, &b.number)
}

/// What other documents did to each line of `inv` (index = line − 1):
/// `documents` are the invoices and credit notes the buyer has of the same
/// orders (and the credit notes of `inv`); `inv` itself among them is
/// passed over.
pub fn billed<'a>(
    inv: &Invoice,
    documents: &[&Invoice],
    order: &dyn Fn(&str) -> Option<&'a OrderFacts>,
) -> Vec<Billed> {
    let credit_notes: Vec<&Invoice> =
        documents.iter().copied().filter(|d| d.kind == InvoiceKind::CreditNote && d.number != inv.number).collect();
    let mut out = credits_per_line(inv, &credit_notes);
    let keys: Vec<Option<(String, usize)>> = inv.lines.iter().map(|l| order_line_of(inv, l, order)).collect();
    for earlier in
        documents.iter().filter(|d| d.kind == InvoiceKind::Invoice && d.number != inv.number && issued_before(d, inv))
    {
        let credited = credits_per_line(earlier, &credit_notes);
        for (j, l) in earlier.lines.iter().enumerate() {
            let Some(key) = order_line_of(earlier, l, order) else { continue };
            let net = l.quantity.saturating_sub(credited[j].credited_quantity);
            // Counted once per order line, on the first line of `inv` that bills it.
            if let Some(i) = keys.iter().position(|k| k.as_ref() == Some(&key)) {
                out[i].invoiced_before = out[i].invoiced_before.saturating_add(net);
            }
        }
    }
    out
}

/// Matches an invoice (not a credit note) line by line. `order` finds the
/// orders the buyer knows; `billed` says, per invoice line (index = line −
/// 1), what other documents did to it.
pub fn match_invoice<'a>(
    inv: &Invoice,
    order: &dyn Fn(&str) -> Option<&'a OrderFacts>,
    billed: &[Billed],
    tol: &Tolerances,
) -> Match {
    let none = Billed::default();
    // Quantities this invoice bills per order line, as its lines go.
    let mut this_invoice: Vec<((String, usize), u32)> = Vec::new();
    let mut lines = Vec::new();
    for (i, l) in inv.lines.iter().enumerate() {
        let b = billed.get(i).unwrap_or(&none);
        let (order_number, order_line, found) = resolve(inv, l, order);
        let mut m = LineMatch::unchecked(l, order_number.clone(), order_line, b.credit_notes.clone());
        let Some((o, idx)) = found else {
            let on = match (&order_number, l.order_line) {
                (Some(n), Some(line)) => format!("order {n} line {line}"),
                (Some(n), None) => format!("order {n}"),
                (None, _) => "no order".to_string(),
            };
            m.problems.push(Problem {
                code: ProblemCode::NotOnOrder,
                message: format!("{} is not on {on} procure knows", l.sku),
                percent: None,
                amount: None,
            });
            m.status = MatchStatus::Held;
            lines.push(m);
            continue;
        };
        let facts = &o.lines[idx];
        let key = (o.number.clone(), idx);
        let so_far = match this_invoice.iter_mut().find(|(k, _)| *k == key) {
            Some((_, q)) => {
                *q = q.saturating_add(l.quantity);
                *q
            }
            None => {
                this_invoice.push((key, l.quantity));
                l.quantity
            }
        };
        let to_date = b.invoiced_before.saturating_add(so_far);
        m.ordered = Some(facts.quantity);
        m.received = Some(facts.received);
        m.invoiced_to_date = Some(to_date);
        m.order_unit_price = Some(facts.unit_price);
        let ceiling = facts.unit_price * (Decimal::ONE_HUNDRED + tol.price_pct) / Decimal::ONE_HUNDRED;
        if l.unit_price > ceiling {
            let diff = l.unit_price - facts.unit_price;
            let percent = pct(diff, facts.unit_price);
            let amount = round_cents(diff * Decimal::from(l.quantity));
            m.problems.push(Problem {
                code: ProblemCode::PriceAboveOrder,
                message: format!(
                    "unit price {} is above the order's {}{} ({} more for {})",
                    fmt(l.unit_price),
                    fmt(facts.unit_price),
                    percent.map(|p| format!(" by {p} %")).unwrap_or_default(),
                    fmt(amount),
                    l.quantity
                ),
                percent,
                amount: Some(amount),
            });
        }
        let allowed = facts.received.saturating_add(tol.quantity);
        if to_date > allowed {
            let (code, message) = if facts.received == 0 {
                (
                    ProblemCode::NotReceived,
                    format!("{to_date} invoiced of order {} line {}, none received yet", o.number, idx + 1),
                )
            } else {
                (
                    ProblemCode::MoreInvoicedThanReceived,
                    format!("{to_date} invoiced of order {} line {}, {} received", o.number, idx + 1, facts.received),
                )
            };
            m.problems.push(Problem { code, message, percent: None, amount: None });
        }
        m.status = if m.problems.is_empty() {
            MatchStatus::Matched
        } else if b.credited_quantity > 0 || !b.credited_amount.is_zero() {
            // What is left to pay of the line against what it may bill.
            let left = l.line_total - b.credited_amount;
            let may_qty = allowed.saturating_sub(b.invoiced_before).min(l.quantity);
            let may = round_cents(ceiling * Decimal::from(may_qty));
            if left <= may { MatchStatus::Credited } else { MatchStatus::Held }
        } else {
            MatchStatus::Held
        };
        lines.push(m);
    }
    let status = overall(&lines, &[]);
    Match { status, lines, problems: vec![] }
}

/// The invoice a credit note credits, as the buyer has it, with what
/// credit notes issued before this one credited of each of its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Credited<'a> {
    pub invoice: &'a Invoice,
    /// Per invoice line (index = line − 1): quantity credited before.
    pub credited_before: Vec<u32>,
}

/// Matches a credit note against the invoice it credits (`None`: the buyer
/// does not have it).
pub fn match_credit_note(cn: &Invoice, credited: Option<&Credited<'_>>) -> Match {
    let mut problems = vec![];
    let mut lines = Vec::new();
    let mut used: Vec<u32> = credited.map(|c| c.credited_before.clone()).unwrap_or_default();
    if credited.is_none() {
        problems.push(Problem {
            code: ProblemCode::InvoiceUnknown,
            message: match &cn.credits_invoice {
                Some(n) => format!("credits invoice {n}, which procure does not have"),
                None => "names no invoice it credits".to_string(),
            },
            percent: None,
            amount: None,
        });
    }
    for l in &cn.lines {
        let mut m = LineMatch::unchecked(l, l.order_number.clone(), l.order_line, vec![]);
        if let Some(c) = credited {
            let inv = c.invoice;
            let found = inv.lines.iter().enumerate().find(|(i, il)| {
                il.sku == l.sku
                    && (l.order_number.is_none() || il.order_number == l.order_number)
                    && (l.order_line.is_none() || il.order_line == l.order_line)
                    && used.get(*i).copied().unwrap_or(0) < il.quantity
            });
            let found = found.or_else(|| {
                inv.lines.iter().enumerate().find(|(_, il)| {
                    il.sku == l.sku
                        && (l.order_number.is_none() || il.order_number == l.order_number)
                        && (l.order_line.is_none() || il.order_line == l.order_line)
                })
            });
            match found {
                // A credit of the shipping charge the invoice billed (a line of its own).
                None if l.line_total <= inv.totals.shipping && !inv.totals.shipping.is_zero() => {}
                None => m.problems.push(Problem {
                    code: ProblemCode::NotOnInvoice,
                    message: format!("{} is not on invoice {}", l.sku, inv.number),
                    percent: None,
                    amount: None,
                }),
                Some((i, il)) => {
                    let before = used.get(i).copied().unwrap_or(0);
                    let after = before.saturating_add(l.quantity);
                    if let Some(u) = used.get_mut(i) {
                        *u = after;
                    }
                    m.ordered = Some(il.quantity);
                    m.order_unit_price = Some(il.unit_price);
                    m.invoiced_to_date = Some(after);
                    if after > il.quantity {
                        m.problems.push(Problem {
                            code: ProblemCode::MoreThanInvoiced,
                            message: format!(
                                "credits {after} of {} invoiced on invoice {} line {}",
                                il.quantity, inv.number, il.line
                            ),
                            percent: None,
                            amount: None,
                        });
                    }
                    if l.unit_price > il.unit_price {
                        let diff = l.unit_price - il.unit_price;
                        let percent = pct(diff, il.unit_price);
                        let amount = round_cents(diff * Decimal::from(l.quantity));
                        m.problems.push(Problem {
                            code: ProblemCode::PriceAboveInvoice,
                            message: format!(
                                "credits {} a unit, the invoice billed {}",
                                fmt(l.unit_price),
                                fmt(il.unit_price)
                            ),
                            percent,
                            amount: Some(amount),
                        });
                    }
                }
            }
        }
        m.status = if m.problems.is_empty() && credited.is_some() { MatchStatus::Matched } else { MatchStatus::Held };
        lines.push(m);
    }
    let status = overall(&lines, &problems);
    Match { status, lines, problems }
}

fn overall(lines: &[LineMatch], problems: &[Problem]) -> MatchStatus {
    if !problems.is_empty() || lines.iter().any(|l| l.status == MatchStatus::Held) {
        MatchStatus::Held
    } else if lines.iter().any(|l| l.status == MatchStatus::Credited) {
        MatchStatus::Credited
    } else {
        MatchStatus::Matched
    }
}

/// Matches any document: an invoice against orders and receipts, a credit
/// note against its invoice.
pub fn match_document<'a>(
    doc: &Invoice,
    order: &dyn Fn(&str) -> Option<&'a OrderFacts>,
    billed: &[Billed],
    credited: Option<&Credited<'_>>,
    tol: &Tolerances,
) -> Match {
    match doc.kind {
        InvoiceKind::Invoice => match_invoice(doc, order, billed, tol),
        InvoiceKind::CreditNote => match_credit_note(doc, credited),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::api::PaymentStatus;
    use chrono::NaiveDate;
    use rust_decimal_macros::dec;

    pub(crate) fn invoice(number: &str, kind: InvoiceKind, lines: &[(&str, Option<u32>, u32, Decimal)]) -> Invoice {
        let lines: Vec<InvoiceLine> = lines
            .iter()
            .enumerate()
            .map(|(i, (sku, order_line, q, p))| InvoiceLine {
                line: u32::try_from(i + 1).unwrap(),
                order_number: Some("SO-1".into()),
                order_line: *order_line,
                sku: sku.to_string(),
                name: sku.to_string(),
                quantity: *q,
                unit_price: *p,
                line_total: crate::core::money::line_total(*p, *q),
                vat_rate: dec!(19),
            })
            .collect();
        let totals = crate::core::money::totals("EUR", lines.iter().map(|l| (l.line_total, l.vat_rate)), dec!(0));
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        Invoice {
            number: number.into(),
            kind,
            issue_date: day,
            due_date: day,
            payment_terms: "30 days net".into(),
            early_payment: None,
            order_numbers: vec!["SO-1".into()],
            credits_invoice: (kind == InvoiceKind::CreditNote).then(|| "INV-1".into()),
            reason: None,
            lines,
            open: totals.gross,
            totals,
            paid: dec!(0),
            status: PaymentStatus::Open,
            payments: vec![],
            disputes: vec![],
        }
    }

    fn facts(lines: &[(&str, u32, Decimal, u32)]) -> OrderFacts {
        OrderFacts {
            number: "SO-1".into(),
            lines: lines
                .iter()
                .map(|(sku, q, p, r)| LineFacts { sku: sku.to_string(), quantity: *q, unit_price: *p, received: *r })
                .collect(),
        }
    }

    fn codes(m: &LineMatch) -> Vec<ProblemCode> {
        m.problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn three_percent_over_is_held_and_within_the_tolerance_matches() {
        let o = facts(&[("A", 10, dec!(10.00), 10), ("B", 5, dec!(100.00), 5)]);
        let inv =
            invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 10, dec!(10.30)), ("B", Some(2), 5, dec!(100.80))]);
        let tol = Tolerances { price_pct: dec!(1), quantity: 0 };
        let find = |n: &str| (n == "SO-1").then_some(&o);
        let m = match_invoice(&inv, &find, &[], &tol);
        assert_eq!(m.status, MatchStatus::Held);
        assert_eq!(codes(&m.lines[0]), [ProblemCode::PriceAboveOrder]);
        assert_eq!(m.lines[0].problems[0].percent, Some(dec!(3.0)));
        assert_eq!(m.lines[0].problems[0].amount, Some(dec!(3.00)));
        assert_eq!(
            m.lines[0].problems[0].message,
            "unit price 10.30 is above the order's 10.00 by 3.0 % (3.00 more for 10)"
        );
        assert_eq!(m.lines[1].status, MatchStatus::Matched, "0.8 % is within 1 %");
        assert_eq!(m.held_lines().count(), 1);
        // Without a tolerance the second line is held too; exactly at it, it matches.
        let strict = match_invoice(&inv, &find, &[], &Tolerances::default());
        assert_eq!(strict.held_lines().count(), 2);
        let at = Tolerances { price_pct: dec!(0.8), quantity: 0 };
        assert_eq!(match_invoice(&inv, &find, &[], &at).lines[1].status, MatchStatus::Matched);
        // A price below the order's is the buyer's gain: matched.
        let cheaper = invoice("INV-2", InvoiceKind::Invoice, &[("A", Some(1), 10, dec!(9.00))]);
        assert_eq!(match_invoice(&cheaper, &find, &[], &Tolerances::default()).status, MatchStatus::Matched);
    }

    #[test]
    fn quantities_against_what_was_received() {
        let o = facts(&[("A", 10, dec!(1), 4), ("B", 5, dec!(1), 0)]);
        let find = |n: &str| (n == "SO-1").then_some(&o);
        let inv = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 6, dec!(1)), ("B", Some(2), 5, dec!(1))]);
        let m = match_invoice(&inv, &find, &[], &Tolerances::default());
        assert_eq!(codes(&m.lines[0]), [ProblemCode::MoreInvoicedThanReceived]);
        assert_eq!(m.lines[0].problems[0].message, "6 invoiced of order SO-1 line 1, 4 received");
        assert_eq!(codes(&m.lines[1]), [ProblemCode::NotReceived]);
        // Two more units are within a quantity tolerance of 2.
        let m = match_invoice(&inv, &find, &[], &Tolerances { price_pct: dec!(0), quantity: 2 });
        assert_eq!(m.lines[0].status, MatchStatus::Matched);
        assert_eq!(m.lines[1].status, MatchStatus::Held);
        // An earlier invoice counts: 4 received, 3 billed before, 2 now.
        let one = invoice("INV-2", InvoiceKind::Invoice, &[("A", Some(1), 2, dec!(1))]);
        let before = [Billed { invoiced_before: 3, ..Default::default() }];
        let m = match_invoice(&one, &find, &before, &Tolerances::default());
        assert_eq!(m.lines[0].invoiced_to_date, Some(5));
        assert_eq!(codes(&m.lines[0]), [ProblemCode::MoreInvoicedThanReceived]);
    }

    #[test]
    fn lines_on_no_known_order_are_held_not_dropped() {
        let o = facts(&[("A", 10, dec!(1), 10)]);
        let find = |n: &str| (n == "SO-1").then_some(&o);
        let mut inv = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 1, dec!(1)), ("X", Some(1), 1, dec!(1))]);
        inv.lines.push(InvoiceLine { order_number: Some("SO-9".into()), line: 3, ..inv.lines[0].clone() });
        let m = match_invoice(&inv, &find, &[], &Tolerances::default());
        let all: Vec<Vec<ProblemCode>> = m.lines.iter().map(codes).collect();
        assert_eq!(all, [vec![], vec![ProblemCode::NotOnOrder], vec![ProblemCode::NotOnOrder]]);
        assert_eq!(m.lines[1].problems[0].message, "X is not on order SO-1 line 1 procure knows");
        assert_eq!(m.lines[2].problems[0].message, "A is not on order SO-9 line 1 procure knows");
        // Without a line reference the first line of the part is the one.
        inv.lines[0].order_line = None;
        assert_eq!(match_invoice(&inv, &find, &[], &Tolerances::default()).lines[0].order_line, Some(1));
    }

    #[test]
    fn a_credit_note_settles_what_it_covers() {
        let o = facts(&[("A", 10, dec!(10.00), 10)]);
        let find = |n: &str| (n == "SO-1").then_some(&o);
        let inv = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 10, dec!(10.30))]);
        let tol = Tolerances::default();
        // The whole line credited.
        let full = [Billed {
            credited_quantity: 10,
            credited_amount: dec!(103.00),
            credit_notes: vec!["CN-1".into()],
            ..Default::default()
        }];
        let m = match_invoice(&inv, &find, &full, &tol);
        assert_eq!((m.status, m.lines[0].status), (MatchStatus::Credited, MatchStatus::Credited));
        assert_eq!(m.lines[0].credit_notes, ["CN-1"]);
        // Only the difference credited: 10 × 0.30.
        let diff = [Billed { credited_amount: dec!(3.00), credited_quantity: 10, ..Default::default() }];
        assert_eq!(match_invoice(&inv, &find, &diff, &tol).status, MatchStatus::Credited);
        // Less than the difference: still held.
        let some = [Billed { credited_amount: dec!(2.99), credited_quantity: 10, ..Default::default() }];
        assert_eq!(match_invoice(&inv, &find, &some, &tol).status, MatchStatus::Held);
    }

    #[test]
    fn earlier_invoices_and_credit_notes_are_counted() {
        let o = facts(&[("A", 10, dec!(1), 10)]);
        let find = |n: &str| (n == "SO-1").then_some(&o);
        let mut first = invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 6, dec!(1))]);
        first.issue_date = first.issue_date.pred_opt().unwrap();
        let second = invoice("INV-2", InvoiceKind::Invoice, &[("A", Some(1), 6, dec!(1))]);
        let cn = invoice("CN-1", InvoiceKind::CreditNote, &[("A", Some(1), 2, dec!(1))]);
        let docs = [&first, &second, &cn];
        // 6 before, 2 of them credited: 4 before the second.
        let b = billed(&second, &docs, &find);
        assert_eq!(b[0].invoiced_before, 4);
        assert_eq!(b[0].credited_quantity, 0, "the credit note credits the first invoice");
        let m = match_invoice(&second, &find, &b, &Tolerances::default());
        assert_eq!(m.lines[0].invoiced_to_date, Some(10));
        assert_eq!(m.status, MatchStatus::Matched);
        let b = billed(&first, &docs, &find);
        assert_eq!((b[0].invoiced_before, b[0].credited_quantity), (0, 2));
        assert_eq!(b[0].credit_notes, ["CN-1"]);
    }

    #[test]
    fn a_credit_note_is_matched_against_its_invoice() {
        let inv =
            invoice("INV-1", InvoiceKind::Invoice, &[("A", Some(1), 10, dec!(10.30)), ("B", Some(2), 2, dec!(5))]);
        let c = Credited { invoice: &inv, credited_before: vec![4, 0] };
        let cn = invoice("CN-1", InvoiceKind::CreditNote, &[("A", Some(1), 6, dec!(10.30))]);
        assert_eq!(match_credit_note(&cn, Some(&c)).status, MatchStatus::Matched);
        let too_many = invoice("CN-2", InvoiceKind::CreditNote, &[("A", Some(1), 7, dec!(10.30))]);
        let m = match_credit_note(&too_many, Some(&c));
        assert_eq!(codes(&m.lines[0]), [ProblemCode::MoreThanInvoiced]);
        assert_eq!(m.lines[0].problems[0].message, "credits 11 of 10 invoiced on invoice INV-1 line 1");
        let dearer = invoice("CN-3", InvoiceKind::CreditNote, &[("B", Some(2), 1, dec!(6))]);
        assert_eq!(codes(&match_credit_note(&dearer, Some(&c)).lines[0]), [ProblemCode::PriceAboveInvoice]);
        let other = invoice("CN-4", InvoiceKind::CreditNote, &[("Z", None, 1, dec!(1))]);
        assert_eq!(codes(&match_credit_note(&other, Some(&c)).lines[0]), [ProblemCode::NotOnInvoice]);
        // A line of its own crediting the shipping charge the invoice billed.
        let mut shipped = inv.clone();
        shipped.totals.shipping = dec!(6.90);
        let freight = invoice("CN-5", InvoiceKind::CreditNote, &[("standard", None, 1, dec!(6.90))]);
        let c = Credited { invoice: &shipped, credited_before: vec![0, 0] };
        assert_eq!(match_credit_note(&freight, Some(&c)).status, MatchStatus::Matched);
        let orphan = match_credit_note(&cn, None);
        assert_eq!(orphan.status, MatchStatus::Held);
        assert_eq!(orphan.problems[0].code, ProblemCode::InvoiceUnknown);
        assert_eq!(orphan.problems[0].message, "credits invoice INV-1, which procure does not have");
    }
}
