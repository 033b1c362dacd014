//! `#[derive(UmamiEvent)]` describes its events for tracking plans: names, templates, the
//! distinct-id field, each data key with the kind Umami stores it as and its optionality;
//! plans refuse conflicting events; the exports (Markdown, JSON, JSON Schema) are exact.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::time::SystemTime;

use serde::Serialize;
use serde_json::{Map, Value, json};
use umami::UmamiEvent;
use umami::plan::{Describe, EventSchema, Kind, Plan, PlanError};

/// `(key, kind, optional, nullable, field)` of every key of `event`.
fn keys(event: &EventSchema) -> Vec<(&str, Kind, bool, bool, &str)> {
    event
        .keys
        .iter()
        .map(|k| {
            (
                k.key.as_str(),
                k.kind,
                k.optional,
                k.nullable,
                k.field.as_str(),
            )
        })
        .collect()
}

fn only<E: Describe>() -> EventSchema {
    let schema = E::schema();
    assert_eq!(schema.events.len(), 1, "{schema:?}");
    schema.events.into_iter().next().unwrap()
}

#[derive(UmamiEvent)]
#[umami(
    name = "purchase",
    url = "/courses/{course}",
    title = "Buy {course}",
    rename_all = "camelCase"
)]
struct Purchase {
    course: String,
    #[umami(rename = "priceCents")]
    price_cents: u32,
    is_gift: bool,
    coupon: Option<String>,
    tags: Vec<String>,
    #[umami(distinct_id)]
    user_id: u64,
    #[umami(skip)]
    _internal: Vec<u8>,
    r#type: char,
}

#[test]
fn struct_keys_have_kinds_renames_and_optionality() {
    let event = only::<Purchase>();
    assert_eq!(event.name, "purchase");
    assert_eq!(event.url.as_deref(), Some("/courses/{course}"));
    assert_eq!(event.title.as_deref(), Some("Buy {course}"));
    assert_eq!(event.distinct_id.as_deref(), Some("user_id"));
    assert_eq!(event.source, "it::plan::schema::Purchase");
    assert_eq!(
        keys(&event),
        [
            ("course", Kind::Text, false, false, "course"),
            ("priceCents", Kind::Number, false, false, "price_cents"),
            ("isGift", Kind::Boolean, false, false, "is_gift"),
            ("coupon", Kind::Text, true, false, "coupon"),
            ("tags", Kind::Array, false, false, "tags"),
            ("type", Kind::Text, false, false, "type"),
        ]
    );
}

#[derive(UmamiEvent)]
struct AppStarted;

#[test]
fn unit_struct_has_its_type_name_and_no_keys() {
    let event = only::<AppStarted>();
    assert_eq!(event.name, "AppStarted");
    assert_eq!(
        (event.url, event.title, event.distinct_id),
        (None, None, None)
    );
    assert!(event.keys.is_empty());
}

/// Nested data: serialized by serde as an object, described by the derive.
#[derive(UmamiEvent, Serialize)]
struct Player {
    width: u32,
    muted: bool,
    label: Option<String>,
}

#[derive(Serialize)]
struct Opaque {
    anything: u8,
}

#[derive(UmamiEvent)]
#[umami(name = "video-play")]
struct VideoPlay {
    video_id: String,
    player: Player,
    #[umami(flatten)]
    extra: Player,
    played_at: SystemTime,
    #[umami(kind = "date")]
    started: String,
    #[umami(kind = "number")]
    opaque_number: Opaque,
    opaque: Opaque,
    counts: BTreeMap<String, u32>,
    attrs: HashMap<String, Option<bool>>,
    maybe_player: Option<Player>,
    label: Cow<'static, str>,
}

