//! Umami Cloud: `/v1[/us|/eu]/...` paths, `x-umami-api-key`, never `Authorization`.

use crate::management_support;

use std::time::{Duration, UNIX_EPOCH};

use management_support::*;
use serde_json::json;
use umami::CloudRegion;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn empty_page() -> serde_json::Value {
    json!({"data": [website_json(1)], "count": 1, "page": 1, "pageSize": 100})
}

/// Mounts `GET {path}` that only answers requests carrying the API key, the UA and no
/// `Authorization`.
async fn mount_cloud(server: &MockServer, at: &str, body: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .and(header("x-umami-api-key", API_KEY))
        .and(NoHeader("authorization"))
        .and(default_ua())
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .named(at.to_owned())
        .mount(server)
        .await;
}

#[tokio::test]
async fn cloud_websites_go_to_v1_with_the_api_key() {
    let server = MockServer::start().await;
    mount_cloud(&server, "/v1/websites", empty_page()).await;
    let sites = cloud(&server, None).websites().await.unwrap();
    assert_eq!(sites.len(), 1);
}

#[tokio::test]
async fn cloud_eu_region_prefixes_the_path() {
    let server = MockServer::start().await;
    mount_cloud(&server, "/v1/eu/websites", empty_page()).await;
    cloud(&server, Some(CloudRegion::Eu))
        .websites()
        .await
        .unwrap();
}

#[tokio::test]
async fn cloud_us_region_prefixes_the_path() {
    let server = MockServer::start().await;
    mount_cloud(&server, "/v1/us/websites", empty_page()).await;
    cloud(&server, Some(CloudRegion::Us))
        .websites()
        .await
        .unwrap();
}

#[tokio::test]
async fn cloud_stats_go_to_v1_websites_id_stats() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/eu/websites/{WEBSITE_ID}/stats")))
        .and(query_param("startAt", "1000"))
        .and(query_param("endAt", "2000"))
        .and(header("x-umami-api-key", API_KEY))
        .and(NoHeader("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"pageviews": 1, "visitors": 1, "visits": 1, "bounces": 0, "totaltime": 5}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let stats = cloud(&server, Some(CloudRegion::Eu))
        .website_stats(
            UNIX_EPOCH + Duration::from_millis(1000),
            UNIX_EPOCH + Duration::from_millis(2000),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(stats.totaltime, 5);
}

#[tokio::test]
async fn cloud_active_users_go_to_v1_websites_id_active() {
    let server = MockServer::start().await;
    mount_cloud(
        &server,
        &format!("/v1/websites/{WEBSITE_ID}/active"),
        json!({"visitors": 4}),
    )
    .await;
    assert_eq!(cloud(&server, None).active_users(None).await.unwrap(), 4);
}

#[tokio::test]
async fn cloud_heartbeat_gets_v1_me() {
    let server = MockServer::start().await;
    mount_cloud(&server, "/v1/me", json!({"user": user_json()})).await;
    assert!(cloud(&server, None).heartbeat().await);
}

#[tokio::test]
async fn cloud_verify_token_gets_v1_me() {
    let server = MockServer::start().await;
    mount_cloud(&server, "/v1/us/me", json!({"user": user_json()})).await;
    assert!(
        cloud(&server, Some(CloudRegion::Us))
            .verify_token(true)
            .await
    );
}

#[tokio::test]
async fn cloud_verify_token_is_false_for_a_refused_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/me"))
        .respond_with(ResponseTemplate::new(401).set_body_json(v3_unauthorized("Unauthorized")))
        .expect(1)
        .mount(&server)
        .await;
    assert!(!cloud(&server, None).verify_token(true).await);
}

#[tokio::test]
async fn cloud_verify_token_without_server_check_sends_nothing() {
    let server = MockServer::start().await;
    expect_no_request(&server).await;
    assert!(cloud(&server, None).verify_token(false).await);
}

#[tokio::test]
async fn cloud_401_is_status_with_the_server_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/websites"))
        .respond_with(ResponseTemplate::new(401).set_body_json(v3_unauthorized("Invalid API key.")))
        .mount(&server)
        .await;
    let err = cloud(&server, None).websites().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.to_string(), "Umami answered 401: Invalid API key.");
}

#[test]
fn default_cloud_management_roots() {
    let root = |region: Option<CloudRegion>| {
        let mut builder = umami::Client::builder().cloud_api_key(API_KEY);
        if let Some(region) = region {
            builder = builder.cloud_region(region);
        }
        builder.build().unwrap().management_api_root()
    };
    assert_eq!(root(None), "https://api.umami.is/v1");
    assert_eq!(root(Some(CloudRegion::Us)), "https://api.umami.is/v1/us");
    assert_eq!(root(Some(CloudRegion::Eu)), "https://api.umami.is/v1/eu");
}

#[test]
fn self_hosted_management_root_is_base_api() {
    let client = umami::Client::builder()
        .url_base("https://umami.example.com/")
        .build()
        .unwrap();
    assert_eq!(
        client.management_api_root(),
        "https://umami.example.com/api"
    );
}

#[test]
fn self_hosted_management_root_keeps_a_sub_path() {
    let client = umami::Client::builder()
        .url_base("https://example.com/umami")
        .build()
        .unwrap();
    assert_eq!(
        client.management_api_root(),
        "https://example.com/umami/api"
    );
}
