//! Parsing of `#[umami(...)]` attributes with `Attribute::parse_nested_meta`.
//!
//! Every mistake is reported to the [`Ctxt`] and parsing goes on, so one compile shows them
//! all. Which keys are allowed depends on where the attribute is ([`Site`]).

use proc_macro2::{Span, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::spanned::Spanned;
use syn::{Attribute, LitStr, Meta, Path, Token};

use crate::case::{RULES, RenameRule};
use crate::ctxt::Ctxt;
use crate::template::Template;

/// Where an attribute is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Site {
    Struct,
    Enum,
    Variant,
    Field,
}

impl Site {
    fn keys(self) -> &'static [&'static str] {
        match self {
            Site::Struct => &["name", "url", "title", "rename_all", "crate"],
            Site::Enum => &["url", "title", "rename_all", "crate"],
            Site::Variant => &["name", "url", "title", "rename_all"],
            Site::Field => &["rename", "skip", "distinct_id", "flatten", "kind"],
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Site::Struct => "a struct",
            Site::Enum => "an enum",
            Site::Variant => "a variant",
            Site::Field => "a field",
        }
    }
}

/// One key's value, with the span of the key for "first set here" notes.
pub(crate) struct Attr<T> {
    pub(crate) key: Span,
    pub(crate) value: T,
}

/// Every key of every site; keys not allowed at a site are reported and stay `None`.
#[derive(Default)]
pub(crate) struct Attrs {
    pub(crate) name: Option<Attr<LitStr>>,
    pub(crate) url: Option<Attr<Template>>,
    pub(crate) title: Option<Attr<Template>>,
    pub(crate) rename_all: Option<Attr<RenameRule>>,
    pub(crate) krate: Option<Attr<Path>>,
    pub(crate) rename: Option<Attr<LitStr>>,
    pub(crate) skip: Option<Attr<()>>,
    pub(crate) distinct_id: Option<Attr<()>>,
    pub(crate) flatten: Option<Attr<()>>,
    /// The stored kind of a data key, for tracking plans: one of [`KINDS`].
    pub(crate) kind: Option<Attr<LitStr>>,
}

/// The values `kind = "..."` takes: Umami's data types.
pub(crate) const KINDS: [&str; 5] = ["string", "number", "boolean", "date", "array"];

impl Attrs {
    /// Whether any of the event-level keys (`name`, `url`, `title`, `rename_all`) is set.
    pub(crate) fn first_event_key(&self) -> Option<(&'static str, Span)> {
        let keys = [
            ("name", self.name.as_ref().map(|a| a.key)),
            ("url", self.url.as_ref().map(|a| a.key)),
            ("title", self.title.as_ref().map(|a| a.key)),
            ("rename_all", self.rename_all.as_ref().map(|a| a.key)),
        ];
        keys.into_iter()
            .find_map(|(name, span)| span.map(|span| (name, span)))
    }

    /// The set field-level keys, in a fixed order.
    pub(crate) fn field_keys(&self) -> Vec<(&'static str, Span)> {
        let keys = [
            ("rename", self.rename.as_ref().map(|a| a.key)),
            ("skip", self.skip.as_ref().map(|a| a.key)),
            ("distinct_id", self.distinct_id.as_ref().map(|a| a.key)),
            ("flatten", self.flatten.as_ref().map(|a| a.key)),
            ("kind", self.kind.as_ref().map(|a| a.key)),
        ];
        keys.into_iter()
            .filter_map(|(name, span)| span.map(|span| (name, span)))
            .collect()
    }
}

/// Reads every `#[umami(...)]` among `attrs`.
pub(crate) fn parse(cx: &Ctxt, attrs: &[Attribute], site: Site) -> Attrs {
    let mut out = Attrs::default();
    for attr in attrs {
        if !attr.path().is_ident("umami") {
            continue;
        }
        if !matches!(attr.meta, Meta::List(_)) {
            cx.error(
                attr.span(),
                format!(
                    "expected `#[umami(...)]` with keys inside the parentheses; keys of {}: {}",
                    site.describe(),
                    list(site.keys())
                ),
            );
            continue;
        }
        if let Err(err) = attr.parse_nested_meta(|meta| parse_key(cx, site, &mut out, &meta)) {
            cx.syn_error(err);
        }
    }
    out
}

