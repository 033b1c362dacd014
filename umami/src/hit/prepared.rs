//! A validated hit, serialized once: [`PreparedHit`], what the dispatcher queues and what
//! [`Client::send_hit`](crate::Client::send_hit) posts.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::Error;
use crate::response::SendResponse;

use super::payload::Envelope;

/// A validated hit, ready to send: what a builder's `prepare()` returns.
///
/// Useful to validate now and send later (the background dispatcher queues these), or to
/// send the same hit through [`Client::send_hit`](crate::Client::send_hit). The JSON body is
/// built once, here; sending posts those bytes.
///
/// ```
/// # fn demo(client: &umami::Client) -> Result<(), umami::Error> {
/// let hit = client.new_event("Signup").distinct_id("user-7").prepare()?;
/// assert_eq!(hit.kind(), "event");
/// assert_eq!(hit.distinct_id(), Some("user-7"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PreparedHit {
    envelope: Envelope<'static>,
    body: Box<[u8]>,
}

impl PreparedHit {
    pub(crate) fn new(envelope: Envelope<'_>) -> Self {
        let body = envelope.to_bytes();
        PreparedHit {
            envelope: envelope.into_owned(),
            body,
        }
    }

    /// The hit's `type`: `"event"`, `"identify"` or `"performance"`.
    pub fn kind(&self) -> &'static str {
        self.envelope.kind
    }

    /// The event name; `None` for page views, identify and performance hits.
    pub fn event_name(&self) -> Option<&str> {
        self.envelope.payload.name.as_deref()
    }

    /// The website id the hit is for.
    pub fn website_id(&self) -> &str {
        &self.envelope.payload.website
    }

    /// The distinct id sent as `id`, if any.
    pub fn distinct_id(&self) -> Option<&str> {
        self.envelope.payload.id.as_deref()
    }

    /// The visitor IP sent as `ip`, if any.
    pub fn ip_address(&self) -> Option<&str> {
        self.envelope.payload.ip.as_deref()
    }

    /// The visitor User-Agent sent as `userAgent`, if any.
    pub fn user_agent(&self) -> Option<&str> {
        self.envelope.payload.user_agent.as_deref()
    }

    /// The custom data, for events and identify hits.
    pub fn data(&self) -> Option<&Map<String, Value>> {
        self.envelope.payload.data.as_deref()
    }

    /// The JSON body that `/api/send` receives.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(&self.envelope)
            .expect("a payload of strings, numbers and JSON values serializes")
    }

    /// The JSON body as sent: the exact bytes, serialized when the hit was prepared.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The same hit with `id` set to `distinct_id` (serialized again: a rare path).
    pub(crate) fn with_distinct_id(mut self, distinct_id: &str) -> Self {
        self.envelope.payload.id = Some(distinct_id.to_owned().into());
        self.body = self.envelope.to_bytes();
        self
    }

    /// The same hit without its `userAgent` (serialized again: a rare path).
    pub(crate) fn without_user_agent(mut self) -> Self {
        self.envelope.payload.user_agent = None;
        self.body = self.envelope.to_bytes();
        self
    }

    /// The compact form a queue keeps: the wire bytes and what the sender needs to know.
    pub(crate) fn into_wire(self, user_agent_checked: bool) -> WireHit {
        let payload = self.envelope.payload;
        WireHit {
            user_agent_checked,
            body: self.body,
            website: Arc::from(payload.website.as_ref()),
            distinct_id: payload.id.map(|id| id.into_owned().into_boxed_str()),
            has_user_agent: payload.user_agent.is_some(),
        }
    }
}

impl Client {
    /// Sends a hit prepared earlier (see [`NewEvent::prepare`](crate::hit::HitBuilder::prepare)).
    /// When tracking is disabled, nothing is sent.
    ///
    /// # Errors
    /// As [`HitBuilder::send`](crate::hit::HitBuilder::send).
    pub async fn send_hit(&self, hit: &PreparedHit) -> Result<SendResponse, Error> {
        self.send_hit_with_cache(hit, None).await
    }

