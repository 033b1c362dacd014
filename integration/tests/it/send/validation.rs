//! Every bad input is a typed `Error::Validation` naming the field and the problem (with the
//! limit), raised before any I/O: the wiremock server must not see a single request.
//! Also: disabled mode, which validates but sends nothing.

use crate::send_support;

use std::time::{Duration, UNIX_EPOCH};

use send_support::*;
use serde_json::json;
use wiremock::MockServer;

/// A server that fails the test (on drop) if any request reaches it.
async fn silent_server() -> MockServer {
    let server = MockServer::start().await;
    refuse_everything(&server).await;
    server
}

async fn assert_no_request(server: &MockServer) {
    let received = server.received_requests().await.unwrap();
    assert!(
        received.is_empty(),
        "requests reached the server: {received:?}"
    );
}

/// Sends `hit` (built on a client of a silent server) and returns its validation error.
macro_rules! rejected {
    (|$client:ident| $hit:expr) => {{
        let server = silent_server().await;
        let $client = client(&server);
        let err = validation($hit.send().await);
        assert_no_request(&server).await;
        err
    }};
}

fn assert_problem(err: &umami::ValidationError, field: &str, problem: &str) {
    assert_eq!(err.field(), field, "{err}");
    assert_eq!(err.problem(), problem, "{err}");
}

const LEADING_CHAR_RULE: &str = "(this crate's CSV-injection guard refuses a leading `=`, `+`, `-`, `@`, tab or carriage \
     return; Umami 3.1 itself accepts them)";

// ---- event name ----

#[tokio::test]
async fn blank_event_name_is_rejected() {
    let err = rejected!(|c| c.new_event("   "));
    assert_problem(&err, "event_name", "must not be empty or blank");
}

#[tokio::test]
async fn empty_event_name_is_rejected() {
    let err = rejected!(|c| c.new_event(""));
    assert_problem(&err, "event_name", "must not be empty or blank");
}

#[tokio::test]
async fn event_name_of_51_chars_is_rejected() {
    let err = rejected!(|c| c.new_event("n".repeat(51)));
    assert_problem(
        &err,
        "event_name",
        "51 UTF-16 code units, at most 50 allowed",
    );
}

#[tokio::test]
async fn event_name_limit_counts_characters_not_bytes() {
    let err = rejected!(|c| c.new_event("é".repeat(51)));
    assert_problem(
        &err,
        "event_name",
        "51 UTF-16 code units, at most 50 allowed",
    );
}

#[tokio::test]
async fn event_name_with_leading_equals_sign_is_rejected() {
    let err = rejected!(|c| c.new_event("=HYPERLINK(\"x\")"));
    assert_problem(
        &err,
        "event_name",
        &format!("must not start with '=' {LEADING_CHAR_RULE}"),
    );
}

#[tokio::test]
async fn event_name_with_leading_plus_minus_at_tab_or_cr_is_rejected() {
    for (name, shown) in [
        ("+1", "'+'"),
        ("-x", "'-'"),
        ("@me", "'@'"),
        ("\tx", "'\\t'"),
        ("\rx", "'\\r'"),
    ] {
        let err = rejected!(|c| c.new_event(name));
        assert_problem(
            &err,
            "event_name",
            &format!("must not start with {shown} {LEADING_CHAR_RULE}"),
        );
    }
}

#[tokio::test]
async fn revenue_event_name_is_validated_too() {
    let err = rejected!(|c| c.new_revenue_event(1.0, "USD").event_name(" "));
    assert_problem(&err, "event_name", "must not be empty or blank");
}

// ---- website id and hostname ----

#[tokio::test]
async fn missing_website_id_is_rejected() {
    let server = silent_server().await;
    let client = umami::Client::builder()
        .url_base(server.uri())
        .hostname(HOST)
        .build()
        .unwrap();
    let err = validation(client.new_event("Signup").send().await);
    assert_problem(
        &err,
        "website_id",
        "is required: pass it here or set a default with website_id() on the client builder \
         (or umami::set_website_id())",
    );
    assert_no_request(&server).await;
}

#[tokio::test]
async fn website_id_that_is_not_a_uuid_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").website_id("my-website"));
    assert_problem(
        &err,
        "website_id",
        "\"my-website\" is not a UUID (expected the form 978435e2-7ba1-4337-9860-ec31ece2db60)",
    );
}

#[tokio::test]
async fn website_id_without_hyphens_is_rejected() {
    let err = rejected!(|c| c
        .new_event("Signup")
        .website_id("978435e27ba1433798600ec31ece2db60"));
    assert_eq!(err.field(), "website_id");
}

