//! The index: every part's normalised sku, mpn, manufacturer and name in one
//! contiguous buffer (scanned with SIMD substring search), gtins and skus in
//! sorted arrays (binary search), and character masks per part (fuzzy
//! prefilter).

use super::masks::PartMasks;
use super::{SearchDoc, normalize, push_normalized};
use fuzzy_matcher::skim::SkimMatcherV2;

/// Separates fields and parts in the buffer; never part of a normalised
/// string, so a needle cannot match across fields.
pub(crate) const SEP: u8 = 0x01;
/// Longest normalised field kept (bytes); longer ones are cut.
const MAX_FIELD: usize = 1_000;
/// Boosts above this count rank the same.
pub(crate) const BOOST_MAX: u32 = (1 << 14) - 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Field {
    Sku = 0,
    Mpn = 1,
    Manufacturer = 2,
    Name = 3,
}

pub struct SearchIndex {
    pub(crate) docs: Vec<SearchDoc>,
    /// `sku␁mpn␁manufacturer␁name␁` of every part, normalised, in id order.
    pub(crate) hay: String,
    /// Where each part starts in `hay`; one extra entry for the end.
    pub(crate) starts: Vec<usize>,
    /// Lengths of the normalised sku, mpn and manufacturer of each part.
    pub(crate) lens: Vec<[u16; 3]>,
    /// Per part, which bytes and byte pairs occur in it: the fuzzy prefilter.
    pub(crate) masks: Vec<PartMasks>,
    /// Normalised gtins, concatenated; `gtin_starts` has an extra end entry.
    gtins: String,
    gtin_starts: Vec<usize>,
    /// Ids of parts with a gtin, sorted by normalised gtin.
    gtin_order: Vec<u32>,
    /// Ids sorted by normalised sku (then id).
    sku_order: Vec<u32>,
    /// Position of each part in `sku_order`: the final tie-breaker.
    pub(crate) sku_rank: Vec<u32>,
    /// Times the company ordered each part.
    pub(crate) boosts: Vec<u32>,
    pub(crate) matcher: SkimMatcherV2,
}

/// The normalised form of a run of parts, built on one thread.
#[derive(Default)]
struct Chunk {
    hay: String,
    /// Part starts relative to this chunk's `hay`.
    starts: Vec<usize>,
    lens: Vec<[u16; 3]>,
    masks: Vec<PartMasks>,
    gtins: String,
    gtin_starts: Vec<usize>,
}

impl Chunk {
    fn build(docs: &[SearchDoc]) -> Chunk {
        let bytes: usize =
            docs.iter().map(|d| d.sku.len() + d.mpn.len() + d.manufacturer.len() + d.name.len() + 4).sum();
        let mut c = Chunk {
            hay: String::with_capacity(bytes),
            starts: Vec::with_capacity(docs.len()),
            lens: Vec::with_capacity(docs.len()),
            masks: Vec::with_capacity(docs.len()),
            gtins: String::with_capacity(docs.len() * 14),
            gtin_starts: Vec::with_capacity(docs.len()),
        };
        for d in docs {
            let start = c.hay.len();
            c.starts.push(start);
            let mut field_lens = [0u16; 3];
            for (i, text) in [&d.sku, &d.mpn, &d.manufacturer, &d.name].into_iter().enumerate() {
                let before = c.hay.len();
                push_normalized(&mut c.hay, text, MAX_FIELD);
                if let Some(slot) = field_lens.get_mut(i) {
                    *slot = (c.hay.len() - before) as u16;
                }
                c.hay.push(char::from(SEP));
            }
            c.lens.push(field_lens);
            c.masks.push(PartMasks::of(&c.hay.as_bytes()[start..], usize::from(field_lens[0]) + 1));
            c.gtin_starts.push(c.gtins.len());
            push_normalized(&mut c.gtins, &d.gtin, MAX_FIELD);
        }
        c
    }
}

/// Above this many parts the index is built on several threads.
const PARALLEL_BUILD_MIN: usize = 50_000;

