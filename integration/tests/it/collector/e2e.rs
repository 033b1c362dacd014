//! The end-to-end suite (`tests/e2e/mod.rs`) against the crate's own `umami_test`
//! collector: the same cases, the same HTTP read-back, on every `cargo test`.
//! `tests/real_umami.rs` runs them against a real Umami.

use crate::e2e;

use e2e::Backend;
use umami_integration::WEBSITE_ID;
use umami_test::Collector;

const USERNAME: &str = "e2e-admin";
const PASSWORD: &str = "e2e-password-not-the-default";

/// A collector that knows one website and one account, logged in to.
async fn collector() -> Backend {
    let collector = Collector::builder()
        .website(WEBSITE_ID)
        .credentials(USERNAME, PASSWORD)
        .start()
        .await
        .expect("the collector starts");
    let url = collector.url().to_owned();
    Backend::connect(
        &url,
        USERNAME,
        PASSWORD,
        WEBSITE_ID,
        Some(Box::new(collector)),
    )
    .await
}

e2e_cases! {
    backend = collector;
    custom_event_is_stored_with_name_url_hostname_and_title,
    custom_data_is_stored_typed_with_nested_keys_dotted,
    event_data_properties_list_every_key_under_the_event_name,
    event_metrics_count_custom_events_by_name,
    page_views_are_stored_as_page_views,
    stats_count_page_views_but_not_custom_events,
    revenue_event_stores_revenue_and_currency,
    identify_stores_session_data_and_the_distinct_id,
    same_distinct_id_lands_in_the_same_session,
    web_layer_visitors_get_their_own_sessions,
    tracking_plan_check_reports_exactly_the_drift,
    timestamp_sets_the_stored_time,
    default_user_agent_is_stored,
    bot_user_agent_is_reported_and_nothing_is_stored,
    unknown_website_is_a_status_error_saying_not_found,
    server_validation_error_names_the_field,
    versionless_website_id_is_refused_before_io_as_the_server_would,
    login_with_a_wrong_password_is_unauthorized,
    login_token_passes_verify,
    reads_without_a_token_are_unauthorized,
    events_without_a_date_range_are_a_bad_request,
    dispatcher_batch_of_500_is_stored_once_each,
    typed_struct_is_stored_with_its_name_data_and_distinct_id,
    typed_enum_variants_are_stored_as_their_own_events,
}

// ---------------------------------------------------------------------------------------
// What only the collector can pin exactly: the read-back answers' shapes and edges.
// ---------------------------------------------------------------------------------------

mod read_back {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    use serde_json::{Value, json};
    use umami_integration::WEBSITE_ID;
    use umami_test::{Collector, DEFAULT_PASSWORD, DEFAULT_USERNAME};

    const OTHER_WEBSITE: &str = "0e3c3b5a-43d8-4f6e-9b7a-2c1d5e8f9a10";

    fn http() -> reqwest::Client {
        reqwest::Client::new()
    }

