//! Rate limits: uncached requests count per key or per client address,
//! answers from the response cache are free, and a client over its limit
//! gets a 429 problem with `Retry-After` and the IETF RateLimit fields.

use std::time::Duration;

use actix_web::http::Method;
use dateline::config::Rate;
use dateline::domain::Scope;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, Response, TestApp};

backend_tests!(uncached_requests_count_and_cached_ones_are_free, keys_count_on_their_own_and_made_up_ones_do_not);

/// Two an hour with a burst of four: nothing refills while a test runs.
const SLOW: Rate = Rate { requests: 2, per: Duration::from_secs(3600) };

fn remaining(response: &Response) -> Option<u32> {
    let field = response.header("ratelimit")?;
    field.split(';').find_map(|part| part.trim().strip_prefix("r=")).and_then(|r| r.parse().ok())
}

async fn graphql_post(app: &TestApp, query: &str, key: Option<&str>) -> Response {
    app.post("/graphql", key, &json!({"query": query})).await
}

fn assert_throttled(response: &Response) {
    let problem = response.problem(429);
    assert_eq!(problem["code"], "too_many_requests");
    let retry_after: u64 = response.header("retry-after").and_then(|v| v.parse().ok()).expect("Retry-After");
    assert!((1..=3600).contains(&retry_after), "Retry-After: {retry_after}");
    assert_eq!(remaining(response), Some(0));
}

async fn uncached_requests_count_and_cached_ones_are_free(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.rate_limit = SLOW;
        s.rate_limit_keyed = Rate::OFF;
    })
    .await;
    let front = "{ articles(first: 1) { nodes { slug } } }";

    let first = app.get("/v1/articles", None).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.header("ratelimit-policy").as_deref(), Some(r#""keyless";q=4;w=7200"#));
    assert_eq!(remaining(&first), Some(3));
    let graphql = graphql_post(&app, front, None).await;
    assert_eq!((graphql.status, remaining(&graphql)), (200, Some(2)));

    // The same requests again come from the response cache: free, and unmarked.
    for _ in 0..10 {
        let again = app.get("/v1/articles", None).await;
        assert_eq!((again.status, again.header("ratelimit")), (200, None));
        let again = graphql_post(&app, front, None).await;
        assert_eq!((again.status, again.header("ratelimit")), (200, None));
    }

    assert_eq!(remaining(&app.get("/v1/articles?limit=2", None).await), Some(1));
    assert_eq!(remaining(&graphql_post(&app, "{ articles(first: 2) { nodes { slug } } }", None).await), Some(0));

    assert_throttled(&app.get("/v1/articles?limit=3", None).await);
    assert_throttled(&graphql_post(&app, "{ articles(first: 3) { nodes { slug } } }", None).await);
    // An X-Forwarded-For from a peer that is not a trusted proxy changes nothing.
    let spoofed =
        app.request(Method::GET, "/v1/articles?limit=4", None, &[("X-Forwarded-For", "198.51.100.7")], None).await;
    assert_throttled(&spoofed);
    // Whatever becomes of an uncached GraphQL POST, it counted: not even a 415 gets through.
    let not_json =
        app.request(Method::POST, "/graphql", None, &[("Content-Type", "text/plain")], Some(b"{}".to_vec())).await;
    assert_throttled(&not_json);

    // Throttled, the client is still served whatever the cache holds, and probes pass.
    assert_eq!(app.get("/v1/articles", None).await.status, 200);
    assert_eq!(graphql_post(&app, front, None).await.status, 200);
    assert_eq!(app.get("/healthz", None).await.status, 200);
    assert_eq!(app.get("/readyz", None).await.status, 200);
}

async fn keys_count_on_their_own_and_made_up_ones_do_not(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.rate_limit = SLOW;
        s.rate_limit_keyed = Rate { requests: 3, per: Duration::from_secs(3600) };
    })
    .await;
    let write = app.key(Scope::Write).await;
    let read = app.key(Scope::Preview).await;
    for limit in 1..=4 {
        assert_eq!(app.get(&format!("/v1/articles?limit={limit}"), None).await.status, 200);
    }
    assert_throttled(&app.get("/v1/articles?limit=5", None).await);

    // A key has its own bucket, whatever its address has spent.
    let created =
        app.post("/v1/articles", Some(&write), &json!({"headline": "Counted by key", "status": "draft"})).await;
    assert_eq!(created.status, 201);
    assert_eq!(created.header("ratelimit-policy").as_deref(), Some(r#""keyed";q=6;w=7200"#));
    assert_eq!(remaining(&created), Some(5));
    for left in (0..5).rev() {
        let response = app.get("/v1/articles?status=draft", Some(&write)).await;
        assert_eq!((response.status, remaining(&response)), (200, Some(left)));
    }
    assert_throttled(&app.get("/v1/articles?status=draft", Some(&write)).await);
    let write_throttled =
        app.post("/v1/articles", Some(&write), &json!({"headline": "Refused", "status": "draft"})).await;
    assert_throttled(&write_throttled);

    // Another key is not affected, and sees that the throttled write changed nothing.
    let drafts = app.get("/v1/articles?status=draft", Some(&read)).await;
    assert_eq!(drafts.status, 200);
    assert_eq!(crate::helpers::slugs(&drafts.json()), ["counted-by-key"]);
    // ...and a key that does not exist counts against its address, so made-up
    // keys buy nothing: the exhausted address gets a 429, not even a 401.
    assert_throttled(&app.get("/v1/articles", Some("dl_made_up_key_0123456789")).await);
}

#[actix_web::test]
async fn trusted_proxies_name_the_client_and_zero_turns_limits_off() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.rate_limit = SLOW;
        s.trusted_proxies = "127.0.0.0/8".parse().expect("proxies");
    })
    .await;
    let from = |client: &'static str, limit: u32| {
        let app = &app;
        async move {
            let path = format!("/v1/articles?limit={limit}");
            app.request(Method::GET, &path, None, &[("X-Forwarded-For", client)], None).await
        }
    };
    for limit in 1..=4 {
        assert_eq!(from("203.0.113.5", limit).await.status, 200);
    }
    assert_throttled(&from("203.0.113.5", 5).await);
    // A forged entry left of the real client changes nothing: the proxy appended the real one.
    assert_throttled(&from("1.2.3.4, 203.0.113.5", 6).await);
    assert_eq!(from("203.0.113.6", 7).await.status, 200, "another client behind the proxy has its own bucket");

    let unlimited = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.rate_limit = Rate::OFF;
        s.cache_size = 0;
    })
    .await;
    for _ in 0..50 {
        let response = unlimited.get("/v1/articles", None).await;
        assert_eq!((response.status, response.header("ratelimit")), (200, None));
    }
}
