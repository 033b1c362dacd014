//! The `umami` binary, run for real against `umami_test::Collector` over HTTP. One test
//! binary, one module per command.

mod big;
mod common;
mod config;
mod import;
mod plan;
mod read;
mod resume;
mod send;
mod stub;
