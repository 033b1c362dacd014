//! Every derived type describes itself, generics and lifetimes included, and `kind` is
//! accepted on data keys.
use umami::UmamiEvent;
use umami::plan::{Describe, Kind, Plan};

#[derive(UmamiEvent)]
struct Generic<'a, T: Clone + serde::Serialize> {
    borrowed: &'a str,
    value: T,
    #[umami(kind = "date")]
    at: String,
}

#[derive(UmamiEvent)]
enum Wrapper<'a, T: Clone + serde::Serialize> {
    Inner(Generic<'a, T>),
    Plain,
}

fn main() {
    let schema = Wrapper::<'static, u8>::schema();
    assert_eq!(schema.events.len(), 2);
    assert_eq!(schema.events[0].keys[2].kind, Kind::Date);
    let plan = Plan::new().event::<Wrapper<'static, u8>>().unwrap();
    assert!(plan.get("Plain").is_some());
}
