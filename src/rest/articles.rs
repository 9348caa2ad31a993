//! `/v1/articles`: list, read, write, publish, related links and backlinks.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;

use super::article_params::ArticleListParams;
use super::requests::{ArticleRequest, PublishRequest, RelatedRequest};
use super::responses::{ReadErrors, WriteErrors};
use super::types::{ArticleBody, ArticleList, ArticleSummary, BacklinkList, RelatedBody, RelatedList, SuggestionList};
use crate::domain::time::parse_date_param;
use crate::domain::{
    ArticleCursor, ArticleFilter, ArticleSort, Dep, Limit, Page, Reference, SearchQuery, StatusFilter, Viewer,
    MAX_TAG_FILTERS,
};
use crate::error::AppError;
use crate::http::extract::{if_match, JsonBody, OptionalJsonBody, QueryPairs, Writer};
use crate::http::middleware::{etag_matches, etag_of};
use crate::http::response_cache::depends_on;
use crate::http::state::AppState;
use crate::service::articles as service;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(list_articles)
        .service(create_article)
        .service(get_article)
        .service(update_article)
        .service(delete_article)
        .service(publish_article)
        .service(unpublish_article)
        .service(get_related)
        .service(put_related)
        .service(get_backlinks)
        .service(get_suggestions);
}

/// The names the parser accepts: those `ArticleListParams` documents.
static ARTICLE_LIST_PARAMS: LazyLock<Vec<String>> = LazyLock::new(super::query_param_names::<ArticleListParams>);

fn bad_value(name: &str, expected: &str) -> AppError {
    AppError::BadRequest(format!("query parameter `{name}` is invalid: expected {expected}"))
}

/// Parses the list parameters into the one filter every article list uses.
pub fn article_filter(query: &QueryPairs) -> Result<ArticleFilter, AppError> {
    query.only(&ARTICLE_LIST_PARAMS)?;
    let search = query
        .single("q")?
        .map(|q| SearchQuery::parse(q).map_err(|why| AppError::BadRequest(format!("query parameter `q` {why}"))))
        .transpose()?;
    let date = |name: &str| -> Result<_, AppError> {
        query
            .single(name)?
            .map(|v| parse_date_param(v).ok_or_else(|| bad_value(name, "an RFC 3339 date-time or YYYY-MM-DD")))
            .transpose()
    };
    let status = match query.single("status")? {
        None => StatusFilter::Public,
        Some(v) => StatusFilter::parse(v).ok_or_else(|| bad_value("status", "published, draft, scheduled or any"))?,
    };
    let sort = match (query.single("sort")?, &search) {
        (None, Some(_)) => ArticleSort::Relevance,
        (None, None) => ArticleSort::default(),
        (Some("relevance"), None) => {
            return Err(AppError::BadRequest("query parameter `sort`: `relevance` needs `q`".into()))
        }
        (Some(v), _) => ArticleSort::parse(v)
            .ok_or_else(|| bad_value("sort", "-published_at, published_at, -updated_at or relevance (with `q`)"))?,
    };
    let limit = match query.single("limit")? {
        None => Limit::default(),
        Some(v) => Limit::parse(v, Limit::MAX).ok_or_else(|| bad_value("limit", "an integer from 1 to 100"))?,
    };
    let cursor = query.single("cursor")?.map(|c| ArticleCursor::decode(c, sort)).transpose()?;
    let tags = query.all("tag")?;
    if tags.iter().any(|t| t.is_empty()) {
        return Err(bad_value("tag", "a tag slug"));
    }
    if tags.len() > MAX_TAG_FILTERS {
        return Err(bad_value("tag", &format!("at most {MAX_TAG_FILTERS} tags")));
    }
    Ok(ArticleFilter {
        section: query.single("section")?.map(str::to_owned),
        tags,
        author: query.single("author")?.map(Reference::parse),
        published_after: date("published_after")?,
        published_before: date("published_before")?,
        status,
        sort,
        limit,
        cursor,
        links_to: None,
        search,
    })
}

/// A list response with `Link: <…>; rel="next"` when a next page exists.
pub fn page_response<T: serde::Serialize>(
    req: &HttpRequest,
    query: &QueryPairs,
    body: &T,
    next_cursor: Option<&str>,
) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    if let Some(cursor) = next_cursor {
        response.insert_header((header::LINK, format!("<{}?{}>; rel=\"next\"", req.path(), query.with_cursor(cursor))));
    }
    response.json(body)
}

pub fn article_list(page: Page<crate::domain::Article>) -> ArticleList {
    ArticleList { data: page.items.into_iter().map(ArticleSummary::from).collect(), next_cursor: page.next_cursor }
}

