//! Website stats and active users: query, both stats shapes, every active-users shape.

use crate::management_support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use management_support::*;
use serde_json::json;
use umami::Error;
use umami::api::ServerGeneration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const START_MS: u64 = 1_764_201_600_000; // 2025-11-27T00:00:00Z
const END_MS: u64 = 1_764_287_999_999;

fn start() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(START_MS)
}

fn end() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(END_MS)
}

fn stats_path() -> String {
    format!("/api/websites/{WEBSITE_ID}/stats")
}

fn v3_stats() -> serde_json::Value {
    json!({
        "pageviews": 120, "visitors": 40, "visits": 55, "bounces": 20, "totaltime": 3600,
        "comparison": {"pageviews": 100, "visitors": 35, "visits": 50, "bounces": 25, "totaltime": 3000}
    })
}

#[tokio::test]
async fn stats_send_epoch_millis_and_every_v3_filter() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    let query = format!(
        "startAt={START_MS}&endAt={END_MS}&path=%2Fcheckout&referrer=google.com&title=Checkout\
         &query=a%3D1&os=Mac+OS&browser=chrome&device=desktop&country=DE&region=DE-BE\
         &city=Berlin&tag=promo&hostname=example.com&distinctId=user-42&language=de-DE\
         &event=Purchase-Course"
    );
    Mock::given(method("GET"))
        .and(path(stats_path()))
        .and(ExactQuery(query))
        .and(bearer())
        .and(default_ua())
        .respond_with(ResponseTemplate::new(200).set_body_json(v3_stats()))
        .expect(1)
        .mount(&server)
        .await;
    // Setters in a different order than the query: the wire order is fixed.
    client
        .website_stats(start(), end())
        .event("Purchase-Course")
        .language("de-DE")
        .distinct_id("user-42")
        .hostname("example.com")
        .tag("promo")
        .city("Berlin")
        .region("DE-BE")
        .country("DE")
        .device("desktop")
        .browser("chrome")
        .os("Mac OS")
        .query("a=1")
        .title("Checkout")
        .referrer("google.com")
        .path("/checkout")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn stats_for_v2_servers_name_path_url_and_hostname_host() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path(stats_path()))
        .and(ExactQuery(format!(
            "startAt={START_MS}&endAt={END_MS}&url=%2Fpricing&country=FR&host=shop.example.com"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(v3_stats()))
        .expect(1)
        .mount(&server)
        .await;
    client
        .website_stats(start(), end())
        .server_generation(ServerGeneration::V2)
        .hostname("shop.example.com")
        .path("/pricing")
        .country("FR")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn stats_read_the_v3_flat_shape_with_comparison() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path(stats_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(v3_stats()))
        .mount(&server)
        .await;
    let stats = client.website_stats(start(), end()).send().await.unwrap();
    assert_eq!(
        (
            stats.pageviews,
            stats.visitors,
            stats.visits,
            stats.bounces,
            stats.totaltime
        ),
        (120, 40, 55, 20, 3600)
    );
    let prev = stats.comparison.unwrap();
    assert_eq!(
        (
            prev.pageviews,
            prev.visitors,
            prev.visits,
            prev.bounces,
            prev.totaltime
        ),
        (100, 35, 50, 25, 3000)
    );
}

#[tokio::test]
async fn stats_read_the_v2_value_prev_shape() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path(stats_path()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "pageviews": {"value": 120, "prev": 100},
            "visitors": {"value": 40, "prev": 35},
            "visits": {"value": 55, "prev": 50},
            "bounces": {"value": 20, "prev": 25},
            "totaltime": {"value": 3600, "prev": 3000}
        })))
        .mount(&server)
        .await;
    let v2 = client.website_stats(start(), end()).send().await.unwrap();
    let v3: umami::WebsiteStats = serde_json::from_value(v3_stats()).unwrap();
    assert_eq!(v2, v3);
}

