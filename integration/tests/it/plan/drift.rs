//! The drift check: a plan compared with what Umami stored, built from the read API's JSON
//! answers (recorded from a real Umami 3.1.0 in `tests/fixtures/umami-3.1.0/`).

use serde::Serialize;
use serde_json::{Value, json};
use umami::UmamiEvent;
use umami::plan::{DriftReport, Kind, Plan, StoredData};

/// The response body of a recorded exchange.
fn recorded(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/umami-3.1.0/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let exchange: Value = serde_json::from_str(&text).unwrap();
    exchange["response"]["body"].clone()
}

// The seed events of the recording, as code that sends them would declare them.

#[derive(UmamiEvent)]
#[umami(name = "download", rename_all = "camelCase")]
struct Download {
    file: String,
    mirror: String,
    size_mb: f64,
    tags: Vec<String>,
    verified: bool,
}

#[derive(UmamiEvent, Serialize)]
struct Size {
    height: u32,
    width: u32,
    muted: bool,
}

#[derive(UmamiEvent)]
#[umami(name = "video-play", rename_all = "camelCase")]
struct VideoPlay {
    video_id: String,
    player: Size,
    position: f64,
    autoplay: bool,
    #[umami(kind = "date")]
    played_at: String,
}

#[derive(UmamiEvent, Serialize)]
struct Position {
    x: f64,
    y: f64,
}

#[derive(UmamiEvent, Serialize)]
struct Source {
    campaign: String,
    medium: String,
    position: Position,
}

#[derive(UmamiEvent)]
#[umami(name = "signup", rename_all = "camelCase")]
struct Signup {
    plan: String,
    seats: u32,
    #[umami(kind = "date")]
    signed_up_at: String,
    source: Source,
    trial: bool,
}

#[derive(UmamiEvent)]
#[umami(name = "purchase", rename_all = "camelCase")]
struct Purchase {
    order_id: String,
    plan: String,
    revenue: f64,
    currency: String,
}

fn seed_plan() -> Plan {
    Plan::new()
        .event::<Download>()
        .and_then(|p| p.event::<VideoPlay>())
        .and_then(|p| p.event::<Signup>())
        .and_then(|p| p.event::<Purchase>())
        .unwrap()
}

/// What the recording's seed website stored: metrics (262), properties (341), the signup
/// event's rows (339) and the fields with their kinds (340).
fn seed_stored() -> StoredData {
    StoredData::from_answers(
        &recorded("262-GET-websites-websiteId-metrics-type-event.json"),
        &recorded("341-GET-websites-websiteId-event-data-properties.json"),
    )
    .and_then(|s| {
        s.with_event_data(&recorded(
            "339-GET-websites-websiteId-event-data-events-event-signup.json",
        ))
    })
    .and_then(|s| {
        s.with_fields(&recorded(
            "340-GET-websites-websiteId-event-data-fields.json",
        ))
    })
    .unwrap()
}

#[test]
fn recorded_answers_parse_into_events_keys_counts_and_kinds() {
    let stored = seed_stored();
    let events: Vec<(&str, u64, usize)> = stored
        .events()
        .map(|(name, e)| (name, e.count, e.keys.len()))
        .collect();
    assert_eq!(
        events,
        [
            ("download", 14, 5),
            ("purchase", 5, 4),
            ("signup", 13, 8),
            ("video-play", 13, 7)
        ]
    );
    let signup = stored.event("signup").unwrap();
    let kinds: Vec<(&str, u64, Vec<Kind>)> = signup
        .keys
        .iter()
        .map(|(k, v)| (k.as_str(), v.total, v.kinds.iter().copied().collect()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("plan", 13, vec![Kind::Text]),
            ("seats", 13, vec![Kind::Number]),
            ("signedUpAt", 13, vec![Kind::Date]),
            ("source.campaign", 13, vec![Kind::Text]),
            ("source.medium", 13, vec![Kind::Text]),
            ("source.position.x", 13, vec![Kind::Number]),
            ("source.position.y", 13, vec![Kind::Number]),
            ("trial", 13, vec![Kind::Boolean]),
        ]
    );
    // Kinds of the other events come from `event-data/fields` (no event name there).
    let download = stored.event("download").unwrap();
    assert_eq!(download.keys["tags"].kinds, [Kind::Array].into());
    assert_eq!(download.keys["sizeMb"].kinds, [Kind::Number].into());
}

