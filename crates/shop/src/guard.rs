//! What keeps one client from taking the shop down for the others: a bound
//! on concurrent password checks (argon2 takes about 19 MiB and tens of
//! milliseconds each), login rate limits per client address and per
//! company+user (governor's GCRA), and the HTTP connection loop with a
//! header-read timeout.

use super::error::ShopError;
use axum::Router;
use axum::extract::ConnectInfo;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock, clock::DefaultClock};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How many logins a client address and an account may try.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Login attempts from one client address in a burst …
    pub per_address_burst: u32,
    /// … and then one more every this often.
    pub per_address_every: Duration,
    /// Login attempts at one company+user in a burst (right or wrong) …
    pub per_account_burst: u32,
    /// … and then one more every this often; until then the account is
    /// locked: even the right password is refused.
    pub per_account_every: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_address_burst: 30,
            per_address_every: Duration::from_secs(2),
            per_account_burst: 10,
            per_account_every: Duration::from_secs(60),
        }
    }
}

fn quota(burst: u32, every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every.max(Duration::from_millis(1)))
        .unwrap_or_else(|| Quota::per_second(burst))
        .allow_burst(burst)
}

/// A turn at a password check, with the check's memory: one buffer per
/// core, allocated once and handed back when the check ends.
pub struct PasswordCheck {
    _permit: OwnedSemaphorePermit,
    memory: Vec<argon2::Block>,
    pool: Arc<Mutex<Vec<Vec<argon2::Block>>>>,
}

impl PasswordCheck {
    pub fn memory(&mut self) -> &mut Vec<argon2::Block> {
        &mut self.memory
    }
}

impl Drop for PasswordCheck {
    fn drop(&mut self) {
        let memory = std::mem::take(&mut self.memory);
        self.pool.lock().unwrap_or_else(|p| p.into_inner()).push(memory);
    }
}

pub struct LoginGuard {
    checks: Arc<Semaphore>,
    memory: Arc<Mutex<Vec<Vec<argon2::Block>>>>,
    by_address: DefaultKeyedRateLimiter<IpAddr>,
    by_account: DefaultKeyedRateLimiter<(String, String)>,
    clock: DefaultClock,
}

impl LoginGuard {
    pub fn new(limits: LoginLimits) -> Self {
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(2);
        LoginGuard {
            checks: Arc::new(Semaphore::new(cores)),
            memory: Arc::new(Mutex::new((0..cores).map(|_| Vec::new()).collect())),
            by_address: RateLimiter::keyed(quota(limits.per_address_burst, limits.per_address_every)),
            by_account: RateLimiter::keyed(quota(limits.per_account_burst, limits.per_account_every)),
            clock: DefaultClock::default(),
        }
    }

    /// Counts an attempt against the address and the account; refused with
    /// 429 and `Retry-After` once either is used up.
    pub fn admit(&self, addr: Option<IpAddr>, company: &str, user: &str) -> Result<(), ShopError> {
        let wait = |not_until: governor::NotUntil<<DefaultClock as Clock>::Instant>| {
            not_until.wait_time_from(self.clock.now()).as_secs() + 1
        };
        if let Some(ip) = addr
            && let Err(n) = self.by_address.check_key(&ip)
        {
            let secs = wait(n);
            tracing::warn!(%ip, "login attempts from this address are rate-limited");
            return Err(ShopError::TooManyRequests {
                message: format!("too many login attempts from this address; try again in {secs} s"),
                retry_after: secs,
            });
        }
        let key = (company.trim().to_lowercase(), user.trim().to_lowercase());
        if let Err(n) = self.by_account.check_key(&key) {
            let secs = wait(n);
            tracing::warn!(company, user, "account locked after too many login attempts");
            return Err(ShopError::TooManyRequests {
                message: format!("too many login attempts for this account; it is locked for {secs} s"),
                retry_after: secs,
            });
        }
        Ok(())
    }

    /// A permit to run one password check; as many run at once as there
    /// are cores, the rest wait their turn.
    pub async fn password_check(&self) -> Result<PasswordCheck, ShopError> {
        let permit =
            self.checks.clone().acquire_owned().await.map_err(|e| ShopError::Internal(anyhow::anyhow!("{e}")))?;
        let memory = self.memory.lock().unwrap_or_else(|p| p.into_inner()).pop().unwrap_or_default();
        Ok(PasswordCheck { _permit: permit, memory, pool: self.memory.clone() })
    }

    /// Forgets the state of keys that are back to a full burst.
    pub fn tidy(&self) {
        self.by_address.retain_recent();
        self.by_account.retain_recent();
    }
}

/// Serves `app` on `listener` over HTTP/1.1 until `stop` fires, then lets
/// open requests finish. A connection that has not sent its headers within
/// `header_timeout` is closed. Each request carries its peer's address.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl Future<Output = ()>,
    header_timeout: Duration,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, remote): (tokio::net::TcpStream, SocketAddr) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: back off, keep serving.
                        tracing::warn!("accepting a connection failed: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnectInfo(remote));
                    app.clone().oneshot(req.map(axum::body::Body::new))
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(header_timeout)
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!("connection closed: {e}");
                    }
                });
            }
            () = &mut stop => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
