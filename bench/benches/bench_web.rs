//! The cost of `umami::web::UmamiLayer` on an axum hello-world, side by side in one run.
//!
//! ```text
//! cargo bench -p umami-bench --bench bench_web -- [seconds per round] [rounds] [connections]
//! ```
//!
//! Five servers on 127.0.0.1, measured in interleaved rounds (bare, pass, context, layer,
//! stalled, bare, ...) by a Rust load loop of keep-alive HTTP/1.1 connections (hyper's
//! client), each sending `GET /` with a browser User-Agent, `Accept-Language` and `Referer`
//! as fast as it can:
//!
//! - `bare`: the app without the layer;
//! - `pass`: with a tower layer that does nothing (what any layer costs in axum);
//! - `context`: with the layer, `/` excluded from page views: the visitor context and the
//!   handler's `RequestVisitor` are still made for every request, no page view is built;
//! - `layer`: with the layer, its page views queued on a dispatcher (`batch_user_agent_hits`,
//!   as a service with a bot check would run it) that sends them in batches to a receiver
//!   answering like Umami's `/api/batch` at once (a minimal in-process HTTP server: a real
//!   Umami runs elsewhere and costs this machine nothing);
//! - `stalled`: the same, with a receiver that reads each request and never answers: the
//!   dispatcher's queue fills up, `track` refuses the rest at once, the requests must not
//!   notice.
//!
//! Prints throughput, p50/p99 latency and the process's CPU per request (user + system, from
//! `/proc/self/stat`: app, load loop and receiver together) per server, and the ratios to
//! `bare`; then each server's throughput against `bare`'s in the same round (median, min and
//! max over the rounds), the steadier measure on a machine whose speed drifts. With
//! `BENCH_WEB_ONLY=bare,layer` only the servers named run (e.g. to profile one);
//! `BENCH_WEB_BATCH=500` sets the dispatchers' `max_batch_size` (default 100);
//! `BENCH_WEB_REQUESTS=N` has each server serve N requests and measures nothing (for an
//! instruction count under callgrind: `scripts/bench-web-instructions.sh`). Last, the same
//! servers under light load (one connection, one request at a time): the latency a request
//! has when the cores are not saturated.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use umami::web::UmamiLayer;
use umami::{Dispatcher, web::WebStats};

const UA: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

struct Server {
    name: &'static str,
    addr: SocketAddr,
    layer: Option<UmamiLayer>,
    dispatcher: Option<Dispatcher>,
    served: u64,
    elapsed: Duration,
    cpu: f64,
    latencies: Vec<u32>,
    /// Throughput of each round.
    rounds: Vec<f64>,
}

impl Server {
    fn new(
        name: &'static str,
        addr: SocketAddr,
        layer: Option<UmamiLayer>,
        dispatcher: Option<Dispatcher>,
    ) -> Server {
        Server {
            name,
            addr,
            layer,
            dispatcher,
            served: 0,
            elapsed: Duration::ZERO,
            cpu: 0.0,
            latencies: Vec::new(),
            rounds: Vec::new(),
        }
    }
}

/// The process's user + system CPU seconds so far (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
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

async fn serve(app: Router) -> SocketAddr {
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

/// A tower layer that does nothing: what any layer costs in axum, the floor for ours.
#[derive(Clone)]
struct PassLayer;

impl<S> tower::Layer<S> for PassLayer {
    type Service = Pass<S>;

    fn layer(&self, inner: S) -> Pass<S> {
        Pass(inner)
    }
}

/// [`PassLayer`]'s service: calls the inner one.
#[derive(Clone)]
struct Pass<S>(S);

impl<S: tower::Service<R>, R> tower::Service<R> for Pass<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> S::Future {
        self.0.call(request)
    }
}

fn hello() -> Router {
    Router::new().route("/", get(|| async { "Hello, World!" }))
}

/// A receiver for the dispatcher: reads each request's body and answers `/api/batch`'s
/// "every item processed" at once, or, `stalled`, never.
async fn receiver(stalled: bool) -> String {
    use hyper::body::Incoming;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    move |request: http::Request<Incoming>| async move {
                        let body = request.into_body().collect().await?;
                        std::hint::black_box(body);
                        if stalled {
                            std::future::pending::<()>().await;
                        }
                        let answer = http::Response::builder()
                            .header("content-type", "application/json")
                            .body(http_body_util::Full::new(Bytes::from_static(
                                br#"{"errors":0,"details":[]}"#,
                            )))
                            .expect("response");
                        Ok::<_, hyper::Error>(answer)
                    },
                );
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

