//! The demo shop: three companies with their own prices, visibility,
//! addresses and users, over a generated catalog of realistic parts.

use super::company::discounted;
use super::db;
use super::fulfil::{self, Shipping};
use super::invoices;
use super::orders;
use anyhow::Context as _;
use chrono::{Datelike, Duration, Utc};
use procure_generate::{self as generate, GeneratedProduct};
use procure_protocol::api::{Address, Order, OrderStatus, PricedLine, ShippingMethod, SupplierContact, Tier};
use procure_protocol::money;
use procure_protocol::quantity::QuantityRules;
use rusqlite::{Transaction, params};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::Instant;

/// Seed of the demo catalog, so every demo shop has the same parts.
pub const DEMO_CATALOG_SEED: u64 = 42;
pub const DEMO_PASSWORD: &str = "demo";

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct SeedReport {
    /// False when the database had data already and was left alone.
    pub seeded: bool,
    pub companies: usize,
    pub users: usize,
    pub products: usize,
    pub contract_prices: usize,
    pub orders: usize,
    pub elapsed_ms: u128,
}

struct DemoCompany {
    code: &'static str,
    name: &'static str,
    payment_terms: &'static str,
    contract_ref: Option<&'static str>,
    billing: Address,
    ship_to: Vec<Address>,
    shipping_methods: Vec<ShippingMethod>,
    /// Discount in percent on list prices of every family it sees.
    discount: Decimal,
    /// Every n-th visible part has contract tiers at this share of list.
    contract_every: usize,
    contract_factor: Decimal,
    /// (user name, full name, role, order limit)
    users: [(&'static str, &'static str, &'static str, Option<Decimal>); 3],
    credit_limit: Decimal,
    /// The demo supplier's sales contact for this company: (name, e-mail).
    sales_contact: (&'static str, &'static str),
}

/// The demo supplier, as `me` names it to every company.
pub const DEMO_SUPPLIER: &str = "Nordwerk Industriebedarf GmbH";

fn demo_supplier(c: &DemoCompany) -> SupplierContact {
    SupplierContact {
        name: DEMO_SUPPLIER.into(),
        sales_contact: Some(c.sales_contact.0.into()),
        phone: Some("+49 711 555 0100".into()),
        email: Some(c.sales_contact.1.into()),
        support_hours: Some("Mon–Fri 07:00–18:00 CET".into()),
    }
}

fn address(id: &str, label: &str, name: &str, street: &str, postal_code: &str, city: &str, country: &str) -> Address {
    Address {
        id: id.into(),
        label: label.into(),
        name: name.into(),
        street: street.into(),
        postal_code: postal_code.into(),
        city: city.into(),
        country: country.into(),
    }
}

fn method(id: &str, name: &str, cents: i64) -> ShippingMethod {
    ShippingMethod { id: id.into(), name: name.into(), price: Decimal::new(cents, 2) }
}

fn demo_companies() -> Vec<DemoCompany> {
    vec![
        DemoCompany {
            code: "ACME",
            name: "Acme Maschinenbau GmbH",
            payment_terms: "invoice, 30 days end of month",
            contract_ref: Some("RV-2026-0042"),
            billing: address(
                "billing",
                "Accounts payable",
                "Acme Maschinenbau GmbH, Kreditorenbuchhaltung",
                "Industriestraße 12",
                "70565",
                "Stuttgart",
                "DE",
            ),
            ship_to: vec![
                address(
                    "plant-1",
                    "Plant 1 Stuttgart",
                    "Acme Maschinenbau GmbH, Wareneingang Tor 3",
                    "Industriestraße 12",
                    "70565",
                    "Stuttgart",
                    "DE",
                ),
                address(
                    "plant-2",
                    "Plant 2 Esslingen",
                    "Acme Maschinenbau GmbH, Lager Halle B",
                    "Neckarstraße 80",
                    "73728",
                    "Esslingen",
                    "DE",
                ),
            ],
            shipping_methods: vec![
                method("standard", "Parcel, 1-2 working days", 690),
                method("express", "Express, next working day by 10:00", 1950),
                method("freight", "Pallet freight", 8900),
                method("pickup", "Pickup at our warehouse", 0),
            ],
            discount: Decimal::from(12),
            contract_every: 25,
            contract_factor: Decimal::new(80, 2),
            users: [
                ("buyer", "Anna Becker", "buyer", Some(Decimal::from(5000))),
                ("approver", "Jonas Wolf", "approver", Some(Decimal::from(25000))),
                ("admin", "Petra Lang", "admin", None),
            ],
            credit_limit: Decimal::from(100_000),
            sales_contact: ("Jana Hoffmann", "j.hoffmann@nordwerk.example"),
        },
        DemoCompany {
            code: "BOLT",
            name: "Bolt Industrial Ltd",
            payment_terms: "invoice, 14 days net",
            contract_ref: None,
            billing: address(
                "billing",
                "Head office",
                "Bolt Industrial Ltd, Accounts",
                "21 Tyseley Industrial Estate",
                "B11 2AA",
                "Birmingham",
                "GB",
            ),
            ship_to: vec![address(
                "main",
                "Birmingham works",
                "Bolt Industrial Ltd, Goods in",
                "21 Tyseley Industrial Estate",
                "B11 2AA",
                "Birmingham",
                "GB",
            )],
            shipping_methods: vec![
                method("standard", "International parcel, 3-4 working days", 1490),
                method("freight", "Pallet freight", 14500),
            ],
            discount: Decimal::from(5),
            contract_every: 0,
            contract_factor: Decimal::ONE,
            users: [
                ("buyer", "Oliver Hughes", "buyer", Some(Decimal::from(5000))),
                ("approver", "Emma Clarke", "approver", Some(Decimal::from(25000))),
                ("admin", "George Hall", "admin", None),
            ],
            credit_limit: Decimal::from(50_000),
            sales_contact: ("Pieter de Vries", "p.devries@nordwerk.example"),
        },
        DemoCompany {
            code: "CRANE",
            name: "Crane Automation AG",
            payment_terms: "invoice, 60 days net, 2% discount within 10 days",
            contract_ref: Some("FV-CA-2025-17"),
            billing: address(
                "billing",
                "Finance",
                "Crane Automation AG, Kreditoren",
                "Bahnhofstrasse 5",
                "8001",
                "Zürich",
                "CH",
            ),
            ship_to: vec![
                address(
                    "zurich",
                    "Zürich assembly",
                    "Crane Automation AG, Montage",
                    "Hardturmstrasse 120",
                    "8005",
                    "Zürich",
                    "CH",
                ),
                address(
                    "lyon",
                    "Lyon service centre",
                    "Crane Automation SARL",
                    "12 rue de l'Industrie",
                    "69007",
                    "Lyon",
                    "FR",
                ),
                address("graz", "Graz site", "Crane Automation GmbH", "Puchstraße 41", "8020", "Graz", "AT"),
            ],
            shipping_methods: vec![
                method("standard", "Parcel, 2-3 working days", 1200),
                method("express", "Express, next working day", 2900),
            ],
            discount: Decimal::ZERO,
            contract_every: 10,
            contract_factor: Decimal::new(85, 2),
            users: [
                ("buyer", "Lea Meier", "buyer", Some(Decimal::from(5000))),
                ("approver", "Marco Keller", "approver", Some(Decimal::from(25000))),
                ("admin", "Nina Frei", "admin", None),
            ],
            credit_limit: Decimal::from(10_000),
            sales_contact: ("Jana Hoffmann", "j.hoffmann@nordwerk.example"),
        },
    ]
}

/// Which families each company sees, beyond the public one: ACME (the demo
/// buyer) sees all but one, which only BOLT and CRANE see; BOLT and CRANE
/// share the rest alternately. The first family is visible to everyone.
fn visibility(families: &[&'static str]) -> (Vec<&'static str>, HashMap<&'static str, Vec<&'static str>>) {
    let public: Vec<&str> = families.iter().take(1).copied().collect();
    let rest: Vec<&str> = families.iter().skip(1).copied().collect();
    let mut map: HashMap<&str, Vec<&str>> = HashMap::new();
    let hidden_from_acme = if rest.len() >= 2 { rest.last().copied() } else { None };
    for (i, f) in rest.iter().enumerate() {
        if Some(*f) != hidden_from_acme {
            map.entry("ACME").or_default().push(f);
        }
        if i % 2 == 0 || Some(*f) == hidden_from_acme {
            map.entry("BOLT").or_default().push(f);
        }
        if i % 2 == 1 || Some(*f) == hidden_from_acme {
            map.entry("CRANE").or_default().push(f);
        }
    }
    (public, map)
}

fn contract_tiers(list: &[Tier], factor: Decimal) -> Vec<Tier> {
    discounted(list, (Decimal::ONE - factor) * Decimal::ONE_HUNDRED)
}

fn is_empty(tx: &Transaction<'_>) -> rusqlite::Result<bool> {
    tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM companies) AND NOT EXISTS (SELECT 1 FROM products)", [], |r| {
        r.get(0)
    })
}

