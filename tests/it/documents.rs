//! A part's documents and those a shipment carries: listed, downloaded
//! through the shop's client (the shop's own documents with the session,
//! another host's without it), kept in the cache for offline use, saved into
//! a folder, opened with the system's opener (a program given the path, no
//! shell); what is not a document is refused and nothing is kept.

use crate::common::faults::{Answer, Body, Fault, Hostile, Request, Rule, relay};
use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A demo part (its datasheet is the shop's own) of the given search.
fn demo_part(home: &Home, query: &str) -> String {
    let found = home.run(&["--json", "search", query, "-n", "50"]).ok().json();
    let hit = found["results"].as_array().unwrap().iter().find(|r| r["sku"].as_str().unwrap().starts_with("P-"));
    hit.unwrap_or_else(|| panic!("a demo part for {query:?}: {found}"))["sku"].as_str().unwrap().to_string()
}

/// An opener that writes each of its arguments on a line of `log`.
fn opener(dir: &Path) -> (PathBuf, PathBuf) {
    let log = dir.join("opened.log");
    let script = dir.join("opener");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '{}'; done\n", log.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, log)
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_datasheet_and_a_certificate_are_saved_kept_and_opened_without_the_shop() {
    let shop = shop_with_catalog();
    let relay = relay(&shop.url, |_| false, |_| false);
    // A home whose path a shell would read as a command: the opener gets it as it is.
    let home = Home { dir: tempfile::Builder::new().prefix("home $(touch pwned); x ").tempdir().unwrap() };
    home.login_and_sync(&relay.url, "ACME", "buyer");
    let sku = demo_part(&home, "deep groove");

    let listed = home.run(&["--json", "docs", &sku]).ok().json();
    assert_eq!(listed["sku"], sku.as_str());
    let sheet = &listed["documents"][0];
    assert_eq!((sheet["kind"].as_str(), &sheet["cached_at"]), (Some("datasheet"), &Value::Null), "{listed}");
    assert!(sheet["url"].as_str().unwrap().starts_with("/api/v1/documents/"), "the shop's own: {listed}");

    let out = home.path().join("certificates");
    let got =
        home.run(&["--json", "docs", &sku, "--kind", "datasheet", "--download", out.to_str().unwrap()]).ok().json();
    let saved = &got["documents"][0];
    let path = PathBuf::from(saved["path"].as_str().unwrap());
    assert_eq!(path.parent().unwrap(), out, "{got}");
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    assert_eq!(
        (saved["bytes"].as_u64(), saved["content_type"].as_str()),
        (Some(bytes.len() as u64), Some("application/pdf"))
    );
    assert_eq!(saved["from_cache"], false);
    let listed = home.run(&["--json", "docs", &sku]).ok().json();
    assert!(listed["documents"][0]["cached_at"].is_string(), "kept: {listed}");
    let text = home.run(&["docs", &sku]).ok();
    assert!(text.stdout().contains("(kept "), "{}", text.stdout());

    // The supplier ships an order of the bearings with an inspection certificate.
    home.run(&["basket", "new", "b"]).ok();
    home.run(&["basket", "add", "b", "T-BRG-1", "10"]).ok();
    let order = home.run(&["--json", "order", "submit", "--basket", "b", "--po", "DOC-1"]).ok().json();
    let number = order["order"]["number"].as_str().unwrap().to_string();
    let cert = home.path().join("3.1-batch-4711.pdf");
    let cert_bytes = b"%PDF-1.4\n% inspection certificate 3.1, batch 4711\n%%EOF\n";
    std::fs::write(&cert, cert_bytes).unwrap();
    shop.supplier(&["order", "confirm", &number]).ok();
    shop.supplier(&["order", "ship", &number, "--certificate", &format!("T-BRG-1={}", cert.display())]).ok();
    let shipped = home.run(&["--json", "docs", "--order", &number, "--kind", "certificate"]).ok().json();
    let d = &shipped["documents"][0];
    assert_eq!((d["sku"].as_str(), d["kind"].as_str()), (Some("T-BRG-1"), Some("certificate")), "{shipped}");
    assert!(d["shipment"].as_str().unwrap().starts_with("DN-"), "{shipped}");
    let got = home.run(&["--json", "docs", "--order", &number, "--download", out.to_str().unwrap()]).ok().json();
    let path = PathBuf::from(got["documents"][0]["path"].as_str().unwrap());
    assert_eq!(std::fs::read(&path).unwrap(), cert_bytes);

    // On the shop floor, without the shop: the copies kept open.
    relay.set(Fault::Down);
    let (program, log) = opener(home.path());
    let open = |args: &[&str]| Run(home.cmd(args).env("PROCURE_OPENER", &program).output().unwrap());
    let off = open(&["--json", "docs", &sku, "--open"]).ok().json();
    let kept = &off["documents"][0];
    assert_eq!(kept["from_cache"], true, "{off}");
    let kept_path = kept["path"].as_str().unwrap();
    assert!(kept_path.starts_with(home.path().join("cache").to_str().unwrap()), "in the cache: {kept_path}");
    assert_eq!(std::fs::read(kept_path).unwrap(), bytes);
    assert_eq!(std::fs::read_to_string(&log).unwrap(), format!("{kept_path}\n"), "one argument, the path");
    let text = open(&["docs", &sku, "--open"]).ok();
    assert!(text.stderr().contains("Offline:") && text.stderr().contains("copy kept"), "{}", text.stderr());
    let off = open(&["--json", "docs", "--order", &number, "--open"]).ok().json();
    assert_eq!(off["documents"][0]["from_cache"], true, "{off}");
    assert!(!home.path().join("pwned").exists() && !Path::new("pwned").exists(), "no shell read the path");

    // A document never downloaded is not there without the shop: exit 4, nothing opened.
    let other = demo_part(&home, "contactor");
    std::fs::remove_file(&log).unwrap();
    let err = open(&["--json", "docs", &other, "--open"]).fails_with(4);
    assert_eq!(serde_json::from_str::<Value>(&err.stderr()).unwrap()["error"]["kind"], "unreachable");
    assert!(!log.exists(), "nothing opened");
    // A part without documents says so.
    let none = home.run(&["docs", "T-CON-1"]).fails_with(5);
    assert!(none.stderr().contains("no documents for T-CON-1"), "{}", none.stderr());
}

/// Answers a document request (the shop's `/api/v1/documents/…` or any
/// path under `/ext/`) with the answer set, everything else from the shop.
#[derive(Clone)]
struct Documents(Arc<Mutex<Answer>>);

impl Rule for Documents {
    fn answer(&self, req: &Request) -> Option<Answer> {
        let path = req.path();
        (path.starts_with("/api/v1/documents/") || path.starts_with("/ext/")).then(|| self.0.lock().unwrap().clone())
    }
}

fn answer(content_type: &str, body: Body) -> Answer {
    Answer { status: 200, headers: vec![("content-type".into(), content_type.into())], body }
}

#[test]
fn what_is_not_a_document_is_refused_and_nothing_is_kept() {
    let shop = shop_with_catalog();
    let hostile = Hostile::start(&shop.url);
    // Another host (the manufacturer's site) with a datasheet of a part.
    let elsewhere = Hostile::start(&shop.url);
    let pdf = b"%PDF-1.4\n% the manufacturer's datasheet\n%%EOF\n".to_vec();
    elsewhere.set(Documents(Arc::new(Mutex::new(answer("application/pdf", Body::Bytes(pdf.clone()))))));
    let row = format!(
        "T-EXT-1,Cylinder roller bearing NU 205,NU 205 ECP,SKF,,Bearings,pc,1,1,3,50,12.40,{}/ext/nu205.pdf,Steel\n",
        elsewhere.url
    );
    let header = CATALOG.lines().next().unwrap();
    let out = shop.import(&format!("{header}\n{row}"), None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let home = Home::synced(&hostile.url, "ACME", "buyer");
    let sku = demo_part(&home, "deep groove");
    let dir = home.path().join("saved");
    let cache = home.path().join("cache/default/documents");

    // The other host's document: no token travels there.
    let got = home.run(&["--json", "docs", "T-EXT-1", "--download", dir.to_str().unwrap()]).ok().json();
    assert_eq!(std::fs::read(got["documents"][0]["path"].as_str().unwrap()).unwrap(), pdf);
    let asked = elsewhere.requests();
    assert_eq!(asked.len(), 1);
    assert!(asked[0].headers.iter().all(|(k, _)| !k.eq_ignore_ascii_case("authorization")), "{:?}", asked[0].headers);
    std::fs::remove_dir_all(&dir).unwrap();
    let kept_before = files_in(&cache);

    let set = Documents(Arc::new(Mutex::new(answer("text/html", Body::Bytes(b"<html>log in</html>".to_vec())))));
    hostile.set(set.clone());
    let refused = |what: &str, why: &str| {
        let err = home.run(&["--json", "docs", &sku, "--download", dir.to_str().unwrap()]).fails_with(5);
        let e: Value = serde_json::from_str(&err.stderr()).unwrap_or_else(|_| panic!("{what}: {}", err.stderr()));
        assert_eq!(e["error"]["code"], "document_refused", "{what}: {e}");
        assert!(e["error"]["message"].as_str().unwrap().contains(why), "{what}: {e}");
        assert!(err.stdout().is_empty(), "{what}");
        assert!(files_in(&dir).is_empty(), "{what}: nothing saved");
        assert_eq!(files_in(&cache), kept_before, "{what}: nothing kept");
    };
    refused("an HTML page", "content type text/html");
    *set.0.lock().unwrap() = answer("application/pdf", Body::Bytes(b"<html>not a pdf</html>".to_vec()));
    refused("a PDF that is none", "is not one");
    *set.0.lock().unwrap() = answer("application/pdf", Body::Endless(33 * 1024 * 1024));
    refused("more than 32 MiB", "larger than 32 MiB");
    *set.0.lock().unwrap() = Answer::redirect(302, "http://127.0.0.2:9/datasheet.pdf");
    refused("a redirect to another host", "follows no redirects");
    // Nothing went to the host the redirect named.
    assert!(hostile.requests().iter().all(|r| !r.target.contains("127.0.0.2")));
}

#[test]
fn o_in_the_part_detail_opens_the_datasheet_and_keeps_it_at_80x24() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let sku = demo_part(&home, "deep groove");
    let (program, log) = opener(home.path());

    let t = crate::common::tmux::Tmux::start_with(&home, 80, 24, &[&format!("PROCURE_OPENER={}", program.display())]);
    t.wait_for("catalog up to date");
    t.literal(&sku);
    t.wait_for(&sku);
    t.keys(&["Enter"]);
    t.wait_for("o open document");
    t.keys(&["o"]);
    let screen = t.wait_for("kept for offline use");
    assert!(screen.contains("opened Datasheet"), "{screen}");
    let listed = home.run(&["--json", "docs", &sku]).ok().json();
    assert!(listed["documents"][0]["cached_at"].is_string(), "kept: {listed}");
    let opened = std::fs::read_to_string(&log).unwrap();
    let path = opened.trim_end();
    assert_eq!(opened.lines().count(), 1, "one argument, the path: {opened}");
    assert!(path.starts_with(home.path().join("cache").to_str().unwrap()), "{opened}");
    assert!(std::fs::read(path).unwrap().starts_with(b"%PDF-"));
}
