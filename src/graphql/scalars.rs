//! GraphQL scalars and enums that wrap domain values: the leaves every
//! object and input type uses.

use async_graphql::{Enum, InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::Utc;

use crate::domain;

/// An instant in UTC, RFC 3339 with a `Z` (the same text as REST).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime(pub chrono::DateTime<Utc>);

/// RFC 3339 date-time in UTC, e.g. `2018-02-12T00:00:00Z`; inputs may carry any offset.
#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => chrono::DateTime::parse_from_rfc3339(text)
                .map(|at| Self(at.with_timezone(&Utc)))
                .map_err(|_| InputValueError::custom("expected an RFC 3339 date-time")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

/// How `Article.body` is returned.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum BodyFormat {
    /// The CommonMark source.
    Markdown,
    /// Rendered to HTML and sanitised (the same as REST's `body_html`).
    Html,
}

/// Whether an article is a draft or published (a future `publishedAt` means scheduled).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ArticleStatus {
    /// Not published.
    Draft,
    /// Published; scheduled while `publishedAt` is in the future.
    Published,
}

impl From<domain::Status> for ArticleStatus {
    fn from(status: domain::Status) -> Self {
        match status {
            domain::Status::Draft => Self::Draft,
            domain::Status::Published => Self::Published,
        }
    }
}

/// What a person did for an article.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum BylineRole {
    /// Wrote it.
    Author,
    /// Contributed reporting.
    Contributor,
    /// Edited it.
    Editor,
    /// Took its pictures.
    Photographer,
}

impl From<domain::Role> for BylineRole {
    fn from(role: domain::Role) -> Self {
        match role {
            domain::Role::Author => Self::Author,
            domain::Role::Contributor => Self::Contributor,
            domain::Role::Editor => Self::Editor,
            domain::Role::Photographer => Self::Photographer,
        }
    }
}

impl From<BylineRole> for domain::Role {
    fn from(role: BylineRole) -> Self {
        match role {
            BylineRole::Author => Self::Author,
            BylineRole::Contributor => Self::Contributor,
            BylineRole::Editor => Self::Editor,
            BylineRole::Photographer => Self::Photographer,
        }
    }
}
