-- What a search or a suggestion checks of each candidate, by id, without
-- reading the row itself: in SQLite the status and dates come after the
-- body in the record, so checking them meant walking its overflow pages.
CREATE INDEX articles_visibility ON articles (id, status, published_at, sort_at, updated_at, section_id);
