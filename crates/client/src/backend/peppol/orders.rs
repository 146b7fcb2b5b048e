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
    ApiError, LineChange, LineChangeKind, LineError, Order, OrderDraft, OrderEvent, OrderEventKind, OrderList,
    OrderStatus, OrderSummary, OrderedSku, OrderedSkus, Preview, Shipment, ShipmentLine, ShippingMethod, codes,
    po_number_taken,
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
    /// The supplier the order was sent to (the catalogue seller's
    /// `cbc:EndpointID`); an older record names it in its `document`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seller: Option<peppol::Id>,
}

impl Sent {
    /// The supplier the order went to: recorded, else read from the T01 as written.
    fn seller(&self) -> Option<peppol::Id> {
        self.seller.clone().or_else(|| match peppol::read(self.document.as_bytes()) {
            Ok(Document::Order(o)) => o.seller.endpoint,
            _ => None,
        })
    }
}

/// Whether `sender` — the party an inbound document comes from: a T76's
/// `cac:SellerSupplierParty`, a T16's `cac:DespatchSupplierParty`, an
/// invoice's or credit note's `cac:AccountingSupplierParty`
/// (`Invoice::seller.party`) — is `seller`, the supplier order `order` was
/// sent to (`Sent::seller`). Every inbound document is checked here before
/// anything of it is applied, the invoice reader's too; a mismatch is
/// reported and the file left in place.
pub(super) fn check_sender(
    seller: Option<&peppol::Id>,
    order: &str,
    what: &str,
    sender: &peppol::Party,
) -> std::result::Result<(), String> {
    let Some(seller) = seller else {
        // An order recorded without any seller (none is written so): nothing to hold it to.
        return Ok(());
    };
    match &sender.endpoint {
        Some(e) if same_participant(e, seller) => Ok(()),
        Some(e) => Err(format!("{what} comes from {e}, not from {seller}, the supplier order {order} was sent to")),
        None => Err(format!(
            "{what} names no sender (cbc:EndpointID of its supplier party); order {order} was sent to {seller}"
        )),
    }
}

/// Whether a billing document comes from the supplier of the order it
/// names (its BT-13). An invoice for an order this profile does not have has
/// no supplier to hold it to: it is read, and the three-way match holds it.
pub(super) fn check_billing_sender(
    state: &State,
    doc: &peppol::Invoice,
    what: &str,
) -> std::result::Result<(), String> {
    let Some(order_ref) = doc.order_ref.as_deref().map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(());
    };
    match state.orders.iter().find(|s| s.key == order_ref) {
        Some(sent) => check_sender(sent.seller().as_ref(), &sent.key, what, &doc.seller.party),
        None => Ok(()),
    }
}

