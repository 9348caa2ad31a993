//! `/v1/authors`, `/v1/sections`, `/v1/tags`: the content around articles,
//! and each one's public articles.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::articles::{article_filter, article_list, page_response, ArticleListParams};
use super::errors::{ReadErrors, WriteErrors};
use super::types::{
    ArticleList, AuthorBody, AuthorList, AuthorRequest, SectionBody, SectionList, SectionRequest, TagBody, TagList,
    TagRequest,
};
use crate::domain::{Dep, Limit, Viewer};
use crate::error::AppError;
use crate::http::extract::{JsonBody, QueryPairs, Writer};
use crate::http::response_cache::depends_on;
use crate::http::state::AppState;
use crate::service::articles::{self as articles, Owner};
use crate::service::people::{self as service, SlugPage};

pub fn configure_authors(config: &mut ServiceConfig) {
    config
        .service(list_authors)
        .service(create_author)
        .service(get_author)
        .service(update_author)
        .service(delete_author)
        .service(author_articles);
}

pub fn configure_sections(config: &mut ServiceConfig) {
    config
        .service(list_sections)
        .service(create_section)
        .service(get_section)
        .service(update_section)
        .service(delete_section)
        .service(section_articles);
}

pub fn configure_tags(config: &mut ServiceConfig) {
    config
        .service(list_tags)
        .service(create_tag)
        .service(get_tag)
        .service(update_tag)
        .service(delete_tag)
        .service(tag_articles);
}

/// Paging of the slug-ordered lists.
#[allow(dead_code)]
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlugListParams {
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

fn slug_page(query: &QueryPairs) -> Result<SlugPage, AppError> {
    query.only(&["limit", "cursor"])?;
    let limit = match query.single("limit")? {
        None => Limit::default(),
        Some(v) => Limit::parse(v, Limit::MAX).ok_or_else(|| {
            AppError::BadRequest("query parameter `limit` is invalid: expected an integer from 1 to 100".into())
        })?,
    };
    Ok(SlugPage { limit, cursor: query.single("cursor")?.map(str::to_owned) })
}

fn created<T: serde::Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created().insert_header((header::LOCATION, location)).json(body)
}

async fn owned_articles(
    state: &AppState,
    viewer: &Viewer,
    req: &HttpRequest,
    query: &QueryPairs,
    owner: Owner,
    reference: &str,
) -> Result<HttpResponse, AppError> {
    let filter = article_filter(query)?;
    let page = articles::list_of(&state.db, viewer, owner, reference, filter).await?;
    // A rename or deletion of the owner changes the article set too.
    depends_on(req, [Dep::ArticleSet]);
    let next = page.next_cursor.clone();
    Ok(page_response(req, query, &article_list(page), next.as_deref()))
}

// ---- authors ----

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

// ---- sections ----

/// List sections by slug.
#[utoipa::path(tag = "sections", params(SlugListParams),
    responses((status = 200, description = "A page of sections", body = SectionList), ReadErrors),
    security((), ("bearer" = [])))]
#[get("")]
async fn list_sections(
    state: web::Data<AppState>,
    _viewer: Viewer,
    req: HttpRequest,
    query: QueryPairs,
) -> Result<HttpResponse, AppError> {
    let page = service::list_sections(&state.db, slug_page(&query)?).await?;
    depends_on(&req, [Dep::Sections]);
    let body = SectionList { data: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor };
    Ok(page_response(&req, &query, &body, body.next_cursor.as_deref()))
}

/// Create a section.
#[utoipa::path(tag = "sections", request_body = SectionRequest,
    responses((status = 201, description = "Created", body = SectionBody), WriteErrors),
    security(("bearer" = [])))]
#[post("")]
async fn create_section(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    body: JsonBody<SectionRequest>,
) -> Result<HttpResponse, AppError> {
    let section = service::save_section(&state.db, &viewer, None, body.0.into()).await?;
    Ok(created(format!("/v1/sections/{}", section.slug), &SectionBody::from(section)))
}

/// One section by id or slug.
#[utoipa::path(tag = "sections", params(("ref" = String, Path, description = "Section id or slug")),
    responses((status = 200, description = "The section", body = SectionBody), ReadErrors),
    security((), ("bearer" = [])))]
#[get("/{ref}")]
async fn get_section(
    state: web::Data<AppState>,
    _viewer: Viewer,
    req: HttpRequest,
    reference: web::Path<String>,
) -> Result<web::Json<SectionBody>, AppError> {
    let found = service::get_section(&state.db, &reference).await?;
    depends_on(&req, [Dep::Section(found.id)]);
    Ok(web::Json(found.into()))
}

