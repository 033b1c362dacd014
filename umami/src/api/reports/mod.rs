//! Reports: `client.reports()`, the [`Reports`] handle: funnel, goal, journey, retention,
//! attribution, breakdown and UTM, on Umami 3.1 and 3.3, plus 3.1's revenue and performance
//! reports.
//!
//! Umami 3.3 serves reports as reads, `GET /websites/{id}/funnels/stats?…`; Umami 3.1 as
//! `POST /api/reports/<kind>` with a JSON body. [`ReportApi::Auto`] (the default) asks the
//! 3.3 route first and, on a `404` or `405`, the 3.1 one, and remembers per server which one
//! answered; [`ReportRequest::api`] picks one.
//!
//! ```no_run
//! # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
//! use std::time::{Duration, SystemTime};
//! use umami::api::reports::FunnelStep;
//!
//! let end = SystemTime::now();
//! let start = end - Duration::from_secs(7 * 86_400);
//! let reports = client.reports();
//! let funnel = reports
//!     .funnel(start, end, &[FunnelStep::path("/pricing"), FunnelStep::path("/checkout")], 60)
//!     .send()
//!     .await?;
//! let retention = reports.retention(start, end).timezone("UTC").send().await?;
//! println!("{} steps, {} cohorts", funnel.len(), retention.len());
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::call::{Call, Operation};
use super::operations as ops;
use super::request::{Filters, Unit, epoch_millis};
use crate::client::Client;
use crate::error::{Error, ValidationError};

mod rows;

pub use rows::{
    Attribution, BreakdownRow, FunnelStep, GoalResult, Journey, NameValue, RetentionRow,
    RevenuePoint, RevenueReport, RevenueTotal, UtmRow,
};

/// The reports of a [`Client`], from `client.reports()`: one method per report, each
/// returning a [`ReportRequest`] to finish with `.send().await`. Borrows the client; cheap to
/// make.
///
/// ```no_run
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// use std::time::{Duration, SystemTime};
/// let end = SystemTime::now();
/// let journeys = client.reports().journey(end - Duration::from_secs(86_400), end, 3).send().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Reports<'c> {
    client: &'c Client,
}

impl Client {
    /// The reports: funnel, goal, journey, retention, attribution, breakdown, UTM, and 3.1's
    /// revenue and performance reports (see [`Reports`]).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// use std::time::{Duration, SystemTime};
    /// use umami::api::reports::UtmField;
    /// let end = SystemTime::now();
    /// let sources = client.reports().utm(end - Duration::from_secs(86_400), end, UtmField::Source).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn reports(&self) -> Reports<'_> {
        Reports { client: self }
    }
}

/// Which reports API a [`ReportRequest`] uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReportApi {
    /// 3.3's route, falling back to 3.1's on 404/405 (remembered per server).
    #[default]
    Auto,
    /// Umami 3.3+: `GET /websites/{id}/<kind>`.
    PerWebsite,
    /// Umami 3.1: `POST /api/reports/<kind>`.
    Legacy,
}

/// A kind of report: what its [`ReportRequest`] answers. Sealed: the kinds of this module
/// ([`Funnel`], [`Goal`], [`Journeys`], [`Retention`], [`AttributionReport`], [`Breakdown`],
/// [`Utm`], [`Revenue`], [`Performance`]) are all of them.
///
/// ```
/// use umami::api::reports::{FunnelStep, ReportKind, ReportRequest};
///
/// // `.send().await` answers the kind's `Output`.
/// fn reads_steps<K: ReportKind<Output = Vec<FunnelStep>>>(_: &ReportRequest<K>) {}
///
/// let client = umami::Client::builder().url_base("https://umami.example.com").build()?;
/// let now = std::time::SystemTime::now();
/// let steps = [FunnelStep::path("/pricing"), FunnelStep::path("/checkout")];
/// reads_steps(&client.reports().funnel(now, now, &steps, 60));
/// # Ok::<(), umami::Error>(())
/// ```
///
/// No other crate can add kinds:
///
/// ```compile_fail,E0277
/// struct Mine;
/// impl umami::api::reports::ReportKind for Mine {
///     type Output = ();
/// }
/// ```
pub trait ReportKind: sealed::Sealed {
    /// The answer, as read.
    type Output: DeserializeOwned;
}

