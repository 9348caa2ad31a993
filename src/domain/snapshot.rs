//! The NDJSON snapshot of a newsroom (`dateline export`, `dateline import`):
//! one record per line, everything by slug, lossless.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One line of an NDJSON dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    Author(AuthorRecord),
    Section(SectionRecord),
    Tag(TagRecord),
    Article(Box<ArticleRecord>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorRecord {
    pub slug: String,
    pub name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionRecord {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagRecord {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BylineRecord {
    pub author: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum LinkRecord {
    Article { article: String },
    External { url: String, title: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleRecord {
    pub slug: String,
    pub headline: String,
    pub summary: Option<String>,
    pub body: String,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub dateline: Option<String>,
    pub section: Option<String>,
    pub language: String,
    pub canonical_url: Option<String>,
    pub version: i64,
    pub tags: Vec<String>,
    pub bylines: Vec<BylineRecord>,
    pub related: Vec<LinkRecord>,
    /// Counted by the reader, off the writer's thread; not part of the format.
    #[serde(skip)]
    pub word_count: Option<i32>,
}
