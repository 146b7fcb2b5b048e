//! The index as a file: every array of the index written as it lies in
//! memory, so opening it is a few large reads, no parsing and no
//! normalising. Of the parts' own texts only the skus are kept: an index
//! read back answers searches and names its hits by sku; the rest of a part
//! (its mpn, name, …) is the catalog's to tell.
//!
//! A header names the format, the machine's word size and byte order, the
//! part count, a tag the caller chooses (the catalog cache's sync token)
//! and a table of the sections (the arrays) with where each lies, its size
//! and its CRC-32; a CRC-32 of the header ends it. Each section is checked
//! when it is read. Opening reads the sections every search needs; the
//! fuzzy masks (a quarter of the file, for fuzzy matching only) are read
//! the first time a search needs them. A file that is cut short, altered or
//! written by another kind of machine is refused as damaged, never half
//! trusted; a mask section found altered only when it is read is rebuilt
//! in memory from the parts' texts.
//!
//! A delta file ([`IndexDelta`]) beside it holds, for the index file it
//! names, a newer tag and the parts changed since: a re-sync whose changes
//! the index does not see writes that instead of the whole index.

use super::docs::DocList;
use super::index::SearchIndex;
use super::lazy::Lazy;
use super::masks::PartMasks;
use super::{MatchKind, SearchDoc};
use bytemuck::Pod;
use fuzzy_matcher::skim::SkimMatcherV2;
use std::io::{self, Write};
#[cfg(not(unix))]
use std::io::{Read, Seek};
use std::sync::Arc;
#[cfg(not(unix))]
use std::sync::Mutex;

const MAGIC: &[u8; 8] = b"PROCIDX\x03";
const VERSION: u32 = 3;
/// Written in native byte order: reads back differently on a machine of
/// the other order.
const BYTE_ORDER: u32 = 0x0102_0304;
/// Longest tag read back.
const TAG_MAX: u64 = 4096;

/// The sections, in file order.
#[derive(Debug, Clone, Copy)]
enum Sec {
    SkuText,
    SkuStarts,
    Hay,
    Starts,
    Lens,
    Masks,
    Gtins,
    GtinStarts,
    GtinOrder,
    SkuOrder,
    SkuRank,
    /// Ids of the parts with a type number, sorted by it: for
    /// [`IndexFile::find_keys`] only (searches scan the texts).
    MpnOrder,
}
const SECTIONS: usize = 12;

#[derive(Debug, Clone, Copy, Default)]
struct Section {
    offset: u64,
    bytes: u64,
    crc: u32,
}

/// Why an index file cannot be used.
#[derive(Debug)]
pub enum IndexFileError {
    Io(io::Error),
    /// Not an index of this format, cut short, or altered.
    Damaged(String),
}

impl std::fmt::Display for IndexFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IndexFileError::Io(e) => write!(f, "{e}"),
            IndexFileError::Damaged(why) => write!(f, "damaged: {why}"),
        }
    }
}

impl std::error::Error for IndexFileError {}

impl From<io::Error> for IndexFileError {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            IndexFileError::Damaged("the file ends early".into())
        } else {
            IndexFileError::Io(e)
        }
    }
}

fn damaged(why: &str) -> IndexFileError {
    IndexFileError::Damaged(why.to_string())
}

/// Where an index file's bytes are read from, at any offset: the open file
/// (kept open, so a file replaced meanwhile is still the one read), or
/// bytes in memory.
trait Source: Send + Sync {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()>;
}

/// Positional reads: several threads read one file at once.
#[cfg(unix)]
impl Source for std::fs::File {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        std::os::unix::fs::FileExt::read_exact_at(self, buf, offset)
    }
}

#[cfg(not(unix))]
impl Source for Mutex<std::fs::File> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let mut file = self.lock().map_err(|_| io::Error::other("index file lock poisoned"))?;
        file.seek(io::SeekFrom::Start(offset))?;
        file.read_exact(buf)
    }
}

impl Source for Vec<u8> {
    fn read_at(&self, buf: &mut [u8], offset: u64) -> io::Result<()> {
        let from = usize::try_from(offset).unwrap_or(usize::MAX);
        let bytes = from.checked_add(buf.len()).and_then(|to| self.get(from..to));
        buf.copy_from_slice(bytes.ok_or(io::ErrorKind::UnexpectedEof)?);
        Ok(())
    }
}

/// The bytes of the header up to its table: magic, version, word size,
/// byte order, part count, tag length.
const FIXED: usize = 8 + 4 + 4 + 4 + 8 + 8;
const ENTRY: usize = 8 + 8 + 4;

