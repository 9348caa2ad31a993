//! The reader's search language — words (all must match), `"exact phrase"`,
//! `-excluded` — parsed into terms of plain word tokens, and written out for
//! each database's own query syntax. User text never reaches that syntax
//! as typed: a token holds letters and digits only, so no quote, operator,
//! `NEAR`, `*` or column filter can survive into it.

/// Longest `q` we accept, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most words and phrases in one query.
pub const MAX_TERMS: usize = 32;
/// Longest highlight, in characters, marks included.
pub const MAX_HIGHLIGHT_CHARS: usize = 300;

/// Marks the database puts around a match in a snippet; private-use code
/// points, so no stored text can fake them. Turned into `<mark>` after the
/// snippet has been escaped.
pub const MATCH_START: char = '\u{E000}';
pub const MATCH_END: char = '\u{E001}';

/// A word or a phrase: one or more tokens that must appear in this order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub tokens: Vec<String>,
    pub excluded: bool,
}

/// A parsed search: at least one term that must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    terms: Vec<Term>,
}

impl SearchQuery {
    /// Parses what a reader typed. An unbalanced `"` closes at the end.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(format!("is longer than {MAX_QUERY_CHARS} characters"));
        }
        let terms = split_terms(text);
        if terms.len() > MAX_TERMS {
            return Err(format!("has more than {MAX_TERMS} words and phrases"));
        }
        if !terms.iter().any(|t| !t.excluded) {
            return Err("needs at least one word to search for (letters or digits)".into());
        }
        Ok(Self { terms })
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The query in SQLite FTS5 syntax: every term a quoted string, the
    /// required ones joined by AND, the excluded ones after NOT.
    pub fn to_fts5(&self) -> String {
        let quoted = |t: &Term| format!("\"{}\"", t.tokens.join(" "));
        let required: Vec<String> = self.terms.iter().filter(|t| !t.excluded).map(quoted).collect();
        let mut query = format!("({})", required.join(" AND "));
        for term in self.terms.iter().filter(|t| t.excluded) {
            query.push_str(" NOT ");
            query.push_str(&quoted(term));
        }
        query
    }

    /// The query for PostgreSQL's `websearch_to_tsquery`: quoted phrases,
    /// `-` before the excluded ones (quoted, so `or` is never an operator).
    pub fn to_websearch(&self) -> String {
        let rendered: Vec<String> = self
            .terms
            .iter()
            .map(|t| format!("{}\"{}\"", if t.excluded { "-" } else { "" }, t.tokens.join(" ")))
            .collect();
        rendered.join(" ")
    }
}

/// Splits on whitespace, keeping `"…"` together and noting a leading `-`.
fn split_terms(text: &str) -> Vec<Term> {
    let mut terms = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        let excluded = first == '-';
        if excluded {
            chars.next();
        }
        let mut raw = String::new();
        if chars.next_if_eq(&'"').is_some() {
            raw.extend(chars.by_ref().take_while(|c| *c != '"'));
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                raw.push(c);
            }
        }
        let tokens = tokens_of(&raw);
        if !tokens.is_empty() {
            terms.push(Term { tokens, excluded });
        }
    }
    terms
}

/// The words of a text as owned tokens (see `word_spans`).
fn tokens_of(text: &str) -> Vec<String> {
    word_spans(text).map(|(start, end)| text[start..end].to_owned()).collect()
}

/// The byte ranges of the letter-and-digit runs of `text`: words as both
/// databases' tokenizers see them (`al-Zour` is `al`, `Zour`), for queries
/// and highlights alike. ASCII bytes are looked at one by one.
pub fn word_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        let is_word_char = |at: usize| -> (bool, usize) {
            let byte = bytes[at];
            if byte.is_ascii() {
                (byte.is_ascii_alphanumeric(), 1)
            } else {
                let c = text[at..].chars().next().unwrap_or(' ');
                (c.is_alphanumeric(), c.len_utf8())
            }
        };
        while at < bytes.len() {
            let (word, width) = is_word_char(at);
            if word {
                break;
            }
            at += width;
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() {
            let (word, width) = is_word_char(at);
            if !word {
                break;
            }
            at += width;
        }
        Some((start, at))
    })
}

/// Words too common to say what a story is about.
const STOPWORDS: &[&str] = &[
    "the", "and", "for", "with", "from", "that", "this", "into", "over", "after", "before", "about", "are", "was",
    "were", "has", "have", "had", "its", "his", "her", "their", "our", "you", "not", "but", "who", "what", "when",
    "how", "why", "will", "would", "can", "could", "out", "off", "new", "says", "said", "more", "than", "amid",
];

/// The words of a headline that say what the story is about (for "more like
/// this"): lower-cased letter-and-digit tokens of three or more characters,
/// stopwords dropped, each once; the six longest (long words are the rarer
/// ones: names, places), in headline order.
pub fn similarity_terms(headline: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for token in tokens_of(headline) {
        let token = token.to_lowercase();
        if token.chars().count() >= 3 && !STOPWORDS.contains(&token.as_str()) && !terms.contains(&token) {
            terms.push(token);
        }
    }
    let mut by_length: Vec<usize> = terms.iter().map(|t| t.chars().count()).collect();
    by_length.sort_unstable_by(|a, b| b.cmp(a));
    let shortest_kept = by_length.get(5).copied().unwrap_or(0);
    let mut kept = 0;
    terms.retain(|t| {
        let keep = t.chars().count() >= shortest_kept && kept < 6;
        kept += usize::from(keep);
        keep
    });
    terms
}

