//! Per-user `x-umami-cache` tokens for the dispatcher's single sends: a bounded LRU.
//!
//! Umami answers each stored hit with a cache token; echoing it on the same user's next hit
//! lets the server keep the visit and skip a lookup. A token belongs to one user: sending it
//! with another user's hit merges their sessions. The store is therefore keyed by the
//! distinct id, and hits without one never carry a token.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// A bounded least-recently-used map from distinct id to that user's last cache token.
#[derive(Default)]
pub(crate) struct CacheTokens {
    capacity: usize,
    tick: u64,
    by_user: HashMap<String, (String, u64)>,
    by_age: BTreeMap<u64, String>,
}

impl fmt::Debug for CacheTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Tokens identify sessions: count them, do not print them.
        f.debug_struct("CacheTokens")
            .field("capacity", &self.capacity)
            .field("len", &self.by_user.len())
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
        self.by_user.len()
    }

    fn bump(&mut self) -> u64 {
        self.tick += 1;
        self.tick
    }

    /// The token last stored for `user`, marking it as recently used.
    pub(crate) fn get(&mut self, user: &str) -> Option<String> {
        let tick = self.bump();
        let (token, age) = self.by_user.get_mut(user)?;
        self.by_age.remove(age);
        *age = tick;
        self.by_age.insert(tick, user.to_owned());
        Some(token.clone())
    }

    /// Stores `token` as `user`'s, evicting the least recently used user when full.
    pub(crate) fn put(&mut self, user: &str, token: &str) {
        if self.capacity == 0 {
            return;
        }
        let tick = self.bump();
        if let Some((old_token, age)) = self.by_user.get_mut(user) {
            self.by_age.remove(age);
            *age = tick;
            token.clone_into(old_token);
            self.by_age.insert(tick, user.to_owned());
            return;
        }
        if self.by_user.len() >= self.capacity {
            if let Some((_, oldest)) = self.by_age.pop_first() {
                self.by_user.remove(&oldest);
            }
        }
        self.by_user
            .insert(user.to_owned(), (token.to_owned(), tick));
        self.by_age.insert(tick, user.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_kept_per_user() {
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
    fn least_recently_used_user_is_evicted() {
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
