//! The command line as scripts and clerks meet it: exit codes, JSON errors,
//! generated completions and man page, the account, order filters, and
//! spreadsheets as Excel writes and reads them.

use crate::common::*;

#[test]
fn no_profile_yet_is_login_needed() {
    let home = Home::new();
    for args in [&["sync"][..], &["basket", "list"], &["--json", "account"], &["--profile", "nope", "order", "list"]] {
        let r = home.run(args).fails_with(3);
        assert!(r.stderr().contains("procure login"), "{args:?}: {}", r.stderr());
    }
    let r = home.run(&["--json", "sync"]).fails_with(3);
    let err: serde_json::Value = serde_json::from_str(&r.stderr()).unwrap();
    assert_eq!(err["error"]["kind"], "auth_needed");
    assert_eq!(err["error"]["exit_code"], 3);
    assert_eq!(err["schema_version"], 1);
}

#[test]
fn argument_errors_with_json_are_json_on_stderr() {
    let home = Home::new();
    let r = home.run(&["--json", "order", "list", "--since", "yesterday"]).fails_with(2);
    assert!(r.stdout().is_empty());
    let err: serde_json::Value = serde_json::from_str(&r.stderr()).unwrap_or_else(|e| panic!("{e}: {}", r.stderr()));
    assert_eq!(err["schema_version"], 1);
    assert_eq!(err["error"]["kind"], "usage");
    assert_eq!(err["error"]["exit_code"], 2);
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("--since") && message.contains("2026-12-24"), "{message}");
    let r = home.run(&["basket", "frobnicate", "--json"]).fails_with(2);
    let err: serde_json::Value = serde_json::from_str(&r.stderr()).unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains("frobnicate"), "{err}");
    // Without --json, clap's own words; help is still help.
    let r = home.run(&["order", "list", "--status", "lost"]).fails_with(2);
    assert!(r.stderr().contains("pending_approval") && !r.stderr().trim_start().starts_with('{'), "{}", r.stderr());
    let r = home.run(&["--json", "basket", "--help"]).ok();
    assert!(r.stdout().contains("Examples:"), "{}", r.stdout());
}

#[test]
fn completions_and_man_page_come_from_the_definition() {
    let home = Home::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = home.run(&["completions", shell]).ok().stdout();
        for word in ["basket", "reorder", "--deliver-on", "--decimal-comma"] {
            assert!(out.contains(word), "{shell} completion lacks {word}");
        }
    }
    home.run(&["completions", "tcsh"]).fails_with(2);
    let man = home.run(&["man"]).ok().stdout();
    assert!(man.starts_with(".ie") || man.contains(".TH procure"), "{}", &man[..200.min(man.len())]);
    assert!(man.contains("EXIT") || man.contains("Exit codes"), "the exit codes are in the page");
    let dir = home.path().join("man1");
    home.run(&["man", "--dir", dir.to_str().unwrap()]).ok();
    let page = std::fs::read_to_string(dir.join("procure-basket-import.1")).unwrap();
    assert!(page.contains("aantal"), "{page}");
}

#[test]
fn search_without_a_match_exits_1() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let r = home.run(&["search", "zzqx-no-such-part"]).fails_with(1);
    assert!(r.stdout().is_empty() && r.stderr().contains("No part matches"), "{}", r.stderr());
    let r = home.run(&["--json", "search", "zzqx-no-such-part"]).fails_with(1);
    assert_eq!(r.json()["total"], 0);
    assert_eq!(r.json()["results"].as_array().unwrap().len(), 0);
    let plain = home.run(&["search", "62052rsh"]).ok().stdout();
    assert!(plain.contains("6205-2RSH/C3") && !plain.contains('\x1b'), "not a terminal: no colour\n{plain}");
}

#[test]
fn color_marks_the_matched_characters_in_search() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let out = home.run(&["--color", "always", "search", "62052rsh"]).ok().stdout();
    // The type number's matched characters, not the separator between them.
    assert!(out.contains("\x1b[1;33m6205\x1b[0m-\x1b[1;33m2RSH\x1b[0m/C3"), "{out:?}");
    assert!(out.contains("T-BRG-1"), "{out:?}");
    let words = home.run(&["--color", "always", "search", "contactor"]).ok().stdout();
    assert!(words.contains("\x1b[1;33mContactor\x1b[0m 3RT2015"), "{words:?}");
    let never = home.run(&["--color", "never", "search", "62052rsh"]).ok().stdout();
    assert!(!never.contains('\x1b'), "{never:?}");
    let json = home.run(&["--json", "--color", "always", "search", "62052rsh"]).ok().stdout();
    assert!(!json.contains('\x1b'), "{json}");
}

