//! What the author, section and tag use cases share: read, list and delete
//! written once over `Kind`, the write's common part (the current row, the
//! name and its given, kept or derived slug, a free slug, write and read
//! back), and clear conflicts. Each kind adds only its own fields' rules.

use super::choose_slug;
use crate::domain::{
    decode_slug_cursor, encode_slug_cursor, required_text, Change, Limit, Page, Problems, Reference, Scope, Slug,
    Viewer, MAX_SHORT_TEXT_CHARS,
};
use crate::error::AppError;
use crate::store::slugged::SluggedTable;
use crate::store::{serialise_slug_choice, Db, DbConnection};

/// One of the three slugged kinds, as its use cases need it: its table's
/// queries (`SluggedTable`) and what the domain calls it.
pub(super) trait Kind: SluggedTable {
    /// As a person reads it: `author`, `section`, `tag`.
    const NAME: &'static str;
    /// What keeps one from being deleted: `bylines`, `articles`.
    const USED_BY: &'static str;
    type Item: From<Self::Row> + Send + 'static;
    fn slug_of(item: &Self::Item) -> &str;
    fn change(id: i64) -> Change;
}

/// One by id or slug.
pub(super) async fn get<K: Kind>(db: &Db, reference: &str) -> Result<K::Item, AppError> {
    let reference = Reference::parse(reference);
    db.run(move |conn| {
        K::find(conn, &reference)?.map(Into::into).ok_or_else(|| AppError::not_found(K::NAME, reference.to_string()))
    })
    .await
}

/// A page in slug order.
pub(super) async fn list<K: Kind>(db: &Db, page: SlugPage) -> Result<Page<K::Item>, AppError> {
    let after = page.cursor.as_deref().map(decode_slug_cursor).transpose()?;
    let limit = page.limit;
    let rows = db.run(move |conn| Ok(K::list(conn, after.as_deref(), limit.get())?)).await?;
    Ok(into_page(rows.into_iter().map(K::Item::from).collect(), limit, K::slug_of))
}

/// Deletes one; a 409 naming what still uses it.
pub(super) async fn delete<K: Kind>(db: &Db, viewer: &Viewer, reference: &str) -> Result<(), AppError> {
    viewer.require(Scope::Write)?;
    let reference = Reference::parse(reference);
    db.write(move |conn| {
        let row = K::find(conn, &reference)?.ok_or_else(|| AppError::not_found(K::NAME, reference.to_string()))?;
        let (id, _, _) = K::identity(&row);
        K::delete(conn, id).map_err(AppError::from).map_err(in_use(K::NAME, &reference, K::USED_BY))?;
        Ok(((), vec![K::change(id)]))
    })
    .await
}

/// A save's checked name and slug, with the row it changes (`None`: a create).
pub(super) struct Named<K: Kind> {
    pub current: Option<K::Row>,
    pub name: Option<String>,
    pub slug: Option<String>,
}

/// The first half of every save: the row `reference` names (a 404 when
/// there is none), and the name and slug, checked.
pub(super) fn named<K: Kind>(
    conn: &mut DbConnection,
    problems: &mut Problems,
    reference: Option<&Reference>,
    name: Option<&str>,
    slug: Option<&str>,
) -> Result<Named<K>, AppError> {
    let current = match reference {
        Some(r) => Some(K::find(conn, r)?.ok_or_else(|| AppError::not_found(K::NAME, r.to_string()))?),
        None => None,
    };
    let identity = current.as_ref().map(|row| {
        let (_, name, slug) = K::identity(row);
        (name, slug)
    });
    if slug.is_some() || identity.is_none() {
        serialise_slug_choice(conn, K::NAME)?;
    }
    let (name, slug) = name_and_slug(conn, problems, name, slug, identity, K::NAME, K::slugs_like)?;
    Ok(Named { current, name, slug })
}

/// The second half: refuses a slug another row has, writes, and reads the
/// saved row back.
pub(super) fn write_and_reload<K: Kind>(
    conn: &mut DbConnection,
    current: Option<&K::Row>,
    slug: &str,
    values: &K::Values,
) -> Result<(K::Item, Vec<Change>), AppError> {
    let identity = current.map(K::identity);
    if identity.is_none_or(|(_, _, current_slug)| current_slug != slug) {
        ensure_free(K::find(conn, &Reference::Slug(slug.to_owned()))?.is_some(), K::NAME, slug)?;
    }
    let id = match identity {
        Some((id, _, _)) => {
            K::update(conn, id, values)?;
            id
        }
        None => K::insert(conn, values)?,
    };
    K::find(conn, &Reference::Id(id))?
        .map(Into::into)
        .ok_or_else(|| AppError::not_found(K::NAME, id.to_string()))
        .map(|saved| (saved, vec![K::change(id)]))
}

/// A page request over a slug-ordered list.
#[derive(Debug, Clone, Default)]
pub struct SlugPage {
    pub limit: Limit,
    pub cursor: Option<String>,
}

fn into_page<T>(mut items: Vec<T>, limit: Limit, slug_of: impl Fn(&T) -> &str) -> Page<T> {
    let more = items.len() > limit.get() as usize;
    items.truncate(limit.get() as usize);
    let next_cursor = if more { items.last().map(|last| encode_slug_cursor(slug_of(last))) } else { None };
    Page { items, next_cursor }
}

/// Name and slug, shared by the three kinds: the slug is given, kept or derived.
fn name_and_slug(
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
fn ensure_free(taken: bool, kind: &str, slug: &str) -> Result<(), AppError> {
    if taken {
        Err(AppError::Conflict(format!("{kind} slug `{slug}` already exists")))
    } else {
        Ok(())
    }
}

fn in_use(kind: &'static str, reference: &Reference, what: &str) -> impl FnOnce(AppError) -> AppError {
    let message = format!("{kind} `{reference}` is still used by {what}; remove it from them first");
    move |error| match error {
        AppError::Conflict(_) => AppError::Conflict(message),
        other => other,
    }
}
