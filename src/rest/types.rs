//! What REST clients send and receive: JSON bodies with their OpenAPI schemas,
//! converted from and to domain types (rows never reach a client).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::text::render_body;
use crate::domain::{self, Article, RelatedLink};
use crate::service::articles::ArticleDetail;

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionRef {
    #[schema(example = "world")]
    pub slug: String,
    #[schema(example = "World")]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagRef {
    #[schema(example = "syria")]
    pub slug: String,
    #[schema(example = "Syria")]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorRef {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = "javier-stokes")]
    pub slug: String,
    #[schema(example = "Javier Stokes")]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BylineBody {
    /// `author`, `contributor`, `editor` or `photographer`.
    #[schema(example = "author")]
    pub role: String,
    pub author: AuthorRef,
}

/// An article as lists show it: everything but the body and related links.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleSummary {
    #[schema(example = 42)]
    pub id: i64,
    #[schema(example = "syria-us-rare-counter-strike-deir-al-zour")]
    pub slug: String,
    #[schema(example = "Syria conflict: U.S. in rare counter-strike after Deir al-Zour attack")]
    pub headline: String,
    pub summary: Option<String>,
    /// `draft` or `published` (published with a future `published_at` is scheduled).
    #[schema(example = "published")]
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Place line, e.g. "DEIR AL-ZOUR, Syria".
    pub dateline: Option<String>,
    /// BCP 47 language tag.
    #[schema(example = "en")]
    pub language: String,
    pub canonical_url: Option<String>,
    #[schema(example = 612)]
    pub word_count: i32,
    /// Bumped on every write.
    #[schema(example = 3)]
    pub version: i64,
    pub section: Option<SectionRef>,
    pub tags: Vec<TagRef>,
    pub bylines: Vec<BylineBody>,
    /// Only in search results (`q`): the best-matching passage, at most 300
    /// characters of sanitised HTML with the matches in `<mark>…</mark>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "…a rare <mark>strike</mark> near <mark>Deir</mark> al-Zour…")]
    pub highlight: Option<String>,
}

/// A full article: the summary fields plus body and related links.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleBody {
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// CommonMark source.
    #[schema(example = "The U.S. carried out a rare strike…")]
    pub body: String,
    /// The body rendered to HTML and sanitised.
    #[schema(example = "<p>The U.S. carried out a rare strike…</p>")]
    pub body_html: String,
    pub related: Vec<RelatedBody>,
}

/// The target of an internal related link.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedArticleBody {
    pub id: i64,
    pub slug: String,
    pub headline: String,
    pub published_at: Option<DateTime<Utc>>,
}

/// A related link: another article, or an external page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum RelatedBody {
    Article { article: LinkedArticleBody },
    Link { url: String, title: String },
}

impl From<Article> for ArticleSummary {
    fn from(a: Article) -> Self {
        Self {
            id: a.id,
            slug: a.slug,
            headline: a.headline,
            summary: a.summary,
            status: a.status.as_str().to_owned(),
            published_at: a.published_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
            dateline: a.dateline,
            language: a.language,
            canonical_url: a.canonical_url,
            word_count: a.word_count,
            version: a.version,
            section: a.section.map(|s| SectionRef { slug: s.slug, name: s.name }),
            tags: a.tags.into_iter().map(|t| TagRef { slug: t.slug, name: t.name }).collect(),
            bylines: a
                .bylines
                .into_iter()
                .map(|b| BylineBody {
                    role: b.role.as_str().to_owned(),
                    author: AuthorRef { id: b.author.id, slug: b.author.slug, name: b.author.name },
                })
                .collect(),
            highlight: a.search.map(|m| m.highlight),
        }
    }
}

impl From<RelatedLink> for RelatedBody {
    fn from(link: RelatedLink) -> Self {
        match link {
            RelatedLink::Article(a) => Self::Article {
                article: LinkedArticleBody {
                    id: a.id,
                    slug: a.slug,
                    headline: a.headline,
                    published_at: a.published_at,
                },
            },
            RelatedLink::External { url, title } => Self::Link { url, title },
        }
    }
}

impl From<ArticleDetail> for ArticleBody {
    fn from(detail: ArticleDetail) -> Self {
        let body = detail.article.body.clone();
        Self {
            body_html: render_body(&body),
            body,
            summary: detail.article.into(),
            related: detail.related.into_iter().map(Into::into).collect(),
        }
    }
}

/// A page of a list, with the cursor of the next page (also in `Link`).
macro_rules! list_body {
    ($name:ident, $item:ty) => {
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            pub data: Vec<$item>,
            /// Pass as `cursor` for the next page; null on the last page.
            pub next_cursor: Option<String>,
        }
    };
}
list_body!(ArticleList, ArticleSummary);
list_body!(AuthorList, AuthorBody);
list_body!(SectionList, SectionBody);
list_body!(TagList, TagBody);

/// Related links of an article, in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedList {
    pub data: Vec<RelatedBody>,
}

/// Articles suggested as related to an article.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionList {
    pub data: Vec<ArticleSummary>,
}

/// Articles that link to an article.
#[derive(Debug, Serialize, ToSchema)]
pub struct BacklinkList {
    pub data: Vec<ArticleSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorBody {
    #[schema(example = 7)]
    pub id: i64,
    #[schema(example = "javier-stokes")]
    pub slug: String,
    #[schema(example = "Javier Stokes")]
    pub name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<domain::Author> for AuthorBody {
    fn from(a: domain::Author) -> Self {
        Self {
            id: a.id,
            slug: a.slug,
            name: a.name,
            bio: a.bio,
            avatar_url: a.avatar_url,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SectionBody {
    #[schema(example = 1)]
    pub id: i64,
    #[schema(example = "world")]
    pub slug: String,
    #[schema(example = "World")]
    pub name: String,
    pub description: Option<String>,
}

impl From<domain::Section> for SectionBody {
    fn from(s: domain::Section) -> Self {
        Self { id: s.id, slug: s.slug, name: s.name, description: s.description }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagBody {
    #[schema(example = 3)]
    pub id: i64,
    #[schema(example = "syria")]
    pub slug: String,
    #[schema(example = "Syria")]
    pub name: String,
}

impl From<domain::Tag> for TagBody {
    fn from(t: domain::Tag) -> Self {
        Self { id: t.id, slug: t.slug, name: t.name }
    }
}
