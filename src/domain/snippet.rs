//! The passage of an article shown under a search hit: the window of words
//! holding the most of the reader's words, the matches marked with
//! `MATCH_START`/`MATCH_END` (turned into HTML by `highlight_html`).
//!
//! Written here rather than asked of the database: SQLite's `snippet()` and
//! PostgreSQL's `ts_headline` re-read and re-tokenise the whole text of
//! every hit, and that was the largest part of a search (2–3 ms of ~5 ms
//! for a page of 20 on SQLite). This scans the text the page has loaded
//! anyway, stemming only the words that could be a match.

use std::borrow::Cow;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

use super::search::{word_spans, SearchQuery, MATCH_END, MATCH_START};

/// Words in a passage, as in the SQLite snippet it replaces.
const WINDOW_WORDS: usize = 24;
/// Words shown before the first match of a passage, for context.
const LEAD_WORDS: usize = 3;

/// English (Porter2) stemming: PostgreSQL's `english_stem`. SQLite's index
/// stems with the original Porter algorithm; the two differ on a few
/// suffixes, where a matched word may then go unmarked.
static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// What the reader's words look like once folded and stemmed.
pub struct Matcher {
    stems: Vec<String>,
}

impl Matcher {
    /// The stems of the words to mark: every token of the terms that must
    /// match (excluded terms are, by definition, not in the text).
    pub fn new(query: &SearchQuery) -> Self {
        let mut stems: Vec<String> = Vec::new();
        for term in query.terms().iter().filter(|t| !t.excluded) {
            for token in &term.tokens {
                let stem = stem(&fold(token));
                if !stems.contains(&stem) {
                    stems.push(stem);
                }
            }
        }
        Self { stems }
    }

    /// Which of the stems `word` is, if any. Stemming never lengthens a
    /// word and keeps its first two letters (but "dying" is "die"), so most
    /// words are ruled out before they are folded and stemmed.
    fn find(&self, word: &str) -> Option<usize> {
        let head = word.as_bytes();
        if head.len() < 2 {
            return self.stems.iter().position(|s| s.eq_ignore_ascii_case(word));
        }
        let same_start = |stem: &[u8]| {
            stem.len() >= 2
                && stem[0].eq_ignore_ascii_case(&head[0])
                && (stem[1].eq_ignore_ascii_case(&head[1]) || (stem[1] == b'i' && head[1].eq_ignore_ascii_case(&b'y')))
        };
        let could_be = |s: &String| s.len() <= word.len() && (!word.is_ascii() || same_start(s.as_bytes()));
        if !self.stems.iter().any(could_be) {
            return None;
        }
        let stemmed = stem(&fold(word));
        self.stems.iter().position(|s| *s == stemmed)
    }

    /// The best passage among `fields` (headline, summary, body, in order of
    /// preference: the first that holds every word wins, else the best
    /// window), marked; the start of the first non-empty field when none
    /// holds a match.
    pub fn snippet(&self, fields: &[&str]) -> String {
        let mut best: Option<(Score, &str, Vec<Match>, usize)> = None;
        for field in fields {
            let (count, matches) = self.matches_in(field);
            if count == 0 {
                continue;
            }
            let (score, start) = best_window(&matches, self.stems.len());
            let covers_all = score.distinct == self.stems.len();
            if best.as_ref().is_none_or(|(top, ..)| score > *top) {
                best = Some((score, field, matches, start));
            }
            if covers_all {
                // A headline or summary holding every word beats a body with more of them.
                break;
            }
        }
        match best {
            Some((_, field, matches, start)) => render(field, &matches, start),
            None => String::new(),
        }
    }

    /// How many words `text` has, and the ones that match.
    fn matches_in(&self, text: &str) -> (usize, Vec<Match>) {
        let mut matches = Vec::new();
        let mut count = 0;
        for (index, (start, end)) in word_spans(text).enumerate() {
            count = index + 1;
            if let Some(stem) = self.find(&text[start..end]) {
                matches.push(Match { index, start, end, stem });
            }
        }
        (count, matches)
    }
}

