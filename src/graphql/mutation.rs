//! Mutation root: every write REST can do, through the same service functions.

use async_graphql::{Context, Object, Result};

use super::inputs::{
    related_inputs, ArticleInput, AuthorInputObject, RelatedLinkInput, SectionInputObject, TagInputObject,
};
use super::types::{Article, Author, DateTime, RelatedLink, Section, Tag};
use super::GqlResult;
use crate::domain::Viewer;
use crate::service::articles::{self, ResolvedLink};
use crate::service::{authors, taxonomy};
use crate::store::Db;

pub struct MutationRoot;

fn parts<'a>(ctx: &'a Context<'_>) -> Result<(&'a Db, &'a Viewer)> {
    Ok((ctx.data::<Db>()?, ctx.data::<Viewer>()?))
}

#[Object]
/// What can be changed (a `write` key is needed).
impl MutationRoot {
    /// Create an article (a draft unless `status` is `PUBLISHED`).
    async fn create_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its fields")] input: ArticleInput,
    ) -> Result<Article> {
        let (db, viewer) = parts(ctx)?;
        Ok(Article(articles::create(db, viewer, input.into()).await.gql()?.article))
    }

    /// Change an article: fields left out are kept, `null` clears.
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref", desc = "Article id or slug")] reference: String,
        #[graphql(desc = "The fields to change")] input: ArticleInput,
    ) -> Result<Article> {
        let (db, viewer) = parts(ctx)?;
        Ok(Article(articles::update(db, viewer, &reference, input.into(), None).await.gql()?.article))
    }

    /// Delete an article; links to it go with it. True when done.
    async fn delete_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref", desc = "Article id or slug")] reference: String,
    ) -> Result<bool> {
        let (db, viewer) = parts(ctx)?;
        articles::delete(db, viewer, &reference, None).await.gql()?;
        Ok(true)
    }

    /// Publish: `publishedAt` if given, else the date kept, else now.
    async fn publish_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref", desc = "Article id or slug")] reference: String,
        #[graphql(desc = "When; a future time schedules")] published_at: Option<DateTime>,
    ) -> Result<Article> {
        let (db, viewer) = parts(ctx)?;
        Ok(Article(articles::publish(db, viewer, &reference, published_at.map(|d| d.0)).await.gql()?.article))
    }

    /// Back to draft, keeping `publishedAt`.
    async fn unpublish_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref", desc = "Article id or slug")] reference: String,
    ) -> Result<Article> {
        let (db, viewer) = parts(ctx)?;
        Ok(Article(articles::unpublish(db, viewer, &reference).await.gql()?.article))
    }

    /// Replace the related links of an article (at most 50, no self-links, no duplicates).
    async fn set_related_links(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref", desc = "Article id or slug")] reference: String,
        #[graphql(desc = "The links, in order")] links: Vec<RelatedLinkInput>,
    ) -> Result<Vec<RelatedLink>> {
        let (db, viewer) = parts(ctx)?;
        let links = related_inputs(links)?;
        articles::set_related(db, viewer, &reference, links).await.gql()?;
        let article = articles::get(db, viewer, &reference).await.gql()?.article;
        let mut resolved = articles::related_of_many(db, viewer, vec![article.id]).await.gql()?;
        let links: Vec<ResolvedLink> = resolved.remove(&article.id).unwrap_or_default();
        Ok(links.into_iter().map(RelatedLink::from).collect())
    }

    /// Create an author.
    async fn create_author(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its fields")] input: AuthorInputObject,
    ) -> Result<Author> {
        let (db, viewer) = parts(ctx)?;
        Ok(Author(authors::save_author(db, viewer, None, input.into()).await.gql()?))
    }

    /// Change an author.
    async fn update_author(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref", desc = "Author id or slug")] reference: String,
        #[graphql(desc = "The fields to change")] input: AuthorInputObject,
    ) -> Result<Author> {
        let (db, viewer) = parts(ctx)?;
        Ok(Author(authors::save_author(db, viewer, Some(&reference), input.into()).await.gql()?))
    }

    /// Delete an author (a CONFLICT while they have bylines).
    async fn delete_author(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref", desc = "Author id or slug")] reference: String,
    ) -> Result<bool> {
        let (db, viewer) = parts(ctx)?;
        authors::delete_author(db, viewer, &reference).await.gql()?;
        Ok(true)
    }

    /// Create a section.
    async fn create_section(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its fields")] input: SectionInputObject,
    ) -> Result<Section> {
        let (db, viewer) = parts(ctx)?;
        Ok(Section(taxonomy::save_section(db, viewer, None, input.into()).await.gql()?))
    }

    /// Change a section.
    async fn update_section(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref", desc = "Section id or slug")] reference: String,
        #[graphql(desc = "The fields to change")] input: SectionInputObject,
    ) -> Result<Section> {
        let (db, viewer) = parts(ctx)?;
        Ok(Section(taxonomy::save_section(db, viewer, Some(&reference), input.into()).await.gql()?))
    }

    /// Delete a section (a CONFLICT while articles are in it).
    async fn delete_section(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref", desc = "Section id or slug")] reference: String,
    ) -> Result<bool> {
        let (db, viewer) = parts(ctx)?;
        taxonomy::delete_section(db, viewer, &reference).await.gql()?;
        Ok(true)
    }

    /// Create a tag.
    async fn create_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its fields")] input: TagInputObject,
    ) -> Result<Tag> {
        let (db, viewer) = parts(ctx)?;
        Ok(Tag(taxonomy::save_tag(db, viewer, None, input.into()).await.gql()?))
    }

    /// Change a tag.
    async fn update_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref", desc = "Tag id or slug")] reference: String,
        #[graphql(desc = "The fields to change")] input: TagInputObject,
    ) -> Result<Tag> {
        let (db, viewer) = parts(ctx)?;
        Ok(Tag(taxonomy::save_tag(db, viewer, Some(&reference), input.into()).await.gql()?))
    }

    /// Delete a tag (a CONFLICT while articles carry it).
    async fn delete_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(name = "ref", desc = "Tag id or slug")] reference: String,
    ) -> Result<bool> {
        let (db, viewer) = parts(ctx)?;
        taxonomy::delete_tag(db, viewer, &reference).await.gql()?;
        Ok(true)
    }
}
