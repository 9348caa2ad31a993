//! Prometheus metrics at `GET /metrics` (no key; `DATELINE_METRICS=false`
//! turns it off): requests by route template, method and status, their
//! latency, and response-cache hits and misses. Each app holds its own
//! recorder (no process-global one), so several apps in one process (the
//! tests) count apart.
//!
//! Routes are labelled by template (`/v1/articles/{ref}`), never by the
//! path asked for, so the number of series is bounded by the routes, not by
//! what clients send; paths no route matches share `unmatched`.

use std::sync::{Arc, Weak};
use std::time::Duration;

use actix_web::http::Method;
use metrics::{Key, Label, Level, Metadata, Recorder};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

const REQUESTS: &str = "dateline_http_requests_total";
const DURATION: &str = "dateline_http_request_duration_seconds";
const CACHE_HITS: &str = "dateline_cache_hits_total";
const CACHE_MISSES: &str = "dateline_cache_misses_total";
const POOL_WAIT: &str = "dateline_db_pool_wait_seconds";

/// Latency buckets, seconds: a cached hit is ~0.1 ms, an uncached list ~10 ms.
const BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

static METADATA: Metadata<'static> = Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// How often recorded latencies are folded into their histograms: the
/// recorder keeps every sample until then.
const UPKEEP: Duration = Duration::from_secs(5);

/// Request paths whose route template is remembered (see `route_of`).
const ROUTES_REMEMBERED: usize = 4096;

/// A request series' handles: its counter and its latency histogram.
type Series = (metrics::Counter, metrics::Histogram);

/// Cheap to clone: the clones share one recorder.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    /// Path asked for → its route template. Finding the template walks the
    /// routes and builds a string; with the series' handles below, building
    /// them per request took a fifth of a cached hit's throughput.
    routes: quick_cache::sync::Cache<String, Arc<str>>,
    /// (template, method, status) → the series' handles.
    series: quick_cache::sync::Cache<(Arc<str>, Method, u16), Series>,
    hits: metrics::Counter,
    misses: metrics::Counter,
    pool_wait: metrics::Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let builder = PrometheusBuilder::new();
        let builder = match builder
            .set_buckets_for_metric(Matcher::Full(DURATION.into()), BUCKETS)
            .and_then(|b| b.set_buckets_for_metric(Matcher::Full(POOL_WAIT.into()), BUCKETS))
        {
            Ok(builder) => builder,
            // Only an empty bucket list is refused; ours is not.
            Err(_) => PrometheusBuilder::new(),
        };
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        let hits = recorder.register_counter(&Key::from_name(CACHE_HITS), &METADATA);
        let misses = recorder.register_counter(&Key::from_name(CACHE_MISSES), &METADATA);
        let pool_wait = recorder.register_histogram(&Key::from_name(POOL_WAIT), &METADATA);
        let inner = Arc::new(Inner {
            recorder,
            handle,
            routes: quick_cache::sync::Cache::new(ROUTES_REMEMBERED),
            series: quick_cache::sync::Cache::new(ROUTES_REMEMBERED),
            hits,
            misses,
            pool_wait,
        });
        keep_up(Arc::downgrade(&inner));
        Self { inner }
    }
}

/// Folds samples into histograms every `UPKEEP` until the metrics are dropped.
fn keep_up(inner: Weak<Inner>) {
    let spawned = std::thread::Builder::new().name("dateline-metrics".into()).spawn(move || loop {
        std::thread::sleep(UPKEEP);
        match inner.upgrade() {
            Some(inner) => inner.handle.run_upkeep(),
            None => return,
        }
    });
    if let Err(error) = spawned {
        tracing::warn!(%error, "cannot start the metrics upkeep thread; latencies are folded only when scraped");
    }
}

impl Metrics {
    /// The route template of a path (`find` computes it), remembered.
    pub fn route_of(&self, path: &str, find: impl FnOnce() -> Option<String>) -> Arc<str> {
        if let Some(route) = self.inner.routes.get(path) {
            return route;
        }
        let route: Arc<str> = find().unwrap_or_else(|| "unmatched".to_owned()).into();
        self.inner.routes.insert(path.to_owned(), Arc::clone(&route));
        route
    }

    /// One answered request.
    pub fn request(&self, route: Arc<str>, method: &Method, status: u16, seconds: f64) {
        let key = (route, method.clone(), status);
        let (counter, histogram) = match self.inner.series.get(&key) {
            Some(series) => series,
            None => {
                let series = self.register(&key.0, method.as_str(), status);
                self.inner.series.insert(key, series.clone());
                series
            }
        };
        counter.increment(1);
        histogram.record(seconds);
    }

    fn register(&self, route: &str, method: &str, status: u16) -> Series {
        let label = |name: &'static str, value: &str| Label::new(name, value.to_owned());
        let labels = vec![label("route", route), label("method", method), label("status", &status.to_string())];
        let counter = self.inner.recorder.register_counter(&Key::from_parts(REQUESTS, labels), &METADATA);
        let labels = vec![label("route", route), label("method", method)];
        let histogram = self.inner.recorder.register_histogram(&Key::from_parts(DURATION, labels), &METADATA);
        (counter, histogram)
    }

    /// A request the response cache answered, or one it had to pass on.
    pub fn cache(&self, hit: bool) {
        if hit { &self.inner.hits } else { &self.inner.misses }.increment(1);
    }

    /// How long a piece of store work waited for a pooled connection.
    pub fn pool_wait(&self, waited: Duration) {
        self.inner.pool_wait.record(waited.as_secs_f64());
    }

    pub fn render(&self) -> String {
        self.inner.handle.run_upkeep();
        self.inner.handle.render()
    }
}
