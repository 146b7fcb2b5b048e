//! Orders on Peppol: pricing from the catalogue, the T01 written exactly once,
//! and the supplier's T76/T16 answers applied exactly once.
//!
//! `peppol-orders.json` in the profile folder holds every order sent: its
//! draft, the document written, whether it reached the outbox, the current
//! state and the ids of the answers applied. It is written atomically, under
//! an exclusive lock on `peppol-orders.lock` while a process changes it.

use super::super::{BackendError, Created, InboxEntry, InboxProblem, InboxReport, Result};
use super::Settings;
use super::catalogue::Loaded;
use crate::api::{
    ApiError, LineChange, LineError, Order, OrderDraft, OrderEvent, OrderList, OrderStatus, OrderSummary, OrderedSku,
    OrderedSkus, Preview, PricedLine, ShippingMethod, codes,
};
use crate::core::money;
use crate::store::atomic;
use chrono::{NaiveDate, Utc};
use procure_protocol::peppol::{self, DespatchAdvice, Document, OrderResponse, line_status, response_code};
use procure_protocol::quantity::QuantityRules;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Sent {
    /// The document id: the submission's idempotency key.
    key: String,
    draft: OrderDraft,
    /// The T01 document as written (rewritten byte for byte if it never reached the outbox).
    document: String,
    /// The outbox file name.
    file: String,
    /// The document reached the outbox.
    written: bool,
    order: Order,
    /// Per order line: the quantity shipped so far.
    #[serde(default)]
    shipped: Vec<Decimal>,
    /// The answers applied (`T76 <id>`, `T16 <id>`).
    #[serde(default)]
    applied: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    orders: Vec<Sent>,
}

pub struct StateFile {
    path: PathBuf,
    lock: PathBuf,
}

fn local(path: &Path, e: impl std::fmt::Display) -> BackendError {
    BackendError::LocalState(format!(
        "{}: {e} (procure keeps the Peppol orders of this profile there; the file was left as it is)",
        path.display()
    ))
}

impl StateFile {
    pub fn new(dir: &Path) -> StateFile {
        StateFile { path: dir.join("peppol-orders.json"), lock: dir.join("peppol-orders.lock") }
    }

    fn read(&self) -> Result<State> {
        match std::fs::read(&self.path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| local(&self.path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(local(&self.path, e)),
        }
    }

    fn write(&self, s: &State) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(s).map_err(|e| local(&self.path, e))?;
        atomic::write(&self.path, &bytes).map_err(|e| local(&self.path, e))
    }

    /// Runs `f` on the state under the profile's lock; `f` saves what it changes.
    fn locked<T>(&self, f: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
        if let Some(dir) = self.lock.parent() {
            std::fs::create_dir_all(dir).map_err(|e| local(dir, e))?;
        }
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock)
            .map_err(|e| local(&self.lock, e))?;
        lock.lock().map_err(|e| local(&self.lock, e))?;
        let mut state = self.read()?;
        let out = f(&mut state);
        let _ = lock.unlock();
        out
    }

    pub fn list(&self, cursor: Option<&str>) -> Result<OrderList> {
        let _ = cursor;
        let state = self.read()?;
        let mut items: Vec<OrderSummary> = state
            .orders
            .iter()
            .map(|s| OrderSummary {
                number: s.order.number.clone(),
                status: s.order.status,
                created_at: s.order.created_at,
                po_number: s.order.po_number.clone(),
                placed_by: s.order.placed_by.clone(),
                line_count: u32::try_from(s.order.lines.len()).unwrap_or(u32::MAX),
                totals: s.order.totals.clone(),
            })
            .collect();
        items.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        Ok(OrderList { items, next_cursor: None })
    }

    /// An order by its number, or by a unique prefix of at least 8 characters.
    pub fn get(&self, number: &str) -> Result<Order> {
        let state = self.read()?;
        let number = number.trim();
        if let Some(s) = state.orders.iter().find(|s| s.order.number == number) {
            return Ok(s.order.clone());
        }
        let matches: Vec<&Sent> =
            state.orders.iter().filter(|s| number.len() >= 8 && s.order.number.starts_with(number)).collect();
        match matches.as_slice() {
            [one] => Ok(one.order.clone()),
            _ => Err(BackendError::NotFound(ApiError {
                code: codes::NOT_FOUND.into(),
                message: format!("no Peppol order {number:?} in this profile"),
                details: vec![],
            })),
        }
    }

    pub fn ordered_skus(&self) -> Result<OrderedSkus> {
        let state = self.read()?;
        let mut by: BTreeMap<String, OrderedSku> = BTreeMap::new();
        for s in &state.orders {
            for l in &s.order.lines {
                let e = by.entry(l.sku.clone()).or_insert(OrderedSku {
                    sku: l.sku.clone(),
                    times: 0,
                    last_ordered: s.order.created_at.date_naive(),
                });
                e.times += 1;
                e.last_ordered = e.last_ordered.max(s.order.created_at.date_naive());
            }
        }
        Ok(OrderedSkus { items: by.into_values().collect() })
    }
}

