//! The one wire type of a hit: `{"type": ..., "payload": {...}}` as `/api/send` receives it
//! and as every `/api/batch` item is, in the protocol's key names.
//!
//! Borrowed ([`Cow::Borrowed`]) when a builder sends at once, so that nothing is copied;
//! owned when a [`PreparedHit`](super::PreparedHit) keeps it. Serialized once either way.

use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::{Map, Value};

use super::builder::HitKind;
use super::distinct_id::DistinctId;
use crate::client::Config;
use crate::error::{Error, ValidationError};
use crate::validate;

/// One hit on the wire.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Envelope<'a> {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) payload: Payload<'a>,
}

/// The payload keys of `/api/send` (Umami 3.1), in the protocol's names. Absent keys are left
/// out of the JSON, never sent as `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Payload<'a> {
    pub(crate) website: Cow<'a, str>,
    pub(crate) hostname: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) language: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) screen: Option<Cow<'a, str>>,
    pub(crate) url: Cow<'a, str>,
    pub(crate) referrer: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) title: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) data: Option<Cow<'a, Map<String, Value>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tag: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ip: Option<Cow<'a, str>>,
    #[serde(rename = "userAgent", skip_serializing_if = "Option::is_none")]
    pub(crate) user_agent: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) timestamp: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) browser: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) os: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) device: Option<Cow<'a, str>>,
    /// Web vitals of a `performance` hit (Umami 3.1+), in milliseconds; `cls` is unitless.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) lcp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) inp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cls: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) fcp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ttfb: Option<f64>,
}

/// A hit's inputs as borrowed text, before the defaults and the check: what a
/// [`HitBuilder`](super::HitBuilder) holds, or what the web layer reads from a request (its
/// page views skip the builder's owned strings). [`Envelope::new`] makes the wire form of
/// either.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HitFields<'a> {
    pub(crate) website_id: Option<&'a str>,
    pub(crate) hostname: Option<&'a str>,
    pub(crate) url: Option<&'a str>,
    pub(crate) title: Option<&'a str>,
    pub(crate) referrer: Option<&'a str>,
    pub(crate) language: Option<&'a str>,
    pub(crate) screen: Option<&'a str>,
    pub(crate) name: Option<&'a str>,
    /// The custom data, or why it could not be made.
    pub(crate) data: Option<Result<&'a Map<String, Value>, &'a ValidationError>>,
    /// Revenue and currency, already merged into `data` (checked here).
    pub(crate) revenue: Option<(f64, &'a str)>,
    pub(crate) tag: Option<&'a str>,
    pub(crate) distinct_id: Option<&'a DistinctId>,
    pub(crate) ip_address: Option<&'a str>,
    pub(crate) user_agent: Option<&'a str>,
    pub(crate) timestamp: Option<SystemTime>,
    pub(crate) browser: Option<&'a str>,
    pub(crate) os: Option<&'a str>,
    pub(crate) device: Option<&'a str>,
    /// No invented `language` and `screen` (see `HitBuilder::server_side`).
    pub(crate) server_side: bool,
    pub(crate) vitals: Vitals,
}

/// The web vitals of a `performance` hit.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Vitals {
    pub(crate) lcp: Option<f64>,
    pub(crate) inp: Option<f64>,
    pub(crate) cls: Option<f64>,
    pub(crate) fcp: Option<f64>,
    pub(crate) ttfb: Option<f64>,
}

