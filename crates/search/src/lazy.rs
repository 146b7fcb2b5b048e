//! An array of the index read from its file the first time it is used:
//! opening the file then costs only the arrays every search needs.

use std::sync::OnceLock;

type Load<T> = Box<dyn Fn() -> Vec<T> + Send + Sync>;

/// Reads as a slice; loads on the first read (once, whichever thread asks).
pub(crate) struct Lazy<T> {
    cell: OnceLock<Vec<T>>,
    load: Option<Load<T>>,
}

impl<T> Lazy<T> {
    /// Already in memory.
    pub(crate) fn ready(v: Vec<T>) -> Self {
        let cell = OnceLock::new();
        let _ = cell.set(v);
        Lazy { cell, load: None }
    }

    /// Loaded by `load` when first used; `load` cannot fail (it falls back
    /// to something correct when the file lets it down).
    pub(crate) fn later(load: impl Fn() -> Vec<T> + Send + Sync + 'static) -> Self {
        Lazy { cell: OnceLock::new(), load: Some(Box::new(load)) }
    }

    pub(crate) fn get(&self) -> &[T] {
        self.cell.get_or_init(|| self.load.as_ref().map_or_else(Vec::new, |load| load()))
    }

    pub(crate) fn is_loaded(&self) -> bool {
        self.cell.get().is_some()
    }
}

impl<T> std::ops::Deref for Lazy<T> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        self.get()
    }
}

impl<T> std::ops::DerefMut for Lazy<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        self.get();
        self.cell.get_mut().map_or(&mut [], Vec::as_mut_slice)
    }
}

impl<T> From<Vec<T>> for Lazy<T> {
    fn from(v: Vec<T>) -> Self {
        Lazy::ready(v)
    }
}

impl<T> Default for Lazy<T> {
    fn default() -> Self {
        Lazy::ready(Vec::new())
    }
}

impl<T: PartialEq> PartialEq for Lazy<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.get().fmt(f)
    }
}
