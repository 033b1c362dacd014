//! The collector's HTTP plumbing shared by its routes: the [`Reply`] of one request and how
//! a request body is read.

use serde::Serialize;
use serde_json::Value;

/// What the collector answers to one request.
pub(super) struct Reply {
    pub(super) status: u16,
    /// `None`: an empty body.
    pub(super) json: Option<String>,
    /// The `Allow` header of a CORS preflight answer.
    pub(super) allow: Option<&'static str>,
}

/// The CORS headers Umami puts on every `/api/*` answer (its `next.config` headers).
pub(super) const CORS_HEADERS: [(&str, &str); 5] = [
    ("access-control-allow-origin", "*"),
    ("access-control-allow-headers", "*"),
    ("access-control-allow-methods", "GET, DELETE, POST, PUT"),
    ("access-control-max-age", "86400"),
    ("cache-control", "no-cache"),
];

impl Reply {
    pub(super) fn json(status: u16, body: &impl Serialize) -> Reply {
        Reply {
            status,
            json: Some(serde_json::to_string(body).expect("answers serialize")),
            allow: None,
        }
    }

    pub(super) fn empty(status: u16) -> Reply {
        Reply {
            status,
            json: None,
            allow: None,
        }
    }
}

/// `request.json()`: UTF-8 with an optional BOM, then `JSON.parse`; failure is `undefined`.
pub(super) fn parse_json(body: &[u8]) -> Option<Value> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    serde_json::from_slice(body).ok()
}
