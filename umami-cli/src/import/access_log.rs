//! nginx/Apache "combined" access logs:
//! `IP - USER [10/Oct/2000:13:55:36 -0700] "GET /path?q HTTP/1.1" 200 2326 "REFERER" "UA"`.
//!
//! A line becomes a page view by the rules of the library's web layer
//! (`umami::web::RequestFilter`'s defaults): `GET` or `HEAD`, answered 2xx or 304, not an
//! asset (`umami::web::ASSET_EXTENSIONS`), not an excluded path; and not a bot
//! (`umami::bot::is_bot`, checked by the importer). The url keeps only the `utm_*`
//! parameters of the query by default, as the layer's `QueryMode::UtmOnly` does.

use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use umami::web::{ASSET_EXTENSIONS, SkipReason};

use crate::cli::QueryArg;

/// A page view read from a line.
#[derive(Debug)]
pub(crate) struct LogHit<'a> {
    pub(crate) ip: IpAddr,
    pub(crate) time: SystemTime,
    /// The url to record (path and the kept query).
    pub(crate) url: String,
    /// `None` for `-`.
    pub(crate) referrer: Option<String>,
    /// `None` for `-`.
    pub(crate) user_agent: Option<&'a str>,
}

/// What a line is.
#[derive(Debug)]
pub(crate) enum LogLine<'a> {
    PageView(LogHit<'a>),
    /// Not a page view, by a rule (the reason's text).
    Skipped(String),
}

/// The rules beyond the defaults.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rules {
    pub(crate) exclude_paths: Vec<String>,
    pub(crate) exclude_prefixes: Vec<String>,
    pub(crate) query: Option<QueryArg>,
}

/// Reads one line.
pub(crate) fn parse<'a>(line: &'a str, rules: &Rules) -> Result<LogLine<'a>, String> {
    let bad = |what: &str| format!("not a combined log line: {what}");
    let (ip_text, rest) = line
        .split_once(' ')
        .ok_or_else(|| bad("no client address"))?;
    let ip: IpAddr = ip_text
        .parse()
        .map_err(|_| bad(&format!("{ip_text:?} is not an IP address")))?;
    let open = rest.find('[').ok_or_else(|| bad("no [time]"))?;
    let close = rest[open..].find(']').ok_or_else(|| bad("no [time]"))? + open;
    let time = parse_time(&rest[open + 1..close]).ok_or_else(|| {
        bad(&format!(
            "{:?} is not a time like 10/Oct/2000:13:55:36 -0700",
            &rest[open + 1..close]
        ))
    })?;
    let rest = rest[close + 1..].trim_start();
    let (request, rest) = quoted(rest).ok_or_else(|| bad("no \"request\""))?;
    let (status_text, rest) = rest
        .trim_start()
        .split_once(' ')
        .ok_or_else(|| bad("no size"))?;
    let status: u16 = status_text
        .parse()
        .map_err(|_| bad(&format!("{status_text:?} is not a status")))?;
    let (_bytes, rest) = rest
        .trim_start()
        .split_once(' ')
        .ok_or_else(|| bad("no \"referrer\""))?;
    let (referrer, rest) = quoted(rest.trim_start()).ok_or_else(|| bad("no \"referrer\""))?;
    let (user_agent, _) = quoted(rest.trim_start()).ok_or_else(|| bad("no \"user agent\""))?;

    let mut parts = request.split(' ');
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(LogLine::Skipped("malformed request line".to_owned()));
    };
    if method != "GET" && method != "HEAD" {
        return Ok(LogLine::Skipped(SkipReason::Method.to_string()));
    }
    if !((200..300).contains(&status) || status == 304) {
        return Ok(LogLine::Skipped(SkipReason::Status.to_string()));
    }
    let target = origin_form(target);
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    if !path.starts_with('/') {
        return Ok(LogLine::Skipped("malformed request line".to_owned()));
    }
    if rules.exclude_paths.iter().any(|p| p == path)
        || rules
            .exclude_prefixes
            .iter()
            .any(|p| path.starts_with(p.as_str()))
    {
        return Ok(LogLine::Skipped(SkipReason::Excluded.to_string()));
    }
    if is_asset(path) {
        return Ok(LogLine::Skipped(SkipReason::Asset.to_string()));
    }
    let url = match (rules.query.unwrap_or(QueryArg::Utm), query) {
        (_, None) | (QueryArg::Strip, _) => path.to_owned(),
        (QueryArg::Keep, Some(query)) => format!("{path}?{query}"),
        (QueryArg::Utm, Some(query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|pair| pair.starts_with("utm_"))
                .collect();
            if kept.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{}", kept.join("&"))
            }
        }
    };
    Ok(LogLine::PageView(LogHit {
        ip,
        time,
        url,
        referrer: (referrer != "-" && !referrer.is_empty()).then(|| unescape(referrer)),
        user_agent: (user_agent != "-" && !user_agent.is_empty()).then_some(user_agent),
    }))
}

