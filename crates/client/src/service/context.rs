//! The profile a command works on: its settings, token, shop and files.

use super::{Error, Result};
use crate::backend::{self, Backend, Timeouts};
use crate::store::baskets::BasketStore;
use crate::store::cache::CatalogCache;
use crate::store::config::{self, Config, Profile};
use crate::store::{Paths, credentials};
use chrono::Utc;
use std::time::Duration;

/// Its fields are private: a face reads settings through the accessors and
/// does everything else through the services, never the shop or the files.
pub struct Context {
    pub(crate) paths: Paths,
    pub(crate) config: Config,
    pub(crate) profile_name: String,
    pub(crate) profile: Profile,
    pub(crate) shop: std::sync::Arc<dyn Backend>,
    pub(crate) logged_in: bool,
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
        let has_token = token.is_some();
        let shop = backend::for_profile(&profile, &timeouts(&config), token, &paths.profile_dir(&profile_name))?;
        let logged_in = has_token || backend::login_not_needed(&profile).is_some();
        Ok(Context { paths, config, profile_name, profile, shop: shop.into(), logged_in })
    }

    pub fn profile_name(&self) -> &str {
        &self.profile_name
    }

    /// The shop's address as configured.
    pub fn shop_url(&self) -> &str {
        &self.profile.shop
    }

    /// The settings of config.toml (keys, colours, search limit, …).
    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn capabilities(&self) -> crate::backend::Capabilities {
        self.shop.capabilities()
    }

    pub fn logged_in(&self) -> bool {
        self.logged_in
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

    pub(crate) fn cache(&self) -> Result<CatalogCache> {
        Ok(CatalogCache::open(&self.paths.cache_db(&self.profile_name))?)
    }

    /// The cache, failing with a hint when nothing was synced yet.
    pub(crate) fn synced_cache(&self) -> Result<CatalogCache> {
        let cache = self.cache()?;
        if cache.marks()?.synced_at.is_none() {
            return Err(Error::Rejected(format!(
                "no catalog for profile {:?} yet: run `procure sync` first",
                self.profile_name
            )));
        }
        Ok(cache)
    }

    pub(crate) fn baskets(&self) -> BasketStore {
        BasketStore::new(self.paths.baskets_dir(&self.profile_name))
    }
}

/// What a buyer gives at login; what is missing comes from the existing profile.
#[derive(Debug, Clone, Default)]
pub struct LoginFields {
    pub shop: Option<String>,
    pub company: Option<String>,
    pub user: Option<String>,
    pub allow_insecure_http: bool,
}

/// The asked (or default) profile and why it needs no `procure login`, when
/// its backend has no sessions (Peppol reads and writes files).
pub fn login_not_needed(paths: &Paths, asked: Option<&str>) -> Result<Option<(String, String)>> {
    let config = Config::load(&paths.config_file)?;
    Ok(config.pick_profile(asked).ok().and_then(|(name, p)| backend::login_not_needed(&p).map(|why| (name, why))))
}

/// The profile name and settings a login will use: the asked (or default)
/// profile, with what was not given filled from it, so a re-login is short.
/// The shop's address is checked (TLS, or plain http only to loopback).
pub fn login_profile(paths: &Paths, asked: Option<&str>, given: &LoginFields) -> Result<(String, Profile)> {
    let config = Config::load(&paths.config_file)?;
    let existing = config.pick_profile(asked).ok();
    let name = asked
        .map(str::to_string)
        .or_else(|| existing.as_ref().map(|(n, _)| n.clone()))
        .unwrap_or_else(|| "default".into());
    let old = existing.filter(|(n, _)| *n == name).map(|(_, p)| p);
    let pick = |given: &Option<String>, old: Option<&String>, what: &str| {
        given.clone().or_else(|| old.cloned()).ok_or_else(|| Error::Usage(format!("--{what} is required")))
    };
    let base = old.clone().unwrap_or_default();
    let profile = Profile {
        backend: old.as_ref().map(|p| p.backend).unwrap_or(config::BackendKind::Procure),
        shop: pick(&given.shop, old.as_ref().map(|p| &p.shop), "shop")?,
        // Whether the shop needs a company is the backend's to say (at login).
        company: given.company.clone().unwrap_or(base.company),
        user: pick(&given.user, old.as_ref().map(|p| &p.user), "user")?,
        allow_insecure_http: given.allow_insecure_http || base.allow_insecure_http,
        // Backend settings (e.g. Medusa's publishable key) come from config.toml.
        publishable_key: base.publishable_key,
        region_id: base.region_id,
        payment_provider: base.payment_provider,
        ..base
    };
    crate::backend::http::checked_base_url(&profile.shop, profile.allow_insecure_http)?;
    Ok((name, profile))
}

/// Logs in and keeps the token (0600). The password is used once and never stored.
pub async fn login(paths: &Paths, name: &str, profile: Profile, password: &str) -> Result<Context> {
    crate::store::config::validate_profile_name(name)?;
    if let Some(why) = backend::login_not_needed(&profile) {
        return Err(Error::Usage(why));
    }
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

/// Logs in again on the context's profile (after a session expired).
pub async fn relogin(ctx: &Context, password: &str) -> Result<Context> {
    login(&ctx.paths, &ctx.profile_name, ctx.profile.clone(), password).await
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

/// Who is logged in, as the shop says now (its text is cleaned as it is read).
pub async fn me(ctx: &Context) -> Result<crate::api::Me> {
    ctx.require_login()?;
    Ok(ctx.shop.me().await?)
}

/// Who was logged in at the last sync (offline), if anyone.
pub fn cached_me(ctx: &Context) -> Option<crate::api::Me> {
    ctx.cache().ok()?.me().ok()?
}
