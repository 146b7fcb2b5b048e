//! The workspace: procure's files and settings and every supplier the buyer
//! has a profile for. A face opens it once and opens from it the suppliers
//! it works with, by name or the default one.

use super::{Clock, Result, Supplier};
use crate::store::Paths;
use crate::store::config::Config;
use std::sync::Arc;

/// Paths, config.toml and the clock the services read. Each profile of
/// config.toml is a supplier ([`Workspace::supplier`] opens one).
pub struct Workspace {
    paths: Paths,
    config: Arc<Config>,
    clock: Clock,
}

impl Workspace {
    /// Reads config.toml (a missing one is the defaults; a broken one is an
    /// error naming the file and the line). The clock is the system's.
    pub fn open(paths: Paths) -> Result<Workspace> {
        let config = Arc::new(Config::load(&paths.config_file)?);
        Ok(Workspace { paths, config, clock: Clock::system() })
    }

    /// The same workspace reading its time from `clock` (a test's).
    pub fn with_clock(mut self, clock: Clock) -> Workspace {
        self.clock = clock;
        self
    }

    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// The settings of config.toml (keys, colours, search limit, …).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Where "now" and "today" come from, for the services and the faces.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The names of every supplier (profile), sorted.
    pub fn suppliers(&self) -> Vec<String> {
        self.config.profiles.keys().cloned().collect()
    }

    /// Every supplier once, for the lists across suppliers (`order late`,
    /// `statement`): the default profile first, then the others by name,
    /// leaving out a profile that is another login to an account listed
    /// already (the same shop and company, or the same Peppol folders), so
    /// nothing is counted twice.
    pub fn distinct_suppliers(&self) -> Vec<String> {
        let mut names = self.suppliers();
        if let Ok(first) = self.default_supplier()
            && let Some(i) = names.iter().position(|n| *n == first)
        {
            let d = names.remove(i);
            names.insert(0, d);
        }
        let mut seen: Vec<(String, String, String, String)> = Vec::new();
        names
            .into_iter()
            .filter(|n| {
                let Some(p) = self.config.profiles.get(n) else { return false };
                let key = (
                    p.backend.as_str().to_string(),
                    p.shop.trim().trim_end_matches('/').to_lowercase(),
                    p.company.trim().to_lowercase(),
                    p.outbox.clone().unwrap_or_default(),
                );
                // A Medusa customer is one account per user.
                let key = if p.backend == crate::store::config::BackendKind::Medusa {
                    (key.0, key.1, p.user.trim().to_lowercase(), key.3)
                } else {
                    key
                };
                if seen.contains(&key) {
                    false
                } else {
                    seen.push(key);
                    true
                }
            })
            .collect()
    }

    /// The supplier used when none is named: `default_profile`, else the
    /// only profile; an error saying what to do when there is none or
    /// several without a default.
    pub fn default_supplier(&self) -> Result<String> {
        Ok(self.config.pick_profile(None)?.0)
    }

    /// Opens the supplier `name`, or the default one: its settings, its
    /// backend and whether it is logged in (a token still valid now).
    pub fn supplier(&self, name: Option<&str>) -> Result<Supplier> {
        let (name, profile) = self.config.pick_profile(name)?;
        Supplier::open(self.paths.clone(), self.config.clone(), self.clock.clone(), &name, profile)
    }

    /// Reads config.toml again (after a login wrote a profile into it).
    pub(crate) fn reload(&mut self) -> Result<()> {
        self.config = Arc::new(Config::load(&self.paths.config_file)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_logins_to_one_account_are_one_supplier() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "default_profile = \"b\"\n\
             [profiles.a]\nshop = \"http://127.0.0.1:8450\"\ncompany = \"ACME\"\nuser = \"buyer\"\n\
             [profiles.b]\nshop = \"http://127.0.0.1:8450/\"\ncompany = \"acme\"\nuser = \"approver\"\n\
             [profiles.c]\nshop = \"http://127.0.0.1:8450\"\ncompany = \"BOLT\"\nuser = \"buyer\"\n",
        )
        .unwrap();
        let ws = Workspace::open(Paths::under(dir.path().to_path_buf())).unwrap();
        assert_eq!(ws.suppliers(), ["a", "b", "c"]);
        assert_eq!(ws.distinct_suppliers(), ["b", "c"], "the default first; a is b's account again");
    }
}
