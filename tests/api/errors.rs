//! Every error path answers problem+json with the right status, and changes nothing.

use actix_web::http::Method;
use dateline::domain::Scope;
use serde_json::json;

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};

backend_tests!(
    malformed_requests_get_clear_errors,
    database_down_is_503,
    tag_filters_are_bounded,
    stuck_database_is_a_bounded_503,
    control_characters_are_refused_at_the_edge,
    dates_outside_years_1_to_9999_are_refused,
    slow_bodies_time_out,
);

async fn malformed_requests_get_clear_errors(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.max_body = 2048).await;
    let write = app.key(Scope::Write).await;
    let json_type = [("Content-Type", "application/json")];

    // 413: over the limit, declared or streamed; nothing is created.
    let big = serde_json::to_vec(&json!({"headline": "x".repeat(4096)})).unwrap();
    let problem = app.request(Method::POST, "/v1/articles", Some(&write), &json_type, Some(big)).await.problem(413);
    assert!(problem["detail"].as_str().unwrap().contains("2048"));
    // 415: not JSON.
    app.request(Method::POST, "/v1/articles", Some(&write), &[("Content-Type", "text/plain")], Some(b"{}".to_vec()))
        .await
        .problem(415);
    app.request(Method::POST, "/v1/articles", Some(&write), &[], Some(b"{\"headline\":\"x\"}".to_vec()))
        .await
        .problem(415);
    // 400: malformed JSON, trailing garbage, empty body.
    for body in [&b"{\"headline\": "[..], b"not json", b"{} {}", b"", b"\xff\xfe"] {
        app.request(Method::POST, "/v1/articles", Some(&write), &json_type, Some(body.to_vec())).await.problem(400);
    }
    // 422: valid JSON of the wrong shape names the field.
    let problem = app
        .request(Method::POST, "/v1/articles", Some(&write), &json_type, Some(br#"{"headline": 12}"#.to_vec()))
        .await
        .problem(422);
    assert_eq!(problem["errors"][0]["field"], "headline");
    app.request(Method::POST, "/v1/articles", Some(&write), &json_type, Some(b"[]".to_vec())).await.problem(422);
    let problem = app.post("/v1/articles/x/publish", Some(&write), &json!({"published_at": "soon"})).await;
    problem.problem(422);
    // 404 for unknown routes and content, as problem documents.
    app.get("/nowhere", None).await.problem(404);
    app.get("/v1/articles/%F0%9F%92%A5", None).await.problem(404);
    app.get("/v1/articles/99999999999999999999", None).await.problem(404);
    app.get("/v1/authors/-1", None).await.problem(404);
    // Odd but harmless input never yields a 500.
    for path in [
        "/v1/articles?limit=99999999999999999999999",
        "/v1/articles?published_after=%00",
        "/v1/articles?tag=",
        "/v1/articles?cursor=",
        "/v1/articles/..%2F..%2Fetc%2Fpasswd",
        "/v1/articles?%zz",
    ] {
        let status = app.get(path, None).await.status;
        assert!((400..500).contains(&status), "{path}: {status}");
    }

    let all = app.get("/v1/articles?status=any", Some(&write)).await.json();
    assert_eq!(all["data"], json!([]), "no failed request wrote anything");
}

async fn database_down_is_503(backend: Backend) {
    let app = TestApp::spawn_unreachable(backend).await;
    assert_eq!(app.get("/healthz", None).await.status, 200, "the process is alive");
    app.get("/readyz", None).await.problem(503);
    let problem = app.get("/v1/articles", None).await.problem(503);
    assert_eq!(problem["detail"], "the database is unavailable");
    app.get("/v1/articles/some-story", None).await.problem(503);
}

/// Filters with many tags are refused before they reach the database (150
/// took PostgreSQL 17 s to plan; 1,000 gave SQLite a 500).
async fn tag_filters_are_bounded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let tags = |n: usize| (0..n).map(|i| format!("tag=t{i}")).collect::<Vec<_>>().join("&");
    assert_eq!(app.get(&format!("/v1/articles?{}", tags(10)), None).await.status, 200);
    let started = std::time::Instant::now();
    for n in [11, 1000] {
        let problem = app.get(&format!("/v1/articles?{}", tags(n)), None).await.problem(400);
        assert!(problem["detail"].as_str().unwrap().contains("at most 10"), "{problem}");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let query = "query($tags: [String!]) { articles(filter: {tags: $tags}) { nodes { slug } } }";
    let ten: Vec<String> = (0..10).map(|i| format!("t{i}")).collect();
    let body = app.graphql(query, json!({"tags": ten}), None).await;
    assert!(body["errors"].is_null(), "{body}");
    let many: Vec<String> = (0..500).map(|i| format!("t{i}")).collect();
    let body = app.graphql(query, json!({"tags": many}), None).await;
    assert_eq!(crate::helpers::error_code(&body), "BAD_USER_INPUT", "{body}");
}

/// A database that holds a lock for ever: requests get a 503 after a
/// bounded time instead of waiting with it, and the next request after the
/// lock is gone succeeds.
async fn stuck_database_is_a_bounded_503(backend: Backend) {
    use diesel::connection::SimpleConnection;
    let app = TestApp::spawn_with(backend, |s| {
        s.statement_timeout = 1;
        s.db_timeout = 1;
        s.cache_size = 0;
    })
    .await;
    let write = app.key(Scope::Write).await;
    let url = app.database_url();
    let mut holder = dateline::store::Location::parse(&url).unwrap().connect().unwrap();
    // SQLite readers never wait for a writer (WAL): there the writes are stuck.
    let (lock, stuck_path, stuck_method) = match backend {
        Backend::Sqlite => ("BEGIN EXCLUSIVE; INSERT INTO authors (slug, name, created_at, updated_at) VALUES ('held', 'Held', '2020-01-01 00:00:00', '2020-01-01 00:00:00')", "/v1/articles", Method::POST),
        Backend::Postgres => ("BEGIN; LOCK TABLE articles IN ACCESS EXCLUSIVE MODE", "/v1/articles", Method::GET),
    };
    holder.batch_execute(lock).unwrap();
    let started = std::time::Instant::now();
    let stuck = app.send_json(stuck_method.clone(), stuck_path, Some(&write), &json!({"headline": "Stuck"})).await;
    stuck.problem(503);
    assert!(started.elapsed() < std::time::Duration::from_secs(8), "{:?}", started.elapsed());
    holder.batch_execute("ROLLBACK").unwrap();
    let after = app.send_json(stuck_method, stuck_path, Some(&write), &json!({"headline": "Free"})).await;
    assert!(after.status == 200 || after.status == 201, "{}", String::from_utf8_lossy(&after.body));
}

/// NUL (PostgreSQL cannot hold it: a 500 before) and other control
/// characters are refused at every edge, naming the field, and change nothing.
async fn control_characters_are_refused_at_the_edge(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    for path in
        ["/v1/articles/a%00b", "/v1/articles?section=a%00b", "/v1/authors/x%00", "/graphql?query=%7B__typename%00%7D"]
    {
        let problem = app.get(path, None).await.problem(400);
        assert!(problem["detail"].as_str().unwrap().contains("NUL"), "{path}: {problem}");
    }
    for (path, body, field) in [
        ("/v1/articles", json!({"headline": "a\u{0}b"}), "headline"),
        ("/v1/articles", json!({"headline": "ok", "summary": "\u{1b}[31mred"}), "summary"),
        ("/v1/articles", json!({"headline": "ok", "tags": ["a\u{0}"]}), "tags[0]"),
        ("/v1/authors", json!({"slug": "ann", "name": "Ann\u{7f}"}), "name"),
    ] {
        let problem = app.post(path, Some(&write), &body).await.problem(422);
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    // Tab and newline are text, not control.
    let created = app.post("/v1/articles", Some(&write), &json!({"headline": "Fine", "body": "a\tb\n\nc"})).await;
    assert_eq!(created.status, 201, "{}", String::from_utf8_lossy(&created.body));
    let all = app.get("/v1/articles?status=any", Some(&write)).await.json();
    assert_eq!(all["data"].as_array().unwrap().len(), 1, "nothing else was written");

    let body = app.graphql(r#"{ article(slug: "a\u0000b") { id } }"#, json!({}), None).await;
    assert_eq!(crate::helpers::error_code(&body), "BAD_USER_INPUT", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "slug", "{body}");
    let body = app.graphql("query($s: String!) { article(slug: $s) { id } }", json!({"s": "a\u{0}b"}), None).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "variables.s", "{body}");
    let mutation = r#"mutation { createArticle(input: {headline: "x\u0001"}) { id } }"#;
    let body = app.graphql(mutation, json!({}), Some(&write)).await;
    assert_eq!(crate::helpers::error_code(&body), "BAD_USER_INPUT", "{body}");

    let at = "\"created_at\":\"2020-01-01T00:00:00Z\",\"updated_at\":\"2020-01-01T00:00:00Z\"";
    let input = format!(
        "{{\"type\":\"author\",\"slug\":\"nul\",\"name\":\"N\\u0000L\",\"bio\":null,\"avatar_url\":null,{at}}}\n\
         {{\"type\":\"author\",\"slug\":\"fine\",\"name\":\"Fine\",\"bio\":null,\"avatar_url\":null,{at}}}\n"
    );
    let output = crate::ingest::pipe(&app.database_url(), &["import", "-"], &input);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains(":1: skipped: name: must not contain NUL"), "{stderr}");
    assert!(stderr.contains("imported 1, unchanged 0, skipped 1"), "{stderr}");
}

/// Dates every backend stores and orders alike: years 0001–9999, no leap
/// second. SQLite kept year 10000 as text, so such an article showed in the
/// public list while its page was a 404.
async fn dates_outside_years_1_to_9999_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    for at in ["+10000-01-01T00:00:00Z", "0000-06-01T00:00:00Z", "2016-12-31T23:59:60Z"] {
        let body = json!({"headline": "Odd date", "status": "published", "published_at": at});
        let problem = app.post("/v1/articles", Some(&write), &body).await.problem(422);
        assert_eq!(problem["errors"][0]["field"], "published_at", "{at}: {problem}");
    }
    let draft = app.post("/v1/articles", Some(&write), &json!({"headline": "Draft"})).await.json();
    let slug = draft["slug"].as_str().unwrap();
    let publish = app
        .post(&format!("/v1/articles/{slug}/publish"), Some(&write), &json!({"published_at": "+10000-01-01T00:00:00Z"}))
        .await;
    assert_eq!(publish.problem(422)["errors"][0]["field"], "published_at");
    let all = app.get("/v1/articles?status=any", Some(&write)).await.json();
    assert_eq!(all["data"].as_array().unwrap().len(), 1, "only the draft exists: {all}");
    assert_eq!(all["data"][0]["status"], "draft");

    let record = json!({"type": "article", "slug": "far", "headline": "Far", "summary": null, "body": "b",
        "status": "published", "published_at": "+10000-01-01T00:00:00Z", "created_at": "2020-01-01T00:00:00Z",
        "updated_at": "2020-01-01T00:00:00Z", "dateline": null, "section": null, "language": "en",
        "canonical_url": null, "version": 1, "tags": [], "bylines": [], "related": []});
    let output = crate::ingest::pipe(&app.database_url(), &["import", "-"], &format!("{record}\n"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("skipped: published_at: must be a date in the years 0001 to 9999"), "{stderr}");
}

/// A body that arrives too slowly gets a 408 problem after
/// `DATELINE_BODY_TIMEOUT`, REST and GraphQL alike, and nothing is written.
async fn slow_bodies_time_out(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.body_timeout = 1).await;
    let write = app.key(Scope::Write).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    for path in ["/v1/articles", "/graphql"] {
        let request = format!(
            "POST {path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {write}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"headline\""
        );
        let address = address.clone();
        let started = std::time::Instant::now();
        let answer = actix_web::rt::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut stream = std::net::TcpStream::connect(address).unwrap();
            stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let mut answer = vec![0u8; 4096];
            let read = stream.read(&mut answer).unwrap_or(0);
            String::from_utf8_lossy(&answer[..read]).into_owned()
        })
        .await
        .unwrap();
        let elapsed = started.elapsed();
        assert!(
            elapsed >= std::time::Duration::from_millis(900) && elapsed < std::time::Duration::from_secs(5),
            "{elapsed:?}"
        );
        if path == "/graphql" {
            assert!(answer.contains("did not arrive within 1 seconds"), "{answer}");
        } else {
            assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
            assert!(answer.contains("application/problem+json") && answer.contains("request_timeout"), "{answer}");
        }
    }
    let all = app.get("/v1/articles?status=any", Some(&write)).await.json();
    assert_eq!(all["data"], json!([]));
}
