//! The API key, the token and the password never show in `Debug` or in errors.

use crate::management_support;

use management_support::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assert_clean(text: &str) {
    for secret in [TOKEN, API_KEY, PASSWORD] {
        assert!(!text.contains(secret), "secret leaked into: {text}");
    }
}

#[tokio::test]
async fn debug_of_a_logged_in_client_hides_the_token() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    let debug = format!("{client:?}");
    assert_clean(&debug);
    assert!(debug.contains("logged_in: true"), "{debug}");
    assert_clean(&format!("{:?}", client.websites_query()));
    assert_clean(&format!(
        "{:?}",
        client.website_stats(std::time::SystemTime::now(), std::time::SystemTime::now())
    ));
}

#[test]
fn debug_of_a_cloud_client_and_its_builders_hides_the_key() {
    let builder = umami::Client::builder().cloud_api_key(API_KEY);
    assert_clean(&format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_clean(&format!("{client:?}"));
    assert_clean(&format!("{:?}", client.websites_query()));
}

#[test]
fn debug_of_blocking_clients_and_builders_hides_the_key() {
    let builder = umami::blocking::Client::builder().cloud_api_key(API_KEY);
    assert_clean(&format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_clean(&format!("{client:?}"));
    assert_clean(&format!("{:?}", client.new_event("Signup")));
    assert_clean(&format!("{:?}", client.websites_query()));
}

#[tokio::test]
async fn a_login_error_echoing_the_password_is_redacted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/auth/login"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": format!("bad password {PASSWORD} for admin")})),
        )
        .mount(&server)
        .await;
    let err = hosted(&server).login("admin", PASSWORD).await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert_clean(&text);
    assert!(text.contains("bad password [redacted] for admin"), "{text}");
}

#[tokio::test]
async fn an_error_echoing_the_bearer_token_is_redacted() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/websites"))
        .respond_with(
            ResponseTemplate::new(403).set_body_string(format!("token {TOKEN} is not allowed")),
        )
        .mount(&server)
        .await;
    let err = client.websites().await.unwrap_err();
    let text = format!("{err} {err:?}");
    assert_clean(&text);
    assert!(text.contains("token [redacted] is not allowed"), "{text}");
}

#[tokio::test]
async fn an_error_echoing_the_api_key_is_redacted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/websites"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": {"message": format!("unknown key {API_KEY}"), "status": 401}}),
        ))
        .mount(&server)
        .await;
    let err = cloud(&server, None).websites().await.unwrap_err();
    assert_clean(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn a_transport_error_does_not_carry_credentials() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = umami::Client::builder()
        .url_base(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = client.login("admin", PASSWORD).await.unwrap_err();
    assert!(matches!(err, umami::Error::Transport { .. }), "{err:?}");
    assert_clean(&format!("{err} {err:?}"));
}
