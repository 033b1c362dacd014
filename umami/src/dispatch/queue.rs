//! The queue's accounting, without locks, clocks or I/O: which events are queued, which are
//! in flight in which batch, which are settled, and who waits for a flush. Every event
//! tracked is counted exactly once as sent, failed (with a reason) or dropped.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use crate::hit::WireHit;

use super::batch;
use super::stats::{Counters, FailReason};

/// One accepted event: its wire form and when it was queued.
#[derive(Debug)]
pub(crate) struct Item {
    pub(crate) seq: u64,
    pub(crate) hit: WireHit,
    pub(crate) enqueued: Instant,
    /// When `track` accepted it (Unix milliseconds), while its body has no `timestamp`
    /// set by the dispatcher yet: set there if it goes out late (see `late.rs`); `None` once
    /// set.
    pub(crate) tracked_ms: Option<u64>,
    /// Spool: what its segment's ack file says about its requests.
    pub(crate) marked: Marked,
}

/// Spool: what the log says about an event's requests, from which a restart after a crash
/// counts the possible duplicates (unsettled events a request may have stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Marked {
    /// Nothing counts: no request yet, or none that may have stored it.
    #[default]
    No,
    /// Marked attempted: a request is under way; taken back (`NotStored`) if it turns out
    /// it cannot have stored the event.
    Attempted,
    /// A request may have stored it (a timeout, a lost connection, a 500): the mark stays
    /// whatever later attempts do.
    MayBeStored,
}

/// Events of one batch task that are not settled yet.
#[derive(Debug)]
struct InFlight {
    min_seq: u64,
    remaining: u64,
}

/// What [`State::admit`] did with an event.
#[derive(Debug)]
pub(crate) enum Admission {
    /// Queued; `wake` says the worker should look now (the first event, or the one that
    /// makes a full batch).
    Queued { wake: bool },
    /// The queue holds `capacity` events already: counted as dropped.
    Full,
    /// Closed: nothing is accepted any more.
    Closed,
    /// The spool could not write the event: nothing was accepted.
    Spool(super::spool::SpoolError),
}

/// For the tests' `assert_eq!`: a spool error equals nothing (`std::io::Error` has no
/// equality).
#[cfg(test)]
impl PartialEq for Admission {
    fn eq(&self, other: &Admission) -> bool {
        match (self, other) {
            (Admission::Queued { wake: a }, Admission::Queued { wake: b }) => a == b,
            (Admission::Full, Admission::Full) | (Admission::Closed, Admission::Closed) => true,
            _ => false,
        }
    }
}

/// What the worker should do next.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Due {
    /// Send a batch now.
    Now,
    /// Wait for a wake-up, or until this instant.
    Wait(Option<Instant>),
    /// Closed and drained: finish.
    Exit,
}

/// The queue and its counters.
#[derive(Debug, Default)]
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
    /// Spool: accepted events held on disk only (not in `queue`), all with higher seqs than
    /// the queued ones; the lowest of them is at least `spill_next`.
    spilled: u64,
    spill_next: u64,
    pub(crate) counters: Counters,
}

impl State {
    /// Events held: queued (in memory or, with a spool, on disk only) or in flight.
    pub(crate) fn pending(&self) -> u64 {
        self.queue.len() as u64 + self.in_flight + self.spilled
    }

    /// Events waiting for a request, in memory or on disk only.
    pub(crate) fn queued(&self) -> u64 {
        self.queue.len() as u64 + self.spilled
    }

    /// Spool: events held in memory (queued or in flight).
    pub(crate) fn in_memory(&self) -> u64 {
        self.queue.len() as u64 + self.in_flight
    }

    /// Spool: events queued in memory.
    pub(crate) fn queued_in_memory(&self) -> u64 {
        self.queue.len() as u64
    }

    /// Spool: events held on disk only.
    pub(crate) fn spilled(&self) -> u64 {
        self.spilled
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }

    /// After [`finish`](Self::finish): the counters are final.
    pub(crate) fn is_finished(&self) -> bool {
        self.finished
    }

