//! [`Plan::from_json`]: a plan read back from what [`Plan::to_json`] wrote, so that a tool
//! without the event types (a CI job, the `umami` command line) can show it and check it.

use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use super::{DataKey, EventSchema, Integer, Kind, Plan, PlanError, TypeSchema};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonPlan {
    events: Vec<JsonEvent>,
    #[serde(default)]
    undescribed: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEvent {
    name: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    distinct_id: Option<String>,
    #[serde(default)]
    keys: Vec<JsonKey>,
    #[serde(default)]
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonKey {
    key: String,
    kind: String,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    nullable: bool,
    #[serde(default)]
    field: String,
    #[serde(default)]
    integer: Option<Integer>,
}

/// A JSON value that is not a plan [`Plan::to_json`] could have written.
///
/// ```
/// let err = umami::plan::Plan::from_json(&serde_json::json!({"events": 3})).unwrap_err();
/// assert!(err.to_string().starts_with("not a tracking plan: "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanJsonError {
    message: String,
}

impl fmt::Display for PlanJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a tracking plan: {}", self.message)
    }
}

impl std::error::Error for PlanJsonError {}

impl From<PlanError> for PlanJsonError {
    fn from(error: PlanError) -> Self {
        PlanJsonError {
            message: error.to_string(),
        }
    }
}

impl Plan {
    /// The plan [`to_json`](Self::to_json) wrote: `from_json(&plan.to_json()) == plan`.
    ///
    /// ```
    /// use umami::UmamiEvent;
    /// use umami::plan::Plan;
    ///
    /// #[derive(UmamiEvent)]
    /// #[umami(name = "signup", url = "/signup/{plan}")]
    /// struct Signup { plan: String, seats: u32, coupon: Option<String> }
    ///
    /// let plan = Plan::new().event::<Signup>()?;
    /// assert_eq!(Plan::from_json(&plan.to_json())?, plan);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`PlanJsonError`] naming what is missing or wrong: a key that is not in the export,
    /// an unknown kind, or one event name declared twice differently.
    pub fn from_json(value: &Value) -> Result<Plan, PlanJsonError> {
        let plan = JsonPlan::deserialize(value).map_err(|e| PlanJsonError {
            message: e.to_string(),
        })?;
        let mut events = Vec::with_capacity(plan.events.len());
        for event in plan.events {
            let mut keys = Vec::with_capacity(event.keys.len());
            for key in event.keys {
                let kind = Kind::from_name(&key.kind).ok_or_else(|| PlanJsonError {
                    message: format!(
                        "event {:?}, key {:?}: kind {:?} is not string, number, boolean, date, \
                         array or unknown",
                        event.name, key.key, key.kind
                    ),
                })?;
                keys.push(DataKey {
                    key: key.key,
                    kind,
                    optional: key.optional,
                    nullable: key.nullable,
                    field: key.field,
                    integer: key.integer,
                });
            }
            events.push(EventSchema {
                name: event.name,
                url: event.url,
                title: event.title,
                distinct_id: event.distinct_id,
                keys,
                source: event.source,
            });
        }
        Ok(Plan::new().schema(TypeSchema {
            type_name: String::new(),
            events,
            undescribed: plan.undescribed,
        })?)
    }
}
