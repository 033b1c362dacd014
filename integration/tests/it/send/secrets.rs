//! The Cloud API key never shows in `Debug` of any public type nor in any error text; and the
//! thread-safety promises (`Client: Clone + Send + Sync`, `send()` futures `Send + 'static`).

use crate::send_support;

use std::future::Future;

use send_support::*;
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

const KEY: &str = "api_SECRET_7f3a9c51d0";

fn assert_no_key(text: &str) {
    assert!(!text.contains(KEY), "the API key leaked: {text}");
    assert!(
        !text.contains("SECRET"),
        "part of the API key leaked: {text}"
    );
}

/// Every way an error can be printed, source chain included.
fn assert_error_has_no_key(err: &umami::Error) {
    assert_no_key(&err.to_string());
    assert_no_key(&format!("{err:?}"));
    assert_no_key(&format!("{err:#?}"));
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        assert_no_key(&cause.to_string());
        assert_no_key(&format!("{cause:?}"));
        source = cause.source();
    }
}

fn cloud_builder() -> umami::ClientBuilder {
    umami::Client::builder()
        .cloud_api_key(KEY)
        .cloud_region(umami::CloudRegion::Us)
        .website_id(WEBSITE_ID)
        .hostname(HOST)
}

fn cloud_client_for(server: &MockServer) -> umami::Client {
    cloud_builder()
        .cloud_send_base(server.uri())
        .build()
        .unwrap()
}

#[test]
fn cloud_client_debug_redacts_the_key() {
    let client = cloud_builder().build().unwrap();
    let debug = format!("{client:?}");
    assert_no_key(&debug);
    assert_no_key(&format!("{client:#?}"));
    assert!(debug.contains("cloud_api_key"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
}

#[test]
fn client_builder_debug_redacts_the_key() {
    let builder = cloud_builder();
    let debug = format!("{builder:?}");
    assert_no_key(&debug);
    assert_no_key(&format!("{builder:#?}"));
    assert!(debug.contains("[redacted]"), "{debug}");
}

#[test]
fn hit_builders_and_prepared_hits_of_a_cloud_client_redact_the_key() {
    let client = cloud_builder().build().unwrap();
    assert_no_key(&format!(
        "{:?}",
        client.new_event("Signup").distinct_id(1_u8)
    ));
    assert_no_key(&format!("{:?}", client.new_page_view("Home", "/")));
    assert_no_key(&format!("{:?}", client.new_revenue_event(1.0, "USD")));
    assert_no_key(&format!("{:?}", client.identify("user-1")));
    let hit = client.new_event("Signup").prepare().unwrap();
    assert_no_key(&format!("{hit:?}"));
    assert_no_key(&hit.to_json().to_string());
}

#[test]
fn build_errors_never_contain_the_key() {
    let both = umami::Client::builder()
        .url_base("https://umami.example.com")
        .cloud_api_key(KEY)
        .build()
        .unwrap_err();
    assert_error_has_no_key(&both);
    let bad_base = umami::Client::builder()
        .cloud_api_key(KEY)
        .cloud_send_base("ftp://proxy.example.com")
        .build()
        .unwrap_err();
    assert_error_has_no_key(&bad_base);
    let bad_ua = cloud_builder()
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert_error_has_no_key(&bad_ua);
}

#[tokio::test]
async fn validation_errors_of_a_cloud_client_never_contain_the_key() {
    let server = MockServer::start().await;
    refuse_everything(&server).await;
    let client = cloud_client_for(&server);
    let err = client.new_event("").send().await.unwrap_err();
    assert!(matches!(err, umami::Error::Validation(_)));
    assert_error_has_no_key(&err);
}

#[tokio::test]
async fn status_errors_of_a_cloud_client_never_contain_the_key() {
    let server = MockServer::start().await;
    answer_once(
        &server,
        ResponseTemplate::new(400)
            .set_body_json(json!({"error": {"message": "Website not found.", "status": 400}})),
    )
    .await;
    let err = cloud_client_for(&server)
        .new_event("Signup")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_error_has_no_key(&err);
    // And the key was not sent with the hit (sent_body checks the headers).
    assert_eq!(sent_body(&server).await, default_event("Signup"));
}

#[tokio::test]
async fn transport_errors_of_a_cloud_client_never_contain_the_key() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = cloud_builder()
        .cloud_send_base(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = client.new_event("Signup").send().await.unwrap_err();
    assert!(matches!(err, umami::Error::Transport { .. }), "{err:?}");
    assert_error_has_no_key(&err);
}

#[tokio::test]
async fn unexpected_and_bot_errors_of_a_cloud_client_never_contain_the_key() {
    for template in [
        ResponseTemplate::new(200).set_body_json(json!({"beep": "boop"})),
        ResponseTemplate::new(200).set_body_raw("<html>?</html>", "text/html"),
    ] {
        let server = MockServer::start().await;
        answer_once(&server, template).await;
        let err = cloud_client_for(&server)
            .new_event("Signup")
            .send()
            .await
            .unwrap_err();
        assert_error_has_no_key(&err);
    }
}

// ---- thread safety ----

fn assert_clone_send_sync<T: Clone + Send + Sync + 'static>() {}
fn assert_send_sync<T: Send + Sync + 'static>() {}
fn assert_send_future<F: Future + Send + 'static>(future: F) -> F {
    future
}

#[test]
fn client_is_clone_send_sync() {
    assert_clone_send_sync::<umami::Client>();
}

#[test]
fn builders_responses_and_errors_are_send_sync() {
    assert_send_sync::<umami::ClientBuilder>();
    assert_send_sync::<umami::hit::NewEvent>();
    assert_send_sync::<umami::hit::NewPageView>();
    assert_send_sync::<umami::hit::NewRevenueEvent>();
    assert_send_sync::<umami::hit::Identify>();
    assert_send_sync::<umami::hit::PreparedHit>();
    assert_send_sync::<umami::SendResponse>();
    assert_send_sync::<umami::Error>();
    assert_send_sync::<umami::ValidationError>();
    assert_send_sync::<umami::DistinctId>();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_futures_are_send_and_run_on_spawned_tasks() {
    let server = MockServer::start().await;
    accept_sends(&server, 5).await;
    let client = client(&server);
    let hit = client.new_event("Prepared").prepare().unwrap();
    let sender = client.clone();
    let tasks = vec![
        tokio::spawn(assert_send_future(client.new_event("Signup").send())),
        tokio::spawn(assert_send_future(client.new_page_view("Home", "/").send())),
        tokio::spawn(assert_send_future(
            client.new_revenue_event(1.0, "USD").send(),
        )),
        tokio::spawn(assert_send_future(client.identify("user-1").send())),
        tokio::spawn(assert_send_future(
            async move { sender.send_hit(&hit).await },
        )),
    ];
    for task in tasks {
        assert!(!task.await.unwrap().unwrap().is_disabled());
    }
    let mut kinds: Vec<String> = sent_bodies(&server)
        .await
        .iter()
        .map(|b| {
            let p = &b["payload"];
            format!(
                "{}:{}",
                b["type"].as_str().unwrap(),
                p.get("name").or(p.get("title")).or(p.get("id")).unwrap()
            )
        })
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "event:\"Home\"",
            "event:\"Prepared\"",
            "event:\"Signup\"",
            "event:\"revenue\"",
            "identify:\"user-1\""
        ]
    );
}
