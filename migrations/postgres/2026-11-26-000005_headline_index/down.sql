DROP INDEX articles_headline_search;
