//! The client of procure's own shop protocol (docs/shop-api.md).

use super::http::{body, client, decode, redirect_error, transport_error};
use super::{BackendError, Capabilities, Created, Fetched, Result, Shop, Timeouts};
use crate::api::{
    self, AcceptQuote, AcceptedQuote, ApiError, CatalogPage, Credit, Decision, ErrorBody, LoginRequest, LoginResponse,
    Me, NewMessage, Order, OrderDraft, OrderList, OrderedSkus, Preview, PriceListPage, Quote, QuoteList, QuoteRequest,
    Reason, codes,
};
use crate::store::config::BackendKind;
use async_trait::async_trait;
use reqwest::{Method, RequestBuilder, Response, StatusCode, Url, header};
use serde::de::DeserializeOwned;

/// Page size asked for when syncing: the protocol's largest, so a
/// million-part catalog is 200 round trips, not 1,000.
const SYNC_PAGE: &str = "5000";

pub struct NativeShop {
    base: Url,
    http: reqwest::Client,
    timeouts: Timeouts,
    token: Option<String>,
}

impl NativeShop {
    pub fn new(base: Url, timeouts: &Timeouts) -> Result<Self> {
        Ok(NativeShop { http: client(timeouts, &base)?, base, timeouts: timeouts.clone(), token: None })
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.base.clone();
        let prefix = self.base.path().trim_end_matches('/');
        url.set_path(&format!("{prefix}{}{path}", api::API_PREFIX));
        url
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let rb = self.http.request(method, self.url(path));
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    async fn send(&self, rb: RequestBuilder) -> Result<Response> {
        rb.send().await.map_err(|e| transport_error(&self.base, e, &self.timeouts))
    }

    /// The one way an answer is read: bounded, and decoded with every text
    /// cleaned, whatever the type.
    async fn json<T: DeserializeOwned>(&self, resp: Response) -> Result<T> {
        if let Some(e) = redirect_error(&resp) {
            return Err(e);
        }
        let status = resp.status();
        let bytes = body(resp, &self.base, &self.timeouts).await?;
        if status.is_success() {
            return decode(&bytes).map_err(|e| BackendError::Protocol(format!("HTTP {status}, unexpected body: {e}")));
        }
        Err(error_from(status, &bytes))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T> {
        let resp = self.send(self.request(Method::GET, path).query(query)).await?;
        self.json(resp).await
    }

    /// A URL with a path segment that comes from the user, escaped.
    fn item_url(&self, collection: &str, id: &str, action: Option<&str>) -> Result<Url> {
        let mut url = self.url(collection);
        {
            let mut segs = url.path_segments_mut().map_err(|_| BackendError::Protocol("bad base url".into()))?;
            segs.push(id);
            if let Some(a) = action {
                segs.push(a);
            }
        }
        Ok(url)
    }

    fn authed(&self, rb: RequestBuilder) -> RequestBuilder {
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    async fn get_item<T: DeserializeOwned>(&self, collection: &str, id: &str) -> Result<T> {
        let resp = self.send(self.authed(self.http.get(self.item_url(collection, id, None)?))).await?;
        self.json(resp).await
    }

    async fn post_item<B: serde::Serialize + Sync + ?Sized, T: DeserializeOwned>(
        &self,
        collection: &str,
        id: &str,
        action: &str,
        body: &B,
    ) -> Result<T> {
        let rb = self.authed(self.http.post(self.item_url(collection, id, Some(action))?).json(body));
        let resp = self.send(rb).await?;
        self.json(resp).await
    }
}

/// Turns an error answer into a `BackendError`, whatever the body holds.
fn error_from(status: StatusCode, body: &[u8]) -> BackendError {
    let parsed: Option<ApiError> = decode::<ErrorBody>(body).ok().map(|b| b.error);
    let api =
        parsed.unwrap_or_else(|| ApiError { code: String::new(), message: format!("HTTP {status}"), details: vec![] });
    match status {
        StatusCode::UNAUTHORIZED => BackendError::Auth(if api.code == codes::INVALID_CREDENTIALS {
            "login failed: wrong company, user or password".into()
        } else {
            "not logged in or the session expired: run `procure login`".into()
        }),
        StatusCode::NOT_FOUND => BackendError::NotFound(api),
        StatusCode::FORBIDDEN => BackendError::Rejected(ApiError {
            code: if api.code.is_empty() { codes::FORBIDDEN.into() } else { api.code },
            message: api.message,
            details: api.details,
        }),
        StatusCode::CONFLICT if api.code == codes::PRICE_CHANGED => BackendError::PriceChanged(api),
        s if s.is_client_error() && !api.code.is_empty() => BackendError::Rejected(api),
        s if s.is_client_error() => BackendError::Protocol(format!("HTTP {s} without an error body")),
        s => BackendError::Server(format!("HTTP {s}: {}", api.message)),
    }
}

#[async_trait]
impl Shop for NativeShop {
    fn kind(&self) -> BackendKind {
        BackendKind::Procure
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            company_accounts: true,
            po_number: true,
            requested_delivery_date: true,
            ship_complete: true,
            tier_prices: true,
            documents: true,
            incremental_sync: true,
            order_preview: true,
            quote_requests: true,
            approvals: true,
            credit: true,
        }
    }

    fn set_token(&mut self, token: Option<String>) {
        self.token = token;
    }

    async fn login(&self, company: &str, user: &str, password: &str) -> Result<LoginResponse> {
        let body = LoginRequest { company: company.into(), user: user.into(), password: password.into() };
        let resp = self.send(self.http.post(self.url("/auth/login")).json(&body)).await?;
        self.json(resp).await
    }

    async fn logout(&self) -> Result<()> {
        let resp = self.send(self.request(Method::POST, "/auth/logout")).await?;
        if resp.status().is_success() || resp.status() == StatusCode::UNAUTHORIZED {
            return Ok(());
        }
        if let Some(e) = redirect_error(&resp) {
            return Err(e);
        }
        let status = resp.status();
        let bytes = body(resp, &self.base, &self.timeouts).await.unwrap_or_default();
        Err(error_from(status, &bytes))
    }

    async fn me(&self) -> Result<Me> {
        self.get("/me", &[]).await
    }

    async fn catalog_page(
        &self,
        since: Option<&str>,
        cursor: Option<&str>,
        etag: Option<&str>,
    ) -> Result<Fetched<CatalogPage>> {
        let mut q: Vec<(&str, &str)> = vec![("limit", SYNC_PAGE)];
        if let Some(s) = since {
            q.push(("since", s));
        }
        if let Some(c) = cursor {
            q.push(("cursor", c));
        }
        let mut rb = self.request(Method::GET, "/catalog").query(&q);
        if let Some(e) = etag {
            rb = rb.header(header::IF_NONE_MATCH, e);
        }
        let resp = self.send(rb).await?;
        if resp.status() == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        let etag = resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_string);
        let page = self.json(resp).await?;
        Ok(Fetched::Page { page, etag })
    }

    async fn price_list_page(&self, since: Option<&str>, cursor: Option<&str>) -> Result<PriceListPage> {
        let mut q: Vec<(&str, &str)> = vec![("limit", SYNC_PAGE)];
        if let Some(s) = since {
            q.push(("since", s));
        }
        if let Some(c) = cursor {
            q.push(("cursor", c));
        }
        self.get("/price-list", &q).await
    }

    async fn ordered_skus(&self) -> Result<OrderedSkus> {
        self.get("/ordered-skus", &[]).await
    }

    async fn preview(&self, draft: &OrderDraft) -> Result<Preview> {
        let resp = self.send(self.request(Method::POST, "/orders/preview").json(draft)).await?;
        self.json(resp).await
    }

    async fn create_order(&self, draft: &OrderDraft, idempotency_key: &str) -> Result<Created> {
        let rb = self.request(Method::POST, "/orders").header(api::IDEMPOTENCY_HEADER, idempotency_key).json(draft);
        let resp = self.send(rb).await?;
        let replayed = resp.headers().get(api::REPLAYED_HEADER).is_some_and(|v| v.as_bytes() == b"true");
        let order: Order = self.json(resp).await?;
        Ok(Created { order, replayed })
    }

    async fn orders(&self, cursor: Option<&str>) -> Result<OrderList> {
        match cursor {
            Some(c) => self.get("/orders", &[("cursor", c)]).await,
            None => self.get("/orders", &[]).await,
        }
    }

    async fn order(&self, number: &str) -> Result<Order> {
        self.get_item("/orders", number).await
    }

    async fn request_quote(&self, request: &QuoteRequest, idempotency_key: &str) -> Result<Quote> {
        let rb = self.request(Method::POST, "/quotes").header(api::IDEMPOTENCY_HEADER, idempotency_key).json(request);
        let resp = self.send(rb).await?;
        self.json(resp).await
    }

    async fn quotes(&self, cursor: Option<&str>) -> Result<QuoteList> {
        match cursor {
            Some(c) => self.get("/quotes", &[("cursor", c)]).await,
            None => self.get("/quotes", &[]).await,
        }
    }

    async fn quote(&self, number: &str) -> Result<Quote> {
        self.get_item("/quotes", number).await
    }

    async fn accept_quote(&self, number: &str, accept: &AcceptQuote) -> Result<AcceptedQuote> {
        self.post_item("/quotes", number, "accept", accept).await
    }

    async fn decline_quote(&self, number: &str, reason: &Reason) -> Result<Quote> {
        self.post_item("/quotes", number, "decline", reason).await
    }

    async fn quote_message(&self, number: &str, text: &str) -> Result<Quote> {
        self.post_item("/quotes", number, "messages", &NewMessage { text: text.to_string() }).await
    }

    async fn approvals(&self) -> Result<OrderList> {
        self.get("/approvals", &[]).await
    }

    async fn decide(&self, number: &str, decision: Decision, reason: &Reason) -> Result<Order> {
        let action = match decision {
            Decision::Approved => "approve",
            Decision::Rejected => "reject",
        };
        self.post_item("/orders", number, action, reason).await
    }

    async fn credit(&self) -> Result<Credit> {
        self.get("/credit", &[]).await
    }
}
