//! Sessions: the paged list, totals, the weekly heat map, one session with its activity
//! and properties, and deleting one.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::Analytics;
use crate::api::de::{self, Page};
use crate::api::request::{Request, endpoints};

/// A session (a visitor on a device): list rows and [`Analytics::session`](crate::api::analytics::Analytics::session).
/// Unknown sessions come back as `{}`: every field then is empty.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Session {
    /// The session id.
    #[serde(default, deserialize_with = "de::text")]
    pub id: String,
    /// The website id.
    #[serde(default, deserialize_with = "de::text")]
    pub website_id: String,
    /// The distinct id, for identified sessions.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub distinct_id: Option<String>,
    /// Hostname.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub hostname: Option<String>,
    /// Browser.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub browser: Option<String>,
    /// Operating system.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub os: Option<String>,
    /// Device type.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub device: Option<String>,
    /// Screen size.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub screen: Option<String>,
    /// Language.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub language: Option<String>,
    /// Country code.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub country: Option<String>,
    /// Region.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub region: Option<String>,
    /// City.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub city: Option<String>,
    /// First hit (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub first_at: Option<String>,
    /// Last hit (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub last_at: Option<String>,
    /// Visits.
    #[serde(default, deserialize_with = "de::count")]
    pub visits: u64,
    /// Page views.
    #[serde(default, deserialize_with = "de::count")]
    pub views: u64,
    /// Custom events.
    #[serde(default, deserialize_with = "de::count")]
    pub events: u64,
    /// Time on site, seconds (single session only).
    #[serde(default, deserialize_with = "de::count")]
    pub totaltime: u64,
}

/// A `{"value": n}` total of [`SessionStats`].
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionTotal {
    /// The total.
    #[serde(default, deserialize_with = "de::count")]
    pub value: u64,
}

/// Session totals: what [`Analytics::session_stats`](crate::api::analytics::Analytics::session_stats) returns.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionStats {
    /// Page views.
    #[serde(default)]
    pub pageviews: SessionTotal,
    /// Visitors.
    #[serde(default)]
    pub visitors: SessionTotal,
    /// Visits.
    #[serde(default)]
    pub visits: SessionTotal,
    /// Countries.
    #[serde(default)]
    pub countries: SessionTotal,
    /// Custom events.
    #[serde(default)]
    pub events: SessionTotal,
}

/// One hit of a session's activity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SessionActivity {
    /// When (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub created_at: Option<String>,
    /// URL path.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub url_path: Option<String>,
    /// URL query.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub url_query: Option<String>,
    /// Referrer domain.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub referrer_domain: Option<String>,
    /// Event id.
    #[serde(default, deserialize_with = "de::text")]
    pub event_id: String,
    /// `1` page view, `2` custom event.
    #[serde(default, deserialize_with = "de::count")]
    pub event_type: u64,
    /// Custom event name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub event_name: Option<String>,
    /// Visit id.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub visit_id: Option<String>,
    /// Whether it has event data.
    #[serde(default, deserialize_with = "de::flag")]
    pub has_data: bool,
}

/// One stored property of a session, or of an event (`dataKey` and its typed value).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DataProperty {
    /// The property name (`dataKey`; nested keys are dotted, `source.position.x`).
    #[serde(default, deserialize_with = "de::text")]
    pub data_key: String,
    /// `1` string, `2` number, `3` boolean, `4` date, `5` array.
    #[serde(default, deserialize_with = "de::count")]
    pub data_type: u64,
    /// The value as text.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub string_value: Option<String>,
    /// The value as a number (numbers only).
    #[serde(default, deserialize_with = "de::opt_num")]
    pub number_value: Option<f64>,
    /// The value as a date (dates only).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub date_value: Option<String>,
    /// When stored.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub created_at: Option<String>,
}

