//! The server-side validation of Umami 3.1, reproduced: the zod schemas of `/api/send` and
//! `/api/batch`, and zod 4's error texts and `treeifyError` shape, so that the collector's
//! 400 answers are byte-for-byte what a real server says.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// The `type`s `/api/send` accepts.
const TYPES: [&str; 3] = ["event", "identify", "performance"];

/// The message of the "one source" refinement on the payload.
pub(crate) const ONE_SOURCE_MESSAGE: &str =
    "Exactly one of website, link, or pixel must be provided";

/// What zod checks on one payload key.
#[derive(Clone, Copy)]
enum Rule {
    /// `z.uuid()`.
    Uuid,
    /// `z.record(...)`: zod names it "record" in its errors (recorded 039, 040).
    Record,
    /// `z.string()`, with `.max(n)` when given.
    Str(Option<usize>),
    /// `z.string().refine(new URL(value, "https://localhost"))`.
    UrlOrPath,
    /// `z.coerce.number().int()`.
    Timestamp,
    /// `z.number().nonnegative().max(n)` (web-vitals metrics).
    Metric(u32),
}

/// The payload schema, in its declaration order (zod reports issues in this order).
const PAYLOAD: &[(&str, Rule)] = &[
    ("website", Rule::Uuid),
    ("link", Rule::Uuid),
    ("pixel", Rule::Uuid),
    ("data", Rule::Record),
    ("hostname", Rule::Str(Some(100))),
    ("language", Rule::Str(Some(35))),
    ("referrer", Rule::UrlOrPath),
    ("screen", Rule::Str(Some(11))),
    ("title", Rule::Str(None)),
    ("url", Rule::UrlOrPath),
    // 3.1.0 has no CSV-injection guard: `=SUM(A1:A9)` is stored (recorded 067).
    ("name", Rule::Str(Some(50))),
    ("tag", Rule::Str(Some(50))),
    ("ip", Rule::Str(None)),
    ("userAgent", Rule::Str(None)),
    ("timestamp", Rule::Timestamp),
    ("id", Rule::Str(None)),
    ("browser", Rule::Str(None)),
    ("os", Rule::Str(None)),
    ("device", Rule::Str(None)),
    ("lcp", Rule::Metric(60000)),
    ("inp", Rule::Metric(60000)),
    ("cls", Rule::Metric(100)),
    ("fcp", Rule::Metric(60000)),
    ("ttfb", Rule::Metric(60000)),
];

/// zod's `treeifyError` output: `{"errors": [...], "properties": {...}, "items": [...]}`,
/// with `properties` and `items` only where an issue lies below, in the order issues came.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ErrorTree {
    errors: Vec<String>,
    properties: Vec<(String, ErrorTree)>,
    items: Vec<Option<ErrorTree>>,
}

/// One step of an issue's path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

impl ErrorTree {
    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty() && self.properties.is_empty() && self.items.is_empty()
    }

    /// Records `message` at `path`, creating the nodes on the way as zod does.
    pub(crate) fn add(&mut self, path: &[Seg<'_>], message: impl Into<String>) {
        let mut node = self;
        for seg in path {
            node = match *seg {
                Seg::Key(key) => {
                    let at = match node.properties.iter().position(|(k, _)| k == key) {
                        Some(at) => at,
                        None => {
                            node.properties.push((key.to_owned(), ErrorTree::default()));
                            node.properties.len() - 1
                        }
                    };
                    &mut node.properties[at].1
                }
                Seg::Index(index) => {
                    if node.items.len() <= index {
                        node.items.resize(index + 1, None);
                    }
                    node.items[index].get_or_insert_with(ErrorTree::default)
                }
            };
        }
        node.errors.push(message.into());
    }

    /// The texts at `path` (for tests and diagnostics).
    #[cfg(test)]
    pub(crate) fn errors_at(&self, path: &[&str]) -> Vec<String> {
        let mut node = self;
        for key in path {
            match node.properties.iter().find(|(k, _)| k == key) {
                Some((_, child)) => node = child,
                None => return Vec::new(),
            }
        }
        node.errors.clone()
    }
}

