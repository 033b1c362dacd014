//! Sending hits: the request builders behind [`Client::new_event`], [`Client::new_page_view`],
//! [`Client::new_revenue_event`] and [`Client::identify`], and what they return.
//!
//! Every builder ends in `.send().await`. Inputs are validated before any I/O, with the
//! server's own limits, so a mistake is a [`ValidationError`] naming the field rather than a
//! 400 from the server (or, worse, a silently truncated value).

use std::fmt;
use std::marker::PhantomData;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::client::{Client, Config};
use crate::error::{Error, ValidationError};
use crate::validate;

/// Marker types that tell the [`HitBuilder`]s apart.
pub mod kind {
    /// A custom event (`type: "event"` with a `name`).
    #[derive(Debug, Clone, Copy)]
    pub enum Event {}
    /// A page view (`type: "event"` without `name`).
    #[derive(Debug, Clone, Copy)]
    pub enum PageView {}
    /// A custom event carrying revenue in its data.
    #[derive(Debug, Clone, Copy)]
    pub enum Revenue {}
    /// An `identify` hit: attaches a distinct id and session data to the visitor's session.
    #[derive(Debug, Clone, Copy)]
    pub enum Identify {}
}

/// Builder of a custom event: see [`Client::new_event`].
pub type NewEvent = HitBuilder<kind::Event>;
/// Builder of a page view: see [`Client::new_page_view`].
pub type NewPageView = HitBuilder<kind::PageView>;
/// Builder of a revenue event: see [`Client::new_revenue_event`].
pub type NewRevenueEvent = HitBuilder<kind::Revenue>;
/// Builder of an identify hit: see [`Client::identify`].
pub type Identify = HitBuilder<kind::Identify>;

/// The distinct id of a user, sent as the payload's `id`.
///
/// Built from `&str`, `String` and every integer type; integers are sent as their decimal
/// text. Ids are trimmed, and a blank id is not sent at all. There is deliberately no
/// conversion from `bool`.
///
/// ```
/// use umami::DistinctId;
/// assert_eq!(DistinctId::from(42_u64).as_str(), "42");
/// assert_eq!(DistinctId::from("  user-7 ").as_str(), "user-7");
/// assert!(DistinctId::from("   ").is_blank());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct DistinctId(String);

impl DistinctId {
    /// The id as sent (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the id is empty after trimming; blank ids are not sent.
    pub fn is_blank(&self) -> bool {
        self.0.is_empty()
    }

    fn from_text(s: &str) -> Self {
        DistinctId(s.trim().to_owned())
    }
}

impl fmt::Debug for DistinctId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DistinctId").field(&self.0).finish()
    }
}

impl fmt::Display for DistinctId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for DistinctId {
    fn from(s: &str) -> Self {
        DistinctId::from_text(s)
    }
}

impl From<String> for DistinctId {
    fn from(s: String) -> Self {
        if s.trim().len() == s.len() {
            DistinctId(s)
        } else {
            DistinctId::from_text(&s)
        }
    }
}

impl From<&String> for DistinctId {
    fn from(s: &String) -> Self {
        DistinctId::from_text(s)
    }
}

macro_rules! distinct_id_from_integers {
    ($($t:ty)*) => {$(
        impl From<$t> for DistinctId {
            fn from(n: $t) -> Self {
                DistinctId(n.to_string())
            }
        }
        impl IntoDistinctId for $t {
            fn into_distinct_id(self) -> DistinctId {
                DistinctId::from(self)
            }
        }
    )*};
}
distinct_id_from_integers!(u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize);

/// Values accepted as a distinct id: `&str`, `String`, every integer type and [`DistinctId`].
///
/// A `bool` is rejected at compile time: Umami ids are strings or integers.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as an Umami distinct id",
    label = "expected a string or an integer here, found `{Self}`",
    note = "a distinct id is a `&str`, a `String` or an integer (`u64`, `i32`, ...); `bool` is deliberately not accepted"
)]
pub trait IntoDistinctId {
    /// Converts into the id.
    fn into_distinct_id(self) -> DistinctId;
}

