//! The dispatcher's own bot check (feature `bot-filter`): a hit carrying a visitor's
//! User-Agent is checked with Umami's patterns before it is queued, so that it can go in a
//! batch (a batch answer does not say which items Umami's filter dropped) and so that a
//! bot's page view is not sent at all. What happens to a bot-like visitor's *events* is the
//! [`BotPolicy`]: by default they are sent with the client's own User-Agent, so that a
//! purchase from a mobile app or a script is never lost.

#[cfg(feature = "bot-filter")]
use std::collections::HashMap;

#[cfg(feature = "bot-filter")]
/// What the dispatcher does with an event (not a page view) whose visitor User-Agent Umami
/// would take for a bot's (`okhttp/4.12`, `curl/8.5`, `CFNetwork/1.0 Darwin/22`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BotPolicy {
    /// Send the event without the visitor's User-Agent (Umami then reads the client's own,
    /// which passes its filter), keeping its ip, distinct id and data. The default: a
    /// business event is never lost to the bot filter; its browser and OS are then the
    /// client's, not the visitor's.
    #[default]
    OwnUserAgent,
    /// Do not send it: counted as [`FailReason::BotFiltered`](super::FailReason::BotFiltered).
    Drop,
}

#[cfg(feature = "bot-filter")]
/// The most User-Agents whose verdict a thread remembers (a service sees few distinct ones;
/// ~150 bytes each).
const CACHE_CAPACITY: usize = 1024;

#[cfg(feature = "bot-filter")]
thread_local! {
    /// Verdicts are a function of the User-Agent alone, so every dispatcher on a thread shares
    /// them; per thread, so that the threads serving requests never wait for one another's
    /// lookups (a shared, locked memo costs more at saturation than the lookup itself).
    static VERDICTS: std::cell::RefCell<HashMap<Box<str>, bool, UaHashing>> =
        std::cell::RefCell::new(HashMap::with_hasher(UaHashing::new()));
}

#[cfg(feature = "bot-filter")]
/// The memo's hashing: a seeded multiply-rotate over eight bytes at a time, where std's
/// SipHash costs more per User-Agent than the rest of the lookup. Its weaker resistance to
/// crafted collisions costs little here: the memo holds at most [`CACHE_CAPACITY`] entries,
/// so a chain of colliding User-Agents is bounded, and each distinct User-Agent a visitor
/// invents already costs a full pattern match (about 100 µs), far more than a long probe.
#[derive(Clone, Copy)]
struct UaHashing {
    seed: u64,
}

#[cfg(feature = "bot-filter")]
impl UaHashing {
    /// A random seed per memo (from std's randomly keyed hasher).
    fn new() -> UaHashing {
        use std::hash::BuildHasher;
        UaHashing {
            seed: std::collections::hash_map::RandomState::new().hash_one(0x5eed_u64),
        }
    }
}

#[cfg(feature = "bot-filter")]
impl std::hash::BuildHasher for UaHashing {
    type Hasher = UaHasher;

    fn build_hasher(&self) -> UaHasher {
        UaHasher(self.seed)
    }
}

#[cfg(feature = "bot-filter")]
/// See [`UaHashing`].
struct UaHasher(u64);

#[cfg(feature = "bot-filter")]
impl UaHasher {
    const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

    fn mix(&mut self, word: u64) {
        self.0 = (self.0 ^ word)
            .wrapping_mul(Self::MULTIPLIER)
            .rotate_left(29);
    }
}

#[cfg(feature = "bot-filter")]
impl std::hash::Hasher for UaHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0; 8];
        word[..rest.len()].copy_from_slice(rest);
        // The length in the top byte: texts that differ only by trailing zero bytes differ.
        self.mix(u64::from_le_bytes(word) ^ ((bytes.len() as u64) << 56));
    }

    fn finish(&self) -> u64 {
        // Spread every bit over the high ones (the table's tags) and the low ones (its slots).
        let h = self.0;
        (h ^ (h >> 32)).wrapping_mul(Self::MULTIPLIER) ^ (h >> 29)
    }
}

