//! The [`Dispatcher`] handle: `track`, `flush`, `shutdown`, `stats`.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

use crate::client::Client;
use crate::hit::IntoPreparedHit;
#[cfg(feature = "tower")]
use crate::hit::payload::Envelope;
use crate::typed::UmamiEvent;

use super::bots::BotPolicy;
use super::error::TrackError;
use super::queue::Admission;
use super::settings::OverflowPolicy;
use super::shared::Shared;
use super::stats::{DispatcherStats, ShutdownReport};

/// Completes "events not delivered ..." in the report of a shutdown that timed out.
const TIMED_OUT: &str = "before the shutdown timeout";

/// Sends hits in the background, in batches, with retries: see the [module docs](super).
///
/// Cheap to clone (an `Arc` inside); clones share one queue and one worker.
///
/// # Threads and runtimes
/// [`track`](Self::track) and [`track_hit`](Self::track_hit) need no runtime: they may be
/// called from any thread, tokio's or not (they take a short lock and wake the worker). The
/// worker runs on the runtime that was current at [`build`](super::DispatcherBuilder::build).
/// A program without an async runtime builds its dispatcher with
/// [`build_blocking`](super::DispatcherBuilder::build_blocking) instead (feature
/// `blocking`): the worker then runs on a runtime of its own, and `flush` and `shutdown`
/// block. If the worker's runtime shuts down first, the
/// worker stops: events not sent by then are counted as [`FailReason::Abandoned`](super::FailReason::Abandoned), `track`
/// answers [`TrackError::Closed`], and [`flush`](Self::flush) and
/// [`shutdown`](Self::shutdown) return at once.
///
/// # Drop
/// Dropping the last clone without calling [`shutdown`](Self::shutdown) closes the queue
/// (no blocking, no I/O in `drop`, so it is safe outside a runtime too); the worker keeps
/// sending what was queued in the background for as long as its runtime runs. Nobody is left
/// to read the report then, so call `shutdown` (or [`close`](Self::close)) before exiting to
/// drain the queue and learn what was delivered. A dispatcher dropped with events still
/// queued says so on stderr and as a `tracing` warning. In `main`, a
/// [`guard`](Self::guard) does the shutdown when it goes out of scope.
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
        let shut_down = self
            .control
            .try_lock()
            .map(|control| control.report.is_some())
            .unwrap_or(false);
        let pending = self.shared.pending();
        self.shared.close();
        if !shut_down && pending > 0 {
            // Said loudly, with or without a tracing subscriber: these events are lost if the
            // process exits now.
            let message = format!(
                "umami: a Dispatcher was dropped with {pending} events not yet delivered and \
                 without shutdown(); they are sent only while its tokio runtime keeps running. \
                 Call `dispatcher.shutdown(timeout).await` (or hold `dispatcher.guard(timeout)` \
                 in main) before exiting."
            );
            tracing::warn!(events = pending, "{message}");
            eprintln!("{message}");
        }
    }
}

impl Dispatcher {
    pub(crate) fn start(shared: Arc<Shared>, worker: JoinHandle<()>) -> Self {
        Dispatcher {
            handle: Arc::new(Handle {
                shared,
                control: tokio::sync::Mutex::new(Control {
                    worker: Some(worker),
                    report: None,
                }),
            }),
        }
    }

    /// The builder's [`shutdown_timeout`](super::DispatcherBuilder::shutdown_timeout).
    pub(crate) fn shutdown_timeout(&self) -> Duration {
        self.handle.shared.settings.shutdown_timeout
    }

    /// The client the dispatcher sends with.
    pub fn client(&self) -> &Client {
        &self.handle.shared.client
    }

    /// Validates a typed event (see [`UmamiEvent`]) and queues it for sending; never waits for
    /// I/O. The same as [`track_hit`](Self::track_hit)`(event.new_event(client))`.
    ///
    /// ```no_run
    /// # #[cfg(feature = "derive")]
    /// # fn demo(dispatcher: umami::Dispatcher) -> Result<(), umami::dispatch::TrackError> {
    /// #[derive(umami::UmamiEvent)]
    /// #[umami(name = "Purchase-Course", url = "/checkout")]
    /// struct PurchaseCourse { plan: String }
    ///
    /// dispatcher.track(&PurchaseCourse { plan: "pro".into() })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`track_hit`](Self::track_hit).
    pub fn track<E: UmamiEvent + ?Sized>(&self, event: &E) -> Result<(), TrackError> {
        self.track_hit(event.new_event(&self.handle.shared.client))
    }

