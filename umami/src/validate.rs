//! Sans-IO input checks that mirror the Umami 3.1 server's own limits, each counted in the
//! unit the server counts it in:
//!
//! - zod's schema of `/api/send` (`name`, `tag` ≤ 50, `hostname` ≤ 100, `language` ≤ 35,
//!   `screen` ≤ 11): **UTF-16 code units**, JavaScript's `length` (an emoji counts 2);
//!   `timestamp` a safe integer (≤ 2^53 − 1); web vitals 0–60,000 (`cls` 0–100); ids
//!   RFC 9562 UUIDs.
//! - PostgreSQL columns a value passes through after zod (protocol notes §7): `varchar(n)`
//!   counts **characters (code points)**: `distinct_id` 50, `browser`/`os`/`device` 20,
//!   `utm_*` and click ids in the url's query 255, `currency` 10, custom-data keys and string
//!   values 500; numbers `DECIMAL(19,4)` (magnitude below 10^15, 4 decimals kept). A value
//!   that overflows a column makes the server answer 500, sometimes after storing the event
//!   without its data, so it is refused here before any I/O.
//!
//! Every error names the field, the problem, the limit and its unit.

use crate::error::ValidationError;
use serde_json::{Map, Value};

/// Umami's limit on event names and tags (zod, UTF-16 code units).
pub const MAX_NAME: usize = 50;
/// `hostname` (zod, UTF-16 code units).
pub const MAX_HOSTNAME: usize = 100;
/// `language` (zod, UTF-16 code units).
pub const MAX_LANGUAGE: usize = 35;
/// `screen` (zod, UTF-16 code units).
pub const MAX_SCREEN: usize = 11;
/// `tag` (zod, UTF-16 code units).
pub const MAX_TAG: usize = 50;
/// `session.distinct_id varchar(50)` (code points).
pub const MAX_DISTINCT_ID: usize = 50;
/// `session.browser`, `session.os`, `session.device`: `varchar(20)` (code points).
pub const MAX_SESSION_FIELD: usize = 20;
/// `website_event.utm_*` and the click-id columns: `varchar(255)` (code points).
pub const MAX_QUERY_PARAM: usize = 255;
/// The url query parameters Umami copies into their own `varchar(255)` columns.
pub const QUERY_PARAM_COLUMNS: [&str; 11] = [
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_content",
    "utm_term",
    "gclid",
    "fbclid",
    "msclkid",
    "ttclid",
    "li_fat_id",
    "twclid",
];
/// `revenue.currency varchar(10)` (code points).
pub const MAX_CURRENCY: usize = 10;
/// Custom-data keys (dotted, after flattening) and string values: `varchar(500)` (code
/// points).
pub const MAX_DATA_KEY: usize = 500;
/// See [`MAX_DATA_KEY`].
pub const MAX_DATA_STRING: usize = 500;
/// Numbers are stored as DECIMAL(19,4): 15 digits before the point.
pub const MAX_DATA_NUMBER: f64 = 1e15;
/// `timestamp`: zod's `int()` accepts safe integers only (2^53 − 1).
pub const MAX_TIMESTAMP_SECS: u64 = (1 << 53) - 1;
/// `lcp`, `inp`, `fcp`, `ttfb`: zod `0..=60000` (milliseconds), stored as DECIMAL(10,1).
pub const MAX_WEB_VITAL_MS: f64 = 60_000.0;
/// `cls`: zod `0..=100`, stored as DECIMAL(10,4).
pub const MAX_CLS: f64 = 100.0;

/// JavaScript's `length`: UTF-16 code units.
pub fn utf16_len(value: &str) -> usize {
    // ASCII (nearly every value): one unit per byte, no second pass.
    if value.is_ascii() {
        value.len()
    } else {
        value.encode_utf16().count()
    }
}

/// PostgreSQL's `char_length`: characters (Unicode code points).
pub fn code_points(value: &str) -> usize {
    value.chars().count()
}

