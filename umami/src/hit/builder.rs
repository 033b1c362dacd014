//! The hit builders behind [`Client::new_event`], [`Client::new_page_view`],
//! [`Client::new_revenue_event`], [`Client::identify`] and [`Client::new_performance`].
//!
//! Every builder ends in `.send().await` (or `.prepare()` for later). Inputs are validated
//! before any I/O, with the server's own limits, so a mistake is a [`ValidationError`]
//! naming the field rather than a 400 from the server (or, worse, a silently truncated value).

use std::marker::PhantomData;
use std::time::SystemTime;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::client::{Client, Config};
use crate::error::{Error, ValidationError};
use crate::response::SendResponse;
use crate::text::json_kind;

use super::distinct_id::{DistinctId, IntoDistinctId};
use super::ip_address::IntoIpAddress;
use super::payload::{Envelope, HitFields, Vitals};
use super::prepared::{IntoPreparedHit, PreparedHit};

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
    /// A `performance` hit (Umami 3.1+): a page's web vitals, stored as event type 5.
    #[derive(Debug, Clone, Copy)]
    pub enum Performance {}
    /// An `identify` hit without a distinct id: session data for the visitor's own session
    /// (IP + User-Agent; recorded 087). The web layer's
    /// [`DistinctIdMode::SessionData`](crate::web::DistinctIdMode::SessionData).
    #[cfg(feature = "tower")]
    #[derive(Debug, Clone, Copy)]
    pub(crate) enum SessionData {}
}

