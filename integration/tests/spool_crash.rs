//! Crash test of the dispatcher's spool with a real child process
//! (`src/bin/spool_crash_child.rs`): it tracks events against a receiver on 127.0.0.1 (the
//! in-process `umami_test::Collector`) and is SIGKILLed at random moments, 6 times in a
//! row (OS and sync durability in turn), each run reopening the spool; a last run drains it.
//! Every event whose `track` returned `Ok` before a kill must reach the receiver, and the
//! duplicates must stay within the possible duplicates the runs reported.
//!
//! Kept small for CI (up to 6 x 8,000 events); `SPOOL_CRASH_EVENTS=20000 cargo test
//! --release --test spool_crash` runs the size (6 x 20,000 tracked, killed at random
//! moments).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use umami_test::Collector;

/// Events each child tracks (unless killed first); `SPOOL_CRASH_EVENTS` overrides it.
fn per_run() -> u64 {
    std::env::var("SPOOL_CRASH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8_000)
}

/// A child run; returns its stdout lines once it exited (killed or not).
fn run_child(
    dir: &PathBuf,
    url: &str,
    durability: &str,
    first: u64,
    count: u64,
    kill_after: Option<Duration>,
) -> Vec<String> {
    let mut child: Child = Command::new(env!("CARGO_BIN_EXE_spool_crash_child"))
        .env("SPOOL_DIR", dir)
        .env("SPOOL_URL", url)
        .env("SPOOL_DURABILITY", durability)
        .env("SPOOL_FIRST", first.to_string())
        .env("SPOOL_COUNT", count.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the child");
    let stdout = child.stdout.take().expect("piped stdout");
    let (opened, is_open) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.is_empty() {
                let _ = opened.send(());
            }
            lines.push(line);
        }
        lines
    });
    if let Some(after) = kill_after {
        // The moment counts from the spool's opening (process start-up varies a lot).
        let _ = is_open.recv_timeout(Duration::from_secs(60));
        std::thread::sleep(after);
        // SIGKILL; an error only means it already exited.
        let _ = child.kill();
    }
    let status = child.wait().expect("wait for the child");
    if kill_after.is_none() {
        assert!(status.success(), "the draining child failed: {status}");
    }
    reader.join().expect("reader thread")
}

fn field(line: &str, name: &str) -> u64 {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {name} in {line:?}"))
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_accepted_before_sigkill_are_delivered_after_restarts() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("spool-crash");
    let _ = std::fs::remove_dir_all(&dir);
    // No bot check: the collector's User-Agent patterns are slow in debug builds, and the
    // children should see answers (and settle events) between kills.
    let collector = Collector::builder()
        .bot_filter(false)
        .start()
        .await
        .unwrap();
    let url = collector.url().to_owned();

    // Random kill moments (a different seed every run, printed to reproduce).
    let mut seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
        | 1;
    eprintln!("kill seed {seed}");
    let mut accepted = BTreeSet::new();
    let mut reported_duplicates = 0;
    let mut recovered_total = 0;
    let mut kills = 0;
    for run in 0..6_u64 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_after = Duration::from_millis(100 + seed % 500);
        let durability = if run % 2 == 0 { "os" } else { "sync" };
        let url = url.clone();
        let dir2 = dir.clone();
        let lines = tokio::task::spawn_blocking(move || {
            run_child(
                &dir2,
                &url,
                durability,
                run * 1_000_000,
                per_run(),
                Some(kill_after),
            )
        })
        .await
        .unwrap();
        let open = lines
            .first()
            .filter(|l| l.starts_with("open "))
            .unwrap_or_else(|| panic!("run {run}: no open line in {:?}", lines.first()));
        reported_duplicates += field(open, "dups");
        recovered_total += field(open, "recovered");
        let oks: Vec<u64> = lines
            .iter()
            .filter_map(|l| l.strip_prefix("ok ")?.parse().ok())
            .collect();
        eprintln!(
            "run {run} ({durability}): killed after {kill_after:?}, {} accepted, {open}",
            oks.len()
        );
        accepted.extend(oks);
        kills += 1;
    }
    assert_eq!(kills, 6);
    assert!(
        accepted.len() > 1_000,
        "the children accepted {} events",
        accepted.len()
    );
    assert!(
        recovered_total > 0,
        "kills left nothing to recover: not a crash test"
    );

    let url2 = url.clone();
    let dir2 = dir.clone();
    let lines = tokio::task::spawn_blocking(move || run_child(&dir2, &url2, "os", 0, 0, None))
        .await
        .unwrap();
    let open = &lines[0];
    reported_duplicates += field(open, "dups");
    let done = lines
        .iter()
        .find(|l| l.starts_with("done "))
        .unwrap_or_else(|| panic!("no done line: {lines:?}"));
    eprintln!("drain: {open}; {done}");
    assert_eq!(field(done, "failed"), 0, "{done}");
    assert_eq!(field(done, "pending"), 0, "{done}");
    reported_duplicates += field(done, "retried");

    let mut counts: BTreeMap<u64, u64> = BTreeMap::new();
    for hit in collector.hits() {
        let n = hit.data().unwrap()["n"].as_u64().unwrap();
        *counts.entry(n).or_insert(0) += 1;
    }
    let missing: Vec<&u64> = accepted
        .iter()
        .filter(|n| !counts.contains_key(n))
        .collect();
    assert!(
        missing.is_empty(),
        "{} accepted events never arrived, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    let duplicates: u64 = counts.values().map(|c| c - 1).sum();
    eprintln!(
        "{} accepted, {} distinct received, {duplicates} duplicates, {reported_duplicates} \
         reported possible",
        accepted.len(),
        counts.len()
    );
    assert!(
        duplicates <= reported_duplicates,
        "{duplicates} duplicates > {reported_duplicates} reported as possible"
    );
}
