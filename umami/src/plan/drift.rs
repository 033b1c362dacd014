//! Drift: what Umami stored compared with the plan. Pure: the input is built from the read
//! API's answers (`metrics?type=event`, `event-data/properties`, `event-data/events`,
//! `event-data/fields`), parsed here from their JSON bodies.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::{Kind, Plan};

/// What Umami stored over a date range: each custom event with its count, and each of its
/// custom-data keys with how many events carried it and the kinds it was stored as.
///
/// Built by hand or from the read API's answers:
///
/// ```
/// use serde_json::json;
/// use umami::plan::{Kind, StoredData};
///
/// // GET /api/websites/{id}/metrics?type=event and /event-data/properties
/// let metrics = json!([{"x": "signup", "y": 13}]);
/// let properties = json!([{"eventName": "signup", "propertyName": "plan", "total": 13}]);
/// // GET /api/websites/{id}/event-data/events?event=signup
/// let rows = json!([{"eventName": "signup", "propertyName": "plan", "dataType": 1,
///                    "propertyValue": "pro", "total": 13}]);
/// let stored = StoredData::from_answers(&metrics, &properties)?.with_event_data(&rows)?;
/// assert_eq!(stored.event("signup").unwrap().count, 13);
/// assert_eq!(stored.event("signup").unwrap().keys["plan"].kinds, [Kind::Text].into());
/// # Ok::<(), umami::plan::StoredDataError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoredData {
    events: BTreeMap<String, StoredEvent>,
}

/// One stored event: its count and its keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoredEvent {
    /// How many events of this name were stored.
    pub count: u64,
    /// Its custom-data keys, dotted as Umami stores them.
    pub keys: BTreeMap<String, StoredKey>,
}

/// One stored key of an event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StoredKey {
    /// How many events carried it.
    pub total: u64,
    /// The kinds it was stored as; empty when the input did not say (`event-data/properties`
    /// has no `dataType`).
    pub kinds: BTreeSet<Kind>,
    /// Whether `total` was counted from value rows (`event-data/events`, `event-data/{id}`)
    /// rather than given by `event-data/properties`, which then stays authoritative.
    #[serde(skip)]
    from_rows: bool,
}

impl StoredData {
    /// Nothing stored.
    ///
    /// ```
    /// assert!(umami::plan::StoredData::new().event("signup").is_none());
    /// ```
    pub fn new() -> Self {
        StoredData::default()
    }

    /// Records `count` events named `name` (added to what is there).
    ///
    /// ```
    /// let stored = umami::plan::StoredData::new().with_event("signup", 2).with_event("signup", 1);
    /// assert_eq!(stored.event("signup").unwrap().count, 3);
    /// ```
    pub fn with_event(mut self, name: &str, count: u64) -> Self {
        let event = self.events.entry(name.to_owned()).or_default();
        event.count = event.count.saturating_add(count);
        self
    }

    /// Records that `total` events named `event` carried `key`, stored as `kind` (`None`:
    /// not known). Records the event too, with no count, if it is not there yet.
    ///
    /// ```
    /// use umami::plan::{Kind, StoredData};
    /// let stored = StoredData::new().with_key("signup", "plan", Some(Kind::Text), 4);
    /// assert_eq!(stored.event("signup").unwrap().keys["plan"].total, 4);
    /// ```
    pub fn with_key(mut self, event: &str, key: &str, kind: Option<Kind>, total: u64) -> Self {
        self.add_key(event, key, kind, total);
        self
    }

    fn add_key(&mut self, event: &str, key: &str, kind: Option<Kind>, total: u64) {
        let stored = self.key_mut(event, key);
        stored.total = stored.total.saturating_add(total);
        stored.kinds.extend(kind);
    }

    /// A key's kind from a value row; the row's count is added unless the key's total came
    /// from `event-data/properties`.
    fn add_row(&mut self, event: &str, key: &str, kind: Kind, total: u64) {
        let existed = self
            .events
            .get(event)
            .is_some_and(|e| e.keys.contains_key(key));
        let stored = self.key_mut(event, key);
        if !existed {
            stored.from_rows = true;
        }
        if stored.from_rows {
            stored.total = stored.total.saturating_add(total);
        }
        stored.kinds.insert(kind);
    }

    fn key_mut(&mut self, event: &str, key: &str) -> &mut StoredKey {
        self.events
            .entry(event.to_owned())
            .or_default()
            .keys
            .entry(key.to_owned())
            .or_default()
    }