impl IntoDistinctId for DistinctId {
    fn into_distinct_id(self) -> DistinctId {
        self
    }
}
impl IntoDistinctId for &DistinctId {
    fn into_distinct_id(self) -> DistinctId {
        self.clone()
    }
}
impl IntoDistinctId for &str {
    fn into_distinct_id(self) -> DistinctId {
        DistinctId::from(self)
    }
}
impl IntoDistinctId for String {
    fn into_distinct_id(self) -> DistinctId {
        DistinctId::from(self)
    }
}
impl IntoDistinctId for &String {
    fn into_distinct_id(self) -> DistinctId {
        DistinctId::from(self)
    }
}

/// The wire form of one hit: `{"type": ..., "payload": {...}}`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Envelope {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) payload: Payload,
}

/// The payload keys of `/api/send`, in the protocol's names.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Payload {
    pub(crate) website: String,
    pub(crate) hostname: String,
    pub(crate) language: String,
    pub(crate) screen: String,
    pub(crate) url: String,
    pub(crate) referrer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) data: Option<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ip: Option<String>,
    #[serde(rename = "userAgent", skip_serializing_if = "Option::is_none")]
    pub(crate) user_agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) timestamp: Option<u64>,
}

/// A validated hit, ready to send: what a builder's `prepare()` returns.
///
/// Useful to validate now and send later (the background dispatcher queues these), or to
/// send the same hit through [`Client::send_hit`].
///
/// ```
/// # fn demo(client: &umami::Client) -> Result<(), umami::Error> {
/// let hit = client.new_event("Signup").distinct_id("user-7").prepare()?;
/// assert_eq!(hit.kind(), "event");
/// assert_eq!(hit.distinct_id(), Some("user-7"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PreparedHit {
    pub(crate) envelope: Envelope,
}

impl PreparedHit {
    /// The hit's `type`: `"event"` or `"identify"`.
    pub fn kind(&self) -> &'static str {
        self.envelope.kind
    }

    /// The event name; `None` for page views and identify hits.
    pub fn event_name(&self) -> Option<&str> {
        self.envelope.payload.name.as_deref()
    }

    /// The website id the hit is for.
    pub fn website_id(&self) -> &str {
        &self.envelope.payload.website
    }

    /// The distinct id sent as `id`, if any.
    pub fn distinct_id(&self) -> Option<&str> {
        self.envelope.payload.id.as_deref()
    }

    /// The visitor IP sent as `ip`, if any.
    pub fn ip_address(&self) -> Option<&str> {
        self.envelope.payload.ip.as_deref()
    }

    /// The custom data, for events and identify hits.
    pub fn data(&self) -> Option<&Map<String, Value>> {
        self.envelope.payload.data.as_ref()
    }

    /// The JSON body that `/api/send` receives.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(&self.envelope)
            .expect("a payload of strings and JSON values serializes")
    }

    /// The JSON body as bytes.
    pub(crate) fn to_body(&self) -> Vec<u8> {
        serde_json::to_vec(&self.envelope).expect("a payload of strings and JSON values serializes")
    }
}

/// The answer of `/api/send` to a stored hit.
///
/// ```
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// let resp = client.new_event("Signup").send().await?;
/// if !resp.is_disabled() {
///     println!("session {:?}", resp.session_id());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SendResponse {
    pub(crate) json: Value,
    pub(crate) cache: Option<String>,
    pub(crate) session_id: Option<String>,
    pub(crate) visit_id: Option<String>,
    pub(crate) disabled: bool,
}

impl SendResponse {
    pub(crate) fn disabled() -> Self {
        SendResponse {
            json: Value::Object(Map::new()),
            cache: None,
            session_id: None,
            visit_id: None,
            disabled: true,
        }
    }

    /// The cache token to echo as `x-umami-cache` on the same visitor's next hit (every server
    /// version returns one: v2.0–2.15 as the plain-text body).
    pub fn cache(&self) -> Option<&str> {
        self.cache.as_deref()
    }

    /// The session id (servers v2.17+).
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// The visit id (servers v2.17+).
    pub fn visit_id(&self) -> Option<&str> {
        self.visit_id.as_deref()
    }

    /// The server's JSON answer, or `{}` (tracking disabled, or a plain-text answer).
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// True when tracking was disabled: the inputs were validated, nothing was sent.
    pub fn is_disabled(&self) -> bool {
        self.disabled
    }
}