    /// The seq the next admitted event gets (the spool writes it in its record).
    pub(crate) fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Spool: continue the numbering of the spool's earlier runs.
    pub(crate) fn start_at(&mut self, seq: u64) {
        self.next_seq = self.next_seq.max(seq);
        self.flush_upto = self.flush_upto.max(seq);
        self.spill_next = self.spill_next.max(seq);
    }

    /// Spool: `events` recovered from disk, the lowest with seq `first`: counted as tracked,
    /// held on disk only until read back.
    pub(crate) fn recover(&mut self, events: u64, first: u64) {
        if events == 0 {
            return;
        }
        self.counters.tracked += events;
        self.spilled += events;
        self.spill_next = first;
    }

    /// Spool: accepts an event that stays on disk only for now (takes the next seq).
    pub(crate) fn admit_spilled(&mut self) -> Admission {
        if self.closed {
            return Admission::Closed;
        }
        if self.spilled == 0 {
            self.spill_next = self.next_seq;
        }
        self.next_seq += 1;
        self.counters.tracked += 1;
        self.spilled += 1;
        Admission::Queued { wake: false }
    }

    /// Spool: events read back from disk, in seq order, join the queue.
    pub(crate) fn load(&mut self, items: Vec<Item>) {
        if self.finished {
            return;
        }
        let n = items.len() as u64;
        if let Some(last) = items.last() {
            self.spill_next = last.seq + 1;
        }
        self.spilled = self.spilled.saturating_sub(n);
        self.queue.extend(items);
    }

    /// Spool: `events` held on disk only fail for good (expired, unreadable).
    pub(crate) fn fail_spilled(&mut self, reason: FailReason, events: u64, message: String) {
        if self.finished {
            return;
        }
        let events = events.min(self.spilled);
        self.spilled -= events;
        self.counters.fail(reason, events, message);
        self.wake_waiters();
    }

    pub(crate) fn in_flight(&self) -> u64 {
        self.in_flight
    }

    /// The seq of the oldest event not yet delivered or failed.
    fn lowest_unsettled(&self) -> u64 {
        let queued = self.queue.front().map(|i| i.seq);
        let sending = self.oldest.first().map(|&(seq, _)| seq);
        let on_disk = (self.spilled > 0).then_some(self.spill_next);
        [queued, sending, on_disk]
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
        let finished = self.finished;
        self.waiters
            .retain_mut(|(seq, _)| *seq > lowest && !finished);
        // `retain_mut` dropped the senders of the settled waiters: their receivers wake
        // (with an error, which means the same: nothing left to wait for).
    }

