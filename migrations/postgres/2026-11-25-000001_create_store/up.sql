-- The whole store: authors, sections, tags, articles with bylines, tags and
-- related links, and API keys. Timestamps are UTC, microsecond precision.
CREATE TABLE authors (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    bio TEXT,
    avatar_url TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE sections (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT
);

CREATE TABLE tags (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE articles (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    headline TEXT NOT NULL,
    summary TEXT,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    published_at TIMESTAMP,
    -- published_at, or created_at while there is none: the keyset of the
    -- default order, never NULL so both backends order it the same way.
    sort_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    dateline TEXT,
    section_id BIGINT REFERENCES sections (id) ON DELETE RESTRICT,
    language TEXT NOT NULL,
    canonical_url TEXT,
    word_count INTEGER NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX articles_status_sort ON articles (status, sort_at, id);
CREATE INDEX articles_updated ON articles (updated_at, id);
CREATE INDEX articles_section_sort ON articles (section_id, sort_at, id);

CREATE TABLE bylines (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES authors (id) ON DELETE RESTRICT,
    position INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('author', 'contributor', 'editor', 'photographer')),
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX bylines_author ON bylines (author_id, article_id);

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE RESTRICT,
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags (tag_id, article_id);

CREATE TABLE related_links (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    target_article_id BIGINT REFERENCES articles (id) ON DELETE CASCADE,
    url TEXT,
    title TEXT,
    PRIMARY KEY (article_id, position),
    CHECK ((target_article_id IS NOT NULL AND url IS NULL AND title IS NULL)
        OR (target_article_id IS NULL AND url IS NOT NULL AND title IS NOT NULL))
);
CREATE INDEX related_links_target ON related_links (target_article_id);

CREATE TABLE api_keys (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('preview', 'write', 'admin')),
    prefix TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_keys_prefix ON api_keys (prefix);
