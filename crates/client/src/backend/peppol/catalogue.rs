//! The supplier's T19 catalogue document(s) as procure's catalog and price list.

use super::super::{BackendError, Result};
use crate::api::{Address, Attribute, Company, Document, DocumentKind, PriceEntry, Product, Tier};
use chrono::NaiveDate;
use procure_protocol::peppol::{self, Catalogue, CatalogueLine, Party};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One orderable part of the catalogue, with what an order document needs.
#[derive(Debug, Clone)]
pub struct Part {
    pub product: Product,
    pub prices: PriceEntry,
    /// `cbc:ID` of the VAT category (S, Z, E, AE …).
    pub vat_category: String,
    pub gtin: Option<peppol::Id>,
}

/// Everything the catalogue documents say, merged.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub parts: BTreeMap<String, Part>,
    pub seller: Party,
    pub currency: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub contract_ref: Option<String>,
    pub trading_terms: Option<String>,
}

fn xml_files(path: &Path) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(path).map_err(|e| {
        BackendError::Misconfigured(format!(
            "the catalogue {} cannot be read: {e} (`catalogue` in config.toml)",
            path.display()
        ))
    })?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| BackendError::LocalState(format!("{}: {e}", path.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml")))
        .filter(|p| !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    files.sort();
    Ok(files)
}

/// What the catalogue was read from: each file with its size and change
/// time, and the day (prices depend on it).
pub type Fingerprint = (Vec<(PathBuf, u64, Option<std::time::SystemTime>)>, NaiveDate);

pub fn fingerprint(path: &Path, today: NaiveDate) -> Result<Fingerprint> {
    let files = xml_files(path)?
        .into_iter()
        .map(|f| {
            let m = std::fs::metadata(&f).ok();
            let len = m.as_ref().map(|m| m.len()).unwrap_or(0);
            let modified = m.and_then(|m| m.modified().ok());
            (f, len, modified)
        })
        .collect();
    Ok((files, today))
}

/// Reads the catalogue file, or every `*.xml` of the folder. Documents apply
/// in the order of their issue date: `Add`/`Replace` set the catalogue of a
/// provider for a receiver, `Update` changes its lines (line action `Delete` removes one),
/// `Delete` drops it. A file that is not a readable T19 fails the whole read.
pub fn load(path: &Path, today: NaiveDate) -> Result<Loaded> {
    let mut docs = Vec::new();
    for file in xml_files(path)? {
        let bytes = std::fs::read(&file).map_err(|e| BackendError::LocalState(format!("{}: {e}", file.display())))?;
        let doc = match peppol::read(&bytes) {
            Ok(peppol::Document::Catalogue(c)) => c,
            Ok(_) => {
                return Err(BackendError::LocalState(format!("{}: not a catalogue document (T19)", file.display())));
            }
            Err(e) => return Err(BackendError::LocalState(format!("{}: {e}", file.display()))),
        };
        docs.push((file, doc));
    }
    docs.sort_by(|(fa, a), (fb, b)| (a.issue_date, &a.version, fa).cmp(&(b.issue_date, &b.version, fb)));
    let mut catalogues: BTreeMap<String, Catalogue> = BTreeMap::new();
    for (_, doc) in docs {
        let key = catalogue_key(&doc);
        match doc.action.to_ascii_lowercase().as_str() {
            "delete" => {
                catalogues.remove(&key);
            }
            "update" if catalogues.contains_key(&key) => {
                let Some(cat) = catalogues.get_mut(&key) else { continue };
                for line in doc.lines.iter() {
                    cat.lines.retain(|l| !same_item(l, line));
                    if !line.action.eq_ignore_ascii_case("delete") {
                        cat.lines.push(line.clone());
                    }
                }
                let lines = std::mem::take(&mut cat.lines);
                *cat = Catalogue { lines, ..doc };
            }
            _ => {
                let mut doc = doc;
                doc.lines.retain(|l| !l.action.eq_ignore_ascii_case("delete"));
                catalogues.insert(key, doc);
            }
        }
    }
    let mut out = Loaded::default();
    for cat in catalogues.values() {
        let seller = if cat.seller.endpoint.is_some() || cat.seller.display_name() != "" {
            let mut s = cat.seller.clone();
            if s.endpoint.is_none() {
                s.endpoint = cat.provider.endpoint.clone();
            }
            if s.address.is_none() {
                s.address = cat.provider.address.clone();
            }
            s
        } else {
            cat.provider.clone()
        };
        if out.seller == Party::default() {
            out.seller = seller;
            out.valid_from = cat.valid_from.or(cat.issue_date);
            out.valid_to = cat.valid_to;
            out.contract_ref = cat.contract_ref.clone();
            out.trading_terms = cat.trading_terms.clone();
        }
        for line in &cat.lines {
            let part = part(line, today);
            if out.currency.is_empty() {
                out.currency =
                    line.prices.iter().map(|p| p.currency.clone()).find(|c| !c.is_empty()).unwrap_or_default();
            }
            out.parts.insert(part.product.sku.clone(), part);
        }
    }
    if out.currency.is_empty() {
        out.currency = "EUR".into();
    }
    cleaned(out)
}

/// A value from a supplier's document with every string cleaned, as the
/// JSON backends' answers are at decoding (`core::sanitize`); a text that
/// cannot be cleaned is an error, never kept as it came.
pub fn untrusted<T: serde::Serialize + serde::de::DeserializeOwned>(v: &T) -> std::result::Result<T, String> {
    crate::core::sanitize::clean_all(v).map_err(|e| format!("it holds text procure cannot clean ({e})"))
}

/// Everything a catalogue says, before it reaches the cache or a document.
fn cleaned(mut l: Loaded) -> Result<Loaded> {
    use crate::core::sanitize::clean;
    let refused = |sku: &str, why: String| BackendError::LocalState(format!("the catalogue's part {sku:?}: {why}"));
    let parts = std::mem::take(&mut l.parts);
    l.parts = parts
        .into_values()
        .map(|p| {
            let sku = clean(&p.product.sku);
            let part = Part {
                product: untrusted(&p.product).map_err(|why| refused(&sku, why))?,
                prices: untrusted(&p.prices).map_err(|why| refused(&sku, why))?,
                vat_category: clean(&p.vat_category),
                gtin: p.gtin.as_ref().map(untrusted).transpose().map_err(|why| refused(&sku, why))?,
            };
            Ok((part.product.sku.clone(), part))
        })
        .collect::<Result<_>>()?;
    l.seller =
        untrusted(&l.seller).map_err(|why| BackendError::LocalState(format!("the catalogue's seller: {why}")))?;
    l.currency = clean(&l.currency);
    l.contract_ref = l.contract_ref.map(|c| clean(&c));
    l.trading_terms = l.trading_terms.map(|t| clean(&t));
    Ok(l)
}

/// A catalogue is the provider's for one receiver: its versions (each a
/// document with its own id) update, replace or delete it.
fn catalogue_key(c: &Catalogue) -> String {
    let who = |p: &Party| p.endpoint.as_ref().map(|e| e.to_string()).unwrap_or_else(|| p.display_name().to_string());
    format!("{} → {}", who(&c.provider), who(&c.receiver))
}

/// Two lines name the same item: by the seller's item id, else (as a
/// deletion may) by the standard item id (GTIN).
fn same_item(a: &CatalogueLine, b: &CatalogueLine) -> bool {
    let (x, y) = (&a.item, &b.item);
    if !x.seller_id.is_empty() && !y.seller_id.is_empty() {
        return x.seller_id == y.seller_id;
    }
    match (&x.standard_id, &y.standard_id) {
        (Some(g), Some(h)) => g.id == h.id,
        _ => false,
    }
}

fn whole(d: Option<Decimal>) -> Option<u32> {
    d.and_then(|d| d.ceil().to_u32()).filter(|&n| n > 0)
}

fn part(line: &CatalogueLine, today: NaiveDate) -> Part {
    let item = &line.item;
    let sku = if item.seller_id.is_empty() { line.id.clone() } else { item.seller_id.clone() };
    let line_valid = line.valid_from.is_none_or(|f| f <= today) && line.valid_to.is_none_or(|t| today <= t);
    let mut tiers: Vec<Tier> = line
        .prices
        .iter()
        .filter(|p| !p.base_qty.is_zero() && p.valid_on(today) && line_valid)
        .map(|p| Tier { min_qty: whole(p.min_qty).unwrap_or(1), unit_price: p.unit_price() })
        .collect();
    tiers.sort_by_key(|t| t.min_qty);
    tiers.dedup_by_key(|t| t.min_qty);
    let mut min_qty = whole(line.min_qty).unwrap_or(1);
    if let Some(first) = tiers.first_mut()
        && first.min_qty > 1
    {
        // No price below the first tier: that is the smallest order.
        min_qty = min_qty.max(first.min_qty);
        first.min_qty = 1;
    }
    let mut attributes = Vec::new();
    let mut attr = |name: &str, value: String| {
        if !value.is_empty() {
            attributes.push(Attribute { name: name.into(), value });
        }
    };
    if let Some(p) = item.pack_size {
        attr("pack size", peppol::num(p));
    }
    if let Some(m) = line.max_qty {
        attr("maximum order quantity", peppol::num(m));
    }
    if !item.vat_category.is_empty() {
        attr("VAT category", item.vat_category.clone());
    }
    if let Some(t) = line.valid_to {
        attr("line valid until", t.to_string());
    }
    if !item.brand.is_empty() {
        attr("brand", item.brand.clone());
    }
    for c in &item.classifications {
        attr(format!("classification {}", c.list).trim(), c.code.clone());
    }
    for (k, v) in &item.properties {
        attr(k, v.clone());
    }
    let documents = item
        .documents
        .iter()
        .map(|d| Document {
            kind: DocumentKind::Datasheet,
            title: [&d.description, &d.filename, &d.id]
                .into_iter()
                .find(|s| !s.is_empty())
                .cloned()
                .unwrap_or_default(),
            url: d.uri.clone(),
        })
        .collect();
    let category = item
        .classifications
        .first()
        .map(|c| if c.name.is_empty() { c.code.clone() } else { format!("{} ({})", c.name, c.code) })
        .unwrap_or_default();
    let product = Product {
        sku: sku.clone(),
        mpn: item.manufacturer_id.clone(),
        manufacturer: if item.manufacturer.is_empty() { item.brand.clone() } else { item.manufacturer.clone() },
        gtin: item.standard_id.as_ref().map(|g| g.id.clone()).unwrap_or_default(),
        name: if item.name.is_empty() { sku.clone() } else { item.name.clone() },
        description: item.description.clone(),
        category,
        unit: if line.unit.is_empty() { "C62".into() } else { line.unit.clone() },
        pack_size: 1,
        min_qty,
        order_step: whole(line.step).unwrap_or(1),
        stock: 0,
        lead_time_days: line.prices.iter().find_map(|p| p.lead_time_days).unwrap_or(0),
        attributes,
        documents,
        replaced_by: None,
        discontinued: !line.orderable,
    };
    Part {
        prices: PriceEntry { sku, tiers, vat_rate: item.vat_percent.unwrap_or_default() },
        product,
        vat_category: if item.vat_category.is_empty() { "S".into() } else { item.vat_category.clone() },
        gtin: item.standard_id.clone(),
    }
}

pub fn address(id: &str, label: &str, name: &str, a: &peppol::PostalAddress) -> Address {
    let street = if a.additional_street.is_empty() {
        a.street.clone()
    } else {
        format!("{}, {}", a.street, a.additional_street)
    };
    Address {
        id: id.into(),
        label: label.into(),
        name: name.into(),
        street,
        postal_code: a.postal_code.clone(),
        city: a.city.clone(),
        country: a.country.clone(),
    }
}

/// The seller from the catalogue, for the account screen: name, Peppol
/// endpoint, postal address and contact.
pub fn supplier(loaded: &Loaded) -> crate::api::SupplierContact {
    let s = &loaded.seller;
    let c = s.contact.clone().unwrap_or_default();
    let some = |v: String| Some(v).filter(|v| !v.is_empty());
    let mut name = s.display_name().to_string();
    if let Some(e) = &s.endpoint {
        name.push_str(&format!(" (Peppol {e})"));
    }
    if let Some(a) = &s.address {
        let a = address("", "", "", a);
        let parts: Vec<String> = [a.street, format!("{} {}", a.postal_code, a.city).trim().to_string(), a.country]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect();
        if !parts.is_empty() {
            name.push_str(&format!(", {}", parts.join(", ")));
        }
    }
    crate::api::SupplierContact {
        name,
        sales_contact: some(c.name),
        phone: some(c.phone),
        email: some(c.email),
        support_hours: None,
    }
}

/// The buyer's own company as the account: its endpoint and name, its
/// postal address for billing, the delivery address as the one ship-to, the
/// supplier's trading terms as payment terms.
pub fn company(loaded: &Loaded, buyer: &Party, ship_to: Address) -> Company {
    Company {
        code: buyer.endpoint.as_ref().map(|e| e.to_string()).unwrap_or_default(),
        name: buyer.display_name().to_string(),
        currency: loaded.currency.clone(),
        payment_terms: loaded.trading_terms.clone().unwrap_or_default(),
        billing_address: address(
            "billing",
            "postal address",
            buyer.display_name(),
            &buyer.address.clone().unwrap_or_default(),
        ),
        ship_to: vec![ship_to],
        shipping_methods: vec![crate::api::ShippingMethod {
            id: super::SHIPPING_ID.into(),
            name: "as agreed with the supplier".into(),
            price: Decimal::ZERO,
        }],
        terms: loaded.trading_terms.as_deref().and_then(procure_protocol::terms::PaymentTerms::parse),
    }
}
