//! Every filter returns the same articles through the DSL and through the
//! SQL text, on SQLite and (with TEST_DATABASE_URL) on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::sql_types::BigInt;
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};

use super::*;
use crate::domain::{ArticleFilter, Reference, Role, StatusFilter};
use crate::store::articles::{insert, insert_bylines, insert_tags, replace_related_of_many, ArticleValues, StoredLink};
use crate::store::connection::{DbConnection, Location};
use crate::store::slugged::{insert_author, insert_section, insert_tag, AuthorValues, SectionValues, TagValues};

fn at(text: &str) -> NaiveDateTime {
    text.parse::<DateTime<Utc>>().unwrap().naive_utc()
}

/// A small store: five articles that differ in every filtered property.
/// Returns the id of author `bob`.
fn seed(conn: &mut DbConnection) -> i64 {
    let created = at("2018-01-01T00:00:00Z");
    let section = |conn: &mut DbConnection, slug: &str| {
        insert_section(conn, &SectionValues { slug: slug.into(), name: slug.into(), description: None }).unwrap()
    };
    let (world, local) = (section(conn, "world"), section(conn, "local"));
    let tag = |conn: &mut DbConnection, slug: &str| {
        insert_tag(conn, &TagValues { slug: slug.into(), name: slug.into() }).unwrap()
    };
    let (a, b) = (tag(conn, "a"), tag(conn, "b"));
    let author = |conn: &mut DbConnection, slug: &str| {
        let values = AuthorValues {
            slug: slug.into(),
            name: slug.into(),
            bio: None,
            avatar_url: None,
            created_at: created,
            updated_at: created,
        };
        insert_author(conn, &values).unwrap()
    };
    let (ann, bob) = (author(conn, "ann"), author(conn, "bob"));
    let article = |conn: &mut DbConnection, slug: &str, status: &str, published: Option<&str>, section: Option<i64>| {
        let published_at = published.map(at);
        let values = ArticleValues {
            slug: slug.into(),
            headline: slug.into(),
            summary: None,
            body: "Words.".into(),
            status: status.into(),
            published_at,
            sort_at: published_at.unwrap_or(created),
            created_at: created,
            updated_at: created,
            dateline: None,
            section_id: section,
            language: "en".into(),
            canonical_url: None,
            word_count: 1,
            version: 1,
        };
        insert(conn, &values).unwrap()
    };
    let one = article(conn, "one", "published", Some("2020-01-01T00:00:00Z"), Some(world));
    let two = article(conn, "two", "published", Some("2021-06-01T00:00:00Z"), Some(local));
    let three = article(conn, "three", "draft", None, Some(world));
    let four = article(conn, "four", "published", Some("2999-01-01T00:00:00Z"), None);
    let five = article(conn, "five", "published", Some("2019-01-01T00:00:00Z"), None);
    for (id, tags) in [(one, vec![a, b]), (two, vec![a]), (three, vec![b]), (four, vec![a])] {
        insert_tags(conn, id, &tags).unwrap();
    }
    for (id, authors) in [(one, vec![ann]), (two, vec![bob]), (three, vec![ann, bob]), (four, vec![ann])] {
        insert_bylines(conn, id, &authors.into_iter().map(|a| (a, Role::Author)).collect::<Vec<_>>()).unwrap();
    }
    let links = vec![
        (one, vec![StoredLink::Article(two)]),
        (four, vec![StoredLink::Article(one)]),
        (five, vec![StoredLink::Article(one), StoredLink::Article(two)]),
    ];
    replace_related_of_many(conn, &links).unwrap();
    bob
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

fn through_dsl(conn: &mut DbConnection, filter: &ArticleFilter, now: DateTime<Utc>) -> Vec<i64> {
    use diesel::{ExpressionMethods, QueryDsl};
    let query = filtered(articles::table.left_join(sections::table).into_boxed::<MultiBackend>(), filter, now);
    query.select(articles::id).order(articles::id.asc()).load(conn).unwrap()
}

fn through_sql(conn: &mut DbConnection, filter: &ArticleFilter, now: DateTime<Utc>) -> Vec<i64> {
    let mut statement = Statement::default();
    statement.push("SELECT a.id FROM articles a WHERE 1 = 1");
    filter_clauses(&mut statement, filter, now);
    statement.push(" ORDER BY a.id");
    statement.into_query().load::<Id>(conn).unwrap().into_iter().map(|row| row.id).collect()
}

fn filters(bob: i64) -> Vec<ArticleFilter> {
    let date = |text: &str| Some(text.parse::<DateTime<Utc>>().unwrap());
    let mut filters = Vec::new();
    for status in [StatusFilter::Public, StatusFilter::Draft, StatusFilter::Scheduled, StatusFilter::Any] {
        let base = ArticleFilter { status, ..ArticleFilter::default() };
        let variants = [
            ArticleFilter { ..base.clone() },
            ArticleFilter { section: Some("world".into()), ..base.clone() },
            ArticleFilter { section: Some("nowhere".into()), ..base.clone() },
            ArticleFilter { tags: vec!["a".into()], ..base.clone() },
            ArticleFilter { tags: vec!["a".into(), "b".into()], ..base.clone() },
            ArticleFilter { tags: vec!["zzz".into()], ..base.clone() },
            ArticleFilter { author: Some(Reference::Slug("ann".into())), ..base.clone() },
            ArticleFilter { author: Some(Reference::Id(bob)), ..base.clone() },
            ArticleFilter { links_to: Some(1), ..base.clone() },
            ArticleFilter { published_after: date("2020-01-01T00:00:00Z"), ..base.clone() },
            ArticleFilter { published_before: date("2020-01-01T00:00:00Z"), ..base.clone() },
            ArticleFilter {
                section: Some("world".into()),
                tags: vec!["b".into()],
                author: Some(Reference::Slug("ann".into())),
                ..base.clone()
            },
        ];
        filters.extend(variants);
    }
    filters
}

fn compare_on(conn: &mut DbConnection) {
    crate::store::migrate(conn).unwrap();
    let bob = seed(conn);
    let now = "2026-01-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
    let mut non_empty = 0;
    for filter in filters(bob) {
        let dsl = through_dsl(conn, &filter, now);
        assert_eq!(dsl, through_sql(conn, &filter, now), "{filter:?}");
        non_empty += usize::from(!dsl.is_empty());
    }
    assert!(non_empty > 20, "the filters pick articles ({non_empty} non-empty results)");
    let public = ArticleFilter::default();
    assert_eq!(through_dsl(conn, &public, now).len(), 3, "one, two and five are public");
}

#[test]
fn every_filter_means_the_same_in_both_languages_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::parse(&dir.path().join("filters.db").display().to_string()).unwrap();
    compare_on(&mut location.connect().unwrap());
}

#[test]
#[cfg_attr(not(postgres_tests), ignore = "TEST_DATABASE_URL was not set when the tests were built")]
fn every_filter_means_the_same_in_both_languages_on_postgres() {
    let admin = std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL");
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut server = PgConnection::establish(&admin).unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut server).unwrap();
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&name);
    let result = std::panic::catch_unwind(|| {
        compare_on(&mut Location::parse(url.as_str()).unwrap().connect().unwrap());
    });
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut server).unwrap();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
