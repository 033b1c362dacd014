//! The same API for code without an async runtime (feature `blocking`), like
//! `reqwest::blocking`.
//!
//! [`Client`] here wraps the async [`crate::Client`] and a small tokio runtime of its own
//! (one worker thread, shared by all clones): every call runs the async code to completion on
//! it, so payloads, validation, errors and wire format are exactly those of the async API.
//! No `#[tokio::main]` needed:
//!
//! ```no_run
//! use serde_json::json;
//!
//! fn main() -> Result<(), umami::Error> {
//!     let client = umami::blocking::Client::builder()
//!         .url_base("https://umami.example.com")
//!         .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
//!         .hostname("example.com")
//!         .build()?;
//!     client
//!         .new_event("Purchase-Course")
//!         .url("/checkout")
//!         .custom_data(json!({"plan": "pro"}))
//!         .send()?;
//!
//!     client.login("admin", "umami")?;
//!     for site in client.websites()? {
//!         println!("{}", site.name);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! [`Dispatcher`] is the background dispatcher for the same programs: built by
//! [`DispatcherBuilder::build_blocking`](crate::dispatch::DispatcherBuilder::build_blocking).
//!
//! # Inside async code
//! Blocking an async runtime's thread stalls every task on it, so this client refuses to run
//! while a tokio runtime is current on the calling thread (in a task, or in
//! `tokio::task::spawn_blocking`): building it, or any call returning a `Result`, fails with
//! [`Error::OperationNotAllowed`]; [`Client::heartbeat`] and [`Client::verify_token`] answer
//! `false`. It never panics for this. In async code use [`crate::Client`] — the same client,
//! available from a blocking one as [`Client::as_async`]. Dropping a blocking client anywhere,
//! inside a runtime included, is fine.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::Serialize;

use crate::api::{ServerGeneration, User, Website, WebsiteStats, WebsitesPage};
use crate::client::CloudRegion;
use crate::error::Error;
use crate::hit::{HitKind, IntoDistinctId, IntoIpAddress, PreparedHit, kind};
use crate::response::SendResponse;
use crate::typed::UmamiEvent;

mod dispatcher;
pub use dispatcher::{Dispatcher, ShutdownGuard};

/// The runtime the blocking calls run on. Dropped with `shutdown_background`, which (unlike a
/// plain drop) is allowed inside another runtime and does not wait for idle connections.
struct OwnedRuntime(Option<tokio::runtime::Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_background();
        }
    }
}

/// Runs futures to completion on the client's runtime.
#[derive(Clone)]
struct Exec(Arc<OwnedRuntime>);

impl fmt::Debug for Exec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Exec")
    }
}

impl Exec {
    fn new() -> Result<Self, Error> {
        refuse_inside_runtime()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            // One worker keeps pooled connections alive between calls; the calling thread
            // drives its own request.
            .worker_threads(1)
            .thread_name("umami-blocking")
            .enable_all()
            .build()
            .map_err(|e| Error::Transport {
                message: "could not start the blocking client's runtime".to_owned(),
                timeout: false,
                connect: false,
                source: Box::new(e),
            })?;
        Ok(Exec(Arc::new(OwnedRuntime(Some(runtime)))))
    }

    fn run<T>(&self, future: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        refuse_inside_runtime()?;
        match &self.0.0 {
            Some(runtime) => runtime.block_on(future),
            None => Err(Error::not_allowed(
                "the blocking client's runtime is shut down",
            )),
        }
    }

    /// For the calls that answer `bool`: `false` where a call is refused.
    fn run_bool(&self, future: impl Future<Output = bool>) -> bool {
        self.run(async { Ok(future.await) }).unwrap_or(false)
    }
}

/// Tokio's `block_on` panics inside a runtime; refuse with an error instead.
fn refuse_inside_runtime() -> Result<(), Error> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::not_allowed(
            "umami::blocking::Client cannot be used where a tokio runtime is running (it would \
             block the runtime's thread): use the async umami::Client there (a blocking \
             client's as_async() gives it), or call from a thread without a runtime",
        ));
    }
    Ok(())
}

