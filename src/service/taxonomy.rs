//! Sections and tags, the two ways articles are filed: read, list, create,
//! update, delete.

use super::slugged::{self, named, write_and_reload, Kind, Named, SlugPage};
use crate::domain::{
    optional_text, Change, Page, Patch, Problems, Reference, Scope, Section, Tag, Viewer, MAX_SUMMARY_CHARS,
};
use crate::error::AppError;
use crate::store::slugged::{SectionValues, SectionsTable as Sections, TagValues, TagsTable as Tags};
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

impl Kind for Sections {
    const NAME: &'static str = "section";
    const USED_BY: &'static str = "articles";
    type Item = Section;
    fn slug_of(item: &Section) -> &str {
        &item.slug
    }
    fn change(id: i64) -> Change {
        Change::Section(id)
    }
}

impl Kind for Tags {
    const NAME: &'static str = "tag";
    const USED_BY: &'static str = "articles";
    type Item = Tag;
    fn slug_of(item: &Tag) -> &str {
        &item.slug
    }
    fn change(id: i64) -> Change {
        Change::Tag(id)
    }
}

pub async fn get_section(db: &Db, reference: &str) -> Result<Section, AppError> {
    slugged::get::<Sections>(db, reference).await
}

pub async fn list_sections(db: &Db, page: SlugPage) -> Result<Page<Section>, AppError> {
    slugged::list::<Sections>(db, page).await
}

/// Every section, by slug (a newsroom has a few dozen at most).
pub async fn all_sections(db: &Db) -> Result<Vec<Section>, AppError> {
    const ALL: u32 = 1000;
    let rows = db.run(move |conn| Ok(crate::store::slugged::list_sections(conn, None, ALL)?)).await?;
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
        let mut problems = Problems::default();
        let Named { current, name, slug } =
            named::<Sections>(conn, &mut problems, reference.as_ref(), input.name.as_deref(), input.slug.as_deref())?;
        let description = optional_text(
            &mut problems,
            "description",
            input.description.apply(current.as_ref().and_then(|c| c.description.clone())),
            MAX_SUMMARY_CHARS,
        );
        let (Some(name), Some(slug), true) = (name, slug, problems.is_empty()) else {
            return Err(AppError::Invalid(problems.0));
        };
        let values = SectionValues { slug: slug.clone(), name, description };
        write_and_reload::<Sections>(conn, current.as_ref(), &slug, &values)
    })
    .await
}

pub async fn delete_section(db: &Db, viewer: &Viewer, reference: &str) -> Result<(), AppError> {
    slugged::delete::<Sections>(db, viewer, reference).await
}

pub async fn get_tag(db: &Db, reference: &str) -> Result<Tag, AppError> {
    slugged::get::<Tags>(db, reference).await
}

pub async fn list_tags(db: &Db, page: SlugPage) -> Result<Page<Tag>, AppError> {
    slugged::list::<Tags>(db, page).await
}

pub async fn save_tag(db: &Db, viewer: &Viewer, reference: Option<&str>, input: TagInput) -> Result<Tag, AppError> {
    viewer.require(Scope::Write)?;
    let reference = reference.map(Reference::parse);
    db.write(move |conn| {
        let mut problems = Problems::default();
        let Named { current, name, slug } =
            named::<Tags>(conn, &mut problems, reference.as_ref(), input.name.as_deref(), input.slug.as_deref())?;
        let (Some(name), Some(slug), true) = (name, slug, problems.is_empty()) else {
            return Err(AppError::Invalid(problems.0));
        };
        let values = TagValues { slug: slug.clone(), name };
        write_and_reload::<Tags>(conn, current.as_ref(), &slug, &values)
    })
    .await
}

pub async fn delete_tag(db: &Db, viewer: &Viewer, reference: &str) -> Result<(), AppError> {
    slugged::delete::<Tags>(db, viewer, reference).await
}
