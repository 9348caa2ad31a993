//! Article bodies: CommonMark rendered to sanitised HTML, and word counts.

use std::sync::LazyLock;

use pulldown_cmark::{html, CodeBlockKind, Event, Options, Parser, Tag};

/// The sanitiser, built once: its tag and attribute tables cost more to
/// build than a short body costs to clean.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.link_rel(Some("noopener noreferrer"));
    builder
});

const MARKDOWN: Options = Options::ENABLE_TABLES.union(Options::ENABLE_STRIKETHROUGH);

/// Renders CommonMark to HTML, then sanitises it: raw HTML in the source
/// never reaches a client unfiltered (scripts, handlers and styles go).
pub fn render_body(markdown: &str) -> String {
    render_plain(markdown).unwrap_or_else(|| sanitised(markdown))
}

/// CommonMark to HTML through the sanitiser, for any body.
fn sanitised(markdown: &str) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, MARKDOWN));
    SANITISER.clean(&unsafe_html).to_string()
}

/// The HTML of a body made only of what the sanitiser keeps as it is
/// (paragraphs, headings, emphasis, lists, quotes, code, rules), else None.
/// pulldown-cmark escapes all text and such elements carry no URLs and no
/// attributes but `start`, so the sanitiser would only re-parse the HTML
/// and spell it its own way. Most news bodies are like this, and that
/// re-parse (an HTML5 tree per body, and its allocations) was most of
/// what rendering a body cost. The bytes are the sanitiser's (a test
/// renders many bodies both ways).
fn render_plain(markdown: &str) -> Option<String> {
    // The HTML parser rewrites carriage returns and drops NULs.
    if markdown.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return None;
    }
    let events: Vec<Event> = Parser::new_ext(markdown, MARKDOWN).collect();
    if !events.iter().all(keeps_as_is) {
        return None;
    }
    let mut html_out = String::with_capacity(markdown.len() * 5 / 4);
    html::push_html(&mut html_out, events.into_iter());
    Some(in_sanitiser_spelling(html_out))
}

/// Whether the sanitiser would keep what this event writes unchanged.
fn keeps_as_is(event: &Event) -> bool {
    match event {
        Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak | Event::Rule | Event::End(_) => true,
        Event::Start(tag) => match tag {
            Tag::Paragraph | Tag::Item | Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::List(_) => true,
            Tag::Heading { id, classes, attrs, .. } => id.is_none() && classes.is_empty() && attrs.is_empty(),
            Tag::BlockQuote(kind) => kind.is_none(),
            Tag::CodeBlock(CodeBlockKind::Indented) => true,
            Tag::CodeBlock(CodeBlockKind::Fenced(info)) => info.is_empty(),
            _ => false,
        },
        _ => false,
    }
}

/// pulldown-cmark's HTML as the sanitiser's serialiser writes it.
fn in_sanitiser_spelling(html: String) -> String {
    const SPELLINGS: [(&str, &str); 4] =
        [("<br />", "<br>"), ("<hr />", "<hr>"), ("&quot;", "\""), ("\u{a0}", "&nbsp;")];
    SPELLINGS
        .iter()
        .fold(html, |html, (theirs, ours)| if html.contains(theirs) { html.replace(theirs, ours) } else { html })
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

    /// Bodies built at random from pieces of CommonMark, plain and not.
    fn random_bodies(count: usize) -> Vec<String> {
        use rand::{Rng, SeedableRng};
        const PIECES: &[&str] = &[
            "Hello",
            "world",
            " ",
            "\n",
            "\n\n",
            "*em*",
            "**strong**",
            "_under_",
            "~~gone~~",
            "`code \"q\" <x> &`",
            "# H1",
            "## Heading?",
            "### Three",
            "> quoted",
            "- item",
            "* star",
            "1. one",
            "3. three",
            "0. zero",
            "    indented code",
            "```\nfenced <b>\n```",
            "```rust\nfn x() {}\n```",
            "---",
            "***",
            "line  \n",
            "line\\\n",
            "a & b < c > d",
            "\"quoted\"",
            "'single'",
            "\u{a0}",
            "Zürich",
            "🎉",
            "\\*escaped\\*",
            "&amp; &copy; &#35; &quot;",
            "\t",
            "<notag",
            "a<b",
            "5 > 3",
            "&",
            "[link](http://example.com)",
            "<b>raw</b>",
            "![img](x.png)",
            "| a | b |\n|---|:-:|\n| 1 | 2 |",
            "<script>x</script>",
            "\r\n",
            "\u{0}",
            "1)",
            "+ plus",
            ">",
            "#",
            "-",
        ];
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        (0..count)
            .map(|_| (0..rng.random_range(1..24)).map(|_| PIECES[rng.random_range(0..PIECES.len())]).collect())
            .collect()
    }

    #[test]
    fn plain_bodies_render_as_the_sanitiser_would() {
        let bodies = random_bodies(20_000);
        let mut plain = 0;
        for body in &bodies {
            if let Some(html) = render_plain(body) {
                plain += 1;
                assert_eq!(html, sanitised(body), "body {body:?}");
            }
        }
        // Both kinds were tried: most random bodies hold a link or raw HTML.
        assert!(plain > 2_000 && plain < bodies.len(), "{plain} of {} plain", bodies.len());
    }

    #[test]
    fn only_bodies_the_sanitiser_keeps_skip_it() {
        assert!(render_plain("## A heading\n\nA *paragraph* with `code`.\n\n- one\n- two").is_some());
        for unsafe_body in ["[x](javascript:alert(1))", "<b onclick=x>hi</b>", "![i](x.png)", "```js\nx\n```", "a\r\nb"]
        {
            assert!(render_plain(unsafe_body).is_none(), "{unsafe_body:?}");
            assert!(!render_body(unsafe_body).contains("javascript:") && !render_body(unsafe_body).contains("onclick"));
        }
    }

    #[test]
    fn words_are_counted() {
        assert_eq!(word_count("## Heading\n\nIt's a *fine* day, 2018.\n\n<div>not counted</div>"), 6);
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("Zürich's café — 3 ’quotes’ and don’t"), 6);
    }
}
