//! Authors: read, list, create, update, delete.

use super::slugged::{self, named, write_and_reload, Kind, Named, SlugPage};
use crate::domain::time::{now, to_stored};
use crate::domain::{
    check_url, optional_text, Author, Change, Page, Patch, Problems, Reference, Scope, Viewer, MAX_SUMMARY_CHARS,
};
use crate::error::AppError;
use crate::store::slugged::{AuthorValues, AuthorsTable as Authors};
use crate::store::Db;

#[derive(Debug, Clone, Default)]
pub struct AuthorInput {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub bio: Patch<String>,
    pub avatar_url: Patch<String>,
}

impl Kind for Authors {
    const NAME: &'static str = "author";
    const USED_BY: &'static str = "bylines";
    type Item = Author;
    fn slug_of(item: &Author) -> &str {
        &item.slug
    }
    fn change(id: i64) -> Change {
        Change::Author(id)
    }
}

pub async fn get_author(db: &Db, reference: &str) -> Result<Author, AppError> {
    slugged::get::<Authors>(db, reference).await
}

pub async fn list_authors(db: &Db, page: SlugPage) -> Result<Page<Author>, AppError> {
    slugged::list::<Authors>(db, page).await
}

pub async fn delete_author(db: &Db, viewer: &Viewer, reference: &str) -> Result<(), AppError> {
    slugged::delete::<Authors>(db, viewer, reference).await
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
        let mut problems = Problems::default();
        let Named { current, name, slug } =
            named::<Authors>(conn, &mut problems, reference.as_ref(), input.name.as_deref(), input.slug.as_deref())?;
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
        let created_at = current.as_ref().map(|c| c.created_at).unwrap_or(at);
        let values = AuthorValues { slug: slug.clone(), name, bio, avatar_url, created_at, updated_at: at };
        write_and_reload::<Authors>(conn, current.as_ref(), &slug, &values)
    })
    .await
}
