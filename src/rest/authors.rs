//! `/v1/authors`: the people on bylines, and each one's public articles.

use actix_web::{delete, get, patch, post};

use super::requests::AuthorRequest;
use super::slugged::slugged_routes;
use super::types::{AuthorBody, AuthorList};
use crate::domain::{Author, Dep};
use crate::service::articles::Owner;
use crate::service::authors as service;

slugged_routes! {
    configure: configure,
    tag: "authors",
    reference: "Author id or slug",
    body: AuthorBody, list: AuthorList, request: AuthorRequest,
    deps: Dep::Authors, Dep::Author,
    owner: Owner::Author,
    location: |author: &Author| format!("/v1/authors/{}", author.id),
    list_fn: list_authors = "List authors by slug.", "A page of authors", service::list_authors,
    create_fn: create_author = "Create an author (the slug is derived from the name when omitted).", service::save_author,
    get_fn: get_author = "One author by id or slug.", "The author", service::get_author,
    update_fn: update_author = "Change an author (merge semantics).", "The updated author",
    delete_fn: delete_author = "Delete an author; 409 while they still have bylines.", service::delete_author,
    articles_fn: author_articles = "The author's articles: same filters and paging as the article list.",
}
