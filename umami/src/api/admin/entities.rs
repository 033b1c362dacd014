//! Links, pixels, boards and shares.

use serde::Serialize;
use serde_json::Value;

use super::{Board, Done, Link, Pixel, Share, admin_calls, admin_lists};
use crate::api::de::Page;
use crate::api::request::endpoints;

/// The body of [`Admin::create_link`](crate::api::admin::Admin::create_link) and
/// [`update_link`](crate::api::admin::Admin::update_link) (empty fields are not sent).
///
/// ```
/// let l = umami::api::admin::LinkBody { name: "Docs".into(), url: "https://example.com/docs".into(), slug: "docs-link".into(), ..Default::default() };
/// assert_eq!(serde_json::to_value(&l)?["slug"], "docs-link");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkBody {
    /// Name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Target URL.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// Slug (≥ 8 chars on update).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub slug: String,
    /// Owning team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
}

/// The body of [`Admin::create_pixel`](crate::api::admin::Admin::create_pixel) and
/// [`update_pixel`](crate::api::admin::Admin::update_pixel) (empty fields are not sent).
///
/// ```
/// let p = umami::api::admin::PixelBody { name: "Mail".into(), slug: "mail-pixel".into(), ..Default::default() };
/// assert_eq!(serde_json::to_value(&p)?, serde_json::json!({"name":"Mail","slug":"mail-pixel"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PixelBody {
    /// Name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Slug.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub slug: String,
    /// Owning team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
}

/// The body of [`Admin::create_board`](crate::api::admin::Admin::create_board) and
/// [`update_board`](crate::api::admin::Admin::update_board). Umami 3.1 answers 500 when
/// `description` is missing, so it is always sent.
///
/// ```
/// let b = umami::api::admin::BoardBody { kind: "website".into(), name: "KPIs".into(), ..Default::default() };
/// assert_eq!(serde_json::to_value(&b)?, serde_json::json!({"type":"website","name":"KPIs","description":""}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BoardBody {
    /// `mixed`, `website`, `pixel`, `link` or `open` (not sent when empty: updates).
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// Name (not sent when empty: updates).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Description.
    pub description: String,
    /// Parameters (`{"websiteId": …}`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
    /// Owning team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team_id: Option<String>,
}

/// The body of share creation and [`Admin::update_share`](crate::api::admin::Admin::update_share).
///
/// ```
/// let s = umami::api::admin::ShareBody { name: "Public".into(), ..Default::default() };
/// assert_eq!(serde_json::to_value(&s)?, serde_json::json!({"name":"Public"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShareBody {
    /// What to share (only for [`Admin::create_share`](crate::api::admin::Admin::create_share)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// `1` website, `2` link, `3` pixel, `4` board (only for `create_share`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_type: Option<u8>,
    /// Name.
    pub name: String,
    /// Slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// What the share shows (`{"overview": true}`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
}

endpoints! {
    /// `GET /links`.
    GetLinks => GET_LINKS -> Page<Link>, paged Link: Searched;
    /// `GET /teams/{teamId}/links`.
    GetTeamLinks => GET_TEAM_LINKS -> Page<Link>, paged Link: Searched;
    /// `GET /links/{linkId}/shares`.
    GetLinkShares => GET_LINK_SHARES -> Page<Share>, paged Share;
    /// `GET /pixels`.
    GetPixels => GET_PIXELS -> Page<Pixel>, paged Pixel: Searched;
    /// `GET /teams/{teamId}/pixels`.
    GetTeamPixels => GET_TEAM_PIXELS -> Page<Pixel>, paged Pixel: Searched;
    /// `GET /pixels/{pixelId}/shares`.
    GetPixelShares => GET_PIXEL_SHARES -> Page<Share>, paged Share;
    /// `GET /boards`.
    GetBoards => GET_BOARDS -> Page<Board>, paged Board: Searched;
    /// `GET /teams/{teamId}/boards`.
    GetTeamBoards => GET_TEAM_BOARDS -> Page<Board>, paged Board: Searched;
    /// `GET /boards/{boardId}/shares`.
    GetBoardShares => GET_BOARD_SHARES -> Page<Share>, paged Share;
    /// `GET /websites/{websiteId}/shares`.
    GetWebsiteShares => GET_WEBSITE_SHARES -> Page<Share>, paged Share;
}

