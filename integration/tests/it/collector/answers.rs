//! The `umami_test` collector answers like a real Umami 3.1 (protocol page §6), over real
//! HTTP: raw requests, exact statuses, exact bodies.

use std::time::Duration;

use serde_json::{Value, json};
use umami_integration::WEBSITE_ID;
use umami_test::Collector;

const BROWSER_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                          (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const GOOGLEBOT_UA: &str =
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const OTHER_WEBSITE: &str = "0e3c3b5a-43d8-4f6e-9b7a-2c1d5e8f9a10";
const WAIT: Duration = Duration::from_secs(5);

/// A plain reqwest client, for requests the crate does not make itself.
fn http() -> reqwest::Client {
    reqwest::Client::new()
}

async fn get(url: String) -> reqwest::Response {
    http().get(url).send().await.expect("the collector answers")
}

/// A raw POST; reqwest sends no User-Agent unless given one.
async fn post(url: String, body: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = http()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("the collector answers");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a text body"))
}

async fn send(collector: &Collector, body: &Value, headers: &[(&str, &str)]) -> (u16, String) {
    post(
        format!("{}/api/send", collector.url()),
        &body.to_string(),
        headers,
    )
    .await
}

fn event(payload: Value) -> Value {
    json!({"type": "event", "payload": payload})
}

fn seed_payload() -> Value {
    json!({
        "website": WEBSITE_ID,
        "hostname": "example.com",
        "language": "en-US",
        "screen": "1920x1080",
        "url": "/checkout",
        "referrer": "",
        "title": "Purchase-Course",
        "name": "Purchase-Course",
        "data": {"plan": "pro"}
    })
}

fn payload_with(key: &str, value: Value) -> Value {
    let mut payload = seed_payload();
    payload[key] = value;
    event(payload)
}

/// The v3 validation error body for one payload field.
fn field_error(field: &str, text: &str) -> String {
    format!(
        r#"{{"error":{{"message":"Bad request","code":"bad-request","status":400,"errors":[],"properties":{{"payload":{{"errors":[],"properties":{{"{field}":{{"errors":["{text}"]}}}}}}}}}}}}"#
    )
}

fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn parse(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[tokio::test]
async fn valid_event_is_answered_with_cache_session_and_visit() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(
        &collector,
        &event(seed_payload()),
        &[("user-agent", BROWSER_UA)],
    )
    .await;
    assert_eq!(status, 200);
    let answer = parse(&body);
    let keys: Vec<&str> = answer
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["cache", "sessionId", "visitId"]);
    assert!(
        body.starts_with(r#"{"cache":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."#),
        "{body}"
    );
    assert_eq!(answer["cache"].as_str().unwrap().split('.').count(), 3);
    assert!(is_uuid(answer["sessionId"].as_str().unwrap()), "{body}");
    assert!(is_uuid(answer["visitId"].as_str().unwrap()), "{body}");
}

#[tokio::test]
async fn valid_event_is_stored_as_received() {
    let collector = Collector::start().await.unwrap();
    let sent = event(seed_payload());
    let (_, body) = send(&collector, &sent, &[("user-agent", BROWSER_UA)]).await;
    let answer = parse(&body);

    let hits = collector.hits();
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert_eq!(hit.method(), "POST");
    assert_eq!(hit.path(), "/api/send");
    assert_eq!(hit.batch_index(), None);
    assert_eq!(hit.body(), &sent);
    assert_eq!(hit.kind(), "event");
    assert!(hit.is_custom_event());
    assert_eq!(hit.event_name(), Some("Purchase-Course"));
    assert_eq!(hit.website_id(), Some(WEBSITE_ID));
    assert_eq!(hit.url(), Some("/checkout"));
    assert_eq!(hit.hostname(), Some("example.com"));
    assert_eq!(hit.data(), json!({"plan": "pro"}).as_object());
    assert_eq!(hit.user_agent_header(), Some(BROWSER_UA));
    assert_eq!(hit.user_agent(), BROWSER_UA);
    assert_eq!(hit.header("Content-Type"), Some("application/json"));
    assert_eq!(hit.session_id(), answer["sessionId"]);
    assert_eq!(hit.visit_id(), answer["visitId"]);
}

#[tokio::test]
async fn name_of_51_chars_is_rejected_with_the_field_text() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(
        &collector,
        &payload_with("name", json!("a".repeat(51))),
        &[],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        r#"{"error":{"message":"Bad request","code":"bad-request","status":400,"errors":[],"properties":{"payload":{"errors":[],"properties":{"name":{"errors":["Too big: expected string to have <=50 characters"]}}}}}}"#
    );
    assert!(collector.hits().is_empty());
}

