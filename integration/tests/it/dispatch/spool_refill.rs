//! Issue 23, item 4: `flush()` must not wait forever while events wait on the spool's disk.
//! The reader thread that moves events from disk into memory is asked for more when room
//! frees up; these tests make room free up in the ways that once went unnoticed.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;
use umami::Dispatcher;
use umami::dispatch::spool::SpoolConfig;
use umami_integration::client;
use umami_test::Collector;

fn spool_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("issue23-refill-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Memory holds exactly one batch: when that batch is answered, its room frees up only as
/// it settles, and the reader must be asked for the events still on disk then.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_that_filled_memory_makes_room_for_the_events_on_disk() {
    let dir = spool_dir("one-batch");
    let collector = Collector::start().await.unwrap();
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .capacity(10)
        .max_batch_size(10)
        .flush_interval(Duration::ZERO)
        .spool(SpoolConfig::new(&dir).segment_bytes(4096))
        .build()
        .unwrap();
    let client = dispatcher.client().clone();
    for n in 0..50_u64 {
        dispatcher
            .track_hit(client.new_event("Many").custom_data(json!({"n": n})))
            .unwrap();
    }
    assert!(
        dispatcher.flush_timeout(Duration::from_secs(20)).await,
        "flush did not return: {:?}",
        dispatcher.stats()
    );
    let report = dispatcher.shutdown(Duration::from_secs(5)).await;
    assert!(report.all_delivered(), "{report}");
    let mut got: Vec<u64> = collector
        .hits()
        .iter()
        .map(|h| h.data().unwrap()["n"].as_u64().unwrap())
        .collect();
    got.sort_unstable();
    assert_eq!(got, (0..50).collect::<Vec<_>>());
}

/// Events read back after a restart that all turn out expired settle without a request:
/// the reader then wakes the worker, so that a shutdown already waiting for the disk does
/// not run into its timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shutdown_right_after_opening_a_spool_of_expired_events_finishes_at_once() {
    let dir = spool_dir("expired");
    {
        // Port 9 refuses connections: the events stay in the spool.
        let dispatcher = Dispatcher::builder(client("http://127.0.0.1:9"))
            .flush_interval(Duration::from_secs(3600))
            .spool(SpoolConfig::new(&dir))
            .build()
            .unwrap();
        let client = dispatcher.client().clone();
        for n in 0..5_u64 {
            dispatcher
                .track_hit(client.new_event("Old").custom_data(json!({"n": n})))
                .unwrap();
        }
        dispatcher.shutdown(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let collector = Collector::start().await.unwrap();
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .spool(SpoolConfig::new(&dir).max_age(Duration::from_millis(1)))
        .build()
        .unwrap();
    let report = dispatcher.shutdown(Duration::from_secs(10)).await;
    assert!(!report.timed_out, "{report}");
    assert_eq!(report.stats.failed.expired, 5, "{report}");
    assert!(collector.hits().is_empty());
}
