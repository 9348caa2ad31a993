//! What REST clients send and receive: JSON bodies with their OpenAPI schemas,
//! converted from and to domain types (rows never reach a client).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::text::render_body;
use crate::domain::{self, Article, ArticleInput, BylineInput, Patch, RelatedInput, RelatedLink};
use crate::service::articles::ArticleDetail;
use crate::service::authors::AuthorInput;
use crate::service::taxonomy::{SectionInput, TagInput};

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

// ---- request bodies ----

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BylineRequest {
    /// Author id or slug.
    #[schema(example = "javier-stokes")]
    pub author: String,
    /// `author` (default), `contributor`, `editor` or `photographer`.
    #[schema(example = "author")]
    pub role: Option<String>,
}

/// Create an article, or change one (JSON merge semantics: absent fields are
/// kept, `null` clears a nullable field).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "headline": "Harbour authority approves night ferry trial",
    "body": "The city's harbour authority on Wednesday approved…",
    "section": "local", "tags": ["transport"],
    "bylines": [{"author": "mara-quell", "role": "author"}],
    "status": "published", "published_at": "2021-03-03T00:00:00Z"
}))]
pub struct ArticleRequest {
    /// Derived from the headline (and made unique) when omitted on create.
    pub slug: Option<String>,
    pub headline: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub summary: Patch<String>,
    /// CommonMark.
    pub body: Option<String>,
    /// `draft` (default on create) or `published`.
    pub status: Option<String>,
    /// RFC 3339; a future date with `published` schedules the article.
    #[serde(default)]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub published_at: Patch<DateTime<Utc>>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub dateline: Patch<String>,
    /// Section slug.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub section: Patch<String>,
    /// Tag slugs, in order.
    pub tags: Option<Vec<String>>,
    /// Bylines, in order.
    pub bylines: Option<Vec<BylineRequest>>,
    /// BCP 47 tag; `en` by default.
    pub language: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub canonical_url: Patch<String>,
}

impl From<ArticleRequest> for ArticleInput {
    fn from(r: ArticleRequest) -> Self {
        Self {
            slug: r.slug,
            headline: r.headline,
            summary: r.summary,
            body: r.body,
            status: r.status,
            published_at: r.published_at,
            dateline: r.dateline,
            section: r.section,
            tags: r.tags,
            bylines: r.bylines.map(|b| b.into_iter().map(|b| BylineInput { author: b.author, role: b.role }).collect()),
            language: r.language,
            canonical_url: r.canonical_url,
        }
    }
}

/// Options of publish.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// When to publish; a future date schedules the article.
    pub published_at: Option<DateTime<Utc>>,
}

/// One related link to set: `{"article": "<ref>"}` or `{"url": "…", "title": "…"}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum RelatedRequest {
    Article {
        /// Target article id or slug.
        article: String,
    },
    Link {
        url: String,
        title: String,
    },
}

impl From<RelatedRequest> for RelatedInput {
    fn from(r: RelatedRequest) -> Self {
        match r {
            RelatedRequest::Article { article } => Self::Article(article),
            RelatedRequest::Link { url, title } => Self::External { url, title },
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Mara Quell", "bio": "Harbour and transport reporter."}))]
pub struct AuthorRequest {
    pub slug: Option<String>,
    pub name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub bio: Patch<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub avatar_url: Patch<String>,
}

impl From<AuthorRequest> for AuthorInput {
    fn from(r: AuthorRequest) -> Self {
        Self { slug: r.slug, name: r.name, bio: r.bio, avatar_url: r.avatar_url }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "World", "description": "International news."}))]
pub struct SectionRequest {
    pub slug: Option<String>,
    pub name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub description: Patch<String>,
}

impl From<SectionRequest> for SectionInput {
    fn from(r: SectionRequest) -> Self {
        Self { slug: r.slug, name: r.name, description: r.description }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Syria"}))]
pub struct TagRequest {
    pub slug: Option<String>,
    pub name: Option<String>,
}

impl From<TagRequest> for TagInput {
    fn from(r: TagRequest) -> Self {
        Self { slug: r.slug, name: r.name }
    }
}
