//! `[compare]` of config.toml: the currency offers are compared in, the
//! buyer's exchange rates, and the maker alias table. A rate is an exact,
//! positive decimal; anything else is an error naming its line, as is a
//! maker name given for two makers.

use crate::core::compare::{Makers, Rates, maker_key};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CompareSettings {
    /// The currency offers are compared in (ISO 4217).
    pub currency: String,
    /// One unit of each currency in `currency`: a decimal in quotes
    /// ("0.86"); a number is read as it is written. Checked when the file
    /// is read ([`check`]).
    #[serde(default)]
    pub rates: BTreeMap<String, toml::Value>,
    /// A maker → the other names it goes by.
    #[serde(default)]
    pub manufacturers: BTreeMap<String, Vec<String>>,
}

impl Default for CompareSettings {
    fn default() -> Self {
        CompareSettings { currency: "EUR".into(), rates: BTreeMap::new(), manufacturers: BTreeMap::new() }
    }
}

impl CompareSettings {
    /// The rates, exact.
    pub fn rates(&self) -> Rates {
        Rates::new(&self.currency, self.rates.iter().filter_map(|(c, v)| Some((c.clone(), rate_of(v)?))))
    }

    /// The maker alias table.
    pub fn makers(&self) -> Makers {
        Makers::new(&self.manufacturers)
    }
}

/// A rate as written: a decimal in quotes, or a number (read as written,
/// never through a float's binary value), if it is positive.
fn rate_of(v: &toml::Value) -> Option<Decimal> {
    let d = match v {
        toml::Value::String(s) => Decimal::from_str(s.trim()).ok()?,
        toml::Value::Integer(i) => Decimal::from(*i),
        // The shortest text that reads back as the float: what was written.
        toml::Value::Float(f) if f.is_finite() => Decimal::from_str(&f.to_string()).ok()?,
        _ => return None,
    };
    (d > Decimal::ZERO).then_some(d)
}

fn is_currency(code: &str) -> bool {
    code.len() == 3 && code.chars().all(|c| c.is_ascii_alphabetic())
}

#[derive(Deserialize)]
struct File {
    compare: Option<Section>,
}

#[derive(Deserialize)]
struct Section {
    currency: Option<toml::Spanned<toml::Value>>,
    rates: Option<BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>>>,
    manufacturers: Option<BTreeMap<toml::Spanned<String>, Vec<toml::Spanned<String>>>>,
}

/// The line of byte `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).unwrap_or(text).matches('\n').count() + 1
}

