//! A supplier on Peppol, end to end: the real reference shop exports its
//! catalogue as T19 and answers T01 orders with T76 and T16 through real
//! folders; the real `procure` binary syncs, orders and follows the order.
//! Every document either side writes goes through OpenPEPPOL's rules
//! (../shared/peppol/validate.py); OpenPEPPOL's own examples are read.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The validator and examples: `PROCURE_PEPPOL_DIR`, else `../shared/peppol`
/// beside the repository.
fn peppol_dir() -> PathBuf {
    let dir = std::env::var_os("PROCURE_PEPPOL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/peppol"));
    assert!(
        dir.join("validate.py").is_file(),
        "the Peppol validator is not at {} (set PROCURE_PEPPOL_DIR to the shared/peppol folder)",
        dir.display()
    );
    dir
}

fn example(kind: &str, name: &str) -> PathBuf {
    peppol_dir().join("examples").join(kind).join(name)
}

/// The validator's Python: `PROCURE_PEPPOL_PYTHON` (tests/run.sh sets it from
/// setup.sh), else the venv setup.sh makes by default. Missing, the test
/// fails — unless `PROCURE_PEPPOL_SKIP_VALIDATION=1` says to skip it locally.
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
        "the Peppol validator's Python is missing: run tests/run.sh, or `export PROCURE_PEPPOL_PYTHON=$({}/setup.sh)` \
         (PROCURE_PEPPOL_SKIP_VALIDATION=1 skips the validation locally)",
        peppol_dir().display()
    );
}

/// Runs OpenPEPPOL's rules on the files; every one must pass.
pub(crate) fn validate(tx: &str, files: &[PathBuf]) {
    assert!(!files.is_empty(), "no {tx} document to validate");
    let Some(python) = validator_python() else { return };
    let out = Command::new(python)
        .arg(peppol_dir().join("validate.py"))
        .arg(tx)
        .args(files)
        .output()
        .expect("run validate.py");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{tx} documents fail the Peppol rules:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(&format!("{} passed, 0 failed", files.len())), "{text}");
}

pub(crate) fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "xml")).collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn profile(catalogue: &Path, outbox: &Path, inbox: &Path, buyer: &str) -> String {
    format!(
        "default_profile = \"acme-peppol\"\n\n[profiles.acme-peppol]\nbackend = \"peppol\"\ncatalogue = {:?}\n\
         outbox = {:?}\ninbox = {:?}\nbuyer_endpoint = \"0106:12345678\"\nbuyer_name = {buyer:?}\n\
         buyer_street = \"Hauptstraße 1\"\nbuyer_postal_code = \"50667\"\nbuyer_city = \"Köln\"\nbuyer_country = \"DE\"\n\
         buyer_contact = \"Jörg Einkäufer\"\nbuyer_email = \"einkauf@acme.example\"\n\
         delivery_name = \"Werk Süd\"\ndelivery_street = \"Industriestraße 9\"\ndelivery_postal_code = \"40210\"\n\
         delivery_city = \"Düsseldorf\"\ndelivery_country = \"DE\"\n",
        catalogue.display().to_string(),
        outbox.display().to_string(),
        inbox.display().to_string()
    )
}

/// A buyer whose Peppol profile reads one of OpenPEPPOL's catalogue examples.
fn synced_example(name: &str) -> Home {
    let home = Home::new();
    let p = home.path();
    home.write_config(&profile(&example("catalogue", name), &p.join("out"), &p.join("in"), "Acme"));
    home.run(&["sync"]).ok();
    home
}

fn show(home: &Home, sku: &str) -> serde_json::Value {
    home.run(&["--json", "show", sku]).ok().json()
}

/// How many parts the cache holds, and that it holds exactly `expected` of the candidates.
fn assert_parts(home: &Home, total: u64, present: &[&str], absent: &[&str]) {
    let sync = home.run(&["--json", "sync"]).ok().json();
    assert_eq!(sync["products_total"], total, "{sync}");
    for sku in present {
        home.run(&["show", sku]).ok();
    }
    for sku in absent {
        assert_ne!(home.run(&["show", sku]).code(), 0, "{sku} should be gone");
    }
}

// ---- OpenPEPPOL's catalogue examples, each synced ----

#[test]
fn catalogue_example_syncs_with_identifiers_rules_documents_and_validity() {
    let home = synced_example("Catalogue_Example.xml");
    let sync = home.run(&["--json", "sync"]).ok().json();
    assert_eq!((sync["products_total"].as_u64(), sync["full"].as_bool()), (Some(2), Some(true)), "{sync}");
    let p = show(&home, "MNTR011");
    assert_eq!(p["product"]["name"], "Copy paper");
    assert_eq!(p["product"]["mpn"], "MNTR01349087911", "manufacturer's item id as type number");
    assert_eq!(p["product"]["gtin"], "1234567890114");
    assert_eq!(p["product"]["unit"], "LBR");
    assert_eq!(p["product"]["lead_time_days"], 2);
    assert_eq!(p["product"]["manufacturer"], "Manufacturer AS");
    assert_eq!(p["product"]["documents"][0]["url"], "http://www.supplier.com/image1.png");
    assert!(p["product"]["category"].as_str().unwrap().contains("20101601"), "{p}");
    // Its only price was valid October to December 2018: none today.
    assert!(p["prices"].is_null(), "{p}");
    // The seller party on the account screen: name, endpoint, address, contact.
    let account = home.run(&["account"]).ok().stdout();
    for needle in [
        "Medical (Peppol 0192:987654325)",
        "Storgt. 12, 4. etasje, 0585 Oslo, NO",
        "Nils Nilsen",
        "post@medical.no",
        "Net within 30 days",
        "Peppol, orders to ",
    ] {
        assert!(account.contains(needle), "account lacks {needle}:\n{account}");
    }
    let p = show(&home, "MNTR012");
    assert_eq!(p["prices"]["tiers"][0]["unit_price"], "90.00");
    assert_eq!(p["prices"]["vat_rate"], "18");
    assert_eq!(p["currency"], "EUR");
}

