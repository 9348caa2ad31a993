//! The response cache: keyless GETs are served from memory with no SQL,
//! and no write of any kind (REST, GraphQL, another process, the clock
//! reaching a scheduled story) ever leaves stale or hidden content in it.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::http::Method;
use dateline::domain::Scope;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{slugs, Backend, TestApp};

backend_tests!(
    hits_run_no_sql_and_replay_the_response,
    every_kind_of_write_is_seen_at_once,
    a_write_leaves_unrelated_entries_cached,
    scheduled_stories_appear_on_time_without_a_write,
    other_processes_writes_reach_the_cache,
    graphql_gets_are_cached_until_content_changes,
    graphql_posts_are_cached_until_content_changes,
);

/// Statements run to answer one keyless GET, and its body.
async fn cost_of(app: &TestApp, path: &str) -> (u64, Value) {
    let before = app.db.statements_run();
    let response = app.get(path, None).await;
    assert_eq!(response.status, 200, "{path}: {}", String::from_utf8_lossy(&response.body));
    (app.db.statements_run() - before, response.json())
}

/// Statements run to answer one GraphQL POST, and its body.
async fn post_cost_of(app: &TestApp, body: &Value, key: Option<&str>) -> (u64, Value) {
    let before = app.db.statements_run();
    let response = app.post("/graphql", key, body).await;
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    (app.db.statements_run() - before, response.json())
}

/// Sends a request that accepts gzip; asserts the answer is gzip and returns it decompressed.
async fn gunzipped(request: awc::ClientRequest, body: Option<Vec<u8>>) -> Vec<u8> {
    let request = request.no_decompress();
    let mut response = match body {
        Some(body) => request.send_body(body).await,
        None => request.send().await,
    }
    .unwrap();
    assert_eq!(response.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    let compressed = response.body().await.unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&compressed[..]), &mut plain).unwrap();
    plain
}

async fn published(app: &TestApp, key: &str, slug: &str, extra: Value) -> Value {
    let mut body = json!({"slug": slug, "headline": format!("Story {slug}"), "status": "published",
                          "published_at": "2021-03-01T00:00:00Z"});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    app.article(key, body).await
}

async fn hits_run_no_sql_and_replay_the_response(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;
    published(&app, &write, "one", json!({"tags": ["syria"], "body": "word ".repeat(500)})).await;
    published(&app, &write, "two", json!({})).await;

    for path in ["/v1/articles?limit=1", "/v1/articles/one", "/v1/tags/syria/articles", "/v1/authors", "/v1/tags/syria"]
    {
        let first = app.get(path, None).await;
        let (statements, body) = cost_of(&app, path).await;
        assert_eq!(statements, 0, "{path} was not served from the cache");
        assert_eq!(body, first.json(), "{path}");
        let again = app.get(path, None).await;
        for header in ["etag", "cache-control", "content-type", "link"] {
            assert_eq!(again.header(header), first.header(header), "{path}: {header}");
        }
        assert_eq!(again.header("cache-control").as_deref(), Some("public, max-age=60"));
        // Each hit is still a request of its own, with its own id.
        let ids = [first.header("x-request-id"), again.header("x-request-id")].map(Option::unwrap_or_default);
        assert!(ids.iter().all(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())), "{path}: {ids:?}");
        assert_ne!(ids[0], ids[1], "{path}");
        let etag = first.header("etag").expect("etag");
        let not_modified = app.request(Method::GET, path, None, &[("If-None-Match", &etag)], None).await;
        assert_eq!(not_modified.status, 304, "{path}");
        assert!(not_modified.body.is_empty());
    }
    // The page link survives the cache.
    assert!(app.get("/v1/articles?limit=1", None).await.header("link").is_some_and(|l| l.contains("rel=\"next\"")));

    // Pre-compressed: gzip for clients that accept it, the same bytes inside.
    let request = awc::Client::default().get(format!("{}/v1/articles/one", app.address));
    let plain = gunzipped(request.insert_header(("Accept-Encoding", "br;q=0.5, gzip")), None).await;
    assert_eq!(plain, app.get("/v1/articles/one", None).await.body);

    // Keyed requests never come from (or go into) the cache.
    let preview = app.key(Scope::Preview).await;
    let draft = app.article(&write, json!({"slug": "secret", "headline": "Secret draft"})).await;
    assert_eq!(draft["status"], "draft");
    let before = app.db.statements_run();
    assert_eq!(
        app.get("/v1/articles/one", Some(&preview)).await.header("cache-control").as_deref(),
        Some("private, no-store")
    );
    assert!(app.db.statements_run() > before, "a keyed read runs its queries");
    assert_eq!(app.get("/v1/articles/secret", Some(&preview)).await.status, 200);
    app.get("/v1/articles/secret", None).await.problem(404);
    // An unknown key is still refused, not served from the cache.
    app.get("/v1/articles/one", Some("dl_unknown")).await.problem(401);
}

