-- What each write changed, for the response caches of other processes on
-- the same file (a `dateline import` beside a running server): each server
-- reads the rows added since it last looked. PostgreSQL uses NOTIFY instead.
CREATE TABLE change_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    payload TEXT NOT NULL
);