fn parse_key(cx: &Ctxt, site: Site, out: &mut Attrs, meta: &ParseNestedMeta) -> syn::Result<()> {
    let key_span = meta.path.span();
    let key = match meta.path.get_ident() {
        Some(ident) => ident.to_string(),
        None => String::new(),
    };
    if !site.keys().contains(&key.as_str()) {
        let shown = if key.is_empty() {
            let path = &meta.path;
            format!("`{}`", quote::quote!(#path).to_string().replace(' ', ""))
        } else {
            format!("`{key}`")
        };
        let hint = match (site, key.as_str()) {
            (Site::Enum, "name") => {
                "; each variant of an enum is its own event: put `#[umami(name = \"...\")]` on \
                 the variants"
                    .to_owned()
            }
            _ => String::new(),
        };
        cx.error(
            key_span,
            format!(
                "unknown umami key {shown}; keys of {}: {}{hint}",
                site.describe(),
                list(site.keys())
            ),
        );
        return skip_value(meta.input);
    }
    match key.as_str() {
        "name" => {
            if let Some(lit) = string_value(cx, meta, "name")? {
                set(cx, &mut out.name, "name", key_span, lit);
            }
        }
        "rename" => {
            if let Some(lit) = string_value(cx, meta, "rename")? {
                set(cx, &mut out.rename, "rename", key_span, lit);
            }
        }
        "url" | "title" => {
            if let Some(lit) = string_value(cx, meta, &key)? {
                let slot = if key == "url" {
                    &mut out.url
                } else {
                    &mut out.title
                };
                match Template::parse(&lit, &key) {
                    Ok(template) => set(cx, slot, &key, key_span, template),
                    Err(message) => cx.error(lit.span(), message),
                }
            }
        }
        "rename_all" => {
            if let Some(lit) = string_value(cx, meta, "rename_all")? {
                match RenameRule::from_name(&lit.value()) {
                    Some(rule) => set(cx, &mut out.rename_all, "rename_all", key_span, rule),
                    None => {
                        let names: Vec<&str> = RULES.iter().map(|(name, _)| *name).collect();
                        cx.error(
                            lit.span(),
                            format!(
                                "unknown case {:?} for `rename_all`; expected one of {}",
                                lit.value(),
                                list(&names)
                            ),
                        );
                    }
                }
            }
        }
        "crate" => {
            if let Some(lit) = string_value(cx, meta, "crate")? {
                match lit.parse::<Path>() {
                    Ok(path) => set(cx, &mut out.krate, "crate", key_span, path),
                    Err(_) => cx.error(
                        lit.span(),
                        format!(
                            "`crate` must be a path to the umami crate, e.g. `crate = \
                             \"my_crate::umami\"`, found {:?}",
                            lit.value()
                        ),
                    ),
                }
            }
        }
        "kind" => {
            if let Some(lit) = string_value(cx, meta, "kind")? {
                if KINDS.contains(&lit.value().as_str()) {
                    set(cx, &mut out.kind, "kind", key_span, lit);
                } else {
                    cx.error(
                        lit.span(),
                        format!(
                            "unknown kind {:?} for `kind`; expected one of {} (the types Umami \
                             stores custom data as)",
                            lit.value(),
                            list(&KINDS)
                        ),
                    );
                }
            }
        }
        "skip" => flag(cx, meta, &mut out.skip, "skip", key_span)?,
        "distinct_id" => flag(cx, meta, &mut out.distinct_id, "distinct_id", key_span)?,
        "flatten" => flag(cx, meta, &mut out.flatten, "flatten", key_span)?,
        _ => unreachable!("every key of Site::keys is handled"),
    }
    Ok(())
}

/// `key = "..."`: the literal, or `None` after reporting what was there instead.
fn string_value(cx: &Ctxt, meta: &ParseNestedMeta, key: &str) -> syn::Result<Option<LitStr>> {
    if !meta.input.peek(Token![=]) {
        cx.error(
            meta.path.span(),
            format!("`{key}` needs a value: `{key} = \"...\"`"),
        );
        skip_value(meta.input)?;
        return Ok(None);
    }
    meta.input.parse::<Token![=]>()?;
    if meta.input.peek(LitStr) {
        return Ok(Some(meta.input.parse()?));
    }
    let span = if meta.input.is_empty() {
        meta.path.span()
    } else {
        meta.input.span()
    };
    cx.error(
        span,
        format!("expected a string literal as the value of `{key}`: `{key} = \"...\"`"),
    );
    skip_value(meta.input)?;
    Ok(None)
}

/// A key that takes no value: `#[umami(skip)]`.
fn flag(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    slot: &mut Option<Attr<()>>,
    key: &str,
    key_span: Span,
) -> syn::Result<()> {
    if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        cx.error(
            meta.input.span(),
            format!("`{key}` takes no value: write `#[umami({key})]`"),
        );
        skip_value(meta.input)?;
        return Ok(());
    }
    set(cx, slot, key, key_span, ());
    Ok(())
}

fn set<T>(cx: &Ctxt, slot: &mut Option<Attr<T>>, key: &str, key_span: Span, value: T) {
    if let Some(first) = slot {
        cx.error(key_span, format!("duplicate umami key `{key}`"));
        cx.error(first.key, format!("`{key}` is first set here"));
        return;
    }
    *slot = Some(Attr {
        key: key_span,
        value,
    });
}

/// Skips what follows a key up to the next `,`, so parsing goes on with the next key.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(Token![,]) {
        input.parse::<TokenTree>()?;
    }
    Ok(())
}

fn list(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|key| format!("`{key}`")).collect();
    quoted.join(", ")
}
