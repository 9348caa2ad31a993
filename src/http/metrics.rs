//! Prometheus metrics at `GET /metrics` (no key; `DATELINE_METRICS=false`
//! turns it off): requests by route template, method and status, their
//! latency, and response-cache hits and misses. Each app holds its own
//! recorder (no process-global one), so several apps in one process (the
//! tests) count apart.
//!
//! Routes are labelled by template (`/v1/articles/{ref}`), never by the
//! path asked for, so the number of series is bounded by the routes, not by
//! what clients send; paths no route matches share `unmatched`.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpResponse};
use metrics::{Key, Label, Level, Metadata, Recorder};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder};

use super::state::AppState;

const REQUESTS: &str = "dateline_http_requests_total";
const DURATION: &str = "dateline_http_request_duration_seconds";
const CACHE_HITS: &str = "dateline_cache_hits_total";
const CACHE_MISSES: &str = "dateline_cache_misses_total";

/// Latency buckets, seconds: a cached hit is ~0.1 ms, an uncached list ~10 ms.
const BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

static METADATA: Metadata<'static> = Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
}

impl Default for Metrics {
    fn default() -> Self {
        let builder = PrometheusBuilder::new();
        let builder = match builder.set_buckets_for_metric(Matcher::Full(DURATION.into()), BUCKETS) {
            Ok(builder) => builder,
            // Only an empty bucket list is refused; ours is not.
            Err(_) => PrometheusBuilder::new(),
        };
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        Self { recorder, handle }
    }
}

impl Metrics {
    fn counter(&self, name: &'static str, labels: Vec<Label>) -> metrics::Counter {
        self.recorder.register_counter(&Key::from_parts(name, labels), &METADATA)
    }

    /// One answered request.
    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let labels = vec![
            Label::new("route", route.to_owned()),
            Label::new("method", method.to_owned()),
            Label::new("status", status.to_string()),
        ];
        self.counter(REQUESTS, labels).increment(1);
        let labels = vec![Label::new("route", route.to_owned()), Label::new("method", method.to_owned())];
        self.recorder.register_histogram(&Key::from_parts(DURATION, labels), &METADATA).record(seconds);
    }

    /// A request the response cache answered, or one it had to pass on.
    pub fn cache(&self, hit: bool) {
        self.counter(if hit { CACHE_HITS } else { CACHE_MISSES }, Vec::new()).increment(1);
    }

    pub fn render(&self) -> String {
        self.handle.run_upkeep();
        self.handle.render()
    }
}

/// Counts and times every request by its route template.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let res = next.call(req).await?;
    if let Some(state) = state.filter(|s| s.settings.metrics) {
        let request = res.request();
        let route = request.match_pattern().unwrap_or_else(|| "unmatched".to_owned());
        state.metrics.request(
            &route,
            request.method().as_str(),
            res.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(res)
}

/// `GET /metrics`: the Prometheus text format.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(state.metrics.render())
}
