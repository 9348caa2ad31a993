//! What the author, section and tag use cases share: slug-ordered pages,
//! a name with its given, kept or derived slug, and clear conflicts.

use super::choose_slug;
use crate::domain::{encode_slug_cursor, required_text, Limit, Page, Problems, Reference, Slug, MAX_SHORT_TEXT_CHARS};
use crate::error::AppError;
use crate::store::DbConnection;

/// A page request over a slug-ordered list.
#[derive(Debug, Clone, Default)]
pub struct SlugPage {
    pub limit: Limit,
    pub cursor: Option<String>,
}

pub(super) fn into_page<T>(mut items: Vec<T>, limit: Limit, slug_of: impl Fn(&T) -> &str) -> Page<T> {
    let more = items.len() > limit.get() as usize;
    items.truncate(limit.get() as usize);
    let next_cursor = if more { items.last().map(|last| encode_slug_cursor(slug_of(last))) } else { None };
    Page { items, next_cursor }
}

/// Name and slug, shared by the three kinds: the slug is given, kept or derived.
pub(super) fn name_and_slug(
    conn: &mut DbConnection,
    problems: &mut Problems,
    given_name: Option<&str>,
    given_slug: Option<&str>,
    current: Option<(&str, &str)>,
    fallback: &str,
    taken_like: fn(&mut DbConnection, &str) -> diesel::QueryResult<Vec<String>>,
) -> Result<(Option<String>, Option<String>), AppError> {
    let name = match (given_name, current) {
        (Some(n), _) => required_text(problems, "name", n, MAX_SHORT_TEXT_CHARS),
        (None, Some((name, _))) => Some(name.to_owned()),
        (None, None) => {
            problems.add("name", "is required");
            None
        }
    };
    let slug = match (given_slug, current) {
        (None, Some((_, slug))) => Some(slug.to_owned()),
        (given, _) => choose_slug(problems, given, name.as_deref().unwrap_or_default(), fallback, |base| {
            Ok(taken_like(conn, base)?)
        })?
        .map(Slug::into_string),
    };
    Ok((name, slug))
}

/// A 409 with a clear message when a slug is already used by another row.
pub(super) fn ensure_free(taken: bool, kind: &str, slug: &str) -> Result<(), AppError> {
    if taken {
        Err(AppError::Conflict(format!("{kind} slug `{slug}` already exists")))
    } else {
        Ok(())
    }
}

pub(super) fn in_use(kind: &'static str, reference: &Reference, what: &str) -> impl FnOnce(AppError) -> AppError {
    let message = format!("{kind} `{reference}` is still used by {what}; remove it from them first");
    move |error| match error {
        AppError::Conflict(_) => AppError::Conflict(message),
        other => other,
    }
}