#[tokio::test]
async fn name_of_50_chars_is_stored() {
    let collector = Collector::start().await.unwrap();
    let (status, _) = send(
        &collector,
        &payload_with("name", json!("a".repeat(50))),
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(collector.hits().len(), 1);
}

/// Umami 3.1.0 has no CSV-injection guard: it stored `=SUM(A1:A9)` (recorded 067). The
/// guard is this crate's, client-side (`validate::event_name`).
#[tokio::test]
async fn name_with_a_leading_formula_character_is_stored() {
    let collector = Collector::start().await.unwrap();
    for (i, name) in ["=SUM(A1)", "+1", "-x", "@me"].into_iter().enumerate() {
        let (status, body) = send(&collector, &payload_with("name", json!(name)), &[]).await;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(collector.hits()[i].event_name(), Some(name));
    }
}

#[tokio::test]
async fn missing_website_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let mut payload = seed_payload();
    payload.as_object_mut().unwrap().remove("website");
    let (status, body) = send(&collector, &event(payload), &[]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        field_error(
            "website",
            "Exactly one of website, link, or pixel must be provided"
        )
    );
}

#[tokio::test]
async fn website_that_is_not_a_uuid_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(
        &collector,
        &payload_with("website", json!("not-a-uuid")),
        &[],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body, field_error("website", "Invalid UUID"));
}

#[tokio::test]
async fn unknown_website_is_not_found() {
    let collector = Collector::builder()
        .website(WEBSITE_ID)
        .start()
        .await
        .unwrap();
    let (status, body) = send(
        &collector,
        &payload_with("website", json!(OTHER_WEBSITE)),
        &[],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        r#"{"error":{"message":"Website not found.","code":"bad-request","status":400}}"#
    );
    assert!(collector.hits().is_empty());
}

