//! Goods receipts: what the buyer recorded as arrived, one JSON file per
//! order in the profile's data folder (`receipts/<order>.json`). They are
//! the buyer's own records, not the supplier's, so they live beside the
//! baskets, not in the cache, and follow the baskets' rules: every change
//! reads, changes and writes the file under an OS lock on its companion
//! lock file (`store::lock`), and the write replaces the file atomically
//! (`store::atomic`), so two processes never lose or double a receipt.

use super::lock::FileLock;
use super::{StoreError, atomic};
use crate::core::receipt::Receipt;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Serialize, Deserialize)]
struct File {
    order: String,
    receipts: Vec<Receipt>,
}

pub struct ReceiptStore {
    dir: PathBuf,
}

/// An order number as a file name: letters, digits, `-` and `.` as they
/// are (not first), every other byte as `_` and two hex digits, so no
/// number a shop sends can name a path outside the folder or collide.
pub fn file_name(order: &str) -> String {
    let mut out = String::with_capacity(order.len() + 5);
    for (i, b) in order.bytes().enumerate() {
        let plain = b.is_ascii_alphanumeric() || b == b'-' || (b == b'.' && i > 0);
        if plain {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("_{b:02x}"));
        }
    }
    out.push_str(".json");
    out
}

impl ReceiptStore {
    pub fn new(dir: PathBuf) -> ReceiptStore {
        ReceiptStore { dir }
    }

    fn path(&self, order: &str) -> PathBuf {
        self.dir.join(file_name(order))
    }

    fn read_file(path: &Path) -> Result<Vec<Receipt>, StoreError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice::<File>(&bytes).map(|f| f.receipts).map_err(|e| StoreError::Corrupt {
                path: path.to_path_buf(),
                message: format!("the goods receipts of this order cannot be read ({e}); the file is left as it is"),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(vec![]),
            Err(e) => Err(super::io_err(path)(e)),
        }
    }

    /// The receipts of an order, oldest first.
    pub fn read(&self, order: &str) -> Result<Vec<Receipt>, StoreError> {
        Self::read_file(&self.path(order))
    }

    /// Changes an order's receipts under its lock: `f` gets them as they are
    /// now and says whether it changed them; only then is the file written.
    pub fn update<T, E: From<StoreError>>(
        &self,
        order: &str,
        f: impl FnOnce(&mut Vec<Receipt>) -> Result<(T, bool), E>,
    ) -> Result<T, E> {
        let path = self.path(order);
        let _lock = FileLock::exclusive(&path)?;
        let mut receipts = Self::read_file(&path)?;
        let (out, changed) = f(&mut receipts)?;
        if changed {
            let file = File { order: order.to_string(), receipts };
            let bytes = serde_json::to_vec_pretty(&file).map_err(|e| StoreError::Invalid(e.to_string()))?;
            atomic::write(&path, &bytes)?;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::receipt::ReceiptLine;

    #[test]
    fn names_stay_in_the_folder_and_apart() {
        assert_eq!(file_name("SO-ACME-1001"), "SO-ACME-1001.json");
        assert_eq!(file_name("../x"), "_2e._2fx.json");
        assert_eq!(file_name("a/b"), "a_2fb.json");
        assert_eq!(file_name("a_2fb"), "a_5f2fb.json");
        assert_eq!(file_name("12.5"), "12.5.json");
        assert_ne!(file_name("a b"), file_name("a_20b"));
    }

    #[test]
    fn concurrent_receipts_are_all_kept() {
        let dir = tempfile::tempdir().unwrap();
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let dir = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    let store = ReceiptStore::new(dir);
                    for n in 0..10 {
                        store
                            .update::<_, StoreError>("SO-1", |r| {
                                r.push(Receipt {
                                    id: format!("{t}-{n}"),
                                    order: "SO-1".into(),
                                    at: chrono::Utc::now(),
                                    note: None,
                                    lines: vec![ReceiptLine { line: 1, sku: "A".into(), quantity: 1 }],
                                });
                                Ok(((), true))
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(ReceiptStore::new(dir.path().to_path_buf()).read("SO-1").unwrap().len(), 80);
    }

    #[test]
    fn a_damaged_file_is_named_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = ReceiptStore::new(dir.path().to_path_buf());
        std::fs::write(dir.path().join("SO-1.json"), "{not json").unwrap();
        let e = store.read("SO-1").unwrap_err().to_string();
        assert!(e.contains("SO-1.json") && e.contains("cannot be read"), "{e}");
        assert!(store.update::<(), StoreError>("SO-1", |_| Ok(((), true))).is_err());
        assert_eq!(std::fs::read_to_string(dir.path().join("SO-1.json")).unwrap(), "{not json");
    }
}
