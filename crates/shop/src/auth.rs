//! Passwords (argon2), bearer tokens (random, stored as SHA-256, expiring)
//! and the caller of a request.

use super::db;
use super::error::ShopError;
use super::guard::LoginGuard;
use argon2::password_hash::PasswordHasher;
#[cfg(test)]
use argon2::password_hash::PasswordVerifier;
use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

#[cfg(test)]
fn password_matches(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// The most argon2 memory one check may take (in 1 KiB blocks): what this
/// shop's own hashes need (19 MiB). A stored hash asking for more is refused.
pub const MAX_CHECK_BLOCKS: usize = 19 * 1024;

/// Verifies `password` against a stored PHC hash, computing in `memory`:
/// a buffer kept and reused by the caller, so password checks never churn
/// the allocator (fresh 19 MiB allocations per check grew the shop by
/// gigabytes under load, never given back).
pub fn password_matches_in(password: &str, stored: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else { return false };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else { return false };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm.as_str()) else { return false };
    let Ok(version) = hash.version.map(Version::try_from).transpose() else { return false };
    let Ok(params) = Params::try_from(&hash) else { return false };
    let blocks = params.block_count();
    if blocks > MAX_CHECK_BLOCKS {
        return false;
    }
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let argon2 = Argon2::new(algorithm, version.unwrap_or_default(), params);
    let mut buf = [0u8; Output::MAX_LENGTH];
    let Some(out) = buf.get_mut(..expected.len()) else { return false };
    if argon2.hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory[..blocks]).is_err() {
        return false;
    }
    // `Output`'s equality is constant-time.
    Output::new(out).is_ok_and(|computed| &computed == expected)
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
    let mut check = guard.password_check().await?;
    let ok = tokio::task::spawn_blocking(move || {
        password.len() <= MAX_PASSWORD_LEN
            && password_matches_in(&password, stored.as_deref().unwrap_or_else(|| dummy_hash()), check.memory())
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
        let mut memory = Vec::new();
        assert!(password_matches_in("demo", &a, &mut memory));
        assert!(!password_matches_in("Demo", &a, &mut memory));
        assert!(!password_matches_in("demo", "not a hash", &mut memory));
        assert_eq!(memory.len(), MAX_CHECK_BLOCKS, "one buffer, reused");
    }

    #[test]
    fn bearer_header() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
    }
}
