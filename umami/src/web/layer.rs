//! The tower middleware: [`UmamiLayer`], [`UmamiService`] and its [`ResponseFuture`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use http::{Method, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use super::context::{Cleaning, ContextConfig, VisitorContext};
use super::filter::{RequestFilter, RequestInfo, SkipReason};
use super::stats::{Counters, WebStats};
use super::visitor::{BotEventPolicy, RequestVisitor};
use crate::dispatch::Dispatcher;

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
struct Config {
    dispatcher: Dispatcher,
    context: ContextConfig,
    filter: RequestFilter,
    query: QueryMode,
    route_templates: bool,
    title: Option<TitleFn>,
    bot_events: BotEventPolicy,
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
    config: Arc<Config>,
    counters: Arc<Counters>,
}

impl fmt::Debug for UmamiLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UmamiLayer")
            .field("dispatcher", &self.config.dispatcher)
            .field("context", &self.config.context)
            .field("filter", &self.config.filter)
            .field("query", &self.config.query)
            .field("route_templates", &self.config.route_templates)
            .field("title", &self.config.title.is_some())
            .field("bot_events", &self.config.bot_events)
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
        UmamiLayer {
            config: Arc::new(Config {
                dispatcher,
                context: ContextConfig::default(),
                filter: RequestFilter::default(),
                query: QueryMode::default(),
                route_templates: false,
                title: None,
                bot_events: BotEventPolicy::default(),
            }),
            counters: Arc::default(),
        }
    }

    fn edit(mut self, f: impl FnOnce(&mut Config)) -> Self {
        f(Arc::make_mut(&mut self.config));
        self
    }

    /// How the visitor is read (IP source, privacy switches, bot check); default
    /// [`ContextConfig::default`]. With a [`bot_check`](ContextConfig::bot_check), page
    /// views of bot-like visitors are not sent ([`SkipReason::Bot`]).
    ///
    /// ```no_run
    /// # fn demo(layer: umami::web::UmamiLayer) {
    /// let layer = layer.context(umami::web::ContextConfig::default().send_ip(false));
    /// # }
    /// ```
    pub fn context(self, config: ContextConfig) -> Self {
        self.edit(|c| c.context = config)
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

    /// The page view's title from its `url`; default: the `url` itself.
    ///
    /// ```no_run
    /// # fn demo(layer: umami::web::UmamiLayer) {
    /// let layer = layer.title(|url| format!("Shop {url}"));
    /// # }
    /// ```
    pub fn title(self, title: impl Fn(&str) -> String + Send + Sync + 'static) -> Self {
        self.edit(|c| c.title = Some(Arc::new(title)))
    }

    /// What a [`RequestVisitor`] does with a bot-like visitor's events (needs a
    /// [`bot_check`](ContextConfig::bot_check)); default [`BotEventPolicy::OwnUserAgent`].
    ///
    /// ```no_run
    /// # fn demo(layer: umami::web::UmamiLayer) {
    /// let layer = layer.bot_events(umami::web::BotEventPolicy::Drop);
    /// # }
    /// ```
    pub fn bot_events(self, policy: BotEventPolicy) -> Self {
        self.edit(|c| c.bot_events = policy)
    }

    /// A snapshot of the counters (shared by every clone of the layer and its services).
    ///
    /// ```no_run
    /// # fn demo(layer: umami::web::UmamiLayer) {
    /// println!("{} page views queued", layer.stats().page_views);
    /// # }
    /// ```
    pub fn stats(&self) -> WebStats {
        self.counters.snapshot()
    }
}

impl<S> Layer<S> for UmamiLayer {
    type Service = UmamiService<S>;

    fn layer(&self, inner: S) -> UmamiService<S> {
        UmamiService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service [`UmamiLayer`] wraps around `S`.
#[derive(Clone)]
pub struct UmamiService<S> {
    inner: S,
    layer: UmamiLayer,
}

impl<S: fmt::Debug> fmt::Debug for UmamiService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UmamiService")
            .field("inner", &self.inner)
            .field("layer", &self.layer)
            .finish()
    }
}

/// A page view waiting for the response's status.
struct Pending {
    layer: UmamiLayer,
    method: Method,
    path: String,
    url: String,
    context: Arc<VisitorContext>,
}

