//! Sans-IO input checks that mirror the Umami server's own limits
//! (see the protocol notes: name ≤ 50, hostname ≤ 100, language ≤ 35, screen ≤ 11, ...).

use crate::error::ValidationError;
use serde_json::{Map, Value};

/// Umami's limit on event names and tags.
pub(crate) const MAX_NAME: usize = 50;
pub(crate) const MAX_HOSTNAME: usize = 100;
pub(crate) const MAX_LANGUAGE: usize = 35;
pub(crate) const MAX_SCREEN: usize = 11;
pub(crate) const MAX_TAG: usize = 50;
pub(crate) const MAX_DISTINCT_ID: usize = 50;
/// `browser`, `os` and `device` overrides: the session table's `varchar(20)` columns.
pub(crate) const MAX_CLIENT_DETAIL: usize = 20;
/// The revenue table's `currency varchar(10)`.
pub(crate) const MAX_CURRENCY: usize = 10;
/// Custom-data keys (dotted, after flattening) and string values are stored in 500 chars.
pub(crate) const MAX_DATA_KEY: usize = 500;
pub(crate) const MAX_DATA_STRING: usize = 500;
/// Numbers are stored as DECIMAL(19,4): 15 digits before the point.
pub(crate) const MAX_DATA_NUMBER: f64 = 1e15;

pub(crate) fn max_chars(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<(), ValidationError> {
    // Counting chars only when the byte length could exceed the limit keeps the common
    // (short, ASCII) case free of a second pass.
    if value.len() > max {
        let chars = value.chars().count();
        if chars > max {
            return Err(ValidationError::new(
                field,
                format!("{chars} characters, at most {max} allowed"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn not_blank(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty or blank"));
    }
    Ok(())
}

/// Event names and tags: non-blank, at most `max` chars, and no leading character that newer
/// servers reject as a CSV-injection risk.
pub(crate) fn event_name(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<(), ValidationError> {
    not_blank(field, value)?;
    max_chars(field, value, max)?;
    if let Some(first) = value.chars().next() {
        if matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') {
            return Err(ValidationError::new(
                field,
                format!(
                    "must not start with {:?} (Umami rejects a leading `=`, `+`, `-`, `@`, tab \
                     or carriage return)",
                    first
                ),
            ));
        }
    }
    Ok(())
}

pub(crate) fn uuid(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if uuid::Uuid::try_parse(value).is_err() || value.len() != 36 {
        return Err(ValidationError::new(
            field,
            format!(
                "{value:?} is not a UUID (expected the form 978435e2-7ba1-4337-9860-ec31ece2db60)"
            ),
        ));
    }
    Ok(())
}

/// Umami parses `url` and `referrer` relative to `https://localhost`.
pub(crate) fn url_or_path(field: &'static str, value: &str) -> Result<(), ValidationError> {
    static BASE: std::sync::LazyLock<url::Url> =
        std::sync::LazyLock::new(|| url::Url::parse("https://localhost").expect("static URL"));
    if let Err(e) = BASE.join(value) {
        return Err(ValidationError::new(
            field,
            format!("{value:?} is neither a URL nor a path ({e})"),
        ));
    }
    Ok(())
}

pub(crate) fn ip_address(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.parse::<std::net::IpAddr>().is_err() {
        return Err(ValidationError::new(
            field,
            format!("{value:?} is not an IPv4 or IPv6 address"),
        ));
    }
    Ok(())
}

/// Custom data: keys (dotted after Umami flattens nested objects) and string values hold 500
/// chars, numbers must fit DECIMAL(19,4). Larger values make the server fail with a 500.
pub(crate) fn custom_data(
    field: &'static str,
    data: &Map<String, Value>,
) -> Result<(), ValidationError> {
    fn walk(
        field: &'static str,
        prefix_len: usize,
        path: &mut String,
        data: &Map<String, Value>,
    ) -> Result<(), ValidationError> {
        for (key, value) in data {
            let restore = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let key_chars = prefix_len + path.chars().count();
            if key_chars > MAX_DATA_KEY {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "key {path:?} has {key_chars} characters, at most {MAX_DATA_KEY} allowed"
                    ),
                ));
            }
            match value {
                Value::Object(inner) => walk(field, prefix_len, path, inner)?,
                Value::String(s) => {
                    if s.len() > MAX_DATA_STRING && s.chars().count() > MAX_DATA_STRING {
                        return Err(ValidationError::new(
                            field,
                            format!(
                                "value of {path:?} has {} characters, at most {MAX_DATA_STRING} allowed",
                                s.chars().count()
                            ),
                        ));
                    }
                }
                Value::Number(n) => {
                    let too_big = n.as_f64().is_some_and(|f| f.abs() >= MAX_DATA_NUMBER);
                    if too_big {
                        return Err(ValidationError::new(
                            field,
                            format!(
                                "value of {path:?} is {n}: Umami stores numbers as DECIMAL(19,4), \
                                 so its magnitude must be below 10^15"
                            ),
                        ));
                    }
                }
                Value::Array(_) | Value::Bool(_) | Value::Null => {}
            }
            path.truncate(restore);
        }
        Ok(())
    }
    walk(field, 0, &mut String::new(), data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn name_of_fifty_chars_passes_and_fifty_one_fails() {
        assert!(event_name("event_name", &"a".repeat(50), MAX_NAME).is_ok());
        let err = event_name("event_name", &"a".repeat(51), MAX_NAME).unwrap_err();
        assert_eq!(err.field(), "event_name");
        assert_eq!(err.problem(), "51 characters, at most 50 allowed");
    }

    #[test]
    fn multibyte_names_count_chars_not_bytes() {
        assert!(event_name("event_name", &"é".repeat(50), MAX_NAME).is_ok());
    }

    #[test]
    fn csv_injection_leading_characters_are_rejected() {
        for bad in ["=SUM(A1)", "+1", "-x", "@me", "\tx", "\rx"] {
            let err = event_name("event_name", bad, MAX_NAME).unwrap_err();
            assert!(
                err.problem().contains("must not start with"),
                "{bad:?}: {err}"
            );
        }
        assert!(event_name("event_name", "Purchase-Course", MAX_NAME).is_ok());
    }

    #[test]
    fn uuid_requires_the_hyphenated_form() {
        assert!(uuid("website_id", "978435e2-7ba1-4337-9860-ec31ece2db60").is_ok());
        assert!(uuid("website_id", "978435e27ba1433798600ec31ece2db60").is_err());
        assert!(uuid("website_id", "not-a-uuid").is_err());
    }

    #[test]
    fn url_accepts_paths_and_absolute_urls() {
        assert!(url_or_path("url", "/checkout?x=1").is_ok());
        assert!(url_or_path("url", "https://example.com/a").is_ok());
        assert!(url_or_path("url", "").is_ok());
        assert!(url_or_path("url", "http://[::1").is_err());
    }

    #[test]
    fn custom_data_limits_follow_flattened_keys() {
        let long_key = "k".repeat(300);
        let nested = json!({ long_key.clone(): { long_key.clone(): 1 } });
        let err = custom_data("custom_data", nested.as_object().unwrap()).unwrap_err();
        assert!(err.problem().contains("601 characters"), "{err}");
        let big = json!({"n": 1e15});
        assert!(custom_data("custom_data", big.as_object().unwrap()).is_err());
        let ok = json!({"n": 999_999_999_999_999_u64, "s": "x".repeat(500), "a": [1, 2]});
        assert!(custom_data("custom_data", ok.as_object().unwrap()).is_ok());
    }
}
