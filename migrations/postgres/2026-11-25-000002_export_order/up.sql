-- The export order (creation time, then slug) is a keyset scan, not a sort.
CREATE INDEX articles_created_slug ON articles (created_at, slug);
