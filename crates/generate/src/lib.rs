//! Demo catalog generator: industrial parts with realistic type numbers,
//! list prices, quantity rules and documents.
//!
//! Deterministic for a seed, so the reference shop's demo seed, tests and the
//! search benchmark all see the same catalog. Every product is derived from
//! `(seed, index)` alone, which lets large catalogs be generated on all cores
//! without changing the result.

use procure_protocol::api::{Attribute, Document, DocumentKind, Product, Tier};
use rust_decimal::Decimal;

/// One generated part with its list price tiers.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedProduct {
    pub product: Product,
    /// Product family, e.g. "bearings", "fasteners", "contactors".
    pub family: &'static str,
    /// List price: tier 1 first, then cheaper volume tiers.
    pub list_tiers: Vec<Tier>,
    pub vat_rate: Decimal,
}

/// `n` products for `seed`: unique skus, ~1% discontinued with a successor
/// that is itself in the set.
pub fn products(n: usize, seed: u64) -> Vec<GeneratedProduct> {
    let threads = std::thread::available_parallelism().map(|t| t.get()).unwrap_or(1).min(8);
    let mut items: Vec<GeneratedProduct> = if n < 20_000 || threads < 2 {
        (0..n).map(|i| one(i, seed)).collect()
    } else {
        let chunk = n.div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let start = (t * chunk).min(n);
                    let end = (start + chunk).min(n);
                    s.spawn(move || (start..end).map(|i| one(i, seed)).collect::<Vec<_>>())
                })
                .collect();
            let mut all = Vec::with_capacity(n);
            for h in handles {
                match h.join() {
                    Ok(part) => all.extend(part),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            all
        })
    };
    link_successors(&mut items, seed);
    items
}

/// Whether `gtin` is 13 digits with a correct GS1 check digit.
pub fn is_valid_gtin13(gtin: &str) -> bool {
    let b = gtin.as_bytes();
    b.len() == 13 && b.iter().all(u8::is_ascii_digit) && gtin_check_digit(&b[..12]) == b[12] - b'0'
}

fn gtin_check_digit(body: &[u8]) -> u8 {
    // Weights 3,1,3,… from the rightmost body digit.
    let sum: u32 =
        body.iter().rev().enumerate().map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 3 } else { 1 }).sum();
    ((10 - sum % 10) % 10) as u8
}

/// SplitMix64: tiny, fast and good enough for demo data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        let mut r = Rng(seed);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (((self.next() >> 32) * n as u64) >> 32) as usize
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    /// True with probability `percent`/100.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn mix(seed: u64, i: u64, stream: u64) -> u64 {
    Rng::new(seed ^ stream.wrapping_mul(0xD6E8_FEB8_6659_FD93) ^ i.wrapping_mul(0xA076_1D64_78BD_642F)).next()
}

/// What a family generator decides; the common fields are filled in `one`.
struct Part {
    family: &'static str,
    mpn: String,
    manufacturer: &'static str,
    name: String,
    description: String,
    category: &'static str,
    unit: &'static str,
    pack_size: u32,
    min_qty: u32,
    order_step: u32,
    attributes: Vec<Attribute>,
    /// Net list price per unit, before rounding.
    price: f64,
    /// Decimals of the unit price: 2, or 4 for cheap parts.
    price_scale: u32,
    /// Candidate volume tier breaks, ascending.
    tier_breaks: [u32; 3],
    certificates: &'static [&'static str],
    /// Chance in percent of a manual.
    manual_percent: usize,
}

impl Part {
    fn new(family: &'static str, category: &'static str, manufacturer: &'static str) -> Self {
        Part {
            family,
            mpn: String::new(),
            manufacturer,
            name: String::new(),
            description: String::new(),
            category,
            unit: "pc",
            pack_size: 1,
            min_qty: 1,
            order_step: 1,
            attributes: Vec::new(),
            price: 1.0,
            price_scale: 2,
            tier_breaks: [10, 50, 250],
            certificates: &[],
            manual_percent: 0,
        }
    }
    fn attr(&mut self, name: &str, value: impl Into<String>) {
        self.attributes.push(Attribute { name: name.to_string(), value: value.into() });
    }
    /// Sold in packs: min quantity one pack, steps of one pack.
    fn packs_of(&mut self, pack: u32) {
        self.pack_size = pack;
        self.min_qty = pack;
        self.order_step = pack;
        self.tier_breaks = [pack * 5, pack * 20, pack * 100];
    }
}

fn one(i: usize, seed: u64) -> GeneratedProduct {
    let mut rng = Rng::new(mix(seed, i as u64, 1));
    let roll = rng.below(100);
    let part = match roll {
        0..=21 => bearing(&mut rng),
        22..=49 => fastener(&mut rng),
        50..=57 => contactor(&mut rng),
        58..=61 => relay(&mut rng),
        62..=70 => fitting(&mut rng),
        71..=72 => tubing(&mut rng),
        73..=80 => cable(&mut rng),
        81..=87 => sensor(&mut rng),
        88..=92 => fuse(&mut rng),
        93 => terminal_block(&mut rng),
        _ => o_ring(&mut rng),
    };

    // Article numbers grow with the index, with small gaps: unique by
    // construction (each index owns three numbers).
    let sku = format!("P-{}", 100_000 + i * 3 + rng.below(3));
    let gtin = gtin_for(i as u64, seed);

    let stock = if rng.chance(15) {
        0
    } else {
        let units = match part.unit {
            "m" => 10 + rng.below(2_000) as u32,
            _ => 1 + rng.below(if part.pack_size > 1 { 60 } else { 400 }) as u32,
        };
        units * part.pack_size
    };
    let lead_time_days = if stock == 0 { 5 + rng.below(36) as u32 } else { 1 + rng.below(3) as u32 };

    let mut documents = Vec::new();
    let doc_base =
        format!("https://docs.supplier.example/{}/{}/{}", part.family, slug(part.manufacturer), slug(&part.mpn));
    if rng.chance(85) {
        documents.push(Document {
            kind: DocumentKind::Datasheet,
            title: format!("Datasheet {}", part.mpn),
            url: format!("{doc_base}/datasheet.pdf"),
        });
    }
    if !part.certificates.is_empty() && rng.chance(35) {
        let cert = rng.pick(part.certificates);
        documents.push(Document {
            kind: DocumentKind::Certificate,
            title: cert.to_string(),
            url: format!("{doc_base}/{}.pdf", slug(cert)),
        });
    }
    if rng.chance(part.manual_percent) {
        documents.push(Document {
            kind: DocumentKind::Manual,
            title: format!("Operating instructions {}", part.mpn),
            url: format!("{doc_base}/manual.pdf"),
        });
    }

    let list_tiers = tiers(part.price, part.price_scale, &part.tier_breaks, &mut rng);

    GeneratedProduct {
        family: part.family,
        list_tiers,
        vat_rate: Decimal::from(19),
        product: Product {
            sku,
            mpn: part.mpn,
            manufacturer: part.manufacturer.to_string(),
            gtin,
            name: part.name,
            description: part.description,
            category: part.category.to_string(),
            unit: part.unit.to_string(),
            pack_size: part.pack_size,
            min_qty: part.min_qty,
            order_step: part.order_step,
            stock,
            lead_time_days,
            attributes: part.attributes,
            documents,
            replaced_by: None,
            discontinued: false,
        },
    }
}

