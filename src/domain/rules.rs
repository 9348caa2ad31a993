//! The rulebook of what may be stored: one check per field, used by every
//! door (REST, GraphQL, NDJSON import, plain-text import), so the same
//! article is valid or invalid whichever way it comes in, with the same
//! field errors.

use chrono::{DateTime, Utc};

use super::problems::Problems;
use super::{BylineInput, Patch, Role, Status};

pub const MAX_RELATED_LINKS: usize = 50;
pub const MAX_HEADLINE_CHARS: usize = 300;
pub const MAX_SUMMARY_CHARS: usize = 2000;
pub const MAX_SHORT_TEXT_CHARS: usize = 300;

/// Trims a required one-line text; `None` (after an error) when unusable.
/// Text that shows nothing (only spaces or zero-width characters) is empty,
/// and a line break or any other control character is refused.
///
/// Lengths count the text as sent, spaces around it included: the limit the
/// OpenAPI document states (`maxLength`) is then exactly the one applied.
pub fn required_text(problems: &mut Problems, field: &str, value: &str, max: usize) -> Option<String> {
    let sent = value;
    let value = value.trim();
    if value.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        problems.add(field, "must not be empty");
        None
    } else if value.chars().any(char::is_control) {
        problems.add(field, "must be one line, without control characters");
        None
    } else if sent.chars().count() > max {
        problems.add(field, format!("must be at most {max} characters"));
        None
    } else {
        Some(value.to_owned())
    }
}

/// Characters that take no space: zero-width spaces and joiners, word
/// joiners, the byte-order mark, soft hyphens.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}')
}

/// Trims an optional text: blank becomes absent. Lengths count the text as sent.
pub fn optional_text(problems: &mut Problems, field: &str, value: Option<String>, max: usize) -> Option<String> {
    let value = value?;
    let trimmed = value.trim();
    if value.chars().count() > max {
        problems.add(field, format!("must be at most {max} characters"));
        return None;
    }
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// An absolute http(s) URL.
pub fn check_url(problems: &mut Problems, field: &str, value: Option<String>) -> Option<String> {
    let value = value?;
    match url::Url::parse(value.trim()) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => Some(value.trim().to_owned()),
        _ => {
            problems.add(field, "must be an absolute http or https URL");
            None
        }
    }
}

/// A BCP 47 language tag in its common shape (`en`, `pt-BR`, `zh-Hant-TW`).
pub fn check_language(problems: &mut Problems, value: &str) -> Option<String> {
    let mut parts = value.split('-');
    let primary_ok =
        parts.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()));
    let rest_ok = parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if primary_ok && rest_ok {
        Some(value.to_owned())
    } else {
        problems.add("language", "must be a BCP 47 language tag such as `en` or `pt-BR`");
        None
    }
}

/// The article fields a write sets, as sent (`None` / `Patch::Absent`: this
/// write leaves the field as it is). An NDJSON record sets them all.
#[derive(Debug, Clone, Default)]
pub struct ArticleFields {
    pub headline: Option<String>,
    pub summary: Patch<String>,
    pub status: Option<String>,
    pub dateline: Patch<String>,
    pub canonical_url: Patch<String>,
    pub language: Option<String>,
}

/// The same fields checked and normalised (trimmed; blank optional text
/// cleared). A field with a problem is left unset, its problem recorded.
#[derive(Debug, Clone, Default)]
pub struct CheckedFields {
    pub headline: Option<String>,
    pub summary: Patch<String>,
    pub status: Option<Status>,
    pub dateline: Patch<String>,
    pub canonical_url: Patch<String>,
    pub language: Option<String>,
}

impl ArticleFields {
    pub fn check(self, problems: &mut Problems) -> CheckedFields {
        let text = |problems: &mut Problems, field: &str, patch: Patch<String>, max: usize| match patch {
            Patch::Absent => Patch::Absent,
            patch => optional_text(problems, field, patch.apply(None), max).into(),
        };
        CheckedFields {
            headline: self.headline.and_then(|h| required_text(problems, "headline", &h, MAX_HEADLINE_CHARS)),
            summary: text(problems, "summary", self.summary, MAX_SUMMARY_CHARS),
            status: self.status.and_then(|s| {
                s.parse::<Status>().map_err(|_| problems.add("status", "must be `draft` or `published`")).ok()
            }),
            dateline: text(problems, "dateline", self.dateline, MAX_SHORT_TEXT_CHARS),
            canonical_url: match self.canonical_url {
                Patch::Absent => Patch::Absent,
                patch => check_url(problems, "canonical_url", patch.apply(None)).into(),
            },
            language: self.language.and_then(|l| check_language(problems, l.trim())),
        }
    }
}

/// A published article has a publication time (REST and GraphQL give it
/// the time of the write when none is sent; a record must carry its own).
pub fn check_publication(problems: &mut Problems, status: Status, published_at: Option<DateTime<Utc>>) {
    if status == Status::Published && published_at.is_none() {
        problems.add("published_at", "is required when the status is `published`");
    }
}

/// A date every backend stores and orders the same way: years 0001–9999
/// (SQLite keeps text, so year 10000 sorted before 2020 and showed in the
/// public list while its page was a 404), no leap second (`:60`).
pub fn check_date(problems: &mut Problems, field: &str, at: DateTime<Utc>) {
    use chrono::{Datelike, Timelike};
    if !(1..=9999).contains(&at.year()) {
        problems.add(field, "must be a date in the years 0001 to 9999");
    } else if at.nanosecond() >= 1_000_000_000 {
        problems.add(field, "must not be a leap second (`:60`)");
    }
}

/// The ids of an article's tags, in order; `id_of` finds a tag by slug.
pub fn check_tags(problems: &mut Problems, slugs: &[String], id_of: impl Fn(&str) -> Option<i64>) -> Vec<i64> {
    let mut ids = Vec::with_capacity(slugs.len());
    for (i, slug) in slugs.iter().enumerate() {
        match id_of(slug) {
            None => problems.add(format!("tags[{i}]"), format!("no tag `{slug}`")),
            Some(id) if ids.contains(&id) => {
                problems.add(format!("tags[{i}]"), format!("tag `{slug}` is listed twice"))
            }
            Some(id) => ids.push(id),
        }
    }
    ids
}

/// The byline of an article: author ids with roles, in order; `id_of`
/// finds the author of the byline at an index.
pub fn check_bylines(
    problems: &mut Problems,
    bylines: &[BylineInput],
    id_of: impl Fn(usize) -> Option<i64>,
) -> Vec<(i64, Role)> {
    let mut entries: Vec<(i64, Role)> = Vec::with_capacity(bylines.len());
    for (i, byline) in bylines.iter().enumerate() {
        let role = match byline.role.as_deref() {
            None => Some(Role::Author),
            Some(r) => r.parse::<Role>().ok().or_else(|| {
                problems.add(format!("bylines[{i}].role"), "must be author, contributor, editor or photographer");
                None
            }),
        };
        match (id_of(i), role) {
            (None, _) => problems.add(format!("bylines[{i}].author"), format!("no author `{}`", byline.author)),
            (Some(id), _) if entries.iter().any(|(e, _)| *e == id) => {
                problems.add(format!("bylines[{i}].author"), "this author is already on the byline")
            }
            (Some(id), Some(role)) => entries.push((id, role)),
            (Some(_), None) => {}
        }
    }
    entries
}
