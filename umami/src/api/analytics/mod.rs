//! Reading analytics back: `client.analytics()`, the [`Analytics`] handle.
//!
//! Series, metrics, events, sessions, event and session data, realtime, revenue,
//! performance and export of one website, all over [`Request`](super::Request): every call
//! takes its required parameters as arguments (`start`/`end` as [`SystemTime`], sent as epoch
//! milliseconds) and reads the website from the client's default, or from `.website_id(…)`.
//!
//! | concept | calls |
//! |---|---|
//! | totals and series | [`stats`](Analytics::stats), [`pageviews`](Analytics::pageviews), [`event_series`](Analytics::event_series), [`date_range`](Analytics::date_range), [`realtime`](Analytics::realtime), [`export`](Analytics::export), `*_charts` |
//! | rankings | [`metrics`](Analytics::metrics), [`expanded_metrics`](Analytics::expanded_metrics), [`field_values`](Analytics::field_values) |
//! | hits and sessions | [`events`](Analytics::events), [`event_stats`](Analytics::event_stats), [`sessions`](Analytics::sessions), [`session_stats`](Analytics::session_stats), [`sessions_weekly`](Analytics::sessions_weekly), [`session`](Analytics::session), [`session_activity`](Analytics::session_activity), [`session_properties`](Analytics::session_properties), [`delete_session`](Analytics::delete_session) |
//! | event and session data | `event_data*`, `session_data*` (with Umami 3.3's pivots and series) |
//! | revenue and web vitals | `revenue_*`, `performance_*` |
//!
//! ```no_run
//! # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
//! use std::time::{Duration, SystemTime};
//! use umami::api::Unit;
//! use umami::api::analytics::MetricType;
//!
//! let end = SystemTime::now();
//! let start = end - Duration::from_secs(7 * 86_400);
//! let analytics = client.analytics();
//! let days = analytics.pageviews(start, end).unit(Unit::Day).send().await?;
//! let pages = analytics.metrics(start, end, MetricType::Path).limit(10).send().await?;
//! println!("{} days, {} pages", days.pageviews.len(), pages.len());
//! # Ok(()) }
//! ```
//!
//! [`SystemTime`]: std::time::SystemTime

use crate::client::Client;

mod data;
mod events;
mod metrics;
mod revenue;
mod series;
mod sessions;
mod website;

pub use data::*;
pub use events::*;
pub use metrics::*;
pub use revenue::*;
pub use series::*;
pub use sessions::*;
pub use website::*;

/// The analytics reads of a [`Client`], from `client.analytics()`: one method per call of
/// Umami's read API, each returning a [`Request`](super::Request) to finish with
/// `.send().await` (or `.all().await` for paged lists). Borrows the client; cheap to make.
///
/// ```no_run
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// use std::time::{Duration, SystemTime};
/// let end = SystemTime::now();
/// let stats = client.analytics().stats(end - Duration::from_secs(86_400), end).send().await?;
/// println!("{} visitors", stats.visitors);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Analytics<'c> {
    client: &'c Client,
}

impl Client {
    /// The analytics reads: series, metrics, events, sessions, event and session data,
    /// realtime, revenue, performance, export (see [`Analytics`]).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let now = client.analytics().realtime().send().await?;
    /// println!("{} visitors in the last 30 minutes", now.totals.visitors);
    /// # Ok(()) }
    /// ```
    pub fn analytics(&self) -> Analytics<'_> {
        Analytics { client: self }
    }
}