#[test]
fn catalogue_use_case_1_syncs_seven_parts_three_with_current_prices() {
    let home = synced_example("catalogue-wo-response-use-case-1.xml");
    assert_parts(&home, 7, &["1038195", "123", "2451015", "2451037", "4747", "55123", "7690213"], &[]);
    let pen = show(&home, "2451037");
    assert_eq!(pen["product"]["gtin"], "05790000436040");
    assert_eq!(pen["product"]["unit"], "XBX");
    assert_eq!(pen["prices"]["tiers"][0]["unit_price"], "20.00");
    assert_eq!(pen["prices"]["vat_rate"], "25");
    assert_eq!(pen["currency"], "NOK");
    assert_eq!(show(&home, "1038195")["prices"]["tiers"][0]["unit_price"], "504.50");
    assert_eq!(show(&home, "7690213")["product"]["mpn"], "2453005");
    assert_eq!(show(&home, "123")["product"]["discontinued"], true, "not orderable");
    // Lines valid until 2019-12-31 carry no price today.
    assert!(show(&home, "4747")["prices"].is_null());
}

#[test]
fn catalogue_use_case_2_update_alone_adds_and_updates_and_ignores_the_deletion() {
    let home = synced_example("catalogue-wo-response-use-case-2.xml");
    assert_parts(&home, 2, &["2451015", "2451027"], &["2451037"]);
    assert_eq!(show(&home, "2451015")["product"]["gtin"], "05790000436057");
    assert_eq!(show(&home, "2451027")["product"]["name"], "Ballpoint pen. Black 0.7 mm");
}

#[test]
fn catalogue_use_case_3_replace_syncs_twelve_parts() {
    let home = synced_example("catalogue-wo-response-use-case-3.xml");
    assert_parts(&home, 12, &["D345gold", "1111", "111", "11", "4747"], &[]);
    let wall = show(&home, "D345gold");
    assert_eq!(wall["product"]["unit"], "XRO");
    assert_eq!(wall["prices"]["tiers"][0]["unit_price"], "160.58");
    assert_eq!(show(&home, "1111")["product"]["discontinued"], true);
    assert_eq!(show(&home, "111")["product"]["name"], "Shampoo 6x250 ml");
}

#[test]
fn catalogue_use_case_4_deletion_syncs_to_nothing() {
    let home = synced_example("catalogue-wo-response-use-case-4.xml");
    let sync = home.run(&["--json", "sync"]).ok().json();
    assert_eq!(sync["products_total"], 0, "{sync}");
}

#[test]
fn catalogue_use_case_5_syncs_a_deposit_that_cannot_be_ordered_alone() {
    let home = synced_example("catalogue-wo-response-use-case-5.xml");
    assert_parts(&home, 4, &["1234", "4321", "MNTR011", "MNTR012"], &[]);
    assert_eq!(show(&home, "4321")["prices"]["tiers"][0]["unit_price"], "2.00");
    let deposit = show(&home, "1234");
    assert_eq!(deposit["product"]["discontinued"], true);
    assert_eq!(deposit["prices"]["tiers"][0]["unit_price"], "0.10");
}

#[test]
fn a_catalogue_folder_applies_updates_and_a_new_version_replaces_the_old() {
    let home = Home::new();
    let dir = home.path().join("catalogue");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(example("catalogue", "catalogue-wo-response-use-case-1.xml"), dir.join("a.xml")).unwrap();
    std::fs::copy(example("catalogue", "catalogue-wo-response-use-case-2.xml"), dir.join("b.xml")).unwrap();
    home.write_config(&profile(&dir, &home.path().join("out"), &home.path().join("in"), "Acme"));
    home.run(&["sync"]).ok();
    // The update added the black pen and deleted the red one (named by its GTIN only).
    assert_parts(&home, 7, &["2451027", "2451015", "4747"], &["2451037"]);
    // A new version replaces the old: parts gone are gone.
    std::fs::remove_file(dir.join("a.xml")).unwrap();
    std::fs::remove_file(dir.join("b.xml")).unwrap();
    std::fs::copy(example("catalogue", "catalogue-wo-response-use-case-5.xml"), dir.join("c.xml")).unwrap();
    assert_parts(&home, 4, &["4321", "MNTR012"], &["2451027", "2451015"]);
}

#[test]
fn a_broken_catalogue_fails_the_sync_and_keeps_the_cache() {
    let home = synced_example("catalogue-wo-response-use-case-1.xml");
    let broken = home.path().join("broken.xml");
    std::fs::write(&broken, "<Catalogue xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2\">\n<x>")
        .unwrap();
    home.write_config(&format!(
        "\n[profiles.broken]\nbackend = \"peppol\"\ncatalogue = {:?}\noutbox = \"o\"\ninbox = \"i\"\n\
         buyer_endpoint = \"0106:1\"\nbuyer_name = \"B\"\n",
        broken.display().to_string()
    ));
    let r = home.run(&["--profile", "broken", "sync"]);
    assert_ne!(r.code(), 0);
    assert!(r.stderr().contains("broken.xml") && r.stderr().contains("line 2"), "{}", r.stderr());
    assert_parts(&home, 7, &["2451037"], &[]);
}

/// A catalogue of `n` lines, five text lines each after a head of four
/// (a DOCTYPE, when given, comes after the XML declaration); `line(i)`
/// gives the text of line `i`'s name.
fn big_catalogue(n: usize, doctype: &str, name: impl Fn(usize) -> String) -> String {
    let mut text = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{doctype}\n\
         <Catalogue xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2\" \
         xmlns:cac=\"urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2\" \
         xmlns:cbc=\"urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2\">\n\
         <cbc:ID>BIG-1</cbc:ID>\n<cbc:IssueDate>2026-01-05</cbc:IssueDate>\n"
    );
    for i in 0..n {
        text.push_str(&format!(
            "<cac:CatalogueLine><cbc:ID>{i}</cbc:ID>\n\
             <cac:RequiredItemLocationQuantity><cac:Price><cbc:PriceAmount currencyID=\"EUR\">{}.50</cbc:PriceAmount>\n\
             </cac:Price></cac:RequiredItemLocationQuantity>\n\
             <cac:Item><cbc:Name>{}</cbc:Name>\n\
             <cac:SellersItemIdentification><cbc:ID>B-{i}</cbc:ID></cac:SellersItemIdentification></cac:Item></cac:CatalogueLine>\n",
            i % 90 + 1,
            name(i)
        ));
    }
    text.push_str("</Catalogue>\n");
    text
}

