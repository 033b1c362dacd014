//! Fire-and-forget tracking: the background [`Dispatcher`].
//!
//! [`Dispatcher::track`] (a typed [`UmamiEvent`](crate::UmamiEvent)) and
//! [`Dispatcher::track_hit`] (a hit builder such as `client.new_event(..)`) validate the hit on
//! the caller's thread (bad input is an immediate `Err`), put it in a bounded queue and return
//! at once, without I/O. A tokio task sends the
//! queue in batches to `POST /api/batch` (Umami v2.18+; older servers are detected and served
//! with concurrent `/api/send` calls), retries what can be retried, and counts every event:
//! each one is delivered, or reported as failed with a reason, or refused at `track` time
//! because the queue was full. Nothing is lost silently.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use serde_json::json;
//!
//! let client = umami::Client::builder()
//!     .url_base("https://umami.example.com")
//!     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
//!     .hostname("example.com")
//!     .build()?;
//! let dispatcher = umami::Dispatcher::builder(client.clone()).build()?;
//!
//! // In a request handler: never waits for the network.
//! dispatcher.track_hit(
//!     client.new_event("Purchase-Course").custom_data(json!({"plan": "pro"})),
//! )?;
//!
//! // At the end of the program: drain the queue, see what happened.
//! let report = dispatcher.shutdown(Duration::from_secs(10)).await;
//! println!("{report}");
//! # Ok(()) }
//! ```
//!
//! # Delivery and duplicates
//! A batch that times out, loses its connection mid-request or gets a 500/502/504 may have
//! been stored anyway; sending it again can store it twice. Such re-sends are counted in
//! [`DispatcherStats::possible_duplicates`] (an upper bound), so a report always says how many
//! events may have been counted twice. Umami has no idempotency key to do better.
//!
//! # Event time
//! Umami stores a hit at the time it arrives unless the payload has a `timestamp`. An event
//! that goes out more than a second after `track` accepted it (retried through an outage,
//! queued behind a slow server, or read back from the spool, before or after a restart)
//! carries the time it was tracked as its `timestamp`, to the second (Umami's `timestamp`
//! is whole Unix seconds); one sent at once keeps the server's own clock, and a
//! [`timestamp`](crate::hit::HitBuilder::timestamp) set by the caller is kept as it is.
//!
//! # Bot filter
//! Umami drops hits whose User-Agent looks like a bot's and still answers 200. A single send
//! learns it (`{"beep":"boop"}`, [`FailReason::BotFiltered`]); an `/api/batch` answer does
//! not say. Hits carrying their own [`user_agent`](crate::hit::HitBuilder::user_agent) are
//! checked before they are queued by the [`BotCheck`] ([`bot_check`](DispatcherBuilder::bot_check),
//! the crate's one switch; default: Umami's own patterns, feature `bot-filter`): those that
//! pass go in batches like any other hit; a bot's page view is not sent (counted as
//! [`FailReason::BotFiltered`]); a bot-like visitor's event follows the [`BotPolicy`]
//! (default: sent with the client's own User-Agent, so a purchase from `okhttp` or `curl` is
//! never lost). Hits the check did not clear (check off, or a custom one) are sent one by
//! one, so that a filtered hit is reported as failed, not as sent (see
//! [`Routing::BatchAll`] to batch them anyway).
//!
//! # Policies and their defaults
//! | situation | what happens | default | setting |
//! |---|---|---|---|
//! | queue full | `track` refuses (`QueueFull`), counted in `dropped` | refuse | [`overflow_policy`](DispatcherBuilder::overflow_policy) |
//! | invalid hit, or after shutdown | `track` refuses, counted in `refused_invalid` / `refused_closed` | — | — |
//! | retryable failure (408, 429, 5xx, transport) | retried with backoff | 20 retries within 10 min | [`retry_policy`](DispatcherBuilder::retry_policy) |
//! | other 4xx | failed at once (`Rejected`), not retried | — | — |
//! | "Website not found." | reported once as an error; that website's events fail at once without a request (`UnknownWebsite`) | — | — |
//! | bot-like visitor | page view not sent; event sent with the client's User-Agent | [`BotCheck::Umami`], [`BotPolicy::OwnUserAgent`] | [`bot_check`](DispatcherBuilder::bot_check), [`bot_policy`](DispatcherBuilder::bot_policy) |
//! | batch or single send | batches, except hits with a User-Agent the bot check did not clear | [`Routing::Batch`] | [`routing`](DispatcherBuilder::routing) |
//! | shutdown timeout | what is left is `Abandoned`, with the last error as its reason; with a spool it stays on disk (`kept_on_disk`), sent at the next start | 10 s | [`shutdown_timeout`](DispatcherBuilder::shutdown_timeout) |
//! | dropped without `shutdown` | queue closed, worker keeps sending while its runtime runs; a warning on stderr and in `tracing` | — | [`Dispatcher::guard`] drains on drop |

