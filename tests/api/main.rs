//! The API test suite: every test runs on SQLite, and on PostgreSQL when
//! TEST_DATABASE_URL is set, through the real HTTP stack.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod articles;
mod auth;
mod chaos;
mod cli;
mod conformance;
mod contract;
mod errors;
mod graphql;
mod http_caching;
mod ingest;
mod metrics;
mod paging;
mod rate_limits;
mod related;
mod response_cache;
mod rules;
mod search;
mod shutdown;
mod visibility;