/// Offsets that start at 0, never go back and end at `end`.
fn offsets_fit(starts: &[usize], parts: usize, end: usize) -> bool {
    starts.len() == parts + 1
        && starts.first() == Some(&0)
        && starts.last() == Some(&end)
        && starts.windows(2).all(|w| w[0] <= w[1])
}

fn text(bytes: Vec<u8>) -> Result<String, IndexFileError> {
    String::from_utf8(bytes).map_err(|_| damaged("text that is not UTF-8"))
}

impl SearchIndex {
    /// Writes the index with `tag` (read back by [`IndexFile`]). Boosts are
    /// not part of it: they change with every order.
    pub fn write_to<W: Write + ?Sized>(&self, w: &mut W, tag: &str) -> io::Result<()> {
        let skus = self.docs.skus_only();
        let mpn_order = self.mpn_order();
        let sections: [&[u8]; SECTIONS] = [
            skus.text.as_bytes(),
            bytemuck::cast_slice(&skus.starts),
            self.hay.as_bytes(),
            bytemuck::cast_slice(&self.starts),
            bytemuck::cast_slice(&self.lens),
            bytemuck::cast_slice(&self.masks),
            self.gtins.as_bytes(),
            bytemuck::cast_slice(&self.gtin_starts),
            bytemuck::cast_slice(&self.gtin_order),
            bytemuck::cast_slice(&self.sku_order),
            bytemuck::cast_slice(&self.sku_rank),
            bytemuck::cast_slice(&mpn_order),
        ];
        let mut head = Vec::with_capacity(FIXED + tag.len() + SECTIONS * ENTRY + 4);
        head.extend_from_slice(MAGIC);
        head.extend_from_slice(&VERSION.to_ne_bytes());
        head.extend_from_slice(&(std::mem::size_of::<usize>() as u32).to_ne_bytes());
        head.extend_from_slice(&BYTE_ORDER.to_ne_bytes());
        head.extend_from_slice(&(self.len() as u64).to_le_bytes());
        head.extend_from_slice(&(tag.len() as u64).to_le_bytes());
        head.extend_from_slice(tag.as_bytes());
        let mut offset = (head.len() + SECTIONS * ENTRY + 4) as u64;
        for bytes in sections {
            head.extend_from_slice(&offset.to_le_bytes());
            head.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            head.extend_from_slice(&crc32fast::hash(bytes).to_le_bytes());
            offset += bytes.len() as u64;
        }
        let crc = crc32fast::hash(&head);
        head.extend_from_slice(&crc.to_le_bytes());
        w.write_all(&head)?;
        for bytes in sections {
            w.write_all(bytes)?;
        }
        Ok(())
    }
}

/// An index file, opened: its header read and checked, its sections read
/// when asked for.
pub struct IndexFile {
    source: Arc<dyn Source>,
    parts: usize,
    tag: String,
    /// The header's CRC: names this file's contents (a delta is for it only).
    id: u32,
    table: [Section; SECTIONS],
}

impl IndexFile {
    /// Opens an index file and reads its header.
    pub fn open(path: &std::path::Path) -> Result<IndexFile, IndexFileError> {
        let file = std::fs::File::open(path).map_err(IndexFileError::Io)?;
        let len = file.metadata().map_err(IndexFileError::Io)?.len();
        #[cfg(unix)]
        let source = Arc::new(file);
        #[cfg(not(unix))]
        let source = Arc::new(Mutex::new(file));
        Self::from_source(source, len)
    }

