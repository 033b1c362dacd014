//! Fire-and-forget tracking: the background [`Dispatcher`].
//!
//! [`Dispatcher::track`] validates a hit on the caller's thread (bad input is an immediate
//! `Err`), puts it in a bounded queue and returns at once, without I/O. A tokio task sends the
//! queue in batches to `POST /api/batch` (Umami v2.18+; older servers are detected and served
//! with concurrent `/api/send` calls), retries what can be retried, and counts every event:
//! each one is delivered, or reported as failed with a reason, or refused at `track` time
//! because the queue was full. Nothing is lost silently.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use serde_json::json;
//!
//! let client = umami::Client::builder()
//!     .url_base("https://umami.example.com")
//!     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
//!     .hostname("example.com")
//!     .build()?;
//! let dispatcher = umami::Dispatcher::builder(client.clone()).build()?;
//!
//! // In a request handler: never waits for the network.
//! dispatcher.track(
//!     client.new_event("Purchase-Course").custom_data(json!({"plan": "pro"})),
//! )?;
//!
//! // At the end of the program: drain the queue, see what happened.
//! let report = dispatcher.shutdown(Duration::from_secs(10)).await;
//! println!("{report}");
//! # Ok(()) }
//! ```
//!
//! # Delivery and duplicates
//! A batch that times out, loses its connection mid-request or gets a 500/502/504 may have
//! been stored anyway; sending it again can store it twice. Such re-sends are counted in
//! [`DispatcherStats::possible_duplicates`] (an upper bound), so a report always says how many
//! events may have been counted twice. Umami has no idempotency key to do better.
//!
//! # Bot filter
//! Umami drops hits whose User-Agent looks like a bot's and still answers 200. A single send
//! learns it (`{"beep":"boop"}`, [`FailReason::BotFiltered`]); an `/api/batch` answer does
//! not say. Hits with their own [`user_agent`](HitBuilder::user_agent) are therefore sent one
//! by one, so that a filtered hit is reported as failed, not as sent. That costs a request
//! per hit (at most [`single_send_concurrency`](DispatcherBuilder::single_send_concurrency)
//! at once per batch slot); see
//! [`batch_user_agent_hits`](DispatcherBuilder::batch_user_agent_hits) to batch them anyway.
//!
//! # Cache tokens
//! Batches carry no per-item headers, so batched hits go without `x-umami-cache`. When the
//! dispatcher sends hits one by one (servers without `/api/batch`, hits with their own
//! User-Agent, or [`send_visitor_hits_singly`](DispatcherBuilder::send_visitor_hits_singly)),
//! hits with a distinct id reuse that visitor's last token from a bounded LRU, never another
//! visitor's; hits without one never carry a token. For direct sends that keep a visitor's
//! token, see [`Visitor`] ([`Client::visitor`]).
//!
//! # Memory
//! [`capacity`](DispatcherBuilder::capacity) bounds the events held, queued or in flight;
//! each is kept as its validated hit and its JSON body until it is settled.
//!
//! # Retries
//! See [`RetryPolicy`]. A 429 or 503 with a `Retry-After` header (seconds or an HTTP date)
//! waits that long, on batches and single sends alike ([`Error::retry_after`]). A batch waiting for its retry keeps its request slot
//! ([`max_concurrent_requests`](DispatcherBuilder::max_concurrent_requests)): a server that
//! asks to slow down slows the dispatcher down, and the queue absorbs the difference up to its
//! capacity.

mod batch;
mod retry;
mod stats;
mod visitor;
mod worker;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;

use crate::client::Client;
use crate::error::{Error, ValidationError};
use crate::event::{HitBuilder, HitKind, PreparedHit};
use crate::typed::UmamiEvent;

pub use batch::MAX_BATCH_ITEMS;
pub use retry::{AttemptOutcome, RetryDecision, RetryPolicy, parse_retry_after};
pub use stats::{DispatcherStats, FailReason, FailedStats, Failure, ShutdownReport};
pub use visitor::Visitor;

use stats::Counters;
use visitor::CacheTokens;

/// Anything [`Dispatcher::track`] and [`Visitor::send`] accept: every hit builder
/// ([`NewEvent`](crate::NewEvent), [`NewPageView`](crate::NewPageView), ...; a typed event's
/// `event.new_event(&client)`), and an already [`PreparedHit`].
pub trait IntoPreparedHit {
    /// Validates (no I/O) and returns the hit ready to send.
    ///
    /// # Errors
    /// As [`HitBuilder::prepare`].
    fn into_prepared_hit(self) -> Result<PreparedHit, Error>;
}

