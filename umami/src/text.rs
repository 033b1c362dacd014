//! Small text helpers for messages: how a JSON value's type is named, and how much of a long
//! text is quoted.

use serde_json::Value;

/// How an error message names the JSON type a value serialized to.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `text` cut to at most `max_chars` characters (on a character boundary), with `…` when cut.
pub(crate) fn snippet(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_cut_on_character_boundaries() {
        assert_eq!(snippet("héllo", 2), "hé…");
        assert_eq!(snippet("héllo", 5), "héllo");
        assert_eq!(snippet("", 0), "");
        assert_eq!(snippet("😀😀", 1), "😀…");
    }

    #[test]
    fn kinds_are_named_with_articles() {
        assert_eq!(json_kind(&Value::from(vec![1])), "an array");
        assert_eq!(json_kind(&Value::from(1)), "a number");
    }
}
