//! Plain-text stories as wires and scrapers deliver them: headline, byline,
//! date line, body; page furniture and promos for other stories are dropped
//! (and reported), standalone heading-like lines become `##` headings.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};

pub use crate::domain::story::{Dropped, DroppedKind, Story};

/// Blocks that begin page furniture at the end of a story.
pub const DEFAULT_FURNITURE: &[&str] = &[
    "other reports by",
    "discuss this article",
    "share this article",
    "share this",
    "advertisement",
    "read more",
    "related:",
    "related stories",
    "more on this story",
    "follow us",
    "sign up for",
    "comments",
    "print this article",
    "email this article",
];

/// Why a file is not a story.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAStory {
    #[error("the file is empty")]
    Empty,
    #[error("the file is binary or not UTF-8")]
    NotText,
    #[error("no date line under the headline (expected e.g. `February 12, 2018` or `2018-02-12`)")]
    NoDate,
    #[error("the story has no body")]
    NoBody,
}

/// Parses a file's bytes as a story; `furniture` lists lowercase block openings to drop.
pub fn parse(bytes: &[u8], furniture: &[String]) -> Result<Story, NotAStory> {
    if bytes.contains(&0) {
        return Err(NotAStory::NotText);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| NotAStory::NotText)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    let mut rest = lines.iter().copied().skip_while(|l| l.trim().is_empty());
    let headline = collapse(rest.next().ok_or(NotAStory::Empty)?);

    // Byline and date: the next one or two non-empty lines.
    let mut rest = rest.skip_while(|l| l.trim().is_empty()).peekable();
    let first = rest.next().ok_or(NotAStory::NoDate)?;
    let (bylines, published_at) = match parse_date(first) {
        Some(date) => (Vec::new(), date),
        None => {
            let second = rest.by_ref().find(|l| !l.trim().is_empty()).ok_or(NotAStory::NoDate)?;
            (parse_byline(first), parse_date(second).ok_or(NotAStory::NoDate)?)
        }
    };
    let paragraphs = paragraphs(rest);
    let (body, dropped) = shape_body(paragraphs, furniture);
    if body.is_empty() {
        return Err(NotAStory::NoBody);
    }
    Ok(Story { headline, bylines, published_at, body, dropped })
}

