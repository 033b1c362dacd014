//! [`Plan::check`]: the drift check against a live server, over the read API.

use std::time::SystemTime;

use serde::Serialize;
use serde_json::Value;

use crate::api::analytics::MetricType;
use crate::client::Client;
use crate::error::Error;

use super::Plan;
use super::drift::{DriftReport, StoredData, StoredDataError};

impl Plan {
    /// Compares the plan with what the client's website (its default
    /// [`website_id`](crate::ClientBuilder::website_id)) stored from `start` to `end`: the
    /// events seen (`metrics?type=event`), the keys of each (`event-data/properties`) and the
    /// kind each key was stored as (`event-data/events?event=`, one call per event seen).
    ///
    /// ```no_run
    /// # use umami::UmamiEvent;
    /// #[derive(UmamiEvent)]
    /// #[umami(name = "signup")]
    /// struct Signup { plan: String }
    ///
    /// # async fn demo(client: umami::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::{Duration, SystemTime};
    /// let plan = umami::plan::Plan::new().event::<Signup>()?;
    /// let end = SystemTime::now();
    /// let report = plan.check(&client, end - Duration::from_secs(7 * 86_400), end).await?;
    /// println!("{report}");
    /// report.assert_clean();
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As the read calls ([`Error::Status`], [`Error::Transport`], ...); an answer the drift
    /// check cannot read is an [`Error::UnexpectedResponse`] naming the row and field.
    pub async fn check(
        &self,
        client: &Client,
        start: SystemTime,
        end: SystemTime,
    ) -> Result<DriftReport, Error> {
        let metrics = client
            .analytics()
            .metrics(start, end, MetricType::Event)
            .send()
            .await?;
        let properties = client
            .analytics()
            .event_data_properties(start, end)
            .send()
            .await?;
        // Counts come back as numbers of the series type (`y: 3.0`); the event counts are
        // whole numbers, as Umami sends them.
        let metrics: Vec<Value> = metrics
            .iter()
            .map(|point| serde_json::json!({"x": point.x, "y": point.y.max(0.0).round() as u64}))
            .collect();
        let mut stored = StoredData::from_answers(&Value::from(metrics), &as_json(&properties)?)
            .map_err(unreadable)?;
        let seen: Vec<String> = stored.events().map(|(name, _)| name.to_owned()).collect();
        for event in seen {
            let rows = client
                .analytics()
                .event_data_events(start, end, event)
                .send()
                .await?;
            stored = stored
                .with_event_data(&as_json(&rows)?)
                .map_err(unreadable)?;
        }
        Ok(self.drift(&stored))
    }
}

/// A typed answer back in the server's JSON shape (the models serialize with its key names),
/// for the one parser of stored data.
fn as_json(answer: &impl Serialize) -> Result<Value, Error> {
    serde_json::to_value(answer).map_err(|e| Error::UnexpectedResponse(e.to_string()))
}

fn unreadable(error: StoredDataError) -> Error {
    Error::UnexpectedResponse(format!(
        "the drift check could not read the answer: {error}"
    ))
}
