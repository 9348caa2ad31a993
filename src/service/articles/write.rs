//! Writing articles: create, update, delete, publish, related links, all
//! through the rulebook (`domain::rules`).

use chrono::{DateTime, Utc};

use super::read::{load_detail, not_found, visible_links, ArticleDetail};
use crate::domain::text::word_count;
use crate::domain::time::{from_stored, now, to_stored};
use crate::service::choose_slug;

use crate::domain::{
    check_bylines, check_date, check_tags, check_url, required_text, ArticleFields, ArticleInput, Change, Patch,
    Problems, Reference, RelatedInput, RelatedLink, Role, Scope, Status, Viewer, MAX_RELATED_LINKS,
    MAX_SHORT_TEXT_CHARS,
};
use crate::error::AppError;
use crate::store::articles::{self as store, ArticleRow, ArticleValues, StoredLink};
use crate::store::{slugged, Db, DbConnection};

/// Creates an article (a draft unless the input says `published`).
pub async fn create(db: &Db, viewer: &Viewer, input: ArticleInput) -> Result<ArticleDetail, AppError> {
    viewer.require(Scope::Write)?;
    let viewer = *viewer;
    db.write(move |conn| {
        let at = now();
        let id = write_article(conn, None, input, at)?;
        let detail = load_detail(conn, &viewer, &Reference::Id(id), at)?;
        let change = detail.change(at);
        Ok((detail, vec![change]))
    })
    .await
}

/// Applies a partial update; `expected_version` (from If-Match) makes it conditional.
pub async fn update(
    db: &Db,
    viewer: &Viewer,
    reference: &str,
    input: ArticleInput,
    expected_version: Option<i64>,
) -> Result<ArticleDetail, AppError> {
    viewer.require(Scope::Write)?;
    let (viewer, reference) = (*viewer, Reference::parse(reference));
    db.write(move |conn| {
        let at = now();
        let current = current_row(conn, &reference, expected_version)?;
        let id = write_article(conn, Some(current), input, at)?;
        let detail = load_detail(conn, &viewer, &Reference::Id(id), at)?;
        let change = detail.change(at);
        Ok((detail, vec![change]))
    })
    .await
}

/// The stored row, checked against the version the client last saw.
fn current_row(
    conn: &mut DbConnection,
    reference: &Reference,
    expected_version: Option<i64>,
) -> Result<ArticleRow, AppError> {
    let row = store::find_row_for_update(conn, reference)?.ok_or_else(|| not_found(reference))?;
    match expected_version {
        Some(version) if version != row.version => Err(AppError::PreconditionFailed),
        _ => Ok(row),
    }
}

pub async fn delete(db: &Db, viewer: &Viewer, reference: &str, expected_version: Option<i64>) -> Result<(), AppError> {
    viewer.require(Scope::Write)?;
    let reference = Reference::parse(reference);
    db.write(move |conn| {
        let row = current_row(conn, &reference, expected_version)?;
        store::delete(conn, row.id)?;
        Ok(((), vec![Change::Article { id: row.id, publishes_at: None }]))
    })
    .await
}

/// Publishes: `published_at` is the one given, else the one kept, else now.
pub async fn publish(
    db: &Db,
    viewer: &Viewer,
    reference: &str,
    published_at: Option<DateTime<Utc>>,
) -> Result<ArticleDetail, AppError> {
    if let Some(at) = published_at {
        let mut problems = Problems::default();
        check_date(&mut problems, "published_at", at);
        if !problems.is_empty() {
            return Err(problems.into());
        }
    }
    set_status(db, viewer, reference, Status::Published, published_at).await
}

/// Back to draft, keeping `published_at` so a later publish restores it.
pub async fn unpublish(db: &Db, viewer: &Viewer, reference: &str) -> Result<ArticleDetail, AppError> {
    set_status(db, viewer, reference, Status::Draft, None).await
}

async fn set_status(
    db: &Db,
    viewer: &Viewer,
    reference: &str,
    status: Status,
    published_at: Option<DateTime<Utc>>,
) -> Result<ArticleDetail, AppError> {
    viewer.require(Scope::Write)?;
    let (viewer, reference) = (*viewer, Reference::parse(reference));
    db.write(move |conn| {
        let at = now();
        let row = current_row(conn, &reference, None)?;
        let mut values = ArticleValues::from(&row);
        values.status = status.as_str().to_owned();
        if status == Status::Published {
            let when = published_at.map(to_stored).or(row.published_at).unwrap_or(to_stored(at));
            values.published_at = Some(when);
        }
        bump(&mut values, at);
        if !store::update(conn, row.id, row.version, &values)? {
            return Err(AppError::Conflict("the article changed during the update; retry".into()));
        }
        let detail = load_detail(conn, &viewer, &Reference::Id(row.id), at)?;
        let change = detail.change(at);
        Ok((detail, vec![change]))
    })
    .await
}

