//! A despatch advice names the carrier and the tracking code: read from
//! OpenPEPPOL's example, and written so that OpenPEPPOL's rules pass
//! (../shared/peppol/validate.py T16).

use procure_protocol::peppol::{self, DespatchAdvice, Document};
use std::path::PathBuf;
use std::process::Command;

fn peppol_dir() -> PathBuf {
    let dir = std::env::var_os("PROCURE_PEPPOL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/peppol"));
    assert!(dir.join("validate.py").is_file(), "no Peppol validator at {} (set PROCURE_PEPPOL_DIR)", dir.display());
    dir
}

fn example() -> DespatchAdvice {
    let path = peppol_dir().join("examples/despatch-advice/DespatchAdvice_Example.xml");
    match peppol::read(&std::fs::read(&path).unwrap()).unwrap() {
        Document::DespatchAdvice(d) => d,
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_carrier_and_tracking_code_are_read_and_written() {
    let d = example();
    assert_eq!((d.carrier.as_deref(), d.tracking.as_deref()), (Some("Name"), Some("456789")));
    let mut ours = d.clone();
    ours.carrier = Some("DHL Freight".into());
    ours.tracking = Some("JJD0099887766".into());
    let bytes = peppol::write_despatch_advice(&ours);
    let Document::DespatchAdvice(back) = peppol::read(&bytes).unwrap() else { panic!("not a T16") };
    assert_eq!((back.carrier.as_deref(), back.tracking.as_deref()), (Some("DHL Freight"), Some("JJD0099887766")));
    assert_eq!((back.estimated_delivery, back.despatch_date), (ours.estimated_delivery, ours.despatch_date));
    // Without them the document has no consignment and no tracking code.
    let plain =
        String::from_utf8(peppol::write_despatch_advice(&DespatchAdvice { carrier: None, tracking: None, ..d }))
            .unwrap();
    assert!(!plain.contains("Consignment") && !plain.contains("TrackingID"), "{plain}");

    if std::env::var("PROCURE_PEPPOL_SKIP_VALIDATION").as_deref() == Ok("1") {
        return;
    }
    let python = std::env::var_os("PROCURE_PEPPOL_PYTHON")
        .map(PathBuf::from)
        .expect("PROCURE_PEPPOL_PYTHON: the validator's Python (tests/run.sh sets it)");
    let file = std::env::temp_dir().join(format!("procure-t16-tracking-{}.xml", std::process::id()));
    std::fs::write(&file, &bytes).unwrap();
    let out = Command::new(python).arg(peppol_dir().join("validate.py")).arg("T16").arg(&file).output().unwrap();
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("1 passed, 0 failed"),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
