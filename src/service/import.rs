//! NDJSON import: batches of records, each written atomically (a savepoint
//! each inside batch transactions when needed), checked by the same
//! rulebook as every other door; re-importing changes nothing unless asked.

use std::collections::HashMap;

use diesel::Connection;

use super::import_links::{links_to_repair, PendingLinks};
use crate::domain::snapshot::{ArticleRecord, Record};
use crate::domain::text::word_count;
use crate::domain::time::to_stored;
use crate::domain::{
    check_bylines, check_date, check_publication, check_tags, check_url, optional_text, required_text, ArticleFields,
    BylineInput, Change, Problems, Reference, Role, Slug, MAX_SHORT_TEXT_CHARS, MAX_SUMMARY_CHARS,
};
use crate::error::AppError;
use crate::store::articles::{self as store, ArticleValues};
use crate::store::slugged::{self, AuthorValues, SectionValues, TagValues};
use crate::store::{bulk, write_transaction, Db, DbConnection};

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Overwrite what already exists instead of leaving it unchanged.
    pub update: bool,
    /// Import plain-text stories as drafts.
    pub draft: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Imported,
    Updated,
    Unchanged,
}

/// Slug → id of authors, sections and tags, loaded once per batch.
struct Directory {
    authors: HashMap<String, i64>,
    sections: HashMap<String, i64>,
    tags: HashMap<String, i64>,
}

impl Directory {
    fn load(conn: &mut DbConnection) -> Result<Self, AppError> {
        let map = |rows: Vec<(i64, String)>| rows.into_iter().map(|(id, slug)| (slug, id)).collect();
        Ok(Self {
            authors: map(slugged::all_authors(conn)?),
            sections: map(slugged::all_sections(conn)?),
            tags: map(slugged::all_tags(conn)?),
        })
    }
}

/// What one record of a batch came to: an outcome, or why it was skipped.
pub type RecordResult = Result<Outcome, String>;

/// What a batch came to, record by record, and the related links to write
/// once every article exists.
pub struct BatchOutcome {
    pub results: Vec<RecordResult>,
    /// Related links of the articles written, for `link_pending`.
    pub links: Vec<PendingLinks>,
    /// Slug and id of every article written.
    pub written: Vec<(String, i64)>,
}

/// Imports a batch of records in one transaction, each record in a savepoint
/// of its own. Related links are returned for `link_pending` once every
/// article of the import exists.
/// The work starts at once (see `Db::start`).
pub fn import_batch(
    db: &Db,
    records: Vec<Record>,
    options: ImportOptions,
) -> impl std::future::Future<Output = Result<BatchOutcome, AppError>> + Send + 'static {
    let freshness = std::sync::Arc::clone(db.freshness());
    db.start(move |conn| {
        bulk::bulk_cache(conn, true)?;
        // Fast path: no savepoints. A record refused by validation has written
        // nothing, so it is simply skipped; any other failure rolls the batch
        // back, and it is written again with a savepoint per record.
        // Other processes are told in the batch's transaction, like every write.
        let write_and_announce = |conn: &mut DbConnection, savepoints: bool| {
            let merging = bulk::pause_index_merging(conn)?;
            let outcome = write_batch(conn, &records, options, savepoints)?;
            bulk::resume_index_merging(conn, merging)?;
            crate::store::changes::announce(conn, &freshness, &batch_changes(&outcome))?;
            Ok::<_, AppError>(outcome)
        };
        let outcome = match write_transaction(conn, |conn| write_and_announce(conn, false)) {
            Err(error @ (AppError::Unavailable | AppError::DiskFull)) => Err(error),
            Err(_) => write_transaction(conn, |conn| write_and_announce(conn, true)),
            done => done,
        };
        bulk::bulk_cache(conn, false)?;
        if let Ok(outcome) = &outcome {
            freshness.apply(&batch_changes(outcome));
        }
        outcome
    })
}

/// A batch that wrote anything may have changed anything (authors,
/// sections, tags, articles, schedules): too much to name one by one.
fn batch_changes(outcome: &BatchOutcome) -> Vec<Change> {
    let wrote = outcome.results.iter().any(|r| matches!(r, Ok(Outcome::Imported | Outcome::Updated)));
    if wrote {
        vec![Change::Everything]
    } else {
        Vec::new()
    }
}

/// What a batch keeps while it writes.
struct BatchState {
    directory: Directory,
    /// Fast path: slug → id of the batch's articles already stored, looked up
    /// in one statement (with savepoints, each article looks itself up).
    known_articles: Option<HashMap<String, i64>>,
    /// Fast path: tags and bylines of new articles, written at the end of the
    /// batch in a few multi-row statements.
    deferred: Option<Deferred>,
}

#[derive(Default)]
struct Deferred {
    tags: Vec<(i64, Vec<i64>)>,
    bylines: Vec<(i64, Vec<(i64, Role)>)>,
}

