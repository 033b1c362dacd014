//! An in-process, Umami-compatible collector for your own tests (feature `testing`).
//!
//! [`Collector`] listens on `127.0.0.1` (a random port), speaks the wire protocol of
//! `/api/send` and `/api/batch`, validates every hit with the rules of Umami 3.1's schema and
//! answers exactly as a real Umami 3.1 does: the same statuses, the same JSON bodies, the same
//! field-level error texts, `{"beep":"boop"}` for the same bot User-Agents. What it stored
//! (and every request it saw) can be read back with [`Collector::hits`] and
//! [`Collector::requests`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use umami::testing::Collector;
//!
//! let collector = Collector::start().await?;
//! let client = umami::Client::builder()
//!     .url_base(collector.url())
//!     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
//!     .hostname("example.com")
//!     .build()?;
//!
//! client.new_event("Signup").url("/welcome").distinct_id(42).send().await?;
//!
//! let hits = collector.hits();
//! assert_eq!(hits.len(), 1);
//! assert_eq!(hits[0].event_name(), Some("Signup"));
//! assert_eq!(hits[0].url(), Some("/welcome"));
//! assert_eq!(hits[0].distinct_id(), Some("42"));
//! assert_eq!(hits[0].user_agent_header(), Some(umami::DEFAULT_USER_AGENT));
//! # Ok(()) }
//! ```
//!
//! What it answers (as observed on Umami 3.1.0):
//!
//! | request | answer |
//! |---|---|
//! | valid hit | `200 {"cache":"<JWT>","sessionId":"<uuid>","visitId":"<uuid>"}`, stored |
//! | invalid hit | `400 {"error":{"message":"Bad request","code":"bad-request","status":400,"errors":[],"properties":{"payload":{...}}}}` |
//! | body that is not JSON | `400`, `"errors":["Invalid input: expected object, received undefined"]` |
//! | unknown website (see [`CollectorBuilder::website`]) | `400 {"error":{"message":"Website not found.","code":"bad-request","status":400}}` |
//! | bot User-Agent (header or `payload.userAgent`) | `200 {"beep":"boop"}`, nothing stored |
//! | IP in the ignore list ([`CollectorBuilder::ignore_ip`]) | `403 {"error":{"message":"Forbidden","code":"forbidden","status":403}}` |
//! | `POST /api/batch` with an array | `200 {"size","processed","errors","details":[{"index","response"}],"cache"}` |
//! | any other method on `/api/send` or `/api/batch` | `405`, empty body |
//! | `GET /api/heartbeat` | `200 {"ok":true}` |
//!
//! It also serves the read-back part of the management API, from what it stored, so a test
//! can read hits back over HTTP as it would from a real Umami (log in first; every read needs
//! `Authorization: Bearer <token>`, else `401`; `startAt`/`endAt` are epoch milliseconds and
//! required where listed, else `400`):
//!
//! | request | answer |
//! |---|---|
//! | `POST /api/auth/login` `{"username","password"}` ([`CollectorBuilder::credentials`]) | `{"token","user":{"id","username","role","createdAt","isAdmin"}}`; `401` for other credentials |
//! | `POST /api/auth/verify` | the user object |
//! | `GET /api/websites/{id}/events?startAt&endAt[&page&pageSize&search]` | `{"data":[{id, websiteId, sessionId, createdAt, hostname, urlPath, urlQuery, referrerPath, referrerQuery, referrerDomain, pageTitle, eventType, eventName, hasData, ...}],"count","page","pageSize"}`, newest first; `eventType` 1 page view, 2 custom event |
//! | `GET /api/websites/{id}/metrics?type=event&startAt&endAt` | `[{"x":"<event name>","y":<count>}]` |
//! | `GET /api/websites/{id}/stats?startAt&endAt` | `{"pageviews","visitors","visits","bounces","totaltime","comparison":{...}}` |
//! | `GET /api/websites/{id}/event-data/properties?startAt&endAt` | `[{"eventName","propertyName","total"}]` |
//! | `GET /api/websites/{id}/event-data/values?startAt&endAt&event&propertyName` | `[{"value","total"}]` |
//! | `GET /api/websites/{id}/event-data/{eventId}` | `[{dataKey, dataType, stringValue, numberValue, dateValue, ...}]` |
//! | `GET /api/websites/{id}/sessions/{sessionId}` | `{id, distinctId, screen, language, firstAt, lastAt, visits, views, events, totaltime, ...}` (`{}` without events) |
//! | `GET /api/websites/{id}/sessions/{sessionId}/properties` | the session data of `identify` hits: `[{dataKey, dataType, stringValue, numberValue, ...}]` |
//!
//! Custom data is stored as Umami stores it: nested objects flattened into dotted keys, each
//! value typed (`dataType` 1 string, 2 number, 3 boolean, 4 date, 5 array as JSON text),
//! numbers with 4 decimals. Filters `path`, `hostname`, `title`, `event` and `tag` (plain
//! value, or `eq.`/`neq.`/`c.`/`dnc.` before it) narrow events, metrics and stats. Browser,
//! OS, device and location are not derived (always `null`).
//!
//! Session ids are deterministic: derived from the website and the distinct id (`id`) when
//! one is sent, else from the website, the IP and the User-Agent, so a test can check that
//! two hits landed in the same session.

