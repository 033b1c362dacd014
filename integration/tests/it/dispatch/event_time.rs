//! Issue 23, item 5: an event delivered more than a second after it was tracked carries its
//! tracked time (`payload.timestamp`, whole Unix seconds as Umami 3.1.0 accepts), with a
//! spool or without; an event sent at once keeps the server's own clock (no timestamp).
//! Exact request bodies, over real HTTP to the crate's collector on 127.0.0.1.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use umami::Dispatcher;
use umami::dispatch::RetryPolicy;
use umami::dispatch::spool::SpoolConfig;
use umami_integration::{WEBSITE_ID, client};
use umami_test::Collector;

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The wire form of `new_event(name)`, with `timestamp` when given.
fn event(name: &str, timestamp: Option<u64>) -> String {
    let timestamp = timestamp.map_or(String::new(), |t| format!(",\"timestamp\":{t}"));
    format!(
        r#"{{"type":"event","payload":{{"website":"{WEBSITE_ID}","hostname":"example.com","language":"en-US","screen":"1920x1080","url":"/","referrer":"","title":"{name}","name":"{name}","data":{{}}{timestamp}}}}}"#
    )
}

/// Two refused attempts, then the retry: backoffs of 350–700 ms and 700–1,400 ms (jitter
/// takes up to half off), so the third attempt goes at least 1.05 s after the first.
fn two_backoffs() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(700))
        .max_backoff(Duration::from_secs(10))
}

/// The batch bodies the collector received, in order.
fn bodies(collector: &Collector) -> Vec<String> {
    collector
        .requests()
        .iter()
        .filter(|r| r.path() == "/api/batch")
        .map(|r| r.body_text())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_sent_at_once_keeps_the_server_clock() {
    let collector = Collector::start().await.unwrap();
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .flush_interval(Duration::ZERO)
        .build()
        .unwrap();
    let client = dispatcher.client().clone();
    dispatcher.track_hit(client.new_event("Now")).unwrap();
    dispatcher.flush().await;
    assert_eq!(bodies(&collector), [format!("[{}]", event("Now", None))]);
    assert!(
        dispatcher
            .shutdown(Duration::from_secs(5))
            .await
            .all_delivered()
    );
}

/// Without a spool: the attempts within the first second go without a timestamp, the retry
/// after it carries the second the event was tracked in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_retried_after_a_second_carries_its_tracked_time() {
    let collector = Collector::start().await.unwrap();
    collector.fail_next(2, 503);
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .flush_interval(Duration::ZERO)
        .retry_policy(two_backoffs())
        .build()
        .unwrap();
    let client = dispatcher.client().clone();
    let before = now_secs();
    dispatcher.track_hit(client.new_event("Late")).unwrap();
    let after = now_secs();
    dispatcher.flush().await;
    let bodies = bodies(&collector);
    assert_eq!(bodies.len(), 3, "{bodies:?}");
    assert_eq!(
        bodies[0],
        format!("[{}]", event("Late", None)),
        "sent at once"
    );
    let stored = &collector.hits()[0];
    let timestamp = stored.timestamp().and_then(|t| t.as_u64()).unwrap();
    assert!((before..=after).contains(&timestamp), "{timestamp}");
    assert_eq!(bodies[2], format!("[{}]", event("Late", Some(timestamp))));
    assert!(
        dispatcher
            .shutdown(Duration::from_secs(5))
            .await
            .all_delivered()
    );
}

/// With a spool: the event held up in a request and the ones waiting for it on disk (memory
/// holds one event) all go out late and carry their tracked time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_held_up_on_the_spool_carry_their_tracked_time() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("issue23-event-time-spool");
    let _ = std::fs::remove_dir_all(&dir);
    let collector = Collector::start().await.unwrap();
    collector.fail_next(2, 503);
    let dispatcher = Dispatcher::builder(client(collector.url()))
        .capacity(1)
        .max_batch_size(1)
        .flush_interval(Duration::ZERO)
        .retry_policy(two_backoffs())
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    let client = dispatcher.client().clone();
    let before = now_secs();
    for name in ["First", "Second", "Third"] {
        dispatcher.track_hit(client.new_event(name)).unwrap();
    }
    let after = now_secs();
    dispatcher.flush().await;
    let bodies = bodies(&collector);
    assert_eq!(bodies.len(), 5, "{bodies:?}");
    assert_eq!(
        bodies[0],
        format!("[{}]", event("First", None)),
        "sent at once"
    );
    let hits = collector.hits();
    assert_eq!(hits.len(), 3);
    for (hit, (name, body)) in hits.iter().zip([
        ("First", &bodies[2]),
        ("Second", &bodies[3]),
        ("Third", &bodies[4]),
    ]) {
        let timestamp = hit.timestamp().and_then(|t| t.as_u64()).unwrap();
        assert!((before..=after).contains(&timestamp), "{name}: {timestamp}");
        assert_eq!(*body, format!("[{}]", event(name, Some(timestamp))));
    }
    assert!(
        dispatcher
            .shutdown(Duration::from_secs(5))
            .await
            .all_delivered()
    );
}
