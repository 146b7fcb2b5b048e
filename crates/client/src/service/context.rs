//! The profile a command works on: its settings, token, shop and files.

use super::{Error, Result};
use crate::backend::{self, Shop, Timeouts};
use crate::store::baskets::BasketStore;
use crate::store::cache::CatalogCache;
use crate::store::config::{self, Config, Profile};
use crate::store::{Paths, credentials};
use chrono::Utc;
use std::time::Duration;

pub struct Context {
    pub paths: Paths,
    pub config: Config,
    pub profile_name: String,
    pub profile: Profile,
    pub shop: Box<dyn Shop>,
    pub logged_in: bool,
}

pub fn timeouts(config: &Config) -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(config.network.connect_timeout_secs.max(1)),
        total: Duration::from_secs(config.network.timeout_secs.max(1)),
    }
}

impl Context {
    pub fn open(paths: Paths, asked: Option<&str>) -> Result<Context> {
        let config = Config::load(&paths.config_file)?;
        let (profile_name, profile) = config.pick_profile(asked)?;
        let creds = credentials::load(&paths.token_file(&profile_name))?;
        let token = creds.filter(|c| c.is_valid_for(&profile.shop, Utc::now())).map(|c| c.token);
        let logged_in = token.is_some();
        let shop = backend::for_profile(&profile, &timeouts(&config), token, &paths.profile_dir(&profile_name))?;
        Ok(Context { paths, config, profile_name, profile, shop, logged_in })
    }

    pub fn require_login(&self) -> Result<()> {
        if self.logged_in {
            Ok(())
        } else {
            Err(Error::AuthNeeded(format!(
                "not logged in to profile {:?} (or the session expired): run `procure login --profile {}`",
                self.profile_name, self.profile_name
            )))
        }
    }

    pub fn cache(&self) -> Result<CatalogCache> {
        Ok(CatalogCache::open(&self.paths.cache_db(&self.profile_name))?)
    }

    /// The cache, failing with a hint when nothing was synced yet.
    pub fn synced_cache(&self) -> Result<CatalogCache> {
        let cache = self.cache()?;
        if cache.marks()?.synced_at.is_none() {
            return Err(Error::Rejected(format!(
                "no catalog for profile {:?} yet: run `procure sync` first",
                self.profile_name
            )));
        }
        Ok(cache)
    }

    pub fn baskets(&self) -> BasketStore {
        BasketStore::new(self.paths.baskets_dir(&self.profile_name))
    }
}

/// Logs in and keeps the token (0600). The password is used once and never stored.
pub async fn login(paths: &Paths, name: &str, profile: Profile, password: &str) -> Result<Context> {
    crate::store::config::validate_profile_name(name)?;
    let config = Config::load(&paths.config_file)?;
    let shop = backend::for_profile(&profile, &timeouts(&config), None, &paths.profile_dir(name))?;
    if shop.capabilities().company_accounts && profile.company.trim().is_empty() {
        return Err(Error::Usage(
            "--company is required: this shop's users log in as members of a company account".into(),
        ));
    }
    let session = shop.login(&profile.company, &profile.user, password).await?;
    config::save_profile(&paths.config_file, name, &profile)?;
    credentials::save(
        &paths.token_file(name),
        &credentials::Credentials { token: session.token, expires_at: session.expires_at, shop: profile.shop.clone() },
    )?;
    tracing::info!(profile = name, shop = %profile.shop, "logged in");
    Context::open(paths.clone(), Some(name))
}

/// Ends the session on the shop (best effort) and forgets the token.
pub async fn logout(ctx: &Context) -> Result<bool> {
    if ctx.logged_in
        && let Err(e) = ctx.shop.logout().await
    {
        tracing::warn!(error = %e, "logout on the shop failed; forgetting the token anyway");
    }
    Ok(credentials::remove(&ctx.paths.token_file(&ctx.profile_name))?)
}
