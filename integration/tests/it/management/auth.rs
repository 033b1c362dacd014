//! Login, token checks, heartbeat and the bearer header, against a real HTTP server.

use crate::management_support;

use management_support::*;
use serde_json::json;
use umami::Error;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn login_posts_the_credentials_as_json_and_returns_the_user() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/auth/login"))
        .and(header("content-type", "application/json"))
        .and(default_ua())
        .and(NoHeader("authorization"))
        .and(body_json(
            json!({"username": "admin", "password": PASSWORD}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"token": TOKEN, "user": user_json()})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = hosted(&server);
    let user = client.login("admin", PASSWORD).await.unwrap();
    assert_eq!(user.username, "admin");
    assert_eq!(user.id, "41e2b680-648e-4b09-bcd7-3e2b10c06264");
    assert_eq!(user.role.as_deref(), Some("admin"));
    assert!(user.is_admin);
}

#[tokio::test]
async fn login_keeps_the_token_for_every_clone() {
    let server = MockServer::start().await;
    let client = hosted(&server);
    let clone = client.clone();
    assert!(!clone.is_logged_in());
    mount_login(&server).await;
    client.login("admin", PASSWORD).await.unwrap();
    assert!(clone.is_logged_in());
}

#[tokio::test]
async fn later_calls_send_the_token_as_bearer() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/websites"))
        .and(bearer())
        .and(default_ua())
        .and(NoHeader("x-umami-api-key"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [], "count": 0, "page": 1, "pageSize": 10})),
        )
        .expect(1)
        .mount(&server)
        .await;
    client.websites_page(1, 10).await.unwrap();
}

#[tokio::test]
async fn refused_login_is_status_401_with_the_server_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/auth/login"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(v3_unauthorized("Incorrect username and/or password.")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = hosted(&server);
    let err = client.login("admin", "wrong-password").await.unwrap_err();
    match &err {
        Error::Status {
            status, message, ..
        } => {
            assert_eq!(*status, 401);
            assert_eq!(message, "Incorrect username and/or password.");
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
    assert!(!client.is_logged_in());
}

#[tokio::test]
async fn refused_login_with_a_v2_text_body_keeps_the_text() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/auth/login"))
        .respond_with(ResponseTemplate::new(401).set_body_string("Unauthorized"))
        .mount(&server)
        .await;
    let err = hosted(&server)
        .login("admin", "nope-nope")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.to_string(), "Umami answered 401: Unauthorized");
}

#[tokio::test]
async fn blank_username_is_a_validation_error_without_a_request() {
    let server = MockServer::start().await;
    expect_no_request(&server).await;
    let err = hosted(&server).login("  ", PASSWORD).await.unwrap_err();
    assert!(
        matches!(err, Error::Validation(ref v) if v.field() == "username"),
        "{err:?}"
    );
}

#[tokio::test]
async fn blank_password_is_a_validation_error_without_a_request() {
    let server = MockServer::start().await;
    expect_no_request(&server).await;
    let err = hosted(&server).login("admin", "").await.unwrap_err();
    assert!(
        matches!(err, Error::Validation(ref v) if v.field() == "password"),
        "{err:?}"
    );
}

#[tokio::test]
async fn login_on_cloud_is_not_allowed() {
    let server = MockServer::start().await;
    expect_no_request(&server).await;
    let err = cloud(&server, None)
        .login("admin", PASSWORD)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OperationNotAllowed(_)), "{err:?}");
}

#[tokio::test]
async fn login_answer_without_token_is_an_unexpected_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/auth/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": user_json()})))
        .mount(&server)
        .await;
    let client = hosted(&server);
    let err = client.login("admin", PASSWORD).await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
    assert!(!client.is_logged_in());
}

#[tokio::test]
async fn management_calls_before_login_are_not_allowed_and_send_nothing() {
    let server = MockServer::start().await;
    expect_no_request(&server).await;
    let err = hosted(&server).websites().await.unwrap_err();
    assert!(
        matches!(err, Error::OperationNotAllowed(ref m) if m.contains("login")),
        "{err:?}"
    );
}

#[tokio::test]
async fn verify_token_without_login_is_false_without_a_request() {
    let server = MockServer::start().await;
    expect_no_request(&server).await;
    let client = hosted(&server);
    assert!(!client.verify_token(true).await);
    assert!(!client.verify_token(false).await);
}

#[tokio::test]
async fn verify_token_without_server_check_trusts_the_stored_token() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(path("/api/auth/verify"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    assert!(client.verify_token(false).await);
}

#[tokio::test]
async fn verify_token_posts_to_auth_verify_with_the_bearer() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/auth/verify"))
        .and(bearer())
        .and(default_ua())
        .respond_with(ResponseTemplate::new(200).set_body_json(user_json()))
        .expect(1)
        .mount(&server)
        .await;
    assert!(client.verify_token(true).await);
}

#[tokio::test]
async fn verify_token_is_false_when_the_server_refuses_it() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/auth/verify"))
        .respond_with(ResponseTemplate::new(401).set_body_json(v3_unauthorized("Unauthorized")))
        .expect(1)
        .mount(&server)
        .await;
    assert!(!client.verify_token(true).await);
}

#[tokio::test]
async fn logout_forgets_the_token() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    client.logout();
    assert!(!client.is_logged_in());
    assert!(!client.verify_token(false).await);
}

#[tokio::test]
async fn heartbeat_gets_api_heartbeat() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/heartbeat"))
        .and(default_ua())
        .and(NoHeader("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    assert!(hosted(&server).heartbeat().await);
}

#[tokio::test]
async fn heartbeat_accepts_the_empty_object_of_old_servers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/heartbeat"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    assert!(hosted(&server).heartbeat().await);
}

#[tokio::test]
async fn heartbeat_is_false_on_a_server_error_even_with_an_empty_object() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/heartbeat"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    assert!(!hosted(&server).heartbeat().await);
}

#[tokio::test]
async fn heartbeat_is_false_when_the_body_says_not_ok() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/heartbeat"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": false})))
        .mount(&server)
        .await;
    assert!(!hosted(&server).heartbeat().await);
}

#[tokio::test]
async fn heartbeat_is_false_when_nothing_listens() {
    // Bind a port, then free it: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = umami::Client::builder()
        .url_base(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    assert!(!client.heartbeat().await);
}