pub struct Priced {
    pub preview: Preview,
    /// Per draft line: the catalogue part (when known).
    parts: Vec<Option<super::catalogue::Part>>,
}

/// Prices and checks a draft against the catalogue: unknown or discontinued
/// parts, quantity rules, parts without a valid price.
pub fn price(loaded: &Loaded, draft: &OrderDraft, today: NaiveDate) -> Priced {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let mut parts = Vec::new();
    let mut lead = 0;
    for (i, l) in draft.lines.iter().enumerate() {
        let err = |code: &str, message: String| LineError {
            line: i,
            sku: l.sku.clone(),
            code: code.into(),
            message,
            current_unit_price: None,
            suggested_quantity: None,
        };
        let Some(part) = loaded.parts.get(&l.sku) else {
            errors.push(err(codes::UNKNOWN_SKU, format!("{} is not in the supplier's catalogue", l.sku)));
            parts.push(None);
            continue;
        };
        parts.push(Some(part.clone()));
        if part.product.discontinued {
            errors.push(err(codes::DISCONTINUED, format!("{} is not orderable in the catalogue", l.sku)));
        }
        let rules = QuantityRules::of(&part.product);
        if let Err(e) = rules.check(l.quantity) {
            let mut e2 = err(codes::INVALID_QUANTITY, format!("{}: {e}", l.sku));
            e2.suggested_quantity = Some(rules.next_valid(l.quantity));
            errors.push(e2);
        }
        let Some(unit_price) = money::unit_price_for(&part.prices.tiers, l.quantity) else {
            errors.push(err(codes::INVALID_ORDER, format!("{} has no price valid today in the catalogue", l.sku)));
            continue;
        };
        lead = lead.max(part.product.lead_time_days);
        lines.push(PricedLine {
            sku: l.sku.clone(),
            name: part.product.name.clone(),
            quantity: l.quantity,
            unit_price,
            line_total: money::line_total(unit_price, l.quantity),
            vat_rate: part.prices.vat_rate,
            note: l.note.clone(),
        });
    }
    let totals = money::totals(&loaded.currency, lines.iter().map(|l| (l.line_total, l.vat_rate)), Decimal::ZERO);
    Priced {
        preview: Preview {
            lines,
            totals,
            errors,
            needs_approval: false,
            earliest_delivery: today + chrono::Duration::days(i64::from(lead)),
            credit: None,
        },
        parts,
    }
}

fn rejected(code: &str, message: String, details: Vec<LineError>) -> BackendError {
    BackendError::Rejected(ApiError { code: code.into(), message, details })
}

