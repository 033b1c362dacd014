//! Counters of the dispatcher, and the reports built from them.

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

/// How many recent failures are kept with their messages.
const RECENT_FAILURES: usize = 32;

/// Why events were not delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FailReason {
    /// The server refused the event (a 4xx other than 408/429, or an error listed for the item
    /// in a batch answer): sending it again would not help, so it was not retried.
    Rejected,
    /// Umami's bot filter dropped it (answer `{"beep":"boop"}`); nothing was stored.
    BotFiltered,
    /// Every attempt failed with a retryable error (5xx, 408, 429, connection, timeout).
    RetriesExhausted,
    /// The server answered 2xx with something that is not Umami's answer.
    UnexpectedResponse,
    /// Still queued or in flight when [`shutdown`](super::Dispatcher::shutdown) ran out of
    /// time (or the worker's runtime shut down); possibly delivered, not confirmed. Without
    /// a spool only: with one, such events stay on disk and are counted in
    /// [`DispatcherStats::kept_on_disk`] instead.
    Abandoned,
    /// The client was disabled ([`Client::disable`](crate::Client::disable)) after the event
    /// was queued and before it was sent.
    Disabled,
    /// Umami does not know the event's website id ("Website not found."): a configuration
    /// error, reported once; later events for that website fail at once, without a request.
    UnknownWebsite,
    /// Read back from the spool after its [`max_age`](super::spool::SpoolConfig::max_age): not sent.
    Expired,
    /// Counted on the spool's disk but unreadable when read back (its file damaged or removed
    /// while the dispatcher ran).
    Damaged,
}

impl FailReason {
    /// Every reason, in the order reports list them.
    pub const ALL: [FailReason; 9] = [
        FailReason::Rejected,
        FailReason::UnknownWebsite,
        FailReason::BotFiltered,
        FailReason::RetriesExhausted,
        FailReason::UnexpectedResponse,
        FailReason::Abandoned,
        FailReason::Disabled,
        FailReason::Expired,
        FailReason::Damaged,
    ];
}

impl fmt::Display for FailReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailReason::Rejected => "rejected by the server",
            FailReason::BotFiltered => "dropped by the bot filter",
            FailReason::RetriesExhausted => "retries exhausted",
            FailReason::UnexpectedResponse => "unexpected answer",
            FailReason::Abandoned => "abandoned at shutdown",
            FailReason::Disabled => "tracking disabled before sending",
            FailReason::UnknownWebsite => "website unknown to the server",
            FailReason::Expired => "expired in the spool",
            FailReason::Damaged => "damaged in the spool",
        })
    }
}

/// Failed events, counted by [`FailReason`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FailedStats {
    /// See [`FailReason::Rejected`].
    pub rejected: u64,
    /// See [`FailReason::BotFiltered`].
    pub bot_filtered: u64,
    /// See [`FailReason::RetriesExhausted`].
    pub retries_exhausted: u64,
    /// See [`FailReason::UnexpectedResponse`].
    pub unexpected_response: u64,
    /// See [`FailReason::Abandoned`].
    pub abandoned: u64,
    /// See [`FailReason::Disabled`].
    pub disabled: u64,
    /// See [`FailReason::UnknownWebsite`].
    pub unknown_website: u64,
    /// See [`FailReason::Expired`].
    pub expired: u64,
    /// See [`FailReason::Damaged`].
    pub damaged: u64,
}

impl FailedStats {
    /// All failed events.
    pub fn total(&self) -> u64 {
        self.rejected
            + self.bot_filtered
            + self.retries_exhausted
            + self.unexpected_response
            + self.abandoned
            + self.disabled
            + self.unknown_website
            + self.expired
            + self.damaged
    }

    /// The count for one reason.
    pub fn get(&self, reason: FailReason) -> u64 {
        match reason {
            FailReason::Rejected => self.rejected,
            FailReason::BotFiltered => self.bot_filtered,
            FailReason::RetriesExhausted => self.retries_exhausted,
            FailReason::UnexpectedResponse => self.unexpected_response,
            FailReason::Abandoned => self.abandoned,
            FailReason::Disabled => self.disabled,
            FailReason::UnknownWebsite => self.unknown_website,
            FailReason::Expired => self.expired,
            FailReason::Damaged => self.damaged,
        }
    }

    pub(crate) fn add(&mut self, reason: FailReason, n: u64) {
        let slot = match reason {
            FailReason::Rejected => &mut self.rejected,
            FailReason::BotFiltered => &mut self.bot_filtered,
            FailReason::RetriesExhausted => &mut self.retries_exhausted,
            FailReason::UnexpectedResponse => &mut self.unexpected_response,
            FailReason::Abandoned => &mut self.abandoned,
            FailReason::Disabled => &mut self.disabled,
            FailReason::UnknownWebsite => &mut self.unknown_website,
            FailReason::Expired => &mut self.expired,
            FailReason::Damaged => &mut self.damaged,
        };
        *slot += n;
    }
}

