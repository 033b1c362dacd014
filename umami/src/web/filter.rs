//! Which requests count as page views.

use std::fmt;
use std::sync::Arc;

use http::{Method, StatusCode};

/// File extensions of assets, never counted as page views by default.
pub const ASSET_EXTENSIONS: &[&str] = &[
    "css",
    "js",
    "mjs",
    "map",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "ico",
    "webp",
    "avif",
    "bmp",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "eot",
    "mp4",
    "webm",
    "mp3",
    "ogg",
    "wav",
    "wasm",
    "zip",
    "gz",
    "br",
    "pdf",
    "txt",
    "xml",
    "webmanifest",
];

/// Why a request sent no page view (counted in [`WebStats`](super::WebStats)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// Not `GET` or `HEAD`.
    Method,
    /// Answered with a status other than 2xx or 304 (or the service failed).
    Status,
    /// The path ends in an asset extension ([`ASSET_EXTENSIONS`]).
    Asset,
    /// An excluded path ([`RequestFilter::exclude_path`], [`RequestFilter::exclude_prefix`]).
    Excluded,
    /// The user predicate ([`RequestFilter::predicate`]) said no.
    Predicate,
    /// The visitor opted out (`Sec-GPC` / `DNT`, when honoured).
    OptedOut,
    /// The visitor's User-Agent looks like a bot's (the configured bot check).
    Bot,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SkipReason::Method => "method not GET/HEAD",
            SkipReason::Status => "status not 2xx/304",
            SkipReason::Asset => "asset path",
            SkipReason::Excluded => "excluded path",
            SkipReason::Predicate => "user predicate",
            SkipReason::OptedOut => "visitor opted out",
            SkipReason::Bot => "bot User-Agent",
        })
    }
}

/// What a [`RequestFilter::predicate`] sees of a request and its answer.
#[derive(Debug)]
#[non_exhaustive]
pub struct RequestInfo<'a> {
    /// The method.
    pub method: &'a Method,
    /// The path, without query.
    pub path: &'a str,
    /// The answer's status.
    pub status: StatusCode,
}

type Predicate = Arc<dyn Fn(&RequestInfo<'_>) -> bool + Send + Sync>;

/// Which requests send a page view. Default: `GET`/`HEAD` answered 2xx or 304, not an asset
/// by extension ([`ASSET_EXTENSIONS`]), no excluded path, and the predicate (if any) agrees.
///
/// ```
/// use umami::web::RequestFilter;
///
/// let filter = RequestFilter::default()
///     .exclude_path("/healthz")
///     .exclude_prefix("/metrics")
///     .exclude_prefix("/api/")
///     .predicate(|r| !r.path.starts_with("/admin"));
/// ```
#[derive(Clone)]
pub struct RequestFilter {
    exact: Vec<String>,
    prefixes: Vec<String>,
    assets: bool,
    predicate: Option<Predicate>,
}

impl Default for RequestFilter {
    fn default() -> Self {
        RequestFilter {
            exact: Vec::new(),
            prefixes: Vec::new(),
            assets: true,
            predicate: None,
        }
    }
}

impl fmt::Debug for RequestFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestFilter")
            .field("exclude_paths", &self.exact)
            .field("exclude_prefixes", &self.prefixes)
            .field("skip_assets", &self.assets)
            .field("predicate", &self.predicate.is_some())
            .finish()
    }
}

impl RequestFilter {
    /// Never count this exact path (e.g. `/healthz`).
    ///
    /// ```
    /// let filter = umami::web::RequestFilter::default().exclude_path("/healthz");
    /// ```
    pub fn exclude_path(mut self, path: impl Into<String>) -> Self {
        self.exact.push(path.into());
        self
    }

    /// Never count paths starting with `prefix` (e.g. `/metrics`, `/api/`).
    ///
    /// ```
    /// let filter = umami::web::RequestFilter::default().exclude_prefix("/internal/");
    /// ```
    pub fn exclude_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefixes.push(prefix.into());
        self
    }

    /// Whether asset paths ([`ASSET_EXTENSIONS`]) are skipped (default `true`).
    ///
    /// ```
    /// let filter = umami::web::RequestFilter::default().skip_assets(false);
    /// ```
    pub fn skip_assets(mut self, enabled: bool) -> Self {
        self.assets = enabled;
        self
    }

    /// A last say for requests that pass the other rules: `false` sends nothing.
    ///
    /// ```
    /// let filter = umami::web::RequestFilter::default()
    ///     .predicate(|r| r.status != http::StatusCode::NO_CONTENT);
    /// ```
    pub fn predicate(
        mut self,
        predicate: impl Fn(&RequestInfo<'_>) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.predicate = Some(Arc::new(predicate));
        self
    }

    /// The checks that need only the request: method, excluded paths, assets.
    pub(crate) fn before(&self, method: &Method, path: &str) -> Result<(), SkipReason> {
        if method != Method::GET && method != Method::HEAD {
            return Err(SkipReason::Method);
        }
        if self.exact.iter().any(|p| p == path)
            || self.prefixes.iter().any(|p| path.starts_with(p.as_str()))
        {
            return Err(SkipReason::Excluded);
        }
        if self.assets && is_asset(path) {
            return Err(SkipReason::Asset);
        }
        Ok(())
    }

    /// The checks that need the answer: status and predicate.
    pub(crate) fn after(&self, info: &RequestInfo<'_>) -> Result<(), SkipReason> {
        if !(info.status.is_success() || info.status == StatusCode::NOT_MODIFIED) {
            return Err(SkipReason::Status);
        }
        if let Some(predicate) = &self.predicate {
            if !predicate(info) {
                return Err(SkipReason::Predicate);
            }
        }
        Ok(())
    }
}

/// Whether the path's last segment has a stem and one of [`ASSET_EXTENSIONS`] (bytes
/// searched from the end: `/` and `.` are ASCII; no string searcher per request).
fn is_asset(path: &str) -> bool {
    let bytes = path.as_bytes();
    let last = match bytes.iter().rposition(|&b| b == b'/') {
        Some(slash) => &bytes[slash + 1..],
        None => bytes,
    };
    match last.iter().rposition(|&b| b == b'.') {
        Some(dot) if dot > 0 => {
            let ext = &last[dot + 1..];
            ASSET_EXTENSIONS
                .iter()
                .any(|a| a.as_bytes().eq_ignore_ascii_case(ext))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_are_recognised_by_the_last_segment() {
        assert!(is_asset("/static/app.JS"));
        assert!(is_asset("/favicon.ico"));
        assert!(!is_asset("/v1.2/products"));
        assert!(!is_asset("/.well-known/x"));
        assert!(!is_asset("/docs/intro.html"));
        assert!(!is_asset("/"));
        assert!(!is_asset(""));
        assert!(!is_asset("/static/.css"));
        assert!(is_asset("app.css"));
        assert!(is_asset("/a/b.c.PNG"));
        assert!(!is_asset("/a.css/b"));
    }

    #[test]
    fn head_and_get_pass_post_does_not() {
        let f = RequestFilter::default();
        assert_eq!(f.before(&Method::HEAD, "/"), Ok(()));
        assert_eq!(f.before(&Method::POST, "/"), Err(SkipReason::Method));
    }
}
