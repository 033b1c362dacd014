//! The dispatcher's own bot check (feature `bot-filter`): a hit carrying a visitor's
//! User-Agent is checked with Umami's patterns before it is queued, so that it can go in a
//! batch (a batch answer does not say which items Umami's filter dropped) and so that a
//! bot's page view is not sent at all. What happens to a bot-like visitor's *events* is the
//! [`BotPolicy`]: by default they are sent with the client's own User-Agent, so that a
//! purchase from a mobile app or a script is never lost.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::hit::PreparedHit;

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

/// The most User-Agents whose verdict is remembered (a service sees few distinct ones).
const CACHE_CAPACITY: usize = 4096;

/// The check with a bounded memo of verdicts: matching 200 patterns costs microseconds, a
/// lookup nanoseconds.
#[derive(Debug, Default)]
pub(crate) struct BotCheck {
    verdicts: Mutex<HashMap<Box<str>, bool>>,
}

impl BotCheck {
    fn is_bot(&self, user_agent: &str) -> bool {
        let mut verdicts = self.verdicts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&verdict) = verdicts.get(user_agent) {
            return verdict;
        }
        let verdict = crate::bot::is_bot(user_agent);
        if verdicts.len() >= CACHE_CAPACITY {
            verdicts.clear();
        }
        verdicts.insert(user_agent.into(), verdict);
        verdict
    }

    /// Applies the check and `policy` to `hit`: the hit to send, and whether a User-Agent it
    /// carries passed the check (so that it may be batched); or, when it is not to be sent
    /// (a bot's page view, or an event under [`BotPolicy::Drop`]), the User-Agent as `Err`.
    pub(crate) fn screen(
        &self,
        hit: PreparedHit,
        policy: BotPolicy,
    ) -> Result<(PreparedHit, bool), String> {
        let Some(user_agent) = hit.user_agent() else {
            return Ok((hit, false));
        };
        if !self.is_bot(user_agent) {
            return Ok((hit, true));
        }
        let page_view = hit.kind() == "event" && hit.event_name().is_none();
        if page_view || policy == BotPolicy::Drop {
            return Err(user_agent.to_owned());
        }
        Ok((hit.without_user_agent(), true))
    }
}
