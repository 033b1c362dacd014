//! Every answer shape of `/api/send` across Umami generations, the bot filter's replies,
//! error bodies, and transport failures (connection refused, timeout), over real HTTP.

use crate::send_support;

use std::time::Duration;

use send_support::*;
use serde_json::json;
use wiremock::{MockServer, ResponseTemplate};

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ3ZWJzaXRlIjoiOTc4NDM1ZTIifQ.\
                   c2lnbmF0dXJlLWJ5dGVz";

/// Sends the seed's event to a server answering `template` once; returns the result after
/// checking that exactly that one request was made.
async fn send_against(template: ResponseTemplate) -> Result<umami::SendResponse, umami::Error> {
    let server = MockServer::start().await;
    answer_once(&server, template).await;
    let result = client(&server)
        .new_event("Purchase-Course")
        .url("/checkout")
        .custom_data(json!({"plan": "pro"}))
        .send()
        .await;
    assert_eq!(
        sent_body(&server).await,
        event_with(
            "Purchase-Course",
            json!({"url": "/checkout", "data": {"plan": "pro"}})
        )
    );
    result
}

fn status_of(result: Result<umami::SendResponse, umami::Error>) -> (u16, String) {
    match result {
        Err(umami::Error::Status {
            status, message, ..
        }) => (status, message),
        other => panic!("expected Error::Status, got {other:?}"),
    }
}

fn unexpected(result: Result<umami::SendResponse, umami::Error>) -> String {
    match result {
        Err(umami::Error::UnexpectedResponse(text)) => text,
        other => panic!("expected Error::UnexpectedResponse, got {other:?}"),
    }
}

// ---- success, every generation ----

#[tokio::test]
async fn v2_0_to_2_15_plain_text_token_is_the_cache() {
    let resp = send_against(ResponseTemplate::new(200).set_body_raw(JWT, "text/plain"))
        .await
        .unwrap();
    assert_eq!(resp.cache(), Some(JWT));
    assert_eq!(resp.session_id(), None);
    assert_eq!(resp.visit_id(), None);
    assert_eq!(resp.json(), &json!({}));
    assert!(!resp.is_disabled());
}

#[tokio::test]
async fn plain_text_token_with_a_trailing_newline_is_trimmed() {
    let resp =
        send_against(ResponseTemplate::new(200).set_body_raw(format!("{JWT}\n"), "text/plain"))
            .await
            .unwrap();
    assert_eq!(resp.cache(), Some(JWT));
}

#[tokio::test]
async fn v2_16_cache_only_answer() {
    let resp = send_against(ResponseTemplate::new(200).set_body_json(json!({"cache": JWT})))
        .await
        .unwrap();
    assert_eq!(resp.cache(), Some(JWT));
    assert_eq!(resp.session_id(), None);
    assert_eq!(resp.visit_id(), None);
    assert_eq!(resp.json(), &json!({"cache": JWT}));
}

#[tokio::test]
async fn v2_17_and_later_full_answer() {
    let body = json!({
        "cache": JWT,
        "sessionId": "a4e1c0de-1111-4222-8333-444455556666",
        "visitId": "b5f2d1ef-7777-4888-9999-aaaabbbbcccc",
    });
    let resp = send_against(ResponseTemplate::new(200).set_body_json(body.clone()))
        .await
        .unwrap();
    assert_eq!(resp.cache(), Some(JWT));
    assert_eq!(
        resp.session_id(),
        Some("a4e1c0de-1111-4222-8333-444455556666")
    );
    assert_eq!(
        resp.visit_id(),
        Some("b5f2d1ef-7777-4888-9999-aaaabbbbcccc")
    );
    assert_eq!(resp.json(), &body);
}

#[tokio::test]
async fn json_answer_served_as_text_plain_is_still_read() {
    let resp = send_against(
        ResponseTemplate::new(200).set_body_raw(r#"{"cache":"c","sessionId":"s"}"#, "text/plain"),
    )
    .await
    .unwrap();
    assert_eq!((resp.cache(), resp.session_id()), (Some("c"), Some("s")));
}

// ---- bot filter ----

#[tokio::test]
async fn beep_boop_is_bot_filtered() {
    let err = send_against(ResponseTemplate::new(200).set_body_json(json!({"beep": "boop"})))
        .await
        .unwrap_err();
    assert!(matches!(err, umami::Error::BotFiltered), "{err:?}");
}

#[tokio::test]
async fn empty_object_of_old_servers_is_bot_filtered() {
    let err = send_against(ResponseTemplate::new(200).set_body_json(json!({})))
        .await
        .unwrap_err();
    assert!(matches!(err, umami::Error::BotFiltered), "{err:?}");
}

#[tokio::test]
async fn bot_filtered_error_explains_the_user_agent() {
    let err = send_against(ResponseTemplate::new(200).set_body_json(json!({"beep": "boop"})))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("User-Agent"), "{err}");
}

