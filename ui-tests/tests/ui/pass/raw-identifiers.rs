//! `r#type` is the key `type` and the placeholder `{type}`; raw type names are unrawed.
use serde_json::{Value, json};
use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(url = "/{type}/{r#match}")]
#[expect(non_camel_case_types, reason = "raw identifiers are the point of this case")]
struct r#async {
    r#type: &'static str,
    r#match: u8,
}

fn main() {
    let event = r#async { r#type: "video", r#match: 1 };
    assert_eq!(event.event_name(), "async");
    assert_eq!(event.url(), "/video/1");
    assert_eq!(Value::Object(event.custom_data().unwrap()), json!({"type": "video", "match": 1}));
}
