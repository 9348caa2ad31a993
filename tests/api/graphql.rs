//! GraphQL over HTTP on both backends: pages, paging, mutations and scopes,
//! visibility in the graph, batching, limits, persisted queries, the SDL.

use actix_web::http::Method;
use dateline::domain::Scope;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::backend_tests;
use crate::helpers::{error_code, Backend, TestApp};

backend_tests!(
    article_page_matches_rest,
    section_front_pages_to_the_end,
    mutations_need_a_write_key,
    drafts_never_appear_in_the_graph,
    nested_reads_run_a_fixed_number_of_statements,
    abusive_queries_are_refused,
    hostile_documents_are_refused_at_once,
    persisted_mutations_never_run_over_get,
    persisted_queries_and_get_caching,
    every_mutation_checks_the_scope,
);

const ARTICLE_PAGE: &str = r#"query Page($slug: String!) {
  article(slug: $slug) {
    id slug headline summary status publishedAt updatedAt createdAt dateline language canonicalUrl wordCount version
    markdown: body html: body(format: HTML)
    section { slug name }
    tags { slug name }
    bylines { role author { id slug name } }
    authors { slug }
    related { __typename ... on ArticleLink { article { slug headline publishedAt } } ... on ExternalLink { url title } }
  }
}"#;

async fn newsroom(app: &TestApp, write: &str) {
    app.seed_people(write).await;
    app.article(write, json!({"headline": "Target", "status": "published", "published_at": "2021-01-01T00:00:00Z"}))
        .await;
    app.article(
        write,
        json!({"headline": "Main story", "summary": "Sum", "body": "Hello *world*.", "dateline": "PARIS",
               "status": "published", "published_at": "2021-02-03T04:05:06Z", "section": "world",
               "tags": ["syria", "transport"], "canonical_url": "https://example.org/main",
               "bylines": [{"author": "bob-stone"}, {"author": "ann-lee", "role": "editor"}]}),
    )
    .await;
    app.put(
        "/v1/articles/main-story/related",
        Some(write),
        &json!([{"article": "target"}, {"url": "https://example.org/x", "title": "X"}]),
    )
    .await;
}

