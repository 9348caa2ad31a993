-- Headline words alone, for "more like this": matching them in the
-- whole-document vector rechecked every candidate's ~5.5 KB tsvector.
CREATE INDEX articles_headline_search ON articles USING gin (to_tsvector('dateline'::regconfig, headline));
