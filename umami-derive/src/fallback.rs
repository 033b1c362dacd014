//! The stand-in impl emitted next to the errors (as thiserror's `fallback.rs`): code that uses
//! the type as an `UmamiEvent` keeps compiling, so the user sees only the real mistakes.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, Path};

pub(crate) fn expand(input: &DeriveInput, krate: &Path, errors: &syn::Error) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let errors = errors.to_compile_error();
    quote! {
        #errors
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::UmamiEvent for #ident #ty_generics #where_clause {
                fn event_name(&self) -> &str {
                    ::core::unreachable!()
                }
                fn custom_data(&self) -> #krate::__private::DataResult {
                    ::core::unreachable!()
                }
            }
            #[automatically_derived]
            impl #impl_generics #krate::plan::Describe for #ident #ty_generics #where_clause {
                fn schema() -> #krate::plan::TypeSchema {
                    ::core::unreachable!()
                }
            }
        };
    }
}
