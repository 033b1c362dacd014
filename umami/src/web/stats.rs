//! What the web layer counts: [`WebStats`] (a snapshot) and the live counters behind it.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use super::context::{CleanedField, Cleaning};
use super::filter::SkipReason;

/// One thing the layer counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Count {
    Requests,
    PageViews,
    Skipped(SkipReason),
    TrackErrors,
    Truncated,
    Dropped,
    Events,
    EventsOwnUserAgent,
    EventsDroppedBot,
    EventErrors,
    Identifies,
}

impl Count {
    const ALL: usize = 17;

    fn slot(self) -> usize {
        match self {
            Count::Requests => 0,
            Count::PageViews => 1,
            Count::TrackErrors => 2,
            Count::Truncated => 3,
            Count::Dropped => 4,
            Count::Events => 5,
            Count::EventsOwnUserAgent => 6,
            Count::EventsDroppedBot => 7,
            Count::EventErrors => 8,
            Count::Identifies => 16,
            Count::Skipped(reason) => {
                9 + match reason {
                    SkipReason::Method => 0,
                    SkipReason::Status => 1,
                    SkipReason::Asset => 2,
                    SkipReason::Excluded => 3,
                    SkipReason::Predicate => 4,
                    SkipReason::OptedOut => 5,
                    SkipReason::Bot => 6,
                }
            }
        }
    }
}

/// The counters of one group of threads, on cache lines of their own.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Shard([AtomicU64; Count::ALL]);

/// Shards: each request counts on its thread's, so that threads serving requests at the
/// same time never write the same cache line (one shared counter per request costs more,
/// at saturation, than the rest of the layer's bookkeeping).
const SHARDS: usize = 8;

thread_local! {
    static SHARD: usize = {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS
    };
}

/// Counters of an [`UmamiLayer`](super::UmamiLayer) (shared by its clones), read with [`UmamiLayer::stats`](super::UmamiLayer::stats).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    shards: [Shard; SHARDS],
    warned_track_error: AtomicBool,
}

impl Counters {
    pub(crate) fn add(&self, count: Count) {
        let shard = SHARD.try_with(|s| *s).unwrap_or(0);
        self.shards[shard].0[count.slot()].fetch_add(1, Ordering::Relaxed);
    }

    /// Counts the header values a context's reading cut or dropped.
    pub(crate) fn cleaned(&self, cleaned: &[CleanedField]) {
        for cleaned in cleaned {
            self.add(match cleaned.action {
                Cleaning::Truncated => Count::Truncated,
                Cleaning::Dropped => Count::Dropped,
            });
        }
    }

    pub(crate) fn skip(&self, reason: SkipReason) {
        self.add(Count::Skipped(reason));
    }

    /// Counts a refused page view: `true` for the first one (worth a warning).
    pub(crate) fn track_error(&self) -> bool {
        self.add(Count::TrackErrors);
        !self.warned_track_error.swap(true, Ordering::Relaxed)
    }

    fn get(&self, count: Count) -> u64 {
        let slot = count.slot();
        self.shards
            .iter()
            .map(|s| s.0[slot].load(Ordering::Relaxed))
            .sum()
    }

    /// The counters now.
    pub(crate) fn snapshot(&self) -> WebStats {
        let get = |c| self.get(c);
        let s = |r| get(Count::Skipped(r));
        WebStats {
            requests: get(Count::Requests),
            page_views: get(Count::PageViews),
            skipped: SkippedStats {
                method: s(SkipReason::Method),
                status: s(SkipReason::Status),
                asset: s(SkipReason::Asset),
                excluded: s(SkipReason::Excluded),
                predicate: s(SkipReason::Predicate),
                opted_out: s(SkipReason::OptedOut),
                bot: s(SkipReason::Bot),
            },
            track_errors: get(Count::TrackErrors),
            header_values_truncated: get(Count::Truncated),
            header_values_dropped: get(Count::Dropped),
            events: get(Count::Events),
            events_with_own_user_agent: get(Count::EventsOwnUserAgent),
            events_dropped_bot: get(Count::EventsDroppedBot),
            event_errors: get(Count::EventErrors),
            identifies: get(Count::Identifies),
        }
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
    /// Page views the dispatcher refused ([`Dispatcher::track_hit`](crate::Dispatcher::track_hit) errors: queue full, closed).
    pub track_errors: u64,
    /// Visitor header values cut to Umami's limits ([`Cleaning::Truncated`](super::Cleaning::Truncated)).
    pub header_values_truncated: u64,
    /// Visitor header values not sent ([`Cleaning::Dropped`](super::Cleaning::Dropped)).
    pub header_values_dropped: u64,
    /// Handler events queued through a [`RequestVisitor`](super::RequestVisitor).
    pub events: u64,
    /// Of those, sent with the client's own User-Agent because the visitor's looks like a
    /// bot's ([`BotPolicy::OwnUserAgent`](crate::dispatch::BotPolicy::OwnUserAgent)).
    pub events_with_own_user_agent: u64,
    /// Handler events not sent because of [`BotPolicy::Drop`](crate::dispatch::BotPolicy::Drop).
    pub events_dropped_bot: u64,
    /// Handler events refused by [`RequestVisitor::track`](super::RequestVisitor::track) (invalid, queue full, closed).
    pub event_errors: u64,
    /// `identify` hits queued to record a request's [`DistinctId`](crate::DistinctId) as
    /// session data ([`DistinctIdMode::SessionData`](super::DistinctIdMode::SessionData)).
    pub identifies: u64,
}