/// A zod `string().max(max)`: at most `max` UTF-16 code units.
pub fn max_chars(field: &'static str, value: &str, max: usize) -> Result<(), ValidationError> {
    // Every UTF-16 unit takes at least one UTF-8 byte: a short string cannot exceed `max`.
    if value.len() > max {
        let units = utf16_len(value);
        if units > max {
            return Err(ValidationError::new(
                field,
                format!("{units} UTF-16 code units, at most {max} allowed"),
            ));
        }
    }
    Ok(())
}

/// A PostgreSQL `varchar(max)` column: at most `max` characters (code points).
pub fn max_code_points(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<(), ValidationError> {
    if value.len() > max {
        let chars = code_points(value);
        if chars > max {
            return Err(ValidationError::new(
                field,
                format!(
                    "{chars} characters (code points), at most {max} allowed (Umami stores it \
                     in a varchar({max}) column)"
                ),
            ));
        }
    }
    Ok(())
}

/// `value` must hold a non-whitespace character.
pub fn not_blank(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, "must not be empty or blank"));
    }
    Ok(())
}

/// The characters this crate refuses at the start of a name or tag.
pub const CSV_GUARD: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Event names and tags: non-blank, at most `max` UTF-16 code units (zod), and no leading
/// character of this crate's CSV-injection guard (Umami 3.1 itself accepts them).
pub fn event_name(field: &'static str, value: &str, max: usize) -> Result<(), ValidationError> {
    not_blank(field, value)?;
    max_chars(field, value, max)?;
    if let Some(first) = value.chars().next() {
        if CSV_GUARD.contains(&first) {
            return Err(ValidationError::new(
                field,
                format!("must not start with {first:?} {CSV_GUARD_RULE}"),
            ));
        }
    }
    Ok(())
}

/// The explanation after "must not start with ..." in [`event_name`]'s error.
pub const CSV_GUARD_RULE: &str = "(this crate's CSV-injection guard refuses a leading \
     `=`, `+`, `-`, `@`, tab or carriage return; Umami 3.1 itself accepts them)";

/// zod 4's `z.uuid()`: the hyphenated form with an RFC 9562 version digit 1–8 and variant
/// digit 8, 9, a or b (either case), or the nil or the max UUID. The one rule shared by
/// [`uuid`] and the testing collector.
pub fn is_uuid(text: &str) -> bool {
    hyphenated_hex(text) && (version_and_variant(text).is_none() || is_nil_or_max(text))
}

fn hyphenated_hex(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Hyphens where they belong and nowhere else (four in all), hex digits in between: two
    // branch-free passes instead of a branch per character.
    let (hex_or_hyphen, hyphens) = bytes.iter().fold((true, 0_u32), |(ok, hyphens), &b| {
        (
            ok & (b.is_ascii_hexdigit() | (b == b'-')),
            hyphens + u32::from(b == b'-'),
        )
    });
    bytes.len() == 36
        && hex_or_hyphen
        && hyphens == 4
        && [8, 13, 18, 23].iter().all(|&i| bytes[i] == b'-')
}

fn is_nil_or_max(text: &str) -> bool {
    text == "00000000-0000-0000-0000-000000000000"
        || text.eq_ignore_ascii_case("ffffffff-ffff-ffff-ffff-ffffffffffff")
}

/// For hyphenated hex: the problem with its version or variant digit, if any.
fn version_and_variant(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let (version, variant) = (char::from(bytes[14]), char::from(bytes[19]));
    let version_ok = ('1'..='8').contains(&version);
    let variant_ok = matches!(variant, '8' | '9' | 'a' | 'b' | 'A' | 'B');
    match (version_ok, variant_ok) {
        (true, true) => None,
        (false, true) => Some(format!("version digit {version:?}")),
        (true, false) => Some(format!("variant digit {variant:?}")),
        (false, false) => Some(format!(
            "version digit {version:?} and variant digit {variant:?}"
        )),
    }
}

/// `value` must be a UUID as Umami's schema accepts it (zod's `z.uuid()`).
pub fn uuid(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if is_uuid(value) {
        return Ok(());
    }
    if !hyphenated_hex(value) {
        return Err(ValidationError::new(
            field,
            format!(
                "{value:?} is not a UUID (expected the form 978435e2-7ba1-4337-9860-ec31ece2db60)"
            ),
        ));
    }
    if let Some(problem) = version_and_variant(value) {
        return Err(ValidationError::new(
            field,
            format!(
                "{value:?} has {problem}: Umami accepts RFC 9562 UUIDs (version digit 1 to 8, \
                 variant digit 8, 9, a or b) and the nil and max UUIDs"
            ),
        ));
    }
    Ok(())
}

