//! Article rows and lookups: by id or slug, by ids in order, with their
//! tags, bylines and related links loaded in a few batched statements.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::domain::time::from_stored;
use crate::domain::{Article, Byline, LinkedArticle, Reference, RelatedLink, Role, Status};
use crate::store::connection::{DbConnection, MultiBackend};
use crate::store::schema::{article_tags, articles, authors, bylines, related_links, sections, tags};
use crate::store::slugged::{AuthorRow, SectionRow, TagRow};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = articles)]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub headline: String,
    pub summary: Option<String>,
    pub body: String,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub sort_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub dateline: Option<String>,
    pub section_id: Option<i64>,
    pub language: String,
    pub canonical_url: Option<String>,
    pub word_count: i32,
    pub version: i64,
}

/// Every stored column of an article, for inserts and whole-row updates.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = articles, treat_none_as_null = true)]
pub struct ArticleValues {
    pub slug: String,
    pub headline: String,
    pub summary: Option<String>,
    pub body: String,
    pub status: String,
    pub published_at: Option<NaiveDateTime>,
    pub sort_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub dateline: Option<String>,
    pub section_id: Option<i64>,
    pub language: String,
    pub canonical_url: Option<String>,
    pub word_count: i32,
    pub version: i64,
}

impl ArticleValues {
    /// The default order's key: the publication date, else the creation date.
    pub fn sort_key(published_at: Option<NaiveDateTime>, created_at: NaiveDateTime) -> NaiveDateTime {
        published_at.unwrap_or(created_at)
    }
}

impl From<&ArticleRow> for ArticleValues {
    fn from(row: &ArticleRow) -> Self {
        Self {
            slug: row.slug.clone(),
            headline: row.headline.clone(),
            summary: row.summary.clone(),
            body: row.body.clone(),
            status: row.status.clone(),
            published_at: row.published_at,
            sort_at: row.sort_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
            dateline: row.dateline.clone(),
            section_id: row.section_id,
            language: row.language.clone(),
            canonical_url: row.canonical_url.clone(),
            word_count: row.word_count,
            version: row.version,
        }
    }
}

fn parse_status(value: &str) -> Status {
    // The CHECK constraint admits only the two values.
    value.parse().unwrap_or(Status::Draft)
}

fn parse_role(value: &str) -> Role {
    value.parse().unwrap_or(Role::Author)
}

pub(super) fn into_article(row: ArticleRow, section: Option<SectionRow>) -> Article {
    Article {
        id: row.id,
        slug: row.slug,
        headline: row.headline,
        summary: row.summary,
        body: row.body,
        status: parse_status(&row.status),
        published_at: row.published_at.map(from_stored),
        created_at: from_stored(row.created_at),
        updated_at: from_stored(row.updated_at),
        dateline: row.dateline,
        language: row.language,
        canonical_url: row.canonical_url,
        word_count: row.word_count,
        version: row.version,
        section: section.map(Into::into),
        tags: Vec::new(),
        bylines: Vec::new(),
        search: None,
    }
}

/// The stored row of an article, by id or slug, whatever its status.
pub fn find_row(conn: &mut DbConnection, reference: &Reference) -> QueryResult<Option<ArticleRow>> {
    let query = articles::table.select(ArticleRow::as_select()).into_boxed::<MultiBackend>();
    let query = match reference {
        Reference::Id(id) => query.filter(articles::id.eq(*id)),
        Reference::Slug(slug) => query.filter(articles::slug.eq(slug.clone())),
    };
    query.first(conn).optional()
}

/// The stored row of an article about to be written, locked until the
/// transaction ends. PostgreSQL runs writers side by side (read committed):
/// without the lock, a write that committed between this read and the
/// version-checked update made a PATCH without `If-Match` a 412 and a
/// publish a 409 "retry". SQLite writers already run one at a time
/// (`write_transaction` takes the write lock first).
pub fn find_row_for_update(conn: &mut DbConnection, reference: &Reference) -> QueryResult<Option<ArticleRow>> {
    match conn {
        DbConnection::Postgres(pg) => {
            let rows = articles::table.select(ArticleRow::as_select());
            match reference {
                Reference::Id(id) => rows.filter(articles::id.eq(*id)).for_update().first(pg).optional(),
                Reference::Slug(slug) => rows.filter(articles::slug.eq(slug)).for_update().first(pg).optional(),
            }
        }
        DbConnection::Sqlite(_) => find_row(conn, reference),
    }
}

/// One article with its section, tags and bylines (three statements), whatever its status.
pub fn find(conn: &mut DbConnection, reference: &Reference) -> QueryResult<Option<Article>> {
    // Not boxed, so each form is prepared once per connection and cached.
    let with_section = articles::table.left_join(sections::table);
    let columns = (ArticleRow::as_select(), Option::<SectionRow>::as_select());
    let found = match reference {
        Reference::Id(id) => with_section.filter(articles::id.eq(*id)).select(columns).first(conn),
        Reference::Slug(slug) => with_section.filter(articles::slug.eq(slug)).select(columns).first(conn),
    };
    hydrate_one(conn, found.optional()?)
}

