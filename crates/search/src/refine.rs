//! Typing refines. A buyer types a query a character at a time, and each
//! keystroke usually extends the query before it: "deep grov" becomes
//! "deep grove", then "deep grove b". Every part that matches the longer
//! query was already possible for the shorter one, so once a query has run
//! the full scan, the next keystrokes look only at the parts it left
//! possible (its *pool*), and words already checked there are not checked
//! again. The answer is the same as a scan of the whole index; only less is
//! looked at (fzf narrows its results the same way).
//!
//! Why a pool holds every part an extension can match:
//! - the words before the last are unchanged, and every match needs each of
//!   them to occur or fit (a tight subsequence), which the pool checked;
//! - a longer last word that occurs means its start occurs; one that fits
//!   with `g` gaps means its start is a subsequence of that field with at
//!   most `g` gaps. The pool keeps the parts where the last word occurs or
//!   is a subsequence with up to `slack` gaps more than a match allows
//!   (whatever its length), so an extension that allows more gaps is still
//!   covered as long as it stays within that slack; past it (or when a word
//!   is changed or deleted) the next query scans the whole index again.

use super::MatchKind;
use super::fuzzy::{FUZZY_WORD_MIN, TEXT_FIELDS, field_penalty, max_gaps, subsequence};
use super::index::SearchIndex;
use super::masks::{PartMasks, WordMasks};
use super::query::{GtinHit, Query};
use super::topk::TopK;
use memchr::memmem::Finder;

/// Extra gaps a fresh pool allows its last word: enough for the two-step
/// growth of the allowed gaps over the next few characters typed.
const SLACK: usize = 2;
/// Parts checked together: their bytes are asked for all at once, so the
/// waits for memory overlap instead of adding up.
const BATCH: usize = 32;
/// Above this many parts to look at, a pass runs on two threads.
const SPLIT_MIN: usize = 100_000;

/// Ranked hits (rank, id), at most the limit, and how many matched.
pub(crate) type Answer = (Vec<(u64, u32)>, usize);

/// How a word stands in a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// It occurs (in any field, the sku included).
    Occurs,
    /// It does not occur, but is a tight subsequence of a text field, at this cost.
    Fits(u32),
    /// No match, but an extension may be one: a subsequence with more gaps
    /// than a match allows, within the pool's slack (or a short word that
    /// may only occur), as far as the masks tell.
    Loose,
    No,
}

/// A part a query left possible, with what is known of its words.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Member {
    id: u32,
    /// Summed cost of the words before the last that only fit.
    done_cost: u32,
    /// Whether every word before the last occurs.
    done_occur: bool,
    last: Verdict,
}

/// The parts a query left possible for its extensions.
#[derive(Debug, Default)]
pub(crate) struct Pool {
    words: Vec<String>,
    /// Extra gaps of the last word's `Loose` members.
    slack: usize,
    /// A word known to occur in no part (an extension of it occurs nowhere either).
    absent: Option<usize>,
    /// Sorted by id.
    members: Vec<Member>,
    /// How many keystrokes in a row were answered from a pool (0: this
    /// one scanned the whole index).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) refinements: usize,
}

/// What of a pool a query can reuse.
struct Reuse {
    /// Words from this index on are checked afresh.
    fresh_from: usize,
    /// The pool's last word is this query's word `fresh_from - 1` and its
    /// verdict is reused as a finished word.
    last_done: bool,
    /// The query is the pool's own: every verdict is reused.
    same: bool,
    /// The slack the query's own pool gets.
    slack: usize,
}

/// Whether `q` extends the pool's query, and how.
fn reuse(pool: &Pool, q: &[String]) -> Option<Reuse> {
    let p = &pool.words;
    let n = p.len();
    if n == 0 || q.len() < n || q[..n - 1] != p[..n - 1] {
        return None;
    }
    let (pl, ql) = (&p[n - 1], &q[n - 1]);
    if ql == pl {
        return Some(if q.len() == n {
            Reuse { fresh_from: n, last_done: false, same: true, slack: pool.slack }
        } else {
            Reuse { fresh_from: n, last_done: true, same: false, slack: SLACK }
        });
    }
    let covered = max_gaps(pl.len()) + pool.slack;
    let needed = max_gaps(ql.len());
    if !ql.starts_with(pl.as_str()) || needed > covered {
        return None;
    }
    let slack = if q.len() == n { (covered - needed).min(SLACK) } else { SLACK };
    Some(Reuse { fresh_from: n - 1, last_done: false, same: false, slack })
}