    /// The stored event `name`.
    ///
    /// ```
    /// let stored = umami::plan::StoredData::new().with_event("signup", 1);
    /// assert_eq!(stored.event("signup").unwrap().count, 1);
    /// ```
    pub fn event(&self, name: &str) -> Option<&StoredEvent> {
        self.events.get(name)
    }

    /// Every stored event, by name.
    ///
    /// ```
    /// assert_eq!(umami::plan::StoredData::new().events().count(), 0);
    /// ```
    pub fn events(&self) -> impl Iterator<Item = (&str, &StoredEvent)> {
        self.events
            .iter()
            .map(|(name, event)| (name.as_str(), event))
    }

    /// From the bodies of `GET /api/websites/{id}/metrics?type=event` (`[{"x": name, "y":
    /// count}]`) and `GET /api/websites/{id}/event-data/properties` (`[{"eventName",
    /// "propertyName", "total"}]`) over the same range. Kinds are not known yet: add them with
    /// [`with_event_data`](StoredData::with_event_data) or
    /// [`with_fields`](StoredData::with_fields).
    ///
    /// # Errors
    /// A [`StoredDataError`] naming the row and the field that is not as Umami 3.1 answers.
    ///
    /// ```
    /// use serde_json::json;
    /// let err = umami::plan::StoredData::from_answers(&json!([{"x": "signup"}]), &json!([]))
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "metrics[0].y: missing; expected a count");
    /// ```
    pub fn from_answers(metrics: &Value, properties: &Value) -> Result<Self, StoredDataError> {
        let mut stored = StoredData::new();
        for (i, row) in rows(metrics, "metrics")?.iter().enumerate() {
            let at = format!("metrics[{i}]");
            let name = string(row, &at, "x")?;
            let count = count(row, &at, "y")?;
            stored = stored.with_event(name, count);
        }
        for (i, row) in rows(properties, "properties")?.iter().enumerate() {
            let at = format!("properties[{i}]");
            let event = string(row, &at, "eventName")?;
            let key = string(row, &at, "propertyName")?;
            let total = count(row, &at, "total")?;
            stored.add_key(event, key, None, total);
        }
        Ok(stored)
    }

    /// Adds the kinds from the body of `GET /api/websites/{id}/event-data/events?event=NAME`
    /// (`[{"eventName", "propertyName", "dataType", "propertyValue", "total"}]`, one row per
    /// value): each key of that event gets the kinds it was stored as. Keys not known from
    /// `event-data/properties` are added, counted from the rows' totals.
    ///
    /// # Errors
    /// A [`StoredDataError`] naming the row and the field, e.g. a `dataType` Umami 3.1 does
    /// not have.
    ///
    /// ```
    /// use serde_json::json;
    /// let rows = json!([{"eventName": "signup", "propertyName": "seats", "dataType": 9,
    ///                    "propertyValue": "2.0000", "total": 4}]);
    /// let err = umami::plan::StoredData::new().with_event_data(&rows).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "event-data/events[0].dataType: 9 is not one of Umami's data types (1 string, \
    ///      2 number, 3 boolean, 4 date, 5 array)"
    /// );
    /// ```
    pub fn with_event_data(mut self, rows_of_event: &Value) -> Result<Self, StoredDataError> {
        for (i, row) in rows(rows_of_event, "event-data/events")?.iter().enumerate() {
            let at = format!("event-data/events[{i}]");
            let event = string(row, &at, "eventName")?;
            let key = string(row, &at, "propertyName")?;
            let kind = data_type(row, &at)?;
            let total = count(row, &at, "total")?;
            self.add_row(event, key, kind, total);
        }
        Ok(self)
    }

    /// Adds one stored event's data from the body of `GET
    /// /api/websites/{id}/event-data/{eventId}` (`[{"eventName", "dataKey", "dataType",
    /// ...}]`, one row per key): each key gets its kind, and counts once unless its total came
    /// from `event-data/properties`. The event's count comes from `metrics`
    /// ([`from_answers`](StoredData::from_answers)) and is not changed.
    ///
    /// # Errors
    /// A [`StoredDataError`] naming the row and the field.
    ///
    /// ```
    /// use serde_json::json;
    /// use umami::plan::{Kind, StoredData};
    /// let rows = json!([{"eventName": "signup", "dataKey": "seats", "dataType": 2,
    ///                    "stringValue": "2.0000", "numberValue": "2", "dateValue": null}]);
    /// let stored = StoredData::new().with_event("signup", 1).with_event_rows(&rows)?;
    /// assert_eq!(stored.event("signup").unwrap().keys["seats"].kinds, [Kind::Number].into());
    /// # Ok::<(), umami::plan::StoredDataError>(())
    /// ```
    pub fn with_event_rows(mut self, rows_of_event: &Value) -> Result<Self, StoredDataError> {
        for (i, row) in rows(rows_of_event, "event-data/{eventId}")?
            .iter()
            .enumerate()
        {
            let at = format!("event-data/{{eventId}}[{i}]");
            let event = string(row, &at, "eventName")?;
            let key = string(row, &at, "dataKey")?;
            let kind = data_type(row, &at)?;
            self.add_row(event, key, kind, 1);
        }
        Ok(self)
    }

    /// Adds the kinds from the body of `GET /api/websites/{id}/event-data/fields`
    /// (`[{"propertyName", "dataType", "value", "total"}]`). Its rows do not name the event,
    /// so each kind goes to every stored event that has the key and no kind from
    /// [`with_event_data`](StoredData::with_event_data) yet: prefer that call when two events
    /// share a key name.
    ///
    /// # Errors
    /// A [`StoredDataError`] naming the row and the field.
    ///
    /// ```
    /// use serde_json::json;
    /// use umami::plan::{Kind, StoredData};
    /// let stored = StoredData::new()
    ///     .with_key("download", "tags", None, 14)
    ///     .with_fields(&json!([{"propertyName": "tags", "dataType": 5, "value": "[]", "total": 14}]))?;
    /// assert_eq!(stored.event("download").unwrap().keys["tags"].kinds, [Kind::Array].into());
    /// # Ok::<(), umami::plan::StoredDataError>(())
    /// ```
    pub fn with_fields(mut self, fields: &Value) -> Result<Self, StoredDataError> {
        let mut kinds: BTreeMap<&str, BTreeSet<Kind>> = BTreeMap::new();
        for (i, row) in rows(fields, "event-data/fields")?.iter().enumerate() {
            let at = format!("event-data/fields[{i}]");
            let key = string(row, &at, "propertyName")?;
            count(row, &at, "total")?;
            kinds.entry(key).or_default().insert(data_type(row, &at)?);
        }
        for event in self.events.values_mut() {
            for (key, stored) in &mut event.keys {
                if stored.kinds.is_empty() {
                    if let Some(found) = kinds.get(key.as_str()) {
                        stored.kinds.extend(found);
                    }
                }
            }
        }
        Ok(self)
    }
}

