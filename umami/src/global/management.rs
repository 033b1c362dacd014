//! The seed's management calls on the global default client: `umami::login`,
//! `umami::websites`, `umami::website_stats`, ...
//!
//! They use the client configured by [`set_url_base`](crate::set_url_base) or
//! [`set_cloud_api_key`](crate::set_cloud_api_key). The login token is kept for the server it
//! was issued by, so it survives later setters (which rebuild the default client) as long as
//! the base URL stays the same; [`logout`] and [`global::reset`](super::reset)
//! forget it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), umami::Error> {
//! umami::set_url_base("https://umami.example.com")?;
//! umami::set_website_id("978435e2-7ba1-4337-9860-ec31ece2db60");
//! umami::login("admin", "umami").await?;
//! for site in umami::websites().await? {
//!     println!("{}", site.name);
//! }
//! println!("{} visitors now", umami::active_users(None).await?);
//! # Ok(()) }
//! ```

use std::sync::RwLock;
use std::time::SystemTime;

use crate::api::{User, Website, WebsiteStatsRequest, WebsitesPage, WebsitesQuery, no_client};
use crate::client::Client;
use crate::default_client::default_client;
use crate::error::Error;
use crate::secret::Secret;

/// The login token of the module-level API, with the management root it belongs to.
static TOKEN: RwLock<Option<(String, Secret)>> = RwLock::new(None);

/// The default client, carrying the module-level login token if it was issued by this server.
fn current() -> Option<Client> {
    let client = default_client()?;
    if client.token().is_none() {
        if let Some((root, token)) = TOKEN.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if *root == client.management_api_root() {
                client.set_token(Some(token.clone()));
            }
        }
    }
    Some(client)
}

fn required() -> Result<Client, Error> {
    current().ok_or_else(no_client)
}

/// Logs in on the default client; see [`Client::login`].
///
/// # Errors
/// [`Error::OperationNotAllowed`] before [`set_url_base`](crate::set_url_base), or on Umami
/// Cloud; otherwise as [`Client::login`].
pub async fn login(username: &str, password: &str) -> Result<User, Error> {
    let client = required()?;
    let user = client.login(username, password).await?;
    if let Some(token) = client.token() {
        *TOKEN.write().unwrap_or_else(|p| p.into_inner()) =
            Some((client.management_api_root(), token));
    }
    Ok(user)
}

/// Forgets the module-level login token. No I/O.
pub fn logout() {
    *TOKEN.write().unwrap_or_else(|p| p.into_inner()) = None;
    if let Some(client) = default_client() {
        client.logout();
    }
}

/// Whether the module-level API holds a login token (no I/O); see [`Client::is_logged_in`].
pub fn is_logged_in() -> bool {
    current().is_some_and(|c| c.is_logged_in())
}

/// See [`Client::verify_token`]; `false` when no server is configured.
pub async fn verify_token(check_server: bool) -> bool {
    match current() {
        Some(client) => client.verify_token(check_server).await,
        None => false,
    }
}

/// See [`Client::heartbeat`]; `false` when no server is configured.
pub async fn heartbeat() -> bool {
    match current() {
        Some(client) => client.heartbeat().await,
        None => false,
    }
}

/// Every website, across all pages; see [`Client::websites`].
///
/// # Errors
/// [`Error::OperationNotAllowed`] when no server is configured; otherwise as
/// [`Client::websites`].
pub async fn websites() -> Result<Vec<Website>, Error> {
    required()?.websites().await
}

/// One page of websites; see [`Client::websites_page`].
///
/// # Errors
/// As [`websites`].
pub async fn websites_page(page: u64, page_size: u64) -> Result<WebsitesPage, Error> {
    required()?.websites_page(page, page_size).await
}

/// A website listing with options; see [`Client::websites_query`]. Without a configured
/// server, its `send`/`all` fail with [`Error::OperationNotAllowed`].
pub fn websites_query() -> WebsitesQuery {
    WebsitesQuery::new(current())
}

/// Stats of the default (or a given) website; see [`Client::website_stats`]. Without a
/// configured server, its `send` fails with [`Error::OperationNotAllowed`].
///
/// ```no_run
/// # async fn demo() -> Result<(), umami::Error> {
/// use std::time::{Duration, SystemTime};
/// let now = SystemTime::now();
/// let stats = umami::website_stats(now - Duration::from_secs(86_400), now)
///     .path("/checkout")
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
pub fn website_stats(start: SystemTime, end: SystemTime) -> WebsiteStatsRequest {
    WebsiteStatsRequest::new(current(), start, end)
}

/// Visitors on the website right now; see [`Client::active_users`].
///
/// # Errors
/// [`Error::OperationNotAllowed`] when no server is configured; otherwise as
/// [`Client::active_users`].
pub async fn active_users(website_id: Option<&str>) -> Result<u64, Error> {
    required()?.active_users(website_id).await
}
