//! The tower middleware's [`Layer`]: [`UmamiLayer`], its settings and [`QueryMode`].
//!
//! The service it wraps around the inner one is in `service.rs`, the response future in
//! `future.rs`, the page view they queue in `page_view.rs` (as tower-http's `trace/` is cut).

use std::fmt;
use std::sync::Arc;

use tower_layer::Layer;

use super::context_config::ContextConfig;
use super::filter::RequestFilter;
#[cfg(doc)]
use super::filter::SkipReason;
use super::service::UmamiService;
use super::stats::{Counters, WebStats};
use super::visitor::Link;
#[cfg(doc)]
use super::visitor::RequestVisitor;
use crate::dispatch::{BotPolicy, Dispatcher};

/// What part of the request's URL becomes the page view's `url`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum QueryMode {
    /// The path, and of the query only the `utm_*` parameters (Umami reads them for its
    /// campaign reports); query strings often hold personal data. The default.
    #[default]
    UtmOnly,
    /// The path alone.
    Strip,
    /// The path and the whole query string.
    Keep,
}

type TitleFn = Arc<dyn Fn(&str) -> String + Send + Sync>;

#[derive(Clone)]
pub(super) struct Config {
    /// The dispatcher, counters and context settings, shared with the requests'
    /// [`RequestVisitor`]s.
    pub(super) link: Arc<Link>,
    /// The link's counters (a layer always has them).
    pub(super) counters: Arc<Counters>,
    /// The client's website id, shared by every page view the layer queues.
    pub(super) website: Option<Arc<str>>,
    pub(super) filter: RequestFilter,
    pub(super) query: QueryMode,
    pub(super) route_templates: bool,
    pub(super) title: Option<TitleFn>,
    pub(super) bot_policy: BotPolicy,
}

/// A tower [`Layer`] that records one page view per counted request through a
/// [`Dispatcher`], and gives handlers a [`RequestVisitor`] (a request extension; an axum
/// extractor with feature `axum`).
///
/// The request path never waits for Umami: the page view is built when the inner service's
/// response head is ready and queued with [`Dispatcher::track`] (a short lock, no I/O).
/// Which requests count: see [`RequestFilter`]; the url: see [`QueryMode`] and
/// [`route_templates`](Self::route_templates); the visitor: see [`ContextConfig`].
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use umami::web::{RequestFilter, UmamiLayer};
///
/// let client = umami::Client::builder()
///     .url_base("https://umami.example.com")
///     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
///     .hostname("shop.example.com")
///     .build()?;
/// let dispatcher = umami::Dispatcher::builder(client).build()?;
/// let layer = UmamiLayer::new(dispatcher.clone())
///     .filter(RequestFilter::default().exclude_path("/healthz"));
/// // tower::ServiceBuilder::new().layer(layer).service(app), or axum's Router::layer(layer)
/// # let _ = layer;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct UmamiLayer {
    pub(super) config: Arc<Config>,
}

impl fmt::Debug for UmamiLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UmamiLayer")
            .field("dispatcher", &self.config.link.dispatcher)
            .field("context", &self.config.link.context)
            .field("filter", &self.config.filter)
            .field("query", &self.config.query)
            .field("route_templates", &self.config.route_templates)
            .field("title", &self.config.title.is_some())
            .field("bot_policy", &self.config.bot_policy)
            .finish()
    }
}

impl UmamiLayer {
    /// A layer queuing its hits on `dispatcher`, with the defaults described on the setters.
    ///
    /// ```no_run
    /// # fn demo(dispatcher: umami::Dispatcher) {
    /// let layer = umami::web::UmamiLayer::new(dispatcher);
    /// # }
    /// ```
    pub fn new(dispatcher: Dispatcher) -> UmamiLayer {
        let counters = Arc::<Counters>::default();
        UmamiLayer {
            config: Arc::new(Config {
                website: dispatcher.client().website_id().map(Arc::from),
                link: Arc::new(Link::new(
                    dispatcher,
                    Some(Arc::clone(&counters)),
                    ContextConfig::default(),
                )),
                counters,
                filter: RequestFilter::default(),
                query: QueryMode::default(),
                route_templates: false,
                title: None,
                bot_policy: BotPolicy::default(),
            }),
        }
    }

