//! Reading articles with visibility applied: one article, lists, backlinks,
//! related links of many, suggestions.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::time::now;
use diesel::QueryResult;

use crate::domain::{
    Article, ArticleCursor, ArticleFilter, Change, Dep, Page, Reference, RelatedLink, Scope, Status, StatusFilter,
    Viewer,
};
use crate::error::AppError;
use crate::store::articles::{self as store, StoredLink};
use crate::store::{slugged, Db, DbConnection};

/// One article as its page shows it: the article and its related links.
#[derive(Debug, Clone)]
pub struct ArticleDetail {
    pub article: Article,
    pub related: Vec<RelatedLink>,
    /// Every article it links to, visible or not: publishing a hidden
    /// target changes this article's page too.
    pub linked_ids: Vec<i64>,
}

impl ArticleDetail {
    /// What its page is built from, for the response cache.
    pub fn dependencies(&self) -> Vec<Dep> {
        let article = &self.article;
        let mut deps = vec![Dep::Article(article.id)];
        deps.extend(self.linked_ids.iter().map(|id| Dep::Article(*id)));
        deps.extend(article.bylines.iter().map(|b| Dep::Author(b.author.id)));
        deps.extend(article.section.iter().map(|s| Dep::Section(s.id)));
        deps.extend(article.tags.iter().map(|t| Dep::Tag(t.id)));
        deps
    }

    pub(super) fn change(&self, at: DateTime<Utc>) -> Change {
        let article = &self.article;
        Change::article(article.id, article.status == Status::Published, article.published_at, at)
    }
}

pub(super) fn not_found(reference: &Reference) -> AppError {
    AppError::not_found("article", reference.to_string())
}

/// Drops what the viewer may not see from a list of related links.
pub(super) fn visible_links(links: Vec<RelatedLink>, viewer: &Viewer, now: DateTime<Utc>) -> Vec<RelatedLink> {
    if viewer.can_preview() {
        return links;
    }
    links
        .into_iter()
        .filter(|link| match link {
            RelatedLink::Article(target) => crate::domain::is_public(target.status, target.published_at, now),
            RelatedLink::External { .. } => true,
        })
        .collect()
}

/// Loads an article and its related links if the viewer may see it.
pub(super) fn load_detail(
    conn: &mut DbConnection,
    viewer: &Viewer,
    reference: &Reference,
    now: DateTime<Utc>,
) -> Result<ArticleDetail, AppError> {
    let found =
        if viewer.can_preview() { store::find(conn, reference)? } else { store::find_public(conn, reference, now)? };
    let article = found.ok_or_else(|| not_found(reference))?;
    let links = store::related(conn, article.id)?;
    let linked_ids =
        links.iter().filter_map(|l| if let RelatedLink::Article(t) = l { Some(t.id) } else { None }).collect();
    let related = visible_links(links, viewer, now);
    Ok(ArticleDetail { article, related, linked_ids })
}

/// One article by id or slug; drafts and scheduled ones only with a preview key.
pub async fn get(db: &Db, viewer: &Viewer, reference: &str) -> Result<ArticleDetail, AppError> {
    let (viewer, reference) = (*viewer, Reference::parse(reference));
    db.read_on_worker_thread(move |conn| load_detail(conn, &viewer, &reference, now())).await
}

/// Checks that the viewer may ask for this status filter.
fn authorize_filter(viewer: &Viewer, filter: &ArticleFilter) -> Result<(), AppError> {
    if filter.status != StatusFilter::Public {
        viewer.require(Scope::Preview)?;
    }
    Ok(())
}

/// Turns `limit + 1` rows into a page and the cursor after its last item.
fn into_page(mut found: Vec<Article>, filter: &ArticleFilter) -> Page<Article> {
    let limit = filter.limit.get() as usize;
    let more = found.len() > limit;
    found.truncate(limit);
    let next_cursor = match found.last() {
        Some(last) if more => {
            Some(ArticleCursor { sort: filter.sort, key: filter.sort.key_of(last), id: last.id }.encode())
        }
        _ => None,
    };
    Page { items: found, next_cursor }
}

/// The rows of a page: a search when the filter has one, else a list.
fn list_rows(conn: &mut DbConnection, filter: &ArticleFilter, at: DateTime<Utc>) -> QueryResult<Vec<Article>> {
    match &filter.search {
        Some(query) => crate::store::search::search(conn, filter, query, at),
        None => store::list(conn, filter, at),
    }
}

/// A page of articles; every list of articles goes through here.
pub async fn list(db: &Db, viewer: &Viewer, filter: ArticleFilter) -> Result<Page<Article>, AppError> {
    authorize_filter(viewer, &filter)?;
    let found = db
        .run({
            let filter = filter.clone();
            move |conn| Ok(list_rows(conn, &filter, now())?)
        })
        .await?;
    Ok(into_page(found, &filter))
}