impl Serialize for ErrorTree {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Properties<'a>(&'a [(String, ErrorTree)]);
        impl Serialize for Properties<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (key, child) in self.0 {
                    map.serialize_entry(key, child)?;
                }
                map.end()
            }
        }
        struct Items<'a>(&'a [Option<ErrorTree>]);
        impl Serialize for Items<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // JSON.stringify writes the holes of a sparse array as null.
                let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
                for item in self.0 {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
        let len =
            1 + usize::from(!self.properties.is_empty()) + usize::from(!self.items.is_empty());
        let mut map = serializer.serialize_map(Some(len))?;
        map.serialize_entry("errors", &self.errors)?;
        if !self.properties.is_empty() {
            map.serialize_entry("properties", &Properties(&self.properties))?;
        }
        if !self.items.is_empty() {
            map.serialize_entry("items", &Items(&self.items))?;
        }
        map.end()
    }
}

/// A `/api/send` body that passed the schema.
#[derive(Debug)]
pub(crate) struct ValidSend<'a> {
    pub(crate) payload: &'a Map<String, Value>,
    /// `payload.timestamp` after zod's coercion, in Unix seconds.
    pub(crate) timestamp: Option<i64>,
}

impl ValidSend<'_> {
    /// A payload string value (the schema made sure it is one when present).
    pub(crate) fn text(&self, key: &str) -> Option<&str> {
        self.payload.get(key).and_then(Value::as_str)
    }
}

/// Collects issues; `aborted` mirrors zod's rule that refinements are skipped once a
/// non-continuable issue (a wrong type) was found.
#[derive(Default)]
struct Issues {
    tree: ErrorTree,
    payload_aborted: bool,
}

impl Issues {
    fn payload(&mut self, key: &str, message: impl Into<String>, continuable: bool) {
        self.tree
            .add(&[Seg::Key("payload"), Seg::Key(key)], message);
        if !continuable {
            self.payload_aborted = true;
        }
    }
}

/// Validates a `/api/send` body (`None`: the body was not JSON at all, which the server
/// reads as `undefined`).
pub(crate) fn validate_send(body: Option<&Value>) -> Result<ValidSend<'_>, ErrorTree> {
    let mut issues = Issues::default();
    let Some(Value::Object(root)) = body else {
        issues.tree.add(&[], expected("object", body));
        return Err(issues.tree);
    };

    let kind = match root.get("type") {
        Some(Value::String(kind)) if TYPES.contains(&kind.as_str()) => Some(kind.as_str()),
        _ => {
            issues.tree.add(
                &[Seg::Key("type")],
                "Invalid option: expected one of \"event\"|\"identify\"|\"performance\"",
            );
            None
        }
    };

    let mut timestamp = None;
    let payload = match root.get("payload") {
        Some(Value::Object(payload)) => {
            timestamp = validate_payload(payload, &mut issues);
            Some(payload)
        }
        other => {
            issues
                .tree
                .add(&[Seg::Key("payload")], expected("object", other));
            None
        }
    };

    match (kind, payload) {
        (Some(_), Some(payload)) if issues.tree.is_empty() => Ok(ValidSend { payload, timestamp }),
        _ => Err(issues.tree),
    }
}

