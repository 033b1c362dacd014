//! The request-scoped handle handlers record events through.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

use super::context::{VisitorContext, VisitorInputs};
use super::context_config::ContextConfig;
use super::stats::{Count, Counters};
use crate::dispatch::{BotPolicy, Dispatcher, TrackError};
use crate::hit::{HitBuilder, HitKind, kind};
use crate::typed::UmamiEvent;

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
    policy: BotPolicy,
}

/// Where a [`RequestVisitor`]'s events go, shared by every request of one layer (one
/// reference count per request, not one per part).
pub(crate) struct Link {
    pub(crate) dispatcher: Dispatcher,
    /// The layer's counters; none for a handle made without a layer.
    pub(crate) counters: Option<Arc<Counters>>,
    /// How a context left for later is read.
    pub(crate) context: ContextConfig,
    /// The visitors lately identified by session data.
    pub(crate) identified: Identified,
}

impl Link {
    /// A link with nothing identified yet. Its contexts are read with `dispatcher`'s bot
    /// check.
    pub(crate) fn new(
        dispatcher: Dispatcher,
        counters: Option<Arc<Counters>>,
        context: ContextConfig,
    ) -> Link {
        let context = context.with_is_bot(dispatcher.is_bot_fn());
        Link {
            dispatcher,
            counters,
            context,
            identified: Identified::default(),
        }
    }

    /// In [`DistinctIdMode::SessionData`](super::DistinctIdMode::SessionData), queues the
    /// `identify` hit that records `context`'s distinct id as session data in its visitor's
    /// session, unless that visitor was identified less than [`IDENTIFY_EVERY`] ago. The
    /// identify goes with the User-Agent the visitor's hit goes with (`own_user_agent`: the
    /// client's), so that it lands in the same session.
    pub(crate) fn identify(&self, context: &VisitorContext, own_user_agent: bool) {
        let Some(key) = context.session_data_key() else {
            return;
        };
        let Some(id) = context.distinct_id() else {
            return;
        };
        let user_agent = if own_user_agent {
            None
        } else {
            context.user_agent()
        };
        let visitor = self
            .identified
            .visitor(context.ip(), user_agent, id.as_str());
        if !self.identified.due(visitor, Instant::now()) {
            return;
        }
        let mut data = Map::new();
        data.insert(key.to_owned(), Value::from(id.as_str()));
        let hit = HitBuilder::<kind::SessionData>::session_data(
            Some(self.dispatcher.client().clone()),
            data,
        );
        match self
            .dispatcher
            .track_hit(context.apply_with(hit, !own_user_agent, false))
        {
            Ok(()) => {
                if let Some(counters) = &self.counters {
                    counters.add(Count::Identifies);
                }
            }
            Err(error) => {
                // Not identified after all: the next hit tries again.
                self.identified.forget(visitor);
                tracing::debug!(%error, "umami: identify hit (session data) not queued");
            }
        }
    }
}

/// How long a visitor identified by session data is not identified again: Umami's visit
/// length.
pub(crate) const IDENTIFY_EVERY: Duration = Duration::from_secs(30 * 60);

/// The most visitors [`Identified`] remembers; when full, the expired ones are forgotten,
/// and if none has expired, all (they are then identified once more).
const MAX_IDENTIFIED: usize = 10_000;

/// The visitors lately identified by session data (a keyed hash of IP, User-Agent and id,
/// and when), so that a visitor is identified once per visit, not with every request.
#[derive(Default)]
pub(crate) struct Identified {
    /// Random keys: a visitor cannot choose its headers to share another's entry.
    hasher: RandomState,
    seen: Mutex<HashMap<u64, Instant>>,
}

impl Identified {
    /// The entry of a visitor.
    pub(crate) fn visitor(&self, ip: Option<IpAddr>, user_agent: Option<&str>, id: &str) -> u64 {
        self.hasher.hash_one((ip, user_agent, id))
    }

