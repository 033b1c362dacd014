//! `umami import`: JSON Lines, CSV, access logs; the report, bad lines, rules, dry runs.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

use crate::common::*;

/// The report without its last line (time, rate and memory vary).
fn report(out: &str) -> String {
    let mut lines: Vec<&str> = out.lines().collect();
    let last = lines.pop().unwrap_or_default();
    assert!(
        last.starts_with("  time "),
        "the report ends with its time: {out}"
    );
    lines.join("\n") + "\n"
}

#[test]
fn json_lines_in_both_shapes_are_stored_with_their_own_time() {
    let server = Server::start();
    let home = scratch("import-jsonl");
    let file = home.join("hits.jsonl");
    std::fs::write(
        &file,
        concat!(
            r#"{"type":"event","payload":{"website":"978435e2-7ba1-4337-9860-ec31ece2db60","hostname":"a.example","url":"/x","name":"Signup","data":{"plan":"pro"},"timestamp":1796040000}}"#,
            "\n",
            r#"{"name":"Upgrade","url":"/billing","id":42,"data":{"seats":3},"timestamp":"2026-11-30T13:00:00Z"}"#,
            "\n",
            r#"{"url":"/pricing","title":"Pricing","timestamp":1796040100}"#,
            "\n",
            r#"{"type":"revenue","revenue":9.5,"currency":"EUR","timestamp":1796040200}"#,
            "\n",
            r#"{"type":"identify","id":"user-1","data":{"plan":"team"}}"#,
            "\n",
        ),
    )
    .unwrap();
    let (code, out, err) = run(umami_at(&home, server.url()).arg("import").arg(&file));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        report(&out),
        format!(
            "imported {}: 5 lines\n  stored              5\n  skipped             0\n  failed              0\n",
            file.display()
        )
    );
    let mut hits = server.collector.hits();
    hits.sort_by_key(|h| h.timestamp().and_then(|t| t.as_u64()).unwrap_or(u64::MAX));
    assert_eq!(hits.len(), 5);
    assert_eq!(hits[0].event_name(), Some("Signup"));
    assert_eq!(hits[0].hostname(), Some("a.example"));
    assert_eq!(hits[0].timestamp(), Some(&json!(1_796_040_000)));
    assert_eq!(hits[1].url(), Some("/pricing"));
    assert!(hits[1].is_page_view());
    assert_eq!(hits[2].data().unwrap()["currency"], json!("EUR"));
    assert_eq!(hits[3].event_name(), Some("Upgrade"));
    assert_eq!(hits[3].distinct_id(), Some("42"));
    assert_eq!(hits[3].hostname(), Some(HOSTNAME));
    assert_eq!(hits[3].timestamp(), Some(&json!(1_796_043_600)));
    assert_eq!(hits[4].kind(), "identify");
    assert_eq!(hits[4].timestamp(), None);
    // A finished import leaves no state behind.
    assert!(
        !home
            .join("state")
            .join("umami")
            .join("import")
            .read_dir()
            .unwrap()
            .any(|_| true)
    );
}

#[test]
fn bad_lines_are_reported_with_their_numbers_and_exit_1() {
    let server = Server::start();
    let home = scratch("import-bad");
    let file = home.join("hits.jsonl");
    let long = "x".repeat(51);
    std::fs::write(
        &file,
        format!(
            "{{\"name\":\"A\"}}\nnot json\n{{\"nmae\":\"B\"}}\n\n{{\"name\":\"{long}\"}}\n{{\"name\":\"C\",\"data\":[1]}}\n{{\"name\":\"D\"}}\n"
        ),
    )
    .unwrap();
    let (code, out, err) = run(umami_at(&home, server.url()).arg("import").arg(&file));
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        report(&out),
        format!(
            "imported {}: 7 lines\n  stored              2\n  skipped             1\n    blank line: 1\n  failed              4\n    line 2: invalid JSON: expected ident at line 1 column 2\n    line 3: unknown field `nmae`, expected one of `type`, `payload`, `website`, `hostname`, `name`, `url`, `title`, `referrer`, `language`, `screen`, `tag`, `id`, `ip`, `userAgent`, `timestamp`, `browser`, `os`, `device`, `data`, `revenue`, `currency`, `lcp`, `inp`, `cls`, `fcp`, `ttfb` at line 1 column 7\n    line 5: invalid `event_name`: 51 UTF-16 code units, at most 50 allowed\n    line 6: \"data\" must be a JSON object, not an array\n",
            file.display()
        )
    );
    let names: Vec<_> = server
        .collector
        .hits()
        .iter()
        .map(|h| h.event_name().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["A", "D"]);
}

