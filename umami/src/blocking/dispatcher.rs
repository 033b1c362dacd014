//! The background [`Dispatcher`] for code without an async runtime: the same queue, batches,
//! retries, spool and reports as [`crate::Dispatcher`], its worker on a small tokio runtime of
//! its own (one worker thread, `umami-dispatcher`), and blocking `flush` and `shutdown`.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::runtime::Runtime;

use crate::client::Client;
use crate::dispatch::{DispatcherStats, ShutdownReport, TrackError};
use crate::error::Error;
use crate::hit::{HitKind, IntoPreparedHit, PreparedHit};
use crate::typed::UmamiEvent;

/// Sends hits in the background, in batches, with retries, for programs without an async
/// runtime: built by [`DispatcherBuilder::build_blocking`](crate::dispatch::DispatcherBuilder::build_blocking).
///
/// The same dispatcher as [`crate::Dispatcher`] (same settings, queue, spool, counters and
/// [`ShutdownReport`]; see [`umami::dispatch`](crate::dispatch)), its worker on a tokio
/// runtime it owns, with one worker thread of its own. [`track`](Self::track) and
/// [`track_hit`](Self::track_hit) never wait for I/O; [`flush`](Self::flush),
/// [`shutdown`](Self::shutdown) and the [`guard`](Self::guard) block the calling thread
/// instead of being awaited.
///
/// ```no_run
/// use std::time::Duration;
///
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     let client = umami::Client::builder()
///         .url_base("https://umami.example.com")
///         .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
///         .hostname("example.com")
///         .build()?;
///     let dispatcher = umami::Dispatcher::builder(client.clone())
///         .spool(umami::dispatch::spool::SpoolConfig::new("/var/lib/my-tool/umami-spool"))
///         .build_blocking()?;
///     // Drains the queue when `main` returns, early returns and `?` included.
///     let _guard = dispatcher.guard(Duration::from_secs(5));
///
///     dispatcher.track_hit(client.new_event("Job-Finished"))?;
///     Ok(())
/// }
/// ```
///
/// Cheap to clone; clones share one queue, one worker and one runtime.
///
/// # Drop
/// Dropping the last clone (guards included) without [`shutdown`](Self::shutdown) shuts the
/// dispatcher down as [`close`](Self::close) does: it blocks for at most the builder's
/// [`shutdown_timeout`](crate::dispatch::DispatcherBuilder::shutdown_timeout) (default 10 s)
/// while the queue drains, says on stderr what was not delivered, then stops the runtime.
///
/// # Inside async code
/// Blocking an async runtime's thread stalls every task on it: use [`crate::Dispatcher`]
/// there ([`build`](crate::dispatch::DispatcherBuilder::build)). Called where a tokio runtime
/// is current anyway, the blocking calls wait on a helper thread (tokio forbids blocking on
/// a runtime's own thread), so they work, and never panic, but block the caller.
#[derive(Clone)]
pub struct Dispatcher {
    inner: crate::Dispatcher,
    owner: Arc<Owner>,
}

/// Owns the runtime; the last clone's drop shuts the dispatcher down, then the runtime.
struct Owner {
    runtime: Option<Runtime>,
    dispatcher: crate::Dispatcher,
    shut_down: AtomicBool,
}

impl fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::Dispatcher")
            .field(&self.inner)
            .finish()
    }
}