admin_lists! {
    /// Links, paged. `client.admin().links().all().await?`
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let links = client.admin().links().all().await?;
    /// # Ok(()) }
    /// ```
    fn links() -> GetLinks;
    /// A team's links, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let links = client.admin().team_links("226ee7b7-fb39-4acc-93bc-0efe2cbe8032").all().await?;
    /// # Ok(()) }
    /// ```
    fn team_links(team_id) -> GetTeamLinks;
    /// A link's shares, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let shares = client.admin().link_shares("7ab60679-cf32-4c74-b5aa-2180f0cd87f8").all().await?;
    /// # Ok(()) }
    /// ```
    fn link_shares(link_id) -> GetLinkShares;
    /// Pixels, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let pixels = client.admin().pixels().all().await?;
    /// # Ok(()) }
    /// ```
    fn pixels() -> GetPixels;
    /// A team's pixels, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let pixels = client.admin().team_pixels("226ee7b7-fb39-4acc-93bc-0efe2cbe8032").all().await?;
    /// # Ok(()) }
    /// ```
    fn team_pixels(team_id) -> GetTeamPixels;
    /// A pixel's shares, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let shares = client.admin().pixel_shares("b8dc8010-a572-4c34-8988-4fae877ee635").all().await?;
    /// # Ok(()) }
    /// ```
    fn pixel_shares(pixel_id) -> GetPixelShares;
    /// Boards, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let boards = client.admin().boards().all().await?;
    /// # Ok(()) }
    /// ```
    fn boards() -> GetBoards;
    /// A team's boards, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let boards = client.admin().team_boards("226ee7b7-fb39-4acc-93bc-0efe2cbe8032").all().await?;
    /// # Ok(()) }
    /// ```
    fn team_boards(team_id) -> GetTeamBoards;
    /// A board's shares, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let shares = client.admin().board_shares("91945dd2-d610-4cdf-a813-10459beb8b27").all().await?;
    /// # Ok(()) }
    /// ```
    fn board_shares(board_id) -> GetBoardShares;
    /// A website's shares, paged.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let shares = client.admin().website_shares("00000000-0000-4000-8000-00000000f1c5").all().await?;
    /// # Ok(()) }
    /// ```
    fn website_shares(website_id) -> GetWebsiteShares;
}

