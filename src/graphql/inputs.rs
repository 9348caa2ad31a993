//! GraphQL inputs: filters, sort, paging and write inputs, converted into the
//! same domain values REST uses (one set of rules).

use async_graphql::{Enum, InputObject, MaybeUndefined, Result};

use super::bad_input;
use super::scalars::{ArticleStatus, BylineRole, DateTime};
use crate::domain::{
    self, ArticleCursor, ArticleFilter, ArticleSort, Limit, Patch, Reference, RelatedInput, SearchQuery, StatusFilter,
    MAX_TAG_FILTERS,
};
use crate::service::authors::AuthorInput;
use crate::service::taxonomy::{SectionInput, TagInput};

/// Which articles by status; all but `PUBLISHED` need a preview key.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum StatusFilterInput {
    /// Public articles (the default).
    Published,
    /// Drafts.
    Draft,
    /// Published with a future date.
    Scheduled,
    /// Everything.
    Any,
}

/// Article order.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum ArticleSortInput {
    /// Newest first (the default).
    #[default]
    PublishedAtDesc,
    /// Oldest first.
    PublishedAtAsc,
    /// Most recently changed first.
    UpdatedAtDesc,
    /// Best search match first: needs `filter.query`, and is its default.
    Relevance,
}

impl From<ArticleSortInput> for ArticleSort {
    fn from(sort: ArticleSortInput) -> Self {
        match sort {
            ArticleSortInput::PublishedAtDesc => Self::PublishedDesc,
            ArticleSortInput::PublishedAtAsc => Self::PublishedAsc,
            ArticleSortInput::UpdatedAtDesc => Self::UpdatedDesc,
            ArticleSortInput::Relevance => Self::Relevance,
        }
    }
}

/// Filters of an article list (the same as REST's query parameters).
#[derive(InputObject, Default)]
#[graphql(name = "ArticleFilter")]
pub struct ArticleFilterInput {
    /// Section slug.
    pub section: Option<String>,
    /// Tag slugs: all must match; at most 10.
    pub tags: Option<Vec<String>>,
    /// Author id or slug.
    pub author: Option<String>,
    /// Published at or after (inclusive).
    pub published_after: Option<DateTime>,
    /// Published before (exclusive).
    pub published_before: Option<DateTime>,
    /// Status; `PUBLISHED` by default.
    pub status: Option<StatusFilterInput>,
    /// Full-text search: words (all must match), `"exact phrase"`, `-excluded`;
    /// at most 500 characters. Each article's `highlight` then shows the match.
    pub query: Option<String>,
}

/// Relay paging arguments.
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
}

/// Applies `first` (1–100, default 20) and `after` to a filter.
pub fn article_page(mut filter: ArticleFilter, page: PageArgs) -> Result<ArticleFilter> {
    filter.limit = match page.first {
        None => Limit::default(),
        Some(n) => {
            Limit::parse(&n.to_string(), Limit::MAX).ok_or_else(|| bad_input("first", "must be from 1 to 100"))?
        }
    };
    filter.cursor = page
        .after
        .map(|after| {
            ArticleCursor::decode(&after, filter.sort).map_err(|_| bad_input("after", "is not a valid cursor"))
        })
        .transpose()?;
    Ok(filter)
}

impl ArticleFilterInput {
    /// The domain filter; `sort` defaults to `RELEVANCE` with a query.
    pub fn into_filter(self, sort: Option<ArticleSortInput>) -> Result<ArticleFilter> {
        let search = self
            .query
            .as_deref()
            .map(|q| SearchQuery::parse(q).map_err(|why| bad_input("filter.query", &why)))
            .transpose()?;
        let sort = match (sort, &search) {
            (Some(ArticleSortInput::Relevance), None) => {
                return Err(bad_input("sort", "RELEVANCE needs `filter.query`"));
            }
            (Some(sort), _) => sort,
            (None, Some(_)) => ArticleSortInput::Relevance,
            (None, None) => ArticleSortInput::default(),
        };
        if self.tags.as_ref().is_some_and(|tags| tags.len() > MAX_TAG_FILTERS) {
            return Err(bad_input("filter.tags", format!("at most {MAX_TAG_FILTERS} tags")));
        }
        Ok(ArticleFilter {
            section: self.section,
            tags: self.tags.unwrap_or_default(),
            author: self.author.as_deref().map(Reference::parse),
            published_after: self.published_after.map(|d| d.0),
            published_before: self.published_before.map(|d| d.0),
            status: match self.status.unwrap_or(StatusFilterInput::Published) {
                StatusFilterInput::Published => StatusFilter::Public,
                StatusFilterInput::Draft => StatusFilter::Draft,
                StatusFilterInput::Scheduled => StatusFilter::Scheduled,
                StatusFilterInput::Any => StatusFilter::Any,
            },
            sort: sort.into(),
            search,
            ..ArticleFilter::default()
        })
    }
}

