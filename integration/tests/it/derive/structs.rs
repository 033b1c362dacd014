//! `#[derive(UmamiEvent)]` on structs: the exact body a real HTTP server receives.

use crate::derive_support;

use std::collections::HashMap;

use derive_support::{client, event_body, event_body_with_id, sent_body, umami};
use serde::Serialize;
use serde_json::json;
use umami::UmamiEvent;

#[derive(UmamiEvent)]
struct Signup {
    plan: String,
    seats: u32,
    trial: bool,
}

#[tokio::test]
async fn plain_struct_sends_its_fields_as_data_under_the_type_name() {
    let server = umami(1).await;
    let event = Signup {
        plan: "pro".into(),
        seats: 3,
        trial: true,
    };
    event.send(&client(&server)).await.unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body(
            "Signup",
            "/",
            "Signup",
            json!({"plan": "pro", "seats": 3, "trial": true})
        )
    );
}

#[tokio::test]
async fn send_returns_the_server_answer() {
    let server = umami(1).await;
    let event = Signup {
        plan: "pro".into(),
        seats: 1,
        trial: false,
    };
    let resp = event.send(&client(&server)).await.unwrap();
    // What the shared mock answers (`send_support::v3_ok`).
    assert_eq!(
        resp.session_id(),
        Some("5f0b8c2a-0000-4000-8000-000000000001")
    );
    assert_eq!(
        resp.visit_id(),
        Some("5f0b8c2a-0000-4000-8000-000000000002")
    );
    assert_eq!(resp.cache(), Some("cache-token"));
}

#[derive(UmamiEvent)]
#[umami(name = "Purchase-Course", url = "/checkout")]
struct PurchaseCourse {
    plan: String,
}

#[tokio::test]
async fn name_and_url_attributes_set_the_event_name_and_url() {
    let server = umami(1).await;
    PurchaseCourse { plan: "pro".into() }
        .send(&client(&server))
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body(
            "Purchase-Course",
            "/checkout",
            "Purchase-Course",
            json!({"plan": "pro"})
        )
    );
}

#[derive(UmamiEvent)]
struct Renamed {
    #[umami(rename = "priceCents")]
    price_cents: u32,
    currency: &'static str,
}

#[tokio::test]
async fn rename_sets_the_data_key() {
    let server = umami(1).await;
    Renamed {
        price_cents: 4900,
        currency: "EUR",
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body(
            "Renamed",
            "/",
            "Renamed",
            json!({"priceCents": 4900, "currency": "EUR"})
        )
    );
}

#[derive(UmamiEvent)]
#[umami(rename_all = "camelCase")]
struct CamelCased {
    course_id: u32,
    price_in_cents: u32,
    #[umami(rename = "cur")]
    currency_code: &'static str,
}

#[tokio::test]
async fn rename_all_applies_the_serde_case_and_rename_wins() {
    let server = umami(1).await;
    CamelCased {
        course_id: 7,
        price_in_cents: 100,
        currency_code: "USD",
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body(
            "CamelCased",
            "/",
            "CamelCased",
            json!({"courseId": 7, "priceInCents": 100, "cur": "USD"})
        )
    );
}

#[derive(UmamiEvent)]
#[umami(rename_all = "SCREAMING-KEBAB-CASE")]
struct Screaming {
    course_id: u32,
}

#[tokio::test]
async fn rename_all_screaming_kebab_case() {
    let server = umami(1).await;
    Screaming { course_id: 7 }
        .send(&client(&server))
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body("Screaming", "/", "Screaming", json!({"COURSE-ID": 7}))
    );
}

#[derive(UmamiEvent)]
struct WithSkip {
    plan: String,
    #[umami(skip)]
    #[expect(dead_code, reason = "a skipped field is never read")]
    internal: Vec<u8>,
}

#[tokio::test]
async fn skipped_field_is_not_sent() {
    let server = umami(1).await;
    WithSkip {
        plan: "free".into(),
        internal: vec![1, 2, 3],
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body("WithSkip", "/", "WithSkip", json!({"plan": "free"}))
    );
}

#[derive(UmamiEvent)]
struct WithOptions {
    coupon: Option<String>,
    referral: Option<String>,
}

#[tokio::test]
async fn option_none_is_left_out_and_some_is_sent() {
    let server = umami(1).await;
    WithOptions {
        coupon: None,
        referral: Some("friend".into()),
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body(
            "WithOptions",
            "/",
            "WithOptions",
            json!({"referral": "friend"})
        )
    );
}

#[derive(Serialize)]
struct Utm {
    utm_source: &'static str,
    utm_campaign: Option<&'static str>,
}

#[derive(UmamiEvent)]
struct Landing {
    page: &'static str,
    #[umami(flatten)]
    utm: Utm,
}

#[tokio::test]
async fn flatten_merges_the_nested_keys_into_the_data() {
    let server = umami(1).await;
    Landing {
        page: "home",
        utm: Utm {
            utm_source: "newsletter",
            utm_campaign: None,
        },
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body(
            "Landing",
            "/",
            "Landing",
            json!({"page": "home", "utm_source": "newsletter"})
        )
    );
}

#[derive(UmamiEvent)]
struct Login {
    method: &'static str,
    #[umami(distinct_id)]
    user_id: u64,
}

#[tokio::test]
async fn distinct_id_field_is_sent_as_the_payload_id_not_as_data() {
    let server = umami(1).await;
    Login {
        method: "password",
        user_id: 42,
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body_with_id("Login", "/", "Login", json!({"method": "password"}), "42")
    );
}

#[derive(UmamiEvent)]
struct LoginByName {
    #[umami(distinct_id)]
    user: String,
}

