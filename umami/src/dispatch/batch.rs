//! Pure batching logic: how many queued hits go into the next `/api/batch` request, the
//! request body, and what the server's answer says about each item.

use reqwest::StatusCode;
use serde_json::Value;

use crate::{response, retry, text};

/// Umami's limit on the items of one `/api/batch` request.
pub const MAX_BATCH_ITEMS: usize = 500;

/// How many of the queued hits (given by their serialized sizes, front first) go into the
/// next batch: at most `max_items`, and no more than `max_bytes` of JSON array, except that a
/// single hit larger than `max_bytes` still goes alone (it cannot be cut further; the server
/// decides). Returns 0 only for an empty queue.
pub(crate) fn take_len(
    sizes: impl IntoIterator<Item = usize>,
    max_items: usize,
    max_bytes: usize,
) -> usize {
    let mut count = 0;
    // `[` and `]`, plus a comma before every item but the first.
    let mut bytes = 2;
    for size in sizes {
        if count == max_items.max(1) {
            break;
        }
        let added = size + usize::from(count > 0);
        if count > 0 && bytes + added > max_bytes {
            break;
        }
        bytes += added;
        count += 1;
    }
    count
}

/// The body of `/api/batch`: a JSON array of already serialized `{"type","payload"}` objects.
pub(crate) fn encode<'a, I>(bodies: I) -> Vec<u8>
where
    I: IntoIterator<Item = &'a [u8]>,
    I::IntoIter: Clone,
{
    let bodies = bodies.into_iter();
    // Sized at once: a batch is tens of kilobytes, growing it copies it over and over.
    let mut out = Vec::with_capacity(encoded_len(bodies.clone().map(<[u8]>::len)));
    out.push(b'[');
    for (i, body) in bodies.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(body);
    }
    out.push(b']');
    out
}

/// The length of [`encode`]'s output for items of these sizes.
pub(crate) fn encoded_len(sizes: impl IntoIterator<Item = usize>) -> usize {
    let (count, total) = sizes
        .into_iter()
        .fold((0_usize, 0_usize), |(count, total), size| {
            (count + 1, total + size)
        });
    2 + total + count.saturating_sub(1)
}

/// What the batch answer says about one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ItemOutcome {
    /// Not listed in `details`: the server processed it like a `/api/send` that succeeded.
    Stored,
    /// Listed with a client error (validation, unknown website, ...): do not send again.
    Rejected(String),
    /// Listed with a server-side failure (5xx, 429): worth another attempt.
    Retry {
        /// The status the item's own answer carried.
        status: u16,
        /// The server's text.
        message: String,
    },
}

/// Reads a 2xx answer of `/api/batch` for a batch of `sent` items:
/// `{"size", "processed", "errors", "details": [{"index", "response"}], "cache"?}`.
///
/// Only failed items appear in `details`. An answer this function cannot read is an `Err`
/// with a description: a 2xx that is not Umami's batch answer (for example an HTML page
/// served for an unknown route by a proxy) must not be taken for delivery.
pub(crate) fn parse_answer(body: &[u8], sent: usize) -> Result<Vec<ItemOutcome>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|_| {
        format!(
            "the answer of /api/batch is not JSON: {}",
            snippet(&String::from_utf8_lossy(body))
        )
    })?;
    let Value::Object(map) = value else {
        return Err(format!(
            "the answer of /api/batch is not a JSON object: {}",
            snippet(&value.to_string())
        ));
    };
    if map.contains_key("beep") {
        return Err(
            "Umami's bot filter dropped the whole batch (answer {\"beep\":\"boop\"}): \
             check the User-Agent"
                .to_owned(),
        );
    }
    let details = match map.get("details") {
        Some(Value::Array(details)) => details.as_slice(),
        Some(Value::Null) | None if map.contains_key("size") || map.contains_key("processed") => {
            &[]
        }
        _ => {
            return Err(format!(
                "the answer of /api/batch has no `details`: {}",
                snippet(&Value::Object(map.clone()).to_string())
            ));
        }
    };
    if let Some(size) = map
        .get("size")
        .and_then(Value::as_u64)
        .filter(|&size| size != sent as u64)
    {
        return Err(format!(
            "the server counted {size} items in a batch of {sent}"
        ));
    }
    let mut outcomes = vec![ItemOutcome::Stored; sent];
    for detail in details {
        let index = detail
            .get("index")
            .and_then(Value::as_u64)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|&i| i < sent)
            .ok_or_else(|| {
                format!(
                    "a batch detail without a valid index: {}",
                    snippet(&detail.to_string())
                )
            })?;
        outcomes[index] = item_outcome(detail.get("response").unwrap_or(&Value::Null));
    }
    Ok(outcomes)
}

/// One `details[].response`: the `/api/send` error body of that item (every generation's
/// shape), whose `status` (v3: `error.status`) tells a server fault from bad input.
fn item_outcome(response: &Value) -> ItemOutcome {
    let status = response
        .get("error")
        .and_then(|e| e.get("status"))
        .or_else(|| response.get("status"))
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok());
    let code = status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::BAD_REQUEST);
    let message = response::error_message(code, response.to_string().as_bytes());
    match status {
        Some(s) if retry::is_retryable_status(s) => ItemOutcome::Retry { status: s, message },
        _ => ItemOutcome::Rejected(message),
    }
}

