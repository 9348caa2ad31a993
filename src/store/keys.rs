//! API keys: stored as a SHA-256 hash with a short visible prefix.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::connection::DbConnection;
use super::schema::api_keys;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct KeyRow {
    pub id: i64,
    pub name: String,
    pub scope: String,
    pub prefix: String,
    pub hash: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewKey<'a> {
    pub name: &'a str,
    pub scope: &'a str,
    pub prefix: &'a str,
    pub hash: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, key: &NewKey<'_>) -> QueryResult<i64> {
    diesel::insert_into(api_keys::table).values(key).returning(api_keys::id).get_result(conn)
}

pub fn with_prefix(conn: &mut DbConnection, prefix: &str) -> QueryResult<Vec<KeyRow>> {
    api_keys::table.filter(api_keys::prefix.eq(prefix)).select(KeyRow::as_select()).load(conn)
}

pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<KeyRow>> {
    api_keys::table.order(api_keys::id).select(KeyRow::as_select()).load(conn)
}

pub fn touch(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(api_keys::table.filter(api_keys::id.eq(id)))
        .set(api_keys::last_used_at.eq(Some(at)))
        .execute(conn)
        .map(drop)
}

/// Revokes by id or by prefix; returns how many keys it revoked.
pub fn revoke(conn: &mut DbConnection, id_or_prefix: &str, at: NaiveDateTime) -> QueryResult<usize> {
    let target = api_keys::table.filter(api_keys::revoked_at.is_null());
    match id_or_prefix.parse::<i64>() {
        Ok(id) => {
            diesel::update(target.filter(api_keys::id.eq(id))).set(api_keys::revoked_at.eq(Some(at))).execute(conn)
        }
        Err(_) => diesel::update(target.filter(api_keys::prefix.eq(id_or_prefix)))
            .set(api_keys::revoked_at.eq(Some(at)))
            .execute(conn),
    }
}
