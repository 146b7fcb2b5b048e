//! Type-number search: normalisation, index, ranking. Pure and benchmarked.
//!
//! Buyers look parts up by type number, typed the way they remember it:
//! `62052rs` must find `6205-2RSH/C3`, `m8x25` must find `DIN 933 M8x25 A2-70`.
//! So everything is compared in a normalised form (lowercase alphanumerics,
//! separators dropped), and hits are ranked by how well they match:
//! exact type numbers, then prefixes, then substrings, then fuzzy
//! (subsequence) matches. Within a class, parts the company ordered before
//! come first.
//!
//! `benches/search.rs` measures build time and per-keystroke latency on
//! generated catalogs of 50,000 and 1,000,000 parts.

mod docs;
mod file;
mod fuzzy;
mod highlight;
mod index;
mod lazy;
mod masks;
mod query;
mod refine;
mod suggest;
mod topk;
mod update;

#[cfg(test)]
mod tests;

pub use docs::{DocList, DocRef};
pub use file::{IndexDelta, IndexFile, IndexFileError};
pub use index::SearchIndex;

/// Lowercase alphanumerics only, unicode-aware: separators, spaces and
/// punctuation vanish. `"6205-2RSH/C3"` → `"62052rshc3"`,
/// `"DIN 933 M8x25"` → `"din933m8x25"`, `"ÖLFLEX"` → `"ölflex"`.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_normalized(&mut out, s, usize::MAX);
    out
}

/// Appends the normalised form of `s`, at most `cap` bytes of it (cut at a
/// character boundary).
pub(crate) fn push_normalized(out: &mut String, s: &str, cap: usize) {
    let limit = out.len().saturating_add(cap);
    for c in s.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                if out.len() >= limit {
                    return;
                }
                out.push(c.to_ascii_lowercase());
            }
        } else if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                if out.len() + l.len_utf8() > limit {
                    return;
                }
                out.push(l);
            }
        }
    }
}

/// What the index knows of a part.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchDoc {
    pub sku: String,
    pub mpn: String,
    pub gtin: String,
    pub manufacturer: String,
    pub name: String,
}

/// How a part matched; the order is the ranking order (`Exact` best).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchKind {
    /// The whole query is the part's sku, mpn or gtin.
    Exact,
    /// The query starts the part's sku or mpn (or ≥ 7 digits of its gtin).
    Prefix,
    /// Every word of the query occurs in sku, mpn, manufacturer or name.
    Contains,
    /// Every word occurs, some only as a subsequence of one field.
    Fuzzy,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: u32,
    pub kind: MatchKind,
    /// Higher is better within `kind`: the company's order count dominates,
    /// then closeness (for fuzzy hits the SkimMatcherV2 score). Hits come
    /// already ranked; the score is for display and debugging.
    pub score: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchResult {
    /// The best `limit` hits, best first.
    pub hits: Vec<Hit>,
    /// How many parts match in all, whatever the limit: every part that
    /// contains every word (or matches by its gtin), and the fuzzy matches
    /// when fewer than 50 parts match so.
    pub total: usize,
}

/// Character indices into the original sku, mpn and name that matched, for
/// highlighting. Sorted, without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Highlights {
    pub sku: Vec<usize>,
    pub mpn: Vec<usize>,
    pub name: Vec<usize>,
}
