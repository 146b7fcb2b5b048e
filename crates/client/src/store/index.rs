//! The persistent search index of a catalog cache, next to it: the index
//! file `catalog.idx` (written whole, atomically) and the delta file
//! `catalog.idx-delta` (the parts re-syncs changed since, written whole and
//! renamed). What is kept and when it is rebuilt is the service's
//! (`service::search`, `service::sync`); reading and writing the files is here.

use super::StoreError;
use super::cache::CatalogCache;
use procure_search::{IndexDelta, IndexFile, IndexFileError, SearchIndex};

/// The cache's index file, opened (its sections are read when asked for).
pub fn open_file(cache: &CatalogCache) -> Result<IndexFile, IndexFileError> {
    IndexFile::open(&cache.index_path())
}

/// The index the cache's files give for `tag`: the index file with its
/// delta when the delta is for that file and carries `tag`, the index file
/// alone when it carries `tag`; `None` when they are older. The fuzzy masks
/// are read when a search first needs them.
pub fn read_current(cache: &CatalogCache, tag: Option<&str>) -> Result<Option<SearchIndex>, IndexFileError> {
    let file = open_file(cache)?;
    match read_delta(cache) {
        Ok(Some(d)) if d.base == file.id() && Some(d.tag.as_str()) == tag => {
            return Ok(Some(file.index()?.apply_changes(d.upserts, &d.removed)));
        }
        // A damaged delta matters only when the index file alone is stale.
        Err(e) if Some(file.tag()) != tag => return Err(e),
        _ => {}
    }
    if Some(file.tag()) == tag { Ok(Some(file.index()?)) } else { Ok(None) }
}

/// The cache's delta file, if there is one.
pub fn read_delta(cache: &CatalogCache) -> Result<Option<IndexDelta>, IndexFileError> {
    match std::fs::read(cache.index_delta_path()) {
        Ok(bytes) => IndexDelta::from_bytes(&bytes).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(IndexFileError::Io(e)),
    }
}

/// Writes the cache's index file; the old one stays until the new one is
/// whole. The delta file of the old one goes.
pub fn write_index(cache: &CatalogCache, index: &SearchIndex, tag: &str) -> Result<(), StoreError> {
    super::atomic::write_streamed(&cache.index_path(), |w| index.write_to(w, tag))?;
    match std::fs::remove_file(cache.index_delta_path()) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            // Harmless: a delta names the file it is for, and this is another.
            tracing::warn!(error = %e, "old search index delta not removed");
        }
        _ => {}
    }
    Ok(())
}

/// Writes the delta file (small: written whole and flushed, then renamed).
pub fn write_delta(cache: &CatalogCache, delta: &IndexDelta) -> Result<(), StoreError> {
    let mut bytes = Vec::new();
    delta.write_to(&mut bytes).map_err(|e| StoreError::Invalid(e.to_string()))?;
    super::atomic::write_private(&cache.index_delta_path(), &bytes)
}
