//! GraphQL object types, wrapping domain values; nested reads that would
//! query per parent go through DataLoaders.

use async_graphql::{Context, Object, Result, SimpleObject, Union, ID};

use super::connection::connection;
use super::inputs::{article_page, PageArgs};
use super::loaders::RelatedLoader;
pub use super::scalars::{ArticleStatus, BodyFormat, BylineRole, DateTime};
use super::GqlResult;
use crate::domain::text::render_body;
use crate::domain::{self, ArticleCursor, ArticleFilter, ArticleSort, Page, Viewer};
use crate::service::articles::{self as articles, Owner, ResolvedLink};
use crate::store::Db;

/// A news article.
#[derive(Clone)]
pub struct Article(pub domain::Article);

#[Object]
/// A news article.
impl Article {
    /// The article's id (the same number as in REST).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// URL-safe unique name.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// The headline.
    async fn headline(&self) -> &str {
        &self.0.headline
    }

    /// A short summary, if any.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }

    /// The body, as CommonMark or as sanitised HTML.
    async fn body(
        &self,
        #[graphql(default_with = "BodyFormat::Markdown", desc = "Source or rendered HTML")] format: BodyFormat,
    ) -> String {
        match format {
            BodyFormat::Markdown => self.0.body.clone(),
            BodyFormat::Html => render_body(&self.0.body),
        }
    }

    /// Draft or published.
    async fn status(&self) -> ArticleStatus {
        self.0.status.into()
    }

    /// When it was (or will be) published.
    async fn published_at(&self) -> Option<DateTime> {
        self.0.published_at.map(DateTime)
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime {
        DateTime(self.0.updated_at)
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// Place line, e.g. "DEIR AL-ZOUR, Syria".
    async fn dateline(&self) -> Option<&str> {
        self.0.dateline.as_deref()
    }

    /// BCP 47 language tag.
    async fn language(&self) -> &str {
        &self.0.language
    }

    /// The canonical URL, if elsewhere.
    async fn canonical_url(&self) -> Option<&str> {
        self.0.canonical_url.as_deref()
    }

    /// Words in the body.
    async fn word_count(&self) -> i32 {
        self.0.word_count
    }

    /// In search results only (`filter.query`): the best-matching passage, at
    /// most 300 characters of sanitised HTML with matches in `<mark>…</mark>`.
    async fn highlight(&self) -> Option<&str> {
        self.0.search.as_ref().map(|m| m.highlight.as_str())
    }

    /// Bumped on every write.
    async fn version(&self) -> i64 {
        self.0.version
    }

    /// Its section, if any.
    async fn section(&self) -> Option<Section> {
        self.0.section.clone().map(Section)
    }

    /// Its tags, in order.
    async fn tags(&self) -> Vec<Tag> {
        self.0.tags.iter().cloned().map(Tag).collect()
    }

    /// Who made it, in order, with their roles.
    async fn bylines(&self) -> Vec<Byline> {
        self.0.bylines.iter().map(|b| Byline { role: b.role.into(), author: Author(b.author.clone()) }).collect()
    }

    /// The people on the byline, in order.
    async fn authors(&self) -> Vec<Author> {
        self.0.bylines.iter().map(|b| Author(b.author.clone())).collect()
    }

    /// Related stories and pages, in order; articles the caller may not see are left out.
    async fn related(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (all by default)")] first: Option<i32>,
    ) -> Result<Vec<RelatedLink>> {
        let loader = ctx.data::<async_graphql::dataloader::DataLoader<RelatedLoader>>()?;
        let links = loader.load_one(self.0.id).await?.unwrap_or_default();
        let take = first.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(0));
        Ok(links.into_iter().take(take).map(RelatedLink::from).collect())
    }

    /// Public stories like this one, best first (shared tags, authors, headline
    /// words, section); itself and the stories it links to are left out.
    /// One statement per article asked for.
    #[graphql(complexity = "first.unwrap_or(10).max(1) as usize * child_complexity")]
    async fn suggestions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1–50 (default 10)")] first: Option<i32>,
    ) -> Result<Vec<Article>> {
        let first = match first {
            None => 10,
            Some(n) => u32::try_from(n)
                .ok()
                .filter(|n| (1..=50).contains(n))
                .ok_or_else(|| super::bad_input("first", "must be from 1 to 50"))?,
        };
        let id = self.0.id.to_string();
        let found = articles::suggestions(ctx.data::<Db>()?, ctx.data::<Viewer>()?, &id, first).await.gql()?;
        Ok(found.into_iter().map(Article).collect())
    }

