//! Event data (the `data` of custom events) and session data (from `identify`): rows,
//! properties, values, totals, and the Umami 3.3 pivots and series.
//!
//! The pivots and series (`/event-data-pivot/*`, `/session-data/*-series`,
//! `/session-data/numeric-stats`, `/session-data/stats`, `/session-data-pivot`) exist on
//! Umami 3.3+ only; their answers are untyped in the contract and come back as
//! [`serde_json::Value`].

use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Analytics;
use super::DataProperty;
use crate::api::de::{self, Page};
use crate::api::request::{Request, endpoints};

/// One event with its data (`/event-data` rows).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventDataRow {
    /// The website id.
    #[serde(default, deserialize_with = "de::text")]
    pub website_id: String,
    /// The event id.
    #[serde(default, deserialize_with = "de::text")]
    pub event_id: String,
    /// The event name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub event_name: Option<String>,
    /// Its properties.
    #[serde(default, deserialize_with = "de::list")]
    pub event_properties: Vec<DataProperty>,
}

/// One property of one event (`/event-data/{eventId}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventDataItem {
    /// The event id.
    #[serde(default, deserialize_with = "de::text")]
    pub event_id: String,
    /// The event name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub event_name: Option<String>,
    /// The property.
    #[serde(flatten)]
    pub property: DataProperty,
}

/// A property value of one event name with its count (`/event-data/events`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventDataEventRow {
    /// The event name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub event_name: Option<String>,
    /// The property.
    #[serde(default, deserialize_with = "de::text")]
    pub property_name: String,
    /// `1` string, `2` number, `3` boolean, `4` date, `5` array.
    #[serde(default, deserialize_with = "de::count")]
    pub data_type: u64,
    /// The value, as text.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub property_value: Option<String>,
    /// Occurrences.
    #[serde(default, deserialize_with = "de::count")]
    pub total: u64,
}

/// A property with a sample value and its count (`/event-data/fields`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DataField {
    /// The property.
    #[serde(default, deserialize_with = "de::text")]
    pub property_name: String,
    /// Its data type.
    #[serde(default, deserialize_with = "de::count")]
    pub data_type: u64,
    /// The value, as text.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub value: Option<String>,
    /// Occurrences.
    #[serde(default, deserialize_with = "de::count")]
    pub total: u64,
}

/// A property name (per event name for event data) and how often it was stored.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DataPropertyCount {
    /// The event name (event data only).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub event_name: Option<String>,
    /// The property.
    #[serde(default, deserialize_with = "de::text")]
    pub property_name: String,
    /// Occurrences.
    #[serde(default, deserialize_with = "de::count")]
    pub total: u64,
}

/// A value of a property and its count (`/event-data/values`, `/session-data/values`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DataValue {
    /// The value, as text (numbers keep the server's decimals: `"19.9900"`).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub value: Option<String>,
    /// Occurrences.
    #[serde(default, deserialize_with = "de::count")]
    pub total: u64,
}

/// Event data totals (`/event-data/stats`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventDataStats {
    /// Events with data.
    #[serde(default, deserialize_with = "de::count")]
    pub events: u64,
    /// Distinct properties.
    #[serde(default, deserialize_with = "de::count")]
    pub properties: u64,
    /// Stored values.
    #[serde(default, deserialize_with = "de::count")]
    pub records: u64,
}

