//! Placeholder demo catalog until the realistic generator lands (branch
//! `search` owns this file; on merge, take that version).

use crate::api::{self, Tier};
use rust_decimal::Decimal;

pub struct GeneratedProduct {
    pub product: api::Product,
    pub family: &'static str,
    pub list_tiers: Vec<Tier>,
    pub vat_rate: Decimal,
}

const FAMILIES: [&str; 5] = ["bearings", "screws", "contactors", "pneumatics", "cable"];

pub fn products(n: usize, seed: u64) -> Vec<GeneratedProduct> {
    (0..n)
        .map(|i| {
            let family = FAMILIES[i % FAMILIES.len()];
            let sku = format!("P{:06}", i as u64 + seed);
            let discontinued = i % 97 == 5 && i + 5 < n;
            let price = Decimal::new(150 + (i as i64 * 37) % 9000, 2);
            let pack = if family == "screws" { 100 } else { 1 };
            GeneratedProduct {
                product: api::Product {
                    sku: sku.clone(),
                    mpn: format!("{}-{i}", family.to_uppercase()),
                    manufacturer: "Demo".into(),
                    gtin: String::new(),
                    name: format!("Demo {family} {i}"),
                    description: String::new(),
                    category: family.into(),
                    unit: "pc".into(),
                    pack_size: pack,
                    min_qty: pack,
                    order_step: pack,
                    stock: (i as u32 * 13) % 200,
                    lead_time_days: 3 + (i as u32 % 10),
                    attributes: vec![],
                    documents: vec![],
                    replaced_by: discontinued.then(|| format!("P{:06}", i as u64 + 5 + seed)),
                    discontinued,
                },
                family,
                list_tiers: vec![
                    Tier {
                        min_qty: 1,
                        unit_price: price,
                    },
                    Tier {
                        min_qty: 10 * pack,
                        unit_price: price * Decimal::new(90, 2),
                    },
                ],
                vat_rate: Decimal::from(19),
            }
        })
        .collect()
}
