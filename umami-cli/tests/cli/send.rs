//! `umami send`: what reaches the collector, the one-line answers and the exit codes.

use serde_json::json;

use crate::common::*;

#[test]
fn an_event_with_typed_data_is_stored_and_exits_0() {
    let server = Server::start();
    let home = scratch("send-event");
    let (code, out, err) = run(umami_at(&home, server.url()).args([
        "send",
        "event",
        "Signup",
        "--url",
        "/welcome",
        "--title",
        "Welcome",
        "--data",
        "plan=pro",
        "--data",
        "seats=3",
        "--data",
        "trial=true",
        "--data",
        "price=9.5",
        "--data",
        "code=\"007\"",
        "--id",
        "user-42",
        "--timestamp",
        "2026-11-30T12:00:00Z",
    ]));
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let hits = server.collector.hits();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(
        out,
        format!("stored event \"Signup\" (session {})\n", hit.session_id())
    );
    assert_eq!(hit.event_name(), Some("Signup"));
    assert_eq!(hit.url(), Some("/welcome"));
    assert_eq!(hit.title(), Some("Welcome"));
    assert_eq!(hit.hostname(), Some(HOSTNAME));
    assert_eq!(hit.distinct_id(), Some("user-42"));
    assert_eq!(hit.timestamp(), Some(&json!(1_796_040_000)));
    assert_eq!(
        serde_json::Value::Object(hit.data().unwrap().clone()),
        json!({"plan": "pro", "seats": 3, "trial": true, "price": 9.5, "code": "007"})
    );
}

#[test]
fn page_view_revenue_and_identify_are_stored() {
    let server = Server::start();
    let home = scratch("send-kinds");
    let (code, out, _) = run(umami_at(&home, server.url()).args([
        "send",
        "pageview",
        "/pricing",
        "--title",
        "Pricing",
        "--referrer",
        "https://search.example/",
    ]));
    assert_eq!(code, 0);
    assert!(
        out.starts_with("stored page view of /pricing (session "),
        "{out}"
    );
    let (code, out, _) = run(umami_at(&home, server.url()).args([
        "send",
        "revenue",
        "19.99",
        "USD",
        "--name",
        "checkout",
        "--data-json",
        r#"{"plan":"pro"}"#,
    ]));
    assert_eq!(code, 0);
    assert!(
        out.starts_with("stored revenue event \"checkout\""),
        "{out}"
    );
    let (code, out, _) = run(umami_at(&home, server.url()).args([
        "send",
        "identify",
        "user-7",
        "--data",
        "plan=team",
    ]));
    assert_eq!(code, 0);
    assert!(out.starts_with("stored identify of \"user-7\""), "{out}");

    let hits = server.collector.hits();
    assert_eq!(hits.len(), 3);
    assert!(hits[0].is_page_view());
    assert_eq!(hits[0].url(), Some("/pricing"));
    assert_eq!(hits[0].referrer(), Some("https://search.example/"));
    assert_eq!(hits[1].event_name(), Some("checkout"));
    assert_eq!(
        serde_json::Value::Object(hits[1].data().unwrap().clone()),
        json!({"plan": "pro", "revenue": 19.99, "currency": "USD"})
    );
    assert_eq!(hits[2].kind(), "identify");
    assert_eq!(hits[2].distinct_id(), Some("user-7"));
}

#[test]
fn json_prints_the_servers_answer() {
    let server = Server::start();
    let home = scratch("send-json");
    let (code, out, _) = run(umami_at(&home, server.url()).args(["send", "event", "A", "--json"]));
    assert_eq!(code, 0);
    let answer: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        answer["sessionId"],
        json!(server.collector.hits()[0].session_id())
    );
}

