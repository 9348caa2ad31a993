//! Any `q`: refused with a reason, or plain word tokens that nothing of
//! FTS5's or PostgreSQL's query syntax survives into.
#![no_main]

use dateline::domain::SearchQuery;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(query) = SearchQuery::parse(text) {
        for token in query.terms().iter().flat_map(|t| &t.tokens) {
            assert!(!token.is_empty() && token.chars().all(char::is_alphanumeric), "{token:?}");
        }
        let _ = (query.to_fts5(), query.to_websearch());
    }
});
