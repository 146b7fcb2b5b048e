//! What keeps one client from taking the shop down for the others: a bound
//! on concurrent password checks (argon2 takes about 19 MiB and tens of
//! milliseconds each), login rate limits per client address and per
//! company+user (governor's GCRA), the HTTP connection loop with a
//! header-read timeout and a cap on connections per client address, and the
//! reading of request bodies within a time limit into one buffer.

use super::error::ShopError;
use axum::Router;
use axum::extract::ConnectInfo;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock, clock::DefaultClock};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

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

/// How long a request body may take to arrive.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimes {
    /// The longest pause between two pieces of a body.
    pub read_timeout: Duration,
    /// The whole body, from the moment its request's headers are in.
    pub deadline: Duration,
}

/// A body is read into one buffer this large at first (or as large as it
/// says it is, when smaller), growing only when more arrives.
const FIRST_BODY_BUFFER: usize = 64 * 1024;

/// Reads a request body of at most `max` bytes into one buffer within
/// `times`. A body is not collected the way it arrives: hyper hands it over
/// in as many pieces as the network delivered, each holding on to the
/// connection's whole read buffer (8 KiB) for as long as it is kept, so a
/// body trickled a byte at a time took 4 KiB of memory per byte received.
/// Copied into one buffer, each piece is let go at once and hyper reuses its
/// read buffer.
pub async fn read_body(
    mut body: axum::body::Body,
    declared: Option<u64>,
    max: usize,
    times: BodyTimes,
) -> Result<Vec<u8>, ShopError> {
    use axum::body::HttpBody as _;
    let too_large =
        || ShopError::PayloadTooLarge(format!("the request body is larger than the shop accepts here ({max} bytes)"));
    let declared = declared.map(|n| usize::try_from(n).unwrap_or(usize::MAX));
    if declared.is_some_and(|n| n > max) {
        return Err(too_large());
    }
    let deadline = Instant::now() + times.deadline;
    let mut buf = Vec::with_capacity(declared.unwrap_or(0).min(FIRST_BODY_BUFFER));
    loop {
        let pause_ends = Instant::now() + times.read_timeout;
        let frame = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx));
        let frame = match tokio::time::timeout_at(pause_ends.min(deadline), frame).await {
            Ok(Some(Ok(frame))) => frame,
            Ok(None) => return Ok(buf),
            Ok(Some(Err(e))) => {
                return Err(ShopError::InvalidRequest(format!("the request body could not be read: {e}")));
            }
            Err(_) if pause_ends < deadline => {
                return Err(ShopError::RequestTimeout(format!(
                    "the request body stopped arriving for {} s",
                    times.read_timeout.as_secs_f64()
                )));
            }
            Err(_) => {
                return Err(ShopError::RequestTimeout(format!(
                    "the request body did not arrive whole within {} s",
                    times.deadline.as_secs_f64()
                )));
            }
        };
        if let Ok(data) = frame.into_data() {
            if buf.len().saturating_add(data.len()) > max {
                return Err(too_large());
            }
            buf.extend_from_slice(&data);
        }
    }
}

/// The open connections of each client address, up to a cap.
struct Connections {
    open: Mutex<HashMap<IpAddr, usize>>,
    per_address: usize,
}

/// An open connection, counted against its address until dropped.
struct ConnectionSlot {
    ip: IpAddr,
    connections: Arc<Connections>,
}

impl Connections {
    fn admit(self: &Arc<Self>, ip: IpAddr) -> Option<ConnectionSlot> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(ip).or_insert(0);
        if *n >= self.per_address {
            return None;
        }
        *n += 1;
        Some(ConnectionSlot { ip, connections: self.clone() })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut open = self.connections.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Serves `app` on `listener` over HTTP/1.1 until `stop` fires, then lets
/// open requests finish. A connection that has not sent its headers within
/// `header_timeout` is closed, and so is one beyond `per_address` open
/// connections from its address, at once. Each request carries its peer's
/// address.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    stop: impl Future<Output = ()>,
    header_timeout: Duration,
    per_address: usize,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt as _;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let connections = Arc::new(Connections { open: Mutex::new(HashMap::new()), per_address: per_address.max(1) });
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
                let Some(slot) = connections.admit(remote.ip()) else {
                    tracing::debug!(ip = %remote.ip(), "closed a connection beyond the address's cap");
                    drop(stream);
                    continue;
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
                    drop(slot);
                });
            }
            () = &mut stop => break,
        }
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