#[test]
fn a_name_over_umamis_limit_is_a_validation_error_exit_4_and_nothing_is_sent() {
    let server = Server::start();
    let home = scratch("send-validation");
    let name = "x".repeat(51);
    let (code, out, err) = run(umami_at(&home, server.url()).args(["send", "event", &name]));
    assert_eq!(code, 4, "{err}");
    assert_eq!(out, "");
    assert!(
        err.starts_with("error: validation: invalid `event_name`: "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(server.collector.requests().is_empty());
}

#[test]
fn a_bot_user_agent_is_bot_filtered_exit_5() {
    let server = Server::start();
    let home = scratch("send-bot");
    let (code, out, err) = run(umami_at(&home, server.url()).args([
        "send",
        "event",
        "A",
        "--user-agent",
        "curl/8.5.0",
    ]));
    assert_eq!((code, out.as_str()), (5, ""), "{err}");
    assert_eq!(
        err,
        "error: bot-filtered: Umami's bot filter dropped the hit (answer {\"beep\":\"boop\"}): \
         nothing was stored; check the User-Agent\n"
    );
    assert!(server.collector.hits().is_empty());
}

#[test]
fn an_unknown_website_exits_6() {
    let server = Server::start();
    let home = scratch("send-unknown");
    let (code, _, err) = run(umami_at(&home, server.url())
        .env("UMAMI_WEBSITE_ID", "0c1b6d3e-59a2-4f51-9a8e-3b7c1f2d4e5a")
        .args(["send", "event", "A"]));
    assert_eq!(code, 6, "{err}");
    assert_eq!(
        err,
        "error: unknown website: Umami answered 400: Website not found.\n"
    );
}

#[test]
fn a_server_that_is_not_there_is_a_transport_error_exit_8() {
    let home = scratch("send-transport");
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, _, err) =
        run(umami_at(&home, &format!("http://127.0.0.1:{port}")).args(["send", "event", "A"]));
    assert_eq!(code, 8, "{err}");
    assert!(err.starts_with("error: transport: "), "{err}");
    // The causes are printed too, once each: the library's error says what failed, its
    // source chain why.
    assert!(
        err.starts_with("error: transport: transport error: could not connect to the server: "),
        "{err}"
    );
    assert!(err.to_lowercase().contains("connection refused"), "{err}");
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn a_server_error_exits_7() {
    let server = Server::start();
    server.collector.fail_next(1, 500);
    let home = scratch("send-server");
    let (code, _, err) = run(umami_at(&home, server.url()).args(["send", "event", "A"]));
    assert_eq!(code, 7, "{err}");
    assert_eq!(err, "error: server: Umami answered 500: Server error\n");
}

#[test]
fn missing_settings_name_the_flag_the_variable_and_the_file_key() {
    let home = scratch("send-missing");
    let (code, _, err) = run(umami(&home).args(["send", "event", "A"]));
    assert_eq!(code, 3);
    assert_eq!(
        err,
        "error: usage: no Umami server: pass --server, set UMAMI_URL, or put `url` in the \
         config file (or UMAMI_API_KEY for Umami Cloud)\n"
    );
    let (code, _, err) = run(umami(&home)
        .env("UMAMI_URL", "http://127.0.0.1:9")
        .env("UMAMI_HOSTNAME", "x.example")
        .args(["send", "event", "A"]));
    assert_eq!(code, 3);
    assert_eq!(
        err,
        "error: usage: no website id: pass --website-id, set UMAMI_WEBSITE_ID, or put \
         `website_id` in the config file\n"
    );
}

#[test]
fn bad_data_pairs_are_usage_errors() {
    let home = scratch("send-bad-data");
    let (code, _, err) = run(
        umami_at(&home, "http://127.0.0.1:9").args(["send", "event", "A", "--data", "novalue"])
    );
    assert_eq!(
        (code, err.as_str()),
        (3, "error: usage: --data \"novalue\" is not KEY=VALUE\n")
    );
    let (code, _, err) = run(umami_at(&home, "http://127.0.0.1:9").args([
        "send",
        "event",
        "A",
        "--data-json",
        "[1]",
    ]));
    assert_eq!(
        (code, err.as_str()),
        (3, "error: usage: --data-json must be a JSON object\n")
    );
}
