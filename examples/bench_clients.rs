//! The Rust side of `scripts/bench-clients.sh`: sends N events to a local receiver and prints
//! one JSON line with the count, the wall time and the CPU time of the measured window.
//!
//! Not a test and not part of CI: it only talks to the URL it is given (the script passes a
//! 127.0.0.1 receiver).
//!
//! ```text
//! cargo run --release --example bench_clients -- <mode> <n> <concurrency> <url>
//!   mode: direct   client.new_event(..).send().await, <concurrency> in flight
//!         reqwest  the HTTP floor: a bare reqwest POST of the same body (serialized once) with
//!                  the same headers, answer read but not parsed; no umami code per event
//!         body     print the JSON body of one benchmark event (for wrk) and exit
//! ```
//!
//! Every mode sends the same event as the Python and Node peers: `Purchase-Course` at
//! `/checkout` with custom data `{"plan": "pro"}`, website and hostname from the client.
//! Before the measured window, `warmup` events (reported in the output) open the connections.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use serde_json::json;

const EVENT_NAME: &str = "Purchase-Course";
const EVENT_URL: &str = "/checkout";
const HOSTNAME: &str = "example.com";

fn usage() -> ExitCode {
    eprintln!(
        "usage: bench_clients <direct> <n> <concurrency> <url>\n       bench_clients body <url>"
    );
    ExitCode::from(2)
}

/// User and system CPU of the whole process so far, in clock ticks (`/proc/self/stat`
/// fields 14 and 15; the same counters `getrusage(RUSAGE_SELF)` reads).
fn cpu_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name (field 2) may hold spaces; fields after it are plain numbers.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |i: usize| fields.get(i).and_then(|f| f.parse().ok()).unwrap_or(0);
    // `rest` starts at field 3 (state), so field 14 is index 11.
    (field(11), field(12))
}

/// CPU time of all the process's threads so far, in nanoseconds: the sum of the first field of
/// `/proc/self/task/*/schedstat`. Finer than the clock ticks above (10 ms), which a short
/// sequential run can stay under. Threads that ended are missing, so it is read while the
/// runtime's threads are alive.
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
        .website_id(umami_workspace::WEBSITE_ID)
        .hostname(HOSTNAME)
        .build()
}

/// One event through the builder API, as a user writes it.
async fn send_direct(client: &umami::Client) -> Result<(), umami::Error> {
    client
        .new_event(EVENT_NAME)
        .url(EVENT_URL)
        .custom_data(json!({"plan": "pro"}))
        .send()
        .await
        .map(drop)
}

/// What one benchmark event is sent through.
#[derive(Clone)]
enum Sender {
    Direct(umami::Client),
    /// The floor: what any reqwest-based client pays per request.
    Reqwest {
        http: reqwest::Client,
        url: reqwest::Url,
        /// Serialized once; each request copies it into its own buffer, as a client that
        /// serializes per event would allocate one.
        body: Arc<[u8]>,
    },
}

impl Sender {
    async fn send(&self) -> Result<(), String> {
        match self {
            Sender::Direct(client) => send_direct(client).await.map_err(|e| e.to_string()),
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

/// Sends `n` events with `concurrency` tasks, each taking the next event number until `n`
/// are taken; returns (ok, errors).
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

/// A bare reqwest client set up as the runtime's own (keep-alive pool, `TCP_NODELAY`), and the
/// benchmark event's body serialized once.
fn reqwest_floor(client: &umami::Client, base: &str) -> Result<Sender, String> {
    let hit = client
        .new_event(EVENT_NAME)
        .url(EVENT_URL)
        .custom_data(json!({"plan": "pro"}))
        .prepare()
        .map_err(|e| e.to_string())?;
    let body = serde_json::to_vec(&hit.to_json()).map_err(|e| e.to_string())?;
    let http = reqwest::Client::builder()
        .pool_idle_timeout(std::time::Duration::from_secs(90))
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

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("body") if args.len() == 2 => {
            let hit = match client(&args[1]).and_then(|c| {
                c.new_event(EVENT_NAME)
                    .url(EVENT_URL)
                    .custom_data(json!({"plan": "pro"}))
                    .prepare()
            }) {
                Ok(hit) => hit,
                Err(e) => {
                    eprintln!("bench_clients: {e}");
                    return ExitCode::FAILURE;
                }
            };
            println!("{}", hit.to_json());
            return ExitCode::SUCCESS;
        }
        Some("direct" | "reqwest") if args.len() == 4 => {}
        _ => return usage(),
    }
    let mode = args[0].clone();
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
    let sender = match mode.as_str() {
        "reqwest" => match reqwest_floor(&client, &args[3]) {
            Ok(sender) => sender,
            Err(e) => {
                eprintln!("bench_clients: {e}");
                return ExitCode::FAILURE;
            }
        },
        _ => Sender::Direct(client),
    };

    // Warm-up: open the connections the measured window will reuse.
    let warmup = concurrency.max(10);
    let (warm_ok, warm_failed) = run_direct(&sender, warmup, concurrency).await;

    let (u0, s0) = cpu_ticks();
    let ns0 = cpu_ns();
    let start = Instant::now();
    let (ok, failed) = run_direct(&sender, n, concurrency).await;
    let wall = start.elapsed().as_secs_f64();
    let ns1 = cpu_ns();
    let (u1, s1) = cpu_ticks();

    println!(
        "{}",
        json!({
            "client": "rust",
            "mode": mode,
            "n": n,
            "concurrency": concurrency,
            "warmup": warmup,
            "warmup_ok": warm_ok,
            "warmup_errors": warm_failed,
            "ok": ok,
            "errors": failed,
            "wall_s": wall,
            "cpu_user_ticks": u1 - u0,
            "cpu_sys_ticks": s1 - s0,
            "cpu_threads_ns": ns1.saturating_sub(ns0),
        })
    );
    if failed == 0 && warm_failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
