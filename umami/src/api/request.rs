//! The one builder behind every read of the API: [`Request`], typed by its endpoint `E`.
//!
//! Required parameters are arguments of the handle method that makes the request
//! ([`Analytics`](super::analytics::Analytics), [`Admin`](super::admin::Admin)); the
//! optional ones are setters, present only on the endpoints whose contract accepts them
//! (`timezone` only where the operation takes a `timezone`, paging only on paged lists…):
//! the marker traits [`Filtered`], [`Zoned`], [`Unitized`], [`Compared`], [`Searched`],
//! [`Limited`] and [`Paged`] say which. Every endpoint's query names come from its
//! [`Operation`] in the contract table.

use std::fmt;
use std::marker::PhantomData;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;

use super::call::{Call, Operation};
use super::de::Page;
use crate::client::Client;
use crate::error::{Error, ValidationError};

/// An endpoint of the read API: what its [`Request`] answers. Sealed: the endpoint types of
/// [`analytics`](super::analytics) and [`admin`](super::admin) are all of them.
///
/// ```
/// use umami::api::{Endpoint, Request};
///
/// // `.send().await` answers the endpoint's `Output`.
/// fn reads_stats<E: Endpoint<Output = umami::WebsiteStats>>(_: &Request<E>) {}
///
/// let client = umami::Client::builder().url_base("https://umami.example.com").build()?;
/// let now = std::time::SystemTime::now();
/// reads_stats(&client.analytics().stats(now, now));
/// # Ok::<(), umami::Error>(())
/// ```
///
/// No other crate can add endpoints:
///
/// ```compile_fail,E0277
/// struct Mine;
/// impl umami::api::Endpoint for Mine {
///     type Output = ();
/// }
/// ```
pub trait Endpoint: sealed::Sealed {
    /// The answer.
    type Output: DeserializeOwned;
}

/// The part of [`Endpoint`] only this crate can implement: the contract operation.
pub(crate) mod sealed {
    /// An endpoint's operation in the contract table.
    pub trait Sealed {
        /// The contract operation.
        const OP: super::Operation;
    }
}

/// Endpoints that take the common filters ([`Filters`]).
pub trait Filtered: Endpoint {}
/// Endpoints that take `timezone` (an IANA name such as `Europe/Berlin`).
pub trait Zoned: Endpoint {}
/// Endpoints that take `unit` ([`Unit`]).
pub trait Unitized: Endpoint {}
/// Endpoints that take `compare` ([`Compare`]).
pub trait Compared: Endpoint {}
/// Endpoints that take `search`.
pub trait Searched: Endpoint {}
/// Endpoints that take `limit` (and, where marked [`Offset`], `offset`).
pub trait Limited: Endpoint {}
/// Endpoints that take `offset`.
pub trait Offset: Endpoint {}
/// Paged listings (`page`, `pageSize`), whose answer is a [`Page`] of `Item`.
pub trait Paged: Endpoint<Output = Page<Self::Item>> {
    /// One item of the listing.
    type Item: DeserializeOwned;
}

/// The time bucket of a series: `unit` on the wire. The server replaces a unit too fine for
/// the range (minute over a week becomes hour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unit {
    /// `minute`
    Minute,
    /// `hour`
    Hour,
    /// `day`
    Day,
    /// `month`
    Month,
    /// `year`
    Year,
}

impl Unit {
    /// The wire name.
    ///
    /// ```
    /// assert_eq!(umami::api::Unit::Day.as_str(), "day");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Minute => "minute",
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::Month => "month",
            Unit::Year => "year",
        }
    }
}

/// Which earlier period an answer is compared with: `compare` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Compare {
    /// `prev`: the period of the same length just before.
    Previous,
    /// `yoy`: the same period a year earlier.
    YearOverYear,
}

impl Compare {
    /// The wire name.
    ///
    /// ```
    /// assert_eq!(umami::api::Compare::YearOverYear.as_str(), "yoy");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Compare::Previous => "prev",
            Compare::YearOverYear => "yoy",
        }
    }
}