    /// An index file held in memory.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<IndexFile, IndexFileError> {
        let len = bytes.len() as u64;
        Self::from_source(Arc::new(bytes), len)
    }

    fn from_source(source: Arc<dyn Source>, len: u64) -> Result<IndexFile, IndexFileError> {
        let mut fixed = [0u8; FIXED];
        if len < FIXED as u64 {
            return Err(damaged("the file ends early"));
        }
        source.read_at(&mut fixed, 0)?;
        if &fixed[..8] != MAGIC {
            return Err(damaged("not a procure search index of this version"));
        }
        let u32_at = |at: usize| u32::from_ne_bytes([fixed[at], fixed[at + 1], fixed[at + 2], fixed[at + 3]]);
        let u64_at = |b: &[u8], at: usize| {
            let mut x = [0u8; 8];
            x.copy_from_slice(&b[at..at + 8]);
            u64::from_le_bytes(x)
        };
        if u32_at(8) != VERSION {
            return Err(damaged("another version of the index format"));
        }
        if u32_at(12) != std::mem::size_of::<usize>() as u32 || u32_at(16) != BYTE_ORDER {
            return Err(damaged("written on another kind of machine"));
        }
        let parts = usize::try_from(u64_at(&fixed, 20)).map_err(|_| damaged("part count out of range"))?;
        let tag_len = u64_at(&fixed, 28);
        if tag_len > TAG_MAX {
            return Err(damaged("a tag longer than any written"));
        }
        let head_len = FIXED + tag_len as usize + SECTIONS * ENTRY + 4;
        if len < head_len as u64 {
            return Err(damaged("the file ends early"));
        }
        let mut head = vec![0u8; head_len];
        source.read_at(&mut head, 0)?;
        let (body, stored) = head.split_at(head_len - 4);
        let id = crc32fast::hash(body);
        if stored != id.to_le_bytes() {
            return Err(damaged("checksum mismatch"));
        }
        let tag = text(body[FIXED..FIXED + tag_len as usize].to_vec())?;
        let mut table = [Section::default(); SECTIONS];
        let mut end = head_len as u64;
        for (k, slot) in table.iter_mut().enumerate() {
            let at = FIXED + tag_len as usize + k * ENTRY;
            let crc = u32::from_le_bytes([body[at + 16], body[at + 17], body[at + 18], body[at + 19]]);
            *slot = Section { offset: u64_at(body, at), bytes: u64_at(body, at + 8), crc };
            // Back to back, all within the file.
            if slot.offset != end || slot.offset.checked_add(slot.bytes).is_none_or(|e| e > len) {
                return Err(damaged("the file ends early"));
            }
            end = slot.offset + slot.bytes;
        }
        if end != len {
            return Err(damaged("the file is longer than its sections"));
        }
        Ok(IndexFile { source, parts, tag, id, table })
    }

    /// The tag it was written with.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// What names this file's contents: a delta written for it carries it.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// Parts in it.
    pub fn len(&self) -> usize {
        self.parts
    }

    pub fn is_empty(&self) -> bool {
        self.parts == 0
    }

    fn section<T: Pod>(&self, which: Sec) -> Result<Vec<T>, IndexFileError> {
        read_section(&*self.source, self.table[which as usize])
    }

    /// The parts' skus, in id order (the catalog's sku order).
    pub fn skus(&self) -> Result<DocList, IndexFileError> {
        let text = text(self.section(Sec::SkuText)?)?;
        let starts: Vec<usize> = self.section(Sec::SkuStarts)?;
        let lens = starts.windows(2).map(|w| [w[1].saturating_sub(w[0]).min(usize::from(u16::MAX)) as u16, 0, 0, 0]);
        let docs = DocList { lens: lens.collect(), text, starts };
        if docs.len() != self.parts || !docs.is_consistent() {
            return Err(damaged("offsets that do not fit"));
        }
        Ok(docs)
    }

    /// The index, with the fuzzy masks read when first needed.
    pub fn index(&self) -> Result<SearchIndex, IndexFileError> {
        let (source, section, n) = (self.source.clone(), self.table[Sec::Masks as usize], self.parts);
        if section.bytes != (n * std::mem::size_of::<PartMasks>()) as u64 {
            return Err(damaged("offsets that do not fit"));
        }
        self.assemble(Lazy::later(move || {
            // Masks only rule parts out before they are compared: masks that
            // rule nothing out give the same results, more slowly.
            read_section(&*source, section).ok().filter(|m: &Vec<PartMasks>| m.len() == n).unwrap_or_else(|| {
                let mut all = vec![PartMasks::default(); n];
                bytemuck::cast_slice_mut::<PartMasks, u8>(&mut all).fill(0xFF);
                all
            })
        }))
    }

    /// The index, every section read and checked now.
    pub fn index_checked(&self) -> Result<SearchIndex, IndexFileError> {
        let masks: Vec<PartMasks> = self.section(Sec::Masks)?;
        let mpn_order: Vec<u32> = self.section(Sec::MpnOrder)?;
        if masks.len() != self.parts
            || mpn_order.len() > self.parts
            || mpn_order.iter().any(|&id| id as usize >= self.parts)
        {
            return Err(damaged("offsets that do not fit"));
        }
        self.assemble(masks.into())
    }

    fn assemble(&self, masks: Lazy<PartMasks>) -> Result<SearchIndex, IndexFileError> {
        // The largest section on a thread of its own, the rest meanwhile
        // (a million parts on 2 cores: 49 ms instead of 80).
        let (hay, rest) = std::thread::scope(|s| {
            let hay = s.spawn(|| text(self.section(Sec::Hay)?));
            let rest = self.rest();
            match hay.join() {
                Ok(hay) => (hay, rest),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        self.finish(masks, hay?, rest?)
    }

    fn finish(&self, masks: Lazy<PartMasks>, hay: String, rest: Rest) -> Result<SearchIndex, IndexFileError> {
        let n = self.parts;
        let (docs, starts, lens, gtins, gtin_starts, gtin_order, sku_order, sku_rank) = rest;

        // With good checksums these hold unless the writer was wrong; they
        // are checked anyway, as every lookup relies on them.
        let in_range = |ids: &[u32]| ids.iter().all(|&id| (id as usize) < n);
        let parts_fit = starts.windows(2).zip(&lens).all(|(w, l)| {
            let fields: usize = l.iter().map(|&x| usize::from(x)).sum();
            fields + 4 <= w[1] - w[0]
        });
        let consistent = offsets_fit(&starts, n, hay.len())
            && parts_fit
            && lens.len() == n
            && offsets_fit(&gtin_starts, n, gtins.len())
            && gtin_order.len() <= n
            && in_range(&gtin_order)
            && sku_order.len() == n
            && in_range(&sku_order)
            && sku_rank.len() == n
            && in_range(&sku_rank);
        if !consistent {
            return Err(damaged("offsets that do not fit"));
        }
        Ok(SearchIndex {
            docs,
            hay,
            starts,
            lens,
            masks,
            gtins,
            gtin_starts,
            gtin_order,
            sku_order,
            sku_rank,
            boosts: vec![0; n],
            matcher: SkimMatcherV2::default().ignore_case(),
            pool: Default::default(),
        })
    }
}

/// The sections but the normalised texts and the masks.
type Rest = (DocList, Vec<usize>, Vec<[u16; 3]>, String, Vec<usize>, Vec<u32>, Vec<u32>, Vec<u32>);

impl IndexFile {
    fn rest(&self) -> Result<Rest, IndexFileError> {
        Ok((
            self.skus()?,
            self.section(Sec::Starts)?,
            self.section(Sec::Lens)?,
            text(self.section(Sec::Gtins)?)?,
            self.section(Sec::GtinStarts)?,
            self.section(Sec::GtinOrder)?,
            self.section(Sec::SkuOrder)?,
            self.section(Sec::SkuRank)?,
        ))
    }
}

/// Which key of a part a lookup matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyField {
    Sku,
    /// The type number.
    Mpn,
    Gtin,
}

/// A part that [`IndexFile::find_keys`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHit {
    pub sku: String,
    /// [`MatchKind::Exact`] or [`MatchKind::Prefix`].
    pub kind: MatchKind,
    /// The key that matched (the best one, if several did).
    pub field: KeyField,
    /// How long that key is, normalised: of two prefix matches the shorter
    /// one is the closer.
    pub key_len: usize,
}