/// "40" + ten digits + check digit. The ten digits are an affine bijection
/// of the index modulo 10^10, so gtins are unique within a catalog.
fn gtin_for(i: u64, seed: u64) -> String {
    const M: u64 = 10_000_000_000;
    let offset = mix(seed, 0, 2) % M;
    let body_num = (i.wrapping_mul(7_919_113_751) % M + offset) % M;
    let mut body = format!("40{body_num:010}");
    let check = gtin_check_digit(body.as_bytes());
    body.push(char::from(b'0' + check));
    body
}

fn link_successors(items: &mut [GeneratedProduct], seed: u64) {
    let n = items.len();
    let flagged: Vec<bool> = (0..n).map(|i| mix(seed, i as u64, 3).is_multiple_of(100)).collect();
    for i in 0..n {
        if !flagged[i] {
            continue;
        }
        // The next part of the same family that stays available.
        let successor =
            (1..n.min(5_000)).map(|k| (i + k) % n).find(|&j| !flagged[j] && items[j].family == items[i].family);
        if let Some(j) = successor {
            let sku = items[j].product.sku.clone();
            let p = &mut items[i].product;
            p.discontinued = true;
            p.replaced_by = Some(sku);
        }
    }
}

fn money(price: f64, scale: u32) -> Decimal {
    let f = 10f64.powi(scale as i32);
    Decimal::new((price * f).round().max(1.0) as i64, scale)
}

fn tiers(price: f64, scale: u32, breaks: &[u32; 3], rng: &mut Rng) -> Vec<Tier> {
    let mut out = vec![Tier::new(1, money(price, scale))];
    let volume_tiers = 2 + rng.below(2);
    let mut discount = 0.0;
    let step = Decimal::new(1, scale);
    for &min_qty in breaks.iter().take(volume_tiers) {
        discount += 0.04 + rng.unit() * 0.06;
        let prev = out[out.len() - 1].unit_price;
        let mut unit_price = money(price * (1.0 - discount), scale);
        if unit_price >= prev {
            unit_price = prev - step;
        }
        if unit_price <= Decimal::ZERO {
            break;
        }
        out.push(Tier::new(min_qty, unit_price));
    }
    out
}

/// Lowercase ascii path segment: "ÖLFLEX CLASSIC 110" → "oelflex-classic-110".
fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            _ => {
                if !out.is_empty() && !out.ends_with('-') {
                    out.push('-');
                }
            }
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// "1,5" style decimal for type designations; "1" for whole numbers.
fn comma(x: f64) -> String {
    if x.fract() == 0.0 { format!("{}", x as i64) } else { format!("{x}").replace('.', ",") }
}

// ---------------------------------------------------------------- bearings

/// (d, D, B) of the deep groove series 60, 62, 63, bore codes 00–20.
const SERIES_60: [(u32, u32, u32); 21] = [
    (10, 26, 8),
    (12, 28, 8),
    (15, 32, 9),
    (17, 35, 10),
    (20, 42, 12),
    (25, 47, 12),
    (30, 55, 13),
    (35, 62, 14),
    (40, 68, 15),
    (45, 75, 16),
    (50, 80, 16),
    (55, 90, 18),
    (60, 95, 18),
    (65, 100, 18),
    (70, 110, 20),
    (75, 115, 20),
    (80, 125, 22),
    (85, 130, 22),
    (90, 140, 24),
    (95, 145, 24),
    (100, 150, 24),
];
const SERIES_62: [(u32, u32, u32); 21] = [
    (10, 30, 9),
    (12, 32, 10),
    (15, 35, 11),
    (17, 40, 12),
    (20, 47, 14),
    (25, 52, 15),
    (30, 62, 16),
    (35, 72, 17),
    (40, 80, 18),
    (45, 85, 19),
    (50, 90, 20),
    (55, 100, 21),
    (60, 110, 22),
    (65, 120, 23),
    (70, 125, 24),
    (75, 130, 25),
    (80, 140, 26),
    (85, 150, 28),
    (90, 160, 30),
    (95, 170, 32),
    (100, 180, 34),
];
const SERIES_63: [(u32, u32, u32); 21] = [
    (10, 35, 11),
    (12, 37, 12),
    (15, 42, 13),
    (17, 47, 14),
    (20, 52, 15),
    (25, 62, 17),
    (30, 72, 19),
    (35, 80, 21),
    (40, 90, 23),
    (45, 100, 25),
    (50, 110, 27),
    (55, 120, 29),
    (60, 130, 31),
    (65, 140, 33),
    (70, 150, 35),
    (75, 160, 37),
    (80, 170, 39),
    (85, 180, 41),
    (90, 190, 43),
    (95, 200, 45),
    (100, 215, 47),
];

const BEARING_CERTS: &[&str] = &["3.1 material certificate EN 10204", "Certificate of origin", "RoHS declaration"];

