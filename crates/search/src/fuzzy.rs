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
use super::masks::WordMasks;
use super::query::Query;
use super::topk::TopK;
use fuzzy_matcher::FuzzyMatcher;
use memchr::memmem::Finder;

/// Greedy subsequence match of `word` in `hay` starting at `from`: the end.
#[inline]
fn subsequence_end(hay: &[u8], word: &[u8], from: usize) -> Option<usize> {
    let mut pos = from;
    for &b in word {
        pos += memchr::memchr(b, hay.get(pos..)?)? + 1;
    }
    Some(pos)
}

/// The tightest greedy subsequence match of `word` in `hay`, if its gaps
/// stay within `max_gaps`: (first, end).
pub(crate) fn subsequence(hay: &[u8], word: &[u8], max_gaps: usize) -> Option<(usize, usize)> {
    let (&head, _) = word.split_first()?;
    let mut best: Option<(usize, usize)> = None;
    let mut from = 0;
    while let Some(off) = memchr::memchr(head, hay.get(from..)?) {
        let first = from + off;
        // Past the last start that can still fit the word: stop.
        let Some(end) = subsequence_end(hay, word, first) else {
            break;
        };
        if best.is_none_or(|(f, e)| end - first < e - f) {
            best = Some((first, end));
            if end - first == word.len() {
                break;
            }
        }
        from = first + 1;
    }
    best.filter(|&(f, e)| e - f - word.len() <= max_gaps)
}

/// Gaps allowed inside a fuzzy match: a few left-out characters, not a
/// word scattered over a long name.
pub(crate) fn max_gaps(word_len: usize) -> usize {
    word_len / 3 + 1
}

/// Shorter words match only as they are: "a2" or "m8" as a subsequence
/// would fit almost anything.
const FUZZY_WORD_MIN: usize = 3;

/// Extra cost of a subsequence match in a field: type numbers first.
fn field_penalty(field: Field) -> u32 {
    match field {
        Field::Sku | Field::Mpn => 0,
        Field::Manufacturer => 4,
        Field::Name => 8,
    }
}

/// The fields fuzzy matching looks at.
const TEXT_FIELDS: [Field; 3] = [Field::Mpn, Field::Manufacturer, Field::Name];

impl SearchIndex {
    /// Up to `want` fuzzy hits (ranked) among parts not in `matched`
    /// (sorted), and how many parts matched fuzzily in all.
    pub(crate) fn fuzzy(&self, q: &Query, matched: &[u32], want: usize, split: bool) -> (Vec<(u64, u32)>, usize) {
        // Longer words first: they reject more parts sooner.
        let mut words: Vec<&str> = q.words.iter().map(String::as_str).collect();
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let filters: Vec<WordMasks> =
            words.iter().map(|w| WordMasks::new(w.as_bytes(), max_gaps(w.len()), w.len() >= FUZZY_WORD_MIN)).collect();
        let finders: Vec<Finder> = words.iter().map(|w| Finder::new(w.as_bytes())).collect();
        let keep = want.saturating_mul(3).max(24);
        let scan = |range: std::ops::Range<usize>| {
            let mut pre = TopK::new(keep);
            let mut count = 0usize;
            for i in range {
                // Every word must occur or fit, at least one fit.
                let m = &self.masks[i];
                if !filters.iter().all(|f| f.may_occur(m) || f.may_fit(m)) || !filters.iter().any(|f| f.may_fit(m)) {
                    continue;
                }
                let id = i as u32;
                if !matched.is_empty() && matched.binary_search(&id).is_ok() {
                    continue;
                }
                if let Some(cost) = self.fuzzy_cost(i, &words, &finders) {
                    count += 1;
                    pre.push(self.rank_of(id, MatchKind::Fuzzy, cost.min(0xFFFF) as u16), id);
                }
            }
            (pre, count)
        };
        let (pre, count) = if split {
            let mid = self.len() / 2;
            std::thread::scope(|s| {
                let upper = s.spawn(|| scan(mid..self.len()));
                let (mut pre, count) = scan(0..mid);
                match upper.join() {
                    Ok((other, more)) => {
                        for (r, id) in other.into_sorted() {
                            pre.push(r, id);
                        }
                        (pre, count + more)
                    }
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            })
        } else {
            scan(0..self.len())
        };

        // Rescore the likely best with SkimMatcherV2.
        let mut scored: Vec<(u64, u32)> = pre
            .into_sorted()
            .into_iter()
            .filter_map(|(_, id)| {
                let bytes = self.doc_bytes(id as usize);
                let mut score = 0i64;
                for (w, f) in words.iter().zip(&finders) {
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
        (scored, count)
    }

    /// If every word occurs in part `i` or is a tight subsequence of one of
    /// its text fields, and at least one only the latter: the summed cost.
    fn fuzzy_cost(&self, i: usize, words: &[&str], finders: &[Finder]) -> Option<u32> {
        let bytes = self.doc_bytes(i);
        let mut cost = 0u32;
        let mut fuzzy_words = 0;
        for (w, f) in words.iter().zip(finders) {
            if f.find(bytes).is_some() {
                continue;
            }
            if w.len() < FUZZY_WORD_MIN {
                return None;
            }
            cost += self.subsequence_cost(i, w.as_bytes())?;
            fuzzy_words += 1;
        }
        (fuzzy_words > 0).then_some(cost)
    }

    /// Lowest cost of `word` as a tight subsequence of one text field of part `i`.
    fn subsequence_cost(&self, i: usize, word: &[u8]) -> Option<u32> {
        let hay = self.hay.as_bytes();
        TEXT_FIELDS
            .iter()
            .filter_map(|&field| {
                let (from, to) = self.field_range(i, field);
                let (first, end) = subsequence(&hay[from..to], word, max_gaps(word.len()))?;
                let gaps = (end - first - word.len()) as u32;
                Some(field_penalty(field) + gaps * 2 + u32::from(first > 0))
            })
            .min()
    }
}
