//! A dispatcher's settings and their defaults (documented on
//! [`DispatcherBuilder`](super::DispatcherBuilder)'s setters).

use std::time::Duration;

use crate::retry::RetryPolicy;

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
    pub(crate) visitor_cache_capacity: usize,
    pub(crate) use_batch_endpoint: bool,
    pub(crate) visitor_hits_singly: bool,
    pub(crate) batch_user_agent_hits: bool,
    #[cfg(feature = "bot-filter")]
    pub(crate) bot_check: bool,
    #[cfg(feature = "bot-filter")]
    pub(crate) bot_policy: super::bots::BotPolicy,
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
            visitor_cache_capacity: 10_000,
            use_batch_endpoint: true,
            visitor_hits_singly: false,
            batch_user_agent_hits: false,
            #[cfg(feature = "bot-filter")]
            bot_check: true,
            #[cfg(feature = "bot-filter")]
            bot_policy: super::bots::BotPolicy::default(),
        }
    }
}
