//! Helpers shared by the workspace's benchmarks (`bench/benches/`). Not published.
//!
//! Each benchmark is a `[[bench]]` target with `harness = false`: a plain `main`, built by
//! `cargo bench` and never by `cargo test`, so that the test suite does not build the
//! benchmarks' dependencies.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// A website id that is a valid UUID, used by every benchmark (the tests' and examples').
pub const WEBSITE_ID: &str = "978435e2-7ba1-4337-9860-ec31ece2db60";

/// The program's arguments without `--bench`, which `cargo bench` appends to those it is
/// given.
pub fn args() -> Vec<String> {
    std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect()
}
