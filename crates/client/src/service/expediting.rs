//! The buyer's view of dates: the expediting list (`order late`) and one
//! order with, per line, what was ordered, requested, promised, shipped,
//! received and invoiced (`order show`), from the local history brought up
//! to date first (`service::local`).

use super::local::{self, Feeds, Freshness};
use super::{Error, Result, Supplier};
use crate::api::{InvoiceKind, Order};
use crate::core::expediting::{self, LateLine, LateReason};
use crate::core::matching::{self, OrderFacts};
use crate::core::receipt::{self, Receipt};
use crate::store::history::History;
use chrono::NaiveDate;
use serde::Serialize;

/// The expediting list of one supplier.
#[derive(Debug, Clone, Serialize)]
pub struct Late {
    pub supplier: String,
    #[serde(flatten)]
    pub freshness: Freshness,
    pub lines: Vec<LateLine>,
}

fn late_from(sup: &Supplier, h: &History, freshness: Freshness) -> Result<Late> {
    let today = sup.clock.today();
    let mut lines: Vec<LateLine> = h
        .open_lines()?
        .into_iter()
        .filter_map(|l| {
            let d = expediting::LineDates {
                quantity: l.quantity,
                shipped: l.shipped,
                requested: l.requested,
                promised: l.promised,
            };
            let (reason, days_late) = expediting::late(&d, today)?;
            Some(LateLine {
                supplier: sup.name.clone(),
                order: l.number,
                po_number: l.po_number,
                line: l.line,
                sku: l.sku,
                name: l.name,
                quantity: l.quantity,
                shipped: l.shipped,
                requested: l.requested,
                promised: l.promised,
                days_late,
                reason,
            })
        })
        .collect();
    expediting::most_urgent_first(&mut lines);
    Ok(Late { supplier: sup.name.clone(), freshness, lines })
}

/// The supplier's late lines, most urgent first, after bringing its order
/// history up to date (offline: as last seen).
pub async fn late(sup: &Supplier) -> Result<Late> {
    let (freshness, _) = local::refresh(sup, Feeds::Orders).await?;
    late_from(sup, &sup.history()?, freshness)
}

/// The expediting list across suppliers, most urgent first.
#[derive(Debug, Clone, Serialize)]
pub struct LateAcross {
    #[serde(flatten)]
    pub freshness: Freshness,
    pub lines: Vec<LateLine>,
    pub suppliers: Vec<local::Source>,
}