impl KeyHit {
    /// How `doc` matches `query` by its keys, as [`IndexFile::find_keys`]
    /// finds the parts in the file: for a part that is not (a delta's).
    pub fn of(doc: &SearchDoc, query: &str) -> Option<KeyHit> {
        let key = crate::query::Query::parse(query).joined;
        if key.is_empty() {
            return None;
        }
        let prefix_gtins = key.len() >= crate::query::GTIN_PREFIX_MIN;
        [(KeyField::Sku, &doc.sku, true), (KeyField::Mpn, &doc.mpn, true), (KeyField::Gtin, &doc.gtin, prefix_gtins)]
            .into_iter()
            .filter_map(|(field, text, prefixes)| {
                let k = crate::normalize(text);
                let kind = if k.is_empty() {
                    return None;
                } else if k == key {
                    MatchKind::Exact
                } else if prefixes && k.starts_with(&key) {
                    MatchKind::Prefix
                } else {
                    return None;
                };
                Some((kind, field, k.len()))
            })
            .min()
            .map(|(kind, field, key_len)| KeyHit { sku: doc.sku.clone(), kind, field, key_len })
    }
}

/// What [`IndexFile::find_keys`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLookup {
    /// Every exact and prefix match, best first (class, key length, sku).
    Found(Vec<KeyHit>),
    /// More keys than the limit start with the query (how many): a search
    /// ranks so many better than key order can.
    TooMany(usize),
}

impl IndexFile {
    /// The parts a search ranks as exact or prefix matches of `query`,
    /// found in the file's sorted sections by binary search with a few
    /// small reads each, without reading the index: parts whose normalised
    /// sku or type number is the query's words joined (exact) or starts
    /// with them (prefix), and whose gtin is it (or, from 7 digits, starts
    /// with it). For comparing one part across many catalogs, where reading
    /// each index whole would cost more than the whole lookup.
    ///
    /// The sections are read in pieces, so their checksums cannot be
    /// checked: every offset is checked against the file instead, and a
    /// caller that must be sure checks each hit against the catalog.
    pub fn find_keys(&self, query: &str, limit: usize) -> Result<KeyLookup, IndexFileError> {
        self.lookup(query, limit, true)
    }

