//! A property test: a large seeded set of generated payloads, each run through the crate's
//! client-side checks (`umami::__private::validate`, the calls the hit validation makes) and through the
//! collector's rules (zod's schema in `rules`, the database columns in `columns`). Both must
//! agree on accept or reject for every input. Inputs sit on both sides of every limit, mixing
//! ASCII, two-byte, three-byte and astral characters, so that UTF-16 units and code points
//! differ.

use serde_json::{Map, Value, json};

use super::{columns, rules};
use umami::__private::validate;
use umami::ValidationError;

/// xorshift64*: small, seeded, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A string of about `limit` characters (in either unit), on both sides of it.
    fn text_near(&mut self, limit: usize) -> String {
        // 1 byte, 2 bytes, 3 bytes (one UTF-16 unit each), 4 bytes (two units).
        const CLASSES: [char; 5] = ['a', 'é', '中', '😀', '🎉'];
        let astral_share = *self.pick(&[0, 10, 50, 100]);
        // A quarter at the boundary (3 either side, in code points: with astral characters that
        // is up to twice as many UTF-16 units), the rest well below it.
        let count = if self.chance(25) {
            (limit + self.below(7) as usize).saturating_sub(3)
        } else {
            self.below((limit / 2 + 1) as u64) as usize
        };
        (0..count)
            .map(|_| {
                if self.chance(astral_share) {
                    *self.pick(&CLASSES[3..])
                } else {
                    *self.pick(&CLASSES[..3])
                }
            })
            .collect()
    }

    fn uuid(&mut self) -> String {
        match self.below(20) {
            0 => "00000000-0000-0000-0000-000000000000".to_owned(),
            1 => "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF".to_owned(),
            2 => "978435e27ba1433798600ec31ece2db60".to_owned(),
            3 => "{978435e2-7ba1-4337-9860-ec31ece2db60}".to_owned(),
            4..=11 => {
                // Valid: a version digit 1-8 and a variant digit 8, 9, a or b.
                let mut out = self.hex_uuid();
                let version = char::from(*self.pick(b"12345678"));
                let variant = char::from(*self.pick(b"89abAB"));
                out.replace_range(14..15, &version.to_string());
                out.replace_range(19..20, &variant.to_string());
                out
            }
            _ => self.hex_uuid(),
        }
    }

    /// Hyphenated hex with random version and variant digits; now and then a non-hex one.
    fn hex_uuid(&mut self) -> String {
        const HEX: &[u8] = b"0123456789abcdefABCDEF";
        let mut out = String::with_capacity(36);
        for i in 0..36 {
            match i {
                8 | 13 | 18 | 23 => out.push('-'),
                _ => out.push(char::from(*self.pick(HEX))),
            }
        }
        if self.chance(5) {
            out.replace_range(35.., "g");
        }
        out
    }

    fn metric(&mut self, max: f64) -> f64 {
        let random = (self.below(1_000_000) as f64) / 10.0;
        *self.pick(&[
            0.0,
            max,
            max + 0.1,
            max - 0.1,
            max + 1.0,
            -0.1,
            -1.0,
            random,
        ])
    }

    fn data(&mut self) -> Map<String, Value> {
        let mut map = Map::new();
        for _ in 0..self.below(4) {
            let value = match self.below(6) {
                0 => Value::from(self.text_near(validate::MAX_DATA_STRING)),
                1 => json!(*self.pick(&[
                    1e15,
                    -1e15,
                    999_999_999_999_999.9,
                    -999_999_999_999_999.0,
                    1e20,
                    0.000_01,
                    19.99,
                ])),
                2 => json!(self.below(u64::MAX)),
                3 => {
                    let (key, text) = (self.text_near(250), self.text_near(20));
                    json!({ key: text })
                }
                4 => json!([1, "x"]),
                _ => json!(self.chance(50)),
            };
            let key = if self.chance(30) {
                self.text_near(validate::MAX_DATA_KEY)
            } else {
                format!("k{}", self.below(1000))
            };
            map.insert(key, value);
        }
        if self.chance(30) {
            // The revenue columns: always a positive amount and a non-blank currency, the
            // case where Umami writes a revenue row.
            let revenue = *self.pick(&[19.99, 1.0, 999_999_999_999_999.0, 1e15, 5e15]);
            map.insert("revenue".into(), json!(revenue));
            let currency = self.text_near(validate::MAX_CURRENCY).replace(' ', "x");
            map.insert("currency".into(), Value::from(format!("U{currency}")));
        }
        map
    }

    fn url(&mut self) -> String {
        match self.below(6) {
            0 => "http://[::1".to_owned(),
            1 => "/plain/path".to_owned(),
            2 => format!("https://shop.test/p#utm_source={}", self.text_near(255)),
            _ => {
                let key = *self.pick(&validate::QUERY_PARAM_COLUMNS);
                let value = self.text_near(validate::MAX_QUERY_PARAM);
                format!("/p?ref={}&{key}={value}&x=1", self.text_near(10))
            }
        }
    }
}

