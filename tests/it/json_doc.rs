//! docs/json.md against the real thing: every command documented there is
//! run against the real shop, and its JSON must have the documented shape
//! (no field undocumented, no field of another type, every documented
//! top-level field present). Commands run here and not documented fail too.
//!
//! `PROCURE_JSON_DUMP=out.json` writes what the commands printed, to update
//! the examples in the document.

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeMap;

const DOC: &str = include_str!("../../docs/json.md");

/// `### `procure …`` headings with the first ```json block below each.
fn documented() -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let mut heading: Option<String> = None;
    let mut block: Option<String> = None;
    for line in DOC.lines() {
        if let Some(b) = block.as_mut() {
            if line.starts_with("```") {
                let name = heading.take().expect("a json block belongs to a heading");
                let v: Value = serde_json::from_str(b).unwrap_or_else(|e| panic!("docs/json.md, {name}: {e}"));
                out.insert(name, v);
                block = None;
            } else {
                b.push_str(line);
                b.push('\n');
            }
        } else if let Some(h) = line.strip_prefix("### `").and_then(|h| h.strip_suffix('`')) {
            heading = Some(h.to_string());
        } else if line.starts_with("```json") && heading.is_some() {
            block = Some(String::new());
        }
    }
    out
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Problems of `actual` against the documented example `doc`. A `null` in
/// either means "may be absent or null" and matches any type.
fn conforms(doc: &Value, actual: &Value, path: &str, top: bool, problems: &mut Vec<String>) {
    match (doc, actual) {
        (Value::Null, _) | (_, Value::Null) => {}
        (Value::Object(d), Value::Object(a)) => {
            for (k, v) in a {
                match d.get(k) {
                    Some(dv) => conforms(dv, v, &format!("{path}.{k}"), false, problems),
                    None => problems.push(format!("{path}.{k} is not documented")),
                }
            }
            if top {
                for k in d.keys().filter(|k| !a.contains_key(*k)) {
                    problems.push(format!("{path}.{k} is documented but missing"));
                }
            }
        }
        (Value::Array(d), Value::Array(a)) => {
            if let Some(first) = d.first() {
                for (i, v) in a.iter().enumerate() {
                    conforms(first, v, &format!("{path}[{i}]"), false, problems);
                }
            } else if !a.is_empty() {
                problems.push(format!("{path}: documented as an empty array"));
            }
        }
        (d, a) if kind(d) == kind(a) => {}
        (d, a) => problems.push(format!("{path}: documented as {}, is {}", kind(d), kind(a))),
    }
}

#[derive(Default)]
struct Seen(BTreeMap<String, Vec<Value>>);

impl Seen {
    fn out(&mut self, label: &str, run: Run) -> Value {
        let v = run.json();
        self.0.entry(label.to_string()).or_default().push(v.clone());
        v
    }
    fn err(&mut self, label: &str, run: Run) -> Value {
        let v: Value = serde_json::from_str(&run.stderr())
            .unwrap_or_else(|e| panic!("{label}: stderr is not JSON ({e}): {}", run.stderr()));
        self.0.entry(label.to_string()).or_default().push(v.clone());
        v
    }
}

fn supplier(shop: &Shop, args: &[&str]) -> Run {
    let mut cmd = std::process::Command::new(BIN);
    cmd.args(["shop", "quote"]).args(args).arg("--db").arg(&shop.db);
    Run(cmd.output().unwrap())
}

