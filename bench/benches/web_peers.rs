//! What `umami::web::UmamiLayer` costs an axum service, beside the middleware a service
//! already runs: tower-http's `TraceLayer` writing an access log line per request (text and
//! JSON), sentry-tower with performance transactions, posthog-rs capturing a `$pageview` per
//! request, and axum-prometheus's request metrics. The benchmark behind the README's numbers
//! (`scripts/bench-web-peers.sh` runs it, with callgrind for instructions per request).
//!
//! ```text
//! cargo bench -p umami-bench --bench web_peers -- [seconds per round] [rounds] [connections]
//! cargo bench -p umami-bench --bench web_peers -- --serve NAME (--seconds S | --requests N) [--connections C]
//! ```
//!
//! Every server is the same axum hello-world (`GET /` answers `Hello, World!`) with one
//! middleware, as its documentation sets it up:
//!
//! - `bare`: none;
//! - `umami`: `UmamiLayer`, a page view per request queued on a `Dispatcher`
//!   (`routing(Routing::BatchAll)`) that sends batches of 100 to a receiver answering like
//!   Umami's `/api/batch`;
//! - `trace-text`: `TraceLayer::new_for_http()` with its span and response event at `INFO`,
//!   under tracing-subscriber's `fmt` layer writing to a file: one access log line per request
//!   (`... INFO request{method=GET uri=/ version=HTTP/1.1}: tower_http::trace::on_response:
//!   finished processing request latency=0 ms status=200`);
//! - `trace-json`: the same line as JSON (`fmt().json()`);
//! - `sentry`: sentry 0.49 with `traces_sample_rate: 1.0`, `NewSentryLayer` and
//!   `SentryHttpLayer::new().enable_transaction()` (a transaction per request), its DSN
//!   pointing at a receiver answering like Sentry's envelope endpoint;
//! - `posthog`: posthog-rs 0.30's async client, a middleware capturing a `$pageview` per
//!   request (`$current_url`, `$host`, `$referrer`, `$raw_user_agent`, `$ip`) that its
//!   background worker sends in batches to a receiver answering like PostHog's `/batch/`;
//! - `prometheus`: axum-prometheus 0.10's `PrometheusMetricLayer` (request count, duration
//!   histogram and in-flight gauge per method, endpoint and status).
//!
//! Each server runs in a process of its own (the subscribers, Sentry's hub and the metrics
//! recorder are global), with a Rust load loop of keep-alive HTTP/1.1 connections (hyper's
//! client, the browser-like request of `bench_web`) and the receiver in the same process: the
//! process's CPU is the app's, the load loop's and the receiver's together, the same for all.
//!
//! Without `--serve`, the program is the driver: in each round it runs every server for the
//! given seconds (after 500 ms of warm-up) in a child process of its own, in turn, and prints
//! their throughput, CPU per request, the per-round ratio to `bare` of the same round, and what
//! reached the receivers. With `--serve NAME --requests N` a child serves 1,000 requests of
//! warm-up and then N (for an instruction count under callgrind). `BENCH_WEB_PEERS=bare,umami`
//! runs only the servers named.

use std::net::SocketAddr;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use umami::Dispatcher;
use umami::dispatch::Routing;
use umami::web::UmamiLayer;
use umami_bench::{
    Received, UMAMI_BATCH_ANSWER, Until, WEBSITE_ID, cpu_seconds, hello, load, receiver, serve,
};

/// Every server, in the order of the tables.
const SERVERS: [&str; 7] = [
    "bare",
    "umami",
    "trace-text",
    "trace-json",
    "sentry",
    "posthog",
    "prometheus",
];

/// A server of one child process, and how to tell what reached its receiver.
struct Running {
    addr: SocketAddr,
    finish: Finish,
}

/// What a server delivers, read at the end of a child's run.
enum Finish {
    Nothing,
    /// The access log's file: its size (bytes per request), removed at the end.
    Log(std::path::PathBuf),
    Umami(Dispatcher, Arc<Received>),
    Sentry(sentry::ClientInitGuard, Arc<Received>),
    PostHog(Arc<posthog_rs::Client>, Arc<Received>),
}

