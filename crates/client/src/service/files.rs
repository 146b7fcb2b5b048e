//! Files a face asks for by name: the diagnostics log, a list to import
//! and a written export.
//! The client owns how they are made: the log is private to its owner, an
//! export is written atomically (the old file or the new one, never half).

use super::{Error, Result};
use crate::store::atomic;
use std::path::Path;

/// The log file `procure.log` in `log_dir`, opened for appending. The folder
/// (0700) and the file (0600) are created private when missing.
pub fn open_log(log_dir: &Path) -> Result<std::fs::File> {
    let path = log_dir.join("procure.log");
    atomic::private_dir(log_dir)?;
    atomic::private_file(&path)?;
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .map_err(|source| crate::store::StoreError::Io { path: path.clone(), source })?;
    Ok(file)
}

/// The bytes of a list the buyer names to import (`-`: standard input),
/// read whole; an error names the file.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| Error::Rejected(format!("cannot read stdin: {e}")))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| Error::Rejected(format!("{}: {e}", path.display())))
}

/// Writes `text` (an export the buyer asked for) to `path`, atomically.
pub fn write_export(path: &Path, text: &str) -> Result<()> {
    Ok(atomic::write(path, text.as_bytes())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_is_private_and_appended_to() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        open_log(&logs).unwrap().write_all(b"one\n").unwrap();
        open_log(&logs).unwrap().write_all(b"two\n").unwrap();
        let path = logs.join("procure.log");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(&logs).unwrap().permissions().mode() & 0o777, 0o700);
        }
    }

    #[test]
    fn an_input_that_cannot_be_read_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        let e = read_input(&path).unwrap_err();
        assert_eq!(e.kind(), crate::service::ErrorKind::Rejected);
        assert!(e.to_string().starts_with(&path.display().to_string()), "{e}");
        std::fs::write(&path, "A,1\n").unwrap();
        assert_eq!(read_input(&path).unwrap(), b"A,1\n");
    }

    #[test]
    fn export_replaces_the_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("weekly.csv");
        write_export(&path, "a much longer first version\n").unwrap();
        write_export(&path, "short\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "short\n");
    }
}
