//! `/v1/sections` and `/v1/tags`: how articles are filed, and each
//! section's and tag's public articles.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::articles::{page_response, ArticleListParams};
use super::errors::{ReadErrors, WriteErrors};
use super::slugged::{created, owned_articles, slug_page, SlugListParams};
use super::types::{ArticleList, SectionBody, SectionList, SectionRequest, TagBody, TagList, TagRequest};
use crate::domain::{Dep, Viewer};
use crate::error::AppError;
use crate::http::extract::{JsonBody, QueryPairs, Writer};
use crate::http::response_cache::depends_on;
use crate::http::state::AppState;
use crate::service::articles::Owner;
use crate::service::taxonomy as service;

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
