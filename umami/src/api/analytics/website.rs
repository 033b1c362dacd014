//! Whole-website reads: the date range of the data, the realtime view, the data export,
//! and the small charts of several websites at once.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Analytics;
use super::Point;
use crate::api::de;
use crate::api::request::{Request, endpoints};
use crate::client::Client;
use crate::error::ValidationError;

/// When a website's data starts and ends (`null`s for no data).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DateRange {
    /// The first hit (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub start_date: Option<String>,
    /// The last hit (ISO-8601); `None` also when a stored timestamp is out of range.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub end_date: Option<String>,
}

/// The series of the realtime view.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RealtimeSeries {
    /// Page views per minute.
    #[serde(default, deserialize_with = "de::list")]
    pub views: Vec<Point>,
    /// Visitors per minute.
    #[serde(default, deserialize_with = "de::list")]
    pub visitors: Vec<Point>,
}

/// The totals of the realtime view.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RealtimeTotals {
    /// Page views.
    #[serde(default, deserialize_with = "de::count")]
    pub views: u64,
    /// Visitors.
    #[serde(default, deserialize_with = "de::count")]
    pub visitors: u64,
    /// Custom events.
    #[serde(default, deserialize_with = "de::count")]
    pub events: u64,
    /// Countries.
    #[serde(default, deserialize_with = "de::count")]
    pub countries: u64,
}

/// The last 30 minutes: what [`Analytics::realtime`](crate::api::analytics::Analytics::realtime) returns.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Realtime {
    /// Visitors per country code.
    #[serde(default)]
    pub countries: BTreeMap<String, f64>,
    /// Views per path.
    #[serde(default)]
    pub urls: BTreeMap<String, f64>,
    /// Views per referrer.
    #[serde(default)]
    pub referrers: BTreeMap<String, f64>,
    /// The latest hits, as the server sent them.
    #[serde(default, deserialize_with = "de::list")]
    pub events: Vec<Value>,
    /// Per-minute series.
    #[serde(default)]
    pub series: RealtimeSeries,
    /// Totals.
    #[serde(default)]
    pub totals: RealtimeTotals,
    /// The server's time, epoch ms.
    #[serde(default, deserialize_with = "de::count")]
    pub timestamp: u64,
}

/// The data export: a base64 zip of CSV files.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Export {
    /// The zip file, base64-encoded.
    #[serde(default, deserialize_with = "de::text")]
    pub zip: String,
}

endpoints! {
    /// `GET /websites/{id}/stats` with every option of the contract: [`Analytics::stats`](crate::api::analytics::Analytics::stats).
    GetWebsiteStats => GET_WEBSITE_STATS -> crate::api::WebsiteStats: Filtered, Zoned, Unitized, Compared;
    /// `GET /websites/{id}/daterange`: [`Analytics::date_range`](crate::api::analytics::Analytics::date_range).
    GetWebsiteDateRange => GET_WEBSITE_DATE_RANGE -> DateRange;
    /// `GET /realtime/{id}`: [`Analytics::realtime`](crate::api::analytics::Analytics::realtime).
    GetRealtime => GET_REALTIME -> Realtime: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/export`: [`Analytics::export`](crate::api::analytics::Analytics::export).
    ExportWebsite => EXPORT_WEBSITE -> Export: Zoned, Unitized, Compared;
    /// `GET /websites/charts` (3.3+): [`Analytics::websites_charts`](crate::api::analytics::Analytics::websites_charts).
    GetWebsitesCharts => GET_WEBSITES_CHARTS -> Value: Zoned;
    /// `GET /links/charts` (3.3+): [`Analytics::links_charts`](crate::api::analytics::Analytics::links_charts).
    GetLinksCharts => GET_LINKS_CHARTS -> Value: Zoned;
    /// `GET /pixels/charts` (3.3+): [`Analytics::pixels_charts`](crate::api::analytics::Analytics::pixels_charts).
    GetPixelsCharts => GET_PIXELS_CHARTS -> Value: Zoned;
}

fn charts<E: crate::api::request::Endpoint>(
    client: &Client,
    ids: &[&str],
    start: SystemTime,
    end: SystemTime,
) -> Request<E> {
    let mut r = Request::plain(client).range(start, end);
    if ids.is_empty() || ids.iter().any(|id| id.trim().is_empty()) {
        r.fail(ValidationError::new(
            "ids",
            "needs at least one id, none blank",
        ));
    }
    r.set("ids", ids.join(","))
}

impl Analytics<'_> {
    /// The summary stats between `start` and `end` with every filter and option of the
    /// contract (`compare`, UTM filters, segments, `excludeBounce`…); the same answer as
    /// [`Client::website_stats`], which keeps its v2 filter names.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// use umami::api::Compare;
    /// let s = client.analytics().stats(end - Duration::from_secs(86_400), end).utm_source("google").compare(Compare::YearOverYear).send().await?;
    /// println!("{} now, {:?} a year ago", s.pageviews, s.comparison.map(|c| c.pageviews));
    /// # Ok(()) }
    /// ```
    pub fn stats(&self, start: SystemTime, end: SystemTime) -> Request<GetWebsiteStats> {
        Request::for_website(self.client).range(start, end)
    }

    /// When the website's data starts and ends.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let range = client.analytics().date_range().send().await?;
    /// # Ok(()) }
    /// ```
    pub fn date_range(&self) -> Request<GetWebsiteDateRange> {
        Request::for_website(self.client)
    }

    /// The last 30 minutes: visitors per country, views per page and referrer, latest hits.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let now = client.analytics().realtime().send().await?;
    /// println!("{} visitors", now.totals.visitors);
    /// # Ok(()) }
    /// ```
    pub fn realtime(&self) -> Request<GetRealtime> {
        Request::for_website(self.client)
    }

    /// All data of `[start, end]` as a base64 zip of CSV files.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let export = client.analytics().export(end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn export(&self, start: SystemTime, end: SystemTime) -> Request<ExportWebsite> {
        Request::for_website(self.client).range(start, end)
    }

    /// Small charts of several websites (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().websites_charts(&["978435e2-7ba1-4337-9860-ec31ece2db60"], end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn websites_charts(
        &self,
        ids: &[&str],
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetWebsitesCharts> {
        charts(self.client, ids, start, end)
    }

    /// Small charts of several links (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().links_charts(&["7ab60679-cf32-4c74-b5aa-2180f0cd87f8"], end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn links_charts(
        &self,
        ids: &[&str],
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetLinksCharts> {
        charts(self.client, ids, start, end)
    }

    /// Small charts of several pixels (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().pixels_charts(&["b8dc8010-a572-4c34-8988-4fae877ee635"], end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn pixels_charts(
        &self,
        ids: &[&str],
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetPixelsCharts> {
        charts(self.client, ids, start, end)
    }
}
