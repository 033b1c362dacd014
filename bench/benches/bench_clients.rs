//! The Rust side of `scripts/bench-clients.sh`: sends N events to a local receiver and prints
//! one JSON line with the count, the wall time and the CPU time of the measured window.
//!
//! Not a test and not part of CI: it only talks to the URL it is given (the script passes a
//! 127.0.0.1 receiver).
//!
//! ```text
//! cargo bench -p umami-bench --bench bench_clients -- <mode> <n> <concurrency> <url>
//!   mode: direct    client.new_event(..).send().await, <concurrency> in flight
//!         typed     a #[derive(UmamiEvent)] struct's .send(&client).await, <concurrency> in flight
//!         dispatch  Dispatcher::track(..) n times, then flush(); <concurrency> is the
//!                   dispatcher's max_concurrent_requests (0: its default); env
//!                   BENCH_BATCH_SIZE sets max_batch_size (default: the dispatcher's)
//!         reqwest   the HTTP floor: a bare reqwest POST of the same body (serialized once)
//!                   with the same headers, answer read but not parsed; no umami code per event
//!         body      print the JSON body of one benchmark event (for wrk) and exit:
//!                   bench_clients body <url>
//!         modes     print the modes this build can measure
//! ```
//!
//! Every mode sends the same event as the Python and Node peers: `Purchase-Course` at
//! `/checkout` with custom data `{"plan": "pro"}`, website and hostname from the client.
//! Before the measured window, `warmup` events (reported in the output, and sent to the same
//! receiver) open the connections.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use umami::{Dispatcher, UmamiEvent};

const EVENT_NAME: &str = "Purchase-Course";
const EVENT_URL: &str = "/checkout";
const HOSTNAME: &str = "example.com";

/// The benchmark event as a type: the same name, url and data as the builder sends.
#[derive(UmamiEvent)]
#[umami(name = "Purchase-Course", url = "/checkout")]
struct PurchaseCourse {
    plan: String,
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: bench_clients <direct|typed|dispatch|reqwest> <n> <concurrency> <url>\n       \
         bench_clients body <url>"
    );
    ExitCode::from(2)
}

/// User + system CPU of the whole process so far, in clock ticks (`/proc/self/stat` fields
/// 14 and 15; the counters `getrusage(RUSAGE_SELF)` reads).
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) may hold spaces; the fields after it are plain numbers.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // `rest` starts at field 3 (state), so field 14 is index 11.
    field(11) + field(12)
}

/// CPU time of all the process's threads so far, in nanoseconds: the sum of the first field
/// of `/proc/self/task/*/schedstat`. Finer than the clock ticks above (10 ms), which a short
/// run can stay under. Threads that ended are missing, so it is read while the runtime's
/// threads are alive.
fn cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

fn client(url: &str) -> Result<umami::Client, umami::Error> {
    umami::Client::builder()
        .url_base(url)
        .website_id(umami_bench::WEBSITE_ID)
        .hostname(HOSTNAME)
        .build()
}

/// The benchmark event through the builder API, as a user writes it.
fn builder_event(client: &umami::Client) -> umami::hit::NewEvent {
    client
        .new_event(EVENT_NAME)
        .url(EVENT_URL)
        .custom_data(json!({"plan": "pro"}))
}

/// What one benchmark event is sent through.
#[derive(Clone)]
enum Sender {
    Direct(umami::Client),
    Typed(umami::Client),
    /// The floor: what any reqwest-based client pays per request.
    Reqwest {
        http: reqwest::Client,
        url: reqwest::Url,
        /// Serialized once; each request copies it into its own buffer, as a client that
        /// serializes per event allocates one.
        body: Arc<[u8]>,
    },
}