impl<'a> Envelope<'a> {
    /// The one constructor of the wire form, for every hit: a builder's, and the web layer's
    /// page views. Applies the defaults (the client's website id and hostname, the seed's
    /// `url`, `referrer`, `language`, `screen`, the event name as title), drops blank
    /// optional values, and runs the one check ([`Payload::check`]): the hit is valid when
    /// this returns it. Borrows every string: nothing is copied. Inlined, so that the
    /// envelope (some 500 bytes) is built where it is used rather than moved there.
    #[inline]
    pub(crate) fn new<K: HitKind>(
        hit: &HitFields<'a>,
        config: &'a Config,
    ) -> Result<Envelope<'a>, Error> {
        let Some(website) = hit.website_id.or(config.website_id.as_deref()) else {
            return Err(ValidationError::new(
                "website_id",
                "is required: pass it here or set a default with website_id() on the client \
                 builder (or umami::set_website_id())",
            )
            .into());
        };
        let Some(hostname) = hit.hostname.or(config.hostname.as_deref()) else {
            return Err(ValidationError::new(
                "hostname",
                "is required: pass it here or set a default with hostname() on the client \
                 builder (or umami::set_hostname())",
            )
            .into());
        };
        let invented = |default| (!hit.server_side).then_some(default);
        let id = match hit.distinct_id {
            Some(id) if !id.is_blank() => Some(id.as_str()),
            // An identify hit without an id would only attach data to an anonymous session:
            // surely a bug in the caller, so say so instead of sending it.
            _ if K::REQUIRES_ID => {
                return Err(ValidationError::new(
                    "distinct_id",
                    "must not be empty or blank: identify ties the session to this id",
                )
                .into());
            }
            _ => None,
        };
        let timestamp = match hit.timestamp {
            Some(at) => Some(unix_seconds(at)?),
            None => None,
        };
        if let Some((revenue, currency)) = hit.revenue {
            validate::revenue("revenue", revenue)?;
            validate::not_blank("currency", currency)?;
            validate::currency("currency", currency.trim())?;
        }
        let data = match hit.data {
            None => None,
            Some(Ok(map)) => Some(Cow::Borrowed(map)),
            Some(Err(error)) => return Err(error.clone().into()),
        };
        let borrowed = |s: Option<&'a str>| s.map(Cow::Borrowed);
        let filled = |s: Option<&'a str>| s.map(trim).filter(|s| !s.is_empty());
        let vitals = &hit.vitals;
        let payload = Payload {
            website: Cow::Borrowed(website),
            hostname: Cow::Borrowed(hostname),
            language: borrowed(hit.language.or_else(|| invented("en-US"))),
            screen: borrowed(hit.screen.or_else(|| invented("1920x1080"))),
            url: Cow::Borrowed(hit.url.unwrap_or("/")),
            referrer: Cow::Borrowed(hit.referrer.unwrap_or("")),
            title: borrowed(hit.title.or(hit.name)),
            name: borrowed(hit.name),
            data,
            tag: borrowed(hit.tag),
            id: borrowed(id),
            ip: borrowed(filled(hit.ip_address)),
            user_agent: borrowed(hit.user_agent.filter(|ua| !trim(ua).is_empty())),
            timestamp,
            browser: borrowed(filled(hit.browser)),
            os: borrowed(filled(hit.os)),
            device: borrowed(filled(hit.device)),
            lcp: vitals.lcp,
            inp: vitals.inp,
            cls: vitals.cls,
            fcp: vitals.fcp,
            ttfb: vitals.ttfb,
        };
        payload.check(K::DATA_FIELD)?;
        Ok(Envelope {
            kind: K::TYPE,
            payload,
        })
    }
}

/// `str::trim`, at once for the usual value that starts and ends with a visible ASCII
/// character (nothing to trim: `str::trim` would scan it for Unicode white space).
fn trim(value: &str) -> &str {
    match (value.as_bytes().first(), value.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => value,
        _ => value.trim(),
    }
}

/// A `timestamp` as the Unix seconds Umami takes.
fn unix_seconds(at: SystemTime) -> Result<u64, ValidationError> {
    let secs = at
        .duration_since(UNIX_EPOCH)
        .map_err(|_| ValidationError::new("timestamp", "is before 1970-01-01 (Unix epoch)"))?
        .as_secs();
    validate::timestamp_secs("timestamp", secs)?;
    Ok(secs)
}