fn snippet(text: &str) -> String {
    text::snippet(text.trim(), 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_queue_takes_nothing() {
        assert_eq!(take_len([], 10, 1000), 0);
    }

    #[test]
    fn batch_stops_at_max_items() {
        assert_eq!(take_len([10; 30], 25, usize::MAX), 25);
        assert_eq!(take_len([10; 3], 25, usize::MAX), 3);
    }

    #[test]
    fn batch_stops_before_max_bytes() {
        // [a,b,c] with items of 10 bytes: 2 + 10 + 11 + 11 = 34 bytes.
        assert_eq!(take_len([10; 5], 500, 34), 3);
        assert_eq!(take_len([10; 5], 500, 33), 2);
        assert_eq!(
            encode([&[b'x'; 10][..], &[b'y'; 10], &[b'z'; 10]]).len(),
            34
        );
        assert_eq!(encoded_len([10, 10, 10]), 34);
        assert_eq!(encoded_len([]), 2);
        assert_eq!(encoded_len([7]), encode([&[b'x'; 7][..]]).len());
    }

    #[test]
    fn an_oversized_item_goes_alone() {
        assert_eq!(take_len([5000, 10, 10], 500, 100), 1);
        assert_eq!(take_len([10, 5000, 10], 500, 100), 1);
    }

    #[test]
    fn zero_max_items_still_makes_progress() {
        assert_eq!(take_len([1, 1], 0, 100), 1);
    }

    #[test]
    fn cutting_a_queue_covers_every_item_once() {
        let sizes: Vec<usize> = (0..1234).map(|i| 20 + (i * 37) % 300).collect();
        let mut rest = &sizes[..];
        let mut batches = Vec::new();
        while !rest.is_empty() {
            let n = take_len(rest.iter().copied(), 100, 8 * 1024);
            assert!((1..=100).contains(&n));
            let body_len = 2 + rest[..n].iter().sum::<usize>() + (n - 1);
            assert!(body_len <= 8 * 1024);
            batches.push(n);
            rest = &rest[n..];
        }
        assert_eq!(batches.iter().sum::<usize>(), sizes.len());
    }

    #[test]
    fn encode_joins_items_into_an_array() {
        assert_eq!(
            encode([&b"{\"a\":1}"[..], b"{\"b\":2}"]),
            b"[{\"a\":1},{\"b\":2}]"
        );
        assert_eq!(encode(std::iter::empty::<&[u8]>()), b"[]");
    }

    #[test]
    fn clean_answer_means_every_item_stored() {
        let body = br#"{"size":3,"processed":3,"errors":0,"details":[],"cache":"x"}"#;
        assert_eq!(parse_answer(body, 3).unwrap(), vec![ItemOutcome::Stored; 3]);
    }

    #[test]
    fn rejected_items_are_read_from_details() {
        let body = br#"{"size":3,"processed":2,"errors":1,"details":[{"index":1,"response":{"error":{"message":"Bad request","code":"bad-request","status":400,"errors":[],"properties":{"payload":{"errors":[],"properties":{"name":{"errors":["Too big: expected string to have <=50 characters"]}}}}}}}]}"#;
        assert_eq!(
            parse_answer(body, 3).unwrap(),
            vec![
                ItemOutcome::Stored,
                ItemOutcome::Rejected(
                    "Bad request: name: Too big: expected string to have <=50 characters"
                        .to_owned()
                ),
                ItemOutcome::Stored,
            ]
        );
    }

    #[test]
    fn v2_item_errors_are_rejections() {
        let body = br#"{"size":2,"processed":1,"errors":1,"details":[{"index":0,"response":{"error":"Invalid website"}}]}"#;
        assert_eq!(
            parse_answer(body, 2).unwrap()[0],
            ItemOutcome::Rejected("Invalid website".to_owned())
        );
    }

    #[test]
    fn server_faults_of_items_are_retried() {
        let body = br#"{"size":2,"processed":1,"errors":1,"details":[{"index":1,"response":{"error":{"message":"Internal Server Error","code":"internal-server-error","status":500}}}]}"#;
        assert_eq!(
            parse_answer(body, 2).unwrap()[1],
            ItemOutcome::Retry {
                status: 500,
                message: "Internal Server Error".to_owned()
            }
        );
    }

    #[test]
    fn unreadable_answers_are_errors() {
        for body in [
            &b"<html>Not Found</html>"[..],
            b"[]",
            b"{\"ok\":true}",
            b"{\"beep\":\"boop\"}",
        ] {
            assert!(parse_answer(body, 1).is_err(), "{body:?}");
        }
    }

    #[test]
    fn out_of_range_index_is_an_error() {
        let body = br#"{"size":1,"processed":0,"errors":1,"details":[{"index":5,"response":{}}]}"#;
        assert!(parse_answer(body, 1).is_err());
    }

    #[test]
    fn size_mismatch_is_an_error() {
        let body = br#"{"size":2,"processed":2,"errors":0,"details":[]}"#;
        assert!(parse_answer(body, 3).is_err());
    }
}