endpoints! {
    /// `GET /websites/{id}/event-data`: [`Analytics::event_data`](crate::api::analytics::Analytics::event_data).
    GetEventData => GET_EVENT_DATA -> Page<EventDataRow>, paged EventDataRow: Filtered;
    /// `GET /websites/{id}/event-data/{eventId}`: [`Analytics::event_data_of`](crate::api::analytics::Analytics::event_data_of).
    GetEventDataById => GET_EVENT_DATA_BY_ID -> Vec<EventDataItem>;
    /// `GET /websites/{id}/event-data/events`: [`Analytics::event_data_events`](crate::api::analytics::Analytics::event_data_events).
    GetEventDataEvents => GET_EVENT_DATA_EVENTS -> Vec<EventDataEventRow>: Filtered;
    /// `GET /websites/{id}/event-data/fields`: [`Analytics::event_data_fields`](crate::api::analytics::Analytics::event_data_fields).
    GetEventDataFields => GET_EVENT_DATA_FIELDS -> Vec<DataField>: Filtered;
    /// `GET /websites/{id}/event-data/properties`: [`Analytics::event_data_properties`](crate::api::analytics::Analytics::event_data_properties).
    GetEventDataProperties => GET_EVENT_DATA_PROPERTIES -> Vec<DataPropertyCount>: Filtered;
    /// `GET /websites/{id}/event-data/stats`: [`Analytics::event_data_stats`](crate::api::analytics::Analytics::event_data_stats).
    GetEventDataStats => GET_EVENT_DATA_STATS -> EventDataStats: Filtered;
    /// `GET /websites/{id}/event-data/values`: [`Analytics::event_data_values`](crate::api::analytics::Analytics::event_data_values).
    GetEventDataValues => GET_EVENT_DATA_VALUES -> Vec<DataValue>: Filtered;
    /// `GET /websites/{id}/event-data-pivot` (3.3+): [`Analytics::event_data_pivot`](crate::api::analytics::Analytics::event_data_pivot).
    GetEventDataPivot => GET_EVENT_DATA_PIVOT -> Page<Value>, paged Value: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/event-data-pivot/array-series` (3.3+).
    GetEventDataArraySeries => GET_EVENT_DATA_ARRAY_SERIES -> Value: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/event-data-pivot/date-series` (3.3+).
    GetEventDataDateSeries => GET_EVENT_DATA_DATE_SERIES -> Value: Filtered, Zoned;
    /// `GET /websites/{id}/event-data-pivot/numeric-series` (3.3+).
    GetEventDataNumericSeries => GET_EVENT_DATA_NUMERIC_SERIES -> Value: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/event-data-pivot/numeric-stats` (3.3+).
    GetEventDataNumericStats => GET_EVENT_DATA_NUMERIC_STATS -> Value: Filtered;
    /// `GET /websites/{id}/event-data-pivot/property-series` (3.3+).
    GetEventDataPropertySeries => GET_EVENT_DATA_PROPERTY_SERIES -> Value: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/session-data/properties`: [`Analytics::session_data_properties`](crate::api::analytics::Analytics::session_data_properties).
    GetSessionDataProperties => GET_SESSION_DATA_PROPERTIES -> Vec<DataPropertyCount>: Filtered;
    /// `GET /websites/{id}/session-data/values`: [`Analytics::session_data_values`](crate::api::analytics::Analytics::session_data_values).
    GetSessionDataValues => GET_SESSION_DATA_VALUES -> Vec<DataValue>: Filtered;
    /// `GET /websites/{id}/session-data/stats` (3.3+).
    GetSessionDataStats => GET_SESSION_DATA_STATS -> Value: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/session-data-pivot` (3.3+).
    GetSessionDataPivot => GET_SESSION_DATA_PIVOT -> Page<Value>, paged Value: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/session-data/array-series` (3.3+).
    GetSessionDataArraySeries => GET_SESSION_DATA_ARRAY_SERIES -> Value: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/session-data/date-series` (3.3+).
    GetSessionDataDateSeries => GET_SESSION_DATA_DATE_SERIES -> Value: Filtered, Zoned;
    /// `GET /websites/{id}/session-data/numeric-series` (3.3+).
    GetSessionDataNumericSeries => GET_SESSION_DATA_NUMERIC_SERIES -> Value: Filtered, Zoned, Unitized;
    /// `GET /websites/{id}/session-data/numeric-stats` (3.3+).
    GetSessionDataNumericStats => GET_SESSION_DATA_NUMERIC_STATS -> Value: Filtered, Zoned;
    /// `GET /websites/{id}/session-data/property-series` (3.3+).
    GetSessionDataPropertySeries => GET_SESSION_DATA_PROPERTY_SERIES -> Value: Filtered, Zoned, Unitized;
}

/// The value type of a data property, for `dataType` filters of the values calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataType {
    /// `1`
    Text,
    /// `2`
    Number,
    /// `3`
    Boolean,
    /// `4`
    Date,
    /// `5`
    Array,
}

impl DataType {
    fn code(self) -> &'static str {
        match self {
            DataType::Text => "1",
            DataType::Number => "2",
            DataType::Boolean => "3",
            DataType::Date => "4",
            DataType::Array => "5",
        }
    }
}

impl Request<GetEventDataValues> {
    /// Only values of this type (`dataType`, Umami 3.3+).
    pub fn data_type(self, kind: DataType) -> Self {
        self.set("dataType", kind.code())
    }
}

impl Request<GetSessionDataValues> {
    /// Only values of this type (`dataType`, Umami 3.3+).
    pub fn data_type(self, kind: DataType) -> Self {
        self.set("dataType", kind.code())
    }
}

impl Request<GetSessionDataProperties> {
    /// Only this property (`propertyName`).
    pub fn property(self, name: impl Into<String>) -> Self {
        self.required("property", "propertyName", name.into())
    }
}

impl Request<GetEventDataFields> {
    /// Only properties of this event (`eventName`, Umami 3.3+).
    pub fn event_name(self, name: impl Into<String>) -> Self {
        self.required("event_name", "eventName", name.into())
    }
}

impl Request<GetEventDataNumericSeries> {
    /// The aggregate (`metric`, e.g. `sum`, `avg`).
    pub fn metric(self, metric: impl Into<String>) -> Self {
        self.required("metric", "metric", metric.into())
    }
}

impl Request<GetSessionDataNumericSeries> {
    /// The aggregate (`metric`, e.g. `sum`, `avg`).
    pub fn metric(self, metric: impl Into<String>) -> Self {
        self.required("metric", "metric", metric.into())
    }
}

/// A 3.3 event-data series: `(start, end, event name, property)`.
macro_rules! event_series {
    ($($(#[$doc:meta])* $fn:ident -> $ep:ident;)*) => {
        impl Analytics<'_> {$(
            $(#[$doc])*
            pub fn $fn(
                &self,
                start: SystemTime,
                end: SystemTime,
                event_name: impl Into<String>,
                property: impl Into<String>,
            ) -> Request<$ep> {
                Request::for_website(self.client)
                    .range(start, end)
                    .required("event_name", "eventName", event_name.into())
                    .required("property", "propertyName", property.into())
            }
        )*}
    };
}

/// A 3.3 session-data series: `(start, end, property)`.
macro_rules! session_series {
    ($($(#[$doc:meta])* $fn:ident -> $ep:ident;)*) => {
        impl Analytics<'_> {$(
            $(#[$doc])*
            pub fn $fn(
                &self,
                start: SystemTime,
                end: SystemTime,
                property: impl Into<String>,
            ) -> Request<$ep> {
                Request::for_website(self.client)
                    .range(start, end)
                    .required("property", "propertyName", property.into())
            }
        )*}
    };
}

event_series! {
    /// Array values of an event property over time (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().event_data_array_series(end - Duration::from_secs(86_400), end, "download", "tags").send().await?;
    /// # Ok(()) }
    /// ```
    event_data_array_series -> GetEventDataArraySeries;
    /// Date values of an event property over time (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().event_data_date_series(end - Duration::from_secs(86_400), end, "signup", "signedUpAt").send().await?;
    /// # Ok(()) }
    /// ```
    event_data_date_series -> GetEventDataDateSeries;
    /// Numeric values of an event property over time (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().event_data_numeric_series(end - Duration::from_secs(86_400), end, "signup", "seats").send().await?;
    /// # Ok(()) }
    /// ```
    event_data_numeric_series -> GetEventDataNumericSeries;
    /// Numeric statistics of an event property (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().event_data_numeric_stats(end - Duration::from_secs(86_400), end, "signup", "seats").send().await?;
    /// # Ok(()) }
    /// ```
    event_data_numeric_stats -> GetEventDataNumericStats;
    /// Values of an event property over time (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().event_data_property_series(end - Duration::from_secs(86_400), end, "signup", "plan").send().await?;
    /// # Ok(()) }
    /// ```
    event_data_property_series -> GetEventDataPropertySeries;
}