    /// Validates a hit (a builder such as `client.new_event(..)`, or a
    /// [`PreparedHit`](crate::hit::PreparedHit)) and queues it for sending; never waits for I/O.
    ///
    /// When the client is disabled the hit is validated, counted in
    /// [`DispatcherStats::disabled`](super::DispatcherStats::disabled) and not queued.
    ///
    /// ```no_run
    /// # fn demo(dispatcher: umami::Dispatcher) -> Result<(), umami::dispatch::TrackError> {
    /// let client = dispatcher.client().clone();
    /// dispatcher.track_hit(client.new_page_view("Pricing", "/pricing"))?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// [`TrackError::Invalid`] for bad input (nothing queued); [`TrackError::QueueFull`] when
    /// the queue is full and the policy is [`OverflowPolicy::Reject`](super::OverflowPolicy::Reject);
    /// [`TrackError::Closed`] after [`shutdown`](Self::shutdown) (or once the runtime running
    /// the worker has shut down).
    pub fn track_hit(&self, hit: impl IntoPreparedHit) -> Result<(), TrackError> {
        self.track_hit_with(hit, self.handle.shared.settings.bot_policy)
    }

    /// [`track_hit`](Self::track_hit) under `policy` (the dispatcher's, or a web visitor
    /// handle's).
    pub(crate) fn track_hit_with(
        &self,
        hit: impl IntoPreparedHit,
        policy: BotPolicy,
    ) -> Result<(), TrackError> {
        let shared = &self.handle.shared;
        let hit = match hit.into_prepared_hit() {
            Ok(hit) => hit,
            Err(error) => {
                shared.note_refused_invalid();
                return Err(error.into());
            }
        };
        self.admitted(shared.enqueue(hit, policy))
    }

    /// The bot check as a function (none when off), for `umami::web`'s visitor contexts.
    #[cfg(feature = "tower")]
    pub(crate) fn is_bot_fn(&self) -> Option<fn(&str) -> bool> {
        self.handle.shared.settings.bot_check.function()
    }

    /// Queues a hit given in its wire form, made and checked by the constructor of every
    /// hit (`Envelope::new`), for `website` (the envelope's website id, shared): the web
    /// layer's page views, made from the request's visitor without a builder's owned copies.
    /// As [`track_hit`](Self::track_hit) otherwise; a hit the constructor refused goes to
    /// [`refuse_invalid`](Self::refuse_invalid). `bot`: this dispatcher's bot check's verdict
    /// on the envelope's User-Agent, when the caller has it.
    #[cfg(feature = "tower")]
    pub(crate) fn track_envelope(
        &self,
        envelope: &Envelope<'_>,
        website: Option<&Arc<str>>,
        bot: Option<bool>,
    ) -> Result<(), TrackError> {
        let owned;
        let website = match website {
            Some(website) => website,
            None => {
                owned = Arc::from(&*envelope.payload.website);
                &owned
            }
        };
        self.admitted(self.handle.shared.enqueue_envelope(envelope, website, bot))
    }

    /// Counts a hit refused as invalid before it was queued, as [`track_hit`](Self::track_hit) counts
    /// a builder's, and says why.
    #[cfg(feature = "tower")]
    pub(crate) fn refuse_invalid(&self, error: crate::Error) -> TrackError {
        self.handle.shared.note_refused_invalid();
        error.into()
    }

    /// What `track` answers for an admission.
    fn admitted(&self, admission: Admission) -> Result<(), TrackError> {
        let shared = &self.handle.shared;
        match admission {
            Admission::Queued { .. } => Ok(()),
            Admission::Closed => {
                shared.note_refused_closed();
                Err(TrackError::Closed)
            }
            Admission::Spool(error) => Err(TrackError::Spool(error)),
            Admission::Full => {
                let capacity = shared.settings.capacity;
                if shared.first_drop() {
                    tracing::warn!(
                        capacity,
                        "umami dispatcher queue full: dropping events (counted in \
                         stats().dropped; this warning is shown once)"
                    );
                }
                match shared.settings.overflow {
                    OverflowPolicy::Reject => Err(TrackError::QueueFull { capacity }),
                    OverflowPolicy::DropNewest => Ok(()),
                }
            }
        }
    }

    /// Waits until every event tracked before this call is delivered or has failed (sending
    /// queued events right away instead of waiting for the flush interval). Events tracked
    /// meanwhile are not waited for. See [`flush_timeout`](Self::flush_timeout) to bound the
    /// wait.
    pub async fn flush(&self) {
        if let Some(waiter) = self.handle.shared.flush_waiter() {
            // An error means the dispatcher finished (shutdown): nothing left to wait for.
            let _ = waiter.await;
        }
    }

