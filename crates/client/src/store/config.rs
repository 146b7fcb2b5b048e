//! config.toml: settings and profiles. The compiled-in defaults are
//! config.example.toml itself (the crate's copy of the one at the top of the
//! tree; a test holds the two equal); the user's file is laid over them. Updates
//! go through toml_edit so the user's comments and order survive.

use super::{StoreError, atomic, io_err};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const EXAMPLE: &str = include_str!("../../config.example.toml");

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub default_profile: String,
    #[serde(default)]
    pub network: Network,
    #[serde(default)]
    pub search: SearchSettings,
    /// Comparing offers across suppliers: the currency, the rates, the makers.
    #[serde(default)]
    pub compare: super::compare_settings::CompareSettings,
    #[serde(default)]
    pub ui: UiSettings,
    #[serde(default)]
    pub matching: Matching,
    /// Key binding overrides: action name → keys, e.g. `quit = ["q", "ctrl-q"]`.
    #[serde(default)]
    pub keys: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UiSettings {
    /// "auto" (colour unless NO_COLOR is set), "always" or "never".
    pub color: String,
    /// Mouse selection and scrolling in the terminal app.
    pub mouse: bool,
}

impl Default for UiSettings {
    fn default() -> Self {
        UiSettings { color: "auto".into(), mouse: true }
    }
}

/// The three-way match's tolerances (`core::matching`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Matching {
    /// A unit price up to this many percent above the order's still matches.
    pub price_tolerance_pct: rust_decimal::Decimal,
    /// Up to this many units invoiced beyond what was received still match.
    pub quantity_tolerance: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Network {
    pub connect_timeout_secs: u64,
    pub timeout_secs: u64,
}

impl Default for Network {
    fn default() -> Self {
        Network { connect_timeout_secs: 5, timeout_secs: 30 }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SearchSettings {
    pub limit: usize,
    /// A catalog synced longer ago than this many days is named stale where
    /// every supplier is searched or listed (it still answers).
    pub stale_after_days: u32,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings { limit: 20, stale_after_days: 7 }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// procure's own shop protocol (the reference shop).
    #[default]
    Procure,
    /// A Medusa v2 store API.
    Medusa,
    /// A supplier on Peppol: BIS documents through files (outbox, inbox, catalogue).
    Peppol,
}

impl BackendKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Procure => "procure",
            BackendKind::Medusa => "medusa",
            BackendKind::Peppol => "peppol",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default)]
    pub backend: BackendKind,
    /// The shop's address (not used by Peppol profiles).
    #[serde(default)]
    pub shop: String,
    /// The company's account code; shops without company accounts (Medusa) ignore it.
    #[serde(default)]
    pub company: String,
    /// The user name; for Medusa the customer's e-mail address (not used by Peppol profiles).
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub allow_insecure_http: bool,
    /// Medusa: the publishable API key of the store's sales channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publishable_key: Option<String>,
    /// Medusa: the region whose currency, prices and taxes apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    /// Medusa: the payment provider for orders on account (default `pp_system_default`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_provider: Option<String>,
    // Peppol (backend = "peppol"): the supplier's document folders and our own
    // party; config.example.toml documents each key, the backend checks them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalogue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outbox: Option<String>,
    /// Peppol: make the outbox folder (and its parents) when it is missing,
    /// instead of refusing to send (a missing outbox is often an unmounted share).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_outbox: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inbox: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_street: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_country: Option<String>,
}

impl Config {
    /// Loads the user's file over the defaults. A missing file is the defaults;
    /// a broken one is an error naming the file and the line.
    pub fn load(path: &Path) -> Result<Config, StoreError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(io_err(path)(e)),
        };
        Self::parse(&text).map_err(|message| StoreError::Corrupt { path: path.to_path_buf(), message })
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let mut base: toml::Table = toml::from_str(EXAMPLE).map_err(|e| e.to_string())?;
        let user: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        // Values whose errors need their line (types alone do not catch them).
        super::compare_settings::check(text)?;
        merge(&mut base, user);
        let config: Config = base.try_into().map_err(|e: toml::de::Error| e.to_string())?;
        let pct = config.matching.price_tolerance_pct;
        if pct.is_sign_negative() && !pct.is_zero() || pct > rust_decimal::Decimal::ONE_HUNDRED {
            return Err(format!("[matching] price_tolerance_pct = {pct} is not between 0 and 100"));
        }
        Ok(config)
    }

    /// The profile to use: the one asked for, else the default, else the only one.
    pub fn pick_profile(&self, asked: Option<&str>) -> Result<(String, Profile), StoreError> {
        let name = match asked {
            Some(n) => n.to_string(),
            None if !self.default_profile.is_empty() => self.default_profile.clone(),
            None if self.profiles.len() == 1 => self.profiles.keys().next().cloned().unwrap_or_default(),
            None if self.profiles.is_empty() => {
                return Err(StoreError::NoProfile(
                    "no profile yet: run `procure login --shop URL --company C --user U` or `procure demo`".into(),
                ));
            }
            None => {
                return Err(StoreError::SeveralProfiles(self.profiles.keys().cloned().collect()));
            }
        };
        validate_profile_name(&name)?;
        let profile = self.profiles.get(&name).cloned().ok_or_else(|| {
            StoreError::NoProfile(format!(
                "no profile named {name:?} in config.toml; run `procure login --profile {name} …`"
            ))
        })?;
        Ok((name, profile))
    }
}

fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// A profile name names folders (token, baskets, cache): the rules of basket
/// names, so it can never point outside them (`../`, `/`, an absolute path).
pub fn validate_profile_name(name: &str) -> Result<(), StoreError> {
    crate::core::basket::validate_name(name)
        .map_err(|why| StoreError::Invalid(why.replace("basket name", "profile name").replace("a basket", "a profile")))
}

/// Adds or replaces a profile in the user's file, keeping everything else as
/// written. Makes it the default when there is no default yet.
pub fn save_profile(path: &Path, name: &str, profile: &Profile) -> Result<(), StoreError> {
    validate_profile_name(name)?;
    // Two logins at once each keep their profile: the read-modify-write is locked.
    let _lock = super::lock::FileLock::exclusive(path)?;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io_err(path)(e)),
    };
    // Refuse to touch a file that does not parse: nothing the user wrote is lost.
    Config::parse(&text).map_err(|message| StoreError::Corrupt { path: path.to_path_buf(), message })?;
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| StoreError::Corrupt { path: path.to_path_buf(), message: e.to_string() })?;
    let current_default = doc.get("default_profile").and_then(|v| v.as_str()).unwrap_or("").to_string();
    if current_default.is_empty() {
        doc["default_profile"] = toml_edit::value(name);
    }
    if !doc.contains_key("profiles") {
        let mut t = toml_edit::Table::new();
        t.set_implicit(true);
        doc["profiles"] = toml_edit::Item::Table(t);
    }
    // Update the profile's table in place: keys procure does not manage and
    // the user's comments stay where they are.
    let t = match doc["profiles"][name].as_table_mut() {
        Some(t) => t,
        None => {
            doc["profiles"][name] = toml_edit::Item::Table(toml_edit::Table::new());
            doc["profiles"][name]
                .as_table_mut()
                .ok_or_else(|| StoreError::Invalid(format!("profile {name:?} is not a table")))?
        }
    };
    let set = |t: &mut toml_edit::Table, key: &str, value: Option<&str>| match value {
        Some(v) if t.get(key).and_then(|i| i.as_str()) != Some(v) => {
            t[key] = toml_edit::value(v);
        }
        Some(_) => {}
        None => {
            t.remove(key);
        }
    };
    set(t, "backend", Some(profile.backend.as_str()));
    set(t, "shop", Some(&profile.shop));
    set(
        t,
        "company",
        Some(profile.company.as_str()).filter(|c| !c.is_empty() || profile.backend == BackendKind::Procure),
    );
    set(t, "user", Some(&profile.user));
    if profile.allow_insecure_http {
        t["allow_insecure_http"] = toml_edit::value(true);
    } else {
        t.remove("allow_insecure_http");
    }
    set(t, "publishable_key", profile.publishable_key.as_deref());
    set(t, "region_id", profile.region_id.as_deref());
    set(t, "payment_provider", profile.payment_provider.as_deref());
    atomic::write(path, doc.to_string().as_bytes())
}

