//! Code generation: the `UmamiEvent` impl.
//!
//! The impl is thin on purpose: it names the fields, and the runtime's
//! `__private::Data` turns them into the custom data. Trait-bound checks are spanned on
//! the field types, so that a field that is not `Serialize` (or a `bool` distinct id) is
//! reported on the field rather than on the derive.

use std::collections::BTreeSet;

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Generics, Path, Type, WherePredicate, parse_quote};

use crate::ast::{Data, Field, Input, Shape, Variant};
use crate::attr::Attr;
use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::template::Template;
use crate::{describe, fallback, valid};

/// Expands `#[derive(UmamiEvent)]` on `input`: the impl, or every error and a fallback impl.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let parsed = Input::from_syn(&cx, input);
    if let Some(parsed) = &parsed {
        valid::check(&cx, parsed);
    }
    let krate = parsed
        .as_ref()
        .and_then(|p| p.attrs.krate.as_ref())
        .map(|a| a.value.clone())
        .unwrap_or_else(|| parse_quote!(::umami));
    match (cx.check(), parsed) {
        (Ok(()), Some(parsed)) => impl_event(&parsed, &krate),
        (Err(errors), _) => fallback::expand(input, &krate, &errors),
        (Ok(()), None) => unreachable!("an input that was not read has reported an error"),
    }
}

fn impl_event(input: &Input, krate: &Path) -> TokenStream {
    let ident = input.ident;
    let generics = with_bounds(input, krate);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let methods = match &input.data {
        Data::Struct(fields) => struct_methods(input, fields, krate),
        Data::Enum(variants) => enum_methods(input, variants, krate),
    };
    let describe = describe::expand(input, krate);
    quote! {
        const _: () = {
            #[automatically_derived]
            impl #impl_generics #krate::UmamiEvent for #ident #ty_generics #where_clause {
                #methods
            }
            #describe
        };
    }
}

fn struct_methods(input: &Input, fields: &[Field], krate: &Path) -> TokenStream {
    let (name, _) = input.struct_event_name();
    let access = |field: &Field| {
        let ident = respanned(field);
        quote_spanned!(field.ty.span()=> self.#ident)
    };
    let url = input.attrs.url.as_ref().map(|url| {
        let body = template_expr(&url.value, fields, access);
        quote! {
            fn url(&self) -> ::std::borrow::Cow<'_, str> {
                #body
            }
        }
    });
    let title = input.attrs.title.as_ref().map(|title| {
        let body = template_expr(&title.value, fields, access);
        quote! {
            fn title(&self) -> ::core::option::Option<::std::borrow::Cow<'_, str>> {
                ::core::option::Option::Some(#body)
            }
        }
    });
    let rename_all = input.attrs.rename_all.as_ref().map(|a| a.value);
    let entries = data_entries(fields, rename_all, |field| {
        let value = access(field);
        quote_spanned!(field.ty.span()=> &#value)
    });
    let distinct_id = fields
        .iter()
        .find(|f| f.attrs.distinct_id.is_some())
        .map(|field| {
            let value = access(field);
            let id = quote_spanned!(field.ty.span()=> #krate::__private::distinct_id(&#value));
            quote! {
                fn distinct_id(&self) -> ::core::option::Option<#krate::DistinctId> {
                    #id
                }
            }
        });
    quote! {
        fn event_name(&self) -> &str {
            #name
        }
        #url
        #title
        fn custom_data(&self) -> #krate::__private::DataResult {
            #krate::__private::Data::new() #(#entries)* .finish()
        }
        #distinct_id
    }
}

