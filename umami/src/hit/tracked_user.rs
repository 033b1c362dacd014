//! [`TrackedUser`]: direct sends of one known user that keep the user's `x-umami-cache` token.
//!
//! A token belongs to one user: sending it with another user's hit merges their sessions, so
//! a `TrackedUser` refuses hits that name another distinct id.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::response::SendResponse;
use crate::typed::UmamiEvent;
use crate::validate;

use super::builder::{Identify, NewEvent, NewPageView};
use super::distinct_id::{DistinctId, IntoDistinctId};
use super::prepared::{IntoPreparedHit, PreparedHit};

/// One user of your site, identified by a distinct id, for direct sends that keep the
/// user's `x-umami-cache` token from one hit to the next.
///
/// Made by [`Client::tracked_user`]. Clones share the token. Every hit sent through a
/// `TrackedUser` carries its distinct id; a hit that names another distinct id is refused, so
/// a token is never shared between users. (The visitor of a web request, with its IP and
/// User-Agent, is `umami::web::RequestVisitor`, feature `tower`.)
///
/// ```no_run
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// let user = client.tracked_user("user-42");
/// user.send_hit(user.new_page_view("Home", "/")).await?;
/// // Sent with the token Umami returned for the page view: same visit.
/// user.send_hit(user.new_event("Signup")).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct TrackedUser {
    client: Client,
    id: DistinctId,
    token: Arc<Mutex<Option<String>>>,
}

impl fmt::Debug for TrackedUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrackedUser")
            .field("distinct_id", &self.id)
            .field("has_cache_token", &self.has_cache_token())
            .finish()
    }
}

impl Client {
    /// A [`TrackedUser`] handle for `distinct_id`: direct sends that carry the id and reuse the
    /// user's cache token.
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// let user = client.tracked_user(42_u64);
    /// user.send_hit(user.new_event("Signup")).await?;
    /// # Ok(()) }
    /// ```
    pub fn tracked_user(&self, distinct_id: impl IntoDistinctId) -> TrackedUser {
        TrackedUser {
            client: self.clone(),
            id: distinct_id.into_distinct_id(),
            token: Arc::new(Mutex::new(None)),
        }
    }
}

impl TrackedUser {
    /// The user's distinct id.
    pub fn distinct_id(&self) -> &str {
        self.id.as_str()
    }

    /// A custom event of this user (its distinct id already set).
    pub fn new_event(&self, event_name: impl Into<String>) -> NewEvent {
        self.client.new_event(event_name).distinct_id(&self.id)
    }

    /// A page view of this user (its distinct id already set).
    pub fn new_page_view(
        &self,
        page_title: impl Into<String>,
        url: impl Into<String>,
    ) -> NewPageView {
        self.client
            .new_page_view(page_title, url)
            .distinct_id(&self.id)
    }

    /// An identify hit for this user.
    pub fn identify(&self) -> Identify {
        self.client.identify(&self.id)
    }

    /// Whether a cache token from an earlier answer is held (the token itself is not exposed:
    /// it identifies the user's session).
    pub fn has_cache_token(&self) -> bool {
        self.token.lock().map(|t| t.is_some()).unwrap_or(false)
    }

    /// Forgets the cache token, so that the next hit starts without one (for example after the
    /// user logged out).
    pub fn forget_cache_token(&self) {
        if let Ok(mut token) = self.token.lock() {
            *token = None;
        }
    }

    /// Validates and sends a hit of this user (a builder or a [`PreparedHit`]) with the user's
    /// cache token; keeps the token of the answer for the next hit.
    ///
    /// A hit without a distinct id gets the user's.
    ///
    /// ```no_run
    /// # async fn demo(user: umami::hit::TrackedUser) -> Result<(), umami::Error> {
    /// user.send_hit(user.new_page_view("Pricing", "/pricing")).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`Error::Validation`] when the user's id is blank or too long, or the hit names
    /// another distinct id; otherwise as [`Client::send_hit`].
    pub async fn send_hit(&self, hit: impl IntoPreparedHit) -> Result<SendResponse, Error> {
        let hit = self.adopt(hit.into_prepared_hit()?)?;
        let token = self.token.lock().ok().and_then(|t| t.clone());
        let response = self
            .client
            .send_hit_with_cache(&hit, token.as_deref())
            .await?;
        if let (Some(new), Ok(mut slot)) = (response.cache(), self.token.lock()) {
            *slot = Some(new.to_owned());
        }
        Ok(response)
    }

    /// Sends a typed event (see [`UmamiEvent`]) as this user's, with the user's cache token:
    /// [`send_hit`](Self::send_hit) of `event.new_event(client)`. An event whose own distinct
    /// id is another user's is refused.
    ///
    /// ```no_run
    /// # #[cfg(feature = "derive")]
    /// # async fn demo(user: umami::hit::TrackedUser) -> Result<(), umami::Error> {
    /// #[derive(umami::UmamiEvent)]
    /// #[umami(name = "Signup")]
    /// struct Signup { plan: String }
    ///
    /// user.send_event(&Signup { plan: "pro".into() }).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`send_hit`](Self::send_hit).
    pub async fn send_event<E: UmamiEvent + ?Sized>(
        &self,
        event: &E,
    ) -> Result<SendResponse, Error> {
        self.send_hit(event.new_event(&self.client)).await
    }

    fn adopt(&self, hit: PreparedHit) -> Result<PreparedHit, Error> {
        if self.id.is_blank() {
            return Err(ValidationError::new(
                "distinct_id",
                "a tracked user needs a non-blank distinct id",
            )
            .into());
        }
        validate::max_chars("distinct_id", self.id.as_str(), validate::MAX_DISTINCT_ID)?;
        match hit.distinct_id() {
            None => Ok(hit.with_distinct_id(self.id.as_str())),
            Some(id) if id == self.id.as_str() => Ok(hit),
            Some(other) => Err(ValidationError::new(
                "distinct_id",
                format!(
                    "the hit is for user {other:?}, not {:?}: a user's cache token must \
                     not be sent with another user's hits",
                    self.id.as_str()
                ),
            )
            .into()),
        }
    }
}
