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

use crate::client::Client;
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
                "custom_data",
                format!("must serialize to a JSON object, got {}", json_kind(&other)),
            )),
            Err(e) => Data::Invalid(ValidationError::new(
                "custom_data",
                format!("could not be serialized: {e}"),
            )),
        };
    }

    /// Sets the custom data from an already built JSON object, with no second serialization.
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

fn json_kind(value: &Value) -> &'static str {
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
}

impl<K: HitKind> HitBuilder<K> {
    /// Validates every input, as the server would, and returns the hit ready to send. No I/O.
    ///
    /// # Errors
    /// [`Error::OperationNotAllowed`] when no server is configured; [`Error::Validation`]
    /// naming the first bad field.
    pub fn prepare(mut self) -> Result<PreparedHit, Error> {
        let client = self.take_client()?;
        self.prepare_for(&client)
    }

    fn prepare_for(self, client: &Client) -> Result<PreparedHit, Error> {
        let config = client.config();

        let website = match self.website_id.or_else(|| config.website_id.clone()) {
            Some(id) => id,
            None => {
                return Err(ValidationError::new(
                    "website_id",
                    "is required: pass it here or set a default with website_id() on the client \
                     builder (or umami::set_website_id())",
                )
                .into());
            }
        };
        validate::uuid("website_id", &website)?;

        let hostname = match self.hostname.or_else(|| config.hostname.clone()) {
            Some(h) => h,
            None => {
                return Err(ValidationError::new(
                    "hostname",
                    "is required: pass it here or set a default with hostname() on the client \
                     builder (or umami::set_hostname())",
                )
                .into());
            }
        };
        validate::not_blank("hostname", &hostname)?;
        validate::max_chars("hostname", &hostname, validate::MAX_HOSTNAME)?;

        if let Some(name) = &self.name {
            validate::event_name("event_name", name, validate::MAX_NAME)?;
        }

        let url = self.url.unwrap_or_else(|| "/".to_owned());
        validate::url_or_path("url", &url)?;
        let referrer = self.referrer.unwrap_or_default();
        validate::url_or_path("referrer", &referrer)?;
        let language = self.language.unwrap_or_else(|| "en-US".to_owned());
        validate::max_chars("language", &language, validate::MAX_LANGUAGE)?;
        let screen = self.screen.unwrap_or_else(|| "1920x1080".to_owned());
        validate::max_chars("screen", &screen, validate::MAX_SCREEN)?;

        if let Some(tag) = &self.tag {
            validate::event_name("tag", tag, validate::MAX_TAG)?;
        }

        let id = match self.distinct_id {
            Some(id) if !id.is_blank() => {
                validate::max_chars("distinct_id", id.as_str(), validate::MAX_DISTINCT_ID)?;
                Some(id.0)
            }
            _ => None,
        };

        let ip = match self.ip_address {
            Some(ip) if !ip.trim().is_empty() => {
                let ip = ip.trim().to_owned();
                validate::ip_address("ip_address", &ip)?;
                Some(ip)
            }
            _ => None,
        };

        let user_agent = self.user_agent.filter(|ua| !ua.trim().is_empty());

        let timestamp = match self.timestamp {
            Some(at) => Some(
                at.duration_since(UNIX_EPOCH)
                    .map_err(|_| {
                        ValidationError::new("timestamp", "is before 1970-01-01 (Unix epoch)")
                    })?
                    .as_secs(),
            ),
            None => None,
        };

        let mut data = match self.data {
            Data::Unset => None,
            Data::Object(map) => Some(map),
            Data::Invalid(e) => return Err(e.into()),
        };
        if let Some((revenue, currency)) = self.revenue {
            if !revenue.is_finite() || revenue < 0.0 {
                return Err(ValidationError::new(
                    "revenue",
                    format!("{revenue} is not a finite number >= 0"),
                )
                .into());
            }
            validate::not_blank("currency", &currency)?;
            let map = data.get_or_insert_with(Map::new);
            map.insert("revenue".to_owned(), Value::from(revenue));
            map.insert("currency".to_owned(), Value::from(currency.trim()));
        }
        if K::IS_EVENT && data.is_none() {
            data = Some(Map::new());
        }
        if let Some(map) = &data {
            validate::custom_data(K::DATA_FIELD, map)?;
        }

        let title = self.title.or_else(|| self.name.clone());
        Ok(PreparedHit {
            envelope: Envelope {
                kind: K::TYPE,
                payload: Payload {
                    website,
                    hostname,
                    language,
                    screen,
                    url,
                    referrer,
                    title,
                    name: self.name,
                    data,
                    tag: self.tag,
                    id,
                    ip,
                    user_agent,
                    timestamp,
                },
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
        let hit = self.prepare_for(&client)?;
        client.send_hit(&hit).await
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
