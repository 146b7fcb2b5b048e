//! The reference shop: the procure protocol over SQLite.