endpoints! {
    /// `GET /websites/{id}/sessions`: [`Analytics::sessions`](crate::api::analytics::Analytics::sessions).
    GetWebsiteSessions => GET_WEBSITE_SESSIONS -> Page<Session>, paged Session: Filtered, Zoned, Unitized, Compared, Searched;
    /// `GET /websites/{id}/sessions/stats`: [`Analytics::session_stats`](crate::api::analytics::Analytics::session_stats).
    GetWebsiteSessionStats => GET_WEBSITE_SESSION_STATS -> SessionStats: Filtered;
    /// `GET /websites/{id}/sessions/weekly`: [`Analytics::sessions_weekly`](crate::api::analytics::Analytics::sessions_weekly).
    GetWebsiteSessionsWeekly => GET_WEBSITE_SESSIONS_WEEKLY -> Vec<Vec<u64>>: Filtered;
    /// `GET /websites/{id}/sessions/{sessionId}`: [`Analytics::session`](crate::api::analytics::Analytics::session).
    GetWebsiteSession => GET_WEBSITE_SESSION -> Session;
    /// `GET /websites/{id}/sessions/{sessionId}/activity`: [`Analytics::session_activity`](crate::api::analytics::Analytics::session_activity).
    GetWebsiteSessionActivity => GET_WEBSITE_SESSION_ACTIVITY -> Vec<SessionActivity>;
    /// `GET /websites/{id}/sessions/{sessionId}/properties`: [`Analytics::session_properties`](crate::api::analytics::Analytics::session_properties).
    GetWebsiteSessionProperties => GET_WEBSITE_SESSION_PROPERTIES -> Vec<DataProperty>;
    /// `DELETE /websites/{id}/sessions/{sessionId}`: [`Analytics::delete_session`](crate::api::analytics::Analytics::delete_session).
    DeleteWebsiteSession => DELETE_WEBSITE_SESSION -> serde_json::Value;
}

impl Analytics<'_> {
    /// The sessions between `start` and `end`, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// use std::time::{Duration, SystemTime};
    /// let end = SystemTime::now();
    /// let page = client.analytics().sessions(end - Duration::from_secs(86_400), end).page_size(50).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn sessions(&self, start: SystemTime, end: SystemTime) -> Request<GetWebsiteSessions> {
        Request::for_website(self.client).range(start, end)
    }

    /// Session totals between `start` and `end`.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let stats = client.analytics().session_stats(end - Duration::from_secs(86_400), end).send().await?;
    /// println!("{} visitors", stats.visitors.value);
    /// # Ok(()) }
    /// ```
    pub fn session_stats(
        &self,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetWebsiteSessionStats> {
        Request::for_website(self.client).range(start, end)
    }

    /// Sessions per weekday (7 rows, Sunday first) and hour (24 columns) in `timezone`.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let grid = client.analytics().sessions_weekly(end - Duration::from_secs(7 * 86_400), end, "UTC").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn sessions_weekly(
        &self,
        start: SystemTime,
        end: SystemTime,
        timezone: impl Into<String>,
    ) -> Request<GetWebsiteSessionsWeekly> {
        Request::for_website(self.client)
            .range(start, end)
            .required("timezone", "timezone", timezone.into())
    }

    /// One session.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let s = client.analytics().session("4df9d6f1-c469-5468-a084-af9b559eee67").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn session(&self, session_id: impl Into<String>) -> Request<GetWebsiteSession> {
        Request::for_website(self.client).arg(session_id)
    }

    /// The hits of one session between `start` and `end`.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let hits = client
    ///     .analytics()
    ///     .session_activity("4df9d6f1-c469-5468-a084-af9b559eee67", end - Duration::from_secs(86_400), end)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn session_activity(
        &self,
        session_id: impl Into<String>,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetWebsiteSessionActivity> {
        Request::for_website(self.client)
            .arg(session_id)
            .range(start, end)
    }

    /// The properties stored for one session (from `identify`).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let props = client.analytics().session_properties("956724a9-2ad0-5611-9135-ebe2043c0042").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn session_properties(
        &self,
        session_id: impl Into<String>,
    ) -> Request<GetWebsiteSessionProperties> {
        Request::for_website(self.client).arg(session_id)
    }

    /// Deletes one session and its data (Umami 3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.analytics().delete_session("4df9d6f1-c469-5468-a084-af9b559eee67").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_session(&self, session_id: impl Into<String>) -> Request<DeleteWebsiteSession> {
        Request::for_website(self.client).arg(session_id)
    }
}