fn rows<'v>(body: &'v Value, what: &str) -> Result<&'v Vec<Value>, StoredDataError> {
    body.as_array().ok_or_else(|| StoredDataError {
        field: what.to_owned(),
        problem: format!("expected a JSON array of rows, found {}", kind_of(body)),
    })
}

fn string<'v>(row: &'v Value, at: &str, name: &str) -> Result<&'v str, StoredDataError> {
    match row.get(name) {
        Some(Value::String(s)) => Ok(s),
        None | Some(Value::Null) => {
            Err(StoredDataError::new(at, name, "missing; expected a string"))
        }
        Some(other) => Err(StoredDataError::new(
            at,
            name,
            format!("expected a string, found {}", kind_of(other)),
        )),
    }
}

/// A count: Umami answers some as numbers and some as strings (Postgres bigints).
fn count(row: &Value, at: &str, name: &str) -> Result<u64, StoredDataError> {
    let problem = match row.get(name) {
        None | Some(Value::Null) => "missing; expected a count".to_owned(),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(n) => return Ok(n),
            None => format!("{n} is not a count (a whole number from 0 to {})", u64::MAX),
        },
        Some(Value::String(s)) => match s.parse::<u64>() {
            Ok(n) => return Ok(n),
            Err(_) => format!(
                "{s:?} is not a count (a whole number from 0 to {})",
                u64::MAX
            ),
        },
        Some(other) => format!("expected a count, found {}", kind_of(other)),
    };
    Err(StoredDataError::new(at, name, problem))
}

