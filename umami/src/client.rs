//! The [`Client`] and its [`ClientBuilder`].

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::error::{Error, ValidationError};
use crate::secret::Secret;
use crate::validate;

/// The User-Agent sent by default: `Mozilla/5.0 umami-rs/<version>`.
///
/// Umami drops hits from User-Agents that look like bots (`name/1.2.3` alone, `curl`,
/// `python`, ...) and answers `{"beep":"boop"}`; this one passes its filter (isbot 5) while
/// saying honestly what sent the hit.
pub const DEFAULT_USER_AGENT: &str = concat!("Mozilla/5.0 umami-rs/", env!("CARGO_PKG_VERSION"));

/// The request timeout used unless [`ClientBuilder::timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Where Umami Cloud receives hits.
pub const CLOUD_SEND_BASE: &str = "https://cloud.umami.is";
/// Umami Cloud's management API root.
pub const CLOUD_API_BASE: &str = "https://api.umami.is/v1";

/// The region prefix of Umami Cloud's management API (`/v1/us`, `/v1/eu`).
///
/// ```
/// let client = umami::Client::builder()
///     .cloud_api_key("api_example")
///     .cloud_region(umami::CloudRegion::Eu)
///     .build()?;
/// # Ok::<(), umami::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloudRegion {
    /// `/v1/us`
    Us,
    /// `/v1/eu`
    Eu,
}

impl CloudRegion {
    /// The path segment: `us` or `eu`.
    pub fn as_str(self) -> &'static str {
        match self {
            CloudRegion::Us => "us",
            CloudRegion::Eu => "eu",
        }
    }
}

/// Self-hosted or Cloud, and the roots of both APIs.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    SelfHosted {
        /// `https://umami.example.com`, no trailing slash, no `/api`.
        base: String,
    },
    Cloud {
        api_key: Secret,
        region: Option<CloudRegion>,
        /// Root of `/api/send` and `/api/batch`.
        send_base: String,
        /// Root of the management API, region included: `https://api.umami.is/v1[/eu]`.
        api_base: String,
    },
}

/// Immutable per-client settings.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) target: Target,
    pub(crate) send_url: String,
    pub(crate) batch_url: String,
    pub(crate) website_id: Option<String>,
    pub(crate) hostname: Option<String>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) timeout: Duration,
}

impl Config {
    /// The root that management paths hang off: `{base}/api` self-hosted, the Cloud API root
    /// (already with `/v1` and region) on Cloud.
    pub(crate) fn api_root(&self) -> String {
        match &self.target {
            Target::SelfHosted { base } => format!("{base}/api"),
            Target::Cloud { api_base, .. } => api_base.clone(),
        }
    }
}

struct Inner {
    http: reqwest::Client,
    config: Config,
    enabled: Arc<AtomicBool>,
    /// The bearer token after `login` (self-hosted management), shared by clones.
    token: RwLock<Option<Secret>>,
}

/// A connection to one Umami server (self-hosted) or to Umami Cloud.
///
/// Cheap to clone (an `Arc` inside): clones share the connection pool, the enabled switch and
/// the login token.
///
/// Its methods are the sends ([`new_event`](Self::new_event),
/// [`new_page_view`](Self::new_page_view), [`new_revenue_event`](Self::new_revenue_event),
/// [`identify`](Self::identify), [`new_performance`](Self::new_performance),
/// [`send_event`](Self::send_event), [`send_hit`](Self::send_hit), [`tracked_user`](Self::tracked_user)),
/// its configuration, and the management calls every service makes ([`login`](Self::login),
/// [`websites`](Self::websites), [`website_stats`](Self::website_stats),
/// [`active_users`](Self::active_users), …). The rest of Umami's API is behind handles that
/// borrow the client: [`analytics`](Self::analytics), [`reports`](Self::reports) and
/// [`admin`](Self::admin) (see [`api`](crate::api)).
///
/// ```no_run
/// # async fn demo() -> Result<(), umami::Error> {
/// use serde_json::json;
///
/// let client = umami::Client::builder()
///     .url_base("https://umami.example.com")
///     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
///     .hostname("example.com")
///     .build()?;
/// client
///     .new_event("Purchase-Course")
///     .url("/checkout")
///     .custom_data(json!({"plan": "pro"}))
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.inner.config;
        let mut d = f.debug_struct("Client");
        match &c.target {
            Target::SelfHosted { base } => d.field("url_base", base),
            Target::Cloud { region, .. } => d
                .field("cloud_api_key", &Secret::new(""))
                .field("cloud_region", region),
        };
        d.field("website_id", &c.website_id)
            .field("hostname", &c.hostname)
            .field("user_agent", &c.user_agent)
            .field("timeout", &c.timeout)
            .field("enabled", &self.is_enabled())
            .field("logged_in", &self.is_logged_in())
            .finish()
    }
}

