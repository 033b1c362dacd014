//! What the [`Dispatcher`](super::Dispatcher) handles, the worker and its tasks share: the
//! locked [`State`], the wake-up signal, the client and the settings.

use std::collections::HashSet;
#[cfg(feature = "tower")]
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Instant, SystemTime};

use tokio::sync::{Notify, oneshot};

use crate::client::Client;
use crate::error::Error;
use crate::hit::PreparedHit;
use crate::hit::WireHit;
#[cfg(feature = "tower")]
use crate::hit::payload::Envelope;

use super::bots::{BotPolicy, Screen};
use super::queue::{Admission, Due, Item, State};
use super::settings::{Routing, Settings};
use super::spool::Spool;
use super::stats::{DispatcherStats, FailReason};
use super::tokens::CacheTokens;

/// Delivery failing: since when, and the counts to report when it works again.
#[derive(Debug)]
struct Outage {
    since: Instant,
    /// Failed requests since `since`.
    failed_requests: u64,
    /// [`Counters::retried`](super::stats::Counters) when it began.
    retried: u64,
}

/// State shared by the handles, the worker and its batch tasks.
pub(crate) struct Shared {
    pub(crate) client: Client,
    pub(crate) settings: Settings,
    state: Mutex<State>,
    /// Wakes the worker: new events, flush, close, a settled batch.
    pub(crate) wake: Notify,
    /// False once the server answered 404/405 to a batch.
    pub(crate) batch_endpoint: AtomicBool,
    /// `max_batch_bytes`, lowered when the server answers 413.
    batch_bytes: AtomicUsize,
    tokens: Mutex<CacheTokens>,
    warned_drop: AtomicBool,
    /// The text of the last failed attempt, for the reasons of events abandoned later.
    last_error: Mutex<Option<String>>,
    /// Website ids the server answered "Website not found." for.
    unknown_websites: Mutex<HashSet<Box<str>>>,
    /// Whether delivery is failing (an outage is under way); its details in `outage`.
    failing: AtomicBool,
    outage: Mutex<Option<Outage>>,
    /// The on-disk spool, when configured.
    pub(crate) spool: Option<Spool>,
}

