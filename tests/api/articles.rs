//! The article flow: create, read, update, publish, schedule, delete.

use dateline::domain::Scope;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

backend_tests!(
    article_flow,
    create_validation_changes_nothing,
    slugs_are_derived_unique_and_conflict,
    people_crud,
    concurrent_writes_without_preconditions_all_succeed,
);

async fn article_flow(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let preview = app.key(Scope::Preview).await;
    app.seed_people(&write).await;

    let created = app
        .post(
            "/v1/articles",
            Some(&write),
            &json!({
                "headline": "  Harbour approves night ferry  ",
                "summary": "A trial starts in April.",
                "body": "First *paragraph*.\n\n<script>alert(1)</script>\n\nSecond one.",
                "section": "local",
                "tags": ["transport", "syria"],
                "bylines": [{"author": "bob-stone"}, {"author": "ann-lee", "role": "photographer"}],
                "dateline": "NORTH PIER"
            }),
        )
        .await;
    assert_eq!(created.status, 201);
    let article = created.json();
    let id = article["id"].as_i64().unwrap();
    assert_eq!(created.header("location"), Some(format!("/v1/articles/{id}")));
    assert_eq!(article["slug"], "harbour-approves-night-ferry");
    assert_eq!(article["headline"], "Harbour approves night ferry");
    assert_eq!(article["status"], "draft");
    assert_eq!(article["published_at"], json!(null));
    assert_eq!(article["language"], "en");
    assert_eq!(article["version"], 1);
    assert_eq!(article["word_count"], 4);
    assert_eq!(article["section"], json!({"slug": "local", "name": "Local"}));
    assert_eq!(
        article["tags"],
        json!([{"slug": "transport", "name": "Transport"}, {"slug": "syria", "name": "Syria"}])
    );
    assert_eq!(article["bylines"][0]["author"]["slug"], "bob-stone");
    assert_eq!(article["bylines"][0]["role"], "author");
    assert_eq!(article["bylines"][1]["author"]["slug"], "ann-lee");
    assert_eq!(article["bylines"][1]["role"], "photographer");
    let html = article["body_html"].as_str().unwrap();
    assert!(html.contains("<em>paragraph</em>") && !html.contains("<script"), "{html}");

    // A draft is invisible without a preview key, visible with one.
    app.get(&format!("/v1/articles/{id}"), None).await.problem(404);
    assert_eq!(app.get(&format!("/v1/articles/{id}"), Some(&preview)).await.status, 200);

    // Publish: now, since no date was ever set.
    let published = app
        .request(actix_web::http::Method::POST, &format!("/v1/articles/{id}/publish"), Some(&write), &[], None)
        .await;
    assert_eq!(published.status, 200, "{}", String::from_utf8_lossy(&published.body));
    let published = published.json();
    assert_eq!(published["status"], "published");
    let first_date = published["published_at"].as_str().unwrap().to_owned();
    assert_eq!(published["version"], 2);
    let public = app.get("/v1/articles/harbour-approves-night-ferry", None).await;
    assert_eq!(public.status, 200);
    assert_eq!(public.json()["id"], id);

    // Merge-patch: absent fields kept, null clears, tags replaced in order.
    let patched = app
        .patch(
            &format!("/v1/articles/{id}"),
            Some(&write),
            &json!({"headline": "Night ferry approved", "summary": null, "tags": ["syria"]}),
        )
        .await;
    assert_eq!(patched.status, 200);
    let patched = patched.json();
    assert_eq!(patched["headline"], "Night ferry approved");
    assert_eq!(patched["summary"], json!(null));
    assert_eq!(patched["slug"], "harbour-approves-night-ferry");
    assert_eq!(patched["dateline"], "NORTH PIER");
    assert_eq!(patched["tags"], json!([{"slug": "syria", "name": "Syria"}]));
    assert_eq!(patched["bylines"].as_array().unwrap().len(), 2);
    assert_eq!(patched["version"], 3);

    // Unpublish keeps the date; publishing again restores it.
    let draft = app
        .request(actix_web::http::Method::POST, &format!("/v1/articles/{id}/unpublish"), Some(&write), &[], None)
        .await
        .json();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["published_at"], first_date);
    app.get(&format!("/v1/articles/{id}"), None).await.problem(404);
    let again = app
        .request(actix_web::http::Method::POST, &format!("/v1/articles/{id}/publish"), Some(&write), &[], None)
        .await
        .json();
    assert_eq!(again["published_at"], first_date);

    // Publishing with a future date schedules: invisible until then.
    let scheduled = app
        .post(&format!("/v1/articles/{id}/publish"), Some(&write), &json!({"published_at": "2999-01-01T09:00:00Z"}))
        .await
        .json();
    assert_eq!(scheduled["status"], "published");
    assert_eq!(scheduled["published_at"], "2999-01-01T09:00:00Z");
    app.get(&format!("/v1/articles/{id}"), None).await.problem(404);
    assert_eq!(app.get(&format!("/v1/articles/{id}"), Some(&preview)).await.status, 200);

    // Create as published with a past date.
    let direct = app
        .article(
            &write,
            json!({"headline": "Storm warning lifted", "status": "published", "published_at": "2024-11-02T00:00:00Z"}),
        )
        .await;
    assert_eq!(direct["status"], "published");
    assert_eq!(direct["published_at"], "2024-11-02T00:00:00Z");
    assert_eq!(app.get("/v1/articles/storm-warning-lifted", None).await.status, 200);

    // Delete.
    let deleted = app.delete(&format!("/v1/articles/{id}"), Some(&write)).await;
    assert_eq!(deleted.status, 204);
    app.get(&format!("/v1/articles/{id}"), Some(&preview)).await.problem(404);
    app.delete(&format!("/v1/articles/{id}"), Some(&write)).await.problem(404);
}

