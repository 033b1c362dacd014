//! The dispatcher's durable spool over real HTTP (the in-process `umami_test::Collector`
//! on 127.0.0.1) and real files: restart recovery with creation timestamps, the disk
//! overflow, the lock file, torn tails and flipped bytes, max age, the size bound, group
//! commit.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use umami::dispatch::spool::{Durability, SpoolConfig, SpoolError};
use umami::dispatch::{BuildError, RetryPolicy, TrackError};
use umami::{Client, Dispatcher};
use umami_integration::client;
use umami_test::Collector;

/// A fresh, empty directory under the target dir (removed at the start of each test).
fn spool_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("spool-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A server that refuses connections: events stay unsettled (retried until shutdown).
fn unreachable() -> Client {
    // Port 9 (discard) is closed on the test machines; connecting fails at once.
    client("http://127.0.0.1:9")
}

/// A server that accepts connections (the kernel's backlog) and never reads or answers,
/// kept listening while the returned listener lives: a request sent to it stays under way,
/// so the spool's files do not change while it waits (a refused connection is retried, and
/// each attempt marks the spool: issue 23), and the events count as possible duplicates.
fn silent() -> (std::net::TcpListener, Client) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    (listener, client(&url))
}

fn patient() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(1000)
        .initial_backoff(Duration::from_millis(50))
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn ids(hits: &[umami_test::Hit]) -> Vec<u64> {
    hits.iter()
        .map(|h| h.data().unwrap()["n"].as_u64().unwrap())
        .collect()
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

/// Tracks `n` events (`{"n": first + i}`) against a server that never answers, then shuts
/// down: they stay in the spool.
async fn leave_in_spool(dir: &Path, first: u64, n: u64, capacity: usize) {
    // A request sent to it may have been stored, as far as the dispatcher can know.
    let (_listener, silent) = silent();
    // Batches go when full (`capacity` events at most), not by time: which events were part
    // of a request is known exactly.
    let dispatcher = Dispatcher::builder(silent)
        .capacity(capacity)
        .max_batch_size(capacity.min(100))
        .retry_policy(patient())
        .flush_interval(Duration::from_secs(3600))
        .spool(SpoolConfig::new(dir))
        .build()
        .unwrap();
    let client = dispatcher.client().clone();
    for i in 0..n {
        dispatcher
            .track_hit(
                client
                    .new_event("Spooled")
                    .custom_data(json!({"n": first + i})),
            )
            .unwrap();
    }
    let report = dispatcher.shutdown(Duration::from_millis(200)).await;
    assert_eq!(report.stats.tracked, n);
    // Kept in the spool for the next start (issue 23): not failed.
    assert_eq!(report.stats.kept_on_disk, n, "{report}");
    assert_eq!(report.stats.failed.total(), 0, "{report}");
    assert_eq!(report.stats.spool.unwrap().pending, n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_events_are_sent_after_a_restart_with_their_creation_time() {
    let dir = spool_dir("restart");
    let before = now_secs();
    // Capacity 10: one full batch of ten is in a request (marked as attempted), forty wait
    // on disk only.
    leave_in_spool(&dir, 0, 50, 10).await;
    let after = now_secs();
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let collector = Collector::start().await.unwrap();
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    let spool = dispatcher.stats().spool.unwrap();
    assert_eq!(spool.recovered, 50);
    assert_eq!(spool.recovered_possible_duplicates, 10);
    assert_eq!(dispatcher.stats().possible_duplicates, 10);
    assert_eq!(dispatcher.stats().tracked, 50);
    dispatcher.flush().await;
    let hits = collector.hits();
    assert_eq!(
        ids(&hits),
        (0..50).collect::<Vec<_>>(),
        "once each, in order"
    );
    for hit in &hits {
        let ts = hit.timestamp().and_then(|t| t.as_u64()).unwrap();
        assert!(
            (before..=after).contains(&ts),
            "timestamp {ts} not in {before}..={after}"
        );
    }
    let report = dispatcher.shutdown(Duration::from_secs(5)).await;
    assert!(report.all_delivered(), "{report}");
    let spool = report.stats.spool.unwrap();
    assert_eq!((spool.pending, spool.corrupt_skipped), (0, 0));
    assert!(
        report
            .to_string()
            .ends_with(", spool: 0 pending on disk, 50 recovered, 0 corrupt skipped"),
        "{report}"
    );
    drop(dispatcher);
    // The recovered segment is settled and deleted; only the last run's (empty) one is left.
    let segments = files(&dir, "seg");
    assert_eq!(segments.len(), 1, "{segments:?}");
    assert_eq!(std::fs::metadata(&segments[0]).unwrap().len(), 0);
    assert!(files(&dir, "ack").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timestamp_set_by_the_caller_is_kept() {
    let dir = spool_dir("own-timestamp");
    {
        let dispatcher = Dispatcher::builder(unreachable())
            .retry_policy(patient())
            .spool(SpoolConfig::new(&dir))
            .build()
            .unwrap();
        let client = dispatcher.client().clone();
        dispatcher
            .track_hit(
                client
                    .new_event("Old")
                    .custom_data(json!({"n": 1}))
                    .timestamp(UNIX_EPOCH + Duration::from_secs(1_600_000_000)),
            )
            .unwrap();
        dispatcher.shutdown(Duration::from_millis(100)).await;
    }
    let collector = Collector::start().await.unwrap();
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    let hits = collector
        .wait_for_hits(1, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(hits[0].timestamp(), Some(&json!(1_600_000_000)));
    assert_eq!(hits[0].event_name(), Some("Old"));
    dispatcher.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_holds_capacity_and_the_rest_waits_on_disk() {
    let dir = spool_dir("overflow");
    let collector = Collector::start().await.unwrap();
    collector.set_delay(Duration::from_millis(200));
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .capacity(20)
        .max_batch_size(10)
        .flush_interval(Duration::ZERO)
        .spool(SpoolConfig::new(&dir).segment_bytes(16 * 1024))
        .build()
        .unwrap();
    let client = dispatcher.client().clone();
    for n in 0..2000_u64 {
        dispatcher
            .track_hit(client.new_event("Many").custom_data(json!({"n": n})))
            .unwrap();
    }
    let stats = dispatcher.stats();
    let spool = stats.spool.unwrap();
    // A first small batch may have gone while the loop ran; memory never holds more than 20.
    assert_eq!(spool.pending + stats.sent, 2000, "{stats:?}");
    assert!(spool.on_disk_only >= spool.pending - 20, "{spool:?}");
    assert!(
        stats.queued + stats.in_flight - spool.on_disk_only <= 20,
        "{stats:?}"
    );
    assert!(files(&dir, "seg").len() > 5, "16 KiB segments");
    collector.set_delay(Duration::ZERO);
    dispatcher.flush().await;
    let report = dispatcher.shutdown(Duration::from_secs(5)).await;
    assert!(report.all_delivered(), "{report}");
    // Two requests at a time: sorted, each exactly once.
    let mut got = ids(&collector.hits());
    got.sort_unstable();
    assert_eq!(got, (0..2000).collect::<Vec<_>>());
    assert_eq!(report.stats.spool.unwrap().pending, 0);
    assert_eq!(files(&dir, "seg").len(), 1, "settled segments are deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_dispatcher_on_the_directory_gets_a_clear_error() {
    let dir = spool_dir("lock");
    let first = Dispatcher::builder(unreachable())
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    let err = Dispatcher::builder(unreachable())
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap_err();
    match &err {
        BuildError::Spool(SpoolError::Locked {
            dir: locked,
            holder,
        }) => {
            assert_eq!(locked, &dir);
            assert_eq!(holder, &format!("pid {}", std::process::id()));
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    assert!(
        err.to_string().contains("is in use by another dispatcher"),
        "{err}"
    );
    first.shutdown(Duration::from_millis(100)).await;
    drop(first);
    // Released with the first dispatcher.
    let again = Dispatcher::builder(unreachable())
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    again.shutdown(Duration::from_millis(100)).await;
}

/// A spool that cannot be opened fails the build (not a send), with the OS error as the
/// `source()` of a `SpoolError` that keeps the path, each cause printed once.
#[tokio::test]
async fn a_spool_that_cannot_be_opened_fails_the_build_with_its_os_error_as_source() {
    let dir = spool_dir("not-a-dir");
    let _ = std::fs::remove_file(&dir);
    std::fs::write(&dir, b"a file where the directory should be").unwrap();
    let err = Dispatcher::builder(unreachable())
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap_err();
    let BuildError::Spool(SpoolError::Io { what, path, source }) = &err else {
        panic!("expected a spool I/O error, got {err:?}");
    };
    assert_eq!(*what, "creating the directory");
    assert_eq!(path, &dir);
    let os = source.to_string();
    assert!(!os.is_empty());
    assert_eq!(
        err.to_string(),
        format!("spool I/O error creating the directory ({})", dir.display())
    );
    // The OS error is the source, not a copy in the text: printed once by a chain walker.
    let source = std::error::Error::source(&err).expect("the OS error");
    assert!(
        source.downcast_ref::<std::io::Error>().is_some(),
        "{source:?}"
    );
    let printed = format!("{:#}", anyhow::Error::from(err));
    assert_eq!(
        printed,
        format!(
            "spool I/O error creating the directory ({}): {os}",
            dir.display()
        )
    );
    assert_eq!(printed.matches(os.as_str()).count(), 1, "{printed}");
    std::fs::remove_file(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_tail_and_a_flipped_byte_are_skipped_and_counted() {
    let dir = spool_dir("damage");
    leave_in_spool(&dir, 0, 20, 100).await;
    let segment = files(&dir, "seg").pop().unwrap();
    let mut bytes = std::fs::read(&segment).unwrap();
    let len = bytes.len();
    // Every record has the same size here (same event, two-digit-or-less ids differ).
    // Cut 5 bytes off the last record: a crash mid-append.
    bytes.truncate(len - 5);
    // Flip a byte in the middle of the file: record 10's body (the records are ~equal).
    let at = bytes.len() / 2 + 10;
    bytes[at] ^= 0x20;
    std::fs::write(&segment, &bytes).unwrap();

    let collector = Collector::start().await.unwrap();
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    let spool = dispatcher.stats().spool.unwrap();
    assert_eq!(
        (spool.recovered, spool.corrupt_skipped),
        (18, 2),
        "{spool:?}"
    );
    dispatcher.flush().await;
    let got = ids(&collector.hits());
    assert_eq!(got.len(), 18);
    assert!(!got.contains(&19), "the torn record");
    let report = dispatcher.shutdown(Duration::from_secs(5)).await;
    assert!(report.all_delivered(), "{report}");
    assert_eq!(report.stats.spool.unwrap().corrupt_skipped, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_files_never_panic_or_hang() {
    let dir = spool_dir("garbage");
    std::fs::create_dir_all(&dir).unwrap();
    let mut x: u32 = 7;
    let junk: Vec<u8> = (0..100_000)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as u8
        })
        .collect();
    std::fs::write(dir.join("00000000000000000000.seg"), &junk).unwrap();
    std::fs::write(dir.join("00000000000000000000.ack"), &junk[..999]).unwrap();
    std::fs::write(dir.join("00000000000000000500.ack"), b"orphan").unwrap();
    let dispatcher = Dispatcher::builder(unreachable())
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    let spool = dispatcher.stats().spool.unwrap();
    assert_eq!(spool.recovered, 0);
    assert!(spool.corrupt_skipped >= 2, "{spool:?}");
    dispatcher.shutdown(Duration::from_millis(100)).await;
    assert!(!dir.join("00000000000000000500.ack").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_past_max_age_are_reported_as_expired() {
    let dir = spool_dir("expired");
    leave_in_spool(&dir, 0, 5, 100).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let collector = Collector::start().await.unwrap();
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .spool(SpoolConfig::new(&dir).max_age(Duration::from_millis(10)))
        .build()
        .unwrap();
    dispatcher.flush().await;
    let report = dispatcher.shutdown(Duration::from_secs(5)).await;
    assert_eq!(report.stats.failed.expired, 5, "{report}");
    assert_eq!(report.stats.sent, 0);
    let failure = &report.stats.recent_failures[0];
    assert_eq!(failure.events, 5);
    assert!(
        failure.message.contains("older than the spool's max_age"),
        "{}",
        failure.message
    );
    assert!(collector.hits().is_empty());
    drop(dispatcher);
    // Settled: not recovered again.
    let third = Dispatcher::builder(client(collector.url()))
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    assert_eq!(third.stats().spool.unwrap().recovered, 0);
    third.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_size_bound_refuses_at_track_and_counts() {
    let dir = spool_dir("bound");
    // Not a refused port: its retries would write to the spool while it is measured.
    let (_listener, silent) = silent();
    let dispatcher = Dispatcher::builder(silent)
        .retry_policy(patient())
        .spool(SpoolConfig::new(&dir).max_bytes(64 * 1024))
        .build()
        .unwrap();
    let client = dispatcher.client().clone();
    let mut accepted = 0_u64;
    let mut refused = 0_u64;
    for n in 0..2000_u64 {
        match dispatcher.track_hit(client.new_event("Big").custom_data(json!({"n": n}))) {
            Ok(()) => accepted += 1,
            Err(TrackError::QueueFull { .. }) => refused += 1,
            Err(other) => panic!("{other}"),
        }
    }
    assert!(accepted > 100 && refused > 100, "{accepted} / {refused}");
    let stats = dispatcher.stats();
    assert_eq!((stats.tracked, stats.dropped), (accepted, refused));
    let spool = stats.spool.unwrap();
    assert!(spool.bytes <= 64 * 1024, "{spool:?}");
    let on_disk: u64 = files(&dir, "seg")
        .iter()
        .chain(files(&dir, "ack").iter())
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    assert_eq!(on_disk, spool.bytes);
    dispatcher.shutdown(Duration::from_millis(100)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_durability_groups_commits_and_delivers() {
    let dir = spool_dir("sync");
    let collector = Collector::start().await.unwrap();
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .spool(SpoolConfig::new(&dir).durability(Durability::Sync))
        .build()
        .unwrap();
    let client = dispatcher.client().clone();
    let mut tasks = Vec::new();
    for t in 0..20_u64 {
        let dispatcher = dispatcher.clone();
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..25_u64 {
                dispatcher
                    .track_hit_durable(
                        client
                            .new_event("Durable")
                            .custom_data(json!({"n": t * 25 + i})),
                    )
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let syncs = dispatcher.stats().spool.unwrap().syncs;
    assert!(
        (1..500).contains(&syncs),
        "grouped: {syncs} syncs for 500 events"
    );
    dispatcher.flush().await;
    let report = dispatcher.shutdown(Duration::from_secs(5)).await;
    assert!(report.all_delivered(), "{report}");
    let mut got = ids(&collector.hits());
    got.sort_unstable();
    assert_eq!(got, (0..500).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_for_good_events_leave_the_spool() {
    let dir = spool_dir("rejected");
    let collector = Collector::start().await.unwrap();
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .flush_interval(Duration::ZERO)
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    collector.fail_next(1, 400);
    let client = dispatcher.client().clone();
    dispatcher
        .track_hit(client.new_event("Refused").custom_data(json!({"n": 1})))
        .unwrap();
    dispatcher.flush().await;
    let stats = dispatcher.stats();
    assert_eq!(stats.failed.rejected, 1);
    assert_eq!(stats.spool.unwrap().pending, 0);
    dispatcher.shutdown(Duration::from_secs(1)).await;
    drop(dispatcher);
    let again = Dispatcher::builder(client.clone())
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    assert_eq!(again.stats().spool.unwrap().recovered, 0);
    let mut counts = BTreeMap::new();
    for hit in collector.hits() {
        *counts
            .entry(hit.event_name().unwrap().to_owned())
            .or_insert(0) += 1;
    }
    assert!(counts.is_empty(), "{counts:?}");
    again.shutdown(Duration::from_secs(1)).await;
}