session_series! {
    /// Session-data totals of a property (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().session_data_stats(end - Duration::from_secs(86_400), end, "plan").send().await?;
    /// # Ok(()) }
    /// ```
    session_data_stats -> GetSessionDataStats;
    /// Session-data pivot of a property, paged (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().session_data_pivot(end - Duration::from_secs(86_400), end, "plan").send().await?;
    /// # Ok(()) }
    /// ```
    session_data_pivot -> GetSessionDataPivot;
    /// Array values of a session property over time (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().session_data_array_series(end - Duration::from_secs(86_400), end, "tags").send().await?;
    /// # Ok(()) }
    /// ```
    session_data_array_series -> GetSessionDataArraySeries;
    /// Date values of a session property over time (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().session_data_date_series(end - Duration::from_secs(86_400), end, "signupDate").send().await?;
    /// # Ok(()) }
    /// ```
    session_data_date_series -> GetSessionDataDateSeries;
    /// Numeric values of a session property over time (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().session_data_numeric_series(end - Duration::from_secs(86_400), end, "age").send().await?;
    /// # Ok(()) }
    /// ```
    session_data_numeric_series -> GetSessionDataNumericSeries;
    /// Numeric statistics of a session property (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().session_data_numeric_stats(end - Duration::from_secs(86_400), end, "age").send().await?;
    /// # Ok(()) }
    /// ```
    session_data_numeric_stats -> GetSessionDataNumericStats;
    /// Values of a session property over time (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let v = client.analytics().session_data_property_series(end - Duration::from_secs(86_400), end, "plan").send().await?;
    /// # Ok(()) }
    /// ```
    session_data_property_series -> GetSessionDataPropertySeries;
    /// The values of one session property with their counts.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let plans = client.analytics().session_data_values(end - Duration::from_secs(86_400), end, "plan").send().await?;
    /// # Ok(()) }
    /// ```
    session_data_values -> GetSessionDataValues;
}

