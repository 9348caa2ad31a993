-- Full-text search: English stemming with accents removed ("Zurich" finds
-- "Zürich"), headline weighted A, summary B, body C. A generated column is
-- recomputed by PostgreSQL itself on every insert and update, so the index
-- can never fall behind a write.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION dateline (COPY = english);
ALTER TEXT SEARCH CONFIGURATION dateline
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('dateline'::regconfig, headline), 'A')
    || setweight(to_tsvector('dateline'::regconfig, coalesce(summary, '')), 'B')
    || setweight(to_tsvector('dateline'::regconfig, body), 'C')
) STORED;

CREATE INDEX articles_search ON articles USING gin (search);
