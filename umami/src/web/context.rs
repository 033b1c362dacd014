//! The visitor of a request: what Umami needs to put its hits in the visitor's session.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;
use std::ops::Range;
use std::sync::Arc;

use http::header::{ACCEPT_LANGUAGE, HOST, REFERER, USER_AGENT};
use http::{Extensions, HeaderMap, HeaderName, HeaderValue, Uri};

use super::client_ip::PeerAddr;
use super::context_config::ContextConfig;
#[cfg(doc)]
use super::context_config::DistinctIdMode;
use crate::hit::{DistinctId, HitBuilder};
use crate::validate::{self, utf16_len};

/// Umami's limit on `language` (UTF-16 units).
pub const MAX_LANGUAGE: usize = 35;
/// Umami's limit on `hostname` (UTF-16 units).
pub const MAX_HOSTNAME: usize = 100;
/// The crate's cut of a forwarded User-Agent (UTF-16 units; Umami sets none, real browsers
/// send ~150).
pub const MAX_USER_AGENT: usize = 512;
/// A `Referer` longer than this (UTF-16 units) is dropped, not cut: a cut URL is a wrong one.
pub const MAX_REFERRER: usize = 2048;

const SEC_GPC: HeaderName = HeaderName::from_static("sec-gpc");
const DNT: HeaderName = HeaderName::from_static("dnt");

/// What was done to one visitor header value to make it acceptable to Umami.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cleaning {
    /// Cut to the limit (UTF-16 units).
    Truncated,
    /// Not sent: over the limit where cutting would make it wrong, or malformed.
    Dropped,
}

/// One cleaned header value: the payload field, what was done, and the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CleanedField {
    /// The payload field (`language`, `userAgent`, `referrer`, `hostname`).
    pub field: &'static str,
    /// What was done.
    pub action: Cleaning,
    /// The length (UTF-16 units) the value had.
    pub length: usize,
    /// The limit (UTF-16 units).
    pub limit: usize,
}

/// The visitor of one request: IP, User-Agent, language, referrer, hostname and (when the
/// service put one in the request's extensions) the user's [`DistinctId`].
///
/// Read with [`from_parts`](Self::from_parts) or [`from_request`](Self::from_request), from
/// any framework; [`apply`](Self::apply) copies it onto a hit. Values from the visitor's
/// headers are cleaned so that they never make a hit invalid: a language tag over 35 UTF-16
/// units, a malformed referrer or an overlong host is dropped, a User-Agent over
/// [`MAX_USER_AGENT`] is cut; each such change is listed in [`cleaned`](Self::cleaned).
///
/// ```
/// use umami::web::{ContextConfig, PeerAddr, VisitorContext};
///
/// let request = http::Request::builder()
///     .uri("/pricing")
///     .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
///     .header("accept-language", "de-CH,de;q=0.9,en;q=0.5")
///     .header("referer", "https://search.example/?q=umami")
///     .header("host", "shop.example.com:8443")
///     .extension(PeerAddr("198.51.100.4:50000".parse()?))
///     .body(())?;
/// let visitor = VisitorContext::from_request(&request, &ContextConfig::default());
/// assert_eq!(visitor.ip(), Some("198.51.100.4".parse()?));
/// assert_eq!(visitor.language(), Some("de-CH"));
/// assert_eq!(visitor.hostname(), Some("shop.example.com"));
///
/// let client = umami::Client::builder()
///     .url_base("https://umami.example.com")
///     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
///     .build()?;
/// let hit = visitor.apply(client.new_event("Signup")).prepare()?;
/// assert_eq!(hit.ip_address(), Some("198.51.100.4"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct VisitorContext {
    ip: Option<IpAddr>,
    /// The User-Agent, language, referrer and hostname, one after the other.
    text: String,
    user_agent: Option<Range<usize>>,
    language: Option<Range<usize>>,
    referrer: Option<Range<usize>>,
    hostname: Option<Range<usize>>,
    distinct_id: Option<DistinctId>,
    /// [`DistinctIdMode::SessionData`]'s key: the id is not sent as `id`, but as session data
    /// under this key.
    session_data_key: Option<Arc<str>>,
    opted_out: bool,
    bot_like: bool,
    cleaned: Vec<CleanedField>,
}

