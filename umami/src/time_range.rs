//! [`TimeRange`]: the start and end of a read (stats, metrics, a drift check) without
//! `SystemTime` arithmetic by hand.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAY: Duration = Duration::from_secs(86_400);

/// A span of time, `start` to `end`, as the read calls take it. Days are UTC days.
///
/// ```
/// use std::time::Duration;
/// use umami::TimeRange;
///
/// let week = TimeRange::last_days(7);
/// assert_eq!(week.end.duration_since(week.start).unwrap(), Duration::from_secs(7 * 86_400));
/// let yesterday = TimeRange::yesterday();
/// assert_eq!(yesterday.end, TimeRange::today().start);
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// let range = umami::TimeRange::yesterday();
/// let stats = client.website_stats(range.start, range.end).send().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRange {
    /// The first instant.
    pub start: SystemTime,
    /// The last instant.
    pub end: SystemTime,
}

impl TimeRange {
    /// From `start` to `end`.
    pub fn new(start: SystemTime, end: SystemTime) -> Self {
        TimeRange { start, end }
    }

    /// The last `days` × 24 hours, up to now.
    pub fn last_days(days: u32) -> Self {
        let end = SystemTime::now();
        let span = DAY.saturating_mul(days);
        TimeRange {
            start: not_before_epoch(end.checked_sub(span)),
            end,
        }
    }

    /// Today in UTC: from 00:00 UTC to now.
    pub fn today() -> Self {
        let end = SystemTime::now();
        TimeRange {
            start: start_of_utc_day(end),
            end,
        }
    }

    /// Yesterday in UTC: the whole day, 00:00 to 24:00 UTC.
    pub fn yesterday() -> Self {
        let today = start_of_utc_day(SystemTime::now());
        TimeRange {
            start: not_before_epoch(today.checked_sub(DAY)),
            end: today,
        }
    }

    /// The `days` whole UTC days before today (yesterday and the days before it).
    pub fn previous_days(days: u32) -> Self {
        let today = start_of_utc_day(SystemTime::now());
        TimeRange {
            start: not_before_epoch(today.checked_sub(DAY.saturating_mul(days))),
            end: today,
        }
    }
}

/// `at`, or the Unix epoch when it is earlier or not representable: Umami counts from there.
fn not_before_epoch(at: Option<SystemTime>) -> SystemTime {
    at.filter(|t| *t >= UNIX_EPOCH).unwrap_or(UNIX_EPOCH)
}

/// 00:00 UTC of the day `at` falls on.
fn start_of_utc_day(at: SystemTime) -> SystemTime {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    UNIX_EPOCH + Duration::from_secs(secs - secs % DAY.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_days_start_at_midnight() {
        // 2026-12-01T07:51:00Z
        let at = UNIX_EPOCH + Duration::from_secs(1_796_111_460);
        assert_eq!(
            start_of_utc_day(at),
            UNIX_EPOCH + Duration::from_secs(1_796_083_200)
        );
        assert_eq!(start_of_utc_day(UNIX_EPOCH), UNIX_EPOCH);
    }

    #[test]
    fn previous_days_end_where_today_starts() {
        let range = TimeRange::previous_days(7);
        assert_eq!(range.end, TimeRange::today().start);
        assert_eq!(range.end.duration_since(range.start).unwrap(), DAY * 7);
        assert_eq!(TimeRange::yesterday(), TimeRange::previous_days(1));
    }

    #[test]
    fn huge_spans_saturate_at_the_epoch() {
        assert_eq!(TimeRange::last_days(u32::MAX).start, UNIX_EPOCH);
    }
}