/// Sets `default_profile` in the user's file, keeping everything else as
/// written. The profile must be one of the file's (the caller checks).
pub fn save_default_profile(path: &Path, name: &str) -> Result<(), StoreError> {
    validate_profile_name(name)?;
    let _lock = super::lock::FileLock::exclusive(path)?;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io_err(path)(e)),
    };
    let config = Config::parse(&text).map_err(|message| StoreError::Corrupt { path: path.to_path_buf(), message })?;
    if !config.profiles.contains_key(name) {
        return Err(StoreError::NoProfile(format!("no profile named {name:?} in config.toml")));
    }
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| StoreError::Corrupt { path: path.to_path_buf(), message: e.to_string() })?;
    match doc.get_mut("default_profile").and_then(|i| i.as_value_mut()) {
        // In place: a comment at the end of the line stays.
        Some(v) => {
            let decor = v.decor().clone();
            *v = toml_edit::Value::from(name);
            *v.decor_mut() = decor;
        }
        None => {
            doc.insert("default_profile", toml_edit::value(name));
        }
    }
    atomic::write(path, doc.to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_is_the_defaults() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.network.timeout_secs, 30);
        assert_eq!(c.search.limit, 20);
        assert!(c.profiles.is_empty());
    }

    #[test]
    fn user_values_override_and_typos_are_reported() {
        let c = Config::parse("[network]\ntimeout_secs = 3\n").unwrap();
        assert_eq!(c.network.timeout_secs, 3);
        assert_eq!(c.network.connect_timeout_secs, 5);
        let e = Config::parse("[network]\ntimeout_sec = 3\n").unwrap_err();
        assert!(e.contains("timeout_sec"), "{e}");
        let e = Config::parse("default_profile = \n").unwrap_err();
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn matching_tolerances_read_as_decimals_and_out_of_range_is_refused() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.matching, Matching::default());
        let c = Config::parse("[matching]\nprice_tolerance_pct = 1.5\nquantity_tolerance = 2\n").unwrap();
        assert_eq!(c.matching.price_tolerance_pct, rust_decimal::Decimal::new(15, 1));
        assert_eq!(c.matching.quantity_tolerance, 2);
        let c = Config::parse("[matching]\nprice_tolerance_pct = 0.1\n").unwrap();
        assert_eq!(c.matching.price_tolerance_pct.to_string(), "0.1", "no binary fraction");
        assert_eq!(
            Config::parse("[matching]\nprice_tolerance_pct = 1\n").unwrap().matching.price_tolerance_pct,
            1.into()
        );
        let e = Config::parse("[matching]\nprice_tolerance_pct = -2\n").unwrap_err();
        assert_eq!(e, "[matching] price_tolerance_pct = -2 is not between 0 and 100");
        assert!(Config::parse("[matching]\nquantity_tolerance = -1\n").is_err());
    }

    #[test]
    fn saving_a_profile_keeps_comments() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "# mine\n[search]\nlimit = 7 # keep\n").unwrap();
        let prof = Profile {
            backend: BackendKind::Procure,
            shop: "http://127.0.0.1:1".into(),
            company: "ACME".into(),
            user: "buyer".into(),
            ..Default::default()
        };
        save_profile(&p, "demo", &prof).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("# mine") && text.contains("# keep"), "{text}");
        let c = Config::load(&p).unwrap();
        assert_eq!(c.default_profile, "demo");
        assert_eq!(c.profiles["demo"], prof);
        assert_eq!(c.search.limit, 7);
        assert_eq!(c.pick_profile(None).unwrap().0, "demo");
    }

    #[test]
    fn a_medusa_profile_keeps_its_keys_and_the_users_comments() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(
            &p,
            "[profiles.m]\n# my store\nbackend = \"medusa\"\nshop = \"https://store.example\"\n\
             user = \"a@b.test\"\npublishable_key = \"pk_1\" # from the admin\nregion_id = \"reg_1\"\n",
        )
        .unwrap();
        let c = Config::load(&p).unwrap();
        let (_, mut prof) = c.pick_profile(Some("m")).unwrap();
        assert_eq!(prof.backend, BackendKind::Medusa);
        assert_eq!(prof.company, "");
        assert_eq!(prof.publishable_key.as_deref(), Some("pk_1"));
        prof.user = "c@d.test".into();
        save_profile(&p, "m", &prof).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("# my store") && text.contains("# from the admin"), "{text}");
        assert!(!text.contains("company"), "no empty company key: {text}");
        let c = Config::load(&p).unwrap();
        assert_eq!(c.profiles["m"], prof);
    }

    #[test]
    fn the_documented_peppol_profile_parses() {
        // The example in config.example.toml, uncommented.
        let start = EXAMPLE.find("# [profiles.acme-peppol]").unwrap();
        let text: String = EXAMPLE[start..]
            .lines()
            .filter(|l| !l.starts_with("# #") && l.starts_with("# "))
            .map(|l| format!("{}\n", &l[2..]))
            .collect();
        let c = Config::parse(&text).unwrap();
        let p = &c.profiles["acme-peppol"];
        assert_eq!(p.backend, BackendKind::Peppol);
        assert_eq!(p.shop, "");
        assert_eq!(p.buyer_endpoint.as_deref(), Some("0106:12345678"));
        assert_eq!(p.delivery_city.as_deref(), Some("Düsseldorf"));
        assert!(
            Config::parse("[profiles.x]\nbackend = \"peppol\"\nbuyer_endpont = \"1:2\"\n").is_err(),
            "typos are refused"
        );
    }

    #[test]
    fn the_default_changes_in_place_and_the_comments_stay() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(
            &p,
            "# mine\ndefault_profile = \"a\" # the main one\n\n[profiles.a]\nshop = \"http://127.0.0.1:1\"\n\
             [profiles.b] # second\nshop = \"http://127.0.0.1:2\"\n",
        )
        .unwrap();
        save_default_profile(&p, "b").unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("default_profile = \"b\" # the main one"), "{text}");
        assert!(text.contains("# mine") && text.contains("# second"), "{text}");
        assert_eq!(Config::load(&p).unwrap().default_profile, "b");
        assert!(save_default_profile(&p, "c").is_err(), "only a profile of the file");
        // A file without the key gets it.
        std::fs::write(&p, "[profiles.a]\nshop = \"http://127.0.0.1:1\"\n").unwrap();
        save_default_profile(&p, "a").unwrap();
        assert_eq!(Config::load(&p).unwrap().default_profile, "a");
    }

    #[test]
    fn broken_file_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "[profiles.x\n").unwrap();
        let prof = Profile {
            backend: BackendKind::Procure,
            shop: "http://127.0.0.1:1".into(),
            company: "A".into(),
            user: "u".into(),
            ..Default::default()
        };
        assert!(save_profile(&p, "demo", &prof).is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "[profiles.x\n");
    }
}
