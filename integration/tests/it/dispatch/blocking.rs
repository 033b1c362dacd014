//! The dispatcher of programs without an async runtime (`build_blocking`): plain `#[test]`s
//! with no tokio runtime on their thread, like a sync `fn main`. The collector runs on a
//! runtime of its own, on another thread.

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::json;
use umami::dispatch::spool::{SpoolConfig, SpoolError};
use umami::dispatch::{BuildError, TrackError};
use umami::{Dispatcher, UmamiEvent};
use umami_integration::client;
use umami_test::{Collector, Hit};

const LONG: Duration = Duration::from_secs(30);

#[derive(UmamiEvent)]
#[umami(name = "Export-Finished", url = "/exports")]
struct ExportFinished {
    n: u64,
}

/// A collector on a thread and a runtime of its own: its URL, and a way to stop it and get
/// what it stored.
struct Server {
    url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    thread: JoinHandle<Vec<Hit>>,
}

impl Server {
    fn start() -> Server {
        let (url_sender, url) = mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async move {
                let collector = Collector::start().await.unwrap();
                url_sender.send(collector.url().to_owned()).unwrap();
                let _ = stopped.await;
                let hits = collector.hits();
                collector.shutdown().await;
                hits
            })
        });
        Server {
            url: url.recv().unwrap(),
            stop,
            thread,
        }
    }

    /// Stops the collector: the hits it stored.
    fn stop(self) -> Vec<Hit> {
        self.stop.send(()).unwrap();
        self.thread.join().unwrap()
    }
}

/// A fresh, empty directory under the target dir.
fn spool_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("blocking-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn ns(hits: &[Hit]) -> Vec<u64> {
    let mut ns: Vec<u64> = hits
        .iter()
        .map(|h| h.data().unwrap()["n"].as_u64().unwrap())
        .collect();
    ns.sort_unstable();
    ns
}

fn no_runtime_here() {
    assert!(
        tokio::runtime::Handle::try_current().is_err(),
        "the test thread must have no tokio runtime"
    );
}

