//! `import` and `export` through the real binary on both backends: stories
//! as they come, NDJSON roundtrips, idempotence, bad input changing nothing.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use dateline::domain::Scope;
use serde_json::{json, Value};

use crate::backend_tests;
use crate::cli::{dateline, stdout};
use crate::helpers::{Backend, TestApp, TestDatabase};

backend_tests!(
    stories_import_with_report_and_reimport_changes_nothing,
    export_import_export_is_byte_identical,
    bad_records_are_skipped_and_leave_nothing,
    large_imports_span_batches_in_order,
    writers_queue_instead_of_failing,
    a_rerun_after_an_interrupted_import_writes_the_missing_links,
);

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn last_line(text: &str) -> &str {
    text.trim_end().lines().rfind(|l| !l.starts_with("dateline: ")).unwrap_or_default()
}

/// The exported articles, by slug.
pub fn articles(url: &str) -> Vec<Value> {
    stdout(&dateline(url, &["export"]))
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|r| r["type"] == "article")
        .collect()
}

fn article<'a>(all: &'a [Value], slug: &str) -> &'a Value {
    all.iter().find(|a| a["slug"] == slug).unwrap_or_else(|| panic!("no article {slug}"))
}

async fn stories_import_with_report_and_reimport_changes_nothing(backend: Backend) {
    let database = TestDatabase::create(backend);
    let url = database.url.as_str();
    let stories = format!("{FIXTURES}/stories");
    let bad = format!("{FIXTURES}/bad");

    let output = dateline(url, &["import", &stories, &bad]);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "skipped files make the exit non-zero: {report}");
    assert_eq!(last_line(&report), "imported 9, unchanged 0, skipped 5", "{report}");
    for (file, reason) in [
        ("bad/empty.txt", "the file is empty"),
        ("bad/blank.txt", "the file is empty"),
        ("bad/image.txt", "binary or not UTF-8"),
        ("bad/latin1.txt", "binary or not UTF-8"),
        ("bad/sample-broken-story.txt", "no date line"),
    ] {
        assert!(
            report.lines().any(|l| l.contains(file) && l.contains("skipped") && l.contains(reason)),
            "{file}: {report}"
        );
    }
    assert!(report.contains("sample-wire-story.txt: dropped promo: \"Local bakery wins national bread award"));
    assert!(report.contains("sample-wire-story.txt: dropped page furniture: \"Other reports by\""));
    assert!(report.contains("crlf-bom-bylines.txt: dropped page furniture: \"Share this article\""));
    assert!(report.contains("promo-and-heading.txt: dropped promo: \"Celebrity chef opens seaside restaurant"));

    let all = articles(url);
    assert_eq!(all.len(), 9);
    for slug in [
        "council-passes-budget",
        "council-passes-second-budget",
        "council-passes-third-budget",
        "council-passes-fourth-budget",
    ] {
        assert_eq!(article(&all, slug)["published_at"], "2018-02-12T00:00:00Z", "{slug}");
        assert_eq!(article(&all, slug)["bylines"], json!([{"author": "ann-lee", "role": "author"}]));
        assert_eq!(article(&all, slug)["status"], "published");
    }
    assert_eq!(article(&all, "council-passes-late-budget")["published_at"], "2018-02-12T20:30:00Z");

    let storm = article(&all, "storm-closes-mountain-pass");
    assert_eq!(storm["published_at"], "2019-03-04T00:00:00Z");
    let authors: Vec<&str> =
        storm["bylines"].as_array().unwrap().iter().map(|b| b["author"].as_str().unwrap()).collect();
    assert_eq!(authors, vec!["bob-stone", "cy-twombly", "dee-park"]);
    assert_eq!(
        storm["body"],
        "Snow closed the mountain pass on Monday. Drivers were told to wait.\n\nThe pass reopened in the evening."
    );

    let fire = article(&all, "wildfire-threatens-hill-villages");
    let body = fire["body"].as_str().unwrap();
    assert!(body.contains("\n\n## What happens to the villages now?\n\n"), "{body}");
    assert!(!body.contains("chef") && !body.contains("lobster"), "{body}");

    let ferry = article(&all, "harbour-authority-approves-night-ferry-trial-after-months-of-delays");
    let body = ferry["body"].as_str().unwrap();
    assert!(body.contains("## Why did the plan take so long?"));
    assert!(!body.contains("bakery") && !body.contains("Discuss") && !body.contains("Other reports"));
    assert!(body.ends_with("crews had been consulted on the new rosters."));

    // The same files again: nothing changes, and unchanged is not skipped.
    let before = stdout(&dateline(url, &["export"]));
    let again = dateline(url, &["import", "--quiet", &stories]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(stderr(&again).trim(), "imported 0, unchanged 9, skipped 0");
    assert_eq!(stdout(&dateline(url, &["export"])), before);

    // --update rewrites them; --draft imports drafts.
    let updated = dateline(url, &["import", "--quiet", "--update", "--draft", &format!("{stories}/dates")]);
    assert_eq!(stderr(&updated).trim(), "imported 5, unchanged 0, skipped 0");
    assert_eq!(article(&articles(url), "council-passes-budget")["status"], "draft");
}