/// Keeps a wrapper's runtime while replacing its async inner value.
macro_rules! forward {
    ($($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        $(#[$doc])*
        pub fn $name(self, $($arg: $ty),*) -> Self {
            Self { inner: self.inner.$name($($arg),*), exec: self.exec }
        }
    )*};
}

/// A blocking Umami client: the async [`crate::Client`] plus its own runtime. Cheap to clone
/// (clones share the runtime, the connection pool, the enabled switch and the login token).
///
/// See the [module docs](self) for an example and for use near async code.
#[derive(Clone)]
pub struct Client {
    inner: crate::Client,
    exec: Exec,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The async client's Debug redacts the key and the token.
        f.debug_tuple("blocking::Client")
            .field(&self.inner)
            .finish()
    }
}

impl Client {
    /// A builder with every setting at its default; the same settings as
    /// [`crate::ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            inner: crate::Client::builder(),
        }
    }

    /// A blocking client around an async one (sharing its settings, pool and token).
    ///
    /// # Errors
    /// [`Error::OperationNotAllowed`] inside a tokio runtime; [`Error::Transport`] when the
    /// runtime cannot start.
    pub fn from_async(client: crate::Client) -> Result<Self, Error> {
        Ok(Client {
            inner: client,
            exec: Exec::new()?,
        })
    }

    /// The async client underneath, for async code.
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    /// A custom event; see [`crate::Client::new_event`].
    pub fn new_event(&self, event_name: impl Into<String>) -> NewEvent {
        self.wrap(self.inner.new_event(event_name))
    }

    /// A page view; see [`crate::Client::new_page_view`].
    pub fn new_page_view(
        &self,
        page_title: impl Into<String>,
        url: impl Into<String>,
    ) -> NewPageView {
        self.wrap(self.inner.new_page_view(page_title, url))
    }

    /// A revenue event; see [`crate::Client::new_revenue_event`].
    pub fn new_revenue_event(&self, revenue: f64, currency: impl Into<String>) -> NewRevenueEvent {
        self.wrap(self.inner.new_revenue_event(revenue, currency))
    }

    /// An identify hit; see [`crate::Client::identify`].
    pub fn identify(&self, distinct_id: impl IntoDistinctId) -> Identify {
        self.wrap(self.inner.identify(distinct_id))
    }

    /// A performance hit; see [`crate::Client::new_performance`].
    pub fn new_performance(&self, url: impl Into<String>) -> NewPerformance {
        self.wrap(self.inner.new_performance(url))
    }

    fn wrap<K>(&self, inner: crate::hit::HitBuilder<K>) -> HitBuilder<K> {
        HitBuilder {
            inner,
            exec: self.exec.clone(),
        }
    }

    /// Sends a typed event (`#[derive(UmamiEvent)]`); see [`UmamiEvent::send`].
    ///
    /// # Errors
    /// As [`HitBuilder::send`].
    pub fn send_event<E: UmamiEvent + ?Sized>(&self, event: &E) -> Result<SendResponse, Error> {
        self.exec.run(event.send(&self.inner))
    }

    /// Sends a prepared hit; see [`crate::Client::send_hit`].
    ///
    /// # Errors
    /// As [`HitBuilder::send`].
    pub fn send_hit(&self, hit: &PreparedHit) -> Result<SendResponse, Error> {
        self.exec.run(self.inner.send_hit(hit))
    }

    /// Sends a prepared hit with the visitor's cache token; see
    /// [`crate::Client::send_hit_with_cache`].
    ///
    /// # Errors
    /// As [`HitBuilder::send`].
    pub fn send_hit_with_cache(
        &self,
        hit: &PreparedHit,
        cache: Option<&str>,
    ) -> Result<SendResponse, Error> {
        self.exec.run(self.inner.send_hit_with_cache(hit, cache))
    }

    /// See [`crate::Client::disable`].
    pub fn disable(&self) {
        self.inner.disable();
    }

    /// See [`crate::Client::enable`].
    pub fn enable(&self) {
        self.inner.enable();
    }

    /// See [`crate::Client::is_enabled`].
    pub fn is_enabled(&self) -> bool {
        self.inner.is_enabled()
    }

    /// See [`crate::Client::is_cloud`].
    pub fn is_cloud(&self) -> bool {
        self.inner.is_cloud()
    }

    /// See [`crate::Client::website_id`].
    pub fn website_id(&self) -> Option<&str> {
        self.inner.website_id()
    }

    /// See [`crate::Client::hostname`].
    pub fn hostname(&self) -> Option<&str> {
        self.inner.hostname()
    }

    /// See [`crate::Client::send_url`].
    pub fn send_url(&self) -> &str {
        self.inner.send_url()
    }

    /// See [`crate::Client::management_api_root`].
    pub fn management_api_root(&self) -> String {
        self.inner.management_api_root()
    }

    /// See [`crate::Client::is_logged_in`].
    pub fn is_logged_in(&self) -> bool {
        self.inner.is_logged_in()
    }

    /// See [`crate::Client::logout`].
    pub fn logout(&self) {
        self.inner.logout();
    }

    /// Logs in to a self-hosted Umami; see [`crate::Client::login`].
    ///
    /// # Errors
    /// As [`crate::Client::login`]; [`Error::OperationNotAllowed`] inside a runtime.
    pub fn login(&self, username: &str, password: &str) -> Result<User, Error> {
        self.exec.run(self.inner.login(username, password))
    }

    /// See [`crate::Client::verify_token`]; `false` inside a runtime.
    pub fn verify_token(&self, check_server: bool) -> bool {
        self.exec.run_bool(self.inner.verify_token(check_server))
    }

    /// See [`crate::Client::heartbeat`]; `false` inside a runtime.
    pub fn heartbeat(&self) -> bool {
        self.exec.run_bool(self.inner.heartbeat())
    }

    /// Every website, across all pages; see [`crate::Client::websites`].
    ///
    /// # Errors
    /// As [`crate::Client::websites`]; [`Error::OperationNotAllowed`] inside a runtime.
    pub fn websites(&self) -> Result<Vec<Website>, Error> {
        self.exec.run(self.inner.websites())
    }

    /// One page of websites; see [`crate::Client::websites_page`].
    ///
    /// # Errors
    /// As [`crate::Client::websites_page`]; [`Error::OperationNotAllowed`] inside a runtime.
    pub fn websites_page(&self, page: u64, page_size: u64) -> Result<WebsitesPage, Error> {
        self.exec.run(self.inner.websites_page(page, page_size))
    }

    /// A website listing with options; see [`crate::Client::websites_query`].
    pub fn websites_query(&self) -> WebsitesQuery {
        WebsitesQuery {
            inner: self.inner.websites_query(),
            exec: self.exec.clone(),
        }
    }

    /// Website stats between `start` and `end`; see [`crate::Client::website_stats`].
    pub fn website_stats(&self, start: SystemTime, end: SystemTime) -> WebsiteStatsRequest {
        WebsiteStatsRequest {
            inner: self.inner.website_stats(start, end),
            exec: self.exec.clone(),
        }
    }

    /// Visitors on the website right now; see [`crate::Client::active_users`].
    ///
    /// # Errors
    /// As [`crate::Client::active_users`]; [`Error::OperationNotAllowed`] inside a runtime.
    pub fn active_users(&self, website_id: Option<&str>) -> Result<u64, Error> {
        self.exec.run(self.inner.active_users(website_id))
    }
}