#[test]
fn dry_run_lists_every_bad_line_and_sends_nothing() {
    let server = Server::start();
    let home = scratch("import-dry");
    let file = home.join("hits.jsonl");
    std::fs::write(
        &file,
        "{\"name\":\"A\"}\n{\"name\":\"\"}\n{\"url\":\"/a\",\"data\":{}}\n",
    )
    .unwrap();
    let (code, out, err) = run(umami_at(&home, server.url())
        .args(["import", "--dry-run"])
        .arg(&file));
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        format!(
            "line 2: invalid `event_name`: must not be empty or blank\nline 3: invalid `hit`: a page view carries no data\ndry run of {}: 3 lines, 1 to send, 0 skipped, 2 bad\n",
            file.display()
        )
    );
    assert!(server.collector.requests().is_empty());
}

#[test]
fn csv_columns_map_to_fields_and_typed_data() {
    let server = Server::start();
    let home = scratch("import-csv");
    let file = home.join("export.csv");
    std::fs::write(
        &file,
        "event,path,when,data.plan,data.seats,note\nSignup,/a,2026-11-30T12:00:00Z,pro,3,x\n\"Up, grade\",\"/b\",1796040060,team,10,\"multi\nline\"\n",
    )
    .unwrap();
    let (code, out, err) = run(umami_at(&home, server.url())
        .args([
            "import",
            "--map",
            "event=name",
            "--map",
            "path=url",
            "--map",
            "when=timestamp",
            "--map",
            "note=-",
        ])
        .arg(&file));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.starts_with(&format!(
            "imported {}: 4 lines\n  stored              2\n",
            file.display()
        )),
        "{out}"
    );
    let hits = server.collector.hits();
    assert_eq!(hits.len(), 2);
    let signup = hits
        .iter()
        .find(|h| h.event_name() == Some("Signup"))
        .unwrap();
    assert_eq!(signup.url(), Some("/a"));
    assert_eq!(signup.timestamp(), Some(&json!(1_796_040_000)));
    assert_eq!(
        serde_json::Value::Object(signup.data().unwrap().clone()),
        json!({"plan": "pro", "seats": 3})
    );
    let upgrade = hits
        .iter()
        .find(|h| h.event_name() == Some("Up, grade"))
        .unwrap();
    assert_eq!(upgrade.timestamp(), Some(&json!(1_796_040_060)));
}

#[test]
fn unknown_csv_columns_are_named_before_anything_is_sent() {
    let server = Server::start();
    let home = scratch("import-csv-unknown");
    let file = home.join("export.csv");
    std::fs::write(&file, "name,colour,plan\nSignup,red,pro\n").unwrap();
    let (code, out, err) = run(umami_at(&home, server.url()).arg("import").arg(&file));
    assert_eq!((code, out.as_str()), (3, ""), "{err}");
    let first = err.lines().next().unwrap();
    assert!(
        first.starts_with(
            "error: usage: unknown columns \"colour\", \"plan\": map each with --map \
             COLUMN=FIELD (fields: type, name, url,"
        ),
        "{err}"
    );
    assert!(server.collector.requests().is_empty());
    // Nothing to resume: fixing the command and running it again just works.
    let (code, _, err) = run(umami_at(&home, server.url())
        .args(["import", "--map", "colour=-", "--map", "plan=data.plan"])
        .arg(&file));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        server.collector.hits()[0].data().unwrap()["plan"],
        json!("pro")
    );
}

const CHROME: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

