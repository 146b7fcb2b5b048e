//! Logging in and out of a supplier. A login names the supplier (profile)
//! it is for and writes it into the workspace's config.toml.

use super::{Error, Result, Supplier, Workspace};
use crate::backend;
use crate::service::{ErrorKind, Remedy};
use crate::store::config::{self, Config, Profile};
use crate::store::{Paths, credentials};

/// What a buyer gives at login; what is missing comes from the existing profile.
#[derive(Debug, Clone, Default)]
pub struct LoginFields {
    pub shop: Option<String>,
    pub company: Option<String>,
    pub user: Option<String>,
    pub allow_insecure_http: bool,
}

/// The asked (or default) supplier and why it needs no `procure login`,
/// when its backend has no sessions (Peppol reads and writes files).
pub fn login_not_needed(ws: &Workspace, asked: Option<&str>) -> Option<(String, String)> {
    let (name, profile) = ws.config().pick_profile(asked).ok()?;
    backend::login_not_needed(&profile).map(|why| (name, why))
}

/// The profile name and settings a login will use: the asked (or default)
/// profile, with what was not given filled from it, so a re-login is short.
/// The shop's address is checked (TLS, or plain http only to loopback).
pub fn login_profile(ws: &Workspace, asked: Option<&str>, given: &LoginFields) -> Result<(String, Profile)> {
    let config = ws.config();
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

/// Logs in to supplier `name` and keeps the token (0600); the profile is
/// written into config.toml. The password is used once and never stored.
pub async fn login(ws: &mut Workspace, name: &str, profile: Profile, password: &str) -> Result<Supplier> {
    log_in(ws.paths(), ws.config(), name, &profile, password).await?;
    ws.reload()?;
    ws.supplier(Some(name))
}

/// Logs in again to the supplier (after its session expired).
pub async fn relogin(sup: &Supplier, password: &str) -> Result<Supplier> {
    log_in(&sup.paths, &sup.config, &sup.name, &sup.profile, password).await?;
    Supplier::open(sup.paths.clone(), sup.config.clone(), sup.clock.clone(), &sup.name, sup.profile.clone())
}

async fn log_in(paths: &Paths, config: &Config, name: &str, profile: &Profile, password: &str) -> Result<()> {
    crate::store::config::validate_profile_name(name)?;
    if let Some(why) = backend::login_not_needed(profile) {
        return Err(Error::Usage(why));
    }
    let shop = backend::for_profile(profile, &super::supplier::timeouts(config), None, &paths.profile_dir(name))?;
    if shop.capabilities().company_accounts && profile.company.trim().is_empty() {
        return Err(Error::NeedsChoice {
            kind: ErrorKind::Usage,
            message: "a company is required: this shop's users log in as members of a company account".into(),
            remedy: Remedy::NameCompany,
        });
    }
    let session = shop.login(&profile.company, &profile.user, password).await?;
    config::save_profile(&paths.config_file, name, profile)?;
    credentials::save(
        &paths.token_file(name),
        &credentials::Credentials { token: session.token, expires_at: session.expires_at, shop: profile.shop.clone() },
    )?;
    tracing::info!(profile = name, shop = %profile.shop, "logged in");
    Ok(())
}

/// Ends the session on the shop (best effort) and forgets the token.
pub async fn logout(sup: &Supplier) -> Result<bool> {
    if sup.logged_in
        && let Err(e) = sup.backend.logout().await
    {
        tracing::warn!(error = %e, "logout on the shop failed; forgetting the token anyway");
    }
    Ok(credentials::remove(&sup.paths.token_file(&sup.name))?)
}

/// Who is logged in, as the shop says now (its text is cleaned as it is read).
pub async fn me(sup: &Supplier) -> Result<crate::api::Me> {
    sup.require_login()?;
    Ok(sup.backend.me().await?)
}

/// Who was logged in at the last sync (offline), if anyone.
pub fn cached_me(sup: &Supplier) -> Option<crate::api::Me> {
    sup.cache().ok()?.me().ok()?
}