/// Seeds the demo shop into `db` (created when missing) with `products`
/// generated parts — only when the database is empty.
pub fn seed_demo(db_path: &Path, products: usize) -> anyhow::Result<SeedReport> {
    seed_demo_with(db_path, &SeedOptions { products, order_history: true })
}

#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// How many generated parts.
    pub products: usize,
    /// A few past orders per company, so the order list, reordering and the
    /// ranking by ordered parts have something to show (`seed_demo`: on).
    pub order_history: bool,
}

/// Seeds the demo shop as `seed_demo`, with options.
pub fn seed_demo_with(db_path: &Path, opts: &SeedOptions) -> anyhow::Result<SeedReport> {
    let products = opts.products;
    let started = Instant::now();
    let mut conn = db::open(db_path)?;
    // Hash before taking the write lock: argon2 is slow on purpose.
    let companies = demo_companies();
    let mut hashes = Vec::new();
    for _ in 0..companies.iter().map(|c| c.users.len()).sum::<usize>() {
        hashes.push(super::auth::hash_password(DEMO_PASSWORD)?);
    }
    let generated = generate::products(products, DEMO_CATALOG_SEED);

    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if !is_empty(&tx)? {
        tracing::info!(db = %db_path.display(), "the shop database has data; not seeding");
        return Ok(SeedReport { elapsed_ms: started.elapsed().as_millis(), ..SeedReport::default() });
    }
    let seq = db::next_seq(&tx)?;
    let mut report = SeedReport { seeded: true, ..SeedReport::default() };

    let families: Vec<&'static str> = generated.iter().map(|g| g.family).collect::<BTreeSet<_>>().into_iter().collect();
    let (public, seen_by) = visibility(&families);
    for f in &families {
        tx.execute("INSERT INTO families (name, public) VALUES (?1, ?2)", params![f, public.contains(f)])?;
    }

    // Products.
    let mut ids: Vec<i64> = Vec::with_capacity(generated.len());
    {
        let mut insert = tx.prepare(
            "INSERT INTO products (sku, family, data, list_tiers, vat_rate, seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (sku) DO NOTHING",
        )?;
        for g in &generated {
            let n = insert.execute(params![
                g.product.sku,
                g.family,
                serde_json::to_string(&g.product)?,
                serde_json::to_string(&g.list_tiers)?,
                g.vat_rate.to_string(),
                seq
            ])?;
            ids.push(if n == 1 { tx.last_insert_rowid() } else { 0 });
        }
    }
    report.products = ids.iter().filter(|id| **id != 0).count();

    let today = Utc::now().date_naive();
    let valid_from = today.with_ordinal(1).unwrap_or(today);
    let mut hashes = hashes.into_iter();
    for c in &companies {
        tx.execute(
            "INSERT INTO companies (code, name, currency, payment_terms, billing_address, ship_to,
                shipping_methods, contract_ref, valid_from, valid_to, visibility_seq, pricing_seq)
             VALUES (?1, ?2, 'EUR', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            params![
                c.code,
                c.name,
                c.payment_terms,
                serde_json::to_string(&c.billing)?,
                serde_json::to_string(&c.ship_to)?,
                serde_json::to_string(&c.shipping_methods)?,
                c.contract_ref,
                valid_from.to_string(),
                c.contract_ref.map(|_| (valid_from + Duration::days(730)).to_string()),
                seq
            ],
        )?;
        let company_id = tx.last_insert_rowid();
        report.companies += 1;
        let own: Vec<&str> = seen_by.get(c.code).cloned().unwrap_or_default();
        for f in &own {
            tx.execute("INSERT INTO company_families (company_id, family) VALUES (?1, ?2)", params![company_id, f])?;
        }
        let visible: Vec<&str> = public.iter().chain(own.iter()).copied().collect();
        if !c.discount.is_zero() {
            for f in &visible {
                tx.execute(
                    "INSERT INTO discounts (company_id, family, percent) VALUES (?1, ?2, ?3)",
                    params![company_id, f, c.discount.to_string()],
                )?;
            }
        }
        let mut buyer_id = 0;
        tx.execute(
            "INSERT OR REPLACE INTO company_credit (company_id, credit_limit) VALUES (?1, ?2)",
            params![company_id, c.credit_limit.to_string()],
        )?;
        super::company::set_supplier(&tx, company_id, Some(&demo_supplier(c))).map_err(|e| anyhow::anyhow!("{e}"))?;
        for (username, name, role, limit) in &c.users {
            let hash = hashes.next().context("one password hash per demo user")?;
            tx.execute(
                "INSERT INTO users (company_id, username, name, role, order_limit, password_hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![company_id, username, name, role, limit.map(|l| l.to_string()), hash],
            )?;
            if *role == "buyer" {
                buyer_id = tx.last_insert_rowid();
            }
            report.users += 1;
        }

        // Contract tiers and this company's prices of what it sees.
        let mut prices: HashMap<usize, Vec<Tier>> = HashMap::new();
        let mut nth = 0usize;
        {
            let mut insert =
                tx.prepare("INSERT INTO contract_prices (company_id, product_id, tiers, seq) VALUES (?1, ?2, ?3, ?4)")?;
            for (i, g) in generated.iter().enumerate() {
                if ids[i] == 0 || !visible.contains(&g.family) {
                    continue;
                }
                nth += 1;
                let tiers = if c.contract_every > 0 && nth.is_multiple_of(c.contract_every) {
                    let tiers = contract_tiers(&g.list_tiers, c.contract_factor);
                    insert.execute(params![company_id, ids[i], serde_json::to_string(&tiers)?, seq])?;
                    report.contract_prices += 1;
                    tiers
                } else {
                    discounted(&g.list_tiers, c.discount)
                };
                prices.insert(i, tiers);
            }
        }
        if opts.order_history {
            report.orders += past_orders(&tx, company_id, buyer_id, c, &generated, &prices)?;
        }
    }
    tx.commit()?;
    report.elapsed_ms = started.elapsed().as_millis();
    tracing::info!(?report, "demo shop seeded");
    Ok(report)
}

