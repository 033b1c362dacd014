//! The bot check: which visitor User-Agents are taken for bots' ([`BotCheck`], set once on
//! the [`DispatcherBuilder`](super::DispatcherBuilder) and used by `umami::web` too), and
//! what happens to their events ([`BotPolicy`]).
//!
//! A hit carrying a visitor's User-Agent is checked before it is queued, so that it can go
//! in a batch (a batch answer does not say which items Umami's filter dropped) and so that a
//! bot's page view is not sent at all. A bot-like visitor's *events* follow the [`BotPolicy`]:
//! by default they are sent with the client's own User-Agent, so that a purchase from a
//! mobile app or a script is never lost.

#[cfg(feature = "bot-filter")]
use std::collections::HashMap;
use std::fmt;

/// Which visitor User-Agents the dispatcher takes for bots':
/// [`DispatcherBuilder::bot_check`](super::DispatcherBuilder::bot_check), the one switch for
/// the dispatcher and for `umami::web`'s layer and visitors (which read it from their
/// dispatcher).
///
/// The default is [`Umami`](Self::Umami) with feature `bot-filter` (a default feature), and
/// [`Off`](Self::Off) without it.
///
/// ```
/// use umami::dispatch::BotCheck;
///
/// fn crawler(user_agent: &str) -> bool {
///     user_agent.to_ascii_lowercase().contains("bot")
/// }
/// let custom = BotCheck::Custom(crawler);
/// # let _ = custom;
/// ```
#[derive(Clone, Copy, Default)]
#[non_exhaustive]
pub enum BotCheck {
    /// No check: every hit goes as it is. Hits carrying a visitor's User-Agent are sent alone
    /// (with the default [`Routing`](super::Routing)), so that one Umami's filter drops is
    /// reported as [`FailReason::BotFiltered`](super::FailReason::BotFiltered).
    #[cfg_attr(not(feature = "bot-filter"), default)]
    Off,
    /// Umami's own patterns ([`umami::bot`](crate::bot), feature `bot-filter`; the default).
    /// A User-Agent that passes passes Umami's filter too, so its hits may go in batches. Its
    /// verdicts are remembered per thread, for 1,024 User-Agents each (threads serving
    /// requests never wait for each other's lookups): a User-Agent seen before costs about
    /// 0.16 µs more per `track`; one seen for the first time is matched against Umami's 206
    /// patterns, about 100 µs (`bench/benches/bench_bot_check.rs` in the repository, `BENCHMARKS.md`).
    #[cfg(feature = "bot-filter")]
    #[cfg_attr(docsrs, doc(cfg(feature = "bot-filter")))]
    #[default]
    Umami,
    /// Your own check: `true` for a bot. What it flags follows the [`BotPolicy`]; what it
    /// clears is not known to pass Umami's filter, so it is sent alone (with the default
    /// [`Routing`](super::Routing)), like hits without a check.
    Custom(fn(&str) -> bool),
}

impl fmt::Debug for BotCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BotCheck::Off => f.write_str("Off"),
            #[cfg(feature = "bot-filter")]
            BotCheck::Umami => f.write_str("Umami"),
            BotCheck::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

impl BotCheck {
    /// The check as a function (none when off).
    pub(crate) fn function(self) -> Option<fn(&str) -> bool> {
        match self {
            BotCheck::Off => None,
            #[cfg(feature = "bot-filter")]
            BotCheck::Umami => Some(remembered_is_bot),
            BotCheck::Custom(is_bot) => Some(is_bot),
        }
    }

    /// Whether a User-Agent this check clears is known to pass Umami's filter.
    fn is_umamis(self) -> bool {
        #[cfg(feature = "bot-filter")]
        {
            matches!(self, BotCheck::Umami)
        }
        #[cfg(not(feature = "bot-filter"))]
        {
            false
        }
    }

    /// The decision for a hit of `kind` (its event `name`, none for a page view) carrying
    /// `user_agent`, under `policy`.
    pub(crate) fn screen(
        self,
        kind: &str,
        name: Option<&str>,
        user_agent: Option<&str>,
        policy: BotPolicy,
    ) -> Screen {
        let (Some(user_agent), Some(is_bot)) = (user_agent, self.function()) else {
            return Screen::Keep { checked: false };
        };
        self.decide(kind, name, is_bot(user_agent), policy)
    }

    /// [`screen`](Self::screen) for a hit whose User-Agent this check has judged already
    /// (`bot`: its verdict), so that the User-Agent is not looked up twice.
    pub(crate) fn decide(
        self,
        kind: &str,
        name: Option<&str>,
        bot: bool,
        policy: BotPolicy,
    ) -> Screen {
        if !bot {
            return Screen::Keep {
                checked: self.is_umamis(),
            };
        }
        let page_view = kind == "event" && name.is_none();
        match policy {
            _ if page_view => Screen::Filter,
            BotPolicy::Drop => Screen::Filter,
            BotPolicy::OwnUserAgent => Screen::WithoutUserAgent,
            BotPolicy::SendAsIs => Screen::Keep { checked: false },
        }
    }
}

