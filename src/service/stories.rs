//! Plain-text stories into articles: the same headline (slug) and date is
//! the same story; bylines name authors, created when new.

use chrono::{DateTime, Utc};

use super::import::{ImportOptions, Outcome};
use crate::domain::story::Story;
use crate::domain::time::{now, to_stored};
use crate::domain::{
    required_text, ArticleInput, BylineInput, Change, Patch, Problems, Reference, Slug, MAX_SHORT_TEXT_CHARS,
};
use crate::error::AppError;
use crate::store::articles as store;
use crate::store::slugged::{self, AuthorValues};
use crate::store::{Db, DbConnection};

/// Imports one plain-text story: the same headline (slug) and date is the
/// same story. Authors are matched by slug, created when new.
pub async fn import_story(db: &Db, story: Story, options: ImportOptions) -> Result<(Outcome, String), AppError> {
    db.write(move |conn| {
        let at = now();
        let slug = Slug::derive(&story.headline, "article").into_string();
        let existing = store::find_row(conn, &Reference::Slug(slug.clone()))?
            .filter(|row| row.published_at == Some(to_stored(story.published_at)));
        if existing.is_some() && !options.update {
            return Ok(((Outcome::Unchanged, slug), Vec::new()));
        }
        let mut bylines = Vec::with_capacity(story.bylines.len());
        let mut changed = Vec::new();
        for name in &story.bylines {
            let (slug, created) = author_for(conn, name, at)?;
            changed.extend(created.map(Change::Author));
            bylines.push(BylineInput { author: slug, role: None });
        }
        let input = ArticleInput {
            slug: existing.as_ref().map(|row| row.slug.clone()),
            headline: Some(story.headline.clone()),
            body: Some(story.body.clone()),
            status: Some(if options.draft { "draft" } else { "published" }.to_owned()),
            published_at: Patch::Value(story.published_at),
            bylines: Some(bylines),
            ..ArticleInput::default()
        };
        let outcome = if existing.is_some() { Outcome::Updated } else { Outcome::Imported };
        let id = crate::service::articles::write_article(conn, existing, input, at)?;
        let slug = store::find_row(conn, &Reference::Id(id))?.map(|r| r.slug).unwrap_or(slug);
        changed.push(Change::article(id, !options.draft, Some(story.published_at), at));
        Ok(((outcome, slug), changed))
    })
    .await
}

/// The slug of the author with this name, created when there is none (and
/// then the new author's id).
fn author_for(conn: &mut DbConnection, name: &str, at: DateTime<Utc>) -> Result<(String, Option<i64>), AppError> {
    let slug = Slug::derive(name, "author").into_string();
    let mut created = None;
    if slugged::find_author(conn, &Reference::Slug(slug.clone()))?.is_none() {
        let mut problems = Problems::default();
        let name = required_text(&mut problems, "byline", name, MAX_SHORT_TEXT_CHARS)
            .ok_or_else(|| AppError::Invalid(problems.0))?;
        let stored = to_stored(at);
        let values = AuthorValues {
            slug: slug.clone(),
            name,
            bio: None,
            avatar_url: None,
            created_at: stored,
            updated_at: stored,
        };
        created = Some(slugged::insert_author(conn, &values)?);
    }
    Ok((slug, created))
}
