//! Checks of the input as a whole: event names as Umami accepts them, placeholders naming
//! fields, one distinct id, no colliding data keys, attribute combinations that make sense.

use std::collections::HashMap;

use proc_macro2::Span;

use crate::ast::{Data, Field, Input, Shape, Variant};
use crate::attr::Attr;
use crate::case::RenameRule;
use crate::ctxt::Ctxt;
use crate::template::Template;

/// Umami's limit on event names: zod's `max(50)`, in UTF-16 code units (JavaScript's
/// `length`), as the runtime crate's `validate::event_name` counts them.
const MAX_NAME: usize = 50;

/// The leading characters the runtime crate's CSV-injection guard refuses (its own rule:
/// Umami 3.1 accepts them), so that a derived name never fails at run time.
const CSV_GUARD: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

pub(crate) fn check(cx: &Ctxt, input: &Input) {
    let rename_all = input.attrs.rename_all.as_ref().map(|a| a.value);
    match &input.data {
        Data::Struct(fields) => {
            let (name, span) = input.struct_event_name();
            check_event_name(cx, &name, span, input.attrs.name.is_none());
            check_fields(cx, fields, rename_all);
            let templates = [("url", &input.attrs.url), ("title", &input.attrs.title)];
            for (key, template) in templates {
                if let Some(template) = template {
                    check_placeholders(cx, &template.value, fields, Owner::Struct, key);
                }
            }
        }
        Data::Enum(variants) => {
            for variant in variants {
                check_variant(cx, input, variant, rename_all);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Owner<'a> {
    Struct,
    Variant(&'a str, bool),
}

fn check_variant(cx: &Ctxt, input: &Input, variant: &Variant, rename_all: Option<RenameRule>) {
    match &variant.shape {
        Shape::Newtype(field) => {
            if let Some((key, span)) = variant.attrs.first_event_key() {
                cx.error(
                    span,
                    format!(
                        "`{key}` has no effect on newtype variant `{}`: it sends the wrapped \
                         event as is; set `{key}` on the wrapped type instead",
                        variant.ident
                    ),
                );
            }
            for (key, span) in field.attrs.field_keys() {
                cx.error(
                    span,
                    format!(
                        "`{key}` is not supported on the field of newtype variant `{}`: the \
                         wrapped event decides its own data",
                        variant.ident
                    ),
                );
            }
        }
        Shape::Unit | Shape::Named(_) => {
            let (name, span) = variant.event_name();
            check_event_name(cx, &name, span, variant.attrs.name.is_none());
            let fields: &[Field] = match &variant.shape {
                Shape::Named(fields) => fields,
                _ => &[],
            };
            let rule = variant
                .attrs
                .rename_all
                .as_ref()
                .map(|a| a.value)
                .or(rename_all);
            check_fields(cx, fields, rule);
            let variant_name = variant.ident.to_string();
            let is_unit = matches!(variant.shape, Shape::Unit);
            let templates = [
                ("url", variant.attrs.url.as_ref(), input.attrs.url.as_ref()),
                (
                    "title",
                    variant.attrs.title.as_ref(),
                    input.attrs.title.as_ref(),
                ),
            ];
            for (key, own, inherited) in templates {
                if let Some(template) = own.or(inherited) {
                    check_placeholders(
                        cx,
                        &template.value,
                        fields,
                        Owner::Variant(&variant_name, is_unit),
                        key,
                    );
                }
            }
        }
    }
}

fn check_event_name(cx: &Ctxt, name: &str, span: Span, from_type_name: bool) {
    let problem = if name.trim().is_empty() {
        Some("must not be empty or blank".to_owned())
    } else if name.encode_utf16().count() > MAX_NAME {
        Some(format!(
            "is {} UTF-16 code units long; Umami accepts at most {MAX_NAME}",
            name.encode_utf16().count()
        ))
    } else {
        match name.chars().next() {
            Some(first) if CSV_GUARD.contains(&first) => Some(format!(
                "must not start with {first:?}: this crate's CSV-injection guard refuses names \
                 starting with `=`, `+`, `-`, `@`, a tab or a carriage return (Umami 3.1 itself \
                 accepts them)"
            )),
            _ => None,
        }
    };
    if let Some(problem) = problem {
        if from_type_name {
            cx.error(
                span,
                format!(
                    "event name {name:?} (from the type's name) {problem}; set a shorter one \
                     with `#[umami(name = \"...\")]`"
                ),
            );
        } else {
            cx.error(span, format!("event name {name:?} {problem}"));
        }
    }
}

fn check_fields(cx: &Ctxt, fields: &[Field], rename_all: Option<RenameRule>) {
    let mut distinct_id: Option<Span> = None;
    let mut keys: HashMap<String, &Field> = HashMap::new();
    for field in fields {
        let attrs = &field.attrs;
        // (key, the key it cannot go with): the error points at the second.
        let set = |key: &str| match key {
            "skip" => key_of(&attrs.skip),
            "distinct_id" => key_of(&attrs.distinct_id),
            "rename" => key_of(&attrs.rename),
            "flatten" => key_of(&attrs.flatten),
            "kind" => key_of(&attrs.kind),
            _ => None,
        };
        for (first, second) in CONFLICTS {
            if let (Some(_), Some(span)) = (set(first), set(second)) {
                cx.error(span, conflict_message(first, second));
            }
        }

        if let Some(id) = &attrs.distinct_id {
            match distinct_id {
                Some(first) => {
                    cx.error(
                        id.key,
                        "a second `distinct_id` field: an event has one distinct id",
                    );
                    cx.error(first, "the first `distinct_id` field is here");
                }
                None => distinct_id = Some(id.key),
            }
        }

        if let Some(rename) = &attrs.rename {
            if rename.value.value().trim().is_empty() {
                cx.error(
                    rename.value.span(),
                    "`rename` must not be empty or blank: it is the custom-data key",
                );
                continue;
            }
        }

        if attrs.skip.is_some() || !field.is_data_key() {
            continue;
        }
        let key = field.data_key(rename_all);
        match keys.get(&key) {
            Some(first) => {
                cx.error(
                    field.data_key_span(),
                    format!(
                        "custom-data key {key:?} is used twice: by `{}` and by `{}`",
                        first.name, field.name
                    ),
                );
                cx.error(
                    first.data_key_span(),
                    format!("custom-data key {key:?} is first used here"),
                );
            }
            None => {
                keys.insert(key, field);
            }
        }
    }
}

/// Field keys that cannot be combined, each pair in the order they are reported.
const CONFLICTS: [(&str, &str); 9] = [
    ("skip", "distinct_id"),
    ("skip", "rename"),
    ("skip", "flatten"),
    ("flatten", "rename"),
    ("flatten", "distinct_id"),
    ("distinct_id", "rename"),
    ("skip", "kind"),
    ("flatten", "kind"),
    ("distinct_id", "kind"),
];

fn key_of<T>(attr: &Option<Attr<T>>) -> Option<Span> {
    attr.as_ref().map(|a| a.key)
}

fn conflict_message(first: &str, second: &str) -> String {
    let why = match (first, second) {
        ("skip", "distinct_id") => "a skipped field is not sent, so it cannot be the distinct id",
        ("skip", "rename") => "a skipped field is not sent, so it has no key to rename",
        ("skip", "flatten") => "a skipped field is not sent, so there is nothing to flatten",
        ("flatten", "rename") => {
            "a flattened field merges its own keys into the data, so it has no key to rename"
        }
        ("flatten", "distinct_id") => "the distinct id is one value, not a set of keys",
        ("distinct_id", "rename") => {
            "the distinct id is sent as the payload's `id`, not as a custom-data key"
        }
        ("skip", "kind") => "a skipped field is not sent, so it has no stored kind",
        ("flatten", "kind") => {
            "a flattened field is a set of keys, each with its own kind: set `kind` on the \
             fields of the flattened type"
        }
        ("distinct_id", "kind") => {
            "the distinct id is sent as the payload's `id`, not as a custom-data key with a kind"
        }
        _ => "",
    };
    format!("`{second}` cannot be combined with `{first}`: {why}")
}

fn check_placeholders(cx: &Ctxt, template: &Template, fields: &[Field], owner: Owner, key: &str) {
    for placeholder in template.fields() {
        if fields.iter().any(|f| f.name == placeholder) {
            continue;
        }
        let message = match owner {
            Owner::Struct => {
                let names: Vec<String> = fields.iter().map(|f| format!("`{}`", f.name)).collect();
                if names.is_empty() {
                    format!(
                        "`{key}` placeholder `{{{placeholder}}}` names no field: this struct has no fields"
                    )
                } else {
                    format!(
                        "`{key}` placeholder `{{{placeholder}}}` names no field; fields: {}",
                        names.join(", ")
                    )
                }
            }
            Owner::Variant(variant, true) => format!(
                "`{key}` placeholder `{{{placeholder}}}` names no field of unit variant \
                 `{variant}`; give the variant its own `#[umami({key} = \"...\")]`"
            ),
            Owner::Variant(variant, false) => {
                let names: Vec<String> = fields.iter().map(|f| format!("`{}`", f.name)).collect();
                format!(
                    "`{key}` placeholder `{{{placeholder}}}` names no field of variant \
                     `{variant}`; its fields: {}",
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                )
            }
        };
        cx.error(template.lit.span(), message);
    }
}
