//! Reading Umami's answers, from every server generation (sans-IO): [`SendResponse`] for a
//! stored hit, the server's error text, `Retry-After`.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::text::snippet;

/// The longest server text carried into an error message, in characters.
const MAX_MESSAGE: usize = 2000;

/// The answer of `/api/send` to a stored hit.
///
/// ```
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// let resp = client.new_event("Signup").send().await?;
/// if !resp.is_disabled() {
///     println!("session {:?}", resp.session_id());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SendResponse {
    pub(crate) json: Value,
    pub(crate) cache: Option<String>,
    pub(crate) session_id: Option<String>,
    pub(crate) visit_id: Option<String>,
    pub(crate) disabled: bool,
}

impl SendResponse {
    pub(crate) fn disabled() -> Self {
        SendResponse {
            json: Value::Object(Map::new()),
            cache: None,
            session_id: None,
            visit_id: None,
            disabled: true,
        }
    }

    /// The cache token to echo as `x-umami-cache` on the same visitor's next hit (every server
    /// version returns one: v2.0–2.15 as the plain-text body).
    pub fn cache(&self) -> Option<&str> {
        self.cache.as_deref()
    }

    /// The session id (servers v2.17+).
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// The visit id (servers v2.17+).
    pub fn visit_id(&self) -> Option<&str> {
        self.visit_id.as_deref()
    }

    /// The server's JSON answer, or `{}` (tracking disabled, or a plain-text answer).
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// True when tracking was disabled: the inputs were validated, nothing was sent.
    pub fn is_disabled(&self) -> bool {
        self.disabled
    }
}

/// A 2xx answer of `/api/send`.
///
/// - v2.0–2.15: `text/plain`, the cache token (a JWT);
/// - v2.16: `{"cache": "..."}`; v2.17+: `{"cache", "sessionId", "visitId"}`;
/// - the bot filter: `{"beep":"boop"}` (v2.12+) or `{}` (before): nothing stored.
pub(crate) fn parse_send_success(body: &[u8]) -> Result<SendResponse, Error> {
    let text = std::str::from_utf8(body)
        .map_err(|_| Error::UnexpectedResponse("the answer is not UTF-8 text".to_owned()))?
        .trim();
    if text.is_empty() {
        return Err(Error::UnexpectedResponse(
            "an empty answer; Umami answers every stored hit with a cache token".to_owned(),
        ));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => from_object(map),
        Ok(Value::String(token)) => Ok(token_only(token)),
        Ok(_) | Err(_) if looks_like_token(text) => Ok(token_only(text.to_owned())),
        _ => Err(Error::UnexpectedResponse(format!(
            "not a cache token nor a JSON object: {}",
            truncate(text)
        ))),
    }
}

fn from_object(map: Map<String, Value>) -> Result<SendResponse, Error> {
    if map.is_empty() || map.contains_key("beep") {
        return Err(Error::BotFiltered);
    }
    let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
    let cache = text("cache");
    let session_id = text("sessionId");
    let visit_id = text("visitId");
    if cache.is_none() && session_id.is_none() {
        return Err(Error::UnexpectedResponse(format!(
            "a JSON answer without cache token or session: {}",
            truncate(&Value::Object(map).to_string())
        )));
    }
    Ok(SendResponse {
        json: Value::Object(map),
        cache,
        session_id,
        visit_id,
        disabled: false,
    })
}

fn token_only(token: String) -> SendResponse {
    SendResponse {
        json: Value::Object(Map::new()),
        cache: Some(token),
        session_id: None,
        visit_id: None,
        disabled: false,
    }
}

/// A JWT or similar opaque token: one word of URL-safe characters.
fn looks_like_token(text: &str) -> bool {
    text.len() >= 16
        && text.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'=' | b'+' | b'/')
        })
}

