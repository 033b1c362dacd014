//! The background dispatcher against a real HTTP server on 127.0.0.1 that can stall, fail a
//! share of requests (500, 503, 429 + Retry-After, answers later than the timeout, connection
//! resets), reject single items of a batch, or lack `/api/batch` like servers before v2.18.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;
use umami::dispatch::{BuildError, FailReason, OverflowPolicy, RetryPolicy, Routing, TrackError};
use umami::{Client, Dispatcher};
use umami_integration::WEBSITE_ID;

// ---------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Fault {
    Status500,
    Status503,
    TooManyRequests,
    /// Stores the hits, then answers after the client's timeout: a real duplicate on retry.
    LateAnswer,
    /// Drops the connection without an answer (an RST: every socket has a zero linger).
    Reset,
}

const FAULTS: [Fault; 5] = [
    Fault::Status500,
    Fault::Status503,
    Fault::TooManyRequests,
    Fault::LateAnswer,
    Fault::Reset,
];

#[derive(Default, Clone)]
struct Behaviour {
    /// Share of requests that fail, each with one of [`FAULTS`] in turn at random.
    fault_share: f64,
    /// How late a [`Fault::LateAnswer`] comes.
    late_by: Duration,
    /// Answer 404 to `/api/batch`, like Umami before v2.18.
    no_batch_endpoint: bool,
    /// Seed of the fault generator (0: the default seed).
    seed: u64,
}

#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    user_agent: Option<String>,
    content_type: Option<String>,
    cache: Option<String>,
    body: Value,
}

#[derive(Default)]
struct Log {
    requests: Vec<Recorded>,
    /// How often each `data.seq` was stored.
    stored: HashMap<u64, u32>,
    faults: HashMap<Fault, u32>,
    /// Cache token -> the visitor it was issued to.
    tokens: HashMap<String, String>,
}

struct ServerState {
    behaviour: Behaviour,
    /// Statuses to answer to the next batch requests, before anything else.
    script: Mutex<VecDeque<u16>>,
    /// `false` stalls every request until it turns `true`.
    open: watch::Sender<bool>,
    log: Mutex<Log>,
    rng: Mutex<u64>,
}

struct Server {
    addr: SocketAddr,
    state: Arc<ServerState>,
}

impl Server {
    async fn start(behaviour: Behaviour) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seed = behaviour.seed;
        let state = Arc::new(ServerState {
            behaviour,
            script: Mutex::new(VecDeque::new()),
            open: watch::channel(true).0,
            log: Mutex::new(Log::default()),
            rng: Mutex::new(if seed == 0 {
                0x5DEE_CE66_D1CE_5EED
            } else {
                seed
            }),
        });
        let server_state = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                // Closing a connection then sends an RST, so `Fault::Reset` is a real reset.
                let _ = stream.set_zero_linger();
                let state = server_state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| handle(state.clone(), req));
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Server { addr, state }
    }

    fn client(&self) -> Client {
        Client::builder()
            .url_base(format!("http://{}", self.addr))
            .website_id(WEBSITE_ID)
            .hostname("example.com")
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    }

    fn stall(&self) {
        self.state.open.send_replace(false);
    }

    fn resume(&self) {
        self.state.open.send_replace(true);
    }

    fn script(&self, statuses: &[u16]) {
        self.state.script.lock().unwrap().extend(statuses);
    }

    fn requests(&self) -> Vec<Recorded> {
        self.state.log.lock().unwrap().requests.clone()
    }

    fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    fn stored(&self) -> HashMap<u64, u32> {
        self.state.log.lock().unwrap().stored.clone()
    }
}

impl ServerState {
    fn next_random(&self) -> f64 {
        let mut x = self.rng.lock().unwrap();
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        (*x >> 11) as f64 / (1_u64 << 53) as f64
    }

    fn pick_fault(&self) -> Option<Fault> {
        if self.behaviour.fault_share <= 0.0 || self.next_random() >= self.behaviour.fault_share {
            return None;
        }
        let fault = FAULTS[(self.next_random() * FAULTS.len() as f64) as usize];
        *self.log.lock().unwrap().faults.entry(fault).or_default() += 1;
        Some(fault)
    }

