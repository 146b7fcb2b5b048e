//! Which characters of a hit's sku, mpn and name matched, for the TUI.
//! Computed per visible row only, so it may allocate freely.

use super::index::SearchIndex;
use super::query::Query;
use super::{Highlights, push_normalized};
use fuzzy_matcher::FuzzyMatcher;

/// A field normalised, remembering for each normalised byte the index of
/// the original character it came from.
struct Mapped {
    norm: String,
    origin: Vec<usize>,
}

impl Mapped {
    fn new(text: &str) -> Self {
        let mut norm = String::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        let mut buf = [0u8; 4];
        for (ci, c) in text.chars().enumerate() {
            push_normalized(&mut norm, c.encode_utf8(&mut buf), usize::MAX);
            origin.resize(norm.len(), ci);
        }
        Mapped { norm, origin }
    }

    /// Original character indices of the normalised bytes `from..to`.
    fn chars(&self, from: usize, to: usize, out: &mut Vec<usize>) {
        out.extend(self.origin.get(from..to).unwrap_or(&[]).iter().copied());
    }

    /// Byte offset of each character of `norm`, for fuzzy char indices.
    fn char_starts(&self) -> Vec<usize> {
        self.norm.char_indices().map(|(b, _)| b).collect()
    }
}

impl SearchIndex {
    /// Character indices of `query`'s matches in part `id`'s sku, mpn and
    /// name. A word that occurs in some field is marked where it occurs; a
    /// word that only matched fuzzily is marked in the field it fits best.
    pub fn highlight(&self, id: u32, query: &str) -> Highlights {
        if id as usize >= self.len() {
            return Highlights::default();
        }
        let doc = self.doc_ref(id);
        self.highlight_texts(doc.sku, doc.mpn, doc.name, query)
    }

    /// `highlight` for a part's sku, mpn and name given as they are shown
    /// (an index read from its file keeps only the skus).
    pub fn highlight_texts(&self, sku: &str, mpn: &str, name: &str, query: &str) -> Highlights {
        let q = Query::parse(query);
        let fields = [Mapped::new(sku), Mapped::new(mpn), Mapped::new(name)];
        let mut marks: [Vec<usize>; 3] = Default::default();

        // The whole query as exact or prefix type number.
        if !q.joined.is_empty() {
            for (f, m) in fields.iter().zip(marks.iter_mut()).take(2) {
                if f.norm.starts_with(&q.joined) {
                    f.chars(0, q.joined.len(), m);
                }
            }
        }
        for word in &q.words {
            let mut found = false;
            for (f, m) in fields.iter().zip(marks.iter_mut()) {
                if let Some(at) = f.norm.find(word.as_str()) {
                    f.chars(at, at + word.len(), m);
                    found = true;
                }
            }
            if found {
                continue;
            }
            let best = fields
                .iter()
                .enumerate()
                .filter_map(|(k, f)| self.matcher.fuzzy_indices(&f.norm, word).map(|(score, idx)| (score, k, idx)))
                .max_by_key(|(score, k, _)| (*score, std::cmp::Reverse(*k)));
            if let Some((_, k, char_idx)) = best {
                let f = &fields[k];
                let starts = f.char_starts();
                for c in char_idx {
                    if let Some(&b) = starts.get(c) {
                        marks[k].push(f.origin.get(b).copied().unwrap_or(0));
                    }
                }
            }
        }
        let [mut sku, mut mpn, mut name] = marks;
        for m in [&mut sku, &mut mpn, &mut name] {
            m.sort_unstable();
            m.dedup();
        }
        Highlights { sku, mpn, name }
    }
}
