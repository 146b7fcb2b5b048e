//! Parsing `sku,qty` lists as pasted or saved from a spreadsheet: header
//! optional (columns then found by their names, in English, German or
//! Dutch); comma, semicolon or tab separated; UTF-8, UTF-16 with BOM or
//! Windows-1252 (what Excel writes as "CSV"); `1.000` and `10,00` read as the
//! file's own locale writes them. Each line is kept with its line number so
//! problems can be reported where they are.

use crate::core::quantity::parse_quantity;

#[derive(Debug, Clone, PartialEq)]
pub struct ImportLine {
    /// 1-based line number in the input.
    pub line: usize,
    pub sku: String,
    pub qty: u32,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct ImportProblem {
    pub line: usize,
    pub sku: String,
    pub reason: String,
    /// The SKUs of the parts a type number names when it names several:
    /// the buyer chooses one (absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

/// The longest line a list may have, in characters.
pub const MAX_LINE_LEN: usize = 1024;

/// Header names, compared without case, spaces or punctuation
/// ("Part No.", "part_number" and "Artikel-Nr." all match).
const SKU_HEADERS: &[&str] = &[
    "sku",
    "article",
    "articlenumber",
    "part",
    "partnumber",
    "partno",
    "item",
    "itemnumber",
    "itemno",
    "type",
    "typenumber",
    "mpn",
    "artikel",
    "artikelnummer",
    "artikelnr",
    "artnr",
    "materialnummer",
    "bestellnummer",
    "typnummer",
    "onderdeelnummer",
    "bestelnummer",
];
const QTY_HEADERS: &[&str] =
    &["qty", "quantity", "menge", "anzahl", "stuck", "stueck", "aantal", "hoeveelheid", "amount", "count", "pcs"];
const NOTE_HEADERS: &[&str] = &[
    "note",
    "notes",
    "comment",
    "costcentre",
    "costcenter",
    "bemerkung",
    "notiz",
    "kommentar",
    "kostenstelle",
    "opmerking",
    "kostenplaats",
];

fn header_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'ü' => 'u',
            'ö' => 'o',
            'ä' => 'a',
            c => c,
        })
        .collect()
}

/// Text of a file as a spreadsheet saved it: a BOM decides (UTF-8, UTF-16);
/// without one, UTF-8 if it is valid, else Windows-1252 (a superset of
/// Latin-1's printable characters, and what Excel writes in Western Europe).
pub fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return text.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
    }
}

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

/// How the file writes numbers, as far as its delimiter tells: Excel writes
/// `;` where the decimal mark is a comma, `,` where it is a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumberStyle {
    /// `1.000,5`: semicolon-separated files.
    DecimalComma,
    /// `1,000.5`: comma-separated files.
    DecimalPoint,
    /// Tab-separated or typed: `1.000` and `1,000` are ambiguous.
    Unknown,
}

/// A quantity as a spreadsheet writes it, as a whole number: `1.000` (a
/// thousand where the decimal mark is a comma), `1.000,00`, `10,00`,
/// `1 000`. A text that reads as different numbers in different locales is
/// refused rather than guessed.
pub fn parse_quantity_text(text: &str, style: NumberStyle) -> Result<u32, String> {
    let t: String = text.trim().chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'')).collect();
    if t.is_empty() || t.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+') {
        return parse_quantity(&t);
    }
    let bad = || format!("quantity must be a positive whole number, got {:?}", text.trim());
    if !t.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(bad());
    }
    // The last mark is the decimal mark when both appear: 1.000,00 / 1,000.00.
    let (thousands, decimal) = match (t.rfind('.'), t.rfind(',')) {
        (Some(d), Some(c)) if c > d => ('.', Some(',')),
        (Some(_), Some(_)) => (',', Some('.')),
        (Some(_), None) | (None, Some(_)) => {
            let mark = if t.contains('.') { '.' } else { ',' };
            let groups: Vec<&str> = t.split(mark).collect();
            let grouped = groups.len() > 1
                && (1..=3).contains(&groups[0].len())
                && groups[1..].iter().all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
            let locale_thousands = match style {
                NumberStyle::DecimalComma => Some('.'),
                NumberStyle::DecimalPoint => Some(','),
                NumberStyle::Unknown => None,
            };
            if grouped {
                if locale_thousands == Some(mark) {
                    (mark, None)
                } else {
                    return Err(format!(
                        "quantity {:?} is ambiguous (a thousand or one?): write it without separators",
                        text.trim()
                    ));
                }
            } else if groups.len() == 2 {
                (if mark == '.' { ',' } else { '.' }, Some(mark))
            } else {
                return Err(bad());
            }
        }
        (None, None) => return Err(bad()),
    };
    let (whole, fraction) = match decimal {
        Some(d) => t.rsplit_once(d).unwrap_or((&t, "")),
        None => (t.as_str(), ""),
    };
    if !fraction.chars().all(|c| c == '0') || fraction.contains(thousands) {
        return Err(format!("quantity must be a positive whole number, got {:?}", text.trim()));
    }
    let mut groups = whole.split(thousands);
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    let well_grouped = !first.is_empty()
        && (rest.is_empty() || first.len() <= 3)
        && rest.iter().all(|g| g.len() == 3)
        && whole.chars().all(|c| c.is_ascii_digit() || c == thousands);
    if !well_grouped {
        return Err(bad());
    }
    parse_quantity(&whole.replace(thousands, ""))
}

