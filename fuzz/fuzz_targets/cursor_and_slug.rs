//! Any cursor or slug a client sends: decoded or refused, never a panic; a
//! decoded cursor encodes back to itself; a derived slug is always valid.
#![no_main]

use dateline::domain::filter::{decode_slug_cursor, ArticleCursor, ArticleSort};
use dateline::domain::Slug;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for sort in
        [ArticleSort::PublishedDesc, ArticleSort::PublishedAsc, ArticleSort::UpdatedDesc, ArticleSort::Relevance]
    {
        if let Ok(cursor) = ArticleCursor::decode(text, sort) {
            assert_eq!(ArticleCursor::decode(&cursor.encode(), sort), Ok(cursor));
        }
    }
    let _ = decode_slug_cursor(text);
    let _ = Slug::parse(text);
    let derived = Slug::derive(text, "article");
    assert!(Slug::parse(derived.as_str()).is_ok(), "{derived:?}");
});