impl Shared {
    /// With a spool: its recovered events are counted and wait on disk to be read back.
    pub(crate) fn with_spool(client: Client, settings: Settings, spool: Option<Spool>) -> Self {
        let mut state = State::default();
        if let Some(spool) = &spool {
            spool.prime(&mut state);
        }
        Shared {
            batch_endpoint: AtomicBool::new(settings.routing != Routing::SingleSends),
            batch_bytes: AtomicUsize::new(settings.max_batch_bytes),
            tokens: Mutex::new(CacheTokens::new(settings.cache_token_capacity)),
            client,
            settings,
            state: Mutex::new(state),
            wake: Notify::new(),
            warned_drop: AtomicBool::new(false),
            last_error: Mutex::new(None),
            unknown_websites: Mutex::new(HashSet::new()),
            failing: AtomicBool::new(false),
            outage: Mutex::new(None),
            spool,
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves counters that still add up (every update is
        // a few plain assignments), so keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a hit into the queue (a disabled client counts it and queues nothing); a bot-like
    /// visitor's event follows `policy`.
    pub(crate) fn enqueue(&self, hit: PreparedHit, policy: BotPolicy) -> Admission {
        if !self.client.is_enabled() {
            return self.count_disabled();
        }
        let screen =
            self.settings
                .bot_check
                .screen(hit.kind(), hit.event_name(), hit.user_agent(), policy);
        let hit = match screen {
            Screen::Keep { checked } => hit.into_wire(checked),
            Screen::WithoutUserAgent => hit.without_user_agent().into_wire(true),
            Screen::Filter => return self.filter_bot(hit.user_agent()),
        };
        self.admit(hit)
    }

    /// Takes a hit in its wire form into the queue, serialized here (the web layer's page
    /// views: no [`PreparedHit`] is made). The envelope is checked already; `bot` is the
    /// bot check's verdict on its User-Agent when the caller has it (the layer screened the
    /// visitor with this dispatcher's check), so that it is not looked up again.
    #[cfg(feature = "tower")]
    pub(crate) fn enqueue_envelope(
        &self,
        envelope: &Envelope<'_>,
        website: &Arc<str>,
        bot: Option<bool>,
    ) -> Admission {
        if !self.client.is_enabled() {
            return self.count_disabled();
        }
        let payload = &envelope.payload;
        let user_agent = payload.user_agent.as_deref();
        let check = self.settings.bot_check;
        let (kind, name, policy) = (
            envelope.kind,
            payload.name.as_deref(),
            self.settings.bot_policy,
        );
        let screen = match (user_agent, bot) {
            (Some(_), Some(bot)) if check.function().is_some() => {
                check.decide(kind, name, bot, policy)
            }
            _ => check.screen(kind, name, user_agent, policy),
        };
        let hit = match screen {
            Screen::Keep { checked } => WireHit::from_envelope(envelope, website, checked),
            Screen::WithoutUserAgent => {
                let mut envelope = envelope.clone();
                envelope.payload.user_agent = None;
                WireHit::from_envelope(&envelope, website, true)
            }
            Screen::Filter => return self.filter_bot(user_agent),
        };
        self.admit(hit)
    }

    fn count_disabled(&self) -> Admission {
        self.lock().counters.disabled += 1;
        Admission::Queued { wake: false }
    }

    fn filter_bot(&self, user_agent: Option<&str>) -> Admission {
        let message = format!(
            "not sent: Umami's bot filter would drop the User-Agent {:?}",
            user_agent.unwrap_or_default()
        );
        self.lock()
            .filtered_before_queueing(FailReason::BotFiltered, message);
        Admission::Queued { wake: false }
    }

    fn admit(&self, hit: WireHit) -> Admission {
        let admission = match &self.spool {
            Some(spool) => spool.enqueue(self, hit),
            None => self.lock().admit(
                hit,
                Instant::now(),
                super::late::unix_ms(SystemTime::now()),
                self.settings.capacity,
                self.settings.max_batch_size,
            ),
        };
        if matches!(admission, Admission::Queued { wake: true }) {
            self.wake.notify_one();
        }
        admission
    }

    /// True the first time a full queue drops an event (to warn once).
    pub(crate) fn first_drop(&self) -> bool {
        !self.warned_drop.swap(true, Ordering::Relaxed)
    }

    pub(crate) fn close(&self) {
        self.lock().close();
        self.wake.notify_one();
    }

    pub(crate) fn due(&self, now: Instant) -> Due {
        let state = self.lock();
        if let Some(spool) = &self.spool {
            spool.maybe_refill(&state, self.settings.capacity, self.settings.max_batch_size);
        }
        let due = state.due(
            now,
            self.settings.flush_interval,
            self.settings.max_batch_size,
        );
        drop(state);
        self.pause();
        due
    }

    /// A point where another thread may run (see the spool's `Core::pause`).
    #[inline]
    pub(crate) fn pause(&self) {
        if let Some(spool) = &self.spool {
            spool.core.pause();
        }
    }

    /// Moves the next batch from the queue to in flight.
    pub(crate) fn take_batch(&self) -> Option<(u64, Vec<Item>)> {
        self.lock().take_batch(
            self.settings.max_batch_size,
            self.batch_bytes.load(Ordering::Relaxed),
        )
    }

    /// Spool: a request is about to carry `items` (see [`Spool::before_attempt`]); a no-op
    /// without a spool.
    pub(crate) fn before_attempt(&self, items: &mut [Item]) {
        if let Some(spool) = &self.spool {
            spool.before_attempt(items);
        }
    }

    /// Spool: the attempt of `items` failed and they will be sent again (see
    /// [`Spool::after_failed_attempt`]); a no-op without a spool.
    pub(crate) fn after_failed_attempt(&self, items: &mut [Item], may_have_been_stored: bool) {
        if let Some(spool) = &self.spool {
            spool.after_failed_attempt(items, may_have_been_stored);
        }
    }

    /// Records the fate of `sent + failures` events of batch `batch`, whose seqs are
    /// `settled`: with a spool they leave it (delivered, or failed for good).
    ///
    /// With a spool, the log stays locked from that mark to the queue's count, and
    /// [`finish`](Self::finish) locks it too: an event is either settled in both, or
    /// counted by `finish` as kept on disk while it still is there. Once finished, nothing
    /// is marked (the events counted as kept stay in the spool, to be sent by the next
    /// dispatcher opened on it).
    ///
    /// The room the events free in memory is offered to the events waiting on disk here,
    /// under the same lock as the count: asked any earlier, the reader would still see them
    /// in flight, find no room, and nobody would ask again (issue 23: a `flush` that never
    /// returned).
    pub(crate) fn settle(
        &self,
        batch: u64,
        settled: impl IntoIterator<Item = u64>,
        sent: u64,
        failures: Vec<(FailReason, u64, String)>,
    ) {
        self.pause();
        let log = self.spool.as_ref().map(|spool| {
            let mut log = spool.core.lock();
            if !self.lock().is_finished() {
                Spool::settled(&mut log, settled.into_iter().collect());
            }
            log
        });
        let mut state = self.lock();
        let idle = state.settle(batch, sent, failures);
        if let Some(spool) = &self.spool {
            spool.maybe_refill(&state, self.settings.capacity, self.settings.max_batch_size);
        }
        drop(state);
        drop(log);
        if idle {
            self.wake.notify_one();
        }
    }

    /// A waiter for every event tracked so far (see [`State::flush_waiter`]).
    pub(crate) fn flush_waiter(&self) -> Option<oneshot::Receiver<()>> {
        let waiter = self.lock().flush_waiter();
        if waiter.is_some() {
            self.wake.notify_one();
        }
        waiter
    }

    /// Lowers the batch byte limit to at most `bytes` (at least 1); returns the new limit.
    pub(crate) fn lower_batch_bytes(&self, bytes: usize) -> usize {
        let bytes = bytes.max(1);
        let before = self.batch_bytes.fetch_min(bytes, Ordering::Relaxed);
        before.min(bytes)
    }

    /// Counts a hit refused at `track` as invalid.
    pub(crate) fn note_refused_invalid(&self) {
        self.lock().counters.refused_invalid += 1;
    }

    /// Counts a hit refused at `track` after shutdown.
    pub(crate) fn note_refused_closed(&self) {
        self.lock().counters.refused_closed += 1;
    }

    /// Remembers what the last failed attempt said.
    pub(crate) fn note_error(&self, message: &str) {
        let mut last = self.last_error.lock().unwrap_or_else(|e| e.into_inner());
        *last = Some(message.to_owned());
    }

    /// Marks `website` as unknown to the server; true the first time (to report it once).
    pub(crate) fn mark_unknown_website(&self, website: &str) -> bool {
        self.unknown_websites
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(website.into())
    }

    /// `items` split into those of websites the server said it does not know, and the
    /// others (one lock for the batch; with no unknown website, nothing is looked up).
    pub(crate) fn split_unknown_websites(&self, items: Vec<Item>) -> (Vec<Item>, Vec<Item>) {
        let unknown = self
            .unknown_websites
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if unknown.is_empty() {
            return (Vec::new(), items);
        }
        items
            .into_iter()
            .partition(|item| unknown.contains(&*item.hit.website))
    }

    /// Events held, queued or in flight.
    pub(crate) fn pending(&self) -> u64 {
        self.lock().pending()
    }

    pub(crate) fn note_request(&self) {
        self.lock().counters.requests += 1;
    }

    /// Counts a request that failed: no answer, or an error status.
    pub(crate) fn note_failed_request(&self) {
        self.lock().counters.failed_requests += 1;
    }

    /// An attempt failed in a way worth retrying (`error`, for `events` events): the first
    /// such failure since delivery last worked starts an outage, announced by one warning
    /// with its cause. Later failures are counted, not logged here (each retry is logged at
    /// DEBUG by the worker).
    pub(crate) fn note_failing(&self, error: &Error, events: u64) {
        let mut outage = self.outage.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(outage) = &mut *outage {
            outage.failed_requests += 1;
            return;
        }
        let retried = self.lock().counters.retried;
        *outage = Some(Outage {
            since: Instant::now(),
            failed_requests: 1,
            retried,
        });
        self.failing.store(true, Ordering::Relaxed);
        drop(outage);
        tracing::warn!(
            cause = %error,
            events,
            "umami: delivery is failing; the dispatcher keeps the events and retries them \
             (this is logged once, until delivery works again)"
        );
    }

    /// `delivered` events of a request that started at `started` were stored: if that
    /// request started after an outage began, the outage is over, announced by one INFO
    /// line with how long it lasted and what it cost.
    pub(crate) fn note_delivered(&self, started: Instant, delivered: u64) {
        if delivered == 0 || !self.failing.load(Ordering::Relaxed) {
            return;
        }
        let mut outage = self.outage.lock().unwrap_or_else(|e| e.into_inner());
        // A request that started before the failures began says nothing about now.
        let Some(over) = outage.take_if(|outage| started >= outage.since) else {
            return;
        };
        self.failing.store(false, Ordering::Relaxed);
        drop(outage);
        let (retried, pending) = {
            let state = self.lock();
            (
                state.counters.retried.saturating_sub(over.retried),
                state.pending(),
            )
        };
        tracing::info!(
            down_for = ?over.since.elapsed(),
            failed_requests = over.failed_requests,
            retried,
            delivered,
            pending,
            "umami: delivery works again"
        );
    }

    /// Counts `events` sent again (called when the re-send starts, not when it is decided).
    pub(crate) fn note_resend(&self, events: u64, may_duplicate: bool) {
        let mut state = self.lock();
        state.counters.retried += events;
        if may_duplicate {
            state.counters.possible_duplicates += events;
        }
    }

    pub(crate) fn cache_token(&self, user: &str) -> Option<String> {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(user)
    }

    pub(crate) fn store_cache_token(&self, user: &str, token: &str) {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .put(user, token);
    }

    /// After the worker stopped: counts whatever is left as abandoned (with a spool: as kept
    /// on disk), freezes the counters.
    /// `when` completes "events not delivered ...".
    pub(crate) fn finish(&self, when: &str) -> DispatcherStats {
        // The reason of abandoned events names the cause when there was one: "not delivered
        // before the shutdown timeout" alone does not say that Umami was unreachable.
        let last_error = self
            .last_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let when = match last_error {
            Some(error) => format!("{when}; the last attempt failed with: {error}"),
            None => when.to_owned(),
        };
        let when = when.as_str();
        // With a spool, what is left is in it (see `settle`): kept on disk, not failed.
        let log = self.spool.as_ref().map(|spool| spool.core.lock());
        let left = self.lock().finish(when, log.is_some());
        drop(log);
        if left > 0 && self.spool.is_some() {
            tracing::info!(
                events = left,
                "umami dispatcher stopped with events not delivered {when}: they are kept in \
                 the spool and sent by the next dispatcher opened on it"
            );
        } else if left > 0 {
            tracing::warn!(
                events = left,
                "umami dispatcher stopped with events not delivered {when} (counted as \
                 abandoned)"
            );
        }
        self.snapshot()
    }

    pub(crate) fn snapshot(&self) -> DispatcherStats {
        // The spool's log before the state: the lock order of `track`.
        let mut spool = self.spool.as_ref().map(Spool::stats);
        let state = self.lock();
        if let Some(spool) = &mut spool {
            spool.on_disk_only = state.spilled();
        }
        let c = &state.counters;
        DispatcherStats {
            tracked: c.tracked,
            queued: state.queued(),
            in_flight: state.in_flight(),
            sent: c.sent,
            failed: c.failed,
            dropped: c.dropped,
            disabled: c.disabled,
            refused_invalid: c.refused_invalid,
            refused_closed: c.refused_closed,
            retried: c.retried,
            possible_duplicates: c.possible_duplicates,
            kept_on_disk: c.kept_on_disk,
            requests: c.requests,
            failed_requests: c.failed_requests,
            batch_endpoint: self.batch_endpoint.load(Ordering::Relaxed),
            recent_failures: c.recent_failures.iter().cloned().collect(),
            spool,
        }
    }
}
