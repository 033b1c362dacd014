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
    static VERDICTS: std::cell::RefCell<HashMap<Box<str>, bool>> = Default::default();
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