/// The custom data of a builder: serialized when set, checked when sent.
#[derive(Debug, Clone, Default)]
enum Data {
    #[default]
    Unset,
    Object(Map<String, Value>),
    Invalid(ValidationError),
}

/// Builder of one hit to `/api/send`; see the aliases [`NewEvent`], [`NewPageView`],
/// [`NewRevenueEvent`] and [`Identify`], made by the [`Client`] methods of the same names.
///
/// Fields left unset take the seed's defaults: `url` `/`, `referrer` `""`, `language`
/// `en-US`, `screen` `1920x1080`, `title` the event name, `hostname` and `website_id` the
/// client's defaults.
#[must_use = "a hit builder does nothing until `.send().await`"]
#[derive(Debug, Clone)]
pub struct HitBuilder<K> {
    client: Option<Client>,
    name: Option<String>,
    website_id: Option<String>,
    hostname: Option<String>,
    url: Option<String>,
    title: Option<String>,
    referrer: Option<String>,
    language: Option<String>,
    screen: Option<String>,
    data: Data,
    revenue: Option<(f64, String)>,
    tag: Option<String>,
    distinct_id: Option<DistinctId>,
    ip_address: Option<String>,
    user_agent: Option<String>,
    timestamp: Option<SystemTime>,
    _kind: PhantomData<fn() -> K>,
}

impl<K> HitBuilder<K> {
    fn blank(client: Option<Client>) -> Self {
        HitBuilder {
            client,
            name: None,
            website_id: None,
            hostname: None,
            url: None,
            title: None,
            referrer: None,
            language: None,
            screen: None,
            data: Data::Unset,
            revenue: None,
            tag: None,
            distinct_id: None,
            ip_address: None,
            user_agent: None,
            timestamp: None,
            _kind: PhantomData,
        }
    }

    /// The website id; default: the client's `website_id`.
    pub fn website_id(mut self, website_id: impl Into<String>) -> Self {
        self.website_id = Some(website_id.into());
        self
    }

    /// The hostname the hit belongs to (at most 100 chars); default: the client's `hostname`.
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = Some(hostname.into());
        self
    }

    /// The URL or path, e.g. `/checkout`; default `/`.
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// The title; default: the event name (page views: the page title).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The referrer URL or path; default `""`.
    pub fn referrer(mut self, referrer: impl Into<String>) -> Self {
        self.referrer = Some(referrer.into());
        self
    }

    /// The visitor's language (at most 35 chars); default `en-US`.
    pub fn language(mut self, language: impl Into<String>) -> Self {
        self.language = Some(language.into());
        self
    }

    /// The visitor's screen size (at most 11 chars); default `1920x1080`.
    pub fn screen(mut self, screen: impl Into<String>) -> Self {
        self.screen = Some(screen.into());
        self
    }

    /// A free tag (Umami v2.11+, at most 50 chars).
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    /// The user's distinct id (Umami v2.18+), sent as `id`: a string or an integer, trimmed;
    /// a blank id is not sent. At most 50 chars.
    pub fn distinct_id(mut self, id: impl IntoDistinctId) -> Self {
        self.distinct_id = Some(id.into_distinct_id());
        self
    }

    /// The visitor's real IP address (Umami v2.10+), useful from server-side handlers. Sent
    /// only when non-blank; must be an IPv4 or IPv6 address.
    pub fn ip_address(mut self, ip: impl fmt::Display) -> Self {
        self.ip_address = Some(ip.to_string());
        self
    }

    /// The visitor's User-Agent, sent as `userAgent` (Umami v2.16+) so that Umami parses the
    /// visitor's browser and OS instead of this client's. Sent only when non-blank.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// When the hit happened (Umami v2.17+); sent as Unix seconds. Default: the server's time
    /// of arrival.
    pub fn timestamp(mut self, at: SystemTime) -> Self {
        self.timestamp = Some(at);
        self
    }

    fn set_data(&mut self, data: impl Serialize)
    where
        K: HitKind,
    {
        self.data = match serde_json::to_value(data) {
            Ok(Value::Object(map)) => Data::Object(map),
            Ok(Value::Null) => Data::Object(Map::new()),
            Ok(other) => Data::Invalid(ValidationError::new(
                K::DATA_FIELD,
                format!("must serialize to a JSON object, got {}", json_kind(&other)),
            )),
            Err(e) => Data::Invalid(ValidationError::new(
                K::DATA_FIELD,
                format!("could not be serialized: {e}"),
            )),
        };
    }

    /// Sets the custom data from an already built JSON object, with no second serialization.
    #[allow(dead_code, reason = "used by the UmamiEvent derive's generated sends")]
    pub(crate) fn set_data_map(&mut self, map: Map<String, Value>) {
        self.data = Data::Object(map);
    }

    /// Records data that could not be built, reported by `prepare`/`send` like a bad
    /// `custom_data` (typed events build their data before the builder exists).
    pub(crate) fn set_data_error(&mut self, error: ValidationError) {
        self.data = Data::Invalid(error);
    }

    /// The client this hit will be sent with; `None` for a module-level builder created before
    /// the global client was configured.
    pub fn client(&self) -> Option<&Client> {
        self.client.as_ref()
    }

    fn take_client(&mut self) -> Result<Client, Error> {
        self.client.take().ok_or_else(|| {
            Error::not_allowed(
                "no Umami server configured: call umami::set_url_base() (self-hosted) or \
                 umami::set_cloud_api_key() (Umami Cloud) first",
            )
        })
    }
}

