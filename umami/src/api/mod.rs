//! Umami's read and management API.
//!
//! The calls every service makes are methods of the [`Client`] that sends hits, with the
//! same errors: [`login`](Client::login), [`is_logged_in`](Client::is_logged_in),
//! [`verify_token`](Client::verify_token), [`heartbeat`](Client::heartbeat),
//! [`websites`](Client::websites), [`websites_page`](Client::websites_page),
//! [`website_stats`](Client::website_stats) and [`active_users`](Client::active_users).
//! The rest of Umami's API is grouped behind handles that borrow the client, one module each:
//!
//! | handle | module | calls |
//! |---|---|---|
//! | `client.analytics()` | [`analytics`] | series, metrics, events, sessions, event and session data, realtime, revenue, performance, export |
//! | `client.reports()` | [`reports`] | funnel, goal, journey, retention, attribution, breakdown, UTM; 3.1's revenue and performance reports |
//! | `client.admin()` | [`admin`] | websites, teams, users, links, pixels, boards, shares, segments, annotations, saved funnels and goals |
//!
//! Calls with optional parameters are builders ending in `.send().await`
//! ([`WebsiteStatsRequest`], [`WebsitesQuery`], [`Request`], [`reports::ReportRequest`]);
//! the rest are plain async methods.
//!
//! | | self-hosted | Umami Cloud |
//! |---|---|---|
//! | root | `{url_base}/api` | `https://api.umami.is/v1[/us\|/eu]` |
//! | auth | `Authorization: Bearer <token>` from [`Client::login`] | `x-umami-api-key: <key>` (no login) |
//!
//! See [`Client::management_api_root`] for the root a client uses. The token and the key are
//! never printed: not in `Debug`, not in errors, not in logs.
//!
//! ```no_run
//! # async fn demo() -> Result<(), umami::Error> {
//! use std::time::{Duration, SystemTime};
//!
//! let client = umami::Client::builder()
//!     .url_base("https://umami.example.com")
//!     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
//!     .build()?;
//! client.login("admin", "umami").await?;
//! for site in client.websites().await? {
//!     println!("{} {}", site.name, site.domain.as_deref().unwrap_or("-"));
//! }
//! let now = SystemTime::now();
//! let stats = client
//!     .website_stats(now - Duration::from_secs(86_400), now)
//!     .path("/checkout")
//!     .send()
//!     .await?;
//! println!("{} visitors", stats.visitors);
//! # Ok(()) }
//! ```

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;

use crate::client::{Client, Target};
use crate::error::{Error, ValidationError};
use crate::transport::Request as HttpRequest;
use crate::{text, validate};

mod active;
pub mod admin;
pub mod analytics;
mod auth;
mod call;
mod de;
pub(crate) mod models;
#[expect(
    dead_code,
    reason = "the table is Umami's whole contract (the contract test compares it with the \
              fixture); the operations this crate leaves out have no caller"
)]
mod operations;
mod pacing;
pub mod reports;
mod request;
mod stats;
mod websites;

pub use models::{ComparisonStats, WebsiteOwner};
pub(crate) use models::{User, Website, WebsiteStats};
pub use stats::{ServerGeneration, WebsiteStatsRequest};
pub use websites::{DEFAULT_WEBSITES_PAGE_SIZE, WebsitesQuery};

pub use de::{Page, WebsitesPage};
pub use pacing::{CloudRateLimit, MAX_429_RETRIES, MAX_RETRY_AFTER};
pub use request::{
    Compare, Compared, Endpoint, EventType, Filtered, Filters, Limited, Match, Offset, Paged,
    Request, Searched, Unit, Unitized, Zoned,
};

/// The longest piece of a 2xx body quoted in an [`Error::UnexpectedResponse`].
const MAX_QUOTE: usize = 300;

/// Which credentials a call sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Auth {
    /// The login token (self-hosted) or the API key (Cloud); a self-hosted client that has not
    /// logged in is refused before any I/O.
    Required,
    /// Nothing but the Cloud API key, if on Cloud (`/auth/login`, `/heartbeat`).
    Anonymous,
}

/// The body of a 2xx answer.
pub(crate) struct Answer {
    pub(crate) body: Vec<u8>,
}

impl Client {
    /// The root that management calls hang off, without a trailing `/`:
    /// `{url_base}/api` for a self-hosted server, `https://api.umami.is/v1` (or `…/v1/us`,
    /// `…/v1/eu` with a [`CloudRegion`](crate::CloudRegion)) on Umami Cloud. No I/O.
    ///
    /// ```
    /// let cloud = umami::Client::builder()
    ///     .cloud_api_key("api_example")
    ///     .cloud_region(umami::CloudRegion::Eu)
    ///     .build()?;
    /// assert_eq!(cloud.management_api_root(), "https://api.umami.is/v1/eu");
    ///
    /// let hosted = umami::Client::builder().url_base("https://umami.example.com/").build()?;
    /// assert_eq!(hosted.management_api_root(), "https://umami.example.com/api");
    /// # Ok::<(), umami::Error>(())
    /// ```
    pub fn management_api_root(&self) -> String {
        self.config().api_root()
    }

