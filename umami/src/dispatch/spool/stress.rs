//! Stress test of the hand-offs between the worker, its batch tasks and the spool's reader
//! thread (issue 23, item 4: `flush()` once waited forever with events on disk only, nobody
//! having asked the reader to refill). Many seeded runs with tiny memory, tiny segments and
//! random pauses (`Core::pause`) at every refill and wake-up hand-off; each run's flushes
//! must return and every event must arrive once.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::json;

use crate::client::Client;
use crate::dispatch::spool::SpoolConfig;
use crate::dispatch::{Dispatcher, RetryPolicy};
use umami_test::Collector;

/// Seeded runs; `UMAMI_STRESS_SEEDS` overrides it for longer hunts.
fn seeds() -> u64 {
    std::env::var("UMAMI_STRESS_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32)
}

/// How long a flush may take before the run counts as hung: far above a run's normal
/// duration (tens of milliseconds), so that only a lost wake-up reaches it.
const HUNG: Duration = Duration::from_secs(10);

/// The draws of one run, from its seed.
struct Draw(u64);

impl Draw {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn spool_dir(seed: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("umami-stress-{}-{seed}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn ids(collector: &Collector) -> Vec<u64> {
    let mut ids: Vec<u64> = collector
        .hits()
        .iter()
        .map(|h| h.data().and_then(|d| d["n"].as_u64()).unwrap_or(u64::MAX))
        .collect();
    ids.sort_unstable();
    ids
}

/// One seeded run; `Err` names the setup and what hung.
async fn run(seed: u64, collector: &Collector) -> Result<(), String> {
    let mut draw = Draw(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1);
    let capacity = 1 + draw.below(4) as usize;
    let batch = 1 + draw.below(capacity as u64 + 1) as usize;
    let concurrency = 1 + draw.below(3) as usize;
    let flush_interval = Duration::from_millis([0, 0, 1, 5][draw.below(4) as usize]);
    let events = 20 + draw.below(40);
    let failures = draw.below(3) as usize;
    let setup = format!(
        "seed {seed}: capacity {capacity}, batch {batch}, {concurrency} requests, \
         flush interval {flush_interval:?}, {events} events, {failures} failed answers"
    );
    collector.clear();
    if failures > 0 {
        collector.fail_next(failures, 503);
    }
    let dir = spool_dir(seed);
    let client = Client::builder()
        .url_base(collector.url())
        .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
        .hostname("example.com")
        .build()
        .unwrap();
    let dispatcher = Dispatcher::builder(client.clone())
        .capacity(capacity)
        .max_batch_size(batch)
        .max_concurrent_requests(concurrency)
        .flush_interval(flush_interval)
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(2)),
        )
        .spool(SpoolConfig::new(&dir).segment_bytes(4096))
        .build()
        .unwrap();
    let spool = dispatcher.shared().spool.as_ref().unwrap();
    spool.core.chaos.start(seed);
    // A thread tracks (as a request handler would, off the runtime) while the runtime
    // sends; a first flush runs while the second half is still being tracked.
    let (half, halfway) = tokio::sync::oneshot::channel();
    let tracker = {
        let dispatcher = dispatcher.clone();
        std::thread::spawn(move || {
            let mut half = Some(half);
            for n in 0..events {
                dispatcher
                    .track_hit(client.new_event("Stress").custom_data(json!({"n": n})))
                    .unwrap();
                if n == events / 2 {
                    let _ = half.take().map(|h| h.send(()));
                }
                if n % 7 == 0 {
                    std::thread::yield_now();
                }
            }
        })
    };
    halfway.await.unwrap();
    let first = dispatcher.flush_timeout(HUNG).await;
    let first_stats = dispatcher.stats();
    tokio::task::spawn_blocking(move || tracker.join().unwrap())
        .await
        .unwrap();
    let last = dispatcher.flush_timeout(HUNG).await;
    if !(first && last) {
        let stats = dispatcher.stats();
        dispatcher.shutdown(Duration::from_millis(100)).await;
        return Err(format!(
            "{setup}: first flush returned: {first}, last flush returned: {last}; \
             {first_stats:?}; {stats:?}"
        ));
    }
    assert_eq!(ids(collector), (0..events).collect::<Vec<_>>(), "{setup}");
    let report = dispatcher.shutdown(Duration::from_secs(5)).await;
    assert!(report.all_delivered(), "{setup}: {report}");
    assert_eq!(report.stats.spool.unwrap().pending, 0, "{setup}");
    drop(dispatcher);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[test]
fn flushes_return_under_random_pauses_at_every_refill_hand_off() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let collector = Collector::start().await.unwrap();
        let mut hung = Vec::new();
        for seed in 0..seeds() {
            if let Err(run) = run(seed, &collector).await {
                hung.push(run);
            }
        }
        assert!(
            hung.is_empty(),
            "{} runs hung:\n{}",
            hung.len(),
            hung.join("\n")
        );
    });
}
