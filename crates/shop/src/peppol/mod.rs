//! The reference shop as a supplier on Peppol (BIS Ordering 3), through
//! files: it exports a company's catalogue with its contract prices as a T19
//! document, answers each T01 order in an inbox with a T76 order response
//! (priced and checked like an HTTP order: contract prices, quantity rules,
//! stock and lead time) and writes a T16 despatch advice when it ships.
//!
//! Each T01 is answered once: `peppol_orders` records it (by document id)
//! with the shop order it became; the order itself is placed with the
//! idempotency key `peppol:<document id>`, so a crash in between never
//! doubles it.

use crate::company;
use crate::db;
use crate::fulfil;
use crate::orders;
use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, Utc};
use procure_protocol::api::{DraftLine, OrderDraft, OrderStatus, Tier};
use procure_protocol::money;
use procure_protocol::peppol::{
    self, Catalogue, CatalogueLine, CataloguePrice, Classification, DespatchAdvice, DespatchLine, Document, Id, Item,
    OrderResponse, Party, PostalAddress, ResponseLine, SpecDocument, line_status, response_code,
};
use procure_protocol::quantity::QuantityRules;
use rusqlite::{Connection, OptionalExtension, named_params, params};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS peppol_orders (
    doc_id       TEXT PRIMARY KEY,
    company_id   INTEGER NOT NULL REFERENCES companies(id),
    order_number TEXT,
    response_id  TEXT NOT NULL,
    document     TEXT NOT NULL,
    shipped      TEXT NOT NULL DEFAULT '{}',
    despatches   INTEGER NOT NULL DEFAULT 0
)";

/// The shop's own party on Peppol.
#[derive(Debug, Clone)]
pub struct Supplier {
    pub endpoint: Id,
    pub name: String,
    /// A Peppol order must carry the seller's postal address: it comes from here, through the catalogue.
    pub address: PostalAddress,
}

impl Supplier {
    fn party(&self) -> Party {
        Party {
            endpoint: Some(self.endpoint.clone()),
            id: Some(self.endpoint.clone()),
            name: self.name.clone(),
            legal_name: self.name.clone(),
            address: Some(self.address.clone()),
            contact: None,
        }
    }
}

fn company_id(conn: &Connection, code: &str) -> anyhow::Result<i64> {
    conn.query_row("SELECT id FROM companies WHERE code = ?1", [code], |r| r.get(0))
        .optional()?
        .ok_or_else(|| anyhow!("no company {code:?} in this shop"))
}

/// A shop unit as a UN/ECE Rec 20 code.
pub fn unit_code(unit: &str) -> String {
    match unit.trim().to_ascii_lowercase().as_str() {
        "" | "pc" | "pcs" | "piece" | "pieces" | "ea" | "each" | "stk" => "C62".into(),
        "m" => "MTR".into(),
        "kg" => "KGM".into(),
        "g" => "GRM".into(),
        "l" => "LTR".into(),
        "box" => "XBX".into(),
        "pack" | "pk" => "XPK".into(),
        "roll" => "XRO".into(),
        "set" => "SET".into(),
        "pair" => "PR".into(),
        other if other.len() <= 3 && other.chars().all(|c| c.is_ascii_alphanumeric()) => other.to_ascii_uppercase(),
        _ => "C62".into(),
    }
}

/// Writes a file the way an access point expects: a temporary name, then a rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}