/// List articles, newest first. Without a preview key only public articles are listed.
#[utoipa::path(
    tag = "articles",
    params(ArticleListParams),
    responses(
        (status = 200, description = "A page of articles", body = ArticleList,
         headers(("Link" = String, description = "`<…>; rel=\"next\"` when another page follows"),
                 ("ETag" = String, description = "Strong validator of this representation"))),
        ReadErrors
    ),
    security((), ("bearer" = []))
)]
#[get("")]
async fn list_articles(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    query: QueryPairs,
) -> Result<HttpResponse, AppError> {
    let filter = article_filter(&query)?;
    let page = service::list(&state.db, &viewer, filter).await?;
    depends_on(&req, [Dep::ArticleSet]);
    let next = page.next_cursor.clone();
    Ok(page_response(&req, &query, &article_list(page), next.as_deref()))
}

/// Create an article: a draft unless `status` is `published`.
#[utoipa::path(
    tag = "articles",
    request_body = ArticleRequest,
    responses(
        (status = 201, description = "Created", body = ArticleBody,
         headers(("Location" = String, description = "URL of the new article"))),
        WriteErrors
    ),
    security(("bearer" = []))
)]
#[post("")]
async fn create_article(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    body: JsonBody<ArticleRequest>,
) -> Result<HttpResponse, AppError> {
    let detail = service::create(&state.db, &viewer, body.0.into()).await?;
    let location = format!("/v1/articles/{}", detail.article.id);
    Ok(HttpResponse::Created().insert_header((header::LOCATION, location)).json(ArticleBody::from(detail)))
}

/// One article by id or slug, with body and related links.
#[utoipa::path(
    tag = "articles",
    params(("ref" = String, Path, description = "Article id or slug")),
    responses((status = 200, description = "The article", body = ArticleBody), (status = 304, description = "Not modified"), ReadErrors),
    security((), ("bearer" = []))
)]
#[get("/{ref}")]
async fn get_article(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    reference: web::Path<String>,
) -> Result<web::Json<ArticleBody>, AppError> {
    let detail = service::get(&state.db, &viewer, &reference).await?;
    depends_on(&req, detail.dependencies());
    Ok(web::Json(detail.into()))
}

/// With `If-Match`, the version the client's ETag stands for (412 when stale).
async fn expected_version(
    state: &AppState,
    viewer: &Viewer,
    req: &HttpRequest,
    reference: &str,
) -> Result<Option<i64>, AppError> {
    let Some(wanted) = if_match(req) else {
        return Ok(None);
    };
    let detail = service::get(&state.db, viewer, reference).await?;
    let version = detail.article.version;
    let current = serde_json::to_vec(&ArticleBody::from(detail)).map_err(|e| AppError::Internal(e.into()))?;
    if etag_matches(&wanted, &etag_of(&current)) {
        Ok(Some(version))
    } else {
        Err(AppError::PreconditionFailed)
    }
}

/// Change an article (merge semantics). `If-Match: <etag>` makes it conditional.
#[utoipa::path(
    tag = "articles",
    params(("ref" = String, Path, description = "Article id or slug"),
           ("If-Match" = Option<String>, Header, description = "ETag from a previous GET; 412 when stale")),
    request_body = ArticleRequest,
    responses((status = 200, description = "The updated article", body = ArticleBody), WriteErrors),
    security(("bearer" = []))
)]
#[patch("/{ref}")]
async fn update_article(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    req: HttpRequest,
    reference: web::Path<String>,
    body: JsonBody<ArticleRequest>,
) -> Result<web::Json<ArticleBody>, AppError> {
    let version = expected_version(&state, &viewer, &req, &reference).await?;
    let detail = service::update(&state.db, &viewer, &reference, body.0.into(), version).await?;
    Ok(web::Json(detail.into()))
}

/// Delete an article; links pointing to it go with it.
#[utoipa::path(
    tag = "articles",
    params(("ref" = String, Path, description = "Article id or slug"),
           ("If-Match" = Option<String>, Header, description = "ETag from a previous GET; 412 when stale")),
    responses((status = 204, description = "Deleted"), WriteErrors),
    security(("bearer" = []))
)]
#[delete("/{ref}")]
async fn delete_article(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    req: HttpRequest,
    reference: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let version = expected_version(&state, &viewer, &req, &reference).await?;
    service::delete(&state.db, &viewer, &reference, version).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Publish: `published_at` from the body, else the one kept, else now. A future date schedules.
#[utoipa::path(
    tag = "articles",
    params(("ref" = String, Path, description = "Article id or slug")),
    request_body(content = Option<PublishRequest>, description = "Optional"),
    responses((status = 200, description = "The published article", body = ArticleBody), WriteErrors),
    security(("bearer" = []))
)]
#[post("/{ref}/publish")]
async fn publish_article(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    reference: web::Path<String>,
    body: OptionalJsonBody<PublishRequest>,
) -> Result<web::Json<ArticleBody>, AppError> {
    let published_at = body.0.and_then(|b| b.published_at);
    let detail = service::publish(&state.db, &viewer, &reference, published_at).await?;
    Ok(web::Json(detail.into()))
}