#[test]
fn access_log_lines_become_page_views_by_the_web_layers_rules() {
    let server = Server::start();
    let home = scratch("import-log");
    let file = home.join("access.log");
    let lines = [
        format!(r#"203.0.113.9 - - [30/Nov/2026:13:00:00 +0100] "GET /pricing?utm_source=news&ref=7 HTTP/1.1" 200 512 "https://search.example/?q=umami" "{CHROME}""#),
        format!(r#"203.0.113.9 - - [30/Nov/2026:13:00:01 +0100] "GET /app.css HTTP/1.1" 200 99 "-" "{CHROME}""#),
        format!(r#"203.0.113.9 - - [30/Nov/2026:13:00:02 +0100] "POST /login HTTP/1.1" 302 0 "-" "{CHROME}""#),
        format!(r#"198.51.100.7 - - [30/Nov/2026:13:00:03 +0100] "GET /missing HTTP/1.1" 404 0 "-" "{CHROME}""#),
        r#"198.51.100.8 - - [30/Nov/2026:13:00:04 +0100] "GET / HTTP/1.1" 200 10 "-" "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)""#.to_owned(),
        format!(r#"2001:db8::1 - alice [30/Nov/2026:13:00:05 +0100] "HEAD /docs HTTP/1.1" 304 0 "-" "{CHROME}""#),
        format!(r#"203.0.113.9 - - [30/Nov/2026:13:00:06 +0100] "GET /healthz HTTP/1.1" 200 2 "-" "{CHROME}""#),
        "this is not a log line".to_owned(),
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let (code, out, err) = run(umami_at(&home, server.url())
        .args(["import", "--exclude-path", "/healthz"])
        .arg(&file));
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        report(&out),
        format!(
            "imported {}: 8 lines\n  stored              2\n  skipped             5\n    asset path: 1\n    bot User-Agent: 1\n    excluded path: 1\n    method not GET/HEAD: 1\n    status not 2xx/304: 1\n  failed              1\n    line 8: not a combined log line: \"this\" is not an IP address\n",
            file.display()
        )
    );
    let mut hits = server.collector.hits();
    hits.sort_by_key(|h| h.timestamp().and_then(|t| t.as_u64()));
    assert_eq!(hits.len(), 2);
    assert!(hits[0].is_page_view());
    assert_eq!(hits[0].url(), Some("/pricing?utm_source=news"));
    assert_eq!(hits[0].title(), Some("/pricing?utm_source=news"));
    assert_eq!(hits[0].payload_ip(), Some("203.0.113.9"));
    assert_eq!(hits[0].payload_user_agent(), Some(CHROME));
    assert_eq!(hits[0].referrer(), Some("https://search.example/?q=umami"));
    assert_eq!(hits[0].hostname(), Some(HOSTNAME));
    // 2026-11-30T12:00:00Z
    assert_eq!(hits[0].timestamp(), Some(&json!(1_796_040_000)));
    assert_eq!(
        hits[0].language(),
        None,
        "a server-side hit invents no language"
    );
    assert_eq!(hits[1].url(), Some("/docs"));
    assert_eq!(hits[1].payload_ip(), Some("2001:db8::1"));
    let at = UNIX_EPOCH + Duration::from_secs(1_796_040_005);
    assert_eq!(hits[1].created_at(), at);
    assert!(hits[1].created_at() < SystemTime::now());
}

#[test]
fn an_interrupted_import_must_be_resumed_or_restarted_and_resume_needs_one() {
    let home = scratch("import-state");
    let file = home.join("hits.jsonl");
    std::fs::write(&file, "{\"name\":\"A\"}\n").unwrap();
    let (code, _, err) = run(umami_at(&home, "http://127.0.0.1:9")
        .args(["import", "--resume"])
        .arg(&file));
    assert_eq!(code, 3);
    assert!(
        err.starts_with("error: usage: no interrupted import to resume in "),
        "{err}"
    );
    assert!(
        err.ends_with(" (a finished import leaves nothing)\n"),
        "{err}"
    );
}

#[test]
fn the_format_comes_from_the_extension_or_format() {
    let home = scratch("import-format");
    let file = home.join("hits.txt");
    std::fs::write(&file, "{}\n").unwrap();
    let (code, _, err) = run(umami_at(&home, "http://127.0.0.1:9")
        .arg("import")
        .arg(&file));
    assert_eq!(code, 3);
    assert_eq!(
        err,
        format!(
            "error: usage: cannot tell the format of {}: pass --format jsonl, csv or combined\n",
            file.display()
        )
    );
}
