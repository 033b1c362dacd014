//! [`DispatcherBuilder`]: a dispatcher's settings, each with its default, checked once, and
//! the start of its worker.

use std::sync::Arc;
use std::time::Duration;

use crate::client::Client;
use crate::error::ValidationError;
use crate::retry::RetryPolicy;

use super::batch::MAX_BATCH_ITEMS;
use super::bots::{BotCheck, BotPolicy};
use super::dispatcher::Dispatcher;
use super::error::BuildError;
use super::settings::{OverflowPolicy, Routing, Settings};
use super::shared::Shared;
use super::spool::{Spool, SpoolConfig};
use super::worker;

/// The most requests a dispatcher may have under way at once (a tokio semaphore's limit).
const MAX_CONCURRENCY: usize = tokio::sync::Semaphore::MAX_PERMITS;

/// Builds a [`Dispatcher`]; every setter documents its default.
///
/// ```no_run
/// # async fn demo(client: umami::Client) -> Result<(), umami::dispatch::BuildError> {
/// use std::time::Duration;
/// use umami::dispatch::{OverflowPolicy, RetryPolicy};
///
/// let dispatcher = umami::Dispatcher::builder(client)
///     .capacity(50_000)
///     .max_batch_size(200)
///     .flush_interval(Duration::from_millis(500))
///     .overflow_policy(OverflowPolicy::DropNewest)
///     .retry_policy(RetryPolicy::default().max_retries(10))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a builder does nothing until `.build()`"]
pub struct DispatcherBuilder {
    client: Client,
    settings: Settings,
    spool: Option<SpoolConfig>,
}

impl Dispatcher {
    /// A builder for a dispatcher sending with `client` (its URL, User-Agent and connection
    /// pool).
    pub fn builder(client: Client) -> DispatcherBuilder {
        DispatcherBuilder {
            client,
            settings: Settings::default(),
            spool: None,
        }
    }
}

impl DispatcherBuilder {
    /// How many events the dispatcher holds at most, queued or being sent; default 10 000.
    /// This bounds its memory. When full, [`track`](Dispatcher::track) follows the
    /// [`overflow_policy`](Self::overflow_policy).
    pub fn capacity(mut self, events: usize) -> Self {
        self.settings.capacity = events;
        self
    }

    /// What a full queue does to a new event; default [`OverflowPolicy::Reject`].
    pub fn overflow_policy(mut self, policy: OverflowPolicy) -> Self {
        self.settings.overflow = policy;
        self
    }

    /// The most events per `/api/batch` request, 1 to [`MAX_BATCH_ITEMS`] (500, Umami's
    /// limit); default 100. Umami stores a batch item by item (about 70 events/s on a small
    /// server), so smaller batches answer sooner.
    pub fn max_batch_size(mut self, events: usize) -> Self {
        self.settings.max_batch_size = events;
        self
    }

    /// The largest batch body in bytes; default 1 MiB (the default body limit of common
    /// reverse proxies, e.g. nginx's `client_max_body_size`). A single larger event is sent
    /// alone. When the server answers 413 (too large) to a batch anyway, the batch is split in
    /// halves and later batches are kept under half its size.
    pub fn max_batch_bytes(mut self, bytes: usize) -> Self {
        self.settings.max_batch_bytes = bytes;
        self
    }

    /// How long an event may wait for more to fill its batch; default 1 s. A full batch goes
    /// at once; zero sends whatever is queued right away.
    pub fn flush_interval(mut self, interval: Duration) -> Self {
        self.settings.flush_interval = interval;
        self
    }

    /// How many batch requests may be under way at once; default 2.
    pub fn max_concurrent_requests(mut self, requests: usize) -> Self {
        self.settings.max_concurrent_requests = requests;
        self
    }

    /// On servers without `/api/batch`: how many `/api/send` calls each batch's events are
    /// spread over at once; default 8.
    pub fn single_send_concurrency(mut self, requests: usize) -> Self {
        self.settings.single_send_concurrency = requests;
        self
    }

    /// The timeout of one `/api/batch` request; default 30 s (a batch of 500 can take Umami
    /// several seconds). This is not the client's
    /// [`timeout`](crate::ClientBuilder::timeout) (default 10 s): that one bounds direct
    /// sends, management calls and the dispatcher's single `/api/send` requests; this one
    /// bounds batches only.
    pub fn batch_timeout(mut self, timeout: Duration) -> Self {
        self.settings.batch_timeout = timeout;
        self
    }