impl Sender {
    async fn send(&self) -> Result<(), String> {
        match self {
            Sender::Direct(client) => builder_event(client)
                .send()
                .await
                .map(drop)
                .map_err(|e| e.to_string()),
            Sender::Typed(client) => {
                let event = PurchaseCourse {
                    plan: "pro".to_owned(),
                };
                event
                    .send(client)
                    .await
                    .map(drop)
                    .map_err(|e| e.to_string())
            }
            Sender::Reqwest { http, url, body } => {
                let response = http
                    .post(url.clone())
                    .header("user-agent", umami::DEFAULT_USER_AGENT)
                    .header("content-type", "application/json")
                    .body(body.to_vec())
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let status = response.status();
                let answer = response.bytes().await.map_err(|e| e.to_string())?;
                if status.is_success() && !answer.is_empty() {
                    Ok(())
                } else {
                    Err(format!("status {status}"))
                }
            }
        }
    }
}

/// Sends `n` events with `concurrency` tasks, each taking the next event until `n` are
/// taken; returns (ok, errors).
async fn run_direct(sender: &Sender, n: usize, concurrency: usize) -> (u64, u64) {
    let next = Arc::new(AtomicUsize::new(0));
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency.max(1) {
        let (sender, next, ok, failed) = (sender.clone(), next.clone(), ok.clone(), failed.clone());
        tasks.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                match sender.send().await {
                    Ok(()) => ok.fetch_add(1, Ordering::Relaxed),
                    Err(e) => {
                        if failed.fetch_add(1, Ordering::Relaxed) == 0 {
                            eprintln!("bench_clients: first error: {e}");
                        }
                        0
                    }
                };
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    (ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed))
}

/// A bare reqwest client set up as the runtime's own (keep-alive pool, `TCP_NODELAY`), and
/// the benchmark event's body serialized once.
fn reqwest_floor(client: &umami::Client, base: &str) -> Result<Sender, String> {
    let hit = builder_event(client).prepare().map_err(|e| e.to_string())?;
    let body = serde_json::to_vec(&hit.to_json()).map_err(|e| e.to_string())?;
    let http = reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_nodelay(true)
        .build()
        .map_err(|e| e.to_string())?;
    let url = reqwest::Url::parse(&format!("{}/api/send", base.trim_end_matches('/')))
        .map_err(|e| e.to_string())?;
    Ok(Sender::Reqwest {
        http,
        url,
        body: body.into(),
    })
}

/// The outcome of one measured window.
struct Outcome {
    warmup: usize,
    warmup_ok: u64,
    warmup_errors: u64,
    ok: u64,
    errors: u64,
    wall_s: f64,
    cpu_ns: u64,
    cpu_ticks: u64,
    extra: Value,
}

/// Runs `window` after `warm`, timing only `window`.
async fn timed<F: std::future::Future<Output = (u64, u64, Value)>>(
    warmup: usize,
    warm: (u64, u64),
    window: F,
) -> Outcome {
    let (ticks0, ns0) = (cpu_ticks(), cpu_ns());
    let start = Instant::now();
    let (ok, errors, extra) = window.await;
    let wall_s = start.elapsed().as_secs_f64();
    let (ns1, ticks1) = (cpu_ns(), cpu_ticks());
    Outcome {
        warmup,
        warmup_ok: warm.0,
        warmup_errors: warm.1,
        ok,
        errors,
        wall_s,
        cpu_ns: ns1.saturating_sub(ns0),
        cpu_ticks: ticks1 - ticks0,
        extra,
    }
}

async fn measure_direct(sender: Sender, n: usize, concurrency: usize) -> Outcome {
    // Warm-up: open the connections the measured window will reuse.
    let warmup = concurrency.max(10);
    let warm = run_direct(&sender, warmup, concurrency).await;
    timed(warmup, warm, async {
        let (ok, errors) = run_direct(&sender, n, concurrency).await;
        (ok, errors, Value::Null)
    })
    .await
}

