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

pub(super) fn slug_page(query: &QueryPairs) -> Result<SlugPage, AppError> {
    query.only(&["limit", "cursor"])?;
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
