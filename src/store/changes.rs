//! Telling other Dateline processes what a write changed, and hearing what
//! theirs did, inside the writing transaction (so the news goes out exactly
//! when the write commits): PostgreSQL `NOTIFY` heard by a `LISTEN`ing
//! connection per process; on SQLite, a row in `change_log` that each
//! process polls for. Also the one query `Freshness` needs: when the
//! next scheduled article goes public.

use std::sync::{Arc, Weak};
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel::{Connection, PgConnection};

use super::schema::articles;
use super::{DbConnection, Location};
use crate::domain::time::{from_stored, to_stored};
use crate::domain::Change;
use crate::error::AppError;
use crate::freshness::Freshness;

const CHANNEL: &str = "dateline_changes";
/// How often the listening connection looks for notifications: the most a
/// write on another process stays unseen here.
const LISTEN_POLL: Duration = Duration::from_millis(20);
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Rows of `change_log` kept for processes that look late (each looks
/// every `LISTEN_POLL`, so this is far more than any of them needs).
const CHANGE_LOG_KEEP: i64 = 10_000;

/// Sends the changes to every other process when the surrounding
/// transaction commits.
pub fn announce(conn: &mut DbConnection, freshness: &Freshness, changes: &[Change]) -> Result<(), AppError> {
    if changes.is_empty() {
        return Ok(());
    }
    let payload = freshness.notification(changes);
    match conn {
        DbConnection::Postgres(pg) => {
            diesel::sql_query(format!("SELECT pg_notify('{CHANNEL}', $1)")).bind::<Text, _>(payload).execute(pg)?;
        }
        DbConnection::Sqlite(sqlite) => {
            diesel::sql_query("INSERT INTO change_log (payload) VALUES ($1)")
                .bind::<Text, _>(payload)
                .execute(sqlite)?;
            diesel::sql_query(format!("DELETE FROM change_log WHERE id <= last_insert_rowid() - {CHANGE_LOG_KEEP}"))
                .execute(sqlite)?;
        }
    }
    Ok(())
}

/// The publication time of the next scheduled article after `now`, if any.
pub fn next_publication(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AppError> {
    // For published articles `sort_at` is `published_at`, and
    // (status, sort_at) is indexed: one index seek.
    let next = articles::table
        .filter(articles::status.eq("published"))
        .filter(articles::sort_at.gt(to_stored(now)))
        .select(articles::sort_at)
        .order(articles::sort_at.asc())
        .first::<chrono::NaiveDateTime>(conn)
        .optional()?;
    Ok(next.map(from_stored))
}

/// Applies other processes' changes to `freshness` from a thread of its own,
/// until the store is dropped. A lost connection forgets everything (news
/// may have been missed) and is opened again.
pub fn listen(location: Location, freshness: &Arc<Freshness>) {
    let freshness = Arc::downgrade(freshness);
    let spawned = std::thread::Builder::new().name("dateline-listen".into()).spawn(move || match location {
        Location::Postgres(url) => listen_loop(&url, &freshness),
        Location::Sqlite(_) => poll_change_log(&location, &freshness),
    });
    if let Err(error) = spawned {
        tracing::error!(%error, "cannot start the change listener; caches of other processes' writes may go stale");
    }
}

#[derive(QueryableByName)]
struct Logged {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    payload: String,
}

#[derive(QueryableByName)]
struct LastLogged {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// A connection to read the change log with, and the row it has read up
/// to: `resume` when reopening, else the last row already in the log.
fn open_change_log(location: &Location, resume: Option<i64>) -> Option<(DbConnection, i64)> {
    let mut conn = location.connect().ok()?;
    if let Some(seen) = resume {
        return Some((conn, seen));
    }
    let last =
        diesel::sql_query("SELECT COALESCE(MAX(id), 0) AS id FROM change_log").get_result::<LastLogged>(&mut conn);
    Some((conn, last.ok()?.id))
}

/// SQLite: reads the change log's new rows every `LISTEN_POLL`. A failed
/// read empties the freshness (rows may have been missed) and reopens, going on
/// after the last row it read: a write logged while it was reconnecting is
/// still applied (starting again from the end of the log would skip it,
/// after the freshness had been emptied and had begun to fill again).
fn poll_change_log(location: &Location, freshness: &Weak<Freshness>) {
    let mut reader = open_change_log(location, None);
    let mut resume = None;
    while freshness.strong_count() > 0 {
        std::thread::sleep(LISTEN_POLL);
        let Some((conn, seen)) = reader.as_mut() else {
            reader = open_change_log(location, resume);
            continue;
        };
        let read = diesel::sql_query("SELECT id, payload FROM change_log WHERE id > $1 ORDER BY id")
            .bind::<diesel::sql_types::BigInt, _>(*seen)
            .load::<Logged>(conn);
        let Some(freshness) = freshness.upgrade() else {
            return;
        };
        match read {
            Ok(rows) => {
                for row in rows {
                    freshness.apply_notification(&row.payload);
                    *seen = row.id;
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot read the change log");
                freshness.apply(&[Change::Everything]);
                resume = Some(*seen);
                reader = None;
            }
        }
    }
}

fn listen_loop(url: &str, freshness: &Weak<Freshness>) {
    let mut first = true;
    while freshness.strong_count() > 0 {
        match listening_connection(url) {
            Ok(mut conn) => {
                if !first {
                    if let Some(freshness) = freshness.upgrade() {
                        freshness.apply(&[Change::Everything]);
                    }
                    tracing::info!("change listener reconnected");
                }
                first = false;
                drain_until_broken(&mut conn, freshness);
            }
            Err(error) => tracing::debug!(%error, "change listener cannot connect"),
        }
        std::thread::sleep(RECONNECT_AFTER);
    }
}

fn listening_connection(url: &str) -> Result<PgConnection, String> {
    let mut conn = PgConnection::establish(url).map_err(|e| e.to_string())?;
    diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(&mut conn).map_err(|e| e.to_string())?;
    Ok(conn)
}

/// Returns when the connection breaks or the freshness is gone.
fn drain_until_broken(conn: &mut PgConnection, freshness: &Weak<Freshness>) {
    loop {
        let Some(freshness) = freshness.upgrade() else {
            return;
        };
        for notification in conn.notifications_iter() {
            match notification {
                Ok(notification) => freshness.apply_notification(&notification.payload),
                Err(error) => {
                    tracing::warn!(%error, "change listener lost its connection");
                    freshness.apply(&[Change::Everything]);
                    return;
                }
            }
        }
        drop(freshness);
        std::thread::sleep(LISTEN_POLL);
    }
}