fn data_type(row: &Value, at: &str) -> Result<Kind, StoredDataError> {
    let value = row.get("dataType");
    let number = match value {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    match (number.and_then(Kind::from_data_type), value) {
        (Some(kind), _) => Ok(kind),
        (None, None | Some(Value::Null)) => Err(StoredDataError::new(
            at,
            "dataType",
            "missing; expected 1 to 5",
        )),
        (None, Some(other)) => Err(StoredDataError::new(
            at,
            "dataType",
            format!(
                "{other} is not one of Umami's data types (1 string, 2 number, 3 boolean, 4 \
                 date, 5 array)"
            ),
        )),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A read-API answer that is not as Umami 3.1 answers: which row and field, and what is wrong.
///
/// ```
/// use serde_json::json;
/// let err = umami::plan::StoredData::from_answers(&json!({}), &json!([])).unwrap_err();
/// assert_eq!(err.field(), "metrics");
/// assert_eq!(err.problem(), "expected a JSON array of rows, found an object");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDataError {
    field: String,
    problem: String,
}

impl StoredDataError {
    fn new(at: &str, name: &str, problem: impl Into<String>) -> Self {
        StoredDataError {
            field: format!("{at}.{name}"),
            problem: problem.into(),
        }
    }

    /// The field: `metrics[2].y`, `event-data/events[0].dataType`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for StoredDataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for StoredDataError {}

/// Where the plan and what Umami stored differ; [`DriftReport::is_clean`] when they do not.
///
/// Planned keys that are optional, or that stand for keys not known in advance (a map's
/// `*`, an unknown kind), are never reported as unseen. A planned unknown kind matches any
/// stored kind; a nullable key matches the array kind Umami stores `null` as.
///
/// ```
/// use umami::UmamiEvent;
/// use umami::plan::{Kind, Plan, StoredData};
///
/// #[derive(UmamiEvent)]
/// #[umami(name = "signup")]
/// struct Signup { plan: String, seats: u32 }
///
/// let plan = Plan::new().event::<Signup>()?;
/// let stored = StoredData::new()
///     .with_event("signup", 3)
///     .with_key("signup", "plan", Some(Kind::Text), 3)
///     .with_key("signup", "seats", Some(Kind::Text), 1);
/// let report = plan.drift(&stored);
/// assert!(!report.is_clean());
/// assert_eq!(report.kind_mismatches[0].key, "seats");
/// assert_eq!(
///     report.to_string(),
///     "the plan and what Umami stored differ (1 finding)\n\
///      keys stored with another kind than planned:\n  \
///      - signup.seats: planned number, stored string\n"
/// );
/// # Ok::<(), umami::plan::PlanError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DriftReport {
    /// Events Umami stored that the plan does not have.
    pub unplanned_events: Vec<SeenEvent>,
    /// Planned events Umami stored none of.
    pub unseen_events: Vec<String>,
    /// Keys stored on a planned event that the event does not declare.
    pub unplanned_keys: Vec<SeenKey>,
    /// Required keys of a stored, planned event that no stored event carried.
    pub unseen_keys: Vec<UnseenKey>,
    /// Keys stored with a kind other than the planned one.
    pub kind_mismatches: Vec<KindMismatch>,
}

/// An event Umami stored that is not planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SeenEvent {
    /// Its name.
    pub name: String,
    /// How many were stored.
    pub count: u64,
}

/// A key stored on a planned event that it does not declare.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SeenKey {
    /// The event.
    pub event: String,
    /// The stored key.
    pub key: String,
    /// The kinds it was stored as (empty if not known).
    pub kinds: Vec<Kind>,
    /// How many events carried it.
    pub total: u64,
}

/// A required key no stored event carried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct UnseenKey {
    /// The event.
    pub event: String,
    /// The planned key.
    pub key: String,
}

/// A key stored with another kind than planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct KindMismatch {
    /// The event.
    pub event: String,
    /// The stored key.
    pub key: String,
    /// The planned kind.
    pub planned: Kind,
    /// The stored kinds that differ from it.
    pub stored: Vec<Kind>,
}

