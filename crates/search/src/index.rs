//! The index: every part's normalised sku, mpn, manufacturer and name in one
//! contiguous buffer (scanned with SIMD substring search), gtins and skus in
//! sorted arrays (binary search), and character masks per part (fuzzy
//! prefilter).

use super::docs::{DocList, DocRef};
use super::lazy::Lazy;
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
    /// The parts as the shop spelled them.
    pub(crate) docs: DocList,
    /// `sku␁mpn␁manufacturer␁name␁` of every part, normalised, in id order.
    pub(crate) hay: String,
    /// Where each part starts in `hay`; one extra entry for the end.
    pub(crate) starts: Vec<usize>,
    /// Lengths of the normalised sku, mpn and manufacturer of each part.
    pub(crate) lens: Vec<[u16; 3]>,
    /// Per part, which bytes and byte pairs occur in it: the fuzzy
    /// prefilter (read from the index file when first needed).
    pub(crate) masks: Lazy<PartMasks>,
    /// Normalised gtins, concatenated; `gtin_starts` has an extra end entry.
    pub(crate) gtins: String,
    pub(crate) gtin_starts: Vec<usize>,
    /// Ids of parts with a gtin, sorted by normalised gtin.
    pub(crate) gtin_order: Vec<u32>,
    /// Ids sorted by normalised sku (then id).
    pub(crate) sku_order: Vec<u32>,
    /// Position of each part in `sku_order`: the final tie-breaker.
    pub(crate) sku_rank: Vec<u32>,
    /// Times the company ordered each part.
    pub(crate) boosts: Vec<u32>,
    pub(crate) matcher: SkimMatcherV2,
    /// What the last fuzzy query left possible, for the next keystroke.
    pub(crate) pool: std::sync::Mutex<Option<super::refine::Pool>>,
}

/// The normalised form of a run of parts, built on one thread.
#[derive(Default)]
pub(crate) struct Chunk {
    pub(crate) hay: String,
    /// Part starts relative to this chunk's `hay`.
    pub(crate) starts: Vec<usize>,
    pub(crate) lens: Vec<[u16; 3]>,
    pub(crate) masks: Vec<PartMasks>,
    pub(crate) gtins: String,
    pub(crate) gtin_starts: Vec<usize>,
}

impl Chunk {
    pub(crate) fn with_capacity(parts: usize, bytes: usize) -> Chunk {
        Chunk {
            hay: String::with_capacity(bytes),
            starts: Vec::with_capacity(parts + 1),
            lens: Vec::with_capacity(parts),
            masks: Vec::with_capacity(parts),
            gtins: String::with_capacity(parts * 14),
            gtin_starts: Vec::with_capacity(parts + 1),
        }
    }

    fn build(docs: &DocList, range: std::ops::Range<usize>) -> Chunk {
        let bytes = docs.starts[range.end] - docs.starts[range.start] + 4 * range.len();
        let mut c = Chunk::with_capacity(range.len(), bytes);
        for i in range {
            c.push(docs.get(i));
        }
        c
    }

