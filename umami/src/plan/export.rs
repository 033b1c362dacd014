//! Exports of a plan: a Markdown table for analysts, JSON, and a JSON Schema (draft 2020-12)
//! of each event's data.
//!
//! The JSON Schema is built by hand: `schemars` describes Rust types as serde serializes
//! them, but a plan's keys are what Umami stores (after the derive's `rename`, `skip`,
//! `flatten` and `distinct_id`), which schemars cannot see; the schema needed here is a small
//! object tree, and hand-building it adds no dependency.

use serde_json::{Map, Value, json};

use super::{DataKey, EventSchema, Integer, Kind, Plan};

/// The `$schema` of every exported JSON Schema.
const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

impl Plan {
    /// A Markdown table: one row per key (one row for an event without data), with the
    /// event, its url template, the key, its kind and whether it is optional.
    ///
    /// ```
    /// use umami::UmamiEvent;
    /// use umami::plan::Plan;
    ///
    /// #[derive(UmamiEvent)]
    /// #[umami(name = "signup", url = "/signup")]
    /// struct Signup { plan: String, coupon: Option<String> }
    ///
    /// let markdown = Plan::new().event::<Signup>()?.to_markdown();
    /// let rows: Vec<&str> = markdown.lines().collect();
    /// assert_eq!(rows[0], "| event | url | key | kind | optional | field |");
    /// assert_eq!(rows[1], "|---|---|---|---|---|---|");
    /// // The last column is the Rust field, with the type's full path: `my_crate::Signup.plan`.
    /// assert!(rows[2].starts_with("| signup | /signup | plan | string | no | `"));
    /// assert!(rows[2].ends_with("::Signup.plan` |"));
    /// assert!(rows[3].starts_with("| signup | /signup | coupon | string | yes | `"));
    /// # Ok::<(), umami::plan::PlanError>(())
    /// ```
    pub fn to_markdown(&self) -> String {
        let mut out = String::from(
            "| event | url | key | kind | optional | field |\n|---|---|---|---|---|---|\n",
        );
        for event in self.events() {
            let name = cell(&event.name);
            let url = cell(event.url.as_deref().unwrap_or("/"));
            if event.keys.is_empty() {
                out.push_str(&format!(
                    "| {name} | {url} | — | — | — | `{}` |\n",
                    event.source
                ));
            }
            for key in &event.keys {
                let optional = match (key.optional, key.nullable) {
                    (true, _) => "yes",
                    (false, true) => "null when `None` (stored as array)",
                    (false, false) => "no",
                };
                out.push_str(&format!(
                    "| {name} | {url} | {} | {} | {optional} | `{}.{}` |\n",
                    cell(&key.key),
                    key.kind,
                    event.source,
                    key.field
                ));
            }
        }
        if !self.undescribed().is_empty() {
            out.push_str("\nNot described (hand-written `UmamiEvent` impls): ");
            let names: Vec<String> = self
                .undescribed()
                .iter()
                .map(|n| format!("`{n}`"))
                .collect();
            out.push_str(&names.join(", "));
            out.push('\n');
        }
        out
    }

    /// The plan as JSON: `{"events": [...], "undescribed": [...]}`, each event with its
    /// name, url, title, distinct-id field, source and keys.
    ///
    /// ```
    /// use umami::UmamiEvent;
    /// use umami::plan::Plan;
    ///
    /// #[derive(UmamiEvent)]
    /// struct Signup { seats: u32 }
    ///
    /// let json = Plan::new().event::<Signup>()?.to_json();
    /// assert_eq!(json["events"][0]["keys"][0], serde_json::json!({
    ///     "key": "seats", "kind": "number", "integer": "unsigned", "optional": false,
    ///     "nullable": false, "field": "seats"
    /// }));
    /// # Ok::<(), umami::plan::PlanError>(())
    /// ```
    pub fn to_json(&self) -> Value {
        let events: Vec<&EventSchema> = self.events().collect();
        json!({
            "events": events,
            "undescribed": self.undescribed(),
        })
    }

    /// The JSON Schema of every event's data, by event name.
    ///
    /// ```
    /// # use umami::UmamiEvent;
    /// #[derive(UmamiEvent)]
    /// struct Signup { seats: u32 }
    /// let schemas = umami::plan::Plan::new().event::<Signup>()?.json_schemas();
    /// assert_eq!(schemas["Signup"]["properties"]["seats"]["type"], "integer");
    /// assert_eq!(schemas["Signup"]["properties"]["seats"]["minimum"], 0);
    /// # Ok::<(), umami::plan::PlanError>(())
    /// ```
    pub fn json_schemas(&self) -> Value {
        Value::Object(
            self.events()
                .map(|event| (event.name.clone(), event.json_schema()))
                .collect(),
        )
    }
}

