//! What the web layer counts: [`WebStats`] (a snapshot) and the live counters behind it.

use std::sync::atomic::{AtomicU64, Ordering};

use super::filter::SkipReason;

/// Counters of an [`UmamiLayer`](super::UmamiLayer) (shared by its clones), read with [`UmamiLayer::stats`](super::UmamiLayer::stats).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) requests: AtomicU64,
    pub(crate) page_views: AtomicU64,
    skipped: [AtomicU64; 7],
    pub(crate) track_errors: AtomicU64,
    pub(crate) truncated: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) events: AtomicU64,
    pub(crate) events_own_user_agent: AtomicU64,
    pub(crate) events_dropped_bot: AtomicU64,
    pub(crate) event_errors: AtomicU64,
}

fn slot(reason: SkipReason) -> usize {
    match reason {
        SkipReason::Method => 0,
        SkipReason::Status => 1,
        SkipReason::Asset => 2,
        SkipReason::Excluded => 3,
        SkipReason::Predicate => 4,
        SkipReason::OptedOut => 5,
        SkipReason::Bot => 6,
    }
}

impl Counters {
    /// The counters now.
    pub(crate) fn snapshot(&self) -> WebStats {
        let c = self;
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let s = |r| get(&c.skipped[slot(r)]);
        WebStats {
            requests: get(&c.requests),
            page_views: get(&c.page_views),
            skipped: SkippedStats {
                method: s(SkipReason::Method),
                status: s(SkipReason::Status),
                asset: s(SkipReason::Asset),
                excluded: s(SkipReason::Excluded),
                predicate: s(SkipReason::Predicate),
                opted_out: s(SkipReason::OptedOut),
                bot: s(SkipReason::Bot),
            },
            track_errors: get(&c.track_errors),
            header_values_truncated: get(&c.truncated),
            header_values_dropped: get(&c.dropped),
            events: get(&c.events),
            events_with_own_user_agent: get(&c.events_own_user_agent),
            events_dropped_bot: get(&c.events_dropped_bot),
            event_errors: get(&c.event_errors),
        }
    }

    pub(crate) fn skip(&self, reason: SkipReason) {
        self.skipped[slot(reason)].fetch_add(1, Ordering::Relaxed);
    }
}

/// Requests that sent no page view, by [`SkipReason`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedStats {
    /// See [`SkipReason::Method`](super::SkipReason::Method).
    pub method: u64,
    /// See [`SkipReason::Status`](super::SkipReason::Status).
    pub status: u64,
    /// See [`SkipReason::Asset`](super::SkipReason::Asset).
    pub asset: u64,
    /// See [`SkipReason::Excluded`](super::SkipReason::Excluded).
    pub excluded: u64,
    /// See [`SkipReason::Predicate`](super::SkipReason::Predicate).
    pub predicate: u64,
    /// See [`SkipReason::OptedOut`](super::SkipReason::OptedOut).
    pub opted_out: u64,
    /// See [`SkipReason::Bot`](super::SkipReason::Bot): filtered before sending, because Umami would drop them.
    pub bot: u64,
}

impl SkippedStats {
    /// The count for one reason.
    ///
    /// ```
    /// let stats = umami::web::SkippedStats::default();
    /// assert_eq!(stats.get(umami::web::SkipReason::Bot), 0);
    /// ```
    pub fn get(&self, reason: SkipReason) -> u64 {
        match reason {
            SkipReason::Method => self.method,
            SkipReason::Status => self.status,
            SkipReason::Asset => self.asset,
            SkipReason::Excluded => self.excluded,
            SkipReason::Predicate => self.predicate,
            SkipReason::OptedOut => self.opted_out,
            SkipReason::Bot => self.bot,
        }
    }
}

/// A snapshot of an [`UmamiLayer`](super::UmamiLayer)'s counters. What happened to the hits after they were
/// queued is in the dispatcher's [`stats`](crate::Dispatcher::stats).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebStats {
    /// Requests the layer saw.
    pub requests: u64,
    /// Page views queued on the dispatcher.
    pub page_views: u64,
    /// Requests that sent no page view, by reason.
    pub skipped: SkippedStats,
    /// Page views the dispatcher refused ([`Dispatcher::track`](crate::Dispatcher::track) errors: queue full, closed).
    pub track_errors: u64,
    /// Visitor header values cut to Umami's limits ([`Cleaning::Truncated`](super::Cleaning::Truncated)).
    pub header_values_truncated: u64,
    /// Visitor header values not sent ([`Cleaning::Dropped`](super::Cleaning::Dropped)).
    pub header_values_dropped: u64,
    /// Handler events queued through a [`RequestVisitor`](super::RequestVisitor).
    pub events: u64,
    /// Of those, sent with the client's own User-Agent because the visitor's looks like a
    /// bot's ([`BotEventPolicy::OwnUserAgent`](super::BotEventPolicy::OwnUserAgent)).
    pub events_with_own_user_agent: u64,
    /// Handler events not sent because of [`BotEventPolicy::Drop`](super::BotEventPolicy::Drop).
    pub events_dropped_bot: u64,
    /// Handler events refused by [`RequestVisitor::track`](super::RequestVisitor::track) (invalid, queue full, closed).
    pub event_errors: u64,
}