#[tokio::test]
async fn known_website_is_stored() {
    let collector = Collector::builder()
        .websites([OTHER_WEBSITE, WEBSITE_ID])
        .start()
        .await
        .unwrap();
    let (status, _) = send(&collector, &event(seed_payload()), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(collector.hits().len(), 1);
}

#[tokio::test]
async fn any_valid_website_is_accepted_by_default() {
    let collector = Collector::start().await.unwrap();
    let (status, _) = send(
        &collector,
        &payload_with("website", json!(OTHER_WEBSITE)),
        &[],
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn googlebot_gets_beep_boop_and_nothing_is_stored() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(
        &collector,
        &event(seed_payload()),
        &[("user-agent", GOOGLEBOT_UA)],
    )
    .await;
    assert_eq!((status, body.as_str()), (200, r#"{"beep":"boop"}"#));
    assert!(collector.hits().is_empty());
}

#[tokio::test]
async fn curl_gets_beep_boop() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(
        &collector,
        &event(seed_payload()),
        &[("user-agent", "curl/8.5.0")],
    )
    .await;
    assert_eq!((status, body.as_str()), (200, r#"{"beep":"boop"}"#));
    assert!(collector.hits().is_empty());
}

#[tokio::test]
async fn bot_user_agent_in_the_payload_overrides_a_browser_header() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(
        &collector,
        &payload_with("userAgent", json!("python-requests/2.31")),
        &[("user-agent", BROWSER_UA)],
    )
    .await;
    assert_eq!((status, body.as_str()), (200, r#"{"beep":"boop"}"#));
    assert!(collector.hits().is_empty());
}

#[tokio::test]
async fn browser_user_agent_in_the_payload_is_what_umami_reads() {
    let collector = Collector::start().await.unwrap();
    let (status, _) = send(
        &collector,
        &payload_with("userAgent", json!(BROWSER_UA)),
        &[("user-agent", "Mozilla/5.0 umami-rs/0.1.0")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(collector.hits()[0].user_agent(), BROWSER_UA);
}

#[tokio::test]
async fn bot_check_can_be_disabled() {
    let collector = Collector::builder()
        .bot_filter(false)
        .start()
        .await
        .unwrap();
    let (status, _) = send(
        &collector,
        &event(seed_payload()),
        &[("user-agent", "curl/8.5.0")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(collector.hits().len(), 1);
}

#[tokio::test]
async fn missing_user_agent_header_is_stored() {
    let collector = Collector::start().await.unwrap();
    let (status, _) = send(&collector, &event(seed_payload()), &[]).await;
    assert_eq!(status, 200);
    let hits = collector.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].user_agent_header(), None);
    assert_eq!(hits[0].user_agent(), "");
}

#[tokio::test]
async fn malformed_json_is_read_as_undefined() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = post(format!("{}/api/send", collector.url()), "{not json", &[]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        r#"{"error":{"message":"Bad request","code":"bad-request","status":400,"errors":["Invalid input: expected object, received undefined"]}}"#
    );
}

#[tokio::test]
async fn get_on_send_is_405_with_an_empty_body() {
    let collector = Collector::start().await.unwrap();
    let response = get(format!("{}/api/send", collector.url())).await;
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.text().await.unwrap(), "");
}

#[tokio::test]
async fn unknown_type_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let body = json!({"type": "pageview", "payload": seed_payload()});
    let (status, text) = send(&collector, &body, &[]).await;
    assert_eq!(status, 400);
    assert_eq!(
        text,
        r#"{"error":{"message":"Bad request","code":"bad-request","status":400,"errors":[],"properties":{"type":{"errors":["Invalid option: expected one of \"event\"|\"identify\"|\"performance\""]}}}}"#
    );
}

#[tokio::test]
async fn hostname_over_100_chars_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(
        &collector,
        &payload_with("hostname", json!("h".repeat(101))),
        &[],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        field_error(
            "hostname",
            "Too big: expected string to have <=100 characters"
        )
    );
}

#[tokio::test]
async fn language_over_35_chars_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(
        &collector,
        &payload_with("language", json!("l".repeat(36))),
        &[],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        field_error(
            "language",
            "Too big: expected string to have <=35 characters"
        )
    );
}

#[tokio::test]
async fn screen_over_11_chars_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(
        &collector,
        &payload_with("screen", json!("19200x10800")),
        &[],
    )
    .await;
    assert_eq!(status, 200, "11 chars pass: {body}");
    let (status, body) = send(
        &collector,
        &payload_with("screen", json!("192000x10800")),
        &[],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        field_error("screen", "Too big: expected string to have <=11 characters")
    );
}

#[tokio::test]
async fn tag_over_50_chars_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(&collector, &payload_with("tag", json!("t".repeat(51))), &[]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        field_error("tag", "Too big: expected string to have <=50 characters")
    );
}

#[tokio::test]
async fn fractional_timestamp_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(&collector, &payload_with("timestamp", json!(1.5)), &[]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        field_error("timestamp", "Invalid input: expected int, received number")
    );
}

#[tokio::test]
async fn timestamp_sets_the_stored_time() {
    let collector = Collector::start().await.unwrap();
    let (status, _) = send(
        &collector,
        &payload_with("timestamp", json!(1_700_000_000)),
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        collector.hits()[0].created_at(),
        std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    );
}

#[tokio::test]
async fn data_that_is_not_an_object_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(&collector, &payload_with("data", json!([1, 2])), &[]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        field_error("data", "Invalid input: expected record, received array")
    );
}

#[tokio::test]
async fn distinct_id_that_is_not_a_string_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(&collector, &payload_with("id", json!(42)), &[]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        field_error("id", "Invalid input: expected string, received number")
    );
}

#[tokio::test]
async fn url_that_does_not_parse_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = send(&collector, &payload_with("url", json!("http://[::1")), &[]).await;
    assert_eq!(status, 400);
    assert_eq!(body, field_error("url", "Invalid URL."));
}