impl EventSchema {
    /// A JSON Schema (draft 2020-12) of the event's custom data as it is sent: nested objects
    /// for dotted keys, `additionalProperties: false` unless a map or an unknown flattened
    /// field allows more, `format: date-time` for dates, `integer` for integer types (with
    /// `minimum: 0` for unsigned ones, `1` for `NonZeroU*`, and `not: {const: 0}` for
    /// `NonZeroI*`), optional keys not `required`.
    ///
    /// ```
    /// use umami::UmamiEvent;
    /// use umami::plan::Describe;
    ///
    /// #[derive(UmamiEvent)]
    /// #[umami(name = "signup")]
    /// struct Signup { plan: String, trial: Option<bool> }
    ///
    /// assert_eq!(Signup::schema().events[0].json_schema(), serde_json::json!({
    ///     "$schema": "https://json-schema.org/draft/2020-12/schema",
    ///     "title": "signup",
    ///     "type": "object",
    ///     "properties": {
    ///         "plan": {"type": "string"},
    ///         "trial": {"type": "boolean"}
    ///     },
    ///     "required": ["plan"],
    ///     "additionalProperties": false
    /// }));
    /// ```
    pub fn json_schema(&self) -> Value {
        let mut root = Node::default();
        for key in &self.keys {
            let segments: Vec<&str> = key.key.split('.').collect();
            root.insert(&segments, key);
        }
        let mut schema = Map::new();
        schema.insert("$schema".into(), json!(DRAFT));
        schema.insert("title".into(), json!(self.name));
        if let Value::Object(body) = root.schema() {
            schema.extend(body);
        }
        Value::Object(schema)
    }
}

/// An object level of the data, built from the dotted keys.
#[derive(Default)]
struct Node<'a> {
    members: Vec<(&'a str, Member<'a>)>,
    /// A `*` member: a map's values, or anything (an unknown flattened field).
    any: Option<Box<Member<'a>>>,
}

enum Member<'a> {
    Leaf(&'a DataKey),
    Object(Node<'a>),
}

impl<'a> Node<'a> {
    fn insert(&mut self, segments: &[&'a str], key: &'a DataKey) {
        let Some((first, rest)) = segments.split_first() else {
            return;
        };
        let slot = if *first == "*" {
            self.any
                .get_or_insert_with(|| Box::new(Member::Object(Node::default())))
        } else {
            match self.members.iter().position(|(name, _)| name == first) {
                Some(i) => &mut self.members[i].1,
                None => {
                    self.members.push((first, Member::Object(Node::default())));
                    let last = self.members.len() - 1;
                    &mut self.members[last].1
                }
            }
        };
        if rest.is_empty() {
            *slot = Member::Leaf(key);
        } else if let Member::Object(node) = slot {
            node.insert(rest, key);
        }
    }

    fn schema(&self) -> Value {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (name, member) in &self.members {
            properties.insert((*name).to_owned(), member.schema());
            if member.required() {
                required.push(json!(name));
            }
        }
        let mut out = Map::new();
        out.insert("type".into(), json!("object"));
        if !properties.is_empty() {
            out.insert("properties".into(), Value::Object(properties));
        }
        if !required.is_empty() {
            out.insert("required".into(), Value::Array(required));
        }
        let additional = match &self.any {
            None => json!(false),
            Some(member) => member.schema(),
        };
        out.insert("additionalProperties".into(), additional);
        Value::Object(out)
    }
}

impl Member<'_> {
    fn required(&self) -> bool {
        match self {
            Member::Leaf(key) => !key.optional,
            Member::Object(node) => node.members.iter().any(|(_, m)| m.required()),
        }
    }

    fn schema(&self) -> Value {
        match self {
            Member::Object(node) => node.schema(),
            Member::Leaf(key) => {
                let (kind, format) = match key.kind {
                    Kind::Text => ("string", None),
                    Kind::Number if key.integer.is_some() => ("integer", None),
                    Kind::Number => ("number", None),
                    Kind::Boolean => ("boolean", None),
                    Kind::Date => ("string", Some("date-time")),
                    Kind::Array => ("array", None),
                    // An unknown kind allows anything: the `true` schema.
                    Kind::Unknown => return json!({}),
                };
                let mut out = Map::new();
                out.insert(
                    "type".into(),
                    if key.nullable {
                        json!([kind, "null"])
                    } else {
                        json!(kind)
                    },
                );
                if let Some(format) = format {
                    out.insert("format".into(), json!(format));
                }
                match key.integer {
                    Some(Integer::Unsigned) => {
                        out.insert("minimum".into(), json!(0));
                    }
                    Some(Integer::Positive) => {
                        out.insert("minimum".into(), json!(1));
                    }
                    Some(Integer::NonZero) => {
                        out.insert("not".into(), json!({"const": 0}));
                    }
                    Some(Integer::Signed) | None => {}
                }
                Value::Object(out)
            }
        }
    }
}

/// Text safe in a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
