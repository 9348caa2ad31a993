//! The demo newsroom `serve --demo` loads into an empty store: a dozen
//! articles with bylines, sections, tags and related links, one draft and
//! one scheduled article. It goes through the same use cases as the API.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::domain::{ArticleFilter, ArticleInput, BylineInput, Patch, RelatedInput, Scope, StatusFilter, Viewer};
use crate::error::AppError;
use crate::service::articles;
use crate::service::authors::{self, AuthorInput};
use crate::service::taxonomy::{self, SectionInput, TagInput};
use crate::store::Db;

const NEWSROOM: &str = include_str!("demo_newsroom.json");

#[derive(Deserialize)]
struct Newsroom {
    sections: Vec<Named>,
    tags: Vec<Named>,
    authors: Vec<Named>,
    articles: Vec<DemoArticle>,
}

#[derive(Deserialize)]
struct Named {
    slug: String,
    name: String,
    description: Option<String>,
    bio: Option<String>,
}

#[derive(Deserialize)]
struct DemoByline {
    author: String,
    role: String,
}

#[derive(Deserialize)]
struct DemoArticle {
    slug: String,
    headline: String,
    summary: Option<String>,
    dateline: Option<String>,
    section: String,
    tags: Vec<String>,
    status: String,
    published_at: Option<DateTime<Utc>>,
    /// For the scheduled example: relative to the moment of loading.
    published_at_days_from_now: Option<i64>,
    bylines: Vec<DemoByline>,
    body: String,
    #[serde(default)]
    related: Vec<DemoLink>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DemoLink {
    Article { article: String },
    External { url: String, title: String },
}

/// Loads the demo newsroom unless the store already has articles; true when loaded.
pub async fn load_if_empty(db: &Db) -> Result<bool, AppError> {
    let editor = Viewer::with_scope(Scope::Admin);
    let any = ArticleFilter { status: StatusFilter::Any, ..ArticleFilter::default() };
    if !articles::list(db, &editor, any).await?.items.is_empty() {
        return Ok(false);
    }
    let newsroom: Newsroom =
        serde_json::from_str(NEWSROOM).map_err(|e| AppError::Internal(anyhow::anyhow!("demo content: {e}")))?;
    for s in newsroom.sections {
        let input = SectionInput { slug: Some(s.slug), name: Some(s.name), description: s.description.into() };
        taxonomy::save_section(db, &editor, None, input).await?;
    }
    for t in newsroom.tags {
        taxonomy::save_tag(db, &editor, None, TagInput { slug: Some(t.slug), name: Some(t.name) }).await?;
    }
    for a in newsroom.authors {
        let input =
            AuthorInput { slug: Some(a.slug), name: Some(a.name), bio: a.bio.into(), avatar_url: Patch::Absent };
        authors::save_author(db, &editor, None, input).await?;
    }
    let mut links = Vec::new();
    for a in newsroom.articles {
        let published_at = a.published_at.or(a.published_at_days_from_now.map(|d| Utc::now() + Duration::days(d)));
        let input = ArticleInput {
            slug: Some(a.slug.clone()),
            headline: Some(a.headline),
            summary: a.summary.into(),
            body: Some(a.body),
            status: Some(a.status),
            published_at: published_at.map_or(Patch::Absent, Patch::Value),
            dateline: a.dateline.into(),
            section: Patch::Value(a.section),
            tags: Some(a.tags),
            bylines: Some(
                a.bylines.into_iter().map(|b| BylineInput { author: b.author, role: Some(b.role) }).collect(),
            ),
            language: None,
            canonical_url: Patch::Absent,
        };
        articles::create(db, &editor, input).await?;
        links.push((a.slug, a.related));
    }
    // Links go in once every target exists.
    for (slug, related) in links.into_iter().filter(|(_, r)| !r.is_empty()) {
        let related = related
            .into_iter()
            .map(|l| match l {
                DemoLink::Article { article } => RelatedInput::Article(article),
                DemoLink::External { url, title } => RelatedInput::External { url, title },
            })
            .collect();
        articles::set_related(db, &editor, &slug, related).await?;
    }
    Ok(true)
}
