//! [`ContextConfig`]: how the visitor of a request is read (IP source, privacy switches), and
//! [`DistinctIdMode`]: what a request's distinct id does to its visitor's hits.

use std::fmt;
use std::sync::Arc;

use super::client_ip::ClientIpConfig;
#[cfg(doc)]
use super::context::VisitorContext;
#[cfg(doc)]
use crate::hit::DistinctId;

/// How a [`VisitorContext`] is read from a request.
///
/// ```
/// use umami::web::{ClientIpConfig, ContextConfig};
///
/// let config = ContextConfig::default()
///     .client_ip(ClientIpConfig::default().trust_networks(["10.0.0.0/8"])?)
///     .honor_global_privacy_control(true)
///     .send_ip(false);
/// # Ok::<(), umami::ValidationError>(())
/// ```
#[derive(Clone, Default)]
pub struct ContextConfig {
    pub(super) client_ip: ClientIpConfig,
    pub(super) no_ip: bool,
    pub(super) honor_gpc: bool,
    pub(super) honor_dnt: bool,
    pub(super) is_bot: Option<fn(&str) -> bool>,
    distinct_ids: DistinctIdMode,
    /// The key of [`DistinctIdMode::SessionData`], shared with every context read.
    pub(super) session_data_key: Option<Arc<str>>,
}

/// What a request's [`DistinctId`] (put in its extensions by, e.g., an auth middleware) does
/// to the hits of its visitor: [`ContextConfig::distinct_id_mode`].
///
/// Umami derives a hit's session from its `id` when it has one, and from the visitor's IP
/// and User-Agent otherwise (`shared/umami-protocol.md` §7; recorded: identified hits go to a
/// session of their own). So with the default, [`PayloadId`](Self::PayloadId), a visitor
/// who logs in leaves the session of its anonymous page views: a funnel `/pricing →
/// Purchase` counts the page view in one session and the purchase in another, and shows 0
/// of 3 when three visitors bought. [`SessionData`](Self::SessionData) keeps the visitor's
/// session and records the user as session data instead.
///
/// ```
/// use umami::web::{ContextConfig, DistinctIdMode};
///
/// // Funnels from anonymous pages to logged-in events: keep the visitor's session.
/// let config = ContextConfig::default().distinct_id_mode(DistinctIdMode::session_data("userId"));
/// // Sessions per user, across devices (the default):
/// let per_user = ContextConfig::default().distinct_id_mode(DistinctIdMode::PayloadId);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DistinctIdMode {
    /// Send the id as each hit's `id` (the default). Umami derives the session from the id
    /// alone: all hits of a user are one session whatever the device, and apart from the
    /// visitor's hits without the id (before logging in, or on pages where the id is not
    /// known).
    #[default]
    PayloadId,
    /// Keep the visitor's session (from IP and User-Agent): hits go without `id`, and the
    /// id is recorded as session data, `{key: id}` (e.g. `{"userId": "42"}`), by an
    /// `identify` hit without `id` sent in the visitor's session, ahead of the visitor's first
    /// hit carrying the id and again at most every 30 minutes (Umami's visit length) while
    /// hits keep coming, so that a visitor is not identified with every request. Umami keeps
    /// one value per session and key: the user can be found in the session's properties,
    /// filtered on, and counted as session data; the `distinctId` column of the session stays
    /// empty.
    SessionData {
        /// The session-data key the id is stored under.
        key: String,
    },
}

impl DistinctIdMode {
    /// [`DistinctIdMode::SessionData`] under `key` (e.g. `"userId"`).
    ///
    /// ```
    /// let mode = umami::web::DistinctIdMode::session_data("userId");
    /// assert_eq!(mode, umami::web::DistinctIdMode::SessionData { key: "userId".into() });
    /// ```
    pub fn session_data(key: impl Into<String>) -> DistinctIdMode {
        DistinctIdMode::SessionData { key: key.into() }
    }
}

impl fmt::Debug for ContextConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContextConfig")
            .field("client_ip", &self.client_ip)
            .field("send_ip", &!self.no_ip)
            .field("honor_gpc", &self.honor_gpc)
            .field("honor_dnt", &self.honor_dnt)
            .field("bot_check", &self.is_bot.is_some())
            .field("distinct_ids", &self.distinct_ids)
            .finish()
    }
}

impl ContextConfig {
    /// Where the visitor's IP comes from; default: the socket peer only.
    ///
    /// ```
    /// let config = umami::web::ContextConfig::default()
    ///     .client_ip(umami::web::ClientIpConfig::default().trust_hops(1));
    /// ```
    pub fn client_ip(mut self, config: ClientIpConfig) -> Self {
        self.client_ip = config;
        self
    }

    /// Send the visitor's IP (default `true`). With `false` no `ip` is sent and Umami takes
    /// the IP of the connection it sees (this server's): every visitor with the same
    /// User-Agent then shares a session.
    ///
    /// ```
    /// let config = umami::web::ContextConfig::default().send_ip(false);
    /// ```
    pub fn send_ip(mut self, enabled: bool) -> Self {
        self.no_ip = !enabled;
        self
    }

    /// Treat `Sec-GPC: 1` (Global Privacy Control) as an opt-out (default `false`): see
    /// [`VisitorContext::opted_out`].
    ///
    /// ```
    /// let config = umami::web::ContextConfig::default().honor_global_privacy_control(true);
    /// ```
    pub fn honor_global_privacy_control(mut self, enabled: bool) -> Self {
        self.honor_gpc = enabled;
        self
    }

    /// Treat `DNT: 1` (Do Not Track) as an opt-out (default `false`): see
    /// [`VisitorContext::opted_out`].
    ///
    /// ```
    /// let config = umami::web::ContextConfig::default().honor_do_not_track(true);
    /// ```
    pub fn honor_do_not_track(mut self, enabled: bool) -> Self {
        self.honor_dnt = enabled;
        self
    }

    /// The same settings with the dispatcher's bot check (see
    /// [`DispatcherBuilder::bot_check`](crate::dispatch::DispatcherBuilder::bot_check), the
    /// one place it is set): the layer and the visitor handles read it from their dispatcher.
    pub(crate) fn with_is_bot(mut self, is_bot: Option<fn(&str) -> bool>) -> Self {
        self.is_bot = is_bot;
        self
    }

    /// What a request's [`DistinctId`] does to its visitor's hits; default
    /// [`DistinctIdMode::PayloadId`] (sent as `id`: Umami then puts the hits in a session of
    /// the user's, apart from the visitor's anonymous ones). See [`DistinctIdMode`].
    ///
    /// ```
    /// use umami::web::{ContextConfig, DistinctIdMode};
    /// let config = ContextConfig::default().distinct_id_mode(DistinctIdMode::session_data("userId"));
    /// ```
    pub fn distinct_id_mode(mut self, mode: DistinctIdMode) -> Self {
        self.session_data_key = match &mode {
            DistinctIdMode::PayloadId => None,
            DistinctIdMode::SessionData { key } => Some(Arc::from(key.as_str())),
        };
        self.distinct_ids = mode;
        self
    }
}
