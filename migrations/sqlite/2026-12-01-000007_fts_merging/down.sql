DELETE FROM articles_fts_config WHERE k IN ('hashsize', 'automerge');
