//! Benchmark of `umami import`: writes a JSON Lines file and a combined access log of N lines
//! each, runs the `umami` binary on them against a minimal local receiver (it answers
//! `/api/batch` as Umami 3.1 does, stores nothing, counts the items), and prints lines per
//! second, the peak RSS the binary reports, and the receiver's count.
//!
//! ```text
//! cargo build --release -p umami-analytics-cli --bin umami
//! cargo bench -p umami-bench --bench bench_import -- 1000000 target/release/umami
//! ```
//! `scripts/bench-import.sh` runs it for 100,000 and 1,000,000 lines. `BENCH_DELAY_MS=50`
//! makes the receiver wait that long before each answer (a slow server: the import's memory
//! must stay flat while its chunks wait on disk).

use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

const WEBSITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";
const UAS: [&str; 4] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let lines: u64 = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);
    let binary = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "target/release/umami".to_owned()),
    );
    let work = std::env::temp_dir().join(format!("umami-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("work dir");

    let received = Arc::new(AtomicU64::new(0));
    let url = receiver(received.clone());

    let jsonl = work.join("hits.jsonl");
    write_jsonl(&jsonl, lines);
    let log = work.join("access.log");
    write_log(&log, lines);

    println!("| input | lines | seconds | lines/s | peak RSS (MiB) | received |");
    println!("|---|---|---|---|---|---|");
    for (name, file) in [("JSON Lines", &jsonl), ("combined access log", &log)] {
        let before = received.load(Ordering::SeqCst);
        let started = Instant::now();
        let output = Command::new(&binary)
            .arg("import")
            .arg(file)
            .args(["--no-progress", "--state-dir"])
            .arg(work.join("state"))
            .env("UMAMI_URL", &url)
            .env("UMAMI_WEBSITE_ID", WEBSITE)
            .env("UMAMI_HOSTNAME", "bench.example.com")
            .output()
            .expect("the umami binary runs");
        let seconds = started.elapsed().as_secs_f64();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let peak = stdout
            .split("peak memory ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .unwrap_or("?")
            .to_owned();
        let got = received.load(Ordering::SeqCst) - before;
        println!(
            "| {name} | {lines} | {seconds:.2} | {:.0} | {peak} | {got} |",
            lines as f64 / seconds
        );
    }
    let _ = std::fs::remove_dir_all(&work);
}

fn write_jsonl(path: &Path, lines: u64) {
    let mut out = BufWriter::new(std::fs::File::create(path).expect("jsonl file"));
    let start = 1_796_040_000_u64;
    for i in 0..lines {
        writeln!(
            out,
            r#"{{"type":"event","payload":{{"website":"{WEBSITE}","hostname":"bench.example.com","url":"/checkout/{}","name":"Purchase-Course","data":{{"plan":"pro","seats":{}}},"id":"user-{}","timestamp":{}}}}}"#,
            i % 97,
            i % 10,
            i % 5000,
            start + i / 100
        )
        .expect("write");
    }
    out.flush().expect("flush");
}

fn write_log(path: &Path, lines: u64) {
    let mut out = BufWriter::new(std::fs::File::create(path).expect("log file"));
    for i in 0..lines {
        let secs = i / 100;
        writeln!(
            out,
            r#"198.51.{}.{} - - [30/Nov/2026:{:02}:{:02}:{:02} +0000] "GET /docs/page-{}?utm_source=news&x=1 HTTP/1.1" 200 5120 "https://search.example/?q={}" "{}""#,
            (i / 250) % 250,
            i % 250,
            (secs / 3600) % 24,
            (secs / 60) % 60,
            secs % 60,
            i % 311,
            i % 13,
            UAS[(i % 4) as usize]
        )
        .expect("write");
    }
    out.flush().expect("flush");
}

/// A minimal Umami: `POST /api/batch` answered with Umami 3.1's shape for every item, on
/// keep-alive HTTP/1.1 connections, one thread each.
fn receiver(received: Arc<AtomicU64>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let received = received.clone();
            std::thread::spawn(move || serve(stream, &received));
        }
    });
    url
}

fn serve(stream: TcpStream, received: &AtomicU64) {
    let delay = std::env::var("BENCH_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map(std::time::Duration::from_millis);
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut writer = stream;
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0_usize;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        if let Some(delay) = delay {
            std::thread::sleep(delay);
        }
        let answer = if request_line.starts_with("POST /api/batch") {
            let items = serde_json::from_slice::<Vec<serde::de::IgnoredAny>>(&body)
                .map_or(0, |items| items.len());
            received.fetch_add(items as u64, Ordering::SeqCst);
            format!(r#"{{"size":{items},"processed":{items},"errors":0,"details":[]}}"#)
        } else if request_line.starts_with("POST /api/send") {
            received.fetch_add(1, Ordering::SeqCst);
            r#"{"cache":"x","sessionId":"s","visitId":"v"}"#.to_owned()
        } else {
            "{}".to_owned()
        };
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}
