//! [`ReportRequest`]: one report's range, filters and options, sent to Umami 3.3's route or
//! 3.1's, and the answer read in the kind's shape.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

#[cfg(doc)]
use super::Reports;
use super::{AttributionReport, Journeys, Performance, ReportApi, ReportKind};
use crate::api::call::{Call, Operation};
use crate::api::request::{Filters, Unit, epoch_millis};
use crate::client::Client;
use crate::error::{Error, ValidationError};

/// A report over `[start, end]`, made by a [`Reports`] method ([`funnel`](Reports::funnel), …); set
/// filters and options, then `.send().await`.
#[must_use = "a report does nothing until `.send().await`"]
pub struct ReportRequest<K> {
    client: Client,
    website_id: Option<String>,
    start: SystemTime,
    end: SystemTime,
    filters: Filters,
    /// 3.3 query pairs (besides range and filters) and 3.1 parameters, side by side.
    query: Vec<(&'static str, String)>,
    params: Map<String, Value>,
    api: ReportApi,
    error: Option<ValidationError>,
    _kind: PhantomData<fn() -> K>,
}

impl<K> fmt::Debug for ReportRequest<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReportRequest")
            .field("kind", &std::any::type_name::<K>())
            .field("website_id", &self.website_id)
            .field("query", &self.query)
            .field("filters", &self.filters)
            .field("api", &self.api)
            .finish_non_exhaustive()
    }
}

fn detected() -> &'static Mutex<HashMap<String, ReportApi>> {
    static DETECTED: OnceLock<Mutex<HashMap<String, ReportApi>>> = OnceLock::new();
    DETECTED.get_or_init(Default::default)
}

impl<K: ReportKind> ReportRequest<K> {
    pub(super) fn new(client: &Client, start: SystemTime, end: SystemTime) -> Self {
        let mut r = ReportRequest {
            client: client.clone(),
            website_id: None,
            start,
            end,
            filters: Filters::default(),
            query: Vec::new(),
            params: Map::new(),
            api: if K::OP.is_none() {
                ReportApi::Legacy
            } else {
                ReportApi::Auto
            },
            error: None,
            _kind: PhantomData,
        };
        if let (Ok(s), Ok(e)) = (epoch_millis("start", start), epoch_millis("end", end)) {
            if e < s {
                r.fail(ValidationError::new(
                    "end",
                    format!("{e} ms is before start ({s} ms)"),
                ));
            }
        }
        r
    }