/// A word that matches: its place among the words, its bytes, its stem.
struct Match {
    index: usize,
    start: usize,
    end: usize,
    stem: usize,
}

/// A window's worth: distinct stems matched, then matches in all.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    distinct: usize,
    matches: usize,
}

/// The window of `WINDOW_WORDS` words with the best score (the earliest of
/// equals), starting a few words before its first match; word 0 when
/// nothing matches.
fn best_window(matches: &[Match], stems: usize) -> (Score, usize) {
    let mut best = (Score { distinct: 0, matches: 0 }, 0);
    let mut seen = vec![false; stems];
    for (i, anchor) in matches.iter().enumerate() {
        let start = anchor.index.saturating_sub(LEAD_WORDS);
        seen.iter_mut().for_each(|s| *s = false);
        let mut score = Score { distinct: 0, matches: 0 };
        for m in matches[i..].iter().take_while(|m| m.index < start + WINDOW_WORDS) {
            score.matches += 1;
            if !seen[m.stem] {
                seen[m.stem] = true;
                score.distinct += 1;
            }
        }
        if score > best.0 {
            best = (score, start);
        }
    }
    best
}

/// The window's text as written, matches marked, `…` where it was cut.
fn render(text: &str, matches: &[Match], start: usize) -> String {
    let mut window = word_spans(text).skip(start).take(WINDOW_WORDS + 1);
    let Some((from, mut to)) = window.next() else { return String::new() };
    let mut cut = false;
    for (i, (_, end)) in window.enumerate() {
        if i + 1 == WINDOW_WORDS {
            cut = true;
        } else {
            to = end;
        }
    }
    let mut out = String::with_capacity(to - from + 16);
    if start > 0 {
        out.push('…');
    }
    let mut at = from;
    for m in matches.iter().filter(|m| m.start >= from && m.end <= to) {
        out.push_str(&text[at..m.start]);
        out.push(MATCH_START);
        out.push_str(&text[m.start..m.end]);
        out.push(MATCH_END);
        at = m.end;
    }
    out.push_str(&text[at..to]);
    if cut {
        out.push('…');
    }
    out
}

/// Lower case without diacritics, as both databases index words
/// ("Zürich" is "zurich"); ASCII, the usual case, without allocating twice.
fn fold(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        if word.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(word.to_ascii_lowercase())
        } else {
            Cow::Borrowed(word)
        }
    } else {
        Cow::Owned(word.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect())
    }
}

fn stem(folded: &str) -> String {
    STEMMER.stem(folded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(query: &str, fields: &[&str]) -> String {
        let query = SearchQuery::parse(query).unwrap_or_else(|e| panic!("{e}"));
        Matcher::new(&query).snippet(fields).replace(MATCH_START, "[").replace(MATCH_END, "]")
    }

    #[test]
    fn marks_stemmed_and_accented_words() {
        assert_eq!(marked("strike", &["Strikes near Deir"]), "[Strikes] near Deir");
        assert_eq!(marked("Zurich", &["Talks in Zürich today"]), "Talks in [Zürich] today");
        assert_eq!(marked("die 5", &["Dying at 5"]), "[Dying] at [5]");
        assert_eq!(marked("\"al-Zour\" -rumour", &["Near Deir al-Zour, a rumour"]), "Near Deir [al]-[Zour], a rumour");
    }

    #[test]
    fn picks_the_field_and_window_with_the_most_words() {
        let body = format!("{}storm in the harbour {}", "filler ".repeat(40), "tail ".repeat(40));
        let out = marked("storm harbour", &["A storm", "", &body]);
        assert!(out.starts_with("…filler filler filler [storm] in the [harbour] tail"), "{out}");
        assert!(out.ends_with('…'), "{out}");
        assert_eq!(out.matches(' ').count() + 1, WINDOW_WORDS);
    }

    #[test]
    fn without_a_match_shows_the_start() {
        assert_eq!(marked("absent", &["", "Summary here", "Body"]), "Summary here");
        assert_eq!(marked("absent", &["", ""]), "");
    }
}
