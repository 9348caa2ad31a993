//! One rulebook: the same invalid article, author, section or tag is refused
//! with the same field errors whichever door it comes in by (REST, GraphQL,
//! NDJSON import, plain-text import), and nothing is written.

use dateline::domain::Scope;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::helpers::{Backend, TestApp};
use crate::ingest::pipe;

backend_tests!(every_door_refuses_the_same_article_the_same_way, every_door_refuses_the_same_people_the_same_way);

/// `field: message` of each field error of a REST problem, in order.
fn rest_errors(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}: {}", e["field"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect()
}

/// The same from a GraphQL error's extensions.
fn graphql_errors(body: &Value) -> Vec<String> {
    rest_errors(&body["errors"][0]["extensions"])
}

/// The same from the import report's `skipped:` line.
fn import_errors(stderr: &str) -> Vec<String> {
    let line = stderr.lines().find(|l| l.contains("skipped: ")).unwrap_or_else(|| panic!("no skipped line: {stderr}"));
    line.split_once("skipped: ").unwrap().1.split("; ").map(str::to_owned).collect()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn every_door_refuses_the_same_article_the_same_way(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let headline = "H".repeat(301);
    let article = json!({
        "headline": headline, "summary": "s".repeat(2001), "dateline": "d".repeat(301),
        "canonical_url": "ftp://example.com/x", "language": "english!", "status": "published",
        "published_at": "2020-01-01T00:00:00Z", "tags": ["no-such-tag"],
        "bylines": [{"author": "nobody", "role": "author"}],
    });
    let expected = [
        "headline: must be at most 300 characters",
        "summary: must be at most 2000 characters",
        "dateline: must be at most 300 characters",
        "canonical_url: must be an absolute http or https URL",
        "language: must be a BCP 47 language tag such as `en` or `pt-BR`",
        "tags[0]: no tag `no-such-tag`",
        "bylines[0].author: no author `nobody`",
    ];

    let rest = rest_errors(&app.post("/v1/articles", Some(&write), &article).await.problem(422));
    assert_eq!(rest, expected);

    let mutation = "mutation($input: ArticleInput!) { createArticle(input: $input) { id } }";
    let input = json!({
        "headline": article["headline"], "summary": article["summary"], "dateline": article["dateline"],
        "canonicalUrl": article["canonical_url"], "language": article["language"], "status": "PUBLISHED",
        "publishedAt": article["published_at"], "tags": article["tags"],
        "bylines": [{"author": "nobody", "role": "AUTHOR"}],
    });
    let graphql = graphql_errors(&app.graphql(mutation, json!({"input": input}), Some(&write)).await);
    assert_eq!(graphql, expected);

    let mut record = article.clone();
    let at = "2020-01-01T00:00:00Z";
    for (field, value) in [
        ("type", json!("article")),
        ("slug", json!("a-story")),
        ("body", json!("Words.")),
        ("created_at", json!(at)),
        ("updated_at", json!(at)),
        ("section", Value::Null),
        ("version", json!(1)),
        ("related", json!([])),
    ] {
        record[field] = value;
    }
    let output = pipe(&app.database_url(), &["import", "-"], &format!("{record}\n"));
    assert!(!output.status.success());
    assert_eq!(import_errors(&stderr(&output)), expected);

    // A record may not be published without a date (REST and GraphQL give
    // it the time of the write; a record must carry its own).
    let mut undated = record.clone();
    for (field, value) in [
        ("headline", json!("Fine")),
        ("summary", Value::Null),
        ("dateline", Value::Null),
        ("canonical_url", Value::Null),
        ("language", json!("en")),
        ("tags", json!([])),
        ("bylines", json!([])),
        ("published_at", Value::Null),
    ] {
        undated[field] = value;
    }
    let output = pipe(&app.database_url(), &["import", "-"], &format!("{undated}\n"));
    assert_eq!(import_errors(&stderr(&output)), ["published_at: is required when the status is `published`"]);

    // Plain text carries a headline and bylines: the same rule for the headline.
    let dir = tempfile::tempdir().unwrap();
    let story = dir.path().join("long.txt");
    std::fs::write(&story, format!("{headline}\n\nBy Ann Lee\nMonday, March 4, 2019\n\nWords here.\n")).unwrap();
    let output = crate::cli::dateline(&app.database_url(), &["import", story.to_str().unwrap()]);
    assert_eq!(import_errors(&stderr(&output)), ["headline: must be at most 300 characters"]);

    let all = app.get("/v1/articles?status=any", Some(&write)).await.json();
    assert_eq!(all["data"], json!([]), "nothing was written");
}

async fn every_door_refuses_the_same_people_the_same_way(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let write = app.key(Scope::Write).await;
    let at = "2020-01-01T00:00:00Z";
    let cases = [
        (
            "/v1/authors",
            json!({"slug": "ann", "name": " ", "bio": "b".repeat(2001), "avatar_url": "not a url"}),
            json!({"type": "author", "created_at": at, "updated_at": at}),
            vec![
                "name: must not be empty",
                "bio: must be at most 2000 characters",
                "avatar_url: must be an absolute http or https URL",
            ],
        ),
        (
            "/v1/sections",
            json!({"slug": "world", "name": "n".repeat(301), "description": "d".repeat(2001)}),
            json!({"type": "section"}),
            vec!["name: must be at most 300 characters", "description: must be at most 2000 characters"],
        ),
        ("/v1/tags", json!({"slug": "Not A Slug", "name": "Tag"}), json!({"type": "tag"}), vec![]),
    ];
    for (path, body, extra, expected) in cases {
        let rest = rest_errors(&app.post(path, Some(&write), &body).await.problem(422));
        if !expected.is_empty() {
            assert_eq!(rest, expected, "{path}");
        }
        let mut record = body.clone();
        for (field, value) in extra.as_object().unwrap() {
            record[field] = value.clone();
        }
        let output = pipe(&app.database_url(), &["import", "-"], &format!("{record}\n"));
        assert_eq!(import_errors(&stderr(&output)), rest, "{path}");
    }
    for path in ["/v1/authors", "/v1/sections", "/v1/tags"] {
        assert_eq!(app.get(path, None).await.json()["data"], json!([]), "nothing was written to {path}");
    }
}
