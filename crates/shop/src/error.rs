//! The one error shape of the protocol, as an axum response.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use procure_protocol::api::{ApiError, ErrorBody, LineError, codes};

#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    #[error("not logged in or the session expired")]
    Unauthorized,
    /// One message for a wrong company, user or password, so accounts cannot be probed.
    #[error("wrong company, user or password")]
    InvalidCredentials,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{message}")]
    InvalidOrder { message: String, details: Vec<LineError> },
    #[error("{message}")]
    PriceChanged { message: String, details: Vec<LineError> },
    #[error("{0}")]
    IdempotencyMismatch(String),
    /// The caller's role may not do this (403).
    #[error("{message}")]
    Forbidden { code: &'static str, message: String },
    /// The thing is not in a state that allows this (409).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A business rule refuses it (422).
    #[error("{message}")]
    Refused { code: &'static str, message: String },
    /// Too many attempts: wait `retry_after` seconds (429 with `Retry-After`).
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A request body that did not arrive in time (408; the connection closes).
    #[error("{0}")]
    RequestTimeout(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<rusqlite::Error> for ShopError {
    fn from(e: rusqlite::Error) -> Self {
        ShopError::Internal(anyhow::Error::new(e).context("database"))
    }
}

impl From<serde_json::Error> for ShopError {
    fn from(e: serde_json::Error) -> Self {
        ShopError::Internal(anyhow::Error::new(e).context("stored JSON"))
    }
}

impl ShopError {
    pub fn invalid_order(message: impl Into<String>) -> Self {
        ShopError::InvalidOrder { message: message.into(), details: vec![] }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ShopError::Unauthorized => (StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED),
            ShopError::InvalidCredentials => (StatusCode::UNAUTHORIZED, codes::INVALID_CREDENTIALS),
            ShopError::NotFound(_) => (StatusCode::NOT_FOUND, codes::NOT_FOUND),
            ShopError::InvalidRequest(_) => (StatusCode::BAD_REQUEST, codes::INVALID_REQUEST),
            ShopError::InvalidOrder { .. } => (StatusCode::UNPROCESSABLE_ENTITY, codes::INVALID_ORDER),
            ShopError::PriceChanged { .. } => (StatusCode::CONFLICT, codes::PRICE_CHANGED),
            ShopError::IdempotencyMismatch(_) => (StatusCode::UNPROCESSABLE_ENTITY, codes::IDEMPOTENCY_MISMATCH),
            ShopError::Forbidden { code, .. } => (StatusCode::FORBIDDEN, code),
            ShopError::Conflict { code, .. } => (StatusCode::CONFLICT, code),
            ShopError::Refused { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code),
            ShopError::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, codes::TOO_MANY_REQUESTS),
            ShopError::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, codes::PAYLOAD_TOO_LARGE),
            ShopError::RequestTimeout(_) => (StatusCode::REQUEST_TIMEOUT, codes::REQUEST_TIMEOUT),
            ShopError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL),
        }
    }
}

impl IntoResponse for ShopError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            ShopError::Internal(e) => {
                tracing::error!(error = format!("{e:#}"), "internal error");
                "internal error; the shop logged the details".to_string()
            }
            other => other.to_string(),
        };
        let retry_after = match &self {
            ShopError::TooManyRequests { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let details = match self {
            ShopError::InvalidOrder { details, .. } | ShopError::PriceChanged { details, .. } => details,
            _ => vec![],
        };
        let body = ErrorBody { error: ApiError { code: code.to_string(), message, details } };
        let mut resp = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::REQUEST_TIMEOUT {
            // The rest of the body is not read: the connection cannot carry another request.
            resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}
