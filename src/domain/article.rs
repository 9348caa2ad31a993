//! Articles and the content around them, as the service hands them out,
//! plus the write inputs and the rules that make them valid.

use std::str::FromStr;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Draft,
    Published,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
        }
    }
}

impl FromStr for Status {
    type Err = ();

    fn from_str(value: &str) -> Result<Self, ()> {
        match value {
            "draft" => Ok(Self::Draft),
            "published" => Ok(Self::Published),
            _ => Err(()),
        }
    }
}

/// Public means published with a publication time that has come.
pub fn is_public(status: Status, published_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    status == Status::Published && published_at.is_some_and(|at| at <= now)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Author,
    Contributor,
    Editor,
    Photographer,
}

impl Role {
    pub const ALL: [Role; 4] = [Self::Author, Self::Contributor, Self::Editor, Self::Photographer];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Author => "author",
            Self::Contributor => "contributor",
            Self::Editor => "editor",
            Self::Photographer => "photographer",
        }
    }
}

impl FromStr for Role {
    type Err = ();

    fn from_str(value: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|r| r.as_str() == value).ok_or(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Byline {
    pub role: Role,
    pub author: Author,
}

/// The target of an internal related link, as a summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedArticle {
    pub id: i64,
    pub slug: String,
    pub headline: String,
    pub status: Status,
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelatedLink {
    Article(LinkedArticle),
    External { url: String, title: String },
}

/// An article with everything a reader sees of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    pub id: i64,
    pub slug: String,
    pub headline: String,
    pub summary: Option<String>,
    pub body: String,
    pub status: Status,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub dateline: Option<String>,
    pub language: String,
    pub canonical_url: Option<String>,
    pub word_count: i32,
    pub version: i64,
    pub section: Option<Section>,
    pub tags: Vec<Tag>,
    pub bylines: Vec<Byline>,
    /// How it matched, when it came from a search.
    pub search: Option<SearchMatch>,
}

/// Why an article is in a search result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchMatch {
    /// Higher is better; the relevance order's keyset value.
    pub score: f64,
    /// A short HTML snippet with the matches in `<mark>…</mark>`.
    pub highlight: String,
}

impl Article {
    pub fn is_public(&self, now: DateTime<Utc>) -> bool {
        is_public(self.status, self.published_at, now)
    }
}

/// A field of a partial update: absent (keep), `null` (clear) or a value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    #[default]
    Absent,
    Null,
    Value(T),
}

impl<T> Patch<T> {
    /// Applies the patch to a current nullable value.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Self::Absent => current,
            Self::Null => None,
            Self::Value(v) => Some(v),
        }
    }
}

impl<T> Patch<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Self::Absent => Patch::Absent,
            Self::Null => Patch::Null,
            Self::Value(v) => Patch::Value(f(v)),
        }
    }
}

impl<T> From<Option<T>> for Patch<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            None => Self::Null,
            Some(v) => Self::Value(v),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BylineInput {
    pub author: String,
    pub role: Option<String>,
}

/// A create or update of an article, as a client sent it: not yet checked.
/// On create, absent fields take their defaults; on update they are kept.
#[derive(Debug, Clone, Default)]
pub struct ArticleInput {
    pub slug: Option<String>,
    pub headline: Option<String>,
    pub summary: Patch<String>,
    pub body: Option<String>,
    pub status: Option<String>,
    pub published_at: Patch<DateTime<Utc>>,
    pub dateline: Patch<String>,
    pub section: Patch<String>,
    pub tags: Option<Vec<String>>,
    pub bylines: Option<Vec<BylineInput>>,
    pub language: Option<String>,
    pub canonical_url: Patch<String>,
}

/// A related link as a client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelatedInput {
    Article(String),
    External { url: String, title: String },
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Patch<T> {
    /// `null` clears, a value sets; an absent field is `Absent` via `#[serde(default)]`.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Into::into)
    }
}
