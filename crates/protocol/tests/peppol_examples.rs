//! OpenPEPPOL's own example documents (../shared/peppol/examples): each is
//! read, and what it says is what procure understands. Billing documents
//! are also written back and must pass the validator
//! (../shared/peppol/validate.py) and read back the same.

use chrono::NaiveDate;
use procure_protocol::peppol::{
    self, Catalogue, DespatchAdvice, Document, Invoice, InvoiceResponse, Order, OrderResponse,
};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::Command;

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

fn invoice(kind: &str, name: &str) -> Invoice {
    match read(kind, name) {
        Document::Invoice(i) => *i,
        other => panic!("{name}: {other:?}"),
    }
}

fn invoice_response(name: &str) -> InvoiceResponse {
    match read("invoice-response", name) {
        Document::InvoiceResponse(r) => r,
        other => panic!("{name}: {other:?}"),
    }
}

/// The validator's Python: `PROCURE_PEPPOL_PYTHON`, else the venv setup.sh
/// makes by default. Missing, the test fails — unless
/// `PROCURE_PEPPOL_SKIP_VALIDATION=1` says to skip it locally.
fn validator_python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("PROCURE_PEPPOL_PYTHON").map(PathBuf::from),
        std::env::var_os("PEPPOL_VENV").map(|v| PathBuf::from(v).join("bin/python")),
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/peppol-validator/bin/python")),
    ];
    if let Some(p) = candidates.into_iter().flatten().find(|p| p.is_file()) {
        return Some(p);
    }
    if std::env::var("PROCURE_PEPPOL_SKIP_VALIDATION").as_deref() == Ok("1") {
        eprintln!("PROCURE_PEPPOL_SKIP_VALIDATION=1: Peppol documents are not validated");
        return None;
    }
    panic!(
        "the Peppol validator's Python is missing: `export PROCURE_PEPPOL_PYTHON=$({}/setup.sh)` \
         (PROCURE_PEPPOL_SKIP_VALIDATION=1 skips the validation locally)",
        peppol_dir().display()
    );
}

