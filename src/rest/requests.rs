//! Request bodies of the REST API: what clients send to create and change
//! content, with the constraints the OpenAPI document states (each one is
//! the rule the server applies; see `domain::rules`).

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::domain::{ArticleInput, BylineInput, Patch, RelatedInput};
use crate::service::authors::AuthorInput;
use crate::service::taxonomy::{SectionInput, TagInput};

crate::object_bodies!(ArticleRequest, PublishRequest, AuthorRequest, SectionRequest, TagRequest);

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BylineRequest {
    /// Author id or slug.
    #[schema(example = "javier-stokes", min_length = 1)]
    pub author: String,
    /// `author` (default), `contributor`, `editor` or `photographer`.
    #[schema(example = "author", value_type = Option<RoleParam>)]
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
    #[schema(pattern = "^[a-z0-9-]*[a-z][a-z0-9-]*$", max_length = 120)]
    pub slug: Option<String>,
    /// One line; required on create.
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 300
    )]
    pub headline: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 2000)]
    pub summary: Patch<String>,
    /// CommonMark.
    #[schema(pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$")]
    pub body: Option<String>,
    /// `draft` (default on create) or `published`.
    #[schema(value_type = Option<StatusValue>)]
    pub status: Option<String>,
    /// RFC 3339; a future date with `published` schedules the article.
    #[serde(default)]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub published_at: Patch<DateTime<Utc>>,
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 300)]
    pub dateline: Patch<String>,
    /// Section slug.
    #[serde(default)]
    #[schema(value_type = Option<String>, min_length = 1)]
    pub section: Patch<String>,
    /// Tag slugs, in order.
    pub tags: Option<Vec<String>>,
    /// Bylines, in order.
    pub bylines: Option<Vec<BylineRequest>>,
    /// BCP 47 tag; `en` by default.
    #[schema(pattern = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    pub language: Option<String>,
    /// An absolute http or https URL.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^[\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[hH][tT][tT][pP][sS]?://[A-Za-z0-9]+([.-][A-Za-z0-9]+)*(:[0-9]{1,4})?([/?#][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*|[\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*)$")]
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
        #[schema(min_length = 1)]
        article: String,
    },
    Link {
        /// An absolute http or https URL.
        #[schema(
            pattern = r"^[\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[hH][tT][tT][pP][sS]?://[A-Za-z0-9]+([.-][A-Za-z0-9]+)*(:[0-9]{1,4})?([/?#][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*|[\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*)$"
        )]
        url: String,
        #[schema(
            pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF][^\u0000-\u001F\u007F-\u009F]*$",
            max_length = 300
        )]
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
    #[schema(pattern = "^[a-z0-9-]*[a-z][a-z0-9-]*$", max_length = 120)]
    pub slug: Option<String>,
    /// One line; required on create.
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 300
    )]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 2000)]
    pub bio: Patch<String>,
    /// An absolute http or https URL.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^[\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*[hH][tT][tT][pP][sS]?://[A-Za-z0-9]+([.-][A-Za-z0-9]+)*(:[0-9]{1,4})?([/?#][^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*|[\t\n\r \u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]*)$")]
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
    #[schema(pattern = "^[a-z0-9-]*[a-z][a-z0-9-]*$", max_length = 120)]
    pub slug: Option<String>,
    /// One line; required on create.
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 300
    )]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$", max_length = 2000)]
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
    #[schema(pattern = "^[a-z0-9-]*[a-z][a-z0-9-]*$", max_length = 120)]
    pub slug: Option<String>,
    /// One line; required on create.
    #[schema(
        pattern = r"^[^\u0000-\u001F\u007F-\u009F]*[^\s\u0000-\u001F\u007F-\u009F\u00AD\u180E\u200B-\u200F\u2060-\u2064\uFEFF][^\u0000-\u001F\u007F-\u009F]*$",
        max_length = 300
    )]
    pub name: Option<String>,
}

impl From<TagRequest> for TagInput {
    fn from(r: TagRequest) -> Self {
        Self { slug: r.slug, name: r.name }
    }
}

/// The values of an article's `status` in a request (the parser: `Status`).
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum StatusValue {
    Draft,
    Published,
}

/// The roles of a byline (the parser: `Role`).
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum RoleParam {
    Author,
    Contributor,
    Editor,
    Photographer,
}
