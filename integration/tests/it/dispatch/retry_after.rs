//! `Retry-After` on errors of direct sends and management calls (`Error::retry_after`), and
//! the dispatcher's single sends honouring it; over real HTTP to a local wiremock server.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use umami::dispatch::{RetryPolicy, Routing};
use umami::{Client, Dispatcher, Error};
use umami_integration::WEBSITE_ID;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .url_base(server.uri())
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap()
}

/// `/api/send` answers `status` with the given `Retry-After` (if any) once, then normally.
async fn mount_send(server: &MockServer, status: u16, retry_after: Option<&str>) {
    let mut refusal =
        ResponseTemplate::new(status).set_body_json(json!({"error": "Too many requests"}));
    if let Some(value) = retry_after {
        refusal = refusal.insert_header("retry-after", value);
    }
    Mock::given(method("POST"))
        .and(path("/api/send"))
        .respond_with(refusal)
        .up_to_n_times(1)
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/send"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"cache": "tok.1", "sessionId": "s-1", "visitId": "v-1"})),
        )
        .mount(server)
        .await;
}

#[tokio::test]
async fn send_error_carries_retry_after_seconds() {
    let server = MockServer::start().await;
    mount_send(&server, 429, Some("7")).await;
    let err = client(&server)
        .new_event("Signup")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    match err {
        Error::Status {
            retry_after,
            message,
            ..
        } => {
            assert_eq!(retry_after, Some(Duration::from_secs(7)));
            assert_eq!(message, "Too many requests");
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

#[tokio::test]
async fn send_error_carries_retry_after_http_date() {
    // 2100-01-01T00:00:00Z.
    let at = UNIX_EPOCH + Duration::from_secs(4_102_444_800);
    let server = MockServer::start().await;
    mount_send(&server, 503, Some("Fri, 01 Jan 2100 00:00:00 GMT")).await;
    let before = SystemTime::now();
    let err = client(&server)
        .new_event("Signup")
        .send()
        .await
        .unwrap_err();
    let after = SystemTime::now();
    let delay = err.retry_after().expect("a Retry-After date");
    // Counted from when the answer arrived: between the two clock readings (to the second).
    assert!(delay <= at.duration_since(before).unwrap(), "{delay:?}");
    assert!(
        delay + Duration::from_secs(1) >= at.duration_since(after).unwrap(),
        "{delay:?}"
    );
}

#[tokio::test]
async fn send_error_without_a_readable_retry_after_has_none() {
    for header in [None, Some("soon"), Some("-3")] {
        let server = MockServer::start().await;
        mount_send(&server, 503, header).await;
        let err = client(&server)
            .new_event("Signup")
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(503), "{header:?}");
        assert_eq!(err.retry_after(), None, "{header:?}");
    }
}

#[tokio::test]
async fn management_error_carries_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/auth/login"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "30")
                .set_body_json(json!({"error": "Too many login attempts"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .login("admin", "password")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(
        err.to_string(),
        "Umami answered 429: Too many login attempts"
    );
}

#[test]
fn blocking_send_error_carries_retry_after() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        mount_send(&server, 429, Some("4")).await;
        server
    });
    let client = umami::blocking::Client::from_async(client(&server)).unwrap();
    let err = client.new_event("Signup").send().unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(4)));
    drop(client);
    drop(server);
}

/// An hour of backoff unless the server's `Retry-After: 0` is honoured: the shutdown (a
/// minute) then delivers the event instead of abandoning it.
#[tokio::test]
async fn dispatcher_single_sends_honour_retry_after() {
    let server = MockServer::start().await;
    mount_send(&server, 429, Some("0")).await;
    let client = client(&server);
    let dispatcher = Dispatcher::builder(client.clone())
        .routing(Routing::SingleSends)
        .retry_policy(
            RetryPolicy::default()
                .initial_backoff(Duration::from_secs(3600))
                .max_backoff(Duration::from_secs(3600)),
        )
        .build()
        .unwrap();
    dispatcher.track_hit(client.new_event("Signup")).unwrap();
    let report = dispatcher.shutdown(Duration::from_secs(60)).await;

    assert!(!report.timed_out, "{report}");
    assert_eq!(report.stats.sent, 1, "{report}");
    assert_eq!(report.stats.retried, 1);
    assert_eq!(report.stats.failed.total(), 0);
    let sends = server.received_requests().await.unwrap();
    assert_eq!(sends.len(), 2);
    assert_eq!(sends[0].body, sends[1].body);
}

/// The cap of the policy applies to a server's `Retry-After` on single sends too.
#[tokio::test]
async fn dispatcher_caps_a_long_retry_after() {
    let server = MockServer::start().await;
    mount_send(&server, 503, Some("86400")).await;
    let client = client(&server);
    let dispatcher = Dispatcher::builder(client.clone())
        .routing(Routing::SingleSends)
        .retry_policy(RetryPolicy::default().max_retry_after(Duration::ZERO))
        .build()
        .unwrap();
    dispatcher.track_hit(client.new_event("Signup")).unwrap();
    let report = dispatcher.shutdown(Duration::from_secs(60)).await;

    assert!(!report.timed_out, "{report}");
    assert_eq!(report.stats.sent, 1, "{report}");
    assert_eq!(report.stats.retried, 1);
}
