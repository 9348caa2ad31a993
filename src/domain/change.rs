//! What a write changed, and what a cached response depends on: the two
//! vocabularies the response cache matches against each other. A write
//! announces `Change`s; a response lists the `Dep`s it was built from; a
//! change invalidates exactly the responses that list one of its deps.

use chrono::{DateTime, Utc};

/// One thing a committed write changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// An article was created, edited, published, unpublished, relinked or
    /// deleted. `publishes_at` is set when it is now scheduled: from then on
    /// lists change without another write.
    Article {
        id: i64,
        publishes_at: Option<DateTime<Utc>>,
    },
    Author(i64),
    Section(i64),
    Tag(i64),
    /// Too much to name (a bulk import, a lost notification channel).
    Everything,
}

/// One thing a response was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dep {
    /// One article's own fields, links, bylines and tags.
    Article(i64),
    /// Which articles exist, are visible and in what order: every article
    /// list, search, suggestions and backlinks.
    ArticleSet,
    Author(i64),
    Section(i64),
    Tag(i64),
    /// The lists of authors, sections and tags.
    Authors,
    Sections,
    Tags,
}

impl Change {
    /// An article change, noting a publication time still to come.
    pub fn article(id: i64, status_published: bool, published_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        let publishes_at = published_at.filter(|at| status_published && *at > now);
        Self::Article { id, publishes_at }
    }

    /// The deps this change makes stale (`None`: all of them).
    ///
    /// Authors, sections and tags appear by name in every article summary,
    /// so a change to one also changes the article lists.
    pub fn invalidates(&self) -> Option<Vec<Dep>> {
        match *self {
            Self::Article { id, .. } => Some(vec![Dep::Article(id), Dep::ArticleSet]),
            Self::Author(id) => Some(vec![Dep::Author(id), Dep::Authors, Dep::ArticleSet]),
            Self::Section(id) => Some(vec![Dep::Section(id), Dep::Sections, Dep::ArticleSet]),
            Self::Tag(id) => Some(vec![Dep::Tag(id), Dep::Tags, Dep::ArticleSet]),
            Self::Everything => None,
        }
    }

    /// A short text form, for notifications between processes
    /// (`a42`, `a42@1733000000000000`, `u7`, `s3`, `t5`, `*`).
    pub fn encode(&self) -> String {
        match *self {
            Self::Article { id, publishes_at: None } => format!("a{id}"),
            Self::Article { id, publishes_at: Some(at) } => format!("a{id}@{}", at.timestamp_micros()),
            Self::Author(id) => format!("u{id}"),
            Self::Section(id) => format!("s{id}"),
            Self::Tag(id) => format!("t{id}"),
            Self::Everything => "*".to_owned(),
        }
    }

    /// Reads `encode`'s form; anything else is `None`.
    pub fn decode(text: &str) -> Option<Self> {
        if text == "*" {
            return Some(Self::Everything);
        }
        let (kind, rest) = text.split_at_checked(1)?;
        let number = |s: &str| s.parse::<i64>().ok();
        match kind {
            "a" => match rest.split_once('@') {
                None => Some(Self::Article { id: number(rest)?, publishes_at: None }),
                Some((id, at)) => Some(Self::Article {
                    id: number(id)?,
                    publishes_at: Some(DateTime::from_timestamp_micros(number(at)?)?),
                }),
            },
            "u" => Some(Self::Author(number(rest)?)),
            "s" => Some(Self::Section(number(rest)?)),
            "t" => Some(Self::Tag(number(rest)?)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_survive_their_text_form() {
        let at = DateTime::from_timestamp_micros(1_733_000_000_123_456);
        for change in [
            Change::Article { id: 42, publishes_at: None },
            Change::Article { id: 7, publishes_at: at },
            Change::Author(3),
            Change::Section(4),
            Change::Tag(5),
            Change::Everything,
        ] {
            assert_eq!(Change::decode(&change.encode()), Some(change));
        }
        for junk in ["", "a", "x1", "a1@", "a@5", "u-", "é1"] {
            assert_eq!(Change::decode(junk), None, "{junk}");
        }
    }

    #[test]
    fn only_future_publications_are_noted() {
        let now = Utc::now();
        let later = now + chrono::Duration::hours(1);
        let earlier = now - chrono::Duration::hours(1);
        assert_eq!(Change::article(1, true, Some(later), now), Change::Article { id: 1, publishes_at: Some(later) });
        assert_eq!(Change::article(1, true, Some(earlier), now), Change::Article { id: 1, publishes_at: None });
        assert_eq!(Change::article(1, false, Some(later), now), Change::Article { id: 1, publishes_at: None });
    }
}
