//! Issue 23, item 7: after a crash, only events whose request may have reached the server
//! count as possible duplicates. A request that never connected cannot have been stored.
//! (The crash is a shutdown that times out while the events wait for their next retry: it
//! leaves the spool's files as a kill -9 at that moment would.)

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use umami::Dispatcher;
use umami::dispatch::RetryPolicy;
use umami::dispatch::spool::SpoolConfig;
use umami_integration::client;
use umami_test::Collector;

fn spool_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("issue23-dups-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Ten events in one full batch, sent at once, retried with backoffs of 150 ms and more
/// (300 ms, jitter taking up to half off, doubling).
async fn track_a_batch(url: &str, dir: &Path) -> Dispatcher {
    let dispatcher = Dispatcher::builder(client(url))
        .capacity(10)
        .max_batch_size(10)
        .flush_interval(Duration::from_secs(3600))
        .retry_policy(
            RetryPolicy::default()
                .max_retries(1000)
                .initial_backoff(Duration::from_millis(300)),
        )
        .spool(SpoolConfig::new(dir))
        .build()
        .unwrap();
    let client = dispatcher.client().clone();
    for n in 0..10_u64 {
        dispatcher
            .track_hit(client.new_event("Dup").custom_data(json!({"n": n})))
            .unwrap();
    }
    dispatcher
}

/// Waits until `n` requests failed. The failure is counted, and the spool's mark written,
/// before the batch waits for its next retry: the shutdown that follows lands in that wait,
/// not in a request.
async fn wait_for_failed_requests(dispatcher: &Dispatcher, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while dispatcher.stats().failed_requests < n {
        assert!(Instant::now() < deadline, "{:?}", dispatcher.stats());
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Reopens the spool against a working collector: (recovered, possible duplicates).
async fn restart(dir: &Path) -> (u64, u64, u64) {
    let collector = Collector::start().await.unwrap();
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .spool(SpoolConfig::new(dir))
        .build()
        .unwrap();
    let stats = dispatcher.stats();
    let spool = stats.spool.unwrap();
    dispatcher.flush().await;
    let report = dispatcher.shutdown(Duration::from_secs(5)).await;
    assert!(report.all_delivered(), "{report}");
    assert_eq!(collector.hits().len(), 10);
    (
        spool.recovered,
        spool.recovered_possible_duplicates,
        stats.possible_duplicates,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connections_leave_no_possible_duplicates_after_a_crash() {
    let dir = spool_dir("refused");
    // Port 9 refuses connections.
    let dispatcher = track_a_batch("http://127.0.0.1:9", &dir).await;
    wait_for_failed_requests(&dispatcher, 3).await;
    let report = dispatcher.shutdown(Duration::from_millis(20)).await;
    assert_eq!(report.stats.kept_on_disk, 10, "{report}");
    assert!(report.stats.retried >= 20, "{report}");
    assert_eq!(report.stats.possible_duplicates, 0, "{report}");
    drop(dispatcher);
    assert_eq!(restart(&dir).await, (10, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_that_may_have_stored_still_count_after_a_crash() {
    let dir = spool_dir("500");
    // A 500 from Umami may come after part of a batch was stored.
    let collector = Collector::start().await.unwrap();
    collector.fail_next(1000, 500);
    let dispatcher = track_a_batch(collector.url(), &dir).await;
    wait_for_failed_requests(&dispatcher, 2).await;
    let report = dispatcher.shutdown(Duration::from_millis(20)).await;
    assert_eq!(report.stats.kept_on_disk, 10, "{report}");
    assert!(report.stats.possible_duplicates >= 10, "{report}");
    drop(dispatcher);
    assert_eq!(restart(&dir).await, (10, 10, 10));
}
