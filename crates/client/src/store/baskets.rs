//! Basket files: one human-readable TOML file per basket under
//! `<data>/profiles/<profile>/baskets/<name>.toml`.

use super::lock::FileLock;
use super::{StoreError, atomic, io_err};
use crate::core::basket::{Basket, validate_name};
use std::path::{Path, PathBuf};

/// A basket file found on disk: loaded, or the reason it cannot be.
pub type Listed = (String, Result<Basket, StoreError>);

#[derive(Debug, Clone)]
pub struct BasketStore {
    dir: PathBuf,
    /// The supplier whose folder this is: a basket file without a
    /// `supplier` is theirs, and one naming another is not changed here.
    owner: Option<String>,
}

impl BasketStore {
    #[cfg(test)]
    pub fn new(dir: PathBuf) -> Self {
        BasketStore { dir, owner: None }
    }

    /// The baskets of supplier `owner`, in its folder `dir`.
    pub fn owned_by(dir: PathBuf, owner: &str) -> Self {
        BasketStore { dir, owner: Some(owner.to_string()) }
    }

    /// A basket without a supplier is the folder's supplier's.
    fn adopt(&self, b: &mut Basket) {
        if b.supplier.is_none() {
            b.supplier = self.owner.clone();
        }
    }

    /// Whether the basket is another supplier's than this folder's (a file
    /// copied over): its SKUs and prices are that supplier's.
    pub fn misplaced(&self, b: &Basket) -> Option<String> {
        match (&self.owner, &b.supplier) {
            (Some(owner), Some(claims)) if owner != claims => Some(claims.clone()),
            _ => None,
        }
    }

    /// Refuses to change or order a basket of another supplier.
    fn check_own(&self, b: &Basket) -> Result<(), StoreError> {
        match (self.misplaced(b), &self.owner) {
            (Some(claims), Some(owner)) => Err(StoreError::Invalid(format!(
                "basket {name:?} belongs to supplier {claims:?} (its file says supplier = {claims:?}), not to                  {owner:?}, whose folder it is in: its SKUs and agreed prices are {claims}'s, so it is not changed                  or ordered here. Order it from {claims} (procure --profile {claims} …), or make the same list from                  {owner}'s catalog: procure --profile {owner} basket copy {name} --to {owner} --as NEW-NAME",
                name = b.name
            ))),
            _ => Ok(()),
        }
    }

    /// Loads a basket to change or order it: refused when it is another
    /// supplier's (see [`BasketStore::misplaced`]).
    pub fn load_own(&self, name: &str) -> Result<Basket, StoreError> {
        let b = self.load(name)?;
        self.check_own(&b)?;
        Ok(b)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.toml"))
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path(name).exists()
    }

    /// Waits for the exclusive lock of one basket: hold it across a load,
    /// a change and the save (or a whole submission).
    pub fn lock(&self, name: &str) -> Result<FileLock, StoreError> {
        validate_name(name).map_err(StoreError::Invalid)?;
        FileLock::exclusive(&self.path(name))
    }

    /// Loads, changes and saves one basket under its lock; nothing is
    /// written when `f` fails.
    pub fn update<T, E: From<StoreError>>(
        &self,
        name: &str,
        f: impl FnOnce(&mut Basket) -> Result<T, E>,
    ) -> Result<T, E> {
        let _lock = self.lock(name)?;
        let mut b = self.load_own(name)?;
        let out = f(&mut b)?;
        self.save(&b)?;
        Ok(out)
    }