    /// As [`IndexFile::find_keys`], the exact matches only: the parts whose
    /// normalised sku, type number or gtin is the query's words joined.
    pub fn find_exact(&self, query: &str, limit: usize) -> Result<KeyLookup, IndexFileError> {
        self.lookup(query, limit, false)
    }

    fn lookup(&self, query: &str, limit: usize, prefixes: bool) -> Result<KeyLookup, IndexFileError> {
        let key = crate::query::Query::parse(query).joined;
        if key.is_empty() || self.parts == 0 {
            return Ok(KeyLookup::Found(vec![]));
        }
        let key = key.as_bytes();
        let prefix_gtins = key.len() >= crate::query::GTIN_PREFIX_MIN;
        let mut ranges = Vec::with_capacity(3);
        let mut total = 0;
        for (order, field) in
            [(Sec::SkuOrder, KeyField::Sku), (Sec::MpnOrder, KeyField::Mpn), (Sec::GtinOrder, KeyField::Gtin)]
        {
            let from = self.partition(order, field, |k| k < key)?;
            let prefixes = prefixes && (field != KeyField::Gtin || prefix_gtins);
            let end =
                self.partition(order, field, |k| k < key || if prefixes { k.starts_with(key) } else { k == key })?;
            total += end - from;
            ranges.push((order, field, from..end));
        }
        if total > limit {
            return Ok(KeyLookup::TooMany(total));
        }
        let mut best: std::collections::HashMap<u32, (MatchKind, KeyField, usize)> = std::collections::HashMap::new();
        for (order, field, range) in ranges {
            for pos in range {
                let id = self.u32_in(order, pos)?;
                let k = self.key_of(id, field)?;
                let kind = if k == key { MatchKind::Exact } else { MatchKind::Prefix };
                let found = (kind, field, k.len());
                best.entry(id).and_modify(|b| *b = (*b).min(found)).or_insert(found);
            }
        }
        let mut hits = best
            .into_iter()
            .map(|(id, (kind, field, key_len))| Ok(KeyHit { sku: self.sku_text(id)?, kind, field, key_len }))
            .collect::<Result<Vec<_>, IndexFileError>>()?;
        hits.sort_by(|a, b| (a.kind, a.key_len, &a.sku, a.field).cmp(&(b.kind, b.key_len, &b.sku, b.field)));
        Ok(KeyLookup::Found(hits))
    }

    /// Reads `buf.len()` bytes at `at` within a section.
    fn read_in(&self, sec: Sec, at: u64, buf: &mut [u8]) -> Result<(), IndexFileError> {
        let s = self.table[sec as usize];
        if at.checked_add(buf.len() as u64).is_none_or(|end| end > s.bytes) {
            return Err(damaged("offsets that do not fit"));
        }
        Ok(self.source.read_at(buf, s.offset + at)?)
    }

    fn u32_in(&self, sec: Sec, i: usize) -> Result<u32, IndexFileError> {
        let mut b = [0u8; 4];
        self.read_in(sec, (i as u64) * 4, &mut b)?;
        let id = u32::from_ne_bytes(b);
        if id as usize >= self.parts && matches!(sec, Sec::SkuOrder | Sec::MpnOrder | Sec::GtinOrder) {
            return Err(damaged("offsets that do not fit"));
        }
        Ok(id)
    }

    fn usize_in(&self, sec: Sec, i: usize) -> Result<usize, IndexFileError> {
        const W: usize = std::mem::size_of::<usize>();
        let mut b = [0u8; W];
        self.read_in(sec, (i * W) as u64, &mut b)?;
        Ok(usize::from_ne_bytes(b))
    }

    /// The bytes `from..to` of a section.
    fn bytes_in(&self, sec: Sec, from: usize, to: usize) -> Result<Vec<u8>, IndexFileError> {
        if to < from || to - from > 1 << 20 {
            return Err(damaged("offsets that do not fit"));
        }
        let mut buf = vec![0u8; to - from];
        self.read_in(sec, from as u64, &mut buf)?;
        Ok(buf)
    }

    /// A part's normalised key.
    fn key_of(&self, id: u32, field: KeyField) -> Result<Vec<u8>, IndexFileError> {
        let i = id as usize;
        match field {
            KeyField::Gtin => {
                self.bytes_in(Sec::Gtins, self.usize_in(Sec::GtinStarts, i)?, self.usize_in(Sec::GtinStarts, i + 1)?)
            }
            KeyField::Sku | KeyField::Mpn => {
                let start = self.usize_in(Sec::Starts, i)?;
                let mut b = [0u8; 6];
                self.read_in(Sec::Lens, (i * 6) as u64, &mut b)?;
                let (sku, mpn) =
                    (usize::from(u16::from_ne_bytes([b[0], b[1]])), usize::from(u16::from_ne_bytes([b[2], b[3]])));
                let from = if field == KeyField::Sku { start } else { start + sku + 1 };
                let len = if field == KeyField::Sku { sku } else { mpn };
                self.bytes_in(Sec::Hay, from, from + len)
            }
        }
    }