//! # Logs and metrics
//! Through `tracing`: one `WARN` when delivery starts failing (with the cause), one `INFO`
//! when it works again (how long it was down, failed requests, events re-sent and
//! delivered), every retry at `DEBUG` only. [`Dispatcher::stats`] is the snapshot to export
//! as metrics. See the crate docs' "Logs and metrics" for the full list.
//!
//! # Cache tokens
//! Batches carry no per-item headers, so batched hits go without `x-umami-cache`. When the
//! dispatcher sends hits one by one (servers without `/api/batch`, hits with a User-Agent the
//! bot check did not clear, or every hit with a distinct id under [`Routing::CacheTokens`]),
//! hits with a distinct id reuse that user's last token from a bounded LRU
//! ([`cache_token_capacity`](DispatcherBuilder::cache_token_capacity)), never another user's;
//! hits without one never carry a token. For direct sends that keep a user's token, see
//! [`TrackedUser`](crate::hit::TrackedUser) ([`Client::tracked_user`](crate::Client::tracked_user)).
//!
//! # Memory
//! [`capacity`](DispatcherBuilder::capacity) bounds the events held, queued or in flight;
//! each is kept in one compact form until it is settled: its exact JSON bytes, its website
//! and distinct id (about 400 bytes for the README's example event: 100,000 queued events
//! grow the process by about 39 MiB, measured by the repository's `integration/tests/it/dispatch/memory.rs`).
//!
//! # Surviving a crash
//! With a [`spool`](DispatcherBuilder::spool), every accepted event is also written to disk
//! before `track` returns and leaves it once settled; a restarted dispatcher sends what an
//! earlier process left. Then `capacity` bounds memory only, and events beyond it wait on
//! disk: see [`spool`].
//!
//! # Retries
//! See [`RetryPolicy`]. A 429 or 503 with a `Retry-After` header (seconds or an HTTP date)
//! waits that long, on batches and single sends alike ([`Error::retry_after`](crate::Error::retry_after)). A batch waiting for its retry keeps its request slot
//! ([`max_concurrent_requests`](DispatcherBuilder::max_concurrent_requests)): a server that
//! asks to slow down slows the dispatcher down, and the queue absorbs the difference up to its
//! capacity.

mod batch;
mod bots;
mod builder;
pub(crate) mod dispatcher;
mod error;
mod late;
#[cfg(test)]
mod outage_tests;
mod queue;
mod settings;
mod shared;
pub mod spool;
mod stats;
mod tokens;
mod worker;

#[cfg(test)]
use crate::hit::TrackedUser;
pub use crate::retry::{AttemptOutcome, RetryDecision, RetryPolicy, parse_retry_after};
pub use batch::MAX_BATCH_ITEMS;
pub use bots::{BotCheck, BotPolicy};
pub use builder::DispatcherBuilder;
#[cfg(any(feature = "tower", test))]
pub(crate) use dispatcher::Dispatcher;
pub use dispatcher::ShutdownGuard;
pub use error::{BuildError, TrackError};
pub use settings::{OverflowPolicy, Routing};
pub use stats::{DispatcherStats, FailReason, FailedStats, Failure, ShutdownReport};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Client;
    use std::time::Duration;

    fn send_sync<T: Send + Sync + Clone + 'static>() {}
    fn send<T: Send>(_: &T) {}

    #[test]
    fn handles_are_send_sync_and_clone() {
        send_sync::<Dispatcher>();
        send_sync::<TrackedUser>();
    }

    /// The futures can be spawned on a multi-threaded runtime (checked at compile time; the
    /// futures are dropped unpolled).
    #[test]
    fn futures_are_send() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _guard = runtime.enter();
        let client = Client::builder()
            .url_base("http://127.0.0.1:9")
            .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
            .hostname("example.com")
            .build()
            .unwrap();
        let dispatcher = Dispatcher::builder(client.clone()).build().unwrap();
        send(&dispatcher.flush());
        send(&dispatcher.shutdown(Duration::ZERO));
        send(&dispatcher.close());
        let user = client.tracked_user("v");
        send(&user.send_hit(user.new_event("Signup")));
        send(&dispatcher.flush_timeout(Duration::ZERO));
        send(&worker::run(dispatcher.shared().clone()));
    }
}