    /// When and how often to retry; default [`RetryPolicy::default`] (up to 20 retries within
    /// 10 minutes, 500 ms doubling to at most 30 s, with jitter): chosen so that a server
    /// failing 30% of requests still gets every event, while one that is down for good is
    /// given up on after 10 minutes.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// The timeout of [`Dispatcher::close`]; default 10 s.
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.settings.shutdown_timeout = timeout;
        self
    }

    /// How many users' cache tokens are remembered for single sends (keyed by distinct id);
    /// default 10 000 (least recently used first out). Zero turns the cache off. See
    /// [`Routing::CacheTokens`].
    ///
    /// ```no_run
    /// # fn demo(client: umami::Client) -> Result<(), umami::dispatch::BuildError> {
    /// let dispatcher = umami::Dispatcher::builder(client)
    ///     .cache_token_capacity(50_000)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn cache_token_capacity(mut self, users: usize) -> Self {
        self.settings.cache_token_capacity = users;
        self
    }

    /// Which hits go in batches and which alone; default [`Routing::Batch`]: batches, except
    /// hits carrying a visitor's User-Agent that the [`bot_check`](Self::bot_check) did not
    /// clear. See [`Routing`].
    ///
    /// ```no_run
    /// # fn demo(client: umami::Client) -> Result<(), umami::dispatch::BuildError> {
    /// use umami::dispatch::Routing;
    /// let dispatcher = umami::Dispatcher::builder(client)
    ///     .routing(Routing::CacheTokens)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn routing(mut self, routing: Routing) -> Self {
        self.settings.routing = routing;
        self
    }

    /// Which visitor User-Agents are taken for bots'; default [`BotCheck::Umami`] (Umami's
    /// own patterns) with feature `bot-filter`, [`BotCheck::Off`] without. The one switch of
    /// the crate's bot check: `umami::web`'s layer and visitors use their dispatcher's.
    ///
    /// Hits carrying a visitor's User-Agent ([`user_agent`](crate::hit::HitBuilder::user_agent))
    /// are checked before they are queued: a bot's page view is not sent at all, and a
    /// bot-like visitor's event follows the [`bot_policy`](Self::bot_policy), both counted
    /// as [`FailReason::BotFiltered`](super::FailReason::BotFiltered) when not sent. A
    /// User-Agent that passes Umami's patterns lets its hit go in a batch (Umami's batch
    /// answer would not say which items its filter dropped; see [`Routing`]).
    ///
    /// ```no_run
    /// # fn demo(client: umami::Client) -> Result<(), umami::dispatch::BuildError> {
    /// use umami::dispatch::BotCheck;
    /// let dispatcher = umami::Dispatcher::builder(client)
    ///     .bot_check(BotCheck::Off)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn bot_check(mut self, check: BotCheck) -> Self {
        self.settings.bot_check = check;
        self
    }

    /// What happens to an event (not a page view) whose visitor User-Agent the
    /// [`bot_check`](Self::bot_check) flags; default [`BotPolicy::OwnUserAgent`]: sent with
    /// the client's User-Agent, never lost.
    ///
    /// ```no_run
    /// # fn demo(client: umami::Client) -> Result<(), umami::dispatch::BuildError> {
    /// use umami::dispatch::BotPolicy;
    /// let dispatcher = umami::Dispatcher::builder(client)
    ///     .bot_policy(BotPolicy::Drop)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn bot_policy(mut self, policy: BotPolicy) -> Self {
        self.settings.bot_policy = policy;
        self
    }

    /// Keeps every accepted event in a durable on-disk spool until Umami acknowledged it or
    /// it failed for good, and sends what an earlier process left there: see
    /// [`spool`](super::spool). Default: none (events live in memory only).
    ///
    /// ```no_run
    /// # async fn demo(client: umami::Client) -> Result<(), umami::dispatch::BuildError> {
    /// use umami::dispatch::spool::SpoolConfig;
    /// let dispatcher = umami::Dispatcher::builder(client)
    ///     .spool(SpoolConfig::new("/var/lib/app/umami-spool"))
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn spool(mut self, config: SpoolConfig) -> Self {
        self.spool = Some(config);
        self
    }

    /// Checks the settings and starts the worker task on the current tokio runtime.
    ///
    /// # Errors
    /// [`BuildError::Validation`] for a zero capacity, batch size, concurrency or timeout, a
    /// batch size above 500, or a concurrency above tokio's semaphore limit
    /// (`usize::MAX >> 3`); [`BuildError::NoRuntime`] outside a tokio runtime (from
    /// synchronous code, enter one first: `let _guard = runtime.enter();`); with a
    /// [`spool`](Self::spool), [`BuildError::Validation`] for a `max_bytes` below 64 KiB or a
    /// `segment_bytes` out of 4 KiB to 1 GiB, and [`BuildError::Spool`] when the directory is
    /// locked by another dispatcher or cannot be read or written.
    pub fn build(self) -> Result<Dispatcher, BuildError> {
        self.check()?;
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| BuildError::NoRuntime)?;
        let shared = self.open()?;
        let worker = runtime.spawn(worker::run(shared.clone()));
        Ok(Dispatcher::start(shared, worker))
    }

    /// Checks the settings and starts the worker on a tokio runtime of its own, with one
    /// worker thread (`umami-dispatcher`): the dispatcher of programs without an async
    /// runtime (feature `blocking`). Its [`flush`](crate::blocking::Dispatcher::flush),
    /// [`shutdown`](crate::blocking::Dispatcher::shutdown) and
    /// [`guard`](crate::blocking::Dispatcher::guard) block instead of being awaited;
    /// everything else is [`build`](Self::build)'s dispatcher.
    ///
    /// ```no_run
    /// fn main() -> Result<(), Box<dyn std::error::Error>> {
    ///     let client = umami::Client::builder()
    ///         .url_base("https://umami.example.com")
    ///         .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
    ///         .hostname("example.com")
    ///         .build()?;
    ///     let dispatcher = umami::Dispatcher::builder(client.clone()).build_blocking()?;
    ///     dispatcher.track_hit(client.new_event("Cron-Run"))?;
    ///     println!("{}", dispatcher.shutdown(std::time::Duration::from_secs(5)));
    ///     Ok(())
    /// }
    /// ```
    ///
    /// # Errors
    /// As [`build`](Self::build), except that no runtime is needed (so never
    /// [`BuildError::NoRuntime`]); [`BuildError::Runtime`] when the runtime's thread cannot
    /// be started.
    #[cfg(feature = "blocking")]
    #[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
    pub fn build_blocking(self) -> Result<crate::blocking::Dispatcher, BuildError> {
        self.check()?;
        // The spool first: a runtime dropped on an error path would panic when this is
        // called from async code.
        let shared = self.open()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("umami-dispatcher")
            .enable_all()
            .build()
            .map_err(BuildError::Runtime)?;
        let worker = runtime.spawn(worker::run(shared.clone()));
        let dispatcher = Dispatcher::start(shared, worker);
        Ok(crate::blocking::Dispatcher::start(runtime, dispatcher))
    }

    /// Checks the settings (not the spool's).
    fn check(&self) -> Result<(), ValidationError> {
        let s = &self.settings;
        let positive = |field: &'static str, value: usize| {
            if value == 0 {
                Err(ValidationError::new(field, "must be at least 1"))
            } else {
                Ok(())
            }
        };
        positive("capacity", s.capacity)?;
        positive("max_batch_size", s.max_batch_size)?;
        positive("max_batch_bytes", s.max_batch_bytes)?;
        positive("max_concurrent_requests", s.max_concurrent_requests)?;
        positive("single_send_concurrency", s.single_send_concurrency)?;
        for (field, value) in [
            ("max_concurrent_requests", s.max_concurrent_requests),
            ("single_send_concurrency", s.single_send_concurrency),
        ] {
            if value > MAX_CONCURRENCY {
                return Err(ValidationError::new(
                    field,
                    format!("{value} is above the limit of {MAX_CONCURRENCY} requests at once"),
                ));
            }
        }
        if s.max_batch_size > MAX_BATCH_ITEMS {
            return Err(ValidationError::new(
                "max_batch_size",
                format!(
                    "{} is above Umami's limit of {MAX_BATCH_ITEMS} items per batch",
                    s.max_batch_size
                ),
            ));
        }
        if s.batch_timeout.is_zero() {
            return Err(ValidationError::new(
                "batch_timeout",
                "must be longer than zero",
            ));
        }
        Ok(())
    }

    /// Checks and opens the spool, if any, and makes the state the handles and the worker
    /// share (the spool's threads started).
    fn open(self) -> Result<Arc<Shared>, BuildError> {
        let spool = match self.spool {
            None => None,
            Some(config) => {
                if config.max_bytes < 64 * 1024 {
                    return Err(ValidationError::new(
                        "max_bytes",
                        format!("{} bytes is below the minimum of 65536", config.max_bytes),
                    )
                    .into());
                }
                if !(4096..=1024 * 1024 * 1024).contains(&config.segment_bytes) {
                    return Err(ValidationError::new(
                        "segment_bytes",
                        format!(
                            "{} bytes is outside 4096 to 1073741824",
                            config.segment_bytes
                        ),
                    )
                    .into());
                }
                Some(Spool::open(config)?)
            }
        };
        let shared = Arc::new(Shared::with_spool(self.client, self.settings, spool));
        if let Some(spool) = &shared.spool {
            spool.start(Arc::downgrade(&shared))?;
        }
        Ok(shared)
    }
}