/// `timestamp` in Unix seconds: zod's `int()` takes safe integers only.
pub fn timestamp_secs(field: &'static str, secs: u64) -> Result<(), ValidationError> {
    if secs > MAX_TIMESTAMP_SECS {
        return Err(ValidationError::new(
            field,
            format!(
                "{secs} seconds after the Unix epoch, at most {MAX_TIMESTAMP_SECS} allowed \
                 (2^53 - 1, JavaScript's largest safe integer)"
            ),
        ));
    }
    Ok(())
}

/// Umami parses `url` and `referrer` relative to `https://localhost`.
pub fn url_or_path(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if plainly_url_or_path(value) {
        return Ok(());
    }
    if let Err(e) = BASE.join(value) {
        return Err(ValidationError::new(
            field,
            format!("{value:?} is neither a URL nor a path ({e})"),
        ));
    }
    Ok(())
}

/// The shapes of nearly every `url` and `referrer` (a path, or an `http(s)` URL whose host
/// is a plain domain name), recognised without parsing: `true` only when the WHATWG parser
/// surely accepts the value; `false` sends it to the parser. A page view per request checks
/// two of them, and parsing costs a microsecond.
fn plainly_url_or_path(value: &str) -> bool {
    // Visible ASCII, no backslash (a slash to the parser in http(s) URLs): nothing the parser
    // trims, percent-encodes into a different shape or reads as a separator.
    let plain = |rest: &[u8]| {
        rest.iter()
            .fold(true, |ok, &b| ok & (b > 0x20) & (b < 0x7f) & (b != b'\\'))
    };
    let bytes = value.as_bytes();
    if let [b'/', rest @ ..] = bytes {
        // `//host` is a URL without its scheme: its host needs the parser.
        return !matches!(rest.first(), Some(b'/' | b'\\')) && plain(rest);
    }
    if bytes.is_empty() {
        return true;
    }
    let Some(rest) = bytes
        .strip_prefix(b"https://")
        .or_else(|| bytes.strip_prefix(b"http://"))
    else {
        return false;
    };
    let end = rest
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    plain_domain(&rest[..end]) && plain(&rest[end..])
}

/// A host the parser keeps as it is: dot-separated labels of letters, digits and hyphens,
/// none empty, none punycode (`xn--`, which the parser decodes and may refuse), the last one
/// starting with a letter (a host ending in a number is parsed as an IPv4 address).
fn plain_domain(host: &[u8]) -> bool {
    let host = host.strip_suffix(b".").unwrap_or(host);
    let label_ok = |label: &[u8]| {
        !label.is_empty()
            && !label
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case(b"xn--"))
    };
    let mut start = 0;
    for (i, &b) in host.iter().enumerate() {
        if b == b'.' {
            if !label_ok(&host[start..i]) {
                return false;
            }
            start = i + 1;
        } else if !(b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
    }
    let last = &host[start..];
    label_ok(last) && last[0].is_ascii_alphabetic()
}

static BASE: std::sync::LazyLock<url::Url> =
    std::sync::LazyLock::new(|| url::Url::parse("https://localhost").expect("static URL"));

/// The `utm_*` and click-id parameters of `url`'s query string, decoded as
/// `URLSearchParams` decodes them: each goes to a `varchar(255)` column, and a longer one
/// fails the whole insert (500, nothing stored). Every occurrence of a repeated parameter is
/// checked. A `url` that does not parse is [`url_or_path`]'s business: `Ok` here.
pub fn url_query_params(field: &'static str, url: &str) -> Result<(), ValidationError> {
    if !url.contains('?') {
        return Ok(());
    }
    let Ok(parsed) = BASE.join(url) else {
        return Ok(());
    };
    for (key, value) in parsed.query_pairs() {
        if !QUERY_PARAM_COLUMNS.contains(&key.as_ref()) || value.len() <= MAX_QUERY_PARAM {
            continue;
        }
        let chars = code_points(&value);
        if chars > MAX_QUERY_PARAM {
            return Err(ValidationError::new(
                field,
                format!(
                    "query parameter `{key}` has {chars} characters (code points) once decoded, \
                     at most {MAX_QUERY_PARAM} allowed (Umami stores it in a \
                     varchar({MAX_QUERY_PARAM}) column)"
                ),
            ));
        }
    }
    Ok(())
}

