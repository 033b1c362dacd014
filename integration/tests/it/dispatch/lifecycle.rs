//! The dispatcher's lifecycle over real HTTP (the embedded collector, or a closed port):
//! a website the server does not know is reported once and not hammered, abandoned events
//! name the last error, refusals at `track` are counted by reason, and a guard drains the
//! queue when `main` returns.

use std::time::Duration;

use umami::dispatch::{FailReason, TrackError};
use umami::{Client, Dispatcher};
use umami_integration::WEBSITE_ID;
use umami_test::Collector;

const UNKNOWN: &str = "0c1b6d3e-59a2-4f51-9a8e-3b7c1f2d4e5a";

#[tokio::test]
async fn an_unknown_website_fails_once_loudly_and_is_not_hammered() {
    let collector = Collector::builder()
        .website(WEBSITE_ID)
        .start()
        .await
        .unwrap();
    let client = collector
        .client_builder()
        .website_id(UNKNOWN)
        .hostname("example.com")
        .build()
        .unwrap();
    let dispatcher = Dispatcher::builder(client.clone())
        .max_batch_size(10)
        .max_concurrent_requests(1)
        .flush_interval(Duration::from_millis(1))
        .build()
        .unwrap();
    for _ in 0..10 {
        dispatcher.track_hit(client.new_event("Signup")).unwrap();
    }
    dispatcher.flush().await;
    let requests_after_first = collector.requests().len();
    for _ in 0..50 {
        dispatcher.track_hit(client.new_event("Signup")).unwrap();
    }
    let report = dispatcher.shutdown(Duration::from_secs(10)).await;
    let stats = &report.stats;
    assert_eq!(stats.failed.unknown_website, 60, "{report}");
    assert_eq!(stats.failed.get(FailReason::UnknownWebsite), 60);
    assert_eq!(stats.sent, 0);
    assert_eq!(
        collector.requests().len(),
        requests_after_first,
        "no request after the server said it does not know the website"
    );
    assert!(
        stats
            .recent_failures
            .iter()
            .any(|f| f.message.contains(UNKNOWN)),
        "the reason names the id: {:?}",
        stats.recent_failures
    );
    assert!(collector.hits().is_empty());
}

#[tokio::test]
async fn abandoned_events_carry_the_last_transport_error() {
    // A port nobody listens on: every attempt is "connection refused".
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder()
        .url_base(format!("http://{addr}"))
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap();
    let dispatcher = Dispatcher::builder(client.clone())
        .flush_interval(Duration::from_millis(1))
        .build()
        .unwrap();
    for _ in 0..8 {
        dispatcher.track_hit(client.new_event("Signup")).unwrap();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let report = dispatcher.shutdown(Duration::from_millis(200)).await;
    assert!(report.timed_out);
    assert_eq!(report.stats.failed.abandoned, 8, "{report}");
    let reason = &report.stats.recent_failures.last().unwrap().message;
    assert!(
        reason.starts_with("8 events not delivered before the shutdown timeout; the last attempt failed with: transport error"),
        "{reason}"
    );
}

#[tokio::test]
async fn refusals_at_track_are_counted_by_reason() {
    let collector = Collector::start().await.unwrap();
    let client = collector
        .client_builder()
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap();
    let dispatcher = Dispatcher::builder(client.clone()).build().unwrap();
    let invalid = dispatcher.track_hit(client.new_event("x".repeat(51)));
    assert!(matches!(invalid, Err(TrackError::Invalid(_))));
    dispatcher.track_hit(client.new_event("Signup")).unwrap();
    let report = dispatcher.shutdown(Duration::from_secs(5)).await;
    assert!(matches!(
        dispatcher.track_hit(client.new_event("Signup")),
        Err(TrackError::Closed)
    ));
    let stats = dispatcher.stats();
    assert_eq!((stats.refused_invalid, stats.refused_closed), (1, 1));
    assert_eq!((stats.tracked, stats.sent), (1, 1));
    assert_eq!(report.stats.refused_invalid, 1);
    assert!(
        report.to_string().contains("refused at track: 1 invalid"),
        "{report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guard_drains_the_queue_when_dropped() {
    let collector = Collector::start().await.unwrap();
    let client = collector
        .client_builder()
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap();
    let dispatcher = Dispatcher::builder(client.clone())
        // Without the guard these would wait an hour for their batch.
        .flush_interval(Duration::from_secs(3600))
        .build()
        .unwrap();
    {
        let _guard = dispatcher.guard(Duration::from_secs(10));
        for _ in 0..7 {
            dispatcher
                .track_hit(client.new_event("Job-Finished"))
                .unwrap();
        }
    }
    assert_eq!(collector.hits().len(), 7);
    let stats = dispatcher.stats();
    assert_eq!(stats.sent, 7);
    assert!(matches!(
        dispatcher.track_hit(client.new_event("Late")),
        Err(TrackError::Closed)
    ));
}
