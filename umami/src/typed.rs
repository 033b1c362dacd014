//! Typed events: the [`UmamiEvent`] trait behind `#[derive(UmamiEvent)]`.

use std::borrow::Cow;
use std::future::Future;

use serde_json::{Map, Value};

use crate::client::Client;
use crate::default_client::default_client;
use crate::error::{Error, ValidationError};
use crate::hit::{DistinctId, NewEvent};
use crate::response::SendResponse;

/// An analytics event as a Rust type: its name, url, title, custom data and distinct id.
///
/// Usually derived (feature `derive`, on by default). The provided methods send the event
/// through the same [`Client::new_event`] builder as hand-built events, so validation,
/// defaults and errors are the same.
///
/// ```no_run
/// use umami::UmamiEvent; // the derive and the trait, like serde's `Serialize`
///
/// #[derive(UmamiEvent)]
/// #[umami(name = "Purchase-Course", url = "/courses/{course}/checkout")]
/// struct PurchaseCourse {
///     course: String,                 // fills the `{course}` placeholder, and is data
///     plan: String,
///     #[umami(rename = "priceCents")]
///     price_cents: u32,
///     coupon: Option<String>,         // None is left out of the data
///     #[umami(distinct_id)]
///     user_id: u64,                   // sent as the payload's `id`, not as data
///     #[umami(skip)]
///     internal: Vec<u8>,
/// }
///
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// let event = PurchaseCourse {
///     course: "rust-101".into(),
///     plan: "pro".into(),
///     price_cents: 4900,
///     coupon: None,
///     user_id: 42,
///     internal: vec![],
/// };
/// assert_eq!(event.event_name(), "Purchase-Course");
/// assert_eq!(event.url(), "/courses/rust-101/checkout");
/// event.send(&client).await?;
/// // A pre-filled builder, to set more (ip, hostname, ...) or override what the type says:
/// event.new_event(&client).ip_address("203.0.113.7").send().await?;
/// # Ok(()) }
/// ```
///
/// # Attributes
///
/// On a struct (`#[umami(...)]` above the type):
///
/// | key | meaning |
/// |---|---|
/// | `name = "..."` | the event name; default: the type's name. Checked at compile time as Umami checks it: not blank, at most 50 chars, no leading `=`, `+`, `-`, `@`, tab or CR |
/// | `url = "..."` | the url; default `/`. `{field}` placeholders are filled with the field's `Display` (as is, not percent-encoded); `{{` and `}}` are literal braces |
/// | `title = "..."` | the title, with placeholders like `url`; default: the event name |
/// | `rename_all = "..."` | a serde case (`camelCase`, `kebab-case`, `SCREAMING_SNAKE_CASE`, ...) for the data keys |
/// | `crate = "..."` | the path of this crate, when it is re-exported (default `::umami`) |
///
/// On a field:
///
/// | key | meaning |
/// |---|---|
/// | `rename = "..."` | the custom-data key; default: the field's name (`r#type` is `type`) after `rename_all` |
/// | `skip` | not sent |
/// | `distinct_id` | sent as the payload's `id` instead of as data; the type must implement [`IntoDistinctId`](crate::IntoDistinctId) and `Clone` (strings and integers, or an `Option` of one, not `bool`); a blank id or `None` is no id.  Umami derives the event's session from the id: the event leaves the session of the visitor's hits without the id (see [`DistinctId`](crate::DistinctId)); to keep it there, carry the user as data instead (a plain field) |
/// | `flatten` | the field's own keys (it must serialize to an object) are merged into the data |
/// | `kind = "..."` | for [tracking plans](crate::plan): the kind Umami stores the key as (`string`, `number`, `boolean`, `date`, `array`), when the field's type does not say (a `String` holding ISO-8601 dates); default: from the type |
///
/// Every other field is a custom-data key; its type must implement `serde::Serialize`.
/// Values that serialize to `null` (an `Option` that is `None`) are left out.
///
/// # Enums
///
/// Each variant is its own event, named by its `#[umami(name = "...")]` or the variant's
/// name. Unit variants carry no data; struct-like variants carry their fields as data;
/// newtype variants wrap another `UmamiEvent` and send it as is. The enum's `url`, `title`
/// and `rename_all` apply to the unit and struct-like variants unless a variant sets its own.
/// (Unlike serde, `rename_all` renames data keys, never the event names.)
///
/// ```
/// use umami::UmamiEvent;
///
/// #[derive(UmamiEvent)]
/// #[umami(name = "Signup")]
/// struct Signup {
///     plan: &'static str,
/// }
///
/// #[derive(UmamiEvent)]
/// #[umami(url = "/app", rename_all = "camelCase")]
/// enum AppEvent {
///     #[umami(name = "app-opened")]
///     Opened,
///     #[umami(name = "search", url = "/search")]
///     Searched { query_text: String, result_count: u32 },
///     Signup(Signup),
/// }
///
/// let searched = AppEvent::Searched { query_text: "rust".into(), result_count: 3 };
/// assert_eq!(searched.event_name(), "search");
/// assert_eq!(searched.url(), "/search");
/// assert_eq!(
///     serde_json::Value::Object(searched.custom_data()?),
///     serde_json::json!({"queryText": "rust", "resultCount": 3})
/// );
/// assert_eq!(AppEvent::Opened.url(), "/app");
/// assert_eq!(AppEvent::Signup(Signup { plan: "pro" }).event_name(), "Signup");
/// # Ok::<(), umami::ValidationError>(())
/// ```
///
/// # Compile-time checks
///
/// Every mistake the derive can see is a compile error on the exact span, all reported in
/// one compile: unknown or duplicate keys, a name Umami would reject, a `{field}`
/// placeholder naming no field, two `distinct_id` fields, a `distinct_id` that is not a
/// string or an integer, colliding data keys, `skip` with `rename` or `distinct_id`, unions,
/// tuple structs, tuple variants with more than one field, and fields that are not
/// `Serialize` (reported on the field).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an Umami event",
    label = "`{Self}` does not implement `UmamiEvent`",
    note = "add `#[derive(umami::UmamiEvent)]` to `{Self}`, or implement the trait by hand"
)]
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
    /// A [`ValidationError`] on `custom_data` when a field cannot be serialized.
    fn custom_data(&self) -> Result<Map<String, Value>, ValidationError>;

    /// The user's distinct id, if the event carries one (a `#[umami(distinct_id)]` field that
    /// is `None` or blank carries none). Sent as the payload's `id`, it puts the event in the
    /// user's session, not the visitor's (see [`DistinctId`]).
    fn distinct_id(&self) -> Option<DistinctId> {
        None
    }

    /// A [`NewEvent`] builder on `client`, pre-filled from this event (name, url, title,
    /// data, distinct id), for setting more (ip, hostname, ...) or overriding what the type
    /// says. The data is built once here; a field that cannot be serialized makes the
    /// builder's `send`/`prepare` fail with [`Error::Validation`].
    fn new_event(&self, client: &Client) -> NewEvent {
        prefill(self, client.new_event(self.event_name()))
    }

    /// Sends the event with `client`: `self.new_event(client).send()`.
    ///
    /// # Errors
    /// As [`HitBuilder::send`](crate::hit::HitBuilder::send).
    fn send(&self, client: &Client) -> impl Future<Output = Result<SendResponse, Error>> + Send {
        self.new_event(client).send()
    }

    /// Like [`new_event`](UmamiEvent::new_event), on the module-level default client (see
    /// [`crate::default_client`]), as [`umami::new_event`](crate::new_event) does.
    fn new_event_global(&self) -> NewEvent {
        prefill(self, NewEvent::new(default_client(), self.event_name()))
    }

    /// Sends the event with the module-level default client, configured by
    /// [`umami::set_url_base`](crate::set_url_base) or
    /// [`umami::set_cloud_api_key`](crate::set_cloud_api_key).
    ///
    /// # Errors
    /// [`Error::OperationNotAllowed`] when neither was called; otherwise as
    /// [`NewEvent::send`](crate::hit::HitBuilder::send).
    ///
    /// ```no_run
    /// # use umami::UmamiEvent;
    /// #[derive(UmamiEvent)]
    /// struct AppStarted;
    ///
    /// # async fn demo() -> Result<(), umami::Error> {
    /// umami::set_url_base("https://umami.example.com")?;
    /// umami::set_website_id("978435e2-7ba1-4337-9860-ec31ece2db60");
    /// umami::set_hostname("example.com");
    /// AppStarted.send_global().await?;
    /// # Ok(()) }
    /// ```
    fn send_global(&self) -> impl Future<Output = Result<SendResponse, Error>> + Send {
        self.new_event_global().send()
    }
}