/// An absolute-form target (`http://host/path`, proxies) as its path.
fn origin_form(target: &str) -> &str {
    for scheme in ["http://", "https://"] {
        if let Some(rest) = target.strip_prefix(scheme) {
            return rest.find('/').map_or("/", |at| &rest[at..]);
        }
    }
    target
}

/// The library's asset rule: the last path segment ends in an asset extension.
fn is_asset(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or(path);
    match last.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            ASSET_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(ext))
        }
        _ => false,
    }
}

/// A `"..."` field (nginx escapes `"` as `\x22`, Apache as `\"`) and what follows it.
fn quoted(text: &str) -> Option<(&str, &str)> {
    let body = text.strip_prefix('"')?;
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some((&body[..i], &body[i + 1..])),
            _ => i += 1,
        }
    }
    None
}

/// `\"`, `\\` and nginx's `\xHH` back to their characters.
fn unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let mut out = Vec::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 1 < bytes.len() {
            if bytes[i + 1] == b'x' && i + 3 < bytes.len() {
                if let Ok(b) = u8::from_str_radix(&text[i + 2..i + 4], 16) {
                    out.push(b);
                    i += 4;
                    continue;
                }
            }
            out.push(bytes[i + 1]);
            i += 2;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The User-Agent as logged, unescaped.
pub(crate) fn user_agent_text(raw: &str) -> std::borrow::Cow<'_, str> {
    if raw.contains('\\') {
        std::borrow::Cow::Owned(unescape(raw))
    } else {
        std::borrow::Cow::Borrowed(raw)
    }
}

/// `10/Oct/2000:13:55:36 -0700`.
fn parse_time(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    if b.len() != 26 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' || b[20] != b' ' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(range)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let day = num(0..2)?;
    let month = match &text[3..6] {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year = num(7..11)?;
    let (hour, minute, second) = (num(12..14)?, num(15..17)?, num(18..20)?);
    if b[14] != b':'
        || b[17] != b':'
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let sign = match b[21] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let offset = sign * (num(22..24)? * 3600 + num(24..26)? * 60);
    let secs =
        days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
    u64::try_from(secs)
        .ok()
        .map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"203.0.113.9 - - [30/Nov/2026:13:55:36 +0100] "GET /pricing?utm_source=news&id=7 HTTP/1.1" 200 512 "https://search.example/?q=x" "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0""#;

    fn page_view(line: &str) -> LogHit<'_> {
        match parse(line, &Rules::default()).unwrap() {
            LogLine::PageView(hit) => hit,
            LogLine::Skipped(why) => panic!("skipped: {why}"),
        }
    }

    fn skipped(line: &str) -> String {
        match parse(line, &Rules::default()).unwrap() {
            LogLine::Skipped(why) => why,
            LogLine::PageView(hit) => panic!("a page view: {hit:?}"),
        }
    }

    #[test]
    fn a_combined_line_is_a_page_view_with_its_visitor_and_time() {
        let hit = page_view(LINE);
        assert_eq!(hit.ip, "203.0.113.9".parse::<IpAddr>().unwrap());
        // 2026-11-30T12:55:36Z
        assert_eq!(hit.time, UNIX_EPOCH + Duration::from_secs(1_796_043_336));
        assert_eq!(hit.url, "/pricing?utm_source=news");
        assert_eq!(hit.referrer.as_deref(), Some("https://search.example/?q=x"));
        assert_eq!(
            hit.user_agent,
            Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
        );
    }

    #[test]
    fn the_web_layers_rules_skip_methods_statuses_and_assets() {
        let post = LINE.replace("GET", "POST");
        assert_eq!(skipped(&post), "method not GET/HEAD");
        let missing = LINE.replace("\" 200 ", "\" 404 ");
        assert_eq!(skipped(&missing), "status not 2xx/304");
        let asset = LINE.replace("/pricing?", "/app.css?");
        assert_eq!(skipped(&asset), "asset path");
        let cached = LINE.replace("\" 200 ", "\" 304 ");
        assert_eq!(page_view(&cached).url, "/pricing?utm_source=news");
    }

    #[test]
    fn escaped_quotes_stay_inside_their_field() {
        let line =
            r#"::1 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "say \"hi\"""#;
        let hit = page_view(line);
        assert_eq!(hit.referrer, None);
        assert_eq!(user_agent_text(hit.user_agent.unwrap()), "say \"hi\"");
    }

    #[test]
    fn broken_lines_are_errors() {
        assert!(
            parse("garbage", &Rules::default())
                .unwrap_err()
                .contains("not a combined log line")
        );
        let err = parse(
            &LINE.replace("30/Nov/2026", "31/Foo/2026"),
            &Rules::default(),
        )
        .unwrap_err();
        assert!(err.contains("is not a time"), "{err}");
    }
}
