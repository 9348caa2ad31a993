//! Authors: read, list, create, update, delete.

use super::slugged::{ensure_free, in_use, into_page, name_and_slug, SlugPage};
use crate::domain::time::{now, to_stored};
use crate::domain::{
    check_url, decode_slug_cursor, optional_text, Author, Change, Page, Patch, Problems, Reference, Scope, Viewer,
    MAX_SUMMARY_CHARS,
};
use crate::error::AppError;
use crate::store::slugged::{self as store, AuthorValues};
use crate::store::Db;

#[derive(Debug, Clone, Default)]
pub struct AuthorInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub bio: Patch<String>,
    pub avatar_url: Patch<String>,
}

pub async fn get_author(db: &Db, reference: &str) -> Result<Author, AppError> {
    let reference = Reference::parse(reference);
    db.run(move |conn| {
        store::find_author(conn, &reference)?
            .map(Into::into)
            .ok_or_else(|| AppError::not_found("author", reference.to_string()))
    })
    .await
}

pub async fn list_authors(db: &Db, page: SlugPage) -> Result<Page<Author>, AppError> {
    let after = page.cursor.as_deref().map(decode_slug_cursor).transpose()?;
    let limit = page.limit;
    let rows = db.run(move |conn| Ok(store::list_authors(conn, after.as_deref(), limit.get())?)).await?;
    Ok(into_page(rows.into_iter().map(Author::from).collect(), limit, |a| &a.slug))
}

pub async fn save_author(
    db: &Db,
    viewer: &Viewer,
    reference: Option<&str>,
    input: AuthorInput,
) -> Result<Author, AppError> {
    viewer.require(Scope::Write)?;
    let reference = reference.map(Reference::parse);
    db.write(move |conn| {
        let current = match &reference {
            Some(r) => Some(store::find_author(conn, r)?.ok_or_else(|| AppError::not_found("author", r.to_string()))?),
            None => None,
        };
        let mut problems = Problems::default();
        let (name, slug) = name_and_slug(
            conn,
            &mut problems,
            input.name.as_deref(),
            input.slug.as_deref(),
            current.as_ref().map(|c| (c.name.as_str(), c.slug.as_str())),
            "author",
            store::author_slugs_starting_with,
        )?;
        let bio = optional_text(
            &mut problems,
            "bio",
            input.bio.apply(current.as_ref().and_then(|c| c.bio.clone())),
            MAX_SUMMARY_CHARS,
        );
        let avatar_url = check_url(
            &mut problems,
            "avatar_url",
            input.avatar_url.apply(current.as_ref().and_then(|c| c.avatar_url.clone())),
        );
        let (Some(name), Some(slug), true) = (name, slug, problems.is_empty()) else {
            return Err(AppError::Invalid(problems.0));
        };
        let at = to_stored(now());
        if current.as_ref().is_none_or(|c| c.slug != slug) {
            ensure_free(store::find_author(conn, &Reference::Slug(slug.clone()))?.is_some(), "author", &slug)?;
        }
        let values = AuthorValues {
            slug,
            name,
            bio,
            avatar_url,
            created_at: current.as_ref().map(|c| c.created_at).unwrap_or(at),
            updated_at: at,
        };
        let id = match &current {
            Some(c) => {
                store::update_author(conn, c.id, &values)?;
                c.id
            }
            None => store::insert_author(conn, &values)?,
        };
        store::find_author(conn, &Reference::Id(id))?
            .map(Into::into)
            .ok_or_else(|| AppError::not_found("author", id.to_string()))
            .map(|saved| (saved, vec![Change::Author(id)]))
    })
    .await
}

pub async fn delete_author(db: &Db, viewer: &Viewer, reference: &str) -> Result<(), AppError> {
    viewer.require(Scope::Write)?;
    let reference = Reference::parse(reference);
    db.write(move |conn| {
        let row = store::find_author(conn, &reference)?
            .ok_or_else(|| AppError::not_found("author", reference.to_string()))?;
        store::delete_author(conn, row.id).map_err(AppError::from).map_err(in_use("author", &reference, "bylines"))?;
        Ok(((), vec![Change::Author(row.id)]))
    })
    .await
}