    /// Whether `visitor` is to be identified at `now` (then noted as identified).
    pub(crate) fn due(&self, visitor: u64, now: Instant) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let recent = |at: &Instant| now.saturating_duration_since(*at) < IDENTIFY_EVERY;
        if seen.get(&visitor).is_some_and(recent) {
            return false;
        }
        if seen.len() >= MAX_IDENTIFIED {
            seen.retain(|_, at| recent(at));
            if seen.len() >= MAX_IDENTIFIED {
                seen.clear();
            }
        }
        seen.insert(visitor, now);
        true
    }

    /// Forgets `visitor` (its identify was not queued).
    pub(crate) fn forget(&self, visitor: u64) {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&visitor);
    }
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
    /// [`BotPolicy`]; the visitor is checked with the dispatcher's
    /// [`BotCheck`](crate::dispatch::BotCheck) (see [`VisitorContext::bot_like`]). Its memory
    /// of the visitors identified by session data
    /// ([`DistinctIdMode::SessionData`](super::DistinctIdMode::SessionData)) is its own and
    /// its clones': a handle made per request identifies its visitor with its first event.
    ///
    /// ```no_run
    /// # fn demo(dispatcher: umami::Dispatcher) {
    /// let visitor = umami::web::RequestVisitor::new(dispatcher, Default::default());
    /// # }
    /// ```
    pub fn new(dispatcher: Dispatcher, mut context: VisitorContext) -> RequestVisitor {
        context.check_bot(dispatcher.is_bot_fn());
        RequestVisitor {
            link: Arc::new(Link::new(dispatcher, None, ContextConfig::default())),
            context: Arc::new(LazyContext::ready(context)),
            policy: BotPolicy::default(),
        }
    }

    pub(crate) fn from_layer(
        link: Arc<Link>,
        context: Arc<LazyContext>,
        policy: BotPolicy,
    ) -> RequestVisitor {
        RequestVisitor {
            link,
            context,
            policy,
        }
    }

    /// The same handle with another [`BotPolicy`].
    ///
    /// ```no_run
    /// # fn demo(visitor: umami::web::RequestVisitor) {
    /// let visitor = visitor.with_bot_policy(umami::dispatch::BotPolicy::Drop);
    /// # }
    /// ```
    pub fn with_bot_policy(mut self, policy: BotPolicy) -> Self {
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
    /// itself carries wins over the request's [`DistinctId`](crate::DistinctId), and is sent
    /// as `id` whatever the [`DistinctIdMode`](super::DistinctIdMode) (the event then lands
    /// in the user's session). With the request's id in
    /// [`DistinctIdMode::SessionData`](super::DistinctIdMode::SessionData), the event goes
    /// without `id` and the visitor is identified by session data first (once per visit).
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
    /// As [`Dispatcher::track_hit`].
    pub fn track<E: UmamiEvent + ?Sized>(&self, event: &E) -> Result<(), TrackError> {
        let hit = event.new_event(self.link.dispatcher.client());
        self.send(hit, event.distinct_id().is_none())
    }

    /// Tracks any hit built from the dispatcher's client (`new_event`, `new_revenue_event`,
    /// `new_page_view`) as this visitor's.
    ///
    /// # Errors
    /// As [`Dispatcher::track_hit`].
    pub fn track_hit<K: HitKind>(&self, hit: HitBuilder<K>) -> Result<(), TrackError> {
        self.send(hit, true)
    }

    fn send<K: HitKind>(&self, hit: HitBuilder<K>, with_id: bool) -> Result<(), TrackError> {
        let context = self.context();
        let bot = context.bot_like();
        if bot && self.policy == BotPolicy::Drop {
            self.count(Count::EventsDroppedBot);
            return Ok(());
        }
        let own_ua = bot && self.policy == BotPolicy::OwnUserAgent;
        if with_id {
            self.link.identify(context, own_ua);
        }
        let hit = context.apply_with(hit, !own_ua, with_id);
        match self.link.dispatcher.track_hit_with(hit, self.policy) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_visitor_is_identified_once_per_visit_length() {
        let identified = Identified::default();
        let ip = Some("198.51.100.1".parse().unwrap());
        let alice = identified.visitor(ip, Some("Firefox"), "42");
        let now = Instant::now();
        assert!(identified.due(alice, now));
        assert!(!identified.due(alice, now + Duration::from_secs(60)));
        assert!(!identified.due(alice, now + IDENTIFY_EVERY - Duration::from_secs(1)));
        assert!(identified.due(alice, now + IDENTIFY_EVERY));
        // Another user, User-Agent or IP is another visitor (another session in Umami).
        let later = now + Duration::from_secs(1);
        assert!(identified.due(identified.visitor(ip, Some("Firefox"), "43"), later));
        assert!(identified.due(identified.visitor(ip, None, "42"), later));
        assert!(identified.due(identified.visitor(None, Some("Firefox"), "42"), later));
    }

    #[test]
    fn a_forgotten_visitor_is_due_again() {
        let identified = Identified::default();
        let bob = identified.visitor(None, Some("Safari"), "7");
        let now = Instant::now();
        assert!(identified.due(bob, now));
        identified.forget(bob);
        assert!(identified.due(bob, now));
    }

    #[test]
    fn the_memory_is_bounded() {
        let identified = Identified::default();
        let now = Instant::now();
        for n in 0..MAX_IDENTIFIED {
            assert!(identified.due(identified.visitor(None, None, &n.to_string()), now));
        }
        let first = identified.visitor(None, None, "0");
        assert!(!identified.due(first, now));
        // Full and nothing expired: everything is forgotten for the newcomer.
        assert!(identified.due(identified.visitor(None, None, "new"), now));
        assert_eq!(identified.seen.lock().unwrap().len(), 1);
        assert!(identified.due(first, now));
        // Full with expired entries: only those go.
        let later = now + IDENTIFY_EVERY;
        for n in 1..MAX_IDENTIFIED - 1 {
            identified.due(identified.visitor(None, None, &format!("b{n}")), later);
        }
        assert_eq!(identified.seen.lock().unwrap().len(), MAX_IDENTIFIED);
        assert!(identified.due(identified.visitor(None, None, "c"), later));
        assert_eq!(identified.seen.lock().unwrap().len(), MAX_IDENTIFIED - 1);
    }
}
