//! The API test suite: every test runs on SQLite, and on PostgreSQL when
//! TEST_DATABASE_URL is set, through the real HTTP stack.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod articles;
mod auth;
mod cache;
mod caching;
mod cli;
mod contract;
mod errors;
mod graphql;
mod ingest;
mod paging;
mod related;
mod rules;
mod search;
mod visibility;
