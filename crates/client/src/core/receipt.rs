//! Goods receipt: what actually arrived, recorded by the buyer per order.
//! Pure rules: how much of each order line may still be received, and a
//! receipt typed as `SKU=QTY` made into receipt lines or refused with the
//! numbers. The service keeps receipts in files (`store::receipts`).
//!
//! What may be received of a line is what the supplier shipped, less what
//! was received already; where the backend does not report shipments, what
//! was ordered, less what was received.

use crate::api::Order;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One goods receipt: what arrived of one order, at one time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// `GR-<order>-<n>`, or the id the buyer gave (a delivery note's number).
    pub id: String,
    pub order: String,
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub note: Option<String>,
    pub lines: Vec<ReceiptLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    /// One-based line number on the order.
    pub line: u32,
    pub sku: String,
    pub quantity: u32,
}

/// What a receipt may not exceed per line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// What the supplier reported shipped.
    Shipped,
    /// What was ordered (the backend reports no shipments).
    Ordered,
}

impl Limit {
    pub fn word(self) -> &'static str {
        match self {
            Limit::Shipped => "shipped",
            Limit::Ordered => "ordered",
        }
    }
}

/// Received so far per order line (index = line − 1).
pub fn received(order: &Order, receipts: &[Receipt]) -> Vec<u32> {
    let mut got = vec![0u32; order.lines.len()];
    for r in receipts {
        for l in &r.lines {
            if let Some(g) = usize::try_from(l.line).ok().and_then(|n| n.checked_sub(1)).and_then(|i| got.get_mut(i)) {
                *g = g.saturating_add(l.quantity);
            }
        }
    }
    got
}

/// What each line may still receive.
pub fn open(order: &Order, received: &[u32], limit: Limit) -> Vec<u32> {
    order
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let cap = match limit {
                Limit::Shipped => l.shipped,
                Limit::Ordered => l.quantity,
            };
            cap.saturating_sub(received.get(i).copied().unwrap_or(0))
        })
        .collect()
}

/// Everything still open, as receipt lines (`--all`).
pub fn all_open(order: &Order, received: &[u32], limit: Limit) -> Vec<ReceiptLine> {
    open(order, received, limit)
        .into_iter()
        .enumerate()
        .filter(|(_, q)| *q > 0)
        .map(|(i, q)| ReceiptLine {
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
            sku: order.lines[i].sku.clone(),
            quantity: q,
        })
        .collect()
}

/// `SKU=QTY` pairs as receipt lines. A SKU on several lines fills them in
/// order. Refused, with the numbers, when a SKU is not on the order, a
/// quantity is 0, or more would be received than is open.
pub fn allocate(
    order: &Order,
    received: &[u32],
    limit: Limit,
    wanted: &[(String, u32)],
) -> Result<Vec<ReceiptLine>, String> {
    let mut open = open(order, received, limit);
    let mut out: Vec<ReceiptLine> = Vec::new();
    let mut problems = Vec::new();
    for (sku, qty) in wanted {
        if *qty == 0 {
            problems.push(format!("{sku}: a quantity of 0 receives nothing"));
            continue;
        }
        let lines: Vec<usize> = (0..order.lines.len()).filter(|&i| order.lines[i].sku == *sku).collect();
        if lines.is_empty() {
            problems.push(format!("{sku} is not on order {}", order.number));
            continue;
        }
        let can: u64 = lines.iter().map(|&i| u64::from(open[i])).sum();
        if u64::from(*qty) > can {
            let ordered: u64 = lines.iter().map(|&i| u64::from(order.lines[i].quantity)).sum();
            let shipped: u64 = lines.iter().map(|&i| u64::from(order.lines[i].shipped)).sum();
            let got: u64 = lines.iter().map(|&i| u64::from(received.get(i).copied().unwrap_or(0))).sum();
            let cap = if limit == Limit::Shipped { shipped } else { ordered };
            problems.push(format!(
                "{sku}: {qty} more would make {} received of {cap} {} ({ordered} ordered, {shipped} shipped, {got} received); at most {can} can be received now",
                got + u64::from(*qty),
                limit.word(),
            ));
            continue;
        }
        let mut left = *qty;
        for i in lines {
            let take = left.min(open[i]);
            if take == 0 {
                continue;
            }
            open[i] -= take;
            left -= take;
            let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
            match out.iter_mut().find(|l| l.line == line) {
                Some(l) => l.quantity += take,
                None => out.push(ReceiptLine { line, sku: sku.clone(), quantity: take }),
            }
            if left == 0 {
                break;
            }
        }
    }
    if !problems.is_empty() {
        return Err(format!("nothing was received: {}", problems.join("; ")));
    }
    out.sort_by_key(|l| l.line);
    Ok(out)
}

