//! What the management API returns, read tolerantly from every server generation.
//!
//! Fields are named as in Rust; nullable or missing server fields are `Option`s (or `0`/empty
//! for counts and names), so a server that leaves a field out does not fail the call. Dates
//! are kept as the server's ISO-8601 text.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::text::json_kind;

/// An Umami user, as returned by `login` and the token check.
///
/// ```
/// let user: umami::User = serde_json::from_str(
///     r#"{"id":"41e2b680-648e-4b09-bcd7-3e2b10c06264","username":"admin","role":"admin",
///         "createdAt":"2024-01-01T00:00:00.000Z","isAdmin":true}"#,
/// )?;
/// assert_eq!(user.username, "admin");
/// assert!(user.is_admin);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct User {
    /// The user's id (a UUID).
    #[serde(default, deserialize_with = "text_or_empty")]
    pub id: String,
    /// The login name.
    #[serde(default, deserialize_with = "text_or_empty")]
    pub username: String,
    /// `admin`, `user` or `view-only` (servers may add more).
    #[serde(default, deserialize_with = "optional_text")]
    pub role: Option<String>,
    /// When the user was created (ISO-8601).
    #[serde(default, deserialize_with = "optional_text")]
    pub created_at: Option<String>,
    /// Whether the user is an administrator (`false` when the server does not say).
    #[serde(default, deserialize_with = "bool_or_false")]
    pub is_admin: bool,
    /// The user's teams (v2.x+), as the server sent them; empty when absent.
    #[serde(default, deserialize_with = "array_or_empty")]
    pub teams: Vec<Value>,
}

/// The owner of a website, as embedded in a [`Website`] (`user` on newer servers,
/// `createUser` on some older ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebsiteOwner {
    /// The user's id.
    #[serde(default, deserialize_with = "text_or_empty")]
    pub id: String,
    /// The user's login name.
    #[serde(default, deserialize_with = "text_or_empty")]
    pub username: String,
}

/// A website registered in Umami.
///
/// ```
/// let site: umami::Website = serde_json::from_str(
///     r#"{"id":"978435e2-7ba1-4337-9860-ec31ece2db60","name":"Blog","domain":"blog.example.com",
///         "shareId":null,"createdAt":"2024-01-01T00:00:00.000Z",
///         "createUser":{"id":"u1","username":"admin"}}"#,
/// )?;
/// assert_eq!(site.domain.as_deref(), Some("blog.example.com"));
/// assert_eq!(site.user.unwrap().username, "admin");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawWebsite", rename_all = "camelCase")]
#[non_exhaustive]
pub struct Website {
    /// The website id (a UUID): what hits and stats calls take as `website_id`.
    pub id: String,
    /// The display name.
    pub name: String,
    /// The domain, e.g. `example.com`.
    pub domain: Option<String>,
    /// The public share id, when sharing is on.
    pub share_id: Option<String>,
    /// When the data was last reset (ISO-8601).
    pub reset_at: Option<String>,
    /// The owning user's id (user-owned websites).
    pub user_id: Option<String>,
    /// The owning team's id (team-owned websites, v2.x+).
    pub team_id: Option<String>,
    /// The id of the user who created it.
    pub created_by: Option<String>,
    /// When it was created (ISO-8601).
    pub created_at: Option<String>,
    /// When it was last updated (ISO-8601).
    pub updated_at: Option<String>,
    /// When it was deleted (ISO-8601), for soft-deleted websites.
    pub deleted_at: Option<String>,
    /// The owner, from `user` or (older servers) `createUser`.
    pub user: Option<WebsiteOwner>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawWebsite {
    #[serde(default, deserialize_with = "text_or_empty")]
    id: String,
    #[serde(default, deserialize_with = "text_or_empty")]
    name: String,
    #[serde(default, deserialize_with = "optional_text")]
    domain: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    share_id: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    reset_at: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    user_id: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    team_id: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    created_by: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    created_at: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    updated_at: Option<String>,
    #[serde(default, deserialize_with = "optional_text")]
    deleted_at: Option<String>,
    #[serde(default, deserialize_with = "optional_owner")]
    user: Option<WebsiteOwner>,
    #[serde(default, deserialize_with = "optional_owner")]
    create_user: Option<WebsiteOwner>,
}

impl From<RawWebsite> for Website {
    fn from(raw: RawWebsite) -> Self {
        Website {
            id: raw.id,
            name: raw.name,
            domain: raw.domain,
            share_id: raw.share_id,
            reset_at: raw.reset_at,
            user_id: raw.user_id,
            team_id: raw.team_id,
            created_by: raw.created_by,
            created_at: raw.created_at,
            updated_at: raw.updated_at,
            deleted_at: raw.deleted_at,
            user: raw.user.or(raw.create_user),
        }
    }
}

/// The totals of a period: what [`WebsiteStats::comparison`] holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ComparisonStats {
    /// Page views.
    pub pageviews: u64,
    /// Unique visitors.
    pub visitors: u64,
    /// Visits (sessions).
    pub visits: u64,
    /// Visits with a single page view.
    pub bounces: u64,
    /// Time spent on the site, in seconds, summed over visits.
    pub totaltime: u64,
}