async fn article_page_matches_rest(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    newsroom(&app, &write).await;

    let graph = app.graphql(ARTICLE_PAGE, json!({"slug": "main-story"}), None).await;
    assert!(graph.get("errors").is_none(), "{graph}");
    let g = &graph["data"]["article"];
    let r = app.get("/v1/articles/main-story", None).await.json();

    assert_eq!(g["id"], r["id"].to_string());
    for (gf, rf) in [
        ("slug", "slug"),
        ("headline", "headline"),
        ("summary", "summary"),
        ("publishedAt", "published_at"),
        ("updatedAt", "updated_at"),
        ("createdAt", "created_at"),
        ("dateline", "dateline"),
        ("language", "language"),
        ("canonicalUrl", "canonical_url"),
        ("wordCount", "word_count"),
        ("version", "version"),
        ("markdown", "body"),
        ("html", "body_html"),
        ("section", "section"),
        ("tags", "tags"),
    ] {
        assert_eq!(g[gf], r[rf], "{gf} vs {rf}");
    }
    assert_eq!(g["status"], "PUBLISHED");
    assert_eq!(r["status"], "published");
    let rest_bylines: Vec<Value> = r["bylines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| json!({"role": b["role"].as_str().unwrap().to_uppercase(), "author": {"id": b["author"]["id"].to_string(), "slug": b["author"]["slug"], "name": b["author"]["name"]}}))
        .collect();
    assert_eq!(g["bylines"], json!(rest_bylines));
    assert_eq!(g["authors"], json!([{"slug": "bob-stone"}, {"slug": "ann-lee"}]));
    assert_eq!(
        g["related"],
        json!([
            {"__typename": "ArticleLink", "article": {"slug": "target", "headline": "Target", "publishedAt": "2021-01-01T00:00:00Z"}},
            {"__typename": "ExternalLink", "url": "https://example.org/x", "title": "X"}
        ])
    );
    assert_eq!(g["related"][0]["article"]["slug"], r["related"][0]["article"]["slug"]);
    assert_eq!(g["related"][0]["article"]["publishedAt"], r["related"][0]["article"]["published_at"]);
    assert_eq!(g["related"][1]["url"], r["related"][1]["url"]);

    // By id too; a missing article is null, not an error.
    let by_id =
        app.graphql("query($id: ID!) { article(id: $id) { slug } }", json!({"id": r["id"].to_string()}), None).await;
    assert_eq!(by_id["data"]["article"]["slug"], "main-story");
    let missing = app.graphql("{ article(slug: \"nope\") { slug } }", json!({}), None).await;
    assert_eq!(missing["data"]["article"], Value::Null);
    assert!(missing.get("errors").is_none());
    let both = app.graphql("{ article(id: \"1\", slug: \"x\") { slug } }", json!({}), None).await;
    assert_eq!(error_code(&both), "BAD_USER_INPUT");
}

async fn section_front_pages_to_the_end(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;
    for i in 0..25 {
        app.article(
            &write,
            json!({"headline": format!("World {i}"), "status": "published",
            "published_at": format!("2022-01-{:02}T00:00:00Z", i / 2 + 1), "section": "world",
            "bylines": [{"author": "ann-lee"}], "tags": ["syria"]}),
        )
        .await;
    }
    app.article(
        &write,
        json!({"headline": "Local", "status": "published", "published_at": "2022-01-01T00:00:00Z", "section": "local"}),
    )
    .await;

    let front = "query($after: String) { section(slug: \"world\") { name articles(first: 10, after: $after) {
        edges { cursor node { id slug bylines { author { name } } tags { slug } } }
        nodes { slug } pageInfo { hasNextPage endCursor } } } }";
    let (mut seen, mut after, mut pages) = (Vec::<String>::new(), Value::Null, 0);
    loop {
        let body = app.graphql(front, json!({"after": after}), None).await;
        let connection = &body["data"]["section"]["articles"];
        let edges = connection["edges"].as_array().unwrap_or_else(|| panic!("{body}"));
        let nodes: Vec<&Value> = connection["nodes"].as_array().unwrap().iter().collect();
        assert_eq!(edges.len(), nodes.len());
        seen.extend(edges.iter().map(|e| e["node"]["slug"].as_str().unwrap().to_owned()));
        pages += 1;
        assert_eq!(connection["pageInfo"]["endCursor"], edges.last().unwrap()["cursor"]);
        if connection["pageInfo"]["hasNextPage"] == json!(false) {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(pages, 3);
    let rest: Vec<String> = {
        let mut all = Vec::new();
        let mut path = "/v1/sections/world/articles?limit=100".to_owned();
        let body = app.get(&path, None).await.json();
        all.extend(body["data"].as_array().unwrap().iter().map(|a| a["slug"].as_str().unwrap().to_owned()));
        path.clear();
        all
    };
    assert_eq!(seen, rest, "same order as REST, no repeats, no gaps");

    // A REST cursor works as `after`, and a GraphQL cursor as REST's `cursor`.
    let rest_page = app.get("/v1/articles?section=world&limit=10", None).await.json();
    let rest_cursor = rest_page["next_cursor"].as_str().unwrap();
    let query = "query($after: String) { articles(filter: {section: \"world\"}, first: 10, after: $after) { nodes { slug } pageInfo { endCursor } } }";
    let graph_page = app.graphql(query, json!({"after": rest_cursor}), None).await;
    let rest_next = app.get(&format!("/v1/articles?section=world&limit=10&cursor={rest_cursor}"), None).await.json();
    let graph_slugs: Vec<&str> = graph_page["data"]["articles"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["slug"].as_str().unwrap())
        .collect();
    let rest_slugs: Vec<&str> =
        rest_next["data"].as_array().unwrap().iter().map(|n| n["slug"].as_str().unwrap()).collect();
    assert_eq!(graph_slugs, rest_slugs);
    let graph_cursor = graph_page["data"]["articles"]["pageInfo"]["endCursor"].as_str().unwrap();
    assert_eq!(graph_cursor, rest_next["next_cursor"].as_str().unwrap());

    let too_big = app.graphql("{ articles(first: 101) { nodes { slug } } }", json!({}), None).await;
    assert_eq!(error_code(&too_big), "BAD_USER_INPUT");
    let bad_cursor = app.graphql("{ articles(after: \"zzz\") { nodes { slug } } }", json!({}), None).await;
    assert_eq!(error_code(&bad_cursor), "BAD_USER_INPUT");
}

async fn mutations_need_a_write_key(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let preview = app.key(Scope::Preview).await;
    let create = "mutation($input: ArticleInput!) { createArticle(input: $input) { id slug status headline bylines { role author { slug } } } }";
    let input = json!({"input": {"headline": "From GraphQL"}});

    assert_eq!(error_code(&app.graphql(create, input.clone(), None).await), "UNAUTHENTICATED");
    assert_eq!(error_code(&app.graphql(create, input.clone(), Some(&preview)).await), "FORBIDDEN");
    assert_eq!(error_code(&app.graphql(create, input.clone(), Some("dl_unknown")).await), "UNAUTHENTICATED");

    let people = "mutation { a: createAuthor(input: {name: \"Ann Lee\"}) { slug } s: createSection(input: {name: \"World\"}) { slug }
                  t: createTag(input: {name: \"Syria\"}) { slug } }";
    let made = app.graphql(people, json!({}), Some(&write)).await;
    assert_eq!(made["data"], json!({"a": {"slug": "ann-lee"}, "s": {"slug": "world"}, "t": {"slug": "syria"}}));

    let full = json!({"input": {"headline": "From GraphQL", "section": "world", "tags": ["syria"],
                                "bylines": [{"author": "ann-lee", "role": "EDITOR"}]}});
    let created = app.graphql(create, full, Some(&write)).await;
    assert!(created.get("errors").is_none(), "{created}");
    let article = &created["data"]["createArticle"];
    assert_eq!(article["slug"], "from-graphql");
    assert_eq!(article["status"], "DRAFT");
    assert_eq!(article["bylines"], json!([{"role": "EDITOR", "author": {"slug": "ann-lee"}}]));

    // The same validation as REST, with the field named.
    let invalid = app.graphql(create, json!({"input": {"headline": " ", "tags": ["nope"]}}), Some(&write)).await;
    assert_eq!(error_code(&invalid), "BAD_USER_INPUT");
    let fields: Vec<&str> = invalid["errors"][0]["extensions"]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["headline", "tags[0]"]);
    let duplicate =
        app.graphql(create, json!({"input": {"headline": "x", "slug": "from-graphql"}}), Some(&write)).await;
    assert_eq!(error_code(&duplicate), "CONFLICT");

    let update = "mutation { updateArticle(ref: \"from-graphql\", input: {summary: \"S\", section: null}) { summary section { slug } version } }";
    let updated = app.graphql(update, json!({}), Some(&write)).await;
    assert_eq!(updated["data"]["updateArticle"], json!({"summary": "S", "section": null, "version": 2}));
    let missing =
        app.graphql("mutation { updateArticle(ref: \"nope\", input: {}) { slug } }", json!({}), Some(&write)).await;
    assert_eq!(error_code(&missing), "NOT_FOUND");

    let publish = app.graphql("mutation { publishArticle(ref: \"from-graphql\", publishedAt: \"2020-05-05T00:00:00Z\") { status publishedAt } }", json!({}), Some(&write)).await;
    assert_eq!(
        publish["data"]["publishArticle"],
        json!({"status": "PUBLISHED", "publishedAt": "2020-05-05T00:00:00Z"})
    );
    assert_eq!(app.get("/v1/articles/from-graphql", None).await.status, 200, "REST sees the GraphQL write");

    app.graphql(create, json!({"input": {"headline": "Other"}}), Some(&write)).await;
    let links = "mutation { setRelatedLinks(ref: \"from-graphql\", links: [{article: \"other\"}, {url: \"https://example.org\", title: \"E\"}]) { __typename } }";
    let linked = app.graphql(links, json!({}), Some(&write)).await;
    assert_eq!(
        linked["data"]["setRelatedLinks"],
        json!([{"__typename": "ArticleLink"}, {"__typename": "ExternalLink"}])
    );
    let self_link = app
        .graphql(
            "mutation { setRelatedLinks(ref: \"other\", links: [{article: \"other\"}]) { __typename } }",
            json!({}),
            Some(&write),
        )
        .await;
    assert_eq!(error_code(&self_link), "BAD_USER_INPUT");
    let half = app
        .graphql(
            "mutation { setRelatedLinks(ref: \"other\", links: [{url: \"https://e.org\"}]) { __typename } }",
            json!({}),
            Some(&write),
        )
        .await;
    assert_eq!(error_code(&half), "BAD_USER_INPUT");

    let unpublished = app
        .graphql("mutation { unpublishArticle(ref: \"from-graphql\") { status publishedAt } }", json!({}), Some(&write))
        .await;
    assert_eq!(unpublished["data"]["unpublishArticle"]["status"], "DRAFT");
    let in_use = app.graphql("mutation { deleteAuthor(ref: \"ann-lee\") }", json!({}), Some(&write)).await;
    assert_eq!(error_code(&in_use), "CONFLICT");
    for mutation in [
        "mutation { deleteArticle(ref: \"from-graphql\") }",
        "mutation { deleteAuthor(ref: \"ann-lee\") }",
        "mutation { updateSection(ref: \"world\", input: {description: \"Abroad\"}) { description } }",
        "mutation { deleteSection(ref: \"world\") }",
        "mutation { updateTag(ref: \"syria\", input: {name: \"Syria war\"}) { name } }",
        "mutation { deleteTag(ref: \"syria\") }",
        "mutation { updateAuthor(ref: \"nobody\", input: {name: \"X\"}) { name } }",
    ] {
        let body = app.graphql(mutation, json!({}), Some(&write)).await;
        if mutation.contains("nobody") {
            assert_eq!(error_code(&body), "NOT_FOUND");
        } else {
            assert!(body.get("errors").is_none(), "{mutation}: {body}");
        }
        let forbidden = app.graphql(mutation, json!({}), Some(&preview)).await;
        assert_eq!(error_code(&forbidden), "FORBIDDEN", "{mutation}");
    }
}

async fn drafts_never_appear_in_the_graph(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let preview = app.key(Scope::Preview).await;
    app.seed_people(&write).await;
    let common = |headline: &str, extra: Value| {
        let mut body =
            json!({"headline": headline, "section": "world", "tags": ["syria"], "bylines": [{"author": "ann-lee"}]});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    app.article(&write, common("Public", json!({"status": "published", "published_at": "2020-01-01T00:00:00Z"}))).await;
    app.article(&write, common("Draft", json!({}))).await;
    app.article(&write, common("Scheduled", json!({"status": "published", "published_at": "2999-01-01T00:00:00Z"})))
        .await;
    app.put("/v1/articles/public/related", Some(&write), &json!([{"article": "draft"}, {"article": "scheduled"}]))
        .await;

    let everything = r#"{
      draft: article(slug: "draft") { slug }
      scheduled: article(slug: "scheduled") { slug }
      articles { nodes { slug } }
      author(slug: "ann-lee") { articles { nodes { slug } } }
      section(slug: "world") { articles { nodes { slug } } }
      tag(slug: "syria") { articles { nodes { slug } } }
      public: article(slug: "public") { related { ... on ArticleLink { article { slug } } } }
    }"#;
    let public = app.graphql(everything, json!({}), None).await;
    assert!(public.get("errors").is_none(), "{public}");
    let only_public = json!({"nodes": [{"slug": "public"}]});
    assert_eq!(public["data"]["draft"], Value::Null);
    assert_eq!(public["data"]["scheduled"], Value::Null);
    assert_eq!(public["data"]["articles"], only_public);
    assert_eq!(public["data"]["author"]["articles"], only_public);
    assert_eq!(public["data"]["section"]["articles"], only_public);
    assert_eq!(public["data"]["tag"]["articles"], only_public);
    assert_eq!(public["data"]["public"]["related"], json!([]));

    let previewed = app.graphql(everything, json!({}), Some(&preview)).await;
    assert_eq!(previewed["data"]["draft"]["slug"], "draft");
    assert_eq!(previewed["data"]["scheduled"]["slug"], "scheduled");
    assert_eq!(previewed["data"]["articles"], only_public, "the default is public even with a key");
    assert_eq!(previewed["data"]["public"]["related"].as_array().unwrap().len(), 2);

    let any = "{ articles(filter: {status: ANY}) { nodes { slug } } }";
    assert_eq!(error_code(&app.graph_ql_plain(any).await), "UNAUTHENTICATED");
    assert_eq!(
        app.graphql(any, json!({}), Some(&preview)).await["data"]["articles"]["nodes"].as_array().unwrap().len(),
        3
    );
}

trait PlainGraphql {
    async fn graph_ql_plain(&self, query: &str) -> Value;
}

impl PlainGraphql for TestApp {
    async fn graph_ql_plain(&self, query: &str) -> Value {
        self.graphql(query, json!({}), None).await
    }
}

const FRONT: &str = r#"query($first: Int!) { articles(first: $first) { nodes {
  id headline section { slug } tags { slug } bylines { role author { name } }
  related { ... on ArticleLink { article { headline section { name } tags { slug } bylines { author { slug } } } } ... on ExternalLink { url } }
} } }"#;