/// How an error message names the JSON type a value serialized to.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What each kind of hit sends, beyond the common keys.
pub trait HitKind: sealed::Sealed {
    /// The hit's `type`.
    #[doc(hidden)]
    const TYPE: &'static str;
    /// Whether the hit carries `name` and always carries `data`.
    #[doc(hidden)]
    const IS_EVENT: bool;
    /// The builder method that sets the hit's data, for error messages.
    #[doc(hidden)]
    const DATA_FIELD: &'static str = "custom_data";
    /// Whether the hit is meaningless without a distinct id (identify).
    #[doc(hidden)]
    const REQUIRES_ID: bool = false;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::kind::Event {}
    impl Sealed for super::kind::PageView {}
    impl Sealed for super::kind::Revenue {}
    impl Sealed for super::kind::Identify {}
}

impl HitKind for kind::Event {
    const TYPE: &'static str = "event";
    const IS_EVENT: bool = true;
}
impl HitKind for kind::Revenue {
    const TYPE: &'static str = "event";
    const IS_EVENT: bool = true;
}
impl HitKind for kind::PageView {
    const TYPE: &'static str = "event";
    const IS_EVENT: bool = false;
}
impl HitKind for kind::Identify {
    const TYPE: &'static str = "identify";
    const IS_EVENT: bool = false;
    const DATA_FIELD: &'static str = "data";
    const REQUIRES_ID: bool = true;
}

impl<K: HitKind> HitBuilder<K> {
    /// Validates every input, as the server would, and returns the hit ready to send. No I/O.
    ///
    /// # Errors
    /// [`Error::OperationNotAllowed`] when no server is configured; [`Error::Validation`]
    /// naming the first bad field.
    pub fn prepare(mut self) -> Result<PreparedHit, Error> {
        let client = self.take_client()?;
        let view = self.check(client.config())?;
        Ok(PreparedHit {
            envelope: view.to_envelope(),
        })
    }

