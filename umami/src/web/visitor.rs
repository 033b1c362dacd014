//! The request-scoped handle handlers record events through.

use std::fmt;
use std::sync::{Arc, OnceLock};

use super::context::{ContextConfig, VisitorContext, VisitorInputs};
use super::stats::{Count, Counters};
use crate::dispatch::{Dispatcher, TrackError};
use crate::hit::{HitBuilder, HitKind};
use crate::typed::UmamiEvent;

/// What a [`RequestVisitor`] does with the events of a visitor whose User-Agent the
/// configured bot check flags ([`VisitorContext::bot_like`]). Umami would drop such a hit
/// as a bot's (`{"beep":"boop"}`); a checkout from `okhttp` or `curl` is still a checkout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BotEventPolicy {
    /// Send the event without the visitor's User-Agent, so that it goes with the client's
    /// own (a UA Umami accepts), keeping ip, language, referrer and id. The default: never
    /// lose a business event. Its session is then derived from the ip and the client's UA.
    #[default]
    OwnUserAgent,
    /// Send it with the visitor's User-Agent anyway (Umami will probably drop it).
    SendAsIs,
    /// Do not send it (counted in [`WebStats::events_dropped_bot`](super::WebStats)).
    Drop,
}

/// A handler's handle on the request's visitor: events tracked through it carry the visitor
/// context (ip, User-Agent, language, referrer, hostname, id) and go through the layer's
/// [`Dispatcher`] (never waiting for I/O).
///
/// The [`UmamiLayer`](super::UmamiLayer) puts one in every request's extensions; with
/// feature `axum` it is an extractor (`Option<RequestVisitor>` when the layer may be
/// missing). Without the layer, make one with [`new`](Self::new).
///
/// ```no_run
/// # fn demo(dispatcher: umami::Dispatcher, request: http::Request<()>) -> Result<(), umami::dispatch::TrackError> {
/// use umami::web::{ContextConfig, RequestVisitor, VisitorContext};
///
/// let context = VisitorContext::from_request(&request, &ContextConfig::default());
/// let visitor = RequestVisitor::new(dispatcher.clone(), context);
/// let client = dispatcher.client();
/// visitor.track_hit(client.new_event("Checkout").custom_data(serde_json::json!({"plan": "pro"})))?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RequestVisitor {
    link: Arc<Link>,
    context: Arc<LazyContext>,
    policy: BotEventPolicy,
}

/// Where a [`RequestVisitor`]'s events go, shared by every request of one layer (one
/// reference count per request, not one per part).
pub(crate) struct Link {
    pub(crate) dispatcher: Dispatcher,
    /// The layer's counters; none for a handle made without a layer.
    pub(crate) counters: Option<Arc<Counters>>,
    /// How a context left for later is read.
    pub(crate) context: ContextConfig,
}

/// A request's visitor: read at once (the layer needs it for a page view), or cleaned from
/// its inputs the first time a handler uses it (a request that sends no page view pays for
/// its context only if its handler tracks something).
#[expect(
    clippy::large_enum_variant,
    reason = "one Arc allocation per request either way; boxing the inputs costs uncounted \
              requests a second one (callgrind: 237 instructions per request)"
)]
pub(crate) enum LazyContext {
    Ready(VisitorContext),
    Later(OnceLock<VisitorContext>, VisitorInputs<'static>),
}

impl LazyContext {
    pub(crate) fn ready(context: VisitorContext) -> LazyContext {
        LazyContext::Ready(context)
    }

    pub(crate) fn later(inputs: VisitorInputs<'static>) -> LazyContext {
        LazyContext::Later(OnceLock::new(), inputs)
    }

