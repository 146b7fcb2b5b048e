//! Offers of several suppliers compared at the buyer's quantity, and a
//! list split over suppliers. Pure: the service finds each supplier's
//! listings; this decides which listings are the same part, what each
//! offer costs at the quantity that would really have to be ordered, which
//! offer is best and why, and which suppliers a list is best split over.
//!
//! The rules, in the buyer's words (README, "Comparing suppliers"):
//! - **The same part** is the same maker (after the alias table) and the
//!   same normalised type number, or the same GTIN. The same type number
//!   from two makers stays two parts.
//! - **An offer** is priced at its order quantity: the quantity asked,
//!   raised to the part's minimum, pack and order step (the protocol's
//!   quantity rules), at the buyer's tier for that quantity. It covers the
//!   quantity when the stock does; it arrives by the shop's working-day
//!   rule.
//! - **Currencies** are compared in one: an offer's extended price × the
//!   buyer's rate, rounded to cents. An offer without a rate is listed,
//!   not ranked.
//! - **The best offer** (`By::Cost`): the cheapest that covers the quantity
//!   from stock; when none does, the earliest arrival, then the cheapest
//!   (a backorder). `By::Date`: the earliest arrival, then the cheapest.

use crate::api::{Product, Tier};
use crate::core::money;
use crate::core::pricing::QuantityEntry;
use crate::search::{MatchKind, normalize};
use chrono::NaiveDate;
use procure_protocol::delivery::earliest_delivery;
use procure_protocol::limits::MAX_QUANTITY;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What the best offer is chosen by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum By {
    /// The cheapest that covers the quantity from stock.
    #[default]
    Cost,
    /// The earliest arrival, then the cheapest.
    Date,
}

impl By {
    pub fn as_str(self) -> &'static str {
        match self {
            By::Cost => "cost",
            By::Date => "date",
        }
    }
}

/// Legal forms that end a maker's name and say nothing about who it is.
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "llp",
    "lp",
    "plc",
    "gmbh",
    "mbh",
    "ag",
    "kg",
    "kgaa",
    "se",
    "sa",
    "sas",
    "sarl",
    "spa",
    "srl",
    "bv",
    "nv",
    "ab",
    "asa",
    "oy",
    "oyj",
    "kk",
    "pty",
    "pte",
];

/// A maker's name as it compares, without the alias table: lowercase
/// letters and digits of its words, accents folded, a trailing legal form
/// dropped ("Würth GmbH & Co. KG" → "wurth", "Texas Instruments Inc." →
/// "texasinstruments", "Pepperl + Fuchs" → "pepperlfuchs").
pub fn maker_key(name: &str) -> String {
    let mut words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().flat_map(char::to_lowercase).map(fold).collect::<String>())
        .collect();
    while words.len() > 1 && words.last().is_some_and(|w| LEGAL_FORMS.contains(&w.as_str())) {
        words.pop();
    }
    words.concat()
}

/// A letter without its accent (the ones Western makers' names carry).
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'ß' => 's',
        c => c,
    }
}

/// The maker alias table: names that mean one maker.
#[derive(Debug, Clone, Default)]
pub struct Makers {
    /// Key of a name → key and name of the maker it means.
    alias: HashMap<String, (String, String)>,
}

impl Makers {
    /// From `[compare.manufacturers]`: maker → the other names it goes by.
    pub fn new(table: &BTreeMap<String, Vec<String>>) -> Makers {
        let mut alias = HashMap::new();
        for (maker, others) in table {
            let key = maker_key(maker);
            if key.is_empty() {
                continue;
            }
            for name in std::iter::once(maker).chain(others) {
                let k = maker_key(name);
                if !k.is_empty() {
                    alias.insert(k, (key.clone(), maker.clone()));
                }
            }
        }
        Makers { alias }
    }

    /// What a maker's name compares by: the key of the maker it means.
    pub fn key(&self, name: &str) -> String {
        let k = maker_key(name);
        match self.alias.get(&k) {
            Some((key, _)) => key.clone(),
            None => k,
        }
    }

    /// The table's name of a maker, if the table knows it.
    pub fn name(&self, name: &str) -> Option<&str> {
        self.alias.get(&maker_key(name)).map(|(_, n)| n.as_str())
    }
}

/// The buyer's exchange rates: what one unit of a currency is worth in the
/// currency offers are compared in.
#[derive(Debug, Clone, PartialEq)]
pub struct Rates {
    /// The currency offers are compared in (ISO 4217, upper case).
    pub currency: String,
    rates: BTreeMap<String, Decimal>,
}