impl Analytics<'_> {
    /// Events with their data between `start` and `end`, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let rows = client.analytics().event_data(end - Duration::from_secs(86_400), end).event("purchase").all().await?;
    /// # Ok(()) }
    /// ```
    pub fn event_data(&self, start: SystemTime, end: SystemTime) -> Request<GetEventData> {
        Request::for_website(self.client).range(start, end)
    }

    /// The data of one event (an unknown event gives an empty list).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let props = client.analytics().event_data_of("b6050892-bd59-4ab1-9bde-8a949026777c").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn event_data_of(&self, event_id: impl Into<String>) -> Request<GetEventDataById> {
        Request::for_website(self.client).arg(event_id)
    }

    /// The property values of one event name with their counts (Umami 3.1 answers 500
    /// without an event name, so it is required here).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let rows = client.analytics().event_data_events(end - Duration::from_secs(86_400), end, "signup").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn event_data_events(
        &self,
        start: SystemTime,
        end: SystemTime,
        event: impl Into<String>,
    ) -> Request<GetEventDataEvents> {
        Request::for_website(self.client)
            .range(start, end)
            .required("event", "event", event.into())
    }

    /// Every property with a sample value and its count.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let fields = client.analytics().event_data_fields(end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn event_data_fields(
        &self,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetEventDataFields> {
        Request::for_website(self.client).range(start, end)
    }

    /// The property names per event name, with counts.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let props = client.analytics().event_data_properties(end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn event_data_properties(
        &self,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetEventDataProperties> {
        Request::for_website(self.client).range(start, end)
    }

    /// Event data totals.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let stats = client.analytics().event_data_stats(end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn event_data_stats(
        &self,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetEventDataStats> {
        Request::for_website(self.client).range(start, end)
    }

    /// The values of one property of one event name, with counts.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let plans = client
    ///     .analytics()
    ///     .event_data_values(end - Duration::from_secs(86_400), end, "signup", "plan")
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn event_data_values(
        &self,
        start: SystemTime,
        end: SystemTime,
        event: impl Into<String>,
        property: impl Into<String>,
    ) -> Request<GetEventDataValues> {
        Request::for_website(self.client)
            .range(start, end)
            .required("event", "event", event.into())
            .required("property", "propertyName", property.into())
    }

    /// The pivot of one event's data, paged (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let rows = client.analytics().event_data_pivot(end - Duration::from_secs(86_400), end, "signup").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn event_data_pivot(
        &self,
        start: SystemTime,
        end: SystemTime,
        event_name: impl Into<String>,
    ) -> Request<GetEventDataPivot> {
        Request::for_website(self.client)
            .range(start, end)
            .required("event_name", "eventName", event_name.into())
    }

    /// The session property names, with counts.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// # use std::time::{Duration, SystemTime}; let end = SystemTime::now();
    /// let props = client.analytics().session_data_properties(end - Duration::from_secs(86_400), end).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn session_data_properties(
        &self,
        start: SystemTime,
        end: SystemTime,
    ) -> Request<GetSessionDataProperties> {
        Request::for_website(self.client).range(start, end)
    }
}