#[cfg(feature = "bot-filter")]
/// The check with a bounded memo of verdicts: matching 200 patterns costs microseconds, a
/// lookup nanoseconds.
#[derive(Debug, Default)]
pub(crate) struct BotCheck;

/// What the check decided for one hit (without feature `bot-filter`: always `Keep`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Screen {
    /// Send it as it is; `checked`: it carries a User-Agent that passed (it may be batched).
    Keep { checked: bool },
    #[cfg_attr(
        not(feature = "bot-filter"),
        expect(dead_code, reason = "decided by the check")
    )]
    /// Send it without its User-Agent (a bot-like visitor's event, [`BotPolicy::OwnUserAgent`]).
    WithoutUserAgent,
    #[cfg_attr(
        not(feature = "bot-filter"),
        expect(dead_code, reason = "decided by the check")
    )]
    /// Do not send it (a bot's page view, or an event under [`BotPolicy::Drop`]).
    Filter,
}

#[cfg(feature = "bot-filter")]
impl BotCheck {
    pub(crate) fn is_bot(&self, user_agent: &str) -> bool {
        let remembered = VERDICTS.try_with(|verdicts| {
            let mut verdicts = verdicts.try_borrow_mut().ok()?;
            if let Some(&verdict) = verdicts.get(user_agent) {
                return Some(verdict);
            }
            let verdict = crate::bot::is_bot(user_agent);
            if verdicts.len() >= CACHE_CAPACITY {
                verdicts.clear();
            }
            verdicts.insert(user_agent.into(), verdict);
            Some(verdict)
        });
        // A thread being torn down: no memo, same verdict.
        remembered
            .ok()
            .flatten()
            .unwrap_or_else(|| crate::bot::is_bot(user_agent))
    }

    /// The decision for a hit of `kind` (its event `name`, none for a page view) carrying
    /// `user_agent`, under `policy`.
    pub(crate) fn screen(
        &self,
        kind: &str,
        name: Option<&str>,
        user_agent: Option<&str>,
        policy: BotPolicy,
    ) -> Screen {
        let Some(user_agent) = user_agent else {
            return Screen::Keep { checked: false };
        };
        if !self.is_bot(user_agent) {
            return Screen::Keep { checked: true };
        }
        let page_view = kind == "event" && name.is_none();
        if page_view || policy == BotPolicy::Drop {
            Screen::Filter
        } else {
            Screen::WithoutUserAgent
        }
    }
}

#[cfg(all(test, feature = "bot-filter"))]
mod tests {
    use std::collections::HashSet;
    use std::hash::BuildHasher;

    use super::*;

    /// Distinct User-Agents (lengths 0 to 300, one byte apart, one version number apart,
    /// trailing zero bytes) hash apart, and spread over the table's slots and tags as random
    /// numbers would (2,108 hashes: about 895 of 1,024 slots and all 128 tags expected).
    #[test]
    fn user_agents_hash_apart() {
        let hashing = UaHashing::new();
        let mut texts: Vec<String> = (0..300).map(|n| "a".repeat(n)).collect();
        texts.extend((0..1800).map(|n| format!("Mozilla/5.0 (X11; Linux x86_64; rv:{n}.0)")));
        texts.extend((0..8).map(|n| format!("ua{}", "\0".repeat(n))));
        let hashes: Vec<u64> = texts.iter().map(|t| hashing.hash_one(t.as_str())).collect();
        assert_eq!(hashes.iter().collect::<HashSet<_>>().len(), texts.len());
        let slots: HashSet<u64> = hashes.iter().map(|h| h & 1023).collect();
        let tags: HashSet<u64> = hashes.iter().map(|h| h >> 57).collect();
        assert!(slots.len() > 820, "{} slots of 1024", slots.len());
        assert!(tags.len() >= 126, "{} tags of 128", tags.len());
    }

    #[test]
    fn a_remembered_verdict_is_the_patterns_verdict() {
        let check = BotCheck;
        for ua in [
            "curl/8.5.0",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        ] {
            let first = check.is_bot(ua);
            assert_eq!(first, crate::bot::is_bot(ua));
            assert_eq!(check.is_bot(ua), first, "remembered");
        }
    }
}
