-- PostgreSQL adds an index on headline words here; the SQLite FTS5 index
-- already answers `{headline} : …` queries. Kept so both sets stay in step.
SELECT 1;