/// A query word, ready to check against parts.
struct Word<'a> {
    text: &'a [u8],
    finder: Finder<'a>,
    tight: WordMasks,
    /// For the last word: the masks with the slack's extra gaps, short words included.
    loose: Option<WordMasks>,
    gaps: usize,
    /// Known to occur in no part: never searched for.
    absent: bool,
}

/// What one pass found.
struct Found {
    top: TopK,
    total: usize,
    /// Fuzzy matches, the best few, and how many in all.
    fuzzy: TopK,
    fuzzy_count: usize,
    members: Vec<Member>,
}

impl Found {
    fn new(limit: usize, fuzzy_keep: usize) -> Found {
        Found { top: TopK::new(limit), total: 0, fuzzy: TopK::new(fuzzy_keep), fuzzy_count: 0, members: Vec::new() }
    }

    fn merge(mut self, other: Found) -> Found {
        for (r, id) in other.top.into_sorted() {
            self.top.push(r, id);
        }
        for (r, id) in other.fuzzy.into_sorted() {
            self.fuzzy.push(r, id);
        }
        self.total += other.total;
        self.fuzzy_count += other.fuzzy_count;
        self.members.extend(other.members);
        self
    }
}

/// Where a pass looks.
enum Base<'a> {
    /// Every part, masks first.
    All,
    /// A pool's members, and what of them is reused.
    Pool(&'a [Member], &'a Reuse),
}

impl SearchIndex {
    /// The pool's answer to `q`, if `q` extends the pool's query; the pool
    /// is then replaced by `q`'s own.
    pub(crate) fn refined(&self, q: &Query, limit: usize, gtin_hits: &[GtinHit]) -> Option<Answer> {
        // The pool is taken out while it is used: a search on another
        // thread meanwhile scans the whole index instead of waiting.
        let pool = self.pool.lock().unwrap_or_else(|e| e.into_inner()).take()?;
        let Some(how) = reuse(&pool, &q.words) else {
            self.keep_pool(pool);
            return None;
        };
        let (result, members) = self.pass(q, limit, gtin_hits, Base::Pool(&pool.members, &how), how.slack, pool.absent);
        let refinements = pool.refinements + 1;
        let absent = pool.absent;
        drop(pool);
        self.keep_pool(Pool { words: q.words.clone(), slack: how.slack, absent, members, refinements });
        Some(result)
    }

    fn keep_pool(&self, pool: Pool) {
        *self.pool.lock().unwrap_or_else(|e| e.into_inner()) = Some(pool);
    }

    /// A pass over the whole index for `q` (which needs fuzzy matches),
    /// keeping its pool for the next keystroke.
    /// Word `absent`, if given, occurs in no part.
    pub(crate) fn scan_keeping_pool(
        &self,
        q: &Query,
        limit: usize,
        gtin_hits: &[GtinHit],
        absent: Option<usize>,
    ) -> Answer {
        let (result, members) = self.pass(q, limit, gtin_hits, Base::All, SLACK, absent);
        self.keep_pool(Pool { words: q.words.clone(), slack: SLACK, absent, members, refinements: 0 });
        result
    }

