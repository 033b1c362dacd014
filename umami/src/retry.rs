//! When a failed request is sent again: the retry policy as a pure function (no I/O, no
//! clock, no randomness of its own), the one list of retryable statuses, and the one mapping
//! from an [`Error`] to what the attempt tells.

use std::time::{Duration, SystemTime};

use crate::error::Error;

pub use crate::response::parse_retry_after;

/// The statuses worth another attempt: request timeout, too many requests, and the server
/// faults that a later attempt can outlast. The one list; every retry decision reads it.
pub(crate) const RETRYABLE_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// Whether an HTTP status is worth another attempt.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    RETRYABLE_STATUSES.contains(&status)
}

/// What happened on one attempt, as far as the retry decision cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// The server answered with this HTTP status.
    Status {
        /// The HTTP status code.
        status: u16,
        /// The server's `Retry-After` header as a delay (see [`parse_retry_after`]), if any;
        /// as in [`Error::retry_after`](crate::Error::retry_after).
        retry_after: Option<Duration>,
    },
    /// The request did not complete.
    Transport {
        /// The request timed out (it may have reached the server).
        timeout: bool,
        /// The connection could not be opened (the request certainly did not reach the server).
        connect: bool,
    },
}

impl AttemptOutcome {
    /// What a failed call tells about its attempt; `None` when no further attempt can
    /// help: bad input, a request that could not be built (it never left), a bot-filter drop,
    /// an answer that cannot be read, a call the configuration does not allow.
    pub(crate) fn of_error(error: &Error) -> Option<AttemptOutcome> {
        match error {
            Error::Status {
                status,
                retry_after,
                ..
            } => Some(AttemptOutcome::Status {
                status: *status,
                retry_after: *retry_after,
            }),
            Error::Transport {
                timeout, connect, ..
            } => Some(AttemptOutcome::Transport {
                timeout: *timeout,
                connect: *connect,
            }),
            _ => None,
        }
    }

    /// Whether a failed attempt may still have been stored by the server, so that sending it
    /// again can store it twice: timeouts, connections lost mid-request, and 500/502/504
    /// (Umami replays a batch item by item and may fail half-way).
    pub fn may_have_been_stored(&self) -> bool {
        match *self {
            AttemptOutcome::Status { status, .. } => matches!(status, 500 | 502 | 504),
            AttemptOutcome::Transport { connect, .. } => !connect,
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// The attempt succeeded: nothing more to do.
    Done,
    /// Try again after this delay.
    Backoff(Duration),
    /// Give up: the failure is permanent, or the retries are used up.
    Fail,
}

/// When and how often failed requests are retried.
///
/// Retried: 408, 429 (honouring `Retry-After`, in seconds or as an HTTP date), 500, 502, 503,
/// 504, connection errors and timeouts. Never retried: any other 4xx (the request itself is
/// wrong; sending it again cannot help). The delay before retry `n` (1-based) is
/// `initial_backoff * 2^(n-1)`, capped at `max_backoff`, of which a random part of up to half is
/// taken off (jitter), so that many clients failing together do not retry together.
///
/// Retries end at whichever comes first: [`max_retries`](Self::max_retries) (default 20) or
/// the time budget [`max_elapsed`](Self::max_elapsed) (default 10 minutes since the first
/// attempt). The defaults are chosen to deliver through long faults: with 30% of requests
/// failing independently, 21 failed attempts in a row happen about once in 10^11 batches,
/// while an Umami that is down for good is given up on after 10 minutes.
///
/// ```
/// use std::time::Duration;
/// use umami::dispatch::{AttemptOutcome, RetryDecision, RetryPolicy};
///
/// let policy = RetryPolicy::default();
/// let outcome = AttemptOutcome::Status { status: 429, retry_after: Some(Duration::from_secs(3)) };
/// assert_eq!(policy.decide(1, &outcome, 0.5), RetryDecision::Backoff(Duration::from_secs(3)));
/// let outcome = AttemptOutcome::Status { status: 400, retry_after: None };
/// assert_eq!(policy.decide(1, &outcome, 0.5), RetryDecision::Fail);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 20 retries within 10 minutes, starting at 500 ms, at most 30 s apart; a `Retry-After`
    /// is honoured up to 120 s.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 20,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            max_elapsed: Duration::from_secs(600),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// How many times a request is sent again after its first attempt; default 20.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The delay before the first retry, doubled for each further one; default 500 ms.
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.initial_backoff = delay;
        self
    }

