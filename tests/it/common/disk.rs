//! Disks that misbehave, for real: a small tmpfs that fills up, or one
//! mounted read-only, over a folder of a test's temporary home. Mounting
//! needs root (CI runs as root); elsewhere a test that needs it fails with
//! a clear message unless `PROCURE_SKIP_ROOT_TESTS=1` says to skip it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted at a folder, unmounted when dropped.
pub struct Tmpfs {
    pub path: PathBuf,
}

/// Whether this process may mount; `false` only when skipping was asked for.
pub fn can_mount() -> bool {
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false);
    if root {
        return true;
    }
    if std::env::var("PROCURE_SKIP_ROOT_TESTS").as_deref() == Ok("1") {
        eprintln!("PROCURE_SKIP_ROOT_TESTS=1: a test that mounts a tmpfs is skipped");
        return false;
    }
    panic!("this test mounts a tmpfs and needs root (PROCURE_SKIP_ROOT_TESTS=1 skips it locally)");
}

impl Tmpfs {
    /// A tmpfs of `size` (as mount takes it: `2m`) at `path`, made when missing.
    pub fn mount(path: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(path).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"])
            .arg(path)
            .output()
            .expect("run mount");
        assert!(out.status.success(), "mount tmpfs at {}: {}", path.display(), String::from_utf8_lossy(&out.stderr));
        Tmpfs { path: path.to_path_buf() }
    }

    /// Remounts it read-only (`true`) or writable again.
    pub fn read_only(&self, ro: bool) {
        let out = Command::new("mount")
            .args(["-o", if ro { "remount,ro" } else { "remount,rw" }])
            .arg(&self.path)
            .output()
            .expect("run mount");
        assert!(out.status.success(), "remount {}: {}", self.path.display(), String::from_utf8_lossy(&out.stderr));
    }

    /// Fills what is left of it with one file (its bytes are zeros).
    pub fn fill(&self) -> PathBuf {
        let filler = self.path.join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        use std::io::Write;
        while f.write_all(&chunk).is_ok() {}
        let _ = f.flush();
        filler
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).output();
    }
}
