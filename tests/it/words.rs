//! Words that say what is true: the README's tour runs on the demo as it
//! is written, whatever the date; errors and lists name what they are
//! about; every line of text output says all it knows.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// `procure demo --serve` until dropped: the demo shop and its profiles,
/// as a new user starts them.
struct Demo {
    child: std::process::Child,
}

impl Demo {
    fn start(home: &Home) -> Demo {
        let mut child = home
            .cmd(&["demo", "--serve", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let mut said = String::new();
        loop {
            line.clear();
            assert!(err.read_line(&mut line).unwrap() > 0, "the demo stopped:\n{said}");
            said.push_str(&line);
            if line.contains("Press Ctrl-C") {
                break;
            }
        }
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        Demo { child }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The words of a shell line (`"a b"` is one word; a `#` comment ends it).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut w = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            '#' if !quoted => break,
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut w));
                    any = false;
                }
            }
            c => {
                w.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(w);
    }
    out
}

/// The README's short tour, run on the demo as it is written: every line
/// that a demo buyer can run must succeed whatever today's date (the order
/// lines ask for a delivery a month from today). The lines left out need
/// what the demo does not have, and say why.
#[test]
fn the_readme_tour_runs_on_the_demo_as_written() {
    let readme = include_str!("../../README.md");
    let tour = readme.split("## A short tour").nth(1).unwrap();
    let block = tour.split("```sh").nth(1).unwrap().split("```").next().unwrap();
    // Not the demo's: another shop, files and baskets the demo has not, or
    // the approver's commands (the buyer runs the tour).
    let elsewhere = [
        ("procure login", "logs in to another shop (the demo is logged in)"),
        ("procure sync", "run by the demo"),
        ("procure basket new weekly", "the demo made the weekly basket"),
        ("procure basket import", "needs the buyer's list.csv"),
        ("procure quote", "needs the buyer's yearly basket and quotes"),
        ("procure approvals", "the approver's commands"),
    ];
    let home = Home::new();
    let _demo = Demo::start(&home);
    let cwd = tempfile::tempdir().unwrap();
    let mut ran = Vec::new();
    for line in block.lines().map(str::trim).filter(|l| l.starts_with("procure ")) {
        if elsewhere.iter().any(|(start, _)| line.starts_with(start)) {
            continue;
        }
        let args = words(line);
        let out = Command::new(BIN)
            .args(&args[1..])
            .current_dir(cwd.path())
            .env("PROCURE_HOME", home.path())
            .env_remove("PROCURE_PROFILE")
            // The tour opens a datasheet: here no viewer, a program that succeeds.
            .env("PROCURE_OPENER", "true")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let run = Run(out);
        assert_eq!(run.code(), 0, "the tour's line fails on the demo: {line}\n{}{}", run.stdout(), run.stderr());
        ran.push(args[1..args.len().min(3)].join(" "));
    }
    for wanted in ["order preview", "order submit", "order show", "order reorder", "basket show", "docs P-100233"] {
        assert!(ran.iter().any(|r| r == wanted), "the tour runs `procure {wanted}`: {ran:?}");
    }
}

/// The earliest delivery names the line that sets it, and the basket
/// shows stock and lead time, the figures it comes from. A delivery date
/// can be given from today.
#[test]
fn the_earliest_delivery_names_its_line_and_the_basket_shows_stock_and_lead_time() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "w"]).ok();
    home.run(&["basket", "add", "w", "T-CON-1", "20"]).ok();
    home.run(&["basket", "add", "w", "T-BRG-1", "10"]).ok();
    let early = home.run(&["order", "preview", "--basket", "w", "--po", "E-1", "--deliver-on", "+1d"]).fails_with(5);
    assert!(
        early.stderr().contains("(T-CON-1: 20 ordered, 12 in stock, lead time 5 days)"),
        "the line that sets the date: {}",
        early.stderr()
    );
    let shown = home.run(&["basket", "show", "w"]).ok().stdout();
    assert!(shown.contains("STOCK") && shown.contains("LEAD"), "{shown}");
    let con = shown.lines().find(|l| l.contains("T-CON-1")).unwrap();
    assert!(con.contains(" 12 ") && con.contains("5 d"), "{con}");
    assert!(shown.contains("12 of T-CON-1 in stock: delivery takes its lead time, 5 days"), "{shown}");
    let later = home.run(&["--json", "order", "preview", "--basket", "w", "--po", "E-1", "--deliver-on", "+3w"]).ok();
    let want = (chrono::Local::now().date_naive() + chrono::Duration::days(21)).to_string();
    assert_eq!(later.json()["draft"]["requested_delivery_date"], want.as_str());
    let bad = home.run(&["order", "preview", "--basket", "w", "--po", "E-1", "--deliver-on", "+3x"]).fails_with(2);
    assert!(bad.stderr().contains("+30d"), "{}", bad.stderr());
}