    fn store(&self, hit: &Value) {
        if let Some(seq) = hit["payload"]["data"]["seq"].as_u64() {
            *self.log.lock().unwrap().stored.entry(seq).or_default() += 1;
        }
    }
}

type Answer = Response<Full<Bytes>>;

fn answer(status: u16, body: String) -> Answer {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

/// Umami 3's answer to a batch: only the failed items are listed in `details`.
fn batch_answer(state: &ServerState, items: &[Value]) -> Answer {
    let mut details = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if item["payload"]["name"] == "Bad-Event" {
            details.push(json!({"index": index, "response": {"error": {
                "message": "Bad request", "code": "bad-request", "status": 400, "errors": [],
                "properties": {"payload": {"errors": [], "properties": {"name": {"errors":
                    ["Too big: expected string to have <=50 characters"]}}}}}}}));
        } else {
            state.store(item);
        }
    }
    let body = json!({
        "size": items.len(),
        "processed": items.len() - details.len(),
        "errors": details.len(),
        "details": details,
    });
    answer(200, body.to_string())
}

fn send_answer(state: &ServerState, hit: &Value) -> Answer {
    state.store(hit);
    let visitor = hit["payload"]["id"].as_str().unwrap_or("").to_owned();
    let mut log = state.log.lock().unwrap();
    let token = format!("tok.{visitor}.{}", log.tokens.len());
    log.tokens.insert(token.clone(), visitor);
    answer(
        200,
        json!({"cache": token, "sessionId": "s", "visitId": "v"}).to_string(),
    )
}

