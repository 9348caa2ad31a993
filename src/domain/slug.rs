//! Slugs (`[a-z0-9-]`, 1–120 chars, at least one letter) and references
//! (an id or a slug) to content.

use std::fmt;

pub const MAX_SLUG_LEN: usize = 120;

/// A valid slug; it can never be mistaken for a numeric id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(value: &str) -> Result<Self, &'static str> {
        if value.is_empty() || value.len() > MAX_SLUG_LEN {
            return Err("must be 1 to 120 characters");
        }
        if !value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err("may hold only lowercase letters, digits and hyphens");
        }
        if !value.bytes().any(|b| b.is_ascii_lowercase()) {
            return Err("must contain at least one letter");
        }
        Ok(Self(value.to_owned()))
    }

    /// Derives a slug from a headline or name: ASCII-folded, lowercase,
    /// hyphen-separated; `fallback` when nothing usable is left.
    pub fn derive(text: &str, fallback: &str) -> Self {
        let mut out = String::new();
        for c in text.chars().flat_map(fold_to_ascii) {
            if c.is_ascii_alphanumeric() {
                if out.len() >= MAX_SLUG_LEN - 8 {
                    break;
                }
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
        let trimmed = out.trim_matches('-');
        match Self::parse(trimmed) {
            Ok(slug) => slug,
            Err(_) if !trimmed.is_empty() => Self(format!("{fallback}-{trimmed}")),
            Err(_) => Self(fallback.to_owned()),
        }
    }

    /// `base-2`, `base-3`, … for making a derived slug unique.
    pub fn with_suffix(&self, n: u32) -> Self {
        Self(format!("{}-{n}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Folds common Latin letters with diacritics to ASCII, so "Zürich" → "zurich".
fn fold_to_ascii(c: char) -> impl Iterator<Item = char> {
    let folded: &str = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => "o",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ß' => "ss",
        _ => "",
    };
    let single = if folded.is_empty() { Some(c) } else { None };
    folded.chars().chain(single)
}

/// How a client names content in a path or filter: a numeric id or a slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    Id(i64),
    Slug(String),
}

impl Reference {
    pub fn parse(value: &str) -> Self {
        match value.parse::<i64>() {
            Ok(id) if !value.starts_with('+') => Self::Id(id),
            _ => Self::Slug(value.to_owned()),
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id(id) => write!(f, "{id}"),
            Self::Slug(slug) => f.write_str(slug),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_only_the_slug_alphabet() {
        assert!(Slug::parse("world-news-2").is_ok());
        assert!(Slug::parse("World").is_err());
        assert!(Slug::parse("2018").is_err());
        assert!(Slug::parse("").is_err());
        assert!(Slug::parse(&"a".repeat(121)).is_err());
    }

    #[test]
    fn derive_folds_and_hyphenates() {
        let slug = Slug::derive("Syria conflict: U.S. in rare counter-strike — Zürich", "article");
        assert_eq!(slug.as_str(), "syria-conflict-u-s-in-rare-counter-strike-zurich");
        assert_eq!(Slug::derive("2018", "article").as_str(), "article-2018");
        assert_eq!(Slug::derive("!!!", "article").as_str(), "article");
    }

    #[test]
    fn references_are_ids_when_numeric() {
        assert_eq!(Reference::parse("42"), Reference::Id(42));
        assert_eq!(Reference::parse("a-42"), Reference::Slug("a-42".into()));
    }
}