#[test]
fn nested_flattened_dates_maps_and_unknown_types() {
    let event = only::<VideoPlay>();
    assert_eq!(
        keys(&event),
        [
            ("video_id", Kind::Text, false, false, "video_id"),
            ("player.width", Kind::Number, false, false, "player"),
            ("player.muted", Kind::Boolean, false, false, "player"),
            // `None` inside a nested object is sent as `null`: stored as an array.
            ("player.label", Kind::Text, false, true, "player"),
            ("width", Kind::Number, false, false, "extra"),
            ("muted", Kind::Boolean, false, false, "extra"),
            // The first level of a flattened object drops `null`s, as the top level does.
            ("label", Kind::Text, true, false, "extra"),
            // serde's `SystemTime` is {secs_since_epoch, nanos_since_epoch}: two numbers.
            (
                "played_at.secs_since_epoch",
                Kind::Number,
                false,
                false,
                "played_at"
            ),
            (
                "played_at.nanos_since_epoch",
                Kind::Number,
                false,
                false,
                "played_at"
            ),
            ("started", Kind::Date, false, false, "started"),
            ("opaque_number", Kind::Number, false, false, "opaque_number"),
            ("opaque", Kind::Unknown, false, false, "opaque"),
            ("counts.*", Kind::Number, true, false, "counts"),
            ("attrs.*", Kind::Boolean, true, true, "attrs"),
            (
                "maybe_player.width",
                Kind::Number,
                true,
                false,
                "maybe_player"
            ),
            (
                "maybe_player.muted",
                Kind::Boolean,
                true,
                false,
                "maybe_player"
            ),
            ("maybe_player.label", Kind::Text, true, true, "maybe_player"),
            ("label", Kind::Text, false, false, "label"),
        ]
    );
}

#[derive(UmamiEvent)]
struct WithOpaqueFlatten {
    plan: String,
    #[umami(flatten)]
    rest: Opaque,
    #[umami(flatten)]
    map: Map<String, Value>,
}

#[test]
fn flattening_an_undescribed_type_says_its_keys_are_unknown() {
    let event = only::<WithOpaqueFlatten>();
    assert_eq!(
        keys(&event),
        [
            ("plan", Kind::Text, false, false, "plan"),
            ("*", Kind::Unknown, false, false, "rest"),
            ("*", Kind::Unknown, true, false, "map"),
        ]
    );
}

#[derive(UmamiEvent)]
struct Generic<T> {
    value: T,
    count: u32,
}

#[test]
fn a_type_parameter_is_unknown_even_when_the_type_has_a_kind() {
    let event = only::<Generic<u32>>();
    assert_eq!(
        keys(&event),
        [
            ("value", Kind::Unknown, false, false, "value"),
            ("count", Kind::Number, false, false, "count"),
        ]
    );
}

/// Sent by a hand-written impl: no `Describe`.
struct HandWritten;

impl UmamiEvent for HandWritten {
    fn event_name(&self) -> &str {
        "hand-written"
    }
    fn custom_data(&self) -> Result<Map<String, Value>, umami::ValidationError> {
        Ok(Map::new())
    }
}

#[derive(UmamiEvent)]
#[umami(url = "/app", title = "App", rename_all = "kebab-case")]
#[expect(dead_code, reason = "only described, never sent")]
enum AppEvent {
    #[umami(name = "app-opened")]
    Opened,
    #[umami(name = "search", url = "/search/{query_text}")]
    Searched {
        query_text: String,
        result_count: Option<u32>,
        #[umami(distinct_id)]
        user: String,
    },
    #[umami(rename_all = "SCREAMING_SNAKE_CASE")]
    Shouted {
        some_key: bool,
    },
    Purchase(Box<Purchase>),
    Manual(HandWritten),
}

