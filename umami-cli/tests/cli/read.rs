//! The read commands: against the collector (login, stats, metrics, events) and against a
//! stub answering Umami 3.1.0's recorded answers (websites, active, pageviews).

use std::path::Path;

use crate::common::*;
use crate::stub::{Stub, recorded};

/// Three page views by two visitors and two events, on 2026-11-30.
const DATA: &str = concat!(
    r#"{"url":"/","title":"Home","ip":"203.0.113.1","userAgent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0","timestamp":"2026-11-30T10:00:00Z"}"#,
    "\n",
    r#"{"url":"/pricing","title":"Pricing","ip":"203.0.113.1","userAgent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0","timestamp":"2026-11-30T10:01:00Z"}"#,
    "\n",
    r#"{"url":"/","title":"Home","ip":"203.0.113.2","userAgent":"Mozilla/5.0 (Macintosh) Safari/605.1.15","timestamp":"2026-11-30T11:00:00Z"}"#,
    "\n",
    r#"{"name":"Signup","url":"/pricing","ip":"203.0.113.1","userAgent":"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0","data":{"plan":"pro"},"timestamp":"2026-11-30T10:02:00Z"}"#,
    "\n",
    r#"{"name":"Signup","url":"/pricing","ip":"203.0.113.2","userAgent":"Mozilla/5.0 (Macintosh) Safari/605.1.15","data":{"plan":"team"},"timestamp":"2026-11-30T11:01:00Z"}"#,
    "\n",
);

fn with_data() -> (Server, std::path::PathBuf) {
    let server = Server::start();
    let home = scratch("read");
    let file = home.join("data.jsonl");
    std::fs::write(&file, DATA).unwrap();
    let (code, out, err) = run(umami_at(&home, server.url()).arg("import").arg(&file));
    assert_eq!(code, 0, "{out}{err}");
    (server, home)
}

fn reader(home: &Path, url: &str) -> std::process::Command {
    let mut command = umami_at(home, url);
    command
        .env("UMAMI_USERNAME", umami_test::DEFAULT_USERNAME)
        .env("UMAMI_PASSWORD", umami_test::DEFAULT_PASSWORD);
    command
}

