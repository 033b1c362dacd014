//! Events sent late carry the time they were tracked.
//!
//! Umami stores a hit at the time it arrives, unless its payload has a `timestamp`. An
//! event that waited (for retries through an outage, in the queue behind a slow server, or
//! on the spool's disk across a restart) would be stored late by as long as it waited. So
//! an event that goes out more than [`LATE`] after `track` accepted it carries its tracked
//! time; one sent at once keeps the server's own clock (no `timestamp`), and a `timestamp`
//! set by the caller is never changed.
//!
//! Umami's `timestamp` is whole Unix seconds: 3.1.0 rejects a fraction with 400, and reads
//! milliseconds as seconds (stored in the year 58886). A timestamped event is therefore
//! stored to the second, the most the server keeps; the dispatcher keeps the tracked time in
//! milliseconds (in memory and in the spool's records) and rounds down only on the wire.
//!
//! The timestamp is set before an attempt, so a batch cut to `max_batch_bytes` may go out
//! up to 24 bytes per late event longer (a 413 answer still splits it).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::queue::Item;

/// How long after `track` an event may go out without its tracked time: beyond this,
/// the second it was tracked in is closer to the truth than the server's clock.
pub(crate) const LATE: Duration = Duration::from_secs(1);

/// Unix milliseconds of `at` (0 before 1970).
pub(crate) fn unix_ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Before an attempt at `now_ms`: sets the tracked time into the body of every event that
/// is late by then and has none yet (each body at most once).
pub(crate) fn stamp_late(items: &mut [Item], now_ms: u64) {
    let late_ms = LATE.as_millis() as u64;
    for item in items {
        let Some(tracked_ms) = item.tracked_ms else {
            continue;
        };
        if now_ms.saturating_sub(tracked_ms) <= late_ms {
            continue;
        }
        let body = std::mem::take(&mut item.hit.body);
        item.hit.body = with_timestamp(body, tracked_ms);
        item.tracked_ms = None;
    }
}

/// Sets `payload.timestamp` (Unix seconds, rounded down) to `tracked_ms` when the hit has
/// none. The bytes are the envelope this crate serialized (`{"type":..,"payload":{..}}`,
/// payload last), so the key is spliced in before the payload's closing brace and every
/// other byte stays as it was; bytes of another shape are sent unchanged.
pub(crate) fn with_timestamp(body: Box<[u8]>, tracked_ms: u64) -> Box<[u8]> {
    /// Reads only whether `payload.timestamp` is there (no allocation for the rest).
    #[derive(serde::Deserialize)]
    struct Probe {
        payload: PayloadProbe,
    }
    #[derive(serde::Deserialize)]
    struct PayloadProbe {
        timestamp: Option<serde::de::IgnoredAny>,
    }
    let Ok(probe) = serde_json::from_slice::<Probe>(&body) else {
        return body;
    };
    // The envelope ends with the payload object: `...}}`, a payload never empty (`website`).
    if probe.payload.timestamp.is_some() || !body.ends_with(b"}}") || body.ends_with(b"{}}") {
        return body;
    }
    let cut = body.len() - 2;
    let mut out = Vec::with_capacity(body.len() + 24);
    out.extend_from_slice(&body[..cut]);
    out.extend_from_slice(format!(",\"timestamp\":{}", tracked_ms / 1000).as_bytes());
    out.extend_from_slice(b"}}");
    out.into_boxed_slice()
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::hit::WireHit;

    #[test]
    fn a_timestamp_is_added_only_when_missing() {
        let body: Box<[u8]> = br#"{"type":"event","payload":{"website":"w","name":"a"}}"#
            .to_vec()
            .into();
        let out = with_timestamp(body, 1_700_000_000_999);
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            r#"{"type":"event","payload":{"website":"w","name":"a","timestamp":1700000000}}"#
        );
        let kept: Box<[u8]> = br#"{"type":"event","payload":{"timestamp":5}}"#.to_vec().into();
        assert_eq!(&*with_timestamp(kept.clone(), 1_700_000_000_000), &*kept);
        let garbage: Box<[u8]> = b"not json".to_vec().into();
        assert_eq!(&*with_timestamp(garbage.clone(), 1), &*garbage);
    }

    fn item(tracked_ms: Option<u64>) -> Item {
        Item {
            seq: 0,
            hit: WireHit {
                body: br#"{"type":"event","payload":{"website":"w","name":"a"}}"#
                    .to_vec()
                    .into(),
                website: "w".into(),
                distinct_id: None,
                has_user_agent: false,
                user_agent_checked: false,
            },
            enqueued: Instant::now(),
            tracked_ms,
            marked: crate::dispatch::queue::Marked::No,
        }
    }

    fn body(item: &Item) -> &str {
        std::str::from_utf8(&item.hit.body).unwrap()
    }

    #[test]
    fn only_events_later_than_a_second_are_stamped_once() {
        let tracked = 1_700_000_000_400;
        let mut items = [item(Some(tracked)), item(Some(tracked + 500)), item(None)];
        stamp_late(&mut items, tracked + 1_000);
        assert!(
            items.iter().all(|i| !body(i).contains("timestamp")),
            "a second is not late"
        );
        stamp_late(&mut items, tracked + 1_001);
        assert_eq!(
            body(&items[0]),
            r#"{"type":"event","payload":{"website":"w","name":"a","timestamp":1700000000}}"#
        );
        assert_eq!(items[0].tracked_ms, None);
        assert!(
            !body(&items[1]).contains("timestamp"),
            "tracked 500 ms later"
        );
        assert!(!body(&items[2]).contains("timestamp"), "nothing to set");
        let once = body(&items[0]).to_owned();
        stamp_late(&mut items, tracked + 60_000);
        assert_eq!(body(&items[0]), once, "stamped once");
        assert!(body(&items[1]).ends_with(r#""timestamp":1700000000}}"#));
    }
}
