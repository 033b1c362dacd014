//! The kinds of report: what each [`ReportRequest`](super::ReportRequest) answers, and the
//! routes only this crate sets (sealed).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::rows::{
    Attribution, BreakdownRow, FunnelStep, GoalResult, Journey, RetentionRow, RevenueReport, UtmRow,
};
use crate::api::call::Operation;
use crate::api::operations as ops;

/// A kind of report: what its [`ReportRequest`](super::ReportRequest) answers. Sealed: the kinds of this module
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
pub(super) mod sealed {
    use serde_json::{Map, Value};

    use crate::api::call::Operation;

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