#[test]
fn account_shows_company_terms_credit_addresses_and_the_suppliers_contact() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let a = home.run(&["--json", "account"]).ok().json();
    assert_eq!(a["schema_version"], 1);
    assert_eq!(a["company"]["code"], "ACME");
    assert_eq!(a["user"]["role"], "buyer");
    assert_eq!(a["user"]["order_limit"], "5000.00");
    assert_eq!(a["company"]["payment_terms"], "invoice, 30 days end of month");
    assert_eq!(a["credit"]["limit"], "100000.00");
    assert_eq!(a["company"]["ship_to"][1]["id"], "plant-2");
    assert_eq!(a["supplier"]["sales_contact"], "Jana Hoffmann");
    assert_eq!(a["supplier"]["email"], "j.hoffmann@nordwerk.example");
    assert_eq!(a["offline"], false);
    let text = home.run(&["account"]).ok().stdout();
    for want in
        ["Acme Maschinenbau GmbH (ACME)", "order limit 5000.00 EUR", "Plant 2 Esslingen", "Jana Hoffmann", "+49 711"]
    {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    // BOLT's buyer sees BOLT's contact, not ACME's.
    let bolt = Home::synced(&shop.url, "BOLT", "buyer");
    assert_eq!(bolt.run(&["--json", "account"]).ok().json()["supplier"]["sales_contact"], "Pieter de Vries");

    // Shop down: the account as the last sync saw it, and it says so.
    let mut shop = shop;
    shop.stop();
    let r = home.run(&["--json", "account"]).ok();
    let a = r.json();
    assert_eq!((a["offline"].as_bool(), a["credit"].is_null()), (Some(true), true), "{a}");
    assert_eq!(a["supplier"]["sales_contact"], "Jana Hoffmann");
    let text = home.run(&["account"]).ok();
    assert!(text.stderr().contains("unreachable") && text.stdout().contains("Jana Hoffmann"), "{}", text.stderr());
}

#[test]
fn order_list_narrows_by_status_po_and_date() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "b"]).ok();
    home.run(&["basket", "add", "b", "T-CON-1", "1"]).ok();
    let placed = home.run(&["--json", "order", "submit", "--basket", "b", "--po", "PO-FILTER-4711"]).ok().json();
    let number = placed["order"]["number"].as_str().unwrap().to_string();

    let all = home.run(&["--json", "order", "list", "-n", "200"]).ok().json();
    let all = all.as_array().unwrap();
    assert!(all.len() > 1, "the demo seed has a history: {}", all.len());
    let by_po = home.run(&["--json", "order", "list", "--po", "filter-4711"]).ok().json();
    let by_po: Vec<&str> = by_po.as_array().unwrap().iter().map(|o| o["number"].as_str().unwrap()).collect();
    assert_eq!(by_po, vec![number.as_str()]);

    let delivered = home.run(&["--json", "order", "list", "--status", "delivered", "-n", "200"]).ok().json();
    let delivered = delivered.as_array().unwrap();
    let want = all.iter().filter(|o| o["status"] == "delivered").count();
    assert!(want > 0 && delivered.len() == want, "{} of {want}", delivered.len());
    assert!(delivered.iter().all(|o| o["status"] == "delivered"));

    let today = chrono::Utc::now().date_naive().to_string();
    let recent = home.run(&["--json", "order", "list", "--since", &today, "-n", "200"]).ok().json();
    let recent = recent.as_array().unwrap();
    assert!(recent.iter().any(|o| o["number"] == number.as_str()));
    let older = all.iter().filter(|o| o["created_at"].as_str().unwrap() < today.as_str()).count();
    assert_eq!(recent.len(), all.len() - older, "the demo's delivered history is older than today");
    assert!(older > 0);
    let text = home.run(&["order", "list", "--po", "FILTER"]).ok().stdout();
    assert!(text.contains(&number) && text.lines().count() == 2, "{text}");
}

/// Windows-1252, `;`, CRLF, thousands with a dot and a decimal comma: what
/// Excel writes as "CSV (Trennzeichen-getrennt)" in Germany.
fn excel_de_file() -> Vec<u8> {
    let mut f = b"Artikelnummer;Bezeichnung;Menge;Bemerkung\r\n".to_vec();
    f.extend(b"T-SCR-1;Sechskantschraube M8;1.000;Halle 3 \x96 T\xfcr 2\r\n");
    f.extend(b"T-BRG-1;Rillenkugellager;10,00;\r\n");
    f.extend(b"\r\n");
    f.extend(b"T-CON-1;Sch\xfctz;2,5;\r\n");
    f.extend(b"T-NOPE;Unbekannt;3;\r\n");
    f
}

