//! Shared by the `derive_*` tests: a wiremock Umami that answers `/api/send`, and the exact
//! body a custom event is expected to have.
#![allow(dead_code)] // each test binary uses its own subset

use serde_json::{Value, json};
use umami::Client;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub use umami_workspace::WEBSITE_ID;

pub const HOSTNAME: &str = "example.com";

/// A server expecting exactly `hits` POSTs to `/api/send`, answering as Umami v2.17+.
pub async fn umami(hits: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/send"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "cache": "cache-token",
            "sessionId": "session-1",
            "visitId": "visit-1",
        })))
        .expect(hits)
        .mount(&server)
        .await;
    server
}

pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .url_base(server.uri())
        .website_id(WEBSITE_ID)
        .hostname(HOSTNAME)
        .build()
        .expect("valid client")
}

/// The body of the one request the server received, after checking its method, path and
/// headers.
pub async fn sent_body(server: &MockServer) -> Value {
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request");
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/api/send");
    assert_eq!(
        request
            .headers
            .get("user-agent")
            .map(|v| v.to_str().unwrap()),
        Some(umami::DEFAULT_USER_AGENT)
    );
    assert_eq!(
        request
            .headers
            .get("content-type")
            .map(|v| v.to_str().unwrap()),
        Some("application/json")
    );
    serde_json::from_slice(&request.body).expect("a JSON body")
}

/// The whole body of a custom event with the client's defaults; `title` is what the payload
/// carries (the event name unless the event sets one).
pub fn event_body(name: &str, url: &str, title: &str, data: Value) -> Value {
    json!({
        "type": "event",
        "payload": {
            "website": WEBSITE_ID,
            "hostname": HOSTNAME,
            "language": "en-US",
            "screen": "1920x1080",
            "url": url,
            "referrer": "",
            "title": title,
            "name": name,
            "data": data,
        }
    })
}

/// `event_body` with the distinct id `id`.
pub fn event_body_with_id(name: &str, url: &str, title: &str, data: Value, id: &str) -> Value {
    let mut body = event_body(name, url, title, data);
    body["payload"]["id"] = json!(id);
    body
}