impl<K: HitKind> IntoPreparedHit for HitBuilder<K> {
    fn into_prepared_hit(self) -> Result<PreparedHit, Error> {
        self.prepare()
    }
}

impl IntoPreparedHit for PreparedHit {
    fn into_prepared_hit(self) -> Result<PreparedHit, Error> {
        Ok(self)
    }
}

impl IntoPreparedHit for &PreparedHit {
    fn into_prepared_hit(self) -> Result<PreparedHit, Error> {
        Ok(self.clone())
    }
}

impl IntoPreparedHit for Result<PreparedHit, Error> {
    fn into_prepared_hit(self) -> Result<PreparedHit, Error> {
        self
    }
}

/// What [`Dispatcher::track`] does when the queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OverflowPolicy {
    /// Refuse the event: `track` returns [`TrackError::QueueFull`]. The default.
    #[default]
    Reject,
    /// Drop the event and return `Ok(())`, for callers that would ignore the error anyway.
    /// The drop is still counted in [`DispatcherStats::dropped`], and the first one is logged
    /// as a warning.
    DropNewest,
}

/// Why [`Dispatcher::track`] did not accept an event.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrackError {
    /// The hit is invalid (or no server is configured): nothing was queued.
    #[error(transparent)]
    Invalid(#[from] Error),
    /// The queue holds `capacity` events already (counted in [`DispatcherStats::dropped`]).
    #[error("the Umami dispatcher's queue is full ({capacity} events): event dropped")]
    QueueFull {
        /// The configured capacity.
        capacity: usize,
    },
    /// [`Dispatcher::shutdown`] was called, or the worker stopped because the tokio runtime
    /// it ran on shut down: no more events are accepted.
    #[error("the Umami dispatcher is shut down: event not accepted")]
    Closed,
}

/// Completes "events not delivered ..." in the report of a shutdown that timed out.
const TIMED_OUT: &str = "before the shutdown timeout";

/// The most requests a dispatcher may have under way at once (a tokio semaphore's limit).
const MAX_CONCURRENCY: usize = tokio::sync::Semaphore::MAX_PERMITS;

/// Settings of a [`Dispatcher`]; see [`DispatcherBuilder`] for each default.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) capacity: usize,
    pub(crate) overflow: OverflowPolicy,
    pub(crate) max_batch_size: usize,
    pub(crate) max_batch_bytes: usize,
    pub(crate) flush_interval: Duration,
    pub(crate) max_concurrent_requests: usize,
    pub(crate) single_send_concurrency: usize,
    pub(crate) batch_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) shutdown_timeout: Duration,
    pub(crate) visitor_cache_capacity: usize,
    pub(crate) use_batch_endpoint: bool,
    pub(crate) visitor_hits_singly: bool,
    pub(crate) batch_user_agent_hits: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            capacity: 10_000,
            overflow: OverflowPolicy::Reject,
            max_batch_size: 100,
            max_batch_bytes: 1024 * 1024,
            flush_interval: Duration::from_secs(1),
            max_concurrent_requests: 2,
            single_send_concurrency: 8,
            batch_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            shutdown_timeout: Duration::from_secs(10),
            visitor_cache_capacity: 10_000,
            use_batch_endpoint: true,
            visitor_hits_singly: false,
            batch_user_agent_hits: false,
        }
    }
}

/// Builds a [`Dispatcher`]; every setter documents its default.
///
/// ```no_run
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// use std::time::Duration;
/// use umami::dispatch::{OverflowPolicy, RetryPolicy};
///
/// let dispatcher = umami::Dispatcher::builder(client)
///     .capacity(50_000)
///     .max_batch_size(200)
///     .flush_interval(Duration::from_millis(500))
///     .overflow_policy(OverflowPolicy::DropNewest)
///     .retry_policy(RetryPolicy::default().max_retries(10))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until `.build()`"]
pub struct DispatcherBuilder {
    client: Client,
    settings: Settings,
}

impl DispatcherBuilder {
    /// How many events the dispatcher holds at most, queued or being sent; default 10 000.
    /// This bounds its memory. When full, [`track`](Dispatcher::track) follows the
    /// [`overflow_policy`](Self::overflow_policy).
    pub fn capacity(mut self, events: usize) -> Self {
        self.settings.capacity = events;
        self
    }

