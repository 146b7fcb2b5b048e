//! The parts as the shop spelled them, packed: one string with every
//! part's sku, mpn, gtin, manufacturer and name back to back, and per part
//! where it starts and how long its first four fields are. A million parts
//! are then two allocations instead of five million, and the list is
//! written to and read from the index file as it is.

use super::SearchDoc;

/// Longest original field kept (bytes); longer ones are cut at a
/// character boundary.
const MAX_ORIGINAL: usize = u16::MAX as usize;

/// A packed list of parts, in the order they are pushed (their ids).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocList {
    pub(crate) text: String,
    /// Where each part starts in `text`; one extra entry for the end.
    pub(crate) starts: Vec<usize>,
    /// Byte lengths of the sku, mpn, gtin and manufacturer; the name is the rest.
    pub(crate) lens: Vec<[u16; 4]>,
}

/// One part of a [`DocList`], borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocRef<'a> {
    pub sku: &'a str,
    pub mpn: &'a str,
    pub gtin: &'a str,
    pub manufacturer: &'a str,
    pub name: &'a str,
}

impl DocRef<'_> {
    pub fn to_doc(&self) -> SearchDoc {
        SearchDoc {
            sku: self.sku.to_string(),
            mpn: self.mpn.to_string(),
            gtin: self.gtin.to_string(),
            manufacturer: self.manufacturer.to_string(),
            name: self.name.to_string(),
        }
    }
}

/// `s` cut to at most `max` bytes at a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

impl DocList {
    pub fn new() -> Self {
        DocList { text: String::new(), starts: vec![0], lens: Vec::new() }
    }

    pub fn with_capacity(parts: usize, bytes: usize) -> Self {
        let mut starts = Vec::with_capacity(parts + 1);
        starts.push(0);
        DocList { text: String::with_capacity(bytes), starts, lens: Vec::with_capacity(parts) }
    }

    pub fn push(&mut self, d: DocRef<'_>) {
        let mut lens = [0u16; 4];
        for (slot, field) in lens.iter_mut().zip([d.sku, d.mpn, d.gtin, d.manufacturer]) {
            let f = cut(field, MAX_ORIGINAL);
            self.text.push_str(f);
            *slot = f.len() as u16;
        }
        self.text.push_str(cut(d.name, MAX_ORIGINAL));
        self.lens.push(lens);
        self.starts.push(self.text.len());
    }

    pub fn push_doc(&mut self, d: &SearchDoc) {
        self.push(DocRef { sku: &d.sku, mpn: &d.mpn, gtin: &d.gtin, manufacturer: &d.manufacturer, name: &d.name });
    }

    pub fn len(&self) -> usize {
        self.lens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }

    /// Part `i`. Panics on an id not in the list.
    #[inline]
    pub fn get(&self, i: usize) -> DocRef<'_> {
        let s = self.starts[i];
        let [a, b, c, d] = self.lens[i].map(usize::from);
        let f = |from: usize, to: usize| self.text.get(from..to).unwrap_or("");
        DocRef {
            sku: f(s, s + a),
            mpn: f(s + a, s + a + b),
            gtin: f(s + a + b, s + a + b + c),
            manufacturer: f(s + a + b + c, s + a + b + c + d),
            name: f(s + a + b + c + d, self.starts[i + 1]),
        }
    }

    /// The sku of part `i`, without building the rest.
    #[inline]
    pub fn sku(&self, i: usize) -> &str {
        let s = self.starts[i];
        self.text.get(s..s + usize::from(self.lens[i][0])).unwrap_or("")
    }

    /// Where the part with exactly this sku is, in a list in sku order
    /// (as the catalog lists its parts).
    pub fn position(&self, sku: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.sku(mid).cmp(sku) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// The skus alone, in the same order: what an index file keeps (the
    /// other texts live in the catalog).
    pub(crate) fn skus_only(&self) -> DocList {
        let mut out = DocList::with_capacity(self.len(), self.len() * 10);
        for i in 0..self.len() {
            let sku = self.sku(i);
            out.push(DocRef { sku, mpn: "", gtin: "", manufacturer: "", name: "" });
        }
        out
    }

    /// Whether the offsets fit the text (an index file read back).
    pub(crate) fn is_consistent(&self) -> bool {
        self.starts.len() == self.lens.len() + 1
            && self.starts.first() == Some(&0)
            && self.starts.last() == Some(&self.text.len())
            && self
                .starts
                .windows(2)
                .zip(&self.lens)
                .all(|(w, l)| w[0] <= w[1] && l.iter().map(|&x| usize::from(x)).sum::<usize>() <= w[1] - w[0])
    }
}

impl From<&[SearchDoc]> for DocList {
    fn from(docs: &[SearchDoc]) -> Self {
        let bytes = docs.iter().map(|d| d.sku.len() + d.mpn.len() + d.gtin.len() + d.manufacturer.len() + d.name.len());
        let mut list = DocList::with_capacity(docs.len(), bytes.sum());
        for d in docs {
            list.push_doc(d);
        }
        list
    }
}
