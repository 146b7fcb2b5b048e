//! docs/json.md against the real thing. Every command documented there is
//! run against the real shop, and what it prints must be what the document
//! says, to the last nested field: every field documented and present (or
//! documented as one that can be absent), of the documented JSON type,
//! `null` only where the document says it can be, and each value equal to
//! the example's unless the example shows a placeholder (`"<time>"`; the
//! conventions at the top of docs/json.md). Amounts carry two decimals,
//! unit prices up to six.
//! Every command of procure's own definition is either documented or listed
//! as printing no JSON.
//!
//! `PROCURE_JSON_DUMP=out.json` writes what the commands printed, to update
//! the examples in the document.

use crate::common::faults::{Fault, relay};
use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const DOC: &str = include_str!("../../docs/json.md");

/// One documented output (a `### ` section of docs/json.md).
#[derive(Debug, Default)]
struct Section {
    examples: Vec<Value>,
    /// Paths (`lines[].note`) that can hold `null`.
    nullable: BTreeSet<String>,
    /// Paths that can be left out.
    absent: BTreeSet<String>,
    /// A value shown for each path and each field name: the type of a
    /// field the example shows as `null`.
    typed: BTreeMap<String, Value>,
}

impl Section {
    fn learn_types(&mut self) {
        fn walk(v: &Value, path: &str, name: &str, out: &mut BTreeMap<String, Value>) {
            if v.is_null() || v == MORE {
                return;
            }
            out.entry(path.to_string()).or_insert_with(|| v.clone());
            out.entry(format!("*{name}")).or_insert_with(|| v.clone());
            match v {
                Value::Object(m) => m.iter().for_each(|(k, v)| walk(v, &child(path, k), k, out)),
                Value::Array(a) => a.iter().for_each(|v| walk(v, &format!("{path}[]"), name, out)),
                _ => {}
            }
        }
        let mut typed = BTreeMap::new();
        for e in &self.examples {
            walk(e, "", "", &mut typed);
        }
        self.typed = typed;
    }

    /// The value shown for `path` (or for a field of the same name).
    fn type_of(&self, path: &str) -> Option<&Value> {
        let name = path.rsplit('.').next().unwrap_or(path).trim_end_matches("[]");
        self.typed.get(path).or_else(|| self.typed.get(&format!("*{name}")))
    }
}

#[derive(Debug, Default)]
struct Doc {
    sections: BTreeMap<String, Section>,
    /// Commands listed as printing no JSON.
    no_json: BTreeSet<String>,
    /// Field names whose values are amounts: two decimals.
    amounts: BTreeSet<String>,
    /// Field names whose values are unit prices: up to six decimals.
    unit_prices: BTreeSet<String>,
}

/// The text between backticks on `line`.
fn quoted(line: &str) -> impl Iterator<Item = &str> {
    line.split('`').skip(1).step_by(2)
}

fn is_field_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

fn parse_doc(text: &str) -> Doc {
    let mut doc = Doc::default();
    let mut section: Option<String> = None;
    let mut block: Option<String> = None;
    // The bullet or `##` part a line belongs to.
    let mut bullet = String::new();
    let mut part = String::new();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if let Some(b) = block.as_mut() {
            if line.starts_with("```") {
                let name =
                    section.clone().unwrap_or_else(|| panic!("docs/json.md:{n}: a JSON block outside a section"));
                let v: Value =
                    serde_json::from_str(b).unwrap_or_else(|e| panic!("docs/json.md, {name}: not JSON ({e})"));
                doc.sections.entry(name).or_default().examples.push(v);
                block = None;
            } else {
                b.push_str(line);
                b.push('\n');
            }
            continue;
        }
        if let Some(h) = line.strip_prefix("## ") {
            part = h.to_string();
            section = None;
        } else if let Some(h) = line.strip_prefix("### ") {
            section = h.strip_prefix('`').and_then(|h| h.strip_suffix('`')).map(str::to_string);
            if let Some(s) = &section {
                doc.sections.entry(s.clone()).or_default();
            }
        } else if line.starts_with("```json") {
            assert!(section.is_some(), "docs/json.md:{n}: a JSON block outside a `### ` section");
            block = Some(String::new());
        } else if let Some(rest) = line.strip_prefix("Can be null:") {
            let s = section.as_ref().unwrap_or_else(|| panic!("docs/json.md:{n}: outside a section"));
            doc.sections.get_mut(s).unwrap().nullable.extend(quoted(rest).map(str::to_string));
        } else if let Some(rest) = line.strip_prefix("Can be absent:") {
            let s = section.as_ref().unwrap_or_else(|| panic!("docs/json.md:{n}: outside a section"));
            doc.sections.get_mut(s).unwrap().absent.extend(quoted(rest).map(str::to_string));
        }
        if line.starts_with("- ") {
            bullet = line.to_string();
        } else if line.trim().is_empty() {
            bullet.clear();
        }
        let names = quoted(line).filter(|q| is_field_name(q)).map(str::to_string);
        if bullet.starts_with("- **Amounts**") {
            doc.amounts.extend(names);
        } else if bullet.starts_with("- **Unit prices**") {
            doc.unit_prices.extend(names);
        } else if part == "Commands that print no JSON" {
            doc.no_json.extend(quoted(line).filter(|q| q.starts_with("procure ")).map(str::to_string));
        }
    }
    for s in doc.sections.values_mut() {
        s.learn_types();
    }
    doc
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

/// `"<time>"` and its kin: a value of a kind, not compared.
fn placeholder(v: &Value) -> Option<&str> {
    v.as_str()?.strip_prefix('<')?.strip_suffix('>')
}