fn bearing(rng: &mut Rng) -> Part {
    const MAKERS: [(&str, f64); 7] =
        [("SKF", 1.45), ("FAG", 1.35), ("NSK", 1.25), ("NTN", 1.2), ("Koyo", 1.1), ("Timken", 1.15), ("ZEN", 0.75)];
    let (maker, factor) = rng.pick(&MAKERS);
    let kind = rng.below(10);
    let mut p = Part::new("bearings", "Bearings/Deep groove ball bearings", maker);
    p.certificates = BEARING_CERTS;
    p.manual_percent = 5;
    let code = rng.below(21);
    if kind < 7 {
        let (series, table) = match rng.below(3) {
            0 => ("60", &SERIES_60),
            1 => ("62", &SERIES_62),
            _ => ("63", &SERIES_63),
        };
        let (d, dd, b) = table[code];
        let base = format!("{series}{code:02}");
        // Each maker spells shields, seals and clearance its own way.
        let (seal, seal_text, clearance) = match maker {
            "SKF" => {
                let s = rng.pick(&[
                    ("", "open"),
                    ("-Z", "shield one side"),
                    ("-2Z", "shields both sides"),
                    ("-RSH", "seal one side"),
                    ("-2RSH", "contact seals both sides"),
                    ("-2RS1", "contact seals both sides"),
                    ("-RS1", "seal one side"),
                ]);
                (s.0, s.1, rng.pick(&["", "/C3", "/C3", "/C4"]))
            }
            "FAG" => {
                let s = rng.pick(&[
                    ("", "open"),
                    ("-Z", "shield one side"),
                    ("-2Z", "shields both sides"),
                    ("-2RSR", "contact seals both sides"),
                ]);
                (s.0, s.1, rng.pick(&["", "-C3", "-C3"]))
            }
            "NSK" => {
                let s = rng.pick(&[
                    ("", "open"),
                    ("Z", "shield one side"),
                    ("ZZ", "shields both sides"),
                    ("DDU", "contact seals both sides"),
                    ("VV", "non-contact seals both sides"),
                ]);
                (s.0, s.1, rng.pick(&["", "C3", "C3"]))
            }
            "NTN" => {
                let s = rng.pick(&[
                    ("", "open"),
                    ("Z", "shield one side"),
                    ("ZZ", "shields both sides"),
                    ("LLU", "contact seals both sides"),
                    ("LLB", "non-contact seals both sides"),
                ]);
                (s.0, s.1, rng.pick(&["", "C3", "/2AS"]))
            }
            _ => {
                let s = rng.pick(&[
                    ("", "open"),
                    ("-ZZ", "shields both sides"),
                    ("-2RS", "contact seals both sides"),
                    ("-2Z", "shields both sides"),
                ]);
                (s.0, s.1, rng.pick(&["", "/C3", "C3"]))
            }
        };
        p.mpn = format!("{base}{seal}{clearance}");
        p.name = format!("Deep groove ball bearing {} {d}x{dd}x{b}", p.mpn);
        let clearance_text = if clearance.contains("C3") {
            "C3 (greater than normal)"
        } else if clearance.contains("C4") {
            "C4"
        } else {
            "normal (CN)"
        };
        p.description = format!(
            "Single row deep groove ball bearing, {seal_text}. Bore {d} mm, outside diameter {dd} mm, width {b} mm, radial clearance {clearance_text}."
        );
        p.attr("d", format!("{d} mm"));
        p.attr("D", format!("{dd} mm"));
        p.attr("B", format!("{b} mm"));
        p.attr("Seal", seal_text);
        p.attr("Clearance", clearance_text);
        p.price = (1.2 + dd as f64 * 0.09 + (dd * b) as f64 * 0.0016) * factor;
    } else if kind < 9 {
        // Spherical roller bearings 222xx / 223xx.
        let (series, table, widen) = if rng.chance(50) { ("222", &SERIES_62, 1.25) } else { ("223", &SERIES_63, 1.45) };
        let code = 5 + code % 16;
        let (d, dd, b) = table[code];
        let b = (b as f64 * widen).round() as u32;
        let suffix = match maker {
            "SKF" => rng.pick(&[" E", " EK", " E/C3", " EK/C3", " CC/W33"]),
            "FAG" => rng.pick(&["-E1", "-E1-K", "-E1-C3", "-E1-K-C3"]),
            "NSK" => rng.pick(&["EAE4", "EAKE4", "EAE4C3", "CDE4"]),
            "NTN" => rng.pick(&["EAD1", "EAKD1", "EAD1C3"]),
            _ => rng.pick(&[" E", " EK", " CA/W33", " CC/C3W33"]),
        };
        p.mpn = format!("{series}{code:02}{suffix}");
        p.category = "Bearings/Spherical roller bearings";
        p.name = format!("Spherical roller bearing {} {d}x{dd}x{b}", p.mpn);
        let bore = if suffix.contains('K') { "tapered bore 1:12" } else { "cylindrical bore" };
        p.description = format!(
            "Double row spherical roller bearing, {bore}, self-aligning. Bore {d} mm, outside diameter {dd} mm, width {b} mm."
        );
        p.attr("d", format!("{d} mm"));
        p.attr("D", format!("{dd} mm"));
        p.attr("B", format!("{b} mm"));
        p.attr("Bore", bore);
        p.price = (18.0 + dd as f64 * 0.55 + (dd * b) as f64 * 0.012) * factor;
    } else {
        // Double row angular contact ball bearings 32xx / 33xx.
        let (series, table) = if rng.chance(60) { ("32", &SERIES_62) } else { ("33", &SERIES_63) };
        let code = code % 13;
        let (d, dd, b) = table[code];
        let b = (b as f64 * 1.45 * 10.0).round() / 10.0;
        let suffix = match maker {
            "SKF" => rng.pick(&[" A", " A-2Z", " A-2RS1", " A-2RS1TN9/MT33"]),
            "FAG" => rng.pick(&["-B-TVH", "-B-2Z-TVH", "-B-2RSR-TVH"]),
            _ => rng.pick(&["", "-2RS", "-ZZ", "B-2RSTN"]),
        };
        p.mpn = format!("{series}{code:02}{suffix}");
        p.category = "Bearings/Angular contact ball bearings";
        p.name = format!("Double row angular contact ball bearing {} {d}x{dd}x{b}", p.mpn);
        p.description = format!(
            "Double row angular contact ball bearing, contact angle 25°. Bore {d} mm, outside diameter {dd} mm, width {b} mm."
        );
        p.attr("d", format!("{d} mm"));
        p.attr("D", format!("{dd} mm"));
        p.attr("B", format!("{b} mm"));
        p.price = (6.0 + dd as f64 * 0.2 + dd as f64 * b * 0.004) * factor;
    }
    p
}

// --------------------------------------------------------------- fasteners

const FASTENER_CERTS: &[&str] =
    &["3.1 material certificate EN 10204", "2.2 test report EN 10204", "RoHS declaration", "REACH declaration"];

const LENGTHS: [u32; 25] =
    [6, 8, 10, 12, 16, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 80, 90, 100, 110, 120, 140, 160, 180, 200];

/// (thread, nominal diameter, washer hole for DIN 125 / DIN 9021)
const THREADS: [(&str, u32, &str); 9] = [
    ("M3", 3, "3,2"),
    ("M4", 4, "4,3"),
    ("M5", 5, "5,3"),
    ("M6", 6, "6,4"),
    ("M8", 8, "8,4"),
    ("M10", 10, "10,5"),
    ("M12", 12, "13"),
    ("M16", 16, "17"),
    ("M20", 20, "21"),
];

fn material_factor(grade: &str) -> f64 {
    if grade.starts_with("A4") {
        3.2
    } else if grade.starts_with("A2") {
        2.2
    } else if grade.starts_with("12.9") || grade.starts_with("10.9") || grade.starts_with("10") {
        1.5
    } else {
        1.0
    }
}

fn material_text(grade: &str) -> &'static str {
    if grade.starts_with("A4") {
        "stainless steel A4"
    } else if grade.starts_with("A2") {
        "stainless steel A2"
    } else if grade.contains("zinc") {
        "steel, zinc plated"
    } else {
        "steel, plain"
    }
}