async fn create_validation_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;

    let response = app
        .post(
            "/v1/articles",
            Some(&write),
            &json!({
                "headline": "   ",
                "slug": "Not A Slug",
                "section": "nowhere",
                "tags": ["syria", "missing", "syria"],
                "bylines": [{"author": "nobody"}, {"author": "ann-lee", "role": "boss"}],
                "language": "english!",
                "canonical_url": "ftp://example.org/x",
                "status": "live"
            }),
        )
        .await;
    let problem = response.problem(422);
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for field in [
        "headline",
        "slug",
        "status",
        "canonical_url",
        "language",
        "section",
        "tags[1]",
        "tags[2]",
        "bylines[0].author",
        "bylines[1].role",
    ] {
        assert!(fields.contains(&field), "missing {field} in {fields:?}");
    }
    assert!(problem["errors"].as_array().unwrap().iter().all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty())));

    // A wrong JSON type names the field.
    let typed = app.post("/v1/articles", Some(&write), &json!({"headline": "x", "tags": "syria"})).await.problem(422);
    assert_eq!(typed["errors"][0]["field"], "tags");
    let unknown = app.post("/v1/articles", Some(&write), &json!({"headline": "x", "colour": "red"})).await.problem(422);
    assert!(unknown["errors"][0]["message"].as_str().unwrap().contains("colour"));

    // Nothing was written.
    let all = app.get("/v1/articles?status=any", Some(&write)).await.json();
    assert_eq!(all["data"], json!([]));
}

async fn slugs_are_derived_unique_and_conflict(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let first = app.article(&write, json!({"headline": "Zürich votes: a “historic” day"})).await;
    assert_eq!(first["slug"], "zurich-votes-a-historic-day");
    let second = app.article(&write, json!({"headline": "Zürich votes: a historic day"})).await;
    assert_eq!(second["slug"], "zurich-votes-a-historic-day-2");
    let numeric = app.article(&write, json!({"headline": "2024"})).await;
    assert_eq!(numeric["slug"], "article-2024");

    let taken = app
        .post("/v1/articles", Some(&write), &json!({"headline": "Other", "slug": "zurich-votes-a-historic-day"}))
        .await;
    assert!(taken.problem(409)["detail"].as_str().unwrap().contains("zurich-votes-a-historic-day"));
    let rename = app
        .patch(&format!("/v1/articles/{}", second["id"]), Some(&write), &json!({"slug": "zurich-votes-a-historic-day"}))
        .await;
    rename.problem(409);
    app.post("/v1/tags", Some(&write), &json!({"name": "Syria"})).await;
    app.post("/v1/tags", Some(&write), &json!({"name": "Syria", "slug": "syria"})).await.problem(409);
}

