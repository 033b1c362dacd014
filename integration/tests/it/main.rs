//! The workspace's integration tests, one binary (one link of the crate) for every area.
//!
//! Each module is one area's tests against real local servers: the collector of
//! `umami-analytics-test`, wiremock, or a small hyper/axum server of the test's own. Tests
//! that must own their process live in binaries of their own: `global` (the process-wide
//! default client), `spool_crash` (killed child processes), `plan_registry` (the link-time
//! event registry sees every derived type in its binary) and `real_umami` (a real server).

// First: its `e2e_cases!` macro is used by `collector::e2e`.
#[macro_use]
#[path = "../e2e/mod.rs"]
mod e2e;

mod api;
mod blocking;
mod collector;
mod derive;
mod dispatch;
mod management;
mod plan;
mod readme;
mod send;
mod web;

#[path = "../derive_support/mod.rs"]
mod derive_support;
#[path = "../management_support/mod.rs"]
mod management_support;
#[path = "../send_support/mod.rs"]
mod send_support;