async fn every_kind_of_write_is_seen_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;
    let people = json!({"section": "world", "tags": ["syria"], "bylines": [{"author": "ann-lee"}]});
    published(&app, &write, "lead", people.clone()).await;
    published(&app, &write, "other", json!({"published_at": "2021-02-01T00:00:00Z", "tags": ["syria"]})).await;
    app.article(&write, json!({"slug": "hidden", "headline": "Hidden draft"})).await;
    let linked =
        app.put("/v1/articles/lead/related", Some(&write), &json!([{"article": "other"}, {"article": "hidden"}])).await;
    assert_eq!(linked.status, 200);

    // Warm every kind of page.
    let pages = [
        "/v1/articles",
        "/v1/articles/lead",
        "/v1/articles/lead/related",
        "/v1/articles/other/backlinks",
        "/v1/articles/lead/suggestions",
        "/v1/articles?q=story",
        "/v1/authors",
        "/v1/authors/ann-lee",
        "/v1/authors/ann-lee/articles",
        "/v1/sections/world",
        "/v1/sections/world/articles",
        "/v1/tags",
        "/v1/tags/syria/articles",
    ];
    let warm = || {
        let app = &app;
        async move {
            for page in pages {
                assert_eq!(app.get(page, None).await.status, 200, "{page}");
            }
        }
    };
    warm().await;
    let get = |path: &'static str| {
        let app = &app;
        async move { app.get(path, None).await.json() }
    };

    // An edit: the page, the lists, search, and the pages that show it as a link.
    app.patch("/v1/articles/other", Some(&write), &json!({"headline": "Lighthouse reopens"})).await;
    assert_eq!(get("/v1/articles/lead").await["related"][0]["article"]["headline"], "Lighthouse reopens");
    assert_eq!(get("/v1/articles/lead/related").await["data"][0]["article"]["headline"], "Lighthouse reopens");
    assert_eq!(slugs(&get("/v1/articles?q=lighthouse").await), ["other"]);
    assert!(get("/v1/articles").await["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["headline"] == "Lighthouse reopens"));

    // Publishing a hidden link target shows it on the linking page.
    warm().await;
    assert_eq!(get("/v1/articles/lead").await["related"].as_array().unwrap().len(), 1);
    app.post("/v1/articles/hidden/publish", Some(&write), &json!({"published_at": "2021-01-01T00:00:00Z"})).await;
    assert_eq!(get("/v1/articles/lead").await["related"].as_array().unwrap().len(), 2);
    assert!(slugs(&get("/v1/articles").await).contains(&"hidden".to_owned()));

    // Unpublishing hides it everywhere again.
    warm().await;
    app.post("/v1/articles/hidden/unpublish", Some(&write), &json!({})).await;
    app.get("/v1/articles/hidden", None).await.problem(404);
    assert_eq!(get("/v1/articles/lead").await["related"].as_array().unwrap().len(), 1);
    assert!(!slugs(&get("/v1/articles").await).contains(&"hidden".to_owned()));

    // Related links replaced: the page, and the backlinks of the old target.
    warm().await;
    app.put("/v1/articles/lead/related", Some(&write), &json!([])).await;
    assert!(get("/v1/articles/lead").await["related"].as_array().unwrap().is_empty());
    assert!(slugs(&get("/v1/articles/other/backlinks").await).is_empty());
    assert!(slugs(&get("/v1/articles/lead/suggestions").await).contains(&"other".to_owned()), "no longer linked");

    // Author, section and tag renames reach every page that names them.
    warm().await;
    app.patch("/v1/authors/ann-lee", Some(&write), &json!({"name": "Ann Lee-Park"})).await;
    app.patch("/v1/sections/world", Some(&write), &json!({"name": "World news"})).await;
    app.patch("/v1/tags/syria", Some(&write), &json!({"name": "Syria war"})).await;
    let lead = get("/v1/articles/lead").await;
    assert_eq!(lead["bylines"][0]["author"]["name"], "Ann Lee-Park");
    assert_eq!(lead["section"]["name"], "World news");
    assert_eq!(lead["tags"][0]["name"], "Syria war");
    assert_eq!(get("/v1/authors/ann-lee").await["name"], "Ann Lee-Park");
    assert!(get("/v1/authors").await["data"].as_array().unwrap().iter().any(|a| a["name"] == "Ann Lee-Park"));
    assert_eq!(get("/v1/sections/world").await["name"], "World news");
    assert_eq!(get("/v1/authors/ann-lee/articles").await["data"][0]["bylines"][0]["author"]["name"], "Ann Lee-Park");
    assert_eq!(get("/v1/sections/world/articles").await["data"][0]["section"]["name"], "World news");
    assert_eq!(get("/v1/tags/syria/articles").await["data"][0]["tags"][0]["name"], "Syria war");
    assert!(get("/v1/tags").await["data"].as_array().unwrap().iter().any(|t| t["name"] == "Syria war"));

    // New content appears in its lists.
    warm().await;
    published(&app, &write, "fresh", json!({"tags": ["syria"], "published_at": "2022-01-01T00:00:00Z"})).await;
    app.create("/v1/tags", &write, json!({"slug": "weather", "name": "Weather"})).await;
    assert_eq!(slugs(&get("/v1/articles").await)[0], "fresh");
    assert_eq!(slugs(&get("/v1/tags/syria/articles").await)[0], "fresh");
    assert!(slugs(&get("/v1/tags").await).contains(&"weather".to_owned()));

    // A GraphQL mutation invalidates what REST cached.
    warm().await;
    let id = get("/v1/articles/lead").await["id"].as_i64().unwrap().to_string();
    let changed = app
        .graphql(
            "mutation($id: String!) { updateArticle(ref: $id, input: {headline: \"Lead, revised\"}) { headline } }",
            json!({"id": id}),
            Some(&write),
        )
        .await;
    assert_eq!(changed["data"]["updateArticle"]["headline"], "Lead, revised", "{changed}");
    assert_eq!(get("/v1/articles/lead").await["headline"], "Lead, revised");

    // Deleting an article: its page, the lists, and links to it go.
    warm().await;
    app.put("/v1/articles/lead/related", Some(&write), &json!([{"article": "fresh"}])).await;
    warm().await;
    assert_eq!(app.delete("/v1/articles/fresh", Some(&write)).await.status, 204);
    app.get("/v1/articles/fresh", None).await.problem(404);
    assert!(!slugs(&get("/v1/articles").await).contains(&"fresh".to_owned()));
    assert!(get("/v1/articles/lead").await["related"].as_array().unwrap().is_empty());
    assert!(slugs(&get("/v1/tags/syria/articles").await).iter().all(|s| s != "fresh"));
}

async fn a_write_leaves_unrelated_entries_cached(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;
    published(&app, &write, "edited", json!({"bylines": [{"author": "ann-lee"}]})).await;
    published(&app, &write, "bystander", json!({"bylines": [{"author": "bob-stone"}], "tags": ["transport"]})).await;
    let untouched = ["/v1/articles/bystander", "/v1/authors", "/v1/tags", "/v1/sections/local", "/v1/tags/transport"];
    for path in untouched.iter().chain(&["/v1/articles/edited", "/v1/articles"]) {
        app.get(path, None).await;
    }
    app.patch("/v1/articles/edited", Some(&write), &json!({"summary": "Now with a summary"})).await;
    for path in untouched {
        assert_eq!(cost_of(&app, path).await.0, 0, "{path} should still be cached");
    }
    let (statements, body) = cost_of(&app, "/v1/articles/edited").await;
    assert!(statements > 0, "the edited article is rendered again");
    assert_eq!(body["summary"], "Now with a summary");
    assert!(cost_of(&app, "/v1/articles").await.0 > 0, "lists are rendered again");

    // An author rename re-renders that author's articles, not the others'.
    app.get("/v1/articles/edited", None).await;
    app.patch("/v1/authors/bob-stone", Some(&write), &json!({"name": "Robert Stone"})).await;
    assert_eq!(cost_of(&app, "/v1/articles/edited").await.0, 0);
    let (statements, body) = cost_of(&app, "/v1/articles/bystander").await;
    assert!(statements > 0);
    assert_eq!(body["bylines"][0]["author"]["name"], "Robert Stone");
}

async fn scheduled_stories_appear_on_time_without_a_write(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    published(&app, &write, "already", json!({})).await;
    let at = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    let scheduled = app
        .article(
            &write,
            json!({"slug": "embargoed", "headline": "Embargoed", "status": "published",
                                   "published_at": at.to_rfc3339()}),
        )
        .await;
    assert_eq!(scheduled["status"], "published");
    assert_eq!(slugs(&app.get("/v1/articles", None).await.json()), ["already"]);
    assert_eq!(cost_of(&app, "/v1/articles").await.0, 0, "cached before the embargo");
    app.get("/v1/articles/embargoed", None).await.problem(404);

    while chrono::Utc::now() <= at {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(slugs(&app.get("/v1/articles", None).await.json()), ["embargoed", "already"]);
    assert_eq!(app.get("/v1/articles/embargoed", None).await.status, 200);
}

/// A second Dateline process on the same database.
struct OtherProcess {
    child: Child,
    address: String,
}

impl OtherProcess {
    async fn start(database_url: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(env!("CARGO_BIN_EXE_dateline"))
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", database_url)
            .env("DATELINE_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let process = Self { child, address: format!("http://127.0.0.1:{port}") };
        let started = Instant::now();
        while process.get("/healthz").await.is_none() {
            assert!(started.elapsed() < Duration::from_secs(20), "the second process did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        process
    }

    async fn get(&self, path: &str) -> Option<Value> {
        let mut response = awc::Client::default().get(format!("{}{path}", self.address)).send().await.ok()?;
        response.body().await.ok().and_then(|b| serde_json::from_slice(&b).ok())
    }

    async fn patch(&self, path: &str, key: &str, body: &Value) -> u16 {
        awc::Client::default()
            .patch(format!("{}{path}", self.address))
            .insert_header(("Authorization", format!("Bearer {key}")))
            .send_json(body)
            .await
            .unwrap()
            .status()
            .as_u16()
    }
}

impl Drop for OtherProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `read` until `done` holds (other processes hear of a write within
/// a poll interval, not at once), for at most two seconds.
async fn eventually<F, Fut>(mut read: F, done: impl Fn(&Value) -> bool) -> Value
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Value>,
{
    let started = Instant::now();
    loop {
        let value = read().await;
        if done(&value) || started.elapsed() > Duration::from_secs(2) {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn other_processes_writes_reach_the_cache(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    published(&app, &write, "shared", json!({})).await;
    let other = OtherProcess::start(&app.database_url()).await;

    // Both processes cache the article.
    for _ in 0..2 {
        assert_eq!(other.get("/v1/articles/shared").await.unwrap()["headline"], "Story shared");
        app.get("/v1/articles/shared", None).await;
    }
    assert_eq!(cost_of(&app, "/v1/articles/shared").await.0, 0);

    // A write here reaches the other process's cache…
    app.patch("/v1/articles/shared", Some(&write), &json!({"headline": "Written here"})).await;
    let seen =
        eventually(|| async { other.get("/v1/articles/shared").await.unwrap() }, |v| v["headline"] == "Written here")
            .await;
    assert_eq!(seen["headline"], "Written here");

    // …and a write there reaches this one's.
    app.get("/v1/articles", None).await;
    assert_eq!(other.patch("/v1/articles/shared", &write, &json!({"headline": "Written there"})).await, 200);
    let seen = eventually(
        || async { app.get("/v1/articles/shared", None).await.json() },
        |v| v["headline"] == "Written there",
    )
    .await;
    assert_eq!(seen["headline"], "Written there");
    let list = eventually(
        || async { app.get("/v1/articles", None).await.json() },
        |v| v["data"][0]["headline"] == "Written there",
    )
    .await;
    assert_eq!(list["data"][0]["headline"], "Written there");

    // A bulk import from the CLI empties both caches.
    let record = json!({"type": "article", "slug": "imported", "headline": "Imported story", "summary": null,
        "body": "b", "status": "published", "published_at": "2030-01-01T00:00:00Z", "created_at": "2020-01-01T00:00:00Z",
        "updated_at": "2020-01-01T00:00:00Z", "dateline": null, "section": null, "language": "en",
        "canonical_url": null, "version": 1, "tags": [], "bylines": [], "related": []});
    let mut published_now = record.clone();
    published_now["published_at"] = json!("2024-01-01T00:00:00Z");
    let output = crate::ingest::pipe(&app.database_url(), &["import", "-"], &format!("{published_now}\n"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let list = eventually(
        || async { other.get("/v1/articles").await.unwrap() },
        |v| slugs(v).first().map(String::as_str) == Some("imported"),
    )
    .await;
    assert_eq!(slugs(&list)[0], "imported");
    let list = eventually(
        || async { app.get("/v1/articles", None).await.json() },
        |v| slugs(v).first().map(String::as_str) == Some("imported"),
    )
    .await;
    assert_eq!(slugs(&list)[0], "imported");

    // A plain-text story from the CLI: its article and its new author.
    app.get("/v1/authors", None).await;
    other.get("/v1/authors").await;
    let story = tempfile::NamedTempFile::new().unwrap();
    let text = "Lighthouse keeper retires\n\nBy Ines Varga\nMay 2, 2025\n\nAfter forty years, the keeper left.\n";
    std::fs::write(story.path(), text).unwrap();
    let output = crate::cli::dateline(&app.database_url(), &["import", story.path().to_str().unwrap()]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let has_author = |v: &Value| slugs(v).contains(&"ines-varga".to_owned());
    let first_is_story = |v: &Value| slugs(v).first().map(String::as_str) == Some("lighthouse-keeper-retires");
    assert!(has_author(&eventually(|| async { app.get("/v1/authors", None).await.json() }, has_author).await));
    assert!(has_author(&eventually(|| async { other.get("/v1/authors").await.unwrap() }, has_author).await));
    let list = eventually(|| async { other.get("/v1/articles").await.unwrap() }, first_is_story).await;
    assert!(first_is_story(&list), "{list}");
}

async fn graphql_gets_are_cached_until_content_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;
    published(&app, &write, "front", json!({"bylines": [{"author": "ann-lee"}]})).await;
    let query = "/graphql?query=%7B%20articles(first%3A%205)%20%7B%20nodes%20%7B%20slug%20headline%20bylines%20%7B%20author%20%7B%20name%20%7D%20%7D%20%7D%20%7D%20%7D";
    let first = cost_of(&app, query).await;
    assert!(first.0 > 0);
    assert_eq!(first.1["data"]["articles"]["nodes"][0]["headline"], "Story front");
    assert_eq!(cost_of(&app, query).await, (0, first.1.clone()), "served from the cache");

    app.patch("/v1/authors/ann-lee", Some(&write), &json!({"name": "Ann Lee-Park"})).await;
    let renamed = cost_of(&app, query).await.1;
    assert_eq!(renamed["data"]["articles"]["nodes"][0]["bylines"][0]["author"]["name"], "Ann Lee-Park");
    app.patch("/v1/articles/front", Some(&write), &json!({"headline": "Front, revised"})).await;
    assert_eq!(cost_of(&app, query).await.1["data"]["articles"]["nodes"][0]["headline"], "Front, revised");

    // Errors are never cached.
    let broken = "/graphql?query=%7B%20nope%20%7D";
    assert!(cost_of(&app, broken).await.1["errors"].is_array());
    assert_eq!(app.get(broken, None).await.header("cache-control").as_deref(), Some("no-store"));
}

async fn graphql_posts_are_cached_until_content_changes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;
    published(&app, &write, "front", json!({"bylines": [{"author": "ann-lee"}]})).await;
    let query =
        "query($first: Int) { articles(first: $first) { nodes { slug headline bylines { author { name } } } } }";
    let front = json!({"query": query, "variables": {"first": 5}});
    let headline = |body: &Value| body["data"]["articles"]["nodes"][0]["headline"].clone();

    let first = post_cost_of(&app, &front, None).await;
    assert!(first.0 > 0);
    assert_eq!(headline(&first.1), "Story front");
    assert_eq!(post_cost_of(&app, &front, None).await, (0, first.1.clone()), "served from the cache");
    // Other variables are another entry.
    let other = json!({"query": query, "variables": {"first": 1}});
    assert!(post_cost_of(&app, &other, None).await.0 > 0);

    app.patch("/v1/authors/ann-lee", Some(&write), &json!({"name": "Ann Lee-Park"})).await;
    let renamed = post_cost_of(&app, &front, None).await.1;
    assert_eq!(renamed["data"]["articles"]["nodes"][0]["bylines"][0]["author"]["name"], "Ann Lee-Park");
    app.patch("/v1/articles/front", Some(&write), &json!({"headline": "Front, revised"})).await;
    assert_eq!(headline(&post_cost_of(&app, &front, None).await.1), "Front, revised");

    // A keyed POST runs its queries and sees drafts; what it saw is not kept for others.
    app.article(&write, json!({"slug": "secret", "headline": "Secret draft"})).await;
    let everything = json!({"query": "{ articles(first: 5, filter: {status: ANY}) { nodes { slug } } }"});
    let preview = app.key(Scope::Preview).await;
    let keyed = post_cost_of(&app, &everything, Some(&preview)).await;
    assert!(keyed.0 > 0);
    assert_eq!(keyed.1["data"]["articles"]["nodes"][0]["slug"], "secret", "{}", keyed.1);
    let keyless = post_cost_of(&app, &everything, None).await.1;
    assert!(!keyless.to_string().contains("secret"), "{keyless}");

    // A body that is not UTF-8 (serde_json lets it through in a field it
    // ignores) is never looked up: replacing its bad byte would name another.
    let replaced = json!({"query": "{ articles(first: 2) { nodes { slug } } }", "note": "\u{FFFD}"});
    let kept = post_cost_of(&app, &replaced, None).await.1;
    assert!(kept["data"].is_object(), "{kept}");
    let mut broken = serde_json::to_vec(&replaced).unwrap();
    let at = broken.windows(3).position(|bytes| bytes == "\u{FFFD}".as_bytes()).unwrap();
    broken.splice(at..at + 3, [0xFF]);
    let before = app.db.statements_run();
    let headers = [("Content-Type", "application/json")];
    let answer = app.request(Method::POST, "/graphql", None, &headers, Some(broken)).await.json();
    assert!(app.db.statements_run() > before, "a body that is not UTF-8 was looked up in the cache");
    assert_eq!(answer, kept);

    // A response with errors is not kept, even when part of it was read.
    let partly =
        json!({"query": "{ a: articles(first: 5) { nodes { slug } } b: articles(first: 1000) { nodes { slug } } }"});
    let (statements, body) = post_cost_of(&app, &partly, None).await;
    assert!(statements > 0 && body["errors"].is_array(), "{body}");
    assert!(post_cost_of(&app, &partly, None).await.0 > 0, "an error was served from the cache");

    // Pre-compressed for clients that accept gzip, like a GET.
    let request = awc::Client::default().post(format!("{}/graphql", app.address));
    let request =
        request.insert_header(("Content-Type", "application/json")).insert_header(("Accept-Encoding", "gzip"));
    let plain = gunzipped(request, Some(serde_json::to_vec(&front).unwrap())).await;
    assert_eq!(serde_json::from_slice::<Value>(&plain).unwrap(), post_cost_of(&app, &front, None).await.1);
}

#[actix_web::test]
async fn the_sqlite_memory_map_is_off_unless_asked_for() {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct MmapSize {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        mmap_size: i64,
    }
    async fn mmap_of(app: &TestApp) -> i64 {
        app.db
            .run(|conn| {
                let dateline::store::DbConnection::Sqlite(sqlite) = conn else { panic!("an SQLite store") };
                Ok(diesel::sql_query("PRAGMA mmap_size").get_result::<MmapSize>(sqlite).unwrap().mmap_size)
            })
            .await
            .unwrap()
    }
    assert_eq!(mmap_of(&TestApp::spawn(Backend::Sqlite).await).await, 0);
    let mapped = TestApp::spawn_with(Backend::Sqlite, |s| s.sqlite_mmap = 64 * 1024 * 1024).await;
    assert_eq!(mmap_of(&mapped).await, 64 * 1024 * 1024);
}
