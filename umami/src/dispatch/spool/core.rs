//! What the spool's threads and the dispatcher's side of the spool share: the log under its
//! lock, the configuration, the group commit's signals, and the refill hand-off.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

use super::SpoolConfig;
use super::log::Log;

/// What the spool's threads and the dispatcher share.
#[derive(Debug)]
pub(crate) struct Core {
    pub(crate) log: Mutex<Log>,
    pub(crate) config: SpoolConfig,
    /// Wakes the group-commit thread.
    pub(crate) sync_wanted: Condvar,
    /// How many appends are synced to disk (compared with [`Log::appended`]).
    pub(crate) synced: tokio::sync::watch::Sender<u64>,
    pub(crate) stop: AtomicBool,
    pub(crate) syncs: AtomicU64,
    /// A refill was asked for and the reader has not started it yet.
    pub(crate) refilling: AtomicBool,
    /// Test-only random pauses at the refill hand-offs.
    #[cfg(test)]
    pub(crate) chaos: super::chaos::Chaos,
}

impl Core {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A point where another thread may run: a random pause in the crate's stress tests,
    /// nothing otherwise.
    #[inline]
    pub(crate) fn pause(&self) {
        #[cfg(test)]
        self.chaos.pause();
    }

    /// Notes that a refill is asked for: true when none was pending (the caller then sends
    /// the reader its message).
    pub(crate) fn refill_wanted(&self) -> bool {
        !self.refilling.swap(true, Ordering::AcqRel)
    }

    /// Called by the reader thread before a refill (or when no message could be sent):
    /// requests made from now on send a message again, so none is lost while it works.
    pub(crate) fn refill_started(&self) {
        self.refilling.store(false, Ordering::Release);
    }
}
