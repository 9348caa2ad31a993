//! The related links of an NDJSON import: written after the last batch,
//! when every article a link may name exists, and repaired on a re-run
//! when an interrupted import never wrote them.

use std::collections::HashMap;

use crate::domain::snapshot::{ArticleRecord, LinkRecord};
use crate::domain::Change;
use crate::error::AppError;
use crate::store::articles::{self as store, StoredLink};
use crate::store::{Db, DbConnection};

/// The related links of one imported article, to write at the end.
#[derive(Debug, Clone)]
pub struct PendingLinks {
    pub owner: i64,
    pub slug: String,
    pub links: Vec<LinkRecord>,
}

/// Writes the related links of imported articles; targets are looked up in
/// `known` (slug → id of what this import wrote) first, then in the store.
/// Returns a note per link that could not be resolved.
pub async fn link_pending(
    db: &Db,
    pending: Vec<PendingLinks>,
    known: HashMap<String, i64>,
) -> Result<Vec<String>, AppError> {
    db.write(move |conn| {
        let mut notes = Vec::new();
        let mut resolved = Vec::with_capacity(pending.len());
        for PendingLinks { owner, slug, links } in pending {
            let mut stored = Vec::with_capacity(links.len());
            for link in links {
                match link {
                    LinkRecord::Article { article } => {
                        let target = match known.get(&article) {
                            Some(id) => Some(*id),
                            None => store::id_of_slug(conn, &article)?,
                        };
                        match target {
                            Some(target) if target != owner => stored.push(StoredLink::Article(target)),
                            _ => notes.push(format!("{slug}: related article `{article}` not found; link left out")),
                        }
                    }
                    LinkRecord::External { url, title } => stored.push(StoredLink::External { url, title }),
                }
            }
            resolved.push((owner, stored));
        }
        store::replace_related_of_many(conn, &resolved)?;
        let changed = resolved.iter().map(|(owner, _)| Change::Article { id: *owner, publishes_at: None }).collect();
        Ok((notes, changed))
    })
    .await
}

/// The links of unchanged articles that have none although their records
/// do: related links are written after every batch, so an import killed
/// before that left its articles without them, and a re-run, finding the
/// articles unchanged, never wrote them (5,473 of 29,968 links after a
/// `kill -9`). An article an editor gave links to is left as it is.
pub(super) fn links_to_repair(
    conn: &mut DbConnection,
    unchanged: &[(i64, &ArticleRecord)],
) -> Result<Vec<PendingLinks>, AppError> {
    if unchanged.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = unchanged.iter().map(|(id, _)| *id).collect();
    let linked = store::ids_with_links(conn, &ids)?;
    Ok(unchanged
        .iter()
        .filter(|(id, _)| !linked.contains(id))
        .map(|(id, article)| PendingLinks { owner: *id, slug: article.slug.clone(), links: article.related.clone() })
        .collect())
}
