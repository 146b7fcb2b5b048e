//! Fuzzy (subsequence) matches: "6205rs" finds "6205-2RS", "contctor" finds
//! "contactor". A word matches a part if it occurs in it, or occurs as a
//! subsequence of one of its fields; at least one word must be only a
//! subsequence (else the part is a plain `Contains` hit).
//!
//! Skus and gtins are left out: they are arbitrary digits, in which nearly
//! any short number is a subsequence ("did you mean" covers sku typos).
//!
//! Cheap first: masks of the characters and adjacent pairs in each part
//! reject most parts with a few ANDs, a tight subsequence test (memchr per
//! character, bounded gaps) and a gap count keep the likely best few, and
//! only those are scored with SkimMatcherV2.

use super::MatchKind;
use super::index::{Field, SearchIndex};
use super::query::Query;
use fuzzy_matcher::FuzzyMatcher;
use memchr::memmem::Finder;

/// How a greedy subsequence match from one start ended.
enum Attempt {
    /// The word ends here (exclusive).
    End(usize),
    /// The window grew past the allowed gaps: a later start may still fit.
    TooLoose,
    /// The hay ran out: no later start can fit either.
    Exhausted,
}

/// Greedy subsequence match of `word` (whose first byte is at `first`) in
/// `hay`, giving up once the window is longer than `window`. A plain byte
/// loop: fields are short, where a call per character costs more than the
/// bytes it skips.
#[inline]
fn subsequence_end(hay: &[u8], word: &[u8], first: usize, window: usize) -> Attempt {
    let rest = word.get(1..).unwrap_or(&[]);
    if rest.is_empty() {
        return Attempt::End(first + 1);
    }
    let mut k = 0;
    let limit = first + window;
    for (at, b) in hay.iter().enumerate().skip(first + 1) {
        if at >= limit {
            return Attempt::TooLoose;
        }
        if *b == rest[k] {
            k += 1;
            if k == rest.len() {
                return Attempt::End(at + 1);
            }
        }
    }
    Attempt::Exhausted
}

/// The tightest greedy subsequence match of `word` in `hay`, if its gaps
/// stay within `max_gaps`: (first, end). Of equally tight matches, the
/// first.
pub(crate) fn subsequence(hay: &[u8], word: &[u8], max_gaps: usize) -> Option<(usize, usize)> {
    let (&head, _) = word.split_first()?;
    let window = word.len() + max_gaps;
    let mut best: Option<(usize, usize)> = None;
    let mut from = 0;
    while let Some(off) = hay.get(from..)?.iter().position(|&b| b == head) {
        let first = from + off;
        match subsequence_end(hay, word, first, window) {
            Attempt::End(end) => {
                if best.is_none_or(|(f, e)| end - first < e - f) {
                    best = Some((first, end));
                    if end - first == word.len() {
                        break;
                    }
                }
            }
            Attempt::TooLoose => {}
            // Past the last start that can still fit the word: stop.
            Attempt::Exhausted => break,
        }
        from = first + 1;
    }
    best
}

/// Gaps allowed inside a fuzzy match: a few left-out characters, not a
/// word scattered over a long name.
pub(crate) fn max_gaps(word_len: usize) -> usize {
    word_len / 3 + 1
}

/// Shorter words match only as they are: "a2" or "m8" as a subsequence
/// would fit almost anything.
pub(crate) const FUZZY_WORD_MIN: usize = 3;

/// Extra cost of a subsequence match in a field: type numbers first.
pub(crate) fn field_penalty(field: Field) -> u32 {
    match field {
        Field::Sku | Field::Mpn => 0,
        Field::Manufacturer => 4,
        Field::Name => 8,
    }
}

/// The fields fuzzy matching looks at.
pub(crate) const TEXT_FIELDS: [Field; 3] = [Field::Mpn, Field::Manufacturer, Field::Name];

impl SearchIndex {
    /// The best `want` of the likely best fuzzy hits `pre`, rescored with
    /// SkimMatcherV2 (the words that occur in a part add nothing).
    pub(crate) fn rescore(&self, q: &Query, pre: Vec<(u64, u32)>, want: usize) -> Vec<(u64, u32)> {
        let finders: Vec<Finder> = q.words.iter().map(|w| Finder::new(w.as_bytes())).collect();
        let mut scored: Vec<(u64, u32)> = pre
            .into_iter()
            .filter_map(|(_, id)| {
                let bytes = self.doc_bytes(id as usize);
                let mut score = 0i64;
                for (w, f) in q.words.iter().zip(&finders) {
                    if f.find(bytes).is_some() {
                        continue;
                    }
                    score += TEXT_FIELDS
                        .iter()
                        .filter_map(|&field| self.matcher.fuzzy_match(self.field(id, field), w))
                        .max()?;
                }
                let closeness = 0xFFFF - score.clamp(0, 0xFFFF) as u16;
                Some((self.rank_of(id, MatchKind::Fuzzy, closeness), id))
            })
            .collect();
        scored.sort_unstable();
        scored.truncate(want);
        scored
    }
}