/// The first characters that make a spreadsheet read a cell as a formula
/// (OWASP's list for CSV injection): `=`, `+`, `-`, `@`, tab and CR.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A text cell as procure writes it into a CSV: a text a spreadsheet would
/// read as a formula (`=HYPERLINK(…)`, `+1+2`, `@SUM(…)`) gets a `'` in
/// front, which Excel and LibreOffice take as "this is text" and do not
/// show. Only text cells need it: the numbers procure writes (quantities,
/// prices, totals) are never negative and come from procure, not from a
/// supplier's catalog.
pub fn text_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) { format!("'{text}").into() } else { text.into() }
}

/// A text cell as [`text_cell`] wrote it, back to the text: the `'` is
/// dropped where it stands before a formula's first character, and only
/// there (a `'` before anything else is part of the text).
pub fn read_text_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

/// Which column holds what.
#[derive(Debug, Clone, Copy)]
struct Columns {
    sku: usize,
    qty: usize,
    note: Option<usize>,
}

const POSITIONAL: Columns = Columns { sku: 0, qty: 1, note: Some(2) };

/// The columns a header row names, if it is one.
fn header(fields: &[String]) -> Option<Result<Columns, String>> {
    let keys: Vec<String> = fields.iter().map(|f| header_key(f)).collect();
    let find = |names: &[&str]| keys.iter().position(|k| names.contains(&k.as_str()));
    let (sku, qty, note) = (find(SKU_HEADERS), find(QTY_HEADERS), find(NOTE_HEADERS));
    if sku.is_none() && qty.is_none() && note.is_none() {
        return None;
    }
    // A first line with a whole number in its second column is data ("part 5").
    if fields.get(1).is_some_and(|f| parse_quantity(f).is_ok()) && qty.is_none() {
        return None;
    }
    Some(match (sku, qty) {
        (Some(sku), Some(qty)) => Ok(Columns { sku, qty, note }),
        (None, _) => Err("the header names no SKU column (sku, part number, artikel, …)".to_string()),
        (_, None) => Err("the header names no quantity column (qty, quantity, menge, aantal, …)".to_string()),
    })
}

/// Parses the list. Blank lines are skipped; without a header the columns
/// are SKU, quantity and an optional note.
pub fn parse_lines(text: &str) -> (Vec<ImportLine>, Vec<ImportProblem>) {
    let (lines, problems, _) = parse_list(text);
    (lines, problems)
}

