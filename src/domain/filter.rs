//! What a list asks for: filters, order, page size and the keyset cursor.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};

use super::problems::BadCursor;
use super::Reference;

/// Which articles by status. Everything but `Public` needs a preview key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Published with a publication time that has come (`published`, the default).
    #[default]
    Public,
    Draft,
    /// Published with a future publication time.
    Scheduled,
    Any,
}

impl StatusFilter {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "published" => Some(Self::Public),
            "draft" => Some(Self::Draft),
            "scheduled" => Some(Self::Scheduled),
            "any" => Some(Self::Any),
            _ => None,
        }
    }
}

/// Article orders; each is a keyset (a timestamp or a search score, then the
/// id as tie-break).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArticleSort {
    /// Newest first (drafts, which have no publication date, by creation).
    #[default]
    PublishedDesc,
    PublishedAsc,
    UpdatedDesc,
    /// Best search match first; only with a search.
    Relevance,
}

impl ArticleSort {
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "-published_at" => Some(Self::PublishedDesc),
            "published_at" => Some(Self::PublishedAsc),
            "-updated_at" => Some(Self::UpdatedDesc),
            "relevance" => Some(Self::Relevance),
            _ => None,
        }
    }

    /// The keyset value of an article in this order.
    pub fn key_of(self, article: &super::Article) -> SortKey {
        match self {
            Self::PublishedDesc | Self::PublishedAsc => SortKey::At(article.published_at.unwrap_or(article.created_at)),
            Self::UpdatedDesc => SortKey::At(article.updated_at),
            Self::Relevance => SortKey::Score(article.search.as_ref().map_or(0.0, |m| m.score)),
        }
    }

    fn tag(self) -> char {
        match self {
            Self::PublishedDesc => 'p',
            Self::PublishedAsc => 'a',
            Self::UpdatedDesc => 'u',
            Self::Relevance => 'r',
        }
    }
}

/// Page size, 1–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u32);

impl Limit {
    pub const MAX: u32 = 100;

    pub fn parse(value: &str, max: u32) -> Option<Self> {
        value.parse::<u32>().ok().filter(|n| (1..=max).contains(n)).map(Self)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for Limit {
    fn default() -> Self {
        Self(20)
    }
}

/// Where a page of articles starts: after the row with this sort key and id.
/// Opaque to clients; it names its order so it cannot be replayed on another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArticleCursor {
    pub sort: ArticleSort,
    pub key: SortKey,
    pub id: i64,
}

/// The value an article is ordered by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SortKey {
    At(DateTime<Utc>),
    /// A search score, higher first. Written with Rust's shortest
    /// round-tripping form, so the next page compares the very same number.
    Score(f64),
}

impl ArticleCursor {
    pub fn encode(&self) -> String {
        let key = match self.key {
            SortKey::At(at) => at.timestamp_micros().to_string(),
            SortKey::Score(score) => score.to_string(),
        };
        URL_SAFE_NO_PAD.encode(format!("{}:{key}:{}", self.sort.tag(), self.id))
    }

    pub fn decode(value: &str, sort: ArticleSort) -> Result<Self, BadCursor> {
        let bad = || BadCursor("this list and sort");
        let raw = URL_SAFE_NO_PAD.decode(value).map_err(|_| bad())?;
        let raw = std::str::from_utf8(&raw).map_err(|_| bad())?;
        let mut parts = raw.splitn(3, ':');
        let tag = parts.next().and_then(|t| t.chars().next()).ok_or_else(bad)?;
        if tag != sort.tag() {
            return Err(bad());
        }
        let key = parts.next().ok_or_else(bad)?;
        let key = match sort {
            ArticleSort::Relevance => {
                SortKey::Score(key.parse::<f64>().ok().filter(|s| s.is_finite()).ok_or_else(bad)?)
            }
            _ => SortKey::At(key.parse().ok().and_then(DateTime::from_timestamp_micros).ok_or_else(bad)?),
        };
        let id: i64 = parts.next().and_then(|i| i.parse().ok()).ok_or_else(bad)?;
        Ok(Self { sort, key, id })
    }
}

/// The most `tag` filters one list may ask for. Each adds a join: 150 took
/// PostgreSQL 17 s to plan, and 1,000 were too large for SQLite.
pub const MAX_TAG_FILTERS: usize = 10;

/// A page of an article list, everywhere (all articles, an author's, a tag's…).
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub section: Option<String>,
    /// All must match.
    pub tags: Vec<String>,
    pub author: Option<Reference>,
    /// Inclusive.
    pub published_after: Option<DateTime<Utc>>,
    /// Exclusive.
    pub published_before: Option<DateTime<Utc>>,
    pub status: StatusFilter,
    pub sort: ArticleSort,
    pub limit: Limit,
    pub cursor: Option<ArticleCursor>,
    /// Only articles whose related links point at this article id.
    pub links_to: Option<i64>,
    /// Only articles matching this full-text search.
    pub search: Option<super::SearchQuery>,
}

/// A cursor over a list ordered by slug (authors, sections, tags).
pub fn encode_slug_cursor(slug: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("s:{slug}"))
}

pub fn decode_slug_cursor(value: &str) -> Result<String, BadCursor> {
    URL_SAFE_NO_PAD
        .decode(value)
        .ok()
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|raw| raw.strip_prefix("s:").map(str::to_owned))
        .ok_or(BadCursor("this list"))
}

/// One page of results and where the next one starts.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_roundtrip_and_refuse_other_orders() {
        let at = DateTime::from_timestamp_micros(1_518_393_600_123_456).unwrap_or_default();
        let cursor = ArticleCursor { sort: ArticleSort::PublishedDesc, key: SortKey::At(at), id: 42 };
        let encoded = cursor.encode();
        assert_eq!(ArticleCursor::decode(&encoded, ArticleSort::PublishedDesc).ok(), Some(cursor));
        assert!(ArticleCursor::decode(&encoded, ArticleSort::UpdatedDesc).is_err());
        let score = 0.1 + 0.2;
        let cursor = ArticleCursor { sort: ArticleSort::Relevance, key: SortKey::Score(score), id: 7 };
        let decoded = ArticleCursor::decode(&cursor.encode(), ArticleSort::Relevance).ok();
        assert_eq!(decoded.map(|c| c.key), Some(SortKey::Score(score)));
        let nan = URL_SAFE_NO_PAD.encode("r:NaN:7");
        assert!(ArticleCursor::decode(&nan, ArticleSort::Relevance).is_err());
        assert!(ArticleCursor::decode("not-a-cursor", ArticleSort::PublishedDesc).is_err());
    }
}
