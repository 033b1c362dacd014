//! What the collector keeps: each stored [`Hit`] and each [`ReceivedRequest`].

use std::time::SystemTime;

use serde_json::{Map, Value};

use super::server::parse_json;

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
