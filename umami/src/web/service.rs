//! The service [`UmamiLayer`](super::UmamiLayer) wraps around the inner one: reads the
//! visitor, decides whether the request may count, and hands the page view to the response
//! future.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{Request, Response};
use tower_service::Service;

use super::context::VisitorInputs;
use super::filter::SkipReason;
use super::future::ResponseFuture;
use super::layer::{Config, QueryMode, UmamiLayer};
use super::page_view::Pending;
use super::stats::Count;
use super::visitor::{LazyContext, RequestVisitor};

/// The service [`UmamiLayer`] wraps around `S`.
#[derive(Clone)]
pub struct UmamiService<S> {
    inner: S,
    layer: UmamiLayer,
}

impl<S> UmamiService<S> {
    pub(super) fn new(inner: S, layer: UmamiLayer) -> UmamiService<S> {
        UmamiService { inner, layer }
    }
}

impl<S: fmt::Debug> fmt::Debug for UmamiService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UmamiService")
            .field("inner", &self.inner)
            .field("layer", &self.layer)
            .finish()
    }
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
                        uri: request.uri().clone(),
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
            config.bot_policy,
        ));
        ResponseFuture::new(self.inner.call(request), pending)
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