fn validate_payload(payload: &Map<String, Value>, issues: &mut Issues) -> Option<i64> {
    let mut timestamp = None;
    for &(key, rule) in PAYLOAD {
        let Some(value) = payload.get(key) else {
            continue;
        };
        match rule {
            Rule::Record => {
                if !value.is_object() {
                    issues.payload(key, expected("record", Some(value)), false);
                }
            }
            Rule::Metric(max) => match value.as_f64() {
                Some(n) if value.is_number() => {
                    if n < 0.0 {
                        issues.payload(key, "Too small: expected number to be >=0", true);
                    }
                    if n > f64::from(max) {
                        issues.payload(
                            key,
                            format!("Too big: expected number to be <={max}"),
                            true,
                        );
                    }
                }
                _ => issues.payload(key, expected("number", Some(value)), false),
            },
            Rule::Timestamp => match js_coerce_number(value) {
                n if n.is_nan() => {
                    issues.payload(key, "Invalid input: expected number, received NaN", false)
                }
                n if n.is_infinite() => {
                    // zod rejects non-finite numbers but names the input's JS type: number.
                    issues.payload(
                        key,
                        "Invalid input: expected number, received number",
                        false,
                    )
                }
                n if n.fract() != 0.0 => {
                    issues.payload(key, "Invalid input: expected int, received number", false)
                }
                n if n > MAX_SAFE_INTEGER => {
                    issues.payload(key, "Too big: expected int to be <=9007199254740991", true)
                }
                n if n < -MAX_SAFE_INTEGER => issues.payload(
                    key,
                    "Too small: expected int to be >=-9007199254740991",
                    true,
                ),
                // Exact: |n| < 2^53 and integral.
                n => timestamp = Some(n as i64),
            },
            Rule::Uuid | Rule::Str(_) | Rule::UrlOrPath => {
                let Some(text) = value.as_str() else {
                    issues.payload(key, expected("string", Some(value)), false);
                    continue;
                };
                match rule {
                    Rule::Uuid if !is_zod_uuid(text) => {
                        issues.payload(key, "Invalid UUID", true);
                    }
                    Rule::Str(Some(max)) => check_max(issues, key, text, max),
                    Rule::UrlOrPath if !parses_as_url_or_path(text) => {
                        issues.payload(key, "Invalid URL.", true);
                    }
                    _ => {}
                }
            }
        }
    }
    if !issues.payload_aborted {
        // `[website, link, pixel].filter(Boolean).length === 1`: an empty string is falsy.
        let sources = ["website", "link", "pixel"]
            .iter()
            .filter(|key| {
                payload
                    .get(**key)
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
            })
            .count();
        if sources != 1 {
            issues.payload("website", ONE_SOURCE_MESSAGE, true);
        }
    }
    timestamp
}

const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

fn check_max(issues: &mut Issues, key: &str, text: &str, max: usize) {
    // JavaScript's `length` counts UTF-16 code units.
    if text.encode_utf16().count() > max {
        issues.payload(
            key,
            format!("Too big: expected string to have <={max} characters"),
            true,
        );
    }
}

/// Validates a `/api/batch` body: a JSON array of objects, at most `max_items` long (`None`:
/// no cap, as 3.1.0 stored all 501 items of recorded 091).
pub(crate) fn validate_batch(
    body: Option<&Value>,
    max_items: Option<usize>,
) -> Result<&[Value], ErrorTree> {
    let mut tree = ErrorTree::default();
    let Some(Value::Array(items)) = body else {
        tree.add(&[], expected("array", body));
        return Err(tree);
    };
    for (index, item) in items.iter().enumerate() {
        if !item.is_object() {
            // Items are `z.record(...)` too (recorded 055).
            tree.add(&[Seg::Index(index)], expected("record", Some(item)));
        }
    }
    // The length check is a refinement: skipped when an element had the wrong type.
    if tree.is_empty() {
        if let Some(max) = max_items.filter(|max| items.len() > *max) {
            tree.add(
                &[],
                format!("Too big: expected array to have <={max} items"),
            );
        }
    }
    if tree.is_empty() {
        Ok(items)
    } else {
        Err(tree)
    }
}

/// zod's `invalid_type` text.
fn expected(what: &str, got: Option<&Value>) -> String {
    format!("Invalid input: expected {what}, received {}", js_type(got))
}

/// The type name zod reports for a parsed JSON value (`undefined` when absent).
fn js_type(value: Option<&Value>) -> &'static str {
    match value {
        None => "undefined",
        Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Number(_)) => "number",
        Some(Value::String(_)) => "string",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "object",
    }
}