#[test]
fn enums_describe_every_variant() {
    let schema = AppEvent::schema();
    assert_eq!(schema.type_name, "it::plan::schema::AppEvent");
    let names: Vec<(&str, &str)> = schema
        .events
        .iter()
        .map(|e| (e.name.as_str(), e.source.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("app-opened", "it::plan::schema::AppEvent::Opened"),
            ("search", "it::plan::schema::AppEvent::Searched"),
            ("Shouted", "it::plan::schema::AppEvent::Shouted"),
            ("purchase", "it::plan::schema::Purchase"),
        ]
    );
    let opened = &schema.events[0];
    assert_eq!(opened.url.as_deref(), Some("/app"));
    assert_eq!(opened.title.as_deref(), Some("App"));
    assert!(opened.keys.is_empty());
    let searched = &schema.events[1];
    assert_eq!(searched.url.as_deref(), Some("/search/{query_text}"));
    assert_eq!(searched.distinct_id.as_deref(), Some("user"));
    assert_eq!(
        keys(searched),
        [
            ("query-text", Kind::Text, false, false, "query_text"),
            ("result-count", Kind::Number, true, false, "result_count"),
        ]
    );
    assert_eq!(
        keys(&schema.events[2]),
        [("SOME_KEY", Kind::Boolean, false, false, "some_key")]
    );
    assert_eq!(schema.events[3], only::<Purchase>());
    assert_eq!(schema.undescribed.len(), 1);
    assert!(
        schema.undescribed[0].ends_with("HandWritten"),
        "{:?}",
        schema.undescribed
    );
}

#[test]
fn the_same_event_from_two_types_is_one_event() {
    let plan = Plan::new()
        .event::<Purchase>()
        .unwrap()
        .event::<AppEvent>()
        .unwrap();
    let names: Vec<&str> = plan.events().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["Shouted", "app-opened", "purchase", "search"]);
    assert_eq!(plan.undescribed().len(), 1);
}

mod v1 {
    #[derive(umami::UmamiEvent)]
    #[umami(name = "signup")]
    pub struct Signup {
        pub plan: String,
        pub seats: u32,
    }
}

mod kind_changed {
    #[derive(umami::UmamiEvent)]
    #[umami(name = "signup")]
    pub struct Signup {
        pub plan: String,
        pub seats: String,
    }
}

mod key_added {
    #[derive(umami::UmamiEvent)]
    #[umami(name = "signup")]
    pub struct Signup {
        pub plan: String,
        pub seats: u32,
        pub trial: bool,
    }
}

mod key_optional {
    #[derive(umami::UmamiEvent)]
    #[umami(name = "signup")]
    pub struct Signup {
        pub plan: String,
        pub seats: Option<u32>,
    }
}

#[derive(UmamiEvent)]
#[expect(dead_code, reason = "only described, never sent")]
enum Renamed {
    #[umami(name = "signup")]
    Signup { plan: String },
}

fn conflict(result: Result<Plan, PlanError>) -> PlanError {
    result.expect_err("the plan refuses the second type")
}

#[test]
fn a_plan_refuses_one_name_with_other_kinds_keys_or_optionality() {
    let plan = Plan::new().event::<v1::Signup>().unwrap();
    let err = conflict(plan.clone().event::<kind_changed::Signup>());
    assert_eq!(
        err,
        PlanError::Conflict {
            name: "signup".into(),
            first: "it::plan::schema::v1::Signup".into(),
            second: "it::plan::schema::kind_changed::Signup".into(),
            difference: "key \"seats\" is number in it::plan::schema::v1::Signup but string in \
                         it::plan::schema::kind_changed::Signup"
                .into(),
        }
    );
    assert_eq!(
        err.to_string(),
        "two types declare the event \"signup\" differently: key \"seats\" is number in \
         it::plan::schema::v1::Signup but string in it::plan::schema::kind_changed::Signup"
    );
    assert_eq!(
        conflict(plan.clone().event::<key_added::Signup>()).to_string(),
        "two types declare the event \"signup\" differently: key \"trial\" is in \
         it::plan::schema::key_added::Signup but not in it::plan::schema::v1::Signup"
    );
    assert_eq!(
        conflict(plan.clone().event::<key_optional::Signup>()).to_string(),
        "two types declare the event \"signup\" differently: key \"seats\" is required in \
         it::plan::schema::v1::Signup but optional in it::plan::schema::key_optional::Signup"
    );
    assert_eq!(
        conflict(plan.event::<Renamed>()).to_string(),
        "two types declare the event \"signup\" differently: key \"seats\" is in \
         it::plan::schema::v1::Signup but not in it::plan::schema::Renamed::Signup"
    );
}

