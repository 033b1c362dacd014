//! Helpers shared by the workspace's benchmarks (`bench/benches/`). Not published.
//!
//! Each benchmark is a `[[bench]]` target with `harness = false`: a plain `main`, built by
//! `cargo bench` and never by `cargo test`, so that the test suite does not build the
//! benchmarks' dependencies. The web benchmarks (`bench_web`, `web_peers`) share the axum
//! hello-world, its load loop and the receivers here.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use http_body_util::{BodyExt, Empty};
use hyper::body::{Bytes, Incoming};

/// A website id that is a valid UUID, used by every benchmark (the tests' and examples').
pub const WEBSITE_ID: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

/// The browser User-Agent of the web benchmarks' requests.
pub const UA: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

/// The program's arguments without `--bench`, which `cargo bench` appends to those it is
/// given.
pub fn args() -> Vec<String> {
    std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect()
}

/// The process's user + system CPU seconds so far (Linux; 0 elsewhere).
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let Some(end) = stat.rfind(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = stat[end + 1..].split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Fields 14 and 15 of the file (utime, stime), in clock ticks of 1/100 s.
    (ticks(11) + ticks(12)) / 100.0
}

/// The app every web benchmark measures: `GET /` answers `Hello, World!`.
pub fn hello() -> Router {
    Router::new().route("/", get(|| async { "Hello, World!" }))
}

/// Serves `app` on 127.0.0.1 (with the peer address as `ConnectInfo`, as a real service
/// does for the visitor's IP), in the background; its address.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    addr
}

/// What a [`receiver`] got.
#[derive(Debug, Default)]
pub struct Received {
    /// Requests read.
    pub requests: AtomicU64,
    /// Body bytes read.
    pub bytes: AtomicU64,
    /// Occurrences of the receiver's needle in the bodies.
    pub needles: AtomicU64,
}

impl Received {
    /// Requests read so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Body bytes read so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// Needles found so far.
    pub fn needles(&self) -> u64 {
        self.needles.load(Ordering::Relaxed)
    }
}

/// A minimal HTTP/1.1 server on 127.0.0.1 standing in for an analytics or error-tracking
/// service (a real one runs elsewhere and costs the measured machine nothing): it reads each
/// request's body and answers `200` with `answer` (JSON) at once, or, `stalled`, never. With
/// a `needle`, it counts the needle's occurrences in the bodies (e.g. the events in a batch).
/// Its base URL and counters.
pub async fn receiver(
    answer: &'static [u8],
    stalled: bool,
    needle: Option<&'static [u8]>,
) -> (String, Arc<Received>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let received = Arc::new(Received::default());
    let counters = Arc::clone(&received);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let received = Arc::clone(&counters);
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request: http::Request<Incoming>| {
                        let received = Arc::clone(&received);
                        async move {
                            let body = request.into_body().collect().await?.to_bytes();
                            received.requests.fetch_add(1, Ordering::Relaxed);
                            received
                                .bytes
                                .fetch_add(body.len() as u64, Ordering::Relaxed);
                            if let Some(needle) = needle {
                                let found = memchr::memmem::find_iter(&body, needle).count();
                                received.needles.fetch_add(found as u64, Ordering::Relaxed);
                            }
                            std::hint::black_box(body);
                            if stalled {
                                std::future::pending::<()>().await;
                            }
                            let answer = http::Response::builder()
                                .header("content-type", "application/json")
                                .body(http_body_util::Full::new(Bytes::from_static(answer)))
                                .expect("response");
                            Ok::<_, hyper::Error>(answer)
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (format!("http://{addr}"), received)
}

/// Umami's `/api/batch` answer when every item was processed.
pub const UMAMI_BATCH_ANSWER: &[u8] = br#"{"errors":0,"details":[]}"#;

/// When a load stops: after a time, or after a number of requests per connection.
#[derive(Debug, Clone, Copy)]
pub enum Until {
    /// After this long.
    Elapsed(Duration),
    /// After this many requests per connection.
    Requests(u64),
}

/// `connections` keep-alive HTTP/1.1 connections (hyper's client) sending `GET /` to `addr`
/// back to back, with a browser User-Agent, `Accept-Language` and `Referer`, until `until`:
/// requests done and their latencies in microseconds.
pub async fn load(addr: SocketAddr, connections: usize, until: Until) -> (u64, Vec<u32>) {
    let started = Instant::now();
    let go_on = move |done: u64| match until {
        Until::Elapsed(duration) => started.elapsed() < duration,
        Until::Requests(count) => done < count,
    };
    let mut tasks = Vec::new();
    for _ in 0..connections {
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            let (mut sender, conn) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                    .await
                    .expect("handshake");
            tokio::spawn(conn);
            let mut latencies = Vec::with_capacity(64 * 1024);
            while go_on(latencies.len() as u64) {
                let request = http::Request::get("/")
                    .header("host", "bench.example.com")
                    .header("user-agent", UA)
                    .header("accept-language", "de-CH,de;q=0.9")
                    .header("referer", "https://search.example/")
                    .body(Empty::<Bytes>::new())
                    .expect("request");
                let started = Instant::now();
                let response = sender.send_request(request).await.expect("send");
                assert!(response.status().is_success(), "{}", response.status());
                let body = response.into_body().collect().await.expect("body");
                std::hint::black_box(body);
                latencies.push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("load task"));
    }
    (all.len() as u64, all)
}

/// The `p` quantile (0 to 1) of sorted latencies.
pub fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}