impl Rates {
    /// `rates`: currency → one unit of it in `currency`.
    pub fn new(currency: &str, rates: impl IntoIterator<Item = (String, Decimal)>) -> Rates {
        Rates {
            currency: currency.trim().to_ascii_uppercase(),
            rates: rates.into_iter().map(|(c, r)| (c.trim().to_ascii_uppercase(), r)).collect(),
        }
    }

    /// One unit of `currency` in the comparison currency; `None` without a rate.
    pub fn rate(&self, currency: &str) -> Option<Decimal> {
        let c = currency.trim().to_ascii_uppercase();
        if c == self.currency { Some(Decimal::ONE) } else { self.rates.get(&c).copied() }
    }
}

/// A part as one supplier lists it, with the buyer's tiers there: what the
/// service found, before pricing.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub supplier: String,
    /// The currency of the supplier's price list.
    pub currency: String,
    pub product: Product,
    /// The buyer's tiers (empty: price on request).
    pub tiers: Vec<Tier>,
    /// How it matched what was asked for (`None`: found as the same part as
    /// one that matched).
    pub matched: Option<MatchKind>,
}

fn is_one(d: &Decimal) -> bool {
    *d == Decimal::ONE
}

/// A cheaper total at a larger quantity: the next tiers of an offer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BuyUp {
    pub quantity: u32,
    /// The price of the tier, for `base_quantity` units.
    pub unit_price: Decimal,
    #[serde(skip_serializing_if = "is_one")]
    pub base_quantity: Decimal,
    #[serde(serialize_with = "money::amount::serialize")]
    pub extended: Decimal,
    /// In the comparison currency (`None` without a rate).
    #[serde(serialize_with = "money::amount::serialize_option")]
    pub converted: Option<Decimal>,
    /// Whether the stock covers the larger quantity.
    pub covers: bool,
}

/// One supplier's offer for a part, at the quantity asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Offer {
    pub supplier: String,
    pub sku: String,
    /// The maker and type number as this supplier spells them.
    pub manufacturer: String,
    pub type_number: String,
    pub gtin: String,
    pub name: String,
    pub pack_size: u32,
    /// The least that can be ordered: the part's minimum, or where the
    /// buyer's tiers start when that is higher.
    pub min_qty: u32,
    pub order_step: u32,
    /// What would have to be ordered: the quantity asked, raised to the
    /// part's minimum, pack and step; `None` when no valid quantity is
    /// within the limits.
    pub order_quantity: Option<u32>,
    /// Why the order quantity is above the quantity asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raised: Option<String>,
    /// The buyer's price at the order quantity (`None`: price on request),
    /// for `base_quantity` units.
    pub unit_price: Option<Decimal>,
    /// How many units `unit_price` is for: 1 unless a Peppol catalogue
    /// prices per several; left out of the JSON when 1.
    #[serde(skip_serializing_if = "is_one")]
    pub base_quantity: Decimal,
    /// Unit price × order quantity, rounded to cents.
    #[serde(serialize_with = "money::amount::serialize_option")]
    pub extended: Option<Decimal>,
    pub currency: String,
    /// One unit of `currency` in the comparison currency.
    pub rate: Option<Decimal>,
    /// `extended` × `rate`, rounded to cents.
    #[serde(serialize_with = "money::amount::serialize_option")]
    pub converted: Option<Decimal>,
    pub stock: u32,
    /// The stock covers the order quantity.
    pub covers: bool,
    pub lead_time_days: u32,
    /// When it would arrive if ordered today (the shop's working-day rule).
    pub arrives: NaiveDate,
    pub price_on_request: bool,
    pub discontinued: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<String>,
    /// Why it is not ranked (`None`: it is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_ranked: Option<String>,
    pub best: bool,
    /// A larger quantity at a next tier that costs less in total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buy_up: Option<BuyUp>,
    /// How it matched what was asked for ("exact", "prefix", "contains",
    /// "fuzzy"; `None`: found as the same part as one that matched).
    #[serde(skip)]
    pub matched: Option<MatchKind>,
}