/// The summary of a website over a time range: what
/// [`Client::website_stats`](crate::Client::website_stats) returns.
///
/// Reads both server shapes: v3's flat numbers with a `comparison` object
/// (`{"pageviews": 5, ..., "comparison": {"pageviews": 3, ...}}`) and v2's
/// `{"pageviews": {"value": 5, "prev": 3}, ...}`, whose `prev` values become
/// [`comparison`](Self::comparison). Counts sent as numeric strings are read too; missing or
/// null counts are `0`.
///
/// ```
/// let v3: umami::WebsiteStats = serde_json::from_str(
///     r#"{"pageviews":5,"visitors":2,"visits":3,"bounces":1,"totaltime":40,
///         "comparison":{"pageviews":4,"visitors":1,"visits":1,"bounces":0,"totaltime":9}}"#,
/// )?;
/// let v2: umami::WebsiteStats = serde_json::from_str(
///     r#"{"pageviews":{"value":5,"prev":4},"visitors":{"value":2,"prev":1},
///         "visits":{"value":3,"prev":1},"bounces":{"value":1,"prev":0},
///         "totaltime":{"value":40,"prev":9}}"#,
/// )?;
/// assert_eq!(v3, v2);
/// assert_eq!(v2.comparison.unwrap().pageviews, 4);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WebsiteStats {
    /// Page views.
    pub pageviews: u64,
    /// Unique visitors.
    pub visitors: u64,
    /// Visits (sessions).
    pub visits: u64,
    /// Visits with a single page view.
    pub bounces: u64,
    /// Time spent on the site, in seconds, summed over visits.
    pub totaltime: u64,
    /// The same totals for the previous period of equal length, when the server sent them.
    pub comparison: Option<ComparisonStats>,
}

const STAT_KEYS: [&str; 5] = ["pageviews", "visitors", "visits", "bounces", "totaltime"];

