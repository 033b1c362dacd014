//! The one HTTP exchange of the crate: every send, batch and management call goes through
//! [`Client::exchange`], which sets the User-Agent, the timeout and the JSON content type,
//! sends, and reads the status, `Retry-After` and the body. What an answer means is decided
//! by the callers (sans-IO, in `response.rs`, `dispatch/batch.rs` and `api/`).

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode};

use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::response::{self, SendResponse};

/// One request: everything but what every request carries (User-Agent, timeout default).
#[derive(Debug)]
pub(crate) struct Request<'a> {
    method: Method,
    url: &'a str,
    headers: HeaderMap,
    json_body: Option<Vec<u8>>,
    timeout: Option<Duration>,
}

impl<'a> Request<'a> {
    /// A `POST` of a JSON body.
    pub(crate) fn post_json(url: &'a str, body: Vec<u8>) -> Self {
        Request::new(Method::POST, url).json_body(body)
    }

    /// A request without a body.
    pub(crate) fn new(method: Method, url: &'a str) -> Self {
        Request {
            method,
            url,
            headers: HeaderMap::new(),
            json_body: None,
            timeout: None,
        }
    }

    /// Adds a header.
    pub(crate) fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// The JSON body (sent with `Content-Type: application/json`).
    pub(crate) fn json_body(mut self, body: Vec<u8>) -> Self {
        self.json_body = Some(body);
        self
    }

    /// A timeout other than the client's (batches take longer).
    pub(crate) fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// The server's answer, whatever its status.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    /// `Retry-After`, as a delay from when the answer arrived.
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    /// The body of a 2xx answer; any other status as [`Error::Status`] with the server's text.
    pub(crate) fn into_success(self) -> Result<Vec<u8>, Error> {
        if self.status.is_success() {
            Ok(self.body)
        } else {
            Err(self.status_error())
        }
    }

    /// This answer as [`Error::Status`].
    pub(crate) fn status_error(&self) -> Error {
        response::status_error(self.status, self.retry_after, &self.body)
    }
}

impl Client {
    /// Performs one HTTP exchange. Errors are only those of the exchange itself:
    /// [`Error::InvalidRequest`] when the request could not be built (it never left),
    /// [`Error::Transport`] when it did not complete. Every status is a [`Reply`].
    pub(crate) async fn exchange(&self, request: Request<'_>) -> Result<Reply, Error> {
        let config = self.config();
        let mut builder = self
            .http()
            .request(request.method, request.url)
            .header(USER_AGENT, config.user_agent.clone())
            .timeout(request.timeout.unwrap_or(config.timeout))
            .headers(request.headers);
        if let Some(body) = request.json_body {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body);
        }
        let response = builder.send().await.map_err(Error::from_reqwest)?;
        let status = response.status();
        let retry_after = response::retry_after(response.headers());
        let body = response.bytes().await.map_err(Error::from_reqwest)?;
        Ok(Reply {
            status,
            retry_after,
            body: body.into(),
        })
    }

    /// Posts one serialized hit to `/api/send`, with the visitor's cache token if given, and
    /// reads the answer: the single path of every direct send.
    pub(crate) async fn post_send(
        &self,
        body: Vec<u8>,
        cache: Option<&str>,
    ) -> Result<SendResponse, Error> {
        let mut request = Request::post_json(&self.config().send_url, body);
        if let Some(token) = cache {
            let value = HeaderValue::from_str(token).map_err(|_| {
                ValidationError::new("cache", "must be visible ASCII text usable as a header")
            })?;
            request = request.header(HeaderName::from_static("x-umami-cache"), value);
        }
        let body = self.exchange(request).await?.into_success()?;
        response::parse_send_success(&body)
    }
}