fn fastener(rng: &mut Rng) -> Part {
    const MAKERS: [&str; 6] = ["Würth", "Bossard", "Reyher", "Fabory", "Böllhoff", "Hoffmann"];
    let maker = rng.pick(&MAKERS);
    let kind = rng.below(100);
    let thread_index = rng.below(THREADS.len());
    let (thread, d, hole) = THREADS[thread_index];
    let mut p = Part::new("fasteners", "Fasteners/Screws", maker);
    p.certificates = FASTENER_CERTS;
    p.price_scale = 4;
    let pack = match d {
        0..=6 => rng.pick(&[200, 500]),
        7..=12 => rng.pick(&[100, 200]),
        _ => 100,
    };
    p.packs_of(pack);

    if kind < 60 {
        // Screws: (standard, name, grades, max length factor)
        let (standard, what, grades, max_len) = rng.pick(&[
            ("DIN 933", "Hexagon head screw", &["8.8", "10.9", "A2-70", "A4-70", "8.8 zinc plated"][..], 10),
            ("ISO 4017", "Hexagon head screw", &["8.8", "10.9", "A2-70", "A4-70", "8.8 zinc plated"][..], 10),
            ("DIN 931", "Hexagon head screw, partial thread", &["8.8", "10.9", "A2-70"][..], 10),
            ("ISO 4762", "Socket head cap screw", &["8.8", "10.9", "12.9", "A2-70", "A4-70"][..], 10),
            ("DIN 912", "Socket head cap screw", &["8.8", "12.9", "A2-70", "A4-70"][..], 10),
            ("ISO 7380", "Button head socket screw", &["10.9", "A2-70", "A4-70"][..], 6),
            ("DIN 7985", "Pan head screw, cross recess", &["4.8 zinc plated", "A2", "A4"][..], 8),
            ("DIN 7991", "Countersunk socket screw", &["8.8", "10.9", "A2-70"][..], 8),
        ]);
        let grade = rng.pick(grades);
        let min_len = if standard == "DIN 931" { 4 * d } else { d + d / 2 };
        let max_len = (d * max_len).min(200);
        let lengths: Vec<u32> = LENGTHS.iter().copied().filter(|&l| l >= min_len && l <= max_len).collect();
        let len = if lengths.is_empty() { LENGTHS[6] } else { rng.pick(&lengths) };
        p.mpn = format!("{standard} {thread}x{len} {grade}");
        p.name = format!("{what} {}", p.mpn);
        p.description = format!(
            "{what} to {standard}, thread {thread}, length {len} mm, {}, strength class {grade}.",
            material_text(grade)
        );
        p.attr("Standard", standard);
        p.attr("Thread", thread);
        p.attr("Length", format!("{len} mm"));
        p.attr("Material", material_text(grade));
        p.attr("Strength class", grade);
        let drive = if what.starts_with("Hexagon") {
            "external hexagon"
        } else if what.starts_with("Pan") {
            "cross recess H"
        } else {
            "hexagon socket"
        };
        p.attr("Drive", drive);
        p.price = (0.008 + (d * d * len) as f64 * 0.000_03) * material_factor(grade);
    } else if kind < 80 {
        let (standard, what, grades) = rng.pick(&[
            ("DIN 934", "Hexagon nut", &["8", "10", "A2", "A4", "8 zinc plated"][..]),
            ("ISO 4032", "Hexagon nut", &["8", "10", "A2-70"][..]),
            ("DIN 985", "Prevailing torque hexagon nut, nylon insert", &["8", "A2", "A4"][..]),
            ("DIN 6923", "Hexagon flange nut", &["8", "A2"][..]),
        ]);
        let grade = rng.pick(grades);
        p.category = "Fasteners/Nuts";
        p.mpn = format!("{standard} {thread} {grade}");
        p.name = format!("{what} {}", p.mpn);
        p.description =
            format!("{what} to {standard}, thread {thread}, {}, property class {grade}.", material_text(grade));
        p.attr("Standard", standard);
        p.attr("Thread", thread);
        p.attr("Material", material_text(grade));
        p.attr("Property class", grade);
        p.price = (0.004 + (d * d * d) as f64 * 0.000_045) * material_factor(grade);
    } else {
        let (standard, form, what, grades) = rng.pick(&[
            ("DIN 125", "A ", "Flat washer", &["A2", "A4", "St", "St zinc plated", "200 HV"][..]),
            ("DIN 9021", "", "Flat washer, large", &["A2", "St zinc plated"][..]),
            ("DIN 127", "B ", "Spring lock washer", &["A2", "St"][..]),
            ("ISO 7089", "", "Flat washer", &["200 HV", "A2"][..]),
        ]);
        let grade = rng.pick(grades);
        let size = if standard == "DIN 127" { &thread[1..] } else { hole };
        p.category = "Fasteners/Washers";
        p.mpn = format!("{standard} {form}{size} {grade}");
        p.name = format!("{what} {} for {thread}", p.mpn);
        p.description = format!("{what} to {standard} for {thread} screws, hole {size} mm, {}.", material_text(grade));
        p.attr("Standard", standard);
        p.attr("For thread", thread);
        p.attr("Inner diameter", format!("{size} mm"));
        p.attr("Material", material_text(grade));
        p.price = (0.002 + (d * d) as f64 * 0.000_25) * material_factor(grade);
    }
    p
}

// ------------------------------------------------------- contactors, relays

const SWITCHGEAR_CERTS: &[&str] =
    &["CE declaration of conformity", "RoHS declaration", "UL certificate", "REACH declaration"];

fn contactor(rng: &mut Rng) -> Part {
    let maker_roll = rng.below(3);
    let mut p = Part::new("contactors", "Switchgear/Contactors", "Siemens");
    p.certificates = SWITCHGEAR_CERTS;
    p.manual_percent = 40;
    let (kw, amps, coil_text, aux_text, factor);
    match maker_roll {
        0 => {
            // (size code, kW AC-3 400 V, A AC-3)
            let (size, k, a) = rng.pick(&[
                ("15", 3.0, 7.0),
                ("16", 4.0, 9.0),
                ("17", 5.5, 12.0),
                ("18", 7.5, 16.0),
                ("23", 4.0, 9.0),
                ("24", 5.5, 12.0),
                ("25", 7.5, 17.0),
                ("26", 11.0, 25.0),
                ("27", 15.0, 32.0),
                ("28", 18.5, 38.0),
                ("35", 18.5, 40.0),
                ("36", 22.0, 50.0),
                ("37", 30.0, 65.0),
                ("38", 37.0, 80.0),
            ]);
            let (coil, ct) = rng.pick(&[
                ("AP0", "230 V AC 50 Hz"),
                ("AL2", "230 V AC 50/60 Hz"),
                ("BB4", "24 V DC"),
                ("BB4", "24 V DC"),
                ("AC2", "24 V AC 50/60 Hz"),
                ("AF0", "110 V AC 50 Hz"),
            ]);
            let terminals = rng.pick(&["1", "1", "2"]);
            let (aux, at) = if size.starts_with('1') {
                rng.pick(&[("1", "1 NO"), ("2", "1 NC")])
            } else {
                ("0", "without auxiliary contacts")
            };
            p.mpn = format!("3RT20{size}-{terminals}{coil}{aux}");
            (kw, amps, coil_text, aux_text, factor) = (k, a, ct, at, 1.2);
        }
        1 => {
            p.manufacturer = "Schneider Electric";
            let (size, k, a) = rng.pick(&[
                ("09", 4.0, 9.0),
                ("12", 5.5, 12.0),
                ("18", 7.5, 18.0),
                ("25", 11.0, 25.0),
                ("32", 15.0, 32.0),
                ("38", 18.5, 38.0),
                ("40A", 18.5, 40.0),
                ("50A", 22.0, 50.0),
                ("65A", 30.0, 65.0),
                ("80", 37.0, 80.0),
                ("95", 45.0, 95.0),
            ]);
            let (coil, ct) = rng.pick(&[
                ("BD", "24 V DC"),
                ("BL", "24 V DC low consumption"),
                ("B7", "24 V AC 50/60 Hz"),
                ("P7", "230 V AC 50/60 Hz"),
                ("M7", "220 V AC 50/60 Hz"),
                ("F7", "110 V AC 50/60 Hz"),
                ("U7", "240 V AC 50/60 Hz"),
            ]);
            p.mpn = format!("LC1D{size}{coil}");
            (kw, amps, coil_text, aux_text, factor) = (k, a, ct, "1 NO + 1 NC", 1.1);
        }
        _ => {
            p.manufacturer = "Eaton";
            let (size, k, a) = rng.pick(&[
                ("7", 3.0, 7.0),
                ("9", 4.0, 9.0),
                ("12", 5.5, 12.0),
                ("15", 7.5, 15.5),
                ("17", 7.5, 18.0),
                ("25", 11.0, 25.0),
                ("32", 15.0, 32.0),
                ("38", 18.5, 38.0),
                ("40", 18.5, 40.0),
                ("50", 22.0, 50.0),
                ("65", 30.0, 65.0),
            ]);
            let (coil, ct) = rng.pick(&[
                ("24VDC", "24 V DC"),
                ("RDC24", "24 V DC"),
                ("230V50HZ,240V60HZ", "230 V AC 50 Hz"),
                ("24V50/60HZ", "24 V AC 50/60 Hz"),
                ("RAC240", "240 V AC 50/60 Hz"),
            ]);
            let num: u32 = size.parse().unwrap_or(0);
            let (aux, at) = if num < 40 {
                rng.pick(&[("-10", "1 NO"), ("-01", "1 NC")])
            } else {
                ("", "without auxiliary contacts")
            };
            p.mpn = format!("DILM{size}{aux}({coil})");
            (kw, amps, coil_text, aux_text, factor) = (k, a, ct, at, 0.95);
        }
    }
    p.name = format!("Power contactor {}, {} kW / 400 V, {coil_text}, {aux_text}", p.mpn, kw);
    p.description = format!("3-pole power contactor, AC-3 {kw} kW / {amps} A at 400 V, coil {coil_text}, {aux_text}.");
    p.attr("Poles", "3");
    p.attr("Rated power AC-3 400 V", format!("{kw} kW"));
    p.attr("Rated current AC-3", format!("{amps} A"));
    p.attr("Coil voltage", coil_text);
    p.attr("Auxiliary contacts", aux_text);
    p.price = (22.0 + kw * 9.0) * factor;
    p
}