async fn with_layer(stalled: bool, page_views: bool) -> (SocketAddr, UmamiLayer, Dispatcher) {
    let client = umami::Client::builder()
        .url_base(receiver(stalled).await)
        .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
        .hostname("bench.example.com")
        .build()
        .expect("client");
    let dispatcher = Dispatcher::builder(client)
        .batch_user_agent_hits(true)
        .max_batch_size(
            std::env::var("BENCH_WEB_BATCH")
                .ok()
                .and_then(|b| b.parse().ok())
                .unwrap_or(100),
        )
        .build()
        .expect("dispatcher");
    let mut layer = UmamiLayer::new(dispatcher.clone());
    if !page_views {
        layer = layer.filter(umami::web::RequestFilter::default().exclude_path("/"));
    }
    let addr = serve(hello().layer(layer.clone())).await;
    (addr, layer, dispatcher)
}

/// When a load stops: after a time, or after a number of requests per connection.
#[derive(Clone, Copy)]
enum Until {
    Elapsed(Duration),
    Requests(u64),
}

/// `connections` keep-alive connections hammering `addr` for `duration`: requests done and
/// their latencies in microseconds.
async fn load(addr: SocketAddr, connections: usize, duration: Duration) -> (u64, Vec<u32>) {
    load_until(addr, connections, Until::Elapsed(duration)).await
}