/// Builder of a custom event: see [`Client::new_event`].
pub type NewEvent = HitBuilder<kind::Event>;
/// Builder of a page view: see [`Client::new_page_view`].
pub type NewPageView = HitBuilder<kind::PageView>;
/// Builder of a revenue event: see [`Client::new_revenue_event`].
pub type NewRevenueEvent = HitBuilder<kind::Revenue>;
/// Builder of an identify hit: see [`Client::identify`].
pub type Identify = HitBuilder<kind::Identify>;
/// Builder of a web-vitals hit: see [`Client::new_performance`].
pub type NewPerformance = HitBuilder<kind::Performance>;

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
/// client's defaults. A [`server_side`](Self::server_side) hit sends no `language` and
/// `screen` unless they are set: a server does not know them, and inventing them skews
/// Umami's reports.
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
    browser: Option<String>,
    os: Option<String>,
    device: Option<String>,
    server_side: bool,
    vitals: Vitals,
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
            browser: None,
            os: None,
            device: None,
            server_side: false,
            vitals: Vitals::default(),
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
    ///
    /// Umami derives the session from the distinct id when there is one, and from the
    /// visitor's IP and User-Agent otherwise: a hit with an id lands in another session than
    /// the same visitor's anonymous hits. Once a visitor's id is known, attach it to every
    /// hit of that visitor.
    pub fn distinct_id(mut self, id: impl IntoDistinctId) -> Self {
        self.distinct_id = Some(id.into_distinct_id());
        self
    }

    /// The visitor's real IP address (Umami v2.10+), useful from server-side handlers: an
    /// [`IpAddr`](std::net::IpAddr), a [`SocketAddr`](std::net::SocketAddr) (its IP only) or
    /// text. Sent only when non-blank; text must be an IPv4 or IPv6 address.
    pub fn ip_address(mut self, ip: impl IntoIpAddress) -> Self {
        self.ip_address = Some(ip.into_ip_address());
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

    /// The visitor's browser, e.g. `chrome` (Umami v3.0.2+; at most 20 characters): Umami
    /// records it instead of the one it would parse from the User-Agent.
    pub fn browser(mut self, browser: impl Into<String>) -> Self {
        self.browser = Some(browser.into());
        self
    }

    /// The visitor's operating system, e.g. `Mac OS` (Umami v3.0.2+; at most 20 characters),
    /// recorded instead of the one parsed from the User-Agent.
    pub fn os(mut self, os: impl Into<String>) -> Self {
        self.os = Some(os.into());
        self
    }

    /// The visitor's device type, e.g. `mobile`, `tablet`, `desktop`, `laptop` (Umami
    /// v3.0.2+; at most 20 characters), recorded instead of the one Umami derives from the
    /// User-Agent and the screen.
    pub fn device(mut self, device: impl Into<String>) -> Self {
        self.device = Some(device.into());
        self
    }

    /// Marks the hit as recorded by a server on a visitor's behalf: no `language` and no
    /// `screen` are sent unless set explicitly (the seed's `en-US` and `1920x1080` defaults
    /// would overwrite the visitor's language and make every visitor a laptop in Umami's
    /// reports).
    ///
    /// ```
    /// # fn demo(client: &umami::Client) -> Result<(), umami::Error> {
    /// let hit = client.new_event("Purchase").server_side().prepare()?;
    /// assert!(hit.to_json()["payload"].get("screen").is_none());
    /// # Ok(()) }
    /// ```
    pub fn server_side(mut self) -> Self {
        self.server_side = true;
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
    impl Sealed for super::kind::Performance {}
    #[cfg(feature = "tower")]
    impl Sealed for super::kind::SessionData {}
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
impl HitKind for kind::Performance {
    const TYPE: &'static str = "performance";
    const IS_EVENT: bool = false;
}
#[cfg(feature = "tower")]
impl HitKind for kind::SessionData {
    const TYPE: &'static str = "identify";
    const IS_EVENT: bool = false;
    const DATA_FIELD: &'static str = "data";
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
        let envelope = self.check(client.config())?;
        Ok(PreparedHit::new(envelope))
    }

    /// Validates every input and returns the wire form borrowing from the builder and the
    /// client's defaults, so that `send` serializes without copying a single string.
    fn check<'a>(&'a mut self, config: &'a Config) -> Result<Envelope<'a>, Error> {
        // The only mutation: give events their `{}` and merge revenue into the data. Done
        // first so that everything below can borrow; the revenue values are checked by the
        // constructor, in field order, and a bad one fails the whole hit anyway.
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
        Envelope::new::<K>(&this.fields(), config)
    }

    /// The builder's inputs, borrowed, as the wire form's constructor takes them.
    fn fields(&self) -> HitFields<'_> {
        HitFields {
            website_id: self.website_id.as_deref(),
            hostname: self.hostname.as_deref(),
            url: self.url.as_deref(),
            title: self.title.as_deref(),
            referrer: self.referrer.as_deref(),
            language: self.language.as_deref(),
            screen: self.screen.as_deref(),
            name: self.name.as_deref(),
            data: match &self.data {
                Data::Unset => None,
                Data::Object(map) => Some(Ok(map)),
                Data::Invalid(error) => Some(Err(error)),
            },
            revenue: self
                .revenue
                .as_ref()
                .map(|(revenue, currency)| (*revenue, currency.as_str())),
            tag: self.tag.as_deref(),
            distinct_id: self.distinct_id.as_ref(),
            ip_address: self.ip_address.as_deref(),
            user_agent: self.user_agent.as_deref(),
            timestamp: self.timestamp,
            browser: self.browser.as_deref(),
            os: self.os.as_deref(),
            device: self.device.as_deref(),
            server_side: self.server_side,
            vitals: self.vitals,
        }
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
        let envelope = self.check(client.config())?;
        if !client.is_enabled() {
            return Ok(SendResponse::disabled());
        }
        client.post_send(envelope.to_bytes().into(), None).await
    }
}

