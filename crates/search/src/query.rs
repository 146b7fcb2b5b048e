//! Running a query: one scan of the normalised buffer finds every part that
//! contains all words; each is classified (exact, prefix, contains) and
//! ranked on the spot, keeping only the best `limit`. Fuzzy matching runs
//! only when fewer than [`FUZZY_BELOW`] parts match plainly.

use super::index::{BOOST_MAX, Field, SearchIndex};
use super::topk::TopK;
use super::{Hit, MatchKind, SearchResult, normalize};
use memchr::memmem::Finder;

/// Shortest query matched as a gtin prefix: shorter ones are only the GS1
/// country/company prefix that thousands of parts share.
pub(crate) const GTIN_PREFIX_MIN: usize = 7;
/// Shortest query (in characters) that also gets fuzzy matches.
pub(crate) const FUZZY_MIN_CHARS: usize = 3;
/// Fuzzy matches (typos, left-out characters) are looked for, and counted,
/// only when fewer parts than this match plainly (contain every word, or
/// by their gtin): a typo still finds its part, and a query with plenty of
/// plain matches is not padded with far-fetched ones. It does not depend on
/// the limit, so neither do the total and the order of the hits (counting
/// fuzzy matches always made a keystroke's p99 three times slower at 1M
/// parts: short queries such as "620" fit almost every part).
pub(crate) const FUZZY_BELOW: usize = 50;
/// How much of the buffer `rarest_word` samples: chunks spread over it.
const SAMPLE_CHUNKS: usize = 8;
const SAMPLE_CHUNK_BYTES: usize = 16 * 1024;
/// Above this many parts the scan is split over two threads.
pub(crate) const PARALLEL_MIN_PARTS: usize = 200_000;

/// A part whose gtin matched: id, class, closeness.
pub(crate) type GtinHit = (u32, MatchKind, u16);

pub(crate) struct Query {
    /// Normalised words, empty ones dropped.
    pub(crate) words: Vec<String>,
    /// The words joined: what exact and prefix matches compare with, so that
    /// "din 933 m8" is a prefix of "DIN 933 M8x25 A2-70".
    pub(crate) joined: String,
}

impl Query {
    pub(crate) fn parse(s: &str) -> Self {
        let words: Vec<String> = s.split_whitespace().map(normalize).filter(|w| !w.is_empty()).collect();
        let joined = words.concat();
        Query { words, joined }
    }
}

/// Smaller is better: class, then boost, then closeness, then sku order.
#[inline]
pub(crate) fn rank(kind: MatchKind, boost: u32, closeness: u16, sku_rank: u32) -> u64 {
    ((kind as u64) << 62)
        | (u64::from(BOOST_MAX - boost.min(BOOST_MAX)) << 48)
        | (u64::from(closeness) << 32)
        | u64::from(sku_rank)
}

fn result_of(ranked: Vec<(u64, u32)>, total: usize) -> SearchResult {
    SearchResult { hits: ranked.into_iter().map(|(r, id)| hit_of(r, id)).collect(), total }
}

fn hit_of(rank: u64, id: u32) -> Hit {
    let kind = match rank >> 62 {
        0 => MatchKind::Exact,
        1 => MatchKind::Prefix,
        2 => MatchKind::Contains,
        _ => MatchKind::Fuzzy,
    };
    let boost = i64::from(BOOST_MAX) - ((rank >> 48) & u64::from(BOOST_MAX)) as i64;
    let closeness = ((rank >> 32) & 0xFFFF) as i64;
    Hit { id, kind, score: (boost << 16) | (0xFFFF - closeness) }
}

impl SearchIndex {
    /// The best `limit` parts for `query`, ranked; separators and case do
    /// not matter, and every word must match. Empty query: no hits.
    pub fn search(&self, query: &str, limit: usize) -> SearchResult {
        self.search_split(query, limit, self.len() >= PARALLEL_MIN_PARTS)
    }