/// The first 16 bytes of a key, big-endian, zero-padded: compares like the
/// key itself as long as keys differ within 16 bytes (normalised keys hold
/// no zero bytes).
fn prefix16(key: &[u8]) -> u128 {
    let mut buf = [0u8; 16];
    let n = key.len().min(16);
    buf[..n].copy_from_slice(&key[..n]);
    u128::from_be_bytes(buf)
}

/// `ids` sorted by `key` (then id). Sorting packed prefixes keeps the sort
/// in cache; only runs sharing 16 bytes compare the full keys.
fn sort_by_key_text<'a>(ids: impl Iterator<Item = u32>, key: impl Fn(u32) -> &'a [u8]) -> Vec<u32> {
    let mut packed: Vec<(u128, u32)> = ids.map(|id| (prefix16(key(id)), id)).collect();
    packed.sort_unstable();
    let mut out: Vec<u32> = packed.iter().map(|p| p.1).collect();
    let mut i = 0;
    while i < packed.len() {
        let mut j = i + 1;
        while j < packed.len() && packed[j].0 == packed[i].0 {
            j += 1;
        }
        if j - i > 1 {
            out[i..j].sort_unstable_by(|&a, &b| key(a).cmp(key(b)).then(a.cmp(&b)));
        }
        i = j;
    }
    out
}

