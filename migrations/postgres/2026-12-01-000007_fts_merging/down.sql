-- SQLite's full-text index settings (its migration 000007); nothing to do
-- here, kept so both backends have the same migrations.
SELECT 1;
