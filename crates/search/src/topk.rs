//! Keeps the `k` smallest ranks seen, without sorting everything: a buffer
//! of up to 2k entries cut back to k with a partial selection, and a
//! threshold that rejects most candidates with one comparison.

pub(crate) struct TopK {
    k: usize,
    buf: Vec<(u64, u32)>,
    threshold: u64,
}

impl TopK {
    pub(crate) fn new(k: usize) -> Self {
        TopK { k, buf: Vec::with_capacity(k.saturating_mul(2).min(1 << 16)), threshold: u64::MAX }
    }

    #[inline]
    pub(crate) fn push(&mut self, rank: u64, id: u32) {
        if rank >= self.threshold || self.k == 0 {
            return;
        }
        self.buf.push((rank, id));
        if self.buf.len() >= self.k.saturating_mul(2).max(16) {
            self.cut();
        }
    }

    /// Ranks at or above this are not kept (`u64::MAX` until the first cut).
    #[inline]
    pub(crate) fn threshold(&self) -> u64 {
        self.threshold
    }

    fn cut(&mut self) {
        if self.buf.len() > self.k {
            self.buf.select_nth_unstable(self.k - 1);
            self.buf.truncate(self.k);
            self.threshold = self.buf.iter().map(|e| e.0).max().unwrap_or(u64::MAX);
        }
    }

    /// The kept entries, best (smallest rank) first.
    pub(crate) fn into_sorted(mut self) -> Vec<(u64, u32)> {
        self.cut();
        self.buf.sort_unstable();
        self.buf
    }
}

#[cfg(test)]
mod tests {
    use super::TopK;

    #[test]
    fn keeps_the_smallest_ranks_in_order() {
        let mut t = TopK::new(5);
        let ranks: Vec<u64> = (0..1000u64).map(|i| (i * 7919) % 1000).collect();
        for (i, &r) in ranks.iter().enumerate() {
            t.push(r, i as u32);
        }
        let got: Vec<u64> = t.into_sorted().into_iter().map(|e| e.0).collect();
        assert_eq!(got, vec![0, 1, 2, 3, 4]);
        let mut z = TopK::new(0);
        z.push(1, 1);
        assert!(z.into_sorted().is_empty());
    }
}