/// The company's catalogue with its contract prices, as a T19 document.
pub fn export_catalogue(
    conn: &Connection,
    company_code: &str,
    supplier: &Supplier,
    buyer_endpoint: Option<Id>,
    now: DateTime<Utc>,
) -> anyhow::Result<(Vec<u8>, usize)> {
    let cid = company_id(conn, company_code)?;
    let record = company::load(conn, cid).map_err(|e| anyhow!("{e}"))?;
    let discounts = company::discounts(conn, cid).map_err(|e| anyhow!("{e}"))?;
    let sql = format!(
        "SELECT p.data, p.list_tiers, p.family, p.vat_rate, cp.tiers FROM products p
         LEFT JOIN contract_prices cp ON cp.company_id = :company AND cp.product_id = p.id
         WHERE p.deleted = 0 AND {} ORDER BY p.id",
        db::VISIBLE
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(named_params! {":company": cid})?;
    let currency = record.company.currency.clone();
    let mut lines = Vec::new();
    while let Some(r) = rows.next()? {
        let product: procure_protocol::api::Product = serde_json::from_str(&r.get::<_, String>(0)?)?;
        let contract: Option<String> = r.get(4)?;
        let tiers: Vec<Tier> =
            company::company_tiers(contract.as_deref(), &r.get::<_, String>(1)?, &r.get::<_, String>(2)?, &discounts)
                .map_err(|e| anyhow!("{e}"))?;
        let vat = company::decimal(&r.get::<_, String>(3)?).map_err(|e| anyhow!("{e}"))?;
        let unit = unit_code(&product.unit);
        let lead = Some(product.lead_time_days);
        let prices = tiers
            .iter()
            .map(|t| CataloguePrice {
                amount: t.unit_price,
                currency: currency.clone(),
                base_qty: t.base_quantity,
                min_qty: (t.min_qty > 1).then(|| Decimal::from(t.min_qty)),
                lead_time_days: lead,
                valid_from: None,
                valid_to: None,
            })
            .collect();
        // Pack size and step: an order counts in units, in multiples of both.
        let step = product.pack_size.max(1) * product.order_step.max(1);
        lines.push(CatalogueLine {
            id: product.sku.clone(),
            action: String::new(),
            orderable: !product.discontinued,
            unit,
            step: Some(Decimal::from(step)),
            min_qty: Some(Decimal::from(product.min_qty.max(1))),
            max_qty: None,
            valid_from: None,
            valid_to: None,
            prices,
            item: Item {
                name: product.name.clone(),
                description: product.description.clone(),
                brand: String::new(),
                seller_id: product.sku.clone(),
                manufacturer_id: product.mpn.clone(),
                standard_id: (!product.gtin.is_empty()).then(|| Id { scheme: "0160".into(), id: product.gtin.clone() }),
                manufacturer: product.manufacturer.clone(),
                pack_size: (product.pack_size > 1).then(|| Decimal::from(product.pack_size)),
                classifications: if product.category.is_empty() {
                    vec![]
                } else {
                    vec![Classification { list: "ZZZ".into(), code: product.category.clone(), name: String::new() }]
                },
                vat_category: if vat.is_zero() { "Z".into() } else { "S".into() },
                vat_percent: Some(vat),
                documents: product
                    .documents
                    .iter()
                    .enumerate()
                    .map(|(i, d)| SpecDocument {
                        id: format!("{}-{}", product.sku, i + 1),
                        description: d.title.clone(),
                        uri: d.url.clone(),
                        filename: String::new(),
                    })
                    .collect(),
                properties: product.attributes.iter().map(|a| (a.name.clone(), a.value.clone())).collect(),
            },
        });
    }
    let count = lines.len();
    let c = &record.company;
    let buyer = Party {
        endpoint: buyer_endpoint.clone(),
        id: buyer_endpoint,
        name: c.name.clone(),
        legal_name: c.name.clone(),
        address: None,
        contact: None,
    };
    let doc = Catalogue {
        id: format!("{}-{}", c.code, "catalogue"),
        action: "Replace".into(),
        name: format!("{} for {}", supplier.name, c.name),
        issue_date: Some(now.date_naive()),
        version: now.format("%Y%m%d%H%M%S").to_string(),
        valid_from: Some(record.header.valid_from),
        valid_to: record.header.valid_to,
        contract_ref: record.header.contract_ref.clone(),
        provider: supplier.party(),
        receiver: buyer,
        seller: supplier.party(),
        trading_terms: Some(c.payment_terms.clone()).filter(|t| !t.is_empty()),
        lines,
    };
    Ok((peppol::write_catalogue(&doc), count))
}

/// What happened to one file of the inbox.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Answered {
    pub file: String,
    pub order_id: String,
    /// `accepted`, `accepted_with_changes`, `rejected` or `already_answered`.
    pub outcome: String,
    pub sales_order: Option<String>,
    pub response: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Problem {
    pub file: String,
    pub reason: String,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct InboxRun {
    pub answered: Vec<Answered>,
    pub problems: Vec<Problem>,
}

fn answering_user(conn: &Connection, company_id: i64) -> anyhow::Result<i64> {
    // Orders from the network need no approver in the shop: they are placed
    // for the company's admin (no order limit) or else its first user.
    conn.query_row(
        "SELECT id FROM users WHERE company_id = ?1 ORDER BY (role = 'admin') DESC, id LIMIT 1",
        [company_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| anyhow!("the company has no user to place orders for"))
}

/// Answers every T01 order in `inbox` not answered yet, writing T76
/// responses into `outbox`. Files are never moved or deleted.
pub fn process_orders(
    conn: &mut Connection,
    company_code: &str,
    inbox: &Path,
    outbox: &Path,
    supplier: &Supplier,
    now: DateTime<Utc>,
) -> anyhow::Result<InboxRun> {
    conn.execute_batch(SCHEMA)?;
    let cid = company_id(conn, company_code)?;
    let user = answering_user(conn, cid)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(inbox)
        .with_context(|| format!("reading the inbox {}", inbox.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    let mut run = InboxRun::default();
    for f in files {
        let file = f.display().to_string();
        let bytes = std::fs::read(&f).with_context(|| format!("reading {file}"))?;
        let order = match peppol::read(&bytes) {
            Ok(Document::Order(o)) => o,
            Ok(_) => {
                run.problems.push(Problem { file, reason: "not an order (T01)".into() });
                continue;
            }
            Err(e) => {
                run.problems.push(Problem { file, reason: e });
                continue;
            }
        };
        let known: Option<(Option<String>, String)> = conn
            .query_row(
                "SELECT order_number, response_id FROM peppol_orders WHERE doc_id = ?1 AND company_id = ?2",
                params![order.id, cid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((sales_order, response)) = known {
            run.answered.push(Answered {
                file,
                order_id: order.id,
                outcome: "already_answered".into(),
                sales_order,
                response: Some(response),
            });
            continue;
        }
        let (response, sales_order) = answer(conn, cid, user, &order, supplier, now)?;
        let name = format!("{}.xml", response.id);
        write_atomic(&outbox.join(&name), &peppol::write_order_response(&response))?;
        conn.execute(
            "INSERT INTO peppol_orders (doc_id, company_id, order_number, response_id, document) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![order.id, cid, sales_order, response.id, String::from_utf8_lossy(&bytes)],
        )?;
        let outcome = match response.code.as_str() {
            response_code::ACCEPTED => "accepted",
            response_code::REJECTED => "rejected",
            _ => "accepted_with_changes",
        };
        tracing::info!(order = %order.id, outcome, "Peppol order answered");
        run.answered.push(Answered {
            file,
            order_id: order.id,
            outcome: outcome.into(),
            sales_order,
            response: Some(outbox.join(name).display().to_string()),
        });
    }
    Ok(run)
}

/// Prices and checks one T01 like an HTTP order and places what can be
/// supplied; the response says what was accepted, changed or refused.
fn answer(
    conn: &mut Connection,
    cid: i64,
    user: i64,
    order: &peppol::Order,
    supplier: &Supplier,
    now: DateTime<Utc>,
) -> anyhow::Result<(OrderResponse, Option<String>)> {
    let today = now.date_naive();
    let discounts = company::discounts(conn, cid).map_err(|e| anyhow!("{e}"))?;
    let mut response = OrderResponse {
        id: format!("R-{}", order.id),
        issue_date: today,
        issue_time: Some(now.format("%H:%M:%S").to_string()),
        code: response_code::ACCEPTED.into(),
        note: None,
        currency: order.currency.clone(),
        customer_reference: Some(order.customer_reference.clone()).filter(|c| !c.is_empty()),
        order_ref: order.id.clone(),
        sales_order_id: None,
        seller: Party { address: None, ..supplier.party() },
        buyer: Party { address: None, contact: None, ..order.buyer.clone() },
        promised_delivery: None,
        lines: vec![],
    };
    let reject = |mut r: OrderResponse, why: String| {
        r.code = response_code::REJECTED.into();
        r.note = Some(why);
        r.lines.clear();
        (r, None)
    };
    let mut placed = Vec::new();
    let mut availability = Vec::new();
    let mut changed = false;
    let mut refusals = Vec::new();
    for l in &order.lines {
        let mut rl = ResponseLine {
            id: l.id.clone(),
            line_ref: l.id.clone(),
            status: line_status::ACCEPTED.into(),
            unit: l.unit.clone(),
            seller_id: l.seller_id.clone(),
            name: l.name.clone(),
            ..Default::default()
        };
        let vp = company::visible_product(conn, cid, &l.seller_id, &discounts).map_err(|e| anyhow!("{e}"))?;
        let Some(vp) = vp.filter(|v| !v.product.discontinued) else {
            rl.status = line_status::NOT_ACCEPTED.into();
            rl.note = Some(format!("{} is not supplied", l.seller_id));
            refusals.push(format!("line {}: {} is not supplied", l.id, l.seller_id));
            response.lines.push(rl);
            changed = true;
            continue;
        };
        let rules = QuantityRules::of(&vp.product, &vp.tiers);
        let asked = l.quantity.ceil().to_u32().unwrap_or(0);
        let qty = if asked >= 1 && rules.is_valid(asked) && l.quantity.fract().is_zero() {
            asked
        } else {
            rules.next_valid(asked.max(1))
        };
        let Some(tier) = money::tier_for(&vp.tiers, qty) else {
            rl.status = line_status::NOT_ACCEPTED.into();
            rl.note = Some(format!("{} has no price for you", l.seller_id));
            refusals.push(format!("line {}: no price for {}", l.id, l.seller_id));
            response.lines.push(rl);
            changed = true;
            continue;
        };
        let mut notes = Vec::new();
        if Decimal::from(qty) != l.quantity {
            rl.quantity = Some(Decimal::from(qty));
            notes.push(format!("quantity {} → {qty} (quantity rules)", peppol::num(l.quantity)));
        }
        // The buyer's price may be for several units (`cbc:BaseQuantity`): one unit's price is compared.
        let price = tier.per_unit();
        let asked_price =
            l.price.map(|p| money::per_unit(p, l.base_qty.filter(|b| *b > Decimal::ZERO).unwrap_or(Decimal::ONE)));
        if asked_price != Some(price) {
            rl.price = Some(tier.unit_price);
            rl.base_qty = Some(tier.base_quantity);
            notes.push(format!(
                "unit price {} (your contract price)",
                money::format_price(tier.unit_price, tier.base_quantity)
            ));
        }
        let line_earliest = orders::earliest_delivery(today, &[(vp.product.stock, qty, vp.product.lead_time_days)]);
        let requested = order.delivery.as_ref().and_then(|d| d.requested);
        if requested.is_some_and(|r| r < line_earliest) {
            rl.promised_delivery = Some(line_earliest);
            notes.push(format!(
                "delivery {line_earliest} (stock {}, lead time {} days)",
                vp.product.stock, vp.product.lead_time_days
            ));
        }
        if !notes.is_empty() {
            rl.status = line_status::CHANGED.into();
            rl.note = Some(notes.join("; "));
            if rl.quantity.is_none() {
                rl.quantity = Some(Decimal::from(qty));
            }
            changed = true;
        }
        availability.push((vp.product.stock, qty, vp.product.lead_time_days));
        placed.push(DraftLine {
            sku: vp.product.sku.clone(),
            quantity: qty,
            expected_unit_price: Some(price),
            note: l.note.clone(),
        });
        response.lines.push(rl);
    }
    if placed.is_empty() {
        return Ok(reject(response, format!("none of the lines can be supplied: {}", refusals.join("; "))));
    }
    let earliest = orders::earliest_delivery(today, &availability);
    let requested = order.delivery.as_ref().and_then(|d| d.requested);
    let deliver_on = match requested {
        Some(r) if r >= earliest => Some(r),
        Some(_) => {
            response.promised_delivery = Some(earliest);
            changed = true;
            Some(earliest)
        }
        None => None,
    };
    let draft = OrderDraft {
        po_number: if order.customer_reference.trim().is_empty() {
            order.id.clone()
        } else {
            order.customer_reference.clone()
        },
        lines: placed,
        ship_to: None,
        requested_delivery_date: deliver_on,
        ship_complete: order.lines.iter().any(|l| l.partial_delivery == Some(false)),
        shipping_method: None,
        comment: order.note.clone(),
        // The document id makes each Peppol order one of its own; the T01
        // has no way to say a PO number is reused on purpose.
        allow_duplicate_po: true,
    };
    let created = match orders::create(conn, cid, user, &format!("peppol:{}", order.id), &draft, now) {
        Ok(orders::Created::New(o) | orders::Created::Replayed(o)) => o,
        Err(e) => return Ok(reject(response, e.to_string())),
    };
    response.sales_order_id = Some(created.number.clone());
    if changed {
        response.code = response_code::ACCEPTED_WITH_CHANGES.into();
        response.note = Some(if refusals.is_empty() {
            "accepted with changes to lines".into()
        } else {
            format!("accepted with changes; {}", refusals.join("; "))
        });
    } else {
        response.lines.clear();
    }
    Ok((response, Some(created.number)))
}

/// Ships an answered order (by the buyer's document id or the shop's order
/// number): `lines` names SKUs and quantities, or nothing for all that is
/// left. The shipment is the shop's own (`fulfil::ship`: more than is open
/// is refused; an order not confirmed yet is confirmed with its usual
/// dates first); it is written as a T16 into `outbox`.
pub fn ship(
    conn: &mut Connection,
    company_code: &str,
    reference: &str,
    lines: &[(String, u32)],
    outbox: &Path,
    supplier: &Supplier,
    now: DateTime<Utc>,
) -> anyhow::Result<PathBuf> {
    conn.execute_batch(SCHEMA)?;
    let cid = company_id(conn, company_code)?;
    let row: Option<(String, Option<String>, String, i64)> = conn
        .query_row(
            "SELECT doc_id, order_number, document, despatches FROM peppol_orders
             WHERE company_id = ?1 AND (doc_id = ?2 OR order_number = ?2)",
            params![cid, reference],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((doc_id, number, document, despatches)) = row else {
        bail!("no Peppol order {reference:?} of company {company_code}");
    };
    let Some(number) = number else { bail!("order {reference} was rejected: nothing to ship") };
    let Document::Order(t01) = peppol::read(document.as_bytes()).map_err(|e| anyhow!("stored order: {e}"))? else {
        bail!("stored document of {reference} is not an order");
    };
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let status = orders::get(&tx, cid, &number).map_err(|e| anyhow!("{e}"))?.status;
    if status == OrderStatus::Placed {
        fulfil::confirm_in(&tx, &number, &[], now).map_err(|e| anyhow!("{e}"))?;
    }
    let shipping = fulfil::Shipping { lines: lines.to_vec(), ..Default::default() };
    let shop_order = fulfil::ship_in(&tx, &number, shipping, now).map_err(|e| anyhow!("{e}"))?;
    let shipment = shop_order.shipments.last().ok_or_else(|| anyhow!("order {number} has no shipment"))?;
    let mut out = Vec::new();
    for sl in &shipment.lines {
        let Some(l) = shop_order.lines.get(sl.line as usize - 1) else { continue };
        let left = l.quantity.saturating_sub(l.shipped);
        let t01_line = t01.lines.iter().find(|t| t.seller_id == l.sku);
        out.push(DespatchLine {
            id: (out.len() + 1).to_string(),
            note: None,
            delivered: Decimal::from(sl.quantity),
            unit: t01_line.map(|t| t.unit.clone()).unwrap_or("C62".into()),
            // Zero would say the rest never comes: only what is still to follow is named.
            outstanding: (left > 0).then(|| Decimal::from(left)),
            outstanding_reason: (left > 0).then(|| "to follow in a later despatch".to_string()),
            line_ref: t01_line.map(|t| t.id.clone()).unwrap_or_default(),
            order_ref: Some(doc_id.clone()),
            seller_id: l.sku.clone(),
            name: l.name.clone(),
        });
    }
    let n = despatches + 1;
    let advice = DespatchAdvice {
        id: format!("D-{doc_id}-{n}"),
        issue_date: now.date_naive(),
        note: None,
        order_ref: Some(doc_id.clone()),
        supplier: supplier.party(),
        customer: Party { address: None, contact: None, ..t01.buyer.clone() },
        shipment_id: Some(shipment.number.clone()),
        carrier: shipment.carrier.clone(),
        tracking: shipment.tracking.clone(),
        despatch_date: Some(shipment.date),
        estimated_delivery: None,
        lines: out,
    };
    let shipped: BTreeMap<&str, u32> = shop_order.lines.iter().map(|l| (l.sku.as_str(), l.shipped)).collect();
    tx.execute(
        "UPDATE peppol_orders SET shipped = ?1, despatches = ?2 WHERE doc_id = ?3 AND company_id = ?4",
        params![serde_json::to_string(&shipped)?, n, doc_id, cid],
    )?;
    let path = outbox.join(format!("{}.xml", advice.id));
    write_atomic(&path, &peppol::write_despatch_advice(&advice))?;
    tx.commit()?;
    Ok(path)
}

/// The seller's invoicing details beyond its party: what BIS Billing 3 asks of an invoice.
#[derive(Debug, Clone)]
pub struct Billing {
    /// The seller's VAT identifier (BT-31), with its country prefix.
    pub vat_id: String,
    /// The account to pay to (BT-84, an IBAN); none: the invoice names no payment means.
    pub iban: Option<String>,
    /// Whom the buyer asks about the invoice (BG-6: name, phone, e-mail).
    pub contact: procure_protocol::peppol::Contact,
}

/// The T01 a Peppol order of the company came in as, if it did: its document.
fn peppol_order(conn: &Connection, company_id: i64, number: &str) -> anyhow::Result<Option<peppol::Order>> {
    conn.execute_batch(SCHEMA)?;
    let doc: Option<String> = conn
        .query_row(
            "SELECT document FROM peppol_orders WHERE company_id = ?1 AND order_number = ?2",
            params![company_id, number],
            |r| r.get(0),
        )
        .optional()?;
    match doc.as_deref().map(|d| peppol::read(d.as_bytes())) {
        Some(Ok(Document::Order(o))) => Ok(Some(o)),
        Some(Ok(_)) => bail!("the stored document of order {number} is not an order"),
        Some(Err(e)) => bail!("the stored document of order {number}: {e}"),
        None => Ok(None),
    }
}

/// An issued invoice or credit note of the company as a Peppol BIS Billing
/// 3 document: T10, or T14 for a credit note. It refers to the buyer's
/// order as the buyer knows it: an order that came in as a T01 by that
/// document's id (BT-13) and line ids (BT-132), any other by its PO number
/// and line numbers; the shop's order number is the sales order (BT-14).
/// The buyer's Peppol id is `buyer_endpoint`, else the T01's.
pub fn export_invoice(
    conn: &Connection,
    company_code: &str,
    number: &str,
    supplier: &Supplier,
    billing: &Billing,
    buyer_endpoint: Option<Id>,
) -> anyhow::Result<(Vec<u8>, procure_protocol::api::Invoice)> {
    use procure_protocol::api::InvoiceKind;
    use procure_protocol::peppol::{
        AllowanceCharge, InvoiceDelivery, InvoiceLine, InvoiceParty, MonetaryTotal, PaymentMeans, VatBreakdown,
        type_code,
    };
    let cid = company_id(conn, company_code)?;
    let (_, inv) = crate::invoices::get(conn, Some(cid), number).map_err(|e| anyhow!("{e}"))?;
    let record = company::load(conn, cid).map_err(|e| anyhow!("{e}"))?;
    let order_number = inv.order_numbers.first().ok_or_else(|| anyhow!("{number} names no order"))?;
    let order = orders::get(conn, cid, order_number).map_err(|e| anyhow!("{e}"))?;
    let t01 = peppol_order(conn, cid, order_number)?;
    let endpoint = match (buyer_endpoint, t01.as_ref().and_then(|t| t.buyer.endpoint.clone())) {
        (Some(e), _) | (None, Some(e)) => e,
        (None, None) => bail!(
            "{company_code} ordered {order_number} by HTTP, so the shop does not know its Peppol id: \
             give --buyer-endpoint (scheme:id, e.g. 0106:12345678)"
        ),
    };
    let c = &record.company;
    let b = &c.billing_address;
    let buyer = InvoiceParty {
        party: Party {
            endpoint: Some(endpoint),
            id: None,
            name: c.name.clone(),
            legal_name: c.name.clone(),
            address: Some(PostalAddress {
                street: b.street.clone(),
                city: b.city.clone(),
                postal_code: b.postal_code.clone(),
                country: b.country.clone(),
                ..Default::default()
            }),
            contact: None,
        },
        vat_id: None,
        legal_id: None,
    };
    let category = |rate: Decimal| if rate.is_zero() { "Z" } else { "S" };
    let mut lines = Vec::new();
    for l in &inv.lines {
        let product: Option<procure_protocol::api::Product> = conn
            .query_row("SELECT data FROM products WHERE sku = ?1", [&l.sku], |r| r.get::<_, String>(0))
            .optional()?
            .map(|d| serde_json::from_str(&d))
            .transpose()?;
        let order_line_ref = match &t01 {
            Some(t) => t.lines.iter().find(|t| t.seller_id == l.sku).map(|t| t.id.clone()),
            None => l.order_line.map(|n| n.to_string()),
        };
        lines.push(InvoiceLine {
            id: l.line.to_string(),
            quantity: Decimal::from(l.quantity),
            unit: unit_code(product.as_ref().map_or("", |p| p.unit.as_str())),
            line_amount: l.line_total,
            order_line_ref,
            name: l.name.clone(),
            seller_id: l.sku.clone(),
            standard_id: product
                .as_ref()
                .filter(|p| !p.gtin.is_empty())
                .map(|p| Id { scheme: "0160".into(), id: p.gtin.clone() }),
            vat_category: category(l.vat_rate).into(),
            vat_percent: Some(l.vat_rate),
            price: l.unit_price,
            ..Default::default()
        });
    }
    // The VAT breakdown as `money::checked_totals` computes it: per rate,
    // the shipping charge at the highest one.
    // A credit note of the shipping charge alone credits it at the rate its invoice billed it.
    let rated_lines = match (&inv.credits_invoice, inv.lines.is_empty()) {
        (Some(credited), true) => crate::invoices::get(conn, Some(cid), credited).map_err(|e| anyhow!("{e}"))?.1.lines,
        _ => inv.lines.clone(),
    };
    let top = rated_lines.iter().map(|l| l.vat_rate.normalize()).max().unwrap_or_default();
    let shipping = inv.totals.shipping;
    let mut by_rate: BTreeMap<Decimal, Decimal> = BTreeMap::new();
    for l in &inv.lines {
        *by_rate.entry(l.vat_rate.normalize()).or_default() += l.line_total;
    }
    let mut allowances_charges = Vec::new();
    if shipping > Decimal::ZERO {
        *by_rate.entry(top).or_default() += shipping;
        if lines.is_empty() {
            // A credit note of the shipping charge alone: BIS wants a line.
            lines.push(InvoiceLine {
                id: "1".into(),
                quantity: Decimal::ONE,
                unit: "C62".into(),
                line_amount: shipping,
                name: format!("Shipping: {}", order.shipping_method.name),
                seller_id: order.shipping_method.id.clone(),
                vat_category: category(top).into(),
                vat_percent: Some(top),
                price: shipping,
                ..Default::default()
            });
        } else {
            allowances_charges.push(AllowanceCharge {
                charge: true,
                reason_code: Some("FC".into()),
                reason: Some(format!("Shipping: {}", order.shipping_method.name)),
                amount: shipping,
                vat_category: Some(category(top).into()),
                vat_percent: Some(top),
                ..Default::default()
            });
        }
    }
    let vat_breakdown: Vec<VatBreakdown> = by_rate
        .iter()
        .map(|(rate, taxable)| VatBreakdown {
            taxable: *taxable,
            tax: money::round_cents(taxable * rate / Decimal::ONE_HUNDRED),
            category: category(*rate).into(),
            percent: Some(*rate),
            ..Default::default()
        })
        .collect();
    let charged = !allowances_charges.is_empty();
    let terms = match &inv.early_payment {
        Some(e) => {
            let mut t = format!(
                "{}; {} % early payment discount: pay {} {} until {}",
                inv.payment_terms,
                e.percent.normalize(),
                money::format_amount(e.amount),
                inv.totals.currency,
                e.until
            );
            // Germany's CIUS (DE-R-018) wants the discount in its own words as well.
            if supplier.address.country == "DE" && b.country == "DE" {
                let mut percent = e.percent;
                percent.rescale(2);
                t.push_str(&format!("\n#SKONTO#TAGE={}#PROZENT={percent}#\n", (e.until - inv.issue_date).num_days()));
            }
            t
        }
        None => inv.payment_terms.clone(),
    };
    let credit_note = inv.kind == InvoiceKind::CreditNote;
    let doc = peppol::Invoice {
        credit_note,
        id: inv.number.clone(),
        issue_date: inv.issue_date,
        due_date: Some(inv.due_date),
        type_code: if credit_note { type_code::CREDIT_NOTE } else { type_code::INVOICE }.into(),
        note: inv.reason.clone(),
        currency: inv.totals.currency.clone(),
        accounting_cost: None,
        buyer_reference: Some(order.po_number.clone()),
        order_ref: Some(t01.as_ref().map_or_else(|| order.po_number.clone(), |t| t.id.clone())),
        sales_order_ref: Some(order.number.clone()),
        preceding_invoices: inv.credits_invoice.iter().cloned().collect(),
        contract_ref: None,
        seller: InvoiceParty {
            party: Party { contact: Some(billing.contact.clone()), ..supplier.party() },
            vat_id: Some(billing.vat_id.clone()),
            legal_id: None,
        },
        buyer,
        delivery: Some(InvoiceDelivery {
            date: order.shipments.last().map(|s| s.date),
            location_id: None,
            address: Some(PostalAddress {
                street: order.ship_to.street.clone(),
                city: order.ship_to.city.clone(),
                postal_code: order.ship_to.postal_code.clone(),
                country: order.ship_to.country.clone(),
                ..Default::default()
            }),
            party_name: Some(order.ship_to.name.clone()),
        }),
        payment_means: billing
            .iban
            .iter()
            .map(|iban| PaymentMeans {
                code: "30".into(),
                payment_id: Some(inv.number.clone()),
                account: Some(iban.clone()),
                account_name: Some(supplier.name.clone()),
                bank: None,
            })
            .collect(),
        payment_terms: Some(terms),
        allowances_charges,
        tax_total: inv.totals.vat,
        vat_breakdown,
        totals: MonetaryTotal {
            line_extension: if charged { inv.totals.net } else { inv.totals.net + shipping },
            tax_exclusive: inv.totals.net + shipping,
            tax_inclusive: inv.totals.gross,
            allowance_total: None,
            charge_total: charged.then_some(shipping),
            prepaid: None,
            rounding: None,
            payable: inv.totals.gross,
        },
        lines,
    };
    Ok((peppol::write_invoice(&doc), inv))
}

/// Writes `export_invoice`'s document as `<dir>/<number>.xml` (atomically).
pub fn write_invoice_file(dir: &Path, number: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let path = dir.join(format!("{number}.xml"));
    write_atomic(&path, bytes)?;
    Ok(path)
}
