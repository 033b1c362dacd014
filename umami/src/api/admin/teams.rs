//! Teams and their members, users, and the logged-in user (`/me`, password, API keys).

use std::fmt;

use serde::Serialize;
use serde_json::Value;

use super::{Done, Me, Team, TeamMember, UserAccount, admin_calls, admin_lists};

use crate::api::de::Page;
use crate::api::request::endpoints;

/// The body of [`Admin::create_team`](crate::api::admin::Admin::create_team).
///
/// ```
/// let t = umami::api::admin::NewTeam { name: "Ops".into() };
/// assert_eq!(serde_json::to_value(&t)?, serde_json::json!({"name":"Ops"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NewTeam {
    /// The name (≤ 50 chars).
    pub name: String,
}

/// The body of [`Admin::update_team`](crate::api::admin::Admin::update_team).
///
/// ```
/// let t = umami::api::admin::TeamUpdate { name: Some("Ops 2".into()), ..Default::default() };
/// assert_eq!(serde_json::to_value(&t)?, serde_json::json!({"name":"Ops 2"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamUpdate {
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New access code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_code: Option<String>,
}

/// The body of [`Admin::join_team`](crate::api::admin::Admin::join_team).
///
/// ```
/// let j = umami::api::admin::JoinTeam { access_code: "team_x".into() };
/// assert_eq!(serde_json::to_value(&j)?, serde_json::json!({"accessCode":"team_x"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JoinTeam {
    /// The team's access code.
    pub access_code: String,
}

/// The body of [`Admin::add_team_member`](crate::api::admin::Admin::add_team_member).
///
/// ```
/// let m = umami::api::admin::NewTeamMember { user_id: "u1".into(), role: "team-member".into() };
/// assert_eq!(serde_json::to_value(&m)?, serde_json::json!({"userId":"u1","role":"team-member"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewTeamMember {
    /// The user.
    pub user_id: String,
    /// `team-member`, `team-view-only` or `team-manager`.
    pub role: String,
}

/// The body of [`Admin::update_team_member`](crate::api::admin::Admin::update_team_member).
///
/// ```
/// let r = umami::api::admin::TeamRole { role: "team-manager".into() };
/// assert_eq!(serde_json::to_value(&r)?, serde_json::json!({"role":"team-manager"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TeamRole {
    /// `team-member`, `team-view-only` or `team-manager`.
    pub role: String,
}

/// The body of [`Admin::create_user`](crate::api::admin::Admin::create_user). `Debug` hides the
/// password.
///
/// ```
/// let u = umami::api::admin::NewUser { username: "ana".into(), password: "s3cret-pass".into(), role: "user".into() };
/// assert!(!format!("{u:?}").contains("s3cret"));
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct NewUser {
    /// Login name (≤ 255 chars).
    pub username: String,
    /// Password (8 to 255 chars).
    pub password: String,
    /// `admin`, `user` or `view-only`.
    pub role: String,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("password", &"[redacted]")
            .field("role", &self.role)
            .finish()
    }
}

/// The body of [`Admin::update_user`](crate::api::admin::Admin::update_user). `Debug` hides the
/// password.
///
/// ```
/// let u = umami::api::admin::UserUpdate { role: Some("view-only".into()), ..Default::default() };
/// assert_eq!(serde_json::to_value(&u)?, serde_json::json!({"role":"view-only"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
pub struct UserUpdate {
    /// New login name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// New password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// New role (admins only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

impl fmt::Debug for UserUpdate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserUpdate")
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("role", &self.role)
            .finish()
    }
}

/// The body of [`Admin::change_my_password`](crate::api::admin::Admin::change_my_password). `Debug`
/// hides both passwords.
///
/// ```
/// let p = umami::api::admin::PasswordChange { current_password: "old-pass".into(), new_password: "new-pass-1".into() };
/// assert!(!format!("{p:?}").contains("pass-1"));
/// ```
#[derive(Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChange {
    /// The current password.
    pub current_password: String,
    /// The new one (≥ 8 chars).
    pub new_password: String,
}

