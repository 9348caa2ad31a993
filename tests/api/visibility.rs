//! Drafts and scheduled articles never reach a caller without a preview key:
//! by id, by slug, in lists, in an author's, section's or tag's articles, in
//! related links and backlinks.

use dateline::domain::Scope;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{slugs, Backend, TestApp};

backend_tests!(
    drafts_and_scheduled_stay_hidden,
    status_filter_needs_preview,
    a_hidden_slug_costs_what_a_missing_one_does
);

async fn drafts_and_scheduled_stay_hidden(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let preview = app.key(Scope::Preview).await;
    app.seed_people(&write).await;
    let common = json!({"section": "world", "tags": ["syria"], "bylines": [{"author": "ann-lee"}]});
    let with = |extra: serde_json::Value| {
        let mut body = common.clone();
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let public = app
        .article(
            &write,
            with(json!({"headline": "Public story", "status": "published", "published_at": "2020-01-01T00:00:00Z"})),
        )
        .await;
    let draft = app.article(&write, with(json!({"headline": "Draft story"}))).await;
    let scheduled = app
        .article(
            &write,
            with(json!({"headline": "Scheduled story", "status": "published", "published_at": "2999-01-01T00:00:00Z"})),
        )
        .await;
    // The public story links to all three kinds; the hidden ones link back.
    let linked = app
        .put(
            "/v1/articles/public-story/related",
            Some(&write),
            &json!([{"article": "draft-story"}, {"article": scheduled["id"].to_string()}, {"url": "https://example.org", "title": "Elsewhere"}]),
        )
        .await;
    assert_eq!(linked.status, 200, "{}", String::from_utf8_lossy(&linked.body));
    assert_eq!(linked.json()["data"].as_array().unwrap().len(), 3, "writers see every link");
    for hidden in ["draft-story", "scheduled-story"] {
        let put = app
            .put(&format!("/v1/articles/{hidden}/related"), Some(&write), &json!([{"article": "public-story"}]))
            .await;
        assert_eq!(put.status, 200);
    }

    for hidden in [&draft, &scheduled] {
        for reference in [hidden["id"].to_string(), hidden["slug"].as_str().unwrap().to_owned()] {
            app.get(&format!("/v1/articles/{reference}"), None).await.problem(404);
            app.get(&format!("/v1/articles/{reference}/related"), None).await.problem(404);
            app.get(&format!("/v1/articles/{reference}/backlinks"), None).await.problem(404);
            assert_eq!(app.get(&format!("/v1/articles/{reference}"), Some(&preview)).await.status, 200);
        }
    }

    let only_public = vec!["public-story".to_owned()];
    for path in [
        "/v1/articles",
        "/v1/articles?section=world",
        "/v1/articles?tag=syria",
        "/v1/articles?author=ann-lee",
        "/v1/authors/ann-lee/articles",
        "/v1/sections/world/articles",
        "/v1/tags/syria/articles",
    ] {
        assert_eq!(slugs(&app.get(path, None).await.json()), only_public, "{path} without a key");
        // A preview key does not change the default: public only.
        assert_eq!(slugs(&app.get(path, Some(&preview)).await.json()), only_public, "{path} with preview");
    }

    // Related links and backlinks of the public story.
    let related = app.get("/v1/articles/public-story/related", None).await.json();
    assert_eq!(related["data"], json!([{"kind": "link", "url": "https://example.org", "title": "Elsewhere"}]));
    let article = app.get("/v1/articles/public-story", None).await.json();
    assert_eq!(article["related"], related["data"]);
    let backlinks = app.get("/v1/articles/public-story/backlinks", None).await.json();
    assert_eq!(backlinks["data"], json!([]), "hidden articles linking here stay hidden");
    let previewed = app.get("/v1/articles/public-story/backlinks", Some(&preview)).await.json();
    let mut seen = slugs(&previewed);
    seen.sort();
    assert_eq!(seen, vec!["draft-story", "scheduled-story"]);
    let previewed_related = app.get("/v1/articles/public-story/related", Some(&preview)).await.json();
    assert_eq!(previewed_related["data"].as_array().unwrap().len(), 3);

    // Counts: the public list holds exactly one article; with `any`, three.
    let any = app.get("/v1/articles?status=any", Some(&preview)).await.json();
    assert_eq!(any["data"].as_array().unwrap().len(), 3);
    assert_eq!(slugs(&app.get("/v1/articles", None).await.json()), vec![public["slug"].as_str().unwrap()]);
}

async fn status_filter_needs_preview(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let preview = app.key(Scope::Preview).await;
    app.article(&write, json!({"headline": "Old", "status": "published", "published_at": "2020-01-01T00:00:00Z"}))
        .await;
    app.article(&write, json!({"headline": "Draft"})).await;
    app.article(&write, json!({"headline": "Later", "status": "published", "published_at": "2999-01-01T00:00:00Z"}))
        .await;

    for status in ["draft", "scheduled", "any"] {
        app.get(&format!("/v1/articles?status={status}"), None).await.problem(401);
        app.get(&format!("/v1/authors/x/articles?status={status}"), None).await.problem(401);
    }
    assert_eq!(slugs(&app.get("/v1/articles?status=published", None).await.json()), vec!["old"]);
    assert_eq!(slugs(&app.get("/v1/articles?status=draft", Some(&preview)).await.json()), vec!["draft"]);
    assert_eq!(slugs(&app.get("/v1/articles?status=scheduled", Some(&preview)).await.json()), vec!["later"]);
    assert_eq!(app.get("/v1/articles?status=any", Some(&preview)).await.json()["data"].as_array().unwrap().len(), 3);
}

/// A reader cannot tell an embargoed story exists: the 404 for a draft's or
/// a scheduled story's slug runs the same statements as for a slug nobody
/// uses (visibility is part of the lookup), so it takes the same time.
async fn a_hidden_slug_costs_what_a_missing_one_does(backend: Backend) {
    let app = TestApp::spawn_uncached(backend).await;
    let write = app.key(Scope::Write).await;
    let preview = app.key(Scope::Preview).await;
    app.article(&write, json!({"headline": "Embargoed draft", "body": "Secret."})).await;
    app.article(
        &write,
        json!({"headline": "Embargoed schedule", "status": "published", "published_at": "2999-01-01T00:00:00Z"}),
    )
    .await;
    let cost = |path: &'static str| {
        let app = &app;
        async move {
            let before = app.db.statements_run();
            let response = app.get(path, None).await;
            (response.status, app.db.statements_run() - before)
        }
    };
    let missing = cost("/v1/articles/no-such-story").await;
    assert_eq!(missing.0, 404);
    for path in ["/v1/articles/embargoed-draft", "/v1/articles/embargoed-schedule"] {
        assert_eq!(cost(path).await, missing, "{path}");
    }
    // The preview key still sees them.
    assert_eq!(app.get("/v1/articles/embargoed-draft", Some(&preview)).await.status, 200);
}
