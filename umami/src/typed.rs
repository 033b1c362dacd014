//! Typed events: the [`UmamiEvent`] trait behind `#[derive(UmamiEvent)]`.

use std::borrow::Cow;
use std::future::Future;

use serde_json::{Map, Value};

use crate::client::Client;
use crate::error::Error;
use crate::event::{DistinctId, NewEvent, SendResponse};

/// An analytics event as a Rust type: its name, url, title, custom data and distinct id.
///
/// Usually derived: see the crate docs. The provided methods send it through the same
/// [`Client::new_event`] path as hand-built events.
pub trait UmamiEvent {
    /// The event name, e.g. `"Purchase-Course"`.
    fn event_name(&self) -> &str;

    /// The URL or path the event belongs to; default `/`.
    fn url(&self) -> Cow<'_, str> {
        Cow::Borrowed("/")
    }

    /// The title; default none, so the event name is used.
    fn title(&self) -> Option<Cow<'_, str>> {
        None
    }

    /// The custom data, as a JSON object.
    ///
    /// # Errors
    /// [`Error::Validation`] when a field cannot be serialized.
    fn custom_data(&self) -> Result<Map<String, Value>, Error>;

    /// The user's distinct id, if the event carries one.
    fn distinct_id(&self) -> Option<DistinctId> {
        None
    }

    /// A [`NewEvent`] builder pre-filled from this event, for setting more (ip, hostname, ...).
    fn new_event(&self, client: &Client) -> NewEvent {
        client.new_event(self.event_name())
    }

    /// Sends the event with `client`.
    fn send(&self, client: &Client) -> impl Future<Output = Result<SendResponse, Error>> + Send {
        self.new_event(client).send()
    }
}
