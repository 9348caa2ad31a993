DROP INDEX articles_created_slug;