impl Client {
    /// A builder with every setting at its default.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }
    /// Turns tracking off for this client and all its clones: hits are still validated, but
    /// nothing is sent and [`SendResponse::is_disabled`](crate::SendResponse::is_disabled) is true.
    pub fn disable(&self) {
        self.inner.enabled.store(false, Ordering::Relaxed);
    }

    /// Turns tracking back on.
    pub fn enable(&self) {
        self.inner.enabled.store(true, Ordering::Relaxed);
    }

    /// Whether hits are sent.
    pub fn is_enabled(&self) -> bool {
        self.inner.enabled.load(Ordering::Relaxed)
    }

    /// Whether this is an Umami Cloud client.
    pub fn is_cloud(&self) -> bool {
        matches!(self.inner.config.target, Target::Cloud { .. })
    }

    /// The default website id, if one was set.
    pub fn website_id(&self) -> Option<&str> {
        self.inner.config.website_id.as_deref()
    }

    /// The default hostname, if one was set.
    pub fn hostname(&self) -> Option<&str> {
        self.inner.config.hostname.as_deref()
    }

    /// The full URL hits are sent to (`…/api/send`).
    pub fn send_url(&self) -> &str {
        &self.inner.config.send_url
    }

    /// Whether `login` has stored a token (no I/O).
    pub fn is_logged_in(&self) -> bool {
        self.inner
            .token
            .read()
            .map(|t| t.is_some())
            .unwrap_or(false)
    }
    pub(crate) fn token(&self) -> Option<Secret> {
        self.inner.token.read().ok().and_then(|t| t.clone())
    }
    pub(crate) fn set_token(&self, token: Option<Secret>) {
        if let Ok(mut slot) = self.inner.token.write() {
            *slot = token;
        }
    }
}

