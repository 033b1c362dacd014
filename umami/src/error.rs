//! The one error type of the crate.

use std::fmt;

/// Everything that can go wrong when talking to Umami.
///
/// Secrets (API keys, tokens, passwords) never appear in any variant's text.
///
/// ```
/// # async fn demo(client: umami::Client) {
/// match client.new_event("Signup").send().await {
///     Ok(_) => {}
///     Err(umami::Error::Validation(e)) => eprintln!("bad input in `{}`: {e}", e.field()),
///     Err(umami::Error::BotFiltered) => eprintln!("Umami took this hit for a bot"),
///     Err(e) => eprintln!("not stored: {e}"),
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The call is not possible in the client's configuration: no base URL and no Cloud
    /// API key, or a self-hosted-only call (such as `login`) on Umami Cloud.
    #[error("operation not allowed: {0}")]
    OperationNotAllowed(String),

    /// Bad input, caught before any I/O: which field, what was wrong, and the limit.
    #[error(transparent)]
    Validation(#[from] ValidationError),

    /// The server answered with a non-2xx status.
    #[error("Umami answered {status}: {message}")]
    #[non_exhaustive]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The server's error text, whatever the shape of its body (plain text, v2 JSON,
        /// v3 JSON); for v3 validation errors it includes the field-level texts.
        message: String,
        /// How long the server asked to wait before trying again: its `Retry-After` header
        /// (delta-seconds, or an HTTP date counted from when the answer arrived), usually sent
        /// with 429 and 503. `None` when the header is absent or unreadable.
        retry_after: Option<std::time::Duration>,
    },

    /// The server answered `{"beep":"boop"}` (or `{}` on servers before 2.12): it judged the
    /// hit to come from a bot, by its User-Agent, and stored nothing.
    #[error(
        "Umami's bot filter dropped the hit (answer {{\"beep\":\"boop\"}}): nothing was stored; \
         check the User-Agent"
    )]
    BotFiltered,

    /// The request did not complete: connection refused or reset, TLS, DNS, or timeout.
    #[error("transport error: {message}")]
    #[non_exhaustive]
    Transport {
        /// What went wrong, without any secret.
        message: String,
        /// Whether the request timed out (it may have reached the server).
        timeout: bool,
        /// Whether no connection could be opened (the request certainly did not reach the
        /// server).
        connect: bool,
        /// The underlying error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },

    /// The HTTP request could not be built (for example a header value the HTTP library
    /// refuses): it never left this process, and sending it again cannot help.
    #[error("the request could not be built: {0}")]
    InvalidRequest(String),

    /// The server answered 2xx with a body this client cannot read.
    #[error("unexpected answer from Umami: {0}")]
    UnexpectedResponse(String),
}

impl Error {
    /// The HTTP status code, for [`Error::Status`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's `Retry-After`, for an [`Error::Status`] that carried one (typically 429
    /// or 503): wait this long before sending again.
    ///
    /// ```
    /// # async fn demo(client: umami::Client) {
    /// if let Err(e) = client.new_event("Signup").send().await {
    ///     if let Some(delay) = e.retry_after() {
    ///         tokio::time::sleep(delay).await;
    ///     }
    /// }
    /// # }
    /// ```
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            Error::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether this is a time-out of the request.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport { timeout: true, .. })
    }

    pub(crate) fn not_allowed(msg: impl Into<String>) -> Self {
        Error::OperationNotAllowed(msg.into())
    }

    pub(crate) fn from_reqwest(err: reqwest::Error) -> Self {
        let timeout = err.is_timeout();
        let connect = err.is_connect();
        let never_sent = err.is_builder();
        // reqwest's Display can include the URL; URLs carry no secret here (keys travel in
        // headers), but strip the query anyway to keep filters out of logs.
        let err = err.without_url();
        if never_sent {
            // No source here: the cause chain is the message.
            return Error::InvalidRequest(with_causes(&err));
        }
        // What failed, in a few words: the causes are the source chain, printed once by
        // whoever walks it (`anyhow`'s `{:#}`, `tracing`'s error fields).
        let message = if timeout {
            "the request timed out"
        } else if connect {
            "could not connect to the server"
        } else {
            "the request failed"
        }
        .to_owned();
        Error::Transport {
            message,
            timeout,
            connect,
            source: Box::new(err),
        }
    }
}

/// An error and its causes on one line (`error: cause: cause`), for the texts the crate keeps
/// itself (a dispatcher's last error, its report): an error's own `Display` says only what
/// failed, its causes are its `source()` chain.
pub(crate) fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}

/// What was wrong with one input value.
///
/// ```
/// let err = umami::Client::builder()
///     .url_base("ftp://example.com")
///     .build()
///     .unwrap_err();
/// match err {
///     umami::Error::Validation(v) => assert_eq!(v.field(), "url_base"),
///     other => panic!("{other}"),
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    field: &'static str,
    problem: String,
}

impl ValidationError {
    /// A new error for `field`; `problem` says what was wrong and, where there is one, the limit.
    pub fn new(field: &'static str, problem: impl Into<String>) -> Self {
        ValidationError {
            field,
            problem: problem.into(),
        }
    }

    /// The name of the offending field (as in the builder method, e.g. `"event_name"`).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// What was wrong with it, including the limit where there is one.
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid `{}`: {}", self.field, self.problem)
    }
}

impl std::error::Error for ValidationError {}
