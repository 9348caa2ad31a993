//! Measuring requests into `Metrics`, and serving them at `GET /metrics`.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpResponse};

use super::state::AppState;

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
        let route = state.metrics.route_of(request.path(), || request.match_pattern());
        state.metrics.request(route, request.method(), res.status().as_u16(), started.elapsed().as_secs_f64());
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
