//! How Umami 3.1 turns an accepted hit into database rows: the parsed URL (`url_path`,
//! `url_query`, referrer parts), custom data flattened into typed `event_data` /
//! `session_data` rows, and timestamps as JavaScript writes them. The collector's read-back
//! endpoints answer from these rows.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

/// `DATA_TYPE` in Umami's constants.
pub(crate) mod data_type {
    pub(crate) const STRING: u8 = 1;
    pub(crate) const NUMBER: u8 = 2;
    pub(crate) const BOOLEAN: u8 = 3;
    pub(crate) const DATE: u8 = 4;
    pub(crate) const ARRAY: u8 = 5;
}

/// `EVENT_TYPE` in Umami's constants.
pub(crate) mod event_type {
    pub(crate) const PAGE_VIEW: u8 = 1;
    pub(crate) const CUSTOM_EVENT: u8 = 2;
    pub(crate) const PERFORMANCE: u8 = 5;
}

/// Column widths Umami cuts stored values to (`FIELD_LENGTH`, `URL_LENGTH`).
const URL_LENGTH: usize = 500;
const PAGE_TITLE_LENGTH: usize = 500;
const DATA_KEY_LENGTH: usize = 500;
const STRING_VALUE_LENGTH: usize = 500;
pub(crate) const DISTINCT_ID_LENGTH: usize = 50;

/// One flattened custom-data value, as `event_data` and `session_data` store it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DataRow {
    pub(crate) key: String,
    pub(crate) data_type: u8,
    /// `string_value`: `null` only for an array longer than the column.
    pub(crate) string_value: Option<String>,
    /// `number_value` for numbers, rounded to the column's 4 decimals.
    pub(crate) number_value: Option<f64>,
    /// `date_value` for date strings, as an ISO-8601 string.
    pub(crate) date_value: Option<String>,
}

/// `flattenJSON`: nested objects become dotted keys; every leaf is typed by `createKeyValue`.
pub(crate) fn flatten(data: &Map<String, Value>) -> Vec<DataRow> {
    fn walk(object: &Map<String, Value>, parent: &str, out: &mut Vec<DataRow>) {
        for (key, value) in object {
            let full = if parent.is_empty() {
                key.clone()
            } else {
                format!("{parent}.{key}")
            };
            match value {
                Value::Object(inner) => walk(inner, &full, out),
                leaf => out.push(key_value(full, leaf)),
            }
        }
    }
    let mut rows = Vec::new();
    walk(data, "", &mut rows);
    rows
}

/// `createKeyValue` followed by `getStoredStringValue`.
fn key_value(key: String, value: &Value) -> DataRow {
    let key = truncate(&key, DATA_KEY_LENGTH);
    match value {
        Value::Number(n) => {
            let n = n.as_f64().unwrap_or(0.0);
            DataRow {
                key,
                data_type: data_type::NUMBER,
                string_value: Some(truncate(&format!("{n:.4}"), STRING_VALUE_LENGTH)),
                number_value: Some((n * 10_000.0).round() / 10_000.0),
                date_value: None,
            }
        }
        Value::Bool(b) => DataRow {
            key,
            data_type: data_type::BOOLEAN,
            string_value: Some(b.to_string()),
            number_value: None,
            date_value: None,
        },
        Value::String(s) => match iso_date(s) {
            Some(iso) => DataRow {
                key,
                data_type: data_type::DATE,
                string_value: Some(iso.clone()),
                number_value: None,
                date_value: Some(iso),
            },
            None => DataRow {
                key,
                data_type: data_type::STRING,
                string_value: Some(truncate(s, STRING_VALUE_LENGTH)),
                number_value: None,
                date_value: None,
            },
        },
        // Arrays, and `null` (JavaScript's `typeof null` is "object"): JSON text.
        other => {
            let text = other.to_string();
            DataRow {
                key,
                data_type: data_type::ARRAY,
                string_value: (text.encode_utf16().count() <= STRING_VALUE_LENGTH).then_some(text),
                number_value: None,
                date_value: None,
            }
        }
    }
}