#[test]
fn client_builder_rejects_a_default_website_id_that_is_not_a_uuid() {
    let err = umami::Client::builder()
        .url_base("https://umami.example.com")
        .website_id("nope")
        .build()
        .unwrap_err();
    match err {
        umami::Error::Validation(v) => assert_eq!(v.field(), "website_id"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn missing_hostname_is_rejected() {
    let server = silent_server().await;
    let client = umami::Client::builder()
        .url_base(server.uri())
        .website_id(WEBSITE_ID)
        .build()
        .unwrap();
    let err = validation(client.new_event("Signup").send().await);
    assert_problem(
        &err,
        "hostname",
        "is required: pass it here or set a default with hostname() on the client builder \
         (or umami::set_hostname())",
    );
    assert_no_request(&server).await;
}

#[tokio::test]
async fn blank_hostname_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").hostname(" "));
    assert_problem(&err, "hostname", "must not be empty or blank");
}

#[tokio::test]
async fn hostname_of_101_chars_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").hostname("h".repeat(101)));
    assert_problem(
        &err,
        "hostname",
        "101 UTF-16 code units, at most 100 allowed",
    );
}

// ---- other payload keys ----

#[tokio::test]
async fn language_of_36_chars_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").language("l".repeat(36)));
    assert_problem(&err, "language", "36 UTF-16 code units, at most 35 allowed");
}

#[tokio::test]
async fn screen_of_12_chars_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").screen("123456x12345"));
    assert_problem(&err, "screen", "12 UTF-16 code units, at most 11 allowed");
}

#[tokio::test]
async fn tag_of_51_chars_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").tag("t".repeat(51)));
    assert_problem(&err, "tag", "51 UTF-16 code units, at most 50 allowed");
}

#[tokio::test]
async fn tag_with_leading_at_sign_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").tag("@cmd"));
    assert_problem(
        &err,
        "tag",
        &format!("must not start with '@' {LEADING_CHAR_RULE}"),
    );
}

#[tokio::test]
async fn distinct_id_of_51_chars_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").distinct_id("d".repeat(51)));
    assert_problem(
        &err,
        "distinct_id",
        "51 characters (code points), at most 50 allowed (Umami stores it in a varchar(50) column)",
    );
}

#[tokio::test]
async fn distinct_id_limit_applies_after_trimming() {
    // 50 chars once trimmed: accepted, so the server must see it.
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let id = format!("  {}  ", "d".repeat(50));
    client(&server)
        .new_event("Signup")
        .distinct_id(id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with("Signup", json!({"id": "d".repeat(50)}))
    );
}

#[tokio::test]
async fn url_that_is_not_a_url_nor_a_path_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").url("http://[::1"));
    assert_problem(
        &err,
        "url",
        "\"http://[::1\" is neither a URL nor a path (invalid IPv6 address)",
    );
}

#[tokio::test]
async fn referrer_that_is_not_a_url_nor_a_path_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").referrer("https://exa mple.com/"));
    assert_eq!(err.field(), "referrer");
    assert!(
        err.problem()
            .starts_with("\"https://exa mple.com/\" is neither a URL nor a path"),
        "{err}"
    );
}

#[tokio::test]
async fn page_view_url_is_validated() {
    let err = rejected!(|c| c.new_page_view("Home", "http://[::1"));
    assert_eq!(err.field(), "url");
}

#[tokio::test]
async fn invalid_ip_address_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").ip_address("not-an-ip"));
    assert_problem(
        &err,
        "ip_address",
        "\"not-an-ip\" is not an IPv4 or IPv6 address",
    );
}

#[tokio::test]
async fn timestamp_before_the_epoch_is_rejected() {
    let err = rejected!(|c| c
        .new_event("Signup")
        .timestamp(UNIX_EPOCH - Duration::from_secs(1)));
    assert_problem(&err, "timestamp", "is before 1970-01-01 (Unix epoch)");
}

// ---- custom data ----

#[tokio::test]
async fn custom_data_that_is_an_array_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").custom_data(json!(["plan", "pro"])));
    assert_problem(
        &err,
        "custom_data",
        "must serialize to a JSON object, got an array",
    );
}

#[tokio::test]
async fn custom_data_that_is_a_string_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").custom_data("plan=pro"));
    assert_problem(
        &err,
        "custom_data",
        "must serialize to a JSON object, got a string",
    );
}

#[tokio::test]
async fn custom_data_that_is_a_number_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").custom_data(42));
    assert_problem(
        &err,
        "custom_data",
        "must serialize to a JSON object, got a number",
    );
}

#[tokio::test]
async fn custom_data_that_is_a_bool_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").custom_data(true));
    assert_problem(
        &err,
        "custom_data",
        "must serialize to a JSON object, got a boolean",
    );
}