/// A borrowed event is the event (e.g. a newtype variant `Purchase(&'a PurchaseCourse)`).
impl<E: UmamiEvent + ?Sized> UmamiEvent for &E {
    fn event_name(&self) -> &str {
        (**self).event_name()
    }
    fn url(&self) -> Cow<'_, str> {
        (**self).url()
    }
    fn title(&self) -> Option<Cow<'_, str>> {
        (**self).title()
    }
    fn custom_data(&self) -> Result<Map<String, Value>, ValidationError> {
        (**self).custom_data()
    }
    fn distinct_id(&self) -> Option<DistinctId> {
        (**self).distinct_id()
    }
}

/// A boxed event is the event, so that a newtype variant can box a large one
/// (`Purchase(Box<PurchaseCourse>)`).
impl<E: UmamiEvent + ?Sized> UmamiEvent for Box<E> {
    fn event_name(&self) -> &str {
        (**self).event_name()
    }
    fn url(&self) -> Cow<'_, str> {
        (**self).url()
    }
    fn title(&self) -> Option<Cow<'_, str>> {
        (**self).title()
    }
    fn custom_data(&self) -> Result<Map<String, Value>, ValidationError> {
        (**self).custom_data()
    }
    fn distinct_id(&self) -> Option<DistinctId> {
        (**self).distinct_id()
    }
}

impl Client {
    /// Sends a typed event ([`UmamiEvent`], usually `#[derive(UmamiEvent)]`):
    /// `event.send(&client)`, as a method of the client.
    ///
    /// ```no_run
    /// # use umami::UmamiEvent;
    /// #[derive(UmamiEvent)]
    /// struct AppStarted;
    ///
    /// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
    /// client.send_event(&AppStarted).await?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`HitBuilder::send`](crate::hit::HitBuilder::send).
    pub async fn send_event<E: UmamiEvent + ?Sized>(
        &self,
        event: &E,
    ) -> Result<SendResponse, Error> {
        event.new_event(self).send().await
    }
}

/// Fills `builder` from `event`; the data goes in as the map built once, not re-serialized.
fn prefill<E: UmamiEvent + ?Sized>(event: &E, builder: NewEvent) -> NewEvent {
    let mut builder = builder.url(event.url());
    if let Some(title) = event.title() {
        builder = builder.title(title);
    }
    match event.custom_data() {
        Ok(data) => builder.set_data_map(data),
        Err(error) => builder.set_data_error(error),
    }
    match event.distinct_id() {
        Some(id) => builder.distinct_id(id),
        None => builder,
    }
}