    async fn answer(request: reqwest::RequestBuilder) -> (u16, String) {
        let response = request.send().await.expect("the collector answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a text body"))
    }

    async fn login(collector: &Collector, username: &str, password: &str) -> (u16, Value) {
        let (status, body) = answer(
            http()
                .post(format!("{}/api/auth/login", collector.url()))
                .header("content-type", "application/json")
                .body(json!({"username": username, "password": password}).to_string()),
        )
        .await;
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    async fn token(collector: &Collector) -> String {
        let (status, body) = login(collector, DEFAULT_USERNAME, DEFAULT_PASSWORD).await;
        assert_eq!(status, 200, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    async fn get(collector: &Collector, path_and_query: &str) -> (u16, String) {
        let token = token(collector).await;
        answer(
            http()
                .get(format!("{}{path_and_query}", collector.url()))
                .bearer_auth(token),
        )
        .await
    }

    fn client(collector: &Collector) -> umami::Client {
        collector
            .client_builder()
            .website_id(WEBSITE_ID)
            .hostname("example.com")
            .build()
            .unwrap()
    }

    fn ms(at: SystemTime) -> u128 {
        at.duration_since(UNIX_EPOCH).unwrap().as_millis()
    }

    fn all_time() -> String {
        format!("startAt=0&endAt={}", ms(SystemTime::now()) + 60_000)
    }

    #[tokio::test]
    async fn login_answers_the_token_and_the_user() {
        let collector = Collector::start().await.unwrap();
        let (status, body) = login(&collector, DEFAULT_USERNAME, DEFAULT_PASSWORD).await;
        assert_eq!(status, 200);
        assert!(body["token"].as_str().is_some_and(|t| !t.is_empty()));
        assert_eq!(body["user"]["username"], "admin");
        assert_eq!(body["user"]["role"], "admin");
        assert_eq!(body["user"]["isAdmin"], true);
        assert!(body["user"]["id"].is_string() && body["user"]["createdAt"].is_string());
    }

    #[tokio::test]
    async fn login_with_wrong_credentials_answers_umamis_401_body() {
        let collector = Collector::start().await.unwrap();
        let (status, body) = login(&collector, DEFAULT_USERNAME, "nope").await;
        assert_eq!(status, 401);
        assert_eq!(
            body,
            json!({"error": {"message": "Unauthorized", "code": "incorrect-username-password", "status": 401}})
        );
    }

    #[tokio::test]
    async fn collector_debug_does_not_show_the_password() {
        let builder = Collector::builder().credentials("alice", "s3cret-pass");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("s3cret-pass"), "{shown}");
        assert!(shown.contains("alice"), "{shown}");
    }

    #[tokio::test]
    async fn reads_without_a_token_answer_umamis_401_body() {
        let collector = Collector::start().await.unwrap();
        let (status, body) = answer(http().get(format!(
            "{}/api/websites/{WEBSITE_ID}/events?{}",
            collector.url(),
            all_time()
        )))
        .await;
        assert_eq!(status, 401);
        assert_eq!(
            body,
            r#"{"error":{"message":"Unauthorized","code":"unauthorized","status":401}}"#
        );
    }

    #[tokio::test]
    async fn missing_start_at_is_a_bad_request_naming_it() {
        let collector = Collector::start().await.unwrap();
        let (status, body) = get(
            &collector,
            &format!("/api/websites/{WEBSITE_ID}/events?endAt=1"),
        )
        .await;
        assert_eq!(status, 400);
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            body["error"]["properties"]["startAt"]["errors"],
            json!(["Invalid input: expected number, received NaN"])
        );
        assert!(body["error"]["properties"].get("endAt").is_none(), "{body}");
    }

    #[tokio::test]
    async fn reading_a_website_the_collector_does_not_know_is_unauthorized() {
        let collector = Collector::builder()
            .website(WEBSITE_ID)
            .start()
            .await
            .unwrap();
        let (status, _) = get(
            &collector,
            &format!("/api/websites/{OTHER_WEBSITE}/events?{}", all_time()),
        )
        .await;
        assert_eq!(status, 401);
    }

    #[tokio::test]
    async fn post_to_a_read_endpoint_is_405() {
        let collector = Collector::start().await.unwrap();
        let (status, body) = answer(http().post(format!(
            "{}/api/websites/{WEBSITE_ID}/events",
            collector.url()
        )))
        .await;
        assert_eq!((status, body.as_str()), (405, ""));
    }

    #[tokio::test]
    async fn event_rows_carry_umamis_columns() {
        let collector = Collector::start().await.unwrap();
        client(&collector)
            .new_event("Signup")
            .url("/welcome?ref=mail")
            .send()
            .await
            .unwrap();
        let (status, body) = get(
            &collector,
            &format!("/api/websites/{WEBSITE_ID}/events?{}", all_time()),
        )
        .await;
        assert_eq!(status, 200);
        let body: Value = serde_json::from_str(&body).unwrap();
        let hit = &collector.hits()[0];
        let row = &body["data"][0];
        let mut keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "browser",
                "city",
                "country",
                "createdAt",
                "device",
                "eventName",
                "eventType",
                "hasData",
                "hostname",
                "id",
                "os",
                "pageTitle",
                "referrerDomain",
                "referrerPath",
                "referrerQuery",
                "sessionId",
                "urlPath",
                "urlQuery",
                "websiteId"
            ]
        );
        assert_eq!(row["id"], hit.event_id());
        assert_eq!(row["sessionId"], hit.session_id());
        assert_eq!(row["urlPath"], "/welcome");
        assert_eq!(row["urlQuery"], "ref=mail");
        assert_eq!(row["pageTitle"], "Signup");
        assert_eq!(row["hasData"], false);
        assert_eq!(
            (&body["count"], &body["page"], &body["pageSize"]),
            (&json!(1), &json!(1), &json!(20))
        );
    }

    #[tokio::test]
    async fn events_are_paged_newest_first() {
        let collector = Collector::start().await.unwrap();
        let client = client(&collector);
        let base = SystemTime::now() - Duration::from_secs(3600);
        for (minutes, url) in [(1, "/first"), (3, "/third"), (2, "/second")] {
            client
                .new_event("Step")
                .url(url)
                .timestamp(base + Duration::from_secs(60 * minutes))
                .send()
                .await
                .unwrap();
        }
        let mut paths = Vec::new();
        for page in [1, 2] {
            let (_, body) = get(
                &collector,
                &format!(
                    "/api/websites/{WEBSITE_ID}/events?{}&page={page}&pageSize=2",
                    all_time()
                ),
            )
            .await;
            let body: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(body["count"], 3);
            for row in body["data"].as_array().unwrap() {
                paths.push(row["urlPath"].as_str().unwrap().to_owned());
            }
        }
        assert_eq!(paths, ["/third", "/second", "/first"]);
    }

    #[tokio::test]
    async fn events_outside_the_range_are_not_listed() {
        let collector = Collector::start().await.unwrap();
        let old = SystemTime::now() - Duration::from_secs(7 * 24 * 3600);
        client(&collector)
            .new_event("Old")
            .timestamp(old)
            .send()
            .await
            .unwrap();
        let since = ms(old) + 1000;
        let (_, body) = get(
            &collector,
            &format!(
                "/api/websites/{WEBSITE_ID}/events?startAt={since}&endAt={}",
                since + 3_600_000
            ),
        )
        .await;
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["count"], 0, "{body}");
    }

    #[tokio::test]
    async fn session_without_events_is_an_empty_object() {
        let collector = Collector::start().await.unwrap();
        let sent = client(&collector)
            .identify("user-1")
            .data(json!({"plan": "pro"}))
            .send()
            .await
            .unwrap();
        let session = sent.session_id().unwrap();
        let (status, body) = get(
            &collector,
            &format!("/api/websites/{WEBSITE_ID}/sessions/{session}"),
        )
        .await;
        assert_eq!((status, body.as_str()), (200, "{}"));
    }

    #[tokio::test]
    async fn later_identify_data_replaces_a_key_and_keeps_the_others() {
        let collector = Collector::start().await.unwrap();
        let client = client(&collector);
        client
            .identify("user-1")
            .data(json!({"plan": "free", "seats": 1}))
            .send()
            .await
            .unwrap();
        let sent = client
            .identify("user-1")
            .data(json!({"plan": "pro"}))
            .send()
            .await
            .unwrap();
        let (_, body) = get(
            &collector,
            &format!(
                "/api/websites/{WEBSITE_ID}/sessions/{}/properties",
                sent.session_id().unwrap()
            ),
        )
        .await;
        let rows: Value = serde_json::from_str(&body).unwrap();
        let summary: Vec<(String, String)> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["dataKey"].as_str().unwrap().to_owned(),
                    r["stringValue"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("plan".to_owned(), "pro".to_owned()),
                ("seats".to_owned(), "1".to_owned())
            ]
        );
    }

    #[tokio::test]
    async fn event_data_of_an_unknown_event_is_an_empty_list() {
        let collector = Collector::start().await.unwrap();
        let (status, body) = get(
            &collector,
            &format!("/api/websites/{WEBSITE_ID}/event-data/{OTHER_WEBSITE}"),
        )
        .await;
        assert_eq!((status, body.as_str()), (200, "[]"));
    }

    #[tokio::test]
    async fn event_data_values_count_each_value() {
        let collector = Collector::start().await.unwrap();
        let client = client(&collector);
        for plan in ["pro", "pro", "free"] {
            client
                .new_event("Signup")
                .custom_data(json!({"plan": plan}))
                .send()
                .await
                .unwrap();
        }
        let (_, body) = get(
            &collector,
            &format!(
                "/api/websites/{WEBSITE_ID}/event-data/values?{}&event=Signup&propertyName=plan",
                all_time()
            ),
        )
        .await;
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!([{"value": "pro", "total": 2}, {"value": "free", "total": 1}])
        );
    }

    #[tokio::test]
    async fn metrics_of_a_type_the_collector_does_not_emulate_is_a_bad_request() {
        let collector = Collector::start().await.unwrap();
        let (status, _) = get(
            &collector,
            &format!(
                "/api/websites/{WEBSITE_ID}/metrics?type=browser&{}",
                all_time()
            ),
        )
        .await;
        assert_eq!(status, 400);
    }
}