/// A newsroom with every kind of content, made over the API.
async fn seed_newsroom(app: &TestApp) {
    let write = app.key(Scope::Write).await;
    app.seed_people(&write).await;
    app.article(&write, json!({"headline": "Old news", "status": "published", "published_at": "2019-05-05T05:05:05.123456Z",
        "summary": "Said before", "dateline": "LYON", "language": "fr", "canonical_url": "https://example.org/old",
        "section": "world", "tags": ["syria", "transport"], "bylines": [{"author": "bob-stone", "role": "editor"}, {"author": "ann-lee"}]}))
        .await;
    app.article(&write, json!({"headline": "Draft news", "body": "Not *yet*.", "tags": ["syria"]})).await;
    app.article(
        &write,
        json!({"headline": "Future news", "status": "published", "published_at": "2999-01-01T00:00:00Z"}),
    )
    .await;
    app.put(
        "/v1/articles/old-news/related",
        Some(&write),
        &json!([{"article": "future-news"}, {"url": "https://example.org/x", "title": "X"}, {"article": "draft-news"}]),
    )
    .await;
    app.patch("/v1/articles/draft-news", Some(&write), &json!({"summary": "edited"})).await;
}

async fn export_import_export_is_byte_identical(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    seed_newsroom(&app).await;
    let source = app.database_url();
    let first = stdout(&dateline(&source, &["export"]));
    assert_eq!(first.lines().count(), 2 + 2 + 2 + 3, "authors, sections, tags, articles");
    assert!(first.contains("2019-05-05T05:05:05.123456Z"), "microseconds survive");

    // Into an empty store of each kind (the migration path between backends).
    let mut targets = vec![TestDatabase::create(Backend::Sqlite)];
    if backend == Backend::Postgres {
        targets.push(TestDatabase::create(Backend::Postgres));
    }
    for target in &targets {
        let imported = pipe(&target.url, &["import", "-"], &first);
        assert!(imported.status.success(), "{}", stderr(&imported));
        assert_eq!(last_line(&stderr(&imported)), "imported 9, unchanged 0, skipped 0");
        let second = stdout(&dateline(&target.url, &["export"]));
        assert_eq!(second, first, "export → import → export is byte-identical ({})", target.url);

        // The same dump again changes nothing; --update rewrites every record with the same values.
        let again = pipe(&target.url, &["import", "-"], &first);
        assert!(again.status.success());
        assert_eq!(last_line(&stderr(&again)), "imported 0, unchanged 9, skipped 0");
        let updated = pipe(&target.url, &["import", "--update", "-"], &first);
        assert_eq!(last_line(&stderr(&updated)), "imported 9, unchanged 0, skipped 0");
        assert_eq!(stdout(&dateline(&target.url, &["export"])), first);

        let file = tempfile::NamedTempFile::new().unwrap();
        let written = dateline(&target.url, &["export", "--output", file.path().to_str().unwrap()]);
        assert!(written.status.success());
        assert_eq!(std::fs::read_to_string(file.path()).unwrap(), first);
    }
}

