//! Every struct and field key at once.
use serde_json::{Value, json};
use umami::UmamiEvent;

#[derive(serde::Serialize)]
struct Utm {
    utm_source: &'static str,
}

#[derive(UmamiEvent)]
#[umami(
    name = "Purchase-Course",
    url = "/courses/{course}/checkout",
    title = "Buy {course}",
    rename_all = "camelCase"
)]
struct PurchaseCourse {
    course: String,
    #[umami(rename = "priceCents")]
    price: u32,
    coupon_code: Option<String>,
    #[umami(distinct_id)]
    user_id: u64,
    #[umami(skip)]
    internal: Vec<u8>,
    #[umami(flatten)]
    utm: Utm,
}

fn main() {
    let event = PurchaseCourse {
        course: "rust-101".into(),
        price: 4900,
        coupon_code: None,
        user_id: 42,
        internal: vec![1],
        utm: Utm { utm_source: "mail" },
    };
    assert_eq!(event.internal.len(), 1);
    assert_eq!(event.event_name(), "Purchase-Course");
    assert_eq!(event.url(), "/courses/rust-101/checkout");
    assert_eq!(event.title().as_deref(), Some("Buy rust-101"));
    assert_eq!(event.distinct_id().unwrap().as_str(), "42");
    assert_eq!(
        Value::Object(event.custom_data().unwrap()),
        json!({"course": "rust-101", "priceCents": 4900, "utm_source": "mail"})
    );
}