    /// The normalised form of all of `docs`, in runs built on `threads`
    /// threads (one run on one thread), in order.
    fn build_on(docs: &DocList, threads: usize) -> Vec<Chunk> {
        let n = docs.len();
        if threads <= 1 {
            return vec![Chunk::build(docs, 0..n)];
        }
        let per = n.div_ceil(threads).max(1);
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..n)
                .step_by(per)
                .map(|from| s.spawn(move || Chunk::build(docs, from..(from + per).min(n))))
                .collect();
            handles
                .into_iter()
                .map(|h| match h.join() {
                    Ok(c) => c,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        })
    }

    /// Appends one part, normalising it.
    pub(crate) fn push(&mut self, d: DocRef<'_>) {
        let c = self;
        let start = c.hay.len();
        c.starts.push(start);
        let mut field_lens = [0u16; 3];
        for (i, text) in [d.sku, d.mpn, d.manufacturer, d.name].into_iter().enumerate() {
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
        push_normalized(&mut c.gtins, d.gtin, MAX_FIELD);
    }

    /// Appends the parts of another chunk.
    pub(crate) fn append(&mut self, c: Chunk) {
        let (base, gtin_base) = (self.hay.len(), self.gtins.len());
        self.starts.extend(c.starts.iter().map(|s| s + base));
        self.gtin_starts.extend(c.gtin_starts.iter().map(|s| s + gtin_base));
        self.hay.push_str(&c.hay);
        self.gtins.push_str(&c.gtins);
        self.lens.extend(c.lens);
        self.masks.extend(c.masks);
    }

    /// Appends part `i` of `index` as it is there, without normalising again.
    pub(crate) fn push_from(&mut self, index: &SearchIndex, i: usize) {
        self.starts.push(self.hay.len());
        self.hay.push_str(index.hay.get(index.starts[i]..index.starts[i + 1]).unwrap_or(""));
        self.lens.push(index.lens[i]);
        self.masks.push(index.masks[i]);
        self.gtin_starts.push(self.gtins.len());
        self.gtins.push_str(index.gtin(i as u32));
    }
}

/// Above this many parts the index is built on several threads.
const PARALLEL_BUILD_MIN: usize = 50_000;

/// The first 16 bytes of a key, big-endian, zero-padded: compares like the
/// key itself as long as keys differ within 16 bytes (normalised keys hold
/// no zero bytes).
/// The key's first 12 bytes (zero-padded) above the id: one `u128` per part
/// sorts by prefix, then id, in 16 bytes (a million parts: 16 MB).
fn pack(key: &[u8], id: u32) -> u128 {
    let mut buf = [0u8; 16];
    let n = key.len().min(12);
    buf[..n].copy_from_slice(&key[..n]);
    u128::from_be_bytes(buf) | u128::from(id)
}