    /// `search`, scanning the two halves of the index on two threads if `split`.
    pub(crate) fn search_split(&self, query: &str, limit: usize, split: bool) -> SearchResult {
        let q = Query::parse(query);
        if q.words.is_empty() || self.is_empty() {
            return SearchResult::default();
        }
        let gtin_hits = self.gtin_hits(&q.joined);
        // A keystroke that extends the query before it looks only at what
        // that one left possible.
        if let Some((ranked, total)) = self.refined(&q, limit, &gtin_hits) {
            return result_of(ranked, total);
        }
        let lead = self.rarest_word(&q);

        let (mut top, mut total, lead_seen) = if split {
            let mid = self.len() / 2;
            std::thread::scope(|s| {
                let upper = s.spawn(|| self.scan_range(&q, lead, &gtin_hits, limit, mid..self.len()));
                let lower = self.scan_range(&q, lead, &gtin_hits, limit, 0..mid);
                match upper.join() {
                    Ok(upper) => lower.merge(upper),
                    // A scan does not panic; if it did, say so where it happened.
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            })
        } else {
            self.scan_range(&q, lead, &gtin_hits, limit, 0..self.len())
        }
        .into_parts();

        // Parts found only by their gtin (the scan found every part that
        // contains all words).
        for &(id, kind, closeness) in &gtin_hits {
            if !self.contains_all(id as usize, &q) {
                total += 1;
                top.push(self.rank_of(id, kind, closeness), id);
            }
        }

        if total < FUZZY_BELOW && q.joined.chars().count() >= FUZZY_MIN_CHARS {
            // Few plain hits: one pass over every part's masks for
            // fuzzy ones, which also keeps what it saw for the next keystroke.
            // A scanned word found nowhere need not be looked for again.
            let absent = (!lead_seen).then_some(lead);
            let (ranked, total) = self.scan_keeping_pool(&q, limit, &gtin_hits, absent);
            return result_of(ranked, total);
        }
        let mut ranked = top.into_sorted();
        ranked.truncate(limit);
        result_of(ranked, total)
    }

    #[inline]
    pub(crate) fn rank_of(&self, id: u32, kind: MatchKind, closeness: u16) -> u64 {
        let i = id as usize;
        rank(kind, self.boosts[i], closeness, self.sku_rank[i])
    }

    /// Parts whose gtin is the query (exact), or starts with a query of at
    /// least `GTIN_PREFIX_MIN` characters; sorted by id.
    fn gtin_hits(&self, key: &str) -> Vec<GtinHit> {
        let ids = self.gtins_starting_with(key);
        let mut hits: Vec<GtinHit> = if key.len() >= GTIN_PREFIX_MIN {
            ids.iter()
                .map(|&id| {
                    let len = self.gtin(id).len();
                    if len == key.len() {
                        (id, MatchKind::Exact, 2)
                    } else {
                        (id, MatchKind::Prefix, (2 << 14) | len.min(0x3FFF) as u16)
                    }
                })
                .collect()
        } else {
            // Sorted order puts the gtins equal to the key first.
            ids.iter()
                .take_while(|&&id| self.gtin(id).len() == key.len())
                .map(|&id| (id, MatchKind::Exact, 2))
                .collect()
        };
        hits.sort_unstable_by_key(|h| h.0);
        hits
    }

    pub(crate) fn contains_all(&self, i: usize, q: &Query) -> bool {
        let bytes = self.doc_bytes(i);
        q.words.iter().all(|w| memchr::memmem::find(bytes, w.as_bytes()).is_some())
    }

    /// Class and closeness of a part that contains every word; `offset` is
    /// where the scanned word first occurs in the part's slice.
    #[inline]
    pub(crate) fn classify(&self, id: u32, q: &Query, offset: usize) -> (MatchKind, u16) {
        let key = q.joined.as_str();
        let sku = self.field(id, Field::Sku);
        let mpn = self.field(id, Field::Mpn);
        if sku == key {
            (MatchKind::Exact, 0)
        } else if mpn == key {
            (MatchKind::Exact, 1)
        } else if sku.starts_with(key) {
            (MatchKind::Prefix, sku.len().min(0x3FFF) as u16)
        } else if mpn.starts_with(key) {
            (MatchKind::Prefix, (1 << 14) | mpn.len().min(0x3FFF) as u16)
        } else {
            // Earlier fields, earlier positions and shorter fields are closer.
            let (field, pos) = self.locate(id as usize, offset);
            let (from, to) = self.field_range(id as usize, field);
            let closeness = ((field as u16) << 14) | ((pos.min(63) as u16) << 8) | (to - from).min(255) as u16;
            (MatchKind::Contains, closeness)
        }
    }

    /// The query word that occurs least often in a sample of the buffer
    /// (ties: the longer): the one to scan for.
    pub(crate) fn rarest_word(&self, q: &Query) -> usize {
        if q.words.len() < 2 {
            return 0;
        }
        let hay = self.hay.as_bytes();
        let chunk = hay.len().div_ceil(SAMPLE_CHUNKS).min(SAMPLE_CHUNK_BYTES);
        let step = hay.len() / SAMPLE_CHUNKS;
        let count = |w: &str| -> usize {
            let finder = Finder::new(w.as_bytes());
            (0..SAMPLE_CHUNKS)
                .map(|k| {
                    let from = (k * step).min(hay.len());
                    let to = (from + chunk).min(hay.len());
                    finder.find_iter(&hay[from..to]).count()
                })
                .sum()
        };
        q.words.iter().enumerate().min_by_key(|(_, w)| (count(w), std::cmp::Reverse(w.len()))).map_or(0, |(i, _)| i)
    }

    /// Scans parts `range` for the query's rarest word over the contiguous
    /// buffer, checks the other words inside each part
    /// found, then skips to the next part.
    fn scan_range(
        &self,
        q: &Query,
        lead: usize,
        gtin_hits: &[GtinHit],
        limit: usize,
        range: std::ops::Range<usize>,
    ) -> Scan {
        let mut out = Scan { top: TopK::new(limit), total: 0, seen: false };
        if range.is_empty() {
            return out;
        }
        let finder = Finder::new(q.words[lead].as_bytes());
        let others: Vec<Finder> =
            q.words.iter().enumerate().filter(|&(i, _)| i != lead).map(|(_, w)| Finder::new(w.as_bytes())).collect();
        let hay = self.hay.as_bytes();
        let key0 = q.joined.as_bytes().first().copied().unwrap_or(0);
        let end = self.starts[range.end];
        let mut pos = self.starts[range.start];
        let mut part = range.start;
        while pos < end {
            let Some(off) = finder.find(&hay[pos..end]) else {
                break;
            };
            let at = pos + off;
            out.seen = true;
            part = self.part_at(part, at);
            let (from, to) = (self.starts[part], self.starts[part + 1]);
            let bytes = &hay[from..to];
            if others.iter().all(|f| f.find(bytes).is_some()) {
                let id = part as u32;
                out.total += 1;
                if gtin_hits.is_empty() && self.cannot_rank_above(part, key0, out.top.threshold()) {
                    pos = to;
                    continue;
                }
                let (mut kind, mut closeness) = self.classify(id, q, at - from);
                if !gtin_hits.is_empty()
                    && let Ok(k) = gtin_hits.binary_search_by_key(&id, |h| h.0)
                    && (gtin_hits[k].1, gtin_hits[k].2) < (kind, closeness)
                {
                    (kind, closeness) = (gtin_hits[k].1, gtin_hits[k].2);
                }
                out.top.push(self.rank_of(id, kind, closeness), id);
            }
            pos = to;
        }
        out
    }

    /// Whether part `i`, which contains every word, ranks no better than
    /// `threshold` whatever its class turns out to be: without a sku or mpn
    /// that starts like the query it is at best a plain match, ranked first
    /// by its boost. Saves classifying the many parts of a short query.
    #[inline]
    fn cannot_rank_above(&self, i: usize, key0: u8, threshold: u64) -> bool {
        if threshold == u64::MAX {
            return false;
        }
        let hay = self.hay.as_bytes();
        let s = self.starts[i];
        let mpn = s + usize::from(self.lens[i][0]) + 1;
        hay[s] != key0 && hay[mpn] != key0 && rank(MatchKind::Contains, self.boosts[i], 0, 0) >= threshold
    }

    /// The part whose slice contains byte `at`, searching from part `from`
    /// (which starts at or before `at`): short hops step, long ones gallop
    /// then bisect, so the cost grows with the log of the distance, not of
    /// the index.
    #[inline]
    fn part_at(&self, from: usize, at: usize) -> usize {
        let starts = &self.starts;
        let mut i = from;
        for _ in 0..8 {
            if starts[i + 1] > at {
                return i;
            }
            i += 1;
        }
        // starts[i] <= at; find a window (i, hi] whose end starts after `at`.
        let last = starts.len() - 1;
        let mut step = 16;
        let mut hi = (i + step).min(last);
        while starts[hi] <= at && hi < last {
            i = hi;
            step *= 2;
            hi = (i + step).min(last);
        }
        i + starts[i + 1..=hi].partition_point(|&s| s <= at)
    }
}

/// What one scan of a range found.
struct Scan {
    top: TopK,
    total: usize,
    /// Whether the scanned word occurs anywhere at all.
    seen: bool,
}

impl Scan {
    fn merge(mut self, other: Scan) -> Scan {
        for (r, id) in other.top.into_sorted() {
            self.top.push(r, id);
        }
        self.total += other.total;
        self.seen |= other.seen;
        self
    }

    fn into_parts(self) -> (TopK, usize, bool) {
        (self.top, self.total, self.seen)
    }
}