/// How many days ago each of a company's past orders was placed.
const PAST_ORDER_DAYS: [i64; 4] = [95, 70, 45, 6];

/// A few delivered orders, so ordered-skus and the order list have history,
/// each confirmed, shipped and invoiced through the shop's own rules
/// (`fulfil`, `invoices`) on the days it happened:
///
/// - the oldest: one shipment, its invoice unpaid and overdue;
/// - the second: two shipments, two invoices, both paid, and a credit note
///   for one damaged unit, open (the buyer may offset it);
/// - the third: one shipment with an inspection certificate, its invoice
///   paid within a week (with the early-payment discount where the terms
///   give one);
/// - the newest, six days old: one shipment, its invoice open and not due.
fn past_orders(
    tx: &Transaction<'_>,
    company_id: i64,
    buyer_id: i64,
    c: &DemoCompany,
    generated: &[GeneratedProduct],
    prices: &HashMap<usize, Vec<Tier>>,
) -> anyhow::Result<usize> {
    let mut candidates: Vec<usize> = prices.keys().copied().filter(|i| !generated[*i].product.discontinued).collect();
    candidates.sort_unstable();
    if candidates.is_empty() {
        return Ok(0);
    }
    // A small set of regular parts, spread over the catalog, reordered
    // across the orders as buyers do.
    let stride = (candidates.len() / 6).max(1);
    let regulars: Vec<usize> = (0..6).map(|r| candidates[(r * stride + c.code.len()) % candidates.len()]).collect();
    let now = Utc::now();
    let rule = |e: super::error::ShopError| anyhow::anyhow!("seeding the order history: {e}");
    let mut placed = 0;
    for (k, days) in PAST_ORDER_DAYS.iter().enumerate() {
        let mut lines = Vec::new();
        for j in 0..3usize {
            let i = regulars[(k + j * 2) % regulars.len()];
            let p = &generated[i].product;
            let rules = QuantityRules::of(p, &prices[&i]);
            let qty = rules.next_valid(rules.smallest() * (1 + (j as u32 % 2)));
            let Some(tier) = money::tier_for(&prices[&i], qty) else {
                continue;
            };
            if lines.iter().any(|l: &PricedLine| l.sku == p.sku) {
                continue;
            }
            lines.push(PricedLine {
                sku: p.sku.clone(),
                name: p.name.clone(),
                quantity: qty,
                unit_price: tier.unit_price,
                base_quantity: tier.base_quantity,
                line_total: tier.checked_line_total(qty).unwrap_or(Decimal::MAX),
                vat_rate: generated[i].vat_rate,
                note: None,
                promised_delivery: None,
                shipped: 0,
                invoiced: 0,
            });
        }
        let shipping = c.shipping_methods[0].clone();
        let totals = money::totals("EUR", lines.iter().map(|l| (l.line_total, l.vat_rate)), shipping.price);
        let created_at = now - Duration::days(*days);
        let mut order = Order {
            number: String::new(),
            status: OrderStatus::Placed,
            created_at,
            placed_by: c.users[0].0.to_string(),
            po_number: format!("{}-PO-{}", c.code, 4711 + k),
            lines,
            totals,
            ship_to: c.ship_to[0].clone(),
            requested_delivery_date: None,
            ship_complete: false,
            payment_terms: c.payment_terms.to_string(),
            shipping_method: shipping,
            comment: None,
            approval: None,
            quote_number: None,
            events: vec![],
            earliest_delivery: None,
            confirmed_at: None,
            shipments: vec![],
        };
        let stock: Vec<(u32, u32, u32)> = order
            .lines
            .iter()
            .map(|l| {
                let p = generated.iter().find(|g| g.product.sku == l.sku).map(|g| &g.product);
                (p.map_or(0, |p| p.stock), l.quantity, p.map_or(0, |p| p.lead_time_days))
            })
            .collect();
        order.earliest_delivery = Some(orders::earliest_delivery(created_at.date_naive(), &stock));
        let id = orders::insert_order(tx, company_id, buyer_id, &mut order)?;
        let number = order.number.clone();
        let at = |hours: i64| created_at + Duration::hours(hours);
        fulfil::confirm_in(tx, &number, &[], at(2)).map_err(rule)?;
        let carrier = |n: usize| Shipping {
            carrier: Some("DHL Freight".into()),
            tracking: Some(format!("JJD{:010}", created_at.timestamp() % 10_000_000 * 10 + n as i64)),
            ..Shipping::default()
        };
        let no_prices = BTreeMap::new();
        match k {
            1 => {
                // Two shipments: the last line follows two days later.
                let first: Vec<(String, u32)> =
                    order.lines.iter().rev().skip(1).map(|l| (l.sku.clone(), l.quantity)).collect();
                fulfil::ship_in(tx, &number, Shipping { lines: first, ..carrier(1) }, at(24)).map_err(rule)?;
                let inv1 = invoices::issue_in(tx, &number, &no_prices, at(25)).map_err(rule)?;
                if order.lines.len() > 1 {
                    fulfil::ship_in(tx, &number, carrier(2), at(72)).map_err(rule)?;
                    let inv2 = invoices::issue_in(tx, &number, &no_prices, at(73)).map_err(rule)?;
                    invoices::pay_in(
                        tx,
                        &inv2.number,
                        None,
                        Some("bank transfer"),
                        (at(73) + Duration::days(20)).date_naive(),
                    )
                    .map_err(rule)?;
                }
                invoices::pay_in(
                    tx,
                    &inv1.number,
                    None,
                    Some("bank transfer"),
                    (at(25) + Duration::days(20)).date_naive(),
                )
                .map_err(rule)?;
                let damaged = vec![(inv1.lines[0].sku.clone(), 1)];
                invoices::credit_in(tx, &inv1.number, &damaged, Some("1 damaged in transit"), at(24 * 10))
                    .map_err(rule)?;
            }
            _ => {
                let mut shipping = carrier(1);
                if k == 2
                    && let Some(l) = order.lines.first()
                {
                    shipping.documents.push(fulfil::NewDocument {
                        sku: l.sku.clone(),
                        file_name: format!("inspection-certificate-3.1-{}.txt", l.sku),
                        content: format!(
                            "Inspection certificate EN 10204 3.1\nSupplier: {DEMO_SUPPLIER}\nOrder: {number}\n\
                             Part: {} {}\nQuantity: {}\nBatch: {}-{}\nResult: conforms to the order\n",
                            l.sku,
                            l.name,
                            l.quantity,
                            c.code,
                            created_at.format("%Y%m%d")
                        )
                        .into_bytes(),
                    });
                }
                fulfil::ship_in(tx, &number, shipping, at(24)).map_err(rule)?;
                let inv = invoices::issue_in(tx, &number, &no_prices, at(25)).map_err(rule)?;
                if k == 2 {
                    invoices::pay_in(
                        tx,
                        &inv.number,
                        None,
                        Some("bank transfer"),
                        (at(25) + Duration::days(7)).date_naive(),
                    )
                    .map_err(rule)?;
                }
            }
        }
        // Delivered since: the history shows it so.
        let mut done = orders::get(tx, company_id, &number).map_err(rule)?;
        done.status = OrderStatus::Delivered;
        orders::save(tx, id, &done, db::next_seq(tx)?).map_err(rule)?;
        placed += 1;
    }
    Ok(placed)
}

