//! `umami::blocking` from plain, non-async tests: the seed example on the wire, management
//! calls, and a clear refusal (never a panic) inside an async runtime.
//!
//! wiremock serves from its own thread; the test runtime below is only used to set it up and
//! to read what it received, never while the blocking client runs.

use crate::management_support;

use std::time::{Duration, UNIX_EPOCH};

use management_support::*;
use serde_json::json;
use umami::Error;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

struct Server {
    runtime: tokio::runtime::Runtime,
    mock: MockServer,
}

impl Server {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mock = runtime.block_on(MockServer::start());
        Server { runtime, mock }
    }

    fn mount(&self, mock: Mock) {
        self.runtime.block_on(mock.mount(&self.mock));
    }

    fn client(&self) -> umami::blocking::Client {
        umami::blocking::Client::builder()
            .url_base(self.mock.uri())
            .website_id(WEBSITE_ID)
            .hostname("example.com")
            .build()
            .unwrap()
    }

    fn received(&self) -> usize {
        self.runtime
            .block_on(self.mock.received_requests())
            .expect("wiremock records requests by default")
            .len()
    }
}

fn seed_body() -> serde_json::Value {
    json!({
        "type": "event",
        "payload": {
            "website": WEBSITE_ID,
            "hostname": "example.com",
            "language": "en-US",
            "screen": "1920x1080",
            "url": "/checkout",
            "referrer": "",
            "title": "Purchase-Course",
            "name": "Purchase-Course",
            "data": {"plan": "pro"}
        }
    })
}

fn stored() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "cache": "cache-token", "sessionId": "session-1", "visitId": "visit-1"
    }))
}

#[test]
fn the_seed_event_reaches_the_server_from_plain_blocking_code() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/api/send"))
            .and(header("content-type", "application/json"))
            .and(default_ua())
            .and(body_json(seed_body()))
            .respond_with(stored())
            .expect(1),
    );
    let response = server
        .client()
        .new_event("Purchase-Course")
        .url("/checkout")
        .custom_data(json!({"plan": "pro"}))
        .send()
        .unwrap();
    assert_eq!(response.session_id(), Some("session-1"));
    assert_eq!(response.cache(), Some("cache-token"));
}

#[test]
fn a_blocking_page_view_has_the_async_payload() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/api/send"))
            .and(body_json(json!({
                "type": "event",
                "payload": {
                    "website": WEBSITE_ID, "hostname": "example.com", "language": "en-US",
                    "screen": "1920x1080", "url": "/pricing", "referrer": "", "title": "Pricing",
                    "id": "user-7"
                }
            })))
            .respond_with(stored())
            .expect(1),
    );
    server
        .client()
        .new_page_view("Pricing", "/pricing")
        .distinct_id("user-7")
        .send()
        .unwrap();
}

#[test]
fn blocking_validation_fails_before_any_request() {
    let server = Server::start();
    let err = server.client().new_event("  ").send().unwrap_err();
    assert!(
        matches!(err, Error::Validation(ref v) if v.field() == "event_name"),
        "{err:?}"
    );
    assert_eq!(server.received(), 0);
}

#[test]
fn a_disabled_blocking_client_sends_nothing() {
    let server = Server::start();
    let client = server.client();
    client.disable();
    let response = client.new_event("Signup").send().unwrap();
    assert!(response.is_disabled());
    assert_eq!(server.received(), 0);
}

#[test]
fn blocking_login_then_websites_sends_the_bearer() {
    let server = Server::start();
    server.runtime.block_on(mount_login(&server.mock));
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/websites"))
            .and(bearer())
            .and(default_ua())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": [website_json(1), website_json(2)], "count": 2, "page": 1, "pageSize": 100
            })))
            .expect(1),
    );
    let client = server.client();
    let user = client.login("admin", PASSWORD).unwrap();
    assert_eq!(user.username, "admin");
    assert!(client.is_logged_in());
    let sites = client.websites().unwrap();
    assert_eq!(sites.len(), 2);
}