async fn nested_reads_run_a_fixed_number_of_statements(backend: Backend) {
    // What rendering costs: with the cache on, a keyless POST is a hit or
    // also reads the next scheduled publication once after a write.
    let app = TestApp::spawn_uncached(backend).await;
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;
    for i in 0..100 {
        app.article(
            &write,
            json!({"headline": format!("Story {i}"), "slug": format!("story-{i}"), "status": "published",
            "published_at": "2023-01-01T00:00:00Z", "section": "world", "tags": ["syria", "transport"],
            "bylines": [{"author": "ann-lee"}, {"author": "bob-stone", "role": "editor"}]}),
        )
        .await;
    }
    for i in 0..100 {
        let links =
            json!([{"article": format!("story-{}", (i + 1) % 100)}, {"url": "https://example.org", "title": "E"}]);
        app.put(&format!("/v1/articles/story-{i}/related"), Some(&write), &links).await;
    }
    let mut counts = Vec::new();
    for first in [10, 100] {
        let before = app.db.statements_run();
        let body = app.graphql(FRONT, json!({"first": first}), None).await;
        counts.push(app.db.statements_run() - before);
        let nodes = body["data"]["articles"]["nodes"].as_array().unwrap_or_else(|| panic!("{body}"));
        assert_eq!(nodes.len(), first);
        assert_eq!(nodes[0]["related"][0]["article"]["bylines"].as_array().unwrap().len(), 2);
    }
    eprintln!("{backend:?}: statements for 10 and 100 articles: {counts:?}");
    assert_eq!(counts[0], counts[1], "10 and 100 articles cost the same");
    assert!(counts[1] <= 8, "{} statements", counts[1]);
}

