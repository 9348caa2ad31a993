//! Cross-cutting HTTP behaviour: request ids and access logs, NUL-free
//! URIs, strong ETags with conditional GETs, Cache-Control by caller.

use std::time::{Duration, Instant};

use actix_web::body::{self, BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpResponse};

use crate::error::AppError;
use crate::http::state::AppState;

pub const REQUEST_ID: &str = "x-request-id";

/// Gives every request an id (echoed as `X-Request-Id`) and logs one line for it.
///
/// Nothing here allocates when the access log is off (`DATELINE_LOG=warn`):
/// the id is encoded on the stack, and the log line's fields are only
/// formatted by `tracing` when the line is written. On a cached hit this is
/// a fair share of the work the server does.
pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let mut id_buffer = uuid::Uuid::encode_buffer();
    let request_id: &str = uuid::Uuid::new_v4().simple().encode_lower(&mut id_buffer);
    let span = tracing::info_span!("request", request_id = %request_id);
    let mut res = {
        let _entered = span.enter();
        next.call(req)
    }
    .await?;
    let request = res.request();
    tracing::info!(
        parent: &span,
        method = %request.method(),
        path = request.path(),
        status = res.status().as_u16(),
        latency_ms = %Millis(started.elapsed()),
        "request"
    );
    if let Ok(value) = HeaderValue::from_str(request_id) {
        res.headers_mut().insert(header::HeaderName::from_static(REQUEST_ID), value);
    }
    Ok(res)
}

/// Refuses a path or query string holding an encoded NUL with a 400, for
/// every route at once: PostgreSQL cannot compare text with a NUL in it
/// (`/v1/articles/a%00b` was a 500), and no slug, filter or parameter has one.
pub async fn refuse_nul_in_uri(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let uri = req.uri().path_and_query().map_or("", |p| p.as_str());
    if uri.as_bytes().windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) {
        let error = AppError::BadRequest("the path or query string contains a NUL character".into());
        let response = actix_web::ResponseError::error_response(&error);
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req).await.map(ServiceResponse::map_into_left_body)
}

/// A duration written as milliseconds with three decimals, formatted only
/// when a log line is.
struct Millis(Duration);

impl std::fmt::Display for Millis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.3}", self.0.as_secs_f64() * 1000.0)
    }
}

/// A strong ETag: a 128-bit hash of the exact representation. XXH3, not a
/// cryptographic digest: an ETag only has to change when the bytes do, and
/// SHA-256 over a 10 KB article was 3% of an uncached read.
pub fn etag_of(bytes: &[u8]) -> String {
    format!("\"{:032x}\"", xxhash_rust::xxh3::xxh3_128(bytes))
}

/// Does an `If-None-Match` / `If-Match` header list this ETag (or `*`)?
pub fn etag_matches(header_value: &str, etag: &str) -> bool {
    header_value.split(',').map(str::trim).any(|candidate| candidate == "*" || candidate == etag)
}

/// On successful GETs: adds a strong ETag, answers 304 to a matching
/// `If-None-Match`, and sets Cache-Control (`public` without a key,
/// `private, no-store` with one).
pub async fn http_cache(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let cacheable = matches!(*req.method(), Method::GET | Method::HEAD);
    let keyed = req.headers().contains_key(header::AUTHORIZATION);
    let if_none_match = if_none_match_header(&req).map(str::to_owned);
    let max_age = req.app_data::<web::Data<AppState>>().map(|s| s.settings.cache_max_age).unwrap_or(0);

    let res = next.call(req).await?;
    if !cacheable || res.status() != StatusCode::OK {
        return Ok(res.map_into_boxed_body());
    }
    let (req, res) = res.into_parts();
    let (head, payload) = res.into_parts();
    let head_cache_control = head.headers().get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = body::to_bytes(payload).await.map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?;
    let etag = etag_of(&bytes);
    let cache_control = if keyed { "private, no-store".to_owned() } else { format!("public, max-age={max_age}") };

    let not_modified = if_none_match.as_deref().is_some_and(|v| etag_matches(v, &etag));
    let mut response =
        if not_modified { HttpResponse::NotModified().finish() } else { head.set_body(bytes).map_into_boxed_body() };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    // A handler may have said already (e.g. GraphQL responses with errors).
    let chosen = head_cache_control.unwrap_or(cache_control);
    if let Ok(value) = HeaderValue::from_str(&chosen) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    // Public and keyed answers differ: a shared cache must keep them apart.
    headers.append(header::VARY, HeaderValue::from_static("Authorization"));
    Ok(ServiceResponse::new(req, response))
}

pub(super) fn if_none_match_header(req: &ServiceRequest) -> Option<&str> {
    req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok())
}