mod api;
pub mod bot;
mod rules;
mod store;

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde_json::{Map, Value};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};
use uuid::Uuid;

use rules::{ErrorTree, ValidSend};

/// The username a collector's `POST /api/auth/login` accepts by default (a fresh Umami's).
pub const DEFAULT_USERNAME: &str = "admin";

/// The password a collector's `POST /api/auth/login` accepts by default (a fresh Umami's).
pub const DEFAULT_PASSWORD: &str = "umami";

/// How many items one `/api/batch` request may carry, as the protocol documents.
pub const MAX_BATCH_ITEMS: usize = 500;

/// Fixed, so that session ids are the same from one test run to the next.
const SESSION_NAMESPACE: Uuid = Uuid::from_u128(0x5f2c_1a7e_0b39_4c8e_9d61_3e0a_7b42_c915);

/// A visit carried by a cache token ends 30 minutes after the token's visit began, as in
/// Umami (the token keeps its first `iat`).
const VISIT_MAX_SECS: u64 = 30 * 60;

/// Request headers as received: lower-case names, in arrival order.
type Headers = Vec<(String, String)>;

fn find_header<'a>(headers: &'a Headers, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Options of a [`Collector`]; every setter documents its default.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let collector = umami::testing::Collector::builder()
///     .website("978435e2-7ba1-4337-9860-ec31ece2db60")
///     .without_batch()
///     .start()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `.start().await`"]
pub struct CollectorBuilder {
    websites: Option<HashSet<String>>,
    batch: bool,
    max_batch_items: Option<usize>,
    bot_check: bool,
    ignored_ips: HashSet<String>,
    username: String,
    password: crate::secret::Secret,
}

impl Default for CollectorBuilder {
    fn default() -> Self {
        CollectorBuilder {
            websites: None,
            batch: true,
            max_batch_items: Some(MAX_BATCH_ITEMS),
            bot_check: true,
            ignored_ips: HashSet::new(),
            username: DEFAULT_USERNAME.to_owned(),
            password: crate::secret::Secret::new(DEFAULT_PASSWORD),
        }
    }
}

impl CollectorBuilder {
    /// Adds a known website. Default: none set, and every website id that is a valid UUID is
    /// accepted. Once one is set, hits for any other (valid) id are answered
    /// `400 {"error":{"message":"Website not found.",...}}`, as Umami does.
    pub fn website(mut self, website_id: impl Into<String>) -> Self {
        self.websites
            .get_or_insert_with(HashSet::new)
            .insert(website_id.into().to_ascii_lowercase());
        self
    }

    /// Adds several known websites; see [`website`](Self::website).
    pub fn websites<I, S>(mut self, website_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for id in website_ids {
            self = self.website(id);
        }
        self
    }

    /// Emulates a server older than v2.18, which has no `/api/batch`: it answers 404.
    /// Default: `/api/batch` is served.
    pub fn without_batch(mut self) -> Self {
        self.batch = false;
        self
    }

    /// The most items one `/api/batch` request may carry; longer arrays are answered with a
    /// 400 in zod's words. Default [`MAX_BATCH_ITEMS`] (500).
    pub fn max_batch_items(mut self, max: usize) -> Self {
        self.max_batch_items = Some(max);
        self
    }

