//! HTTP caching: strong ETags, 304s, If-Match on writes, Cache-Control by
//! caller, and compression.

use actix_web::http::Method;
use dateline::domain::Scope;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

backend_tests!(
    etags_and_cache_control,
    if_match_guards_writes,
    shared_caches_and_browsers_are_told_enough,
    browsers_on_other_origins_head_and_wrong_methods,
);

async fn etags_and_cache_control(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.article(
        &write,
        json!({"headline": "Cached", "status": "published", "published_at": "2020-01-01T00:00:00Z",
                               "body": "word ".repeat(400)}),
    )
    .await;

    for path in ["/v1/articles", "/v1/articles/cached", "/v1/articles/cached/related", "/v1/tags", "/openapi.json"] {
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

/// What a CDN and a browser need to be told: public answers vary on
/// `Authorization` (miss and cached hit alike), nothing is sniffed or
/// framed, health answers are never kept, and the small input rules that
/// go with them (one-line names and headlines, no invisible-only text).
async fn shared_caches_and_browsers_are_told_enough(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    for attempt in ["miss", "hit"] {
        let response = app.get("/v1/articles", None).await;
        assert_eq!(response.status, 200);
        let vary = response.header("vary").unwrap_or_default().to_ascii_lowercase();
        assert!(vary.contains("authorization"), "{attempt}: Vary {vary}");
        assert_eq!(response.header("x-content-type-options").as_deref(), Some("nosniff"), "{attempt}");
        assert_eq!(response.header("x-frame-options").as_deref(), Some("DENY"), "{attempt}");
    }
    let graphiql = app.request(Method::GET, "/graphql", None, &[("Accept", "text/html")], None).await;
    assert_eq!(graphiql.header("x-frame-options").as_deref(), Some("DENY"));
    assert!(graphiql.header("content-security-policy").is_some_and(|csp| csp.contains("frame-ancestors 'none'")));
    for path in ["/healthz", "/readyz"] {
        assert_eq!(app.get(path, None).await.header("cache-control").as_deref(), Some("no-store"), "{path}");
    }

    for headline in ["\u{200B}\u{200D}\u{FEFF}", " \u{2060} "] {
        let problem = app.post("/v1/articles", Some(&write), &json!({"headline": headline})).await.problem(422);
        assert_eq!(problem["errors"][0]["message"], "must not be empty", "{problem}");
    }
    let problem = app.post("/v1/articles", Some(&write), &json!({"headline": "Two\nlines"})).await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "headline");
    let problem = app.post("/v1/authors", Some(&write), &json!({"name": "Ann\tLee"})).await.problem(422);
    assert_eq!(problem["errors"][0]["field"], "name");
    let problem = app.put("/v1/articles/none/related", Some(&write), &json!([{"nope": 1}])).await;
    let detail = String::from_utf8_lossy(&problem.body);
    assert!(!detail.contains("enum") && !detail.contains("Request"), "no Rust type names: {detail}");

    let forged =
        crate::cli::dateline(&app.database_url(), &["keys", "create", "--name", "ok\nforged\trow", "--scope", "write"]);
    assert!(!forged.status.success());
    let stderr = String::from_utf8_lossy(&forged.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("name"), "{stderr}");
}

/// A browser frontend on another origin can call the API (preflight and
/// the answer carry the CORS headers, cached answers too); `HEAD` works
/// wherever `GET` does; a wrong method on a real path is a 405 problem
/// with `Allow`, an unknown path still a 404.
async fn browsers_on_other_origins_head_and_wrong_methods(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let origin = [("Origin", "https://news.example")];
    let preflight = app
        .request(
            Method::OPTIONS,
            "/graphql",
            None,
            &[
                ("Origin", "https://news.example"),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "authorization, content-type"),
            ],
            None,
        )
        .await;
    assert!(preflight.status == 200 || preflight.status == 204, "{}", preflight.status);
    assert_eq!(preflight.header("access-control-allow-origin").as_deref(), Some("*"));
    let allowed = preflight.header("access-control-allow-headers").unwrap_or_default().to_ascii_lowercase();
    assert!(allowed.contains("authorization") && allowed.contains("content-type"), "{allowed}");
    for attempt in ["miss", "hit"] {
        let response = app.request(Method::GET, "/v1/articles", None, &origin, None).await;
        assert_eq!(response.status, 200);
        assert_eq!(response.header("access-control-allow-origin").as_deref(), Some("*"), "{attempt}");
    }

    let get = app.get("/v1/tags", None).await;
    // (identity: awc would try to inflate the empty body of a gzip HEAD answer)
    let identity = [("Accept-Encoding", "identity")];
    let head = app.request(Method::HEAD, "/v1/tags", None, &identity, None).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(app.request(Method::HEAD, "/healthz", None, &identity, None).await.status, 200);

    for (method, path, allow) in [
        (Method::TRACE, "/healthz", "GET, HEAD, OPTIONS"),
        (Method::DELETE, "/v1/articles", "GET, HEAD, OPTIONS, POST"),
        (Method::PUT, "/v1/articles/some-story", "DELETE, GET, HEAD, OPTIONS, PATCH"),
        (Method::DELETE, "/graphql", "GET, HEAD, OPTIONS, POST"),
    ] {
        let response = app.request(method.clone(), path, None, &[], None).await;
        assert_eq!(response.header("allow").as_deref(), Some(allow), "{method} {path}");
        response.problem(405);
    }
    app.request(Method::GET, "/v1/nothing-here", None, &[], None).await.problem(404);
}