    /// What a full queue does to a new event; default [`OverflowPolicy::Reject`].
    pub fn overflow_policy(mut self, policy: OverflowPolicy) -> Self {
        self.settings.overflow = policy;
        self
    }

    /// The most events per `/api/batch` request, 1 to [`MAX_BATCH_ITEMS`] (500, Umami's
    /// limit); default 100. Umami stores a batch item by item (about 70 events/s on a small
    /// server), so smaller batches answer sooner.
    pub fn max_batch_size(mut self, events: usize) -> Self {
        self.settings.max_batch_size = events;
        self
    }

    /// The largest batch body in bytes; default 1 MiB (the default body limit of common
    /// reverse proxies, e.g. nginx's `client_max_body_size`). A single larger event is sent
    /// alone. When the server answers 413 (too large) to a batch anyway, the batch is split in
    /// halves and later batches are kept under half its size.
    pub fn max_batch_bytes(mut self, bytes: usize) -> Self {
        self.settings.max_batch_bytes = bytes;
        self
    }

    /// How long an event may wait for more to fill its batch; default 1 s. A full batch goes
    /// at once; zero sends whatever is queued right away.
    pub fn flush_interval(mut self, interval: Duration) -> Self {
        self.settings.flush_interval = interval;
        self
    }

    /// How many batch requests may be under way at once; default 2.
    pub fn max_concurrent_requests(mut self, requests: usize) -> Self {
        self.settings.max_concurrent_requests = requests;
        self
    }

    /// On servers without `/api/batch`: how many `/api/send` calls each batch's events are
    /// spread over at once; default 8.
    pub fn single_send_concurrency(mut self, requests: usize) -> Self {
        self.settings.single_send_concurrency = requests;
        self
    }

    /// The timeout of one `/api/batch` request; default 30 s (a batch of 500 can take Umami
    /// several seconds). Single sends use the client's timeout.
    pub fn batch_timeout(mut self, timeout: Duration) -> Self {
        self.settings.batch_timeout = timeout;
        self
    }

