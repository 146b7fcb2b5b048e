//! "Did you mean": skus of parts whose sku, mpn or gtin is one or two typos
//! (insertions, deletions, substitutions, swapped neighbours) away from
//! what the buyer typed.

use super::index::{Field, SearchIndex};
use super::masks::char_mask;
use super::query::{GTIN_PREFIX_MIN, PARALLEL_MIN_PARTS};
use super::{MatchKind, normalize};

/// Optimal string alignment distance of `a` and `b` if it is at most `max`.
/// `rows` is scratch space, reused between calls.
pub(crate) fn osa_within(a: &[u8], b: &[u8], max: usize, rows: &mut [Vec<usize>; 3]) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let [before, prev, cur] = rows;
    let width = b.len() + 1;
    for row in [&mut *before, &mut *prev, &mut *cur] {
        row.clear();
        row.resize(width, 0);
    }
    for (j, cell) in prev.iter_mut().enumerate() {
        *cell = 2 * j;
    }
    for i in 1..=a.len() {
        cur[0] = 2 * i;
        let mut row_min = cur[0];
        for j in 1..width {
            let cost = 2 * usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 2).min(cur[j - 1] + 2).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(before, prev);
        std::mem::swap(prev, cur);
    }
    let d = prev[width - 1];
    (d <= max).then_some(d)
}

impl SearchIndex {
    /// Up to `n` skus for an unknown sku or type number: the closest by
    /// edit distance (parts ordered before first), then, to fill up, the
    /// best search hits.
    pub fn suggest(&self, unknown: &str, n: usize) -> Vec<String> {
        let q = normalize(unknown);
        if q.is_empty() || n == 0 {
            return Vec::new();
        }
        let key = q.as_bytes();
        // One slip in short keys, two in longer ones (in half-slip units).
        let max = if q.chars().count() <= 4 { 2 } else { 4 };
        let with_gtin = key.len() >= GTIN_PREFIX_MIN && key.iter().all(u8::is_ascii_digit);
        let qmask = char_mask(key);
        let scan = |range: std::ops::Range<usize>| {
            let mut rows: [Vec<usize>; 3] = Default::default();
            // (distance, rank, id)
            let mut close: Vec<(usize, u64, u32)> = Vec::new();
            for i in range {
                let id = i as u32;
                let candidates = [
                    (self.field(id, Field::Sku), 0),
                    (self.field(id, Field::Mpn), 1),
                    (if with_gtin { self.gtin(id) } else { "" }, 2),
                ];
                let best = candidates
                    .iter()
                    .filter(|(k, _)| !k.is_empty() && 2 * k.len().abs_diff(key.len()) <= max)
                    .filter(|(k, _)| {
                        // Each character only one side has takes an edit: a
                        // lower bound far cheaper than the distance.
                        let kmask = char_mask(k.as_bytes());
                        let missing = (qmask & !kmask).count_ones().max((kmask & !qmask).count_ones());
                        2 * missing as usize <= max
                    })
                    .filter_map(|&(k, which)| osa_within(key, k.as_bytes(), max, &mut rows).map(|d| (d, which)))
                    .min();
                if let Some((d, which)) = best {
                    close.push((d, self.rank_of(id, MatchKind::Exact, which), id));
                }
            }
            close
        };
        let mut close = if self.len() >= PARALLEL_MIN_PARTS {
            let mid = self.len() / 2;
            std::thread::scope(|s| {
                let upper = s.spawn(|| scan(mid..self.len()));
                let mut close = scan(0..mid);
                match upper.join() {
                    Ok(more) => close.extend(more),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
                close
            })
        } else {
            scan(0..self.len())
        };
        close.sort_unstable();
        let mut out: Vec<u32> = Vec::with_capacity(n);
        for (_, _, id) in close {
            if out.len() == n {
                break;
            }
            if !out.contains(&id) {
                out.push(id);
            }
        }
        if out.len() < n {
            for hit in self.search(unknown, n * 2).hits {
                if out.len() == n {
                    break;
                }
                if !out.contains(&hit.id) {
                    out.push(hit.id);
                }
            }
        }
        out.into_iter().map(|id| self.sku(id).to_string()).collect()
    }
}