/// A temporary file for an access log.
fn log_file(name: &str) -> (std::path::PathBuf, Arc<std::fs::File>) {
    let path = std::env::temp_dir().join(format!("umami-bench-{name}-{}.log", std::process::id()));
    let file = std::fs::File::create(&path).expect("log file");
    (path, Arc::new(file))
}

/// The `TraceLayer` of an access log: the span and the response event at `INFO` (the
/// request event stays at `DEBUG`, below the subscriber's level): one line per request.
fn trace_layer() -> tower_http::trace::TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
> {
    use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
    TraceLayer::new_for_http()
        .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
}

/// posthog's `$pageview` per request, as a middleware that captures after the response.
async fn posthog_pageview(
    State(client): State<Arc<posthog_rs::Client>>,
    request: Request,
    next: Next,
) -> Response {
    let mut event = posthog_rs::Event::new_anon("$pageview");
    let headers = request.headers();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let host = header("host").unwrap_or("localhost").to_owned();
    let props = [
        (
            "$current_url",
            Some(format!("http://{host}{}", request.uri())),
        ),
        ("$referrer", header("referer").map(str::to_owned)),
        ("$raw_user_agent", header("user-agent").map(str::to_owned)),
        (
            "$ip",
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|peer| peer.0.ip().to_string()),
        ),
        ("$host", Some(host)),
    ];
    for (key, value) in props {
        if let Some(value) = value {
            event.insert_prop(key, value).expect("property");
        }
    }
    let response = next.run(request).await;
    if response.status().is_success() {
        client.capture(event);
    }
    response
}

async fn start(name: &str, count: bool) -> Running {
    match name {
        "bare" => Running {
            addr: serve(hello()).await,
            finish: Finish::Nothing,
        },
        "umami" => {
            let (url, received) = receiver(UMAMI_BATCH_ANSWER, false, None).await;
            let client = umami::Client::builder()
                .url_base(url)
                .website_id(WEBSITE_ID)
                .hostname("bench.example.com")
                .build()
                .expect("client");
            let dispatcher = Dispatcher::builder(client)
                .routing(Routing::BatchAll)
                .build()
                .expect("dispatcher");
            let app = hello().layer(UmamiLayer::new(dispatcher.clone()));
            Running {
                addr: serve(app).await,
                finish: Finish::Umami(dispatcher, received),
            }
        }
        "trace-text" | "trace-json" => {
            let (path, file) = log_file(name);
            let builder = tracing_subscriber::fmt()
                .with_max_level(tracing::Level::INFO)
                .with_writer(file);
            if name == "trace-json" {
                builder.json().init();
            } else {
                builder.init();
            }
            Running {
                addr: serve(hello().layer(trace_layer())).await,
                finish: Finish::Log(path),
            }
        }
        "sentry" => {
            let (url, received) = receiver(b"{}", false, None).await;
            let dsn = url.replacen("http://", "http://public@", 1) + "/1";
            let guard = sentry::init(
                sentry::ClientOptions::new()
                    .dsn(&dsn)
                    .traces_sample_rate(1.0),
            );
            assert!(guard.is_enabled(), "sentry not enabled");
            use sentry::integrations::tower::{NewSentryLayer, SentryHttpLayer};
            // axum applies the last layer first: the hub's, then the transaction's.
            let app = hello()
                .layer(SentryHttpLayer::new().enable_transaction())
                .layer(NewSentryLayer::<Request>::new_from_top());
            Running {
                addr: serve(app).await,
                finish: Finish::Sentry(guard, received),
            }
        }
        "posthog" => {
            let needle: &'static [u8] = b"\"$pageview\"";
            let (url, received) = receiver(b"{\"status\":1}", false, count.then_some(needle)).await;
            let client = Arc::new(posthog_rs::client(("phc_bench", url.as_str())).await);
            let app: Router = hello().layer(axum::middleware::from_fn_with_state(
                Arc::clone(&client),
                posthog_pageview,
            ));
            Running {
                addr: serve(app).await,
                finish: Finish::PostHog(client, received),
            }
        }
        "prometheus" => {
            let (layer, _handle) = axum_prometheus::PrometheusMetricLayer::pair();
            Running {
                addr: serve(hello().layer(layer)).await,
                finish: Finish::Nothing,
            }
        }
        other => panic!("unknown server {other:?}; one of {SERVERS:?}"),
    }
}