async fn handle(
    state: Arc<ServerState>,
    request: Request<Incoming>,
) -> Result<Answer, std::io::Error> {
    let (parts, body) = request.into_parts();
    let bytes = body
        .collect()
        .await
        .map_err(std::io::Error::other)?
        .to_bytes();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let path = parts.uri.path().to_owned();
    state.log.lock().unwrap().requests.push(Recorded {
        method: parts.method.to_string(),
        path: path.clone(),
        user_agent: header("user-agent"),
        content_type: header("content-type"),
        cache: header("x-umami-cache"),
        body: body.clone(),
    });
    let mut open = state.open.subscribe();
    let _ = open.wait_for(|open| *open).await;

    if path == "/api/batch" {
        if state.behaviour.no_batch_endpoint {
            return Ok(answer(404, "Not Found".to_owned()));
        }
        let scripted = state.script.lock().unwrap().pop_front();
        if let Some(status) = scripted {
            return Ok(answer(
                status,
                json!({"error": {"message": format!("scripted {status}"), "status": status}})
                    .to_string(),
            ));
        }
    }
    let items: Vec<Value> = match (&*path, body) {
        ("/api/batch", Value::Array(items)) => items,
        ("/api/send", hit @ Value::Object(_)) => vec![hit],
        _ => return Ok(answer(400, r#"{"error":"bad request"}"#.to_owned())),
    };
    match state.pick_fault() {
        None => {}
        Some(Fault::Status500) => {
            return Ok(answer(
                500,
                r#"{"error":{"message":"Internal Server Error","status":500}}"#.to_owned(),
            ));
        }
        Some(Fault::Status503) => return Ok(answer(503, String::new())),
        Some(Fault::TooManyRequests) => {
            let mut response = answer(429, r#"{"error":"Too many requests"}"#.to_owned());
            response
                .headers_mut()
                .insert("retry-after", "1".parse().unwrap());
            return Ok(response);
        }
        Some(Fault::LateAnswer) => {
            let answer = if path == "/api/batch" {
                batch_answer(&state, &items)
            } else {
                send_answer(&state, &items[0])
            };
            tokio::time::sleep(state.behaviour.late_by).await;
            return Ok(answer);
        }
        Some(Fault::Reset) => return Err(std::io::Error::other("injected connection reset")),
    }
    Ok(if path == "/api/batch" {
        batch_answer(&state, &items)
    } else {
        send_answer(&state, &items[0])
    })
}

/// Retries fast enough for tests; the policy under test is the same.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(40)
        .initial_backoff(Duration::from_millis(2))
        .max_backoff(Duration::from_millis(20))
        .max_retry_after(Duration::from_secs(1))
}

fn event(client: &Client, seq: u64) -> umami::hit::NewEvent {
    client
        .new_event("Purchase-Course")
        .custom_data(json!({ "seq": seq }))
}

const LONG: Duration = Duration::from_secs(120);

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_events_survive_thirty_percent_faults() {
    let server = Server::start(Behaviour {
        fault_share: 0.3,
        late_by: Duration::from_millis(1500),
        ..Behaviour::default()
    })
    .await;
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .capacity(20_000)
        .max_batch_size(50)
        .max_concurrent_requests(4)
        .flush_interval(Duration::from_millis(5))
        .batch_timeout(Duration::from_millis(500))
        .retry_policy(quick_retries())
        .build()
        .unwrap();

    for seq in 0..10_000 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    let report = dispatcher.shutdown(LONG).await;
    println!("{report}; requests {}", report.stats.requests);

    assert!(!report.timed_out, "{report}");
    let stats = &report.stats;
    assert_eq!(stats.tracked, 10_000);
    assert_eq!(stats.sent, 10_000, "{report}: {:?}", stats.recent_failures);
    assert_eq!(stats.failed.total(), 0, "{:?}", stats.recent_failures);
    assert_eq!(stats.dropped, 0);
    assert_eq!((stats.queued, stats.in_flight), (0, 0));
    assert!(report.all_delivered());

    let stored = server.stored();
    let expected: HashSet<u64> = (0..10_000).collect();
    assert_eq!(stored.keys().copied().collect::<HashSet<_>>(), expected);
    let stored_twice: u64 = stored.values().map(|&n| u64::from(n) - 1).sum();

    let log = server.state.log.lock().unwrap();
    for fault in FAULTS {
        assert!(
            log.faults.get(&fault).copied().unwrap_or(0) > 0,
            "{fault:?} never injected"
        );
    }
    let failed_requests: u32 = log.faults.values().sum();
    drop(log);
    assert!(stats.retried > 0);
    assert_eq!(stats.requests, server.requests().len() as u64);
    assert!(stats.requests >= 200 + u64::from(failed_requests));
    // Late answers stored the batch and the retry stored it again: real duplicates, all of
    // which the report announced.
    assert!(stored_twice > 0);
    assert!(
        stored_twice <= stats.possible_duplicates,
        "server stored {stored_twice} duplicates, report says at most {}",
        stats.possible_duplicates
    );
}

/// The default retry policy, not a test one: only the request timeouts are shortened (so
/// that late answers time out quickly). Every event is delivered in each seeded run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_retry_policy_delivers_everything_at_thirty_percent_faults() {
    for seed in [
        0x0123_4567_89AB_CDEF,
        0xDEAD_BEEF_CAFE_F00D,
        0x1357_9BDF_2468_ACE0,
    ] {
        let server = Server::start(Behaviour {
            fault_share: 0.3,
            late_by: Duration::from_millis(400),
            seed,
            ..Behaviour::default()
        })
        .await;
        let client = Client::builder()
            .url_base(format!("http://{}", server.addr))
            .website_id(WEBSITE_ID)
            .hostname("example.com")
            .timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let dispatcher = Dispatcher::builder(client.clone())
            .batch_timeout(Duration::from_millis(200))
            .flush_interval(Duration::from_millis(5))
            .build()
            .unwrap();
        for seq in 0..2_000 {
            dispatcher.track_hit(event(&client, seq)).unwrap();
        }
        let report = dispatcher.shutdown(LONG).await;
        println!(
            "seed {seed:#x}: {report}; requests {}",
            report.stats.requests
        );
        let stats = &report.stats;
        assert_eq!(
            stats.sent, 2_000,
            "seed {seed:#x}: {:?}",
            stats.recent_failures
        );
        assert_eq!(stats.failed.total(), 0, "seed {seed:#x}");
        let stored = server.stored();
        assert_eq!(
            stored.len(),
            2_000,
            "seed {seed:#x}: every id at the server"
        );
        let stored_twice: u64 = stored.values().map(|&n| u64::from(n) - 1).sum();
        assert!(stored_twice <= stats.possible_duplicates, "seed {seed:#x}");
    }
}

#[tokio::test]
async fn batch_request_has_exact_body_and_headers() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .flush_interval(Duration::from_secs(3600))
        .build()
        .unwrap();

    dispatcher
        .track_hit(
            client
                .new_event("Signup")
                .url("/join")
                .custom_data(json!({"plan": "pro"})),
        )
        .unwrap();
    dispatcher
        .track_hit(client.new_page_view("Home", "/").distinct_id(7_u32))
        .unwrap();
    dispatcher
        .track_hit(client.identify("user-7").data(json!({"tier": 2})))
        .unwrap();
    dispatcher.flush().await;

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/api/batch"));
    assert_eq!(r.user_agent.as_deref(), Some(umami::DEFAULT_USER_AGENT));
    assert_eq!(r.content_type.as_deref(), Some("application/json"));
    assert_eq!(r.cache, None);
    let common = |extra: Value| {
        let mut payload = json!({
            "website": WEBSITE_ID, "hostname": "example.com", "language": "en-US",
            "screen": "1920x1080", "referrer": "",
        });
        payload
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        payload
    };
    assert_eq!(
        r.body,
        json!([
            {"type": "event", "payload": common(json!({
                "url": "/join", "title": "Signup", "name": "Signup", "data": {"plan": "pro"}}))},
            {"type": "event", "payload": common(json!({"url": "/", "title": "Home", "id": "7"}))},
            {"type": "identify", "payload": common(json!({
                "url": "/", "id": "user-7", "data": {"tier": 2}}))},
        ])
    );
    let stats = dispatcher.stats();
    assert_eq!((stats.tracked, stats.sent, stats.requests), (3, 3, 1));
}