    /// Whether bot User-Agents are answered `{"beep":"boop"}` and dropped. Default `true`;
    /// `false` is Umami's `DISABLE_BOT_CHECK`.
    pub fn bot_check(mut self, enabled: bool) -> Self {
        self.bot_check = enabled;
        self
    }

    /// Answers hits from this IP (`payload.ip`, else `X-Forwarded-For`/`X-Real-IP`) with 403,
    /// as Umami's `IGNORE_IP` does. Default: no IP is ignored.
    pub fn ignore_ip(mut self, ip: impl Into<String>) -> Self {
        self.ignored_ips.insert(ip.into());
        self
    }

    /// The account `POST /api/auth/login` accepts; any other answers 401. Default
    /// [`DEFAULT_USERNAME`] / [`DEFAULT_PASSWORD`] (a fresh Umami's `admin` / `umami`).
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.username = username.into();
        self.password = crate::secret::Secret::new(password);
        self
    }

    /// Binds `127.0.0.1` on a random port and serves on the current tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub async fn start(self) -> std::io::Result<Collector> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (stored, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            options: self,
            state: Mutex::new(State::default()),
            stored,
            token_key: random_uuid(),
            started_at: SystemTime::now(),
        });
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, Arc::clone(&shared), stopped));
        Ok(Collector {
            shared,
            url: format!("http://{addr}"),
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// An Umami-compatible collector listening on `127.0.0.1`; see the [module docs](self).
///
/// It serves on the tokio runtime that started it, and stops when dropped (or on
/// [`shutdown`](Self::shutdown)). A `#[tokio::test]` (current-thread) runtime is enough for
/// async clients: the server runs whenever the test awaits. To test blocking code, start it
/// on a multi-thread runtime that stays alive while the blocking calls run
/// (`runtime.block_on(Collector::start())`): its worker threads serve the requests.
pub struct Collector {
    shared: Arc<Shared>,
    url: String,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Collector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("Collector")
            .field("url", &self.url)
            .field("options", &self.shared.options)
            .field("hits", &state.hits.len())
            .field("requests", &state.requests.len())
            .finish()
    }
}

impl Collector {
    /// Starts a collector with the default options (any website, batch on, bot check on).
    ///
    /// # Errors
    /// When the port cannot be bound.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    pub async fn start() -> std::io::Result<Collector> {
        CollectorBuilder::default().start().await
    }

    /// A builder for a collector with options.
    pub fn builder() -> CollectorBuilder {
        CollectorBuilder::default()
    }

    /// The base URL to give [`ClientBuilder::url_base`](crate::ClientBuilder::url_base),
    /// e.g. `http://127.0.0.1:41234` (no trailing slash, no `/api`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The address the collector listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A client builder already pointed at this collector.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        crate::Client::builder().url_base(self.url.clone())
    }

    /// Every stored hit, in arrival order (batch items in their order). Rejected hits and
    /// hits dropped by the bot filter are not here; see [`requests`](Self::requests).
    pub fn hits(&self) -> Vec<Hit> {
        self.shared.lock().hits.clone()
    }

    /// Every HTTP request received, rejected ones included, with the answer given.
    pub fn requests(&self) -> Vec<ReceivedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Waits until at least `n` hits are stored, and returns all of them.
    ///
    /// # Errors
    /// [`WaitTimeout`], carrying the hits stored so far, when `timeout` passes first.
    pub async fn wait_for_hits(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<Hit>, WaitTimeout> {
        let mut stored = self.shared.stored.subscribe();
        let reached = tokio::time::timeout(timeout, stored.wait_for(|count| *count >= n)).await;
        let hits = self.hits();
        match reached {
            Ok(Ok(_)) => Ok(hits),
            _ => Err(WaitTimeout {
                wanted: n,
                timeout,
                hits,
            }),
        }
    }

    /// Answers the next `count` POSTs to `/api/send` and `/api/batch` with `status`, storing
    /// nothing, then behaves normally again: for retry tests. A 500 carries Umami's body
    /// (`{"error":{"message":"Server error","code":"server-error","status":500}}`), any other
    /// status an empty body (as a proxy in front of Umami would answer, e.g. 502 or 503).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let collector = umami::testing::Collector::start().await?;
    /// collector.fail_next(1, 503);
    /// let client = collector
    ///     .client_builder()
    ///     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
    ///     .hostname("example.com")
    ///     .build()?;
    /// let err = client.new_event("Signup").send().await.unwrap_err();
    /// assert_eq!(err.status(), Some(503));
    /// client.new_event("Signup").send().await?;
    /// assert_eq!(collector.hits().len(), 1);
    /// # Ok(()) }
    /// ```
    pub fn fail_next(&self, count: usize, status: u16) {
        self.shared.lock().failures = (count > 0).then_some((count, status));
    }

    /// Delays every answer by `delay` (`Duration::ZERO`, the default, for none): for
    /// timeout tests. The hit is processed after the delay.
    pub fn set_delay(&self, delay: Duration) {
        self.shared.lock().delay = delay;
    }

    /// Forgets every hit and request received so far.
    pub fn clear(&self) {
        let mut state = self.shared.lock();
        state.hits.clear();
        state.requests.clear();
        self.shared.stored.send_replace(0);
    }

    /// Stops listening and waits for the server task to end. Dropping the collector also
    /// stops it, without waiting.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// [`Collector::wait_for_hits`] timed out.
#[derive(Debug, Clone)]
pub struct WaitTimeout {
    wanted: usize,
    timeout: Duration,
    hits: Vec<Hit>,
}

impl WaitTimeout {
    /// The hits stored when the time ran out.
    pub fn hits(&self) -> &[Hit] {
        &self.hits
    }
}

impl fmt::Display for WaitTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "waited {:?} for {} hits, the collector stored {}",
            self.timeout,
            self.wanted,
            self.hits.len()
        )
    }
}

