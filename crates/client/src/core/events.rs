//! A supplier's answers to an order (`OrderEvent`) as text both faces show.

use crate::api::{LineChange, LineChangeKind, OrderEvent};

/// `2026-12-01 accepted with changes (T76 R-1), delivery 2026-12-07: note`.
pub fn describe_event(e: &OrderEvent) -> String {
    let mut s = format!("{} {} ({})", e.date, e.kind.as_str().replace('_', " "), e.document);
    if let Some(d) = e.promised_delivery {
        s.push_str(&format!(", delivery {d}"));
    }
    if let Some(n) = &e.note {
        s.push_str(&format!(": {n}"));
    }
    s
}

/// `line 2 T-BRG-1: CHANGED price 6.90 → 7.25`.
pub fn describe_change(c: &LineChange) -> String {
    let what = match c.what {
        LineChangeKind::Quantity => format!("CHANGED quantity {} → {}", c.from, c.to),
        LineChangeKind::UnitPrice => format!("CHANGED price {} → {}", c.from, c.to),
        LineChangeKind::DeliveryDate => {
            format!("CHANGED delivery {} → {}", if c.from.is_empty() { "-" } else { &c.from }, c.to)
        }
        LineChangeKind::NotAccepted => format!("NOT ACCEPTED (quantity {} → 0)", c.from),
        LineChangeKind::Substituted => format!("SUBSTITUTED by {}", c.to),
        LineChangeKind::Shipped => format!("shipped {}", c.to),
    };
    format!("line {} {}: {what}", c.line, c.sku)
}

/// Whether the supplier changed what a line costs or holds (quantity, price, refusal).
pub fn line_changed(events: &[OrderEvent], line: usize) -> bool {
    events.iter().flat_map(|e| &e.changes).any(|c| c.line == line && c.what.alters_line())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_such() {
        let c = LineChange {
            line: 2,
            sku: "A".into(),
            what: LineChangeKind::UnitPrice,
            from: "6.90".into(),
            to: "7.25".into(),
        };
        assert_eq!(describe_change(&c), "line 2 A: CHANGED price 6.90 → 7.25");
        let e = OrderEvent {
            date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            kind: crate::api::OrderEventKind::AcceptedWithChanges,
            document: "T76 R-1".into(),
            note: Some("see lines".into()),
            promised_delivery: None,
            changes: vec![c],
        };
        assert_eq!(describe_event(&e), "2026-12-01 accepted with changes (T76 R-1): see lines");
        assert!(line_changed(std::slice::from_ref(&e), 2));
        assert!(!line_changed(&[e], 1));
    }
}