/// What happens to an event (not a page view) of a visitor whose User-Agent the
/// [`BotCheck`] flags (`okhttp/4.12`, `curl/8.5`, `CFNetwork/1.0 Darwin/22`, ...): Umami
/// would drop it as a bot's (`{"beep":"boop"}`), and a checkout from `okhttp` is still a
/// checkout. Set on the dispatcher ([`DispatcherBuilder::bot_policy`](super::DispatcherBuilder::bot_policy)),
/// and for `umami::web`'s visitors on the layer or a visitor handle.
///
/// A bot's page view is never sent.
///
/// ```
/// use umami::dispatch::BotPolicy;
/// assert_eq!(BotPolicy::default(), BotPolicy::OwnUserAgent);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BotPolicy {
    /// Send the event without the visitor's User-Agent (Umami then reads the client's own,
    /// which passes its filter), keeping its ip, language, referrer, distinct id and data.
    /// The default: a business event is never lost to the bot filter; its browser and OS
    /// are then the client's, not the visitor's, and its session derives from the ip and the
    /// client's User-Agent.
    #[default]
    OwnUserAgent,
    /// Send it with the visitor's User-Agent anyway (alone, so that Umami's verdict is
    /// reported: probably [`FailReason::BotFiltered`](super::FailReason::BotFiltered)).
    SendAsIs,
    /// Do not send it: counted as [`FailReason::BotFiltered`](super::FailReason::BotFiltered)
    /// (by `umami::web`'s visitors, in `WebStats::events_dropped_bot`).
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

/// What the check decided for one hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Screen {
    /// Send it as it is; `checked`: it carries a User-Agent that passed Umami's own patterns
    /// (it may be batched).
    Keep { checked: bool },
    /// Send it without its User-Agent (a bot-like visitor's event, [`BotPolicy::OwnUserAgent`]).
    WithoutUserAgent,
    /// Do not send it (a bot's page view, or an event under [`BotPolicy::Drop`]).
    Filter,
}

/// [`crate::bot::is_bot`] with a bounded memo of verdicts per thread: matching 200 patterns
/// costs microseconds, a lookup nanoseconds.
#[cfg(feature = "bot-filter")]
fn remembered_is_bot(user_agent: &str) -> bool {
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

#[cfg(test)]
mod tests {
    #[cfg(feature = "bot-filter")]
    use std::collections::HashSet;
    #[cfg(feature = "bot-filter")]
    use std::hash::BuildHasher;

    use super::*;

    fn crawler(user_agent: &str) -> bool {
        user_agent.contains("bot")
    }

    #[test]
    fn off_keeps_everything_unchecked() {
        let screen = BotCheck::Off.screen("event", None, Some("Googlebot/2.1"), BotPolicy::Drop);
        assert_eq!(screen, Screen::Keep { checked: false });
    }

    #[test]
    fn a_custom_check_flags_but_never_clears_for_batching() {
        let check = BotCheck::Custom(crawler);
        let page_view = check.screen("event", None, Some("a bot"), BotPolicy::SendAsIs);
        assert_eq!(page_view, Screen::Filter);
        let event = |policy| check.screen("event", Some("Buy"), Some("a bot"), policy);
        assert_eq!(event(BotPolicy::OwnUserAgent), Screen::WithoutUserAgent);
        assert_eq!(event(BotPolicy::SendAsIs), Screen::Keep { checked: false });
        assert_eq!(event(BotPolicy::Drop), Screen::Filter);
        let human = check.screen("event", Some("Buy"), Some("Firefox"), BotPolicy::Drop);
        assert_eq!(human, Screen::Keep { checked: false });
        let none = check.screen("event", Some("Buy"), None, BotPolicy::Drop);
        assert_eq!(none, Screen::Keep { checked: false });
    }

    #[cfg(feature = "bot-filter")]
    #[test]
    fn umamis_patterns_clear_browsers_for_batching() {
        let check = BotCheck::default();
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
        let kept = check.screen("event", Some("Buy"), Some(firefox), BotPolicy::Drop);
        assert_eq!(kept, Screen::Keep { checked: true });
        let curl = check.screen("event", Some("Buy"), Some("curl/8.5"), BotPolicy::default());
        assert_eq!(curl, Screen::WithoutUserAgent);
    }

    /// Distinct User-Agents (lengths 0 to 300, one byte apart, one version number apart,
    /// trailing zero bytes) hash apart, and spread over the table's slots and tags as random
    /// numbers would (2,108 hashes: about 895 of 1,024 slots and all 128 tags expected).
    #[cfg(feature = "bot-filter")]
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

    #[cfg(feature = "bot-filter")]
    #[test]
    fn a_remembered_verdict_is_the_patterns_verdict() {
        for ua in [
            "curl/8.5.0",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        ] {
            let first = remembered_is_bot(ua);
            assert_eq!(first, crate::bot::is_bot(ua));
            assert_eq!(remembered_is_bot(ua), first, "remembered");
        }
    }
}