/// The line of the file `needle` first appears on.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn a_large_catalogue_syncs_a_page_at_a_time_and_a_fault_deep_in_it_is_named_by_its_line() {
    let home = synced_example("catalogue-wo-response-use-case-1.xml");
    let big = home.path().join("big.xml");
    home.write_config(&format!(
        "\n[profiles.big]\nbackend = \"peppol\"\ncatalogue = {:?}\noutbox = \"o\"\ninbox = \"i\"\n\
         buyer_endpoint = \"0106:1\"\nbuyer_name = \"B\"\n",
        big.display().to_string()
    ));
    let sync = |text: &str| {
        std::fs::write(&big, text).unwrap();
        home.run(&["--json", "--profile", "big", "sync"])
    };
    // Whole: every part and every price, over several pages.
    let whole = sync(&big_catalogue(4_500, "", |i| format!("Part {i}"))).ok().json();
    assert_eq!((whole["products_total"].as_u64(), whole["prices_changed"].as_u64()), (Some(4_500), Some(4_500)));
    let p = home.run(&["--json", "--profile", "big", "show", "B-4321"]).ok().json();
    assert_eq!(
        (p["product"]["name"].as_str(), p["prices"]["tiers"][0]["unit_price"].as_str()),
        (Some("Part 4321"), Some("2.50"))
    );
    // A fault 3,000 lines in: named by its line, nothing of the cache lost.
    for (fault, needle, says) in [
        ("Part &nbsp; 3000", "&nbsp;", "unknown entity &nbsp;"),
        ("Part <b>3000</c>", "</c>", "expected `</b>`"),
        ("Part <x a=1/>3000", "<x a=1/>", "attribute value must be enclosed"),
    ] {
        let text = big_catalogue(4_500, "", |i| if i == 3000 { fault.to_string() } else { format!("Part {i}") });
        let line = line_of(&text, needle);
        assert!(line > 15_000, "{line}");
        let r = sync(&text).fails_with(7);
        let err: serde_json::Value = serde_json::from_str(&r.stderr()).unwrap();
        let message = err["error"]["message"].as_str().unwrap();
        assert!(message.contains("big.xml") && message.contains(&format!("line {line}")), "{fault}: {message}");
        assert!(message.contains(says), "{fault}: {message}");
        let after = home.run(&["--json", "--profile", "big", "show", "B-4321"]).ok().json();
        assert_eq!(after["product"]["name"], "Part 4321", "the cache is kept");
    }
    // A bad price: its line, and the catalogue line it is in.
    let text = big_catalogue(4_500, "", |i| format!("Part {i}")).replace(">11.50<", ">11,5O<");
    let r = sync(&text).fails_with(7);
    let message = r.stderr();
    let line = line_of(&text, "11,5O");
    assert!(message.contains(&format!("CatalogueLine 11 (ID 10, line {})", line - 1)), "{message}");
    assert!(message.contains(&format!("PriceAmount (line {line}): \\\"11,5O\\\" is not a number")), "{message}");
}

#[test]
fn a_catalogue_cannot_read_files_or_expand_entities_it_declares() {
    let home = synced_example("catalogue-wo-response-use-case-1.xml");
    let evil = home.path().join("evil.xml");
    home.write_config(&format!(
        "\n[profiles.evil]\nbackend = \"peppol\"\ncatalogue = {:?}\noutbox = \"o\"\ninbox = \"i\"\n\
         buyer_endpoint = \"0106:1\"\nbuyer_name = \"B\"\n",
        evil.display().to_string()
    ));
    let secret = home.path().join("secret.txt");
    std::fs::write(&secret, "the buyer's secret").unwrap();
    let xxe = format!("<!DOCTYPE Catalogue [<!ENTITY x SYSTEM \"file://{}\">]>", secret.display());
    let mut laughs = String::from("<!DOCTYPE Catalogue [<!ENTITY l0 \"ha\">");
    for i in 1..10 {
        laughs.push_str(&format!("<!ENTITY l{i} \"{}\">", format!("&l{};", i - 1).repeat(10)));
    }
    laughs.push_str("]>");
    for (doctype, entity) in [(xxe.as_str(), "&x;"), (laughs.as_str(), "&l9;")] {
        let text =
            big_catalogue(100, doctype, |i| if i == 50 { format!("Part {entity}") } else { format!("Part {i}") });
        std::fs::write(&evil, &text).unwrap();
        let r = home.run(&["--profile", "evil", "sync"]).fails_with(7);
        let line = line_of(&text, entity);
        assert!(r.stderr().contains(&format!("line {line}: unknown entity {entity}")), "{}", r.stderr());
        assert!(!r.stderr().contains("secret") && !r.stdout().contains("secret"), "{}", r.stderr());
    }
}

#[test]
fn a_peppol_profile_needs_no_login_and_names_a_missing_key() {
    let home = synced_example("catalogue-wo-response-use-case-1.xml");
    let r = home.run(&["login"]).ok();
    assert!(r.stderr().contains("needs no login"), "{}", r.stderr());
    home.write_config(
        "\n[profiles.incomplete]\nbackend = \"peppol\"\ncatalogue = \"c.xml\"\ninbox = \"in\"\n\
         buyer_endpoint = \"0106:1\"\nbuyer_name = \"B\"\n",
    );
    let r = home.run(&["--profile", "incomplete", "sync"]);
    assert_ne!(r.code(), 0);
    assert!(r.stderr().contains("`outbox`"), "{}", r.stderr());
}

// ---- the reference shop as the supplier ----

/// The reference shop as a Peppol supplier of ACME, and a buyer's Peppol
/// profile that reads its catalogue and sends it orders (also used by
/// order_rules.rs, next to the same shop's HTTP API).
pub(crate) struct Peppol {
    pub(crate) shop: Shop,
    pub(crate) home: Home,
    /// The catalogue the shop exports and procure reads.
    pub(crate) catalogue: PathBuf,
    /// procure's outbox = the shop's inbox.
    pub(crate) orders: PathBuf,
    /// the shop's outbox = procure's inbox.
    pub(crate) answers: PathBuf,
}

impl Peppol {
    pub(crate) fn new(buyer: &str) -> Peppol {
        let shop = shop_with_catalog();
        let home = Home::new();
        let p = home.path().to_path_buf();
        let (catalogue, orders, answers) =
            (p.join("acme-catalogue.xml"), p.join("to-supplier"), p.join("from-supplier"));
        std::fs::create_dir_all(&orders).unwrap();
        std::fs::create_dir_all(&answers).unwrap();
        home.write_config(&profile(&catalogue, &orders, &answers, buyer));
        let pp = Peppol { shop, home, catalogue, orders, answers };
        pp.export();
        pp.home.run(&["sync"]).ok();
        pp
    }

