//! `#[derive(UmamiEvent)]`, re-exported by the `umami` crate. See `umami::UmamiEvent`.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use proc_macro::TokenStream;

/// Derives `umami::UmamiEvent` (placeholder until the derive lands).
#[proc_macro_derive(UmamiEvent, attributes(umami))]
pub fn derive_umami_event(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