/// Why `actual` is not a value of placeholder `p`, if it is not.
fn misfits(p: &str, actual: &str) -> Option<String> {
    let ok = match p {
        "time" => chrono::DateTime::parse_from_rfc3339(actual).is_ok() && actual.ends_with('Z'),
        "date" => chrono::NaiveDate::parse_from_str(actual, "%Y-%m-%d").is_ok() && actual.len() == 10,
        "url" => actual.starts_with("http://") || actual.starts_with("https://"),
        "path" => std::path::Path::new(actual).is_absolute(),
        "text" => true,
        _ => return Some(format!("the doc's placeholder <{p}> is not one of the conventions")),
    };
    (!ok).then(|| format!("{actual:?} is not a <{p}>"))
}

fn is_decimal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    !int.is_empty() && int.chars().all(|c| c.is_ascii_digit()) && frac.chars().all(|c| c.is_ascii_digit())
}

fn decimals(s: &str) -> usize {
    s.split_once('.').map(|(_, f)| f.len()).unwrap_or(0)
}

/// Compare values (`Literal`), or only their shape: kinds, fields, nulls and
/// placeholders (`Shape`: the further elements of an array shown with "…",
/// and the runs that are not the example).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Literal,
    Shape,
}

const MORE: &str = "…";

fn child(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

/// Problems of `actual` against the documented `doc`. `path` names the
/// field as the doc's lists do (`lines[].note`), `at` where it is in the
/// output (`lines[2].note`).
fn conform(doc: &Value, actual: &Value, path: &str, at: &str, mode: Mode, s: &Section, out: &mut Vec<String>) {
    let at_ = if at.is_empty() { "the output" } else { at };
    match (doc, actual) {
        (_, Value::Null) => {
            if !doc.is_null() && !s.nullable.contains(path) {
                out.push(format!("{at_} is null, documented as {} that cannot be null", kind(doc)));
            }
        }
        (Value::Null, a) => match s.type_of(path) {
            Some(d) if s.nullable.contains(path) => conform(d, a, path, at, Mode::Shape, s, out),
            _ => out.push(format!("{at_} is {}, documented as null", kind(a))),
        },
        (d, Value::String(a)) if placeholder(d).is_some() => {
            if let Some(why) = misfits(placeholder(d).unwrap_or_default(), a) {
                out.push(format!("{at_}: {why}"));
            }
        }
        (d, a) if placeholder(d).is_some() => {
            out.push(format!("{at_} is {}, documented as a string ({d})", kind(a)));
        }
        (Value::Object(d), Value::Object(a)) => {
            for (k, v) in a {
                match d.get(k) {
                    Some(dv) => conform(dv, v, &child(path, k), &child(at, k), mode, s, out),
                    None => out.push(format!("{} is not documented", child(at, k))),
                }
            }
            for k in d.keys().filter(|k| !a.contains_key(*k)) {
                if !s.absent.contains(&child(path, k)) {
                    out.push(format!("{} is documented but missing", child(at, k)));
                }
            }
        }
        (Value::Array(d), Value::Array(a)) => {
            let more = d.last().is_some_and(|v| v == MORE);
            let shown = &d[..d.len() - usize::from(more)];
            let elem = format!("{path}[]");
            if mode == Mode::Literal && (a.len() < shown.len() || (!more && a.len() > shown.len())) {
                let or_more = if more { " or more" } else { "" };
                out.push(format!("{at_} has {} elements, documented {}{or_more}", a.len(), shown.len()));
            }
            for (i, v) in a.iter().enumerate() {
                let at_i = format!("{at}[{i}]");
                match (mode, shown.get(i)) {
                    (Mode::Literal, Some(d)) => conform(d, v, &elem, &at_i, Mode::Literal, s, out),
                    _ if shown.is_empty() => out.push(format!("{at_i}: the doc shows no element of this array")),
                    _ => best(shown, v, &elem, &at_i, Mode::Shape, s, out),
                }
            }
        }
        (d, a) if kind(d) != kind(a) => out.push(format!("{at_} is {}, documented as {}", kind(a), kind(d))),
        (d, a) => match mode {
            Mode::Literal if d != a => out.push(format!("{at_} is {a}, documented {d}")),
            Mode::Shape if d.as_str().is_some_and(is_decimal) && !a.as_str().is_some_and(is_decimal) => {
                out.push(format!("{at_} is {a}, documented as a decimal like {d}"))
            }
            _ => {}
        },
    }
}

/// The problems against the candidate `actual` fits best.
fn best(candidates: &[Value], actual: &Value, path: &str, at: &str, mode: Mode, s: &Section, out: &mut Vec<String>) {
    let fewest = candidates
        .iter()
        .map(|d| {
            let mut p = Vec::new();
            conform(d, actual, path, at, mode, s, &mut p);
            p
        })
        .min_by_key(Vec::len)
        .unwrap_or_default();
    out.extend(fewest);
}

/// The doc's own consistency: a `null` shown only where it can be, every
/// listed path in an example, placeholders known, "…" only last.
fn doc_problems(name: &str, s: &Section) -> Vec<String> {
    fn walk(v: &Value, path: &str, s: &Section, paths: &mut BTreeSet<String>, out: &mut Vec<String>) {
        paths.insert(path.to_string());
        match v {
            Value::Null if !s.nullable.contains(path) => {
                out.push(format!("`{path}` is shown as null but not listed under \"Can be null\""))
            }
            Value::Null if s.type_of(path).is_none() => {
                out.push(format!("`{path}` is only shown as null: show a value, so its type is documented"))
            }
            Value::Object(m) => {
                for (k, v) in m {
                    walk(v, &child(path, k), s, paths, out);
                }
            }
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    if v == MORE {
                        if i + 1 != a.len() || i == 0 {
                            out.push(format!("`{path}`: \"…\" is the last element, after at least one"));
                        }
                    } else {
                        walk(v, &format!("{path}[]"), s, paths, out);
                    }
                }
            }
            Value::String(t) => {
                if let Some(p) = placeholder(v)
                    && let Some(why) = misfits(p, "")
                    && why.contains("conventions")
                {
                    out.push(format!("`{path}` = {t:?}: {why}"));
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut paths = BTreeSet::new();
    if s.examples.is_empty() {
        out.push("no ```json example".to_string());
    }
    for e in &s.examples {
        walk(e, "", s, &mut paths, &mut out);
    }
    for p in s.nullable.iter().chain(&s.absent) {
        if !paths.contains(p) {
            out.push(format!("`{p}` is listed but not in the example"));
        }
    }
    out.into_iter().map(|p| format!("docs/json.md, {name}: {p}")).collect()
}

/// Every string under one of `names` is a decimal with `places` decimals.
fn check_decimals(
    v: &Value,
    names: &BTreeSet<String>,
    places: std::ops::RangeInclusive<usize>,
    at: &str,
    out: &mut Vec<String>,
) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let here = child(at, k);
                if names.contains(k)
                    && let Value::String(s) = v
                    && !(is_decimal(s) && places.contains(&decimals(s)))
                {
                    out.push(format!("{here} is {s:?}: not a decimal with {places:?} decimals"));
                }
                check_decimals(v, names, places.clone(), &here, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                check_decimals(v, names, places.clone(), &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// What the commands printed, by section: the run that is the example
/// (compared value by value) and other runs (compared by shape).
#[derive(Default)]
struct Seen(BTreeMap<String, Vec<(Mode, Value)>>);

impl Seen {
    fn record(&mut self, label: &str, mode: Mode, v: Value) -> Value {
        self.0.entry(label.to_string()).or_default().push((mode, v.clone()));
        v
    }
    /// stdout of the run that is the example.
    fn out(&mut self, label: &str, run: Run) -> Value {
        self.record(label, Mode::Literal, run.json())
    }
    /// stdout of another run of the command.
    fn also(&mut self, label: &str, run: Run) -> Value {
        self.record(label, Mode::Shape, run.json())
    }
    /// stderr (an error) of the run that is the example.
    fn err(&mut self, label: &str, run: Run) -> Value {
        let v = stderr_json(label, &run);
        self.record(label, Mode::Literal, v)
    }
    fn also_err(&mut self, label: &str, run: Run) -> Value {
        let v = stderr_json(label, &run);
        self.record(label, Mode::Shape, v)
    }
    /// A run that prints its data on stdout and stops with an error on
    /// stderr (a preview where submit would stop): both recorded.
    fn also_both(&mut self, label: &str, run: Run) -> Value {
        let e: Value = serde_json::from_str(&run.stderr())
            .unwrap_or_else(|e| panic!("{label}: stderr is not JSON ({e}): {}", run.stderr()));
        self.record("error", Mode::Shape, e);
        self.also(label, run)
    }
}

fn stderr_json(label: &str, run: &Run) -> Value {
    assert!(run.stdout().is_empty(), "{label}: an error prints nothing on stdout: {}", run.stdout());
    serde_json::from_str(&run.stderr())
        .unwrap_or_else(|e| panic!("{label}: stderr is not JSON ({e}): {}", run.stderr()))
}

/// Every command of procure's definition (its leaves), and whether it has a
/// `--json` flag of its own.
fn commands() -> Vec<(String, bool)> {
    use clap::CommandFactory;
    fn walk(c: &clap::Command, path: String, out: &mut Vec<(String, bool)>) {
        let subs: Vec<&clap::Command> = c.get_subcommands().filter(|s| s.get_name() != "help").collect();
        if subs.is_empty() {
            let own = c.get_arguments().any(|a| a.get_long() == Some("json") && !a.is_global_set());
            out.push((path.clone(), own));
        }
        for s in subs {
            walk(s, format!("{path} {}", s.get_name()), out);
        }
    }
    let mut cmd = procure::cli::Cli::command();
    cmd.build();
    let mut out = Vec::new();
    for s in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        walk(s, format!("procure {}", s.get_name()), &mut out);
    }
    out
}

/// Parts only this test needs: an old bearing replaced by T-BRG-1, and the
/// successor a screw gets at the end.
const MORE_PARTS: &str = "\
sku,name,mpn,manufacturer,gtin,category,unit,pack_size,min_qty,lead_time_days,stock,list_price,discontinued,replaced_by,datasheet,Material
T-BRG-0,Deep groove ball bearing 6205-2RS,6205-2RS,SKF,7316572352035,Bearings,pc,1,1,3,4,7.20,yes,T-BRG-1,https://docs.example/t-brg-0.pdf,Steel
T-SCR-2,Hex head screw ISO 4017 M8x25 A2-70,ISO 4017 M8x25 A2-70,Würth,,Fasteners,pc,100,100,2,5000,0.0790,no,,,A2-70
";

/// At the end: the screw is replaced, the contactor discontinued.
const RETIRED: &str = "\
sku,name,mpn,manufacturer,gtin,category,unit,pack_size,min_qty,lead_time_days,stock,list_price,discontinued,replaced_by
T-SCR-1,Hex head screw DIN 933 M8x25 A2-70,DIN 933 M8x25 A2-70,Würth,4011231123458,Fasteners,pc,100,100,2,5000,0.0834,yes,T-SCR-2
T-CON-1,Contactor 3RT2015-1BB41 24V DC,3RT2015-1BB41,Siemens,4011209780106,Contactors,pc,1,1,5,12,38.50,yes,
";

/// BOLT, a second supplier: the bearing under its own SKU, sold in tens.
const BOLT_PARTS: &str = "\
sku,name,mpn,manufacturer,gtin,category,unit,pack_size,min_qty,order_step,lead_time_days,stock,list_price
B-6205,Rillenkugellager 6205-2RSH/C3,6205-2RSH/C3,SKF,,Bearings,pc,1,10,10,4,500,6.80
";

fn in_days(n: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(n)).to_string()
}

/// Runs every documented command the way a buyer would, and records what
/// each printed.
fn run_everything() -> Seen {
    let shop = shop_with_catalog();
    assert!(shop.import(MORE_PARTS, None).status.success());
    let mut seen = Seen::default();
    let home = Home::new();
    let j = |args: &[&str]| -> Vec<String> {
        std::iter::once("--json").chain(args.iter().copied()).map(String::from).collect()
    };
    let run = |args: &[&str]| home.run(&j(args).iter().map(String::as_str).collect::<Vec<_>>());
    let deliver_on = in_days(14);

    seen.also_err("error", run(&["sync"]).fails_with(3));
    seen.err("usage error", run(&["order", "list", "--since", "soon"]).fails_with(2));
    let login = home.run_stdin(
        &["--json", "login", "--shop", &shop.url, "--company", "ACME", "--user", "buyer", "--password-stdin"],
        "demo\n",
    );
    seen.out("procure login", login.ok());
    seen.out("procure sync", run(&["sync"]).ok());
    seen.out("procure search", run(&["search", "62052rs"]).ok());
    seen.also("procure search", run(&["search", "nothing-like-this"]).fails_with(1));
    seen.out("procure show", run(&["show", "T-BRG-0"]).ok());
    seen.also("procure show", run(&["show", "T-BRG-1"]).ok());
    seen.out("procure account", run(&["account"]).ok());
    seen.out("procure docs", run(&["docs", "T-BRG-1"]).ok());
    // A part of the demo catalog: its datasheet is the shop's own.
    let found = run(&["search", "deep groove", "-n", "50"]).ok().json();
    let demo_part = found["results"].as_array().unwrap().iter().find(|r| r["sku"].as_str().unwrap().starts_with("P-"));
    let sku = demo_part.unwrap()["sku"].as_str().unwrap().to_string();
    let dir = home.path().join("downloads");
    seen.also("procure docs", run(&["docs", &sku, "--kind", "datasheet", "--download", dir.to_str().unwrap()]).ok());
    seen.out("procure credit", run(&["credit"]).ok());
    compare_and_split(&shop, &mut seen);

    // A basket, filled by hand and from a file.
    seen.out("procure basket new", run(&["basket", "new", "weekly"]).ok());
    seen.out("procure basket add", run(&["basket", "add", "weekly", "T-BRG-1", "12"]).ok());
    seen.out("procure basket set", run(&["basket", "set", "weekly", "T-BRG-1", "14"]).ok());
    seen.also("procure basket add", run(&["basket", "add", "weekly", "T-CON-1", "2"]).ok());
    seen.out("procure basket note", run(&["basket", "note", "weekly", "T-BRG-1", "CC-4711"]).ok());
    let file = home.path().join("list.csv");
    std::fs::write(&file, "sku;qty\nT-SCR-1;200\nT-NOPE;1\n3RT2015-1BB41;2\n").unwrap();
    seen.out(
        "procure basket import",
        run(&["basket", "import", "weekly", file.to_str().unwrap(), "--add"]).fails_with(5),
    );
    seen.out("procure basket show", run(&["basket", "show", "weekly"]).ok());
    seen.out("procure basket export", run(&["basket", "export", "weekly"]).ok());

    // A basket that cannot be ordered as it is: a part no longer sold, then
    // also a quantity that is not a whole pack.
    run(&["basket", "new", "old"]).ok();
    seen.also("procure basket add", run(&["basket", "add", "old", "T-BRG-0", "2"]).ok());

    seen.out("procure basket show", run(&["basket", "show", "old"]).ok());
    run(&["basket", "add", "old", "T-SCR-1", "100"]).ok();
    let path = home.basket_file("default", "old");
    std::fs::write(&path, std::fs::read_to_string(&path).unwrap().replace("qty = 100", "qty = 150")).unwrap();
    seen.err("error", run(&["order", "preview", "--basket", "old", "--po", "X"]).fails_with(5));
    seen.out("procure basket remove", run(&["basket", "remove", "old", "T-BRG-0"]).ok());

    let checkout = |po: &'static str| -> Vec<&str> {
        vec![
            "--basket",
            "weekly",
            "--po",
            po,
            "--deliver-on",
            &deliver_on,
            "--ship-to",
            "plant-1",
            "--shipping",
            "standard",
            "--comment",
            "gate 3",
        ]
    };
    let preview = [&["order", "preview"][..], &checkout("PO-1")].concat();
    seen.also("procure order preview", run(&preview).ok());
    let submit = [&["order", "submit"][..], &checkout("PO-1")].concat();
    let done = seen.also("procure order submit", run(&submit).ok());
    let number = done["order"]["number"].as_str().unwrap().to_string();
    // The same order again: a rerun, which submit would answer with the order placed.
    seen.also("procure order preview", run(&preview).ok());
    // Another basket with that PO number: refused as submit refuses it.
    run(&["basket", "new", "other"]).ok();
    run(&["basket", "add", "other", "T-CON-1", "1"]).ok();
    seen.also_both(
        "procure order preview",
        run(&["order", "preview", "--basket", "other", "--po", "PO-1"]).fails_with(5),
    );
    run(&["basket", "delete", "other"]).ok();

    // basket list shows a basket file that cannot be read, too.
    let broken = home.basket_file("default", "broken");
    std::fs::write(&broken, "name = \"broken\"\n[[lines]]\nsku = \"T-BRG-1\"\nqty = \"many\"\n").unwrap();
    seen.out("procure basket list", run(&["basket", "list"]).ok());
    // The old bearing once more, to take its successor at the end (when the contactor is gone too).
    run(&["basket", "new", "succ"]).ok();
    run(&["basket", "add", "succ", "T-BRG-0", "2"]).ok();
    run(&["basket", "add", "succ", "T-CON-1", "2"]).ok();
    std::fs::remove_file(&broken).unwrap();
    seen.out("procure order list", run(&["order", "list"]).ok());
    seen.also("procure order show", run(&["order", "show", &number]).ok());

    // Quotes: request, the supplier offers, message, accept; a second declined.
    let q = seen.out(
        "procure quote request",
        run(&[
            "quote",
            "request",
            "--basket",
            "weekly",
            "--target",
            "T-BRG-1=5.50",
            "--deliver-on",
            &deliver_on,
            "--comment",
            "yearly volume",
        ])
        .ok(),
    );
    let qn = q["number"].as_str().unwrap().to_string();
    seen.out(
        "procure shop quote offer",
        shop.supplier(&["quote", "offer", &qn, "--discount", "5", "--message", "5 % for the volume", "--json"]).ok(),
    );
    seen.out("procure quote message", run(&["quote", "message", &qn, "4 weeks?"]).ok());
    seen.out("procure quote list", run(&["quote", "list"]).ok());
    seen.out("procure shop quote list", shop.supplier(&["quote", "list", "--json"]).ok());
    seen.out("procure quote show", run(&["quote", "show", &qn]).ok());
    seen.out("procure quote accept", run(&["quote", "accept", &qn, "--po", "PO-2"]).ok());
    let q2 = run(&["quote", "request", "--basket", "weekly"]).ok().json();
    let q2 = q2["number"].as_str().unwrap().to_string();
    shop.supplier(&["quote", "offer", &q2, "--discount", "2", "--json"]).ok();
    seen.out("procure quote decline", run(&["quote", "decline", &q2, "--reason", "too late"]).ok());

    // Approvals: two orders above the buyer's limit; the approver decides.
    run(&["basket", "new", "big"]).ok();
    run(&["basket", "add", "big", "T-CON-1", "200"]).ok();
    let a = seen.also("procure order submit", run(&["order", "submit", "--basket", "big", "--po", "PO-BIG-1"]).ok());
    let b = run(&["order", "submit", "--basket", "big", "--po", "PO-BIG-2"]).ok().json();
    assert_eq!(a["order"]["status"], "pending_approval", "{a}");
    let approver = Home::new();
    approver.login(&shop.url, "ACME", "approver");
    let arun = |args: &[&str]| approver.run(&j(args).iter().map(String::as_str).collect::<Vec<_>>());
    seen.out("procure approvals list", arun(&["approvals", "list"]).ok());
    let (an, bn) = (a["order"]["number"].as_str().unwrap(), b["order"]["number"].as_str().unwrap());
    seen.out("procure approvals approve", arun(&["approvals", "approve", an]).ok());
    seen.out("procure approvals reject", arun(&["approvals", "reject", bn, "--reason", "split it"]).ok());

    // The supplier after the order: confirms with a later date for the
    // contactor, ships part with a certificate, invoices, credits, is paid.
    let cert = home.path().join("3.1-certificate.pdf");
    std::fs::write(&cert, "%PDF-1.4 inspection certificate 3.1").unwrap();
    let promise = format!("T-CON-1={}", in_days(21));
    let certificate = format!("T-BRG-1={}", cert.display());
    seen.out(
        "procure shop order confirm",
        shop.supplier(&["order", "confirm", &number, "--promise", &promise, "--json"]).ok(),
    );
    let ship = ["order", "ship", &number, "T-BRG-1=10", "--carrier", "DHL Freight", "--tracking", "JJD000390007"];
    seen.out(
        "procure shop order ship",
        shop.supplier(&[&ship[..], &["--certificate", &certificate, "--json"]].concat()).ok(),
    );
    seen.also("procure docs", run(&["docs", "--order", &number]).ok());
    let inv = seen.out("procure shop invoice issue", shop.supplier(&["invoice", "issue", &number, "--json"]).ok());
    let inv = inv["number"].as_str().unwrap().to_string();
    let credit = ["invoice", "credit", &inv, "T-BRG-1=2", "--reason", "2 damaged in transit", "--json"];
    seen.out("procure shop invoice credit", shop.supplier(&credit).ok());
    let pay = ["invoice", "pay", &inv, "--amount", "50.00", "--reference", "bank transfer 4711", "--json"];
    seen.out("procure shop invoice pay", shop.supplier(&pay).ok());
    seen.out("procure shop invoice show", shop.supplier(&["invoice", "show", &inv, "--json"]).ok());
    seen.out(
        "procure shop invoice list",
        shop.supplier(&["invoice", "list", "--company", "ACME", "--open", "--json"]).ok(),
    );

    // A second supplier: BOLT sells the bearing under its own SKU and the
    // screw only from another maker.
    let bolt = Shop::start(300);
    assert!(bolt.import(BOLT_PARTS, None).status.success());
    home.run_stdin(
        &[
            "--profile",
            "bolt",
            "login",
            "--shop",
            &bolt.url,
            "--company",
            "ACME",
            "--user",
            "buyer",
            "--password-stdin",
        ],
        "demo\n",
    )
    .ok();
    seen.also("procure sync", run(&["sync", "--all"]).ok());
    seen.out("procure suppliers list", run(&["suppliers"]).ok());
    seen.out("procure suppliers default", run(&["suppliers", "default", "bolt"]).ok());
    run(&["suppliers", "default", "default"]).ok();
    seen.also("procure search", run(&["search", "--all-suppliers", "6205-2rsh"]).ok());
    seen.out("procure basket copy", run(&["basket", "copy", "weekly", "--to", "bolt"]).fails_with(5));
    seen.also("procure order list", run(&["order", "list", "--all-suppliers", "-n", "2"]).ok());
    seen.also("procure quote list", run(&["quote", "list", "--all-suppliers"]).ok());

    // The supplier raises a price: the order stops until the buyer agrees.
    let raised = "company,sku,min_qty,unit_price\nACME,T-BRG-1,1,6.90\nACME,T-BRG-1,10,6.30\nACME,T-CON-1,1,31.00\n";
    assert!(shop.import(CATALOG, Some(raised)).status.success());
    let again = [&["order", "submit"][..], &checkout("PO-3")].concat();
    seen.err("error", run(&again).fails_with(6));
    let preview = [&["order", "preview"][..], &checkout("PO-3"), &["--yes"]].concat();
    seen.out("procure order preview", run(&preview).ok());
    let yes = [&again[..], &["--yes"]].concat();
    seen.out("procure order submit", run(&yes).ok());

    peppol(&shop, &mut seen);
    after_the_order(&shop, &home, &mut seen);

    // The screw is replaced and the contactor gone: a reorder says so.
    assert!(shop.import(RETIRED, None).status.success());
    seen.also("procure sync", run(&["sync"]).ok());
    seen.out("procure order reorder", run(&["order", "reorder", &number, "--into", "again"]).fails_with(5));
    seen.out("procure basket replace-discontinued", run(&["basket", "replace-discontinued", "succ"]).fails_with(5));
    seen.out("procure basket rename", run(&["basket", "rename", "again", "again2"]).ok());
    seen.out("procure basket delete", run(&["basket", "delete", "again2"]).ok());

    // A submission that waits for a shop that went away.
    let relay = relay(&shop.url, |_| false, |_| false);
    let away = Home::synced(&relay.url, "ACME", "buyer");
    away.run(&["basket", "new", "spares"]).ok();
    away.run(&["basket", "add", "spares", "T-BRG-1", "2"]).ok();
    let wrun = |args: &[&str]| away.run(&j(args).iter().map(String::as_str).collect::<Vec<_>>());
    // Seen once online: shown as last seen while the shop is away.
    for seen_online in [&["quote", "list"][..], &["credit"], &["account"]] {
        wrun(seen_online).ok();
    }
    relay.set(Fault::Down);
    seen.also("procure quote list", wrun(&["quote", "list"]).ok());
    seen.also("procure credit", wrun(&["credit"]).ok());
    seen.also("procure account", wrun(&["account"]).ok());
    seen.also_err("error", wrun(&["order", "submit", "--basket", "spares", "--po", "W-1"]).fails_with(4));
    seen.out("procure order pending", wrun(&["order", "pending"]).ok());
    seen.out("procure order discard-pending", wrun(&["order", "discard-pending", "spares"]).ok());
    // The local history, shown offline with its date.
    seen.also("procure order late", wrun(&["order", "late"]).ok());
    seen.also("procure statement", wrun(&["statement"]).ok());

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
    seen
}

/// Two suppliers compared: the shop above (euros) and one in dollars with
/// the bearing and another maker's screw of the same type number.
fn compare_and_split(shop: &Shop, seen: &mut Seen) {
    let bolt = Shop::start(0);
    let catalog = "sku,name,mpn,manufacturer,gtin,pack_size,min_qty,order_step,lead_time_days,stock,list_price\n\
        B-6205,Ball bearing 6205-2RSH/C3,6205-2RSH/C3,SKF,,1,10,1,5,8,8.00\n\
        B-933,Hex screw M8x25 A2,DIN 933 M8x25 A2-70,Bossard,,1,1,1,2,900,0.09\n\
        B-XR9,Crossed roller bearing,XR-9000,SKF,,1,1,1,30,0,\n";
    let prices = "company,sku,min_qty,unit_price,currency\nACME,B-6205,1,8.00,USD\nACME,B-6205,20,6.00,USD\n\
        ACME,B-933,1,0.09,USD\n";
    assert!(bolt.import(catalog, Some(prices)).status.success());
    let home = Home::new();
    for (profile, url) in [("acme", &shop.url), ("bolt", &bolt.url)] {
        home.run_stdin(
            &["login", "--profile", profile, "--shop", url, "--company", "ACME", "--user", "buyer", "--password-stdin"],
            "demo\n",
        )
        .ok();
        home.run(&["--profile", profile, "sync"]).ok();
    }
    // And a supplier never synced.
    home.write_config(
        "\n[profiles.old]\nshop = \"http://127.0.0.1:9\"\ncompany = \"ACME\"\nuser = \"buyer\"\n\n\
         [compare]\nrates = { USD = \"0.86\" }\n",
    );
    let run = |args: &[&str]| home.run(&[&["--json"][..], args].concat());
    seen.out("procure compare", run(&["compare", "6205-2RS", "--qty", "9"]).ok());
    seen.also("procure compare", run(&["compare", "DIN 933 M8x25", "--qty", "150", "--by", "date"]).ok());
    let list = home.path().join("bom.csv");
    std::fs::write(&list, "part;qty\n6205-2RSH/C3;9\n3RT2015-1BB41;2\nNOPE-1;1\nDIN 933 M8x25 A2-70;200\nXR-9000;1\n")
        .unwrap();
    let split = |extra: &[&str]| run(&[&["basket", "split", list.to_str().unwrap()][..], extra].concat());
    seen.out("procure basket split", split(&["--prefix", "bom", "--max-suppliers", "2"]).fails_with(5));
    seen.also("procure basket split", split(&["--prefix", "bom", "--replace", "--by", "date"]).fails_with(5));
}

/// After the order: the supplier confirms with a line promised late, ships
/// in part with tracking and a certificate, invoices one line 3 % above the
/// order, credits it and is paid in part; the buyer chases, receives,
/// checks, disputes and reads the statement.
fn after_the_order(shop: &Shop, home: &Home, seen: &mut Seen) {
    let run = |args: &[&str]| home.run(&[&["--json"][..], args].concat());
    run(&["basket", "new", "after"]).ok();
    run(&["basket", "add", "after", "T-BRG-1", "14"]).ok();
    run(&["basket", "add", "after", "T-CON-1", "2"]).ok();
    let submit = ["order", "submit", "--basket", "after", "--po", "PO-A-1", "--deliver-on", &in_days(14), "--yes"];
    let number = run(&submit).ok().json()["order"]["number"].as_str().unwrap().to_string();
    let number = number.as_str();
    shop.supplier(&["order", "confirm", number, "--promise", &format!("T-CON-1={}", in_days(21))]).ok();
    seen.out("procure order late", run(&["--profile", "default", "order", "late"]).ok());
    let cert = home.path().join("3.1-T-BRG-1.txt");
    std::fs::write(&cert, "EN 10204 3.1\n").unwrap();
    let certificate = format!("T-BRG-1={}", cert.display());
    let ship = ["order", "ship", number, "T-BRG-1=6", "T-CON-1=2", "--carrier", "DHL", "--tracking", "JJD0099887766"];
    shop.supplier(&[&ship[..], &["--certificate", &certificate]].concat()).ok();
    let receive = ["order", "receive", number, "T-BRG-1=6", "T-CON-1=2", "--id", "DN-1", "--note", "gate 3"];
    seen.out("procure order receive", run(&receive).ok());
    seen.also("procure order receive", run(&["order", "receive", number, "--all"]).ok());
    let inv = shop.supplier(&["invoice", "issue", number, "--price", "T-BRG-1=6.489", "--json"]).ok().json();
    let inv = inv["number"].as_str().unwrap().to_string();
    seen.out("procure order show", run(&["order", "show", number]).ok());
    seen.out("procure invoice check", run(&["invoice", "check", &inv]).fails_with(8));
    let reason = "T-BRG-1 is 3 % above the order";
    seen.out("procure invoice dispute", run(&["invoice", "dispute", &inv, "--reason", reason]).ok());
    let cn = shop.supplier(&["invoice", "credit", &inv, "T-BRG-1=6", "--reason", "price as ordered", "--json"]);
    let cn = cn.ok().json()["number"].as_str().unwrap().to_string();
    shop.supplier(&["invoice", "pay", &inv, "--amount", "100.00", "--reference", "bank 4711"]).ok();
    seen.out("procure invoice show", run(&["invoice", "show", &inv]).ok());
    seen.also("procure invoice show", run(&["invoice", "show", &cn]).ok());
    seen.also("procure invoice check", run(&["invoice", "check", &cn]).ok());
    // The seeded history's due dates (end of month) make days overdue
    // depend on the day the test runs: these two are held to their shape.
    seen.also("procure invoice list", run(&["invoice", "list", "--open"]).ok());
    seen.also("procure invoice list", run(&["invoice", "list"]).ok());
    seen.also("procure invoice list", run(&["invoice", "list", "--overdue"]).ok());
    seen.also("procure statement", run(&["statement"]).ok());
}

/// The shop as a Peppol supplier: procure sends an order as a file, the
/// shop answers it, the order shows the answer.
fn peppol(shop: &Shop, seen: &mut Seen) {
    let home = Home::new();
    let p = home.path();
    let (catalogue, orders, answers) = (p.join("catalogue.xml"), p.join("orders"), p.join("answers"));
    std::fs::create_dir_all(&orders).unwrap();
    std::fs::create_dir_all(&answers).unwrap();
    let (catalogue_, orders_, answers_) =
        (catalogue.to_str().unwrap(), orders.to_str().unwrap(), answers.to_str().unwrap());
    let party = |cmd: &str, args: &[&str]| shop.supplier(&[&["peppol", cmd, "--company", "ACME"][..], args].concat());
    party("catalogue", &["--buyer-endpoint", "0106:12345678", "--out", catalogue_]).ok();
    home.write_config(&format!(
        "default_profile = \"acme-peppol\"\n\n[profiles.acme-peppol]\nbackend = \"peppol\"\ncatalogue = {:?}\n\
         outbox = {:?}\ninbox = {:?}\nbuyer_endpoint = \"0106:12345678\"\nbuyer_name = \"Acme\"\n\
         buyer_street = \"Hauptstraße 1\"\nbuyer_postal_code = \"50667\"\nbuyer_city = \"Köln\"\nbuyer_country = \"DE\"\n\
         buyer_contact = \"Jörg Einkäufer\"\nbuyer_email = \"einkauf@acme.example\"\n",
        catalogue_, orders_, answers_
    ));
    home.run(&["sync"]).ok();
    home.run(&["basket", "new", "p"]).ok();
    home.run(&["basket", "add", "p", "T-BRG-1", "12"]).ok();
    home.run(&["basket", "add", "p", "T-CON-1", "20"]).ok();
    // The contactor takes longer than asked for: the answer changes the date.
    let submit = ["--json", "order", "submit", "--basket", "p", "--po", "PO-P-1", "--deliver-on", &in_days(4)];
    let done = seen.also("procure order submit", home.run(&submit).ok());
    let number = done["order"]["number"].as_str().unwrap().to_string();
    std::fs::write(orders.join("scan.xml"), "<Invoice/>").unwrap();
    let answered = party("orders", &["--inbox", orders_, "--outbox", answers_, "--json"]);
    seen.out("procure shop peppol orders", answered.fails_with(5));
    seen.also("procure order show", home.run(&["--json", "order", "show", &number]).ok());
}

#[test]
fn every_documented_command_prints_the_documented_json() {
    let doc = parse_doc(DOC);
    let mut problems: Vec<String> = doc.sections.iter().flat_map(|(n, s)| doc_problems(n, s)).collect();
    if doc.amounts.is_empty() || doc.unit_prices.is_empty() {
        problems.push("docs/json.md names no amounts or no unit prices in its conventions".into());
    }

    let seen = run_everything();
    if let Ok(dump) = std::env::var("PROCURE_JSON_DUMP") {
        let plain: BTreeMap<&String, Vec<&Value>> =
            seen.0.iter().map(|(k, v)| (k, v.iter().map(|(_, v)| v).collect())).collect();
        std::fs::write(dump, serde_json::to_string_pretty(&plain).unwrap()).unwrap();
    }

    for name in doc.sections.keys().filter(|n| !seen.0.contains_key(*n)) {
        problems.push(format!("{name}: documented but not run by this test"));
    }
    for (name, outputs) in &seen.0 {
        let Some(section) = doc.sections.get(name) else {
            problems.push(format!("{name}: prints JSON but has no section in docs/json.md"));
            continue;
        };
        for (mode, v) in outputs {
            let mut p = Vec::new();
            best(&section.examples, v, "", "", *mode, section, &mut p);
            check_decimals(v, &doc.amounts, 2..=2, "", &mut p);
            check_decimals(v, &doc.unit_prices, 0..=6, "", &mut p);
            problems.extend(p.into_iter().map(|p| format!("{name}: {p}")));
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "docs/json.md and the commands disagree:\n{}", problems.join("\n"));
}

/// Every command takes `--json`; each is documented in docs/json.md or
/// listed there as printing no JSON, and one with a `--json` flag of its
/// own prints JSON.
#[test]
fn every_command_is_documented_or_listed_as_printing_no_json() {
    let doc = parse_doc(DOC);
    let mut problems = Vec::new();
    let all = commands();
    for (name, own_flag) in &all {
        let documented = doc.sections.contains_key(name);
        let listed = doc.no_json.contains(name);
        match (documented, listed) {
            (false, false) => {
                problems.push(format!("{name}: neither documented in docs/json.md nor listed as printing no JSON"))
            }
            (true, true) => problems.push(format!("{name}: documented and listed as printing no JSON")),
            (false, true) if *own_flag => {
                problems.push(format!("{name}: has --json of its own, listed as printing no JSON"))
            }
            _ => {}
        }
    }
    let names: BTreeSet<&String> = all.iter().map(|(n, _)| n).collect();
    for name in doc.sections.keys().filter(|n| n.starts_with("procure ")).chain(&doc.no_json) {
        if !names.contains(name) {
            problems.push(format!("{name}: in docs/json.md, but procure has no such command"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_catches_what_it_should() {
    let section = |json: &str, nullable: &[&str], absent: &[&str]| {
        let mut s = Section {
            examples: vec![serde_json::from_str(json).unwrap()],
            nullable: nullable.iter().map(|s| s.to_string()).collect(),
            absent: absent.iter().map(|s| s.to_string()).collect(),
            typed: BTreeMap::new(),
        };
        s.learn_types();
        s
    };
    let s = section(
        r#"{"a": "1.00", "at": "<time>", "b": [{"c": 1, "d": {"e": "x"}}, "…"], "f": true, "g": ["k"]}"#,
        &["b[].d.e", "g"],
        &["f"],
    );
    let check = |actual: &str, mode: Mode| {
        let mut p = Vec::new();
        best(&s.examples, &serde_json::from_str(actual).unwrap(), "", "", mode, &s, &mut p);
        p
    };
    let fine = r#"{"a": "1.00", "at": "2026-12-01T07:57:38.315Z", "b": [{"c": 1, "d": {"e": null}}, {"c": 7, "d": {"e": "y"}}], "f": true, "g": null}"#;
    assert_eq!(check(fine, Mode::Literal), Vec::<String>::new());
    // Values are compared, unless the run is only held to the shape.
    let other = r#"{"a": "2.50", "at": "2026-12-01T07:57:38Z", "b": [{"c": 2, "d": {"e": "z"}}], "g": ["m"]}"#;
    assert_eq!(check(other, Mode::Shape), Vec::<String>::new());
    assert_eq!(
        check(other, Mode::Literal),
        vec![
            "a is \"2.50\", documented \"1.00\"",
            "b[0].c is 2, documented 1",
            "b[0].d.e is \"z\", documented \"x\"",
            "g[0] is \"m\", documented \"k\""
        ]
    );
    // Nested fields: undocumented, missing, of another type, null where it cannot be.
    let bad = r#"{"a": 1, "at": "yesterday", "b": [{"c": 1, "d": {"e": "x", "z": 0}}, {"c": null, "d": {}}], "g": []}"#;
    assert_eq!(
        check(bad, Mode::Shape),
        vec![
            "a is number, documented as string",
            "at: \"yesterday\" is not a <time>",
            "b[0].d.z is not documented",
            "b[1].c is null, documented as number that cannot be null",
            "b[1].d.e is documented but missing",
        ]
    );
    // An array shown without "…" has as many elements as shown.
    assert_eq!(
        check(r#"{"a": "1.00", "at": "2026-12-01T07:57:38Z", "b": [], "g": ["k", "k"]}"#, Mode::Literal),
        vec!["b has 0 elements, documented 1 or more", "g has 2 elements, documented 1"]
    );
    // Amounts have two decimals.
    let mut p = Vec::new();
    let names: BTreeSet<String> = ["net".to_string()].into();
    check_decimals(&serde_json::json!({"t": {"net": "0"}, "l": [{"net": "1.50"}]}), &names, 2..=2, "", &mut p);
    assert_eq!(p, vec!["t.net is \"0\": not a decimal with 2..=2 decimals"]);
    // The doc itself: a null shows no type.
    let d =
        section(r#"{"a": null, "b": "<when>", "c": [{"n": null}, {"n": 1}], "e": null}"#, &["a", "c[].n", "zz"], &[]);
    assert_eq!(
        doc_problems("x", &d),
        vec![
            "docs/json.md, x: `a` is only shown as null: show a value, so its type is documented",
            "docs/json.md, x: `b` = \"<when>\": the doc's placeholder <when> is not one of the conventions",
            "docs/json.md, x: `e` is shown as null but not listed under \"Can be null\"",
            "docs/json.md, x: `zz` is listed but not in the example",
        ]
    );
    // A null shown where a value of the field is shown elsewhere: that
    // value's type.
    let mut p = Vec::new();
    conform(&d.examples[0]["c"][0], &serde_json::json!({"n": "x"}), "c[]", "c[0]", Mode::Literal, &d, &mut p);
    assert_eq!(p, vec!["c[0].n is string, documented as number"]);
}
