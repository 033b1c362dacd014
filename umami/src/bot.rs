//! Umami's bot filter: the User-Agent patterns of [isbot] 5.2.3, the library Umami uses
//! (feature `bot-filter`). The dispatcher uses it to batch hits
//! that carry a visitor's User-Agent and to keep bots' hits from being sent at all.
//!
//! A User-Agent is a bot when any pattern matches it, case-insensitively; an empty one is not.
//! Umami answers such hits `200 {"beep":"boop"}` and stores nothing.
//!
//! ```
//! use umami::bot;
//!
//! assert!(!bot::is_bot(umami::DEFAULT_USER_AGENT));
//! assert!(bot::is_bot("reqwest/0.13"));
//! assert!(!bot::is_bot(""));
//! ```
//!
//! [isbot]: https://github.com/omrilotan/isbot

use std::sync::LazyLock;

use fancy_regex::Regex;

/// The JavaScript patterns exactly as isbot ships them (public domain).
const PATTERNS_JSON: &str = include_str!("isbot-patterns.json");

struct Pattern {
    source: String,
    regex: Regex,
}

static PATTERNS: LazyLock<Vec<Pattern>> = LazyLock::new(|| {
    let sources: Vec<String> = serde_json::from_str(PATTERNS_JSON)
        .expect("isbot-patterns.json is a JSON array of strings");
    sources
        .into_iter()
        .map(|source| {
            let rust = js_to_rust(&source);
            let regex = Regex::new(&format!("(?i){rust}")).unwrap_or_else(|e| {
                panic!("isbot pattern {source:?} (as {rust:?}) does not compile: {e}")
            });
            Pattern { source, regex }
        })
        .collect()
});

/// The patterns as two matchers: every pattern without look-arounds or back-references in
/// one alternation (fancy-regex hands such a regex to regex-automata: one automaton, one
/// pass over the User-Agent), and the few that need backtracking one by one.
struct Matcher {
    plain: Option<Regex>,
    fancy: Vec<Regex>,
}

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    let (fancy, plain): (Vec<&Pattern>, Vec<&Pattern>) =
        PATTERNS.iter().partition(|p| needs_backtracking(&p.source));
    let alternation = plain
        .iter()
        .map(|p| format!("(?:{})", js_to_rust(&p.source)))
        .collect::<Vec<_>>()
        .join("|");
    Matcher {
        plain: (!plain.is_empty()).then(|| {
            Regex::new(&format!("(?i){alternation}"))
                .expect("an alternation of patterns that compile alone compiles")
        }),
        fancy: fancy.iter().map(|p| p.regex.clone()).collect(),
    }
});

/// Whether a JavaScript pattern uses what only a backtracking engine runs.
fn needs_backtracking(source: &str) -> bool {
    ["(?=", "(?!", "(?<=", "(?<!"]
        .iter()
        .any(|look| source.contains(look))
        || source
            .as_bytes()
            .windows(2)
            .any(|w| w[0] == b'\\' && w[1].is_ascii_digit() && w[1] != b'0')
}

/// Whether Umami's bot filter drops a hit with this User-Agent.
///
/// An empty User-Agent is not a bot (Umami stores such hits with an empty browser and OS).
pub fn is_bot(user_agent: &str) -> bool {
    if user_agent.is_empty() {
        return false;
    }
    let matcher = &*MATCHER;
    matcher
        .plain
        .as_ref()
        .is_some_and(|plain| matches(plain, user_agent))
        || matcher.fancy.iter().any(|regex| matches(regex, user_agent))
}

/// The isbot patterns (in their JavaScript form) that match `user_agent`; empty when it
/// passes the filter. Useful to explain why a User-Agent is taken for a bot.
///
/// ```
/// let why = umami::bot::matching_patterns("curl/8.5.0");
/// assert!(!why.is_empty());
/// ```
pub fn matching_patterns(user_agent: &str) -> Vec<&'static str> {
    if user_agent.is_empty() {
        return Vec::new();
    }
    PATTERNS
        .iter()
        .filter(|p| matches(&p.regex, user_agent))
        .map(|p| p.source.as_str())
        .collect()
}