// ---- error bodies ----

#[tokio::test]
async fn v3_validation_error_surfaces_the_field_text() {
    let body = json!({"error": {
        "message": "Bad request", "code": "bad-request", "status": 400, "errors": [],
        "properties": {"payload": {"errors": [], "properties": {
            "name": {"errors": ["Too big: expected string to have <=50 characters"]}
        }}}
    }});
    let (status, message) =
        status_of(send_against(ResponseTemplate::new(400).set_body_json(body)).await);
    assert_eq!(status, 400);
    assert_eq!(
        message,
        "Bad request: name: Too big: expected string to have <=50 characters"
    );
}

#[tokio::test]
async fn v3_validation_error_lists_every_field() {
    let body = json!({"error": {
        "message": "Bad request", "code": "bad-request", "status": 400, "errors": [],
        "properties": {"payload": {"errors": [], "properties": {
            "website": {"errors": ["Invalid UUID"]},
            "screen": {"errors": ["Too big: expected string to have <=11 characters"]}
        }}}
    }});
    let (_, message) =
        status_of(send_against(ResponseTemplate::new(400).set_body_json(body)).await);
    assert!(message.starts_with("Bad request: "), "{message}");
    assert!(message.contains("website: Invalid UUID"), "{message}");
    assert!(
        message.contains("screen: Too big: expected string to have <=11 characters"),
        "{message}"
    );
}

#[tokio::test]
async fn v3_top_level_error_texts_are_surfaced() {
    let body = json!({"error": {
        "message": "Bad request", "code": "bad-request", "status": 400,
        "errors": ["Invalid input: expected object, received undefined"]
    }});
    let (status, message) =
        status_of(send_against(ResponseTemplate::new(400).set_body_json(body)).await);
    assert_eq!(status, 400);
    assert_eq!(
        message,
        "Bad request: Invalid input: expected object, received undefined"
    );
}

#[tokio::test]
async fn v3_website_not_found() {
    let body =
        json!({"error": {"message": "Website not found.", "code": "bad-request", "status": 400}});
    let (status, message) =
        status_of(send_against(ResponseTemplate::new(400).set_body_json(body)).await);
    assert_eq!((status, message.as_str()), (400, "Website not found."));
}

#[tokio::test]
async fn v2_error_string() {
    let (status, message) = status_of(
        send_against(ResponseTemplate::new(400).set_body_json(json!({"error": "Invalid website"})))
            .await,
    );
    assert_eq!((status, message.as_str()), (400, "Invalid website"));
}

#[tokio::test]
async fn v2_error_array() {
    let body = json!({"error": ["Invalid hostname", "Invalid language"]});
    let (_, message) =
        status_of(send_against(ResponseTemplate::new(400).set_body_json(body)).await);
    assert_eq!(message, "Invalid hostname; Invalid language");
}

#[tokio::test]
async fn v2_error_object_with_zod_field_errors() {
    let body = json!({"error": {"formErrors": [], "fieldErrors": {"name": ["String must contain at most 50 character(s)"]}}});
    let (_, message) =
        status_of(send_against(ResponseTemplate::new(400).set_body_json(body)).await);
    assert_eq!(message, "name: String must contain at most 50 character(s)");
}

#[tokio::test]
async fn v2_error_object_with_a_message() {
    let body = json!({"error": {"message": "Forbidden website"}});
    let (_, message) =
        status_of(send_against(ResponseTemplate::new(400).set_body_json(body)).await);
    assert_eq!(message, "Forbidden website");
}

#[tokio::test]
async fn v2_plain_text_website_not_found_with_404() {
    let (status, message) = status_of(
        send_against(ResponseTemplate::new(404).set_body_raw("Website not found", "text/plain"))
            .await,
    );
    assert_eq!((status, message.as_str()), (404, "Website not found"));
}

#[tokio::test]
async fn status_405_with_empty_body_uses_the_reason_phrase() {
    let (status, message) = status_of(send_against(ResponseTemplate::new(405)).await);
    assert_eq!((status, message.as_str()), (405, "Method Not Allowed"));
}

