//! Tolerant readers for the answers of the read API: numbers sent as strings, nulls and
//! absent fields are all accepted (Postgres bigints and decimals arrive as JSON strings).

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::text::json_kind;

/// A number, or the text of one; `null`, absent or empty text is `0`.
pub(crate) fn num<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    opt_num(d).map(Option::unwrap_or_default)
}

/// A number or numeric text; `null`, absent or empty text is `None`.
pub(crate) fn opt_num<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| de::Error::custom(format!("expected a number, found the text {s:?}"))),
        Value::Bool(b) => Ok(Some(if b { 1.0 } else { 0.0 })),
        other => Err(de::Error::custom(format!(
            "expected a number, found {}",
            json_kind(&other)
        ))),
    }
}

/// A count (`u64`): a number (rounded), numeric text or `null` (0).
pub(crate) fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let value = Value::deserialize(d)?;
    super::models::count(&value).map_err(de::Error::custom)
}

/// Text, or the text of a number or boolean; anything else (null included) is `None`.
pub(crate) fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// Text, `""` when absent or null.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_text(d).map(Option::unwrap_or_default)
}

/// A list; `null` or absent is empty.
pub(crate) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: de::DeserializeOwned,
{
    match Value::deserialize(d)? {
        Value::Null => Ok(Vec::new()),
        value @ Value::Array(_) => serde_json::from_value(value).map_err(de::Error::custom),
        other => Err(de::Error::custom(format!(
            "expected a list, found {}",
            json_kind(&other)
        ))),
    }
}

/// `true`/`false`, or `1`/`0`, or their text; anything else is `false`.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(s) => matches!(s.as_str(), "true" | "1"),
        _ => false,
    })
}

/// One page of a paged listing: `{"data": [...], "count", "page", "pageSize"}`. A bare list
/// reads as one page holding everything; missing numbers default from the data.
///
/// ```
/// let page: umami::api::Page<umami::api::admin::Team> =
///     serde_json::from_str(r#"{"data":[{"id":"t1","name":"Ops"}],"count":"3","page":1}"#)?;
/// assert_eq!((page.data.len(), page.count, page.page_size), (1, 3, 1));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// How many items match in total, over all pages.
    pub count: u64,
    /// This page's number (from 1).
    pub page: u64,
    /// The page size the server used.
    pub page_size: u64,
}

/// One page of [`Client::websites_page`](crate::Client::websites_page): servers answer
/// `{"data": [...], "count", "page", "pageSize"}`; a bare array (the oldest servers) reads as
/// a single page holding everything.
///
/// ```
/// let page: umami::api::WebsitesPage =
///     serde_json::from_str(r#"[{"id":"w1","name":"Blog"},{"id":"w2","name":"Shop"}]"#)?;
/// assert_eq!((page.data.len(), page.count, page.page, page.page_size), (2, 2, 1, 2));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub type WebsitesPage = Page<super::models::Website>;

impl<'de, T: de::DeserializeOwned> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let (items, map) = match value {
            Value::Array(items) => (items, None),
            Value::Object(mut map) => match map.remove("data") {
                Some(Value::Array(items)) => (items, Some(map)),
                Some(Value::Null) | None => (Vec::new(), Some(map)),
                Some(other) => {
                    return Err(de::Error::custom(format!(
                        "`data` should be a list, found {}",
                        json_kind(&other)
                    )));
                }
            },
            Value::Null => (Vec::new(), None),
            other => {
                return Err(de::Error::custom(format!(
                    "expected a page, found {}",
                    json_kind(&other)
                )));
            }
        };
        let data = items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                serde_json::from_value(item)
                    .map_err(|e| de::Error::custom(format!("`data[{i}]`: {e}")))
            })
            .collect::<Result<Vec<T>, D::Error>>()?;
        let len = data.len() as u64;
        let field = |name: &str, default: u64| -> Result<u64, D::Error> {
            match map.as_ref().and_then(|m| m.get(name)) {
                None | Some(Value::Null) => Ok(default),
                Some(v) => {
                    super::models::count(v).map_err(|e| de::Error::custom(format!("`{name}`: {e}")))
                }
            }
        };
        Ok(Page {
            count: field("count", len)?,
            page: field("page", 1)?,
            page_size: field("pageSize", len)?,
            data,
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::WebsitesPage;

    #[test]
    fn page_defaults_from_its_data() {
        let page: WebsitesPage =
            serde_json::from_value(json!([{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]))
                .unwrap();
        assert_eq!((page.count, page.page, page.page_size), (2, 1, 2));
        let page: WebsitesPage =
            serde_json::from_value(json!({"data": null, "count": "7", "page": 2})).unwrap();
        assert_eq!((page.data.len(), page.count, page.page), (0, 7, 2));
    }

    #[test]
    fn page_with_wrong_data_is_an_error() {
        let err = serde_json::from_value::<WebsitesPage>(json!({"data": "x"})).unwrap_err();
        assert!(err.to_string().contains("`data` should be a list"), "{err}");
        let err =
            serde_json::from_value::<WebsitesPage>(json!({"data": [{"id": "a", "name": "A"}, 7]}))
                .unwrap_err();
        assert!(err.to_string().contains("`data[1]`"), "{err}");
    }
}
