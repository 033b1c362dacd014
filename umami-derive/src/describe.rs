//! Code generation for tracking plans: `umami::plan::Describe` (the events a type declares,
//! each with its data keys and their stored kinds), `umami::plan::DataKind` for structs (their
//! keys when nested in or flattened into another event), and the registry entry.
//!
//! Kinds come from the field types by autoref specialisation
//! (`(&&Probe::<T>::new()).describe_into(shape)`): types implementing `DataKind` describe
//! themselves, every other type is "unknown". A trait bound instead would make every field
//! type of every existing event implement a new trait, breaking code that compiles today;
//! `#[umami(kind = "...")]` says what the probe cannot see (a `String` holding dates).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Path;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::ast::{Data, Field, Input, Shape};
use crate::case::RenameRule;

/// The `Describe` and `DataKind` impls and the registry entry, for a checked input.
pub(crate) fn expand(input: &Input, krate: &Path) -> TokenStream {
    let ident = input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let rename_all = input.attrs.rename_all.as_ref().map(|a| a.value);
    let mut uses_kind = false;
    let mut uses_describe = false;
    let mut events = Vec::new();
    let mut data_kind = None;
    match &input.data {
        Data::Struct(fields) => {
            let (name, _) = input.struct_event_name();
            let keys = keys(fields, rename_all, krate, &mut uses_kind);
            let url = input.attrs.url.as_ref().map(|t| t.value.lit.value());
            let title = input.attrs.title.as_ref().map(|t| t.value.lit.value());
            let source = quote!(::core::any::type_name::<Self>());
            let head = event_head(&name, &source, url, title, fields, krate);
            events.push(quote!(schema.events.push(#head #keys .finish());));
            let nested_use = uses_kind
                .then(|| quote!(use #krate::__private::{ViaDataKind as _, ViaUnknown as _};));
            data_kind = Some(quote! {
                #[automatically_derived]
                impl #impl_generics #krate::plan::DataKind for #ident #ty_generics #where_clause {
                    fn describe(shape: &mut #krate::plan::Shape<'_>) {
                        #nested_use
                        #krate::__private::EventBuilder::new("", "") #keys .describe_nested(shape);
                    }
                }
            });
        }
        Data::Enum(variants) => {
            for variant in variants {
                let variant_name = variant.ident.unraw().to_string();
                let source = quote!(&::std::format!(
                    "{}::{}",
                    ::core::any::type_name::<Self>(),
                    #variant_name
                ));
                let fields: &[Field] = match &variant.shape {
                    Shape::Newtype(field) => {
                        uses_describe = true;
                        let ty = field.ty;
                        events.push(quote_spanned! {ty.span()=>
                            (&&#krate::__private::Probe::<#ty>::new()).events_into(&mut schema);
                        });
                        continue;
                    }
                    Shape::Named(fields) => fields,
                    Shape::Unit => &[],
                };
                let (name, _) = variant.event_name();
                let rule = variant
                    .attrs
                    .rename_all
                    .as_ref()
                    .map(|a| a.value)
                    .or(rename_all);
                let url = variant.attrs.url.as_ref().or(input.attrs.url.as_ref());
                let title = variant.attrs.title.as_ref().or(input.attrs.title.as_ref());
                let head = event_head(
                    &name,
                    &source,
                    url.map(|t| t.value.lit.value()),
                    title.map(|t| t.value.lit.value()),
                    fields,
                    krate,
                );
                let keys = keys(fields, rule, krate, &mut uses_kind);
                events.push(quote!(schema.events.push(#head #keys .finish());));
            }
        }
    }
    let kind_use =
        uses_kind.then(|| quote!(use #krate::__private::{ViaDataKind as _, ViaUnknown as _};));
    let describe_use = uses_describe
        .then(|| quote!(use #krate::__private::{ViaDescribe as _, ViaUndescribed as _};));
    let generic = input.generics.params.iter().next().is_some();
    let register = (!generic).then(|| quote!(#krate::__private::register_event!(#ident);));
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::plan::Describe for #ident #ty_generics #where_clause {
            fn schema() -> #krate::plan::TypeSchema {
                #kind_use
                #describe_use
                let mut schema = #krate::__private::type_schema(::core::any::type_name::<Self>());
                #(#events)*
                schema
            }
        }
        #data_kind
        #register
    }
}

/// `EventBuilder::new(name, source)` with the url, title and distinct id.
fn event_head(
    name: &str,
    source: &TokenStream,
    url: Option<String>,
    title: Option<String>,
    fields: &[Field],
    krate: &Path,
) -> TokenStream {
    let url = url.map(|url| quote!(.url(#url)));
    let title = title.map(|title| quote!(.title(#title)));
    let id = fields
        .iter()
        .find(|f| f.attrs.distinct_id.is_some())
        .map(|f| {
            let name = &f.name;
            quote!(.distinct_id(#name))
        });
    quote!(#krate::__private::EventBuilder::new(#name, #source) #url #title #id)
}

/// One `.key(..)` or `.flatten(..)` per sent field, in declaration order.
fn keys(
    fields: &[Field],
    rename_all: Option<RenameRule>,
    krate: &Path,
    uses_kind: &mut bool,
) -> TokenStream {
    let mut out = TokenStream::new();
    for field in fields {
        let ty = field.ty;
        let name = &field.name;
        let probe = quote_spanned! {ty.span()=>
            |shape: &mut #krate::plan::Shape<'_>| (&&#krate::__private::Probe::<#ty>::new()).describe_into(shape)
        };
        if field.attrs.flatten.is_some() {
            *uses_kind = true;
            out.extend(quote!(.flatten(#name, #probe)));
        } else if field.is_data_key() {
            *uses_kind = true;
            let key = field.data_key(rename_all);
            match &field.attrs.kind {
                Some(kind) => {
                    let kind = &kind.value;
                    out.extend(quote!(.key_of_kind(#key, #name, #kind, #probe)));
                }
                None => out.extend(quote!(.key(#key, #name, #probe))),
            }
        }
    }
    out
}
