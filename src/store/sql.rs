//! Hand-written SQL with bound parameters, for the statements diesel's DSL
//! cannot say (full-text search on both backends).

use chrono::NaiveDateTime;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{BigInt, Double, Text, Timestamp};

use super::connection::MultiBackend;

/// A value bound to a `$n` placeholder.
pub(super) enum Bind {
    Text(String),
    BigInt(i64),
    Timestamp(NaiveDateTime),
    Double(f64),
}

/// SQL text and its parameters, written strictly left to right: SQLite numbers
/// `$n` parameters by first appearance and PostgreSQL by their digits, so the
/// two agree only when every placeholder is new where it first appears.
#[derive(Default)]
pub(super) struct Statement {
    sql: String,
    binds: Vec<Bind>,
}

impl Statement {
    pub(super) fn push(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    pub(super) fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.sql.push_str(&format!("${}", self.binds.len()));
        self
    }

    pub(super) fn into_query(self) -> BoxedSqlQuery<'static, MultiBackend, diesel::query_builder::SqlQuery> {
        let mut query = diesel::sql_query(self.sql).into_boxed::<MultiBackend>();
        for value in self.binds {
            query = match value {
                Bind::Text(v) => query.bind::<Text, _>(v),
                Bind::BigInt(v) => query.bind::<BigInt, _>(v),
                Bind::Timestamp(v) => query.bind::<Timestamp, _>(v),
                Bind::Double(v) => query.bind::<Double, _>(v),
            };
        }
        query
    }
}
