//! The query parameters of every article list, documented once: the
//! OpenAPI document lists their fields and the parser accepts exactly
//! their names (`rest::articles`).

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// Which articles to list: every article list takes these. The one
/// definition of the list parameters: the OpenAPI document lists its
/// fields, and the parser accepts exactly their names
/// (`ARTICLE_LIST_PARAMS`); it is never built, only read by both.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleListParams {
    /// Section slug.
    #[param(min_length = 1)]
    pub section: Option<String>,
    /// Tag slug; repeat it for several, at most 10 (all must match).
    pub tag: Option<Vec<String>>,
    /// Author id or slug.
    #[param(min_length = 1)]
    pub author: Option<String>,
    /// Full-text search: words (all must match), `"exact phrase"`, `-excluded`; at most 500 characters.
    /// Each item then carries a `highlight`, and the default order is `relevance`.
    #[param(min_length = 1, max_length = 500)]
    pub q: Option<String>,
    /// Published at or after (RFC 3339 or `YYYY-MM-DD`, meaning 00:00 UTC).
    #[param(schema_with = date_filter)]
    pub published_after: Option<String>,
    /// Published before (exclusive).
    #[param(schema_with = date_filter)]
    pub published_before: Option<String>,
    /// `published` (default: public articles), or `draft`, `scheduled`, `any` (these need a preview key).
    #[param(inline)]
    pub status: Option<StatusParam>,
    /// Order: newest first by default; `relevance` (best match first) needs `q` and is its default.
    #[param(inline)]
    pub sort: Option<SortParam>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// A date filter as the parser takes it (`domain::time::parse_date_param`):
/// an RFC 3339 date-time or a bare date.
fn date_filter() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type};
    let string =
        |format| ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(format)));
    let either = OneOfBuilder::new()
        .description(Some("An RFC 3339 date-time, or `YYYY-MM-DD` meaning 00:00 UTC that day."))
        .item(string(KnownFormat::DateTime))
        .item(string(KnownFormat::Date));
    Schema::OneOf(either.build()).into()
}

// The values of `status` (the parser: `StatusFilter::parse`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatusParam {
    Published,
    Draft,
    Scheduled,
    Any,
}

// The values of `sort` (the parser: `ArticleSort::parse`).
#[derive(Debug, Deserialize, ToSchema)]
pub enum SortParam {
    #[serde(rename = "-published_at")]
    PublishedDesc,
    #[serde(rename = "published_at")]
    PublishedAsc,
    #[serde(rename = "-updated_at")]
    UpdatedDesc,
    #[serde(rename = "relevance")]
    Relevance,
}
