//! Use cases: each runs the domain rules and the store calls of one request,
//! in one transaction where it writes. REST, GraphQL, the CLI and the
//! importers call only these, so validation and visibility exist once.

pub mod articles;
pub mod authors;
pub mod demo;
pub mod export;
pub mod import;
pub mod import_links;
pub mod keys;
pub mod slugged;
pub mod stories;
pub mod taxonomy;

use crate::domain::Slug;

/// The first of `base`, `base-2`, `base-3`, … not among `taken`.
pub(crate) fn unique_slug(base: Slug, taken: &[String]) -> Slug {
    if !taken.iter().any(|t| t == base.as_str()) {
        return base;
    }
    (2..).map(|n| base.with_suffix(n)).find(|candidate| !taken.iter().any(|t| t == candidate.as_str())).unwrap_or(base)
}

/// Parses a client-given slug, or derives one from `text` and makes it unique.
pub(crate) fn choose_slug(
    problems: &mut crate::domain::Problems,
    given: Option<&str>,
    text: &str,
    fallback: &str,
    taken_like: impl FnOnce(&str) -> Result<Vec<String>, crate::error::AppError>,
) -> Result<Option<Slug>, crate::error::AppError> {
    match given {
        Some(given) => match Slug::parse(given) {
            Ok(slug) => Ok(Some(slug)),
            Err(message) => {
                problems.add("slug", message);
                Ok(None)
            }
        },
        None => {
            let base = Slug::derive(text, fallback);
            let taken = taken_like(base.as_str())?;
            Ok(Some(unique_slug(base, &taken)))
        }
    }
}
