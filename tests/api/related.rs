//! Related links: order kept, validation, and links that follow deletions.

use dateline::domain::Scope;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{slugs, Backend, TestApp};

backend_tests!(related_links_rules, suggestions_rank_shared_tags_authors_and_section);

async fn related_links_rules(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let published = json!({"status": "published", "published_at": "2021-01-01T00:00:00Z"});
    let mut ids = Vec::new();
    for headline in ["Main", "First", "Second", "Third"] {
        let mut body = published.clone();
        body["headline"] = json!(headline);
        ids.push(app.article(&write, body).await["id"].as_i64().unwrap());
    }

    // Order is kept exactly as given, mixing refs by slug and by id.
    let links = json!([
        {"article": "third"}, {"url": "https://example.org/a", "title": "A page"},
        {"article": ids[1].to_string()}, {"article": "second"}
    ]);
    let set = app.put("/v1/articles/main/related", Some(&write), &links).await;
    assert_eq!(set.status, 200);
    assert_eq!(slugs(&set.json()), vec!["third", "", "first", "second"]);
    let got = app.get("/v1/articles/main/related", None).await.json();
    assert_eq!(got, set.json());
    assert_eq!(got["data"][1], json!({"kind": "link", "url": "https://example.org/a", "title": "A page"}));
    assert_eq!(got["data"][0]["article"]["headline"], "Third");
    assert_eq!(got["data"][0]["article"]["published_at"], "2021-01-01T00:00:00Z");

    // Each rule: a 422 naming the entry, and the stored links unchanged.
    let cases = [
        (json!([{"article": "main"}]), "[0].article"),
        (json!([{"article": "first"}, {"article": "first"}]), "[1].article"),
        (json!([{"article": "first"}, {"article": "missing-story"}]), "[1].article"),
        (json!([{"url": "javascript:alert(1)", "title": "x"}]), "[0].url"),
        (json!([{"url": "https://example.org", "title": " "}]), "[0].title"),
        (
            json!([{"url": "https://example.org", "title": "x"}, {"url": "https://example.org", "title": "y"}]),
            "[1].url",
        ),
        (json!([{"article": "first", "url": "https://example.org"}]), "[0]"),
    ];
    for (body, field) in cases {
        let problem = app.put("/v1/articles/main/related", Some(&write), &body).await.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
    let too_many: Vec<_> = (0..51).map(|i| json!({"url": format!("https://example.org/{i}"), "title": "t"})).collect();
    app.put("/v1/articles/main/related", Some(&write), &json!(too_many)).await.problem(422);
    let fifty: Vec<_> = (0..50).map(|i| json!({"url": format!("https://example.org/{i}"), "title": "t"})).collect();
    assert_eq!(app.put("/v1/articles/second/related", Some(&write), &json!(fifty)).await.status, 200);
    assert_eq!(app.get("/v1/articles/main/related", None).await.json(), got, "failed writes changed nothing");

    // Deleting a target removes the links to it.
    assert_eq!(app.delete("/v1/articles/third", Some(&write)).await.status, 204);
    assert_eq!(slugs(&app.get("/v1/articles/main/related", None).await.json()), vec!["", "first", "second"]);
    assert_eq!(slugs(&app.get("/v1/articles/first/backlinks", None).await.json()), vec!["main"]);

    // An empty list clears.
    assert_eq!(app.put("/v1/articles/main/related", Some(&write), &json!([])).await.json()["data"], json!([]));
    app.put("/v1/articles/nothing-here/related", Some(&write), &json!([])).await.problem(404);
}

async fn suggestions_rank_shared_tags_authors_and_section(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;
    let story = |slug: &str, at: &str, section: &str, tags: serde_json::Value, author: &str, status: &str| {
        json!({"headline": slug, "slug": slug, "status": status, "published_at": at, "section": section,
               "tags": tags, "bylines": [{"author": author}]})
    };
    let past = "2021-01-01T00:00:00Z";
    for body in [
        story("main", past, "world", json!(["syria", "transport"]), "ann-lee", "published"),
        story("both-tags", "2020-01-01T00:00:00Z", "local", json!(["syria", "transport"]), "bob-stone", "published"),
        story("same-author-and-section", "2020-02-01T00:00:00Z", "world", json!([]), "ann-lee", "published"),
        story("one-tag-newer", "2020-03-01T00:00:00Z", "local", json!(["syria"]), "bob-stone", "published"),
        story("unrelated", past, "local", json!([]), "bob-stone", "published"),
        story("hidden-draft", past, "world", json!(["syria", "transport"]), "ann-lee", "draft"),
        story("scheduled", "2999-01-01T00:00:00Z", "world", json!(["syria"]), "ann-lee", "published"),
        story("already-linked", past, "world", json!(["syria", "transport"]), "ann-lee", "published"),
    ] {
        app.article(&write, body).await;
    }
    app.put("/v1/articles/main/related", Some(&write), &json!([{"article": "already-linked"}])).await;

    let suggested = app.get("/v1/articles/main/suggestions", None).await.json();
    assert_eq!(slugs(&suggested), vec!["both-tags", "one-tag-newer", "same-author-and-section"]);
    assert_eq!(suggested["data"][0]["tags"].as_array().unwrap().len(), 2, "suggestions are full summaries");
    // A preview key sees the same public suggestions.
    let preview = app.key(Scope::Preview).await;
    assert_eq!(app.get("/v1/articles/main/suggestions", Some(&preview)).await.json(), suggested);
    assert_eq!(slugs(&app.get("/v1/articles/main/suggestions?limit=1", None).await.json()), vec!["both-tags"]);
    app.get("/v1/articles/main/suggestions?limit=51", None).await.problem(400);
    app.get("/v1/articles/main/suggestions?sort=x", None).await.problem(400);
    app.get("/v1/articles/hidden-draft/suggestions", None).await.problem(404);
}
