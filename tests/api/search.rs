//! Full-text search and "more like this": ranking, the query language,
//! hostile input, the index following every write, paging by relevance,
//! visibility, and REST/GraphQL parity.

use dateline::domain::Scope;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{slugs, Backend, TestApp};

backend_tests!(
    search_matches_ranks_and_highlights,
    hostile_queries_get_a_result_or_a_400,
    the_index_follows_every_write,
    relevance_pages_never_repeat,
    the_best_matches_unpublished_are_passed_over,
    suggestions_use_the_text_and_visibility,
    graphql_search_matches_rest,
);

/// Percent-encodes a query value (every byte but letters and digits).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

async fn search(app: &TestApp, q: &str, extra: &str, key: Option<&str>) -> Value {
    let response = app.get(&format!("/v1/articles?q={}{extra}", encode(q)), key).await;
    assert_eq!(response.status, 200, "q={q:?}: {}", String::from_utf8_lossy(&response.body));
    response.json()
}

async fn found(app: &TestApp, q: &str) -> Vec<String> {
    slugs(&search(app, q, "", None).await)
}

/// The slugs of every page of a public search for `q`, `limit` at a time,
/// following `next_cursor`; fails past `most` slugs (paging that never ends).
async fn page_through(app: &TestApp, q: &str, limit: u32, most: usize) -> Vec<String> {
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let extra = cursor.as_ref().map_or(format!("&limit={limit}"), |c| format!("&limit={limit}&cursor={c}"));
        let page = search(app, q, &extra, None).await;
        paged.extend(slugs(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return paged,
        }
        assert!(paged.len() <= most, "paging does not end: {paged:?}");
    }
}

fn story(slug: &str, headline: &str, body: &str) -> Value {
    json!({"slug": slug, "headline": headline, "body": body, "status": "published",
           "published_at": "2024-05-01T10:00:00Z"})
}