#[test]
fn a_blocking_dispatcher_with_a_spool_delivers_from_a_plain_thread_and_reports_exactly() {
    no_runtime_here();
    let server = Server::start();
    let client = client(&server.url);
    let dir = spool_dir("deliver");
    let dispatcher = Dispatcher::builder(client.clone())
        .spool(SpoolConfig::new(&dir))
        .max_batch_size(7)
        .build_blocking()
        .unwrap();
    no_runtime_here();

    for n in 0..20 {
        dispatcher.track(&ExportFinished { n }).unwrap();
    }
    for n in 20..30 {
        dispatcher
            .track_hit(
                client
                    .new_event("Export-Finished")
                    .custom_data(json!({ "n": n })),
            )
            .unwrap();
    }
    // A blocking client's builders go too.
    let blocking = umami::blocking::Client::from_async(client.clone()).unwrap();
    dispatcher
        .track_hit(
            blocking
                .new_event("Export-Finished")
                .custom_data(json!({ "n": 30 })),
        )
        .unwrap();
    dispatcher
        .track_hit_durable(
            client
                .new_event("Export-Finished")
                .custom_data(json!({ "n": 31 })),
        )
        .unwrap();
    // Invalid: refused at once, counted.
    assert!(matches!(
        dispatcher.track_hit(client.new_event("")),
        Err(TrackError::Invalid(_))
    ));

    dispatcher.flush();
    let stats = dispatcher.stats();
    assert_eq!(stats.sent, 32, "{stats:?}");
    assert_eq!(stats.spool.unwrap().pending, 0, "{stats:?}");

    let report = dispatcher.shutdown(LONG);
    assert!(!report.timed_out);
    let stats = &report.stats;
    assert_eq!(stats.tracked, 32, "{report}");
    assert_eq!(stats.sent, 32, "{report}");
    assert_eq!(stats.failed.total(), 0, "{report}");
    assert_eq!(stats.refused_invalid, 1, "{report}");
    assert_eq!(stats.refused_closed, 0, "{report}");
    assert_eq!(stats.dropped, 0, "{report}");
    assert_eq!(stats.kept_on_disk, 0, "{report}");
    assert_eq!(stats.queued + stats.in_flight, 0, "{report}");
    assert_eq!(stats.retried, 0, "{report}");
    assert_eq!(stats.possible_duplicates, 0, "{report}");
    assert_eq!(stats.failed_requests, 0, "{report}");
    // 32 events in batches of at most 7.
    assert!(stats.requests >= 5, "{report}");
    assert_eq!(stats.spool.unwrap().pending, 0, "{report}");
    assert!(report.all_delivered(), "{report}");

    // Shut down: closed, and the same report again.
    assert!(matches!(
        dispatcher.track(&ExportFinished { n: 99 }),
        Err(TrackError::Closed)
    ));
    assert_eq!(dispatcher.shutdown(LONG).stats.sent, 32);
    drop(dispatcher);

    let hits = server.stop();
    assert_eq!(ns(&hits), (0..32).collect::<Vec<_>>());
    assert!(
        hits.iter()
            .all(|h| h.event_name() == Some("Export-Finished"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// What a shutdown leaves in the spool is sent by the next blocking dispatcher opened on it.
#[test]
fn events_kept_on_disk_by_a_blocking_dispatcher_go_out_at_the_next_start() {
    no_runtime_here();
    let dir = spool_dir("restart");
    // Port 9 (discard) is closed on the test machines: every attempt fails, events stay.
    let unreachable = client("http://127.0.0.1:9");
    let dispatcher = Dispatcher::builder(unreachable)
        .spool(SpoolConfig::new(&dir))
        .build_blocking()
        .unwrap();
    for n in 0..5 {
        dispatcher.track(&ExportFinished { n }).unwrap();
    }
    let report = dispatcher.shutdown(Duration::from_millis(300));
    assert!(report.timed_out, "{report}");
    assert_eq!(report.stats.tracked, 5, "{report}");
    assert_eq!(report.stats.sent, 0, "{report}");
    assert_eq!(report.stats.failed.total(), 0, "{report}");
    assert_eq!(report.stats.kept_on_disk, 5, "{report}");
    assert!(report.nothing_lost(), "{report}");
    drop(dispatcher);

    let server = Server::start();
    let dispatcher = Dispatcher::builder(client(&server.url))
        .spool(SpoolConfig::new(&dir))
        .build_blocking()
        .unwrap();
    assert_eq!(dispatcher.stats().spool.unwrap().recovered, 5);
    let report = dispatcher.shutdown(LONG);
    assert_eq!(report.stats.sent, 5, "{report}");
    assert_eq!(report.stats.kept_on_disk, 0, "{report}");
    assert!(report.all_delivered(), "{report}");
    drop(dispatcher);
    assert_eq!(ns(&server.stop()), [0, 1, 2, 3, 4]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The guard drains the queue when it goes out of scope, as at the end of `main`.
#[test]
fn the_guard_drains_on_drop() {
    no_runtime_here();
    let server = Server::start();
    let client = client(&server.url);
    let dispatcher = Dispatcher::builder(client)
        .flush_interval(Duration::from_secs(3600))
        .build_blocking()
        .unwrap();
    {
        let _guard = dispatcher.guard(LONG);
        for n in 0..3 {
            dispatcher.track(&ExportFinished { n }).unwrap();
        }
        assert_eq!(dispatcher.stats().sent, 0, "held by the flush interval");
    }
    let stats = dispatcher.stats();
    assert_eq!(stats.sent, 3, "{stats:?}");
    assert!(matches!(
        dispatcher.track(&ExportFinished { n: 3 }),
        Err(TrackError::Closed)
    ));
    drop(dispatcher);
    assert_eq!(ns(&server.stop()), [0, 1, 2]);
}

/// Dropping the last handle without a shutdown drains the queue too (within the builder's
/// `shutdown_timeout`).
#[test]
fn dropping_the_last_handle_drains_the_queue() {
    no_runtime_here();
    let server = Server::start();
    let dispatcher = Dispatcher::builder(client(&server.url))
        .flush_interval(Duration::from_secs(3600))
        .shutdown_timeout(LONG)
        .build_blocking()
        .unwrap();
    let clone = dispatcher.clone();
    for n in 0..4 {
        clone.track(&ExportFinished { n }).unwrap();
    }
    drop(clone);
    assert_eq!(dispatcher.stats().sent, 0, "a clone's drop does nothing");
    drop(dispatcher);
    assert_eq!(ns(&server.stop()), [0, 1, 2, 3]);
}

/// Used where a tokio runtime is current anyway, it blocks on a helper thread: no panic.
#[test]
fn blocking_calls_inside_a_runtime_do_not_panic() {
    let server = Server::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sent = runtime.block_on(async {
        let dispatcher = Dispatcher::builder(client(&server.url))
            .build_blocking()
            .unwrap();
        dispatcher.track(&ExportFinished { n: 0 }).unwrap();
        dispatcher.flush();
        let sent = dispatcher.stats().sent;
        // The last handle's drop, inside the runtime.
        drop(dispatcher);
        sent
    });
    assert_eq!(sent, 1);
    assert_eq!(ns(&server.stop()), [0]);
}

/// A blocking dispatcher that cannot be built inside a runtime (its spool is locked) says so
/// with an error, without a panic.
#[test]
fn a_failed_blocking_build_inside_a_runtime_is_an_error() {
    let dir = spool_dir("locked-in-runtime");
    let unreachable = client("http://127.0.0.1:9");
    let holder = Dispatcher::builder(unreachable.clone())
        .spool(SpoolConfig::new(&dir))
        .build_blocking()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let second = runtime.block_on(async {
        Dispatcher::builder(unreachable)
            .spool(SpoolConfig::new(&dir))
            .build_blocking()
    });
    assert!(
        matches!(
            &second,
            Err(BuildError::Spool(SpoolError::Locked { dir: locked, .. })) if *locked == dir
        ),
        "{:?}",
        second.err()
    );
    holder.shutdown(Duration::from_millis(100));
    drop(holder);
    let _ = std::fs::remove_dir_all(&dir);
}
