//! The index as a file: every array of the index written as it lies in
//! memory, so opening it is a few large reads, no parsing and no
//! normalising. Of the parts' own texts only the skus are kept: an index
//! read back answers searches and names its hits by sku; the rest of a part
//! (its mpn, name, …) is the catalog's to tell. A header names the format, the machine's word size and
//! byte order, the part count and a tag the caller chooses (the catalog
//! cache's sync token); a CRC-32 of everything ends the file. A file that
//! is cut short, altered or written by another kind of machine is refused
//! as damaged, never half trusted.

use super::docs::DocList;
use super::index::SearchIndex;
use bytemuck::Pod;
use fuzzy_matcher::skim::SkimMatcherV2;
use std::io::{self, Read, Write};

const MAGIC: &[u8; 8] = b"PROCIDX\x01";
const VERSION: u32 = 1;
/// Written in native byte order: reads back differently on a machine of
/// the other order.
const BYTE_ORDER: u32 = 0x0102_0304;

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

struct Writer<'a, W: Write + ?Sized> {
    w: &'a mut W,
    crc: crc32fast::Hasher,
}

impl<W: Write + ?Sized> Writer<'_, W> {
    fn bytes(&mut self, b: &[u8]) -> io::Result<()> {
        self.crc.update(b);
        self.w.write_all(b)
    }

    fn u64(&mut self, v: u64) -> io::Result<()> {
        self.bytes(&v.to_le_bytes())
    }

    /// An array: its length, then its elements as they lie in memory.
    fn array<T: Pod>(&mut self, v: &[T]) -> io::Result<()> {
        self.u64(v.len() as u64)?;
        self.bytes(bytemuck::cast_slice(v))
    }
}

struct Reader<'a, R: Read + ?Sized> {
    r: &'a mut R,
    crc: crc32fast::Hasher,
    /// Bytes the file still has: no length read from it may ask for more.
    left: u64,
}