/// One failure, with the server's or the transport's text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Failure {
    /// Why.
    pub reason: FailReason,
    /// How many events it concerned.
    pub events: u64,
    /// The server's error text, or what went wrong on the way.
    pub message: String,
}

/// A snapshot of the dispatcher's counters: see [`Dispatcher::stats`](super::Dispatcher::stats).
///
/// Every accepted event is, at any moment, in exactly one place:
/// `tracked == queued + in_flight + sent + failed.total() + kept_on_disk`. Events refused at
/// the door are counted apart, in `dropped` (queue full) and `disabled` (tracking off).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DispatcherStats {
    /// Events accepted by [`track`](super::Dispatcher::track).
    pub tracked: u64,
    /// Accepted and waiting for a request.
    pub queued: u64,
    /// Part of a request under way (or waiting to be retried).
    pub in_flight: u64,
    /// Acknowledged by the server.
    pub sent: u64,
    /// Not delivered, by reason.
    pub failed: FailedStats,
    /// Refused because the queue was full (with either [`OverflowPolicy`](super::OverflowPolicy)).
    pub dropped: u64,
    /// Validated but not queued because the client was disabled.
    pub disabled: u64,
    /// Refused at [`track`](super::Dispatcher::track) because the hit was invalid
    /// ([`TrackError::Invalid`](super::TrackError::Invalid)): never queued, counted here so
    /// that no refusal goes unseen.
    pub refused_invalid: u64,
    /// Refused at [`track`](super::Dispatcher::track) after shutdown
    /// ([`TrackError::Closed`](super::TrackError::Closed)).
    pub refused_closed: u64,
    /// Events sent again after a failed attempt (each re-send counted once).
    pub retried: u64,
    /// Events sent again after an attempt whose fate is unknown (timeout, connection lost
    /// mid-request, 500/502/504): the server may have stored them twice. An upper bound.
    pub possible_duplicates: u64,
    /// With a [`spool`](super::DispatcherBuilder::spool): events not delivered when the
    /// dispatcher stopped (its shutdown timed out, or its runtime shut down) that stay in the
    /// spool; the next dispatcher opened on it sends them. Not failed, not lost: not in
    /// `failed`. Always 0 while the dispatcher runs, and without a spool.
    pub kept_on_disk: u64,
    /// Requests made to `/api/batch` and `/api/send`, retries included.
    pub requests: u64,
    /// Of them, those that failed: no answer (connection refused or lost, timeout) or an
    /// error status (retried or not). A rising count while `sent` stands still is an outage.
    pub failed_requests: u64,
    /// Whether batches are still used (false after the server turned out to have no
    /// `/api/batch` and the dispatcher switched to single sends).
    pub batch_endpoint: bool,
    /// The last failures (at most 32), oldest first.
    pub recent_failures: Vec<Failure>,
    /// The spool's figures; `None` without a
    /// [`spool`](super::DispatcherBuilder::spool).
    pub spool: Option<super::spool::SpoolStats>,
}

/// What [`Dispatcher::shutdown`](super::Dispatcher::shutdown) reports.
///
/// Two questions, two predicates: [`all_delivered`](Self::all_delivered) (is everything
/// at the server?) and [`nothing_lost`](Self::nothing_lost) (is everything at the server
/// or kept on disk for the next start?). They differ only with a spool, when the shutdown
/// left events in it.
///
/// ```
/// # async fn demo(dispatcher: umami::Dispatcher) {
/// use std::time::Duration;
/// let report = dispatcher.shutdown(Duration::from_secs(5)).await;
/// if !report.nothing_lost() {
///     eprintln!("umami: events lost: {report}");
/// } else if !report.all_delivered() {
///     eprintln!("umami: {} events wait in the spool", report.stats.kept_on_disk);
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShutdownReport {
    /// The final counters. After shutdown nothing is queued or in flight:
    /// `tracked == sent + failed.total() + kept_on_disk`.
    pub stats: DispatcherStats,
    /// Whether the timeout ran out before the queue was drained (the rest is counted in
    /// `stats.failed.abandoned`, or with a spool in `stats.kept_on_disk`).
    pub timed_out: bool,
    /// How long the shutdown took.
    pub elapsed: Duration,
}

impl ShutdownReport {
    /// True when every accepted event was delivered and nothing was dropped. False when
    /// events were kept on disk ([`DispatcherStats::kept_on_disk`]): they are not delivered
    /// yet.
    pub fn all_delivered(&self) -> bool {
        !self.timed_out
            && self.stats.failed.total() == 0
            && self.stats.dropped == 0
            && self.stats.sent == self.stats.tracked
    }

    /// True when no event was lost: none failed, none was dropped, and every accepted event
    /// was delivered or is kept in the spool for the next start
    /// ([`DispatcherStats::kept_on_disk`]). The same as [`all_delivered`](Self::all_delivered)
    /// without a spool (except that a timeout with nothing left is no loss).
    pub fn nothing_lost(&self) -> bool {
        let s = &self.stats;
        s.failed.total() == 0 && s.dropped == 0 && s.sent + s.kept_on_disk == s.tracked
    }
}

