//! The one JSON-over-HTTP client every HTTP backend uses: TLS by default
//! (rustls), plain http only to loopback unless the profile allows it,
//! timeouts, no redirects followed, bounded answers, every answer — error
//! bodies too — decoded through the cleaning decode (`Untrusted`), and
//! transport failures mapped to `BackendError`. What differs between shops
//! (the shape of an error body, what it means) is a backend's [`Dialect`].

use super::{BackendError, Timeouts};
use crate::api::{ApiError, codes};
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, Response, StatusCode, Url};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::Once;

/// How one kind of HTTP shop speaks, beyond JSON over HTTP.
pub trait Dialect: Send + Sync + 'static {
    /// The JSON of the shop's error answers.
    type ErrorBody: DeserializeOwned;
    /// The shop's answers in a sentence: "HTTP 200, not {ANSWERS}: …".
    const ANSWERS: &'static str;
    /// An answer's bytes as they are decoded (by default as they came).
    fn prepare(body: &[u8]) -> Cow<'_, [u8]> {
        Cow::Borrowed(body)
    }
    /// An error answer: its status, and its body when it is `ErrorBody`
    /// (decoded and cleaned like every answer).
    fn error(status: StatusCode, body: Option<Self::ErrorBody>) -> BackendError;
}

/// A shop's HTTP API at `base`: the session (bearer token, fixed headers)
/// and the one way requests are sent and answers read.
pub struct HttpClient<D: Dialect> {
    base: Url,
    http: reqwest::Client,
    timeouts: Timeouts,
    token: Option<String>,
    /// Sent with every request of the session (e.g. a store's API key).
    headers: HeaderMap,
    dialect: PhantomData<fn() -> D>,
}

impl<D: Dialect> HttpClient<D> {
    /// `base`: the address every path is appended to (its own path kept).
    pub fn new(base: Url, timeouts: &Timeouts, headers: HeaderMap) -> Result<Self, BackendError> {
        Ok(HttpClient {
            http: client(timeouts, &base)?,
            base,
            timeouts: timeouts.clone(),
            token: None,
            headers,
            dialect: PhantomData,
        })
    }

    pub fn set_token(&mut self, token: Option<String>) {
        self.token = token;
    }

    /// `base` with `path` appended to its path.
    pub fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let prefix = self.base.path().trim_end_matches('/');
        url.set_path(&format!("{prefix}{path}"));
        url
    }

    /// `path` followed by `segments`, each escaped: for ids that come from
    /// a user or a shop.
    pub fn item_url(&self, path: &str, segments: &[&str]) -> Result<Url, BackendError> {
        let mut url = self.url(path);
        url.path_segments_mut()
            .map_err(|_| BackendError::Protocol(format!("{} cannot take a path", self.base)))?
            .extend(segments);
        Ok(url)
    }

    /// A request of the session: its headers and, when logged in, its token.
    pub fn request(&self, method: Method, url: Url) -> RequestBuilder {
        let rb = self.http.request(method, url).headers(self.headers.clone());
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    /// A request outside the session (a login): no token, no session headers.
    pub fn anonymous(&self, method: Method, url: Url) -> RequestBuilder {
        self.http.request(method, url)
    }

    pub async fn send(&self, rb: RequestBuilder) -> Result<Response, BackendError> {
        rb.send().await.map_err(|e| transport_error(&self.base, e, &self.timeouts))
    }

    /// The one way an answer is read: a redirect refused, the body bounded,
    /// and decoded with every text cleaned, whatever the type; an error
    /// answer becomes the dialect's `BackendError`.
    pub async fn read<T: DeserializeOwned>(&self, resp: Response) -> Result<T, BackendError> {
        if let Some(e) = redirect_error(&resp) {
            return Err(e);
        }
        let status = resp.status();
        if let Some(e) = timed_out(status, &self.base) {
            return Err(e);
        }
        let bytes = body(resp, &self.base, &self.timeouts).await?;
        if !status.is_success() {
            return Err(error_answer::<D>(status, &bytes));
        }
        decode(&D::prepare(&bytes))
            .map_err(|e| BackendError::Protocol(format!("HTTP {status}, not {}: {e}", D::ANSWERS)))
    }

    /// The error of an answer that is not the one asked for.
    pub async fn refusal(&self, resp: Response) -> BackendError {
        if let Some(e) = redirect_error(&resp) {
            return e;
        }
        let status = resp.status();
        if let Some(e) = timed_out(status, &self.base) {
            return e;
        }
        let bytes = body(resp, &self.base, &self.timeouts).await.unwrap_or_default();
        error_answer::<D>(status, &bytes)
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T, BackendError> {
        let resp = self.send(self.request(Method::GET, self.url(path)).query(query)).await?;
        self.read(resp).await
    }

    pub async fn post<B: serde::Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        body: &B,
    ) -> Result<T, BackendError> {
        let resp = self.send(self.request(Method::POST, self.url(path)).query(query).json(body)).await?;
        self.read(resp).await
    }
}