    /// Loads a basket. A file that does not parse is reported with its path
    /// and the parser's message (with line and column) and left as it is.
    pub fn load(&self, name: &str) -> Result<Basket, StoreError> {
        validate_name(name).map_err(StoreError::Invalid)?;
        let path = self.path(name);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound(format!(
                    "no basket named {name:?} (create it with `procure basket new {name}`)"
                )));
            }
            Err(e) => return Err(io_err(&path)(e)),
        };
        let mut basket = parse(&path, &text)?;
        self.adopt(&mut basket);
        // The file is the basket: a copied file keeps its own name.
        if basket.name != name {
            tracing::warn!(file = %path.display(), inside = %basket.name, "basket file names another basket");
            basket.name_in_file = Some(std::mem::replace(&mut basket.name, name.to_string()));
        }
        Ok(basket)
    }

    pub fn save(&self, basket: &Basket) -> Result<(), StoreError> {
        validate_name(&basket.name).map_err(StoreError::Invalid)?;
        self.check_own(basket)?;
        let text = if basket.supplier.is_none() && self.owner.is_some() {
            let mut owned = basket.clone();
            self.adopt(&mut owned);
            toml::to_string(&owned)
        } else {
            toml::to_string(basket)
        }
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let header = "# procure basket: edit freely; quantities are whole numbers.\n";
        atomic::write(&self.path(&basket.name), format!("{header}{text}").as_bytes())
    }

    pub fn create(&self, basket: &Basket) -> Result<(), StoreError> {
        let _lock = self.lock(&basket.name)?;
        if self.exists(&basket.name) {
            return Err(StoreError::Invalid(format!("a basket named {:?} exists already", basket.name)));
        }
        self.save(basket)
    }

    /// Every basket file, each loaded or with its error: one broken file does
    /// not hide the others.
    pub fn list(&self) -> Result<Vec<Listed>, StoreError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(io_err(&self.dir)(e)),
        };
        let mut out = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(name) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".toml"))
                .filter(|n| !n.starts_with('.'))
            else {
                continue;
            };
            let loaded =
                std::fs::read_to_string(&path).map_err(io_err(&path)).and_then(|t| parse(&path, &t)).map(|mut b| {
                    self.adopt(&mut b);
                    if b.name != name {
                        b.name_in_file = Some(std::mem::replace(&mut b.name, name.to_string()));
                    }
                    b
                });
            out.push((name.to_string(), loaded));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Where the order of last use is kept: basket names, most recent first.
    fn use_file(&self) -> PathBuf {
        self.dir.join(".last-used")
    }

    /// Basket names by last use, most recent first (names only; a name whose
    /// file is gone is skipped when listing).
    pub fn last_used(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.use_file()).unwrap_or_default();
        text.lines().map(str::trim).filter(|n| validate_name(n).is_ok()).map(str::to_string).collect()
    }

    /// Records that a basket was used now: it lists first from now on.
    pub fn mark_used(&self, name: &str) -> Result<(), StoreError> {
        validate_name(name).map_err(StoreError::Invalid)?;
        let mut order = self.last_used();
        if order.first().is_some_and(|n| n == name) {
            return Ok(());
        }
        order.retain(|n| n != name && self.exists(n));
        order.insert(0, name.to_string());
        std::fs::create_dir_all(&self.dir).map_err(io_err(&self.dir))?;
        atomic::write(&self.use_file(), (order.join("\n") + "\n").as_bytes())
    }

    /// Every basket file as `list` gives them, the most recently used first;
    /// baskets never used follow by name.
    pub fn list_by_use(&self) -> Result<Vec<Listed>, StoreError> {
        let order = self.last_used();
        let mut listed = self.list()?;
        listed.sort_by_key(|(name, _)| order.iter().position(|n| n == name).unwrap_or(usize::MAX));
        Ok(listed)
    }

    pub fn rename(&self, old: &str, new: &str) -> Result<(), StoreError> {
        validate_name(new).map_err(StoreError::Invalid)?;
        // Both locks, always in the same order, so two renames cannot wait on each other.
        let (first, second) = if old <= new { (old, new) } else { (new, old) };
        let _a = self.lock(first)?;
        let _b = self.lock(second)?;
        let mut basket = self.load(old)?;
        if self.exists(new) {
            return Err(StoreError::Invalid(format!("a basket named {new:?} exists already")));
        }
        basket.name = new.to_string();
        basket.name_in_file = None;
        self.save(&basket)?;
        let old_path = self.path(old);
        std::fs::remove_file(&old_path).map_err(io_err(&old_path))
    }

    pub fn delete(&self, name: &str) -> Result<(), StoreError> {
        let _lock = self.lock(name)?;
        let path = self.path(name);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StoreError::NotFound(format!("no basket named {name:?}")))
            }
            Err(e) => Err(io_err(&path)(e)),
        }
    }
}

