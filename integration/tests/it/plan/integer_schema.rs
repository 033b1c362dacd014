//! Issue 23: the JSON Schema export typed a `u64` field as `"number"`. Every integer type is
//! `"integer"`; unsigned ones have `"minimum": 0`, `NonZeroU*` `"minimum": 1`, `NonZeroI*`
//! exclude 0; floats stay `"number"`. Exact schemas of derived events.

use std::collections::BTreeMap;
use std::num::{NonZeroI32, NonZeroU16, NonZeroU64};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde_json::json;
use umami::UmamiEvent;
use umami::plan::{DataKind, Describe, Integer, Kind, Plan, Shape};

#[derive(UmamiEvent)]
#[umami(name = "order")]
struct Order {
    id: u64,
    seats: u8,
    lines: usize,
    big: u128,
    delta: i64,
    offset: i8,
    signed_size: isize,
    quantity: NonZeroU16,
    adjustment: NonZeroI32,
    price: f64,
    ratio: f32,
    coupon_cents: Option<u32>,
    per_region: BTreeMap<String, i32>,
}

#[test]
fn every_integer_type_is_an_integer_in_the_json_schema() {
    assert_eq!(
        Order::schema().events[0].json_schema(),
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "order",
            "type": "object",
            "properties": {
                "id": {"type": "integer", "minimum": 0},
                "seats": {"type": "integer", "minimum": 0},
                "lines": {"type": "integer", "minimum": 0},
                "big": {"type": "integer", "minimum": 0},
                "delta": {"type": "integer"},
                "offset": {"type": "integer"},
                "signed_size": {"type": "integer"},
                "quantity": {"type": "integer", "minimum": 1},
                "adjustment": {"type": "integer", "not": {"const": 0}},
                "price": {"type": "number"},
                "ratio": {"type": "number"},
                "coupon_cents": {"type": "integer", "minimum": 0},
                "per_region": {
                    "type": "object",
                    "additionalProperties": {"type": "integer"}
                }
            },
            "required": [
                "id", "seats", "lines", "big", "delta", "offset", "signed_size", "quantity",
                "adjustment", "price", "ratio"
            ],
            "additionalProperties": false
        })
    );
}

#[derive(Serialize, UmamiEvent)]
struct Size {
    width: u32,
    label: Option<String>,
}

#[derive(UmamiEvent)]
#[umami(name = "upload")]
struct Upload {
    size: Size,
    took: Duration,
    at: SystemTime,
    #[umami(kind = "number")]
    declared: String,
    parts: Option<NonZeroU64>,
}

#[test]
fn nested_keys_and_std_types_keep_their_integer_ranges() {
    assert_eq!(
        Upload::schema().events[0].json_schema(),
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "upload",
            "type": "object",
            "properties": {
                "size": {
                    "type": "object",
                    "properties": {
                        "width": {"type": "integer", "minimum": 0},
                        "label": {"type": ["string", "null"]}
                    },
                    "required": ["width", "label"],
                    "additionalProperties": false
                },
                "took": {
                    "type": "object",
                    "properties": {
                        "secs": {"type": "integer", "minimum": 0},
                        "nanos": {"type": "integer", "minimum": 0}
                    },
                    "required": ["secs", "nanos"],
                    "additionalProperties": false
                },
                "at": {
                    "type": "object",
                    "properties": {
                        "secs_since_epoch": {"type": "integer", "minimum": 0},
                        "nanos_since_epoch": {"type": "integer", "minimum": 0}
                    },
                    "required": ["secs_since_epoch", "nanos_since_epoch"],
                    "additionalProperties": false
                },
                // A declared kind says "number", nothing about integers.
                "declared": {"type": "number"},
                "parts": {"type": "integer", "minimum": 1}
            },
            "required": ["size", "took", "at", "declared"],
            "additionalProperties": false
        })
    );
}

/// Inside a nested object an `Option` is nullable: the type is a list, the bound stays.
#[derive(Serialize, UmamiEvent)]
struct Counts {
    retries: Option<u16>,
}

#[derive(UmamiEvent)]
#[umami(name = "job")]
struct Job {
    counts: Counts,
}

#[test]
fn a_nullable_integer_is_integer_or_null() {
    assert_eq!(
        Job::schema().events[0].json_schema()["properties"]["counts"]["properties"]["retries"],
        json!({"type": ["integer", "null"], "minimum": 0})
    );
}

/// Serialized as its number (a newtype struct), described by hand.
#[derive(Serialize)]
struct Cents(u64);

impl DataKind for Cents {
    fn describe(shape: &mut Shape<'_>) {
        shape.integer(Integer::Unsigned);
    }
}

#[derive(UmamiEvent)]
#[umami(name = "bill")]
struct Bill {
    total: Cents,
    delta: i64,
}

#[test]
fn plans_keep_the_kind_number_and_say_integer_beside_it() {
    let plan = Plan::new().event::<Bill>().unwrap();
    let event = plan.get("bill").unwrap();
    let total = event.key("total").unwrap();
    assert_eq!(
        (total.kind, total.integer),
        (Kind::Number, Some(Integer::Unsigned))
    );
    let delta = event.key("delta").unwrap();
    assert_eq!(
        (delta.kind, delta.integer),
        (Kind::Number, Some(Integer::Signed))
    );
    // Umami stores integers as numbers: the plan's kind (and its drift check) is unchanged.
    assert_eq!(
        plan.to_json()["events"][0]["keys"],
        json!([
            {"key": "total", "kind": "number", "integer": "unsigned", "optional": false,
             "nullable": false, "field": "total"},
            {"key": "delta", "kind": "number", "integer": "signed", "optional": false,
             "nullable": false, "field": "delta"}
        ])
    );
    assert_eq!(
        plan.json_schemas()["bill"]["properties"],
        json!({"total": {"type": "integer", "minimum": 0}, "delta": {"type": "integer"}})
    );
}
