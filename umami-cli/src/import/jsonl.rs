//! JSON Lines: one hit per line, in the wire shape (`{"type":"event","payload":{...}}`, what
//! `/api/send` takes) or the flat shape (the payload's keys at the top level, `type`
//! optional, `timestamp` also as RFC 3339, `revenue`/`currency` for revenue events).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::hit::{HitFields, HitKind, time_of_json};

/// The keys of a line, wire or flat (unknown keys are an error naming them).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHit<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    payload: Option<Box<RawHit<'a>>>,
    #[serde(borrow, default)]
    website: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    hostname: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    title: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    referrer: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    language: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    screen: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    tag: Option<Cow<'a, str>>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(borrow, default)]
    ip: Option<Cow<'a, str>>,
    #[serde(rename = "userAgent", borrow, default)]
    user_agent: Option<Cow<'a, str>>,
    #[serde(default)]
    timestamp: Option<Value>,
    #[serde(borrow, default)]
    browser: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    os: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    device: Option<Cow<'a, str>>,
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    revenue: Option<f64>,
    #[serde(borrow, default)]
    currency: Option<Cow<'a, str>>,
    #[serde(default)]
    lcp: Option<f64>,
    #[serde(default)]
    inp: Option<f64>,
    #[serde(default)]
    cls: Option<f64>,
    #[serde(default)]
    fcp: Option<f64>,
    #[serde(default)]
    ttfb: Option<f64>,
}

fn owned(text: Option<Cow<'_, str>>) -> Option<String> {
    text.map(Cow::into_owned)
}

/// The hit of one line, or why the line is not one.
pub(crate) fn parse(line: &[u8]) -> Result<HitFields, String> {
    let raw: RawHit<'_> = serde_json::from_slice(line).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => e.to_string(),
        _ => format!("invalid JSON: {e}"),
    })?;
    match raw.payload {
        Some(payload) => wire(
            raw.kind,
            payload,
            raw.website.is_some() || raw.name.is_some(),
        ),
        None => flat(raw),
    }
}

/// `{"type": ..., "payload": {...}}`.
fn wire(
    kind: Option<Cow<'_, str>>,
    payload: Box<RawHit<'_>>,
    extra: bool,
) -> Result<HitFields, String> {
    if extra {
        return Err("a wire-shaped line has only \"type\" and \"payload\"".to_owned());
    }
    if payload.kind.is_some() || payload.payload.is_some() {
        return Err("the payload has no \"type\" or \"payload\" of its own".to_owned());
    }
    if payload.revenue.is_some() || payload.currency.is_some() {
        return Err(
            "\"revenue\" and \"currency\" go in the payload's \"data\" in the wire shape"
                .to_owned(),
        );
    }
    let kind = match kind.as_deref() {
        Some("event") if payload.name.is_some() => HitKind::Event,
        Some("event") => HitKind::PageView,
        Some("identify") => HitKind::Identify,
        Some("performance") => HitKind::Performance,
        Some(other) => {
            return Err(format!(
                "\"type\" {other:?} is not event, identify or performance"
            ));
        }
        None => return Err("a wire-shaped line needs \"type\"".to_owned()),
    };
    fields(Some(kind), *payload)
}

/// The payload's keys at the top level.
fn flat(raw: RawHit<'_>) -> Result<HitFields, String> {
    let kind = match raw.kind.as_deref() {
        None => None,
        Some(name) => Some(HitKind::from_name(name).ok_or_else(|| {
            format!("\"type\" {name:?} is not event, pageview, revenue, identify or performance")
        })?),
    };
    fields(kind, raw)
}

fn fields(kind: Option<HitKind>, raw: RawHit<'_>) -> Result<HitFields, String> {
    let id = match raw.id {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(Value::Number(n)) if n.is_u64() || n.is_i64() => Some(n.to_string()),
        Some(other) => {
            return Err(format!(
                "\"id\" must be a string or an integer, not {other}"
            ));
        }
    };
    let timestamp = match &raw.timestamp {
        None | Some(Value::Null) => None,
        Some(value) => Some(time_of_json(value)?),
    };
    let data = match raw.data {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map),
        Some(other) => {
            return Err(format!(
                "\"data\" must be a JSON object, not {}",
                kind_of(&other)
            ));
        }
    };
    Ok(HitFields {
        kind,
        website: owned(raw.website),
        hostname: owned(raw.hostname),
        name: owned(raw.name),
        url: owned(raw.url),
        title: owned(raw.title),
        referrer: owned(raw.referrer),
        language: owned(raw.language),
        screen: owned(raw.screen),
        tag: owned(raw.tag),
        id,
        ip: owned(raw.ip),
        user_agent: owned(raw.user_agent),
        timestamp,
        browser: owned(raw.browser),
        os: owned(raw.os),
        device: owned(raw.device),
        data: data.map(|m: Map<String, Value>| m),
        revenue: raw.revenue,
        currency: owned(raw.currency),
        lcp: raw.lcp,
        inp: raw.inp,
        cls: raw.cls,
        fcp: raw.fcp,
        ttfb: raw.ttfb,
    })
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_and_flat_lines_make_the_same_event() {
        let wire = parse(br#"{"type":"event","payload":{"website":"w","name":"Signup","data":{"plan":"pro"},"timestamp":1764547200}}"#).unwrap();
        let flat = parse(br#"{"name":"Signup","website":"w","data":{"plan":"pro"},"timestamp":"2025-12-01T00:00:00Z"}"#).unwrap();
        for hit in [wire, flat] {
            assert_eq!(hit.resolved_kind(), HitKind::Event);
            assert_eq!(hit.name.as_deref(), Some("Signup"));
            assert_eq!(
                hit.timestamp,
                Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_764_547_200))
            );
        }
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = parse(br#"{"nmae":"Signup"}"#).unwrap_err();
        assert!(err.contains("unknown field `nmae`"), "{err}");
    }

    #[test]
    fn a_wire_event_without_name_is_a_page_view() {
        let hit = parse(br#"{"type":"event","payload":{"url":"/a"}}"#).unwrap();
        assert_eq!(hit.resolved_kind(), HitKind::PageView);
    }
}
