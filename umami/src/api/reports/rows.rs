//! What the reports answer: funnel steps, goal and retention rows, journeys, attribution,
//! breakdown and UTM rows, and 3.1's revenue report. Read leniently (numbers as strings,
//! missing fields as defaults), as the recorded servers answer.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::de;

/// One step of a funnel (and its answer row).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FunnelStep {
    /// `path` or `event`.
    #[serde(rename = "type", default, deserialize_with = "de::text")]
    pub kind: String,
    /// The path or event name.
    #[serde(default, deserialize_with = "de::text")]
    pub value: String,
    /// Visitors who reached the step.
    #[serde(default, deserialize_with = "de::count", skip_serializing)]
    pub visitors: u64,
    /// Visitors of the previous step.
    #[serde(default, deserialize_with = "de::count", skip_serializing)]
    pub previous: u64,
    /// Visitors lost since the previous step.
    #[serde(default, deserialize_with = "de::count", skip_serializing)]
    pub dropped: u64,
    /// Share lost since the previous step (`None` for the first).
    #[serde(default, deserialize_with = "de::opt_num", skip_serializing)]
    pub dropoff: Option<f64>,
    /// Share of the first step's visitors remaining.
    #[serde(default, deserialize_with = "de::num", skip_serializing)]
    pub remaining: f64,
}

impl FunnelStep {
    /// A step on a page path.
    ///
    /// ```
    /// let step = umami::api::reports::FunnelStep::path("/checkout");
    /// assert_eq!(serde_json::to_value(&step)?, serde_json::json!({"type":"path","value":"/checkout"}));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn path(path: impl Into<String>) -> Self {
        FunnelStep {
            kind: "path".into(),
            value: path.into(),
            ..Default::default()
        }
    }

    /// A step on a custom event.
    pub fn event(name: impl Into<String>) -> Self {
        FunnelStep {
            kind: "event".into(),
            value: name.into(),
            ..Default::default()
        }
    }
}

/// The goal report: how many visitors reached the goal, of how many.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GoalResult {
    /// Visitors who reached it.
    #[serde(default, deserialize_with = "de::count")]
    pub num: u64,
    /// All visitors.
    #[serde(default, deserialize_with = "de::count")]
    pub total: u64,
}

/// One path of the journey report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Journey {
    /// The steps (`None` past the journey's end).
    #[serde(default, deserialize_with = "de::list")]
    pub items: Vec<Option<String>>,
    /// Visitors who took it.
    #[serde(default, deserialize_with = "de::count")]
    pub count: u64,
}

/// One cohort-day of the retention report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RetentionRow {
    /// The cohort's day.
    #[serde(default, deserialize_with = "de::text")]
    pub date: String,
    /// Days after the first visit.
    #[serde(default, deserialize_with = "de::count")]
    pub day: u64,
    /// Visitors of the cohort.
    #[serde(default, deserialize_with = "de::count")]
    pub visitors: u64,
    /// Of them, returning that day.
    #[serde(default, deserialize_with = "de::count")]
    pub return_visitors: u64,
    /// Percentage returning.
    #[serde(default, deserialize_with = "de::num")]
    pub percentage: f64,
}

/// A name and a value (attribution and revenue breakdowns).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NameValue {
    /// The name (`None` for "unknown").
    #[serde(default, deserialize_with = "de::opt_text")]
    pub name: Option<String>,
    /// The value (numbers sent as text are read).
    #[serde(default, deserialize_with = "de::num")]
    pub value: f64,
}

/// The attribution report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Attribution {
    /// By referrer.
    #[serde(default, deserialize_with = "de::list")]
    pub referrer: Vec<NameValue>,
    /// By paid ad network.
    #[serde(default, deserialize_with = "de::list")]
    pub paid_ads: Vec<NameValue>,
    /// By UTM source.
    #[serde(rename = "utm_source", default, deserialize_with = "de::list")]
    pub utm_source: Vec<NameValue>,
    /// By UTM medium.
    #[serde(rename = "utm_medium", default, deserialize_with = "de::list")]
    pub utm_medium: Vec<NameValue>,
    /// By UTM campaign.
    #[serde(rename = "utm_campaign", default, deserialize_with = "de::list")]
    pub utm_campaign: Vec<NameValue>,
    /// By UTM content.
    #[serde(rename = "utm_content", default, deserialize_with = "de::list")]
    pub utm_content: Vec<NameValue>,
    /// By UTM term.
    #[serde(rename = "utm_term", default, deserialize_with = "de::list")]
    pub utm_term: Vec<NameValue>,
    /// Totals, as sent.
    #[serde(default)]
    pub total: Value,
}

/// One row of the breakdown report: totals and the field values that define the row.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BreakdownRow {
    /// Page views.
    #[serde(default, deserialize_with = "de::count")]
    pub views: u64,
    /// Visitors.
    #[serde(default, deserialize_with = "de::count")]
    pub visitors: u64,
    /// Visits.
    #[serde(default, deserialize_with = "de::count")]
    pub visits: u64,
    /// Single-page visits.
    #[serde(default, deserialize_with = "de::count")]
    pub bounces: u64,
    /// Time on site, seconds.
    #[serde(default, deserialize_with = "de::count")]
    pub totaltime: u64,
    /// The field values (`browser`, `os`…).
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// One UTM value and its views.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UtmRow {
    /// The UTM value.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub utm: Option<String>,
    /// Page views.
    #[serde(default, deserialize_with = "de::count")]
    pub views: u64,
}

/// A revenue point of 3.1's revenue report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RevenuePoint {
    /// The event name.
    #[serde(default, deserialize_with = "de::text")]
    pub x: String,
    /// The bucket.
    #[serde(default, deserialize_with = "de::text")]
    pub t: String,
    /// Revenue.
    #[serde(default, deserialize_with = "de::num")]
    pub y: f64,
    /// Purchases.
    #[serde(default, deserialize_with = "de::count")]
    pub count: u64,
}

/// Revenue totals of 3.1's revenue report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RevenueTotal {
    /// Revenue (`0` when none).
    #[serde(default, deserialize_with = "de::num")]
    pub sum: f64,
    /// Purchases.
    #[serde(default, deserialize_with = "de::count")]
    pub count: u64,
    /// Buying sessions.
    #[serde(default, deserialize_with = "de::count")]
    pub unique_count: u64,
    /// All sessions.
    #[serde(default, deserialize_with = "de::count")]
    pub total_sessions: u64,
    /// Average purchase.
    #[serde(default, deserialize_with = "de::num")]
    pub average: f64,
    /// Average revenue per user.
    #[serde(default, deserialize_with = "de::num")]
    pub arpu: f64,
}

/// 3.1's revenue report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RevenueReport {
    /// Revenue per event and bucket.
    #[serde(default, deserialize_with = "de::list")]
    pub chart: Vec<RevenuePoint>,
    /// Totals.
    #[serde(default)]
    pub total: RevenueTotal,
    /// By country.
    #[serde(default, deserialize_with = "de::list")]
    pub country: Vec<NameValue>,
    /// By referrer.
    #[serde(default, deserialize_with = "de::list")]
    pub referrer: Vec<NameValue>,
    /// By channel.
    #[serde(default, deserialize_with = "de::list")]
    pub channel: Vec<NameValue>,
}