/// Whether hits must match all filters or any of them: `match` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Match {
    /// `all` (the server's default).
    All,
    /// `any`
    Any,
}

/// The kind of hit: `eventType` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventType {
    /// `1`: page views.
    Pageview,
    /// `2`: custom events.
    CustomEvent,
    /// `5`: performance (web vitals) hits.
    Performance,
}

impl EventType {
    fn code(self) -> &'static str {
        match self {
            EventType::Pageview => "1",
            EventType::CustomEvent => "2",
            EventType::Performance => "5",
        }
    }
}

/// The filters every analytics read shares: each narrows the answer to hits whose field
/// matches. A value may carry Umami's operator prefix (`neq.chrome`, `c.docs` for
/// "contains") or list values (`chrome,firefox`); see Umami's docs. Setting one twice keeps
/// the last; a blank value is an error when the request is sent.
///
/// ```
/// use umami::api::{Filters, Match};
/// let filters = Filters::new().browser("chrome").country("DE").match_on(Match::Any);
/// assert_eq!(
///     filters.pairs(),
///     [("browser", "chrome"), ("country", "DE"), ("match", "any")]
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pairs: Vec<(&'static str, String)>,
}

macro_rules! filter_setters {
    ($($(#[$doc:meta])* $name:ident => $wire:literal;)*) => {
        impl Filters {
            $(
                $(#[$doc])*
                pub fn $name(self, value: impl Into<String>) -> Self {
                    self.with($wire, value.into())
                }
            )*
        }
        impl<E: Filtered> Request<E> {
            $(
                $(#[$doc])*
                pub fn $name(mut self, value: impl Into<String>) -> Self {
                    self.filters = self.filters.$name(value);
                    self
                }
            )*
        }
    };
}

filter_setters! {
    /// Only hits on this URL path (`path`).
    path => "path";
    /// Only hits with this referrer (`referrer`).
    referrer => "referrer";
    /// Only hits on pages with this title (`title`).
    title => "title";
    /// Only hits whose URL has this query string (`query`).
    query => "query";
    /// Only visitors on this operating system (`os`).
    os => "os";
    /// Only visitors with this browser (`browser`).
    browser => "browser";
    /// Only visitors with this device type (`device`).
    device => "device";
    /// Only visitors from this country code (`country`).
    country => "country";
    /// Only visitors from this region (`region`).
    region => "region";
    /// Only visitors from this city (`city`).
    city => "city";
    /// Only hits with this tag (`tag`).
    tag => "tag";
    /// Only hits for this hostname (`hostname`).
    hostname => "hostname";
    /// Only hits of this distinct id (`distinctId`).
    distinct_id => "distinctId";
    /// Only visitors with this language (`language`).
    language => "language";
    /// Only this custom event, by name (`event`).
    event => "event";
    /// Only this UTM source (`utmSource`).
    utm_source => "utmSource";
    /// Only this UTM medium (`utmMedium`).
    utm_medium => "utmMedium";
    /// Only this UTM campaign (`utmCampaign`).
    utm_campaign => "utmCampaign";
    /// Only this UTM content (`utmContent`).
    utm_content => "utmContent";
    /// Only this UTM term (`utmTerm`).
    utm_term => "utmTerm";
    /// Only visitors in this saved segment, by id (`segment`).
    segment => "segment";
    /// Only visitors in this saved cohort, by id (`cohort`).
    cohort => "cohort";
}

impl Filters {
    /// No filters.
    pub fn new() -> Self {
        Filters::default()
    }

    fn with(mut self, name: &'static str, value: String) -> Self {
        match self.pairs.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.pairs.push((name, value)),
        }
        self
    }

    /// Only hits of this kind (`eventType`).
    pub fn event_type(self, kind: EventType) -> Self {
        self.with("eventType", kind.code().to_owned())
    }

    /// Leaves out visits with a single page view (`excludeBounce=true`).
    pub fn exclude_bounce(self) -> Self {
        self.with("excludeBounce", "true".to_owned())
    }

    /// Whether hits must match all filters or any (`match`).
    pub fn match_on(self, how: Match) -> Self {
        let value = match how {
            Match::All => "all",
            Match::Any => "any",
        };
        self.with("match", value.to_owned())
    }

    /// The query pairs, in the order set.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        self.pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
    }
}

/// Milliseconds since the Unix epoch, as the API takes them.
pub(crate) fn epoch_millis(field: &'static str, at: SystemTime) -> Result<u128, ValidationError> {
    at.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .map_err(|_| ValidationError::new(field, "is before 1970-01-01 (Unix epoch)"))
}

/// A read request of endpoint `E`, made by a method of [`Analytics`](super::analytics::Analytics)
/// or [`Admin`](super::admin::Admin); set options, then
/// `.send().await` (and, for [`Paged`] lists, `.all().await`).
///
/// ```no_run
/// # async fn demo(client: umami::Client) -> Result<(), umami::Error> {
/// use std::time::{Duration, SystemTime};
/// use umami::api::Unit;
/// use umami::api::analytics::MetricType;
/// let end = SystemTime::now();
/// let start = end - Duration::from_secs(7 * 86_400);
/// let series = client.analytics().pageviews(start, end).unit(Unit::Day).timezone("UTC").send().await?;
/// let pages = client.analytics().metrics(start, end, MetricType::Path).limit(10).send().await?;
/// println!("{} days, top page {:?}", series.pageviews.len(), pages.first().map(|m| &m.x));
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until `.send().await`"]
pub struct Request<E> {
    client: Client,
    call: Call,
    website: bool,
    website_id: Option<String>,
    filters: Filters,
    error: Option<ValidationError>,
    _endpoint: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for Request<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.call.op.id)
            .field("website_id", &self.website_id)
            .field("path", &self.call.path)
            .field("query", &self.call.query)
            .field("filters", &self.filters)
            .finish_non_exhaustive()
    }
}

