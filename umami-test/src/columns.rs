//! The database columns a payload reaches after zod, as Umami 3.1.0 stores them on
//! PostgreSQL (`prisma/schema.prisma`, protocol notes §7), and what overflowing one does:
//! Prisma's error as a 500, and for some columns the event stored without its data first
//! (recorded 072, 073, 082, 083).
//!
//! This is the collector's own reading of the columns, written against the JSON payload:
//! `varchar(n)` counts characters (code points), `DECIMAL(19,4)` holds magnitudes below
//! 10^15. The crate's client-side checks in `validate` are written separately, and a
//! property test runs both over generated inputs.

use serde::Serialize;
use serde_json::{Map, Value, json};

/// Where an insert failed, in the order Umami writes its rows: the session, the event,
/// its data, the revenue row.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Overflow {
    /// `session.distinct_id`, `browser`, `os` or `device` (a raw query): nothing stored.
    Session(Column),
    /// A `website_event` column (`utm_*`, click ids): nothing stored.
    Event(Column),
    /// `event_data` / `session_data`: the event row is stored, its data is lost.
    Data(Column),
    /// `revenue`: the event and its data are stored, the revenue row is lost.
    Revenue(Column),
}

/// One overflowing value.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Column {
    /// The payload key (or data key) the value came from.
    pub(super) source: String,
    /// `Some(n)`: a `varchar(n)`; `None`: a `DECIMAL` out of range.
    pub(super) varchar: Option<usize>,
}

impl Overflow {
    /// Whether the event row was written before the failure.
    pub(super) fn event_stored(&self) -> bool {
        matches!(self, Overflow::Data(_) | Overflow::Revenue(_))
    }

    /// Whether the event's custom data (or identify's session data) was written.
    pub(super) fn data_stored(&self) -> bool {
        matches!(self, Overflow::Revenue(_))
    }

    fn column(&self) -> &Column {
        match self {
            Overflow::Session(c)
            | Overflow::Event(c)
            | Overflow::Data(c)
            | Overflow::Revenue(c) => c,
        }
    }

    /// Prisma's `errorObject`, shaped as 3.1.0 answers it (stack traces left out).
    pub(super) fn error_object(&self) -> Value {
        let column = self.column();
        let (pg_code, pg_message, kind) = match column.varchar {
            Some(n) => (
                "22001",
                format!("value too long for type character varying({n})"),
                "LengthMismatch",
            ),
            None => (
                "22003",
                "numeric field overflow".to_owned(),
                "ValueOutOfRange",
            ),
        };
        let mut cause = json!({
            "originalCode": pg_code,
            "originalMessage": pg_message,
            "kind": kind,
        });
        if column.varchar.is_none() {
            cause["cause"] = json!(pg_message);
        }
        let driver = json!({
            "name": "DriverAdapterError",
            "cause": cause,
            "message": kind,
            "stack": format!("DriverAdapterError: {kind}\n    at <collector>"),
        });
        let (code, model, invocation, text) = match self {
            Overflow::Session(_) => (
                "P2010",
                None,
                "prisma.$queryRawUnsafe()",
                format!("Raw query failed. Code: `{pg_code}`. Message: `{pg_message}`"),
            ),
            other => {
                let (model, call) = match other {
                    Overflow::Event(_) => ("WebsiteEvent", "prisma.websiteEvent.create()"),
                    Overflow::Revenue(_) => ("Revenue", "prisma.revenue.create()"),
                    _ => ("EventData", "prisma.eventData.createMany()"),
                };
                let (code, text) = match column.varchar {
                    Some(_) => (
                        "P2000",
                        "The provided value for the column is too long for the column's type. \
                         Column: (not available)"
                            .to_owned(),
                    ),
                    None => (
                        "P2020",
                        format!("Value out of range for the type: {pg_message}"),
                    ),
                };
                (code, Some(model), call, text)
            }
        };
        let mut meta = Map::new();
        if let Some(model) = model {
            meta.insert("modelName".into(), model.into());
        }
        meta.insert("driverAdapterError".into(), driver);
        let message = format!("\nInvalid `{invocation}` invocation:\n\n\n{text}");
        json!({
            "code": code,
            "meta": meta,
            "clientVersion": "7.6.0",
            "name": "PrismaClientKnownRequestError",
            "message": message,
            "stack": format!("PrismaClientKnownRequestError: {message}\n    at <collector>"),
        })
    }
}

/// The body of a 500 from `/api/send`: `{"error":{"message":"Server error","code":
/// "server-error","status":500,"errorObject":{...}}}`.
#[derive(Debug, Clone, Serialize)]
pub(super) struct ServerError {
    pub(super) message: &'static str,
    pub(super) code: &'static str,
    pub(super) status: u16,
    #[serde(rename = "errorObject")]
    pub(super) error_object: Value,
}

impl ServerError {
    pub(super) fn new(overflow: &Overflow) -> ServerError {
        ServerError {
            message: "Server error",
            code: "server-error",
            status: 500,
            error_object: overflow.error_object(),
        }
    }
}

/// `varchar(n)` of the session row.
const SESSION_COLUMNS: [(&str, usize); 4] =
    [("id", 50), ("browser", 20), ("os", 20), ("device", 20)];