impl Offer {
    /// Priced at `asked` on `today`, converted with `rates`.
    pub fn price(l: &Listing, asked: u32, today: NaiveDate, rates: &Rates) -> Offer {
        let p = &l.product;
        let rules = QuantityEntry::of(p, &l.tiers).rules;
        let next = rules.next_valid(asked.max(1));
        let order_quantity = (next <= MAX_QUANTITY && rules.is_valid(next)).then_some(next);
        let raised = order_quantity.filter(|&q| q > asked).map(|_| {
            if asked < rules.smallest() {
                format!("minimum {}", rules.smallest())
            } else if rules.pack_size > 1 && !asked.is_multiple_of(rules.pack_size) {
                format!("packs of {}", rules.pack_size)
            } else {
                format!("steps of {} from {}", rules.order_step, rules.min_qty)
            }
        });
        let tier = order_quantity.and_then(|q| money::tier_for(&l.tiers, q));
        let unit_price = tier.map(|t| t.unit_price);
        let base_quantity = tier.map_or(Decimal::ONE, |t| t.base_quantity);
        let extended = order_quantity.zip(tier).and_then(|(q, t)| t.checked_line_total(q));
        let rate = rates.rate(&l.currency);
        let converted = extended.zip(rate).and_then(|(e, r)| money::convert(e, r));
        let qty = order_quantity.unwrap_or(asked);
        let covers = p.stock >= qty;
        let not_ranked = if order_quantity.is_none() {
            Some(format!("no valid quantity from {asked} within the limits"))
        } else if p.discontinued {
            Some(match &p.replaced_by {
                Some(s) => format!("discontinued (successor {s})"),
                None => "discontinued".to_string(),
            })
        } else if l.tiers.is_empty() {
            Some("price on request".to_string())
        } else if rate.is_none() {
            Some(format!("no rate for {} in [compare] rates", l.currency))
        } else if converted.is_none() {
            Some("too large to compare".to_string())
        } else {
            None
        };
        let mut offer = Offer {
            supplier: l.supplier.clone(),
            sku: p.sku.clone(),
            manufacturer: p.manufacturer.clone(),
            type_number: p.mpn.clone(),
            gtin: p.gtin.clone(),
            name: p.name.clone(),
            pack_size: rules.pack_size,
            min_qty: rules.minimum(),
            order_step: rules.order_step,
            order_quantity,
            raised,
            unit_price,
            base_quantity,
            extended,
            currency: l.currency.clone(),
            rate,
            converted,
            stock: p.stock,
            covers,
            lead_time_days: p.lead_time_days,
            arrives: earliest_delivery(today, &[(p.stock, qty, p.lead_time_days)]),
            price_on_request: l.tiers.is_empty(),
            discontinued: p.discontinued,
            replaced_by: p.replaced_by.clone(),
            not_ranked,
            best: false,
            buy_up: None,
            matched: l.matched,
        };
        offer.buy_up = buy_up(l, &offer, &rules);
        offer
    }

    /// Whether it takes part in the ranking.
    pub fn ranked(&self) -> bool {
        self.not_ranked.is_none()
    }

    /// The converted amount of a ranked offer.
    fn cost(&self) -> Decimal {
        self.converted.unwrap_or(Decimal::MAX)
    }
}

/// The cheapest total at a quantity of a next tier, if it is cheaper than
/// the offer's (the smallest such quantity among equal totals).
fn buy_up(l: &Listing, o: &Offer, rules: &crate::core::quantity::QuantityRules) -> Option<BuyUp> {
    let (q, ext) = (o.order_quantity?, o.extended?);
    l.tiers
        .iter()
        .filter(|t| t.min_qty > q)
        .filter_map(|t| {
            let q2 = rules.next_valid(t.min_qty);
            if q2 <= q || q2 > MAX_QUANTITY || !rules.is_valid(q2) {
                return None;
            }
            let tier = money::tier_for(&l.tiers, q2)?;
            let (unit, total) = ((tier.unit_price, tier.base_quantity), tier.checked_line_total(q2)?);
            (total < ext).then_some((total, q2, unit))
        })
        .min_by_key(|&(total, q2, _)| (total, q2))
        .map(|(extended, quantity, (unit_price, base_quantity))| BuyUp {
            quantity,
            unit_price,
            base_quantity,
            extended,
            converted: o.rate.and_then(|r| money::convert(extended, r)),
            covers: o.stock >= quantity,
        })
}

/// The best offer of a part and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Best {
    pub supplier: String,
    pub sku: String,
    pub reason: String,
    /// No offer covers the quantity from stock: this one is ordered on backorder.
    pub backorder: bool,
}

/// A larger quantity of one offer that costs less than the best offer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartBuyUp {
    pub supplier: String,
    pub sku: String,
    pub quantity: u32,
    #[serde(serialize_with = "money::amount::serialize")]
    pub extended: Decimal,
    pub currency: String,
    #[serde(serialize_with = "money::amount::serialize")]
    pub converted: Decimal,
    /// The best offer's order quantity and converted amount it is cheaper than.
    pub instead_of_quantity: u32,
    #[serde(serialize_with = "money::amount::serialize")]
    pub instead_of: Decimal,
}

