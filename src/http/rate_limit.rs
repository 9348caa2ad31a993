//! Rate limits: which requests count. Every request the response cache does
//! not answer counts against its caller's bucket (`http::limits`).
//!
//! Cached answers cost nothing and are never throttled: the middleware sits
//! inside `serve_cached`, so a hit never reaches it, and a keyless GraphQL
//! POST (which the GraphQL handler looks up in the cache itself) is counted
//! by that handler on a miss. Every counted response carries the IETF
//! `RateLimit-Policy` and `RateLimit` fields; a refused one is a 429
//! problem with `Retry-After`.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpRequest, HttpResponse, ResponseError};

use super::extract::{authenticated_key, Authenticated};
use super::limits::Admission;
use super::state::AppState;

/// Counts a request the cache did not answer: `Ok` with the headers to add
/// to its response (none when no limit applies), or the 429 to send.
pub async fn admit(state: &AppState, req: &HttpRequest) -> Result<Option<Admission>, HttpResponse> {
    if !state.limits.is_enabled() || exempt(req) {
        return Ok(None);
    }
    Authenticated::resolve(state, req).await.map_err(|error| error.error_response())?;
    let peer = req.peer_addr().map(|address| address.ip());
    match state.limits.admit(authenticated_key(req), peer, req.headers()) {
        None => Ok(None),
        Some(Ok(admission)) => Ok(Some(admission)),
        Some(Err(refused)) => Err(refused.refusal()),
    }
}

/// Probes and scrapes are never throttled: a limit must not make a healthy
/// server look dead to its orchestrator.
fn exempt(req: &HttpRequest) -> bool {
    matches!(req.path(), "/healthz" | "/readyz" | "/metrics") || req.method() == Method::OPTIONS
}

/// A keyless GraphQL POST is looked up in the cache by its handler, which
/// counts it only on a miss.
fn counted_by_handler(state: &AppState, req: &ServiceRequest) -> bool {
    req.method() == Method::POST && req.path() == "/graphql" && state.cache.shared_with(req.headers())
}

/// The middleware: counts every request that reaches it (see the module's
/// comment for what does not).
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if counted_by_handler(&state, &req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let admission = match admit(&state, req.request()).await {
        Ok(admission) => admission,
        Err(refusal) => return Ok(req.into_response(refusal)),
    };
    let mut res = next.call(req).await?.map_into_boxed_body();
    if let Some(admission) = admission {
        admission.stamp(res.headers_mut());
    }
    Ok(res)
}
