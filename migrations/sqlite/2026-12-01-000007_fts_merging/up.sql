-- Full-text index tuning for large writes (bulk imports). FTS5 keeps the
-- terms of a transaction in memory and writes them out as a segment each
-- time they pass `hashsize` (1 MiB by default: several segments per
-- 1,000-article import batch), and merges segments whenever `automerge`
-- (4) of them pile up on one level: merging was a third of an import's time.
-- 16 MiB and 8 cut the index's part of an import by about a fifth; a
-- bulk import still ends with 'optimize' (one segment). Small API writes
-- never reach 16 MiB; searches read at most a few more segments between
-- merges. The settings live in the index's own config table.
INSERT INTO articles_fts (articles_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 8);