/// Every pattern, in its JavaScript form, in isbot's order.
pub fn patterns() -> Vec<&'static str> {
    PATTERNS.iter().map(|p| p.source.as_str()).collect()
}

fn matches(regex: &Regex, haystack: &str) -> bool {
    // A backtracking limit hit means the pattern could not decide; isbot's JavaScript engine
    // has no such limit, but none of its patterns backtracks that far on a real UA.
    regex.is_match(haystack).unwrap_or(false)
}

/// Rewrites a JavaScript regex so that it means the same to fancy-regex.
///
/// - `\w` and `\d` are ASCII in JavaScript but Unicode in Rust: spelled out as ASCII sets.
/// - Inside `[...]`, JavaScript reads a `-` right after a class escape (`[\w-.]`) as a
///   literal; Rust would read a range (and reject it): escaped.
/// - Inside `[...]`, Rust gives `[`, `&&` and `~~` special meanings JavaScript does not:
///   escaped.
pub(crate) fn js_to_rust(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(escaped) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let expansion = match escaped {
                    'w' => Some("0-9A-Za-z_"),
                    'd' => Some("0-9"),
                    _ => None,
                };
                match (expansion, in_class) {
                    (Some(set), true) => out.push_str(set),
                    (Some(set), false) => {
                        out.push('[');
                        out.push_str(set);
                        out.push(']');
                    }
                    (None, _) => {
                        out.push('\\');
                        out.push(escaped);
                    }
                }
                if in_class
                    && matches!(escaped, 'w' | 'd' | 's' | 'W' | 'D' | 'S')
                    && chars.peek() == Some(&'-')
                {
                    chars.next();
                    out.push_str("\\-");
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                // A leading `^` negates and a leading `]` is literal in both dialects.
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
            }
            '[' | '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_combined_matcher_agrees_with_every_pattern_alone() {
        let samples = [
            "curl/8.5.0",
            "reqwest/0.13",
            "Mozilla/5.0 umami-rs/0.1.0",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/131.0.0.0 Safari/537.36",
            "okhttp/4.12.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15",
            "python-requests/2.31",
            "Java/17",
            "PostmanRuntime/7.36",
            "facebookexternalhit/1.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131 Mobile",
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "HeadlessChrome/120",
            "Mozilla/5.0 Umami/v20.20.2",
        ];
        for ua in samples {
            let alone = PATTERNS.iter().any(|p| matches(&p.regex, ua));
            assert_eq!(is_bot(ua), alone, "{ua}");
        }
        // Every pattern's own source text (a UA made to match it) agrees too.
        for p in PATTERNS.iter() {
            let ua = format!("Mozilla/5.0 {}", p.source.replace(['\\', '^', '$'], ""));
            let alone = PATTERNS.iter().any(|q| matches(&q.regex, &ua));
            assert_eq!(is_bot(&ua), alone, "{ua}");
        }
    }

    #[test]
    fn every_pattern_compiles() {
        assert_eq!(patterns().len(), 206);
    }

    #[test]
    fn class_escapes_are_ascii_and_dashes_stay_literal() {
        assert_eq!(js_to_rust(r"[\w\d-.]"), r"[0-9A-Za-z_0-9\-.]");
        assert_eq!(js_to_rust(r"^\w+/\d"), r"^[0-9A-Za-z_]+/[0-9]");
        assert_eq!(js_to_rust(r"[\w\-]"), r"[0-9A-Za-z_\-]");
        assert_eq!(js_to_rust(r"[^ ]{50,}"), r"[^ ]{50,}");
    }

    #[test]
    fn protocol_facts_hold() {
        for human in [
            "Mozilla/5.0 Umami/v20.20.2",
            "Mozilla/5.0 umami-rs/0.1.0",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/120.0.0.0 Safari/537.36",
            "",
        ] {
            assert!(!is_bot(human), "{human:?}: {:?}", matching_patterns(human));
        }
        for bot in [
            "umami-rs/0.1.0",
            "reqwest/0.13",
            "curl/8.5.0",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "python-requests/2.31.0",
            "node",
        ] {
            assert!(is_bot(bot), "{bot:?} should be a bot");
        }
    }
}