async fn search_matches_ranks_and_highlights(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    for body in [
        story("storm-headline", "Storm hits the harbour", "Boats were damaged overnight."),
        story(
            "storm-body",
            "Harbour repairs begin",
            "The storm last week damaged the harbour walls. A storm, then another storm: storms are frequent.",
        ),
        story("strikes", "Counter-strikes near Deir al-Zour", "Officials confirmed the raids on Tuesday."),
        story("zurich", "Zürich trams run late", "Commuters waited for an hour."),
        story("walls-phrase", "Council meets", "They discussed the harbour walls again."),
        story("walls-apart", "Council adjourns", "The walls of the old harbour were not discussed."),
        story("unsafe", "Markup test", "<script>alert(1)</script> a storm of <b>html</b> & more"),
    ] {
        app.article(&write, body).await;
    }
    let mut draft = story("storm-draft", "Storm draft", "A storm.");
    draft["status"] = json!("draft");
    app.article(&write, draft).await;
    app.article(
        &write,
        json!({"slug": "storm-later", "headline": "Storm ahead", "body": "Soon.",
                               "status": "published", "published_at": "2999-01-01T00:00:00Z"}),
    )
    .await;

    // Headline matches first; drafts and scheduled stories stay hidden.
    let storm = found(&app, "storm").await;
    assert_eq!(storm[0], "storm-headline");
    assert_eq!(storm.len(), 3, "{storm:?}");
    assert!(storm.contains(&"storm-body".to_owned()) && storm.contains(&"unsafe".to_owned()));
    // Stemming, accents, phrases, exclusion.
    assert_eq!(found(&app, "strike").await, ["strikes"]);
    assert_eq!(found(&app, "Zurich").await, ["zurich"]);
    assert_eq!(found(&app, "deir al-zour").await, ["strikes"]);
    let mut phrase = found(&app, "\"harbour walls\"").await;
    phrase.sort();
    assert_eq!(phrase, ["storm-body", "walls-phrase"]);
    let mut walls = found(&app, "walls harbour -storm").await;
    walls.sort();
    assert_eq!(walls, ["walls-apart", "walls-phrase"]);
    // An unbalanced quote closes at the end.
    assert_eq!(found(&app, "\"harbour repairs").await, ["storm-body"]);

    // Highlights: matches marked, markup escaped, at most 300 characters.
    let body = search(&app, "storm", "", None).await;
    for item in body["data"].as_array().unwrap() {
        let highlight = item["highlight"].as_str().unwrap();
        assert!(highlight.contains("<mark>"), "{highlight}");
        assert!(!highlight.contains("<script") && !highlight.contains("<b>"), "{highlight}");
        assert!(highlight.chars().count() <= 300);
    }
    // The words marked are the query's, stemmed, without accents, each word of a hyphenated one.
    let marked = |body: Value| body["data"][0]["highlight"].as_str().unwrap_or_default().to_owned();
    assert!(marked(search(&app, "strike", "", None).await).contains("Counter-<mark>strikes</mark>"));
    assert!(marked(search(&app, "Zurich", "", None).await).contains("<mark>Zürich</mark> trams"));
    let hyphenated = marked(search(&app, "deir al-zour", "", None).await);
    assert!(hyphenated.contains("<mark>Deir</mark> <mark>al</mark>-<mark>Zour</mark>"), "{hyphenated}");
    // Without q there is no highlight, and relevance is refused.
    let plain = app.get("/v1/articles", None).await.json();
    assert!(plain["data"][0].get("highlight").is_none());
    app.get("/v1/articles?sort=relevance", None).await.problem(400);
    // Date order with q, and the draft with a preview key and status=any.
    // Same publication time: oldest first means creation (id) order.
    let by_date = search(&app, "storm", "&sort=published_at", None).await;
    assert_eq!(slugs(&by_date), ["storm-headline", "storm-body", "unsafe"]);
    let preview = app.key(Scope::Preview).await;
    let all = slugs(&search(&app, "storm", "&status=any", Some(&preview)).await);
    assert_eq!(all.len(), 5, "{all:?}");
    app.get("/v1/articles?q=storm&status=any", None).await.problem(401);

    // Every list filter also applies to a search (the search SQL is written by hand).
    app.seed_people(&write).await;
    let filed = |slug: &str, at: &str, section: &str, tag: &str, author: &str| {
        json!({"slug": slug, "headline": "Gale warning", "body": "A gale.", "status": "published",
               "published_at": at, "section": section, "tags": [tag], "bylines": [{"author": author}]})
    };
    app.article(&write, filed("gale-world", "2024-01-10T00:00:00Z", "world", "syria", "ann-lee")).await;
    app.article(&write, filed("gale-local", "2024-03-10T00:00:00Z", "local", "transport", "bob-stone")).await;
    assert_eq!(slugs(&search(&app, "gale", "&section=world", None).await), ["gale-world"]);
    assert_eq!(slugs(&search(&app, "gale", "&tag=transport", None).await), ["gale-local"]);
    assert_eq!(slugs(&search(&app, "gale", "&author=ann-lee", None).await), ["gale-world"]);
    assert_eq!(slugs(&search(&app, "gale", "&published_after=2024-02-01", None).await), ["gale-local"]);
    assert_eq!(slugs(&search(&app, "gale", "&published_before=2024-02-01", None).await), ["gale-world"]);
    assert_eq!(slugs(&app.get("/v1/authors/bob-stone/articles?q=gale", None).await.json()), ["gale-local"]);
}

async fn hostile_queries_get_a_result_or_a_400(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.article(&write, story("storm", "Storm hits the harbour", "Boats were damaged.")).await;
    let long = "storm ".repeat(2000);
    let hostile = [
        "\"",
        "\"\"",
        "\"storm",
        "storm\"",
        "NEAR(storm harbour)",
        "storm*",
        "*",
        "-",
        "--storm",
        "OR",
        "AND storm",
        "NOT",
        "storm NOT harbour",
        "{headline}: storm",
        "headline:storm",
        "^storm",
        "storm)",
        "((",
        "🔥 storm 🔥",
        "'; DROP TABLE articles; --",
        "\\",
        "$1",
        ":*",
        "!storm",
        "storm & harbour",
        "storm <-> harbour",
        "storm | x",
        "\u{0}",
        "\u{E000}storm\u{E001}",
        "storm:A",
        "a:b:c",
        "é",
        "😀",
        &long,
        "-\"storm\"",
        "storm -\"",
    ];
    for q in hostile {
        let response = app.get(&format!("/v1/articles?q={}", encode(q)), None).await;
        match response.status {
            200 => assert!(response.json()["data"].is_array()),
            400 => {
                response.problem(400);
            }
            other => panic!("q={q:?} answered {other}: {}", String::from_utf8_lossy(&response.body)),
        }
    }
    // The plain words among them still find the story.
    assert_eq!(found(&app, "NEAR(storm harbour)").await, Vec::<String>::new(), "NEAR is a word like any other");
    assert_eq!(found(&app, "storm*").await, ["storm"]);
    assert_eq!(found(&app, "{headline}: storm").await, Vec::<String>::new());
    assert_eq!(found(&app, "'; DROP TABLE articles; --").await, Vec::<String>::new());
    assert_eq!(found(&app, "storm").await, ["storm"]);
    let detail = app.get(&format!("/v1/articles?q={}", encode(&long)), None).await.problem(400);
    assert!(detail["detail"].as_str().unwrap().contains("`q`"));
    app.get("/v1/articles?q=-storm", None).await.problem(400);
}