fn enum_methods(input: &Input, variants: &[Variant], krate: &Path) -> TokenStream {
    let rename_all = input.attrs.rename_all.as_ref().map(|a| a.value);
    let mut names = Vec::new();
    let mut urls = Vec::new();
    let mut titles = Vec::new();
    let mut data = Vec::new();
    let mut ids = Vec::new();
    for variant in variants {
        let ident = variant.ident;
        let fields: &[Field] = match &variant.shape {
            Shape::Newtype(field) => {
                let delegate = |method: &str| {
                    let method = Ident::new(method, proc_macro2::Span::call_site());
                    let call = quote_spanned!(field.ty.span()=> #krate::UmamiEvent::#method(event));
                    quote!(Self::#ident(event) => #call,)
                };
                names.push(delegate("event_name"));
                urls.push(delegate("url"));
                titles.push(delegate("title"));
                data.push(delegate("custom_data"));
                ids.push(delegate("distinct_id"));
                continue;
            }
            Shape::Named(fields) => fields,
            Shape::Unit => &[],
        };
        let is_unit = matches!(variant.shape, Shape::Unit);
        // A pattern binding just `used` fields (by their own names), or none.
        let pattern = |used: &[&Field]| {
            if is_unit {
                quote!(Self::#ident)
            } else {
                let idents = used.iter().map(|f| f.ident);
                quote!(Self::#ident { #(#idents,)* .. })
            }
        };
        let binding = |field: &Field| respanned(field).into_token_stream();

        let (name, _) = variant.event_name();
        let unit_pattern = pattern(&[]);
        names.push(quote!(#unit_pattern => #name,));

        let url = variant.attrs.url.as_ref().or(input.attrs.url.as_ref());
        match url {
            Some(url) => {
                let pat = pattern(&placeholder_fields(&url.value, fields));
                let body = template_expr(&url.value, fields, binding);
                urls.push(quote!(#pat => #body,));
            }
            None => urls.push(quote!(#unit_pattern => ::std::borrow::Cow::Borrowed("/"),)),
        }

        let title = variant.attrs.title.as_ref().or(input.attrs.title.as_ref());
        match title {
            Some(title) => {
                let pat = pattern(&placeholder_fields(&title.value, fields));
                let body = template_expr(&title.value, fields, binding);
                titles.push(quote!(#pat => ::core::option::Option::Some(#body),));
            }
            None => titles.push(quote!(#unit_pattern => ::core::option::Option::None,)),
        }

        let rule = variant
            .attrs
            .rename_all
            .as_ref()
            .map(|a| a.value)
            .or(rename_all);
        let sent: Vec<&Field> = fields
            .iter()
            .filter(|f| f.is_data_key() || f.attrs.flatten.is_some())
            .collect();
        let pat = pattern(&sent);
        let entries = data_entries(fields, rule, binding);
        data.push(quote!(#pat => #krate::__private::Data::new() #(#entries)* .finish(),));

        match fields.iter().find(|f| f.attrs.distinct_id.is_some()) {
            Some(field) => {
                let pat = pattern(&[field]);
                let value = binding(field);
                let id = quote_spanned!(field.ty.span()=> #krate::__private::distinct_id(#value));
                ids.push(quote!(#pat => #id,));
            }
            None => ids.push(quote!(#unit_pattern => ::core::option::Option::None,)),
        }
    }
    quote! {
        fn event_name(&self) -> &str {
            match self { #(#names)* }
        }
        fn url(&self) -> ::std::borrow::Cow<'_, str> {
            match self { #(#urls)* }
        }
        fn title(&self) -> ::core::option::Option<::std::borrow::Cow<'_, str>> {
            match self { #(#titles)* }
        }
        fn custom_data(&self) -> #krate::__private::DataResult {
            match self { #(#data)* }
        }
        fn distinct_id(&self) -> ::core::option::Option<#krate::DistinctId> {
            match self { #(#ids)* }
        }
    }
}

/// The field's name with the span of its type, so that a trait-bound error on a use of the
/// field points at the type alone.
fn respanned(field: &Field) -> Ident {
    let mut ident = field
        .ident
        .expect("fields of structs and struct variants are named")
        .clone();
    ident.set_span(field.ty.span());
    ident
}

/// One `.field(key, value)` per field sent as a key of its own, `.flatten(name, value)` per
/// flattened field.
fn data_entries(
    fields: &[Field],
    rename_all: Option<RenameRule>,
    value: impl Fn(&Field) -> TokenStream,
) -> Vec<TokenStream> {
    let mut entries = Vec::new();
    for field in fields {
        let span = field.ty.span();
        let value = value(field);
        if field.attrs.flatten.is_some() {
            let name = &field.name;
            entries.push(quote_spanned!(span=> .flatten(#name, #value)));
        } else if field.is_data_key() {
            let key = field.data_key(rename_all);
            entries.push(quote_spanned!(span=> .field(#key, #value)));
        }
    }
    entries
}

/// The fields a template names, each once.
fn placeholder_fields<'f, 'a>(template: &Template, fields: &'f [Field<'a>]) -> Vec<&'f Field<'a>> {
    let mut seen = BTreeSet::new();
    template
        .fields()
        .filter(|name| seen.insert(*name))
        .filter_map(|name| fields.iter().find(|f| f.name == name))
        .collect()
}

/// A `Cow<str>` expression for a template; placeholders are `Display`ed.
fn template_expr(
    template: &Template,
    fields: &[Field],
    value: impl Fn(&Field) -> TokenStream,
) -> TokenStream {
    if let Some(text) = template.as_static() {
        return quote!(::std::borrow::Cow::Borrowed(#text));
    }
    let format = template.format_string();
    let args = template.fields().map(|name| {
        let field = fields
            .iter()
            .find(|f| f.name == name)
            .expect("placeholders were checked against the fields");
        value(field)
    });
    quote!(::std::borrow::Cow::Owned(
        ::std::format!(#format, #(#args),*)
    ))
}

/// The input's generics with the bounds the impl needs on type parameters: `Serialize` for
/// parameters in sent fields (as serde does); `IntoDistinctId + Clone`, `Display` or
/// `UmamiEvent` for a field whose type is the parameter itself.
fn with_bounds(input: &Input, krate: &Path) -> Generics {
    let mut generics = input.generics.clone();
    let params: Vec<Ident> = generics.type_params().map(|p| p.ident.clone()).collect();
    if params.is_empty() {
        return generics;
    }
    let mut bounds = Bounds {
        params: &params,
        krate,
        found: Vec::new(),
    };
    let container = [&input.attrs.url, &input.attrs.title];
    match &input.data {
        Data::Struct(fields) => {
            bounds.fields(fields, &container.into_iter().flatten().collect::<Vec<_>>());
        }
        Data::Enum(variants) => {
            for variant in variants {
                match &variant.shape {
                    Shape::Newtype(field) => {
                        if let Some(param) = as_param(field.ty, &params) {
                            bounds.add(param, quote!(#krate::UmamiEvent));
                        }
                    }
                    Shape::Named(fields) => {
                        let url = variant.attrs.url.as_ref().or(input.attrs.url.as_ref());
                        let title = variant.attrs.title.as_ref().or(input.attrs.title.as_ref());
                        let templates: Vec<_> = [url, title].into_iter().flatten().collect();
                        bounds.fields(fields, &templates);
                    }
                    Shape::Unit => {}
                }
            }
        }
    }
    let where_clause = generics.make_where_clause();
    for (param, bound) in bounds.found {
        let predicate: WherePredicate = parse_quote!(#param: #bound);
        where_clause.predicates.push(predicate);
    }
    generics
}

struct Bounds<'p> {
    params: &'p [Ident],
    krate: &'p Path,
    found: Vec<(Ident, TokenStream)>,
}

impl Bounds<'_> {
    fn add(&mut self, param: &Ident, bound: TokenStream) {
        let text = bound.to_string();
        if !self
            .found
            .iter()
            .any(|(p, b)| p == param && b.to_string() == text)
        {
            self.found.push((param.clone(), bound));
        }
    }

    fn fields(&mut self, fields: &[Field], templates: &[&Attr<Template>]) {
        let krate = self.krate;
        for field in fields {
            if field.attrs.skip.is_none() && field.attrs.distinct_id.is_none() {
                let params = self.params;
                for param in params.iter().filter(|p| mentions(field.ty, p)) {
                    self.add(param, quote!(#krate::__private::Serialize));
                }
            }
            if let Some(param) = as_param(field.ty, self.params) {
                if field.attrs.distinct_id.is_some() {
                    self.add(param, quote!(#krate::IntoDistinctId + ::core::clone::Clone));
                }
                if templates
                    .iter()
                    .any(|t| t.value.fields().any(|n| n == field.name))
                {
                    self.add(param, quote!(::core::fmt::Display));
                }
            }
        }
    }
}

/// The parameter a type is, when it is exactly a type parameter (`T`).
fn as_param<'p>(ty: &Type, params: &'p [Ident]) -> Option<&'p Ident> {
    match ty {
        Type::Path(path) if path.qself.is_none() => {
            let ident = path.path.get_ident()?;
            params.iter().find(|p| *p == ident)
        }
        Type::Group(group) => as_param(&group.elem, params),
        Type::Paren(paren) => as_param(&paren.elem, params),
        _ => None,
    }
}

/// Whether `ty` mentions the type parameter `param` anywhere.
fn mentions(ty: &Type, param: &Ident) -> bool {
    fn walk(tokens: TokenStream, param: &Ident) -> bool {
        tokens.into_iter().any(|tt| match tt {
            TokenTree::Ident(ident) => ident == *param,
            TokenTree::Group(group) => walk(group.stream(), param),
            _ => false,
        })
    }
    walk(ty.to_token_stream(), param)
}

#[cfg(test)]
mod tests {
    use super::derive;
    use syn::DeriveInput;

    fn expand(input: &str) -> String {
        let input: DeriveInput = syn::parse_str(input).unwrap();
        derive(&input).to_string()
    }

    #[test]
    fn crate_key_replaces_every_umami_path() {
        let out = expand(
            r#"
            #[umami(crate = "my_app::analytics", url = "/c/{id}")]
            struct Signup { id: u64, #[umami(distinct_id)] user: String }
            "#,
        );
        assert!(out.contains("my_app :: analytics :: UmamiEvent"), "{out}");
        assert!(
            out.contains("my_app :: analytics :: __private :: Data"),
            "{out}"
        );
        assert!(!out.contains(":: umami ::"), "{out}");
    }

    #[test]
    fn impl_is_wrapped_and_marked_automatically_derived() {
        let out = expand("struct Signup { plan: String }");
        assert!(out.starts_with("const _ : () = {"), "{out}");
        assert!(out.contains("# [automatically_derived]"), "{out}");
    }

    #[test]
    fn errors_come_with_a_fallback_impl() {
        let out = expand(r#"#[umami(nme = "x")] struct Signup { plan: String }"#);
        assert!(out.contains("compile_error !"), "{out}");
        assert!(
            out.contains("impl :: umami :: UmamiEvent for Signup"),
            "{out}"
        );
    }
}