#[tokio::test]
async fn status_403_of_an_ignored_ip_with_empty_body() {
    let (status, message) = status_of(send_against(ResponseTemplate::new(403)).await);
    assert_eq!((status, message.as_str()), (403, "Forbidden"));
}

#[tokio::test]
async fn status_500_with_a_text_body() {
    let (status, message) = status_of(
        send_against(
            ResponseTemplate::new(500).set_body_raw("Internal Server Error", "text/plain"),
        )
        .await,
    );
    assert_eq!((status, message.as_str()), (500, "Internal Server Error"));
}

#[tokio::test]
async fn status_500_with_empty_body() {
    let (status, message) = status_of(send_against(ResponseTemplate::new(500)).await);
    assert_eq!((status, message.as_str()), (500, "Internal Server Error"));
}

#[tokio::test]
async fn huge_error_bodies_are_cut() {
    let body = "x".repeat(10_000);
    let (_, message) =
        status_of(send_against(ResponseTemplate::new(502).set_body_raw(body, "text/html")).await);
    assert_eq!(message, format!("{}…", "x".repeat(2000)));
}

#[tokio::test]
async fn status_error_displays_code_and_message_and_exposes_status() {
    let err =
        send_against(ResponseTemplate::new(404).set_body_raw("Website not found", "text/plain"))
            .await
            .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert!(!err.is_timeout());
    assert_eq!(err.to_string(), "Umami answered 404: Website not found");
}

// ---- unexpected 2xx ----

#[tokio::test]
async fn html_success_body_is_unexpected() {
    let text = unexpected(
        send_against(
            ResponseTemplate::new(200).set_body_raw("<html>proxy login</html>", "text/html"),
        )
        .await,
    );
    assert!(text.contains("<html>proxy login</html>"), "{text}");
}

#[tokio::test]
async fn empty_success_body_is_unexpected() {
    unexpected(send_against(ResponseTemplate::new(200)).await);
}

#[tokio::test]
async fn no_content_204_is_unexpected() {
    unexpected(send_against(ResponseTemplate::new(204)).await);
}

#[tokio::test]
async fn json_object_without_cache_or_session_is_unexpected() {
    let text = unexpected(
        send_against(ResponseTemplate::new(200).set_body_json(json!({"ok": true}))).await,
    );
    assert!(text.contains(r#"{"ok":true}"#), "{text}");
}

#[tokio::test]
async fn json_array_success_body_is_unexpected() {
    unexpected(send_against(ResponseTemplate::new(200).set_body_json(json!([1, 2]))).await);
}

#[tokio::test]
async fn non_utf8_success_body_is_unexpected() {
    unexpected(
        send_against(ResponseTemplate::new(200).set_body_raw(vec![0xff, 0xfe, 0xfd], "text/plain"))
            .await,
    );
}

// ---- transport ----

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }; // dropped: nothing listens there any more
    let client = umami::Client::builder()
        .url_base(format!("http://127.0.0.1:{port}"))
        .website_id(WEBSITE_ID)
        .hostname(HOST)
        .build()
        .unwrap();
    let err = client.new_event("Signup").send().await.unwrap_err();
    match &err {
        umami::Error::Transport { timeout, .. } => assert!(!timeout),
        other => panic!("expected Error::Transport, got {other:?}"),
    }
    assert!(!err.is_timeout());
    assert_eq!(err.status(), None);
    assert!(std::error::Error::source(&err).is_some());
    assert!(err.to_string().starts_with("transport error: "), "{err}");
}

#[tokio::test]
async fn slow_server_is_a_timeout() {
    let server = MockServer::start().await;
    answer_once(&server, v3_ok().set_delay(Duration::from_secs(3))).await;
    let client = builder(&server)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.new_event("Signup").send().await.unwrap_err();
    assert!(
        matches!(err, umami::Error::Transport { timeout: true, .. }),
        "{err:?}"
    );
    assert!(err.is_timeout());
    // The request did reach the server, intact.
    assert_eq!(sent_body(&server).await, default_event("Signup"));
}

#[tokio::test]
async fn own_http_client_still_gets_the_timeout_and_user_agent() {
    let server = MockServer::start().await;
    answer_once(&server, v3_ok().set_delay(Duration::from_secs(3))).await;
    // umami's own builder installs the process-wide rustls provider (ring) that a plain
    // reqwest builder needs with umami's feature set; build one first.
    let _ = client(&server);
    let own = reqwest::Client::builder().build().unwrap();
    let client = builder(&server)
        .http_client(own)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.new_event("Signup").send().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(sent_body(&server).await, default_event("Signup"));
}
