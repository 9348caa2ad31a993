//! Keyset paging, every filter, and the number of SQL statements per request.

use dateline::domain::Scope;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{slugs, Backend, TestApp};

backend_tests!(
    paging_45_articles_by_cursor,
    filters_select_and_bad_values_name_the_parameter,
    statement_counts_are_fixed
);

/// Creates `n` published articles, three per day (ties broken by id); returns (id, published_at).
async fn seed_articles(app: &TestApp, key: &str, n: usize) -> Vec<(i64, String)> {
    let mut created = Vec::new();
    for i in 0..n {
        let published_at = format!("2020-01-{:02}T12:00:00Z", i / 3 + 1);
        let body = json!({"headline": format!("Story {i}"), "status": "published", "published_at": published_at});
        created.push((app.article(key, body).await["id"].as_i64().unwrap(), published_at));
    }
    created
}

fn ids(page: &Value) -> Vec<i64> {
    page["data"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect()
}

/// Follows `Link: rel="next"` from `first` to the end; returns every id in order.
async fn walk(app: &TestApp, first: &str, key: Option<&str>) -> (Vec<i64>, usize) {
    let (mut seen, mut pages, mut next) = (Vec::new(), 0, Some(first.to_owned()));
    while let Some(path) = next.take() {
        let response = app.get(&path, key).await;
        assert_eq!(response.status, 200, "{path}");
        let body = response.json();
        pages += 1;
        seen.extend(ids(&body));
        match (body["next_cursor"].as_str(), response.header("link")) {
            (Some(cursor), Some(link)) => {
                assert!(link.ends_with("; rel=\"next\""), "{link}");
                assert!(link.contains(cursor), "{link}");
                next = Some(link.trim_start_matches('<').split('>').next().unwrap().to_owned());
            }
            (None, None) => {}
            other => panic!("cursor and Link disagree: {other:?}"),
        }
        assert!(pages < 100, "paging does not end");
    }
    (seen, pages)
}

async fn paging_45_articles_by_cursor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let created = seed_articles(&app, &write, 45).await;

    let mut newest_first = created.clone();
    newest_first.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
    let expected: Vec<i64> = newest_first.iter().map(|(id, _)| *id).collect();
    let (seen, pages) = walk(&app, "/v1/articles?limit=10", None).await;
    assert_eq!(pages, 5);
    assert_eq!(seen, expected, "no repeats, no gaps, strict order");

    let oldest_first: Vec<i64> = expected.iter().rev().copied().collect();
    let (seen, _) = walk(&app, "/v1/articles?limit=7&sort=published_at", None).await;
    assert_eq!(seen, oldest_first);

    let (seen, pages) = walk(&app, "/v1/articles?limit=100&sort=-updated_at", None).await;
    assert_eq!(pages, 1);
    assert_eq!(seen, created.iter().rev().map(|(id, _)| *id).collect::<Vec<_>>(), "last updated first");

    // Default page size is 20; a cursor from one order is refused by another.
    let page = app.get("/v1/articles", None).await.json();
    assert_eq!(ids(&page).len(), 20);
    let cursor = page["next_cursor"].as_str().unwrap();
    app.get(&format!("/v1/articles?sort=published_at&cursor={cursor}"), None).await.problem(400);
    app.get("/v1/articles?cursor=garbage!!", None).await.problem(400);
}

