//! What REST and GraphQL share over HTTP: the state every handler reads,
//! request extractors, middleware, the rendered-response cache, problem
//! documents and health checks.

pub mod extract;
pub mod health;
pub mod limits;
pub mod measure;
pub mod metrics;
pub mod middleware;
pub mod problem;
pub mod rate_limit;
pub mod response_cache;
pub mod routes;
pub mod serve_cached;
pub mod state;