impl Finish {
    /// What reached the receiver (or the log) after the server's `served` requests, after a
    /// flush: `key=value` pairs for the driver.
    async fn report(self, served: u64) -> String {
        match self {
            Finish::Nothing => String::new(),
            Finish::Log(path) => {
                let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
                let _ = std::fs::remove_file(&path);
                format!("log_bytes={bytes}")
            }
            Finish::Umami(dispatcher, received) => {
                let report = dispatcher.shutdown(Duration::from_secs(10)).await;
                format!(
                    "delivered={} receiver_requests={} receiver_bytes={} ({report})",
                    dispatcher.stats().sent,
                    received.requests(),
                    received.bytes()
                )
            }
            Finish::Sentry(guard, received) => {
                guard.flush(Some(Duration::from_secs(10)));
                // One envelope (one request) per transaction.
                format!(
                    "delivered={} receiver_requests={} receiver_bytes={}",
                    received.requests(),
                    received.requests(),
                    received.bytes()
                )
            }
            Finish::PostHog(client, received) => {
                client.flush().await;
                let delivered = match received.needles() {
                    0 => String::new(),
                    n => format!("delivered={n} "),
                };
                let _ = served;
                format!(
                    "{delivered}receiver_requests={} receiver_bytes={}",
                    received.requests(),
                    received.bytes()
                )
            }
        }
    }
}

/// A child: one server, loaded for a time or a number of requests; prints one `result` line.
async fn child(name: &str, until: Until, connections: usize) {
    let count = matches!(until, Until::Elapsed(_));
    let running = start(name, count).await;
    let warm_up = match until {
        Until::Elapsed(_) => Until::Elapsed(Duration::from_millis(500)),
        Until::Requests(_) => Until::Requests(1_000 / connections as u64 + 1),
    };
    let (warm, _) = load(running.addr, connections, warm_up).await;
    let started = Instant::now();
    let cpu = cpu_seconds();
    let (served, _) = load(running.addr, connections, until).await;
    let cpu = cpu_seconds() - cpu;
    let seconds = started.elapsed().as_secs_f64();
    let delivered = running.finish.report(warm + served).await;
    println!(
        "result {name} served={served} warm_up={warm} seconds={seconds:.3} cpu={cpu:.2} {delivered}"
    );
}

/// One child's `result` line, parsed.
#[derive(Default, Clone)]
struct Run {
    served: u64,
    warm_up: u64,
    seconds: f64,
    cpu: f64,
    delivered: Option<u64>,
    log_bytes: Option<u64>,
    receiver_requests: Option<u64>,
}

fn parse(line: &str) -> Run {
    let mut run = Run::default();
    for pair in line.split_whitespace() {
        let Some((key, value)) = pair.split_once('=') else {
            continue;
        };
        let int = || value.parse::<u64>().ok();
        match key {
            "served" => run.served = int().unwrap_or(0),
            "warm_up" => run.warm_up = int().unwrap_or(0),
            "seconds" => run.seconds = value.parse().unwrap_or(0.0),
            "cpu" => run.cpu = value.parse().unwrap_or(0.0),
            "delivered" => run.delivered = int(),
            "log_bytes" => run.log_bytes = int(),
            "receiver_requests" => run.receiver_requests = int(),
            _ => {}
        }
    }
    run
}

fn median(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}