/// Builds a [`Client`]; every setter documents its default.
///
/// ```
/// let client = umami::Client::builder()
///     .url_base("https://umami.example.com/")
///     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
///     .hostname("example.com")
///     .timeout(std::time::Duration::from_secs(5))
///     .build()?;
/// assert_eq!(client.send_url(), "https://umami.example.com/api/send");
/// # Ok::<(), umami::Error>(())
/// ```
#[derive(Default)]
#[must_use = "a builder does nothing until `.build()`"]
pub struct ClientBuilder {
    url_base: Option<String>,
    cloud_api_key: Option<Secret>,
    cloud_region: Option<CloudRegion>,
    cloud_send_base: Option<String>,
    cloud_api_base: Option<String>,
    website_id: Option<String>,
    hostname: Option<String>,
    user_agent: Option<String>,
    timeout: Option<Duration>,
    http_client: Option<reqwest::Client>,
    enabled: Option<bool>,
    /// The module-level API's switch, shared by every client it builds, so that
    /// `umami::disable()` also stops builders and clients obtained before it.
    shared_enabled: Option<Arc<AtomicBool>>,
    /// The global client keeps website id and hostname as given and lets sends report them.
    lenient_defaults: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url_base", &self.url_base)
            .field("cloud_api_key", &self.cloud_api_key)
            .field("cloud_region", &self.cloud_region)
            .field("website_id", &self.website_id)
            .field("hostname", &self.hostname)
            .field("user_agent", &self.user_agent)
            .field("timeout", &self.timeout)
            .field("enabled", &self.enabled)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The root of a self-hosted Umami, e.g. `https://umami.example.com` (no `/api`; a
    /// trailing `/` is stripped). Only `http://` and `https://` are accepted. No default:
    /// set this or [`cloud_api_key`](Self::cloud_api_key).
    pub fn url_base(mut self, url: impl Into<String>) -> Self {
        self.url_base = Some(url.into());
        self
    }

    /// Use Umami Cloud with this API key (sent as `x-umami-api-key` on management calls;
    /// hits go to `https://cloud.umami.is/api/send` without it). Never printed.
    pub fn cloud_api_key(mut self, key: impl Into<String>) -> Self {
        self.cloud_api_key = Some(Secret::new(key));
        self
    }

    /// The Cloud API region prefix; default none (`https://api.umami.is/v1`).
    pub fn cloud_region(mut self, region: CloudRegion) -> Self {
        self.cloud_region = Some(region);
        self
    }

    /// Overrides the root Cloud hits are sent to (default [`CLOUD_SEND_BASE`],
    /// `https://cloud.umami.is`, as the Python client uses), e.g. for a proxy. Some newer
    /// Umami clients post to `https://gateway.umami.is` instead; both collect for Umami Cloud,
    /// and this is where to switch:
    ///
    /// ```
    /// let client = umami::Client::builder()
    ///     .cloud_api_key("api_example")
    ///     .cloud_send_base("https://gateway.umami.is")
    ///     .build()?;
    /// assert_eq!(client.send_url(), "https://gateway.umami.is/api/send");
    /// # Ok::<(), umami::Error>(())
    /// ```
    pub fn cloud_send_base(mut self, url: impl Into<String>) -> Self {
        self.cloud_send_base = Some(url.into());
        self
    }

    /// Overrides the Cloud management API root (default [`CLOUD_API_BASE`]; the region is
    /// appended to it), e.g. for a proxy.
    pub fn cloud_api_base(mut self, url: impl Into<String>) -> Self {
        self.cloud_api_base = Some(url.into());
        self
    }

    /// The default website id (a UUID) for hits that do not set one. Default: none, and a hit
    /// without one fails with [`Error::Validation`].
    pub fn website_id(mut self, website_id: impl Into<String>) -> Self {
        self.website_id = Some(website_id.into());
        self
    }

    /// The default hostname for hits that do not set one. Default: none, and a hit without
    /// one fails with [`Error::Validation`].
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = Some(hostname.into());
        self
    }