/// A `DECIMAL(19,4)` as Prisma hands it to `JSON.stringify`: decimal.js's `toJSON`, a string
/// without trailing zeros (`19.9900` → `"19.99"`).
pub(crate) fn decimal_json(n: f64) -> Value {
    let text = format!("{n:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    Value::String(if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    })
}

/// Cuts `text` to `max` characters, as `truncateString` and `substring` do.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The parts of a hit's URL Umami stores.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ParsedUrl {
    pub(crate) hostname: String,
    pub(crate) url_path: String,
    pub(crate) url_query: String,
    pub(crate) referrer_path: Option<String>,
    pub(crate) referrer_query: Option<String>,
    pub(crate) referrer_domain: Option<String>,
}

/// `new URL(url, "https://" + hostname)` and what `/api/send` keeps of it.
pub(crate) fn parse_url(hostname: Option<&str>, url: &str, referrer: Option<&str>) -> ParsedUrl {
    let hostname = hostname.filter(|h| !h.is_empty());
    let base = hostname
        .and_then(|h| url::Url::parse(&format!("https://{h}")).ok())
        .unwrap_or_else(|| url::Url::parse("https://localhost").expect("static URL"));
    let current = base.join(url).unwrap_or_else(|_| base.clone());
    let mut path = current.path().to_owned();
    if path == "/undefined" {
        path.clear();
    }
    if let Some(fragment) = current.fragment() {
        path.push('#');
        path.push_str(fragment);
    }
    let url_domain = current
        .host_str()
        .unwrap_or_default()
        .trim_start_matches("www.")
        .to_owned();
    let mut parsed = ParsedUrl {
        hostname: hostname.map_or_else(|| url_domain.clone(), str::to_owned),
        url_path: truncate(&decode_uri(&path, true), URL_LENGTH),
        url_query: truncate(current.query().unwrap_or_default(), URL_LENGTH),
        ..ParsedUrl::default()
    };
    if let Some(referrer) = referrer.filter(|r| !r.is_empty()) {
        let event_domain = hostname
            .and_then(|h| url::Url::parse(&format!("https://{h}")).ok())
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or(url_domain)
            .trim_start_matches("www.")
            .to_owned();
        let referrer_base = url::Url::parse(&format!("https://{event_domain}")).unwrap_or(base);
        if let Ok(referrer) = referrer_base.join(referrer) {
            let domain = referrer
                .host_str()
                .unwrap_or_default()
                .trim_start_matches("www.")
                .to_owned();
            parsed.referrer_path = Some(truncate(&decode_uri(referrer.path(), true), URL_LENGTH));
            parsed.referrer_query = Some(referrer.query().unwrap_or_default().to_owned());
            // Self-referrals keep no domain.
            parsed.referrer_domain = (domain != event_domain).then_some(domain);
        }
    }
    parsed
}

/// `safeDecodeURIComponent(title)`, cut to the column.
pub(crate) fn page_title(title: Option<&str>) -> Option<String> {
    title.map(|t| truncate(&decode_uri(t, false), PAGE_TITLE_LENGTH))
}

/// `decodeURI` (`keep_reserved`) or `decodeURIComponent`; on a malformed sequence the text
/// is kept as it is, as Umami's `safeDecode*` helpers do.
fn decode_uri(text: &str, keep_reserved: bool) -> String {
    const RESERVED: &[u8] = b";/?:@&=+$,#";
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(b) if keep_reserved && RESERVED.contains(&b) => {
                    out.extend_from_slice(&bytes[i..i + 3]);
                }
                Some(b) => out.push(b),
                None => return text.to_owned(),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// `new Date(value).toISOString()` for the strings Umami's `DATETIME_REGEX` takes as dates
/// (`YYYY-MM-DD`, optionally `THH:MM:SS`, fraction and `Z` or an offset); `None` otherwise.
/// A date-time without an offset is read as UTC (the collector's time zone).
fn iso_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) * 86_400;
    let mut millis = 0;
    if b.len() > 10 {
        if b[10] != b'T' || b.len() < 19 || b[13] != b':' || b[16] != b':' {
            return None;
        }
        let (h, m, s) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        if h > 23 || m > 59 || s > 59 {
            return None;
        }
        secs += h * 3600 + m * 60 + s;
        let mut rest = &text[19..];
        if let Some(fraction) = rest.strip_prefix('.') {
            let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if len == 0 {
                return None;
            }
            let padded = format!("{:0<3}", &fraction[..len.min(3)]);
            millis = padded.parse().ok()?;
            rest = &fraction[len..];
        }
        match rest.as_bytes() {
            [] | [b'Z'] => {}
            [sign @ (b'+' | b'-'), ..] if rest.len() == 6 && rest.as_bytes()[3] == b':' => {
                let oh: i64 = rest.get(1..3)?.parse().ok()?;
                let om: i64 = rest.get(4..6)?.parse().ok()?;
                let offset = oh * 3600 + om * 60;
                secs -= if *sign == b'+' { offset } else { -offset };
            }
            _ => return None,
        }
    }
    Some(iso_from_millis(secs * 1000 + millis))
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

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `Date.prototype.toISOString`: `2026-11-27T01:50:30.123Z`.
pub(crate) fn iso_from_millis(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let in_day = millis.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000
    )
}

