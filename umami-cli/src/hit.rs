//! One hit as the command line and the importers describe it, and its translation into the
//! library's builders: every field checked by the library itself (`prepare`), with Umami's
//! own limits.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};
use umami::Client;
use umami::hit::{HitBuilder, PreparedHit};

/// What kind of hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HitKind {
    Event,
    PageView,
    Revenue,
    Identify,
    Performance,
}

impl HitKind {
    /// The kind named `name` (`event`, `pageview`, `revenue`, `identify`, `performance`).
    pub(crate) fn from_name(name: &str) -> Option<HitKind> {
        Some(match name {
            "event" => HitKind::Event,
            "pageview" => HitKind::PageView,
            "revenue" => HitKind::Revenue,
            "identify" => HitKind::Identify,
            "performance" => HitKind::Performance,
            _ => return None,
        })
    }
}

/// Every field a hit may carry; `None` is "not given" (the library's default applies).
#[derive(Debug, Clone, Default)]
pub(crate) struct HitFields {
    /// `None`: an event when there is a name, else a page view.
    pub(crate) kind: Option<HitKind>,
    pub(crate) website: Option<String>,
    pub(crate) hostname: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) title: Option<String>,
    pub(crate) referrer: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) screen: Option<String>,
    pub(crate) tag: Option<String>,
    pub(crate) id: Option<String>,
    pub(crate) ip: Option<String>,
    pub(crate) user_agent: Option<String>,
    pub(crate) timestamp: Option<SystemTime>,
    pub(crate) browser: Option<String>,
    pub(crate) os: Option<String>,
    pub(crate) device: Option<String>,
    pub(crate) data: Option<Map<String, Value>>,
    pub(crate) revenue: Option<f64>,
    pub(crate) currency: Option<String>,
    pub(crate) lcp: Option<f64>,
    pub(crate) inp: Option<f64>,
    pub(crate) cls: Option<f64>,
    pub(crate) fcp: Option<f64>,
    pub(crate) ttfb: Option<f64>,
}

/// Why fields do not make a hit (before the library's own checks).
pub(crate) fn shape_error(message: impl Into<String>) -> umami::Error {
    umami::Error::Validation(umami::ValidationError::new("hit", message))
}

impl HitFields {
    /// The kind, from `kind` or the fields.
    pub(crate) fn resolved_kind(&self) -> HitKind {
        match self.kind {
            Some(kind) => kind,
            None if self.revenue.is_some() || self.currency.is_some() => HitKind::Revenue,
            None if self.name.is_some() => HitKind::Event,
            None => HitKind::PageView,
        }
    }

    /// The hit, validated by the library (no I/O).
    pub(crate) fn prepare(self, client: &Client) -> Result<PreparedHit, umami::Error> {
        match self.resolved_kind() {
            HitKind::Event => {
                let Some(name) = self.name.clone() else {
                    return Err(shape_error("an event needs a name"));
                };
                self.no_revenue("an event")?;
                self.no_vitals("an event")?;
                let mut hit = client.new_event(name);
                if let Some(data) = self.data.clone() {
                    hit = hit.custom_data(data);
                }
                self.common(hit).prepare()
            }
            HitKind::PageView => {
                if self.name.is_some() {
                    return Err(shape_error(
                        "a page view has no name (give type \"event\" for an event)",
                    ));
                }
                if self.data.is_some() {
                    return Err(shape_error("a page view carries no data"));
                }
                self.no_revenue("a page view")?;
                self.no_vitals("a page view")?;
                // Without a title, the url, as the library's web layer does.
                let url = self.url.clone().unwrap_or_else(|| "/".to_owned());
                let hit =
                    client.new_page_view(self.title.clone().unwrap_or_else(|| url.clone()), url);
                self.common(hit).prepare()
            }
            HitKind::Revenue => {
                self.no_vitals("a revenue event")?;
                let (Some(revenue), Some(currency)) = (self.revenue, self.currency.clone()) else {
                    return Err(shape_error("a revenue event needs revenue and currency"));
                };
                let mut hit = client.new_revenue_event(revenue, currency);
                if let Some(name) = self.name.clone() {
                    hit = hit.event_name(name);
                }
                if let Some(data) = self.data.clone() {
                    hit = hit.custom_data(data);
                }
                self.common(hit).prepare()
            }
            HitKind::Identify => {
                if self.name.is_some() {
                    return Err(shape_error("an identify hit has no name"));
                }
                self.no_revenue("an identify hit")?;
                self.no_vitals("an identify hit")?;
                let mut hit = client.identify(self.id.clone().unwrap_or_default());
                if let Some(data) = self.data.clone() {
                    hit = hit.data(data);
                }
                self.common(hit).prepare()
            }
            HitKind::Performance => {
                if self.name.is_some() || self.data.is_some() {
                    return Err(shape_error("a performance hit has no name and no data"));
                }
                self.no_revenue("a performance hit")?;
                let mut hit =
                    client.new_performance(self.url.clone().unwrap_or_else(|| "/".into()));
                if let Some(v) = self.lcp {
                    hit = hit.lcp(v);
                }
                if let Some(v) = self.inp {
                    hit = hit.inp(v);
                }
                if let Some(v) = self.cls {
                    hit = hit.cls(v);
                }
                if let Some(v) = self.fcp {
                    hit = hit.fcp(v);
                }
                if let Some(v) = self.ttfb {
                    hit = hit.ttfb(v);
                }
                self.common(hit).prepare()
            }
        }
    }

    fn no_revenue(&self, what: &str) -> Result<(), umami::Error> {
        if self.revenue.is_some() || self.currency.is_some() {
            return Err(shape_error(format!(
                "{what} has no revenue or currency (give type \"revenue\")"
            )));
        }
        Ok(())
    }

