-- SQLite adds a change log here for cache invalidation between processes;
-- PostgreSQL carries the same news with LISTEN/NOTIFY. Kept so both sets stay in step.
SELECT 1;