/// Turns a snippet with `MATCH_START`/`MATCH_END` marks into safe HTML:
/// text escaped, Markdown markers and runs of whitespace dropped, matches in
/// `<mark>…</mark>`, at most `MAX_HIGHLIGHT_CHARS` characters in all.
pub fn highlight_html(snippet: &str) -> String {
    let cleaned: String =
        snippet.chars().map(|c| if matches!(c, '#' | '*' | '_' | '`' | '|') { ' ' } else { c }).collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let mut out = String::new();
    let mut length = 0;
    let mut open = false;
    for (i, word) in words.iter().enumerate() {
        let mut piece = String::new();
        if i > 0 {
            piece.push(' ');
        }
        let mut piece_open = open;
        for c in word.chars() {
            match c {
                MATCH_START if !piece_open => {
                    piece.push_str("<mark>");
                    piece_open = true;
                }
                MATCH_END if piece_open => {
                    piece.push_str("</mark>");
                    piece_open = false;
                }
                MATCH_START | MATCH_END => {}
                '<' => piece.push_str("&lt;"),
                '>' => piece.push_str("&gt;"),
                '&' => piece.push_str("&amp;"),
                '"' => piece.push_str("&quot;"),
                '\'' => piece.push_str("&#39;"),
                c => piece.push(c),
            }
        }
        let closing = if piece_open { "</mark>".len() } else { 0 };
        let piece_length = piece.chars().count();
        if length + piece_length + closing + 1 > MAX_HIGHLIGHT_CHARS {
            if open {
                out.push_str("</mark>");
            }
            out.push('…');
            return out;
        }
        out.push_str(&piece);
        length += piece_length;
        open = piece_open;
    }
    if open {
        out.push_str("</mark>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Vec<(Vec<&'static str>, bool)> {
        let leak = |s: &String| -> &'static str { Box::leak(s.clone().into_boxed_str()) };
        SearchQuery::parse(text)
            .map(|q| q.terms.iter().map(|t| (t.tokens.iter().map(leak).collect(), t.excluded)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn words_phrases_and_exclusions() {
        assert_eq!(
            parsed(r#"Deir "al-Zour strike" -rumour"#),
            vec![(vec!["Deir"], false), (vec!["al", "Zour", "strike"], false), (vec!["rumour"], true)]
        );
        assert_eq!(parsed(r#"storm "harbour ferry"#), vec![(vec!["storm"], false), (vec!["harbour", "ferry"], false)]);
    }

    #[test]
    fn operators_and_punctuation_are_only_text() -> Result<(), String> {
        let query = SearchQuery::parse(r#"a* NEAR(b c) OR "d AND" {headline}: x^ e'"#)?;
        let fts = query.to_fts5();
        // `NEAR(b` is one word of two tokens: the phrase "NEAR b".
        assert_eq!(fts, r#"("a" AND "NEAR b" AND "c" AND "OR" AND "d AND" AND "headline" AND "x" AND "e")"#);
        assert_eq!(SearchQuery::parse("storm -")?.to_fts5(), r#"("storm")"#);
        Ok(())
    }

    #[test]
    fn nothing_to_search_for_is_refused() {
        for text in ["", "   ", "-storm", "*", "\"\"", "🔥🔥", "- -"] {
            assert!(SearchQuery::parse(text).is_err(), "{text:?} was accepted");
        }
        assert!(SearchQuery::parse(&"storm ".repeat(200)).is_err());
        assert!(SearchQuery::parse(&"x".repeat(MAX_QUERY_CHARS + 1)).is_err());
    }

    #[test]
    fn websearch_form_quotes_every_term() -> Result<(), String> {
        let query = SearchQuery::parse(r#"war or "peace talks" -rumour"#)?;
        assert_eq!(query.to_websearch(), r#""war" "or" "peace talks" -"rumour""#);
        assert_eq!(query.to_fts5(), r#"("war" AND "or" AND "peace talks") NOT "rumour""#);
        Ok(())
    }

    #[test]
    fn similarity_terms_keep_the_telling_words() {
        assert_eq!(
            similarity_terms("The U.S. strikes back at Deir al-Zour, and the Zour"),
            ["strikes", "back", "deir", "zour"]
        );
    }

    #[test]
    fn highlights_are_escaped_marked_and_short() {
        let snippet = format!("## A <b>{MATCH_START}storm{MATCH_END}</b> & *rain*");
        assert_eq!(highlight_html(&snippet), "A &lt;b&gt;<mark>storm</mark>&lt;/b&gt; &amp; rain");
        let long = format!("{MATCH_START}storm{MATCH_END} {}", "word ".repeat(200));
        let out = highlight_html(&long);
        assert!(out.chars().count() <= MAX_HIGHLIGHT_CHARS, "{}", out.chars().count());
        assert!(out.starts_with("<mark>storm</mark> word") && out.ends_with('…'));
        let forged = "\u{E001}</mark><script>";
        assert_eq!(highlight_html(forged), "&lt;/mark&gt;&lt;script&gt;");
    }
}