/// Runs OpenPEPPOL's rules (`T10`, `T14`, `T111`) on the files; every one must pass.
fn validate(tx: &str, files: &[&Path]) {
    let Some(python) = validator_python() else { return };
    let out = Command::new(python)
        .arg(peppol_dir().join("validate.py"))
        .arg(tx)
        .args(files)
        .output()
        .expect("run validate.py");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains(&format!("{} passed, 0 failed", files.len())),
        "{tx} documents fail the Peppol rules:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_example_folder_is_covered() {
    // A new example must get its own test below: the counts are the ones asserted here.
    for (kind, n) in [
        ("order-response", 6),
        ("despatch-advice", 6),
        ("catalogue", 6),
        ("order", 7),
        ("invoice", 8),
        ("credit-note", 1),
        ("invoice-response", 2),
    ] {
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

// ---- T10 invoices and T14 credit notes (BIS Billing 3) ----

#[test]
fn invoice_base_example_has_references_terms_parties_a_charge_and_totals() {
    let i = invoice("invoice", "base-example.xml");
    assert!(!i.credit_note);
    assert_eq!((i.id.as_str(), i.type_code.as_str(), i.currency.as_str()), ("Snippet1", "380", "EUR"));
    assert_eq!((i.issue_date, i.due_date), (date("2017-11-13"), Some(date("2017-12-01"))));
    assert_eq!(i.buyer_reference.as_deref(), Some("0150abc"));
    assert_eq!((i.order_ref.as_deref(), i.sales_order_ref.as_deref()), (None, None));
    assert_eq!(i.payment_terms.as_deref(), Some("Payment within 10 days, 2% discount"));
    assert_eq!(i.accounting_cost.as_deref(), Some("4025:123:4343"));
    assert_eq!(i.seller.party.endpoint.as_ref().unwrap().to_string(), "0088:9482348239847239874");
    assert_eq!(i.seller.party.legal_name, "SupplierOfficialName Ltd");
    assert_eq!(i.seller.vat_id.as_deref(), Some("GB1232434"));
    assert_eq!(i.seller.legal_id.as_ref().map(|l| l.id.as_str()), Some("GB983294"));
    assert_eq!(i.buyer.party.endpoint.as_ref().unwrap().to_string(), "0002:FR23342");
    assert_eq!(i.buyer.party.name, "BuyerTradingName AS");
    assert_eq!(i.buyer.party.contact.as_ref().unwrap().email, "lj@buyer.se");
    let delivery = i.delivery.as_ref().unwrap();
    assert_eq!(delivery.date, Some(date("2017-11-01")));
    assert_eq!(delivery.address.as_ref().unwrap().city, "Stockholm");
    let means = &i.payment_means[0];
    assert_eq!((means.code.as_str(), means.account.as_deref()), ("30", Some("IBAN32423940")));
    assert_eq!((means.payment_id.as_deref(), means.bank.as_deref()), (Some("Snippet1"), Some("BIC324098")));
    let charge = &i.allowances_charges[0];
    assert!(charge.charge);
    assert_eq!((charge.reason.as_deref(), charge.amount), (Some("Insurance"), dec("25")));
    assert_eq!((charge.vat_category.as_deref(), charge.vat_percent), (Some("S"), Some(dec("25"))));
    assert_eq!(i.tax_total, dec("331.25"));
    assert_eq!(i.vat_breakdown.len(), 1);
    let v = &i.vat_breakdown[0];
    assert_eq!((v.taxable, v.tax, v.category.as_str(), v.percent), (dec("1325"), dec("331.25"), "S", Some(dec("25"))));
    let t = &i.totals;
    assert_eq!((t.line_extension, t.tax_exclusive, t.tax_inclusive), (dec("1300"), dec("1325"), dec("1656.25")));
    assert_eq!((t.charge_total, t.allowance_total, t.payable), (Some(dec("25")), None, dec("1656.25")));
    let lines: Vec<String> = i
        .lines
        .iter()
        .map(|l| format!("{} {} {} {} {} {:?}", l.id, l.quantity, l.unit, l.line_amount, l.price, l.order_line_ref))
        .collect();
    assert_eq!(lines, ["1 7 DAY 2800 400 Some(\"123\")", "2 -3 DAY -1500 500 Some(\"123\")"]);
    assert_eq!(i.lines[0].standard_id.as_ref().unwrap().to_string(), "0088:21382183120983");
    assert_eq!((i.lines[0].vat_category.as_str(), i.lines[0].vat_percent), ("S", Some(dec("25.0"))));
    assert_eq!(i.lines[0].description.as_deref(), Some("Description of item"));
}

#[test]
fn invoice_allowance_example_has_document_and_line_allowances_two_rates_and_a_prepaid_amount() {
    let i = invoice("invoice", "Allowance-example.xml");
    assert_eq!(i.note.as_deref(), Some("Please note we have a new phone number: 22 22 22 22"));
    assert_eq!(i.contract_ref.as_deref(), Some("framework no 1"));
    let doc: Vec<String> = i
        .allowances_charges
        .iter()
        .map(|a| format!("{} {:?} {} {:?} {:?}", a.charge, a.reason_code, a.amount, a.percent, a.base_amount))
        .collect();
    assert_eq!(doc, ["true Some(\"CG\") 200 Some(20) Some(1000)", "false Some(\"95\") 200 None None"]);
    // BT-110 in the document's currency, not the second TaxTotal in SEK.
    assert_eq!(i.tax_total, dec("1225.00"));
    let vat: Vec<(&str, Decimal, Decimal)> =
        i.vat_breakdown.iter().map(|v| (v.category.as_str(), v.taxable, v.tax)).collect();
    assert_eq!(vat, [("S", dec("4900.0"), dec("1225")), ("E", dec("1000.0"), dec("0"))]);
    assert_eq!(i.vat_breakdown[1].exemption_reason.as_deref(), Some("Reason for tax exempt"));
    let t = &i.totals;
    assert_eq!((t.allowance_total, t.charge_total, t.prepaid), (Some(dec("200")), Some(dec("200")), Some(dec("1000"))));
    assert_eq!(t.payable, dec("6125.00"));
    let line = &i.lines[0];
    assert_eq!(line.note.as_deref(), Some("Testing note on line level"));
    assert_eq!(line.order_line_ref, None);
    let on_line: Vec<(bool, Decimal)> = line.allowances_charges.iter().map(|a| (a.charge, a.amount)).collect();
    assert_eq!(on_line, [(true, dec("1")), (false, dec("101"))]);
    assert_eq!((line.seller_id.as_str(), line.price, line.base_qty), ("97iugug876", dec("410"), Some(dec("1"))));
    let two = &i.lines[1];
    assert_eq!((two.order_line_ref.as_deref(), two.price, two.base_qty), (Some("124"), dec("200"), Some(dec("2"))));
    assert_eq!(two.unit_price(), dec("100"));
    assert_eq!((two.vat_category.as_str(), two.vat_percent), ("E", Some(dec("0.0"))));
}

#[test]
fn invoice_vat_category_s_has_two_standard_rates() {
    let i = invoice("invoice", "Vat-category-S.xml");
    let vat: Vec<(Option<Decimal>, Decimal, Decimal)> =
        i.vat_breakdown.iter().map(|v| (v.percent, v.taxable, v.tax)).collect();
    assert_eq!(vat, [(Some(dec("25")), dec("5000.0"), dec("1250")), (Some(dec("15")), dec("2000.0"), dec("300"))]);
    assert_eq!(i.tax_total, dec("1550.00"));
    let rates: Vec<Option<Decimal>> = i.lines.iter().map(|l| l.vat_percent).collect();
    assert_eq!(rates, [Some(dec("25.0")), Some(dec("15.0")), Some(dec("25.0"))]);
    assert_eq!(i.lines[0].order_line_ref.as_deref(), Some("123"));
    assert_eq!(i.lines[2].standard_id.as_ref().unwrap().to_string(), "0160:873649827489");
    assert_eq!((i.totals.allowance_total, i.totals.charge_total), (Some(dec("100")), Some(dec("200"))));
}

#[test]
fn invoice_vat_category_e_is_exempt_with_a_reason_code() {
    let e = invoice("invoice", "vat-category-E.xml");
    assert_eq!((e.currency.as_str(), e.due_date), ("GBP", None));
    assert_eq!(e.payment_terms.as_deref(), Some("Payment within 30 days"));
    assert_eq!(e.seller.vat_id.as_deref(), Some("GB928741974"));
    assert_eq!(e.buyer.party.endpoint.as_ref().unwrap().to_string(), "0184:12345678");
    assert_eq!(e.buyer.party.legal_name, "The Buyercompany");
    assert_eq!(e.vat_breakdown[0].category, "E");
    assert_eq!(e.vat_breakdown[0].exemption_reason_code.as_deref(), Some("VATEX-EU-F"));
    assert_eq!((e.lines[0].quantity, e.lines[0].unit.as_str(), e.lines[0].price), (dec("10"), "EA", dec("120.00")));
    assert_eq!(e.lines[0].order_line_ref.as_deref(), Some("1"));
}

#[test]
fn invoice_vat_category_z_is_zero_rated() {
    let z = invoice("invoice", "vat-category-Z.xml");
    assert_eq!((z.vat_breakdown[0].category.as_str(), z.vat_breakdown[0].percent), ("Z", Some(dec("0"))));
    assert_eq!((z.tax_total, z.totals.payable), (dec("0.00"), dec("1200.00")));
    assert_eq!((z.lines[0].vat_category.as_str(), z.lines[0].vat_percent), ("Z", Some(dec("0"))));
}

#[test]
fn invoice_vat_category_o_is_outside_the_scope_of_vat_without_a_rate() {
    let o = invoice("invoice", "vat-category-O.xml");
    assert_eq!((o.id.as_str(), o.currency.as_str()), ("Vat-O", "SEK"));
    let v = &o.vat_breakdown[0];
    assert_eq!((v.category.as_str(), v.percent), ("O", None));
    assert_eq!(v.exemption_reason.as_deref(), Some("Not subject to VAT"));
    assert_eq!((o.lines[0].vat_category.as_str(), o.lines[0].vat_percent), ("O", None));
    assert_eq!((o.lines[0].seller_id.as_str(), o.lines[0].name.as_str()), ("RT3000", "Road tax"));
}

#[test]
fn invoice_correction_names_the_invoice_it_corrects() {
    let i = invoice("invoice", "base-negative-inv-correction.xml");
    assert_eq!((i.id.as_str(), i.type_code.as_str()), ("Correction1", "380"));
    assert_eq!(i.preceding_invoices, ["Snippet1"]);
    let q: Vec<Decimal> = i.lines.iter().map(|l| l.quantity).collect();
    assert_eq!(q, [dec("-7"), dec("3")]);
}

#[test]
fn invoice_for_a_sales_order_without_a_purchase_order() {
    let i = invoice("invoice", "sales-order-example.xml");
    assert_eq!(i.order_ref.as_deref(), Some(peppol::NO_ORDER_REF));
    assert_eq!(i.sales_order_ref.as_deref(), Some("123456"));
}

#[test]
fn credit_note_example_credits_an_invoice() {
    let c = invoice("credit-note", "base-creditnote-correction.xml");
    assert!(c.credit_note);
    assert_eq!((c.id.as_str(), c.type_code.as_str()), ("Snippet1", "381"));
    assert_eq!(c.preceding_invoices, ["Snippet1"]);
    assert_eq!(c.due_date, None);
    assert_eq!(c.payment_terms.as_deref(), Some("Payment within 10 days, 2% discount"));
    assert_eq!(c.note.as_deref(), Some("Please note we have a new phone number: 22 22 22 22"));
    let q: Vec<(Decimal, Decimal, Option<&str>)> =
        c.lines.iter().map(|l| (l.quantity, l.line_amount, l.order_line_ref.as_deref())).collect();
    assert_eq!(q, [(dec("7"), dec("2800"), Some("123")), (dec("-3"), dec("-1500"), Some("123"))]);
    assert_eq!((c.totals.payable, c.tax_total), (dec("1656.25"), dec("331.25")));
    assert_eq!(c.seller.party.endpoint.as_ref().unwrap().to_string(), "0088:9482348239847239874");
}

/// What procure writes of a billing document is what it read: every
/// example, written back, passes the rules and reads back the same.
#[test]
fn every_billing_example_is_written_back_valid_and_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, tx) in [("invoice", "T10"), ("credit-note", "T14")] {
        let mut written = Vec::new();
        let mut names: Vec<String> = std::fs::read_dir(peppol_dir().join("examples").join(kind))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        for name in names {
            let first = invoice(kind, &name);
            let bytes = peppol::write_invoice(&first);
            let back = match peppol::read(&bytes).unwrap() {
                Document::Invoice(i) => *i,
                other => panic!("{other:?}"),
            };
            assert_eq!(back, first, "{name} reads back the same");
            let path = dir.path().join(format!("{kind}-{name}"));
            std::fs::write(&path, &bytes).unwrap();
            written.push(path);
        }
        let paths: Vec<&Path> = written.iter().map(PathBuf::as_path).collect();
        validate(tx, &paths);
    }
}