    /// When and how often to retry; default [`RetryPolicy::default`] (6 retries, 500 ms
    /// doubling to at most 30 s, with jitter).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// The timeout of [`Dispatcher::close`]; default 10 s.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.settings.shutdown_timeout = timeout;
        self
    }

    /// How many visitors' cache tokens are remembered for single sends; default 10 000
    /// (least recently used first out). Zero turns the cache off.
    pub fn visitor_cache_capacity(mut self, visitors: usize) -> Self {
        self.settings.visitor_cache_capacity = visitors;
        self
    }

    /// Whether to try `/api/batch` first; default `true`. `false` sends every event with its
    /// own `/api/send` call from the start (as happens anyway after a server answers 404 or
    /// 405 to a batch).
    pub fn use_batch_endpoint(mut self, enabled: bool) -> Self {
        self.settings.use_batch_endpoint = enabled;
        self
    }

    /// Whether hits with a distinct id skip the batch and go to `/api/send` one by one, each
    /// with its visitor's cache token (a batch cannot carry per-item headers); default
    /// `false`: everything is batched, and batched hits go without a token. Hits without a
    /// distinct id are batched either way.
    pub fn send_visitor_hits_singly(mut self, enabled: bool) -> Self {
        self.settings.visitor_hits_singly = enabled;
        self
    }

    /// Whether hits carrying their own User-Agent ([`user_agent`](HitBuilder::user_agent), sent
    /// as `userAgent`) may be batched; default `false`: they go to `/api/send` one by one.
    ///
    /// Umami's bot filter looks at each hit's `userAgent`. On `/api/send` a hit it drops is
    /// answered `{"beep":"boop"}`, which the dispatcher reports as failed with
    /// [`FailReason::BotFiltered`]. `/api/batch` lists only items that failed validation, so a
    /// batched hit dropped by the bot filter is counted as sent although nothing was stored.
    /// Hits without a `userAgent` travel under the client's User-Agent, which passes the
    /// filter, and are batched either way.
    ///
    /// `true` batches them too: fewer requests (one per [`max_batch_size`](Self::max_batch_size)
    /// hits instead of one per hit), at the price of counting bot-filtered hits as sent.
    /// Choose it when the User-Agents are known to be browsers', or when throughput matters
    /// more than an exact count.
    pub fn batch_user_agent_hits(mut self, enabled: bool) -> Self {
        self.settings.batch_user_agent_hits = enabled;
        self
    }

    /// Checks the settings and starts the worker task.
    ///
    /// # Errors
    /// [`Error::Validation`] for a zero capacity, batch size, concurrency or timeout, a batch
    /// size above 500, or a concurrency above tokio's semaphore limit (`usize::MAX >> 3`);
    /// [`Error::OperationNotAllowed`] outside a tokio runtime (from synchronous code, enter
    /// one first: `let _guard = runtime.enter();`).
    pub fn build(self) -> Result<Dispatcher, Error> {
        let s = &self.settings;
        let positive = |field: &'static str, value: usize| {
            if value == 0 {
                Err(ValidationError::new(field, "must be at least 1"))
            } else {
                Ok(())
            }
        };
        positive("capacity", s.capacity)?;
        positive("max_batch_size", s.max_batch_size)?;
        positive("max_batch_bytes", s.max_batch_bytes)?;
        positive("max_concurrent_requests", s.max_concurrent_requests)?;
        positive("single_send_concurrency", s.single_send_concurrency)?;
        for (field, value) in [
            ("max_concurrent_requests", s.max_concurrent_requests),
            ("single_send_concurrency", s.single_send_concurrency),
        ] {
            if value > MAX_CONCURRENCY {
                return Err(ValidationError::new(
                    field,
                    format!("{value} is above the limit of {MAX_CONCURRENCY} requests at once"),
                )
                .into());
            }
        }
        if s.max_batch_size > MAX_BATCH_ITEMS {
            return Err(ValidationError::new(
                "max_batch_size",
                format!(
                    "{} is above Umami's limit of {MAX_BATCH_ITEMS} items per batch",
                    s.max_batch_size
                ),
            )
            .into());
        }
        if s.batch_timeout.is_zero() {
            return Err(ValidationError::new("batch_timeout", "must be longer than zero").into());
        }
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::not_allowed(
                "a Dispatcher runs its worker on tokio: build it inside a tokio runtime",
            )
        })?;
        let shared = Arc::new(Shared {
            batch_endpoint: AtomicBool::new(s.use_batch_endpoint),
            batch_bytes: AtomicUsize::new(s.max_batch_bytes),
            tokens: Mutex::new(CacheTokens::new(s.visitor_cache_capacity)),
            client: self.client,
            settings: self.settings,
            state: Mutex::new(State::default()),
            wake: Notify::new(),
            warned_drop: AtomicBool::new(false),
        });
        let worker = runtime.spawn(worker::run(shared.clone()));
        Ok(Dispatcher {
            handle: Arc::new(Handle {
                shared,
                control: tokio::sync::Mutex::new(Control {
                    worker: Some(worker),
                    report: None,
                }),
            }),
        })
    }
}

/// Sends hits in the background, in batches, with retries: see the [module docs](self).
///
/// Cheap to clone (an `Arc` inside); clones share one queue and one worker.
///
/// # Threads and runtimes
/// [`track`](Self::track) needs no runtime: it may be called from any thread, tokio's or not
/// (it takes a short lock and wakes the worker). The worker runs on the runtime that was
/// current at [`build`](DispatcherBuilder::build). If that runtime shuts down first, the
/// worker stops: events not sent by then are counted as [`FailReason::Abandoned`], `track`
/// answers [`TrackError::Closed`], and [`flush`](Self::flush) and
/// [`shutdown`](Self::shutdown) return at once.
///
/// # Drop
/// Dropping the last clone without calling [`shutdown`](Self::shutdown) closes the queue
/// (no blocking, no I/O in `drop`, so it is safe outside a runtime too); the worker keeps
/// sending what was queued in the background for as long as its runtime runs. Nobody is left
/// to read the report then, so call `shutdown` (or [`close`](Self::close)) before exiting to
/// drain the queue and learn what was delivered.
#[derive(Clone)]
pub struct Dispatcher {
    handle: Arc<Handle>,
}

impl fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dispatcher")
            .field("client", &self.handle.shared.client)
            .field("settings", &self.handle.shared.settings)
            .field("stats", &self.stats())
            .finish()
    }
}

struct Handle {
    shared: Arc<Shared>,
    control: tokio::sync::Mutex<Control>,
}

struct Control {
    worker: Option<JoinHandle<()>>,
    report: Option<ShutdownReport>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.shared.close();
    }
}