    pub(crate) fn get(&self, link: &Link) -> &VisitorContext {
        match self {
            LazyContext::Ready(context) => context,
            LazyContext::Later(cell, inputs) => cell.get_or_init(|| {
                let context = inputs.clean(&link.context);
                if let Some(counters) = &link.counters {
                    counters.cleaned(context.cleaned());
                }
                context
            }),
        }
    }
}

impl fmt::Debug for RequestVisitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestVisitor")
            .field("context", self.context())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl RequestVisitor {
    /// A handle for `context`'s visitor sending through `dispatcher`, with the default
    /// [`BotEventPolicy`].
    ///
    /// ```no_run
    /// # fn demo(dispatcher: umami::Dispatcher) {
    /// let visitor = umami::web::RequestVisitor::new(dispatcher, Default::default());
    /// # }
    /// ```
    pub fn new(dispatcher: Dispatcher, context: VisitorContext) -> RequestVisitor {
        RequestVisitor {
            link: Arc::new(Link {
                dispatcher,
                counters: None,
                context: ContextConfig::default(),
            }),
            context: Arc::new(LazyContext::ready(context)),
            policy: BotEventPolicy::default(),
        }
    }

    pub(crate) fn from_layer(
        link: Arc<Link>,
        context: Arc<LazyContext>,
        policy: BotEventPolicy,
    ) -> RequestVisitor {
        RequestVisitor {
            link,
            context,
            policy,
        }
    }

    /// The same handle with another [`BotEventPolicy`].
    ///
    /// ```no_run
    /// # fn demo(visitor: umami::web::RequestVisitor) {
    /// let visitor = visitor.with_bot_policy(umami::web::BotEventPolicy::Drop);
    /// # }
    /// ```
    pub fn with_bot_policy(mut self, policy: BotEventPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The visitor. For a request the layer sends no page view for (another method, an
    /// excluded path, an asset), it is read from the request's headers on the first call,
    /// so that such requests pay for it only when their handler uses it.
    pub fn context(&self) -> &VisitorContext {
        self.context.get(&self.link)
    }

    /// The dispatcher events go through.
    pub fn dispatcher(&self) -> &Dispatcher {
        &self.link.dispatcher
    }

    /// Tracks a typed event (`#[derive(UmamiEvent)]`) as this visitor's. An id the event
    /// itself carries wins over the request's [`DistinctId`](crate::DistinctId).
    ///
    /// ```no_run
    /// # #[cfg(feature = "derive")]
    /// # fn demo(visitor: umami::web::RequestVisitor) -> Result<(), umami::dispatch::TrackError> {
    /// #[derive(umami::UmamiEvent)]
    /// #[umami(name = "Purchase")]
    /// struct Purchase { plan: String }
    ///
    /// visitor.track(&Purchase { plan: "pro".into() })?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`Dispatcher::track`].
    pub fn track<E: UmamiEvent + ?Sized>(&self, event: &E) -> Result<(), TrackError> {
        let hit = event.new_event(self.link.dispatcher.client());
        self.send(hit, event.distinct_id().is_none())
    }

    /// Tracks any hit built from the dispatcher's client (`new_event`, `new_revenue_event`,
    /// `new_page_view`) as this visitor's.
    ///
    /// # Errors
    /// As [`Dispatcher::track`].
    pub fn track_hit<K: HitKind>(&self, hit: HitBuilder<K>) -> Result<(), TrackError> {
        self.send(hit, true)
    }

    fn send<K: HitKind>(&self, hit: HitBuilder<K>, with_id: bool) -> Result<(), TrackError> {
        let context = self.context();
        let bot = context.bot_like();
        if bot && self.policy == BotEventPolicy::Drop {
            self.count(Count::EventsDroppedBot);
            return Ok(());
        }
        let own_ua = bot && self.policy == BotEventPolicy::OwnUserAgent;
        let hit = context.apply_with(hit, !own_ua, with_id);
        match self.link.dispatcher.track(hit) {
            Ok(()) => {
                self.count(Count::Events);
                if own_ua {
                    self.count(Count::EventsOwnUserAgent);
                }
                Ok(())
            }
            Err(error) => {
                self.count(Count::EventErrors);
                Err(error)
            }
        }
    }

    fn count(&self, count: Count) {
        if let Some(counters) = &self.link.counters {
            counters.add(count);
        }
    }
}
