//! Full-text search: SQLite FTS5 (BM25) or PostgreSQL `tsvector`
//! (`ts_rank_cd`), behind one function. The statements are written by hand
//! (diesel has no FTS DSL); the reader's words arrive as one bound parameter
//! in each database's own safe form (see `domain::search`), never in the SQL.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double};

use super::article_filter::filter_clauses;
use super::articles::by_ids;
use super::connection::DbConnection;
use super::sql::{Bind, Statement};
use crate::domain::search::{highlight_html, similarity_terms};
use crate::domain::snippet::Matcher;
use crate::domain::time::to_stored;
use crate::domain::{Article, ArticleFilter, ArticleSort, SearchMatch, SearchQuery, SortKey, Status, StatusFilter};

/// Added to the score of an article whose headline matches on its own, so
/// that it ranks ahead of every body-only match (scores are below it).
const HEADLINE_BONUS: f64 = 1000.0;

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Double)]
    score: f64,
}

/// A page of matching articles (`limit + 1`, so the caller can tell whether
/// more follow), each with its score and highlight (`snippet`, from the
/// rows the page loads): the hits, then the page's rows, whatever its size.
pub fn search(
    conn: &mut DbConnection,
    filter: &ArticleFilter,
    query: &SearchQuery,
    now: DateTime<Utc>,
) -> QueryResult<Vec<Article>> {
    let postgres = matches!(conn, DbConnection::Postgres(_));
    let ranked_first = if postgres { None } else { sqlite_ranked_then_visible(conn, filter, query, now)? };
    let hits = match ranked_first {
        Some(hits) => hits,
        None => filtered_hits(conn, filter, query, now, postgres)?,
    };

    let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
    let mut found = by_ids(conn, &ids)?;
    let scores: HashMap<i64, f64> = hits.iter().map(|h| (h.id, h.score)).collect();
    let matcher = Matcher::new(query);
    for article in &mut found {
        let snippet = matcher.snippet(&[&article.headline, article.summary.as_deref().unwrap_or(""), &article.body]);
        let score = scores.get(&article.id).copied().unwrap_or_default();
        article.search = Some(SearchMatch { score, highlight: highlight_html(&snippet) });
    }
    Ok(found)
}

/// The page's hits in one statement: every match joined to its article for
/// the filters, then ordered.
fn filtered_hits(
    conn: &mut DbConnection,
    filter: &ArticleFilter,
    query: &SearchQuery,
    now: DateTime<Utc>,
    postgres: bool,
) -> QueryResult<Vec<Hit>> {
    let mut statement = Statement::default();
    statement.push("SELECT id, score FROM (");
    if postgres {
        postgres_hits(&mut statement, query);
    } else {
        sqlite_hits(&mut statement, query);
    }
    filter_clauses(&mut statement, filter, now);
    statement.push(") h WHERE 1 = 1");
    cursor_and_order(&mut statement, filter, filter.limit.get() + 1);
    statement.into_query().load(conn)
}

/// Hits ranked from the index alone before any is checked against the
/// filters: `RANKED_FIRST` times the page are more than enough when nearly
/// every article is public.
const RANKED_FIRST: u32 = 3;

/// SQLite, relevance order: ranks from the full-text index alone, then
/// applies the list's filters to the best few only. Joining every match to
/// its article first cost as much as ranking it (~1 µs a match; a two-word
/// query of common words matches thousands). Tried only for a public search
/// with nothing else to narrow it (what a reader's search box sends), where
/// nearly every match passes; `None` otherwise, or when too few of the best
/// passed: the caller then filters every match.
fn sqlite_ranked_then_visible(
    conn: &mut DbConnection,
    filter: &ArticleFilter,
    query: &SearchQuery,
    now: DateTime<Utc>,
) -> QueryResult<Option<Vec<Hit>>> {
    let nearly_all_pass = filter.status == StatusFilter::Public
        && filter.section.is_none()
        && filter.tags.is_empty()
        && filter.author.is_none()
        && filter.links_to.is_none()
        && filter.published_after.is_none()
        && filter.published_before.is_none();
    if !nearly_all_pass || filter.sort != ArticleSort::Relevance {
        return Ok(None);
    }
    let wanted = filter.limit.get() + 1;
    let fetched = wanted * RANKED_FIRST;
    let fts = query.to_fts5();
    let mut statement = Statement::default();
    statement.push("WITH ");
    headline_matches(&mut statement, &fts);
    statement
        .push(" SELECT id, score FROM (SELECT rowid AS id, -bm25(articles_fts, 10.0, 4.0, 1.0) + ")
        .push(&headline_bonus("rowid"))
        .push(" AS score FROM articles_fts WHERE articles_fts MATCH ")
        .bind(Bind::Text(fts))
        .push(") h WHERE 1 = 1");
    cursor_and_order(&mut statement, filter, fetched);
    let mut hits: Vec<Hit> = statement.into_query().load(conn)?;
    let exhausted = hits.len() < fetched as usize;
    let passing = passing_filters(conn, &hits, filter, now)?;
    hits.retain(|h| passing.contains(&h.id));
    if hits.len() < wanted as usize && !exhausted {
        return Ok(None);
    }
    hits.truncate(wanted as usize);
    Ok(Some(hits))
}