    /// The longest delay between two attempts; default 30 s.
    pub fn max_backoff(mut self, delay: Duration) -> Self {
        self.max_backoff = delay;
        self
    }

    /// The longest `Retry-After` honoured; a longer one is cut to this. Default 120 s.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// The time budget: no retry starts later than this after the first attempt (the wait
    /// before a retry is cut short of it, or the retry is given up). Default 10 minutes.
    pub fn max_elapsed(mut self, budget: Duration) -> Self {
        self.max_elapsed = budget;
        self
    }

    /// The configured time budget.
    pub fn elapsed_budget(&self) -> Duration {
        self.max_elapsed
    }

    /// The configured number of retries.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// Whether an outcome is worth another attempt at all (ignoring the attempt count).
    pub fn is_retryable(outcome: &AttemptOutcome) -> bool {
        match *outcome {
            AttemptOutcome::Status { status, .. } => is_retryable_status(status),
            AttemptOutcome::Transport { .. } => true,
        }
    }

    /// The decision after attempt number `attempt` (1 for the first) ended in `outcome`.
    ///
    /// A `Retry-After` on a 429 or 503 replaces the backoff (capped at
    /// [`max_retry_after`](Self::max_retry_after)). `jitter` is a random number in `[0, 1)`
    /// (out-of-range values are clamped) that decides how much of the backoff is taken off.
    /// Pure: the same inputs always give the same decision.
    pub fn decide(&self, attempt: u32, outcome: &AttemptOutcome, jitter: f64) -> RetryDecision {
        self.decide_after(attempt, Duration::ZERO, outcome, jitter)
    }

    /// [`decide`](Self::decide), `elapsed` after the first attempt started: a retry that
    /// would start past the time budget ([`max_elapsed`](Self::max_elapsed)) is given up.
    ///
    /// ```
    /// use std::time::Duration;
    /// use umami::dispatch::{AttemptOutcome, RetryDecision, RetryPolicy};
    ///
    /// let policy = RetryPolicy::default().max_elapsed(Duration::from_secs(60));
    /// let outcome = AttemptOutcome::Status { status: 503, retry_after: None };
    /// let late = Duration::from_secs(61);
    /// assert_eq!(policy.decide_after(2, late, &outcome, 0.0), RetryDecision::Fail);
    /// ```
    pub fn decide_after(
        &self,
        attempt: u32,
        elapsed: Duration,
        outcome: &AttemptOutcome,
        jitter: f64,
    ) -> RetryDecision {
        match self.decide_ignoring_budget(attempt, outcome, jitter) {
            RetryDecision::Backoff(delay) if elapsed.saturating_add(delay) > self.max_elapsed => {
                RetryDecision::Fail
            }
            decision => decision,
        }
    }

    fn decide_ignoring_budget(
        &self,
        attempt: u32,
        outcome: &AttemptOutcome,
        jitter: f64,
    ) -> RetryDecision {
        if matches!(*outcome, AttemptOutcome::Status { status, .. } if (200..300).contains(&status))
        {
            return RetryDecision::Done;
        }
        if !Self::is_retryable(outcome) || attempt > self.max_retries {
            return RetryDecision::Fail;
        }
        if let AttemptOutcome::Status {
            status: 429 | 503,
            retry_after: Some(delay),
        } = *outcome
        {
            return RetryDecision::Backoff(delay.min(self.max_retry_after));
        }
        RetryDecision::Backoff(self.backoff(attempt, jitter))
    }

    /// The jittered exponential delay after attempt `attempt` (1-based).
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let full = self
            .initial_backoff
            .saturating_mul(1_u32 << exponent)
            .min(self.max_backoff);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        // "Equal jitter": keep at least half of the delay, randomise the other half. Taking
        // off (rather than multiplying by up to 1.0) cannot overflow near `Duration::MAX`.
        full.saturating_sub(full.mul_f64(jitter / 2.0))
    }
}

/// A small xorshift64* generator for jitter: no crate needed, quality is irrelevant here.
#[derive(Debug, Clone)]
pub(crate) struct Jitter(u64);

impl Jitter {
    /// Seeded from the clock and `salt`, so concurrent tasks do not share a sequence.
    pub(crate) fn new(salt: u64) -> Self {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        let seed = nanos ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        Jitter(if seed == 0 {
            0x2545_F491_4F6C_DD1D
        } else {
            seed
        })
    }

