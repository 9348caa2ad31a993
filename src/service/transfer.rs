//! Moving a newsroom in and out: NDJSON records (lossless, by slug) and
//! plain-text stories. Every article is written atomically (a savepoint
//! each inside batch transactions); re-importing changes nothing unless asked.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::Connection;
use serde::{Deserialize, Serialize};

use crate::domain::text::word_count;
use crate::domain::time::{now, to_stored};
use crate::domain::{
    check_language, check_url, required_text, Article, ArticleInput, BylineInput, Change, Patch, Problems, Reference,
    Role, Slug, Status, MAX_HEADLINE_CHARS, MAX_SHORT_TEXT_CHARS,
};
use crate::error::AppError;
use crate::store::articles::{self as store, ArticleValues, StoredLink};
use crate::store::people::{self, AuthorValues, SectionValues, TagValues};
use crate::store::{bulk, write_transaction, Db, DbConnection};

/// One line of an NDJSON dump.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    Author(AuthorRecord),
    Section(SectionRecord),
    Tag(TagRecord),
    Article(Box<ArticleRecord>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorRecord {
    pub slug: String,
    pub name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionRecord {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagRecord {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BylineRecord {
    pub author: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum LinkRecord {
    Article { article: String },
    External { url: String, title: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleRecord {
    pub slug: String,
    pub headline: String,
    pub summary: Option<String>,
    pub body: String,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub dateline: Option<String>,
    pub section: Option<String>,
    pub language: String,
    pub canonical_url: Option<String>,
    pub version: i64,
    pub tags: Vec<String>,
    pub bylines: Vec<BylineRecord>,
    pub related: Vec<LinkRecord>,
    /// Counted by the reader, off the writer's thread; not part of the format.
    #[serde(skip)]
    pub word_count: Option<i32>,
}

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
            authors: map(people::all_authors(conn)?),
            sections: map(people::all_sections(conn)?),
            tags: map(people::all_tags(conn)?),
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

/// The related links of one imported article, to write at the end.
#[derive(Debug, Clone)]
pub struct PendingLinks {
    pub owner: i64,
    pub slug: String,
    pub links: Vec<LinkRecord>,
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
            Err(AppError::Unavailable) => Err(AppError::Unavailable),
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
    for record in records {
        let outcome = if savepoints {
            conn.transaction(|conn| import_record(conn, &mut state, record, options))
        } else {
            import_record(conn, &mut state, record, options)
        };
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(AppError::Unavailable) => return Err(AppError::Unavailable),
            Err(error @ AppError::Invalid(_)) => {
                results.push(Err(describe(&error)));
                continue;
            }
            Err(error) if savepoints => {
                // The savepoint rolled back; the directory may name rows that are gone.
                state.directory = Directory::load(conn)?;
                results.push(Err(describe(&error)));
                continue;
            }
            Err(error) => return Err(error),
        };
        if let (Record::Article(article), (Outcome::Imported | Outcome::Updated, Some(id))) = (record, outcome) {
            written.push((article.slug.clone(), id));
            if !article.related.is_empty() {
                links.push(PendingLinks { owner: id, slug: article.slug.clone(), links: article.related.clone() });
            }
        }
        results.push(Ok(outcome.0));
    }
    if let Some(deferred) = state.deferred {
        store::insert_tags_of_many(conn, &deferred.tags)?;
        store::insert_bylines_of_many(conn, &deferred.bylines)?;
    }
    Ok(BatchOutcome { results, links, written })
}

fn describe(error: &AppError) -> String {
    match error {
        AppError::Invalid(errors) => {
            errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
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
            let values = AuthorValues {
                slug: checked_slug(&a.slug)?,
                name: a.name.clone(),
                bio: a.bio.clone(),
                avatar_url: a.avatar_url.clone(),
                created_at: to_stored(a.created_at),
                updated_at: to_stored(a.updated_at),
            };
            let existing = people::find_author(conn, &Reference::Slug(a.slug.clone()))?.map(|row| row.id);
            let (outcome, id) = upsert(conn, existing, options, &values, people::insert_author, people::update_author)?;
            state.directory.authors.insert(a.slug.clone(), id);
            Ok((outcome, None))
        }
        Record::Section(s) => {
            let values = SectionValues {
                slug: checked_slug(&s.slug)?,
                name: s.name.clone(),
                description: s.description.clone(),
            };
            let existing = people::find_section(conn, &Reference::Slug(s.slug.clone()))?.map(|row| row.id);
            let (outcome, id) =
                upsert(conn, existing, options, &values, people::insert_section, people::update_section)?;
            state.directory.sections.insert(s.slug.clone(), id);
            Ok((outcome, None))
        }
        Record::Tag(t) => {
            let values = TagValues { slug: checked_slug(&t.slug)?, name: t.name.clone() };
            let existing = people::find_tag(conn, &Reference::Slug(t.slug.clone()))?.map(|row| row.id);
            let (outcome, id) = upsert(conn, existing, options, &values, people::insert_tag, people::update_tag)?;
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

fn checked_slug(slug: &str) -> Result<String, AppError> {
    Slug::parse(slug).map(Slug::into_string).map_err(|message| AppError::invalid("slug", message))
}

fn import_article_record(
    conn: &mut DbConnection,
    state: &mut BatchState,
    record: &ArticleRecord,
    options: ImportOptions,
) -> Result<(Outcome, Option<i64>), AppError> {
    let directory = &state.directory;
    let mut problems = Problems::default();
    let slug = Slug::parse(&record.slug).map_err(|m| problems.add("slug", m)).ok();
    let headline = required_text(&mut problems, "headline", &record.headline, MAX_HEADLINE_CHARS);
    let status = record.status.parse::<Status>().map_err(|_| problems.add("status", "must be draft or published")).ok();
    let language = check_language(&mut problems, &record.language);
    let canonical_url = check_url(&mut problems, "canonical_url", record.canonical_url.clone());
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
    let mut tag_ids = Vec::with_capacity(record.tags.len());
    for (i, tag) in record.tags.iter().enumerate() {
        match directory.tags.get(tag) {
            Some(id) if !tag_ids.contains(id) => tag_ids.push(*id),
            Some(_) => problems.add(format!("tags[{i}]"), "listed twice"),
            None => problems.add(format!("tags[{i}]"), format!("no tag `{tag}`")),
        }
    }
    let mut bylines = Vec::with_capacity(record.bylines.len());
    for (i, byline) in record.bylines.iter().enumerate() {
        let role =
            byline.role.parse::<Role>().map_err(|_| problems.add(format!("bylines[{i}].role"), "unknown role")).ok();
        match (directory.authors.get(&byline.author), role) {
            (Some(id), Some(role)) if !bylines.iter().any(|(a, _)| a == id) => bylines.push((*id, role)),
            (Some(_), Some(_)) => problems.add(format!("bylines[{i}].author"), "listed twice"),
            (None, _) => problems.add(format!("bylines[{i}].author"), format!("no author `{}`", byline.author)),
            (Some(_), None) => {}
        }
    }
    let (Some(slug), Some(headline), Some(status), Some(language), true) =
        (slug, headline, status, language, problems.is_empty())
    else {
        return Err(AppError::Invalid(problems.0));
    };

    let published_at = record.published_at.map(to_stored);
    let created_at = to_stored(record.created_at);
    let values = ArticleValues {
        slug: slug.into_string(),
        headline,
        summary: record.summary.clone(),
        word_count: record.word_count.unwrap_or_else(|| word_count(&record.body)),
        body: record.body.clone(),
        status: status.as_str().to_owned(),
        published_at,
        sort_at: ArticleValues::sort_key(published_at, created_at),
        created_at,
        updated_at: to_stored(record.updated_at),
        dateline: record.dateline.clone(),
        section_id,
        language,
        canonical_url,
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
        Some(_) => Ok((Outcome::Unchanged, None)),
    }
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

/// Imports one plain-text story: the same headline (slug) and date is the
/// same story. Authors are matched by slug, created when new.
pub async fn import_story(
    db: &Db,
    story: crate::domain::story::Story,
    options: ImportOptions,
) -> Result<(Outcome, String), AppError> {
    db.write(move |conn| {
        let at = now();
        let slug = Slug::derive(&story.headline, "article").into_string();
        let existing = store::find_row(conn, &Reference::Slug(slug.clone()))?
            .filter(|row| row.published_at == Some(to_stored(story.published_at)));
        if existing.is_some() && !options.update {
            return Ok(((Outcome::Unchanged, slug), Vec::new()));
        }
        let mut bylines = Vec::with_capacity(story.bylines.len());
        let mut changed = Vec::new();
        for name in &story.bylines {
            let (slug, created) = author_for(conn, name, at)?;
            changed.extend(created.map(Change::Author));
            bylines.push(BylineInput { author: slug, role: None });
        }
        let input = ArticleInput {
            slug: existing.as_ref().map(|row| row.slug.clone()),
            headline: Some(story.headline.clone()),
            body: Some(story.body.clone()),
            status: Some(if options.draft { "draft" } else { "published" }.to_owned()),
            published_at: Patch::Value(story.published_at),
            bylines: Some(bylines),
            ..ArticleInput::default()
        };
        let outcome = if existing.is_some() { Outcome::Updated } else { Outcome::Imported };
        let id = crate::service::articles::write_article(conn, existing, input, at)?;
        let slug = store::find_row(conn, &Reference::Id(id))?.map(|r| r.slug).unwrap_or(slug);
        changed.push(Change::article(id, !options.draft, Some(story.published_at), at));
        Ok(((outcome, slug), changed))
    })
    .await
}

/// The slug of the author with this name, created when there is none (and
/// then the new author's id).
fn author_for(conn: &mut DbConnection, name: &str, at: DateTime<Utc>) -> Result<(String, Option<i64>), AppError> {
    let slug = Slug::derive(name, "author").into_string();
    let mut created = None;
    if people::find_author(conn, &Reference::Slug(slug.clone()))?.is_none() {
        let mut problems = Problems::default();
        let name = required_text(&mut problems, "byline", name, MAX_SHORT_TEXT_CHARS)
            .ok_or_else(|| AppError::Invalid(problems.0))?;
        let stored = to_stored(at);
        let values = AuthorValues {
            slug: slug.clone(),
            name,
            bio: None,
            avatar_url: None,
            created_at: stored,
            updated_at: stored,
        };
        created = Some(people::insert_author(conn, &values)?);
    }
    Ok((slug, created))
}

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
            let rows = people::list_authors(conn, after.as_deref(), EXPORT_PAGE - 1)?;
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
            let rows = people::list_sections(conn, after.as_deref(), EXPORT_PAGE - 1)?;
            let next = next_by_slug(&rows, |r| &r.slug, ExportPosition::Sections, ExportPosition::Tags(None));
            let records = rows
                .into_iter()
                .take(EXPORT_PAGE as usize - 1)
                .map(|r| Record::Section(SectionRecord { slug: r.slug, name: r.name, description: r.description }))
                .collect();
            Ok((records, Some(next)))
        }
        ExportPosition::Tags(after) => {
            let rows = people::list_tags(conn, after.as_deref(), EXPORT_PAGE - 1)?;
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
