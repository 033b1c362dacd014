//! The dispatcher outside the happy path of one long-lived tokio runtime: tracking from plain
//! threads, a runtime that shuts down under it, settings at the edge of what fits. Against
//! the crate's collector over real HTTP.

use std::time::Duration;

use serde_json::json;
use umami::dispatch::{BuildError, TrackError};
use umami::{Client, Dispatcher};
use umami_integration::WEBSITE_ID;
use umami_test::Collector;

const LONG: Duration = Duration::from_secs(60);

fn client(collector: &Collector) -> Client {
    collector
        .client_builder()
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap()
}

fn event(client: &Client, seq: u64) -> umami::hit::NewEvent {
    client
        .new_event("Purchase-Course")
        .custom_data(json!({ "seq": seq }))
}

#[tokio::test]
async fn track_from_plain_threads_is_delivered() {
    let collector = Collector::start().await.unwrap();
    let client = client(&collector);
    let dispatcher = Dispatcher::builder(client.clone()).build().unwrap();
    let threads: Vec<_> = (0..4_u64)
        .map(|t| {
            let dispatcher = dispatcher.clone();
            let client = client.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    dispatcher.track_hit(event(&client, t * 100 + i)).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let report = dispatcher.shutdown(LONG).await;

    assert_eq!(report.stats.tracked, 100);
    assert_eq!(report.stats.sent, 100, "{report}");
    let mut seqs: Vec<u64> = collector
        .hits()
        .iter()
        .map(|h| h.body()["payload"]["data"]["seq"].as_u64().unwrap())
        .collect();
    seqs.sort_unstable();
    let expected: Vec<u64> = (0..4)
        .flat_map(|t| (0..25).map(move |i| t * 100 + i))
        .collect();
    assert_eq!(seqs, expected);
    collector.shutdown().await;
}

/// The worker's runtime goes away with events queued: they are counted as abandoned, intake
/// closes, and `flush`/`shutdown` on another runtime return instead of waiting forever.
#[test]
fn runtime_shut_down_under_the_dispatcher_counts_what_was_left() {
    let server = tokio::runtime::Runtime::new().unwrap();
    let collector = server.block_on(Collector::start()).unwrap();
    let client = client(&collector);

    let worker_runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dispatcher = {
        let _entered = worker_runtime.enter();
        Dispatcher::builder(client.clone())
            .flush_interval(Duration::from_secs(3600))
            .build()
            .unwrap()
    };
    for seq in 0..3 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    drop(worker_runtime);

    assert!(matches!(
        dispatcher.track_hit(event(&client, 3)),
        Err(TrackError::Closed)
    ));
    let stats = dispatcher.stats();
    assert_eq!(stats.tracked, 3);
    assert_eq!(stats.failed.abandoned, 3, "{stats:?}");
    assert_eq!(stats.queued + stats.in_flight, 0);
    assert_eq!(
        stats.recent_failures[0].message,
        "3 events not delivered when the worker stopped (its tokio runtime shut down, or it \
         panicked)"
    );

    let report = server.block_on(async {
        dispatcher.flush().await;
        dispatcher.shutdown(LONG).await
    });
    assert_eq!(report.stats.failed.abandoned, 3, "{report}");
    assert_eq!(report.stats.sent, 0);
    assert!(collector.requests().is_empty());
    server.block_on(collector.shutdown());
}

/// Dropping the last handle outside any runtime neither panics nor blocks; the worker still
/// delivers what was queued.
#[test]
fn dropping_outside_a_runtime_still_delivers() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let collector = runtime.block_on(Collector::start()).unwrap();
    let client = client(&collector);
    let dispatcher = {
        let _entered = runtime.enter();
        Dispatcher::builder(client.clone())
            .flush_interval(Duration::from_secs(3600))
            .build()
            .unwrap()
    };
    for seq in 0..3 {
        dispatcher.track_hit(event(&client, seq)).unwrap();
    }
    std::thread::spawn(move || drop(dispatcher)).join().unwrap();
    let hits = runtime.block_on(collector.wait_for_hits(3, LONG)).unwrap();
    assert_eq!(hits.len(), 3);
    assert!(hits.iter().all(|h| h.path() == "/api/batch"));
    runtime.block_on(collector.shutdown());
}

#[tokio::test]
async fn unbounded_durations_do_not_panic() {
    let collector = Collector::start().await.unwrap();
    let client = client(&collector);
    let dispatcher = Dispatcher::builder(client.clone())
        .flush_interval(Duration::MAX)
        .batch_timeout(Duration::MAX)
        .shutdown_timeout(Duration::MAX)
        .build()
        .unwrap();
    dispatcher.track_hit(event(&client, 0)).unwrap();
    tokio::time::timeout(LONG, dispatcher.flush())
        .await
        .expect("flush returns");
    assert_eq!(dispatcher.stats().sent, 1, "{:?}", dispatcher.stats());
    dispatcher.track_hit(event(&client, 1)).unwrap();
    let report = dispatcher.shutdown(Duration::MAX).await;

    assert_eq!(report.stats.sent, 2, "{report}");
    assert_eq!(collector.hits().len(), 2);
    collector.shutdown().await;
}

#[tokio::test]
async fn concurrency_beyond_what_tokio_can_count_is_refused() {
    let client = Client::builder()
        .url_base("http://127.0.0.1:9")
        .build()
        .unwrap();
    for (builder, field) in [
        (
            Dispatcher::builder(client.clone()).max_concurrent_requests(usize::MAX),
            "max_concurrent_requests",
        ),
        (
            Dispatcher::builder(client.clone()).single_send_concurrency(usize::MAX),
            "single_send_concurrency",
        ),
    ] {
        match builder.build() {
            Err(BuildError::Validation(v)) => {
                assert_eq!(v.field(), field);
                assert!(v.problem().contains("above the limit"), "{}", v.problem());
            }
            other => panic!("{field}: {other:?}"),
        }
    }
}
