//! Article writes: whole rows with a version check, tags and bylines, and
//! the multi-row inserts a bulk import uses.

use diesel::prelude::*;

use super::read::{ArticleValues, StoredLink, ROWS_PER_STATEMENT};
use crate::domain::Role;
use crate::store::connection::DbConnection;
use crate::store::schema::{article_tags, articles, bylines, related_links};

pub fn insert(conn: &mut DbConnection, values: &ArticleValues) -> QueryResult<i64> {
    diesel::insert_into(articles::table).values(values).returning(articles::id).get_result(conn)
}

/// Writes the whole row if its version is still `expected_version`; false when stale.
pub fn update(conn: &mut DbConnection, id: i64, expected_version: i64, values: &ArticleValues) -> QueryResult<bool> {
    let changed =
        diesel::update(articles::table.filter(articles::id.eq(id)).filter(articles::version.eq(expected_version)))
            .set(values)
            .execute(conn)?;
    Ok(changed == 1)
}

pub fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
    Ok(diesel::delete(articles::table.filter(articles::id.eq(id))).execute(conn)? == 1)
}

pub fn replace_bylines(conn: &mut DbConnection, article_id: i64, entries: &[(i64, Role)]) -> QueryResult<()> {
    diesel::delete(bylines::table.filter(bylines::article_id.eq(article_id))).execute(conn)?;
    insert_bylines(conn, article_id, entries)
}

/// Adds bylines to an article that has none yet.
pub fn insert_bylines(conn: &mut DbConnection, article_id: i64, entries: &[(i64, Role)]) -> QueryResult<()> {
    for (position, (author_id, role)) in (0i32..).zip(entries) {
        diesel::insert_into(bylines::table)
            .values((
                bylines::article_id.eq(article_id),
                bylines::author_id.eq(*author_id),
                bylines::position.eq(position),
                bylines::role.eq(role.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn replace_tags(conn: &mut DbConnection, article_id: i64, tag_ids: &[i64]) -> QueryResult<()> {
    diesel::delete(article_tags::table.filter(article_tags::article_id.eq(article_id))).execute(conn)?;
    insert_tags(conn, article_id, tag_ids)
}

/// Adds tags to an article that has none yet.
pub fn insert_tags(conn: &mut DbConnection, article_id: i64, tag_ids: &[i64]) -> QueryResult<()> {
    for (position, tag_id) in (0i32..).zip(tag_ids) {
        diesel::insert_into(article_tags::table)
            .values((
                article_tags::article_id.eq(article_id),
                article_tags::tag_id.eq(*tag_id),
                article_tags::position.eq(position),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Inserts rows of integers (and names from a fixed list) many per statement.
/// Diesel's `MultiConnection` cannot insert a `Vec` of rows at once, and a
/// statement per row is most of a bulk import's time; every value here is an
/// integer or a `&'static str`, so the rows are written out as literals and no
/// user text ever reaches the SQL.
fn insert_literal_rows(conn: &mut DbConnection, into: &str, rows: &[String]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        diesel::sql_query(format!("INSERT INTO {into} VALUES {}", chunk.join(","))).execute(conn)?;
    }
    Ok(())
}

/// Tags of many new articles: (article id, tag ids in order).
pub fn insert_tags_of_many(conn: &mut DbConnection, entries: &[(i64, Vec<i64>)]) -> QueryResult<()> {
    let rows: Vec<String> = entries
        .iter()
        .flat_map(|(article, tags)| {
            (0i32..).zip(tags).map(move |(position, tag)| format!("({article},{tag},{position})"))
        })
        .collect();
    insert_literal_rows(conn, "article_tags (article_id, tag_id, position)", &rows)
}

/// Bylines of many new articles: (article id, authors and roles in order).
pub fn insert_bylines_of_many(conn: &mut DbConnection, entries: &[(i64, Vec<(i64, Role)>)]) -> QueryResult<()> {
    let rows: Vec<String> = entries
        .iter()
        .flat_map(|(article, bylines)| {
            (0i32..)
                .zip(bylines)
                .map(move |(position, (author, role))| format!("({article},{author},{position},'{}')", role.as_str()))
        })
        .collect();
    insert_literal_rows(conn, "bylines (article_id, author_id, position, role)", &rows)
}

/// Replaces the related links of many articles at once. Links to articles go
/// in multi-row statements; external links (user text) one bound row each.
pub fn replace_related_of_many(conn: &mut DbConnection, entries: &[(i64, Vec<StoredLink>)]) -> QueryResult<()> {
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        let owners: Vec<i64> = chunk.iter().map(|(owner, _)| *owner).collect();
        diesel::delete(related_links::table.filter(related_links::article_id.eq_any(&owners))).execute(conn)?;
    }
    let mut rows = Vec::new();
    for (owner, links) in entries {
        for (position, link) in (0i32..).zip(links) {
            match link {
                StoredLink::Article(target) => rows.push(format!("({owner},{position},{target})")),
                StoredLink::External { url, title } => {
                    diesel::insert_into(related_links::table)
                        .values((
                            related_links::article_id.eq(owner),
                            related_links::position.eq(position),
                            related_links::url.eq(url),
                            related_links::title.eq(title),
                        ))
                        .execute(conn)?;
                }
            }
        }
    }
    insert_literal_rows(conn, "related_links (article_id, position, target_article_id)", &rows)
}