    /// Forgets the pool (the parts changed).
    pub(crate) fn forget_pool(&mut self) {
        *self.pool.get_mut().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// One pass: the ranked hits (at most `limit`), how many matched, and
    /// the members of `q`'s pool.
    fn pass(
        &self,
        q: &Query,
        limit: usize,
        gtin_hits: &[GtinHit],
        base: Base<'_>,
        slack: usize,
        absent: Option<usize>,
    ) -> (Answer, Vec<Member>) {
        let last = q.words.len() - 1;
        let words: Vec<Word> = q
            .words
            .iter()
            .enumerate()
            .map(|(k, w)| {
                let gaps = max_gaps(w.len());
                Word {
                    text: w.as_bytes(),
                    finder: Finder::new(w.as_bytes()),
                    tight: WordMasks::new(w.as_bytes(), gaps, w.len() >= FUZZY_WORD_MIN),
                    loose: (k == last).then(|| WordMasks::new(w.as_bytes(), gaps + slack, true)),
                    gaps,
                    absent: absent == Some(k),
                }
            })
            .collect();
        let lead = Finder::new(q.words[self.rarest_word(q)].as_bytes());
        // Every character of every word must be in a part for it to match.
        let chars = words.iter().fold(0, |c, w| c | w.tight.chars());
        let single = words.len() == 1;
        let fuzzy_keep = limit.saturating_mul(3).max(24);
        let run = |base: &Base<'_>, from: usize, to: usize| -> Found {
            let mut found = Found::new(limit, fuzzy_keep);
            let visit = |id: u32, prior: Option<(&Member, &Reuse)>, found: &mut Found| {
                self.visit(id, prior, q, &words, &lead, gtin_hits, slack, found);
            };
            match base {
                Base::All => {
                    // Parts to check, in id order, and whether one is only a
                    // possible extension, as far as the masks tell (one word
                    // that can neither occur nor fit): a pool member without
                    // reading its bytes.
                    let mut batch: Vec<(u32, bool)> = Vec::with_capacity(BATCH);
                    let flush = |batch: &mut Vec<(u32, bool)>, found: &mut Found| {
                        self.touch(batch.iter().filter(|b| !b.1).map(|b| b.0));
                        for (id, loose) in batch.drain(..) {
                            if loose {
                                found.members.push(Member { id, done_cost: 0, done_occur: true, last: Verdict::Loose });
                            } else {
                                visit(id, None, found);
                            }
                        }
                    };
                    for (i, m) in self.masks.get().iter().enumerate().take(to).skip(from) {
                        if m.all & chars == chars && words.iter().all(|w| self.may_match(m, w)) {
                            batch.push((i as u32, single && !self.may_match_tightly(m, &words[0])));
                            if batch.len() == BATCH {
                                flush(&mut batch, &mut found);
                            }
                        }
                    }
                    flush(&mut batch, &mut found);
                }
                Base::Pool(members, how) => {
                    for chunk in members[from..to].chunks(BATCH) {
                        self.touch(chunk.iter().map(|m| m.id));
                        for m in chunk {
                            visit(m.id, Some((m, how)), &mut found);
                        }
                    }
                }
            }
            found
        };
        let n = match &base {
            Base::All => self.len(),
            Base::Pool(members, _) => members.len(),
        };
        let found = if n >= SPLIT_MIN {
            let mid = n / 2;
            std::thread::scope(|s| {
                let upper = s.spawn(|| run(&base, mid, n));
                let lower = run(&base, 0, mid);
                match upper.join() {
                    Ok(upper) => lower.merge(upper),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            })
        } else {
            run(&base, 0, n)
        };

        // Parts found only by their gtin.
        let mut top = found.top;
        let mut total = found.total;
        for &(id, kind, closeness) in gtin_hits {
            if !self.contains_all(id as usize, q) {
                total += 1;
                top.push(self.rank_of(id, kind, closeness), id);
            }
        }
        let mut ranked = top.into_sorted();
        if total < super::query::FUZZY_BELOW && q.joined.chars().count() >= super::query::FUZZY_MIN_CHARS {
            // Counted whether or not the limit leaves room to show any.
            total += found.fuzzy_count;
            if ranked.len() < limit {
                let want = limit - ranked.len();
                let keep = want.saturating_mul(3).max(24);
                let mut pre = found.fuzzy.into_sorted();
                pre.truncate(keep);
                ranked.extend(self.rescore(q, pre, want));
            }
        }
        ranked.truncate(limit);
        ((ranked, total), found.members)
    }

    /// Whether the masks let word `w` occur in a part, or fit within the
    /// gaps a match allows.
    #[inline]
    fn may_match_tightly(&self, m: &PartMasks, w: &Word<'_>) -> bool {
        (!w.absent && w.tight.may_occur(m)) || w.tight.may_fit(m)
    }

    /// Reads a byte at each end of each part's slice and its masks: the
    /// loads are independent, so the memory system serves them together,
    /// and the checks that follow find the parts in cache.
    #[inline]
    fn touch(&self, ids: impl Iterator<Item = u32>) {
        let hay = self.hay.as_bytes();
        let masks = self.masks.get();
        let mut acc = 0u64;
        for id in ids {
            let i = id as usize;
            let (from, to) = (self.starts[i], self.starts[i + 1]);
            acc ^= u64::from(hay[from]) ^ u64::from(hay[to - 1]) ^ masks[i].all;
        }
        std::hint::black_box(acc);
    }

    /// Whether the masks let word `w` occur in a part, or fit (the last
    /// word: within the slack).
    #[inline]
    fn may_match(&self, m: &PartMasks, w: &Word<'_>) -> bool {
        (!w.absent && w.tight.may_occur(m)) || w.loose.as_ref().unwrap_or(&w.tight).may_fit(m)
    }

    /// Checks part `id` against the words not known yet, and records what
    /// it is: a pool member, a plain (contains) match, a fuzzy match.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn visit(
        &self,
        id: u32,
        prior: Option<(&Member, &Reuse)>,
        q: &Query,
        words: &[Word<'_>],
        lead: &Finder<'_>,
        gtin_hits: &[GtinHit],
        slack: usize,
        found: &mut Found,
    ) {
        let i = id as usize;
        let last = words.len() - 1;
        let (mut cost, mut occur, fresh_from) = (0u32, true, prior.map_or(0, |(_, r)| r.fresh_from));
        let mut last_verdict = Verdict::No;
        if let Some((m, how)) = prior {
            cost = m.done_cost;
            occur = m.done_occur;
            if how.same {
                last_verdict = m.last;
            } else if how.last_done {
                match m.last {
                    Verdict::Occurs => {}
                    Verdict::Fits(c) => {
                        cost += c;
                        occur = false;
                    }
                    Verdict::Loose | Verdict::No => return,
                }
            }
        }
        if fresh_from <= last {
            let masks = &self.masks[i];
            let bytes = self.doc_bytes(i);
            for (k, w) in words.iter().enumerate().skip(fresh_from) {
                let v = self.verdict(i, masks, bytes, w, if k == last { slack } else { 0 });
                if k == last {
                    last_verdict = v;
                } else {
                    match v {
                        Verdict::Occurs => {}
                        Verdict::Fits(c) => {
                            cost += c;
                            occur = false;
                        }
                        Verdict::Loose | Verdict::No => return,
                    }
                }
            }
        }
        let member = Member { id, done_cost: cost, done_occur: occur, last: last_verdict };
        match last_verdict {
            Verdict::No => return,
            Verdict::Loose => {}
            Verdict::Occurs if occur => self.record_contains(id, q, lead, gtin_hits, found),
            Verdict::Occurs | Verdict::Fits(_) => {
                let total_cost = cost + if let Verdict::Fits(c) = last_verdict { c } else { 0 };
                // A part matched by its gtin counts as that, not as fuzzy.
                if gtin_hits.binary_search_by_key(&id, |h| h.0).is_err() {
                    found.fuzzy_count += 1;
                    found.fuzzy.push(self.rank_of(id, MatchKind::Fuzzy, total_cost.min(0xFFFF) as u16), id);
                }
            }
        }
        found.members.push(member);
    }

    /// A part that contains every word: classified and ranked as the scan does.
    fn record_contains(&self, id: u32, q: &Query, lead: &Finder<'_>, gtin_hits: &[GtinHit], found: &mut Found) {
        let offset = lead.find(self.doc_bytes(id as usize)).unwrap_or(0);
        let (mut kind, mut closeness) = self.classify(id, q, offset);
        if let Ok(k) = gtin_hits.binary_search_by_key(&id, |h| h.0)
            && (gtin_hits[k].1, gtin_hits[k].2) < (kind, closeness)
        {
            (kind, closeness) = (gtin_hits[k].1, gtin_hits[k].2);
        }
        found.total += 1;
        found.top.push(self.rank_of(id, kind, closeness), id);
    }

    /// How word `w` stands in part `i`; `slack` extra gaps make `Loose`.
    #[inline]
    fn verdict(&self, i: usize, masks: &PartMasks, bytes: &[u8], w: &Word<'_>, slack: usize) -> Verdict {
        if !w.absent && w.tight.may_occur(masks) && w.finder.find(bytes).is_some() {
            return Verdict::Occurs;
        }
        if !w.tight.may_fit(masks) {
            // No match; whether an extension could be one is left to the
            // masks: a pool may hold more than it needs, never less.
            return match &w.loose {
                Some(loose) if slack > 0 && loose.may_fit(masks) => Verdict::Loose,
                _ => Verdict::No,
            };
        }
        let hay = self.hay.as_bytes();
        let mut best: Option<u32> = None;
        let mut loose = false;
        for &field in &TEXT_FIELDS {
            let (from, to) = self.field_range(i, field);
            if let Some((first, end)) = subsequence(&hay[from..to], w.text, w.gaps + slack) {
                let gaps = end - first - w.text.len();
                if gaps <= w.gaps && w.text.len() >= FUZZY_WORD_MIN {
                    let cost = field_penalty(field) + gaps as u32 * 2 + u32::from(first > 0);
                    best = Some(best.map_or(cost, |b| b.min(cost)));
                } else {
                    loose = true;
                }
            }
        }
        match best {
            Some(cost) => Verdict::Fits(cost),
            None if loose && slack > 0 => Verdict::Loose,
            None => Verdict::No,
        }
    }
}