/// Places the draft: one T01 into the outbox, exactly once per key.
pub fn create(
    state: &StateFile,
    settings: &Settings,
    load: impl FnOnce() -> Result<Loaded>,
    draft: &OrderDraft,
    key: &str,
) -> Result<Created> {
    let file = format!("{key}.xml");
    let target = settings.outbox.join(&file);
    state.locked(|st| {
        if let Some(i) = st.orders.iter().position(|s| s.key == key) {
            if st.orders[i].draft != *draft {
                return Err(rejected(
                    codes::IDEMPOTENCY_MISMATCH,
                    format!("order {key} was already sent with other content"),
                    vec![],
                ));
            }
            if !st.orders[i].written {
                // Recorded, but the document may not have reached the outbox.
                if !target.exists() {
                    atomic::write(&target, st.orders[i].document.as_bytes()).map_err(|e| local(&target, e))?;
                }
                st.orders[i].written = true;
                state.write(st)?;
            }
            return Ok(Created { order: st.orders[i].order.clone(), replayed: true });
        }
        let loaded = load()?;
        let now = Utc::now();
        let priced = price(&loaded, draft, now.date_naive());
        if !priced.preview.errors.is_empty() {
            let message = priced.preview.errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ");
            return Err(rejected(codes::INVALID_ORDER, message, priced.preview.errors));
        }
        let changed: Vec<LineError> = draft
            .lines
            .iter()
            .zip(&priced.preview.lines)
            .enumerate()
            .filter(|(_, (d, p))| d.expected_unit_price.is_some_and(|e| e != p.unit_price))
            .map(|(i, (d, p))| LineError {
                line: i,
                sku: d.sku.clone(),
                code: codes::PRICE_CHANGED.into(),
                message: format!("the catalogue price of {} is now {}", d.sku, p.unit_price),
                current_unit_price: Some(p.unit_price),
                suggested_quantity: None,
            })
            .collect();
        if !changed.is_empty() {
            return Err(BackendError::PriceChanged(ApiError {
                code: codes::PRICE_CHANGED.into(),
                message: "prices changed in the supplier's catalogue".into(),
                details: changed,
            }));
        }
        let seller = loaded.seller.clone();
        if seller.endpoint.is_none() {
            return Err(BackendError::Misconfigured(format!(
                "the catalogue at {} names no seller endpoint (cbc:EndpointID): procure cannot address an order",
                settings.catalogue.display()
            )));
        }
        if seller.address.as_ref().is_none_or(|a| a.country.is_empty()) {
            return Err(BackendError::Misconfigured(format!(
                "the catalogue at {} gives no postal address with a country for the seller, which a Peppol order \
                 must carry: ask the supplier for a catalogue with it",
                settings.catalogue.display()
            )));
        }
        let ship_to = settings.ship_to();
        let doc = peppol::Order {
            id: key.to_string(),
            issue_date: now.date_naive(),
            issue_time: Some(now.format("%H:%M:%S").to_string()),
            note: draft.comment.clone(),
            currency: loaded.currency.clone(),
            customer_reference: draft.po_number.clone(),
            buyer: settings.buyer.clone(),
            seller: seller.clone(),
            delivery: Some(peppol::Delivery {
                name: settings.delivery_name.clone(),
                address: (settings.delivery != peppol::PostalAddress::default()).then(|| settings.delivery.clone()),
                requested: draft.requested_delivery_date,
            }),
            tax_total: priced.preview.totals.vat,
            line_total: priced.preview.totals.net,
            payable: priced.preview.totals.gross,
            lines: priced
                .preview
                .lines
                .iter()
                .zip(&priced.parts)
                .enumerate()
                .map(|(i, (l, part))| {
                    let part = part.as_ref();
                    peppol::OrderLine {
                        id: (i + 1).to_string(),
                        note: l.note.clone(),
                        quantity: Decimal::from(l.quantity),
                        unit: part.map(|p| p.product.unit.clone()).unwrap_or_else(|| "C62".into()),
                        line_amount: l.line_total,
                        partial_delivery: Some(!draft.ship_complete),
                        price: Some(l.unit_price),
                        name: l.name.clone(),
                        seller_id: l.sku.clone(),
                        standard_id: part.and_then(|p| p.gtin.clone()),
                        vat_category: part.map(|p| p.vat_category.clone()).unwrap_or_else(|| "S".into()),
                        vat_percent: Some(l.vat_rate),
                    }
                })
                .collect(),
        };
        let document = String::from_utf8_lossy(&peppol::write_order(&doc)).into_owned();
        let order = Order {
            number: key.to_string(),
            status: OrderStatus::Sent,
            created_at: now,
            placed_by: settings.buyer.display_name().to_string(),
            po_number: draft.po_number.clone(),
            lines: priced.preview.lines.clone(),
            totals: priced.preview.totals.clone(),
            ship_to,
            requested_delivery_date: draft.requested_delivery_date,
            ship_complete: draft.ship_complete,
            payment_terms: loaded.trading_terms.clone().unwrap_or_default(),
            shipping_method: ShippingMethod {
                id: super::SHIPPING_ID.into(),
                name: "as agreed with the supplier".into(),
                price: Decimal::ZERO,
            },
            comment: draft.comment.clone(),
            approval: None,
            quote_number: None,
            events: vec![],
        };
        let lines = order.lines.len();
        st.orders.push(Sent {
            key: key.to_string(),
            draft: draft.clone(),
            document,
            file,
            written: false,
            order: order.clone(),
            shipped: vec![Decimal::ZERO; lines],
            applied: vec![],
        });
        // First the record, then the document, then the mark: a crash in
        // between is completed by the retry, never doubled.
        state.write(st)?;
        let sent = st.orders.last_mut().ok_or_else(|| local(&state.path, "lost the order just recorded"))?;
        atomic::write(&target, sent.document.as_bytes()).map_err(|e| local(&target, e))?;
        sent.written = true;
        state.write(st)?;
        tracing::info!(order = key, file = %target.display(), "Peppol order written");
        Ok(Created { order, replayed: false })
    })
}

