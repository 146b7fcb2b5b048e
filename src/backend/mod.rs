//! The shop seam: one trait, one implementation per shop platform.