impl Envelope<'_> {
    /// The JSON bytes, exactly sized (a queued hit keeps them for its whole life): what
    /// `serde_json::to_vec(self)` writes, byte for byte, written straight (a page view per
    /// request is serialized; serde's escaping pass costs more than the rest of the hit).
    pub(crate) fn to_bytes(&self) -> Box<[u8]> {
        let p = &self.payload;
        // The string members in serde's order (custom data and the numbers stand between
        // them, see below), each after its `,"key":"` (the comma left out before the first).
        // Exactly the length when no string needs escaping and no number or data is sent
        // (every page view): the boxed bytes then keep the buffer as it is.
        let strings = [
            (",\"website\":\"", Some(&p.website)),
            (",\"hostname\":\"", Some(&p.hostname)),
            (",\"language\":\"", p.language.as_ref()),
            (",\"screen\":\"", p.screen.as_ref()),
            (",\"url\":\"", Some(&p.url)),
            (",\"referrer\":\"", Some(&p.referrer)),
            (",\"title\":\"", p.title.as_ref()),
            (",\"name\":\"", p.name.as_ref()),
            (",\"tag\":\"", p.tag.as_ref()),
            (",\"id\":\"", p.id.as_ref()),
            (",\"ip\":\"", p.ip.as_ref()),
            (",\"userAgent\":\"", p.user_agent.as_ref()),
            (",\"browser\":\"", p.browser.as_ref()),
            (",\"os\":\"", p.os.as_ref()),
            (",\"device\":\"", p.device.as_ref()),
        ];
        // `{"type":"…","payload":{` and `}}`, then each member and its closing quote.
        let mut length = self.kind.len() + 24;
        for (piece, value) in strings {
            if let Some(value) = value {
                length += piece.len() + value.len() + 1;
            }
        }
        let mut out = JsonWriter {
            buf: Vec::with_capacity(length - 1),
            first: true,
        };
        // The kind is one of the protocol's own words: nothing in it needs escaping.
        debug_assert!(!needs_escape(self.kind));
        out.buf.extend_from_slice(b"{\"type\":\"");
        out.buf.extend_from_slice(self.kind.as_bytes());
        out.buf.extend_from_slice(b"\",\"payload\":{");
        // `website` to `name`, `data`, `tag` to `userAgent`, `timestamp`, `browser` to `device`.
        let (up_to_name, rest) = strings.split_at(8);
        let (up_to_user_agent, up_to_device) = rest.split_at(4);
        out.strings(up_to_name);
        if let Some(data) = &p.data {
            out.value("data", data);
        }
        out.strings(up_to_user_agent);
        if let Some(timestamp) = &p.timestamp {
            out.value("timestamp", timestamp);
        }
        out.strings(up_to_device);
        let vitals = [
            ("lcp", p.lcp),
            ("inp", p.inp),
            ("cls", p.cls),
            ("fcp", p.fcp),
            ("ttfb", p.ttfb),
        ];
        for (key, vital) in vitals {
            if let Some(vital) = &vital {
                out.value(key, vital);
            }
        }
        out.buf.extend_from_slice(b"}}");
        out.buf.into_boxed_slice()
    }

    /// The same hit, owning every string.
    pub(crate) fn into_owned(self) -> Envelope<'static> {
        Envelope {
            kind: self.kind,
            payload: self.payload.into_owned(),
        }
    }
}

/// The members of one JSON object, written in order.
struct JsonWriter {
    buf: Vec<u8>,
    first: bool,
}

