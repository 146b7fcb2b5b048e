//! The client of procure's own shop protocol (docs/shop-api.md).

use super::http::{Dialect, HttpClient};
use super::{Backend, BackendError, Capabilities, Created, Fetched, Result, Timeouts};
use crate::api::{
    self, AcceptQuote, AcceptedQuote, ApiError, CatalogPage, Credit, Decision, ErrorBody, Invoice, InvoicePage,
    LoginRequest, LoginResponse, Me, NewDispute, NewMessage, Order, OrderDraft, OrderList, OrderPage, OrderedSkus,
    Preview, PriceListPage, Quote, QuoteList, QuoteRequest, Reason, codes,
};
use crate::store::config::BackendKind;
use async_trait::async_trait;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url, header};

/// Page size asked for when syncing: the protocol's largest, so a
/// million-part catalog is 200 round trips, not 1,000.
const SYNC_PAGE: &str = "5000";

/// Page size asked for when syncing the order history and invoices (whole
/// documents, larger than parts).
const HISTORY_PAGE: &str = "500";

/// procure's protocol: errors are `ErrorBody` with a code of `api::codes`.
pub struct Native;

impl Dialect for Native {
    type ErrorBody = ErrorBody;
    const ANSWERS: &'static str = "an answer of the procure shop protocol";

    fn error(status: StatusCode, body: Option<ErrorBody>) -> BackendError {
        let api = body.map(|b| b.error).unwrap_or_else(|| ApiError {
            code: String::new(),
            message: format!("HTTP {status}"),
            details: vec![],
        });
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
}

pub struct NativeBackend {
    http: HttpClient<Native>,
    /// The shop's address: what a document's path (`/api/v1/documents/7`) is relative to.
    base: Url,
}

impl NativeBackend {
    /// `base`: the shop's address; the protocol's paths are below `/api/v1` of it.
    pub fn new(base: Url, timeouts: &Timeouts) -> Result<Self> {
        let mut api = base.clone();
        api.set_path(&format!("{}{}", base.path().trim_end_matches('/'), api::API_PREFIX));
        Ok(NativeBackend { http: HttpClient::new(api, timeouts, HeaderMap::new())?, base })
    }

    /// The documents shipped with an order, at addresses a buyer can use:
    /// a path the shop gives is made the shop's address.
    fn absolute_documents(&self, order: &mut Order) {
        for d in order.shipments.iter_mut().flat_map(|s| s.documents.iter_mut()) {
            if d.document.url.starts_with('/')
                && let Ok(u) = self.base.join(&d.document.url)
            {
                d.document.url = u.to_string();
            }
        }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T> {
        self.http.get(path, query).await
    }

    async fn get_item<T: serde::de::DeserializeOwned>(&self, collection: &str, id: &str) -> Result<T> {
        let resp = self.http.send(self.http.request(Method::GET, self.http.item_url(collection, &[id])?)).await?;
        self.http.read(resp).await
    }

    async fn post_item<B: serde::Serialize + Sync + ?Sized, T: serde::de::DeserializeOwned>(
        &self,
        collection: &str,
        id: &str,
        action: &str,
        body: &B,
    ) -> Result<T> {
        let url = self.http.item_url(collection, &[id, action])?;
        let resp = self.http.send(self.http.request(Method::POST, url).json(body)).await?;
        self.http.read(resp).await
    }

    /// A paged sync request: `limit`, and `since` and `cursor` when given.
    fn sync_query<'a>(since: Option<&'a str>, cursor: Option<&'a str>) -> Vec<(&'static str, &'a str)> {
        Self::paged(SYNC_PAGE, since, cursor)
    }

    fn paged<'a>(limit: &'static str, since: Option<&'a str>, cursor: Option<&'a str>) -> Vec<(&'static str, &'a str)> {
        let mut q = vec![("limit", limit)];
        q.extend(since.map(|s| ("since", s)));
        q.extend(cursor.map(|c| ("cursor", c)));
        q
    }
}

#[async_trait]
impl Backend for NativeBackend {
    fn kind(&self) -> BackendKind {
        BackendKind::Procure
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::ALL
    }

    fn set_token(&mut self, token: Option<String>) {
        self.http.set_token(token);
    }