impl std::error::Error for WaitTimeout {}

/// One hit the collector stored (what Umami would have written to its database).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    event_id: String,
    method: String,
    path: String,
    batch_index: Option<usize>,
    headers: Headers,
    body: Value,
    session_id: String,
    visit_id: String,
    user_agent: String,
    ip: String,
    created_at: SystemTime,
    received_at: SystemTime,
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
    method: String,
    path: String,
    query: Option<String>,
    headers: Headers,
    body: Vec<u8>,
    status: u16,
    response: String,
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

#[derive(Default)]
struct State {
    hits: Vec<Hit>,
    requests: Vec<ReceivedRequest>,
    /// Every cache token handed out; a token not in here is ignored, as Umami ignores a
    /// token it cannot verify.
    tokens: HashMap<String, CacheClaims>,
    /// Injected faults: the next `n` POSTs to the collection endpoints get this status.
    failures: Option<(usize, u16)>,
    /// Injected latency before every answer.
    delay: Duration,
    /// Bearer tokens handed out by `POST /api/auth/login`.
    auth_tokens: HashSet<String>,
    /// Logins so far (makes each token distinct).
    auth_serial: u64,
    /// Hits stored so far, cleared ones included (makes each event id distinct).
    event_serial: u64,
}

#[derive(Debug, Clone)]
struct CacheClaims {
    website: String,
    visit_id: String,
    iat: u64,
}