impl fmt::Debug for VisitorContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The IP and the distinct id are personal data: shown only as present or not.
        f.debug_struct("VisitorContext")
            .field("ip", &self.ip.map(|_| "<redacted>"))
            .field("user_agent", &self.user_agent())
            .field("language", &self.language())
            .field("referrer", &self.referrer())
            .field("hostname", &self.hostname())
            .field(
                "distinct_id",
                &self.distinct_id.as_ref().map(|_| "<redacted>"),
            )
            .field("session_data_key", &self.session_data_key)
            .field("opted_out", &self.opted_out)
            .field("bot_like", &self.bot_like)
            .field("cleaned", &self.cleaned)
            .finish()
    }
}

impl VisitorContext {
    /// The visitor of a request, from its parts (see the type's docs).
    ///
    /// ```
    /// let (parts, _body) = http::Request::new(()).into_parts();
    /// let visitor = umami::web::VisitorContext::from_parts(&parts, &Default::default());
    /// assert_eq!(visitor.ip(), None);
    /// ```
    pub fn from_parts(parts: &http::request::Parts, config: &ContextConfig) -> VisitorContext {
        Self::read(&parts.headers, &parts.uri, &parts.extensions, config)
    }

    /// The visitor of a request (see the type's docs).
    ///
    /// ```
    /// let request = http::Request::builder().header("user-agent", "Mozilla/5.0").body(())?;
    /// let visitor = umami::web::VisitorContext::from_request(&request, &Default::default());
    /// assert_eq!(visitor.user_agent(), Some("Mozilla/5.0"));
    /// # Ok::<(), http::Error>(())
    /// ```
    pub fn from_request<B>(request: &http::Request<B>, config: &ContextConfig) -> VisitorContext {
        Self::read(
            request.headers(),
            request.uri(),
            request.extensions(),
            config,
        )
    }

    fn read(
        headers: &HeaderMap,
        uri: &Uri,
        extensions: &Extensions,
        config: &ContextConfig,
    ) -> VisitorContext {
        VisitorInputs::borrow(headers, uri, extensions, config).clean(config)
    }

    /// One of the values in `text`.
    fn part(&self, range: &Option<Range<usize>>) -> Option<&str> {
        range.clone().and_then(|range| self.text.get(range))
    }

    fn cut<'a>(&mut self, field: &'static str, value: &'a str, limit: usize) -> &'a str {
        let length = utf16_len(value);
        if length <= limit {
            return value;
        }
        self.cleaned.push(CleanedField {
            field,
            action: Cleaning::Truncated,
            length,
            limit,
        });
        let mut units = 0;
        let end = value
            .char_indices()
            .find(|&(_, c)| {
                units += c.len_utf16();
                units > limit
            })
            .map_or(value.len(), |(i, _)| i);
        &value[..end]
    }

