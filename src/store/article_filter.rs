//! What an `ArticleFilter` means, written once per query language and kept
//! side by side: diesel's DSL for the lists, SQL text for the hand-written
//! search statements. A change to one is a change to the other; the test
//! below runs every filter through both and compares the ids.
//!
//! Only the filters' meaning is here (status, section, tags, author, links,
//! dates). Order, cursor, limit and planner hints belong to each statement.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::connection::MultiBackend;
use super::schema::{article_tags, articles, authors, bylines, related_links, sections, tags};
use super::sql::{Bind, Statement};
use crate::domain::time::to_stored;
use crate::domain::{ArticleFilter, Reference, Status, StatusFilter};

/// Articles with their sections, before any columns are chosen.
pub(super) type ListQuery<'a> =
    diesel::dsl::IntoBoxed<'a, diesel::dsl::LeftJoin<articles::table, sections::table>, MultiBackend>;

/// Published, its time come: what a reader without a preview key may see.
pub(super) type IsPublic = diesel::dsl::And<
    diesel::dsl::Eq<articles::status, &'static str>,
    diesel::dsl::LtEq<diesel::dsl::AssumeNotNull<articles::published_at>, chrono::NaiveDateTime>,
>;

/// The one SQL (DSL) test of visibility for lists and single lookups.
pub(super) fn is_public(now: DateTime<Utc>) -> IsPublic {
    articles::status.eq(Status::Published.as_str()).and(articles::published_at.assume_not_null().le(to_stored(now)))
}

/// The filters, applied to a query over articles joined with their sections.
pub(super) fn filtered<'a>(mut query: ListQuery<'a>, filter: &ArticleFilter, now: DateTime<Utc>) -> ListQuery<'a> {
    query = match filter.status {
        StatusFilter::Public => query.filter(is_public(now)),
        StatusFilter::Draft => query.filter(articles::status.eq(Status::Draft.as_str())),
        StatusFilter::Scheduled => query
            .filter(articles::status.eq(Status::Published.as_str()))
            .filter(articles::published_at.assume_not_null().gt(to_stored(now))),
        StatusFilter::Any => query,
    };
    if let Some(section) = &filter.section {
        query = query.filter(sections::slug.eq(section.clone()));
    }
    for tag in &filter.tags {
        let tagged = article_tags::table
            .inner_join(tags::table)
            .filter(tags::slug.eq(tag.clone()))
            .select(article_tags::article_id);
        query = query.filter(articles::id.eq_any(tagged));
    }
    if let Some(author) = &filter.author {
        let by_author = bylines::table.inner_join(authors::table).select(bylines::article_id);
        query = match author {
            Reference::Id(id) => query.filter(articles::id.eq_any(by_author.filter(authors::id.eq(*id)))),
            Reference::Slug(slug) => {
                query.filter(articles::id.eq_any(by_author.filter(authors::slug.eq(slug.clone()))))
            }
        };
    }
    if let Some(target) = filter.links_to {
        let linking =
            related_links::table.filter(related_links::target_article_id.eq(target)).select(related_links::article_id);
        query = query.filter(articles::id.eq_any(linking));
    }
    if let Some(after) = filter.published_after {
        query = query.filter(articles::published_at.assume_not_null().ge(to_stored(after)));
    }
    if let Some(before) = filter.published_before {
        query = query.filter(articles::published_at.assume_not_null().lt(to_stored(before)));
    }
    query
}

/// The filters, as `AND …` clauses on the articles aliased `a`, in SQL text
/// (for the hand-written search statements).
pub(super) fn filter_clauses(statement: &mut Statement, filter: &ArticleFilter, now: DateTime<Utc>) {
    let published = Status::Published.as_str();
    match filter.status {
        StatusFilter::Public => {
            statement.push(&format!(" AND a.status = '{published}' AND a.published_at <= "));
            statement.bind(Bind::Timestamp(to_stored(now)));
        }
        StatusFilter::Draft => {
            statement.push(&format!(" AND a.status = '{}'", Status::Draft.as_str()));
        }
        StatusFilter::Scheduled => {
            statement.push(&format!(" AND a.status = '{published}' AND a.published_at > "));
            statement.bind(Bind::Timestamp(to_stored(now)));
        }
        StatusFilter::Any => {}
    }
    if let Some(section) = &filter.section {
        statement.push(" AND a.section_id IN (SELECT id FROM sections WHERE slug = ");
        statement.bind(Bind::Text(section.clone())).push(")");
    }
    for tag in &filter.tags {
        statement.push(" AND a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id ");
        statement.push("WHERE t.slug = ").bind(Bind::Text(tag.clone())).push(")");
    }
    match &filter.author {
        Some(Reference::Id(id)) => {
            statement.push(" AND a.id IN (SELECT article_id FROM bylines WHERE author_id = ");
            statement.bind(Bind::BigInt(*id)).push(")");
        }
        Some(Reference::Slug(slug)) => {
            statement.push(" AND a.id IN (SELECT b.article_id FROM bylines b JOIN authors au ON au.id = b.author_id ");
            statement.push("WHERE au.slug = ").bind(Bind::Text(slug.clone())).push(")");
        }
        None => {}
    }
    if let Some(target) = filter.links_to {
        statement.push(" AND a.id IN (SELECT article_id FROM related_links WHERE target_article_id = ");
        statement.bind(Bind::BigInt(target)).push(")");
    }
    if let Some(after) = filter.published_after {
        statement.push(" AND a.published_at >= ").bind(Bind::Timestamp(to_stored(after)));
    }
    if let Some(before) = filter.published_before {
        statement.push(" AND a.published_at < ").bind(Bind::Timestamp(to_stored(before)));
    }
}

#[cfg(test)]
#[path = "article_filter_tests.rs"]
mod tests;
