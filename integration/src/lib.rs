//! Helpers shared by the workspace's integration tests, examples and benchmarks.
//! Not published.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// A website id that is a valid UUID, used throughout the tests and examples (the seed's).
pub const WEBSITE_ID: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

/// A client of the server at `url`, for [`WEBSITE_ID`] on `example.com`.
///
/// # Panics
/// When `url` is not an http(s) URL: a test's own mistake.
pub fn client(url: &str) -> umami::Client {
    umami::Client::builder()
        .url_base(url)
        .website_id(WEBSITE_ID)
        .hostname("example.com")
        .build()
        .expect("a test's client")
}

/// The repository's README, compiled and run as doctests here: its examples use this
/// package's dependencies (the collector among them), which the published crates do not have.
#[doc = include_str!("../../README.md")]
mod readme {}