/// Which of the hits' articles pass the list's filters (one statement,
/// through the same `filters` as the one-statement search).
fn passing_filters(
    conn: &mut DbConnection,
    hits: &[Hit],
    filter: &ArticleFilter,
    now: DateTime<Utc>,
) -> QueryResult<HashSet<i64>> {
    if hits.is_empty() {
        return Ok(HashSet::new());
    }
    // Ids are integers from our own query: written out, not bound.
    let ids = hits.iter().map(|h| h.id.to_string()).collect::<Vec<_>>().join(",");
    let mut statement = Statement::default();
    statement.push(&format!("SELECT a.id AS id FROM articles a INDEXED BY articles_visibility WHERE a.id IN ({ids})"));
    filter_clauses(&mut statement, filter, now);
    let rows: Vec<CandidateId> = statement.into_query().load(conn)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Matching articles with `score`, `sort_at` and `updated_at`, from FTS5:
/// BM25 with the headline weighted 10, the summary 4, the body 1 (negated:
/// higher is better), plus the headline bonus.
fn sqlite_hits(statement: &mut Statement, query: &SearchQuery) {
    let fts = query.to_fts5();
    statement
        .push("WITH matches AS MATERIALIZED (SELECT rowid AS id, -bm25(articles_fts, 10.0, 4.0, 1.0) AS score ")
        .push("FROM articles_fts WHERE articles_fts MATCH ")
        .bind(Bind::Text(fts.clone()))
        .push("), ");
    headline_matches(statement, &fts);
    statement
        .push(" SELECT a.id AS id, a.sort_at AS sort_at, a.updated_at AS updated_at, m.score + ")
        .push(&headline_bonus("m.id"))
        // CROSS JOIN keeps the matches as the outer loop: SQLite's planner
        // would otherwise walk every published article and probe the matches.
        // The covering index answers every filter without reading the row.
        .push(
            " AS score FROM matches m CROSS JOIN articles a INDEXED BY articles_visibility ON a.id = m.id WHERE 1 = 1",
        );
}

/// SQLite: the CTE `in_headline`, ids of the articles whose headline alone
/// matches the FTS5 query `fts`.
fn headline_matches(statement: &mut Statement, fts: &str) {
    statement
        .push("in_headline AS MATERIALIZED (SELECT rowid AS id FROM articles_fts WHERE articles_fts MATCH ")
        .bind(Bind::Text(format!("{{headline}} : ({fts})")))
        .push(")");
}

/// SQLite: `HEADLINE_BONUS` when the article `id` names is in `in_headline`.
fn headline_bonus(id: &str) -> String {
    format!("CASE WHEN {id} IN (SELECT id FROM in_headline) THEN {HEADLINE_BONUS} ELSE 0 END")
}

/// The same from the `search` column: `ts_rank_cd` normalised below 1, plus
/// the headline bonus when the headline (weight A) matches on its own.
fn postgres_hits(statement: &mut Statement, query: &SearchQuery) {
    statement
        .push("SELECT a.id AS id, a.sort_at AS sort_at, a.updated_at AS updated_at, ")
        .push(&format!("(CASE WHEN ts_filter(a.search, '{{a}}') @@ q.query THEN {HEADLINE_BONUS} ELSE 0 END "))
        .push("+ ts_rank_cd(a.search, q.query, 32))::float8 AS score ")
        .push("FROM articles a, (SELECT websearch_to_tsquery('dateline', ")
        .bind(Bind::Text(query.to_websearch()))
        .push(") AS query) q WHERE a.search @@ q.query");
}

/// Keyset predicate, order and `rows` as the limit on the outer query over `h`.
fn cursor_and_order(statement: &mut Statement, filter: &ArticleFilter, rows: u32) {
    let (column, descending) = match filter.sort {
        ArticleSort::Relevance => ("h.score", true),
        ArticleSort::PublishedDesc => ("h.sort_at", true),
        ArticleSort::PublishedAsc => ("h.sort_at", false),
        ArticleSort::UpdatedDesc => ("h.updated_at", true),
    };
    let (before, after) = if descending { ("<", "DESC") } else { (">", "ASC") };
    if let Some(cursor) = &filter.cursor {
        let key = || match cursor.key {
            SortKey::Score(score) => Bind::Double(score),
            SortKey::At(at) => Bind::Timestamp(to_stored(at)),
        };
        statement.push(&format!(" AND ({column} {before} ")).bind(key());
        statement.push(&format!(" OR ({column} = ")).bind(key());
        statement.push(&format!(" AND h.id {before} ")).bind(Bind::BigInt(cursor.id)).push("))");
    }
    statement.push(&format!(" ORDER BY {column} {after}, h.id {after} LIMIT {rows}"));
}

/// Candidates per kind of likeness for "more like this": the most recent
/// articles per shared tag, per shared author, and sharing a telling
/// headline word. Ranking
/// every headline match instead cost ~300 ms on 100,000 articles when the
/// headline held common words; newest-first lets the index stop early, so
/// the work per request is bounded whatever the size of the store.
const TAG_CANDIDATES: u32 = 100;
const AUTHOR_CANDIDATES: u32 = 50;
const TEXT_CANDIDATES: u32 = 50;

#[derive(QueryableByName)]
struct CandidateId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// Public articles like `article`, best first, then newest: 3 points per
/// shared tag, 2 per shared author (among the newest 100 per tag and 50
/// per author), 2 for a headline sharing its telling
/// words, 1 more for the same section. Itself and the articles it already
/// links to are left out. One statement.
pub fn suggestion_ids(
    conn: &mut DbConnection,
    article: &Article,
    now: DateTime<Utc>,
    limit: u32,
) -> QueryResult<Vec<i64>> {
    let postgres = matches!(conn, DbConnection::Postgres(_));
    let terms = similarity_terms(&article.headline);
    let id = || Bind::BigInt(article.id);
    // Tag and author ids are integers we loaded: written out, not bound. One
    // subquery per tag and author reads just the newest rows of its index.
    let mut sources = vec!["SELECT 0 AS candidate_id, 0 AS weight WHERE 1 = 0".to_owned()];
    for tag in &article.tags {
        sources.push(format!(
            "SELECT article_id, 3 FROM (SELECT article_id FROM article_tags WHERE tag_id = {} \
             ORDER BY article_id DESC LIMIT {TAG_CANDIDATES}) t{}",
            tag.id, tag.id
        ));
    }
    for byline in &article.bylines {
        sources.push(format!(
            "SELECT article_id, 2 FROM (SELECT article_id FROM bylines WHERE author_id = {} \
             ORDER BY article_id DESC LIMIT {AUTHOR_CANDIDATES}) b{}",
            byline.author.id, byline.author.id
        ));
    }
    let mut statement = Statement::default();
    statement
        .push("SELECT a.id AS id FROM (SELECT candidate_id, SUM(weight) AS score FROM (")
        .push(&sources.join(" UNION ALL "));
    if !terms.is_empty() {
        statement.push(" UNION ALL SELECT id, 2 FROM (");
        if postgres {
            // Letters and digits only: nothing in them is to_tsquery syntax.
            // The expression is the one `articles_headline_search` indexes.
            let query = terms.join(" | ");
            statement
                .push("SELECT id FROM articles, to_tsquery('dateline', ")
                .bind(Bind::Text(query))
                .push(") q WHERE to_tsvector('dateline'::regconfig, headline) @@ q ")
                .push(&format!("ORDER BY id DESC LIMIT {TEXT_CANDIDATES}"));
        } else {
            let query = terms.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" OR ");
            statement
                .push("SELECT rowid AS id FROM articles_fts WHERE articles_fts MATCH ")
                .bind(Bind::Text(format!("{{headline}} : ({query})")))
                .push(&format!(" ORDER BY rowid DESC LIMIT {TEXT_CANDIDATES}"));
        }
        statement.push(") x ");
    }
    statement
        // (CROSS JOIN in SQLite keeps the few candidates as the outer loop.)
        .push(") shared GROUP BY candidate_id) ranked ")
        .push(if postgres { "JOIN articles a" } else { "CROSS JOIN articles a INDEXED BY articles_visibility" })
        .push(" ON a.id = ranked.candidate_id WHERE a.id <> ")
        .bind(id())
        .push(&format!(" AND a.status = '{}' AND a.published_at <= ", Status::Published.as_str()))
        .bind(Bind::Timestamp(to_stored(now)))
        .push(" AND a.id NOT IN (SELECT target_article_id FROM related_links WHERE article_id = ")
        .bind(id())
        .push(" AND target_article_id IS NOT NULL) ORDER BY ranked.score + CASE WHEN a.section_id = ")
        .push("(SELECT section_id FROM articles WHERE id = ")
        .bind(id())
        .push(&format!(") THEN 1 ELSE 0 END DESC, a.published_at DESC, a.id DESC LIMIT {limit}"));
    let ranked: Vec<CandidateId> = statement.into_query().load(conn)?;
    Ok(ranked.into_iter().map(|c| c.id).collect())
}
