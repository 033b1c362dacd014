//! Wiremock helpers shared by the `send_*` test binaries: a client pointed at a mock
//! server, canned Umami answers, and a reader that checks method, path and headers of what
//! the server received before handing back the JSON body.
#![allow(dead_code)] // each test binary uses its own subset

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub use umami_integration::WEBSITE_ID;

/// The default hostname of the test clients.
pub const HOST: &str = "example.com";

/// A self-hosted client for `server` with the seed's website id and hostname as defaults.
pub fn client(server: &MockServer) -> umami::Client {
    builder(server).build().expect("a valid test client")
}

/// The builder behind [`client`], to add settings.
pub fn builder(server: &MockServer) -> umami::ClientBuilder {
    umami::Client::builder()
        .url_base(server.uri())
        .website_id(WEBSITE_ID)
        .hostname(HOST)
}

/// What a v3 server answers to a stored hit.
pub fn v3_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "cache": "cache-token",
        "sessionId": "5f0b8c2a-0000-4000-8000-000000000001",
        "visitId": "5f0b8c2a-0000-4000-8000-000000000002",
    }))
}

/// Answers every `POST /api/send` like v3 and expects exactly `n` of them.
pub async fn accept_sends(server: &MockServer, n: u64) {
    Mock::given(method("POST"))
        .and(path("/api/send"))
        .respond_with(v3_ok())
        .expect(n)
        .named("POST /api/send")
        .mount(server)
        .await;
}

/// Answers every request with `template`, expecting exactly one.
pub async fn answer_once(server: &MockServer, template: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/api/send"))
        .respond_with(template)
        .expect(1)
        .named("POST /api/send")
        .mount(server)
        .await;
}

/// Any request at all reaching `server` fails the test when the server drops.
pub async fn refuse_everything(server: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(v3_ok())
        .expect(0)
        .named("no request at all")
        .mount(server)
        .await;
}

/// The bodies of every request the server received, after checking that each was a
/// `POST /api/send` with the default User-Agent, a JSON content type and no API key.
pub async fn sent_bodies(server: &MockServer) -> Vec<Value> {
    sent_bodies_with_ua(server, umami::DEFAULT_USER_AGENT).await
}

/// As [`sent_bodies`], with an expected User-Agent header.
pub async fn sent_bodies_with_ua(server: &MockServer, user_agent: &str) -> Vec<Value> {
    let requests = server
        .received_requests()
        .await
        .expect("request recording is on");
    requests
        .iter()
        .map(|r| {
            assert_eq!(r.method.as_str(), "POST");
            assert_eq!(r.url.path(), "/api/send");
            assert_eq!(r.url.query(), None);
            let header = |name: &str| {
                r.headers
                    .get(name)
                    .map(|v| v.to_str().expect("ASCII header").to_owned())
            };
            assert_eq!(header("user-agent").as_deref(), Some(user_agent));
            assert_eq!(header("content-type").as_deref(), Some("application/json"));
            assert_eq!(header("x-umami-api-key"), None);
            assert_eq!(header("authorization"), None);
            serde_json::from_slice(&r.body).expect("the body is JSON")
        })
        .collect()
}

/// The body of the one request the server received (checked as in [`sent_bodies`]).
pub async fn sent_body(server: &MockServer) -> Value {
    let mut bodies = sent_bodies(server).await;
    assert_eq!(bodies.len(), 1, "expected exactly one request: {bodies:?}");
    bodies.remove(0)
}

/// The payload every event carries when nothing but its name is set (the seed's defaults).
pub fn default_event(name: &str) -> Value {
    json!({
        "type": "event",
        "payload": {
            "website": WEBSITE_ID,
            "hostname": HOST,
            "language": "en-US",
            "screen": "1920x1080",
            "url": "/",
            "referrer": "",
            "title": name,
            "name": name,
            "data": {},
        }
    })
}

/// [`default_event`] with `changes` merged into its payload (`null` removes a key).
pub fn event_with(name: &str, changes: Value) -> Value {
    let mut body = default_event(name);
    let payload = body["payload"].as_object_mut().expect("payload object");
    for (key, value) in changes.as_object().expect("changes object") {
        if value.is_null() {
            payload.remove(key);
        } else {
            payload.insert(key.clone(), value.clone());
        }
    }
    body
}

/// Unwraps a validation error, for asserting its field and problem.
pub fn validation(result: Result<umami::SendResponse, umami::Error>) -> umami::ValidationError {
    match result {
        Err(umami::Error::Validation(v)) => v,
        other => panic!("expected Error::Validation, got {other:?}"),
    }
}