#[test]
fn the_seed_plan_is_clean_against_the_recorded_server() {
    let report = seed_plan().drift(&seed_stored());
    assert_eq!(report, DriftReport::default());
    assert!(report.is_clean());
    report.assert_clean();
    assert_eq!(
        report.to_string(),
        "no drift: every stored event and key is planned, with its planned kind\n"
    );
}

mod drifted {
    use super::Size;

    /// `verified` is gone from the code, `sizeMb` is now a string, `checksum` is new.
    #[derive(umami::UmamiEvent)]
    #[umami(name = "download", rename_all = "camelCase")]
    pub struct Download {
        pub file: String,
        pub mirror: String,
        pub size_mb: String,
        pub tags: Vec<String>,
        pub checksum: String,
    }

    /// Planned but never sent.
    #[derive(umami::UmamiEvent)]
    #[umami(name = "refund")]
    pub struct Refund {
        pub amount: f64,
    }

    /// Unchanged, so that `video-play` is planned.
    #[derive(umami::UmamiEvent)]
    #[umami(name = "video-play", rename_all = "camelCase")]
    pub struct VideoPlay {
        pub video_id: String,
        pub player: Size,
        pub position: f64,
        pub autoplay: bool,
        #[umami(kind = "date")]
        pub played_at: String,
        /// Optional and never sent: not drift.
        pub quality: Option<String>,
    }
}

#[test]
fn every_kind_of_drift_is_reported_and_nothing_else() {
    // `signup` and `purchase` are not in this plan.
    let plan = Plan::new()
        .event::<drifted::Download>()
        .and_then(|p| p.event::<drifted::Refund>())
        .and_then(|p| p.event::<drifted::VideoPlay>())
        .unwrap();
    let report = plan.drift(&seed_stored());
    assert_eq!(
        report.to_json(),
        json!({
            "unplanned_events": [
                {"name": "purchase", "count": 5},
                {"name": "signup", "count": 13}
            ],
            "unseen_events": ["refund"],
            "unplanned_keys": [
                {"event": "download", "key": "verified", "kinds": ["boolean"], "total": 14}
            ],
            "unseen_keys": [{"event": "download", "key": "checksum"}],
            "kind_mismatches": [
                {"event": "download", "key": "sizeMb", "planned": "string", "stored": ["number"]}
            ]
        })
    );
    assert_eq!(report.findings(), 6);
    assert_eq!(
        report.to_string(),
        "the plan and what Umami stored differ (6 findings)\n\
         events stored but not planned:\n  \
         - purchase (5 stored)\n  \
         - signup (13 stored)\n\
         planned events never stored:\n  \
         - refund\n\
         keys stored but not planned:\n  \
         - download.verified (boolean, on 14 events)\n\
         planned keys never stored:\n  \
         - download.checksum\n\
         keys stored with another kind than planned:\n  \
         - download.sizeMb: planned string, stored number\n"
    );
    let panic = std::panic::catch_unwind(|| report.assert_clean()).unwrap_err();
    assert_eq!(panic.downcast_ref::<String>(), Some(&report.to_string()));
}

#[derive(UmamiEvent)]
#[umami(name = "types", rename_all = "camelCase")]
struct Types {
    arr: Vec<Value>,
    iso_ms: String,
    iso_no_ms: String,
    iso_no_zone: String,
    iso_offset: String,
    date_only: String,
    neg: f64,
    float: f64,
    int: i32,
    bigint: u64,
    empty: String,
    t: bool,
    f: bool,
    deep: Value,
}

/// One event, sent raw by the recorder (476) and read back from a real Umami 3.1.0 (481):
/// Umami stores some ISO-8601 strings as dates and others as strings, and a `null` as an
/// array. A plan of plain `String`s shows exactly which.
#[test]
fn strings_a_real_umami_read_as_dates_are_kind_drift() {
    let stored = StoredData::new()
        .with_event("types", 1)
        .with_event_rows(&recorded(
            "481-GET-websites-websiteId-event-data-eventId-scratch2-types.json",
        ))
        .unwrap();
    let report = Plan::new().event::<Types>().unwrap().drift(&stored);
    assert_eq!(
        report.to_string(),
        "the plan and what Umami stored differ (4 findings)\n\
         keys stored but not planned:\n  \
         - types.nil (array, on 1 event)\n\
         keys stored with another kind than planned:\n  \
         - types.isoMs: planned string, stored date\n  \
         - types.isoNoZone: planned string, stored date\n  \
         - types.isoOffset: planned string, stored date\n"
    );
}