/// One public article (published, its time come), or none: visibility is
/// part of the lookup, so a draft's or an embargoed story's slug costs what
/// a missing one does (checked after loading, a draft's 404 took ~520 µs
/// against ~345 µs and told anyone the story existed).
pub fn find_public(conn: &mut DbConnection, reference: &Reference, now: DateTime<Utc>) -> QueryResult<Option<Article>> {
    let public = crate::store::article_filter::is_public(now);
    let with_section = articles::table.left_join(sections::table);
    let columns = (ArticleRow::as_select(), Option::<SectionRow>::as_select());
    let found = match reference {
        Reference::Id(id) => with_section.filter(articles::id.eq(*id)).filter(public).select(columns).first(conn),
        Reference::Slug(slug) => {
            with_section.filter(articles::slug.eq(slug)).filter(public).select(columns).first(conn)
        }
    };
    hydrate_one(conn, found.optional()?)
}

/// An article row with its tags and bylines.
fn hydrate_one(
    conn: &mut DbConnection,
    found: Option<(ArticleRow, Option<SectionRow>)>,
) -> QueryResult<Option<Article>> {
    let Some((row, section)) = found else {
        return Ok(None);
    };
    Ok(hydrate(conn, vec![into_article(row, section)])?.pop())
}

/// The rows of these articles, in this order.
pub(super) fn rows_in_order(
    conn: &mut DbConnection,
    ids: &[i64],
) -> QueryResult<Vec<(ArticleRow, Option<SectionRow>)>> {
    let mut rows: Vec<(ArticleRow, Option<SectionRow>)> = articles::table
        .left_join(sections::table)
        .filter(articles::id.eq_any(ids))
        .select((ArticleRow::as_select(), Option::<SectionRow>::as_select()))
        .load(conn)?;
    let position: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    rows.sort_by_key(|(row, _)| position.get(&row.id).copied());
    Ok(rows)
}

// One article's tags and bylines are asked for with `=`, not `IN`: an `IN`
// list is a new statement for every length, so SQLite parsed and planned
// both on every uncached article read; `=` is prepared once per connection.

/// The tags of these articles, by article and position.
fn tag_rows(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, TagRow)>> {
    let query = article_tags::table
        .inner_join(tags::table)
        .order((article_tags::article_id, article_tags::position))
        .select((article_tags::article_id, TagRow::as_select()));
    match ids {
        [id] => query.filter(article_tags::article_id.eq(*id)).load(conn),
        _ => query.filter(article_tags::article_id.eq_any(ids)).load(conn),
    }
}

/// The bylines of these articles, by article and position.
fn byline_rows(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<(i64, String, AuthorRow)>> {
    let query = bylines::table.inner_join(authors::table).order((bylines::article_id, bylines::position)).select((
        bylines::article_id,
        bylines::role,
        AuthorRow::as_select(),
    ));
    match ids {
        [id] => query.filter(bylines::article_id.eq(*id)).load(conn),
        _ => query.filter(bylines::article_id.eq_any(ids)).load(conn),
    }
}

/// Fills in tags and bylines of many articles with one statement each.
pub(super) fn hydrate(conn: &mut DbConnection, mut found: Vec<Article>) -> QueryResult<Vec<Article>> {
    if found.is_empty() {
        return Ok(found);
    }
    let ids: Vec<i64> = found.iter().map(|a| a.id).collect();
    let (tag_rows, byline_rows) = (tag_rows(conn, &ids)?, byline_rows(conn, &ids)?);

    let mut tags_of: HashMap<i64, Vec<_>> = HashMap::new();
    for (article_id, tag) in tag_rows {
        tags_of.entry(article_id).or_default().push(tag.into());
    }
    let mut bylines_of: HashMap<i64, Vec<Byline>> = HashMap::new();
    for (article_id, role, author) in byline_rows {
        bylines_of.entry(article_id).or_default().push(Byline { role: parse_role(&role), author: author.into() });
    }
    for article in &mut found {
        article.tags = tags_of.remove(&article.id).unwrap_or_default();
        article.bylines = bylines_of.remove(&article.id).unwrap_or_default();
    }
    Ok(found)
}

/// The ordered related links of an article, targets resolved (one statement).
pub fn related(conn: &mut DbConnection, article_id: i64) -> QueryResult<Vec<RelatedLink>> {
    type Target = (i64, String, String, String, Option<NaiveDateTime>);
    let rows: Vec<(Option<String>, Option<String>, Option<Target>)> = related_links::table
        .left_join(articles::table)
        .filter(related_links::article_id.eq(article_id))
        .order(related_links::position)
        .select((
            related_links::url,
            related_links::title,
            (articles::id, articles::slug, articles::headline, articles::status, articles::published_at).nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(url, title, target)| match (target, url, title) {
            (Some((id, slug, headline, status, published_at)), _, _) => Some(RelatedLink::Article(LinkedArticle {
                id,
                slug,
                headline,
                status: parse_status(&status),
                published_at: published_at.map(from_stored),
            })),
            (None, Some(url), Some(title)) => Some(RelatedLink::External { url, title }),
            _ => None,
        })
        .collect())
}

/// A related link as stored: an article id, or a URL and title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredLink {
    Article(i64),
    External { url: String, title: String },
}