/// One generated payload.
fn payload(rng: &mut Rng) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("website".into(), Value::from(rng.uuid()));
    let strings: [(&str, usize); 9] = [
        ("hostname", validate::MAX_HOSTNAME),
        ("language", validate::MAX_LANGUAGE),
        ("screen", validate::MAX_SCREEN),
        ("name", validate::MAX_NAME),
        ("tag", validate::MAX_TAG),
        ("id", validate::MAX_DISTINCT_ID),
        ("browser", validate::MAX_SESSION_FIELD),
        ("os", validate::MAX_SESSION_FIELD),
        ("device", validate::MAX_SESSION_FIELD),
    ];
    for (key, limit) in strings {
        if rng.chance(40) {
            p.insert(key.into(), Value::from(rng.text_near(limit)));
        }
    }
    if rng.chance(50) {
        p.insert("url".into(), Value::from(rng.url()));
    }
    if rng.chance(20) {
        p.insert("referrer".into(), Value::from(rng.url()));
    }
    if rng.chance(30) {
        let max = validate::MAX_TIMESTAMP_SECS;
        let secs = *rng.pick(&[max - 1, max, max + 1, max + 2, 1_700_000_000, u64::MAX]);
        p.insert("timestamp".into(), json!(secs));
    }
    for key in ["lcp", "inp", "fcp", "ttfb"] {
        if rng.chance(15) {
            p.insert(key.into(), json!(rng.metric(validate::MAX_WEB_VITAL_MS)));
        }
    }
    if rng.chance(15) {
        p.insert("cls".into(), json!(rng.metric(validate::MAX_CLS)));
    }
    if rng.chance(40) {
        p.insert("data".into(), Value::Object(rng.data()));
    }
    p
}

/// The checks the hit validation makes, field by field, as the crate runs them on what it
/// is about to send. Crate-only rules (blank names and hostnames, the CSV guard) are left
/// out here and checked in their own test below: the server has no such rule.
fn client_verdict(p: &Map<String, Value>) -> Result<(), ValidationError> {
    let text = |key: &str| p.get(key).and_then(Value::as_str);
    if let Some(website) = text("website") {
        validate::uuid("website_id", website)?;
    }
    let zod: [(&str, usize); 5] = [
        ("hostname", validate::MAX_HOSTNAME),
        ("language", validate::MAX_LANGUAGE),
        ("screen", validate::MAX_SCREEN),
        ("name", validate::MAX_NAME),
        ("tag", validate::MAX_TAG),
    ];
    for (key, max) in zod {
        if let Some(value) = text(key) {
            validate::max_chars("field", value, max)?;
        }
    }
    for key in ["url", "referrer"] {
        if let Some(value) = text(key) {
            validate::url_or_path("url", value)?;
        }
    }
    if let Some(url) = text("url") {
        validate::url_query_params("url", url)?;
    }
    if let Some(id) = text("id") {
        validate::distinct_id("distinct_id", id)?;
    }
    for key in ["browser", "os", "device"] {
        if let Some(value) = text(key) {
            validate::session_field("browser", value)?;
        }
    }
    if let Some(secs) = p.get("timestamp").and_then(Value::as_u64) {
        validate::timestamp_secs("timestamp", secs)?;
    }
    for key in ["lcp", "inp", "fcp", "ttfb"] {
        if let Some(ms) = p.get(key).and_then(Value::as_f64) {
            validate::web_vital_ms("lcp", ms)?;
        }
    }
    if let Some(score) = p.get("cls").and_then(Value::as_f64) {
        validate::cls("cls", score)?;
    }
    if let Some(data) = p.get("data").and_then(Value::as_object) {
        validate::custom_data("custom_data", data)?;
        if let (Some(revenue), Some(currency)) = (
            data.get("revenue").and_then(Value::as_f64),
            data.get("currency").and_then(Value::as_str),
        ) {
            validate::revenue("revenue", revenue)?;
            validate::currency("currency", currency)?;
        }
    }
    Ok(())
}

