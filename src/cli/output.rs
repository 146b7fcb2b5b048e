//! Printing: text for people, JSON for scripts; errors on stderr.

use procure_client::service::{Error, ErrorKind, Remedy};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

pub struct Out {
    pub json: bool,
    /// Mark matches in text output (`--color`; never with `--json`).
    pub color: bool,
}

/// The version of the JSON shapes documented in docs/json.md. Every JSON
/// object procure prints at the top level carries it; lists are arrays of
/// such shapes and carry none.
pub const SCHEMA_VERSION: u32 = 1;

/// `value` with `schema_version`, if it is an object.
pub fn versioned(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(fields) => {
            let mut out = serde_json::Map::new();
            out.insert("schema_version".into(), SCHEMA_VERSION.into());
            out.extend(fields.into_iter().filter(|(k, _)| k != "schema_version"));
            serde_json::Value::Object(out)
        }
        other => other,
    }
}

impl Out {
    pub fn new(json: bool) -> Self {
        Out { json, color: false }
    }

    /// `--color`: `always`, `never`, or `auto` (the default): when stdout
    /// is a terminal and NO_COLOR is not set.
    pub fn with_color(mut self, mode: Option<&str>) -> Self {
        let auto = || std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        self.color = !self.json
            && match mode {
                Some("always") => true,
                Some("never") => false,
                _ => auto(),
            };
        self
    }

    pub fn data<T: Serialize>(&self, value: &T) {
        let mut stdout = std::io::stdout().lock();
        match serde_json::to_value(value).and_then(|v| serde_json::to_string_pretty(&versioned(v))) {
            Ok(s) => {
                let _ = writeln!(stdout, "{}", procure_client::core::sanitize::escape_json(s));
            }
            Err(e) => eprintln!("error: cannot encode JSON: {e}"),
        }
    }

