//! The child process of `tests/spool_crash.rs` (and of the spool benchmark's crash run): a
//! dispatcher with a spool that tracks events `{"n": id}` against a receiver until it is
//! killed, printing `ok <id>` once `track` returned `Ok` for an event.
//!
//! Environment: `SPOOL_DIR`, `SPOOL_URL`, `SPOOL_DURABILITY` (`os` or `sync`), `SPOOL_FIRST`
//! (the first id), `SPOOL_COUNT` (events to track; 0 only drains what the spool holds).
//! Prints `open recovered=R dups=D corrupt=C` first; after tracking, flushes, and when
//! `SPOOL_COUNT` is 0 shuts down and prints `done sent=S retried=T failed=F pending=P`.

use std::io::Write;
use std::time::Duration;

use serde_json::json;
use umami::Dispatcher;
use umami::dispatch::spool::{Durability, SpoolConfig};

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let durability = match var("SPOOL_DURABILITY").as_str() {
        "sync" => Durability::Sync,
        _ => Durability::Os,
    };
    let first: u64 = var("SPOOL_FIRST").parse().expect("SPOOL_FIRST");
    let count: u64 = var("SPOOL_COUNT").parse().expect("SPOOL_COUNT");
    let client = umami::Client::builder()
        .url_base(var("SPOOL_URL"))
        .website_id(umami_integration::WEBSITE_ID)
        .hostname("example.com")
        .build()
        .expect("client");
    let dispatcher = Dispatcher::builder(client.clone())
        .capacity(2_000)
        .flush_interval(Duration::from_millis(20))
        .spool(
            SpoolConfig::new(var("SPOOL_DIR"))
                .durability(durability)
                .segment_bytes(256 * 1024),
        )
        .build()
        .expect("dispatcher");
    let spool = dispatcher.stats().spool.expect("spool stats");
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    writeln!(
        out,
        "open recovered={} dups={} corrupt={}",
        spool.recovered, spool.recovered_possible_duplicates, spool.corrupt_skipped
    )
    .expect("stdout");
    for id in first..first + count {
        if dispatcher
            .track_hit(client.new_event("Crash").custom_data(json!({"n": id})))
            .is_ok()
        {
            // Line-buffered: one write per line, so a printed id was accepted.
            writeln!(out, "ok {id}").expect("stdout");
        }
    }
    drop(out);
    dispatcher.flush().await;
    if count == 0 {
        let report = dispatcher.shutdown(Duration::from_secs(30)).await;
        let s = &report.stats;
        println!(
            "done sent={} retried={} failed={} pending={}",
            s.sent,
            s.retried,
            s.failed.total(),
            s.spool.map_or(0, |sp| sp.pending)
        );
    } else {
        // Wait to be killed.
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}