/// The driver: every server in a child process of its own, round by round.
fn drive(seconds: u64, rounds: u64, connections: usize, servers: &[&str]) {
    let exe = std::env::current_exe().expect("current exe");
    println!(
        "{rounds} rounds x {seconds} s per server, {connections} connections, {} cores, a process per server and round",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); servers.len()];
    for round in 1..=rounds {
        for (i, name) in servers.iter().enumerate() {
            let output = Command::new(&exe)
                .args(["--serve", name, "--seconds", &seconds.to_string()])
                .args(["--connections", &connections.to_string()])
                .output()
                .expect("child");
            let stdout = String::from_utf8_lossy(&output.stdout);
            let Some(line) = stdout.lines().find(|l| l.starts_with("result ")) else {
                panic!(
                    "{name}: no result\n{stdout}\n{}",
                    String::from_utf8_lossy(&output.stderr)
                );
            };
            let run = parse(line);
            println!(
                "round {round}: {name:<11} {:>9.0} req/s",
                run.served as f64 / run.seconds
            );
            runs[i].push(run);
        }
    }
    println!();
    println!(
        "{:<11} {:>9} {:>16} {:>12} {:>11} {:>10}",
        "server", "req/s", "vs bare (min-max)", "CPU µs/req", "CPU +µs", "delivered"
    );
    let rps = |run: &Run| run.served as f64 / run.seconds;
    let cpu = |runs: &[Run]| {
        1e6 * runs.iter().map(|r| r.cpu).sum::<f64>()
            / runs.iter().map(|r| r.served).sum::<u64>().max(1) as f64
    };
    let bare_cpu = cpu(&runs[0]);
    // One machine-readable line per server, for scripts/bench-web-peers.sh.
    let mut summaries = Vec::new();
    for (name, runs_of) in servers.iter().zip(&runs) {
        let (median_rps, _, _) = median(runs_of.iter().map(rps).collect());
        let (ratio, low, high) = median(
            runs_of
                .iter()
                .zip(&runs[0])
                .map(|(run, bare)| 100.0 * rps(run) / rps(bare))
                .collect(),
        );
        // Delivered: of every request served (warm-up included), what reached the receiver.
        let delivered = match runs_of.iter().map(|r| r.delivered).sum::<Option<u64>>() {
            Some(delivered) => {
                let total: u64 = runs_of.iter().map(|r| r.served + r.warm_up).sum();
                format!("{:.1}%", 100.0 * delivered as f64 / total.max(1) as f64)
            }
            None => "-".to_owned(),
        };
        let this_cpu = cpu(runs_of);
        println!(
            "{name:<11} {median_rps:>9.0} {:>16} {this_cpu:>12.1} {:>11.1} {delivered:>10}",
            format!("{ratio:.1}% ({low:.0}-{high:.0})"),
            this_cpu - bare_cpu,
        );
        summaries.push(format!(
            "summary {name} rps={median_rps:.0} ratio={ratio:.1} low={low:.1} high={high:.1} cpu={this_cpu:.2} delivered={delivered}"
        ));
    }
    println!();
    for (name, runs_of) in servers.iter().zip(&runs) {
        let total: u64 = runs_of.iter().map(|r| r.served + r.warm_up).sum();
        if let Some(bytes) = runs_of.iter().map(|r| r.log_bytes).sum::<Option<u64>>() {
            println!(
                "{name}: {:.0} bytes of access log per request",
                bytes as f64 / total.max(1) as f64
            );
        }
        if let Some(requests) = runs_of
            .iter()
            .map(|r| r.receiver_requests)
            .sum::<Option<u64>>()
        {
            println!(
                "{name}: {requests} requests to its receiver for {total} requests served ({:.2} per request)",
                requests as f64 / total.max(1) as f64
            );
        }
    }
    for summary in summaries {
        println!("{summary}");
    }
}

#[tokio::main]
async fn main() {
    let args = umami_bench::args();
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let connections = option("--connections")
        .and_then(|c| c.parse().ok())
        .unwrap_or(32);
    if let Some(name) = option("--serve") {
        let until = match (option("--seconds"), option("--requests")) {
            (Some(seconds), None) => {
                Until::Elapsed(Duration::from_secs(seconds.parse().expect("--seconds")))
            }
            (None, Some(requests)) => {
                let requests: u64 = requests.parse().expect("--requests");
                Until::Requests(requests.div_ceil(connections as u64))
            }
            _ => panic!("--serve NAME needs --seconds S or --requests N"),
        };
        child(&name, until, connections).await;
        return;
    }
    let numbers: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let only = std::env::var("BENCH_WEB_PEERS").ok();
    let servers: Vec<&str> = SERVERS
        .into_iter()
        .filter(|s| only.as_ref().is_none_or(|o| o.split(',').any(|n| n == *s)))
        .collect();
    assert_eq!(
        servers.first(),
        Some(&"bare"),
        "bare must run: the ratios are to it"
    );
    drive(
        numbers.first().copied().unwrap_or(2),
        numbers.get(1).copied().unwrap_or(5),
        numbers.get(2).copied().unwrap_or(32) as usize,
        &servers,
    );
}