    /// A list the shop gave now or as last seen: with `--json` each row
    /// of one last seen carries `as_of` and `offline`; in text a note on
    /// stderr says since when.
    pub fn seen_list<T: Serialize>(&self, rows: &[T], offline: bool, as_of: chrono::DateTime<chrono::Utc>, what: &str) {
        if offline && !self.json {
            self.note(format!(
                "Offline: the shop did not answer; {what} as last seen {}.",
                as_of.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        if !self.json {
            return;
        }
        let mut value = serde_json::to_value(rows).unwrap_or_default();
        if offline && let serde_json::Value::Array(items) = &mut value {
            for item in items {
                if let serde_json::Value::Object(m) = item {
                    m.insert("as_of".into(), serde_json::json!(as_of));
                    m.insert("offline".into(), true.into());
                }
            }
        }
        self.data(&value);
    }

    pub fn line(&self, text: impl AsRef<str>) {
        let _ = writeln!(std::io::stdout().lock(), "{}", text.as_ref());
    }

    /// Lines written at once: a long list is a write, not a write a line.
    pub fn lines(&self, lines: impl IntoIterator<Item = String>) {
        let mut text = String::new();
        for l in lines {
            text.push_str(&l);
            text.push('\n');
        }
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }

    /// A message for the person at the terminal (stderr; never mixed with data).
    pub fn note(&self, text: impl AsRef<str>) {
        let _ = writeln!(std::io::stderr().lock(), "{}", text.as_ref());
    }

    pub fn interactive(&self) -> bool {
        !self.json && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }

    /// Bad arguments, as JSON on stderr (clap prints its own without `--json`).
    pub fn fail_usage(&self, message: &str, usage: Option<&str>) -> ExitCode {
        let kind = ErrorKind::Usage;
        let body = serde_json::json!({
            "schema_version": SCHEMA_VERSION,
            "error": { "kind": kind, "exit_code": kind.exit_code(), "message": message, "usage": usage },
        });
        let _ = writeln!(std::io::stderr().lock(), "{body:#}");
        ExitCode::from(kind.exit_code())
    }

    pub fn fail(&self, e: &Error) -> ExitCode {
        let kind = e.kind();
        if self.json {
            #[derive(Serialize)]
            struct Body<'a> {
                schema_version: u32,
                error: ErrBody<'a>,
            }
            #[derive(Serialize)]
            struct ErrBody<'a> {
                kind: ErrorKind,
                exit_code: u8,
                #[serde(skip_serializing_if = "Option::is_none")]
                code: Option<&'a str>,
                message: String,
                #[serde(skip_serializing_if = "Option::is_none")]
                details: Option<&'a procure_client::api::ApiError>,
                #[serde(skip_serializing_if = "Option::is_none")]
                price_changes: Option<&'a Vec<procure_client::core::order::PriceChange>>,
                /// How to act on it from the command line (its flag).
                #[serde(skip_serializing_if = "Option::is_none")]
                hint: Option<&'static str>,
            }
            let price_changes = match e {
                Error::PricesChanged(c) => Some(c),
                _ => None,
            };
            let body = Body {
                schema_version: SCHEMA_VERSION,
                error: ErrBody {
                    kind,
                    exit_code: kind.exit_code(),
                    code: e.code(),
                    message: procure_client::core::sanitize::clean(&e.to_string()),
                    details: e.api_error(),
                    price_changes,
                    hint: e.remedy().map(hint),
                },
            };
            if let Ok(s) = serde_json::to_string_pretty(&body) {
                let _ = writeln!(std::io::stderr().lock(), "{}", procure_client::core::sanitize::escape_json(s));
            }
        } else {
            let mut err = std::io::stderr().lock();
            // Messages may quote a shop's words: never let them steer the terminal.
            let _ = writeln!(err, "error: {}", procure_client::core::sanitize::clean(&e.to_string()));
            if let Some(api) = e.api_error() {
                for d in &api.details {
                    let mut line = format!("  line {}: {}: {}", d.line + 1, d.sku, d.message);
                    // The protocol's message usually says it already.
                    if let Some(q) = d.suggested_quantity
                        && !d.message.contains(&format!("next valid quantity is {q}"))
                    {
                        line += &format!(" (next valid quantity: {q})");
                    }
                    let _ = writeln!(err, "{line}");
                }
            }
            if let Some(hint) = e.remedy().map(hint) {
                let _ = writeln!(err, "hint: {hint}");
            }
        }
        tracing::warn!(kind = ?kind, error = %e, "command failed");
        ExitCode::from(kind.exit_code())
    }
}

/// What the command line adds to an error the buyer can get past: the flag
/// that chooses otherwise. The error's message names the problem only, the
/// same from every backend and in the terminal app (which names its own key).
fn hint(remedy: Remedy) -> &'static str {
    match remedy {
        Remedy::AcceptPrices => "--yes accepts every change, --max-increase PCT the increases up to PCT percent",
        Remedy::AllowDuplicatePo => "--allow-duplicate-po places another order with this PO number",
        Remedy::NoDeliveryDate => "leave out --deliver-on: the order is delivered as soon as possible",
        Remedy::NoShipComplete => "leave out --ship-complete",
        Remedy::AddOrReplace => "--add adds to the basket's lines, --replace replaces them",
        Remedy::OtherName => "--as NEW-NAME names the copy",
        Remedy::ReplaceOrOtherPrefix => "--replace replaces them, --prefix PREFIX names the baskets otherwise",
        Remedy::GiveReason => "--reason TEXT gives it",
        Remedy::NameCompany => "--company NAME names it",
        Remedy::NameProfile => "--profile NAME names it",
    }
}

/// `text` with the characters at `marks` (char indices) in bold yellow.
pub fn marked(text: &str, marks: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + marks.len() * 8);
    let mut on = false;
    for (i, c) in text.chars().enumerate() {
        let want = marks.contains(&i) && !c.is_whitespace();
        if want != on {
            out.push_str(if want { "\x1b[1;33m" } else { "\x1b[0m" });
            on = want;
        }
        out.push(c);
    }
    if on {
        out.push_str("\x1b[0m");
    }
    out
}

/// Cuts text to `width` characters, marking the cut with '…'.
pub fn fit(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        format!("{text:<width$}")
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