    fn keep_within<'a>(
        &mut self,
        field: &'static str,
        value: &'a str,
        limit: usize,
    ) -> Option<&'a str> {
        let length = utf16_len(value);
        if length <= limit {
            return Some(value);
        }
        self.note_dropped(field, length, limit);
        None
    }

    fn note_dropped(&mut self, field: &'static str, length: usize, limit: usize) {
        if !self.cleaned.iter().any(|c| c.field == field) {
            self.cleaned.push(CleanedField {
                field,
                action: Cleaning::Dropped,
                length,
                limit,
            });
        }
    }

    /// Copies the visitor onto a hit: `ip`, `userAgent`, `language`, `referrer`, the hostname
    /// (only when the hit's client has no default hostname) and the distinct id (when one was
    /// in the request's extensions, and the [`DistinctIdMode`] is
    /// [`PayloadId`](DistinctIdMode::PayloadId): Umami then derives the hit's session from
    /// the id, not from the visitor). Fields the visitor did not send are left as they are.
    ///
    /// In [`DistinctIdMode::SessionData`] the id is left out, and recording it as session data
    /// is up to the sender: a [`RequestVisitor`](super::RequestVisitor) does it (make one with
    /// [`RequestVisitor::new`](super::RequestVisitor::new) to track through it).
    ///
    /// ```
    /// let visitor = umami::web::VisitorContext::default();
    /// let client = umami::Client::builder()
    ///     .url_base("https://umami.example.com")
    ///     .website_id("978435e2-7ba1-4337-9860-ec31ece2db60")
    ///     .hostname("example.com")
    ///     .build()?;
    /// let hit = visitor.apply(client.new_event("Signup"));
    /// # Ok::<(), umami::Error>(())
    /// ```
    pub fn apply<K>(&self, hit: HitBuilder<K>) -> HitBuilder<K> {
        self.apply_with(hit, true, true)
    }

    /// [`apply`](Self::apply), leaving out the User-Agent when `user_agent` is `false` (the
    /// hit then goes with the client's own User-Agent), and the distinct id when `id` is.
    pub(crate) fn apply_with<K>(
        &self,
        mut hit: HitBuilder<K>,
        user_agent: bool,
        id: bool,
    ) -> HitBuilder<K> {
        if let Some(ip) = self.ip {
            hit = hit.ip_address(ip);
        }
        if user_agent {
            if let Some(ua) = self.user_agent() {
                hit = hit.user_agent(ua);
            }
        }
        if let Some(language) = self.language() {
            hit = hit.language(language);
        }
        if let Some(referrer) = self.referrer() {
            hit = hit.referrer(referrer);
        }
        if let Some(hostname) = self.hostname() {
            if hit.client().is_none_or(|c| c.hostname().is_none()) {
                hit = hit.hostname(hostname);
            }
        }
        if let Some(distinct_id) = self.payload_id().filter(|_| id) {
            hit = hit.distinct_id(distinct_id);
        }
        // A hit from a request's context is server-side: no invented `screen`/`language`.
        hit.server_side()
    }

    /// The visitor's IP (IPv4-mapped IPv6 as IPv4), if known and to be sent.
    pub fn ip(&self) -> Option<IpAddr> {
        self.ip
    }

    /// The visitor's User-Agent (cut to [`MAX_USER_AGENT`]).
    pub fn user_agent(&self) -> Option<&str> {
        self.part(&self.user_agent)
    }

    /// The first tag of `Accept-Language` (at most [`MAX_LANGUAGE`] UTF-16 units).
    pub fn language(&self) -> Option<&str> {
        self.part(&self.language)
    }

    /// The `Referer` (a URL or path that Umami accepts).
    pub fn referrer(&self) -> Option<&str> {
        self.part(&self.referrer)
    }

    /// The `Host` (or HTTP/2 `:authority`) without its port.
    pub fn hostname(&self) -> Option<&str> {
        self.part(&self.hostname)
    }

    /// The user's id, when the service put a [`DistinctId`] in the request's extensions
    /// (before the layer runs). With the default [`DistinctIdMode::PayloadId`] it is sent as
    /// the hits' `id` and Umami derives the session from the id, not from IP and User-Agent:
    /// the visitor's earlier anonymous hits are in another session. With
    /// [`DistinctIdMode::SessionData`] the hits stay in the visitor's session and the id is
    /// recorded as session data.
    pub fn distinct_id(&self) -> Option<&DistinctId> {
        self.distinct_id.as_ref()
    }

    /// The id to send as the hits' `id`: none in [`DistinctIdMode::SessionData`].
    pub(crate) fn payload_id(&self) -> Option<&DistinctId> {
        self.distinct_id
            .as_ref()
            .filter(|_| self.session_data_key.is_none())
    }

    /// The session-data key the id goes under, in [`DistinctIdMode::SessionData`].
    pub(crate) fn session_data_key(&self) -> Option<&str> {
        self.session_data_key.as_deref()
    }

    /// The visitor asked not to be tracked (`Sec-GPC: 1` or `DNT: 1`, when the
    /// [`ContextConfig`] honours them): the layer sends no page view, and the visitor's
    /// handler events go without ip, User-Agent, language, referrer or id (none of them is
    /// read), so that business counts stay right without tracking the person.
    pub fn opted_out(&self) -> bool {
        self.opted_out
    }

    /// The dispatcher's bot check ([`DispatcherBuilder::bot_check`](crate::dispatch::DispatcherBuilder::bot_check))
    /// flagged the User-Agent: the layer sends no page view for it
    /// ([`SkipReason::Bot`](super::SkipReason::Bot)) and its events follow the
    /// [`BotPolicy`](crate::dispatch::BotPolicy). Known for the contexts of the
    /// [`UmamiLayer`](super::UmamiLayer) and of [`RequestVisitor::new`](super::RequestVisitor::new);
    /// a context read with [`from_parts`](Self::from_parts) alone knows no dispatcher, and
    /// says `false`.
    ///
    /// ```no_run
    /// # fn demo(dispatcher: umami::Dispatcher) -> Result<(), http::Error> {
    /// use umami::web::{RequestVisitor, VisitorContext};
    /// let request = http::Request::builder().header("user-agent", "curl/8.5.0").body(())?;
    /// let context = VisitorContext::from_request(&request, &Default::default());
    /// let visitor = RequestVisitor::new(dispatcher, context);
    /// // With the default check (Umami's own patterns, feature `bot-filter`):
    /// assert!(visitor.context().bot_like());
    /// # Ok(()) }
    /// ```
    pub fn bot_like(&self) -> bool {
        self.bot_like
    }

    /// [`bot_like`](Self::bot_like) as the verdict on the User-Agent this context holds, for
    /// the dispatcher not to judge it again; none when there is no User-Agent, or when it was
    /// cut after being judged (the dispatcher judges what is sent). Only the layer's contexts,
    /// judged with their dispatcher's check, pass it on.
    pub(crate) fn bot_verdict(&self) -> Option<bool> {
        let cut = self.cleaned.iter().any(|c| c.field == "userAgent");
        (self.user_agent.is_some() && !cut).then_some(self.bot_like)
    }

    /// Sets [`bot_like`](Self::bot_like) by `is_bot` (the dispatcher's check; none: `false`).
    pub(crate) fn check_bot(&mut self, is_bot: Option<fn(&str) -> bool>) {
        self.bot_like = match (is_bot, self.user_agent()) {
            (Some(is_bot), Some(user_agent)) => is_bot(user_agent),
            _ => false,
        };
    }

    /// Header values changed or dropped to fit Umami's limits.
    pub fn cleaned(&self) -> &[CleanedField] {
        &self.cleaned
    }
}

