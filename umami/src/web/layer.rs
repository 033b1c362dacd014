//! The tower middleware: [`UmamiLayer`], [`UmamiService`] and its [`ResponseFuture`].

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Method, Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use super::context::{ContextConfig, VisitorContext, VisitorInputs};
use super::filter::{RequestFilter, RequestInfo, SkipReason};
use super::stats::{Count, Counters, WebStats};
use super::visitor::{BotEventPolicy, LazyContext, Link, RequestVisitor};
use crate::dispatch::Dispatcher;
use crate::hit::payload::{Envelope, Payload};
use crate::hit::{HitKind, IpText, kind};

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
    /// The dispatcher, counters and context settings, shared with the requests'
    /// [`RequestVisitor`]s.
    link: Arc<Link>,
    /// The link's counters (a layer always has them).
    counters: Arc<Counters>,
    /// The client's website id, shared by every page view the layer queues.
    website: Option<Arc<str>>,
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
                bot_events: BotEventPolicy::default(),
            }),
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
        self.config.counters.snapshot()
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
    config: Arc<Config>,
    method: Method,
    path: String,
    /// The page view's `url` when it is not the path.
    url: Option<String>,
    /// Read at once (see `call`).
    context: Arc<LazyContext>,
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
        let counters = &*config.counters;
        counters.add(Count::Requests);
        let path = request.uri().path();
        let inputs = VisitorInputs::borrow(
            request.headers(),
            request.uri(),
            request.extensions(),
            &config.link.context,
        );
        // A request that sends no page view cleans its visitor only if its handler asks.
        let (context, pending) = match config.filter.before(request.method(), path) {
            Ok(()) => {
                let context = inputs.clean(&config.link.context);
                counters.cleaned(context.cleaned());
                let verdict = match () {
                    () if context.opted_out() => Err(SkipReason::OptedOut),
                    () if context.bot_like() => Err(SkipReason::Bot),
                    () => Ok(()),
                };
                let context = Arc::new(LazyContext::ready(context));
                let pending = match verdict {
                    Ok(()) => Some(Pending {
                        config: Arc::clone(&self.layer.config),
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
                (context, pending)
            }
            Err(reason) => {
                counters.skip(reason);
                (Arc::new(LazyContext::later(inputs.into_owned())), None)
            }
        };
        request.extensions_mut().insert(RequestVisitor::from_layer(
            Arc::clone(&config.link),
            context,
            config.bot_events,
        ));
        ResponseFuture {
            inner: self.inner.call(request),
            pending,
        }
    }
}

/// The page view's `url`, when it is not the request's path.
fn page_url<B>(request: &Request<B>, config: &Config) -> Option<String> {
    let uri = request.uri();
    let route = route(request, config);
    let path = route.unwrap_or(uri.path());
    let query = uri.query().filter(|q| !q.is_empty());
    let Some(query) = query.filter(|_| config.query != QueryMode::Strip) else {
        return route.map(str::to_owned);
    };
    match config.query {
        QueryMode::Keep => Some(format!("{path}?{query}")),
        _ => {
            let mut url = path.to_owned();
            let mut first = true;
            for pair in query.split('&') {
                if pair.len() > 4 && pair.as_bytes()[..4].eq_ignore_ascii_case(b"utm_") {
                    url.push(if first { '?' } else { '&' });
                    url.push_str(pair);
                    first = false;
                }
            }
            (route.is_some() || !first).then_some(url)
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
        let config = &*self.config;
        let counters = &*config.counters;
        let info = RequestInfo {
            method: &self.method,
            path: &self.path,
            status,
        };
        if let Err(reason) = config.filter.after(&info) {
            counters.skip(reason);
            return;
        }
        let url = self.url.as_deref().unwrap_or(&self.path);
        let title = match &config.title {
            Some(title) => Cow::Owned(title(url)),
            None => Cow::Borrowed(default_title(url)),
        };
        let dispatcher = &config.link.dispatcher;
        let context = self.context.get(&config.link);
        // DistinctIdMode::SessionData: the user as session data, before the page view.
        config.link.identify(context, false);
        let ip = context.ip().map(IpText::new);
        let queued = match page_view(config, context, url, &title, ip.as_ref()) {
            Some((website, envelope)) => dispatcher.track_envelope(&envelope, website),
            // No website id or hostname: the builder says which is missing.
            None => {
                let hit = dispatcher
                    .client()
                    .new_page_view(title.into_owned(), url.to_owned());
                dispatcher.track(context.apply(hit))
            }
        };
        match queued {
            Ok(()) => counters.add(Count::PageViews),
            Err(error) => {
                // The first refusal is worth a warning; the rest are in the counters.
                if counters.track_error() {
                    tracing::warn!(%error, "umami: page view not queued (counted in UmamiLayer::stats)");
                } else {
                    tracing::debug!(%error, "umami: page view not queued");
                }
            }
        }
    }
}

/// A page view's default title: its url without the query (a path or a route template holds
/// no `?`).
fn default_title(url: &str) -> &str {
    url.split_once('?').map_or(url, |(path, _query)| path)
}

/// The page view of `url` in its wire form, straight from the visitor (no builder: it is
/// the same JSON as `context.apply(client.new_page_view(title, url))`), and the website id
/// it is for; `None` when the client has no website id or no hostname is known.
fn page_view<'a>(
    config: &'a Config,
    context: &'a VisitorContext,
    url: &'a str,
    title: &'a str,
    ip: Option<&'a IpText>,
) -> Option<(&'a Arc<str>, Envelope<'a>)> {
    let website = config.website.as_ref()?;
    let client = config.link.dispatcher.client();
    let payload = context.payload(website, client.hostname(), ip)?;
    let envelope = Envelope {
        kind: <kind::PageView as HitKind>::TYPE,
        payload: Payload {
            url: Cow::Borrowed(url),
            title: Some(Cow::Borrowed(title)),
            ..payload
        },
    };
    Some((website, envelope))
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
                Err(_) => pending.config.counters.skip(SkipReason::Status),
            }
        }
        Poll::Ready(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::{ContextConfig, PeerAddr};

    fn layer(hostname: Option<&str>) -> UmamiLayer {
        let mut client = crate::Client::builder()
            .url_base("http://127.0.0.1:9")
            .website_id("978435e2-7ba1-4337-9860-ec31ece2db60");
        if let Some(hostname) = hostname {
            client = client.hostname(hostname);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let _entered = runtime.enter();
        let dispatcher = Dispatcher::builder(client.build().unwrap())
            .build()
            .unwrap();
        UmamiLayer::new(dispatcher)
    }

    #[test]
    fn the_default_title_is_the_url_without_its_query() {
        assert_eq!(
            default_title("/?utm_source=newsletter&utm_campaign=dec"),
            "/"
        );
        assert_eq!(
            default_title("/products/{id}?utm_source=x"),
            "/products/{id}"
        );
        assert_eq!(default_title("/pricing"), "/pricing");
        assert_eq!(default_title("/a?b?c"), "/a");
    }

    /// The layer's page view without a builder is byte for byte the builder's.
    #[test]
    fn the_wire_page_view_is_the_builders_json() {
        let requests = [
            http::Request::builder()
                .uri("/products/7?utm_source=news")
                .header(
                    "user-agent",
                    "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0 \u{e9}\"q\"",
                )
                .header("accept-language", "de-CH,de;q=0.9")
                .header("referer", "https://search.example/?q=\"shoes\"")
                .header("host", "shop.example.com:8443")
                .extension(PeerAddr("[::ffff:198.51.100.4]:5000".parse().unwrap()))
                .extension(crate::DistinctId::from("user-7"))
                .body(())
                .unwrap(),
            http::Request::builder().uri("/").body(()).unwrap(),
            http::Request::builder()
                .uri("/x")
                .header("host", "h.example")
                .extension(PeerAddr("[2001:db8::5]:443".parse().unwrap()))
                .body(())
                .unwrap(),
        ];
        let mut compared = 0;
        for hostname in [None, Some("client.example")] {
            let layer = layer(hostname);
            let config = &*layer.config;
            for request in &requests {
                let context = VisitorContext::from_request(request, &ContextConfig::default());
                let url = "/products/7?utm_source=news";
                for title in ["/products/7?utm_source=news", "Product \u{1f600}"] {
                    let ip = context.ip().map(IpText::new);
                    let wire = page_view(config, &context, url, title, ip.as_ref());
                    let client = config.link.dispatcher.client();
                    let built = context.apply(client.new_page_view(title, url)).prepare();
                    match (wire, built) {
                        (Some((_, envelope)), Ok(built)) => {
                            envelope.payload.check("custom_data").unwrap();
                            assert_eq!(
                                String::from_utf8_lossy(&envelope.to_bytes()),
                                String::from_utf8_lossy(built.body())
                            );
                            compared += 1;
                        }
                        (None, Err(error)) => assert!(error.to_string().contains("hostname")),
                        (wire, built) => panic!("{:?} vs {built:?}", wire.map(|w| w.1)),
                    }
                }
            }
        }
        assert_eq!(
            compared, 10,
            "all but the host-less request without a client hostname"
        );
    }
}
