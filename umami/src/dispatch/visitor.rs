//! Per-visitor `x-umami-cache` tokens: a bounded LRU for the dispatcher, and the [`Visitor`]
//! handle for direct sends.
//!
//! Umami answers each stored hit with a cache token; echoing it on the same visitor's next hit
//! lets the server keep the visit and skip a lookup. A token belongs to one visitor: sending it
//! with another visitor's hit merges their sessions. Both stores here are therefore keyed by
//! the distinct id, and hits without one never carry a token.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex};

use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::event::{
    DistinctId, Identify, IntoDistinctId, NewEvent, NewPageView, PreparedHit, SendResponse,
};
use crate::validate;

use super::IntoPreparedHit;

/// A bounded least-recently-used map from distinct id to that visitor's last cache token.
#[derive(Default)]
pub(crate) struct CacheTokens {
    capacity: usize,
    tick: u64,
    by_visitor: HashMap<String, (String, u64)>,
    by_age: BTreeMap<u64, String>,
}

impl fmt::Debug for CacheTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Tokens identify sessions: count them, do not print them.
        f.debug_struct("CacheTokens")
            .field("capacity", &self.capacity)
            .field("len", &self.by_visitor.len())
            .finish()
    }
}

impl CacheTokens {
    pub(crate) fn new(capacity: usize) -> Self {
        CacheTokens {
            capacity,
            ..CacheTokens::default()
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.by_visitor.len()
    }

    fn bump(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    /// The token last stored for `visitor`, marking it as recently used.
    pub(crate) fn get(&mut self, visitor: &str) -> Option<String> {
        let tick = self.bump();
        let (token, age) = self.by_visitor.get_mut(visitor)?;
        self.by_age.remove(age);
        *age = tick;
        self.by_age.insert(tick, visitor.to_owned());
        Some(token.clone())
    }

    /// Stores `token` as `visitor`'s, evicting the least recently used visitor when full.
    pub(crate) fn put(&mut self, visitor: &str, token: &str) {
        if self.capacity == 0 {
            return;
        }
        let tick = self.bump();
        if let Some((old_token, age)) = self.by_visitor.get_mut(visitor) {
            self.by_age.remove(age);
            *age = tick;
            token.clone_into(old_token);
            self.by_age.insert(tick, visitor.to_owned());
            return;
        }
        if self.by_visitor.len() >= self.capacity
            && let Some((_, oldest)) = self.by_age.pop_first()
        {
            self.by_visitor.remove(&oldest);
        }
        self.by_visitor
            .insert(visitor.to_owned(), (token.to_owned(), tick));
        self.by_age.insert(tick, visitor.to_owned());
    }
}

/// One visitor (user) of your site, identified by a distinct id, for direct sends that keep
/// the visitor's `x-umami-cache` token from one hit to the next.
///
/// Made by [`Client::visitor`]. Clones share the token. Every hit sent through a `Visitor`
/// carries its distinct id; a hit that names another distinct id is refused, so a token is
/// never shared between visitors.
///
/// ```no_run
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// let visitor = client.visitor("user-42");
/// visitor.send(visitor.new_page_view("Home", "/")).await?;
/// // Sent with the token Umami returned for the page view: same visit.
/// visitor.send(visitor.new_event("Signup")).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Visitor {
    client: Client,
    id: DistinctId,
    token: Arc<Mutex<Option<String>>>,
}

impl fmt::Debug for Visitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Visitor")
            .field("distinct_id", &self.id)
            .field("has_cache_token", &self.has_cache_token())
            .finish()
    }
}

impl Client {
    /// A [`Visitor`] handle for `distinct_id`: direct sends that carry the id and reuse the
    /// visitor's cache token.
    pub fn visitor(&self, distinct_id: impl IntoDistinctId) -> Visitor {
        Visitor {
            client: self.clone(),
            id: distinct_id.into_distinct_id(),
            token: Arc::new(Mutex::new(None)),
        }
    }
}

impl Visitor {
    /// The visitor's distinct id.
    pub fn distinct_id(&self) -> &str {
        self.id.as_str()
    }

    /// A custom event of this visitor (its distinct id already set).
    pub fn new_event(&self, event_name: impl Into<String>) -> NewEvent {
        self.client.new_event(event_name).distinct_id(&self.id)
    }

    /// A page view of this visitor (its distinct id already set).
    pub fn new_page_view(
        &self,
        page_title: impl Into<String>,
        url: impl Into<String>,
    ) -> NewPageView {
        self.client
            .new_page_view(page_title, url)
            .distinct_id(&self.id)
    }

