//! What the author, section and tag routes share: slug-ordered paging,
//! 201 responses, and each one's public articles.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::articles::{article_filter, article_list, page_response};
use crate::domain::{Dep, Limit, Viewer};
use crate::error::AppError;
use crate::http::extract::QueryPairs;
use crate::http::response_cache::depends_on;
use crate::http::state::AppState;
use crate::service::articles::{self as articles, Owner};
use crate::service::slugged::SlugPage;

/// Paging of the slug-ordered lists (the names the parser accepts come from here).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlugListParams {
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

pub(super) fn slug_page(query: &QueryPairs) -> Result<SlugPage, AppError> {
    query.only(&super::query_param_names::<SlugListParams>())?;
    let limit = match query.single("limit")? {
        None => Limit::default(),
        Some(v) => Limit::parse(v, Limit::MAX).ok_or_else(|| {
            AppError::BadRequest("query parameter `limit` is invalid: expected an integer from 1 to 100".into())
        })?,
    };
    Ok(SlugPage { limit, cursor: query.single("cursor")?.map(str::to_owned) })
}

pub(super) fn created<T: serde::Serialize>(location: String, body: &T) -> HttpResponse {
    HttpResponse::Created().insert_header((header::LOCATION, location)).json(body)
}

pub(super) async fn owned_articles(
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

/// Stamps out the routes of one slugged kind (authors, sections, tags):
/// list, create, read, change, delete and the kind's articles, with their
/// OpenAPI text. The handler names are given, as they are the operation ids;
/// the caller imports actix's `get`, `post`, `patch` and `delete` (utoipa
/// recognises the route attributes by those names).
macro_rules! slugged_routes {
    (
        configure: $configure:ident,
        tag: $tag:literal,
        reference: $reference:literal,
        body: $body:ident, list: $list:ident, request: $request:ident,
        deps: $list_dep:expr, $one_dep:path,
        owner: $owner:expr,
        location: $location:expr,
        list_fn: $list_fn:ident = $list_doc:literal, $list_description:literal, $service_list:path,
        create_fn: $create_fn:ident = $create_doc:literal, $service_save:path,
        get_fn: $get_fn:ident = $get_doc:literal, $get_description:literal, $service_get:path,
        update_fn: $update_fn:ident = $update_doc:literal, $update_description:literal,
        delete_fn: $delete_fn:ident = $delete_doc:literal, $service_delete:path,
        articles_fn: $articles_fn:ident = $articles_doc:literal $(,)?
    ) => {
        pub fn $configure(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
            config
                .service($list_fn)
                .service($create_fn)
                .service($get_fn)
                .service($update_fn)
                .service($delete_fn)
                .service($articles_fn);
        }

        #[doc = $list_doc]
        #[utoipa::path(tag = $tag, params($crate::rest::slugged::SlugListParams),
            responses((status = 200, description = $list_description, body = $list), $crate::rest::responses::ReadErrors),
            security((), ("bearer" = [])))]
        #[get("")]
        async fn $list_fn(
            state: actix_web::web::Data<$crate::http::state::AppState>,
            _viewer: $crate::domain::Viewer,
            req: actix_web::HttpRequest,
            query: $crate::http::extract::QueryPairs,
        ) -> Result<actix_web::HttpResponse, $crate::error::AppError> {
            let page = $service_list(&state.db, $crate::rest::slugged::slug_page(&query)?).await?;
            $crate::http::response_cache::depends_on(&req, [$list_dep]);
            let body = $list { data: page.items.into_iter().map(Into::into).collect(), next_cursor: page.next_cursor };
            Ok($crate::rest::articles::page_response(&req, &query, &body, body.next_cursor.as_deref()))
        }

        #[doc = $create_doc]
        #[utoipa::path(tag = $tag, request_body = $request,
            responses((status = 201, description = "Created", body = $body), $crate::rest::responses::WriteErrors),
            security(("bearer" = [])))]
        #[post("")]
        async fn $create_fn(
            state: actix_web::web::Data<$crate::http::state::AppState>,
            $crate::http::extract::Writer(viewer): $crate::http::extract::Writer,
            body: $crate::http::extract::JsonBody<$request>,
        ) -> Result<actix_web::HttpResponse, $crate::error::AppError> {
            let saved = $service_save(&state.db, &viewer, None, body.0.into()).await?;
            let location = ($location)(&saved);
            Ok($crate::rest::slugged::created(location, &$body::from(saved)))
        }

        #[doc = $get_doc]
        #[utoipa::path(tag = $tag, params(("ref" = String, Path, description = $reference)),
            responses((status = 200, description = $get_description, body = $body), $crate::rest::responses::ReadErrors),
            security((), ("bearer" = [])))]
        #[get("/{ref}")]
        async fn $get_fn(
            state: actix_web::web::Data<$crate::http::state::AppState>,
            _viewer: $crate::domain::Viewer,
            req: actix_web::HttpRequest,
            reference: actix_web::web::Path<String>,
        ) -> Result<actix_web::web::Json<$body>, $crate::error::AppError> {
            let found = $service_get(&state.db, &reference).await?;
            $crate::http::response_cache::depends_on(&req, [$one_dep(found.id)]);
            Ok(actix_web::web::Json(found.into()))
        }

        #[doc = $update_doc]
        #[utoipa::path(tag = $tag, params(("ref" = String, Path, description = $reference)),
            request_body = $request,
            responses((status = 200, description = $update_description, body = $body), $crate::rest::responses::WriteErrors),
            security(("bearer" = [])))]
        #[patch("/{ref}")]
        async fn $update_fn(
            state: actix_web::web::Data<$crate::http::state::AppState>,
            $crate::http::extract::Writer(viewer): $crate::http::extract::Writer,
            reference: actix_web::web::Path<String>,
            body: $crate::http::extract::JsonBody<$request>,
        ) -> Result<actix_web::web::Json<$body>, $crate::error::AppError> {
            Ok(actix_web::web::Json($service_save(&state.db, &viewer, Some(&reference), body.0.into()).await?.into()))
        }

        #[doc = $delete_doc]
        #[utoipa::path(tag = $tag, params(("ref" = String, Path, description = $reference)),
            responses((status = 204, description = "Deleted"), $crate::rest::responses::WriteErrors),
            security(("bearer" = [])))]
        #[delete("/{ref}")]
        async fn $delete_fn(
            state: actix_web::web::Data<$crate::http::state::AppState>,
            $crate::http::extract::Writer(viewer): $crate::http::extract::Writer,
            reference: actix_web::web::Path<String>,
        ) -> Result<actix_web::HttpResponse, $crate::error::AppError> {
            $service_delete(&state.db, &viewer, &reference).await?;
            Ok(actix_web::HttpResponse::NoContent().finish())
        }

        #[doc = $articles_doc]
        #[utoipa::path(tag = $tag,
            params(("ref" = String, Path, description = $reference), $crate::rest::article_params::ArticleListParams),
            responses((status = 200, description = "A page of articles", body = $crate::rest::types::ArticleList),
                $crate::rest::responses::ReadErrors),
            security((), ("bearer" = [])))]
        #[get("/{ref}/articles")]
        async fn $articles_fn(
            state: actix_web::web::Data<$crate::http::state::AppState>,
            viewer: $crate::domain::Viewer,
            req: actix_web::HttpRequest,
            query: $crate::http::extract::QueryPairs,
            reference: actix_web::web::Path<String>,
        ) -> Result<actix_web::HttpResponse, $crate::error::AppError> {
            $crate::rest::slugged::owned_articles(&state, &viewer, &req, &query, $owner, &reference).await
        }
    };
}

pub(super) use slugged_routes;