impl Plan {
    /// Compares the plan with what Umami stored.
    ///
    /// ```
    /// use umami::UmamiEvent;
    /// use umami::plan::{Plan, StoredData};
    ///
    /// #[derive(UmamiEvent)]
    /// struct AppStarted;
    ///
    /// let plan = Plan::new().event::<AppStarted>()?;
    /// plan.drift(&StoredData::new().with_event("AppStarted", 2)).assert_clean();
    /// assert_eq!(plan.drift(&StoredData::new()).unseen_events, ["AppStarted"]);
    /// # Ok::<(), umami::plan::PlanError>(())
    /// ```
    pub fn drift(&self, stored: &StoredData) -> DriftReport {
        let mut report = DriftReport::default();
        for (name, seen) in stored.events() {
            let Some(planned) = self.get(name) else {
                report.unplanned_events.push(SeenEvent {
                    name: name.to_owned(),
                    count: seen.count,
                });
                continue;
            };
            for (key, stored_key) in &seen.keys {
                let Some(planned_key) = planned.matching(key) else {
                    report.unplanned_keys.push(SeenKey {
                        event: name.to_owned(),
                        key: key.clone(),
                        kinds: stored_key.kinds.iter().copied().collect(),
                        total: stored_key.total,
                    });
                    continue;
                };
                let other: Vec<Kind> = stored_key
                    .kinds
                    .iter()
                    .copied()
                    .filter(|&kind| {
                        planned_key.kind != Kind::Unknown
                            && kind != planned_key.kind
                            && !(kind == Kind::Array && planned_key.nullable)
                    })
                    .collect();
                if !other.is_empty() {
                    report.kind_mismatches.push(KindMismatch {
                        event: name.to_owned(),
                        key: key.clone(),
                        planned: planned_key.kind,
                        stored: other,
                    });
                }
            }
            for planned_key in &planned.keys {
                if planned_key.optional || planned_key.is_open() {
                    continue;
                }
                if !seen.keys.keys().any(|key| planned_key.matches(key)) {
                    report.unseen_keys.push(UnseenKey {
                        event: name.to_owned(),
                        key: planned_key.key.clone(),
                    });
                }
            }
        }
        for name in self.events().map(|e| &e.name) {
            if stored.event(name).is_none() {
                report.unseen_events.push(name.clone());
            }
        }
        report
    }
}

impl DriftReport {
    /// Whether nothing differs.
    ///
    /// ```
    /// assert!(umami::plan::DriftReport::default().is_clean());
    /// ```
    pub fn is_clean(&self) -> bool {
        self.findings() == 0
    }

    /// How many differences were found.
    ///
    /// ```
    /// assert_eq!(umami::plan::DriftReport::default().findings(), 0);
    /// ```
    pub fn findings(&self) -> usize {
        self.unplanned_events.len()
            + self.unseen_events.len()
            + self.unplanned_keys.len()
            + self.unseen_keys.len()
            + self.kind_mismatches.len()
    }

    /// Panics with the report when anything differs: for tests and CI jobs.
    ///
    /// # Panics
    /// When the report is not clean; the message is the report's [`Display`](fmt::Display).
    ///
    /// ```
    /// umami::plan::DriftReport::default().assert_clean();
    /// ```
    #[track_caller]
    pub fn assert_clean(&self) {
        assert!(self.is_clean(), "{self}");
    }

    /// The report as JSON.
    ///
    /// ```
    /// let json = umami::plan::DriftReport::default().to_json();
    /// assert_eq!(json["unseen_events"], serde_json::json!([]));
    /// ```
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

fn kinds(kinds: &[Kind]) -> String {
    if kinds.is_empty() {
        return "kind not known".to_owned();
    }
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    names.join(" and ")
}

impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.findings();
        if n == 0 {
            return writeln!(
                f,
                "no drift: every stored event and key is planned, with its planned kind"
            );
        }
        let s = if n == 1 { "" } else { "s" };
        writeln!(f, "the plan and what Umami stored differ ({n} finding{s})")?;
        if !self.unplanned_events.is_empty() {
            writeln!(f, "events stored but not planned:")?;
            for e in &self.unplanned_events {
                writeln!(f, "  - {} ({} stored)", e.name, e.count)?;
            }
        }
        if !self.unseen_events.is_empty() {
            writeln!(f, "planned events never stored:")?;
            for name in &self.unseen_events {
                writeln!(f, "  - {name}")?;
            }
        }
        if !self.unplanned_keys.is_empty() {
            writeln!(f, "keys stored but not planned:")?;
            for k in &self.unplanned_keys {
                let s = if k.total == 1 { "" } else { "s" };
                writeln!(
                    f,
                    "  - {}.{} ({}, on {} event{s})",
                    k.event,
                    k.key,
                    kinds(&k.kinds),
                    k.total
                )?;
            }
        }
        if !self.unseen_keys.is_empty() {
            writeln!(f, "planned keys never stored:")?;
            for k in &self.unseen_keys {
                writeln!(f, "  - {}.{}", k.event, k.key)?;
            }
        }
        if !self.kind_mismatches.is_empty() {
            writeln!(f, "keys stored with another kind than planned:")?;
            for m in &self.kind_mismatches {
                writeln!(
                    f,
                    "  - {}.{}: planned {}, stored {}",
                    m.event,
                    m.key,
                    m.planned,
                    kinds(&m.stored)
                )?;
            }
        }
        Ok(())
    }
}
