//! Compile-fail and compile-pass cases of `#[derive(UmamiEvent)]`, run by trybuild from
//! `tests/ui.rs`. A package of its own so that trybuild builds only what the cases use.
