//! The collector's read queries over what it stored: the rows, filters, pages, metrics,
//! stats, event data and sessions that its management API (`api.rs`) answers with, shaped
//! as Umami 3.1's queries shape them.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::SystemTime;

use serde_json::{Map, Value, json};

use super::store::{self, DataRow, ParsedUrl, data_type, event_type};
use super::{Hit, State};

/// `DEFAULT_PAGE_SIZE` of Umami's paged queries.
const DEFAULT_PAGE_SIZE: usize = 20;
/// The row limit of Umami's metric and event-data queries.
const DEFAULT_LIMIT: usize = 500;
/// The row limit of `getEventDataValues`.
const VALUES_LIMIT: usize = 100;

/// The query string, decoded; a key given twice keeps its last value (`Object.fromEntries`).
pub(super) struct Params(HashMap<String, String>);

impl Params {
    pub(super) fn parse(query: Option<&str>) -> Params {
        Params(
            url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        )
    }

    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// `z.coerce.number()`: `None` for a missing or non-numeric value.
    pub(super) fn number(&self, key: &str) -> Option<f64> {
        let text = self.get(key)?.trim();
        if text.is_empty() {
            return Some(0.0);
        }
        text.parse::<f64>().ok().filter(|n| n.is_finite())
    }

    /// `startAt`..=`endAt` as epoch milliseconds (checked present by the schema step).
    fn range(&self) -> (i64, i64) {
        #[allow(clippy::cast_possible_truncation)]
        let ms = |key| self.number(key).unwrap_or(0.0) as i64;
        (ms("startAt"), ms("endAt"))
    }

    fn positive(&self, key: &str) -> Option<usize> {
        self.number(key).filter(|n| *n >= 1.0).map(|n| n as usize)
    }
}

/// A filter value as Umami 3 reads it: `eq.`, `neq.`, `c.` (contains) or `dnc.` before the
/// value, plain equality without a prefix.
fn matches_filter(filter: &str, value: Option<&str>) -> bool {
    let value = value.unwrap_or_default();
    let contains = |needle: &str| value.to_lowercase().contains(&needle.to_lowercase());
    if let Some(v) = filter.strip_prefix("eq.") {
        value == v
    } else if let Some(v) = filter.strip_prefix("neq.") {
        value != v
    } else if let Some(v) = filter.strip_prefix("c.") {
        contains(v)
    } else if let Some(v) = filter.strip_prefix("dnc.") {
        !contains(v)
    } else {
        value == filter
    }
}

/// One `website_event` row.
struct EventRow<'a> {
    hit: &'a Hit,
    event_type: u8,
    url: ParsedUrl,
    title: Option<String>,
    created_ms: i64,
    data: Vec<DataRow>,
}

impl EventRow<'_> {
    fn name(&self) -> Option<&str> {
        (self.event_type == event_type::CUSTOM_EVENT)
            .then(|| self.hit.event_name())
            .flatten()
    }

    fn passes(&self, params: &Params) -> bool {
        let filters: [(&str, Option<&str>); 5] = [
            ("path", Some(&self.url.url_path)),
            ("hostname", Some(&self.url.hostname)),
            ("title", self.title.as_deref()),
            ("event", self.name()),
            ("tag", self.hit.tag()),
        ];
        filters
            .iter()
            .all(|(key, value)| params.get(key).is_none_or(|f| matches_filter(f, *value)))
    }

    fn in_range(&self, (start, end): (i64, i64)) -> bool {
        (start..=end).contains(&self.created_ms)
    }

    fn json(&self) -> Value {
        // Performance rows keep only the path and title of the page (recorded 323).
        let performance = self.event_type == event_type::PERFORMANCE;
        let unless_performance = |value: Value| if performance { Value::Null } else { value };
        let session = |key: &str| self.hit.payload().get(key).cloned().unwrap_or(Value::Null);
        json!({
            "id": self.hit.event_id,
            "websiteId": website_of(self.hit),
            "sessionId": self.hit.session_id,
            "createdAt": store::iso_from_millis(self.created_ms),
            "hostname": unless_performance(self.url.hostname.clone().into()),
            "urlPath": self.url.url_path,
            "urlQuery": unless_performance(self.url.url_query.clone().into()),
            "referrerPath": unless_performance(json!(self.url.referrer_path)),
            "referrerQuery": unless_performance(json!(self.url.referrer_query)),
            "referrerDomain": unless_performance(json!(self.url.referrer_domain)),
            "country": null,
            "city": null,
            "device": session("device"),
            "os": session("os"),
            "browser": session("browser"),
            "pageTitle": self.title,
            "eventType": self.event_type,
            "eventName": self.name(),
            "hasData": !self.data.is_empty(),
        })
    }
}