/// Tracks `n` events and waits for the queue to drain: the dispatcher's throughput and the
/// CPU of producing, batching and sending together.
async fn measure_dispatch(
    client: umami::Client,
    n: usize,
    requests: usize,
) -> Result<Outcome, String> {
    let mut builder = Dispatcher::builder(client.clone())
        // Room for every event: the producer below never waits, so the window measures how
        // fast the queue drains, not how often a full queue refused an event.
        .capacity(n.max(1));
    if requests > 0 {
        builder = builder.max_concurrent_requests(requests);
    }
    if let Some(batch) = std::env::var("BENCH_BATCH_SIZE")
        .ok()
        .and_then(|b| b.parse().ok())
    {
        builder = builder.max_batch_size(batch);
    }
    let dispatcher = builder.build().map_err(|e| e.to_string())?;

    let warmup = 1_000.min(n.max(1));
    let mut warm_failed = 0;
    for _ in 0..warmup {
        if dispatcher.track_hit(builder_event(&client)).is_err() {
            warm_failed += 1;
        }
    }
    dispatcher.flush().await;
    let before = dispatcher.stats();
    let warm = (before.sent, warmup as u64 - before.sent + warm_failed);

    let outcome = timed(warmup, warm, async {
        let mut refused = 0_u64;
        for _ in 0..n {
            if let Err(e) = dispatcher.track_hit(builder_event(&client)) {
                if refused == 0 {
                    eprintln!("bench_clients: first refused event: {e}");
                }
                refused += 1;
            }
        }
        dispatcher.flush().await;
        let after = dispatcher.stats();
        let sent = after.sent - before.sent;
        let requests = after.requests - before.requests;
        let errors = n as u64 - sent;
        if errors > 0 {
            eprintln!("bench_clients: {errors} events not delivered: {after:?}");
        }
        (
            sent,
            errors,
            json!({"requests": requests, "refused": refused, "retried": after.retried}),
        )
    })
    .await;
    let report = dispatcher.shutdown(Duration::from_secs(30)).await;
    if !report.all_delivered() {
        eprintln!("bench_clients: {report}");
    }
    Ok(outcome)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = umami_bench::args();
    match args.first().map(String::as_str) {
        Some("body") if args.len() == 2 => {
            return match client(&args[1]).and_then(|c| builder_event(&c).prepare()) {
                Ok(hit) => {
                    println!("{}", hit.to_json());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("bench_clients: {e}");
                    ExitCode::FAILURE
                }
            };
        }
        Some("modes") => {
            println!("direct,typed,dispatch,reqwest");
            return ExitCode::SUCCESS;
        }
        Some("direct" | "typed" | "dispatch" | "reqwest") if args.len() == 4 => {}
        _ => return usage(),
    }
    let mode = args[0].as_str();
    let (Ok(n), Ok(concurrency)) = (args[1].parse::<usize>(), args[2].parse::<usize>()) else {
        return usage();
    };
    let client = match client(&args[3]) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bench_clients: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match mode {
        "direct" => Ok(measure_direct(Sender::Direct(client), n, concurrency).await),
        "typed" => Ok(measure_direct(Sender::Typed(client), n, concurrency).await),
        "dispatch" => measure_dispatch(client, n, concurrency).await,
        _ => match reqwest_floor(&client, &args[3]) {
            Ok(sender) => Ok(measure_direct(sender, n, concurrency).await),
            Err(e) => Err(e),
        },
    };
    let o = match outcome {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench_clients: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{}",
        json!({
            "client": "rust",
            "mode": mode,
            "n": n,
            "concurrency": concurrency,
            "warmup": o.warmup,
            "warmup_ok": o.warmup_ok,
            "warmup_errors": o.warmup_errors,
            "ok": o.ok,
            "errors": o.errors,
            "wall_s": o.wall_s,
            "cpu_threads_ns": o.cpu_ns,
            "cpu_ticks": o.cpu_ticks,
            "extra": o.extra,
        })
    );
    if o.errors == 0 && o.warmup_errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
