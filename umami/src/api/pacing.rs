//! Staying inside Umami Cloud's rate limit, honouring `429 Retry-After`, and renewing a
//! login token once when it expires mid-run.
//!
//! - **Cloud limiter**: Umami Cloud allows 50 calls per 15 s per API key. Every management
//!   call made with a Cloud key takes a slot of a sliding window shared by every client (and
//!   clone) using that key in this process. A slot is held from the moment the request
//!   leaves until its answer is in, and counts for a full window after the answer: the
//!   server sees the request somewhere in between, so no 15 s window of the server's clock
//!   can hold more than 50 of them. A call that finds the window full waits (async).
//! - **429**: an answer `429` is retried after its `Retry-After` (1 s when absent, at most
//!   [`MAX_RETRY_AFTER`]), up to [`MAX_429_RETRIES`] times; then the error is returned.
//! - **Token renewal**: on a self-hosted server, a `401` to a client whose token came from
//!   [`Client::login`] logs in again with the same credentials (kept in memory only, never
//!   printed) and retries the call once. Tokens set with [`Client::set_bearer_token`] (API
//!   keys, tokens from elsewhere) are never renewed.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use reqwest::Method;
use tokio::time::Instant;

use super::{Answer, Auth};
use crate::client::{Client, Target};
use crate::error::{Error, ValidationError};
use crate::secret::Secret;

/// The longest `Retry-After` honoured; longer ones return the 429 to the caller.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// How many 429 answers in a row a call waits out before giving up.
pub const MAX_429_RETRIES: u32 = 3;

/// A rate limit: at most `calls` requests in any `window`. Umami Cloud's is
/// [`CloudRateLimit::UMAMI_CLOUD`] (50 per 15 s).
///
/// ```
/// use std::time::Duration;
/// let limit = umami::api::CloudRateLimit::new(50, Duration::from_secs(15))?;
/// assert_eq!(limit, umami::api::CloudRateLimit::UMAMI_CLOUD);
/// # Ok::<(), umami::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloudRateLimit {
    calls: usize,
    window: Duration,
}

impl CloudRateLimit {
    /// Umami Cloud's documented limit: 50 calls per 15 seconds per API key.
    pub const UMAMI_CLOUD: CloudRateLimit = CloudRateLimit {
        calls: 50,
        window: Duration::from_secs(15),
    };

    /// A limit of `calls` (at least 1) per `window` (more than zero).
    ///
    /// # Errors
    /// [`Error::Validation`] naming `calls` or `window` when one is zero.
    pub fn new(calls: usize, window: Duration) -> Result<Self, Error> {
        if calls == 0 {
            return Err(ValidationError::new("calls", "must be at least 1").into());
        }
        if window.is_zero() {
            return Err(ValidationError::new("window", "must be longer than zero").into());
        }
        Ok(CloudRateLimit { calls, window })
    }

    /// The calls allowed per window.
    pub fn calls(&self) -> usize {
        self.calls
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }
}

/// The pure sliding-window bookkeeping: in-flight calls, and the end times of finished ones.
#[derive(Debug)]
pub(crate) struct Window {
    limit: CloudRateLimit,
    in_flight: usize,
    finished: VecDeque<Instant>,
}

/// What [`Window::try_take`] says.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Taken: send now.
    Go,
    /// Full: try again after this long.
    Wait(Duration),
}

impl Window {
    pub(crate) fn new(limit: CloudRateLimit) -> Self {
        Window {
            limit,
            in_flight: 0,
            finished: VecDeque::new(),
        }
    }

    /// Takes a slot at `now` if fewer than `calls` are in flight or finished within the
    /// last window.
    pub(crate) fn try_take(&mut self, now: Instant) -> Slot {
        while let Some(&end) = self.finished.front() {
            if end + self.limit.window <= now {
                self.finished.pop_front();
            } else {
                break;
            }
        }
        if self.in_flight + self.finished.len() < self.limit.calls {
            self.in_flight += 1;
            return Slot::Go;
        }
        match self.finished.front() {
            Some(&end) => Slot::Wait((end + self.limit.window).saturating_duration_since(now)),
            // Every slot is in flight: look again shortly.
            None => Slot::Wait(Duration::from_millis(5)),
        }
    }

    /// Marks an in-flight call finished at `now`.
    pub(crate) fn finish(&mut self, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.finished.push_back(now);
    }
}

type Shared<T> = Mutex<HashMap<u64, T>>;

fn limiters() -> &'static Shared<Arc<Mutex<Window>>> {
    static LIMITERS: OnceLock<Shared<Arc<Mutex<Window>>>> = OnceLock::new();
    LIMITERS.get_or_init(Default::default)
}

