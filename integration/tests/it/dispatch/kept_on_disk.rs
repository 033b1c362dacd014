//! Issue 23, item 6: with a spool, events left at shutdown stay on disk and the next start
//! delivers them: the report counts them as kept on disk, not as failed.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;
use umami::dispatch::RetryPolicy;
use umami::dispatch::spool::SpoolConfig;
use umami::{Client, Dispatcher};
use umami_integration::client;
use umami_test::Collector;

/// Port 9 refuses connections: Umami is down.
fn down() -> Client {
    client("http://127.0.0.1:9")
}

fn patient() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(1000)
        .initial_backoff(Duration::from_millis(50))
}

async fn track_four(dispatcher: &Dispatcher) {
    let client = dispatcher.client().clone();
    for n in 0..4_u64 {
        dispatcher
            .track_hit(client.new_event("Kept").custom_data(json!({"n": n})))
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shutdown_while_umami_is_down_keeps_the_events_on_disk_and_the_next_start_sends_them() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("issue23-kept-on-disk");
    let _ = std::fs::remove_dir_all(&dir);
    let dispatcher = Dispatcher::builder(down())
        .retry_policy(patient())
        .flush_interval(Duration::ZERO)
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    track_four(&dispatcher).await;
    let report = dispatcher.shutdown(Duration::from_millis(300)).await;
    let stats = &report.stats;
    assert_eq!(
        (stats.tracked, stats.sent, stats.kept_on_disk),
        (4, 0, 4),
        "{report}"
    );
    assert_eq!(stats.failed.total(), 0, "{report}");
    assert!(stats.recent_failures.is_empty(), "{report}");
    assert_eq!(stats.spool.unwrap().pending, 4);
    assert!(report.timed_out);
    assert!(report.nothing_lost(), "{report}");
    assert!(!report.all_delivered(), "not delivered yet: {report}");
    let text = report.to_string();
    assert!(
        text.starts_with(
            "tracked 4, sent 0, failed 0, kept on disk 4 (sent at the next start), dropped 0, \
             retried "
        ),
        "{text}"
    );
    assert!(
        text.contains(", spool: 4 pending on disk, 0 recovered, 0 corrupt skipped (timed out"),
        "{text}"
    );
    assert!(!text.contains("abandoned"), "{text}");
    drop(dispatcher);

    let collector = Collector::start().await.unwrap();
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    assert_eq!(dispatcher.stats().spool.unwrap().recovered, 4);
    dispatcher.flush().await;
    let report = dispatcher.shutdown(Duration::from_secs(5)).await;
    assert!(report.all_delivered(), "{report}");
    assert!(report.nothing_lost(), "{report}");
    assert_eq!(report.stats.kept_on_disk, 0);
    let mut sent: Vec<u64> = collector
        .hits()
        .iter()
        .map(|h| h.data().unwrap()["n"].as_u64().unwrap())
        .collect();
    sent.sort_unstable();
    assert_eq!(sent, [0, 1, 2, 3]);
}

/// Without a spool nothing survives the process: what is left is abandoned, a failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_spool_what_is_left_at_shutdown_is_abandoned() {
    let dispatcher = Dispatcher::builder(down())
        .retry_policy(patient())
        .flush_interval(Duration::ZERO)
        .build()
        .unwrap();
    track_four(&dispatcher).await;
    let report = dispatcher.shutdown(Duration::from_millis(300)).await;
    assert_eq!(report.stats.failed.abandoned, 4, "{report}");
    assert_eq!(report.stats.kept_on_disk, 0, "{report}");
    assert!(!report.nothing_lost(), "{report}");
    assert!(!report.all_delivered(), "{report}");
    assert!(
        report
            .to_string()
            .starts_with("tracked 4, sent 0, failed 4 (abandoned at shutdown: 4), dropped 0"),
        "{report}"
    );
}