/// Participant ids compare without regard to case or surrounding space
/// (Peppol identifiers are case-insensitive).
fn same_participant(a: &peppol::Id, b: &peppol::Id) -> bool {
    a.scheme.trim().eq_ignore_ascii_case(b.scheme.trim()) && a.id.trim().eq_ignore_ascii_case(b.id.trim())
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct State {
    orders: Vec<Sent>,
    /// The disputes of invoices sent (T111 invoice responses).
    #[serde(default)]
    pub(super) disputes: Vec<super::invoices::SentDispute>,
}

pub struct StateFile {
    path: PathBuf,
    lock: PathBuf,
}

pub(super) fn local(path: &Path, e: impl std::fmt::Display) -> BackendError {
    BackendError::LocalState(format!(
        "{}: {e} (procure keeps the Peppol orders of this profile there; the file was left as it is)",
        path.display()
    ))
}

impl StateFile {
    pub fn new(dir: &Path) -> StateFile {
        StateFile { path: dir.join("peppol-orders.json"), lock: dir.join("peppol-orders.lock") }
    }

    pub(super) fn read(&self) -> Result<State> {
        match std::fs::read(&self.path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| local(&self.path, e)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(local(&self.path, e)),
        }
    }

    pub(super) fn write(&self, s: &State) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(s).map_err(|e| local(&self.path, e))?;
        atomic::write(&self.path, &bytes).map_err(|e| local(&self.path, e))
    }

    /// Runs `f` on the state under the profile's lock; `f` saves what it changes.
    pub(super) fn locked<T>(&self, f: impl FnOnce(&mut State) -> Result<T>) -> Result<T> {
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
            // An order whose document never reached the outbox was not sent:
            // it waits with its basket until a retry writes it.
            .filter(|s| s.written)
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
        items.sort_by_key(|s| std::cmp::Reverse(s.created_at));
        Ok(OrderList { items, next_cursor: None })
    }

    /// An order by its number, or by a unique prefix of at least 8 characters.
    pub fn get(&self, number: &str) -> Result<Order> {
        let state = self.read()?;
        let number = number.trim();
        let sent = || state.orders.iter().filter(|s| s.written);
        if let Some(s) = sent().find(|s| s.order.number == number) {
            return Ok(s.order.clone());
        }
        let matches: Vec<&Sent> = sent().filter(|s| number.len() >= 8 && s.order.number.starts_with(number)).collect();
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
        for s in state.orders.iter().filter(|s| s.written) {
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

/// Refuses what a Peppol order cannot carry: another ship-to than the
/// profile's delivery address, another shipping method than "as agreed".
pub fn check_options(draft: &OrderDraft) -> Result<()> {
    if let Some(id) = draft.ship_to.as_deref().filter(|id| *id != super::DELIVERY_ID) {
        return Err(rejected(
            codes::INVALID_ORDER,
            format!(
                "unknown ship-to address {id:?}: a Peppol profile ships to its one delivery address \
                 (`{}`, the delivery_* keys in config.toml)",
                super::DELIVERY_ID
            ),
            vec![],
        ));
    }
    if let Some(m) = draft.shipping_method.as_deref().filter(|m| *m != super::SHIPPING_ID) {
        return Err(rejected(
            codes::INVALID_ORDER,
            format!(
                "unknown shipping method {m:?}: on Peppol delivery is as agreed with the supplier (`{}`)",
                super::SHIPPING_ID
            ),
            vec![],
        ));
    }
    Ok(())
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
        let rules = QuantityRules::of(&part.product, &part.prices.tiers);
        if let Err(e) = rules.check(l.quantity) {
            let mut e2 = err(codes::INVALID_QUANTITY, format!("{}: {e}", l.sku));
            e2.suggested_quantity = Some(rules.next_valid(l.quantity));
            errors.push(e2);
        }
        let Some(tier) = money::tier_for(&part.prices.tiers, l.quantity) else {
            errors.push(err(codes::PRICE_ON_REQUEST, format!("{} has no price valid today in the catalogue", l.sku)));
            continue;
        };
        lead = lead.max(part.product.lead_time_days);
        // The catalogue's price as it is, for its base quantity: the line is exact.
        lines.push(super::super::priced_line(l, &part.product.name, tier, part.prices.vat_rate));
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
            replay_of: None,
        },
        parts,
    }
}

fn rejected(code: &str, message: String, details: Vec<LineError>) -> BackendError {
    BackendError::Rejected(ApiError { code: code.into(), message, details })
}

/// What placing `draft` with `key` checks first, for a preview: the order
/// this key sent already with this same draft (`Some`: placing answers with
/// it), a key sent with another draft, a PO number another order holds.
pub fn check_placing(state: &StateFile, draft: &OrderDraft, key: Option<&str>) -> Result<Option<String>> {
    let st = state.read()?;
    if let Some(sent) = key.and_then(|k| st.orders.iter().find(|s| s.key == k)) {
        if sent.draft != *draft {
            return Err(key_reused(&sent.key));
        }
        return Ok(Some(sent.order.number.clone()));
    }
    po_number_free(&st, draft)?;
    Ok(None)
}

/// Refuses a draft whose PO number an order sent before holds, unless the
/// draft allows it.
fn po_number_free(st: &State, draft: &OrderDraft) -> Result<()> {
    if !draft.allow_duplicate_po
        && let Some(o) =
            st.orders.iter().map(|s| &s.order).find(|o| po_number_taken(&draft.po_number, &o.po_number, o.status))
    {
        return Err(BackendError::Rejected(ApiError::duplicate_po(
            &draft.po_number,
            &o.number,
            o.created_at.date_naive(),
        )));
    }
    Ok(())
}

/// A key sent before with another draft.
fn key_reused(key: &str) -> BackendError {
    rejected(codes::IDEMPOTENCY_MISMATCH, format!("order {key} was already sent with other content"), vec![])
}

/// Places the draft: one T01 into the outbox, exactly once per key.
pub fn create(
    state: &StateFile,
    settings: &Settings,
    load: impl FnOnce() -> Result<std::sync::Arc<Loaded>>,
    draft: &OrderDraft,
    key: &str,
) -> Result<Created> {
    check_options(draft)?;
    outbox_ready(settings)?;
    let file = format!("{key}.xml");
    let target = settings.outbox.join(&file);
    state.locked(|st| {
        if let Some(i) = st.orders.iter().position(|s| s.key == key) {
            if st.orders[i].draft != *draft {
                return Err(key_reused(key));
            }
            if !st.orders[i].written {
                // Recorded, but the document may not have reached the outbox:
                // this is the send the buyer hears of first, not a replay.
                if !target.exists() {
                    atomic::write_readable(&target, st.orders[i].document.as_bytes())
                        .map_err(|e| not_written(&target, e))?;
                }
                st.orders[i].written = true;
                state.write(st)?;
                tracing::info!(order = key, file = %target.display(), "Peppol order written");
                return Ok(Created { order: st.orders[i].order.clone(), replayed: false });
            }
            return Ok(Created { order: st.orders[i].order.clone(), replayed: true });
        }
        po_number_free(st, draft)?;
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
            // The agreed price is one unit's: so is the one compared with it.
            .filter(|(_, (d, p))| {
                d.expected_unit_price.is_some_and(|e| e != money::per_unit(p.unit_price, p.base_quantity))
            })
            .map(|(i, (d, p))| LineError {
                line: i,
                sku: d.sku.clone(),
                code: codes::PRICE_CHANGED.into(),
                message: format!(
                    "the catalogue price of {} is now {}",
                    d.sku,
                    money::format_price(p.unit_price, p.base_quantity)
                ),
                current_unit_price: Some(money::per_unit(p.unit_price, p.base_quantity)),
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
                        base_qty: Some(l.base_quantity),
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
            earliest_delivery: None,
            confirmed_at: None,
            shipments: vec![],
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
            seller: seller.endpoint.clone(),
        });
        // First the record, then the document, then the mark: a crash in
        // between is completed by the retry, never doubled.
        state.write(st)?;
        let sent = st.orders.last_mut().ok_or_else(|| local(&state.path, "lost the order just recorded"))?;
        atomic::write_readable(&target, sent.document.as_bytes()).map_err(|e| not_written(&target, e))?;
        sent.written = true;
        state.write(st)?;
        tracing::info!(order = key, file = %target.display(), "Peppol order written");
        Ok(Created { order, replayed: false })
    })
}

/// The outbox is there to write into. A missing one is refused unless the
/// profile says to make it: it is more often a share that is not mounted
/// (an order written into the empty mount point would reach nobody).
fn outbox_ready(settings: &Settings) -> Result<()> {
    let outbox = &settings.outbox;
    match std::fs::metadata(outbox) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(BackendError::LocalState(format!(
            "the outbox {} is not a folder: the order document cannot be written there; nothing was sent",
            outbox.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && settings.create_outbox => {
            std::fs::create_dir_all(outbox).map_err(|e| {
                BackendError::LocalState(format!(
                    "the outbox {} is missing and could not be made: {}; nothing was sent",
                    outbox.display(),
                    e
                ))
            })?;
            tracing::info!(outbox = %outbox.display(), "made the missing Peppol outbox (create_outbox = true)");
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(BackendError::LocalState(format!(
            "the outbox {} does not exist (is the share mounted?); nothing was sent. Mount it or make the folder, \
             or set `create_outbox = true` in the profile to have procure make it",
            outbox.display()
        ))),
        Err(e) => Err(BackendError::LocalState(format!(
            "the outbox {} cannot be used: {}; nothing was sent",
            outbox.display(),
            e
        ))),
    }
}

/// The order document could not be written into the outbox: what, where, why.
fn not_written(target: &Path, e: crate::store::StoreError) -> BackendError {
    let why = match &e {
        crate::store::StoreError::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    };
    BackendError::LocalState(format!(
        "the order document could not be written to {}: {why}; nothing was sent",
        target.display()
    ))
}

/// The `*.xml` files of the inbox, by name (none when it does not exist yet).
pub(super) fn inbox_files(inbox: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(inbox) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(local(inbox, e)),
    };
    // Names as listed: what each is, is asked of the entry itself (a link is
    // never followed), and again of the file once it is open.
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads every `*.xml` in the inbox and applies the answers not applied yet.
pub fn receive(state: &StateFile, inbox: &Path) -> Result<InboxReport> {
    let mut report = InboxReport::default();
    let files = inbox_files(inbox)?;
    let mut docs = Vec::new();
    let mut billing = Vec::new();
    for f in files {
        let shown = f.display().to_string();
        let problem = |reason: String| InboxProblem { file: shown.clone(), reason };
        let bytes = match read_inbox_file(&f) {
            Ok(b) => b,
            Err(reason) => {
                report.problems.push(problem(format!("{reason}; not read, left in place")));
                continue;
            }
        };
        match read_inbound(&bytes) {
            Ok(Inbound::Answer(Answer::Response(r))) => docs.push((r.issue_date, 0, shown, Answer::Response(r))),
            Ok(Inbound::Answer(Answer::Despatch(d))) => docs.push((d.issue_date, 1, shown, Answer::Despatch(d))),
            // Invoices and credit notes are `invoices`' to read; one that
            // cannot be read as procure's invoice is reported here.
            Ok(Inbound::Billing(doc)) => billing.push((shown, doc)),
            Err(reason) => report.problems.push(problem(format!("{reason}; left in place"))),
        }
    }
    if !billing.is_empty() {
        let st = state.read()?;
        for (file, doc) in billing {
            let what = super::invoices::label(&doc);
            let checked = check_billing_sender(&st, &doc, &format!("{what} {}", doc.id))
                .map_err(|why| format!("{why}; not read, left in place"))
                .and_then(|()| {
                    super::invoices::map(&doc)
                        .map(|_| ())
                        .map_err(|why| format!("{what} {}: {why}; not read, left in place", doc.id))
                });
            if let Err(reason) = checked {
                report.problems.push(InboxProblem { file, reason });
            }
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
            // Only the supplier the order went to answers it.
            if let Err(reason) = check_sender(sent.seller().as_ref(), &sent.key, &answer.label(), answer.sender()) {
                report
                    .problems
                    .push(InboxProblem { file, reason: format!("{reason}; nothing applied, left in place") });
                continue;
            }
            // Everything is checked on a copy; only a complete success is kept.
            let mut next = sent.clone();
            // What the supplier wrote is shown in terminals: cleaned like any shop's text.
            let applied = answer.apply(&mut next).and_then(|()| super::catalogue::untrusted(&next.order));
            match applied {
                Ok(order) => {
                    next.order = order;
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

/// The largest inbox document procure reads (the largest official example is 20 KB).
const MAX_INBOX_FILE: u64 = 16 << 20;

/// The bytes of an inbox file, read only when it is a regular file in the
/// inbox: never through a symbolic link, never a FIFO, device or folder.
/// The entry is looked at without following it, opened without following
/// a link and without waiting on a FIFO, and the file opened must be the
/// entry looked at (one swapped in between is refused). Every reader of
/// the inbox reads through it (the invoice reader too).
pub(super) fn read_inbox_file(path: &Path) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read;
    let seen = std::fs::symlink_metadata(path).map_err(|e| format!("cannot be read: {e}"))?;
    let kind = seen.file_type();
    if kind.is_symlink() {
        return Err("a symbolic link: procure reads only files inside the inbox".into());
    }
    if !kind.is_file() {
        return Err("not a regular file".into());
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = opts.open(path).map_err(|e| format!("cannot be read: {e}"))?;
    let opened = file.metadata().map_err(|e| format!("cannot be read: {e}"))?;
    if !opened.is_file() || !same_file(&seen, &opened) {
        return Err("changed while it was opened (not the regular file listed)".into());
    }
    if opened.len() > MAX_INBOX_FILE {
        return Err(format!("{} bytes, more than a Peppol answer procure reads ({MAX_INBOX_FILE})", opened.len()));
    }
    let mut bytes = Vec::with_capacity(opened.len() as usize);
    file.take(MAX_INBOX_FILE + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot be read: {e}"))?;
    Ok(bytes)
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

/// An inbox file as an answer. What a file that is not one says is not
/// repeated: a fault names its line, a document of another kind is named
/// only when it is one of the Peppol documents procure knows, never by
/// its own root element.
/// What an inbox file holds that procure reads: an answer to an order, or
/// a billing document (an invoice or credit note).
#[allow(clippy::large_enum_variant)] // one at a time, moved once
enum Inbound {
    Answer(Answer),
    Billing(Box<peppol::Invoice>),
}

/// An inbox file's document. Nothing of a file that is not a Peppol
/// document is quoted (it may be any file someone put there).
fn read_inbound(bytes: &[u8]) -> std::result::Result<Inbound, String> {
    let root = peppol::xml::parse(bytes).map_err(|e| well_formed_only(&e))?;
    match peppol::from_root(&root) {
        Ok(Document::OrderResponse(r)) => Ok(Inbound::Answer(Answer::Response(r))),
        Ok(Document::DespatchAdvice(d)) => Ok(Inbound::Answer(Answer::Despatch(d))),
        Ok(Document::Invoice(i)) => Ok(Inbound::Billing(i)),
        Ok(other) => Err(format!(
            "a Peppol {}, not an order response (T76), despatch advice (T16), invoice (T10) or credit note (T14)",
            match other {
                Document::Order(_) => "order (T01)",
                Document::Catalogue(_) => "catalogue (T19)",
                Document::InvoiceResponse(_) => "invoice response (T111)",
                Document::Invoice(_) | Document::OrderResponse(_) | Document::DespatchAdvice(_) => "document",
            }
        )),
        // A document of a kind procure reads that does not hold together:
        // its faults are of a Peppol document.
        Err(e) if peppol::is_answer_root(&root) || peppol::is_billing_root(&root) => Err(e),
        Err(_) => {
            Err("not a Peppol order response (T76), despatch advice (T16), invoice (T10) or credit note (T14)".into())
        }
    }
}

/// A parser's fault without the text it quotes: "not well-formed XML at line N".
fn well_formed_only(e: &str) -> String {
    match e.split_once(": ") {
        Some((head, _)) if head.starts_with("not well-formed XML at line ") => head.to_string(),
        _ if e.starts_with("not XML") => "not XML".to_string(),
        _ => "not well-formed XML".to_string(),
    }
}

fn recompute(order: &mut Order) {
    for l in &mut order.lines {
        l.line_total = money::line_total_per(l.unit_price, l.base_quantity, l.quantity);
    }
    let shipping = order.totals.shipping;
    order.totals =
        money::totals(&order.totals.currency, order.lines.iter().map(|l| (l.line_total, l.vat_rate)), shipping);
}

pub(super) fn whole(q: Decimal, what: &str) -> std::result::Result<u32, String> {
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

    /// The party the document comes from.
    fn sender(&self) -> &peppol::Party {
        match self {
            Answer::Response(r) => &r.seller,
            Answer::Despatch(d) => &d.supplier,
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
    let kind = match r.code.as_str() {
        response_code::REJECTED => OrderEventKind::Rejected,
        response_code::ACCEPTED => OrderEventKind::Accepted,
        response_code::ACKNOWLEDGED => OrderEventKind::Acknowledged,
        response_code::ACCEPTED_WITH_CHANGES => OrderEventKind::AcceptedWithChanges,
        other => return Err(format!("order response code {other:?} is not one of AB, AP, RE, CA")),
    };
    let mut event = OrderEvent {
        date: r.issue_date,
        kind,
        document: format!("T76 {}", r.id),
        note: r.note.clone(),
        promised_delivery: r.promised_delivery,
        changes: vec![],
    };
    let status = match kind {
        OrderEventKind::Rejected => OrderStatus::Rejected,
        OrderEventKind::Accepted => OrderStatus::Accepted,
        OrderEventKind::Acknowledged => s.order.status,
        // Accepted with changes (the codes above allow nothing else).
        _ => {
            for l in &r.lines {
                let i = line_index(s, &l.line_ref)?;
                let line = &mut s.order.lines[i];
                let change = |what: LineChangeKind, from: String, to: String| LineChange {
                    line: i + 1,
                    sku: line.sku.clone(),
                    what,
                    from,
                    to,
                };
                match l.status.as_str() {
                    line_status::NOT_ACCEPTED => {
                        event.changes.push(change(LineChangeKind::NotAccepted, line.quantity.to_string(), "0".into()));
                        line.quantity = 0;
                    }
                    line_status::CHANGED => {
                        if let Some(q) = l.quantity {
                            let q = whole(q, "quantity")?;
                            if q != line.quantity {
                                event.changes.push(change(
                                    LineChangeKind::Quantity,
                                    line.quantity.to_string(),
                                    q.to_string(),
                                ));
                                line.quantity = q;
                            }
                        }
                        if let Some(p) = l.price {
                            // Kept as the supplier gives it, with its base quantity: the line stays exact.
                            let base = l.base_qty.filter(|b| *b > Decimal::ZERO).unwrap_or(Decimal::ONE);
                            if money::per_unit(p, base) != line.unit_price_each() {
                                event.changes.push(change(
                                    LineChangeKind::UnitPrice,
                                    money::format_price(line.unit_price, line.base_quantity),
                                    money::format_price(p, base),
                                ));
                                (line.unit_price, line.base_quantity) = (p, base);
                            }
                        }
                        if let Some(d) = l.promised_delivery {
                            let from = s.order.requested_delivery_date.map(|d| d.to_string()).unwrap_or_default();
                            event.changes.push(change(LineChangeKind::DeliveryDate, from, d.to_string()));
                        }
                        if let Some(sub) = &l.substitute_id {
                            event.changes.push(change(LineChangeKind::Substituted, line.sku.clone(), sub.clone()));
                        }
                    }
                    _ => {}
                }
            }
            OrderStatus::AcceptedWithChanges
        }
    };
    // The dates promised. Accepted as ordered: the response's date for every
    // line. Accepted with changes: a line's own date; a line it leaves as it
    // was keeps the date asked for (the response's date when none was asked
    // for, or when the order ships complete: it all comes then).
    if matches!(kind, OrderEventKind::Accepted | OrderEventKind::AcceptedWithChanges) {
        let whole_order = kind == OrderEventKind::Accepted || s.order.ship_complete;
        let unchanged =
            if whole_order { r.promised_delivery } else { s.order.requested_delivery_date.or(r.promised_delivery) };
        if let Some(d) = unchanged {
            for l in s.order.lines.iter_mut().filter(|l| l.quantity > 0) {
                l.promised_delivery = Some(d);
            }
        }
        for l in r.lines.iter().filter(|l| l.status != line_status::NOT_ACCEPTED) {
            if let Some(d) = l.promised_delivery {
                let i = line_index(s, &l.line_ref)?;
                s.order.lines[i].promised_delivery = Some(d);
            }
        }
        if s.order.confirmed_at.is_none() {
            s.order.confirmed_at = r.issue_date.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        }
    }
    // A late acknowledgement or response never undoes a despatch.
    if !matches!(s.order.status, OrderStatus::Shipped | OrderStatus::PartlyShipped) {
        s.order.status = status;
    }
    recompute(&mut s.order);
    s.order.events.push(event);
    Ok(())
}

/// A quantity in whole units, the fraction left out (what a goods receipt counts).
fn units(q: Decimal) -> u32 {
    use rust_decimal::prelude::ToPrimitive;
    q.max(Decimal::ZERO).trunc().to_u32().unwrap_or(u32::MAX)
}

fn apply_despatch(d: &DespatchAdvice, s: &mut Sent) -> std::result::Result<(), String> {
    if d.lines.is_empty() {
        return Err("the despatch advice has no lines".into());
    }
    let mut event = OrderEvent {
        date: d.despatch_date.unwrap_or(d.issue_date),
        kind: OrderEventKind::PartlyShipped,
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
            what: LineChangeKind::Shipped,
            from: peppol::num(s.shipped[i] - l.delivered),
            to,
        });
    }
    // The order's lines and shipments say what shipped, in whole units.
    let mut shipped_now: Vec<(usize, Decimal)> = Vec::new();
    for l in &d.lines {
        let i = line_index(s, &l.line_ref)?;
        match shipped_now.iter_mut().find(|(j, _)| *j == i) {
            Some((_, q)) => *q += l.delivered,
            None => shipped_now.push((i, l.delivered)),
        }
    }
    for (i, l) in s.order.lines.iter_mut().enumerate() {
        l.shipped = units(s.shipped[i]);
    }
    s.order.shipments.push(Shipment {
        number: d.id.clone(),
        date: d.despatch_date.unwrap_or(d.issue_date),
        carrier: d.carrier.clone(),
        tracking: d.tracking.clone(),
        lines: shipped_now
            .into_iter()
            .map(|(i, q)| ShipmentLine {
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                sku: s.order.lines[i].sku.clone(),
                quantity: units(q),
            })
            .collect(),
        documents: vec![],
    });
    let complete =
        s.order.lines.iter().enumerate().all(|(i, l)| closed[i] || s.shipped[i] >= Decimal::from(l.quantity));
    (s.order.status, event.kind) = if complete {
        (OrderStatus::Shipped, OrderEventKind::Shipped)
    } else {
        (OrderStatus::PartlyShipped, OrderEventKind::PartlyShipped)
    };
    s.order.events.push(event);
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Every official T76 and T16 example applied to an order it answers.
    use super::*;
    use crate::api::{Address, PricedLine};
    use rust_decimal_macros::dec;

    fn examples(kind: &str) -> PathBuf {
        let dir = std::env::var_os("PROCURE_PEPPOL_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/peppol"));
        let dir = dir.join("examples").join(kind);
        assert!(dir.is_dir(), "no Peppol examples at {} (set PROCURE_PEPPOL_DIR)", dir.display());
        dir
    }

    /// A state file with one order `key` of `lines` (sku, quantity, unit price).
    fn with_order(key: &str, lines: &[(&str, u32, Decimal)]) -> (tempfile::TempDir, StateFile) {
        let dir = tempfile::tempdir().unwrap();
        let state = StateFile::new(dir.path());
        let lines: Vec<PricedLine> = lines
            .iter()
            .map(|(sku, q, p)| PricedLine {
                sku: sku.to_string(),
                name: sku.to_string(),
                quantity: *q,
                unit_price: *p,
                base_quantity: dec!(1),
                line_total: money::line_total(*p, *q),
                vat_rate: dec!(25),
                note: None,
                promised_delivery: None,
                shipped: 0,
                invoiced: 0,
            })
            .collect();
        let totals = money::totals("EUR", lines.iter().map(|l| (l.line_total, l.vat_rate)), Decimal::ZERO);
        let address = Address {
            id: "delivery".into(),
            label: String::new(),
            name: String::new(),
            street: String::new(),
            postal_code: String::new(),
            city: String::new(),
            country: String::new(),
        };
        let order = Order {
            number: key.into(),
            status: OrderStatus::Sent,
            created_at: Utc::now(),
            placed_by: "buyer".into(),
            po_number: "PO-1".into(),
            lines,
            totals,
            ship_to: address,
            requested_delivery_date: NaiveDate::from_ymd_opt(2013, 7, 10),
            ship_complete: false,
            payment_terms: String::new(),
            shipping_method: ShippingMethod { id: "peppol".into(), name: String::new(), price: Decimal::ZERO },
            comment: None,
            approval: None,
            quote_number: None,
            events: vec![],
            earliest_delivery: None,
            confirmed_at: None,
            shipments: vec![],
        };
        let n = order.lines.len();
        let sent = Sent {
            key: key.into(),
            draft: OrderDraft { po_number: "PO-1".into(), lines: vec![], ..Default::default() },
            document: String::new(),
            file: format!("{key}.xml"),
            written: true,
            order,
            shipped: vec![Decimal::ZERO; n],
            applied: vec![],
            seller: None,
        };
        state.write(&State { orders: vec![sent], disputes: vec![] }).unwrap();
        (dir, state)
    }

    /// Copies one example into a fresh inbox and reads it (twice: the second changes nothing).
    fn receive_example(state: &StateFile, kind: &str, name: &str) -> Order {
        let inbox = tempfile::tempdir().unwrap();
        std::fs::copy(examples(kind).join(name), inbox.path().join(name)).unwrap();
        let r = receive(state, inbox.path()).unwrap();
        assert!(r.problems.is_empty(), "{name}: {:?}", r.problems);
        assert_eq!(r.applied.len(), 1, "{name}");
        let first = state.read().unwrap().orders[0].order.clone();
        let again = receive(state, inbox.path()).unwrap();
        assert_eq!((again.applied.len(), again.unchanged), (0, 1), "{name} read twice");
        assert_eq!(state.read().unwrap().orders[0].order, first, "{name}: a second read changes nothing");
        assert!(inbox.path().join(name).exists(), "the file stays in the inbox");
        first
    }

    fn change(o: &Order, line: usize, what: LineChangeKind) -> Option<&LineChange> {
        o.events.iter().flat_map(|e| &e.changes).find(|c| c.line == line && c.what == what)
    }

    #[test]
    fn t76_example_changes_quantity_price_and_date() {
        let (_d, st) = with_order("11233", &[("SN-33", 12, dec!(1.60)), ("SN-34", 5, dec!(2)), ("SN-35", 3, dec!(3))]);
        let o = receive_example(&st, "order-response", "OrderResponse_Example.xml");
        assert_eq!(o.status, OrderStatus::AcceptedWithChanges);
        assert_eq!((o.lines[0].quantity, o.lines[0].unit_price), (10, dec!(1.50)));
        assert_eq!(o.lines[0].line_total, dec!(15.00));
        let q = change(&o, 1, LineChangeKind::Quantity).unwrap();
        assert_eq!((q.from.as_str(), q.to.as_str()), ("12", "10"));
        assert_eq!(change(&o, 1, LineChangeKind::UnitPrice).unwrap().to, "1.50");
        assert_eq!(change(&o, 1, LineChangeKind::DeliveryDate).unwrap().to, "2018-08-12");
        // The dates promised fill the lines: a changed line's own; a line
        // left as it was keeps the date asked for (partial delivery allowed).
        assert_eq!(o.lines[0].promised_delivery, NaiveDate::from_ymd_opt(2018, 8, 12));
        assert_eq!(o.lines[1].promised_delivery, NaiveDate::from_ymd_opt(2013, 7, 10));
        assert!(o.confirmed_at.is_some());
        assert_eq!(change(&o, 3, LineChangeKind::Substituted).unwrap().to, "SN-36");
        assert_eq!(o.events[0].promised_delivery, NaiveDate::from_ymd_opt(2013, 7, 16));
        assert_eq!(o.totals.net, dec!(15.00) + dec!(10.00) + dec!(9.00));
    }

    #[test]
    fn t76_uc1_refuses_a_line() {
        let (_d, st) = with_order("1", &[("SN-33", 10, dec!(4)), ("SN-34", 5, dec!(6)), ("SN-35", 15, dec!(3))]);
        let o = receive_example(&st, "order-response", "UC1_Order_response.xml");
        assert_eq!(o.status, OrderStatus::AcceptedWithChanges);
        assert_eq!(o.lines[1].quantity, 0);
        assert!(change(&o, 2, LineChangeKind::NotAccepted).is_some());
        assert_eq!(o.totals.net, dec!(85.00), "10 × 4 + 15 × 3");
        assert_eq!(o.events[0].note.as_deref(), Some("Response message with amendments in the details"));
    }

    #[test]
    fn t76_uc2_accepts_every_line_unchanged() {
        let (_d, st) = with_order("1", &[("4545423", 2, dec!(4)), ("64534543", 3, dec!(6))]);
        let o = receive_example(&st, "order-response", "UC2_Order_response.xml");
        assert_eq!(o.status, OrderStatus::AcceptedWithChanges, "code CA");
        assert!(o.events[0].changes.is_empty());
        assert_eq!(o.totals.net, dec!(26.00));
    }

    #[test]
    fn t76_uc3_rejects() {
        let (_d, st) = with_order("5", &[("SN-33", 10, dec!(4))]);
        let o = receive_example(&st, "order-response", "UC3_Order_response.xml");
        assert_eq!(o.status, OrderStatus::Rejected);
        assert_eq!(o.events[0].kind, OrderEventKind::Rejected);
        assert_eq!(o.events[0].note.as_deref(), Some("No available translators"));
    }

    #[test]
    fn t76_uc4_changes_the_price_per_ten() {
        let (_d, st) = with_order("5", &[("SN-33", 500, dec!(0.1))]);
        let o = receive_example(&st, "order-response", "UC4_Order_response.xml");
        assert_eq!(o.status, OrderStatus::AcceptedWithChanges);
        // Kept as the supplier gives it: 0.9 for 10, one unit 0.09.
        assert_eq!((o.lines[0].unit_price, o.lines[0].base_quantity), (dec!(0.9), dec!(10)));
        assert_eq!(o.lines[0].unit_price_each(), dec!(0.09));
        assert_eq!(o.lines[0].line_total, dec!(45.00));
        assert_eq!(change(&o, 1, LineChangeKind::UnitPrice).unwrap().to, "0.90 per 10");
        assert!(change(&o, 1, LineChangeKind::Quantity).is_none(), "500 as ordered");
    }

    /// A changed price is kept with every decimal and its base quantity:
    /// 0.00868 stays 0.00868 (it was rounded to 0.0087: 87.00 for 86.80),
    /// and 1.00 per 3 prices 999,999,999 at 333,333,333.00.
    #[test]
    fn t76_changed_prices_are_kept_exactly() {
        let (_d, st) = with_order("K-7", &[("R", 10_000, dec!(0.0091)), ("S", 999_999_999, dec!(0.34))]);
        let inbox = tempfile::tempdir().unwrap();
        let line = |id: &str, price, base| peppol::ResponseLine {
            id: id.into(),
            line_ref: id.into(),
            status: line_status::CHANGED.into(),
            unit: "C62".into(),
            price: Some(price),
            base_qty: base,
            ..Default::default()
        };
        let r = OrderResponse {
            id: "R-7".into(),
            issue_date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
            code: response_code::ACCEPTED_WITH_CHANGES.into(),
            order_ref: "K-7".into(),
            lines: vec![line("1", dec!(0.00868), None), line("2", dec!(1.00), Some(dec!(3)))],
            ..Default::default()
        };
        std::fs::write(inbox.path().join("r.xml"), peppol::write_order_response(&r)).unwrap();
        let report = receive(&st, inbox.path()).unwrap();
        assert_eq!(report.applied.len(), 1, "{:?}", report.problems);
        let o = &st.read().unwrap().orders[0].order;
        assert_eq!((o.lines[0].unit_price, o.lines[0].line_total), (dec!(0.00868), dec!(86.80)));
        assert_eq!((o.lines[1].unit_price, o.lines[1].base_quantity), (dec!(1.00), dec!(3)));
        assert_eq!(o.lines[1].line_total.to_string(), "333333333.00");
        assert_eq!(o.totals.net, dec!(333333419.80));
        assert_eq!(change(o, 2, LineChangeKind::UnitPrice).unwrap().to, "1.00 per 3");
    }

    #[test]
    fn t76_uc5_accepts() {
        let (_d, st) = with_order("5", &[("X", 1, dec!(1))]);
        let o = receive_example(&st, "order-response", "UC5_Order_response.xml");
        assert_eq!(o.status, OrderStatus::Accepted);
        assert_eq!(o.events[0].document, "T76 101");
    }

    fn tens(n: usize) -> Vec<(&'static str, u32, Decimal)> {
        ["A", "B", "C", "D", "E"].iter().take(n).map(|s| (*s, 10, dec!(1))).collect()
    }

    #[test]
    fn t16_uc1_ships_everything() {
        let (_d, st) = with_order("4321", &tens(2));
        let o = receive_example(&st, "despatch-advice", "DespatchAdvice-BIS3_UseCase1.xml");
        assert_eq!(o.status, OrderStatus::Shipped);
        assert_eq!(o.events[0].date, NaiveDate::from_ymd_opt(2019, 3, 13).unwrap());
        assert_eq!(change(&o, 2, LineChangeKind::Shipped).unwrap().to, "10 of 10");
    }

    #[test]
    fn t16_uc2_leaves_quantities_outstanding() {
        let (_d, st) = with_order("4321", &tens(5));
        let o = receive_example(&st, "despatch-advice", "DespatchAdvice-BIS3_UseCase2.xml");
        assert_eq!(o.status, OrderStatus::PartlyShipped);
        assert_eq!(change(&o, 2, LineChangeKind::Shipped).unwrap().to, "6 of 10, 4 to follow");
        // The lines and the shipment say what shipped.
        assert_eq!(o.lines[1].shipped, 6);
        assert_eq!(o.shipments.len(), 1);
        assert_eq!(o.shipments[0].lines.iter().find(|l| l.line == 2).map(|l| l.quantity), Some(6));
        assert_eq!(change(&o, 5, LineChangeKind::Shipped).unwrap().to, "12 of 10");
    }

    #[test]
    fn t16_uc3_ships_everything_in_one_shipment() {
        let (_d, st) =
            with_order("4321", &[("A", 10, dec!(1)), ("B", 23, dec!(1)), ("C", 500, dec!(1)), ("D", 12, dec!(1))]);
        let o = receive_example(&st, "despatch-advice", "DespatchAdvice-BIS3_UseCase3.xml");
        assert_eq!(o.status, OrderStatus::Shipped);
    }

    #[test]
    fn t16_uc4_ships_weights_and_misses_a_line() {
        let (_d, st) = with_order(
            "4321",
            &[("A", 4, dec!(1)), ("B", 6, dec!(1)), ("C", 8, dec!(1)), ("D", 2, dec!(1)), ("E", 3, dec!(1))],
        );
        let o = receive_example(&st, "despatch-advice", "DespatchAdvice-BIS3_UseCase4.xml");
        assert_eq!(o.status, OrderStatus::PartlyShipped, "line 4 not in it, line 2 5.97 of 6");
        assert_eq!(change(&o, 1, LineChangeKind::Shipped).unwrap().to, "4.25 of 4");
        assert_eq!(o.lines[0].shipped, 4, "whole units");
    }

    #[test]
    fn t16_uc5_adds_up_split_lines() {
        let (_d, st) = with_order(
            "4321",
            &[("A", 23, dec!(1)), ("B", 6, dec!(1)), ("C", 4, dec!(1)), ("D", 1, dec!(1)), ("E", 3, dec!(1))],
        );
        let o = receive_example(&st, "despatch-advice", "DespatchAdvice-BIS3_UseCase5.xml");
        assert_eq!(o.status, OrderStatus::PartlyShipped);
        let three: Vec<&str> = o.events[0].changes.iter().filter(|c| c.line == 3).map(|c| c.to.as_str()).collect();
        assert_eq!(three, ["3 of 4", "3.975 of 4"]);
    }

    #[test]
    fn t16_example_ships_part_of_a_line() {
        let (_d, st) = with_order("AEG012345", &[("17589683", 12, dec!(1))]);
        let o = receive_example(&st, "despatch-advice", "DespatchAdvice_Example.xml");
        assert_eq!(o.status, OrderStatus::PartlyShipped);
        let s = &o.shipments[0];
        assert_eq!(
            (s.number.as_str(), s.carrier.as_deref(), s.tracking.as_deref()),
            ("565899", Some("Name"), Some("456789"))
        );
        assert_eq!((o.lines[0].shipped, s.lines[0].quantity), (10, 10));
        assert_eq!(change(&o, 1, LineChangeKind::Shipped).unwrap().to, "10 of 12, 2 to follow");
    }

    /// The same problem has the same code as at the reference shop: a part
    /// the catalogue gives no price for today is `price_on_request`.
    #[test]
    fn a_part_without_a_price_today_is_price_on_request() {
        let product = crate::api::Product {
            sku: "A".into(),
            mpn: "A".into(),
            manufacturer: String::new(),
            gtin: String::new(),
            name: "A".into(),
            description: String::new(),
            category: String::new(),
            unit: "C62".into(),
            pack_size: 1,
            min_qty: 1,
            order_step: 1,
            stock: 0,
            lead_time_days: 0,
            attributes: vec![],
            documents: vec![],
            replaced_by: None,
            discontinued: false,
        };
        let prices = crate::api::PriceEntry { sku: "A".into(), tiers: vec![], vat_rate: dec!(19) };
        let part = super::super::catalogue::Part { product, prices, vat_category: "S".into(), gtin: None };
        let loaded = Loaded { parts: [("A".to_string(), part)].into(), ..Default::default() };
        let draft = OrderDraft {
            po_number: "PO-1".into(),
            lines: vec![crate::api::DraftLine { sku: "A".into(), quantity: 1, expected_unit_price: None, note: None }],
            ..Default::default()
        };
        let priced = price(&loaded, &draft, NaiveDate::from_ymd_opt(2026, 1, 2).unwrap());
        let found: Vec<&str> = priced.preview.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(found, [codes::PRICE_ON_REQUEST]);
    }

    #[test]
    fn only_the_supplier_an_order_went_to_answers_it() {
        let seller = peppol::Id::parse("0088:5790000435975").unwrap();
        let from = |id: Option<&str>| peppol::Party {
            endpoint: id.map(|i| peppol::Id::parse(i).unwrap()),
            ..Default::default()
        };
        assert!(check_sender(Some(&seller), "K-1", "T76 R-1", &from(Some("0088:5790000435975"))).is_ok());
        assert!(check_sender(Some(&seller), "K-1", "T76 R-1", &from(Some(" 0088 : 5790000435975"))).is_ok());
        let e = check_sender(Some(&seller), "K-1", "T76 R-1", &from(Some("0088:9999999999999"))).unwrap_err();
        assert_eq!(
            e,
            "T76 R-1 comes from 0088:9999999999999, not from 0088:5790000435975, the supplier order K-1 was sent to"
        );
        let e = check_sender(Some(&seller), "K-1", "T16 D-1", &from(None)).unwrap_err();
        assert!(e.contains("names no sender"), "{e}");
        // The T01 as written names the seller when the record does not.
        let (_d, st) = with_order("K-1", &[("A", 1, dec!(1))]);
        let mut state = st.read().unwrap();
        state.orders[0].document = std::fs::read_to_string(examples("order").join("Order_Example.xml")).unwrap();
        assert_eq!(state.orders[0].seller(), Some(peppol::Id::parse("0192:123456785").unwrap()));
    }

    #[test]
    fn what_a_supplier_writes_is_cleaned_before_it_is_kept() {
        let (_d, st) = with_order("K-1", &[("A", 1, dec!(1))]);
        let inbox = tempfile::tempdir().unwrap();
        let r = OrderResponse {
            id: "R\u{202E}1".into(),
            issue_date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
            code: "RE".into(),
            note: Some("invoice\u{202E}fdp.exe \u{9b}31m".into()),
            order_ref: "K-1".into(),
            ..Default::default()
        };
        std::fs::write(inbox.path().join("r.xml"), peppol::write_order_response(&r)).unwrap();
        let report = receive(&st, inbox.path()).unwrap();
        assert_eq!(report.applied.len(), 1, "{:?}", report.problems);
        let o = &st.read().unwrap().orders[0].order;
        assert_eq!(o.events[0].note.as_deref(), Some("invoicefdp.exe 31m"));
        assert_eq!(o.events[0].document, "T76 R1");
    }

    #[test]
    fn a_bad_or_unknown_document_is_reported_and_nothing_is_half_applied() {
        let (_d, st) = with_order("4321", &tens(2));
        let before = st.read().unwrap().orders[0].order.clone();
        let inbox = tempfile::tempdir().unwrap();
        std::fs::write(inbox.path().join("broken.xml"), "<DespatchAdvice><cbc:ID>").unwrap();
        // UC2 names lines 3 to 5, which this two-line order lacks: not one line is applied.
        std::fs::copy(
            examples("despatch-advice").join("DespatchAdvice-BIS3_UseCase2.xml"),
            inbox.path().join("uc2.xml"),
        )
        .unwrap();
        std::fs::copy(examples("order-response").join("UC3_Order_response.xml"), inbox.path().join("other.xml"))
            .unwrap();
        let r = receive(&st, inbox.path()).unwrap();
        assert!(r.applied.is_empty(), "{:?}", r.applied);
        let reasons: Vec<String> = r.problems.iter().map(|p| format!("{}: {}", p.file, p.reason)).collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons.iter().any(|p| p.contains("broken.xml") && p.contains("not well-formed")), "{reasons:?}");
        assert!(reasons.iter().any(|p| p.contains("uc2.xml") && p.contains("line \"3\"")), "{reasons:?}");
        assert!(reasons.iter().any(|p| p.contains("other.xml") && p.contains("refers to no order")), "{reasons:?}");
        assert_eq!(st.read().unwrap().orders[0].order, before);
        assert_eq!(std::fs::read_dir(inbox.path()).unwrap().count(), 3, "every file left in place");
    }
}
