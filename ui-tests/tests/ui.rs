//! Compile-time checks of `#[derive(UmamiEvent)]` (trybuild): each `tests/ui/*.rs` makes
//! one mistake and must fail with the message in its `.stderr`; each `tests/ui/pass/*.rs`
//! uses features that must compile and run.
//!
//! Compiler messages change between releases, so the expected output is tied to the stable
//! compiler the workspace is developed with.

#[rustversion::stable(1.95)]
#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