#[test]
fn basket_import_reads_excel_files_by_header_and_reports_lines() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "xl"]).ok();
    let file = home.path().join("Bestellung.csv");
    std::fs::write(&file, excel_de_file()).unwrap();
    let r = home.run(&["--json", "basket", "import", "xl", file.to_str().unwrap()]).fails_with(5);
    let report = r.json();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["added"][0], serde_json::json!({"line": 2, "sku": "T-SCR-1", "quantity": 1000}));
    assert_eq!(report["added"][1], serde_json::json!({"line": 3, "sku": "T-BRG-1", "quantity": 10}));
    let problems = report["problems"].as_array().unwrap();
    let lines: Vec<u64> = problems.iter().map(|p| p["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![5, 6], "file line numbers, counting the blank line: {report}");
    assert!(problems[0]["reason"].as_str().unwrap().contains("whole number"), "{report}");
    let b = home.run(&["--json", "basket", "show", "xl"]).ok().json();
    assert_eq!(b["lines"][0]["note"], "Halle 3 – Tür 2", "cp1252 decoded: {b}");
    assert_eq!(b["lines"][0]["quantity"], 1000);
    // Text: file:line for each.
    home.run(&["basket", "new", "xl2"]).ok();
    let r = home.run(&["basket", "import", "xl2", file.to_str().unwrap()]).fails_with(5);
    assert!(r.stderr().contains("Bestellung.csv:5: T-CON-1") && r.stderr().contains(":6: T-NOPE"), "{}", r.stderr());
    // The workbook itself instead of its CSV: one clear sentence, nothing added.
    let xlsx = home.path().join("Bestellung.xlsx");
    std::fs::write(&xlsx, b"PK\x03\x04\x14\x00\x06\x00rest of a zip").unwrap();
    let r = home.run(&["basket", "import", "xl2", xlsx.to_str().unwrap()]).fails_with(5);
    assert!(r.stderr().contains("save it as CSV") && r.stderr().lines().count() == 1, "{}", r.stderr());
}

#[test]
fn basket_export_writes_what_excel_opens_and_import_reads_back() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "w"]).ok();
    home.run(&["basket", "add", "w", "T-BRG-1", "12"]).ok();
    home.run(&["basket", "add", "w", "T-SCR-1", "200"]).ok();
    home.run(&["basket", "note", "w", "T-BRG-1", "KST 4711; Tür 2"]).ok();

    let plain = home.run(&["basket", "export", "w"]).ok().stdout();
    let mut rows = plain.lines();
    assert_eq!(rows.next(), Some("sku,name,qty,unit_price,line_total,note"));
    assert_eq!(rows.next(), Some("T-BRG-1,Deep groove ball bearing 6205-2RSH/C3,12,6.10,73.20,KST 4711; Tür 2"));

    let file = home.path().join("w.csv");
    home.run(&["basket", "export", "w", "--excel", "-o", file.to_str().unwrap()]).ok();
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"\xef\xbb\xbfsku;name;qty;unit_price;line_total;note\n"), "{bytes:?}");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("T-BRG-1;Deep groove ball bearing 6205-2RSH/C3;12;6,10;73,20;\"KST 4711; Tür 2\""), "{text}");
    assert!(text.contains("T-SCR-1;Hex head screw DIN 933 M8x25 A2-70;200;0,0834;16,68;"), "{text}");
    let tab = home.run(&["basket", "export", "w", "--delimiter", "tab", "--decimal-comma"]).ok().stdout();
    assert!(tab.contains("T-BRG-1\tDeep groove ball bearing 6205-2RSH/C3\t12\t6,10\t73,20"), "{tab}");
    home.run(&["basket", "export", "w", "--decimal-comma"]).fails_with(2);

    // What was exported imports back the same.
    home.run(&["basket", "new", "back"]).ok();
    home.run(&["basket", "import", "back", file.to_str().unwrap()]).ok();
    let a = home.run(&["--json", "basket", "show", "w"]).ok().json();
    let b = home.run(&["--json", "basket", "show", "back"]).ok().json();
    assert_eq!(a["lines"], b["lines"]);

    // --json means JSON.
    let j = home.run(&["--json", "basket", "export", "w"]).ok().json();
    assert_eq!(j["schema_version"], 1);
    assert_eq!(j["totals"]["net"], "89.88");
}

/// Parts whose SKU or name a spreadsheet would read as a formula.
const FORMULA_CATALOG: &str = "\
sku,name,list_price
F-1,\"=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",1.00
F-2,=1+2,1.00
F-3,+1+2,1.00
F-4,-2+3,1.00
F-5,@SUM(A1:A2),1.00
F-6,=cmd|' /C calc'!A0,1.00
F-7,\"\t=1+2\",1.00
=F-8,Tab-free name,1.00
@F-9,Plain name,1.00
";