/// Ids of the articles named by `references`, in the same order (`None` when missing).
pub fn resolve_ids(conn: &mut DbConnection, references: &[Reference]) -> QueryResult<Vec<Option<i64>>> {
    let ids: Vec<i64> =
        references.iter().filter_map(|r| if let Reference::Id(id) = r { Some(*id) } else { None }).collect();
    let slugs: Vec<String> =
        references.iter().filter_map(|r| if let Reference::Slug(s) = r { Some(s.clone()) } else { None }).collect();
    let found: Vec<(i64, String)> = articles::table
        .filter(articles::id.eq_any(&ids).or(articles::slug.eq_any(&slugs)))
        .select((articles::id, articles::slug))
        .load(conn)?;
    Ok(references
        .iter()
        .map(|r| {
            found
                .iter()
                .find(|(id, slug)| match r {
                    Reference::Id(want) => id == want,
                    Reference::Slug(want) => slug == want,
                })
                .map(|(id, _)| *id)
        })
        .collect())
}

/// The id of the article with this slug (a light, cacheable lookup).
pub fn id_of_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<i64>> {
    articles::table.filter(articles::slug.eq(slug)).select(articles::id).first(conn).optional()
}

/// Existing article slugs that start with `base` (to make a derived slug unique).
pub fn slugs_starting_with(conn: &mut DbConnection, base: &str) -> QueryResult<Vec<String>> {
    articles::table.filter(articles::slug.like(format!("{base}%"))).select(articles::slug).load(conn)
}

/// Articles by id, in the order of `ids`, with section, tags and bylines.
pub fn by_ids(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<Article>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // `hydrate` keeps the order `rows_in_order` gives.
    let rows = rows_in_order(conn, ids)?;
    hydrate(conn, rows.into_iter().map(|(row, section)| into_article(row, section)).collect())
}

/// The related links of many articles, in order, as stored (one statement).
/// Which of these articles have at least one related link (one statement).
pub fn ids_with_links(conn: &mut DbConnection, article_ids: &[i64]) -> QueryResult<std::collections::HashSet<i64>> {
    let ids: Vec<i64> = related_links::table
        .filter(related_links::article_id.eq_any(article_ids))
        .select(related_links::article_id)
        .distinct()
        .load(conn)?;
    Ok(ids.into_iter().collect())
}

pub fn links_of_many(conn: &mut DbConnection, article_ids: &[i64]) -> QueryResult<Vec<(i64, StoredLink)>> {
    type LinkRow = (i64, Option<i64>, Option<String>, Option<String>);
    let rows: Vec<LinkRow> = related_links::table
        .filter(related_links::article_id.eq_any(article_ids))
        .order((related_links::article_id, related_links::position))
        .select((related_links::article_id, related_links::target_article_id, related_links::url, related_links::title))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(owner, target, url, title)| match (target, url, title) {
            (Some(id), _, _) => Some((owner, StoredLink::Article(id))),
            (None, Some(url), Some(title)) => Some((owner, StoredLink::External { url, title })),
            _ => None,
        })
        .collect())
}

/// A page of articles in export order (creation time, then slug), with
/// section, tags and bylines; `after` is the last (created_at, slug) seen.
pub fn export_page(
    conn: &mut DbConnection,
    after: Option<&(NaiveDateTime, String)>,
    limit: u32,
) -> QueryResult<Vec<Article>> {
    let mut query = articles::table
        .left_join(sections::table)
        .select((ArticleRow::as_select(), Option::<SectionRow>::as_select()))
        .order((articles::created_at.asc(), articles::slug.asc()))
        .limit(i64::from(limit))
        .into_boxed::<MultiBackend>();
    if let Some((at, slug)) = after {
        // The plain range first, so the index seeks to the cursor instead of scanning up to it.
        query = query
            .filter(articles::created_at.ge(*at))
            .filter(articles::created_at.gt(*at).or(articles::slug.gt(slug.clone())));
    }
    let rows: Vec<(ArticleRow, Option<SectionRow>)> = query.load(conn)?;
    hydrate(conn, rows.into_iter().map(|(row, section)| into_article(row, section)).collect())
}

/// Slugs of articles by id.
pub fn slugs_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> =
        articles::table.filter(articles::id.eq_any(ids)).select((articles::id, articles::slug)).load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Slug → id of the articles among `slugs` that exist.
pub fn ids_of_slugs(conn: &mut DbConnection, slugs: &[&str]) -> QueryResult<HashMap<String, i64>> {
    let mut found = HashMap::with_capacity(slugs.len());
    for chunk in slugs.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<(String, i64)> =
            articles::table.filter(articles::slug.eq_any(chunk)).select((articles::slug, articles::id)).load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}

/// Rows per multi-row statement: well inside SQLite's statement length limit.
pub(super) const ROWS_PER_STATEMENT: usize = 1000;
