//! Passwords (argon2), bearer tokens (random, stored as SHA-256, expiring)
//! and the caller of a request.

use super::db;
use super::error::ShopError;
use super::guard::LoginGuard;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Utc};
use procure_protocol::api::{LoginRequest, LoginResponse};
use rand::TryRng;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::Duration;

/// Bytes from the operating system's random source.
pub fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut buf = [0u8; N];
    rand::rngs::SysRng.try_fill_bytes(&mut buf).map_err(|e| anyhow::anyhow!("the system random source failed: {e}"))?;
    Ok(buf)
}

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

fn password_matches(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the company or user does not exist, so a
/// failed login takes as long whatever was wrong.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("procure-no-such-user").unwrap_or_default())
}

/// Longer passwords are refused without hashing them.
const MAX_PASSWORD_LEN: usize = 1024;

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Who is calling: derived from the bearer token, never from the request body.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub company_id: i64,
    pub token_hash: String,
}

struct Account {
    user_id: i64,
    password_hash: String,
}

fn find_account(conn: &Connection, company: &str, user: &str) -> rusqlite::Result<Option<Account>> {
    conn.query_row(
        "SELECT u.id, u.password_hash FROM users u JOIN companies c ON c.id = u.company_id
         WHERE c.code = ?1 AND u.username = ?2",
        params![company.trim(), user.trim()],
        |r| Ok(Account { user_id: r.get(0)?, password_hash: r.get(1)? }),
    )
    .optional()
}

/// Checks the credentials and issues a token valid for `ttl`.
pub async fn login(
    db: &db::Db,
    guard: &LoginGuard,
    peer: Option<IpAddr>,
    req: LoginRequest,
    ttl: Duration,
) -> Result<LoginResponse, ShopError> {
    // Limits first: a refused attempt costs no database query and no hash.
    guard.admit(peer, &req.company, &req.user)?;
    let (company, user) = (req.company.clone(), req.user.clone());
    let account = db.run(move |conn| Ok(find_account(conn, &company, &user)?)).await?;
    let password = req.password;
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    // Argon2 is deliberately slow and takes memory: verify off the database
    // lock and off the async threads, at most one check per core at a time.
    // Unknown accounts verify against a dummy hash.
    let permit = guard.password_check().await?;
    let ok = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        password.len() <= MAX_PASSWORD_LEN
            && password_matches(&password, stored.as_deref().unwrap_or_else(|| dummy_hash()))
    })
    .await
    .map_err(|e| anyhow::anyhow!("password check failed: {e}"))?;
    let Some(account) = account.filter(|_| ok) else {
        tracing::info!(company = %req.company, user = %req.user, "login refused");
        return Err(ShopError::InvalidCredentials);
    };
    let token = hex::encode(random_bytes::<32>()?);
    let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(12));
    let expires_at: DateTime<Utc> = Utc::now() + ttl;
    let hash = token_hash(&token);
    db.run(move |conn| {
        let now = Utc::now().timestamp();
        conn.execute("DELETE FROM tokens WHERE expires_at <= ?1", [now])?;
        conn.execute(
            "INSERT INTO tokens (hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
            params![hash, account.user_id, expires_at.timestamp()],
        )?;
        Ok(())
    })
    .await?;
    tracing::info!(company = %req.company, user = %req.user, "logged in");
    Ok(LoginResponse { token, expires_at })
}

/// The caller of a bearer token, if it is known and not expired.
pub fn caller_of(conn: &Connection, token: &str) -> Result<Caller, ShopError> {
    let hash = token_hash(token);
    let found = conn
        .prepare_cached(
            "SELECT u.id, u.company_id FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.hash = ?1 AND t.expires_at > ?2",
        )?
        .query_row(params![hash, Utc::now().timestamp()], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
        .optional()?;
    match found {
        Some((user_id, company_id)) => Ok(Caller { user_id, company_id, token_hash: hash }),
        None => Err(ShopError::Unauthorized),
    }
}

pub fn logout(conn: &Connection, caller: &Caller) -> Result<(), ShopError> {
    conn.execute("DELETE FROM tokens WHERE hash = ?1", [&caller.token_hash])?;
    Ok(())
}

/// The token of an `Authorization: Bearer …` header value.
pub fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_salted_and_verified() {
        let a = hash_password("demo").unwrap();
        let b = hash_password("demo").unwrap();
        assert_ne!(a, b, "each hash has its own salt");
        assert!(!a.contains("demo"));
        assert!(password_matches("demo", &a));
        assert!(!password_matches("Demo", &a));
        assert!(!password_matches("demo", "not a hash"));
    }

    #[test]
    fn bearer_header() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }
}
