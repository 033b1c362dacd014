//! The dispatcher's side of the spool: admission (`track` writes the record, then queues the
//! event in memory or leaves it on disk only), marks for attempts and settlements, asking the
//! reader for events from disk, and the figures for `stats()`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::{Instant, SystemTime};

use crate::error::with_causes;
use crate::hit::WireHit;

use super::super::late::unix_ms;
use super::super::queue::{Admission, Item, Marked, State};
use super::super::shared::Shared;
use super::core::Core;
use super::format::AckKind;
use super::lock::DirLock;
use super::log::{AppendError, Log, Recovered};
use super::{Durability, SpoolConfig, SpoolError, SpoolStats, thread};

/// An open spool, owned by the dispatcher's [`Shared`].
#[derive(Debug)]
pub(crate) struct Spool {
    pub(crate) core: Arc<Core>,
    refill: Mutex<Option<mpsc::Sender<()>>>,
    pub(crate) recovered: Recovered,
    _lock: DirLock,
}

impl Drop for Spool {
    fn drop(&mut self) {
        // The group-commit thread syncs what is left and ends; the reader ends when its
        // channel closes. No I/O here.
        self.core.stop.store(true, Ordering::Relaxed);
        self.core.sync_wanted.notify_all();
    }
}

impl Spool {
    /// Locks and opens the directory (creating it), recovering what an earlier process left.
    pub(crate) fn open(config: SpoolConfig) -> Result<Spool, SpoolError> {
        std::fs::create_dir_all(&config.dir)
            .map_err(|e| SpoolError::io("creating the directory", &config.dir, e))?;
        let lock = DirLock::acquire(&config.dir)?;
        let (mut log, recovered) = Log::open(&config)?;
        log.track_dirty = config.durability == Durability::Sync;
        if recovered.events > 0 || recovered.corrupt > 0 {
            tracing::info!(
                events = recovered.events,
                possible_duplicates = recovered.possible_duplicates,
                corrupt_skipped = recovered.corrupt,
                dir = %config.dir.display(),
                "umami spool: recovered events of an earlier run"
            );
        }
        let (synced, _) = tokio::sync::watch::channel(0);
        Ok(Spool {
            core: Arc::new(Core {
                log: Mutex::new(log),
                config,
                sync_wanted: Condvar::new(),
                synced,
                stop: AtomicBool::new(false),
                syncs: AtomicU64::new(0),
                refilling: AtomicBool::new(false),
                #[cfg(test)]
                chaos: super::chaos::Chaos::default(),
            }),
            refill: Mutex::new(None),
            recovered,
            _lock: lock,
        })
    }

    /// Starts the spool's threads (the reader needs the dispatcher's state, hence `shared`).
    pub(crate) fn start(&self, shared: Weak<Shared>) -> Result<(), SpoolError> {
        let sender = thread::spawn_reader(self.core.clone(), shared)?;
        *self.refill.lock().unwrap_or_else(|e| e.into_inner()) = Some(sender);
        if self.core.config.durability == Durability::Sync {
            thread::spawn_syncer(self.core.clone())?;
        }
        Ok(())
    }

    /// Sets up the queue for the recovered events (all on disk only, read back in order).
    pub(crate) fn prime(&self, state: &mut State) {
        let log = self.core.lock();
        state.start_at(log.run_start);
        state.recover(self.recovered.events, self.recovered.first_seq);
        state.counters.possible_duplicates += self.recovered.possible_duplicates;
    }

    /// `track`'s path with a spool: under the log's and the queue's locks (so that the
    /// log's order is the queue's), write the record, then queue it in memory, or leave it
    /// on disk only when memory holds `capacity` events or older ones wait on disk.
    pub(crate) fn enqueue(&self, shared: &Shared, hit: WireHit) -> Admission {
        let created_ms = unix_ms(SystemTime::now());
        let mut log = self.core.lock();
        let mut state = shared.lock();
        if state.is_closed() {
            return Admission::Closed;
        }
        let seq = state.next_seq();
        let position = match log.append(
            seq,
            created_ms,
            (hit.has_user_agent, hit.user_agent_checked),
            hit.distinct_id.as_deref(),
            &hit.body,
        ) {
            Ok(position) => position,
            Err(AppendError::Full) => {
                state.counters.dropped += 1;
                return Admission::Full;
            }
            Err(AppendError::Io(error)) => return Admission::Spool(error),
        };
        let capacity = shared.settings.capacity as u64;
        let admission = if state.spilled() > 0 || state.in_memory() >= capacity {
            if log.read_cursor.is_none() {
                log.read_cursor = Some(position);
            }
            state.admit_spilled()
        } else {
            state.admit(
                hit,
                Instant::now(),
                created_ms,
                shared.settings.capacity,
                shared.settings.max_batch_size,
            )
        };
        // No wake-up per event: under load the group commit syncs back to back (a group is
        // what was written during the previous sync), idle it looks every `sync_interval`.
        admission
    }

    /// A request is about to carry these events: mark those not marked yet, so that a
    /// crash before their settlement counts them as possible duplicates on recovery.
    pub(crate) fn before_attempt(&self, items: &mut [Item]) {
        let seqs: Vec<u64> = items
            .iter_mut()
            .filter(|i| i.marked == Marked::No)
            .map(|i| {
                i.marked = Marked::Attempted;
                i.seq
            })
            .collect();
        if seqs.is_empty() {
            return;
        }
        if let Err(error) = self.core.lock().mark(AckKind::Attempted, seqs) {
            tracing::warn!(error = %with_causes(&error), "umami spool: could not mark a request");
        }
    }

