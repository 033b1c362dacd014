//! [`CollectorBuilder`]: the options of a collector (started by
//! [`CollectorBuilder::start`], in `server.rs`).

use std::collections::HashSet;

use super::{DEFAULT_PASSWORD, DEFAULT_USERNAME};

/// Options of a [`Collector`](super::Collector); every setter documents its default.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let collector = umami_test::Collector::builder()
///     .website("978435e2-7ba1-4337-9860-ec31ece2db60")
///     .without_batch()
///     .start()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `.start().await`"]
pub struct CollectorBuilder {
    pub(super) websites: Option<HashSet<String>>,
    pub(super) batch: bool,
    pub(super) max_batch_items: Option<usize>,
    pub(super) bot_filter: bool,
    pub(super) ignored_ips: HashSet<String>,
    pub(super) username: String,
    pub(super) password: crate::secret::Secret,
}

impl Default for CollectorBuilder {
    fn default() -> Self {
        CollectorBuilder {
            websites: None,
            batch: true,
            max_batch_items: None,
            bot_filter: true,
            ignored_ips: HashSet::new(),
            username: DEFAULT_USERNAME.to_owned(),
            password: crate::secret::Secret::new(DEFAULT_PASSWORD),
        }
    }
}

impl CollectorBuilder {
    /// Adds a known website. Default: none set, and every website id that is a valid UUID is
    /// accepted. Once one is set, hits for any other (valid) id are answered
    /// `400 {"error":{"message":"Website not found.",...}}`, as Umami does.
    pub fn website(mut self, website_id: impl Into<String>) -> Self {
        self.websites
            .get_or_insert_with(HashSet::new)
            .insert(website_id.into().to_ascii_lowercase());
        self
    }

    /// Adds several known websites; see [`website`](Self::website).
    pub fn websites<I, S>(mut self, website_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for id in website_ids {
            self = self.website(id);
        }
        self
    }

    /// Emulates a server older than v2.18, which has no `/api/batch`: it answers 404.
    /// Default: `/api/batch` is served.
    pub fn without_batch(mut self) -> Self {
        self.batch = false;
        self
    }

    /// The most items one `/api/batch` request may carry; longer arrays are answered with a
    /// 400 in zod's words (`Too big: expected array to have <=500 items`), as servers after
    /// 3.1.0 answer. Default: no cap, as Umami 3.1.0 (it stored all 501 items of a 501-item
    /// batch); pass [`MAX_BATCH_ITEMS`](super::MAX_BATCH_ITEMS) to emulate a newer server.
    pub fn max_batch_items(mut self, max: usize) -> Self {
        self.max_batch_items = Some(max);
        self
    }

    /// Whether bot User-Agents are answered `{"beep":"boop"}` and dropped. Default `true`;
    /// `false` is Umami's `DISABLE_BOT_CHECK`.
    pub fn bot_filter(mut self, enabled: bool) -> Self {
        self.bot_filter = enabled;
        self
    }

    /// Answers hits from this IP (`payload.ip`, else `X-Forwarded-For`/`X-Real-IP`) with 403,
    /// as Umami's `IGNORE_IP` does. Default: no IP is ignored.
    pub fn ignore_ip(mut self, ip: impl Into<String>) -> Self {
        self.ignored_ips.insert(ip.into());
        self
    }

    /// The account `POST /api/auth/login` accepts; any other answers 401. Default
    /// [`DEFAULT_USERNAME`] / [`DEFAULT_PASSWORD`] (a fresh Umami's `admin` / `umami`).
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.username = username.into();
        self.password = crate::secret::Secret::new(password);
        self
    }
}
