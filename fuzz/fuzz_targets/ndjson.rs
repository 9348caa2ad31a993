//! Any NDJSON line: a record or a reason, never a panic; a record never
//! holds text PostgreSQL could not store.
#![no_main]

use dateline::ingest::import::read_record;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &[u8]| {
    if let Ok(record) = read_record(line) {
        let text = serde_json::to_string(&record).unwrap_or_default();
        assert!(!text.contains("\\u0000"), "a NUL reached a record: {text}");
    }
});