    /// A part's sku as the shop spells it.
    fn sku_text(&self, id: u32) -> Result<String, IndexFileError> {
        let i = id as usize;
        text(self.bytes_in(Sec::SkuText, self.usize_in(Sec::SkuStarts, i)?, self.usize_in(Sec::SkuStarts, i + 1)?)?)
    }

    /// The first position in a sorted order section whose part's key is
    /// not `before` (which holds for a leading run of the order).
    fn partition(&self, order: Sec, field: KeyField, before: impl Fn(&[u8]) -> bool) -> Result<usize, IndexFileError> {
        let (mut lo, mut hi) = (0, (self.table[order as usize].bytes / 4) as usize);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if before(&self.key_of(self.u32_in(order, mid)?, field)?) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Ok(lo)
    }
}

/// A section's elements, checked against its CRC.
fn read_section<T: Pod>(source: &dyn Source, s: Section) -> Result<Vec<T>, IndexFileError> {
    let size = std::mem::size_of::<T>() as u64;
    if !s.bytes.is_multiple_of(size) {
        return Err(damaged("offsets that do not fit"));
    }
    let len = usize::try_from(s.bytes / size).map_err(|_| damaged("an array is longer than the file"))?;
    let mut v = vec![T::zeroed(); len];
    let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut v);
    source.read_at(bytes, s.offset)?;
    if crc32fast::hash(bytes) != s.crc {
        return Err(damaged("checksum mismatch"));
    }
    Ok(v)
}

/// Reads a delta's fields in turn.
struct Cursor<'a> {
    body: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: u64) -> Result<&'a [u8], IndexFileError> {
        let n = usize::try_from(n).map_err(|_| damaged("the file ends early"))?;
        let end =
            self.at.checked_add(n).filter(|&e| e <= self.body.len()).ok_or_else(|| damaged("the file ends early"))?;
        let piece = &self.body[self.at..end];
        self.at = end;
        Ok(piece)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], IndexFileError> {
        self.take(N as u64)?.try_into().map_err(|_| damaged("the file ends early"))
    }

    fn u64(&mut self) -> Result<u64, IndexFileError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn string(&mut self) -> Result<String, IndexFileError> {
        let n = self.u64()?;
        text(self.take(n)?.to_vec())
    }
}

const DELTA_MAGIC: &[u8; 8] = b"PROCIDD\x01";

/// The parts a re-sync changed, for one index file: applied to it
/// ([`SearchIndex::apply_changes`]) they give the index of the catalog as
/// `tag` describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexDelta {
    /// The [`IndexFile::id`] of the index file it is for.
    pub base: u32,
    pub tag: String,
    pub upserts: Vec<SearchDoc>,
    pub removed: Vec<String>,
}