impl Dispatcher {
    /// A builder for a dispatcher sending with `client` (its URL, User-Agent and connection
    /// pool).
    pub fn builder(client: Client) -> DispatcherBuilder {
        DispatcherBuilder {
            client,
            settings: Settings::default(),
        }
    }

    /// The client the dispatcher sends with.
    pub fn client(&self) -> &Client {
        &self.handle.shared.client
    }

    /// Validates a hit and queues it for sending; never waits for I/O.
    ///
    /// When the client is disabled the hit is validated, counted in
    /// [`DispatcherStats::disabled`] and not queued.
    ///
    /// # Errors
    /// [`TrackError::Invalid`] for bad input (nothing queued); [`TrackError::QueueFull`] when
    /// the queue is full and the policy is [`OverflowPolicy::Reject`];
    /// [`TrackError::Closed`] after [`shutdown`](Self::shutdown) (or once the runtime running
    /// the worker has shut down).
    pub fn track(&self, hit: impl IntoPreparedHit) -> Result<(), TrackError> {
        let hit = hit.into_prepared_hit()?;
        self.handle.shared.enqueue(hit)
    }

    /// Tracks a typed event (see [`UmamiEvent`]), as `track(event.new_event(client))`.
    ///
    /// # Errors
    /// As [`track`](Self::track).
    pub fn track_event<E: UmamiEvent + ?Sized>(&self, event: &E) -> Result<(), TrackError> {
        self.track(event.new_event(&self.handle.shared.client))
    }

    /// Waits until every event tracked before this call is delivered or has failed (sending
    /// queued events right away instead of waiting for the flush interval). Events tracked
    /// meanwhile are not waited for. Wrap in `tokio::time::timeout` to bound the wait.
    pub async fn flush(&self) {
        let shared = &self.handle.shared;
        let receiver = {
            let mut state = shared.lock();
            let target = state.next_seq;
            if state.lowest_unsettled() >= target {
                return;
            }
            state.flush_upto = state.flush_upto.max(target);
            let (sender, receiver) = oneshot::channel();
            state.waiters.push((target, sender));
            receiver
        };
        shared.wake.notify_one();
        // An error means the dispatcher finished (shutdown): nothing left to wait for.
        let _ = receiver.await;
    }

    /// Stops accepting events, sends what is queued (with retries) for at most `timeout`, and
    /// reports. Events not settled by then are counted as
    /// [`FailReason::Abandoned`]. Idempotent: later calls return the first report at once.
    ///
    /// Await it inside a tokio runtime (any one, not necessarily the worker's): the timeout
    /// uses tokio's timer.
    pub async fn shutdown(&self, timeout: Duration) -> ShutdownReport {
        let started = Instant::now();
        let shared = &self.handle.shared;
        let mut control = self.handle.control.lock().await;
        if let Some(report) = &control.report {
            return report.clone();
        }
        shared.close();
        let mut timed_out = false;
        if let Some(mut worker) = control.worker.take() {
            if tokio::time::timeout(timeout, &mut worker).await.is_err() {
                timed_out = true;
                // Counted before the abort, so that the report names the timeout.
                shared.finish(TIMED_OUT);
                // Dropping the worker drops its batch tasks; a late answer is ignored.
                worker.abort();
                let _ = worker.await;
            }
        }
        let stats = shared.finish(TIMED_OUT);
        let report = ShutdownReport {
            stats,
            timed_out,
            elapsed: started.elapsed(),
        };
        tracing::debug!(%report, "umami dispatcher shut down");
        control.report = Some(report.clone());
        report
    }

    /// [`shutdown`](Self::shutdown) with the builder's
    /// [`shutdown_timeout`](DispatcherBuilder::shutdown_timeout) (default 10 s).
    pub async fn close(&self) -> ShutdownReport {
        self.shutdown(self.handle.shared.settings.shutdown_timeout)
            .await
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> DispatcherStats {
        self.handle.shared.snapshot()
    }
}

/// One accepted event.
pub(crate) struct Item {
    pub(crate) seq: u64,
    pub(crate) hit: PreparedHit,
    pub(crate) body: Vec<u8>,
    pub(crate) enqueued: Instant,
}

/// Events of one batch task that are not settled yet.
struct InFlight {
    min_seq: u64,
    remaining: u64,
}

#[derive(Default)]
pub(crate) struct State {
    queue: VecDeque<Item>,
    next_seq: u64,
    in_flight: u64,
    batches: BTreeMap<u64, InFlight>,
    /// `(lowest seq, batch id)` of every unsettled batch, to find the oldest pending event.
    oldest: BTreeSet<(u64, u64)>,
    next_batch: u64,
    /// Events with a lower seq are to be sent without waiting for the flush interval.
    flush_upto: u64,
    waiters: Vec<(u64, oneshot::Sender<()>)>,
    closed: bool,
    finished: bool,
    counters: Counters,
}

impl State {
    fn pending(&self) -> u64 {
        self.queue.len() as u64 + self.in_flight
    }