#[tokio::test]
async fn flush_sends_without_waiting_for_the_interval() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .flush_interval(Duration::from_secs(3600))
        .build()
        .unwrap();
    for seq in 0..5 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    dispatcher.flush().await;
    assert_eq!(server.stored().len(), 5);
    assert_eq!(dispatcher.stats().sent, 5);
    // Nothing pending: returns at once.
    dispatcher.flush().await;
}

#[tokio::test]
async fn full_batches_go_out_at_the_size_limit() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .max_batch_size(10)
        .flush_interval(Duration::from_secs(3600))
        .max_concurrent_requests(1)
        .build()
        .unwrap();
    for seq in 0..25 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    dispatcher.flush().await;
    let sizes: Vec<usize> = server
        .requests_to("/api/batch")
        .iter()
        .map(|r| r.body.as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, vec![10, 10, 5]);
}

#[tokio::test]
async fn items_rejected_in_details_fail_without_retry() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    dispatcher.track_hit(event(&client, 0)).unwrap();
    dispatcher
        .track_hit(client.new_event("Bad-Event").custom_data(json!({"seq": 1})))
        .unwrap();
    dispatcher.track_hit(event(&client, 2)).unwrap();
    dispatcher
        .track_hit(client.new_event("Bad-Event").custom_data(json!({"seq": 3})))
        .unwrap();
    let report = dispatcher.shutdown(LONG).await;

    let stats = &report.stats;
    assert_eq!(stats.sent, 2);
    assert_eq!(stats.failed.rejected, 2);
    assert_eq!(stats.failed.total(), 2);
    assert_eq!(stats.retried, 0);
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        server.stored().keys().copied().collect::<HashSet<_>>(),
        HashSet::from([0, 2])
    );
    // Two items with the same message: one failure entry for both.
    assert_eq!(stats.recent_failures.len(), 1);
    assert_eq!(stats.recent_failures[0].events, 2);
    assert_eq!(stats.recent_failures[0].reason, FailReason::Rejected);
    assert_eq!(
        stats.recent_failures[0].message,
        "Bad request: name: Too big: expected string to have <=50 characters"
    );
}

#[tokio::test]
async fn unavailable_server_is_retried_until_it_answers() {
    let server = Server::start(Behaviour::default()).await;
    server.script(&[503, 429]);
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    for seq in 0..4 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    let report = dispatcher.shutdown(LONG).await;

    assert_eq!(report.stats.sent, 4);
    assert_eq!(report.stats.retried, 8);
    assert_eq!(report.stats.requests, 3);
    // 503 and 429 mean "not processed": no duplicates possible.
    assert_eq!(report.stats.possible_duplicates, 0);
    let bodies: Vec<Value> = server
        .requests_to("/api/batch")
        .into_iter()
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies.len(), 3);
    assert!(bodies.iter().all(|b| *b == bodies[0]));
}

