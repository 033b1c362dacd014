//! The dispatcher's side of the spool: admission (`track` writes the record, then queues the
//! event in memory or leaves it on disk only), marks for attempts and settlements, reading
//! events back into the queue, and the figures for `stats()`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant, SystemTime};

use crate::error::with_causes;
use crate::hit::WireHit;

use super::super::late::{unix_ms, with_timestamp};
use super::super::queue::{Admission, Item, Marked, State};
use super::super::shared::Shared;
use super::super::stats::FailReason;
use super::format::{AckKind, EventRecord};
use super::lock::DirLock;
use super::log::{AppendError, Log, Recovered, read_events};
use super::{Durability, SpoolConfig, SpoolError, SpoolStats, thread};

/// The most records read back from disk in one go.
const READ_CHUNK: u64 = 4096;

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
    refilling: AtomicBool,
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
}

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
        if self.core.refilling.swap(true, Ordering::AcqRel) {
            return;
        }
        self.core.pause();
        let sender = self.refill.lock().unwrap_or_else(|e| e.into_inner());
        if sender.as_ref().is_none_or(|s| s.send(()).is_err()) {
            self.core.refilling.store(false, Ordering::Release);
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

/// The reader thread's work: moves events from disk into the queue until memory holds
/// `capacity` or nothing waits on disk, then wakes the worker, whatever it found: loaded
/// events to send, or expired and unreadable ones settled (which may let a closed
/// dispatcher finish). A panic while reading fails the events on disk as damaged instead
/// of leaving them counted with nobody to read them.
pub(crate) fn refill(core: &Core, shared: &Shared) {
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_back(core, shared)));
    if read.is_err() {
        tracing::error!("umami spool: the reader panicked");
        lose(&mut core.lock(), shared, "the spool's reader panicked");
    }
    core.pause();
    shared.wake.notify_one();
}

/// [`refill`]'s loop, one chunk at a time.
fn read_back(core: &Core, shared: &Shared) {
    let capacity = shared.settings.capacity as u64;
    let interval = shared.settings.flush_interval;
    loop {
        let (want, key, offset, limit, path, active, run_start) = {
            let mut log = core.lock();
            let state = shared.lock();
            let want = state
                .spilled()
                .min(capacity.saturating_sub(state.in_memory()))
                .min(READ_CHUNK);
            if want == 0 {
                return;
            }
            let Some((key, offset)) = log.read_cursor else {
                // Nothing to read although events are counted on disk: cannot happen, but
                // must not spin.
                drop(state);
                lose(
                    &mut log,
                    shared,
                    "the spool lost track of its read position",
                );
                return;
            };
            (
                want,
                key,
                offset,
                log.segment_len(key),
                log.segment_path(key),
                log.is_active(key),
                log.run_start,
            )
        };
        core.pause();
        let read = read_events(
            &path,
            offset,
            limit,
            usize::try_from(want).unwrap_or(4096),
            |_| true,
        );
        let (records, damage, end) = match read {
            Ok(read) => read,
            Err(error) => {
                tracing::warn!(error = %with_causes(&error), "umami spool: cannot read events back");
                let mut log = core.lock();
                lose(&mut log, shared, &with_causes(&error));
                return;
            }
        };
        core.pause();
        let now_ms = unix_ms(SystemTime::now());
        let max_age_ms = core
            .config
            .max_age
            .map(|age| u64::try_from(age.as_millis()).unwrap_or(u64::MAX));
        let mut log = core.lock();
        if key >= run_start {
            // Damage in segments of earlier runs was counted when the spool was opened.
            log.corrupt += damage;
        }
        let mut items = Vec::with_capacity(records.len());
        let mut expired = Vec::new();
        let enqueued = Instant::now()
            .checked_sub(interval)
            .unwrap_or_else(Instant::now);
        for record in records {
            if !log.wanted(record.seq) {
                continue;
            }
            if max_age_ms.is_some_and(|max| now_ms.saturating_sub(record.created_ms) > max) {
                expired.push(record.seq);
                continue;
            }
            let marked = if log.may_have_been_stored(record.seq) {
                Marked::MayBeStored
            } else {
                Marked::No
            };
            items.push(to_item(record, run_start, enqueued, marked));
        }
        // Where the reader goes on: the next segment once this one is read to its end.
        let next = if end >= limit && !active {
            log.next_segment(key).map(|next| (next, 0))
        } else {
            Some((key, end))
        };
        let progressed = end > offset || next != Some((key, offset));
        let mut state = shared.lock();
        let loaded = items.len();
        state.load(items);
        if !expired.is_empty() {
            let n = expired.len() as u64;
            let message = format!(
                "{n} events older than the spool's max_age ({:?}) were not sent",
                core.config.max_age.unwrap_or(Duration::ZERO)
            );
            tracing::warn!(events = n, "umami spool: expired events not sent");
            state.fail_spilled(FailReason::Expired, n, message);
        }
        let still = state.spilled();
        drop(state);
        log.read_cursor = if still > 0 { next } else { None };
        if next != Some((key, end)) {
            log.passed(key);
        }
        if !expired.is_empty() {
            if let Err(error) = log.mark(AckKind::Settled, expired) {
                tracing::warn!(error = %with_causes(&error), "umami spool: could not record expired events");
            }
        }
        if still > 0 && (!progressed || log.read_cursor.is_none()) {
            lose(&mut log, shared, "damaged after the spool was opened");
            return;
        }
        drop(log);
        core.pause();
        if loaded > 0 {
            // The worker may start on this chunk while the next one is read.
            shared.wake.notify_one();
        }
    }
}

