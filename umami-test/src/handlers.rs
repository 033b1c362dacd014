//! The `/api/send` and `/api/batch` handlers: validation, the bot and IP checks, sessions
//! and visits, storing the hit, and the answers serialized exactly as Umami writes them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::columns::{self, ServerError};
use super::http::{Reply, parse_json};
use super::records::{Headers, Hit, find_header};
use super::rules::{self, ErrorTree, ValidSend};
use super::state::{Shared, State};
use super::tokens::{CacheClaims, cache_token, unix_secs};
use umami::bot;

/// Fixed, so that session ids are the same from one test run to the next.
const SESSION_NAMESPACE: Uuid = Uuid::from_u128(0x5f2c_1a7e_0b39_4c8e_9d61_3e0a_7b42_c915);

/// A visit carried by a cache token ends 30 minutes after the token's visit began, as in
/// Umami (the token keeps its first `iat`).
const VISIT_MAX_SECS: u64 = 30 * 60;

/// An answer of `/api/send`, serialized exactly as Umami writes it.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub(super) enum SendAnswer {
    Stored {
        cache: String,
        #[serde(rename = "sessionId")]
        session_id: String,
        #[serde(rename = "visitId")]
        visit_id: String,
    },
    Bot {
        beep: &'static str,
    },
    Error {
        error: ApiError,
    },
    /// A 500 of a database column that overflowed, with Prisma's error as 3.1.0 leaks it.
    ServerError {
        error: ServerError,
    },
}

#[derive(Debug, Clone, Serialize)]
pub(super) struct ApiError {
    pub(super) message: &'static str,
    pub(super) code: &'static str,
    pub(super) status: u16,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub(super) tree: Option<ErrorTree>,
}

impl SendAnswer {
    pub(super) fn bad_request(message: &'static str, tree: Option<ErrorTree>) -> (u16, SendAnswer) {
        (
            400,
            SendAnswer::Error {
                error: ApiError {
                    message,
                    code: "bad-request",
                    status: 400,
                    tree,
                },
            },
        )
    }

    fn cache(&self) -> Option<&str> {
        match self {
            SendAnswer::Stored { cache, .. } => Some(cache),
            _ => None,
        }
    }
}

/// The `/api/send` logic, shared by batch items.
pub(super) fn send(
    shared: &Shared,
    state: &mut State,
    body: Option<&Value>,
    headers: &Headers,
    path: &str,
    batch_index: Option<usize>,
) -> (u16, SendAnswer) {
    let hit = match rules::validate_send(body) {
        Ok(hit) => hit,
        Err(tree) => return SendAnswer::bad_request("Bad request", Some(tree)),
    };
    let now = SystemTime::now();
    let now_secs = unix_secs(now);

    // The website lookup is skipped when the client echoes a token issued for it.
    let website = hit.text("website").filter(|w| !w.is_empty());
    let cache = find_header(headers, "x-umami-cache")
        .and_then(|token| state.tokens.get(token))
        .filter(|claims| website.is_some_and(|w| claims.website.eq_ignore_ascii_case(w)))
        .cloned();
    if let (Some(website), None, Some(known)) = (website, &cache, &shared.options.websites) {
        if !known.contains(&website.to_ascii_lowercase()) {
            return SendAnswer::bad_request("Website not found.", None);
        }
    }

    let user_agent = hit
        .text("userAgent")
        .filter(|ua| !ua.is_empty())
        .or_else(|| find_header(headers, "user-agent"))
        .unwrap_or_default()
        .to_owned();
    if shared.options.bot_filter && bot::is_bot(&user_agent) {
        return (200, SendAnswer::Bot { beep: "boop" });
    }

    let ip = client_ip(&hit, headers);
    if shared.options.ignored_ips.contains(&ip) {
        return (
            403,
            SendAnswer::Error {
                error: ApiError {
                    message: "Forbidden",
                    code: "forbidden",
                    status: 403,
                    tree: None,
                },
            },
        );
    }

    // The session, event, data and revenue rows, in Umami's order: a value too long for its
    // column fails its insert with a 500, after the rows before it were written.
    let overflow = columns::check(hit.payload);
    if let Some(overflow) = overflow.as_ref().filter(|o| !o.event_stored()) {
        return (
            500,
            SendAnswer::ServerError {
                error: ServerError::new(overflow),
            },
        );
    }

    // `timestamp: 0` is falsy: the server's time is used (recorded 064).
    let timestamp = hit.timestamp.filter(|secs| *secs != 0);
    let created_at = match timestamp {
        Some(secs) if secs >= 0 => UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs()),
        Some(secs) => UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))
            .unwrap_or(UNIX_EPOCH),
        None => now,
    };
    let source = website
        .or_else(|| hit.text("link"))
        .or_else(|| hit.text("pixel"))
        .unwrap_or_default()
        .to_ascii_lowercase();
    let session_id = match hit.text("id").filter(|id| !id.is_empty()) {
        Some(id) => Uuid::new_v5(&SESSION_NAMESPACE, format!("{source}\0id\0{id}").as_bytes()),
        None => Uuid::new_v5(
            &SESSION_NAMESPACE,
            format!("{source}\0{ip}\0{user_agent}").as_bytes(),
        ),
    }
    .to_string();
    // A visit continues while the client echoes a fresh token; a new one starts each hour
    // otherwise (Umami salts visit ids with the hour).
    let (visit_id, iat) = match &cache {
        Some(claims)
            if timestamp.is_some() || now_secs.saturating_sub(claims.iat) <= VISIT_MAX_SECS =>
        {
            (claims.visit_id.clone(), claims.iat)
        }
        _ => {
            let hour = unix_secs(created_at) / 3600;
            let visit = Uuid::new_v5(
                &SESSION_NAMESPACE,
                format!("{session_id}\0{hour}").as_bytes(),
            );
            (visit.to_string(), now_secs)
        }
    };

    state.event_serial += 1;
    let event_id = Uuid::new_v5(
        &shared.token_key,
        format!("event\0{}", state.event_serial).as_bytes(),
    )
    .to_string();
    state.hits.push(Hit {
        event_id,
        method: "POST".to_owned(),
        path: path.to_owned(),
        batch_index,
        headers: headers.clone(),
        body: body.cloned().unwrap_or(Value::Null),
        session_id: session_id.clone(),
        visit_id: visit_id.clone(),
        user_agent,
        ip,
        created_at,
        received_at: now,
        data_stored: overflow.as_ref().is_none_or(columns::Overflow::data_stored),
    });
    if let Some(overflow) = &overflow {
        return (
            500,
            SendAnswer::ServerError {
                error: ServerError::new(overflow),
            },
        );
    }

    let token = cache_token(
        shared.token_key,
        website.unwrap_or_default(),
        &session_id,
        &visit_id,
        iat,
    );
    state.tokens.insert(
        token.clone(),
        CacheClaims {
            website: website.unwrap_or_default().to_owned(),
            visit_id: visit_id.clone(),
            iat,
        },
    );
    (
        200,
        SendAnswer::Stored {
            cache: token,
            session_id,
            visit_id,
        },
    )
}

