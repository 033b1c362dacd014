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
//! - `layer`: with the layer, its page views queued on a dispatcher (`Routing::BatchAll`,
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

use umami::dispatch::Routing;
use umami::web::UmamiLayer;
use umami::{Dispatcher, web::WebStats};
use umami_bench::{
    UMAMI_BATCH_ANSWER, Until, WEBSITE_ID, cpu_seconds, hello, load, percentile, receiver, serve,
};

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

async fn with_layer(stalled: bool, page_views: bool) -> (SocketAddr, UmamiLayer, Dispatcher) {
    let client = umami::Client::builder()
        .url_base(receiver(UMAMI_BATCH_ANSWER, stalled, None).await.0)
        .website_id(WEBSITE_ID)
        .hostname("bench.example.com")
        .build()
        .expect("client");
    let dispatcher = Dispatcher::builder(client)
        .routing(Routing::BatchAll)
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
            load(
                server.addr,
                connections,
                Until::Requests(1_000 / connections as u64 + 1),
            )
            .await;
            let (served, _) = load(server.addr, connections, Until::Requests(per_connection)).await;
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
        load(
            server.addr,
            connections,
            Until::Elapsed(Duration::from_millis(500)),
        )
        .await;
    }
    for r in 0..rounds {
        for server in servers.iter_mut() {
            let started = Instant::now();
            let cpu = cpu_seconds();
            let (served, latencies) = load(server.addr, connections, Until::Elapsed(round)).await;
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
            latencies.extend(load(server.addr, 1, Until::Elapsed(round / 2)).await.1);
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