/// zod 4's `z.uuid()`: the rule of [`umami::__private::validate::uuid`], shared.
pub(crate) fn is_zod_uuid(text: &str) -> bool {
    umami::__private::validate::is_uuid(text)
}

/// `new URL(value, "https://localhost")` does not throw.
pub(crate) fn parses_as_url_or_path(text: &str) -> bool {
    static BASE: std::sync::LazyLock<url::Url> =
        std::sync::LazyLock::new(|| url::Url::parse("https://localhost").expect("static URL"));
    BASE.join(text).is_ok()
}

/// JavaScript's `Number(value)` for a parsed JSON value.
fn js_coerce_number(value: &Value) -> f64 {
    match value {
        Value::Null => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => js_number_from_str(s),
        // Number([]) is 0, Number([x]) is Number(String(x)); anything longer is NaN.
        Value::Array(items) => match items.as_slice() {
            [] => 0.0,
            [Value::String(s)] => js_number_from_str(s),
            [Value::Number(n)] => n.as_f64().unwrap_or(f64::NAN),
            [Value::Null] => 0.0,
            [Value::Array(inner)] if inner.is_empty() => 0.0,
            _ => f64::NAN,
        },
        Value::Object(_) => f64::NAN,
    }
}

/// JavaScript's `Number(string)`: trimmed; empty is 0; decimal, `Infinity`, and unsigned
/// `0x`/`0o`/`0b` integers; anything else NaN.
fn js_number_from_str(s: &str) -> f64 {
    let s = s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if s.is_empty() {
        return 0.0;
    }
    match s {
        "Infinity" | "+Infinity" => return f64::INFINITY,
        "-Infinity" => return f64::NEG_INFINITY,
        _ => {}
    }
    for (prefix, radix) in [
        ("0x", 16),
        ("0X", 16),
        ("0o", 8),
        ("0O", 8),
        ("0b", 2),
        ("0B", 2),
    ] {
        if let Some(digits) = s.strip_prefix(prefix) {
            return match u128::from_str_radix(digits, radix) {
                Ok(n) if !digits.starts_with('+') => n as f64,
                _ => f64::NAN,
            };
        }
    }
    // Rust also parses "inf" and "nan", which JavaScript does not: allow only decimal syntax.
    let decimal = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !decimal {
        return f64::NAN;
    }
    s.parse::<f64>().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

    fn tree_json(body: &Value) -> Value {
        serde_json::to_value(validate_send(Some(body)).unwrap_err()).unwrap()
    }

    #[test]
    fn a_valid_event_passes() {
        let body = json!({"type": "event", "payload": {"website": SITE, "name": "x", "timestamp": "1700000000"}});
        let valid = validate_send(Some(&body)).unwrap();
        assert_eq!(valid.timestamp, Some(1_700_000_000));
    }

    #[test]
    fn name_of_51_chars_is_too_big() {
        let body = json!({"type": "event", "payload": {"website": SITE, "name": "a".repeat(51)}});
        assert_eq!(
            tree_json(&body),
            json!({"errors": [], "properties": {"payload": {"errors": [], "properties": {
                "name": {"errors": ["Too big: expected string to have <=50 characters"]}}}}})
        );
    }

    #[test]
    fn an_unparseable_body_is_undefined() {
        let tree = validate_send(None).unwrap_err();
        assert_eq!(
            serde_json::to_string(&tree).unwrap(),
            r#"{"errors":["Invalid input: expected object, received undefined"]}"#
        );
    }

    #[test]
    fn missing_and_bad_websites() {
        let missing = validate_send(Some(&json!({"type": "event", "payload": {}}))).unwrap_err();
        assert_eq!(
            missing.errors_at(&["payload", "website"]),
            [ONE_SOURCE_MESSAGE]
        );
        let bad = json!({"type": "event", "payload": {"website": "nope"}});
        assert_eq!(
            validate_send(Some(&bad))
                .unwrap_err()
                .errors_at(&["payload", "website"]),
            ["Invalid UUID"]
        );
        let empty = json!({"type": "event", "payload": {"website": ""}});
        assert_eq!(
            validate_send(Some(&empty))
                .unwrap_err()
                .errors_at(&["payload", "website"]),
            ["Invalid UUID", ONE_SOURCE_MESSAGE]
        );
    }

    #[test]
    fn a_wrong_type_skips_the_source_refinement() {
        let body = json!({"type": "event", "payload": {"name": 5}});
        let tree = validate_send(Some(&body)).unwrap_err();
        assert_eq!(
            tree.errors_at(&["payload", "name"]),
            ["Invalid input: expected string, received number"]
        );
        assert!(tree.errors_at(&["payload", "website"]).is_empty());
    }

    #[test]
    fn issues_keep_zod_order() {
        let body =
            json!({"type": "nope", "payload": {"screen": "x".repeat(12), "name": "n".repeat(51)}});
        assert_eq!(
            serde_json::to_string(&validate_send(Some(&body)).unwrap_err()).unwrap(),
            format!(
                r#"{{"errors":[],"properties":{{"type":{{"errors":["Invalid option: expected one of \"event\"|\"identify\"|\"performance\""]}},"payload":{{"errors":[],"properties":{{"screen":{{"errors":["Too big: expected string to have <=11 characters"]}},"name":{{"errors":["Too big: expected string to have <=50 characters"]}},"website":{{"errors":["{ONE_SOURCE_MESSAGE}"]}}}}}}}}}}"#
            )
        );
    }

    #[test]
    fn timestamps_are_coerced_like_javascript() {
        let ts = |v: Value| {
            let body = json!({"type": "event", "payload": {"website": SITE, "timestamp": v}});
            validate_send(Some(&body))
                .map(|v| v.timestamp)
                .map_err(|t| t.errors_at(&["payload", "timestamp"]))
        };
        assert_eq!(ts(json!(1_700_000_000)), Ok(Some(1_700_000_000)));
        assert_eq!(ts(json!(" 12 ")), Ok(Some(12)));
        assert_eq!(ts(json!("0x10")), Ok(Some(16)));
        assert_eq!(ts(json!(null)), Ok(Some(0)));
        assert_eq!(
            ts(json!(1.5)),
            Err(vec![
                "Invalid input: expected int, received number".to_owned()
            ])
        );
        assert_eq!(
            ts(json!("soon")),
            Err(vec![
                "Invalid input: expected number, received NaN".to_owned()
            ])
        );
        assert_eq!(
            ts(json!("inf")),
            Err(vec![
                "Invalid input: expected number, received NaN".to_owned()
            ])
        );
    }

    #[test]
    fn zod_uuids_need_version_and_variant() {
        assert!(is_zod_uuid(SITE));
        assert!(is_zod_uuid("00000000-0000-0000-0000-000000000000"));
        assert!(!is_zod_uuid("978435e2-7ba1-0337-9860-ec31ece2db60"));
        assert!(!is_zod_uuid("978435e2-7ba1-4337-c860-ec31ece2db60"));
        assert!(!is_zod_uuid("978435e27ba1433798600ec31ece2db60"));
    }

    #[test]
    fn batch_items_must_be_objects_and_at_most_the_limit() {
        let tree = validate_batch(Some(&json!([{}, 1])), Some(500)).unwrap_err();
        assert_eq!(
            serde_json::to_string(&tree).unwrap(),
            r#"{"errors":[],"items":[null,{"errors":["Invalid input: expected record, received number"]}]}"#
        );
        let long = Value::Array(vec![json!({}); 3]);
        assert_eq!(
            serde_json::to_string(&validate_batch(Some(&long), Some(2)).unwrap_err()).unwrap(),
            r#"{"errors":["Too big: expected array to have <=2 items"]}"#
        );
        assert_eq!(validate_batch(Some(&long), None).unwrap().len(), 3);
        assert_eq!(
            serde_json::to_string(&validate_batch(Some(&json!({})), None).unwrap_err()).unwrap(),
            r#"{"errors":["Invalid input: expected array, received object"]}"#
        );
    }
}