#[tokio::test]
async fn string_distinct_id_is_trimmed_and_sent() {
    let server = umami(1).await;
    LoginByName {
        user: "  user-7 ".into(),
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body_with_id("LoginByName", "/", "LoginByName", json!({}), "user-7")
    );
}

#[tokio::test]
async fn blank_distinct_id_is_not_sent() {
    let server = umami(1).await;
    LoginByName { user: "   ".into() }
        .send(&client(&server))
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body("LoginByName", "/", "LoginByName", json!({}))
    );
}

#[derive(UmamiEvent)]
#[umami(
    name = "view-lesson",
    url = "/courses/{course}/lessons/{lesson}?ref={{x}}"
)]
struct ViewLesson {
    course: &'static str,
    lesson: u32,
}

#[tokio::test]
async fn url_placeholders_are_filled_from_the_fields() {
    let server = umami(1).await;
    ViewLesson {
        course: "rust-101",
        lesson: 3,
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body(
            "view-lesson",
            "/courses/rust-101/lessons/3?ref={x}",
            "view-lesson",
            json!({"course": "rust-101", "lesson": 3})
        )
    );
}

#[derive(UmamiEvent)]
#[umami(name = "checkout", title = "Checkout of {plan}")]
struct Checkout {
    plan: &'static str,
}

#[tokio::test]
async fn title_attribute_sets_the_title_with_placeholders() {
    let server = umami(1).await;
    Checkout { plan: "pro" }
        .send(&client(&server))
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body("checkout", "/", "Checkout of pro", json!({"plan": "pro"}))
    );
}

#[derive(UmamiEvent)]
#[umami(name = "search", url = "/search/{scope}")]
struct Search<'a, T, S> {
    query: &'a str,
    filters: Vec<T>,
    scope: S,
    #[umami(distinct_id)]
    user: &'a str,
}

#[tokio::test]
async fn generic_struct_with_a_lifetime_sends_its_data() {
    let server = umami(1).await;
    let query = String::from("borrow checker");
    Search {
        query: &query,
        filters: vec![1_u8, 2],
        scope: 'd',
        user: "u-1",
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body_with_id(
            "search",
            "/search/d",
            "search",
            json!({"query": "borrow checker", "filters": [1, 2], "scope": "d"}),
            "u-1"
        )
    );
}

#[derive(UmamiEvent)]
#[umami(url = "/t/{type}")]
struct Raw {
    r#type: &'static str,
}

#[tokio::test]
async fn raw_identifiers_are_sent_unrawed() {
    let server = umami(1).await;
    Raw { r#type: "video" }
        .send(&client(&server))
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body("Raw", "/t/video", "Raw", json!({"type": "video"}))
    );
}

#[derive(UmamiEvent)]
struct AppStarted;

#[tokio::test]
async fn unit_struct_sends_empty_data() {
    let server = umami(1).await;
    AppStarted.send(&client(&server)).await.unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body("AppStarted", "/", "AppStarted", json!({}))
    );
}

#[tokio::test]
async fn new_event_overrides_apply() {
    let server = umami(1).await;
    let event = Login {
        method: "sso",
        user_id: 42,
    };
    event
        .new_event(&client(&server))
        .url("/elsewhere")
        .title("Custom title")
        .hostname("app.example.com")
        .distinct_id("override")
        .ip_address("203.0.113.7")
        .tag("beta")
        .send()
        .await
        .unwrap();
    let mut expected = event_body_with_id(
        "Login",
        "/elsewhere",
        "Custom title",
        json!({"method": "sso"}),
        "override",
    );
    expected["payload"]["hostname"] = json!("app.example.com");
    expected["payload"]["ip"] = json!("203.0.113.7");
    expected["payload"]["tag"] = json!("beta");
    assert_eq!(sent_body(&server).await, expected);
}

#[derive(UmamiEvent)]
struct Unserializable {
    pairs: HashMap<(u8, u8), u8>,
}

#[tokio::test]
async fn unserializable_field_is_a_validation_error_before_any_request() {
    let server = umami(0).await;
    let event = Unserializable {
        pairs: HashMap::from([((1, 2), 3)]),
    };
    let err = event.send(&client(&server)).await.unwrap_err();
    match err {
        umami::Error::Validation(v) => {
            assert_eq!(v.field(), "custom_data");
            assert!(
                v.problem()
                    .starts_with("field `pairs` could not be serialized:"),
                "{}",
                v.problem()
            );
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[derive(UmamiEvent)]
#[umami(url = "{target}")]
struct BadUrl {
    target: &'static str,
}

#[tokio::test]
async fn placeholder_value_making_a_bad_url_is_a_validation_error_on_url() {
    let server = umami(0).await;
    let err = BadUrl {
        target: "http://[::1",
    }
    .send(&client(&server))
    .await
    .unwrap_err();
    match err {
        umami::Error::Validation(v) => assert_eq!(v.field(), "url"),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn prepared_hit_carries_the_typed_data_as_built() {
    let client = umami::Client::builder()
        .url_base("http://127.0.0.1:9")
        .website_id(derive_support::WEBSITE_ID)
        .hostname("example.com")
        .build()
        .unwrap();
    let hit = Login {
        method: "password",
        user_id: 9,
    }
    .new_event(&client)
    .prepare()
    .unwrap();
    assert_eq!(hit.event_name(), Some("Login"));
    assert_eq!(hit.distinct_id(), Some("9"));
    assert_eq!(
        serde_json::Value::Object(hit.data().unwrap().clone()),
        json!({"method": "password"})
    );
}
