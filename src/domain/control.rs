//! Control characters in text. PostgreSQL cannot store a NUL (a 500 with a
//! backtrace, and SQLite stored what PostgreSQL then refused to import), and
//! no other control character belongs in a headline or a name; tab, newline
//! and carriage return are the exceptions, where text may hold them.

use serde_json::Value;

/// What a field error says of such text.
pub const REFUSED: &str = "must not contain NUL or other control characters (tab and newline aside)";

/// Whether a character is refused in any text we store or look up.
pub fn is_forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether text holds a refused character.
pub fn has_forbidden(text: &str) -> bool {
    text.chars().any(is_forbidden)
}

/// The path (`headline`, `bylines[0].author`) of the first string, or object
/// key, in a JSON document that holds a refused character; `None` when
/// there is none or the bytes are not JSON.
///
/// JSON can only carry such a character as a `\u00XX` escape of one, a raw
/// DEL or a raw C1 character, so a document without any of those is not
/// parsed again (other escapes, like Python's `\u00e9` for é, do not count).
pub fn field_with_control(json: &[u8]) -> Option<String> {
    if !may_hold_control(json) {
        return None;
    }
    let value: Value = serde_json::from_slice(json).ok()?;
    path_with_control(&value, String::new())
}

fn may_hold_control(json: &[u8]) -> bool {
    let escaped = json.windows(6).any(|w| {
        w.starts_with(b"\\u00")
            && match (w[4].to_ascii_lowercase(), w[5].to_ascii_lowercase()) {
                (b'0' | b'1' | b'8' | b'9', low) => low.is_ascii_hexdigit(),
                (b'7', b'f') => true,
                _ => false,
            }
    });
    let raw = json.windows(2).any(|w| w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1])) || json.contains(&0x7F);
    escaped || raw
}

fn path_with_control(value: &Value, path: String) -> Option<String> {
    match value {
        Value::String(text) if has_forbidden(text) => Some(path),
        Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, item)| path_with_control(item, format!("{path}[{i}]")))
        }
        Value::Object(fields) => fields.iter().find_map(|(key, item)| {
            let inner = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            if has_forbidden(key) {
                Some(inner)
            } else {
                path_with_control(item, inner)
            }
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_field_holding_a_control_character() {
        assert_eq!(field_with_control(br#"{"headline": "a\u0000b"}"#).as_deref(), Some("headline"));
        assert_eq!(
            field_with_control(br#"{"bylines": [{"author": "x"}, {"author": "\u001b[31m"}]}"#).as_deref(),
            Some("bylines[1].author")
        );
        assert_eq!(field_with_control("{\"a\": \"\u{7f}\"}".as_bytes()).as_deref(), Some("a"));
        assert_eq!(field_with_control("{\"a\": \"\u{85}\"}".as_bytes()).as_deref(), Some("a"));
        assert_eq!(field_with_control(br#"["\u0000"]"#).as_deref(), Some("[0]"));
    }

    #[test]
    fn only_escapes_of_control_characters_are_looked_at() {
        assert!(may_hold_control(br#"{"a": "\u0000"}"#));
        assert!(may_hold_control(br#"{"a": "\u001B"}"#));
        assert!(may_hold_control(br#"{"a": "\u007f \u0085"}"#));
        assert!(!may_hold_control(br#"{"a": "caf\u00e9 \u2603 \u0041"}"#));
    }

    #[test]
    fn tabs_newlines_and_other_escapes_pass() {
        assert_eq!(field_with_control(br#"{"body": "a\tb\nc\r\n\u00e9\u2603"}"#), None);
        assert_eq!(field_with_control("{\"body\": \"caf\u{e9} \u{2603}\"}".as_bytes()), None);
        assert_eq!(field_with_control(b"not json \\u0000"), None);
    }
}