/// The distinct id (`payload.id`): `session.distinct_id varchar(50)`, in code points.
pub fn distinct_id(field: &'static str, value: &str) -> Result<(), ValidationError> {
    max_code_points(field, value, MAX_DISTINCT_ID)
}

/// A `browser`, `os` or `device` override: `varchar(20)` on the session, in code points
/// (zod sets no limit; a longer one answers 500 and stores nothing).
pub fn session_field(field: &'static str, value: &str) -> Result<(), ValidationError> {
    max_code_points(field, value, MAX_SESSION_FIELD)
}

/// The revenue currency: non-blank, `revenue.currency varchar(10)` in code points.
pub fn currency(field: &'static str, value: &str) -> Result<(), ValidationError> {
    not_blank(field, value)?;
    max_code_points(field, value, MAX_CURRENCY)
}

/// The revenue amount: finite, not negative, and within `revenue.revenue DECIMAL(19,4)`.
pub fn revenue(field: &'static str, value: f64) -> Result<(), ValidationError> {
    if !value.is_finite() || value < 0.0 {
        return Err(ValidationError::new(
            field,
            format!("{value} is not a finite number >= 0"),
        ));
    }
    if value >= MAX_DATA_NUMBER {
        return Err(ValidationError::new(
            field,
            format!(
                "{value} does not fit DECIMAL(19,4): Umami stores revenue with 15 digits before \
                 the point, so it must be below 10^15"
            ),
        ));
    }
    Ok(())
}

/// A web-vitals timing (`lcp`, `inp`, `fcp`, `ttfb`): zod `0..=60000` milliseconds.
pub fn web_vital_ms(field: &'static str, value: f64) -> Result<(), ValidationError> {
    in_range(field, value, MAX_WEB_VITAL_MS, " milliseconds")
}

/// Cumulative layout shift (`cls`): zod `0..=100` (unitless).
pub fn cls(field: &'static str, value: f64) -> Result<(), ValidationError> {
    in_range(field, value, MAX_CLS, " (a unitless score)")
}

fn in_range(field: &'static str, value: f64, max: f64, unit: &str) -> Result<(), ValidationError> {
    if !value.is_finite() || !(0.0..=max).contains(&value) {
        return Err(ValidationError::new(
            field,
            format!("{value} is outside 0 to {max}{unit}, the range Umami accepts"),
        ));
    }
    Ok(())
}

/// `value` must be an IPv4 or IPv6 address.
pub fn ip_address(field: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.parse::<std::net::IpAddr>().is_err() {
        return Err(ValidationError::new(
            field,
            format!("{value:?} is not an IPv4 or IPv6 address"),
        ));
    }
    Ok(())
}

