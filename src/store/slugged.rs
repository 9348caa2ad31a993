//! Authors, sections and tags: rows, lookups by id or slug, keyset lists, writes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::connection::{DbConnection, MultiBackend};
use super::schema::{authors, sections, tags};
use crate::domain::time::from_stored;
use crate::domain::{Author, Reference, Section, Tag};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = authors)]
pub struct AuthorRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<AuthorRow> for Author {
    fn from(row: AuthorRow) -> Self {
        Self {
            id: row.id,
            slug: row.slug,
            name: row.name,
            bio: row.bio,
            avatar_url: row.avatar_url,
            created_at: from_stored(row.created_at),
            updated_at: from_stored(row.updated_at),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sections)]
pub struct SectionRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

impl From<SectionRow> for Section {
    fn from(row: SectionRow) -> Self {
        Self { id: row.id, slug: row.slug, name: row.name, description: row.description }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tags)]
pub struct TagRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

impl From<TagRow> for Tag {
    fn from(row: TagRow) -> Self {
        Self { id: row.id, slug: row.slug, name: row.name }
    }
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = authors, treat_none_as_null = true)]
pub struct AuthorValues {
    pub slug: String,
    pub name: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = sections, treat_none_as_null = true)]
pub struct SectionValues {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = tags)]
pub struct TagValues {
    pub slug: String,
    pub name: String,
}

/// The queries every slugged table has, for code written once over the
/// three (`service::slugged`).
pub trait SluggedTable: 'static {
    type Row: Send + 'static;
    type Values: Send + 'static;
    fn find(conn: &mut DbConnection, reference: &Reference) -> QueryResult<Option<Self::Row>>;
    /// Up to `limit + 1` rows in slug order after `after`.
    fn list(conn: &mut DbConnection, after: Option<&str>, limit: u32) -> QueryResult<Vec<Self::Row>>;
    fn insert(conn: &mut DbConnection, values: &Self::Values) -> QueryResult<i64>;
    fn update(conn: &mut DbConnection, id: i64, values: &Self::Values) -> QueryResult<()>;
    fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool>;
    fn slugs_like(conn: &mut DbConnection, base: &str) -> QueryResult<Vec<String>>;
    /// Id, name and slug of a row.
    fn identity(row: &Self::Row) -> (i64, &str, &str);
}

/// Stamps out lookups, keyset lists and writes for one of the slugged
/// tables, and its `SluggedTable` marker.
macro_rules! slugged_queries {
    ($marker:ident, $table:ident, $row:ty, $values:ty, $find:ident, $list:ident, $insert:ident, $update:ident, $delete:ident, $resolve:ident, $all:ident, $slugs:ident) => {
        pub struct $marker;

        impl SluggedTable for $marker {
            type Row = $row;
            type Values = $values;
            fn find(conn: &mut DbConnection, reference: &Reference) -> QueryResult<Option<$row>> {
                $find(conn, reference)
            }
            fn list(conn: &mut DbConnection, after: Option<&str>, limit: u32) -> QueryResult<Vec<$row>> {
                $list(conn, after, limit)
            }
            fn insert(conn: &mut DbConnection, values: &$values) -> QueryResult<i64> {
                $insert(conn, values)
            }
            fn update(conn: &mut DbConnection, id: i64, values: &$values) -> QueryResult<()> {
                $update(conn, id, values)
            }
            fn delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
                $delete(conn, id)
            }
            fn slugs_like(conn: &mut DbConnection, base: &str) -> QueryResult<Vec<String>> {
                $slugs(conn, base)
            }
            fn identity(row: &$row) -> (i64, &str, &str) {
                (row.id, &row.name, &row.slug)
            }
        }

        pub fn $find(conn: &mut DbConnection, reference: &Reference) -> QueryResult<Option<$row>> {
            let query = $table::table.select(<$row>::as_select()).into_boxed::<MultiBackend>();
            let query = match reference {
                Reference::Id(id) => query.filter($table::id.eq(*id)),
                Reference::Slug(slug) => query.filter($table::slug.eq(slug.clone())),
            };
            query.first(conn).optional()
        }

        /// Up to `limit + 1` rows in slug order after `after`.
        pub fn $list(conn: &mut DbConnection, after: Option<&str>, limit: u32) -> QueryResult<Vec<$row>> {
            let mut query = $table::table.select(<$row>::as_select()).into_boxed::<MultiBackend>();
            if let Some(after) = after {
                query = query.filter($table::slug.gt(after.to_owned()));
            }
            query.order($table::slug.asc()).limit(i64::from(limit) + 1).load(conn)
        }

        pub fn $insert(conn: &mut DbConnection, values: &$values) -> QueryResult<i64> {
            diesel::insert_into($table::table).values(values).returning($table::id).get_result(conn)
        }

        pub fn $update(conn: &mut DbConnection, id: i64, values: &$values) -> QueryResult<()> {
            diesel::update($table::table.filter($table::id.eq(id))).set(values).execute(conn).map(drop)
        }

        pub fn $delete(conn: &mut DbConnection, id: i64) -> QueryResult<bool> {
            Ok(diesel::delete($table::table.filter($table::id.eq(id))).execute(conn)? == 1)
        }

        /// `(id, slug)` of every row named by `references` (missing ones are absent).
        pub fn $resolve(conn: &mut DbConnection, references: &[Reference]) -> QueryResult<Vec<(i64, String)>> {
            let ids: Vec<i64> =
                references.iter().filter_map(|r| if let Reference::Id(id) = r { Some(*id) } else { None }).collect();
            let slugs: Vec<String> = references
                .iter()
                .filter_map(|r| if let Reference::Slug(s) = r { Some(s.clone()) } else { None })
                .collect();
            $table::table
                .filter($table::id.eq_any(&ids).or($table::slug.eq_any(&slugs)))
                .select(($table::id, $table::slug))
                .load(conn)
        }

        /// `(id, slug)` of every row (for bulk imports).
        pub fn $all(conn: &mut DbConnection) -> QueryResult<Vec<(i64, String)>> {
            $table::table.select(($table::id, $table::slug)).load(conn)
        }

        pub fn $slugs(conn: &mut DbConnection, base: &str) -> QueryResult<Vec<String>> {
            $table::table.filter($table::slug.like(format!("{base}%"))).select($table::slug).load(conn)
        }
    };
}

slugged_queries!(
    AuthorsTable,
    authors,
    AuthorRow,
    AuthorValues,
    find_author,
    list_authors,
    insert_author,
    update_author,
    delete_author,
    resolve_authors,
    all_authors,
    author_slugs_starting_with
);
slugged_queries!(
    SectionsTable,
    sections,
    SectionRow,
    SectionValues,
    find_section,
    list_sections,
    insert_section,
    update_section,
    delete_section,
    resolve_sections,
    all_sections,
    section_slugs_starting_with
);
slugged_queries!(
    TagsTable,
    tags,
    TagRow,
    TagValues,
    find_tag,
    list_tags,
    insert_tag,
    update_tag,
    delete_tag,
    resolve_tags,
    all_tags,
    tag_slugs_starting_with
);