/// A document as a shop served it.
#[derive(Debug, Clone)]
pub struct Downloaded {
    pub bytes: Vec<u8>,
    /// The content type, without parameters (`application/pdf`).
    pub content_type: String,
    /// The file name the shop gave (`Content-Disposition`), if any; raw.
    pub file_name: Option<String>,
}

/// What procure downloads as a document, by content type, with the file
/// extension it is kept under. Anything else (an HTML page — a login form
/// or an error page —, a script) is refused.
pub const DOCUMENT_TYPES: &[(&str, &str)] = &[
    ("application/pdf", "pdf"),
    ("image/png", "png"),
    ("image/jpeg", "jpg"),
    ("text/plain", "txt"),
    ("text/csv", "csv"),
    ("application/zip", "zip"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
];

/// The code of a document procure refuses to keep (`error.code`): plain
/// http to another host, a redirect, a content type that is no document's,
/// more than [`MAX_RESPONSE_BYTES`], a "PDF" that is none.
pub const DOCUMENT_REFUSED: &str = "document_refused";

fn refused(message: String) -> BackendError {
    BackendError::Rejected(ApiError { code: DOCUMENT_REFUSED.into(), message, details: vec![] })
}

impl<D: Dialect> HttpClient<D> {
    /// Downloads a document the shop names by `url`: a path on the shop
    /// (`/api/v1/documents/…`) or an address. One on the shop's own origin
    /// is asked for with the session's token; one elsewhere without it
    /// (never a token to another host), over TLS (plain http only to this
    /// machine). No redirect is followed, the body is bounded like every
    /// answer, and the content type must be a document's (the bytes of a
    /// PDF must be one). A refusal is `Rejected` with [`DOCUMENT_REFUSED`]:
    /// nothing is kept.
    pub async fn download(&self, url: &str) -> Result<Downloaded, BackendError> {
        let target =
            self.base.join(url.trim()).map_err(|e| refused(format!("{url:?} is not a document address: {e}")))?;
        let own = target.origin() == self.base.origin();
        let rb = if own {
            self.request(Method::GET, target.clone())
        } else {
            checked_base_url(target.as_str(), false)
                .map_err(|e| refused(format!("{e}; the document was not downloaded")))?;
            self.anonymous(Method::GET, target.clone())
        };
        let resp = rb.send().await.map_err(|e| transport_error(&target, e, &self.timeouts))?;
        if resp.status().is_redirection() {
            let to = redirect_target(&resp);
            return Err(refused(format!(
                "{target} answered HTTP {} and points to {to}; procure follows no redirects: nothing was saved",
                resp.status().as_u16()
            )));
        }
        let status = resp.status();
        if !status.is_success() {
            let bytes = body(resp, &target, &self.timeouts).await.unwrap_or_default();
            let api = |code: &str| ApiError {
                code: code.into(),
                message: format!("{target} answered HTTP {status}"),
                details: vec![],
            };
            return Err(match status {
                _ if own => error_answer::<D>(status, &bytes),
                StatusCode::NOT_FOUND | StatusCode::GONE => BackendError::NotFound(api(codes::NOT_FOUND)),
                s if s.is_client_error() => BackendError::Rejected(api(DOCUMENT_REFUSED)),
                s => BackendError::Server(format!("{target} answered HTTP {s}")),
            });
        }
        let header = |name| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = header(reqwest::header::CONTENT_TYPE)
            .map(|t| t.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
            .unwrap_or_default();
        if !DOCUMENT_TYPES.iter().any(|(t, _)| *t == content_type) {
            return Err(refused(format!(
                "{target} is not a document procure keeps (content type {}); nothing was saved",
                if content_type.is_empty() { "none".to_string() } else { crate::core::sanitize::clean(&content_type) }
            )));
        }
        let file_name = header(reqwest::header::CONTENT_DISPOSITION).and_then(|d| {
            let at = d.find("filename=")?;
            Some(d[at + 9..].split(';').next()?.trim().trim_matches('"').to_string()).filter(|n| !n.is_empty())
        });
        let bytes = body(resp, &target, &self.timeouts).await.map_err(|e| match e {
            // Too large: the only answer `body` refuses by its content.
            BackendError::Protocol(m) => refused(format!("{target}: {m}; nothing was saved")),
            other => other,
        })?;
        if content_type == "application/pdf" && !bytes.starts_with(b"%PDF-") {
            return Err(refused(format!("{target} says it is a PDF but is not one; nothing was saved")));
        }
        Ok(Downloaded { bytes, content_type, file_name })
    }
}

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
fn client(timeouts: &Timeouts, base: &reqwest::Url) -> Result<reqwest::Client, BackendError> {
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

/// An error answer of a `D` shop as a `BackendError`: its body decoded and
/// cleaned like every answer, whatever it holds.
pub fn error_answer<D: Dialect>(status: StatusCode, bytes: &[u8]) -> BackendError {
    D::error(status, decode::<D::ErrorBody>(&D::prepare(bytes)).ok())
}

/// HTTP 408: the shop stopped waiting for the request to arrive (too slow
/// a connection). Like a timeout on procure's side — the shop did not act
/// on it — and not a refusal of what was asked: exit 4, try again.
fn timed_out(status: StatusCode, base: &reqwest::Url) -> Option<BackendError> {
    (status == StatusCode::REQUEST_TIMEOUT).then(|| BackendError::Unreachable {
        url: origin(base),
        reason: "the shop did not receive the request in time (HTTP 408: the connection was too slow or stalled); \
                 it did not act on it, try again"
            .into(),
    })
}

/// `scheme://host[:port]` of an address: what an error names.
fn origin(url: &reqwest::Url) -> String {
    format!("{}://{}", url.scheme(), url.host_str().unwrap_or("?"))
        + &url.port().map(|p| format!(":{p}")).unwrap_or_default()
}

/// The largest answer procure reads from a shop (a catalog or price-list
/// page, an order list, …): 32 MiB. A larger one is refused, not buffered.
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Where a redirect points, cleaned for a message.
fn redirect_target(resp: &reqwest::Response) -> String {
    resp.headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(crate::core::sanitize::clean)
        .unwrap_or_else(|| "an unnamed address".into())
}

/// A redirect is never followed: say where it pointed and that nothing was sent there.
fn redirect_error(resp: &reqwest::Response) -> Option<BackendError> {
    if !resp.status().is_redirection() {
        return None;
    }
    let to = redirect_target(resp);
    Some(BackendError::Protocol(format!(
        "the shop answered HTTP {} and points to {to}; procure follows no redirects, so nothing (no password, \
         token or order) was sent there: check the shop address of this profile",
        resp.status().as_u16()
    )))
}

/// The body of an answer, at most `MAX_RESPONSE_BYTES`.
async fn body(mut resp: reqwest::Response, base: &reqwest::Url, timeouts: &Timeouts) -> Result<Vec<u8>, BackendError> {
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
fn transport_error(url: &reqwest::Url, e: reqwest::Error, timeouts: &Timeouts) -> BackendError {
    let base = origin(url);
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
pub(crate) mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A server on this machine that answers one request with `status` and
    /// `body` (JSON), and hands back the head of the request it got.
    pub(crate) fn answer_once(status: &str, body: &str) -> (Url, std::thread::JoinHandle<String>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = Url::parse(&format!("http://{}", listener.local_addr().unwrap())).unwrap();
        let answer = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).unwrap() == 1 {
                head.push(byte[0]);
            }
            conn.write_all(answer.as_bytes()).unwrap();
            String::from_utf8_lossy(&head).to_lowercase()
        });
        (base, server)
    }

    pub(crate) fn timeouts() -> Timeouts {
        Timeouts { connect: std::time::Duration::from_secs(5), total: std::time::Duration::from_secs(5) }
    }

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
        let (base, server) = answer_once("200 OK", "");
        let resp = client(&timeouts(), &base).unwrap().get(base.clone()).send().await.unwrap();
        assert!(resp.status().is_success());
        let head = server.join().unwrap();
        assert!(head.starts_with("get / http/1.1"), "{head}");
        assert!(!head.contains("accept-encoding"), "{head}");
    }
}
