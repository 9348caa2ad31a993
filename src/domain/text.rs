//! Article bodies: CommonMark rendered to sanitised HTML, and word counts.

use std::sync::LazyLock;

use pulldown_cmark::{html, Event, Options, Parser};

/// The sanitiser, built once: its tag and attribute tables cost more to
/// build than a short body costs to clean.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some("noopener noreferrer"));
    builder
});

/// Renders CommonMark to HTML, then sanitises it: raw HTML in the source
/// never reaches a client unfiltered (scripts, handlers and styles go).
pub fn render_body(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut unsafe_html, parser);
    SANITISER.clean(&unsafe_html).to_string()
}

/// Words of the text a reader sees: Markdown marks and raw HTML are not words.
pub fn word_count(body: &str) -> i32 {
    let count: usize = Parser::new(body)
        .map(|event| match event {
            Event::Text(text) | Event::Code(text) => count_words(&text),
            _ => 0,
        })
        .sum();
    i32::try_from(count).unwrap_or(i32::MAX)
}

/// Runs of letters or digits (apostrophes inside words kept), in one pass.
fn count_words(text: &str) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for c in text.chars() {
        let part_of_word = if c.is_ascii() { c.is_ascii_alphanumeric() } else { c.is_alphanumeric() };
        if part_of_word {
            if !in_word {
                words += 1;
                in_word = true;
            }
        } else if !(in_word && (c == '\'' || c == '’')) {
            in_word = false;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_sanitised() {
        let html = render_body("Hello <script>alert(1)</script> **world** <a href=\"javascript:x\">x</a>");
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(html.contains("<strong>world</strong>"));
    }

    #[test]
    fn words_are_counted() {
        assert_eq!(word_count("## Heading\n\nIt's a *fine* day, 2018.\n\n<div>not counted</div>"), 6);
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("Zürich's café — 3 ’quotes’ and don’t"), 6);
    }
}
