//! The durable on-disk spool of the [`Dispatcher`](super::Dispatcher): opt-in with
//! [`DispatcherBuilder::spool`](super::DispatcherBuilder::spool).
//!
//! With a spool, [`track`](super::Dispatcher::track) writes each event to an append-only log
//! in the spool directory before it answers `Ok`; the event leaves the log only once Umami
//! acknowledged it (per item for batches) or it failed for good (reported with its reason,
//! as without a spool). A dispatcher opened on a spool with pending events sends them first,
//! with their creation time as the payload `timestamp` when the hit had none.
//!
//! ```no_run
//! # async fn demo(client: umami::Client) -> Result<(), umami::dispatch::BuildError> {
//! use std::time::Duration;
//! use umami::dispatch::spool::{Durability, SpoolConfig};
//!
//! let dispatcher = umami::Dispatcher::builder(client)
//!     .spool(
//!         SpoolConfig::new("/var/lib/my-service/umami-spool")
//!             .durability(Durability::Sync)
//!             .max_bytes(256 * 1024 * 1024)
//!             .max_age(Duration::from_secs(7 * 24 * 3600)),
//!     )
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! # What `track` returning `Ok` promises
//! | [`Durability`] | `track` returns `Ok` once the event is | survives |
//! |---|---|---|
//! | [`Os`](Durability::Os) (default) | written to the OS (`write(2)`, page cache) | a crash or kill of the process |
//! | [`Sync`](Durability::Sync) | written to the OS, as above; a background thread syncs it to disk (`fdatasync`) within [`sync_interval`](SpoolConfig::sync_interval), one sync per group of events | a process crash at once; power loss once synced: await [`Dispatcher::track_durable`](super::Dispatcher::track_durable) or [`Dispatcher::sync_spool`](super::Dispatcher::sync_spool) to know |
//!
//! `track` itself never waits for a disk sync, so it never blocks a runtime thread on one;
//! the sync runs on the spool's own thread, and the async `track_durable` / `sync_spool`
//! wait for it without blocking.
//!
//! # Memory and disk
//! [`capacity`](super::DispatcherBuilder::capacity) bounds the events held in memory (queued or
//! in flight); more events wait on disk only, read back in order as the queue empties, so
//! memory does not grow with the spool. [`max_bytes`](SpoolConfig::max_bytes) bounds the
//! spool's files; at the bound the [`OverflowPolicy`](super::OverflowPolicy) applies as for a
//! full queue (counted in `dropped`). A log segment's file is deleted once every event in it
//! is settled.
//!
//! # Damage and duplicates
//! Every record carries a CRC-32. A torn write at the tail (a crash mid-append) or a corrupt
//! record is skipped and counted ([`SpoolStats::corrupt_skipped`]); opening never panics or
//! hangs on a damaged spool. After a crash, events whose request may have reached Umami (one
//! under way at the crash, or one that timed out, lost its connection or got a 500, 502 or
//! 504) may have been stored already; they are sent again and counted in
//! [`DispatcherStats::possible_duplicates`](super::DispatcherStats::possible_duplicates).
//! Requests that never connected, or that the server answered without storing (429, 503,
//! ...), do not count.
//! A second dispatcher on the same directory gets [`SpoolError::Locked`].

mod api;
#[cfg(test)]
mod chaos;
mod core;
mod format;
mod lock;
mod log;
pub(crate) mod queueing;
mod ranges;
mod reader;
#[cfg(test)]
mod stress;
mod thread;

pub use super::error::SpoolError;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) use queueing::Spool;

/// How far an event is on its way to the disk when [`track`](super::Dispatcher::track) returns
/// `Ok`: see the [module docs](self#what-track-returning-ok-promises).
///
/// ```
/// use umami::dispatch::spool::{Durability, SpoolConfig};
/// let config = SpoolConfig::new("spool").durability(Durability::Sync);
/// # let _ = config;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Durability {
    /// Written to the OS before `track` returns: survives a crash of the process, not a
    /// power loss. The default.
    #[default]
    Os,
    /// As `Os`, and synced to disk by group commit on the spool's thread (one `fdatasync` per
    /// group, at most [`sync_interval`](SpoolConfig::sync_interval) apart): survives power
    /// loss once synced.
    Sync,
}