#[tokio::test]
async fn custom_data_that_cannot_be_serialized_is_rejected() {
    let data = std::collections::BTreeMap::from([((1, 2), "pair keys are not JSON keys")]);
    let err = rejected!(|c| c.new_event("Signup").custom_data(&data));
    assert_problem(
        &err,
        "custom_data",
        "could not be serialized: key must be a string",
    );
}

#[tokio::test]
async fn revenue_custom_data_that_is_not_an_object_is_rejected() {
    let err = rejected!(|c| c.new_revenue_event(1.0, "USD").custom_data([1, 2]));
    assert_problem(
        &err,
        "custom_data",
        "must serialize to a JSON object, got an array",
    );
}

#[tokio::test]
async fn identify_data_that_is_not_an_object_names_the_data_field() {
    let err = rejected!(|c| c.identify("user-1").data("pro"));
    assert_problem(
        &err,
        "data",
        "must serialize to a JSON object, got a string",
    );
}

#[tokio::test]
async fn custom_data_key_of_501_chars_is_rejected() {
    let key = "k".repeat(501);
    let err = rejected!(|c| c.new_event("Signup").custom_data(json!({ key.clone(): 1 })));
    assert_problem(
        &err,
        "custom_data",
        &format!(
            "key {key:?} has 501 characters (code points), at most 500 allowed (Umami stores it in a varchar(500) column)"
        ),
    );
}

#[tokio::test]
async fn nested_custom_data_key_counts_the_flattened_path() {
    let inner = "i".repeat(250);
    let outer = "o".repeat(250);
    // "ooo…" + "." + "iii…" = 501 chars once Umami flattens it.
    let err = rejected!(|c| c
        .new_event("Signup")
        .custom_data(json!({ outer.clone(): { inner.clone(): "x" } })));
    assert_problem(
        &err,
        "custom_data",
        &format!(
            "key \"{outer}.{inner}\" has 501 characters (code points), at most 500 allowed (Umami stores it in a varchar(500) column)"
        ),
    );
}

#[tokio::test]
async fn custom_data_string_value_of_501_chars_is_rejected() {
    let err = rejected!(|c| c
        .new_event("Signup")
        .custom_data(json!({"note": "v".repeat(501)})));
    assert_problem(
        &err,
        "custom_data",
        "value of \"note\" has 501 characters (code points), at most 500 allowed (Umami stores it in a varchar(500) column)",
    );
}

#[tokio::test]
async fn custom_data_number_beyond_decimal_19_4_is_rejected() {
    let err = rejected!(|c| c.new_event("Signup").custom_data(json!({"amount": 1e15})));
    assert_problem(
        &err,
        "custom_data",
        "value of \"amount\" is 1000000000000000.0: Umami stores numbers as DECIMAL(19,4), so \
         its magnitude must be below 10^15",
    );
}

// ---- revenue ----

#[tokio::test]
async fn negative_revenue_is_rejected() {
    let err = rejected!(|c| c.new_revenue_event(-1.0, "USD"));
    assert_problem(&err, "revenue", "-1 is not a finite number >= 0");
}

#[tokio::test]
async fn nan_revenue_is_rejected() {
    let err = rejected!(|c| c.new_revenue_event(f64::NAN, "USD"));
    assert_problem(&err, "revenue", "NaN is not a finite number >= 0");
}

#[tokio::test]
async fn infinite_revenue_is_rejected() {
    let err = rejected!(|c| c.new_revenue_event(f64::INFINITY, "USD"));
    assert_problem(&err, "revenue", "inf is not a finite number >= 0");
}

#[tokio::test]
async fn blank_currency_is_rejected() {
    let err = rejected!(|c| c.new_revenue_event(9.99, " "));
    assert_problem(&err, "currency", "must not be empty or blank");
}

// ---- identify ----

#[tokio::test]
async fn identify_with_a_blank_distinct_id_is_rejected() {
    let err = rejected!(|c| c.identify("  "));
    assert_problem(
        &err,
        "distinct_id",
        "must not be empty or blank: identify ties the session to this id",
    );
}

// ---- limits are inclusive ----

#[tokio::test]
async fn values_exactly_at_the_limits_are_sent() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    client(&server)
        .new_event("n".repeat(50))
        .hostname("h".repeat(100))
        .language("l".repeat(35))
        .screen("12345x12345")
        .tag("t".repeat(50))
        .distinct_id("d".repeat(50))
        .custom_data(json!({ "k".repeat(500): "v".repeat(500), "max": 999_999_999_999_999_u64 }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_with(
            &"n".repeat(50),
            json!({
                "hostname": "h".repeat(100),
                "language": "l".repeat(35),
                "screen": "12345x12345",
                "tag": "t".repeat(50),
                "id": "d".repeat(50),
                "data": { "k".repeat(500): "v".repeat(500), "max": 999_999_999_999_999_u64 },
            })
        )
    );
}