/// Back to draft; `published_at` is kept for a later publish.
#[utoipa::path(
    tag = "articles",
    params(("ref" = String, Path, description = "Article id or slug")),
    responses((status = 200, description = "The article, now a draft", body = ArticleBody), WriteErrors),
    security(("bearer" = []))
)]
#[post("/{ref}/unpublish")]
async fn unpublish_article(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    reference: web::Path<String>,
) -> Result<web::Json<ArticleBody>, AppError> {
    let detail = service::unpublish(&state.db, &viewer, &reference).await?;
    Ok(web::Json(detail.into()))
}

/// Related links in order; targets the caller may not see are left out.
#[utoipa::path(
    tag = "articles",
    params(("ref" = String, Path, description = "Article id or slug")),
    responses((status = 200, description = "Related links", body = RelatedList), ReadErrors),
    security((), ("bearer" = []))
)]
#[get("/{ref}/related")]
async fn get_related(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    reference: web::Path<String>,
) -> Result<web::Json<RelatedList>, AppError> {
    let detail = service::get(&state.db, &viewer, &reference).await?;
    depends_on(&req, detail.dependencies());
    Ok(web::Json(RelatedList { data: detail.related.into_iter().map(RelatedBody::from).collect() }))
}

/// Replace the related links: at most 50, no self-links, no duplicates, targets must exist.
#[utoipa::path(
    tag = "articles",
    params(("ref" = String, Path, description = "Article id or slug")),
    request_body(content = Vec<RelatedRequest>, example = json!([{"article": "storm-warning-lifted"}, {"url": "https://example.org/report", "title": "The full report"}])),
    responses((status = 200, description = "The links as stored", body = RelatedList), WriteErrors),
    security(("bearer" = []))
)]
#[put("/{ref}/related")]
async fn put_related(
    state: web::Data<AppState>,
    Writer(viewer): Writer,
    reference: web::Path<String>,
    body: JsonBody<Vec<RelatedRequest>>,
) -> Result<web::Json<RelatedList>, AppError> {
    let links = body.0.into_iter().map(Into::into).collect();
    let links = service::set_related(&state.db, &viewer, &reference, links).await?;
    Ok(web::Json(RelatedList { data: links.into_iter().map(RelatedBody::from).collect() }))
}

/// Articles whose related links point at this one (at most 100, newest first).
#[utoipa::path(
    tag = "articles",
    params(("ref" = String, Path, description = "Article id or slug")),
    responses((status = 200, description = "Linking articles", body = BacklinkList), ReadErrors),
    security((), ("bearer" = []))
)]
#[get("/{ref}/backlinks")]
async fn get_backlinks(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    reference: web::Path<String>,
) -> Result<web::Json<BacklinkList>, AppError> {
    let found = service::backlinks(&state.db, &viewer, &reference).await?;
    // Which articles link here changes with writes to the others.
    depends_on(&req, [Dep::ArticleSet]);
    Ok(web::Json(BacklinkList { data: found.into_iter().map(ArticleSummary::from).collect() }))
}

/// Paging of suggestions (the names the parser accepts come from here too).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestionParams {
    /// How many, 1–50 (default 10).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<u32>,
}

/// Public articles like this one: shared tags, authors and section, best first,
/// newer first on ties; itself and the articles it already links to excluded.
#[utoipa::path(
    tag = "articles",
    params(("ref" = String, Path, description = "Article id or slug"), SuggestionParams),
    responses((status = 200, description = "Suggested articles", body = SuggestionList), ReadErrors),
    security((), ("bearer" = []))
)]
#[get("/{ref}/suggestions")]
async fn get_suggestions(
    state: web::Data<AppState>,
    viewer: Viewer,
    req: HttpRequest,
    query: QueryPairs,
    reference: web::Path<String>,
) -> Result<web::Json<SuggestionList>, AppError> {
    query.only(&super::query_param_names::<SuggestionParams>())?;
    let limit = match query.single("limit")? {
        None => 10,
        Some(v) => Limit::parse(v, service::MAX_SUGGESTIONS)
            .ok_or_else(|| bad_value("limit", "an integer from 1 to 50"))?
            .get(),
    };
    let found = service::suggestions(&state.db, &viewer, &reference, limit).await?;
    depends_on(&req, [Dep::ArticleSet]);
    Ok(web::Json(SuggestionList { data: found.into_iter().map(ArticleSummary::from).collect() }))
}