/// Reads every `*.xml` in the inbox and applies the answers not applied yet.
pub fn receive(state: &StateFile, inbox: &Path) -> Result<InboxReport> {
    let mut report = InboxReport::default();
    let entries = match std::fs::read_dir(inbox) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(report),
        Err(e) => return Err(local(inbox, e)),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    let mut docs = Vec::new();
    for f in files {
        let shown = f.display().to_string();
        let problem = |reason: String| InboxProblem { file: shown.clone(), reason };
        let bytes = match std::fs::read(&f) {
            Ok(b) => b,
            Err(e) => {
                report.problems.push(problem(format!("cannot be read: {e}")));
                continue;
            }
        };
        match peppol::read(&bytes) {
            Ok(Document::OrderResponse(r)) => docs.push((r.issue_date, 0, shown, Answer::Response(r))),
            Ok(Document::DespatchAdvice(d)) => docs.push((d.issue_date, 1, shown, Answer::Despatch(d))),
            Ok(_) => report
                .problems
                .push(problem("not an order response (T76) or despatch advice (T16); left in place".into())),
            Err(e) => report.problems.push(problem(format!("{e}; left in place"))),
        }
    }
    if docs.is_empty() {
        return Ok(report);
    }
    // Responses before despatches of the same day, then by file name.
    docs.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    state.locked(|st| {
        let mut changed = false;
        for (_, _, file, answer) in docs {
            let order_ref = answer.order_ref();
            let Some(sent) = st.orders.iter_mut().find(|s| Some(s.key.as_str()) == order_ref.as_deref()) else {
                report.problems.push(InboxProblem {
                    file,
                    reason: format!(
                        "{} refers to no order of this profile ({}); left in place",
                        answer.label(),
                        order_ref.map(|r| format!("order {r}")).unwrap_or_else(|| "no order reference".into())
                    ),
                });
                continue;
            };
            if sent.applied.contains(&answer.label()) {
                report.unchanged += 1;
                continue;
            }
            // Everything is checked on a copy; only a complete success is kept.
            let mut next = sent.clone();
            match answer.apply(&mut next) {
                Ok(()) => {
                    next.applied.push(answer.label());
                    report.applied.push(InboxEntry {
                        file,
                        document: answer.label(),
                        order: next.key.clone(),
                        status: next.order.status,
                    });
                    *sent = next;
                    changed = true;
                }
                Err(reason) => report
                    .problems
                    .push(InboxProblem { file, reason: format!("{reason}; nothing applied, left in place") }),
            }
        }
        if changed {
            state.write(st)?;
        }
        Ok(())
    })?;
    Ok(report)
}

enum Answer {
    Response(OrderResponse),
    Despatch(DespatchAdvice),
}

fn recompute(order: &mut Order) {
    for l in &mut order.lines {
        l.line_total = money::line_total(l.unit_price, l.quantity);
    }
    let shipping = order.totals.shipping;
    order.totals =
        money::totals(&order.totals.currency, order.lines.iter().map(|l| (l.line_total, l.vat_rate)), shipping);
}

fn whole(q: Decimal, what: &str) -> std::result::Result<u32, String> {
    use rust_decimal::prelude::ToPrimitive;
    if q.fract() != Decimal::ZERO || q.is_sign_negative() {
        return Err(format!("{what} {q} is not a whole, positive quantity"));
    }
    q.to_u32().ok_or_else(|| format!("{what} {q} is too large"))
}

impl Answer {
    fn label(&self) -> String {
        match self {
            Answer::Response(r) => format!("T76 {}", r.id),
            Answer::Despatch(d) => format!("T16 {}", d.id),
        }
    }

    fn order_ref(&self) -> Option<String> {
        match self {
            Answer::Response(r) => Some(r.order_ref.clone()),
            Answer::Despatch(d) => d.order_ref.clone().or_else(|| d.lines.iter().find_map(|l| l.order_ref.clone())),
        }
    }

    fn apply(&self, s: &mut Sent) -> std::result::Result<(), String> {
        match self {
            Answer::Response(r) => apply_response(r, s),
            Answer::Despatch(d) => apply_despatch(d, s),
        }
    }
}

fn line_index(s: &Sent, line_ref: &str) -> std::result::Result<usize, String> {
    line_ref
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|&n| n >= 1 && n <= s.order.lines.len())
        .map(|n| n - 1)
        .ok_or_else(|| format!("line {line_ref:?} is not a line of order {}", s.key))
}

