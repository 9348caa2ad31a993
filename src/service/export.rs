//! The NDJSON export: everything, page by page in a fixed order, as the
//! records `import` reads back byte for byte.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::domain::snapshot::{
    ArticleRecord, AuthorRecord, BylineRecord, LinkRecord, Record, SectionRecord, TagRecord,
};
use crate::domain::time::to_stored;
use crate::domain::Article;
use crate::error::AppError;
use crate::store::articles::{self as store, StoredLink};
use crate::store::slugged;
use crate::store::Db;

/// Records per page when exporting: memory stays flat whatever the store holds.
const EXPORT_PAGE: u32 = 500;

/// A page of the export with where the next one starts.
pub type ExportPage = (Vec<Record>, Option<ExportPosition>);

/// The next page of the export, in fixed order: authors, sections, tags (by
/// slug), then articles (by creation time and slug). The read starts at
/// once (see `Db::start`), so the caller can write out the page before.
pub fn export_page(
    db: &Db,
    position: ExportPosition,
) -> impl std::future::Future<Output = Result<ExportPage, AppError>> + Send + 'static {
    db.start(move |conn| match position {
        ExportPosition::Authors(after) => {
            let rows = slugged::list_authors(conn, after.as_deref(), EXPORT_PAGE - 1)?;
            let next = next_by_slug(&rows, |r| &r.slug, ExportPosition::Authors, ExportPosition::Sections(None));
            let records = rows
                .into_iter()
                .take(EXPORT_PAGE as usize - 1)
                .map(|r| {
                    Record::Author(AuthorRecord {
                        slug: r.slug,
                        name: r.name,
                        bio: r.bio,
                        avatar_url: r.avatar_url,
                        created_at: r.created_at.and_utc(),
                        updated_at: r.updated_at.and_utc(),
                    })
                })
                .collect();
            Ok((records, Some(next)))
        }
        ExportPosition::Sections(after) => {
            let rows = slugged::list_sections(conn, after.as_deref(), EXPORT_PAGE - 1)?;
            let next = next_by_slug(&rows, |r| &r.slug, ExportPosition::Sections, ExportPosition::Tags(None));
            let records = rows
                .into_iter()
                .take(EXPORT_PAGE as usize - 1)
                .map(|r| Record::Section(SectionRecord { slug: r.slug, name: r.name, description: r.description }))
                .collect();
            Ok((records, Some(next)))
        }
        ExportPosition::Tags(after) => {
            let rows = slugged::list_tags(conn, after.as_deref(), EXPORT_PAGE - 1)?;
            let next = next_by_slug(&rows, |r| &r.slug, ExportPosition::Tags, ExportPosition::Articles(None));
            let records = rows
                .into_iter()
                .take(EXPORT_PAGE as usize - 1)
                .map(|r| Record::Tag(TagRecord { slug: r.slug, name: r.name }))
                .collect();
            Ok((records, Some(next)))
        }
        ExportPosition::Articles(after) => {
            let found = store::export_page(conn, after.as_ref(), EXPORT_PAGE)?;
            let next = match found.last() {
                Some(last) if found.len() == EXPORT_PAGE as usize => {
                    Some(ExportPosition::Articles(Some((to_stored(last.created_at), last.slug.clone()))))
                }
                _ => None,
            };
            let ids: Vec<i64> = found.iter().map(|a| a.id).collect();
            let links = store::links_of_many(conn, &ids)?;
            let targets: Vec<i64> = links
                .iter()
                .filter_map(|(_, l)| if let StoredLink::Article(id) = l { Some(*id) } else { None })
                .collect();
            let slugs = store::slugs_of(conn, &targets)?;
            let mut links_of: HashMap<i64, Vec<LinkRecord>> = HashMap::new();
            for (owner, link) in links {
                let record = match link {
                    StoredLink::Article(id) => match slugs.get(&id) {
                        Some(slug) => LinkRecord::Article { article: slug.clone() },
                        None => continue,
                    },
                    StoredLink::External { url, title } => LinkRecord::External { url, title },
                };
                links_of.entry(owner).or_default().push(record);
            }
            let records = found
                .into_iter()
                .map(|a| {
                    let related = links_of.remove(&a.id).unwrap_or_default();
                    Record::Article(Box::new(article_record(a, related)))
                })
                .collect();
            Ok((records, next))
        }
    })
}

/// Where an export is: which kind, after which key.
#[derive(Debug, Clone)]
pub enum ExportPosition {
    Authors(Option<String>),
    Sections(Option<String>),
    Tags(Option<String>),
    Articles(Option<(NaiveDateTime, String)>),
}

/// The position after a page of slug-ordered rows (`limit + 1` were asked for).
fn next_by_slug<R>(
    rows: &[R],
    slug_of: impl Fn(&R) -> &String,
    same: impl Fn(Option<String>) -> ExportPosition,
    then: ExportPosition,
) -> ExportPosition {
    if rows.len() >= EXPORT_PAGE as usize {
        rows.get(EXPORT_PAGE as usize - 2).map(|r| same(Some(slug_of(r).clone()))).unwrap_or(then)
    } else {
        then
    }
}

fn article_record(a: Article, related: Vec<LinkRecord>) -> ArticleRecord {
    ArticleRecord {
        slug: a.slug,
        headline: a.headline,
        summary: a.summary,
        body: a.body,
        status: a.status.as_str().to_owned(),
        published_at: a.published_at,
        created_at: a.created_at,
        updated_at: a.updated_at,
        dateline: a.dateline,
        section: a.section.map(|s| s.slug),
        language: a.language,
        canonical_url: a.canonical_url,
        version: a.version,
        tags: a.tags.into_iter().map(|t| t.slug).collect(),
        bylines: a
            .bylines
            .into_iter()
            .map(|b| BylineRecord { author: b.author.slug, role: b.role.as_str().to_owned() })
            .collect(),
        related,
        word_count: None,
    }
}
