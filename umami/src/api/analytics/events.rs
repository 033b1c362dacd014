//! Hits one by one (`/events`, paged) and event totals (`/events/stats`).

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::Analytics;
use crate::api::de::{self, Page};
use crate::api::request::{Request, endpoints};

/// One stored hit (page view, custom event, performance hit) of `/events`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebsiteEvent {
    /// The event id.
    #[serde(default, deserialize_with = "de::text")]
    pub id: String,
    /// The website id.
    #[serde(default, deserialize_with = "de::text")]
    pub website_id: String,
    /// The session id.
    #[serde(default, deserialize_with = "de::text")]
    pub session_id: String,
    /// When (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub created_at: Option<String>,
    /// Hostname.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub hostname: Option<String>,
    /// URL path.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub url_path: Option<String>,
    /// URL query string.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub url_query: Option<String>,
    /// Referrer domain.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub referrer_domain: Option<String>,
    /// Page title.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub page_title: Option<String>,
    /// `1` page view, `2` custom event, `5` performance.
    #[serde(default, deserialize_with = "de::count")]
    pub event_type: u64,
    /// The custom event's name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub event_name: Option<String>,
    /// Whether it carries event data.
    #[serde(default, deserialize_with = "de::flag")]
    pub has_data: bool,
    /// Browser.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub browser: Option<String>,
    /// Operating system.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub os: Option<String>,
    /// Device type.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub device: Option<String>,
    /// Country code.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub country: Option<String>,
    /// City.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub city: Option<String>,
}

/// Totals of one period of [`EventStats`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventTotals {
    /// Custom events.
    #[serde(default, deserialize_with = "de::count")]
    pub events: u64,
    /// Visitors who sent one.
    #[serde(default, deserialize_with = "de::count")]
    pub visitors: u64,
    /// Visits with one.
    #[serde(default, deserialize_with = "de::count")]
    pub visits: u64,
    /// Distinct event names.
    #[serde(default, deserialize_with = "de::count")]
    pub unique_events: u64,
}

/// Custom event totals and the previous period's: what [`Analytics::event_stats`](crate::api::analytics::Analytics::event_stats) returns
/// (the server wraps them in `data`; both shapes are read).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct EventStats {
    /// This period.
    pub totals: EventTotals,
    /// The comparison period.
    pub comparison: Option<EventTotals>,
}

impl<'a> Deserialize<'a> for EventStats {
    fn deserialize<D: serde::Deserializer<'a>>(d: D) -> Result<Self, D::Error> {
        let mut value = serde_json::Value::deserialize(d)?;
        if let Some(inner) = value.get_mut("data").map(serde_json::Value::take) {
            value = inner;
        }
        let comparison = match value.get_mut("comparison").map(serde_json::Value::take) {
            Some(c @ serde_json::Value::Object(_)) => {
                Some(serde_json::from_value(c).map_err(serde::de::Error::custom)?)
            }
            _ => None,
        };
        let totals = serde_json::from_value(value).map_err(serde::de::Error::custom)?;
        Ok(EventStats { totals, comparison })
    }
}

endpoints! {
    /// `GET /websites/{id}/events`: [`Analytics::events`](crate::api::analytics::Analytics::events).
    GetWebsiteEvents => GET_WEBSITE_EVENTS -> Page<WebsiteEvent>, paged WebsiteEvent: Filtered, Zoned, Unitized, Compared, Searched;
    /// `GET /websites/{id}/events/stats`: [`Analytics::event_stats`](crate::api::analytics::Analytics::event_stats).
    GetWebsiteEventStats => GET_WEBSITE_EVENT_STATS -> EventStats: Filtered, Zoned, Unitized, Compared;
}

impl Analytics<'_> {
    /// The hits between `start` and `end`, newest first, paged (`.send()` one page,
    /// `.all()` every page). `search` is an exact, case-insensitive event name or path.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// use std::time::{Duration, SystemTime};
    /// let end = SystemTime::now();
    /// let purchases = client
    ///     .analytics()
    ///     .events(end - Duration::from_secs(86_400), end)
    ///     .event("purchase")
    ///     .all()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn events(&self, start: SystemTime, end: SystemTime) -> Request<GetWebsiteEvents> {
        Request::for_website(self.client).range(start, end)
    }

    /// Custom event totals between `start` and `end`.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// use std::time::{Duration, SystemTime};
    /// let end = SystemTime::now();
    /// let stats = client.analytics().event_stats(end - Duration::from_secs(86_400), end).send().await?;
    /// println!("{} events", stats.totals.events);
    /// # Ok(()) }
    /// ```
    pub fn event_stats(&self, start: SystemTime, end: SystemTime) -> Request<GetWebsiteEventStats> {
        Request::for_website(self.client).range(start, end)
    }
}