fn apply_response(r: &OrderResponse, s: &mut Sent) -> std::result::Result<(), String> {
    let mut event = OrderEvent {
        date: r.issue_date,
        kind: String::new(),
        document: format!("T76 {}", r.id),
        note: r.note.clone(),
        promised_delivery: r.promised_delivery,
        changes: vec![],
    };
    let status = match r.code.as_str() {
        response_code::REJECTED => OrderStatus::Rejected,
        response_code::ACCEPTED => OrderStatus::Accepted,
        response_code::ACKNOWLEDGED => s.order.status,
        response_code::ACCEPTED_WITH_CHANGES => {
            for l in &r.lines {
                let i = line_index(s, &l.line_ref)?;
                let line = &mut s.order.lines[i];
                let change = |what: &str, from: String, to: String| LineChange {
                    line: i + 1,
                    sku: line.sku.clone(),
                    what: what.into(),
                    from,
                    to,
                };
                match l.status.as_str() {
                    line_status::NOT_ACCEPTED => {
                        event.changes.push(change("not_accepted", line.quantity.to_string(), "0".into()));
                        line.quantity = 0;
                    }
                    line_status::CHANGED => {
                        if let Some(q) = l.quantity {
                            let q = whole(q, "quantity")?;
                            if q != line.quantity {
                                event.changes.push(change("quantity", line.quantity.to_string(), q.to_string()));
                                line.quantity = q;
                            }
                        }
                        if let Some(p) = l.price {
                            let base = l.base_qty.filter(|b| !b.is_zero()).unwrap_or(Decimal::ONE);
                            let p = (p / base).round_dp(4).normalize();
                            if p != line.unit_price {
                                event.changes.push(change("unit_price", line.unit_price.to_string(), p.to_string()));
                                line.unit_price = p;
                            }
                        }
                        if let Some(d) = l.promised_delivery {
                            let from = s.order.requested_delivery_date.map(|d| d.to_string()).unwrap_or_default();
                            event.changes.push(change("delivery_date", from, d.to_string()));
                        }
                        if let Some(sub) = &l.substitute_id {
                            event.changes.push(change("substituted", line.sku.clone(), sub.clone()));
                        }
                    }
                    _ => {}
                }
            }
            OrderStatus::AcceptedWithChanges
        }
        other => return Err(format!("order response code {other:?} is not one of AB, AP, RE, CA")),
    };
    event.kind = match r.code.as_str() {
        response_code::REJECTED => "rejected",
        response_code::ACCEPTED => "accepted",
        response_code::ACKNOWLEDGED => "acknowledged",
        _ => "accepted_with_changes",
    }
    .into();
    // A late acknowledgement or response never undoes a despatch.
    if !matches!(s.order.status, OrderStatus::Shipped | OrderStatus::PartlyShipped) {
        s.order.status = status;
    }
    recompute(&mut s.order);
    s.order.events.push(event);
    Ok(())
}

fn apply_despatch(d: &DespatchAdvice, s: &mut Sent) -> std::result::Result<(), String> {
    if d.lines.is_empty() {
        return Err("the despatch advice has no lines".into());
    }
    let mut event = OrderEvent {
        date: d.despatch_date.unwrap_or(d.issue_date),
        kind: String::new(),
        document: format!("T16 {}", d.id),
        note: d.note.clone(),
        promised_delivery: d.estimated_delivery,
        changes: vec![],
    };
    let mut closed = vec![false; s.order.lines.len()];
    for l in &d.lines {
        if let Some(o) = &l.order_ref
            && *o != s.key
        {
            return Err(format!("despatch line {} refers to another order ({o})", l.id));
        }
        let i = line_index(s, &l.line_ref)?;
        s.shipped[i] += l.delivered;
        if l.outstanding.is_some_and(|o| o.is_zero()) {
            closed[i] = true;
        }
        let line = &s.order.lines[i];
        let mut to = format!("{} of {}", peppol::num(s.shipped[i]), line.quantity);
        if let Some(o) = l.outstanding.filter(|o| !o.is_zero()) {
            to.push_str(&format!(", {} to follow", peppol::num(o)));
        }
        event.changes.push(LineChange {
            line: i + 1,
            sku: line.sku.clone(),
            what: "shipped".into(),
            from: peppol::num(s.shipped[i] - l.delivered),
            to,
        });
    }
    let complete =
        s.order.lines.iter().enumerate().all(|(i, l)| closed[i] || s.shipped[i] >= Decimal::from(l.quantity));
    s.order.status = if complete { OrderStatus::Shipped } else { OrderStatus::PartlyShipped };
    event.kind = s.order.status.as_str().into();
    s.order.events.push(event);
    Ok(())
}