fn collapse(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Blocks separated by blank lines, each a list of trimmed lines.
fn paragraphs<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<Vec<String>> {
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in lines {
        let line = collapse(line);
        if line.is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

/// Names from a byline: "By A, B and C", "A & B".
pub fn parse_byline(line: &str) -> Vec<String> {
    let line = collapse(line);
    let line = ["by ", "By ", "BY "].iter().find_map(|p| line.strip_prefix(p)).unwrap_or(&line);
    line.replace(" & ", ",")
        .replace(" and ", ",")
        .replace(" AND ", ",")
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A date line: `February 12, 2018`, `12 February 2018`, `Feb. 12, 2018`,
/// `2018-02-12`, RFC 3339; a leading weekday is ignored; no time means 00:00 UTC.
pub fn parse_date(line: &str) -> Option<DateTime<Utc>> {
    let line = collapse(line);
    if let Ok(at) = DateTime::parse_from_rfc3339(&line) {
        return Some(at.with_timezone(&Utc));
    }
    let mut text = line.replace('.', "").replace("Sept ", "Sep ");
    // "Monday, February 12, 2018" → "February 12, 2018"
    if let Some((first, rest)) = text.split_once(", ") {
        if WEEKDAYS.iter().any(|d| first.eq_ignore_ascii_case(d) || first.eq_ignore_ascii_case(&d[..3])) {
            text = rest.to_owned();
        }
    }
    let formats = ["%B %d, %Y", "%B %d %Y", "%d %B %Y", "%b %d, %Y", "%b %d %Y", "%d %b %Y", "%Y-%m-%d", "%Y/%m/%d"];
    formats
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(&text, format).ok())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

const WEEKDAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// Short, alone, and without closing punctuation (or a question): reads as a heading.
fn heading_like(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let closing = line.ends_with(['.', '!', ',', ';', ':', '"', '”', '\'', '’', ')']);
    (1..=12).contains(&words)
        && (line.ends_with('?') || !closing)
        && line.chars().next().is_some_and(char::is_uppercase)
}

const STOPWORDS: &[&str] = &[
    "that", "this", "with", "from", "have", "were", "their", "there", "which", "would", "about", "after", "before",
    "said", "will", "been", "they", "them", "than", "then", "into", "over", "also", "more", "most", "some", "what",
    "when", "where", "your", "just", "only", "other", "such", "very",
];

fn content_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .map(|w| w.trim_end_matches('s').to_owned())
        .collect()
}

/// Share of a block's content words that the rest of the story also uses.
fn overlap(block: &str, story: &HashSet<String>) -> f64 {
    let words = content_words(block);
    if words.is_empty() {
        return 1.0;
    }
    words.iter().filter(|w| story.contains(*w)).count() as f64 / words.len() as f64
}

/// Below this share of shared vocabulary, a headline-plus-teaser is a promo.
const PROMO_OVERLAP: f64 = 0.25;

fn first_words(text: &str) -> String {
    text.split_whitespace().take(6).collect::<Vec<_>>().join(" ")
}

fn is_furniture(block: &[String], furniture: &[String]) -> bool {
    let start = block[0].to_lowercase();
    furniture.iter().any(|f| start.starts_with(f.as_str()))
}

/// Drops trailing furniture and inline promos, marks headings, joins paragraphs.
fn shape_body(mut blocks: Vec<Vec<String>>, furniture: &[String]) -> (String, Vec<Dropped>) {
    let mut dropped = Vec::new();
    // Trailing furniture: from the first furniture block whose followers are
    // all furniture or short link-like lines, to the end.
    if let Some(start) = (0..blocks.len()).find(|&i| {
        is_furniture(&blocks[i], furniture)
            && blocks[i + 1..]
                .iter()
                .all(|b| is_furniture(b, furniture) || b.join(" ").split_whitespace().count() <= 12)
    }) {
        for block in blocks.drain(start..) {
            dropped.push(Dropped { kind: DroppedKind::Furniture, first_words: first_words(&block.join(" ")) });
        }
    }

    let texts: Vec<String> = blocks.iter().map(|b| b.join(" ")).collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        let rest_of_story = |skip: &[usize]| -> HashSet<String> {
            texts.iter().enumerate().filter(|(j, _)| !skip.contains(j)).flat_map(|(_, t)| content_words(t)).collect()
        };
        let inner = i > 0 && i + 1 < blocks.len();
        // A headline-like first line with a teaser under it, in one block.
        if block.len() >= 2
            && heading_like(&block[0])
            && !block[0].ends_with('?')
            && overlap(&texts[i], &rest_of_story(&[i])) < PROMO_OVERLAP
        {
            dropped.push(Dropped { kind: DroppedKind::Promo, first_words: first_words(&texts[i]) });
            i += 1;
            continue;
        }
        if block.len() == 1 && heading_like(&block[0]) && inner {
            // A standalone headline-like line: a promo when it and the next
            // block share almost nothing with the story, else a subheading.
            let pair = format!("{} {}", texts[i], texts[i + 1]);
            if !block[0].ends_with('?') && overlap(&pair, &rest_of_story(&[i, i + 1])) < PROMO_OVERLAP {
                dropped.push(Dropped { kind: DroppedKind::Promo, first_words: first_words(&pair) });
                i += 2;
                continue;
            }
            out.push(format!("## {}", block[0]));
            i += 1;
            continue;
        }
        out.push(texts[i].clone());
        i += 1;
    }
    (out.join("\n\n"), dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn furniture() -> Vec<String> {
        DEFAULT_FURNITURE.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn dates_in_every_shape() {
        let expected = "2018-02-12T00:00:00+00:00";
        for line in [
            "February 12, 2018",
            "12 February 2018",
            "Feb. 12, 2018",
            "Feb 12, 2018",
            "2018-02-12",
            "Monday, February 12, 2018",
            "  February   12,  2018 ",
            "12 Feb 2018",
        ] {
            assert_eq!(parse_date(line).map(|d| d.to_rfc3339()).as_deref(), Some(expected), "{line}");
        }
        assert_eq!(
            parse_date("2018-02-12T09:30:00+01:00").map(|d| d.to_rfc3339()).as_deref(),
            Some("2018-02-12T08:30:00+00:00")
        );
        assert_eq!(parse_date("Sept. 3, 2021").map(|d| d.to_rfc3339()).as_deref(), Some("2021-09-03T00:00:00+00:00"));
        assert!(parse_date("By Mara Quell").is_none());
        assert!(parse_date("February 30, 2018").is_none());
    }

    #[test]
    fn bylines_in_every_shape() {
        assert_eq!(parse_byline("By Mara Quell and Tobias Renn"), vec!["Mara Quell", "Tobias Renn"]);
        assert_eq!(parse_byline("Ann Lee, Bob Stone & Cy Twombly"), vec!["Ann Lee", "Bob Stone", "Cy Twombly"]);
        assert_eq!(parse_byline("BY  Sanna Oyelaran"), vec!["Sanna Oyelaran"]);
        assert_eq!(parse_byline("Ann Lee, Bob Stone, and Cy Twombly"), vec!["Ann Lee", "Bob Stone", "Cy Twombly"]);
    }

    #[test]
    fn wire_story_with_furniture_promo_and_subheading() {
        let text = "Harbour approves ferry trial\n\nBy Mara Quell and Tobias Renn\nMarch 3, 2021\n\n\
            The harbour authority approved a trial of overnight ferry crossings on the harbour.\n\n\
            Why did the ferry plan take so long?\n\n\
            Opponents argued the ferry plan would cost the harbour too much.\n\n\
            Local bakery wins national bread award\nA family-run bakery took first prize in a sourdough competition.\n\n\
            The ferry trial will be reviewed in September.\n\nOther reports by\n\nDiscuss This Article\n";
        let story = parse(text.as_bytes(), &furniture()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(story.headline, "Harbour approves ferry trial");
        assert_eq!(story.bylines, vec!["Mara Quell", "Tobias Renn"]);
        assert_eq!(story.published_at.to_rfc3339(), "2021-03-03T00:00:00+00:00");
        assert!(story.body.contains("\n\n## Why did the ferry plan take so long?\n\n"), "{}", story.body);
        assert!(!story.body.contains("bakery"));
        assert!(!story.body.contains("Discuss"));
        assert!(story.body.ends_with("reviewed in September."));
        let kinds: Vec<_> = story.dropped.iter().map(|d| (&d.kind, d.first_words.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (&DroppedKind::Furniture, "Other reports by"),
                (&DroppedKind::Furniture, "Discuss This Article"),
                (&DroppedKind::Promo, "Local bakery wins national bread award"),
            ]
        );
    }

    #[test]
    fn bad_files_say_why() {
        assert_eq!(parse(b"", &furniture()), Err(NotAStory::Empty));
        assert_eq!(parse(b"  \n\n \t\n", &furniture()), Err(NotAStory::Empty));
        assert_eq!(parse(b"\x89PNG\r\n\x1a\n\0\0", &furniture()), Err(NotAStory::NotText));
        assert_eq!(parse(b"caf\xe9", &furniture()), Err(NotAStory::NotText));
        assert_eq!(parse(b"A headline with nothing under it\n", &furniture()), Err(NotAStory::NoDate));
        assert_eq!(parse(b"Headline\nMay 1, 2020\n\n", &furniture()), Err(NotAStory::NoBody));
    }

    #[test]
    fn crlf_bom_and_trailing_spaces() {
        let text = "\u{feff}Storm warning lifted   \r\n\r\nSanna Oyelaran  \r\n2024-11-02\r\n\r\nThe warning was lifted.  \r\nRail resumes.\r\n";
        let story = parse(text.as_bytes(), &furniture()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(story.headline, "Storm warning lifted");
        assert_eq!(story.bylines, vec!["Sanna Oyelaran"]);
        assert_eq!(story.body, "The warning was lifted. Rail resumes.");
    }
}