impl Owner {
    /// Runs `future` to completion on the runtime, from any thread (see the type's docs).
    fn block_on<F>(&self, future: F) -> F::Output
    where
        F: Future + Send,
        F::Output: Send,
    {
        let Some(runtime) = &self.runtime else {
            unreachable!("the runtime lives as long as the owner");
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return runtime.block_on(future);
        }
        std::thread::scope(|scope| {
            let waiter = std::thread::Builder::new()
                .name("umami-dispatcher-wait".to_owned())
                .spawn_scoped(scope, || runtime.block_on(future));
            waiter
                .expect("umami: could not start a thread to wait on the dispatcher")
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }

    fn shutdown(&self, timeout: Duration) -> ShutdownReport {
        self.shut_down.store(true, Ordering::Relaxed);
        self.block_on(self.dispatcher.shutdown(timeout))
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        if !self.shut_down.load(Ordering::Relaxed) {
            let report = self.block_on(self.dispatcher.close());
            if report.nothing_lost() {
                tracing::info!(%report, "umami blocking dispatcher dropped: shut down");
            } else {
                tracing::warn!(%report, "umami blocking dispatcher dropped: shut down");
                eprintln!("umami: {report}");
            }
        }
        if let Some(runtime) = self.runtime.take() {
            // Allowed anywhere (inside another runtime too), and does not wait for idle
            // connections.
            runtime.shutdown_background();
        }
    }
}

impl Dispatcher {
    /// Wraps a dispatcher whose worker runs on `runtime`.
    pub(crate) fn start(runtime: Runtime, dispatcher: crate::Dispatcher) -> Dispatcher {
        Dispatcher {
            inner: dispatcher.clone(),
            owner: Arc::new(Owner {
                runtime: Some(runtime),
                dispatcher,
                shut_down: AtomicBool::new(false),
            }),
        }
    }

    /// The client the dispatcher sends with.
    pub fn client(&self) -> &Client {
        self.inner.client()
    }

    /// The same dispatcher as an async [`crate::Dispatcher`] (for async code sharing it; its
    /// worker stays on this dispatcher's runtime).
    pub fn as_async(&self) -> &crate::Dispatcher {
        &self.inner
    }

    /// Queues a typed event; never waits for I/O. See [`crate::Dispatcher::track`].
    ///
    /// ```no_run
    /// # #[cfg(feature = "derive")]
    /// # fn demo(dispatcher: umami::blocking::Dispatcher) -> Result<(), umami::dispatch::TrackError> {
    /// #[derive(umami::UmamiEvent)]
    /// #[umami(name = "Export-Finished")]
    /// struct ExportFinished { rows: u64 }
    ///
    /// dispatcher.track(&ExportFinished { rows: 1200 })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`crate::Dispatcher::track`].
    pub fn track<E: UmamiEvent + ?Sized>(&self, event: &E) -> Result<(), TrackError> {
        self.inner.track(event)
    }

    /// Queues a hit (a builder of this client or of a [`blocking::Client`](super::Client),
    /// or a [`PreparedHit`]); never waits for I/O. See [`crate::Dispatcher::track_hit`].
    ///
    /// ```no_run
    /// # fn demo(dispatcher: umami::blocking::Dispatcher) -> Result<(), umami::dispatch::TrackError> {
    /// let client = dispatcher.client().clone();
    /// dispatcher.track_hit(client.new_event("Job-Started"))?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`crate::Dispatcher::track_hit`].
    pub fn track_hit(&self, hit: impl IntoPreparedHit) -> Result<(), TrackError> {
        self.inner.track_hit(hit)
    }

    /// [`track`](Self::track), then blocks until the event is synced to disk by the spool's
    /// group commit; see [`crate::Dispatcher::track_durable`].
    ///
    /// # Errors
    /// As [`track`](Self::track).
    pub fn track_durable<E: UmamiEvent + ?Sized>(&self, event: &E) -> Result<(), TrackError> {
        self.track(event)?;
        self.sync_spool();
        Ok(())
    }

    /// [`track_hit`](Self::track_hit), then blocks until the event is synced to disk; see
    /// [`crate::Dispatcher::track_hit_durable`].
    ///
    /// ```no_run
    /// # fn demo(dispatcher: umami::blocking::Dispatcher) -> Result<(), umami::dispatch::TrackError> {
    /// let client = dispatcher.client().clone();
    /// dispatcher.track_hit_durable(client.new_event("Payment"))?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`track_hit`](Self::track_hit).
    pub fn track_hit_durable(&self, hit: impl IntoPreparedHit) -> Result<(), TrackError> {
        self.track_hit(hit)?;
        self.sync_spool();
        Ok(())
    }

    /// Blocks until every event the spool accepted before this call is synced to disk; see
    /// [`crate::Dispatcher::sync_spool`].
    pub fn sync_spool(&self) {
        self.owner.block_on(self.inner.sync_spool());
    }

    /// Blocks until every event tracked before this call is delivered or has failed; see
    /// [`crate::Dispatcher::flush`].
    ///
    /// ```no_run
    /// # fn demo(dispatcher: umami::blocking::Dispatcher) {
    /// dispatcher.flush();
    /// println!("{} sent so far", dispatcher.stats().sent);
    /// # }
    /// ```
    pub fn flush(&self) {
        self.owner.block_on(self.inner.flush());
    }

    /// [`flush`](Self::flush), blocking at most `timeout`: `true` when every event tracked
    /// before the call was settled in time.
    pub fn flush_timeout(&self, timeout: Duration) -> bool {
        self.owner.block_on(self.inner.flush_timeout(timeout))
    }

    /// Stops accepting events, sends what is queued for at most `timeout` (blocking), and
    /// reports; see [`crate::Dispatcher::shutdown`]. Idempotent. The runtime stops when the
    /// last clone is dropped.
    ///
    /// ```no_run
    /// # fn demo(dispatcher: umami::blocking::Dispatcher) {
    /// let report = dispatcher.shutdown(std::time::Duration::from_secs(10));
    /// assert!(report.nothing_lost(), "{report}");
    /// # }
    /// ```
    pub fn shutdown(&self, timeout: Duration) -> ShutdownReport {
        self.owner.shutdown(timeout)
    }

    /// [`shutdown`](Self::shutdown) with the builder's
    /// [`shutdown_timeout`](crate::dispatch::DispatcherBuilder::shutdown_timeout).
    pub fn close(&self) -> ShutdownReport {
        self.shutdown(self.owner.dispatcher.shutdown_timeout())
    }

    /// A guard that shuts the dispatcher down (draining it for at most `timeout`, blocking)
    /// when it is dropped: hold it in `main`. The report is logged (`tracing`), and printed
    /// to stderr when events were not delivered.
    ///
    /// ```no_run
    /// # fn demo(dispatcher: umami::blocking::Dispatcher) {
    /// let _guard = dispatcher.guard(std::time::Duration::from_secs(5));
    /// # }
    /// ```
    pub fn guard(&self, timeout: Duration) -> ShutdownGuard {
        ShutdownGuard {
            dispatcher: self.clone(),
            timeout,
        }
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> DispatcherStats {
        self.inner.stats()
    }
}

/// Shuts a blocking [`Dispatcher`] down when dropped: see [`Dispatcher::guard`].
#[derive(Debug)]
#[must_use = "the guard shuts the dispatcher down when it is dropped: bind it to a variable"]
pub struct ShutdownGuard {
    dispatcher: Dispatcher,
    timeout: Duration,
}

impl ShutdownGuard {
    /// Shuts down now and returns the report; the guard then does nothing more.
    ///
    /// ```no_run
    /// # fn demo(dispatcher: umami::blocking::Dispatcher) {
    /// let guard = dispatcher.guard(std::time::Duration::from_secs(5));
    /// let report = guard.shutdown();
    /// # let _ = report;
    /// # }
    /// ```
    pub fn shutdown(self) -> ShutdownReport {
        self.dispatcher.shutdown(self.timeout)
    }
}

impl Drop for ShutdownGuard {
    fn drop(&mut self) {
        if self.dispatcher.owner.shut_down.load(Ordering::Relaxed) {
            return;
        }
        let report = self.dispatcher.shutdown(self.timeout);
        if report.nothing_lost() {
            tracing::info!(%report, "umami dispatcher shut down by its guard");
        } else {
            tracing::warn!(%report, "umami dispatcher shut down by its guard");
            eprintln!("umami: {report}");
        }
    }
}

/// A blocking client's hit builders go to a dispatcher as the async ones do.
impl<K: HitKind> IntoPreparedHit for super::HitBuilder<K> {
    fn into_prepared_hit(self) -> Result<PreparedHit, Error> {
        self.inner.into_prepared_hit()
    }
}