// ---- T111 invoice responses ----

#[test]
fn invoice_response_example_rejects_with_a_reason_and_the_field() {
    let r = invoice_response("InvoiceResponse_Example.xml");
    assert_eq!(
        (r.id.as_str(), r.issue_date, r.issue_time.as_deref()),
        ("imrid001", date("2017-12-01"), Some("12:00:00"))
    );
    assert_eq!(r.note.as_deref(), Some("text"));
    assert_eq!(r.code, peppol::invoice_response_code::REJECTED);
    assert_eq!(r.effective_date, Some(date("2018-09-24")));
    assert_eq!(r.sender.endpoint.as_ref().unwrap().to_string(), "0088:5798000012349");
    assert_eq!(r.sender.legal_name, "Buyer organization");
    assert_eq!(r.receiver.endpoint.as_ref().unwrap().to_string(), "0088:7330001000000");
    assert_eq!(r.statuses.len(), 1);
    let s = &r.statuses[0];
    assert_eq!((s.list.as_str(), s.code.as_deref()), ("OPStatusAction", Some("NOA")));
    assert_eq!(s.reason.as_deref(), Some("VAT Reference not found"));
    assert_eq!(s.conditions, [("BT-48".to_string(), Some("EU123456789".to_string()))]);
    assert_eq!(
        (r.invoice_ref.as_str(), r.invoice_issue_date, r.invoice_type_code.as_str()),
        ("inv021", Some(date("2018-09-22")), "380")
    );
    assert_eq!(peppol::status_reason::describe(&s.list, "NOA"), Some("no action required"));
}

