//! Article bodies: CommonMark rendered to sanitised HTML, and word counts.

use pulldown_cmark::{html, Options, Parser};

/// Renders CommonMark to HTML, then sanitises it: raw HTML in the source
/// never reaches a client unfiltered (scripts, handlers and styles go).
pub fn render_body(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut unsafe_html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string()
}

/// Words in a body, counting runs of letters or digits (Markdown marks aside).
pub fn word_count(body: &str) -> i32 {
    let count = body
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    i32::try_from(count).unwrap_or(i32::MAX)
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
        assert_eq!(word_count("## Heading\n\nIt's a *fine* day, 2018."), 5);
        assert_eq!(word_count(""), 0);
    }
}