/// Events counted on disk that cannot be read back: failed as damaged, never a hang.
fn lose(log: &mut Log, shared: &Shared, why: &str) {
    let mut state = shared.lock();
    let n = state.spilled();
    if n == 0 {
        return;
    }
    log.corrupt += 1;
    log.read_cursor = None;
    tracing::warn!(
        events = n,
        why,
        "umami spool: events on disk could not be read back"
    );
    state.fail_spilled(
        FailReason::Damaged,
        n,
        format!("{n} events could not be read back from the spool: {why}"),
    );
}

fn to_item(record: EventRecord, run_start: u64, enqueued: Instant, marked: Marked) -> Item {
    // An earlier process's event is late whatever happens next: it carries its time now.
    // This run's events get it only if they go out late (`late::stamp_late`).
    let (body, tracked_ms) = if record.seq < run_start {
        (with_timestamp(record.body, record.created_ms), None)
    } else {
        (record.body, Some(record.created_ms))
    };
    Item {
        seq: record.seq,
        hit: WireHit {
            website: website_of(&body),
            body,
            distinct_id: record.distinct_id,
            has_user_agent: record.has_user_agent,
            user_agent_checked: record.user_agent_checked,
        },
        enqueued,
        tracked_ms,
        marked,
    }
}

/// The website id of a hit's wire bytes: the crate writes `"website":"<uuid>"` as the
/// payload's first key, so a scan finds it; a record without one gets an empty id (it then
/// never matches a website the server said it does not know).
fn website_of(body: &[u8]) -> std::sync::Arc<str> {
    const KEY: &[u8] = b"\"website\":\"";
    body.windows(KEY.len())
        .position(|w| w == KEY)
        .and_then(|at| {
            let rest = &body[at + KEY.len()..];
            let end = rest.iter().position(|&b| b == b'"')?;
            std::str::from_utf8(&rest[..end]).ok()
        })
        .unwrap_or_default()
        .into()
}

/// Called by the reader thread before a refill: requests made from now on send a message
/// again, so none is lost while it works.
pub(crate) fn refill_started(core: &Core) {
    core.refilling.store(false, Ordering::Release);
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