impl<'de> Deserialize<'de> for WebsiteStats {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let Value::Object(map) = value else {
            return Err(de::Error::custom(format!(
                "expected the stats object, found {}",
                json_kind(&value)
            )));
        };
        let mut now = [0_u64; 5];
        let mut prev = [0_u64; 5];
        let mut has_prev = false;
        for (i, key) in STAT_KEYS.iter().enumerate() {
            let field = map.get(*key).unwrap_or(&Value::Null);
            let err = |e: String| de::Error::custom(format!("`{key}`: {e}"));
            match field {
                // v2: {"value": n, "prev": n} (v1 had {"value", "change"}).
                Value::Object(pair) => {
                    now[i] = count(pair.get("value").unwrap_or(&Value::Null)).map_err(err)?;
                    if let Some(p) = pair.get("prev").filter(|p| !p.is_null()) {
                        prev[i] = count(p).map_err(err)?;
                        has_prev = true;
                    }
                }
                other => now[i] = count(other).map_err(err)?,
            }
        }
        let comparison = match map.get("comparison") {
            Some(Value::Object(cmp)) => Some(totals(cmp).map_err(de::Error::custom)?),
            Some(Value::Null) | None if has_prev => Some(ComparisonStats {
                pageviews: prev[0],
                visitors: prev[1],
                visits: prev[2],
                bounces: prev[3],
                totaltime: prev[4],
            }),
            Some(Value::Null) | None => None,
            Some(other) => {
                return Err(de::Error::custom(format!(
                    "`comparison` should be an object, found {}",
                    json_kind(other)
                )));
            }
        };
        Ok(WebsiteStats {
            pageviews: now[0],
            visitors: now[1],
            visits: now[2],
            bounces: now[3],
            totaltime: now[4],
            comparison,
        })
    }
}

fn totals(map: &Map<String, Value>) -> Result<ComparisonStats, String> {
    let get = |key: &str| {
        let value = match map.get(key) {
            // A v2-shaped comparison would be odd, but read its value rather than fail.
            Some(Value::Object(pair)) => pair.get("value").unwrap_or(&Value::Null),
            Some(v) => v,
            None => &Value::Null,
        };
        count(value).map_err(|e| format!("`comparison.{key}`: {e}"))
    };
    Ok(ComparisonStats {
        pageviews: get("pageviews")?,
        visitors: get("visitors")?,
        visits: get("visits")?,
        bounces: get("bounces")?,
        totaltime: get("totaltime")?,
    })
}

/// The answer of `/websites/{id}/active`: `{"visitors": n}` (v2.16+), `{"x": n}` (older),
/// `[{"x": n}]` (v1), or `null` (no one) → the number of active visitors.
pub(crate) fn active_visitors(value: &Value) -> Result<u64, String> {
    match value {
        Value::Null => Ok(0),
        Value::Object(map) => match map.get("visitors").or_else(|| map.get("x")) {
            Some(v) => count(v),
            None if map.is_empty() => Ok(0),
            None => Err(format!(
                "expected `visitors` or `x`, found the keys {:?}",
                map.keys().collect::<Vec<_>>()
            )),
        },
        Value::Array(items) => match items.first() {
            None => Ok(0),
            Some(first) => active_visitors(first),
        },
        Value::Number(_) => count(value),
        other => Err(format!(
            "expected a count of visitors, found {}",
            json_kind(other)
        )),
    }
}

/// A count: a non-negative integer, a float (rounded), or a numeric string; `null` is 0.
pub(crate) fn count(value: &Value) -> Result<u64, String> {
    let number = match value {
        Value::Null => return Ok(0),
        Value::Number(n) => {
            if let Some(n) = n.as_u64() {
                return Ok(n);
            }
            n.as_f64().unwrap_or(f64::NAN)
        }
        Value::String(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("expected a number, found the text {s:?}"))?,
        other => return Err(format!("expected a number, found {}", json_kind(other))),
    };
    if !number.is_finite() || number < 0.0 {
        return Err(format!("expected a count (>= 0), found {number}"));
    }
    // Saturates above u64::MAX, which no real count reaches.
    Ok(number.round() as u64)
}

/// Text, or the text of a number; anything else (null included) is `None`.
fn optional_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn text_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    optional_text(d).map(Option::unwrap_or_default)
}

fn bool_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(matches!(Value::deserialize(d)?, Value::Bool(true)))
}

fn array_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Value>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items,
        _ => Vec::new(),
    })
}

