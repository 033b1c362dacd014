#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
//! An in-process, Umami-compatible collector for testing code that uses `umami-analytics`.
//!
//! [`Collector`] listens on `127.0.0.1` (a random port), speaks the wire protocol of
//! `/api/send` and `/api/batch`, validates every hit with the rules of Umami 3.1's schema and
//! answers exactly as a real Umami 3.1 does: the same statuses, the same JSON bodies, the same
//! field-level error texts, `{"beep":"boop"}` for the same bot User-Agents. What it stored
//! (and every request it saw) can be read back with [`Collector::hits`] and
//! [`Collector::requests`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use umami_test::Collector;
//!
//! let collector = Collector::start().await?;
//! let client = umami::Client::builder()
//!     .url_base(collector.url())
//!     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
//!     .hostname("example.com")
//!     .build()?;
//!
//! client.new_event("Signup").url("/welcome").distinct_id(42).send().await?;
//!
//! let hits = collector.hits();
//! assert_eq!(hits.len(), 1);
//! assert_eq!(hits[0].event_name(), Some("Signup"));
//! assert_eq!(hits[0].url(), Some("/welcome"));
//! assert_eq!(hits[0].distinct_id(), Some("42"));
//! assert_eq!(hits[0].user_agent_header(), Some(umami::DEFAULT_USER_AGENT));
//! # Ok(()) }
//! ```
//!
//! What it answers (as observed on Umami 3.1.0):
//!
//! | request | answer |
//! |---|---|
//! | valid hit | `200 {"cache":"<JWT>","sessionId":"<uuid>","visitId":"<uuid>"}`, stored |
//! | a value over its database column (`id` > 50, `browser`/`os`/`device` > 20, `utm_*` or click id in the url > 255, data key or string > 500 characters, number beyond DECIMAL(19,4), `currency` > 10) | `500 {"error":{"message":"Server error","code":"server-error","status":500,"errorObject":{...}}}` (Prisma's error); for custom data the event is stored without its data first, for the revenue row with it, as 3.1.0 does |
//! | invalid hit | `400 {"error":{"message":"Bad request","code":"bad-request","status":400,"errors":[],"properties":{"payload":{...}}}}` |
//! | body that is not JSON | `400`, `"errors":["Invalid input: expected object, received undefined"]` |
//! | unknown website (see [`CollectorBuilder::website`]) | `400 {"error":{"message":"Website not found.","code":"bad-request","status":400}}` |
//! | bot User-Agent (header or `payload.userAgent`) | `200 {"beep":"boop"}`, nothing stored |
//! | IP in the ignore list ([`CollectorBuilder::ignore_ip`]) | `403 {"error":{"message":"Forbidden","code":"forbidden","status":403}}` |
//! | `POST /api/batch` with an array | `200 {"size","processed","errors","details":[{"index","response"}],"cache"}` |
//! | any other method on `/api/send` or `/api/batch` | `405`, empty body |
//! | `GET /api/heartbeat` | `200 {"ok":true}` |
//!
//! It also serves the read-back part of the management API, from what it stored, so a test
//! can read hits back over HTTP as it would from a real Umami (log in first; every read needs
//! `Authorization: Bearer <token>`, else `401`; `startAt`/`endAt` are epoch milliseconds and
//! required where listed, else `400`):
//!
//! | request | answer |
//! |---|---|
//! | `POST /api/auth/login` `{"username","password"}` ([`CollectorBuilder::credentials`]) | `{"token","user":{"id","username","role","createdAt","isAdmin"}}`; `401` for other credentials |
//! | `POST /api/auth/verify` | the user object |
//! | `GET /api/websites/{id}/events?startAt&endAt[&page&pageSize&search]` | `{"data":[{id, websiteId, sessionId, createdAt, hostname, urlPath, urlQuery, referrerPath, referrerQuery, referrerDomain, pageTitle, eventType, eventName, hasData, ...}],"count","page","pageSize"}`, newest first; `eventType` 1 page view, 2 custom event, 5 performance |
//! | `GET /api/websites/{id}/metrics?type=event&startAt&endAt` | `[{"x":"<event name>","y":<count>}]` |
//! | `GET /api/websites/{id}/stats?startAt&endAt` | `{"pageviews","visitors","visits","bounces","totaltime","comparison":{...}}` |
//! | `GET /api/websites/{id}/event-data/properties?startAt&endAt` | `[{"eventName","propertyName","total"}]` |
//! | `GET /api/websites/{id}/event-data/values?startAt&endAt&event&propertyName` | `[{"value","total"}]` |
//! | `GET /api/websites/{id}/event-data/{eventId}` | `[{dataKey, dataType, stringValue, numberValue, dateValue, ...}]` |
//! | `GET /api/websites/{id}/sessions/{sessionId}` | `{id, distinctId, screen, language, firstAt, lastAt, visits, views, events, totaltime, ...}` (`{}` without events) |
//! | `GET /api/websites/{id}/sessions/{sessionId}/properties` | the session data of `identify` hits: `[{dataKey, dataType, stringValue, numberValue, ...}]` |
//!
//! Custom data is stored as Umami stores it: nested objects flattened into dotted keys, each
//! value typed (`dataType` 1 string, 2 number, 3 boolean, 4 date, 5 array as JSON text),
//! numbers with 4 decimals. Filters `path`, `hostname`, `title`, `event` and `tag` (plain
//! value, or `eq.`/`neq.`/`c.`/`dnc.` before it) narrow events, metrics and stats. Browser,
//! OS, device and location are not derived from the User-Agent or the IP: `browser`, `os` and
//! `device` are the hit's overrides (Umami 3.0.2+ payload keys) or `null`, location is always
//! `null`.
//!
//! Session ids are deterministic: derived from the website and the distinct id (`id`) when
//! one is sent, else from the website, the IP and the User-Agent, so a test can check that
//! two hits landed in the same session.

#[cfg(test)]
mod agreement;
mod api;
mod builder;
mod columns;
mod handlers;
mod http;
mod records;
mod rules;
mod secret;
mod server;
mod state;
mod store;
mod tokens;
mod view;

pub use builder::CollectorBuilder;
pub use records::{Hit, ReceivedRequest};
pub use server::{Collector, WaitTimeout};

use handlers::{ApiError, SendAnswer};
use http::{Reply, parse_json};
use records::{Headers, find_header};
use state::{Shared, State};

/// The username a collector's `POST /api/auth/login` accepts by default (a fresh Umami's).
pub const DEFAULT_USERNAME: &str = "admin";

/// The password a collector's `POST /api/auth/login` accepts by default (a fresh Umami's).
pub const DEFAULT_PASSWORD: &str = "umami";

/// How many items one `/api/batch` request may carry on servers after 3.1.0 (upstream PR
/// #4316). Umami 3.1.0 itself has no cap, and neither has a collector unless
/// [`CollectorBuilder::max_batch_items`] sets one.
pub const MAX_BATCH_ITEMS: usize = 500;
