//! Text that comes from a shop (or from another user, through a shop) is
//! untrusted: before it reaches a terminal it loses escape sequences,
//! control characters (C0 and C1) and bidirectional overrides.
//!
//! Cleaning is done by construction, not per call site: every answer of a
//! shop is decoded as [`Untrusted<T>`] (`backend::http::decode`), which
//! cleans every string of any type — every field, map key and error text —
//! before the value exists. Values built from it (the catalog cache, orders,
//! quotes, the user record) are clean wherever they are shown.

use serde::de::{Deserialize, DeserializeOwned, Deserializer};

/// Bidirectional formatting characters: they reorder what a terminal shows
/// (U+202E makes "exe.txt" read "txt.exe").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character that must not reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Strips terminal escape sequences (CSI, OSC, …), every other control
/// character (C0 and C1, e.g. U+009B) and bidirectional overrides; tabs and
/// newlines become spaces.
pub fn clean(text: &str) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_string();
    }
    let stripped = strip_ansi_escapes::strip_str(text);
    stripped
        .chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if is_unsafe(c) => None,
            c => Some(c),
        })
        .collect()
}

/// A value decoded from a shop's JSON with every string in it cleaned.
pub struct Untrusted<T>(pub T);

/// Decodes a shop's JSON answer with every string in it cleaned. An answer
/// in which no string can hold anything to clean (`nothing_to_clean`) is
/// decoded straight into `T`; any other goes through [`Untrusted`].
pub fn decode_clean<T: DeserializeOwned>(json: &[u8]) -> serde_json::Result<T> {
    if nothing_to_clean(json) {
        serde_json::from_slice(json)
    } else {
        serde_json::from_slice::<Untrusted<T>>(json).map(|u| u.0)
    }
}

/// Whether no string of this JSON text can decode to a character
/// [`clean`] would change: no escape other than `\"`, `\\` and `\/` (a
/// control character inside a JSON string is always escaped), no DEL, and
/// none of the UTF-8 forms of the C1 controls (C2 80–C2 9F) or of the
/// bidirectional controls (U+061C, U+200E/F, U+202A–E, U+2066–9). A false
/// "no" only costs the slower, cleaning decode.
pub fn nothing_to_clean(json: &[u8]) -> bool {
    if memchr::memchr(0x7F, json).is_some() {
        return false;
    }
    let next = |i: usize| json.get(i + 1).copied().unwrap_or(0);
    let mut at = 0;
    while let Some(found) = memchr::memchr3(b'\\', 0xC2, 0xE2, &json[at..]) {
        let i = at + found;
        at = i + 1;
        let ok = match json[i] {
            b'\\' => {
                // The escaped character is passed over: `\\u` is a
                // backslash and a "u", not an escape.
                at = (i + 2).min(json.len());
                matches!(next(i), b'"' | b'\\' | b'/')
            }
            0xC2 => !(0x80..=0x9F).contains(&next(i)),
            // E2 80 8E/8F/AA–AE, E2 81 A6–A9
            _ => match (next(i), json.get(i + 2).copied().unwrap_or(0)) {
                (0x80, b) => !matches!(b, 0x8E | 0x8F | 0xAA..=0xAE),
                (0x81, b) => !(0xA6..=0xA9).contains(&b),
                _ => true,
            },
        };
        if !ok {
            return false;
        }
    }
    memchr::memchr_iter(0xD8, json).all(|i| next(i) != 0x9C)
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Untrusted<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut value = serde_json::Value::deserialize(d)?;
        clean_value(&mut value);
        T::deserialize(value).map(Untrusted).map_err(serde::de::Error::custom)
    }
}

/// A value that did not come as JSON (a supplier's XML document) with every
/// string in it cleaned, as [`decode_clean`] cleans a JSON answer: through
/// the value's JSON form. A value that cannot take that way is an error;
/// it is never handed back as it came.
pub fn clean_all<T: serde::Serialize + DeserializeOwned>(v: &T) -> serde_json::Result<T> {
    let value = serde_json::to_value(v)?;
    serde_json::from_value::<Untrusted<T>>(value).map(|u| u.0)
}

