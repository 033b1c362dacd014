//! Websites: read one, create, update, delete, reset, transfer; the listings of the
//! logged-in user's, a user's and a team's websites.

use serde::Serialize;

use super::{Done, admin_calls, admin_lists};
use crate::api::Website;
use crate::api::de::Page;
use crate::api::request::endpoints;

/// The body of [`Admin::create_website`](crate::api::admin::Admin::create_website).
///
/// ```
/// let body = umami::api::admin::NewWebsite { name: "Blog".into(), domain: "blog.example.com".into(), ..Default::default() };
/// assert_eq!(serde_json::to_value(&body)?, serde_json::json!({"name":"Blog","domain":"blog.example.com"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewWebsite {
    /// Display name (≤ 100 chars).
    pub name: String,
    /// Domain (≤ 500 chars).
    pub domain: String,
    /// A public share id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_id: Option<String>,
    /// Create it for this team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
    /// Use this id (a UUID) instead of a generated one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// The body of [`Admin::update_website`](crate::api::admin::Admin::update_website): what to change.
///
/// ```
/// let body = umami::api::admin::WebsiteUpdate { name: Some("Blog 2".into()), ..Default::default() };
/// assert_eq!(serde_json::to_value(&body)?, serde_json::json!({"name":"Blog 2"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebsiteUpdate {
    /// New name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// New share id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_id: Option<String>,
}

/// The body of [`Admin::transfer_website`](crate::api::admin::Admin::transfer_website): the new owner,
/// a user or a team.
///
/// ```
/// let to = umami::api::admin::Transfer { team_id: Some("226ee7b7-fb39-4acc-93bc-0efe2cbe8032".into()), ..Default::default() };
/// assert_eq!(serde_json::to_value(&to)?, serde_json::json!({"teamId":"226ee7b7-fb39-4acc-93bc-0efe2cbe8032"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    /// To this user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// To this team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
}

endpoints! {
    /// `GET /me/websites`: [`Admin::my_websites`](crate::api::admin::Admin::my_websites).
    GetMyWebsites => GET_MY_WEBSITES -> Page<Website>, paged Website;
    /// `GET /users/{userId}/websites`: [`Admin::user_websites`](crate::api::admin::Admin::user_websites).
    GetUserWebsites => GET_USER_WEBSITES -> Page<Website>, paged Website: Searched;
    /// `GET /teams/{teamId}/websites`: [`Admin::team_websites`](crate::api::admin::Admin::team_websites).
    GetTeamWebsites => GET_TEAM_WEBSITES -> Page<Website>, paged Website: Searched;
}

impl crate::api::Request<GetMyWebsites> {
    /// Also the websites of the user's teams (`includeTeams=true`).
    pub fn include_teams(self) -> Self {
        self.set("includeTeams", "true")
    }
}

impl crate::api::Request<GetUserWebsites> {
    /// Also the websites of the user's teams (`includeTeams=true`).
    pub fn include_teams(self) -> Self {
        self.set("includeTeams", "true")
    }
}

admin_lists! {
    /// The logged-in user's websites, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let mine = client.admin().my_websites().all().await?;
    /// # Ok(()) }
    /// ```
    fn my_websites() -> GetMyWebsites;
    /// A user's websites, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let theirs = client.admin().user_websites("41e2b680-648e-4b09-bcd7-3e2b10c06264").all().await?;
    /// # Ok(()) }
    /// ```
    fn user_websites(user_id) -> GetUserWebsites;
    /// A team's websites, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let sites = client.admin().team_websites("226ee7b7-fb39-4acc-93bc-0efe2cbe8032").all().await?;
    /// # Ok(()) }
    /// ```
    fn team_websites(team_id) -> GetTeamWebsites;
}

admin_calls! {
    /// One website (`None` when an admin asks for an unknown id: Umami answers `null`).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let site = client.admin().website("978435e2-7ba1-4337-9860-ec31ece2db60").await?;
    /// # Ok(()) }
    /// ```
    fn website(website_id) -> Option<Website> = GET_WEBSITE;
    /// Creates a website.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// use umami::api::admin::NewWebsite;
    /// let site = client
    ///     .admin()
    ///     .create_website(&NewWebsite { name: "Blog".into(), domain: "blog.example.com".into(), ..Default::default() })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    fn create_website() [body NewWebsite] -> Website = CREATE_WEBSITE;
    /// Changes a website's name, domain or share id.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::WebsiteUpdate { name: Some("Blog 2".into()), ..Default::default() };
    /// client.admin().update_website("978435e2-7ba1-4337-9860-ec31ece2db60", &body).await?;
    /// # Ok(()) }
    /// ```
    fn update_website(website_id) [body WebsiteUpdate] -> Website = UPDATE_WEBSITE;
    /// Deletes a website and its data.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_website("978435e2-7ba1-4337-9860-ec31ece2db60").await?;
    /// # Ok(()) }
    /// ```
    fn delete_website(website_id) -> Done = DELETE_WEBSITE;
    /// Deletes a website's data, keeping the website.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().reset_website("978435e2-7ba1-4337-9860-ec31ece2db60").await?;
    /// # Ok(()) }
    /// ```
    fn reset_website(website_id) -> Done = RESET_WEBSITE;
    /// Gives a website to another user or a team.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let to = umami::api::admin::Transfer { team_id: Some("226ee7b7-fb39-4acc-93bc-0efe2cbe8032".into()), ..Default::default() };
    /// client.admin().transfer_website("978435e2-7ba1-4337-9860-ec31ece2db60", &to).await?;
    /// # Ok(()) }
    /// ```
    fn transfer_website(website_id) [body Transfer] -> Website = TRANSFER_WEBSITE;
}