#[tokio::test]
async fn page_view_without_name_is_stored_as_a_page_view() {
    let collector = Collector::start().await.unwrap();
    let mut payload = seed_payload();
    let fields = payload.as_object_mut().unwrap();
    fields.remove("name");
    fields.remove("data");
    let (status, _) = send(&collector, &event(payload), &[]).await;
    assert_eq!(status, 200);
    let hit = &collector.hits()[0];
    assert!(hit.is_page_view());
    assert_eq!(hit.event_name(), None);
}

#[tokio::test]
async fn identify_is_stored_with_its_kind_and_data() {
    let collector = Collector::start().await.unwrap();
    let body = json!({"type": "identify", "payload": {
        "website": WEBSITE_ID, "id": "user-42", "data": {"plan": "pro"}
    }});
    let (status, _) = send(&collector, &body, &[]).await;
    assert_eq!(status, 200);
    let hit = &collector.hits()[0];
    assert_eq!(hit.kind(), "identify");
    assert!(!hit.is_page_view());
    assert_eq!(hit.distinct_id(), Some("user-42"));
    assert_eq!(hit.data(), json!({"plan": "pro"}).as_object());
}

#[tokio::test]
async fn same_distinct_id_lands_in_the_same_session() {
    let collector = Collector::start().await.unwrap();
    let (_, first) = send(
        &collector,
        &payload_with("id", json!("user-7")),
        &[("user-agent", BROWSER_UA)],
    )
    .await;
    let (_, second) = send(
        &collector,
        &payload_with("id", json!("user-7")),
        &[("user-agent", "Mozilla/5.0 umami-rs/0.1.0")],
    )
    .await;
    let (_, other) = send(
        &collector,
        &payload_with("id", json!("user-8")),
        &[("user-agent", BROWSER_UA)],
    )
    .await;
    assert_eq!(parse(&first)["sessionId"], parse(&second)["sessionId"]);
    assert_ne!(parse(&first)["sessionId"], parse(&other)["sessionId"]);
    let hits = collector.hits();
    assert_eq!(hits[0].session_id(), hits[1].session_id());
}

#[tokio::test]
async fn without_distinct_id_the_session_follows_ip_and_user_agent() {
    let collector = Collector::start().await.unwrap();
    let hit = event(seed_payload());
    let (_, a) = send(
        &collector,
        &hit,
        &[
            ("user-agent", BROWSER_UA),
            ("x-forwarded-for", "203.0.113.9"),
        ],
    )
    .await;
    let (_, b) = send(
        &collector,
        &hit,
        &[
            ("user-agent", BROWSER_UA),
            ("x-forwarded-for", "203.0.113.9"),
        ],
    )
    .await;
    let (_, other_ip) = send(
        &collector,
        &hit,
        &[
            ("user-agent", BROWSER_UA),
            ("x-forwarded-for", "198.51.100.1"),
        ],
    )
    .await;
    let (_, other_ua) = send(
        &collector,
        &hit,
        &[
            ("user-agent", "Mozilla/5.0 umami-rs/0.1.0"),
            ("x-forwarded-for", "203.0.113.9"),
        ],
    )
    .await;
    let session = |body: &str| parse(body)["sessionId"].clone();
    assert_eq!(session(&a), session(&b));
    assert_ne!(session(&a), session(&other_ip));
    assert_ne!(session(&a), session(&other_ua));
    assert_eq!(collector.hits()[2].ip(), "198.51.100.1");
}

#[tokio::test]
async fn session_ids_are_the_same_across_collectors() {
    let first = Collector::start().await.unwrap();
    let second = Collector::start().await.unwrap();
    let hit = payload_with("id", json!("user-7"));
    let (_, a) = send(&first, &hit, &[]).await;
    let (_, b) = send(&second, &hit, &[]).await;
    assert_eq!(parse(&a)["sessionId"], parse(&b)["sessionId"]);
}