    /// [`flush`](Self::flush), waiting at most `timeout`: `true` when every event tracked
    /// before the call was settled (delivered or failed) in time, `false` when the time ran
    /// out first (the events stay queued and keep being sent).
    ///
    /// ```no_run
    /// # async fn demo(dispatcher: umami::Dispatcher) {
    /// use std::time::Duration;
    /// if !dispatcher.flush_timeout(Duration::from_secs(2)).await {
    ///     eprintln!("umami: still sending after 2 s");
    /// }
    /// # }
    /// ```
    pub async fn flush_timeout(&self, timeout: Duration) -> bool {
        tokio::time::timeout(timeout, self.flush()).await.is_ok()
    }

    /// Stops accepting events, sends what is queued (with retries) for at most `timeout`, and
    /// reports. Events not settled by then are counted as
    /// [`FailReason::Abandoned`](super::FailReason::Abandoned); with a spool they stay in it
    /// instead, counted in [`DispatcherStats::kept_on_disk`](super::DispatcherStats::kept_on_disk), and the next
    /// dispatcher opened on it sends them. Idempotent: later calls return the first report
    /// at once.
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
    /// [`shutdown_timeout`](super::DispatcherBuilder::shutdown_timeout) (default 10 s).
    pub async fn close(&self) -> ShutdownReport {
        self.shutdown(self.shutdown_timeout()).await
    }

    /// A guard that shuts the dispatcher down (draining it for at most `timeout`) when it is
    /// dropped: hold it in `main` so that returning early, or by `?`, still delivers what
    /// was queued. The report is logged (`tracing`), and printed to stderr when events were
    /// not delivered.
    ///
    /// Dropping it blocks the current thread for at most `timeout`. That needs a
    /// multi-threaded tokio runtime (the default of `#[tokio::main]`); on a current-thread
    /// runtime, or outside a runtime, it cannot wait and warns instead. Call
    /// [`shutdown`](Self::shutdown) yourself where you can await; without an async runtime,
    /// use the blocking dispatcher's guard (`umami::blocking::Dispatcher::guard`, feature
    /// `blocking`).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// let dispatcher = umami::Dispatcher::builder(client.clone()).build()?;
    /// let _guard = dispatcher.guard(Duration::from_secs(5));
    /// dispatcher.track_hit(client.new_event("Job-Finished"))?;
    /// // ... `_guard` drains the queue here, within 5 s.
    /// # Ok(()) }
    /// ```
    pub fn guard(&self, timeout: Duration) -> ShutdownGuard {
        ShutdownGuard {
            dispatcher: self.clone(),
            timeout,
        }
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.handle.shared
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> DispatcherStats {
        self.handle.shared.snapshot()
    }
}

/// Shuts a [`Dispatcher`] down when dropped: see [`Dispatcher::guard`].
#[derive(Debug)]
#[must_use = "the guard shuts the dispatcher down when it is dropped: bind it to a variable"]
pub struct ShutdownGuard {
    dispatcher: Dispatcher,
    timeout: Duration,
}

impl ShutdownGuard {
    /// Shuts down now, awaiting it (no blocking); the guard then does nothing more.
    pub async fn shutdown(self) -> ShutdownReport {
        self.dispatcher.shutdown(self.timeout).await
    }
}

impl Drop for ShutdownGuard {
    fn drop(&mut self) {
        let can_block = tokio::runtime::Handle::try_current().is_ok_and(|runtime| {
            runtime.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread
        });
        if !can_block {
            let pending = self.dispatcher.stats();
            if pending.queued + pending.in_flight > 0 {
                let message = format!(
                    "umami: the dispatcher guard cannot wait here (no multi-threaded tokio \
                     runtime): {} events may not be delivered; await `shutdown()` instead",
                    pending.queued + pending.in_flight
                );
                tracing::warn!("{message}");
                eprintln!("{message}");
            }
            return;
        }
        let dispatcher = self.dispatcher.clone();
        let timeout = self.timeout;
        let report = tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(dispatcher.shutdown(timeout))
        });
        if report.nothing_lost() {
            // Delivered, or kept in the spool for the next start.
            tracing::info!(%report, "umami dispatcher shut down by its guard");
        } else {
            tracing::warn!(%report, "umami dispatcher shut down by its guard");
            eprintln!("umami: {report}");
        }
    }
}