impl<E> Clone for Request<E> {
    fn clone(&self) -> Self {
        Request {
            client: self.client.clone(),
            call: self.call.clone(),
            website: self.website,
            website_id: self.website_id.clone(),
            filters: self.filters.clone(),
            error: self.error.clone(),
            _endpoint: PhantomData,
        }
    }
}

impl<E: Endpoint> Request<E> {
    /// A request whose first path value is the website id (argument or client default).
    pub(crate) fn for_website(client: &Client) -> Self {
        let mut r = Self::plain(client);
        r.website = true;
        r
    }

    /// A request with no website in its path.
    pub(crate) fn plain(client: &Client) -> Self {
        Request {
            client: client.clone(),
            call: Call::new(E::OP),
            website: false,
            website_id: None,
            filters: Filters::default(),
            error: None,
            _endpoint: PhantomData,
        }
    }

    /// The next path value after the website id.
    pub(crate) fn arg(mut self, value: impl Into<String>) -> Self {
        self.call = self.call.arg(value);
        self
    }

    pub(crate) fn set(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.call.set(name, value.into());
        self
    }

    pub(crate) fn fail(&mut self, error: ValidationError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    /// A required text parameter: blank is an error naming `field`.
    pub(crate) fn required(
        mut self,
        field: &'static str,
        name: &'static str,
        value: String,
    ) -> Self {
        if value.trim().is_empty() {
            self.fail(ValidationError::new(field, "must not be empty or blank"));
        }
        self.set(name, value)
    }

    /// `startAt`/`endAt` in epoch milliseconds.
    pub(crate) fn range(mut self, start: SystemTime, end: SystemTime) -> Self {
        match (epoch_millis("start", start), epoch_millis("end", end)) {
            (Ok(s), Ok(e)) if e < s => {
                self.fail(ValidationError::new(
                    "end",
                    format!("{e} ms is before start ({s} ms)"),
                ));
                self
            }
            (Ok(s), Ok(e)) => self
                .set("startAt", s.to_string())
                .set("endAt", e.to_string()),
            (Err(err), _) | (_, Err(err)) => {
                self.fail(err);
                self
            }
        }
    }

    /// The website; default: the client's `website_id`.
    pub fn website_id(mut self, website_id: impl Into<String>) -> Self {
        self.website_id = Some(website_id.into());
        self
    }

    /// The request as it would be sent: method and URL. No I/O.
    ///
    /// # Errors
    /// As [`send`](Self::send), for everything checked before I/O.
    pub fn to_url(&self) -> Result<(&'static str, url::Url), Error> {
        let call = self.finish()?;
        Ok((call.op.method, call.url(&self.client)?))
    }

    fn finish(&self) -> Result<Call, Error> {
        if let Some(error) = &self.error {
            return Err(error.clone().into());
        }
        let mut call = self.call.clone();
        if self.website {
            let id = self.client.resolve_website_id(self.website_id.as_deref())?;
            call.path.insert(0, id);
        }
        for (name, value) in &self.filters.pairs {
            if value.trim().is_empty() {
                return Err(ValidationError::new(
                    filter_field(name),
                    "a filter value must not be empty or blank (leave the filter out instead)",
                )
                .into());
            }
            call.set(name, value.clone());
        }
        Ok(call)
    }

    /// Checks the inputs, then asks the server.
    ///
    /// # Errors
    /// [`Error::Validation`] before any I/O for a missing or malformed website id, a time
    /// before 1970, `end` before `start`, a blank required value or filter;
    /// [`Error::OperationNotAllowed`] on a self-hosted server without a token;
    /// [`Error::Status`] with the server's text; [`Error::UnexpectedResponse`] for an answer
    /// that is not the expected shape; [`Error::Transport`].
    pub async fn send(self) -> Result<E::Output, Error> {
        let call = self.finish()?;
        call.send(&self.client).await
    }
}

fn filter_field(wire: &str) -> &'static str {
    match wire {
        "distinctId" => "distinct_id",
        "utmSource" => "utm_source",
        "utmMedium" => "utm_medium",
        "utmCampaign" => "utm_campaign",
        "utmContent" => "utm_content",
        "utmTerm" => "utm_term",
        "eventType" => "event_type",
        "excludeBounce" => "exclude_bounce",
        "match" => "match",
        "path" => "path",
        "referrer" => "referrer",
        "title" => "title",
        "query" => "query",
        "os" => "os",
        "browser" => "browser",
        "device" => "device",
        "country" => "country",
        "region" => "region",
        "city" => "city",
        "tag" => "tag",
        "hostname" => "hostname",
        "language" => "language",
        "event" => "event",
        "segment" => "segment",
        "cohort" => "cohort",
        _ => "filter",
    }
}