/// One `SKU=QTY` as typed (the SKU trimmed, the quantity a whole number
/// within the protocol's limits).
pub fn parse_pair(text: &str) -> Result<(String, u32), String> {
    let (sku, qty) = text.rsplit_once('=').ok_or_else(|| format!("{text:?}: use SKU=QTY, e.g. T-BRG-1=5"))?;
    let sku = sku.trim();
    if sku.is_empty() {
        return Err(format!("{text:?}: the SKU is missing (SKU=QTY)"));
    }
    let qty = crate::core::quantity::parse_quantity(qty).map_err(|e| format!("{text:?}: {e}"))?;
    Ok((sku.to_string(), qty))
}

/// `SKU=QTY` pairs separated by spaces or commas, as a prompt takes them.
pub fn parse_pairs(text: &str) -> Result<Vec<(String, u32)>, String> {
    let pairs: Vec<(String, u32)> = text
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
        .map(parse_pair)
        .collect::<Result<_, _>>()?;
    if pairs.is_empty() {
        return Err("nothing typed: SKU=QTY for each part that arrived".into());
    }
    Ok(pairs)
}

/// Whether two receipts record the same goods (a rerun of one with the same id).
pub fn same_goods(a: &[ReceiptLine], b: &[ReceiptLine]) -> bool {
    let key = |v: &[ReceiptLine]| {
        let mut v: Vec<(u32, u32)> = v.iter().map(|l| (l.line, l.quantity)).collect();
        v.sort_unstable();
        v
    };
    key(a) == key(b)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::api::{Address, OrderStatus, PricedLine, ShippingMethod, Totals};
    use rust_decimal::Decimal;

    /// An order of `lines` (sku, quantity, shipped, unit price).
    pub(crate) fn order(number: &str, lines: &[(&str, u32, u32, Decimal)]) -> Order {
        Order {
            number: number.into(),
            status: OrderStatus::Confirmed,
            created_at: Utc::now(),
            placed_by: "buyer".into(),
            po_number: "PO-1".into(),
            lines: lines
                .iter()
                .map(|(sku, q, s, p)| PricedLine {
                    sku: sku.to_string(),
                    name: sku.to_string(),
                    quantity: *q,
                    unit_price: *p,
                    base_quantity: Decimal::ONE,
                    line_total: crate::core::money::line_total(*p, *q),
                    vat_rate: Decimal::from(19),
                    note: None,
                    promised_delivery: None,
                    shipped: *s,
                    invoiced: 0,
                })
                .collect(),
            totals: Totals {
                currency: "EUR".into(),
                net: Decimal::ZERO,
                shipping: Decimal::ZERO,
                vat: Decimal::ZERO,
                gross: Decimal::ZERO,
            },
            ship_to: Address {
                id: String::new(),
                label: String::new(),
                name: String::new(),
                street: String::new(),
                postal_code: String::new(),
                city: String::new(),
                country: String::new(),
            },
            requested_delivery_date: None,
            ship_complete: false,
            payment_terms: String::new(),
            shipping_method: ShippingMethod { id: String::new(), name: String::new(), price: Decimal::ZERO },
            comment: None,
            approval: None,
            quote_number: None,
            events: vec![],
            earliest_delivery: None,
            confirmed_at: None,
            shipments: vec![],
        }
    }

    fn want(pairs: &[(&str, u32)]) -> Vec<(String, u32)> {
        pairs.iter().map(|(s, q)| (s.to_string(), *q)).collect()
    }

    #[test]
    fn more_than_shipped_is_refused_with_the_numbers() {
        let o = order("SO-1", &[("A", 10, 4, Decimal::ONE), ("B", 5, 5, Decimal::ONE)]);
        let got = [3, 0];
        let e = allocate(&o, &got, Limit::Shipped, &want(&[("A", 2)])).unwrap_err();
        assert_eq!(
            e,
            "nothing was received: A: 2 more would make 5 received of 4 shipped (10 ordered, 4 shipped, 3 received); \
             at most 1 can be received now"
        );
        assert_eq!(allocate(&o, &got, Limit::Shipped, &want(&[("A", 1), ("B", 5)])).unwrap().len(), 2);
        // Where shipments are not reported, what was ordered is the limit.
        assert!(allocate(&o, &got, Limit::Ordered, &want(&[("A", 7)])).is_ok());
        assert!(allocate(&o, &got, Limit::Ordered, &want(&[("A", 8)])).is_err());
    }

    #[test]
    fn unknown_parts_and_zero_quantities_are_refused_and_nothing_is_received() {
        let o = order("SO-1", &[("A", 10, 10, Decimal::ONE)]);
        let e = allocate(&o, &[0], Limit::Shipped, &want(&[("A", 1), ("X", 1), ("A", 0)])).unwrap_err();
        assert!(e.contains("X is not on order SO-1"), "{e}");
        assert!(e.contains("A: a quantity of 0"), "{e}");
    }

    #[test]
    fn a_part_on_two_lines_fills_them_in_order() {
        let o = order("SO-1", &[("A", 3, 3, Decimal::ONE), ("B", 1, 1, Decimal::ONE), ("A", 5, 5, Decimal::ONE)]);
        let lines = allocate(&o, &[1, 0, 0], Limit::Shipped, &want(&[("A", 4)])).unwrap();
        assert_eq!(
            lines,
            vec![
                ReceiptLine { line: 1, sku: "A".into(), quantity: 2 },
                ReceiptLine { line: 3, sku: "A".into(), quantity: 2 }
            ]
        );
    }

    #[test]
    fn all_receives_only_what_is_still_open() {
        let o = order("SO-1", &[("A", 10, 6, Decimal::ONE), ("B", 5, 0, Decimal::ONE)]);
        let r = Receipt {
            id: "GR-SO-1-1".into(),
            order: "SO-1".into(),
            at: Utc::now(),
            note: None,
            lines: vec![ReceiptLine { line: 1, sku: "A".into(), quantity: 4 }],
        };
        let got = received(&o, &[r]);
        assert_eq!(got, [4, 0]);
        assert_eq!(all_open(&o, &got, Limit::Shipped), vec![ReceiptLine { line: 1, sku: "A".into(), quantity: 2 }]);
        assert!(all_open(&o, &[6, 0], Limit::Shipped).is_empty(), "a rerun of --all receives nothing");
        assert_eq!(all_open(&o, &[6, 0], Limit::Ordered).len(), 2);
    }

    #[test]
    fn pairs_as_typed() {
        assert_eq!(
            parse_pairs(" A=5, B-2=10;C=1 ").unwrap(),
            vec![("A".into(), 5), ("B-2".into(), 10), ("C".into(), 1)]
        );
        assert_eq!(parse_pair("6205=2RS=3").unwrap(), ("6205=2RS".into(), 3), "the last = splits");
        assert!(parse_pairs("").unwrap_err().contains("nothing typed"));
        assert!(parse_pair("A").unwrap_err().contains("use SKU=QTY"));
        assert!(parse_pair("=4").unwrap_err().contains("the SKU is missing"));
        assert!(parse_pair("A=-1").unwrap_err().contains("positive whole number"));
        assert!(parse_pair("A=0").is_err());
    }

    #[test]
    fn the_same_goods_whatever_the_order_of_lines() {
        let a = [
            ReceiptLine { line: 1, sku: "A".into(), quantity: 2 },
            ReceiptLine { line: 2, sku: "B".into(), quantity: 1 },
        ];
        let mut b = a.clone();
        b.reverse();
        assert!(same_goods(&a, &b));
        b[0].quantity = 2;
        assert!(!same_goods(&a, &b));
    }
}
