//! Dateline: a headless content API for newsrooms.

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod freshness;
pub mod graphql;
pub mod http;
pub mod ingest;
pub mod rest;
pub mod service;
pub mod store;
pub mod telemetry;
