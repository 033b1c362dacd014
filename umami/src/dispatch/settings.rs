//! A dispatcher's settings and their defaults (documented on
//! [`DispatcherBuilder`](super::DispatcherBuilder)'s setters).

use std::time::Duration;

use crate::retry::RetryPolicy;

use super::bots::{BotCheck, BotPolicy};

/// What [`Dispatcher::track`](super::Dispatcher::track) does when the queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OverflowPolicy {
    /// Refuse the event: `track` returns [`TrackError::QueueFull`](super::TrackError::QueueFull). The default.
    #[default]
    Reject,
    /// Drop the event and return `Ok(())`, for callers that would ignore the error anyway.
    /// The drop is still counted in [`DispatcherStats::dropped`](super::DispatcherStats::dropped), and the first one is logged
    /// as a warning.
    DropNewest,
}

/// Which hits the dispatcher sends in batches (`POST /api/batch`, Umami v2.18+) and which
/// alone (`POST /api/send`): [`DispatcherBuilder::routing`](super::DispatcherBuilder::routing).
///
/// A batch carries many hits in one request, but no per-hit headers (so no `x-umami-cache`
/// token), and its answer lists only the items that failed validation: a hit Umami's bot
/// filter dropped is counted as sent. A single send carries its user's cache token and
/// reports a dropped hit as [`FailReason::BotFiltered`](super::FailReason::BotFiltered).
/// Servers without `/api/batch` (404 or 405 to a batch) get single sends whatever the
/// routing.
///
/// ```no_run
/// # fn demo(client: umami::Client) -> Result<(), umami::dispatch::BuildError> {
/// use umami::dispatch::Routing;
///
/// // Throughput first: visitors' hits go in batches too.
/// let dispatcher = umami::Dispatcher::builder(client)
///     .routing(Routing::BatchAll)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Routing {
    /// Batches, except hits carrying a visitor's User-Agent
    /// ([`user_agent`](crate::hit::HitBuilder::user_agent)) that the
    /// [`BotCheck`](super::BotCheck) did not clear with Umami's own patterns: those go alone,
    /// so that a hit Umami's filter drops is reported, not counted as sent. With the default
    /// bot check every hit that passes goes in a batch. The default.
    #[default]
    Batch,
    /// Every hit in batches: the fewest requests (one per
    /// [`max_batch_size`](super::DispatcherBuilder::max_batch_size) hits), at the price of
    /// counting a hit Umami's filter drops as sent. Choose it when the User-Agents are known
    /// to be browsers', or when throughput matters more than an exact count.
    BatchAll,
    /// As [`Batch`](Self::Batch), and hits with a distinct id go alone too, each with its
    /// user's cache token (kept for up to
    /// [`cache_token_capacity`](super::DispatcherBuilder::cache_token_capacity) users), so
    /// that Umami keeps their visits without a lookup.
    CacheTokens,
    /// Every hit alone to `/api/send`, never `/api/batch` (as happens anyway on servers
    /// before Umami 2.18).
    SingleSends,
}

/// Settings of a [`Dispatcher`](super::Dispatcher); see [`DispatcherBuilder`](super::DispatcherBuilder) for each default.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) capacity: usize,
    pub(crate) overflow: OverflowPolicy,
    pub(crate) max_batch_size: usize,
    pub(crate) max_batch_bytes: usize,
    pub(crate) flush_interval: Duration,
    pub(crate) max_concurrent_requests: usize,
    pub(crate) single_send_concurrency: usize,
    pub(crate) batch_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) shutdown_timeout: Duration,
    pub(crate) cache_token_capacity: usize,
    pub(crate) routing: Routing,
    pub(crate) bot_check: BotCheck,
    pub(crate) bot_policy: BotPolicy,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            capacity: 10_000,
            overflow: OverflowPolicy::Reject,
            max_batch_size: 100,
            max_batch_bytes: 1024 * 1024,
            flush_interval: Duration::from_secs(1),
            max_concurrent_requests: 2,
            single_send_concurrency: 8,
            batch_timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            shutdown_timeout: Duration::from_secs(10),
            cache_token_capacity: 10_000,
            routing: Routing::default(),
            bot_check: BotCheck::default(),
            bot_policy: BotPolicy::default(),
        }
    }
}