impl<R: Read + ?Sized> Reader<'_, R> {
    fn fill(&mut self, buf: &mut [u8]) -> Result<(), IndexFileError> {
        if buf.len() as u64 > self.left {
            return Err(damaged("the file ends early"));
        }
        self.r.read_exact(buf)?;
        self.left -= buf.len() as u64;
        self.crc.update(buf);
        Ok(())
    }

    fn u64(&mut self) -> Result<u64, IndexFileError> {
        let mut b = [0u8; 8];
        self.fill(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn u32(&mut self) -> Result<u32, IndexFileError> {
        let mut b = [0u8; 4];
        self.fill(&mut b)?;
        Ok(u32::from_ne_bytes(b))
    }

    fn array<T: Pod>(&mut self) -> Result<Vec<T>, IndexFileError> {
        let len = self.u64()?;
        let size = std::mem::size_of::<T>() as u64;
        if len.saturating_mul(size) > self.left {
            return Err(damaged("an array is longer than the file"));
        }
        let mut v = vec![T::zeroed(); len as usize];
        self.fill(bytemuck::cast_slice_mut(&mut v))?;
        Ok(v)
    }

    fn string(&mut self) -> Result<String, IndexFileError> {
        String::from_utf8(self.array::<u8>()?).map_err(|_| damaged("text that is not UTF-8"))
    }
}

/// Offsets that start at 0, never go back and end at `end`.
fn offsets_fit(starts: &[usize], parts: usize, end: usize) -> bool {
    starts.len() == parts + 1
        && starts.first() == Some(&0)
        && starts.last() == Some(&end)
        && starts.windows(2).all(|w| w[0] <= w[1])
}

impl SearchIndex {
    /// Writes the index with `tag` (read back by [`SearchIndex::read_from`]).
    /// Boosts are not part of it: they change with every order.
    pub fn write_to<W: Write + ?Sized>(&self, w: &mut W, tag: &str) -> io::Result<()> {
        let mut out = Writer { w, crc: crc32fast::Hasher::new() };
        out.bytes(MAGIC)?;
        out.bytes(&VERSION.to_ne_bytes())?;
        out.bytes(&(std::mem::size_of::<usize>() as u32).to_ne_bytes())?;
        out.bytes(&BYTE_ORDER.to_ne_bytes())?;
        out.u64(self.len() as u64)?;
        out.array(tag.as_bytes())?;
        let skus = self.docs.skus_only();
        out.array(skus.text.as_bytes())?;
        out.array(&skus.starts)?;
        drop(skus);
        out.array(self.hay.as_bytes())?;
        out.array(&self.starts)?;
        out.array(&self.lens)?;
        out.array(&self.masks)?;
        out.array(self.gtins.as_bytes())?;
        out.array(&self.gtin_starts)?;
        out.array(&self.gtin_order)?;
        out.array(&self.sku_order)?;
        out.array(&self.sku_rank)?;
        let crc = out.crc.finalize();
        out.w.write_all(&crc.to_le_bytes())
    }

    /// Reads an index written by [`SearchIndex::write_to`] from `r`, which
    /// holds `len` bytes; returns it with its tag.
    pub fn read_from<R: Read + ?Sized>(r: &mut R, len: u64) -> Result<(SearchIndex, String), IndexFileError> {
        let mut input = Reader { r, crc: crc32fast::Hasher::new(), left: len.saturating_sub(4) };
        let mut magic = [0u8; 8];
        input.fill(&mut magic)?;
        if &magic != MAGIC {
            return Err(damaged("not a procure search index"));
        }
        if input.u32()? != VERSION {
            return Err(damaged("another version of the index format"));
        }
        if input.u32()? != std::mem::size_of::<usize>() as u32 || input.u32()? != BYTE_ORDER {
            return Err(damaged("written on another kind of machine"));
        }
        let n = usize::try_from(input.u64()?).map_err(|_| damaged("part count out of range"))?;
        let tag = input.string()?;
        let text = input.string()?;
        let starts_of_skus: Vec<usize> = input.array()?;
        let lens =
            starts_of_skus.windows(2).map(|w| [w[1].saturating_sub(w[0]).min(usize::from(u16::MAX)) as u16, 0, 0, 0]);
        let docs = DocList { lens: lens.collect(), text, starts: starts_of_skus };
        let hay = input.string()?;
        let starts: Vec<usize> = input.array()?;
        let lens: Vec<[u16; 3]> = input.array()?;
        let masks = input.array()?;
        let gtins = input.string()?;
        let gtin_starts: Vec<usize> = input.array()?;
        let gtin_order: Vec<u32> = input.array()?;
        let sku_order: Vec<u32> = input.array()?;
        let sku_rank: Vec<u32> = input.array()?;
        let computed = input.crc.clone().finalize();
        let mut stored = [0u8; 4];
        input.r.read_exact(&mut stored)?;
        if u32::from_le_bytes(stored) != computed {
            return Err(damaged("checksum mismatch"));
        }

        // With a good checksum these hold unless the writer was wrong; they
        // are checked anyway, as every lookup relies on them.
        let in_range = |ids: &[u32]| ids.iter().all(|&id| (id as usize) < n);
        let parts_fit = starts.windows(2).zip(&lens).all(|(w, l)| {
            let fields: usize = l.iter().map(|&x| usize::from(x)).sum();
            fields + 4 <= w[1] - w[0]
        });
        let consistent = docs.len() == n
            && docs.is_consistent()
            && offsets_fit(&starts, n, hay.len())
            && parts_fit
            && lens.len() == n
            && masks.len() == n
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
        let index = SearchIndex {
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
        };
        Ok((index, tag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SearchDoc;

    fn catalog(n: usize) -> SearchIndex {
        let docs: Vec<SearchDoc> = procure_generate::products(n, 11)
            .into_iter()
            .map(|g| SearchDoc {
                sku: g.product.sku,
                mpn: g.product.mpn,
                gtin: g.product.gtin,
                manufacturer: g.product.manufacturer,
                name: g.product.name,
            })
            .collect();
        SearchIndex::new(docs)
    }

    fn written(index: &SearchIndex, tag: &str) -> Vec<u8> {
        let mut bytes = Vec::new();
        index.write_to(&mut bytes, tag).unwrap();
        bytes
    }

    fn read(bytes: &[u8]) -> Result<(SearchIndex, String), IndexFileError> {
        SearchIndex::read_from(&mut &bytes[..], bytes.len() as u64)
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
}
