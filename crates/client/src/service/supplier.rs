//! One supplier: a profile of config.toml with its backend, login state,
//! catalog cache and index, baskets and the submissions that wait for it.
//! Every service call names the supplier it is for by taking one; a face
//! may hold several at once (each has its own files).

use super::{Clock, Error, Result};
use crate::backend::{self, Backend, Timeouts};
use crate::store::baskets::BasketStore;
use crate::store::cache::CatalogCache;
use crate::store::config::{Config, Profile};
use crate::store::{Paths, credentials};
use std::sync::Arc;
use std::time::Duration;

/// Its fields are the client's own: a face reads a supplier through the
/// accessors and does everything else through the services.
pub struct Supplier {
    pub(crate) name: String,
    pub(crate) profile: Profile,
    pub(crate) backend: Arc<dyn Backend>,
    pub(crate) logged_in: bool,
    pub(crate) paths: Paths,
    pub(crate) config: Arc<Config>,
    pub(crate) clock: Clock,
}

pub(crate) fn timeouts(config: &Config) -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(config.network.connect_timeout_secs.max(1)),
        total: Duration::from_secs(config.network.timeout_secs.max(1)),
    }
}

impl Supplier {
    /// The supplier of profile `name`, with the token kept for it when it is
    /// still valid.
    pub(crate) fn open(
        paths: Paths,
        config: Arc<Config>,
        clock: Clock,
        name: &str,
        profile: Profile,
    ) -> Result<Supplier> {
        let creds = credentials::load(&paths.token_file(name))?;
        let token = creds.filter(|c| c.is_valid_for(&profile.shop, clock.now())).map(|c| c.token);
        let has_token = token.is_some();
        let backend = backend::for_profile(&profile, &timeouts(&config), token, &paths.profile_dir(name))?;
        let logged_in = has_token || backend::login_not_needed(&profile).is_some();
        Ok(Supplier { name: name.to_string(), profile, backend: backend.into(), logged_in, paths, config, clock })
    }

    /// The supplier's name: its profile's name in config.toml.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The shop's address as configured.
    pub fn shop_url(&self) -> &str {
        &self.profile.shop
    }

    pub fn capabilities(&self) -> crate::backend::Capabilities {
        self.backend.capabilities()
    }

    pub fn logged_in(&self) -> bool {
        self.logged_in
    }

    /// The clock the services read for this supplier (the workspace's).
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub fn require_login(&self) -> Result<()> {
        if self.logged_in {
            Ok(())
        } else {
            Err(Error::AuthNeeded(format!(
                "not logged in to profile {:?} (or the session expired): run `procure login --profile {}`",
                self.name, self.name
            )))
        }
    }

    pub(crate) fn cache(&self) -> Result<CatalogCache> {
        Ok(CatalogCache::open(&self.paths.cache_db(&self.name))?)
    }

    /// The cache, failing with a hint when nothing was synced yet.
    pub(crate) fn synced_cache(&self) -> Result<CatalogCache> {
        let cache = self.cache()?;
        if cache.marks()?.synced_at.is_none() {
            return Err(Error::Rejected(format!(
                "no catalog for profile {:?} yet: run `procure sync` first",
                self.name
            )));
        }
        Ok(cache)
    }

    pub(crate) fn baskets(&self) -> BasketStore {
        BasketStore::owned_by(self.paths.baskets_dir(&self.name), &self.name)
    }

    /// The local history of orders and invoices.
    pub(crate) fn history(&self) -> Result<crate::store::history::History> {
        Ok(crate::store::history::History::open(&self.paths.history_db(&self.name))?)
    }

    /// The goods receipts recorded for this supplier's orders.
    pub(crate) fn receipts(&self) -> crate::store::receipts::ReceiptStore {
        crate::store::receipts::ReceiptStore::new(self.paths.receipts_dir(&self.name))
    }

    /// The three-way match's tolerances (`[matching]` in config.toml).
    pub fn tolerances(&self) -> crate::core::matching::Tolerances {
        crate::core::matching::Tolerances {
            price_pct: self.config.matching.price_tolerance_pct,
            quantity: self.config.matching.quantity_tolerance,
        }
    }
}
