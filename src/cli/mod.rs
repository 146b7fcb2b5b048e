//! The command-line face.

pub mod shop;
