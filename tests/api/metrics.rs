//! `/metrics`: Prometheus text with requests by route template (bounded
//! series whatever clients ask for), latencies, cache hits and misses.

use dateline::domain::Scope;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

backend_tests!(metrics_count_requests_by_route_template);

async fn metrics_count_requests_by_route_template(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.article(&write, json!({"headline": "Counted", "status": "published", "published_at": "2020-01-01T00:00:00Z"}))
        .await;
    for slug in ["counted", "counted", "missing-one", "missing-two", "missing-three"] {
        app.get(&format!("/v1/articles/{slug}"), None).await;
    }
    for path in ["/nothing/1", "/nothing/2", "/v1/articles?limit=abc"] {
        app.get(path, None).await;
    }
    let response = app.get("/metrics", None).await;
    assert_eq!(response.status, 200);
    assert!(response.header("content-type").is_some_and(|t| t.starts_with("text/plain")));
    let text = String::from_utf8_lossy(&response.body).into_owned();
    let count = |needle: &str| -> f64 {
        text.lines()
            .filter(|l| l.starts_with("dateline_http_requests_total{") && needle.split('&').all(|n| l.contains(n)))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    assert_eq!(count(r#"route="/v1/articles/{ref}"&status="200"&method="GET""#), 2.0, "{text}");
    assert_eq!(count(r#"route="/v1/articles/{ref}"&status="404""#), 3.0, "{text}");
    assert_eq!(count(r#"route="unmatched"&status="404""#), 2.0, "{text}");
    assert_eq!(count(r#"route="/v1/articles"&status="400""#), 1.0, "{text}");
    assert!(!text.contains("missing-one") && !text.contains("/nothing/1"), "paths never become labels: {text}");
    let series = text.lines().filter(|l| l.starts_with("dateline_http_requests_total{")).count();
    assert!(series <= 8, "{series} series");
    assert!(text.contains("dateline_http_request_duration_seconds_bucket{"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("dateline_cache_hits_total ") && !l.ends_with(" 0")), "{text}");
    assert!(text.contains("dateline_cache_misses_total "), "{text}");
    let waits = text
        .lines()
        .find_map(|l| l.strip_prefix("dateline_db_pool_wait_seconds_count "))
        .and_then(|n| n.trim().parse::<f64>().ok());
    assert!(waits.is_some_and(|n| n > 0.0), "the writes and lists waited for connections: {text}");
}

#[actix_web::test]
async fn metrics_can_be_turned_off() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.metrics = false).await;
    app.get("/metrics", None).await.problem(404);
}