    /// Sends a hit, echoing `cache` (the same visitor's previous [`SendResponse::cache`]) as
    /// the `x-umami-cache` header so Umami keeps the visit and skips a lookup. Never pass one
    /// visitor's token with another visitor's hit: it merges their sessions.
    ///
    /// # Errors
    /// As [`HitBuilder::send`](crate::hit::HitBuilder::send).
    pub async fn send_hit_with_cache(
        &self,
        hit: &PreparedHit,
        cache: Option<&str>,
    ) -> Result<SendResponse, Error> {
        if !self.is_enabled() {
            return Ok(SendResponse::disabled());
        }
        self.post_send(hit.body().to_vec(), cache).await
    }
}

/// A queued hit: its exact wire bytes plus the few facts the dispatcher's sender decides on.
/// About the JSON's size in memory, nothing more.
#[derive(Debug, Clone)]
pub(crate) struct WireHit {
    pub(crate) body: Box<[u8]>,
    /// The website id (a configuration error on the server's side fails all its events),
    /// shared by the hits of one source.
    pub(crate) website: Arc<str>,
    /// The visitor whose cache token a single send echoes.
    pub(crate) distinct_id: Option<Box<str>>,
    /// Whether the hit carries its own User-Agent (Umami's bot filter may drop it).
    pub(crate) has_user_agent: bool,
    /// Whether that User-Agent passed the crate's own bot check (Umami's patterns): then a
    /// batch is safe for it.
    pub(crate) user_agent_checked: bool,
}

#[cfg(feature = "tower")]
impl WireHit {
    /// A hit straight from its wire form (the web layer's page views: no [`PreparedHit`] kept),
    /// for `website` (the envelope's own website id, shared).
    pub(crate) fn from_envelope(
        envelope: &Envelope<'_>,
        website: &Arc<str>,
        user_agent_checked: bool,
    ) -> WireHit {
        debug_assert_eq!(&*envelope.payload.website, &**website);
        let payload = &envelope.payload;
        WireHit {
            user_agent_checked,
            body: envelope.to_bytes(),
            website: Arc::clone(website),
            distinct_id: payload.id.as_deref().map(Box::from),
            has_user_agent: payload.user_agent.is_some(),
        }
    }
}

/// Anything [`Dispatcher::track_hit`](crate::Dispatcher::track_hit) and
/// [`TrackedUser::send_hit`](crate::hit::TrackedUser::send_hit) accept: every hit builder
/// ([`NewEvent`](crate::hit::NewEvent), [`NewPageView`](crate::hit::NewPageView), ...; a typed event's
/// `event.new_event(&client)`), and an already [`PreparedHit`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a hit builder or a prepared hit",
    label = "expected a hit builder (`client.new_event(..)`, ...) or a `PreparedHit`",
    note = "for a `#[derive(UmamiEvent)]` type use `track(&event)` (or `send_event(&event)`), or pass `event.new_event(&client)`"
)]
pub trait IntoPreparedHit {
    /// Validates (no I/O) and returns the hit ready to send.
    ///
    /// # Errors
    /// As [`HitBuilder::prepare`](crate::hit::HitBuilder::prepare).
    fn into_prepared_hit(self) -> Result<PreparedHit, Error>;
}

impl IntoPreparedHit for PreparedHit {
    fn into_prepared_hit(self) -> Result<PreparedHit, Error> {
        Ok(self)
    }
}

impl IntoPreparedHit for &PreparedHit {
    fn into_prepared_hit(self) -> Result<PreparedHit, Error> {
        Ok(self.clone())
    }
}

impl IntoPreparedHit for Result<PreparedHit, Error> {
    fn into_prepared_hit(self) -> Result<PreparedHit, Error> {
        self
    }
}
