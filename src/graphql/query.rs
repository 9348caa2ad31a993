//! Query root: reads, with the same visibility rules as REST.

use async_graphql::{Context, ErrorExtensions, Object, Result, ID};

use super::inputs::{article_page, ArticleFilterInput, ArticleSortInput, PageArgs};
use super::types::{article_connection, Article, ArticleConnection, Author, Section, Tag};
use super::types::{AuthorConnection, TagConnection};
use super::{bad_input, GqlResult};
use crate::domain::{encode_slug_cursor, Limit, Viewer};
use crate::error::AppError;
use crate::service::articles;
use crate::service::slugged::SlugPage;
use crate::service::{authors, taxonomy};
use crate::store::Db;

pub struct QueryRoot;

/// `id` or `slug`, exactly one; an id must be a number.
fn reference(id: Option<ID>, slug: Option<String>) -> Result<String> {
    match (id, slug) {
        (Some(id), None) if id.parse::<i64>().is_ok() => Ok(id.to_string()),
        (Some(_), None) => Err(bad_input("id", "must be a numeric id")),
        (None, Some(slug)) => Ok(slug),
        _ => Err(bad_input("id", "give exactly one of `id` and `slug`")),
    }
}

/// Missing (or hidden) is `null`, not an error.
fn found<T>(result: Result<T, AppError>) -> Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(AppError::NotFound { .. }) => Ok(None),
        Err(other) => Err(other.extend()),
    }
}

fn slug_page(first: Option<i32>, after: Option<String>) -> Result<SlugPage> {
    let limit = match first {
        None => Limit::default(),
        Some(n) => {
            Limit::parse(&n.to_string(), Limit::MAX).ok_or_else(|| bad_input("first", "must be from 1 to 100"))?
        }
    };
    Ok(SlugPage { limit, cursor: after })
}

#[Object]
/// What can be read.
impl QueryRoot {
    /// One article by id or slug; `null` when there is none the caller may see.
    async fn article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's id")] id: Option<ID>,
        #[graphql(desc = "The article's slug")] slug: Option<String>,
    ) -> Result<Option<Article>> {
        let reference = reference(id, slug)?;
        let detail = found(articles::get(ctx.data::<Db>()?, ctx.data::<Viewer>()?, &reference).await)?;
        Ok(detail.map(|d| Article(d.article)))
    }

    /// Articles, newest first by default; public ones unless `filter.status` says otherwise.
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which articles")] filter: Option<ArticleFilterInput>,
        #[graphql(desc = "Their order")] sort: Option<ArticleSortInput>,
        #[graphql(desc = "Page size, 1–100 (default 20)")] first: Option<i32>,
        #[graphql(desc = "`endCursor` of the previous page")] after: Option<String>,
    ) -> Result<ArticleConnection> {
        let filter = filter.unwrap_or_default().into_filter(sort)?;
        let filter = article_page(filter, PageArgs { first, after })?;
        let sort = filter.sort;
        let page = articles::list(ctx.data::<Db>()?, ctx.data::<Viewer>()?, filter).await.gql()?;
        Ok(article_connection(page, sort))
    }

    /// One author by id or slug.
    async fn author(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The author's id")] id: Option<ID>,
        #[graphql(desc = "The author's slug")] slug: Option<String>,
    ) -> Result<Option<Author>> {
        let reference = reference(id, slug)?;
        Ok(found(authors::get_author(ctx.data::<Db>()?, &reference).await)?.map(Author))
    }

    /// Authors by slug.
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn authors(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1–100 (default 20)")] first: Option<i32>,
        #[graphql(desc = "`endCursor` of the previous page")] after: Option<String>,
    ) -> Result<AuthorConnection> {
        let page = authors::list_authors(ctx.data::<Db>()?, slug_page(first, after)?).await.gql()?;
        Ok(AuthorConnection::from_page(page, |a| encode_slug_cursor(&a.slug), Author))
    }

    /// One section by slug.
    async fn section(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The section's slug")] slug: String,
    ) -> Result<Option<Section>> {
        Ok(found(taxonomy::get_section(ctx.data::<Db>()?, &slug).await)?.map(Section))
    }

    /// Every section, by slug.
    async fn sections(&self, ctx: &Context<'_>) -> Result<Vec<Section>> {
        Ok(taxonomy::all_sections(ctx.data::<Db>()?).await.gql()?.into_iter().map(Section).collect())
    }

    /// One tag by slug.
    async fn tag(&self, ctx: &Context<'_>, #[graphql(desc = "The tag's slug")] slug: String) -> Result<Option<Tag>> {
        Ok(found(taxonomy::get_tag(ctx.data::<Db>()?, &slug).await)?.map(Tag))
    }

    /// Tags by slug.
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1–100 (default 20)")] first: Option<i32>,
        #[graphql(desc = "`endCursor` of the previous page")] after: Option<String>,
    ) -> Result<TagConnection> {
        let page = taxonomy::list_tags(ctx.data::<Db>()?, slug_page(first, after)?).await.gql()?;
        Ok(TagConnection::from_page(page, |t| encode_slug_cursor(&t.slug), Tag))
    }
}