/// Writes a batch; with `savepoints`, every record is atomic on its own,
/// without them the first failure that may have written something aborts.
fn write_batch(
    conn: &mut DbConnection,
    records: &[Record],
    options: ImportOptions,
    savepoints: bool,
) -> Result<BatchOutcome, AppError> {
    let known_articles = if savepoints {
        None
    } else {
        let slugs: Vec<&str> = records
            .iter()
            .filter_map(|r| if let Record::Article(a) = r { Some(a.slug.as_str()) } else { None })
            .collect();
        Some(store::ids_of_slugs(conn, &slugs)?)
    };
    let mut state = BatchState {
        directory: Directory::load(conn)?,
        known_articles,
        deferred: (!savepoints).then(Deferred::default),
    };
    let mut results = Vec::with_capacity(records.len());
    let mut links = Vec::new();
    let mut written = Vec::new();
    let mut unchanged_with_links = Vec::new();
    for record in records {
        let outcome = if savepoints {
            conn.transaction(|conn| import_record(conn, &mut state, record, options))
        } else {
            import_record(conn, &mut state, record, options)
        };
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(error @ (AppError::Unavailable | AppError::DiskFull)) => return Err(error),
            Err(error @ AppError::Invalid(_)) => {
                results.push(Err(error.describe()));
                continue;
            }
            Err(error) if savepoints => {
                // The savepoint rolled back; the directory may name rows that are gone.
                state.directory = Directory::load(conn)?;
                results.push(Err(error.describe()));
                continue;
            }
            Err(error) => return Err(error),
        };
        match (record, outcome) {
            (Record::Article(article), (Outcome::Imported | Outcome::Updated, Some(id))) => {
                written.push((article.slug.clone(), id));
                if !article.related.is_empty() {
                    links.push(PendingLinks { owner: id, slug: article.slug.clone(), links: article.related.clone() });
                }
            }
            (Record::Article(article), (Outcome::Unchanged, Some(id))) if !article.related.is_empty() => {
                unchanged_with_links.push((id, article.as_ref()));
            }
            _ => {}
        }
        results.push(Ok(outcome.0));
    }
    links.extend(links_to_repair(conn, &unchanged_with_links)?);
    if let Some(deferred) = state.deferred {
        store::insert_tags_of_many(conn, &deferred.tags)?;
        store::insert_bylines_of_many(conn, &deferred.bylines)?;
    }
    Ok(BatchOutcome { results, links, written })
}

/// The outcome of one record, and the article id when it wrote an article.
fn import_record(
    conn: &mut DbConnection,
    state: &mut BatchState,
    record: &Record,
    options: ImportOptions,
) -> Result<(Outcome, Option<i64>), AppError> {
    match record {
        Record::Author(a) => {
            let mut problems = Problems::default();
            let slug = checked_slug(&mut problems, &a.slug);
            let name = required_text(&mut problems, "name", &a.name, MAX_SHORT_TEXT_CHARS);
            let bio = optional_text(&mut problems, "bio", a.bio.clone(), MAX_SUMMARY_CHARS);
            let avatar_url = check_url(&mut problems, "avatar_url", a.avatar_url.clone());
            check_date(&mut problems, "created_at", a.created_at);
            check_date(&mut problems, "updated_at", a.updated_at);
            let (Some(slug), Some(name), true) = (slug, name, problems.is_empty()) else {
                return Err(AppError::Invalid(problems.0));
            };
            let values = AuthorValues {
                slug,
                name,
                bio,
                avatar_url,
                created_at: to_stored(a.created_at),
                updated_at: to_stored(a.updated_at),
            };
            let existing = slugged::find_author(conn, &Reference::Slug(a.slug.clone()))?.map(|row| row.id);
            let (outcome, id) =
                upsert(conn, existing, options, &values, slugged::insert_author, slugged::update_author)?;
            state.directory.authors.insert(a.slug.clone(), id);
            Ok((outcome, None))
        }
        Record::Section(s) => {
            let mut problems = Problems::default();
            let slug = checked_slug(&mut problems, &s.slug);
            let name = required_text(&mut problems, "name", &s.name, MAX_SHORT_TEXT_CHARS);
            let description = optional_text(&mut problems, "description", s.description.clone(), MAX_SUMMARY_CHARS);
            let (Some(slug), Some(name), true) = (slug, name, problems.is_empty()) else {
                return Err(AppError::Invalid(problems.0));
            };
            let values = SectionValues { slug, name, description };
            let existing = slugged::find_section(conn, &Reference::Slug(s.slug.clone()))?.map(|row| row.id);
            let (outcome, id) =
                upsert(conn, existing, options, &values, slugged::insert_section, slugged::update_section)?;
            state.directory.sections.insert(s.slug.clone(), id);
            Ok((outcome, None))
        }
        Record::Tag(t) => {
            let mut problems = Problems::default();
            let slug = checked_slug(&mut problems, &t.slug);
            let name = required_text(&mut problems, "name", &t.name, MAX_SHORT_TEXT_CHARS);
            let (Some(slug), Some(name), true) = (slug, name, problems.is_empty()) else {
                return Err(AppError::Invalid(problems.0));
            };
            let values = TagValues { slug, name };
            let existing = slugged::find_tag(conn, &Reference::Slug(t.slug.clone()))?.map(|row| row.id);
            let (outcome, id) = upsert(conn, existing, options, &values, slugged::insert_tag, slugged::update_tag)?;
            state.directory.tags.insert(t.slug.clone(), id);
            Ok((outcome, None))
        }
        Record::Article(a) => import_article_record(conn, state, a, options),
    }
}