/// As [`parse_lines`], with the line number of the header row, if the list
/// has one (a list cut down to some of its lines keeps it, to read alike).
pub fn parse_list(text: &str) -> (Vec<ImportLine>, Vec<ImportProblem>, Option<usize>) {
    let text = text.trim_start_matches('\u{feff}');
    let delim = delimiter(text);
    let style = match delim {
        b';' => NumberStyle::DecimalComma,
        b',' => NumberStyle::DecimalPoint,
        _ => NumberStyle::Unknown,
    };
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let mut columns: Option<Columns> = None;
    let mut header_at = None;
    // Line by line, so the numbers are the ones a person sees in the file.
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.len() > MAX_LINE_LEN && raw.chars().count() > MAX_LINE_LEN {
            // Refused before any parsing or matching: a SKU, a quantity and a
            // note never need this much, and later steps (suggestions for an
            // unknown SKU) grow with the length of what they compare.
            problems.push(ImportProblem {
                line,
                reason: format!("the line has {} characters; the most is {MAX_LINE_LEN}", raw.chars().count()),
                ..Default::default()
            });
            continue;
        }
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
                problems.push(ImportProblem { line, reason: format!("unreadable line: {e}"), ..Default::default() });
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
        let cols = match columns {
            Some(c) => c,
            None => match header(&fields) {
                Some(Ok(c)) => {
                    columns = Some(c);
                    header_at = Some(line);
                    continue;
                }
                Some(Err(reason)) => {
                    // Nothing below can be read without knowing the columns.
                    problems.push(ImportProblem { line, reason, ..Default::default() });
                    return (lines, problems, None);
                }
                None => *columns.insert(POSITIONAL),
            },
        };
        let field = |i: usize| fields.get(i).map(String::as_str).unwrap_or("");
        let sku = read_text_cell(field(cols.sku)).to_string();
        if sku.is_empty() {
            problems.push(ImportProblem { line, sku, reason: "the SKU is missing".into(), ..Default::default() });
            continue;
        }
        if field(cols.qty).is_empty() {
            problems.push(ImportProblem { line, sku, reason: "the quantity is missing".into(), ..Default::default() });
            continue;
        }
        match parse_quantity_text(field(cols.qty), style) {
            Ok(qty) => {
                let note = cols.note.map(field).filter(|n| !n.is_empty()).map(|n| read_text_cell(n).to_string());
                lines.push(ImportLine { line, sku, qty, note })
            }
            Err(reason) => problems.push(ImportProblem { line, sku, reason, ..Default::default() }),
        }
    }
    (lines, problems, header_at)
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
    fn overlong_lines_are_refused_with_their_number() {
        let long = "A".repeat(MAX_LINE_LEN + 1);
        let ok = "B".repeat(MAX_LINE_LEN - 2);
        let (l, p) = parse_lines(&format!("X-1,1\n{long},2\n{ok},3\n"));
        assert_eq!(l.len(), 2, "{p:?}");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].line, 2);
        assert!(p[0].reason.contains("the most is 1024"), "{}", p[0].reason);
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

    #[test]
    fn columns_are_found_by_their_names_in_any_order() {
        let text = "Omschrijving;Aantal;Opmerking;Artikelnummer\nKogellager;4;KP-100;T-BRG-1\nBout;200;;T-SCR-1\n";
        let (l, p) = parse_lines(text);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(l[0], ImportLine { line: 2, sku: "T-BRG-1".into(), qty: 4, note: Some("KP-100".into()) });
        assert_eq!((l[1].sku.as_str(), l[1].qty, l[1].note.as_deref()), ("T-SCR-1", 200, None));
        let (l, _) = parse_lines("Part No.,Description,Quantity,Comment\nT-CON-1,Contactor,2,urgent\n");
        assert_eq!((l[0].sku.as_str(), l[0].qty, l[0].note.as_deref()), ("T-CON-1", 2, Some("urgent")));
        let (l, _, header) = parse_list("\nArtikel-Nr.;Stück;Kostenstelle\nA-1;3;4711\n");
        assert_eq!((l[0].sku.as_str(), l[0].qty, l[0].note.as_deref()), ("A-1", 3, Some("4711")));
        assert_eq!(header, Some(2));
        assert_eq!(parse_list("A-1;3\n").2, None);
        // A header that names parts but no quantity cannot be guessed.
        let (l, p) = parse_lines("sku;name\nA-1;Bolt\n");
        assert!(l.is_empty());
        assert_eq!(p[0].line, 1);
        assert!(p[0].reason.contains("quantity column"), "{p:?}");
    }

    #[test]
    fn formula_cells_are_escaped_and_read_back() {
        for text in ["=1+2", "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+2", "\r=1", "=cmd|' /C calc'!A0"] {
            let cell = text_cell(text);
            assert_eq!(cell, format!("'{text}"));
            assert_eq!(read_text_cell(&cell), text);
        }
        for text in ["T-BRG-1", "6205-2RSH/C3", "'quoted'", "", "a=1", "'x"] {
            assert_eq!(text_cell(text), text);
            assert_eq!(read_text_cell(text), text);
        }
        // A `'` before a formula's first character is always procure's own.
        assert_eq!(read_text_cell("''=1"), "''=1");
        assert_eq!(read_text_cell("'-5"), "-5");
    }

    #[test]
    fn numbers_as_the_files_locale_writes_them() {
        use NumberStyle::*;
        assert_eq!(parse_quantity_text("1.000", DecimalComma), Ok(1000));
        assert_eq!(parse_quantity_text("12.500", DecimalComma), Ok(12500));
        assert_eq!(parse_quantity_text("10,00", DecimalComma), Ok(10));
        assert_eq!(parse_quantity_text("1.000,00", DecimalComma), Ok(1000));
        assert_eq!(parse_quantity_text("1,000", DecimalPoint), Ok(1000));
        assert_eq!(parse_quantity_text("10.00", DecimalPoint), Ok(10));
        assert_eq!(parse_quantity_text("1,000.00", Unknown), Ok(1000), "both marks: unambiguous");
        assert_eq!(parse_quantity_text("10,00", Unknown), Ok(10));
        assert_eq!(parse_quantity_text("1 000", Unknown), Ok(1000));
        // One or a thousand? Not guessed.
        assert!(parse_quantity_text("1.000", Unknown).unwrap_err().contains("ambiguous"));
        assert!(parse_quantity_text("1.000", DecimalPoint).unwrap_err().contains("ambiguous"));
        assert!(parse_quantity_text("1,000", DecimalComma).unwrap_err().contains("ambiguous"));
        for bad in ["2,5", "1.5", "1.00.0", "1,2,3", "10,000,0", "12.34.567", "1.000,5", "abc", "-1", "0"] {
            assert!(parse_quantity_text(bad, DecimalComma).is_err(), "{bad}");
        }
    }

    #[test]
    fn files_as_excel_saves_them() {
        // Windows-1252, `;`, CRLF, a decimal comma: "CSV (Trennzeichen-getrennt)".
        let mut bytes = b"Artikelnummer;Bezeichnung;Menge;Bemerkung\r\n".to_vec();
        bytes.extend(b"T-SCR-1;Sechskantschraube \xd8 8;1.000;Halle 3 \x96 T\xfcr 2\r\n");
        bytes.extend(b"T-BRG-1;Rillenkugellager;10,00;\r\n\r\n;;;\r\nT-CON-1;Sch\xfctz;2,5;\r\n");
        let text = decode(&bytes);
        assert!(text.contains("Ø 8") && text.contains("Halle 3 – Tür 2"), "{text}");
        let (l, p) = parse_lines(&text);
        assert_eq!(
            l[0],
            ImportLine { line: 2, sku: "T-SCR-1".into(), qty: 1000, note: Some("Halle 3 – Tür 2".into()) }
        );
        assert_eq!((l[1].line, l[1].qty), (3, 10));
        assert_eq!(
            p,
            vec![ImportProblem { line: 6, sku: "T-CON-1".into(), reason: p[0].reason.clone(), ..Default::default() }]
        );
        assert!(p[0].reason.contains("whole number"), "{p:?}");
        // UTF-8 with a BOM, and UTF-16 ("Unicode text").
        let (l, _) = parse_lines(&decode("\u{feff}sku,qty\r\nT-BRG-1,\"1,000\"\r\n".as_bytes()));
        assert_eq!((l[0].sku.as_str(), l[0].qty), ("T-BRG-1", 1000));
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend("Artikel\tMenge\r\nTür-1\t3\r\n".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let (l, _) = parse_lines(&decode(&utf16));
        assert_eq!((l[0].sku.as_str(), l[0].qty), ("Tür-1", 3));
    }
}