    pub(crate) fn shop(&self, args: &[&str]) -> Run {
        let mut c = Command::new(BIN);
        c.args(["shop", "peppol"]).args(&args[..1]).arg("--db").arg(&self.shop.db).args(["--company", "ACME"]);
        c.args(&args[1..]).env("PROCURE_HOME", self.home.path().join("shop-home"));
        Run(c.output().unwrap())
    }

    /// The shop writes ACME's catalogue with its contract prices; it passes the rules.
    pub(crate) fn export(&self) {
        let out = self.catalogue.display().to_string();
        self.shop(&["catalogue", "--buyer-endpoint", "0106:12345678", "--out", &out]).ok();
        validate("T19", std::slice::from_ref(&self.catalogue));
    }

    /// The shop answers the orders in its inbox; every response passes the rules.
    pub(crate) fn answer(&self) -> Run {
        let (i, o) = (self.orders.display().to_string(), self.answers.display().to_string());
        let r = self.shop(&["orders", "--inbox", &i, "--outbox", &o]).ok();
        validate(
            "T76",
            &xml_files(&self.answers).into_iter().filter(|p| name(p).starts_with("R-")).collect::<Vec<_>>(),
        );
        r
    }

    pub(crate) fn ship(&self, order: &str, lines: &[&str]) {
        let o = self.answers.display().to_string();
        let mut args = vec!["ship", order, "--outbox", &o];
        for l in lines {
            args.extend(["--line", l]);
        }
        self.shop(&args).ok();
        validate(
            "T16",
            &xml_files(&self.answers).into_iter().filter(|p| name(p).starts_with("D-")).collect::<Vec<_>>(),
        );
    }

    pub(crate) fn basket(&self, name: &str, lines: &[(&str, &str)]) {
        self.home.run(&["basket", "new", name]).ok();
        for (sku, qty) in lines {
            self.home.run(&["basket", "add", name, sku, qty]).ok();
        }
    }

    /// The order as `order show` prints it, but for when it was read (`as_of`).
    fn order(&self, number: &str) -> serde_json::Value {
        let mut o = self.home.run(&["--json", "order", "show", number]).ok().json();
        if let Some(m) = o.as_object_mut() {
            m.remove("as_of");
        }
        o
    }
}

fn name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

fn in_days(n: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(n)).to_string()
}

fn changes(order: &serde_json::Value, what: &str) -> Vec<serde_json::Value> {
    order["events"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["changes"].as_array().cloned().unwrap_or_default())
        .filter(|c| c["what"] == what)
        .collect()
}

#[test]
fn round_trip_many_lines_changed_then_partly_shipped_then_shipped() {
    let pp = Peppol::new("Müller & Söhne Maschinenbau GmbH");
    // Search, detail and local pricing work on the synced catalogue: contract tiers, 4-decimal prices.
    let found = pp.home.run(&["--json", "search", "62052rsh"]).ok().json();
    assert_eq!(found["results"][0]["sku"], "T-BRG-1", "{found}");
    let brg = show(&pp.home, "T-BRG-1");
    assert_eq!(brg["prices"]["tiers"][1]["unit_price"], "6.10", "ACME's contract tier from 10");
    assert_eq!(show(&pp.home, "T-SCR-1")["product"]["order_step"], 100);
    pp.basket("weekly", &[("T-BRG-1", "12"), ("T-SCR-1", "200"), ("T-CON-1", "20")]);
    pp.home.run(&["basket", "note", "weekly", "T-BRG-1", "Kostenstelle 4711 – Halle Ö"]).ok();
    let basket = pp.home.run(&["--json", "basket", "show", "weekly"]).ok().json();
    // 12 × 6.10 + 200 × 0.0834 + 20 × 31.00 = 73.20 + 16.68 + 620.00
    assert_eq!(basket["totals"]["net"], "709.88", "{basket}");

    // T-CON-1: 12 in stock, 5 days lead time for the rest; the others arrive in time.
    let deliver_on = in_days(4);
    let submit = [
        "order",
        "submit",
        "--basket",
        "weekly",
        "--po",
        "PO-Ä-4711",
        "--deliver-on",
        &deliver_on,
        "--ship-complete",
        "--comment",
        "Anlieferung Tor 3",
    ];
    let done = pp.home.run(&[&["--json"][..], &submit[..]].concat()).ok().json();
    let number = done["order"]["number"].as_str().unwrap().to_string();
    assert_eq!(done["order"]["status"], "sent");
    let written = xml_files(&pp.orders);
    assert_eq!(written, [pp.orders.join(format!("{number}.xml"))], "one document, named after the order");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&written[0]).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "the access point may run as another user");
    }
    validate("T01", &written);
    let t01 = std::fs::read_to_string(&written[0]).unwrap();
    for needle in [
        &format!("<cbc:ID>{number}</cbc:ID>"),
        "<cbc:CustomerReference>PO-Ä-4711</cbc:CustomerReference>",
        "<cbc:Note>Anlieferung Tor 3</cbc:Note>",
        "<cbc:Note>Kostenstelle 4711 – Halle Ö</cbc:Note>",
        "<cbc:Name>Müller &amp; Söhne Maschinenbau GmbH</cbc:Name>",
        "<cbc:PartialDeliveryIndicator>false</cbc:PartialDeliveryIndicator>",
        &format!("<cbc:EndDate>{deliver_on}</cbc:EndDate>"),
        "<cbc:PriceAmount currencyID=\"EUR\">0.0834</cbc:PriceAmount>",
        "<cbc:Quantity unitCode=\"C62\" unitCodeListID=\"UNECERec20\">200</cbc:Quantity>",
        "<cbc:StreetName>Industriestraße 9</cbc:StreetName>",
        "<cbc:EndpointID schemeID=\"0088\">5790000435975</cbc:EndpointID>",
        "<cbc:PayableAmount currencyID=\"EUR\">844.76</cbc:PayableAmount>",
    ] {
        assert!(t01.contains(needle), "T01 lacks {needle}:\n{t01}");
    }
    let list = pp.home.run(&["order", "list"]).ok().stdout();
    assert!(list.contains("sent") && list.contains("PO-Ä-4711"), "{list}");

    // The shop prices and checks it like an HTTP order and answers.
    let answered = pp.answer().stdout();
    assert!(answered.contains("accepted_with_changes"), "{answered}");
    let o = pp.order(&number);
    assert_eq!(o["status"], "accepted_with_changes", "{o}");
    let dates = changes(&o, "delivery_date");
    assert_eq!(dates.len(), 1, "only the contactor is late: {o}");
    assert_eq!(dates[0]["sku"], "T-CON-1");
    let text = pp.home.run(&["order", "show", &number[..8]]).ok().stdout();
    assert!(text.contains("accepted with changes") && text.contains("CHANGED delivery"), "{text}");
    let filtered = pp.home.run(&["--json", "order", "list", "--status", "accepted_with_changes"]).ok().json();
    assert_eq!(filtered.as_array().unwrap().len(), 1, "{filtered}");

    // A partial despatch, then the rest.
    pp.ship(&number, &["T-BRG-1=5"]);
    let o = pp.order(&number);
    assert_eq!(o["status"], "partly_shipped", "{o}");
    assert_eq!(changes(&o, "shipped")[0]["to"], "5 of 12, 7 to follow");
    pp.ship(&number, &[]);
    let o = pp.order(&number);
    assert_eq!(o["status"], "shipped", "{o}");
    let list = pp.home.run(&["order", "list"]).ok();
    assert!(list.stdout().contains("shipped"), "{}", list.stdout());
    // Read again: nothing changes.
    assert_eq!(pp.order(&number), o);
    assert_eq!(xml_files(&pp.answers).len(), 3, "one response, two despatch advices, all left in place");
}