/// Which listing an article list is scoped to.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    Author,
    Section,
    Tag,
}

/// The articles of one author, section or tag (404 when it does not exist).
pub async fn list_of(
    db: &Db,
    viewer: &Viewer,
    owner: Owner,
    reference: &str,
    filter: ArticleFilter,
) -> Result<Page<Article>, AppError> {
    authorize_filter(viewer, &filter)?;
    let reference = Reference::parse(reference);
    let found = db
        .run({
            let filter_template = filter.clone();
            move |conn| {
                let mut filter = filter_template;
                match owner {
                    Owner::Author => {
                        let author = slugged::find_author(conn, &reference)?
                            .ok_or_else(|| AppError::not_found("author", reference.to_string()))?;
                        filter.author = Some(Reference::Id(author.id));
                    }
                    Owner::Section => {
                        let section = slugged::find_section(conn, &reference)?
                            .ok_or_else(|| AppError::not_found("section", reference.to_string()))?;
                        filter.section = Some(section.slug);
                    }
                    Owner::Tag => {
                        let tag = slugged::find_tag(conn, &reference)?
                            .ok_or_else(|| AppError::not_found("tag", reference.to_string()))?;
                        filter.tags.push(tag.slug);
                    }
                }
                Ok(list_rows(conn, &filter, now())?)
            }
        })
        .await?;
    Ok(into_page(found, &filter))
}

/// Most backlinks returned for one article.
pub const MAX_BACKLINKS: u32 = 100;

/// Articles whose related links point at this one, visibility applied to both ends.
pub async fn backlinks(db: &Db, viewer: &Viewer, reference: &str) -> Result<Vec<Article>, AppError> {
    let (viewer, reference) = (*viewer, Reference::parse(reference));
    db.run(move |conn| {
        let at = now();
        let target = load_detail(conn, &viewer, &reference, at)?;
        let filter = ArticleFilter {
            links_to: Some(target.article.id),
            status: if viewer.can_preview() { StatusFilter::Any } else { StatusFilter::Public },
            limit: crate::domain::Limit::parse(&MAX_BACKLINKS.to_string(), MAX_BACKLINKS).unwrap_or_default(),
            ..ArticleFilter::default()
        };
        let mut found = list_rows(conn, &filter, at)?;
        found.truncate(MAX_BACKLINKS as usize);
        Ok(found)
    })
    .await
}

/// A related link with its target article in full (for GraphQL's nested reads).
#[derive(Debug, Clone)]
pub enum ResolvedLink {
    Article(Box<Article>),
    External { url: String, title: String },
}

/// The related links of many articles at once, targets loaded in full and
/// filtered by visibility: four statements however many articles.
pub async fn related_of_many(
    db: &Db,
    viewer: &Viewer,
    article_ids: Vec<i64>,
) -> Result<HashMap<i64, Vec<ResolvedLink>>, AppError> {
    let viewer = *viewer;
    db.run(move |conn| {
        let at = now();
        let links = store::links_of_many(conn, &article_ids)?;
        let mut target_ids: Vec<i64> =
            links.iter().filter_map(|(_, l)| if let StoredLink::Article(id) = l { Some(*id) } else { None }).collect();
        target_ids.sort_unstable();
        target_ids.dedup();
        let targets: HashMap<i64, Article> = store::by_ids(conn, &target_ids)?
            .into_iter()
            .filter(|a| viewer.can_preview() || a.is_public(at))
            .map(|a| (a.id, a))
            .collect();
        let mut resolved: HashMap<i64, Vec<ResolvedLink>> = HashMap::new();
        for (owner, link) in links {
            let entry = match link {
                StoredLink::Article(id) => match targets.get(&id) {
                    Some(target) => ResolvedLink::Article(Box::new(target.clone())),
                    None => continue,
                },
                StoredLink::External { url, title } => ResolvedLink::External { url, title },
            };
            resolved.entry(owner).or_default().push(entry);
        }
        Ok(resolved)
    })
    .await
}

/// Suggestions: at most this many.
pub const MAX_SUGGESTIONS: u32 = 50;

/// Public articles like this one (shared tags, authors, section), best first,
/// excluding itself and the articles it already links to.
pub async fn suggestions(db: &Db, viewer: &Viewer, reference: &str, limit: u32) -> Result<Vec<Article>, AppError> {
    let (viewer, reference) = (*viewer, Reference::parse(reference));
    db.run(move |conn| {
        let at = now();
        let article = store::find(conn, &reference)?.ok_or_else(|| not_found(&reference))?;
        if !viewer.can_preview() && !article.is_public(at) {
            return Err(not_found(&reference));
        }
        let ids = crate::store::search::suggestion_ids(conn, &article, at, limit.clamp(1, MAX_SUGGESTIONS))?;
        Ok(store::by_ids(conn, &ids)?)
    })
    .await
}