fn credentials() -> &'static Shared<(String, Secret)> {
    static CREDENTIALS: OnceLock<Shared<(String, Secret)>> = OnceLock::new();
    CREDENTIALS.get_or_init(Default::default)
}

/// A fingerprint of a secret, so that maps are keyed without holding the key itself.
fn fingerprint(secret: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    secret.hash(&mut hasher);
    hasher.finish()
}

/// Remembers the login credentials behind `token`, for one renewal on a 401.
pub(crate) fn remember_login(token: &Secret, username: &str, password: &str) {
    if let Ok(mut map) = credentials().lock() {
        map.insert(
            fingerprint(token.expose()),
            (username.to_owned(), Secret::new(password)),
        );
    }
}

/// Forgets the credentials behind `token`.
pub(crate) fn forget_login(token: &Secret) {
    if let Ok(mut map) = credentials().lock() {
        map.remove(&fingerprint(token.expose()));
    }
}

struct Guard {
    window: Arc<Mutex<Window>>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(mut w) = self.window.lock() {
            w.finish(Instant::now());
        }
    }
}

impl Client {
    /// Sets the rate limit this client's Cloud API key is held to (shared by every client in
    /// the process that uses the same key). Default [`CloudRateLimit::UMAMI_CLOUD`]; a lower
    /// limit leaves room for other processes using the key. No effect on self-hosted clients.
    ///
    /// ```
    /// use std::time::Duration;
    /// let client = umami::Client::builder().cloud_api_key("api_example").build()?;
    /// client.set_cloud_rate_limit(umami::api::CloudRateLimit::new(25, Duration::from_secs(15))?);
    /// # Ok::<(), umami::Error>(())
    /// ```
    pub fn set_cloud_rate_limit(&self, limit: CloudRateLimit) {
        if let Target::Cloud { api_key, .. } = &self.config().target {
            if let Ok(mut map) = limiters().lock() {
                map.insert(
                    fingerprint(api_key.expose()),
                    Arc::new(Mutex::new(Window::new(limit))),
                );
            }
        }
    }

    /// Uses `token` as the bearer token of management calls on a self-hosted Umami: an API
    /// key (`umami_…`) or a login token obtained elsewhere. Shared by clones, like the one
    /// from [`login`](Self::login); never renewed on a 401. No I/O.
    ///
    /// ```
    /// let client = umami::Client::builder().url_base("https://umami.example.com").build()?;
    /// client.set_bearer_token("umami_0123456789abcdef")?;
    /// assert!(client.is_logged_in());
    /// # Ok::<(), umami::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Validation`] naming `token` when it is blank or holds characters an HTTP
    /// header cannot carry; [`Error::OperationNotAllowed`] on Umami Cloud (it uses the API
    /// key given to the builder).
    pub fn set_bearer_token(&self, token: &str) -> Result<(), Error> {
        if self.is_cloud() {
            return Err(Error::not_allowed(
                "Umami Cloud authenticates with the API key given to cloud_api_key()",
            ));
        }
        let token = token.trim();
        if token.is_empty() {
            return Err(ValidationError::new("token", "must not be empty or blank").into());
        }
        if reqwest::header::HeaderValue::from_str(&format!("Bearer {token}")).is_err() {
            return Err(ValidationError::new(
                "token",
                "contains characters that cannot be sent in an HTTP header",
            )
            .into());
        }
        if let Some(old) = self.token() {
            forget_login(&old);
        }
        self.set_token(Some(Secret::new(token)));
        Ok(())
    }

    fn limiter(&self) -> Option<Arc<Mutex<Window>>> {
        let Target::Cloud { api_key, .. } = &self.config().target else {
            return None;
        };
        let mut map = limiters().lock().ok()?;
        Some(
            map.entry(fingerprint(api_key.expose()))
                .or_insert_with(|| Arc::new(Mutex::new(Window::new(CloudRateLimit::UMAMI_CLOUD))))
                .clone(),
        )
    }