#[test]
fn invoice_response_missing_po_puts_the_invoice_under_query() {
    let r = invoice_response("InvoiceResponse_MissingPO.xml");
    assert_eq!(r.code, peppol::invoice_response_code::UNDER_QUERY);
    let codes: Vec<(&str, Option<&str>)> = r.statuses.iter().map(|s| (s.list.as_str(), s.code.as_deref())).collect();
    assert_eq!(codes, [("OPStatusReason", Some("REF")), ("OPStatusAction", Some("PIN"))]);
    assert_eq!(r.statuses[0].conditions, [("BT-13".to_string(), Some("PO0001".to_string()))]);
    assert_eq!((r.invoice_ref.as_str(), r.invoice_issue_date), ("inv021", None));
}

#[test]
fn invoice_responses_are_written_back_valid_and_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let mut written = Vec::new();
    for name in ["InvoiceResponse_Example.xml", "InvoiceResponse_MissingPO.xml"] {
        let first = invoice_response(name);
        let bytes = peppol::write_invoice_response(&first);
        let back = match peppol::read(&bytes).unwrap() {
            Document::InvoiceResponse(r) => r,
            other => panic!("{other:?}"),
        };
        assert_eq!(back, first, "{name} reads back the same");
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        written.push(path);
    }
    // A dispute as procure writes one: under query, prices incorrect, in words.
    let dispute = InvoiceResponse {
        id: "d-1".into(),
        issue_date: date("2026-12-06"),
        sender: peppol::Party {
            endpoint: Some(peppol::Id::parse("0106:12345678").unwrap()),
            legal_name: "Acme Maschinenbau GmbH".into(),
            ..Default::default()
        },
        receiver: peppol::Party {
            endpoint: Some(peppol::Id::parse("0088:5790000435975").unwrap()),
            legal_name: "procure reference shop".into(),
            ..Default::default()
        },
        code: peppol::invoice_response_code::UNDER_QUERY.into(),
        effective_date: Some(date("2026-12-06")),
        statuses: vec![peppol::ResponseStatus {
            list: peppol::status_reason::REASON_LIST.into(),
            code: Some(peppol::status_reason::PRICES_INCORRECT.into()),
            reason: Some("T-BRG-1 billed at 7.25, ordered at 6.90".into()),
            conditions: vec![],
        }],
        invoice_ref: "INV-ACME-1001".into(),
        invoice_issue_date: Some(date("2026-12-01")),
        invoice_type_code: peppol::type_code::INVOICE.into(),
        ..Default::default()
    };
    let path = dir.path().join("dispute.xml");
    std::fs::write(&path, peppol::write_invoice_response(&dispute)).unwrap();
    written.push(path);
    let paths: Vec<&Path> = written.iter().map(PathBuf::as_path).collect();
    validate("T111", &paths);
}