fn patch<T>(value: MaybeUndefined<T>) -> Patch<T> {
    match value {
        MaybeUndefined::Undefined => Patch::Absent,
        MaybeUndefined::Null => Patch::Null,
        MaybeUndefined::Value(v) => Patch::Value(v),
    }
}

/// One byline to set.
#[derive(InputObject)]
pub struct BylineInput {
    /// Author id or slug.
    pub author: String,
    /// Their role; `AUTHOR` by default.
    pub role: Option<BylineRole>,
}

/// Fields of an article to create or change. On update, a field left out is
/// kept and `null` clears it.
#[derive(InputObject, Default)]
pub struct ArticleInput {
    /// Derived from the headline when left out on create.
    pub slug: Option<String>,
    /// The headline (required on create).
    pub headline: Option<String>,
    /// A short summary.
    pub summary: MaybeUndefined<String>,
    /// CommonMark body.
    pub body: Option<String>,
    /// `DRAFT` by default on create.
    pub status: Option<ArticleStatus>,
    /// Publication time; a future one with `PUBLISHED` schedules.
    pub published_at: MaybeUndefined<DateTime>,
    /// Place line.
    pub dateline: MaybeUndefined<String>,
    /// Section slug.
    pub section: MaybeUndefined<String>,
    /// Tag slugs, in order (replaces the list).
    pub tags: Option<Vec<String>>,
    /// Bylines, in order (replaces the list).
    pub bylines: Option<Vec<BylineInput>>,
    /// BCP 47 tag; `en` by default.
    pub language: Option<String>,
    /// Canonical URL.
    pub canonical_url: MaybeUndefined<String>,
}

impl From<ArticleInput> for domain::ArticleInput {
    fn from(input: ArticleInput) -> Self {
        Self {
            slug: input.slug,
            headline: input.headline,
            summary: patch(input.summary),
            body: input.body,
            status: input.status.map(|s| match s {
                ArticleStatus::Draft => "draft".to_owned(),
                ArticleStatus::Published => "published".to_owned(),
            }),
            published_at: patch(input.published_at).map(|d| d.0),
            dateline: patch(input.dateline),
            section: patch(input.section),
            tags: input.tags,
            bylines: input.bylines.map(|b| {
                b.into_iter()
                    .map(|b| domain::BylineInput {
                        author: b.author,
                        role: b.role.map(|r| domain::Role::from(r).as_str().to_owned()),
                    })
                    .collect()
            }),
            language: input.language,
            canonical_url: patch(input.canonical_url),
        }
    }
}

/// One related link to set: either `article`, or `url` and `title`.
#[derive(InputObject)]
pub struct RelatedLinkInput {
    /// Target article id or slug.
    pub article: Option<String>,
    /// External URL.
    pub url: Option<String>,
    /// Title of the external page.
    pub title: Option<String>,
}

pub fn related_inputs(links: Vec<RelatedLinkInput>) -> Result<Vec<RelatedInput>> {
    links
        .into_iter()
        .enumerate()
        .map(|(i, link)| match (link.article, link.url, link.title) {
            (Some(article), None, None) => Ok(RelatedInput::Article(article)),
            (None, Some(url), Some(title)) => Ok(RelatedInput::External { url, title }),
            _ => Err(bad_input(&format!("links[{i}]"), "give either `article`, or `url` and `title`")),
        })
        .collect()
}

/// Fields of an author to create or change.
#[derive(InputObject, Default)]
pub struct AuthorInputObject {
    /// Derived from the name when left out on create.
    pub slug: Option<String>,
    /// Display name (required on create).
    pub name: Option<String>,
    /// A short biography.
    pub bio: MaybeUndefined<String>,
    /// Portrait URL.
    pub avatar_url: MaybeUndefined<String>,
}

impl From<AuthorInputObject> for AuthorInput {
    fn from(input: AuthorInputObject) -> Self {
        Self { slug: input.slug, name: input.name, bio: patch(input.bio), avatar_url: patch(input.avatar_url) }
    }
}

/// Fields of a section to create or change.
#[derive(InputObject, Default)]
pub struct SectionInputObject {
    /// Derived from the name when left out on create.
    pub slug: Option<String>,
    /// Display name (required on create).
    pub name: Option<String>,
    /// What the section covers.
    pub description: MaybeUndefined<String>,
}

impl From<SectionInputObject> for SectionInput {
    fn from(input: SectionInputObject) -> Self {
        Self { slug: input.slug, name: input.name, description: patch(input.description) }
    }
}

/// Fields of a tag to create or change.
#[derive(InputObject, Default)]
pub struct TagInputObject {
    /// Derived from the name when left out on create.
    pub slug: Option<String>,
    /// Display name (required on create).
    pub name: Option<String>,
}

impl From<TagInputObject> for TagInput {
    fn from(input: TagInputObject) -> Self {
        Self { slug: input.slug, name: input.name }
    }
}