fn relay(rng: &mut Rng) -> Part {
    let mut p = Part::new("relays", "Switchgear/Relays", "Finder");
    p.certificates = SWITCHGEAR_CERTS;
    p.manual_percent = 20;
    let (series, contacts, amps) = rng.pick(&[
        ("40.52", "2 CO", 8),
        ("40.61", "1 CO", 16),
        ("40.31", "1 CO", 10),
        ("46.52", "2 CO", 8),
        ("55.32", "2 CO", 10),
        ("55.34", "4 CO", 7),
        ("60.12", "2 CO", 10),
        ("60.13", "3 CO", 10),
    ]);
    let (kind, volts, coil_text) = if rng.chance(55) {
        let v = rng.pick(&["012", "024", "024", "048", "110"]);
        ("9", v, format!("{} V DC", v.trim_start_matches('0')))
    } else {
        let v = rng.pick(&["024", "110", "120", "230", "230"]);
        ("8", v, format!("{} V AC", v.trim_start_matches('0')))
    };
    let option = rng.pick(&["0000", "0000", "0040", "5000"]);
    p.mpn = format!("{series}.{kind}.{volts}.{option}");
    p.name = format!("Relay {} {contacts} {amps} A {coil_text}", p.mpn);
    p.description = format!(
        "Miniature plug-in relay, {contacts} contacts, {amps} A, coil {coil_text}{}.",
        if option == "0040" { ", gold-plated contacts" } else { "" }
    );
    p.attr("Contacts", contacts);
    p.attr("Rated current", format!("{amps} A"));
    p.attr("Coil voltage", coil_text);
    p.price = 5.5 + amps as f64 * 0.4 + if option == "0040" { 2.0 } else { 0.0 };
    p
}

// -------------------------------------------------------------- pneumatics

fn fitting(rng: &mut Rng) -> Part {
    const TUBES: [u32; 5] = [4, 6, 8, 10, 12];
    let tube_index = rng.below(TUBES.len());
    let tube = TUBES[tube_index];
    let mut p = Part::new("pneumatics", "Pneumatics/Push-in fittings", "Festo");
    p.certificates = &["RoHS declaration", "REACH declaration"];
    let (form, thread_text);
    if rng.chance(55) {
        let (thread, g) = rng.pick(&[("M5", "M5"), ("1/8", "G1/8"), ("1/4", "G1/4"), ("3/8", "G3/8"), ("1/2", "G1/2")]);
        match rng.below(6) {
            0 => {
                p.mpn = format!("QS-{tube}");
                (form, thread_text) = ("straight union", String::new());
            }
            1 if tube_index > 0 => {
                let smaller = TUBES[rng.below(tube_index)];
                p.mpn = format!("QS-{tube}-{smaller}");
                (form, thread_text) = ("reducer", format!("to tube {smaller} mm"));
            }
            2 => {
                p.mpn = format!("QSL-{thread}-{tube}");
                (form, thread_text) = ("male elbow", format!("R{thread}"));
            }
            3 => {
                p.mpn = format!("QST-{tube}");
                (form, thread_text) = ("tee union", String::new());
            }
            4 if thread != "M5" => {
                p.mpn = format!("QS-G{thread}-{tube}");
                (form, thread_text) = ("male straight", g.to_string());
            }
            _ => {
                p.mpn = format!("QS-{thread}-{tube}");
                (form, thread_text) = ("male straight", format!("R{thread}"));
            }
        }
        if rng.chance(60) {
            p.packs_of(10);
        }
        p.price = 1.4 + tube as f64 * 0.25;
    } else {
        p.manufacturer = "SMC";
        let tt = format!("{tube:02}");
        match rng.below(5) {
            0 => {
                p.mpn = format!("KQ2U{tt}-00A");
                (form, thread_text) = ("straight union", String::new());
            }
            1 => {
                p.mpn = format!("KQ2T{tt}-00A");
                (form, thread_text) = ("tee union", String::new());
            }
            k => {
                let (letter, f) = match k {
                    2 => ("H", "male straight"),
                    3 => ("L", "male elbow"),
                    _ => ("S", "hex socket male straight"),
                };
                let (thread, t) = if tube <= 6 && rng.chance(25) {
                    ("M5", "M5")
                } else {
                    rng.pick(&[("01", "R1/8"), ("02", "R1/4"), ("03", "R3/8"), ("04", "R1/2")])
                };
                let sealant = if thread == "M5" { "" } else { rng.pick(&["AS", "A", "NS"]) };
                p.mpn = format!("KQ2{letter}{tt}-{thread}{sealant}");
                (form, thread_text) = (f, t.to_string());
            }
        }
        if rng.chance(40) {
            p.packs_of(10);
        }
        p.price = 1.1 + tube as f64 * 0.22;
    }
    if form.contains("elbow") || form.contains("tee") {
        p.price *= 1.6;
    }
    p.name = if thread_text.is_empty() {
        format!("Push-in fitting {form} {}, tube {tube} mm", p.mpn)
    } else {
        format!("Push-in fitting {form} {}, tube {tube} mm, {thread_text}", p.mpn)
    };
    p.description = format!(
        "Push-in fitting, {form}, for plastic tubing with outside diameter {tube} mm. Operating pressure −0.95 to 10 bar."
    );
    p.attr("Tube OD", format!("{tube} mm"));
    p.attr("Form", form);
    if !thread_text.is_empty() {
        p.attr("Connection", thread_text);
    }
    p
}

fn tubing(rng: &mut Rng) -> Part {
    let (od, wall) = rng.pick(&[(4, "0,75"), (6, "1"), (8, "1,25"), (10, "1,5"), (12, "2")]);
    let (color, color_text) = rng.pick(&[("BL", "blue"), ("SW", "black"), ("NT", "natural"), ("RT", "red")]);
    let mut p = Part::new("pneumatics", "Pneumatics/Tubing", "Festo");
    p.mpn = format!("PUN-{od}X{wall}-{color}");
    p.unit = "m";
    p.tier_breaks = [50, 200, 500];
    p.name = format!("Plastic tubing {} polyurethane {od} mm {color_text}", p.mpn);
    p.description = format!(
        "Polyurethane compressed-air tubing, outside diameter {od} mm, wall {wall} mm, {color_text}, sold by the metre."
    );
    p.attr("Tube OD", format!("{od} mm"));
    p.attr("Wall thickness", format!("{wall} mm"));
    p.attr("Colour", color_text);
    p.price = 0.35 + od as f64 * 0.11;
    p
}

// ------------------------------------------------------------------- cable

