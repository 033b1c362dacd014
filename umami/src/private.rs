//! Runtime support for `#[derive(UmamiEvent)]`. Not a public API: only the derive's
//! expansion calls these, and they may change in any release.

use serde_json::{Map, Value};

use crate::error::ValidationError;
use crate::event::{DistinctId, IntoDistinctId};

pub use serde::Serialize;

/// What `UmamiEvent::custom_data` returns.
pub type DataResult = Result<Map<String, Value>, ValidationError>;

/// One field of an event, as the expansion hands it over.
pub struct Entry<'a> {
    kind: EntryKind,
    value: &'a dyn ToJson,
}

enum EntryKind {
    /// A custom-data key of its own.
    Key(&'static str),
    /// A field whose own keys are merged into the data; the field's name, for errors.
    Flatten(&'static str),
}

impl<'a> Entry<'a> {
    /// A field sent as the custom-data key `key`.
    pub fn field<T: Serialize>(key: &'static str, value: &'a T) -> Self {
        Entry {
            kind: EntryKind::Key(key),
            value,
        }
    }

    /// A `#[umami(flatten)]` field named `field`.
    pub fn flatten<T: Serialize>(field: &'static str, value: &'a T) -> Self {
        Entry {
            kind: EntryKind::Flatten(field),
            value,
        }
    }
}

/// `Serialize` made object-safe, so the entries of one event fit in one slice.
trait ToJson {
    fn to_json(&self) -> Result<Value, serde_json::Error>;
}

impl<T: Serialize> ToJson for T {
    fn to_json(&self) -> Result<Value, serde_json::Error> {
        serde_json::to_value(self)
    }
}

/// Builds the custom data of an event from its fields: each value is serialized once;
/// values that serialize to `null` (an `Option` that is `None`) are left out; flattened
/// fields must serialize to an object (or `null`), whose keys are merged in.
///
/// # Errors
/// A [`ValidationError`] on `custom_data` naming the field when a value cannot be
/// serialized, a flattened value is not an object, or two fields set the same key (only
/// possible through `flatten`: the derive rejects other collisions at compile time).
pub fn custom_data(entries: &[Entry<'_>]) -> DataResult {
    let mut data = Map::new();
    for entry in entries {
        let (EntryKind::Key(name) | EntryKind::Flatten(name)) = entry.kind;
        let value = entry.value.to_json().map_err(|e| {
            ValidationError::new(
                "custom_data",
                format!("field `{name}` could not be serialized: {e}"),
            )
        })?;
        match (&entry.kind, value) {
            (_, Value::Null) => {}
            (EntryKind::Key(key), value) => insert(&mut data, name, (*key).to_owned(), value)?,
            (EntryKind::Flatten(_), Value::Object(inner)) => {
                for (key, value) in inner {
                    if !value.is_null() {
                        insert(&mut data, name, key, value)?;
                    }
                }
            }
            (EntryKind::Flatten(_), other) => {
                return Err(ValidationError::new(
                    "custom_data",
                    format!(
                        "flattened field `{name}` must serialize to a JSON object, got {}",
                        json_kind(&other)
                    ),
                ));
            }
        }
    }
    Ok(data)
}

fn insert(
    data: &mut Map<String, Value>,
    field: &str,
    key: String,
    value: Value,
) -> Result<(), ValidationError> {
    if data.contains_key(&key) {
        return Err(ValidationError::new(
            "custom_data",
            format!(
                "key {key:?} is set twice: field `{field}` repeats a key of an earlier field \
                 (through `flatten`)"
            ),
        ));
    }
    data.insert(key, value);
    Ok(())
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The distinct id of a `#[umami(distinct_id)]` field. The bound is spanned on the field's
/// type, so a `bool` field is reported there with `IntoDistinctId`'s explanation.
pub fn distinct_id<T: IntoDistinctId + Clone>(value: &T) -> DistinctId {
    value.clone().into_distinct_id()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Serialize)]
    struct Nested {
        a: u8,
        b: Option<u8>,
    }

    #[test]
    fn null_values_are_left_out() {
        let none: Option<u8> = None;
        let data = custom_data(&[Entry::field("x", &1), Entry::field("y", &none)]).unwrap();
        assert_eq!(Value::Object(data), json!({"x": 1}));
    }

    #[test]
    fn flattened_object_keys_are_merged_without_nulls() {
        let nested = Nested { a: 1, b: None };
        let data =
            custom_data(&[Entry::field("x", &"s"), Entry::flatten("nested", &nested)]).unwrap();
        assert_eq!(Value::Object(data), json!({"x": "s", "a": 1}));
    }

    #[test]
    fn flattened_none_adds_nothing() {
        let nested: Option<Nested> = None;
        let data = custom_data(&[Entry::flatten("nested", &nested)]).unwrap();
        assert!(data.is_empty());
    }

    #[test]
    fn flattened_non_object_is_a_validation_error() {
        let err = custom_data(&[Entry::flatten("tags", &vec![1, 2])]).unwrap_err();
        assert_eq!(err.field(), "custom_data");
        assert_eq!(
            err.problem(),
            "flattened field `tags` must serialize to a JSON object, got an array"
        );
    }

    #[test]
    fn flattened_key_colliding_with_a_field_is_a_validation_error() {
        let nested = Nested { a: 1, b: Some(2) };
        let err =
            custom_data(&[Entry::field("a", &0), Entry::flatten("nested", &nested)]).unwrap_err();
        assert_eq!(
            err.problem(),
            "key \"a\" is set twice: field `nested` repeats a key of an earlier field (through \
             `flatten`)"
        );
    }

    #[test]
    fn unserializable_value_names_the_field() {
        let mut map = std::collections::HashMap::new();
        map.insert((1, 2), "tuple keys are not JSON keys");
        let err = custom_data(&[Entry::field("pairs", &map)]).unwrap_err();
        assert!(
            err.problem().starts_with("field `pairs` could not be serialized: "),
            "{}",
            err.problem()
        );
    }

    #[test]
    fn distinct_id_converts_strings_and_integers() {
        assert_eq!(distinct_id(&42_u64).as_str(), "42");
        assert_eq!(distinct_id(&String::from(" u-1 ")).as_str(), "u-1");
        assert_eq!(distinct_id(&"u-2").as_str(), "u-2");
    }
}