async fn people_crud(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let author = app.create("/v1/authors", &write, json!({"name": "Mara Quell", "bio": "Harbour reporter"})).await;
    assert_eq!(author["slug"], "mara-quell");
    assert_eq!(author["bio"], "Harbour reporter");
    let by_id = app.get(&format!("/v1/authors/{}", author["id"]), None).await.json();
    assert_eq!(by_id, author);
    let patched = app
        .patch("/v1/authors/mara-quell", Some(&write), &json!({"bio": null, "avatar_url": "https://example.org/m.png"}))
        .await
        .json();
    assert_eq!(patched["bio"], json!(null));
    assert_eq!(patched["avatar_url"], "https://example.org/m.png");
    assert_eq!(patched["name"], "Mara Quell");

    let section = app.create("/v1/sections", &write, json!({"name": "World News", "description": "Abroad"})).await;
    assert_eq!(section["slug"], "world-news");
    let tag = app.create("/v1/tags", &write, json!({"name": "Climate"})).await;
    assert_eq!(tag["slug"], "climate");

    // In use: 409 and nothing changes; free again: 204.
    let article = app
        .article(&write, json!({"headline": "Ice", "section": "world-news", "tags": ["climate"], "bylines": [{"author": "mara-quell"}]}))
        .await;
    assert!(app.delete("/v1/authors/mara-quell", Some(&write)).await.problem(409)["detail"]
        .as_str()
        .unwrap()
        .contains("bylines"));
    app.delete("/v1/sections/world-news", Some(&write)).await.problem(409);
    app.delete("/v1/tags/climate", Some(&write)).await.problem(409);
    assert_eq!(app.get("/v1/authors/mara-quell", None).await.status, 200);
    assert_eq!(app.delete(&format!("/v1/articles/{}", article["id"]), Some(&write)).await.status, 204);
    assert_eq!(app.delete("/v1/authors/mara-quell", Some(&write)).await.status, 204);
    assert_eq!(app.delete("/v1/sections/world-news", Some(&write)).await.status, 204);
    assert_eq!(app.delete("/v1/tags/climate", Some(&write)).await.status, 204);
    app.get("/v1/authors/mara-quell", None).await.problem(404);
    app.post("/v1/authors", Some(&write), &json!({"name": ""})).await.problem(422);
}

/// Writers at the same moment, none sending `If-Match`: every one succeeds.
/// On PostgreSQL a PATCH got a 412, a publish a 409 "retry", and one of two
/// creates of the same headline a 409 "slug taken" (the server derives it).
async fn concurrent_writes_without_preconditions_all_succeed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let created = app.article(&write, json!({"headline": "Contested"})).await;
    let path = format!("/v1/articles/{}", created["slug"].as_str().unwrap());

    let patches: Vec<serde_json::Value> = (0..12).map(|i| json!({"summary": format!("Edit {i}")})).collect();
    let responses =
        futures_util::future::join_all(patches.iter().map(|body| app.patch(&path, Some(&write), body))).await;
    for response in &responses {
        assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    }
    let after = app.get(&path, Some(&write)).await.json();
    assert_eq!(after["version"], 13, "every edit was applied in turn: {after}");

    let empty = json!({});
    let toggles: Vec<String> =
        (0..12).map(|i| format!("{path}/{}", if i % 2 == 0 { "publish" } else { "unpublish" })).collect();
    let responses = futures_util::future::join_all(toggles.iter().map(|p| app.post(p, Some(&write), &empty))).await;
    for response in &responses {
        assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    }

    // Eight creates of one headline or name at once: eight slugs, no 409.
    for (path, body) in [
        ("/v1/articles", json!({"headline": "Storm warning"})),
        ("/v1/authors", json!({"name": "Same Name"})),
        ("/v1/sections", json!({"name": "Same Name"})),
        ("/v1/tags", json!({"name": "Same Name"})),
    ] {
        let responses = futures_util::future::join_all((0..8).map(|_| app.post(path, Some(&write), &body))).await;
        let mut slugs: Vec<String> = responses
            .iter()
            .map(|r| {
                assert_eq!(r.status, 201, "{path}: {}", String::from_utf8_lossy(&r.body));
                r.json()["slug"].as_str().unwrap().to_owned()
            })
            .collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), 8, "{path}: eight distinct derived slugs: {slugs:?}");
    }
}