#[tokio::test]
async fn stats_without_a_website_id_fail_before_any_request() {
    let server = MockServer::start().await;
    mount_login(&server).await;
    let client = umami::Client::builder()
        .url_base(server.uri())
        .build()
        .unwrap();
    client.login("admin", PASSWORD).await.unwrap();
    // Above all, nothing may reach `/api/websites//stats`.
    expect_no_request(&server).await;
    let err = client
        .website_stats(start(), end())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Validation(ref v) if v.field() == "website_id"),
        "{err:?}"
    );
}

#[tokio::test]
async fn stats_with_a_malformed_website_id_fail_before_any_request() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(path("/api/websites/not-a-uuid/stats"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let err = client
        .website_stats(start(), end())
        .website_id("not-a-uuid")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Validation(ref v) if v.field() == "website_id"),
        "{err:?}"
    );
}

#[tokio::test]
async fn stats_use_the_given_website_id_over_the_default() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    let other = "11111111-2222-4333-8444-555555555555";
    Mock::given(method("GET"))
        .and(path(format!("/api/websites/{other}/stats")))
        .respond_with(ResponseTemplate::new(200).set_body_json(v3_stats()))
        .expect(1)
        .mount(&server)
        .await;
    client
        .website_stats(start(), end())
        .website_id(other)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn stats_with_end_before_start_fail_before_any_request() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(path(stats_path()))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let err = client
        .website_stats(end(), start())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Validation(ref v) if v.field() == "end"),
        "{err:?}"
    );
}

#[tokio::test]
async fn stats_401_is_status_with_the_server_message() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(path(stats_path()))
        .respond_with(ResponseTemplate::new(401).set_body_json(v3_unauthorized("Unauthorized")))
        .mount(&server)
        .await;
    let err = client
        .website_stats(start(), end())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.to_string(), "Umami answered 401: Unauthorized");
}

async fn active_answer(body: ResponseTemplate) -> Result<u64, Error> {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    Mock::given(method("GET"))
        .and(path(format!("/api/websites/{WEBSITE_ID}/active")))
        .and(bearer())
        .and(default_ua())
        .respond_with(body)
        .expect(1)
        .mount(&server)
        .await;
    client.active_users(None).await
}

#[tokio::test]
async fn active_users_read_visitors() {
    let body = ResponseTemplate::new(200).set_body_json(json!({"visitors": 7}));
    assert_eq!(active_answer(body).await.unwrap(), 7);
}

#[tokio::test]
async fn active_users_read_the_old_x() {
    let body = ResponseTemplate::new(200).set_body_json(json!({"x": 3}));
    assert_eq!(active_answer(body).await.unwrap(), 3);
}

#[tokio::test]
async fn active_users_read_null_as_zero() {
    let body = ResponseTemplate::new(200)
        .set_body_string("null")
        .insert_header("content-type", "application/json");
    assert_eq!(active_answer(body).await.unwrap(), 0);
}

#[tokio::test]
async fn active_users_read_the_v1_list() {
    let body = ResponseTemplate::new(200).set_body_json(json!([{"x": 2}]));
    assert_eq!(active_answer(body).await.unwrap(), 2);
}

#[tokio::test]
async fn active_users_with_an_unknown_shape_is_an_unexpected_response() {
    let body = ResponseTemplate::new(200).set_body_json(json!({"count": 2}));
    let err = active_answer(body).await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedResponse(_)), "{err:?}");
}

#[tokio::test]
async fn active_users_use_the_given_website_id() {
    let server = MockServer::start().await;
    let client = logged_in(&server).await;
    let other = "11111111-2222-4333-8444-555555555555";
    Mock::given(method("GET"))
        .and(path(format!("/api/websites/{other}/active")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"visitors": 1})))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(client.active_users(Some(other)).await.unwrap(), 1);
}

#[tokio::test]
async fn active_users_without_a_website_id_fail_before_any_request() {
    let server = MockServer::start().await;
    expect_no_request(&server).await;
    let client = umami::Client::builder()
        .url_base(server.uri())
        .build()
        .unwrap();
    let err = client.active_users(None).await.unwrap_err();
    assert!(
        matches!(err, Error::Validation(ref v) if v.field() == "website_id"),
        "{err:?}"
    );
}
