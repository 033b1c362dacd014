//! Runtime support for `#[derive(UmamiEvent)]`. Not a public API: only the derive's
//! expansion calls these, and they may change in any release.

use serde_json::{Map, Value};

use crate::error::ValidationError;
use crate::hit::{DistinctId, IntoDistinctId};
use crate::text::json_kind;

pub use serde::Serialize;

pub use crate::__umami_register_event as register_event;
pub use crate::plan::derive_support::{
    EventBuilder, Probe, ViaDataKind, ViaDescribe, ViaUndescribed, ViaUnknown, type_schema,
};
#[cfg(feature = "registry")]
pub use inventory;

/// What `UmamiEvent::custom_data` returns.
pub type DataResult = Result<Map<String, Value>, ValidationError>;

/// The custom data of an event, built field by field by the derive's expansion:
/// `Data::new().field("plan", &self.plan).flatten("utm", &self.utm).finish()`.
///
/// Each value is serialized once. Values that serialize to `null` (an `Option` that is
/// `None`) are left out. A flattened field must serialize to an object (or `null`), whose
/// keys (except those with `null` values) are merged in. The first error is kept and the
/// remaining fields are skipped. Generic rather than `dyn`, so that each field's
/// serialization inlines: as fast as a hand-written `serde_json::json!`.
#[must_use]
#[derive(Debug)]
pub struct Data {
    result: DataResult,
}

impl Data {
    /// No fields yet.
    #[inline]
    pub fn new() -> Self {
        Data {
            result: Ok(Map::new()),
        }
    }

    /// A field sent as the custom-data key `key`.
    #[inline]
    pub fn field<T: Serialize>(mut self, key: &'static str, value: &T) -> Self {
        if let Ok(data) = &mut self.result {
            match serde_json::to_value(value) {
                Ok(Value::Null) => {}
                Ok(value) => {
                    if data.insert(key.to_owned(), value).is_some() {
                        self.result = Err(collision(key, key));
                    }
                }
                Err(e) => self.result = Err(not_serializable(key, &e)),
            }
        }
        self
    }

    /// A `#[umami(flatten)]` field named `field`.
    #[inline]
    pub fn flatten<T: Serialize>(mut self, field: &'static str, value: &T) -> Self {
        if let Ok(data) = &mut self.result {
            let outcome = match serde_json::to_value(value) {
                Ok(Value::Null) => Ok(()),
                Ok(Value::Object(inner)) => inner
                    .into_iter()
                    .filter(|(_, value)| !value.is_null())
                    .try_for_each(|(key, value)| insert(data, field, key, value)),
                Ok(other) => Err(ValidationError::new(
                    "custom_data",
                    format!(
                        "flattened field `{field}` must serialize to a JSON object, got {}",
                        json_kind(&other)
                    ),
                )),
                Err(e) => Err(not_serializable(field, &e)),
            };
            if let Err(e) = outcome {
                self.result = Err(e);
            }
        }
        self
    }

    /// The data, or the first error.
    ///
    /// # Errors
    /// A [`ValidationError`] on `custom_data` naming the field when a value cannot be
    /// serialized, a flattened value is not an object, or two fields set the same key (only
    /// possible through `flatten`: the derive rejects other collisions at compile time).
    #[inline]
    pub fn finish(self) -> DataResult {
        self.result
    }
}

impl Default for Data {
    fn default() -> Self {
        Data::new()
    }
}

#[cold]
fn not_serializable(field: &str, error: &serde_json::Error) -> ValidationError {
    ValidationError::new(
        "custom_data",
        format!("field `{field}` could not be serialized: {error}"),
    )
}

fn insert(
    data: &mut Map<String, Value>,
    field: &str,
    key: String,
    value: Value,
) -> Result<(), ValidationError> {
    match data.entry(key) {
        serde_json::map::Entry::Vacant(slot) => {
            slot.insert(value);
            Ok(())
        }
        serde_json::map::Entry::Occupied(taken) => Err(collision(field, taken.key())),
    }
}

#[cold]
fn collision(field: &str, key: &str) -> ValidationError {
    ValidationError::new(
        "custom_data",
        format!(
            "key {key:?} is set twice: field `{field}` repeats a key of an earlier field \
             (through `flatten`)"
        ),
    )
}

/// The distinct id of a `#[umami(distinct_id)]` field; `None` when it is blank (an `Option`
/// that is `None`, an empty string), so that the event counts as carrying no id. The bound
/// is spanned on the field's type, so a `bool` field is reported there with
/// `IntoDistinctId`'s explanation.
pub fn distinct_id<T: IntoDistinctId + Clone>(value: &T) -> Option<DistinctId> {
    Some(value.clone().into_distinct_id()).filter(|id| !id.is_blank())
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
        let data = Data::new()
            .field("x", &1)
            .field("y", &none)
            .finish()
            .unwrap();
        assert_eq!(Value::Object(data), json!({"x": 1}));
    }

    #[test]
    fn flattened_object_keys_are_merged_without_nulls() {
        let nested = Nested { a: 1, b: None };
        let data = Data::new()
            .field("x", &"s")
            .flatten("nested", &nested)
            .finish()
            .unwrap();
        assert_eq!(Value::Object(data), json!({"x": "s", "a": 1}));
    }

    #[test]
    fn flattened_none_adds_nothing() {
        let nested: Option<Nested> = None;
        let data = Data::new().flatten("nested", &nested).finish().unwrap();
        assert!(data.is_empty());
    }

    #[test]
    fn flattened_non_object_is_a_validation_error() {
        let err = Data::new()
            .flatten("tags", &vec![1, 2])
            .finish()
            .unwrap_err();
        assert_eq!(err.field(), "custom_data");
        assert_eq!(
            err.problem(),
            "flattened field `tags` must serialize to a JSON object, got an array"
        );
    }

    #[test]
    fn flattened_key_colliding_with_a_field_is_a_validation_error() {
        let nested = Nested { a: 1, b: Some(2) };
        let err = Data::new()
            .field("a", &0)
            .flatten("nested", &nested)
            .finish()
            .unwrap_err();
        assert_eq!(
            err.problem(),
            "key \"a\" is set twice: field `nested` repeats a key of an earlier field (through \
             `flatten`)"
        );
    }

    #[test]
    fn unserializable_value_names_the_field_and_stops_there() {
        let map = std::collections::HashMap::from([((1, 2), "tuple keys are not JSON keys")]);
        let err = Data::new()
            .field("pairs", &map)
            .flatten("later", &vec![1])
            .finish()
            .unwrap_err();
        assert!(
            err.problem()
                .starts_with("field `pairs` could not be serialized: "),
            "{}",
            err.problem()
        );
    }

    #[test]
    fn distinct_id_converts_strings_and_integers() {
        assert_eq!(distinct_id(&42_u64).unwrap().as_str(), "42");
        assert_eq!(distinct_id(&String::from(" u-1 ")).unwrap().as_str(), "u-1");
        assert_eq!(distinct_id(&"u-2").unwrap().as_str(), "u-2");
        assert_eq!(distinct_id(&Some(43_u64)).unwrap().as_str(), "43");
        assert_eq!(distinct_id(&None::<u64>), None);
        assert_eq!(distinct_id(&"  "), None);
    }
}

/// The client-side limits and checks, for `umami-analytics-test`'s collector, whose rules must
/// agree with them (its property test runs both on the same inputs).
pub mod validate {
    pub use crate::validate::*;
}