    /// The seq of the oldest event not yet delivered or failed.
    fn lowest_unsettled(&self) -> u64 {
        let queued = self.queue.front().map(|i| i.seq);
        let sending = self.oldest.first().map(|&(seq, _)| seq);
        [queued, sending]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(self.next_seq)
    }

    fn wake_waiters(&mut self) {
        if self.waiters.is_empty() {
            return;
        }
        let lowest = self.lowest_unsettled();
        let mut i = 0;
        while i < self.waiters.len() {
            if self.waiters[i].0 <= lowest || self.finished {
                let (_, sender) = self.waiters.swap_remove(i);
                let _ = sender.send(());
            } else {
                i += 1;
            }
        }
    }
}

/// What the worker should do next.
pub(crate) enum Due {
    /// Send a batch now.
    Now,
    /// Wait for a wake-up, or until this instant.
    Wait(Option<Instant>),
    /// Closed and drained: finish.
    Exit,
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
    pub(crate) tokens: Mutex<CacheTokens>,
    warned_drop: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves counters that still add up (every update is
        // a few plain assignments), so keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn enqueue(&self, hit: PreparedHit) -> Result<(), TrackError> {
        if !self.client.is_enabled() {
            self.lock().counters.disabled += 1;
            return Ok(());
        }
        let body = hit.to_body();
        let mut state = self.lock();
        if state.closed {
            return Err(TrackError::Closed);
        }
        let capacity = self.settings.capacity;
        if state.pending() >= capacity as u64 {
            state.counters.dropped += 1;
            drop(state);
            if !self.warned_drop.swap(true, Ordering::Relaxed) {
                tracing::warn!(
                    capacity,
                    "umami dispatcher queue full: dropping events (counted in stats().dropped; \
                     this warning is shown once)"
                );
            }
            return match self.settings.overflow {
                OverflowPolicy::Reject => Err(TrackError::QueueFull { capacity }),
                OverflowPolicy::DropNewest => Ok(()),
            };
        }
        let seq = state.next_seq;
        state.next_seq += 1;
        state.counters.tracked += 1;
        state.queue.push_back(Item {
            seq,
            hit,
            body,
            enqueued: Instant::now(),
        });
        let queued = state.queue.len();
        drop(state);
        if queued == 1 || queued >= self.settings.max_batch_size {
            self.wake.notify_one();
        }
        Ok(())
    }

    pub(crate) fn close(&self) {
        self.lock().closed = true;
        self.wake.notify_one();
    }

    pub(crate) fn due(&self, now: Instant) -> Due {
        let state = self.lock();
        match state.queue.front() {
            None if state.closed => Due::Exit,
            None => Due::Wait(None),
            Some(front) => {
                // `None`: an interval too long to be represented, i.e. never.
                let deadline = front.enqueued.checked_add(self.settings.flush_interval);
                if state.closed
                    || state.queue.len() >= self.settings.max_batch_size
                    || front.seq < state.flush_upto
                    || deadline.is_some_and(|d| d <= now)
                {
                    Due::Now
                } else {
                    Due::Wait(deadline)
                }
            }
        }
    }

    /// Moves the next batch from the queue to in flight.
    pub(crate) fn take_batch(&self) -> Option<(u64, Vec<Item>)> {
        let mut state = self.lock();
        let n = batch::take_len(
            state.queue.iter().map(|i| i.body.len()),
            self.settings.max_batch_size,
            self.batch_bytes.load(Ordering::Relaxed),
        );
        if n == 0 {
            return None;
        }
        let items: Vec<Item> = state.queue.drain(..n).collect();
        let id = state.next_batch;
        state.next_batch += 1;
        let min_seq = items[0].seq;
        state.batches.insert(
            id,
            InFlight {
                min_seq,
                remaining: n as u64,
            },
        );
        state.oldest.insert((min_seq, id));
        state.in_flight += n as u64;
        Some((id, items))
    }