impl<E: Filtered> Request<E> {
    /// Replaces all filters with `filters`.
    pub fn filters(mut self, filters: Filters) -> Self {
        self.filters = filters;
        self
    }

    /// Only hits of this kind (`eventType`).
    pub fn event_type(mut self, kind: EventType) -> Self {
        self.filters = self.filters.event_type(kind);
        self
    }

    /// Leaves out single-page visits (`excludeBounce`).
    pub fn exclude_bounce(mut self) -> Self {
        self.filters = self.filters.exclude_bounce();
        self
    }

    /// All filters or any (`match`).
    pub fn match_on(mut self, how: Match) -> Self {
        self.filters = self.filters.match_on(how);
        self
    }
}

impl<E: Zoned> Request<E> {
    /// The IANA time zone for buckets and dates (`timezone`), e.g. `Europe/Berlin`. With
    /// it, bucket labels come back as local `YYYY-MM-DD hh:mm:ss`; without, as ISO UTC.
    pub fn timezone(self, zone: impl Into<String>) -> Self {
        let zone = zone.into();
        self.required("timezone", "timezone", zone)
    }
}

impl<E: Unitized> Request<E> {
    /// The bucket size (`unit`).
    pub fn unit(self, unit: Unit) -> Self {
        self.set("unit", unit.as_str())
    }
}