    /// The User-Agent header of every request. Default [`DEFAULT_USER_AGENT`], which passes
    /// Umami's bot filter; a `name/1.2` UA (like reqwest's own) would make Umami drop every hit.
    /// To report a visitor's browser, prefer the per-hit `.user_agent(..)`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The timeout of each request, from connect to the end of the answer. Default
    /// [`DEFAULT_TIMEOUT`] (10 s). A [`Dispatcher`](crate::Dispatcher)'s `/api/batch` requests
    /// have their own, longer timeout
    /// ([`batch_timeout`](crate::dispatch::DispatcherBuilder::batch_timeout), default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Use this `reqwest::Client` (its pool, proxy and TLS settings). Default: one built for
    /// this client. The User-Agent and timeout above still apply per request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Whether hits are sent; default `true`. `false` is the same as calling
    /// [`Client::disable`] right away.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    pub(crate) fn shared_enabled(mut self, enabled: Arc<AtomicBool>) -> Self {
        self.shared_enabled = Some(enabled);
        self
    }

    pub(crate) fn lenient_defaults(mut self) -> Self {
        self.lenient_defaults = true;
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// # Errors
    /// [`Error::OperationNotAllowed`] when neither `url_base` nor `cloud_api_key` is set;
    /// [`Error::Validation`] for a malformed URL, a blank key, both targets at once, a
    /// website id that is not a UUID, an unusable User-Agent, or a zero timeout;
    /// [`Error::Transport`] when the HTTP client cannot be created.
    pub fn build(self) -> Result<Client, Error> {
        let target = match (self.url_base, self.cloud_api_key) {
            (Some(_), Some(_)) => {
                return Err(ValidationError::new(
                    "url_base",
                    "set either url_base (self-hosted) or cloud_api_key (Umami Cloud), not both",
                )
                .into());
            }
            (None, None) => {
                return Err(Error::not_allowed(
                    "no Umami server configured: set url_base (self-hosted) or cloud_api_key \
                     (Umami Cloud)",
                ));
            }
            (Some(url), None) => Target::SelfHosted {
                base: normalize_base("url_base", &url)?,
            },
            (None, Some(key)) => {
                if key.expose().trim().is_empty() {
                    return Err(ValidationError::new(
                        "cloud_api_key",
                        "must not be empty or blank",
                    )
                    .into());
                }
                let send_base = match self.cloud_send_base {
                    Some(url) => normalize_base("cloud_send_base", &url)?,
                    None => CLOUD_SEND_BASE.to_owned(),
                };
                let mut api_base = match self.cloud_api_base {
                    Some(url) => normalize_base("cloud_api_base", &url)?,
                    None => CLOUD_API_BASE.to_owned(),
                };
                if let Some(region) = self.cloud_region {
                    api_base.push('/');
                    api_base.push_str(region.as_str());
                }
                Target::Cloud {
                    api_key: key,
                    region: self.cloud_region,
                    send_base,
                    api_base,
                }
            }
        };
        let send_root = match &target {
            Target::SelfHosted { base } => base,
            Target::Cloud { send_base, .. } => send_base,
        };
        let send_url = format!("{send_root}/api/send");
        let batch_url = format!("{send_root}/api/batch");

        if !self.lenient_defaults {
            if let Some(id) = &self.website_id {
                validate::uuid("website_id", id)?;
            }
            if let Some(host) = &self.hostname {
                validate::not_blank("hostname", host)?;
                validate::max_chars("hostname", host, validate::MAX_HOSTNAME)?;
            }
        }

        let user_agent = match self.user_agent {
            None => HeaderValue::from_static(DEFAULT_USER_AGENT),
            Some(ua) => HeaderValue::from_str(&ua).map_err(|_| {
                ValidationError::new(
                    "user_agent",
                    "must be visible ASCII text usable as a header",
                )
            })?,
        };
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(ValidationError::new("timeout", "must be longer than zero").into());
        }
        let http = match self.http_client {
            Some(http) => http,
            None => default_http_client()?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                config: Config {
                    target,
                    send_url,
                    batch_url,
                    website_id: self.website_id,
                    hostname: self.hostname,
                    user_agent,
                    timeout,
                },
                enabled: match self.shared_enabled {
                    Some(shared) => shared,
                    None => Arc::new(AtomicBool::new(self.enabled.unwrap_or(true))),
                },
                token: RwLock::new(None),
            }),
        })
    }
}

pub(crate) fn default_http_client() -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_nodelay(true)
        .build()
        .map_err(Error::from_reqwest)
}