#[test]
fn every_documented_command_prints_the_documented_json() {
    let shop = shop_with_catalog();
    let mut seen = Seen::default();
    let home = Home::new();
    let j = |args: &[&str]| -> Vec<String> {
        std::iter::once("--json").chain(args.iter().copied()).map(String::from).collect()
    };
    let run = |args: &[&str]| home.run(&j(args).iter().map(String::as_str).collect::<Vec<_>>());

    seen.err("error", run(&["sync"]).fails_with(3));
    seen.err("usage error", run(&["order", "list", "--since", "soon"]).fails_with(2));
    let login = home.run_stdin(
        &["--json", "login", "--shop", &shop.url, "--company", "ACME", "--user", "buyer", "--password-stdin"],
        "demo\n",
    );
    seen.out("procure login", login.ok());
    seen.out("procure sync", run(&["sync"]).ok());
    seen.out("procure search", run(&["search", "62052rsh"]).ok());
    seen.out("procure search", run(&["search", "nothing-like-this"]).fails_with(1));
    seen.out("procure show", run(&["show", "T-BRG-1"]).ok());
    seen.out("procure account", run(&["account"]).ok());
    seen.out("procure credit", run(&["credit"]).ok());

    seen.out("procure basket new", run(&["basket", "new", "weekly"]).ok());
    seen.out("procure basket add", run(&["basket", "add", "weekly", "T-BRG-1", "12"]).ok());
    seen.out("procure basket set", run(&["basket", "set", "weekly", "T-BRG-1", "14"]).ok());
    run(&["basket", "add", "weekly", "T-CON-1", "2"]).ok();
    seen.out("procure basket note", run(&["basket", "note", "weekly", "T-BRG-1", "CC-4711"]).ok());
    let file = home.path().join("list.csv");
    std::fs::write(&file, "sku;qty\nT-SCR-1;200\nT-NOPE;1\n").unwrap();
    seen.out(
        "procure basket import",
        run(&["basket", "import", "weekly", file.to_str().unwrap(), "--add"]).fails_with(5),
    );
    seen.out("procure basket show", run(&["basket", "show", "weekly"]).ok());
    seen.out("procure basket export", run(&["basket", "export", "weekly"]).ok());
    seen.out("procure basket remove", run(&["basket", "remove", "weekly", "T-SCR-1"]).ok());
    seen.out("procure order preview", run(&["order", "preview", "--basket", "weekly", "--po", "PO-1"]).ok());
    let done = seen.out(
        "procure order submit",
        run(&["order", "submit", "--basket", "weekly", "--po", "PO-1", "--comment", "gate 3"]).ok(),
    );
    let number = done["order"]["number"].as_str().unwrap().to_string();
    seen.out("procure basket list", run(&["basket", "list"]).ok());
    seen.out("procure order list", run(&["order", "list"]).ok());
    seen.out("procure order show", run(&["order", "show", &number]).ok());
    seen.out("procure order reorder", run(&["order", "reorder", &number, "--into", "again"]).ok());
    seen.out("procure basket rename", run(&["basket", "rename", "again", "again2"]).ok());
    seen.out("procure basket delete", run(&["basket", "delete", "again2"]).ok());
    // A basket with a line that cannot be ordered: the error lists it.
    run(&["basket", "new", "bad"]).ok();
    run(&["basket", "add", "bad", "T-SCR-1", "100"]).ok();
    let path = home.basket_file("default", "bad");
    std::fs::write(&path, std::fs::read_to_string(&path).unwrap().replace("qty = 100", "qty = 150")).unwrap();
    seen.err("error", run(&["order", "preview", "--basket", "bad", "--po", "X"]).fails_with(5));

    // Quotes: request, the supplier offers, message, accept; a second declined.
    let q = seen.out(
        "procure quote request",
        run(&["quote", "request", "--basket", "weekly", "--target", "T-BRG-1=5.50"]).ok(),
    );
    let qn = q["number"].as_str().unwrap().to_string();
    supplier(&shop, &["offer", &qn, "--discount", "5"]).ok();
    seen.out("procure quote message", run(&["quote", "message", &qn, "4 weeks?"]).ok());
    seen.out("procure quote list", run(&["quote", "list"]).ok());
    seen.out("procure quote show", run(&["quote", "show", &qn]).ok());
    seen.out("procure quote accept", run(&["quote", "accept", &qn, "--po", "PO-2"]).ok());
    let q2 = run(&["quote", "request", "--basket", "weekly"]).ok().json();
    let q2 = q2["number"].as_str().unwrap().to_string();
    supplier(&shop, &["offer", &q2, "--discount", "2"]).ok();
    seen.out("procure quote decline", run(&["quote", "decline", &q2, "--reason", "too late"]).ok());

    // Approvals: two orders above the buyer's limit; the approver decides.
    run(&["basket", "new", "big"]).ok();
    run(&["basket", "add", "big", "T-CON-1", "200"]).ok();
    let a = run(&["order", "submit", "--basket", "big", "--po", "PO-BIG-1"]).ok().json();
    let b = run(&["order", "submit", "--basket", "big", "--po", "PO-BIG-2"]).ok().json();
    assert_eq!(a["order"]["status"], "pending_approval", "{a}");
    let approver = Home::new();
    approver.login(&shop.url, "ACME", "approver");
    let arun = |args: &[&str]| approver.run(&j(args).iter().map(String::as_str).collect::<Vec<_>>());
    seen.out("procure approvals list", arun(&["approvals", "list"]).ok());
    seen.out("procure approvals approve", arun(&["approvals", "approve", a["order"]["number"].as_str().unwrap()]).ok());
    seen.out(
        "procure approvals reject",
        arun(&["approvals", "reject", b["order"]["number"].as_str().unwrap(), "--reason", "split it"]).ok(),
    );
    seen.out("procure logout", run(&["logout"]).ok());

    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("c.csv");
    std::fs::write(&cat, "sku,name,list_price\nN-1,New part,1.50\nN-2,,2.00\n").unwrap();
    let import = std::process::Command::new(BIN)
        .args(["shop", "import", "--json", "--db"])
        .arg(&shop.db)
        .arg(&cat)
        .env("PROCURE_HOME", dir.path())
        .output()
        .unwrap();
    seen.out("procure shop import", Run(import).fails_with(5));

    if let Ok(dump) = std::env::var("PROCURE_JSON_DUMP") {
        std::fs::write(dump, serde_json::to_string_pretty(&seen.0).unwrap()).unwrap();
    }

    let doc = documented();
    let mut problems = Vec::new();
    for name in doc.keys().filter(|n| !seen.0.contains_key(*n)) {
        problems.push(format!("{name}: documented but not run by this test"));
    }
    for (name, outputs) in &seen.0 {
        let Some(example) = doc.get(name) else {
            problems.push(format!("{name}: prints JSON but has no section in docs/json.md"));
            continue;
        };
        for v in outputs {
            conforms(example, v, name, true, &mut problems);
        }
    }
    assert!(problems.is_empty(), "docs/json.md and the commands disagree:\n{}", problems.join("\n"));
}

#[test]
fn the_shape_check_catches_what_it_should() {
    let doc: Value = serde_json::from_str(r#"{"a": "1.00", "b": [{"c": 1}], "d": null}"#).unwrap();
    let check = |actual: &str| {
        let mut p = Vec::new();
        conforms(&doc, &serde_json::from_str(actual).unwrap(), "x", true, &mut p);
        p
    };
    assert!(check(r#"{"a": "2", "b": [{"c": 2}, {"c": 3}], "d": {"e": 1}}"#).is_empty());
    assert_eq!(check(r#"{"a": 2, "b": [], "d": 1}"#), vec!["x.a: documented as string, is number"]);
    assert_eq!(check(r#"{"a": "2", "b": [{"c": 1, "z": 0}], "d": 1}"#), vec!["x.b[0].z is not documented"]);
    assert_eq!(check(r#"{"b": [], "d": 1}"#), vec!["x.a is documented but missing"]);
}
