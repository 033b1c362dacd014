//! Every call the command line makes to Umami's read API, and nothing else: one place to
//! port when the library's read calls move (behind `client.analytics()` and the like).
//! `login`, `websites`, `website_stats` and `active_users` are the calls the library's
//! contract promises; `pageviews`, `metrics`, `events` and the drift check's reads come from
//! its wider read API.

use std::time::SystemTime;

use umami::Client;
use umami::api::Unit;
use umami::api::analytics::{MetricType, PageviewsSeries, Point, WebsiteEvent};
use umami::plan::{DriftReport, Plan};

use crate::config::Secret;

/// Logs in (self-hosted); the client keeps the token for the calls below.
pub(crate) async fn login(
    client: &Client,
    username: &str,
    password: &Secret,
) -> Result<(), umami::Error> {
    client.login(username, password.expose()).await.map(|_| ())
}

/// Totals of the client's website.
pub(crate) async fn stats(
    client: &Client,
    start: SystemTime,
    end: SystemTime,
) -> Result<umami::WebsiteStats, umami::Error> {
    client.website_stats(start, end).send().await
}

/// Page views and sessions per bucket.
pub(crate) async fn pageviews(
    client: &Client,
    start: SystemTime,
    end: SystemTime,
    unit: Unit,
    timezone: Option<&str>,
) -> Result<PageviewsSeries, umami::Error> {
    let mut request = client.analytics().pageviews(start, end).unit(unit);
    if let Some(zone) = timezone {
        request = request.timezone(zone);
    }
    request.send().await
}

/// The top values of a kind.
pub(crate) async fn metrics(
    client: &Client,
    start: SystemTime,
    end: SystemTime,
    kind: MetricType,
    limit: u64,
) -> Result<Vec<Point>, umami::Error> {
    client
        .analytics()
        .metrics(start, end, kind)
        .limit(limit)
        .send()
        .await
}

/// The newest events and page views (one page of `limit`).
pub(crate) async fn events(
    client: &Client,
    start: SystemTime,
    end: SystemTime,
    limit: u64,
) -> Result<Vec<WebsiteEvent>, umami::Error> {
    Ok(client
        .analytics()
        .events(start, end)
        .page_size(limit)
        .send()
        .await?
        .data)
}

/// Visitors of the last 5 minutes.
pub(crate) async fn active(client: &Client) -> Result<u64, umami::Error> {
    client.active_users(None).await
}

/// Every website the login or key can see.
pub(crate) async fn websites(client: &Client) -> Result<Vec<umami::Website>, umami::Error> {
    client.websites().await
}

/// The library's drift check of a plan against the stored data.
pub(crate) async fn drift(
    client: &Client,
    plan: &Plan,
    start: SystemTime,
    end: SystemTime,
) -> Result<DriftReport, umami::Error> {
    plan.check(client, start, end).await
}