/// [`load`], stopping at `until`.
async fn load_until(addr: SocketAddr, connections: usize, until: Until) -> (u64, Vec<u32>) {
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

fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args: Vec<u64> = umami_bench::args()
        .iter()
        .filter_map(|a| a.parse().ok())
        .collect();
    let seconds = args.first().copied().unwrap_or(3);
    let rounds = args.get(1).copied().unwrap_or(5);
    let connections = args.get(2).copied().unwrap_or(32) as usize;
    let round = Duration::from_secs(seconds);

    let (layer_addr, layer, layer_dispatcher) = with_layer(false, true).await;
    let (stalled_addr, stalled_layer, stalled_dispatcher) = with_layer(true, true).await;
    let (context_addr, context_layer, context_dispatcher) = with_layer(false, false).await;
    let mut servers = vec![
        Server::new("bare", serve(hello()).await, None, None),
        Server::new("pass", serve(hello().layer(PassLayer)).await, None, None),
        Server::new(
            "context",
            context_addr,
            Some(context_layer),
            Some(context_dispatcher),
        ),
        Server::new("layer", layer_addr, Some(layer), Some(layer_dispatcher)),
        Server::new(
            "stalled",
            stalled_addr,
            Some(stalled_layer),
            Some(stalled_dispatcher),
        ),
    ];

    // `BENCH_WEB_ONLY=layer,bare` measures only those servers (for profiling one of them).
    if let Ok(only) = std::env::var("BENCH_WEB_ONLY") {
        servers.retain(|s| only.split(',').any(|name| name == s.name));
    }
    // `BENCH_WEB_REQUESTS=N`: each server serves N requests (after 1,000 of warm-up) and
    // nothing else is measured: for an instruction count (scripts/bench-web-instructions.sh
    // runs this under callgrind), which needs the same work in every run, not the same time.
    if let Some(requests) = std::env::var("BENCH_WEB_REQUESTS")
        .ok()
        .and_then(|n| n.parse::<u64>().ok())
    {
        let per_connection = requests.div_ceil(connections as u64);
        for server in &servers {
            load_until(
                server.addr,
                connections,
                Until::Requests(1_000 / connections as u64 + 1),
            )
            .await;
            let (served, _) =
                load_until(server.addr, connections, Until::Requests(per_connection)).await;
            println!("{}: {served} requests", server.name);
        }
        for server in &servers {
            if let Some(dispatcher) = &server.dispatcher {
                dispatcher.shutdown(Duration::from_secs(5)).await;
            }
        }
        return;
    }
    println!(
        "{rounds} rounds x {seconds} s per server, {connections} connections, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    // Warm-up: one short round each, not counted.
    for server in &servers {
        load(server.addr, connections, Duration::from_millis(500)).await;
    }
    for r in 0..rounds {
        for server in servers.iter_mut() {
            let started = Instant::now();
            let cpu = cpu_seconds();
            let (served, latencies) = load(server.addr, connections, round).await;
            server.cpu += cpu_seconds() - cpu;
            server.elapsed += started.elapsed();
            server.served += served;
            let rps = served as f64 / started.elapsed().as_secs_f64();
            server.rounds.push(rps);
            println!("round {}: {:<8} {:>9.0} req/s", r + 1, server.name, rps);
            server.latencies.extend(latencies);
        }
    }

    println!();
    println!(
        "{:<8} {:>10} {:>8} {:>8} {:>12} {:>10} {:>10} {:>12} {:>11}",
        "server",
        "req/s",
        "p50 µs",
        "p99 µs",
        "vs bare",
        "p50 +µs",
        "p99 +µs",
        "CPU µs/req",
        "CPU +µs"
    );
    let mut bare = None;
    for server in servers.iter_mut() {
        server.latencies.sort_unstable();
        let rps = server.served as f64 / server.elapsed.as_secs_f64();
        let p50 = percentile(&server.latencies, 0.50);
        let p99 = percentile(&server.latencies, 0.99);
        let cpu = server.cpu * 1e6 / server.served.max(1) as f64;
        let (base_rps, base_p50, base_p99, base_cpu) = *bare.get_or_insert((rps, p50, p99, cpu));
        println!(
            "{:<8} {:>10.0} {:>8} {:>8} {:>11.1}% {:>10} {:>10} {:>12.1} {:>11.1}",
            server.name,
            rps,
            p50,
            p99,
            100.0 * rps / base_rps,
            i64::from(p50) - i64::from(base_p50),
            i64::from(p99) - i64::from(base_p99),
            cpu,
            cpu - base_cpu,
        );
    }
    // The machine's speed drifts between rounds (other work shares its cores): each round's
    // ratio to the bare app of the same round, interleaved seconds apart, is the steadier
    // measure.
    println!();
    println!("per-round throughput vs bare of the same round: median (min - max)");
    let bare_rounds = servers[0].rounds.clone();
    for server in &servers[1..] {
        let mut ratios: Vec<f64> = server
            .rounds
            .iter()
            .zip(&bare_rounds)
            .map(|(rps, bare)| 100.0 * rps / bare)
            .collect();
        ratios.sort_by(f64::total_cmp);
        if let (Some(min), Some(max)) = (ratios.first(), ratios.last()) {
            println!(
                "{:<8} {:>6.1}% ({:.1}% - {:.1}%)",
                server.name,
                ratios[ratios.len() / 2],
                min,
                max
            );
        }
    }
    // Light load: one connection, one request at a time, so that the cores are not saturated
    // and a request's latency is its own work, not the queue in front of it.
    let mut light: Vec<Vec<u32>> = vec![Vec::new(); servers.len()];
    for _ in 0..rounds {
        for (server, latencies) in servers.iter().zip(light.iter_mut()) {
            latencies.extend(load(server.addr, 1, round / 2).await.1);
        }
    }
    println!();
    println!(
        "light load (1 connection, {rounds} rounds of {:?} per server): latency µs",
        round / 2
    );
    println!(
        "{:<8} {:>8} {:>8} {:>10} {:>10}",
        "server", "p50", "p99", "p50 +µs", "p99 +µs"
    );
    let mut base = None;
    for (server, latencies) in servers.iter().zip(light.iter_mut()) {
        latencies.sort_unstable();
        let (p50, p99) = (percentile(latencies, 0.50), percentile(latencies, 0.99));
        let (base50, base99) = *base.get_or_insert((p50, p99));
        println!(
            "{:<8} {:>8} {:>8} {:>10} {:>10}",
            server.name,
            p50,
            p99,
            i64::from(p50) - i64::from(base50),
            i64::from(p99) - i64::from(base99)
        );
    }
    println!();
    for server in &servers {
        if let (Some(layer), Some(dispatcher)) = (&server.layer, &server.dispatcher) {
            let WebStats {
                page_views,
                track_errors,
                ..
            } = layer.stats();
            let stats = dispatcher.stats();
            println!(
                "{}: {page_views} page views queued, {track_errors} refused by track (queue full); dispatcher: sent {} failed {} queued {} in flight {}, {} requests to the receiver",
                server.name,
                stats.sent,
                stats.failed.total(),
                stats.queued,
                stats.in_flight,
                stats.requests
            );
        }
    }
    for server in &servers {
        if let Some(dispatcher) = &server.dispatcher {
            dispatcher.shutdown(Duration::from_millis(200)).await;
        }
    }
}
