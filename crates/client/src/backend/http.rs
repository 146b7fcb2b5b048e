//! HTTP plumbing shared by backends: TLS by default (rustls), plain http only
//! to loopback unless the profile allows it, timeouts, error mapping.

use super::{BackendError, Timeouts};
use std::net::IpAddr;
use std::sync::Once;

/// Parses a shop address and applies the transport policy.
pub fn checked_base_url(raw: &str, allow_insecure_http: bool) -> Result<reqwest::Url, BackendError> {
    let url = reqwest::Url::parse(raw.trim())
        .map_err(|e| BackendError::Insecure(format!("{raw:?} is not a shop address: {e}")))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(url),
        "http" => Err(BackendError::Insecure(format!(
            "refusing plain http to {}: use https, or set allow_insecure_http = true for this profile (passwords would travel unencrypted)",
            url.host_str().unwrap_or("?")
        ))),
        other => Err(BackendError::Insecure(format!("unsupported scheme {other:?} in {raw:?}"))),
    }
}

pub fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

static PROVIDER: Once = Once::new();

/// The HTTP client for a shop at `base`. It asks for compressed answers
/// (zstd, gzip) except from a shop on this machine, where compressing and
/// unpacking a million-part catalog costs more time than moving it does.
pub fn client(timeouts: &Timeouts, base: &reqwest::Url) -> Result<reqwest::Client, BackendError> {
    PROVIDER.call_once(|| {
        // Ignored when a provider is installed already.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    let builder = reqwest::Client::builder();
    let builder = if is_loopback(base) { builder.no_zstd().no_gzip() } else { builder };
    builder
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.total)
        .user_agent(concat!("procure/", env!("CARGO_PKG_VERSION")))
        // Every request carries a password, a token or an order: none may
        // follow a redirect to wherever a shop points (see `redirect_error`).
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| BackendError::Unreachable { url: String::new(), reason: e.to_string() })
}

/// The largest answer procure reads from a shop (a catalog or price-list
/// page, an order list, …): 32 MiB. A larger one is refused, not buffered.
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// A redirect is never followed: say where it pointed and that nothing was sent there.
pub fn redirect_error(resp: &reqwest::Response) -> Option<BackendError> {
    if !resp.status().is_redirection() {
        return None;
    }
    let to = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(crate::core::sanitize::clean)
        .unwrap_or_else(|| "an unnamed address".into());
    Some(BackendError::Protocol(format!(
        "the shop answered HTTP {} and points to {to}; procure follows no redirects, so nothing (no password, \
         token or order) was sent there: check the shop address of this profile",
        resp.status().as_u16()
    )))
}

/// The body of an answer, at most `MAX_RESPONSE_BYTES`.
pub async fn body(
    mut resp: reqwest::Response,
    base: &reqwest::Url,
    timeouts: &Timeouts,
) -> Result<Vec<u8>, BackendError> {
    let too_large = || {
        BackendError::Protocol(format!(
            "the answer is larger than {} MiB, the most procure accepts from a shop",
            MAX_RESPONSE_BYTES / (1024 * 1024)
        ))
    };
    if resp.content_length().is_some_and(|n| n > MAX_RESPONSE_BYTES as u64) {
        return Err(too_large());
    }
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(base, e, timeouts))? {
        if out.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(too_large());
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Decodes a shop's JSON answer with every text cleaned (`Untrusted`).
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    crate::core::sanitize::decode_clean(bytes)
}

/// Maps a transport failure to what the user needs to know.
pub fn transport_error(url: &reqwest::Url, e: reqwest::Error, timeouts: &Timeouts) -> BackendError {
    let base = format!("{}://{}", url.scheme(), url.host_str().unwrap_or("?"))
        + &url.port().map(|p| format!(":{p}")).unwrap_or_default();
    if e.is_timeout() {
        BackendError::Timeout { url: base, secs: timeouts.total.as_secs() }
    } else if e.is_connect() {
        BackendError::Unreachable { url: base, reason: "connection refused or no route".into() }
    } else if e.is_decode() || e.is_body() {
        BackendError::Protocol(e.to_string())
    } else {
        BackendError::Unreachable { url: base, reason: root_cause(&e) }
    }
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_always_http_only_to_loopback() {
        assert!(checked_base_url("https://shop.example.com", false).is_ok());
        assert!(checked_base_url("http://127.0.0.1:8080", false).is_ok());
        assert!(checked_base_url("http://localhost:8080", false).is_ok());
        assert!(checked_base_url("http://[::1]:8080", false).is_ok());
        let e = checked_base_url("http://shop.example.com", false).unwrap_err();
        assert!(e.to_string().contains("allow_insecure_http"), "{e}");
        assert!(checked_base_url("http://shop.example.com", true).is_ok());
        assert!(checked_base_url("ftp://x", true).is_err());
        assert!(checked_base_url("not a url", true).is_err());
    }

    /// A shop on this machine is not asked to compress its answers.
    #[tokio::test]
    async fn no_compression_asked_of_a_loopback_shop() {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = reqwest::Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap() == 1 {
                head.push(byte[0]);
            }
            conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").unwrap();
            String::from_utf8_lossy(&head).to_lowercase()
        });
        let timeouts =
            Timeouts { connect: std::time::Duration::from_secs(5), total: std::time::Duration::from_secs(5) };
        let resp = client(&timeouts, &base).unwrap().get(base.clone()).send().await.unwrap();
        assert!(resp.status().is_success());
        let head = server.join().unwrap();
        assert!(head.starts_with("get / http/1.1"), "{head}");
        assert!(!head.contains("accept-encoding"), "{head}");
    }
}