/// The part of [`ReportKind`] only this crate can implement: the routes and the 3.1 answer.
mod sealed {
    use serde_json::{Map, Value};

    use super::Operation;

    /// A report kind's 3.3 operation and 3.1 name.
    pub trait Sealed {
        /// The 3.3 operation, if the kind has one.
        const OP: Option<Operation>;
        /// The 3.1 `/api/reports/<name>`.
        const LEGACY: &'static str;
        /// The 3.1 answer turned into the kind's output, for kinds whose shapes differ;
        /// `asked` holds the request's 3.3 query pairs.
        fn from_legacy(value: Value, _asked: &Map<String, Value>) -> Result<Value, String> {
            Ok(value)
        }
    }
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident => $op:expr, $legacy:literal, $out:ty;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        #[non_exhaustive]
        pub struct $name;
        impl sealed::Sealed for $name {
            const OP: Option<Operation> = $op;
            const LEGACY: &'static str = $legacy;
        }
        impl ReportKind for $name {
            type Output = $out;
        }
    )*};
}

kinds! {
    /// The funnel report.
    Funnel => Some(ops::GET_WEBSITE_FUNNEL_STATS), "funnel", Vec<FunnelStep>;
    /// The goal report.
    Goal => Some(ops::GET_WEBSITE_GOAL_STATS), "goal", GoalResult;
    /// The journey report.
    Journeys => Some(ops::GET_WEBSITE_JOURNEYS), "journey", Vec<Journey>;
    /// The retention report.
    Retention => Some(ops::GET_WEBSITE_RETENTION), "retention", Vec<RetentionRow>;
    /// The attribution report.
    AttributionReport => Some(ops::GET_WEBSITE_ATTRIBUTION), "attribution", Attribution;
    /// The breakdown report.
    Breakdown => Some(ops::GET_WEBSITE_BREAKDOWN), "breakdown", Vec<BreakdownRow>;
    /// 3.1's revenue report (3.3: [`Analytics::revenue_stats`](crate::api::analytics::Analytics::revenue_stats)).
    Revenue => None, "revenue", RevenueReport;
    /// 3.1's performance report (3.3: [`Analytics::performance_stats`](crate::api::analytics::Analytics::performance_stats)).
    Performance => None, "performance", Value;
}

/// The UTM report of one UTM field.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Utm;

impl ReportKind for Utm {
    type Output = Vec<UtmRow>;
}