async fn abusive_queries_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Depth: related → article → related → … beyond the limit of 10.
    let mut deep = "slug".to_owned();
    for _ in 0..8 {
        deep = format!("related {{ ... on ArticleLink {{ article {{ {deep} }} }} }}");
    }
    let body = app.graphql(&format!("{{ articles {{ nodes {{ {deep} }} }} }}"), json!({}), None).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("nested too deep"), "{body}");

    // Fan-out through aliases: complexity.
    let aliases: String =
        (0..60).map(|i| format!("a{i}: articles(first: 100) {{ nodes {{ slug headline }} }} ")).collect();
    let body = app.graphql(&format!("{{ {aliases} }}"), json!({}), None).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("too complex"), "{body}");

    // A 1 MB query: refused before it is parsed.
    let huge = format!("{{ articles {{ nodes {{ slug }} }} }} #{}", "x".repeat(1_000_000));
    let started = std::time::Instant::now();
    let response = app.post("/graphql", None, &json!({"query": huge})).await;
    assert_eq!(response.status, 200);
    assert!(response.json()["errors"][0]["message"].as_str().unwrap().contains("longer than"));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));

    // Transport errors are GraphQL errors too.
    let not_json =
        app.request(Method::POST, "/graphql", None, &[("Content-Type", "application/json")], Some(b"{".to_vec())).await;
    assert_eq!(not_json.status, 200);
    assert_eq!(error_code(&not_json.json()), "BAD_USER_INPUT");
    let syntax = app.graphql("{ articles { nodes { slug }", json!({}), None).await;
    assert!(syntax["errors"].is_array());
}