#[test]
fn exported_cells_never_become_formulas_and_import_back_as_they_were() {
    let shop = shop_with_catalog();
    let out = shop.import(FORMULA_CATALOG, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "f"]).ok();
    for sku in ["F-1", "F-2", "F-3", "F-4", "F-5", "F-6", "F-7", "=F-8", "@F-9", "T-BRG-1"] {
        home.run(&["basket", "add", "f", sku, "2"]).ok();
    }
    home.run(&["basket", "note", "f", "F-1", "=1+2"]).ok();
    home.run(&["basket", "note", "f", "F-2", "--", "-CC 4711"]).ok();
    home.run(&["basket", "note", "f", "T-BRG-1", "Halle 3"]).ok();

    // Every cell a spreadsheet would take for a formula starts with `'`.
    let formula = |cell: &str| cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let plain = home.run(&["basket", "export", "f"]).ok().stdout();
    let excel_file = home.path().join("f.csv");
    home.run(&["basket", "export", "f", "--excel", "-o", excel_file.to_str().unwrap()]).ok();
    let excel = String::from_utf8(std::fs::read(&excel_file).unwrap()).unwrap();
    for (text, delimiter) in [(&plain, b','), (&excel, b';')] {
        let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 10, "{text}");
        for row in &rows {
            for cell in row {
                assert!(!formula(cell), "a formula cell {cell:?} in\n{text}");
            }
        }
    }
    assert!(plain.contains("\n'=F-8,Tab-free name,2,"), "{plain}");
    assert!(plain.contains("F-1,\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",2,1.00,2.00,'=1+2\n"), "{plain}");
    assert!(plain.contains("F-4,'-2+3,2,"), "{plain}");
    assert!(plain.contains("F-6,'=cmd|' /C calc'!A0,2"), "{plain}");
    assert!(plain.contains("F-7,'=1+2,2"), "the tab is cleaned away, the formula is not: {plain}");
    assert!(plain.contains("T-BRG-1,Deep groove ball bearing 6205-2RSH/C3,2,6.90,13.80,Halle 3"), "{plain}");
    assert!(excel.contains("F-2;'=1+2;2;1,00;2,00;'-CC 4711"), "{excel}");

    // Both files import back to the same SKUs and notes.
    let shown = |name: &str| home.run(&["--json", "basket", "show", name]).ok().json()["lines"].clone();
    for (name, file) in [("back", home.path().join("plain.csv")), ("back-excel", excel_file.clone())] {
        if name == "back" {
            std::fs::write(&file, &plain).unwrap();
        }
        home.run(&["basket", "new", name]).ok();
        home.run(&["basket", "import", name, file.to_str().unwrap()]).ok();
        assert_eq!(shown(name), shown("f"), "{name}");
    }
}

#[test]
fn basket_problems_are_a_list_per_line() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "p"]).ok();
    home.run(&["basket", "add", "p", "T-BRG-1", "2"]).ok();
    home.run(&["basket", "add", "p", "T-SCR-1", "100"]).ok();
    // Lines that break the rules, as an edited file may have them.
    let path = home.basket_file("default", "p");
    let text = std::fs::read_to_string(&path).unwrap().replace("qty = 100", "qty = 150");
    std::fs::write(&path, text + "\n[[lines]]\nsku = \"T-GONE\"\nqty = 1\n").unwrap();
    let r = home.run(&["--json", "order", "preview", "--basket", "p", "--po", "X"]).fails_with(5);
    let err: serde_json::Value = serde_json::from_str(&r.stderr()).unwrap();
    let details = err["error"]["details"]["details"].as_array().unwrap_or_else(|| panic!("{err}"));
    let got: Vec<(u64, &str)> =
        details.iter().map(|d| (d["line"].as_u64().unwrap(), d["sku"].as_str().unwrap())).collect();
    assert_eq!(got, vec![(1, "T-SCR-1"), (2, "T-GONE")], "{err}");
    let r = home.run(&["order", "preview", "--basket", "p", "--po", "X"]).fails_with(5);
    assert!(r.stderr().contains("line 2: T-SCR-1") && r.stderr().contains("line 3: T-GONE"), "{}", r.stderr());
}

#[test]
fn shop_import_reports_as_json() {
    let shop = Shop::start(50);
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("c.csv");
    std::fs::write(&cat, "sku,name,list_price\nN-1,New part,1.50\nN-2,,2.00\n").unwrap();
    let out = std::process::Command::new(BIN)
        .args(["shop", "import", "--json", "--db"])
        .arg(&shop.db)
        .arg(&cat)
        .env("PROCURE_HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["loaded"], 1);
    assert_eq!(v["rejected"], 1);
    assert_eq!(v["errors"][0]["line"], 3);
    // The global flag before the command works the same.
    let out = std::process::Command::new(BIN)
        .args(["--json", "shop", "import", "--db"])
        .arg(&shop.db)
        .arg(&cat)
        .env("PROCURE_HOME", dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["unchanged"].as_u64(), v["rejected"].as_u64()), (Some(1), Some(1)), "{v}");
}