/// Builds a blocking [`Client`]: the settings of [`crate::ClientBuilder`], whose docs give
/// each default.
#[derive(Debug)]
#[must_use = "a builder does nothing until `.build()`"]
pub struct ClientBuilder {
    inner: crate::ClientBuilder,
}

macro_rules! forward_builder {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        #[doc = concat!("See [`crate::ClientBuilder::", stringify!($name), "`].")]
        pub fn $name(self, $($arg: $ty),*) -> Self {
            ClientBuilder { inner: self.inner.$name($($arg),*) }
        }
    )*};
}

impl ClientBuilder {
    forward_builder! {
        url_base(url: impl Into<String>);
        cloud_api_key(key: impl Into<String>);
        cloud_region(region: CloudRegion);
        cloud_send_base(url: impl Into<String>);
        cloud_api_base(url: impl Into<String>);
        website_id(website_id: impl Into<String>);
        hostname(hostname: impl Into<String>);
        user_agent(user_agent: impl Into<String>);
        timeout(timeout: Duration);
        enabled(enabled: bool);
    }

    /// See [`crate::ClientBuilder::http_client`]. Its pooled connections will belong to this
    /// client's runtime: don't share one `reqwest::Client` between async and blocking clients.
    pub fn http_client(self, client: reqwest::Client) -> Self {
        ClientBuilder {
            inner: self.inner.http_client(client),
        }
    }