#[derive(UmamiEvent)]
#[umami(name = "download", url = "/files/{file}")]
struct Download {
    file: String,
    size_mb: f64,
    tags: Vec<String>,
    mirror: Option<String>,
    meta: Player,
    extra: BTreeMap<String, bool>,
}

#[test]
fn markdown_lists_every_key() {
    let plan = Plan::new()
        .event::<Download>()
        .unwrap()
        .event::<AppStarted>()
        .unwrap();
    assert_eq!(
        plan.to_markdown(),
        "| event | url | key | kind | optional | field |\n\
         |---|---|---|---|---|---|\n\
         | AppStarted | / | — | — | — | `it::plan::schema::AppStarted` |\n\
         | download | /files/{file} | file | string | no | `it::plan::schema::Download.file` |\n\
         | download | /files/{file} | size_mb | number | no | `it::plan::schema::Download.size_mb` |\n\
         | download | /files/{file} | tags | array | no | `it::plan::schema::Download.tags` |\n\
         | download | /files/{file} | mirror | string | yes | `it::plan::schema::Download.mirror` |\n\
         | download | /files/{file} | meta.width | number | no | `it::plan::schema::Download.meta` |\n\
         | download | /files/{file} | meta.muted | boolean | no | `it::plan::schema::Download.meta` |\n\
         | download | /files/{file} | meta.label | string | null when `None` (stored as array) | `it::plan::schema::Download.meta` |\n\
         | download | /files/{file} | extra.* | boolean | yes | `it::plan::schema::Download.extra` |\n"
    );
    let with_manual = Plan::new().event::<AppEvent>().unwrap().to_markdown();
    assert!(
        with_manual.ends_with("`\n")
            && with_manual.contains("\nNot described (hand-written `UmamiEvent` impls): `"),
        "{with_manual}"
    );
}

#[test]
fn json_schema_is_draft_2020_12_of_the_sent_data() {
    let plan = Plan::new().event::<Download>().unwrap();
    assert_eq!(
        plan.json_schemas(),
        json!({"download": {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "download",
            "type": "object",
            "properties": {
                "file": {"type": "string"},
                "size_mb": {"type": "number"},
                "tags": {"type": "array"},
                "mirror": {"type": "string"},
                "meta": {
                    "type": "object",
                    "properties": {
                        "width": {"type": "integer", "minimum": 0},
                        "muted": {"type": "boolean"},
                        "label": {"type": ["string", "null"]}
                    },
                    "required": ["width", "muted", "label"],
                    "additionalProperties": false
                },
                "extra": {
                    "type": "object",
                    "additionalProperties": {"type": "boolean"}
                }
            },
            "required": ["file", "size_mb", "tags", "meta"],
            "additionalProperties": false
        }})
    );
    assert_eq!(
        only::<VideoPlay>().json_schema()["properties"]["started"],
        json!({"type": "string", "format": "date-time"})
    );
    assert_eq!(
        only::<WithOpaqueFlatten>().json_schema(),
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "WithOpaqueFlatten",
            "type": "object",
            "properties": {"plan": {"type": "string"}},
            "required": ["plan"],
            "additionalProperties": {}
        })
    );
}

#[test]
fn json_export_has_every_event_and_key() {
    let plan = Plan::new().event::<v1::Signup>().unwrap();
    assert_eq!(
        plan.to_json(),
        json!({
            "events": [{
                "name": "signup",
                "url": null,
                "title": null,
                "distinct_id": null,
                "source": "it::plan::schema::v1::Signup",
                "keys": [
                    {"key": "plan", "kind": "string", "optional": false, "nullable": false, "field": "plan"},
                    {"key": "seats", "kind": "number", "integer": "unsigned", "optional": false, "nullable": false, "field": "seats"}
                ]
            }],
            "undescribed": []
        })
    );
}
