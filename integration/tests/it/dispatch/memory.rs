//! Memory of the dispatcher's queue: 100,000 queued events of the README's example, with the
//! receiver stalled, measured as RSS growth in a child process (this test binary run again),
//! so that nothing else of the test harness is counted. The figure is printed; the goal is
//! at most 64 MiB, asserted here only with a wide margin (a shared machine's RSS is noisy).

use std::process::Command;
use std::time::Duration;

use serde_json::json;
use umami::{Client, Dispatcher};
use umami_integration::WEBSITE_ID;

const CHILD: &str = "UMAMI_QUEUE_MEMORY_CHILD";
const EVENTS: u64 = 100_000;

/// Resident set size in bytes (Linux `/proc/self/statm`, second field, in pages).
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// The test's name as the harness knows it: its module path without the binary's name.
fn this_test_name() -> String {
    let module = module_path!();
    let path = module.split_once("::").map_or(module, |(_, rest)| rest);
    format!("{path}::hundred_thousand_queued_events_stay_small")
}

#[test]
fn hundred_thousand_queued_events_stay_small() {
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    if rss_bytes().is_none() {
        eprintln!("no /proc/self/statm on this platform: nothing to measure");
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let output = Command::new(exe)
        .args(["--exact", &this_test_name(), "--nocapture"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("queue-rss-growth-bytes "))
        .unwrap_or_else(|| panic!("no figure in {stdout}"));
    let growth: u64 = line["queue-rss-growth-bytes ".len()..]
        .trim()
        .parse()
        .unwrap();
    println!(
        "RSS growth for {EVENTS} queued events: {:.1} MiB ({} bytes per event)",
        growth as f64 / (1024.0 * 1024.0),
        growth / EVENTS
    );
    assert!(growth < 128 * 1024 * 1024, "{growth} bytes");
}

fn child() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // A receiver that accepts connections and never answers: everything stays queued.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        let client = Client::builder()
            .url_base(format!("http://{addr}"))
            .website_id(WEBSITE_ID)
            .hostname("example.com")
            .build()
            .unwrap();
        let dispatcher = Dispatcher::builder(client.clone())
            .capacity(EVENTS as usize + 1)
            .batch_timeout(Duration::from_secs(3600))
            .build()
            .unwrap();
        // Warm up allocator and connection pool with one event, then measure.
        dispatcher
            .track_hit(client.new_event("Purchase-Course").url("/checkout"))
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        let before = rss_bytes().unwrap();
        for _ in 1..EVENTS {
            dispatcher
                .track_hit(
                    client
                        .new_event("Purchase-Course")
                        .url("/checkout")
                        .custom_data(json!({"plan": "pro"})),
                )
                .unwrap();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let after = rss_bytes().unwrap();
        let stats = dispatcher.stats();
        assert_eq!(stats.tracked, EVENTS);
        assert_eq!(stats.sent, 0, "the receiver never answers");
        println!("queue-rss-growth-bytes {}", after.saturating_sub(before));
    });
    // Leave without draining: the receiver never answers.
    std::process::exit(0);
}