    fn edit(mut self, f: impl FnOnce(&mut Config)) -> Self {
        f(Arc::make_mut(&mut self.config));
        self
    }

    /// How the visitor is read (IP source, privacy switches); default
    /// [`ContextConfig::default`]. With the dispatcher's
    /// [`bot_check`](crate::dispatch::DispatcherBuilder::bot_check), page views of bot-like
    /// visitors are not sent ([`SkipReason::Bot`]).
    ///
    /// ```no_run
    /// # fn demo(layer: umami::web::UmamiLayer) {
    /// let layer = layer.context(umami::web::ContextConfig::default().send_ip(false));
    /// # }
    /// ```
    pub fn context(self, config: ContextConfig) -> Self {
        // A new link: the handles of requests already served keep the settings they had.
        self.edit(|c| {
            c.link = Arc::new(Link::new(
                c.link.dispatcher.clone(),
                c.link.counters.clone(),
                config,
            ));
        })
    }

    /// Which requests count; default [`RequestFilter::default`].
    ///
    /// ```no_run
    /// # fn demo(layer: umami::web::UmamiLayer) {
    /// let layer = layer.filter(umami::web::RequestFilter::default().exclude_prefix("/api/"));
    /// # }
    /// ```
    pub fn filter(self, filter: RequestFilter) -> Self {
        self.edit(|c| c.filter = filter)
    }

    /// What of the query string is kept in the `url`; default [`QueryMode::UtmOnly`].
    ///
    /// ```no_run
    /// # fn demo(layer: umami::web::UmamiLayer) {
    /// let layer = layer.query(umami::web::QueryMode::Keep);
    /// # }
    /// ```
    pub fn query(self, mode: QueryMode) -> Self {
        self.edit(|c| c.query = mode)
    }

    /// Send axum's route template (`/products/{id}`, from `MatchedPath`) as the `url`
    /// instead of the path, to keep the number of distinct urls low (default `false`). The
    /// [`QueryMode`] applies after it (by default the `utm_*` parameters follow the template).
    /// `MatchedPath` exists only inside the router: add the layer with `Router::layer`.
    /// Requests without one (no route matched) send their path. Without feature `axum`,
    /// this setting has no effect.
    ///
    /// ```no_run
    /// # fn demo(layer: umami::web::UmamiLayer) {
    /// let layer = layer.route_templates(true);
    /// # }
    /// ```
    pub fn route_templates(self, enabled: bool) -> Self {
        self.edit(|c| c.route_templates = enabled)
    }

    /// The page view's title from its `url` (query included, as sent); default: the `url`'s
    /// path, or its route template with [`route_templates`](Self::route_templates), without
    /// the query (`/pricing?utm_source=newsletter` is titled `/pricing`: a campaign is not
    /// part of the page's name, and Umami reports titles as they are).
    ///
    /// ```no_run
    /// # fn demo(layer: umami::web::UmamiLayer) {
    /// let layer = layer.title(|url| format!("Shop {url}"));
    /// # }
    /// ```
    pub fn title(self, title: impl Fn(&str) -> String + Send + Sync + 'static) -> Self {
        self.edit(|c| c.title = Some(Arc::new(title)))
    }

    /// What a [`RequestVisitor`] does with a bot-like visitor's events (needs the
    /// dispatcher's [`bot_check`](crate::dispatch::DispatcherBuilder::bot_check)); default
    /// [`BotPolicy::OwnUserAgent`].
    ///
    /// ```no_run
    /// # fn demo(layer: umami::web::UmamiLayer) {
    /// let layer = layer.bot_policy(umami::dispatch::BotPolicy::Drop);
    /// # }
    /// ```
    pub fn bot_policy(self, policy: BotPolicy) -> Self {
        self.edit(|c| c.bot_policy = policy)
    }

    /// A snapshot of the counters (shared by every clone of the layer and its services).
    ///
    /// ```no_run
    /// # fn demo(layer: umami::web::UmamiLayer) {
    /// println!("{} page views queued", layer.stats().page_views);
    /// # }
    /// ```
    pub fn stats(&self) -> WebStats {
        self.config.counters.snapshot()
    }
}

impl<S> Layer<S> for UmamiLayer {
    type Service = UmamiService<S>;

    fn layer(&self, inner: S) -> UmamiService<S> {
        UmamiService::new(inner, self.clone())
    }
}