struct Shared {
    options: CollectorBuilder,
    state: Mutex<State>,
    /// The number of stored hits, for `wait_for_hits`.
    stored: watch::Sender<usize>,
    /// Signs this collector's cache tokens, and seeds its event ids and login tokens.
    token_key: Uuid,
    /// When the collector started: the `createdAt` of its user.
    started_at: SystemTime,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every change to the state is a whole push or clear: a panic elsewhere cannot leave
        // it half-written.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: oneshot::Receiver<()>) {
    // Connections live in this set: when the server ends, dropping it ends them too.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else {
                    // Out of file descriptors, most likely: give the tests a moment to close some.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                };
                let shared = Arc::clone(&shared);
                connections.spawn(async move {
                    let service = service_fn(move |request| {
                        let shared = Arc::clone(&shared);
                        async move { Ok::<_, Infallible>(handle(&shared, request).await) }
                    });
                    // A client that hangs up mid-request is its own business.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// What the collector answers to one request.
struct Reply {
    status: u16,
    /// `None`: an empty body.
    json: Option<String>,
}

impl Reply {
    fn json(status: u16, body: &impl Serialize) -> Reply {
        Reply {
            status,
            json: Some(serde_json::to_string(body).expect("answers serialize")),
        }
    }

    fn empty(status: u16) -> Reply {
        Reply { status, json: None }
    }
}

async fn handle(shared: &Shared, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let headers: Headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let method = parts.method.as_str();
    let path = parts.uri.path();

    let delay = shared.lock().delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let reply = {
        let mut state = shared.lock();
        let reply = match injected_failure(&mut state, method, path) {
            Some(reply) => reply,
            None => route(
                shared,
                &mut state,
                method,
                path,
                parts.uri.query(),
                &headers,
                &body,
            ),
        };
        state.requests.push(ReceivedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers,
            body: body.to_vec(),
            status: reply.status,
            response: reply.json.clone().unwrap_or_default(),
        });
        shared.stored.send_replace(state.hits.len());
        reply
    };

    let mut response = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    let body = match reply.json {
        Some(json) => {
            response = response.header("content-type", "application/json");
            Full::new(Bytes::from(json))
        }
        None => Full::new(Bytes::new()),
    };
    response.body(body).expect("a valid static response")
}

/// Consumes one injected failure, if any applies to this request.
fn injected_failure(state: &mut State, method: &str, path: &str) -> Option<Reply> {
    if method != "POST" || !matches!(path, "/api/send" | "/api/batch") {
        return None;
    }
    let (count, status) = state.failures?;
    state.failures = (count > 1).then_some((count - 1, status));
    Some(if status == 500 {
        Reply::json(
            500,
            &SendAnswer::Error {
                error: ApiError {
                    message: "Server error",
                    code: "server-error",
                    status: 500,
                    tree: None,
                },
            },
        )
    } else {
        Reply::empty(status)
    })
}

fn route(
    shared: &Shared,
    state: &mut State,
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &Headers,
    body: &[u8],
) -> Reply {
    // Next.js answers 405 with an empty body for methods a route does not export.
    match (path, method) {
        ("/api/send", "POST") => {
            let parsed = parse_json(body);
            let (status, answer) = send(shared, state, parsed.as_ref(), headers, "/api/send", None);
            Reply::json(status, &answer)
        }
        ("/api/batch", _) if !shared.options.batch => Reply::empty(404),
        ("/api/batch", "POST") => batch(shared, state, body, headers),
        ("/api/send" | "/api/batch", _) => Reply::empty(405),
        ("/api/heartbeat", "GET") => Reply::json(200, &serde_json::json!({"ok": true})),
        _ => api::route(shared, state, method, path, query, headers, body)
            .unwrap_or_else(|| Reply::empty(404)),
    }
}

/// `request.json()`: UTF-8 with an optional BOM, then `JSON.parse`; failure is `undefined`.
fn parse_json(body: &[u8]) -> Option<Value> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    serde_json::from_slice(body).ok()
}

/// An answer of `/api/send`, serialized exactly as Umami writes it.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
enum SendAnswer {
    Stored {
        cache: String,
        #[serde(rename = "sessionId")]
        session_id: String,
        #[serde(rename = "visitId")]
        visit_id: String,
    },
    Bot {
        beep: &'static str,
    },
    Error {
        error: ApiError,
    },
}

#[derive(Debug, Clone, Serialize)]
struct ApiError {
    message: &'static str,
    code: &'static str,
    status: u16,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    tree: Option<ErrorTree>,
}

impl SendAnswer {
    fn bad_request(message: &'static str, tree: Option<ErrorTree>) -> (u16, SendAnswer) {
        (
            400,
            SendAnswer::Error {
                error: ApiError {
                    message,
                    code: "bad-request",
                    status: 400,
                    tree,
                },
            },
        )
    }