/// What a [`VisitorContext`] is read from: the visitor's header values (reference-counted, so
/// cheap to keep), the IP already resolved, the opt-out, the id. Kept by the web layer for a
/// request that sends no page view, so that its context is cleaned only if a handler uses it.
#[derive(Clone, Default)]
pub(crate) struct VisitorInputs<'a> {
    user_agent: Option<Cow<'a, HeaderValue>>,
    language: Option<Cow<'a, HeaderValue>>,
    referer: Option<Cow<'a, HeaderValue>>,
    /// `Host`, or the URI's authority (HTTP/2).
    host: Option<Cow<'a, HeaderValue>>,
    ip: Option<IpAddr>,
    opted_out: bool,
    distinct_id: Option<DistinctId>,
}

impl<'a> VisitorInputs<'a> {
    /// The inputs of a request, borrowing its header values.
    pub(crate) fn borrow(
        headers: &'a HeaderMap,
        uri: &Uri,
        extensions: &Extensions,
        config: &ContextConfig,
    ) -> VisitorInputs<'a> {
        let flag = |name: &HeaderName| {
            headers
                .get(name)
                .is_some_and(|v| v.as_bytes().trim_ascii() == b"1")
        };
        if (config.honor_gpc && flag(&SEC_GPC)) || (config.honor_dnt && flag(&DNT)) {
            // Nothing of an opted-out visitor is read.
            return VisitorInputs {
                opted_out: true,
                ..VisitorInputs::default()
            };
        }
        VisitorInputs {
            user_agent: headers.get(USER_AGENT).map(Cow::Borrowed),
            language: headers.get(ACCEPT_LANGUAGE).map(Cow::Borrowed),
            referer: headers.get(REFERER).map(Cow::Borrowed),
            host: headers
                .get(HOST)
                .filter(|h| h.to_str().is_ok())
                .map(Cow::Borrowed)
                .or_else(|| {
                    uri.authority()
                        .and_then(|a| HeaderValue::from_str(a.as_str()).ok())
                        .map(Cow::Owned)
                }),
            ip: (!config.no_ip)
                .then(|| config.client_ip.resolve(peer(extensions), headers))
                .flatten(),
            opted_out: false,
            distinct_id: extensions
                .get::<DistinctId>()
                .filter(|id| !id.is_blank())
                .cloned(),
        }
    }

    /// The same inputs, owning their header values (a reference count each).
    pub(crate) fn into_owned(self) -> VisitorInputs<'static> {
        let own = |v: Option<Cow<'_, HeaderValue>>| v.map(|v| Cow::Owned(v.into_owned()));
        VisitorInputs {
            user_agent: own(self.user_agent),
            language: own(self.language),
            referer: own(self.referer),
            host: own(self.host),
            ip: self.ip,
            opted_out: self.opted_out,
            distinct_id: self.distinct_id,
        }
    }

    /// The visitor, its values cleaned to Umami's limits.
    pub(crate) fn clean(&self, config: &ContextConfig) -> VisitorContext {
        let mut context = VisitorContext {
            ip: self.ip,
            opted_out: self.opted_out,
            distinct_id: self.distinct_id.clone(),
            session_data_key: config.session_data_key.clone(),
            ..VisitorContext::default()
        };
        let ua_value =
            self.user_agent
                .as_ref()
                .map(|ua| match std::str::from_utf8(ua.as_bytes()) {
                    Ok(ua) => Cow::Borrowed(ua),
                    Err(_) => String::from_utf8_lossy(ua.as_bytes()),
                });
        let user_agent = ua_value
            .as_deref()
            .map(trimmed)
            .filter(|ua| !ua.is_empty())
            .map(|ua| {
                context.bot_like = config.is_bot.is_some_and(|is_bot| is_bot(ua));
                context.cut("userAgent", ua, MAX_USER_AGENT)
            });
        let language = self
            .language
            .as_ref()
            .and_then(|v| first_language(v.as_bytes()))
            .and_then(|language| context.keep_within("language", language, MAX_LANGUAGE));
        let mut referrer = None;
        if let Some(value) = &self.referer {
            referrer = match std::str::from_utf8(value.as_bytes()).map(trimmed) {
                Ok(r) if !r.is_empty() => context
                    .keep_within("referrer", r, MAX_REFERRER)
                    .filter(|r| validate::url_or_path("referrer", r).is_ok()),
                _ => None,
            };
            if referrer.is_none() && !value.as_bytes().trim_ascii().is_empty() {
                context.note_dropped("referrer", value.len(), MAX_REFERRER);
            }
        }
        let hostname = self
            .host
            .as_ref()
            .and_then(|h| h.to_str().ok())
            .map(strip_port)
            .filter(|h| !h.is_empty())
            .and_then(|host| context.keep_within("hostname", host, MAX_HOSTNAME));
        // One allocation for the four values.
        let parts = [user_agent, language, referrer, hostname];
        let mut text = String::with_capacity(parts.iter().flatten().map(|p| p.len()).sum());
        let [user_agent, language, referrer, hostname] = parts.map(|part| {
            part.map(|part| {
                let start = text.len();
                text.push_str(part);
                start..text.len()
            })
        });
        VisitorContext {
            text,
            user_agent,
            language,
            referrer,
            hostname,
            ..context
        }
    }
}