    /// An identify hit for this visitor.
    pub fn identify(&self) -> Identify {
        self.client.identify(&self.id)
    }

    /// Whether a cache token from an earlier answer is held (the token itself is not exposed:
    /// it identifies the visitor's session).
    pub fn has_cache_token(&self) -> bool {
        self.token.lock().map(|t| t.is_some()).unwrap_or(false)
    }

    /// Forgets the cache token, so that the next hit starts without one (for example after the
    /// visitor logged out).
    pub fn forget_cache_token(&self) {
        if let Ok(mut token) = self.token.lock() {
            *token = None;
        }
    }

    /// Validates and sends a hit of this visitor through the visitor's client, with the
    /// visitor's cache token; keeps the token of the answer for the next hit.
    ///
    /// A hit without a distinct id gets the visitor's.
    ///
    /// # Errors
    /// [`Error::Validation`] when the visitor's id is blank or too long, or the hit names
    /// another distinct id; otherwise as [`Client::send_hit`].
    pub async fn send(&self, hit: impl IntoPreparedHit) -> Result<SendResponse, Error> {
        let hit = self.adopt(hit.into_prepared_hit()?)?;
        let token = self.token.lock().ok().and_then(|t| t.clone());
        let response = self
            .client
            .send_hit_with_cache(&hit, token.as_deref())
            .await?;
        if let Some(new) = response.cache()
            && let Ok(mut slot) = self.token.lock()
        {
            *slot = Some(new.to_owned());
        }
        Ok(response)
    }

    fn adopt(&self, mut hit: PreparedHit) -> Result<PreparedHit, Error> {
        if self.id.is_blank() {
            return Err(ValidationError::new(
                "distinct_id",
                "a visitor needs a non-blank distinct id",
            )
            .into());
        }
        validate::max_chars("distinct_id", self.id.as_str(), validate::MAX_DISTINCT_ID)?;
        match hit.distinct_id() {
            None => hit.envelope.payload.id = Some(self.id.as_str().to_owned()),
            Some(id) if id == self.id.as_str() => {}
            Some(other) => {
                return Err(ValidationError::new(
                    "distinct_id",
                    format!(
                        "the hit is for visitor {other:?}, not {:?}: a visitor's cache token \
                         must not be sent with another visitor's hits",
                        self.id.as_str()
                    ),
                )
                .into());
            }
        }
        Ok(hit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_kept_per_visitor() {
        let mut lru = CacheTokens::new(10);
        lru.put("a", "token-a");
        lru.put("b", "token-b");
        assert_eq!(lru.get("a").as_deref(), Some("token-a"));
        assert_eq!(lru.get("b").as_deref(), Some("token-b"));
        assert_eq!(lru.get("c"), None);
    }

    #[test]
    fn a_new_token_replaces_the_old_one() {
        let mut lru = CacheTokens::new(10);
        lru.put("a", "1");
        lru.put("a", "2");
        assert_eq!(lru.get("a").as_deref(), Some("2"));
        assert_eq!(lru.len(), 1);
    }

    #[test]
    fn least_recently_used_visitor_is_evicted() {
        let mut lru = CacheTokens::new(2);
        lru.put("a", "1");
        lru.put("b", "2");
        assert!(lru.get("a").is_some()); // b is now the oldest
        lru.put("c", "3");
        assert_eq!(lru.len(), 2);
        assert_eq!(lru.get("b"), None);
        assert_eq!(lru.get("a").as_deref(), Some("1"));
        assert_eq!(lru.get("c").as_deref(), Some("3"));
    }

    #[test]
    fn size_stays_bounded() {
        let mut lru = CacheTokens::new(100);
        for i in 0..10_000 {
            lru.put(&format!("v{i}"), &format!("t{i}"));
            if i % 3 == 0 {
                lru.get(&format!("v{}", i / 2));
            }
        }
        assert_eq!(lru.len(), 100);
        assert_eq!(lru.by_age.len(), 100);
        assert_eq!(lru.get("v9999").as_deref(), Some("t9999"));
    }

    #[test]
    fn zero_capacity_stores_nothing() {
        let mut lru = CacheTokens::new(0);
        lru.put("a", "1");
        assert_eq!(lru.get("a"), None);
    }

    #[test]
    fn debug_does_not_print_tokens() {
        let mut lru = CacheTokens::new(2);
        lru.put("a", "secret-token");
        assert!(!format!("{lru:?}").contains("secret-token"));
    }
}