fn cable(rng: &mut Rng) -> Part {
    // (maker, line, uses G/X notation, shielded, article base)
    let (maker, line, gx, shielded, base) = rng.pick(&[
        ("LAPP", "ÖLFLEX CLASSIC 110", true, false, 1119),
        ("LAPP", "ÖLFLEX CLASSIC 110 CY", true, true, 1135),
        ("LAPP", "ÖLFLEX CLASSIC 100", true, false, 1101),
        ("LAPP", "ÖLFLEX FD 890", true, false, 1026),
        ("LAPP", "UNITRONIC LiYY", false, false, 28),
        ("LAPP", "UNITRONIC LiYCY", false, true, 34),
        ("HELUKABEL", "JZ-500", true, false, 0),
        ("HELUKABEL", "JZ-600", true, false, 0),
        ("HELUKABEL", "YSLY-JZ", true, false, 0),
        ("igus", "chainflex CF5", true, false, 0),
        ("Nexans", "H07RN-F", true, false, 0),
        ("Faber Kabel", "NYM-J", false, false, 0),
        ("Faber Kabel", "H05VV-F", true, false, 0),
    ]);
    let data_cable = line.starts_with("UNITRONIC");
    let cs = if data_cable {
        rng.pick(&[0.14, 0.25, 0.34, 0.5, 0.75])
    } else {
        rng.pick(&[0.5, 0.75, 1.0, 1.5, 1.5, 2.5, 2.5, 4.0, 6.0, 10.0, 16.0])
    };
    let cores = if cs >= 4.0 { rng.pick(&[3, 4, 5]) } else { rng.pick(&[2, 3, 3, 4, 5, 7, 12, 18, 25]) };
    let with_ground = gx && cores >= 3 && !rng.chance(15);
    let sep = if !gx {
        "x"
    } else if with_ground {
        "G"
    } else {
        "X"
    };
    let cores_text = format!("{cores}{sep}{}", comma(cs));
    let designation = format!("{line} {cores_text}");
    let mut p = Part::new("cable", "Cable/Control cable", maker);
    p.certificates = &["RoHS declaration", "UL/CSA certificate", "REACH declaration"];
    p.unit = "m";
    p.min_qty = 10;
    p.order_step = 5;
    p.tier_breaks = [100, 500, 1000];
    p.mpn = if maker == "LAPP" {
        // Seven-digit article numbers: a line prefix and a running number
        // that is distinct for each construction.
        const SECTIONS: [f64; 12] = [0.14, 0.25, 0.34, 0.5, 0.75, 1.0, 1.5, 2.5, 4.0, 6.0, 10.0, 16.0];
        let section = SECTIONS.iter().position(|&x| x == cs).unwrap_or(0) as u32;
        let running = 100 + section * 60 + cores * 2 + u32::from(with_ground);
        format!("{base:04}{running:03}")
    } else if maker == "igus" {
        format!("CF5.{}.{cores:02}", (cs * 10.0).round() as u32)
    } else {
        designation.clone()
    };
    let sheath = if line.contains("FD") || line.contains("CF5") {
        "PVC, drag chain rated"
    } else if line.contains("RN") {
        "rubber, black"
    } else {
        "PVC, grey"
    };
    p.name = if maker == "LAPP" || maker == "igus" {
        format!("{designation} control cable {}", p.mpn)
    } else {
        format!("Cable {designation}")
    };
    p.description = format!(
        "{} cable {designation}, {cores} cores, {} mm², {}sheath {sheath}, sold by the metre.",
        if data_cable { "Data" } else { "Control" },
        comma(cs),
        if shielded { "copper braid screen, " } else { "" }
    );
    p.attr("Cores", cores_text);
    p.attr("Cross-section", format!("{} mm²", comma(cs)));
    p.attr("Sheath", sheath);
    p.attr("Shielded", if shielded { "yes" } else { "no" });
    p.attr("Rated voltage", if data_cable { "250 V" } else { "300/500 V" });
    p.price = (0.35 + cores as f64 * cs * 0.12) * if shielded { 1.35 } else { 1.0 };
    p
}

// ----------------------------------------------------------------- sensors

fn sensor(rng: &mut Rng) -> Part {
    // (thread, flush range, non-flush range)
    let (thread, flush, non_flush) = rng.pick(&[("M8", 2, 4), ("M12", 4, 8), ("M18", 8, 12), ("M30", 15, 22)]);
    let flush_mount = rng.chance(60);
    let range = if flush_mount { flush } else { non_flush };
    let pnp = rng.chance(80);
    let no = rng.chance(85);
    let mut p = Part::new("sensors", "Sensors/Inductive sensors", "ifm electronic");
    p.certificates = &["CE declaration of conformity", "RoHS declaration", "UL certificate"];
    p.manual_percent = 60;
    let connector = rng.chance(75);
    match rng.below(3) {
        0 => {
            let prefix = match thread {
                "M8" => "IE",
                "M12" => "IF",
                "M18" => "IG",
                _ => "II",
            };
            p.mpn = format!("{prefix}{}{:03}", rng.pick(&[5, 5, 6]), rng.below(1000));
        }
        1 => {
            p.manufacturer = "SICK";
            p.mpn = format!(
                "IME{}-{range:02}{}{}{}Z{}0{}",
                &thread[1..],
                if flush_mount { "B" } else { "N" },
                if pnp { "P" } else { "N" },
                if no { "S" } else { "O" },
                if connector { "C" } else { "W" },
                if connector { "K" } else { "S" }
            );
        }
        _ => {
            p.manufacturer = "Pepperl+Fuchs";
            p.mpn = format!(
                "NB{}{range}-{}GM50-E{}{}",
                if flush_mount { "B" } else { "N" },
                &thread[1..],
                if pnp { "2" } else { "0" },
                if connector { "-V1" } else { "" }
            );
        }
    }
    let output = format!("{} {}", if pnp { "PNP" } else { "NPN" }, if no { "NO" } else { "NC" });
    let connection = if connector { "M12 connector" } else { "2 m cable" };
    p.name = format!("Inductive sensor {} {thread} sn {range} mm {output}", p.mpn);
    p.description = format!(
        "Inductive proximity sensor, housing {thread}, sensing range {range} mm {}, output {output}, 10–30 V DC, {connection}.",
        if flush_mount { "flush" } else { "non-flush" }
    );
    p.attr("Housing", thread);
    p.attr("Sensing range", format!("{range} mm"));
    p.attr("Mounting", if flush_mount { "flush" } else { "non-flush" });
    p.attr("Output", output);
    p.attr("Connection", connection);
    p.price = 28.0 + range as f64 * 1.8 + if p.manufacturer == "SICK" { 6.0 } else { 0.0 };
    p
}

// ------------------------------------------------------------------- fuses