impl fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordChange { .. }")
    }
}

/// The body of [`Admin::create_my_api_key`](crate::api::admin::Admin::create_my_api_key) (3.3+).
///
/// ```
/// let k = umami::api::admin::NewApiKey { name: "reports".into() };
/// assert_eq!(serde_json::to_value(&k)?, serde_json::json!({"name":"reports"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NewApiKey {
    /// A name for the key.
    pub name: String,
}

endpoints! {
    /// `GET /teams`: [`Admin::teams`](crate::api::admin::Admin::teams).
    GetTeams => GET_TEAMS -> Page<Team>, paged Team;
    /// `GET /me/teams`: [`Admin::my_teams`](crate::api::admin::Admin::my_teams).
    GetMyTeams => GET_MY_TEAMS -> Page<Team>, paged Team;
    /// `GET /users/{userId}/teams`: [`Admin::user_teams`](crate::api::admin::Admin::user_teams).
    GetUserTeams => GET_USER_TEAMS -> Page<Team>, paged Team;
    /// `GET /teams/{teamId}/users`: [`Admin::team_members`](crate::api::admin::Admin::team_members).
    GetTeamUsers => GET_TEAM_USERS -> Page<TeamMember>, paged TeamMember: Searched;
}

admin_lists! {
    /// The teams the user can see, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let teams = client.admin().teams().all().await?;
    /// # Ok(()) }
    /// ```
    fn teams() -> GetTeams;
    /// The logged-in user's teams, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let teams = client.admin().my_teams().all().await?;
    /// # Ok(()) }
    /// ```
    fn my_teams() -> GetMyTeams;
    /// A user's teams, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let teams = client.admin().user_teams("41e2b680-648e-4b09-bcd7-3e2b10c06264").all().await?;
    /// # Ok(()) }
    /// ```
    fn user_teams(user_id) -> GetUserTeams;
    /// A team's members, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let members = client.admin().team_members("226ee7b7-fb39-4acc-93bc-0efe2cbe8032").all().await?;
    /// # Ok(()) }
    /// ```
    fn team_members(team_id) -> GetTeamUsers;
}

