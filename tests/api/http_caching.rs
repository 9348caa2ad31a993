//! HTTP caching: strong ETags, 304s, If-Match on writes, Cache-Control by
//! caller, and compression.

use actix_web::http::Method;
use dateline::domain::Scope;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

backend_tests!(etags_and_cache_control, if_match_guards_writes);

async fn etags_and_cache_control(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.article(
        &write,
        json!({"headline": "Cached", "status": "published", "published_at": "2020-01-01T00:00:00Z",
                               "body": "word ".repeat(400)}),
    )
    .await;

    for path in
        ["/v1/articles", "/v1/articles/cached", "/v1/articles/cached/related", "/v1/tags", "/openapi.json", "/healthz"]
    {
        let first = app.get(path, None).await;
        assert_eq!(first.status, 200, "{path}");
        let etag = first.header("etag").unwrap_or_else(|| panic!("{path} has no ETag"));
        assert!(etag.starts_with('"') && !etag.starts_with("W/"), "strong: {etag}");
        assert_eq!(first.header("cache-control").as_deref(), Some("public, max-age=60"), "{path}");
        let again = app.request(Method::GET, path, None, &[("If-None-Match", &etag)], None).await;
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        assert_eq!(again.header("etag"), Some(etag.clone()));
        let other = app.request(Method::GET, path, None, &[("If-None-Match", "\"something-else\"")], None).await;
        assert_eq!(other.status, 200);
    }

    // With a key: private, no-store.
    let keyed = app.get("/v1/articles/cached", Some(&write)).await;
    assert_eq!(keyed.header("cache-control").as_deref(), Some("private, no-store"));
    // Errors are not cached as content.
    let missing = app.get("/v1/articles/missing", None).await;
    assert!(missing.header("etag").is_none());

    // A change makes a new ETag.
    let before = app.get("/v1/articles/cached", None).await.header("etag");
    app.patch("/v1/articles/cached", Some(&write), &json!({"summary": "New"})).await;
    assert_ne!(app.get("/v1/articles/cached", None).await.header("etag"), before);

    // Compression when the client accepts it.
    let client = awc::Client::default();
    let response = client
        .get(format!("{}/v1/articles/cached", app.address))
        .insert_header(("Accept-Encoding", "gzip"))
        .no_decompress()
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
}

async fn if_match_guards_writes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.article(&write, json!({"headline": "Guarded"})).await;
    let etag = app.get("/v1/articles/guarded", Some(&write)).await.header("etag").unwrap();

    let json_type = ("Content-Type", "application/json");
    let body = serde_json::to_vec(&json!({"summary": "first"})).unwrap();
    let fresh = app
        .request(
            Method::PATCH,
            "/v1/articles/guarded",
            Some(&write),
            &[json_type, ("If-Match", &etag)],
            Some(body.clone()),
        )
        .await;
    assert_eq!(fresh.status, 200);
    // The old ETag is now stale: 412, and nothing changes.
    let body = serde_json::to_vec(&json!({"summary": "second"})).unwrap();
    app.request(Method::PATCH, "/v1/articles/guarded", Some(&write), &[json_type, ("If-Match", &etag)], Some(body))
        .await
        .problem(412);
    app.request(Method::DELETE, "/v1/articles/guarded", Some(&write), &[("If-Match", &etag)], None).await.problem(412);
    assert_eq!(app.get("/v1/articles/guarded", Some(&write)).await.json()["summary"], "first");

    let current = app.get("/v1/articles/guarded", Some(&write)).await.header("etag").unwrap();
    let deleted =
        app.request(Method::DELETE, "/v1/articles/guarded", Some(&write), &[("If-Match", &current)], None).await;
    assert_eq!(deleted.status, 204);
}
