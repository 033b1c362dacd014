//! The end-to-end cases, written once against a [`Backend`]: an Umami server (real, or the
//! crate's own `umami_test` collector) reached over HTTP, that the crate sends to and the
//! management API reads back from with a bearer token.
//!
//! Each case tags what it sends with a fresh run tag (in the url path, and in event names
//! where it matters), then finds its own rows among whatever else the website holds. Reads
//! poll for a while, since a real Umami with a queue in front of its database shows rows a
//! moment after the send returns; no case asserts anything about timing.
//!
//! `tests/real_umami.rs` runs these cases against the server named by `UMAMI_E2E_*`;
//! `tests/e2e_collector.rs` runs them against the collector on every `cargo test`.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use umami::{Error, UmamiEvent};

mod plan;
mod web;
pub use plan::tracking_plan_check_reports_exactly_the_drift;
pub use web::web_layer_visitors_get_their_own_sessions;

/// The hostname every case sends.
pub const HOSTNAME: &str = "e2e.umami-rs.test";

/// A desktop Chrome User-Agent (passes the bot filter).
const BROWSER_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                          (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const GOOGLEBOT_UA: &str =
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/// How long reads wait for rows to show up.
const READ_TIMEOUT: Duration = Duration::from_secs(30);
const POLL_EVERY: Duration = Duration::from_millis(250);
/// Rows are searched in `[start of the backend - 10 min, now + 10 min]`, to absorb clock
/// differences between this machine and the server.
const SLACK_MS: i64 = 10 * 60 * 1000;
/// Page size of the events list reads.
const PAGE_SIZE: usize = 100;

/// Defines one `#[tokio::test]` per case, each running `e2e::<case>` against the backend the
/// given async function returns.
macro_rules! e2e_cases {
    ($(#[$attr:meta])* backend = $backend:path; $($case:ident),+ $(,)?) => {
        e2e_cases!(@cases [$(#[$attr])*] $backend; $($case),+);
    };
    (@cases $attrs:tt $backend:path; $($case:ident),+) => {
        $(e2e_cases!(@one $attrs $backend; $case);)+
    };
    (@one [$($attr:tt)*] $backend:path; $case:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        $($attr)*
        async fn $case() {
            let backend = $backend().await;
            e2e::$case(&backend).await;
        }
    };
}

/// An Umami server under test: where to send, which website, and a logged-in read-back.
pub struct Backend {
    url: String,
    website_id: String,
    username: String,
    http: reqwest::Client,
    token: String,
    started_ms: i64,
    /// Keeps an in-process server alive as long as the backend.
    _keep: Option<Box<dyn std::any::Any + Send + Sync>>,
}

impl Backend {
    /// Logs in to the server at `url` (its root, without `/api`) and checks the token.
    ///
    /// # Panics
    /// When the server cannot be reached or refuses the credentials, with what it said.
    pub async fn connect(
        url: &str,
        username: &str,
        password: &str,
        website_id: &str,
        keep: Option<Box<dyn std::any::Any + Send + Sync>>,
    ) -> Backend {
        let url = url.trim_end_matches('/').to_owned();
        let http = http();
        let (status, body) = post_json(
            &http,
            &format!("{url}/api/auth/login"),
            &json!({"username": username, "password": password}),
            None,
        )
        .await;
        assert_eq!(
            status, 200,
            "login to {url} as {username:?} failed: {status} {body}"
        );
        let token = body["token"]
            .as_str()
            .unwrap_or_else(|| panic!("login answered without a token: {body}"))
            .to_owned();
        Backend {
            url,
            website_id: website_id.to_ascii_lowercase(),
            username: username.to_owned(),
            http,
            token,
            started_ms: now_ms(),
            _keep: keep,
        }
    }

    /// The bearer token of the backend's login (for read calls through `umami::Client`).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// A client that sends to this backend's website, with the crate's defaults.
    pub fn client(&self) -> umami::Client {
        umami::Client::builder()
            .url_base(self.url.clone())
            .website_id(self.website_id.clone())
            .hostname(HOSTNAME)
            .build()
            .expect("a valid client")
    }

    fn api(&self, path: &str) -> String {
        format!("{}/api{path}", self.url)
    }

    fn website(&self, path: &str) -> String {
        self.api(&format!("/websites/{}{path}", self.website_id))
    }

    /// A GET with the bearer token; the status and the parsed body (`null` when not JSON).
    async fn get_raw(&self, url: &str, query: &[(&str, String)], token: bool) -> (u16, Value) {
        let mut url = reqwest::Url::parse(url).expect("a valid URL");
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let mut request = self.http.get(url.clone());
        if token {
            request = request.bearer_auth(&self.token);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A GET that must answer 200.
    async fn get(&self, url: &str, query: &[(&str, String)]) -> Value {
        let (status, body) = self.get_raw(url, query, true).await;
        assert_eq!(status, 200, "GET {url} {query:?} answered {status}: {body}");
        body
    }

    /// The default read window: from before this backend connected until a while from now.
    fn window(&self) -> Window {
        Window {
            start_ms: self.started_ms - SLACK_MS,
            end_ms: now_ms() + SLACK_MS,
        }
    }

    /// Every stored event (page views and custom events) in `window`, newest first.
    pub async fn events_in(&self, window: Window) -> Vec<Value> {
        let mut rows = Vec::new();
        for page in 1.. {
            let mut query = window.query();
            query.push(("page", page.to_string()));
            query.push(("pageSize", PAGE_SIZE.to_string()));
            let body = self.get(&self.website("/events"), &query).await;
            let data = body["data"]
                .as_array()
                .unwrap_or_else(|| panic!("events list without data: {body}"));
            if data.is_empty() {
                break;
            }
            rows.extend(data.iter().cloned());
            if rows.len() as u64 >= count(&body["count"]) {
                break;
            }
        }
        rows
    }

    /// The events whose url path carries `tag`, once at least `n` of them are stored (or
    /// the read timeout passed: the caller's assertions then say what is missing).
    pub async fn tagged_events(&self, tag: &Tag, n: usize) -> Vec<Value> {
        self.tagged_events_in(tag, n, self.window()).await
    }

    async fn tagged_events_in(&self, tag: &Tag, n: usize, window: Window) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + READ_TIMEOUT;
        loop {
            let rows: Vec<Value> = self
                .events_in(window)
                .await
                .into_iter()
                .filter(|row| row["urlPath"].as_str().is_some_and(|p| p.contains(&tag.0)))
                .collect();
            if rows.len() >= n || tokio::time::Instant::now() >= deadline {
                return rows;
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// The typed data rows of one stored event, by key.
    pub async fn event_data(&self, event_id: &str) -> BTreeMap<String, Value> {
        let body = self
            .get(&self.website(&format!("/event-data/{event_id}")), &[])
            .await;
        by_key(&body)
    }

    /// `GET /event-data/properties` over the default window.
    pub async fn event_data_properties(&self) -> Vec<Value> {
        let body = self
            .get(
                &self.website("/event-data/properties"),
                &self.window().query(),
            )
            .await;
        body.as_array().cloned().unwrap_or_default()
    }

    /// `GET /metrics?type=event` over the default window.
    pub async fn event_metrics(&self) -> Vec<Value> {
        let mut query = self.window().query();
        query.push(("type", "event".to_owned()));
        let body = self.get(&self.website("/metrics"), &query).await;
        body.as_array().cloned().unwrap_or_default()
    }

    /// `GET /stats?path=` over the default window.
    pub async fn stats_for_path(&self, path: &str) -> Value {
        let mut query = self.window().query();
        query.push(("path", path.to_owned()));
        self.get(&self.website("/stats"), &query).await
    }

    /// `GET /sessions/{id}`.
    pub async fn session(&self, session_id: &str) -> Value {
        self.get(&self.website(&format!("/sessions/{session_id}")), &[])
            .await
    }

    /// `GET /sessions/{id}/properties`, by key.
    pub async fn session_data(&self, session_id: &str) -> BTreeMap<String, Value> {
        let body = self
            .get(
                &self.website(&format!("/sessions/{session_id}/properties")),
                &[],
            )
            .await;
        by_key(&body)
    }
}

/// A read window in epoch milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    start_ms: i64,
    end_ms: i64,
}

impl Window {
    fn around(at: SystemTime) -> Window {
        let ms = millis(at);
        Window {
            start_ms: ms - SLACK_MS,
            end_ms: ms + SLACK_MS,
        }
    }

    fn query(self) -> Vec<(&'static str, String)> {
        vec![
            ("startAt", self.start_ms.to_string()),
            ("endAt", self.end_ms.to_string()),
        ]
    }
}

/// A fresh tag for one case's rows.
pub struct Tag(String);

impl Tag {
    pub fn new() -> Tag {
        Tag(format!("rs{:012x}", random_u64() & 0xffff_ffff_ffff))
    }

    /// The tag itself (`rs` and 12 hex digits).
    pub fn id(&self) -> &str {
        &self.0
    }

    /// `/e2e/<tag>/<page>`.
    pub fn path(&self, page: &str) -> String {
        format!("/e2e/{}/{page}", self.0)
    }

    /// An event name carrying the tag (at most 50 characters).
    pub fn name(&self, what: &str) -> String {
        format!("{what}-{}", self.0)
    }
}

fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos(),
    );
    hasher.finish()
}

/// A random version-4 UUID.
fn random_uuid() -> String {
    let (a, b) = (random_u64(), random_u64());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | (b >> 48) & 0x3fff,
        b & 0xffff_ffff_ffff
    )
}

/// A plain reqwest client, for requests the crate does not make itself.
fn http() -> reqwest::Client {
    reqwest::Client::new()
}

async fn post_json(
    http: &reqwest::Client,
    url: &str,
    body: &Value,
    user_agent: Option<&str>,
) -> (u16, Value) {
    let mut request = http
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(ua) = user_agent {
        request = request.header("user-agent", ua);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn now_ms() -> i64 {
    millis(SystemTime::now())
}

fn millis(at: SystemTime) -> i64 {
    i64::try_from(at.duration_since(UNIX_EPOCH).unwrap().as_millis()).unwrap()
}

/// A count: a JSON number, or a numeric string (how some databases' big integers arrive).
fn count(value: &Value) -> u64 {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("not a count: {value}"))
}

/// Rows with a `dataKey`, by key.
fn by_key(rows: &Value) -> BTreeMap<String, Value> {
    rows.as_array()
        .unwrap_or_else(|| panic!("expected a list of data rows: {rows}"))
        .iter()
        .map(|row| {
            (
                row["dataKey"].as_str().unwrap_or_default().to_owned(),
                row.clone(),
            )
        })
        .collect()
}

/// `(dataType, stringValue)` of a data row.
fn typed(row: Option<&Value>) -> (i64, String) {
    let row = row.expect("the key is stored");
    (
        row["dataType"].as_i64().expect("a numeric dataType"),
        row["stringValue"].as_str().unwrap_or_default().to_owned(),
    )
}

/// `numberValue` of a data row: a JSON number, or the decimal string Prisma writes.
fn number(row: Option<&Value>) -> f64 {
    let value = &row.expect("the key is stored")["numberValue"];
    value
        .as_f64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("numberValue is not a number: {value}"))
}

/// Milliseconds of an ISO-8601 UTC timestamp (`2026-11-27T01:50:30.000Z`, or ClickHouse's
/// `2026-11-27 01:50:30`).
fn parse_time_ms(text: &str) -> i64 {
    let digits = |range: std::ops::Range<usize>| -> i64 {
        text.get(range)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not a timestamp: {text}"))
    };
    let (y, m, d) = (digits(0..4), digits(5..7), digits(8..10));
    let (hh, mm, ss) = (digits(11..13), digits(14..16), digits(17..19));
    let fraction = text
        .get(19..)
        .and_then(|rest| rest.strip_prefix('.'))
        .map_or(0, |f| {
            let f: String = f.chars().take_while(char::is_ascii_digit).take(3).collect();
            format!("{f:0<3}").parse().unwrap_or(0)
        });
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    ((days * 24 + hh) * 60 + mm) * 60_000 + ss * 1000 + fraction
}

fn only<'a>(rows: &'a [Value], what: &str) -> &'a Value {
    assert_eq!(rows.len(), 1, "expected one stored {what}, got {rows:#?}");
    &rows[0]
}

// ---------------------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------------------

/// A custom event is stored with its name, url path and query, hostname and title.
pub async fn custom_event_is_stored_with_name_url_hostname_and_title(b: &Backend) {
    let tag = Tag::new();
    let name = tag.name("Purchase");
    let sent = b
        .client()
        .new_event(&name)
        .url(format!("{}?plan=pro", tag.path("checkout")))
        .title("Checkout page")
        .send()
        .await
        .expect("stored");

    let rows = b.tagged_events(&tag, 1).await;
    let row = only(&rows, "event");
    assert_eq!(row["eventType"], 2);
    assert_eq!(row["eventName"], name.as_str());
    assert_eq!(row["urlPath"], tag.path("checkout").as_str());
    assert_eq!(row["urlQuery"], "plan=pro");
    assert_eq!(row["hostname"], HOSTNAME);
    assert_eq!(row["pageTitle"], "Checkout page");
    assert_eq!(row["websiteId"], b.website_id.as_str());
    assert_eq!(row["sessionId"].as_str(), sent.session_id());
}

/// Every custom-data value is stored under its (flattened) key with its type: string 1,
/// number 2, boolean 3, array 5 as JSON text; nested objects as dotted keys.
pub async fn custom_data_is_stored_typed_with_nested_keys_dotted(b: &Backend) {
    let tag = Tag::new();
    b.client()
        .new_event(tag.name("Typed"))
        .url(tag.path("typed"))
        .custom_data(json!({
            "plan": "pro",
            "seats": 3,
            "price": 19.99,
            "trial": false,
            "address": {"city": "Berlin", "geo": {"lat": 52.5}},
            "tags": ["a", "b"],
        }))
        .send()
        .await
        .expect("stored");

    let rows = b.tagged_events(&tag, 1).await;
    let row = only(&rows, "event");
    assert_eq!(row["hasData"], true);
    let data = b.event_data(row["id"].as_str().expect("an event id")).await;
    let keys: BTreeSet<&str> = data.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "address.city",
            "address.geo.lat",
            "plan",
            "price",
            "seats",
            "tags",
            "trial"
        ])
    );
    assert_eq!(typed(data.get("plan")), (1, "pro".to_owned()));
    assert_eq!(typed(data.get("address.city")), (1, "Berlin".to_owned()));
    assert_eq!(typed(data.get("trial")), (3, "false".to_owned()));
    assert_eq!(typed(data.get("tags")), (5, r#"["a","b"]"#.to_owned()));
    assert_eq!(typed(data.get("seats")).0, 2);
    assert_eq!(number(data.get("seats")), 3.0);
    assert_eq!(typed(data.get("price")).0, 2);
    assert_eq!(number(data.get("price")), 19.99);
    assert_eq!(number(data.get("address.geo.lat")), 52.5);
}

/// `event-data/properties` lists each key of the event's data under the event's name.
pub async fn event_data_properties_list_every_key_under_the_event_name(b: &Backend) {
    let tag = Tag::new();
    let name = tag.name("Props");
    b.client()
        .new_event(&name)
        .url(tag.path("props"))
        .custom_data(json!({"plan": "pro", "seats": 3, "address": {"city": "Berlin"}}))
        .send()
        .await
        .expect("stored");
    b.tagged_events(&tag, 1).await;

    let properties: BTreeMap<String, u64> = b
        .event_data_properties()
        .await
        .iter()
        .filter(|row| row["eventName"] == name.as_str())
        .map(|row| {
            (
                row["propertyName"].as_str().unwrap_or_default().to_owned(),
                count(&row["total"]),
            )
        })
        .collect();
    assert_eq!(
        properties,
        BTreeMap::from([
            ("address.city".to_owned(), 1),
            ("plan".to_owned(), 1),
            ("seats".to_owned(), 1)
        ])
    );
}

/// `metrics?type=event` counts custom events by name.
pub async fn event_metrics_count_custom_events_by_name(b: &Backend) {
    let tag = Tag::new();
    let twice = tag.name("Twice");
    let once = tag.name("Once");
    let client = b.client();
    for name in [&twice, &twice, &once] {
        client
            .new_event(name)
            .url(tag.path("metrics"))
            .send()
            .await
            .expect("stored");
    }
    b.tagged_events(&tag, 3).await;

    let counts: BTreeMap<String, u64> = b
        .event_metrics()
        .await
        .iter()
        .filter(|row| row["x"].as_str().is_some_and(|x| x.contains(&tag.0)))
        .map(|row| (row["x"].as_str().unwrap().to_owned(), count(&row["y"])))
        .collect();
    assert_eq!(counts, BTreeMap::from([(twice, 2), (once, 1)]));
}

/// Page views are stored as page views (event type 1, no name) with their title.
pub async fn page_views_are_stored_as_page_views(b: &Backend) {
    let tag = Tag::new();
    b.client()
        .new_page_view("Pricing", tag.path("pricing"))
        .send()
        .await
        .expect("stored");

    let rows = b.tagged_events(&tag, 1).await;
    let row = only(&rows, "page view");
    assert_eq!(row["eventType"], 1);
    assert!(row["eventName"].is_null(), "a page view has no name: {row}");
    assert_eq!(row["pageTitle"], "Pricing");
    assert_eq!(row["urlPath"], tag.path("pricing").as_str());
    assert_eq!(row["hostname"], HOSTNAME);
}

/// Stats count page views, not custom events, in the flat v3 shape with a comparison.
pub async fn stats_count_page_views_but_not_custom_events(b: &Backend) {
    let tag = Tag::new();
    let client = b.client();
    let path = tag.path("landing");
    let visitor = format!("visitor-{}", tag.0);
    for _ in 0..2 {
        client
            .new_page_view("Landing", &path)
            .distinct_id(visitor.as_str())
            .send()
            .await
            .expect("stored");
    }
    client
        .new_event(tag.name("Click"))
        .url(&path)
        .distinct_id(visitor.as_str())
        .send()
        .await
        .expect("stored");
    b.tagged_events(&tag, 3).await;

    let stats = b.stats_for_path(&path).await;
    assert_eq!(count(&stats["pageviews"]), 2, "{stats}");
    assert_eq!(count(&stats["visitors"]), 1, "{stats}");
    for key in ["visits", "bounces", "totaltime"] {
        count(&stats[key]);
    }
    assert_eq!(count(&stats["comparison"]["pageviews"]), 0, "{stats}");
}

/// A revenue event stores its name, the revenue as a number and the currency as a string.
pub async fn revenue_event_stores_revenue_and_currency(b: &Backend) {
    let tag = Tag::new();
    b.client()
        .new_revenue_event(19.99, "EUR")
        .url(tag.path("paid"))
        .custom_data(json!({"order": "A-1"}))
        .send()
        .await
        .expect("stored");

    let rows = b.tagged_events(&tag, 1).await;
    let row = only(&rows, "revenue event");
    assert_eq!(row["eventType"], 2);
    assert_eq!(row["eventName"], "revenue");
    let data = b.event_data(row["id"].as_str().unwrap()).await;
    assert_eq!(typed(data.get("revenue")).0, 2);
    assert_eq!(number(data.get("revenue")), 19.99);
    assert_eq!(typed(data.get("currency")), (1, "EUR".to_owned()));
    assert_eq!(typed(data.get("order")), (1, "A-1".to_owned()));
}

/// `identify` stores typed session data and ties the session to the distinct id.
pub async fn identify_stores_session_data_and_the_distinct_id(b: &Backend) {
    let tag = Tag::new();
    let user = format!("user-{}", tag.0);
    let client = b.client();
    let identified = client
        .identify(user.as_str())
        .data(json!({"plan": "pro", "seats": 5, "beta": true, "company": {"name": "ACME"}}))
        .send()
        .await
        .expect("stored");
    // Umami lists a session only once it has an event.
    let viewed = client
        .new_page_view("Home", tag.path("home"))
        .distinct_id(user.as_str())
        .send()
        .await
        .expect("stored");
    let session_id = identified.session_id().expect("a session id").to_owned();
    assert_eq!(viewed.session_id(), Some(session_id.as_str()));
    let rows = b.tagged_events(&tag, 1).await;
    assert_eq!(only(&rows, "page view")["sessionId"], session_id.as_str());

    let session = b.session(&session_id).await;
    assert_eq!(session["id"], session_id.as_str(), "{session}");
    assert_eq!(session["distinctId"], user.as_str(), "{session}");
    let data = b.session_data(&session_id).await;
    assert_eq!(typed(data.get("plan")), (1, "pro".to_owned()));
    assert_eq!(typed(data.get("beta")), (3, "true".to_owned()));
    assert_eq!(typed(data.get("company.name")), (1, "ACME".to_owned()));
    assert_eq!(typed(data.get("seats")).0, 2);
    assert_eq!(number(data.get("seats")), 5.0);
}

/// Hits with the same distinct id land in the same session; one without it does not.
pub async fn same_distinct_id_lands_in_the_same_session(b: &Backend) {
    let tag = Tag::new();
    let user = format!("user-{}", tag.0);
    let client = b.client();
    for page in ["one", "two"] {
        client
            .new_event(tag.name("Step"))
            .url(tag.path(page))
            .distinct_id(user.as_str())
            .send()
            .await
            .expect("stored");
    }
    client
        .new_event(tag.name("Step"))
        .url(tag.path("anonymous"))
        .send()
        .await
        .expect("stored");

    let rows = b.tagged_events(&tag, 3).await;
    assert_eq!(rows.len(), 3, "{rows:#?}");
    let session_of = |page: &str| -> String {
        let path = tag.path(page);
        rows.iter()
            .find(|row| row["urlPath"] == path.as_str())
            .unwrap_or_else(|| panic!("{path} is stored"))["sessionId"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(session_of("one"), session_of("two"));
    assert_ne!(session_of("one"), session_of("anonymous"));
}

/// `timestamp` becomes the stored time of the event.
pub async fn timestamp_sets_the_stored_time(b: &Backend) {
    let tag = Tag::new();
    let secs = now_ms() / 1000 - 3 * 24 * 3600;
    let at = UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs());
    b.client()
        .new_event(tag.name("Backfill"))
        .url(tag.path("backfill"))
        .timestamp(at)
        .send()
        .await
        .expect("stored");

    let rows = b.tagged_events_in(&tag, 1, Window::around(at)).await;
    let row = only(&rows, "backfilled event");
    let created = row["createdAt"].as_str().expect("a createdAt");
    assert_eq!(parse_time_ms(created), secs * 1000, "createdAt {created}");
}

/// The crate's default User-Agent passes the bot filter: the hit is stored.
pub async fn default_user_agent_is_stored(b: &Backend) {
    let tag = Tag::new();
    let sent = b
        .client()
        .new_event(tag.name("Default-UA"))
        .url(tag.path("default-ua"))
        .send()
        .await;
    assert!(sent.is_ok(), "{sent:?}");
    let rows = b.tagged_events(&tag, 1).await;
    only(&rows, "event");
}

/// A bot User-Agent is reported as `BotFiltered` and nothing is stored.
pub async fn bot_user_agent_is_reported_and_nothing_is_stored(b: &Backend) {
    let tag = Tag::new();
    let client = b.client();
    let bot = client
        .new_event(tag.name("Bot"))
        .url(tag.path("bot"))
        .user_agent(GOOGLEBOT_UA)
        .send()
        .await;
    assert!(matches!(bot, Err(Error::BotFiltered)), "{bot:?}");
    // A hit sent after the bot's: once it is stored, the bot's would be too.
    client
        .new_event(tag.name("Human"))
        .url(tag.path("human"))
        .send()
        .await
        .expect("stored");

    let rows = b.tagged_events(&tag, 1).await;
    let paths: Vec<&str> = rows.iter().filter_map(|r| r["urlPath"].as_str()).collect();
    assert_eq!(paths, vec![tag.path("human").as_str()]);
}

/// An unknown website id is a status error whose message says the website was not found.
pub async fn unknown_website_is_a_status_error_saying_not_found(b: &Backend) {
    let tag = Tag::new();
    let err = b
        .client()
        .new_event(tag.name("Nowhere"))
        .url(tag.path("nowhere"))
        .website_id(random_uuid())
        .send()
        .await
        .expect_err("an unknown website is refused");
    match &err {
        Error::Status {
            status, message, ..
        } => {
            assert_eq!(*status, 400, "{err}");
            assert!(
                message.to_lowercase().contains("website not found"),
                "{message}"
            );
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

/// A request the client would refuse, sent raw: the server names the field and the problem
/// in `properties.payload.properties.<field>.errors`.
pub async fn server_validation_error_names_the_field(b: &Backend) {
    let tag = Tag::new();
    let body = json!({"type": "event", "payload": {
        "website": b.website_id,
        "hostname": HOSTNAME,
        "url": tag.path("too-long"),
        "name": "n".repeat(51),
    }});
    let (status, answer) = post_json(&http(), &b.api("/send"), &body, Some(BROWSER_UA)).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(
        answer["error"]["properties"]["payload"]["properties"]["name"]["errors"],
        json!(["Too big: expected string to have <=50 characters"]),
        "{answer}"
    );
}

/// A website id that is hyphenated hex but no RFC 9562 UUID (version digit 0), which the
/// server's `z.uuid()` refuses, is refused by the client too, before any I/O, naming the
/// field and the rule (issue 11: one UUID rule). The server's field texts reaching the
/// caller are covered in `tests/send_responses.rs`.
pub async fn versionless_website_id_is_refused_before_io_as_the_server_would(b: &Backend) {
    let tag = Tag::new();
    let err = b
        .client()
        .new_event(tag.name("Versionless"))
        .url(tag.path("versionless"))
        .website_id("978435e2-7ba1-0337-9860-ec31ece2db60")
        .send()
        .await
        .expect_err("a UUID without a version is refused");
    match &err {
        Error::Validation(v) => {
            assert_eq!(v.field(), "website_id", "{err}");
            assert!(v.problem().contains("version digit '0'"), "{err}");
            assert!(v.problem().contains("RFC 9562"), "{err}");
        }
        other => panic!("expected Error::Validation, got {other:?}"),
    }
}

/// Wrong credentials are refused with 401.
pub async fn login_with_a_wrong_password_is_unauthorized(b: &Backend) {
    let (status, body) = post_json(
        &http(),
        &b.api("/auth/login"),
        &json!({"username": b.username, "password": format!("wrong-{}", random_u64())}),
        None,
    )
    .await;
    assert_eq!(status, 401, "{body}");
}

/// The token from login passes `POST /api/auth/verify`.
pub async fn login_token_passes_verify(b: &Backend) {
    let response = b
        .http
        .post(b.api("/auth/verify"))
        .bearer_auth(&b.token)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status().as_u16(), 200);
    let user: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(user["username"], b.username.as_str(), "{user}");
}

/// Reads without a bearer token are refused with 401.
pub async fn reads_without_a_token_are_unauthorized(b: &Backend) {
    let (status, body) = b
        .get_raw(&b.website("/events"), &b.window().query(), false)
        .await;
    assert_eq!(status, 401, "{body}");
}

/// The events list needs `startAt` and `endAt`.
pub async fn events_without_a_date_range_are_a_bad_request(b: &Backend) {
    let (status, body) = b.get_raw(&b.website("/events"), &[], true).await;
    assert_eq!(status, 400, "{body}");
}

/// 500 events tracked through the dispatcher go out as one batch and are all stored, none
/// twice.
pub async fn dispatcher_batch_of_500_is_stored_once_each(b: &Backend) {
    let tag = Tag::new();
    let client = b.client();
    let dispatcher = umami::Dispatcher::builder(client.clone())
        .capacity(1_000)
        .max_batch_size(500)
        .batch_timeout(Duration::from_secs(120))
        .build()
        .expect("a valid dispatcher");
    let expected: BTreeSet<String> = (0..500).map(|i| tag.path(&format!("item-{i}"))).collect();
    for path in &expected {
        dispatcher
            .track_hit(client.new_event(tag.name("Bulk")).url(path))
            .expect("queued");
    }
    let report = dispatcher.shutdown(Duration::from_secs(120)).await;
    assert!(report.all_delivered(), "{report}");
    assert_eq!(report.stats.sent, 500, "{report}");
    assert_eq!(report.stats.requests, 1, "one batch request: {report}");
    assert_eq!(report.stats.possible_duplicates, 0, "{report}");

    let rows = b.tagged_events(&tag, 500).await;
    assert_eq!(rows.len(), 500, "stored rows");
    let stored: BTreeSet<String> = rows
        .iter()
        .filter_map(|row| row["urlPath"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(stored, expected, "each event stored once");
}

/// A typed struct: its fields become typed data under their (renamed) keys, the `{run}`
/// placeholder fills the url, `None` is left out, and the distinct id goes to the session.
#[derive(UmamiEvent)]
#[umami(
    name = "e2e-typed-purchase",
    url = "/e2e/{run}/typed-struct",
    rename_all = "camelCase"
)]
pub struct TypedPurchase {
    run: String,
    plan: String,
    price_cents: u32,
    gift: bool,
    coupon: Option<String>,
    #[umami(distinct_id)]
    user_id: u64,
}

/// A typed enum: each variant is its own event.
#[derive(UmamiEvent)]
#[umami(url = "/e2e/{run}/typed-enum/{lesson}")]
pub enum TypedLesson {
    #[umami(name = "e2e-lesson-started")]
    Started { run: String, lesson: u32 },
    #[umami(name = "e2e-lesson-finished")]
    Finished {
        run: String,
        lesson: u32,
        passed: bool,
    },
}

/// A `#[derive(UmamiEvent)]` struct is stored with its name, url, typed data and distinct id.
pub async fn typed_struct_is_stored_with_its_name_data_and_distinct_id(b: &Backend) {
    let tag = Tag::new();
    let user_id = random_u64() >> 1;
    let event = TypedPurchase {
        run: tag.id().to_owned(),
        plan: "pro".into(),
        price_cents: 4900,
        gift: true,
        coupon: None,
        user_id,
    };
    let sent = event.send(&b.client()).await.expect("stored");

    let rows = b.tagged_events(&tag, 1).await;
    let row = only(&rows, "typed event");
    assert_eq!(row["eventType"], 2);
    assert_eq!(row["eventName"], "e2e-typed-purchase");
    assert_eq!(row["urlPath"], tag.path("typed-struct").as_str());
    assert_eq!(row["sessionId"].as_str(), sent.session_id());
    let data = b.event_data(row["id"].as_str().unwrap()).await;
    let keys: BTreeSet<&str> = data.keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["gift", "plan", "priceCents", "run"]));
    assert_eq!(typed(data.get("plan")), (1, "pro".to_owned()));
    assert_eq!(typed(data.get("gift")), (3, "true".to_owned()));
    assert_eq!(typed(data.get("priceCents")).0, 2);
    assert_eq!(number(data.get("priceCents")), 4900.0);
    let session = b.session(row["sessionId"].as_str().unwrap()).await;
    assert_eq!(
        session["distinctId"],
        user_id.to_string().as_str(),
        "{session}"
    );
}

/// Each variant of a `#[derive(UmamiEvent)]` enum is stored as its own event with its data.
pub async fn typed_enum_variants_are_stored_as_their_own_events(b: &Backend) {
    let tag = Tag::new();
    let client = b.client();
    TypedLesson::Started {
        run: tag.id().to_owned(),
        lesson: 1,
    }
    .send(&client)
    .await
    .expect("stored");
    TypedLesson::Finished {
        run: tag.id().to_owned(),
        lesson: 2,
        passed: false,
    }
    .send(&client)
    .await
    .expect("stored");

    let rows = b.tagged_events(&tag, 2).await;
    assert_eq!(rows.len(), 2, "{rows:#?}");
    let row_of = |lesson: &str| {
        let path = tag.path(&format!("typed-enum/{lesson}"));
        rows.iter()
            .find(|row| row["urlPath"] == path.as_str())
            .unwrap_or_else(|| panic!("{path} is stored: {rows:#?}"))
            .clone()
    };
    let (started, finished) = (row_of("1"), row_of("2"));
    assert_eq!(started["eventName"], "e2e-lesson-started");
    assert_eq!(finished["eventName"], "e2e-lesson-finished");
    let data = b.event_data(finished["id"].as_str().unwrap()).await;
    assert_eq!(typed(data.get("run")), (1, tag.id().to_owned()));
    assert_eq!(typed(data.get("passed")), (3, "false".to_owned()));
    assert_eq!(number(data.get("lesson")), 2.0);
}
