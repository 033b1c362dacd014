//! A small typed model of the derive input: the container, its variants and fields, each
//! with its parsed `#[umami(...)]` attributes.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{Data as SynData, DeriveInput, Fields, Generics, Ident, Type};

use crate::attr::{self, Attrs, Site};
use crate::case::RenameRule;
use crate::ctxt::Ctxt;

pub(crate) struct Input<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) attrs: Attrs,
    pub(crate) data: Data<'a>,
}

pub(crate) enum Data<'a> {
    /// A struct with named fields, or a unit struct (no fields).
    Struct(Vec<Field<'a>>),
    Enum(Vec<Variant<'a>>),
}

pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) attrs: Attrs,
    pub(crate) shape: Shape<'a>,
}

pub(crate) enum Shape<'a> {
    Unit,
    Named(Vec<Field<'a>>),
    /// A one-field tuple variant wrapping another event.
    Newtype(Box<Field<'a>>),
}

pub(crate) struct Field<'a> {
    /// `None` only for the field of a newtype variant.
    pub(crate) ident: Option<&'a Ident>,
    /// The name without `r#`.
    pub(crate) name: String,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: Attrs,
}

impl<'a> Input<'a> {
    /// Reads `input`; `None` when its shape cannot be an event (reported to `cx`).
    pub(crate) fn from_syn(cx: &Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let site = match input.data {
            SynData::Enum(_) => Site::Enum,
            _ => Site::Struct,
        };
        let attrs = attr::parse(cx, &input.attrs, site);
        let data = match &input.data {
            SynData::Struct(data) => match &data.fields {
                Fields::Named(fields) => Data::Struct(
                    fields
                        .named
                        .iter()
                        .map(|f| Field::from_syn(cx, f))
                        .collect(),
                ),
                Fields::Unit => Data::Struct(Vec::new()),
                Fields::Unnamed(fields) => {
                    cx.error(
                        fields.span(),
                        "`UmamiEvent` cannot be derived for a tuple struct: the fields name the \
                         custom-data keys, so give them names (`struct Signup { plan: String }`)",
                    );
                    return None;
                }
            },
            SynData::Enum(data) => {
                if data.variants.is_empty() {
                    cx.error(
                        input.ident.span(),
                        "`UmamiEvent` cannot be derived for an enum without variants: each \
                         variant is an event, and this enum has none",
                    );
                    return None;
                }
                Data::Enum(
                    data.variants
                        .iter()
                        .filter_map(|v| Variant::from_syn(cx, v))
                        .collect(),
                )
            }
            SynData::Union(data) => {
                cx.error(
                    data.union_token.span,
                    "`UmamiEvent` cannot be derived for a union: use a struct or an enum",
                );
                return None;
            }
        };
        Some(Input {
            ident: &input.ident,
            generics: &input.generics,
            attrs,
            data,
        })
    }

    /// The event name of a struct: `name`, or the type's name.
    pub(crate) fn struct_event_name(&self) -> (String, Span) {
        match &self.attrs.name {
            Some(name) => (name.value.value(), name.value.span()),
            None => (self.ident.unraw().to_string(), self.ident.span()),
        }
    }
}

impl<'a> Variant<'a> {
    fn from_syn(cx: &Ctxt, variant: &'a syn::Variant) -> Option<Self> {
        let attrs = attr::parse(cx, &variant.attrs, Site::Variant);
        let shape = match &variant.fields {
            Fields::Unit => Shape::Unit,
            Fields::Named(fields) => Shape::Named(
                fields
                    .named
                    .iter()
                    .map(|f| Field::from_syn(cx, f))
                    .collect(),
            ),
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                Shape::Newtype(Box::new(Field::from_syn(cx, &fields.unnamed[0])))
            }
            Fields::Unnamed(fields) => {
                cx.error(
                    fields.span(),
                    format!(
                        "tuple variant `{}` has {} fields: a tuple variant must wrap exactly one \
                         type that implements `UmamiEvent`; use named fields for custom data",
                        variant.ident,
                        fields.unnamed.len()
                    ),
                );
                return None;
            }
        };
        Some(Variant {
            ident: &variant.ident,
            attrs,
            shape,
        })
    }

    /// The event name of a variant: `name`, or the variant's name.
    pub(crate) fn event_name(&self) -> (String, Span) {
        match &self.attrs.name {
            Some(name) => (name.value.value(), name.value.span()),
            None => (self.ident.unraw().to_string(), self.ident.span()),
        }
    }
}

impl<'a> Field<'a> {
    fn from_syn(cx: &Ctxt, field: &'a syn::Field) -> Self {
        Field {
            ident: field.ident.as_ref(),
            name: field
                .ident
                .as_ref()
                .map(|ident| ident.unraw().to_string())
                .unwrap_or_default(),
            ty: &field.ty,
            attrs: attr::parse(cx, &field.attrs, Site::Field),
        }
    }

    /// Whether the field is a custom-data key of its own (not skipped, not the distinct id,
    /// not flattened).
    pub(crate) fn is_data_key(&self) -> bool {
        self.attrs.skip.is_none()
            && self.attrs.distinct_id.is_none()
            && self.attrs.flatten.is_none()
    }

    /// The custom-data key: `rename`, else the name after `rename_all`.
    pub(crate) fn data_key(&self, rename_all: Option<RenameRule>) -> String {
        match (&self.attrs.rename, rename_all) {
            (Some(rename), _) => rename.value.value(),
            (None, Some(rule)) => rule.apply_to_field(&self.name),
            (None, None) => self.name.clone(),
        }
    }

    /// The span of the key that decided the data key, for collision errors.
    pub(crate) fn data_key_span(&self) -> Span {
        match &self.attrs.rename {
            Some(rename) => rename.value.span(),
            None => self.ident.map_or_else(|| self.ty.span(), Ident::span),
        }
    }
}
