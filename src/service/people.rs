//! Authors, sections and tags: read, list, create, update, delete.

use super::choose_slug;
use crate::domain::time::{now, to_stored};
use crate::domain::{
    check_url, decode_slug_cursor, encode_slug_cursor, optional_text, required_text, Author, Change, Limit, Page,
    Patch, Problems, Reference, Scope, Section, Slug, Tag, Viewer, MAX_SHORT_TEXT_CHARS, MAX_SUMMARY_CHARS,
};
use crate::error::AppError;
use crate::store::people::{self as store, AuthorValues, SectionValues, TagValues};
use crate::store::{Db, DbConnection};

#[derive(Debug, Clone, Default)]
pub struct AuthorInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub bio: Patch<String>,
    pub avatar_url: Patch<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SectionInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Patch<String>,
}

#[derive(Debug, Clone, Default)]
pub struct TagInput {
    pub slug: Option<String>,
    pub name: Option<String>,
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

// ---- authors ----

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

// ---- sections ----

pub async fn get_section(db: &Db, reference: &str) -> Result<Section, AppError> {
    let reference = Reference::parse(reference);
    db.run(move |conn| {
        store::find_section(conn, &reference)?
            .map(Into::into)
            .ok_or_else(|| AppError::not_found("section", reference.to_string()))
    })
    .await
}

pub async fn list_sections(db: &Db, page: SlugPage) -> Result<Page<Section>, AppError> {
    let after = page.cursor.as_deref().map(decode_slug_cursor).transpose()?;
    let limit = page.limit;
    let rows = db.run(move |conn| Ok(store::list_sections(conn, after.as_deref(), limit.get())?)).await?;
    Ok(into_page(rows.into_iter().map(Section::from).collect(), limit, |s| &s.slug))
}

/// Every section, by slug (a newsroom has a few dozen at most).
pub async fn all_sections(db: &Db) -> Result<Vec<Section>, AppError> {
    const ALL: u32 = 1000;
    let rows = db.run(move |conn| Ok(store::list_sections(conn, None, ALL)?)).await?;
    Ok(rows.into_iter().take(ALL as usize).map(Section::from).collect())
}

pub async fn save_section(
    db: &Db,
    viewer: &Viewer,
    reference: Option<&str>,
    input: SectionInput,
) -> Result<Section, AppError> {
    viewer.require(Scope::Write)?;
    let reference = reference.map(Reference::parse);
    db.write(move |conn| {
        let current = match &reference {
            Some(r) => {
                Some(store::find_section(conn, r)?.ok_or_else(|| AppError::not_found("section", r.to_string()))?)
            }
            None => None,
        };
        let mut problems = Problems::default();
        let (name, slug) = name_and_slug(
            conn,
            &mut problems,
            input.name.as_deref(),
            input.slug.as_deref(),
            current.as_ref().map(|c| (c.name.as_str(), c.slug.as_str())),
            "section",
            store::section_slugs_starting_with,
        )?;
        let description = optional_text(
            &mut problems,
            "description",
            input.description.apply(current.as_ref().and_then(|c| c.description.clone())),
            MAX_SUMMARY_CHARS,
        );
        let (Some(name), Some(slug), true) = (name, slug, problems.is_empty()) else {
            return Err(AppError::Invalid(problems.0));
        };
        if current.as_ref().is_none_or(|c| c.slug != slug) {
            ensure_free(store::find_section(conn, &Reference::Slug(slug.clone()))?.is_some(), "section", &slug)?;
        }
        let values = SectionValues { slug, name, description };
        let id = match &current {
            Some(c) => {
                store::update_section(conn, c.id, &values)?;
                c.id
            }
            None => store::insert_section(conn, &values)?,
        };
        store::find_section(conn, &Reference::Id(id))?
            .map(Into::into)
            .ok_or_else(|| AppError::not_found("section", id.to_string()))
            .map(|saved| (saved, vec![Change::Section(id)]))
    })
    .await
}

pub async fn delete_section(db: &Db, viewer: &Viewer, reference: &str) -> Result<(), AppError> {
    viewer.require(Scope::Write)?;
    let reference = Reference::parse(reference);
    db.write(move |conn| {
        let row = store::find_section(conn, &reference)?
            .ok_or_else(|| AppError::not_found("section", reference.to_string()))?;
        store::delete_section(conn, row.id)
            .map_err(AppError::from)
            .map_err(in_use("section", &reference, "articles"))?;
        Ok(((), vec![Change::Section(row.id)]))
    })
    .await
}

// ---- tags ----

pub async fn get_tag(db: &Db, reference: &str) -> Result<Tag, AppError> {
    let reference = Reference::parse(reference);
    db.run(move |conn| {
        store::find_tag(conn, &reference)?
            .map(Into::into)
            .ok_or_else(|| AppError::not_found("tag", reference.to_string()))
    })
    .await
}

pub async fn list_tags(db: &Db, page: SlugPage) -> Result<Page<Tag>, AppError> {
    let after = page.cursor.as_deref().map(decode_slug_cursor).transpose()?;
    let limit = page.limit;
    let rows = db.run(move |conn| Ok(store::list_tags(conn, after.as_deref(), limit.get())?)).await?;
    Ok(into_page(rows.into_iter().map(Tag::from).collect(), limit, |t| &t.slug))
}

pub async fn save_tag(db: &Db, viewer: &Viewer, reference: Option<&str>, input: TagInput) -> Result<Tag, AppError> {
    viewer.require(Scope::Write)?;
    let reference = reference.map(Reference::parse);
    db.write(move |conn| {
        let current = match &reference {
            Some(r) => Some(store::find_tag(conn, r)?.ok_or_else(|| AppError::not_found("tag", r.to_string()))?),
            None => None,
        };
        let mut problems = Problems::default();
        let (name, slug) = name_and_slug(
            conn,
            &mut problems,
            input.name.as_deref(),
            input.slug.as_deref(),
            current.as_ref().map(|c| (c.name.as_str(), c.slug.as_str())),
            "tag",
            store::tag_slugs_starting_with,
        )?;
        let (Some(name), Some(slug), true) = (name, slug, problems.is_empty()) else {
            return Err(AppError::Invalid(problems.0));
        };
        if current.as_ref().is_none_or(|c| c.slug != slug) {
            ensure_free(store::find_tag(conn, &Reference::Slug(slug.clone()))?.is_some(), "tag", &slug)?;
        }
        let values = TagValues { slug, name };
        let id = match &current {
            Some(c) => {
                store::update_tag(conn, c.id, &values)?;
                c.id
            }
            None => store::insert_tag(conn, &values)?,
        };
        store::find_tag(conn, &Reference::Id(id))?
            .map(Into::into)
            .ok_or_else(|| AppError::not_found("tag", id.to_string()))
            .map(|saved| (saved, vec![Change::Tag(id)]))
    })
    .await
}

pub async fn delete_tag(db: &Db, viewer: &Viewer, reference: &str) -> Result<(), AppError> {
    viewer.require(Scope::Write)?;
    let reference = Reference::parse(reference);
    db.write(move |conn| {
        let row =
            store::find_tag(conn, &reference)?.ok_or_else(|| AppError::not_found("tag", reference.to_string()))?;
        store::delete_tag(conn, row.id).map_err(AppError::from).map_err(in_use("tag", &reference, "articles"))?;
        Ok(((), vec![Change::Tag(row.id)]))
    })
    .await
}
