//! Revenue (`/revenue/*`) and web-vitals performance (`/performance/*`) reads.
//!
//! Umami 3.1 has only `/revenue/sessions` of these; its revenue and performance totals are
//! reports ([`Reports::revenue`](crate::api::reports::Reports::revenue),
//! [`Reports::performance`](crate::api::reports::Reports::performance)). The 3.3 answers are
//! untyped in the contract and come back as [`serde_json::Value`].

use std::time::SystemTime;

use serde_json::Value;

use super::Analytics;
use super::Session;
use crate::api::de::Page;
use crate::api::request::{Request, endpoints};

endpoints! {
    /// `GET /websites/{id}/revenue/sessions`: [`Analytics::revenue_sessions`](crate::api::analytics::Analytics::revenue_sessions).
    GetWebsiteRevenueSessions => GET_WEBSITE_REVENUE_SESSIONS -> Page<Session>, paged Session: Filtered, Zoned, Unitized, Compared, Searched;
    /// `GET /websites/{id}/revenue/stats` (3.3+): [`Analytics::revenue_stats`](crate::api::analytics::Analytics::revenue_stats).
    GetWebsiteRevenueStats => GET_WEBSITE_REVENUE_STATS -> Value: Filtered, Zoned, Unitized, Compared;
    /// `GET /websites/{id}/revenue/chart` (3.3+): [`Analytics::revenue_chart`](crate::api::analytics::Analytics::revenue_chart).
    GetWebsiteRevenueChart => GET_WEBSITE_REVENUE_CHART -> Value: Filtered, Zoned, Unitized, Compared;
    /// `GET /websites/{id}/revenue/metrics` (3.3+): [`Analytics::revenue_metrics`](crate::api::analytics::Analytics::revenue_metrics).
    GetWebsiteRevenueMetrics => GET_WEBSITE_REVENUE_METRICS -> Value: Filtered, Zoned, Unitized, Compared;
    /// `GET /websites/{id}/performance/stats` (3.3+): [`Analytics::performance_stats`](crate::api::analytics::Analytics::performance_stats).
    GetWebsitePerformanceStats => GET_WEBSITE_PERFORMANCE_STATS -> Value: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/performance/chart` (3.3+): [`Analytics::performance_chart`](crate::api::analytics::Analytics::performance_chart).
    GetWebsitePerformanceChart => GET_WEBSITE_PERFORMANCE_CHART -> Value: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/performance/metrics` (3.3+): [`Analytics::performance_metrics`](crate::api::analytics::Analytics::performance_metrics).
    GetWebsitePerformanceMetrics => GET_WEBSITE_PERFORMANCE_METRICS -> Value: Filtered, Zoned, Unitized, Limited;
}

/// A web vital: `metric` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vital {
    /// `lcp`: largest contentful paint.
    Lcp,
    /// `inp`: interaction to next paint.
    Inp,
    /// `cls`: cumulative layout shift.
    Cls,
    /// `fcp`: first contentful paint.
    Fcp,
    /// `ttfb`: time to first byte.
    Ttfb,
}

impl Vital {
    /// The wire name.
    ///
    /// ```
    /// assert_eq!(umami::api::analytics::Vital::Lcp.as_str(), "lcp");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Vital::Lcp => "lcp",
            Vital::Inp => "inp",
            Vital::Cls => "cls",
            Vital::Fcp => "fcp",
            Vital::Ttfb => "ttfb",
        }
    }
}

impl Request<GetWebsitePerformanceChart> {
    /// The vital charted (`metric`).
    pub fn vital(self, vital: Vital) -> Self {
        self.set("metric", vital.as_str())
    }
}

impl Request<GetWebsitePerformanceMetrics> {
    /// The vital ranked (`metric`).
    pub fn vital(self, vital: Vital) -> Self {
        self.set("metric", vital.as_str())
    }

    /// What is ranked (`type`, e.g. `path`).
    pub fn kind(self, kind: crate::api::analytics::MetricType) -> Self {
        self.set("type", kind.as_str())
    }
}

impl Request<GetWebsiteRevenueMetrics> {
    /// What revenue is broken down by (`type`, e.g. `country`).
    pub fn kind(self, kind: crate::api::analytics::MetricType) -> Self {
        self.set("type", kind.as_str())
    }
}

macro_rules! revenue_calls {
    ($($(#[$doc:meta])* $fn:ident -> $ep:ident;)*) => {
        impl Analytics<'_> {$(
            $(#[$doc])*
            pub fn $fn(&self, start: SystemTime, end: SystemTime, currency: impl Into<String>) -> Request<$ep> {
                Request::for_website(self.client)
                    .range(start, end)
                    .required("currency", "currency", currency.into())
            }
        )*}
    };
}

revenue_calls! {
    /// The sessions with revenue in `currency` (e.g. `USD`), paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let buyers = client.analytics().revenue_sessions(end - Duration::from_secs(86_400), end, "USD").all().await?;
    /// # Ok(()) }
    /// ```
    revenue_sessions -> GetWebsiteRevenueSessions;
    /// Revenue totals in `currency` (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().revenue_stats(end - Duration::from_secs(86_400), end, "USD").send().await?;
    /// # Ok(()) }
    /// ```
    revenue_stats -> GetWebsiteRevenueStats;
    /// Revenue per bucket in `currency` (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().revenue_chart(end - Duration::from_secs(86_400), end, "USD").send().await?;
    /// # Ok(()) }
    /// ```
    revenue_chart -> GetWebsiteRevenueChart;
    /// Revenue per country, referrer… in `currency` (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().revenue_metrics(end - Duration::from_secs(86_400), end, "USD").send().await?;
    /// # Ok(()) }
    /// ```
    revenue_metrics -> GetWebsiteRevenueMetrics;
}

impl Analytics<'_> {
    /// Web-vitals percentiles (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().performance_stats(end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn performance_stats(
        &self,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetWebsitePerformanceStats> {
        Request::for_website(self.client).range(start, end)
    }

    /// One vital per bucket (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().performance_chart(end - Duration::from_secs(86_400), end).vital(umami::api::analytics::Vital::Lcp).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn performance_chart(
        &self,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetWebsitePerformanceChart> {
        Request::for_website(self.client).range(start, end)
    }

    /// One vital per page or other breakdown (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().performance_metrics(end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn performance_metrics(
        &self,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetWebsitePerformanceMetrics> {
        Request::for_website(self.client).range(start, end)
    }
}