admin_calls! {
    /// One team.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let team = client.admin().team("226ee7b7-fb39-4acc-93bc-0efe2cbe8032").await?;
    /// # Ok(()) }
    /// ```
    fn team(team_id) -> Team = GET_TEAM;
    /// Creates a team; Umami 3.1 answers the team and the owner's membership as a list,
    /// returned as sent.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let created = client.admin().create_team(&umami::api::admin::NewTeam { name: "Ops".into() }).await?;
    /// # Ok(()) }
    /// ```
    fn create_team() [body NewTeam] -> Value = CREATE_TEAM;
    /// Renames a team or changes its access code.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::TeamUpdate { name: Some("Ops 2".into()), ..Default::default() };
    /// client.admin().update_team("226ee7b7-fb39-4acc-93bc-0efe2cbe8032", &body).await?;
    /// # Ok(()) }
    /// ```
    fn update_team(team_id) [body TeamUpdate] -> Team = UPDATE_TEAM;
    /// Deletes a team.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_team("226ee7b7-fb39-4acc-93bc-0efe2cbe8032").await?;
    /// # Ok(()) }
    /// ```
    fn delete_team(team_id) -> Done = DELETE_TEAM;
    /// Joins a team by its access code.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().join_team(&umami::api::admin::JoinTeam { access_code: "team_PIzMMzwtdm3jGTcP".into() }).await?;
    /// # Ok(()) }
    /// ```
    fn join_team() [body JoinTeam] -> Value = JOIN_TEAM;
    /// One membership (`None` for a non-member, as Umami answers `null`).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let m = client.admin().team_member("226ee7b7-fb39-4acc-93bc-0efe2cbe8032", "41e2b680-648e-4b09-bcd7-3e2b10c06264").await?;
    /// # Ok(()) }
    /// ```
    fn team_member(team_id, user_id) -> Option<TeamMember> = GET_TEAM_USER;
    /// Adds a user to a team.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let m = umami::api::admin::NewTeamMember { user_id: "cd28a1fc-b974-4b8b-bc15-2f2c73c481f9".into(), role: "team-member".into() };
    /// client.admin().add_team_member("226ee7b7-fb39-4acc-93bc-0efe2cbe8032", &m).await?;
    /// # Ok(()) }
    /// ```
    fn add_team_member(team_id) [body NewTeamMember] -> TeamMember = CREATE_TEAM_USER;
    /// Changes a member's role.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let r = umami::api::admin::TeamRole { role: "team-manager".into() };
    /// client.admin().update_team_member("226ee7b7-fb39-4acc-93bc-0efe2cbe8032", "cd28a1fc-b974-4b8b-bc15-2f2c73c481f9", &r).await?;
    /// # Ok(()) }
    /// ```
    fn update_team_member(team_id, user_id) [body TeamRole] -> TeamMember = UPDATE_TEAM_USER;
    /// Removes a member.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().remove_team_member("226ee7b7-fb39-4acc-93bc-0efe2cbe8032", "cd28a1fc-b974-4b8b-bc15-2f2c73c481f9").await?;
    /// # Ok(()) }
    /// ```
    fn remove_team_member(team_id, user_id) -> Done = DELETE_TEAM_USER;
    /// One user (`None` for an unknown id asked by an admin).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let u = client.admin().user("41e2b680-648e-4b09-bcd7-3e2b10c06264").await?;
    /// # Ok(()) }
    /// ```
    fn user(user_id) -> Option<UserAccount> = GET_USER;
    /// Creates a user (admins only).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let u = umami::api::admin::NewUser { username: "ana".into(), password: "long-password".into(), role: "user".into() };
    /// client.admin().create_user(&u).await?;
    /// # Ok(()) }
    /// ```
    fn create_user() [body NewUser] -> UserAccount = CREATE_USER;
    /// Changes a user.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::UserUpdate { role: Some("view-only".into()), ..Default::default() };
    /// client.admin().update_user("cd28a1fc-b974-4b8b-bc15-2f2c73c481f9", &body).await?;
    /// # Ok(()) }
    /// ```
    fn update_user(user_id) [body UserUpdate] -> UserAccount = UPDATE_USER;
    /// Deletes a user (admins only).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_user("cd28a1fc-b974-4b8b-bc15-2f2c73c481f9").await?;
    /// # Ok(()) }
    /// ```
    fn delete_user(user_id) -> Done = DELETE_USER;
    /// The logged-in user.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let me = client.admin().me().await?;
    /// println!("{}", me.user.username);
    /// # Ok(()) }
    /// ```
    fn me() -> Me = GET_ME;
    /// Changes the logged-in user's password.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let p = umami::api::admin::PasswordChange { current_password: "old-pass".into(), new_password: "new-pass-1".into() };
    /// client.admin().change_my_password(&p).await?;
    /// # Ok(()) }
    /// ```
    fn change_my_password() [body PasswordChange] -> Value = UPDATE_MY_PASSWORD;
    /// The logged-in user's API keys (3.3+), as sent.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let keys = client.admin().my_api_keys().await?;
    /// # Ok(()) }
    /// ```
    fn my_api_keys() -> Value = GET_MY_API_KEYS;
    /// Creates an API key (3.3+). The answer holds the key: keep it out of logs.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let key = client.admin().create_my_api_key(&umami::api::admin::NewApiKey { name: "reports".into() }).await?;
    /// # Ok(()) }
    /// ```
    fn create_my_api_key() [body NewApiKey] -> Value = CREATE_MY_API_KEY;
    /// Deletes an API key (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_my_api_key("k1").await?;
    /// # Ok(()) }
    /// ```
    fn delete_my_api_key(key_id) -> Value = DELETE_MY_API_KEY;
}
