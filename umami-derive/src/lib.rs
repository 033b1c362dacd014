//! `#[derive(UmamiEvent)]`: analytics events as Rust types, their schema checked by the
//! compiler.
//!
//! Use it through the `umami` crate (`use umami::UmamiEvent;`), which re-exports this derive
//! next to the trait of the same name; the trait's documentation describes every attribute.
//!
//! The stages follow serde_derive and thiserror: `ast` reads the input into a small typed
//! model (with `attr` parsing `#[umami(...)]`), `valid` checks it as a whole, `expand`
//! generates the impl, and on any error `fallback` emits a stand-in impl next to the errors
//! so that code using the type does not fail a second time.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

mod ast;
mod attr;
mod case;
mod ctxt;
mod describe;
mod expand;
mod fallback;
mod template;
mod valid;

/// Derives `umami::UmamiEvent`; see the trait's documentation for the attributes.
#[proc_macro_derive(UmamiEvent, attributes(umami))]
pub fn derive_umami_event(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}