fn client_ip(hit: &ValidSend<'_>, headers: &Headers) -> String {
    if let Some(ip) = hit.text("ip").filter(|ip| !ip.is_empty()) {
        return ip.to_owned();
    }
    find_header(headers, "x-forwarded-for")
        .and_then(|list| list.split(',').next())
        .or_else(|| find_header(headers, "x-real-ip"))
        .map(|ip| ip.trim().to_owned())
        .unwrap_or_default()
}

/// The answer of `/api/batch`.
#[derive(Serialize)]
struct BatchAnswer {
    size: usize,
    processed: usize,
    errors: usize,
    details: Vec<BatchDetail>,
    /// `cache ??= response.cache` over the items that succeeded: `null` when none did,
    /// left out (JavaScript's `undefined`) when the first successes carried no token.
    #[serde(skip_serializing_if = "BatchCache::is_undefined")]
    cache: BatchCache,
}

#[derive(Serialize)]
struct BatchDetail {
    index: usize,
    response: SendAnswer,
}

enum BatchCache {
    Null,
    Undefined,
    Token(String),
}

impl BatchCache {
    fn is_undefined(&self) -> bool {
        matches!(self, BatchCache::Undefined)
    }
}

impl Serialize for BatchCache {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            BatchCache::Token(token) => serializer.serialize_str(token),
            _ => serializer.serialize_unit(),
        }
    }
}

pub(super) fn batch(shared: &Shared, state: &mut State, body: &[u8], headers: &Headers) -> Reply {
    let parsed = parse_json(body);
    let items = match rules::validate_batch(parsed.as_ref(), shared.options.max_batch_items) {
        Ok(items) => items,
        Err(tree) => {
            let (status, answer) = SendAnswer::bad_request("Bad request", Some(tree));
            return Reply::json(status, &answer);
        }
    };
    let mut details = Vec::new();
    let mut cache = BatchCache::Null;
    for (index, item) in items.iter().enumerate() {
        let (status, answer) = send(
            shared,
            state,
            Some(item),
            headers,
            "/api/batch",
            Some(index),
        );
        if status == 200 {
            if matches!(cache, BatchCache::Null | BatchCache::Undefined) {
                cache = match answer.cache() {
                    Some(token) => BatchCache::Token(token.to_owned()),
                    None => BatchCache::Undefined,
                };
            }
        } else {
            details.push(BatchDetail {
                index,
                response: answer,
            });
        }
    }
    Reply::json(
        200,
        &BatchAnswer {
            size: items.len(),
            processed: items.len() - details.len(),
            errors: details.len(),
            details,
            cache,
        },
    )
}