    pub(super) fn fail(&mut self, error: ValidationError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// A parameter: `name` in 3.3's query, `name` with `value` in 3.1's parameters.
    pub(super) fn param(mut self, name: &'static str, text: String, value: Value) -> Self {
        self.query.retain(|(k, _)| *k != name);
        self.query.push((name, text));
        self.params.insert(name.to_owned(), value);
        self
    }

    /// A 3.3 query pair that 3.1's body does not take (it is kept for `from_legacy`).
    pub(super) fn query_only(mut self, name: &'static str, text: String) -> Self {
        self.query.retain(|(k, _)| *k != name);
        self.query.push((name, text));
        self
    }

    /// The website; default: the client's `website_id`.
    pub fn website_id(mut self, website_id: impl Into<String>) -> Self {
        self.website_id = Some(website_id.into());
        self
    }

    /// Filters the report's hits (see [`Filters`]).
    pub fn filters(mut self, filters: Filters) -> Self {
        self.filters = filters;
        self
    }

    /// The IANA time zone of dates and buckets.
    pub fn timezone(self, zone: impl Into<String>) -> Self {
        let zone = zone.into();
        self.param("timezone", zone.clone(), Value::String(zone))
    }

    /// The bucket size, where the report has buckets.
    pub fn unit(self, unit: Unit) -> Self {
        self.param("unit", unit.as_str().into(), json!(unit.as_str()))
    }

    /// Which reports API to use; default [`ReportApi::Auto`].
    pub fn api(mut self, api: ReportApi) -> Self {
        self.api = api;
        self
    }

    fn per_website_call(&self, id: &str, op: Operation) -> Result<Call, Error> {
        let mut call = Call::new(op).arg(id);
        call.set("startAt", epoch_millis("start", self.start)?.to_string());
        call.set("endAt", epoch_millis("end", self.end)?.to_string());
        for (name, value) in &self.query {
            call.set(name, value.clone());
        }
        for (name, value) in self.filters.pairs() {
            call.set(name, value.to_owned());
        }
        Ok(call)
    }

    fn legacy_call(&self, id: &str) -> Result<Call, Error> {
        let mut params = self.params.clone();
        params.insert("startDate".into(), Value::String(iso8601(self.start)?));
        params.insert("endDate".into(), Value::String(iso8601(self.end)?));
        let filters: Map<String, Value> = self
            .filters
            .pairs()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
            .collect();
        let body = json!({
            "websiteId": id,
            "type": K::LEGACY,
            "filters": filters,
            "parameters": params,
        });
        Call::new(LEGACY_REPORT).arg(K::LEGACY).json(&body)
    }

    /// The request(s) this report sends: the 3.3 one, then the 3.1 one, as `ReportApi`
    /// allows. No I/O.
    ///
    /// # Errors
    /// As [`send`](Self::send), for everything checked before I/O.
    pub fn to_urls(&self) -> Result<Vec<(&'static str, url::Url)>, Error> {
        let id = self.check()?;
        let mut urls = Vec::new();
        if let (Some(op), false) = (K::OP, self.api == ReportApi::Legacy) {
            let call = self.per_website_call(&id, op)?;
            urls.push((op.method, call.url(&self.client)?));
        }
        if self.api != ReportApi::PerWebsite {
            let call = self.legacy_call(&id)?;
            urls.push(("POST", call.url(&self.client)?));
        }
        Ok(urls)
    }

    fn check(&self) -> Result<String, Error> {
        if let Some(e) = &self.error {
            return Err(e.clone().into());
        }
        epoch_millis("start", self.start)?;
        epoch_millis("end", self.end)?;
        for (name, value) in self.filters.pairs() {
            if value.trim().is_empty() {
                return Err(ValidationError::new(name, "a filter value must not be empty").into());
            }
        }
        self.client.resolve_website_id(self.website_id.as_deref())
    }

    /// Checks the inputs, then asks the server.
    ///
    /// # Errors
    /// [`Error::Validation`] before any I/O (website id, times, blank values);
    /// [`Error::Status`] (a 404/405 of both routes with [`ReportApi::Auto`] is the 3.1
    /// route's); [`Error::UnexpectedResponse`]; [`Error::Transport`].
    pub async fn send(self) -> Result<K::Output, Error> {
        let id = self.check()?;
        let root = self.client.management_api_root();
        let mut api = self.api;
        if api == ReportApi::Auto {
            if let Some(known) = detected().lock().ok().and_then(|m| m.get(&root).copied()) {
                api = known;
            }
        }
        if let (Some(op), true) = (K::OP, api != ReportApi::Legacy) {
            let call = self.per_website_call(&id, op)?;
            match call.send::<K::Output>(&self.client).await {
                Err(Error::Status {
                    status: 404 | 405, ..
                }) if api == ReportApi::Auto => {
                    tracing::debug!("no 3.3 report route: trying Umami 3.1's");
                }
                other => {
                    if other.is_ok() && api == ReportApi::Auto {
                        if let Ok(mut m) = detected().lock() {
                            m.insert(root, ReportApi::PerWebsite);
                        }
                    }
                    return other;
                }
            }
        }
        let body = self.legacy_call(&id)?.send_raw(&self.client).await?;
        let value: Value = crate::api::parse_json(&body)?;
        if self.api == ReportApi::Auto {
            if let Ok(mut m) = detected().lock() {
                m.insert(root, ReportApi::Legacy);
            }
        }
        let asked: Map<String, Value> = self
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
            .collect();
        let value = K::from_legacy(value, &asked).map_err(Error::UnexpectedResponse)?;
        serde_json::from_value(value).map_err(|e| {
            Error::UnexpectedResponse(format!("could not read the {} report ({e})", K::LEGACY))
        })
    }
}

/// 3.1's `POST /api/reports/{kind}`: not in the 3.3 contract, so not in its table.
const LEGACY_REPORT: Operation = Operation {
    id: "legacyReport",
    method: "POST",
    path: "/api/reports/{kind}",
    query: &[],
};

/// `2026-11-24T07:51:00.000Z` of a time (UTC, milliseconds).
fn iso8601(at: SystemTime) -> Result<String, ValidationError> {
    let d = at
        .duration_since(UNIX_EPOCH)
        .map_err(|_| ValidationError::new("start", "is before 1970-01-01 (Unix epoch)"))?;
    let secs = d.as_secs();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Ok(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    ))
}

impl ReportRequest<Journeys> {
    /// Only journeys starting here (a path or event name).
    pub fn start_step(self, step: impl Into<String>) -> Self {
        let s = step.into();
        self.param("startStep", s.clone(), Value::String(s))
    }

    /// Only journeys ending here.
    pub fn end_step(self, step: impl Into<String>) -> Self {
        let s = step.into();
        self.param("endStep", s.clone(), Value::String(s))
    }
}

impl ReportRequest<AttributionReport> {
    /// Revenue in this currency.
    pub fn currency(self, currency: impl Into<String>) -> Self {
        let c = currency.into();
        self.param("currency", c.clone(), Value::String(c))
    }
}

impl ReportRequest<Performance> {
    /// The vital.
    pub fn vital(self, vital: crate::api::analytics::Vital) -> Self {
        self.param("metric", vital.as_str().into(), json!(vital.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn iso_dates_match_the_web_ui() {
        let at = UNIX_EPOCH + Duration::from_millis(1_795_506_660_000);
        assert_eq!(iso8601(at).unwrap(), "2026-11-24T07:51:00.000Z");
        assert_eq!(iso8601(UNIX_EPOCH).unwrap(), "1970-01-01T00:00:00.000Z");
        let leap = UNIX_EPOCH + Duration::from_millis(951_782_400_123);
        assert_eq!(iso8601(leap).unwrap(), "2000-02-29T00:00:00.123Z");
    }
}