    /// Validates every input and returns the wire form borrowing from the builder and the
    /// client's defaults, so that `send` serializes without copying a single string.
    fn check<'a>(&'a mut self, config: &'a Config) -> Result<HitView<'a>, Error> {
        // The only mutation: give events their `{}` and merge revenue into the data. Done
        // first so that everything below can borrow; the revenue values are checked below,
        // in field order, and a bad one fails the whole hit anyway.
        if K::IS_EVENT && matches!(self.data, Data::Unset) {
            self.data = Data::Object(Map::new());
        }
        if let Some((revenue, currency)) = &self.revenue {
            if let Data::Object(map) = &mut self.data {
                map.insert("revenue".to_owned(), Value::from(*revenue));
                map.insert("currency".to_owned(), Value::from(currency.trim()));
            }
        }
        let this: &'a Self = self;

        let Some(website) = this.website_id.as_deref().or(config.website_id.as_deref()) else {
            return Err(ValidationError::new(
                "website_id",
                "is required: pass it here or set a default with website_id() on the client \
                 builder (or umami::set_website_id())",
            )
            .into());
        };
        validate::uuid("website_id", website)?;

        let Some(hostname) = this.hostname.as_deref().or(config.hostname.as_deref()) else {
            return Err(ValidationError::new(
                "hostname",
                "is required: pass it here or set a default with hostname() on the client \
                 builder (or umami::set_hostname())",
            )
            .into());
        };
        validate::not_blank("hostname", hostname)?;
        validate::max_chars("hostname", hostname, validate::MAX_HOSTNAME)?;

        if let Some(name) = &this.name {
            validate::event_name("event_name", name, validate::MAX_NAME)?;
        }

        let url = this.url.as_deref().unwrap_or("/");
        validate::url_or_path("url", url)?;
        let referrer = this.referrer.as_deref().unwrap_or("");
        validate::url_or_path("referrer", referrer)?;
        let language = this.language.as_deref().unwrap_or("en-US");
        validate::max_chars("language", language, validate::MAX_LANGUAGE)?;
        let screen = this.screen.as_deref().unwrap_or("1920x1080");
        validate::max_chars("screen", screen, validate::MAX_SCREEN)?;

        if let Some(tag) = &this.tag {
            validate::event_name("tag", tag, validate::MAX_TAG)?;
        }

        let id = match &this.distinct_id {
            Some(id) if !id.is_blank() => {
                validate::max_chars("distinct_id", id.as_str(), validate::MAX_DISTINCT_ID)?;
                Some(id.as_str())
            }
            // An identify hit without an id would only attach data to an anonymous session:
            // surely a bug in the caller, so say so instead of sending it.
            _ if K::REQUIRES_ID => {
                return Err(ValidationError::new(
                    "distinct_id",
                    "must not be empty or blank: identify ties the session to this id",
                )
                .into());
            }
            _ => None,
        };

        let ip = match this.ip_address.as_deref().map(str::trim) {
            Some(ip) if !ip.is_empty() => {
                validate::ip_address("ip_address", ip)?;
                Some(ip)
            }
            _ => None,
        };

        let user_agent = this
            .user_agent
            .as_deref()
            .filter(|ua| !ua.trim().is_empty());

        let timestamp = match this.timestamp {
            Some(at) => Some(
                at.duration_since(UNIX_EPOCH)
                    .map_err(|_| {
                        ValidationError::new("timestamp", "is before 1970-01-01 (Unix epoch)")
                    })?
                    .as_secs(),
            ),
            None => None,
        };

        if let Some((revenue, currency)) = &this.revenue {
            if !revenue.is_finite() || *revenue < 0.0 {
                return Err(ValidationError::new(
                    "revenue",
                    format!("{revenue} is not a finite number >= 0"),
                )
                .into());
            }
            validate::not_blank("currency", currency)?;
        }
        let data = match &this.data {
            Data::Unset => None,
            Data::Object(map) => {
                validate::custom_data(K::DATA_FIELD, map)?;
                Some(map)
            }
            Data::Invalid(e) => return Err(e.clone().into()),
        };

        Ok(HitView {
            kind: K::TYPE,
            payload: PayloadView {
                website,
                hostname,
                language,
                screen,
                url,
                referrer,
                title: this.title.as_deref().or(this.name.as_deref()),
                name: this.name.as_deref(),
                data,
                tag: this.tag.as_deref(),
                id,
                ip,
                user_agent,
                timestamp,
            },
        })
    }

    /// Validates the hit and sends it to `/api/send`.
    ///
    /// When tracking is disabled the inputs are still validated, nothing is sent, and the
    /// response says [`SendResponse::is_disabled`].
    ///
    /// # Errors
    /// [`Error::Validation`] before any I/O; [`Error::Status`] for a non-2xx answer;
    /// [`Error::BotFiltered`] when Umami's bot filter dropped the hit; [`Error::Transport`].
    pub async fn send(mut self) -> Result<SendResponse, Error> {
        let client = self.take_client()?;
        let view = self.check(client.config())?;
        if !client.is_enabled() {
            return Ok(SendResponse::disabled());
        }
        let body =
            serde_json::to_vec(&view).expect("a payload of strings and JSON values serializes");
        client.send_body(body, None).await
    }
}