    async fn take_slot(&self) -> Option<Guard> {
        let window = self.limiter()?;
        loop {
            let slot = match window.lock() {
                Ok(mut w) => w.try_take(Instant::now()),
                Err(_) => return None,
            };
            match slot {
                Slot::Go => return Some(Guard { window }),
                Slot::Wait(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// [`api_call`](Self::api_call) with the Cloud limiter, 429 retries and one token
    /// renewal; see the [module](self) docs.
    pub(crate) async fn api_call_paced(
        &self,
        method: Method,
        url: url::Url,
        auth: Auth,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, Error> {
        self.paced(method, url, auth, body, true).await
    }

    /// [`api_call_paced`](Self::api_call_paced) without the token renewal: for the calls
    /// that predate it (`website_stats`, `websites`, `active_users`), whose 401 stays the
    /// caller's to handle.
    pub(crate) async fn api_json_limited<T: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        url: url::Url,
        auth: Auth,
        body: Option<Vec<u8>>,
    ) -> Result<T, Error> {
        let answer = self.paced(method, url, auth, body, false).await?;
        super::parse_json(&answer.body)
    }

    /// [`api_call`](Self::api_call) without the token renewal, see
    /// [`api_json_limited`](Self::api_json_limited).
    pub(crate) async fn api_call_limited(
        &self,
        method: Method,
        url: url::Url,
        auth: Auth,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, Error> {
        self.paced(method, url, auth, body, false).await
    }

    async fn paced(
        &self,
        method: Method,
        url: url::Url,
        auth: Auth,
        body: Option<Vec<u8>>,
        renew: bool,
    ) -> Result<Answer, Error> {
        let mut renewed = !renew;
        let mut throttled = 0;
        loop {
            let guard = self.take_slot().await;
            let result = self
                .api_call(method.clone(), url.clone(), auth, body.clone())
                .await;
            drop(guard);
            match result {
                Err(Error::Status {
                    status: 429,
                    retry_after,
                    ..
                }) if throttled < MAX_429_RETRIES
                    && retry_after.unwrap_or(Duration::from_secs(1)) <= MAX_RETRY_AFTER =>
                {
                    throttled += 1;
                    let wait = retry_after.unwrap_or(Duration::from_secs(1));
                    tracing::debug!(?wait, "Umami answered 429: waiting");
                    tokio::time::sleep(wait).await;
                }
                Err(Error::Status { status: 401, .. })
                    if !renewed && auth == Auth::Required && self.renew_login().await =>
                {
                    renewed = true;
                }
                other => return other,
            }
        }
    }

    /// Logs in again with the credentials behind the current token, if it came from
    /// `login`. Whether a new token is in place.
    async fn renew_login(&self) -> bool {
        let Some(token) = self.token() else {
            return false;
        };
        let creds = credentials()
            .lock()
            .ok()
            .and_then(|map| map.get(&fingerprint(token.expose())).cloned());
        let Some((username, password)) = creds else {
            return false;
        };
        tracing::debug!("Umami answered 401: renewing the login token");
        match self.login(&username, password.expose()).await {
            Ok(_) => {
                forget_login(&token);
                true
            }
            Err(e) => {
                tracing::debug!(error = %e, "renewing the Umami login failed");
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(calls: usize, ms: u64) -> CloudRateLimit {
        CloudRateLimit::new(calls, Duration::from_millis(ms)).unwrap()
    }

    #[test]
    fn limit_rejects_zeroes() {
        assert!(CloudRateLimit::new(0, Duration::from_secs(1)).is_err());
        assert!(CloudRateLimit::new(1, Duration::ZERO).is_err());
    }

    #[test]
    fn window_allows_limit_then_waits_for_the_oldest_answer() {
        let t0 = Instant::now();
        let mut w = Window::new(limit(2, 1000));
        assert_eq!(w.try_take(t0), Slot::Go);
        assert_eq!(w.try_take(t0), Slot::Go);
        // Both in flight: a short look-again.
        assert_eq!(w.try_take(t0), Slot::Wait(Duration::from_millis(5)));
        w.finish(t0 + Duration::from_millis(100));
        w.finish(t0 + Duration::from_millis(300));
        assert_eq!(
            w.try_take(t0 + Duration::from_millis(400)),
            Slot::Wait(Duration::from_millis(700))
        );
        assert_eq!(w.try_take(t0 + Duration::from_millis(1100)), Slot::Go);
        assert_eq!(
            w.try_take(t0 + Duration::from_millis(1100)),
            Slot::Wait(Duration::from_millis(200))
        );
        assert_eq!(w.try_take(t0 + Duration::from_millis(1300)), Slot::Go);
    }

    #[test]
    fn window_counts_from_the_answer_not_the_request() {
        let t0 = Instant::now();
        let mut w = Window::new(limit(1, 1000));
        assert_eq!(w.try_take(t0), Slot::Go);
        // A slow answer: the window starts when it arrives.
        w.finish(t0 + Duration::from_millis(900));
        assert_eq!(
            w.try_take(t0 + Duration::from_millis(1000)),
            Slot::Wait(Duration::from_millis(900))
        );
    }

    #[test]
    fn fingerprints_differ_per_secret() {
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert_eq!(fingerprint("a"), fingerprint("a"));
    }
}