    fn cache(&self) -> Option<&str> {
        match self {
            SendAnswer::Stored { cache, .. } => Some(cache),
            _ => None,
        }
    }
}

/// The `/api/send` logic, shared by batch items.
fn send(
    shared: &Shared,
    state: &mut State,
    body: Option<&Value>,
    headers: &Headers,
    path: &str,
    batch_index: Option<usize>,
) -> (u16, SendAnswer) {
    let hit = match rules::validate_send(body) {
        Ok(hit) => hit,
        Err(tree) => return SendAnswer::bad_request("Bad request", Some(tree)),
    };
    let now = SystemTime::now();
    let now_secs = unix_secs(now);

    // The website lookup is skipped when the client echoes a token issued for it.
    let website = hit.text("website").filter(|w| !w.is_empty());
    let cache = find_header(headers, "x-umami-cache")
        .and_then(|token| state.tokens.get(token))
        .filter(|claims| website.is_some_and(|w| claims.website.eq_ignore_ascii_case(w)))
        .cloned();
    if let (Some(website), None, Some(known)) = (website, &cache, &shared.options.websites) {
        if !known.contains(&website.to_ascii_lowercase()) {
            return SendAnswer::bad_request("Website not found.", None);
        }
    }

    let user_agent = hit
        .text("userAgent")
        .filter(|ua| !ua.is_empty())
        .or_else(|| find_header(headers, "user-agent"))
        .unwrap_or_default()
        .to_owned();
    if shared.options.bot_check && bot::is_bot(&user_agent) {
        return (200, SendAnswer::Bot { beep: "boop" });
    }

    let ip = client_ip(&hit, headers);
    if shared.options.ignored_ips.contains(&ip) {
        return (
            403,
            SendAnswer::Error {
                error: ApiError {
                    message: "Forbidden",
                    code: "forbidden",
                    status: 403,
                    tree: None,
                },
            },
        );
    }

    let created_at = match hit.timestamp {
        Some(secs) if secs >= 0 => UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs()),
        Some(secs) => UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))
            .unwrap_or(UNIX_EPOCH),
        None => now,
    };
    let source = website
        .or_else(|| hit.text("link"))
        .or_else(|| hit.text("pixel"))
        .unwrap_or_default()
        .to_ascii_lowercase();
    let session_id = match hit.text("id").filter(|id| !id.is_empty()) {
        Some(id) => Uuid::new_v5(&SESSION_NAMESPACE, format!("{source}\0id\0{id}").as_bytes()),
        None => Uuid::new_v5(
            &SESSION_NAMESPACE,
            format!("{source}\0{ip}\0{user_agent}").as_bytes(),
        ),
    }
    .to_string();
    // A visit continues while the client echoes a fresh token; a new one starts each hour
    // otherwise (Umami salts visit ids with the hour).
    let (visit_id, iat) = match &cache {
        Some(claims)
            if hit.timestamp.is_some() || now_secs.saturating_sub(claims.iat) <= VISIT_MAX_SECS =>
        {
            (claims.visit_id.clone(), claims.iat)
        }
        _ => {
            let hour = unix_secs(created_at) / 3600;
            let visit = Uuid::new_v5(
                &SESSION_NAMESPACE,
                format!("{session_id}\0{hour}").as_bytes(),
            );
            (visit.to_string(), now_secs)
        }
    };

    let token = cache_token(
        shared.token_key,
        website.unwrap_or_default(),
        &session_id,
        &visit_id,
        iat,
    );
    state.tokens.insert(
        token.clone(),
        CacheClaims {
            website: website.unwrap_or_default().to_owned(),
            visit_id: visit_id.clone(),
            iat,
        },
    );
    state.event_serial += 1;
    let event_id = Uuid::new_v5(
        &shared.token_key,
        format!("event\0{}", state.event_serial).as_bytes(),
    )
    .to_string();
    state.hits.push(Hit {
        event_id,
        method: "POST".to_owned(),
        path: path.to_owned(),
        batch_index,
        headers: headers.clone(),
        body: body.cloned().unwrap_or(Value::Null),
        session_id: session_id.clone(),
        visit_id: visit_id.clone(),
        user_agent,
        ip,
        created_at,
        received_at: now,
    });
    (
        200,
        SendAnswer::Stored {
            cache: token,
            session_id,
            visit_id,
        },
    )
}

fn client_ip(hit: &ValidSend<'_>, headers: &Headers) -> String {
    if let Some(ip) = hit.text("ip").filter(|ip| !ip.is_empty()) {
        return ip.to_owned();
    }
    find_header(headers, "x-forwarded-for")
        .and_then(|list| list.split(',').next())
        .or_else(|| find_header(headers, "x-real-ip"))
        .map(|ip| ip.trim().to_owned())
        .unwrap_or_default()
}