fn fuse(rng: &mut Rng) -> Part {
    let mut p = Part::new("fuses", "Fuses/Fuse links", "SIBA");
    p.certificates = &["CE declaration of conformity", "RoHS declaration"];
    match rng.below(3) {
        0 => {
            let (size, code, amps) = rng.pick(&[
                ("000", "2000113", &[6, 10, 16, 20, 25, 32, 35, 40, 50, 63, 80, 100][..]),
                ("00", "2000213", &[16, 20, 25, 32, 35, 40, 50, 63, 80, 100, 125, 160][..]),
                ("1", "2001113", &[63, 80, 100, 125, 160, 200, 250][..]),
                ("2", "2001813", &[125, 160, 200, 250, 315, 355, 400][..]),
            ]);
            let a = rng.pick(amps);
            match rng.below(3) {
                0 => p.mpn = format!("{code}.{a}"),
                1 => {
                    p.manufacturer = "Eaton Bussmann";
                    p.mpn = format!("{a}NHG{size}B");
                }
                _ => {
                    p.manufacturer = "Mersen";
                    p.mpn = format!("NH{size}GG50V{a}");
                }
            }
            p.category = "Fuses/NH fuse links";
            p.name = format!("NH fuse link NH{size} gG {a} A 500 V {}", p.mpn);
            p.description = format!(
                "NH fuse link size {size}, utilisation category gG, {a} A, 500 V AC, breaking capacity 120 kA."
            );
            p.attr("Size", format!("NH{size}"));
            p.attr("Rated current", format!("{a} A"));
            p.attr("Characteristic", "gG");
            p.attr("Rated voltage", "500 V AC");
            p.price = 3.5 + a as f64 * 0.035;
            p.packs_of(3);
        }
        1 => {
            let (size, code) = rng.pick(&[("10x38", "10"), ("14x51", "14")]);
            let a = rng.pick(&[2, 4, 6, 10, 16, 20, 25, 32]);
            let (char_code, char_text) = rng.pick(&[("GG", "gG"), ("aM", "aM")]);
            p.manufacturer = "Mersen";
            p.mpn = format!("FR{code}{char_code}50V{a}");
            p.category = "Fuses/Cylindrical fuse links";
            p.name = format!("Cylindrical fuse {size} {char_text} {a} A {}", p.mpn);
            p.description = format!("Cylindrical fuse link {size} mm, {char_text}, {a} A, 500 V AC.");
            p.attr("Size", size);
            p.attr("Rated current", format!("{a} A"));
            p.attr("Characteristic", char_text);
            p.price = 1.1 + a as f64 * 0.04;
            p.packs_of(10);
        }
        _ => {
            const AMPS: [f64; 19] = [
                0.1, 0.125, 0.16, 0.2, 0.25, 0.315, 0.4, 0.5, 0.63, 0.8, 1.0, 1.25, 1.6, 2.0, 2.5, 3.15, 4.0, 5.0, 6.3,
            ];
            let index = rng.below(AMPS.len());
            let a = AMPS[index];
            if rng.chance(50) {
                p.manufacturer = "Schurter";
                p.mpn = format!("0034.{}", 3110 + index);
            } else {
                p.manufacturer = "Littelfuse";
                // Littelfuse packs the current into four characters: .500, 002., 06.3
                let code = if a < 1.0 {
                    format!(".{:03}", (a * 1000.0).round() as u32)
                } else if a.fract() == 0.0 {
                    format!("{:03}.", a as u32)
                } else {
                    format!("{a:0>4}")
                };
                p.mpn = format!("0218{code}MXP");
            }
            let amps_text = if a < 1.0 { format!("{} mA", (a * 1000.0).round() as u32) } else { format!("{a} A") };
            p.category = "Fuses/Fine-wire fuses";
            p.name = format!("Fine-wire fuse 5x20 T {amps_text} {}", p.mpn);
            p.description = format!("Glass fine-wire fuse 5x20 mm, time-lag (T), {amps_text}, 250 V AC, IEC 60127-2.");
            p.attr("Size", "5x20 mm");
            p.attr("Rated current", amps_text);
            p.attr("Characteristic", "T (time-lag)");
            p.price_scale = 4;
            p.price = 0.18 + a * 0.012;
            p.packs_of(10);
        }
    }
    p
}

// --------------------------------------------------------- terminal blocks

fn terminal_block(rng: &mut Rng) -> Part {
    // (maker, order number, type, description, price)
    let (maker, number, kind, what, price) = rng.pick(&[
        ("Phoenix Contact", "3044076", "UT 2,5", "Feed-through terminal block 2.5 mm², grey", 0.98),
        ("Phoenix Contact", "3044102", "UT 4", "Feed-through terminal block 4 mm², grey", 1.12),
        ("Phoenix Contact", "3044131", "UT 6", "Feed-through terminal block 6 mm², grey", 1.55),
        ("Phoenix Contact", "3044160", "UT 10", "Feed-through terminal block 10 mm², grey", 2.2),
        ("Phoenix Contact", "3044092", "UT 2,5-PE", "Protective conductor terminal block 2.5 mm²", 2.9),
        ("Phoenix Contact", "3044128", "UT 4-PE", "Protective conductor terminal block 4 mm²", 3.4),
        ("Phoenix Contact", "3209510", "PT 2,5", "Push-in feed-through terminal block 2.5 mm², grey", 0.92),
        ("Phoenix Contact", "3211757", "PT 4", "Push-in feed-through terminal block 4 mm², grey", 1.05),
        ("Phoenix Contact", "3047141", "D-UT 2,5/10", "End cover for UT 2,5 to UT 10", 0.35),
        ("Phoenix Contact", "3030161", "FBS 2-5", "Plug-in bridge, 2 positions", 0.6),
        ("Weidmüller", "1020000000", "WDU 2.5", "Feed-through terminal 2.5 mm², beige", 0.85),
        ("Weidmüller", "1020100000", "WDU 4", "Feed-through terminal 4 mm², beige", 0.99),
        ("Weidmüller", "1020200000", "WDU 6", "Feed-through terminal 6 mm², beige", 1.4),
        ("Weidmüller", "1020300000", "WDU 10", "Feed-through terminal 10 mm², beige", 2.1),
        ("Weidmüller", "1010100000", "WPE 4", "PE terminal 4 mm²", 3.1),
        ("WAGO", "2002-1201", "TOPJOB S 2002-1201", "2-conductor through terminal block 2.5 mm², grey", 0.78),
        ("WAGO", "2002-1204", "TOPJOB S 2002-1204", "2-conductor through terminal block 2.5 mm², blue", 0.78),
        ("WAGO", "2002-1207", "TOPJOB S 2002-1207", "2-conductor ground terminal block 2.5 mm²", 2.4),
        ("WAGO", "2002-1301", "TOPJOB S 2002-1301", "3-conductor through terminal block 2.5 mm², grey", 0.95),
        ("WAGO", "2004-1201", "TOPJOB S 2004-1201", "2-conductor through terminal block 4 mm², grey", 0.98),
        ("WAGO", "2006-1201", "TOPJOB S 2006-1201", "2-conductor through terminal block 6 mm², grey", 1.45),
        ("WAGO", "2016-1201", "TOPJOB S 2016-1201", "2-conductor through terminal block 16 mm², grey", 3.9),
    ]);
    let mut p = Part::new("terminals", "Terminals/Terminal blocks", maker);
    p.certificates = &["CE declaration of conformity", "RoHS declaration", "UL certificate"];
    p.mpn = number.to_string();
    p.name = format!("{what} {kind}");
    p.description = format!("{what}, type {kind}, for DIN rail NS 35. Order number {number}.");
    p.attr("Type", kind);
    p.packs_of(rng.pick(&[50, 50, 100]));
    p.price = price;
    p
}

// ------------------------------------------------------------------- seals