/// Marks a write: new version, new `updated_at`, sort key in step with the dates.
fn bump(values: &mut ArticleValues, at: DateTime<Utc>) {
    values.version += 1;
    values.updated_at = to_stored(at);
    values.sort_at = ArticleValues::sort_key(values.published_at, values.created_at);
}

/// Replaces the related links; every target must exist, none may repeat or be the article itself.
pub async fn set_related(
    db: &Db,
    viewer: &Viewer,
    reference: &str,
    links: Vec<RelatedInput>,
) -> Result<Vec<RelatedLink>, AppError> {
    viewer.require(Scope::Write)?;
    if links.len() > MAX_RELATED_LINKS {
        return Err(AppError::invalid("", format!("at most {MAX_RELATED_LINKS} related links are allowed")));
    }
    let (viewer, reference) = (*viewer, Reference::parse(reference));
    db.write(move |conn| {
        let at = now();
        let row = current_row(conn, &reference, None)?;
        let stored = check_related(conn, row.id, links)?;
        store::replace_related_of_many(conn, &[(row.id, stored)])?;
        let mut values = ArticleValues::from(&row);
        bump(&mut values, at);
        store::update(conn, row.id, row.version, &values)?;
        let published = row.status == Status::Published.as_str();
        let change = Change::article(row.id, published, row.published_at.map(from_stored), at);
        Ok((visible_links(store::related(conn, row.id)?, &viewer, at), vec![change]))
    })
    .await
}

