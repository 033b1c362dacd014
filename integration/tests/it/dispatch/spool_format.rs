//! Spools written by earlier versions of the crate keep opening: a spool directory written
//! before the checksum moved to `crc32fast` (`tests/fixtures/spool-before-crc32fast/`, see
//! its README) is recovered and every event in it delivered, once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use umami::dispatch::spool::SpoolConfig;
use umami::{Client, Dispatcher};
use umami_integration::WEBSITE_ID;
use umami_test::Collector;

/// A copy of the fixture in a fresh directory (the dispatcher writes to its spool).
fn copy_of_fixture(name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let to = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("spool-fixture-{name}"));
    let _ = std::fs::remove_dir_all(&to);
    std::fs::create_dir_all(&to).unwrap();
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str());
        if matches!(ext, Some("seg" | "ack")) {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
    to
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spool_written_before_crc32fast_is_recovered_whole() {
    let dir = copy_of_fixture("spool-before-crc32fast");
    let collector = Collector::start().await.unwrap();
    let client = Client::builder()
        .url_base(collector.url())
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap();
    let dispatcher = Dispatcher::builder(client)
        .spool(SpoolConfig::new(&dir))
        .build()
        .unwrap();
    let spool = dispatcher.stats().spool.unwrap();
    assert_eq!(spool.recovered, 40, "{spool:?}");
    assert_eq!(spool.corrupt_skipped, 0, "{spool:?}");
    dispatcher.flush().await;
    let mut ids: Vec<u64> = collector
        .hits()
        .iter()
        .map(|h| {
            assert_eq!(h.event_name(), Some("Crash"));
            h.data().unwrap()["n"].as_u64().unwrap()
        })
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=40).collect::<Vec<_>>(), "every event, once");
    let report = dispatcher.shutdown(Duration::from_secs(5)).await;
    assert!(report.all_delivered(), "{report}");
}