    /// A number in `[0, 1)`.
    pub(crate) fn next_f64(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        let value = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (value >> 11) as f64 / (1_u64 << 53) as f64
    }
}

/// One request's way through its retries: the attempt count, the time since the first
/// attempt (for the budget) and its own jitter. The one retry loop of the crate: the caller
/// makes an attempt, and on a retryable failure asks for the wait before the next one.
#[derive(Debug)]
pub(crate) struct Retrier<'a> {
    policy: &'a RetryPolicy,
    jitter: Jitter,
    attempt: u32,
    started: std::time::Instant,
}

impl<'a> Retrier<'a> {
    /// A new request; `salt` keeps concurrent requests' jitter apart.
    pub(crate) fn new(policy: &'a RetryPolicy, salt: u64) -> Self {
        Retrier {
            policy,
            jitter: Jitter::new(salt),
            attempt: 0,
            started: std::time::Instant::now(),
        }
    }

    /// Counts the attempt about to be made; returns its number (1 for the first).
    pub(crate) fn start_attempt(&mut self) -> u32 {
        self.attempt += 1;
        self.attempt
    }

    /// Starts over, as for a new request (a batch split in halves: each half is new).
    pub(crate) fn restart(&mut self) {
        self.attempt = 0;
        self.started = std::time::Instant::now();
    }

