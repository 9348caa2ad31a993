//! What a bulk import changes while it writes, and the tidying up after it:
//! a bigger page cache, the full-text index's merging put off until the
//! end, and the planner's statistics refreshed.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::{schema, DbConnection};
use crate::error::AppError;

/// Segments the full-text index may pile up on one level during a bulk
/// import before FTS5 merges them anyway (its `crisismerge`). A 100,000
/// article import writes about a hundred (one per batch); the final
/// 'optimize' then merges them in one pass.
const BULK_CRISIS_MERGE: i64 = 128;

/// FTS5's own defaults, for settings the index's config table does not hold.
const FTS5_DEFAULT_AUTOMERGE: i64 = 4;
const FTS5_DEFAULT_CRISISMERGE: i64 = 16;

/// Pages of merging after an import too small for 'optimize': enough to
/// fold its per-batch segments into the levels above.
const CATCH_UP_MERGE_PAGES: i64 = 1_000_000;

/// The full-text index's merge settings as they were before a batch.
pub struct IndexMerging {
    automerge: i64,
    crisismerge: i64,
}

#[derive(QueryableByName)]
struct ConfigRow {
    #[diesel(sql_type = Text)]
    k: String,
    #[diesel(sql_type = BigInt)]
    v: i64,
}

/// SQLite: stops the full-text index merging its segments for the rest of
/// this transaction. Each batch's commit writes one segment; merging them as
/// they come rewrote the index about twice before the final 'optimize'
/// rewrote it once more (import of 100,000 articles: see bench/RESULTS.md).
/// Call inside the batch's transaction and `resume_index_merging` before it
/// commits: the settings live in the index's config table, so the committed
/// state never holds the paused values, even if the process dies mid-batch.
pub fn pause_index_merging(conn: &mut DbConnection) -> Result<Option<IndexMerging>, AppError> {
    let DbConnection::Sqlite(sqlite) = conn else { return Ok(None) };
    let rows: Vec<ConfigRow> =
        diesel::sql_query("SELECT k, v FROM articles_fts_config WHERE k IN ('automerge', 'crisismerge')")
            .load(sqlite)?;
    let saved = |key: &str, default: i64| rows.iter().find(|r| r.k == key).map_or(default, |r| r.v);
    let before = IndexMerging {
        automerge: saved("automerge", FTS5_DEFAULT_AUTOMERGE),
        crisismerge: saved("crisismerge", FTS5_DEFAULT_CRISISMERGE),
    };
    set_index_merging(sqlite, &IndexMerging { automerge: 0, crisismerge: BULK_CRISIS_MERGE })?;
    Ok(Some(before))
}

/// Puts back what `pause_index_merging` found. Changing a setting first
/// writes the pending terms out as a segment under the paused settings, so
/// the commit that follows has nothing left to merge.
pub fn resume_index_merging(conn: &mut DbConnection, before: Option<IndexMerging>) -> Result<(), AppError> {
    if let (DbConnection::Sqlite(sqlite), Some(before)) = (conn, before) {
        set_index_merging(sqlite, &before)?;
    }
    Ok(())
}

fn set_index_merging(sqlite: &mut diesel::SqliteConnection, to: &IndexMerging) -> Result<(), AppError> {
    // Integers of our own: written out, not bound.
    sqlite.batch_execute(&format!(
        "INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', {}); \
         INSERT INTO articles_fts (articles_fts, rank) VALUES ('crisismerge', {});",
        to.automerge, to.crisismerge
    ))?;
    Ok(())
}

/// Tidies up after a bulk load of `written` articles. PostgreSQL: refreshes
/// the planner's statistics; without them, searches on a freshly imported
/// store ran as a scan of every published article (1.3 s instead of 6 ms)
/// until autovacuum came by. VACUUM as well, for the visibility map: until
/// it is set, the planner will not answer from covering indexes alone
/// (`articles_visibility`, `article_tags_tag`) and fetches each candidate's
/// heap row instead. SQLite: the statistics (`PRAGMA optimize`), and the
/// full-text index's per-batch segments merged: when the load wrote at least
/// half of the store into one segment ('optimize': 7 s for 100,000
/// articles; searches then take a fifth less time), otherwise into the
/// levels above, as merging during the import would have.
pub fn after_bulk_load(conn: &mut DbConnection, written: usize) -> Result<(), AppError> {
    match conn {
        // One statement: VACUUM cannot run inside the implicit transaction
        // of a multi-statement string.
        DbConnection::Postgres(pg) => pg.batch_execute("VACUUM (ANALYZE)")?,
        DbConnection::Sqlite(sqlite) => {
            sqlite.batch_execute("PRAGMA optimize")?;
            let total: i64 = schema::articles::table.count().get_result(sqlite)?;
            if written as i64 * 2 >= total {
                sqlite.batch_execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")?;
            } else {
                sqlite.batch_execute(&format!(
                    "INSERT INTO articles_fts (articles_fts, rank) VALUES ('merge', {CATCH_UP_MERGE_PAGES})"
                ))?;
            }
        }
    }
    Ok(())
}

/// A bigger SQLite page cache while a bulk import writes, so a batch's pages
/// are not spilled to the WAL (and written again) mid-transaction; `false`
/// goes back to SQLite's default of 2 MiB and hands the freed memory back
/// to the system. PostgreSQL needs nothing.
pub fn bulk_cache(conn: &mut DbConnection, on: bool) -> Result<(), AppError> {
    if let DbConnection::Sqlite(sqlite) = conn {
        sqlite.batch_execute(if on { "PRAGMA cache_size = -65536" } else { "PRAGMA cache_size = -2000" })?;
        if !on {
            release_free_memory();
        }
    }
    Ok(())
}

/// glibc keeps freed memory inside its arenas; a batch frees tens of
/// megabytes (page cache, the index's pending terms, the records) in pieces
/// the next batch does not reuse exactly, and a 100,000 article import's
/// RSS grew from 70 to 190 MB with a heap of about 60 MB.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns unused pages of the allocator to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}