/// What the collector answers: accepted when zod passes and no column overflows.
fn collector_verdict(p: &Map<String, Value>) -> Result<(), String> {
    let body = json!({"type": "event", "payload": p});
    match rules::validate_send(Some(&body)) {
        Err(tree) => Err(format!("400 {}", serde_json::to_string(&tree).unwrap())),
        Ok(valid) => match columns::check(valid.payload) {
            Some(overflow) => Err(format!("500 {overflow:?}")),
            None => Ok(()),
        },
    }
}

#[test]
fn validate_and_the_collector_agree_on_generated_inputs() {
    const CASES: usize = 20_000;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut accepted, mut rejected) = (0, 0);
    for case in 0..CASES {
        let p = payload(&mut rng);
        let client = client_verdict(&p);
        let server = collector_verdict(&p);
        assert_eq!(
            client.is_ok(),
            server.is_ok(),
            "case {case}: validate says {client:?}, the collector {server:?}, for {}",
            Value::Object(p.clone())
        );
        if client.is_ok() {
            accepted += 1;
        } else {
            rejected += 1;
        }
    }
    // The generator must exercise both sides, or the agreement proves nothing.
    println!("{accepted} accepted, {rejected} rejected, all alike");
    assert!(
        accepted > CASES / 20 && rejected > CASES / 20,
        "{accepted} accepted, {rejected} rejected"
    );
}

/// Each limit alone, on both sides, astral characters included: the verdicts agree key by
/// key (a payload with only that key besides a valid website).
#[test]
fn every_limit_agrees_at_its_boundary() {
    const SITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";
    let limits: [(&str, usize); 9] = [
        ("hostname", 100),
        ("language", 35),
        ("screen", 11),
        ("name", 50),
        ("tag", 50),
        ("id", 50),
        ("browser", 20),
        ("os", 20),
        ("device", 20),
    ];
    for (key, max) in limits {
        for value in [
            "a".repeat(max),
            "a".repeat(max + 1),
            "😀".repeat(max / 2),
            format!("{}a", "😀".repeat(max / 2)),
            "😀".repeat(max / 2 + 1),
            "😀".repeat(max),
            "😀".repeat(max + 1),
            "中".repeat(max),
            "中".repeat(max + 1),
        ] {
            let mut p = Map::new();
            p.insert("website".into(), SITE.into());
            p.insert(key.into(), value.clone().into());
            let client = client_verdict(&p);
            let server = collector_verdict(&p);
            assert_eq!(
                client.is_ok(),
                server.is_ok(),
                "{key} = {} UTF-16 units / {} code points: validate {client:?}, collector \
                 {server:?}",
                value.encode_utf16().count(),
                value.chars().count()
            );
        }
    }
}

/// The crate's own rules that Umami 3.1.0 does not have: the collector accepts what they
/// refuse, and the crate's error says whose rule it is.
#[test]
fn crate_only_rules_are_stricter_than_the_server() {
    const SITE: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";
    for name in ["=SUM(A1)", "+1", "-x", "@me", "\tx", "\rx", "   "] {
        let err = validate::event_name("event_name", name, validate::MAX_NAME).unwrap_err();
        assert!(
            err.problem().contains("this crate's CSV-injection guard")
                || err.problem() == "must not be empty or blank",
            "{name:?}: {err}"
        );
        let mut p = Map::new();
        p.insert("website".into(), SITE.into());
        p.insert("name".into(), name.into());
        p.insert("tag".into(), name.into());
        assert_eq!(collector_verdict(&p), Ok(()), "{name:?}");
    }
}
