//! Sections and tags, the two ways articles are filed: read, list, create,
//! update, delete.

use super::slugged::{ensure_free, in_use, into_page, name_and_slug, SlugPage};
use crate::domain::{
    decode_slug_cursor, optional_text, Change, Page, Patch, Problems, Reference, Scope, Section, Tag, Viewer,
    MAX_SUMMARY_CHARS,
};
use crate::error::AppError;
use crate::store::slugged::{self as store, SectionValues, TagValues};
use crate::store::Db;

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
