//! The read-back subset of Umami 3.1's management API, served by the collector from what it
//! stored, so that a test can log in and read hits back over HTTP exactly as it would from a
//! real server (the end-to-end suite runs the same assertions against both).
//!
//! Routes and shapes come from the protocol page (§3, §6) where it documents them; the rest
//! (`/event-data/{eventId}`, `/event-data/values`, `/sessions/{sessionId}` and its
//! `/properties`) follow Umami's source (`src/app/api/websites/[websiteId]/...` and the
//! `src/queries/sql` queries behind them) and could only be checked against this collector.

use serde_json::{Value, json};
use uuid::Uuid;

use super::rules::{ErrorTree, Seg};
use super::store;
use super::view::{Params, View};
use super::{ApiError, Headers, Reply, SendAnswer, Shared, State, find_header};

/// Answers a management route, or `None` when `path` is not one.
pub(super) fn route(
    shared: &Shared,
    state: &mut State,
    method: &str,
    path: &str,
    query: Option<&str>,
    headers: &Headers,
    body: &[u8],
) -> Option<Reply> {
    let reply = match path {
        "/api/auth/login" => match method {
            "POST" => login(shared, state, body),
            _ => Reply::empty(405),
        },
        "/api/auth/verify" => match method {
            "POST" if authorized(state, headers) => Reply::json(200, &user(shared)),
            "POST" => unauthorized("unauthorized"),
            _ => Reply::empty(405),
        },
        _ => {
            let rest = path.strip_prefix("/api/websites/")?;
            let segments: Vec<&str> = rest.split('/').collect();
            if method != "GET" {
                return Some(Reply::empty(405));
            }
            let params = Params::parse(query);
            website_route(shared, state, &segments, &params, headers)?
        }
    };
    Some(reply)
}

fn website_route(
    shared: &Shared,
    state: &State,
    segments: &[&str],
    params: &Params,
    headers: &Headers,
) -> Option<Reply> {
    let (website, rest) = segments.split_first()?;
    let website = website.to_ascii_lowercase();
    // The query schema is checked before the token, as Umami's `parseRequest` does.
    let needs_range = matches!(
        rest,
        ["events"] | ["metrics"] | ["stats"] | ["event-data", "properties" | "values" | "events"]
    );
    let mut tree = ErrorTree::default();
    if needs_range {
        for key in ["startAt", "endAt"] {
            if params.number(key).is_none() {
                tree.add(
                    &[Seg::Key(key)],
                    "Invalid input: expected number, received NaN",
                );
            }
        }
    }
    match rest {
        ["metrics"] if params.get("type").is_none() => {
            tree.add(
                &[Seg::Key("type")],
                "Invalid input: expected string, received undefined",
            );
        }
        ["event-data", "values"] => {
            for key in ["event", "propertyName"] {
                if params.get(key).is_none() {
                    tree.add(
                        &[Seg::Key(key)],
                        "Invalid input: expected string, received undefined",
                    );
                }
            }
        }
        _ => {}
    }
    if !tree.is_empty() {
        return Some(bad_request(Some(tree)));
    }
    if !authorized(state, headers) {
        return Some(unauthorized("unauthorized"));
    }
    // `canViewWebsite`: a website the user cannot see is answered 401, not 404.
    if let Some(known) = &shared.options.websites {
        if !known.contains(&website) {
            return Some(unauthorized("unauthorized"));
        }
    }
    let view = View::new(state, &website);
    let reply = match rest {
        ["events"] => Reply::json(200, &view.events_page(params)),
        ["metrics"] => match view.metrics(params) {
            Some(rows) => Reply::json(200, &rows),
            None => bad_request(None),
        },
        ["stats"] => Reply::json(200, &view.stats(params)),
        ["event-data", "properties"] => Reply::json(200, &view.event_data_properties(params)),
        // Umami 3.1 answers a bare 500 without `event` (a SQL GROUP BY error; recorded 338).
        ["event-data", "events"] if params.get("event").is_none() => Reply::empty(500),
        ["event-data", "events"] => Reply::json(200, &view.event_data_events(params)),
        ["event-data", "values"] => Reply::json(200, &view.event_data_values(params)),
        ["event-data", event_id] => Reply::json(200, &view.event_data(event_id)),
        ["sessions", session_id] => Reply::json(200, &view.session(session_id)),
        ["sessions", session_id, "properties"] => Reply::json(200, &view.session_data(session_id)),
        _ => Reply::empty(404),
    };
    Some(reply)
}

fn bad_request(tree: Option<ErrorTree>) -> Reply {
    let (status, answer) = SendAnswer::bad_request("Bad request", tree);
    Reply::json(status, &answer)
}

fn unauthorized(code: &'static str) -> Reply {
    Reply::json(
        401,
        &SendAnswer::Error {
            error: ApiError {
                message: "Unauthorized",
                code,
                status: 401,
                tree: None,
            },
        },
    )
}

/// `Authorization: Bearer <token>` with a token this collector handed out.
fn authorized(state: &State, headers: &Headers) -> bool {
    find_header(headers, "authorization")
        .and_then(|value| value.split(' ').nth(1))
        .is_some_and(|token| state.auth_tokens.contains(token))
}

fn user(shared: &Shared) -> Value {
    json!({
        "id": Uuid::new_v5(&shared.token_key, b"user").to_string(),
        "username": shared.options.username,
        "role": "admin",
        "createdAt": store::iso(shared.started_at),
        "isAdmin": true,
    })
}

fn login(shared: &Shared, state: &mut State, body: &[u8]) -> Reply {
    let parsed = super::parse_json(body);
    let Some(Value::Object(fields)) = &parsed else {
        let mut tree = ErrorTree::default();
        tree.add(&[], "Invalid input: expected object, received undefined");
        return bad_request(Some(tree));
    };
    let mut tree = ErrorTree::default();
    for key in ["username", "password"] {
        if !fields.get(key).is_some_and(Value::is_string) {
            tree.add(
                &[Seg::Key(key)],
                "Invalid input: expected string, received undefined",
            );
        }
    }
    if !tree.is_empty() {
        return bad_request(Some(tree));
    }
    let username = fields["username"].as_str().unwrap_or_default();
    let password = fields["password"].as_str().unwrap_or_default();
    if username != shared.options.username || password != shared.options.password.expose() {
        return unauthorized("incorrect-username-password");
    }
    state.auth_serial += 1;
    let token = Uuid::new_v5(
        &shared.token_key,
        format!("auth\0{}", state.auth_serial).as_bytes(),
    )
    .simple()
    .to_string();
    state.auth_tokens.insert(token.clone());
    Reply::json(200, &json!({"token": token, "user": user(shared)}))
}
