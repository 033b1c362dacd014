//! The code `#[derive(UmamiEvent)]` generates compiles without a warning under strict lints
//! in user code: `cargo test` checks the rustc lints, `cargo clippy --all-targets` the
//! clippy ones (as thiserror's `test_lints.rs`).
#![deny(
    warnings,
    missing_docs,
    unused_qualifications,
    unreachable_pub,
    rust_2018_idioms,
    clippy::all,
    clippy::pedantic
)]

use serde::Serialize;
use serde_json::{Value, json};
use umami::UmamiEvent;

/// Nested data for `flatten`.
#[derive(Serialize)]
struct Utm {
    source: &'static str,
}

/// Every struct feature at once.
#[derive(UmamiEvent)]
#[umami(
    name = "Purchase-Course",
    url = "/courses/{course}/{{x}}",
    title = "Buy {course}",
    rename_all = "camelCase"
)]
struct Purchase<'a, T> {
    course: &'a str,
    #[umami(rename = "priceCents")]
    price_cents: u32,
    coupon: Option<T>,
    #[umami(distinct_id)]
    user_id: u64,
    #[umami(skip)]
    internal: u8,
    #[umami(flatten)]
    utm: Utm,
    r#type: &'a str,
}

/// Every enum variant kind, with inherited and overridden attributes.
#[derive(UmamiEvent)]
#[umami(url = "/app/{page}", title = "{page}", rename_all = "kebab-case")]
enum AppEvent<'a> {
    /// Unit.
    #[umami(url = "/", title = "Opened")]
    Opened,
    /// Struct-like, inheriting url and title.
    Viewed {
        page: &'a str,
        scroll_depth: u8,
        #[umami(distinct_id)]
        user: String,
    },
    /// Newtype.
    Purchase(Purchase<'a, String>),
}

/// A unit struct.
#[derive(UmamiEvent)]
struct Started;

#[test]
fn generated_code_is_lint_clean_and_works() {
    let purchase = Purchase::<String> {
        course: "rust-101",
        price_cents: 4900,
        coupon: None,
        user_id: 7,
        internal: 0,
        utm: Utm { source: "mail" },
        r#type: "course",
    };
    assert_eq!(purchase.internal, 0);
    assert_eq!(purchase.url(), "/courses/rust-101/{x}");
    assert_eq!(purchase.title().as_deref(), Some("Buy rust-101"));
    assert_eq!(
        Value::Object(purchase.custom_data().unwrap()),
        json!({"course": "rust-101", "priceCents": 4900, "source": "mail", "type": "course"})
    );
    let viewed = AppEvent::Viewed {
        page: "home",
        scroll_depth: 50,
        user: "u".into(),
    };
    assert_eq!(viewed.url(), "/app/home");
    assert_eq!(viewed.title().as_deref(), Some("home"));
    assert_eq!(viewed.distinct_id().unwrap().as_str(), "u");
    assert_eq!(AppEvent::Opened.url(), "/");
    assert_eq!(AppEvent::Purchase(purchase).event_name(), "Purchase-Course");
    assert_eq!(Started.event_name(), "Started");
}
