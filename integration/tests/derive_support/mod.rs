//! Shared by the `derive_*` tests: a wiremock Umami that answers `/api/send`, and the exact
//! body a custom event is expected to have. Built on the `send_*` tests' helpers.
#![allow(dead_code, unused_imports)] // each test binary uses its own subset

use serde_json::{Value, json};
use wiremock::MockServer;

use crate::send_support;

pub use send_support::{HOST as HOSTNAME, WEBSITE_ID, client, sent_body};

/// A server expecting exactly `hits` POSTs to `/api/send`, answering as Umami v3.
pub async fn umami(hits: u64) -> MockServer {
    let server = MockServer::start().await;
    send_support::accept_sends(&server, hits).await;
    server
}

/// The whole body of a custom event with the client's defaults; `title` is what the payload
/// carries (the event name unless the event sets one).
pub fn event_body(name: &str, url: &str, title: &str, data: Value) -> Value {
    send_support::event_with(name, json!({"url": url, "title": title, "data": data}))
}

/// `event_body` with the distinct id `id`.
pub fn event_body_with_id(name: &str, url: &str, title: &str, data: Value, id: &str) -> Value {
    let mut body = event_body(name, url, title, data);
    body["payload"]["id"] = json!(id);
    body
}