pub fn pipe(url: &str, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("DATELINE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

async fn bad_records_are_skipped_and_leave_nothing(backend: Backend) {
    let database = TestDatabase::create(backend);
    let url = database.url.as_str();
    let at = "\"created_at\":\"2020-01-01T00:00:00Z\",\"updated_at\":\"2020-01-01T00:00:00Z\"";
    let article = |slug: &str, extra: &str| {
        format!(
            "{{\"type\":\"article\",\"slug\":\"{slug}\",\"headline\":\"H {slug}\",\"summary\":null,\"body\":\"b\",\"status\":\"published\",\
             \"published_at\":\"2020-01-01T00:00:00Z\",{at},\"dateline\":null,\"section\":null,\"language\":\"en\",\
             \"canonical_url\":null,\"version\":1,{extra}\"related\":[]}}"
        )
    };
    let lines = [
        "{\"type\":\"tag\",\"slug\":\"ok-tag\",\"name\":\"Ok\"}".to_owned(),
        article("good", "\"tags\":[\"ok-tag\"],\"bylines\":[],"),
        "{not json".to_owned(),
        "{\"type\":\"podcast\",\"slug\":\"x\"}".to_owned(),
        article("unknown-tag", "\"tags\":[\"ok-tag\",\"missing\"],\"bylines\":[],"),
        article("Bad Slug", "\"tags\":[],\"bylines\":[],"),
        article("no-author", "\"tags\":[],\"bylines\":[{\"author\":\"ghost\",\"role\":\"author\"}],"),
        String::new(),
        article("also-good", "\"tags\":[],\"bylines\":[],"),
    ];
    let input = lines.join("\n") + "\n";
    let output = pipe(url, &["import", "-"], &input);
    let report = stderr(&output);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(last_line(&report), "imported 3, unchanged 0, skipped 5", "{report}");
    for (line, words) in
        [(3, "skipped"), (4, "podcast"), (5, "no tag `missing`"), (6, "slug"), (7, "no author `ghost`")]
    {
        assert!(
            report.lines().any(|l| l.starts_with(&format!("-:{line}: skipped")) && l.contains(words)),
            "line {line}: {report}"
        );
    }
    let slugs: Vec<String> = articles(url).iter().map(|a| a["slug"].as_str().unwrap().to_owned()).collect();
    let mut sorted = slugs.clone();
    sorted.sort();
    assert_eq!(sorted, vec!["also-good", "good"]);
    assert_eq!(slugs.len(), 2, "the failed article left no row, no tag link behind: {slugs:?}");
    let exported = stdout(&dateline(url, &["export"]));
    assert!(!exported.contains("unknown-tag"));

    // A path that does not exist is reported and skipped.
    let missing = dateline(url, &["import", "/nonexistent/file.txt"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("/nonexistent/file.txt: skipped"));
}

/// More records than one batch: later batches use authors made by earlier
/// ones, and related links point across batches.
async fn large_imports_span_batches_in_order(backend: Backend) {
    let database = TestDatabase::create(backend);
    let url = database.url.as_str();
    let mut lines = Vec::new();
    for i in 0..2500 {
        let at = format!("2020-01-01T00:{:02}:{:02}Z", i / 60 % 60, i % 60);
        if i % 1000 == 999 {
            // An author defined mid-stream, used by the next batch.
            lines.push(
                json!({"type": "author", "slug": format!("late-{i}"), "name": "Late", "bio": null,
                "avatar_url": null, "created_at": at, "updated_at": at})
                .to_string(),
            );
        }
        let bylines = if i > 1000 { json!([{"author": "late-999", "role": "author"}]) } else { json!([]) };
        let related = if i > 0 { json!([{"article": format!("s-{}", (i * 7919) % 2500)}]) } else { json!([]) };
        lines.push(
            json!({"type": "article", "slug": format!("s-{i}"), "headline": format!("Story {i}"), "summary": null,
            "body": "Words here.", "status": "published", "published_at": at, "created_at": at, "updated_at": at,
            "dateline": null, "section": null, "language": "en", "canonical_url": null, "version": 1,
            "tags": [], "bylines": bylines, "related": related})
            .to_string(),
        );
    }
    let input = lines.join("\n") + "\n";
    let output = pipe(url, &["import", "-"], &input);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).lines().any(|l| l == "imported 2502, unchanged 0, skipped 0"), "{}", stderr(&output));
    let all = articles(url);
    assert_eq!(all.len(), 2500);
    assert_eq!(article(&all, "s-2000")["bylines"], json!([{"author": "late-999", "role": "author"}]));
    let linked = article(&all, "s-1");
    assert_eq!(linked["related"], json!([{"article": format!("s-{}", 7919 % 2500)}]));
    let self_linked = all.iter().filter(|a| a["related"].as_array().is_some_and(|r| r.is_empty())).count();
    assert!(self_linked <= 2, "only s-0 (and a self-link, if any) have no link");
    if backend == Backend::Sqlite {
        full_text_index_is_whole_and_merging_as_before(url);
    }
}

/// SQLite: a bulk import pauses the full-text index's merging inside each
/// batch; what it committed must still be the migration's settings, and the
/// index must hold exactly the stored articles.
pub fn full_text_index_is_whole_and_merging_as_before(url: &str) {
    use diesel::{Connection, RunQueryDsl, SqliteConnection};
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        k: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        v: i64,
    }
    let mut conn = SqliteConnection::establish(url.trim_start_matches("sqlite://")).unwrap();
    let settings: Vec<Setting> =
        diesel::sql_query("SELECT k, v FROM articles_fts_config WHERE k IN ('automerge', 'crisismerge') ORDER BY k")
            .load(&mut conn)
            .unwrap();
    let settings: Vec<(String, i64)> = settings.into_iter().map(|s| (s.k, s.v)).collect();
    assert_eq!(settings, [("automerge".to_owned(), 8), ("crisismerge".to_owned(), 16)]);
    // Compares the index with the articles' text: an error if they differ.
    diesel::sql_query("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")
        .execute(&mut conn)
        .unwrap();
}