/// Inserts a new row, overwrites an existing one with `--update`, or leaves it.
fn upsert<V>(
    conn: &mut DbConnection,
    existing: Option<i64>,
    options: ImportOptions,
    values: &V,
    insert: fn(&mut DbConnection, &V) -> diesel::QueryResult<i64>,
    update: fn(&mut DbConnection, i64, &V) -> diesel::QueryResult<()>,
) -> Result<(Outcome, i64), AppError> {
    match existing {
        None => Ok((Outcome::Imported, insert(conn, values)?)),
        Some(id) if options.update => {
            update(conn, id, values)?;
            Ok((Outcome::Updated, id))
        }
        Some(id) => Ok((Outcome::Unchanged, id)),
    }
}

fn checked_slug(problems: &mut Problems, slug: &str) -> Option<String> {
    Slug::parse(slug).map(Slug::into_string).map_err(|message| problems.add("slug", message)).ok()
}

fn import_article_record(
    conn: &mut DbConnection,
    state: &mut BatchState,
    record: &ArticleRecord,
    options: ImportOptions,
) -> Result<(Outcome, Option<i64>), AppError> {
    let directory = &state.directory;
    let mut problems = Problems::default();
    let slug = checked_slug(&mut problems, &record.slug);
    let checked = ArticleFields {
        headline: Some(record.headline.clone()),
        summary: record.summary.clone().into(),
        status: Some(record.status.clone()),
        dateline: record.dateline.clone().into(),
        canonical_url: record.canonical_url.clone().into(),
        language: Some(record.language.clone()),
    }
    .check(&mut problems);
    if let Some(status) = checked.status {
        check_publication(&mut problems, status, record.published_at);
    }
    for (field, at) in [
        ("published_at", record.published_at),
        ("created_at", Some(record.created_at)),
        ("updated_at", Some(record.updated_at)),
    ] {
        if let Some(at) = at {
            check_date(&mut problems, field, at);
        }
    }
    let section_id = match &record.section {
        None => None,
        Some(s) => {
            let id = directory.sections.get(s).copied();
            if id.is_none() {
                problems.add("section", format!("no section `{s}`"));
            }
            id
        }
    };
    let tag_ids = check_tags(&mut problems, &record.tags, |slug| directory.tags.get(slug).copied());
    let byline_inputs: Vec<BylineInput> =
        record.bylines.iter().map(|b| BylineInput { author: b.author.clone(), role: Some(b.role.clone()) }).collect();
    let bylines =
        check_bylines(&mut problems, &byline_inputs, |i| directory.authors.get(&record.bylines[i].author).copied());
    let (Some(slug), Some(headline), Some(status), Some(language), true) =
        (slug, checked.headline, checked.status, checked.language, problems.is_empty())
    else {
        return Err(AppError::Invalid(problems.0));
    };

    let published_at = record.published_at.map(to_stored);
    let created_at = to_stored(record.created_at);
    let values = ArticleValues {
        slug,
        headline,
        summary: checked.summary.apply(None),
        word_count: record.word_count.unwrap_or_else(|| word_count(&record.body)),
        body: record.body.clone(),
        status: status.as_str().to_owned(),
        published_at,
        sort_at: ArticleValues::sort_key(published_at, created_at),
        created_at,
        updated_at: to_stored(record.updated_at),
        dateline: checked.dateline.apply(None),
        section_id,
        language,
        canonical_url: checked.canonical_url.apply(None),
        version: record.version,
    };
    let existing = match &state.known_articles {
        Some(known) => known.get(&values.slug).copied(),
        None => store::id_of_slug(conn, &values.slug)?,
    };
    match existing {
        None => {
            let id = store::insert(conn, &values)?;
            match (&mut state.deferred, &mut state.known_articles) {
                (Some(deferred), Some(known)) => {
                    deferred.tags.push((id, tag_ids));
                    deferred.bylines.push((id, bylines));
                    known.insert(values.slug, id);
                }
                _ => {
                    store::insert_tags(conn, id, &tag_ids)?;
                    store::insert_bylines(conn, id, &bylines)?;
                }
            }
            Ok((Outcome::Imported, Some(id)))
        }
        Some(id) if options.update => {
            let Some(row) = store::find_row(conn, &Reference::Id(id))? else {
                return Err(AppError::not_found("article", values.slug));
            };
            store::update(conn, row.id, row.version, &values)?;
            store::replace_tags(conn, row.id, &tag_ids)?;
            store::replace_bylines(conn, row.id, &bylines)?;
            Ok((Outcome::Updated, Some(row.id)))
        }
        Some(id) => Ok((Outcome::Unchanged, Some(id))),
    }
}

/// After the last batch: what a bulk load leaves to do once (statistics,
/// index merging; see `store::bulk::after_bulk_load`).
pub async fn finish(db: &Db, written: usize) -> Result<(), AppError> {
    db.run(move |conn| bulk::after_bulk_load(conn, written)).await
}