async fn the_index_follows_every_write(backend: Backend) {
    // The CLI writes from another process; this test is about the index.
    let app = TestApp::spawn_uncached(backend).await;
    let write = app.key(Scope::Write).await;
    // Create.
    app.article(&write, story("ferry", "Night ferry trial", "The ferry runs at night.")).await;
    assert_eq!(found(&app, "ferry").await, ["ferry"]);
    // Update: the old words go, the new ones come.
    let patch = json!({"headline": "Night bus trial", "body": "The bus runs at night."});
    assert_eq!(app.patch("/v1/articles/ferry", Some(&write), &patch).await.status, 200);
    assert_eq!(found(&app, "ferry").await, Vec::<String>::new());
    assert_eq!(found(&app, "bus").await, ["ferry"]);
    // Unpublish hides it from the public; publish brings it back.
    assert_eq!(app.post("/v1/articles/ferry/unpublish", Some(&write), &json!({})).await.status, 200);
    assert_eq!(found(&app, "bus").await, Vec::<String>::new());
    assert_eq!(app.post("/v1/articles/ferry/publish", Some(&write), &json!({})).await.status, 200);
    assert_eq!(found(&app, "bus").await, ["ferry"]);
    // Delete.
    assert_eq!(app.delete("/v1/articles/ferry", Some(&write)).await.status, 204);
    assert_eq!(found(&app, "bus").await, Vec::<String>::new());
    // Import (NDJSON, through the CLI, into the same store).
    let record = json!({"type": "article", "slug": "imported", "headline": "Imported lighthouse story",
        "summary": null, "body": "A lighthouse.", "status": "published", "published_at": "2020-01-01T00:00:00Z",
        "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z", "dateline": null,
        "section": null, "language": "en", "canonical_url": null, "version": 1, "tags": [], "bylines": [],
        "related": []});
    let output = crate::ingest::pipe(&app.database_url(), &["import", "-"], &format!("{record}\n"));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(found(&app, "lighthouse").await, ["imported"]);
    // Import --update rewrites the indexed text too.
    let mut changed = record.clone();
    changed["headline"] = json!("Imported lightship story");
    changed["body"] = json!("A lightship.");
    let output = crate::ingest::pipe(&app.database_url(), &["import", "--update", "-"], &format!("{changed}\n"));
    assert!(output.status.success());
    assert_eq!(found(&app, "lighthouse").await, Vec::<String>::new());
    assert_eq!(found(&app, "lightship").await, ["imported"]);
}

async fn relevance_pages_never_repeat(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    // Seven stories, some with equal scores (identical text), one more without the word.
    for i in 0..7 {
        let repeats = "storm ".repeat(1 + i % 3);
        app.article(&write, story(&format!("s{i}"), &format!("Report {i}"), &format!("{repeats} at sea."))).await;
    }
    app.article(&write, story("calm", "Calm report", "Nothing happened.")).await;
    let whole = slugs(&search(&app, "storm", "&limit=100", None).await);
    assert_eq!(whole.len(), 7);
    let paged = page_through(&app, "storm", 2, 7).await;
    assert_eq!(paged, whole, "relevance paging repeats or skips");
    // A relevance cursor does not fit another order.
    let first = search(&app, "storm", "&limit=2", None).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    app.get(&format!("/v1/articles?q=storm&sort=published_at&cursor={cursor}"), None).await.problem(400);
}

/// The best-scoring matches are drafts and scheduled stories: a public
/// search pages through the public ones only, in order, however many
/// unpublished ones outrank them.
async fn the_best_matches_unpublished_are_passed_over(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    for i in 0..8 {
        let mut hidden = story(&format!("hidden-{i}"), "Storm storm storm", &"storm ".repeat(20));
        if i % 2 == 0 {
            hidden["status"] = json!("draft");
            hidden["published_at"] = Value::Null;
        } else {
            hidden["published_at"] = json!("2999-01-01T00:00:00Z");
        }
        app.article(&write, hidden).await;
    }
    for (i, repeats) in [3, 2, 1].iter().enumerate() {
        app.article(
            &write,
            story(&format!("public-{i}"), "Weather", &format!("{} at sea.", "storm ".repeat(*repeats))),
        )
        .await;
    }
    let paged = page_through(&app, "storm", 1, 3).await;
    let mut public = paged.clone();
    public.sort();
    assert_eq!(public, ["public-0", "public-1", "public-2"]);
    assert_eq!(slugs(&search(&app, "storm", "&limit=100", None).await), paged, "paging changed the order");
}