#[tokio::test]
async fn validation_error_displays_field_and_problem() {
    let err = rejected!(|c| c.new_event("n".repeat(51)));
    assert_eq!(
        umami::Error::Validation(err).to_string(),
        "invalid `event_name`: 51 UTF-16 code units, at most 50 allowed"
    );
}

// ---- disabled mode ----

#[tokio::test]
async fn disabled_client_sends_nothing_and_says_so() {
    let server = silent_server().await;
    let client = client(&server);
    client.disable();
    assert!(!client.is_enabled());
    let resp = client.new_event("Signup").send().await.unwrap();
    assert!(resp.is_disabled());
    assert_eq!(resp.json(), &json!({}));
    assert_eq!(
        (resp.cache(), resp.session_id(), resp.visit_id()),
        (None, None, None)
    );
    assert_no_request(&server).await;
}

#[tokio::test]
async fn client_built_with_enabled_false_sends_nothing() {
    let server = silent_server().await;
    let client = builder(&server).enabled(false).build().unwrap();
    assert!(!client.is_enabled());
    for resp in [
        client.new_event("Signup").send().await.unwrap(),
        client.new_page_view("Home", "/").send().await.unwrap(),
        client.new_revenue_event(1.0, "USD").send().await.unwrap(),
        client.identify("user-1").send().await.unwrap(),
    ] {
        assert!(resp.is_disabled());
    }
    assert_no_request(&server).await;
}

#[tokio::test]
async fn disabled_client_still_validates_inputs() {
    let server = silent_server().await;
    let client = builder(&server).enabled(false).build().unwrap();
    let err = validation(client.new_event("n".repeat(51)).send().await);
    assert_problem(
        &err,
        "event_name",
        "51 UTF-16 code units, at most 50 allowed",
    );
    let err = validation(client.new_revenue_event(-5.0, "USD").send().await);
    assert_eq!(err.field(), "revenue");
    assert_no_request(&server).await;
}

#[tokio::test]
async fn disabled_client_still_requires_website_id_and_hostname() {
    let server = silent_server().await;
    let client = umami::Client::builder()
        .url_base(server.uri())
        .enabled(false)
        .build()
        .unwrap();
    let err = validation(client.new_event("Signup").send().await);
    assert_eq!(err.field(), "website_id");
    let err = validation(
        client
            .new_event("Signup")
            .website_id(WEBSITE_ID)
            .send()
            .await,
    );
    assert_eq!(err.field(), "hostname");
    assert_no_request(&server).await;
}

#[tokio::test]
async fn disabling_a_clone_disables_every_clone() {
    let server = silent_server().await;
    let original = client(&server);
    let clone = original.clone();
    clone.disable();
    assert!(!original.is_enabled());
    assert!(
        original
            .new_event("Signup")
            .send()
            .await
            .unwrap()
            .is_disabled()
    );
    assert_no_request(&server).await;
}

#[tokio::test]
async fn enabling_again_sends_through_every_clone() {
    let server = MockServer::start().await;
    accept_sends(&server, 1).await;
    let original = builder(&server).enabled(false).build().unwrap();
    let clone = original.clone();
    original.enable();
    assert!(clone.is_enabled());
    let resp = clone.new_event("Signup").send().await.unwrap();
    assert!(!resp.is_disabled());
    assert_eq!(sent_body(&server).await, default_event("Signup"));
}

#[tokio::test]
async fn disabled_send_hit_sends_nothing() {
    let server = silent_server().await;
    let client = client(&server);
    let hit = client.new_event("Signup").prepare().unwrap();
    client.disable();
    assert!(client.send_hit(&hit).await.unwrap().is_disabled());
    assert_no_request(&server).await;
}

#[tokio::test]
async fn prepare_validates_without_any_request() {
    let server = silent_server().await;
    let client = client(&server);
    let err = client
        .new_event("Signup")
        .language("l".repeat(36))
        .prepare()
        .unwrap_err();
    match err {
        umami::Error::Validation(v) => assert_eq!(v.field(), "language"),
        other => panic!("{other:?}"),
    }
    assert_no_request(&server).await;
}

#[tokio::test]
async fn cache_token_unusable_as_a_header_is_rejected() {
    let server = silent_server().await;
    let client = client(&server);
    let hit = client.new_event("Signup").prepare().unwrap();
    let err = validation(client.send_hit_with_cache(&hit, Some("bad\ntoken")).await);
    assert_problem(
        &err,
        "cache",
        "must be visible ASCII text usable as a header",
    );
    assert_no_request(&server).await;
}
