//! Issue 23: optional distinct ids. `IntoDistinctId` for `Option<T>` (`None`: no id), and a
//! typed event's `#[umami(distinct_id)]` field of type `Option<..>`: this file compiles only
//! if the derive accepts them; the exact bodies a real HTTP server receives show what is sent.

use std::time::Duration;

use serde_json::{Value, json};
use umami::web::{ContextConfig, RequestVisitor, VisitorContext};
use umami::{Client, Dispatcher, DistinctId, UmamiEvent};
use umami_test::Collector;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const WEBSITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

#[derive(UmamiEvent)]
#[umami(name = "Purchase", url = "/checkout")]
struct Purchase {
    plan: &'static str,
    #[umami(distinct_id)]
    user: Option<u64>,
}

#[derive(UmamiEvent)]
enum Account {
    #[umami(name = "signed-in")]
    SignedIn {
        #[umami(distinct_id)]
        user: Option<String>,
        method: &'static str,
    },
    #[umami(name = "signed-out")]
    SignedOut,
}

/// A server expecting exactly `hits` sends, and a client of it.
async fn umami(hits: u64) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/send"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "cache": "c", "sessionId": "s", "visitId": "v"
        })))
        .expect(hits)
        .mount(&server)
        .await;
    let client = Client::builder()
        .url_base(server.uri())
        .website_id(WEBSITE)
        .hostname("example.com")
        .build()
        .expect("client");
    (server, client)
}

async fn bodies(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .expect("recording")
        .iter()
        .map(|r| serde_json::from_slice(&r.body).expect("JSON body"))
        .collect()
}

/// A custom event with the client's defaults, `payload` merged in.
fn event(name: &str, payload: Value) -> Value {
    let mut body = json!({
        "type": "event",
        "payload": {
            "website": WEBSITE,
            "hostname": "example.com",
            "language": "en-US",
            "screen": "1920x1080",
            "url": "/",
            "referrer": "",
            "title": name,
            "name": name,
            "data": {},
        }
    });
    for (key, value) in payload.as_object().expect("object") {
        body["payload"][key] = value.clone();
    }
    body
}

#[tokio::test]
async fn an_optional_distinct_id_field_is_sent_as_id_when_some_and_not_at_all_when_none() {
    let (server, client) = umami(2).await;
    let known = Purchase {
        plan: "pro",
        user: Some(42),
    };
    let unknown = Purchase {
        plan: "pro",
        user: None,
    };
    assert_eq!(
        known.distinct_id().map(|id| id.to_string()),
        Some("42".into())
    );
    assert_eq!(unknown.distinct_id(), None);
    known.send(&client).await.expect("sent");
    unknown.send(&client).await.expect("sent");
    assert_eq!(
        bodies(&server).await,
        [
            json!({
                "type": "event",
                "payload": {
                    "website": WEBSITE,
                    "hostname": "example.com",
                    "language": "en-US",
                    "screen": "1920x1080",
                    "url": "/checkout",
                    "referrer": "",
                    "title": "Purchase",
                    "name": "Purchase",
                    "data": {"plan": "pro"},
                    "id": "42",
                }
            }),
            json!({
                "type": "event",
                "payload": {
                    "website": WEBSITE,
                    "hostname": "example.com",
                    "language": "en-US",
                    "screen": "1920x1080",
                    "url": "/checkout",
                    "referrer": "",
                    "title": "Purchase",
                    "name": "Purchase",
                    "data": {"plan": "pro"},
                }
            }),
        ]
    );
}

#[tokio::test]
async fn an_enum_variant_may_carry_an_optional_distinct_id() {
    let (server, client) = umami(3).await;
    Account::SignedIn {
        user: Some(" user-7 ".into()),
        method: "sso",
    }
    .send(&client)
    .await
    .expect("sent");
    Account::SignedIn {
        user: None,
        method: "sso",
    }
    .send(&client)
    .await
    .expect("sent");
    Account::SignedOut.send(&client).await.expect("sent");
    assert_eq!(
        bodies(&server).await,
        [
            event(
                "signed-in",
                json!({"data": {"method": "sso"}, "id": "user-7"})
            ),
            event("signed-in", json!({"data": {"method": "sso"}})),
            event("signed-out", json!({})),
        ]
    );
}

#[tokio::test]
async fn the_builder_takes_an_optional_id() {
    let (server, client) = umami(2).await;
    client
        .new_event("Signup")
        .distinct_id(Some(7_u64))
        .send()
        .await
        .expect("sent");
    client
        .new_event("Signup")
        .distinct_id(None::<&str>)
        .send()
        .await
        .expect("sent");
    assert_eq!(
        bodies(&server).await,
        [
            event("Signup", json!({"id": "7"})),
            event("Signup", json!({})),
        ]
    );
}

#[tokio::test]
async fn an_identify_without_an_id_is_refused_before_io() {
    let (server, client) = umami(0).await;
    let Err(umami::Error::Validation(error)) = client.identify(None::<u64>).send().await else {
        panic!("an identify needs an id");
    };
    assert_eq!(error.field(), "distinct_id");
    assert!(bodies(&server).await.is_empty());
}

/// Through a request's visitor: an event whose own id is `None` takes the request's id, as
/// an event without a `distinct_id` field does; one whose id is `Some` keeps its own.
#[tokio::test]
async fn a_typed_event_without_its_own_id_takes_the_requests() {
    let collector = Collector::start().await.expect("collector");
    let client = collector
        .client_builder()
        .website_id(WEBSITE)
        .hostname("shop.example.com")
        .build()
        .expect("client");
    let dispatcher = Dispatcher::builder(client).build().expect("dispatcher");
    let request = http::Request::builder()
        .header(
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Firefox/133.0",
        )
        .extension(DistinctId::from("request-user"))
        .body(())
        .expect("request");
    let context = VisitorContext::from_request(&request, &ContextConfig::default());
    let visitor = RequestVisitor::new(dispatcher.clone(), context);
    for user in [None, Some(9)] {
        visitor
            .track(&Purchase { plan: "pro", user })
            .expect("queued");
    }
    tokio::time::timeout(Duration::from_secs(10), dispatcher.flush())
        .await
        .expect("flush");
    let ids: Vec<Option<String>> = collector
        .hits()
        .iter()
        .map(|h| h.distinct_id().map(str::to_owned))
        .collect();
    assert_eq!(ids, [Some("request-user".into()), Some("9".into())]);
}