    /// Checks the settings, starts the client's runtime and builds the client.
    ///
    /// # Errors
    /// As [`crate::ClientBuilder::build`]; [`Error::OperationNotAllowed`] when called where a
    /// tokio runtime is running.
    pub fn build(self) -> Result<Client, Error> {
        refuse_inside_runtime()?;
        let inner = self.inner.build()?;
        Client::from_async(inner)
    }
}

/// A blocking hit builder: the async [`crate::hit::HitBuilder`]'s setters, ending in a blocking
/// [`send`](Self::send).
#[derive(Debug, Clone)]
#[must_use = "a hit builder does nothing until `.send()`"]
pub struct HitBuilder<K> {
    inner: crate::hit::HitBuilder<K>,
    exec: Exec,
}

/// Blocking builder of a custom event: see [`Client::new_event`].
pub type NewEvent = HitBuilder<kind::Event>;
/// Blocking builder of a page view: see [`Client::new_page_view`].
pub type NewPageView = HitBuilder<kind::PageView>;
/// Blocking builder of a revenue event: see [`Client::new_revenue_event`].
pub type NewRevenueEvent = HitBuilder<kind::Revenue>;
/// Blocking builder of an identify hit: see [`Client::identify`].
pub type Identify = HitBuilder<kind::Identify>;
/// Blocking builder of a performance hit: see [`Client::new_performance`].
pub type NewPerformance = HitBuilder<kind::Performance>;

impl<K> HitBuilder<K> {
    forward! {
        /// See [`crate::hit::HitBuilder::website_id`].
        website_id(website_id: impl Into<String>);
        /// See [`crate::hit::HitBuilder::hostname`].
        hostname(hostname: impl Into<String>);
        /// See [`crate::hit::HitBuilder::url`].
        url(url: impl Into<String>);
        /// See [`crate::hit::HitBuilder::title`].
        title(title: impl Into<String>);
        /// See [`crate::hit::HitBuilder::referrer`].
        referrer(referrer: impl Into<String>);
        /// See [`crate::hit::HitBuilder::language`].
        language(language: impl Into<String>);
        /// See [`crate::hit::HitBuilder::screen`].
        screen(screen: impl Into<String>);
        /// See [`crate::hit::HitBuilder::tag`].
        tag(tag: impl Into<String>);
        /// See [`crate::hit::HitBuilder::distinct_id`].
        distinct_id(id: impl IntoDistinctId);
        /// See [`crate::hit::HitBuilder::ip_address`].
        ip_address(ip: impl IntoIpAddress);
        /// See [`crate::hit::HitBuilder::user_agent`].
        user_agent(user_agent: impl Into<String>);
        /// See [`crate::hit::HitBuilder::timestamp`].
        timestamp(at: SystemTime);
        /// See [`crate::hit::HitBuilder::browser`].
        browser(browser: impl Into<String>);
        /// See [`crate::hit::HitBuilder::os`].
        os(os: impl Into<String>);
        /// See [`crate::hit::HitBuilder::device`].
        device(device: impl Into<String>);
    }

    /// See [`crate::hit::HitBuilder::server_side`].
    pub fn server_side(self) -> Self {
        HitBuilder {
            inner: self.inner.server_side(),
            exec: self.exec,
        }
    }
}

impl<K: HitKind> HitBuilder<K> {
    /// Validates the hit without sending it; see [`crate::hit::HitBuilder::prepare`]. No I/O.
    ///
    /// # Errors
    /// As [`crate::hit::HitBuilder::prepare`].
    pub fn prepare(self) -> Result<PreparedHit, Error> {
        self.inner.prepare()
    }

    /// Validates the hit and sends it, blocking until Umami answers.
    ///
    /// # Errors
    /// As [`crate::hit::HitBuilder::send`]; [`Error::OperationNotAllowed`] inside a runtime.
    pub fn send(self) -> Result<SendResponse, Error> {
        self.exec.run(self.inner.send())
    }
}

