//! Ranked breakdowns: `/metrics` (name → count), `/metrics/expanded` (name → all totals)
//! and `/values` (the distinct values of a field, for filter pickers).

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::Analytics;
use crate::api::de;
use crate::api::request::{Request, endpoints};

use super::Point;

/// What a metrics or values request ranks by: `type` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MetricType {
    /// `path`: pages.
    Path,
    /// `entry`: first pages of visits.
    Entry,
    /// `exit`: last pages of visits.
    Exit,
    /// `referrer`
    Referrer,
    /// `domain`: referrer domains.
    Domain,
    /// `title`
    Title,
    /// `query`
    Query,
    /// `event`: custom event names.
    Event,
    /// `tag`
    Tag,
    /// `hostname`
    Hostname,
    /// `utmSource`
    UtmSource,
    /// `utmMedium`
    UtmMedium,
    /// `utmCampaign`
    UtmCampaign,
    /// `utmContent`
    UtmContent,
    /// `utmTerm`
    UtmTerm,
    /// `browser`
    Browser,
    /// `os`
    Os,
    /// `device`
    Device,
    /// `screen`
    Screen,
    /// `language`
    Language,
    /// `country`
    Country,
    /// `region`
    Region,
    /// `city`
    City,
    /// `distinctId`: the users' distinct ids (named so that rustc keeps printing
    /// [`DistinctId`](crate::DistinctId) without its path in diagnostics).
    UserId,
    /// `channel`: traffic channels (search, social, direct…).
    Channel,
}

impl MetricType {
    /// The wire name.
    ///
    /// ```
    /// assert_eq!(umami::api::analytics::MetricType::UtmSource.as_str(), "utmSource");
    /// ```
    pub fn as_str(self) -> &'static str {
        use MetricType::*;
        match self {
            Path => "path",
            Entry => "entry",
            Exit => "exit",
            Referrer => "referrer",
            Domain => "domain",
            Title => "title",
            Query => "query",
            Event => "event",
            Tag => "tag",
            Hostname => "hostname",
            UtmSource => "utmSource",
            UtmMedium => "utmMedium",
            UtmCampaign => "utmCampaign",
            UtmContent => "utmContent",
            UtmTerm => "utmTerm",
            Browser => "browser",
            Os => "os",
            Device => "device",
            Screen => "screen",
            Language => "language",
            Country => "country",
            Region => "region",
            City => "city",
            UserId => "distinctId",
            Channel => "channel",
        }
    }
}

/// One row of `/metrics/expanded`: a name and its totals (some sent as strings).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExpandedMetric {
    /// The path, browser, country… ranked.
    #[serde(default, deserialize_with = "de::text")]
    pub name: String,
    /// Page views.
    #[serde(default, deserialize_with = "de::count")]
    pub pageviews: u64,
    /// Unique visitors.
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
}

/// One distinct value of a field and how often it occurs (`/values`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FieldValue {
    /// The value (`None` for hits without one).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub value: Option<String>,
    /// Occurrences.
    #[serde(default, deserialize_with = "de::count")]
    pub count: u64,
}

endpoints! {
    /// `GET /websites/{id}/metrics`: [`Analytics::metrics`](crate::api::analytics::Analytics::metrics).
    GetWebsiteMetrics => GET_WEBSITE_METRICS -> Vec<Point>: Filtered, Zoned, Unitized, Compared, Searched, Limited, Offset;
    /// `GET /websites/{id}/metrics/expanded`: [`Analytics::expanded_metrics`](crate::api::analytics::Analytics::expanded_metrics).
    GetWebsiteExpandedMetrics => GET_WEBSITE_EXPANDED_METRICS -> Vec<ExpandedMetric>: Filtered, Zoned, Unitized, Compared, Searched, Limited, Offset;
    /// `GET /websites/{id}/values`: [`Analytics::field_values`](crate::api::analytics::Analytics::field_values).
    GetWebsiteValues => GET_WEBSITE_VALUES -> Vec<FieldValue>: Zoned, Unitized, Compared, Searched;
}

impl Analytics<'_> {
    /// The top values of `kind` (pages, referrers, browsers…) with their counts, highest first.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// use std::time::{Duration, SystemTime};
    /// use umami::api::analytics::MetricType;
    /// let end = SystemTime::now();
    /// let top = client
    ///     .analytics()
    ///     .metrics(end - Duration::from_secs(86_400), end, MetricType::Path)
    ///     .browser("chrome")
    ///     .limit(10)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn metrics(
        &self,
        start: SystemTime,
        end: SystemTime,
        kind: MetricType,
    ) -> Request<GetWebsiteMetrics> {
        Request::for_website(self.client)
            .range(start, end)
            .set("type", kind.as_str())
    }

    /// Like [`metrics`](Self::metrics), with every total per row.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// use std::time::{Duration, SystemTime};
    /// let end = SystemTime::now();
    /// let rows = client
    ///     .analytics()
    ///     .expanded_metrics(end - Duration::from_secs(86_400), end, umami::api::analytics::MetricType::Country)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn expanded_metrics(
        &self,
        start: SystemTime,
        end: SystemTime,
        kind: MetricType,
    ) -> Request<GetWebsiteExpandedMetrics> {
        Request::for_website(self.client)
            .range(start, end)
            .set("type", kind.as_str())
    }

    /// The distinct values of a field seen between `start` and `end` (`screen`,
    /// `entry`/`exit`, `domain` and `channel` are not fields: the server answers 400).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// use std::time::{Duration, SystemTime};
    /// let end = SystemTime::now();
    /// let paths = client
    ///     .analytics()
    ///     .field_values(end - Duration::from_secs(86_400), end, umami::api::analytics::MetricType::Path)
    ///     .search("docs")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn field_values(
        &self,
        start: SystemTime,
        end: SystemTime,
        field: MetricType,
    ) -> Request<GetWebsiteValues> {
        Request::for_website(self.client)
            .range(start, end)
            .set("type", field.as_str())
    }
}