#[derive(UmamiEvent, Serialize)]
struct Cart {
    items: u32,
    coupon: Option<String>,
}

#[derive(UmamiEvent)]
#[umami(name = "checkout")]
struct Checkout {
    cart: Cart,
    flags: std::collections::BTreeMap<String, bool>,
    note: Option<String>,
    anything: Value,
}

#[test]
fn maps_nulls_unknown_kinds_and_optional_keys_are_not_drift() {
    let plan = Plan::new().event::<Checkout>().unwrap();
    let stored = StoredData::new()
        .with_event("checkout", 2)
        .with_key("checkout", "cart.items", Some(Kind::Number), 2)
        // `None` inside the nested cart: Umami stores the `null` as an array.
        .with_key("checkout", "cart.coupon", Some(Kind::Array), 1)
        .with_key("checkout", "cart.coupon", Some(Kind::Text), 1)
        .with_key("checkout", "flags.beta", Some(Kind::Boolean), 2)
        .with_key("checkout", "flags.dark", Some(Kind::Boolean), 1)
        .with_key("checkout", "anything.deep.er", Some(Kind::Text), 1)
        .with_key("checkout", "anything", Some(Kind::Number), 1);
    // `note` is optional and never stored.
    plan.drift(&stored).assert_clean();

    let drifted = stored
        .with_key("checkout", "flags.count", Some(Kind::Number), 1)
        .with_key("checkout", "cart.items.extra", Some(Kind::Text), 1);
    let report = plan.drift(&drifted);
    assert_eq!(
        report.to_string(),
        "the plan and what Umami stored differ (2 findings)\n\
         keys stored but not planned:\n  \
         - checkout.cart.items.extra (string, on 1 event)\n\
         keys stored with another kind than planned:\n  \
         - checkout.flags.count: planned boolean, stored number\n"
    );
}

#[test]
fn required_keys_missing_from_a_stored_event_are_reported() {
    let plan = Plan::new().event::<Checkout>().unwrap();
    let stored = StoredData::new().with_event("checkout", 1);
    assert_eq!(
        plan.drift(&stored).to_string(),
        "the plan and what Umami stored differ (2 findings)\n\
         planned keys never stored:\n  \
         - checkout.cart.items\n  \
         - checkout.cart.coupon\n"
    );
}

#[test]
fn answers_that_are_not_umamis_are_errors_naming_the_field() {
    let empty = json!([]);
    let cases = [
        (
            json!({"x": 1}),
            empty.clone(),
            "metrics",
            "expected a JSON array of rows, found an object",
        ),
        (
            json!([{"x": 3, "y": 1}]),
            empty.clone(),
            "metrics[0].x",
            "expected a string, found a number",
        ),
        (
            json!([{"x": "a", "y": -1}]),
            empty.clone(),
            "metrics[0].y",
            "-1 is not a count (a whole number from 0 to 18446744073709551615)",
        ),
        (
            json!([{"x": "a", "y": "12x"}]),
            empty.clone(),
            "metrics[0].y",
            "\"12x\" is not a count (a whole number from 0 to 18446744073709551615)",
        ),
        (
            empty.clone(),
            json!([{"eventName": "a", "total": 1}]),
            "properties[0].propertyName",
            "missing; expected a string",
        ),
    ];
    for (metrics, properties, field, problem) in cases {
        let err = StoredData::from_answers(&metrics, &properties).unwrap_err();
        assert_eq!(
            (err.field(), err.problem()),
            (field, problem),
            "{metrics} {properties}"
        );
    }
    // Counts Umami sends as strings (Postgres bigints) are read.
    let stored = StoredData::from_answers(&json!([{"x": "a", "y": "7"}]), &empty).unwrap();
    assert_eq!(stored.event("a").unwrap().count, 7);

    let err = StoredData::new()
        .with_fields(&json!([{"propertyName": "k", "dataType": "x", "total": 1}]))
        .unwrap_err();
    assert_eq!(err.field(), "event-data/fields[0].dataType");
    let err = StoredData::new()
        .with_event_rows(&json!([{"eventName": "a", "dataKey": "k"}]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "event-data/{eventId}[0].dataType: missing; expected 1 to 5"
    );
}