impl Client {
    /// A custom event named `event_name` (e.g. `"Purchase-Course"`): at most 50 chars, not
    /// blank, no leading `=`, `+`, `-`, `@`.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client
    ///     .new_event("Purchase-Course")
    ///     .url("/checkout")
    ///     .custom_data(serde_json::json!({"plan": "pro"}))
    ///     .distinct_id(42_u64)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn new_event(&self, event_name: impl Into<String>) -> NewEvent {
        NewEvent::new(Some(self.clone()), event_name)
    }

    /// A page view of `url` titled `page_title` (no `name`, no `data` on the wire).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.new_page_view("Checkout", "/checkout").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn new_page_view(
        &self,
        page_title: impl Into<String>,
        url: impl Into<String>,
    ) -> NewPageView {
        NewPageView::new(Some(self.clone()), page_title, url)
    }

    /// A revenue event: `revenue` (finite, ≥ 0) and `currency` (e.g. `"USD"`) are merged into
    /// the custom data, where Umami's revenue reports read them. Event name `revenue` unless
    /// [`event_name`](NewRevenueEvent::event_name) says otherwise.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.new_revenue_event(19.99, "USD").event_name("checkout").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn new_revenue_event(&self, revenue: f64, currency: impl Into<String>) -> NewRevenueEvent {
        NewRevenueEvent::new(Some(self.clone()), revenue, currency)
    }

    /// An `identify` hit: ties the visitor's session to `distinct_id` and stores session data.
    /// A blank id makes `send` fail with [`Error::Validation`] (there would be nothing to tie).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.identify("user-42").data(serde_json::json!({"plan": "pro"})).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn identify(&self, distinct_id: impl IntoDistinctId) -> Identify {
        Identify::new(Some(self.clone()), distinct_id)
    }

    /// Builds a `performance` hit (Umami 3.1+): the web vitals of the page at `url`, stored
    /// by Umami as event type 5 and shown in its performance report.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client
    ///     .new_performance("/pricing")
    ///     .lcp(1850.4)
    ///     .inp(96.0)
    ///     .cls(0.02)
    ///     .fcp(820.1)
    ///     .ttfb(180.3)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn new_performance(&self, url: impl Into<String>) -> NewPerformance {
        NewPerformance::new(Some(self.clone()), url)
    }
}

impl<K: HitKind> IntoPreparedHit for HitBuilder<K> {
    fn into_prepared_hit(self) -> Result<PreparedHit, Error> {
        self.prepare()
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

impl NewPerformance {
    pub(crate) fn new(client: Option<Client>, url: impl Into<String>) -> Self {
        let mut b = Self::blank(client);
        b.url = Some(url.into());
        b
    }

    /// Largest Contentful Paint, in milliseconds (0 to 60,000).
    pub fn lcp(mut self, ms: f64) -> Self {
        self.vitals.lcp = Some(ms);
        self
    }

    /// Interaction to Next Paint, in milliseconds (0 to 60,000).
    pub fn inp(mut self, ms: f64) -> Self {
        self.vitals.inp = Some(ms);
        self
    }

    /// First Contentful Paint, in milliseconds (0 to 60,000).
    pub fn fcp(mut self, ms: f64) -> Self {
        self.vitals.fcp = Some(ms);
        self
    }

    /// Time to First Byte, in milliseconds (0 to 60,000).
    pub fn ttfb(mut self, ms: f64) -> Self {
        self.vitals.ttfb = Some(ms);
        self
    }

    /// Cumulative Layout Shift, unitless (0 to 100).
    pub fn cls(mut self, score: f64) -> Self {
        self.vitals.cls = Some(score);
        self
    }
}

#[cfg(feature = "tower")]
impl HitBuilder<kind::SessionData> {
    /// An identify hit that carries `data` and no distinct id.
    pub(crate) fn session_data(client: Option<Client>, data: Map<String, Value>) -> Self {
        let mut b = Self::blank(client);
        b.set_data_map(data);
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
    use std::time::{Duration, UNIX_EPOCH};

    const WEBSITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

    fn client() -> Client {
        Client::builder()
            .url_base("https://umami.example.com")
            .website_id(WEBSITE)
            .hostname("example.com")
            .build()
            .unwrap()
    }

    /// What `send` would put on the wire, through the borrowed envelope, checked against the
    /// bytes a prepared hit keeps.
    fn sent_json<K: HitKind + Clone>(mut builder: HitBuilder<K>) -> Value {
        let again = builder.clone();
        let client = builder.take_client().unwrap();
        let view = builder.check(client.config()).unwrap();
        assert_eq!(
            again.prepare().unwrap().body(),
            &*serde_json::to_vec(&view).unwrap(),
            "a prepared hit keeps the bytes send would post"
        );
        serde_json::to_value(&view).unwrap()
    }

    #[test]
    fn borrowed_and_owned_envelopes_serialize_the_same() {
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
    fn null_custom_data_means_empty_data() {
        let hit = client()
            .new_event("Signup")
            .custom_data(Option::<Value>::None)
            .prepare()
            .unwrap();
        assert_eq!(hit.data(), Some(&Map::new()));
    }
}