async fn filters_select_and_bad_values_name_the_parameter(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;
    let stories = [
        ("a", "2021-03-01T00:00:00Z", "world", vec!["syria"], "ann-lee"),
        ("b", "2021-03-02T00:00:00Z", "world", vec!["syria", "transport"], "bob-stone"),
        ("c", "2021-03-02T12:00:00Z", "local", vec!["transport"], "ann-lee"),
        ("d", "2021-03-03T00:00:00Z", "local", vec![], "bob-stone"),
    ];
    for (slug, at, section, tags, author) in stories {
        app.article(
            &write,
            json!({"headline": format!("Story {slug}"), "slug": slug, "status": "published", "published_at": at,
                   "section": section, "tags": tags, "bylines": [{"author": author}]}),
        )
        .await;
    }
    let cases: [(&str, Vec<&str>); 11] = [
        ("section=world", vec!["b", "a"]),
        ("tag=transport", vec!["c", "b"]),
        ("tag=syria&tag=transport", vec!["b"]),
        ("author=ann-lee", vec!["c", "a"]),
        ("author=2", vec!["d", "b"]),
        ("section=local&author=bob-stone", vec!["d"]),
        ("published_after=2021-03-02", vec!["d", "c", "b"]),
        ("published_before=2021-03-02", vec!["a"]),
        ("published_after=2021-03-02T00:00:00Z&published_before=2021-03-03", vec!["c", "b"]),
        ("published_after=2021-03-02T13:00:00%2B01:00", vec!["d", "c"]),
        ("section=nowhere", vec![]),
    ];
    for (query, expected) in cases {
        let body = app.get(&format!("/v1/articles?{query}"), None).await.json();
        assert_eq!(slugs(&body), expected, "{query}");
    }
    assert_eq!(slugs(&app.get("/v1/authors/ann-lee/articles?tag=syria", None).await.json()), vec!["a"]);
    app.get("/v1/authors/nobody/articles", None).await.problem(404);
    app.get("/v1/sections/nowhere/articles", None).await.problem(404);

    for (query, name) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("status=hidden", "status"),
        ("sort=headline", "sort"),
        ("sort=relevance", "sort"),
        ("q=%22%22", "q"),
        ("q=ferry&sort=relevance&cursor=cDoxOjE", "cursor"),
        ("published_after=yesterday", "published_after"),
        ("published_before=2021-13-01", "published_before"),
        ("colour=red", "colour"),
        ("limit=1&limit=2", "limit"),
        ("cursor=%FF", "cursor"),
    ] {
        let problem = app.get(&format!("/v1/articles?{query}"), None).await.problem(400);
        assert!(problem["detail"].as_str().unwrap().contains(&format!("`{name}`")), "{query}: {problem}");
    }
    app.get("/v1/authors?limit=500", None).await.problem(400);
    app.get("/v1/tags?cursor=nope", None).await.problem(400);
    app.get("/v1/sections?colour=red", None).await.problem(400);
}

/// Statements run by one request.
async fn statements_for(app: &TestApp, path: &str) -> u64 {
    let before = app.db.statements_run();
    let response = app.get(path, None).await;
    assert_eq!(response.status, 200, "{path}");
    app.db.statements_run() - before
}

async fn statement_counts_are_fixed(backend: Backend) {
    // What rendering costs; a cached response costs nothing (tests/api/response_cache.rs).
    let app = TestApp::spawn_uncached(backend).await;
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;
    for i in 0..45 {
        app.article(
            &write,
            json!({"headline": format!("Story {i}"), "status": "published", "published_at": "2022-05-01T00:00:00Z",
                   "section": "world", "tags": ["syria", "transport"],
                   "bylines": [{"author": "ann-lee"}, {"author": "bob-stone", "role": "editor"}]}),
        )
        .await;
    }
    app.put("/v1/articles/story-1/related", Some(&write), &json!([{"article": "story-2"}, {"article": "story-3"}]))
        .await;

    let small = statements_for(&app, "/v1/articles?limit=2").await;
    let full = statements_for(&app, "/v1/articles?limit=20").await;
    assert_eq!(small, full, "a list page costs the same whatever it holds");
    assert_eq!(full, 3, "articles with sections, tags, bylines");
    let first = app.get("/v1/articles?limit=20", None).await.json();
    let later =
        statements_for(&app, &format!("/v1/articles?limit=20&cursor={}", first["next_cursor"].as_str().unwrap())).await;
    assert_eq!(later, full, "a later page costs what page 1 costs");
    let filtered =
        statements_for(&app, "/v1/articles?limit=20&tag=syria&tag=transport&author=ann-lee&section=world").await;
    assert_eq!(filtered, full + 1, "the filtered page's ids first, then its rows");
    let tag_page = statements_for(&app, "/v1/tags/syria/articles?limit=20").await;
    assert_eq!(tag_page, full + 2, "the tag, the page's ids, then as a plain page");

    let single = statements_for(&app, "/v1/articles/story-1").await;
    assert!(single <= 5, "single article ran {single} statements");
    assert_eq!(statements_for(&app, "/v1/articles/story-7").await, single);
}