    /// After the current attempt failed with `outcome`: the wait before the next attempt, or
    /// `None` when the failure is permanent or the retries (count or time) are used up.
    pub(crate) fn next_delay(&mut self, outcome: &AttemptOutcome) -> Option<Duration> {
        match self.policy.decide_after(
            self.attempt,
            self.started.elapsed(),
            outcome,
            self.jitter.next_f64(),
        ) {
            RetryDecision::Backoff(delay) => Some(delay),
            RetryDecision::Done | RetryDecision::Fail => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16) -> AttemptOutcome {
        AttemptOutcome::Status {
            status,
            retry_after: None,
        }
    }

    fn policy() -> RetryPolicy {
        RetryPolicy::default()
            .max_retries(3)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350))
    }

    #[test]
    fn success_is_done() {
        for code in [200, 201, 204] {
            assert_eq!(policy().decide(1, &status(code), 0.0), RetryDecision::Done);
        }
    }

    #[test]
    fn retryable_statuses_back_off() {
        for code in [408, 429, 500, 502, 503, 504] {
            assert_eq!(
                policy().decide(1, &status(code), 0.0),
                RetryDecision::Backoff(Duration::from_millis(100)),
                "status {code}"
            );
        }
    }

    #[test]
    fn other_client_errors_are_never_retried() {
        for code in [400, 401, 403, 404, 405, 409, 413, 422, 501, 505] {
            assert_eq!(
                policy().decide(1, &status(code), 0.0),
                RetryDecision::Fail,
                "status {code}"
            );
        }
    }

    #[test]
    fn transport_errors_and_timeouts_are_retried() {
        for (timeout, connect) in [(true, false), (false, true), (false, false)] {
            assert_eq!(
                policy().decide(2, &AttemptOutcome::Transport { timeout, connect }, 0.0),
                RetryDecision::Backoff(Duration::from_millis(200))
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = policy();
        assert_eq!(p.backoff(1, 0.0), Duration::from_millis(100));
        assert_eq!(p.backoff(2, 0.0), Duration::from_millis(200));
        assert_eq!(p.backoff(3, 0.0), Duration::from_millis(350));
        assert_eq!(p.backoff(30, 0.0), Duration::from_millis(350));
        assert_eq!(p.backoff(u32::MAX, 0.0), Duration::from_millis(350));
    }

    #[test]
    fn jitter_takes_off_at_most_half() {
        let p = policy();
        assert_eq!(p.backoff(2, 0.5), Duration::from_millis(150));
        assert_eq!(p.backoff(2, 1.0), Duration::from_millis(100));
        assert_eq!(p.backoff(2, -3.0), Duration::from_millis(200));
        assert_eq!(p.backoff(2, f64::NAN), Duration::from_millis(200));
    }

    #[test]
    fn retries_are_used_up() {
        let p = policy();
        assert!(matches!(
            p.decide(3, &status(503), 0.0),
            RetryDecision::Backoff(_)
        ));
        assert_eq!(p.decide(4, &status(503), 0.0), RetryDecision::Fail);
        assert_eq!(
            RetryPolicy::never().decide(1, &status(503), 0.0),
            RetryDecision::Fail
        );
    }

    #[test]
    fn retry_after_seconds_is_honoured() {
        let outcome = AttemptOutcome::Status {
            status: 429,
            retry_after: parse_retry_after(" 7 ", SystemTime::UNIX_EPOCH),
        };
        assert_eq!(
            RetryPolicy::default().decide(1, &outcome, 0.9),
            RetryDecision::Backoff(Duration::from_secs(7))
        );
    }

    #[test]
    fn retry_after_http_date_is_honoured() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        let outcome = AttemptOutcome::Status {
            status: 503,
            retry_after: parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
        };
        assert_eq!(
            RetryPolicy::default().decide(1, &outcome, 0.0),
            RetryDecision::Backoff(Duration::from_secs(10))
        );
    }

    #[test]
    fn retry_after_in_the_past_is_zero() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_is_capped() {
        let outcome = AttemptOutcome::Status {
            status: 429,
            retry_after: Some(Duration::from_secs(86_400)),
        };
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(5));
        assert_eq!(
            p.decide(1, &outcome, 0.0),
            RetryDecision::Backoff(Duration::from_secs(5))
        );
    }

    #[test]
    fn unreadable_retry_after_falls_back_to_backoff() {
        let outcome = AttemptOutcome::Status {
            status: 429,
            retry_after: parse_retry_after("soon", SystemTime::UNIX_EPOCH),
        };
        assert_eq!(
            policy().decide(1, &outcome, 0.0),
            RetryDecision::Backoff(Duration::from_millis(100))
        );
    }

    #[test]
    fn retry_after_does_not_revive_a_permanent_failure() {
        let outcome = AttemptOutcome::Status {
            status: 400,
            retry_after: Some(Duration::from_secs(1)),
        };
        assert_eq!(policy().decide(1, &outcome, 0.0), RetryDecision::Fail);
    }

    #[test]
    fn only_ambiguous_failures_may_duplicate() {
        assert!(status(500).may_have_been_stored());
        assert!(status(504).may_have_been_stored());
        assert!(!status(503).may_have_been_stored());
        assert!(!status(429).may_have_been_stored());
        assert!(
            AttemptOutcome::Transport {
                timeout: true,
                connect: false
            }
            .may_have_been_stored()
        );
        assert!(
            !AttemptOutcome::Transport {
                timeout: false,
                connect: true
            }
            .may_have_been_stored()
        );
    }

    #[test]
    fn unbounded_backoff_does_not_panic() {
        let p = RetryPolicy::default()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX);
        assert_eq!(p.backoff(1, 0.0), Duration::MAX);
        assert_eq!(p.backoff(40, 0.0), Duration::MAX);
        let half = p.backoff(3, 1.0);
        assert!(half > Duration::MAX / 3 && half < Duration::MAX, "{half:?}");
    }

    #[test]
    fn jitter_stays_in_range() {
        let mut j = Jitter::new(7);
        for _ in 0..10_000 {
            let x = j.next_f64();
            assert!((0.0..1.0).contains(&x), "{x}");
        }
    }

    #[test]
    fn the_time_budget_ends_retries() {
        let policy = policy()
            .max_retries(100)
            .max_elapsed(Duration::from_secs(1));
        let outcome = status(503);
        assert_eq!(
            policy.decide_after(2, Duration::from_millis(800), &outcome, 0.0),
            RetryDecision::Backoff(Duration::from_millis(200))
        );
        assert_eq!(
            policy.decide_after(2, Duration::from_millis(900), &outcome, 0.0),
            RetryDecision::Fail
        );
    }

    #[test]
    fn errors_map_to_outcomes_once() {
        let status_error = Error::Status {
            status: 503,
            message: String::new(),
            retry_after: Some(Duration::from_secs(2)),
        };
        assert_eq!(
            AttemptOutcome::of_error(&status_error),
            Some(AttemptOutcome::Status {
                status: 503,
                retry_after: Some(Duration::from_secs(2))
            })
        );
        assert_eq!(AttemptOutcome::of_error(&Error::BotFiltered), None);
        assert_eq!(
            AttemptOutcome::of_error(&Error::InvalidRequest("bad header".into())),
            None
        );
    }

    #[test]
    fn the_retryable_set_is_one_list() {
        for code in 100..600 {
            assert_eq!(
                RetryPolicy::is_retryable(&status(code)),
                RETRYABLE_STATUSES.contains(&code)
            );
        }
        assert!(RETRYABLE_STATUSES.contains(&408));
    }
}