/// The wire form of a hit, borrowed from its builder and client: what `send` serializes.
/// Must stay field for field the same as [`Envelope`]/[`Payload`] (a unit test checks).
#[derive(Serialize)]
struct HitView<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    payload: PayloadView<'a>,
}

#[derive(Serialize)]
struct PayloadView<'a> {
    website: &'a str,
    hostname: &'a str,
    language: &'a str,
    screen: &'a str,
    url: &'a str,
    referrer: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ip: Option<&'a str>,
    #[serde(rename = "userAgent", skip_serializing_if = "Option::is_none")]
    user_agent: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<u64>,
}

impl HitView<'_> {
    fn to_envelope(&self) -> Envelope {
        let p = &self.payload;
        let owned = |s: Option<&str>| s.map(str::to_owned);
        Envelope {
            kind: self.kind,
            payload: Payload {
                website: p.website.to_owned(),
                hostname: p.hostname.to_owned(),
                language: p.language.to_owned(),
                screen: p.screen.to_owned(),
                url: p.url.to_owned(),
                referrer: p.referrer.to_owned(),
                title: owned(p.title),
                name: owned(p.name),
                data: p.data.cloned(),
                tag: owned(p.tag),
                id: owned(p.id),
                ip: owned(p.ip),
                user_agent: owned(p.user_agent),
                timestamp: p.timestamp,
            },
        }
    }
}

impl NewEvent {
    pub(crate) fn new(client: Option<Client>, event_name: impl Into<String>) -> Self {
        let mut b = Self::blank(client);
        b.name = Some(event_name.into());
        b
    }

    /// Custom data: any value that serializes to a JSON object (a struct, a map,
    /// `serde_json::json!({...})`). Default `{}` (always sent). Nested objects are stored by
    /// Umami under dotted keys.
    pub fn custom_data(mut self, data: impl Serialize) -> Self {
        self.set_data(data);
        self
    }
}

impl NewRevenueEvent {
    pub(crate) fn new(client: Option<Client>, revenue: f64, currency: impl Into<String>) -> Self {
        let mut b = Self::blank(client);
        b.name = Some("revenue".to_owned());
        b.revenue = Some((revenue, currency.into()));
        b
    }

    /// The event name; default `revenue`.
    pub fn event_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Custom data, merged with `revenue` and `currency` (which win over same-named keys).
    pub fn custom_data(mut self, data: impl Serialize) -> Self {
        self.set_data(data);
        self
    }
}

impl NewPageView {
    pub(crate) fn new(
        client: Option<Client>,
        page_title: impl Into<String>,
        url: impl Into<String>,
    ) -> Self {
        let mut b = Self::blank(client);
        b.title = Some(page_title.into());
        b.url = Some(url.into());
        b
    }
}

impl Identify {
    pub(crate) fn new(client: Option<Client>, distinct_id: impl IntoDistinctId) -> Self {
        let mut b = Self::blank(client);
        b.distinct_id = Some(distinct_id.into_distinct_id());
        b
    }