    async fn login(&self, company: &str, user: &str, password: &str) -> Result<LoginResponse> {
        let body = LoginRequest { company: company.into(), user: user.into(), password: password.into() };
        let resp = self.http.send(self.http.anonymous(Method::POST, self.http.url("/auth/login")).json(&body)).await?;
        self.http.read(resp).await
    }

    async fn logout(&self) -> Result<()> {
        let resp = self.http.send(self.http.request(Method::POST, self.http.url("/auth/logout"))).await?;
        if resp.status().is_success() || resp.status() == StatusCode::UNAUTHORIZED {
            return Ok(());
        }
        Err(self.http.refusal(resp).await)
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
        let mut rb = self.http.request(Method::GET, self.http.url("/catalog")).query(&Self::sync_query(since, cursor));
        if let Some(e) = etag {
            rb = rb.header(header::IF_NONE_MATCH, e);
        }
        let resp = self.http.send(rb).await?;
        if resp.status() == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        let etag = resp.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_string);
        let page = self.http.read(resp).await?;
        Ok(Fetched::Page { page, etag })
    }

    async fn price_list_page(&self, since: Option<&str>, cursor: Option<&str>) -> Result<PriceListPage> {
        self.get("/price-list", &Self::sync_query(since, cursor)).await
    }

    async fn ordered_skus(&self) -> Result<OrderedSkus> {
        self.get("/ordered-skus", &[]).await
    }

    async fn preview(&self, draft: &OrderDraft, idempotency_key: Option<&str>) -> Result<Preview> {
        let mut rb = self.http.request(Method::POST, self.http.url("/orders/preview")).json(draft);
        if let Some(key) = idempotency_key {
            rb = rb.header(api::IDEMPOTENCY_HEADER, key);
        }
        let resp = self.http.send(rb).await?;
        self.http.read(resp).await
    }

    async fn create_order(&self, draft: &OrderDraft, idempotency_key: &str) -> Result<Created> {
        let rb = self
            .http
            .request(Method::POST, self.http.url("/orders"))
            .header(api::IDEMPOTENCY_HEADER, idempotency_key)
            .json(draft);
        let resp = self.http.send(rb).await?;
        let replayed = resp.headers().get(api::REPLAYED_HEADER).is_some_and(|v| v.as_bytes() == b"true");
        let order: Order = self.http.read(resp).await?;
        Ok(Created { order, replayed })
    }

    async fn orders(&self, cursor: Option<&str>) -> Result<OrderList> {
        match cursor {
            Some(c) => self.get("/orders", &[("cursor", c)]).await,
            None => self.get("/orders", &[]).await,
        }
    }

    async fn order(&self, number: &str) -> Result<Order> {
        let mut o: Order = self.get_item("/orders", number).await?;
        self.absolute_documents(&mut o);
        Ok(o)
    }

    async fn request_quote(&self, request: &QuoteRequest, idempotency_key: &str) -> Result<Quote> {
        let rb = self
            .http
            .request(Method::POST, self.http.url("/quotes"))
            .header(api::IDEMPOTENCY_HEADER, idempotency_key)
            .json(request);
        let resp = self.http.send(rb).await?;
        self.http.read(resp).await
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

    async fn document(&self, url: &str) -> Result<super::http::Downloaded> {
        self.http.download(url).await
    }

    async fn order_changes(&self, since: Option<&str>, cursor: Option<&str>) -> Result<OrderPage> {
        let mut page: OrderPage = self.get("/orders/changes", &Self::paged(HISTORY_PAGE, since, cursor)).await?;
        for o in &mut page.items {
            self.absolute_documents(o);
        }
        Ok(page)
    }

    async fn invoices(&self, since: Option<&str>, cursor: Option<&str>) -> Result<InvoicePage> {
        self.get("/invoices", &Self::paged(HISTORY_PAGE, since, cursor)).await
    }

    async fn invoice(&self, number: &str) -> Result<Invoice> {
        self.get_item("/invoices", number).await
    }

    async fn dispute(&self, number: &str, reason: &str) -> Result<Invoice> {
        self.post_item("/invoices", number, "dispute", &NewDispute { reason: reason.to_string() }).await
    }
}