#[tokio::test]
async fn retry_after_a_500_reports_possible_duplicates() {
    let server = Server::start(Behaviour::default()).await;
    server.script(&[500]);
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    for seq in 0..3 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    let report = dispatcher.shutdown(LONG).await;
    assert_eq!(report.stats.sent, 3);
    assert_eq!(report.stats.possible_duplicates, 3);
}

#[tokio::test]
async fn bad_request_for_the_whole_batch_is_not_retried() {
    let server = Server::start(Behaviour::default()).await;
    server.script(&[400]);
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    for seq in 0..3 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    let report = dispatcher.shutdown(LONG).await;
    assert_eq!(report.stats.failed.rejected, 3);
    assert_eq!(report.stats.sent, 0);
    assert_eq!(server.requests().len(), 1);
    assert_eq!(report.stats.recent_failures[0].message, "scripted 400");
}

#[tokio::test]
async fn too_large_batches_are_split() {
    let server = Server::start(Behaviour::default()).await;
    server.script(&[413]);
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .max_concurrent_requests(1)
        .flush_interval(Duration::from_secs(3600))
        .build()
        .unwrap();
    for seq in 0..4 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    dispatcher.flush().await;
    for seq in 4..8 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    let report = dispatcher.shutdown(LONG).await;

    assert_eq!(report.stats.sent, 8);
    assert_eq!(report.stats.failed.total(), 0);
    let sizes: Vec<usize> = server
        .requests_to("/api/batch")
        .iter()
        .map(|r| r.body.as_array().unwrap().len())
        .collect();
    // 4 refused, sent as 2 + 2; the next 4 go in batches under the learned limit.
    assert_eq!(sizes, vec![4, 2, 2, 2, 2]);
    assert_eq!(server.stored().len(), 8);
}

#[tokio::test]
async fn retries_run_out() {
    let server = Server::start(Behaviour::default()).await;
    server.script(&[503, 503, 503]);
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .retry_policy(quick_retries().max_retries(2))
        .build()
        .unwrap();
    dispatcher.track_hit(event(&client, 0)).unwrap();
    let report = dispatcher.shutdown(LONG).await;
    assert_eq!(report.stats.failed.retries_exhausted, 1);
    assert_eq!(report.stats.requests, 3);
    assert!(!report.all_delivered());
}

#[tokio::test]
async fn overflow_rejects_exactly_the_excess() {
    let server = Server::start(Behaviour::default()).await;
    server.stall();
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .capacity(100)
        .max_batch_size(10)
        .flush_interval(Duration::ZERO)
        .build()
        .unwrap();

    let mut full = 0;
    for seq in 0..130 {
        match dispatcher.track_hit(event(&client, seq)) {
            Ok(()) => {}
            Err(TrackError::QueueFull { capacity: 100 }) => full += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(full, 30);
    let stats = dispatcher.stats();
    assert_eq!((stats.tracked, stats.dropped), (100, 30));
    assert_eq!(stats.queued + stats.in_flight, 100);

    server.resume();
    let report = dispatcher.shutdown(LONG).await;
    assert_eq!(report.stats.sent, 100);
    assert_eq!(report.stats.dropped, 30);
    assert_eq!(server.stored().len(), 100);
    assert!((0..100).all(|seq| server.stored().contains_key(&seq)));
}

#[tokio::test]
async fn overflow_with_drop_newest_counts_the_excess() {
    let server = Server::start(Behaviour::default()).await;
    server.stall();
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .capacity(50)
        .max_batch_size(10)
        .overflow_policy(OverflowPolicy::DropNewest)
        .flush_interval(Duration::ZERO)
        .build()
        .unwrap();
    for seq in 0..57 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    assert_eq!(dispatcher.stats().dropped, 7);
    server.resume();
    let report = dispatcher.shutdown(LONG).await;
    assert_eq!(
        (
            report.stats.tracked,
            report.stats.sent,
            report.stats.dropped
        ),
        (50, 50, 7)
    );
}

#[tokio::test]
async fn shutdown_gives_up_at_its_timeout_with_an_exact_report() {
    let server = Server::start(Behaviour::default()).await;
    server.stall();
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .max_batch_size(10)
        .flush_interval(Duration::ZERO)
        .build()
        .unwrap();
    for seq in 0..40 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    let report = dispatcher.shutdown(Duration::from_millis(200)).await;
    assert!(report.timed_out);
    assert_eq!(report.stats.tracked, 40);
    assert_eq!(report.stats.sent, 0);
    assert_eq!(report.stats.failed.abandoned, 40);
    assert_eq!(report.stats.failed.total(), 40);
    assert_eq!((report.stats.queued, report.stats.in_flight), (0, 0));
    assert_eq!(report.stats.recent_failures.len(), 1);
    assert_eq!(
        report.stats.recent_failures[0].message,
        "40 events not delivered before the shutdown timeout"
    );
    // The server answering now changes nothing in the report.
    server.resume();
    let again = dispatcher.shutdown(LONG).await;
    assert_eq!(again, report);
}

#[tokio::test]
async fn shutdown_is_idempotent_and_stops_intake() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone()).build().unwrap();
    dispatcher.track_hit(event(&client, 0)).unwrap();
    let first = dispatcher.shutdown(LONG).await;
    assert_eq!(first.stats.sent, 1);
    assert!(matches!(
        dispatcher.track_hit(event(&client, 1)),
        Err(TrackError::Closed)
    ));
    let second = dispatcher.shutdown(LONG).await;
    assert_eq!(first, second);
    assert_eq!(server.stored().len(), 1);
}