fn check_related(conn: &mut DbConnection, own_id: i64, links: Vec<RelatedInput>) -> Result<Vec<StoredLink>, AppError> {
    let references: Vec<Reference> = links
        .iter()
        .filter_map(|l| if let RelatedInput::Article(r) = l { Some(Reference::parse(r)) } else { None })
        .collect();
    let mut ids = store::resolve_ids(conn, &references)?.into_iter();
    let mut problems = Problems::default();
    let mut stored = Vec::with_capacity(links.len());
    for (i, link) in links.into_iter().enumerate() {
        match link {
            RelatedInput::Article(reference) => match ids.next().flatten() {
                None => problems.add(format!("[{i}].article"), format!("no article `{reference}`")),
                Some(id) if id == own_id => problems.add(format!("[{i}].article"), "an article cannot link to itself"),
                Some(id) if stored.contains(&StoredLink::Article(id)) => {
                    problems.add(format!("[{i}].article"), "this article is already linked")
                }
                Some(id) => stored.push(StoredLink::Article(id)),
            },
            RelatedInput::External { url, title } => {
                let url = check_url(&mut problems, &format!("[{i}].url"), Some(url));
                let title = required_text(&mut problems, &format!("[{i}].title"), &title, MAX_SHORT_TEXT_CHARS);
                if let (Some(url), Some(title)) = (url, title) {
                    if stored.iter().any(|s| matches!(s, StoredLink::External { url: u, .. } if *u == url)) {
                        problems.add(format!("[{i}].url"), "this URL is already linked");
                    } else {
                        stored.push(StoredLink::External { url, title });
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(stored)
    } else {
        Err(AppError::Invalid(problems.0))
    }
}

/// Validates an input against the current row (or defaults on create), then
/// writes the article, its tags and bylines. Returns the article id.
pub(crate) fn write_article(
    conn: &mut DbConnection,
    current: Option<ArticleRow>,
    input: ArticleInput,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    let mut problems = Problems::default();
    let stored_now = to_stored(at);
    if input.headline.is_none() && current.is_none() {
        problems.add("headline", "is required");
    }
    let checked = ArticleFields {
        headline: input.headline,
        summary: input.summary,
        status: input.status,
        dateline: input.dateline,
        canonical_url: input.canonical_url,
        language: input.language,
    }
    .check(&mut problems);
    let headline = checked.headline.or_else(|| current.as_ref().map(|r| r.headline.clone()));
    let slug = match (&input.slug, &current) {
        (None, Some(row)) => Some(row.slug.clone()),
        (given, _) => {
            crate::store::serialise_slug_choice(conn, "articles")?;
            choose_slug(&mut problems, given.as_deref(), headline.as_deref().unwrap_or_default(), "article", |base| {
                Ok(store::slugs_starting_with(conn, base)?)
            })?
            .map(|s| s.into_string())
        }
    };
    let summary = checked.summary.apply(current.as_ref().and_then(|r| r.summary.clone()));
    let body = input.body.or_else(|| current.as_ref().map(|r| r.body.clone())).unwrap_or_default();
    let status = checked.status.or_else(|| {
        let stored = current.as_ref().map(|r| r.status.parse().unwrap_or(Status::Draft));
        Some(stored.unwrap_or(Status::Draft))
    });
    if let Patch::Value(at) = input.published_at {
        check_date(&mut problems, "published_at", at);
    }
    let mut published_at =
        input.published_at.apply(current.as_ref().and_then(|r| r.published_at.map(from_stored))).map(to_stored);
    if status == Some(Status::Published) && published_at.is_none() {
        published_at = Some(stored_now);
    }
    let dateline = checked.dateline.apply(current.as_ref().and_then(|r| r.dateline.clone()));
    let canonical_url = checked.canonical_url.apply(current.as_ref().and_then(|r| r.canonical_url.clone()));
    let language = checked.language.or_else(|| Some(current.as_ref().map_or("en".to_owned(), |r| r.language.clone())));
    let section_id = resolve_section(conn, &mut problems, input.section, current.as_ref().and_then(|r| r.section_id))?;
    let tag_ids = input.tags.map(|tags| resolve_tags(conn, &mut problems, &tags)).transpose()?;
    let byline_entries = input.bylines.map(|b| resolve_bylines(conn, &mut problems, b)).transpose()?;

    let (Some(headline), Some(slug), Some(status), Some(language), true) =
        (headline, slug, status, language, problems.is_empty())
    else {
        return Err(AppError::Invalid(problems.0));
    };

    let slug_changed = current.as_ref().is_none_or(|r| r.slug != slug);
    if slug_changed && store::find_row(conn, &Reference::Slug(slug.clone()))?.is_some() {
        return Err(AppError::Conflict(format!("slug `{slug}` already exists")));
    }

    let created_at = current.as_ref().map(|r| r.created_at).unwrap_or(stored_now);
    let mut values = ArticleValues {
        slug,
        headline,
        summary,
        word_count: word_count(&body),
        body,
        status: status.as_str().to_owned(),
        published_at,
        sort_at: stored_now,
        created_at,
        updated_at: stored_now,
        dateline,
        section_id,
        language,
        canonical_url,
        version: current.as_ref().map(|r| r.version).unwrap_or(0),
    };
    bump(&mut values, at);

    let id = match &current {
        Some(row) => {
            if !store::update(conn, row.id, row.version, &values)? {
                return Err(AppError::PreconditionFailed);
            }
            row.id
        }
        None => store::insert(conn, &values)?,
    };
    if let Some(tag_ids) = tag_ids {
        store::replace_tags(conn, id, &tag_ids)?;
    }
    if let Some(entries) = byline_entries {
        store::replace_bylines(conn, id, &entries)?;
    }
    Ok(id)
}

fn resolve_section(
    conn: &mut DbConnection,
    problems: &mut Problems,
    patch: crate::domain::Patch<String>,
    current: Option<i64>,
) -> Result<Option<i64>, AppError> {
    use crate::domain::Patch;
    match patch {
        Patch::Absent => Ok(current),
        Patch::Null => Ok(None),
        Patch::Value(slug) => {
            let found = slugged::resolve_sections(conn, &[Reference::Slug(slug.clone())])?;
            match found.first() {
                Some((id, _)) => Ok(Some(*id)),
                None => {
                    problems.add("section", format!("no section `{slug}`"));
                    Ok(None)
                }
            }
        }
    }
}

fn resolve_tags(conn: &mut DbConnection, problems: &mut Problems, slugs: &[String]) -> Result<Vec<i64>, AppError> {
    let references: Vec<Reference> = slugs.iter().map(|s| Reference::Slug(s.clone())).collect();
    let found = slugged::resolve_tags(conn, &references)?;
    Ok(check_tags(problems, slugs, |slug| found.iter().find(|(_, s)| s == slug).map(|(id, _)| *id)))
}

fn resolve_bylines(
    conn: &mut DbConnection,
    problems: &mut Problems,
    bylines: Vec<crate::domain::BylineInput>,
) -> Result<Vec<(i64, Role)>, AppError> {
    let references: Vec<Reference> = bylines.iter().map(|b| Reference::parse(&b.author)).collect();
    let found = slugged::resolve_authors(conn, &references)?;
    let id_of = |i: usize| {
        let author = found.iter().find(|(id, slug)| match &references[i] {
            Reference::Id(want) => id == want,
            Reference::Slug(want) => slug == want,
        });
        author.map(|(id, _)| *id)
    };
    Ok(check_bylines(problems, &bylines, id_of))
}
