//! OpenPEPPOL's own example documents (../shared/peppol/examples): each is
//! read, and what it says is what procure understands.

use chrono::NaiveDate;
use procure_protocol::peppol::{self, Catalogue, DespatchAdvice, Document, Order, OrderResponse};
use rust_decimal::Decimal;
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

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn response(name: &str) -> OrderResponse {
    match read("order-response", name) {
        Document::OrderResponse(r) => r,
        other => panic!("{name}: {other:?}"),
    }
}

fn despatch(name: &str) -> DespatchAdvice {
    match read("despatch-advice", name) {
        Document::DespatchAdvice(d) => d,
        other => panic!("{name}: {other:?}"),
    }
}

fn catalogue(name: &str) -> Catalogue {
    match read("catalogue", name) {
        Document::Catalogue(c) => c,
        other => panic!("{name}: {other:?}"),
    }
}

fn order(name: &str) -> Order {
    match read("order", name) {
        Document::Order(o) => o,
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn every_example_folder_is_covered() {
    // A new example must get its own test below: the counts are the ones asserted here.
    for (kind, n) in [("order-response", 6), ("despatch-advice", 6), ("catalogue", 6), ("order", 7)] {
        let count = std::fs::read_dir(peppol_dir().join("examples").join(kind)).unwrap().count();
        assert_eq!(count, n, "{kind}: {count} examples");
    }
}

// ---- T76 order responses ----

#[test]
fn order_response_example_changes_quantity_price_date_and_substitutes() {
    let r = response("OrderResponse_Example.xml");
    assert_eq!((r.id.as_str(), r.code.as_str(), r.order_ref.as_str()), ("101", "CA", "11233"));
    assert_eq!(r.sales_order_id.as_deref(), Some("101-111"));
    assert_eq!(r.customer_reference.as_deref(), Some("ABC-123"));
    assert_eq!(r.promised_delivery, Some(date("2013-07-16")));
    assert_eq!(r.seller.legal_name, "The Supplier AB");
    assert_eq!(r.lines.len(), 3);
    let l = &r.lines[0];
    assert_eq!((l.line_ref.as_str(), l.status.as_str(), l.seller_id.as_str()), ("1", "3", "SN-33"));
    assert_eq!((l.quantity, l.price, l.base_qty), (Some(dec("10")), Some(dec("1.50")), Some(dec("1"))));
    assert_eq!(l.promised_delivery, Some(date("2018-08-12")));
    assert_eq!(l.substitute_id.as_deref(), Some("SN-34"));
    assert_eq!(r.lines[1].status, "5");
    assert_eq!(r.lines[2].note.as_deref(), Some("Substituted Item"));
    assert_eq!(r.lines[2].substitute_id.as_deref(), Some("SN-36"));
}

#[test]
fn order_response_uc1_accepts_one_line_refuses_one_substitutes_one() {
    let r = response("UC1_Order_response.xml");
    assert_eq!((r.code.as_str(), r.order_ref.as_str()), ("CA", "1"));
    assert_eq!(r.note.as_deref(), Some("Response message with amendments in the details"));
    let status: Vec<&str> = r.lines.iter().map(|l| l.status.as_str()).collect();
    assert_eq!(status, ["5", "7", "3"]);
    assert_eq!(r.lines[2].substitute_id.as_deref(), Some("SN-36"));
    assert_eq!(r.promised_delivery, Some(date("2013-07-16")));
}

#[test]
fn order_response_uc2_accepts_every_line() {
    let r = response("UC2_Order_response.xml");
    assert_eq!((r.code.as_str(), r.order_ref.as_str()), ("CA", "1"));
    assert_eq!(r.customer_reference.as_deref(), Some("92487ksdhfj"));
    assert!(r.lines.iter().all(|l| l.status == "5"), "{:?}", r.lines);
    let skus: Vec<&str> = r.lines.iter().map(|l| l.seller_id.as_str()).collect();
    assert_eq!(skus, ["4545423", "64534543"]);
}

#[test]
fn order_response_uc3_rejects_with_a_reason() {
    let r = response("UC3_Order_response.xml");
    assert_eq!((r.id.as_str(), r.code.as_str(), r.order_ref.as_str()), ("4552", "RE", "5"));
    assert_eq!(r.note.as_deref(), Some("No available translators"));
    assert!(r.lines.is_empty());
}

#[test]
fn order_response_uc4_changes_a_price_per_base_quantity() {
    let r = response("UC4_Order_response.xml");
    assert_eq!((r.code.as_str(), r.order_ref.as_str()), ("CA", "5"));
    let l = &r.lines[0];
    assert_eq!(l.status, "3");
    assert_eq!(l.note.as_deref(), Some("with changes (price)"));
    assert_eq!((l.quantity, l.unit.as_str()), (Some(dec("500")), "NAR"));
    assert_eq!((l.price, l.base_qty), (Some(dec("0.9")), Some(dec("10"))));
    assert_eq!(l.promised_delivery, Some(date("2013-07-16")));
}

#[test]
fn order_response_uc5_accepts_the_order_as_sent() {
    let r = response("UC5_Order_response.xml");
    assert_eq!((r.code.as_str(), r.order_ref.as_str()), ("AP", "5"));
    assert_eq!(r.issue_date, date("2019-10-01"));
    assert_eq!(r.seller.endpoint.as_ref().unwrap().to_string(), "0007:5546577791");
    assert!(r.lines.is_empty() && r.note.is_none());
}

// ---- T16 despatch advices ----

#[test]
fn despatch_uc1_ships_two_full_lines() {
    let d = despatch("DespatchAdvice-BIS3_UseCase1.xml");
    assert_eq!((d.id.as_str(), d.order_ref.as_deref()), ("1234", Some("4321")));
    assert_eq!(d.despatch_date, Some(date("2019-03-13")));
    assert_eq!(d.estimated_delivery, Some(date("2019-03-16")));
    let q: Vec<(&str, Decimal)> = d.lines.iter().map(|l| (l.line_ref.as_str(), l.delivered)).collect();
    assert_eq!(q, [("1", dec("10")), ("2", dec("10"))]);
    assert!(d.lines.iter().all(|l| l.outstanding.is_none()));
}

#[test]
fn despatch_uc2_has_outstanding_quantities_and_an_over_shipment() {
    let d = despatch("DespatchAdvice-BIS3_UseCase2.xml");
    assert_eq!(d.id, "1236");
    let q: Vec<(Decimal, Option<Decimal>)> = d.lines.iter().map(|l| (l.delivered, l.outstanding)).collect();
    assert_eq!(
        q,
        [
            (dec("10"), None),
            (dec("6"), Some(dec("4"))),
            (dec("6"), Some(dec("0"))),
            (dec("6"), Some(dec("3"))),
            (dec("12"), None)
        ]
    );
    assert_eq!(d.lines[1].outstanding_reason.as_deref(), Some("AV"));
    assert_eq!(d.lines[4].note.as_deref(), Some("This line is contains an oversupply"));
}

#[test]
fn despatch_uc3_names_a_shipment() {
    let d = despatch("DespatchAdvice-BIS3_UseCase3.xml");
    assert_eq!((d.id.as_str(), d.shipment_id.as_deref()), ("1238", Some("57098761234567890")));
    let q: Vec<Decimal> = d.lines.iter().map(|l| l.delivered).collect();
    assert_eq!(q, [dec("10"), dec("23"), dec("500"), dec("12")]);
    assert!(d.lines.iter().all(|l| l.order_ref.as_deref() == Some("4321")));
}

#[test]
fn despatch_uc4_ships_fractional_weights() {
    let d = despatch("DespatchAdvice-BIS3_UseCase4.xml");
    assert_eq!(d.despatch_date, None);
    assert_eq!(d.estimated_delivery, Some(date("2019-03-15")));
    let q: Vec<(&str, Decimal, &str)> =
        d.lines.iter().map(|l| (l.line_ref.as_str(), l.delivered, l.unit.as_str())).collect();
    assert_eq!(q, [("1", dec("4.25"), "KGM"), ("2", dec("5.97"), "KGM"), ("3", dec("8"), "EA"), ("5", dec("3"), "EA")]);
}

#[test]
fn despatch_uc5_splits_one_order_line_over_two_despatch_lines() {
    let d = despatch("DespatchAdvice-BIS3_UseCase5.xml");
    let three: Vec<(&str, Decimal)> =
        d.lines.iter().filter(|l| l.line_ref == "3").map(|l| (l.id.as_str(), l.delivered)).collect();
    assert_eq!(three, [("3A", dec("3.0")), ("3B", dec("0.975"))]);
    assert_eq!(d.lines.len(), 5);
}

#[test]
fn despatch_example_ships_part_of_a_line() {
    let d = despatch("DespatchAdvice_Example.xml");
    assert_eq!((d.id.as_str(), d.order_ref.as_deref()), ("565899", Some("AEG012345")));
    assert_eq!(d.despatch_date, Some(date("2018-09-25")));
    let l = &d.lines[0];
    assert_eq!((l.delivered, l.outstanding, l.unit.as_str()), (dec("10"), Some(dec("2")), "C62"));
    assert_eq!(l.seller_id, "17589683");
}

// ---- T19 catalogues (what the reader keeps; `procure sync` is tested end to end) ----

#[test]
fn catalogues_are_read_with_their_actions() {
    let c = catalogue("Catalogue_Example.xml");
    assert_eq!((c.id.as_str(), c.action.as_str(), c.name.as_str()), ("1387", "Add", "Spring Catalogue"));
    assert_eq!(c.lines[0].prices[0].lead_time_days, Some(2));
    assert_eq!(c.lines[0].item.documents[0].uri, "http://www.supplier.com/image1.png");
    assert_eq!(catalogue("catalogue-wo-response-use-case-2.xml").action, "Update");
    assert_eq!(catalogue("catalogue-wo-response-use-case-3.xml").action, "Replace");
    let del = catalogue("catalogue-wo-response-use-case-4.xml");
    assert_eq!((del.action.as_str(), del.lines[0].action.as_str()), ("Delete", "Delete"));
    let c5 = catalogue("catalogue-wo-response-use-case-5.xml");
    assert_eq!(c5.lines.len(), 4);
    let c1 = catalogue("catalogue-wo-response-use-case-1.xml");
    assert_eq!(c1.lines.len(), 7);
}

/// Read a line at a time (as `procure sync` reads a catalogue), each
/// example is what the whole document says, through small reads too.
#[test]
fn catalogues_read_a_line_at_a_time_are_read_as_whole_documents_are() {
    for entry in std::fs::read_dir(peppol_dir().join("examples").join("catalogue")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let whole = catalogue(&name);
        for capacity in [64 * 1024, 7] {
            let file = std::io::BufReader::with_capacity(capacity, std::fs::File::open(&path).unwrap());
            let mut reader = peppol::CatalogueReader::open(file).unwrap_or_else(|e| panic!("{name}: {e}"));
            let mut streamed = reader.head().clone();
            while let Some(line) = reader.next_line().unwrap_or_else(|e| panic!("{name}: {e}")) {
                streamed.lines.push(line);
            }
            assert_eq!(streamed, whole, "{name}");
        }
    }
}

// ---- T01 orders, as the reference shop reads them ----

#[test]
fn order_examples_are_read_as_the_shop_needs_them() {
    let o = order("UC1_Order.xml");
    assert_eq!((o.id.as_str(), o.currency.as_str()), ("1", "EUR"));
    assert_eq!(o.buyer.endpoint.as_ref().unwrap().to_string(), "0088:7300010000001");
    assert_eq!(o.delivery.as_ref().unwrap().requested, Some(date("2013-07-16")));
    let l: Vec<(&str, Decimal, Option<Decimal>)> =
        o.lines.iter().map(|l| (l.seller_id.as_str(), l.quantity, l.price)).collect();
    assert_eq!(
        l,
        [
            ("SN-33", dec("10"), Some(dec("4"))),
            ("SN-34", dec("5"), Some(dec("6"))),
            ("SN-35", dec("15"), Some(dec("3")))
        ]
    );
    assert_eq!((o.line_total, o.tax_total, o.payable), (dec("115"), dec("28.75"), dec("143.75")));
    for name in
        ["Order_Example.xml", "UC2_Order.xml", "UC3_Order.xml", "UC4_Order.xml", "UC5_Order.xml", "UC6_Order.xml"]
    {
        let o = order(name);
        assert!(!o.id.is_empty() && !o.lines.is_empty(), "{name}: {o:?}");
    }
}

#[test]
fn what_procure_writes_it_reads_back() {
    let mut o = order("UC1_Order.xml");
    o.note = Some("Tor 3 — bitte anliefern".into());
    o.lines[0].note = Some("Kostenstelle 4711".into());
    o.lines[0].partial_delivery = Some(false);
    let back = match peppol::read(&peppol::write_order(&o)).unwrap() {
        Document::Order(b) => b,
        other => panic!("{other:?}"),
    };
    assert_eq!(back.note, o.note);
    assert_eq!(back.lines[0].note.as_deref(), Some("Kostenstelle 4711"));
    assert_eq!(back.lines[0].partial_delivery, Some(false));
    assert_eq!(back.lines.len(), 3);
    assert_eq!(back.customer_reference, o.customer_reference);
}