/// Custom data: keys (dotted after Umami flattens nested objects) and string values hold 500
/// characters (code points: `varchar(500)`), numbers must fit DECIMAL(19,4) (magnitude below
/// 10^15; more than 4 decimals are rounded, not refused). Larger values make the server fail
/// with a 500 after it stored the event without its data.
pub fn custom_data(field: &'static str, data: &Map<String, Value>) -> Result<(), ValidationError> {
    fn walk(
        field: &'static str,
        path: &mut String,
        data: &Map<String, Value>,
    ) -> Result<(), ValidationError> {
        for (key, value) in data {
            let restore = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let key_chars = code_points(path);
            if key_chars > MAX_DATA_KEY {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "key {path:?} has {key_chars} characters (code points), at most \
                         {MAX_DATA_KEY} allowed (Umami stores it in a varchar({MAX_DATA_KEY}) \
                         column)"
                    ),
                ));
            }
            match value {
                Value::Object(inner) => walk(field, path, inner)?,
                Value::String(s) => {
                    if s.len() > MAX_DATA_STRING && code_points(s) > MAX_DATA_STRING {
                        return Err(ValidationError::new(
                            field,
                            format!(
                                "value of {path:?} has {} characters (code points), at most \
                                 {MAX_DATA_STRING} allowed (Umami stores it in a \
                                 varchar({MAX_DATA_STRING}) column)",
                                code_points(s)
                            ),
                        ));
                    }
                }
                Value::Number(n) => {
                    let too_big = n.as_f64().is_some_and(|f| f.abs() >= MAX_DATA_NUMBER);
                    if too_big {
                        return Err(ValidationError::new(
                            field,
                            format!(
                                "value of {path:?} is {n}: Umami stores numbers as DECIMAL(19,4), \
                                 so its magnitude must be below 10^15"
                            ),
                        ));
                    }
                }
                Value::Array(_) | Value::Bool(_) | Value::Null => {}
            }
            path.truncate(restore);
        }
        Ok(())
    }
    walk(field, &mut String::new(), data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The fast path never accepts what the parser refuses, and takes the common shapes.
    #[test]
    fn the_plain_url_shapes_are_ones_the_parser_accepts() {
        let common = [
            "",
            "/",
            "/pricing?utm_source=news&x=1#top",
            "https://search.example/",
            "https://www.example.co.uk/a/b?q=umami",
            "http://localhost:3000/",
            "https://example.com.",
            "https://a-b.example/%7Euser",
        ];
        for value in common {
            assert!(BASE.join(value).is_ok(), "{value}");
        }
        let taken = common.iter().filter(|v| plainly_url_or_path(v)).count();
        assert_eq!(
            taken,
            common.len() - 1,
            "all but the port one take the fast path"
        );
        let tricky = [
            "//evil",
            "/\\evil",
            "https://",
            "https:///x",
            "https://1.2.3.4/",
            "https://example.123/",
            "https://example.0x1f/",
            "https://xn--zz/",
            "https://a..b/",
            "https://.a/",
            "https://a_b/",
            "https://[::1/",
            "https://a b/",
            "https://a/\\b",
            "http://999999999999/",
            "https://user@host/",
            "https://h:99999/",
            "/a b",
            "https://XN--abc/",
            "https://ex-.com/",
            "https://-ex.com/",
            "javascript:alert(1)",
        ];
        // Every prefix of every sample, and every sample with each interesting byte spliced in.
        let splice = [
            '/', '\\', ':', '@', '.', '%', ' ', '\t', '[', ']', '#', '?', '0', 'x', '-', '\u{e9}',
        ];
        let mut checked = 0;
        for sample in common.iter().chain(tricky.iter()) {
            let mut variants: Vec<String> = (0..=sample.len())
                .filter(|&i| sample.is_char_boundary(i))
                .map(|i| sample[..i].to_owned())
                .collect();
            for i in (0..=sample.len()).filter(|&i| sample.is_char_boundary(i)) {
                for c in splice {
                    let mut v = sample.to_string();
                    v.insert(i, c);
                    variants.push(v);
                }
            }
            for v in variants {
                checked += 1;
                if plainly_url_or_path(&v) {
                    assert!(
                        BASE.join(&v).is_ok(),
                        "the fast path took {v:?}, which the parser refuses"
                    );
                }
            }
        }
        assert!(checked > 5_000, "{checked}");
    }

    /// An astral character: 1 code point, 2 UTF-16 code units, 4 UTF-8 bytes.
    const ASTRAL: &str = "😀";

    #[test]
    fn name_of_fifty_units_passes_and_fifty_one_fails() {
        assert!(event_name("event_name", &"a".repeat(50), MAX_NAME).is_ok());
        let err = event_name("event_name", &"a".repeat(51), MAX_NAME).unwrap_err();
        assert_eq!(err.field(), "event_name");
        assert_eq!(err.problem(), "51 UTF-16 code units, at most 50 allowed");
    }

    #[test]
    fn bmp_names_count_one_unit_per_char() {
        assert!(event_name("event_name", &"é".repeat(50), MAX_NAME).is_ok());
        assert!(event_name("event_name", &"é".repeat(51), MAX_NAME).is_err());
    }

    /// Every zod string limit, on both sides, with astral characters: 25 emoji are 50 units,
    /// 25 emoji and one ASCII letter 51, 26 emoji 52.
    #[test]
    fn zod_limits_count_utf16_units_with_astral_characters() {
        let limits: [(&str, usize); 5] = [
            ("event_name", MAX_NAME),
            ("tag", MAX_TAG),
            ("hostname", MAX_HOSTNAME),
            ("language", MAX_LANGUAGE),
            ("screen", MAX_SCREEN),
        ];
        for (field, max) in limits {
            let check = |value: &str| {
                if field == "event_name" || field == "tag" {
                    event_name(field, value, max)
                } else {
                    max_chars(field, value, max)
                }
            };
            let half = max / 2;
            // Exactly at the limit: astral pairs, plus one ASCII letter for an odd limit.
            let at = format!("{}{}", ASTRAL.repeat(half), "a".repeat(max % 2));
            assert_eq!(utf16_len(&at), max);
            assert!(check(&at).is_ok(), "{field}: {max} units must pass");
            // One unit over: one more ASCII letter.
            let over_by_one = format!("{at}a");
            let err = check(&over_by_one).unwrap_err();
            assert_eq!(err.field(), field);
            assert_eq!(
                err.problem(),
                format!("{} UTF-16 code units, at most {max} allowed", max + 1)
            );
            // An astral character that crosses the limit although the char count does not.
            let chars_fit = format!("{}{}", ASTRAL.repeat(half + 1), "a".repeat(max % 2));
            assert!(chars_fit.chars().count() <= max, "{field}");
            let err = check(&chars_fit).unwrap_err();
            assert_eq!(
                err.problem(),
                format!(
                    "{} UTF-16 code units, at most {max} allowed",
                    utf16_len(&chars_fit)
                )
            );
        }
    }

    /// Every varchar limit counts code points: an astral character is one.
    #[test]
    fn column_limits_count_code_points_with_astral_characters() {
        type Check = fn(&'static str, &str) -> Result<(), ValidationError>;
        let limits: [(&str, usize, Check); 3] = [
            ("distinct_id", MAX_DISTINCT_ID, distinct_id),
            ("browser", MAX_SESSION_FIELD, session_field),
            ("currency", MAX_CURRENCY, currency),
        ];
        for (field, max, check) in limits {
            let at = ASTRAL.repeat(max);
            assert_eq!(utf16_len(&at), 2 * max);
            assert!(
                check(field, &at).is_ok(),
                "{field}: {max} code points must pass"
            );
            let over = ASTRAL.repeat(max + 1);
            let err = check(field, &over).unwrap_err();
            assert_eq!(err.field(), field);
            assert_eq!(
                err.problem(),
                format!(
                    "{} characters (code points), at most {max} allowed (Umami stores it in a \
                     varchar({max}) column)",
                    max + 1
                )
            );
        }
    }

    #[test]
    fn csv_injection_leading_characters_are_this_crates_guard() {
        for bad in ["=SUM(A1)", "+1", "-x", "@me", "\tx", "\rx"] {
            let err = event_name("event_name", bad, MAX_NAME).unwrap_err();
            let first = bad.chars().next().unwrap();
            assert_eq!(
                err.problem(),
                format!("must not start with {first:?} {CSV_GUARD_RULE}")
            );
            assert!(err.problem().contains("this crate's CSV-injection guard"));
            assert!(err.problem().contains("Umami 3.1 itself accepts them"));
        }
        assert!(event_name("event_name", "Purchase-Course", MAX_NAME).is_ok());
    }

    #[test]
    fn uuid_requires_the_hyphenated_form() {
        assert!(uuid("website_id", "978435e2-7ba1-4337-9860-ec31ece2db60").is_ok());
        assert!(uuid("website_id", "978435e27ba1433798600ec31ece2db60").is_err());
        assert!(uuid("website_id", "not-a-uuid").is_err());
    }

    #[test]
    fn uuid_follows_rfc_9562_versions_and_variants() {
        let with = |version: char, variant: char| {
            format!("978435e2-7ba1-{version}337-{variant}860-ec31ece2db60")
        };
        for version in "12345678".chars() {
            for variant in "89abAB".chars() {
                assert!(uuid("website_id", &with(version, variant)).is_ok());
                assert!(is_uuid(&with(version, variant)));
            }
        }
        for version in "09aAfF".chars() {
            let err = uuid("website_id", &with(version, '9')).unwrap_err();
            assert_eq!(
                err.problem(),
                format!(
                    "\"{}\" has version digit {version:?}: Umami accepts RFC 9562 UUIDs \
                     (version digit 1 to 8, variant digit 8, 9, a or b) and the nil and max UUIDs",
                    with(version, '9')
                )
            );
        }
        for variant in "01234567cCdDeEfF".chars() {
            assert!(uuid("website_id", &with('4', variant)).is_err());
            assert!(!is_uuid(&with('4', variant)));
        }
        assert!(
            uuid("website_id", &with('0', 'c'))
                .unwrap_err()
                .problem()
                .contains("version digit '0' and variant digit 'c'")
        );
        for special in [
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
            "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
        ] {
            assert!(uuid("website_id", special).is_ok(), "{special}");
            assert!(is_uuid(special), "{special}");
        }
        // The example of issue 11: hyphenated hex with version digit 0.
        assert!(uuid("website_id", "978435e2-7ba1-0337-9860-ec31ece2db60").is_err());
        // Braces, URNs and the simple form parse as UUIDs elsewhere, not in zod.
        for other in [
            "{978435e2-7ba1-4337-9860-ec31ece2db60}",
            "urn:uuid:978435e2-7ba1-4337-9860-ec31ece2db60",
            "978435e27ba1433798600ec31ece2db60",
            "978435e2-7ba1-4337-9860-ec31ece2db6g",
            "978435e2-7ba1-4337-9860-ec31ece2db6",
            "978435e2-7ba1-4337-9860-ec31ece2db600",
        ] {
            assert!(uuid("website_id", other).is_err(), "{other}");
            assert!(!is_uuid(other), "{other}");
        }
    }

    #[test]
    fn timestamps_stop_at_the_largest_safe_integer() {
        assert!(timestamp_secs("timestamp", 0).is_ok());
        assert!(timestamp_secs("timestamp", 9_007_199_254_740_991).is_ok());
        for secs in [9_007_199_254_740_992, u64::MAX] {
            let err = timestamp_secs("timestamp", secs).unwrap_err();
            assert_eq!(err.field(), "timestamp");
            assert_eq!(
                err.problem(),
                format!(
                    "{secs} seconds after the Unix epoch, at most 9007199254740991 allowed \
                     (2^53 - 1, JavaScript's largest safe integer)"
                )
            );
        }
    }

    #[test]
    fn url_accepts_paths_and_absolute_urls() {
        assert!(url_or_path("url", "/checkout?x=1").is_ok());
        assert!(url_or_path("url", "https://example.com/a").is_ok());
        assert!(url_or_path("url", "").is_ok());
        assert!(url_or_path("url", "http://[::1").is_err());
    }

    #[test]
    fn utm_and_click_ids_in_the_query_hold_255_code_points() {
        for key in QUERY_PARAM_COLUMNS {
            let at = format!("/p?a=1&{key}={}", ASTRAL.repeat(255));
            assert!(url_query_params("url", &at).is_ok(), "{key}");
            let over = format!("https://shop.test/p?{key}={}x#top", ASTRAL.repeat(255));
            let err = url_query_params("url", &over).unwrap_err();
            assert_eq!(err.field(), "url");
            assert_eq!(
                err.problem(),
                format!(
                    "query parameter `{key}` has 256 characters (code points) once decoded, at \
                     most 255 allowed (Umami stores it in a varchar(255) column)"
                )
            );
        }
        // Decoded as URLSearchParams does: %XX and `+`.
        let encoded = format!("/p?utm_source={}", "%E2%82%AC".repeat(255));
        assert!(url_query_params("url", &encoded).is_ok());
        let plus = format!("/p?utm_term={}", "+".repeat(256));
        assert!(url_query_params("url", &plus).is_err());
        // Other parameters, and a second occurrence, are checked as they are.
        assert!(url_query_params("url", &format!("/p?ref={}", "x".repeat(1000))).is_ok());
        let second = format!("/p?gclid=a&gclid={}", "x".repeat(256));
        assert!(url_query_params("url", &second).is_err());
        // In the fragment it is no query parameter.
        assert!(url_query_params("url", &format!("/p#utm_source={}", "x".repeat(300))).is_ok());
    }

    #[test]
    fn web_vitals_ranges() {
        for field in ["lcp", "inp", "fcp", "ttfb"] {
            assert!(web_vital_ms(field, 0.0).is_ok());
            assert!(web_vital_ms(field, 60_000.0).is_ok());
            let err = web_vital_ms(field, 60_000.1).unwrap_err();
            assert_eq!(err.field(), field);
            assert_eq!(
                err.problem(),
                "60000.1 is outside 0 to 60000 milliseconds, the range Umami accepts"
            );
            assert!(web_vital_ms(field, -0.1).is_err());
            assert!(web_vital_ms(field, f64::NAN).is_err());
            assert!(web_vital_ms(field, f64::INFINITY).is_err());
        }
        assert!(cls("cls", 100.0).is_ok());
        assert!(cls("cls", 0.0).is_ok());
        assert_eq!(
            cls("cls", 100.5).unwrap_err().problem(),
            "100.5 is outside 0 to 100 (a unitless score), the range Umami accepts"
        );
        assert!(cls("cls", -1.0).is_err());
    }

    #[test]
    fn revenue_fits_decimal_19_4() {
        assert!(revenue("revenue", 0.0).is_ok());
        assert!(revenue("revenue", 999_999_999_999_999.9).is_ok());
        assert!(revenue("revenue", 1e15).is_err());
        assert!(revenue("revenue", -1.0).is_err());
        assert!(revenue("revenue", f64::NAN).is_err());
        assert!(currency("currency", " ").is_err());
    }

    #[test]
    fn custom_data_limits_follow_flattened_keys() {
        let long_key = "k".repeat(300);
        let nested = json!({ long_key.clone(): { long_key.clone(): 1 } });
        let err = custom_data("custom_data", nested.as_object().unwrap()).unwrap_err();
        assert!(
            err.problem().contains("601 characters (code points)"),
            "{err}"
        );
        let big = json!({"n": 1e15});
        assert!(custom_data("custom_data", big.as_object().unwrap()).is_err());
        let ok = json!({"n": 999_999_999_999_999_u64, "s": "x".repeat(500), "a": [1, 2]});
        assert!(custom_data("custom_data", ok.as_object().unwrap()).is_ok());
    }

    #[test]
    fn custom_data_counts_code_points_with_astral_characters() {
        let at = json!({ ASTRAL.repeat(500): ASTRAL.repeat(500) });
        assert!(custom_data("custom_data", at.as_object().unwrap()).is_ok());
        let long_value = json!({ "s": ASTRAL.repeat(501) });
        assert_eq!(
            custom_data("custom_data", long_value.as_object().unwrap())
                .unwrap_err()
                .problem(),
            "value of \"s\" has 501 characters (code points), at most 500 allowed (Umami \
             stores it in a varchar(500) column)"
        );
        let long_key = json!({ ASTRAL.repeat(250): { ASTRAL.repeat(250): 1 } });
        assert!(
            custom_data("custom_data", long_key.as_object().unwrap())
                .unwrap_err()
                .problem()
                .contains("has 501 characters (code points)")
        );
        for (n, fits) in [
            (json!(999_999_999_999_999.9), true),
            (json!(-999_999_999_999_999_i64), true),
            (json!(0.000_01), true),
            (json!(1e15), false),
            (json!(-1e15), false),
            (json!(1e20), false),
            (json!(u64::MAX), false),
        ] {
            let data = json!({ "n": n });
            assert_eq!(
                custom_data("custom_data", data.as_object().unwrap()).is_ok(),
                fits,
                "{n}"
            );
        }
    }
}