/// `ids` sorted by `key` (then id). Sorting packed prefixes keeps the sort
/// in cache; only runs sharing 12 bytes compare the full keys.
fn sort_by_key_text<'a>(ids: impl Iterator<Item = u32>, key: impl Fn(u32) -> &'a [u8]) -> Vec<u32> {
    let mut packed: Vec<u128> = ids.map(|id| pack(key(id), id)).collect();
    packed.sort_unstable();
    let prefix = |p: u128| p >> 32;
    let mut out: Vec<u32> = packed.iter().map(|&p| p as u32).collect();
    let mut i = 0;
    while i < packed.len() {
        let mut j = i + 1;
        while j < packed.len() && prefix(packed[j]) == prefix(packed[i]) {
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
        Self::from_list(DocList::from(&docs[..]))
    }

    /// The index over a packed list of parts (ids are positions in it).
    pub fn from_list(docs: DocList) -> Self {
        let threads = if docs.len() < PARALLEL_BUILD_MIN {
            1
        } else {
            std::thread::available_parallelism().map_or(1, |t| t.get()).clamp(1, 8)
        };
        Self::build_list(docs, threads)
    }

    /// The index over parts that arrive in batches (each a packed list, in
    /// id order), normalising each batch on several threads and keeping of
    /// the texts only the skus: a catalog never needs to be in memory whole.
    pub fn from_batches(batches: impl IntoIterator<Item = DocList>) -> Self {
        let threads = std::thread::available_parallelism().map_or(1, |t| t.get()).clamp(1, 8);
        let mut docs = DocList::new();
        let mut all = Chunk::default();
        for batch in batches {
            let n = batch.len();
            let chunks = Chunk::build_on(&batch, threads);
            for c in chunks {
                all.append(c);
            }
            for i in 0..n {
                docs.push(DocRef { sku: batch.sku(i), mpn: "", gtin: "", manufacturer: "", name: "" });
            }
        }
        Self::assemble(docs, all)
    }

    /// The index, normalising on `threads` threads.
    #[cfg(test)]
    pub(crate) fn build(docs: Vec<SearchDoc>, threads: usize) -> Self {
        let list = DocList::from(&docs[..]);
        drop(docs);
        Self::build_list(list, threads)
    }

    fn build_list(docs: DocList, threads: usize) -> Self {
        let n = docs.len();
        let chunks = Chunk::build_on(&docs, threads.clamp(1, n.max(1)));
        let all = if chunks.len() == 1 {
            chunks.into_iter().next().unwrap_or_default()
        } else {
            let mut all = Chunk {
                hay: String::with_capacity(chunks.iter().map(|c| c.hay.len()).sum()),
                gtins: String::with_capacity(chunks.iter().map(|c| c.gtins.len()).sum()),
                ..Chunk::with_capacity(n, 0)
            };
            for c in chunks {
                all.append(c);
            }
            all
        };
        Self::assemble(docs, all)
    }

    /// The index from the normalised parts: sorts, ranks.
    pub(crate) fn assemble(docs: DocList, mut all: Chunk) -> Self {
        let n = docs.len();
        all.starts.push(all.hay.len());
        all.gtin_starts.push(all.gtins.len());

        let mut index = SearchIndex {
            docs,
            hay: all.hay,
            starts: all.starts,
            lens: all.lens,
            masks: all.masks.into(),
            gtins: all.gtins,
            gtin_starts: all.gtin_starts,
            gtin_order: Vec::new(),
            sku_order: Vec::new(),
            sku_rank: vec![0; n],
            boosts: vec![0; n],
            matcher: SkimMatcherV2::default().ignore_case(),
            pool: Default::default(),
        };
        let sku_order = sort_by_key_text(0..n as u32, |id| index.field(id, Field::Sku).as_bytes());
        for (rank, &id) in sku_order.iter().enumerate() {
            index.sku_rank[id as usize] = rank as u32;
        }
        index.sku_order = sku_order;
        index.sort_gtins();
        index
    }

    /// Orders the parts with a gtin by it.
    pub(crate) fn sort_gtins(&mut self) {
        let n = self.len() as u32;
        self.gtin_order =
            sort_by_key_text((0..n).filter(|&id| !self.gtin(id).is_empty()), |id| self.gtin(id).as_bytes());
    }

    /// The ids of the parts with a type number, sorted by their normalised
    /// type number (then id): written into the index file for exact and
    /// prefix lookups ([`crate::IndexFile::find_keys`]); a search scans the
    /// texts and needs no such order.
    pub(crate) fn mpn_order(&self) -> Vec<u32> {
        let n = self.len() as u32;
        sort_by_key_text((0..n).filter(|&id| !self.field(id, Field::Mpn).is_empty()), |id| {
            self.field(id, Field::Mpn).as_bytes()
        })
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

    /// Reads now what an index opened from its file reads only when a
    /// search first needs it (the fuzzy masks): for a terminal app that
    /// has a moment while the buyer types.
    pub fn preload(&self) {
        self.masks.get();
    }

    /// Whether everything is in memory (see [`SearchIndex::preload`]).
    pub fn is_loaded(&self) -> bool {
        self.masks.is_loaded()
    }

    /// The part with this id. Panics on an id not from this index. An index
    /// read from its file (or built `from_batches`) knows only the skus.
    pub fn doc(&self, id: u32) -> SearchDoc {
        self.docs.get(id as usize).to_doc()
    }

    /// The part with this id, borrowed. Panics on an id not from this index.
    pub fn doc_ref(&self, id: u32) -> DocRef<'_> {
        self.docs.get(id as usize)
    }

    /// The sku of the part with this id. Panics on an id not from this index.
    pub fn sku(&self, id: u32) -> &str {
        self.docs.sku(id as usize)
    }

    /// The parts, in id order.
    pub fn docs(&self) -> &DocList {
        &self.docs
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
            .find(|&id| self.sku(id) == wanted)
            .or_else(|| same.iter().copied().find(|&id| self.sku(id).eq_ignore_ascii_case(wanted)))
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