impl JsonWriter {
    /// `"key":`, after a comma but for the first member. Keys are the protocol's own
    /// identifiers: nothing in them needs escaping.
    fn key(&mut self, key: &str) {
        debug_assert!(!needs_escape(key), "{key:?} is a plain identifier");
        if !std::mem::take(&mut self.first) {
            self.buf.push(b',');
        }
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    /// The string members whose values are present, in order: each `,"key":"` (see
    /// `to_bytes`) and its value.
    fn strings(&mut self, members: &[(&str, Option<&Cow<'_, str>>)]) {
        for (piece, value) in members {
            if let Some(value) = value {
                self.string(piece, value);
            }
        }
    }

    /// `,"key":"` (without its comma for the first member), then the string as serde_json
    /// writes it: text without a quote, backslash or control character is copied as it is;
    /// the rest is left to serde_json's escaping.
    fn string(&mut self, piece: &str, value: &str) {
        let piece = piece.as_bytes();
        let piece = if std::mem::take(&mut self.first) {
            &piece[1..]
        } else {
            piece
        };
        if needs_escape(value) {
            // Without the opening quote: serde_json writes the string whole.
            self.buf.extend_from_slice(&piece[..piece.len() - 1]);
            self.json(value);
        } else {
            self.buf.extend_from_slice(piece);
            self.buf.extend_from_slice(value.as_bytes());
            self.buf.push(b'"');
        }
    }

    fn value<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        self.key(key);
        self.json(value);
    }

    fn json<T: Serialize + ?Sized>(&mut self, value: &T) {
        serde_json::to_writer(&mut self.buf, value)
            .expect("strings, numbers and JSON values serialize");
    }
}

/// Whether serde_json escapes something in `value`: a quote, a backslash or a control
/// character. Sixteen bytes at a time without a branch (the compiler makes each block a few
/// vector instructions); a shorter string is padded to sixteen bytes, a longer one's last
/// block overlaps the one before.
fn needs_escape(value: &str) -> bool {
    fn block(bytes: &[u8; 16]) -> bool {
        bytes.iter().fold(false, |any, &b| {
            any | (b < 0x20) | (b == b'"') | (b == b'\\')
        })
    }
    let bytes = value.as_bytes();
    let Some(last) = bytes.len().checked_sub(16) else {
        let mut padded = [b' '; 16];
        padded[..bytes.len()].copy_from_slice(bytes);
        return block(&padded);
    };
    let mut any = bytes[last..].try_into().is_ok_and(block);
    for chunk in bytes.chunks_exact(16) {
        any |= chunk.try_into().is_ok_and(block);
    }
    any
}

impl Payload<'_> {
    /// Checks every field as the server would (see [`validate`]): the one check of a hit,
    /// whichever way it was built. `data_field` names the custom data in errors.
    pub(crate) fn check(&self, data_field: &'static str) -> Result<(), ValidationError> {
        validate::uuid("website_id", &self.website)?;
        validate::not_blank("hostname", &self.hostname)?;
        validate::max_chars("hostname", &self.hostname, validate::MAX_HOSTNAME)?;
        if let Some(name) = &self.name {
            validate::event_name("event_name", name, validate::MAX_NAME)?;
        }
        validate::url_or_path("url", &self.url)?;
        validate::url_query_params("url", &self.url)?;
        validate::url_or_path("referrer", &self.referrer)?;
        if let Some(language) = &self.language {
            validate::max_chars("language", language, validate::MAX_LANGUAGE)?;
        }
        if let Some(screen) = &self.screen {
            validate::max_chars("screen", screen, validate::MAX_SCREEN)?;
        }
        if let Some(tag) = &self.tag {
            validate::event_name("tag", tag, validate::MAX_TAG)?;
        }
        if let Some(id) = &self.id {
            validate::distinct_id("distinct_id", id)?;
        }
        if let Some(ip) = &self.ip {
            validate::ip_address("ip_address", ip)?;
        }
        if let Some(timestamp) = self.timestamp {
            validate::timestamp_secs("timestamp", timestamp)?;
        }
        for (field, value) in [
            ("browser", &self.browser),
            ("os", &self.os),
            ("device", &self.device),
        ] {
            if let Some(value) = value {
                validate::session_field(field, value)?;
            }
        }
        if let Some(data) = &self.data {
            validate::custom_data(data_field, data)?;
        }
        let vitals = [
            ("lcp", self.lcp),
            ("inp", self.inp),
            ("fcp", self.fcp),
            ("ttfb", self.ttfb),
        ];
        for (field, value) in vitals {
            if let Some(value) = value {
                validate::web_vital_ms(field, value)?;
            }
        }
        if let Some(cls) = self.cls {
            validate::cls("cls", cls)?;
        }
        Ok(())
    }

    fn into_owned(self) -> Payload<'static> {
        fn own(s: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
            s.map(|s| Cow::Owned(s.into_owned()))
        }
        Payload {
            website: Cow::Owned(self.website.into_owned()),
            hostname: Cow::Owned(self.hostname.into_owned()),
            language: own(self.language),
            screen: own(self.screen),
            url: Cow::Owned(self.url.into_owned()),
            referrer: Cow::Owned(self.referrer.into_owned()),
            title: own(self.title),
            name: own(self.name),
            data: self.data.map(|d| Cow::Owned(d.into_owned())),
            tag: own(self.tag),
            id: own(self.id),
            ip: own(self.ip),
            user_agent: own(self.user_agent),
            timestamp: self.timestamp,
            browser: own(self.browser),
            os: own(self.os),
            device: own(self.device),
            lcp: self.lcp,
            inp: self.inp,
            cls: self.cls,
            fcp: self.fcp,
            ttfb: self.ttfb,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no dependency): xorshift.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn text(&mut self) -> Cow<'static, str> {
            const PIECES: [&str; 14] = [
                "a",
                "Z",
                "/",
                "?",
                "\"",
                "\\",
                "\n",
                "\t",
                "\u{1}",
                "\u{1f}",
                "\u{7f}",
                "\u{e9}",
                "\u{1f600}",
                " ",
            ];
            let n = self.next() % 12;
            (0..n)
                .map(|_| PIECES[(self.next() % PIECES.len() as u64) as usize])
                .collect::<String>()
                .into()
        }
        fn maybe_text(&mut self) -> Option<Cow<'static, str>> {
            (self.next() % 3 != 0).then(|| self.text())
        }
        fn maybe_number(&mut self) -> Option<f64> {
            let n = self.next();
            (n % 3 == 0).then(|| (n % 600_000) as f64 / 10.0 + if n % 2 == 0 { 0.0 } else { 1e-3 })
        }
    }

    /// Every byte value at every position of strings of 0 to 19 bytes, next to bytes just
    /// above the thresholds: the scan finds exactly what serde_json escapes.
    #[test]
    fn the_escape_scan_finds_every_byte_serde_escapes() {
        // serde_json escapes a string when its JSON is more than the string in quotes.
        let serde_escapes = |s: &str| serde_json::to_string(s).unwrap() != format!("\"{s}\"");
        let mut checked = 0;
        for len in 0..20 {
            for at in 0..len {
                for byte in 0..0x80_u8 {
                    let mut text = vec![b'a'; len];
                    text[at] = byte;
                    // A neighbour just above a threshold must not hide or fake a match.
                    if at + 1 < len {
                        text[at + 1] = [0x20, b'#', b']', 0x7f][usize::from(byte) % 4];
                    }
                    let text = String::from_utf8(text).unwrap();
                    assert_eq!(needs_escape(&text), serde_escapes(&text), "{text:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 190 * 128);
        assert!(needs_escape("caf\u{e9} \u{1f600} \""));
        assert!(!needs_escape("caf\u{e9} \u{1f600} \u{7f}"));
    }

    /// One character serde_json escapes, alone in any one of a hit's strings, comes out
    /// escaped (in the random envelopes every hit has several).
    #[test]
    fn one_escaped_character_anywhere_is_escaped() {
        let envelope = |texts: &[String; 16]| Envelope {
            kind: ["event", "identify"][texts[0].len() % 2],
            payload: Payload {
                website: texts[1].clone().into(),
                hostname: texts[2].clone().into(),
                language: Some(texts[3].clone().into()),
                screen: Some(texts[4].clone().into()),
                url: texts[5].clone().into(),
                referrer: texts[6].clone().into(),
                title: Some(texts[7].clone().into()),
                name: Some(texts[8].clone().into()),
                tag: Some(texts[9].clone().into()),
                id: Some(texts[10].clone().into()),
                ip: Some(texts[11].clone().into()),
                user_agent: Some(texts[12].clone().into()),
                browser: Some(texts[13].clone().into()),
                os: Some(texts[14].clone().into()),
                device: Some(texts[15].clone().into()),
                timestamp: Some(1_764_547_200),
                lcp: Some(2.5),
                ..Payload::default()
            },
        };
        let plain: [String; 16] = std::array::from_fn(|i| format!("Plain text {i} \u{e9}"));
        let mut compared = 0;
        for special in ["\"", "\\", "\n", "\u{1}", "\u{1f}"] {
            for field in 1..16 {
                let mut texts = plain.clone();
                texts[field] = format!("a{special}b");
                let envelope = envelope(&texts);
                let expected = serde_json::to_vec(&envelope).unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&envelope.to_bytes()),
                    String::from_utf8_lossy(&expected),
                    "{special:?} in field {field}"
                );
                compared += 1;
            }
        }
        assert_eq!(compared, 5 * 15);
        let envelope = envelope(&plain);
        assert_eq!(
            &*envelope.to_bytes(),
            &serde_json::to_vec(&envelope).unwrap()[..]
        );
    }

    #[test]
    fn to_bytes_writes_what_serde_json_writes() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..3_000 {
            let data = (round % 4 == 0).then(|| {
                let mut map = Map::new();
                map.insert(
                    rng.text().into_owned(),
                    Value::from(rng.text().into_owned()),
                );
                map.insert("n".into(), Value::from(round as f64 / 7.0));
                Cow::Owned(map)
            });
            let envelope = Envelope {
                kind: ["event", "identify", "performance"][round % 3],
                payload: Payload {
                    website: rng.text(),
                    hostname: rng.text(),
                    language: rng.maybe_text(),
                    screen: rng.maybe_text(),
                    url: rng.text(),
                    referrer: rng.text(),
                    title: rng.maybe_text(),
                    name: rng.maybe_text(),
                    data,
                    tag: rng.maybe_text(),
                    id: rng.maybe_text(),
                    ip: rng.maybe_text(),
                    user_agent: rng.maybe_text(),
                    timestamp: (round % 5 == 0).then(|| rng.next() >> 11),
                    browser: rng.maybe_text(),
                    os: rng.maybe_text(),
                    device: rng.maybe_text(),
                    lcp: rng.maybe_number(),
                    inp: rng.maybe_number(),
                    cls: rng.maybe_number(),
                    fcp: rng.maybe_number(),
                    ttfb: rng.maybe_number(),
                },
            };
            let expected = serde_json::to_vec(&envelope).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&envelope.to_bytes()),
                String::from_utf8_lossy(&expected),
                "round {round}"
            );
        }
    }

    #[test]
    fn trim_is_str_trim() {
        for value in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{b}a",
            "a\u{b}",
            "\u{a0}a\u{3000}",
            "\u{e9}",
            "a b",
            "\t127.0.0.1\n",
            "Mozilla/5.0 (X11)",
            "\u{85}x",
            "x\u{2028}",
        ] {
            assert_eq!(trim(value), value.trim(), "{value:?}");
        }
    }

    #[test]
    fn a_page_views_bytes_are_sized_exactly() {
        let envelope = Envelope {
            kind: "event",
            payload: Payload {
                website: "978435e2-7ba1-4337-9860-ec31ece2db60".into(),
                hostname: "shop.example.com".into(),
                language: Some("de-CH".into()),
                url: "/pricing".into(),
                referrer: "".into(),
                title: Some("/pricing".into()),
                ip: Some("198.51.100.4".into()),
                user_agent: Some("Mozilla/5.0".into()),
                ..Payload::default()
            },
        };
        let expected = serde_json::to_vec(&envelope).unwrap();
        let bytes = envelope.to_bytes();
        assert_eq!(&*bytes, &expected[..]);
        // The estimate used for the buffer is the length itself (no reallocation to box it).
        let strings: usize = [
            ("website", 36),
            ("hostname", 16),
            ("language", 5),
            ("url", 8),
            ("referrer", 0),
            ("title", 8),
            ("ip", 12),
            ("userAgent", 11),
        ]
        .iter()
        .map(|(k, v): &(&str, usize)| k.len() + v + 6)
        .sum();
        assert_eq!(bytes.len(), "event".len() + 24 + strings - 1);
    }
}