#[tokio::test]
async fn invalid_events_are_refused_at_once_and_never_queued() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone()).build().unwrap();
    let err = dispatcher
        .track_hit(client.new_event("x".repeat(51)))
        .unwrap_err();
    match err {
        TrackError::Invalid(umami::Error::Validation(v)) => assert_eq!(v.field(), "event_name"),
        other => panic!("{other}"),
    }
    let report = dispatcher.shutdown(LONG).await;
    assert_eq!(report.stats.tracked, 0);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn disabled_client_validates_but_sends_nothing() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    client.disable();
    let dispatcher = Dispatcher::builder(client.clone()).build().unwrap();
    dispatcher.track_hit(event(&client, 0)).unwrap();
    assert!(dispatcher.track_hit(client.new_event("")).is_err());
    let report = dispatcher.shutdown(LONG).await;
    assert_eq!((report.stats.tracked, report.stats.disabled), (0, 1));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn old_server_without_batch_gets_single_sends() {
    let server = Server::start(Behaviour {
        no_batch_endpoint: true,
        ..Behaviour::default()
    })
    .await;
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .max_batch_size(20)
        .max_concurrent_requests(1)
        .single_send_concurrency(4)
        .flush_interval(Duration::ZERO)
        .build()
        .unwrap();
    let visitors = ["alice", "bob", "carol"];
    for seq in 0..90_u64 {
        let hit = event(&client, seq);
        let hit = if seq % 4 == 3 {
            hit
        } else {
            hit.distinct_id(visitors[(seq % 4) as usize])
        };
        dispatcher.track_hit(hit).unwrap();
    }
    let report = dispatcher.shutdown(LONG).await;

    assert_eq!(report.stats.sent, 90, "{:?}", report.stats.recent_failures);
    assert!(!report.stats.batch_endpoint);
    assert_eq!(server.requests_to("/api/batch").len(), 1);
    let sends = server.requests_to("/api/send");
    assert_eq!(sends.len(), 90);
    assert_eq!(server.stored().len(), 90);

    for send in &sends {
        assert_eq!(send.user_agent.as_deref(), Some(umami::DEFAULT_USER_AGENT));
        assert_eq!(send.content_type.as_deref(), Some("application/json"));
    }
    let first = sends
        .iter()
        .find(|s| s.body["payload"]["data"]["seq"] == 0)
        .unwrap();
    assert_eq!(
        first.body,
        json!({"type": "event", "payload": {
            "website": WEBSITE_ID, "hostname": "example.com", "language": "en-US",
            "screen": "1920x1080", "url": "/", "referrer": "", "title": "Purchase-Course",
            "name": "Purchase-Course", "data": {"seq": 0}, "id": "alice"}})
    );
    // Each visitor's token comes back only with that visitor's hits.
    let reused = check_tokens(&server, &sends);
    for visitor in visitors {
        assert!(reused.get(visitor).copied().unwrap_or(0) > 0, "{visitor}");
    }
}

