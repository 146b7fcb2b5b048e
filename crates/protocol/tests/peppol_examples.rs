//! OpenPEPPOL's own example documents (../shared/peppol/examples): each is
//! read, and what it says is what procure understands.

use procure_protocol::peppol::{self, Document};
use std::path::PathBuf;

/// The validator and examples: `PROCURE_PEPPOL_DIR`, else `../shared/peppol`
/// beside the repository.
fn peppol_dir() -> PathBuf {
    let dir = std::env::var_os("PROCURE_PEPPOL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/peppol"));
    assert!(
        dir.join("examples").is_dir(),
        "the Peppol examples are not at {} (set PROCURE_PEPPOL_DIR to the shared/peppol folder)",
        dir.display()
    );
    dir
}

fn read(kind: &str, name: &str) -> Document {
    let path = peppol_dir().join("examples").join(kind).join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    peppol::read(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn dump() {
    for kind in ["order-response", "despatch-advice", "catalogue", "order"] {
        let mut names: Vec<_> = std::fs::read_dir(peppol_dir().join("examples").join(kind))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        for n in names {
            println!("=== {kind}/{n}\n{:#?}", read(kind, &n));
        }
    }
}