    fn no_vitals(&self, what: &str) -> Result<(), umami::Error> {
        if [self.lcp, self.inp, self.cls, self.fcp, self.ttfb]
            .iter()
            .any(Option::is_some)
        {
            return Err(shape_error(format!(
                "{what} has no web vitals (give type \"performance\")"
            )));
        }
        Ok(())
    }

    /// The fields every kind shares.
    fn common<K>(&self, mut hit: HitBuilder<K>) -> HitBuilder<K> {
        let kind = self.resolved_kind();
        if let Some(v) = &self.website {
            hit = hit.website_id(v.clone());
        }
        if let Some(v) = &self.hostname {
            hit = hit.hostname(v.clone());
        }
        if kind != HitKind::PageView && kind != HitKind::Performance {
            if let Some(v) = &self.url {
                hit = hit.url(v.clone());
            }
        }
        if kind != HitKind::PageView {
            if let Some(v) = &self.title {
                hit = hit.title(v.clone());
            }
        }
        if let Some(v) = &self.referrer {
            hit = hit.referrer(v.clone());
        }
        if let Some(v) = &self.language {
            hit = hit.language(v.clone());
        }
        if let Some(v) = &self.screen {
            hit = hit.screen(v.clone());
        }
        if let Some(v) = &self.tag {
            hit = hit.tag(v.clone());
        }
        if kind != HitKind::Identify {
            if let Some(v) = &self.id {
                hit = hit.distinct_id(v.clone());
            }
        }
        if let Some(v) = &self.ip {
            hit = hit.ip_address(v.clone());
        }
        if let Some(v) = &self.user_agent {
            hit = hit.user_agent(v.clone());
        }
        if let Some(v) = self.timestamp {
            hit = hit.timestamp(v);
        }
        if let Some(v) = &self.browser {
            hit = hit.browser(v.clone());
        }
        if let Some(v) = &self.os {
            hit = hit.os(v.clone());
        }
        if let Some(v) = &self.device {
            hit = hit.device(v.clone());
        }
        hit
    }
}

/// A `--data` value: JSON when it parses as JSON (numbers, `true`, `false`, `null`, quoted
/// strings, arrays, objects), else the text as a string.
pub(crate) fn typed_value(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => value,
        Err(_) => Value::String(text.to_owned()),
    }
}

/// `KEY=VALUE` into the data map.
pub(crate) fn insert_pair(data: &mut Map<String, Value>, pair: &str) -> Result<(), String> {
    let Some((key, value)) = pair.split_once('=') else {
        return Err(format!("--data {pair:?} is not KEY=VALUE"));
    };
    if key.trim().is_empty() {
        return Err(format!("--data {pair:?} has no key"));
    }
    data.insert(key.to_owned(), typed_value(value));
    Ok(())
}

/// A time given as Unix seconds (`1764547200`, fractions allowed) or RFC 3339
/// (`2026-11-30T12:00:00Z`, `2026-11-30T13:00:00+01:00`).
pub(crate) fn parse_time(text: &str) -> Result<SystemTime, String> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let secs: u64 = text
            .parse()
            .map_err(|_| format!("timestamp {text:?} is out of range"))?;
        return Ok(UNIX_EPOCH + Duration::from_secs(secs));
    }
    if let Ok(secs) = text.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Ok(UNIX_EPOCH + Duration::from_secs_f64(secs));
        }
        return Err(format!("timestamp {text:?} is before 1970"));
    }
    let at: jiff::Timestamp = text.parse().map_err(|_| {
        format!("timestamp {text:?} is neither Unix seconds nor RFC 3339 (2026-11-30T12:00:00Z)")
    })?;
    Ok(SystemTime::from(at))
}

/// A JSON timestamp: a number of Unix seconds or an RFC 3339 string.
pub(crate) fn time_of_json(value: &Value) -> Result<SystemTime, String> {
    match value {
        Value::Number(n) => match n.as_u64() {
            Some(secs) => Ok(UNIX_EPOCH + Duration::from_secs(secs)),
            None => match n.as_f64() {
                Some(secs) if secs.is_finite() && secs >= 0.0 => {
                    Ok(UNIX_EPOCH + Duration::from_secs_f64(secs))
                }
                _ => Err(format!("timestamp {n} is before 1970")),
            },
        },
        Value::String(text) => parse_time(text),
        other => Err(format!(
            "timestamp must be Unix seconds or an RFC 3339 string, not {other}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_values_are_typed_as_json_would() {
        assert_eq!(typed_value("3"), json!(3));
        assert_eq!(typed_value("2.5"), json!(2.5));
        assert_eq!(typed_value("true"), json!(true));
        assert_eq!(typed_value("null"), Value::Null);
        assert_eq!(typed_value("\"3\""), json!("3"));
        assert_eq!(typed_value("pro"), json!("pro"));
        assert_eq!(typed_value("[1,2]"), json!([1, 2]));
        assert_eq!(typed_value(""), json!(""));
    }

    #[test]
    fn times_are_unix_seconds_or_rfc3339() {
        let at = UNIX_EPOCH + Duration::from_secs(1_764_547_200);
        assert_eq!(parse_time("1764547200"), Ok(at));
        assert_eq!(parse_time("2025-12-01T00:00:00Z"), Ok(at));
        assert_eq!(parse_time("2025-12-01T01:00:00+01:00"), Ok(at));
        assert!(parse_time("yesterday").unwrap_err().contains("RFC 3339"));
        assert_eq!(time_of_json(&json!(1_764_547_200)), Ok(at));
    }
}
