//! HTTP face of the shop: routes, extractors, headers. Handlers stay thin;
//! the rules live in auth, catalog, orders and quotes.

use super::auth::{self, Caller};
use super::catalog::{self, Answer};
use super::db::Db;
use super::error::ShopError;
use super::history::{self, ChangesParams};
use super::orders::{self, Created};
use super::quotes;
use super::sync::PageParams;
use super::{fulfil, invoices};
use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use procure_protocol::api::{self, LoginRequest, OrderDraft};
use serde::de::DeserializeOwned;
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::compression::predicate::{DefaultPredicate, Predicate, SizeAbove};

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub token_ttl: Duration,
    pub guard: std::sync::Arc<super::guard::LoginGuard>,
    pub body_times: super::guard::BodyTimes,
}

/// The largest request body; a login's is far smaller.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
const MAX_LOGIN_BODY_BYTES: usize = 16 * 1024;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/me", get(me))
        .route("/catalog", get(catalog))
        .route("/price-list", get(price_list))
        .route("/ordered-skus", get(ordered_skus))
        .route("/orders/preview", post(preview))
        .route("/orders", post(create_order).get(list_orders))
        .route("/orders/changes", get(order_changes))
        .route("/orders/{number}", get(get_order))
        .route("/orders/{number}/approve", post(approve_order))
        .route("/orders/{number}/reject", post(reject_order))
        .route("/approvals", get(approvals))
        .route("/credit", get(credit))
        .route("/quotes", post(create_quote).get(list_quotes))
        .route("/quotes/{number}", get(get_quote))
        .route("/quotes/{number}/accept", post(accept_quote))
        .route("/quotes/{number}/decline", post(decline_quote))
        .route("/quotes/{number}/messages", post(quote_message))
        .route("/invoices", get(invoice_changes))
        .route("/invoices/{number}", get(get_invoice))
        .route("/invoices/{number}/dispute", post(dispute_invoice))
        .route("/documents/{id}", get(get_document));
    Router::new()
        .nest(api::API_PREFIX, api)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(protocol_shape))
        .layer(axum::middleware::from_fn(log_request))
        // zstd or gzip when the client asks (Accept-Encoding), for answers
        // above 8 KiB (catalog and price-list pages; a short answer, such as
        // an error sent before a large request body is read, stays plain);
        // the fastest level, as a full sync is bound by the shop's CPU.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest)
                .compress_when(DefaultPredicate::new().and(SizeAbove::new(8 * 1024))),
        )
        .with_state(state)
}

/// One log line per request: method, path (never headers: they carry the
/// token), status and time taken.
async fn log_request(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    tracing::debug!(
        %method,
        path,
        status = resp.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    resp
}

/// Answers the framework gives on its own (a body over the limit) in the
/// protocol's error shape.
async fn protocol_shape(resp: Response) -> Response {
    let json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if resp.status() == StatusCode::PAYLOAD_TOO_LARGE && !json {
        return ShopError::PayloadTooLarge(format!(
            "the request body is larger than the shop accepts ({} bytes; a login {} bytes)",
            MAX_BODY_BYTES, MAX_LOGIN_BODY_BYTES
        ))
        .into_response();
    }
    resp
}

async fn not_found() -> ShopError {
    ShopError::NotFound("no such endpoint".into())
}

async fn method_not_allowed() -> Response {
    let mut resp = ShopError::InvalidRequest("this method is not allowed on this endpoint".into()).into_response();
    *resp.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    resp
}

/// A JSON body whatever its content type; a parse error is a 400 in the
/// protocol's error shape carrying serde's message.
fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ShopError> {
    serde_json::from_slice(body).map_err(|e| ShopError::InvalidRequest(format!("malformed request body: {e}")))
}

/// A request body of at most `MAX` bytes, read within the shop's time limits
/// into one buffer (`guard::read_body`).
pub struct RequestBody<const MAX: usize = MAX_BODY_BYTES>(Vec<u8>);

impl<const MAX: usize> std::ops::Deref for RequestBody<MAX> {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl<const MAX: usize> FromRequest<AppState> for RequestBody<MAX> {
    type Rejection = ShopError;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        super::guard::read_body(req.into_body(), declared, MAX, state.body_times).await.map(RequestBody)
    }
}

/// Query parameters, with errors in the protocol's shape.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Params<T> {
    type Rejection = ShopError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(t)| Params(t))
            .map_err(|e| ShopError::InvalidRequest(e.body_text()))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ShopError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(auth::bearer)
            .ok_or(ShopError::Unauthorized)?
            .to_string();
        state.db.run(move |conn| auth::caller_of(conn, &token)).await
    }
}

