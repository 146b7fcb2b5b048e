//! Operating-system file locks (flock on Unix, LockFileEx on Windows) around
//! a read-modify-write of one file, so two procure processes editing the same
//! basket, config or token one after the other lose nothing.
//!
//! The lock is taken on a companion file (`.NAME.lock` beside the file), not
//! on the file itself: writes replace the file by renaming a new one over it,
//! and a lock on the old file would not hold the new one. The lock is the
//! OS's, so it is released when the process ends, also by a crash; the
//! companion file stays and is reused.

use super::{StoreError, io_err};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Holds an exclusive lock until dropped.
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

/// The companion lock file of `path`.
pub fn lock_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.lock"))
}

impl FileLock {
    /// Waits for the exclusive lock of `path` (a file that may not exist yet).
    pub fn exclusive(path: &Path) -> Result<FileLock, StoreError> {
        let lock = lock_path(path);
        if let Some(dir) = lock.parent() {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&lock).map_err(io_err(&lock))?;
        fs4::FileExt::lock(&file).map_err(io_err(&lock))?;
        Ok(FileLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Barrier};

    #[test]
    fn a_second_holder_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("weekly.toml");
        let counter = dir.path().join("n");
        std::fs::write(&counter, "0").unwrap();
        let barrier = Arc::new(Barrier::new(8));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (path, counter, barrier) = (path.clone(), counter.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    for _ in 0..25 {
                        let _lock = FileLock::exclusive(&path).unwrap();
                        let n: u32 = std::fs::read_to_string(&counter).unwrap().parse().unwrap();
                        std::thread::yield_now();
                        std::fs::write(&counter, (n + 1).to_string()).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(std::fs::read_to_string(&counter).unwrap(), "200", "no increment lost");
        assert!(dir.path().join(".weekly.toml.lock").exists());
    }
}
