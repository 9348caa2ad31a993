//! What every request can reach: built once, shared by all workers.

use std::sync::Arc;

use actix_web::web;

use super::limits::{forget_idle_callers, RateLimits};
use super::metrics::Metrics;
use super::response_cache::ResponseCache;
use crate::config::Settings;
use crate::store::Db;

pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    /// Rendered public responses; the store's `Freshness` says which are still true.
    pub cache: ResponseCache,
    /// What `/metrics` reports.
    pub metrics: Metrics,
    /// A token bucket per caller for requests the cache does not answer.
    pub limits: Arc<RateLimits>,
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> web::Data<Self> {
        let cache = ResponseCache::new(settings.cache_size, Arc::clone(db.freshness()));
        if cache.is_enabled() {
            db.listen_for_changes();
        }
        let metrics = Metrics::default();
        let observer = metrics.clone();
        db.observe_waits(Box::new(move |waited| observer.pool_wait(waited)));
        let limits =
            Arc::new(RateLimits::new(settings.rate_limit, settings.rate_limit_keyed, settings.trusted_proxies.clone()));
        forget_idle_callers(Arc::downgrade(&limits));
        web::Data::new(Self { db, settings, cache, metrics, limits })
    }
}