impl SearchIndex {
    pub fn new(docs: Vec<SearchDoc>) -> Self {
        let threads = if docs.len() < PARALLEL_BUILD_MIN {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |t| t.get()).clamp(1, 8)
        };
        Self::build(docs, threads)
    }

    /// The index, normalising on `threads` threads.
    pub(crate) fn build(docs: Vec<SearchDoc>, threads: usize) -> Self {
        let n = docs.len();
        let threads = threads.clamp(1, n.max(1));
        let chunks: Vec<Chunk> = if threads == 1 {
            vec![Chunk::build(&docs)]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> =
                    docs.chunks(n.div_ceil(threads)).map(|part| s.spawn(move || Chunk::build(part))).collect();
                handles
                    .into_iter()
                    .map(|h| match h.join() {
                        Ok(c) => c,
                        Err(panic) => std::panic::resume_unwind(panic),
                    })
                    .collect()
            })
        };
        let mut all = if chunks.len() == 1 {
            chunks.into_iter().next().unwrap_or_default()
        } else {
            let mut all = Chunk {
                hay: String::with_capacity(chunks.iter().map(|c| c.hay.len()).sum()),
                gtins: String::with_capacity(chunks.iter().map(|c| c.gtins.len()).sum()),
                starts: Vec::with_capacity(n + 1),
                gtin_starts: Vec::with_capacity(n + 1),
                lens: Vec::with_capacity(n),
                masks: Vec::with_capacity(n),
            };
            for c in chunks {
                let (base, gtin_base) = (all.hay.len(), all.gtins.len());
                all.starts.extend(c.starts.iter().map(|s| s + base));
                all.gtin_starts.extend(c.gtin_starts.iter().map(|s| s + gtin_base));
                all.hay.push_str(&c.hay);
                all.gtins.push_str(&c.gtins);
                all.lens.extend(c.lens);
                all.masks.extend(c.masks);
            }
            all
        };
        all.starts.push(all.hay.len());
        all.gtin_starts.push(all.gtins.len());

        let mut index = SearchIndex {
            docs,
            hay: all.hay,
            starts: all.starts,
            lens: all.lens,
            masks: all.masks,
            gtins: all.gtins,
            gtin_starts: all.gtin_starts,
            gtin_order: Vec::new(),
            sku_order: Vec::new(),
            sku_rank: vec![0; n],
            boosts: vec![0; n],
            matcher: SkimMatcherV2::default().ignore_case(),
        };
        let sku_order = sort_by_key_text(0..n as u32, |id| index.field(id, Field::Sku).as_bytes());
        let gtin_order =
            sort_by_key_text((0..n as u32).filter(|&id| !index.gtin(id).is_empty()), |id| index.gtin(id).as_bytes());
        for (rank, &id) in sku_order.iter().enumerate() {
            index.sku_rank[id as usize] = rank as u32;
        }
        index.sku_order = sku_order;
        index.gtin_order = gtin_order;
        index
    }

    /// Parts the company ordered before rank first within their match
    /// class: sku → times ordered. Replaces earlier boosts.
    pub fn set_boosts(&mut self, boosts: impl IntoIterator<Item = (String, u32)>) {
        self.boosts.iter_mut().for_each(|b| *b = 0);
        for (sku, times) in boosts {
            if let Some(id) = self.find_sku(&sku) {
                self.boosts[id as usize] = times;
            }
        }
    }

    /// The part with this id. Panics on an id not from this index.
    pub fn doc(&self, id: u32) -> &SearchDoc {
        &self.docs[id as usize]
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The part with this sku, ignoring case and separators; an exact
    /// spelling wins when several normalise alike.
    pub fn find_sku(&self, sku: &str) -> Option<u32> {
        let key = normalize(sku);
        if key.is_empty() {
            return None;
        }
        let from = self.sku_order.partition_point(|&id| self.field(id, Field::Sku) < key.as_str());
        let same: Vec<u32> =
            self.sku_order[from..].iter().copied().take_while(|&id| self.field(id, Field::Sku) == key).collect();
        let wanted = sku.trim();
        same.iter()
            .copied()
            .find(|&id| self.docs[id as usize].sku == wanted)
            .or_else(|| same.iter().copied().find(|&id| self.docs[id as usize].sku.eq_ignore_ascii_case(wanted)))
            .or_else(|| same.first().copied())
    }

    /// A normalised field of a part.
    #[inline]
    pub(crate) fn field(&self, id: u32, field: Field) -> &str {
        let (from, to) = self.field_range(id as usize, field);
        self.hay.get(from..to).unwrap_or("")
    }

    /// Byte range of a field in `hay`.
    #[inline]
    pub(crate) fn field_range(&self, i: usize, field: Field) -> (usize, usize) {
        let s = self.starts[i];
        let [a, b, c] = self.lens[i];
        let (a, b, c) = (a as usize, b as usize, c as usize);
        match field {
            Field::Sku => (s, s + a),
            Field::Mpn => (s + a + 1, s + a + 1 + b),
            Field::Manufacturer => (s + a + b + 2, s + a + b + 2 + c),
            Field::Name => (s + a + b + c + 3, self.starts[i + 1].saturating_sub(1)),
        }
    }

    /// Which field a byte offset (relative to the part's start) lies in,
    /// and the offset within that field.
    #[inline]
    pub(crate) fn locate(&self, i: usize, offset: usize) -> (Field, usize) {
        let [a, b, c] = self.lens[i];
        let (a, b, c) = (a as usize + 1, b as usize + 1, c as usize + 1);
        if offset < a {
            (Field::Sku, offset)
        } else if offset < a + b {
            (Field::Mpn, offset - a)
        } else if offset < a + b + c {
            (Field::Manufacturer, offset - a - b)
        } else {
            (Field::Name, offset - a - b - c)
        }
    }

    /// The normalised gtin of a part.
    #[inline]
    pub(crate) fn gtin(&self, id: u32) -> &str {
        let i = id as usize;
        self.gtins.get(self.gtin_starts[i]..self.gtin_starts[i + 1]).unwrap_or("")
    }

    /// Ids whose normalised gtin starts with `key`, in gtin order.
    pub(crate) fn gtins_starting_with(&self, key: &str) -> &[u32] {
        let from = self.gtin_order.partition_point(|&id| self.gtin(id) < key);
        let len = self.gtin_order[from..].partition_point(|&id| self.gtin(id).starts_with(key));
        &self.gtin_order[from..from + len]
    }

    /// The part's slice of `hay`, separators included.
    #[inline]
    pub(crate) fn doc_bytes(&self, i: usize) -> &[u8] {
        &self.hay.as_bytes()[self.starts[i]..self.starts[i + 1]]
    }
}
