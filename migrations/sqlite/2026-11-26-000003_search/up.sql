-- Full-text index over headline, summary and body: Porter stemming over
-- unicode61 with diacritics removed ("Zurich" finds "Zürich"). It holds no
-- copy of the text (external content); the triggers keep it in step with
-- every write in the writer's own transaction.
CREATE VIRTUAL TABLE articles_fts USING fts5(
    headline, summary, body,
    content = 'articles', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, headline, summary, body) VALUES (new.id, new.headline, new.summary, new.body);
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, headline, summary, body)
        VALUES ('delete', old.id, old.headline, old.summary, old.body);
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF headline, summary, body ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, headline, summary, body)
        VALUES ('delete', old.id, old.headline, old.summary, old.body);
    INSERT INTO articles_fts (rowid, headline, summary, body) VALUES (new.id, new.headline, new.summary, new.body);
END;
