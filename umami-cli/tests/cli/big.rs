//! An import of 100,000 lines: every line stored, memory reported and bounded.

use std::io::Write;
use std::time::Duration;

use crate::common::*;

const LINES: usize = 100_000;

#[test]
fn an_import_of_100000_access_log_lines_stores_each_and_reports_its_memory() {
    let server = Server::start();
    let home = scratch("big");
    let file = home.join("access.log");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    for i in 0..LINES {
        writeln!(
            out,
            r#"198.51.{}.{} - - [30/Nov/2026:{:02}:{:02}:{:02} +0000] "GET /docs/{}?utm_source=mail HTTP/1.1" 200 512 "-" "{BROWSER}""#,
            i / 250 % 250,
            i % 250,
            i / 3600 % 24,
            i / 60 % 60,
            i % 60,
            i % 101
        )
        .unwrap();
    }
    out.flush().unwrap();
    drop(out);
    let (code, out, err) = run(umami_at(&home, server.url()).arg("import").arg(&file));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with(&format!(
            "imported {}: 100,000 lines\n  stored        100,000\n  skipped             0\n  failed              0\n",
            file.display()
        )),
        "{out}"
    );
    let hits = server.wait_for(LINES, Duration::from_secs(5));
    assert_eq!(hits.len(), LINES);
    let peak: f64 = out
        .split("peak memory ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|mib| mib.parse().ok())
        .expect("the report gives the peak memory");
    println!("100,000 lines: {}", out.lines().last().unwrap_or_default().trim());
    assert!(peak < 64.0, "peak memory {peak} MiB");
}