/// A non-2xx answer as [`Error::Status`], with the server's text whatever its shape and its
/// `Retry-After` (read by [`retry_after`] before the body was taken).
pub(crate) fn status_error(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
) -> Error {
    Error::Status {
        status: status.as_u16(),
        message: error_message(status, body),
        retry_after,
    }
}

/// The `Retry-After` header of an answer, as a delay from now; `None` when absent or
/// unreadable.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

/// Reads a `Retry-After` value: delta-seconds (`"120"`) or an HTTP date
/// (`"Wed, 21 Oct 2015 07:28:00 GMT"`), as a delay from `now`. A date in the past means
/// "now" (zero); anything else unreadable is `None`.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use umami::dispatch::parse_retry_after;
///
/// assert_eq!(parse_retry_after("120", SystemTime::now()), Some(Duration::from_secs(120)));
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
/// assert_eq!(
///     parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
///     Some(Duration::from_secs(10)),
/// );
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The server's error text:
/// - v3: `{"error": {"message", "code", "status", "errors"?, "properties"?}}`, where the useful
///   text of validation errors is in `properties.payload.properties.<field>.errors`;
/// - v2.16–2.20: `{"error": "text" | ["text", ...] | {...}}`;
/// - v2.0–2.15: plain text; an empty body: the status's reason phrase.
pub(crate) fn error_message(status: StatusCode, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return status.canonical_reason().unwrap_or("no message").to_owned();
    }
    match serde_json::from_str::<Value>(text) {
        Ok(value) => {
            let error = match &value {
                Value::Object(map) => map
                    .get("error")
                    .or_else(|| map.get("message"))
                    .unwrap_or(&value),
                _ => &value,
            };
            let message = describe(error);
            if message.is_empty() {
                truncate(text)
            } else {
                truncate(&message)
            }
        }
        Err(_) => truncate(text),
    }
}