/// Where and how the dispatcher spools events: see the [module docs](self).
///
/// ```
/// use std::time::Duration;
/// use umami::dispatch::spool::SpoolConfig;
///
/// let config = SpoolConfig::new("/var/lib/app/umami-spool")
///     .max_bytes(64 * 1024 * 1024)
///     .max_age(Duration::from_secs(24 * 3600));
/// assert_eq!(config.dir().to_str(), Some("/var/lib/app/umami-spool"));
/// ```
#[derive(Debug, Clone)]
#[must_use = "a spool config does nothing until passed to `DispatcherBuilder::spool`"]
pub struct SpoolConfig {
    pub(crate) dir: PathBuf,
    pub(crate) durability: Durability,
    pub(crate) max_bytes: u64,
    pub(crate) max_age: Option<Duration>,
    pub(crate) segment_bytes: u64,
    pub(crate) sync_interval: Duration,
}

impl SpoolConfig {
    /// A spool in `dir` (created if missing), with [`Durability::Os`], at most 1 GiB, no age
    /// limit.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        SpoolConfig {
            dir: dir.into(),
            durability: Durability::Os,
            max_bytes: 1024 * 1024 * 1024,
            max_age: None,
            segment_bytes: 8 * 1024 * 1024,
            sync_interval: Duration::from_millis(5),
        }
    }

    /// The spool directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// See [`Durability`]; default [`Durability::Os`].
    pub fn durability(mut self, durability: Durability) -> Self {
        self.durability = durability;
        self
    }

    /// The most bytes the spool's files may take; default 1 GiB, at least 64 KiB. At the bound
    /// the dispatcher's [`OverflowPolicy`](super::OverflowPolicy) applies.
    pub fn max_bytes(mut self, bytes: u64) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// Events older than this when read back after a restart are not sent but reported as
    /// failed ([`FailReason::Expired`](super::FailReason::Expired)); default: no limit.
    /// (Umami itself accepts old timestamps.)
    pub fn max_age(mut self, age: Duration) -> Self {
        self.max_age = Some(age);
        self
    }

    /// The size at which a log segment is closed and a new one started; default 8 MiB,
    /// 4 KiB to 1 GiB. Smaller segments free disk sooner, larger ones mean fewer files.
    pub fn segment_bytes(mut self, bytes: u64) -> Self {
        self.segment_bytes = bytes;
        self
    }

    /// [`Durability::Sync`]: the group commit's window, default 5 ms: at most one sync per
    /// window, covering every event written during it, so an event is on disk at most about
    /// one window plus one sync after `track` returned. Shorter windows make
    /// [`track_durable`](super::Dispatcher::track_durable) answer sooner; longer ones make
    /// fewer, larger syncs.
    pub fn sync_interval(mut self, interval: Duration) -> Self {
        self.sync_interval = interval;
        self
    }
}

/// The spool's figures in [`DispatcherStats::spool`](super::DispatcherStats::spool).
///
/// ```
/// # fn demo(dispatcher: &umami::Dispatcher) {
/// if let Some(spool) = dispatcher.stats().spool {
///     println!("{} events on disk, {} recovered", spool.pending, spool.recovered);
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpoolStats {
    /// Events in the spool not yet settled (in memory or on disk only).
    pub pending: u64,
    /// Of them, events held on disk only (not yet read back into the queue).
    pub on_disk_only: u64,
    /// The bytes of the spool's files.
    pub bytes: u64,
    /// Unsettled events found when the spool was opened (sent again).
    pub recovered: u64,
    /// Of the recovered, those a request may have stored already: one under way at the
    /// crash, or one whose failure leaves it open (timeout, connection lost mid-request,
    /// 500/502/504); not those whose every request was refused at connect or answered without
    /// storing. Counted in `possible_duplicates` as well.
    pub recovered_possible_duplicates: u64,
    /// Damaged stretches skipped: torn tails, records whose checksum failed.
    pub corrupt_skipped: u64,
    /// Group commits (disk syncs) made so far ([`Durability::Sync`]; 0 otherwise).
    pub syncs: u64,
}

impl fmt::Display for Durability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Durability::Os => "os",
            Durability::Sync => "sync",
        })
    }
}
