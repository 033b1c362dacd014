//! `#[derive(UmamiEvent)]` on enums: each variant kind, and what the enum's attributes pass
//! on to its variants, checked on the exact body a real HTTP server receives.

use crate::derive_support;

use derive_support::{client, event_body, event_body_with_id, sent_body, umami};
use serde_json::json;
use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(name = "Purchase-Course", url = "/checkout")]
struct PurchaseCourse {
    plan: &'static str,
    #[umami(distinct_id)]
    user_id: u64,
}

#[derive(UmamiEvent)]
#[umami(url = "/app", rename_all = "camelCase")]
enum AppEvent {
    /// Unit variant, named after itself.
    Opened,
    /// Unit variant with its own name.
    #[umami(name = "app-closed")]
    Closed,
    /// Struct variant: inherits the url and `rename_all`.
    #[umami(name = "search")]
    Searched {
        query_text: String,
        result_count: u32,
    },
    /// Struct variant with its own url (placeholders from its fields) and `rename_all`.
    #[umami(
        name = "lesson",
        url = "/lessons/{lesson_id}",
        rename_all = "kebab-case"
    )]
    Lesson {
        lesson_id: u32,
        watched_seconds: u32,
        #[umami(distinct_id)]
        user: String,
    },
    /// Newtype variant: the wrapped event, sent as is.
    Purchase(PurchaseCourse),
}

#[tokio::test]
async fn unit_variant_is_named_after_the_variant_and_has_empty_data() {
    let server = umami(1).await;
    AppEvent::Opened.send(&client(&server)).await.unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body("Opened", "/app", "Opened", json!({}))
    );
}

#[tokio::test]
async fn unit_variant_with_a_name_uses_it() {
    let server = umami(1).await;
    AppEvent::Closed.send(&client(&server)).await.unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body("app-closed", "/app", "app-closed", json!({}))
    );
}

#[tokio::test]
async fn struct_variant_sends_its_fields_with_the_enum_rename_all_and_url() {
    let server = umami(1).await;
    AppEvent::Searched {
        query_text: "rust".into(),
        result_count: 3,
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body(
            "search",
            "/app",
            "search",
            json!({"queryText": "rust", "resultCount": 3})
        )
    );
}

#[tokio::test]
async fn variant_url_rename_all_and_distinct_id_override_the_enum() {
    let server = umami(1).await;
    AppEvent::Lesson {
        lesson_id: 12,
        watched_seconds: 300,
        user: "u-9".into(),
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body_with_id(
            "lesson",
            "/lessons/12",
            "lesson",
            json!({"lesson-id": 12, "watched-seconds": 300}),
            "u-9"
        )
    );
}

#[tokio::test]
async fn newtype_variant_sends_the_wrapped_event() {
    let server = umami(1).await;
    AppEvent::Purchase(PurchaseCourse {
        plan: "pro",
        user_id: 42,
    })
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body_with_id(
            "Purchase-Course",
            "/checkout",
            "Purchase-Course",
            json!({"plan": "pro"}),
            "42"
        )
    );
}

#[derive(UmamiEvent)]
#[umami(url = "/shop/{sku}", title = "Shop: {sku}")]
enum Shop {
    #[umami(name = "add-to-cart")]
    AddToCart { sku: &'static str, quantity: u16 },
    #[umami(name = "remove-from-cart", title = "Removed")]
    RemoveFromCart { sku: &'static str },
}

#[tokio::test]
async fn enum_url_and_title_placeholders_are_filled_from_the_variant_fields() {
    let server = umami(1).await;
    Shop::AddToCart {
        sku: "mug-1",
        quantity: 2,
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body(
            "add-to-cart",
            "/shop/mug-1",
            "Shop: mug-1",
            json!({"sku": "mug-1", "quantity": 2})
        )
    );
}

#[tokio::test]
async fn variant_title_overrides_the_enum_title() {
    let server = umami(1).await;
    Shop::RemoveFromCart { sku: "mug-1" }
        .send(&client(&server))
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body(
            "remove-from-cart",
            "/shop/mug-1",
            "Removed",
            json!({"sku": "mug-1"})
        )
    );
}

#[derive(UmamiEvent)]
enum Generic<T, E> {
    #[umami(name = "value")]
    Value {
        value: T,
    },
    Wrapped(E),
}

#[tokio::test]
async fn generic_enum_sends_its_data() {
    let server = umami(1).await;
    Generic::<_, PurchaseCourse>::Value {
        value: vec!["a", "b"],
    }
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body("value", "/", "value", json!({"value": ["a", "b"]}))
    );
}

#[tokio::test]
async fn generic_newtype_variant_sends_the_wrapped_event() {
    let server = umami(1).await;
    Generic::<(), _>::Wrapped(PurchaseCourse {
        plan: "team",
        user_id: 5,
    })
    .send(&client(&server))
    .await
    .unwrap();
    assert_eq!(
        sent_body(&server).await,
        event_body_with_id(
            "Purchase-Course",
            "/checkout",
            "Purchase-Course",
            json!({"plan": "team"}),
            "5"
        )
    );
}

#[tokio::test]
async fn new_event_on_a_variant_keeps_the_variant_and_applies_overrides() {
    let server = umami(1).await;
    AppEvent::Opened
        .new_event(&client(&server))
        .url("/override")
        .referrer("https://example.org/")
        .send()
        .await
        .unwrap();
    let mut expected = event_body("Opened", "/override", "Opened", json!({}));
    expected["payload"]["referrer"] = json!("https://example.org/");
    assert_eq!(sent_body(&server).await, expected);
}