impl sealed::Sealed for Utm {
    const OP: Option<Operation> = Some(ops::GET_WEBSITE_UTM_METRICS);
    const LEGACY: &'static str = "utm";
    fn from_legacy(mut value: Value, asked: &Map<String, Value>) -> Result<Value, String> {
        // 3.1 answers every field at once, keyed `utm_source`…; keep the one asked for.
        let key = match asked.get("type").and_then(Value::as_str) {
            Some("utmSource") => "utm_source",
            Some("utmMedium") => "utm_medium",
            Some("utmCampaign") => "utm_campaign",
            Some("utmContent") => "utm_content",
            Some("utmTerm") => "utm_term",
            _ => return Err("unknown UTM field".into()),
        };
        Ok(value
            .get_mut(key)
            .map(Value::take)
            .unwrap_or(Value::Array(Vec::new())))
    }
}

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
    fn new(client: &Client, start: SystemTime, end: SystemTime) -> Self {
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

    fn fail(&mut self, error: ValidationError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// A parameter: `name` in 3.3's query, `name` with `value` in 3.1's parameters.
    fn param(mut self, name: &'static str, text: String, value: Value) -> Self {
        self.query.retain(|(k, _)| *k != name);
        self.query.push((name, text));
        self.params.insert(name.to_owned(), value);
        self
    }

    /// A 3.3 query pair that 3.1's body does not take (it is kept for `from_legacy`).
    fn query_only(mut self, name: &'static str, text: String) -> Self {
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
        let value: Value = super::parse_json(&body)?;
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
pub(crate) const LEGACY_REPORT: Operation = Operation {
    id: "legacyReport",
    method: "POST",
    path: "/api/reports/{kind}",
    query: &[],
};

/// `2026-11-24T07:51:00.000Z` of a time (UTC, milliseconds).
pub(crate) fn iso8601(at: SystemTime) -> Result<String, ValidationError> {
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

/// The attribution model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttributionModel {
    /// `first-click`
    FirstClick,
    /// `last-click`
    LastClick,
}

/// A UTM field, for [`Reports::utm`](crate::api::reports::Reports::utm).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UtmField {
    /// `utmSource`
    Source,
    /// `utmMedium`
    Medium,
    /// `utmCampaign`
    Campaign,
    /// `utmContent`
    Content,
    /// `utmTerm`
    Term,
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

impl Reports<'_> {
    /// The funnel report: visitors through `steps` (2 to 8) within `window_minutes`.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// use std::time::{Duration, SystemTime};
    /// use umami::api::reports::FunnelStep;
    /// let end = SystemTime::now();
    /// let funnel = client
    ///     .reports()
    ///     .funnel(end - Duration::from_secs(7 * 86_400), end,
    ///         &[FunnelStep::path("/pricing"), FunnelStep::path("/checkout")], 60)
    ///     .send()
    ///     .await?;
    /// for step in funnel { println!("{} {}", step.value, step.visitors); }
    /// # Ok(()) }
    /// ```
    pub fn funnel(
        &self,
        start: SystemTime,
        end: SystemTime,
        steps: &[FunnelStep],
        window_minutes: u32,
    ) -> ReportRequest<Funnel> {
        let mut r = ReportRequest::new(self.client, start, end);
        if !(2..=8).contains(&steps.len()) {
            r.fail(ValidationError::new(
                "steps",
                format!("a funnel needs 2 to 8 steps, got {}", steps.len()),
            ));
        }
        if steps.iter().any(|s| s.value.trim().is_empty()) {
            r.fail(ValidationError::new(
                "steps",
                "a step value must not be blank",
            ));
        }
        if window_minutes == 0 {
            r.fail(ValidationError::new("window_minutes", "must be at least 1"));
        }
        let steps_json = serde_json::to_value(steps).unwrap_or(Value::Null);
        r.param("steps", steps_json.to_string(), steps_json).param(
            "window",
            window_minutes.to_string(),
            json!(window_minutes),
        )
    }

    /// The goal report: visitors who viewed `path_or_event` (`kind` `path` or `event`).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let goal = client.reports().goal(end - Duration::from_secs(86_400), end, umami::api::reports::FunnelStep::event("signup")).send().await?;
    /// println!("{} of {}", goal.num, goal.total);
    /// # Ok(()) }
    /// ```
    pub fn goal(
        &self,
        start: SystemTime,
        end: SystemTime,
        goal: FunnelStep,
    ) -> ReportRequest<Goal> {
        let mut r = ReportRequest::new(self.client, start, end);
        if goal.value.trim().is_empty() {
            r.fail(ValidationError::new("goal", "the value must not be blank"));
        }
        r.param("type", goal.kind.clone(), Value::String(goal.kind))
            .param("value", goal.value.clone(), Value::String(goal.value))
    }

    /// The journey report: the most common paths of `steps` (2 to 7) hits.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let journeys = client.reports().journey(end - Duration::from_secs(86_400), end, 3).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn journey(
        &self,
        start: SystemTime,
        end: SystemTime,
        steps: u8,
    ) -> ReportRequest<Journeys> {
        let mut r = ReportRequest::new(self.client, start, end);
        if !(2..=7).contains(&steps) {
            r.fail(ValidationError::new(
                "steps",
                format!("must be 2 to 7, got {steps}"),
            ));
        }
        r.param("steps", steps.to_string(), json!(steps))
    }

    /// The retention report: returning visitors per first-visit day.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let rows = client.reports().retention(end - Duration::from_secs(7 * 86_400), end).timezone("UTC").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn retention(&self, start: SystemTime, end: SystemTime) -> ReportRequest<Retention> {
        ReportRequest::new(self.client, start, end)
    }

    /// The attribution report: where visitors who reached `step` came from.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// use umami::api::reports::{AttributionModel, FunnelStep};
    /// let a = client
    ///     .reports()
    ///     .attribution(end - Duration::from_secs(86_400), end, AttributionModel::FirstClick, FunnelStep::event("purchase"))
    ///     .currency("USD")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn attribution(
        &self,
        start: SystemTime,
        end: SystemTime,
        model: AttributionModel,
        step: FunnelStep,
    ) -> ReportRequest<AttributionReport> {
        let model = match model {
            AttributionModel::FirstClick => "first-click",
            AttributionModel::LastClick => "last-click",
        };
        let mut r = ReportRequest::new(self.client, start, end);
        if step.value.trim().is_empty() {
            r.fail(ValidationError::new("step", "the value must not be blank"));
        }
        r.param("model", model.into(), json!(model))
            .param("type", step.kind.clone(), Value::String(step.kind))
            .param("step", step.value.clone(), Value::String(step.value))
    }

    /// The breakdown report: totals per combination of `fields` (e.g. `browser`, `os`).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// use umami::api::analytics::MetricType;
    /// let rows = client.reports().breakdown(end - Duration::from_secs(86_400), end, &[MetricType::Browser, MetricType::Os]).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn breakdown(
        &self,
        start: SystemTime,
        end: SystemTime,
        fields: &[crate::api::analytics::MetricType],
    ) -> ReportRequest<Breakdown> {
        let mut r = ReportRequest::new(self.client, start, end);
        if fields.is_empty() {
            r.fail(ValidationError::new("fields", "needs at least one field"));
        }
        let names: Vec<&str> = fields.iter().map(|f| f.as_str()).collect();
        r.param("fields", names.join(","), json!(names))
    }

    /// The UTM report of one field: views per value.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let sources = client.reports().utm(end - Duration::from_secs(86_400), end, umami::api::reports::UtmField::Source).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn utm(&self, start: SystemTime, end: SystemTime, field: UtmField) -> ReportRequest<Utm> {
        let name = match field {
            UtmField::Source => "utmSource",
            UtmField::Medium => "utmMedium",
            UtmField::Campaign => "utmCampaign",
            UtmField::Content => "utmContent",
            UtmField::Term => "utmTerm",
        };
        ReportRequest::new(self.client, start, end).query_only("type", name.into())
    }

    /// Umami 3.1's revenue report in `currency` (3.3: [`Analytics::revenue_stats`](crate::api::analytics::Analytics::revenue_stats)).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let revenue = client.reports().revenue(end - Duration::from_secs(86_400), end, "USD").timezone("UTC").send().await?;
    /// println!("{:.2}", revenue.total.sum);
    /// # Ok(()) }
    /// ```
    pub fn revenue(
        &self,
        start: SystemTime,
        end: SystemTime,
        currency: impl Into<String>,
    ) -> ReportRequest<Revenue> {
        let c = currency.into();
        let mut r = ReportRequest::new(self.client, start, end);
        if c.trim().is_empty() {
            r.fail(ValidationError::new(
                "currency",
                "must not be empty or blank",
            ));
        }
        r.param("currency", c.clone(), Value::String(c))
    }

    /// Umami 3.1's performance report (3.3: [`Analytics::performance_stats`](crate::api::analytics::Analytics::performance_stats)).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let perf = client.reports().performance(end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn performance(&self, start: SystemTime, end: SystemTime) -> ReportRequest<Performance> {
        ReportRequest::new(self.client, start, end)
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
