//! What the collector keeps: each stored [`Hit`] and each [`ReceivedRequest`].

use std::time::SystemTime;

use serde_json::{Map, Value};

use super::http::parse_json;

/// Request headers as received: lower-case names, in arrival order.
pub(super) type Headers = Vec<(String, String)>;

pub(super) fn find_header<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// One hit the collector stored (what Umami would have written to its database).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub(super) event_id: String,
    pub(super) method: String,
    pub(super) path: String,
    pub(super) batch_index: Option<usize>,
    pub(super) headers: Headers,
    pub(super) body: Value,
    pub(super) session_id: String,
    pub(super) visit_id: String,
    pub(super) user_agent: String,
    pub(super) ip: String,
    pub(super) created_at: SystemTime,
    pub(super) received_at: SystemTime,
    /// `false` when the data insert failed (a column overflowed) after the event was stored.
    pub(super) data_stored: bool,
}

impl Hit {
    /// The id of the stored row: the `id` of the events list and the `eventId` of
    /// `/api/websites/{id}/event-data/{eventId}` (a UUID, unique per collector).
    pub fn event_id(&self) -> &str {
        &self.event_id
    }

    /// The HTTP method: always `POST`.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path it came in on: `/api/send`, or `/api/batch` for a batch item.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The item's position in its `/api/batch` request; `None` for `/api/send`.
    pub fn batch_index(&self) -> Option<usize> {
        self.batch_index
    }

    /// The request headers (lower-case names, in arrival order). For a batch item, the
    /// headers of the batch request.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first value of a request header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The `User-Agent` request header.
    pub fn user_agent_header(&self) -> Option<&str> {
        self.header("user-agent")
    }

    /// The `x-umami-cache` request header: the cache token the client echoed.
    pub fn cache_header(&self) -> Option<&str> {
        self.header("x-umami-cache")
    }

    /// The hit's JSON exactly as received: `{"type": ..., "payload": {...}}` (for a batch
    /// item, that item).
    pub fn body(&self) -> &Value {
        &self.body
    }

    /// The hit's `type`: `event`, `identify` or `performance`.
    pub fn kind(&self) -> &str {
        self.body["type"].as_str().unwrap_or_default()
    }