/// Milliseconds since the Unix epoch (negative before it).
pub(crate) fn unix_millis(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// `toISOString` of a `SystemTime`.
pub(crate) fn iso(at: SystemTime) -> String {
    iso_from_millis(unix_millis(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_become_dotted_keys_with_their_types() {
        let data = json!({"plan": "pro", "cart": {"items": 3, "gift": true}, "tags": ["a", 1], "none": null});
        let rows = flatten(data.as_object().unwrap());
        let summary: Vec<(String, u8, Option<String>)> = rows
            .iter()
            .map(|r| (r.key.clone(), r.data_type, r.string_value.clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("cart.gift".to_owned(), 3, Some("true".to_owned())),
                ("cart.items".to_owned(), 2, Some("3.0000".to_owned())),
                ("none".to_owned(), 5, Some("null".to_owned())),
                ("plan".to_owned(), 1, Some("pro".to_owned())),
                ("tags".to_owned(), 5, Some(r#"["a",1]"#.to_owned())),
            ]
        );
        assert_eq!(rows[1].number_value, Some(3.0));
    }

    #[test]
    fn numbers_keep_four_decimals() {
        let rows = flatten(
            json!({"price": 19.99, "tiny": 0.000_04})
                .as_object()
                .unwrap(),
        );
        assert_eq!(rows[0].string_value.as_deref(), Some("19.9900"));
        assert_eq!(decimal_json(rows[0].number_value.unwrap()), json!("19.99"));
        assert_eq!(decimal_json(rows[1].number_value.unwrap()), json!("0"));
        assert_eq!(decimal_json(42.0), json!("42"));
    }

    #[test]
    fn date_strings_are_dates_in_iso_form() {
        let rows = flatten(
            json!({"a": "2026-11-27", "b": "2026-11-27T10:00:00+02:00", "c": "2026-13-01"})
                .as_object()
                .unwrap(),
        );
        assert_eq!(rows[0].data_type, data_type::DATE);
        assert_eq!(
            rows[0].date_value.as_deref(),
            Some("2026-11-27T00:00:00.000Z")
        );
        assert_eq!(
            rows[1].string_value.as_deref(),
            Some("2026-11-27T08:00:00.000Z")
        );
        assert_eq!(rows[2].data_type, data_type::STRING);
    }

    #[test]
    fn iso_matches_javascript() {
        assert_eq!(iso_from_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            iso_from_millis(1_795_744_230_123),
            "2026-11-27T01:50:30.123Z"
        );
        assert_eq!(iso_from_millis(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn urls_split_into_path_query_and_hostname() {
        let parsed = parse_url(Some("example.com"), "/a%20b/c?x=1#top", Some(""));
        assert_eq!(parsed.hostname, "example.com");
        assert_eq!(parsed.url_path, "/a b/c#top");
        assert_eq!(parsed.url_query, "x=1");
        assert_eq!(parsed.referrer_domain, None);
        let full = parse_url(
            None,
            "https://www.shop.test/cart",
            Some("https://google.com/q?s=1"),
        );
        assert_eq!(full.hostname, "shop.test");
        assert_eq!(full.url_path, "/cart");
        assert_eq!(full.referrer_domain.as_deref(), Some("google.com"));
        assert_eq!(full.referrer_query.as_deref(), Some("s=1"));
        let own = parse_url(Some("example.com"), "/", Some("/from"));
        assert_eq!(own.referrer_path.as_deref(), Some("/from"));
        assert_eq!(own.referrer_domain, None);
    }

    #[test]
    fn titles_are_uri_decoded_when_they_can_be() {
        assert_eq!(page_title(Some("Caf%C3%A9")).as_deref(), Some("Café"));
        assert_eq!(page_title(Some("100%")).as_deref(), Some("100%"));
    }
}
