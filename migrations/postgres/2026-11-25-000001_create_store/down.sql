DROP TABLE api_keys;
DROP TABLE related_links;
DROP TABLE article_tags;
DROP TABLE bylines;
DROP TABLE articles;
DROP TABLE tags;
DROP TABLE sections;
DROP TABLE authors;