/// Every `/api/send` with a token carried one issued to the same visitor; anonymous hits none.
/// Returns how many sends reused a token, per visitor.
fn check_tokens(server: &Server, sends: &[Recorded]) -> HashMap<String, usize> {
    let log = server.state.log.lock().unwrap();
    let mut reused: HashMap<String, usize> = HashMap::new();
    for send in sends {
        let visitor = send.body["payload"]["id"].as_str();
        match (&send.cache, visitor) {
            (None, _) => {}
            (Some(token), Some(visitor)) => {
                assert_eq!(log.tokens[token], visitor, "token of another visitor");
                *reused.entry(visitor.to_owned()).or_default() += 1;
            }
            (Some(_), None) => panic!("an anonymous hit carried a cache token"),
        }
    }
    reused
}

#[tokio::test]
async fn visitor_hits_go_singly_with_their_tokens_when_asked() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .routing(Routing::CacheTokens)
        .max_batch_size(10)
        .max_concurrent_requests(1)
        .single_send_concurrency(1)
        .flush_interval(Duration::ZERO)
        .build()
        .unwrap();
    for seq in 0..40_u64 {
        let hit = event(&client, seq);
        let hit = match seq % 4 {
            0 => hit.distinct_id("alice"),
            1 => hit.distinct_id("bob"),
            _ => hit,
        };
        dispatcher.track_hit(hit).unwrap();
    }
    let report = dispatcher.shutdown(LONG).await;
    assert_eq!(report.stats.sent, 40);
    assert!(report.stats.batch_endpoint);

    let sends = server.requests_to("/api/send");
    assert_eq!(sends.len(), 20);
    assert!(sends.iter().all(|s| s.body["payload"]["id"].is_string()));
    let batched: usize = server
        .requests_to("/api/batch")
        .iter()
        .map(|r| {
            let items = r.body.as_array().unwrap();
            assert!(items.iter().all(|i| i["payload"].get("id").is_none()));
            items.len()
        })
        .sum();
    assert_eq!(batched, 20);
    // One at a time: every send after a visitor's first carries that visitor's token.
    let reused = check_tokens(&server, &sends);
    assert_eq!((reused["alice"], reused["bob"]), (9, 9));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_server_with_faults_still_gets_everything() {
    let server = Server::start(Behaviour {
        no_batch_endpoint: true,
        fault_share: 0.3,
        late_by: Duration::from_millis(800),
        ..Behaviour::default()
    })
    .await;
    let client = Client::builder()
        .url_base(format!("http://{}", server.addr))
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let dispatcher = Dispatcher::builder(client.clone())
        .max_batch_size(50)
        .single_send_concurrency(16)
        .flush_interval(Duration::ZERO)
        .retry_policy(quick_retries())
        .build()
        .unwrap();
    for seq in 0..1_000_u64 {
        dispatcher
            .track_hit(event(&client, seq).distinct_id(seq % 7))
            .unwrap();
    }
    let report = dispatcher.shutdown(LONG).await;

    assert!(!report.timed_out);
    assert_eq!(
        report.stats.sent, 1_000,
        "{:?}",
        report.stats.recent_failures
    );
    assert_eq!(report.stats.failed.total(), 0);
    let stored = server.stored();
    assert_eq!(stored.len(), 1_000);
    let stored_twice: u64 = stored.values().map(|&n| u64::from(n) - 1).sum();
    assert!(stored_twice <= report.stats.possible_duplicates);
    check_tokens(&server, &server.requests_to("/api/send"));
}

#[derive(umami::UmamiEvent)]
#[umami(url = "/join")]
struct Signup {
    plan: &'static str,
}