admin_calls! {
    /// One link.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let link = client.admin().link("7ab60679-cf32-4c74-b5aa-2180f0cd87f8").await?;
    /// # Ok(()) }
    /// ```
    fn link(link_id) -> Option<Link> = GET_LINK;
    /// Creates a link.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::LinkBody { name: "Docs".into(), url: "https://example.com/docs".into(), slug: "docs-link".into(), ..Default::default() };
    /// client.admin().create_link(&body).await?;
    /// # Ok(()) }
    /// ```
    fn create_link() [body LinkBody] -> Link = CREATE_LINK;
    /// Changes a link.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::LinkBody { name: "Docs 2".into(), ..Default::default() };
    /// client.admin().update_link("7ab60679-cf32-4c74-b5aa-2180f0cd87f8", &body).await?;
    /// # Ok(()) }
    /// ```
    fn update_link(link_id) [body LinkBody] -> Link = UPDATE_LINK;
    /// Deletes a link.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_link("7ab60679-cf32-4c74-b5aa-2180f0cd87f8").await?;
    /// # Ok(()) }
    /// ```
    fn delete_link(link_id) -> Done = DELETE_LINK;
    /// Shares a link.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().create_link_share("7ab60679-cf32-4c74-b5aa-2180f0cd87f8", &umami::api::admin::ShareBody { name: "pub".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    fn create_link_share(link_id) [body ShareBody] -> Share = CREATE_LINK_SHARE;
    /// One pixel.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let pixel = client.admin().pixel("b8dc8010-a572-4c34-8988-4fae877ee635").await?;
    /// # Ok(()) }
    /// ```
    fn pixel(pixel_id) -> Option<Pixel> = GET_PIXEL;
    /// Creates a pixel.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().create_pixel(&umami::api::admin::PixelBody { name: "Mail".into(), slug: "mail-pixel".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    fn create_pixel() [body PixelBody] -> Pixel = CREATE_PIXEL;
    /// Changes a pixel.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().update_pixel("b8dc8010-a572-4c34-8988-4fae877ee635", &umami::api::admin::PixelBody { name: "Mail 2".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    fn update_pixel(pixel_id) [body PixelBody] -> Pixel = UPDATE_PIXEL;
    /// Deletes a pixel.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_pixel("b8dc8010-a572-4c34-8988-4fae877ee635").await?;
    /// # Ok(()) }
    /// ```
    fn delete_pixel(pixel_id) -> Done = DELETE_PIXEL;
    /// Shares a pixel.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().create_pixel_share("b8dc8010-a572-4c34-8988-4fae877ee635", &umami::api::admin::ShareBody { name: "pub".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    fn create_pixel_share(pixel_id) [body ShareBody] -> Share = CREATE_PIXEL_SHARE;
    /// One board.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let board = client.admin().board("91945dd2-d610-4cdf-a813-10459beb8b27").await?;
    /// # Ok(()) }
    /// ```
    fn board(board_id) -> Option<Board> = GET_BOARD;
    /// Creates a board.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().create_board(&umami::api::admin::BoardBody { kind: "mixed".into(), name: "KPIs".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    fn create_board() [body BoardBody] -> Board = CREATE_BOARD;
    /// Changes a board.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().update_board("91945dd2-d610-4cdf-a813-10459beb8b27", &umami::api::admin::BoardBody { kind: "mixed".into(), name: "KPIs 2".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    fn update_board(board_id) [body BoardBody] -> Board = UPDATE_BOARD;
    /// Deletes a board.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_board("91945dd2-d610-4cdf-a813-10459beb8b27").await?;
    /// # Ok(()) }
    /// ```
    fn delete_board(board_id) -> Done = DELETE_BOARD;
    /// Copies a board (3.3+).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().clone_board("91945dd2-d610-4cdf-a813-10459beb8b27", &umami::api::admin::BoardBody { kind: "mixed".into(), name: "Copy".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    fn clone_board(board_id) [body BoardBody] -> Board = CLONE_BOARD;
    /// Shares a board.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().create_board_share("91945dd2-d610-4cdf-a813-10459beb8b27", &umami::api::admin::ShareBody { name: "pub".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    fn create_board_share(board_id) [body ShareBody] -> Share = CREATE_BOARD_SHARE;
    /// Shares a website.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().create_website_share("00000000-0000-4000-8000-00000000f1c5", &umami::api::admin::ShareBody { name: "pub".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    fn create_website_share(website_id) [body ShareBody] -> Share = CREATE_WEBSITE_SHARE;
    /// Shares anything by id and type.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let body = umami::api::admin::ShareBody { entity_id: Some("00000000-0000-4000-8000-00000000f1c5".into()), share_type: Some(1), name: "pub".into(), ..Default::default() };
    /// client.admin().create_share(&body).await?;
    /// # Ok(()) }
    /// ```
    fn create_share() [body ShareBody] -> Share = CREATE_SHARE;
    /// One share by id.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let share = client.admin().share("de443b46-2982-44e7-9cb4-d4407839d0ab").await?;
    /// # Ok(()) }
    /// ```
    fn share(share_id) -> Option<Share> = GET_SHARE;
    /// Changes a share.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().update_share("de443b46-2982-44e7-9cb4-d4407839d0ab", &umami::api::admin::ShareBody { name: "pub 2".into(), ..Default::default() }).await?;
    /// # Ok(()) }
    /// ```
    fn update_share(share_id) [body ShareBody] -> Share = UPDATE_SHARE;
    /// Deletes a share.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.admin().delete_share("de443b46-2982-44e7-9cb4-d4407839d0ab").await?;
    /// # Ok(()) }
    /// ```
    fn delete_share(share_id) -> Done = DELETE_SHARE;
}
