//! Bit masks of the characters and adjacent character pairs in a part: a
//! few ANDs tell that a word cannot match, before any string is touched.

/// The masks of one part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub(crate) struct PartMasks {
    /// Bytes of the mpn, manufacturer and name (where fuzzy matches live).
    pub(crate) text: u64,
    /// Bytes of all fields, sku included.
    pub(crate) all: u64,
    /// Adjacent byte pairs of all fields, hashed into 256 bits.
    pub(crate) pairs: [u64; 4],
}

impl PartMasks {
    /// `bytes` is the part's buffer slice, `text_from` where its mpn starts.
    pub(crate) fn of(bytes: &[u8], text_from: usize) -> Self {
        let mut m =
            PartMasks { text: char_mask(bytes.get(text_from..).unwrap_or(&[])), all: char_mask(bytes), pairs: [0; 4] };
        for w in bytes.windows(2) {
            let (word, bit) = pair_slot(w[0], w[1]);
            m.pairs[word] |= bit;
        }
        m
    }
}

/// The byte's bit in a character mask.
#[inline]
fn char_bit(b: u8) -> u64 {
    match b {
        b'a'..=b'z' => 1 << (b - b'a'),
        b'0'..=b'9' => 1 << (26 + b - b'0'),
        _ => 1 << (36 + b % 28),
    }
}

pub(crate) fn char_mask(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |m, &b| m | char_bit(b))
}

/// Where a pair of adjacent bytes lands in the 256-bit pair mask.
#[inline]
fn pair_slot(a: u8, b: u8) -> (usize, u64) {
    let h = ((u64::from(a) << 8) | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56;
    ((h >> 6) as usize, 1 << (h & 63))
}

/// What a query word needs of a part's masks.
pub(crate) struct WordMasks {
    chars: u64,
    pairs: Vec<(usize, u64)>,
    /// Pairs that must be intact for a subsequence with the allowed gaps.
    fuzzy_pairs: usize,
    /// Whether the word may match as a subsequence at all.
    fuzzy: bool,
}

impl WordMasks {
    pub(crate) fn new(word: &[u8], max_gaps: usize, fuzzy: bool) -> Self {
        WordMasks {
            chars: char_mask(word),
            pairs: word.windows(2).map(|w| pair_slot(w[0], w[1])).collect(),
            fuzzy_pairs: word.len().saturating_sub(1 + max_gaps),
            fuzzy,
        }
    }

    /// Whether at least `enough` of the word's pairs are in the part; stops
    /// as soon as the answer is known either way.
    fn pairs_present(&self, m: &PartMasks, enough: usize) -> bool {
        if enough == 0 {
            return true;
        }
        let mut may_miss = self.pairs.len().saturating_sub(enough);
        let mut found = 0;
        for &(w, bit) in &self.pairs {
            if m.pairs[w] & bit != 0 {
                found += 1;
                if found >= enough {
                    return true;
                }
            } else if may_miss == 0 {
                return false;
            } else {
                may_miss -= 1;
            }
        }
        false
    }

    /// The word's characters: a part lacking one cannot match it at all.
    pub(crate) fn chars(&self) -> u64 {
        self.chars
    }

    /// Could the word occur in the part as a substring?
    #[inline]
    pub(crate) fn may_occur(&self, m: &PartMasks) -> bool {
        m.all & self.chars == self.chars && self.pairs_present(m, self.pairs.len())
    }

    /// Could the word be a tight subsequence of the part's text?
    #[inline]
    pub(crate) fn may_fit(&self, m: &PartMasks) -> bool {
        self.fuzzy && m.text & self.chars == self.chars && self.pairs_present(m, self.fuzzy_pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_never_reject_a_real_match() {
        let part = b"q777001\x0162052rshc3\x01skf\x01deepgrooveballbearing62052rshc325x52x15\x01";
        let m = PartMasks::of(part, 8);
        for w in ["62052rs", "skf", "q777", "groove", "x15"] {
            assert!(WordMasks::new(w.as_bytes(), 2, true).may_occur(&m), "{w}");
        }
        // "grove" is no substring, but a subsequence of "groove".
        let grove = WordMasks::new(b"grove", 2, true);
        assert!(grove.may_fit(&m));
        assert!(!WordMasks::new(b"zz", 1, true).may_occur(&m));
        assert!(!WordMasks::new(b"grove", 2, false).may_fit(&m));
        // The sku is not text: "q777" cannot fit fuzzily.
        assert!(!WordMasks::new(b"q777", 2, true).may_fit(&m));
    }
}