#[tokio::test]
async fn echoed_cache_token_keeps_the_visit_and_is_recorded() {
    let collector = Collector::start().await.unwrap();
    let (_, first) = send(&collector, &event(seed_payload()), &[]).await;
    let first = parse(&first);
    let token = first["cache"].as_str().unwrap();
    let (status, second) = send(
        &collector,
        &event(seed_payload()),
        &[("x-umami-cache", token)],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(parse(&second)["visitId"], first["visitId"]);
    assert_eq!(collector.hits()[1].cache_header(), Some(token));
}

#[tokio::test]
async fn cache_token_of_a_known_website_skips_the_lookup_only_for_that_website() {
    let collector = Collector::builder()
        .website(WEBSITE_ID)
        .start()
        .await
        .unwrap();
    let (_, first) = send(&collector, &event(seed_payload()), &[]).await;
    let token = parse(&first)["cache"].as_str().unwrap().to_owned();
    let (status, body) = send(
        &collector,
        &payload_with("website", json!(OTHER_WEBSITE)),
        &[("x-umami-cache", &token)],
    )
    .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn ignored_ip_is_forbidden() {
    let collector = Collector::builder()
        .ignore_ip("203.0.113.9")
        .start()
        .await
        .unwrap();
    let (status, body) = send(&collector, &payload_with("ip", json!("203.0.113.9")), &[]).await;
    assert_eq!(status, 403);
    assert_eq!(
        body,
        r#"{"error":{"message":"Forbidden","code":"forbidden","status":403}}"#
    );
    assert!(collector.hits().is_empty());
}

#[tokio::test]
async fn batch_reports_rejected_items_in_details() {
    let collector = Collector::start().await.unwrap();
    let items = json!([
        event(seed_payload()),
        payload_with("name", json!("a".repeat(51))),
        payload_with("website", json!("not-a-uuid")),
        event(seed_payload()),
    ]);
    let (status, body) = post(
        format!("{}/api/batch", collector.url()),
        &items.to_string(),
        &[("user-agent", BROWSER_UA)],
    )
    .await;
    assert_eq!(status, 200);
    let answer = parse(&body);
    let cache = answer["cache"].as_str().expect("a cache token").to_owned();
    assert_eq!(
        body,
        format!(
            r#"{{"size":4,"processed":2,"errors":2,"details":[{{"index":1,"response":{}}},{{"index":2,"response":{}}}],"cache":"{cache}"}}"#,
            field_error("name", "Too big: expected string to have <=50 characters"),
            field_error("website", "Invalid UUID"),
        )
    );
}

#[tokio::test]
async fn batch_items_are_stored_with_their_index() {
    let collector = Collector::start().await.unwrap();
    let items = json!([
        event(seed_payload()),
        payload_with("name", json!("a".repeat(51))),
        payload_with("name", json!("Second")),
    ]);
    post(
        format!("{}/api/batch", collector.url()),
        &items.to_string(),
        &[("user-agent", BROWSER_UA)],
    )
    .await;
    let hits = collector.hits();
    assert_eq!(hits.len(), 2);
    assert_eq!(
        (hits[0].path(), hits[0].batch_index()),
        ("/api/batch", Some(0))
    );
    assert_eq!(hits[1].batch_index(), Some(2));
    assert_eq!(hits[1].body(), &items[2]);
    assert_eq!(hits[1].user_agent_header(), Some(BROWSER_UA));
}

#[tokio::test]
async fn batch_of_bots_is_processed_but_stores_nothing() {
    let collector = Collector::start().await.unwrap();
    let items = json!([event(seed_payload()), event(seed_payload())]);
    let (status, body) = post(
        format!("{}/api/batch", collector.url()),
        &items.to_string(),
        &[("user-agent", "curl/8.5.0")],
    )
    .await;
    assert_eq!(status, 200);
    // `cache ??= undefined`: JSON.stringify leaves the key out.
    assert_eq!(body, r#"{"size":2,"processed":2,"errors":0,"details":[]}"#);
    assert!(collector.hits().is_empty());
}

#[tokio::test]
async fn batch_with_only_rejected_items_has_a_null_cache() {
    let collector = Collector::start().await.unwrap();
    let items = json!([payload_with("website", json!("x"))]);
    let (_, body) = post(
        format!("{}/api/batch", collector.url()),
        &items.to_string(),
        &[],
    )
    .await;
    assert_eq!(
        body,
        format!(
            r#"{{"size":1,"processed":0,"errors":1,"details":[{{"index":0,"response":{}}}],"cache":null}}"#,
            field_error("website", "Invalid UUID")
        )
    );
}

/// Servers after 3.1.0 cap a batch at 500 items; `max_batch_items` emulates them.
#[tokio::test]
async fn batch_over_500_items_is_rejected() {
    let collector = Collector::builder()
        .max_batch_items(umami_test::MAX_BATCH_ITEMS)
        .start()
        .await
        .unwrap();
    let items = Value::Array(vec![event(seed_payload()); 501]);
    let (status, body) = post(
        format!("{}/api/batch", collector.url()),
        &items.to_string(),
        &[],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        r#"{"error":{"message":"Bad request","code":"bad-request","status":400,"errors":["Too big: expected array to have <=500 items"]}}"#
    );
    assert!(collector.hits().is_empty());
}

/// Umami 3.1.0 stored all 501 items of a 501-item batch (recorded 091): so does the
/// collector by default.
#[tokio::test]
async fn batch_of_501_items_is_stored_by_default() {
    let collector = Collector::start().await.unwrap();
    let items = Value::Array(vec![event(seed_payload()); 501]);
    let (status, body) = post(
        format!("{}/api/batch", collector.url()),
        &items.to_string(),
        &[],
    )
    .await;
    assert_eq!(status, 200);
    let answer = parse(&body);
    assert_eq!(
        (&answer["size"], &answer["processed"], &answer["errors"]),
        (&json!(501), &json!(501), &json!(0))
    );
    assert_eq!(answer["details"], json!([]));
    assert_eq!(collector.hits().len(), 501);
}

#[tokio::test]
async fn batch_of_500_items_is_stored() {
    let collector = Collector::start().await.unwrap();
    let items = Value::Array(vec![event(seed_payload()); 500]);
    let (status, body) = post(
        format!("{}/api/batch", collector.url()),
        &items.to_string(),
        &[],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(parse(&body)["processed"], 500);
    assert_eq!(collector.hits().len(), 500);
}

#[tokio::test]
async fn batch_that_is_not_an_array_is_rejected() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = post(
        format!("{}/api/batch", collector.url()),
        &event(seed_payload()).to_string(),
        &[],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        r#"{"error":{"message":"Bad request","code":"bad-request","status":400,"errors":["Invalid input: expected array, received object"]}}"#
    );
}

#[tokio::test]
async fn batch_item_that_is_not_an_object_rejects_the_batch() {
    let collector = Collector::start().await.unwrap();
    let (status, body) = post(
        format!("{}/api/batch", collector.url()),
        r#"[{}, "x"]"#,
        &[],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        r#"{"error":{"message":"Bad request","code":"bad-request","status":400,"errors":[],"items":[null,{"errors":["Invalid input: expected record, received string"]}]}}"#
    );
}

#[tokio::test]
async fn get_on_batch_is_405() {
    let collector = Collector::start().await.unwrap();
    let response = get(format!("{}/api/batch", collector.url())).await;
    assert_eq!(response.status().as_u16(), 405);
}

#[tokio::test]
async fn old_server_without_batch_answers_404() {
    let collector = Collector::builder().without_batch().start().await.unwrap();
    let (status, _) = post(format!("{}/api/batch", collector.url()), "[]", &[]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn heartbeat_answers_ok() {
    let collector = Collector::start().await.unwrap();
    let response = get(format!("{}/api/heartbeat", collector.url())).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text().await.unwrap(), r#"{"ok":true}"#);
}

#[tokio::test]
async fn requests_record_rejected_ones_with_their_answer() {
    let collector = Collector::start().await.unwrap();
    send(
        &collector,
        &payload_with("website", json!("nope")),
        &[("user-agent", "curl/8.5.0")],
    )
    .await;
    let requests = collector.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!((request.method(), request.path()), ("POST", "/api/send"));
    assert_eq!(request.user_agent(), Some("curl/8.5.0"));
    assert_eq!(request.json(), Some(payload_with("website", json!("nope"))));
    assert_eq!(request.status(), 400);
    assert_eq!(
        request.response_body(),
        field_error("website", "Invalid UUID")
    );
    assert!(collector.hits().is_empty());
}

#[tokio::test]
async fn wait_for_hits_returns_once_enough_are_stored() {
    let collector = Collector::start().await.unwrap();
    let url = collector.url().to_owned();
    let body = event(seed_payload()).to_string();
    let sender = tokio::spawn(async move {
        for _ in 0..3 {
            post(format!("{url}/api/send"), &body, &[]).await;
        }
    });
    let hits = collector.wait_for_hits(3, WAIT).await.unwrap();
    assert_eq!(hits.len(), 3);
    sender.await.unwrap();
}

#[tokio::test]
async fn wait_for_hits_reports_what_arrived_when_time_runs_out() {
    let collector = Collector::start().await.unwrap();
    send(&collector, &event(seed_payload()), &[]).await;
    let err = collector
        .wait_for_hits(2, Duration::from_millis(50))
        .await
        .unwrap_err();
    assert_eq!(err.hits().len(), 1);
    assert!(
        err.to_string()
            .contains("for 2 hits, the collector stored 1"),
        "{err}"
    );
}

#[tokio::test]
async fn clear_forgets_hits_and_requests() {
    let collector = Collector::start().await.unwrap();
    send(&collector, &event(seed_payload()), &[]).await;
    collector.clear();
    assert!(collector.hits().is_empty());
    assert!(collector.requests().is_empty());
}

#[tokio::test]
async fn shutdown_stops_listening() {
    let collector = Collector::start().await.unwrap();
    let url = format!("{}/api/send", collector.url());
    collector.shutdown().await;
    let result = http().post(url).body("{}").send().await;
    assert!(result.is_err(), "{result:?}");
}

#[tokio::test]
async fn client_sends_the_seed_example_and_the_collector_stores_it() {
    let collector = Collector::start().await.unwrap();
    let client = collector
        .client_builder()
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap();
    let response = client
        .new_event("Purchase-Course")
        .url("/checkout")
        .custom_data(json!({"plan": "pro"}))
        .send()
        .await
        .unwrap();
    let hits = collector.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].body(), &event(seed_payload()));
    assert_eq!(hits[0].user_agent_header(), Some(umami::DEFAULT_USER_AGENT));
    assert_eq!(response.session_id(), Some(hits[0].session_id()));
    assert_eq!(response.visit_id(), Some(hits[0].visit_id()));
}

#[tokio::test]
async fn client_reports_an_unknown_website_with_the_server_message() {
    let collector = Collector::builder()
        .website(WEBSITE_ID)
        .start()
        .await
        .unwrap();
    let client = collector
        .client_builder()
        .website_id(OTHER_WEBSITE)
        .hostname("example.com")
        .build()
        .unwrap();
    let err = client.new_event("Signup").send().await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(err.to_string().contains("Website not found."), "{err}");
}

#[tokio::test]
async fn injected_failures_answer_the_next_requests_then_stop() {
    let collector = Collector::start().await.unwrap();
    collector.fail_next(2, 500);
    let (first, body) = send(&collector, &event(seed_payload()), &[]).await;
    let (second, _) = send(&collector, &event(seed_payload()), &[]).await;
    let (third, _) = send(&collector, &event(seed_payload()), &[]).await;
    assert_eq!((first, second, third), (500, 500, 200));
    assert_eq!(
        body,
        r#"{"error":{"message":"Server error","code":"server-error","status":500}}"#
    );
    assert_eq!(collector.hits().len(), 1);
    assert_eq!(collector.requests().len(), 3);
}

#[tokio::test]
async fn injected_proxy_failure_has_an_empty_body() {
    let collector = Collector::start().await.unwrap();
    collector.fail_next(1, 503);
    let (status, body) = post(format!("{}/api/batch", collector.url()), "[]", &[]).await;
    assert_eq!((status, body.as_str()), (503, ""));
}

#[tokio::test]
async fn delayed_answers_make_a_short_client_timeout_fire() {
    let collector = Collector::start().await.unwrap();
    collector.set_delay(Duration::from_secs(5));
    let client = collector
        .client_builder()
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = client.new_event("Signup").send().await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}