/// One part and every supplier's offer for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparedPart {
    /// The maker (the alias table's name when it knows the maker).
    pub manufacturer: String,
    pub type_number: String,
    pub name: String,
    /// How the part matched what was asked for: its best offer's class.
    #[serde(rename = "match")]
    pub matched: &'static str,
    pub best: Option<Best>,
    pub buy_up: Option<PartBuyUp>,
    /// Best first, then the other ranked offers in the rule's order, then
    /// the ones not ranked.
    pub offers: Vec<Offer>,
}

/// Listings grouped into parts: the same maker (by the alias table) and
/// normalised type number, or the same GTIN. A listing without a type
/// number or GTIN is a part of its own.
pub fn group(listings: Vec<Listing>, makers: &Makers) -> Vec<Vec<Listing>> {
    let mut listings = listings;
    // A listing found twice (by the query and as the same part) once.
    let mut seen = std::collections::HashSet::new();
    listings.retain(|l| seen.insert((l.supplier.clone(), l.product.sku.clone())));
    let n = listings.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (i, l) in listings.iter().enumerate() {
        let mpn = normalize(&l.product.mpn);
        let gtin = normalize(&l.product.gtin);
        let keys = [
            (!mpn.is_empty()).then(|| format!("m\u{1}{}\u{1}{mpn}", makers.key(&l.product.manufacturer))),
            (!gtin.is_empty()).then(|| format!("g\u{1}{gtin}")),
        ];
        for key in keys.into_iter().flatten() {
            match by_key.get(&key) {
                Some(&j) => {
                    let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                    parent[a.max(b)] = a.min(b);
                }
                None => {
                    by_key.insert(key, i);
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<Listing>> = BTreeMap::new();
    for (i, l) in listings.into_iter().enumerate() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(l);
    }
    groups.into_values().collect()
}

fn kind_str(k: Option<MatchKind>) -> &'static str {
    match k {
        Some(MatchKind::Exact) => "exact",
        Some(MatchKind::Prefix) => "prefix",
        Some(MatchKind::Contains) => "contains",
        Some(MatchKind::Fuzzy) => "fuzzy",
        None => "same part",
    }
}

/// The rule's order of ranked offers: smaller is better. By cost, the
/// offers that cover from stock first, by cost; then the backorders by
/// arrival, then cost. By date, by arrival, then cost.
fn rank_key(o: &Offer, by: By) -> (bool, NaiveDate, Decimal, String, String) {
    let (late, arrives) = match by {
        By::Cost if o.covers => (false, NaiveDate::MIN),
        By::Cost => (true, o.arrives),
        By::Date => (false, o.arrives),
    };
    (late, arrives, o.cost(), o.supplier.clone(), o.sku.clone())
}

/// The best of `offers` (indices into it) among those `allowed`, by the
/// rule, and the runner-up.
pub fn choose(offers: &[Offer], by: By, allowed: impl Fn(&Offer) -> bool) -> (Option<usize>, Option<usize>) {
    let mut ranked: Vec<usize> = (0..offers.len()).filter(|&i| offers[i].ranked() && allowed(&offers[i])).collect();
    ranked.sort_by_key(|&i| rank_key(&offers[i], by));
    (ranked.first().copied(), ranked.get(1).copied())
}

/// Why the best offer is the best.
fn reason(best: &Offer, offers: &[Offer], by: By, asked: u32) -> String {
    let ranked = offers.iter().filter(|o| o.ranked()).count();
    let covering = offers.iter().filter(|o| o.ranked() && o.covers).count();
    let compared = if ranked > covering { format!(" ({ranked} compared)") } else { String::new() };
    match by {
        By::Cost if best.covers && covering == 1 && ranked == 1 => {
            format!("the only offer that can be compared; it covers {asked} from stock")
        }
        By::Cost if best.covers && covering == 1 => {
            format!("the only one of the {ranked} offers compared that covers {asked} from stock")
        }
        By::Cost if best.covers => {
            format!("the cheapest of the {covering} offers that cover {asked} from stock{compared}")
        }
        By::Cost => {
            format!(
                "no offer covers {asked} from stock: the earliest arrival ({}), then the cheapest; a backorder",
                best.arrives
            )
        }
        By::Date => format!(
            "the earliest arrival ({}), then the cheapest, of {ranked} offer{}{}",
            best.arrives,
            if ranked == 1 { "" } else { "s" },
            if best.covers { "" } else { "; a backorder" }
        ),
    }
}

/// One part's listings priced at `asked` and ranked.
pub fn compare_part(
    listings: &[Listing],
    asked: u32,
    by: By,
    today: NaiveDate,
    rates: &Rates,
    makers: &Makers,
) -> ComparedPart {
    let mut offers: Vec<Offer> = listings.iter().map(|l| Offer::price(l, asked, today, rates)).collect();
    // The rule's order, the offers not ranked after (by supplier and SKU).
    offers.sort_by(|a, b| {
        (!a.ranked(), a.ranked().then(|| rank_key(a, by)), &a.supplier, &a.sku).cmp(&(
            !b.ranked(),
            b.ranked().then(|| rank_key(b, by)),
            &b.supplier,
            &b.sku,
        ))
    });
    let (best_at, _) = choose(&offers, by, |_| true);
    let best = best_at.map(|i| {
        offers[i].best = true;
        let o = &offers[i];
        Best {
            supplier: o.supplier.clone(),
            sku: o.sku.clone(),
            reason: reason(o, &offers, by, asked),
            backorder: !o.covers,
        }
    });
    let buy_up = best_at.and_then(|i| part_buy_up(&offers, &offers[i]));
    // The part as its best-matching listing spells it; the maker as the
    // alias table names it.
    let first = listings.iter().min_by_key(|l| (l.matched.is_none(), l.matched)).or(listings.first());
    let (maker, mpn, name) = first
        .map(|l| (l.product.manufacturer.as_str(), l.product.mpn.as_str(), l.product.name.as_str()))
        .unwrap_or_default();
    ComparedPart {
        manufacturer: makers.name(maker).unwrap_or(maker).to_string(),
        type_number: mpn.to_string(),
        name: name.to_string(),
        matched: kind_str(listings.iter().filter_map(|l| l.matched).min()),
        best,
        buy_up,
        offers,
    }
}

/// The cheapest larger quantity of any ranked offer that costs less than
/// the best offer (and, when the best covers from stock, is covered too).
fn part_buy_up(offers: &[Offer], best: &Offer) -> Option<PartBuyUp> {
    let instead_of = best.converted?;
    offers
        .iter()
        .filter(|o| o.ranked())
        .filter_map(|o| Some((o, o.buy_up.as_ref()?)))
        .filter(|(_, b)| b.converted.is_some_and(|c| c < instead_of) && (b.covers || !best.covers))
        .min_by_key(|(o, b)| (b.converted, b.quantity, o.supplier.clone(), o.sku.clone()))
        .map(|(o, b)| PartBuyUp {
            supplier: o.supplier.clone(),
            sku: o.sku.clone(),
            quantity: b.quantity,
            extended: b.extended,
            currency: o.currency.clone(),
            converted: b.converted.unwrap_or_default(),
            instead_of_quantity: best.order_quantity.unwrap_or_default(),
            instead_of,
        })
}

/// How a set of suppliers serves a list: per line the chosen offer (an
/// index into the line's offers), how many lines it places and what they
/// cost in all (the comparison currency), and when the last arrives.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    pub choices: Vec<Option<usize>>,
    pub placed: usize,
    pub total: Decimal,
    pub latest: Option<NaiveDate>,
}

/// Each line at its best offer among `suppliers` (all when `None`).
pub fn serve(lines: &[Vec<Offer>], by: By, suppliers: Option<&[&str]>) -> Served {
    let allowed = |o: &Offer| suppliers.is_none_or(|s| s.contains(&o.supplier.as_str()));
    let choices: Vec<Option<usize>> = lines.iter().map(|offers| choose(offers, by, allowed).0).collect();
    let picked = || lines.iter().zip(&choices).filter_map(|(offers, c)| c.map(|i| &offers[i]));
    Served {
        placed: picked().count(),
        total: picked().map(Offer::cost).fold(Decimal::ZERO, |a, c| a.checked_add(c).unwrap_or(Decimal::MAX)),
        latest: picked().map(|o| o.arrives).max(),
        choices,
    }
}

/// The most subsets of suppliers `best_suppliers` tries.
pub const MAX_SUBSETS: u64 = 100_000;

/// The set of at most `k` suppliers that places the most lines and, among
/// those, costs least in all (`By::Date`: whose last line arrives first,
/// then least), then has fewer suppliers: exact, by trying every subset of
/// at most `k` of the suppliers that offer anything (5 suppliers, any k:
/// at most 31 subsets). An error when that would be more than
/// [`MAX_SUBSETS`].
pub fn best_suppliers(lines: &[Vec<Offer>], by: By, k: usize) -> Result<(Vec<String>, Served, u64), String> {
    let mut names: Vec<&str> = lines.iter().flatten().filter(|o| o.ranked()).map(|o| o.supplier.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let n = names.len();
    let k = k.min(n);
    let subsets: u64 = (1..=k).map(|i| binomial(n as u64, i as u64)).fold(0u64, u64::saturating_add);
    if subsets > MAX_SUBSETS {
        return Err(format!(
            "{n} suppliers offer parts of the list: choosing the best {k} exactly means trying {subsets} combinations; \
             the most is {MAX_SUBSETS}: allow fewer suppliers"
        ));
    }
    let mut best: Option<(Vec<&str>, Served)> = None;
    let mut tried = 0u64;
    for mask in 1u64..(1u64 << n) {
        if mask.count_ones() as usize > k {
            continue;
        }
        tried += 1;
        let set: Vec<&str> = (0..n).filter(|i| mask & (1 << i) != 0).map(|i| names[i]).collect();
        let served = serve(lines, by, Some(&set));
        let better = match &best {
            None => true,
            Some((bs, b)) => {
                let score = |s: &Served, len: usize| {
                    let latest = if by == By::Date { s.latest } else { None };
                    (std::cmp::Reverse(s.placed), latest, s.total, len)
                };
                (score(&served, set.len()), &set) < (score(b, bs.len()), bs)
            }
        };
        if better {
            best = Some((set, served));
        }
    }
    match best {
        Some((set, served)) => Ok((set.into_iter().map(str::to_string).collect(), served, tried)),
        None => Ok((vec![], serve(lines, by, Some(&[])), tried)),
    }
}

fn binomial(n: u64, k: u64) -> u64 {
    (0..k).fold(1u64, |acc, i| acc.saturating_mul(n - i) / (i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Tuesday.
    const TODAY: &str = "2026-11-24";

    fn listing(supplier: &str, sku: &str, maker: &str, mpn: &str, tiers: &[(u32, Decimal)]) -> Listing {
        let mut product = crate::core::basket::tests::product(sku, 1, 1, 1);
        product.manufacturer = maker.into();
        product.mpn = mpn.into();
        product.stock = 1000;
        product.lead_time_days = 10;
        Listing {
            supplier: supplier.into(),
            currency: "EUR".into(),
            product,
            tiers: tiers.iter().map(|&(min_qty, unit_price)| Tier::new(min_qty, unit_price)).collect(),
            matched: Some(MatchKind::Exact),
        }
    }

    fn eur() -> Rates {
        Rates::new("EUR", [("USD".to_string(), dec!(0.86))])
    }

    fn part(listings: &[Listing], qty: u32, by: By) -> ComparedPart {
        compare_part(listings, qty, by, day(TODAY), &eur(), &Makers::default())
    }

    #[test]
    fn maker_names_compare_without_case_accents_and_legal_forms() {
        assert_eq!(maker_key("Würth GmbH & Co. KG"), "wurth");
        assert_eq!(maker_key("Texas Instruments Inc."), "texasinstruments");
        assert_eq!(maker_key("Pepperl + Fuchs"), "pepperlfuchs");
        assert_eq!(maker_key("AG"), "ag", "a name that is only a legal form stays");
        let table = BTreeMap::from([("Texas Instruments".to_string(), vec!["TI".to_string()])]);
        let makers = Makers::new(&table);
        assert_eq!(makers.key("TI"), makers.key("Texas Instruments Incorporated"));
        assert_ne!(makers.key("TI"), makers.key("Motorola"));
        assert_eq!(makers.name("ti"), Some("Texas Instruments"));
        assert_eq!(makers.name("Motorola"), None);
    }

    #[test]
    fn the_same_type_number_from_two_makers_stays_two_parts() {
        let table = BTreeMap::from([("Texas Instruments".to_string(), vec!["TI".to_string()])]);
        let makers = Makers::new(&table);
        let mut a = listing("a", "A-1", "TI", "SN74LS00N", &[]);
        let b = listing("b", "B-1", "Texas Instruments", "sn74ls00-n", &[]);
        let c = listing("c", "C-1", "Motorola", "SN74LS00N", &[]);
        let mut d = listing("d", "D-1", "Mot.", "74LS00", &[]);
        // The same GTIN is the same part, whatever the names say.
        a.product.gtin = "4000000000017".into();
        d.product.gtin = "4000000000017".into();
        let groups = group(vec![a.clone(), b, c, d, a], &makers);
        let skus: Vec<Vec<&str>> = groups.iter().map(|g| g.iter().map(|l| l.product.sku.as_str()).collect()).collect();
        assert_eq!(skus, vec![vec!["A-1", "B-1", "D-1"], vec!["C-1"]]);
        // Without the alias, TI and Texas Instruments are two makers.
        let plain = group(
            vec![
                listing("a", "A-1", "TI", "SN74LS00N", &[]),
                listing("b", "B-1", "Texas Instruments", "SN74LS00N", &[]),
            ],
            &Makers::default(),
        );
        assert_eq!(plain.len(), 2);
    }

    #[test]
    fn an_offer_is_priced_at_what_would_have_to_be_ordered() {
        // Minimum 100, packs of 50: 90 asked → 100 ordered, at the tier from 100.
        let mut l = listing("a", "A-1", "TI", "X", &[(1, dec!(0.50)), (100, dec!(0.40)), (1000, dec!(0.30))]);
        l.product.min_qty = 100;
        l.product.pack_size = 50;
        let o = Offer::price(&l, 90, day(TODAY), &eur());
        assert_eq!(o.order_quantity, Some(100));
        assert_eq!(o.raised.as_deref(), Some("minimum 100"));
        assert_eq!((o.unit_price, o.extended), (Some(dec!(0.40)), Some(dec!(40.00))));
        // Steps of 25 from 100: 110 → 125.
        l.product.pack_size = 1;
        l.product.order_step = 25;
        let o = Offer::price(&l, 110, day(TODAY), &eur());
        assert_eq!((o.order_quantity, o.raised.as_deref()), (Some(125), Some("steps of 25 from 100")));
        assert_eq!(o.extended, Some(dec!(50.00)));
        // Stock 120 does not cover 125: it arrives after the lead time (Tuesday + 10 days → Friday).
        l.product.stock = 120;
        let o = Offer::price(&l, 110, day(TODAY), &eur());
        assert!(!o.covers);
        assert_eq!(o.arrives, day("2026-12-04"));
        l.product.stock = 125;
        let o = Offer::price(&l, 110, day(TODAY), &eur());
        assert!(o.covers);
        assert_eq!(o.arrives, day("2026-11-25"), "from stock: the next working day");
    }

    #[test]
    fn currencies_are_compared_at_the_buyers_rates() {
        let mut usd = listing("us", "U-1", "TI", "X", &[(1, dec!(1.00))]);
        usd.currency = "USD".into();
        let eur = listing("eu", "E-1", "TI", "X", &[(1, dec!(0.90))]);
        let mut gbp = listing("gb", "G-1", "TI", "X", &[(1, dec!(0.10))]);
        gbp.currency = "GBP".into();
        let p = part(&[eur, usd, gbp], 7, By::Cost);
        let us = p.offers.iter().find(|o| o.supplier == "us").unwrap();
        // 7.00 USD × 0.86 = 6.02 EUR: cheaper than 6.30 EUR.
        assert_eq!((us.extended, us.converted, us.rate), (Some(dec!(7.00)), Some(dec!(6.02)), Some(dec!(0.86))));
        assert_eq!(p.best.as_ref().map(|b| b.supplier.as_str()), Some("us"));
        // GBP has no rate: listed, not ranked, however cheap.
        let gb = p.offers.last().unwrap();
        assert_eq!(gb.supplier, "gb");
        assert_eq!(gb.not_ranked.as_deref(), Some("no rate for GBP in [compare] rates"));
        assert_eq!(gb.converted, None);
        assert!(!gb.best);
    }

    #[test]
    fn the_best_offer_covers_the_quantity_from_stock() {
        let cheap = listing("cheap", "C-1", "TI", "X", &[(1, dec!(1.00))]);
        let mut short = listing("short", "S-1", "TI", "X", &[(1, dec!(0.50))]);
        short.product.stock = 5;
        let p = part(&[short.clone(), cheap.clone()], 10, By::Cost);
        let best = p.best.unwrap();
        assert_eq!((best.supplier.as_str(), best.backorder), ("cheap", false));
        assert!(best.reason.contains("covers 10 from stock"), "{}", best.reason);
        assert_eq!(p.offers[0].supplier, "cheap");
        // Nobody covers: the earliest arrival, then the cheapest, as a backorder.
        let mut slow = cheap.clone();
        slow.product.stock = 0;
        slow.product.lead_time_days = 30;
        let mut later_cheaper = short.clone();
        later_cheaper.product.sku = "S-2".into();
        later_cheaper.product.lead_time_days = 20;
        let p = part(&[slow, short.clone(), later_cheaper], 10, By::Cost);
        let best = p.best.unwrap();
        assert_eq!((best.sku.as_str(), best.backorder), ("S-1", true));
        assert!(best.reason.contains("a backorder"), "{}", best.reason);
        // By date: the earliest arrival wins over the cheaper covering one.
        let mut fast = listing("fast", "F-1", "TI", "X", &[(1, dec!(2.00))]);
        fast.product.stock = 10;
        let mut cheap_slow = cheap;
        cheap_slow.product.stock = 0;
        let p = part(&[cheap_slow.clone(), fast.clone()], 10, By::Date);
        assert_eq!(p.best.unwrap().supplier, "fast");
        let p = part(&[cheap_slow, fast], 10, By::Cost);
        assert_eq!(p.best.unwrap().supplier, "fast", "the only one that covers");
    }

    #[test]
    fn price_on_request_and_discontinued_are_listed_not_ranked() {
        let on_request = listing("a", "A-1", "TI", "X", &[]);
        let mut gone = listing("b", "B-1", "TI", "X", &[(1, dec!(0.10))]);
        gone.product.discontinued = true;
        gone.product.replaced_by = Some("B-2".into());
        let p = part(&[on_request, gone], 5, By::Cost);
        assert!(p.best.is_none());
        assert_eq!(p.offers[0].not_ranked.as_deref(), Some("price on request"));
        assert!(p.offers[0].price_on_request);
        assert_eq!(p.offers[1].not_ranked.as_deref(), Some("discontinued (successor B-2)"));
    }

    #[test]
    fn a_larger_quantity_that_costs_less_is_pointed_out() {
        // 90 × 0.50 = 45.00; 100 × 0.40 = 40.00; 1,000 × 0.05 = 50.00.
        let l = listing("a", "A-1", "TI", "X", &[(1, dec!(0.50)), (100, dec!(0.40)), (1000, dec!(0.05))]);
        let p = part(std::slice::from_ref(&l), 90, By::Cost);
        let b = p.offers[0].buy_up.clone().unwrap();
        assert_eq!((b.quantity, b.extended, b.covers), (100, dec!(40.00), true));
        let hint = p.buy_up.unwrap();
        assert_eq!(
            (hint.quantity, hint.converted, hint.instead_of_quantity, hint.instead_of),
            (100, dec!(40.00), 90, dec!(45.00))
        );
        // At 100 nothing larger is cheaper.
        assert!(part(std::slice::from_ref(&l), 100, By::Cost).buy_up.is_none());
        // Another supplier's larger quantity that beats the best one.
        let other = listing("b", "B-1", "TI", "X", &[(1, dec!(0.49)), (200, dec!(0.20))]);
        let p = part(&[l, other], 150, By::Cost);
        assert_eq!(p.best.as_ref().unwrap().supplier, "a", "150 × 0.40 = 60.00 < 150 × 0.49 = 73.50");
        let hint = p.buy_up.unwrap();
        assert_eq!((hint.supplier.as_str(), hint.quantity, hint.converted), ("b", 200, dec!(40.00)));
    }

    #[test]
    fn a_list_is_split_over_the_fewest_suppliers_at_the_least_total() {
        let offer = |supplier: &str, price: Decimal| {
            Offer::price(&listing(supplier, &format!("{supplier}-1"), "TI", "X", &[(1, price)]), 1, day(TODAY), &eur())
        };
        // Three lines; a is cheapest for line 1, b for 2, c for 3; b also
        // carries line 1 a little dearer.
        let lines = vec![
            vec![offer("a", dec!(1.00)), offer("b", dec!(1.10)), offer("c", dec!(5.00))],
            vec![offer("b", dec!(2.00)), offer("c", dec!(2.50))],
            vec![offer("c", dec!(3.00)), offer("b", dec!(3.20))],
        ];
        let free = serve(&lines, By::Cost, None);
        assert_eq!((free.placed, free.total), (3, dec!(6.00)));
        let (set, served, tried) = best_suppliers(&lines, By::Cost, 1).unwrap();
        assert_eq!((set, served.total, tried), (vec!["b".to_string()], dec!(6.30), 3));
        let (set, served, tried) = best_suppliers(&lines, By::Cost, 2).unwrap();
        assert_eq!((set, served.total, tried), (vec!["b".to_string(), "c".to_string()], dec!(6.10), 6));
        let (set, served, _) = best_suppliers(&lines, By::Cost, 3).unwrap();
        assert_eq!((set.len(), served.total), (3, dec!(6.00)));
        // Placing a line comes before its cost: a alone places only one.
        let (set, _, _) = best_suppliers(&lines[..1], By::Cost, 1).unwrap();
        assert_eq!(set, vec!["a".to_string()]);
        assert_eq!(binomial(5, 2), 10);
    }
}
