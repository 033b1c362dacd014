//! The dispatcher's spool side by side with the in-memory queue, in one run:
//! events/s through `track` + drain, recovery time for 1 M pending events, and resident
//! memory from 0 to 1 M pending.
//!
//! ```text
//! cargo bench -p umami-bench --bench bench_spool -- /path/on/the/disk/to/measure
//! ```
//!
//! The receiver (hyper, HTTP/1.1, on 127.0.0.1 in the same process) answers `/api/batch` like
//! Umami 3 and counts the items, storing nothing, so the numbers measure the client. Modes
//! are interleaved round by round (3 rounds); each prints its median and min–max.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde::de::IgnoredAny;
use serde_json::json;
use tokio::net::TcpListener;
use umami::dispatch::RetryPolicy;
use umami::dispatch::spool::{Durability, SpoolConfig};
use umami::{Client, Dispatcher};

const EVENTS: u64 = 200_000;
const PENDING: u64 = 1_000_000;

async fn receiver(received: Arc<AtomicU64>) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let received = received.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let received = received.clone();
                    async move {
                        let body = req.into_body().collect().await?.to_bytes();
                        let items: Vec<IgnoredAny> =
                            serde_json::from_slice(&body).unwrap_or_default();
                        received.fetch_add(items.len() as u64, Ordering::Relaxed);
                        let answer = json!({"size": items.len(), "processed": items.len(),
                                            "errors": 0, "details": []})
                        .to_string();
                        Ok::<_, hyper::Error>(Response::new(Full::new(Bytes::from(answer))))
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

fn client(url: &str) -> Client {
    Client::builder()
        .url_base(url)
        .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
        .hostname("example.com")
        .build()
        .unwrap()
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Memory,
    SpoolOs,
    SpoolSync,
}

/// Tracks `EVENTS` events and waits until the receiver has them all; events/s.
async fn throughput(mode: Mode, url: &str, dir: &Path, received: &AtomicU64) -> f64 {
    let _ = std::fs::remove_dir_all(dir);
    let mut builder = Dispatcher::builder(client(url)).max_batch_size(500);
    builder = match mode {
        // Room for every event: the in-memory queue never refuses one here.
        Mode::Memory => builder.capacity(EVENTS as usize),
        Mode::SpoolOs => builder
            .capacity(10_000)
            .spool(SpoolConfig::new(dir).durability(Durability::Os)),
        Mode::SpoolSync => builder
            .capacity(10_000)
            .spool(SpoolConfig::new(dir).durability(Durability::Sync)),
    };
    let dispatcher = builder.build().unwrap();
    let c = dispatcher.client().clone();
    let before = received.load(Ordering::Relaxed);
    let start = Instant::now();
    for n in 0..EVENTS {
        dispatcher
            .track_hit(
                c.new_event("Purchase-Course")
                    .url("/checkout")
                    .custom_data(json!({"plan": "pro", "n": n})),
            )
            .unwrap();
    }
    if mode == Mode::SpoolSync {
        dispatcher.sync_spool().await;
    }
    dispatcher.flush().await;
    let elapsed = start.elapsed();
    let report = dispatcher.shutdown(Duration::from_secs(30)).await;
    assert!(report.all_delivered(), "{mode:?}: {report}");
    assert_eq!(
        received.load(Ordering::Relaxed) - before,
        EVENTS,
        "{mode:?}"
    );
    if let Some(spool) = report.stats.spool {
        assert_eq!(spool.pending, 0);
        if mode == Mode::SpoolSync {
            eprintln!(
                "  {mode:?}: {} group commits for {EVENTS} events",
                spool.syncs
            );
        }
    }
    EVENTS as f64 / elapsed.as_secs_f64()
}

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let base: PathBuf = umami_bench::args().first().map_or_else(
        || std::env::temp_dir().join("umami-bench-spool"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&base).unwrap();
    let received = Arc::new(AtomicU64::new(0));
    let addr = receiver(received.clone()).await;
    let url = format!("http://{addr}");

    // 1. Throughput, interleaved.
    let modes = [Mode::Memory, Mode::SpoolOs, Mode::SpoolSync];
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); modes.len()];
    for round in 0..3 {
        for (i, mode) in modes.iter().enumerate() {
            let rate = throughput(*mode, &url, &base.join("throughput"), &received).await;
            eprintln!("round {round} {mode:?}: {rate:.0} events/s");
            rates[i].push(rate);
        }
    }
    let memory = median(rates[0].clone()).0;
    println!("| mode | events/s (median of 3) | min–max | vs in-memory |");
    println!("|---|---:|---:|---:|");
    for (i, mode) in modes.iter().enumerate() {
        let (med, min, max) = median(rates[i].clone());
        println!(
            "| {mode:?} | {med:.0} | {min:.0}–{max:.0} | {:.2} |",
            med / memory
        );
    }

    // 2. RSS from 0 to 1 M pending (the server unreachable: nothing is settled), then the
    //    recovery time of those 1 M.
    let dir = base.join("pending");
    let _ = std::fs::remove_dir_all(&dir);
    let unreachable = client("http://127.0.0.1:9");
    let rss_before = rss_mib();
    let dispatcher = Dispatcher::builder(unreachable.clone())
        .retry_policy(RetryPolicy::default().max_retries(1_000_000))
        .spool(SpoolConfig::new(&dir).max_bytes(4 * 1024 * 1024 * 1024))
        .build()
        .unwrap();
    let start = Instant::now();
    let mut rss_samples = Vec::new();
    for n in 0..PENDING {
        dispatcher
            .track_hit(
                unreachable
                    .new_event("Purchase-Course")
                    .url("/checkout")
                    .custom_data(json!({"plan": "pro", "n": n})),
            )
            .unwrap();
        if n % 100_000 == 0 {
            rss_samples.push(rss_mib());
        }
    }
    let fill = start.elapsed();
    let rss_after = rss_mib();
    let stats = dispatcher.stats();
    let spool = stats.spool.unwrap();
    println!();
    println!(
        "1 M pending (server unreachable): tracked in {:.2} s ({:.0} events/s); spool {} events, \
         {:.0} MiB on disk; RSS {rss_before:.1} MiB at 0 pending, {rss_after:.1} MiB at 1 M \
         (samples every 100 k: {}); max-min over the run {:.1} MiB",
        fill.as_secs_f64(),
        PENDING as f64 / fill.as_secs_f64(),
        spool.pending,
        spool.bytes as f64 / 1048576.0,
        rss_samples
            .iter()
            .map(|r| format!("{r:.1}"))
            .collect::<Vec<_>>()
            .join(", "),
        rss_samples.iter().copied().fold(f64::MIN, f64::max)
            - rss_samples.iter().copied().fold(f64::MAX, f64::min),
    );
    let report = dispatcher.shutdown(Duration::from_millis(500)).await;
    drop(report);
    drop(dispatcher);

    // Recovery: open the spool with 1 M pending (the scan), then drain them to the receiver.
    let before = received.load(Ordering::Relaxed);
    let start = Instant::now();
    let dispatcher = Dispatcher::builder(client(&url))
        .max_batch_size(500)
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    let opened = start.elapsed();
    let recovered = dispatcher.stats().spool.unwrap().recovered;
    dispatcher.flush().await;
    let drained = start.elapsed();
    let report = dispatcher.shutdown(Duration::from_secs(30)).await;
    assert!(report.all_delivered(), "{report}");
    let got = received.load(Ordering::Relaxed) - before;
    println!(
        "recovery of {recovered} pending: spool opened (scan) in {:.3} s; all {got} delivered \
         {:.2} s after the start ({:.0} events/s); RSS {:.1} MiB at the end",
        opened.as_secs_f64(),
        drained.as_secs_f64(),
        got as f64 / drained.as_secs_f64(),
        rss_mib()
    );
    let _ = std::fs::remove_dir_all(&base);
}