async fn suggestions_use_the_text_and_visibility(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    for body in [
        story("main", "Lighthouse keeper retires after forty years", "Body."),
        story("same-words", "New lighthouse keeper starts", "Body."),
        story("other", "Budget vote delayed", "Body."),
        story("linked", "Lighthouse keeper museum opens", "Body."),
    ] {
        app.article(&write, body).await;
    }
    let mut draft = story("draft-lighthouse", "Lighthouse keeper draft", "Body.");
    draft["status"] = json!("draft");
    app.article(&write, draft).await;
    app.put("/v1/articles/main/related", Some(&write), &json!([{"article": "linked"}])).await;

    let suggested = slugs(&app.get("/v1/articles/main/suggestions", None).await.json());
    assert_eq!(suggested, ["same-words"], "text likeness, without itself, linked, unrelated or draft stories");
    // A deleted article disappears from suggestions, search and backlinks alike.
    assert_eq!(app.delete("/v1/articles/same-words", Some(&write)).await.status, 204);
    assert!(slugs(&app.get("/v1/articles/main/suggestions", None).await.json()).is_empty());
    assert_eq!(slugs(&app.get("/v1/articles/linked/backlinks", None).await.json()), ["main"]);
    assert_eq!(app.delete("/v1/articles/main", Some(&write)).await.status, 204);
    assert!(slugs(&app.get("/v1/articles/linked/backlinks", None).await.json()).is_empty());
    assert_eq!(found(&app, "lighthouse").await, ["linked"]);
}

async fn graphql_search_matches_rest(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    for i in 0..4 {
        let body = format!("{} storm over the harbour.", "big ".repeat(i + 1));
        app.article(&write, story(&format!("g{i}"), &format!("Harbour report {i}"), &body)).await;
    }
    let rest = search(&app, "storm harbour", "&limit=3", None).await;
    let query = "query($q: String!) { articles(filter: {query: $q}, first: 3) {
        nodes { slug highlight } pageInfo { endCursor hasNextPage } } }";
    let graphql = app.graphql(query, json!({"q": "storm harbour"}), None).await;
    let nodes = graphql["data"]["articles"]["nodes"].as_array().unwrap();
    let rest_items = rest["data"].as_array().unwrap();
    assert_eq!(nodes.len(), rest_items.len());
    for (node, item) in nodes.iter().zip(rest_items) {
        assert_eq!(node["slug"], item["slug"]);
        assert_eq!(node["highlight"], item["highlight"]);
    }
    assert_eq!(graphql["data"]["articles"]["pageInfo"]["endCursor"].as_str(), rest["next_cursor"].as_str());
    // The same rules: relevance needs a query, nothing to search for is refused.
    let refused = app.graphql("{ articles(sort: RELEVANCE) { nodes { slug } } }", json!({}), None).await;
    assert_eq!(crate::helpers::error_code(&refused), "BAD_USER_INPUT");
    let refused = app.graphql("{ articles(filter: {query: \"*\"}) { nodes { slug } } }", json!({}), None).await;
    assert_eq!(crate::helpers::error_code(&refused), "BAD_USER_INPUT");
    let plain = app.graphql("{ articles(first: 1) { nodes { highlight } } }", json!({}), None).await;
    assert_eq!(plain["data"]["articles"]["nodes"][0]["highlight"], Value::Null);

    // Suggestions and backlinks: the same lists as REST.
    app.put("/v1/articles/g1/related", Some(&write), &json!([{"article": "g0"}])).await;
    let query = "{ article(slug: \"g0\") { suggestions(first: 5) { slug } backlinks { slug } } }";
    let article = &app.graphql(query, json!({}), None).await["data"]["article"];
    let names = |list: &Value| -> Vec<String> {
        list.as_array().unwrap().iter().map(|a| a["slug"].as_str().unwrap().to_owned()).collect()
    };
    let rest_suggestions = slugs(&app.get("/v1/articles/g0/suggestions?limit=5", None).await.json());
    assert!(!rest_suggestions.is_empty(), "headlines share `harbour` and `report`");
    assert_eq!(names(&article["suggestions"]), rest_suggestions);
    assert_eq!(names(&article["backlinks"]), ["g1"]);
    let refused = app.graphql("{ article(slug: \"g0\") { suggestions(first: 51) { slug } } }", json!({}), None).await;
    assert_eq!(crate::helpers::error_code(&refused), "BAD_USER_INPUT");
}