/// Editors saving at the same moment, and an editor saving while an import
/// runs, all succeed: a writer waits for another, it never fails because
/// one exists (SQLite answered a third of such saves with a 503, and an
/// import aborted when an editor saved during it).
async fn writers_queue_instead_of_failing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let key = app.key(Scope::Write).await;
    let bodies: Vec<Value> = (0..24).map(|i| json!({"headline": format!("Concurrent {i}")})).collect();
    let saves = bodies.iter().map(|body| app.post("/v1/articles", Some(&key), body));
    for response in futures_util::future::join_all(saves).await {
        assert_eq!(response.status, 201, "{}", String::from_utf8_lossy(&response.body));
    }

    let at = "2020-01-01T00:00:00Z";
    let input: String = (0..3000)
        .map(|i| {
            json!({"type": "article", "slug": format!("imported-{i}"), "headline": format!("Imported {i}"),
            "summary": null, "body": "Words here.", "status": "published", "published_at": at, "created_at": at,
            "updated_at": at, "dateline": null, "section": null, "language": "en", "canonical_url": null,
            "version": 1, "tags": [], "bylines": [], "related": []})
            .to_string()
                + "\n"
        })
        .collect();
    let url = app.database_url();
    let import = std::thread::spawn(move || pipe(&url, &["import", "-"], &input));
    let mut saved = 0;
    while !import.is_finished() {
        let response =
            app.post("/v1/articles", Some(&key), &json!({"headline": format!("During the import {saved}")})).await;
        assert_eq!(response.status, 201, "{}", String::from_utf8_lossy(&response.body));
        saved += 1;
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let output = import.join().expect("import thread");
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(last_line(&stderr(&output)), "imported 3000, unchanged 0, skipped 0");
    assert!(saved > 0, "an editor saved during the import");
    let count = app.get("/v1/articles?limit=1", None).await;
    assert_eq!(count.status, 200);
}

/// An import killed before its related links were written (they go last)
/// leaves articles without links; running it again must reach the state of
/// a clean import, although every article is "unchanged". Links an editor
/// set meanwhile are left alone.
async fn a_rerun_after_an_interrupted_import_writes_the_missing_links(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let url = app.database_url();
    let at = "2020-01-01T00:00:00Z";
    let records: Vec<Value> = (0..1500)
        .map(|i| {
            let related = if i % 3 == 0 { json!([]) } else { json!([{"article": format!("l-{}", (i * 7) % 1500)}]) };
            json!({"type": "article", "slug": format!("l-{i}"), "headline": format!("Linked {i}"), "summary": null,
            "body": "Words.", "status": "published", "published_at": at, "created_at": at, "updated_at": at,
            "dateline": null, "section": null, "language": "en", "canonical_url": null, "version": 1,
            "tags": [], "bylines": [], "related": related})
        })
        .collect();
    let file = |records: &[Value]| records.iter().map(|r| r.to_string() + "\n").collect::<String>();
    // The state an interrupted import leaves: every article, no link.
    let without_links: Vec<Value> = records
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r["related"] = json!([]);
            r
        })
        .collect();
    assert!(pipe(&url, &["import", "-"], &file(&without_links)).status.success());

    let write = app.key(Scope::Write).await;
    let edited = app.put("/v1/articles/l-1/related", Some(&write), &json!([{"article": "l-2"}])).await;
    assert_eq!(edited.status, 200, "{}", String::from_utf8_lossy(&edited.body));

    let rerun = pipe(&url, &["import", "-"], &file(&records));
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    assert_eq!(last_line(&stderr(&rerun)), "imported 0, unchanged 1500, skipped 0");
    let exported = articles(&url);
    for record in &records {
        let slug = record["slug"].as_str().unwrap();
        let expected = if slug == "l-1" { json!([{"article": "l-2"}]) } else { record["related"].clone() };
        let self_link = record["related"][0]["article"] == record["slug"];
        if !self_link {
            assert_eq!(article(&exported, slug)["related"], expected, "{slug}");
        }
    }
}

/// One NDJSON line: article `{prefix}-{i}` of `count`, published, linking to
/// article `(i * step) % count` unless `i` is a multiple of `every`.
pub fn numbered_article(prefix: &str, i: usize, count: usize, step: usize, every: usize) -> String {
    let at = "2020-01-01T00:00:00Z";
    let related = if i.is_multiple_of(every) {
        json!([])
    } else {
        json!([{"article": format!("{prefix}-{}", (i * step) % count)}])
    };
    json!({"type": "article", "slug": format!("{prefix}-{i}"), "headline": format!("Story {prefix} {i}"),
    "summary": null, "body": "Words of the story.", "status": "published", "published_at": at,
    "created_at": at, "updated_at": at, "dateline": null, "section": null, "language": "en",
    "canonical_url": null, "version": 1, "tags": [], "bylines": [], "related": related})
    .to_string()
        + "\n"
}