fn parse(path: &Path, text: &str) -> Result<Basket, StoreError> {
    let basket: Basket = toml::from_str(text).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        message: format!("not a valid basket file (it was left unchanged): {}", e.to_string().trim_end()),
    })?;
    if let Some(bad) = basket.lines.iter().find(|l| l.qty == 0) {
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            message: format!("line for {} has quantity 0; quantities are positive whole numbers", bad.sku),
        });
    }
    Ok(basket)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::basket::BasketLine;
    use chrono::Utc;

    #[test]
    fn round_trip_list_rename_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = BasketStore::new(dir.path().join("b"));
        let mut b = Basket::new("weekly", Utc::now());
        b.lines.push(BasketLine { sku: "P-1".into(), qty: 3, note: Some("CC-1".into()), agreed_price: None });
        store.create(&b).unwrap();
        assert!(store.create(&b).is_err());
        assert_eq!(store.load("weekly").unwrap(), b);
        store.rename("weekly", "monthly").unwrap();
        assert!(!store.exists("weekly"));
        assert_eq!(store.load("monthly").unwrap().lines, b.lines);
        store.delete("monthly").unwrap();
        assert!(matches!(store.load("monthly"), Err(StoreError::NotFound(_))));
    }

    #[test]
    fn baskets_list_by_last_use_across_store_instances() {
        let dir = tempfile::tempdir().unwrap();
        let store = BasketStore::new(dir.path().join("b"));
        for name in ["alpha", "beta", "gamma"] {
            store.create(&Basket::new(name, Utc::now())).unwrap();
        }
        let names = |s: &BasketStore| s.list_by_use().unwrap().into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(names(&store), ["alpha", "beta", "gamma"], "never used: by name");
        store.mark_used("gamma").unwrap();
        store.mark_used("beta").unwrap();
        // A new session (a new store over the same folder) remembers it.
        let again = BasketStore::new(dir.path().join("b"));
        assert_eq!(names(&again), ["beta", "gamma", "alpha"]);
        assert_eq!(store.list().unwrap()[0].0, "alpha", "list stays by name");
        assert!(store.mark_used("../x").is_err());
    }

    #[test]
    fn a_copied_file_is_its_own_basket() {
        let dir = tempfile::tempdir().unwrap();
        let store = BasketStore::new(dir.path().to_path_buf());
        let mut b = Basket::new("weekly", Utc::now());
        b.lines.push(BasketLine { sku: "P-1".into(), qty: 3, note: None, agreed_price: None });
        store.create(&b).unwrap();
        std::fs::copy(store.path("weekly"), store.path("weekly2")).unwrap();
        store
            .update("weekly2", |b| {
                b.lines.clear();
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert_eq!(store.load("weekly").unwrap().lines.len(), 1, "the original is untouched");
        let copy = store.load("weekly2").unwrap();
        assert_eq!(copy.name, "weekly2");
        assert!(copy.lines.is_empty());
        assert_eq!(copy.name_in_file, None, "saving wrote the file's own name");
    }

    #[test]
    fn corrupt_file_is_reported_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = BasketStore::new(dir.path().to_path_buf());
        std::fs::write(store.path("bad"), "name = \"bad\"\n[[lines]]\nsku = 1\n").unwrap();
        let err = store.load("bad").unwrap_err().to_string();
        assert!(err.contains("bad.toml") && err.contains("line"), "{err}");
        assert!(std::fs::read_to_string(store.path("bad")).unwrap().contains("sku = 1"));
        let listed = store.list().unwrap();
        assert!(listed[0].1.is_err());
    }
}
