//! Any file `import` may be given: a story or a reason, never a panic; and
//! what it reports as dropped is gone from the body (it may still appear
//! there as often as the story itself repeats it).
#![no_main]

use dateline::ingest::plaintext::{self, DEFAULT_FURNITURE};
use libfuzzer_sys::fuzz_target;

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fuzz_target!(|bytes: &[u8]| {
    let furniture: Vec<String> = DEFAULT_FURNITURE.iter().map(|s| s.to_string()).collect();
    let Ok(story) = plaintext::parse(bytes, &furniture) else { return };
    assert!(!story.body.is_empty() && !story.headline.is_empty());
    let (input, body) = (words(&String::from_utf8_lossy(bytes)), words(&story.body));
    for dropped in story.dropped.iter().filter(|d| !d.first_words.is_empty()) {
        let (kept, sent) = (body.matches(&dropped.first_words).count(), input.matches(&dropped.first_words).count());
        assert!(kept < sent, "{:?} kept {kept} of {sent} times", dropped.first_words);
    }
});
