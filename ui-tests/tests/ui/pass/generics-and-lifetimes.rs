//! Type parameters get the bounds their fields need; lifetimes and where clauses are kept.
use std::fmt::Debug;

use serde_json::{Value, json};
use umami::UmamiEvent;

#[derive(UmamiEvent)]
#[umami(url = "/items/{id}")]
struct Viewed<'a, Id, Tags, User, const N: usize>
where
    Tags: Debug,
{
    id: Id,
    tags: Tags,
    label: &'a str,
    sizes: [u8; 2],
    #[umami(skip)]
    marker: [(); N],
    #[umami(distinct_id)]
    user: User,
}

#[derive(UmamiEvent)]
enum Wrapper<E> {
    Inner(E),
    Nothing,
}

fn main() {
    let _ = std::mem::size_of::<Viewed<'_, u8, Vec<u8>, u8, 3>>();
    let event = Viewed { id: 7_u32, tags: vec!["a"], label: "x", sizes: [1, 2], marker: [(); 1], user: "u-1" };
    assert_eq!(event.url(), "/items/7");
    assert_eq!(
        Value::Object(event.custom_data().unwrap()),
        json!({"id": 7, "tags": ["a"], "label": "x", "sizes": [1, 2]})
    );
    assert_eq!(event.distinct_id().unwrap().as_str(), "u-1");

    let wrapped = Wrapper::Inner(event);
    assert_eq!(wrapped.event_name(), "Viewed");
    assert_eq!(Wrapper::<Viewed<'_, u8, Vec<u8>, u8, 0>>::Nothing.event_name(), "Nothing");
}