    /// `{api_root}/{segments…}`, each segment percent-encoded, plus query pairs.
    pub(crate) fn api_url(&self, segments: &[&str], query: &[(&str, String)]) -> url::Url {
        let root = self.config().api_root();
        // The root was checked as an http(s) URL with a host when the client was built.
        let mut url = url::Url::parse(&root).expect("the API root is a valid URL");
        {
            let mut path = url
                .path_segments_mut()
                .expect("an http(s) URL can have path segments");
            path.pop_if_empty();
            path.extend(segments);
        }
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in query {
                pairs.append_pair(key, value);
            }
        }
        url
    }

    /// Sends one management request: User-Agent, timeout, the credentials `auth` asks for,
    /// and a JSON body if given. Non-2xx answers become [`Error::Status`] with the server's
    /// text (any secret of this client scrubbed from it).
    pub(crate) async fn api_call(
        &self,
        method: Method,
        url: url::Url,
        auth: Auth,
        json_body: Option<Vec<u8>>,
    ) -> Result<Answer, Error> {
        let config = self.config();
        let mut request = HttpRequest::new(method.clone(), url.as_str());
        match &config.target {
            Target::Cloud { api_key, .. } => {
                request = request.header(
                    HeaderName::from_static("x-umami-api-key"),
                    secret_header(api_key.expose())?,
                );
            }
            Target::SelfHosted { .. } => {
                if auth == Auth::Required {
                    let token = self.token().ok_or_else(|| {
                        Error::not_allowed(
                            "not logged in: call login() first (management calls on a \
                             self-hosted Umami need its bearer token)",
                        )
                    })?;
                    let value = secret_header(&format!("Bearer {}", token.expose()))?;
                    request = request.header(AUTHORIZATION, value);
                }
            }
        }
        if let Some(body) = json_body {
            request = request.json_body(body);
        }
        // The path only: the query holds filter values, which are the user's data.
        tracing::debug!(method = %method, path = url.path(), "umami management call");
        let body = self
            .exchange(request)
            .await?
            .into_success()
            .map_err(|e| self.scrub(e))?;
        Ok(Answer { body })
    }

    /// The website id of a management call: the argument, else the client's default; it must
    /// be a UUID, so that no request ever goes to `/websites//…`.
    pub(crate) fn resolve_website_id(&self, explicit: Option<&str>) -> Result<String, Error> {
        let id = match explicit.or(self.website_id()) {
            Some(id) => id.trim(),
            None => {
                return Err(ValidationError::new(
                    "website_id",
                    "is required: pass it here or set a default with website_id() on the client \
                     builder (or umami::set_website_id())",
                )
                .into());
            }
        };
        validate::uuid("website_id", id)?;
        Ok(id.to_owned())
    }

    /// Removes this client's token and API key from an error's text, in case a server (or a
    /// proxy in front of it) echoed a header back.
    pub(crate) fn scrub(&self, error: Error) -> Error {
        let mut secrets = Vec::new();
        if let Target::Cloud { api_key, .. } = &self.config().target {
            secrets.push(api_key.expose().to_owned());
        }
        if let Some(token) = self.token() {
            secrets.push(token.expose().to_owned());
        }
        scrub_secrets(error, &secrets)
    }
}

/// The error of a module-level call made before the global client was configured.
pub(crate) fn no_client() -> Error {
    Error::not_allowed(
        "no Umami server configured: call umami::set_url_base() (self-hosted) or \
         umami::set_cloud_api_key() (Umami Cloud) first",
    )
}

/// A header value for a secret, marked sensitive (hyper then keeps it out of its own debug
/// output). A value that cannot be a header is reported without quoting it.
fn secret_header(value: &str) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::from_str(value).map_err(|_| {
        Error::Validation(ValidationError::new(
            "credentials",
            "the API key or token contains characters that cannot be sent in an HTTP header",
        ))
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// Replaces every occurrence of a secret (of at least 4 chars: shorter ones would blank out
/// ordinary words) in the text of `Status` and `UnexpectedResponse` errors.
pub(crate) fn scrub_secrets(error: Error, secrets: &[String]) -> Error {
    let clean = |mut text: String| {
        for secret in secrets.iter().filter(|s| s.chars().count() >= 4) {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), "[redacted]");
            }
        }
        text
    };
    match error {
        Error::Status {
            status,
            message,
            retry_after,
        } => Error::Status {
            status,
            message: clean(message),
            retry_after,
        },
        Error::UnexpectedResponse(message) => Error::UnexpectedResponse(clean(message)),
        other => other,
    }
}

/// A 2xx body as JSON of type `T`.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| {
        Error::UnexpectedResponse(format!(
            "could not read the answer ({e}); it began with: {}",
            quote(body)
        ))
    })
}

/// The start of a body, for error messages.
pub(crate) fn quote(body: &[u8]) -> String {
    text::snippet(String::from_utf8_lossy(body).trim(), MAX_QUOTE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_removes_secrets_from_status_and_unexpected_errors() {
        let secrets = vec!["tok-123456".to_owned()];
        let status = scrub_secrets(
            Error::Status {
                status: 401,
                message: "bad token tok-123456".to_owned(),
                retry_after: None,
            },
            &secrets,
        );
        assert_eq!(
            status.to_string(),
            "Umami answered 401: bad token [redacted]"
        );
        let unexpected = scrub_secrets(
            Error::UnexpectedResponse("x tok-123456 y".to_owned()),
            &secrets,
        );
        assert_eq!(
            unexpected.to_string(),
            "unexpected answer from Umami: x [redacted] y"
        );
    }

    #[test]
    fn short_secrets_do_not_blank_out_words() {
        let error = scrub_secrets(
            Error::Status {
                status: 401,
                message: "a b".to_owned(),
                retry_after: None,
            },
            &["a".to_owned()],
        );
        assert_eq!(error.to_string(), "Umami answered 401: a b");
    }

    #[test]
    fn long_bodies_are_quoted_shortly() {
        let body = "x".repeat(1000);
        assert_eq!(quote(body.as_bytes()).chars().count(), MAX_QUOTE + 1);
    }
}
