//! Helpers shared by the workspace's integration tests, examples and benchmarks.
//! Not published.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// A website id that is a valid UUID, used throughout the tests and examples (the seed's).
pub const WEBSITE_ID: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

/// The repository's README, compiled and run as doctests here: its examples use this
/// package's dependencies (the collector among them), which the published crates do not have.
#[doc = include_str!("../../README.md")]
mod readme {}