    /// Session data to attach to the visitor: any value that serializes to a JSON object.
    pub fn data(mut self, data: impl Serialize) -> Self {
        self.set_data(data);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    const WEBSITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

    fn client() -> Client {
        Client::builder()
            .url_base("https://umami.example.com")
            .website_id(WEBSITE)
            .hostname("example.com")
            .build()
            .unwrap()
    }

    /// What `send` would put on the wire, through the borrowed view.
    fn sent_json<K: HitKind>(mut builder: HitBuilder<K>) -> Value {
        let client = builder.take_client().unwrap();
        let view = builder.check(client.config()).unwrap();
        serde_json::to_value(&view).unwrap()
    }

    #[test]
    fn borrowed_view_serializes_exactly_like_the_prepared_hit() {
        let c = client();
        let full = || {
            c.new_event("Purchase-Course")
                .website_id("0c1b6d3e-59a2-4f51-9a8e-3b7c1f2d4e5a")
                .hostname("shop.example.org")
                .url("/checkout")
                .title("Checkout")
                .referrer("/cart")
                .language("fr-FR")
                .screen("1280x720")
                .tag("spring")
                .distinct_id(42_u64)
                .ip_address(" 198.51.100.4 ")
                .user_agent("Mozilla/5.0 (Macintosh)")
                .timestamp(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
                .custom_data(json!({"plan": "pro"}))
        };
        assert_eq!(sent_json(full()), full().prepare().unwrap().to_json());
        assert_eq!(
            sent_json(c.new_event("Signup")),
            c.new_event("Signup").prepare().unwrap().to_json()
        );
        let page = || c.new_page_view("Home", "/");
        assert_eq!(sent_json(page()), page().prepare().unwrap().to_json());
        let revenue = || c.new_revenue_event(9.5, "EUR").custom_data(json!({"a": 1}));
        assert_eq!(sent_json(revenue()), revenue().prepare().unwrap().to_json());
        let identify = || c.identify("u-1").data(json!({"plan": "pro"}));
        assert_eq!(
            sent_json(identify()),
            identify().prepare().unwrap().to_json()
        );
    }

    #[test]
    fn prepared_hit_accessors() {
        let hit = client()
            .new_event("Signup")
            .distinct_id(" 7 ")
            .ip_address("::1")
            .prepare()
            .unwrap();
        assert_eq!(hit.kind(), "event");
        assert_eq!(hit.event_name(), Some("Signup"));
        assert_eq!(hit.website_id(), WEBSITE);
        assert_eq!(hit.distinct_id(), Some("7"));
        assert_eq!(hit.ip_address(), Some("::1"));
        assert_eq!(hit.data(), Some(&Map::new()));
        let identify = client().identify("u").prepare().unwrap();
        assert_eq!((identify.kind(), identify.event_name()), ("identify", None));
        assert_eq!(identify.data(), None);
    }

    #[test]
    fn page_views_carry_neither_name_nor_data() {
        let hit = client().new_page_view("Home", "/").prepare().unwrap();
        assert_eq!(hit.event_name(), None);
        assert_eq!(hit.data(), None);
        let json = hit.to_json();
        assert_eq!(json["payload"]["title"], "Home");
        assert!(json["payload"].get("name").is_none());
        assert!(json["payload"].get("data").is_none());
    }

    #[test]
    fn distinct_ids_from_text_are_trimmed_and_blank_ones_are_blank() {
        assert_eq!(DistinctId::from(" a ").as_str(), "a");
        assert_eq!(DistinctId::from(String::from("\tb\n")).as_str(), "b");
        assert_eq!(DistinctId::from(String::from("c")).as_str(), "c");
        assert_eq!(DistinctId::from(&String::from(" d")).as_str(), "d");
        assert!(DistinctId::from(" \r\n\t").is_blank());
        assert!(DistinctId::from(String::new()).is_blank());
        assert_eq!(" e ".into_distinct_id().to_string(), "e");
    }

    #[test]
    fn distinct_ids_from_integers_are_decimal_text() {
        assert_eq!(DistinctId::from(0_u8).as_str(), "0");
        assert_eq!(DistinctId::from(-1_i8).as_str(), "-1");
        assert_eq!(DistinctId::from(i64::MIN).as_str(), "-9223372036854775808");
        assert_eq!(
            DistinctId::from(u128::MAX).as_str(),
            "340282366920938463463374607431768211455"
        );
        assert_eq!(
            isize::MAX.into_distinct_id().as_str(),
            isize::MAX.to_string()
        );
    }

    #[test]
    fn null_custom_data_means_empty_data() {
        let hit = client()
            .new_event("Signup")
            .custom_data(Option::<Value>::None)
            .prepare()
            .unwrap();
        assert_eq!(hit.data(), Some(&Map::new()));
    }

    #[test]
    fn disabled_response_is_empty() {
        let resp = SendResponse::disabled();
        assert!(resp.is_disabled());
        assert_eq!(resp.json(), &json!({}));
        assert_eq!(
            (resp.cache(), resp.session_id(), resp.visit_id()),
            (None, None, None)
        );
    }
}