/// After logging in to a second profile, the next command names it.
#[test]
fn login_names_the_profile_in_the_next_command() {
    let shop = shop_with_catalog();
    let home = Home::new();
    let first = home.login(&shop.url, "ACME", "buyer");
    assert!(first.stderr().contains("Next: procure sync"), "{}", first.stderr());
    let second = home
        .run_stdin(&["login", "--profile", "kraemer", "--shop", &shop.url, "--company", "BOLT", "--user", "buyer"], "")
        .fails_with(2);
    assert!(second.stderr().contains("password"), "{}", second.stderr());
    let second = home
        .run_stdin(
            &[
                "login",
                "--profile",
                "kraemer",
                "--shop",
                &shop.url,
                "--company",
                "BOLT",
                "--user",
                "buyer",
                "--password-stdin",
            ],
            "demo\n",
        )
        .ok();
    assert!(second.stderr().contains("Next: procure --profile kraemer sync"), "{}", second.stderr());
    home.run(&["--profile", "kraemer", "sync"]).ok();
}

/// A filter without a match says so; no orders at all is another thing.
#[test]
fn an_order_list_without_a_match_says_none_match() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let all = home.run(&["--json", "order", "list"]).ok().json();
    assert!(!all.as_array().unwrap().is_empty(), "the demo company has orders");
    let none = home.run(&["order", "list", "--status", "shipped", "--po", "no-such-po", "--since", "2026-11-01"]).ok();
    assert!(none.stderr().contains("No orders match."), "{}", none.stderr());
    assert!(!none.stderr().contains("yet"), "{}", none.stderr());
}

/// The small things a daily user reads: line notes on an order, the
/// ship-to and shipping method a preview uses, a quote's total with its
/// shipping, singulars, a note set, the header of the approvals list.
#[test]
fn text_output_says_all_it_knows() {
    let shop = shop_with_catalog();
    assert!(
        shop.import("sku,name,lead_time_days,stock,list_price\nT-ONE-1,Cable tie,1,0,0.10\n", None).status.success()
    );
    let home = Home::synced(&shop.url, "ACME", "buyer");
    home.run(&["basket", "new", "w"]).ok();
    home.run(&["basket", "add", "w", "T-BRG-1", "10"]).ok();
    let noted = home.run(&["basket", "note", "w", "T-BRG-1", "CC-4711"]).ok();
    assert!(noted.stderr().contains("note \"CC-4711\""), "basket note says what it did: {}", noted.stderr());
    let file = home.path().join("one.csv");
    std::fs::write(&file, "T-CON-1;1\n").unwrap();
    let import = home.run(&["basket", "import", "w", file.to_str().unwrap(), "--add"]).ok();
    assert!(import.stderr().contains("Added 1 line to"), "{}", import.stderr());
    assert!(home.run(&["show", "T-ONE-1"]).ok().stdout().contains("lead time 1 day\n"));

    let preview = home.run(&["order", "preview", "--basket", "w", "--po", "N-1", "--ship-to", "plant-2"]).ok().stdout();
    let marked: Vec<&str> = preview.lines().filter(|l| l.contains("▶")).collect();
    assert!(marked.iter().any(|l| l.contains("ship-to") && l.contains("plant-2")), "{preview}");
    assert!(marked.iter().any(|l| l.contains("shipping") && l.contains("standard")), "the company's first: {preview}");
    assert!(!marked.iter().any(|l| l.contains("plant-1")), "{preview}");

    let placed = home.run(&["--json", "order", "submit", "--basket", "w", "--po", "N-1"]).ok().json();
    let shown = home.run(&["order", "show", placed["order"]["number"].as_str().unwrap()]).ok().stdout();
    let line = shown.lines().find(|l| l.contains("T-BRG-1")).unwrap();
    assert!(line.contains("CC-4711"), "the line's note: {shown}");

    let q = home.run(&["--json", "quote", "request", "--basket", "w"]).ok().json();
    let qn = q["number"].as_str().unwrap();
    shop.supplier(&["quote", "offer", qn, "--discount", "5"]).ok();
    let quote = home.run(&["quote", "show", qn]).ok().stdout();
    assert!(quote.contains("shipping 6.90"), "the offer's total with its shipping: {quote}");

    let approver = Home::new();
    approver.login(&shop.url, "ACME", "approver");
    home.run(&["basket", "new", "big"]).ok();
    home.run(&["basket", "add", "big", "T-CON-1", "200"]).ok();
    home.run(&["order", "submit", "--basket", "big", "--po", "BIG-1"]).ok();
    let list = approver.run(&["approvals", "list"]).ok().stdout();
    let first = list.lines().next().unwrap_or_default();
    assert!(first.contains("ORDER") && first.contains("PO") && first.contains("NET"), "a header row: {list}");
}