fn describe(error: &Value) -> String {
    match error {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(describe)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        Value::Object(map) => {
            let mut parts = Vec::new();
            if let Some(message) = map.get("message").map(describe).filter(|m| !m.is_empty()) {
                parts.push(message);
            }
            let mut details = Vec::new();
            collect_tree_errors(map, "", &mut details);
            // zod's `flatten()` form, used by some v2 servers.
            if let Some(Value::Object(fields)) = map.get("fieldErrors") {
                for (field, errs) in fields {
                    let errs = describe(errs);
                    if !errs.is_empty() {
                        details.push(format!("{field}: {errs}"));
                    }
                }
            }
            if let Some(form) = map
                .get("formErrors")
                .map(describe)
                .filter(|m| !m.is_empty())
            {
                details.push(form);
            }
            if !details.is_empty() {
                parts.push(details.join("; "));
            }
            if parts.is_empty() {
                return Value::Object(map.clone()).to_string();
            }
            parts.join(": ")
        }
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Walks zod's `treeifyError` shape: `{"errors": [...], "properties": {"field": {...}}}`
/// (and `items: [...]` for arrays), collecting `path: text` for every node with errors. The
/// `payload.` prefix every send error carries is dropped: the field is what a user recognises.
fn collect_tree_errors(node: &Map<String, Value>, path: &str, out: &mut Vec<String>) {
    if let Some(Value::Array(errors)) = node.get("errors") {
        let texts: Vec<String> = errors
            .iter()
            .map(describe)
            .filter(|s| !s.is_empty())
            .collect();
        if !texts.is_empty() {
            let shown = if path == "payload" {
                ""
            } else {
                path.strip_prefix("payload.").unwrap_or(path)
            };
            if shown.is_empty() {
                out.push(texts.join(", "));
            } else {
                out.push(format!("{shown}: {}", texts.join(", ")));
            }
        }
    }
    let child_path = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(Value::Object(children)) = node.get("properties") {
        for (name, child) in children {
            if let Value::Object(child) = child {
                collect_tree_errors(child, &child_path(name), out);
            }
        }
    }
    if let Some(Value::Array(items)) = node.get("items") {
        for (index, child) in items.iter().enumerate() {
            if let Value::Object(child) = child {
                collect_tree_errors(child, &child_path(&index.to_string()), out);
            }
        }
    }
}

fn truncate(text: &str) -> String {
    snippet(text, MAX_MESSAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(status: u16, body: &str) -> String {
        error_message(StatusCode::from_u16(status).unwrap(), body.as_bytes())
    }

    #[test]
    fn v3_field_errors_are_surfaced() {
        let body = r#"{"error":{"message":"Bad request","code":"bad-request","status":400,"errors":[],"properties":{"payload":{"errors":[],"properties":{"name":{"errors":["Too big: expected string to have <=50 characters"]}}}}}}"#;
        assert_eq!(
            message(400, body),
            "Bad request: name: Too big: expected string to have <=50 characters"
        );
    }

    #[test]
    fn v3_top_level_errors_are_surfaced() {
        let body = r#"{"error":{"message":"Bad request","code":"bad-request","status":400,"errors":["Invalid input: expected object, received undefined"]}}"#;
        assert_eq!(
            message(400, body),
            "Bad request: Invalid input: expected object, received undefined"
        );
    }

    #[test]
    fn v3_plain_message() {
        let body =
            r#"{"error":{"message":"Website not found.","code":"bad-request","status":400}}"#;
        assert_eq!(message(400, body), "Website not found.");
    }

    #[test]
    fn v2_string_array_object_and_text() {
        assert_eq!(
            message(400, r#"{"error":"Invalid website"}"#),
            "Invalid website"
        );
        assert_eq!(message(400, r#"{"error":["a","b"]}"#), "a; b");
        assert_eq!(
            message(
                400,
                r#"{"error":{"fieldErrors":{"name":["too long"]},"formErrors":[]}}"#
            ),
            "name: too long"
        );
        assert_eq!(message(404, "Website not found"), "Website not found");
        assert_eq!(message(405, ""), "Method Not Allowed");
    }

    #[test]
    fn bot_replies_are_not_success() {
        assert!(matches!(
            parse_send_success(br#"{"beep":"boop"}"#),
            Err(Error::BotFiltered)
        ));
        assert!(matches!(parse_send_success(b"{}"), Err(Error::BotFiltered)));
    }

    #[test]
    fn every_success_generation_parses() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ3ZWJzaXRlIjoiMSJ9.c2lnbmF0dXJl";
        let old = parse_send_success(jwt.as_bytes()).unwrap();
        assert_eq!(old.cache(), Some(jwt));
        assert_eq!(old.json(), &Value::Object(Map::new()));
        let v216 = parse_send_success(br#"{"cache":"abc"}"#).unwrap();
        assert_eq!(v216.cache(), Some("abc"));
        assert_eq!(v216.session_id(), None);
        let v3 = parse_send_success(br#"{"cache":"c","sessionId":"s","visitId":"v"}"#).unwrap();
        assert_eq!(
            (v3.cache(), v3.session_id(), v3.visit_id()),
            (Some("c"), Some("s"), Some("v"))
        );
        assert!(!v3.is_disabled());
    }

    #[test]
    fn unreadable_success_is_an_error() {
        assert!(matches!(
            parse_send_success(b"<html>oops</html>"),
            Err(Error::UnexpectedResponse(_))
        ));
        assert!(matches!(
            parse_send_success(b""),
            Err(Error::UnexpectedResponse(_))
        ));
        assert!(matches!(
            parse_send_success(br#"{"ok":true}"#),
            Err(Error::UnexpectedResponse(_))
        ));
    }

    #[test]
    fn disabled_response_is_empty() {
        let resp = SendResponse::disabled();
        assert!(resp.is_disabled());
        assert_eq!(resp.json(), &serde_json::json!({}));
        assert_eq!(
            (resp.cache(), resp.session_id(), resp.visit_id()),
            (None, None, None)
        );
    }
}