impl NewEvent {
    forward! {
        /// See [`crate::hit::NewEvent::custom_data`](crate::hit::HitBuilder#method.custom_data).
        custom_data(data: impl Serialize);
    }
}

impl NewRevenueEvent {
    forward! {
        /// The event name; default `revenue`.
        event_name(name: impl Into<String>);
        /// Custom data, merged with `revenue` and `currency`.
        custom_data(data: impl Serialize);
    }
}

impl NewPerformance {
    forward! {
        /// See [`crate::hit::NewPerformance::lcp`](crate::hit::HitBuilder#method.lcp).
        lcp(ms: f64);
        /// See [`crate::hit::NewPerformance::inp`](crate::hit::HitBuilder#method.inp).
        inp(ms: f64);
        /// See [`crate::hit::NewPerformance::fcp`](crate::hit::HitBuilder#method.fcp).
        fcp(ms: f64);
        /// See [`crate::hit::NewPerformance::ttfb`](crate::hit::HitBuilder#method.ttfb).
        ttfb(ms: f64);
        /// See [`crate::hit::NewPerformance::cls`](crate::hit::HitBuilder#method.cls).
        cls(score: f64);
    }
}

impl Identify {
    forward! {
        /// Session data to attach to the visitor: any value that serializes to a JSON object.
        data(data: impl Serialize);
    }
}

/// A blocking website listing; see [`crate::api::WebsitesQuery`].
#[derive(Debug, Clone)]
#[must_use = "a query does nothing until `.send()` or `.all()`"]
pub struct WebsitesQuery {
    inner: crate::api::WebsitesQuery,
    exec: Exec,
}

impl WebsitesQuery {
    forward! {
        /// See [`crate::api::WebsitesQuery::search`].
        search(text: impl Into<String>);
        /// See [`crate::api::WebsitesQuery::page`].
        page(page: u64);
        /// See [`crate::api::WebsitesQuery::page_size`].
        page_size(page_size: u64);
    }

    /// Fetches the one page; see [`crate::api::WebsitesQuery::send`].
    ///
    /// # Errors
    /// As [`crate::api::WebsitesQuery::send`]; [`Error::OperationNotAllowed`] inside a runtime.
    pub fn send(self) -> Result<WebsitesPage, Error> {
        self.exec.run(self.inner.send())
    }

    /// Fetches every page; see [`crate::api::WebsitesQuery::all`].
    ///
    /// # Errors
    /// As [`crate::api::WebsitesQuery::all`]; [`Error::OperationNotAllowed`] inside a runtime.
    pub fn all(self) -> Result<Vec<Website>, Error> {
        self.exec.run(self.inner.all())
    }
}

/// A blocking stats request; see [`crate::api::WebsiteStatsRequest`] for the filters.
#[derive(Debug, Clone)]
#[must_use = "a stats request does nothing until `.send()`"]
pub struct WebsiteStatsRequest {
    inner: crate::api::WebsiteStatsRequest,
    exec: Exec,
}

impl WebsiteStatsRequest {
    forward! {
        /// See [`crate::api::WebsiteStatsRequest::website_id`].
        website_id(website_id: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::server_generation`].
        server_generation(generation: ServerGeneration);
        /// See [`crate::api::WebsiteStatsRequest::path`].
        path(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::referrer`].
        referrer(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::title`].
        title(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::query`].
        query(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::os`].
        os(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::browser`].
        browser(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::device`].
        device(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::country`].
        country(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::region`].
        region(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::city`].
        city(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::tag`].
        tag(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::hostname`].
        hostname(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::distinct_id`].
        distinct_id(id: impl IntoDistinctId);
        /// See [`crate::api::WebsiteStatsRequest::language`].
        language(value: impl Into<String>);
        /// See [`crate::api::WebsiteStatsRequest::event`].
        event(value: impl Into<String>);
    }

    /// Checks the inputs, then asks the server; see [`crate::api::WebsiteStatsRequest::send`].
    ///
    /// # Errors
    /// As [`crate::api::WebsiteStatsRequest::send`]; [`Error::OperationNotAllowed`] inside a
    /// runtime.
    pub fn send(self) -> Result<WebsiteStats, Error> {
        self.exec.run(self.inner.send())
    }
}
