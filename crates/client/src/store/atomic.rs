//! Atomic file writes: temp file in the same folder, fsync, rename, fsync the
//! folder. A crash leaves either the old file or the new one, never a torn one.

use super::{StoreError, io_err};
use std::io::Write;
use std::path::Path;

pub fn write(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_with_mode(path, bytes, None)
}

/// Writes a file others may read (0644): documents another program picks up,
/// such as Peppol orders for an access point running as another user.
pub fn write_readable(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_with_mode(path, bytes, Some(0o644))
}

/// Writes a file readable only by its owner (0600): tokens.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_with_mode(path, bytes, Some(0o600))
}

fn write_with_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut tmp = tempfile::Builder::new().prefix(".procure-").suffix(".tmp").tempfile_in(dir).map_err(io_err(dir))?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode)).map_err(io_err(path))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(bytes).map_err(io_err(path))?;
    tmp.as_file().sync_all().map_err(io_err(path))?;
    tmp.persist(path).map_err(|e| StoreError::Io { path: path.to_path_buf(), source: e.error })?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A folder only its owner may enter (0700 on Unix), created when missing.
pub fn private_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io_err(dir))?;
    }
    Ok(())
}

/// Makes `path` a file only its owner may read (0600 on Unix), creating it
/// empty when missing, before a database or log opens it: SQLite gives its
/// -wal and -shm files the mode of the database file.
pub fn private_file(path: &Path) -> Result<(), StoreError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path).map_err(io_err(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io_err(path))?;
    }
    Ok(())
}

/// Writes a large file that is checked whenever it is read (the search
/// index: tagged and checksummed) by streaming it: `fill` writes the content
/// into a buffered temp file, which then replaces `path` by a rename. Not
/// flushed to disk first: a crash may leave a torn file, which its reader
/// refuses and rebuilds, but never a mix of old and new.
pub fn write_streamed(path: &Path, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let tmp = tempfile::Builder::new().prefix(".procure-").suffix(".tmp").tempfile_in(dir).map_err(io_err(dir))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, tmp);
    fill(&mut out).map_err(io_err(path))?;
    let tmp = out.into_inner().map_err(|e| StoreError::Io { path: path.to_path_buf(), source: e.into_error() })?;
    tmp.persist(path).map_err(|e| StoreError::Io { path: path.to_path_buf(), source: e.error })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        write(&p, b"one").unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("token");
        write_private(&p, b"secret").unwrap();
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
