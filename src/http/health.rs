//! Liveness, readiness and the answer to unknown routes.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::problem::Problem;
use super::routes::RouteTable;
use crate::error::AppError;
use crate::http::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthBody {
    #[schema(example = "ok")]
    pub status: String,
}

/// The process is alive.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = HealthBody)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    uncacheable(HealthBody { status: "ok".into() })
}

/// The database answers; 503 when it does not.
#[utoipa::path(tag = "health", responses(
    (status = 200, description = "Ready", body = HealthBody),
    (status = 503, description = "The database is unavailable", body = Problem, content_type = "application/problem+json")
))]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if state.db.is_ready().await {
        Ok(uncacheable(HealthBody { status: "ready".into() }))
    } else {
        Err(AppError::Unavailable)
    }
}

/// A health answer is about this moment: no cache may keep it (a load
/// balancer would see a stale "ready").
fn uncacheable(body: HealthBody) -> HttpResponse {
    HttpResponse::Ok().insert_header((actix_web::http::header::CACHE_CONTROL, "no-store")).json(body)
}

/// Unknown routes answer with a problem document too: a 405 with `Allow`
/// when the path exists and only the method is wrong, else a 404.
pub async fn no_route(req: actix_web::HttpRequest, routes: web::Data<RouteTable>) -> Result<HttpResponse, AppError> {
    match routes.allow(req.path()) {
        Some(allow) => Err(AppError::MethodNotAllowed { method: req.method().to_string(), allow }),
        None => Err(AppError::NoRoute(format!("{} {}", req.method(), req.path()))),
    }
}