/// Documents that made the parser overflow its stack or the validator
/// expand fragments exponentially: refused with BAD_USER_INPUT, quickly, and
/// the server keeps answering.
async fn hostile_documents_are_refused_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let started = std::time::Instant::now();

    let n = 30;
    let mut fan_out = format!("{{...F{n}}}\nfragment F0 on QueryRoot{{__typename}}\n");
    for i in 1..=n {
        fan_out.push_str(&format!("fragment F{i} on QueryRoot{{...F{} ...F{}}}\n", i - 1, i - 1));
    }
    let body = app.graphql(&fan_out, json!({}), None).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("fragments are expanded"), "{body}");

    let nested = format!("{{articles(filter:{{tags:{}{}}}){{nodes{{id}}}}}}", "[".repeat(3000), "]".repeat(3000));
    let body = app.graphql(&nested, json!({}), None).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    let encoded: String = url::form_urlencoded::byte_serialize(nested.as_bytes()).collect();
    let response = app.get(&format!("/graphql?query={encoded}"), None).await;
    assert_eq!(response.status, 200);
    assert_eq!(error_code(&response.json()), "BAD_USER_INPUT");

    // Deeply nested variables: serde_json's own limit refuses them.
    let deep_variable =
        format!("{{\"query\":\"{{__typename}}\",\"variables\":{{\"v\":{}{}}}}}", "[".repeat(5000), "]".repeat(5000));
    let response = app
        .request(
            Method::POST,
            "/graphql",
            None,
            &[("Content-Type", "application/json")],
            Some(deep_variable.into_bytes()),
        )
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(error_code(&response.json()), "BAD_USER_INPUT");

    // Introspection amplification: each `__schema` answers with the whole schema.
    let aliases: String = (0..437).map(|i| format!("a{i}: __schema {{ types {{ name }} }} ")).collect();
    let body = app.graphql(&format!("{{ {aliases} }}"), json!({}), None).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    let one = app.graphql("{ __schema { types { name } } }", json!({}), None).await;
    assert!(one["errors"].is_null(), "{one}");

    assert!(started.elapsed() < std::time::Duration::from_secs(10), "{:?}", started.elapsed());
    let body = app.graphql("{ articles { nodes { slug } } }", json!({}), None).await;
    assert!(body["errors"].is_null(), "the server still answers: {body}");
}

