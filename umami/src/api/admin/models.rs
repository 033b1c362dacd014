//! What the administration calls answer, read tolerantly.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::de;

/// `{"ok": true}`: the answer of deletes, resets and the like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Done {
    /// Whether the server said `ok`.
    #[serde(default, deserialize_with = "de::flag")]
    pub ok: bool,
}

/// A team.
///
/// ```
/// let t: umami::api::admin::Team = serde_json::from_str(r#"{"id":"t1","name":"Ops","accessCode":null}"#)?;
/// assert_eq!(t.name, "Ops");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Team {
    /// The team id.
    #[serde(default, deserialize_with = "de::text")]
    pub id: String,
    /// The name.
    #[serde(default, deserialize_with = "de::text")]
    pub name: String,
    /// The code to join it.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub access_code: Option<String>,
    /// Logo URL.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub logo_url: Option<String>,
    /// Created (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub created_at: Option<String>,
    /// Updated (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub updated_at: Option<String>,
    /// Members, when included.
    #[serde(default, deserialize_with = "de::list")]
    pub members: Vec<TeamMember>,
}

/// A membership of a user in a team.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TeamMember {
    /// The membership id.
    #[serde(default, deserialize_with = "de::text")]
    pub id: String,
    /// The team.
    #[serde(default, deserialize_with = "de::text")]
    pub team_id: String,
    /// The user.
    #[serde(default, deserialize_with = "de::text")]
    pub user_id: String,
    /// `team-owner`, `team-manager`, `team-member`, `team-view-only`.
    #[serde(default, deserialize_with = "de::text")]
    pub role: String,
    /// Created (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub created_at: Option<String>,
}

/// A user as the admin calls return it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserAccount {
    /// The user id.
    #[serde(default, deserialize_with = "de::text")]
    pub id: String,
    /// Login name.
    #[serde(default, deserialize_with = "de::text")]
    pub username: String,
    /// `admin`, `user`, `view-only`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub role: Option<String>,
    /// Created (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub created_at: Option<String>,
}

/// The logged-in user (`/me`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Me {
    /// The user.
    #[serde(default)]
    pub user: UserAccount,
}

/// A short link.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Link {
    /// The link id (hits use it as website id).
    #[serde(default, deserialize_with = "de::text")]
    pub id: String,
    /// Name.
    #[serde(default, deserialize_with = "de::text")]
    pub name: String,
    /// Target URL.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub url: Option<String>,
    /// Slug.
    #[serde(default, deserialize_with = "de::text")]
    pub slug: String,
    /// Owning user.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub user_id: Option<String>,
    /// Owning team.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub team_id: Option<String>,
    /// Created (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub created_at: Option<String>,
}

/// A tracking pixel.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Pixel {
    /// The pixel id.
    #[serde(default, deserialize_with = "de::text")]
    pub id: String,
    /// Name.
    #[serde(default, deserialize_with = "de::text")]
    pub name: String,
    /// Slug.
    #[serde(default, deserialize_with = "de::text")]
    pub slug: String,
    /// Owning user.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub user_id: Option<String>,
    /// Owning team.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub team_id: Option<String>,
    /// Created (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub created_at: Option<String>,
}

/// A board (dashboard).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Board {
    /// The board id.
    #[serde(default, deserialize_with = "de::text")]
    pub id: String,
    /// `mixed`, `website`, `pixel`, `link`, `open`.
    #[serde(rename = "type", default, deserialize_with = "de::opt_text")]
    pub kind: Option<String>,
    /// Name.
    #[serde(default, deserialize_with = "de::text")]
    pub name: String,
    /// Description.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub description: Option<String>,
    /// Parameters, as sent.
    #[serde(default)]
    pub parameters: Value,
    /// Owning user.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub user_id: Option<String>,
    /// Owning team.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub team_id: Option<String>,
}

/// A share (public link to a website, link, pixel or board).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Share {
    /// The share id.
    #[serde(default, deserialize_with = "de::text")]
    pub id: String,
    /// What is shared.
    #[serde(default, deserialize_with = "de::text")]
    pub entity_id: String,
    /// Name.
    #[serde(default, deserialize_with = "de::text")]
    pub name: String,
    /// `1` website, `2` link, `3` pixel, `4` board.
    #[serde(default, deserialize_with = "de::count")]
    pub share_type: u64,
    /// The public slug.
    #[serde(default, deserialize_with = "de::text")]
    pub slug: String,
    /// What the share shows, as sent.
    #[serde(default)]
    pub parameters: Value,
}

/// A segment or cohort, or a saved funnel or goal (3.3): a named set of parameters.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Saved {
    /// The id.
    #[serde(default, deserialize_with = "de::text")]
    pub id: String,
    /// The website.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub website_id: Option<String>,
    /// `segment`/`cohort` (segments), or the report type.
    #[serde(rename = "type", default, deserialize_with = "de::opt_text")]
    pub kind: Option<String>,
    /// Name.
    #[serde(default, deserialize_with = "de::text")]
    pub name: String,
    /// Description.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub description: Option<String>,
    /// The parameters, as sent.
    #[serde(default)]
    pub parameters: Value,
    /// Created (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub created_at: Option<String>,
}

/// A website annotation (3.3): a dated note.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Annotation {
    /// The id.
    #[serde(default, deserialize_with = "de::text")]
    pub id: String,
    /// The date (ISO-8601).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub date: Option<String>,
    /// The note.
    #[serde(default, deserialize_with = "de::text")]
    pub note: String,
    /// Whether it spans the day.
    #[serde(default, deserialize_with = "de::flag")]
    pub all_day: bool,
    /// Other fields, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