    /// Takes `hit`, tracked at `now` (Unix milliseconds `tracked_ms`), into the queue, unless
    /// closed or at `capacity`.
    pub(crate) fn admit(
        &mut self,
        hit: WireHit,
        now: Instant,
        tracked_ms: u64,
        capacity: usize,
        max_batch_size: usize,
    ) -> Admission {
        if self.closed {
            return Admission::Closed;
        }
        if self.pending() >= capacity as u64 {
            self.counters.dropped += 1;
            return Admission::Full;
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.counters.tracked += 1;
        self.queue.push_back(Item {
            seq,
            hit,
            enqueued: now,
            tracked_ms: Some(tracked_ms),
            marked: Marked::No,
        });
        let queued = self.queue.len();
        // Only the two moments the worker may be waiting for: it sends a full batch at once and
        // looks again, and a worker waiting for a free request is woken by the answer. A wake-up
        // per event beyond a full batch costs every `track` a write to a shared cache line.
        Admission::Queued {
            wake: queued == 1 || queued == max_batch_size,
        }
    }

    /// Counts an event accepted at `track` but settled at once, never queued (the bot check
    /// found a bot's page view): tracked and failed, so that the counters still add up.
    pub(crate) fn filtered_before_queueing(&mut self, reason: FailReason, message: String) {
        self.counters.tracked += 1;
        self.counters.fail(reason, 1, message);
    }

    /// Stops intake.
    pub(crate) fn close(&mut self) {
        self.closed = true;
    }

    /// Whether the worker should send now, wait, or finish.
    pub(crate) fn due(&self, now: Instant, flush_interval: Duration, max_batch_size: usize) -> Due {
        match self.queue.front() {
            None if self.closed && self.spilled == 0 => Due::Exit,
            None => Due::Wait(None),
            Some(front) => {
                // `None`: an interval too long to be represented, i.e. never.
                let deadline = front.enqueued.checked_add(flush_interval);
                if self.closed
                    || self.queue.len() >= max_batch_size
                    || front.seq < self.flush_upto
                    || deadline.is_some_and(|d| d <= now)
                {
                    Due::Now
                } else {
                    Due::Wait(deadline)
                }
            }
        }
    }

    /// Moves the next batch (at most `max_items`, at most `max_bytes` of JSON array) from the
    /// queue to in flight, under a new batch id.
    pub(crate) fn take_batch(
        &mut self,
        max_items: usize,
        max_bytes: usize,
    ) -> Option<(u64, Vec<Item>)> {
        let n = batch::take_len(
            self.queue.iter().map(|i| i.hit.body.len()),
            max_items,
            max_bytes,
        );
        if n == 0 {
            return None;
        }
        let items: Vec<Item> = self.queue.drain(..n).collect();
        let id = self.next_batch;
        self.next_batch += 1;
        let min_seq = items[0].seq;
        self.batches.insert(
            id,
            InFlight {
                min_seq,
                remaining: n as u64,
            },
        );
        self.oldest.insert((min_seq, id));
        self.in_flight += n as u64;
        Some((id, items))
    }

    /// Records the fate of `sent + failures` events of batch `batch`; returns whether the
    /// dispatcher is now closed with nothing left (the worker may finish).
    pub(crate) fn settle(
        &mut self,
        batch: u64,
        sent: u64,
        failures: Vec<(FailReason, u64, String)>,
    ) -> bool {
        if self.finished {
            // Shutdown already counted these as abandoned.
            return false;
        }
        self.counters.sent += sent;
        let mut settled = sent;
        for (reason, events, message) in failures {
            settled += events;
            self.counters.fail(reason, events, message);
        }
        self.in_flight = self.in_flight.saturating_sub(settled);
        if let Some(entry) = self.batches.get_mut(&batch) {
            entry.remaining = entry.remaining.saturating_sub(settled);
            if entry.remaining == 0 {
                let min_seq = entry.min_seq;
                self.batches.remove(&batch);
                self.oldest.remove(&(min_seq, batch));
            }
        }
        self.wake_waiters();
        self.closed && self.pending() == 0
    }

    /// A waiter for every event tracked so far, and the flush mark that sends them without
    /// waiting for the flush interval; `None` when everything is settled already.
    pub(crate) fn flush_waiter(&mut self) -> Option<oneshot::Receiver<()>> {
        let target = self.next_seq;
        if self.lowest_unsettled() >= target || self.finished {
            return None;
        }
        self.flush_upto = self.flush_upto.max(target);
        let (sender, receiver) = oneshot::channel();
        self.waiters.push((target, sender));
        Some(receiver)
    }

    /// After the worker stopped: counts whatever is left as abandoned (`reason` completes
    /// "events not delivered ..."), or as kept on disk when `kept` (a spool holds them for
    /// the next run); freezes the counters, releases every waiter. Returns how many were
    /// left; 0 on any later call.
    pub(crate) fn finish(&mut self, reason: &str, kept: bool) -> u64 {
        if self.finished {
            return 0;
        }
        let left = self.pending();
        if kept {
            self.counters.kept_on_disk += left;
        } else {
            self.counters.fail(
                FailReason::Abandoned,
                left,
                format!("{left} events not delivered {reason}"),
            );
        }
        self.queue.clear();
        self.spilled = 0;
        self.batches.clear();
        self.oldest.clear();
        self.in_flight = 0;
        self.closed = true;
        self.finished = true;
        self.wake_waiters();
        left
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(size: usize) -> WireHit {
        WireHit {
            body: vec![b'x'; size].into_boxed_slice(),
            website: "978435e2-7ba1-4337-9860-ec31ece2db60".into(),
            distinct_id: None,
            has_user_agent: false,
            user_agent_checked: false,
        }
    }

    fn state_with(events: usize) -> State {
        let mut state = State::default();
        for _ in 0..events {
            state.admit(hit(10), Instant::now(), 0, 100, 50);
        }
        state
    }

    #[test]
    fn the_worker_is_woken_by_the_first_event_and_by_the_one_that_fills_a_batch() {
        let mut state = State::default();
        let now = Instant::now();
        let wakes: Vec<bool> = (0..7)
            .map(|_| state.admit(hit(1), now, 0, 100, 3) == Admission::Queued { wake: true })
            .collect();
        assert_eq!(wakes, [true, false, true, false, false, false, false]);
    }

    #[test]
    fn admission_stops_at_capacity_and_counts_the_drop() {
        let mut state = State::default();
        let now = Instant::now();
        assert_eq!(
            state.admit(hit(1), now, 0, 2, 10),
            Admission::Queued { wake: true }
        );
        assert_eq!(
            state.admit(hit(1), now, 0, 2, 10),
            Admission::Queued { wake: false }
        );
        assert_eq!(state.admit(hit(1), now, 0, 2, 10), Admission::Full);
        assert_eq!((state.counters.tracked, state.counters.dropped), (2, 1));
        state.close();
        assert_eq!(state.admit(hit(1), now, 0, 2, 10), Admission::Closed);
        assert_eq!(state.counters.tracked, 2);
    }

    #[test]
    fn in_flight_events_still_count_against_capacity() {
        let mut state = state_with(3);
        let (id, items) = state.take_batch(2, usize::MAX).unwrap();
        assert_eq!((items.len(), state.queued(), state.in_flight()), (2, 1, 2));
        assert_eq!(
            state.admit(hit(1), Instant::now(), 0, 3, 50),
            Admission::Full
        );
        state.settle(id, 2, Vec::new());
        assert_eq!(state.pending(), 1);
        assert!(matches!(
            state.admit(hit(1), Instant::now(), 0, 3, 50),
            Admission::Queued { .. }
        ));
    }

    #[test]
    fn every_event_is_settled_once() {
        let mut state = state_with(10);
        let (a, first) = state.take_batch(4, usize::MAX).unwrap();
        let (b, second) = state.take_batch(100, usize::MAX).unwrap();
        assert_eq!((first.len(), second.len()), (4, 6));
        state.settle(a, 3, vec![(FailReason::Rejected, 1, "bad".into())]);
        state.settle(b, 6, Vec::new());
        let c = &state.counters;
        assert_eq!((c.tracked, c.sent, c.failed.total()), (10, 9, 1));
        assert_eq!(state.pending(), 0);
        // A late settlement of a finished batch changes nothing below zero.
        state.settle(b, 0, Vec::new());
        assert_eq!(state.pending(), 0);
    }

    #[test]
    fn batches_respect_the_byte_limit() {
        let mut state = State::default();
        for _ in 0..5 {
            state.admit(hit(100), Instant::now(), 0, 100, 50);
        }
        // `[` + 3 items + 2 commas + `]` = 304 bytes.
        let (_, items) = state.take_batch(100, 304).unwrap();
        assert_eq!(items.len(), 3);
    }

    #[test]
    fn due_waits_for_the_interval_unless_full_flushed_or_closed() {
        let start = Instant::now();
        let interval = Duration::from_secs(1);
        let mut state = State::default();
        assert_eq!(state.due(start, interval, 3), Due::Wait(None));
        state.admit(hit(1), start, 0, 100, 3);
        assert_eq!(
            state.due(start, interval, 3),
            Due::Wait(Some(start + interval))
        );
        assert_eq!(state.due(start + interval, interval, 3), Due::Now);
        state.admit(hit(1), start, 0, 100, 3);
        state.admit(hit(1), start, 0, 100, 3);
        assert_eq!(state.due(start, interval, 3), Due::Now, "a full batch");
        let mut flushed = state_with(1);
        let _waiter = flushed.flush_waiter().unwrap();
        assert_eq!(flushed.due(Instant::now(), interval, 50), Due::Now);
        let mut closed = State::default();
        closed.close();
        assert_eq!(closed.due(start, interval, 3), Due::Exit);
    }

    #[test]
    fn a_flush_waiter_is_released_when_its_events_settle() {
        let mut state = state_with(2);
        let mut waiter = state.flush_waiter().unwrap();
        let (id, _) = state.take_batch(1, usize::MAX).unwrap();
        state.settle(id, 1, Vec::new());
        assert!(
            waiter
                .try_recv()
                .is_err_and(|e| e == oneshot::error::TryRecvError::Empty)
        );
        let (id, _) = state.take_batch(1, usize::MAX).unwrap();
        state.settle(id, 1, Vec::new());
        assert_eq!(
            waiter.try_recv(),
            Err(oneshot::error::TryRecvError::Closed),
            "released"
        );
        assert!(state.flush_waiter().is_none(), "nothing left to wait for");
    }

    fn item(seq: u64) -> Item {
        Item {
            seq,
            hit: hit(10),
            enqueued: Instant::now(),
            tracked_ms: None,
            marked: Marked::No,
        }
    }

    #[test]
    fn events_on_disk_only_count_as_queued_and_hold_flushes_until_loaded_and_settled() {
        let mut state = State::default();
        state.start_at(100);
        state.recover(3, 40); // seqs 40, 41, 45 left by an earlier run
        assert_eq!(
            (state.counters.tracked, state.queued(), state.pending()),
            (3, 3, 3)
        );
        assert_eq!(state.next_seq(), 100);
        assert_eq!(state.admit_spilled(), Admission::Queued { wake: false });
        assert_eq!(
            (state.spilled(), state.in_memory(), state.next_seq()),
            (4, 0, 101)
        );
        let mut waiter = state.flush_waiter().unwrap();
        // Nothing in memory: the worker waits for the reader, it does not exit even closed.
        state.close();
        assert_eq!(
            state.due(Instant::now(), Duration::from_secs(1), 10),
            Due::Wait(None)
        );
        state.load(vec![item(40), item(41), item(45)]);
        assert_eq!((state.spilled(), state.queued_in_memory()), (1, 3));
        let (id, items) = state.take_batch(10, usize::MAX).unwrap();
        assert_eq!(
            items.iter().map(|i| i.seq).collect::<Vec<_>>(),
            vec![40, 41, 45]
        );
        state.settle(id, 3, Vec::new());
        assert!(
            waiter
                .try_recv()
                .is_err_and(|e| e == oneshot::error::TryRecvError::Empty),
            "seq 100 is still on disk"
        );
        state.fail_spilled(FailReason::Expired, 1, "old".into());
        assert_eq!(waiter.try_recv(), Err(oneshot::error::TryRecvError::Closed));
        let c = &state.counters;
        assert_eq!((c.tracked, c.sent, c.failed.expired), (4, 3, 1));
        assert_eq!(state.pending(), 0);
        assert_eq!(
            state.due(Instant::now(), Duration::from_secs(1), 10),
            Due::Exit
        );
    }

    #[test]
    fn finishing_counts_events_on_disk_only_as_abandoned() {
        let mut state = state_with(2);
        state.admit_spilled();
        assert_eq!(state.finish("at shutdown", false), 3);
        assert_eq!((state.spilled(), state.pending()), (0, 0));
        state.load(vec![item(7)]);
        assert_eq!(state.pending(), 0, "nothing joins a finished queue");
    }

    #[test]
    fn finishing_with_a_spool_counts_what_is_left_as_kept_on_disk() {
        let mut state = state_with(3);
        let (_, _) = state.take_batch(1, usize::MAX).unwrap();
        state.admit_spilled();
        assert_eq!(state.finish("at shutdown", true), 4);
        let c = &state.counters;
        assert_eq!((c.tracked, c.kept_on_disk, c.failed.total()), (4, 4, 0));
        assert!(c.recent_failures.is_empty());
        assert_eq!(state.pending(), 0);
    }

    #[test]
    fn finishing_abandons_what_is_left_once() {
        let mut state = state_with(5);
        let (_, _) = state.take_batch(2, usize::MAX).unwrap();
        let mut waiter = state.flush_waiter().unwrap();
        assert_eq!(state.finish("before the shutdown timeout", false), 5);
        assert_eq!(state.finish("again", false), 0);
        assert_eq!(state.counters.failed.total(), 5);
        assert_eq!(state.pending(), 0);
        assert!(
            waiter
                .try_recv()
                .is_err_and(|e| e == oneshot::error::TryRecvError::Closed)
        );
        assert_eq!(
            state.admit(hit(1), Instant::now(), 0, 10, 10),
            Admission::Closed
        );
    }
}
