//! `/v1/authors`: the people on bylines, and each one's public articles.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::articles::{page_response, ArticleListParams};
use super::errors::{ReadErrors, WriteErrors};
use super::slugged::{created, owned_articles, slug_page, SlugListParams};
use super::types::{ArticleList, AuthorBody, AuthorList, AuthorRequest};
use crate::domain::{Dep, Viewer};
use crate::error::AppError;
use crate::http::extract::{JsonBody, QueryPairs, Writer};
use crate::http::response_cache::depends_on;
use crate::http::state::AppState;
use crate::service::articles::Owner;
use crate::service::authors as service;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(list_authors)
        .service(create_author)
        .service(get_author)
        .service(update_author)
        .service(delete_author)
        .service(author_articles);
}

/// List authors by slug.
#[utoipa::path(tag = "authors", params(SlugListParams),
    responses((status = 200, description = "A page of authors", body = AuthorList), ReadErrors),
    security((), ("bearer" = [])))]
#[get("")]
async fn list_authors(
    state: web::Data<AppState>,
    _viewer: Viewer,
    req: HttpRequest,
    query: QueryPairs,
) -> Result<HttpResponse, AppError> {
    let page = service::list_authors(&state.db, slug_page(&query)?).await?;
    depends_on(&req, [Dep::Authors]);
    let body = AuthorList { data: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor };
    Ok(page_response(&req, &query, &body, body.next_cursor.as_deref()))
}

/// Create an author (the slug is derived from the name when omitted).
#[utoipa::path(tag = "authors", request_body = AuthorRequest,
    responses((status = 201, description = "Created", body = AuthorBody), WriteErrors),
    security(("bearer" = [])))]
#[post("")]
async fn create_author(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    body: JsonBody<AuthorRequest>,
) -> Result<HttpResponse, AppError> {
    let author = service::save_author(&state.db, &viewer, None, body.0.into()).await?;
    Ok(created(format!("/v1/authors/{}", author.id), &AuthorBody::from(author)))
}

/// One author by id or slug.
#[utoipa::path(tag = "authors", params(("ref" = String, Path, description = "Author id or slug")),
    responses((status = 200, description = "The author", body = AuthorBody), ReadErrors),
    security((), ("bearer" = [])))]
#[get("/{ref}")]
async fn get_author(
    state: web::Data<AppState>,
    _viewer: Viewer,
    req: HttpRequest,
    reference: web::Path<String>,
) -> Result<web::Json<AuthorBody>, AppError> {
    let found = service::get_author(&state.db, &reference).await?;
    depends_on(&req, [Dep::Author(found.id)]);
    Ok(web::Json(found.into()))
}

/// Change an author (merge semantics).
#[utoipa::path(tag = "authors", params(("ref" = String, Path, description = "Author id or slug")),
    request_body = AuthorRequest,
    responses((status = 200, description = "The updated author", body = AuthorBody), WriteErrors),
    security(("bearer" = [])))]
#[patch("/{ref}")]
async fn update_author(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    reference: web::Path<String>,
    body: JsonBody<AuthorRequest>,
) -> Result<web::Json<AuthorBody>, AppError> {
    Ok(web::Json(service::save_author(&state.db, &viewer, Some(&reference), body.0.into()).await?.into()))
}

/// Delete an author; 409 while they still have bylines.
#[utoipa::path(tag = "authors", params(("ref" = String, Path, description = "Author id or slug")),
    responses((status = 204, description = "Deleted"), WriteErrors),
    security(("bearer" = [])))]
#[delete("/{ref}")]
async fn delete_author(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    reference: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    service::delete_author(&state.db, &viewer, &reference).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The author's articles: same filters and paging as the article list.
#[utoipa::path(tag = "authors",
    params(("ref" = String, Path, description = "Author id or slug"), ArticleListParams),
    responses((status = 200, description = "A page of articles", body = ArticleList), ReadErrors),
    security((), ("bearer" = [])))]
#[get("/{ref}/articles")]
async fn author_articles(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    query: QueryPairs,
    reference: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    owned_articles(&state, &viewer, &req, &query, Owner::Author, &reference).await
}