/// `late` of each supplier named, merged. A supplier that cannot be opened
/// or read is listed with its error; the first error is returned when no
/// supplier could be read.
pub async fn late_across(ws: &super::Workspace, names: &[String]) -> Result<LateAcross> {
    let mut lines = Vec::new();
    let mut sources = Vec::new();
    let mut first: Option<Error> = None;
    for name in names {
        let r = match ws.supplier(Some(name)) {
            Ok(sup) => late(&sup).await,
            Err(e) => Err(e),
        };
        match r {
            Ok(l) => {
                sources.push(local::Source::of(name, l.freshness));
                lines.extend(l.lines);
            }
            Err(e) => {
                sources.push(local::Source::failed(name, &e));
                first.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first
        && sources.iter().all(|s| s.error.is_some())
    {
        return Err(e);
    }
    expediting::most_urgent_first(&mut lines);
    Ok(LateAcross { freshness: local::across(&sources), lines, suppliers: sources })
}

/// The late lines as the local history has them, without asking the shop.
pub fn late_local(sup: &Supplier) -> Result<Late> {
    let h = sup.history()?;
    let freshness = local::freshness(sup, Feeds::Orders)?;
    late_from(sup, &h, freshness)
}

/// One line of an order with its dates and quantities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineProgress {
    /// One-based line number on the order.
    pub line: u32,
    pub sku: String,
    pub ordered: u32,
    pub requested: Option<NaiveDate>,
    pub promised: Option<NaiveDate>,
    pub shipped: u32,
    pub received: u32,
    /// Invoiced less credited, as the invoices procure has say.
    pub invoiced: u32,
    /// Why the line is late (`order late`), if it is.
    pub late: Option<LateReason>,
    pub days_late: Option<i64>,
}

/// An order as `order show` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct OrderView {
    #[serde(flatten)]
    pub order: Order,
    pub progress: Vec<LineProgress>,
    pub receipts: Vec<Receipt>,
    /// The invoices and credit notes that bill it.
    pub invoices: Vec<String>,
    /// A goods receipt may not exceed what was `shipped` (the supplier
    /// reports shipments) or, where it does not, what was `ordered`.
    pub receive_limit: &'static str,
    #[serde(flatten)]
    pub freshness: Freshness,
}

impl OrderView {
    /// What may still be received, per part (`SKU=QTY` of `order receive`):
    /// shipped (or ordered, see `receive_limit`) less received.
    pub fn open_to_receive(&self) -> Vec<(String, u32)> {
        let mut out: Vec<(String, u32)> = Vec::new();
        for p in &self.progress {
            let cap = if self.receive_limit == receipt::Limit::Shipped.word() { p.shipped } else { p.ordered };
            let open = cap.saturating_sub(p.received);
            if open == 0 {
                continue;
            }
            match out.iter_mut().find(|(s, _)| *s == p.sku) {
                Some((_, q)) => *q += open,
                None => out.push((p.sku.clone(), open)),
            }
        }
        out
    }
}

/// Per order line, invoiced less credited by the documents that bill it.
fn invoiced(o: &Order, documents: &[crate::api::Invoice]) -> Vec<u32> {
    let facts = OrderFacts {
        number: o.number.clone(),
        lines: o
            .lines
            .iter()
            .map(|l| matching::LineFacts {
                sku: l.sku.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                received: 0,
            })
            .collect(),
    };
    let find = |n: &str| (n == o.number).then_some(&facts);
    let cns: Vec<&crate::api::Invoice> = documents.iter().filter(|d| d.kind == InvoiceKind::CreditNote).collect();
    let mut out = vec![0u32; o.lines.len()];
    for inv in documents.iter().filter(|d| d.kind == InvoiceKind::Invoice) {
        let credited = matching::credits_per_line(inv, &cns);
        for (j, l) in inv.lines.iter().enumerate() {
            if let Some((_, i)) = matching::order_line_of(inv, l, &find) {
                out[i] = out[i].saturating_add(l.quantity.saturating_sub(credited[j].credited_quantity));
            }
        }
    }
    out
}

pub(crate) fn limit(sup: &Supplier) -> receipt::Limit {
    if sup.capabilities().shipments { receipt::Limit::Shipped } else { receipt::Limit::Ordered }
}

/// The view of an order the history holds.
pub(crate) fn view(sup: &Supplier, h: &History, o: Order, freshness: Freshness) -> Result<OrderView> {
    let receipts = sup.receipts().read(&o.number)?;
    let received = receipt::received(&o, &receipts);
    let documents = h.invoices_of_order(&o.number)?;
    let invoiced = invoiced(&o, &documents);
    let today = sup.clock.today();
    let open = expediting::order_open(o.status);
    let progress = o
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let d = expediting::LineDates {
                quantity: l.quantity,
                shipped: l.shipped,
                requested: o.requested_delivery_date,
                promised: l.promised_delivery,
            };
            let late = if open { expediting::late(&d, today) } else { None };
            LineProgress {
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                sku: l.sku.clone(),
                ordered: l.quantity,
                requested: o.requested_delivery_date,
                promised: l.promised_delivery,
                shipped: l.shipped,
                received: received[i],
                invoiced: invoiced[i],
                late: late.map(|(r, _)| r),
                days_late: late.map(|(_, d)| d),
            }
        })
        .collect();
    let mut numbers: Vec<String> = documents.into_iter().map(|d| d.number).collect();
    numbers.sort();
    Ok(OrderView { order: o, progress, receipts, invoices: numbers, receive_limit: limit(sup).word(), freshness })
}

/// Finds an order in the history, else asks the shop for it (and keeps it).
pub(crate) async fn find_order(sup: &Supplier, number: &str, freshness: Freshness) -> Result<Order> {
    let number = number.trim();
    {
        // Not held across the shop's answer: a history is one thread's.
        let h = sup.history()?;
        if let Some(o) = h.order(number)? {
            return Ok(o);
        }
        if let Some(o) = h.order_by_prefix(number)? {
            return Ok(o);
        }
    }
    if freshness.offline {
        return Err(Error::Rejected(format!(
            "order {number} is not in the local history{}; it is shown when the shop answers",
            freshness.as_of.map(|at| format!(" (as of {})", at.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default()
        )));
    }
    let o = sup.backend.order(number).await?;
    local::keep_order(&sup.history()?, &o)?;
    Ok(o)
}

/// One order with its lines' dates and quantities, its goods receipts and
/// invoices (offline: as last seen).
pub async fn order(sup: &Supplier, number: &str) -> Result<OrderView> {
    // Its invoices too: the view says what of each line is invoiced.
    let (freshness, _) = local::refresh(sup, Feeds::All).await?;
    let o = find_order(sup, number, freshness).await?;
    view(sup, &sup.history()?, o, freshness)
}