fn o_ring(rng: &mut Rng) -> Part {
    let maker = rng.pick(&["Freudenberg", "Trelleborg", "COG", "Parker"]);
    let cs = rng.pick(&[1.0, 1.5, 1.78, 2.0, 2.5, 2.62, 3.0, 3.53, 4.0, 5.0, 5.33, 6.0]);
    let id = (3 + rng.below(300)) as f64 + rng.pick(&[0.0, 0.0, 0.0, 0.5, 0.07, 0.3]);
    let (material, material_text) = rng.pick(&[
        ("NBR 70", "nitrile rubber, 70 Shore A"),
        ("NBR 90", "nitrile rubber, 90 Shore A"),
        ("FKM 75", "fluoroelastomer, 75 Shore A"),
        ("EPDM 70", "EPDM, 70 Shore A"),
        ("VMQ 70", "silicone, 70 Shore A"),
        ("HNBR 75", "hydrogenated nitrile, 75 Shore A"),
    ]);
    let mut p = Part::new("seals", "Seals/O-rings", maker);
    p.certificates = &["FDA conformity", "RoHS declaration", "REACH declaration"];
    p.mpn = format!("OR {}x{} {material}", comma(id), comma(cs));
    p.name = format!("O-ring {}x{} {material}", comma(id), comma(cs));
    p.description =
        format!("O-ring, inside diameter {} mm, cross-section {} mm, {material_text}.", comma(id), comma(cs));
    p.attr("Inside diameter", format!("{} mm", comma(id)));
    p.attr("Cross-section", format!("{} mm", comma(cs)));
    p.attr("Material", material_text);
    p.price_scale = 4;
    p.price = (0.04 + id * cs * 0.0009) * if material.starts_with("FKM") { 3.0 } else { 1.0 };
    p.packs_of(rng.pick(&[10, 25, 50]));
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn same_seed_same_catalog_other_seed_other_catalog() {
        let a = products(3_000, 42);
        let b = products(3_000, 42);
        assert_eq!(a, b);
        let c = products(3_000, 43);
        assert_ne!(a, c);
    }

    #[test]
    fn parallel_generation_matches_sequential() {
        // Above the threading threshold the result must not change.
        let big = products(25_000, 9);
        let small: Vec<GeneratedProduct> = (0..25_000).map(|i| one(i, 9)).collect();
        for (x, y) in big.iter().zip(&small) {
            assert_eq!(x.product.sku, y.product.sku);
            assert_eq!(x.product.mpn, y.product.mpn);
            assert_eq!(x.list_tiers, y.list_tiers);
        }
    }

    #[test]
    fn skus_and_gtins_are_unique() {
        let items = products(30_000, 7);
        let skus: HashSet<&str> = items.iter().map(|g| g.product.sku.as_str()).collect();
        assert_eq!(skus.len(), items.len());
        let gtins: HashSet<&str> = items.iter().map(|g| g.product.gtin.as_str()).collect();
        assert_eq!(gtins.len(), items.len());
    }

    #[test]
    fn gtins_have_correct_check_digits() {
        for g in products(5_000, 1) {
            assert!(is_valid_gtin13(&g.product.gtin), "{}", g.product.gtin);
        }
        // Known GTINs.
        assert!(is_valid_gtin13("4006381333931"));
        assert!(is_valid_gtin13("4000417025005"));
        assert!(!is_valid_gtin13("4006381333932"));
        assert!(!is_valid_gtin13("400638133393"));
    }

    #[test]
    fn discontinued_parts_have_successors_in_the_set() {
        let items = products(20_000, 3);
        let by_sku: std::collections::HashMap<&str, &GeneratedProduct> =
            items.iter().map(|g| (g.product.sku.as_str(), g)).collect();
        let discontinued: Vec<&GeneratedProduct> = items.iter().filter(|g| g.product.discontinued).collect();
        // ~1%.
        assert!((100..=320).contains(&discontinued.len()), "{}", discontinued.len());
        for g in discontinued {
            let succ = g.product.replaced_by.as_deref().expect("successor");
            let s = by_sku.get(succ).expect("successor in the set");
            assert!(!s.product.discontinued);
            assert_eq!(s.family, g.family);
        }
        assert!(items.iter().filter(|g| !g.product.discontinued).all(|g| g.product.replaced_by.is_none()));
    }

    #[test]
    fn tiers_start_at_one_ascend_and_get_cheaper() {
        for g in products(10_000, 5) {
            let t = &g.list_tiers;
            assert!(t.len() >= 2, "{:?}", g.product.sku);
            assert_eq!(t[0].min_qty, 1);
            for w in t.windows(2) {
                assert!(w[1].min_qty > w[0].min_qty);
                assert!(w[1].unit_price < w[0].unit_price);
            }
            assert!(t.iter().all(|x| x.unit_price > Decimal::ZERO));
            assert_eq!(g.vat_rate, Decimal::from(19));
        }
    }

    #[test]
    fn quantity_rules_are_consistent() {
        for g in products(10_000, 11) {
            let p = &g.product;
            let rules = procure_protocol::quantity::QuantityRules::of(p, &g.list_tiers);
            assert!(rules.is_valid(p.min_qty), "{} {}", p.sku, p.mpn);
            if g.family == "fasteners" {
                assert!([100, 200, 500].contains(&p.pack_size));
                assert_eq!(p.min_qty, p.pack_size);
                assert_eq!(g.list_tiers[0].unit_price.scale(), 4);
            }
            if g.family == "cable" {
                assert_eq!((p.unit.as_str(), p.min_qty, p.order_step), ("m", 10, 5));
            }
        }
    }

    #[test]
    fn families_and_type_numbers_look_real() {
        let items = products(20_000, 42);
        let families: HashSet<&str> = items.iter().map(|g| g.family).collect();
        for f in [
            "bearings",
            "fasteners",
            "contactors",
            "relays",
            "pneumatics",
            "cable",
            "sensors",
            "fuses",
            "terminals",
            "seals",
        ] {
            assert!(families.contains(f), "{f}");
        }
        let has = |s: &str| items.iter().any(|g| g.product.mpn == s);
        assert!(has("6205-2RSH/C3"));
        assert!(has("DIN 933 M8x25 A2-70"));
        assert!(has("ISO 4762 M6x20 12.9"));
        assert!(has("DIN 934 M10 8"));
        assert!(has("DIN 125 A 8,4 A2"));
        assert!(has("3RT2015-1BB41"));
        assert!(has("LC1D09BD"));
        assert!(has("DILM12-10(24VDC)"));
        assert!(has("QS-8-6"));
        assert!(has("KQ2H06-01AS"));
        assert!(items.iter().any(|g| g.product.name.contains("ÖLFLEX CLASSIC 110 3G1,5")));
        assert!(
            items
                .iter()
                .filter(|g| g.product.manufacturer == "LAPP")
                .all(|g| g.product.mpn.len() == 7 && g.product.mpn.bytes().all(|b| b.is_ascii_digit()))
        );
        // The same type number from several makers.
        let makers: HashSet<&str> = items
            .iter()
            .filter(|g| g.product.mpn.starts_with("6205-2RS"))
            .map(|g| g.product.manufacturer.as_str())
            .collect();
        assert!(makers.len() >= 3, "{makers:?}");
        let bearing = items.iter().find(|g| g.product.mpn == "6205-2RSH/C3").expect("bearing");
        assert!(bearing.product.name.contains("25x52x15"));
        let zero_stock = items.iter().filter(|g| g.product.stock == 0).count();
        assert!(zero_stock > 1_000 && zero_stock < 6_000);
        let certs = items
            .iter()
            .flat_map(|g| &g.product.documents)
            .filter(|d| d.title == "3.1 material certificate EN 10204")
            .count();
        assert!(certs > 100);
        assert!(
            items
                .iter()
                .all(|g| { g.product.documents.iter().all(|d| d.url.starts_with("https://docs.supplier.example/")) })
        );
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slug("ÖLFLEX CLASSIC 110 3G1,5"), "oelflex-classic-110-3g1-5");
        assert_eq!(slug("6205-2RSH/C3"), "6205-2rsh-c3");
        assert_eq!(slug("DILM12-10(24VDC)"), "dilm12-10-24vdc");
    }
}