impl<E: Compared> Request<E> {
    /// Also the numbers of an earlier period (`compare`).
    pub fn compare(self, compare: Compare) -> Self {
        self.set("compare", compare.as_str())
    }
}

impl<E: Searched> Request<E> {
    /// Only items matching this text (`search`); a blank text is not sent.
    pub fn search(self, text: impl Into<String>) -> Self {
        let text = text.into();
        if text.trim().is_empty() {
            return self;
        }
        self.set("search", text)
    }
}

impl<E: Limited> Request<E> {
    /// At most this many rows (`limit`), at least 1.
    pub fn limit(mut self, limit: u64) -> Self {
        if limit == 0 {
            self.fail(ValidationError::new("limit", "must be at least 1"));
        }
        self.set("limit", limit.to_string())
    }
}

impl<E: Offset> Request<E> {
    /// Skips this many rows first (`offset`).
    pub fn offset(self, offset: u64) -> Self {
        self.set("offset", offset.to_string())
    }
}

/// A runaway guard for [`Request::all`].
const MAX_PAGES: u64 = 10_000;

impl<E: Paged> Request<E> {
    /// The page to fetch, from 1 (`page`); for [`all`](Self::all), the first page read.
    pub fn page(mut self, page: u64) -> Self {
        if page == 0 {
            self.fail(ValidationError::new("page", "pages are numbered from 1"));
        }
        self.set("page", page.to_string())
    }

    /// Items per page, at least 1 (`pageSize`; the server's default is 20).
    pub fn page_size(mut self, size: u64) -> Self {
        if size == 0 {
            self.fail(ValidationError::new("page_size", "must be at least 1"));
        }
        self.set("pageSize", size.to_string())
    }

    /// Every item, page after page from [`page`](Self::page) (default 1) until the server's
    /// `count` is reached or a page comes back empty or adds nothing new (a server that
    /// ignores `page` cannot loop forever).
    ///
    /// # Errors
    /// As [`send`](Self::send), for any page; [`Error::UnexpectedResponse`] past 10 000 pages.
    pub async fn all(self) -> Result<Vec<E::Item>, Error> {
        let mut call = self.finish()?;
        let first: u64 = call
            .query
            .iter()
            .find(|(k, _)| *k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        let mut items = Vec::new();
        let mut skipped = None;
        for page in first..first.saturating_add(MAX_PAGES) {
            call.set("page", page.to_string());
            let answer: Page<E::Item> = call.clone().send(&self.client).await?;
            let skipped = *skipped.get_or_insert((first - 1).saturating_mul(answer.page_size));
            // An empty page ends the list; so does a server that answers another page
            // than the one asked for (it ignores `page` and would repeat itself).
            if answer.data.is_empty() || page != first && answer.page != page {
                return Ok(items);
            }
            items.extend(answer.data);
            if skipped.saturating_add(items.len() as u64) >= answer.count {
                return Ok(items);
            }
        }
        Err(Error::UnexpectedResponse(format!(
            "the server kept sending items for {MAX_PAGES} pages; stopped reading"
        )))
    }
}

/// Declares endpoint marker types: `Name => OPERATION -> Output; traits…`.
macro_rules! endpoints {
    ($($(#[$doc:meta])* $name:ident => $op:ident -> $out:ty $(, paged $item:ty)? $(: $($mark:ident),+)?;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        #[non_exhaustive]
        pub struct $name;
        impl $crate::api::request::sealed::Sealed for $name {
            const OP: $crate::api::call::Operation = $crate::api::operations::$op;
        }
        impl $crate::api::request::Endpoint for $name {
            type Output = $out;
        }
        $(impl $crate::api::request::Paged for $name { type Item = $item; })?
        $($(impl $crate::api::request::$mark for $name {})+)?
    )*};
}
pub(crate) use endpoints;
