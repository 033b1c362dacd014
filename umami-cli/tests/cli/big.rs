//! An import of 100,000 lines: every line stored once, memory reported and bounded. The
//! receiver is `stub::Sink` (Umami's `/api/batch` answer, each item counted): the
//! collector, which validates and stores each hit, takes minutes for 100,000 in a debug
//! build.

use std::io::Write;

use crate::common::*;
use crate::stub::Sink;

const LINES: usize = 100_000;

#[test]
fn an_import_of_100000_access_log_lines_stores_each_once_and_reports_its_memory() {
    let sink = Sink::start();
    let home = scratch("big");
    let file = home.join("access.log");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    for i in 0..LINES {
        writeln!(
            out,
            r#"198.51.{}.{} - - [30/Nov/2026:{:02}:{:02}:{:02} +0000] "GET /docs/{i}?utm_source=mail&x=1 HTTP/1.1" 200 512 "-" "{BROWSER}""#,
            i / 250 % 250,
            i % 250,
            i / 3600 % 24,
            i / 60 % 60,
            i % 60,
        )
        .unwrap();
    }
    out.flush().unwrap();
    drop(out);
    let (code, out, err) = run(umami_at(&home, &sink.url).arg("import").arg(&file));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with(&format!(
            "imported {}: 100,000 lines\n  stored        100,000\n  skipped             0\n  failed              0\n",
            file.display()
        )),
        "{out}"
    );
    let urls = sink.urls.lock().unwrap();
    assert_eq!(urls.len(), LINES, "every line arrived");
    assert!(urls.values().all(|n| *n == 1), "each once");
    assert_eq!(urls.get("/docs/99999?utm_source=mail"), Some(&1));
    let peak: f64 = out
        .split("peak memory ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|mib| mib.parse().ok())
        .expect("the report gives the peak memory");
    println!(
        "100,000 lines: {}",
        out.lines().last().unwrap_or_default().trim()
    );
    assert!(peak < 64.0, "peak memory {peak} MiB");
}