    /// Records the fate of `sent + failures` events of batch `batch`.
    pub(crate) fn settle(&self, batch: u64, sent: u64, failures: Vec<(FailReason, u64, String)>) {
        let mut state = self.lock();
        if state.finished {
            // Shutdown already counted these as abandoned.
            return;
        }
        state.counters.sent += sent;
        let mut settled = sent;
        for (reason, events, message) in failures {
            settled += events;
            state.counters.fail(reason, events, message);
        }
        state.in_flight -= settled;
        if let Some(entry) = state.batches.get_mut(&batch) {
            entry.remaining -= settled;
            if entry.remaining == 0 {
                let min_seq = entry.min_seq;
                state.batches.remove(&batch);
                state.oldest.remove(&(min_seq, batch));
            }
        }
        state.wake_waiters();
        let idle = state.closed && state.pending() == 0;
        drop(state);
        if idle {
            self.wake.notify_one();
        }
    }

    /// Lowers the batch byte limit to at most `bytes` (at least 1); returns the new limit.
    pub(crate) fn lower_batch_bytes(&self, bytes: usize) -> usize {
        let bytes = bytes.max(1);
        let before = self.batch_bytes.fetch_min(bytes, Ordering::Relaxed);
        before.min(bytes)
    }

    pub(crate) fn note_request(&self) {
        self.lock().counters.requests += 1;
    }

    pub(crate) fn note_retry(&self, events: u64, may_duplicate: bool) {
        let mut state = self.lock();
        state.counters.retried += events;
        if may_duplicate {
            state.counters.possible_duplicates += events;
        }
    }

    pub(crate) fn cache_token(&self, visitor: &str) -> Option<String> {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(visitor)
    }

    pub(crate) fn store_cache_token(&self, visitor: &str, token: &str) {
        self.tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .put(visitor, token);
    }

    /// After the worker stopped: counts whatever is left as abandoned, freezes the counters.
    /// `when` completes "events not delivered ...".
    pub(crate) fn finish(&self, when: &str) -> DispatcherStats {
        let mut state = self.lock();
        if !state.finished {
            let left = state.pending();
            if left > 0 {
                tracing::warn!(
                    events = left,
                    "umami dispatcher stopped with events not delivered {when} (counted as \
                     abandoned)"
                );
            }
            state.counters.fail(
                FailReason::Abandoned,
                left,
                format!("{left} events not delivered {when}"),
            );
            state.queue.clear();
            state.batches.clear();
            state.oldest.clear();
            state.in_flight = 0;
            state.closed = true;
            state.finished = true;
            state.wake_waiters();
        }
        drop(state);
        self.snapshot()
    }

    fn snapshot(&self) -> DispatcherStats {
        let state = self.lock();
        let c = &state.counters;
        DispatcherStats {
            tracked: c.tracked,
            queued: state.queue.len() as u64,
            in_flight: state.in_flight,
            sent: c.sent,
            failed: c.failed,
            dropped: c.dropped,
            disabled: c.disabled,
            retried: c.retried,
            possible_duplicates: c.possible_duplicates,
            requests: c.requests,
            batch_endpoint: self.batch_endpoint.load(Ordering::Relaxed),
            recent_failures: c.recent_failures.iter().cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send_sync<T: Send + Sync + Clone + 'static>() {}
    fn send<T: Send>(_: &T) {}

    #[test]
    fn handles_are_send_sync_and_clone() {
        send_sync::<Dispatcher>();
        send_sync::<Visitor>();
    }

    /// The futures can be spawned on a multi-threaded runtime (checked at compile time; the
    /// futures are dropped unpolled).
    #[test]
    fn futures_are_send() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _guard = runtime.enter();
        let client = Client::builder()
            .url_base("http://127.0.0.1:9")
            .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
            .hostname("example.com")
            .build()
            .unwrap();
        let dispatcher = Dispatcher::builder(client.clone()).build().unwrap();
        send(&dispatcher.flush());
        send(&dispatcher.shutdown(Duration::ZERO));
        send(&dispatcher.close());
        let visitor = client.visitor("v");
        send(&visitor.send(visitor.new_event("Signup")));
        send(&worker::run(dispatcher.handle.shared.clone()));
    }
}
