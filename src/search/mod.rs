//! Type-number search: normalisation, index, ranking. Pure and benchmarked.
//! (Interim version: a linear scan; replaced by the indexed engine.)

pub fn normalize(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(|c| c.to_lowercase()).collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct SearchDoc {
    pub sku: String,
    pub mpn: String,
    pub gtin: String,
    pub manufacturer: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchKind {
    Exact,
    Prefix,
    Contains,
    Fuzzy,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub id: u32,
    pub kind: MatchKind,
    pub score: i64,
}

#[derive(Debug, Clone, Default)]
pub struct SearchResult {
    pub hits: Vec<Hit>,
    pub total: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Highlights {
    pub sku: Vec<usize>,
    pub mpn: Vec<usize>,
    pub name: Vec<usize>,
}

pub struct SearchIndex {
    docs: Vec<SearchDoc>,
    boosts: std::collections::HashMap<String, u32>,
}

impl SearchIndex {
    pub fn new(docs: Vec<SearchDoc>) -> Self {
        SearchIndex { docs, boosts: Default::default() }
    }
    pub fn set_boosts(&mut self, boosts: impl IntoIterator<Item = (String, u32)>) {
        self.boosts = boosts.into_iter().collect();
    }
    pub fn len(&self) -> usize {
        self.docs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
    pub fn doc(&self, id: u32) -> &SearchDoc {
        &self.docs[id as usize]
    }
    pub fn find_sku(&self, sku: &str) -> Option<u32> {
        let n = normalize(sku);
        self.docs.iter().position(|d| normalize(&d.sku) == n).map(|i| i as u32)
    }
    pub fn suggest(&self, unknown: &str, n: usize) -> Vec<String> {
        let q = normalize(unknown);
        let q = &q[..q.len().min(4)];
        self.docs.iter().filter(|d| normalize(&d.sku).starts_with(q)).take(n).map(|d| d.sku.clone()).collect()
    }
    pub fn highlight(&self, _id: u32, _query: &str) -> Highlights {
        Highlights::default()
    }
    pub fn search(&self, query: &str, limit: usize) -> SearchResult {
        let words: Vec<String> = query.split_whitespace().map(normalize).filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return SearchResult::default();
        }
        let joined = words.concat();
        let mut hits: Vec<Hit> = Vec::new();
        for (i, d) in self.docs.iter().enumerate() {
            let keys = [normalize(&d.sku), normalize(&d.mpn), normalize(&d.gtin)];
            let kind = if keys.contains(&joined) {
                MatchKind::Exact
            } else if keys.iter().any(|k| k.starts_with(&joined)) {
                MatchKind::Prefix
            } else {
                let hay =
                    format!("{}{}{}{}{}", keys[0], keys[1], keys[2], normalize(&d.manufacturer), normalize(&d.name));
                if words.iter().all(|w| hay.contains(w.as_str())) {
                    MatchKind::Contains
                } else {
                    continue;
                }
            };
            let boost = self.boosts.get(&d.sku).copied().unwrap_or(0) as i64;
            hits.push(Hit { id: i as u32, kind, score: boost });
        }
        hits.sort_by(|a, b| a.kind.cmp(&b.kind).then(b.score.cmp(&a.score)));
        let total = hits.len();
        hits.truncate(limit);
        SearchResult { hits, total }
    }
}
