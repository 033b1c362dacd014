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

use std::time::SystemTime;

use serde_json::{Value, json};

use crate::client::Client;
use crate::error::ValidationError;

mod kinds;
mod report_request;
mod rows;

pub use kinds::{
    AttributionReport, Breakdown, Funnel, Goal, Journeys, Performance, ReportKind, Retention,
    Revenue, Utm,
};
pub use report_request::ReportRequest;
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