impl<S, ReqB, ResB> Service<Request<ReqB>> for UmamiService<S>
where
    S: Service<Request<ReqB>, Response = Response<ResB>>,
{
    type Response = Response<ResB>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqB>) -> Self::Future {
        let config = &*self.layer.config;
        let counters = &*self.layer.counters;
        counters.requests.fetch_add(1, Ordering::Relaxed);
        let context = VisitorContext::from_request(&request, &config.context);
        for cleaned in context.cleaned() {
            match cleaned.action {
                Cleaning::Truncated => &counters.truncated,
                Cleaning::Dropped => &counters.dropped,
            }
            .fetch_add(1, Ordering::Relaxed);
        }
        let context = Arc::new(context);
        let path = request.uri().path();
        let verdict = config
            .filter
            .before(request.method(), path)
            .and_then(|()| match () {
                () if context.opted_out() => Err(SkipReason::OptedOut),
                () if context.bot_like() => Err(SkipReason::Bot),
                () => Ok(()),
            });
        let pending = match verdict {
            Ok(()) => Some(Pending {
                layer: self.layer.clone(),
                method: request.method().clone(),
                path: path.to_owned(),
                url: page_url(&request, config),
                context: Arc::clone(&context),
            }),
            Err(reason) => {
                counters.skip(reason);
                None
            }
        };
        request.extensions_mut().insert(RequestVisitor::from_layer(
            config.dispatcher.clone(),
            context,
            config.bot_events,
            Arc::clone(&self.layer.counters),
        ));
        ResponseFuture {
            inner: self.inner.call(request),
            pending,
        }
    }
}

fn page_url<B>(request: &Request<B>, config: &Config) -> String {
    let uri = request.uri();
    let path = route(request, config).unwrap_or(uri.path());
    let Some(query) = uri.query().filter(|q| !q.is_empty()) else {
        return path.to_owned();
    };
    match config.query {
        QueryMode::Strip => path.to_owned(),
        QueryMode::Keep => format!("{path}?{query}"),
        QueryMode::UtmOnly => {
            let mut url = path.to_owned();
            let mut first = true;
            for pair in query.split('&') {
                if pair.len() > 4 && pair.as_bytes()[..4].eq_ignore_ascii_case(b"utm_") {
                    url.push(if first { '?' } else { '&' });
                    url.push_str(pair);
                    first = false;
                }
            }
            url
        }
    }
}

/// axum's route template, when asked for and known.
#[cfg(feature = "axum")]
fn route<'a, B>(request: &'a Request<B>, config: &Config) -> Option<&'a str> {
    if !config.route_templates {
        return None;
    }
    request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|route| route.as_str())
}

#[cfg(not(feature = "axum"))]
fn route<'a, B>(_request: &'a Request<B>, _config: &Config) -> Option<&'a str> {
    None
}

impl Pending {
    fn finish(self, status: http::StatusCode) {
        let config = &*self.layer.config;
        let counters = &*self.layer.counters;
        let info = RequestInfo {
            method: &self.method,
            path: &self.path,
            status,
        };
        if let Err(reason) = config.filter.after(&info) {
            counters.skip(reason);
            return;
        }
        let title = match &config.title {
            Some(title) => title(&self.url),
            None => self.url.clone(),
        };
        let hit = config.dispatcher.client().new_page_view(title, self.url);
        match config.dispatcher.track(self.context.apply(hit)) {
            Ok(()) => {
                counters.page_views.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => {
                let before = counters.track_errors.fetch_add(1, Ordering::Relaxed);
                // The first refusal is worth a warning; the rest are in the counters.
                if before == 0 {
                    tracing::warn!(%error, "umami: page view not queued (counted in UmamiLayer::stats)");
                } else {
                    tracing::debug!(%error, "umami: page view not queued");
                }
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`UmamiService`]: the inner future, and the page view it
    /// queues once the status is known.
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        pending: Option<Pending>,
    }
}

impl<F> fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture")
            .field("pending_page_view", &self.pending.is_some())
            .finish_non_exhaustive()
    }
}

impl<F, ResB, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<ResB>, E>>,
{
    type Output = Result<Response<ResB>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(this.inner.poll(cx));
        if let Some(pending) = this.pending.take() {
            match &result {
                Ok(response) => pending.finish(response.status()),
                Err(_) => pending.layer.counters.skip(SkipReason::Status),
            }
        }
        Poll::Ready(result)
    }
}