fn peer(extensions: &Extensions) -> Option<IpAddr> {
    if let Some(PeerAddr(addr)) = extensions.get::<PeerAddr>() {
        return Some(addr.ip());
    }
    #[cfg(feature = "axum")]
    if let Some(info) = extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>() {
        return Some(info.0.ip());
    }
    None
}

/// `str::trim`, without its Unicode tables for the usual all-ASCII ends.
fn trimmed(value: &str) -> &str {
    let ascii = value.trim_ascii();
    let bytes = ascii.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if !first.is_ascii() || !last.is_ascii() => value.trim(),
        _ => ascii,
    }
}

/// The first language of an `Accept-Language` value, without its weight; `*` is none.
fn first_language(value: &[u8]) -> Option<&str> {
    let end = value
        .iter()
        .position(|&b| b == b',' || b == b';')
        .unwrap_or(value.len());
    let tag = trimmed(std::str::from_utf8(&value[..end]).ok()?);
    if tag.is_empty() || tag == "*" {
        return None;
    }
    Some(tag)
}

/// `example.com:8080` → `example.com`, `[::1]:80` → `[::1]`.
fn strip_port(host: &str) -> &str {
    let host = trimmed(host);
    if host.starts_with('[') {
        return match host.find(']') {
            Some(end) => &host[..=end],
            None => host,
        };
    }
    match host.as_bytes().iter().rposition(|&b| b == b':') {
        Some(colon) if host.as_bytes()[colon + 1..].iter().all(u8::is_ascii_digit) => {
            &host[..colon]
        }
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> http::Request<()> {
        let mut builder = http::Request::builder().uri("/");
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder.body(()).unwrap()
    }

    #[test]
    fn a_language_tag_over_35_utf16_units_is_dropped_and_counted() {
        let long = format!("x-{}", "a".repeat(42));
        let r = request(&[("accept-language", &long), ("user-agent", "Mozilla/5.0")]);
        let c = VisitorContext::from_request(&r, &ContextConfig::default());
        assert_eq!(c.language(), None);
        assert_eq!(c.user_agent(), Some("Mozilla/5.0"));
        assert_eq!(
            c.cleaned(),
            &[CleanedField {
                field: "language",
                action: Cleaning::Dropped,
                length: 44,
                limit: 35
            }]
        );
    }

    #[test]
    fn a_user_agent_is_cut_at_a_char_boundary_counting_utf16_units() {
        let ua = format!("Mozilla/5.0 x{}", "😀".repeat(400));
        let r = request(&[("user-agent", &ua)]);
        let c = VisitorContext::from_request(&r, &ContextConfig::default());
        let kept = c.user_agent().unwrap();
        assert!(utf16_len(kept) <= MAX_USER_AGENT);
        assert_eq!(
            utf16_len(kept),
            MAX_USER_AGENT - 1,
            "13 ASCII + 249 emoji: the 250th would straddle the limit"
        );
        assert_eq!(c.cleaned()[0].action, Cleaning::Truncated);
    }

    #[test]
    fn malformed_referrer_and_wildcard_language_are_not_sent() {
        let r = request(&[("referer", "http://[::1"), ("accept-language", "*")]);
        let c = VisitorContext::from_request(&r, &ContextConfig::default());
        assert_eq!(c.referrer(), None);
        assert_eq!(c.language(), None);
        assert_eq!(c.cleaned().len(), 1);
        assert_eq!(c.cleaned()[0].field, "referrer");
    }

    #[test]
    fn hosts_lose_their_port() {
        assert_eq!(strip_port("example.com:8080"), "example.com");
        assert_eq!(strip_port("[::1]:80"), "[::1]");
        assert_eq!(strip_port("[::1"), "[::1");
        assert_eq!(strip_port("example.com"), "example.com");
    }

    #[test]
    fn gpc_opt_out_reads_nothing() {
        let r = request(&[("sec-gpc", "1"), ("user-agent", "Mozilla/5.0")]);
        let config = ContextConfig::default().honor_global_privacy_control(true);
        let c = VisitorContext::from_request(&r, &config);
        assert!(c.opted_out());
        assert_eq!(c.user_agent(), None);
        let c = VisitorContext::from_request(&r, &ContextConfig::default());
        assert!(!c.opted_out());
    }
}