#[test]
fn a_one_line_order_is_accepted() {
    let pp = Peppol::new("Acme GmbH");
    pp.basket("one", &[("T-BRG-1", "2")]);
    // A Peppol order goes to the profile's delivery address, as agreed: nothing else is taken silently.
    let r = pp.home.run(&["order", "preview", "--basket", "one", "--po", "PO-1", "--ship-to", "hq"]).fails_with(5);
    assert!(r.stderr().contains("unknown ship-to address \"hq\""), "{}", r.stderr());
    let preview = pp.home.run(&["order", "preview", "--basket", "one", "--po", "PO-1"]).ok().stdout();
    assert!(preview.contains("ship-to  ▶ delivery") && preview.contains("Werk Süd"), "{preview}");
    assert!(preview.contains("contact") || preview.contains("payment"), "{preview}");
    let done = pp.home.run(&["--json", "order", "submit", "--basket", "one", "--po", "PO-1"]).ok().json();
    let number = done["order"]["number"].as_str().unwrap().to_string();
    validate("T01", &xml_files(&pp.orders));
    assert!(pp.answer().stdout().contains("accepted as SO-"));
    let o = pp.order(&number);
    assert_eq!(o["status"], "accepted", "{o}");
    assert_eq!(o["events"][0]["kind"], "accepted");
    assert_eq!(o["totals"]["net"], "13.80");
    // The same PO number again is refused, as with any shop, and writes nothing.
    pp.basket("two", &[("T-BRG-1", "1")]);
    let r = pp.home.run(&["order", "submit", "--basket", "two", "--po", "PO-1"]).fails_with(5);
    assert!(r.stderr().contains("already used by order"), "{}", r.stderr());
    assert_eq!(xml_files(&pp.orders).len(), 1);
}