    /// The payload as received (unknown keys included, though Umami ignores them).
    pub fn payload(&self) -> &Map<String, Value> {
        // Stored hits passed the schema, so the payload is an object.
        static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);
        self.body["payload"].as_object().unwrap_or(&EMPTY)
    }

    fn text(&self, key: &str) -> Option<&str> {
        self.payload().get(key).and_then(Value::as_str)
    }

    /// `payload.website`.
    pub fn website_id(&self) -> Option<&str> {
        self.text("website")
    }

    /// `payload.name`: the custom event's name.
    pub fn event_name(&self) -> Option<&str> {
        self.text("name")
    }

    /// A page view: an `event` without a name.
    pub fn is_page_view(&self) -> bool {
        self.kind() == "event" && self.event_name().is_none_or(str::is_empty)
    }

    /// A custom event: an `event` with a name.
    pub fn is_custom_event(&self) -> bool {
        self.kind() == "event" && !self.is_page_view()
    }

    /// `payload.url`.
    pub fn url(&self) -> Option<&str> {
        self.text("url")
    }

    /// `payload.hostname`.
    pub fn hostname(&self) -> Option<&str> {
        self.text("hostname")
    }

    /// `payload.title`.
    pub fn title(&self) -> Option<&str> {
        self.text("title")
    }

    /// `payload.referrer`.
    pub fn referrer(&self) -> Option<&str> {
        self.text("referrer")
    }

    /// `payload.tag`.
    pub fn tag(&self) -> Option<&str> {
        self.text("tag")
    }

    /// `payload.data`: custom data of events, session data of identify hits.
    pub fn data(&self) -> Option<&Map<String, Value>> {
        self.payload().get("data").and_then(Value::as_object)
    }

    /// `payload.id`: the distinct id.
    pub fn distinct_id(&self) -> Option<&str> {
        self.text("id")
    }

    /// `payload.link`: the link id, for hits of a tracked link (instead of `website`).
    pub fn link_id(&self) -> Option<&str> {
        self.text("link")
    }

    /// `payload.pixel`: the pixel id, for hits of a tracking pixel (instead of `website`).
    pub fn pixel_id(&self) -> Option<&str> {
        self.text("pixel")
    }

    /// `payload.language`, e.g. `en-US`.
    pub fn language(&self) -> Option<&str> {
        self.text("language")
    }

    /// `payload.screen`, e.g. `1920x1080`.
    pub fn screen(&self) -> Option<&str> {
        self.text("screen")
    }

    /// `payload.ip` as sent (see [`ip`](Self::ip) for the IP Umami reads).
    pub fn payload_ip(&self) -> Option<&str> {
        self.text("ip")
    }

    /// `payload.userAgent` as sent (see [`user_agent`](Self::user_agent) for the one Umami
    /// reads).
    pub fn payload_user_agent(&self) -> Option<&str> {
        self.text("userAgent")
    }

    /// `payload.timestamp` as sent: a number, or a string Umami coerces (see
    /// [`created_at`](Self::created_at) for the time stored).
    pub fn timestamp(&self) -> Option<&Value> {
        self.payload().get("timestamp")
    }

    /// `payload.browser`: the browser override (v3.0.2+), stored on the session instead of
    /// the one parsed from the User-Agent.
    pub fn browser(&self) -> Option<&str> {
        self.text("browser")
    }

    /// `payload.os`: the operating-system override (v3.0.2+); see [`browser`](Self::browser).
    pub fn os(&self) -> Option<&str> {
        self.text("os")
    }

    /// `payload.device`: the device override (v3.0.2+); see [`browser`](Self::browser).
    pub fn device(&self) -> Option<&str> {
        self.text("device")
    }

    fn number(&self, key: &str) -> Option<f64> {
        self.payload().get(key).and_then(Value::as_f64)
    }

    /// `payload.lcp`: Largest Contentful Paint in milliseconds (`performance` hits).
    pub fn lcp(&self) -> Option<f64> {
        self.number("lcp")
    }

    /// `payload.inp`: Interaction to Next Paint in milliseconds (`performance` hits).
    pub fn inp(&self) -> Option<f64> {
        self.number("inp")
    }

    /// `payload.fcp`: First Contentful Paint in milliseconds (`performance` hits).
    pub fn fcp(&self) -> Option<f64> {
        self.number("fcp")
    }

    /// `payload.ttfb`: Time to First Byte in milliseconds (`performance` hits).
    pub fn ttfb(&self) -> Option<f64> {
        self.number("ttfb")
    }

    /// `payload.cls`: Cumulative Layout Shift, unitless (`performance` hits).
    pub fn cls(&self) -> Option<f64> {
        self.number("cls")
    }

    /// A `performance` hit (web vitals).
    pub fn is_performance(&self) -> bool {
        self.kind() == "performance"
    }

    /// The `event_type` of the `website_event` row Umami writes: 1 page view, 2 custom
    /// event, 3 link hit, 4 pixel hit, 5 performance; `None` for `identify` (which writes
    /// session data, no event).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let collector = umami_test::Collector::start().await?;
    /// let client = collector
    ///     .client_builder()
    ///     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
    ///     .hostname("example.com")
    ///     .build()?;
    /// client.new_event("Signup").send().await?;
    /// assert_eq!(collector.hits()[0].event_type(), Some(2));
    /// # Ok(()) }
    /// ```
    pub fn event_type(&self) -> Option<u8> {
        match self.kind() {
            "performance" => Some(5),
            "event" if self.link_id().is_some_and(|l| !l.is_empty()) => Some(3),
            "event" if self.pixel_id().is_some_and(|p| !p.is_empty()) => Some(4),
            "event" if self.is_page_view() => Some(1),
            "event" => Some(2),
            _ => None,
        }
    }

    /// Whether the hit's custom data (or an identify hit's session data) was stored. `false`
    /// when a value overflowed its column (a string over 500 characters, a number beyond
    /// DECIMAL(19,4)): Umami 3.1.0 then stores the event without its data and answers 500.
    pub fn data_stored(&self) -> bool {
        self.data_stored
    }

    /// The custom data as stored: [`data`](Self::data), unless [`data_stored`](Self::data_stored)
    /// is `false`.
    pub fn stored_data(&self) -> Option<&Map<String, Value>> {
        self.data().filter(|_| self.data_stored)
    }

    /// The session id the collector answered: derived from the website and the distinct id
    /// when one was sent, else from the website, the IP and the User-Agent.
    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    /// The visit id the collector answered.
    pub fn visit_id(&self) -> &str {
        &self.visit_id
    }

    /// The User-Agent Umami reads: `payload.userAgent` when set, else the header (may be
    /// empty).
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// The visitor IP Umami reads: `payload.ip` when set, else `X-Forwarded-For` or
    /// `X-Real-IP` (may be empty).
    pub fn ip(&self) -> &str {
        &self.ip
    }

    /// When the hit happened: `payload.timestamp` (Unix seconds) when sent, else the time
    /// it arrived.
    pub fn created_at(&self) -> SystemTime {
        self.created_at
    }

    /// When the hit arrived.
    pub fn received_at(&self) -> SystemTime {
        self.received_at
    }
}

/// One HTTP request the collector received, whatever it answered.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedRequest {
    pub(super) method: String,
    pub(super) path: String,
    pub(super) query: Option<String>,
    pub(super) headers: Headers,
    pub(super) body: Vec<u8>,
    pub(super) status: u16,
    pub(super) response: String,
}

impl ReceivedRequest {
    /// The HTTP method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path, e.g. `/api/send`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query string, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The request headers (lower-case names, in arrival order).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The first value of a request header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The `User-Agent` header.
    pub fn user_agent(&self) -> Option<&str> {
        self.header("user-agent")
    }

    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<Value> {
        parse_json(&self.body)
    }

    /// The status the collector answered.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The body the collector answered (may be empty).
    pub fn response_body(&self) -> &str {
        &self.response
    }

    /// The answer parsed as JSON, if it is JSON.
    pub fn response_json(&self) -> Option<Value> {
        serde_json::from_str(&self.response).ok()
    }
}