#[tokio::test]
async fn typed_events_are_tracked_through_their_builder() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone()).build().unwrap();
    dispatcher.track(&Signup { plan: "pro" }).unwrap();
    dispatcher.flush().await;
    let batches = server.requests_to("/api/batch");
    assert_eq!(batches.len(), 1);
    let payload = &batches[0].body[0]["payload"];
    assert_eq!(
        (&payload["name"], &payload["url"], &payload["data"]),
        (&json!("Signup"), &json!("/join"), &json!({"plan": "pro"}))
    );
}

#[tokio::test]
async fn tracked_user_reuses_only_its_own_token() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let alice = client.tracked_user("alice");
    let bob = client.tracked_user("bob");

    let first = alice
        .send_hit(alice.new_page_view("Home", "/"))
        .await
        .unwrap();
    alice
        .send_hit(client.new_event("Signup").custom_data(json!({"seq": 1})))
        .await
        .unwrap();
    bob.send_hit(bob.new_event("Signup")).await.unwrap();
    assert!(alice.has_cache_token());

    let sends = server.requests_to("/api/send");
    assert_eq!(sends.len(), 3);
    assert_eq!(sends[0].cache, None);
    assert_eq!(sends[1].cache.as_deref(), first.cache());
    assert_eq!(sends[1].body["payload"]["id"], "alice");
    assert_eq!(sends[2].cache, None);
    assert_eq!(sends[2].body["payload"]["id"], "bob");
}

#[tokio::test]
async fn tracked_user_sends_typed_events_with_its_id_and_token() {
    #[derive(umami::UmamiEvent)]
    #[umami(name = "Signup", url = "/join")]
    struct Signup {
        plan: String,
    }

    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let alice = client.tracked_user("alice");
    let first = alice
        .send_hit(alice.new_page_view("Home", "/"))
        .await
        .unwrap();
    alice
        .send_event(&Signup { plan: "pro".into() })
        .await
        .unwrap();

    let sends = server.requests_to("/api/send");
    assert_eq!(sends.len(), 2);
    assert_eq!(sends[1].cache.as_deref(), first.cache());
    let payload = &sends[1].body["payload"];
    assert_eq!(
        (
            &payload["name"],
            &payload["url"],
            &payload["id"],
            &payload["data"]
        ),
        (
            &json!("Signup"),
            &json!("/join"),
            &json!("alice"),
            &json!({"plan": "pro"})
        )
    );
}

#[tokio::test]
async fn tracked_user_refuses_another_users_hit() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let alice = client.tracked_user("alice");
    let err = alice
        .send_hit(client.new_event("Signup").distinct_id("bob"))
        .await
        .unwrap_err();
    match err {
        umami::Error::Validation(v) => assert_eq!(v.field(), "distinct_id"),
        other => panic!("{other}"),
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn dropping_the_dispatcher_still_delivers_what_was_queued() {
    let server = Server::start(Behaviour::default()).await;
    let client = server.client();
    let dispatcher = Dispatcher::builder(client.clone())
        .flush_interval(Duration::from_secs(3600))
        .build()
        .unwrap();
    for seq in 0..3 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    drop(dispatcher);
    // The worker drains in the background; wait for the server to see it (no timing
    // assertion: the loop ends when the hits arrive).
    while server.stored().len() < 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(server.requests_to("/api/batch").len(), 1);
}

#[test]
fn building_outside_a_runtime_is_an_error() {
    let client = Client::builder()
        .url_base("http://127.0.0.1:9")
        .build()
        .unwrap();
    assert!(matches!(
        Dispatcher::builder(client).build(),
        Err(BuildError::NoRuntime)
    ));
}

#[tokio::test]
async fn settings_are_validated() {
    let client = Client::builder()
        .url_base("http://127.0.0.1:9")
        .build()
        .unwrap();
    for (builder, field) in [
        (
            Dispatcher::builder(client.clone()).max_batch_size(501),
            "max_batch_size",
        ),
        (
            Dispatcher::builder(client.clone()).max_batch_size(0),
            "max_batch_size",
        ),
        (Dispatcher::builder(client.clone()).capacity(0), "capacity"),
        (
            Dispatcher::builder(client.clone()).max_concurrent_requests(0),
            "max_concurrent_requests",
        ),
    ] {
        match builder.build() {
            Err(BuildError::Validation(v)) => assert_eq!(v.field(), field),
            other => panic!("{field}: {other:?}"),
        }
    }
}