/// Checks an `http(s)://` root and strips trailing slashes.
pub(crate) fn normalize_base(field: &'static str, url: &str) -> Result<String, ValidationError> {
    let trimmed = url.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::new(field, "must not be empty"));
    }
    let parsed = url::Url::parse(trimmed).map_err(|e| {
        ValidationError::new(field, format!("{trimmed:?} is not a valid URL ({e})"))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ValidationError::new(
            field,
            format!("{trimmed:?} must start with http:// or https://"),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(ValidationError::new(
            field,
            format!("{trimmed:?} has no host"),
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(ValidationError::new(
            field,
            format!("{trimmed:?} must be a root URL without query or fragment"),
        ));
    }
    // The parsed form, not the input: the parser drops what it ignores (tabs, newlines,
    // trailing control characters), which would otherwise end up inside every endpoint URL.
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_base_strips_trailing_slashes_and_spaces() {
        assert_eq!(
            normalize_base("url_base", " https://umami.example.com/ ").unwrap(),
            "https://umami.example.com"
        );
        assert_eq!(
            normalize_base("url_base", "http://127.0.0.1:3000//").unwrap(),
            "http://127.0.0.1:3000"
        );
        assert_eq!(
            normalize_base("url_base", "https://example.com/umami/").unwrap(),
            "https://example.com/umami"
        );
    }

    #[test]
    fn normalize_base_keeps_the_parsed_form() {
        // Control characters the URL parser drops must not end up in the endpoint URLs.
        assert_eq!(
            normalize_base("url_base", "http://example.com\u{1b}").unwrap(),
            "http://example.com"
        );
        assert_eq!(
            normalize_base("url_base", "https://Umami.Example.COM/an\tal/").unwrap(),
            "https://umami.example.com/anal"
        );
        let client = Client::builder()
            .url_base("http://example.com\u{1b}\u{7}")
            .build()
            .unwrap();
        assert_eq!(client.send_url(), "http://example.com/api/send");
    }

    #[test]
    fn normalize_base_rejects_what_is_not_an_http_root() {
        for (bad, problem) in [
            ("", "must not be empty"),
            (
                "ftp://example.com",
                "\"ftp://example.com\" must start with http:// or https://",
            ),
            (
                "https://example.com/?a=1",
                "\"https://example.com/?a=1\" must be a root URL without query or fragment",
            ),
        ] {
            let err = normalize_base("url_base", bad).unwrap_err();
            assert_eq!(
                (err.field(), err.problem()),
                ("url_base", problem),
                "{bad:?}"
            );
        }
        assert!(normalize_base("url_base", "example.com").is_err());
    }

    #[test]
    fn send_and_batch_urls_hang_off_the_base() {
        let client = Client::builder()
            .url_base("https://umami.example.com/")
            .build()
            .unwrap();
        assert_eq!(client.send_url(), "https://umami.example.com/api/send");
        assert_eq!(
            client.config().batch_url,
            "https://umami.example.com/api/batch"
        );
        assert_eq!(client.config().api_root(), "https://umami.example.com/api");
    }

    #[test]
    fn cloud_urls_and_region() {
        let client = Client::builder()
            .cloud_api_key("api_k")
            .cloud_region(CloudRegion::Eu)
            .build()
            .unwrap();
        assert_eq!(client.send_url(), "https://cloud.umami.is/api/send");
        assert_eq!(
            client.config().batch_url,
            "https://cloud.umami.is/api/batch"
        );
        assert_eq!(client.config().api_root(), "https://api.umami.is/v1/eu");
    }

    #[test]
    fn build_without_a_target_is_not_allowed() {
        assert!(matches!(
            Client::builder().build(),
            Err(Error::OperationNotAllowed(_))
        ));
    }

    #[test]
    fn build_rejects_both_targets_blank_key_zero_timeout_and_bad_user_agent() {
        let field = |b: ClientBuilder| match b.build() {
            Err(Error::Validation(v)) => v.field(),
            other => panic!("{other:?}"),
        };
        let base = || Client::builder().url_base("https://umami.example.com");
        assert_eq!(field(base().cloud_api_key("k")), "url_base");
        assert_eq!(
            field(Client::builder().cloud_api_key("  ")),
            "cloud_api_key"
        );
        assert_eq!(field(base().timeout(Duration::ZERO)), "timeout");
        assert_eq!(field(base().user_agent("a\u{7f}b")), "user_agent");
        assert_eq!(field(base().hostname(" ")), "hostname");
        assert_eq!(field(base().hostname("h".repeat(101))), "hostname");
    }

    #[test]
    fn default_user_agent_is_browser_like_with_our_name() {
        assert!(DEFAULT_USER_AGENT.starts_with("Mozilla/5.0 umami-rs/"));
        assert!(HeaderValue::from_str(DEFAULT_USER_AGENT).is_ok());
    }
}
