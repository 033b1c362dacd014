//! The reader's work, on the spool's reader thread: moving events from disk back into the
//! queue as memory frees up, settling what expired or cannot be read.

use std::time::{Duration, Instant, SystemTime};

use crate::error::with_causes;
use crate::hit::WireHit;

use super::super::late::{unix_ms, with_timestamp};
use super::super::queue::{Item, Marked};
use super::super::shared::Shared;
use super::super::stats::FailReason;
use super::core::Core;
use super::format::{AckKind, EventRecord};
use super::log::{Log, read_events};

/// The most records read back from disk in one go.
const READ_CHUNK: u64 = 4096;

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
