#!/usr/bin/env python3
"""Writes a deterministic NDJSON newsroom for `dateline import`.

Usage: bench/generate.py [--articles N] [--seed S] > newsroom.ndjson

N articles (default 100,000) of about 600 words, 1-3 bylines, a section,
1-4 tags, 0-3 related links, five years of dates; about 3% drafts and 2%
scheduled; half of them with a summary. Words follow Zipf's law over a
vocabulary of news words and 30,000 made-up ones, as real text does, so a
search for two words finds a few hundred stories rather than all of them.
The same seed gives the same bytes.
"""
import argparse
import itertools
import json
import random
import sys

COMMON = (
    "the council harbour ferry storm minister election vote budget police court river bridge school hospital "
    "market report officials said week year city village coast mountain rail road airport union strike "
    "price energy water climate weather fire flood crops farmers trade talks border government parliament "
    "president mayor protest festival museum theatre music football league season record research study "
    "scientists doctors patients teachers students children families residents workers drivers passengers "
    "plan review decision approval delay trial service crossing night morning evening spokesman statement"
).split()
SYLLABLES = "ba ce di fo gu ka le mi no pu ra se ti vo zu an el in or us ta ne ri lo".split()


def vocabulary(size, seed):
    """The common words first, then made-up words of two to four syllables."""
    rng = random.Random(seed)
    words, seen = list(COMMON), set(COMMON)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randrange(2, 5)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


WORDS = vocabulary(30_000, seed=7)
# Zipf's law: the word of rank r is used in proportion to 1 / r.
CUM_WEIGHTS = list(itertools.accumulate(1.0 / rank for rank in range(1, len(WORDS) + 1)))

SECTIONS = ["world", "local", "politics", "business", "science", "sport", "culture", "health"]
TAGS = [f"topic-{i}" for i in range(200)]
ROLES = ["author", "author", "author", "contributor", "editor", "photographer"]
BASE = 1_577_836_800  # 2020-01-01T00:00:00Z
FIVE_YEARS = 5 * 365 * 86_400


def stamp(seconds):
    import datetime

    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def paragraph(rng, words):
    text = " ".join(rng.choices(WORDS, cum_weights=CUM_WEIGHTS, k=words))
    return text[0].upper() + text[1:] + "."


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--authors", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    created = stamp(BASE)
    for i in range(args.authors):
        out.write(json.dumps({"type": "author", "slug": f"author-{i:04d}", "name": f"Author {i}", "bio": None,
                              "avatar_url": None, "created_at": created, "updated_at": created}) + "\n")
    for slug in SECTIONS:
        out.write(json.dumps({"type": "section", "slug": slug, "name": slug.title(), "description": None}) + "\n")
    for slug in TAGS:
        out.write(json.dumps({"type": "tag", "slug": slug, "name": slug.replace("-", " ").title()}) + "\n")
    for i in range(args.articles):
        published = BASE + rng.randrange(FIVE_YEARS)
        kind = rng.random()
        status, published_at = "published", stamp(published)
        if kind < 0.03:
            status, published_at = "draft", None
        elif kind < 0.05:
            published_at = stamp(BASE + FIVE_YEARS + 86_400 * 365 * 10 + rng.randrange(86_400 * 30))
        body = "\n\n".join(paragraph(rng, rng.randrange(40, 80)) for _ in range(10))
        authors = rng.sample(range(args.authors), rng.randrange(1, 4))
        related = [{"article": f"story-{j:06d}"} for j in rng.sample(range(max(i, 1)), min(i, rng.randrange(0, 4)))]
        out.write(json.dumps({
            "type": "article", "slug": f"story-{i:06d}", "headline": paragraph(rng, rng.randrange(6, 12))[:-1],
            "summary": paragraph(rng, 20) if rng.random() < 0.5 else None, "body": body, "status": status, "published_at": published_at,
            "created_at": stamp(published), "updated_at": stamp(published), "dateline": None,
            "section": rng.choice(SECTIONS), "language": "en", "canonical_url": None, "version": 1,
            "tags": rng.sample(TAGS, rng.randrange(1, 5)),
            "bylines": [{"author": f"author-{a:04d}", "role": rng.choice(ROLES)} for a in authors],
            "related": related,
        }) + "\n")


if __name__ == "__main__":
    main()
