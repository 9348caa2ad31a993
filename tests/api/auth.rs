//! Keys and scopes: 401 for unknown or revoked keys even on public routes,
//! 403 for too weak a scope, and `last_used_at` written at most once a minute.

use dateline::domain::Scope;
use dateline::service::keys;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

backend_tests!(auth_matrix, last_used_is_recorded_without_a_write_per_request);

async fn auth_matrix(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let preview = app.key(Scope::Preview).await;
    let write = app.key(Scope::Write).await;
    let admin = app.key(Scope::Admin).await;
    assert!(write.starts_with("dl_") && write.len() == 46, "{write}");

    // Public reads need no key, but a bad key is refused even there.
    assert_eq!(app.get("/v1/articles", None).await.status, 200);
    let unknown = format!("dl_{}", "A".repeat(43));
    for key in [unknown.as_str(), "not-a-key", "dl_short"] {
        let response = app.get("/v1/articles", Some(key)).await;
        response.problem(401);
        assert_eq!(response.header("www-authenticate").as_deref(), Some("Bearer"));
    }
    for header in ["Basic abc", "Bearer", "dl_xyz"] {
        app.request(actix_web::http::Method::GET, "/v1/articles", None, &[("Authorization", header)], None)
            .await
            .problem(401);
    }

    // Writes: none → 401, preview → 403, write and admin → allowed.
    let body = json!({"name": "Climate"});
    app.post("/v1/tags", None, &body).await.problem(401);
    // A write without a key is a 401 whatever it sends.
    app.request(
        actix_web::http::Method::POST,
        "/v1/tags",
        None,
        &[("Content-Type", "text/plain")],
        Some(b"x".to_vec()),
    )
    .await
    .problem(401);
    app.post("/v1/tags", Some(&preview), &body).await.problem(403);
    assert_eq!(app.post("/v1/tags", Some(&write), &body).await.status, 201);
    assert_eq!(app.post("/v1/tags", Some(&admin), &json!({"name": "Health"})).await.status, 201);
    app.delete("/v1/tags/climate", Some(&preview)).await.problem(403);
    app.patch("/v1/tags/climate", None, &json!({"name": "C"})).await.problem(401);
    app.put("/v1/articles/x/related", Some(&preview), &json!([])).await.problem(403);
    app.request(actix_web::http::Method::POST, "/v1/articles/x/publish", Some(&preview), &[], None).await.problem(403);

    // A revoked key stops working at once.
    let (info, doomed) = keys::create(&app.db, "doomed", Scope::Write).await.unwrap();
    assert_eq!(app.get("/v1/articles", Some(&doomed)).await.status, 200);
    keys::revoke(&app.db, &info.prefix).await.unwrap();
    let revoked = app.get("/v1/articles", Some(&doomed)).await.problem(401);
    assert!(revoked["detail"].as_str().unwrap().contains("revoked"));
    assert!(keys::revoke(&app.db, &info.id.to_string()).await.is_err(), "already revoked");

    // Keys are stored hashed: the key itself is nowhere in the list.
    let listed = keys::list(&app.db).await.unwrap();
    assert_eq!(listed.len(), 4);
    // Each key shows only its 11-character prefix; the write key's prefix is the start of it.
    assert!(listed.iter().all(|k| k.prefix.len() == 11 && k.prefix.starts_with("dl_")));
    assert!(listed.iter().any(|k| write.starts_with(&k.prefix)));
    assert!(listed.iter().all(|k| k.prefix != write && k.name != write));
}

async fn last_used_is_recorded_without_a_write_per_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (info, key) = keys::create(&app.db, "reader", Scope::Preview).await.unwrap();
    assert!(info.last_used_at.is_none());
    assert_eq!(app.get("/v1/articles", Some(&key)).await.status, 200);
    let first = keys::list(&app.db).await.unwrap()[0].last_used_at.expect("recorded");

    // Within the minute: the second request reads the key and writes nothing.
    let before = app.db.statements_run();
    assert_eq!(app.get("/v1/tags", Some(&key)).await.status, 200);
    let statements = app.db.statements_run() - before;
    assert_eq!(statements, 2, "one key lookup, one tag query, no update");
    assert_eq!(keys::list(&app.db).await.unwrap()[0].last_used_at, Some(first));
}
