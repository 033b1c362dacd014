//! The `umami` binary, run for real against `umami_test::Collector` over HTTP. One test
//! binary, one module per command.

mod common;
mod send;
mod import;
mod resume;
mod read;
mod stub;
mod config;
mod plan;
mod big;