    /// The stories whose related links point at this one (at most 100), as the caller may see them.
    #[graphql(complexity = "100 * child_complexity")]
    async fn backlinks(&self, ctx: &Context<'_>) -> Result<Vec<Article>> {
        let id = self.0.id.to_string();
        let found = articles::backlinks(ctx.data::<Db>()?, ctx.data::<Viewer>()?, &id).await.gql()?;
        Ok(found.into_iter().map(Article).collect())
    }
}

/// A person on a byline, with their role.
#[derive(SimpleObject)]
pub struct Byline {
    /// What they did.
    pub role: BylineRole,
    /// Who they are.
    pub author: Author,
}

/// A related story in this newsroom.
#[derive(SimpleObject)]
pub struct ArticleLink {
    /// The linked article.
    pub article: Box<Article>,
}

/// A related page elsewhere.
#[derive(SimpleObject)]
pub struct ExternalLink {
    /// Where it is.
    pub url: String,
    /// What it is called.
    pub title: String,
}

/// A related link: another article, or an external page.
#[derive(Union)]
pub enum RelatedLink {
    /// Another article.
    Article(ArticleLink),
    /// A page elsewhere.
    External(ExternalLink),
}

impl From<ResolvedLink> for RelatedLink {
    fn from(link: ResolvedLink) -> Self {
        match link {
            ResolvedLink::Article(article) => Self::Article(ArticleLink { article: Box::new(Article(*article)) }),
            ResolvedLink::External { url, title } => Self::External(ExternalLink { url, title }),
        }
    }
}

/// Turns a page of articles into a Relay connection.
pub fn article_connection(page: Page<domain::Article>, sort: ArticleSort) -> ArticleConnection {
    ArticleConnection::from_page(
        page,
        |article| ArticleCursor { sort, key: sort.key_of(article), id: article.id }.encode(),
        Article,
    )
}

/// One owner's articles (public only), newest first.
async fn owned_articles(ctx: &Context<'_>, owner: Owner, key: &str, page: PageArgs) -> Result<ArticleConnection> {
    let db = ctx.data::<Db>()?;
    let viewer = ctx.data::<Viewer>()?;
    let filter = article_page(ArticleFilter::default(), page)?;
    let sort = filter.sort;
    let found = articles::list_of(db, viewer, owner, key, filter).await.gql()?;
    Ok(article_connection(found, sort))
}

/// A person who writes, edits or photographs.
#[derive(Clone)]
pub struct Author(pub domain::Author);

#[Object]
/// A person who writes, edits or photographs.
impl Author {
    /// The author's id (the same number as in REST).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// URL-safe unique name.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// A short biography.
    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }

    /// Portrait URL.
    async fn avatar_url(&self) -> Option<&str> {
        self.0.avatar_url.as_deref()
    }

    /// Their public articles, newest first.
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1–100 (default 20)")] first: Option<i32>,
        #[graphql(desc = "`endCursor` of the previous page")] after: Option<String>,
    ) -> Result<ArticleConnection> {
        owned_articles(ctx, Owner::Author, &self.0.id.to_string(), PageArgs { first, after }).await
    }
}

/// A section of the newsroom.
#[derive(Clone)]
pub struct Section(pub domain::Section);

#[Object]
/// A section of the newsroom.
impl Section {
    /// The section's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// URL-safe unique name.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the section covers.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Its public articles, newest first.
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1–100 (default 20)")] first: Option<i32>,
        #[graphql(desc = "`endCursor` of the previous page")] after: Option<String>,
    ) -> Result<ArticleConnection> {
        owned_articles(ctx, Owner::Section, &self.0.slug, PageArgs { first, after }).await
    }
}

/// A topic tag.
#[derive(Clone)]
pub struct Tag(pub domain::Tag);

#[Object]
/// A topic tag.
impl Tag {
    /// The tag's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// URL-safe unique name.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Its public articles, newest first.
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1–100 (default 20)")] first: Option<i32>,
        #[graphql(desc = "`endCursor` of the previous page")] after: Option<String>,
    ) -> Result<ArticleConnection> {
        owned_articles(ctx, Owner::Tag, &self.0.slug, PageArgs { first, after }).await
    }
}

connection!(ArticleConnection, ArticleEdge, Article, "article");
connection!(AuthorConnection, AuthorEdge, Author, "author");
connection!(TagConnection, TagEdge, Tag, "tag");