/// The query parameters with a `varchar(255)` column of their own on `website_event`: the
/// same list the client-side check uses.
use umami::__private::validate::{
    MAX_QUERY_PARAM as QUERY_COLUMN_LENGTH, QUERY_PARAM_COLUMNS as QUERY_COLUMNS,
};
const DATA_KEY_LENGTH: usize = 500;
const STRING_VALUE_LENGTH: usize = 500;
const CURRENCY_LENGTH: usize = 10;
/// DECIMAL(19,4): 15 digits before the point.
const DECIMAL_19_4_LIMIT: f64 = 1e15;

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// The first column `payload` (already accepted by zod) overflows, in Umami's write order.
pub(super) fn check(payload: &Map<String, Value>) -> Option<Overflow> {
    let text = |key: &str| payload.get(key).and_then(Value::as_str);
    for (key, n) in SESSION_COLUMNS {
        if text(key).is_some_and(|v| chars(v) > n) {
            return Some(Overflow::Session(Column {
                source: key.to_owned(),
                varchar: Some(n),
            }));
        }
    }
    if let Some(url) = text("url") {
        let base = text("hostname")
            .filter(|h| !h.is_empty())
            .and_then(|h| url::Url::parse(&format!("https://{h}")).ok())
            .unwrap_or_else(|| url::Url::parse("https://localhost").expect("static URL"));
        if let Ok(current) = base.join(url) {
            for (key, value) in current.query_pairs() {
                if QUERY_COLUMNS.contains(&key.as_ref()) && chars(&value) > QUERY_COLUMN_LENGTH {
                    return Some(Overflow::Event(Column {
                        source: format!("url query `{key}`"),
                        varchar: Some(QUERY_COLUMN_LENGTH),
                    }));
                }
            }
        }
    }
    if let Some(data) = payload.get("data").and_then(Value::as_object) {
        if let Some(column) = data_overflow(data, "") {
            return Some(Overflow::Data(column));
        }
        // `if (revenue > 0 && currency)`, JavaScript's comparison and truthiness.
        let revenue = match data.get("revenue") {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        };
        let currency = data.get("currency").filter(|c| js_truthy(c));
        if let (Some(revenue), Some(currency)) = (revenue.filter(|r| *r > 0.0), currency) {
            if revenue >= DECIMAL_19_4_LIMIT {
                return Some(Overflow::Revenue(Column {
                    source: "revenue".to_owned(),
                    varchar: None,
                }));
            }
            let currency_text = match currency {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if chars(&currency_text) > CURRENCY_LENGTH {
                return Some(Overflow::Revenue(Column {
                    source: "currency".to_owned(),
                    varchar: Some(CURRENCY_LENGTH),
                }));
            }
        }
    }
    None
}

fn js_truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// `flattenJSON`'s keys and leaves against `event_data` / `session_data`.
fn data_overflow(object: &Map<String, Value>, parent: &str) -> Option<Column> {
    for (key, value) in object {
        let full = if parent.is_empty() {
            key.clone()
        } else {
            format!("{parent}.{key}")
        };
        let column = |varchar| Column {
            source: format!("data `{full}`"),
            varchar,
        };
        if chars(&full) > DATA_KEY_LENGTH {
            return Some(column(Some(DATA_KEY_LENGTH)));
        }
        match value {
            Value::Object(inner) => {
                if let Some(found) = data_overflow(inner, &full) {
                    return Some(found);
                }
            }
            Value::String(s) if chars(s) > STRING_VALUE_LENGTH => {
                return Some(column(Some(STRING_VALUE_LENGTH)));
            }
            Value::Number(n) if n.as_f64().is_some_and(|f| f.abs() >= DECIMAL_19_4_LIMIT) => {
                return Some(column(None));
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn session_columns_fail_first_and_store_nothing() {
        let p = payload(json!({"id": "u".repeat(51), "browser": "b".repeat(21)}));
        let overflow = check(&p).unwrap();
        assert_eq!(
            overflow,
            Overflow::Session(Column {
                source: "id".into(),
                varchar: Some(50)
            })
        );
        assert!(!overflow.event_stored());
        assert_eq!(overflow.error_object()["code"], "P2010");
        assert_eq!(
            overflow.error_object()["meta"]["driverAdapterError"]["cause"]["originalMessage"],
            "value too long for type character varying(50)"
        );
        // 50 astral characters are 50 code points: they fit.
        assert_eq!(check(&payload(json!({"id": "😀".repeat(50)}))), None);
        assert_eq!(check(&payload(json!({"os": "😀".repeat(20)}))), None);
    }

    #[test]
    fn data_overflows_keep_the_event_and_lose_the_data() {
        let big = check(&payload(json!({"data": {"big": 1e20}}))).unwrap();
        assert!(big.event_stored() && !big.data_stored());
        assert_eq!(big.error_object()["code"], "P2020");
        assert_eq!(big.error_object()["meta"]["modelName"], "EventData");
        let long = check(&payload(json!({"data": {"s": "x".repeat(501)}}))).unwrap();
        assert_eq!(long.error_object()["code"], "P2000");
        assert_eq!(
            check(&payload(json!({"data": {"s": "😀".repeat(500)}}))),
            None
        );
    }

    #[test]
    fn query_columns_and_revenue() {
        let url = format!("/p?utm_source={}", "x".repeat(256));
        let overflow = check(&payload(json!({"url": url}))).unwrap();
        assert!(matches!(overflow, Overflow::Event(_)));
        let ok = format!(
            "/p?utm_source={}&other={}",
            "x".repeat(255),
            "y".repeat(999)
        );
        assert_eq!(check(&payload(json!({"url": ok}))), None);
        let currency = json!({"data": {"revenue": 1, "currency": "C".repeat(11)}});
        let overflow = check(&payload(currency)).unwrap();
        assert!(overflow.event_stored() && overflow.data_stored());
        // No revenue row without a positive revenue: the currency is only data then.
        let no_row = json!({"data": {"revenue": 0, "currency": "C".repeat(11)}});
        assert_eq!(check(&payload(no_row)), None);
    }
}
