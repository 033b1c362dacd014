//! `url` and `title` templates: literal text with `{field}` placeholders, `{{`/`}}` for braces.

use syn::LitStr;

/// A parsed template.
pub(crate) struct Template {
    /// The string literal, for error spans.
    pub(crate) lit: LitStr,
    pub(crate) parts: Vec<Part>,
}

pub(crate) enum Part {
    Text(String),
    /// A field, by its unrawed name.
    Field(String),
}

impl Template {
    /// Parses `lit`, the value of `key`; the error is the message to show on the literal.
    pub(crate) fn parse(lit: &LitStr, key: &str) -> Result<Template, String> {
        let value = lit.value();
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = value.char_indices().peekable();
        while let Some((start, ch)) = chars.next() {
            match ch {
                '{' if chars.peek().is_some_and(|&(_, next)| next == '{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek().is_some_and(|&(_, next)| next == '}') => {
                    chars.next();
                    text.push('}');
                }
                '}' => {
                    return Err(format!(
                        "unmatched `}}` in `{key}`: write `}}}}` for a literal `}}`"
                    ));
                }
                '{' => {
                    let rest = &value[start + 1..];
                    let Some(len) = rest.find('}') else {
                        return Err(format!(
                            "unclosed `{{` in `{key}`: a placeholder is a field name in braces, \
                             e.g. `{{id}}`; write `{{{{` for a literal `{{`"
                        ));
                    };
                    let name = &rest[..len];
                    if name.is_empty() {
                        return Err(format!(
                            "empty placeholder `{{}}` in `{key}`: name a field, e.g. `{{id}}`"
                        ));
                    }
                    let name = name.strip_prefix("r#").unwrap_or(name);
                    if !is_identifier(name) {
                        return Err(format!(
                            "malformed placeholder `{{{}}}` in `{key}`: expected a field name, \
                             e.g. `{{id}}` (format specs are not supported)",
                            &rest[..len]
                        ));
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Field(name.to_owned()));
                    // Skip the name and the closing brace.
                    for _ in 0..rest[..=len].chars().count() {
                        chars.next();
                    }
                }
                other => text.push(other),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template {
            lit: lit.clone(),
            parts,
        })
    }

    /// The names of the fields the template uses, in order (repeats included).
    pub(crate) fn fields(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|part| match part {
            Part::Field(name) => Some(name.as_str()),
            Part::Text(_) => None,
        })
    }

    /// The text, when the template has no placeholder.
    pub(crate) fn as_static(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Field(_) => return None,
            }
        }
        Some(out)
    }

    /// A `format!` string: the text with braces escaped and `{}` for each placeholder.
    pub(crate) fn format_string(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(&text.replace('{', "{{").replace('}', "}}")),
                Part::Field(_) => out.push_str("{}"),
            }
        }
        out
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first == '_' || first.is_alphabetic())
        && chars.all(|ch| ch == '_' || ch.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::Template;
    use proc_macro2::Span;
    use syn::LitStr;

    fn parse(s: &str) -> Result<Template, String> {
        Template::parse(&LitStr::new(s, Span::call_site()), "url")
    }

    fn err(s: &str) -> String {
        match parse(s) {
            Ok(_) => panic!("{s:?} was accepted"),
            Err(message) => message,
        }
    }

    #[test]
    fn placeholders_and_escaped_braces() {
        let t = parse("/c/{course_id}/{{x}}/{r#type}").unwrap();
        assert_eq!(t.fields().collect::<Vec<_>>(), ["course_id", "type"]);
        assert_eq!(t.format_string(), "/c/{}/{{x}}/{}");
        assert_eq!(t.as_static(), None);
    }

    #[test]
    fn text_only_template_is_static() {
        let t = parse("/a/{{b}}").unwrap();
        assert_eq!(t.as_static().as_deref(), Some("/a/{b}"));
    }

    #[test]
    fn malformed_placeholders_are_rejected() {
        assert!(err("/a/{id").starts_with("unclosed `{`"));
        assert!(err("/a/id}").starts_with("unmatched `}`"));
        assert!(err("/a/{}").starts_with("empty placeholder"));
        assert!(err("/a/{id:?}").starts_with("malformed placeholder `{id:?}`"));
        assert!(err("/a/{0}").starts_with("malformed placeholder `{0}`"));
    }

    #[test]
    fn non_ascii_text_survives() {
        let t = parse("/café/{id}/ü").unwrap();
        assert_eq!(t.format_string(), "/café/{}/ü");
    }
}
