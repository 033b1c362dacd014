//! `--range`: `today`, `yesterday`, `7d`, `24h`, a day `2026-11-01`, or days
//! `2026-11-01..2026-11-30` (both included), in `--timezone` (default UTC).

use std::time::{Duration, SystemTime};

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::exit::{CliError, CliResult};

/// A span to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub(crate) start: SystemTime,
    pub(crate) end: SystemTime,
}

impl Range {
    /// Its length.
    pub(crate) fn length(&self) -> Duration {
        self.end.duration_since(self.start).unwrap_or_default()
    }
}

const FORMS: &str =
    "today, yesterday, 7d, 30d, 24h, a day 2026-11-01, or days 2026-11-01..2026-11-30";

/// The timezone named `name` (an IANA name such as `Europe/Berlin`), UTC by default.
pub(crate) fn timezone(name: Option<&str>) -> CliResult<TimeZone> {
    match name {
        None => Ok(TimeZone::UTC),
        Some(name) => TimeZone::get(name).map_err(|_| {
            CliError::usage(format!(
                "--timezone {name:?} is not a timezone this system knows (e.g. Europe/Berlin, \
                 America/New_York, UTC)"
            ))
        }),
    }
}

/// Parses a range at `now`.
pub(crate) fn parse(text: &str, zone: &TimeZone, now: SystemTime) -> CliResult<Range> {
    let bad = |why: &str| CliError::usage(format!("--range {text:?} {why}: use {FORMS}"));
    let now_ts = jiff::Timestamp::try_from(now).map_err(|_| bad("cannot be placed"))?;
    let today = now_ts.to_zoned(zone.clone()).date();
    let start_of = |date: Date| -> CliResult<SystemTime> {
        let zoned = date
            .to_zoned(zone.clone())
            .map_err(|_| bad("is out of range"))?;
        Ok(SystemTime::from(zoned.timestamp()))
    };
    let days = |first: Date, last: Date| -> CliResult<Range> {
        if last < first {
            return Err(bad("ends before it starts"));
        }
        let end = last.tomorrow().map_err(|_| bad("is out of range"))?;
        Ok(Range {
            start: start_of(first)?,
            end: start_of(end)?,
        })
    };
    let text_trimmed = text.trim();
    match text_trimmed {
        "today" => {
            return Ok(Range {
                start: start_of(today)?,
                end: now,
            });
        }
        "yesterday" => {
            let yesterday = today.yesterday().map_err(|_| bad("is out of range"))?;
            return days(yesterday, yesterday);
        }
        _ => {}
    }
    for (suffix, unit) in [("d", 86_400_u64), ("h", 3_600)] {
        if let Some(count) = text_trimmed.strip_suffix(suffix) {
            if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) {
                let count: u64 = count.parse().map_err(|_| bad("is too long"))?;
                if count == 0 {
                    return Err(bad("is empty"));
                }
                let span = Duration::from_secs(count.saturating_mul(unit));
                let start = now.checked_sub(span).ok_or_else(|| bad("is too long"))?;
                return Ok(Range { start, end: now });
            }
        }
    }
    let date = |s: &str| -> CliResult<Date> {
        s.trim().parse::<Date>().map_err(|_| {
            bad(&format!(
                "has {:?}, which is not a date YYYY-MM-DD",
                s.trim()
            ))
        })
    };
    match text_trimmed.split_once("..") {
        Some((first, last)) => days(date(first)?, date(last)?),
        None if text_trimmed.len() == 10 && text_trimmed.as_bytes()[4] == b'-' => {
            let day = date(text_trimmed)?;
            days(day, day)
        }
        None => Err(bad("is not a range")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    /// 2026-11-30T12:00:00Z
    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_796_040_000)
    }

    fn secs(t: SystemTime) -> u64 {
        t.duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    #[test]
    fn ranges_in_utc() {
        let utc = TimeZone::UTC;
        let r = parse("today", &utc, now()).unwrap();
        assert_eq!(
            (secs(r.start), secs(r.end)),
            (1_796_083_200 - 86_400, 1_796_040_000)
        );
        let r = parse("yesterday", &utc, now()).unwrap();
        assert_eq!((secs(r.start), secs(r.end)), (1_795_910_400, 1_795_996_800));
        let r = parse("7d", &utc, now()).unwrap();
        assert_eq!(r.length(), Duration::from_secs(7 * 86_400));
        let r = parse("2026-11-01..2026-11-30", &utc, now()).unwrap();
        assert_eq!((secs(r.start), secs(r.end)), (1_793_491_200, 1_796_083_200));
    }

    #[test]
    fn days_follow_the_timezone() {
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let r = parse("2026-11-01", &berlin, now()).unwrap();
        // 2026-11-01T00:00:00+01:00
        assert_eq!(secs(r.start), 1_793_491_200 - 3_600);
    }

    #[test]
    fn bad_ranges_say_what_is_accepted() {
        let err = parse("lastweek", &TimeZone::UTC, now())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!("error: usage: --range \"lastweek\" is not a range: use {FORMS}")
        );
        let err = parse("2026-11-30..2026-11-01", &TimeZone::UTC, now())
            .unwrap_err()
            .to_string();
        assert!(err.contains("ends before it starts"), "{err}");
        let err = parse("2026-13-01", &TimeZone::UTC, now())
            .unwrap_err()
            .to_string();
        assert!(err.contains("not a date"), "{err}");
    }
}