/// Change a section (merge semantics).
#[utoipa::path(tag = "sections", params(("ref" = String, Path, description = "Section id or slug")),
    request_body = SectionRequest,
    responses((status = 200, description = "The updated section", body = SectionBody), WriteErrors),
    security(("bearer" = [])))]
#[patch("/{ref}")]
async fn update_section(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    reference: web::Path<String>,
    body: JsonBody<SectionRequest>,
) -> Result<web::Json<SectionBody>, AppError> {
    Ok(web::Json(service::save_section(&state.db, &viewer, Some(&reference), body.0.into()).await?.into()))
}

/// Delete a section; 409 while articles are in it.
#[utoipa::path(tag = "sections", params(("ref" = String, Path, description = "Section id or slug")),
    responses((status = 204, description = "Deleted"), WriteErrors),
    security(("bearer" = [])))]
#[delete("/{ref}")]
async fn delete_section(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    reference: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    service::delete_section(&state.db, &viewer, &reference).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The section's articles: same filters and paging as the article list.
#[utoipa::path(tag = "sections",
    params(("ref" = String, Path, description = "Section id or slug"), ArticleListParams),
    responses((status = 200, description = "A page of articles", body = ArticleList), ReadErrors),
    security((), ("bearer" = [])))]
#[get("/{ref}/articles")]
async fn section_articles(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    query: QueryPairs,
    reference: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    owned_articles(&state, &viewer, &req, &query, Owner::Section, &reference).await
}

// ---- tags ----

/// List tags by slug.
#[utoipa::path(tag = "tags", params(SlugListParams),
    responses((status = 200, description = "A page of tags", body = TagList), ReadErrors),
    security((), ("bearer" = [])))]
#[get("")]
async fn list_tags(
    state: web::Data<AppState>,
    _viewer: Viewer,
    req: HttpRequest,
    query: QueryPairs,
) -> Result<HttpResponse, AppError> {
    let page = service::list_tags(&state.db, slug_page(&query)?).await?;
    depends_on(&req, [Dep::Tags]);
    let body = TagList { data: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor };
    Ok(page_response(&req, &query, &body, body.next_cursor.as_deref()))
}

/// Create a tag.
#[utoipa::path(tag = "tags", request_body = TagRequest,
    responses((status = 201, description = "Created", body = TagBody), WriteErrors),
    security(("bearer" = [])))]
#[post("")]
async fn create_tag(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    body: JsonBody<TagRequest>,
) -> Result<HttpResponse, AppError> {
    let tag = service::save_tag(&state.db, &viewer, None, body.0.into()).await?;
    Ok(created(format!("/v1/tags/{}", tag.slug), &TagBody::from(tag)))
}

/// One tag by id or slug.
#[utoipa::path(tag = "tags", params(("ref" = String, Path, description = "Tag id or slug")),
    responses((status = 200, description = "The tag", body = TagBody), ReadErrors),
    security((), ("bearer" = [])))]
#[get("/{ref}")]
async fn get_tag(
    state: web::Data<AppState>,
    _viewer: Viewer,
    req: HttpRequest,
    reference: web::Path<String>,
) -> Result<web::Json<TagBody>, AppError> {
    let found = service::get_tag(&state.db, &reference).await?;
    depends_on(&req, [Dep::Tag(found.id)]);
    Ok(web::Json(found.into()))
}

/// Change a tag (merge semantics).
#[utoipa::path(tag = "tags", params(("ref" = String, Path, description = "Tag id or slug")),
    request_body = TagRequest,
    responses((status = 200, description = "The updated tag", body = TagBody), WriteErrors),
    security(("bearer" = [])))]
#[patch("/{ref}")]
async fn update_tag(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    reference: web::Path<String>,
    body: JsonBody<TagRequest>,
) -> Result<web::Json<TagBody>, AppError> {
    Ok(web::Json(service::save_tag(&state.db, &viewer, Some(&reference), body.0.into()).await?.into()))
}

/// Delete a tag; 409 while articles carry it.
#[utoipa::path(tag = "tags", params(("ref" = String, Path, description = "Tag id or slug")),
    responses((status = 204, description = "Deleted"), WriteErrors),
    security(("bearer" = [])))]
#[delete("/{ref}")]
async fn delete_tag(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    reference: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    service::delete_tag(&state.db, &viewer, &reference).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The tag's articles: same filters and paging as the article list.
#[utoipa::path(tag = "tags",
    params(("ref" = String, Path, description = "Tag id or slug"), ArticleListParams),
    responses((status = 200, description = "A page of articles", body = ArticleList), ReadErrors),
    security((), ("bearer" = [])))]
#[get("/{ref}/articles")]
async fn tag_articles(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    query: QueryPairs,
    reference: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    owned_articles(&state, &viewer, &req, &query, Owner::Tag, &reference).await
}
