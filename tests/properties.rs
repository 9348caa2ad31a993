//! Property tests of the parsers that take what clients and files send:
//! plain-text stories, NDJSON records, search queries, cursors and slugs.
//! For any input: no panic, and each keeps the promise it makes. The fuzz
//! targets in `fuzz/` drive the same functions with coverage guidance.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::DateTime;
use dateline::domain::control;
use dateline::domain::filter::{decode_slug_cursor, encode_slug_cursor, ArticleCursor, ArticleSort, SortKey};
use dateline::domain::{SearchQuery, Slug};
use dateline::ingest::import::read_record;
use dateline::ingest::plaintext::{self, DroppedKind, DEFAULT_FURNITURE};
use proptest::prelude::*;
use serde_json::json;

fn furniture() -> Vec<String> {
    DEFAULT_FURNITURE.iter().map(|s| s.to_string()).collect()
}

/// Paragraphs of a story about one thing: sentences drawn from the same
/// words, so no paragraph looks like a promo for another story.
fn paragraph() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "council",
        "budget",
        "river",
        "bridge",
        "vote",
        "mayor",
        "residents",
        "plan",
        "road",
        "school",
        "said",
        "the",
        "new",
        "would",
        "year",
    ]);
    prop::collection::vec(words, 12..40).prop_map(|words| {
        let mut text = words.join(" ");
        text.push('.');
        let mut chars = text.chars();
        chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
    })
}

fn trailing_furniture() -> impl Strategy<Value = Vec<String>> {
    let opening = prop::sample::select(vec![
        "Other reports by Ann Lee",
        "Share this article",
        "Discuss This Article",
        "Related stories",
        "Advertisement",
    ]);
    prop::collection::vec(opening.prop_map(str::to_owned), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any bytes: a story or a reason, never a panic.
    #[test]
    fn story_parser_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = plaintext::parse(&bytes, &furniture());
    }

    /// Any text shaped like a story, with lines of any characters.
    #[test]
    fn story_parser_takes_any_lines(lines in prop::collection::vec(".{0,80}", 0..12)) {
        let text = format!("Headline\n2018-02-12\n\n{}", lines.join("\n"));
        let _ = plaintext::parse(text.as_bytes(), &furniture());
    }

    /// A story with page furniture at its end: parsed, and the furniture is
    /// dropped and reported, never part of the body.
    #[test]
    fn parsed_stories_never_keep_dropped_furniture(
        headline in "[A-Z][a-z]{3,12}( [a-z]{2,10}){2,8}",
        paragraphs in prop::collection::vec(paragraph(), 1..6),
        furniture_blocks in trailing_furniture(),
    ) {
        let text = format!(
            "{headline}\nBy Ann Lee\nFebruary 12, 2018\n\n{}\n\n{}\n",
            paragraphs.join("\n\n"),
            furniture_blocks.join("\n\n"),
        );
        let story = plaintext::parse(text.as_bytes(), &furniture()).expect("a story");
        prop_assert_eq!(story.headline, headline);
        prop_assert!(!story.body.is_empty());
        for block in &furniture_blocks {
            prop_assert!(!story.body.contains(block.as_str()), "kept {:?} in {:?}", block, story.body);
        }
        let dropped = story.dropped.iter().filter(|d| d.kind == DroppedKind::Furniture).count();
        prop_assert_eq!(dropped, furniture_blocks.len());
        for dropped in &story.dropped {
            prop_assert!(!story.body.contains(&dropped.first_words));
        }
    }

    /// Any line: a record or a reason, never a panic.
    #[test]
    fn ndjson_reader_takes_any_line(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_record(&bytes);
    }

    /// Any text in a record's field: kept exactly, or refused (naming the
    /// field) when it holds a control character PostgreSQL could not store.
    #[test]
    fn ndjson_text_is_kept_exactly_or_refused(name in any::<String>()) {
        let line = json!({"type": "author", "slug": "ann-lee", "name": name, "bio": null, "avatar_url": null,
            "created_at": "2020-01-01T00:00:00Z", "updated_at": "2020-01-01T00:00:00Z"}).to_string();
        match read_record(line.as_bytes()) {
            Ok(dateline::domain::snapshot::Record::Author(author)) => {
                prop_assert!(!control::has_forbidden(&name));
                prop_assert_eq!(author.name, name);
            }
            Ok(other) => prop_assert!(false, "read as {:?}", other),
            Err(reason) => {
                prop_assert!(control::has_forbidden(&name), "refused: {}", reason);
                prop_assert!(reason.starts_with("name: "), "{}", reason);
            }
        }
    }

    /// Any query: parsed into plain word tokens (nothing of the databases'
    /// query syntax survives), or refused with a reason.
    #[test]
    fn search_queries_hold_only_word_tokens(text in any::<String>()) {
        if let Ok(query) = SearchQuery::parse(&text) {
            prop_assert!(query.terms().iter().any(|t| !t.excluded));
            for token in query.terms().iter().flat_map(|t| &t.tokens) {
                prop_assert!(!token.is_empty() && token.chars().all(char::is_alphanumeric), "{:?}", token);
            }
            prop_assert_eq!(query.to_fts5().matches('"').count() % 2, 0);
        }
    }

    /// Any headline or name derives a valid slug; any text is a valid slug
    /// only when it matches the slug pattern.
    #[test]
    fn derived_slugs_always_match_the_pattern(text in any::<String>()) {
        let slug = Slug::derive(&text, "article");
        prop_assert!(Slug::parse(slug.as_str()).is_ok(), "{:?} from {:?}", slug, text);
        if let Ok(parsed) = Slug::parse(&text) {
            prop_assert!(parsed.as_str().len() <= 120);
            prop_assert!(parsed.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        }
    }

    /// A cursor decodes to what was encoded, only for the order it names.
    #[test]
    fn cursors_roundtrip(micros in -62_135_596_800_000_000i64..253_402_300_799_000_000, score in any::<f64>(), id in any::<i64>()) {
        for sort in [ArticleSort::PublishedDesc, ArticleSort::PublishedAsc, ArticleSort::UpdatedDesc] {
            let at = DateTime::from_timestamp_micros(micros).expect("in range");
            let cursor = ArticleCursor { sort, key: SortKey::At(at), id };
            prop_assert_eq!(ArticleCursor::decode(&cursor.encode(), sort), Ok(cursor));
            prop_assert!(ArticleCursor::decode(&cursor.encode(), ArticleSort::Relevance).is_err());
        }
        if score.is_finite() {
            let cursor = ArticleCursor { sort: ArticleSort::Relevance, key: SortKey::Score(score), id };
            prop_assert_eq!(ArticleCursor::decode(&cursor.encode(), ArticleSort::Relevance), Ok(cursor));
        }
    }

    /// Any string a client sends as a cursor: decoded or refused, never a panic.
    #[test]
    fn forged_cursors_are_refused_not_fatal(text in any::<String>(), slug in any::<String>()) {
        for sort in [ArticleSort::PublishedDesc, ArticleSort::Relevance] {
            let _ = ArticleCursor::decode(&text, sort);
        }
        let _ = decode_slug_cursor(&text);
        prop_assert_eq!(decode_slug_cursor(&encode_slug_cursor(&slug)), Ok(slug));
    }
}
