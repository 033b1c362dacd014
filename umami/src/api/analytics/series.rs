//! Time series: page views and sessions per bucket (`/pageviews`), events per bucket
//! (`/events/series`).

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::Analytics;
use crate::api::de;
use crate::api::request::{Request, endpoints};

/// One `(x, y)` point: a bucket label (or a name) and its value.
///
/// ```
/// let p: umami::api::analytics::Point = serde_json::from_str(r#"{"x":"2026-11-24 00:00:00","y":"6"}"#)?;
/// assert_eq!(p.y, 6.0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Point {
    /// The bucket (local `YYYY-MM-DD hh:mm:ss` with a timezone, ISO UTC without) or name.
    #[serde(default, deserialize_with = "de::text")]
    pub x: String,
    /// The value.
    #[serde(default, deserialize_with = "de::num")]
    pub y: f64,
}

/// The earlier period of a [`PageviewsSeries`], with [`compare`](crate::api::Request::compare).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PageviewsComparison {
    /// Page views per bucket.
    #[serde(default, deserialize_with = "de::list")]
    pub pageviews: Vec<Point>,
    /// Sessions per bucket.
    #[serde(default, deserialize_with = "de::list")]
    pub sessions: Vec<Point>,
    /// Start of the earlier period (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub start_date: Option<String>,
    /// End of the earlier period (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub end_date: Option<String>,
}

/// Page views and sessions per bucket: what [`Analytics::pageviews`](crate::api::analytics::Analytics::pageviews) returns.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PageviewsSeries {
    /// Page views per bucket.
    #[serde(default, deserialize_with = "de::list")]
    pub pageviews: Vec<Point>,
    /// Sessions per bucket.
    #[serde(default, deserialize_with = "de::list")]
    pub sessions: Vec<Point>,
    /// The earlier period, when asked for.
    #[serde(default)]
    pub compare: Option<PageviewsComparison>,
}

/// One point of an event series: event name, bucket, count.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventSeriesPoint {
    /// The event name.
    #[serde(default, deserialize_with = "de::text")]
    pub x: String,
    /// The bucket.
    #[serde(default, deserialize_with = "de::text")]
    pub t: String,
    /// How many.
    #[serde(default, deserialize_with = "de::num")]
    pub y: f64,
}

endpoints! {
    /// `GET /websites/{id}/pageviews`: [`Analytics::pageviews`](crate::api::analytics::Analytics::pageviews).
    GetWebsitePageviews => GET_WEBSITE_PAGEVIEWS -> PageviewsSeries: Filtered, Zoned, Unitized, Compared;
    /// `GET /websites/{id}/events/series`: [`Analytics::event_series`](crate::api::analytics::Analytics::event_series).
    GetWebsiteEventSeries => GET_WEBSITE_EVENT_SERIES -> Vec<EventSeriesPoint>: Filtered, Unitized, Limited;
}

impl Analytics<'_> {
    /// Page views and sessions per time bucket between `start` and `end`.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// use std::time::{Duration, SystemTime};
    /// use umami::api::Unit;
    /// let end = SystemTime::now();
    /// let days = client
    ///     .analytics()
    ///     .pageviews(end - Duration::from_secs(7 * 86_400), end)
    ///     .unit(Unit::Day)
    ///     .timezone("Europe/Berlin")
    ///     .send()
    ///     .await?;
    /// for p in days.pageviews { println!("{} {}", p.x, p.y); }
    /// # Ok(()) }
    /// ```
    pub fn pageviews(&self, start: SystemTime, end: SystemTime) -> Request<GetWebsitePageviews> {
        Request::for_website(self.client).range(start, end)
    }

    /// Custom events per name and time bucket. `timezone` is required by Umami 3.1
    /// (it answers 400 without).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// use std::time::{Duration, SystemTime};
    /// let end = SystemTime::now();
    /// let points = client.analytics().event_series(end - Duration::from_secs(86_400), end, "UTC").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn event_series(
        &self,
        start: SystemTime,
        end: SystemTime,
        timezone: impl Into<String>,
    ) -> Request<GetWebsiteEventSeries> {
        Request::for_website(self.client)
            .range(start, end)
            .required("timezone", "timezone", timezone.into())
    }
}
