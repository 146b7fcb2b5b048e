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