/// The signed-in buyer with the shop's state: what a buyer's endpoint
/// starts from.
struct Buyer {
    state: AppState,
    caller: Caller,
}

impl FromRequestParts<AppState> for Buyer {
    type Rejection = ShopError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        Ok(Buyer { state: state.clone(), caller })
    }
}

fn if_none_match(headers: &HeaderMap) -> Option<String> {
    headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn with_etag<T: serde::Serialize>(answer: Answer<T>) -> Response {
    let (mut resp, etag) = match answer {
        Answer::NotModified(etag) => (StatusCode::NOT_MODIFIED.into_response(), etag),
        Answer::Page { body, etag } => (axum::Json(body).into_response(), etag),
    };
    if let Ok(v) = HeaderValue::from_str(&etag) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    resp
}

/// Runs `f` on the database with the request's `If-None-Match` and answers
/// with the page, or 304 when it has not changed, with its etag.
async fn answer_with_etag<T, F>(state: &AppState, headers: &HeaderMap, f: F) -> Result<Response, ShopError>
where
    T: serde::Serialize + Send + 'static,
    F: FnOnce(&mut rusqlite::Connection, Option<&str>) -> Result<Answer<T>, ShopError> + Send + 'static,
{
    let inm = if_none_match(headers);
    let page = state.db.run(move |conn| f(conn, inm.as_deref())).await?;
    Ok(with_etag(page))
}

/// Runs `f` on the database and answers with what it gives, as JSON.
async fn answer<T, F>(state: &AppState, f: F) -> Result<Response, ShopError>
where
    T: serde::Serialize + Send + 'static,
    F: FnOnce(&mut rusqlite::Connection) -> Result<T, ShopError> + Send + 'static,
{
    let body = state.db.run(f).await?;
    Ok(axum::Json(body).into_response())
}

/// A JSON body that may be left out (an empty body is the default).
fn optional_json_body<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, ShopError> {
    if body.is_empty() { Ok(T::default()) } else { json_body(body) }
}

/// 201 with what was created, or 200 marked as replayed when the same
/// `Idempotency-Key` came before.
fn created_answer(body: impl serde::Serialize, replayed: bool) -> Response {
    if replayed {
        (StatusCode::OK, [(api::REPLAYED_HEADER, "true")], axum::Json(body)).into_response()
    } else {
        (StatusCode::CREATED, axum::Json(body)).into_response()
    }
}

async fn login(
    State(state): State<AppState>,
    peer: Option<axum::Extension<ConnectInfo<SocketAddr>>>,
    body: RequestBody<MAX_LOGIN_BODY_BYTES>,
) -> Result<Response, ShopError> {
    let req: LoginRequest = json_body(&body)?;
    let peer = peer.map(|axum::Extension(ConnectInfo(a))| a.ip());
    let resp = auth::login(&state.db, &state.guard, peer, req, state.token_ttl).await?;
    Ok(axum::Json(resp).into_response())
}

async fn logout(Buyer { state, caller }: Buyer) -> Result<StatusCode, ShopError> {
    state.db.run(move |conn| auth::logout(conn, &caller)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn me(Buyer { state, caller }: Buyer) -> Result<Response, ShopError> {
    answer(&state, move |conn| super::company::me(conn, caller.company_id, caller.user_id)).await
}

async fn catalog(
    Buyer { state, caller }: Buyer,
    headers: HeaderMap,
    Params(params): Params<PageParams>,
) -> Result<Response, ShopError> {
    answer_with_etag(&state, &headers, move |conn, inm| catalog::catalog_page(conn, caller.company_id, &params, inm))
        .await
}

async fn price_list(
    Buyer { state, caller }: Buyer,
    headers: HeaderMap,
    Params(params): Params<PageParams>,
) -> Result<Response, ShopError> {
    answer_with_etag(&state, &headers, move |conn, inm| catalog::price_list_page(conn, caller.company_id, &params, inm))
        .await
}

async fn ordered_skus(Buyer { state, caller }: Buyer, headers: HeaderMap) -> Result<Response, ShopError> {
    answer_with_etag(&state, &headers, move |conn, inm| catalog::ordered_skus(conn, caller.company_id, inm)).await
}

/// With the `Idempotency-Key` the order would be placed with, the preview
/// also checks what placing checks first: the key and the PO number.
async fn preview(Buyer { state, caller }: Buyer, headers: HeaderMap, body: RequestBody) -> Result<Response, ShopError> {
    let draft: OrderDraft = json_body(&body)?;
    let key = match headers.get(api::IDEMPOTENCY_HEADER) {
        Some(_) => Some(idempotency_key(&headers)?),
        None => None,
    };
    let today = chrono::Utc::now().date_naive();
    answer(&state, move |conn| orders::preview(conn, caller.company_id, caller.user_id, key.as_deref(), &draft, today))
        .await
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, ShopError> {
    let key = headers
        .get(api::IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| ShopError::InvalidRequest(format!("the {} header is required", api::IDEMPOTENCY_HEADER)))?
        .to_string();
    if key.len() > orders::MAX_KEY_LEN {
        return Err(ShopError::InvalidRequest(format!(
            "the {} header has more than {} characters",
            api::IDEMPOTENCY_HEADER,
            orders::MAX_KEY_LEN
        )));
    }
    Ok(key)
}

async fn create_quote(
    Buyer { state, caller }: Buyer,
    headers: HeaderMap,
    body: RequestBody,
) -> Result<Response, ShopError> {
    let key = idempotency_key(&headers)?;
    let request: api::QuoteRequest = json_body(&body)?;
    let now = chrono::Utc::now();
    let created =
        state.db.run(move |conn| quotes::create(conn, caller.company_id, caller.user_id, &key, &request, now)).await?;
    Ok(match created {
        quotes::Created::New(q) => created_answer(q, false),
        quotes::Created::Replayed(q) => created_answer(q, true),
    })
}

async fn list_quotes(
    Buyer { state, caller }: Buyer,
    Params(params): Params<OrderListParams>,
) -> Result<Response, ShopError> {
    let today = chrono::Utc::now().date_naive();
    answer(&state, move |conn| {
        quotes::list_page(conn, caller.company_id, params.cursor.as_deref(), params.limit, today)
    })
    .await
}

async fn get_quote(Buyer { state, caller }: Buyer, Path(number): Path<String>) -> Result<Response, ShopError> {
    let today = chrono::Utc::now().date_naive();
    answer(&state, move |conn| quotes::get(conn, caller.company_id, &number, today)).await
}

async fn accept_quote(
    Buyer { state, caller }: Buyer,
    Path(number): Path<String>,
    body: RequestBody,
) -> Result<Response, ShopError> {
    let accept: api::AcceptQuote = json_body(&body)?;
    let now = chrono::Utc::now();
    let done = state
        .db
        .run(move |conn| quotes::accept(conn, caller.company_id, caller.user_id, &number, &accept, now))
        .await?;
    Ok((StatusCode::CREATED, axum::Json(done)).into_response())
}

async fn decline_quote(
    Buyer { state, caller }: Buyer,
    Path(number): Path<String>,
    body: RequestBody,
) -> Result<Response, ShopError> {
    let reason: api::Reason = optional_json_body(&body)?;
    let now = chrono::Utc::now();
    answer(&state, move |conn| {
        let user = super::company::user(conn, caller.user_id)?;
        quotes::decline(conn, Some(caller.company_id), ("buyer", &user.username), &number, reason.reason, now)
    })
    .await
}

async fn quote_message(
    Buyer { state, caller }: Buyer,
    Path(number): Path<String>,
    body: RequestBody,
) -> Result<Response, ShopError> {
    let m: api::NewMessage = json_body(&body)?;
    let now = chrono::Utc::now();
    answer(&state, move |conn| quotes::message(conn, caller.company_id, caller.user_id, &number, &m.text, now)).await
}

async fn approvals(Buyer { state, caller }: Buyer) -> Result<Response, ShopError> {
    answer(&state, move |conn| orders::approvals(conn, caller.company_id, caller.user_id)).await
}

async fn decide(
    state: AppState,
    caller: Caller,
    number: String,
    body: RequestBody,
    decision: api::Decision,
) -> Result<Response, ShopError> {
    let reason: api::Reason = optional_json_body(&body)?;
    let now = chrono::Utc::now();
    answer(&state, move |conn| {
        orders::decide(conn, caller.company_id, caller.user_id, &number, decision, reason.reason, now)
    })
    .await
}

async fn approve_order(
    Buyer { state, caller }: Buyer,
    Path(number): Path<String>,
    body: RequestBody,
) -> Result<Response, ShopError> {
    decide(state, caller, number, body, api::Decision::Approved).await
}

async fn reject_order(
    Buyer { state, caller }: Buyer,
    Path(number): Path<String>,
    body: RequestBody,
) -> Result<Response, ShopError> {
    decide(state, caller, number, body, api::Decision::Rejected).await
}

async fn credit(Buyer { state, caller }: Buyer) -> Result<Response, ShopError> {
    answer(&state, move |conn| orders::credit(conn, caller.company_id)).await
}

async fn create_order(
    Buyer { state, caller }: Buyer,
    headers: HeaderMap,
    body: RequestBody,
) -> Result<Response, ShopError> {
    let key = idempotency_key(&headers)?;
    let draft: OrderDraft = json_body(&body)?;
    let now = chrono::Utc::now();
    let created =
        state.db.run(move |conn| orders::create(conn, caller.company_id, caller.user_id, &key, &draft, now)).await?;
    Ok(match created {
        Created::New(order) => created_answer(order, false),
        Created::Replayed(order) => created_answer(order, true),
    })
}

/// `?cursor=&limit=` of the order and quote lists.
#[derive(Debug, serde::Deserialize)]
struct OrderListParams {
    cursor: Option<String>,
    limit: Option<u32>,
}

async fn list_orders(
    Buyer { state, caller }: Buyer,
    Params(params): Params<OrderListParams>,
) -> Result<Response, ShopError> {
    answer(&state, move |conn| orders::list(conn, caller.company_id, params.cursor.as_deref(), params.limit)).await
}

async fn get_order(Buyer { state, caller }: Buyer, Path(number): Path<String>) -> Result<Response, ShopError> {
    answer(&state, move |conn| orders::get(conn, caller.company_id, &number)).await
}

async fn order_changes(
    Buyer { state, caller }: Buyer,
    Params(params): Params<ChangesParams>,
) -> Result<Response, ShopError> {
    answer(&state, move |conn| history::page(conn, caller.company_id, history::Kind::Orders, &params)).await
}

async fn invoice_changes(
    Buyer { state, caller }: Buyer,
    Params(params): Params<ChangesParams>,
) -> Result<Response, ShopError> {
    answer(&state, move |conn| history::page(conn, caller.company_id, history::Kind::Invoices, &params)).await
}

async fn get_invoice(Buyer { state, caller }: Buyer, Path(number): Path<String>) -> Result<Response, ShopError> {
    answer(&state, move |conn| Ok(invoices::get(conn, Some(caller.company_id), &number)?.1)).await
}

async fn dispute_invoice(
    Buyer { state, caller }: Buyer,
    Path(number): Path<String>,
    body: RequestBody,
) -> Result<Response, ShopError> {
    let d: api::NewDispute = json_body(&body)?;
    let now = chrono::Utc::now();
    answer(&state, move |conn| invoices::dispute(conn, caller.company_id, caller.user_id, &number, &d.reason, now))
        .await
}

/// A shipment's document, as a download: its own content type, its file
/// name (plain ASCII in the header), never sniffed or cached by proxies.
async fn get_document(Buyer { state, caller }: Buyer, Path(id): Path<String>) -> Result<Response, ShopError> {
    // A shipment's document, else one of the catalog (a datasheet) the company sees.
    let doc = state
        .db
        .run(move |conn| match fulfil::document(conn, caller.company_id, &id) {
            Err(ShopError::NotFound(m)) => {
                super::catalog_docs::document(conn, caller.company_id, &id)?.ok_or(ShopError::NotFound(m))
            }
            other => other,
        })
        .await?;
    let name: String = doc
        .file_name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let mut resp = doc.content.into_response();
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&doc.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(resp)
}