#[test]
fn a_price_raised_since_the_catalogue_comes_back_as_a_changed_line() {
    let pp = Peppol::new("Acme GmbH");
    pp.basket("b", &[("T-BRG-1", "3"), ("T-CON-1", "1")]);
    // The supplier raises the contract price after publishing the catalogue.
    let out = pp.shop.import(CATALOG, Some("company,sku,min_qty,unit_price\nACME,T-BRG-1,1,7.2500\n"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let done = pp.home.run(&["--json", "order", "submit", "--basket", "b", "--po", "PO-2"]).ok().json();
    let number = done["order"]["number"].as_str().unwrap().to_string();
    pp.answer();
    let o = pp.order(&number);
    assert_eq!(o["status"], "accepted_with_changes", "{o}");
    let price = &changes(&o, "unit_price")[0];
    assert_eq!(
        (price["sku"].as_str(), price["from"].as_str(), price["to"].as_str()),
        (Some("T-BRG-1"), Some("6.90"), Some("7.25"))
    );
    assert_eq!(o["lines"][0]["unit_price"], "7.25");
    assert_eq!(o["lines"][0]["line_total"], "21.75");
    let text = pp.home.run(&["order", "show", &number]).ok().stdout();
    assert!(text.contains("CHANGED price 6.90 → 7.25"), "{text}");
}

#[test]
fn an_order_the_supplier_cannot_supply_is_rejected_with_the_reason() {
    let pp = Peppol::new("Acme GmbH");
    pp.basket("b", &[("T-CON-1", "1")]);
    let update = "sku,name,list_price,discontinued\nT-CON-1,Contactor 3RT2015-1BB41 24V DC,38.50,true\n";
    assert!(pp.shop.import(update, None).status.success());
    let done = pp.home.run(&["--json", "order", "submit", "--basket", "b", "--po", "PO-3"]).ok().json();
    let number = done["order"]["number"].as_str().unwrap().to_string();
    assert!(pp.answer().stdout().contains("rejected"));
    let o = pp.order(&number);
    assert_eq!(o["status"], "rejected", "{o}");
    assert!(o["events"][0]["note"].as_str().unwrap().contains("T-CON-1 is not supplied"), "{o}");
}

#[test]
fn a_rerun_submission_writes_nothing_new() {
    let pp = Peppol::new("Acme GmbH");
    pp.basket("b", &[("T-BRG-1", "1")]);
    // The outbox cannot be written (a file is in its place): the submission is recorded, not sent.
    std::fs::remove_dir(&pp.orders).unwrap();
    std::fs::write(&pp.orders, "not a folder").unwrap();
    let r = pp.home.run(&["order", "submit", "--basket", "b", "--po", "PO-4"]);
    assert_ne!(r.code(), 0, "{}", r.stdout());
    let basket = std::fs::read_to_string(pp.home.basket_file("acme-peppol", "b")).unwrap();
    assert!(basket.contains("idempotency_key"), "the key waits with the basket: {basket}");
    std::fs::remove_file(&pp.orders).unwrap();
    std::fs::create_dir(&pp.orders).unwrap();
    // The rerun sends that same submission: one document, its id the saved key.
    let done = pp.home.run(&["--json", "order", "submit", "--basket", "b", "--po", "PO-4"]).ok().json();
    let number = done["order"]["number"].as_str().unwrap().to_string();
    assert!(basket.contains(&number), "document id = idempotency key");
    let files = xml_files(&pp.orders);
    assert_eq!(files, [pp.orders.join(format!("{number}.xml"))]);
    let bytes = std::fs::read(&files[0]).unwrap();
    // The answer to the buyer is lost after the document went out: the basket still has the key.
    std::fs::write(
        pp.home.basket_file("acme-peppol", "b"),
        format!("{}\n[pending]\nidempotency_key = \"{number}\"\npo_number = \"PO-4\"\nstarted_at = \"2026-01-01T00:00:00Z\"\n",
            std::fs::read_to_string(pp.home.basket_file("acme-peppol", "b")).unwrap()),
    )
    .unwrap();
    let again = pp.home.run(&["order", "submit", "--basket", "b", "--po", "PO-4"]).ok();
    assert!(again.stdout().contains("already placed"), "{}", again.stdout());
    assert_eq!(xml_files(&pp.orders).len(), 1, "no second document");
    assert_eq!(std::fs::read(&files[0]).unwrap(), bytes, "nothing rewritten");
    assert_eq!(pp.home.run(&["--json", "order", "list"]).ok().json().as_array().unwrap().len(), 1);
    validate("T01", &files);
    // The shop answers it once, however often it reads its inbox.
    pp.answer();
    assert!(pp.answer().stdout().contains("already_answered"));
    assert_eq!(xml_files(&pp.answers).len(), 1);
}

#[test]
fn a_new_catalogue_price_stops_the_submission_until_confirmed() {
    let pp = Peppol::new("Acme GmbH");
    pp.basket("b", &[("T-BRG-1", "2")]);
    assert!(pp.shop.import(CATALOG, Some("company,sku,min_qty,unit_price\nACME,T-BRG-1,1,7.00\n")).status.success());
    pp.export();
    let r = pp.home.run(&["order", "submit", "--basket", "b", "--po", "PO-5"]).fails_with(6);
    assert!(r.stderr().contains("6.90") && r.stderr().contains("7.00"), "{}", r.stderr());
    assert!(xml_files(&pp.orders).is_empty(), "nothing ordered");
    let done = pp.home.run(&["--json", "order", "submit", "--basket", "b", "--po", "PO-5", "--yes"]).ok().json();
    assert_eq!(done["order"]["lines"][0]["unit_price"], "7.00");
    assert_eq!(xml_files(&pp.orders).len(), 1);
}

#[test]
fn bad_and_unknown_inbox_files_are_reported_with_path_and_reason_and_left_in_place() {
    let pp = Peppol::new("Acme GmbH");
    pp.basket("b", &[("T-BRG-1", "1")]);
    let done = pp.home.run(&["--json", "order", "submit", "--basket", "b", "--po", "PO-6"]).ok().json();
    let number = done["order"]["number"].as_str().unwrap().to_string();
    std::fs::write(pp.answers.join("garbage.xml"), "this is no XML <").unwrap();
    std::fs::write(
        pp.answers.join("quotation.xml"),
        "<Quotation xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Quotation-2\"/>",
    )
    .unwrap();
    // Every official response and despatch example is read: they answer orders of other buyers.
    let mut official = 0;
    for kind in ["order-response", "despatch-advice"] {
        for f in xml_files(&peppol_dir().join("examples").join(kind)) {
            std::fs::copy(&f, pp.answers.join(format!("{kind}-{}", name(&f)))).unwrap();
            official += 1;
        }
    }
    let before = pp.order(&number);
    let r = pp.home.run(&["order", "list"]).ok();
    let err = r.stderr();
    assert!(err.contains(&format!("{}: not well-formed XML", pp.answers.join("garbage.xml").display())), "{err}");
    assert!(err.contains("quotation.xml: not a Peppol order response (T76), despatch advice (T16), invoice (T10) or credit note (T14)"), "{err}");
    assert_eq!(err.matches("refers to no order of this profile").count(), official, "{err}");
    assert_eq!(pp.order(&number), before, "nothing applied");
    assert_eq!(xml_files(&pp.answers).len(), official + 2, "every file left in place");
    // The real answer still applies next to them.
    pp.answer();
    assert_eq!(pp.order(&number)["status"], "accepted");
}

/// The app's orders screen shows the supplier's answer through the same
/// service layer: the status, and in the detail the changed line.
#[test]
fn the_app_shows_a_changed_peppol_order() {
    use std::time::Duration;
    let pp = Peppol::new("Acme GmbH");
    pp.basket("b", &[("T-BRG-1", "3")]);
    assert!(pp.shop.import(CATALOG, Some("company,sku,min_qty,unit_price\nACME,T-BRG-1,1,7.25\n")).status.success());
    pp.home.run(&["order", "submit", "--basket", "b", "--po", "PO-TUI"]).ok();
    pp.answer();

    let tmux = crate::common::tmux::Tmux::start(&pp.home, 140, 40);
    tmux.wait_for("Type number, SKU");
    tmux.keys(&["F4"]);
    tmux.wait_for("PO-TUI");
    tmux.wait_for("accepted_with");
    std::thread::sleep(Duration::from_millis(100));
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("CHANGED price 6.90 → 7.25");
    assert!(screen.contains("accepted with changes (T76 R-"), "{screen}");
    assert!(screen.contains("21.75"), "{screen}");
}

/// The shop reads every official T01 example and answers each document id
/// once with a valid T76: none of their parts is in its catalogue, so each is
/// rejected. The seven examples use three ids (34, 1, 5): the repeats are
/// already answered.
#[test]
fn the_shop_answers_every_official_order_example() {
    let pp = Peppol::new("Acme GmbH");
    let examples = xml_files(&peppol_dir().join("examples").join("order"));
    for f in &examples {
        std::fs::copy(f, pp.orders.join(name(f))).unwrap();
    }
    let out = pp.answer().stdout();
    assert_eq!(examples.len(), 7);
    assert_eq!(out.matches(": rejected").count(), 3, "{out}");
    assert_eq!(out.matches(": already_answered").count(), 4, "{out}");
    assert_eq!(xml_files(&pp.answers).len(), 3);
    let uc1 = std::fs::read_to_string(pp.answers.join("R-1.xml")).unwrap();
    assert!(uc1.contains("<cbc:OrderResponseCode>RE</cbc:OrderResponseCode>"), "{uc1}");
    assert!(uc1.contains("SN-33 is not supplied"), "{uc1}");
}

// ---- who sent it, what the inbox holds, where the order goes ----

/// A file of the inbox with one text replaced (the file must hold it).
fn tamper(from: &Path, to: &Path, pairs: &[(&str, &str)]) {
    let mut text = std::fs::read_to_string(from).unwrap();
    for (a, b) in pairs {
        assert!(text.contains(a), "{} lacks {a}", from.display());
        text = text.replace(a, b);
    }
    std::fs::write(to, text).unwrap();
}

/// An answer from a party other than the order's supplier is reported and
/// left in place; the order keeps what its supplier said.
#[test]
fn an_answer_from_another_party_than_the_supplier_is_not_applied() {
    let pp = Peppol::new("Acme GmbH");
    pp.basket("b", &[("T-BRG-1", "2")]);
    let done = pp.home.run(&["--json", "order", "submit", "--basket", "b", "--po", "PO-IMP"]).ok().json();
    let number = done["order"]["number"].as_str().unwrap().to_string();
    pp.answer();
    let genuine = pp.answers.join(format!("R-{number}.xml"));
    let held = pp.home.path().join("genuine-response.xml");
    std::fs::rename(&genuine, &held).unwrap();
    // The same answer, rejecting, "from" another participant.
    tamper(
        &held,
        &pp.answers.join("impostor.xml"),
        &[
            (
                "<cbc:EndpointID schemeID=\"0088\">5790000435975</cbc:EndpointID>",
                "<cbc:EndpointID schemeID=\"0088\">9999999999999</cbc:EndpointID>",
            ),
            ("<cbc:OrderResponseCode>AP</cbc:OrderResponseCode>", "<cbc:OrderResponseCode>RE</cbc:OrderResponseCode>"),
        ],
    );
    let r = pp.home.run(&["order", "list"]).ok();
    let err = r.stderr();
    assert!(
        err.contains("impostor.xml") && err.contains("comes from 0088:9999999999999, not from 0088:5790000435975"),
        "{err}"
    );
    assert!(err.contains("nothing applied, left in place"), "{err}");
    assert_eq!(pp.order(&number)["status"], "sent", "the impostor's rejection is not applied");
    assert!(pp.answers.join("impostor.xml").exists());

    // The supplier's own answer applies; its despatch too, an impostor's is refused.
    std::fs::rename(&held, &genuine).unwrap();
    assert_eq!(pp.order(&number)["status"], "accepted");
    pp.ship(&number, &["T-BRG-1=1"]);
    let shipped = xml_files(&pp.answers).into_iter().find(|p| name(p).starts_with("D-")).unwrap();
    let held = pp.home.path().join("genuine-despatch.xml");
    std::fs::rename(&shipped, &held).unwrap();
    tamper(
        &held,
        &pp.answers.join("impostor-despatch.xml"),
        &[("schemeID=\"0088\">5790000435975<", "schemeID=\"0088\">9999999999999<")],
    );
    let err = pp.home.run(&["order", "list"]).ok().stderr();
    assert!(err.contains("impostor-despatch.xml") && err.contains("comes from 0088:9999999999999"), "{err}");
    assert_eq!(pp.order(&number)["status"], "accepted", "no despatch applied");
    std::fs::rename(&held, &shipped).unwrap();
    assert_eq!(pp.order(&number)["status"], "partly_shipped");
}

/// The inbox is read for regular files in it only: a link is not followed
/// (not to /etc/shadow, not to a file elsewhere), a FIFO is not opened, and
/// what a file that is no Peppol answer holds is never repeated.
#[cfg(unix)]
#[test]
fn the_inbox_follows_no_link_opens_no_fifo_and_repeats_no_foreign_content() {
    let pp = Peppol::new("Acme GmbH");
    pp.basket("b", &[("T-BRG-1", "1")]);
    pp.home.run(&["order", "submit", "--basket", "b", "--po", "PO-LNK"]).ok();
    let outside = pp.home.path().join("outside.xml");
    std::fs::write(&outside, "<PayrollSecretRoot xmlns=\"urn:x\"><Salary>1</Salary></PayrollSecretRoot>").unwrap();
    std::os::unix::fs::symlink(&outside, pp.answers.join("linked.xml")).unwrap();
    std::os::unix::fs::symlink("/etc/shadow", pp.answers.join("shadow.xml")).unwrap();
    let fifo = pp.answers.join("pipe.xml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::fs::write(
        pp.answers.join("foreign.xml"),
        "<BankDetailsRoot xmlns=\"urn:y\"><Iban>DE00</Iban></BankDetailsRoot>",
    )
    .unwrap();
    std::fs::write(pp.answers.join("broken.xml"), "<a>\n<MismatchedSecret></a>").unwrap();

    let started = std::time::Instant::now();
    let r = pp.home.run(&["order", "list"]).ok();
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "the FIFO was waited on");
    let err = r.stderr();
    for secret in ["PayrollSecretRoot", "BankDetailsRoot", "urn:x", "urn:y", "MismatchedSecret", "root:"] {
        assert!(!err.contains(secret), "{secret} repeated:\n{err}");
    }
    assert!(err.contains("linked.xml: a symbolic link"), "{err}");
    assert!(err.contains("shadow.xml: a symbolic link"), "{err}");
    assert!(err.contains("pipe.xml: not a regular file"), "{err}");
    assert!(err.contains("foreign.xml: not a Peppol order response"), "{err}");
    assert!(err.contains("broken.xml: not well-formed XML at line 2"), "{err}");
    // Nothing moved or removed.
    assert!(std::fs::symlink_metadata(pp.answers.join("shadow.xml")).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_dir(&pp.answers).unwrap().count(), 5);
}

/// A missing outbox is refused (exit 7, naming it) and made only when the
/// profile says so; nothing is recorded as sent while it is missing.
#[test]
fn a_missing_outbox_is_refused_unless_the_profile_says_to_make_it() {
    let pp = Peppol::new("Acme GmbH");
    let missing = pp.home.path().join("mnt/share/out");
    std::fs::write(pp.home.path().join("config.toml"), profile(&pp.catalogue, &missing, &pp.answers, "Acme GmbH"))
        .unwrap();
    pp.basket("b", &[("T-BRG-1", "2")]);
    let r = pp.home.run(&["order", "submit", "--basket", "b", "--po", "PO-MNT"]).fails_with(7);
    let err = r.stderr();
    assert!(err.contains(&format!("the outbox {} does not exist", missing.display())), "{err}");
    assert!(err.contains("create_outbox"), "{err}");
    assert!(!pp.home.path().join("mnt").exists(), "no folder made");
    assert_eq!(pp.home.run(&["--json", "order", "list"]).ok().json().as_array().unwrap().len(), 0, "nothing sent");

    pp.home.write_config("create_outbox = true\n");
    let done = pp.home.run(&["order", "submit", "--basket", "b", "--po", "PO-MNT"]).ok();
    assert!(done.stdout().contains("placed") && !done.stdout().contains("already"), "{}", done.stdout());
    let files = xml_files(&missing);
    assert_eq!(files.len(), 1, "the document is in the outbox made");
    validate("T01", &files);
}

/// An outbox that cannot be written: the buyer reads what happened (the
/// document, where, why), the order is not listed as sent, and the retry
/// that writes it is the first send.
#[cfg(unix)]
#[test]
fn an_outbox_that_cannot_be_written_sends_nothing_and_the_retry_is_the_first_send() {
    if !disk::can_mount() {
        return;
    }
    let pp = Peppol::new("Acme GmbH");
    let share = disk::Tmpfs::mount(&pp.orders, "1m");
    share.read_only(true);
    pp.basket("b", &[("T-BRG-1", "2")]);
    let r = pp.home.run(&["order", "submit", "--basket", "b", "--po", "PO-RO"]).fails_with(7);
    let err = r.stderr();
    assert!(!err.contains("cannot reach the shop"), "{err}");
    assert!(
        err.contains("the order document could not be written to ") && err.contains(&*pp.orders.display().to_string()),
        "{err}"
    );
    assert!(err.contains("Read-only file system"), "{err}");
    assert!(err.contains("nothing was sent") && err.contains("waits with basket \"b\""), "{err}");
    let list = pp.home.run(&["--json", "order", "list"]).ok().json();
    assert!(list.as_array().unwrap().iter().all(|o| o["status"] != "sent"), "{list}");

    share.read_only(false);
    let done = pp.home.run(&["order", "submit", "--basket", "b"]).ok();
    let out = done.stdout();
    assert!(out.contains("placed") && !out.contains("already placed"), "{out}");
    let files = xml_files(&pp.orders);
    assert_eq!(files.len(), 1);
    let list = pp.home.run(&["--json", "order", "list"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list[0]["status"], "sent");
    validate("T01", &files);
}

/// The shop invoices a Peppol order as the buyer knows it: a T10 that
/// names the buyer's order document (BT-13) and its lines (BT-132), and a
/// T14 for a credit note that names the invoice; both pass the rules.
#[test]
fn a_peppol_order_is_invoiced_as_a_t10_and_credited_as_a_t14() {
    let pp = Peppol::new("Acme GmbH");
    pp.basket("inv", &[("T-SCR-1", "200"), ("T-BRG-1", "12")]);
    let done = pp.home.run(&["--json", "order", "submit", "--basket", "inv", "--po", "PO-INV-1"]).ok().json();
    let id = done["order"]["number"].as_str().unwrap().to_string();
    let answered = pp.answer().stdout();
    let so = answered.split("as ").nth(1).unwrap().trim().to_string();
    assert!(so.starts_with("SO-ACME-"), "{answered}");
    pp.ship(&id, &["T-BRG-1=5"]);
    let inv = pp.shop.supplier(&["invoice", "issue", &so, "--json"]).ok().json();
    let inv = inv["number"].as_str().unwrap().to_string();
    let out = pp.home.path().join("invoices");
    let peppol = |args: &[&str]| {
        let mut c = Command::new(BIN);
        c.args(["shop", "peppol"]).args(&args[..1]).arg("--db").arg(&pp.shop.db).args(["--company", "ACME"]);
        c.args(&args[1..]).arg("--out").arg(&out).env("PROCURE_HOME", pp.home.path().join("shop-home"));
        Run(c.output().unwrap())
    };
    // The buyer's Peppol id comes from its order document.
    let wrote = peppol(&["invoice", &inv]).ok().stdout();
    assert!(wrote.contains("(T10)"), "{wrote}");
    let t10 = out.join(format!("{inv}.xml"));
    validate("T10", std::slice::from_ref(&t10));
    let doc = std::fs::read_to_string(&t10).unwrap();
    for needle in [
        format!("<cac:OrderReference>\n    <cbc:ID>{id}</cbc:ID>\n    <cbc:SalesOrderID>{so}</cbc:SalesOrderID>"),
        "<cbc:BuyerReference>PO-INV-1</cbc:BuyerReference>".to_string(),
        "<cbc:EndpointID schemeID=\"0106\">12345678</cbc:EndpointID>".to_string(),
        // T-BRG-1 was the order document's second line.
        "<cac:OrderLineReference>\n      <cbc:LineID>2</cbc:LineID>".to_string(),
        "<cbc:InvoicedQuantity unitCode=\"C62\">5</cbc:InvoicedQuantity>".to_string(),
    ] {
        assert!(doc.contains(&needle), "T10 lacks {needle}:\n{doc}");
    }
    let e = peppol(&["credit-note", &inv]).fails_with(5);
    assert!(e.stderr().contains("is an invoice"), "{}", e.stderr());
    let cn = pp.shop.supplier(&["invoice", "credit", &inv, "T-BRG-1=1", "--reason", "damaged", "--json"]).ok().json();
    let cn = cn["number"].as_str().unwrap().to_string();
    peppol(&["credit-note", &cn]).ok();
    let t14 = out.join(format!("{cn}.xml"));
    validate("T14", std::slice::from_ref(&t14));
    let doc = std::fs::read_to_string(&t14).unwrap();
    assert!(doc.contains(&format!("<cac:InvoiceDocumentReference>\n      <cbc:ID>{inv}</cbc:ID>")), "{doc}");
    assert!(doc.contains("<cbc:Note>damaged</cbc:Note>"), "{doc}");
}