#[test]
fn blocking_website_stats_send_the_query() {
    let server = Server::start();
    server.runtime.block_on(mount_login(&server.mock));
    server.mount(
        Mock::given(method("GET"))
            .and(path(format!("/api/websites/{WEBSITE_ID}/stats")))
            .and(ExactQuery(
                "startAt=1000&endAt=2000&path=%2Fcheckout".to_owned(),
            ))
            .and(bearer())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "pageviews": {"value": 3, "prev": 1}, "visitors": {"value": 2, "prev": 1},
                "visits": {"value": 2, "prev": 1}, "bounces": {"value": 0, "prev": 0},
                "totaltime": {"value": 9, "prev": 4}
            })))
            .expect(1),
    );
    let client = server.client();
    client.login("admin", PASSWORD).unwrap();
    let stats = client
        .website_stats(
            UNIX_EPOCH + Duration::from_millis(1000),
            UNIX_EPOCH + Duration::from_millis(2000),
        )
        .path("/checkout")
        .send()
        .unwrap();
    assert_eq!(stats.pageviews, 3);
    assert_eq!(stats.comparison.unwrap().totaltime, 4);
}

#[test]
fn blocking_active_users_and_heartbeat() {
    let server = Server::start();
    server.runtime.block_on(mount_login(&server.mock));
    server.mount(
        Mock::given(method("GET"))
            .and(path(format!("/api/websites/{WEBSITE_ID}/active")))
            .and(bearer())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"visitors": 5})))
            .expect(1),
    );
    server.mount(
        Mock::given(method("GET"))
            .and(path("/api/heartbeat"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
            .expect(1),
    );
    let client = server.client();
    client.login("admin", PASSWORD).unwrap();
    assert_eq!(client.active_users(None).unwrap(), 5);
    assert!(client.heartbeat());
}

#[test]
fn blocking_cloud_calls_use_the_api_key() {
    let server = Server::start();
    server.mount(
        Mock::given(method("GET"))
            .and(path("/v1/eu/websites"))
            .and(query_param("page", "1"))
            .and(header("x-umami-api-key", API_KEY))
            .and(NoHeader("authorization"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "data": [website_json(3)], "count": 1, "page": 1, "pageSize": 100
            })))
            .expect(1),
    );
    let client = umami::blocking::Client::builder()
        .cloud_api_key(API_KEY)
        .cloud_api_base(format!("{}/v1", server.mock.uri()))
        .cloud_region(umami::CloudRegion::Eu)
        .build()
        .unwrap();
    assert_eq!(client.websites().unwrap()[0].name, "Site 3");
}

#[test]
fn one_blocking_client_serves_many_threads() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/api/send"))
            .respond_with(stored())
            .expect(8),
    );
    let client = server.client();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let client = client.clone();
            std::thread::spawn(move || client.new_event("Signup").distinct_id(i).send())
        })
        .collect();
    for thread in threads {
        thread.join().unwrap().unwrap();
    }
}

#[tokio::test]
async fn building_inside_an_async_runtime_is_an_error_not_a_panic() {
    let err = umami::blocking::Client::builder()
        .url_base("http://127.0.0.1:9")
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::OperationNotAllowed(ref m) if m.contains("async")),
        "{err:?}"
    );
}

#[test]
fn calls_inside_an_async_runtime_are_errors_not_panics() {
    let server = Server::start();
    let client = server.client();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let err = client.new_event("Signup").send().unwrap_err();
        assert!(matches!(err, Error::OperationNotAllowed(_)), "{err:?}");
        let err = client.websites().unwrap_err();
        assert!(matches!(err, Error::OperationNotAllowed(_)), "{err:?}");
        assert!(!client.heartbeat());
        // Dropping the last handle to its runtime inside another runtime must not panic.
        drop(client);
    });
    assert_eq!(server.received(), 0);
}

#[test]
fn the_async_client_inside_is_the_same_client() {
    let server = Server::start();
    let client = server.client();
    client.as_async().disable();
    assert!(!client.is_enabled());
    assert_eq!(
        client.send_url(),
        format!("{}/api/send", server.mock.uri()).as_str()
    );
}

/// The seed's event as a type.
#[derive(umami::UmamiEvent)]
#[umami(name = "Purchase-Course", url = "/checkout")]
struct PurchaseCourse {
    plan: &'static str,
}

#[test]
fn a_typed_event_sent_blocking_has_the_seed_payload() {
    let server = Server::start();
    server.mount(
        Mock::given(method("POST"))
            .and(path("/api/send"))
            .and(body_json(seed_body()))
            .respond_with(stored())
            .expect(1),
    );
    server
        .client()
        .send_event(&PurchaseCourse { plan: "pro" })
        .unwrap();
}

#[test]
fn calls_inside_spawn_blocking_are_refused_as_documented() {
    let server = Server::start();
    let client = server.client();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let task = runtime.spawn_blocking(move || client.new_event("Signup").send());
    let err = runtime.block_on(task).unwrap().unwrap_err();
    assert!(matches!(err, Error::OperationNotAllowed(_)), "{err:?}");
    assert_eq!(server.received(), 0);
}