    /// The attempt marked by [`before_attempt`](Self::before_attempt) failed and the events
    /// stay unsettled (to be retried). When it may have stored them, their mark stays for
    /// good; when it cannot have (no connection was made, or an answer that stores nothing)
    /// and no earlier attempt may have, the mark is taken back: a request that never reached
    /// the server is no possible duplicate after a crash.
    pub(crate) fn after_failed_attempt(&self, items: &mut [Item], may_have_been_stored: bool) {
        if may_have_been_stored {
            for item in items.iter_mut() {
                item.marked = Marked::MayBeStored;
            }
            return;
        }
        let seqs: Vec<u64> = items
            .iter_mut()
            .filter(|i| i.marked == Marked::Attempted)
            .map(|i| {
                i.marked = Marked::No;
                i.seq
            })
            .collect();
        if seqs.is_empty() {
            return;
        }
        if let Err(error) = self.core.lock().mark(AckKind::NotStored, seqs) {
            tracing::warn!(error = %with_causes(&error), "umami spool: could not take back the mark of a request");
        }
    }

    /// These events are delivered or failed for good: they leave the spool (`log` is
    /// [`Core::lock`]'s guard).
    pub(crate) fn settled(log: &mut Log, seqs: Vec<u64>) {
        if let Err(error) = log.mark(AckKind::Settled, seqs) {
            tracing::warn!(error = %with_causes(&error), "umami spool: could not record settled events (they may be sent again after a restart)");
        }
    }

    /// Asks the reader thread for more events from disk when memory runs low: nothing is
    /// queued in memory, or room for a batch has freed up and less than a batch is queued.
    pub(crate) fn maybe_refill(&self, state: &State, capacity: usize, batch: usize) {
        let spilled = state.spilled();
        if spilled == 0 {
            return;
        }
        let room = (capacity as u64).saturating_sub(state.in_memory());
        let queued = state.queued_in_memory();
        let step = (batch as u64).min(spilled).max(1);
        if room == 0 || (queued > 0 && (room < step || queued >= batch as u64)) {
            return;
        }
        if !self.core.refill_wanted() {
            return;
        }
        self.core.pause();
        let sender = self.refill.lock().unwrap_or_else(|e| e.into_inner());
        if sender.as_ref().is_none_or(|s| s.send(()).is_err()) {
            self.core.refill_started();
        }
    }

    /// Resolves once every event appended so far is synced to disk ([`Durability::Sync`]);
    /// at once otherwise.
    pub(crate) fn synced(&self) -> impl Future<Output = ()> + Send + 'static {
        let target = if self.core.config.durability == Durability::Sync {
            Some(self.core.lock().appended)
        } else {
            None
        };
        let mut receiver = self.core.synced.subscribe();
        async move {
            let Some(target) = target else { return };
            // An error means the spool closed: its last sync ran or nothing is left to wait for.
            let _ = receiver.wait_for(|&synced| synced >= target).await;
        }
    }

    /// The spool's figures; `on_disk_only` is filled in by the caller (from the queue's
    /// state, locked after the log: the lock order is log, then state).
    pub(crate) fn stats(&self) -> SpoolStats {
        let log = self.core.lock();
        SpoolStats {
            pending: log.pending,
            on_disk_only: 0,
            bytes: log.bytes(),
            recovered: self.recovered.events,
            recovered_possible_duplicates: self.recovered.possible_duplicates,
            corrupt_skipped: log.corrupt,
            syncs: self.core.syncs.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(seq: u64) -> Item {
        Item {
            seq,
            hit: WireHit {
                body: br#"{"type":"event","payload":{"website":"w"}}"#.to_vec().into(),
                website: "w".into(),
                distinct_id: None,
                has_user_agent: false,
                user_agent_checked: false,
            },
            enqueued: Instant::now(),
            tracked_ms: None,
            marked: Marked::No,
        }
    }

    /// The marks a crash leaves decide the possible duplicates counted on recovery: an
    /// attempt counts while under way and for good once it may have stored the events;
    /// one that cannot have stored them (no connection) is taken back.
    #[test]
    fn only_attempts_that_may_have_reached_the_server_count_after_a_crash() {
        let dir = std::env::temp_dir().join(format!("umami-marks-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        {
            let spool = Spool::open(SpoolConfig::new(&dir)).unwrap();
            for seq in 0..5 {
                let mut log = spool.core.lock();
                log.append(seq, 0, (false, false), None, b"{}").unwrap();
            }
            let mut items: Vec<Item> = (0..5).map(item).collect();
            // 0: refused, then refused again.
            spool.before_attempt(&mut items[0..1]);
            spool.after_failed_attempt(&mut items[0..1], false);
            spool.before_attempt(&mut items[0..1]);
            spool.after_failed_attempt(&mut items[0..1], false);
            // 1: timed out (may have been stored), then refused: still counts.
            spool.before_attempt(&mut items[1..2]);
            spool.after_failed_attempt(&mut items[1..2], true);
            spool.before_attempt(&mut items[1..2]);
            spool.after_failed_attempt(&mut items[1..2], false);
            assert_eq!(items[1].marked, Marked::MayBeStored);
            // 2: under way at the crash.
            spool.before_attempt(&mut items[2..3]);
            // 3: refused, then under way at the crash.
            spool.before_attempt(&mut items[3..4]);
            spool.after_failed_attempt(&mut items[3..4], false);
            spool.before_attempt(&mut items[3..4]);
            // 4: never attempted.
        }
        let spool = Spool::open(SpoolConfig::new(&dir)).unwrap();
        assert_eq!(spool.recovered.events, 5);
        assert_eq!(spool.recovered.possible_duplicates, 3, "seqs 1, 2 and 3");
        let log = spool.core.lock();
        let may: Vec<u64> = (0..5).filter(|&s| log.may_have_been_stored(s)).collect();
        assert_eq!(may, [1, 2, 3]);
        drop(log);
        drop(spool);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