fn clean_value(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            if s.chars().any(is_unsafe) {
                *s = clean(s);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(clean_value),
        Value::Object(map) => {
            if map.keys().any(|k| k.chars().any(is_unsafe)) {
                let old = std::mem::take(map);
                for (k, mut item) in old {
                    clean_value(&mut item);
                    map.insert(clean(&k), item);
                }
            } else {
                map.values_mut().for_each(clean_value);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// JSON for a terminal or a script: characters JSON may carry raw but a
/// terminal would act on (C1 controls, bidirectional overrides) written as
/// `\uXXXX` escapes. They can only occur inside strings, so this stays valid
/// JSON with the same meaning.
pub fn escape_json(json: String) -> String {
    if !json.chars().any(is_unsafe) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) && c != '\n' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes_and_controls() {
        assert_eq!(clean("plain"), "plain");
        assert_eq!(clean("\x1b[31mred\x1b[0m"), "red");
        assert_eq!(clean("title\x1b]0;owned\x07 ok"), "title ok");
        assert_eq!(clean("a\u{0}b\u{7}c\u{9b}d"), "abcd");
        assert_eq!(clean("line1\nline2"), "line1 line2");
        assert_eq!(clean("invoice\u{202E}fdp.exe"), "invoicefdp.exe");
        assert_eq!(clean("\u{2066}x\u{2069}\u{200F}"), "x");
    }

    #[test]
    fn every_string_of_any_type_is_cleaned() {
        #[derive(serde::Deserialize)]
        struct Deep {
            name: String,
            list: Vec<Option<String>>,
            map: std::collections::BTreeMap<String, String>,
        }
        let json = r#"{"name":"a\u001b[2Jb","list":[null,"\u009b31m"],"map":{"k\u202e":"v\u0007"}}"#;
        let Untrusted(d) = serde_json::from_str::<Untrusted<Deep>>(json).unwrap();
        assert_eq!(d.name, "ab");
        assert_eq!(d.list, vec![None, Some("31m".to_string())]);
        assert_eq!(d.map.get("k").map(String::as_str), Some("v"));
    }

    /// Every character `clean` acts on, raw or escaped, in a string or a
    /// key, sends the text down the cleaning decode, and comes out cleaned.
    #[test]
    fn fast_decode_only_when_nothing_to_clean() {
        #[derive(serde::Deserialize)]
        struct Item {
            name: String,
            map: std::collections::BTreeMap<String, String>,
        }
        let plain = r#"{"name":"Rillenkugellager \"6205\" Ø25 µm – 2RS \\u001b a\/b","map":{"k":"v"}}"#;
        assert!(nothing_to_clean(plain.as_bytes()));
        assert!(!nothing_to_clean(br#"{"name":"a\"#), "a text that ends in a backslash");
        let d: Item = decode_clean(plain.as_bytes()).unwrap();
        assert_eq!(d.name, "Rillenkugellager \"6205\" Ø25 µm – 2RS \\u001b a/b");
        let unsafe_chars = (0u32..=0x10FFFF).filter_map(char::from_u32).filter(|&c| is_unsafe(c));
        for c in unsafe_chars {
            let raw = serde_json::to_string(&format!("a{c}b")).unwrap();
            let escaped = format!("\"a\\u{:04x}b\"", c as u32);
            for text in [raw, escaped] {
                for json in
                    [format!(r#"{{"name":{text},"map":{{}}}}"#), format!(r#"{{"name":"x","map":{{{text}:"v"}}}}"#)]
                {
                    assert!(!nothing_to_clean(json.as_bytes()), "{c:?} in {json}");
                    let d: Item = decode_clean(json.as_bytes()).unwrap();
                    assert!(!d.name.chars().any(is_unsafe), "{c:?}");
                    assert!(d.map.keys().all(|k| !k.chars().any(is_unsafe)), "{c:?}");
                }
            }
        }
    }

    #[test]
    fn a_value_is_cleaned_whole_or_is_an_error() {
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        struct Line {
            note: String,
            tags: Vec<String>,
        }
        let raw = Line { note: "a\u{1b}[2Jb\u{202e}".into(), tags: vec!["\u{9b}31mx".into()] };
        assert_eq!(clean_all(&raw).unwrap(), Line { note: "ab".into(), tags: vec!["31mx".into()] });
        // A value whose cleaned form is no longer a value of its type (here a
        // lone escape character, cleaned to nothing) is refused, not kept raw.
        #[derive(Debug, serde::Serialize, serde::Deserialize)]
        struct Mark {
            mark: char,
        }
        assert!(clean_all(&Mark { mark: '\u{1b}' }).is_err());
        assert_eq!(clean_all(&Mark { mark: 'x' }).unwrap().mark, 'x');
    }

    #[test]
    fn json_output_escapes_what_a_terminal_would_act_on() {
        let s = serde_json::to_string(&"a\u{9b}b\u{202e}c").unwrap();
        let e = escape_json(s);
        assert_eq!(e, r#""a\u009bb\u202ec""#);
        assert_eq!(serde_json::from_str::<String>(&e).unwrap(), "a\u{9b}b\u{202e}c");
    }
}