/// Checks the `[compare]` values of a config.toml text, each error with
/// its line: the currency and the rates' currencies are three-letter codes,
/// a rate is a positive decimal (and 1 for the comparison currency), a
/// maker's name names one maker.
pub fn check(text: &str) -> Result<(), String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let Some(section) = file.compare else { return Ok(()) };
    let at = |span: std::ops::Range<usize>| line_of(text, span.start);
    let mut currency = "EUR".to_string();
    if let Some(c) = &section.currency {
        match c.get_ref().as_str().map(str::trim) {
            Some(code) if is_currency(code) => currency = code.to_ascii_uppercase(),
            _ => {
                return Err(format!(
                    "line {}: [compare] currency = {}: a currency is a three-letter code such as \"EUR\"",
                    at(c.span()),
                    c.get_ref()
                ));
            }
        }
    }
    for (code, value) in section.rates.iter().flatten() {
        let line = at(code.span());
        let name = code.get_ref().trim();
        if !is_currency(name) {
            return Err(format!(
                "line {line}: [compare] rates: {:?} is not a currency code (three letters, such as \"USD\")",
                code.get_ref()
            ));
        }
        let upper = name.to_ascii_uppercase();
        match rate_of(value.get_ref()) {
            None => {
                return Err(format!(
                    "line {}: [compare] rates: {name} = {} is not a positive decimal: write what one {upper} is worth \
                     in {currency}, such as \"0.86\"",
                    at(value.span()),
                    value.get_ref()
                ));
            }
            Some(r) if upper == currency && r != Decimal::ONE => {
                return Err(format!(
                    "line {line}: [compare] rates: {upper} is the currency offers are compared in: its rate is 1"
                ));
            }
            Some(_) => {}
        }
    }
    // Each name means one maker, also among the documented makers the
    // user's table adds to (an entry of the same maker replaces theirs).
    let mut names: BTreeMap<String, (String, Option<usize>)> = BTreeMap::new();
    let user = section.manufacturers.unwrap_or_default();
    let example: File = toml::from_str(super::config::EXAMPLE).map_err(|e| e.to_string())?;
    for (maker, others) in example.compare.and_then(|c| c.manufacturers).unwrap_or_default() {
        if user.keys().any(|k| k.get_ref() == maker.get_ref()) {
            continue;
        }
        for name in std::iter::once(&maker).chain(&others) {
            names.insert(maker_key(name.get_ref()), (maker.get_ref().clone(), None));
        }
    }
    for (maker, others) in &user {
        let line = at(maker.span());
        if maker_key(maker.get_ref()).is_empty() {
            return Err(format!("line {line}: [compare.manufacturers] {:?} is not a maker's name", maker.get_ref()));
        }
        let mut own = std::collections::BTreeSet::new();
        for name in std::iter::once(maker).chain(others) {
            let key = maker_key(name.get_ref());
            if key.is_empty() || !own.insert(key.clone()) {
                continue;
            }
            match names.get(&key) {
                Some((other, other_line)) => {
                    let where_ = match other_line {
                        Some(l) => format!("line {l}"),
                        None => format!("the documented table: give {other:?} a list without it to take it from there"),
                    };
                    return Err(format!(
                        "line {}: [compare.manufacturers] {:?} is a name of {:?} and of {other:?} ({where_}): a name \
                         means one maker",
                        at(name.span()),
                        name.get_ref(),
                        maker.get_ref()
                    ));
                }
                None => {
                    names.insert(key, (maker.get_ref().clone(), Some(at(name.span()))));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::config::Config;
    use rust_decimal_macros::dec;

    #[test]
    fn rates_are_exact_decimals() {
        let c =
            Config::parse("[compare]\ncurrency = \"EUR\"\nrates = { USD = \"0.86\", GBP = 1.17, CHF = 1 }\n").unwrap();
        let r = c.compare.rates();
        assert_eq!(r.rate("usd"), Some(dec!(0.86)));
        assert_eq!(r.rate("GBP"), Some(dec!(1.17)), "a number is read as written");
        assert_eq!(r.rate("CHF"), Some(dec!(1)));
        assert_eq!(r.rate("EUR"), Some(Decimal::ONE));
        assert_eq!(r.rate("JPY"), None);
        // The defaults: euros, no rates, the documented makers.
        let d = Config::parse("").unwrap();
        assert_eq!(d.compare.currency, "EUR");
        assert!(d.compare.rates.is_empty());
        let makers = d.compare.makers();
        assert_eq!(makers.key("TI"), makers.key("Texas Instruments"));
        // The user's table adds to the documented one.
        let c = Config::parse("[compare.manufacturers]\n\"Acme Bearings\" = [\"ACB\"]\n").unwrap();
        let makers = c.compare.makers();
        assert_eq!(makers.key("ACB"), makers.key("acme bearings"));
        assert_eq!(makers.key("TI"), makers.key("Texas Instruments"));
    }

    #[test]
    fn a_bad_rate_is_an_error_with_its_line() {
        for (text, line, says) in [
            ("[compare]\nrates = { USD = \"-0.86\" }\n", 2, "USD = \"-0.86\" is not a positive decimal"),
            ("# mine\n[compare]\ncurrency = \"EUR\"\n\n[compare.rates]\nUSD = \"0,86\"\n", 6, "not a positive decimal"),
            ("[compare.rates]\nGBP = 0\n", 2, "GBP = 0 is not a positive decimal"),
            ("[compare.rates]\nGBP = \"abc\"\n", 2, "such as \"0.86\""),
            ("[compare.rates]\nDOLLAR = \"1\"\n", 2, "\"DOLLAR\" is not a currency code"),
            ("[compare]\ncurrency = \"USD\"\nrates = { USD = \"0.9\" }\n", 3, "its rate is 1"),
            ("[compare]\n\ncurrency = \"Euro\"\n", 3, "three-letter code"),
            (
                "[compare.manufacturers]\n\"Texas Inst\" = [\"TXN\"]\nToshiba = [\"TXN\"]\n",
                3,
                "\"TXN\" is a name of \"Toshiba\"",
            ),
            (
                "\n[compare.manufacturers]\nToshiba = [\"TI\"]\n",
                3,
                "and of \"Texas Instruments\" (the documented table",
            ),
        ] {
            let e = Config::parse(text).unwrap_err();
            assert!(e.starts_with(&format!("line {line}: ")), "{text:?}: {e}");
            assert!(e.contains(says), "{text:?}: {e}");
        }
        // A rate of another type: the TOML error, with its line too.
        let e = Config::parse("[compare]\n\nrates = { USD = [1] }\n").unwrap_err();
        assert!(e.contains("line 3"), "{e}");
        // The file's path leads the message.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "[compare.rates]\nUSD = \"-1\"\n").unwrap();
        let e = Config::load(&p).unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}: line 2: ", p.display())), "{e}");
    }
}