/// The answer of `/api/batch`.
#[derive(Serialize)]
struct BatchAnswer {
    size: usize,
    processed: usize,
    errors: usize,
    details: Vec<BatchDetail>,
    /// `cache ??= response.cache` over the items that succeeded: `null` when none did,
    /// left out (JavaScript's `undefined`) when the first successes carried no token.
    #[serde(skip_serializing_if = "BatchCache::is_undefined")]
    cache: BatchCache,
}

#[derive(Serialize)]
struct BatchDetail {
    index: usize,
    response: SendAnswer,
}

enum BatchCache {
    Null,
    Undefined,
    Token(String),
}

impl BatchCache {
    fn is_undefined(&self) -> bool {
        matches!(self, BatchCache::Undefined)
    }
}

impl Serialize for BatchCache {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            BatchCache::Token(token) => serializer.serialize_str(token),
            _ => serializer.serialize_unit(),
        }
    }
}

fn batch(shared: &Shared, state: &mut State, body: &[u8], headers: &Headers) -> Reply {
    let parsed = parse_json(body);
    let items = match rules::validate_batch(parsed.as_ref(), shared.options.max_batch_items) {
        Ok(items) => items,
        Err(tree) => {
            let (status, answer) = SendAnswer::bad_request("Bad request", Some(tree));
            return Reply::json(status, &answer);
        }
    };
    let mut details = Vec::new();
    let mut cache = BatchCache::Null;
    for (index, item) in items.iter().enumerate() {
        let (status, answer) = send(
            shared,
            state,
            Some(item),
            headers,
            "/api/batch",
            Some(index),
        );
        if status == 200 {
            if matches!(cache, BatchCache::Null | BatchCache::Undefined) {
                cache = match answer.cache() {
                    Some(token) => BatchCache::Token(token.to_owned()),
                    None => BatchCache::Undefined,
                };
            }
        } else {
            details.push(BatchDetail {
                index,
                response: answer,
            });
        }
    }
    Reply::json(
        200,
        &BatchAnswer {
            size: items.len(),
            processed: items.len() - details.len(),
            errors: details.len(),
            details,
            cache,
        },
    )
}

fn unix_secs(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A token shaped like Umami's (a HS256 JWT over the cache claims), signed with this
/// collector's key; only the collector that issued it accepts it back.
fn cache_token(key: Uuid, website: &str, session_id: &str, visit_id: &str, iat: u64) -> String {
    const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Claims<'a> {
        website_id: &'a str,
        session_id: &'a str,
        visit_id: &'a str,
        iat: u64,
        #[serde(rename = "type")]
        kind: &'a str,
    }
    let claims = Claims {
        website_id: website,
        session_id,
        visit_id,
        iat,
        kind: "cache",
    };
    let claims = serde_json::to_vec(&claims).expect("claims serialize");
    let unsigned = format!("{}.{}", base64url(HEADER.as_bytes()), base64url(&claims));
    let first = Uuid::new_v5(&key, unsigned.as_bytes());
    let second = Uuid::new_v5(&first, unsigned.as_bytes());
    let mut signature = [0_u8; 32];
    signature[..16].copy_from_slice(first.as_bytes());
    signature[16..].copy_from_slice(second.as_bytes());
    format!("{unsigned}.{}", base64url(&signature))
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0_u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// A random UUID from the standard library's randomly seeded hasher (no extra dependency).
fn random_uuid() -> Uuid {
    let state = std::collections::hash_map::RandomState::new();
    let mut high = state.build_hasher();
    high.write_u64(unix_secs(SystemTime::now()));
    let mut low = state.build_hasher();
    low.write_u64(u64::from(std::process::id()));
    Uuid::from_u64_pair(high.finish(), low.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_the_rfc_vectors() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
        assert_eq!(
            base64url(br#"{"alg":"HS256","typ":"JWT"}"#),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
        );
    }

    #[test]
    fn cache_tokens_look_like_jwts() {
        let token = cache_token(random_uuid(), "w", "s", "v", 1);
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
        assert_eq!(parts[2].len(), 43);
    }
}