/// What `fill_history` made.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct HistoryReport {
    pub orders: usize,
    /// Invoices and credit notes.
    pub invoices: usize,
    pub elapsed_ms: u128,
}

/// Gives a company of a seeded shop a long order history, for benchmarks
/// (the changes endpoints, a client's local history): `orders` orders of
/// two lines each, one an hour up to now, each confirmed, shipped and
/// documented twice through the shop's own rules — two invoices, or an
/// invoice and a credit note — so the company has about twice as many
/// invoices as orders. Of every ten orders: seven shipped and invoiced in
/// two parts, paid unless recent; one with its second invoice unpaid
/// (overdue once old enough); one whose second line is promised ten days
/// after the requested date and half of it backordered; one shipped and
/// invoiced at once and credited for a unit. The unpaid invoices make the
/// company's open balance large: beyond a demo credit limit, so the
/// company places no new order unless its limit is raised.
pub fn fill_history(db_path: &Path, company: &str, orders: usize) -> anyhow::Result<HistoryReport> {
    let started = Instant::now();
    let mut conn = db::open(db_path)?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let rule = |e: super::error::ShopError| anyhow::anyhow!("filling the history: {e}");
    let (company_id, buyer_id): (i64, i64) = tx
        .query_row(
            "SELECT c.id, (SELECT u.id FROM users u WHERE u.company_id = c.id ORDER BY (u.role = 'admin') DESC, u.id LIMIT 1)
             FROM companies c WHERE c.code = ?1",
            [company],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .with_context(|| format!("no company {company:?} with a user in this shop"))?;
    let record = super::company::load(&tx, company_id).map_err(rule)?;
    let discounts = super::company::discounts(&tx, company_id).map_err(rule)?;
    // Parts the company can order at a price, in packs of one.
    let mut parts = Vec::new();
    {
        let mut stmt = tx.prepare(&format!(
            "SELECT p.sku FROM products p WHERE p.deleted = 0 AND {} ORDER BY p.id LIMIT 400",
            db::VISIBLE
        ))?;
        let skus: Vec<String> = stmt
            .query_map(rusqlite::named_params! {":company": company_id}, |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for sku in skus {
            let Some(v) = super::company::visible_product(&tx, company_id, &sku, &discounts).map_err(rule)? else {
                continue;
            };
            let rules = QuantityRules::of(&v.product, &v.tiers);
            if v.product.discontinued || rules.smallest() != 1 || !rules.is_valid(4) {
                continue;
            }
            if let Some(unit) = money::unit_price_for(&v.tiers, 4) {
                parts.push((v.product, unit, v.vat_rate));
            }
        }
    }
    anyhow::ensure!(parts.len() >= 2, "{company} can order too few parts for a history");
    let c = &record.company;
    let shipping = c.shipping_methods.first().cloned().context("the company has no shipping method")?;
    let ship_to = c.ship_to.first().cloned().context("the company has no ship-to address")?;
    let user = super::company::user(&tx, buyer_id).map_err(rule)?;
    let now = Utc::now();
    let no_prices = BTreeMap::new();
    let mut report = HistoryReport::default();
    for i in 0..orders {
        let created_at = now - Duration::hours((orders - i) as i64 + 48);
        let at = |hours: i64| created_at + Duration::hours(hours);
        // Two different parts, spread over those there are.
        let n = parts.len();
        let (a, b) = (&parts[i % n], &parts[(i % n + 1 + (i * 7) % (n - 1)) % n]);
        let lines: Vec<PricedLine> = [a, b]
            .iter()
            .map(|(p, unit, vat)| PricedLine {
                sku: p.sku.clone(),
                name: p.name.clone(),
                quantity: 4,
                unit_price: *unit,
                line_total: money::line_total(*unit, 4),
                vat_rate: *vat,
                base_quantity: rust_decimal::Decimal::ONE,
                note: None,
                promised_delivery: None,
                shipped: 0,
                invoiced: 0,
            })
            .collect();
        let totals = money::totals(&c.currency, lines.iter().map(|l| (l.line_total, l.vat_rate)), shipping.price);
        let requested = at(24 * 14).date_naive();
        let mut order = Order {
            number: String::new(),
            status: OrderStatus::Placed,
            created_at,
            placed_by: user.username.clone(),
            po_number: format!("H-{}", i + 1),
            lines,
            totals,
            ship_to: ship_to.clone(),
            requested_delivery_date: Some(requested),
            ship_complete: false,
            payment_terms: c.payment_terms.clone(),
            shipping_method: shipping.clone(),
            comment: None,
            approval: None,
            quote_number: None,
            events: vec![],
            earliest_delivery: Some(requested - Duration::days(7)),
            confirmed_at: None,
            shipments: vec![],
        };
        orders::insert_order(&tx, company_id, buyer_id, &mut order)?;
        let number = order.number.clone();
        let (first, second) = (order.lines[0].sku.clone(), order.lines[1].sku.clone());
        let kind = i % 10;
        let promises = if kind == 8 { vec![(second.clone(), requested + Duration::days(10))] } else { vec![] };
        fulfil::confirm_in(&tx, &number, &promises, at(1)).map_err(rule)?;
        let ship = |lines: Vec<(String, u32)>| Shipping { lines, ..Shipping::default() };
        // Everything at once for the order that is credited, else the first line first.
        let first_shipment = if kind == 9 { vec![] } else { vec![(first.clone(), 4)] };
        fulfil::ship_in(&tx, &number, ship(first_shipment), at(24)).map_err(rule)?;
        let inv1 = invoices::issue_in(&tx, &number, &no_prices, at(25)).map_err(rule)?;
        report.invoices += 1;
        let second_qty = if kind == 8 { 2 } else { 4 };
        if kind == 9 {
            let cn = vec![(first.clone(), 1)];
            invoices::credit_in(&tx, &inv1.number, &cn, Some("1 damaged"), at(30)).map_err(rule)?;
            report.invoices += 1;
        } else {
            fulfil::ship_in(&tx, &number, ship(vec![(second.clone(), second_qty)]), at(48)).map_err(rule)?;
            let inv2 = invoices::issue_in(&tx, &number, &no_prices, at(49)).map_err(rule)?;
            report.invoices += 1;
            let paid_on = (at(49) + Duration::days(20)).date_naive();
            if kind != 7 && kind != 8 && paid_on <= now.date_naive() {
                invoices::pay_in(&tx, &inv2.number, None, None, paid_on).map_err(rule)?;
            }
        }
        let paid_on = (at(25) + Duration::days(20)).date_naive();
        if paid_on <= now.date_naive() {
            invoices::pay_in(&tx, &inv1.number, None, None, paid_on).map_err(rule)?;
        }
        report.orders += 1;
    }
    tx.commit()?;
    report.elapsed_ms = started.elapsed().as_millis();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_company_sees_the_public_family_and_acme_misses_one() {
        let fams = ["a", "b", "c", "d", "e"];
        let (public, seen) = visibility(&fams);
        assert_eq!(public, vec!["a"]);
        assert_eq!(seen["ACME"], vec!["b", "c", "d"]);
        assert!(seen["BOLT"].contains(&"e") && seen["CRANE"].contains(&"e"));
        for f in &fams[1..] {
            assert!(seen.values().any(|v| v.contains(f)), "{f} seen by someone");
        }
    }
}
