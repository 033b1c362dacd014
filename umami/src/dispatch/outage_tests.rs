//! Issue 23, item 8: an outage is announced by one WARN with its cause and its end by one
//! INFO with its counts; retries are logged at DEBUG only. Events are captured by a small
//! `tracing` subscriber of the test's own (no `tracing-subscriber`), on a current-thread
//! runtime so that the dispatcher, its batch tasks and the collector all log to it.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

use crate::client::Client;
use crate::dispatch::{Dispatcher, RetryPolicy};
use umami_test::Collector;

/// One captured event: its level, target and fields (`message` among them), as text.
#[derive(Debug, Clone)]
struct Captured {
    level: Level,
    target: String,
    fields: String,
}

impl Captured {
    fn field(&self, name: &str) -> Option<&str> {
        let start = self.fields.find(&format!("{name}="))? + name.len() + 1;
        let rest = &self.fields[start..];
        Some(&rest[..rest.find(" | ").unwrap_or(rest.len())])
    }
}

#[derive(Default)]
struct Capture {
    events: Mutex<Vec<Captured>>,
    spans: AtomicU64,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={value:?} | ", field.name());
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, "{}={value} | ", field.name());
    }
}

impl Subscriber for Capture {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Asked again per event: other tests' threads have no subscriber.
        Interest::sometimes()
    }

    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(self.spans.fetch_add(1, Ordering::Relaxed) + 1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = String::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(Captured {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            fields,
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Runs `test` on a current-thread runtime with the capture as the default subscriber;
/// returns the dispatcher's events (target `umami::dispatch`).
fn captured<F: Future<Output = ()>>(test: impl FnOnce() -> F) -> Vec<Captured> {
    let capture = Arc::new(Capture::default());
    let dispatch = tracing::Dispatch::from(capture.clone());
    tracing::dispatcher::with_default(&dispatch, || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(test());
    });
    let events = capture.events.lock().unwrap().clone();
    events
        .into_iter()
        .filter(|e| e.target.starts_with("umami::dispatch"))
        .collect()
}

/// The warning that starts an outage.
const FAILING: &str = "umami: delivery is failing; the dispatcher keeps the events and \
                       retries them (this is logged once, until delivery works again)";

fn message(event: &Captured) -> &str {
    event.field("message").unwrap_or_default()
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(10))
}

async fn dispatcher(collector: &Collector) -> Dispatcher {
    let client = Client::builder()
        .url_base(collector.url())
        .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
        .hostname("example.com")
        .build()
        .unwrap();
    Dispatcher::builder(client)
        .flush_interval(Duration::ZERO)
        .retry_policy(fast_retries())
        .build()
        .unwrap()
}

#[test]
fn an_outage_logs_one_warning_with_its_cause_and_one_info_when_it_ends() {
    let events = captured(|| async {
        let collector = Collector::start().await.unwrap();
        collector.fail_next(6, 503);
        let dispatcher = dispatcher(&collector).await;
        let client = dispatcher.client().clone();
        for _ in 0..3 {
            dispatcher.track_hit(client.new_event("Outage")).unwrap();
        }
        dispatcher.flush().await;
        let report = dispatcher.shutdown(Duration::from_secs(5)).await;
        assert!(report.all_delivered(), "{report}");
        assert_eq!(report.stats.failed_requests, 6, "{report:?}");
    });
    let at =
        |level: Level| -> Vec<&Captured> { events.iter().filter(|e| e.level == level).collect() };
    let warnings = at(Level::WARN);
    assert_eq!(warnings.len(), 1, "one warning for the outage: {events:#?}");
    assert_eq!(message(warnings[0]), FAILING);
    assert!(
        warnings[0]
            .field("cause")
            .is_some_and(|c| c.starts_with("Umami answered 503")),
        "{warnings:?}"
    );
    let infos = at(Level::INFO);
    assert_eq!(infos.len(), 1, "one info at the end: {events:#?}");
    let info = infos[0];
    assert_eq!(message(info), "umami: delivery works again");
    assert_eq!(info.field("failed_requests"), Some("6"), "{info:?}");
    // Whatever batches the three events went in, each of the six failed requests carried
    // at least one of them, and each was re-sent once per failure.
    let retried: u64 = info.field("retried").unwrap().parse().unwrap();
    assert!((6..=18).contains(&retried), "{info:?}");
    let delivered: u64 = info.field("delivered").unwrap().parse().unwrap();
    assert!((1..=3).contains(&delivered), "{info:?}");
    assert!(info.field("down_for").is_some(), "{info:?}");
    assert!(info.field("pending").is_some(), "{info:?}");
    let retries = events
        .iter()
        .filter(|e| message(e) == "retrying umami request")
        .collect::<Vec<_>>();
    assert_eq!(retries.len(), 6, "{events:#?}");
    assert!(retries.iter().all(|e| e.level == Level::DEBUG));
}

#[test]
fn each_outage_is_announced_once_and_a_healthy_run_logs_nothing_above_debug() {
    let events = captured(|| async {
        let collector = Collector::start().await.unwrap();
        let dispatcher = dispatcher(&collector).await;
        let client = dispatcher.client().clone();
        dispatcher.track_hit(client.new_event("Fine")).unwrap();
        dispatcher.flush().await;
        for _ in 0..2 {
            collector.fail_next(3, 502);
            dispatcher.track_hit(client.new_event("Outage")).unwrap();
            dispatcher.flush().await;
        }
        let report = dispatcher.shutdown(Duration::from_secs(5)).await;
        assert!(report.all_delivered(), "{report}");
    });
    let above_debug: Vec<(Level, &str)> = events
        .iter()
        .filter(|e| e.level < Level::DEBUG)
        .map(|e| (e.level, message(e)))
        .collect();
    assert_eq!(
        above_debug,
        [
            (Level::WARN, FAILING),
            (Level::INFO, "umami: delivery works again"),
            (Level::WARN, FAILING),
            (Level::INFO, "umami: delivery works again"),
        ],
        "{events:#?}"
    );
}