fn optional_owner<'de, D: Deserializer<'de>>(d: D) -> Result<Option<WebsiteOwner>, D::Error> {
    match Value::deserialize(d)? {
        value @ Value::Object(_) => WebsiteOwner::deserialize(value)
            .map(Some)
            .map_err(de::Error::custom),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn website_with_nulls_and_create_user() {
        let site: Website = serde_json::from_value(json!({
            "id": "w1", "name": null, "domain": null, "shareId": null, "resetAt": null,
            "userId": "u1", "teamId": null, "createdBy": "u1", "createdAt": "2024-01-01T00:00:00Z",
            "updatedAt": null, "deletedAt": null,
            "createUser": {"id": "u1", "username": "admin"}
        }))
        .unwrap();
        assert_eq!(site.id, "w1");
        assert_eq!(site.name, "");
        assert_eq!(site.domain, None);
        assert_eq!(site.user_id.as_deref(), Some("u1"));
        assert_eq!(
            site.user,
            Some(WebsiteOwner {
                id: "u1".into(),
                username: "admin".into()
            })
        );
    }

    #[test]
    fn website_prefers_user_over_create_user() {
        let site: Website = serde_json::from_value(json!({
            "id": "w1", "name": "Blog",
            "user": {"id": "u2", "username": "new"},
            "createUser": {"id": "u1", "username": "old"}
        }))
        .unwrap();
        assert_eq!(site.user.unwrap().username, "new");
    }

    #[test]
    fn website_with_null_user_has_no_owner() {
        let site: Website =
            serde_json::from_value(json!({"id": "w1", "name": "Blog", "user": null})).unwrap();
        assert_eq!(site.user, None);
    }

    #[test]
    fn v3_stats_without_comparison() {
        let stats: WebsiteStats = serde_json::from_value(json!({
            "pageviews": 5, "visitors": "2", "visits": 3.0, "bounces": null
        }))
        .unwrap();
        assert_eq!(
            (
                stats.pageviews,
                stats.visitors,
                stats.visits,
                stats.bounces,
                stats.totaltime
            ),
            (5, 2, 3, 0, 0)
        );
        assert_eq!(stats.comparison, None);
    }

    #[test]
    fn v2_stats_with_prev() {
        let stats: WebsiteStats = serde_json::from_value(json!({
            "pageviews": {"value": 9, "prev": 1}, "visitors": {"value": 4, "prev": 2},
            "visits": {"value": 5, "prev": 3}, "bounces": {"value": 1, "prev": 0},
            "totaltime": {"value": 100, "prev": 50}
        }))
        .unwrap();
        assert_eq!(stats.pageviews, 9);
        assert_eq!(stats.totaltime, 100);
        let prev = stats.comparison.unwrap();
        assert_eq!((prev.pageviews, prev.visits, prev.totaltime), (1, 3, 50));
    }

    #[test]
    fn stats_with_garbage_name_the_field() {
        let err = serde_json::from_value::<WebsiteStats>(json!({"pageviews": true})).unwrap_err();
        assert!(err.to_string().contains("`pageviews`"), "{err}");
        let err = serde_json::from_value::<WebsiteStats>(json!({"visits": -1})).unwrap_err();
        assert!(err.to_string().contains("`visits`"), "{err}");
        assert!(serde_json::from_value::<WebsiteStats>(json!(null)).is_err());
    }

    #[test]
    fn active_visitors_in_every_shape() {
        assert_eq!(active_visitors(&json!({"visitors": 3})), Ok(3));
        assert_eq!(active_visitors(&json!({"x": 4})), Ok(4));
        assert_eq!(active_visitors(&json!([{"x": 5}])), Ok(5));
        assert_eq!(active_visitors(&json!(null)), Ok(0));
        assert_eq!(active_visitors(&json!({"visitors": null})), Ok(0));
        assert_eq!(active_visitors(&json!([])), Ok(0));
        assert!(active_visitors(&json!({"y": 1})).is_err());
        assert!(active_visitors(&json!("many")).is_err());
    }

    #[test]
    fn user_tolerates_missing_fields() {
        let user: User = serde_json::from_value(json!({"id": "u1", "username": "admin"})).unwrap();
        assert_eq!(user.role, None);
        assert!(!user.is_admin);
        assert!(user.teams.is_empty());
    }
}