/// A mutation registered as a persisted query by POST is refused when its
/// hash alone is sent with GET, even with a write key, and changes nothing.
async fn persisted_mutations_never_run_over_get(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let mutation = r#"mutation { createTag(input: {name: "Over GET"}) { slug } }"#;
    let extensions = json!({"persistedQuery": {"version": 1, "sha256Hash": hex::encode(Sha256::digest(mutation))}});
    let registered = app.post("/graphql", Some(&write), &json!({"query": mutation, "extensions": extensions})).await;
    assert!(registered.json()["errors"].is_null(), "{}", String::from_utf8_lossy(&registered.body));
    let encoded: String = url::form_urlencoded::byte_serialize(extensions.to_string().as_bytes()).collect();
    let over_get = app.get(&format!("/graphql?extensions={encoded}"), Some(&write)).await;
    assert_eq!(over_get.status, 200);
    let body = over_get.json();
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("POST"), "{body}");
    let tags = app.get("/v1/tags", None).await.json();
    assert_eq!(tags["data"].as_array().unwrap().len(), 1, "only the POST created a tag: {tags}");
}

async fn persisted_queries_and_get_caching(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    app.article(&write, json!({"headline": "Cached", "status": "published", "published_at": "2020-01-01T00:00:00Z"}))
        .await;
    let query = "{ articles { nodes { slug } } }";
    let hash = hex::encode(Sha256::digest(query.as_bytes()));
    let extensions = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}}).to_string();
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();

    let unknown = app.get(&format!("/graphql?extensions={}", encode(&extensions)), None).await;
    assert_eq!(unknown.status, 200);
    assert_eq!(unknown.json()["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(unknown.header("cache-control").as_deref(), Some("no-store"), "errors are not cached");

    let registered = app
        .post(
            "/graphql",
            None,
            &json!({"query": query, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": hash}}}),
        )
        .await;
    assert_eq!(registered.json()["data"]["articles"]["nodes"], json!([{"slug": "cached"}]));

    let by_hash = app.get(&format!("/graphql?extensions={}", encode(&extensions)), None).await;
    assert_eq!(by_hash.json()["data"]["articles"]["nodes"], json!([{"slug": "cached"}]));
    let etag = by_hash.header("etag").expect("GET queries have an ETag");
    assert_eq!(by_hash.header("cache-control").as_deref(), Some("public, max-age=60"));
    let again = app
        .request(
            Method::GET,
            &format!("/graphql?extensions={}", encode(&extensions)),
            None,
            &[("If-None-Match", &etag)],
            None,
        )
        .await;
    assert_eq!(again.status, 304);

    let plain = app.get(&format!("/graphql?query={}", encode(query)), Some(&write)).await;
    assert_eq!(plain.json()["data"]["articles"]["nodes"], json!([{"slug": "cached"}]));
    assert_eq!(plain.header("cache-control").as_deref(), Some("private, no-store"));

    let mutation = app
        .get(&format!("/graphql?query={}", encode("mutation { deleteArticle(ref: \"cached\") }")), Some(&write))
        .await;
    assert_eq!(error_code(&mutation.json()), "BAD_USER_INPUT");
    assert_eq!(app.get("/v1/articles/cached", None).await.status, 200, "GET never mutates");
}

#[test]
fn schema_graphql_is_current() {
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap_or_default();
    assert!(
        committed == dateline::graphql::sdl(),
        "schema.graphql is stale: run `cargo run -q -- graphql-schema > schema.graphql` and commit it"
    );
}

#[actix_web::test]
async fn every_type_and_field_is_described_and_graphiql_is_offline() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let introspection = "{ __schema { types { name kind description fields { name description } inputFields { name description } enumValues { name description } } } }";
    let body = app.graphql(introspection, json!({}), None).await;
    let builtin = ["String", "Int", "Boolean", "ID", "Float", "DateTime"];
    for t in body["data"]["__schema"]["types"].as_array().unwrap() {
        let name = t["name"].as_str().unwrap();
        if name.starts_with("__") || builtin.contains(&name) {
            continue;
        }
        assert!(t["description"].as_str().is_some_and(|d| !d.is_empty()), "type {name} has no description");
        for list in ["fields", "inputFields", "enumValues"] {
            for field in t[list].as_array().into_iter().flatten() {
                assert!(
                    field["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{name}.{} has no description",
                    field["name"]
                );
            }
        }
    }

    // The introspection query GraphiQL and codegen tools send (about 13 levels deep) works.
    let full = app.graphql(INTROSPECTION_QUERY, json!({}), None).await;
    assert!(full.get("errors").is_none(), "{full}");
    assert_eq!(full["data"]["__schema"]["queryType"]["name"], "QueryRoot");
    // But a content query that deep is still refused.
    let deep = "{ articles { nodes { related { ... on ArticleLink { article { related { ... on ArticleLink { article { related { ... on ArticleLink { article { related { ... on ArticleLink { article { slug } } } } } } } } } } } } } }";
    assert!(app.graphql(deep, json!({}), None).await["errors"].is_array());

    let page = app.request(Method::GET, "/graphql", None, &[("Accept", "text/html")], None).await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8_lossy(&page.body).into_owned();
    assert!(!html.contains("http://") && !html.contains("https://"), "no asset leaves the machine: {html}");
    for asset in ["graphiql.js", "graphiql.css", "react.js", "react-dom.js", "init.js"] {
        assert!(html.contains(&format!("/graphql/assets/{asset}")));
        let response = app.get(&format!("/graphql/assets/{asset}"), None).await;
        assert_eq!(response.status, 200, "{asset}");
        assert!(response.body.len() > 100);
    }
}

async fn every_mutation_checks_the_scope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let preview = app.key(Scope::Preview).await;
    let admin = app.key(Scope::Admin).await;
    let mutations = [
        "createArticle(input: {headline: \"A\"}) { slug }",
        "updateArticle(ref: \"a\", input: {headline: \"B\"}) { slug }",
        "publishArticle(ref: \"a\") { slug }",
        "unpublishArticle(ref: \"a\") { slug }",
        "setRelatedLinks(ref: \"a\", links: []) { __typename }",
        "deleteArticle(ref: \"a\")",
        "createAuthor(input: {name: \"A\"}) { slug }",
        "updateAuthor(ref: \"a\", input: {name: \"B\"}) { slug }",
        "deleteAuthor(ref: \"a\")",
        "createSection(input: {name: \"A\"}) { slug }",
        "updateSection(ref: \"a\", input: {name: \"B\"}) { slug }",
        "deleteSection(ref: \"a\")",
        "createTag(input: {name: \"A\"}) { slug }",
        "updateTag(ref: \"a\", input: {name: \"B\"}) { slug }",
        "deleteTag(ref: \"a\")",
    ];
    for mutation in mutations {
        let query = format!("mutation {{ {mutation} }}");
        assert_eq!(error_code(&app.graphql(&query, json!({}), None).await), "UNAUTHENTICATED", "{mutation}");
        assert_eq!(error_code(&app.graphql(&query, json!({}), Some(&preview)).await), "FORBIDDEN", "{mutation}");
        let done = app.graphql(&query, json!({}), Some(&admin)).await;
        assert!(done.get("errors").is_none(), "{mutation}: {done}");
    }
    // Nothing the refused calls tried is left behind; the admin's work is.
    let articles = app.get("/v1/articles?status=any", Some(&admin)).await.json();
    assert_eq!(articles["data"], json!([]));
}

#[actix_web::test]
async fn introspection_can_be_turned_off() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| s.graphql_introspection = false).await;
    let body = app.graphql("{ __schema { types { name } } }", json!({}), None).await;
    assert_eq!(body["data"]["__schema"], Value::Null, "the schema is not revealed: {body}");
    let ok = app.graphql("{ articles { nodes { slug } } }", json!({}), None).await;
    assert!(ok.get("errors").is_none());
}

/// graphql-js's `getIntrospectionQuery()`, as GraphiQL sends it.
const INTROSPECTION_QUERY: &str = r#"query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }
}"#;