impl IndexDelta {
    pub fn write_to<W: Write + ?Sized>(&self, w: &mut W) -> io::Result<()> {
        let mut out = Vec::with_capacity(64 + self.upserts.len() * 128);
        let string = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(&(s.len() as u64).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        out.extend_from_slice(DELTA_MAGIC);
        out.extend_from_slice(&self.base.to_le_bytes());
        string(&mut out, &self.tag);
        out.extend_from_slice(&(self.upserts.len() as u64).to_le_bytes());
        for d in &self.upserts {
            for f in [&d.sku, &d.mpn, &d.gtin, &d.manufacturer, &d.name] {
                string(&mut out, f);
            }
        }
        out.extend_from_slice(&(self.removed.len() as u64).to_le_bytes());
        for s in &self.removed {
            string(&mut out, s);
        }
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        w.write_all(&out)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<IndexDelta, IndexFileError> {
        let Some((body, stored)) = bytes.split_last_chunk::<4>() else {
            return Err(damaged("the file ends early"));
        };
        if !body.starts_with(DELTA_MAGIC) {
            return Err(damaged("not a procure search index delta"));
        }
        if crc32fast::hash(body) != u32::from_le_bytes(*stored) {
            return Err(damaged("checksum mismatch"));
        }
        let mut c = Cursor { body, at: DELTA_MAGIC.len() };
        let base = u32::from_le_bytes(c.array()?);
        let tag = c.string()?;
        let mut upserts = Vec::new();
        for _ in 0..c.u64()? {
            upserts.push(SearchDoc {
                sku: c.string()?,
                mpn: c.string()?,
                gtin: c.string()?,
                manufacturer: c.string()?,
                name: c.string()?,
            });
        }
        let mut removed = Vec::new();
        for _ in 0..c.u64()? {
            removed.push(c.string()?);
        }
        if c.at != body.len() {
            return Err(damaged("the file is longer than its parts"));
        }
        Ok(IndexDelta { base, tag, upserts, removed })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SearchDoc;

    fn catalog(n: usize) -> SearchIndex {
        let docs: Vec<SearchDoc> = crate::tests::generated_docs(n, 11);
        SearchIndex::new(docs)
    }

    fn written(index: &SearchIndex, tag: &str) -> Vec<u8> {
        let mut bytes = Vec::new();
        index.write_to(&mut bytes, tag).unwrap();
        bytes
    }

    fn read(bytes: &[u8]) -> Result<(SearchIndex, String), IndexFileError> {
        let file = IndexFile::from_bytes(bytes.to_vec())?;
        Ok((file.index_checked()?, file.tag().to_string()))
    }

    #[test]
    fn an_index_reads_back_as_written() {
        let index = catalog(2_000);
        let bytes = written(&index, "abc-42 2026-12-01");
        let (back, tag) = read(&bytes).unwrap();
        assert_eq!(tag, "abc-42 2026-12-01");
        assert_eq!(back.docs, index.docs.skus_only());
        assert_eq!(back.hay, index.hay);
        assert_eq!(back.masks, index.masks);
        assert_eq!(back.sku_rank, index.sku_rank);
        for q in ["62052rs", "m8x25", "contctor 24v", "skf", "40"] {
            assert_eq!(back.search(q, 50), index.search(q, 50), "{q}");
        }
        // Written again, byte for byte the same.
        assert_eq!(written(&back, "abc-42 2026-12-01"), bytes);
    }

    #[test]
    fn an_index_built_in_batches_writes_the_same_file() {
        let index = catalog(3_000);
        let docs = index.docs.clone();
        let batches = (0..docs.len()).step_by(700).map(|from| {
            let mut b = DocList::new();
            for i in from..(from + 700).min(docs.len()) {
                b.push(docs.get(i));
            }
            b
        });
        let batched = SearchIndex::from_batches(batches);
        assert_eq!(batched.hay, index.hay);
        assert_eq!(batched.masks, index.masks);
        assert_eq!(batched.gtin_order, index.gtin_order);
        assert_eq!(written(&batched, "t"), written(&index, "t"));
        assert_eq!(batched.search("contactor 24v", 20), index.search("contactor 24v", 20));
    }

    #[test]
    fn a_cut_or_altered_file_is_refused_as_damaged() {
        let bytes = written(&catalog(500), "t");
        for cut in [0, 7, 100, bytes.len() / 2, bytes.len() - 1] {
            let r = read(&bytes[..cut]);
            assert!(matches!(r, Err(IndexFileError::Damaged(_))), "cut at {cut}: {:?}", r.err());
        }
        for at in [3, 30, bytes.len() / 3, bytes.len() - 10] {
            let mut bad = bytes.clone();
            bad[at] ^= 0x20;
            let r = read(&bad);
            assert!(matches!(r, Err(IndexFileError::Damaged(_))), "byte {at}: {:?}", r.err());
        }
        assert!(read(&bytes).is_ok());
    }

    #[test]
    fn the_masks_are_read_when_a_search_first_needs_them() {
        let index = catalog(2_000);
        let bytes = written(&index, "t");
        let file = IndexFile::from_bytes(bytes.clone()).unwrap();
        let lazy = file.index().unwrap();
        assert!(!lazy.is_loaded());
        // A search with enough exact hits needs no fuzzy matching.
        assert_eq!(lazy.search("skf", 5), index.search("skf", 5));
        assert!(!lazy.is_loaded());
        for q in ["deep grove bearing", "contctor 24v", "62052rs", "m8x25"] {
            assert_eq!(lazy.search(q, 50), index.search(q, 50), "{q}");
        }
        assert!(lazy.is_loaded());
        assert_eq!(lazy.masks, index.masks);
    }

    #[test]
    fn altered_masks_found_late_cost_speed_never_results() {
        let index = catalog(2_000);
        let mut bytes = written(&index, "t");
        let file = IndexFile::from_bytes(bytes.clone()).unwrap();
        let masks = file.table[Sec::Masks as usize];
        bytes[masks.offset as usize + 17] ^= 0x40;
        // The header and the other sections are whole: it opens, and only
        // the checked read refuses it.
        let file = IndexFile::from_bytes(bytes).unwrap();
        assert!(matches!(file.index_checked(), Err(IndexFileError::Damaged(_))));
        let lazy = file.index().unwrap();
        for q in ["deep grove bearing", "contctor 24v", "grooved couplng", "62052rs", "skf 6205", "bearng c3"] {
            assert_eq!(lazy.search(q, 50), index.search(q, 50), "{q}");
        }
    }

    /// Key lookups in the file find exactly the parts a search ranks as
    /// exact or prefix matches, each of the same class.
    #[test]
    fn key_lookups_find_what_a_search_ranks_exact_or_prefix() {
        let docs = crate::tests::generated_docs(3_000, 5);
        let index = SearchIndex::new(docs.clone());
        let file = IndexFile::from_bytes(written(&index, "t")).unwrap();
        let mut queries: Vec<String> =
            ["62052rs", "6205-2RSH/C3", "m8x25", "din 933 m8", "skf 6205", "contactor", "40", "3rt", "", "-", "zzz9"]
                .map(String::from)
                .to_vec();
        for d in docs.iter().step_by(97) {
            queries.push(d.mpn.clone());
            queries.push(d.sku.to_lowercase());
            queries.push(d.gtin.clone());
            queries.push(d.mpn.chars().take(5).collect());
            queries.push(d.gtin.chars().take(8).collect());
            queries.push(d.gtin.chars().take(5).collect());
        }
        let mut checked = 0;
        for q in &queries {
            let want: std::collections::BTreeSet<(String, MatchKind)> = index
                .search(q, 10_000)
                .hits
                .iter()
                .filter(|h| h.kind <= MatchKind::Prefix)
                .map(|h| (docs[h.id as usize].sku.clone(), h.kind))
                .collect();
            match file.find_keys(q, 10_000).unwrap() {
                KeyLookup::Found(hits) => {
                    let got = hits.iter().map(|h| (h.sku.clone(), h.kind)).collect();
                    assert_eq!(want, got, "{q:?}");
                    assert!(hits.windows(2).all(|w| (w[0].kind, w[0].key_len) <= (w[1].kind, w[1].key_len)), "{q:?}");
                    checked += usize::from(!hits.is_empty());
                }
                KeyLookup::TooMany(n) => panic!("{q:?}: {n}"),
            }
            // A part outside the file is matched by the same rules.
            let one: std::collections::BTreeSet<(String, MatchKind)> =
                docs.iter().filter_map(|d| KeyHit::of(d, q)).map(|h| (h.sku, h.kind)).collect();
            assert_eq!(want, one, "{q:?}");
        }
        assert!(checked > 100, "{checked} queries found something");
        // Too many to rank by key order: said so, with how many.
        assert!(matches!(file.find_keys("4", 20).unwrap(), KeyLookup::TooMany(n) if n > 20));
        // Exact only: a short key that starts thousands of keys names the few it is.
        let KeyLookup::Found(exact) = file.find_exact("4", 20).unwrap() else { panic!("too many") };
        assert!(exact.iter().all(|h| h.kind == MatchKind::Exact && h.key_len == 1), "{exact:?}");
        // An exact type number names its part.
        let d = &docs[1234];
        let KeyLookup::Found(hits) = file.find_exact(&d.mpn, 50).unwrap() else { panic!("too many") };
        assert!(hits.iter().any(|h| h.sku == d.sku) && hits.iter().all(|h| h.kind == MatchKind::Exact));
        let KeyLookup::Found(hits) = file.find_keys(&d.mpn, 50).unwrap() else { panic!("too many") };
        assert!(hits.iter().any(|h| h.sku == d.sku && h.kind == MatchKind::Exact && h.field <= KeyField::Mpn));
    }

    #[test]
    fn a_delta_reads_back_as_written_and_refuses_damage() {
        let delta = IndexDelta {
            base: 0xDEAD_BEEF,
            tag: "abc 2026-12-01".into(),
            upserts: vec![SearchDoc {
                sku: "P-1".into(),
                mpn: "6205-2RS".into(),
                gtin: "4012345678901".into(),
                manufacturer: "SKF".into(),
                name: "Rillenkugellager ÖL".into(),
            }],
            removed: vec!["P-2".into(), "Q-3".into()],
        };
        let mut bytes = Vec::new();
        delta.write_to(&mut bytes).unwrap();
        assert_eq!(IndexDelta::from_bytes(&bytes).unwrap(), delta);
        for cut in [0, 3, 12, bytes.len() / 2, bytes.len() - 1] {
            assert!(matches!(IndexDelta::from_bytes(&bytes[..cut]), Err(IndexFileError::Damaged(_))), "cut at {cut}");
        }
        for at in [0, 9, bytes.len() / 2, bytes.len() - 2] {
            let mut bad = bytes.clone();
            bad[at] ^= 0x10;
            assert!(matches!(IndexDelta::from_bytes(&bad), Err(IndexFileError::Damaged(_))), "byte {at}");
        }
    }
}
