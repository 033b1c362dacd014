//! Shared pieces of the management API tests: clients pointed at a wiremock server, canned
//! server answers, and matchers wiremock lacks.
#![allow(dead_code)]

use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

pub use umami_integration::WEBSITE_ID;

/// The bearer token the fake server hands out on login.
pub const TOKEN: &str = "tok-3f9c2d7e-secret-bearer";
/// A Cloud API key.
pub const API_KEY: &str = "api_k3y-super-secret-0042";
/// A password.
pub const PASSWORD: &str = "hunter2-correct-horse";

/// Matches requests that do not carry the header `name`.
pub struct NoHeader(pub &'static str);

impl Match for NoHeader {
    fn matches(&self, request: &Request) -> bool {
        !request.headers.contains_key(self.0)
    }
}

/// Matches requests whose query string is exactly this (order included).
pub struct ExactQuery(pub String);

impl Match for ExactQuery {
    fn matches(&self, request: &Request) -> bool {
        request.url.query().unwrap_or("") == self.0
    }
}

/// A self-hosted client for `server`, with the shared website id as default.
pub fn hosted(server: &MockServer) -> umami::Client {
    umami::Client::builder()
        .url_base(server.uri())
        .website_id(WEBSITE_ID)
        .build()
        .expect("valid settings")
}

/// A Cloud client whose management root is `{server}/v1` (the real one is
/// `https://api.umami.is/v1`), with an optional region.
pub fn cloud(server: &MockServer, region: Option<umami::CloudRegion>) -> umami::Client {
    let mut builder = umami::Client::builder()
        .cloud_api_key(API_KEY)
        .cloud_api_base(format!("{}/v1", server.uri()))
        .website_id(WEBSITE_ID);
    if let Some(region) = region {
        builder = builder.cloud_region(region);
    }
    builder.build().expect("valid settings")
}

pub fn user_json() -> Value {
    json!({
        "id": "41e2b680-648e-4b09-bcd7-3e2b10c06264",
        "username": "admin",
        "role": "admin",
        "createdAt": "2024-01-01T00:00:00.000Z",
        "isAdmin": true
    })
}

/// A v3-style website `n`.
pub fn website_json(n: u32) -> Value {
    json!({
        "id": format!("00000000-0000-4000-8000-{n:012}"),
        "name": format!("Site {n}"),
        "domain": format!("site{n}.example.com"),
        "shareId": null,
        "resetAt": null,
        "userId": "41e2b680-648e-4b09-bcd7-3e2b10c06264",
        "teamId": null,
        "createdBy": "41e2b680-648e-4b09-bcd7-3e2b10c06264",
        "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": null,
        "deletedAt": null,
        "user": {"id": "41e2b680-648e-4b09-bcd7-3e2b10c06264", "username": "admin"}
    })
}

/// Mounts a login endpoint that accepts `admin` / [`PASSWORD`] once and answers [`TOKEN`].
pub async fn mount_login(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/api/auth/login"))
        .and(body_json(
            json!({"username": "admin", "password": PASSWORD}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"token": TOKEN, "user": user_json()})),
        )
        .expect(1)
        .named("login")
        .mount(server)
        .await;
}

/// A self-hosted client that has logged in to `server`.
pub async fn logged_in(server: &MockServer) -> umami::Client {
    mount_login(server).await;
    let client = hosted(server);
    client.login("admin", PASSWORD).await.expect("login");
    client
}

/// The `Authorization` header a logged-in client must send.
pub fn bearer() -> wiremock::matchers::HeaderExactMatcher {
    header("authorization", format!("Bearer {TOKEN}").as_str())
}

/// The User-Agent every request must carry.
pub fn default_ua() -> wiremock::matchers::HeaderExactMatcher {
    header("user-agent", umami::DEFAULT_USER_AGENT)
}

/// A catch-all that fails the test if any request arrives.
pub async fn expect_no_request(server: &MockServer) {
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .named("no request at all")
        .mount(server)
        .await;
}

/// The v3 error body of a refused token or login.
pub fn v3_unauthorized(message: &str) -> Value {
    json!({"error": {"message": message, "code": "unauthorized", "status": 401}})
}