#[test]
fn stats_in_three_formats() {
    let (server, home) = with_data();
    let (code, out, err) =
        run(reader(&home, server.url()).args(["stats", "--range", "2026-11-30"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        " metric     value  previous\n pageviews      3         0\n visitors       2         0\n visits         2         0\n bounces        1         0\n totaltime     60         0\n"
    );
    let (code, out, _) = run(reader(&home, server.url()).args([
        "stats",
        "--range",
        "2026-11-30",
        "--format",
        "csv",
    ]));
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "metric,value,previous\npageviews,3,0\nvisitors,2,0\nvisits,2,0\nbounces,1,0\ntotaltime,60,0\n"
    );
    let (code, out, _) = run(reader(&home, server.url()).args([
        "stats",
        "--range",
        "2026-11-30",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["pageviews"], 3);
    assert_eq!(json["visitors"], 2);
    assert_eq!(json["comparison"]["pageviews"], 0);
}

#[test]
fn metrics_rank_paths_and_events() {
    let (server, home) = with_data();
    let (code, out, err) = run(reader(&home, server.url()).args([
        "metrics",
        "path",
        "--range",
        "2026-11-29..2026-11-30",
    ]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        " path      count\n /             2\n /pricing      1\n"
    );
    let (code, out, _) = run(reader(&home, server.url()).args([
        "metrics",
        "event",
        "--range",
        "2026-11-30",
        "--format",
        "json",
    ]));
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap(),
        serde_json::json!([{"event": "Signup", "count": 2}])
    );
    let (code, _, err) = run(reader(&home, server.url()).args(["metrics", "colour"]));
    assert_eq!(code, 3);
    assert!(
        err.starts_with("error: usage: \"colour\" is not a metrics type: path, entry,"),
        "{err}"
    );
}

#[test]
fn events_list_the_newest_first() {
    let (server, home) = with_data();
    let (code, out, err) = run(reader(&home, server.url()).args([
        "events",
        "--range",
        "2026-11-30",
        "--limit",
        "3",
        "--format",
        "csv",
    ]));
    assert_eq!((code, err.as_str()), (0, ""));
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows[0], "time,type,name,path,session");
    assert_eq!(rows.len(), 4, "{out}");
    assert!(
        rows[1].starts_with("2026-11-30T11:01:00.000Z,event,Signup,/pricing,"),
        "{out}"
    );
    assert!(
        rows[2].starts_with("2026-11-30T11:00:00.000Z,pageview,,/,"),
        "{out}"
    );
    assert!(
        rows[3].starts_with("2026-11-30T10:02:00.000Z,event,Signup,/pricing,"),
        "{out}"
    );
}

#[test]
fn bad_ranges_and_missing_credentials_are_usage_errors() {
    let home = scratch("read-usage");
    let (code, _, err) =
        run(reader(&home, "http://127.0.0.1:9").args(["stats", "--range", "lastweek"]));
    assert_eq!(code, 3);
    assert_eq!(
        err,
        "error: usage: --range \"lastweek\" is not a range: use today, yesterday, 7d, 30d, 24h, \
         a day 2026-11-01, or days 2026-11-01..2026-11-30\n"
    );
    let (code, _, err) = run(umami_at(&home, "http://127.0.0.1:9")
        .env("UMAMI_USERNAME", "admin")
        .args(["stats"]));
    assert_eq!(code, 3);
    assert_eq!(
        err,
        "error: usage: no password for reads: set UMAMI_PASSWORD, or put `password` in the \
         config file\n"
    );
    let (code, _, err) =
        run(reader(&home, "http://127.0.0.1:9").args(["pageviews", "--unit", "week"]));
    assert_eq!(code, 3);
    assert_eq!(
        err,
        "error: usage: --unit \"week\" is not minute, hour, day, month or year\n"
    );
}

#[test]
fn a_wrong_password_is_an_auth_error_that_does_not_print_it() {
    let server = Server::start();
    let home = scratch("read-auth");
    let (code, out, err) = run(umami_at(&home, server.url())
        .env("UMAMI_USERNAME", "admin")
        .env("UMAMI_PASSWORD", "hunter2-secret")
        .args(["stats"]));
    assert_eq!((code, out.as_str()), (9, ""));
    assert_eq!(
        err,
        "error: auth: login: Umami answered 401: Unauthorized\n"
    );
}

fn stub() -> Stub {
    Stub::start(vec![
        (
            "POST",
            "/api/auth/login".to_owned(),
            200,
            recorded("001-POST-auth-login-ok"),
        ),
        (
            "GET",
            format!("/api/websites/{WEBSITE}/active"),
            200,
            recorded("206-GET-websites-websiteId-active"),
        ),
        (
            "GET",
            format!("/api/websites/{WEBSITE}/pageviews"),
            200,
            recorded("240-GET-websites-websiteId-pageviews-unit-day-UTC"),
        ),
        (
            "GET",
            "/api/websites".to_owned(),
            200,
            recorded("171-GET-websites-admin"),
        ),
    ])
}

#[test]
fn websites_lists_what_the_login_sees() {
    let stub = stub();
    let home = scratch("read-websites");
    let (code, out, err) = run(reader(&home, &stub.url).arg("websites"));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        " id                                    name              domain                    created\n 00000000-0000-4000-8000-00000000f1c5  fixtures          fixtures.example          2026-12-01T07:46:46.664Z\n 6a758f83-7b6f-4204-aa74-4ebf306f6a3c  fixtures-scratch  scratch.fixtures.example  2026-12-01T07:46:46.681Z\n 978435e2-7ba1-4337-9860-ec31ece2db60  example.com       example.com               2026-12-01T07:28:55.756Z\n"
    );
    let seen = stub.seen();
    assert_eq!(
        (seen[0].method.as_str(), seen[0].target.as_str()),
        ("POST", "/api/auth/login")
    );
    assert!(
        seen[1].target.starts_with("/api/websites?"),
        "{:?}",
        seen[1]
    );
    assert!(
        seen[1]
            .authorization
            .as_deref()
            .unwrap_or_default()
            .starts_with("Bearer ")
    );
}

#[test]
fn active_prints_the_visitors_now() {
    let stub = stub();
    let home = scratch("read-active");
    let (code, out, _) = run(reader(&home, &stub.url).arg("active"));
    assert_eq!((code, out.as_str()), (0, " visitors\n        1\n"));
    let (code, out, _) = run(reader(&home, &stub.url).args(["active", "--format", "json"]));
    assert_eq!((code, out.as_str()), (0, "{\"visitors\":1}\n"));
}

#[test]
fn pageviews_asks_for_the_unit_and_timezone_and_prints_buckets() {
    let stub = stub();
    let home = scratch("read-pageviews");
    let (code, out, err) = run(reader(&home, &stub.url).args([
        "pageviews",
        "--range",
        "2026-11-24..2026-12-01",
        "--unit",
        "day",
        "--timezone",
        "UTC",
        "--format",
        "csv",
    ]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        out,
        "time,pageviews,sessions\n2026-11-24 00:00:00,6,1\n2026-11-25 00:00:00,9,2\n2026-11-26 00:00:00,6,2\n2026-11-27 00:00:00,12,4\n2026-11-28 00:00:00,6,2\n2026-11-29 00:00:00,9,3\n2026-11-30 00:00:00,10,4\n2026-12-01 00:00:00,6,3\n"
    );
    let request = &stub.seen()[1].target;
    assert!(
        request.starts_with(&format!("/api/websites/{WEBSITE}/pageviews?")),
        "{request}"
    );
    for part in [
        "startAt=1795478400000",
        "endAt=1796169600000",
        "unit=day",
        "timezone=UTC",
    ] {
        assert!(request.contains(part), "{part} in {request}");
    }
}