/// Bash completes basket names where a command takes one, from the
/// baskets of the profile on the command line.
#[test]
fn bash_completes_basket_names() {
    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    for b in ["weekly", "wartung", "yearly"] {
        home.run(&["basket", "new", b]).ok();
    }
    let script = home.path().join("procure.bash");
    std::fs::write(&script, home.run(&["completions", "bash"]).ok().0.stdout).unwrap();
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let complete = |line: &str| -> Vec<String> {
        let words: Vec<&str> = line.split(' ').collect();
        let cmd = format!(
            "source {script:?}; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE={line:?}; COMP_POINT=${{#COMP_LINE}}; \
             _procure_baskets procure \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            words.iter().map(|w| format!("{w:?}")).collect::<Vec<_>>().join(" "),
            words.len() - 1
        );
        let out = Command::new("bash")
            .args(["-c", &cmd])
            .env("PROCURE_HOME", home.path())
            .env("PATH", format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default()))
            .output()
            .unwrap();
        let mut got: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
        got.retain(|l| !l.is_empty());
        got.sort();
        got
    };
    assert_eq!(complete("procure basket show w"), ["wartung", "weekly"]);
    assert_eq!(complete("procure basket add "), ["wartung", "weekly", "yearly"]);
    assert_eq!(complete("procure order preview --basket y"), ["yearly"]);
    assert_eq!(complete("procure order reorder SO-ACME-1001 --into we"), ["weekly"]);
    // Elsewhere the generated completion answers: subcommands, not baskets.
    assert!(complete("procure basket sh").contains(&"show".to_string()));
}

/// Every command of the tree (`procure … --help`, the subcommands listed
/// under "Commands:"), each with its help text.
fn leaves(prefix: &[String]) -> Vec<(String, String)> {
    let out = Command::new(BIN).args(prefix).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    let subs: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|s| s != "help")
        .collect();
    if subs.is_empty() {
        return vec![(prefix.join(" "), help)];
    }
    subs.iter().flat_map(|s| leaves(&[prefix, std::slice::from_ref(s)].concat())).collect()
}

/// The help says what the code does: every command has examples, with the
/// numbers a shop gives (SO-ACME-1001, not SO-100001), every option of the
/// supplier's `shop` commands an example, and the rules it states are the
/// ones applied (a basket name may hold a `.`, an import reads UTF-16).
#[test]
fn help_texts_say_what_the_code_does() {
    let all = leaves(&[]);
    assert!(all.len() > 40, "{} commands", all.len());
    for (cmd, help) in &all {
        assert!(help.contains("Examples:"), "`procure {cmd} --help` has no examples:\n{help}");
        assert!(!help.contains("SO-1000") && !help.contains("Q-1000"), "`procure {cmd}`: old numbers:\n{help}");
        if cmd.starts_with("shop ") {
            let own = help.split("Global options:").next().unwrap();
            let options = own
                .lines()
                .map(str::trim_start)
                .filter(|l| {
                    l.starts_with("--") || l.starts_with('<') || (l.starts_with('-') && l.get(2..5) == Some(", -"))
                })
                .filter(|l| !l.contains("--help"))
                .count();
            assert!(
                own.matches("Example:").count() >= options,
                "`procure {cmd}`: an option without an example:\n{help}"
            );
        }
    }

    let shop = shop_with_catalog();
    let home = Home::synced(&shop.url, "ACME", "buyer");
    let new = all.iter().find(|(c, _)| c == "basket new").unwrap();
    assert!(new.1.contains("letters, digits, -, _ and ."), "{}", new.1);
    home.run(&["basket", "new", "a.b"]).ok();
    let import = all.iter().find(|(c, _)| c == "basket import").unwrap();
    assert!(import.1.contains("UTF-16"), "{}", import.1);
    let file = home.path().join("utf16.csv");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend("sku;qty\r\nT-BRG-1;3\r\n".encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&file, bytes).unwrap();
    home.run(&["basket", "import", "a.b", file.to_str().unwrap()]).ok();
    let b = home.run(&["--json", "basket", "show", "a.b"]).ok().json();
    assert_eq!(b["lines"][0]["quantity"], 3, "{b}");
}

/// The README's weekly reorder script, as written, run three times on the
/// demo: one order, the reruns say it was placed already, every run exit 0.
#[test]
fn the_readme_weekly_reorder_script_places_one_order_in_three_runs() {
    let readme = include_str!("../../README.md");
    let section = readme.split("### A weekly reorder script").nth(1).unwrap();
    let script = section.split("```sh").nth(1).unwrap().split("```").next().unwrap();
    let home = Home::new();
    let _demo = Demo::start(&home);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("weekly-reorder");
    std::fs::write(&file, script).unwrap();
    let bin = std::path::Path::new(BIN).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let run = || {
        Run(Command::new("sh")
            .arg(&file)
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("PROCURE_HOME", home.path())
            .env_remove("PROCURE_PROFILE")
            .stdin(Stdio::null())
            .output()
            .unwrap())
    };
    let first = run().ok().stdout();
    let (number, po) = first.trim().strip_prefix("placed ").and_then(|r| r.split_once(" as ")).expect(&first);
    for _ in 0..2 {
        let again = run().ok().stdout();
        assert_eq!(again.trim(), format!("{po} was placed already as {number}"));
    }
    assert_eq!(orders_with_po(&home, po).len(), 1, "one order for {po}");
}
