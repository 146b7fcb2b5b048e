//! Parsing `sku,qty` lists as pasted from a spreadsheet: header optional;
//! comma, semicolon or tab separated. Each line is kept with its line number
//! so problems can be reported where they are.

use crate::core::quantity::parse_quantity;

#[derive(Debug, Clone, PartialEq)]
pub struct ImportLine {
    /// 1-based line number in the input.
    pub line: usize,
    pub sku: String,
    pub qty: u32,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImportProblem {
    pub line: usize,
    pub sku: String,
    pub reason: String,
}

const SKU_HEADERS: &[&str] = &["sku", "article", "part", "item", "artikel", "type", "mpn", "part number", "partnumber"];
const QTY_HEADERS: &[&str] = &["qty", "quantity", "menge", "amount", "count", "anzahl"];

fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains('\t') {
        b'\t'
    } else if first.contains(';') {
        b';'
    } else {
        b','
    }
}

fn is_header(fields: &[String]) -> bool {
    let f0 = fields.first().map(|s| s.trim().to_lowercase()).unwrap_or_default();
    let f1 = fields.get(1).map(|s| s.trim().to_lowercase()).unwrap_or_default();
    parse_quantity(&f1).is_err() && (SKU_HEADERS.contains(&f0.as_str()) || QTY_HEADERS.contains(&f1.as_str()))
}

/// Parses the list. Blank lines are skipped; a third column, if any, is a line note.
pub fn parse_lines(text: &str) -> (Vec<ImportLine>, Vec<ImportProblem>) {
    let text = text.trim_start_matches('\u{feff}');
    let delim = delimiter(text);
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let mut first = true;
    // Line by line, so the numbers are the ones a person sees in the file.
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delim)
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(raw.as_bytes());
        let rec = match reader.records().next() {
            Some(Ok(r)) => r,
            Some(Err(e)) => {
                problems.push(ImportProblem { line, sku: String::new(), reason: format!("unreadable line: {e}") });
                continue;
            }
            None => continue,
        };
        let mut fields: Vec<String> = rec.iter().map(str::to_string).collect();
        // "6205-2RSH/C3 10" as typed or pasted: the quantity is the last word
        // (type numbers themselves may contain spaces).
        if fields.len() == 1
            && let Some((part, qty)) = fields[0].trim().rsplit_once(char::is_whitespace)
        {
            fields = vec![part.trim().to_string(), qty.trim().to_string()];
        }
        if fields.iter().all(|f| f.is_empty()) {
            continue;
        }
        if std::mem::take(&mut first) && is_header(&fields) {
            continue;
        }
        let sku = fields[0].clone();
        if sku.is_empty() {
            problems.push(ImportProblem { line, sku, reason: "the SKU is missing".into() });
            continue;
        }
        let Some(qty_text) = fields.get(1) else {
            problems.push(ImportProblem { line, sku, reason: "the quantity is missing".into() });
            continue;
        };
        match parse_quantity(qty_text) {
            Ok(qty) => {
                let note = fields.get(2).filter(|n| !n.is_empty()).cloned();
                lines.push(ImportLine { line, sku, qty, note })
            }
            Err(reason) => problems.push(ImportProblem { line, sku, reason }),
        }
    }
    (lines, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_is_optional_and_delimiters_vary() {
        let (l, p) = parse_lines("sku,qty\nA-1,2\n\nB-2,3\n");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(l.len(), 2);
        assert_eq!((l[1].line, l[1].sku.as_str(), l[1].qty), (4, "B-2", 3));
        let (l, _) = parse_lines("A-1;5\nB-2;6\n");
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].qty, 5);
        let (l, _) = parse_lines("Artikel\tMenge\nA 1\t7\n");
        assert_eq!(l, vec![ImportLine { line: 2, sku: "A 1".into(), qty: 7, note: None }]);
    }

    #[test]
    fn space_separated_lines_as_typed() {
        let (l, p) = parse_lines("6205-2RSH/C3 10\nDIN 933 M8x25 A2-70 200\nP-1  3\n");
        assert!(p.is_empty(), "{p:?}");
        let got: Vec<(&str, u32)> = l.iter().map(|x| (x.sku.as_str(), x.qty)).collect();
        assert_eq!(got, vec![("6205-2RSH/C3", 10), ("DIN 933 M8x25 A2-70", 200), ("P-1", 3)]);
        let (_, p) = parse_lines("P-1 many\n");
        assert_eq!(p[0].line, 1);
    }

    #[test]
    fn bad_lines_are_reported_with_numbers() {
        let (l, p) = parse_lines("A-1,2\nB-2,zero\nC-3\n,4\nD-4,-1\nE-5,1.5\nF-6,3,CC-4711\n");
        assert_eq!(l.len(), 2);
        assert_eq!(l[1].note.as_deref(), Some("CC-4711"));
        let lines: Vec<usize> = p.iter().map(|x| x.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5, 6]);
        assert!(p[1].reason.contains("missing"));
    }
}