impl fmt::Display for ShutdownReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.stats;
        write!(
            f,
            "tracked {}, sent {}, failed {}",
            s.tracked,
            s.sent,
            s.failed.total()
        )?;
        let reasons: Vec<String> = FailReason::ALL
            .iter()
            .filter(|&&r| s.failed.get(r) > 0)
            .map(|&r| format!("{r}: {}", s.failed.get(r)))
            .collect();
        if !reasons.is_empty() {
            write!(f, " ({})", reasons.join(", "))?;
        }
        if s.kept_on_disk > 0 {
            // Apart from the failures: these are not lost.
            write!(
                f,
                ", kept on disk {} (sent at the next start)",
                s.kept_on_disk
            )?;
        }
        write!(
            f,
            ", dropped {}, retried {}, possible duplicates {}",
            s.dropped, s.retried, s.possible_duplicates
        )?;
        if s.refused_invalid + s.refused_closed > 0 {
            write!(
                f,
                ", refused at track: {} invalid, {} after shutdown",
                s.refused_invalid, s.refused_closed
            )?;
        }
        if let Some(spool) = &s.spool {
            write!(
                f,
                ", spool: {} pending on disk, {} recovered, {} corrupt skipped",
                spool.pending, spool.recovered, spool.corrupt_skipped
            )?;
        }
        if self.timed_out {
            write!(f, " (timed out after {:?})", self.elapsed)?;
        }
        Ok(())
    }
}

/// The live counters, kept under the dispatcher's state lock so that they always add up.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) tracked: u64,
    pub(crate) sent: u64,
    pub(crate) failed: FailedStats,
    pub(crate) dropped: u64,
    pub(crate) disabled: u64,
    pub(crate) refused_invalid: u64,
    pub(crate) refused_closed: u64,
    pub(crate) retried: u64,
    pub(crate) possible_duplicates: u64,
    pub(crate) kept_on_disk: u64,
    pub(crate) requests: u64,
    pub(crate) failed_requests: u64,
    pub(crate) recent_failures: VecDeque<Failure>,
}

impl Counters {
    pub(crate) fn fail(&mut self, reason: FailReason, events: u64, message: String) {
        if events == 0 {
            return;
        }
        self.failed.add(reason, events);
        if self.recent_failures.len() == RECENT_FAILURES {
            self.recent_failures.pop_front();
        }
        self.recent_failures.push_back(Failure {
            reason,
            events,
            message,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(failed: FailedStats) -> ShutdownReport {
        ShutdownReport {
            stats: DispatcherStats {
                tracked: 10,
                queued: 0,
                in_flight: 0,
                sent: 10 - failed.total(),
                failed,
                dropped: 1,
                disabled: 0,
                refused_invalid: 0,
                refused_closed: 0,
                retried: 4,
                possible_duplicates: 2,
                kept_on_disk: 0,
                requests: 3,
                failed_requests: 1,
                batch_endpoint: true,
                recent_failures: Vec::new(),
                spool: None,
            },
            timed_out: false,
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn report_lists_failures_by_reason() {
        let failed = FailedStats {
            bot_filtered: 2,
            abandoned: 1,
            ..FailedStats::default()
        };
        assert_eq!(
            report(failed).to_string(),
            "tracked 10, sent 7, failed 3 (dropped by the bot filter: 2, abandoned at shutdown: \
             1), dropped 1, retried 4, possible duplicates 2"
        );
    }

    #[test]
    fn report_without_failures_names_no_reason() {
        assert_eq!(
            report(FailedStats::default()).to_string(),
            "tracked 10, sent 10, failed 0, dropped 1, retried 4, possible duplicates 2"
        );
    }

    #[test]
    fn events_kept_on_disk_are_not_failures_and_not_lost() {
        let mut kept = report(FailedStats::default());
        kept.stats.dropped = 0;
        kept.stats.sent = 6;
        kept.stats.kept_on_disk = 4;
        kept.timed_out = true;
        kept.elapsed = Duration::from_secs(2);
        assert_eq!(
            kept.to_string(),
            "tracked 10, sent 6, failed 0, kept on disk 4 (sent at the next start), dropped 0, \
             retried 4, possible duplicates 2 (timed out after 2s)"
        );
        assert!(kept.nothing_lost());
        assert!(!kept.all_delivered(), "4 are not delivered yet");
        let mut lost = kept.clone();
        lost.stats.kept_on_disk = 3;
        lost.stats.failed.abandoned = 1;
        assert!(!lost.nothing_lost());
        assert!(
            lost.to_string().starts_with(
                "tracked 10, sent 6, failed 1 (abandoned at shutdown: 1), kept on disk 3 (sent \
                 at the next start), dropped 0"
            ),
            "{lost}"
        );
        let mut dropped = kept.clone();
        dropped.stats.dropped = 1;
        assert!(!dropped.nothing_lost(), "a dropped event is lost");
        let delivered = report(FailedStats::default());
        assert!(!delivered.nothing_lost(), "the helper's report dropped one");
    }
}