fn website_of(hit: &Hit) -> String {
    hit.website_id().unwrap_or_default().to_ascii_lowercase()
}

fn data_json(row: &DataRow, strip_decimals: bool) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("dataKey".into(), row.key.clone().into());
    let string_value = match (&row.string_value, strip_decimals) {
        (Some(s), true) => Value::from(s.replace(".0000", "")),
        (Some(s), false) => Value::from(s.clone()),
        (None, _) => Value::Null,
    };
    map.insert("stringValue".into(), string_value);
    map.insert(
        "numberValue".into(),
        row.number_value.map_or(Value::Null, store::decimal_json),
    );
    map.insert(
        "dateValue".into(),
        row.date_value.clone().map_or(Value::Null, Value::from),
    );
    map.insert("dataType".into(), row.data_type.into());
    map
}

/// The rows of one website, derived from the stored hits.
pub(super) struct View<'a> {
    website: &'a str,
    events: Vec<EventRow<'a>>,
    /// Each session's first hit (the one that created its `session` row), by session id.
    sessions: HashMap<&'a str, &'a Hit>,
    hits: &'a [Hit],
}

impl<'a> View<'a> {
    pub(super) fn new(state: &'a State, website: &'a str) -> View<'a> {
        let hits: Vec<&Hit> = state
            .hits
            .iter()
            .filter(|hit| website_of(hit) == website)
            .collect();
        let mut sessions = HashMap::new();
        for hit in &hits {
            sessions.entry(hit.session_id.as_str()).or_insert(*hit);
        }
        let mut events: Vec<EventRow<'a>> = hits
            .iter()
            .filter_map(|hit| Some((hit, hit.event_type()?)))
            .map(|(hit, event_type)| EventRow {
                hit,
                event_type,
                url: store::parse_url(
                    hit.hostname(),
                    hit.url().unwrap_or_default(),
                    hit.referrer(),
                ),
                title: store::page_title(hit.title()),
                created_ms: store::unix_millis(hit.created_at),
                data: hit.stored_data().map(store::flatten).unwrap_or_default(),
            })
            .collect();
        // `order by created_at desc`; ties: the later arrival first.
        events.reverse();
        events.sort_by_key(|row| std::cmp::Reverse(row.created_ms));
        View {
            website,
            events,
            sessions,
            hits: &state.hits,
        }
    }

    fn selected<'s>(&'s self, params: &'s Params) -> impl Iterator<Item = &'s EventRow<'a>> {
        let range = params.range();
        self.events
            .iter()
            .filter(move |row| row.in_range(range) && row.passes(params))
    }

    /// `GET /api/websites/{id}/events`: `{data, count, page, pageSize}`; `search` matches
    /// custom events by name and page views by path.
    pub(super) fn events_page(&self, params: &Params) -> Value {
        let search = params.get("search").filter(|s| !s.is_empty());
        let rows: Vec<&EventRow<'_>> = self
            .selected(params)
            .filter(|row| {
                search.is_none_or(|s| {
                    let hay = if row.event_type == event_type::CUSTOM_EVENT {
                        row.name().unwrap_or_default()
                    } else {
                        &row.url.url_path
                    };
                    hay.to_lowercase().contains(&s.to_lowercase())
                })
            })
            .collect();
        let page = params.positive("page").unwrap_or(1);
        let page_size = params.positive("pageSize").unwrap_or(DEFAULT_PAGE_SIZE);
        let data: Vec<Value> = rows
            .iter()
            .skip(page_size.saturating_mul(page - 1))
            .take(page_size)
            .map(|row| row.json())
            .collect();
        json!({"data": data, "count": rows.len(), "page": page, "pageSize": page_size})
    }

    /// `GET /api/websites/{id}/metrics?type=`: `[{x, y}]`, most first. `event` counts custom
    /// events by name; `path`, `title` and `hostname` count page views; other types are not
    /// emulated (400).
    pub(super) fn metrics(&self, params: &Params) -> Option<Vec<Value>> {
        let kind = params.get("type")?;
        if !matches!(kind, "event" | "path" | "title" | "hostname") {
            return None;
        }
        let search = params.get("search").filter(|s| !s.is_empty());
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for row in self.selected(params) {
            let x = match (kind, row.event_type) {
                ("event", event_type::CUSTOM_EVENT) => row.name().unwrap_or_default().to_owned(),
                ("path", event_type::PAGE_VIEW) => row.url.url_path.clone(),
                ("title", event_type::PAGE_VIEW) => row.title.clone().unwrap_or_default(),
                ("hostname", event_type::PAGE_VIEW) => row.url.hostname.clone(),
                _ => continue,
            };
            if search.is_some_and(|s| !x.to_lowercase().contains(&s.to_lowercase())) {
                continue;
            }
            *counts.entry(x).or_default() += 1;
        }
        let mut rows: Vec<(String, u64)> = counts.into_iter().collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let limit = params.positive("limit").unwrap_or(DEFAULT_LIMIT);
        Some(
            rows.into_iter()
                .take(limit)
                .map(|(x, y)| json!({"x": x, "y": y}))
                .collect(),
        )
    }

    /// `GET /api/websites/{id}/stats`, v3's flat shape: page views grouped by visit, and the
    /// same numbers for the period of equal length just before (`comparison`).
    pub(super) fn stats(&self, params: &Params) -> Value {
        let (start, end) = params.range();
        let mut numbers = self.stats_between(params, (start, end));
        let length = end - start;
        let previous = self.stats_between(params, (start - length, start));
        numbers.insert("comparison".into(), Value::Object(previous));
        Value::Object(numbers)
    }

    fn stats_between(&self, params: &Params, range: (i64, i64)) -> Map<String, Value> {
        // (session, visit) -> (page views, first, last)
        let mut visits: HashMap<(&str, &str), (u64, i64, i64)> = HashMap::new();
        for row in self.events.iter().filter(|row| {
            row.event_type == event_type::PAGE_VIEW && row.in_range(range) && row.passes(params)
        }) {
            let entry = visits
                .entry((&row.hit.session_id, &row.hit.visit_id))
                .or_insert((0, row.created_ms, row.created_ms));
            entry.0 += 1;
            entry.1 = entry.1.min(row.created_ms);
            entry.2 = entry.2.max(row.created_ms);
        }
        let sessions: HashSet<&str> = visits.keys().map(|(session, _)| *session).collect();
        let mut map = Map::new();
        map.insert(
            "pageviews".into(),
            visits.values().map(|v| v.0).sum::<u64>().into(),
        );
        map.insert("visitors".into(), sessions.len().into());
        map.insert("visits".into(), visits.len().into());
        map.insert(
            "bounces".into(),
            visits.values().filter(|v| v.0 == 1).count().into(),
        );
        map.insert(
            "totaltime".into(),
            visits
                .values()
                .map(|v| (v.2 - v.1) / 1000)
                .sum::<i64>()
                .into(),
        );
        map
    }

    /// `GET /api/websites/{id}/event-data/properties`: `[{eventName, propertyName, total}]`.
    pub(super) fn event_data_properties(&self, params: &Params) -> Vec<Value> {
        let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
        for row in self.selected(params) {
            for data in &row.data {
                let name = row.hit.event_name().unwrap_or_default().to_owned();
                *counts.entry((name, data.key.clone())).or_default() += 1;
            }
        }
        let mut rows: Vec<_> = counts.into_iter().collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        rows.into_iter()
            .take(DEFAULT_LIMIT)
            .map(|((event, key), total)| {
                json!({"eventName": event, "propertyName": key, "total": total})
            })
            .collect()
    }

    /// `GET /api/websites/{id}/event-data/events?event=`: one row per property and value of
    /// that event, `[{eventName, propertyName, dataType, propertyValue, total}]`, most frequent
    /// first (recorded 339).
    pub(super) fn event_data_events(&self, params: &Params) -> Vec<Value> {
        let event = params.get("event").unwrap_or_default();
        let mut counts: BTreeMap<(String, u8, String), u64> = BTreeMap::new();
        for row in self.selected(params) {
            if row.hit.event_name().unwrap_or_default() != event {
                continue;
            }
            for data in &row.data {
                let value = data.string_value.clone().unwrap_or_default();
                *counts
                    .entry((data.key.clone(), data.data_type, value))
                    .or_default() += 1;
            }
        }
        let mut rows: Vec<_> = counts.into_iter().collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        rows.into_iter()
            .take(DEFAULT_LIMIT)
            .map(|((key, data_type, value), total)| {
                json!({
                    "eventName": event,
                    "propertyName": key,
                    "dataType": data_type,
                    "propertyValue": value,
                    "total": total,
                })
            })
            .collect()
    }

    /// `GET /api/websites/{id}/event-data/values?event=&propertyName=`: `[{value, total}]`.
    pub(super) fn event_data_values(&self, params: &Params) -> Vec<Value> {
        let event = params.get("event").unwrap_or_default();
        let key = params.get("propertyName").unwrap_or_default();
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for row in self.selected(params) {
            if row.hit.event_name().unwrap_or_default() != event {
                continue;
            }
            for data in row.data.iter().filter(|d| d.key == key) {
                let value = match data.data_type {
                    data_type::NUMBER => data
                        .string_value
                        .as_deref()
                        .unwrap_or_default()
                        .replace(".0000", ""),
                    _ => data.string_value.clone().unwrap_or_default(),
                };
                *counts.entry(value).or_default() += 1;
            }
        }
        let mut rows: Vec<_> = counts.into_iter().collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        rows.into_iter()
            .take(VALUES_LIMIT)
            .map(|(value, total)| json!({"value": value, "total": total}))
            .collect()
    }

    /// `GET /api/websites/{id}/event-data/{eventId}`: the event's typed data rows.
    pub(super) fn event_data(&self, event_id: &str) -> Vec<Value> {
        let Some(row) = self
            .events
            .iter()
            .find(|row| row.hit.event_id.eq_ignore_ascii_case(event_id))
        else {
            return Vec::new();
        };
        row.data
            .iter()
            .map(|data| {
                let mut map = Map::new();
                map.insert("websiteId".into(), self.website.into());
                map.insert("sessionId".into(), row.hit.session_id.clone().into());
                map.insert("eventId".into(), row.hit.event_id.clone().into());
                map.insert("urlPath".into(), row.url.url_path.clone().into());
                map.insert(
                    "eventName".into(),
                    row.hit.event_name().map_or(Value::Null, Value::from),
                );
                map.extend(data_json(data, false));
                map.insert(
                    "createdAt".into(),
                    store::iso_from_millis(row.created_ms).into(),
                );
                Value::Object(map)
            })
            .collect()
    }

    /// `GET /api/websites/{id}/sessions/{sessionId}`: the session with its distinct id and
    /// activity; `{}` when the session has no events (Umami's query joins them).
    pub(super) fn session(&self, session_id: &str) -> Value {
        let session_id = session_id.to_ascii_lowercase();
        let Some(first) = self.sessions.get(session_id.as_str()) else {
            return json!({});
        };
        let rows: Vec<&EventRow<'_>> = self
            .events
            .iter()
            .filter(|row| row.hit.session_id == session_id)
            .collect();
        if rows.is_empty() {
            return json!({});
        }
        let mut visits: HashMap<&str, (i64, i64)> = HashMap::new();
        for row in &rows {
            let entry = visits
                .entry(&row.hit.visit_id)
                .or_insert((row.created_ms, row.created_ms));
            entry.0 = entry.0.min(row.created_ms);
            entry.1 = entry.1.max(row.created_ms);
        }
        let first_at = visits.values().map(|v| v.0).min().unwrap_or_default();
        let last_at = visits.values().map(|v| v.1).max().unwrap_or_default();
        let distinct_id = first
            .distinct_id()
            .filter(|id| !id.is_empty())
            .map(|id| store::truncate(id, store::DISTINCT_ID_LENGTH));
        let text = |key: &str| {
            first
                .payload()
                .get(key)
                .and_then(Value::as_str)
                .map_or(Value::Null, Value::from)
        };
        json!({
            "id": session_id,
            "distinctId": distinct_id,
            "websiteId": self.website,
            "browser": text("browser"),
            "os": text("os"),
            "device": text("device"),
            "screen": text("screen"),
            "language": text("language"),
            "country": null,
            "region": null,
            "city": null,
            "firstAt": store::iso_from_millis(first_at),
            "lastAt": store::iso_from_millis(last_at),
            "visits": visits.len(),
            "views": rows.iter().filter(|r| r.event_type == event_type::PAGE_VIEW).count(),
            "events": rows.iter().filter(|r| r.event_type == event_type::CUSTOM_EVENT).count(),
            "totaltime": visits.values().map(|v| (v.1 - v.0) / 1000).sum::<i64>(),
        })
    }

    /// `GET /api/websites/{id}/sessions/{sessionId}/properties`: the session data that
    /// `identify` hits stored, one row per key (a later value replaces an earlier one),
    /// ordered by key.
    pub(super) fn session_data(&self, session_id: &str) -> Vec<Value> {
        let session_id = session_id.to_ascii_lowercase();
        let mut latest: BTreeMap<String, (DataRow, SystemTime)> = BTreeMap::new();
        for hit in self.hits.iter().filter(|hit| {
            hit.kind() == "identify"
                && hit.session_id == session_id
                && website_of(hit) == self.website
        }) {
            for row in hit.stored_data().map(store::flatten).unwrap_or_default() {
                latest.insert(row.key.clone(), (row, hit.created_at));
            }
        }
        latest
            .values()
            .map(|(row, created_at)| {
                let mut map = Map::new();
                map.insert("websiteId".into(), self.website.into());
                map.insert("sessionId".into(), session_id.clone().into());
                map.extend(data_json(row, true));
                map.insert("createdAt".into(), store::iso(*created_at).into());
                Value::Object(map)
            })
            .collect()
    }
}
